"""Alembic migrations build exactly the schema the models describe, and can be undone."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage import db as storage_db
from storage.migrate import downgrade, upgrade
from storage.models import Base


def _diff(url: str) -> list[object]:
    """Differences between the database at ``url`` and the models."""
    engine = storage_db.create_engine_for(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(ctx, Base.metadata))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    """Table names in the database at ``url``."""
    engine = storage_db.create_engine_for(url, poolclass=sa.pool.NullPool)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_on_an_empty_database_yields_exactly_the_models_schema(empty_db_url: str) -> None:
    upgrade(empty_db_url)
    assert _tables(empty_db_url) == set(Base.metadata.tables) | {"alembic_version"}
    assert _diff(empty_db_url) == []


def test_upgrade_twice_is_a_no_op(empty_db_url: str) -> None:
    upgrade(empty_db_url)
    upgrade(empty_db_url)
    assert _diff(empty_db_url) == []


def test_downgrade_to_base_removes_every_table(empty_db_url: str) -> None:
    upgrade(empty_db_url)
    downgrade(empty_db_url, "base")
    assert _tables(empty_db_url) == {"alembic_version"}
