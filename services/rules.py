"""Saved rules: list, open, save (validated, versioned), delete, diff versions and try one on real data.

A rule is a JSON-Logic document over the field catalogue (``engine.rules.catalogue``). Saving checks it
with ``engine.rules.validate`` against the catalogue and refuses it with every problem listed; nothing
is written then. Trying a rule evaluates it on a demo customer's profile, last order (as a cart) or last
event and reports each sub-condition as true or false.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from engine import rules as rule_engine
from services.docdiff import unified
from storage.db import session_scope
from storage.repositories import audit, facts
from storage.repositories import rules as repo
from storage.repositories.errors import DuplicateError, RepositoryError

CODE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{1,63}$")
SAMPLE_KINDS = ("customer", "cart", "event")
LOGICAL = {"and", "or", "!", "!!", "if", "?:"}


# Why a head field (code, name) is refused: reason -> the English message (params filled in). The UI
# keys its texts on the reason (``rules.field_error.<reason>`` in app/i18n), the API sends the message.
FIELD_REASONS: dict[str, str] = {
    "required": "required",
    "code_pattern": "2–64 letters, digits, - or _, starting with a letter",
    "too_long": "at most {max} characters",
    "duplicate": "rule code {code!r} already exists",
    "not_found": "not found",
}
NAME_MAX = 256

# Why trying a rule on a sample failed (``TryResult.problem``, whose ``message`` is the engine's). The
# UI keys its texts on the reason (``rule_eval.<reason>`` in app/i18n) and shows the message beside it.
EVAL_REASONS: dict[str, tuple[str, ...]] = {
    "missing_value": ("field", "operator"),      # the condition reads a field the sample has no value for
    "not_a_number": ("field", "operator"),       # the field's value is not something the operator can use
    "invalid_arguments": ("operator",),          # the operator got arguments it cannot take
    "failed": (),                                # anything else (a ``throw`` in the rule, ...)
}


class RuleServiceError(ValueError):
    """A request about rules that cannot be carried out.

    ``fields`` maps field -> English message, ``reasons`` field -> ``{"reason", "params"}`` (a reason of
    ``FIELD_REASONS``) for the same fields, ``problems`` lists the document's problems.
    """

    def __init__(self, message: str, fields: dict[str, str] | None = None,
                 problems: list[dict[str, Any]] | None = None,
                 reasons: dict[str, dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}
        self.problems = problems or []
        self.reasons = reasons or {}


def _refusal(message: str, reasons: dict[str, dict[str, Any]],
             problems: list[dict[str, Any]] | None = None) -> RuleServiceError:
    """A refusal naming each field with its reason (and the reason's English message)."""
    fields = {name: FIELD_REASONS[r["reason"]].format(**r["params"]) for name, r in reasons.items()}
    return RuleServiceError(message, fields, problems, reasons)


def _reason(reason: str, **params: Any) -> dict[str, Any]:
    """A field reason with its params (an unknown reason is a bug)."""
    assert reason in FIELD_REASONS, reason
    return {"reason": reason, "params": params}


@dataclass(frozen=True)
class RuleSummary:
    """One row of the rules list."""

    code: str
    name: str
    description: str
    version: int
    updated_at: datetime
    updated_by: str
    used_in: list[str]


@dataclass(frozen=True)
class TraceRow:
    """One node of a tried rule: its JSON path, nesting depth, operator, result and whether it held."""

    path: str
    depth: int
    op: str
    node: str
    result: str
    passed: bool


@dataclass(frozen=True)
class TryResult:
    """The outcome of trying a rule on one sample."""

    passed: bool
    result: str
    data: dict[str, Any]
    rows: list[TraceRow] = field(default_factory=list)
    error: str = ""
    problem: dict[str, Any] = field(default_factory=dict)  # reason (EVAL_REASONS), params, message


def catalogue() -> Any:
    """The field catalogue rules are written against."""
    from engine.rules.catalogue import CATALOGUE

    return CATALOGUE


def operator_label(name: str, locale: str) -> str:
    """An operator's label for people (``>=`` → 大于等于 / at least); the name itself if unknown."""
    op = rule_engine.OPERATORS.get(name)
    if op is None:
        return name
    return (op.label_en if locale.startswith("en") else op.label_zh) or name


def problems_of(logic: Any) -> list[dict[str, Any]]:
    """Every problem of a document (empty list = valid), as JSON: path, code, reason, message, params."""
    if not isinstance(logic, dict) or not logic:
        return [rule_engine.problem("$", "empty", "rule is empty: add at least one condition").as_dict()]
    return [p.as_dict() for p in rule_engine.validate(logic, catalogue())]


def list_rules(search: str | None = None) -> list[RuleSummary]:
    """Every saved rule with where it is used."""
    with session_scope() as s:
        records = repo.list_all(s, search)
        used = repo.usages(s, [r.code for r in records])
    return [RuleSummary(r.code, r.name, r.description, r.current_version, r.updated_at,
                        r.updated_by or "", used.get(r.code, [])) for r in records]


def get_rule(code: str) -> repo.RuleRecord:
    """One rule (its current document in ``logic``)."""
    with session_scope() as s:
        record = repo.get(s, code)
    if record is None:
        raise _refusal(f"no rule {code!r}", {"code": _reason("not_found")})
    return record


def versions(code: str) -> list[repo.RuleVersionRecord]:
    """The rule's versions, newest first."""
    with session_scope() as s:
        return repo.versions(s, code)


def _check_fields(code: str, name: str) -> dict[str, dict[str, Any]]:
    """Field errors of the head data: field -> reason with params."""
    errors: dict[str, dict[str, Any]] = {}
    if not (code or "").strip():
        errors["code"] = _reason("required")
    elif not CODE_PATTERN.match(code):
        errors["code"] = _reason("code_pattern")
    if not (name or "").strip():
        errors["name"] = _reason("required")
    elif len(name) > NAME_MAX:
        errors["name"] = _reason("too_long", max=NAME_MAX)
    return errors


def save_rule(*, code: str, name: str, description: str, logic: Any, actor: str,
              create: bool) -> repo.RuleRecord:
    """Create or update a rule; refused (nothing written) with field errors and rule problems."""
    errors = _check_fields(code, name)
    problems = problems_of(logic)
    if errors or problems:
        raise _refusal("the rule was not saved", errors, problems)
    write = repo.create if create else repo.update
    try:
        with session_scope() as s:
            record = write(s, code=code, name=name.strip(), description=(description or "").strip(),
                           logic=logic, actor=actor)
            audit.record(s, actor=actor, action="rule.create" if create else "rule.update",
                         entity_type="rule", entity_id=code, details={"version": record.current_version})
    except DuplicateError as err:
        raise RuleServiceError(str(err), {err.field or "code": str(err)},
                               reasons={err.field or "code": _reason("duplicate", code=code)}) from err
    except RepositoryError as err:
        raise RuleServiceError(str(err), {err.field or "code": str(err)},
                               reasons={err.field or "code": _reason("not_found")}) from err
    return record


def delete_rule(code: str, actor: str) -> None:
    """Delete a rule that nothing uses."""
    with session_scope() as s:
        used = repo.usages(s, [code]).get(code, [])
        if used:
            raise RuleServiceError("the rule is in use", {"code": ", ".join(used)})
        if not repo.delete(s, code):
            raise RuleServiceError(f"no rule {code!r}", {"code": "not found"})
        audit.record(s, actor=actor, action="rule.delete", entity_type="rule", entity_id=code)


def diff(code: str, old: int, new: int) -> list[str]:
    """Unified diff between two versions' documents (lines starting with +, - or space)."""
    by_version = {v.version: v.logic for v in versions(code)}
    missing = [v for v in (old, new) if v not in by_version]
    if missing:
        raise RuleServiceError(f"no version {missing[0]} of {code!r}", {"version": "not found"})
    return unified(by_version[old], by_version[new], f"v{old}", f"v{new}")


def sample_customers(limit: int = 20) -> list[tuple[int, str, str, int]]:
    """Customers to try rules on: (id, code, tier, orders_count)."""
    with session_scope() as s:
        return facts.sample_customers(s, limit)


def sample_data(kind: str, customer_id: int, now: datetime | None = None) -> dict[str, Any]:
    """The data a rule sees for one customer: profile, + last order as cart, or + last event."""
    if kind not in SAMPLE_KINDS:
        raise RuleServiceError(f"unknown sample kind {kind!r}", {"sample": "customer, cart or event"})
    with session_scope() as s:
        profile = facts.customer(s, customer_id)
        if profile is None:
            raise RuleServiceError(f"no customer {customer_id}", {"customer": "not found"})
        data: dict[str, Any] = {"customer": profile, "context": {"now": now or datetime.now(UTC)}}
        if kind == "cart":
            order_id = facts.last_order_id(s, customer_id)
            data["cart"] = (facts.order_as_cart(s, order_id) if order_id else None) or {
                "subtotal": 0, "qty": 0, "lines": [], "coupon_codes": [], "channel": None}
            data["context"]["channel"] = data["cart"].get("channel")
        elif kind == "event":
            data["event"] = facts.last_event(s, customer_id) or {}
    return data


def try_rule(logic: Any, kind: str, customer_id: int, now: datetime | None = None) -> TryResult:
    """Evaluate ``logic`` on one sample; every logical branch and condition with its own result."""
    problems = problems_of(logic)
    if problems:
        raise RuleServiceError("the rule has problems", problems=problems)
    data = sample_data(kind, customer_id, now)
    rows: list[TraceRow] = []
    try:
        value = rule_engine.evaluate(logic, data)
        _trace(logic, data, "$", 0, rows)
    except rule_engine.RuleEvalError as err:
        return TryResult(False, "", _jsonable(data), rows, error=str(err), problem=eval_problem(logic, data, err))
    return TryResult(rule_engine.truthy(value), _show(value), _jsonable(data), rows)


def eval_problem(logic: Any, data: dict[str, Any], err: rule_engine.RuleEvalError) -> dict[str, Any]:
    """Why ``logic`` failed on ``data``: the innermost failing condition's field without a value, else
    the kind of the engine's error; ``{"reason", "params", "message"}`` with a reason of ``EVAL_REASONS``."""
    node = _failing_node(logic, data) or logic
    op, args = next(iter(node.items())) if isinstance(node, dict) and len(node) == 1 else ("", [])
    args = args if isinstance(args, list) else [args]
    fields = [a for a in args if isinstance(a, dict) and len(a) == 1 and "var" in a]
    message = str(err)
    for read in fields:
        if _value_of(read, data) is None:
            return {"reason": "missing_value", "params": {"field": _var_key(read), "operator": op},
                    "message": message}
    kind = err.error.get("type") if isinstance(err.error, dict) else err.error
    if kind == "NaN" and fields:
        odd = [f for f in fields if not isinstance(_value_of(f, data), (int, float, Decimal, date))] or fields
        return {"reason": "not_a_number", "params": {"field": _var_key(odd[0]), "operator": op},
                "message": message}
    if kind == "Invalid Arguments":
        operator = err.error.get("operator") if isinstance(err.error, dict) else None
        return {"reason": "invalid_arguments", "params": {"operator": str(operator or op)}, "message": message}
    return {"reason": "failed", "params": {}, "message": message}


def _failing_node(node: Any, data: dict[str, Any]) -> Any:
    """The innermost operator node below ``node`` (itself included) whose evaluation fails, or None."""
    if not isinstance(node, dict) or len(node) != 1 or "var" in node:
        return None
    try:
        rule_engine.evaluate(node, data)
        return None
    except rule_engine.RuleEvalError:
        pass
    args = next(iter(node.values()))
    for child in args if isinstance(args, list) else [args]:
        found = _failing_node(child, data)
        if found is not None:
            return found
    return node


def _var_key(read: dict[str, Any]) -> str:
    """The field a ``{"var": ...}`` node reads."""
    key = read["var"]
    return str(key[0] if isinstance(key, list) and key else key)


def _value_of(read: dict[str, Any], data: dict[str, Any]) -> Any:
    """What a ``{"var": ...}`` node reads from ``data`` (its default included)."""
    try:
        return rule_engine.evaluate(read, data)
    except (rule_engine.RuleEvalError, rule_engine.RuleError):
        return None


def _trace(node: Any, data: dict[str, Any], path: str, depth: int, rows: list[TraceRow]) -> None:
    """Append one row per operator node; recurse into logical operators' operands."""
    if not isinstance(node, dict) or len(node) != 1:
        return
    op, args = next(iter(node.items()))
    try:
        value = rule_engine.evaluate(node, data)
        shown, passed = _show(value), rule_engine.truthy(value)
    except rule_engine.RuleEvalError as err:
        shown, passed = f"error: {err}", False
    rows.append(TraceRow(path, depth, op, json.dumps(node, ensure_ascii=False, default=str),
                         shown, passed))
    if op in LOGICAL:
        for i, child in enumerate(args if isinstance(args, list) else [args]):
            _trace(child, data, f"{path}.{op}[{i}]", depth + 1, rows)


def _show(value: Any) -> str:
    """A value as short JSON for display."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 120 else text[:117] + "..."


def _jsonable(data: Any) -> Any:
    """Decimals and datetimes as strings, for display."""
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))
