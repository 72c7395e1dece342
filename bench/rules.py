"""Benchmark of the JSON-Logic rule engine: prints one JSON line.

Ten realistic marketing rules (cart threshold + channel + tier, new customer's first order, tags,
a date window, nested and/or with in/some, lapsed buyers, birthday month, basket value by reduce,
a coupon, a tier ladder) against deterministic customer/cart documents.  Measures, in the same
run, evaluations per second of the compiled engine (``engine.rules.compile_rule``) and of the
reference interpreter json-logic-qubit on the same rules and data, their ratio (goal: ≥ 20×), and
checks both give the same answers.  Also reports the compiled engine on the same documents with
money as ``Decimal`` (how the promotion engine calls it).

SQL push-down (``sql_pushdown``): an audience segment over 20,000 demo customers in SQLite
(``var/bench/rules_sql_<N>_<seed>.db``, built once with ``services.demo.load_demo`` and reused),
selected by ``services.segments.audience`` through the SQL translation vs evaluated in Python over
every customer's facts (batch-loaded, then the compiled rule) — count, errors and first page must
agree; best of interleaved rounds, and the ratio.  The customer-only rules of the list above are
timed the same way.

Run: python bench/rules.py [--docs N] [--seconds S] [--seed S] [--sql-customers N]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from json_logic import jsonLogic  # noqa: E402

from engine.rules import compile_rule  # noqa: E402

GOAL_RATIO = 20
ROOT = Path(__file__).resolve().parent.parent
SQL_CUSTOMERS = 20_000
SQL_SEED = 7
SQL_AS_OF = date(2026, 11, 27)
SQL_ROUNDS = 5
#: lapsed good customers: 3+ orders, none in the last 60 Shanghai days, ¥500+ spent, and a coffee
#: lover or gold and above — tags EXISTS, a days_since range, exact money, an IN list
SEGMENT: dict[str, Any] = {"and": [
    {">=": [{"var": "customer.orders_count"}, 3]},
    {">": [{"days_since": {"var": "customer.last_order_at"}}, 60]},
    {">=": [{"var": "customer.total_spent"}, "500.00"]},
    {"or": [{"has_tag": ["咖啡爱好者", "茶饮爱好者"]},
            {"in": [{"var": "customer.tier"}, ["gold", "platinum", "diamond"]]}]},
]}
TIERS = ["member", "silver", "gold", "platinum", "diamond"]
CHANNELS = ["store", "online", "tmall", "miniprogram", "douyin"]
CITIES = ["上海", "杭州", "北京", "深圳", "成都", "南京"]
TAGS = ["coffee_lover", "tea_lover", "vip", "student", "night_owl", "churn_risk", "kol"]
CATEGORIES = ["饮品", "咖啡", "甜点", "周边", "礼盒"]

RULES: list[dict[str, Any]] = [
    {"and": [{">=": [{"var": "cart.subtotal"}, 299]}, {"==": [{"var": "cart.channel"}, "miniprogram"]},
             {"in": [{"var": "customer.tier"}, ["gold", "platinum", "diamond"]]}]},
    {"and": [{"==": [{"var": "customer.orders_count"}, 0]}, {"!": {"var": "customer.first_order_at"}},
             {">=": [{"var": "cart.subtotal"}, 39]}]},
    {"or": [{"in": ["coffee_lover", {"var": "customer.tags"}]}, {"in": ["vip", {"var": "customer.tags"}]}]},
    {"and": [{">=": [{"var": "context.now"}, "2026-11-01T00:00:00+08:00"]},
             {"<": [{"var": "context.now"}, "2026-11-12T00:00:00+08:00"]}]},
    {"or": [{"and": [{"some": [{"var": "cart.lines"}, {"in": [{"var": "category"}, ["饮品", "咖啡"]]}]},
                     {">=": [{"var": "cart.item_count"}, 2]}]},
            {"and": [{"in": [{"var": "customer.city"}, ["上海", "杭州"]]}, {"!": {"var": "customer.is_new"}}]}]},
    {"and": [{">=": [{"var": "customer.orders_count"}, 3]}, {"<": [{"var": "customer.last_order_at"}, "2026-08-01"]}]},
    {"==": [{"substr": [{"var": "customer.birth_date"}, 5, 2]}, "11"]},
    {">=": [{"reduce": [{"var": "cart.lines"},
                        {"+": [{"var": "accumulator"}, {"*": [{"var": "current.price"}, {"var": "current.qty"}]}]},
                        0]}, 200]},
    {"and": [{"in": ["DOUBLE11", {"var": "cart.coupon_codes"}]},
             {"in": [{"var": "cart.channel"}, ["tmall", "miniprogram", "online"]]}]},
    {"if": [{"==": [{"var": "customer.tier"}, "diamond"]}, 30,
            {"in": [{"var": "customer.tier"}, ["gold", "platinum"]]}, 20,
            {">": [{"var": "customer.points_balance"}, 1000]}, 15, 10]},
]


def _line(r: random.Random) -> dict[str, Any]:
    """One cart line with a price ending like real tags."""
    return {"sku": f"SKU{r.randint(1, 400):04d}", "category": r.choice(CATEGORIES),
            "price": float(f"{r.randint(9, 199)}.{r.choice(['00', '90', '50'])}"), "qty": r.randint(1, 3)}


def _document(r: random.Random) -> dict[str, Any]:
    """A customer + cart + context document, as plain JSON values."""
    lines = [_line(r) for _ in range(r.randint(1, 8))]
    orders = r.choice([0, 0, 1, 2, 3, 5, 12])
    return {
        "customer": {
            "id": f"C{r.randint(1, 10**6):07d}", "is_new": orders == 0, "tier": r.choice(TIERS),
            "tags": r.sample(TAGS, r.randint(0, 3)), "city": r.choice(CITIES), "orders_count": orders,
            "points_balance": r.randint(0, 3000), "birth_date": f"19{r.randint(70, 99)}-{r.randint(1, 12):02d}-15",
            "first_order_at": None if orders == 0 else "2025-03-01T10:00:00+08:00",
            "last_order_at": None if orders == 0 else f"2026-{r.randint(1, 11):02d}-0{r.randint(1, 9)}",
        },
        "cart": {
            "lines": lines, "subtotal": round(sum(ln["price"] * ln["qty"] for ln in lines), 2),
            "item_count": sum(ln["qty"] for ln in lines), "channel": r.choice(CHANNELS),
            "coupon_codes": r.choice([[], [], ["DOUBLE11"], ["WELCOME"]]),
        },
        "context": {"now": f"2026-11-{r.randint(8, 14):02d}T{r.randint(10, 23)}:00:00+08:00"},
    }


def _with_decimal_money(doc: dict[str, Any]) -> dict[str, Any]:
    """The same document with prices and subtotal as Decimal (as the promotion engine passes them)."""
    cart = doc["cart"]
    lines = [{**ln, "price": Decimal(str(ln["price"]))} for ln in cart["lines"]]
    return {**doc, "cart": {**cart, "lines": lines, "subtotal": Decimal(str(cart["subtotal"]))}}


def _rates(runs: dict[str, Callable[[], int]], seconds: float, rounds: int = 15) -> dict[str, float]:
    """Evaluations per second of each run, interleaved over ``rounds`` (best round kept: least noise).

    Each run does one pass over every rule and document and returns how many evaluations it did.
    """
    best = {name: 0.0 for name in runs}
    for _ in range(rounds):
        for name, run_once in runs.items():
            done, start = 0, time.perf_counter()
            while (elapsed := time.perf_counter() - start) < seconds / rounds:
                done += run_once()
            best[name] = max(best[name], done / elapsed)
    return best


def _same(a: Any, b: Any) -> bool:
    """Answers agree (numbers by value, booleans strictly)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float, Decimal)) and isinstance(b, (int, float, Decimal)):
        return Decimal(str(a)) == Decimal(str(b))
    return bool(a == b)


def _demo_database(customers: int, seed: int) -> tuple[str, bool]:
    """URL of a SQLite file holding the demo data set (reused if complete); whether it was reused."""
    from services.demo import demo_counts, load_demo
    from storage import db as storage_db

    path = ROOT / "var" / "bench" / f"rules_sql_{customers}_{seed}.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{path}"
    if path.exists():
        storage_db.use_database(url)
        try:
            if demo_counts().get("customers") == customers:
                return url, True
        except Exception:  # noqa: BLE001 - an unreadable or half-written file is rebuilt
            pass
        storage_db.reset()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    storage_db.use_database(url)
    storage_db.create_all()
    load_demo(customers=customers, seed=seed, as_of=SQL_AS_OF)
    return url, False


def _time_audience(rule: dict[str, Any], now: datetime, rounds: int) -> dict[str, Any]:
    """Best seconds of the audience by SQL and by Python (interleaved rounds), and whether they agree."""
    from services.segments import audience

    best = {True: float("inf"), False: float("inf")}
    answers: dict[bool, Any] = {}
    for _ in range(rounds):
        for pushdown in (True, False):
            started = time.perf_counter()
            result = audience(rule, limit=20, now=now, pushdown=pushdown)
            best[pushdown] = min(best[pushdown], time.perf_counter() - started)
            answers[pushdown] = result
    sql, python = answers[True], answers[False]
    return {"pushed": sql.pushed_down, "fallback": sql.fallback, "count": sql.count, "errors": sql.errors,
            "sql_s": round(best[True], 4), "python_s": round(best[False], 4),
            "ratio": round(best[False] / best[True], 1),
            "same_answers": (sql.count, sql.errors, sql.customers) == (python.count, python.errors,
                                                                       python.customers)}


def _customer_only(rule: Any) -> bool:
    """The rule reads customer fields and nothing else (no cart, event or context)."""
    text = json.dumps(rule)
    return '"customer.' in text and all(f'"{ns}.' not in text for ns in ("cart", "context", "order", "event"))


def sql_pushdown_bench(rules: list[dict[str, Any]], docs: list[dict[str, Any]],
                       customers: int = SQL_CUSTOMERS) -> dict[str, Any] | None:
    """SQL push-down vs Python evaluation of audience segments over ``customers`` demo profiles."""
    started = time.perf_counter()
    url, reused = _demo_database(customers, SQL_SEED)
    setup = time.perf_counter() - started
    now = datetime.fromisoformat(f"{SQL_AS_OF.isoformat()}T20:00:00+08:00")
    figure = _time_audience(SEGMENT, now, SQL_ROUNDS)
    listed = {str(i): _time_audience(rule, now, 3) for i, rule in enumerate(rules) if _customer_only(rule)}
    return {"customers": customers, "database": "sqlite", "db_file": str(Path(url[10:]).relative_to(ROOT)),
            "db_reused": reused, "setup_s": round(setup, 2), "now": now.isoformat(), **figure,
            "rules_from_list": {k: {f: v[f] for f in ("pushed", "count", "sql_s", "python_s", "ratio",
                                                      "same_answers")} for k, v in listed.items()}}


def main() -> None:
    """Measure both engines on the same rules and documents and print one JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=3.0, help="measuring time per engine")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--sql-customers", type=int, default=SQL_CUSTOMERS,
                        help="demo customers for the SQL push-down figure (0: skip it)")
    args = parser.parse_args()
    r = random.Random(args.seed)
    docs = [_document(r) for _ in range(args.docs)]
    decimal_docs = [_with_decimal_money(d) for d in docs]
    compiled = [compile_rule(rule) for rule in RULES]
    pairs = len(RULES) * len(docs)

    def ours(documents: list[dict[str, Any]]) -> int:
        for rule in compiled:
            for doc in documents:
                rule(doc)
        return pairs

    def reference() -> int:
        for rule in RULES:
            for doc in docs:
                jsonLogic(rule, doc)
        return pairs

    mismatches = sum(not _same(c(d), jsonLogic(rule, d)) for rule, c in zip(RULES, compiled) for d in docs)
    rates = _rates({"engine": lambda: ours(docs), "qubit": reference, "decimal": lambda: ours(decimal_docs)},
                   args.seconds)
    engine, qubit, decimal = rates["engine"], rates["qubit"], rates["decimal"]
    print(json.dumps({
        "bench": "rules", "rules": len(RULES), "docs": len(docs),
        "engine_evals_per_s": round(engine), "qubit_evals_per_s": round(qubit),
        "ratio": round(engine / qubit, 1), "goal_ratio": GOAL_RATIO, "meets_goal": engine / qubit >= GOAL_RATIO,
        "engine_decimal_money_evals_per_s": round(decimal), "mismatches": mismatches,
        "sql_pushdown": sql_pushdown_bench(RULES, docs, args.sql_customers) if args.sql_customers else None,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
