"""Every benchmark under bench/ still runs and prints its JSON line (tiny sizes: this checks the
scripts, not the figures; their exactness checks must hold at any size)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(script: str, *args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_promotion_engine_benchmark_runs_and_branch_and_bound_equals_brute_force() -> None:
    line = _run("promotions.py", "--carts", "4", "--other-seeds", "2", "--other-carts", "2")
    assert line["bench"] == "promotions.quote" and line["carts"] == 4
    assert line["brute_force"]["winner_mismatches"] == 0 and line["node_budget_hits"] == 0
    assert {"median", "p99"} <= line["quote_ms"].keys()
    assert line["other_seeds"]["carts"] == 4 and line["other_seeds"]["node_budget_hits"] == 0


def test_the_http_quote_benchmark_runs_with_the_api_as_mounted() -> None:
    line = _run("promotions_http.py", "--quotes", "6")
    assert line["bench"] == "promotions_http" and line["statements_per_quote"] <= 5
    assert min(line["http_quotes_per_s"], line["service_quotes_per_s"], line["engine_quotes_per_s"]) > 0


@pytest.mark.parametrize("args", [("--docs", "20", "--seconds", "0.2", "--sql-customers", "300")])
def test_the_rule_engine_benchmark_runs_and_sql_agrees_with_python(args: tuple[str, ...]) -> None:
    line = _run("rules.py", *args)
    assert line["engine_evals_per_s"] > 0 and line["qubit_evals_per_s"] > 0 and line["mismatches"] == 0
    segments = line["sql_pushdown"]
    assert segments and all(v["same_answers"] for v in _leaves(segments))


def test_the_demo_load_benchmark_runs() -> None:
    line = _run("demo_load.py", "--customers", "300", "--baseline-customers", "50")
    assert line["customers"] == 300 and line["rows_per_second"] > 0


def _leaves(node: Any) -> list[dict[str, Any]]:
    """Every dict in the tree that carries ``same_answers``."""
    if isinstance(node, dict):
        found = [node] if "same_answers" in node else []
        for v in node.values():
            found += _leaves(v)
        return found
    return []
