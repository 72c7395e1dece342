"""数据看板 / Dashboard: KPI cards and the daily GMV chart, from the database."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app import dashboard_view as view
from app.layout import notice, shell
from app.state import AuthState, t
from services.dashboard import dashboard_kpis
from storage.settings import get_settings

class DashboardState(rx.State):
    """The figures of the dashboard, loaded on page load for a logged-in user."""

    loaded: bool = False
    loading: bool = False
    is_empty: bool = False
    texts: dict[str, dict[str, str]] = {}
    trends: dict[str, str] = {}
    chart: list[dict[str, Any]] = []

    @rx.event
    async def load(self):
        """Read the KPIs (only for a live session that may see the dashboard)."""
        auth = await self.get_state(AuthState)
        if auth.user_for("dashboard") is None:
            self.loaded = False
            return
        self.loading = True
        yield
        kpis = await asyncio.to_thread(dashboard_kpis)
        self.texts = view.texts_by_locale(kpis, get_settings().timezone)
        self.trends = view.trends(kpis)
        self.chart = view.chart_rows(kpis)
        self.is_empty = kpis.is_empty
        self.loaded = True
        self.loading = False


def _text(key: str) -> rx.Var[str]:
    """A KPI string in the current language."""
    return DashboardState.texts[AuthState.locale][key].to(str)


def _delta(key: str) -> rx.Component:
    """Arrow, signed percentage and 'vs previous 30 days' (colour plus text, Ant Design habit)."""
    direction = DashboardState.trends[key].to(str)
    icon = rx.match(
        direction,
        ("up", rx.icon("trending_up", size=14)),
        ("down", rx.icon("trending_down", size=14)),
        rx.fragment(),
    )
    color = rx.match(direction, ("up", "var(--red-11)"), ("down", "var(--green-11)"), "var(--gray-10)")
    return rx.hstack(
        icon,
        rx.text(_text(f"{key}_delta"), size="1", weight="medium", id=f"kpi-{key}-delta"),
        rx.cond(direction != "none", rx.text(t("dashboard.vs_prev"), size="1", color="var(--gray-10)"),
                rx.fragment()),
        align="center", spacing="1", color=color,
    )


def _kpi_card(key: str, icon: str, label_key: str, hint_key: str, sub: rx.Component | None = None,
              title: rx.Var[str] | None = None) -> rx.Component:
    """One KPI: label, big value, what it counts, comparison with the previous period."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(t(label_key), size="2", color="var(--gray-11)", id=f"kpi-{key}-label"),
                rx.spacer(),
                rx.icon(icon, size=18, color="var(--accent-9)"),
                width="100%", align="center",
            ),
            rx.cond(
                DashboardState.loaded,
                rx.text(_text(key), size="7", weight="bold", id=f"kpi-{key}-value",
                        title=title if title is not None else _text(key)),
                rx.skeleton(rx.text("0000", size="7"), loading=True),
            ),
            rx.text(t(hint_key), size="1", color="var(--gray-10)"),
            sub or rx.fragment(),
            rx.cond(DashboardState.loaded, _delta(key), rx.fragment()),
            spacing="2", width="100%",
        ),
        id=f"kpi-{key}", width="100%",
    )


def _kpis() -> rx.Component:
    """The four cards."""
    return rx.grid(
        _kpi_card("customers", "users", "dashboard.customers", "dashboard.customers_hint",
                  sub=rx.cond(DashboardState.loaded,
                              rx.text(_text("customers_sub"), size="1", color="var(--gray-11)"),
                              rx.fragment()),
                  title=_text("customers_exact")),
        _kpi_card("orders", "receipt", "dashboard.orders", "dashboard.orders_hint",
                  title=_text("orders_exact")),
        _kpi_card("gmv", "wallet", "dashboard.gmv", "dashboard.gmv_hint"),
        _kpi_card("aov", "shopping_bag", "dashboard.aov", "dashboard.aov_hint"),
        columns=rx.breakpoints(initial="1", sm="2", lg="4"),
        spacing="4", width="100%",
    )


def _chart() -> rx.Component:
    """Daily GMV of the last 30 days, the previous 30 days dashed for comparison."""
    return rx.card(
        rx.vstack(
            rx.heading(t("dashboard.chart_title"), size="3", id="gmv-chart-title"),
            rx.recharts.line_chart(
                rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
                rx.recharts.x_axis(
                    data_key="label", tick_margin=6,
                    label={"value": t("dashboard.axis_date"), "position": "insideBottom",
                           "offset": -12},
                ),
                rx.recharts.y_axis(
                    width=88, tick_formatter="(value) => Number(value).toLocaleString('en-US')",
                    label={"value": t("dashboard.axis_gmv"), "angle": -90, "position": "insideLeft",
                           "offset": 0, "style": {"textAnchor": "middle"}},
                ),
                rx.recharts.graphing_tooltip(),
                rx.recharts.legend(vertical_align="top", height=32),
                rx.recharts.line(data_key="previous", name=t("dashboard.chart_previous"),
                                 stroke="var(--gray-8)", stroke_dasharray="6 4", dot=False,
                                 is_animation_active=False),
                rx.recharts.line(data_key="current", name=t("dashboard.chart_current"),
                                 stroke="var(--accent-9)", stroke_width=2, dot=False,
                                 is_animation_active=False),
                data=DashboardState.chart,
                height=320, width="100%",
                margin={"top": 8, "right": 16, "bottom": 24, "left": 16},
            ),
            spacing="3", width="100%",
        ),
        id="gmv-chart", width="100%",
    )


def _content() -> rx.Component:
    """Empty-state hint when there is nothing yet, then the cards and the chart."""
    return rx.vstack(
        rx.cond(
            DashboardState.loaded & DashboardState.is_empty,
            notice("inbox", "dashboard.empty_title", "dashboard.empty_body", "dashboard-empty"),
            rx.fragment(),
        ),
        _kpis(),
        _chart(),
        rx.cond(
            DashboardState.loaded,
            rx.text(t("dashboard.as_of"), " ", _text("as_of"), size="1", color="var(--gray-10)",
                    id="dashboard-as-of"),
            rx.fragment(),
        ),
        spacing="4", width="100%",
    )


def dashboard_page() -> rx.Component:
    """The whole dashboard page."""
    refresh = rx.button(rx.icon("refresh_cw", size=16), t("dashboard.refresh"), variant="soft",
                        on_click=DashboardState.load, loading=DashboardState.loading,
                        id="dashboard-refresh")
    return shell("dashboard", _content, action=refresh)
