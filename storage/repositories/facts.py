"""Engine-shaped data about real rows: a customer's profile facts, an order as a cart, an event.

Rules, promotions and campaigns evaluate JSON-Logic over plain dicts (``customer.*``, ``cart.*``,
``line.*``, ``event.*``); this module is the one place that maps rows to those dicts. Money stays
Decimal, times stay timezone-aware.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import Category, Customer, CustomerTag, Event, Order, OrderLine, Product


PROFILE_COLUMNS = (
    Customer.id, Customer.code, Customer.tier, Customer.city, Customer.province, Customer.gender,
    Customer.birth_date, Customer.registered_at, Customer.first_order_at, Customer.last_order_at,
    Customer.orders_count, Customer.total_spent, Customer.points_balance, Customer.is_member,
    Customer.first_channel,
)


def is_new(orders_count: int) -> bool:
    """``customer.is_new``: no paid order yet, i.e. ``orders_count == 0``.

    ``orders_count`` counts paid orders only (the demo loader computes it so; checkout adds one when
    an order is paid and takes it back when that order is refunded, see
    ``storage.repositories.orders.count_paid_order``). Rules, segments (``storage.segments.fields``,
    the same test in SQL) and checkout's quotes all read this one definition.
    """
    return orders_count == 0


def profile(row: Any, tags: list[str]) -> dict[str, Any]:
    """``customer.*`` facts of a row selected with PROFILE_COLUMNS (no personal data)."""
    return {
        "id": row.id, "code": row.code, "is_new": is_new(row.orders_count), "tier": row.tier,
        "tags": tags, "city": row.city, "province": row.province, "gender": row.gender,
        "birth_date": row.birth_date, "registered_at": row.registered_at,
        "first_order_at": row.first_order_at, "last_order_at": row.last_order_at,
        "orders_count": row.orders_count, "total_spent": row.total_spent,
        "points_balance": row.points_balance, "is_member": row.is_member,
        "first_channel": row.first_channel,
    }


def customer(session: Session, customer_id: int) -> dict[str, Any] | None:
    """``customer.*`` facts of one customer (no personal data), or None."""
    row = session.execute(sa.select(*PROFILE_COLUMNS).where(Customer.id == customer_id)).first()
    if row is None:
        return None
    tags = session.scalars(sa.select(CustomerTag.tag).where(CustomerTag.customer_id == customer_id)
                           .order_by(CustomerTag.tag)).all()
    return profile(row, list(tags))


def last_order_id(session: Session, customer_id: int) -> int | None:
    """The customer's most recent order, or None."""
    return session.scalar(sa.select(Order.id).where(Order.customer_id == customer_id)
                          .order_by(Order.placed_at.desc(), Order.id.desc()).limit(1))


def order_as_cart(session: Session, order_id: int) -> dict[str, Any] | None:
    """``cart.*`` of an order: its lines at their unit prices, with category and cost."""
    order = session.get(Order, order_id)
    if order is None:
        return None
    rows = session.execute(
        sa.select(OrderLine.sku, OrderLine.qty, OrderLine.unit_price, Product.cost, Category.code)
        .join(Product, Product.id == OrderLine.product_id)
        .outerjoin(Category, Category.id == Product.category_id)
        .where(OrderLine.order_id == order_id).order_by(OrderLine.id)).all()
    lines = [{"sku": sku, "qty": qty, "price": price, "cost": cost, "category": cat or ""}
             for sku, qty, price, cost, cat in rows]
    return {
        "order_no": order.order_no, "channel": order.channel_code,
        "subtotal": sum((ln["price"] * ln["qty"] for ln in lines), start=order.subtotal * 0),
        "qty": sum(ln["qty"] for ln in lines), "item_count": sum(ln["qty"] for ln in lines),
        "lines": lines, "skus": [ln["sku"] for ln in lines],
        "categories": sorted({ln["category"] for ln in lines if ln["category"]}),
        "shipping_fee": order.shipping, "coupon_codes": [order.coupon_code] if order.coupon_code else [],
    }


def last_event(session: Session, customer_id: int) -> dict[str, Any] | None:
    """``event.*`` of the customer's most recent event, or None."""
    row = session.scalar(sa.select(Event).where(Event.customer_id == customer_id)
                         .order_by(Event.occurred_at.desc(), Event.id.desc()).limit(1))
    if row is None:
        return None
    return {"type": row.type, "channel": row.channel, "campaign_id": row.campaign_id,
            "page_id": row.page_id, "utm_source": row.utm_source, "utm_medium": row.utm_medium,
            "utm_campaign": row.utm_campaign, "ts": row.occurred_at}


def sample_customers(session: Session, limit: int = 20) -> list[tuple[int, str, str, int]]:
    """A spread of customers to try rules on: (id, code, tier, orders_count), buyers first."""
    stmt = (sa.select(Customer.id, Customer.code, Customer.tier, Customer.orders_count)
            .order_by(Customer.orders_count.desc(), Customer.id).limit(limit // 2))
    newest = (sa.select(Customer.id, Customer.code, Customer.tier, Customer.orders_count)
              .order_by(Customer.orders_count, Customer.id.desc()).limit(limit - limit // 2))
    seen: dict[int, tuple[int, str, str, int]] = {}
    for r in [*session.execute(stmt), *session.execute(newest)]:
        seen.setdefault(r[0], (r[0], r[1], r[2], r[3]))
    return list(seen.values())
