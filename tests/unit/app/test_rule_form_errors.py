"""The rules editor says its head-form errors and why trying a rule failed in the UI language."""

from __future__ import annotations

import re
from typing import Any

import pytest

from app import rules_view as view
from app.i18n import LOCALES, translations
from app.rule_problems import EVAL_PREFIX
from engine import rules as rule_engine
from services import rules as rule_service

LOGIC = {"==": [{"var": "customer.tier"}, "gold"]}


def _refused(**head: Any) -> rule_service.RuleServiceError:
    """The refusal of saving a valid document with this head data (refused before anything is written)."""
    with pytest.raises(rule_service.RuleServiceError) as caught:
        rule_service.save_rule(**{"code": "vip_rule", "name": "VIP", "description": "", "logic": LOGIC,
                                  "actor": "tester", "create": True, **head})
    return caught.value


def test_every_field_reason_has_a_string_in_every_locale_and_no_string_is_stale() -> None:
    prefix = view.FIELD_ERROR_PREFIX
    for locale in LOCALES:
        table = translations()[locale]
        assert sorted(r for r in rule_service.FIELD_REASONS if prefix + r not in table) == [], locale
        assert sorted(k for k in table if k.startswith(prefix) and k[len(prefix):] not in rule_service.FIELD_REASONS) == []
        for reason, english in rule_service.FIELD_REASONS.items():
            # a string uses only the params the service fills into its English message
            params = set(re.findall(r"\{(\w+)", english))
            assert set(re.findall(r"\{(\w+)\}", table[prefix + reason])) <= params, (locale, reason)


def test_an_empty_name_and_a_bad_code_are_said_in_each_language_next_to_their_fields() -> None:
    err = _refused(code="1 bad", name="  ")
    errors = view.field_errors(err)
    assert errors["name"] == {"zh-CN": "必填", "en": "Required"}
    assert errors["code"]["zh-CN"] == "2–64 位字母、数字、- 或 _，以字母开头"
    assert errors["code"]["en"] == "2–64 letters, digits, - or _, starting with a letter"
    assert err.fields["name"] == "required"  # the API keeps its English message


def test_an_empty_code_is_required_and_a_long_name_names_the_limit() -> None:
    errors = view.field_errors(_refused(code="", name="x" * 257))
    assert errors["code"] == {"zh-CN": "必填", "en": "Required"}
    assert errors["name"] == {"zh-CN": "最多 256 个字符", "en": "At most 256 characters"}
    assert view.field_errors(_refused(name="x" * 256, logic={})).keys() == set()  # 256 is allowed


def test_a_duplicate_code_names_the_code_and_a_field_without_reason_keeps_its_message() -> None:
    err = rule_service.RuleServiceError("rule code 'vip' already exists", {"code": "x", "customer": "not found"},
                                        reasons={"code": {"reason": "duplicate", "params": {"code": "vip"}}})
    errors = view.field_errors(err)
    assert errors["code"] == {"zh-CN": "编码 vip 已被其他规则使用，请换一个",
                              "en": "Another rule already uses the code vip; pick another one"}
    assert errors["customer"] == {"zh-CN": "not found", "en": "not found"}
    assert view.field_error("not_found")["zh-CN"] == "找不到这条规则（可能已被删除）"


def test_every_eval_reason_has_a_string_using_only_its_params() -> None:
    for locale in LOCALES:
        table = translations()[locale]
        assert sorted(k for k in table if k.startswith(EVAL_PREFIX)) == sorted(
            EVAL_PREFIX + r for r in rule_service.EVAL_REASONS), locale
        for reason, params in rule_service.EVAL_REASONS.items():
            assert set(re.findall(r"\{(\w+)\}", table[EVAL_PREFIX + reason])) <= set(params), (locale, reason)


def _eval(logic: dict[str, Any], data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(rule_engine.RuleEvalError) as caught:
        rule_engine.evaluate(logic, data)
    problem = rule_service.eval_problem(logic, data, caught.value)
    assert problem["reason"] in rule_service.EVAL_REASONS
    return view.eval_error(problem)


def test_comparing_a_missing_birth_date_says_which_field_has_no_value_and_keeps_the_engine_message() -> None:
    logic = {"and": [{"==": [{"var": "customer.tier"}, "gold"]},
                     {"<": [{"var": "customer.birth_date"}, "2000-01-01"]}]}
    shown = _eval(logic, {"customer": {"tier": "gold", "birth_date": None}})
    assert shown["zh-CN"] == "「生日」没有值，无法比较"
    assert shown["en"] == "“Birth date” has no value, so it can't be compared"
    assert shown["detail"] == "rule evaluation failed: {'type': 'NaN'}"


def test_a_value_of_the_wrong_kind_names_that_field_and_the_operator() -> None:
    shown = _eval({"<": [{"var": "customer.total_spent"}, {"var": "customer.tags"}]},
                  {"customer": {"total_spent": 3, "tags": ["a", "b"]}})
    assert shown["zh-CN"] == "「客户标签」的值不适用于「小于」"
    assert shown["en"] == "The value of “Tags” can't be used with “less than”"


def test_anything_else_is_a_general_sentence_in_each_language() -> None:
    shown = _eval({"throw": "boom"}, {})
    assert shown["zh-CN"] == "这条规则在这份样本上算不出结果"
    assert shown["en"] == "The rule can't be evaluated on this sample"
    assert "boom" in shown["detail"]
    invalid = rule_service.eval_problem({"-": [1, 2, 3]}, {}, rule_engine.RuleEvalError(
        {"type": "Invalid Arguments", "operator": "-"}))
    assert invalid["reason"] == "invalid_arguments" and invalid["params"] == {"operator": "-"}
    texts = view.eval_error(invalid)
    assert texts["zh-CN"].endswith("拿到的参数用不了，请检查这个条件") and "{" not in texts["en"]
