"""Plain-Python shaping of rule data for the Rules pages (testable without a browser)."""

from __future__ import annotations

import json
import re
from typing import Any

from app.format import local_datetime
from app.i18n import LOCALES, translate
from app.rule_problems import EVAL_PREFIX, problem_texts
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


def canonical(logic: Any) -> str:
    """A rule as one canonical JSON text (sorted keys), to tell whether two documents are the same rule."""
    return json.dumps(plain(logic), sort_keys=True, ensure_ascii=False, default=str)


def plain(value: Any) -> Any:
    """State values as plain JSON types (Reflex hands handlers proxies of dicts and lists)."""
    from collections.abc import Mapping, Sequence

    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return [plain(v) for v in value]
    return value


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


def operator_labels() -> dict[str, dict[str, str]]:
    """Every operator's label per locale (the builder names one a field does not offer, see rule_builder.jsx)."""
    every = dict.fromkeys(op for ops in _OPERATORS.values() for op in ops)
    return {loc: {op: translate(f"op.{op}", loc) for op in every} for loc in LOCALES}


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
    node = json.loads(row.node)
    return {"path": row.path, "node": row.node, "result": row.result,
            "passed": "1" if row.passed else "0", "indent": f"{row.depth * 16}px",
            **{loc: describe(node, loc) for loc in LOCALES}}


_OP_KEYS = {"==": "op.=", "===": "op.=", "!=": "op.!=", "!==": "op.!=", "<": "op.<", "<=": "op.<=",
            ">": "op.>", ">=": "op.>="}


def _value_text(field: Any, value: Any, locale: str) -> str:
    """A literal as the marketer entered it: option labels, 是/否, lists joined."""
    if isinstance(value, list):
        return translate("rules.list_sep", locale).join(_value_text(field, v, locale) for v in value)
    if isinstance(value, bool):
        return translate("rules.true" if value else "rules.false", locale)
    for option in getattr(field, "options", ()) or ():
        if option.value == value:
            return option.en if locale.startswith("en") else option.zh
    if getattr(field, "type", "") == "money" and isinstance(value, (int, float, str)):
        return f"¥{value}"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def _var_field(node: Any) -> Any:
    """The catalogue field a ``{"var": key}`` node reads, or None."""
    if isinstance(node, dict) and len(node) == 1 and "var" in node:
        key = node["var"][0] if isinstance(node["var"], list) else node["var"]
        return rule_service.catalogue().fields.get(key) if isinstance(key, str) else None
    return None


def describe(node: Any, locale: str) -> str:
    """A sub-condition in words: 会员等级 不等于 普通会员 / Tier does not equal Member."""
    if not isinstance(node, dict) or len(node) != 1:
        return json.dumps(node, ensure_ascii=False, default=str)
    op, args = next(iter(node.items()))
    args = args if isinstance(args, list) else [args]
    if op in ("and", "or"):
        return translate("rules.all_of", locale) if op == "and" else translate("rules.any_of", locale)
    if op == "!" and args:
        return translate("rules.not", locale) + " " + describe(args[0], locale)
    if op in _OP_KEYS and len(args) == 3 and _var_field(args[1]) is not None:
        f = _var_field(args[1])
        return (f"{f.label(locale)} {translate('op.between', locale)} {_value_text(f, args[0], locale)}"
                f" – {_value_text(f, args[2], locale)}")
    if op in _OP_KEYS and len(args) == 2 and _var_field(args[0]) is not None:
        f = _var_field(args[0])
        return f"{f.label(locale)} {translate(_OP_KEYS[op], locale)} {_value_text(f, args[1], locale)}"
    if op == "in" and len(args) == 2:
        if _var_field(args[1]) is not None:
            f = _var_field(args[1])
            return f"{f.label(locale)} {translate('op.contains', locale)} {_value_text(f, args[0], locale)}"
        if _var_field(args[0]) is not None:
            f = _var_field(args[0])
            return f"{f.label(locale)} {translate('op.in', locale)} {_value_text(f, args[1], locale)}"
    return json.dumps(node, ensure_ascii=False, default=str)


def audience_view(result: Any) -> dict[str, str]:
    """An audience count for the editor: count, population, how it was computed, a few codes."""
    return {"count": f"{result.count:,}", "population": f"{result.population:,}",
            "pushed": "1" if result.pushed_down else "0", "fallback": result.fallback or "",
            "sample": ", ".join(m.code for m in result.customers[:8]),
            "seconds": f"{result.seconds:.3f}"}


_STEP = re.compile(r"\.([^.\[\]]+)\[(\d+)\]")
_LOGICAL = {"and", "or", "!", "!!", "if", "?:"}


def condition_at(logic: Any, path: str) -> Any:
    """The condition a problem's JSON path points into: the node right below the last and/or/!."""
    node, chosen, parent_logical = logic, logic, True
    for op, index in _STEP.findall(path[1:] if path.startswith("$") else path):
        if not isinstance(node, dict) or op not in node:
            break
        args = node[op] if isinstance(node[op], list) else [node[op]]
        if int(index) >= len(args):
            break
        parent_logical = op in _LOGICAL
        node = args[int(index)]
        if parent_logical:
            chosen = node
    return chosen


def problem_rows(logic: Any, problems: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Problems with the condition they belong to, in both languages, for showing beside it.

    Each row: ``path``, ``code``, ``reason``, ``message`` (English, from the engine), ``where_<locale>``
    (the condition in words) and ``text_<locale>`` (the problem in words).
    """
    rows = []
    for p in problems:
        node = condition_at(logic, p.get("path", "$"))
        rows.append({"path": str(p.get("path", "$")), "code": str(p.get("code", "")),
                     "reason": str(p.get("reason") or p.get("code", "")), "message": str(p.get("message", "")),
                     **{f"where_{loc}": describe(node, loc) for loc in LOCALES},
                     **{f"text_{loc}": text for loc, text in problem_texts(p).items()}})
    return rows


def json_error(err: json.JSONDecodeError) -> dict[str, str]:
    """Where hand-typed JSON stops parsing, in every language."""
    return {loc: translate("rules.json_invalid", loc).format(line=err.lineno, column=err.colno) for loc in LOCALES}


FIELD_ERROR_PREFIX = "rules.field_error."


def field_errors(err: rule_service.RuleServiceError) -> dict[str, dict[str, str]]:
    """A refusal's head-field errors for showing next to the fields: ``{field: {locale: text}}``.

    A field with a reason (``services.rules.FIELD_REASONS``) reads ``rules.field_error.<reason>`` with
    its params; one without keeps the service's message in every locale.
    """
    out: dict[str, dict[str, str]] = {}
    for name, message in err.fields.items():
        given = err.reasons.get(name)
        if given is None:
            out[name] = {loc: message for loc in LOCALES}
            continue
        out[name] = field_error(given["reason"], **{k: str(v) for k, v in (given.get("params") or {}).items()})
    return out


def field_error(reason: str, **params: Any) -> dict[str, str]:
    """One field error of a known reason in every locale."""
    return {loc: translate(FIELD_ERROR_PREFIX + reason, loc).format(**params) for loc in LOCALES}


def eval_error(problem: dict[str, Any]) -> dict[str, str]:
    """Why trying the rule failed, for the try-it tab: the sentence per locale and the engine's message.

    ``{locale: sentence, "detail": technical message}``.
    """
    return {**problem_texts(problem, EVAL_PREFIX), "detail": str(problem.get("message", ""))}


def try_refused(err: rule_service.RuleServiceError) -> dict[str, str]:
    """Why a rule could not be tried at all, per locale: its problems (listed under the builder), else
    the refused field's error."""
    if err.problems:
        return {loc: translate("rules.try_has_problems", loc) for loc in LOCALES}
    errors = field_errors(err)
    if errors:
        return next(iter(errors.values()))
    return {loc: str(err) for loc in LOCALES}
