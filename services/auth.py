"""Users, passwords and login sessions of the Reflex app.

Passwords are hashed with argon2id (argon2-cffi). A login returns a random session token; the
database keeps only an HMAC-SHA256 of it (``UserSession.token_hash``), so a leaked database does not
leak live sessions. Every login attempt, successful or not, writes one ``AuditLog`` row; a failed
attempt always raises the same ``InvalidCredentials`` error, whether the user is unknown, inactive
or the password is wrong, and changes nothing else but the throttle's count (services.login_throttle):
too many failures for a username or from a client address raise ``LoginThrottled`` for a while,
without the password being checked.

The demo accounts (``DEMO_USERS``, password ``DEMO_PASSWORD``) are the single source of truth for the
README and ``make run``: ``python -m services.auth --print-demo-logins`` prints them.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from services import login_throttle
from storage.db import session_scope
from storage.models import AuditLog, User, UserSession
from storage.settings import get_settings

ROLES: tuple[str, ...] = ("admin", "marketer", "designer", "analyst")
LOCALES: tuple[str, ...] = ("zh-CN", "en")
USERNAME_MAX = 64
PASSWORD_MIN = 8

DEMO_PASSWORD = "Shuying@2026"


@dataclass(frozen=True)
class DemoUser:
    """One demo account created by ``ensure_demo_users``."""

    username: str
    role: str
    display_name: str


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "admin", "系统管理员"),
    DemoUser("marketer", "marketer", "市场运营 小林"),
    DemoUser("designer", "designer", "活动设计 小周"),
    DemoUser("analyst", "analyst", "数据分析 小陈"),
)

_hasher = PasswordHasher()
# Verified against when the user does not exist, so unknown users cost the same time as known ones.
_DUMMY_HASH = _hasher.hash("shuying-no-such-user")


class AuthError(ValueError):
    """Root of the errors raised by this module."""


class InvalidCredentials(AuthError):
    """Wrong username or password, or an inactive account: deliberately indistinguishable."""

    def __init__(self) -> None:
        super().__init__("invalid_credentials")


class LoginThrottled(AuthError):
    """Too many failed sign-ins for this username or from this address: refused unchecked for a while.

    ``scope`` is "username" or "address"; ``retry_after`` the seconds until sign-ins are accepted.
    """

    def __init__(self, scope: str, retry_after: int) -> None:
        self.scope = scope
        self.retry_after = retry_after
        super().__init__(f"too many failed sign-ins for this {scope}; try again in {retry_after} s")

    @property
    def minutes(self) -> int:
        """Whole minutes to wait (at least 1), for messages."""
        return max(1, math.ceil(self.retry_after / 60))


class PermissionDenied(AuthError):
    """The user's role may not do this (or nobody is logged in)."""

    def __init__(self, role: str | None, allowed: tuple[str, ...]) -> None:
        self.role = role
        self.allowed = allowed
        super().__init__(f"role {role!r} is not one of {', '.join(allowed)}")


class UserValidationError(AuthError):
    """Bad input to ``create_user``; ``errors`` maps each field to its problem."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in errors.items()))


class UsernameTaken(UserValidationError):
    """``create_user`` with a username that already exists (a conflict, not a bad value)."""

    def __init__(self) -> None:
        super().__init__({"username": "already taken"})


@dataclass(frozen=True)
class UserInfo:
    """What the app may know about the logged-in user (never the password hash)."""

    id: int
    username: str
    display_name: str
    role: str
    locale: str


# --- passwords ---------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    """Argon2id hash of ``password`` (salted, parameters embedded in the string)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``; never raises for a bad hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _token_hash(token: str) -> str:
    """HMAC-SHA256 of a session token, keyed with the app secret; this is what the DB stores."""
    key = get_settings().secret_key.get_secret_value().encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def _now(now: datetime | None) -> datetime:
    """The given time or the current UTC time, always timezone-aware."""
    return _aware(now) if now is not None else datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes; they are stored as UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _normalise_username(username: str) -> str:
    """Usernames are case-insensitive and trimmed."""
    return (username or "").strip().lower()


def _info(user: User) -> UserInfo:
    """The public view of a user row."""
    return UserInfo(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        locale=user.locale or get_settings().default_locale,
    )


def _audit(s: Session, actor: str, action: str, entity_id: Any, details: dict[str, Any]) -> None:
    """Append one audit-log row in the caller's transaction."""
    s.add(
        AuditLog(
            actor=actor[:USERNAME_MAX],
            action=action,
            entity_type="user",
            entity_id=str(entity_id) if entity_id is not None else "",
            details=details,
            occurred_at=datetime.now(UTC),
        )
    )


# --- users -------------------------------------------------------------------------------------


def _validate_user(username: str, password: str, role: str, display_name: str, locale: str) -> None:
    """Collect every problem with a new user's fields, then raise them together."""
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = "required"
    elif len(username) > USERNAME_MAX or not all(c.isalnum() or c in "._-" for c in username):
        errors["username"] = f"letters, digits, '.', '_' or '-', at most {USERNAME_MAX} characters"
    if len(password or "") < PASSWORD_MIN:
        errors["password"] = f"at least {PASSWORD_MIN} characters"
    if role not in ROLES:
        errors["role"] = f"one of {', '.join(ROLES)}"
    if not (display_name or "").strip():
        errors["display_name"] = "required"
    if locale not in LOCALES:
        errors["locale"] = f"one of {', '.join(LOCALES)}"
    if errors:
        raise UserValidationError(errors)


def _insert_user(
    s: Session, username: str, password: str, role: str, display_name: str, locale: str,
    actor: str = "system",
) -> User:
    """Validate and add a user in the given session; raises if the username is taken."""
    name = _normalise_username(username)
    _validate_user(name, password, role, display_name, locale)
    if s.scalar(select(User.id).where(User.username == name)) is not None:
        raise UsernameTaken()
    user = User(
        username=name,
        display_name=display_name.strip(),
        password_hash=hash_password(password),
        role=role,
        is_active=True,
        locale=locale,
        created_at=datetime.now(UTC),
    )
    s.add(user)
    s.flush()
    _audit(s, actor, "user.create", user.id, {"username": name, "role": role})
    return user


def create_user(
    username: str, password: str, role: str, display_name: str, locale: str = "zh-CN",
    *, actor: str = "system",
) -> UserInfo:
    """Create an active user; raises ``UserValidationError`` naming each bad field.

    ``UsernameTaken`` (a ``UserValidationError``) when the username exists; ``actor`` is audited.
    """
    with session_scope() as s:
        return _info(_insert_user(s, username, password, role, display_name, locale, actor))


@dataclass(frozen=True)
class UserListing:
    """A user as an admin sees it in a list."""

    info: UserInfo
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None


def list_users() -> list[UserListing]:
    """Every user, by username (never a password hash)."""
    with session_scope() as s:
        return [
            UserListing(_info(u), u.is_active, _aware(u.created_at),
                        _aware(u.last_login_at) if u.last_login_at else None)
            for u in s.scalars(select(User).order_by(User.username))
        ]


def ensure_demo_users() -> list[UserInfo]:
    """Create the demo accounts that do not exist yet (idempotent); returns all of them."""
    with session_scope() as s:
        users = []
        for demo in DEMO_USERS:
            user = s.scalar(select(User).where(User.username == demo.username))
            if user is None:
                user = _insert_user(s, demo.username, DEMO_PASSWORD, demo.role, demo.display_name, "zh-CN")
            users.append(_info(user))
        return users


def set_active(username: str, active: bool, *, actor: str = "system") -> None:
    """Activate or deactivate an account; deactivation also ends its open sessions (``actor`` audited)."""
    with session_scope() as s:
        user = s.scalar(select(User).where(User.username == _normalise_username(username)))
        if user is None:
            raise UserValidationError({"username": "no such user"})
        user.is_active = active
        if not active:
            _revoke_all(s, user.id)
        _audit(s, actor, "user.activate" if active else "user.deactivate", user.id,
               {"username": user.username})


def set_locale(user_id: int, locale: str) -> None:
    """Remember the UI language a user picked."""
    if locale not in LOCALES:
        raise UserValidationError({"locale": f"one of {', '.join(LOCALES)}"})
    with session_scope() as s:
        user = s.get(User, user_id)
        if user is not None:
            user.locale = locale


# --- sessions ----------------------------------------------------------------------------------


def login(
    username: str, password: str, *, address: str | None = None, now: datetime | None = None
) -> str:
    """Check the credentials and open a session; returns the session token (shown once).

    Raises ``InvalidCredentials`` for an unknown user, a wrong password or an inactive account,
    after the same amount of hashing work; only an audit entry and the throttle's count are written
    then. Raises ``LoginThrottled`` (nothing written) while the username or the client ``address``
    is locked after too many failures.
    """
    at = _now(now)
    with session_scope() as s:
        user = check_credentials(s, username, password, address=address, now=at)
        token = _open_session(s, user, at) if user is not None else ""
    if user is None:
        raise InvalidCredentials()
    return token


def check_credentials(
    s: Session, username: str, password: str, via: str = "", *, address: str | None = None,
    now: datetime | None = None,
) -> User | None:
    """The active user with these credentials, in the caller's unit of work, or None.

    Costs the same hashing work for unknown users; a failure adds one ``login.failed`` audit row (with
    the reason, ``via`` and the client ``address``) and counts against the username and the client ``address`` (so the caller should commit, then raise
    ``InvalidCredentials``); a success clears the username's count. Raises ``LoginThrottled`` before
    looking at the password while either is locked. ``via`` is audited (e.g. "api").
    """
    name = _normalise_username(username)
    at = _now(now)
    refused = login_throttle.refusal(s, name, address, at)
    if refused is not None:
        raise LoginThrottled(refused.scope, refused.retry_after(at))
    user = s.scalar(select(User).where(User.username == name)) if name else None
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password or "")
    failure: str | None = None
    if user is None:
        failure = "unknown_user"
    elif not ok:
        failure = "wrong_password"
    elif not user.is_active:
        failure = "inactive"
    if failure is not None:
        details = {"reason": failure, **({"via": via} if via else {}), **({"address": address} if address else {})}
        _audit(s, name or "-", "login.failed", user.id if user else None, details)
        login_throttle.record_failure(s, name, address, at, via=via, user_id=user.id if user else None)
        return None
    assert user is not None
    login_throttle.record_success(s, name)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def user_info(user: User) -> UserInfo:
    """The public view of a user row (for services that looked the row up themselves)."""
    return _info(user)


def _open_session(s: Session, user: User, at: datetime) -> str:
    """Record a new session for ``user`` and return its token."""
    token = secrets.token_urlsafe(32)
    hours = get_settings().session_hours
    expires = at + timedelta(hours=hours)
    s.add(UserSession(token_hash=_token_hash(token), user_id=user.id, created_at=at, expires_at=expires))
    user.last_login_at = at
    _audit(s, user.username, "login", user.id, {})
    return token


def current_user(token: str | None, *, now: datetime | None = None) -> UserInfo | None:
    """The user of a live session token, or None (unknown, expired, revoked or inactive)."""
    if not token:
        return None
    at = _now(now)
    with session_scope() as s:
        row = s.execute(
            select(UserSession, User)
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.token_hash == _token_hash(token))
        ).first()
        if row is None:
            return None
        sess, user = row
        if sess.revoked_at is not None or _aware(sess.expires_at) <= at or not user.is_active:
            return None
        return _info(user)


def logout(token: str | None) -> None:
    """End the session of ``token``; unknown or already ended tokens are ignored."""
    if not token:
        return
    with session_scope() as s:
        sess = s.scalar(select(UserSession).where(UserSession.token_hash == _token_hash(token)))
        if sess is None or sess.revoked_at is not None:
            return
        sess.revoked_at = datetime.now(UTC)
        user = s.get(User, sess.user_id)
        _audit(s, user.username if user else "-", "logout", sess.user_id, {})


def _revoke_all(s: Session, user_id: int) -> None:
    """Revoke every open session of a user."""
    at = datetime.now(UTC)
    for sess in s.scalars(
        select(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
    ):
        sess.revoked_at = at


# --- roles -------------------------------------------------------------------------------------


def has_role(user: UserInfo | None, *roles: str) -> bool:
    """True when a user is logged in and has one of ``roles`` (no roles given = any user)."""
    return user is not None and (not roles or user.role in roles)


def require_role(user: UserInfo | None, *roles: str) -> UserInfo:
    """Return ``user`` if it has one of ``roles``; else raise ``PermissionDenied``."""
    if not has_role(user, *roles):
        raise PermissionDenied(user.role if user else None, tuple(roles))
    assert user is not None
    return user


def demo_logins_text() -> str:
    """The demo accounts as printable lines (README, ``make run``)."""
    lines = ["Demo logins (password for all: %s):" % DEMO_PASSWORD]
    lines += [f"  {d.username:<9} role {d.role:<8} {d.display_name}" for d in DEMO_USERS]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """CLI: ``--print-demo-logins`` prints them; ``--ensure-demo-users`` creates them first."""
    if "--ensure-demo-users" in argv:
        ensure_demo_users()
    if "--print-demo-logins" in argv or "--ensure-demo-users" in argv:
        print(demo_logins_text())
        return 0
    print("usage: python -m services.auth [--ensure-demo-users] [--print-demo-logins]")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
