"""Rule problems in the marketer's language: catalogue labels, operator labels, option names; English fallback."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from app import rules_view as view
from app.i18n import LOCALES, translations
from app.rule_problems import PREFIX, has_text, problem_text, problem_texts
from engine.rules import CATALOGUE, REASONS, validate
from tests.unit.engine.rules.test_problem_reasons import CASES

TIER_ZH = "普通会员、银卡会员、金卡会员、铂金会员、黑钻会员"


def _one(rule: Any) -> dict[str, Any]:
    (found,) = validate(rule, CATALOGUE)
    return found.as_dict()


def test_every_reason_the_engine_can_give_has_a_string_in_every_locale() -> None:
    missing = {loc: sorted(r for r in REASONS if PREFIX + r not in translations()[loc]) for loc in LOCALES}
    assert missing == {loc: [] for loc in LOCALES}
    assert all(has_text(r) for r in REASONS)
    # and no string for a reason that does not exist (a renamed reason would leave one behind)
    stale = sorted(k for k in translations()["zh-CN"] if k.startswith(PREFIX) and k[len(PREFIX):] not in REASONS)
    assert stale == []


def test_the_strings_only_use_params_the_reason_has() -> None:
    given = {c[4]: set(c[5]) for c in CASES} | {"too_deep": {"max"}, "too_many_nodes": {"nodes", "max"},
                                                 "not_json": {"error"}, "empty": set()}
    for locale in LOCALES:
        for reason, names in given.items():
            used = set(re.findall(r"\{(\w+)\}", translations()[locale][PREFIX + reason]))
            assert used <= names, (locale, reason, used - names)


@pytest.mark.parametrize("case", CASES, ids=[c[4] for c in CASES])
def test_each_problem_kind_reads_as_words_in_both_languages(case: tuple[Any, ...]) -> None:
    rule, with_catalogue = case[0], case[1]
    (found,) = validate(rule, CATALOGUE if with_catalogue else None)
    texts = problem_texts(found.as_dict())
    for locale, text in texts.items():
        assert text and text != found.message, (locale, text)
        assert "{" not in text.replace("[a, b]", ""), text
        field = CATALOGUE.get(str(found.params.get("field", "")))
        if field is not None:
            assert field.label(locale) in text and field.key not in text
    assert re.search(r"[\u4e00-\u9fff]", texts["zh-CN"]) and not re.search(r"[\u4e00-\u9fff]", texts["en"])


def test_a_tier_compared_with_a_number_is_said_with_the_fields_label_and_its_options() -> None:
    found = _one({">=": [{"var": "customer.tier"}, 3]})
    assert problem_text(found, "zh-CN") == f"字段「会员等级」不能和数字比较，请从这些选项里选：{TIER_ZH}"
    assert problem_text(found, "en") == ("“Membership tier” can't be compared with a number; "
                                         "pick one of: Member, Silver, Gold, Platinum, Diamond")


def test_literals_fields_operators_and_types_are_named_as_a_marketer_knows_them() -> None:
    assert problem_text(_one({"==": [{"var": "customer.tier"}, "bronze"]}), "zh-CN") == (
        f"字段「会员等级」没有 “bronze” 这个选项，可选：{TIER_ZH}")
    assert problem_text(_one({">": [{"var": "customer.total_spent"}, "很多"]}), "zh-CN") == (
        "字段「累计消费金额」是金额，要和数字比较，“很多” 不是数字")
    assert problem_text(_one({"==": [{"var": "customer.city"}, True]}), "zh-CN") == "字段「城市」是文字，不能和是/否 是 比较"
    assert problem_text(_one({"==": [{"var": "customer.city"}, 42]}), "en") == "“City” is text; 42 is a number"
    assert problem_text(_one({"days_since": [{"var": "customer.orders_count"}]}), "zh-CN") == (
        "「距今天数」只能用在日期字段上，「累计订单数」是数字")
    assert problem_text(_one({">=": [1]}), "zh-CN") == "「大于等于」至少要填 2 项，现在只有 1 项"
    assert problem_text(_one({">=": [1]}), "en") == "Too few values for “at least”: 1 given, at least 2 needed"
    # a line field inside a cart path is named by its label too
    assert problem_text(_one({"==": [{"var": "cart.lines.0.price"}, "free"]}), "zh-CN") == (
        "字段「单价」是金额，要和数字比较，“free” 不是数字")
    # an unknown field has no label: its path is shown as written
    assert "customer.shoe_size" in problem_text(_one({"var": "customer.shoe_size"}), "zh-CN")


def test_without_a_string_or_its_params_the_english_message_is_shown() -> None:
    unknown = {"path": "$", "code": "made_up", "reason": "made_up", "message": "something new", "params": {}}
    assert problem_text(unknown, "zh-CN") == "something new"
    short = {"path": "$", "code": "bad_type", "reason": "expects_number", "message": "cart.qty is a number",
             "params": {"field": "cart.qty"}}  # no value: the template cannot be filled
    assert problem_text(short, "zh-CN") == "cart.qty is a number"
    legacy = {"path": "$", "code": "unknown_field", "message": "old shape", "params": {"field": "cart.qty"}}
    assert problem_text(legacy, "zh-CN") == "没有“购物车件数”这个字段，请从字段列表里选择"  # reason = code


def test_problem_rows_carry_the_condition_and_the_problem_in_both_languages() -> None:
    logic = {"and": [{"==": [{"var": "customer.tier"}, "gold"]}, {">=": [{"var": "customer.tier"}, 3]}]}
    from services.rules import problems_of

    (row,) = view.problem_rows(logic, problems_of(logic))
    assert row["path"] == "$.and[1].>=[1]" and row["code"] == "bad_type" and row["reason"] == "expects_option"
    assert row["where_zh-CN"] == "会员等级 大于等于 3"
    assert row["text_zh-CN"].startswith("字段「会员等级」不能和数字比较")
    assert row["text_en"].startswith("“Membership tier” can't be compared with a number")
    assert row["message"].startswith("customer.tier is one of member")
    assert all(isinstance(v, str) for v in row.values())
    (empty,) = view.problem_rows({}, problems_of({}))
    assert empty["text_zh-CN"] == "规则还是空的：请至少添加一个条件"


def test_a_json_typing_mistake_says_where_in_both_languages() -> None:
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads('{"and": [\n  {"==": [1, 1]}\n  {"==": [2, 2]}]}')
    texts = view.json_error(caught.value)
    assert texts["zh-CN"].startswith("JSON 格式有误：第 3 行第 3 列附近")
    assert texts["en"].startswith("The JSON isn't valid near line 3, column 3")
