"""The promotion editor words its condition's problems like the rules editor (same reasons, same strings)."""

from __future__ import annotations

from app import promotion_versions_view as vv
from app import promotions_view as pv
from engine.rules import CATALOGUE, validate
from services.commerce.errors import FieldProblem, InvalidInput

TIER_ZH = "普通会员、银卡会员、金卡会员、铂金会员、黑钻会员"


def test_the_promotion_editor_shows_condition_problems_in_the_ui_language() -> None:
    (found,) = validate({">=": [{"var": "customer.tier"}, 3]}, CATALOGUE)
    condition = FieldProblem("definition.condition.>=[1]", found.message, found.as_dict())
    percent = FieldProblem("definition.params.percent", "Input should be less than or equal to 100")
    errors = pv.field_errors([condition, percent], "zh-CN")
    assert errors["condition"] == f"字段「会员等级」不能和数字比较，请从这些选项里选：{TIER_ZH}"
    assert errors["percent"] == "不能大于 100"
    assert pv.field_errors([condition], "en")["condition"].startswith("“Membership tier” can't be compared")
    refused = InvalidInput([condition])
    assert vv.restore_problem(refused, "zh-CN").startswith("字段「会员等级」不能和数字比较")


def test_a_condition_the_promotion_service_refuses_reaches_the_editor_localized() -> None:
    from services.commerce.promotions import engine_definition

    _, _, problems = engine_definition("p1", "x", {"type": "threshold_off", "condition": {"and": [{">=": [1]}]}})
    condition = [p for p in problems if p.field.startswith("definition.condition")]
    assert [p.field for p in condition] == ["definition.condition.and[0].>="]
    assert condition[0].rule_problem is not None and condition[0].rule_problem["reason"] == "too_few_arguments"
    assert pv.field_errors(condition, "zh-CN") == {"condition": "「大于等于」至少要填 2 项，现在只有 1 项"}
