"""services.tokens on its own: expiry, last use, roles, audit, and what is stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from services import auth, tokens
from storage.db import session_scope
from storage.models import ApiToken, AuditLog
from tests.integration.api.conftest import PASSWORD, count


def test_a_token_works_until_it_expires(people) -> None:
    new = tokens.create_token(people["analyst"], "a week", expires_in_days=7)
    now = datetime.now(UTC)
    assert tokens.authenticate_token(new.token, now=now + timedelta(days=6, hours=23)) is not None
    assert tokens.authenticate_token(new.token, now=now + timedelta(days=7, minutes=1)) is None


def test_authenticate_returns_the_owner_with_the_token_role(people) -> None:
    new = tokens.create_token(people["admin"], "bi", role="analyst", read_only=True)
    found = tokens.authenticate(new.token)
    assert found is not None and found.read_only and found.token_id == new.info.id
    assert (found.user.username, found.user.role) == ("admin", "analyst")


@pytest.mark.parametrize("token", [None, "", "sy_", "Bearer sy_x", "not-a-shuying-token"])
def test_nonsense_tokens_authenticate_nobody(people, token: str | None) -> None:
    assert tokens.authenticate_token(token) is None


def test_last_use_is_recorded_at_most_once_a_minute(people) -> None:
    new = tokens.create_token(people["marketer"], "cron")
    start = datetime.now(UTC)
    tokens.authenticate_token(new.token, now=start)
    tokens.authenticate_token(new.token, now=start + timedelta(seconds=30))
    with session_scope() as s:
        assert s.get(ApiToken, new.info.id).last_used_at == start
    later = start + timedelta(minutes=2)
    tokens.authenticate_token(new.token, now=later)
    with session_scope() as s:
        assert s.get(ApiToken, new.info.id).last_used_at == later


def test_every_bad_field_is_reported_at_once(people) -> None:
    with pytest.raises(tokens.TokenValidationError) as caught:
        tokens.create_token(people["designer"], " ", role="admin", expires_in_days=400)
    assert set(caught.value.errors) == {"name", "role", "expires_in_days"}
    assert count(ApiToken) == 0 and count(AuditLog, AuditLog.entity_type == "api_token") == 0


def test_password_login_for_a_token_fails_alike_for_every_reason(people) -> None:
    auth.set_active("designer", False)
    for username, password in (("nobody", PASSWORD), ("admin", "wrong-password"), ("designer", PASSWORD)):
        with pytest.raises(auth.InvalidCredentials):
            tokens.login_for_token(username, password)
    assert count(ApiToken) == 0
    with session_scope() as s:
        reasons = s.scalars(sa.select(AuditLog.details).where(AuditLog.action == "login.failed")
                            .order_by(AuditLog.id)).all()
    assert [r["reason"] for r in reasons] == ["unknown_user", "wrong_password", "inactive"]


def test_the_reflex_login_still_works_after_the_credential_check_moved(people) -> None:
    session_token = auth.login("Analyst ", PASSWORD)
    assert auth.current_user(session_token).username == "analyst"
    with pytest.raises(auth.InvalidCredentials):
        auth.login("analyst", "wrong-password")


def test_listing_shows_revoked_tokens_as_inactive(people) -> None:
    new = tokens.create_token(people["analyst"], "old")
    revoked = tokens.revoke_token(people["analyst"], new.info.id)
    assert revoked.revoked_at is not None and not revoked.active
    assert [t.active for t in tokens.list_tokens(people["analyst"])] == [False]
