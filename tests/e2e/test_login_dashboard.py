"""The production build in Chromium: log in, see the database's numbers, switch to English."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import expected_counts
from tests.e2e.conftest import log_in as _log_in
from tests.e2e.conftest import number as _number
from tests.e2e.conftest import shot as _shot

pytestmark = pytest.mark.e2e


def test_admin_logs_in_sees_the_databases_numbers_and_switches_to_english(
    page: Page, app_url: str
) -> None:
    from services.auth import DEMO_PASSWORD

    pg = page
    pg.goto(app_url + "/")
    pg.wait_for_url("**/login**")
    pg.wait_for_selector("#login-submit")
    assert pg.inner_text("#login-title") == "登录数盈"
    _shot(pg, "login.png")

    pg.fill("#login-username", "admin")
    pg.fill("#login-password", "not-the-password")
    pg.click("#login-submit")
    assert "不正确" in pg.inner_text("#login-error")
    _shot(pg, "login_wrong_password.png")

    pg.fill("#login-password", DEMO_PASSWORD)
    pg.click("#login-submit")
    pg.wait_for_selector("#kpi-customers-value", timeout=30_000)
    assert pg.inner_text("#page-title") == "数据看板"
    assert pg.inner_text("#kpi-orders-label") == "近30天订单"
    counts = expected_counts()  # at this moment: other tests of the session may have paid orders
    assert _number(pg.inner_text("#kpi-customers-value")) == counts["customers"]
    assert _number(pg.inner_text("#kpi-orders-value")) == counts["orders"]
    assert pg.inner_text("#kpi-gmv-value").startswith("¥")
    pg.wait_for_selector("#gmv-chart .recharts-line")
    _shot(pg, "dashboard_zh.png")

    pg.click("#language-switch")
    pg.click("#language-en")
    pg.wait_for_function("document.querySelector('#page-title').innerText === 'Dashboard'")
    assert pg.inner_text("#kpi-orders-label") == "Orders, last 30 days"
    assert pg.inner_text("#nav-settings") == "Settings"
    assert _number(pg.inner_text("#kpi-customers-value")) == counts["customers"]
    _shot(pg, "dashboard_en.png")


def test_a_designer_does_not_see_admin_sections_and_gets_a_403_message(page: Page, app_url: str) -> None:
    from services.auth import DEMO_PASSWORD

    pg = page
    _log_in(pg, app_url, "designer", DEMO_PASSWORD)
    pg.wait_for_selector("#kpi-customers-value", timeout=30_000)
    assert pg.locator("#nav-settings").count() == 0
    assert pg.locator("#nav-pages").count() == 1
    pg.goto(app_url + "/settings")
    pg.wait_for_selector("#forbidden")
    assert "没有访问权限" in pg.inner_text("#forbidden")
    _shot(pg, "forbidden_designer.png")

    pg.click("#user-menu")
    pg.click("#logout")
    pg.wait_for_url("**/login**")
    pg.goto(app_url + "/pages")
    pg.wait_for_url("**/login**")
