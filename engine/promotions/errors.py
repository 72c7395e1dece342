"""Errors of the promotion engine: they carry every problem found, each naming its field."""

from __future__ import annotations

from dataclasses import dataclass

from engine.errors import EngineError


@dataclass(frozen=True)
class Problem:
    """One invalid input: the dotted path of the field and what is wrong with it."""

    field: str
    message: str


class PromotionError(EngineError):
    """Invalid cart, customer, context or promotion; nothing was quoted."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        text = "; ".join(f"{p.field}: {p.message}" for p in self.problems)
        super().__init__(text or "invalid promotion input")

    def as_dict(self) -> dict[str, list[dict[str, str]]]:
        """The problems as JSON, for a 4xx body."""
        return {"errors": [{"field": p.field, "message": p.message} for p in self.problems]}
