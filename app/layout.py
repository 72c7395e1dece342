"""The app shell (UI.md): collapsible sidebar, top bar, page header, and the shared empty states."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from app.i18n import LOCALES, translate
from app.nav import BY_KEY, SECTIONS, Section
from app.state import AuthState, t

SIDEBAR_WIDE = "216px"
SIDEBAR_NARROW = "64px"


def _nav_item(section: Section, active: bool) -> rx.Component:
    """One sidebar link; only shown to roles that may open the section."""
    item = rx.link(
        rx.hstack(
            rx.icon(section.icon, size=18),
            rx.cond(AuthState.sidebar_collapsed, rx.fragment(), rx.text(t(section.label_key), size="2")),
            align="center",
            spacing="3",
            padding_x="12px",
            padding_y="9px",
            border_radius="var(--radius-3)",
            background=("var(--accent-3)" if active else "transparent"),
            color=("var(--accent-11)" if active else "var(--gray-11)"),
            font_weight=("600" if active else "400"),
            _hover={"background": "var(--accent-2)" if not active else "var(--accent-3)"},
            width="100%",
        ),
        href=section.route,
        underline="none",
        id=f"nav-{section.key}",
        aria_current=("page" if active else None),
        title=t(section.label_key),
        width="100%",
    )
    return rx.cond(rx.Var.create(list(section.roles)).contains(AuthState.role), item, rx.fragment())


def sidebar(active_key: str) -> rx.Component:
    """The left navigation with the brand on top and the collapse toggle at the bottom."""
    return rx.vstack(
        rx.hstack(
            rx.center(rx.text(t("app.mark"), weight="bold", color="white"), width="28px", height="28px",
                      background="var(--accent-9)", border_radius="var(--radius-2)"),
            rx.cond(
                AuthState.sidebar_collapsed,
                rx.fragment(),
                rx.vstack(rx.text(t("app.name"), weight="bold", size="3"),
                          rx.text(t("app.tagline"), size="1", color="var(--gray-10)"), spacing="0"),
            ),
            align="center", spacing="2", padding="16px 14px",
        ),
        rx.vstack(*[_nav_item(s, s.key == active_key) for s in SECTIONS],
                  spacing="1", width="100%", padding_x="8px", id="sidebar-nav"),
        rx.spacer(),
        rx.icon_button(
            rx.cond(AuthState.sidebar_collapsed, rx.icon("panel_left_open", size=18),
                    rx.icon("panel_left_close", size=18)),
            variant="ghost", color_scheme="gray", on_click=AuthState.toggle_sidebar,
            id="sidebar-toggle", margin="12px",
            title=rx.cond(AuthState.sidebar_collapsed, t("nav.expand"), t("nav.collapse")),
        ),
        width=rx.cond(AuthState.sidebar_collapsed, SIDEBAR_NARROW, SIDEBAR_WIDE),
        min_width=rx.cond(AuthState.sidebar_collapsed, SIDEBAR_NARROW, SIDEBAR_WIDE),
        height="100vh", position="sticky", top="0", background="white",
        border_right="1px solid var(--gray-4)", spacing="2", id="sidebar",
    )


def language_switch() -> rx.Component:
    """简体中文 / English; remembered per browser and per account."""
    return rx.select.root(
        rx.select.trigger(id="language-switch", variant="ghost", aria_label=t("topbar.language")),
        rx.select.content(
            *[rx.select.item(translate(f"lang.{loc}", loc), value=loc, id=f"language-{loc}")
              for loc in LOCALES],
        ),
        value=AuthState.locale,
        on_change=AuthState.set_language,
        size="2",
    )


def user_menu() -> rx.Component:
    """Who is logged in, their role, and logout."""
    role = rx.match(
        AuthState.role,
        *[(r, t(f"role.{r}")) for r in ("admin", "marketer", "designer", "analyst")],
        "",
    )
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.icon("circle_user", size=18),
                rx.text(AuthState.display_name, size="2", id="user-name"),
                rx.badge(role, variant="soft", id="user-role"),
                variant="ghost", color_scheme="gray", id="user-menu",
            ),
        ),
        rx.menu.content(
            rx.menu.item(rx.hstack(rx.text(t("topbar.role")), rx.text(role, weight="medium")),
                         disabled=True),
            rx.menu.item(rx.hstack(rx.icon("key_round", size=16), rx.text(t("topbar.tokens"))),
                         on_select=rx.redirect("/account/tokens"), id="menu-tokens"),
            rx.menu.separator(),
            rx.menu.item(rx.hstack(rx.icon("log_out", size=16), rx.text(t("topbar.logout"))),
                         on_select=AuthState.logout, id="logout"),
        ),
    )


def topbar(section: Section) -> rx.Component:
    """Breadcrumb on the left; language and user on the right."""
    return rx.hstack(
        rx.hstack(
            rx.text(t("breadcrumb.home"), color="var(--gray-10)", size="2"),
            rx.icon("chevron_right", size=14, color="var(--gray-9)"),
            rx.text(t(section.label_key), size="2", weight="medium", id="breadcrumb-current"),
            align="center", spacing="2", id="breadcrumb",
        ),
        rx.spacer(),
        rx.hstack(language_switch(), user_menu(), align="center", spacing="4"),
        align="center", width="100%", height="56px", padding_x="24px", background="white",
        border_bottom="1px solid var(--gray-4)", position="sticky", top="0", z_index="10",
    )


def page_header(section: Section, action: rx.Component | None = None) -> rx.Component:
    """Title, one-line description and the section's primary action on the right."""
    return rx.hstack(
        rx.vstack(
            rx.heading(t(section.label_key), size="6", id="page-title"),
            rx.text(t(section.description_key), color="var(--gray-11)", size="2",
                    id="page-description"),
            spacing="1",
        ),
        rx.spacer(),
        action or rx.fragment(),
        align="end", width="100%",
    )


def notice(icon: str, title_key: str, body_key: str, element_id: str,
           action: rx.Component | None = None) -> rx.Component:
    """A calm card with an icon, a title and one sentence (empty states, 403)."""
    return rx.card(
        rx.vstack(
            rx.center(rx.icon(icon, size=28, color="var(--accent-9)"), width="56px", height="56px",
                      border_radius="50%", background="var(--accent-3)"),
            rx.heading(t(title_key), size="4"),
            rx.text(t(body_key), color="var(--gray-11)", size="2", text_align="center",
                    max_width="440px"),
            action or rx.fragment(),
            align="center", spacing="3", padding_y="40px",
        ),
        width="100%", id=element_id,
    )


def forbidden() -> rx.Component:
    """The 403 message for a role that may not open a section."""
    return notice("shield_alert", "forbidden.title", "forbidden.body", "forbidden",
                  rx.link(t("forbidden.back"), href="/"))


def shell(section_key: str, content: Callable[[], rx.Component],
          action: rx.Component | None = None) -> rx.Component:
    """A whole page: sidebar, top bar, header, then the content or the 403 message."""
    section = BY_KEY[section_key]
    body = rx.cond(
        AuthState.forbidden,
        forbidden(),
        rx.vstack(page_header(section, action), content(), spacing="5", width="100%"),
    )
    return rx.hstack(
        sidebar(section_key),
        rx.vstack(
            topbar(section),
            rx.box(
                rx.cond(
                    AuthState.logged_in & (AuthState.section == section_key),
                    body,
                    rx.center(rx.spinner(size="3"), padding="80px"),
                ),
                padding="24px", width="100%", max_width="1280px",
            ),
            spacing="0", width="100%", min_height="100vh",
        ),
        spacing="0", width="100%", background="var(--gray-2)", align="start",
        custom_attrs={"lang": AuthState.locale},  # the browser picks Latin or Chinese glyphs (quotes, punctuation) by it
    )
