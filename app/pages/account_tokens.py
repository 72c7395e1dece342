"""API 令牌 / API tokens: every user's own tokens (/account/tokens, any logged-in role).

The same panel is the "API tokens" tab of /settings for admins. Every handler looks the session up
again on the server, and a token can only be listed or revoked by its owner (services.tokens). The
plaintext of a new token lives in this state only until its dialog is closed. Also the small form
and table helpers the Settings page shares.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import reflex as rx

from app import settings_view as view
from app.layout import page_header, sidebar, topbar
from app.nav import ALL_ROLES, Section
from app.state import AuthState, t
from services import auth as auth_service
from services import tokens as token_service

ACCOUNT_TOKENS_ROUTE = "/account/tokens"
ACCOUNT = Section("account_tokens", ACCOUNT_TOKENS_ROUTE, "key_round", ALL_ROLES)


class TokensState(rx.State):
    """The logged-in user's own API tokens."""

    rows: list[dict[str, str]] = []
    loaded: bool = False
    my_role: str = ""
    roles: list[str] = []
    api: str = ""
    docs: str = ""
    # create
    create_open: bool = False
    form: dict[str, str] = view.blank_token_form("")
    never: bool = False
    read_only: bool = False
    errors: dict[str, dict[str, str]] = {}
    saving: bool = False
    # the new token, shown once
    new_open: bool = False
    new_token: str = ""
    new_name: str = ""
    # revoke
    confirm_open: bool = False
    confirm_id: str = ""
    confirm_name: str = ""

    @rx.var
    def example(self) -> str:
        """The curl call of the how-to card."""
        return view.curl_example(self.api)

    @rx.var
    def new_example(self) -> str:
        """The same call with the token just created."""
        return view.curl_example(self.api, self.new_token) if self.new_token else ""

    async def _user(self) -> tuple[AuthState, auth_service.UserInfo | None]:
        """The UI state and the session's user, any role (checked against the database)."""
        auth = await self.get_state(AuthState)
        return auth, await asyncio.to_thread(auth_service.current_user, auth.token)

    @rx.event
    async def load(self):
        """``on_load``: any live session may open this page; without one, go to login."""
        auth, user = await self._user()
        if user is None:
            auth._clear_user()
            return rx.redirect("/login")
        auth._set_user(user)
        auth.checked, auth.forbidden = True, False
        root = view.backend_root(self.router.url.origin, rx.config.get_config().api_url)
        self.api, self.docs = view.api_base(root), view.api_docs(root)
        self.my_role, self.roles = user.role, view.token_roles(user.role)
        await self._read(user)
        return None

    async def _read(self, user: auth_service.UserInfo) -> None:
        """The user's tokens, newest first."""
        now = datetime.now(UTC)
        infos = await asyncio.to_thread(token_service.list_tokens, user)
        self.rows = [view.token_row(i, now) for i in infos]
        self.loaded = True

    @rx.event
    def open_create(self):
        """A blank create-token form with the user's own role."""
        self.form, self.never, self.read_only, self.errors = view.blank_token_form(self.my_role), False, False, {}
        self.create_open = True

    @rx.event
    def set_create_open(self, value: bool):
        """Close (or open) the create-token dialog."""
        self.create_open = value

    @rx.event
    def set_field(self, field: str, value: str):
        """One field of the form; its error goes once it is edited."""
        self.form = {**self.form, field: value}
        self.errors = {k: v for k, v in self.errors.items() if k != field}

    @rx.event
    def set_never(self, value: bool):
        """A token that does not expire."""
        self.never = value
        self.errors = {k: v for k, v in self.errors.items() if k != "days"}

    @rx.event
    def set_read_only(self, value: bool):
        """Reads only."""
        self.read_only = value

    @rx.event
    async def create(self):
        """Create the token and show its plaintext once."""
        auth, user = await self._user()
        if user is None:
            yield rx.redirect("/login")
            return
        days, self.errors = view.check_token_form(self.form, self.never)
        if self.errors:
            return
        self.saving = True
        yield
        name, role, read_only = self.form.get("name", ""), self.form.get("role") or user.role, self.read_only
        try:
            new = await asyncio.to_thread(lambda: token_service.create_token(
                user, name, role=role, expires_in_days=days, read_only=read_only))
        except token_service.TokenValidationError as err:
            self.saving, self.errors = False, view.token_errors(err.errors)
            return
        self.saving, self.create_open = False, False
        self.new_token, self.new_name, self.new_open = new.token, new.info.name, True
        await self._read(user)
        yield rx.toast.success(view.say("tokens.created", auth.locale).format(name=new.info.name))

    @rx.event
    def close_new(self):
        """Forget the plaintext: it is never shown again."""
        self.new_open, self.new_token, self.new_name = False, "", ""

    @rx.event
    def ask_revoke(self, token_id: str):
        """Ask before revoking a token."""
        row = next((r for r in self.rows if r["id"] == token_id), None)
        if row is not None:
            self.confirm_id, self.confirm_name, self.confirm_open = token_id, row["name"], True

    @rx.event
    def set_confirm_open(self, value: bool):
        """Close the confirmation."""
        self.confirm_open = value

    @rx.event
    async def confirm_revoke(self):
        """Revoke the token (only the owner's own tokens can be found)."""
        self.confirm_open = False
        auth, user = await self._user()
        if user is None:
            return rx.redirect("/login")
        try:
            await asyncio.to_thread(token_service.revoke_token, user, int(self.confirm_id))
        except (token_service.TokenNotFound, ValueError):
            return rx.toast.error(view.say("tokens.not_found", auth.locale))
        await self._read(user)
        return rx.toast.success(view.say("tokens.revoked", auth.locale).format(name=self.confirm_name))


# ---------------------------------------------------------------- form and table helpers (shared with Settings)


def local_text(texts: dict[str, str]) -> rx.Var[str]:
    """A per-locale dict made in Python, shown in the current language."""
    return rx.Var.create(texts)[AuthState.locale].to(str)


def role_badge(role: rx.Var, color: rx.Var) -> rx.Component:
    """A role in words, coloured per role."""
    label = rx.match(role, *[(r, t(f"role.{r}")) for r in ALL_ROLES], role)
    return rx.badge(label, color_scheme=color, variant="soft")


def form_field(label_key: str, field: str, control: rx.Component, errors: rx.Var, hint: rx.Component | None = None,
               required: bool = False) -> rx.Component:
    """Label above, control, then the field's error (or its help) under it."""
    return rx.vstack(
        rx.hstack(rx.text(t(label_key), size="2", weight="medium"),
                  rx.text("*", color="var(--red-9)") if required else rx.fragment(), spacing="1"),
        control,
        rx.cond(errors.contains(field),
                rx.text(errors[field][AuthState.locale], size="1", color="var(--red-11)", id=f"error-{field}"),
                hint or rx.fragment()),
        spacing="1", width="100%",
    )


def help_text(content: rx.Var | str) -> rx.Component:
    """Grey help text under a field."""
    return rx.text(content, size="1", color="var(--gray-10)")


def header_cells(*keys: str) -> rx.Component:
    """A table header from translation keys."""
    return rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k)) for k in keys]))


def empty_state(icon: str, title_key: str, body_key: str, element_id: str,
                action: rx.Component | None = None) -> rx.Component:
    """A friendly empty state that says what to do first."""
    return rx.center(rx.vstack(
        rx.center(rx.icon(icon, size=26, color="var(--accent-9)"), width="52px", height="52px",
                  border_radius="50%", background="var(--accent-3)"),
        rx.text(t(title_key), weight="medium"),
        rx.text(t(body_key), size="2", color="var(--gray-11)", text_align="center", max_width="420px"),
        action or rx.fragment(), align="center", spacing="2"), padding="40px", width="100%", id=element_id)


def when_cell(value: rx.Var, ago: rx.Var, none_key: str) -> rx.Component:
    """A Shanghai time with the relative time under it, or a grey 'never'."""
    return rx.cond(value != "", rx.vstack(rx.text(value, size="2"), rx.text(ago, size="1", color="var(--gray-10)"),
                                          spacing="0"),
                   rx.text(t(none_key), size="2", color="var(--gray-9)"))


# ---------------------------------------------------------------- tokens (tab and page)


def _token_row(r: rx.Var) -> rx.Component:
    """One token; revoking is offered while it works."""
    status = rx.match(r["status"], ("active", t("tokens.status_active")), ("expired", t("tokens.status_expired")),
                      t("tokens.status_revoked"))
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(r["name"], weight="medium", size="2"),
                                rx.code(r["prefix"], "…", size="1", variant="ghost", color_scheme="gray"),
                                spacing="1")),
        rx.table.cell(role_badge(r["role"], r["role_color"])),
        rx.table.cell(rx.cond(r["read_only"] == "1", rx.badge(t("tokens.access_read"), color_scheme="blue"),
                              rx.badge(t("tokens.access_full"), color_scheme="gray"))),
        rx.table.cell(rx.text(r["created"], size="2")),
        rx.table.cell(when_cell(r["last_used"], r["used_ago_" + AuthState.locale], "tokens.never_used")),
        rx.table.cell(when_cell(r["expires"], r["expires_in_" + AuthState.locale], "tokens.never_expires")),
        rx.table.cell(rx.badge(status, color_scheme=r["status_color"], id="token-status-" + r["id"])),
        rx.table.cell(rx.cond(r["status"] == "active",
                              rx.button(t("tokens.revoke"), size="1", variant="soft", color_scheme="red",
                                        on_click=TokensState.ask_revoke(r["id"]), id="revoke-" + r["id"]),
                              rx.fragment())),
        id="token-row-" + r["id"], class_name="token-row", align="center",
    )


def _token_input(field: str, **props: object) -> rx.Component:
    """A text input bound to one field of the create-token form."""
    return rx.input(value=TokensState.form[field], on_change=lambda v: TokensState.set_field(field, v),
                    id=f"token-{field}", width="100%", **props)


def _create_token_dialog() -> rx.Component:
    """Name, lifetime, role (admins may pick a lesser one), read-only."""
    errors = TokensState.errors
    is_admin = TokensState.roles.length() > 1
    role = rx.select.root(
        rx.select.trigger(width="100%", id="token-role"),
        rx.select.content(rx.foreach(TokensState.roles, lambda r: rx.select.item(
            rx.match(r, *[(x, t(f"role.{x}")) for x in ALL_ROLES], r), value=r))),
        value=TokensState.form["role"], on_change=lambda v: TokensState.set_field("role", v), disabled=~is_admin)
    days = rx.vstack(
        _token_input("days", type="number", min="1", max=str(token_service.MAX_DAYS), disabled=TokensState.never),
        rx.checkbox(t("tokens.never_expire_check"), checked=TokensState.never, on_change=TokensState.set_never,
                    size="1", id="token-never"),
        spacing="2", width="100%")
    return rx.dialog.root(rx.dialog.content(
        rx.dialog.title(t("tokens.new")),
        rx.dialog.description(t("tokens.create_help"), size="2", color="var(--gray-11)"),
        rx.grid(
            rx.box(form_field("tokens.field_name", "name", _token_input("name", max_length=token_service.NAME_MAX),
                          errors, help_text(t("tokens.help_name")), True), grid_column="span 2"),
            form_field("tokens.field_days", "days", days, errors,
                   help_text(local_text(view.both("tokens.help_days", max=token_service.MAX_DAYS)))),
            form_field("tokens.field_role", "role", role, errors,
                   help_text(rx.cond(is_admin, t("tokens.help_role_admin"), t("tokens.help_role_own")))),
            rx.box(rx.vstack(
                rx.hstack(rx.switch(checked=TokensState.read_only, on_change=TokensState.set_read_only,
                                    id="token-read-only"),
                          rx.text(t("tokens.field_read_only"), size="2", weight="medium"), align="center"),
                help_text(t("tokens.help_read_only")), spacing="1"), grid_column="span 2"),
            columns="2", spacing="4", width="100%", margin_top="16px"),
        rx.hstack(
            rx.dialog.close(rx.button(t("settings.cancel"), variant="soft", color_scheme="gray")),
            rx.button(t("tokens.create"), on_click=TokensState.create, loading=TokensState.saving, id="token-save"),
            justify="end", spacing="3", margin_top="20px"),
        max_width="600px", id="create-token-dialog"),
        open=TokensState.create_open, on_open_change=TokensState.set_create_open)


def _new_token_dialog() -> rx.Component:
    """The plaintext token, once: copy button, warning, and a call to try it with."""
    return rx.alert_dialog.root(rx.alert_dialog.content(
        rx.alert_dialog.title(t("tokens.created_title")),
        rx.alert_dialog.description(rx.text(TokensState.new_name, weight="medium"), size="2"),
        rx.vstack(
            rx.callout(t("tokens.created_warning"), icon="triangle_alert", color_scheme="amber", size="1",
                       width="100%", id="new-token-warning"),
            rx.hstack(
                rx.code(TokensState.new_token, size="2", id="new-token-value",
                        style={"word_break": "break-all", "padding": "8px 10px", "flex": "1"}),
                rx.button(rx.icon("copy", size=14), t("tokens.copy"), id="new-token-copy",
                          on_click=[rx.set_clipboard(TokensState.new_token), rx.toast.success(t("tokens.copied"))]),
                width="100%", align="center", spacing="2"),
            rx.text(t("tokens.try_it"), size="2", weight="medium"),
            rx.code_block(TokensState.new_example, language="bash", wrap_long_lines=True, font_size="12px",
                          width="100%"),
            spacing="3", width="100%", margin_top="12px"),
        rx.hstack(rx.alert_dialog.action(rx.button(t("tokens.done"), on_click=TokensState.close_new,
                                                   id="new-token-done")),
                  justify="end", margin_top="16px"),
        max_width="640px"),
        open=TokensState.new_open)


def _revoke_dialog() -> rx.Component:
    """Confirmation before revoking a token."""
    return rx.alert_dialog.root(rx.alert_dialog.content(
        rx.alert_dialog.title(t("tokens.revoke_title")),
        rx.alert_dialog.description(rx.vstack(rx.text.strong(TokensState.confirm_name),
                                              rx.text(t("tokens.revoke_body"), size="2"), spacing="2")),
        rx.hstack(
            rx.alert_dialog.cancel(rx.button(t("settings.cancel"), variant="soft", color_scheme="gray")),
            rx.alert_dialog.action(rx.button(t("tokens.revoke"), color_scheme="red",
                                             on_click=TokensState.confirm_revoke, id="revoke-confirm")),
            justify="end", spacing="3", margin_top="16px"),
        max_width="460px"),
        open=TokensState.confirm_open, on_open_change=TokensState.set_confirm_open)


def _how_to() -> rx.Component:
    """How to call the API with a token: a curl call on this server and the API reference."""
    return rx.card(rx.vstack(
        rx.hstack(rx.icon("terminal", size=16), rx.text(t("tokens.how_title"), weight="medium"), rx.spacer(),
                  rx.button(rx.icon("copy", size=14), t("tokens.copy_command"), size="1", variant="soft",
                            on_click=[rx.set_clipboard(TokensState.example), rx.toast.success(t("tokens.copied"))],
                            id="api-example-copy"),
                  align="center", width="100%"),
        rx.text(t("tokens.how_body"), size="2", color="var(--gray-11)"),
        rx.box(rx.code_block(TokensState.example, language="bash", font_size="12px"), width="100%",
               id="api-example"),
        rx.link(rx.hstack(rx.icon("book_open", size=14), t("tokens.docs_link"), align="center", spacing="1"),
                href=TokensState.docs, is_external=True, id="api-docs-link", size="2"),
        spacing="3", width="100%"), width="100%")


def new_token_button(element_id: str = "new-token") -> rx.Component:
    """The primary action of the tokens page."""
    return rx.button(rx.icon("plus", size=16), t("tokens.new"), on_click=TokensState.open_create, id=element_id)


def tokens_panel(note: bool = False) -> rx.Component:
    """The user's tokens, the dialogs, and the how-to card."""
    table = rx.table.root(
        header_cells("tokens.col_name", "tokens.col_role", "tokens.col_access", "tokens.col_created",
                      "tokens.col_last_used", "tokens.col_expires", "tokens.col_status", "tokens.col_actions"),
        rx.table.body(rx.foreach(TokensState.rows, _token_row)), width="100%", variant="surface", id="tokens-table")
    return rx.vstack(
        rx.cond(note, rx.callout(t("tokens.admin_note"), icon="info", size="1", width="100%"), rx.fragment()),
        rx.card(rx.cond(TokensState.rows.length() > 0, table,
                        rx.cond(TokensState.loaded,
                                empty_state("key_round", "tokens.empty_title", "tokens.empty_body", "tokens-empty"),
                                rx.center(rx.spinner(), padding="40px", width="100%"))), width="100%"),
        _how_to(), _create_token_dialog(), _new_token_dialog(), _revoke_dialog(),
        spacing="4", width="100%")


# ---------------------------------------------------------------- page


def account_tokens_page() -> rx.Component:
    """/account/tokens: the shell without a sidebar section, for any logged-in role."""
    body = rx.cond(
        AuthState.logged_in,
        rx.vstack(page_header(ACCOUNT, new_token_button()), tokens_panel(), spacing="5", width="100%"),
        rx.center(rx.spinner(size="3"), padding="80px"))
    return rx.hstack(
        sidebar(""),
        rx.vstack(topbar(ACCOUNT), rx.box(body, padding="24px", width="100%", max_width="1280px"),
                  spacing="0", width="100%", min_height="100vh"),
        spacing="0", width="100%", background="var(--gray-2)", align="start",
        custom_attrs={"lang": AuthState.locale})
