"""``python -m services.demo``: load with a progress bar, --if-empty, --force, refusal, summary."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from services.demo import demo_counts
from services.demo.__main__ import main
from storage import db as storage_db

ARGS = ["--customers", "30", "--seed", "2", "--as-of", "2026-11-27"]


def _run(capsys: pytest.CaptureFixture[str], db_url: str, *argv: str) -> tuple[int, str]:
    """Exit code and printed output of one CLI call on ``db_url`` (the process database is restored)."""
    previous = storage_db.active_url()
    try:
        code = main([*argv, "--db", db_url])
    finally:
        if previous is None:
            storage_db.reset()
        else:
            storage_db.use_database(previous)
    return code, capsys.readouterr().out


def test_load_shows_progress_and_the_rows_it_wrote(db: Engine, db_url: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, db_url, "load", *ARGS)
    assert code == 0
    assert "30/30" in out and "customers" in out and "rows in" in out
    assert demo_counts()["customers"] == 30


def test_if_empty_loads_once_and_then_does_nothing(db: Engine, db_url: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, db_url, "load", "--if-empty", *ARGS)[0] == 0
    code, out = _run(capsys, db_url, "load", "--if-empty", "--customers", "99")
    assert code == 0 and "nothing loaded" in out
    assert demo_counts()["customers"] == 30


def test_a_second_load_is_refused_unless_forced(db: Engine, db_url: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    _run(capsys, db_url, "load", *ARGS)
    code, out = _run(capsys, db_url, "load", *ARGS)
    assert code == 1 and "not loaded" in out and "--force" in out
    code, _ = _run(capsys, db_url, "load", "--force", "--customers", "12", "--seed", "2")
    assert code == 0 and demo_counts()["customers"] == 12


def test_summary_prints_the_row_counts(db: Engine, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    _run(capsys, db_url, "load", *ARGS)
    code, out = _run(capsys, db_url, "summary")
    assert code == 0 and "customers" in out and "30" in out and "total" in out


def test_a_database_without_tables_gets_a_hint_to_migrate(empty_db_url: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, empty_db_url, "load", *ARGS)
    assert code == 1 and "storage.migrate" in out
