"""Concurrent payments and refunds of one customer's orders end with exact aggregates.

Each thread has its own database connection (NullPool) and, released together by a barrier, pays or
refunds one order of the same customer. The customer's ``orders_count``, ``total_spent``,
``first_order_at`` and ``last_order_at`` must then be exactly those of the orders left paid: an
update computed in Python from a row read earlier would lose payments here, and a refund that
recomputed the first / last order time from a stale snapshot would drop a concurrent payment's time.

The real test is the PostgreSQL run (row locks, READ COMMITTED); CI sets SHUYING_TEST_POSTGRES_URL
and this module refuses to be collected in CI without it. On SQLite the same tests run too (writers
are serialised there, so they check the bookkeeping, not the races).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic_settings import BaseSettings

from services.commerce import Conflict, confirm_order, pay_order, refund_order
from storage.db import session_scope
from storage.models import Customer
from storage.settings import get_settings
from services.commerce.pricing import DELIVERY_FEE
from tests.fixtures.commerce_data import CATALOGUE, NOW, add_customers, seed_catalogue
from tests.fixtures.threads import run_together


class _Ci(BaseSettings):
    """Whether we run in CI (the ``CI`` variable every CI system sets)."""

    ci: bool = False


if _Ci().ci and not get_settings().test_postgres_url:
    pytest.fail("CI=true but SHUYING_TEST_POSTGRES_URL is not set: the customer aggregates concurrency "
                "test must run against PostgreSQL in CI", pytrace=False)

SKUS = ("TEE", "SOCKS", "MUG")


@dataclass(frozen=True)
class Placed:
    """A pending order of the customer."""

    order_no: str
    total: Decimal
    placed_at: datetime


def _orders(customer_id: int, n: int) -> list[Placed]:
    """``n`` pending orders of the customer, an hour apart, of different totals."""
    out = []
    for i in range(n):
        at = NOW + timedelta(hours=i)
        body = {"lines": [{"sku": SKUS[i % 3], "qty": 1 + i % 4}], "customer_id": customer_id}
        got = confirm_order(body, f"order-{customer_id}-{i}", now=at).response
        out.append(Placed(got["order_no"], Decimal(got["total"]), at))
    return out


def _run_together(jobs: list[Callable[[], Any]]) -> list[dict[str, Any]]:
    """Run every job in its own thread, released at once; each result is ``{"ok": ...}`` or the Conflict code."""
    results = [{"conflict": o.code} if isinstance(o, Conflict) else {"crash": repr(o)} if isinstance(o, Exception)
               else {"ok": o} for o in run_together(jobs)]
    assert [r for r in results if "crash" in r] == []
    return results


def _aggregates(customer_id: int) -> tuple[int, Decimal, datetime | None, datetime | None]:
    """(orders_count, total_spent, first_order_at, last_order_at) as stored."""
    with session_scope() as s:
        row = s.execute(sa.select(Customer.orders_count, Customer.total_spent, Customer.first_order_at,
                                  Customer.last_order_at).where(Customer.id == customer_id)).one()
    return row[0], row[1], row[2], row[3]


def _expected(orders: list[Placed]) -> tuple[int, Decimal, datetime, datetime]:
    """The aggregates of exactly these (paid) orders."""
    placed = [o.placed_at for o in orders]
    return len(orders), sum((o.total for o in orders), Decimal("0.00")), min(placed), max(placed)


def test_twenty_concurrent_payments_of_one_customer_are_all_counted(own_connections: None) -> None:
    seed_catalogue()
    [cid] = add_customers(1)
    orders = _orders(cid, 20)
    by_list_price = sum((Decimal(CATALOGUE[SKUS[i % 3]][1]) * (1 + i % 4) + DELIVERY_FEE for i in range(20)),
                        Decimal("0.00"))
    assert sum(o.total for o in orders) == by_list_price  # no promotion: list prices plus delivery
    results = _run_together([lambda no=o.order_no: pay_order(no).status for o in orders])
    assert [r["ok"] for r in results] == ["paid"] * 20
    count, spent, first, last = _aggregates(cid)
    assert (count, spent, first, last) == (20, by_list_price, NOW, NOW + timedelta(hours=19))
    assert isinstance(spent, Decimal)


def test_concurrent_payments_refunds_and_repeated_payments_end_with_the_paid_orders_aggregates(
        own_connections: None) -> None:
    seed_catalogue()
    [cid, other] = add_customers(2)
    orders = _orders(cid, 30)
    # paid before the race: the earliest, the latest and every third order; they are refunded during it
    refunded = [o for i, o in enumerate(orders) if i in (0, 29) or i % 3 == 1]
    pending = [o for o in orders if o not in refunded]
    for o in refunded:
        pay_order(o.order_no)
    theirs = confirm_order({"lines": [{"sku": "MUG", "qty": 1}], "customer_id": other}, "theirs", now=NOW)
    pay_order(theirs.order_no)
    jobs: list[Callable[[], Any]] = [lambda no=o.order_no: pay_order(no).status for o in pending]
    jobs += [lambda no=o.order_no: refund_order(no).status for o in refunded]
    jobs += [lambda no=o.order_no: pay_order(no).status for o in pending[:8]]  # paid twice at once
    results = _run_together(jobs)
    assert Counter(r.get("ok") or r["conflict"] for r in results) == {
        "paid": len(pending), "refunded": len(refunded), "invalid_transition": 8}
    assert _aggregates(cid) == _expected(pending)
    assert _aggregates(other) == (1, Decimal("60.00"), NOW, NOW)
