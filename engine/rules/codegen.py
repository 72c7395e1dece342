"""The fast path of ``compile_rule``: one generated Python function per rule.

The hot operators (var/val with literal paths, comparisons, and/or/!/!!/if, in, + - * / %, max/min,
map/filter/reduce/all/some/none) become inline Python expressions with fast paths for the common
types, falling back to the same value functions as the closures in ``ops_*`` (see ``runtime``);
any other node is compiled by ``compile_node`` into a closure and called from the generated code,
so both paths share one semantics (the compliance suites run through this path).  Only text the
generator produced reaches the source: keys and literals via ``repr``, anything else as entries of
the constant table ``K``.  The generated code sees no builtins but ``type``, ``str`` and ``dict``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from engine.rules import ops_data
from engine.rules.registry import OPERATORS, Fn, const_value
from engine.rules.runtime import HELPERS

MAX_GENERATED_JSON = 50_000  # characters of canonical JSON; bigger rules keep the closure tree
Code = tuple[str, bool]  # Python expression, and whether it is always a bool
_COMPARE = {"==": "_eq", "!=": "_ne", "===": "_seq", "!==": "_sne", "<": "_lt", "<=": "_le", ">": "_gt", ">=": "_ge"}
_ORDER = {"<": "<", "<=": "<=", ">": ">", ">=": ">="}
_ARITH2 = {"+": "_add2", "-": "_sub2", "*": "_mul2"}
_ARITHN = {"+": "plus", "-": "minus", "*": "times", "/": "divide", "%": "modulo", "max": "maximum", "min": "minimum"}
_ITER = {"map": "_map", "filter": "_filter", "all": "_all", "some": "_some", "none": "_none"}
_REDUCE_NAMES = {"current": "c", "accumulator": "a"}


class _Gen:
    """Source generator for one rule: expressions, iterator body functions, constants, closures."""

    def __init__(self, compile_node: Callable[[Any, str], Fn], is_static: Callable[[Any], bool]) -> None:
        self.compile_node = compile_node
        self.is_static = is_static
        self.consts: list[Any] = []
        self.closures: list[Fn] = []
        self.defs: list[str] = []
        self.temps = 0
        self.reducing = False  # generating a reduce body that takes (c, a) instead of (d, s)
        self.failed = False  # that body needs d/s after all

    def const(self, value: Any) -> str:
        """Reference to a constant in the table ``K``."""
        self.consts.append(value)
        return f"K[{len(self.consts) - 1}]"

    def temp(self) -> str:
        """A fresh local name for a walrus temporary."""
        self.temps += 1
        return f"_t{self.temps}"

    def needs_scope(self) -> None:
        """The code being generated reads ``d``/``s``: not possible in a direct reduce body."""
        if self.reducing:
            self.failed = True

    def literal(self, value: Any) -> str:
        """A scalar as source: repr for null, booleans, ints, finite floats and text; else a constant."""
        if value is None or isinstance(value, (bool, int, str)) or (isinstance(value, float) and math.isfinite(value)):
            return repr(value)
        return self.const(value)

    def expr(self, node: Any, path: str) -> Code:
        """The code of one node."""
        if isinstance(node, Mapping) and node:
            ((name, raw),) = node.items()
            if self.is_static(node):
                return self.closure(node, path)
            handler = _HANDLERS.get(name, _values_call)
            done = handler(self, name, raw, f"{path}.{name}")
            return done if done is not None else self.closure(node, path)
        if isinstance(node, (list, dict)):
            return self.closure(node, path)
        return self.literal(node), isinstance(node, bool)

    def closure(self, node: Any, path: str) -> Code:
        """A folded scalar inline, anything else as a call of the node's closure."""
        fn = self.compile_node(node, path)
        folded = const_value(fn)
        if folded is not None and not isinstance(folded[0], (list, dict)):
            return self.literal(folded[0]), isinstance(folded[0], bool)
        self.needs_scope()
        self.closures.append(fn)
        return f"F[{len(self.closures) - 1}](d, s)", False

    def args(self, raw: list[Any], path: str) -> list[Code]:
        """Code of literal-array arguments."""
        return [self.expr(a, f"{path}[{i}]") for i, a in enumerate(raw)]

    def function(self, node: Any, path: str, params: str) -> str:
        """Define a function of ``params`` returning the node's value; its name."""
        code, _ = self.expr(node, path)
        name = f"_b{len(self.defs)}"
        self.defs.append(f"def {name}({params}):\n    return {code}\n")
        return name

    def body(self, node: Any, path: str) -> tuple[str, bool]:
        """An iterator body ``(d, s)``; True if it calls closures (they may read the scopes)."""
        before, reducing = len(self.closures), self.reducing
        self.reducing = False
        name = self.function(node, path, "d, s")
        self.reducing = reducing
        return name, len(self.closures) > before

    def path(self, base: str, keys: tuple[str, ...]) -> str:
        """Inline lookup of string keys through dicts; anything else goes through ``_vn``."""
        if not keys:
            return base
        slow = f"_vn({base}, {self.const(keys)})"
        if len(keys) > 3:
            return slow
        test, current = f"type({base}) is dict", base
        for key in keys[:-1]:
            t = self.temp()
            test += f" and type({t} := {current}.get({key!r})) is dict"
            current = t
        return f"({current}.get({keys[-1]!r}) if {test} else {slow})"


def _test(code: Code) -> str:
    """A condition: the expression if it is a bool, else its JSON-Logic truthiness."""
    return code[0] if code[1] else f"_t({code[0]})"


def _keys(name: str, raw: Any) -> tuple[str, ...] | None:
    """String keys of a ``var`` with a literal path (no default) or a ``val`` without climbing."""
    args = raw if isinstance(raw, list) else [raw]
    if name == "var":
        first = args[0] if args else None
        if len(args) > 1 or isinstance(first, bool) or not isinstance(first, (str, int, type(None))):
            return None
        return tuple(str(k) for k in ops_data.dotted(first))
    return tuple(args) if all(isinstance(a, str) for a in args) else None


def _var(gen: _Gen, name: str, raw: Any, path: str) -> Code | None:
    """Field access; inside a direct reduce body ``current``/``accumulator`` are parameters."""
    keys = _keys(name, raw)
    if keys is None:
        return None
    if not gen.reducing:
        return gen.path("d", keys), False
    if not keys or keys[0] not in _REDUCE_NAMES:
        gen.failed = True
        return "None", False
    return gen.path(_REDUCE_NAMES[keys[0]], keys[1:]), False


def _number_or_text(node: Any) -> bool:
    """A literal number or string (its repr is exact source)."""
    return (isinstance(node, (int, str)) and not isinstance(node, bool)) or (
        isinstance(node, float) and math.isfinite(node))


def _compare(gen: _Gen, name: str, raw: Any, path: str) -> Code | None:
    """Two-operand comparisons: inline when one side is a literal, else a runtime helper."""
    if not isinstance(raw, list) or len(raw) != 2:
        return None
    (a, _), (b, _) = gen.args(raw, path)
    literal = raw[1] if _number_or_text(raw[1]) else None
    if literal is None or name in ("===", "!=="):
        return f"{_COMPARE[name]}({a}, {b})", True
    t = gen.temp()
    kind = "str" if isinstance(literal, str) else "_NUM"
    test = f"type({t} := {a}) is str" if kind == "str" else f"type({t} := {a}) in _NUM"
    op = _ORDER.get(name, "==" if name == "==" else "!=")
    return f"({t} {op} {b} if {test} else {_COMPARE[name]}({t}, {b}))", True


def _not(gen: _Gen, name: str, raw: Any, path: str) -> Code | None:
    """``!`` and ``!!`` of their first operand."""
    args = raw if isinstance(raw, list) else [raw]
    operand = gen.expr(args[0], f"{path}[0]") if args else ("None", False)
    return (f"(not {_test(operand)})" if name == "!" else _test(operand)), True


def _and_or(gen: _Gen, name: str, raw: Any, path: str) -> Code | None:
    """``and``/``or`` return the deciding operand; booleans use Python's own and/or."""
    if not isinstance(raw, list):
        return None
    if not raw:
        return "False", True
    parts = gen.args(raw, path)
    code, is_bool = parts[-1]
    for part, part_bool in reversed(parts[:-1]):
        if part_bool:
            code = f"({part} {name} {code})"
        else:
            t = gen.temp()
            cond = f"not _t({t} := {part})" if name == "and" else f"_t({t} := {part})"
            code = f"({t} if {cond} else {code})"
        is_bool = is_bool and part_bool
    return code, is_bool


def _if(gen: _Gen, name: str, raw: Any, path: str) -> Code | None:
    """``if``/``?:`` as nested conditional expressions."""
    if not isinstance(raw, list):
        return None
    parts = gen.args(raw, path)
    code, is_bool = parts[-1] if len(parts) % 2 == 1 else ("None", False)
    for i in range(len(parts) - len(parts) % 2 - 2, -1, -2):
        then = parts[i + 1]
        code = f"({then[0]} if {_test(parts[i])} else {code})"
        is_bool = is_bool and then[1]
    return code, is_bool


def _in(gen: _Gen, name: str, raw: Any, path: str) -> Code | None:
    """``in``: a literal array of strings becomes a set lookup."""
    if not isinstance(raw, list) or len(raw) != 2:
        return None
    needle, _ = gen.expr(raw[0], f"{path}[0]")
    hay = raw[1]
    t = gen.temp()
    if isinstance(hay, list) and all(isinstance(x, str) for x in hay):
        return f"(type({t} := {needle}) is str and {t} in {gen.const(frozenset(hay))})", True
    hay_code = gen.expr(hay, f"{path}[1]")[0]
    if isinstance(raw[0], str):  # literal text in an array of values: only equal text matches
        return f"({needle} in {t} if type({t} := {hay_code}) is list else _contains({needle}, {t}))", True
    return f"_contains({needle}, {hay_code})", True


def _arith(gen: _Gen, name: str, raw: Any, path: str) -> Code | None:
    """Arithmetic on a literal array of operands (two-operand + - * with a number fast path)."""
    if not isinstance(raw, list):
        return None if isinstance(raw, Mapping) and raw else _arith(gen, name, [raw], path)
    parts = [code for code, _ in gen.args(raw, path)]
    if len(parts) == 2 and name in _ARITH2:
        return f"{_ARITH2[name]}({parts[0]}, {parts[1]})", False
    return f"{_ARITHN[name]}([{', '.join(parts)}])", False


def _iterate(gen: _Gen, name: str, raw: Any, path: str) -> Code | None:
    """map/filter/all/some/none: the body is its own function, given scopes only if it reads them."""
    if not isinstance(raw, list) or len(raw) != 2:
        return None
    gen.needs_scope()
    source, _ = gen.expr(raw[0], f"{path}[0]")
    body, scoped = gen.body(raw[1], f"{path}[1]")
    return f"{_ITER[name]}({source}, {body}, d, s, {scoped})", name in ("all", "some", "none")


def _reduce(gen: _Gen, name: str, raw: Any, path: str) -> Code | None:
    """``reduce``: a body that only reads current/accumulator takes them as parameters."""
    if not isinstance(raw, list) or len(raw) not in (2, 3):
        return None
    gen.needs_scope()
    initial = gen.expr(raw[2], f"{path}[2]")[0] if len(raw) == 3 else "None"
    source, _ = gen.expr(raw[0], f"{path}[0]")
    direct = _direct_body(gen, raw[1], f"{path}[1]")
    if direct is not None:
        return f"_reduce_direct({initial}, {source}, {direct})", False
    body, scoped = gen.body(raw[1], f"{path}[1]")
    return f"_reduce({initial}, {source}, {body}, d, s, {scoped})", False


def _direct_body(gen: _Gen, node: Any, path: str) -> str | None:
    """The reduce body as ``fn(c, a)``, or None if it reads anything else."""
    saved = (len(gen.consts), len(gen.closures), len(gen.defs), gen.reducing, gen.failed)
    gen.reducing, gen.failed = True, False
    name = gen.function(node, path, "c, a")
    failed = gen.failed
    gen.reducing, gen.failed = saved[3], saved[4]
    if not failed:
        return name
    del gen.consts[saved[0]:], gen.closures[saved[1]:], gen.defs[saved[2]:]
    return None


def _values_call(gen: _Gen, name: str, raw: Any, path: str) -> Code | None:
    """Any operator defined by a function of its evaluated arguments (cat, substr, merge, in_list...)."""
    op = OPERATORS.get(name)
    if op is None or op.impl is None or not isinstance(raw, list):
        return None
    parts = [code for code, _ in gen.args(raw, path)]
    impl = gen.const(op.impl)
    if name == "substr" and len(raw) == 3 and all(type(x) is int and x >= 0 for x in raw[1:]):
        t = gen.temp()
        end = raw[1] + raw[2]
        return f"({t}[{raw[1]}:{end}] if type({t} := {parts[0]}) is str else {impl}([{t}, {parts[1]}, {parts[2]}]))", False
    return f"{impl}([{', '.join(parts)}])", False


_HANDLERS: dict[str, Callable[[_Gen, str, Any, str], Code | None]] = {
    "var": _var, "val": _var, "!": _not, "!!": _not, "and": _and_or, "or": _and_or,
    "if": _if, "?:": _if, "in": _in, "map": _iterate, "filter": _iterate, "all": _iterate,
    "some": _iterate, "none": _iterate, "reduce": _reduce,
    **{op: _compare for op in _COMPARE}, **{op: _arith for op in _ARITHN},
}


def generate(rule: Any, compile_node: Callable[[Any, str], Fn], is_static: Callable[[Any], bool],
             size: int) -> Fn | None:
    """The rule as one generated function ``fn(data, scopes)``, or None (too big to generate).

    Args:
        rule: a validated rule document.
        compile_node: the closure compiler, for nodes the generator does not inline.
        is_static: whether a node's value is independent of the data (it is folded instead).
        size: length of the rule's canonical JSON.
    Returns:
        The generated function, or None when the closure tree should be used instead.
    """
    if size > MAX_GENERATED_JSON:
        return None
    gen = _Gen(compile_node, is_static)
    code, _ = gen.expr(rule, "$")
    source = "".join(gen.defs) + f"def _rule(d, s):\n    return {code}\n"
    namespace: dict[str, Any] = {**HELPERS, "K": tuple(gen.consts), "F": tuple(gen.closures)}
    try:
        exec(compile(source, "<rule>", "exec"), namespace)  # noqa: S102 - source built from our templates only
    except (SyntaxError, RecursionError, MemoryError):
        return None
    fn: Fn = namespace["_rule"]
    fn.source = source  # type: ignore[attr-defined]
    return fn
