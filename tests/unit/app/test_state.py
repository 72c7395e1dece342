"""The login/guard/language handlers of AuthState, with the auth service replaced by a fake."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.state import AuthState
from services import auth

ADMIN = auth.UserInfo(id=1, username="admin", display_name="管理员", role="admin", locale="zh-CN")
DESIGNER = auth.UserInfo(id=3, username="designer", display_name="设计", role="designer", locale="en")


class FakeAuth:
    """Sessions in a dict; records the calls the handlers make."""

    def __init__(self) -> None:
        self.sessions: dict[str, auth.UserInfo] = {}
        self.users = {"admin": ADMIN, "designer": DESIGNER}
        self.logins: list[str] = []
        self.addresses: list[str | None] = []
        self.locked: dict[str, int] = {}  # username -> seconds left
        self.logged_out: list[str] = []
        self.locales: list[tuple[int, str]] = []

    def login(self, username: str, password: str, *, address: str | None = None) -> str:
        self.logins.append(username)
        self.addresses.append(address)
        if username in self.locked:
            raise auth.LoginThrottled("username", self.locked[username])
        if username not in self.users or password != "right-password":
            raise auth.InvalidCredentials()
        token = f"token-{username}"
        self.sessions[token] = self.users[username]
        return token

    def current_user(self, token: str | None) -> auth.UserInfo | None:
        return self.sessions.get(token or "")

    def logout(self, token: str | None) -> None:
        self.logged_out.append(token or "")
        self.sessions.pop(token or "", None)

    def set_locale(self, user_id: int, locale: str) -> None:
        self.locales.append((user_id, locale))


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeAuth:
    f = FakeAuth()
    for name in ("login", "current_user", "logout", "set_locale"):
        monkeypatch.setattr(auth, name, getattr(f, name))
    return f


@pytest.fixture
def state() -> AuthState:
    return AuthState()


def _run(result: Any) -> list[Any]:
    """Drive a handler that may be a generator; return what it yielded/returned."""
    if isinstance(result, Iterator):
        return [r for r in result if r is not None]
    return [result] if result is not None else []


def _redirect_target(events: list[Any]) -> str | None:
    """The path of the last ``rx.redirect`` among a handler's events."""
    for event in reversed(events):
        handler = getattr(event, "handler", None)
        if handler is not None and handler.fn.__qualname__.endswith("_redirect"):
            return dict((name._js_expr, value._var_value) for name, value in event.args)["path"]
    return None


def test_login_with_empty_fields_marks_both_and_does_not_ask_the_service(fake: FakeAuth, state: AuthState) -> None:
    _run(state.login({"username": "  ", "password": ""}))
    assert state.username_missing and state.password_missing
    assert fake.logins == [] and state.token == "" and not state.login_failed


def test_login_with_a_wrong_password_shows_the_one_error_and_keeps_the_user_out(fake: FakeAuth, state: AuthState) -> None:
    events = _run(state.login({"username": "admin", "password": "nope"}))
    assert state.login_failed and not state.logging_in
    assert state.token == "" and state.user_id == 0 and _redirect_target(events) is None


def test_login_with_an_unknown_user_shows_the_same_error(fake: FakeAuth, state: AuthState) -> None:
    _run(state.login({"username": "ghost", "password": "right-password"}))
    assert state.login_failed and state.token == ""


def test_a_locked_username_shows_the_minutes_to_wait_instead_of_the_wrong_password_error(
    fake: FakeAuth, state: AuthState
) -> None:
    fake.locked["admin"] = 14 * 60 + 1
    events = _run(state.login({"username": "admin", "password": "right-password"}))
    assert state.throttled_minutes == 15 and not state.login_failed and not state.logging_in
    assert state.token == "" and _redirect_target(events) is None
    assert fake.addresses == [None]  # no client address outside a browser connection

    del fake.locked["admin"]
    _run(state.login({"username": "admin", "password": "nope"}))
    assert state.throttled_minutes == 0 and state.login_failed


def test_a_successful_login_keeps_the_token_and_goes_to_the_dashboard(fake: FakeAuth, state: AuthState) -> None:
    events = _run(state.login({"username": "admin", "password": "right-password"}))
    assert state.token == "token-admin" and state.role == "admin" and state.logged_in
    assert not state.login_failed and _redirect_target(events) == "/"


def test_login_adopts_the_accounts_language_unless_this_browser_picked_one(fake: FakeAuth, state: AuthState) -> None:
    _run(state.login({"username": "designer", "password": "right-password"}))
    assert state.locale == "en" and fake.locales == []

    other = AuthState()
    other.locale, other.locale_picked = "zh-CN", "1"
    _run(other.login({"username": "designer", "password": "right-password"}))
    assert other.locale == "zh-CN" and fake.locales == [(3, "zh-CN")]


def test_the_guard_sends_visitors_without_a_session_to_login_with_the_way_back(fake: FakeAuth, state: AuthState) -> None:
    events = _run(state.guard("rules"))
    assert _redirect_target(events) == "/login?next=/rules"
    assert not state.logged_in


def test_the_guard_forbids_a_section_the_role_may_not_open(fake: FakeAuth, state: AuthState) -> None:
    fake.sessions["t"] = DESIGNER
    state.token = "t"
    assert _run(state.guard("settings")) == []
    assert state.forbidden and state.role == "designer" and state.section == "settings"
    _run(state.guard("pages"))
    assert not state.forbidden


def test_the_guard_lets_an_admin_into_admin_sections(fake: FakeAuth, state: AuthState) -> None:
    fake.sessions["t"] = ADMIN
    state.token = "t"
    _run(state.guard("data_sources"))
    assert not state.forbidden and state.logged_in


def test_user_for_checks_the_role_against_the_section(fake: FakeAuth, state: AuthState) -> None:
    fake.sessions["t"] = DESIGNER
    state.token = "t"
    assert state.user_for("dashboard") == DESIGNER
    assert state.user_for("settings") is None


def test_logout_ends_the_session_and_goes_to_login(fake: FakeAuth, state: AuthState) -> None:
    fake.sessions["t"] = ADMIN
    state.token = "t"
    _run(state.guard("dashboard"))
    events = _run(state.logout())
    assert fake.logged_out == ["t"] and state.token == "" and not state.logged_in
    assert _redirect_target(events) == "/login"


def test_the_language_switch_accepts_only_supported_languages_and_saves_for_the_user(fake: FakeAuth, state: AuthState) -> None:
    fake.sessions["t"] = ADMIN
    state.token = "t"
    _run(state.guard("dashboard"))
    _run(state.set_language("fr"))
    assert state.locale == "zh-CN" and fake.locales == []
    _run(state.set_language("en"))
    assert state.locale == "en" and state.locale_picked == "1" and fake.locales == [(1, "en")]
