"""The login page: two fields, errors next to them, one message for wrong credentials, one for a lockout."""

from __future__ import annotations

import reflex as rx

from app.layout import language_switch
from app.state import AuthState, t


def _field(name: str, kind: str, label_key: str, missing: rx.Var[bool], error_key: str) -> rx.Component:
    """A labelled input with its own error message under it."""
    return rx.vstack(
        rx.text(rx.text.span(t(label_key)), rx.text.span(" *", color="var(--red-9)"),
                as_="label", html_for=f"login-{name}", size="2", weight="medium"),
        rx.input(
            name=name, id=f"login-{name}", type=kind, size="3", width="100%",
            auto_complete=("username" if name == "username" else "current-password"),
            color_scheme=rx.cond(missing, "red", "gray"),
        ),
        rx.cond(missing, rx.text(t(error_key), color="var(--red-11)", size="1",
                                 id=f"login-{name}-error"), rx.fragment()),
        spacing="1", width="100%",
    )


def login_page() -> rx.Component:
    """Sign-in card on a light background, language switch in the corner."""
    form = rx.form(
        rx.vstack(
            _field("username", "text", "login.username", AuthState.username_missing,
                   "login.username_required"),
            _field("password", "password", "login.password", AuthState.password_missing,
                   "login.password_required"),
            rx.cond(
                AuthState.login_failed,
                rx.callout(t("login.invalid"), icon="triangle_alert", color_scheme="red",
                           size="1", width="100%", id="login-error"),
                rx.fragment(),
            ),
            rx.cond(
                AuthState.throttled_minutes > 0,
                rx.callout(t("login.throttled").replace("{n}", AuthState.throttled_minutes.to_string()),
                           icon="shield_alert", color_scheme="red", size="1", width="100%",
                           id="login-throttled"),
                rx.fragment(),
            ),
            rx.button(t("login.submit"), type="submit", size="3", width="100%", id="login-submit",
                      loading=AuthState.logging_in),
            spacing="4", width="100%",
        ),
        on_submit=AuthState.login,
        reset_on_submit=False,
        id="login-form",
        width="100%",
    )
    return rx.center(
        rx.box(language_switch(), position="absolute", top="16px", right="24px"),
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.center(rx.text(t("app.mark"), weight="bold", color="white", size="5"), width="40px",
                              height="40px", background="var(--accent-9)",
                              border_radius="var(--radius-3)"),
                    rx.vstack(rx.heading(t("login.title"), size="5", id="login-title"),
                              rx.text(t("login.subtitle"), size="2", color="var(--gray-10)"),
                              spacing="0"),
                    align="center", spacing="3",
                ),
                form,
                rx.text(t("login.demo_hint"), size="1", color="var(--gray-10)"),
                spacing="5", width="100%",
            ),
            size="4", width="400px", max_width="92vw",
        ),
        min_height="100vh", width="100%", background="var(--gray-2)", position="relative",
        custom_attrs={"lang": AuthState.locale},
    )
