"""What a translated JSON-Logic node stands for in SQL, and the two-valued predicate algebra.

A node's value is one of:

- ``Const``: known when translating (literals, ``now``, sub-trees that read no customer field);
- ``Column``: one ``customer.*`` field of the row, with the Python type the evaluator sees;
- ``Days``: ``days_since`` of a date field (an int, or None where the field is null);
- ``Truth``: a boolean that may instead fail (``RuleEvalError``): ``p`` = the value is true,
  ``e`` = evaluating it raises.  Both are SQL predicates that are never NULL, so NOT is safe.

The rule's audience is ``p AND NOT e``: like the rule editor's "try", a customer whose evaluation
raises is not selected, and the service counts them separately.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement, False_, True_

from engine.rules import RuleEvalError, truthy

Pred = ColumnElement[bool]
Kind = Literal["int", "money", "bool", "text", "date", "datetime", "tags"]
TRUE: Pred = sa.true()
FALSE: Pred = sa.false()


class NotPushable(ValueError):
    """The rule (or one node of it) has no SQL form giving exactly the evaluator's answers.

    ``reason`` says why in a sentence; ``path`` is the JSON path of the node (``$.and[1].<``).
    """

    def __init__(self, reason: str, path: str = "$") -> None:
        super().__init__(f"{path}: {reason}")
        self.reason = reason
        self.path = path


def is_true(p: Pred) -> bool:
    """The predicate is the constant TRUE."""
    return isinstance(p, True_)


def is_false(p: Pred) -> bool:
    """The predicate is the constant FALSE."""
    return isinstance(p, False_)


def all_of(*preds: Pred) -> Pred:
    """Conjunction, folding TRUE/FALSE constants."""
    kept = [p for p in preds if not is_true(p)]
    if any(is_false(p) for p in kept):
        return FALSE
    if not kept:
        return TRUE
    return kept[0] if len(kept) == 1 else sa.and_(*kept)


def any_of(*preds: Pred) -> Pred:
    """Disjunction, folding TRUE/FALSE constants."""
    kept = [p for p in preds if not is_false(p)]
    if any(is_true(p) for p in kept):
        return TRUE
    if not kept:
        return FALSE
    return kept[0] if len(kept) == 1 else sa.or_(*kept)


def negate(p: Pred) -> Pred:
    """Negation of a never-NULL predicate."""
    if is_true(p):
        return FALSE
    if is_false(p):
        return TRUE
    return sa.not_(p)


def sql_compare(expr: Any, op: str, value: Any) -> Pred:
    """``expr op value`` in SQL (op one of < <= > >= ==)."""
    if op == "<":
        return expr < value
    if op == "<=":
        return expr <= value
    if op == ">":
        return expr > value
    if op == ">=":
        return expr >= value
    return expr == value


def const_pred(flag: bool) -> Pred:
    """TRUE or FALSE."""
    return TRUE if flag else FALSE


@dataclass(frozen=True)
class Context:
    """What a translation depends on besides the rule: the SQL dialect and the evaluation time."""

    dialect: str
    now: datetime  # aware; the evaluator's context.now
    today: date  # now's calendar date in Asia/Shanghai


@dataclass(frozen=True)
class Const:
    """A value known at translation time."""

    value: Any


@dataclass(frozen=True)
class Column:
    """A ``customer.*`` field: SQL expression, Python kind and whether it can be null (None)."""

    key: str
    kind: Kind
    expr: Any  # ColumnElement; None for tags (a correlated EXISTS on customer_tags)
    nullable: bool


@dataclass(frozen=True)
class Days:
    """``days_since`` of a date/datetime column, in Asia/Shanghai calendar days (None if null)."""

    column: Column


@dataclass(frozen=True)
class Truth:
    """A Python bool computed per row: ``p`` true, ``e`` evaluation raises (never both meaningful)."""

    p: Pred
    e: Pred

    @staticmethod
    def of(flag: bool) -> Truth:
        """A constant true or false."""
        return Truth(const_pred(flag), FALSE)

    @staticmethod
    def error() -> Truth:
        """Evaluation always raises."""
        return Truth(FALSE, TRUE)

    def invert(self) -> Truth:
        """``!``: same errors, opposite value."""
        return Truth(negate(self.p), self.e)

    def selected(self) -> Pred:
        """True and not failing."""
        return all_of(self.p, negate(self.e))


Value = Const | Column | Days | Truth


def outcome(call: Callable[[], Any]) -> Truth:
    """The evaluator's own answer for one known input: its truthiness, or an error if it raises."""
    try:
        return Truth.of(truthy(call()))
    except RuleEvalError:
        return Truth.error()


def branch(cond: Pred, then: Truth, other: Truth) -> Truth:
    """``then`` where ``cond`` holds, else ``other`` (``cond`` never NULL)."""
    if is_true(cond):
        return then
    if is_false(cond):
        return other
    not_cond = negate(cond)
    return Truth(any_of(all_of(cond, then.p), all_of(not_cond, other.p)),
                 any_of(all_of(cond, then.e), all_of(not_cond, other.e)))


def by_nullness(column: Column, when_null: Truth, when_set: Truth) -> Truth:
    """``when_null`` for rows where the field is null, ``when_set`` for the others."""
    if not column.nullable:
        return when_set
    return branch(column.expr.is_(None), when_null, when_set)
