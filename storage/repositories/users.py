"""Back-office users."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import User, utcnow
from storage.models.platform import ROLES
from storage.repositories.errors import DuplicateError, RepositoryError


@dataclass(frozen=True)
class UserRecord:
    """A user as plain values."""

    id: int
    username: str
    display_name: str
    password_hash: str
    role: str
    is_active: bool
    locale: str
    last_login_at: datetime | None
    created_at: datetime


def _record(row: User) -> UserRecord:
    """Row -> record."""
    return UserRecord(
        id=row.id, username=row.username, display_name=row.display_name,
        password_hash=row.password_hash, role=row.role, is_active=row.is_active,
        locale=row.locale, last_login_at=row.last_login_at, created_at=row.created_at,
    )


def get_by_username(session: Session, username: str) -> UserRecord | None:
    """The user with this username (exact match after trimming), or None."""
    row = session.scalar(sa.select(User).where(User.username == username.strip()))
    return _record(row) if row else None


def get_by_id(session: Session, user_id: int) -> UserRecord | None:
    """The user with this id, or None."""
    row = session.get(User, user_id)
    return _record(row) if row else None


def create(
    session: Session,
    *,
    username: str,
    display_name: str,
    password_hash: str,
    role: str,
    locale: str = "zh-CN",
    is_active: bool = True,
) -> UserRecord:
    """Insert a user (password already hashed); raises RepositoryError naming a bad field."""
    username = username.strip()
    if not username:
        raise RepositoryError("username: must not be empty", "username")
    if role not in ROLES:
        raise RepositoryError(f"role: must be one of {', '.join(ROLES)}, got {role!r}", "role")
    if not password_hash:
        raise RepositoryError("password_hash: must not be empty", "password_hash")
    if session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise DuplicateError(f"username: {username!r} already exists", "username")
    row = User(
        username=username, display_name=display_name.strip() or username,
        password_hash=password_hash, role=role, locale=locale, is_active=is_active,
    )
    session.add(row)
    session.flush()
    return _record(row)


def touch_login(session: Session, user_id: int, at: datetime | None = None) -> None:
    """Record a successful login time."""
    session.execute(sa.update(User).where(User.id == user_id).values(last_login_at=at or utcnow()))


def set_password_hash(session: Session, user_id: int, password_hash: str) -> None:
    """Replace a user's password hash (e.g. argon2 rehash)."""
    session.execute(sa.update(User).where(User.id == user_id).values(password_hash=password_hash))


def list_users(session: Session) -> list[UserRecord]:
    """Every user, by username."""
    return [_record(r) for r in session.scalars(sa.select(User).order_by(User.username))]
