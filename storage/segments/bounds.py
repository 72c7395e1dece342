"""Exact bounds: a comparison of a column with a constant becomes ``col < b``, ``col >= b`` or
``col = b`` with ``b`` in the column's own domain, computed in Python.

- Whole numbers and money: a column holds multiples of a quantum (1, or 0.01 for Numeric(14,2)),
  so ``x <= 2.5`` is ``x < 3`` and ``money = 0.305`` is false; no float ever reaches the database
  (SQLite stores Numeric as REAL, where only whole cents compare exactly).
- Dates: a ``date`` is its midnight in Asia/Shanghai (as ``engine.rules.values.to_datetime`` has
  it), so comparing it with an instant is comparing the date with the first/last whole day.
- Calendar days (``days_since``): a count of Shanghai days becomes a range of instants whose
  boundaries are Shanghai midnights, computed here; SQLite and PostgreSQL only compare.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from typing import Any, Literal

from engine.rules.values import SHANGHAI, to_datetime
from storage.segments.values import NotPushable, Pred, all_of, const_pred, sql_compare

Op = Literal["lt", "ge", "eq"]
Cond = bool | tuple[Op, Any]  # a constant, or (op, bound): x < bound, x >= bound, x == bound
FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
INT64 = (-(2 ** 63), 2 ** 63 - 1)
MONEY_LIMIT = Decimal(10) ** 15  # Numeric(14,2) holds less than 10^12
_BEYOND = Decimal(10) ** 20


def _python_compare(op: str, x: Any, y: Any) -> bool:
    """``x op y`` in Python, op one of < <= > >= ==."""
    return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y, "==": x == y}[op]


def number_cond(op: str, n: Any, quantum: Decimal) -> Cond:
    """``x op n`` for x a multiple of ``quantum``, n a finite or infinite number (not NaN).

    Args:
        op: one of ``<`` ``<=`` ``>`` ``>=`` ``==``.
        n: int, float (taken exactly) or Decimal.
        quantum: the step of the column's values.
    Returns:
        A constant, or ``(lt|ge|eq, bound)`` with a bound that is a multiple of ``quantum``.
    """
    exact = n if isinstance(n, Decimal) else Decimal(n)
    if not exact.is_finite() or abs(exact) > _BEYOND:
        return _python_compare(op, 0, exact)
    with localcontext() as ctx:
        ctx.prec = 80
        steps = exact / quantum
        ceil = steps.to_integral_value(ROUND_CEILING) * quantum
        floor = steps.to_integral_value(ROUND_FLOOR) * quantum
        if op == "==":
            return ("eq", exact) if ceil == floor else False
        return {"<": ("lt", ceil), "<=": ("lt", floor + quantum), ">": ("ge", floor + quantum),
                ">=": ("ge", ceil)}[op]


def clamp(cond: Cond, low: Any, high: Any) -> Cond:
    """A bound outside the values a column can hold [low, high] becomes a constant."""
    if isinstance(cond, bool):
        return cond
    op, bound = cond
    if bound < low:
        return op == "ge"
    if bound > high:
        return op == "lt"
    return cond


def emit(expr: Any, cond: Cond) -> Pred:
    """The SQL of a condition on a column."""
    if isinstance(cond, bool):
        return const_pred(cond)
    op, bound = cond
    if op == "lt":
        return expr < bound
    if op == "ge":
        return expr >= bound
    return expr == bound


def int_cond(op: str, n: Any) -> Cond:
    """``x op n`` for a whole-number column (64-bit)."""
    cond = clamp(number_cond(op, n, Decimal(1)), *INT64)
    return cond if isinstance(cond, bool) else (cond[0], int(cond[1]))


def money_cond(op: str, n: Decimal, scale: int) -> Cond:
    """``x op n`` for a money column of ``scale`` decimals."""
    quantum = Decimal(1).scaleb(-scale)
    cond = clamp(number_cond(op, n, quantum), -MONEY_LIMIT, MONEY_LIMIT)
    return cond if isinstance(cond, bool) else (cond[0], cond[1].quantize(quantum))


def local_date(moment: datetime, path: str) -> date:
    """The Asia/Shanghai calendar date of an aware instant."""
    try:
        return moment.astimezone(SHANGHAI).date()
    except OverflowError as exc:
        raise NotPushable(f"{moment.isoformat()} is out of the calendar's range", path) from exc


def day_cond(op: Op, ordinal: int) -> Cond:
    """A condition on a calendar date given by its ordinal, constant outside the calendar."""
    return clamp((op, ordinal), 1, date.max.toordinal())


def date_vs_instant(op: str, moment: datetime, path: str) -> Cond:
    """``midnight(d) op moment`` as a condition on the date d (op one of < <= > >= ==)."""
    floor = local_date(moment, path).toordinal()
    exact = to_datetime(date.fromordinal(floor)) == moment
    ceil = floor if exact else floor + 1
    if op == "==":
        return day_cond("eq", floor) if exact else False
    return {"<": day_cond("lt", ceil), "<=": day_cond("lt", floor + 1), ">": day_cond("ge", floor + 1),
            ">=": day_cond("ge", ceil)}[op]


def days_cond(cond: Cond, today: date) -> Cond:
    """A condition on ``days = today - d`` as a condition on the date d."""
    if isinstance(cond, bool):
        return cond
    op, bound = cond
    days, now = int(bound), today.toordinal()
    if op == "eq":
        return day_cond("eq", now - days)
    return day_cond("ge" if op == "lt" else "lt", now - days + 1)


def emit_day(expr: Any, kind: str, cond: Cond) -> Pred:
    """SQL of a condition on a calendar date (ordinal bound) of a date or datetime column."""
    if isinstance(cond, bool):
        return const_pred(cond)
    op, ordinal = cond
    if kind == "date":
        return emit(expr, (op, date.fromordinal(ordinal)))
    start = _midnight(ordinal)
    if op == "eq":
        return all_of(emit_instant(expr, "ge", start), emit_instant(expr, "lt", _midnight(ordinal + 1)))
    return emit_instant(expr, op, start)


def _midnight(ordinal: int) -> datetime | None:
    """Midnight in Asia/Shanghai of a day (None after the calendar's last day)."""
    if ordinal > date.max.toordinal():
        return None
    return to_datetime(date.fromordinal(ordinal))


def emit_instant(expr: Any, op: Op, moment: datetime | None) -> Pred:
    """``expr < moment`` or ``expr >= moment`` for an instant column; None = after every instant."""
    if moment is None:
        return const_pred(op == "lt")
    return instant_compare(expr, "<" if op == "lt" else ">=", moment)


def instant_compare(expr: Any, op: str, moment: datetime) -> Pred:
    """``expr op moment`` for an instant column (op one of < <= > >= ==)."""
    try:
        moment.astimezone(UTC)
    except OverflowError:  # before year 1 or after year 9999 in UTC: beyond every stored instant
        below = moment.year < 2
        return const_pred(op in (">", ">=") if below else op in ("<", "<="))
    return sql_compare(expr, op, moment)
