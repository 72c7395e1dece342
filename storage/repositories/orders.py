"""Orders placed through checkout, the facts a quote needs (products, customer), idempotency keys."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import (
    Category,
    Channel,
    Customer,
    CustomerTag,
    IdempotencyKey,
    Order,
    OrderLine,
    Product,
    Store,
    utcnow,
)
from storage.repositories import facts


@dataclass(frozen=True)
class ProductRecord:
    """A product as checkout prices it."""

    id: int
    sku: str
    name: str
    category: str | None
    price: Decimal
    cost: Decimal
    active: bool


@dataclass(frozen=True)
class CustomerFacts:
    """What promotion conditions may read about a customer."""

    id: int
    tier: str
    tags: tuple[str, ...]
    orders_count: int

    @property
    def is_new(self) -> bool:
        """No paid order yet: the same ``customer.is_new`` rules and segments read (``facts.is_new``)."""
        return facts.is_new(self.orders_count)


@dataclass(frozen=True)
class LineRecord:
    """One order line."""

    product_id: int
    sku: str
    qty: int
    unit_price: Decimal
    discount: Decimal
    amount: Decimal
    cost: Decimal


@dataclass(frozen=True)
class OrderRecord:
    """An order with its lines."""

    id: int
    order_no: str
    customer_id: int | None
    channel_code: str
    location_code: str | None
    status: str
    placed_at: datetime
    subtotal: Decimal
    discount: Decimal
    shipping: Decimal
    total: Decimal
    coupon_code: str | None
    promotion_ids: list[Any]
    idempotency_key: str | None
    lines: list[LineRecord] = field(default_factory=list)


@dataclass(frozen=True)
class IdempotencyRecord:
    """A processed request: its hash and the response given."""

    key: str
    scope: str
    request_hash: str
    response: dict[str, Any] | None


def _products_statement() -> sa.Select[Any]:
    """Built once: the priced columns of products by SKU (expanding ``skus``), with the category code."""
    p, c = Product.__table__, Category.__table__
    return (sa.select(p.c.id, p.c.sku, p.c.name, c.c.code, p.c.price, p.c.cost, p.c.status)
            .select_from(p.outerjoin(c, c.c.id == p.c.category_id))
            .where(p.c.sku.in_(sa.bindparam("skus", expanding=True))))


_PRODUCTS = _products_statement()


def products_by_sku(session: Session, skus: Iterable[str]) -> dict[str, ProductRecord]:
    """Products by SKU, with their category code."""
    skus = list(skus)
    if not skus:
        return {}
    rows = session.execute(_PRODUCTS, {"skus": skus})
    return {sku: ProductRecord(pid, sku, name, code, price, cost, status == "active")
            for pid, sku, name, code, price, cost, status in rows}


def customer_facts(session: Session, customer_id: int) -> CustomerFacts | None:
    """Tier, tags and paid-order count (the ``orders_count`` aggregate) of a customer, or None."""
    return checkout_facts(session, None, customer_id)[1]


def _checkout_facts_statement() -> sa.Select[Any]:
    """Built once: whether channel ``channel`` exists, and customer ``customer_id``'s tier, paid-order
    count and tags — one row per tag, at least one row (the customer columns NULL if there is none)."""
    c, t = Customer.__table__, CustomerTag.__table__
    one = sa.select(sa.literal(1).label("one")).subquery("one")
    channel = sa.exists().where(Channel.__table__.c.code == sa.bindparam("channel", type_=sa.String))
    return (
        sa.select(channel.label("channel_exists"), c.c.id, c.c.tier, c.c.orders_count, t.c.tag)
        .select_from(
            one.outerjoin(c, c.c.id == sa.bindparam("customer_id", type_=sa.Integer))
            .outerjoin(t, t.c.customer_id == c.c.id))
        .order_by(t.c.tag)
    )


_CHECKOUT_FACTS = _checkout_facts_statement()


def checkout_facts(session: Session, channel: str | None, customer_id: int | None,
                   ) -> tuple[bool, CustomerFacts | None]:
    """Whether the sales channel exists, and the customer's facts (None: no such customer, or None
    asked) — one round trip."""
    rows = session.execute(_CHECKOUT_FACTS, {"channel": channel, "customer_id": customer_id}).all()
    first = rows[0]
    if first.id is None:
        return bool(first.channel_exists), None
    tags = tuple(r.tag for r in rows if r.tag is not None)
    return bool(first.channel_exists), CustomerFacts(first.id, first.tier, tags, first.orders_count)


def store_id(session: Session, location_code: str) -> int | None:
    """The store whose code is this location, if it is a store."""
    return session.scalar(sa.select(Store.id).where(Store.code == location_code))


def insert_order(session: Session, order: OrderRecord) -> int:
    """Insert an order and its lines; returns its id."""
    row = Order(
        order_no=order.order_no, customer_id=order.customer_id, channel_code=order.channel_code,
        store_id=store_id(session, order.location_code) if order.location_code else None,
        location_code=order.location_code, status=order.status, placed_at=order.placed_at,
        subtotal=order.subtotal, discount=order.discount, shipping=order.shipping, total=order.total,
        coupon_code=order.coupon_code, promotion_ids=list(order.promotion_ids),
        idempotency_key=order.idempotency_key,
    )
    session.add(row)
    session.flush()
    session.execute(sa.insert(OrderLine), [{"order_id": row.id, **ln.__dict__} for ln in order.lines])
    return row.id


def get_order(session: Session, order_no: str) -> OrderRecord | None:
    """The order with this number and its lines, or None."""
    row = session.scalar(sa.select(Order).where(Order.order_no == order_no))
    if row is None:
        return None
    lines = session.scalars(sa.select(OrderLine).where(OrderLine.order_id == row.id).order_by(OrderLine.id))
    return OrderRecord(
        id=row.id, order_no=row.order_no, customer_id=row.customer_id, channel_code=row.channel_code,
        location_code=row.location_code, status=row.status, placed_at=row.placed_at,
        subtotal=row.subtotal, discount=row.discount, shipping=row.shipping, total=row.total,
        coupon_code=row.coupon_code, promotion_ids=list(row.promotion_ids or []),
        idempotency_key=row.idempotency_key,
        lines=[LineRecord(ln.product_id, ln.sku, ln.qty, ln.unit_price, ln.discount, ln.amount, ln.cost)
               for ln in lines],
    )


def move_status(session: Session, order_id: int, *, from_status: str, to_status: str) -> bool:
    """Change the order's status if it is ``from_status``; False otherwise (a concurrent change won)."""
    result = session.execute(sa.update(Order).where(Order.id == order_id, Order.status == from_status)
                             .values(status=to_status, updated_at=utcnow()))
    return result.rowcount == 1


def count_paid_order(session: Session, customer_id: int, total: Decimal, placed_at: datetime) -> None:
    """Add a paid order to the customer's aggregates in one UPDATE (atomic, no read-modify-write).

    ``orders_count`` + 1, ``total_spent`` + ``total``, ``first_order_at`` / ``last_order_at`` widened
    to ``placed_at``. The database computes every new value from the row as it is when the UPDATE
    gets its lock, so concurrent payments for one customer never lose one another's update.
    """
    first, last = Customer.first_order_at, Customer.last_order_at
    session.execute(
        sa.update(Customer).where(Customer.id == customer_id).values(
            orders_count=Customer.orders_count + 1,
            total_spent=Customer.total_spent + total,
            first_order_at=sa.case((sa.or_(first.is_(None), first > placed_at), placed_at), else_=first),
            last_order_at=sa.case((sa.or_(last.is_(None), last < placed_at), placed_at), else_=last),
        )
    )


def uncount_paid_order(session: Session, customer_id: int, total: Decimal, placed_at: datetime) -> None:
    """Take a refunded order out of the customer's aggregates (what ``count_paid_order`` added).

    Call it after the order left ``paid`` in the same transaction. ``orders_count`` - 1 and
    ``total_spent`` - ``total`` are atomic decrements. ``first_order_at`` / ``last_order_at`` cannot be
    un-widened by arithmetic: when they were this order's time they become the earliest / latest
    ``placed_at`` of the customer's remaining paid orders (kept as they are if no row is left to
    read, e.g. imported history; NULL once no paid order is counted). The customer row is locked
    first, so that the recomputation (a new statement, hence on PostgreSQL a new READ COMMITTED
    snapshot) sees every payment committed before it; a payment committed after it widens the
    result again.
    """
    session.execute(sa.select(Customer.id).where(Customer.id == customer_id).with_for_update())
    first, last = Customer.first_order_at, Customer.last_order_at
    paid = (Order.customer_id == customer_id, Order.status == "paid")
    earliest = sa.select(sa.func.min(Order.placed_at)).where(*paid).scalar_subquery()
    latest = sa.select(sa.func.max(Order.placed_at)).where(*paid).scalar_subquery()
    session.execute(
        sa.update(Customer).where(Customer.id == customer_id).values(
            orders_count=Customer.orders_count - 1,
            total_spent=Customer.total_spent - total,
            first_order_at=sa.case((Customer.orders_count <= 1, None),
                                   (first == placed_at, sa.func.coalesce(earliest, first)), else_=first),
            last_order_at=sa.case((Customer.orders_count <= 1, None),
                                  (last == placed_at, sa.func.coalesce(latest, last)), else_=last),
        )
    )


def get_idempotency(session: Session, key: str) -> IdempotencyRecord | None:
    """The processed request with this key, or None."""
    row = session.scalar(sa.select(IdempotencyKey).where(IdempotencyKey.key == key))
    return IdempotencyRecord(row.key, row.scope, row.request_hash, row.response) if row else None


def insert_idempotency(session: Session, key: str, scope: str, request_hash: str) -> None:
    """Claim a key (flushes now: a concurrent claim of the same key waits, then fails on the unique index)."""
    session.add(IdempotencyKey(key=key, scope=scope, request_hash=request_hash, response=None))
    session.flush()


def set_idempotency_response(session: Session, key: str, response: dict[str, Any]) -> None:
    """Store the response given for the key."""
    session.execute(sa.update(IdempotencyKey).where(IdempotencyKey.key == key).values(response=response))
