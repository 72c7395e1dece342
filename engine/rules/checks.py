"""Static type checks of literals against catalogue fields (``{"==": [{"var": "customer.tier"}, "bronze"]}``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.rules.errors import Problem, problem
from engine.rules.values import is_nan, str_to_number, to_datetime

if TYPE_CHECKING:
    from engine.rules.catalogue import Catalogue, Field

Found = list[Problem]
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
            found.append(problem(f"{path}[{i}]", "list_compared",
                                 f"{f.key} is a list: use has_tag, in or in_list, not a comparison", field=f.key))
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
            found.append(problem(f"{path}[{i}]", "date_function_field", f"{name} takes a date; {f.key} is {f.type}",
                                 operator=name, field=f.key, type=f.type))
        elif isinstance(a, (str, int, float)) and not isinstance(a, bool) and to_datetime(a) is None:
            found.append(problem(f"{path}[{i}]", "not_a_date", f"{a!r} is not a date (use 2026-11-11 or ISO time)",
                                 operator=name, value=a))
    return found


def _fits(f: Field, literal: Any, path: str) -> Found:
    """A problem if the literal cannot be a value of the field (null always fits)."""
    if literal is None:
        return []
    misfit = _misfit(f, literal)
    if misfit is None:
        return []
    reason, message = misfit
    params: dict[str, Any] = {"field": f.key, "type": f.type, "value": literal, "value_type": _json_type(literal)}
    if f.type == "enum":
        params["options"] = [o.value for o in f.options]
    return [problem(path, reason, message, **params)]


def _json_type(literal: Any) -> str:
    """A literal's kind in the catalogue's words: string, number or bool."""
    if isinstance(literal, bool):
        return "bool"
    return "number" if isinstance(literal, (int, float)) else "string"


def _misfit(f: Field, literal: Any) -> tuple[str, str] | None:
    """Why the literal does not fit the field, as (reason, message), or None."""
    kind = f.type
    if kind in ("number", "money"):
        ok = not isinstance(literal, bool) and (isinstance(literal, (int, float)) or (
            isinstance(literal, str) and not is_nan(str_to_number(literal)) and literal.strip() != ""))
        return None if ok else ("expects_number", f"{f.key} is a {kind}; {literal!r} is not a number")
    if kind == "bool":
        return None if isinstance(literal, bool) else ("expects_bool", f"{f.key} is true/false; got {literal!r}")
    if kind == "date":
        return None if isinstance(literal, str) and to_datetime(literal) is not None else (
            "expects_date", f"{f.key} is a date; {literal!r} is not an ISO date")
    if kind == "enum":
        values = [o.value for o in f.options]
        reason = "unknown_option" if isinstance(literal, str) else "expects_option"
        return None if literal in values else (reason, f"{f.key} is one of {', '.join(values)}; got {literal!r}")
    if kind == "string":
        return None if isinstance(literal, str) else ("expects_text", f"{f.key} is text; got {literal!r}")
    return None
