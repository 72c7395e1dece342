"""Settings in a browser: an admin adds a marketer, who makes an API token, calls the API with it and
revokes it; an admin disables an account (confirmed, audited); a designer is refused /settings."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in as _log_in
from tests.e2e.conftest import shot as _shot

pytestmark = pytest.mark.e2e

NEW_USER = "xiaolin"
NEW_PASSWORD = "Spring#Sale2026"


def _log_in_zh(pg: Page, app_url: str, username: str, password: str) -> None:
    """Log in, wait for the dashboard, and make sure it speaks Chinese (the account may remember English
    from another test: a login adopts the account's language)."""
    _log_in(pg, app_url, username, password)
    pg.wait_for_selector("#kpi-customers-value", timeout=30_000)
    pg.click("#language-switch")
    pg.click("#language-zh-CN")
    pg.wait_for_function("document.querySelector('#page-title').innerText === '数据看板'")


def _log_out(pg: Page) -> None:
    """User menu -> log out, back on the login page."""
    pg.click("#user-menu")
    pg.click("#logout")
    pg.wait_for_url("**/login**")


def _me(url: str, token: str) -> httpx.Response:
    """GET <api>/me with a bearer token, outside the browser."""
    return httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10)


def _example_url(pg: Page) -> str:
    """The address the page's curl example calls (the test harness serves the API on its own port)."""
    found = re.search(r"curl -s (\S+/api/v1/me)", pg.inner_text("#api-example"))
    assert found is not None
    return found.group(1)


def _admin_creates_the_marketer(pg: Page, app_url: str) -> None:
    """Open Settings, make the form's mistakes visible next to their fields, then create the user."""
    from services.auth import DEMO_PASSWORD

    _log_in_zh(pg, app_url, "admin", DEMO_PASSWORD)
    pg.click("#nav-settings")
    pg.wait_for_selector("#user-row-admin")
    assert pg.inner_text("#page-title") == "设置"
    assert pg.locator("#toggle-admin").is_disabled()  # nobody disables the account they are using
    assert pg.inner_text("#status-marketer") == "已启用"
    _shot(pg, "settings_users.png")

    pg.click("#new-user")
    pg.wait_for_selector("#create-user-dialog")
    pg.fill("#user-username", "marketer")
    pg.fill("#user-display_name", "市场运营 小林二号")
    pg.fill("#user-password", "short")
    pg.wait_for_selector("#password-strength[data-level='too_short']")
    pg.click("#user-save")
    pg.wait_for_selector("#error-password")
    assert pg.inner_text("#error-password") == "至少 8 个字符"
    _shot(pg, "settings_create_user_errors.png")

    pg.fill("#user-password", NEW_PASSWORD)
    pg.wait_for_selector("#password-strength[data-level='strong']")
    pg.click("#user-save")
    pg.wait_for_selector("#error-username")
    assert pg.inner_text("#error-username") == "这个用户名已经有人用了"
    pg.fill("#user-username", NEW_USER)
    pg.click("#user-save")
    pg.wait_for_selector(f"#user-row-{NEW_USER}")
    expect(pg.locator("#create-user-dialog")).to_have_count(0)
    row = pg.locator(f"#user-row-{NEW_USER}")
    assert "市场运营 小林二号" in row.inner_text() and "市场运营" in row.inner_text()
    assert pg.inner_text(f"#status-{NEW_USER}") == "已启用"
    _shot(pg, "settings_user_created.png")


def test_a_new_marketer_creates_uses_and_revokes_an_api_token(page: Page, app_url: str) -> None:
    pg = page
    pg.context.grant_permissions(["clipboard-read", "clipboard-write"])
    _admin_creates_the_marketer(pg, app_url)
    _log_out(pg)

    _log_in_zh(pg, app_url, NEW_USER, NEW_PASSWORD)
    assert pg.inner_text("#user-name") == "市场运营 小林二号"
    pg.click("#user-menu")
    pg.click("#menu-tokens")
    pg.wait_for_selector("#tokens-empty")
    me_url = _example_url(pg)
    assert me_url.startswith("http://127.0.0.1:")
    assert pg.get_attribute("#api-docs-link", "href") == me_url.removesuffix("/v1/me") + "/docs"
    _shot(pg, "account_tokens_empty.png")

    pg.click("#new-token")
    pg.wait_for_selector("#create-token-dialog")
    assert pg.locator("#token-role").is_disabled()  # a marketer's token acts as a marketer
    pg.fill("#token-days", "400")
    pg.click("#token-save")
    pg.wait_for_selector("#error-name")
    assert pg.inner_text("#error-name") == "请填写名称"
    assert pg.inner_text("#error-days") == "请输入 1 到 365 之间的整数"
    _shot(pg, "account_token_form_errors.png")
    pg.fill("#token-name", "BI 报表导出")
    pg.fill("#token-days", "90")
    expect(pg.locator("#error-days")).to_have_count(0)
    pg.click("#token-read-only")
    pg.click("#token-save")

    pg.wait_for_selector("#new-token-value")
    token = pg.inner_text("#new-token-value").strip()
    assert token.startswith("sy_") and len(token) > 40
    pg.click("#new-token-copy")
    assert pg.evaluate("navigator.clipboard.readText()") == token
    _shot(pg, "account_token_created.png")
    answer = _me(me_url, token)
    assert answer.status_code == 200
    assert answer.json()["username"] == NEW_USER and answer.json()["role"] == "marketer"

    pg.click("#new-token-done")
    pg.wait_for_selector(".token-row")
    expect(pg.locator("#new-token-value")).to_have_count(0)  # never shown again
    row = pg.locator(".token-row").first
    assert "BI 报表导出" in row.inner_text() and "只读" in row.inner_text() and token not in row.inner_text()
    token_id = row.get_attribute("id").removeprefix("token-row-")
    assert pg.inner_text(f"#token-status-{token_id}") == "有效"
    _shot(pg, "account_tokens_list.png")

    pg.click(f"#revoke-{token_id}")
    pg.wait_for_selector("#revoke-confirm")
    _shot(pg, "account_token_revoke_confirm.png")
    pg.click("#revoke-confirm")
    pg.wait_for_selector(f"#token-status-{token_id}:has-text('已撤销')")
    assert pg.locator(f"#revoke-{token_id}").count() == 0
    _shot(pg, "account_token_revoked.png")
    assert _me(me_url, token).status_code == 401

    pg.click("#api-example-copy")
    assert pg.evaluate("navigator.clipboard.readText()").startswith(f"curl -s {me_url}")
    pg.click("#language-switch")
    pg.click("#language-en")
    pg.wait_for_selector("#page-title:has-text('API tokens')")
    assert pg.inner_text(f"#token-status-{token_id}") == "Revoked"
    _shot(pg, "account_tokens_en.png")


def test_an_admin_disables_an_account_after_confirming_and_the_audit_log_names_them(
        page: Page, app_url: str) -> None:
    from services.auth import DEMO_PASSWORD, create_user

    create_user("zhoutemp", "Temp#Account2026", "designer", "临时设计 小周", actor="e2e")
    pg = page
    _log_in_zh(pg, app_url, "admin", DEMO_PASSWORD)
    pg.goto(app_url + "/settings")
    pg.wait_for_selector("#user-row-zhoutemp")
    pg.click("#users-filter-active")
    pg.fill("#users-search", "小周")
    expect(pg.locator("#users-table tbody tr")).to_have_count(2)  # 活动设计 小周 and 临时设计 小周
    assert pg.locator("#user-row-designer").count() == 1

    pg.click("#toggle-zhoutemp")
    pg.wait_for_selector("#toggle-confirm")
    _shot(pg, "settings_disable_confirm.png")
    pg.click("#toggle-confirm")
    pg.wait_for_selector("#user-row-zhoutemp", state="detached")  # no longer active: filtered out
    pg.click("#users-filter-inactive")
    pg.wait_for_selector("#status-zhoutemp:has-text('已停用')")
    assert pg.inner_text("#toggle-zhoutemp") == "启用"

    pg.click("#tab-audit")
    pg.wait_for_selector("#audit-table")
    from services.audit import recent_entries

    newest = recent_entries(limit=100)
    assert pg.locator("#audit-table .audit-row").count() == min(20, len(newest))  # one page, newest first
    assert newest[0].action == "user.deactivate"
    assert "停用账号" in pg.locator("#audit-table .audit-row").first.inner_text()
    _shot(pg, "settings_audit_all.png")
    pg.click("#audit-action")
    pg.click("#audit-action-user\\.deactivate")
    pg.wait_for_selector("#audit-table .audit-row")
    rows = pg.locator("#audit-table .audit-row")
    assert rows.count() == 1
    text = rows.first.inner_text()
    assert "admin" in text and "停用账号" in text and "用户 zhoutemp" in text
    _shot(pg, "settings_audit.png")

    pg.click("#tab-tokens")
    pg.wait_for_selector("#tokens-empty")
    _shot(pg, "settings_tokens_tab.png")


def test_a_designer_opening_settings_sees_the_403_message(page: Page, app_url: str) -> None:
    from services.auth import DEMO_PASSWORD

    pg = page
    _log_in_zh(pg, app_url, "designer", DEMO_PASSWORD)
    assert pg.locator("#nav-settings").count() == 0
    pg.goto(app_url + "/settings")
    pg.wait_for_selector("#forbidden")
    assert "没有访问权限" in pg.inner_text("#forbidden")
    assert pg.locator("#users-table").count() == 0
    _shot(pg, "settings_forbidden.png")
