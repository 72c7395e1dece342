"""A quote never uses stale promotions, budgets or uses (SQLite and PostgreSQL).

``quote_cart`` keeps only the parse of stored definitions between calls (per distinct stored text,
``services.commerce.pricing._parsed``); everything else is read on every quote. These tests change
what a quote sees every way there is — through the services, in SQL on another connection, from
another OS process, by placing and cancelling orders — and quote right after each change.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from services.commerce import (
    cancel_order,
    confirm_order,
    end_promotion,
    pause_promotion,
    quote_cart,
    restore_promotion_version,
    resume_promotion,
    schedule_promotion,
    update_promotion,
)
from services.commerce.promotions import engine_definition
from storage import db as storage_db
from storage.models import CouponTemplate, Promotion, PromotionVersion
from tests.fixtures.commerce_data import (
    NOW,
    add_coupon_template,
    add_customers,
    add_promotion,
    gift,
    percent,
    seed_catalogue,
    threshold,
)

D = Decimal
ROOT = Path(__file__).resolve().parents[3]
TEE = {"lines": [{"sku": "TEE", "qty": 1}]}  # 100.00
P = Promotion.__table__
V = PromotionVersion.__table__

Sql = Callable[..., None]


@pytest.fixture
def shop(db: Engine) -> dict[str, int]:
    """The catalogue with stock."""
    return seed_catalogue()


@pytest.fixture
def elsewhere(db_url: str) -> Iterator[Sql]:
    """Runs a statement on an engine and connection of its own, committed at once — what another
    process writing the database directly does (no service, no repository)."""
    engine = storage_db.create_engine_for(db_url, poolclass=sa.pool.NullPool)

    def run(statement: Any, **params: Any) -> None:
        with engine.begin() as conn:
            conn.execute(sa.text(statement) if isinstance(statement, str) else statement, params)

    yield run
    engine.dispose()


def _off(customer_id: int | None = None, cart: dict[str, Any] = TEE) -> Decimal:
    return quote_cart(cart, customer_id, now=NOW).quote.discount


def _withheld(customer_id: int | None = None, cart: dict[str, Any] = TEE) -> dict[str, str]:
    return {w.promotion_id: w.reason for w in quote_cart(cart, customer_id, now=NOW).withheld}


def _definition(code: str, body: dict[str, Any]) -> dict[str, Any]:
    """The stored form of an engine definition (as the service saves it)."""
    doc, model, problems = engine_definition(code, code, body)
    assert model is not None and not problems
    return doc


def test_every_change_made_through_the_services_is_seen_by_the_next_quote(shop: dict[str, int]) -> None:
    add_promotion("P", percent(10), schedule=False)
    assert _off() == D("0.00")  # a draft
    schedule_promotion("P", now=NOW)
    assert _off() == D("10.00")
    update_promotion("P", {"definition": percent(20)}, now=NOW)
    assert _off() == D("20.00")
    pause_promotion("P", now=NOW)
    assert _off() == D("0.00")
    resume_promotion("P", now=NOW)
    assert _off() == D("20.00")
    restore_promotion_version("P", 1, now=NOW)
    assert _off() == D("10.00")
    update_promotion("P", {"budget_uses": 0}, now=NOW)
    assert _off() == D("0.00") and _withheld() == {"P": "budget_exhausted"}
    update_promotion("P", {"budget_uses": None}, now=NOW)
    assert _off() == D("10.00")
    update_promotion("P", {"definition": {**percent(10), "ends_at": (NOW - timedelta(minutes=1)).isoformat()}},
                     now=NOW)
    assert _off() == D("0.00")  # its window closed
    update_promotion("P", {"definition": percent(30)}, now=NOW)
    assert _off() == D("30.00")
    end_promotion("P", now=NOW)
    assert _off() == D("0.00")


def test_sql_written_by_another_connection_is_seen_by_the_next_quote(shop: dict[str, int], elsewhere: Sql) -> None:
    add_promotion("P", percent(10), budget_uses=5)
    assert _off() == D("10.00")
    elsewhere("UPDATE promotions SET status = 'paused' WHERE code = 'P'")
    assert _off() == D("0.00")
    elsewhere("UPDATE promotions SET status = 'scheduled' WHERE code = 'P'")
    assert _off() == D("10.00")
    # an edit: a new version, made current
    pid = sa.select(P.c.id).where(P.c.code == "P").scalar_subquery()
    elsewhere(sa.insert(V).values(promotion_id=pid, version=2, definition=_definition("P", percent(20))))
    elsewhere("UPDATE promotions SET current_version = 2 WHERE code = 'P'")
    assert _off() == D("20.00")
    # a restore by moving the pointer back
    elsewhere("UPDATE promotions SET current_version = 1 WHERE code = 'P'")
    assert _off() == D("10.00")
    # even a stored version rewritten in place (nothing in Shuying does that)
    elsewhere(sa.update(V).where(V.c.promotion_id == pid, V.c.version == 1)
              .values(definition=_definition("P", percent(30))))
    assert _off() == D("30.00")
    elsewhere(sa.update(P).where(P.c.code == "P").values(ends_at=NOW - timedelta(seconds=1)))
    assert _off() == D("0.00")
    elsewhere(sa.update(P).where(P.c.code == "P").values(ends_at=None, starts_at=NOW + timedelta(hours=1)))
    assert _off() == D("0.00")
    elsewhere(sa.update(P).where(P.c.code == "P").values(starts_at=None))
    assert _off() == D("30.00")
    elsewhere("UPDATE promotions SET used_uses = 5 WHERE code = 'P'")
    assert _withheld() == {"P": "budget_exhausted"}
    elsewhere("UPDATE promotions SET budget_uses = NULL WHERE code = 'P'")
    assert _off() == D("30.00")
    # a coupon template now unlocks it: it applies only through a claimed coupon
    elsewhere(sa.insert(CouponTemplate.__table__).values(code="T", name="T", promotion_id=pid, kind="x", claimed=0))
    assert _off() == D("0.00")
    elsewhere("DELETE FROM coupon_templates WHERE code = 'T'")
    assert _off() == D("30.00")
    elsewhere("UPDATE promotions SET status = 'ended' WHERE code = 'P'")
    assert _off() == D("0.00")


def test_a_promotion_paused_by_another_process_is_seen_by_the_next_quote(db_url: str, shop: dict[str, int]) -> None:
    add_promotion("P", percent(10))
    assert _off() == D("10.00")
    script = ("import sys; from storage import db; db.use_database(sys.argv[1]); "
              "from services.commerce import pause_promotion, update_promotion; "
              "update_promotion('P', {'definition': {'type': 'percent_off', 'params': {'percent': 25}}}); "
              "pause_promotion('P')")
    subprocess.run([sys.executable, "-c", script, db_url], cwd=ROOT, env=os.environ, check=True, timeout=120)
    assert _off() == D("0.00")
    resume_promotion("P", now=NOW)
    assert _off() == D("25.00")


def test_budgets_and_uses_taken_or_given_back_by_orders_are_seen_by_the_next_quote(shop: dict[str, int]) -> None:
    add_promotion("uses", percent(10, scope={"skus": ["TEE"]}), budget_uses=1)
    add_promotion("amount", threshold(40, 20, scope={"skus": ["MUG"]}), budget_amount="30")
    add_promotion("once", percent(10, scope={"skus": ["SOCKS"]}), per_customer_limit=1)
    a, b = add_customers(2)
    cart = {"lines": [{"sku": "TEE", "qty": 1}, {"sku": "MUG", "qty": 1}, {"sku": "SOCKS", "qty": 1}]}
    assert sorted(quote_cart(cart, a, now=NOW).quote.combination) == ["amount", "once", "uses"]
    placed = confirm_order({**cart, "customer_id": a}, "k1", now=NOW)
    # uses: its one use is gone; amount: 20 of 30 used, another 20 would overrun; once: a used it
    assert _withheld(a, cart) == {"uses": "budget_exhausted", "amount": "budget_exhausted",
                                  "once": "per_customer_limit"}
    assert _withheld(b, cart) == {"uses": "budget_exhausted", "amount": "budget_exhausted"}
    cancel_order(placed.order_no)
    assert _withheld(a, cart) == {}
    assert sorted(quote_cart(cart, a, now=NOW).quote.combination) == ["amount", "once", "uses"]


def _statements(engine: Engine, fn: Callable[[], Any]) -> int:
    """How many statements ``fn`` sends to the database."""
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_a_quote_reads_each_kind_of_fact_in_one_statement(db: Engine, shop: dict[str, int]) -> None:
    add_promotion("P10", percent(10))
    add_promotion("G", gift("MUG", at=50))
    add_promotion("C20", threshold(100, 20))
    add_coupon_template("T20", "C20")
    [cid] = add_customers(1, tags=("a", "b"))
    # products, channel + customer + tags, running promotions (+ templates, uses), gift stock
    assert _statements(db, lambda: quote_cart(TEE, cid, now=NOW)) == 4
    # ... and the presented coupons with their promotions
    assert _statements(db, lambda: quote_cart(TEE, cid, ["NOPE"], now=NOW)) == 5
    update_promotion("G", {"definition": percent(5)}, now=NOW)
    assert _statements(db, lambda: quote_cart(TEE, None, now=NOW)) == 3
