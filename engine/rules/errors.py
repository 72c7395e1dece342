"""Errors of the rule engine: invalid rule documents and failures while evaluating one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.errors import EngineError

# Every reason a problem can have, with the broader code it belongs to. A reason is stable: the UI
# keys its texts on it (one per reason, with the params), the English ``message`` is for logs and
# for clients that show text as it is.
REASONS: dict[str, str] = {
    # the document itself
    "not_json": "not_json",                  # error: what the JSON encoder said
    "empty": "empty",                        # (no params) a rule without any condition
    "bad_value": "bad_value",                # type: the Python type that is not a JSON value
    "too_deep": "too_deep",                  # max: levels allowed
    "too_many_nodes": "too_many_nodes",      # nodes: found; max: allowed
    # operators and their arguments
    "unknown_operator": "unknown_operator",  # operator
    "operator_keys": "unknown_operator",     # keys: the keys of an object that should be one operator
    "args_not_array": "invalid_arguments",   # operator
    "too_few_arguments": "invalid_arguments",   # operator, min, got
    "too_many_arguments": "invalid_arguments",  # operator, max, got
    "source_not_array": "invalid_arguments",    # operator (map/filter/reduce/all/some/none)
    "body_missing": "invalid_arguments",        # operator (map/filter)
    "numbers_only": "invalid_arguments",        # operator (max/min), value
    "scope_too_many": "invalid_arguments",      # operator (cart_amount/cart_qty)
    "scope_not_object": "invalid_arguments",    # operator
    "scope_key": "invalid_arguments",           # operator, key, allowed: the scope keys
    # fields of the catalogue and the literals they meet
    "unknown_field": "unknown_field",        # field: the path read
    "list_compared": "bad_type",             # field
    "date_function_field": "bad_type",       # operator, field, type: the field's type
    "not_a_date": "bad_type",                # operator, value
    "expects_number": "bad_type",            # field, type (number/money), value, value_type
    "expects_bool": "bad_type",              # field, type, value, value_type
    "expects_date": "bad_type",              # field, type, value, value_type
    "expects_text": "bad_type",              # field, type, value, value_type
    "expects_option": "bad_type",            # field, type (enum), value, value_type, options
    "unknown_option": "unknown_option",      # field, type (enum), value, value_type, options
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rule: the JSON path of the node (``$.and[1].>=[0]``), a code, a message.

    ``code`` is the broad kind (``bad_type``), ``reason`` the exact one (``expects_number``, one of
    ``REASONS``) and ``params`` what it is about (``field``, ``operator``, ``value``, ...: JSON values),
    so the UI can say it in the user's language; ``message`` says it in English.
    """

    path: str
    code: str
    message: str
    reason: str = ""
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if not self.reason:  # a check registered from outside that only knows the code
            object.__setattr__(self, "reason", self.code)

    def as_dict(self) -> dict[str, Any]:
        """The problem as JSON."""
        return {"path": self.path, "code": self.code, "reason": self.reason, "message": self.message,
                "params": dict(self.params)}


def problem(path: str, reason: str, message: str, **params: Any) -> Problem:
    """A problem of a known ``reason`` (its code follows from ``REASONS``; an unknown reason is a bug)."""
    return Problem(path, REASONS[reason], message, reason, params)


class RuleError(EngineError):
    """The rule document is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        text = "; ".join(f"{p.path}: {p.message}" for p in self.problems)
        super().__init__(text or "invalid rule")

    def as_dict(self) -> dict[str, list[dict[str, Any]]]:
        """The problems as JSON, for a 4xx body."""
        return {"errors": [p.as_dict() for p in self.problems]}


class RuleEvalError(EngineError):
    """Evaluation failed (``throw``, NaN arithmetic, ...); ``error`` is the JSON-Logic error value."""

    def __init__(self, error: Any) -> None:
        self.error = error
        super().__init__(f"rule evaluation failed: {error!r}")


def nan_error() -> RuleEvalError:
    """The error JSON-Logic raises when arithmetic meets a value that is not a number."""
    return RuleEvalError({"type": "NaN"})


def invalid_arguments(operator: str) -> RuleEvalError:
    """The error JSON-Logic raises when an operator gets arguments it cannot take."""
    return RuleEvalError({"type": "Invalid Arguments", "operator": operator})
