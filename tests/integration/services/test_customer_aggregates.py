"""Paying, refunding and cancelling orders keep the customer's aggregates (orders_count, total_spent,
first_order_at, last_order_at) and ``customer.is_new`` right, the same for checkout, rules and
segments; the demo data's aggregates and checkout's agree (SQLite and PostgreSQL).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from services import rules, segments
from services.commerce import Conflict, cancel_order, confirm_order, pay_order, quote_cart, refund_order
from services.demo import load_demo
from storage.db import session_scope
from storage.models import Customer, Inventory, Order, Product
from storage.repositories import orders as order_repo
from tests.fixtures.commerce_data import (
    NOW,
    WAREHOUSE,
    add_customers,
    add_promotion,
    counters,
    percent,
    seed_catalogue,
)

D = Decimal
IS_NEW = {"==": [{"var": "customer.is_new"}, True]}


@pytest.fixture
def shop(db: Engine) -> dict[str, int]:
    """The catalogue with stock; product ids by SKU."""
    return seed_catalogue()


def _place(customer_id: int | None, sku: str, qty: int, key: str, at: datetime = NOW) -> dict[str, Any]:
    """Confirm an order (pending) placed at ``at``."""
    return confirm_order({"lines": [{"sku": sku, "qty": qty}], "customer_id": customer_id}, key, now=at).response


def _aggregates(customer_id: int) -> tuple[int, Decimal, datetime | None, datetime | None]:
    """(orders_count, total_spent, first_order_at, last_order_at) as stored."""
    with session_scope() as s:
        row = s.execute(sa.select(Customer.orders_count, Customer.total_spent, Customer.first_order_at,
                                  Customer.last_order_at).where(Customer.id == customer_id)).one()
    return row[0], row[1], row[2], row[3]


def test_paying_counts_the_order_in_the_customers_aggregates(shop: dict[str, int]) -> None:
    [cid] = add_customers(1)
    assert _aggregates(cid) == (0, D("0.00"), None, None)
    first = _place(cid, "TEE", 2, "k1", NOW)  # 200 + 10 delivery
    assert _aggregates(cid) == (0, D("0.00"), None, None)  # confirmed is not paid
    pay_order(first["order_no"])
    count, spent, first_at, last_at = _aggregates(cid)
    assert (count, spent, first_at, last_at) == (1, D("210.00"), NOW, NOW)
    assert isinstance(spent, Decimal)
    later = _place(cid, "SOCKS", 1, "k2", NOW + timedelta(hours=3))  # 30 + 10
    earlier = _place(cid, "MUG", 1, "k3", NOW - timedelta(days=2))  # placed earlier, paid last: 50 + 10
    pay_order(later["order_no"])
    assert _aggregates(cid) == (2, D("250.00"), NOW, NOW + timedelta(hours=3))
    pay_order(earlier["order_no"])
    assert _aggregates(cid) == (3, D("310.00"), NOW - timedelta(days=2), NOW + timedelta(hours=3))


def test_refunding_takes_the_order_out_of_the_aggregates_again(shop: dict[str, int]) -> None:
    [cid, other] = add_customers(2)
    a = _place(cid, "TEE", 1, "a", NOW - timedelta(days=1))  # 110
    b = _place(cid, "MUG", 1, "b", NOW)  # 60
    c = _place(cid, "SOCKS", 3, "c", NOW + timedelta(days=1))  # 100
    for order in (a, b, c):
        pay_order(order["order_no"])
    pay_order(_place(other, "TEE", 1, "o")["order_no"])
    assert _aggregates(cid) == (3, D("270.00"), NOW - timedelta(days=1), NOW + timedelta(days=1))
    assert refund_order(c["order_no"]).status == "refunded"  # the latest: last_order_at moves back
    assert _aggregates(cid) == (2, D("170.00"), NOW - timedelta(days=1), NOW)
    refund_order(a["order_no"])  # the earliest: first_order_at moves on
    assert _aggregates(cid) == (1, D("60.00"), NOW, NOW)
    refund_order(b["order_no"])
    assert _aggregates(cid) == (0, D("0.00"), None, None)
    assert _aggregates(other) == (1, D("110.00"), NOW, NOW)  # nobody else's aggregates move


def test_a_refund_in_the_middle_leaves_first_and_last_order_times(shop: dict[str, int]) -> None:
    [cid] = add_customers(1)
    placed = [_place(cid, "MUG", 1, f"k{i}", NOW + timedelta(hours=i)) for i in range(3)]
    for order in placed:
        pay_order(order["order_no"])
    refund_order(placed[1]["order_no"])
    assert _aggregates(cid) == (2, D("120.00"), NOW, NOW + timedelta(hours=2))


def test_cancelling_a_pending_order_leaves_the_aggregates_alone(shop: dict[str, int]) -> None:
    [cid] = add_customers(1)
    pay_order(_place(cid, "TEE", 1, "paid")["order_no"])
    before = _aggregates(cid)
    pending = _place(cid, "MUG", 1, "pending", NOW + timedelta(days=1))
    assert cancel_order(pending["order_no"]).status == "cancelled"
    assert _aggregates(cid) == before == (1, D("110.00"), NOW, NOW)


def test_paying_cancelling_or_refunding_twice_changes_nothing_the_second_time(shop: dict[str, int]) -> None:
    [cid] = add_customers(1)
    order_no = _place(cid, "TEE", 1, "k")["order_no"]
    pay_order(order_no)
    snapshot = (_aggregates(cid), counters())
    with pytest.raises(Conflict) as caught:
        pay_order(order_no)
    assert (caught.value.code, caught.value.detail["status"]) == ("invalid_transition", "paid")
    with pytest.raises(Conflict):
        cancel_order(order_no)  # a paid order is refunded, not cancelled
    assert (_aggregates(cid), counters()) == snapshot == ((1, D("110.00"), NOW, NOW), snapshot[1])
    refund_order(order_no)
    snapshot = (_aggregates(cid), counters())
    for again in (refund_order, pay_order, cancel_order):
        with pytest.raises(Conflict) as caught:
            again(order_no)
        assert caught.value.detail["status"] == "refunded"
    assert (_aggregates(cid), counters()) == snapshot == ((0, D("0.00"), None, None), snapshot[1])
    cancelled = _place(cid, "MUG", 1, "c")["order_no"]
    cancel_order(cancelled)
    snapshot = (_aggregates(cid), counters())
    for again in (cancel_order, pay_order, refund_order):
        with pytest.raises(Conflict):
            again(cancelled)
    assert (_aggregates(cid), counters()) == snapshot


def test_a_pending_order_cannot_be_refunded(shop: dict[str, int]) -> None:
    [cid] = add_customers(1)
    order_no = _place(cid, "TEE", 1, "k")["order_no"]
    with pytest.raises(Conflict) as caught:
        refund_order(order_no)
    assert caught.value.detail["status"] == "pending"
    assert _aggregates(cid) == (0, D("0.00"), None, None)


def test_anonymous_orders_touch_no_customer(shop: dict[str, int]) -> None:
    [cid] = add_customers(1)
    order_no = _place(None, "TEE", 1, "anon")["order_no"]
    assert pay_order(order_no).status == "paid"
    assert refund_order(order_no).status == "refunded"
    assert _aggregates(cid) == (0, D("0.00"), None, None)


def _is_new_everywhere(customer_id: int) -> dict[str, bool]:
    """``customer.is_new`` as the rule try-it, both segment paths and a checkout quote see it."""
    pushed = segments.audience(IS_NEW, limit=1000, now=NOW)
    in_python = segments.audience(IS_NEW, limit=1000, now=NOW, pushdown=False)
    assert pushed.pushed_down and not in_python.pushed_down
    quote = quote_cart({"lines": [{"sku": "SOCKS", "qty": 1}]}, customer_id, now=NOW).quote
    return {
        "rule": rules.try_rule(IS_NEW, "customer", customer_id, now=NOW).passed,
        "segment_sql": customer_id in {m.id for m in pushed.customers},
        "segment_python": customer_id in {m.id for m in in_python.customers},
        "checkout": quote.combination == ["new20"],
    }


def test_is_new_agrees_in_rules_segments_and_checkout_before_and_after_the_first_paid_order(
        shop: dict[str, int]) -> None:
    add_promotion("new20", percent(20, condition=IS_NEW))
    [cid, bystander] = add_customers(2)
    everywhere_new = dict.fromkeys(("rule", "segment_sql", "segment_python", "checkout"), True)
    everywhere_old = dict.fromkeys(everywhere_new, False)
    assert _is_new_everywhere(cid) == everywhere_new
    order_no = _place(cid, "TEE", 1, "first")["order_no"]
    assert _is_new_everywhere(cid) == everywhere_new  # pending: not yet a buyer
    pay_order(order_no)
    assert _is_new_everywhere(cid) == everywhere_old
    assert _is_new_everywhere(bystander) == everywhere_new
    second = _place(cid, "MUG", 1, "second")["order_no"]
    pay_order(second)
    refund_order(order_no)
    assert _is_new_everywhere(cid) == everywhere_old  # one paid order left
    refund_order(second)
    assert _is_new_everywhere(cid) == everywhere_new  # every paid order refunded


def test_rule_try_it_shows_the_updated_aggregates(shop: dict[str, int]) -> None:
    [cid] = add_customers(1)
    pay_order(_place(cid, "TEE", 2, "k")["order_no"])
    data = rules.sample_data("customer", cid, now=NOW)["customer"]
    assert (data["orders_count"], data["total_spent"], data["last_order_at"], data["is_new"]) == (
        1, D("210.00"), NOW, False)
    assert rules.try_rule({">=": [{"var": "customer.total_spent"}, 200]}, "customer", cid, now=NOW).passed


# ---------------------------------------------------------------- the demo data set and checkout agree

AS_OF = date(2026, 11, 27)


def _paid_orders_disagreeing() -> list[int]:
    """Customers whose stored aggregates differ from those of their paid orders (recomputed in SQL)."""
    paid = sa.select(
        Order.customer_id, sa.func.count().label("n"), sa.func.sum(Order.total).label("spent"),
        sa.func.min(Order.placed_at).label("first"), sa.func.max(Order.placed_at).label("last"),
    ).where(Order.status == "paid").group_by(Order.customer_id).subquery()
    query = sa.select(Customer, paid.c.n, paid.c.spent, paid.c.first, paid.c.last).outerjoin(
        paid, paid.c.customer_id == Customer.id)
    aware = lambda t: t.replace(tzinfo=UTC) if t is not None and t.tzinfo is None else t  # noqa: E731
    with session_scope() as s:
        return [c.id for c, n, spent, first, last in s.execute(query)
                if (c.orders_count, c.total_spent, c.first_order_at, c.last_order_at)
                != (n or 0, D(str(spent or 0)).quantize(D("0.01")), aware(first), aware(last))]


def _in_stock_sku() -> str:
    """An active demo product with free stock in the online warehouse."""
    with session_scope() as s:
        return str(s.scalar(
            sa.select(Product.sku).join(Inventory, Inventory.product_id == Product.id)
            .where(Product.status == "active", Inventory.location_code == WAREHOUSE,
                   Inventory.on_hand - Inventory.reserved >= 5).order_by(Product.id).limit(1)))


def test_checkout_keeps_the_demo_data_aggregates_those_of_the_paid_orders(db: Engine) -> None:
    load_demo(customers=120, seed=5, as_of=AS_OF)
    with session_scope() as s:
        buyers = list(s.scalars(sa.select(Customer.id).where(Customer.orders_count > 0)
                                .order_by(Customer.id).limit(3)))
        newcomers = list(s.scalars(sa.select(Customer.id).where(Customer.orders_count == 0)
                                   .order_by(Customer.id).limit(3)))
        pending = list(s.scalars(sa.select(Order.order_no).where(
            Order.status == "pending", Order.customer_id.is_not(None)).limit(3)))  # the last day's, if any
        paid = s.execute(sa.select(Order.order_no, Order.customer_id).where(
            Order.status == "paid", Order.customer_id.is_not(None)).order_by(Order.id.desc()).limit(3)).all()
    assert len(buyers) == len(newcomers) == len(paid) == 3
    assert _paid_orders_disagreeing() == []
    sku = _in_stock_sku()
    for i, customer_id in enumerate(buyers + newcomers):
        placed = confirm_order({"lines": [{"sku": sku, "qty": 1}], "customer_id": customer_id}, f"demo-{i}",
                               now=datetime(2026, 11, 27, 9, 0, tzinfo=UTC) + timedelta(minutes=i)).response
        pay_order(placed["order_no"])
    for order_no in pending:
        pay_order(order_no)
    for order_no, _ in paid:
        refund_order(order_no)
    assert _paid_orders_disagreeing() == []
    with session_scope() as s:  # checkout's is_new and the rules' is_new read the same aggregate
        for customer_id in buyers + newcomers + [c for _, c in paid]:
            checkout = order_repo.customer_facts(s, customer_id)
            assert checkout is not None and (customer_id not in newcomers or not checkout.is_new)
            assert checkout.is_new == rules.sample_data("customer", customer_id)["customer"]["is_new"]
