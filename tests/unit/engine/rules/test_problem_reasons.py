"""Every problem carries a stable reason and its params (field, operator, value...) beside the English message."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from engine.rules import (
    CATALOGUE, MAX_DEPTH, MAX_NODES, OPERATORS, REASONS, Operator, Problem, RuleError, compile_rule, problem,
    register, validate,
)

TIERS = ["member", "silver", "gold", "platinum", "diamond"]

# (rule, with the catalogue?, path, code, reason, params, a piece of the English message)
CASES: list[tuple[Any, bool, str, str, str, dict[str, Any], str]] = [
    ({"+": [Decimal("1")]}, False, "$.+[0]", "bad_value", "bad_value", {"type": "Decimal"}, "not a JSON value"),
    ({"==": [{"a": 1, "b": 2}, 1]}, False, "$.==[0]", "unknown_operator", "operator_keys",
     {"keys": ["a", "b"]}, "exactly one key"),
    ({"and": [{"nope": 1}]}, False, "$.and[0].nope", "unknown_operator", "unknown_operator",
     {"operator": "nope"}, "unknown operator 'nope'"),
    ({"if": "x"}, False, "$.if", "invalid_arguments", "args_not_array", {"operator": "if"},
     "takes an array of arguments"),
    ({">=": [1]}, False, "$.>=", "invalid_arguments", "too_few_arguments", {"operator": ">=", "min": 2, "got": 1},
     "at least 2 argument(s), got 1"),
    ({"days_since": [1, 2]}, False, "$.days_since", "invalid_arguments", "too_many_arguments",
     {"operator": "days_since", "max": 1, "got": 2}, "at most 1 argument(s), got 2"),
    ({"some": [3, True]}, False, "$.some[0]", "invalid_arguments", "source_not_array", {"operator": "some"},
     "first argument must be an array"),
    ({"filter": [[1], None]}, False, "$.filter[1]", "invalid_arguments", "body_missing", {"operator": "filter"},
     "second argument must be logic"),
    ({"min": [1, "a"]}, False, "$.min[1]", "invalid_arguments", "numbers_only", {"operator": "min", "value": "a"},
     "numbers only"),
    ({"cart_qty": [[{"skus": ["A"]}, {"skus": ["B"]}]]}, False, "$.cart_qty", "invalid_arguments", "scope_too_many",
     {"operator": "cart_qty"}, "at most one scope"),
    ({"cart_amount": "饮品"}, False, "$.cart_amount", "invalid_arguments", "scope_not_object",
     {"operator": "cart_amount"}, "the scope is an object"),
    ({"cart_amount": [{"brands": ["x"]}]}, False, "$.cart_amount[0].brands", "invalid_arguments", "scope_key",
     {"operator": "cart_amount", "key": "brands", "allowed": ["skus", "categories", "exclude_skus"]},
     "scope key 'brands'"),
    ({">=": [{"var": "customer.shoe_size"}, 42]}, True, "$.>=[0].var[0]", "unknown_field", "unknown_field",
     {"field": "customer.shoe_size"}, "not in the field catalogue"),
    ({"==": [{"var": "customer.tags"}, "vip"]}, True, "$.==[0]", "bad_type", "list_compared",
     {"field": "customer.tags"}, "is a list"),
    ({"days_since": [{"var": "customer.city"}]}, True, "$.days_since[0]", "bad_type", "date_function_field",
     {"operator": "days_since", "field": "customer.city", "type": "string"}, "takes a date"),
    ({"between_dates": [{"now": []}, "2026-11-01", "soon"]}, True, "$.between_dates[2]", "bad_type", "not_a_date",
     {"operator": "between_dates", "value": "soon"}, "'soon' is not a date"),
    ({">": [{"var": "customer.total_spent"}, "lots"]}, True, "$.>[1]", "bad_type", "expects_number",
     {"field": "customer.total_spent", "type": "money", "value": "lots", "value_type": "string"}, "not a number"),
    ({"==": [{"var": "customer.is_member"}, "yes"]}, True, "$.==[1]", "bad_type", "expects_bool",
     {"field": "customer.is_member", "type": "bool", "value": "yes", "value_type": "string"}, "true/false"),
    ({"<": [{"var": "customer.registered_at"}, 2026]}, True, "$.<[1]", "bad_type", "expects_date",
     {"field": "customer.registered_at", "type": "date", "value": 2026, "value_type": "number"}, "ISO date"),
    ({"==": [{"var": "customer.city"}, 42]}, True, "$.==[1]", "bad_type", "expects_text",
     {"field": "customer.city", "type": "string", "value": 42, "value_type": "number"}, "is text"),
    ({">=": [{"var": "customer.tier"}, 3]}, True, "$.>=[1]", "bad_type", "expects_option",
     {"field": "customer.tier", "type": "enum", "value": 3, "value_type": "number", "options": TIERS},
     "is one of member"),
    ({"in": [{"var": "customer.tier"}, ["gold", "bronze"]]}, True, "$.in[1][1]", "unknown_option", "unknown_option",
     {"field": "customer.tier", "type": "enum", "value": "bronze", "value_type": "string", "options": TIERS},
     "got 'bronze'"),
]


@pytest.mark.parametrize(("rule", "with_catalogue", "path", "code", "reason", "params", "message"), CASES,
                         ids=[c[4] for c in CASES])
def test_each_problem_kind_has_its_code_reason_and_params(
    rule: Any, with_catalogue: bool, path: str, code: str, reason: str, params: dict[str, Any], message: str,
) -> None:
    problems = validate(rule, CATALOGUE if with_catalogue else None)
    assert [(p.path, p.code, p.reason) for p in problems] == [(path, code, reason)]
    assert dict(problems[0].params) == params
    assert message in problems[0].message
    assert problems[0].as_dict() == {"path": path, "code": code, "reason": reason,
                                     "message": problems[0].message, "params": params}


def test_the_document_level_problems_have_their_params() -> None:
    deep: Any = True
    for _ in range(MAX_DEPTH + 5):
        deep = {"!": [deep]}
    (too_deep,) = validate(deep)
    assert (too_deep.code, too_deep.reason, dict(too_deep.params)) == ("too_deep", "too_deep", {"max": MAX_DEPTH})
    (too_big,) = validate({"+": list(range(MAX_NODES + 1))})
    assert too_big.reason == "too_many_nodes"
    assert dict(too_big.params) == {"nodes": MAX_NODES + 2, "max": MAX_NODES}  # the + and its numbers
    with pytest.raises(RuleError) as caught:
        compile_rule({"==": [{1: "a", "b": 2}, 1]})  # keys of mixed types cannot be sorted
    (not_json,) = caught.value.problems
    assert (not_json.code, not_json.reason) == ("not_json", "not_json")
    assert "'<' not supported" in not_json.params["error"]
    very_deep: Any = 1
    for _ in range(5000):
        very_deep = [very_deep]
    with pytest.raises(RuleError) as caught:
        compile_rule({"==": [very_deep, 1]})
    assert [(p.reason, dict(p.params)) for p in caught.value.problems] == [("too_deep", {"max": MAX_DEPTH})]


def test_every_reason_is_produced_by_a_case_and_has_a_code() -> None:
    covered = {c[4] for c in CASES} | {"too_deep", "too_many_nodes", "not_json"}  # the test above
    assert covered | {"empty"} == set(REASONS)  # "empty" is the services' (a rule without conditions)
    assert {c[3] for c in CASES} <= set(REASONS.values())
    for case in CASES:
        assert REASONS[case[4]] == case[3]


def test_problem_refuses_a_reason_it_does_not_know_and_takes_the_code_from_the_reason() -> None:
    assert problem("$", "empty", "rule is empty") == Problem("$", "empty", "rule is empty", "empty", {})
    assert problem("$.x", "expects_number", "m", field="cart.qty").code == "bad_type"
    with pytest.raises(KeyError):
        problem("$", "no_such_reason", "m")


def test_problems_stay_hashable_and_a_check_returning_plain_tuples_still_works() -> None:
    found = validate({"==": [{"var": "customer.city"}, 42]}, CATALOGUE)
    assert len({*found, *found}) == 1
    old = OPERATORS.get("legacy_check")
    try:
        register(Operator("legacy_check", impl=lambda a: True,
                          check=lambda args, path: [(path, "invalid_arguments", "legacy says no")]))
        (legacy,) = validate({"legacy_check": [1]})
        assert (legacy.code, legacy.reason, legacy.message, dict(legacy.params)) == (
            "invalid_arguments", "invalid_arguments", "legacy says no", {})
    finally:
        OPERATORS.pop("legacy_check", None)
        if old is not None:
            OPERATORS["legacy_check"] = old
