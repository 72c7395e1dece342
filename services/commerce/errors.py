"""Errors of the commerce services: each carries data the API turns into a 4xx body.

``InvalidInput`` (422) lists every bad field; ``NotFound`` (404) names what is missing;
``Conflict`` (409) has a stable ``code`` (``promotion_exhausted``, ``out_of_stock``,
``idempotency_key_reused``, ...) and a ``detail`` dict. Nothing was changed when one is raised.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError


@dataclass(frozen=True)
class FieldProblem:
    """One invalid input: the dotted path of the field and what is wrong with it.

    A problem of a rule (a promotion's condition) also carries the rule engine's problem as JSON
    (``path``, ``code``, ``reason``, ``params``, ``message``), so the UI can say it in the user's language.
    """

    field: str
    message: str
    rule_problem: dict[str, Any] | None = dataclasses.field(default=None, hash=False, compare=False)


class CommerceError(Exception):
    """Root of the errors raised by services.commerce."""

    code = "commerce_error"

    def as_body(self) -> dict[str, Any]:
        """The error as the API body ``{"error": {"code", "message", "fields"}}``."""
        return {"error": {"code": self.code, "message": str(self), "fields": []}}


class InvalidInput(CommerceError):
    """Bad input; ``problems`` lists every bad field (collected before raising)."""

    code = "invalid_input"

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in self.problems) or "invalid input")

    def as_body(self) -> dict[str, Any]:
        """The body with one entry per bad field."""
        fields = [{"field": p.field, "message": p.message} for p in self.problems]
        return {"error": {"code": self.code, "message": str(self), "fields": fields}}


class NotFound(CommerceError):
    """No ``kind`` with this ``key``."""

    code = "not_found"

    def __init__(self, kind: str, key: object) -> None:
        self.kind, self.key = kind, key
        super().__init__(f"no {kind} {key!r}")


class Conflict(CommerceError):
    """The request is valid but cannot be done now (exhausted, duplicate, wrong state, ...)."""

    def __init__(self, code: str, message: str, /, **detail: Any) -> None:
        self.code = code
        self.detail = detail
        super().__init__(message)

    def as_body(self) -> dict[str, Any]:
        """The body, with the detail."""
        body = super().as_body()
        body["error"]["detail"] = self.detail
        return body


def problems_from(exc: ValidationError, prefix: str = "") -> list[FieldProblem]:
    """Pydantic errors as field problems (``lines.0.qty``), optionally under ``prefix``."""
    out = []
    for err in exc.errors():
        path = ".".join(str(p) for p in (*([prefix] if prefix else []), *err["loc"]))
        out.append(FieldProblem(path or prefix or "body", err["msg"]))
    return out
