"""Login throttling, shared by the web login and the token endpoint (both go through services.auth).

Failed sign-ins are counted in the database (``login_throttles``), so every app process sees the same
counts, per username and, separately, per client address across usernames:

- ``login_max_failures`` failures of one username (5), or ``login_max_failures_per_address`` from one
  address (50), within ``login_window_minutes`` (15) of the first of them lock that username or
  address for ``login_lockout_minutes`` (15). While locked, a sign-in is refused before the password
  is looked at; refused attempts are not counted, so a lockout always ends on time. After it, the
  count starts again from zero.
- A successful sign-in clears its username's count (not the address's: one working account must not
  reset an address that is guessing other people's passwords).
- Unknown usernames are counted like known ones, so a lockout does not reveal which accounts exist.
- The start of a lockout writes one ``login.locked`` audit row (exactly one, however many processes
  cross the limit together). Counting is one atomic statement per key, so concurrent failures are
  never lost; attempts already past the check when a lockout starts still get their answer, so a
  burst of simultaneous guesses can overshoot the limit by the number running at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from storage.repositories import audit, login_throttles
from storage.repositories.login_throttles import KEY_MAX
from storage.settings import get_settings

USERNAME = "username"
ADDRESS = "address"


@dataclass(frozen=True)
class Limits:
    """How many failures lock a username or an address, within which window, for how long."""

    per_username: int
    per_address: int
    window: timedelta
    lockout: timedelta

    @classmethod
    def from_settings(cls) -> Limits:
        """The configured limits (``SHUYING_LOGIN_*``)."""
        s = get_settings()
        return cls(s.login_max_failures, s.login_max_failures_per_address,
                   timedelta(minutes=s.login_window_minutes), timedelta(minutes=s.login_lockout_minutes))

    def of(self, scope: str) -> int:
        """The failure limit of a scope."""
        return self.per_username if scope == USERNAME else self.per_address


@dataclass(frozen=True)
class Lockout:
    """A username or an address refused until ``until``."""

    scope: str  # "username" | "address"
    until: datetime

    def retry_after(self, now: datetime) -> int:
        """Whole seconds until sign-ins are accepted again (at least 1)."""
        return max(1, math.ceil((self.until - now).total_seconds()))


def _keys(username: str, address: str | None) -> list[tuple[str, str]]:
    """The (scope, key) pairs an attempt counts against; empty values count against nothing."""
    keys = []
    if username:
        keys.append((USERNAME, username[:KEY_MAX]))
    if address and address.strip():
        keys.append((ADDRESS, address.strip()[:KEY_MAX]))
    return keys


def refusal(s: Session, username: str, address: str | None, now: datetime) -> Lockout | None:
    """The lockout that refuses this attempt now (the one ending last), or None to go ahead.

    ``username`` is already normalised (services.auth); ``address`` is the client's, or None.
    """
    rows = login_throttles.locked(s, _keys(username, address), now)
    if not rows:
        return None
    last = max(rows, key=lambda r: r.locked_until or now)
    assert last.locked_until is not None
    return Lockout(last.scope, last.locked_until)


def record_failure(
    s: Session, username: str, address: str | None, now: datetime, *, via: str = "",
    user_id: int | None = None, limits: Limits | None = None,
) -> list[Lockout]:
    """Count a failed sign-in against the username and the address; returns the lockouts it started.

    Each lockout started is audited (``login.locked``) in the caller's transaction.
    """
    limits = limits or Limits.from_settings()
    started = []
    for scope, key in _keys(username, address):  # always username first: one lock order everywhere
        row = login_throttles.count_failure(s, scope, key, now, now - limits.window)
        if row.failures < limits.of(scope) or row.locked_until is not None:
            continue
        until = now + limits.lockout
        if login_throttles.start_lockout(s, scope, key, until, now):
            started.append(Lockout(scope, until))
            _audit_lockout(s, scope, key, username, row.failures, until, limits, via, user_id, address)
    login_throttles.prune(s, now - limits.window, now)
    return started


def record_success(s: Session, username: str) -> None:
    """A successful sign-in: forget its username's failures."""
    if username:
        login_throttles.clear(s, USERNAME, username[:KEY_MAX])


def _audit_lockout(
    s: Session, scope: str, key: str, username: str, failures: int, until: datetime, limits: Limits,
    via: str, user_id: int | None, address: str | None,
) -> None:
    """One ``login.locked`` row: which username or address, after how many failures, until when."""
    details: dict[str, Any] = {
        "scope": scope, "failures": failures, "limit": limits.of(scope),
        "window_minutes": int(limits.window.total_seconds() // 60),
        "locked_until": until.isoformat(), "username": username,
    }
    if address:
        details["address"] = address
    if via:
        details["via"] = via
    if scope == USERNAME:
        entity_type, entity_id = "user", user_id
    else:
        entity_type, entity_id = "client_address", key
    audit.record(s, actor=(username or "-")[:64], action="login.locked", entity_type=entity_type,
                 entity_id=entity_id, details=details)
