"""A marketer edits a promotion twice, compares version 1 with the latest in the history panel, restores
version 1, then edits a coupon template (a stock below what is claimed is refused next to the field).

Screens are saved under test-artifacts/screenshots/promotion_versions_*.png and coupon_template_edit_*.png.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import log_in as _log_in
from tests.e2e.conftest import shot as _shot
from tests.e2e.conftest import use_language

pytestmark = pytest.mark.e2e

CODE = "VER-MJ200"


def _top_shot(pg: Page, name: str) -> None:
    """Scroll to the top first (the sticky shell then draws once), then save a full-page screenshot."""
    pg.evaluate("window.scrollTo(0, 0)")
    _shot(pg, name)


def _save(pg: Page, version: int) -> None:
    """Save and wait for the new version number."""
    pg.click("#promo-save")
    pg.wait_for_selector(f"#promo-version:has-text('v{version}')")
    pg.wait_for_selector(f"#version-row-{version}")


def _pick(pg: Page, picker: str, version: int) -> None:
    """Choose a version in one of the comparison's pickers."""
    pg.click(f"#{picker}")
    pg.click(f"#{picker}-{version}")


def test_a_marketer_compares_and_restores_versions_and_edits_a_coupon_template(page: Page, app_url: str) -> None:
    from services import commerce
    from services.auth import DEMO_PASSWORD

    pg = page
    _log_in(pg, app_url, "marketer", DEMO_PASSWORD)
    pg.wait_for_selector("#kpi-customers-value", timeout=30_000)
    use_language(pg, "zh-CN")

    # version 1: 满200减20, then two edits: the amount off and the budget, then a coupon code and a tier
    pg.goto(app_url + "/promotions/edit")
    pg.wait_for_selector("#promo-name")
    assert pg.locator("#sec-versions").count() == 0  # nothing saved yet, no history
    pg.fill("#promo-name", "版本测试 满200减20")
    pg.fill("#promo-code", CODE)
    pg.fill("#tier-threshold-0", "200")
    pg.fill("#tier-off-0", "20")
    _save(pg, 1)
    assert pg.inner_text("#ver-one") == "目前只有一个版本，再保存一次就可以在这里对比。"
    pg.fill("#tier-off-0", "30")
    pg.fill("#promo-budget_amount", "5000")
    _save(pg, 2)
    pg.fill("#promo-coupon_code", "VER30")
    pg.fill("#promo-per_customer_limit", "2")
    _save(pg, 3)
    assert pg.locator("#versions-table tbody tr").count() == 3
    assert "当前版本" in pg.inner_text("#version-row-3") and pg.locator("#restore-v3").count() == 0
    assert "满减 · 满200减20 · 全场商品 · 自动生效" in pg.inner_text("#version-row-1")
    assert "marketer" in pg.inner_text("#version-row-1")
    assert "券码 VER30" in pg.inner_text("#version-row-3")
    assert pg.inner_text("#promo-versions-link") == "版本历史（3）"

    # compare: the panel opens on v2 -> v3; pick v1 -> v3
    pg.wait_for_selector("#ver-changes")
    assert pg.locator("#ver-changes tbody tr").count() == 2  # coupon code and per-customer limit
    _pick(pg, "ver-old", 1)
    pg.wait_for_selector("#ver-changes-params-tiers")
    assert pg.inner_text("#ver-old") == "v1" and pg.inner_text("#ver-new") == "v3"
    tiers = pg.inner_text("#ver-changes-params-tiers")
    assert "满减阶梯" in tiers and "满200减20" in tiers and "满200减30" in tiers
    budget = pg.inner_text("#ver-changes-budget_amount")
    assert "不限" in budget and "¥5,000.00" in budget
    code = pg.inner_text("#ver-changes-coupon_code")
    assert "自动生效" in code and "VER30" in code
    assert "活动名称" not in pg.inner_text("#ver-changes")  # unchanged fields are left out
    pg.click("#ver-json-details summary")
    pg.wait_for_selector("#ver-json .diff-add")
    _top_shot(pg, "promotion_versions_compare.png")

    # restore v1: the dialog lists what changes, then v4 is v1 again
    pg.click("#restore-v1")
    pg.wait_for_selector("#restore-changes")
    assert pg.locator("#restore-changes tbody tr").count() == 4  # tiers, budget, per-customer limit, code
    assert "满200减30" in pg.inner_text("#restore-changes-params-tiers")
    _top_shot(pg, "promotion_versions_restore_dialog.png")
    pg.click("#restore-confirm")
    pg.wait_for_selector("#promo-version:has-text('v4')")
    pg.wait_for_selector("#version-row-4")
    assert pg.input_value("#tier-off-0") == "20" and pg.input_value("#promo-coupon_code") == ""
    assert pg.input_value("#promo-budget_amount") == ""
    assert "由 v1 恢复" in pg.inner_text("#version-row-4") and "当前版本" in pg.inner_text("#version-row-4")
    assert pg.locator("#promo-dirty").count() == 0
    saved = commerce.get_promotion(CODE)
    assert saved.version == 4 and saved.definition["params"]["tiers"][0]["off"] == "20"
    assert saved.budget_amount is None and saved.definition["coupon_code"] is None
    assert [v.restored_from for v in commerce.promotion_versions(CODE)] == [None, None, None, 1]
    _top_shot(pg, "promotion_versions_restored.png")

    use_language(pg, "en")
    pg.wait_for_function("document.querySelector('#version-row-4').innerText.includes('Restored from v1')")
    _top_shot(pg, "promotion_versions_restored_en.png")
    use_language(pg, "zh-CN")

    # a coupon template: the code and the promotion are locked, the stock may not go below what is claimed
    template = commerce.get_coupon_template("NEW10")
    assert template.claimed > 0
    pg.goto(app_url + "/promotions")
    pg.wait_for_selector("#promotions-table")
    pg.click("#tab-coupons")
    pg.click("#tpl-edit-NEW10")
    pg.wait_for_selector("#tpl-locked")
    assert pg.input_value("#tpl-name") == template.name
    assert "NEW10" in pg.inner_text("#tpl-locked-code")
    assert f"{template.claimed:,}" in pg.inner_text("#tpl-locked-promotion")
    assert pg.locator("#tpl-code").count() == 0 and pg.locator("#tpl-promotion_code").count() == 0
    pg.fill("#tpl-name", "新人专享 满50减10")
    pg.fill("#tpl-stock", str(template.claimed - 1))
    pg.click("#tpl-save")
    pg.wait_for_selector("#tpl-error-stock")
    assert pg.inner_text("#tpl-error-stock") == f"已领取 {template.claimed:,} 张，发放总量不能少于 {template.claimed:,}"
    assert commerce.get_coupon_template("NEW10").name == template.name  # refused: nothing changed
    _top_shot(pg, "coupon_template_edit_error.png")
    pg.fill("#tpl-stock", str(template.claimed + 500))
    pg.fill("#tpl-valid_days", "14")
    pg.click("#tpl-save")
    pg.wait_for_selector("#tpl-locked", state="detached")
    pg.wait_for_selector("#tpl-row-NEW10:has-text('新人专享 满50减10')")
    edited = commerce.get_coupon_template("NEW10")
    assert (edited.name, edited.stock, edited.valid_days) == ("新人专享 满50减10", template.claimed + 500, 14)
    assert (edited.promotion_code, edited.per_customer_limit) == (template.promotion_code, template.per_customer_limit)
    assert f"{template.claimed + 500:,}" in pg.inner_text("#tpl-row-NEW10")
    _top_shot(pg, "coupon_template_edited.png")
