"""The audit trail (admins only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.api.deps import AdminUser, GuardedRoute
from app.api.schemas import ApiModel, Time
from services import audit

router = APIRouter(prefix="/audit", tags=["audit"], route_class=GuardedRoute)


class AuditEntryOut(ApiModel):
    """Who did what to which entity, when."""

    id: int
    actor: str
    action: str
    entity_type: str
    entity_id: str | None
    details: dict[str, Any]
    occurred_at: Time


@router.get("")
def list_audit(
    _: AdminUser,
    entity_type: Annotated[str | None, Query(max_length=64)] = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=audit.LIMIT_MAX)] = 100,
) -> list[AuditEntryOut]:
    """Audit trail.

    Newest entries first, optionally for one entity type or entity.
    """
    entries = audit.recent_entries(entity_type=entity_type, entity_id=entity_id, limit=limit)
    return [AuditEntryOut.model_validate(e) for e in entries]
