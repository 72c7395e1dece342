"""Login throttling counters: failed sign-ins per (scope, key) and the lockout they started.

Each change is one atomic statement (INSERT .. ON CONFLICT DO UPDATE, a conditional UPDATE), never a
read-modify-write in Python, so failures counted at the same time by several processes all count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import LoginThrottle, UTCDateTime
from storage.repositories.errors import RepositoryError, require_aware

SCOPES: tuple[str, ...] = ("username", "address")
KEY_MAX = 128
_T = LoginThrottle.__table__


@dataclass(frozen=True)
class ThrottleRecord:
    """The failures counted for one username or address in its current window."""

    scope: str
    key: str
    failures: int
    window_started_at: datetime
    locked_until: datetime | None


def _check(scope: str, key: str, now: datetime) -> None:
    """Raise RepositoryError for an unknown scope, an empty or long key, or a naive time."""
    if scope not in SCOPES:
        raise RepositoryError(f"scope: one of {', '.join(SCOPES)}", "scope")
    if not key or len(key) > KEY_MAX:
        raise RepositoryError(f"key: 1 to {KEY_MAX} characters", "key")
    require_aware(now, "now")


def _insert(session: Session) -> Any:
    """The dialect's INSERT with ON CONFLICT (PostgreSQL and SQLite share the API)."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _at(value: datetime) -> sa.ColumnElement[datetime]:
    """A time as a bound value of the UTC column type (naive UTC on SQLite, aware on PostgreSQL)."""
    return sa.literal(value, UTCDateTime())


def locked(session: Session, keys: Sequence[tuple[str, str]], now: datetime) -> list[ThrottleRecord]:
    """The rows among ``keys`` ((scope, key) pairs) whose lockout lasts beyond ``now``."""
    require_aware(now, "now")
    pairs = [sa.and_(_T.c.scope == scope, _T.c.key == key) for scope, key in keys if key]
    if not pairs:
        return []
    rows = session.execute(
        sa.select(_T.c.scope, _T.c.key, _T.c.failures, _T.c.window_started_at, _T.c.locked_until)
        .where(sa.or_(*pairs), _T.c.locked_until > now)
    )
    return [ThrottleRecord(*row) for row in rows]


def count_failure(
    session: Session, scope: str, key: str, now: datetime, window_start: datetime
) -> ThrottleRecord:
    """Count one failure of ``key`` and return its row; one atomic statement.

    The count starts again at 1 when the row is not locked and its window began at or before
    ``window_start``, or when its lockout has ended by ``now``; a lockout still running is kept.
    """
    _check(scope, key, now)
    require_aware(window_start, "window_start")
    fresh = sa.or_(sa.and_(_T.c.locked_until.is_(None), _T.c.window_started_at <= window_start),
                   _T.c.locked_until <= now)
    stmt = _insert(session)(_T).values(scope=scope, key=key, failures=1, window_started_at=now,
                                       locked_until=None)
    stmt = stmt.on_conflict_do_update(
        index_elements=[_T.c.scope, _T.c.key],
        set_={
            "failures": sa.case((fresh, 1), else_=_T.c.failures + 1),
            "window_started_at": sa.case((fresh, _at(now)), else_=_T.c.window_started_at),
            "locked_until": sa.case((fresh, sa.null()), else_=_T.c.locked_until),
        },
    )
    row = session.execute(
        stmt.returning(_T.c.failures, _T.c.window_started_at, _T.c.locked_until)
    ).one()
    return ThrottleRecord(scope, key, row.failures, row.window_started_at, row.locked_until)


def start_lockout(session: Session, scope: str, key: str, until: datetime, now: datetime) -> bool:
    """Lock ``key`` until ``until`` unless a lockout is already running; True if this call started it.

    Conditional and atomic: of several processes crossing the limit together, exactly one gets True.
    """
    _check(scope, key, now)
    require_aware(until, "until")
    stmt = (
        sa.update(_T)
        .where(_T.c.scope == scope, _T.c.key == key,
               sa.or_(_T.c.locked_until.is_(None), _T.c.locked_until <= now))
        .values(locked_until=until)
        .returning(_T.c.id)
    )
    return session.execute(stmt).first() is not None


def clear(session: Session, scope: str, key: str) -> None:
    """Forget the failures (and any lockout) of ``key``."""
    session.execute(sa.delete(_T).where(_T.c.scope == scope, _T.c.key == key))


def prune(session: Session, stale_before: datetime, now: datetime, limit: int = 100) -> int:
    """Delete up to ``limit`` rows whose window began before ``stale_before`` and that are not locked.

    Such a row counts for nothing (the next failure would start it again at 1). Rows another
    transaction holds are skipped (PostgreSQL ``SKIP LOCKED``), so pruning never waits or deadlocks.
    """
    require_aware(stale_before, "stale_before")
    require_aware(now, "now")
    ids = (
        sa.select(_T.c.id)
        .where(_T.c.window_started_at < stale_before,
               sa.or_(_T.c.locked_until.is_(None), _T.c.locked_until <= now))
        .order_by(_T.c.id).limit(limit)
        .with_for_update(skip_locked=True)
    )
    result = session.execute(sa.delete(_T).where(_T.c.id.in_(ids.scalar_subquery())).returning(_T.c.id))
    return len(result.all())


def get(session: Session, scope: str, key: str) -> ThrottleRecord | None:
    """The row of ``key``, if any (tests and support)."""
    row = session.execute(
        sa.select(_T.c.scope, _T.c.key, _T.c.failures, _T.c.window_started_at, _T.c.locked_until)
        .where(_T.c.scope == scope, _T.c.key == key)
    ).first()
    return ThrottleRecord(*row) if row else None
