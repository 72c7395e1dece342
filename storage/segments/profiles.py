"""``customer.*`` facts of many customers at once, for evaluating a rule in Python over a table.

Each dict is exactly what ``storage.repositories.facts.customer`` returns for that customer (the
tests compare the two for every demo customer); here two queries serve a whole batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import Customer, CustomerTag

_COLUMNS = (Customer.id, Customer.code, Customer.tier, Customer.city, Customer.province, Customer.gender,
            Customer.birth_date, Customer.registered_at, Customer.first_order_at, Customer.last_order_at,
            Customer.orders_count, Customer.total_spent, Customer.points_balance, Customer.is_member,
            Customer.first_channel)


def customer_batches(session: Session, batch_size: int = 2000) -> Iterator[list[dict[str, Any]]]:
    """Every customer's facts, in id order, ``batch_size`` customers at a time."""
    after = 0
    while True:
        rows = session.execute(sa.select(*_COLUMNS).where(Customer.id > after)
                               .order_by(Customer.id).limit(batch_size)).all()
        if not rows:
            return
        tags = _tags(session, rows[0].id, rows[-1].id)
        yield [_facts(row, tags.get(row.id, [])) for row in rows]
        after = rows[-1].id


def _tags(session: Session, first: int, last: int) -> dict[int, list[str]]:
    """Tags of the customers with ids in [first, last], each list sorted."""
    out: dict[int, list[str]] = {}
    stmt = (sa.select(CustomerTag.customer_id, CustomerTag.tag)
            .where(CustomerTag.customer_id.between(first, last))
            .order_by(CustomerTag.customer_id, CustomerTag.tag))
    for customer_id, tag in session.execute(stmt):
        out.setdefault(customer_id, []).append(tag)
    return out


def _facts(row: Any, tags: list[str]) -> dict[str, Any]:
    """The facts dict of one row (same keys and values as ``facts.customer``)."""
    return {
        "id": row.id, "code": row.code, "is_new": row.orders_count == 0, "tier": row.tier,
        "tags": tags, "city": row.city, "province": row.province, "gender": row.gender,
        "birth_date": row.birth_date, "registered_at": row.registered_at,
        "first_order_at": row.first_order_at, "last_order_at": row.last_order_at,
        "orders_count": row.orders_count, "total_spent": row.total_spent,
        "points_balance": row.points_balance, "is_member": row.is_member,
        "first_channel": row.first_channel,
    }
