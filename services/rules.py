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
from datetime import UTC, datetime
from typing import Any

from engine import rules as rule_engine
from services.docdiff import unified
from storage.db import session_scope
from storage.repositories import audit, facts
from storage.repositories import rules as repo
from storage.repositories.errors import RepositoryError

CODE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{1,63}$")
SAMPLE_KINDS = ("customer", "cart", "event")
LOGICAL = {"and", "or", "!", "!!", "if", "?:"}


class RuleServiceError(ValueError):
    """A request about rules that cannot be carried out; ``fields`` maps field -> message."""

    def __init__(self, message: str, fields: dict[str, str] | None = None,
                 problems: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}
        self.problems = problems or []


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
        raise RuleServiceError(f"no rule {code!r}", {"code": "not found"})
    return record


def versions(code: str) -> list[repo.RuleVersionRecord]:
    """The rule's versions, newest first."""
    with session_scope() as s:
        return repo.versions(s, code)


def _check_fields(code: str, name: str) -> dict[str, str]:
    """Field errors of the head data."""
    errors: dict[str, str] = {}
    if not CODE_PATTERN.match(code or ""):
        errors["code"] = "2–64 letters, digits, - or _, starting with a letter"
    if not (name or "").strip():
        errors["name"] = "required"
    elif len(name) > 256:
        errors["name"] = "at most 256 characters"
    return errors


def save_rule(*, code: str, name: str, description: str, logic: Any, actor: str,
              create: bool) -> repo.RuleRecord:
    """Create or update a rule; refused (nothing written) with field errors and rule problems."""
    errors = _check_fields(code, name)
    problems = problems_of(logic)
    if errors or problems:
        raise RuleServiceError("the rule was not saved", errors, problems)
    write = repo.create if create else repo.update
    try:
        with session_scope() as s:
            record = write(s, code=code, name=name.strip(), description=(description or "").strip(),
                           logic=logic, actor=actor)
            audit.record(s, actor=actor, action="rule.create" if create else "rule.update",
                         entity_type="rule", entity_id=code, details={"version": record.current_version})
    except RepositoryError as err:
        raise RuleServiceError(str(err), {err.field or "code": str(err)}) from err
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
        return TryResult(False, "", _jsonable(data), rows, error=str(err))
    return TryResult(rule_engine.truthy(value), _show(value), _jsonable(data), rows)


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
