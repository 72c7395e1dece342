"""Paying and refunding through the API move the customer's aggregates that GET /customers shows
(SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.api.deps import API_PREFIX
from tests.fixtures.commerce_data import add_customers, counters, seed_catalogue
from tests.integration.api.conftest import Headers


@pytest.fixture
def marketer(bearer: Callable[..., Headers]) -> Headers:
    """A marketer's token."""
    return bearer("marketer")


@pytest.fixture
def buyer(db: Engine) -> int:
    """The catalogue with stock, and one customer without orders."""
    seed_catalogue()
    [cid] = add_customers(1)
    return cid


def _customer(client: TestClient, h: Headers, cid: int) -> dict[str, Any]:
    got = client.get(f"{API_PREFIX}/customers/{cid}", headers=h)
    assert got.status_code == 200
    body = got.json()
    return {k: body[k] for k in ("orders_count", "total_spent", "first_order_at", "last_order_at")}


def _place(client: TestClient, h: Headers, cid: int, key: str) -> dict[str, Any]:
    resp = client.post(f"{API_PREFIX}/orders", headers={**h, "Idempotency-Key": key},
                       json={"lines": [{"sku": "TEE", "qty": 2}], "customer_id": cid})
    assert resp.status_code == 201
    return dict(resp.json())


def test_paying_and_refunding_an_order_show_in_the_customer_profile(
        client: TestClient, marketer: Headers, buyer: int) -> None:
    nothing = {"orders_count": 0, "total_spent": "0.00", "first_order_at": None, "last_order_at": None}
    assert _customer(client, marketer, buyer) == nothing
    order = _place(client, marketer, buyer, "k1")
    assert _customer(client, marketer, buyer) == nothing  # confirmed, not paid
    paid = client.post(f"{API_PREFIX}/orders/{order['order_no']}/pay", headers=marketer)
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    shown = _customer(client, marketer, buyer)
    assert (shown["orders_count"], shown["total_spent"]) == (1, "210.00")
    assert shown["first_order_at"] == shown["last_order_at"] == paid.json()["placed_at"]
    again = client.post(f"{API_PREFIX}/orders/{order['order_no']}/pay", headers=marketer)
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_transition"
    assert _customer(client, marketer, buyer) == shown
    refunded = client.post(f"{API_PREFIX}/orders/{order['order_no']}/refund", headers=marketer)
    assert refunded.status_code == 200 and refunded.json()["status"] == "refunded"
    assert _customer(client, marketer, buyer) == nothing
    snapshot = counters()
    twice = client.post(f"{API_PREFIX}/orders/{order['order_no']}/refund", headers=marketer)
    assert twice.status_code == 409 and twice.json()["error"]["message"].endswith("is refunded")
    assert (_customer(client, marketer, buyer), counters()) == (nothing, snapshot)


def test_only_writers_refund_and_a_pending_order_cannot_be(
        client: TestClient, marketer: Headers, bearer: Callable[..., Headers], buyer: int) -> None:
    order = _place(client, marketer, buyer, "k1")
    analyst = client.post(f"{API_PREFIX}/orders/{order['order_no']}/refund", headers=bearer("analyst"))
    assert analyst.status_code == 403
    pending = client.post(f"{API_PREFIX}/orders/{order['order_no']}/refund", headers=marketer)
    assert pending.status_code == 409 and "pending" in pending.json()["error"]["message"]
    assert client.post(f"{API_PREFIX}/orders/NOPE/refund", headers=marketer).status_code == 404
