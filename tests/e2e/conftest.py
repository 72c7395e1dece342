"""Fixtures of the browser tests: one production build of the app for the whole session.

The app is built by ``reflex.testing.AppHarnessProd`` in ``test-artifacts/e2e-app`` (so the repo's
own ``.web`` is left alone) and served against a temporary SQLite database filled with the demo data
(300 customers, seed 1). Any page error, failed request or request to a non-local address fails the
test. Screenshots of every screen go to ``test-artifacts/screenshots/``. Building once per session
matters: two AppHarness builds of the same app in one process break the second one's prerender.
"""


from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, sync_playwright


ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SHOTS = ARTIFACTS / "screenshots"
BUILD_DIR = ARTIFACTS / "e2e-app"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
DEMO_CUSTOMERS = 300


def expected_counts() -> dict[str, int]:
    """Customers and paid orders of the last 30 Shanghai days, counted straight from the DB (now: other
    browser tests of the session pay orders in the same database)."""
    from sqlalchemy import func, select

    from storage.db import session_scope
    from storage.models import Customer, Order

    tz = ZoneInfo("Asia/Shanghai")
    today = datetime.now(UTC).astimezone(tz).date()
    start = datetime.combine(today - timedelta(days=29), time.min, tzinfo=tz)
    end = datetime.combine(today + timedelta(days=1), time.min, tzinfo=tz)
    with session_scope() as s:
        customers = s.scalar(select(func.count()).select_from(Customer))
        orders = s.scalar(select(func.count()).select_from(Order).where(
            Order.status == "paid", Order.placed_at >= start.astimezone(UTC),
            Order.placed_at < end.astimezone(UTC)))
    return {"customers": int(customers or 0), "orders": int(orders or 0)}


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, int]]:
    """A fresh SQLite database with the demo data and the demo users; yields the expected counts."""
    from tests.e2e.support import use_database

    url = f"sqlite:///{tmp_path_factory.mktemp('e2e-db') / 'shuying.db'}"
    with use_database(url):
        from services.auth import ensure_demo_users
        from services.demo import load_demo

        load_demo(customers=DEMO_CUSTOMERS, seed=1)
        ensure_demo_users()
        yield expected_counts()


@pytest.fixture(scope="session")
def app_url(demo_database: dict[str, int]) -> Iterator[str]:
    """Build the production app and serve it on random local ports."""
    from reflex.testing import AppHarnessProd

    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    # one build at a time: two test runs sharing the build folder would overwrite each other's .web
    lock = (BUILD_DIR / ".lock").open("w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    shutil.copy2(ROOT / "rxconfig.py", BUILD_DIR / "rxconfig.py")
    for folder in ("assets", "reflex.lock"):
        # assets/external holds links Reflex makes to shared assets next to components; it rebuilds them
        shutil.copytree(ROOT / folder, BUILD_DIR / folder, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("external"))
    with AppHarnessProd.create(root=BUILD_DIR, app_name="app") as harness:
        assert harness.frontend_url is not None
        yield harness.frontend_url.rstrip("/")
    fcntl.flock(lock, fcntl.LOCK_UN)
    lock.close()


@pytest.fixture
def page(app_url: str) -> Iterator[Page]:
    """A Chromium page that records page errors, failed and non-local requests."""
    problems: list[str] = []
    with sync_playwright() as pw:
        # the browser's own locale (date and time pickers) is Chinese too, as on a marketer's machine
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS,
                                     env={**os.environ, "LANG": "zh_CN.UTF-8", "LANGUAGE": "zh_CN:zh"})
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        pg = context.new_page()
        pg.on("pageerror", lambda err: problems.append(f"page error: {err}"))
        pg.on("console", lambda msg: msg.type == "error" and problems.append(f"console: {msg.text}"))
        pg.on("requestfailed", lambda req: problems.append(f"failed: {req.url} {req.failure}"))
        pg.on("response", lambda res: res.status >= 400 and problems.append(f"{res.status} {res.url}"))
        pg.on("request", lambda req: is_local(req.url) or problems.append(f"non-local: {req.url}"))
        yield pg
        browser.close()
    assert problems == []


def is_local(url: str) -> bool:
    """Requests may only go to this machine (or stay inside the page)."""
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or parts.hostname in LOCAL_HOSTS


def shot(pg: Page, name: str) -> None:
    """Save a full-page screenshot under test-artifacts/screenshots/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / name), full_page=True)


def number(text: str) -> int:
    """'1,234' -> 1234."""
    return int(text.replace(",", "").strip())


def log_in(pg: Page, app_url: str, username: str, password: str) -> None:
    """Open the app, get sent to the login page, and sign in."""
    pg.goto(app_url + "/")
    pg.wait_for_url("**/login**")
    pg.fill("#login-username", username)
    pg.fill("#login-password", password)
    pg.click("#login-submit")




def use_language(pg: Page, locale: str = "zh-CN") -> None:
    """Switch the UI language (a login adopts the account's language, which another test may have changed)."""
    pg.click("#language-switch")
    pg.click(f"#language-{locale}")
    pg.wait_for_function(
        "loc => document.documentElement.innerText.length > 0 && "
        "document.querySelector('#language-switch').innerText.includes(loc === 'en' ? 'English' : '简体中文')",
        arg=locale)
    # the page says which language it is in, so the browser picks the matching glyphs (and screen readers the voice)
    pg.wait_for_selector(f'[lang="{locale}"]', state="attached")
