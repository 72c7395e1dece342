"""Who may call the API: token login, bearer tokens, 401 and 403 (RFC 6749 errors in detail:
test_api_token_endpoint.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from collections.abc import Callable

import sqlalchemy as sa
from fastapi.testclient import TestClient

from services import auth, tokens
from storage.db import session_scope
from storage.models import ApiToken, AuditLog, User
from tests.integration.api.conftest import PASSWORD, Headers, count

TOKEN_URL = "/api/v1/auth/token"


def _login(client: TestClient, username: str, password: str, **extra: str):
    return client.post(
        TOKEN_URL, data={"grant_type": "password", "username": username, "password": password, **extra}
    )


def test_health_answers_ok_without_a_token(client: TestClient) -> None:
    r = client.get("/api/v1/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok"}


def test_password_login_returns_a_bearer_token_that_works(client: TestClient, people) -> None:
    r = _login(client, "marketer", PASSWORD)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "Bearer" and body["access_token"].startswith("sy_")
    assert body["expires_in"] == 12 * 3600
    assert r.headers["cache-control"] == "no-store" and r.headers["pragma"] == "no-cache"
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["username"] == "marketer" and me.json()["role"] == "marketer"


def test_password_login_is_recorded_as_a_token_and_an_audit_row(client: TestClient, people) -> None:
    assert _login(client, "analyst", PASSWORD).status_code == 200
    assert count(ApiToken, ApiToken.user_id == people["analyst"].id) == 1
    assert count(AuditLog, AuditLog.action == "api_token.create", AuditLog.actor == "analyst") == 1
    with session_scope() as s:
        assert s.get(User, people["analyst"].id).last_login_at is not None


def test_wrong_password_answers_400_invalid_grant_and_only_audits_the_failure(
    client: TestClient, people
) -> None:
    audits_before = count(AuditLog)
    r = _login(client, "marketer", "not-the-password")
    assert r.status_code == 400
    assert r.json() == {"error": "invalid_grant", "error_description": "wrong username or password"}
    assert r.headers["cache-control"] == "no-store" and r.headers["pragma"] == "no-cache"
    assert "www-authenticate" not in r.headers
    assert count(ApiToken) == 0
    assert count(AuditLog) == audits_before + 1
    with session_scope() as s:
        row = s.scalars(sa.select(AuditLog).order_by(AuditLog.id.desc())).first()
        assert (row.action, row.actor, row.details) == (
            "login.failed", "marketer", {"reason": "wrong_password", "via": "api", "address": "testclient"}
        )
        assert s.get(User, people["marketer"].id).last_login_at is None


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client: TestClient, people) -> None:
    unknown = _login(client, "nobody", PASSWORD)
    wrong = _login(client, "admin", "nope-nope-nope")
    assert unknown.status_code == wrong.status_code == 400
    assert unknown.json() == wrong.json()


def test_inactive_user_cannot_log_in(client: TestClient, people) -> None:
    auth.set_active("designer", False)
    r = _login(client, "designer", PASSWORD)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"


def test_token_login_wants_a_form_not_json(client: TestClient, people) -> None:
    r = client.post(TOKEN_URL, json={"grant_type": "password", "username": "admin", "password": PASSWORD})
    assert r.status_code == 400
    assert r.json() == {"error": "invalid_request",
                        "error_description": "send the parameters as application/x-www-form-urlencoded"}
    assert count(ApiToken) == 0


def test_token_login_refuses_multipart_forms(client: TestClient, people) -> None:
    form = {"grant_type": "password", "username": "admin", "password": PASSWORD}
    r = client.post(TOKEN_URL, files={k: (None, v) for k, v in form.items()})
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    assert count(ApiToken) == 0


def test_token_login_refuses_other_grant_types(client: TestClient, people) -> None:
    r = _login(client, "admin", PASSWORD, grant_type="client_credentials")
    assert r.status_code == 400
    assert r.json() == {"error": "unsupported_grant_type",
                        "error_description": "only grant_type=password is supported"}
    assert count(ApiToken) == 0


def test_request_without_token_answers_401_with_a_bearer_challenge(client: TestClient) -> None:
    r = client.get("/api/v1/me")
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.json() == {"error": {"code": "not_authenticated",
                                  "message": "a bearer token is required", "fields": []}}


def test_other_authorization_schemes_are_not_accepted(client: TestClient, people) -> None:
    r = client.get("/api/v1/me", headers={"Authorization": f"Basic {PASSWORD}"})
    assert r.status_code == 401


def test_unknown_token_answers_401_invalid_token(client: TestClient, people) -> None:
    r = client.get("/api/v1/me", headers={"Authorization": "Bearer sy_made-up"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert r.json()["error"]["code"] == "invalid_token"


def test_revoked_token_answers_401(client: TestClient, people) -> None:
    new = tokens.create_token(people["analyst"], "to revoke")
    headers = {"Authorization": f"Bearer {new.token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert client.delete(f"/api/v1/tokens/{new.info.id}", headers=headers).status_code == 204
    r = client.get("/api/v1/me", headers=headers)
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_token"


def test_expired_token_answers_401(client: TestClient, people) -> None:
    new = tokens.create_token(people["analyst"], "short", expires_in_days=1)
    with session_scope() as s:
        s.get(ApiToken, new.info.id).expires_at = datetime.now(UTC) - timedelta(seconds=1)
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {new.token}"})
    assert r.status_code == 401


def test_token_of_a_deactivated_user_stops_working(client: TestClient, people) -> None:
    new = tokens.create_token(people["marketer"], "ci")
    auth.set_active("marketer", False)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {new.token}"}).status_code == 401


def test_wrong_role_answers_403(client: TestClient, bearer: Callable[..., Headers]) -> None:
    r = client.get("/api/v1/customers", headers=bearer("designer"))
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"
    assert client.get("/api/v1/users", headers=bearer("analyst")).status_code == 403
    assert client.get("/api/v1/audit", headers=bearer("marketer")).status_code == 403


def test_every_role_sees_itself_at_me(client: TestClient, bearer: Callable[..., Headers]) -> None:
    for role in auth.ROLES:
        r = client.get("/api/v1/me", headers=bearer(role))
        assert r.status_code == 200 and r.json()["role"] == role


def test_an_admin_token_minted_for_a_lesser_role_acts_with_that_role(
    client: TestClient, bearer: Callable[..., Headers]
) -> None:
    headers = bearer("admin", role="analyst")
    assert client.get("/api/v1/me", headers=headers).json()["role"] == "analyst"
    assert client.get("/api/v1/customers", headers=headers).status_code == 200
    assert client.get("/api/v1/users", headers=headers).status_code == 403


def test_a_read_only_token_cannot_write(client: TestClient, bearer: Callable[..., Headers]) -> None:
    headers = bearer("marketer", read_only=True)
    assert client.get("/api/v1/tokens", headers=headers).status_code == 200
    r = client.post("/api/v1/tokens", headers=headers, json={"name": "more"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "insufficient_scope"
    assert count(ApiToken) == 1


def test_a_token_stops_working_when_its_owner_loses_the_role(
    client: TestClient, people, bearer: Callable[..., Headers]
) -> None:
    headers = bearer("marketer")
    with session_scope() as s:
        s.get(User, people["marketer"].id).role = "analyst"
    assert client.get("/api/v1/me", headers=headers).status_code == 401
