"""Translate a JSON-Logic rule over ``customer.*`` into SQLAlchemy predicates on ``customers``.

The data the rule sees is ``{"customer": facts.customer(...), "context": {"now": now}}``, as in the
rule editor's "try on a customer".  Every node becomes a ``Value`` (see ``values``); sub-trees
that read no customer field are evaluated once by the engine itself.  A node with no exact SQL
form raises ``NotPushable`` naming the node; the caller then evaluates in Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from engine.rules import OPERATORS, RuleEvalError, compile_rule, truthy
from engine.rules.ops_data import dotted
from engine.rules.ops_marketing import window_end  # the engine's own window end
from engine.rules.values import to_datetime
from storage.segments import bounds, fields
from storage.segments.compare import TESTS, bool_truth, compare
from storage.segments.membership import contains_op, has_tag_op, in_list_op
from storage.segments.values import (
    FALSE,
    TRUE,
    Column,
    Const,
    Context,
    Days,
    NotPushable,
    Pred,
    Truth,
    Value,
    all_of,
    any_of,
    branch,
    by_nullness,
    negate,
)

LOGIC = frozenset({"and", "or", "!", "!!", "if", "?:"})
_DATA_READERS = frozenset({"exists", "missing", "missing_some", "has_tag"})


@dataclass(frozen=True)
class Translation:
    """A rule as SQL: ``where`` selects the audience, ``errors`` the customers whose evaluation raises."""

    where: Pred
    errors: Pred


def translate(rule: Any, *, now: datetime, dialect: str) -> Translation:
    """The SQL form of a rule over ``customer.*``.

    Args:
        rule: the JSON-Logic document (validated and compiled by the engine first).
        now: the evaluation time (``context.now``), timezone-aware.
        dialect: ``sqlite`` or ``postgresql`` (the SQL of a few operators differs).
    Returns:
        Predicates on ``customers`` for the audience and for the customers whose evaluation fails.
    Raises:
        RuleError: the rule is invalid.
        NotPushable: some node has no SQL form with exactly the evaluator's answers.
    """
    compile_rule(rule)
    moment = to_datetime(now)
    if moment is None:
        raise NotPushable("now is not a time")
    ctx = Context(dialect, moment, bounds.local_date(moment, "context.now"))
    truth = _Translator(ctx).truth(rule, "$")
    return Translation(truth.selected(), truth.e)


def _args(raw: Any) -> list[Any]:
    """An operator's argument list (a single argument may be written without the array)."""
    return raw if isinstance(raw, list) else [raw]


def _literal_keys(name: str, args: list[Any]) -> tuple[str, ...] | None:
    """The path of var/val/exists written as literals, else None."""
    if name == "var":
        first = args[0] if args else None
        if first is not None and (isinstance(first, bool) or not isinstance(first, (str, int, float))):
            return None
        return tuple(str(k) for k in dotted(first))
    if args and isinstance(args[0], list):
        return None  # val climbing to an enclosing scope
    return tuple(args) if all(isinstance(a, str) for a in args) else None


def reads_customer(node: Any) -> bool:
    """True if the node may read the customer (or data whose path is only known at run time)."""
    if isinstance(node, list):
        return any(reads_customer(n) for n in node)
    if not isinstance(node, Mapping) or not node:
        return False
    ((name, raw),) = node.items()
    args = _args(raw)
    if name in _DATA_READERS:
        return True
    if name in ("var", "val"):
        keys = _literal_keys(name, args)
        if keys is None or not keys or keys[0] == "customer":
            return True
        return name == "var" and len(args) > 1 and reads_customer(args[1])
    op = OPERATORS.get(name)
    return op is not None and not op.raw and any(reads_customer(a) for a in args)


class _Translator:
    """One translation: the walk over the rule's nodes."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def truth(self, node: Any, path: str) -> Truth:
        """The node's JSON-Logic truthiness (or failure) per row."""
        if isinstance(node, Mapping) and len(node) == 1:
            ((name, raw),) = node.items()
            at = f"{path}.{name}"
            if name in LOGIC and reads_customer(node):
                return self._logic(name, _args(raw), at)
            if name in ("missing", "missing_some") and reads_customer(node):
                return self._missing(name, _args(raw), at)
        return self.truthy(self.value(node, path), path)

    def value(self, node: Any, path: str) -> Value:
        """The node's value per row."""
        if not reads_customer(node):
            return self._fold(node, path)
        if isinstance(node, list):
            raise NotPushable("an array built from row values is not translated", path)
        ((name, raw),) = node.items()
        at, args = f"{path}.{name}", _args(raw)
        if name in LOGIC:
            return self._logic_value(name, args, at)
        if name in TESTS:
            return self._compare(name, args, at)
        handler = _HANDLERS.get(name)
        if handler is None or (name == "in_list" and not isinstance(raw, list)):
            raise NotPushable(f"operator {name} over customer fields is not translated", at)
        return handler(self, args, at)

    def _fold(self, node: Any, path: str) -> Value:
        """A node that reads no customer field, evaluated by the engine once."""
        try:
            return Const(compile_rule(node)({"context": {"now": self.ctx.now}}))
        except RuleEvalError:
            return Truth.error()

    def truthy(self, value: Value, path: str) -> Truth:
        """JSON-Logic truthiness of a value."""
        if isinstance(value, Const):
            return Truth.of(truthy(value.value))
        if isinstance(value, Truth):
            return value
        if isinstance(value, Days):
            column = value.column
            today = bounds.days_cond(("eq", 0), self.ctx.today)
            return by_nullness(column, Truth.of(False),
                               Truth(negate(bounds.emit_day(column.expr, column.kind, today)), FALSE))
        return by_nullness(value, Truth.of(False), Truth(_set_truthy(value), FALSE))

    def _logic(self, name: str, args: list[Any], path: str) -> Truth:
        """Truthiness of and / or / ! / !! / if / ?: (lazy: later operands fail only if reached)."""
        if name in ("!", "!!"):
            inner = self.truth(args[0] if args else None, f"{path}[0]")
            return inner.invert() if name == "!" else inner
        parts = [self.truth(a, f"{path}[{i}]") for i, a in enumerate(args)]
        if name == "and":
            return _chain(parts, go_on=lambda t: t.p) if parts else Truth.of(False)
        if name == "or":
            return _chain(parts, go_on=lambda t: negate(t.p), join=any_of) if parts else Truth.of(False)
        result = parts[-1] if len(parts) % 2 == 1 else Truth.of(False)
        for i in range(len(parts) - len(parts) % 2 - 2, -1, -2):
            chosen = branch(parts[i].p, parts[i + 1], result)
            result = Truth(chosen.p, any_of(parts[i].e, chosen.e))
        return result

    def _logic_value(self, name: str, args: list[Any], path: str) -> Value:
        """and / or / if as a value: only when every possible result is a boolean."""
        if name in ("!", "!!"):
            return self._logic(name, args, path)
        if name in ("and", "or"):
            results = list(args)
        elif len(args) % 2 == 1:
            results = [a for i, a in enumerate(args) if i % 2 == 1 or i == len(args) - 1]
        else:
            raise NotPushable(f"the value of {name} is used, and it is null when no condition holds", path)
        for i, a in enumerate(results):
            v = self.value(a, f"{path}[{i}]")
            if not (isinstance(v, Truth) or (isinstance(v, Const) and isinstance(v.value, bool))
                    or (isinstance(v, Column) and v.kind == "bool")):
                raise NotPushable(f"the value of {name} is used, and it is not always true/false", path)
        return self._logic(name, args, path)

    def _compare(self, op: str, args: list[Any], path: str) -> Truth:
        """A comparison, chained and lazy for three or more operands."""
        values = [self.value(a, f"{path}[{i}]") for i, a in enumerate(args)]
        pairs = [compare(op, values[i], values[i + 1], self.ctx, path) for i in range(len(values) - 1)]
        return _chain(pairs, go_on=lambda t: t.p)

    def _missing(self, name: str, args: list[Any], path: str) -> Truth:
        """missing / missing_some over literal keys: absent, null or empty text."""
        if not all(not reads_customer(a) for a in args):
            raise NotPushable(f"{name} with computed keys is not translated", path)
        folded = [self._fold(a, f"{path}[{i}]") for i, a in enumerate(args)]
        if not all(isinstance(v, Const) for v in folded):
            return Truth.error()  # computing a key raises for every customer
        values = [v.value for v in folded if isinstance(v, Const)]
        if name == "missing":
            keys = values[0] if values and isinstance(values[0], list) else values
            return Truth(any_of(*(self._absent(k, path) for k in keys)), FALSE)
        need, keys = values[0], values[1]
        if not isinstance(keys, list) or isinstance(need, bool) or not isinstance(need, (int, float)):
            raise NotPushable("missing_some needs a number and a list of keys", path)
        absent = [self._absent(k, path) for k in keys]
        count = sum((sa.case((a, 1), else_=0) for a in absent), sa.literal(0))
        truthy_counts = [m for m in range(len(keys) + 1) if not (len(keys) - m >= need) and m > 0]
        return Truth(any_of(*(count == m for m in truthy_counts)), FALSE)

    def _absent(self, key: Any, path: str) -> Pred:
        """``missing``'s test of one key: absent, null or ""."""
        if isinstance(key, bool) or not isinstance(key, (str, int, float)):
            raise NotPushable(f"missing key {key!r} is not a path", path)
        keys = dotted(key)
        if not keys or keys[0] != "customer":
            found = compile_rule({"missing": [key]})({"context": {"now": self.ctx.now}})
            return TRUE if found else FALSE
        if len(keys) != 2:
            raise NotPushable(f"missing {key!r} inside a field is not translated", path)
        if keys[1] not in fields.KEYS:
            return TRUE
        column = fields.column(keys[1])
        empty = column.expr == "" if column.kind == "text" else FALSE
        return any_of(column.expr.is_(None), empty) if column.nullable else empty

    def field(self, keys: tuple[str, ...], default: Any, path: str) -> Value:
        """The value at a literal path into the data (customer fields, or the default if absent)."""
        if not keys or keys[0] != "customer":
            raise NotPushable("this path is not a customer field", path)
        if len(keys) == 1:
            raise NotPushable("the whole customer object is not translated", path)
        if len(keys) > 2:
            raise NotPushable(f"reading inside customer.{keys[1]} is not translated", path)
        if keys[1] in fields.KEYS:
            return fields.column(keys[1])
        return self.value(default, f"{path}[1]")


def _chain(parts: list[Truth], go_on: Any, join: Any = all_of) -> Truth:
    """Operands evaluated left to right while ``go_on`` holds; value joined with ``join``."""
    errors: list[Pred] = []
    reached: list[Pred] = []
    for part in parts:
        errors.append(all_of(*reached, part.e))
        reached.append(go_on(part))
    return Truth(join(*(t.p for t in parts)), any_of(*errors))


def _set_truthy(column: Column) -> Pred:
    """Truthiness of a field that is set (not null)."""
    kind = column.kind
    if kind in ("int", "money"):
        return column.expr != 0
    if kind == "text":
        return column.expr != ""
    if kind == "bool":
        return bool_truth(column).p
    if kind == "tags":
        return fields.has_any_tag()
    return TRUE  # a date is an object: truthy


def _var(t: _Translator, args: list[Any], path: str) -> Value:
    keys = _literal_keys("var", args)
    if keys is None:
        raise NotPushable("a computed path is not translated", path)
    return t.field(keys, args[1] if len(args) > 1 else None, path)


def _val(t: _Translator, args: list[Any], path: str) -> Value:
    keys = _literal_keys("val", args)
    if keys is None:
        raise NotPushable("val with computed segments or climbing scopes is not translated", path)
    return t.field(keys, None, path)


def _days_since(t: _Translator, args: list[Any], path: str) -> Value:
    value = t.value(args[0] if args else None, f"{path}[0]")
    if isinstance(value, Column) and value.kind in ("date", "datetime"):
        return Days(value)
    raise NotPushable("days_since of something other than a date field is not translated", path)


def _between_dates(t: _Translator, args: list[Any], path: str) -> Value:
    x = t.value(args[0], f"{path}[0]")
    start, end = (t.value(a, f"{path}[{i + 1}]") for i, a in enumerate(args[1:3]))
    if not (isinstance(x, Column) and x.kind in ("date", "datetime")):
        raise NotPushable("between_dates of something other than a date field is not translated", path)
    if not (isinstance(start, Const) and isinstance(end, Const)):
        raise NotPushable("between_dates with bounds read from the row is not translated", path)
    lo, hi = to_datetime(start.value), window_end(end.value)
    if lo is None or hi is None:
        return Truth.of(False)
    if x.kind == "date":
        inside = all_of(bounds.emit_day(x.expr, "date", bounds.date_vs_instant(">=", lo, path)),
                        bounds.emit_day(x.expr, "date", bounds.date_vs_instant("<", hi, path)))
    else:
        inside = all_of(bounds.instant_compare(x.expr, ">=", lo), bounds.instant_compare(x.expr, "<", hi))
    return by_nullness(x, Truth.of(False), Truth(inside, FALSE))


def _in(t: _Translator, args: list[Any], path: str) -> Value:
    padded = [*args, None, None][:2]
    return contains_op(t.value(padded[0], f"{path}[0]"), t.value(padded[1], f"{path}[1]"), t.ctx, path)


def _in_list(t: _Translator, args: list[Any], path: str) -> Value:
    if len(args) != 2:
        raise NotPushable("in_list takes two arguments", path)
    return in_list_op(t.value(args[0], f"{path}[0]"), t.value(args[1], f"{path}[1]"), t.ctx, path)


def _has_tag(t: _Translator, args: list[Any], path: str) -> Value:
    return has_tag_op([t.value(a, f"{path}[{i}]") for i, a in enumerate(args)], path)


def _exists(t: _Translator, args: list[Any], path: str) -> Value:
    keys = _literal_keys("exists", args)
    if keys is None or len(keys) > 2 or not keys or keys[0] != "customer":
        raise NotPushable("exists outside customer.<field> is not translated", path)
    return Const(len(keys) == 1 or keys[1] in fields.KEYS)


_HANDLERS: dict[str, Any] = {
    "var": _var, "val": _val, "days_since": _days_since, "between_dates": _between_dates, "in": _in,
    "in_list": _in_list, "has_tag": _has_tag, "exists": _exists,
}
