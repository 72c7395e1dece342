"""Login sessions of the Reflex app (only token hashes are stored)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import User, UserSession, utcnow
from storage.repositories.errors import RepositoryError, require_aware


@dataclass(frozen=True)
class SessionRecord:
    """A login session as plain values."""

    id: int
    token_hash: str
    user_id: int
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


def _record(row: UserSession) -> SessionRecord:
    """Row -> record."""
    return SessionRecord(
        id=row.id, token_hash=row.token_hash, user_id=row.user_id, created_at=row.created_at,
        expires_at=row.expires_at, revoked_at=row.revoked_at,
    )


def create(session: Session, *, user_id: int, token_hash: str, expires_at: datetime) -> SessionRecord:
    """Store a new session for ``user_id``."""
    require_aware(expires_at, "expires_at")
    if not token_hash:
        raise RepositoryError("token_hash: must not be empty", "token_hash")
    row = UserSession(user_id=user_id, token_hash=token_hash, expires_at=expires_at)
    session.add(row)
    session.flush()
    return _record(row)


def get_valid(session: Session, token_hash: str, now: datetime | None = None) -> SessionRecord | None:
    """The session with this hash if not revoked, not expired and its user is active."""
    now = now or utcnow()
    row = session.scalar(
        sa.select(UserSession)
        .join(User, User.id == UserSession.user_id)
        .where(
            UserSession.token_hash == token_hash,
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > now,
            User.is_active.is_(True),
        )
    )
    return _record(row) if row else None


def revoke(session: Session, token_hash: str, at: datetime | None = None) -> bool:
    """Revoke a session; True if an active one was revoked."""
    result = session.execute(
        sa.update(UserSession)
        .where(UserSession.token_hash == token_hash, UserSession.revoked_at.is_(None))
        .values(revoked_at=at or utcnow())
    )
    return bool(result.rowcount)


def revoke_all_for_user(session: Session, user_id: int, at: datetime | None = None) -> int:
    """Revoke every open session of a user; returns how many."""
    result = session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=at or utcnow())
    )
    return int(result.rowcount)
