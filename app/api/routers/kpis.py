"""The dashboard's key figures."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from app.api.deps import GuardedRoute, Require
from app.api.schemas import ApiModel, Money, Time
from services.auth import UserInfo
from services.dashboard import PERIOD_DAYS, PeriodFigures, dashboard_kpis

router = APIRouter(prefix="/kpis", tags=["kpis"], route_class=GuardedRoute)


class PeriodOut(ApiModel):
    """Paid orders, GMV and new customers in [start, end)."""

    start: Time
    end: Time
    orders: int
    gmv: Money
    average_order_value: Money
    new_customers: int


class KpiSummaryOut(ApiModel):
    """Customers, and the last 30 days against the 30 before (local calendar days)."""

    as_of: Time
    period_days: int
    customers: int
    current: PeriodOut
    previous: PeriodOut


def _period(p: PeriodFigures) -> PeriodOut:
    """Service figures -> response."""
    return PeriodOut(
        start=p.start, end=p.end, orders=p.orders, gmv=p.gmv,
        average_order_value=p.average_order_value, new_customers=p.new_customers,
    )


@router.get("/summary")
def kpi_summary(
    _: Annotated[UserInfo, Depends(Require("admin", "marketer", "designer", "analyst"))],
) -> KpiSummaryOut:
    """Dashboard KPIs.

    Customers, paid orders, GMV and average order value of the last 30 days against the 30
    before (money as strings).
    """
    k = dashboard_kpis()
    return KpiSummaryOut(
        as_of=k.as_of, period_days=PERIOD_DAYS, customers=k.customers,
        current=_period(k.current), previous=_period(k.previous),
    )
