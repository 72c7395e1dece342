"""Static type checks of literals against catalogue fields (``{"==": [{"var": "customer.tier"}, "bronze"]}``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.rules.values import is_nan, str_to_number, to_datetime

if TYPE_CHECKING:
    from engine.rules.catalogue import Catalogue, Field

Found = list[tuple[str, str, str]]
COMPARISONS = frozenset({"==", "!=", "===", "!==", "<", "<=", ">", ">="})
MEMBERSHIP = frozenset({"in", "in_list"})
DATE_FUNCTIONS = frozenset({"days_since", "hour_of_day", "weekday", "between_dates"})


def literal_path(name: str, args: list[Any]) -> str | None:
    """The dotted field path of a ``var``/``val``/``exists`` node written as literals, else None."""
    if name == "var":
        if not args or args[0] is None:
            return ""
        first = args[0]
        return str(first) if isinstance(first, (str, int)) and not isinstance(first, bool) else None
    if args and isinstance(args[0], list):
        return None  # climbs to an enclosing scope
    if all(isinstance(a, str) or (isinstance(a, int) and not isinstance(a, bool)) for a in args):
        return ".".join(str(a) for a in args)
    return None


def field_of(catalogue: Catalogue, node: Any) -> Field | None:
    """The catalogue field a ``var``/``val`` node reads, if it names one literally."""
    if not isinstance(node, dict) or len(node) != 1:
        return None
    ((name, raw),) = node.items()
    if name not in ("var", "val"):
        return None
    key = literal_path(name, raw if isinstance(raw, list) else [raw])
    return catalogue.get(key) if key else None


def check_field_literals(catalogue: Catalogue, name: str, args: list[Any], path: str) -> Found:
    """Literals compared with, or searched in, a catalogue field must fit the field's type."""
    if name in COMPARISONS:
        return _comparison(catalogue, args, path)
    if name in MEMBERSHIP and len(args) == 2:
        return _membership(catalogue, args, path)
    if name in DATE_FUNCTIONS:
        return _date_function(catalogue, name, args, path)
    return []


def _comparison(catalogue: Catalogue, args: list[Any], path: str) -> Found:
    """Every literal operand must fit every field operand; list fields are not comparable."""
    fields = [(i, f) for i, a in enumerate(args) if (f := field_of(catalogue, a)) is not None]
    found: Found = []
    for i, f in fields:
        if f.type == "list":
            found.append((f"{path}[{i}]", "bad_type",
                          f"{f.key} is a list: use has_tag, in or in_list, not a comparison"))
    for j, literal in enumerate(args):
        if isinstance(literal, (dict, list)):
            continue
        for _, f in fields:
            found += _fits(f, literal, f"{path}[{j}]")
    return found


def _membership(catalogue: Catalogue, args: list[Any], path: str) -> Found:
    """``{"in": [field, [literals]]}``: every listed literal must fit the field."""
    f = field_of(catalogue, args[0])
    if f is None or not isinstance(args[1], list) or f.type == "list":
        return []
    found: Found = []
    for k, literal in enumerate(args[1]):
        if not isinstance(literal, (dict, list)):
            found += _fits(f, literal, f"{path}[1][{k}]")
    return found


def _date_function(catalogue: Catalogue, name: str, args: list[Any], path: str) -> Found:
    """Date functions take date fields, and literal dates that parse."""
    found: Found = []
    for i, a in enumerate(args):
        f = field_of(catalogue, a)
        if f is not None and f.type != "date":
            found.append((f"{path}[{i}]", "bad_type", f"{name} takes a date; {f.key} is {f.type}"))
        elif isinstance(a, (str, int, float)) and not isinstance(a, bool) and to_datetime(a) is None:
            found.append((f"{path}[{i}]", "bad_type", f"{a!r} is not a date (use 2026-11-11 or ISO time)"))
    return found


def _fits(f: Field, literal: Any, path: str) -> Found:
    """A problem if the literal cannot be a value of the field (null always fits)."""
    if literal is None:
        return []
    message = _misfit(f, literal)
    if message is None:
        return []
    code = "unknown_option" if f.type == "enum" and isinstance(literal, str) else "bad_type"
    return [(path, code, message)]


def _misfit(f: Field, literal: Any) -> str | None:
    """Why the literal does not fit the field, or None."""
    kind = f.type
    if kind in ("number", "money"):
        ok = not isinstance(literal, bool) and (isinstance(literal, (int, float)) or (
            isinstance(literal, str) and not is_nan(str_to_number(literal)) and literal.strip() != ""))
        return None if ok else f"{f.key} is a {kind}; {literal!r} is not a number"
    if kind == "bool":
        return None if isinstance(literal, bool) else f"{f.key} is true/false; got {literal!r}"
    if kind == "date":
        return None if isinstance(literal, str) and to_datetime(literal) is not None else (
            f"{f.key} is a date; {literal!r} is not an ISO date")
    if kind == "enum":
        values = [o.value for o in f.options]
        return None if literal in values else f"{f.key} is one of {', '.join(values)}; got {literal!r}"
    if kind == "string":
        return None if isinstance(literal, str) else f"{f.key} is text; got {literal!r}"
    return None
