"""REST API tokens (only hashes stored; the prefix identifies a token to its owner)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import ApiToken, User, utcnow
from storage.repositories.errors import DuplicateError, RepositoryError, require_aware


@dataclass(frozen=True)
class ApiTokenRecord:
    """An API token as plain values."""

    id: int
    name: str
    token_hash: str
    prefix: str
    user_id: int
    scopes: list[str] = field(default_factory=list)
    created_at: datetime | None = None
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    def is_usable(self, now: datetime | None = None) -> bool:
        """Not revoked and not expired at ``now``."""
        now = now or utcnow()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


def _record(row: ApiToken) -> ApiTokenRecord:
    """Row -> record."""
    return ApiTokenRecord(
        id=row.id, name=row.name, token_hash=row.token_hash, prefix=row.prefix,
        user_id=row.user_id, scopes=[str(s) for s in row.scopes or []], created_at=row.created_at,
        expires_at=row.expires_at, last_used_at=row.last_used_at, revoked_at=row.revoked_at,
    )


def create(
    session: Session,
    *,
    name: str,
    token_hash: str,
    prefix: str,
    user_id: int,
    scopes: list[str],
    expires_at: datetime | None = None,
) -> ApiTokenRecord:
    """Store a new token; raises RepositoryError naming a bad field."""
    if not name.strip():
        raise RepositoryError("name: must not be empty", "name")
    if not token_hash:
        raise RepositoryError("token_hash: must not be empty", "token_hash")
    if expires_at is not None:
        require_aware(expires_at, "expires_at")
    if session.scalar(sa.select(ApiToken.id).where(ApiToken.token_hash == token_hash)):
        raise DuplicateError("token_hash: already exists", "token_hash")
    row = ApiToken(
        name=name.strip(), token_hash=token_hash, prefix=prefix, user_id=user_id,
        scopes=list(scopes), expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return _record(row)


def get_by_hash(session: Session, token_hash: str) -> ApiTokenRecord | None:
    """The token with this hash (revoked or expired ones too; check ``is_usable``)."""
    row = session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == token_hash))
    return _record(row) if row else None


@dataclass(frozen=True)
class TokenOwner:
    """A token with what authenticating a call needs of its owner's account."""

    token: ApiTokenRecord
    username: str
    display_name: str
    role: str
    is_active: bool
    locale: str | None


def _with_owner_statement() -> sa.Select[Any]:
    """Built once: the token with this hash (bound ``token_hash``) joined with its owner."""
    t, u = ApiToken.__table__, User.__table__
    return (sa.select(t.c.id, t.c.name, t.c.token_hash, t.c.prefix, t.c.user_id, t.c.scopes, t.c.created_at,
                      t.c.expires_at, t.c.last_used_at, t.c.revoked_at,
                      u.c.username, u.c.display_name, u.c.role, u.c.is_active, u.c.locale)
            .select_from(t.join(u, u.c.id == t.c.user_id))
            .where(t.c.token_hash == sa.bindparam("token_hash", type_=sa.String)))


_WITH_OWNER = _with_owner_statement()


def get_with_owner(session: Session, token_hash: str) -> TokenOwner | None:
    """The token with this hash and its owner, in one statement (revoked or expired ones too)."""
    r = session.execute(_WITH_OWNER, {"token_hash": token_hash}).first()
    if r is None:
        return None
    token = ApiTokenRecord(
        id=r.id, name=r.name, token_hash=r.token_hash, prefix=r.prefix, user_id=r.user_id,
        scopes=[str(x) for x in r.scopes or []], created_at=r.created_at, expires_at=r.expires_at,
        last_used_at=r.last_used_at, revoked_at=r.revoked_at,
    )
    return TokenOwner(token, r.username, r.display_name, r.role, bool(r.is_active), r.locale)


def list_for_user(session: Session, user_id: int) -> list[ApiTokenRecord]:
    """Tokens of a user, newest first."""
    rows = session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
    )
    return [_record(r) for r in rows]


def revoke(session: Session, token_id: int, at: datetime | None = None) -> bool:
    """Revoke a token; True if it was active."""
    result = session.execute(
        sa.update(ApiToken)
        .where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=at or utcnow())
    )
    return bool(result.rowcount)


def touch(session: Session, token_id: int, at: datetime | None = None) -> None:
    """Record that a token was used."""
    session.execute(
        sa.update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=at or utcnow())
    )
