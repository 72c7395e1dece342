"""50 checkouts at once never take more than a budget, a limit, a stock or a coupon allows.

Each of 50 threads has its own database connection (NullPool) and, released together by a barrier,
claims a coupon and confirms an order for one T-shirt. The caps: promotion ``p10`` 20 uses and one
per customer, promotion ``mj5`` ¥50 of budget (¥5 per order), 15 gifts, a coupon template of 10
(one per customer), 30 T-shirts in stock. Threads 40-49 shop for the same customers as threads 0-9.

The real test is the PostgreSQL run (row locks, READ COMMITTED, conditional UPDATEs racing); CI sets
SHUYING_TEST_POSTGRES_URL, and this module refuses to be collected in CI without it. On SQLite the
same test runs too (writers are serialised there, so it checks the bookkeeping, not the races).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic_settings import BaseSettings
from sqlalchemy.engine import Engine

from services.commerce import Conflict, claim_coupon, confirm_order
from storage.db import session_scope
from storage.repositories import inventory
from storage.settings import get_settings
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
from tests.fixtures.threads import run_together

THREADS = 50
CUSTOMERS = 40
TEE_STOCK = 30


class _Ci(BaseSettings):
    """Whether we run in CI (the ``CI`` variable every CI system sets)."""

    ci: bool = False


if _Ci().ci and not get_settings().test_postgres_url:
    pytest.fail("CI=true but SHUYING_TEST_POSTGRES_URL is not set: the checkout concurrency test "
                "must run against PostgreSQL in CI", pytrace=False)


@pytest.fixture
def arena(db: Engine) -> list[int]:
    """The shop with its caps; returns the customer ids."""
    seed_catalogue(stock={"TEE": TEE_STOCK})
    add_promotion("p10", percent(10, scope={"skus": ["TEE"]}), budget_uses=20, per_customer_limit=1)
    add_promotion("mj5", threshold(50, 5), budget_amount="50")
    add_promotion("mug", gift("GIFT-MUG"))
    add_promotion("c3", threshold(50, 3))
    add_coupon_template("T3", "c3", stock=10, per_customer_limit=1)
    with session_scope() as s:
        inventory.set_gift_stock(s, "GIFT-MUG", 15)
    return add_customers(CUSTOMERS)


def _run_together(work: Callable[[int], dict[str, Any]]) -> list[dict[str, Any]]:
    """Run ``work(i)`` in THREADS threads released at once; returns their results in order."""
    results = run_together([lambda i=i: work(i) for i in range(THREADS)])
    assert [repr(r) for r in results if isinstance(r, Exception)] == []
    return results


def _shop(customers: list[int]) -> Callable[[int], dict[str, Any]]:
    """One shopper: claim a coupon (maybe refused), then order one T-shirt with it if they got one."""

    def work(i: int) -> dict[str, Any]:
        cid = customers[i % CUSTOMERS]
        out: dict[str, Any] = {"customer": cid}
        try:
            out["coupon"] = claim_coupon("T3", cid, now=NOW).code
        except Conflict as exc:
            out["claim_refused"] = exc.code
        body = {"lines": [{"sku": "TEE", "qty": 1}], "customer_id": cid,
                "coupon_codes": [out["coupon"]] if "coupon" in out else []}
        try:
            out["order"] = confirm_order(body, f"order-{i}", now=NOW).response
        except Conflict as exc:
            out["order_refused"] = exc.code
        return out

    return work


def _rows(sql: str) -> list[Any]:
    with session_scope() as s:
        return list(s.execute(sa.text(sql)).all())


def test_fifty_concurrent_checkouts_never_exceed_any_cap_and_consumption_matches_the_orders(
        arena: list[int], own_connections: None) -> None:
    results = _run_together(_shop(arena))
    orders = [r["order"] for r in results if "order" in r]

    # exact caps
    assert len(orders) == TEE_STOCK
    assert Counter(r["order_refused"] for r in results if "order_refused" in r) == {"out_of_stock": 20}
    assert sum(1 for r in results if "coupon" in r) == 10
    promos = {code: (uses, amount) for code, uses, amount in _rows(
        "SELECT code, used_uses, used_amount FROM promotions")}
    assert promos["p10"][0] == 20
    assert promos["mj5"] == (10, Decimal("50.00"))
    assert _rows("SELECT on_hand, reserved FROM inventory i JOIN products p ON p.id = i.product_id"
                 " WHERE p.sku = 'TEE'") == [(TEE_STOCK, TEE_STOCK)]
    assert _rows("SELECT quantity, given FROM gift_stock") == [(15, 15)]
    assert _rows("SELECT stock, claimed FROM coupon_templates") == [(10, 10)]
    assert max(u for (u,) in _rows("SELECT uses FROM promotion_customer_uses pcu JOIN promotions p"
                                   " ON p.id = pcu.promotion_id WHERE p.code = 'p10'")) == 1

    # what was consumed is exactly what the orders record
    recorded = {code: (n, total) for code, n, total in _rows(
        "SELECT p.code, COUNT(*), SUM(op.amount) FROM order_promotions op JOIN promotions p"
        " ON p.id = op.promotion_id GROUP BY p.code")}
    for code, (uses, amount) in promos.items():
        assert recorded.get(code, (0, Decimal("0.00")))[0] == uses, code
        assert Decimal(recorded.get(code, (0, Decimal("0")))[1]) == amount, code
    assert _rows("SELECT promotion_id, customer_id, uses FROM promotion_customer_uses WHERE uses > 0"
                 " ORDER BY 1, 2") == _rows(
        "SELECT promotion_id, customer_id, COUNT(*) FROM order_promotions GROUP BY promotion_id, customer_id"
        " ORDER BY 1, 2")
    assert _rows("SELECT SUM(qty) FROM order_lines") == [(TEE_STOCK,)]
    assert _rows("SELECT SUM(gift_qty) FROM order_promotions") == [(15,)]
    redeemed = _rows("SELECT c.customer_id, o.customer_id FROM coupons c JOIN orders o ON o.id = c.order_id"
                     " WHERE c.status = 'redeemed'")
    assert len(redeemed) == _rows("SELECT COUNT(*) FROM order_promotions WHERE coupon_id IS NOT NULL")[0][0]
    assert all(owner == buyer for owner, buyer in redeemed)
    assert sum(1 for o in orders if any(p["coupon_code"] for p in o["promotions"])) == len(redeemed)

    # and every response says what the database says
    by_no = {no: (total, discount) for no, total, discount in _rows(
        "SELECT order_no, total, discount FROM orders")}
    assert {o["order_no"]: (Decimal(o["total"]), Decimal(o["discount"])) for o in orders} == by_no


def test_fifty_concurrent_retries_with_one_idempotency_key_place_one_order(
        arena: list[int], own_connections: None) -> None:
    body = {"lines": [{"sku": "TEE", "qty": 2}], "customer_id": arena[0]}
    results = _run_together(lambda i: {"response": confirm_order(body, "one-key", now=NOW).response})
    assert len({r["response"]["order_no"] for r in results}) == 1
    assert _rows("SELECT COUNT(*) FROM orders") == [(1,)]
    assert _rows("SELECT COUNT(*) FROM idempotency_keys") == [(1,)]
    assert _rows("SELECT used_uses FROM promotions WHERE code = 'p10'") == [(1,)]
    assert _rows("SELECT reserved FROM inventory i JOIN products p ON p.id = i.product_id"
                 " WHERE p.sku = 'TEE'") == [(2,)]
