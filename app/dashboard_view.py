"""Turns the dashboard figures into display strings per locale and rows for the chart."""

from __future__ import annotations

from decimal import Decimal

from app import format as fmt
from app.i18n import LOCALES, translate
from services.dashboard import DashboardKpis

KPI_KEYS: tuple[str, ...] = ("customers", "orders", "gmv", "aov")


def trend(current: Decimal, previous: Decimal) -> str:
    """'up', 'down' or 'flat' against the previous period; 'none' when it had nothing."""
    if previous == 0:
        return "none"
    if current == previous:
        return "flat"
    return "up" if current > previous else "down"


def _pairs(k: DashboardKpis) -> dict[str, tuple[Decimal, Decimal]]:
    """Each comparable figure: (last 30 days, previous 30 days)."""
    return {
        "customers": (Decimal(k.current.new_customers), Decimal(k.previous.new_customers)),
        "orders": (Decimal(k.current.orders), Decimal(k.previous.orders)),
        "gmv": (k.current.gmv, k.previous.gmv),
        "aov": (k.current.average_order_value, k.previous.average_order_value),
    }


def texts(k: DashboardKpis, locale: str, tz: str) -> dict[str, str]:
    """Every string the KPI cards show in ``locale``."""
    out = {
        "customers": fmt.count(k.customers, locale),
        "customers_exact": f"{k.customers:,}",
        "customers_sub": translate("dashboard.new_customers", locale).format(
            n=fmt.count(k.current.new_customers, locale)
        ),
        "orders": fmt.count(k.current.orders, locale),
        "orders_exact": f"{k.current.orders:,}",
        "gmv": fmt.money(k.current.gmv),
        "aov": fmt.money(k.current.average_order_value),
        "as_of": fmt.local_datetime(k.as_of, tz),
    }
    for key, (current, previous) in _pairs(k).items():
        change = fmt.percent_change(current, previous)
        out[f"{key}_delta"] = change if change is not None else translate("dashboard.no_prev", locale)
    return out


def texts_by_locale(k: DashboardKpis, tz: str) -> dict[str, dict[str, str]]:
    """``texts`` for every supported locale, so a language switch needs no round trip."""
    return {locale: texts(k, locale, tz) for locale in LOCALES}


def trends(k: DashboardKpis) -> dict[str, str]:
    """The direction of each KPI against the previous period."""
    return {key: trend(current, previous) for key, (current, previous) in _pairs(k).items()}


def chart_rows(k: DashboardKpis) -> list[dict[str, str | float]]:
    """One row per day: date label, GMV of that day and of the same day of the previous period.

    The floats are plot coordinates only; every figure shown as text comes from ``texts``.
    """
    return [
        {
            "label": d.day.strftime("%m-%d"),
            "date": d.day.isoformat(),
            "previous_date": d.previous_day.isoformat(),
            "current": float(d.gmv),
            "previous": float(d.previous_gmv),
        }
        for d in k.daily
    ]
