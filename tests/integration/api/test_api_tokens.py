"""Your own API tokens: the plaintext is shown once, only a hash is stored, revoking is audited."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from fastapi.testclient import TestClient

from services import tokens
from storage.db import session_scope
from storage.models import ApiToken, AuditLog
from tests.integration.api.conftest import Headers, count, error_fields


def test_a_created_token_is_returned_once_and_only_its_hash_is_stored(
    client: TestClient, bearer: Callable[..., Headers]
) -> None:
    r = client.post("/api/v1/tokens", headers=bearer("analyst"),
                    json={"name": "BI export", "expires_in_days": 7})
    assert r.status_code == 201, r.text
    body = r.json()
    plaintext = body["token"]
    assert plaintext.startswith("sy_") and len(plaintext) > 40
    assert body["info"]["name"] == "BI export" and body["info"]["role"] == "analyst"
    assert plaintext.startswith(body["info"]["prefix"])
    with session_scope() as s:
        row = s.get(ApiToken, body["info"]["id"])
        assert row.token_hash == tokens.hash_token(plaintext) != plaintext
        stored = " ".join(str(v) for v in s.execute(sa.select(ApiToken.__table__)).all())
    assert plaintext not in stored
    listed = client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {plaintext}"}).json()
    assert plaintext not in str(listed) and all("token" not in t for t in listed)


def test_the_token_list_shows_only_your_own_tokens(
    client: TestClient, bearer: Callable[..., Headers]
) -> None:
    mine = bearer("marketer")
    bearer("analyst")
    listed = client.get("/api/v1/tokens", headers=mine).json()
    assert [t["name"] for t in listed] == ["test marketer"]


def test_times_in_the_token_list_carry_an_offset(
    client: TestClient, bearer: Callable[..., Headers]
) -> None:
    info = client.get("/api/v1/tokens", headers=bearer("designer")).json()[0]
    assert info["created_at"].endswith("+08:00") and info["expires_at"].endswith("+08:00")
    assert info["last_used_at"] is not None and info["active"] is True


def test_creating_and_revoking_write_audit_rows(
    client: TestClient, bearer: Callable[..., Headers]
) -> None:
    headers = bearer("marketer")
    new = client.post("/api/v1/tokens", headers=headers, json={"name": "cron"}).json()
    assert client.delete(f"/api/v1/tokens/{new['info']['id']}", headers=headers).status_code == 204
    with session_scope() as s:
        rows = s.execute(
            sa.select(AuditLog.action, AuditLog.actor, AuditLog.entity_id)
            .where(AuditLog.entity_type == "api_token").order_by(AuditLog.id)
        ).all()
    assert rows[-2:] == [("api_token.create", "marketer", str(new["info"]["id"])),
                         ("api_token.revoke", "marketer", str(new["info"]["id"]))]


def test_revoking_twice_is_fine_and_audited_once(
    client: TestClient, bearer: Callable[..., Headers]
) -> None:
    headers = bearer("marketer")
    token_id = client.post("/api/v1/tokens", headers=headers, json={"name": "x"}).json()["info"]["id"]
    for _ in range(2):
        assert client.delete(f"/api/v1/tokens/{token_id}", headers=headers).status_code == 204
    assert count(AuditLog, AuditLog.action == "api_token.revoke") == 1


def test_someone_elses_token_cannot_be_revoked(
    client: TestClient, people, bearer: Callable[..., Headers]
) -> None:
    victim = tokens.create_token(people["analyst"], "theirs")
    r = client.delete(f"/api/v1/tokens/{victim.info.id}", headers=bearer("marketer"))
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {victim.token}"}).status_code == 200
    assert count(AuditLog, AuditLog.action == "api_token.revoke") == 0


def test_a_token_cannot_have_a_higher_role_than_its_owner(
    client: TestClient, bearer: Callable[..., Headers]
) -> None:
    r = client.post("/api/v1/tokens", headers=bearer("marketer"), json={"name": "x", "role": "admin"})
    assert r.status_code == 422
    assert error_fields(r.json()) == {"body.role"}
    assert count(ApiToken) == 1


def test_bad_token_fields_are_all_named(client: TestClient, bearer: Callable[..., Headers]) -> None:
    r = client.post("/api/v1/tokens", headers=bearer("admin"),
                    json={"name": "", "expires_in_days": 0, "read_only": "maybe"})
    assert r.status_code == 422
    assert error_fields(r.json()) == {"body.name", "body.expires_in_days", "body.read_only"}


def test_a_token_without_expiry_can_be_created(
    client: TestClient, bearer: Callable[..., Headers]
) -> None:
    r = client.post("/api/v1/tokens", headers=bearer("admin"), json={"name": "forever",
                                                                     "expires_in_days": None})
    assert r.status_code == 201 and r.json()["info"]["expires_at"] is None
