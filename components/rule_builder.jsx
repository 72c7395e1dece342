// Shuying rule builder: react-querybuilder with JSON-Logic in and out.
// The Python side passes the field catalogue (already translated), the JSON-Logic rule to load and a
// reset key; every edit is sent back as {rule: <JSON-Logic or null>, query: <builder tree>}.
import React, { useEffect, useMemo, useState } from "react";
import { QueryBuilder, formatQuery } from "react-querybuilder";
import { parseJsonLogic } from "react-querybuilder/parseJsonLogic";
import "react-querybuilder/dist/query-builder.css";

const EMPTY = { combinator: "and", rules: [] };
const LIST_OPERATORS = new Set(["in", "notIn"]);

// an enum field picks several values for "in" / "not in" (a single select would show one of them)
function withMultiselect(fields) {
  return (fields || []).map((f) => (f.valueEditorType === "select"
    ? { ...f, valueEditorType: (op) => (LIST_OPERATORS.has(op) ? "multiselect" : "select") } : f));
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

export function RuleBuilder({ fields, rule, resetKey, translations, combinators, operators, onRuleChange, id, className }) {
  const safeFields = useMemo(() => withMultiselect(fields), [fields]);
  const [query, setQuery] = useState(() => load(rule, safeFields));
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
        controlClassnames={{ queryBuilder: "queryBuilder-branches" }}
        resetOnFieldChange={true}
        enableMountQueryChange={false}
      />
    </div>
  );
}
