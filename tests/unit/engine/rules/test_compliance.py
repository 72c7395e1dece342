"""Every case of the JSON-Logic community compatibility suites, run against the compiled engine.

Per-file pass counts are printed at the end of the pytest run (see conftest.py).  Cases where two
suites contradict each other are listed in EXPECTED_FAILURES with the choice we made; they run
as strict xfails, so they are reported, never skipped, and start failing if the engine changes.
"""

from __future__ import annotations

import pytest

from engine.rules import RuleError, RuleEvalError, compiler, evaluate
from tests.unit.engine.rules.compliance import ERROR_TYPES, Case, load_cases, same_json, suite_files

EXPECTED_FAILURES: dict[str, str] = {
}


def _params() -> list[object]:
    """One pytest param per suite case, strict-xfail when listed above."""
    params: list[object] = []
    for suite in suite_files():
        for case in load_cases(suite):
            reason = EXPECTED_FAILURES.get(case.id)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(case, id=case.id, marks=marks))
    return params


def test_expected_failures_name_real_cases() -> None:
    ids = {case.id for suite in suite_files() for case in load_cases(suite)}
    assert set(EXPECTED_FAILURES) <= ids


@pytest.mark.parametrize("case", _params())
def test_suite_case_gives_the_expected_result_or_error(case: Case, record_property: object) -> None:
    record_property("suite", case.suite)  # type: ignore[operator]
    if case.error is None:
        actual = evaluate(case.rule, case.data)
        assert same_json(actual, case.result), f"{case.description}: got {actual!r}, want {case.result!r}"
        return
    with pytest.raises((RuleError, RuleEvalError)) as caught:
        evaluate(case.rule, case.data)
    assert _error_type(caught.value) == case.error, case.description


def test_the_closure_tree_gives_the_same_outcome_as_generated_code_on_every_case() -> None:
    cases = [case for suite in suite_files() for case in load_cases(suite)]
    generated = [_outcome(case) for case in cases]
    compiler.GENERATE = False
    compiler.clear_cache()
    try:
        closures = [_outcome(case) for case in cases]
    finally:
        compiler.GENERATE = True
        compiler.clear_cache()
    differ = [c.id for c, g, t in zip(cases, generated, closures) if not _same_outcome(g, t)]
    assert differ == []


def _outcome(case: Case) -> tuple[str, object]:
    """("ok", value) or ("error", error type) of one case."""
    try:
        return "ok", evaluate(case.rule, case.data)
    except (RuleError, RuleEvalError) as exc:
        return "error", _error_type(exc)


def _same_outcome(a: tuple[str, object], b: tuple[str, object]) -> bool:
    """Both errors of one type, or both values equal as JSON."""
    return a[0] == b[0] and (a[1] == b[1] if a[0] == "error" else same_json(a[1], b[1]))


def _error_type(exc: BaseException) -> str | None:
    """The suite's error type of an engine error (run-time error value or first static problem)."""
    if isinstance(exc, RuleEvalError):
        return exc.error.get("type") if isinstance(exc.error, dict) else None
    assert isinstance(exc, RuleError)
    return ERROR_TYPES.get(exc.problems[0].code)
