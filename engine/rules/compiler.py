"""Compile a JSON-Logic document once into Python closures; evaluation never walks the dict tree."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from engine.rules.codegen import generate
from engine.rules.errors import RuleError, RuleEvalError, problem
from engine.rules.registry import OPERATORS, Fn, const

CACHE_SIZE = 4096
GENERATE = True  # False: evaluate through the closure tree only (tests compare both paths)


class CompiledRule:
    """A validated, compiled rule: call it with a data dict to get the rule's value."""

    __slots__ = ("rule", "key", "_fn")

    def __init__(self, rule: Any, key: str, fn: Fn) -> None:
        self.rule = rule
        self.key = key
        self._fn = fn

    @property
    def source(self) -> str | None:
        """The generated Python source (None when the rule runs on the closure tree)."""
        return getattr(self._fn, "source", None)

    def __call__(self, data: Any = None) -> Any:
        """Evaluate the rule against ``data`` (a JSON-like dict; Decimal, date and datetime allowed)."""
        return self._fn(data, ())

    def __repr__(self) -> str:
        return f"CompiledRule({self.key[:60]})"


def canonical_key(rule: Any) -> str:
    """Canonical JSON of a rule (sorted keys, no spaces): equal documents share one compiled rule."""
    return json.dumps(rule, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def compile_rule(rule: Any) -> CompiledRule:
    """Validate and compile a JSON-Logic rule, reusing the compiled form of an identical document.

    Args:
        rule: the JSON-Logic document (a dict, or any JSON literal).
    Returns:
        A ``CompiledRule``; ``compiled(data)`` evaluates it.
    Raises:
        RuleError: the rule is invalid; every problem is listed.
    """
    try:
        key = canonical_key(rule)
    except (TypeError, ValueError) as exc:
        raise RuleError([problem("$", "not_json", f"rule is not JSON: {exc}", error=str(exc))]) from exc
    except RecursionError as exc:
        from engine.rules.validate import MAX_DEPTH

        raise RuleError([problem("$", "too_deep", "rule nests far too deep", max=MAX_DEPTH)]) from exc
    return _compile_cached(key)


@lru_cache(maxsize=CACHE_SIZE)
def _compile_cached(key: str) -> CompiledRule:
    """Compile the canonical JSON text of a rule (LRU-cached by content)."""
    from engine.rules.validate import validate

    rule = json.loads(key)
    problems = validate(rule)
    if problems:
        raise RuleError(problems)
    fn = generate(rule, compile_node, is_static, len(key)) if GENERATE else None
    return CompiledRule(rule, key, fn or compile_node(rule, "$"))


def clear_cache() -> None:
    """Forget every compiled rule (tests, or after re-registering operators)."""
    _compile_cached.cache_clear()


def cache_info() -> Any:
    """Hits, misses and size of the compiled-rule cache."""
    return _compile_cached.cache_info()


def evaluate(rule: Any, data: Any = None) -> Any:
    """Evaluate a rule against data (compiling it, or reusing the cached compiled form).

    Args:
        rule: the JSON-Logic document.
        data: the data document the rule reads.
    Returns:
        The rule's value.
    Raises:
        RuleError: the rule is invalid.
        RuleEvalError: evaluation failed (``throw``, arithmetic on a non-number, ...).
    """
    return compile_rule(rule)(data)


def compile_node(node: Any, path: str) -> Fn:
    """The closure of one node: an operator, a list of nodes, or a literal (``{}`` included)."""
    if isinstance(node, Mapping) and node:
        return _compile_operator(node, path)
    if isinstance(node, list):
        return _compile_list(node, path)
    return const(node)


def _compile_operator(node: Mapping[str, Any], path: str) -> Fn:
    """Closure of ``{"op": args}``; pure operators over static arguments are folded to a constant."""
    ((name, raw),) = node.items()
    op = OPERATORS[name]
    if op.impl is not None and isinstance(raw, Mapping) and raw:
        return _compile_spread(op.impl, raw, f"{path}.{name}")
    args = raw if isinstance(raw, list) and not op.raw else [raw]
    assert op.build is not None
    fn = op.build(args, compile_node, f"{path}.{name}")
    if op.pure and all(is_static(a) for a in args):
        try:
            return const(fn(None, ()))
        except (RuleEvalError, ArithmeticError):
            return fn
    return fn


def _compile_spread(impl: Any, raw: Mapping[str, Any], path: str) -> Fn:
    """``{"op": {...}}``: the inner operator's value is the argument list (a non-array is one argument)."""
    inner = compile_node(raw, f"{path}[0]")
    return lambda d, s: impl(v if isinstance(v := inner(d, s), list) else [v])


def _compile_list(node: list[Any], path: str) -> Fn:
    """Closure building a fresh list from compiled items (a copy of the literal if all are static)."""
    fns = [compile_node(item, f"{path}[{i}]") for i, item in enumerate(node)]
    consts = [getattr(f, "const", None) for f in fns]
    if all(c is not None for c in consts):
        value = [c[0] for c in consts]  # type: ignore[index]

        def literal(data: Any, scopes: tuple[Any, ...]) -> Any:
            return list(value)

        literal.const = (value,)  # type: ignore[attr-defined]
        return literal
    return lambda d, s: [f(d, s) for f in fns]


def is_static(node: Any) -> bool:
    """True if the node's value never depends on the data: literals and pure operators over them."""
    if isinstance(node, Mapping):
        if not node:
            return True
        if len(node) != 1:
            return False
        ((name, raw),) = node.items()
        op = OPERATORS.get(name)
        if op is None or not op.pure:
            return False
        return op.raw or is_static(raw)
    if isinstance(node, list):
        return all(is_static(item) for item in node)
    return True
