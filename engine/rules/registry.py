"""The operator registry: every operator (JSON-Logic core and marketing) is one ``Operator`` entry.

A compiled node is a closure ``fn(data, scopes)``: ``data`` is the current context (the document at
the top, the item inside ``map``/``filter``/...), ``scopes`` the tuple of enclosing contexts that
``val`` can climb to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from engine.rules.errors import Problem

Fn = Callable[[Any, tuple[Any, ...]], Any]
CompileFn = Callable[[Any, str], Fn]
Builder = Callable[[list[Any], CompileFn, str], Fn]
StaticCheck = Callable[[list[Any], str], Sequence[Problem | tuple[str, str, str]]]


@dataclass(frozen=True)
class Operator:
    """One operator: how to build its closure, how many arguments it takes, labels for the builder UI.

    ``build(args, compile, path)`` receives the raw argument list and a function compiling a
    sub-node at a JSON path.  ``pure`` operators with constant arguments are folded at compile time.
    ``check`` returns extra static problems (``Problem``s, or (path, code, message) tuples).
    ``scoped(i)`` is true for arguments evaluated with another data context (iterator bodies); a
    ``raw`` operator gets its argument unevaluated and unvalidated as ``[raw]`` (``preserve``).  An
    operator given as ``impl`` (a function of the evaluated argument list) also accepts one operator
    as its whole argument list (``{"+": {"val": "prices"}}`` sums the array); a ``list_args``
    operator refuses anything but a literal array of arguments.
    """

    name: str
    build: Builder | None = None
    min_args: int = 0
    max_args: int | None = None
    label_zh: str = ""
    label_en: str = ""
    group: str = "core"
    pure: bool = True
    scoped: Callable[[int], bool] = field(default=lambda i: False)
    raw: bool = False
    impl: Callable[[list[Any]], Any] | None = None
    list_args: bool = False
    check: StaticCheck | None = None
    example: dict[str, Any] = field(default_factory=dict)


OPERATORS: dict[str, Operator] = {}


def register(op: Operator) -> Operator:
    """Add an operator to the registry (a later registration of the same name replaces it)."""
    if op.build is None:
        if op.impl is None:
            raise ValueError(f"operator {op.name!r} needs build or impl")
        op = replace(op, build=values_op(op.impl))
    OPERATORS[op.name] = op
    return op


def const(value: Any) -> Fn:
    """A closure returning a constant (a fresh copy of a list or object); marked so callers can fold it."""
    if isinstance(value, (list, dict)):

        def fn(data: Any, scopes: tuple[Any, ...]) -> Any:
            return value.copy()

    else:

        def fn(data: Any, scopes: tuple[Any, ...]) -> Any:
            return value

    fn.const = (value,)  # type: ignore[attr-defined]
    return fn


def const_value(fn: Fn) -> tuple[Any] | None:
    """``(value,)`` if the closure is a constant, else None."""
    return getattr(fn, "const", None)


def values_op(impl: Callable[[list[Any]], Any]) -> Builder:
    """Builder for an operator that evaluates all its arguments and applies ``impl`` to the list."""

    def build(args: list[Any], compile: CompileFn, path: str) -> Fn:
        fns = [compile(a, f"{path}[{i}]") for i, a in enumerate(args)]
        if len(fns) == 1:
            (f0,) = fns
            return lambda d, s: impl([f0(d, s)])
        if len(fns) == 2:
            f0, f1 = fns
            return lambda d, s: impl([f0(d, s), f1(d, s)])
        return lambda d, s: impl([f(d, s) for f in fns])

    return build


def unary_op(impl: Callable[[Any], Any]) -> Builder:
    """Builder for a one-argument operator ``impl(a)`` (a missing argument is null)."""

    def build(args: list[Any], compile: CompileFn, path: str) -> Fn:
        f0 = compile(args[0] if args else None, f"{path}[0]")
        return lambda d, s: impl(f0(d, s))

    return build
