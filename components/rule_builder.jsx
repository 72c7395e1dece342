// Shuying rule builder: react-querybuilder with JSON-Logic in and out.
// The Python side passes the field catalogue (already translated), the JSON-Logic rule to load and a
// reset key; every edit is sent back as {rule: <JSON-Logic or null>, query: <builder tree>}.
import React, { useEffect, useMemo, useState } from "react";
import { QueryBuilder, ValueEditor, ValueSelector, formatQuery } from "react-querybuilder";
import { parseJsonLogic } from "react-querybuilder/parseJsonLogic";
import "react-querybuilder/dist/query-builder.css";

const EMPTY = { combinator: "and", rules: [] };
const LIST_OPERATORS = new Set(["in", "notIn"]);

// an enum field picks several values for "in" / "not in" (a single select would show one of them)
function withMultiselect(fields) {
  return (fields || []).map((f) => {
    const out = { ...f, validator: fitsField(f) };
    if (f.valueEditorType === "select") out.valueEditorType = (op) => (LIST_OPERATORS.has(op) ? "multiselect" : "select");
    return out;
  });
}

// A condition the field cannot hold (an operator not offered for its type, a value not among its
// options; e.g. JSON typed by hand: tier >= 3) is outlined in red and drawn as it is (OperatorSelector,
// DrawnAsItIs below), not as the selects' first options. The problems list under the builder says why.
function fitsField(f) {
  const operators = new Set((f.operators || []).map((o) => o.name));
  const values = f.values ? new Set(f.values.map((v) => String(v.name))) : null;
  return (rule) => {
    if (operators.size && !operators.has(rule.operator)) return { valid: false, reasons: ["operator"] };
    if (values && rule.valueSource !== "field") {
      const raw = rule.value;
      const picked = Array.isArray(raw) ? raw : (typeof raw === "string" && LIST_OPERATORS.has(rule.operator) ? raw.split(",") : [raw]);
      if (picked.some((v) => v !== "" && v !== undefined && v !== null && !values.has(String(v)))) {
        return { valid: false, reasons: ["value"] };
      }
    }
    return true;
  };
}

function load(rule, fields) {
  if (!rule || (typeof rule === "object" && Object.keys(rule).length === 0)) return EMPTY;
  try {
    return parseJsonLogic(rule, { fields, jsonLogicOperations: {} });
  } catch (err) {
    return EMPTY;
  }
}

function exported(query) {
  if (!query || !query.rules || query.rules.length === 0) return null;
  const out = formatQuery(query, { format: "jsonlogic", parseNumbers: true });
  return out === false ? null : out;
}

// Such a condition is drawn as it is: its operator or value is added to the select it sits in
// (a select cannot show a value it does not list, and would show its first option instead).
function OperatorSelector(props) {
  const { value, options, context } = props;
  const flat = (options || []).flatMap((o) => (o.options ? o.options : [o]));
  if (value === undefined || value === null || value === "" || flat.some((o) => o.name === value)) {
    return <ValueSelector {...props} />;
  }
  const label = ((context && context.operatorLabels) || {})[value] || value;
  return <ValueSelector {...props} options={[...options, { name: value, value, label }]} />;
}

function DrawnAsItIs(props) {
  const { type, values, value } = props;
  if (type === "select" && values && value !== "" && value !== undefined && value !== null
      && !values.some((v) => String(v.name) === String(value))) {
    return <ValueEditor {...props} values={[...values, { name: value, value, label: String(value) }]} />;
  }
  return <ValueEditor {...props} />;
}

const CONTROLS = { operatorSelector: OperatorSelector, valueEditor: DrawnAsItIs };

export function RuleBuilder({ fields, rule, resetKey, translations, combinators, operators, operatorLabels, onRuleChange, id, className }) {
  const safeFields = useMemo(() => withMultiselect(fields), [fields]);
  const [query, setQuery] = useState(() => load(rule, safeFields));
  const context = useMemo(() => ({ operatorLabels: operatorLabels || {} }), [operatorLabels]);
  useEffect(() => { setQuery(load(rule, safeFields)); }, [resetKey]);
  const changed = (q) => {
    setQuery(q);
    if (onRuleChange) onRuleChange({ rule: exported(q) });
  };
  return (
    <div id={id} className={"sy-rule-builder " + (className || "")}>
      <QueryBuilder
        fields={safeFields}
        query={query}
        onQueryChange={changed}
        translations={translations || {}}
        combinators={combinators}
        operators={operators}
        controlElements={CONTROLS}
        context={context}
        controlClassnames={{ queryBuilder: "queryBuilder-branches" }}
        resetOnFieldChange={true}
        enableMountQueryChange={false}
      />
    </div>
  );
}
