"""The shared database fixtures give each test an isolated, empty, fully created database."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from storage import db as storage_db
from storage.models import Base, Channel


def test_db_fixture_points_session_scope_at_the_test_database(db: Engine, db_url: str) -> None:
    assert storage_db.current_url() == db_url
    with storage_db.session_scope() as s:
        s.add(Channel(code="store", name_zh="门店", name_en="Store", kind="offline"))
    with storage_db.session_scope() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Channel)) == 1


def test_each_test_starts_with_no_rows(session: Session) -> None:
    assert session.scalar(sa.select(sa.func.count()).select_from(Channel)) == 0
    session.add(Channel(code="online", name_zh="线上", name_en="Online", kind="online"))
    session.commit()


def test_rows_of_the_previous_test_are_gone(session: Session) -> None:
    assert session.scalar(sa.select(sa.func.count()).select_from(Channel)) == 0


def test_every_model_table_exists(db: Engine) -> None:
    names = set(sa.inspect(db).get_table_names())
    assert names == set(Base.metadata.tables)


def test_postgres_tests_run_in_their_own_schema(db: Engine, db_backend: str) -> None:
    with db.connect() as conn:
        if db_backend == "postgresql":
            schema = conn.scalar(sa.text("select current_schema()"))
            assert schema is not None and schema.startswith("t_")
        else:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert datetime.now(UTC).tzinfo is UTC
