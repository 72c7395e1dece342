"""Comparisons (``==`` ``!=`` ``===`` ``!==`` ``<`` ``<=`` ``>`` ``>=``) of a field with a constant,
with the evaluator's exact semantics (``engine.rules.values``).

For a null field, and for the two values of a boolean, the answer is the evaluator's own: the
engine's comparison function is called on that value.  For the other values the answer is
derived per field kind, following ``loose_equals`` / ``strict_equals`` / ``less_than`` step by
step; where it would depend on the text of a value (a city compared with a number is a number
only if the text reads as one) the comparison is not pushable.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from engine.rules import RuleEvalError
from engine.rules.values import (
    is_nan,
    is_number,
    less_than,
    loose_equals,
    number_pair,
    strict_equals,
    to_datetime,
)
from storage.segments import bounds
from storage.segments.fields import MONEY_SCALE
from storage.segments.values import (
    FALSE,
    Column,
    Const,
    Context,
    Days,
    NotPushable,
    Pred,
    Truth,
    Value,
    any_of,
    branch,
    by_nullness,
    outcome,
    sql_compare,
)

TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "==": loose_equals,
    "!=": lambda a, b: not loose_equals(a, b),
    "===": strict_equals,
    "!==": lambda a, b: not strict_equals(a, b),
    "<": less_than,
    "<=": lambda a, b: less_than(a, b, True),
    ">": lambda a, b: less_than(b, a),
    ">=": lambda a, b: less_than(b, a, True),
}
_BASE = {"!=": "==", "!==": "==="}
_CONTAINERS = (list, tuple, dict)


def compare(op: str, left: Value, right: Value, ctx: Context, path: str) -> Truth:
    """One comparison of two values (at most one of them read from the row)."""
    test = TESTS[op]
    if isinstance(left, Const) and isinstance(right, Const):
        return outcome(lambda: test(left.value, right.value))
    if isinstance(right, Const):
        subject, c, call = left, right.value, lambda x: test(x, right.value)
        norm = op
    elif isinstance(left, Const):
        subject, c, call = right, left.value, lambda x: test(left.value, x)
        norm = bounds.FLIP.get(op, op)
    elif isinstance(left, Column) and isinstance(right, Column):
        return _two_fields(op, left, right, test, path)
    else:
        raise NotPushable("comparing two values computed from the row is not translated", path)
    return against(subject, norm, c, call, ctx, path)


_SAMPLES: dict[str, tuple[Any, Any]] = {
    "datetime": (datetime(2000, 1, 1, tzinfo=UTC), datetime(2030, 6, 1, 12, tzinfo=UTC)),
    "date": (date(2000, 1, 1), date(2030, 6, 1)),
}


def _two_fields(op: str, left: Column, right: Column, test: Callable[[Any, Any], bool], path: str) -> Truth:
    """Two fields: numbers (never null) with numbers, or instants/dates with their own kind."""
    numbers = {left.kind, right.kind} <= {"int", "money"} and not (left.nullable or right.nullable)
    if not numbers and not (left.kind == right.kind and left.kind in _SAMPLES):
        raise NotPushable(f"comparing {left.key} with {right.key} is not translated", path)
    base = _BASE.get(op, op)
    set_both = Truth(sql_compare(left.expr, "==" if base == "===" else base, right.expr), FALSE)
    if base != op:
        set_both = set_both.invert()
    if left.kind not in _SAMPLES:
        return set_both
    only_left_null = _same_for_all(lambda x: test(None, x), left.kind, path)
    only_right_null = _same_for_all(lambda x: test(x, None), left.kind, path)
    right_null = right.expr.is_(None) if right.nullable else FALSE
    when_left_null = branch(right_null, outcome(lambda: test(None, None)), only_left_null)
    return by_nullness(left, when_left_null, branch(right_null, only_right_null, set_both))


def _same_for_all(call: Callable[[Any], Any], kind: str, path: str) -> Truth:
    """The evaluator's answer when one side is null, which must not depend on the other side."""
    answers = {_answer(lambda v=v: call(v)) for v in _SAMPLES[kind]}
    if len(answers) != 1:
        raise NotPushable("comparing with a null field depends on the other field's value", path)
    (answer,) = answers
    return Truth.error() if answer is None else Truth.of(answer)


def _answer(call: Callable[[], Any]) -> bool | None:
    """The engine's comparison result, None if it raises."""
    try:
        return bool(call())
    except RuleEvalError:
        return None


def enumerate_bool(value: Truth, call: Callable[[Any], Any]) -> Truth:
    """A function of a boolean value, from the evaluator's answers for True and for False."""
    chosen = branch(value.p, outcome(lambda: call(True)), outcome(lambda: call(False)))
    return Truth(chosen.p, any_of(value.e, chosen.e))


def bool_truth(column: Column) -> Truth:
    """A boolean field as a Truth (a nullable one would need a third value: not translated)."""
    if column.nullable:
        raise NotPushable(f"{column.key} is a boolean that may be null")
    return Truth(column.expr, FALSE)


def against(subject: Value, op: str, c: Any, call: Callable[[Any], Any], ctx: Context, path: str) -> Truth:
    """``subject op c`` (subject on the left of the normalised op); ``call(x)`` is the engine's test."""
    if isinstance(subject, Truth):
        return enumerate_bool(subject, call)
    if isinstance(subject, Column) and subject.kind == "bool":
        return enumerate_bool(bool_truth(subject), call)
    base = _BASE.get(op, op)
    if isinstance(subject, Days):
        column = subject.column
        when_set = _days(base, c, column, ctx, path)
    elif isinstance(subject, Column):
        column = subject
        when_set = _field(base, c, column, ctx, path)
    else:
        raise NotPushable("this value is not comparable in SQL", path)
    if base != op:
        when_set = when_set.invert()
    return by_nullness(column, outcome(lambda: call(None)), when_set)


def _field(op: str, c: Any, column: Column, ctx: Context, path: str) -> Truth:
    """The comparison for rows where the field is set (op one of == === < <= > >=)."""
    kind = column.kind
    if kind in ("int", "money"):
        return _number(op, c, kind, lambda cond: bounds.emit(column.expr, cond))
    if kind == "text":
        return _text(op, c, column, ctx, path)
    if kind in ("date", "datetime"):
        return _temporal(op, c, column, path)
    if op != "===":
        return Truth.error()  # a list is never comparable (the NaN error)
    if isinstance(c, (list, tuple)):
        raise NotPushable(f"{column.key} is a list: comparing it with a list is not translated", path)
    return Truth.of(False)


def _days(op: str, c: Any, column: Column, ctx: Context, path: str) -> Truth:
    """``days_since(field) op c`` for rows where the field is set: a range of calendar days."""
    return _number(op, c, "int", lambda cond: bounds.emit_day(
        column.expr, column.kind, bounds.days_cond(cond, ctx.today)))


def _number(op: str, c: Any, kind: str, emit: Callable[[bounds.Cond], Pred]) -> Truth:
    """A whole number (int) or money (Decimal) value against a constant."""
    sample: Any = Decimal(0) if kind == "money" else 0
    if op == "===":
        if not is_number(c):
            return Truth.of(False)
        n = number_pair(sample, c)[1]
        return Truth.of(False) if is_nan(n) else Truth(emit(_cond(kind, "==", n)), FALSE)
    if isinstance(c, (*_CONTAINERS, date)):
        return Truth.error()  # arrays and objects never compare; a date with a number raises
    if op != "==" and kind == "int" and type(c) is float and is_nan(c):
        return Truth.of(False)  # less_than's fast path: int < NaN is simply false
    n = number_pair(sample, c)[1]
    if is_nan(n):
        return Truth.error()
    return Truth(emit(_cond(kind, op, n)), FALSE)


def _cond(kind: str, op: str, n: Any) -> bounds.Cond:
    """The bound condition of a number comparison."""
    return bounds.money_cond(op, n, MONEY_SCALE) if kind == "money" else bounds.int_cond(op, n)


def check_text(value: str, path: str) -> str:
    """Text that both databases store and compare as Python does (no NUL, valid UTF-8)."""
    if "\x00" in value:
        raise NotPushable("text with a NUL character is not translated", path)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise NotPushable("text that is not valid Unicode is not translated", path) from exc
    return value


def _text(op: str, c: Any, column: Column, ctx: Context, path: str) -> Truth:
    """A text field against a constant: text compares by code point, anything else depends."""
    if op == "===" or (op == "==" and type(c) is str):
        return Truth(column.expr == check_text(c, path), FALSE) if type(c) is str else Truth.of(False)
    if isinstance(c, _CONTAINERS):
        return Truth.error()
    if op == "==" and c is None:
        return Truth.of(False)  # null never equals a string
    if type(c) is not str:
        raise NotPushable(f"{column.key} is text: comparing it with {c!r} depends on whether each "
                          f"value reads as a number or a date", path)
    expr = column.expr.collate("C") if ctx.dialect == "postgresql" else column.expr
    return Truth(sql_compare(expr, op, check_text(c, path)), FALSE)


def _temporal(op: str, c: Any, column: Column, path: str) -> Truth:
    """A date or datetime field against a constant: same type directly, else as instants."""
    same = date if column.kind == "date" else datetime
    if op == "===" or (op == "==" and type(c) is same):
        if type(c) is not same or (same is datetime and not _aware(c)):
            return Truth.of(False)
        return Truth(column.expr == c, FALSE) if _unambiguous(c, path) else Truth.of(False)
    if isinstance(c, _CONTAINERS):
        return Truth.error()
    moment = to_datetime(c)
    if moment is None:
        return Truth.error()  # a date compared with null, a number or text that is no ISO date
    if op == "==":
        _unambiguous(moment, path)
    if column.kind == "date":
        return Truth(bounds.emit_day(column.expr, "date", bounds.date_vs_instant(op, moment, path)), FALSE)
    return Truth(bounds.instant_compare(column.expr, op, moment), FALSE)


def _aware(moment: datetime) -> bool:
    """Timezone-aware."""
    return moment.tzinfo is not None and moment.utcoffset() is not None


def _unambiguous(moment: Any, path: str) -> bool:
    """Refuse equality with an instant whose UTC offset depends on ``fold`` (Shanghai's 1986–1991
    summer time): Python never finds such an instant equal to one in another zone."""
    if isinstance(moment, datetime) and _aware(moment):
        if moment.replace(fold=1 - moment.fold).utcoffset() != moment.utcoffset():
            raise NotPushable(f"{moment.isoformat()} falls in a clock change of its time zone", path)
    return True
