"""Audiences: which customers a JSON-Logic rule over ``customer.*`` selects — count, a page or a
random sample of them, and every id — with the database doing the work when it can.

The rule is checked against the field catalogue, then translated to SQL
(``storage.segments.translate``).  When some node has no exact SQL form, every customer's facts
are streamed in batches and the compiled rule is evaluated in Python instead; the result says
so and why (``fallback``).  Either way the answers are those of the rule engine on
``{"customer": <facts>, "context": {"now": now}}``; a customer whose evaluation raises (e.g. a
missing birth date compared with a date) is not in the audience and is counted in ``errors``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from engine import rules as rule_engine
from engine.rules import CATALOGUE, RuleEvalError, truthy
from storage.db import session_scope
from storage.models import Customer
from storage.segments import NotPushable, Translation, customer_batches, translate

BATCH = 2000
MAX_LIMIT = 1000


class SegmentError(ValueError):
    """The rule cannot select an audience; ``problems`` lists what is wrong (JSON paths)."""

    def __init__(self, message: str, problems: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class Member:
    """One customer of an audience."""

    id: int
    code: str


@dataclass(frozen=True)
class Audience:
    """An audience: its size, a page (or sample) of it, and how it was computed."""

    count: int
    customers: list[Member]
    pushed_down: bool
    fallback: str | None  # why the rule was evaluated in Python (None when SQL selected it)
    errors: int  # customers whose evaluation failed (not in the audience)
    population: int  # all customers
    now: datetime
    seconds: float
    sampled: bool = False
    offset: int = 0


def check(rule: Any) -> None:
    """Raise SegmentError with every problem of the rule against the field catalogue."""
    if not isinstance(rule, dict) or not rule:
        empty = rule_engine.problem("$", "empty", "add at least one condition")
        raise SegmentError("the rule is empty", [empty.as_dict()])
    problems = rule_engine.validate(rule, CATALOGUE)
    if problems:
        raise SegmentError("the rule has problems", [p.as_dict() for p in problems])


def audience(rule: Any, *, limit: int = 20, sample: bool = False, offset: int = 0,
             now: datetime | None = None, pushdown: bool = True) -> Audience:
    """Count the customers a rule selects and return a page of them (by id) or a random sample.

    Args:
        rule: JSON-Logic over ``customer.*`` (and ``context.now``).
        limit: customers to return (0–1000).
        sample: return ``limit`` customers drawn at random from the audience instead of a page.
        offset: where the page starts (ignored when sampling).
        now: evaluation time (default: the current time); days_since etc. count from it.
        pushdown: False evaluates in Python even when SQL could (comparisons, benchmarks).
    Returns:
        The audience's size, customers, errors, and whether SQL selected it (else why not).
    Raises:
        SegmentError: the rule is invalid, or limit/offset are out of range.
    """
    check(rule)
    if not 0 <= limit <= MAX_LIMIT or offset < 0:
        raise SegmentError(f"limit must be 0–{MAX_LIMIT} and offset at least 0")
    moment = _aware(now)
    started = time.perf_counter()
    with session_scope() as s:
        population = s.scalar(sa.select(sa.func.count()).select_from(Customer)) or 0
        sql, reason = _translation(s, rule, moment, pushdown)
        if sql is not None:
            count, errors, members = _by_sql(s, sql, limit, sample, offset)
        else:
            count, errors, members = _by_python(s, rule, moment, limit, sample, offset)
    return Audience(count, members, sql is not None, reason, errors, population, moment,
                    round(time.perf_counter() - started, 6), sample, 0 if sample else offset)


def audience_ids(rule: Any, *, now: datetime | None = None, batch_size: int = 5000) -> Iterator[list[int]]:
    """Every customer id of the audience, ascending, in lists of up to ``batch_size``.

    Raises:
        SegmentError: the rule is invalid.
    """
    check(rule)
    moment = _aware(now)
    with session_scope() as s:
        sql, _ = _translation(s, rule, moment, True)
        if sql is not None:
            stmt = sa.select(Customer.id).where(sql.where).order_by(Customer.id)
            for chunk in s.execute(stmt.execution_options(yield_per=batch_size)).scalars().partitions():
                yield list(chunk)
            return
        compiled = rule_engine.compile_rule(rule)
        for batch in customer_batches(s, batch_size):
            ids = [d["id"] for d in batch if _selects(compiled, d, moment) is True]
            if ids:
                yield ids


def _aware(now: datetime | None) -> datetime:
    """The evaluation time, timezone-aware (default: now)."""
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None or now.utcoffset() is None:
        raise SegmentError("now must be timezone-aware")
    return now


def _translation(s: Session, rule: Any, now: datetime, pushdown: bool) -> tuple[Translation | None, str | None]:
    """The SQL of the rule, or None and the reason it is evaluated in Python."""
    if not pushdown:
        return None, "push-down turned off by the caller"
    try:
        return translate(rule, now=now, dialect=s.get_bind().dialect.name), None
    except NotPushable as exc:
        return None, str(exc)


def _by_sql(s: Session, sql: Translation, limit: int, sample: bool, offset: int) -> tuple[int, int, list[Member]]:
    """Count, errors and customers selected by the database."""
    count = s.scalar(sa.select(sa.func.count()).select_from(Customer).where(sql.where)) or 0
    errors = 0 if isinstance(sql.errors, sa.sql.elements.False_) else (
        s.scalar(sa.select(sa.func.count()).select_from(Customer).where(sql.errors)) or 0)
    stmt = sa.select(Customer.id, Customer.code).where(sql.where)
    if sample:
        picked = stmt.order_by(sa.func.random()).limit(limit).subquery()
        stmt = sa.select(picked.c.id, picked.c.code).order_by(picked.c.id)
    else:
        stmt = stmt.order_by(Customer.id).offset(offset).limit(limit)
    return count, errors, [Member(i, c) for i, c in s.execute(stmt)]


def _selects(compiled: Any, facts: dict[str, Any], now: datetime) -> bool | None:
    """True/False for the rule on one customer, None if its evaluation raises."""
    try:
        return truthy(compiled({"customer": facts, "context": {"now": now}}))
    except RuleEvalError:
        return None


def _by_python(s: Session, rule: Any, now: datetime, limit: int, sample: bool,
               offset: int) -> tuple[int, int, list[Member]]:
    """Count, errors and customers found by evaluating the compiled rule on every customer."""
    compiled = rule_engine.compile_rule(rule)
    count = errors = 0
    members: list[Member] = []
    rng = random.Random()
    for batch in customer_batches(s, BATCH):
        for facts in batch:
            verdict = _selects(compiled, facts, now)
            if verdict is None:
                errors += 1
            elif verdict:
                count += 1
                _keep(members, Member(facts["id"], facts["code"]), count, limit, sample, offset, rng)
    return count, errors, sorted(members, key=lambda m: m.id) if sample else members


def _keep(members: list[Member], member: Member, seen: int, limit: int, sample: bool, offset: int,
          rng: random.Random) -> None:
    """Collect the page (seen-th match in id order) or a uniform reservoir sample."""
    if not sample:
        if offset < seen <= offset + limit:
            members.append(member)
    elif len(members) < limit:
        members.append(member)
    elif limit and (slot := rng.randrange(seen)) < limit:
        members[slot] = member
