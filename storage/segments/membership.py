"""Membership operators: ``in`` (strict element of a list, or substring), ``in_list`` (Python
equality, list or single value on either side) and ``has_tag`` (any of the tags).

A list of literals becomes ``col IN (...)`` holding exactly the members the evaluator would find
equal to some value of the column's type; tags become EXISTS on ``customer_tags``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from engine.rules.ops_marketing import in_list as engine_in_list
from engine.rules.ops_text import contains
from engine.rules.values import is_number, js_str, number_pair
from storage.segments import bounds
from storage.segments.compare import bool_truth, check_text, enumerate_bool
from storage.segments.fields import MONEY_SCALE, has_any_tag
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
    by_nullness,
    outcome,
)

_LISTS = (list, tuple, set, frozenset)


def as_list(value: Any) -> list[Any]:
    """``in_list``'s view of an operand: a list as is, null as empty, anything else as one item."""
    if value is None:
        return []
    return list(value) if isinstance(value, _LISTS) else [value]


def _boolean(value: Value) -> Truth | None:
    """The value as a Truth if it is a boolean read from the row."""
    if isinstance(value, Truth):
        return value
    if isinstance(value, Column) and value.kind == "bool":
        return bool_truth(value)
    return None


def contains_op(needle: Value, hay: Value, ctx: Context, path: str) -> Truth:
    """``in``: ``needle`` is a strict element of the list ``hay``, or a substring of the text ``hay``."""
    if isinstance(needle, Const) and isinstance(hay, Const):
        return outcome(lambda: contains(needle.value, hay.value))
    if isinstance(hay, Const) and (b := _boolean(needle)) is not None:
        return enumerate_bool(b, lambda x: contains(x, hay.value))
    if isinstance(needle, Const) and (b := _boolean(hay)) is not None:
        return enumerate_bool(b, lambda x: contains(needle.value, x))
    if isinstance(hay, Const) and isinstance(needle, (Column, Days)):
        return _field_in_const(needle, hay.value, ctx, path)
    if isinstance(needle, Const) and isinstance(hay, Column):
        return _const_in_field(needle.value, hay, ctx, path)
    if isinstance(needle, Column) and needle.kind == "text" and isinstance(hay, Column) and hay.kind == "tags":
        return by_nullness(needle, Truth.of(False), Truth(has_any_tag(equal_to=needle.expr), FALSE))
    raise NotPushable("in over two values of the row is not translated", path)


def _field_in_const(needle: Column | Days, hay: Any, ctx: Context, path: str) -> Truth:
    """``{"in": [field, literal]}``."""
    column = needle.column if isinstance(needle, Days) else needle
    when_null = outcome(lambda: contains(None, hay))
    if isinstance(hay, str):
        if isinstance(needle, Days) or column.kind != "text":
            raise NotPushable(f"{column.key} inside a text literal depends on how its value prints", path)
        return by_nullness(column, when_null, Truth(_substring(check_text(hay, path), column.expr, ctx, path) > 0,
                                                    FALSE))
    if not isinstance(hay, (list, tuple)):
        return Truth.of(False)
    if isinstance(needle, Days):
        days = _whole_numbers(x for x in hay if is_number(x))
        return by_nullness(column, when_null, Truth(_days_in(column, days, ctx), FALSE))
    return by_nullness(column, when_null, Truth(_strict_members(column, hay, path), FALSE))


def _strict_members(column: Column, hay: list[Any] | tuple[Any, ...], path: str) -> Pred:
    """A set field value strictly equal (``===``) to one of the literals."""
    kind = column.kind
    if kind == "text":
        return _in(column.expr, {check_text(x, path) for x in hay if type(x) is str})
    if kind == "int":
        return _in(column.expr, _whole_numbers(x for x in hay if is_number(x)))
    if kind == "money":
        return _in(column.expr, _cents(number_pair(Decimal(0), x)[1] for x in hay if is_number(x)))
    if kind in ("date", "datetime") and any(isinstance(x, date) for x in hay):
        raise NotPushable(f"{column.key} in a list holding dates is not translated", path)
    if kind == "tags" and any(isinstance(x, (list, tuple)) for x in hay):
        raise NotPushable("the tag list in a list of lists is not translated", path)
    return FALSE  # dates and lists only equal items of their own type


def _const_in_field(needle: Any, hay: Column, ctx: Context, path: str) -> Truth:
    """``{"in": [literal, field]}``: substring of a text field, or a tag."""
    if hay.kind == "text":
        text = check_text(js_str(needle), path)
        found = Truth(_substring(hay.expr, sa.literal(text, sa.String), ctx, path) > 0, FALSE)
        return by_nullness(hay, outcome(lambda: contains(needle, None)), found)
    if hay.kind == "tags":
        return Truth(has_any_tag([check_text(needle, path)]), FALSE) if type(needle) is str else Truth.of(False)
    return Truth.of(False)  # in a number or a date there is nothing to find


def _substring(text: Any, part: Any, ctx: Context, path: str) -> Any:
    """Position of ``part`` in ``text`` (1-based, 0 if absent; "" is found at 1)."""
    if ctx.dialect == "sqlite":
        return sa.func.instr(text, part)
    if ctx.dialect == "postgresql":
        return sa.func.strpos(text, part)
    raise NotPushable(f"substring search is not translated for {ctx.dialect}", path)


def in_list_op(value: Value, members: Value, ctx: Context, path: str) -> Truth:
    """``in_list``: some element of ``value`` equals (Python ==) some element of ``members``."""
    if isinstance(value, Const) and isinstance(members, Const):
        return outcome(lambda: engine_in_list([value.value, members.value]))
    if isinstance(members, Const) and (b := _boolean(value)) is not None:
        return enumerate_bool(b, lambda x: engine_in_list([x, members.value]))
    if isinstance(value, Const) and (b := _boolean(members)) is not None:
        return enumerate_bool(b, lambda x: engine_in_list([value.value, x]))
    if isinstance(members, Const) and isinstance(value, (Column, Days)):
        return _equal_any(value, as_list(members.value), ctx, path)
    if isinstance(value, Const) and isinstance(members, (Column, Days)):
        return _equal_any(members, as_list(value.value), ctx, path)
    raise NotPushable("in_list over two values of the row is not translated", path)


def _equal_any(field: Column | Days, literals: list[Any], ctx: Context, path: str) -> Truth:
    """Some literal == (Python) the field's value; for tags, some tag == some literal."""
    column = field.column if isinstance(field, Days) else field
    if isinstance(field, Days):
        found = _days_in(column, _whole_numbers(_numbers(literals)), ctx)
    elif column.kind == "tags":
        return Truth(has_any_tag({check_text(x, path) for x in literals if type(x) is str}), FALSE)
    elif column.kind == "text":
        found = _in(column.expr, {check_text(x, path) for x in literals if type(x) is str})
    elif column.kind == "int":
        found = _in(column.expr, _whole_numbers(_numbers(literals)))
    elif column.kind == "money":
        found = _in(column.expr, _cents(Decimal(x) for x in _numbers(literals)))
    elif any(isinstance(x, date) for x in literals):
        raise NotPushable(f"{column.key} in a list holding dates is not translated", path)
    else:
        found = FALSE
    return by_nullness(column, Truth.of(False), Truth(found, FALSE))  # null is an empty list: no match


def has_tag_op(values: list[Value], path: str) -> Truth:
    """``has_tag``: the customer has one of the listed tags (arguments and lists of them)."""
    wanted: set[str] = set()
    for v in values:
        if not isinstance(v, Const):
            raise NotPushable("has_tag with a tag read from the row is not translated", path)
        wanted |= {check_text(t, path) for t in as_list(v.value) if type(t) is str}
    return Truth(has_any_tag(wanted), FALSE) if wanted else Truth.of(False)


def _numbers(values: Iterable[Any]) -> list[Any]:
    """The literals Python's == can find equal to a number: numbers and booleans (not NaN)."""
    return [v for v in values if isinstance(v, (int, float, Decimal)) and v == v]


def _whole_numbers(values: Iterable[Any]) -> set[int]:
    """The integral values among numbers (exact: 2.0 is 2, 2.5 is none), within 64 bits."""
    out: set[int] = set()
    for v in values:
        exact = v if isinstance(v, Decimal) else Decimal(v)
        if exact.is_finite() and exact == exact.to_integral_value() and bounds.INT64[0] <= exact <= bounds.INT64[1]:
            out.add(int(exact))
    return out


def _cents(values: Iterable[Decimal]) -> set[Decimal]:
    """The values a money column can hold (finite, whole cents, in range) among exact decimals."""
    quantum = Decimal(1).scaleb(-MONEY_SCALE)
    out: set[Decimal] = set()
    for v in values:
        if v.is_finite() and abs(v) < bounds.MONEY_LIMIT and v == v.quantize(quantum):
            out.add(v.quantize(quantum))
    return out


def _in(expr: Any, members: set[Any]) -> Pred:
    """``expr IN (members)``, FALSE for none."""
    return expr.in_(sorted(members)) if members else FALSE


def _days_in(column: Column, days: set[int], ctx: Context) -> Pred:
    """``days_since(column)`` is one of ``days``."""
    eq: Callable[[int], Pred] = lambda n: bounds.emit_day(  # noqa: E731
        column.expr, column.kind, bounds.days_cond(("eq", n), ctx.today))
    return any_of(*(eq(n) for n in sorted(days)))
