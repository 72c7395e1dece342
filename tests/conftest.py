"""Shared fixtures for the whole test suite.

Databases (integration tests run on each backend; the test id ends in ``[sqlite]`` / ``[postgresql]``):

- ``db_backend`` (module scope, parametrized): ``"sqlite"`` always, plus ``"postgresql"`` when
  ``SHUYING_TEST_POSTGRES_URL`` is set (read through ``Settings.test_postgres_url``; nothing else
  reads the environment). Without it the postgres param is simply not generated (no skip).
- ``db_url`` (function): URL of a database with every table created (``Base.metadata.create_all``)
  and no rows. SQLite: a fresh file per test, copied from a per-session template.
  PostgreSQL: one schema per test module, unique name ``t_<hex>`` (isolated from other modules and
  from other users of database ``test``; selected through ``search_path`` in the URL), tables
  created once per module and TRUNCATEd before each test; dropped at module end.
- ``db`` (function): ``storage.db.use_database(db_url)`` so ``session_scope()`` / services use it;
  yields the Engine; restores the previous database afterwards.
- ``session`` (function): a Session on ``db`` (closed afterwards; commit yourself if you need to).
- ``empty_db_url`` (function): URL of a database with no tables at all (migration tests).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from storage import db as storage_db
from storage.models import Base
from storage.settings import get_settings

_PG_URL = get_settings().test_postgres_url
BACKENDS = ["sqlite", "postgresql"] if _PG_URL else ["sqlite"]


def _schema_url(base_url: str, schema: str) -> str:
    """The PostgreSQL URL whose connections use ``schema`` as search_path."""
    url = make_url(base_url)
    url = url.set(query={**url.query, "options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def _pg_admin() -> Engine:
    """A short-lived engine on the test PostgreSQL database (public search_path)."""
    assert _PG_URL is not None
    return storage_db.create_engine_for(_PG_URL, poolclass=sa.pool.NullPool)


def _create_pg_schema() -> str:
    """Create a uniquely named empty schema; returns its name."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    engine = _pg_admin()
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    engine.dispose()
    return name


def _drop_pg_schema(name: str) -> None:
    """Drop a test schema and everything in it."""
    engine = _pg_admin()
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    engine.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with every table, copied for each test."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = storage_db.create_engine_for(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="module", params=BACKENDS)
def db_backend(request: pytest.FixtureRequest) -> str:
    """Which database this module's tests run on."""
    return str(request.param)


@pytest.fixture(scope="module")
def _pg_module_url(db_backend: str) -> Iterator[str | None]:
    """Per-module PostgreSQL schema with all tables (None on SQLite)."""
    if db_backend != "postgresql":
        yield None
        return
    assert _PG_URL is not None
    schema = _create_pg_schema()
    url = _schema_url(_PG_URL, schema)
    engine = storage_db.create_engine_for(url, poolclass=sa.pool.NullPool)
    Base.metadata.create_all(engine)
    engine.dispose()
    try:
        yield url
    finally:
        storage_db.reset()
        _drop_pg_schema(schema)


def _truncate_all(url: str) -> None:
    """Empty every table of the schema behind ``url`` and restart its sequences."""
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    engine = storage_db.create_engine_for(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def db_url(
    db_backend: str, _pg_module_url: str | None, _sqlite_template: Path, tmp_path: Path
) -> str:
    """URL of a database with the full schema and no rows."""
    if db_backend == "postgresql":
        assert _pg_module_url is not None
        _truncate_all(_pg_module_url)
        return _pg_module_url
    path = tmp_path / "shuying-test.db"
    shutil.copyfile(_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def db(db_url: str) -> Iterator[Engine]:
    """Point the process (storage.db, hence services) at ``db_url`` for one test."""
    previous = storage_db.active_url()
    engine = storage_db.use_database(db_url)
    try:
        yield engine
    finally:
        if previous is None:
            storage_db.reset()
        else:
            storage_db.use_database(previous)


@pytest.fixture
def own_connections(db_url: str, db: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Services open a new connection per session (no pool), so every thread of a concurrency test
    has its own."""
    original = storage_db.create_engine_for
    monkeypatch.setattr(storage_db, "create_engine_for",
                        lambda url, **kw: original(url, poolclass=sa.pool.NullPool, **kw))
    storage_db.use_database(db_url)
    yield


@pytest.fixture
def session(db: Engine) -> Iterator[Session]:
    """A Session on the test database."""
    s = storage_db.new_session()
    try:
        yield s
    finally:
        s.rollback()
        s.close()


@pytest.fixture
def empty_db_url(db_backend: str, tmp_path: Path) -> Iterator[str]:
    """URL of a database with no tables (for migration tests)."""
    if db_backend == "postgresql":
        schema = _create_pg_schema()
        try:
            yield _schema_url(str(_PG_URL), schema)
        finally:
            storage_db.reset()
            _drop_pg_schema(schema)
        return
    yield f"sqlite:///{tmp_path / 'empty.db'}"
