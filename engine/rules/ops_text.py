"""String and array operators: cat, substr, in, merge."""

from __future__ import annotations

from typing import Any

from engine.rules.errors import nan_error
from engine.rules.registry import CompileFn, Fn, Operator, const_value, register
from engine.rules.values import cat_str, is_number, js_str, strict_equals, to_number


def cat(values: list[Any]) -> str:
    """Concatenate the operands as text (numbers as JavaScript prints them, null as nothing)."""
    return "".join(cat_str(v) for v in values)


def substr(values: list[Any]) -> str:
    """``substr [text, start, length?]``: negative start counts from the end, negative length drops."""
    if len(values) == 3 and type(values[0]) is str and type(values[1]) is int and type(values[2]) is int:
        text, start, length = values
        if start >= 0 and length >= 0:
            return text[start:start + length]
    text = js_str(values[0]) if values else ""
    start = _int_arg(values[1]) if len(values) > 1 else 0
    begin = max(len(text) + start, 0) if start < 0 else min(start, len(text))
    if len(values) < 3 or values[2] is None:
        return text[begin:]
    length = _int_arg(values[2])
    end = len(text) + length if length < 0 else begin + length
    return text[begin:max(end, begin)]


def _int_arg(value: Any) -> int:
    """An integer position argument (NaN is an error)."""
    n = to_number(value)
    if n != n:
        raise nan_error()
    return int(n)


def contains(needle: Any, haystack: Any) -> bool:
    """``in``: substring of a string, or element of an array (strict equality)."""
    if isinstance(haystack, str):
        return js_str(needle) in haystack
    if isinstance(haystack, (list, tuple)):
        if type(needle) is str:
            return needle in haystack  # a str only ever equals a str
        if is_number(needle) or isinstance(needle, (list, dict)):
            return any(strict_equals(needle, item) for item in haystack)
        return any(type(item) is type(needle) and item == needle for item in haystack)
    return False


def build_in(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``in``: a constant array of strings becomes a set lookup."""
    padded = list(args) + [None] * (2 - len(args))
    f0, f1 = compile(padded[0], f"{path}[0]"), compile(padded[1], f"{path}[1]")
    fixed = const_value(f1)
    if fixed is not None and isinstance(fixed[0], list) and all(isinstance(x, str) for x in fixed[0]):
        members = frozenset(fixed[0])
        return lambda d, s: (v := f0(d, s)).__class__ is str and v in members
    return lambda d, s: contains(f0(d, s), f1(d, s))


def merge(values: list[Any]) -> list[Any]:
    """Flatten the operands one level into a single array."""
    out: list[Any] = []
    for v in values:
        if isinstance(v, (list, tuple)):
            out.extend(v)
        else:
            out.append(v)
    return out


for _op in (
    Operator("cat", impl=cat, label_zh="拼接文本", label_en="concatenate", group="text"),
    Operator("substr", impl=substr, min_args=1, max_args=3, label_zh="截取文本", label_en="substring",
             group="text"),
    Operator("in", build_in, 2, 2, label_zh="包含于", label_en="in", group="text"),
    Operator("merge", impl=merge, label_zh="合并数组", label_en="merge", group="array"),
):
    register(_op)
