"""Differential property test: the compiled engine agrees with the reference interpreter
json-logic-qubit (``json_logic.jsonLogic``) on generated rules and data.

The generated rules stay inside the operators and value domains where qubit follows the
community suites.  Excluded, because qubit deviates from the suites there (documented in
docs/rules.md):

* empty objects (qubit: falsy; suites: truthy) and NaN — never generated;
* null in ``==``/``<``/arithmetic (qubit: ``null == 0`` is false, ``int(None)`` fails; suites: null is 0);
* comparing values of different kinds (qubit compares ``1.0 == "1"`` as text, ``2 == true`` as
  booleans; suites coerce to numbers or raise NaN) — comparisons are number/number,
  text/text, number/canonical-integer-text or bool/bool;
* ``%`` with negative operands (Python's sign of the divisor vs JavaScript's sign of the dividend);
* ``-`` with more than two, ``/``/``%`` with other than two, ``>``/``>=`` with three operands
  (qubit's fixed arities);
* ``cat`` of null, booleans or fractions (Python ``str()``), ``in`` with booleans in the list
  (``1 in [True]``), ``max``/``min`` of text (qubit converts, suites refuse);
* falsy iteration items (qubit replaces falsy data by ``{}``) and non-array iterator sources
  (``all``/``some``/``none`` raise Invalid Arguments in the suites);
* ``val``, ``??``, ``exists``, ``try``/``throw``, ``preserve`` and the marketing operators, which
  qubit does not have.

Both sides failing (e.g. division by zero) counts as agreement.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from json_logic import jsonLogic

from engine.rules import RuleEvalError, evaluate
from tests.unit.engine.rules.compliance import same_json

NUM_FIELDS = ("n", "m", "o.k")
STR_FIELDS = ("s", "t")
SMALL = st.integers(-20, 20)
WORDS = st.sampled_from(["apple", "banana", "cherry", "", "a", "an", "Bart", "7", "21", "3"])
FLOATS = st.sampled_from([0.5, 1.5, 2.25, -0.5, 10.0])

DATA = st.fixed_dictionaries({
    "n": SMALL, "m": SMALL, "x": FLOATS, "s": WORDS, "t": WORDS, "b": st.booleans(),
    "o": st.fixed_dictionaries({"k": SMALL}),
    "xs": st.lists(st.integers(1, 9) | st.integers(-9, -1), max_size=5),
    "words": st.lists(WORDS.filter(bool), max_size=4),
})


def _call(name: str, *args: Any) -> dict[str, Any]:
    """An operator node."""
    return {name: list(args)}


def _num_leaf(item: bool) -> st.SearchStrategy[Any]:
    """Numbers: literals, numeric fields (or the iteration item), numeric text."""
    fields = st.just({"var": ""}) if item else st.sampled_from([{"var": f} for f in (*NUM_FIELDS, "x")])
    return st.one_of(SMALL, FLOATS, fields, st.sampled_from(["1", "2.5", "-3"]),
                     st.builds(lambda d: {"var": ["nope", d]}, SMALL))


def numbers(item: bool = False) -> st.SearchStrategy[Any]:
    """Numeric expressions."""
    leaf = _num_leaf(item)

    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        # max/min refuse text in the suites (qubit converts it): their operands are always numbers
        strict = st.one_of(SMALL, FLOATS, inner.map(lambda x: {"+": [x]}))
        return st.one_of(
            st.lists(inner, max_size=4).map(lambda xs: {"+": xs}),
            st.lists(inner, max_size=3).map(lambda xs: {"*": xs}),
            st.lists(inner, min_size=1, max_size=2).map(lambda xs: {"-": xs}),
            st.tuples(inner, st.sampled_from([1, 2, 4, -2, 0.5])).map(lambda p: _call("/", *p)),
            st.tuples(st.integers(0, 50), st.integers(1, 7)).map(lambda p: _call("%", *p)),
            st.lists(strict, min_size=1, max_size=3).map(lambda xs: {"max": xs}),
            st.lists(strict, min_size=1, max_size=3).map(lambda xs: {"min": xs}),
            st.tuples(booleans_flat(item), inner, inner).map(lambda p: _call("if", *p)),
        )

    return st.recursive(leaf, extend, max_leaves=6)


def texts(item: bool = False) -> st.SearchStrategy[Any]:
    """Text expressions (cat only joins text and whole numbers)."""
    fields = st.sampled_from([{"var": f} for f in STR_FIELDS]) if not item else st.nothing()
    leaf = st.one_of(WORDS, fields)
    parts = st.one_of(leaf, st.integers(0, 99), st.sampled_from([{"var": "n"}]) if not item else st.nothing())
    return st.one_of(
        leaf,
        st.lists(parts, max_size=3).map(lambda xs: {"cat": xs}),
        st.tuples(leaf, st.integers(-6, 6)).map(lambda p: _call("substr", *p)),
        st.tuples(leaf, st.integers(-6, 6), st.integers(-4, 4)).map(lambda p: _call("substr", *p)),
    )


def booleans_flat(item: bool = False) -> st.SearchStrategy[Any]:
    """Comparisons and simple tests (no nesting of other booleans)."""
    nums = _num_leaf(item)
    text = texts(item)
    canonical = st.integers(-30, 30).map(str)
    return st.one_of(
        st.booleans(),
        st.just({"var": "b"}) if not item else st.nothing(),
        st.tuples(st.sampled_from(["==", "!=", "===", "!==", "<", "<=", ">", ">="]), nums, nums)
        .map(lambda p: _call(p[0], p[1], p[2])),
        st.tuples(st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), st.integers(-30, 30), canonical)
        .map(lambda p: _call(p[0], p[1], p[2])),
        st.tuples(st.sampled_from(["==", "!=", "===", "!==", "<", "<=", ">", ">="]), text, text)
        .map(lambda p: _call(p[0], p[1], p[2])),
        st.tuples(st.sampled_from(["<", "<="]), nums, nums, nums).map(lambda p: _call(*p)),
        st.tuples(st.sampled_from(["==", "!=", "===", "!=="]), st.booleans(), st.booleans())
        .map(lambda p: _call(*p)),
        st.tuples(text, st.lists(WORDS, max_size=4)).map(lambda p: _call("in", *p)),
        st.tuples(text, text).map(lambda p: _call("in", *p)),
    )


def booleans(item: bool = False) -> st.SearchStrategy[Any]:
    """Boolean-ish expressions, with !, !!, and, or, if and the array quantifiers."""

    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(
            inner.map(lambda x: {"!": [x]}),
            inner.map(lambda x: {"!!": [x]}),
            st.lists(inner, max_size=3).map(lambda xs: {"and": xs}),
            st.lists(inner, max_size=3).map(lambda xs: {"or": xs}),
            st.tuples(inner, inner, inner).map(lambda p: _call("?:", *p)),
        )

    base = booleans_flat(item)
    if not item:
        base = st.one_of(base, quantifiers())
    return st.recursive(base, extend, max_leaves=5)


def quantifiers() -> st.SearchStrategy[Any]:
    """all/some/none over a numeric array, the body reading the item."""
    source = st.one_of(st.just({"var": "xs"}), st.lists(st.integers(1, 5), max_size=4))
    return st.tuples(st.sampled_from(["all", "some", "none"]), source, booleans_flat(item=True)).map(
        lambda p: _call(*p))


def arrays() -> st.SearchStrategy[Any]:
    """Array results: merge, map, filter, reduce, missing, missing_some."""
    keys = st.lists(st.sampled_from(["n", "s", "nope", "o.k", "o.z", "t"]), max_size=4)
    return st.one_of(
        st.lists(st.one_of(SMALL, WORDS, st.just({"var": "xs"})), max_size=3).map(lambda xs: {"merge": xs}),
        numbers(item=True).map(lambda body: _call("map", {"var": "xs"}, body)),
        booleans_flat(item=True).map(lambda body: _call("filter", {"var": "xs"}, body)),
        st.tuples(st.sampled_from(["+", "*"]), SMALL).map(
            lambda p: _call("reduce", {"var": "xs"}, {p[0]: [{"var": "accumulator"}, {"var": "current"}]}, p[1])),
        keys.map(lambda ks: {"missing": ks}),
        st.tuples(st.integers(0, 3), keys).map(lambda p: _call("missing_some", p[0], p[1])),
    )


RULES = st.one_of(numbers(), texts(), booleans(), arrays(), quantifiers(),
                  st.tuples(st.sampled_from(["and", "or"]), st.lists(st.one_of(booleans_flat(), numbers(), texts()),
                                                                     max_size=3)).map(lambda p: {p[0]: p[1]}),
                  st.lists(st.one_of(numbers(), texts()), max_size=3),
                  st.tuples(booleans(), numbers(), texts()).map(lambda p: _call("if", *p)))


def _reference(rule: Any, data: dict[str, Any]) -> tuple[bool, Any]:
    """qubit's answer: (failed, value)."""
    try:
        return False, jsonLogic(rule, data)
    except Exception:  # noqa: BLE001 - any failure of the reference counts as "an error"
        return True, None


def _ours(rule: Any, data: dict[str, Any]) -> tuple[bool, Any]:
    """Our answer: (failed, value); only run-time rule errors count as failures."""
    try:
        return False, evaluate(rule, data)
    except RuleEvalError:
        return True, None


@seed(20261111)  # the same 600 rules in every run, so CI is reproducible (change the seed to explore)
@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule=RULES, data=DATA)
def test_compiled_engine_agrees_with_the_reference_interpreter(rule: Any, data: dict[str, Any]) -> None:
    ref_failed, expected = _reference(rule, data)
    failed, actual = _ours(rule, data)
    assert failed == ref_failed, (rule, data, expected, actual)
    if not failed:
        assert same_json(actual, expected), (rule, data, expected, actual)


def test_the_generator_produces_every_operator_family() -> None:
    seen: set[str] = set()

    # derandomized: which operators 600 random rules happen to use varied from run to run (one run in
    # about five missed a family); a fixed sequence keeps this a check of the generator, not of luck
    @settings(max_examples=600, deadline=None, database=None, derandomize=True)
    @given(rule=RULES)
    def collect(rule: Any) -> None:
        _operators(rule, seen)

    collect()
    assert {"+", "*", "-", "/", "%", "max", "min", "if", "?:", "==", "===", "!=", "<", "<=", ">", ">=",
            "!", "!!", "and", "or", "in", "cat", "substr", "merge", "map", "filter", "reduce", "all",
            "some", "none", "var", "missing", "missing_some"} <= seen


def _operators(node: Any, seen: set[str]) -> None:
    """Collect operator names used in a rule."""
    if isinstance(node, dict):
        for name, args in node.items():
            seen.add(name)
            _operators(args, seen)
    elif isinstance(node, list):
        for item in node:
            _operators(item, seen)
