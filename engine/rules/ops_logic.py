"""Core JSON-Logic logic and comparison operators: if, ?:, and, or, !, !!, ==, ===, <, <=, >, >=."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.rules.registry import CompileFn, Fn, Operator, binary_op, register, unary_op
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
    """``and``: the first falsy operand, else the last operand (null with none)."""
    fns = _compile_all(args, compile, path)

    def run(d: Any, s: tuple[Any, ...]) -> Any:
        value = None
        for f in fns:
            value = f(d, s)
            if not truthy(value):
                return value
        return value

    return run


def build_or(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``or``: the first truthy operand, else the last operand (null with none)."""
    fns = _compile_all(args, compile, path)

    def run(d: Any, s: tuple[Any, ...]) -> Any:
        value = None
        for f in fns:
            value = f(d, s)
            if truthy(value):
                return value
        return value

    return run


def chained(test: Callable[[Any, Any], bool]) -> Callable[[list[Any], CompileFn, str], Fn]:
    """Builder of a comparison over 2 or more operands (``{"<": [1, x, 10]}`` = between)."""

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


for _op in (
    Operator("if", build_if, label_zh="如果", label_en="if", group="logic"),
    Operator("?:", build_if, 3, 3, label_zh="三元条件", label_en="ternary", group="logic"),
    Operator("and", build_and, label_zh="并且", label_en="and", group="logic"),
    Operator("or", build_or, label_zh="或者", label_en="or", group="logic"),
    Operator("!", unary_op(_not), 0, 1, label_zh="非", label_en="not", group="logic"),
    Operator("!!", unary_op(truthy), 0, 1, label_zh="为真", label_en="is truthy", group="logic"),
    Operator("==", binary_op(loose_equals), 2, 2, label_zh="等于", label_en="equals", group="compare"),
    Operator("!=", binary_op(_ne), 2, 2, label_zh="不等于", label_en="not equals", group="compare"),
    Operator("===", binary_op(strict_equals), 2, 2, label_zh="严格等于", label_en="strictly equals",
             group="compare"),
    Operator("!==", binary_op(_sne), 2, 2, label_zh="严格不等于", label_en="strictly not equals",
             group="compare"),
    Operator("<", chained(_lt), 2, None, label_zh="小于", label_en="less than", group="compare"),
    Operator("<=", chained(_le), 2, None, label_zh="小于等于", label_en="at most", group="compare"),
    Operator(">", chained(_gt), 2, None, label_zh="大于", label_en="greater than", group="compare"),
    Operator(">=", chained(_ge), 2, None, label_zh="大于等于", label_en="at least", group="compare"),
):
    register(_op)
