"""Looking customers up for people and API clients: search and detail, personal data masked.

Names, phones and e-mails are encrypted at rest (``storage.crypto``); they leave this module only
masked (``张*``, ``138****8000``, ``z***@qq.com``). A search term is matched exactly, through the
blind indexes, against phone, e-mail, name and every identity (openid, member card, ...), and as a
prefix against the customer code; the database never sees the term in clear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage import crypto
from storage.db import session_scope
from storage.models import Customer, CustomerIdentity, CustomerTag

PAGE_SIZE_MAX = 100


class CustomerNotFound(LookupError):
    """No customer with this id."""

    def __init__(self, customer_id: int) -> None:
        self.customer_id = customer_id
        super().__init__(f"no customer {customer_id}")


@dataclass(frozen=True)
class CustomerView:
    """A customer profile with personal data masked."""

    id: int
    code: str
    name: str
    phone: str
    email: str
    gender: str
    birth_year: int | None
    province: str | None
    city: str | None
    tier: str
    is_member: bool
    points_balance: int
    total_spent: Decimal
    orders_count: int
    first_order_at: datetime | None
    last_order_at: datetime | None
    registered_at: datetime
    first_channel: str | None
    tags: tuple[str, ...]


@dataclass(frozen=True)
class CustomerPage:
    """One page of a customer search."""

    items: list[CustomerView]
    total: int
    page: int
    page_size: int


def _aware(value: datetime | None) -> datetime | None:
    """Naive datetimes from the database are UTC."""
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _year(value: date | None) -> int | None:
    """Only the birth year leaves the service (the full date is personal data)."""
    return value.year if value else None


def _view(row: Customer, tags: tuple[str, ...]) -> CustomerView:
    """Row -> masked view."""
    return CustomerView(
        id=row.id, code=row.code, name=crypto.mask_name(row.name),
        phone=crypto.mask_phone(row.phone), email=crypto.mask_email(row.email),
        gender=row.gender, birth_year=_year(row.birth_date), province=row.province, city=row.city,
        tier=row.tier, is_member=row.is_member, points_balance=row.points_balance,
        total_spent=Decimal(row.total_spent).quantize(Decimal("0.01")),
        orders_count=row.orders_count, first_order_at=_aware(row.first_order_at),
        last_order_at=_aware(row.last_order_at), registered_at=_aware(row.registered_at)
        or datetime.now(UTC), first_channel=row.first_channel, tags=tags,
    )


def _blind_indexes(term: str) -> list[str]:
    """Blind indexes the term could match, one per normaliser that accepts it."""
    found = []
    for kind in ("phone", "email", "text"):
        try:
            found.append(crypto.blind_index_for(kind, term))
        except crypto.PiiError:
            continue
    return found


def _matches(term: str) -> sa.ColumnElement[bool]:
    """WHERE clause for a search term."""
    indexes = _blind_indexes(term)
    identity = sa.select(CustomerIdentity.customer_id).where(
        CustomerIdentity.value_bidx.in_(indexes)
    )
    return sa.or_(
        sa.func.upper(Customer.code).startswith(term.upper(), autoescape=True),
        Customer.phone_bidx.in_(indexes),
        Customer.email_bidx.in_(indexes),
        Customer.name_bidx.in_(indexes),
        Customer.id.in_(identity),
    )


def _tags(s: Session, ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Tags of several customers, sorted."""
    out: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        query = sa.select(CustomerTag.customer_id, CustomerTag.tag).where(
            CustomerTag.customer_id.in_(ids)
        )
        for cid, tag in s.execute(query.order_by(CustomerTag.tag)):
            out[cid].append(tag)
    return {k: tuple(v) for k, v in out.items()}


def search_customers(q: str | None = None, page: int = 1, page_size: int = 20) -> CustomerPage:
    """Customers matching ``q`` (all when empty), by id, one page; personal data masked.

    Args:
        q: phone (any common format), e-mail, full name, identity value or code prefix.
        page: 1-based page number.
        page_size: 1..100 rows per page.

    Returns:
        The page and the total number of matches.
    """
    page = max(1, page)
    page_size = min(max(1, page_size), PAGE_SIZE_MAX)
    term = (q or "").strip()
    where = _matches(term) if term else sa.true()
    with session_scope() as s:
        total = s.scalar(sa.select(sa.func.count()).select_from(Customer).where(where)) or 0
        rows = list(s.scalars(
            sa.select(Customer).where(where).order_by(Customer.id)
            .offset((page - 1) * page_size).limit(page_size)
        ))
        tags = _tags(s, [r.id for r in rows])
        items = [_view(r, tags[r.id]) for r in rows]
    return CustomerPage(items, int(total), page, page_size)


def get_customer(customer_id: int) -> CustomerView:
    """One customer, personal data masked; ``CustomerNotFound`` if there is none."""
    with session_scope() as s:
        row = s.get(Customer, customer_id)
        if row is None:
            raise CustomerNotFound(customer_id)
        return _view(row, _tags(s, [row.id])[row.id])
