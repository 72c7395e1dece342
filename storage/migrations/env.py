"""Alembic environment: URL from storage.db / settings, batch mode on SQLite, models' metadata."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import context
from sqlalchemy.types import TypeDecorator

from storage import db as storage_db
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Render our TypeDecorators as their plain SQL types so migrations stand alone."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        impl = obj.impl if isinstance(obj.impl, sa.types.TypeEngine) else obj.impl()
        return f"sa.{impl!r}"
    return False


def _url() -> str:
    """The URL given to upgrade(url=...), else the process database."""
    return config.get_main_option("sqlalchemy.url") or storage_db.current_url()


def _configure(connection: sa.Connection) -> None:
    """Shared context options for online runs."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=render_item,
        compare_type=True,
    )


def run_migrations_offline() -> None:
    """Emit SQL without a connection (``--sql``)."""
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=_url().startswith("sqlite"),
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run against a live connection (a given one, or a new engine on the URL)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = storage_db.create_engine_for(_url(), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            _configure(conn)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
