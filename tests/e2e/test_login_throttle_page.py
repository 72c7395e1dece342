"""Five wrong passwords lock a username: the sixth sign-in, even with the right password, is refused
with the minutes to wait, in Chinese and in English. A throwaway user keeps the demo accounts free for
the other browser tests. Screens: test-artifacts/screenshots/login_throttled_{zh,en}.png.
"""

from __future__ import annotations

import time
import uuid

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import shot as _shot
from tests.e2e.conftest import use_language

pytestmark = pytest.mark.e2e

PASSWORD = "Throwaway-Pass-9"


def _audited(action: str, username: str) -> list[dict]:
    """Details of the audit rows of ``action`` by ``username`` (the app writes them to the same database)."""
    import sqlalchemy as sa

    from storage.db import session_scope
    from storage.models import AuditLog

    with session_scope() as s:
        rows = s.scalars(sa.select(AuditLog).where(AuditLog.action == action, AuditLog.actor == username))
        return [dict(r.details or {}) for r in rows]


def _wait_for(check, timeout: float = 30.0) -> None:
    """Poll ``check`` until it is true."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_five_wrong_passwords_lock_the_username_and_the_login_page_says_how_long(
    page: Page, app_url: str
) -> None:
    from services import auth

    name = f"throttle-{uuid.uuid4().hex[:8]}"
    auth.create_user(name, PASSWORD, "analyst", "Throttle test", "zh-CN")
    pg = page
    pg.goto(app_url + "/login")
    pg.wait_for_selector("#login-submit")
    use_language(pg, "zh-CN")
    pg.fill("#login-username", name)
    for attempt in range(1, 6):
        pg.fill("#login-password", f"wrong-guess-{attempt}")
        pg.click("#login-submit")
        _wait_for(lambda n=attempt: len(_audited("login.failed", name)) == n)
        pg.wait_for_selector("#login-error")
    assert pg.locator("#login-throttled").count() == 0
    [locked] = _audited("login.locked", name)
    assert locked["scope"] == "username" and locked["failures"] == 5
    assert locked["address"] in {"127.0.0.1", "::1"}

    pg.fill("#login-password", PASSWORD)  # the right password: refused without being checked
    pg.click("#login-submit")
    pg.wait_for_selector("#login-throttled")
    assert pg.inner_text("#login-throttled") == "尝试次数过多，请 15 分钟后再试。"
    assert pg.locator("#login-error").count() == 0
    assert "/login" in pg.url
    assert len(_audited("login.failed", name)) == 5 and len(_audited("login", name)) == 0
    _shot(pg, "login_throttled_zh.png")

    use_language(pg, "en")
    assert pg.inner_text("#login-throttled") == "Too many sign-in attempts. Try again in 15 min."
    _shot(pg, "login_throttled_en.png")
