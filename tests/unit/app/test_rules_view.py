"""How rules look in the editor: builder fields from the catalogue, conditions in words."""

from __future__ import annotations

from app import rules_view as view
from services.rules import TraceRow


def test_builder_fields_come_from_the_catalogue_with_labels_and_enum_options_per_language() -> None:
    fields = view.builder_fields()
    tier = next(f for f in fields["zh-CN"] if f["name"] == "customer.tier")
    assert tier["label"] == "会员等级"
    assert {"name": "gold", "label": "金卡会员"} in tier["values"]
    tier_en = next(f for f in fields["en"] if f["name"] == "customer.tier")
    assert {"name": "gold", "label": "Gold"} in tier_en["values"]
    money = next(f for f in fields["zh-CN"] if f["name"] == "customer.total_spent")
    assert money["label"].endswith("(¥)") and money["inputType"] == "number"
    tags = next(f for f in fields["en"] if f["name"] == "customer.tags")
    assert [o["name"] for o in tags["operators"]] == ["contains", "doesNotContain"]
    assert not any(f["name"].startswith("line.") or f["name"] == "cart.lines" for f in fields["en"])


def test_a_condition_is_described_in_the_marketers_words() -> None:
    rule = {"!=": [{"var": "customer.tier"}, "member"]}
    assert view.describe(rule, "zh-CN") == "会员等级 不等于 普通会员"
    assert view.describe(rule, "en") == "Membership tier does not equal Member"
    between = {"<=": [100, {"var": "customer.total_spent"}, 500]}
    assert view.describe(between, "zh-CN") == "累计消费金额 介于 ¥100 – ¥500"
    tag = {"in": ["高价值", {"var": "customer.tags"}]}
    assert view.describe(tag, "en") == 'Tags contains "高价值"'
    assert view.describe({"and": []}, "zh-CN") == "以下条件全部满足"


def test_an_unknown_shape_is_shown_as_json_rather_than_guessed() -> None:
    assert view.describe({"cat": ["a", "b"]}, "en") == '{"cat": ["a", "b"]}'


def test_trace_rows_carry_both_languages_and_an_indent_by_depth() -> None:
    row = view.trace_row(TraceRow("$.and[0]", 1, "==", '{"==": [{"var": "customer.tier"}, "gold"]}',
                                  "true", True))
    assert row["passed"] == "1" and row["indent"] == "16px"
    assert row["zh-CN"] == "会员等级 等于 金卡会员" and row["en"] == "Membership tier equals Gold"


def test_state_proxies_become_plain_json_before_they_reach_services() -> None:
    from collections import UserDict

    proxy = UserDict({"and": (UserDict({"==": [1, 1]}),)})
    assert view.plain(proxy) == {"and": [{"==": [1, 1]}]}
    assert type(view.plain(proxy)) is dict


def test_a_rule_reads_the_same_canonically_whatever_its_key_order_or_proxies() -> None:
    from collections import UserDict

    a = {"and": [{"==": [{"var": "customer.tier"}, "金卡"]}, {">": [{"var": "customer.orders_count"}, 1]}]}
    b = UserDict({"and": (UserDict({"==": [UserDict({"var": "customer.tier"}), "金卡"]}),
                          {">": [{"var": "customer.orders_count"}, 1]})})
    assert view.canonical(a) == view.canonical(b)
    assert view.canonical(a) != view.canonical({"and": list(reversed(a["and"]))})  # order of conditions matters
