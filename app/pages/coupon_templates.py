"""优惠券模板 / Coupon templates tab of the Promotions page: list, create, generate code batches, export CSV."""

from __future__ import annotations

import asyncio

import reflex as rx

from app import promotions_view as view
from app.state import AuthState, t
from services import commerce

EDIT_ROUTE = view.EDIT_ROUTE


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
        if not view.may_write(user):
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
        if not view.may_write(user):
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


# ---------------------------------------------------------------- view


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


def coupons_tab() -> rx.Component:
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


