"""Core JSON-Logic logic and comparison operators: if, ?:, and, or, !, !!, ==, ===, <, <=, >, >=."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.rules.registry import CompileFn, Fn, Operator, register, unary_op
from engine.rules.values import less_than, loose_equals, strict_equals, truthy


def _compile_all(args: list[Any], compile: CompileFn, path: str) -> list[Fn]:
    """Compile every argument at its JSON path."""
    return [compile(a, f"{path}[{i}]") for i, a in enumerate(args)]


def build_if(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``if``: condition/value pairs, then an optional else value (null if none)."""
    fns = _compile_all(args, compile, path)
    pairs = [(fns[i], fns[i + 1]) for i in range(0, len(fns) - 1, 2)]
    otherwise = fns[-1] if len(fns) % 2 == 1 else None
    if len(pairs) == 1:
        (cond, then), other = pairs[0], otherwise
        if other is None:
            return lambda d, s: then(d, s) if truthy(cond(d, s)) else None
        return lambda d, s: then(d, s) if truthy(cond(d, s)) else other(d, s)

    def run(d: Any, s: tuple[Any, ...]) -> Any:
        for cond, then in pairs:
            if truthy(cond(d, s)):
                return then(d, s)
        return otherwise(d, s) if otherwise is not None else None

    return run


def build_and(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``and``: the first falsy operand, else the last operand (false with none)."""
    fns = _compile_all(args, compile, path)
    if len(fns) == 2:
        f0, f1 = fns
        return lambda d, s: v if not truthy(v := f0(d, s)) else f1(d, s)

    def run(d: Any, s: tuple[Any, ...]) -> Any:
        value: Any = False
        for f in fns:
            value = f(d, s)
            if not truthy(value):
                return value
        return value

    return run


def build_or(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``or``: the first truthy operand, else the last operand (false with none)."""
    fns = _compile_all(args, compile, path)
    if len(fns) == 2:
        f0, f1 = fns
        return lambda d, s: v if truthy(v := f0(d, s)) else f1(d, s)

    def run(d: Any, s: tuple[Any, ...]) -> Any:
        value: Any = False
        for f in fns:
            value = f(d, s)
            if truthy(value):
                return value
        return value

    return run


def chained(test: Callable[[Any, Any], bool]) -> Callable[[list[Any], CompileFn, str], Fn]:
    """Builder of a comparison over 2 or more operands (``{"<": [1, x, 10]}`` = between), lazily."""

    def build(args: list[Any], compile: CompileFn, path: str) -> Fn:
        fns = _compile_all(args, compile, path)
        if len(fns) == 2:
            f0, f1 = fns
            return lambda d, s: test(f0(d, s), f1(d, s))

        def run(d: Any, s: tuple[Any, ...]) -> bool:
            left = fns[0](d, s)
            for f in fns[1:]:
                right = f(d, s)
                if not test(left, right):
                    return False
                left = right
            return True

        return run

    return build


def _lt(a: Any, b: Any) -> bool:
    return less_than(a, b)


def _le(a: Any, b: Any) -> bool:
    return less_than(a, b, True)


def _gt(a: Any, b: Any) -> bool:
    return less_than(b, a)


def _ge(a: Any, b: Any) -> bool:
    return less_than(b, a, True)


def _ne(a: Any, b: Any) -> bool:
    return not loose_equals(a, b)


def _sne(a: Any, b: Any) -> bool:
    return not strict_equals(a, b)


def _not(value: Any) -> bool:
    return not truthy(value)


def _op(name: str, build: Any, zh: str, en: str, group: str, lo: int = 0, hi: int | None = None) -> None:
    """Register one logic/comparison operator (all take a literal array of arguments but ! and !!)."""
    register(Operator(name, build, lo, hi, label_zh=zh, label_en=en, group=group,
                      list_args=name not in ("!", "!!")))


_op("if", build_if, "如果", "if", "logic")
_op("?:", build_if, "三元条件", "ternary", "logic", 3, 3)
_op("and", build_and, "并且", "and", "logic")
_op("or", build_or, "或者", "or", "logic")
_op("!", unary_op(_not), "非", "not", "logic", 0, 1)
_op("!!", unary_op(truthy), "为真", "is truthy", "logic", 0, 1)
_op("==", chained(loose_equals), "等于", "equals", "compare", 2)
_op("!=", chained(_ne), "不等于", "not equals", "compare", 2)
_op("===", chained(strict_equals), "严格等于", "strictly equals", "compare", 2)
_op("!==", chained(_sne), "严格不等于", "strictly not equals", "compare", 2)
_op("<", chained(_lt), "小于", "less than", "compare", 2)
_op("<=", chained(_le), "小于等于", "at most", "compare", 2)
_op(">", chained(_gt), "大于", "greater than", "compare", 2)
_op(">=", chained(_ge), "大于等于", "at least", "compare", 2)
