"""优惠券模板 / Coupon templates tab of the Promotions page: list, create, edit (what the service lets
change; the code and the promotion are shown locked, with why), generate code batches, export CSV."""

from __future__ import annotations

import asyncio

import reflex as rx

from app import coupon_templates_view as tpl_view
from app import promotions_view as view
from app.state import AuthState, t
from services import commerce

EDIT_ROUTE = view.EDIT_ROUTE


class CouponTemplatesState(rx.State):
    """The coupon templates tab: list, create, edit, generate code batches, export them as CSV."""

    rows: list[dict[str, str]] = []
    batches: list[dict[str, str]] = []
    promotions: list[dict[str, str]] = []
    kinds: dict[str, str] = {}
    loaded: bool = False
    create_open: bool = False
    form: dict[str, str] = dict(tpl_view.TEMPLATE_DEFAULTS)
    field_errors: dict[str, str] = {}
    editing: str = ""  # the code of the template being edited; "" while creating one
    original: dict[str, str] = {}
    locked: dict[str, dict[str, str]] = {}
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
        self.rows = [tpl_view.template_row(r, names) for r in templates]
        self.batches = [tpl_view.batch_row(b) for b in batches]
        usable = [p for p in promotions if p.status != "ended"]
        self.promotions = [{"code": p.code, "name": p.name} for p in usable]
        self.kinds = {p.code: str(p.definition.get("type", "")) for p in usable}
        self.loaded = True

    @rx.event
    def open_create(self):
        """A blank template form."""
        self.form, self.field_errors, self.create_open = dict(tpl_view.TEMPLATE_DEFAULTS), {}, True
        self.editing, self.original, self.locked = "", {}, {}

    @rx.event
    async def open_edit(self, code: str):
        """The form of a saved template (read afresh), with what cannot change and why."""
        auth = await self.get_state(AuthState)
        if auth.user_for("promotions") is None:
            return
        try:
            rec = await asyncio.to_thread(commerce.get_coupon_template, code)
        except commerce.NotFound:
            yield rx.toast.error(view.say("coupon.not_found", auth.locale))
            yield CouponTemplatesState.load
            return
        names = {r["promotion_code"]: r["promotion_name"] for r in self.rows}
        self.form = tpl_view.template_form(rec)
        self.original, self.field_errors = dict(self.form), {}
        self.locked = tpl_view.locked_texts(tpl_view.template_row(rec, names))
        self.editing, self.create_open = code, True

    @rx.event
    def set_create_open(self, value: bool):
        """Close the form."""
        self.create_open = value

    @rx.event
    def set_field(self, key: str, value: str):
        """One field of the template form."""
        self.form = {**self.form, key: value}
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != key}

    def _refused(self, err: Exception, locale: str) -> None:
        """A save the service refused: its reasons next to the fields (the form stays open)."""
        self.saving = False
        if isinstance(err, commerce.InvalidInput):
            self.field_errors = tpl_view.template_errors(err.problems, locale)
        elif isinstance(err, commerce.Conflict):
            self.field_errors = tpl_view.conflict_errors(err, locale)
        else:
            self.field_errors = {"form": view.say("coupon.not_found", locale)}

    @rx.event
    def submit(self):
        """Save the form: a new template, or the changes to the one being edited."""
        return CouponTemplatesState.update if self.editing else CouponTemplatesState.create

    @rx.event
    async def update(self):
        """Save the changed fields of the template being edited; field errors next to the fields."""
        auth = await self.get_state(AuthState)
        user = auth.user_for("promotions")
        if not view.may_write(user):
            yield rx.toast.error(view.say("promo.no_permission", auth.locale))
            return
        change, errors = tpl_view.template_change(self.form, self.original)
        if errors:
            self.field_errors = view.local_errors(errors, auth.locale)
            return
        if change:
            self.saving = True
            yield
            try:
                await asyncio.to_thread(commerce.update_coupon_template, self.editing, change, actor=user.username)
            except (commerce.InvalidInput, commerce.Conflict, commerce.NotFound) as err:
                self._refused(err, auth.locale)
                return
        self.saving, self.create_open = False, False
        yield rx.toast.success(view.say("coupon.updated", auth.locale).format(name=self.form["name"].strip()))
        yield CouponTemplatesState.load

    @rx.event
    async def create(self):
        """Save the new template; field errors next to the fields."""
        auth = await self.get_state(AuthState)
        user = auth.user_for("promotions")
        if not view.may_write(user):
            yield rx.toast.error(view.say("promo.no_permission", auth.locale))
            return
        payload, errors = tpl_view.template_payload(self.form, self.kinds)
        if errors:
            self.field_errors = view.local_errors(errors, auth.locale)
            return
        self.saving = True
        yield
        try:
            await asyncio.to_thread(commerce.create_coupon_template, payload, actor=user.username)
        except (commerce.InvalidInput, commerce.Conflict, commerce.NotFound) as err:
            self._refused(err, auth.locale)
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
        self.batches = [tpl_view.batch_row(batch), *self.batches]
        yield rx.toast.success(view.say("coupon.generated", auth.locale).format(n=str(batch.size)))

    @rx.event
    async def export(self, template_code: str, batch_id: str):
        """Download a batch's codes as CSV."""
        auth = await self.get_state(AuthState)
        if auth.user_for("promotions") is None:
            return None
        text = await asyncio.to_thread(commerce.export_batch_csv, template_code, int(batch_id))
        return rx.download(data=text, filename=tpl_view.batch_filename(template_code, int(batch_id)),
                           mime_type="text/csv")


# ---------------------------------------------------------------- view

CT = CouponTemplatesState


def _tpl_field(label_key: str, key: str, control: rx.Component, help_key: str = "",
               required: bool = False, edit_help: rx.Var | None = None) -> rx.Component:
    """Label above, control, help (its own text while editing, if given) or the field's error under it."""
    help_text = rx.text(t(help_key), size="1", color="var(--gray-10)") if help_key else rx.fragment()
    if edit_help is not None:
        help_text = rx.cond(CT.editing != "", rx.text(edit_help, size="1", color="var(--gray-10)"), help_text)
    return rx.vstack(
        rx.hstack(rx.text(t(label_key), size="2", weight="medium"),
                  rx.text("*", color="var(--red-9)") if required else rx.fragment(), spacing="1"),
        control,
        rx.cond(CT.field_errors.contains(key),
                rx.text(CT.field_errors[key], size="1", color="var(--red-11)", id=f"tpl-error-{key}"),
                help_text),
        spacing="1", width="100%",
    )


def _tpl_input(key: str, **props: object) -> rx.Component:
    """A text input bound to one field of the template form."""
    return rx.input(value=CT.form[key], on_change=lambda v: CT.set_field(key, v), id=f"tpl-{key}",
                    width="100%", **props)


def _identity_fields() -> rx.Component:
    """Code and promotion: inputs for a new template; locked, with why, for a saved one."""
    promotion = rx.select.root(
        rx.select.trigger(placeholder=t("coupon.pick_promotion"), width="100%", id="tpl-promotion_code"),
        rx.select.content(rx.foreach(CT.promotions, lambda p: rx.select.item(
            p["name"] + " (" + p["code"] + ")", value=p["code"]))),
        value=CT.form["promotion_code"],
        on_change=lambda v: CT.set_field("promotion_code", v),
    )
    texts = CT.locked[AuthState.locale]
    locked = rx.callout.root(
        rx.callout.icon(rx.icon("lock", size=16)),
        rx.vstack(rx.text(t("coupon.locked_title"), size="2", weight="bold"),
                  rx.text(texts["code"], size="2", id="tpl-locked-code"),
                  rx.text(texts["promotion"], size="2", id="tpl-locked-promotion"), spacing="1"),
        color_scheme="gray", size="1", id="tpl-locked",
    )
    create = rx.grid(
        _tpl_field("coupon.field_code", "code", _tpl_input("code", placeholder="D11-50"), "coupon.help_code", True),
        _tpl_field("coupon.field_promotion", "promotion_code", promotion, "coupon.help_promotion", True),
        columns="2", spacing="4", width="100%",
    )
    return rx.cond(CT.editing != "", locked, create)


def _create_dialog() -> rx.Component:
    """New coupon template, or edit a saved one."""
    texts = CT.locked[AuthState.locale]
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(CT.editing != "", t("coupon.edit_title"), t("coupon.new"))),
            rx.dialog.description(rx.cond(CT.editing != "", t("coupon.edit_help"), t("coupon.new_help")),
                                  size="2", color="var(--gray-11)"),
            rx.vstack(
                _tpl_field("coupon.field_name", "name", _tpl_input("name"), "", True),
                _identity_fields(),
                rx.grid(
                    _tpl_field("coupon.field_claim_starts", "claim_starts_at",
                               _tpl_input("claim_starts_at", type="datetime-local"), "promo.help_tz"),
                    _tpl_field("coupon.field_claim_ends", "claim_ends_at",
                               _tpl_input("claim_ends_at", type="datetime-local"), "promo.help_tz"),
                    _tpl_field("coupon.field_stock", "stock", _tpl_input("stock", type="number", min="0"),
                               "coupon.help_stock", edit_help=texts["stock"]),
                    _tpl_field("coupon.field_limit", "per_customer_limit",
                               _tpl_input("per_customer_limit", type="number", min="1"), "coupon.help_limit",
                               edit_help=t("coupon.help_limit_edit")),
                    _tpl_field("coupon.field_valid_days", "valid_days",
                               _tpl_input("valid_days", type="number", min="1"), "coupon.help_valid_days",
                               edit_help=t("coupon.help_valid_days_edit")),
                    columns="2", spacing="4", width="100%",
                ),
                spacing="4", width="100%", margin_top="16px",
            ),
            rx.cond(CT.field_errors.contains("form"),
                    rx.callout(CT.field_errors["form"], icon="circle_alert", color_scheme="red", size="1",
                               margin_top="12px", id="tpl-error-form"), rx.fragment()),
            rx.hstack(
                rx.dialog.close(rx.button(t("promo.cancel"), variant="soft", color_scheme="gray")),
                rx.button(t("promo.save"), on_click=CT.submit, loading=CT.saving, id="tpl-save"),
                justify="end", spacing="3", margin_top="20px",
            ),
            max_width="640px",
        ),
        open=CT.create_open, on_open_change=CT.set_create_open,
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
        rx.table.cell(rx.hstack(
            rx.button(rx.icon("pencil", size=14), t("coupon.edit"), size="1", variant="ghost",
                      on_click=CouponTemplatesState.open_edit(r["code"]), id="tpl-edit-" + r["code"]),
            rx.button(rx.icon("qr_code", size=14), t("coupon.generate"), size="1", variant="soft",
                      on_click=CouponTemplatesState.open_batch(r["code"]), id="batch-" + r["code"]),
            spacing="3", align="center")),
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


