"""Login throttling through services.auth (web login) and services.tokens (token endpoint), with an
injected clock: counting, the window, the cool-down, success resets, the per-address limit, audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from services import auth, login_throttle, tokens
from storage.db import session_scope
from storage.models import AuditLog, LoginThrottle
from storage.repositories import login_throttles
from storage.settings import Settings, get_settings

PASSWORD = "Correct-Horse-9"
T0 = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
HERE = "192.0.2.10"


@pytest.fixture
def alice(db: Engine) -> auth.UserInfo:
    return auth.create_user("alice", PASSWORD, "analyst", "Alice", "en")


def _fail(username: str = "alice", at: datetime = T0, address: str | None = HERE) -> None:
    """One wrong password, which must be refused as invalid credentials (not throttled)."""
    with pytest.raises(auth.InvalidCredentials):
        auth.login(username, "not-the-password", address=address, now=at)


def _row(scope: str, key: str) -> login_throttles.ThrottleRecord | None:
    with session_scope() as s:
        return login_throttles.get(s, scope, key)


def _audits(action: str) -> list[AuditLog]:
    with session_scope() as s:
        return list(s.scalars(sa.select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def test_the_defaults_are_five_failures_per_username_fifty_per_address_in_fifteen_minutes() -> None:
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (defaults.login_max_failures, defaults.login_max_failures_per_address) == (5, 50)
    assert (defaults.login_window_minutes, defaults.login_lockout_minutes) == (15, 15)


def test_failures_are_counted_and_the_fifth_locks_the_username_once(alice: auth.UserInfo) -> None:
    for i in range(4):
        _fail(at=T0 + timedelta(seconds=i))
    row = _row("username", "alice")
    assert row is not None and row.failures == 4 and row.locked_until is None
    assert [a.details for a in _audits("login.failed")][-1] == {"reason": "wrong_password", "address": HERE}
    _fail(at=T0 + timedelta(seconds=4))
    row = _row("username", "alice")
    assert row is not None and row.failures == 5
    assert row.locked_until == T0 + timedelta(seconds=4, minutes=15)

    with pytest.raises(auth.LoginThrottled) as refused:
        auth.login("alice", PASSWORD, address=HERE, now=T0 + timedelta(minutes=1))
    assert refused.value.scope == "username"
    assert refused.value.retry_after == 14 * 60 + 4 and refused.value.minutes == 15

    [locked] = _audits("login.locked")
    assert (locked.actor, locked.entity_type, locked.entity_id) == ("alice", "user", str(alice.id))
    assert locked.details == {
        "scope": "username", "failures": 5, "limit": 5, "window_minutes": 15,
        "locked_until": (T0 + timedelta(seconds=4, minutes=15)).isoformat(), "username": "alice",
        "address": HERE,
    }


def test_a_locked_username_is_refused_without_checking_the_password_or_counting(
    alice: auth.UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(5):
        _fail(at=T0 + timedelta(seconds=i))
    failed = len(_audits("login.failed"))
    checked: list[str] = []
    monkeypatch.setattr(auth, "verify_password", lambda h, p: checked.append(p) or True)
    for minute in (1, 5, 14):
        with pytest.raises(auth.LoginThrottled):
            auth.login("alice", "any-guess-at-all", address=HERE, now=T0 + timedelta(minutes=minute))
    assert checked == []
    assert len(_audits("login.failed")) == failed and len(_audits("login.locked")) == 1
    row = _row("username", "alice")
    assert row is not None and row.failures == 5


def test_the_lockout_ends_after_the_cool_down_and_the_count_starts_again(alice: auth.UserInfo) -> None:
    for i in range(5):
        _fail(at=T0 + timedelta(seconds=i))
    until = T0 + timedelta(seconds=4, minutes=15)
    with pytest.raises(auth.LoginThrottled) as refused:
        auth.login("alice", PASSWORD, now=until - timedelta(seconds=1))
    assert refused.value.retry_after == 1 and refused.value.minutes == 1
    _fail(at=until)  # checked again, and counted from one
    row = _row("username", "alice")
    assert row is not None and row.failures == 1 and row.locked_until is None
    assert auth.current_user(auth.login("alice", PASSWORD, address=HERE, now=until)) is not None


def test_failures_older_than_the_window_do_not_count(alice: auth.UserInfo) -> None:
    for i in range(4):
        _fail(at=T0 + timedelta(minutes=i))
    _fail(at=T0 + timedelta(minutes=15))  # the window of the first failure has passed
    row = _row("username", "alice")
    assert row is not None and row.failures == 1 and row.window_started_at == T0 + timedelta(minutes=15)
    for i in range(3):
        _fail(at=T0 + timedelta(minutes=16 + i))
    assert auth.login("alice", PASSWORD, now=T0 + timedelta(minutes=20))


def test_a_successful_login_clears_the_usernames_count_but_not_the_addresss(alice: auth.UserInfo) -> None:
    for i in range(4):
        _fail(at=T0 + timedelta(seconds=i))
    auth.login("alice", PASSWORD, address=HERE, now=T0 + timedelta(seconds=5))
    assert _row("username", "alice") is None
    address = _row("address", HERE)
    assert address is not None and address.failures == 4
    for i in range(4):
        _fail(at=T0 + timedelta(seconds=6 + i))
    assert auth.login("alice", PASSWORD, address=HERE, now=T0 + timedelta(seconds=11))


def test_the_web_login_and_the_token_endpoint_share_one_count(alice: auth.UserInfo) -> None:
    for i in range(3):
        _fail(at=T0 + timedelta(seconds=i))
    for i in range(2):
        with pytest.raises(auth.InvalidCredentials):
            tokens.login_for_token("alice", "not-the-password", address="198.51.100.1",
                                   now=T0 + timedelta(seconds=3 + i))
    with pytest.raises(auth.LoginThrottled):
        tokens.login_for_token("alice", PASSWORD, now=T0 + timedelta(seconds=6))
    with pytest.raises(auth.LoginThrottled):
        auth.login("Alice ", PASSWORD, now=T0 + timedelta(seconds=6))  # names are normalised
    assert _audits("login.locked")[0].details["via"] == "api"


def test_unknown_and_inactive_usernames_are_locked_like_any_other(alice: auth.UserInfo) -> None:
    auth.set_active("alice", False)
    for name in ("ghost", "alice"):
        for i in range(5):
            _fail(name, at=T0 + timedelta(seconds=i), address=None)
        with pytest.raises(auth.LoginThrottled):
            auth.login(name, PASSWORD, now=T0 + timedelta(seconds=10))
    ghost, locked_alice = _audits("login.locked")
    assert (ghost.actor, ghost.entity_id) == ("ghost", None)
    assert locked_alice.entity_id == str(alice.id)


def test_many_failures_from_one_address_lock_it_for_every_username(
    alice: auth.UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "login_max_failures_per_address", 6)
    for i, name in enumerate(["bob", "carol", "dave", "erin", "frank", "grace"]):
        _fail(name, at=T0 + timedelta(seconds=i))
    with pytest.raises(auth.LoginThrottled) as refused:
        auth.login("alice", PASSWORD, address=HERE, now=T0 + timedelta(minutes=1))
    assert refused.value.scope == "address"
    assert auth.login("alice", PASSWORD, address="198.51.100.1", now=T0 + timedelta(minutes=1))
    assert auth.login("alice", PASSWORD, now=T0 + timedelta(minutes=1))  # no address known: not counted
    [locked] = _audits("login.locked")
    assert (locked.entity_type, locked.entity_id, locked.actor) == ("client_address", HERE, "grace")
    assert locked.details["scope"] == "address" and locked.details["limit"] == 6
    # the cool-down ends
    assert auth.login("alice", PASSWORD, address=HERE, now=T0 + timedelta(seconds=5, minutes=15))


def test_when_both_are_locked_the_later_end_is_the_one_reported(
    alice: auth.UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "login_max_failures_per_address", 7)
    for i in range(5):
        _fail(at=T0 + timedelta(minutes=i))  # alice locked until T0+19min
    for i in range(2):
        _fail("zed", at=T0 + timedelta(minutes=5 + i))  # the 7th from HERE: locked until T0+21min
    with pytest.raises(auth.LoginThrottled) as refused:
        auth.login("alice", PASSWORD, address=HERE, now=T0 + timedelta(minutes=10))
    assert (refused.value.scope, refused.value.retry_after) == ("address", 11 * 60)


def test_the_limits_come_from_the_settings(alice: auth.UserInfo, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = get_settings()
    monkeypatch.setattr(settings, "login_max_failures", 2)
    monkeypatch.setattr(settings, "login_window_minutes", 1)
    monkeypatch.setattr(settings, "login_lockout_minutes", 3)
    _fail(at=T0)
    _fail(at=T0 + timedelta(seconds=61))  # outside the one-minute window: counts as the first
    _fail(at=T0 + timedelta(seconds=62))
    with pytest.raises(auth.LoginThrottled) as refused:
        auth.login("alice", PASSWORD, now=T0 + timedelta(seconds=62))
    assert refused.value.retry_after == 180


def test_stale_rows_are_pruned_by_later_failures(alice: auth.UserInfo) -> None:
    for name in ("old1", "old2"):
        _fail(name, at=T0, address=None)
    _fail("new", at=T0 + timedelta(hours=1), address=None)
    with session_scope() as s:
        keys = set(s.scalars(sa.select(LoginThrottle.key)))
    assert keys == {"new"}


def test_a_running_lockout_is_not_pruned_nor_restarted(db: Engine) -> None:
    limits = login_throttle.Limits(per_username=1, per_address=50, window=timedelta(minutes=1),
                                   lockout=timedelta(hours=2))
    with session_scope() as s:
        started = login_throttle.record_failure(s, "mallory", None, T0, limits=limits)
    assert [lock.scope for lock in started] == ["username"]
    with session_scope() as s:
        again = login_throttle.record_failure(s, "mallory", None, T0 + timedelta(minutes=30), limits=limits)
        login_throttle.record_failure(s, "someone", None, T0 + timedelta(minutes=30), limits=limits)
    assert again == []
    row = _row("username", "mallory")
    assert row is not None and row.locked_until == T0 + timedelta(hours=2)
    with session_scope() as s:
        refused = login_throttle.refusal(s, "mallory", None, T0 + timedelta(minutes=119))
    assert refused is not None and refused.retry_after(T0 + timedelta(minutes=119)) == 60

