"""Is the app database reachable? (load balancers and the API's /health)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from storage.db import session_scope


@dataclass(frozen=True)
class Health:
    """Result of one check."""

    database_ok: bool
    database: str  # dialect name, never the URL


def check() -> Health:
    """Run ``SELECT 1`` on the app database; never raises for a database problem."""
    dialect = "unknown"
    try:
        with session_scope() as s:
            dialect = s.get_bind().dialect.name
            s.execute(sa.text("SELECT 1"))
        return Health(True, dialect)
    except SQLAlchemyError:
        return Health(False, dialect)
