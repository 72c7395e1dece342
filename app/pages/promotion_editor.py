"""促销编辑 / Promotion editor: one form per type, scope over the catalogue, condition, schedule, budget,
stacking and coupon code, then the version history; the service's field errors appear next to the
fields (state in ``app.pages.promotion_editor_state``, history panel in ``app.pages.promotion_versions``)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from app import promotions_view as view
from app.layout import shell
from app.pages.promotion_editor_state import PromotionEditorState
from app.pages.promotion_versions import versions_section
from app.pages.promotions import SIMULATE_ROUTE, status_badge
from app.rules_view import builder_translations, combinators, operator_labels
from app.state import AuthState, t
from components.rule_builder import STYLE as BUILDER_STYLE
from components.rule_builder import rule_builder

__all__ = ["PromotionEditorState", "promotion_editor_page"]


# ---------------------------------------------------------------- building blocks

S = PromotionEditorState


def _error(key: str) -> rx.Component:
    """The field's error, if any."""
    return rx.cond(S.field_errors.contains(key),
                   rx.text(S.field_errors[key], size="1", color="var(--red-11)", id=f"error-{key}"), rx.fragment())


def field(label_key: str, key: str, control: rx.Component, help_key: str = "", required: bool = False,
          error_key: str = "") -> rx.Component:
    """Label above (with the required mark), the control, then its error or its help text."""
    err = error_key or key
    help_text = rx.text(t(help_key), size="1", color="var(--gray-10)") if help_key else rx.fragment()
    return rx.vstack(
        rx.hstack(rx.text(t(label_key), size="2", weight="medium"),
                  rx.text("*", color="var(--red-9)") if required else rx.fragment(), spacing="1"),
        control,
        rx.cond(S.field_errors.contains(err), _error(err), help_text),
        spacing="1", width="100%",
    )


def text_input(key: str, **props: Any) -> rx.Component:
    """A text input bound to one form field."""
    return rx.input(value=S.form[key], on_change=lambda v: S.set_field(key, v), id=f"promo-{key}",
                    width="100%", disabled=S.frozen, **props)


def money_input(key: str, **props: Any) -> rx.Component:
    """A yuan amount."""
    return rx.input(rx.input.slot(rx.text("¥", size="2")), value=S.form[key], type="number", min="0", step="0.01",
                    on_change=lambda v: S.set_field(key, v), id=f"promo-{key}", width="100%",
                    disabled=S.frozen, **props)


def section(icon: str, title_key: str, help_key: str, *children: rx.Component, element_id: str = "") -> rx.Component:
    """A titled card of the long form."""
    return rx.card(
        rx.vstack(
            rx.hstack(rx.icon(icon, size=18, color="var(--accent-9)"),
                      rx.heading(t(title_key), size="3"), align="center", spacing="2"),
            rx.text(t(help_key), size="2", color="var(--gray-11)"),
            *children,
            spacing="3", width="100%",
        ),
        width="100%", id=element_id,
    )


# ---------------------------------------------------------------- sections


def _basic() -> rx.Component:
    """Name, code, type."""
    type_picker = rx.select.root(
        rx.select.trigger(width="100%", id="promo-type"),
        rx.select.content(*[rx.select.item(t(f"promo.type_{k}"), value=k, id=f"promo-type-{k}") for k in view.TYPES]),
        value=S.form["type"], on_change=S.set_type, disabled=S.frozen,
    )
    return section(
        "file_text", "promo.sec_basic", "promo.sec_basic_help",
        rx.grid(
            field("promo.field_name", "name", text_input("name", placeholder=t("promo.ph_name")), "promo.help_name",
                  True),
            field("promo.field_code", "code", rx.input(
                value=S.form["code"], on_change=lambda v: S.set_field("code", v), id="promo-code",
                disabled=~S.is_new, placeholder="MJ300-50", width="100%"), "promo.help_code", True),
            field("promo.field_type", "type", type_picker, "promo.help_type", True),
            columns="3", spacing="4", width="100%",
        ),
        element_id="sec-basic",
    )


def _tier_row(tier: rx.Var, index: rx.Var) -> rx.Component:
    """满 [threshold] 减 [off] [remove]."""
    return rx.hstack(
        rx.text(t("promo.tier_over"), size="2", width="28px"),
        rx.input(rx.input.slot(rx.text("¥", size="2")), value=tier["threshold"], type="number", min="0",
                 on_change=lambda v: S.set_tier(index, "threshold", v), width="150px",
                 id="tier-threshold-" + index.to_string(), disabled=S.frozen),
        rx.text(t("promo.tier_off"), size="2", width="28px"),
        rx.input(rx.input.slot(rx.text("¥", size="2")), value=tier["off"], type="number", min="0",
                 on_change=lambda v: S.set_tier(index, "off", v), width="150px",
                 id="tier-off-" + index.to_string(), disabled=S.frozen),
        rx.icon_button(rx.icon("trash_2", size=14), variant="ghost", color_scheme="gray", size="1",
                       on_click=S.remove_tier(index), disabled=S.tiers.length() <= 1,
                       title=t("promo.remove_tier"), id="tier-remove-" + index.to_string()),
        align="center", spacing="2",
    )


def _threshold_params() -> rx.Component:
    """满减 tiers (add / remove), 每满 and a cap."""
    return rx.vstack(
        rx.vstack(rx.text(t("promo.field_tiers"), size="2", weight="medium"),
                  rx.foreach(S.tiers, _tier_row), spacing="2"),
        rx.hstack(
            rx.button(rx.icon("plus", size=14), t("promo.add_tier"), size="1", variant="soft", on_click=S.add_tier,
                      disabled=S.frozen | (S.form["repeat"] == "1"), id="tier-add"),
            rx.hstack(rx.switch(checked=S.form["repeat"] == "1", on_change=lambda v: S.set_flag("repeat", v),
                                id="promo-repeat", disabled=S.frozen),
                      rx.text(t("promo.field_repeat"), size="2"), align="center", spacing="2"),
            spacing="5", align="center",
        ),
        rx.cond(S.field_errors.contains("tiers"), _error("tiers"),
                rx.text(t("promo.help_tiers"), size="1", color="var(--gray-10)")),
        rx.box(field("promo.field_max_off", "max_off", money_input("max_off"), "promo.help_max_off"), width="240px"),
        spacing="3", width="100%",
    )


def _grid(*children: rx.Component) -> rx.Component:
    """Parameters side by side."""
    return rx.grid(*children, columns="3", spacing="4", width="100%")


def _params() -> rx.Component:
    """The parameters of the chosen type."""
    percent = rx.input(rx.input.slot(rx.text("%", size="2"), side="right"), value=S.form["percent"], type="number",
                       min="0", max="100", step="0.01", on_change=lambda v: S.set_field("percent", v),
                       id="promo-percent", width="100%", disabled=S.frozen)
    percent_field = rx.vstack(
        field("promo.field_percent", "percent", percent, "promo.help_percent", True),
        rx.cond(S.percent_hints[AuthState.locale] != "",
                rx.badge(S.percent_hints[AuthState.locale], color_scheme="green", variant="soft", id="percent-hint"),
                rx.fragment()),
        spacing="1", width="100%")
    return section(
        "sliders_horizontal", "promo.sec_rule", "promo.sec_rule_help",
        rx.match(
            S.form["type"],
            ("threshold_off", _threshold_params()),
            ("percent_off", _grid(percent_field, field("promo.field_max_off", "max_off", money_input("max_off"),
                                                       "promo.help_max_off"))),
            ("fixed_price", _grid(field("promo.field_price", "price", money_input("price"), "promo.help_price", True),
                                  field("promo.field_max_off", "max_off", money_input("max_off"),
                                        "promo.help_max_off"))),
            ("buy_x_get_y", _grid(
                field("promo.field_buy", "buy", text_input("buy", type="number", min="1"), "promo.help_buy", True),
                field("promo.field_get", "get", text_input("get", type="number", min="1"), "promo.help_get", True),
                field("promo.field_get_percent_off", "get_percent_off",
                      text_input("get_percent_off", type="number", min="0", max="100"), "promo.help_get_percent_off"),
                field("promo.field_max_off", "max_off", money_input("max_off"), "promo.help_max_off"))),
            ("gift", _grid(
                field("promo.field_gift_sku", "gift_sku", text_input("gift_sku", placeholder="YX-LIFE-BAG-011"),
                      "promo.help_gift_sku", True),
                field("promo.field_gift_qty", "gift_qty", text_input("gift_qty", type="number", min="1"),
                      "promo.help_gift_qty"),
                field("promo.field_threshold", "threshold", money_input("threshold"), "promo.help_gift_threshold"),
                field("promo.field_gift_value", "gift_value", money_input("gift_value"), "promo.help_gift_value"),
                field("promo.field_gift_cost", "gift_cost", money_input("gift_cost"), "promo.help_gift_cost"))),
            _grid(field("promo.field_threshold", "threshold", money_input("threshold"), "promo.help_ship_threshold")),
        ),
        _error("params"),
        element_id="sec-rule",
    )


def _category_box(option: rx.Var) -> rx.Component:
    """One leaf category as a checkbox."""
    return rx.checkbox(option[AuthState.locale], checked=S.categories.contains(option["code"]),
                       on_change=lambda v: S.toggle_category(option["code"], v), size="1", disabled=S.frozen,
                       id="cat-" + option["code"])


def _chip(sku: rx.Var, exclude: bool) -> rx.Component:
    """A chosen SKU with its name and a remove cross."""
    return rx.badge(
        rx.cond(S.sku_labels.contains(sku), S.sku_labels[sku], sku), rx.code(sku, size="1", variant="ghost"),
        rx.icon("x", size=12, cursor="pointer", on_click=S.remove_sku(sku)),
        color_scheme="red" if exclude else "indigo", variant="soft", size="2",
    )


def _sku_result(p: rx.Var) -> rx.Component:
    """A catalogue search hit with 参与 / 排除 buttons."""
    return rx.hstack(
        rx.vstack(rx.text(p["name"], size="2"),
                  rx.text(p["sku"], " · ", p["price"], size="1", color="var(--gray-10)"), spacing="0"),
        rx.spacer(),
        rx.button(t("promo.include"), size="1", variant="soft", on_click=S.add_sku(p["sku"], p["name"], False),
                  disabled=S.frozen, id="sku-add-" + p["sku"]),
        rx.button(t("promo.exclude"), size="1", variant="ghost", color_scheme="red",
                  on_click=S.add_sku(p["sku"], p["name"], True), disabled=S.frozen),
        width="100%", align="center", padding_y="4px", border_bottom="1px solid var(--gray-3)",
    )


def _scope() -> rx.Component:
    """Categories and SKUs from the catalogue (none chosen = every product), exclusions."""
    return section(
        "package_search", "promo.sec_scope", "promo.sec_scope_help",
        rx.hstack(rx.badge(S.scope_text[AuthState.locale], size="2", variant="surface", id="scope-summary"),
                  rx.button(t("promo.scope_clear"), size="1", variant="ghost", on_click=S.clear_scope,
                            disabled=S.frozen), align="center"),
        rx.grid(
            rx.vstack(
                rx.text(t("promo.field_categories"), size="2", weight="medium"),
                rx.scroll_area(rx.grid(rx.foreach(S.category_options, _category_box), columns="2", spacing="2"),
                               type="auto", scrollbars="vertical", style={"height": "220px"}),
                spacing="2", width="100%",
            ),
            rx.vstack(
                rx.text(t("promo.field_skus"), size="2", weight="medium"),
                rx.input(rx.input.slot(rx.icon("search", size=14)), placeholder=t("promo.sku_search"),
                         value=S.sku_query, on_change=S.set_sku_query.debounce(250), width="100%", id="sku-search"),
                rx.scroll_area(rx.vstack(rx.foreach(S.sku_results, _sku_result), spacing="0", width="100%",
                                         padding_right="14px"),
                               type="auto", scrollbars="vertical", style={"height": "180px"}),
                spacing="2", width="100%",
            ),
            columns="2", spacing="5", width="100%",
        ),
        rx.cond(S.skus.length() > 0, rx.hstack(rx.text(t("promo.chosen_skus"), size="1", color="var(--gray-10)"),
                                               rx.foreach(S.skus, lambda s: _chip(s, False)), wrap="wrap",
                                               spacing="2", align="center", id="chosen-skus"), rx.fragment()),
        rx.cond(S.exclude_skus.length() > 0,
                rx.hstack(rx.text(t("promo.excluded_skus"), size="1", color="var(--gray-10)"),
                          rx.foreach(S.exclude_skus, lambda s: _chip(s, True)), wrap="wrap", spacing="2",
                          align="center"), rx.fragment()),
        _error("scope"),
        element_id="sec-scope",
    )


def _condition() -> rx.Component:
    """Who and which carts (rule builder); empty = everyone."""
    return section(
        "filter", "promo.sec_condition", "promo.sec_condition_help",
        rx.box(
            rule_builder(
                fields=S.fields[AuthState.locale], rule=S.condition, reset_key=S.reset_key,
                translations=rx.Var.create(builder_translations())[AuthState.locale],
                combinators=rx.Var.create(combinators())[AuthState.locale],
                operator_labels=rx.Var.create(operator_labels())[AuthState.locale],
                on_rule_change=lambda payload: S.builder_changed(payload, S.reset_key), id="condition-builder",
            ),
            width="100%", style=BUILDER_STYLE,
        ),
        _error("condition"),
        element_id="sec-condition",
    )


def _schedule_and_budget() -> rx.Component:
    """When (Shanghai time) and how much."""
    return section(
        "calendar_clock", "promo.sec_schedule", "promo.sec_schedule_help",
        rx.grid(
            field("promo.field_starts", "starts_at", text_input("starts_at", type="datetime-local"),
                  "promo.help_starts"),
            field("promo.field_ends", "ends_at", text_input("ends_at", type="datetime-local"), "promo.help_ends"),
            rx.box(),
            field("promo.field_budget_amount", "budget_amount", money_input("budget_amount"),
                  "promo.help_budget_amount"),
            field("promo.field_budget_uses", "budget_uses", text_input("budget_uses", type="number", min="0"),
                  "promo.help_budget_uses"),
            field("promo.field_per_customer", "per_customer_limit",
                  text_input("per_customer_limit", type="number", min="1"), "promo.help_per_customer"),
            columns="3", spacing="4", width="100%",
        ),
        element_id="sec-schedule",
    )


def _stacking() -> rx.Component:
    """Exclusive, group, priority, and the coupon code."""
    return section(
        "layers", "promo.sec_stacking", "promo.sec_stacking_help",
        rx.grid(
            field("promo.field_exclusive", "exclusive", rx.hstack(
                rx.switch(checked=S.form["exclusive"] == "1", on_change=lambda v: S.set_flag("exclusive", v),
                          id="promo-exclusive", disabled=S.frozen),
                rx.text(rx.cond(S.form["exclusive"] == "1", t("promo.exclusive_on"), t("promo.exclusive_off")),
                        size="2"), align="center", spacing="2", height="32px"), "promo.help_exclusive"),
            field("promo.field_group", "group", text_input("group", placeholder="manjian"), "promo.help_group"),
            field("promo.field_priority", "priority", text_input("priority", type="number"), "promo.help_priority"),
            field("promo.field_coupon_code", "coupon_code", text_input("coupon_code", placeholder="VIP8"),
                  "promo.help_coupon_code"),
            columns="2", spacing="4", width="100%",
        ),
        element_id="sec-stacking",
    )


def _side() -> rx.Component:
    """Status, the deal in words, save and publish."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.cond(S.is_new, rx.badge(t("promo.unsaved_new"), color_scheme="gray", size="2"),
                        status_badge(S.status, rx.match(S.status, *[(k, c) for k, c in view.STATUS_COLOR.items()],
                                                        "gray"), "promo-status")),
                rx.cond(S.version > 0, rx.badge("v" + S.version.to_string(), variant="outline", id="promo-version"),
                        rx.fragment()),
                rx.cond(S.dirty, rx.badge(t("promo.dirty"), color_scheme="amber", id="promo-dirty"), rx.fragment()),
                spacing="2", wrap="wrap",
            ),
            rx.text(t("promo.preview"), size="1", color="var(--gray-10)"),
            rx.heading(rx.cond(S.form["name"] != "", S.form["name"], t("promo.untitled")), size="4"),
            rx.hstack(rx.badge(rx.match(S.form["type"], *[(k, t(f"promo.type_{k}")) for k in view.TYPES], ""),
                               variant="outline"),
                      rx.text(S.summary[AuthState.locale], size="3", weight="bold", color="var(--accent-11)",
                              id="deal-summary"), align="center", wrap="wrap"),
            rx.text(S.scope_text[AuthState.locale], size="2", color="var(--gray-11)"),
            rx.cond(S.form["coupon_code"] != "",
                    rx.text(t("promo.needs_code"), " ", rx.code(S.form["coupon_code"]), size="2",
                            id="promo-needs-code"),
                    rx.text(t("promo.automatic"), size="2", color="var(--gray-11)")),
            rx.cond(S.field_errors.contains("form"), _error("form"), rx.fragment()),
            rx.divider(),
            rx.cond(S.frozen, rx.callout(t("promo.frozen"), icon="lock", color_scheme="gray", size="1"),
                    rx.fragment()),
            rx.button(rx.icon("save", size=16), t("promo.save"), on_click=S.save, loading=S.saving, width="100%",
                      disabled=S.frozen, id="promo-save"),
            rx.cond((S.status == "draft") & ~S.dirty,
                    rx.button(rx.icon("send", size=16), t("promo.publish"), on_click=S.publish,
                              loading=S.publishing, width="100%", variant="soft", color_scheme="green",
                              id="promo-publish"), rx.fragment()),
            rx.cond((S.status == "draft") & ~S.dirty,
                    rx.text(t("promo.publish_help"), size="1", color="var(--gray-10)"), rx.fragment()),
            rx.link(rx.hstack(rx.icon("calculator", size=14), rx.text(t("promo.simulate"), size="2"), align="center",
                              spacing="1"), href=SIMULATE_ROUTE),
            rx.cond(S.versions.length() > 0, rx.link(
                rx.hstack(rx.icon("history", size=14), rx.text(S.version_link[AuthState.locale], size="2"),
                          align="center", spacing="1"),
                on_click=rx.scroll_to("sec-versions"), cursor="pointer", id="promo-versions-link"), rx.fragment()),
            spacing="3", width="100%",
        ),
        width="300px", min_width="300px", position="sticky", top="80px",
    )


def _back_link() -> rx.Component:
    """Back to the list; with unsaved changes it asks first."""
    label = rx.hstack(rx.icon("arrow_left", size=16), rx.text(t("promo.back")), align="center", spacing="1")
    ask = rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.box(label, color="var(--accent-11)", cursor="pointer", id="promo-back")),
        rx.alert_dialog.content(
            rx.alert_dialog.title(t("promo.leave_title")),
            rx.alert_dialog.description(t("promo.leave_body")),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t("promo.stay"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button(t("promo.leave"), color_scheme="red", on_click=S.leave,
                                                 id="promo-leave")),
                justify="end", spacing="3", margin_top="16px",
            ),
        ),
    )
    return rx.cond(S.dirty, ask, rx.link(label, href="/promotions", id="promo-back"))


def _editor() -> rx.Component:
    """Back link, the form in sections, the summary on the right."""
    return rx.cond(
        S.not_found,
        rx.callout(t("promo.not_found"), icon="circle_alert", color_scheme="red", id="promo-not-found"),
        rx.vstack(
            _back_link(),
            rx.hstack(
                rx.vstack(_basic(), _params(), _scope(), _condition(), _schedule_and_budget(), _stacking(),
                          versions_section(), spacing="4", width="100%"),
                _side(),
                spacing="4", width="100%", align="start",
            ),
            spacing="3", width="100%",
        ),
    )


def promotion_editor_page() -> rx.Component:
    """/promotions/edit?code=..."""
    return shell("promotions", _editor)
