"""Database migrations (Alembic, configured in code): ``python -m storage.migrate [--db URL]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from alembic import command
from alembic.config import Config

from storage import db as storage_db

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic Config pointing at storage/migrations and ``url`` (default: process database)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", (url or storage_db.current_url()).replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Upgrade the database at ``url`` (default: the process database) to ``revision``."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | None = None, revision: str = "-1") -> None:
    """Downgrade the database at ``url`` to ``revision``."""
    command.downgrade(alembic_config(url), revision)


def current(url: str | None = None) -> None:
    """Print the current revision of the database."""
    command.current(alembic_config(url))


def revision(message: str, url: str | None = None) -> None:
    """Autogenerate a new revision by comparing the models with the database at ``url``."""
    command.revision(alembic_config(url), message=message, autogenerate=True)


def main(argv: list[str] | None = None) -> None:
    """CLI: upgrade (default), downgrade, current, revision -m MESSAGE."""
    parser = argparse.ArgumentParser(prog="python -m storage.migrate")
    parser.add_argument("action", nargs="?", default="upgrade",
                        choices=["upgrade", "downgrade", "current", "revision"])
    parser.add_argument("target", nargs="?", default=None, help="revision (default head / -1)")
    parser.add_argument("--db", default=None, help="database URL (default: settings)")
    parser.add_argument("-m", "--message", default="change", help="message of a new revision")
    args = parser.parse_args(argv)
    if args.action == "upgrade":
        upgrade(args.db, args.target or "head")
    elif args.action == "downgrade":
        downgrade(args.db, args.target or "-1")
    elif args.action == "current":
        current(args.db)
    else:
        revision(args.message, args.db)


if __name__ == "__main__":
    main()
