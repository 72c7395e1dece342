"""Quarantine: rejected input rows kept with the reason and the offending field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import Quarantine, utcnow
from storage.repositories.errors import RepositoryError


@dataclass(frozen=True)
class QuarantineRecord:
    """A quarantined row as plain values."""

    id: int
    source: str
    entity: str
    payload: dict[str, Any]
    reason: str
    field: str | None
    received_at: datetime


def put(
    session: Session,
    *,
    source: str,
    entity: str,
    payload: dict[str, Any],
    reason: str,
    field: str | None = None,
    at: datetime | None = None,
) -> int:
    """Quarantine one rejected row (payload must be JSON-serialisable); returns its id."""
    if not source.strip():
        raise RepositoryError("source: must not be empty", "source")
    if not reason.strip():
        raise RepositoryError("reason: must not be empty", "reason")
    row = Quarantine(
        source=source, entity=entity, payload=dict(payload), reason=reason, field=field,
        received_at=at or utcnow(),
    )
    session.add(row)
    session.flush()
    return row.id


def list_entries(
    session: Session, *, source: str | None = None, entity: str | None = None, limit: int = 100
) -> list[QuarantineRecord]:
    """Newest quarantined rows first, optionally from one source / of one entity."""
    query = sa.select(Quarantine).order_by(Quarantine.received_at.desc(), Quarantine.id.desc())
    if source is not None:
        query = query.where(Quarantine.source == source)
    if entity is not None:
        query = query.where(Quarantine.entity == entity)
    return [
        QuarantineRecord(
            id=r.id, source=r.source, entity=r.entity, payload=dict(r.payload),
            reason=r.reason, field=r.field, received_at=r.received_at,
        )
        for r in session.scalars(query.limit(limit))
    ]


def count(session: Session, *, source: str | None = None) -> int:
    """How many rows are quarantined (optionally from one source)."""
    query = sa.select(sa.func.count()).select_from(Quarantine)
    if source is not None:
        query = query.where(Quarantine.source == source)
    return int(session.scalar(query) or 0)
