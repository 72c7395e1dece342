"""Engine and session factory for the app database (URL from settings, switchable at runtime)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from storage.settings import get_settings

_lock = threading.Lock()
_state: dict[str, Any] = {"url": None, "engine": None, "factory": None}


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL, foreign keys, busy timeout and NORMAL sync on every SQLite connection."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def create_engine_for(url: str, **kwargs: Any) -> Engine:
    """A new engine for ``url`` with Shuying's dialect settings (pragmas / pool)."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    options: dict[str, Any] = {
        "pool_size": 5,
        "max_overflow": 10,
        "pool_pre_ping": True,
        "pool_recycle": 1800,
    }
    if "poolclass" in kwargs:
        options = {"pool_pre_ping": True}
    options.update(kwargs)
    return sa.create_engine(url, **options)


def _install(url: str) -> Engine:
    """Make ``url`` the process database (caller holds the lock)."""
    old = _state["engine"]
    engine = create_engine_for(url)
    _state.update(
        url=url, engine=engine, factory=sessionmaker(bind=engine, expire_on_commit=False)
    )
    if old is not None:
        old.dispose()
    return engine


def get_engine() -> Engine:
    """The process engine (created from settings.database_url on first use)."""
    with _lock:
        if _state["engine"] is None:
            _install(get_settings().database_url)
        return _state["engine"]


def current_url() -> str:
    """URL of the database the process uses now."""
    get_engine()
    return str(_state["url"])


def active_url() -> str | None:
    """URL of the engine in use, or None when none was created yet (no side effects)."""
    return _state["url"]


def use_database(url: str | None) -> Engine:
    """Switch the process to another database URL (tests, CLI ``--db``); None = back to settings."""
    with _lock:
        return _install(url or get_settings().database_url)


def reset() -> None:
    """Dispose the engine; the next call re-reads settings.database_url."""
    with _lock:
        if _state["engine"] is not None:
            _state["engine"].dispose()
        _state.update(url=None, engine=None, factory=None)


def new_session() -> Session:
    """A new Session on the process database (caller closes it; prefer session_scope)."""
    get_engine()
    return _state["factory"]()


@contextmanager
def session_scope() -> Iterator[Session]:
    """One unit of work: commit on success, roll back on error, always close."""
    session = new_session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def create_all(engine: Engine | None = None) -> None:
    """Create every table from the models (tests and quick local use; production uses migrate)."""
    from storage.models import Base

    Base.metadata.create_all(engine or get_engine())
