"""Errors of the rule engine: invalid rule documents and failures while evaluating one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.errors import EngineError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rule: the JSON path of the node (``$.and[1].>=[0]``), a code and a message."""

    path: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        """The problem as JSON."""
        return {"path": self.path, "code": self.code, "message": self.message}


class RuleError(EngineError):
    """The rule document is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        text = "; ".join(f"{p.path}: {p.message}" for p in self.problems)
        super().__init__(text or "invalid rule")

    def as_dict(self) -> dict[str, list[dict[str, str]]]:
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
