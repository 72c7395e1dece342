"""Dashboard figures, users and the audit trail through the API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from fastapi.testclient import TestClient

from storage.db import session_scope
from storage.models import Channel, Customer, Order
from tests.integration.api.conftest import PASSWORD, Headers


def _orders(totals: list[tuple[str, str]]) -> None:
    """One customer and paid/refunded orders placed an hour ago."""
    placed = datetime.now(UTC) - timedelta(hours=1)
    with session_scope() as s:
        s.add(Channel(code="store", name_zh="门店", name_en="Store", kind="offline"))
        customer = Customer(code="C1", phone="13800138000")
        s.add(customer)
        s.flush()
        for i, (total, status) in enumerate(totals):
            s.add(Order(order_no=f"O{i}", customer_id=customer.id, channel_code="store",
                        status=status, placed_at=placed, subtotal=Decimal(total),
                        total=Decimal(total)))


def test_the_kpi_summary_gives_money_as_strings(
    client: TestClient, bearer: Callable[..., Headers]
) -> None:
    _orders([("100.10", "paid"), ("0.20", "paid"), ("999", "refunded")])
    r = client.get("/api/v1/kpis/summary", headers=bearer("designer"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["customers"] == 1 and body["period_days"] == 30
    current = body["current"]
    assert (current["orders"], current["gmv"], current["average_order_value"]) == (2, "100.30", "50.15")
    assert body["previous"]["gmv"] == "0.00"
    assert current["start"].endswith("T00:00:00+08:00")


def test_admins_list_users_without_passwords(client: TestClient, bearer: Callable[..., Headers]) -> None:
    r = client.get("/api/v1/users", headers=bearer("admin"))
    assert r.status_code == 200
    assert [u["username"] for u in r.json()] == ["admin", "analyst", "designer", "marketer"]
    assert "password" not in r.text and "argon2" not in r.text


def test_an_admin_creates_a_user_who_can_then_log_in(
    client: TestClient, bearer: Callable[..., Headers]
) -> None:
    headers = bearer("admin")
    r = client.post("/api/v1/users", headers=headers, json={
        "username": "Xiao.Wang", "password": PASSWORD, "role": "analyst",
        "display_name": " 小王 ", "locale": "en"})
    assert r.status_code == 201, r.text
    user = r.json()
    assert (user["username"], user["display_name"], user["role"], user["is_active"]) == (
        "xiao.wang", "小王", "analyst", True)
    login = client.post("/api/v1/auth/token", data={
        "grant_type": "password", "username": "xiao.wang", "password": PASSWORD})
    assert login.status_code == 200
    audit = client.get("/api/v1/audit", params={"entity_type": "user", "entity_id": user["id"]},
                       headers=headers).json()
    assert [(a["action"], a["actor"]) for a in audit] == [("user.create", "admin")]


def test_the_audit_trail_is_newest_first_and_limited(
    client: TestClient, bearer: Callable[..., Headers]
) -> None:
    headers = bearer("admin")
    client.post("/api/v1/tokens", headers=headers, json={"name": "one"})
    entries = client.get("/api/v1/audit?limit=2", headers=headers).json()
    assert len(entries) == 2
    assert entries[0]["action"] == "api_token.create" and entries[0]["details"]["name"] == "one"
    assert entries[0]["id"] > entries[1]["id"]
    assert entries[0]["occurred_at"].endswith("+08:00")
