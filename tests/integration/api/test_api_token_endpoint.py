"""The token endpoint speaks OAuth 2.0 (RFC 6749): real client libraries, each error, and throttling.

The client-library tests serve the API with uvicorn on a free local port and use authlib's
OAuth2Client (httpx) and requests-oauthlib, as an integrator would; the others use the TestClient.
"""

from __future__ import annotations

import base64
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
import uvicorn
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import OAuth2Client
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from storage.db import session_scope
from storage.models import ApiToken, AuditLog
from storage.settings import get_settings
from tests.integration.api.conftest import PASSWORD, count

TOKEN_URL = "/api/v1/auth/token"
GRANT = {"grant_type": "password", "username": "analyst", "password": PASSWORD}


def _post(client: TestClient, data: dict[str, str] | list[tuple[str, str]] | str, **headers: str):
    """POST a form (a dict, repeated pairs, or a raw body) to the token endpoint."""
    if isinstance(data, dict):
        return client.post(TOKEN_URL, data=data, headers=headers)
    body = data if isinstance(data, str) else "&".join(f"{k}={v}" for k, v in data)
    return client.post(TOKEN_URL, content=body.encode(),
                       headers={"Content-Type": "application/x-www-form-urlencoded", **headers})


def _basic(user: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()


def _assert_oauth_error(r, status: int, error: str, description: str | None = None) -> None:
    """An RFC 6749 section 5.2 answer: flat body, not cached."""
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error", "error_description"} and body["error"] == error, body
    if description is not None:
        assert body["error_description"] == description
    assert r.headers["cache-control"] == "no-store" and r.headers["pragma"] == "no-cache"
    assert r.headers["content-type"] == "application/json"


# --- a real OAuth 2.0 client ------------------------------------------------------------------


@pytest.fixture
def server_url(api: FastAPI, db: Engine) -> Iterator[str]:
    """The API served by uvicorn on a free port of 127.0.0.1 (against this test's database)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(api, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(10)
    sock.close()


def test_authlibs_oauth2_client_gets_a_token_with_the_password_grant_and_calls_the_api(
    server_url: str, people
) -> None:
    with OAuth2Client(client_id="reporting-script", token_endpoint_auth_method="none") as oauth:
        token = oauth.fetch_token(server_url + TOKEN_URL, username="analyst", password=PASSWORD)
        assert token["token_type"] == "Bearer" and token["access_token"].startswith("sy_")
        assert token["expires_in"] == 12 * 3600
        me = oauth.get(server_url + "/api/v1/me")  # the client sends the token it got
    assert me.status_code == 200 and me.json()["username"] == "analyst"


def test_authlibs_oauth2_client_reads_a_wrong_password_as_invalid_grant(server_url: str, people) -> None:
    with OAuth2Client(client_id="reporting-script", token_endpoint_auth_method="none") as oauth:
        with pytest.raises(OAuthError) as raised:
            oauth.fetch_token(server_url + TOKEN_URL, username="analyst", password="not-it-at-all")
    assert raised.value.error == "invalid_grant"
    assert raised.value.description == "wrong username or password"
    assert count(ApiToken) == 0


def test_requests_oauthlib_with_its_default_basic_client_id_gets_a_token_and_reads_errors(
    server_url: str, people, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # oauthlib's own switch for plain http
    import requests_oauthlib
    from oauthlib.oauth2 import LegacyApplicationClient
    from oauthlib.oauth2.rfc6749 import errors as oauthlib_errors

    session = requests_oauthlib.OAuth2Session(client=LegacyApplicationClient(client_id="bi-tool"))
    # it authenticates "bi-tool" with an empty secret in a Basic header: a client_id alone, accepted
    token = session.fetch_token(server_url + TOKEN_URL, username="marketer", password=PASSWORD)
    assert token["access_token"].startswith("sy_")
    assert session.get(server_url + "/api/v1/me").json()["role"] == "marketer"
    with pytest.raises(oauthlib_errors.InvalidGrantError):
        session.fetch_token(server_url + TOKEN_URL, username="marketer", password="wrong-wrong")
    with pytest.raises(oauthlib_errors.InvalidClientError):
        session.fetch_token(server_url + TOKEN_URL, username="marketer", password=PASSWORD,
                            client_secret="made-up")


# --- each error -------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["username", "password"])
def test_a_missing_or_empty_credential_is_invalid_request(client: TestClient, people, missing: str) -> None:
    audits = count(AuditLog)
    without = {k: v for k, v in GRANT.items() if k != missing}
    _assert_oauth_error(_post(client, without), 400, "invalid_request", f"missing {missing}")
    _assert_oauth_error(_post(client, {**GRANT, missing: ""}), 400, "invalid_request", f"missing {missing}")
    both = {"grant_type": "password"}
    _assert_oauth_error(_post(client, both), 400, "invalid_request", "missing username and password")
    assert count(ApiToken) == 0 and count(AuditLog) == audits


def test_a_missing_grant_type_is_invalid_request(client: TestClient, people) -> None:
    r = _post(client, {"username": "analyst", "password": PASSWORD})
    _assert_oauth_error(r, 400, "invalid_request", "missing grant_type")


def test_a_parameter_sent_twice_is_invalid_request_even_with_the_right_password(
    client: TestClient, people
) -> None:
    audits = count(AuditLog)
    pairs = [("grant_type", "password"), ("username", "analyst"), ("password", "nope"),
             ("password", PASSWORD)]
    _assert_oauth_error(_post(client, pairs), 400, "invalid_request", "password sent more than once")
    assert count(ApiToken) == 0 and count(AuditLog) == audits


def test_unknown_parameters_are_ignored_even_when_repeated(client: TestClient, people) -> None:
    pairs = [*GRANT.items(), ("state", "a"), ("state", "b")]
    r = _post(client, pairs)
    assert r.status_code == 200 and r.json()["access_token"].startswith("sy_")


def test_another_grant_type_is_unsupported_before_anything_else_is_checked(client: TestClient) -> None:
    r = _post(client, {"grant_type": "authorization_code", "code": "x"})
    _assert_oauth_error(r, 400, "unsupported_grant_type", "only grant_type=password is supported")


def test_a_body_that_is_not_utf8_is_invalid_request(client: TestClient, people) -> None:
    r = client.post(TOKEN_URL, content=b"grant_type=password&username=\xff\xfe",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    _assert_oauth_error(r, 400, "invalid_request")


def test_a_client_secret_is_refused_as_invalid_client_with_a_challenge(client: TestClient, people) -> None:
    r = _post(client, {**GRANT, "client_id": "app", "client_secret": "s3cret"})
    _assert_oauth_error(r, 401, "invalid_client")
    assert r.headers["www-authenticate"].startswith('Basic error="invalid_client"')
    r = _post(client, GRANT, Authorization=_basic("app", "s3cret"))
    _assert_oauth_error(r, 401, "invalid_client")
    assert r.headers["www-authenticate"].startswith("Basic ")
    r = _post(client, GRANT, Authorization="Basic not*base64")
    _assert_oauth_error(r, 401, "invalid_client", "the Basic Authorization header is malformed")
    assert count(ApiToken) == 0


def test_a_client_id_alone_is_accepted_in_the_form_or_as_basic_with_an_empty_secret(
    client: TestClient, people
) -> None:
    assert _post(client, {**GRANT, "client_id": "bi-tool"}).status_code == 200
    # Swagger UI's Authorize dialog sends "Basic Og==" (":") when client id and secret are empty
    assert _post(client, GRANT, Authorization=_basic("", "")).status_code == 200
    assert _post(client, GRANT, Authorization=_basic("bi-tool", "")).status_code == 200
    assert count(ApiToken) == 3


def test_other_endpoints_keep_the_common_error_body(client: TestClient, people) -> None:
    r = client.post("/api/v1/tokens", json={"name": "x"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "not_authenticated"
    assert "cache-control" not in r.headers


def test_the_document_describes_the_oauth_errors_and_the_form(client: TestClient) -> None:
    op = client.get("/api/v1/openapi.json").json()["paths"][TOKEN_URL]["post"]
    assert set(op["responses"]) == {"200", "400", "401", "429"}
    for status in ("400", "401", "429"):
        schema = op["responses"][status]["content"]["application/json"]["schema"]
        assert schema["$ref"] == "#/components/schemas/OAuthErrorOut"
    assert "Retry-After" in op["responses"]["429"]["headers"]
    form = op["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert form["required"] == ["grant_type", "username", "password"]


# --- throttling -------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_username_with_429_and_retry_after(client: TestClient, people) -> None:
    for _ in range(5):
        _assert_oauth_error(_post(client, {**GRANT, "password": "guess-guess"}), 400, "invalid_grant")
    failed_before = count(AuditLog, AuditLog.action == "login.failed")
    r = _post(client, GRANT)  # the right password, not even checked
    _assert_oauth_error(r, 429, "invalid_grant",
                        "too many failed sign-ins for this username; try again in 15 minutes")
    assert 14 * 60 < int(r.headers["retry-after"]) <= 15 * 60
    assert count(AuditLog, AuditLog.action == "login.failed") == failed_before
    assert count(ApiToken) == 0
    with session_scope() as s:
        locked = s.scalars(sa.select(AuditLog).where(AuditLog.action == "login.locked")).all()
    assert len(locked) == 1
    assert (locked[0].actor, locked[0].entity_type, locked[0].entity_id) == (
        "analyst", "user", str(people["analyst"].id))
    assert locked[0].details["via"] == "api" and locked[0].details["address"] == "testclient"
    assert locked[0].details["failures"] == 5
    # another user from the same address is not affected
    assert _post(client, {**GRANT, "username": "marketer"}).status_code == 200


def test_a_successful_token_login_clears_the_usernames_failures(client: TestClient, people) -> None:
    for _ in range(4):
        _post(client, {**GRANT, "password": "guess-guess"})
    assert _post(client, GRANT).status_code == 200
    for _ in range(4):
        assert _post(client, {**GRANT, "password": "guess-guess"}).status_code == 400
    assert _post(client, GRANT).status_code == 200


def test_many_failures_from_one_address_lock_it_for_every_username(
    client: TestClient, people, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = get_settings()
    monkeypatch.setattr(settings, "login_max_failures_per_address", 3)
    monkeypatch.setattr(settings, "trusted_proxy_hops", 1)
    guessing = {"X-Forwarded-For": "203.0.113.7"}
    for name in ("nobody", "admin", "designer"):
        _post(client, {**GRANT, "username": name, "password": "guess-guess"}, **guessing)
    r = _post(client, GRANT, **guessing)
    _assert_oauth_error(r, 429, "invalid_grant",
                        "too many failed sign-ins for this address; try again in 15 minutes")
    assert int(r.headers["retry-after"]) > 14 * 60
    assert count(AuditLog, AuditLog.action == "login.locked",
                 AuditLog.entity_type == "client_address", AuditLog.entity_id == "203.0.113.7") == 1
    # the same user from another address signs in
    assert _post(client, GRANT, **{"X-Forwarded-For": "198.51.100.2"}).status_code == 200
