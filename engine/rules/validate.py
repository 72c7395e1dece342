"""Validate a JSON-Logic document before compiling it, collecting every problem with its JSON path."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.rules.errors import Problem, problem
from engine.rules.registry import OPERATORS, Operator

if TYPE_CHECKING:
    from engine.rules.catalogue import Catalogue

MAX_DEPTH = 64
MAX_NODES = 10_000


@dataclass
class _Walk:
    """State of one validation walk."""

    catalogue: Catalogue | None
    problems: list[Problem] = field(default_factory=list)
    nodes: int = 0
    too_deep: bool = False

    def add(self, path: str, reason: str, message: str, **params: Any) -> None:
        """Record one problem of a known reason."""
        self.problems.append(problem(path, reason, message, **params))

    def found(self, found: Problem | tuple[str, str, str]) -> None:
        """Record a problem a check returned (a ``Problem``, or a (path, code, message) tuple)."""
        self.problems.append(found if isinstance(found, Problem) else Problem(*found))


def validate(rule: Any, catalogue: Catalogue | None = None) -> list[Problem]:
    """Every problem of a rule: unknown operators, arity, types, depth, size, unknown fields.

    Args:
        rule: the JSON-Logic document.
        catalogue: the field catalogue ``var``/``val`` paths must come from (None = any path).
    Returns:
        The problems (empty if the rule is valid), each with the JSON path of its node.
    """
    walk = _Walk(catalogue)
    _visit(rule, "$", 1, False, walk)
    if walk.nodes > MAX_NODES:
        walk.add("$", "too_many_nodes", f"rule has {walk.nodes} nodes; at most {MAX_NODES} are allowed",
                 nodes=walk.nodes, max=MAX_NODES)
    return walk.problems


def _visit(node: Any, path: str, depth: int, scoped: bool, walk: _Walk) -> None:
    """Check one node and its children; ``scoped`` = inside an iterator body (data is the item)."""
    walk.nodes += 1
    if depth > MAX_DEPTH:
        if not walk.too_deep:
            walk.add(path, "too_deep", f"rule nests deeper than {MAX_DEPTH} levels", max=MAX_DEPTH)
        walk.too_deep = True
        return
    if isinstance(node, list):
        for i, item in enumerate(node):
            _visit(item, f"{path}[{i}]", depth + 1, scoped, walk)
    elif isinstance(node, Mapping):
        _visit_operator(node, path, depth, scoped, walk)
    elif not _is_json_scalar(node):
        walk.add(path, "bad_value", f"{type(node).__name__} is not a JSON value", type=type(node).__name__)


def _is_json_scalar(node: Any) -> bool:
    """True for null, booleans, numbers and strings."""
    return node is None or isinstance(node, (bool, int, float, str))


def _visit_operator(node: Mapping[str, Any], path: str, depth: int, scoped: bool, walk: _Walk) -> None:
    """Check an ``{"op": args}`` node: one key, a known operator, its arity and static checks."""
    if not node:
        return
    if len(node) != 1:
        keys = sorted(map(str, node))
        walk.add(path, "operator_keys", f"an operator node has exactly one key (found: {', '.join(keys)})",
                 keys=keys)
        return
    ((name, raw),) = node.items()
    op_path = f"{path}.{name}"
    op = OPERATORS.get(name)
    args = raw if isinstance(raw, list) else [raw]
    if op is None:
        walk.add(op_path, "unknown_operator", f"unknown operator {name!r}", operator=name)
    else:
        _check_operator(op, op_path, raw, args, walk)
        if walk.catalogue is not None and not scoped:
            for p in walk.catalogue.check_operator(name, args, op_path):
                walk.found(p)
    if op is not None and op.raw:
        return
    for i, arg in enumerate(args):
        inner = scoped or (op is not None and op.scoped(i))
        _visit(arg, f"{op_path}[{i}]", depth + 1, inner, walk)


def _check_operator(op: Operator, op_path: str, raw: Any, args: list[Any], walk: _Walk) -> None:
    """Arity and the operator's own static checks."""
    if op.impl is not None and isinstance(raw, Mapping) and raw:
        return  # the argument list is computed at run time
    if op.list_args and not isinstance(raw, list):
        walk.add(op_path, "args_not_array", f"{op.name} takes an array of arguments", operator=op.name)
        return
    if len(args) < op.min_args:
        walk.add(op_path, "too_few_arguments", f"{op.name} takes at least {op.min_args} argument(s), got {len(args)}",
                 operator=op.name, min=op.min_args, got=len(args))
    elif op.max_args is not None and len(args) > op.max_args:
        walk.add(op_path, "too_many_arguments", f"{op.name} takes at most {op.max_args} argument(s), got {len(args)}",
                 operator=op.name, max=op.max_args, got=len(args))
    if op.check is not None:
        for p in op.check(args, op_path):
            walk.found(p)
