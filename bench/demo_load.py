"""Benchmark of the demo data load into a fresh SQLite file: prints one JSON line.

Figure: seconds for ``services.demo.load_demo`` (generation, PII protection and Core bulk inserts
in one transaction, plus the demo logins) with N customers, and rows per second.
Baseline, measured in the same run: the same generated rows written the naive way, one ORM object
per row through ``session.add()`` (PII through the model's setters and events), flushed per table
and committed per chunk, for a small number of customers; its customer part is scaled linearly to N and the fixed
reference part (catalogue, inventory, marketing) is added once.

Run: python bench/demo_load.py [--customers N] [--baseline-customers M] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.demo import load_demo  # noqa: E402
from services.demo.generate import DemoGenerator, Rows  # noqa: E402
from services.demo.loader import MODELS, TABLES  # noqa: E402
from storage import db as storage_db  # noqa: E402
from storage.settings import get_settings  # noqa: E402

AS_OF = date(2026, 11, 27)
_MODEL = {m.__tablename__: m for m in MODELS}


def _fresh(folder: Path, name: str) -> str:
    """A new SQLite file with every table; made the process database."""
    url = f"sqlite:///{folder / name}"
    storage_db.use_database(url)
    storage_db.create_all()
    return url


def _orm_write(rows: Rows) -> int:
    """Write rows one ORM object at a time (the naive way); returns rows written."""
    written = 0
    with storage_db.session_scope() as s:
        for name in TABLES:
            for row in rows.get(name, []):
                s.add(_MODEL[name](**row))
                written += 1
            s.flush()  # parents before children: the models declare no relationships to order by
    return written


def _orm_usage(updates: Rows) -> None:
    """Apply the usage figures through the ORM."""
    with storage_db.session_scope() as s:
        for name, rows in updates.items():
            for row in rows:
                obj: Any = s.get(_MODEL[name], row["id"])
                for key, value in row.items():
                    setattr(obj, key, value)


def baseline(folder: Path, customers: int, seed: int) -> dict[str, float]:
    """Seconds (reference part, customer part) and rows of the naive ORM load."""
    _fresh(folder, "baseline.db")
    gen = DemoGenerator(customers, seed, AS_OF, ZoneInfo(get_settings().timezone))
    started = time.perf_counter()
    reference_rows = _orm_write(gen.reference_rows())
    reference = time.perf_counter() - started
    rows = 0
    for _, chunk in gen.chunks():
        rows += _orm_write(chunk)
    _orm_usage(gen.usage_rows())
    return {"reference_seconds": reference, "customer_seconds": time.perf_counter() - started - reference,
            "reference_rows": reference_rows, "customer_rows": rows}


def main() -> None:
    """Measure the bulk load and the ORM baseline; print one JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--baseline-customers", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261111)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _fresh(folder, "bulk.db")
        started = time.perf_counter()
        summary = load_demo(customers=args.customers, seed=args.seed, as_of=AS_OF)
        seconds = time.perf_counter() - started
        base = baseline(folder, args.baseline_customers, args.seed)
        storage_db.reset()
    scale = args.customers / args.baseline_customers
    scaled = base["reference_seconds"] + base["customer_seconds"] * scale
    scaled_rows = base["reference_rows"] + base["customer_rows"] * scale
    print(json.dumps({
        "bench": "demo_load", "database": "sqlite (fresh file)", "customers": args.customers,
        "seconds": round(seconds, 2), "rows": summary.rows,
        "rows_per_second": round(summary.rows / seconds),
        "baseline": {
            "method": "ORM session.add() per row, flush per table, commit per chunk",
            "customers_measured": args.baseline_customers,
            "seconds_measured": round(base["reference_seconds"] + base["customer_seconds"], 2),
            "seconds_scaled_to_customers": round(scaled, 2),
            "rows_per_second": round(scaled_rows / scaled),
        },
        "speedup": round(scaled / seconds, 1),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
