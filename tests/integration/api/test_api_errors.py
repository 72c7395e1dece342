"""One error body everywhere, fields named, and a failed request changes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services import health
from storage import db as storage_db

from storage.models import AuditLog, User
from tests.integration.api.conftest import PASSWORD, Headers, count, error_fields


def test_a_malformed_body_answers_422_naming_every_field(
    client: TestClient, bearer: Callable[..., Headers]
) -> None:
    r = client.post("/api/v1/users", headers=bearer("admin"),
                    json={"username": "bad name!", "password": "short", "role": "boss", "extra": 1})
    assert r.status_code == 422
    body = r.json()
    assert set(body) == {"error"} and body["error"]["code"] == "validation_failed"
    assert error_fields(body) == {"body.username", "body.password", "body.role",
                                  "body.display_name", "body.extra"}
    assert all(f["message"] for f in body["error"]["fields"])


def test_a_bad_query_parameter_is_named(client: TestClient, bearer: Callable[..., Headers]) -> None:
    r = client.get("/api/v1/customers?page=0&page_size=1000", headers=bearer("analyst"))
    assert r.status_code == 422
    assert error_fields(r.json()) == {"query.page", "query.page_size"}


def test_a_bad_path_parameter_is_named(client: TestClient, bearer: Callable[..., Headers]) -> None:
    r = client.get("/api/v1/customers/abc", headers=bearer("analyst"))
    assert r.status_code == 422 and error_fields(r.json()) == {"path.customer_id"}


def test_unparseable_json_answers_400(client: TestClient, bearer: Callable[..., Headers]) -> None:
    headers = {**bearer("admin"), "Content-Type": "application/json"}
    r = client.post("/api/v1/users", headers=headers, content=b'{"username": ')
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_json"


def test_an_unknown_api_path_answers_a_json_404(client: TestClient) -> None:
    r = client.get("/api/v1/no-such-thing")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_a_wrong_method_answers_a_json_405(client: TestClient, bearer: Callable[..., Headers]) -> None:
    r = client.put("/api/v1/me", headers=bearer("admin"))
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"


def test_a_taken_username_answers_409_and_changes_nothing(
    client: TestClient, bearer: Callable[..., Headers]
) -> None:
    headers = bearer("admin")
    users, audits = count(User), count(AuditLog)
    r = client.post("/api/v1/users", headers=headers, json={
        "username": "Marketer", "password": PASSWORD, "role": "analyst", "display_name": "Dup"})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "conflict" and error_fields(r.json()) == {"body.username"}
    assert (count(User), count(AuditLog)) == (users, audits)


def test_a_refused_request_changes_nothing(client: TestClient, bearer: Callable[..., Headers]) -> None:
    headers = bearer("marketer")
    users, audits = count(User), count(AuditLog)
    r = client.post("/api/v1/users", headers=headers, json={
        "username": "newbie", "password": PASSWORD, "role": "analyst", "display_name": "N"})
    assert r.status_code == 403
    assert (count(User), count(AuditLog)) == (users, audits)


def test_health_answers_503_when_the_database_is_unreachable(client: TestClient, tmp_path) -> None:
    storage_db.use_database(f"sqlite:///{tmp_path}/missing-dir/x.db")
    r = client.get("/api/v1/health")
    assert r.status_code == 503
    assert r.json() == {"status": "unavailable", "database": "unreachable"}


def test_an_unexpected_error_answers_500_without_details(
    api: FastAPI, db, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom() -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(health, "check", boom)
    r = TestClient(api, raise_server_exceptions=False).get("/api/v1/health")
    assert r.status_code == 500
    assert r.json()["error"]["code"] == "internal_error" and "secret" not in r.text
