"""The ``customer.*`` fields as the evaluator sees them (``storage.repositories.facts.customer``),
mapped to SQL over the ``customers`` table and its ``customer_tags``.

Nullability comes from the model's columns, so a column made nullable later is handled as such.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from storage.models import Customer, CustomerTag
from storage.segments.values import Column, Kind, Pred

_KINDS: dict[str, Kind] = {
    "id": "int", "code": "text", "tier": "text", "city": "text", "province": "text", "gender": "text",
    "birth_date": "date", "registered_at": "datetime", "first_order_at": "datetime",
    "last_order_at": "datetime", "orders_count": "int", "total_spent": "money",
    "points_balance": "int", "is_member": "bool", "first_channel": "text",
}
#: the keys of ``facts.customer`` (tests check the two stay in step)
KEYS: frozenset[str] = frozenset({*_KINDS, "is_new", "tags"})
MONEY_SCALE = Customer.__table__.c.total_spent.type.scale or 0


def column(key: str) -> Column:
    """The field ``customer.<key>`` (``key`` must be one of ``KEYS``)."""
    if key == "is_new":  # storage.repositories.facts.is_new in SQL
        return Column("customer.is_new", "bool", Customer.orders_count == 0, False)
    if key == "tags":
        return Column("customer.tags", "tags", None, False)
    table_column = Customer.__table__.c[key]
    return Column(f"customer.{key}", _KINDS[key], getattr(Customer, key), bool(table_column.nullable))


def has_any_tag(tags: Any = None, *, equal_to: Any = None) -> Pred:
    """EXISTS a tag of the row's customer (in ``tags``, equal to an expression, or any at all)."""
    query = sa.exists().where(CustomerTag.customer_id == Customer.id)
    if tags is not None:
        query = query.where(CustomerTag.tag.in_(sorted(tags)))
    if equal_to is not None:
        query = query.where(CustomerTag.tag == equal_to)
    return query
