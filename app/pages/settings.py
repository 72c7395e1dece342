"""设置 / Settings (admins): users, the admin's own API tokens, and the audit log, in tabs.

Every handler checks on the server that the session's user is still an admin
(``AuthState.user_for("settings")``); an admin can never disable their own account.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import reflex as rx

from app import settings_view as view
from app.i18n import LOCALES, translate
from app.layout import shell
from app.nav import ALL_ROLES
from app.pages.account_tokens import (
    TokensState, empty_state, form_field, header_cells, help_text, local_text, new_token_button, role_badge,
    tokens_panel, when_cell,
)
from app.state import AuthState, t
from services import audit as audit_service
from services import auth as auth_service

TABS = ("users", "tokens", "audit")
AUDIT_PAGE_SIZE = 20


class SettingsState(rx.State):
    """Users and the audit log (admins only)."""

    tab: str = "users"
    me: str = ""
    users: list[dict[str, str]] = []
    user_status: str = "all"
    user_search: str = ""
    loaded: bool = False
    # create user
    create_open: bool = False
    form: dict[str, str] = view.blank_user_form()
    errors: dict[str, dict[str, str]] = {}
    show_password: bool = False
    saving: bool = False
    # enable / disable
    confirm_open: bool = False
    confirm_username: str = ""
    confirm_name: str = ""
    confirm_activate: bool = False
    # audit
    audit_rows: list[dict[str, str]] = []
    audit_actions: list[dict[str, str]] = []
    audit_action: str = view.ALL_ACTIONS
    audit_page: int = 1
    audit_loaded: bool = False

    @rx.var
    def shown_users(self) -> list[dict[str, str]]:
        """Users after the status chip and the search box."""
        return view.filter_users(self.users, self.user_status, self.user_search)

    @rx.var
    def user_counts(self) -> dict[str, str]:
        """Users per status chip."""
        return view.user_counts(self.users)

    @rx.var
    def strength(self) -> dict[str, str]:
        """The typed password's strength and hint."""
        return view.strength_hint(self.form.get("password", ""))

    @rx.var
    def audit_filtered(self) -> list[dict[str, str]]:
        """The newest entries of the chosen action."""
        return view.filter_audit(self.audit_rows, self.audit_action)

    @rx.var
    def audit_page_count(self) -> int:
        """Pages of the filtered entries (at least 1)."""
        return max(1, -(-len(self.audit_filtered) // AUDIT_PAGE_SIZE))

    @rx.var
    def audit_shown(self) -> list[dict[str, str]]:
        """The entries of the current page."""
        start = (min(self.audit_page, self.audit_page_count) - 1) * AUDIT_PAGE_SIZE
        return self.audit_filtered[start:start + AUDIT_PAGE_SIZE]

    async def _admin(self) -> tuple[AuthState, auth_service.UserInfo | None]:
        """The UI state and the session's user if it is an admin (checked against the database)."""
        auth = await self.get_state(AuthState)
        return auth, await asyncio.to_thread(auth.user_for, "settings")

    @rx.event
    async def load(self):
        """Read users and audit entries, then the admin's own tokens."""
        _, user = await self._admin()
        if user is None:
            return
        self.me = user.username
        tab = self.router.url.query_parameters.get("tab", "")
        self.tab = tab if tab in TABS else self.tab
        await self._read()
        yield TokensState.load

    async def _read(self) -> None:
        """Users and the latest audit entries (user ids shown as usernames)."""
        now = datetime.now(UTC)
        listings = await asyncio.to_thread(auth_service.list_users)
        self.users = [view.user_row(u, self.me, now) for u in listings]
        names = {str(u.info.id): u.info.username for u in listings}
        records = await asyncio.to_thread(audit_service.recent_entries, limit=view.AUDIT_FETCHED)
        self.audit_rows = [view.audit_row(r, names, now) for r in records]
        self.audit_actions = view.action_options(self.audit_rows)
        self.loaded = self.audit_loaded = True

    @rx.event
    def set_tab(self, value: str):
        """Users, API tokens or audit log."""
        self.tab = value if value in TABS else "users"

    @rx.event
    def set_user_status(self, value: str | list[str]):
        """A status chip."""
        self.user_status = value if isinstance(value, str) else "all"

    @rx.event
    def set_user_search(self, value: str):
        """The search box."""
        self.user_search = value

    @rx.event
    def set_audit_action(self, value: str):
        """Only one action (or all)."""
        self.audit_action, self.audit_page = value, 1

    @rx.event
    def audit_go(self, delta: int):
        """Previous / next page of the audit log."""
        self.audit_page = max(1, min(self.audit_page_count, self.audit_page + delta))

    @rx.event
    async def refresh(self):
        """Read users and the audit log again."""
        _, user = await self._admin()
        if user is not None:
            await self._read()

    # --- create a user

    @rx.event
    def open_create(self):
        """A blank create-user form."""
        self.form, self.errors, self.show_password, self.create_open = view.blank_user_form(), {}, False, True

    @rx.event
    def set_create_open(self, value: bool):
        """Close (or open) the create-user dialog."""
        self.create_open = value

    @rx.event
    def set_field(self, field: str, value: str):
        """One field of the create-user form; its error goes once it is edited."""
        self.form = {**self.form, field: value}
        self.errors = {k: v for k, v in self.errors.items() if k != field}

    @rx.event
    def toggle_password(self):
        """Show or hide the password typed."""
        self.show_password = not self.show_password

    @rx.event
    def generate_password(self):
        """Fill in a strong random password and show it, so the admin can pass it on."""
        self.form = {**self.form, "password": view.generate_password()}
        self.errors = {k: v for k, v in self.errors.items() if k != "password"}
        self.show_password = True

    @rx.event
    async def create_user(self):
        """Create the user; the service's field errors show next to the fields."""
        auth, admin = await self._admin()
        if admin is None:
            yield rx.toast.error(view.say("settings.no_permission", auth.locale))
            return
        self.errors = view.check_user_form(self.form)
        if self.errors:
            return
        self.saving = True
        yield
        f = dict(self.form)
        try:
            created = await asyncio.to_thread(
                lambda: auth_service.create_user(f["username"], f["password"], f["role"], f["display_name"],
                                                 f["locale"], actor=admin.username))
        except auth_service.UserValidationError as err:
            self.saving, self.errors = False, view.user_errors(err.errors)
            return
        self.saving, self.create_open, self.tab = False, False, "users"
        self.form, self.show_password = view.blank_user_form(), False
        await self._read()
        yield rx.toast.success(view.say("settings.user_created", auth.locale).format(name=created.username))

    # --- enable / disable

    @rx.event
    def ask_toggle(self, username: str):
        """Ask before enabling or disabling an account."""
        row = next((r for r in self.users if r["username"] == username), None)
        if row is None:
            return
        self.confirm_username, self.confirm_activate = username, row["active"] == "0"
        self.confirm_name = f"{row['display_name']} ({username})"
        self.confirm_open = True

    @rx.event
    def set_confirm_open(self, value: bool):
        """Close the confirmation."""
        self.confirm_open = value

    @rx.event
    async def confirm_toggle(self):
        """The admin confirmed: enable or disable (never their own account)."""
        self.confirm_open = False
        auth, admin = await self._admin()
        if admin is None:
            return rx.toast.error(view.say("settings.no_permission", auth.locale))
        name, activate = self.confirm_username, self.confirm_activate
        if not view.may_toggle(admin.username, name, activate):
            return rx.toast.error(view.say("settings.cannot_deactivate_self", auth.locale))
        try:
            await asyncio.to_thread(auth_service.set_active, name, activate, actor=admin.username)
        except auth_service.UserValidationError:
            return rx.toast.error(view.say("settings.err_no_such_user", auth.locale))
        await self._read()
        key = "settings.activated" if activate else "settings.deactivated"
        return rx.toast.success(view.say(key, auth.locale).format(name=name))


# ---------------------------------------------------------------- users tab


def _user_row(r: rx.Var) -> rx.Component:
    """One user with the enable / disable action."""
    is_active = r["active"] == "1"
    action = rx.cond(
        is_active,
        rx.cond(r["me"] == "1",
                rx.tooltip(rx.box(rx.button(t("settings.deactivate"), size="1", variant="soft", color_scheme="gray",
                                            disabled=True, id="toggle-" + r["username"])),
                           content=t("settings.cannot_deactivate_self")),
                rx.button(t("settings.deactivate"), size="1", variant="soft", color_scheme="red",
                          on_click=SettingsState.ask_toggle(r["username"]), id="toggle-" + r["username"])),
        rx.button(t("settings.activate"), size="1", variant="soft", color_scheme="green",
                  on_click=SettingsState.ask_toggle(r["username"]), id="toggle-" + r["username"]),
    )
    return rx.table.row(
        rx.table.cell(rx.hstack(rx.code(r["username"], variant="ghost", size="2"),
                                rx.cond(r["me"] == "1", rx.badge(t("settings.you"), variant="outline", size="1"),
                                        rx.fragment()), align="center", spacing="2")),
        rx.table.cell(rx.text(r["display_name"], size="2")),
        rx.table.cell(role_badge(r["role"], r["role_color"])),
        rx.table.cell(rx.badge(rx.cond(is_active, t("settings.status_active"), t("settings.status_inactive")),
                               color_scheme=rx.cond(is_active, "green", "gray"), id="status-" + r["username"])),
        rx.table.cell(when_cell(r["last_login"], r["ago_" + AuthState.locale], "settings.never_logged_in")),
        rx.table.cell(rx.text(r["created"], size="2")),
        rx.table.cell(action),
        id="user-row-" + r["username"], align="center",
    )


def _toggle_dialog() -> rx.Component:
    """Confirmation before enabling or disabling an account."""
    activate = SettingsState.confirm_activate
    return rx.alert_dialog.root(rx.alert_dialog.content(
        rx.alert_dialog.title(rx.cond(activate, t("settings.confirm_activate_title"),
                                      t("settings.confirm_deactivate_title"))),
        rx.alert_dialog.description(rx.vstack(
            rx.text.strong(SettingsState.confirm_name),
            rx.text(rx.cond(activate, t("settings.confirm_activate_body"), t("settings.confirm_deactivate_body")),
                    size="2"), spacing="2")),
        rx.hstack(
            rx.alert_dialog.cancel(rx.button(t("settings.cancel"), variant="soft", color_scheme="gray")),
            rx.alert_dialog.action(rx.button(
                rx.cond(activate, t("settings.activate"), t("settings.deactivate")),
                color_scheme=rx.cond(activate, "green", "red"), on_click=SettingsState.confirm_toggle,
                id="toggle-confirm")),
            justify="end", spacing="3", margin_top="16px"),
        max_width="460px"),
        open=SettingsState.confirm_open, on_open_change=SettingsState.set_confirm_open)


def _user_input(field: str, **props: object) -> rx.Component:
    """A text input bound to one field of the create-user form."""
    return rx.input(value=SettingsState.form[field], on_change=lambda v: SettingsState.set_field(field, v),
                    id=f"user-{field}", width="100%", **props)


def _password_control() -> rx.Component:
    """Password input, show / hide, generate, and the strength hint under it."""
    shown = SettingsState.show_password
    return rx.vstack(
        rx.hstack(
            _user_input("password", type=rx.cond(shown, "text", "password"), auto_complete="new-password"),
            rx.icon_button(rx.cond(shown, rx.icon("eye_off", size=16), rx.icon("eye", size=16)), variant="soft",
                           color_scheme="gray", on_click=SettingsState.toggle_password, type="button",
                           title=rx.cond(shown, t("settings.hide_password"), t("settings.show_password")),
                           id="user-password-toggle"),
            rx.button(rx.icon("wand_sparkles", size=14), t("settings.generate_password"), variant="soft",
                      on_click=SettingsState.generate_password, type="button", id="user-password-generate"),
            width="100%", spacing="2"),
        rx.cond((SettingsState.strength["level"] != "") & ~SettingsState.errors.contains("password"),
                rx.hstack(rx.text(t("settings.strength"), size="1", color="var(--gray-10)"),
                          rx.badge(SettingsState.strength[AuthState.locale], color_scheme=SettingsState.strength["color"],
                                   variant="soft", id="password-strength", data_level=SettingsState.strength["level"]),
                          align="center", spacing="2"),
                rx.fragment()),
        spacing="1", width="100%")


def _create_user_dialog() -> rx.Component:
    """New user: username, display name, role, initial password, language."""
    errors = SettingsState.errors
    role = rx.select.root(
        rx.select.trigger(width="100%", id="user-role"),
        rx.select.content(*[rx.select.item(t(f"role.{r}"), value=r, id=f"user-role-{r}") for r in ALL_ROLES]),
        value=SettingsState.form["role"], on_change=lambda v: SettingsState.set_field("role", v))
    role_help = rx.match(SettingsState.form["role"], *[(r, t(f"settings.role_help.{r}")) for r in ALL_ROLES], "")
    locale = rx.select.root(
        rx.select.trigger(width="100%", id="user-locale"),
        rx.select.content(*[rx.select.item(translate(f"lang.{loc}", loc), value=loc) for loc in LOCALES]),
        value=SettingsState.form["locale"], on_change=lambda v: SettingsState.set_field("locale", v))
    return rx.dialog.root(rx.dialog.content(
        rx.dialog.title(t("settings.new_user")),
        rx.dialog.description(t("settings.create_help"), size="2", color="var(--gray-11)"),
        rx.grid(
            form_field("settings.field_username", "username", _user_input("username", placeholder="lin.xiao",
                                                                     auto_complete="off"),
                   errors, help_text(t("settings.help_username")), True),
            form_field("settings.field_display_name", "display_name", _user_input("display_name"), errors,
                   help_text(t("settings.help_display_name")), True),
            form_field("settings.field_role", "role", role, errors, help_text(role_help), True),
            form_field("settings.field_locale", "locale", locale, errors),
            rx.box(form_field("settings.field_password", "password", _password_control(), errors, None, True),
                   grid_column="span 2"),
            columns="2", spacing="4", width="100%", margin_top="16px"),
        rx.hstack(
            rx.dialog.close(rx.button(t("settings.cancel"), variant="soft", color_scheme="gray")),
            rx.button(t("settings.create"), on_click=SettingsState.create_user, loading=SettingsState.saving,
                      id="user-save"),
            justify="end", spacing="3", margin_top="20px"),
        max_width="640px", id="create-user-dialog"),
        open=SettingsState.create_open, on_open_change=SettingsState.set_create_open)


def _users_tab() -> rx.Component:
    """Status chips and search above the users table."""
    counts = SettingsState.user_counts
    chips = rx.segmented_control.root(
        *[rx.segmented_control.item(rx.text(t(k), " ", counts[v]), value=v, id=f"users-filter-{v}")
          for v, k in (("all", "settings.filter_all"), ("active", "settings.status_active"),
                       ("inactive", "settings.status_inactive"))],
        value=SettingsState.user_status, on_change=SettingsState.set_user_status)
    table = rx.table.root(
        header_cells("settings.col_username", "settings.col_display_name", "settings.col_role",
                      "settings.col_status", "settings.col_last_login", "settings.col_created",
                      "settings.col_actions"),
        rx.table.body(rx.foreach(SettingsState.shown_users, _user_row)),
        width="100%", variant="surface", id="users-table")
    return rx.vstack(
        rx.hstack(chips, rx.spacer(),
                  rx.input(rx.input.slot(rx.icon("search", size=14)), placeholder=t("settings.search_users"),
                           value=SettingsState.user_search, on_change=SettingsState.set_user_search.debounce(250),
                           width="260px", id="users-search"),
                  width="100%", align="center"),
        rx.cond(SettingsState.shown_users.length() > 0, table,
                rx.cond(SettingsState.loaded, empty_state("users", "settings.empty_title", "settings.empty_body",
                                                     "users-empty"),
                        rx.center(rx.spinner(), padding="40px", width="100%"))),
        _toggle_dialog(), _create_user_dialog(),
        spacing="4", width="100%")


# ---------------------------------------------------------------- audit tab


def _audit_row(r: rx.Var) -> rx.Component:
    """One audit entry."""
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(r["when"], size="2"), rx.text(r["ago_" + AuthState.locale], size="1",
                                                                       color="var(--gray-10)"), spacing="0")),
        rx.table.cell(rx.code(r["actor"], variant="ghost", size="2")),
        rx.table.cell(rx.badge(r["label_" + AuthState.locale], variant="soft",
                               color_scheme=rx.cond(r["failed"] == "1", "red", "gray"), title=r["action"])),
        rx.table.cell(rx.text(r["entity_" + AuthState.locale], size="2")),
        rx.table.cell(rx.text(r["details"], size="1", color="var(--gray-11)",
                              style={"font_family": "var(--code-font-family)", "word_break": "break-all"})),
        class_name="audit-row", align="center",
    )


def _audit_tab() -> rx.Component:
    """Filter by action above the newest entries, 20 a page."""
    picker = rx.select.root(
        rx.select.trigger(width="240px", id="audit-action"),
        rx.select.content(
            rx.select.item(t("audit.all_actions"), value=view.ALL_ACTIONS),
            rx.foreach(SettingsState.audit_actions, lambda a: rx.select.item(
                a[AuthState.locale], value=a["value"], id="audit-action-" + a["value"]))),
        value=SettingsState.audit_action, on_change=SettingsState.set_audit_action)
    pager = rx.hstack(
        rx.text(SettingsState.audit_page, " / ", SettingsState.audit_page_count, size="2", color="var(--gray-11)"),
        rx.icon_button(rx.icon("chevron_left", size=16), variant="soft", size="1", on_click=SettingsState.audit_go(-1),
                       disabled=SettingsState.audit_page <= 1, id="audit-prev"),
        rx.icon_button(rx.icon("chevron_right", size=16), variant="soft", size="1", on_click=SettingsState.audit_go(1),
                       disabled=SettingsState.audit_page >= SettingsState.audit_page_count, id="audit-next"),
        justify="end", align="center", width="100%", spacing="2")
    table = rx.table.root(
        header_cells("audit.col_when", "audit.col_actor", "audit.col_action", "audit.col_entity",
                      "audit.col_details"),
        rx.table.body(rx.foreach(SettingsState.audit_shown, _audit_row)), width="100%", variant="surface",
        id="audit-table")
    return rx.vstack(
        rx.hstack(picker, rx.text(local_text(view.both("audit.limit_note", n=view.AUDIT_SHOWN)), size="1",
                                  color="var(--gray-10)"),
                  rx.spacer(),
                  rx.button(rx.icon("refresh_cw", size=14), t("audit.refresh"), variant="soft",
                            on_click=SettingsState.refresh, id="audit-refresh"),
                  width="100%", align="center", spacing="3"),
        rx.cond(SettingsState.audit_shown.length() > 0, rx.vstack(table, pager, width="100%", spacing="3"),
                rx.cond(SettingsState.audit_loaded,
                        empty_state("scroll_text", "audit.empty_title", "audit.empty_body", "audit-empty"),
                        rx.center(rx.spinner(), padding="40px", width="100%"))),
        spacing="4", width="100%")


# ---------------------------------------------------------------- pages


def _settings_content() -> rx.Component:
    """Tabs: users, the admin's API tokens, the audit log."""
    return rx.card(rx.tabs.root(
        rx.tabs.list(
            rx.tabs.trigger(rx.hstack(rx.icon("users", size=14), t("settings.tab_users"), align="center"),
                            value="users", id="tab-users"),
            rx.tabs.trigger(rx.hstack(rx.icon("key_round", size=14), t("settings.tab_tokens"), align="center"),
                            value="tokens", id="tab-tokens"),
            rx.tabs.trigger(rx.hstack(rx.icon("scroll_text", size=14), t("settings.tab_audit"), align="center"),
                            value="audit", id="tab-audit"),
        ),
        rx.tabs.content(_users_tab(), value="users", padding_top="16px"),
        rx.tabs.content(rx.vstack(rx.hstack(rx.spacer(), new_token_button(), width="100%"), tokens_panel(note=True),
                                  width="100%"), value="tokens", padding_top="16px"),
        rx.tabs.content(_audit_tab(), value="audit", padding_top="16px"),
        value=SettingsState.tab, on_change=SettingsState.set_tab, width="100%"), width="100%")


def settings_page() -> rx.Component:
    """/settings (admins)."""
    action = rx.button(rx.icon("user_plus", size=16), t("settings.new_user"), on_click=SettingsState.open_create,
                       id="new-user")
    return shell("settings", _settings_content, action)
