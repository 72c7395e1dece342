"""validate() finds every problem at once, each with the JSON path of its node."""

from __future__ import annotations

import pytest

from engine.rules import CATALOGUE, MAX_DEPTH, MAX_NODES, RuleError, compile_rule, validate


def _paths(rule: object, catalogue: object = None) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in validate(rule, catalogue)]  # type: ignore[arg-type]


def test_a_valid_rule_has_no_problems() -> None:
    rule = {"and": [{">=": [{"var": "cart.subtotal"}, 300]}, {"in": [{"var": "customer.tier"}, ["gold"]]}]}
    assert validate(rule, CATALOGUE) == []


def test_every_problem_is_reported_with_its_json_path() -> None:
    rule = {"and": [{"foo": [1]}, {">=": [1]}, {"if": "x"}, {"or": [{"bar": 2}]}]}
    assert _paths(rule) == [
        ("$.and[0].foo", "unknown_operator"),
        ("$.and[1].>=", "invalid_arguments"),
        ("$.and[2].if", "invalid_arguments"),
        ("$.and[3].or[0].bar", "unknown_operator"),
    ]


def test_the_method_operator_does_not_exist() -> None:
    assert _paths({"method": [{"var": "tags"}, "append", ["x"]]}) == [("$.method", "unknown_operator")]


def test_an_object_with_several_keys_is_not_an_operator() -> None:
    assert _paths({"==": [{"a": 1, "b": 2}, 1]}) == [("$.==[0]", "unknown_operator")]


def test_a_rule_nested_deeper_than_the_limit_is_refused_once() -> None:
    rule: object = True
    for _ in range(MAX_DEPTH + 5):
        rule = {"!": [rule]}
    problems = validate(rule)
    assert [p.code for p in problems] == ["too_deep"]


def test_a_rule_exactly_at_the_depth_limit_is_accepted_and_one_more_level_is_not() -> None:
    rule: object = True
    for _ in range(MAX_DEPTH - 1):  # MAX_DEPTH - 1 operators above the leaf = MAX_DEPTH levels
        rule = {"!": [rule]}
    assert validate(rule) == []
    assert [p.code for p in validate({"!": [rule]})] == ["too_deep"]


def test_a_rule_with_too_many_nodes_is_refused() -> None:
    rule = {"+": list(range(MAX_NODES + 1))}
    assert [p.code for p in validate(rule)] == ["too_many_nodes"]


def test_fields_outside_the_catalogue_are_refused() -> None:
    rule = {"or": [{"var": "customer.nickname"}, {"val": ["cart", "subtotal"]}, {"var": "cart.lines.0.sku"}]}
    assert _paths(rule, CATALOGUE) == [("$.or[0].var[0]", "unknown_field")]


def test_literals_must_fit_the_field_type() -> None:
    rule = {"and": [
        {"==": [{"var": "customer.tier"}, "bronze"]},
        {">": [{"var": "customer.total_spent"}, "lots"]},
        {"==": [{"var": "customer.is_member"}, "yes"]},
        {"in": [{"var": "cart.channel"}, ["store", "wechat"]]},
        {"days_since": [{"var": "customer.city"}]},
    ]}
    assert _paths(rule, CATALOGUE) == [
        ("$.and[0].==[1]", "unknown_option"),
        ("$.and[1].>[1]", "bad_type"),
        ("$.and[2].==[1]", "bad_type"),
        ("$.and[3].in[1][1]", "unknown_option"),
        ("$.and[4].days_since[0]", "bad_type"),
    ]


def test_iterator_bodies_read_the_item_so_the_catalogue_does_not_apply_there() -> None:
    rule = {"some": [{"var": "cart.lines"}, {"==": [{"var": "category"}, "饮品"]}]}
    assert validate(rule, CATALOGUE) == []


def test_compile_rule_raises_rule_error_carrying_the_problems() -> None:
    with pytest.raises(RuleError) as caught:
        compile_rule({"and": [{"nope": 1}, {"max": ["a"]}]})
    assert caught.value.as_dict() == {"errors": [
        {"path": "$.and[0].nope", "code": "unknown_operator", "reason": "unknown_operator",
         "message": "unknown operator 'nope'", "params": {"operator": "nope"}},
        {"path": "$.and[1].max[0]", "code": "invalid_arguments", "reason": "numbers_only",
         "message": "max/min compare numbers only", "params": {"operator": "max", "value": "a"}},
    ]}
    assert isinstance(caught.value, ValueError)
