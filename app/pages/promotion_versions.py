"""版本历史 / Version history panel of the promotion editor: every saved version (who, when, what),
a field-by-field comparison of any two (with the raw JSON diff folded away), and restoring an old
version as a new one after a confirmation that lists what will change. State: ``PromotionEditorState``.
"""

from __future__ import annotations

import reflex as rx

from app.diff_view import diff_box
from app.pages.promotion_editor_state import PromotionEditorState
from app.state import AuthState, t

S = PromotionEditorState


def _version_cell(r: rx.Var) -> rx.Component:
    """v3, and whether it is the current one or a restore."""
    return rx.hstack(
        rx.badge("v" + r["version"].to(str), variant="outline", size="2"),
        rx.cond(r["current"] == "1", rx.badge(t("promo.ver_current"), color_scheme="green", variant="soft"),
                rx.fragment()),
        rx.cond(r["restored_from"] != "",
                rx.badge(r["restored_" + AuthState.locale], color_scheme="gray", variant="soft"), rx.fragment()),
        spacing="2", align="center", wrap="wrap",
    )


def _version_row(r: rx.Var) -> rx.Component:
    """One saved version with its restore button (not on the current one)."""
    return rx.table.row(
        rx.table.cell(_version_cell(r)),
        rx.table.cell(rx.text(r[AuthState.locale], size="2")),
        rx.table.cell(rx.text(r["by"], size="2")),
        rx.table.cell(rx.text(r["when"], size="2", white_space="nowrap")),
        rx.table.cell(rx.cond(
            r["current"] == "1", rx.fragment(),
            rx.button(rx.icon("history", size=14), t("promo.ver_restore"), size="1", variant="soft",
                      on_click=S.ask_restore(r["version"]), disabled=S.frozen, id="restore-v" + r["version"]))),
        align="center", id="version-row-" + r["version"],
    )


def _versions_table() -> rx.Component:
    """Newest first."""
    return rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k)) for k in (
            "promo.ver_col_version", "promo.ver_col_content", "promo.ver_col_by", "promo.ver_col_when",
            "promo.col_actions")])),
        rx.table.body(rx.foreach(S.versions, _version_row)),
        width="100%", variant="surface", size="1", id="versions-table",
    )


def _change_row(c: rx.Var, table_id: str) -> rx.Component:
    """One changed field: before in red, after in green."""
    return rx.table.row(
        rx.table.row_header_cell(rx.text(c["label"], size="2", weight="medium")),
        rx.table.cell(rx.text(c["old"], size="2", color="var(--red-11)"), background="var(--red-2)"),
        rx.table.cell(rx.text(c["new"], size="2", color="var(--green-11)"), background="var(--green-2)"),
        id=table_id + "-" + c["id"],
    )


def changes_table(rows: rx.Var, old_label: rx.Var, new_label: rx.Var, element_id: str) -> rx.Component:
    """Changed fields side by side: field | older | newer."""
    return rx.table.root(
        rx.table.header(rx.table.row(
            rx.table.column_header_cell(t("promo.ver_col_field"), width="22%"),
            rx.table.column_header_cell(old_label, width="39%"),
            rx.table.column_header_cell(new_label, width="39%"))),
        rx.table.body(rx.foreach(rows, lambda c: _change_row(c, element_id))),
        width="100%", variant="surface", size="1", id=element_id,
    )


def _picker(value: rx.Var, on_change: rx.EventHandler, element_id: str) -> rx.Component:
    """A version picker."""
    return rx.select.root(
        rx.select.trigger(id=element_id, min_width="90px"),
        rx.select.content(rx.foreach(S.versions, lambda v: rx.select.item(
            "v" + v["version"].to(str), value=v["version"], id=element_id + "-" + v["version"]))),
        value=value, on_change=on_change, size="2",
    )


def _compare() -> rx.Component:
    """Two pickers and what differs between them."""
    result = rx.cond(
        S.ver_old == S.ver_new,
        rx.text(t("promo.ver_pick_two"), size="2", color="var(--gray-10)"),
        rx.cond(S.ver_changes[AuthState.locale].length() > 0,
                changes_table(S.ver_changes[AuthState.locale], "v" + S.ver_old, "v" + S.ver_new, "ver-changes"),
                rx.callout(t("promo.ver_same"), icon="equal", color_scheme="gray", size="1", id="ver-same")),
    )
    return rx.vstack(
        rx.hstack(
            rx.icon("git_compare", size=16, color="var(--accent-9)"),
            rx.text(t("promo.ver_compare_title"), size="2", weight="bold"),
            _picker(S.ver_old, S.set_ver_old, "ver-old"),
            rx.icon("arrow_right", size=14, color="var(--gray-10)"),
            _picker(S.ver_new, S.set_ver_new, "ver-new"),
            spacing="3", align="center",
        ),
        rx.cond(S.ver_compared, result, rx.fragment()),
        rx.cond(S.ver_compared & (S.ver_json.length() > 0), rx.el.details(
            rx.el.summary(t("promo.ver_json"), style={"cursor": "pointer", "color": "var(--gray-11)",
                                                      "font_size": "13px"}),
            rx.box(diff_box(S.ver_json, "ver-json"), padding="8px", margin_top="6px", width="100%",
                   border="1px solid var(--gray-4)", border_radius="6px"),
            id="ver-json-details", style={"width": "100%"}), rx.fragment()),
        spacing="3", width="100%",
    )


def _restore_dialog() -> rx.Component:
    """What restoring changes, and the confirmation."""
    texts = S.restore_texts[AuthState.locale]
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(texts["title"]),
            rx.alert_dialog.description(texts["body"], size="2"),
            rx.box(changes_table(S.restore_changes[AuthState.locale], "v" + S.version.to_string(),
                                 "v" + S.restore_target, "restore-changes"),
                   margin_top="12px", max_height="50vh", overflow_y="auto"),
            rx.cond(texts["dirty"] != "", rx.callout(texts["dirty"], icon="triangle_alert", color_scheme="amber",
                                                     size="1", margin_top="12px"), rx.fragment()),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t("promo.cancel"), variant="soft", color_scheme="gray")),
                rx.button(t("promo.ver_restore_confirm"), on_click=S.restore, loading=S.restoring,
                          id="restore-confirm"),
                justify="end", spacing="3", margin_top="16px",
            ),
            max_width="720px",
        ),
        open=S.restore_open, on_open_change=S.set_restore_open,
    )


def versions_section() -> rx.Component:
    """The history card under the form (saved promotions only)."""
    return rx.cond(S.is_new, rx.fragment(), rx.card(
        rx.vstack(
            rx.hstack(rx.icon("history", size=18, color="var(--accent-9)"),
                      rx.heading(t("promo.sec_versions"), size="3"), align="center", spacing="2"),
            rx.text(t("promo.sec_versions_help"), size="2", color="var(--gray-11)"),
            _versions_table(),
            rx.cond(S.versions.length() > 1, _compare(),
                    rx.text(t("promo.ver_one"), size="2", color="var(--gray-10)", id="ver-one")),
            _restore_dialog(),
            spacing="3", width="100%",
        ),
        width="100%", id="sec-versions",
    ))
