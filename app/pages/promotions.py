"""促销活动 / Promotions: the list (filters, budget use, lifecycle actions) and the tabs around it.

The coupon templates tab is ``app.pages.coupon_templates``, the editor ``app.pages.promotion_editor``
and the checkout simulator ``app.pages.checkout_sim``; every handler checks the session's role on
the server first.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from app import promotions_view as view
from app.layout import shell
from app.pages.coupon_templates import CouponTemplatesState, coupons_tab
from app.state import AuthState, t
from services import commerce

EDIT_ROUTE = view.EDIT_ROUTE
SIMULATE_ROUTE = view.SIMULATE_ROUTE
PAGE_SIZE = 10
_ACTIONS = {"publish": commerce.schedule_promotion, "pause": commerce.pause_promotion,
            "resume": commerce.resume_promotion, "end": commerce.end_promotion}


class PromotionsListState(rx.State):
    """The promotions table: filter, search, sort, page, and lifecycle actions."""

    all_rows: list[dict[str, str]] = []
    status_filter: str = ""
    search: str = ""
    sort_by: str = ""
    sort_desc: bool = False
    page: int = 1
    loaded: bool = False
    tab: str = "promotions"
    busy_code: str = ""
    confirm_open: bool = False
    confirm_code: str = ""
    confirm_name: str = ""

    @rx.var
    def filtered(self) -> list[dict[str, str]]:
        """Rows after the status chip, the search box and the sort."""
        rows = view.filter_rows(self.all_rows, self.status_filter, self.search)
        return view.sort_rows(rows, self.sort_by, self.sort_desc)

    @rx.var
    def page_count(self) -> int:
        """Pages of the filtered rows (at least 1)."""
        return max(1, -(-len(self.filtered) // PAGE_SIZE))

    @rx.var
    def rows(self) -> list[dict[str, str]]:
        """The rows of the current page."""
        start = (min(self.page, self.page_count) - 1) * PAGE_SIZE
        return self.filtered[start:start + PAGE_SIZE]

    @rx.var
    def counts(self) -> dict[str, str]:
        """Rows per status for the chips ('' = all)."""
        return view.status_counts(self.all_rows)

    @rx.event
    async def load(self):
        """Read every promotion (server-side role check), then the coupon templates."""
        auth = await self.get_state(AuthState)
        if auth.user_for("promotions") is None:
            return
        if self.router.url.query_parameters.get("tab") == "coupons":
            self.tab = "coupons"
        promotions = await asyncio.to_thread(commerce.list_promotions)
        self.all_rows = [view.list_row(p) for p in promotions]
        self.loaded = True
        yield CouponTemplatesState.load

    @rx.event
    def set_tab(self, value: str):
        """Promotions or coupon templates."""
        self.tab = value

    @rx.event
    def set_status_filter(self, value: str):
        """A status chip ('' = all)."""
        self.status_filter, self.page = value, 1

    @rx.event
    def set_search(self, value: str):
        """Filter by name or code."""
        self.search, self.page = value, 1

    @rx.event
    def sort(self, column: str):
        """Sort by a column; a second click reverses the order."""
        if self.sort_by == column:
            self.sort_desc = not self.sort_desc
        else:
            self.sort_by, self.sort_desc = column, False

    @rx.event
    def go_page(self, delta: int):
        """Previous / next page."""
        self.page = max(1, min(self.page_count, self.page + delta))

    @rx.event
    def ask_end(self, code: str, name: str):
        """Open the confirmation before ending a promotion."""
        self.confirm_code, self.confirm_name, self.confirm_open = code, name, True

    @rx.event
    def set_confirm_open(self, value: bool):
        """Close the confirmation."""
        self.confirm_open = value

    @rx.event
    async def confirm_end(self):
        """The marketer confirmed: end the promotion."""
        self.confirm_open = False
        async for update in self._act("end", self.confirm_code):
            yield update

    @rx.event
    async def act(self, action: str, code: str):
        """Publish, pause or resume one promotion."""
        if action not in ("publish", "pause", "resume"):
            return
        async for update in self._act(action, code):
            yield update

    async def _act(self, action: str, code: str):
        """Run a lifecycle action and answer with a toast; reload the table."""
        auth = await self.get_state(AuthState)
        user = auth.user_for("promotions")
        if not view.may_write(user):
            yield rx.toast.error(view.say("promo.no_permission", auth.locale))
            return
        self.busy_code = code
        yield
        try:
            done = await asyncio.to_thread(_ACTIONS[action], code, actor=user.username)
        except commerce.CommerceError as err:
            self.busy_code = ""
            yield rx.toast.error(view.say("promo.err_transition", auth.locale) + f" ({err.code})")
            return
        self.busy_code = ""
        promotions = await asyncio.to_thread(commerce.list_promotions)
        self.all_rows = [view.list_row(p) for p in promotions]
        yield rx.toast.success(view.say(f"promo.done_{action}", auth.locale).format(name=done.name))


# ---------------------------------------------------------------- promotions tab


STATUS_KEYS = {s: f"promo.status_{s}" for s in view.STATUSES}


def status_badge(status: rx.Var, color: rx.Var, element_id: rx.Var | str = "") -> rx.Component:
    """Status as colour plus text (草稿 grey, 已排期 blue, 进行中 green, 已暂停 amber, 已结束 grey)."""
    return rx.badge(
        rx.match(status, *[(s, t(k)) for s, k in STATUS_KEYS.items()], status),
        color_scheme=color, variant="soft", size="2", id=element_id,
    )


def type_label(kind: rx.Var) -> rx.Component:
    """满减 / 折扣 / 特价 / 买赠 / 赠品 / 包邮."""
    return rx.match(kind, *[(k, t(f"promo.type_{k}")) for k in view.TYPES], kind)


def _chips() -> rx.Component:
    """Status chips with counts."""
    def chip(status: str, label_key: str) -> rx.Component:
        active = PromotionsListState.status_filter == status
        return rx.button(
            t(label_key), rx.text(PromotionsListState.counts[status], size="1", color_scheme="gray"),
            variant=rx.cond(active, "solid", "soft"), color_scheme=rx.cond(active, "indigo", "gray"),
            size="1", radius="full", on_click=PromotionsListState.set_status_filter(status),
            id=f"filter-{status or 'all'}",
        )
    return rx.hstack(chip("", "promo.filter_all"), *[chip(s, k) for s, k in STATUS_KEYS.items()],
                     spacing="2", wrap="wrap")


def _header_cell(label_key: str, column: str = "") -> rx.Component:
    """A column header; sortable ones toggle the order on click."""
    if not column:
        return rx.table.column_header_cell(t(label_key), white_space="nowrap")
    icon = rx.cond(PromotionsListState.sort_by == column,
                   rx.cond(PromotionsListState.sort_desc, rx.icon("arrow_down", size=12),
                           rx.icon("arrow_up", size=12)),
                   rx.icon("arrow_up_down", size=12, color="var(--gray-8)"))
    return rx.table.column_header_cell(
        rx.hstack(rx.text(t(label_key)), icon, align="center", spacing="1", cursor="pointer",
                  on_click=PromotionsListState.sort(column), id=f"sort-{column}"), white_space="nowrap")


def _budget_cell(r: rx.Var) -> rx.Component:
    """Budget used % as a bar with the figure, or 不限."""
    return rx.cond(
        r["budget_pct"] != "",
        rx.vstack(
            rx.box(rx.box(width=r["budget_width"], height="100%", background=r["budget_fill"],
                          border_radius="3px"),
                   width="110px", height="6px", background="var(--gray-4)", border_radius="3px"),
            rx.text(r["budget_pct"], size="1", weight="medium"),
            rx.text(r["budget_amount"], size="1", color="var(--gray-10)", white_space="nowrap"),
            spacing="1",
        ),
        rx.text(t("promo.unlimited"), size="1", color="var(--gray-9)"),
    )


def _schedule_cell(r: rx.Var) -> rx.Component:
    """Start and end in Shanghai time, or 长期有效."""
    return rx.cond(
        (r["starts"] == "") & (r["ends"] == ""),
        rx.text(t("promo.always"), size="1", color="var(--gray-10)"),
        rx.vstack(
            rx.text(rx.cond(r["starts"] != "", r["starts"], t("promo.now")), size="1", white_space="nowrap"),
            rx.text(rx.cond(r["ends"] != "", r["ends"], t("promo.no_end")), size="1", color="var(--gray-10)",
                    white_space="nowrap"),
            spacing="0",
        ),
    )


def _row_actions(r: rx.Var) -> rx.Component:
    """Edit (view when ended), publish / pause / resume, end (with confirmation)."""
    busy = PromotionsListState.busy_code == r["code"]
    def action(name: str, icon: str, label_key: str, flag: str) -> rx.Component:
        return rx.cond(r[flag] == "1", rx.button(
            rx.icon(icon, size=14), t(label_key), size="1", variant="soft", loading=busy,
            on_click=PromotionsListState.act(name, r["code"]), id=f"{name}-" + r["code"]), rx.fragment())
    return rx.hstack(
        rx.link(rx.button(rx.icon("pencil", size=14),
                          rx.cond(r["status"] == "ended", t("promo.view"), t("promo.edit")),
                          size="1", variant="ghost"),
                href=EDIT_ROUTE + "?code=" + r["code"], id="edit-" + r["code"]),
        action("publish", "send", "promo.publish", "can_publish"),
        action("pause", "pause", "promo.pause", "can_pause"),
        action("resume", "play", "promo.resume", "can_resume"),
        rx.cond(r["can_end"] == "1", rx.button(
            rx.icon("square", size=12), t("promo.end"), size="1", variant="ghost", color_scheme="red",
            on_click=PromotionsListState.ask_end(r["code"], r["name"]), id="end-" + r["code"]), rx.fragment()),
        spacing="2", align="center", justify="end", white_space="nowrap",
    )


def _row(r: rx.Var) -> rx.Component:
    """One promotion."""
    return rx.table.row(
        rx.table.cell(rx.vstack(
            rx.link(r["name"], href=EDIT_ROUTE + "?code=" + r["code"], weight="medium", color_scheme="gray",
                    high_contrast=True),
            rx.hstack(rx.code(r["code"], size="1", variant="ghost"),
                      rx.cond(r["coupon_code"] != "", rx.badge(rx.icon("ticket", size=11), r["coupon_code"],
                                                                size="1", variant="outline"), rx.fragment()),
                      spacing="2", align="center"),
            spacing="1")),
        rx.table.cell(rx.vstack(rx.badge(type_label(r["type"]), variant="outline", color_scheme="indigo"),
                                rx.text(r[AuthState.locale], size="1", color="var(--gray-11)"), spacing="1")),
        rx.table.cell(status_badge(r["status"], r["status_color"], "status-" + r["code"])),
        rx.table.cell(_schedule_cell(r)),
        rx.table.cell(_budget_cell(r)),
        rx.table.cell(rx.text(r["uses"], size="2")),
        rx.table.cell(_row_actions(r)),
        id="promo-row-" + r["code"], align="center",
    )


def _table() -> rx.Component:
    """The promotions table with its pager."""
    header = rx.table.header(rx.table.row(
        _header_cell("promo.col_name", "name"), _header_cell("promo.col_type", "type"),
        _header_cell("promo.col_status", "status"), _header_cell("promo.col_schedule", "starts"),
        _header_cell("promo.col_budget", "budget"), _header_cell("promo.col_uses", "uses"),
        rx.table.column_header_cell(t("promo.col_actions"), text_align="right"),
    ))
    pager = rx.hstack(
        rx.text(t("promo.total"), " ", PromotionsListState.filtered.length(), size="2", color="var(--gray-11)"),
        rx.spacer(),
        rx.icon_button(rx.icon("chevron_left", size=16), variant="soft", size="1",
                       disabled=PromotionsListState.page <= 1, on_click=PromotionsListState.go_page(-1),
                       id="page-prev"),
        rx.text(PromotionsListState.page, " / ", PromotionsListState.page_count, size="2", id="page-label"),
        rx.icon_button(rx.icon("chevron_right", size=16), variant="soft", size="1",
                       disabled=PromotionsListState.page >= PromotionsListState.page_count,
                       on_click=PromotionsListState.go_page(1), id="page-next"),
        width="100%", align="center", spacing="2",
    )
    return rx.vstack(
        rx.table.root(header, rx.table.body(rx.foreach(PromotionsListState.rows, _row)),
                      width="100%", variant="surface", id="promotions-table"),
        pager, width="100%", spacing="3",
    )


def _empty() -> rx.Component:
    """Nothing yet (or nothing matches the filter): say what to do first."""
    return rx.center(rx.vstack(
        rx.center(rx.icon("badge_percent", size=28, color="var(--accent-9)"), width="56px", height="56px",
                  border_radius="50%", background="var(--accent-3)"),
        rx.cond(PromotionsListState.all_rows.length() > 0,
                rx.vstack(rx.text(t("promo.no_match_title"), weight="medium"),
                          rx.text(t("promo.no_match_body"), size="2", color="var(--gray-11)"), align="center"),
                rx.vstack(rx.text(t("promo.empty_title"), weight="medium"),
                          rx.text(t("promo.empty_body"), size="2", color="var(--gray-11)", text_align="center",
                                  max_width="420px"),
                          rx.link(rx.button(rx.icon("plus", size=16), t("promo.new")), href=EDIT_ROUTE),
                          align="center")),
        align="center", spacing="3"), padding="48px", width="100%", id="promotions-empty")


def _end_dialog() -> rx.Component:
    """Confirmation before ending a promotion (it cannot be undone)."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(t("promo.end_title")),
            rx.alert_dialog.description(rx.text(t("promo.end_body"), " ", rx.text.strong(
                PromotionsListState.confirm_name))),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t("promo.cancel"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button(t("promo.end_confirm"), color_scheme="red",
                                                 on_click=PromotionsListState.confirm_end, id="end-confirm")),
                justify="end", spacing="3", margin_top="16px",
            ),
        ),
        open=PromotionsListState.confirm_open, on_open_change=PromotionsListState.set_confirm_open,
    )


def _promotions_tab() -> rx.Component:
    """Filter bar, table or empty state."""
    return rx.vstack(
        rx.hstack(
            _chips(), rx.spacer(),
            rx.input(rx.input.slot(rx.icon("search", size=14)), placeholder=t("promo.search"),
                     value=PromotionsListState.search, on_change=PromotionsListState.set_search.debounce(250),
                     width="260px", id="promotions-search"),
            width="100%", align="center", wrap="wrap", spacing="3",
        ),
        rx.cond(PromotionsListState.filtered.length() > 0, _table(),
                rx.cond(PromotionsListState.loaded, _empty(), rx.center(rx.spinner(), padding="48px",
                                                                        width="100%"))),
        _end_dialog(),
        spacing="4", width="100%",
    )


def _content() -> rx.Component:
    """Two tabs in a card: promotions and coupon templates."""
    return rx.card(
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger(rx.hstack(rx.icon("badge_percent", size=14), t("promo.tab_promotions"),
                                          align="center", spacing="2"), value="promotions", id="tab-promotions"),
                rx.tabs.trigger(rx.hstack(rx.icon("ticket", size=14), t("promo.tab_coupons"), align="center",
                                          spacing="2"), value="coupons", id="tab-coupons"),
            ),
            rx.tabs.content(_promotions_tab(), value="promotions", padding_top="16px"),
            rx.tabs.content(coupons_tab(), value="coupons", padding_top="16px"),
            value=PromotionsListState.tab, on_change=PromotionsListState.set_tab, width="100%",
        ),
        width="100%",
    )


def header_actions() -> rx.Component:
    """Try a cart (secondary) and 新建促销 (primary)."""
    return rx.hstack(
        rx.link(rx.button(rx.icon("calculator", size=16), t("promo.simulate"), variant="soft"),
                href=SIMULATE_ROUTE, id="open-simulator"),
        rx.link(rx.button(rx.icon("plus", size=16), t("promo.new"), id="new-promotion"), href=EDIT_ROUTE),
        spacing="3",
    )


def promotions_page() -> rx.Component:
    """/promotions."""
    return shell("promotions", _content, header_actions())
