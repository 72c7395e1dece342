"""CLI of the demo data set.

    python -m services.demo load [--if-empty] [--force] [--customers N] [--seed S] [--as-of DATE] [--db URL]
    python -m services.demo summary [--db URL]

``load`` refuses when demo tables already hold data (exit 1) unless ``--force`` (clear, then load)
or ``--if-empty`` (do nothing when there are customers, exit 0). Progress shows as a rich bar.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.exc import OperationalError, ProgrammingError

from services.demo.loader import (
    DemoDataError,
    DemoSummary,
    demo_counts,
    ensure_demo_data,
    load_demo,
)
from storage import db as storage_db

_PHASES = {"reference": "参考数据 reference data", "customers": "客户与订单 customers & orders",
           "users": "演示账号 demo logins"}


def _parser() -> argparse.ArgumentParser:
    """Arguments of both sub-commands."""
    parser = argparse.ArgumentParser(prog="python -m services.demo", description="Shuying demo data set")
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="generate and load the demo brand")
    load.add_argument("--if-empty", action="store_true", help="only load into a database without customers")
    load.add_argument("--force", action="store_true", help="clear the demo tables first")
    load.add_argument("--customers", type=int, default=None, help="customers (default: settings)")
    load.add_argument("--seed", type=int, default=None, help="random seed (default: settings)")
    load.add_argument("--as-of", type=date.fromisoformat, default=None,
                      help="the data's today, YYYY-MM-DD (default: today in Asia/Shanghai)")
    load.add_argument("--db", default=None, help="database URL (default: settings)")
    summary = sub.add_parser("summary", help="row counts of the demo tables")
    summary.add_argument("--db", default=None, help="database URL (default: settings)")
    return parser


def _counts_table(counts: dict[str, int], title: str) -> Table:
    """Rows per table as a rich table."""
    table = Table(title=title)
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    table.add_row("[bold]total[/bold]", f"[bold]{sum(counts.values()):,}[/bold]")
    return table


def _load(args: argparse.Namespace, console: Console) -> DemoSummary:
    """Run the load with a progress bar per phase."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        tasks: dict[str, Any] = {}

        def progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(_PHASES.get(phase, phase), total=total)
            bar.update(tasks[phase], completed=done, total=total)

        options = dict(customers=args.customers, seed=args.seed, progress=progress, as_of=args.as_of)
        if args.if_empty and not args.force:
            return ensure_demo_data(**options)
        return load_demo(**options, clear=args.force)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = _parser().parse_args(argv)
    console = Console()
    if args.db:
        storage_db.use_database(args.db)
    try:
        if args.command == "summary":
            console.print(_counts_table(demo_counts(), "demo tables"))
            return 0
        summary = _load(args, console)
    except DemoDataError as exc:
        console.print(f"[red]demo data not loaded:[/red] {exc}")
        return 1
    except (OperationalError, ProgrammingError) as exc:
        console.print(f"[red]database not ready[/red] (did `python -m storage.migrate` run?): {exc.orig}")
        return 1
    if not summary.loaded:
        console.print(f"demo data: nothing loaded ({summary.note}); "
                      f"{summary.counts.get('customers', 0):,} customers present")
        return 0
    console.print(_counts_table(summary.counts, f"demo data loaded (seed {summary.seed}, as of {summary.as_of})"))
    rate = summary.rows / summary.seconds if summary.seconds else 0
    console.print(f"{summary.rows:,} rows in {summary.seconds:.1f} s ({rate:,.0f} rows/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
