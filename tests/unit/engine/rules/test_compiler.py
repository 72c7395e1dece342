"""Rules compile once into closures, cached by content; constant parts are folded at compile time."""

from __future__ import annotations

import pytest

from engine.rules import RuleEvalError, cache_info, canonical_key, compile_rule, evaluate


def test_rules_equal_as_json_share_the_cache_entry_whatever_the_key_order() -> None:
    a = compile_rule({"if": [{"var": "x"}, 1, 0]})
    assert canonical_key({"b": 1, "a": 2}) == canonical_key({"a": 2, "b": 1})
    hits = cache_info().hits
    assert compile_rule({"if": [{"var": "x"}, 1, 0]}) is a
    assert cache_info().hits == hits + 1


def test_a_compiled_rule_does_not_keep_or_read_the_rule_document() -> None:
    rule = {">": [{"var": "n"}, 5]}
    compiled = compile_rule(rule)
    rule[">"][1] = 100  # the caller mutates its dict afterwards
    assert compiled({"n": 6}) is True


def test_constant_subtrees_are_folded_at_compile_time() -> None:
    compiled = compile_rule({"+": [{"*": [2, 3]}, 1]})
    assert compiled.source is not None and compiled.source.endswith("return 7\n")


def test_hot_operators_become_inline_python() -> None:
    compiled = compile_rule({"and": [{">=": [{"var": "cart.subtotal"}, 299]}, {"in": [{"var": "tier"}, ["gold"]]}]})
    assert compiled.source is not None and "F[" not in compiled.source  # no closure calls left
    assert compiled({"cart": {"subtotal": 300}, "tier": "gold"}) is True


def test_the_generated_code_sees_no_builtins_beyond_type_checks() -> None:
    compiled = compile_rule({"==": [{"var": "a"}, "x"]})
    namespace = compiled._fn.__globals__
    assert set(namespace["__builtins__"]) == {"type", "str", "dict", "list"}


def test_folding_keeps_runtime_errors_at_runtime() -> None:
    compiled = compile_rule({"try": [{"/": [1, 0]}, "fallback"]})
    assert compiled() == "fallback"
    with pytest.raises(RuleEvalError) as caught:
        evaluate({"/": [1, 0]})
    assert caught.value.error == {"type": "NaN"}


def test_constant_lists_are_fresh_copies_for_each_evaluation() -> None:
    compiled = compile_rule({"merge": [[1], [2]]})
    first = compiled()
    first.append(99)
    assert compiled() == [1, 2]


def test_evaluation_does_not_mutate_the_callers_data() -> None:
    data = {"xs": [3, 1, 2], "customer": {"tags": ["a"]}}
    evaluate({"map": [{"var": "xs"}, {"+": [{"var": ""}, 1]}]}, data)
    evaluate({"merge": [{"var": "xs"}, [4]]}, data)
    assert data == {"xs": [3, 1, 2], "customer": {"tags": ["a"]}}


def test_keys_and_literals_that_look_like_code_stay_data() -> None:
    sneaky = "a'] or __import__('os').system('echo pwned') or d['"
    compiled = compile_rule({"or": [{"val": sneaky}, {"==": [{"var": "x"}, sneaky]}, {"in": [sneaky, [sneaky]]}]})
    assert compiled({"x": "other"}) is True
    assert compiled({sneaky: "found"}) == "found"
