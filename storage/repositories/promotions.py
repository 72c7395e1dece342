"""Promotions, their immutable versions, budgets and per-customer usage.

Budgets are consumed with conditional UPDATEs (``used + x <= budget`` in the WHERE, rowcount
checked) and per-customer uses with an upsert guarded the same way, so concurrent transactions on
PostgreSQL never take more than a limit; a False return means "exhausted, nothing changed".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import (
    CouponTemplate,
    OrderPromotion,
    Promotion,
    PromotionCustomerUse,
    PromotionVersion,
    utcnow,
)
from storage.repositories.errors import DuplicateError

STATUSES = ("draft", "scheduled", "live", "paused", "ended")
RUNNING = ("scheduled", "live")


@dataclass(frozen=True)
class PromotionRecord:
    """A promotion with its current version's definition."""

    id: int
    code: str
    name: str
    status: str
    current_version: int
    definition: dict[str, Any]
    budget_amount: Decimal | None
    budget_uses: int | None
    used_amount: Decimal
    used_uses: int
    per_customer_limit: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Limits:
    """A promotion's budgets and per-customer limit (None = no limit)."""

    budget_amount: Decimal | None = None
    budget_uses: int | None = None
    per_customer_limit: int | None = None

    def as_json(self) -> dict[str, Any]:
        """As stored with a version (money as text)."""
        amount = None if self.budget_amount is None else str(self.budget_amount)
        return {"budget_amount": amount, "budget_uses": self.budget_uses,
                "per_customer_limit": self.per_customer_limit}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Limits | None:
        """What a version stored (None: saved before versions recorded limits)."""
        if not isinstance(data, dict):
            return None
        amount = data.get("budget_amount")
        return cls(None if amount is None else Decimal(str(amount)), data.get("budget_uses"),
                   data.get("per_customer_limit"))


@dataclass(frozen=True)
class VersionRecord:
    """One immutable version of a promotion's definition, with the limits saved alongside it."""

    version: int
    definition: dict[str, Any]
    created_by: str | None
    created_at: datetime
    limits: Limits | None = None
    restored_from: int | None = None


@dataclass(frozen=True)
class OrderPromotionRecord:
    """What one promotion gave one order."""

    order_id: int
    promotion_id: int
    promotion_version: int
    customer_id: int | None
    amount: Decimal
    discount: Decimal
    shipping_off: Decimal
    gift_sku: str | None
    gift_qty: int
    coupon_id: int | None


def _record(row: Promotion, definition: dict[str, Any]) -> PromotionRecord:
    """Row + definition -> record."""
    return PromotionRecord(
        id=row.id, code=row.code, name=row.name, status=row.status,
        current_version=row.current_version, definition=dict(definition),
        budget_amount=row.budget_amount, budget_uses=row.budget_uses,
        used_amount=row.used_amount, used_uses=row.used_uses,
        per_customer_limit=row.per_customer_limit, starts_at=row.starts_at, ends_at=row.ends_at,
        created_by=row.created_by, created_at=row.created_at, updated_at=row.updated_at,
    )


def _current_query() -> sa.Select[tuple[Promotion, dict[str, Any]]]:
    """Promotions joined with the definition of their current version."""
    return sa.select(Promotion, PromotionVersion.definition).join(
        PromotionVersion,
        sa.and_(PromotionVersion.promotion_id == Promotion.id,
                PromotionVersion.version == Promotion.current_version),
    )


def create(
    session: Session, *, code: str, name: str, definition: dict[str, Any],
    budget_amount: Decimal | None, budget_uses: int | None, per_customer_limit: int | None,
    starts_at: datetime | None, ends_at: datetime | None, created_by: str | None,
) -> PromotionRecord:
    """Insert a draft promotion and its version 1; DuplicateError if the code is taken."""
    if session.scalar(sa.select(Promotion.id).where(Promotion.code == code)) is not None:
        raise DuplicateError(f"code: {code!r} already exists", "code")
    row = Promotion(
        code=code, name=name, status="draft", current_version=1, created_by=created_by,
        budget_amount=budget_amount, budget_uses=budget_uses, per_customer_limit=per_customer_limit,
        starts_at=starts_at, ends_at=ends_at, used_amount=Decimal("0"), used_uses=0,
    )
    session.add(row)
    session.flush()
    limits = Limits(budget_amount, budget_uses, per_customer_limit)
    session.add(PromotionVersion(promotion_id=row.id, version=1, definition=definition,
                                 limits=limits.as_json(), created_by=created_by))
    session.flush()
    return _record(row, definition)


def get_by_code(session: Session, code: str) -> PromotionRecord | None:
    """The promotion with this code (current definition), or None."""
    found = session.execute(_current_query().where(Promotion.code == code)).first()
    return _record(found[0], found[1]) if found else None


def list_all(session: Session) -> list[PromotionRecord]:
    """Every promotion, newest first."""
    rows = session.execute(_current_query().order_by(Promotion.id.desc())).all()
    return [_record(p, d) for p, d in rows]


@dataclass(frozen=True)
class RunningRow:
    """A running promotion as a quote reads it: the promotion row, its current definition as the
    stored JSON text (parse it once per distinct text, see ``services.commerce.pricing``), whether a
    coupon template unlocks it and how often the quoting customer used it."""

    id: int
    code: str
    name: str
    status: str
    current_version: int
    definition_text: str
    budget_amount: Decimal | None
    budget_uses: int | None
    used_amount: Decimal
    used_uses: int
    per_customer_limit: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    has_template: bool
    customer_uses: int

    def record(self, definition: dict[str, Any]) -> PromotionRecord:
        """The promotion record with its parsed definition (shared, not copied: read-only)."""
        return PromotionRecord(
            id=self.id, code=self.code, name=self.name, status=self.status,
            current_version=self.current_version, definition=definition,
            budget_amount=self.budget_amount, budget_uses=self.budget_uses,
            used_amount=self.used_amount, used_uses=self.used_uses,
            per_customer_limit=self.per_customer_limit, starts_at=self.starts_at, ends_at=self.ends_at,
            created_by=self.created_by, created_at=self.created_at, updated_at=self.updated_at,
        )


def _running_statement() -> sa.Select[Any]:
    """Built once: running promotions with the text of their current definition, a template flag and
    the customer's uses (bound parameters ``now`` and ``customer_id``; NULL customer: 0 uses)."""
    p, v = Promotion.__table__, PromotionVersion.__table__
    t, u = CouponTemplate.__table__, PromotionCustomerUse.__table__
    now = sa.bindparam("now", type_=p.c.starts_at.type)
    uses = sa.select(u.c.uses).where(
        u.c.promotion_id == p.c.id, u.c.customer_id == sa.bindparam("customer_id", type_=sa.Integer),
    ).scalar_subquery()
    return (
        sa.select(
            p.c.id, p.c.code, p.c.name, p.c.status, p.c.current_version,
            # the stored text (PostgreSQL renders JSONB canonically): parsed by the caller, once per text
            sa.cast(v.c.definition, sa.Text).label("definition_text"),
            p.c.budget_amount, p.c.budget_uses, p.c.used_amount, p.c.used_uses, p.c.per_customer_limit,
            p.c.starts_at, p.c.ends_at, p.c.created_by, p.c.created_at, p.c.updated_at,
            sa.exists().where(t.c.promotion_id == p.c.id).label("has_template"),
            sa.func.coalesce(uses, 0).label("customer_uses"),
        )
        .select_from(p.join(v, sa.and_(v.c.promotion_id == p.c.id, v.c.version == p.c.current_version)))
        .where(
            p.c.status.in_(RUNNING),
            sa.or_(p.c.starts_at.is_(None), p.c.starts_at <= now),
            sa.or_(p.c.ends_at.is_(None), p.c.ends_at > now),
        )
        .order_by(p.c.id)
    )


_RUNNING = _running_statement()


def running(session: Session, now: datetime, customer_id: int | None = None) -> list[RunningRow]:
    """Promotions scheduled or live whose window contains ``now`` (budgets not checked), in id order.

    One statement, read fresh on every call: status, window, current version and its definition,
    budgets and what is used of them, whether a coupon template unlocks the promotion, and how often
    ``customer_id`` used it (0 for None).
    """
    rows = session.execute(_RUNNING, {"now": now, "customer_id": customer_id})
    return [RunningRow(*r[:-2], has_template=bool(r.has_template), customer_uses=int(r.customer_uses))
            for r in rows]


def by_ids(session: Session, ids: Iterable[int]) -> dict[int, PromotionRecord]:
    """Promotions by id (current definitions)."""
    ids = list(ids)
    if not ids:
        return {}
    rows = session.execute(_current_query().where(Promotion.id.in_(ids))).all()
    return {p.id: _record(p, d) for p, d in rows}


def versions(session: Session, promotion_id: int) -> list[VersionRecord]:
    """Every version of a promotion, oldest first."""
    rows = session.scalars(sa.select(PromotionVersion).where(
        PromotionVersion.promotion_id == promotion_id).order_by(PromotionVersion.version))
    return [_version(r) for r in rows]


def get_version(session: Session, promotion_id: int, version: int) -> VersionRecord | None:
    """One version of a promotion, or None."""
    row = session.scalar(sa.select(PromotionVersion).where(
        PromotionVersion.promotion_id == promotion_id, PromotionVersion.version == version))
    return None if row is None else _version(row)


def _version(row: PromotionVersion) -> VersionRecord:
    """Version row -> record."""
    return VersionRecord(row.version, dict(row.definition), row.created_by, row.created_at,
                         Limits.from_json(row.limits), row.restored_from)


def add_version(
    session: Session, promotion_id: int, *, name: str, definition: dict[str, Any],
    starts_at: datetime | None, ends_at: datetime | None, created_by: str | None,
    limits: Limits | None = None, restored_from: int | None = None,
) -> int:
    """Append a new version (with the limits it saves) and make it current; returns its number (the
    row is locked meanwhile)."""
    row = session.get(Promotion, promotion_id, with_for_update=True)
    assert row is not None
    version = row.current_version + 1
    session.add(PromotionVersion(promotion_id=promotion_id, version=version, definition=definition,
                                 limits=None if limits is None else limits.as_json(),
                                 restored_from=restored_from, created_by=created_by))
    row.current_version, row.name, row.starts_at, row.ends_at = version, name, starts_at, ends_at
    session.flush()
    return version


def set_limits(
    session: Session, promotion_id: int, *, budget_amount: Decimal | None,
    budget_uses: int | None, per_customer_limit: int | None,
) -> bool:
    """Change budgets and the per-customer limit; False if a budget would fall below what is used."""
    guards = [Promotion.id == promotion_id]
    if budget_amount is not None:
        guards.append(Promotion.used_amount <= budget_amount)
    if budget_uses is not None:
        guards.append(Promotion.used_uses <= budget_uses)
    result = session.execute(
        sa.update(Promotion)
        .where(*guards)
        .values(budget_amount=budget_amount, budget_uses=budget_uses,
                per_customer_limit=per_customer_limit, updated_at=utcnow())
    )
    return result.rowcount == 1


def set_status(session: Session, promotion_id: int, status: str, *, only_from: Iterable[str]) -> bool:
    """Move to ``status`` if the stored status is one of ``only_from``; False otherwise."""
    result = session.execute(
        sa.update(Promotion)
        .where(Promotion.id == promotion_id, Promotion.status.in_(list(only_from)))
        .values(status=status, updated_at=utcnow())
    )
    return result.rowcount == 1


def delete_draft(session: Session, promotion_id: int) -> bool:
    """Delete a promotion that is still a draft and never used; False otherwise."""
    used = session.scalar(sa.select(sa.func.count()).select_from(OrderPromotion).where(
        OrderPromotion.promotion_id == promotion_id))
    linked = session.scalar(sa.select(sa.func.count()).select_from(CouponTemplate).where(
        CouponTemplate.promotion_id == promotion_id))
    if used or linked:
        return False
    result = session.execute(sa.delete(Promotion).where(
        Promotion.id == promotion_id, Promotion.status == "draft"))
    return result.rowcount == 1


def consume_budget(session: Session, promotion_id: int, amount: Decimal, uses: int = 1) -> bool:
    """Take ``amount`` and ``uses`` from the budgets of a running (not paused or ended) promotion if
    both still fit; False (nothing taken) otherwise."""
    result = session.execute(
        sa.update(Promotion)
        .where(
            Promotion.id == promotion_id,
            Promotion.status.in_(RUNNING),
            sa.or_(Promotion.budget_uses.is_(None), Promotion.used_uses + uses <= Promotion.budget_uses),
            sa.or_(Promotion.budget_amount.is_(None),
                   Promotion.used_amount + amount <= Promotion.budget_amount),
        )
        .values(used_uses=Promotion.used_uses + uses, used_amount=Promotion.used_amount + amount)
    )
    return result.rowcount == 1


def release_budget(session: Session, promotion_id: int, amount: Decimal, uses: int = 1) -> None:
    """Give back what ``consume_budget`` took (an order cancelled)."""
    session.execute(
        sa.update(Promotion).where(Promotion.id == promotion_id)
        .values(used_uses=Promotion.used_uses - uses, used_amount=Promotion.used_amount - amount)
    )


def dialect_insert(session: Session) -> Any:
    """The dialect's INSERT supporting ON CONFLICT (PostgreSQL and SQLite share the API)."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def count_under_limit(session: Session, table: Any, keys: dict[str, int], counter: str,
                      limit: int | None) -> bool:
    """Add one to ``counter`` of the row at ``keys`` (created at 1) unless that passes ``limit``.

    One INSERT .. ON CONFLICT DO UPDATE .. WHERE, so concurrent callers never go past the limit.
    Returns False (nothing counted) when the limit is reached.
    """
    if limit is not None and limit < 1:
        return False
    column = table.c[counter]
    stmt = dialect_insert(session)(table).values(**keys, **{counter: 1})
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c[k] for k in keys],
        set_={counter: column + 1},
        where=None if limit is None else column + 1 <= limit,
    )
    # RETURNING, not rowcount: psycopg reports -1 for INSERT .. ON CONFLICT through SQLAlchemy
    return session.execute(stmt.returning(table.c.id)).first() is not None


def consume_customer_use(session: Session, promotion_id: int, customer_id: int, limit: int | None) -> bool:
    """Count one use of the promotion by the customer if under ``limit``; False (nothing counted) otherwise."""
    return count_under_limit(session, PromotionCustomerUse.__table__,
                             {"promotion_id": promotion_id, "customer_id": customer_id}, "uses", limit)


def release_customer_use(session: Session, promotion_id: int, customer_id: int) -> None:
    """Give back one use (an order cancelled)."""
    session.execute(
        sa.update(PromotionCustomerUse)
        .where(PromotionCustomerUse.promotion_id == promotion_id,
               PromotionCustomerUse.customer_id == customer_id, PromotionCustomerUse.uses > 0)
        .values(uses=PromotionCustomerUse.uses - 1)
    )


def record_order_promotion(session: Session, record: OrderPromotionRecord) -> None:
    """Store what a promotion gave an order."""
    session.add(OrderPromotion(**record.__dict__))
    session.flush()


def order_promotions(session: Session, order_id: int) -> list[OrderPromotionRecord]:
    """What each promotion gave the order."""
    rows = session.scalars(sa.select(OrderPromotion).where(OrderPromotion.order_id == order_id)
                           .order_by(OrderPromotion.promotion_id))
    return [OrderPromotionRecord(
        order_id=r.order_id, promotion_id=r.promotion_id, promotion_version=r.promotion_version,
        customer_id=r.customer_id, amount=r.amount, discount=r.discount, shipping_off=r.shipping_off,
        gift_sku=r.gift_sku, gift_qty=r.gift_qty, coupon_id=r.coupon_id,
    ) for r in rows]
