"""Display strings and chart rows of the dashboard, from hand-made figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from app import dashboard_view as view
from services.dashboard import DailyGmv, DashboardKpis, PeriodFigures

AS_OF = datetime(2026, 11, 11, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def _kpis(orders: int = 4, gmv: str = "1000.00", prev_orders: int = 5, prev_gmv: str = "800.00",
          customers: int = 123_456) -> DashboardKpis:
    start = datetime(2026, 10, 12, 16, tzinfo=UTC)
    current = PeriodFigures(start, AS_OF, orders, Decimal(gmv), 30)
    previous = PeriodFigures(start - timedelta(days=30), start, prev_orders, Decimal(prev_gmv), 20)
    daily = [DailyGmv(date(2026, 11, 11), Decimal("99.90"), date(2026, 10, 12), Decimal("0.00"))]
    return DashboardKpis(AS_OF, customers, current, previous, daily)


def test_texts_show_money_counts_changes_and_the_time_in_shanghai() -> None:
    zh = view.texts(_kpis(), "zh-CN", "Asia/Shanghai")
    assert zh["customers"] == "12.3万" and zh["customers_exact"] == "123,456"
    assert zh["orders"] == "4" and zh["gmv"] == "¥1,000.00" and zh["aov"] == "¥250.00"
    assert zh["orders_delta"] == "-20.0%" and zh["gmv_delta"] == "+25.0%"
    assert zh["aov_delta"] == "+56.3%"  # 250.00 vs 160.00
    assert zh["customers_delta"] == "+50.0%" and zh["customers_sub"] == "近30天新增 30"
    assert zh["as_of"] == "2026-11-11 10:00"
    en = view.texts(_kpis(), "en", "Asia/Shanghai")
    assert en["customers"] == "123,456" and en["customers_sub"] == "30 new in the last 30 days"


def test_without_a_previous_period_the_change_says_so_instead_of_a_number() -> None:
    texts = view.texts(_kpis(prev_orders=0, prev_gmv="0"), "en", "Asia/Shanghai")
    assert texts["gmv_delta"] == "no data in the previous 30 days"
    assert view.trends(_kpis(prev_orders=0, prev_gmv="0"))["gmv"] == "none"


def test_trends_point_up_down_or_flat() -> None:
    trends = view.trends(_kpis(orders=5, prev_orders=5))
    assert trends["orders"] == "flat" and trends["gmv"] == "up"
    assert view.trends(_kpis(gmv="10", prev_gmv="20"))["gmv"] == "down"


def test_texts_exist_for_every_language() -> None:
    assert set(view.texts_by_locale(_kpis(), "Asia/Shanghai")) == {"zh-CN", "en"}


def test_chart_rows_carry_both_periods_by_day() -> None:
    assert view.chart_rows(_kpis()) == [
        {"label": "11-11", "date": "2026-11-11", "previous_date": "2026-10-12",
         "current": 99.9, "previous": 0.0}
    ]
