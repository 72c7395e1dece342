"""Fixtures of the REST API tests: a TestClient on ``create_api()`` over the test database.

``client`` depends on the shared ``db`` fixture (tests/conftest.py), which points ``storage.db`` --
hence every service the API calls -- at a fresh database, SQLite and (when
SHUYING_TEST_POSTGRES_URL is set) PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.api import create_api
from services import auth, tokens
from storage.db import session_scope

PASSWORD = "Correct-Horse-9"
Headers = dict[str, str]


@pytest.fixture(scope="module")
def api() -> FastAPI:
    """The API app (built once per module; it holds no database state)."""
    return create_api()


@pytest.fixture
def client(api: FastAPI, db: Engine) -> Iterator[TestClient]:
    """A client on the API, against this test's database."""
    with TestClient(api) as c:
        yield c


@pytest.fixture
def people(db: Engine) -> dict[str, auth.UserInfo]:
    """One user per role, named after it, all with ``PASSWORD``."""
    return {
        role: auth.create_user(role, PASSWORD, role, f"{role} user", "en") for role in auth.ROLES
    }


@pytest.fixture
def bearer(people: dict[str, auth.UserInfo]) -> Callable[..., Headers]:
    """``bearer("analyst", read_only=True)`` -> Authorization headers with a new token of that user."""

    def make(owner: str, **options: object) -> Headers:
        new = tokens.create_token(people[owner], f"test {owner}", **options)  # type: ignore[arg-type]
        return {"Authorization": f"Bearer {new.token}"}

    return make


def count(table: sa.Table | type, *where: sa.ColumnElement[bool]) -> int:
    """Rows of a model/table (matching ``where``), read in a fresh transaction."""
    with session_scope() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(table).where(*where)) or 0)


def error_fields(body: dict) -> set[str]:
    """The field names of an error body."""
    return {f["field"] for f in body["error"]["fields"]}
