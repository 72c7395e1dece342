"""Concurrent failed sign-ins are all counted, and a lockout starts (and is audited) exactly once.

Each thread has its own database connection (NullPool), as separate app processes would, and the
threads are released together by a barrier. The real test is the PostgreSQL run
(SHUYING_TEST_POSTGRES_URL; READ COMMITTED, row locks): a count read in Python and written back would
lose failures there. On SQLite the same tests run (writers are serialised; they check the bookkeeping).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from services import auth
from storage.db import session_scope
from storage.models import AuditLog
from storage.repositories import login_throttles
from storage.settings import get_settings
from tests.fixtures.threads import run_together

PASSWORD = "Correct-Horse-9"
T0 = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
HERE = "192.0.2.10"


def _run_together(jobs: list[Callable[[], Any]]) -> list[str]:
    """Run every job in its own thread, released at once; each outcome is "ok" or the exception's class name."""
    return [type(o).__name__ if isinstance(o, Exception) else "ok" for o in run_together(jobs)]


def _row(scope: str, key: str) -> login_throttles.ThrottleRecord | None:
    with session_scope() as s:
        return login_throttles.get(s, scope, key)


def _wrong(username: str) -> Callable[[], Any]:
    return lambda: auth.login(username, "not-the-password", address=HERE, now=T0)


def test_every_concurrent_failure_is_counted_for_the_username_and_the_address(
    own_connections: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "login_max_failures", 100)
    auth.create_user("victim", PASSWORD, "analyst", "Victim", "en")
    outcomes = _run_together([_wrong("victim") for _ in range(10)])
    assert outcomes == ["InvalidCredentials"] * 10
    username, address = _row("username", "victim"), _row("address", HERE)
    assert username is not None and username.failures == 10
    assert address is not None and address.failures == 10


def test_a_burst_of_failures_locks_once_and_counts_every_attempt_that_was_checked(
    own_connections: None,
) -> None:
    auth.create_user("victim", PASSWORD, "analyst", "Victim", "en")
    outcomes = Counter(_run_together([_wrong("victim") for _ in range(8)]))
    assert set(outcomes) <= {"InvalidCredentials", "LoginThrottled"}
    checked = outcomes["InvalidCredentials"]
    row = _row("username", "victim")
    assert row is not None and row.failures == checked >= 5 and row.locked_until is not None
    with session_scope() as s:
        locks = s.scalar(sa.select(sa.func.count()).select_from(AuditLog)
                         .where(AuditLog.action == "login.locked"))
        failed = s.scalar(sa.select(sa.func.count()).select_from(AuditLog)
                          .where(AuditLog.action == "login.failed"))
    assert (locks, failed) == (1, checked)
    with pytest.raises(auth.LoginThrottled):
        auth.login("victim", PASSWORD, now=T0)


def test_the_counting_statement_loses_nothing_under_contention(own_connections: None) -> None:
    def count_five(key: str) -> None:
        for _ in range(5):
            with session_scope() as s:
                login_throttles.count_failure(s, "address", key, T0, T0.replace(hour=1))

    outcomes = _run_together([lambda: count_five("198.51.100.9") for _ in range(12)])
    assert outcomes == ["ok"] * 12
    row = _row("address", "198.51.100.9")
    assert row is not None and row.failures == 60
