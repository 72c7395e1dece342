"""Loading and checking the JSON-Logic compatibility suites in tests/fixtures/jsonlogic/."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

SUITES = Path(__file__).resolve().parents[4] / "tests" / "fixtures" / "jsonlogic"
ERROR_TYPES = {"invalid_arguments": "Invalid Arguments", "unknown_operator": "Unknown Operator"}


@dataclass(frozen=True)
class Case:
    """One suite case: a rule, its data and the expected result or error type."""

    suite: str
    number: int
    description: str
    rule: Any
    data: Any
    result: Any = None
    error: str | None = None

    @property
    def id(self) -> str:
        """Test id: suite file and case number."""
        return f"{self.suite}#{self.number}"


def suite_files() -> list[str]:
    """Every suite file, relative to the fixtures folder."""
    return sorted(str(p.relative_to(SUITES)) for p in SUITES.rglob("*.json"))


def load_cases(suite: str) -> list[Case]:
    """The cases of one suite file (comment strings skipped, cases numbered from 1)."""
    cases = []
    for item in json.loads((SUITES / suite).read_text(encoding="utf-8")):
        if isinstance(item, str):
            continue
        cases.append(_case(suite, len(cases) + 1, item))
    return cases


def _case(suite: str, number: int, item: Any) -> Case:
    """A case from a ``[rule, data, result]`` triple or a ``{description, rule, ...}`` object."""
    if isinstance(item, list):
        rule, data, result = item
        return Case(suite, number, json.dumps(rule), rule, data, result)
    error = item.get("error")
    return Case(suite, number, item.get("description", ""), item["rule"], item.get("data"),
                item.get("result"), error["type"] if error is not None else None)


def same_json(actual: Any, expected: Any) -> bool:
    """JSON equality: booleans are not numbers, numbers compare by value, containers deeply."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(actual) is type(expected) and actual == expected
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float, Decimal)):
        return Decimal(str(actual)) == Decimal(str(expected))
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) == len(expected) and all(
            same_json(a, e) for a, e in zip(actual, expected))
    if isinstance(expected, dict):
        return isinstance(actual, dict) and actual.keys() == expected.keys() and all(
            same_json(actual[k], expected[k]) for k in expected)
    return type(actual) is type(expected) and actual == expected
