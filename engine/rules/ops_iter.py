"""Array iterators: map, filter, reduce, all, some, none.  The body sees each item as its data.

Inside a body, ``val`` climbs with ``[[-1], "index"]`` to the iteration (the index) and
``[[-2], ...]`` to the data outside the iterator.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.rules.registry import CompileFn, Fn, Operator, register
from engine.rules.values import truthy

Scopes = tuple[Any, ...]


def _items(value: Any) -> list[Any]:
    """The array to iterate (anything else iterates as empty)."""
    if isinstance(value, (list, tuple)):
        return list(value)
    return []


def _body(args: list[Any], compile: CompileFn, path: str) -> tuple[Fn, Fn]:
    """Compiled array and body of an iterator."""
    source = compile(args[0] if args else None, f"{path}[0]")
    body = compile(args[1] if len(args) > 1 else None, f"{path}[1]")
    return source, body


def _each(items: list[Any], body: Fn, d: Any, s: Scopes) -> Any:
    """Yield the body's value for every item, in a scope that knows the index and the outer data."""
    for i, item in enumerate(items):
        yield item, body(item, (*s, d, {"index": i}))


def build_map(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``map [array, body]``: the body's value for each item."""
    source, body = _body(args, compile, path)
    return lambda d, s: [v for _, v in _each(_items(source(d, s)), body, d, s)]


def build_filter(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``filter [array, body]``: the items for which the body is truthy."""
    source, body = _body(args, compile, path)
    return lambda d, s: [item for item, v in _each(_items(source(d, s)), body, d, s) if truthy(v)]


def build_reduce(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``reduce [array, body, initial]``: the body sees ``{"current", "accumulator"}``."""
    source, body = _body(args, compile, path)
    initial = compile(args[2] if len(args) > 2 else None, f"{path}[2]")

    def run(d: Any, s: Scopes) -> Any:
        acc = initial(d, s)
        for i, item in enumerate(_items(source(d, s))):
            acc = body({"current": item, "accumulator": acc}, (*s, d, {"index": i}))
        return acc

    return run


def quantifier(test: Callable[[Any, int], bool]) -> Callable[[list[Any], CompileFn, str], Fn]:
    """Builder of ``all``/``some``/``none`` from what the truthy-results iterator must satisfy."""

    def build(args: list[Any], compile: CompileFn, path: str) -> Fn:
        source, body = _body(args, compile, path)

        def run(d: Any, s: Scopes) -> bool:
            items = _items(source(d, s))
            return test((truthy(v) for _, v in _each(items, body, d, s)), len(items))

        return run

    return build


def _all(results: Any, count: int) -> bool:
    """``all``: false for an empty array, else every body truthy."""
    return count > 0 and all(results)


def _some(results: Any, count: int) -> bool:
    """``some``: at least one body truthy."""
    return any(results)


def _none(results: Any, count: int) -> bool:
    """``none``: no body truthy."""
    return not any(results)


def _body_scoped(i: int) -> bool:
    """Argument 1 (the body) of an iterator runs with each item as its data."""
    return i == 1


for _op in (
    Operator("map", build_map, 2, 2, label_zh="逐项映射", label_en="map", group="array", pure=False,
             scoped=_body_scoped),
    Operator("filter", build_filter, 2, 2, label_zh="筛选", label_en="filter", group="array", pure=False,
             scoped=_body_scoped),
    Operator("reduce", build_reduce, 2, 3, label_zh="累计", label_en="reduce", group="array", pure=False,
             scoped=_body_scoped),
    Operator("all", quantifier(_all), 2, 2, label_zh="全部满足", label_en="all",
             group="array", pure=False, scoped=_body_scoped),
    Operator("some", quantifier(_some), 2, 2, label_zh="任一满足", label_en="some", group="array",
             pure=False, scoped=_body_scoped),
    Operator("none", quantifier(_none), 2, 2, label_zh="都不满足", label_en="none", group="array",
             pure=False, scoped=_body_scoped),
):
    register(_op)
