"""POST /api/v1/quote sees every change at once (SQLite and PostgreSQL): promotions changed through
the API or in SQL by another connection, budgets taken by an order; and a call is authenticated in
one statement, writing the token's last use at most once a minute."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.api.deps import API_PREFIX
from services import tokens
from storage import db as storage_db
from tests.fixtures.commerce_data import add_customers, percent, seed_catalogue

Headers = dict[str, str]
TEE = {"lines": [{"sku": "TEE", "qty": 1}]}  # 100.00


@pytest.fixture
def marketer(bearer: Callable[..., Headers]) -> Headers:
    """A marketer's token."""
    return bearer("marketer")


@pytest.fixture
def shop(db: Engine) -> dict[str, int]:
    """The catalogue with stock."""
    return seed_catalogue()


@pytest.fixture
def elsewhere(db_url: str) -> Iterator[Callable[[str], None]]:
    """Runs SQL on an engine and connection of its own, committed at once (another process's write)."""
    engine = storage_db.create_engine_for(db_url, poolclass=sa.pool.NullPool)

    def run(sql: str) -> None:
        with engine.begin() as conn:
            conn.execute(sa.text(sql))

    yield run
    engine.dispose()


def _quote(client: TestClient, h: Headers, **extra: Any) -> dict[str, Any]:
    resp = client.post(f"{API_PREFIX}/quote", json={**TEE, **extra}, headers=h)
    assert resp.status_code == 200, resp.text
    return resp.json()


def _post(client: TestClient, h: Headers, path: str, body: dict[str, Any] | None = None) -> Any:
    resp = client.post(f"{API_PREFIX}{path}", json=body, headers=h)
    assert resp.status_code in (200, 201), resp.text
    return resp.json()


def test_promotions_changed_through_the_api_or_in_sql_are_in_the_next_quote(
        client: TestClient, marketer: Headers, shop: dict[str, int], elsewhere: Callable[[str], None]) -> None:
    _post(client, marketer, "/promotions", {"code": "P", "name": "P", "definition": percent(10)})
    assert _quote(client, marketer)["discount"] == "0.00"  # a draft
    _post(client, marketer, "/promotions/P/schedule")
    assert _quote(client, marketer)["discount"] == "10.00"
    resp = client.patch(f"{API_PREFIX}/promotions/P", json={"definition": percent(20)}, headers=marketer)
    assert resp.status_code == 200, resp.text
    assert _quote(client, marketer)["discount"] == "20.00"
    _post(client, marketer, "/promotions/P/pause")
    assert _quote(client, marketer)["discount"] == "0.00"
    _post(client, marketer, "/promotions/P/resume")
    _post(client, marketer, "/promotions/P/versions/1/restore")
    assert _quote(client, marketer)["discount"] == "10.00"
    elsewhere("UPDATE promotions SET status = 'paused' WHERE code = 'P'")
    assert _quote(client, marketer)["discount"] == "0.00"
    elsewhere("UPDATE promotions SET status = 'scheduled', current_version = 2 WHERE code = 'P'")
    assert _quote(client, marketer)["discount"] == "20.00"
    _post(client, marketer, "/promotions/P/end")
    assert _quote(client, marketer)["discount"] == "0.00"


def test_a_budget_used_up_by_an_order_is_withheld_in_the_next_quote(
        client: TestClient, marketer: Headers, shop: dict[str, int]) -> None:
    body = {"code": "ONE", "name": "ONE", "definition": percent(10), "budget_uses": 1}
    _post(client, marketer, "/promotions", body)
    _post(client, marketer, "/promotions/ONE/schedule")
    a, b = add_customers(2)
    assert _quote(client, marketer, customer_id=a)["combination"] == ["ONE"]
    _post(client, {**marketer, "Idempotency-Key": "k1"}, "/orders", {**TEE, "customer_id": a})
    after = _quote(client, marketer, customer_id=b)
    assert after["combination"] == [] and after["withheld"] == [{"promotion_id": "ONE", "reason": "budget_exhausted"}]


def test_a_call_reads_its_token_and_owner_in_one_statement_and_writes_last_use_once_a_minute(
        client: TestClient, db: Engine, marketer: Headers) -> None:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement.lstrip().split()[0].upper())

    event.listen(db, "before_cursor_execute", record)
    try:
        assert client.get(f"{API_PREFIX}/me", headers=marketer).status_code == 200
        first, seen[:] = list(seen), []
        assert client.get(f"{API_PREFIX}/me", headers=marketer).status_code == 200
        second, seen[:] = list(seen), []
        token = marketer["Authorization"].removeprefix("Bearer ")
        assert tokens.authenticate(token, now=datetime.now(UTC) + timedelta(minutes=2)) is not None
        later = list(seen)
    finally:
        event.remove(db, "before_cursor_execute", record)
    assert first == ["SELECT", "UPDATE"]  # the token's first use is recorded
    assert second == ["SELECT"]  # within the minute: read only
    assert later == ["SELECT", "UPDATE"]
