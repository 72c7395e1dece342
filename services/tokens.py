"""REST API tokens: create (shown once), list, revoke, and authenticate a bearer token.

A token is ``sy_`` followed by 43 URL-safe random characters (256 bits). The database keeps only
its SHA-256 (``storage.crypto.sha256_hex``; a random 256-bit secret needs no salt or slow hash) and
its first characters as ``prefix`` so the owner can tell tokens apart. Scopes stored with a token:

- ``role:<role>``: the role the token acts with. Everyone may mint a token with their own role; an
  admin may also mint one with a lesser role (say, ``analyst`` for a BI tool). Should the owner's
  role change later, a token whose role is neither the owner's nor minted by an admin stops working.
- ``read``: read-only; the API refuses other than GET/HEAD/OPTIONS with it.

Creating and revoking a token each write one audit row in the same transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from services.auth import ROLES, InvalidCredentials, UserInfo, check_credentials, user_info
from storage.crypto import sha256_hex
from storage.db import session_scope
from storage.repositories import api_tokens, audit
from storage.repositories.api_tokens import ApiTokenRecord
from storage.settings import get_settings

TOKEN_PREFIX = "sy_"
PREFIX_LENGTH = 10  # "sy_" + 7 characters, shown in token lists
NAME_MAX = 128
MAX_DAYS = 365
DEFAULT_DAYS = 30
READ_SCOPE = "read"
# last_used_at is written at most this often per token, so busy clients do not write every call
TOUCH_EVERY = timedelta(minutes=1)


class TokenError(ValueError):
    """Root of the errors raised by this module."""


class TokenValidationError(TokenError):
    """Bad input to ``create_token``; ``errors`` maps each field to its problem."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in errors.items()))


class TokenNotFound(TokenError):
    """No token with this id belongs to the user."""

    def __init__(self, token_id: int) -> None:
        self.token_id = token_id
        super().__init__(f"no token {token_id}")


@dataclass(frozen=True)
class TokenInfo:
    """What a user may see of one of their tokens (never the hash)."""

    id: int
    name: str
    prefix: str
    role: str
    read_only: bool
    created_at: datetime | None
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        """Neither revoked nor expired now."""
        now = datetime.now(UTC)
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


@dataclass(frozen=True)
class NewToken:
    """A freshly created token: the plaintext exists only here, once."""

    token: str
    info: TokenInfo


@dataclass(frozen=True)
class TokenUser:
    """The user a bearer token authenticates, with the token's own limits."""

    user: UserInfo
    token_id: int
    read_only: bool


def hash_token(token: str) -> str:
    """What the database stores for a token."""
    return sha256_hex(token)


def _aware(value: datetime | None) -> datetime | None:
    """Naive datetimes from the database are UTC."""
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _role_of(record: ApiTokenRecord) -> str | None:
    """The ``role:<r>`` scope of a token, if any."""
    for scope in record.scopes:
        if scope.startswith("role:"):
            return scope.removeprefix("role:")
    return None


def _info(record: ApiTokenRecord, owner_role: str) -> TokenInfo:
    """Record -> what the owner sees."""
    return TokenInfo(
        id=record.id, name=record.name, prefix=record.prefix,
        role=_role_of(record) or owner_role, read_only=READ_SCOPE in record.scopes,
        created_at=_aware(record.created_at), expires_at=_aware(record.expires_at),
        last_used_at=_aware(record.last_used_at), revoked_at=_aware(record.revoked_at),
    )


def _validate(user: UserInfo, name: str, role: str, days: int | None) -> None:
    """Collect every problem with a new token's fields, then raise them together."""
    errors: dict[str, str] = {}
    if not (name or "").strip():
        errors["name"] = "required"
    elif len(name.strip()) > NAME_MAX:
        errors["name"] = f"at most {NAME_MAX} characters"
    if role not in ROLES:
        errors["role"] = f"one of {', '.join(ROLES)}"
    elif role != user.role and user.role != "admin":
        errors["role"] = f"only your own role ({user.role}) unless you are an admin"
    if days is not None and not 1 <= days <= MAX_DAYS:
        errors["expires_in_days"] = f"between 1 and {MAX_DAYS}"
    if errors:
        raise TokenValidationError(errors)


def _mint(
    s: Session, user: UserInfo, name: str, role: str, lifetime: timedelta | None, read_only: bool,
    via: str,
) -> NewToken:
    """Store a new token for ``user`` in the caller's unit of work and audit it."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    scopes = [f"role:{role}"] + ([READ_SCOPE] if read_only else [])
    record = api_tokens.create(
        s, name=name.strip(), token_hash=hash_token(token), prefix=token[:PREFIX_LENGTH],
        user_id=user.id, scopes=scopes, expires_at=now + lifetime if lifetime else None,
    )
    audit.record(
        s, actor=user.username, action="api_token.create", entity_type="api_token",
        entity_id=record.id,
        details={"name": record.name, "prefix": record.prefix, "scopes": scopes, "via": via},
    )
    return NewToken(token, _info(record, user.role))


def create_token(
    user: UserInfo, name: str, *, role: str | None = None, expires_in_days: int | None = DEFAULT_DAYS,
    read_only: bool = False,
) -> NewToken:
    """Create a token for ``user``; the plaintext is in the result and nowhere else.

    Args:
        user: the owner (the logged-in user).
        name: what the token is for, shown in lists.
        role: the role the token acts with (default: the owner's; admins may pick a lesser one).
        expires_in_days: 1..365, or None for a token that does not expire.
        read_only: refuse writes made with this token.

    Returns:
        The plaintext token and its listing. Raises ``TokenValidationError`` naming each bad field.
    """
    role = role or user.role
    _validate(user, name, role, expires_in_days)
    lifetime = timedelta(days=expires_in_days) if expires_in_days is not None else None
    with session_scope() as s:
        return _mint(s, user, name, role, lifetime, read_only, via="api")


def login_for_token(
    username: str, password: str, *, name: str = "password login", address: str | None = None,
    now: datetime | None = None,
) -> NewToken:
    """Exchange a username and password for a token that lasts ``settings.session_hours``.

    Raises ``InvalidCredentials`` (unknown user, wrong password or inactive account alike); then
    only the ``login.failed`` audit row and the throttle's count are written. Raises
    ``LoginThrottled`` (nothing written) while the username or the client ``address`` is locked.
    ``now`` is the throttle's clock (tests).
    """
    hours = get_settings().session_hours
    with session_scope() as s:
        user = check_credentials(s, username, password, via="api", address=address, now=now)
        new = None
        if user is not None:
            user.last_login_at = datetime.now(UTC)
            info = user_info(user)
            new = _mint(s, info, name, info.role, timedelta(hours=hours), False, via="password")
    if new is None:
        raise InvalidCredentials()
    return new


def list_tokens(user: UserInfo) -> list[TokenInfo]:
    """The user's tokens, newest first (revoked and expired ones included)."""
    with session_scope() as s:
        return [_info(r, user.role) for r in api_tokens.list_for_user(s, user.id)]


def revoke_token(user: UserInfo, token_id: int) -> TokenInfo:
    """Revoke one of the user's tokens (idempotent); ``TokenNotFound`` if it is not theirs."""
    with session_scope() as s:
        mine = {r.id: r for r in api_tokens.list_for_user(s, user.id)}
        if token_id not in mine:
            raise TokenNotFound(token_id)
        now = datetime.now(UTC)
        if api_tokens.revoke(s, token_id, now):
            audit.record(
                s, actor=user.username, action="api_token.revoke", entity_type="api_token",
                entity_id=token_id, details={"prefix": mine[token_id].prefix},
            )
            s.expire_all()
        record = next(r for r in api_tokens.list_for_user(s, user.id) if r.id == token_id)
        return _info(record, user.role)


def authenticate_token(token: str | None, *, now: datetime | None = None) -> UserInfo | None:
    """The user a bearer token acts as (with the token's role), or None when it does not work."""
    found = authenticate(token, now=now)
    return found.user if found else None


def authenticate(token: str | None, *, now: datetime | None = None) -> TokenUser | None:
    """Like ``authenticate_token`` but also says which token and whether it is read-only.

    None for an unknown, revoked or expired token, an inactive owner, or a role the owner no longer
    may use. A working token gets ``last_used_at`` (at most once per ``TOUCH_EVERY``).
    """
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    at = now or datetime.now(UTC)
    with session_scope() as s:
        found = api_tokens.get_with_owner(s, hash_token(token))  # one statement: token and owner
        if found is None or not _usable(found.token, at) or not found.is_active:
            return None
        record = found.token
        role = _role_of(record) or found.role
        if role != found.role and found.role != "admin":
            return None
        last = _aware(record.last_used_at)
        if last is None or at - last >= TOUCH_EVERY:
            api_tokens.touch(s, record.id, at)
        acting = UserInfo(record.user_id, found.username, found.display_name, role,
                          found.locale or get_settings().default_locale)
        return TokenUser(acting, record.id, READ_SCOPE in record.scopes)


def _usable(record: ApiTokenRecord, at: datetime) -> bool:
    """Not revoked and not expired at ``at`` (SQLite hands back naive UTC)."""
    expires = _aware(record.expires_at)
    return record.revoked_at is None and (expires is None or expires > at)

