"""The dashboard's key figures, computed from the app database (no sample numbers).

Periods are calendar days in the display time zone (Asia/Shanghai): "the last 30 days" are today and
the 29 days before it, "the previous 30 days" the 30 days before those. Orders and GMV count paid
orders only (status ``paid``); GMV is the sum of their ``total``, summed as ``Decimal``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.db import session_scope
from storage.models import Customer, Order
from storage.settings import get_settings

PERIOD_DAYS = 30
_ZERO = Decimal("0.00")
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class DailyGmv:
    """GMV of one local calendar day, and of the matching day of the previous period."""

    day: date
    gmv: Decimal
    previous_day: date
    previous_gmv: Decimal


@dataclass(frozen=True)
class PeriodFigures:
    """Paid orders and their GMV within one period."""

    start: datetime
    end: datetime
    orders: int
    gmv: Decimal
    new_customers: int

    @property
    def average_order_value(self) -> Decimal:
        """GMV per paid order, rounded to the cent (0.00 without orders)."""
        if self.orders == 0:
            return _ZERO
        return (self.gmv / self.orders).quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class DashboardKpis:
    """Everything the dashboard shows."""

    as_of: datetime
    customers: int
    current: PeriodFigures
    previous: PeriodFigures
    daily: list[DailyGmv]

    @property
    def is_empty(self) -> bool:
        """True when there are neither customers nor paid orders in both periods."""
        return self.customers == 0 and self.current.orders == 0 and self.previous.orders == 0


def _day_start(day: date, tz: ZoneInfo) -> datetime:
    """Midnight of a local day, as a UTC time."""
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def _aware(value: datetime) -> datetime:
    """SQLite gives back naive datetimes; the database stores UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def period_bounds(now: datetime, tz_name: str) -> tuple[list[date], datetime, datetime, datetime]:
    """The current period's local days and the UTC bounds: previous start, current start, end."""
    tz = ZoneInfo(tz_name)
    today = now.astimezone(tz).date()
    days = [today - timedelta(days=PERIOD_DAYS - 1 - i) for i in range(PERIOD_DAYS)]
    current_start = _day_start(days[0], tz)
    previous_start = _day_start(days[0] - timedelta(days=PERIOD_DAYS), tz)
    end = _day_start(today + timedelta(days=1), tz)
    return days, previous_start, current_start, end


def dashboard_kpis(now: datetime | None = None) -> DashboardKpis:
    """Customers, paid orders, GMV and average order value: last 30 days vs the 30 before."""
    at = _aware(now) if now is not None else datetime.now(UTC)
    tz_name = get_settings().timezone
    tz = ZoneInfo(tz_name)
    days, previous_start, current_start, end = period_bounds(at, tz_name)
    by_day: dict[date, Decimal] = defaultdict(lambda: _ZERO)
    with session_scope() as s:
        customers = s.scalar(select(func.count(Customer.id))) or 0
        new_current = _registered(s, current_start, end)
        new_previous = _registered(s, previous_start, current_start)
        rows = s.execute(
            select(Order.placed_at, Order.total).where(
                Order.status == "paid", Order.placed_at >= previous_start, Order.placed_at < end
            )
        ).all()
    current = _figures(current_start, end, new_current)
    previous = _figures(previous_start, current_start, new_previous)
    for placed_at, total in rows:
        placed = _aware(placed_at)
        amount = Decimal(total)
        by_day[placed.astimezone(tz).date()] += amount
        target = current if placed >= current_start else previous
        target["orders"] += 1
        target["gmv"] += amount
    daily = [
        DailyGmv(d, by_day[d], d - timedelta(days=PERIOD_DAYS), by_day[d - timedelta(days=PERIOD_DAYS)])
        for d in days
    ]
    return DashboardKpis(at, customers, _period(current), _period(previous), daily)


def _registered(s: Session, start: datetime, end: datetime) -> int:
    """Customers who registered in [start, end)."""
    query = select(func.count(Customer.id)).where(
        Customer.registered_at >= start, Customer.registered_at < end
    )
    return s.scalar(query) or 0


def _figures(start: datetime, end: datetime, new_customers: int) -> dict:
    """A mutable accumulator for one period."""
    return {"start": start, "end": end, "orders": 0, "gmv": _ZERO, "new": new_customers}


def _period(acc: dict) -> PeriodFigures:
    """Freeze an accumulator."""
    gmv = acc["gmv"].quantize(_CENT)
    return PeriodFigures(acc["start"], acc["end"], acc["orders"], gmv, acc["new"])
