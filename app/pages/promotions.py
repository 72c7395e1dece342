"""促销活动 / Promotions: the list (filters, budget use, lifecycle actions) and the coupon templates tab.

The editor lives in ``app.pages.promotion_editor`` and the checkout simulator in
``app.pages.checkout_sim``; every handler checks the session's role on the server first.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from app import promotions_view as view
from app.layout import shell
from app.state import AuthState, t
from services import commerce

EDIT_ROUTE = "/promotions/edit"
SIMULATE_ROUTE = "/promotions/simulate"
PAGE_SIZE = 10
_ACTIONS = {"publish": commerce.schedule_promotion, "pause": commerce.pause_promotion,
            "resume": commerce.resume_promotion, "end": commerce.end_promotion}


def _may_write(user: object) -> bool:
    """Admins and marketers change promotions (the section is theirs only)."""
    return user is not None and getattr(user, "role", "") in ("admin", "marketer")


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
        if not _may_write(user):
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


class CouponTemplatesState(rx.State):
    """The coupon templates tab: list, create, generate code batches, export them as CSV."""

    rows: list[dict[str, str]] = []
    batches: list[dict[str, str]] = []
    promotions: list[dict[str, str]] = []
    kinds: dict[str, str] = {}
    loaded: bool = False
    create_open: bool = False
    form: dict[str, str] = dict(view.TEMPLATE_DEFAULTS)
    field_errors: dict[str, str] = {}
    saving: bool = False
    batch_open: bool = False
    batch_template: str = ""
    batch_count: str = "100"
    batch_error: str = ""
    generating: bool = False

    @rx.event
    async def load(self):
        """Templates, recent batches, and the promotions a new template may unlock."""
        auth = await self.get_state(AuthState)
        if auth.user_for("promotions") is None:
            return
        templates, batches, promotions = await asyncio.to_thread(
            lambda: (commerce.list_coupon_templates(), commerce.list_batches(), commerce.list_promotions()))
        names = {p.code: p.name for p in promotions}
        self.rows = [view.template_row(r, names) for r in templates]
        self.batches = [view.batch_row(b) for b in batches]
        usable = [p for p in promotions if p.status != "ended"]
        self.promotions = [{"code": p.code, "name": p.name} for p in usable]
        self.kinds = {p.code: str(p.definition.get("type", "")) for p in usable}
        self.loaded = True

    @rx.event
    def open_create(self):
        """A blank template form."""
        self.form, self.field_errors, self.create_open = dict(view.TEMPLATE_DEFAULTS), {}, True

    @rx.event
    def set_create_open(self, value: bool):
        """Close the form."""
        self.create_open = value

    @rx.event
    def set_field(self, key: str, value: str):
        """One field of the template form."""
        self.form = {**self.form, key: value}
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != key}

    @rx.event
    async def create(self):
        """Save the new template; field errors next to the fields."""
        auth = await self.get_state(AuthState)
        user = auth.user_for("promotions")
        if not _may_write(user):
            yield rx.toast.error(view.say("promo.no_permission", auth.locale))
            return
        payload, errors = view.template_payload(self.form, self.kinds)
        if errors:
            self.field_errors = view.local_errors(errors, auth.locale)
            return
        self.saving = True
        yield
        try:
            await asyncio.to_thread(commerce.create_coupon_template, payload, actor=user.username)
        except commerce.InvalidInput as err:
            self.saving, self.field_errors = False, view.field_errors(err.problems, auth.locale)
            return
        except commerce.Conflict as err:
            self.saving = False
            self.field_errors = {err.detail.get("field", "code"): view.message_for(str(err), auth.locale)}
            return
        self.saving, self.create_open = False, False
        yield rx.toast.success(view.say("coupon.created", auth.locale).format(name=payload["name"]))
        yield CouponTemplatesState.load

    @rx.event
    def open_batch(self, code: str):
        """Ask how many codes to generate for a template."""
        self.batch_template, self.batch_count, self.batch_error, self.batch_open = code, "100", "", True

    @rx.event
    def set_batch_open(self, value: bool):
        """Close the batch dialog."""
        self.batch_open = value

    @rx.event
    def set_batch_count(self, value: str):
        """How many codes."""
        self.batch_count, self.batch_error = value, ""

    @rx.event
    async def generate(self):
        """Generate a batch of unique codes (nobody's yet) for the template."""
        auth = await self.get_state(AuthState)
        user = auth.user_for("promotions")
        if not _may_write(user):
            yield rx.toast.error(view.say("promo.no_permission", auth.locale))
            return
        count = self.batch_count.strip()
        if not count.isdigit() or not 1 <= int(count) <= commerce.coupons.BATCH_MAX:
            self.batch_error = view.say("coupon.err_count", auth.locale)
            return
        self.generating = True
        yield
        try:
            batch = await asyncio.to_thread(commerce.generate_batch, self.batch_template, int(count),
                                            actor=user.username)
        except commerce.CommerceError as err:
            self.generating, self.batch_error = False, str(err)
            return
        self.generating, self.batch_open = False, False
        self.batches = [view.batch_row(batch), *self.batches]
        yield rx.toast.success(view.say("coupon.generated", auth.locale).format(n=str(batch.size)))

    @rx.event
    async def export(self, template_code: str, batch_id: str):
        """Download a batch's codes as CSV."""
        auth = await self.get_state(AuthState)
        if auth.user_for("promotions") is None:
            return None
        text = await asyncio.to_thread(commerce.export_batch_csv, template_code, int(batch_id))
        return rx.download(data=text, filename=view.batch_filename(template_code, int(batch_id)),
                           mime_type="text/csv")


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


# ---------------------------------------------------------------- coupon templates tab


def _tpl_field(label_key: str, key: str, control: rx.Component, help_key: str = "",
               required: bool = False) -> rx.Component:
    """Label above, control, help or the field's error under it."""
    return rx.vstack(
        rx.hstack(rx.text(t(label_key), size="2", weight="medium"),
                  rx.text("*", color="var(--red-9)") if required else rx.fragment(), spacing="1"),
        control,
        rx.cond(CouponTemplatesState.field_errors.contains(key),
                rx.text(CouponTemplatesState.field_errors[key], size="1", color="var(--red-11)",
                        id=f"tpl-error-{key}"),
                rx.text(t(help_key), size="1", color="var(--gray-10)") if help_key else rx.fragment()),
        spacing="1", width="100%",
    )


def _tpl_input(key: str, **props: object) -> rx.Component:
    """A text input bound to one field of the template form."""
    return rx.input(value=CouponTemplatesState.form[key],
                    on_change=lambda v: CouponTemplatesState.set_field(key, v), id=f"tpl-{key}",
                    width="100%", **props)


def _create_dialog() -> rx.Component:
    """New coupon template."""
    promotion = rx.select.root(
        rx.select.trigger(placeholder=t("coupon.pick_promotion"), width="100%", id="tpl-promotion_code"),
        rx.select.content(rx.foreach(CouponTemplatesState.promotions, lambda p: rx.select.item(
            p["name"] + " (" + p["code"] + ")", value=p["code"]))),
        value=CouponTemplatesState.form["promotion_code"],
        on_change=lambda v: CouponTemplatesState.set_field("promotion_code", v),
    )
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("coupon.new")),
            rx.dialog.description(t("coupon.new_help"), size="2", color="var(--gray-11)"),
            rx.grid(
                _tpl_field("coupon.field_code", "code", _tpl_input("code", placeholder="D11-50"),
                           "coupon.help_code", True),
                _tpl_field("coupon.field_name", "name", _tpl_input("name"), "", True),
                rx.box(_tpl_field("coupon.field_promotion", "promotion_code", promotion, "coupon.help_promotion",
                                  True), grid_column="span 2"),
                _tpl_field("coupon.field_claim_starts", "claim_starts_at",
                           _tpl_input("claim_starts_at", type="datetime-local"), "promo.help_tz"),
                _tpl_field("coupon.field_claim_ends", "claim_ends_at",
                           _tpl_input("claim_ends_at", type="datetime-local"), "promo.help_tz"),
                _tpl_field("coupon.field_stock", "stock", _tpl_input("stock", type="number", min="0"),
                           "coupon.help_stock"),
                _tpl_field("coupon.field_limit", "per_customer_limit",
                           _tpl_input("per_customer_limit", type="number", min="1"), "coupon.help_limit"),
                _tpl_field("coupon.field_valid_days", "valid_days",
                           _tpl_input("valid_days", type="number", min="1"), "coupon.help_valid_days"),
                columns="2", spacing="4", width="100%", margin_top="16px",
            ),
            rx.hstack(
                rx.dialog.close(rx.button(t("promo.cancel"), variant="soft", color_scheme="gray")),
                rx.button(t("promo.save"), on_click=CouponTemplatesState.create, loading=CouponTemplatesState.saving,
                          id="tpl-save"),
                justify="end", spacing="3", margin_top="20px",
            ),
            max_width="640px",
        ),
        open=CouponTemplatesState.create_open, on_open_change=CouponTemplatesState.set_create_open,
    )


def _batch_dialog() -> rx.Component:
    """How many codes to generate."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("coupon.generate_title")),
            rx.dialog.description(rx.text(t("coupon.generate_body"), " ",
                                          rx.code(CouponTemplatesState.batch_template)), size="2"),
            rx.vstack(
                rx.text(t("coupon.field_count"), size="2", weight="medium"),
                rx.input(value=CouponTemplatesState.batch_count, on_change=CouponTemplatesState.set_batch_count,
                         type="number", min="1", max="100000", id="batch-count", width="200px"),
                rx.cond(CouponTemplatesState.batch_error != "",
                        rx.text(CouponTemplatesState.batch_error, size="1", color="var(--red-11)",
                                id="batch-error"),
                        rx.text(t("coupon.help_count"), size="1", color="var(--gray-10)")),
                spacing="1", margin_top="12px",
            ),
            rx.hstack(
                rx.dialog.close(rx.button(t("promo.cancel"), variant="soft", color_scheme="gray")),
                rx.button(t("coupon.generate"), on_click=CouponTemplatesState.generate,
                          loading=CouponTemplatesState.generating, id="batch-generate"),
                justify="end", spacing="3", margin_top="20px",
            ),
            max_width="440px",
        ),
        open=CouponTemplatesState.batch_open, on_open_change=CouponTemplatesState.set_batch_open,
    )


def _template_row(r: rx.Var) -> rx.Component:
    """One coupon template."""
    window = rx.cond((r["claim_starts"] == "") & (r["claim_ends"] == ""),
                     rx.text(t("promo.always"), size="1", color="var(--gray-10)"),
                     rx.text(rx.cond(r["claim_starts"] != "", r["claim_starts"], t("promo.now")), " ~ ",
                             rx.cond(r["claim_ends"] != "", r["claim_ends"], t("promo.no_end")), size="1"))
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(r["name"], weight="medium"), rx.code(r["code"], size="1", variant="ghost"),
                                spacing="1")),
        rx.table.cell(rx.vstack(
            rx.link(r["promotion_name"], href=EDIT_ROUTE + "?code=" + r["promotion_code"], size="2"),
            rx.code(r["promotion_code"], size="1", variant="ghost", color_scheme="gray"), spacing="1")),
        rx.table.cell(window),
        rx.table.cell(rx.text(r["claimed"], " / ", rx.cond(r["stock"] != "", r["stock"], t("promo.unlimited")),
                              size="2")),
        rx.table.cell(rx.text(rx.cond(r["per_customer_limit"] != "", r["per_customer_limit"], t("promo.unlimited")),
                              size="2")),
        rx.table.cell(rx.text(rx.cond(r["valid_days"] != "", r["valid_days"], t("promo.unlimited")), size="2")),
        rx.table.cell(rx.button(rx.icon("qr_code", size=14), t("coupon.generate"), size="1", variant="soft",
                                on_click=CouponTemplatesState.open_batch(r["code"]), id="batch-" + r["code"])),
        id="tpl-row-" + r["code"], align="center",
    )


def _batch_row(b: rx.Var) -> rx.Component:
    """One generated batch with its CSV export."""
    return rx.table.row(
        rx.table.cell(rx.code(b["template_code"], size="1")),
        rx.table.cell(rx.text("#", b["id"], size="2")),
        rx.table.cell(rx.text(b["size"], size="2")),
        rx.table.cell(rx.text(b["when"], size="1")),
        rx.table.cell(rx.text(b["by"], size="1")),
        rx.table.cell(rx.button(rx.icon("download", size=14), t("coupon.export"), size="1", variant="soft",
                                on_click=CouponTemplatesState.export(b["template_code"], b["id"]),
                                id="export-" + b["id"])),
        align="center",
    )


def _coupons_tab() -> rx.Component:
    """Templates with their actions, then the batches generated so far."""
    templates = rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k)) for k in (
            "coupon.col_name", "coupon.col_promotion", "coupon.col_window", "coupon.col_claimed",
            "coupon.col_limit", "coupon.col_valid_days", "promo.col_actions")])),
        rx.table.body(rx.foreach(CouponTemplatesState.rows, _template_row)),
        width="100%", variant="surface", id="templates-table")
    batches = rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k)) for k in (
            "coupon.col_template", "coupon.col_batch", "coupon.col_size", "coupon.col_created", "coupon.col_by",
            "promo.col_actions")])),
        rx.table.body(rx.foreach(CouponTemplatesState.batches, _batch_row)),
        width="100%", variant="surface", id="batches-table")
    return rx.vstack(
        rx.hstack(rx.text(t("coupon.intro"), size="2", color="var(--gray-11)"), rx.spacer(),
                  rx.button(rx.icon("plus", size=16), t("coupon.new"), on_click=CouponTemplatesState.open_create,
                            id="new-template"), width="100%", align="center"),
        rx.cond(CouponTemplatesState.rows.length() > 0, templates, rx.center(rx.vstack(
            rx.icon("ticket", size=28, color="var(--accent-9)"), rx.text(t("coupon.empty_title"), weight="medium"),
            rx.text(t("coupon.empty_body"), size="2", color="var(--gray-11)"), align="center"),
            padding="40px", width="100%", id="templates-empty")),
        rx.heading(t("coupon.batches"), size="3", margin_top="8px"),
        rx.cond(CouponTemplatesState.batches.length() > 0, batches,
                rx.text(t("coupon.no_batches"), size="2", color="var(--gray-10)", id="batches-empty")),
        _create_dialog(), _batch_dialog(),
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
            rx.tabs.content(_coupons_tab(), value="coupons", padding_top="16px"),
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
