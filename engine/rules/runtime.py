"""Functions the generated rule code calls (``engine.rules.codegen``): fast paths for the common
types, falling back to the shared value semantics in ``values``/``ops_*`` for everything else."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from engine.rules import ops_data, ops_math
from engine.rules.errors import invalid_arguments
from engine.rules.ops_text import contains
from engine.rules.registry import Fn
from engine.rules.values import less_than, loose_equals, strict_equals, truthy

NUM = (int, float)
EXACT = (int, Decimal)  # money: Decimal with Decimal or int is exact without conversion
_MISSING = ops_data._MISSING
Scopes = tuple[Any, ...]


def vn(d: Any, keys: tuple[Any, ...]) -> Any:
    """Value at a path through objects, arrays and attributes; null if absent."""
    value = ops_data.lookup(d, keys)
    return None if value is _MISSING else value


def eq(a: Any, b: Any) -> bool:
    """``==`` with a fast path for two values of one scalar type."""
    t = type(a)
    if t is type(b) and (t is str or t is int or t is bool or t is float):
        return bool(a == b)
    return loose_equals(a, b)


def ne(a: Any, b: Any) -> bool:
    """``!=``."""
    return not eq(a, b)


def sne(a: Any, b: Any) -> bool:
    """``!==``."""
    return not strict_equals(a, b)


def _direct(ta: type, tb: type) -> bool:
    """Two types Python orders exactly as JSON-Logic does (numbers, money with ints, text)."""
    return (ta in NUM and tb in NUM) or (ta is str and tb is str) or (
        (ta is Decimal or tb is Decimal) and ta in EXACT and tb in EXACT)


def lt(a: Any, b: Any) -> bool:
    """``<`` with fast paths for numbers, money against whole numbers and text."""
    if _direct(type(a), type(b)) and a == a and b == b:
        return bool(a < b)
    return less_than(a, b)


def le(a: Any, b: Any) -> bool:
    """``<=``."""
    if _direct(type(a), type(b)) and a == a and b == b:
        return bool(a <= b)
    return less_than(a, b, True)


def gt(a: Any, b: Any) -> bool:
    """``>``."""
    return lt(b, a)


def ge(a: Any, b: Any) -> bool:
    """``>=``."""
    return le(b, a)


def _fast(a: Any, b: Any) -> bool:
    """Operands Python adds/multiplies exactly as JSON-Logic does."""
    ta, tb = type(a), type(b)
    return (ta in NUM and tb in NUM) or (ta in EXACT and tb in EXACT)


def add2(a: Any, b: Any) -> Any:
    """``a + b`` with a fast path for numbers (a NaN result goes the slow way, which raises)."""
    if _fast(a, b) and (r := a + b) == r:
        return r
    return ops_math.plus([a, b])


def sub2(a: Any, b: Any) -> Any:
    """``a - b``."""
    if _fast(a, b) and (r := a - b) == r:
        return r
    return ops_math.minus([a, b])


def mul2(a: Any, b: Any) -> Any:
    """``a * b``."""
    if _fast(a, b) and (r := a * b) == r:
        return r
    return ops_math.times([a, b])


def _iteration(s: Scopes, d: Any, i: int) -> Scopes:
    """Scopes inside an iteration: the outer data, then the index."""
    return (*s, d, {"index": i})


def map_(items: Any, body: Fn, d: Any, s: Scopes, scoped: bool) -> list[Any]:
    """``map`` (a non-array maps to [])."""
    if not isinstance(items, (list, tuple)):
        return []
    if scoped:
        return [body(x, _iteration(s, d, i)) for i, x in enumerate(items)]
    return [body(x, s) for x in items]


def filter_(items: Any, body: Fn, d: Any, s: Scopes, scoped: bool) -> list[Any]:
    """``filter`` (a non-array filters to [])."""
    if not isinstance(items, (list, tuple)):
        return []
    if scoped:
        return [x for i, x in enumerate(items) if truthy(body(x, _iteration(s, d, i)))]
    return [x for x in items if truthy(body(x, s))]


def _array(name: str, items: Any) -> Any:
    """all/some/none need an array."""
    if not isinstance(items, (list, tuple)):
        raise invalid_arguments(name)
    return items


def _first_truthy(items: Any, body: Fn, d: Any, s: Scopes, scoped: bool, want: bool) -> bool:
    """True as soon as one item's body truthiness equals ``want``."""
    for i, x in enumerate(items):
        if truthy(body(x, _iteration(s, d, i) if scoped else s)) is want:
            return True
    return False


def all_(items: Any, body: Fn, d: Any, s: Scopes, scoped: bool) -> bool:
    """``all``: false for an empty array."""
    items = _array("all", items)
    return bool(items) and not _first_truthy(items, body, d, s, scoped, False)


def some_(items: Any, body: Fn, d: Any, s: Scopes, scoped: bool) -> bool:
    """``some``."""
    return _first_truthy(_array("some", items), body, d, s, scoped, True)


def none_(items: Any, body: Fn, d: Any, s: Scopes, scoped: bool) -> bool:
    """``none``."""
    return not _first_truthy(_array("none", items), body, d, s, scoped, True)


def reduce_(initial: Any, items: Any, body: Fn, d: Any, s: Scopes, scoped: bool) -> Any:
    """``reduce``: the body sees ``{"current", "accumulator"}``."""
    acc = initial
    if isinstance(items, (list, tuple)):
        for i, x in enumerate(items):
            acc = body({"current": x, "accumulator": acc}, _iteration(s, d, i) if scoped else s)
    return acc


def reduce_direct(initial: Any, items: Any, body: Callable[[Any, Any], Any]) -> Any:
    """``reduce`` whose body only reads current/accumulator: no object per step."""
    acc = initial
    if isinstance(items, (list, tuple)):
        for x in items:
            acc = body(x, acc)
    return acc


HELPERS: dict[str, Any] = {
    "_t": truthy, "_vn": vn, "_eq": eq, "_ne": ne, "_seq": strict_equals, "_sne": sne,
    "_lt": lt, "_le": le, "_gt": gt, "_ge": ge, "_contains": contains, "_NUM": NUM,
    "_add2": add2, "_sub2": sub2, "_mul2": mul2, "_map": map_, "_filter": filter_, "_all": all_,
    "_some": some_, "_none": none_, "_reduce": reduce_, "_reduce_direct": reduce_direct,
    "__builtins__": {"type": type, "str": str, "dict": dict, "list": list},
    **{name: getattr(ops_math, name) for name in ("plus", "minus", "times", "divide", "modulo", "maximum", "minimum")},
}
