"""Audit trail: who did what to which entity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import AuditLog, utcnow
from storage.repositories.errors import RepositoryError


@dataclass(frozen=True)
class AuditRecord:
    """An audit entry as plain values."""

    id: int
    actor: str
    action: str
    entity_type: str
    entity_id: str | None
    details: dict[str, Any]
    occurred_at: datetime


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str | int | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> int:
    """Append an audit entry (JSON-serialisable details); returns its id."""
    for name, value in (("actor", actor), ("action", action), ("entity_type", entity_type)):
        if not value or not value.strip():
            raise RepositoryError(f"{name}: must not be empty", name)
    row = AuditLog(
        actor=actor, action=action, entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        details=dict(details or {}), occurred_at=at or utcnow(),
    )
    session.add(row)
    session.flush()
    return row.id


def list_recent(
    session: Session, *, entity_type: str | None = None, entity_id: str | int | None = None,
    limit: int = 100,
) -> list[AuditRecord]:
    """Newest entries first, optionally for one entity type / entity."""
    query = sa.select(AuditLog).order_by(AuditLog.occurred_at.desc(), AuditLog.id.desc())
    if entity_type is not None:
        query = query.where(AuditLog.entity_type == entity_type)
    if entity_id is not None:
        query = query.where(AuditLog.entity_id == str(entity_id))
    return [
        AuditRecord(
            id=r.id, actor=r.actor, action=r.action, entity_type=r.entity_type,
            entity_id=r.entity_id, details=dict(r.details or {}), occurred_at=r.occurred_at,
        )
        for r in session.scalars(query.limit(limit))
    ]
