"""Helpers of the browser tests: point the whole process (and the app it serves) at one database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from storage import db as storage_db
from storage import migrate
from storage.settings import get_settings


@contextmanager
def use_database(url: str) -> Iterator[str]:
    """Migrate ``url`` to head and make it the process database (and the env's) while inside."""
    previous_env = os.environ.get("SHUYING_DATABASE_URL")
    os.environ["SHUYING_DATABASE_URL"] = url
    get_settings.cache_clear()
    storage_db.use_database(url)
    migrate.upgrade(url)
    try:
        yield url
    finally:
        if previous_env is None:
            os.environ.pop("SHUYING_DATABASE_URL", None)
        else:
            os.environ["SHUYING_DATABASE_URL"] = previous_env
        get_settings.cache_clear()
        storage_db.reset()
