"""REST routes of checkout and promotions (app/api/routers/commerce.py) on SQLite and PostgreSQL.

The router is mounted the way create_api() mounts every router (prefix /api/v1, the API's error
handlers), on a bare FastAPI app, so these tests do not depend on it being listed in ROUTERS yet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.api import errors
from app.api.deps import API_PREFIX
from app.api.routers import commerce
from services.commerce import schedule_promotion
from tests.fixtures.commerce_data import (
    add_customers,
    counters,
    percent,
    row_counts,
    seed_catalogue,
    threshold,
)

Headers = dict[str, str]


@pytest.fixture(scope="module")
def api() -> FastAPI:
    """The commerce router mounted like create_api() mounts routers."""
    app = FastAPI()
    errors.install(app)
    app.include_router(commerce.router, prefix=API_PREFIX)
    return app


@pytest.fixture
def client(api: FastAPI, db: Engine) -> Iterator[TestClient]:
    """A client on the router, against this test's database."""
    with TestClient(api) as c:
        yield c


@pytest.fixture
def marketer(bearer: Callable[..., Headers]) -> Headers:
    """A marketer's token."""
    return bearer("marketer")


@pytest.fixture
def shop(db: Engine) -> dict[str, int]:
    """The catalogue with stock."""
    return seed_catalogue()


def _fields(resp: Any) -> set[str]:
    return {f["field"] for f in resp.json()["error"]["fields"]}


def _promotion(client: TestClient, h: Headers, code: str, definition: dict[str, Any], **extra: Any) -> Any:
    body = {"code": code, "name": code, "definition": definition, **extra}
    return client.post(f"{API_PREFIX}/promotions", json=body, headers=h)


def test_routes_need_a_token_and_the_right_role(client: TestClient, bearer: Callable[..., Headers]) -> None:
    assert client.get(f"{API_PREFIX}/promotions").status_code == 401
    analyst = bearer("analyst")
    assert client.get(f"{API_PREFIX}/promotions", headers=analyst).status_code == 200
    resp = _promotion(client, analyst, "p", percent(10))
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "forbidden"


def test_a_promotion_is_created_edited_as_versions_scheduled_and_listed(client: TestClient, marketer: Headers) -> None:
    created = _promotion(client, marketer, "mj", threshold(300, 50), budget_uses=100)
    assert created.status_code == 201 and created.json()["status"] == "draft"
    assert created.json()["created_by"] == "marketer"
    edited = client.patch(f"{API_PREFIX}/promotions/mj", json={"definition": threshold(300, 60)}, headers=marketer)
    assert edited.status_code == 200 and edited.json()["version"] == 2
    versions = client.get(f"{API_PREFIX}/promotions/mj/versions", headers=marketer).json()
    assert [v["definition"]["params"]["tiers"][0]["off"] for v in versions] == ["50", "60"]
    live = client.post(f"{API_PREFIX}/promotions/mj/schedule", headers=marketer).json()
    assert live["status"] == "live" and live["budget_used_pct"] == "0.0" and live["used_amount"] == "0.00"
    listed = client.get(f"{API_PREFIX}/promotions", params={"status": "live"}, headers=marketer).json()
    assert [p["code"] for p in listed] == ["mj"]
    again = client.post(f"{API_PREFIX}/promotions/mj/schedule", headers=marketer)
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_transition"
    assert client.delete(f"{API_PREFIX}/promotions/mj", headers=marketer).status_code == 409
    _promotion(client, marketer, "draft", percent(5))
    assert client.delete(f"{API_PREFIX}/promotions/draft", headers=marketer).status_code == 204
    assert client.get(f"{API_PREFIX}/promotions/draft", headers=marketer).status_code == 404


def test_an_invalid_promotion_is_a_422_naming_every_field_and_saves_nothing(
        client: TestClient, marketer: Headers) -> None:
    before = row_counts()
    resp = _promotion(client, marketer, "bad", {"type": "percent_off", "params": {"percent": 120},
                                                "condition": {"nope": [1]}})
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "validation_failed"
    assert _fields(resp) == {"body.definition.params.percent", "body.definition.condition.nope"}
    resp = _promotion(client, marketer, "bad code!", percent(10), budget_uses=-1)
    assert _fields(resp) == {"body.code", "body.budget_uses"}
    assert row_counts() == before


def test_versions_list_their_limits_and_an_old_one_is_restored_as_a_new_version(
        client: TestClient, marketer: Headers, bearer: Callable[..., Headers]) -> None:
    _promotion(client, marketer, "mj", threshold(300, 50), budget_amount="1000")
    client.patch(f"{API_PREFIX}/promotions/mj", json={"definition": threshold(300, 60), "per_customer_limit": 2},
                 headers=marketer)
    restored = client.post(f"{API_PREFIX}/promotions/mj/versions/1/restore", headers=marketer)
    assert restored.status_code == 200
    body = restored.json()
    assert body["version"] == 3 and body["per_customer_limit"] is None and body["budget_amount"] == "1000.00"
    assert body["definition"]["params"]["tiers"][0]["off"] == "50"
    versions = client.get(f"{API_PREFIX}/promotions/mj/versions", headers=bearer("analyst")).json()
    assert [(v["version"], v["restored_from"], v["created_by"]) for v in versions] == [
        (1, None, "marketer"), (2, None, "marketer"), (3, 1, "marketer")]
    assert versions[1]["limits"] == {"budget_amount": "1000.00", "budget_uses": None, "per_customer_limit": 2}
    again = client.post(f"{API_PREFIX}/promotions/mj/versions/3/restore", headers=marketer)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_current"
    assert _fields(again) == {"body.version"}
    assert client.post(f"{API_PREFIX}/promotions/mj/versions/9/restore", headers=marketer).status_code == 404
    assert client.post(f"{API_PREFIX}/promotions/mj/versions/0/restore", headers=marketer).status_code == 422
    refused = client.post(f"{API_PREFIX}/promotions/mj/versions/1/restore", headers=bearer("analyst"))
    assert refused.status_code == 403
    assert client.get(f"{API_PREFIX}/promotions/mj", headers=marketer).json()["version"] == 3


def test_a_coupon_template_is_edited_with_patch_and_bad_edits_change_nothing(
        client: TestClient, marketer: Headers) -> None:
    _promotion(client, marketer, "c10", threshold(100, 10))
    client.post(f"{API_PREFIX}/promotions/c10/schedule", headers=marketer)
    client.post(f"{API_PREFIX}/coupon-templates", headers=marketer, json={
        "code": "T10", "name": "满100减10券", "promotion_code": "c10", "stock": 5, "valid_days": 7})
    (a,) = add_customers(1)
    client.post(f"{API_PREFIX}/coupons/claim", json={"template_code": "T10", "customer_id": a}, headers=marketer)
    edited = client.patch(f"{API_PREFIX}/coupon-templates/T10", headers=marketer, json={
        "name": "满100减10 新人券", "stock": 50, "valid_days": None,
        "claim_ends_at": "2026-12-31T23:59:00+08:00"})
    assert edited.status_code == 200
    body = edited.json()
    assert (body["name"], body["stock"], body["valid_days"], body["claimed"]) == ("满100减10 新人券", 50, None, 1)
    assert body["claim_ends_at"] == "2026-12-31T23:59:00+08:00" and body["promotion_code"] == "c10"
    below = client.patch(f"{API_PREFIX}/coupon-templates/T10", json={"stock": 0}, headers=marketer)
    assert below.status_code == 409 and below.json()["error"]["code"] == "stock_below_claimed"
    bad = client.patch(f"{API_PREFIX}/coupon-templates/T10", headers=marketer,
                       json={"code": "T11", "promotion_code": "x", "per_customer_limit": 0})
    assert bad.status_code == 422
    assert _fields(bad) == {"body.code", "body.promotion_code", "body.per_customer_limit"}
    window = client.patch(f"{API_PREFIX}/coupon-templates/T10", headers=marketer,
                          json={"claim_starts_at": "2027-01-01T00:00:00+08:00"})
    assert window.status_code == 422 and _fields(window) == {"body.claim_ends_at"}
    assert client.patch(f"{API_PREFIX}/coupon-templates/NOPE", json={"name": "x"}, headers=marketer).status_code == 404
    assert client.get(f"{API_PREFIX}/coupon-templates/T10", headers=marketer).json() == body


def test_coupon_templates_batches_csv_and_claims(client: TestClient, marketer: Headers, db: Engine) -> None:
    _promotion(client, marketer, "c10", threshold(100, 10))
    client.post(f"{API_PREFIX}/promotions/c10/schedule", headers=marketer)
    made = client.post(f"{API_PREFIX}/coupon-templates", headers=marketer, json={
        "code": "T10", "name": "满100减10券", "promotion_code": "c10", "stock": 2, "valid_days": 7})
    assert made.status_code == 201 and made.json()["claimed"] == 0
    batch = client.post(f"{API_PREFIX}/coupon-templates/T10/batches", json={"count": 25}, headers=marketer)
    assert batch.status_code == 201 and batch.json()["size"] == 25
    exported = client.get(f"{API_PREFIX}/coupon-templates/T10/batches/{batch.json()['id']}.csv", headers=marketer)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == 25 and len({r["code"] for r in rows}) == 25
    a, b, c = add_customers(3)
    fresh = client.post(f"{API_PREFIX}/coupons/claim", json={"template_code": "T10", "customer_id": a}, headers=marketer)
    assert fresh.status_code == 201 and fresh.json()["customer_id"] == a
    typed = rows[0]["display_code"].lower()
    bound = client.post(f"{API_PREFIX}/coupons/claim", json={"code": typed, "customer_id": b}, headers=marketer)
    assert bound.status_code == 201 and bound.json()["code"] == rows[0]["code"]
    empty = client.post(f"{API_PREFIX}/coupons/claim", json={"template_code": "T10", "customer_id": c}, headers=marketer)
    assert empty.status_code == 409 and empty.json()["error"]["code"] == "out_of_stock"
    both = client.post(f"{API_PREFIX}/coupons/claim", json={"customer_id": c}, headers=marketer)
    assert both.status_code == 422
    assert client.get(f"{API_PREFIX}/coupon-templates/T10/batches/999.csv", headers=marketer).status_code == 404


def test_a_quote_prices_the_cart_on_the_server(client: TestClient, marketer: Headers, shop: dict[str, int]) -> None:
    _promotion(client, marketer, "p10", percent(10))
    client.post(f"{API_PREFIX}/promotions/p10/schedule", headers=marketer)
    resp = client.post(f"{API_PREFIX}/quote", headers=marketer, json={"lines": [{"sku": "TEE", "qty": 2}]})
    assert resp.status_code == 200
    body = resp.json()
    assert (body["subtotal"], body["discount"], body["total"], body["combination"]) == (
        "200.00", "20.00", "190.00", ["p10"])
    assert body["withheld"] == [] and body["coupon_problems"] == []


def test_a_quote_with_bad_input_names_the_fields(client: TestClient, marketer: Headers, shop: dict[str, int]) -> None:
    resp = client.post(f"{API_PREFIX}/quote", headers=marketer,
                       json={"lines": [{"sku": "TEE", "qty": 0, "price": "1.00"}]})
    assert resp.status_code == 422 and _fields(resp) == {"body.lines.0.qty", "body.lines.0.price"}
    resp = client.post(f"{API_PREFIX}/quote", headers=marketer,
                       json={"lines": [{"sku": "NOPE", "qty": 1}], "customer_id": 99})
    assert resp.status_code == 422 and _fields(resp) == {"body.lines.0.sku", "body.customer_id"}


def test_an_order_is_placed_once_per_idempotency_key(client: TestClient, marketer: Headers, shop: dict[str, int]) -> None:
    [cid] = add_customers(1)
    body = {"lines": [{"sku": "TEE", "qty": 1}], "customer_id": cid}
    snapshot = (row_counts(), counters())
    missing = client.post(f"{API_PREFIX}/orders", json=body, headers=marketer)
    assert missing.status_code == 422 and _fields(missing) == {"header.Idempotency-Key"}
    assert (row_counts(), counters()) == snapshot
    h = {**marketer, "Idempotency-Key": "order-1"}
    first = client.post(f"{API_PREFIX}/orders", json=body, headers=h)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    again = client.post(f"{API_PREFIX}/orders", json=body, headers=h)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    other = client.post(f"{API_PREFIX}/orders", json={**body, "lines": [{"sku": "TEE", "qty": 2}]}, headers=h)
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert _fields(other) == {"header.Idempotency-Key"}
    order_no = first.json()["order_no"]
    got = client.get(f"{API_PREFIX}/orders/{order_no}", headers=marketer).json()
    assert (got["status"], got["total"], got["lines"][0]["sku"]) == ("pending", "110.00", "TEE")
    assert client.post(f"{API_PREFIX}/orders/{order_no}/cancel", headers=marketer).json()["status"] == "cancelled"
    assert client.post(f"{API_PREFIX}/orders/{order_no}/pay", headers=marketer).status_code == 409


def test_a_refused_order_changes_nothing(client: TestClient, marketer: Headers, shop: dict[str, int]) -> None:
    _promotion(client, marketer, "p10", percent(10), budget_uses=5)
    schedule_promotion("p10")
    [cid] = add_customers(1)
    snapshot = (row_counts(), counters())
    h = {**marketer, "Idempotency-Key": "k"}
    short = client.post(f"{API_PREFIX}/orders", headers=h,
                        json={"lines": [{"sku": "LAMP", "qty": 6}], "customer_id": cid})
    assert short.status_code == 409 and short.json()["error"]["code"] == "out_of_stock"
    assert _fields(short) == {"body.lines"}
    coupon = client.post(f"{API_PREFIX}/orders", headers=h,
                         json={"lines": [{"sku": "TEE", "qty": 1}], "customer_id": cid, "coupon_codes": ["NOPE"]})
    assert coupon.status_code == 409 and coupon.json()["error"]["code"] == "coupon_unusable"
    bad = client.post(f"{API_PREFIX}/orders", headers=h, json={"lines": [], "customer_id": cid, "total": "1"})
    assert bad.status_code == 422 and _fields(bad) == {"body.lines", "body.total"}
    assert (row_counts(), counters()) == snapshot


def test_the_routes_make_valid_openapi_with_roles_and_the_error_body(api: FastAPI) -> None:
    from openapi_spec_validator import validate

    doc = api.openapi()
    validate(doc)
    ops = {(m.upper(), p): op for p, methods in doc["paths"].items() for m, op in methods.items()}
    assert len(ops) == 19
    assert all(op["x-roles"] and {"401", "403"} <= set(op["responses"]) for op in ops.values())
    assert ops[("POST", "/api/v1/quote")]["x-roles"] == ["admin", "marketer", "designer", "analyst"]
    assert ops[("POST", "/api/v1/orders")]["x-roles"] == ["admin", "marketer"]
    assert "HTTPValidationError" not in doc["components"]["schemas"]
