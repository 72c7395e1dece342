"""Prints how many cases of each JSON-Logic suite file pass (compliance report)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

_COUNTS: dict[str, Counter[str]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count compliance outcomes per suite file."""
    suite = dict(report.user_properties).get("suite")
    if suite is None or (report.when != "call" and not (report.when == "setup" and report.skipped)):
        return
    outcome = "xfailed" if hasattr(report, "wasxfail") else report.outcome
    _COUNTS.setdefault(str(suite), Counter())[outcome] += 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line per suite file: passed / failed / expected failures."""
    if not _COUNTS:
        return
    terminalreporter.section("JSON-Logic compliance per suite file")
    total: Counter[str] = Counter()
    for suite in sorted(_COUNTS):
        c = _COUNTS[suite]
        total.update(c)
        terminalreporter.line(f"{suite:34} passed {c['passed']:4}  failed {c['failed']:3}  xfailed {c['xfailed']:2}")
    terminalreporter.line(f"{'TOTAL':34} passed {total['passed']:4}  failed {total['failed']:3}  xfailed {total['xfailed']:2}")
