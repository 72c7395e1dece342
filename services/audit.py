"""Reading the audit trail (admins): who did what to which entity, newest first."""

from __future__ import annotations

from storage.db import session_scope
from storage.repositories import audit
from storage.repositories.audit import AuditRecord

LIMIT_MAX = 500


def recent_entries(
    *, entity_type: str | None = None, entity_id: str | None = None, limit: int = 100
) -> list[AuditRecord]:
    """The newest audit entries (at most ``LIMIT_MAX``), optionally for one entity type / entity."""
    limit = min(max(1, limit), LIMIT_MAX)
    with session_scope() as s:
        return audit.list_recent(s, entity_type=entity_type, entity_id=entity_id, limit=limit)
