"""Headline figures: customers, orders and GMV (paid orders' totals) over time ranges.

Ranges are half-open ``[start, end)`` of timezone-aware datetimes. Per-day figures group by the
calendar day in ``tz`` (default Asia/Shanghai) and include days without orders as zeros.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import Customer, Order
from storage.repositories.errors import RepositoryError, require_aware

CENT = Decimal("0.01")
PAID = ("paid",)


@dataclass(frozen=True)
class DayFigures:
    """Orders and GMV of one local calendar day."""

    day: date
    orders: int
    gmv: Decimal


def _check_range(start: datetime, end: datetime) -> None:
    """Both aware, start before end."""
    require_aware(start, "start")
    require_aware(end, "end")
    if end <= start:
        raise RepositoryError("end: must be after start", "end")


def _money(value: object) -> Decimal:
    """A SUM result as an exact 2-place Decimal (0 for no rows)."""
    if value is None:
        return Decimal("0.00")
    return Decimal(str(value)).quantize(CENT)


def count_customers(session: Session) -> int:
    """Number of customer profiles."""
    return int(session.scalar(sa.select(sa.func.count()).select_from(Customer)) or 0)


def count_orders_between(
    session: Session, start: datetime, end: datetime, statuses: Sequence[str] = PAID
) -> int:
    """Orders placed in [start, end) with one of ``statuses`` (default: paid)."""
    _check_range(start, end)
    query = sa.select(sa.func.count()).select_from(Order).where(
        Order.placed_at >= start, Order.placed_at < end, Order.status.in_(list(statuses))
    )
    return int(session.scalar(query) or 0)


def gmv_between(session: Session, start: datetime, end: datetime) -> Decimal:
    """Sum of paid orders' totals placed in [start, end), exact to the cent."""
    _check_range(start, end)
    query = sa.select(sa.func.sum(Order.total)).where(
        Order.placed_at >= start, Order.placed_at < end, Order.status.in_(PAID)
    )
    return _money(session.scalar(query))


def _local_day(session: Session, tz: str) -> sa.ColumnElement[str]:
    """SQL expression: the local calendar day of Order.placed_at as 'YYYY-MM-DD' text."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.func.to_char(sa.func.timezone(tz, Order.placed_at), "YYYY-MM-DD")
    # SQLite stores naive UTC text; shift by the zone's offset (exact for fixed-offset zones
    # such as Asia/Shanghai; zones with DST are off by one hour around their transitions).
    offset = ZoneInfo(tz).utcoffset(datetime(2000, 1, 1)) or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    return sa.func.date(Order.placed_at, f"{minutes:+d} minutes")


def daily_figures(
    session: Session, start: datetime, end: datetime, tz: str = "Asia/Shanghai"
) -> list[DayFigures]:
    """Paid orders and GMV per local day for every day in [start, end) (zeros included)."""
    _check_range(start, end)
    day = _local_day(session, tz).label("day")
    query = (
        sa.select(day, sa.func.count(), sa.func.sum(Order.total))
        .where(Order.placed_at >= start, Order.placed_at < end, Order.status.in_(PAID))
        .group_by(day)
    )
    found = {str(d): (int(n), _money(g)) for d, n, g in session.execute(query)}
    zone = ZoneInfo(tz)
    first, last = start.astimezone(zone).date(), (end - timedelta(microseconds=1)).astimezone(zone).date()
    out = []
    current = first
    while current <= last:
        orders, gmv = found.get(current.isoformat(), (0, Decimal("0.00")))
        out.append(DayFigures(day=current, orders=orders, gmv=gmv))
        current += timedelta(days=1)
    return out
