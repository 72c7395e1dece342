"""试算 / Checkout simulator: pick a demo customer, build a cart, present coupon codes, see the quote.

The quote comes from ``services.commerce.quote_cart`` — the same server-side pricing checkout uses
(live promotions only, budgets, per-customer limits, coupons, gift stock, margin guard) — and is shown
with every line, the promotions applied, gifts, why others did not apply, 凑单 nudges and the
combinations the winning one beat.
"""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app import checkout_view as cart_view
from app import promotions_view as view
from app.layout import shell
from app.pages.promotions import type_label
from app.state import AuthState, t
from services import catalog, commerce, customers
from services import rules as rule_service

RESULTS = 8


def _templates_by_id() -> dict[int, str]:
    """Coupon template id -> name."""
    return {tpl.id: tpl.name for tpl in commerce.list_coupon_templates()}


def _held_coupons(customer_id: int) -> list[dict[str, str]]:
    """The customer's claimed, unused coupons."""
    names = _templates_by_id()
    return [cart_view.coupon_chip(c, names) for c in commerce.customer_coupons(customer_id) if c.status == "claimed"]


class SimulatorState(rx.State):
    """The simulated checkout."""

    channels: list[dict[str, str]] = []
    channel: str = "online"
    customer_query: str = ""
    customer_results: list[dict[str, str]] = []
    customer: dict[str, str] = {}
    held: list[dict[str, str]] = []
    product_query: str = ""
    product_results: list[dict[str, str]] = []
    qty: str = "1"
    lines: list[dict[str, str]] = []
    code_input: str = ""
    codes: list[str] = []
    quoting: bool = False
    quoted: bool = False
    error: str = ""
    totals: dict[str, str] = {}
    q_lines: list[dict[str, str]] = []
    applied: list[dict[str, str]] = []
    gifts: list[dict[str, str]] = []
    not_applied: list[dict[str, str]] = []
    nudges: list[dict[str, str]] = []
    alternatives: list[dict[str, str]] = []

    @rx.var
    def cart_rows(self) -> list[dict[str, str]]:
        """The cart with amounts at list price."""
        return cart_view.cart_lines_view(self.lines)

    @rx.var
    def cart_total(self) -> str:
        """The cart at list price."""
        return cart_view.cart_total(self.lines)

    @rx.event
    async def load(self):
        """Channels, the first customers and products."""
        auth = await self.get_state(AuthState)
        if auth.user_for("promotions") is None:
            return
        found = await asyncio.to_thread(catalog.channels)
        self.channels = [{"code": c.code, "zh-CN": c.name_zh, "en": c.name_en} for c in found]
        await self._find_customers()
        await self._find_products()

    async def _find_customers(self) -> None:
        """Customers whose code starts with the query (or phone / e-mail / name matches exactly)."""
        tiers = cart_view.tier_labels(rule_service.catalogue().fields["customer.tier"].options)
        page = await asyncio.to_thread(customers.search_customers, self.customer_query, 1, RESULTS)
        self.customer_results = [cart_view.customer_option(c, tiers) for c in page.items]

    async def _find_products(self) -> None:
        """Products matching the query."""
        found = await asyncio.to_thread(catalog.search_products, self.product_query, limit=RESULTS)
        self.product_results = [view.product_option(p) for p in found]

    @rx.event
    async def set_customer_query(self, value: str):
        """Search customers by code."""
        auth = await self.get_state(AuthState)
        if auth.user_for("promotions") is None:
            return
        self.customer_query = value
        await self._find_customers()

    @rx.event
    async def pick_customer(self, customer: dict[str, str]):
        """Buy as this customer; their coupons become one click away."""
        auth = await self.get_state(AuthState)
        if auth.user_for("promotions") is None:
            return
        self.customer = customer
        self.held = await asyncio.to_thread(_held_coupons, int(customer["id"]))
        self.quoted = False

    @rx.event
    def clear_customer(self):
        """An anonymous cart."""
        self.customer, self.held, self.quoted = {}, [], False

    @rx.event
    def set_channel(self, value: str):
        """Where the cart is checked out (store pick-up ships free)."""
        self.channel, self.quoted = value, False

    @rx.event
    async def set_product_query(self, value: str):
        """Search the catalogue."""
        auth = await self.get_state(AuthState)
        if auth.user_for("promotions") is None:
            return
        self.product_query = value
        await self._find_products()

    @rx.event
    def set_qty(self, value: str):
        """How many to add."""
        self.qty = value

    @rx.event
    def add_product(self, product: dict[str, str]):
        """Add the product to the cart (quantity from the qty box)."""
        qty = int(self.qty) if self.qty.strip().isdigit() and int(self.qty) > 0 else 1
        self.lines, self.quoted = cart_view.add_line(self.lines, product, qty), False

    @rx.event
    def change_qty(self, sku: str, value: str):
        """Change a line's quantity (0 removes it)."""
        if value.strip().isdigit():
            self.lines, self.quoted = cart_view.set_qty(self.lines, sku, int(value)), False

    @rx.event
    def remove_line(self, sku: str):
        """Take a line out of the cart."""
        self.lines, self.quoted = cart_view.set_qty(self.lines, sku, 0), False

    @rx.event
    def set_code_input(self, value: str):
        """The coupon code being typed."""
        self.code_input = value

    @rx.event
    def add_code(self, code: str = ""):
        """Present a coupon code."""
        self.codes = cart_view.add_code(self.codes, code or self.code_input)
        self.code_input, self.quoted = "", False

    @rx.event
    def code_key(self, key: str):
        """Enter in the code box adds it."""
        if key == "Enter":
            return SimulatorState.add_code("")
        return None

    @rx.event
    def remove_code(self, code: str):
        """Stop presenting a code."""
        self.codes, self.quoted = [c for c in self.codes if c != code], False

    @rx.event
    async def run_quote(self):
        """试算: price the cart on the server exactly as checkout would."""
        auth = await self.get_state(AuthState)
        if auth.user_for("promotions") is None:
            return
        if not self.lines:
            self.error = view.say("sim.empty_cart", auth.locale)
            return
        self.quoting, self.error = True, ""
        yield
        cart = {"lines": [{"sku": ln["sku"], "qty": int(ln["qty"])} for ln in self.lines], "channel": self.channel}
        customer_id = int(self.customer["id"]) if self.customer else None
        try:
            rows = await asyncio.to_thread(_price_cart, cart, customer_id, list(self.codes),
                                           {ln["sku"]: ln["name"] for ln in self.lines})
        except commerce.InvalidInput as err:
            self.quoting, self.quoted = False, False
            self.error = "; ".join(view.message_for(p.message, auth.locale) for p in err.problems)
            return
        self.quoting, self.quoted = False, True
        self.totals, self.q_lines, self.applied, self.gifts = rows.totals, rows.lines, rows.applied, rows.gifts
        self.not_applied, self.nudges, self.alternatives = rows.not_applied, rows.nudges, rows.alternatives


def _price_cart(cart: dict[str, Any], customer_id: int | None, codes: list[str],
                names: dict[str, str]) -> cart_view.QuoteRows:
    """Quote and shape the result (promotion names for the alternatives, product names for gifts)."""
    result = commerce.quote_cart(cart, customer_id, codes)
    gift_skus = [g.sku for g in result.quote.gifts]
    if gift_skus:
        names = {**names, **{sku: p.name for sku, p in catalog.products_by_sku(gift_skus).items()}}
    promotions = {p.code: p.name for p in commerce.list_promotions()}
    return cart_view.quote_rows(result, names, promotions)


# ---------------------------------------------------------------- view

S = SimulatorState


def _card(icon: str, title_key: str, *children: rx.Component, element_id: str = "") -> rx.Component:
    """A titled card."""
    return rx.card(rx.vstack(
        rx.hstack(rx.icon(icon, size=18, color="var(--accent-9)"), rx.heading(t(title_key), size="3"),
                  align="center", spacing="2"),
        *children, spacing="3", width="100%"), width="100%", id=element_id)


def _customer_hit(c: rx.Var) -> rx.Component:
    """A customer search hit."""
    return rx.hstack(
        rx.code(c["code"], size="1"), rx.text(c["name"], size="2"),
        rx.badge(rx.cond(AuthState.locale == "en", c["tier_en"], c["tier_zh"]), variant="soft", size="1"),
        rx.text(c["orders"], " ", t("sim.orders"), size="1", color="var(--gray-10)"),
        rx.spacer(),
        rx.button(t("sim.pick"), size="1", variant="soft", on_click=S.pick_customer(c), id="pick-" + c["code"]),
        width="100%", align="center", padding_y="3px", class_name="customer-hit",
    )


def _customer_card() -> rx.Component:
    """Who buys, on which channel."""
    chosen = rx.cond(
        S.customer.contains("id"),
        rx.hstack(rx.icon("user_check", size=16, color="var(--green-9)"), rx.code(S.customer["code"]),
                  rx.text(S.customer["name"], size="2"),
                  rx.badge(rx.cond(AuthState.locale == "en", S.customer["tier_en"], S.customer["tier_zh"]),
                           size="1"),
                  rx.text(S.customer["tags"], size="1", color="var(--gray-10)"),
                  rx.spacer(), rx.button(t("sim.anonymous"), size="1", variant="ghost", on_click=S.clear_customer),
                  width="100%", align="center", id="chosen-customer"),
        rx.text(t("sim.no_customer"), size="2", color="var(--gray-10)", id="chosen-customer-none"),
    )
    channel = rx.select.root(
        rx.select.trigger(id="sim-channel", width="200px"),
        rx.select.content(rx.foreach(S.channels, lambda c: rx.select.item(c[AuthState.locale], value=c["code"]))),
        value=S.channel, on_change=S.set_channel,
    )
    return _card(
        "user", "sim.customer",
        chosen,
        rx.hstack(
            rx.input(rx.input.slot(rx.icon("search", size=14)), placeholder=t("sim.customer_search"),
                     value=S.customer_query, on_change=S.set_customer_query.debounce(250), width="100%",
                     id="customer-search"),
            rx.hstack(rx.text(t("sim.channel"), size="2", white_space="nowrap"), channel, align="center"),
            width="100%", spacing="3",
        ),
        rx.vstack(rx.foreach(S.customer_results, _customer_hit), spacing="0", width="100%", id="customer-results"),
        element_id="sim-customer",
    )


def _product_hit(p: rx.Var) -> rx.Component:
    """A product search hit with 加入购物车."""
    return rx.hstack(
        rx.vstack(rx.text(p["name"], size="2"), rx.text(p["sku"], size="1", color="var(--gray-10)"), spacing="0"),
        rx.spacer(),
        rx.text(p["price"], size="2", weight="medium"),
        rx.icon_button(rx.icon("plus", size=14), size="1", variant="soft", on_click=S.add_product(p),
                       id="add-" + p["sku"], title=t("sim.add")),
        width="100%", align="center", padding_y="3px", border_bottom="1px solid var(--gray-3)",
    )


def _cart_line(ln: rx.Var) -> rx.Component:
    """A cart line: name, price, quantity (editable), amount, remove."""
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(ln["name"], size="2"), rx.text(ln["sku"], size="1", color="var(--gray-10)"),
                                spacing="0")),
        rx.table.cell(rx.text(ln["price"], size="2")),
        rx.table.cell(rx.input(value=ln["qty"], type="number", min="0", width="72px", size="1",
                               on_change=lambda v: S.change_qty(ln["sku"], v), id="qty-" + ln["sku"])),
        rx.table.cell(rx.text(ln["amount"], size="2")),
        rx.table.cell(rx.icon_button(rx.icon("trash_2", size=14), size="1", variant="ghost", color_scheme="gray",
                                     on_click=S.remove_line(ln["sku"]), id="remove-" + ln["sku"])),
        align="center",
    )


def _cart_card() -> rx.Component:
    """Search the catalogue, add with a quantity, the cart so far."""
    cart = rx.cond(
        S.lines.length() > 0,
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k)) for k in (
                "sim.col_product", "sim.col_price", "sim.col_qty", "sim.col_amount")],
                rx.table.column_header_cell(""))),
            rx.table.body(rx.foreach(S.cart_rows, _cart_line)), width="100%", size="1", id="cart-table"),
        rx.center(rx.text(t("sim.cart_empty"), size="2", color="var(--gray-10)"), padding="20px", width="100%",
                  id="cart-empty"),
    )
    return _card(
        "shopping_cart", "sim.cart",
        rx.hstack(
            rx.input(rx.input.slot(rx.icon("search", size=14)), placeholder=t("sim.product_search"),
                     value=S.product_query, on_change=S.set_product_query.debounce(250), width="100%",
                     id="product-search"),
            rx.hstack(rx.text(t("sim.qty"), size="2", white_space="nowrap"),
                      rx.input(value=S.qty, on_change=S.set_qty, type="number", min="1", width="72px",
                               id="add-qty"), align="center"),
            width="100%", spacing="3",
        ),
        rx.scroll_area(rx.vstack(rx.foreach(S.product_results, _product_hit), spacing="0", width="100%"),
                       type="auto", scrollbars="vertical", style={"max_height": "220px"}, id="product-results"),
        cart,
        rx.hstack(rx.spacer(), rx.text(t("sim.list_total"), size="2", color="var(--gray-11)"),
                  rx.text(S.cart_total, size="3", weight="bold", id="cart-total"), align="center", width="100%"),
        element_id="sim-cart",
    )


def _codes_card() -> rx.Component:
    """Coupon codes presented, and the customer's own coupons one click away."""
    return _card(
        "ticket", "sim.coupons",
        rx.hstack(
            rx.input(value=S.code_input, on_change=S.set_code_input, on_key_down=S.code_key,
                     placeholder=t("sim.code_placeholder"), width="100%", id="code-input"),
            rx.button(t("sim.add_code"), variant="soft", on_click=S.add_code(""), id="code-add"),
            width="100%",
        ),
        rx.hstack(rx.foreach(S.codes, lambda c: rx.badge(
            rx.icon("ticket", size=12), c, rx.icon("x", size=12, cursor="pointer", on_click=S.remove_code(c)),
            size="2", variant="soft", color_scheme="orange", class_name="code-chip")),
            wrap="wrap", spacing="2", id="codes"),
        rx.cond(S.held.length() > 0, rx.vstack(
            rx.text(t("sim.held"), size="1", color="var(--gray-10)"),
            rx.hstack(rx.foreach(S.held, lambda h: rx.button(
                rx.icon("plus", size=12), h["template"], rx.code(h["code"], size="1", variant="ghost"),
                size="1", variant="outline", on_click=S.add_code(h["code"]))), wrap="wrap", spacing="2"),
            spacing="1", width="100%"), rx.fragment()),
        element_id="sim-codes",
    )


# ---------------------------------------------------------------- the quote


def _money_row(label_key: str, key: str, strong: bool = False, color: str = "") -> rx.Component:
    """One line of the totals."""
    return rx.hstack(rx.text(t(label_key), size="3" if strong else "2"), rx.spacer(),
                     rx.text(S.totals[key], size="5" if strong else "2", weight="bold" if strong else "regular",
                             color=color or None, id=f"quote-{key}"), width="100%", align="center")


def _totals() -> rx.Component:
    """Subtotal, discount, shipping, total; what the customer saves."""
    return rx.vstack(
        _money_row("sim.subtotal", "subtotal"),
        rx.hstack(rx.text(t("sim.discount"), size="2"), rx.spacer(),
                  rx.cond(S.totals["has_discount"] == "1",
                          rx.text("-", S.totals["discount"], size="2", color="var(--red-11)", id="quote-discount"),
                          rx.text(S.totals["discount"], size="2", color="var(--gray-11)", id="quote-discount")),
                  width="100%"),
        rx.hstack(rx.text(t("sim.shipping"), size="2"), rx.spacer(),
                  rx.cond(S.totals["shipping"] != S.totals["shipping_fee"],
                          rx.text(S.totals["shipping_fee"], size="1", color="var(--gray-9)",
                                  text_decoration="line-through"), rx.fragment()),
                  rx.text(S.totals["shipping"], size="2", id="quote-shipping"), width="100%", align="center"),
        rx.divider(),
        _money_row("sim.total", "total", strong=True),
        rx.hstack(rx.badge(t("sim.saving"), " ", S.totals["saving"], color_scheme="green", size="2",
                           id="quote-saving"),
                  rx.cond(S.totals["optimal"] == "0", rx.badge(t("sim.not_optimal"), color_scheme="amber"),
                          rx.fragment()), spacing="2"),
        spacing="2", width="100%",
    )


def _applied_row(a: rx.Var) -> rx.Component:
    """One applied promotion with what it gave."""
    return rx.hstack(
        rx.icon("circle_check", size=16, color="var(--green-9)"),
        rx.vstack(
            rx.hstack(rx.text(a["name"], weight="medium", size="2"),
                      rx.badge(type_label(a["type"]), variant="outline", size="1"),
                      rx.badge(rx.match(a["layer"], *[(k, t(f"sim.layer_{k}")) for k in ("item", "order", "coupon",
                                                                                       "shipping")], a["layer"]),
                               variant="soft", color_scheme="gray", size="1"), spacing="2", align="center"),
            rx.text(a[AuthState.locale], size="1", color="var(--gray-11)"),
            rx.cond(a["gifts"] != "", rx.text(t("sim.gift"), " ", a["gifts"], size="1"), rx.fragment()),
            spacing="1",
        ),
        rx.spacer(),
        rx.vstack(rx.text("-", a["discount"], weight="bold", color="var(--red-11)", size="2"),
                  rx.cond(a["shipping_off"] != "", rx.text(t("sim.shipping_off"), " ", a["shipping_off"], size="1"),
                          rx.fragment()), align="end", spacing="0"),
        width="100%", align="start", class_name="applied-row", id="applied-" + a["id"],
    )


def _reason_row(n: rx.Var) -> rx.Component:
    """A promotion (or a code) that did not apply, and why."""
    return rx.hstack(
        rx.icon("circle_minus", size=14, color="var(--gray-9)"),
        rx.text(n[AuthState.locale], size="2"),
        width="100%", align="center", class_name="not-applied-row", data_reason=n["reason"],
    )


def _alternative_row(a: rx.Var) -> rx.Component:
    """A combination the winner beat (or that the margin guard refused)."""
    return rx.table.row(
        rx.table.cell(rx.text(a["names"], size="2")),
        rx.table.cell(rx.text(a["saving"], size="2")),
        rx.table.cell(rx.cond(a["refused"] == "1", rx.badge(t("sim.refused_margin"), color_scheme="red", size="1"),
                              rx.text(a["gap"], size="2", color="var(--gray-11)"))),
        align="center",
    )


def _breakdown() -> rx.Component:
    """Per line: amount, discount, total."""
    return rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k), white_space="nowrap") for k in (
            "sim.col_product", "sim.col_qty", "sim.col_amount", "sim.col_discount", "sim.col_line_total")])),
        rx.table.body(rx.foreach(S.q_lines, lambda ln: rx.table.row(
            rx.table.cell(rx.vstack(rx.text(ln["name"], size="2"), rx.text(ln["sku"], size="1", color="var(--gray-10)"),
                                    spacing="0")),
            rx.table.cell(ln["qty"]), rx.table.cell(rx.text(ln["amount"], white_space="nowrap")),
            rx.table.cell(rx.text(rx.cond(ln["has_discount"] == "1", "-" + ln["discount"], ln["discount"]),
                                  color=rx.cond(ln["has_discount"] == "1", "var(--red-11)", "var(--gray-10)"),
                                  white_space="nowrap")),
            rx.table.cell(rx.text(ln["total"], weight="medium", white_space="nowrap")), align="center"))),
        width="100%", size="1", id="quote-lines",
    )


def _quote() -> rx.Component:
    """The quote: totals, applied, gifts, nudges, per-line, not applied, the alternatives beaten."""
    return rx.vstack(
        _card("receipt", "sim.result", _totals(), element_id="quote-totals"),
        _card("badge_percent", "sim.applied",
              rx.cond(S.applied.length() > 0, rx.vstack(rx.foreach(S.applied, _applied_row), spacing="3", width="100%"),
                      rx.text(t("sim.none_applied"), size="2", color="var(--gray-10)")),
              rx.cond(S.gifts.length() > 0, rx.vstack(
                  rx.text(t("sim.gifts"), size="2", weight="medium"),
                  rx.foreach(S.gifts, lambda g: rx.hstack(
                      rx.icon("gift", size=14, color="var(--orange-9)"), rx.text(g["name"], " × ", g["qty"], size="2"),
                      rx.spacer(), rx.text(g["value"], size="1", color="var(--gray-10)"),
                      rx.text(g["promotion"], size="1", color="var(--gray-10)"), width="100%", align="center")),
                  spacing="2", width="100%", id="quote-gifts"), rx.fragment()),
              element_id="quote-applied"),
        rx.cond(S.nudges.length() > 0, rx.callout.root(
            rx.callout.icon(rx.icon("lightbulb", size=16)),
            rx.vstack(rx.text(t("sim.nudges"), weight="medium", size="2"),
                      rx.foreach(S.nudges, lambda n: rx.text(n[AuthState.locale], size="2", class_name="nudge")),
                      spacing="1"),
            color_scheme="amber", width="100%", id="quote-nudges"), rx.fragment()),
        _card("list", "sim.breakdown", _breakdown(), element_id="quote-breakdown"),
        _card("git_compare", "sim.why",
              rx.vstack(rx.text(t("sim.winner"), size="1", color="var(--gray-10)"),
                        rx.hstack(rx.badge(t("sim.best"), color_scheme="green"),
                                  rx.text(rx.cond(S.totals["combination"] != "", S.totals["combination"],
                                                  t("sim.no_promotion")), size="2", weight="medium"),
                                  rx.spacer(), rx.text(S.totals["saving"], size="2", weight="bold"),
                                  width="100%", align="center", id="quote-winner"),
                        spacing="1", width="100%"),
              rx.cond(S.alternatives.length() > 0, rx.table.root(
                  rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k)) for k in (
                      "sim.col_combination", "sim.col_saving", "sim.col_gap")])),
                  rx.table.body(rx.foreach(S.alternatives, _alternative_row)), width="100%", size="1",
                  id="quote-alternatives"), rx.fragment()),
              rx.cond(S.not_applied.length() > 0, rx.vstack(
                  rx.text(t("sim.not_applied"), size="2", weight="medium"),
                  rx.foreach(S.not_applied, _reason_row), spacing="1", width="100%", id="quote-not-applied"),
                  rx.fragment()),
              element_id="quote-why"),
        spacing="4", width="100%", id="quote",
    )


def _result_column() -> rx.Component:
    """试算 button, then the quote (or what to do first)."""
    return rx.vstack(
        rx.button(rx.icon("calculator", size=18), t("sim.run"), size="3", width="100%", on_click=S.run_quote,
                  loading=S.quoting, id="sim-run"),
        rx.cond(S.error != "", rx.callout(S.error, icon="circle_alert", color_scheme="red", width="100%",
                                          id="sim-error"), rx.fragment()),
        rx.cond(S.quoted, _quote(), rx.card(rx.center(rx.vstack(
            rx.icon("calculator", size=28, color="var(--accent-9)"),
            rx.text(t("sim.hint_title"), weight="medium"),
            rx.text(t("sim.hint_body"), size="2", color="var(--gray-11)", text_align="center"),
            align="center", spacing="2"), padding="32px"), width="100%", id="sim-hint")),
        spacing="4", width="460px", min_width="460px",
    )


def _simulator() -> rx.Component:
    """Inputs on the left, the quote on the right."""
    return rx.vstack(
        rx.link(rx.hstack(rx.icon("arrow_left", size=16), rx.text(t("promo.back")), align="center", spacing="1"),
                href="/promotions"),
        rx.hstack(
            rx.vstack(_customer_card(), _cart_card(), _codes_card(), spacing="4", width="100%"),
            _result_column(),
            spacing="4", width="100%", align="start",
        ),
        spacing="3", width="100%",
    )


def simulator_page() -> rx.Component:
    """/promotions/simulate."""
    return shell("promotions", _simulator)
