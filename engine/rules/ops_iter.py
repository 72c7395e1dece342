"""Array iterators: map, filter, reduce, all, some, none.  The body sees each item as its data.

Inside a body, ``val`` climbs with ``[[-1], "index"]`` to the iteration (the index) and
``[[-2], ...]`` to the data outside the iterator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from engine.rules.errors import Problem, invalid_arguments, problem
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


def _each(items: Any, body: Fn, d: Any, s: Scopes) -> Iterator[tuple[Any, Any]]:
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


def quantifier(name: str, test: Callable[[Any, int], bool]) -> Callable[[list[Any], CompileFn, str], Fn]:
    """Builder of ``all``/``some``/``none``: the source must be an array (else Invalid Arguments)."""

    def build(args: list[Any], compile: CompileFn, path: str) -> Fn:
        source, body = _body(args, compile, path)

        def run(d: Any, s: Scopes) -> bool:
            items = source(d, s)
            if not isinstance(items, (list, tuple)):
                raise invalid_arguments(name)
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


def _check_source(name: str, args: list[Any], path: str) -> list[Problem]:
    """A literal that is not an array (null, a number, text) can never be iterated."""
    if args and not isinstance(args[0], (list, dict)):
        return [problem(f"{path}[0]", "source_not_array", "the first argument must be an array", operator=name)]
    return []


def _check_mapper(name: str, args: list[Any], path: str) -> list[Problem]:
    """map/filter also need a body (a literal null body is refused)."""
    problems = _check_source(name, args, path)
    if len(args) > 1 and args[1] is None:
        problems.append(problem(f"{path}[1]", "body_missing", "the second argument must be logic", operator=name))
    return problems


def _iterator(name: str, build: Any, hi: int, zh: str, en: str, mapper: bool) -> None:
    """Register one iterator (a literal array of arguments; the body is scoped to the item)."""
    check = _check_mapper if mapper else _check_source
    register(Operator(name, build, 2, hi, label_zh=zh, label_en=en, group="array", pure=False,
                      scoped=_body_scoped, list_args=True, check=lambda args, path: check(name, args, path)))


_iterator("map", build_map, 2, "逐项映射", "map", True)
_iterator("filter", build_filter, 2, "筛选", "filter", True)
_iterator("reduce", build_reduce, 3, "累计", "reduce", False)
_iterator("all", quantifier("all", _all), 2, "全部满足", "all", False)
_iterator("some", quantifier("some", _some), 2, "任一满足", "some", False)
_iterator("none", quantifier("none", _none), 2, "都不满足", "none", False)
