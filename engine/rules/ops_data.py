"""Data access operators: var, val, exists, missing, missing_some, ??, preserve, try, throw."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.rules.errors import RuleEvalError
from engine.rules.registry import CompileFn, Fn, Operator, const, const_value, register
from engine.rules.values import js_number_str

_MISSING = object()


def step(value: Any, key: Any) -> Any:
    """One path step into an object (by key) or an array (by index); ``_MISSING`` if absent."""
    if isinstance(value, Mapping):
        k = key if isinstance(key, str) else js_number_str(key) if not isinstance(key, bool) else str(key)
        return value.get(k, _MISSING)
    if isinstance(value, Sequence) and not isinstance(value, str):
        index = _index(key)
        if index is not None and 0 <= index < len(value):
            return value[index]
        return _MISSING
    if isinstance(value, str) or not isinstance(key, str) or key.startswith("_"):
        return _MISSING
    found = getattr(value, key, _MISSING)  # plain objects (dataclasses, models): data attributes only
    return _MISSING if callable(found) else found


def _index(key: Any) -> int | None:
    """An array index from an int, an integral float or a digit string."""
    if isinstance(key, bool):
        return None
    if isinstance(key, int):
        return key
    if isinstance(key, float) and key.is_integer():
        return int(key)
    if isinstance(key, str) and key.isdigit():
        return int(key)
    return None


def dotted(path: Any) -> tuple[Any, ...]:
    """The keys of a ``var`` path: ``"a.b.0"`` → ("a", "b", "0"); null/"" → () (the whole data)."""
    if path is None or path == "" or path == []:
        return ()
    if isinstance(path, (int, float)) and not isinstance(path, bool):
        return (js_number_str(path),)
    return tuple(str(path).split("."))


def lookup(data: Any, keys: tuple[Any, ...]) -> Any:
    """Follow the keys from data; ``_MISSING`` if any step is absent (or passes through null)."""
    value = data
    for key in keys:
        if type(value) is dict and type(key) is str:
            value = value.get(key, _MISSING)
        elif value is None:
            return _MISSING
        else:
            value = step(value, key)
        if value is _MISSING:
            return _MISSING
    return value


def build_var(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``var``: a dotted path into the current data, with an optional default."""
    path_fn = compile(args[0] if args else None, f"{path}[0]")
    default_fn = compile(args[1], f"{path}[1]") if len(args) > 1 else None
    fixed = const_value(path_fn)
    if fixed is not None:
        return _var_fixed(dotted(fixed[0]), default_fn)

    def run(d: Any, s: tuple[Any, ...]) -> Any:
        value = lookup(d, dotted(path_fn(d, s)))
        if value is _MISSING:
            return default_fn(d, s) if default_fn is not None else None
        return value

    return run


def _var_fixed(keys: tuple[Any, ...], default_fn: Fn | None) -> Fn:
    """``var`` with a path known at compile time (the common case), specialised for speed."""
    if len(keys) == 1 and default_fn is None:
        (key,) = keys

        def one(d: Any, s: tuple[Any, ...]) -> Any:
            if type(d) is dict:
                return d.get(key)
            value = lookup(d, keys)
            return None if value is _MISSING else value

        return one

    def run(d: Any, s: tuple[Any, ...]) -> Any:
        value = lookup(d, keys)
        if value is _MISSING:
            return default_fn(d, s) if default_fn is not None else None
        return value

    return run


def build_val(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``val``: path segments (no dot splitting); a leading ``[n]`` climbs n scopes up first."""
    climb = 0
    if args and isinstance(args[0], list) and args[0] and isinstance(args[0][0], (int, float)):
        climb, args = abs(int(args[0][0])), args[1:]
    fns = [compile(a, f"{path}[{i}]") for i, a in enumerate(args)]
    fixed = [const_value(f) for f in fns]
    if all(c is not None for c in fixed):
        keys = _segments([c[0] for c in fixed])  # type: ignore[index]
        return lambda d, s: _val_get(d, s, climb, keys)
    return lambda d, s: _val_get(d, s, climb, _segments([f(d, s) for f in fns]))


def _segments(values: list[Any]) -> tuple[Any, ...]:
    """Path segments of ``val``: one computed array argument is the whole path."""
    if len(values) == 1 and isinstance(values[0], list):
        return tuple(values[0])
    return tuple(values)


def _val_get(data: Any, scopes: tuple[Any, ...], climb: int, keys: tuple[Any, ...]) -> Any:
    """Value at ``keys`` from the context ``climb`` scopes up (null if absent)."""
    if climb:
        if climb > len(scopes):
            return None
        data = scopes[-climb]
    value = lookup(data, keys)
    return None if value is _MISSING else value


def build_exists(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``exists``: true if the path (segments, like ``val``) is present in the data, even as null."""
    fns = [compile(a, f"{path}[{i}]") for i, a in enumerate(args)]
    return lambda d, s: lookup(d, tuple(f(d, s) for f in fns)) is not _MISSING


def build_missing(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``missing``: the listed var paths whose value is absent, null or ""."""
    fns = [compile(a, f"{path}[{i}]") for i, a in enumerate(args)]

    def run(d: Any, s: tuple[Any, ...]) -> list[Any]:
        values = [f(d, s) for f in fns]
        keys = values[0] if values and isinstance(values[0], list) else values
        return [k for k in keys if _absent(lookup(d, dotted(k)))]

    return run


def _absent(value: Any) -> bool:
    """``missing`` counts absent, null and empty-string values."""
    return value is _MISSING or value is None or value == ""


def build_missing_some(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``missing_some [need, paths]``: [] if at least ``need`` paths are present, else the missing ones."""
    need_fn = compile(args[0], f"{path}[0]")
    keys_fn = compile(args[1], f"{path}[1]")

    def run(d: Any, s: tuple[Any, ...]) -> list[Any]:
        need, keys = need_fn(d, s), keys_fn(d, s)
        missing = [k for k in keys if _absent(lookup(d, dotted(k)))]
        return [] if len(keys) - len(missing) >= need else missing

    return run


def build_coalesce(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``??``: the first operand that is not null (null if all are)."""
    fns = [compile(a, f"{path}[{i}]") for i, a in enumerate(args)]

    def run(d: Any, s: tuple[Any, ...]) -> Any:
        for f in fns:
            value = f(d, s)
            if value is not None:
                return value
        return None

    return run


def build_throw(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``throw``: fail with an error; a string becomes ``{"type": string}``."""
    fn = compile(args[0] if args else None, f"{path}[0]")

    def run(d: Any, s: tuple[Any, ...]) -> Any:
        value = fn(d, s)
        raise RuleEvalError(value if isinstance(value, Mapping) else {"type": value})

    return run


def build_try(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``try``: the first operand that does not fail; later operands see the error as their data."""
    fns = [compile(a, f"{path}[{i}]") for i, a in enumerate(args)]

    def run(d: Any, s: tuple[Any, ...]) -> Any:
        error: Any = None
        for i, f in enumerate(fns):
            try:
                return f(d, s) if i == 0 else f(error, (*s, d, error))
            except RuleEvalError as exc:
                error = exc.error
        raise RuleEvalError(error)

    return run


def build_preserve(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``preserve``: the argument as data, never evaluated."""
    return const(args[0])


for _op in (
    Operator("var", build_var, 0, 2, label_zh="字段", label_en="field", group="data", pure=False),
    Operator("val", build_val, label_zh="取值", label_en="value", group="data", pure=False),
    Operator("exists", build_exists, label_zh="存在", label_en="exists", group="data", pure=False),
    Operator("missing", build_missing, label_zh="缺少字段", label_en="missing", group="data", pure=False),
    Operator("missing_some", build_missing_some, 2, 2, label_zh="至少有几个字段", label_en="missing some",
             group="data", pure=False),
    Operator("??", build_coalesce, label_zh="空值备选", label_en="coalesce", group="data"),
    Operator("throw", build_throw, 0, 1, label_zh="抛出错误", label_en="throw", group="error", pure=False),
    Operator("try", build_try, label_zh="尝试", label_en="try", group="error", pure=False,
             scoped=lambda i: i > 0),
    Operator("preserve", build_preserve, label_zh="原样保留", label_en="preserve", group="data", raw=True),
):
    register(_op)
