"""Login session, current user, role guard and UI language of the Reflex app.

The browser keeps only the session token (a cookie) and the chosen language (local storage). Every
page's ``on_load`` runs ``AuthState.guard(section)`` on the server: no live session -> login page;
a role that may not open the section -> ``forbidden`` is set and the page shows a 403 message.
Handlers that read data check the session again themselves (see ``AuthState.user_for``).
"""

from __future__ import annotations

import reflex as rx

from app.i18n import DEFAULT_LOCALE, LOCALES, entry, normalise_locale
from app.nav import BY_KEY, safe_next
from services import auth

SESSION_COOKIE = "shuying_session"
LOCALE_KEY = "shuying_locale"


def t(key: str) -> rx.Var[str]:
    """The string for ``key`` in the current UI language (switches in the browser, no round trip)."""
    return rx.Var.create(entry(key))[AuthState.locale].to(str)


class AuthState(rx.State):
    """Who is logged in, what they may see, and in which language."""

    token: str = rx.Cookie("", name=SESSION_COOKIE, same_site="strict", path="/")
    locale: str = rx.LocalStorage(DEFAULT_LOCALE, name=LOCALE_KEY, sync=True)
    # "1" once this browser's user picked a language; otherwise a login adopts the account's
    locale_picked: str = rx.LocalStorage("", name=LOCALE_KEY + "_picked")

    user_id: int = 0
    username: str = ""
    display_name: str = ""
    role: str = ""
    section: str = "dashboard"
    forbidden: bool = False
    checked: bool = False
    sidebar_collapsed: bool = False

    # login form
    username_missing: bool = False
    password_missing: bool = False
    login_failed: bool = False
    # > 0 while too many failed sign-ins lock the username or this address: minutes to wait
    throttled_minutes: int = 0
    logging_in: bool = False

    @rx.var
    def logged_in(self) -> bool:
        """True once the server has confirmed the session."""
        return self.user_id > 0

    @rx.var
    def role_label_key(self) -> str:
        """Translation key of the user's role."""
        return f"role.{self.role}" if self.role else ""

    def _clear_user(self) -> None:
        """Forget the user (the token stays until logout or login replaces it)."""
        self.user_id, self.username, self.display_name, self.role = 0, "", "", ""
        self.forbidden = False

    def _set_user(self, user: auth.UserInfo) -> None:
        """Remember who is logged in."""
        self.user_id, self.username = user.id, user.username
        self.display_name, self.role = user.display_name, user.role

    def user_for(self, section: str) -> auth.UserInfo | None:
        """The session's user if it may open ``section`` (checked against the database)."""
        user = auth.current_user(self.token)
        if user is None or not auth.has_role(user, *BY_KEY[section].roles):
            return None
        return user

    @rx.event
    def guard(self, section: str):
        """``on_load`` of every page: redirect to login without a session, flag a 403 by role."""
        user = auth.current_user(self.token)
        self.section = section if section in BY_KEY else "dashboard"
        self.checked = True
        if user is None:
            self._clear_user()
            route = BY_KEY[self.section].route
            return rx.redirect("/login" + (f"?next={route}" if route != "/" else ""))
        self._set_user(user)
        self.forbidden = not auth.has_role(user, *BY_KEY[self.section].roles)
        return None

    @rx.event
    def login_page_loaded(self):
        """``on_load`` of the login page: skip it when the session is still valid."""
        self.username_missing = self.password_missing = self.login_failed = False
        self.logging_in, self.throttled_minutes = False, 0
        if auth.current_user(self.token) is not None:
            return rx.redirect(safe_next(self.router.url.query_parameters.get("next")))
        return None

    @rx.event
    def login(self, form: dict[str, str]):
        """Check the form, then the credentials; on success go to the requested section.

        Too many failed sign-ins (services.login_throttle) show how many minutes to wait instead.
        """
        username = (form.get("username") or "").strip()
        password = form.get("password") or ""
        self.username_missing, self.password_missing = not username, not password
        self.login_failed, self.throttled_minutes = False, 0
        if self.username_missing or self.password_missing:
            return
        self.logging_in = True
        yield
        try:
            token = auth.login(username, password, address=self.router.session.client_ip or None)
            user = auth.current_user(token)
        except auth.InvalidCredentials:
            user = None
        except auth.LoginThrottled as refused:
            self.logging_in, self.throttled_minutes = False, refused.minutes
            return
        self.logging_in = False
        if user is None:
            self.login_failed = True
            return
        self.token = token
        self._set_user(user)
        self._adopt_locale(user)
        yield rx.redirect(safe_next(self.router.url.query_parameters.get("next")))

    def _adopt_locale(self, user: auth.UserInfo) -> None:
        """A language picked in this browser wins (and is saved); else the account's applies."""
        if self.locale_picked and self.locale in LOCALES:
            if self.locale != user.locale:
                auth.set_locale(user.id, self.locale)
        else:
            self.locale = normalise_locale(user.locale)

    @rx.event
    def logout(self):
        """End the session on the server and in the browser."""
        auth.logout(self.token)
        self.token = ""
        self._clear_user()
        return rx.redirect("/login")

    @rx.event
    def set_language(self, locale: str):
        """Switch the UI language; remembered in the browser and on the user's account."""
        if locale not in LOCALES:
            return
        self.locale = locale
        self.locale_picked = "1"
        if self.user_id and auth.current_user(self.token) is not None:
            auth.set_locale(self.user_id, locale)

    @rx.event
    def toggle_sidebar(self):
        """Collapse or expand the sidebar."""
        self.sidebar_collapsed = not self.sidebar_collapsed
