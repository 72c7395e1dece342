"""Plain-Python shaping of rule data for the Rules pages (testable without a browser)."""

from __future__ import annotations

import json
from typing import Any

from app.format import local_datetime
from app.i18n import LOCALES, translate
from services import rules as rule_service

# react-querybuilder operator names per catalogue type; each exports to JSON-Logic our engine runs
_OPERATORS: dict[str, tuple[str, ...]] = {
    "string": ("=", "!=", "in", "notIn", "null", "notNull"),
    "enum": ("=", "!=", "in", "notIn"),
    "number": ("=", "!=", "<", "<=", ">", ">=", "between", "notBetween"),
    "money": ("=", "!=", "<", "<=", ">", ">=", "between", "notBetween"),
    "date": ("<", "<=", ">", ">=", "between", "null", "notNull"),
    "bool": ("=",),
    "list": ("contains", "doesNotContain"),
}


def say(key: str, locale: str) -> str:
    """A translated message for a toast."""
    return translate(key, locale)


def _operators(kind: str, locale: str) -> list[dict[str, str]]:
    """The operators offered for a field type, labelled in ``locale``."""
    return [{"name": op, "label": translate(f"op.{op}", locale)} for op in _OPERATORS.get(kind, ("=",))]


def _field(field: Any, locale: str) -> dict[str, Any]:
    """One catalogue field as a react-querybuilder field."""
    kind = field.type
    label = field.label(locale)
    if kind == "money":
        label = f"{label} (¥)"
    out: dict[str, Any] = {"name": field.key, "label": label, "operators": _operators(kind, locale),
                           "inputType": {"number": "number", "money": "number", "date": "date"}.get(kind, "text")}
    if kind == "enum" and field.options:
        out["valueEditorType"] = "select"
        out["values"] = [{"name": o.value, "label": o.en if locale.startswith("en") else o.zh}
                         for o in field.options]
    elif kind == "bool":
        out["valueEditorType"] = "select"
        out["values"] = [{"name": True, "label": translate("rules.true", locale)},
                         {"name": False, "label": translate("rules.false", locale)}]
        out["defaultValue"] = True
    return out


def builder_fields() -> dict[str, list[dict[str, Any]]]:
    """The rule builder's field list per locale, from the field catalogue."""
    fields = [f for f in rule_service.catalogue().fields.values()
              if f.items is None and not f.key.startswith("line.")]
    return {loc: [_field(f, loc) for f in fields] for loc in LOCALES}


def builder_translations() -> dict[str, dict[str, Any]]:
    """react-querybuilder's button and placeholder texts per locale."""
    keys = {"addRule": "rules.add_condition", "addGroup": "rules.add_group",
            "removeRule": "rules.remove", "removeGroup": "rules.remove"}
    return {loc: {name: {"label": translate(k, loc), "title": translate(k, loc)}
                  for name, k in keys.items()} for loc in LOCALES}


def combinators() -> dict[str, list[dict[str, str]]]:
    """AND / OR labelled per locale."""
    return {loc: [{"name": "and", "label": translate("rules.and", loc)},
                  {"name": "or", "label": translate("rules.or", loc)}] for loc in LOCALES}


def _where(used: list[str]) -> str:
    """'promotion:满300减50' entries as one short text."""
    return ", ".join(u.split(":", 1)[-1] for u in used)


def list_row(summary: rule_service.RuleSummary) -> dict[str, str]:
    """A row of the rules table (every value a string)."""
    return {"code": summary.code, "name": summary.name, "description": summary.description,
            "used": _where(summary.used_in), "version": str(summary.version),
            "updated": local_datetime(summary.updated_at), "by": summary.updated_by}


def customer_option(row: tuple[int, str, str, int]) -> dict[str, str]:
    """A customer in the try-it picker: code, tier and number of orders."""
    cid, code, tier, orders = row
    return {"value": str(cid), "label": f"{code} · {tier} · {orders}"}


def version_row(version: Any) -> dict[str, str]:
    """A version in the versions tab."""
    return {"version": str(version.version), "when": local_datetime(version.created_at),
            "by": version.created_by or "", "logic": json.dumps(version.logic, ensure_ascii=False)}


def trace_row(row: rule_service.TraceRow) -> dict[str, str]:
    """A tried sub-condition: indentation by depth, passed as '1'/'0'."""
    return {"path": row.path, "node": row.node, "result": row.result,
            "passed": "1" if row.passed else "0", "indent": f"{row.depth * 16}px"}


def diff_line(line: str) -> dict[str, str]:
    """A diff line and its kind: add, del, head or same."""
    if line.startswith(("+++", "---", "@@")):
        kind = "head"
    elif line.startswith("+"):
        kind = "add"
    elif line.startswith("-"):
        kind = "del"
    else:
        kind = "same"
    return {"text": line, "kind": kind}
