"""Customers through the API: personal data masked, search through the blind indexes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from storage.db import session_scope
from storage.models import Customer, CustomerIdentity, CustomerTag
from tests.integration.api.conftest import Headers

PLAINTEXT = ("张三丰", "13800138000", "zhang@qq.com", "李四", "13900139000", "li.si@163.com")


@pytest.fixture
def shoppers(db: Engine) -> list[int]:
    """Three customers (two with personal data), one tag and one WeChat identity."""
    with session_scope() as s:
        zhang = Customer(code="C000001", name="张三丰", phone="138 0013 8000", email="zhang@qq.com",
                         city="杭州", tier="gold", total_spent=Decimal("1234.5"), orders_count=3,
                         registered_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC))
        li = Customer(code="C000002", name="李四", phone="13900139000", email="li.si@163.com")
        anon = Customer(code="D000003")
        s.add_all([zhang, li, anon])
        s.flush()
        s.add(CustomerTag(customer_id=zhang.id, tag="vip"))
        s.add(CustomerIdentity(customer_id=li.id, namespace="wechat_openid", value="oOPENID-li"))
        return [zhang.id, li.id, anon.id]


def test_the_customer_list_masks_personal_data(
    client: TestClient, bearer: Callable[..., Headers], shoppers: list[int]
) -> None:
    r = client.get("/api/v1/customers", headers=bearer("analyst"))
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 3 and body["page"] == 1 and body["page_size"] == 20
    first = body["items"][0]
    assert (first["name"], first["phone"], first["email"]) == ("张**", "138****8000", "z***@qq.com")
    assert body["items"][2]["phone"] == "" and body["items"][2]["name"] == ""
    assert not any(secret in r.text for secret in PLAINTEXT)


def test_money_and_times_are_strings_with_two_decimals_and_an_offset(
    client: TestClient, bearer: Callable[..., Headers], shoppers: list[int]
) -> None:
    item = client.get(f"/api/v1/customers/{shoppers[0]}", headers=bearer("marketer")).json()
    assert item["total_spent"] == "1234.50"
    assert item["registered_at"] == "2026-01-02T11:04:00+08:00"
    assert item["tags"] == ["vip"] and item["city"] == "杭州"


def test_search_by_phone_in_another_format_uses_the_blind_index(
    client: TestClient, bearer: Callable[..., Headers], shoppers: list[int]
) -> None:
    r = client.get("/api/v1/customers", params={"q": "+86 139-0013-9000"}, headers=bearer("admin"))
    assert [c["code"] for c in r.json()["items"]] == ["C000002"]


@pytest.mark.parametrize(("q", "codes"), [
    ("ZHANG@qq.com", ["C000001"]),
    ("张三丰", ["C000001"]),
    ("oOPENID-li", ["C000002"]),
    ("c0000", ["C000001", "C000002"]),
    ("13700000000", []),
    ("100%_", []),
])
def test_search_matches_email_name_identity_and_code_prefix(
    client: TestClient, bearer: Callable[..., Headers], shoppers: list[int], q: str, codes: list[str]
) -> None:
    r = client.get("/api/v1/customers", params={"q": q}, headers=bearer("analyst"))
    assert r.status_code == 200
    assert [c["code"] for c in r.json()["items"]] == codes
    assert r.json()["total"] == len(codes)


def test_pages_split_the_results(
    client: TestClient, bearer: Callable[..., Headers], shoppers: list[int]
) -> None:
    headers = bearer("analyst")
    second = client.get("/api/v1/customers?page=2&page_size=2", headers=headers).json()
    assert second["total"] == 3 and [c["code"] for c in second["items"]] == ["D000003"]


def test_an_unknown_customer_answers_404(
    client: TestClient, bearer: Callable[..., Headers], shoppers: list[int]
) -> None:
    r = client.get("/api/v1/customers/999999", headers=bearer("analyst"))
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_designers_may_not_read_customers(
    client: TestClient, bearer: Callable[..., Headers], shoppers: list[int]
) -> None:
    assert client.get(f"/api/v1/customers/{shoppers[0]}", headers=bearer("designer")).status_code == 403
