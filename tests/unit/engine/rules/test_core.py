"""Core semantics of the compiled JSON-Logic engine (the compliance suites cover the rest)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.rules import RuleError, compile_rule, evaluate, truthy


def test_a_compiled_rule_is_called_with_the_data_and_returns_the_value() -> None:
    rule = compile_rule({"+": [{"var": "a"}, 2]})
    assert rule({"a": 1}) == 3
    assert rule({"a": 5}) == 7


@pytest.mark.parametrize("value", [0, "", [], None, False, float("nan"), Decimal("0")])
def test_falsy_values_are_not_truthy(value: object) -> None:
    assert truthy(value) is False


@pytest.mark.parametrize("value", [1, "0", [0], {}, {"a": 0}, True, -1, Decimal("0.01")])
def test_other_values_are_truthy(value: object) -> None:
    assert truthy(value) is True


def test_and_and_or_return_the_deciding_operand() -> None:
    assert evaluate({"and": [1, "", 2]}) == ""
    assert evaluate({"or": [0, "x", 2]}) == "x"


def test_three_argument_comparison_is_a_between() -> None:
    assert evaluate({"<": [1, {"var": "x"}, 10]}, {"x": 5}) is True
    assert evaluate({"<=": [1, {"var": "x"}, 10]}, {"x": 10}) is True
    assert evaluate({"<": [1, {"var": "x"}, 10]}, {"x": 10}) is False


def test_money_is_compared_exactly() -> None:
    rule = {"==": [{"+": [{"var": "a"}, {"var": "b"}]}, 0.3]}
    assert evaluate(rule, {"a": Decimal("0.1"), "b": Decimal("0.2")}) is True
    assert evaluate({">=": [{"var": "subtotal"}, "299.99"]}, {"subtotal": Decimal("299.99")}) is True


def test_an_unknown_operator_is_refused_with_its_path() -> None:
    with pytest.raises(RuleError) as caught:
        compile_rule({"and": [True, {"no_such_op": [1]}]})
    assert [p.path for p in caught.value.problems] == ["$.and[1].no_such_op"]


def test_identical_rules_share_one_compiled_form() -> None:
    assert compile_rule({"==": [1, {"var": "x"}]}) is compile_rule({"==": [1, {"var": "x"}]})
