"""``customer.*`` facts of many customers at once, for evaluating a rule in Python over a table.

Each dict is built by ``storage.repositories.facts.profile``, as ``facts.customer`` builds it for one
customer; here two queries serve a whole batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import Customer, CustomerTag
from storage.repositories.facts import PROFILE_COLUMNS, profile


def customer_batches(session: Session, batch_size: int = 2000) -> Iterator[list[dict[str, Any]]]:
    """Every customer's facts, in id order, ``batch_size`` customers at a time."""
    after = 0
    while True:
        rows = session.execute(sa.select(*PROFILE_COLUMNS).where(Customer.id > after)
                               .order_by(Customer.id).limit(batch_size)).all()
        if not rows:
            return
        tags = _tags(session, rows[0].id, rows[-1].id)
        yield [profile(row, tags.get(row.id, [])) for row in rows]
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
