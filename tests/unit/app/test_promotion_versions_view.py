"""The promotion version history in words: the list, one-line summaries, field-by-field changes."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from app import promotion_versions_view as vv
from services.commerce.errors import Conflict, FieldProblem, InvalidInput
from services.commerce.promotions import engine_definition
from storage.repositories.promotions import Limits, VersionRecord

NAMES = vv.Names({"TEA-GREEN": {"zh-CN": "茶叶 / 绿茶", "en": "Tea / Green tea"}},
                 {"YX-2": "西湖龙井", "YX-BAG": "帆布袋"})


def _version(n: int, definition: dict[str, Any], limits: Limits | None = Limits(), name: str = "满300减50",
             restored_from: int | None = None) -> VersionRecord:
    """A saved version whose definition the engine normalised (as the service stores it)."""
    doc, _, problems = engine_definition("MJ", name, definition)
    assert problems == []
    return VersionRecord(n, doc, "marketer", datetime(2026, 11, n, 2, 0, tzinfo=UTC), limits, restored_from)


def _mj(off: str = "50", **extra: Any) -> dict[str, Any]:
    """满300减{off}."""
    return {"type": "threshold_off", "params": {"tiers": [{"threshold": "300", "off": off}]}, **extra}


def _rows(old: VersionRecord, new: VersionRecord, locale: str = "zh-CN") -> dict[str, tuple[str, str, str]]:
    """Changed fields: key -> (label, old, new)."""
    return {r["key"]: (r["label"], r["old"], r["new"]) for r in vv.changes(old, new, NAMES)[locale]}


def test_the_same_definition_and_limits_have_no_changes() -> None:
    assert vv.changes(_version(1, _mj()), _version(2, _mj()), NAMES) == {"zh-CN": [], "en": []}


def test_a_new_tier_budget_and_limit_read_in_the_marketers_words() -> None:
    old = _version(1, _mj(), Limits(Decimal("1000"), None, None))
    new = _version(2, {"type": "threshold_off", "params": {"tiers": [{"threshold": "500", "off": "100"},
                                                                     {"threshold": "300", "off": "60"}],
                                                           "max_off": "150"}},
                   Limits(Decimal("2000.50"), 300, 2))
    assert _rows(old, new) == {
        "params.tiers": ("满减阶梯", "满300减50", "满300减60，满500减100"),
        "params.max_off": ("最高优惠", "—", "¥150.00"),
        "budget_amount": ("预算金额", "¥1,000.00", "¥2,000.50"),
        "budget_uses": ("可用总次数", "不限", "300"),
        "per_customer_limit": ("每人限用", "不限", "2"),
    }
    en = _rows(old, new, "en")
    assert en["params.tiers"] == ("Tiers", "¥50 off ¥300+", "¥60 off ¥300+; ¥100 off ¥500+")
    assert en["per_customer_limit"] == ("Per customer", "No limit", "2")


def test_a_change_of_type_lists_the_type_and_both_sets_of_parameters() -> None:
    old = _version(1, _mj())
    new = _version(2, {"type": "percent_off", "params": {"percent": "20"}})
    rows = _rows(old, new)
    assert rows["type"] == ("促销类型", "满减", "折扣")
    assert rows["params.tiers"] == ("满减阶梯", "满300减50", "—")
    assert rows["params.percent"] == ("优惠比例", "—", "20%")
    assert "params.repeat" not in rows  # off before and after


def test_products_condition_schedule_stacking_and_code_are_compared() -> None:
    old = _version(1, _mj())
    new = _version(2, _mj(scope={"categories": ["TEA-GREEN"], "exclude_skus": ["YX-2"]},
                          condition={"and": [{"==": [{"var": "customer.tier"}, "gold"]},
                                             {"or": [{"==": [{"var": "customer.is_new"}, True]},
                                                     {">=": [{"var": "cart.subtotal"}, 500]}]}]},
                          starts_at="2026-11-10T16:00:00+00:00", ends_at="2026-11-12T00:00:00+08:00",
                          stacking={"exclusive": True, "group": "mj", "priority": 5}, coupon_code="VIP8"))
    rows = _rows(old, new)
    assert rows["scope.categories"] == ("参与品类", "全场商品", "茶叶 / 绿茶")
    assert "scope.skus" not in rows  # 'every product' -> categories only is said once
    assert rows["scope.exclude_skus"] == ("排除商品", "—", "西湖龙井 (YX-2)")
    label, before, after = rows["condition"]
    assert (label, before) == ("参与条件", "所有顾客")
    assert after.startswith("会员等级 等于 金卡会员 并且 (") and " 或者 " in after and after.endswith(")")
    assert rows["starts_at"] == ("开始时间", "立即开始", "2026-11-11 00:00")  # Shanghai time
    assert rows["ends_at"] == ("结束时间", "不设结束", "2026-11-12 00:00")
    assert rows["stacking.exclusive"] == ("独享", "可与其他活动叠加", "不与其他活动同享")
    assert rows["stacking.group"] == ("互斥分组", "—", "mj") and rows["stacking.priority"][1:] == ("0", "5")
    assert rows["coupon_code"] == ("券码", "自动生效", "VIP8")
    assert _rows(old, new, "en")["coupon_code"] == ("Coupon code", "Automatic", "VIP8")


def test_a_gift_names_its_product() -> None:
    old = _version(1, {"type": "gift", "params": {"gift_sku": "YX-BAG", "threshold": "199"}})
    new = _version(2, {"type": "gift", "params": {"gift_sku": "YX-BAG", "threshold": "299", "gift_qty": 2}})
    assert _rows(old, new) == {"params.threshold": ("门槛金额", "¥199.00", "¥299.00"),
                               "params.gift_qty": ("赠送数量", "1", "2")}
    assert vv.skus_of([old, new]) == ["YX-BAG"]


def test_limits_a_version_did_not_record_read_not_recorded() -> None:
    rows = _rows(_version(1, _mj(), limits=None), _version(2, _mj(), Limits(Decimal("500"), None, None)))
    assert rows["budget_amount"] == ("预算金额", "未记录", "¥500.00")
    assert rows["budget_uses"] == ("可用总次数", "未记录", "不限")


def test_a_long_product_list_shows_its_size_and_what_was_added_or_removed() -> None:
    skus = [f"S{i:02d}" for i in range(12)]
    old = _version(1, _mj(scope={"skus": skus}))
    new = _version(2, _mj(scope={"skus": [*skus[1:], "YX-2"]}))
    assert _rows(old, new)["scope.skus"] == ("参与商品", "共12项 · 移除：S00", "共12项 · 新增：西湖龙井 (YX-2)")
    short, longer = _version(3, _mj(scope={"skus": ["S00"]})), _version(4, _mj(scope={"skus": ["S00", "YX-2"]}))
    assert _rows(short, longer)["scope.skus"][1:] == ("S00", "S00、西湖龙井 (YX-2)")


def test_the_list_is_newest_first_with_the_current_version_restores_and_a_summary() -> None:
    versions = [_version(1, _mj()), _version(2, _mj("60", coupon_code="VIP"), name="满300减60"),
                _version(3, _mj(), restored_from=1)]
    rows = vv.version_rows(versions, current=3)
    assert [(r["version"], r["current"], r["restored_from"]) for r in rows] == [
        ("3", "1", "1"), ("2", "0", ""), ("1", "0", "")]
    assert rows[0]["restored_zh-CN"] == "由 v1 恢复" and rows[0]["restored_en"] == "Restored from v1"
    assert rows[1]["zh-CN"] == "满减 · 满300减60 · 全场商品 · 券码 VIP"
    assert rows[2]["en"] == "Spend & save · ¥50 off ¥300+ · All products · Automatic"
    assert rows[2]["when"] == "2026-11-01 10:00" and rows[2]["by"] == "marketer"


def test_a_refused_restore_says_why_in_the_ui_language() -> None:
    assert vv.restore_problem(Conflict("already_current", "version 3 is the current version"), "zh-CN") == "这已经是当前版本"
    below = Conflict("budget_below_used", "a budget cannot be set below what is already used")
    assert vv.restore_problem(below, "en") == "A budget can't go below what is already used"
    invalid = InvalidInput([FieldProblem("definition.params.percent", "Input should be less than or equal to 100")])
    assert vv.restore_problem(invalid, "zh-CN") == "不能大于 100"


def test_the_restore_dialog_warns_about_unsaved_edits_only_when_there_are_some() -> None:
    texts = vv.restore_texts("1", dirty=True)
    assert texts["zh-CN"]["title"] == "恢复到 v1？" and texts["en"]["title"] == "Restore version 1?"
    assert texts["zh-CN"]["dirty"] and vv.restore_texts("1", dirty=False)["en"]["dirty"] == ""
