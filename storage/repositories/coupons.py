"""Coupon templates, code batches, claims and redemptions.

Stock, per-customer limits and single use are enforced by conditional UPDATEs / guarded upserts:
a False return means "refused, nothing changed", also under concurrent transactions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import (
    Coupon,
    CouponBatch,
    CouponCustomerClaim,
    CouponTemplate,
    Promotion,
)
from storage.repositories.errors import DuplicateError
from storage.repositories.promotions import count_under_limit

INSERT_CHUNK = 1000


@dataclass(frozen=True)
class TemplateRecord:
    """A coupon template as plain values (``promotion_code`` of the promotion it unlocks)."""

    id: int
    code: str
    name: str
    kind: str
    promotion_id: int | None
    promotion_code: str | None
    claim_starts_at: datetime | None
    claim_ends_at: datetime | None
    stock: int | None
    claimed: int
    per_customer_limit: int | None
    valid_days: int | None


@dataclass(frozen=True)
class CouponRecord:
    """One coupon instance."""

    id: int
    template_id: int
    code: str
    customer_id: int | None
    status: str
    claimed_at: datetime | None
    redeemed_at: datetime | None
    expires_at: datetime | None
    order_id: int | None
    batch_id: int | None


@dataclass(frozen=True)
class BatchRecord:
    """A batch of generated codes."""

    id: int
    template_id: int
    size: int
    created_by: str | None
    created_at: datetime


TEMPLATE_FIELDS = ("name", "kind", "promotion_id", "claim_starts_at", "claim_ends_at", "stock",
                   "per_customer_limit", "valid_days")


def _template(row: CouponTemplate, promotion_code: str | None) -> TemplateRecord:
    """Row -> record."""
    return TemplateRecord(
        id=row.id, code=row.code, name=row.name, kind=row.kind, promotion_id=row.promotion_id,
        promotion_code=promotion_code, claim_starts_at=row.claim_starts_at,
        claim_ends_at=row.claim_ends_at, stock=row.stock, claimed=row.claimed,
        per_customer_limit=row.per_customer_limit, valid_days=row.valid_days,
    )


def _coupon(row: Coupon) -> CouponRecord:
    """Row -> record."""
    return CouponRecord(
        id=row.id, template_id=row.template_id, code=row.code, customer_id=row.customer_id,
        status=row.status, claimed_at=row.claimed_at, redeemed_at=row.redeemed_at,
        expires_at=row.expires_at, order_id=row.order_id, batch_id=row.batch_id,
    )


def _templates_query() -> sa.Select[tuple[CouponTemplate, str | None]]:
    """Templates with the code of their promotion."""
    return sa.select(CouponTemplate, Promotion.code).outerjoin(
        Promotion, Promotion.id == CouponTemplate.promotion_id)


def create_template(session: Session, *, code: str, **fields: object) -> TemplateRecord:
    """Insert a template (fields: TEMPLATE_FIELDS); DuplicateError if the code is taken."""
    if session.scalar(sa.select(CouponTemplate.id).where(CouponTemplate.code == code)) is not None:
        raise DuplicateError(f"code: {code!r} already exists", "code")
    row = CouponTemplate(code=code, claimed=0, **fields)
    session.add(row)
    session.flush()
    found = get_template(session, code)
    assert found is not None
    return found


def update_template(session: Session, template_id: int, **fields: object) -> bool:
    """Change template fields; False if the new stock would be below what is already claimed."""
    guards = [CouponTemplate.id == template_id]
    stock = fields.get("stock")
    if isinstance(stock, int):
        guards.append(CouponTemplate.claimed <= stock)
    result = session.execute(sa.update(CouponTemplate).where(*guards).values(**fields))
    return result.rowcount == 1


def get_template(session: Session, code: str) -> TemplateRecord | None:
    """The template with this code, or None."""
    found = session.execute(_templates_query().where(CouponTemplate.code == code)).first()
    return _template(found[0], found[1]) if found else None


def list_templates(session: Session) -> list[TemplateRecord]:
    """Every template, newest first."""
    rows = session.execute(_templates_query().order_by(CouponTemplate.id.desc())).all()
    return [_template(t, p) for t, p in rows]


def templates_by_ids(session: Session, ids: Iterable[int]) -> dict[int, TemplateRecord]:
    """Templates by id."""
    ids = list(ids)
    if not ids:
        return {}
    rows = session.execute(_templates_query().where(CouponTemplate.id.in_(ids))).all()
    return {t.id: _template(t, p) for t, p in rows}


def existing_codes(session: Session, codes: Iterable[str]) -> set[str]:
    """Which of these codes already exist."""
    codes = list(codes)
    found: set[str] = set()
    for i in range(0, len(codes), INSERT_CHUNK):
        chunk = codes[i:i + INSERT_CHUNK]
        found.update(session.scalars(sa.select(Coupon.code).where(Coupon.code.in_(chunk))))
    return found


def create_batch(session: Session, template_id: int, codes: list[str], created_by: str | None) -> BatchRecord:
    """Insert a batch and its codes (status ``issued``, nobody's yet)."""
    batch = CouponBatch(template_id=template_id, size=len(codes), created_by=created_by)
    session.add(batch)
    session.flush()
    rows = [{"template_id": template_id, "code": c, "status": "issued", "batch_id": batch.id}
            for c in codes]
    for i in range(0, len(rows), INSERT_CHUNK):
        session.execute(sa.insert(Coupon), rows[i:i + INSERT_CHUNK])
    return BatchRecord(batch.id, template_id, batch.size, created_by, batch.created_at)


def get_batch(session: Session, template_id: int, batch_id: int) -> BatchRecord | None:
    """The batch of this template, or None."""
    row = session.get(CouponBatch, batch_id)
    if row is None or row.template_id != template_id:
        return None
    return BatchRecord(row.id, row.template_id, row.size, row.created_by, row.created_at)


def list_batches(session: Session, limit: int = 50) -> list[tuple[BatchRecord, str]]:
    """The newest batches (any template) with their template's code, newest first."""
    rows = session.execute(
        sa.select(CouponBatch, CouponTemplate.code).join(CouponTemplate, CouponTemplate.id == CouponBatch.template_id)
        .order_by(CouponBatch.id.desc()).limit(limit)).all()
    return [(BatchRecord(b.id, b.template_id, b.size, b.created_by, b.created_at), code) for b, code in rows]


def batch_coupons(session: Session, batch_id: int) -> list[CouponRecord]:
    """The coupons of a batch, in code order."""
    rows = session.scalars(sa.select(Coupon).where(Coupon.batch_id == batch_id).order_by(Coupon.code))
    return [_coupon(r) for r in rows]


def get_coupon(session: Session, code: str) -> CouponRecord | None:
    """The coupon with this (normalised) code, or None."""
    row = session.scalar(sa.select(Coupon).where(Coupon.code == code))
    return _coupon(row) if row else None


def _coupons_statement() -> sa.Select[Any]:
    """Built once: coupons by code (expanding ``codes``) with the promotion their template unlocks."""
    c, t = Coupon.__table__, CouponTemplate.__table__
    return (sa.select(c.c.id, c.c.template_id, c.c.code, c.c.customer_id, c.c.status, c.c.claimed_at,
                      c.c.redeemed_at, c.c.expires_at, c.c.order_id, c.c.batch_id, t.c.promotion_id)
            .select_from(c.join(t, t.c.id == c.c.template_id))
            .where(c.c.code.in_(sa.bindparam("codes", expanding=True))))


_COUPONS = _coupons_statement()


def coupons_with_promotions(session: Session, codes: Iterable[str]) -> dict[str, tuple[CouponRecord, int | None]]:
    """Coupons by (normalised) code, each with the id of the promotion its template unlocks."""
    codes = list(codes)
    if not codes:
        return {}
    rows = session.execute(_COUPONS, {"codes": codes})
    return {r.code: (CouponRecord(*r[:-1]), r.promotion_id) for r in rows}


def customer_coupons(session: Session, customer_id: int) -> list[CouponRecord]:
    """The customer's coupons, newest claim first."""
    rows = session.scalars(sa.select(Coupon).where(Coupon.customer_id == customer_id)
                           .order_by(Coupon.claimed_at.desc(), Coupon.id.desc()))
    return [_coupon(r) for r in rows]


def take_stock(session: Session, template_id: int) -> bool:
    """Count one claim against the template's stock if any is left; False (nothing taken) otherwise."""
    result = session.execute(
        sa.update(CouponTemplate)
        .where(CouponTemplate.id == template_id,
               sa.or_(CouponTemplate.stock.is_(None), CouponTemplate.claimed + 1 <= CouponTemplate.stock))
        .values(claimed=CouponTemplate.claimed + 1)
    )
    return result.rowcount == 1


def count_customer_claim(session: Session, template_id: int, customer_id: int, limit: int | None) -> bool:
    """Count one claim by the customer if under ``limit``; False (nothing counted) otherwise."""
    return count_under_limit(session, CouponCustomerClaim.__table__,
                             {"template_id": template_id, "customer_id": customer_id}, "claimed", limit)


def insert_claimed(
    session: Session, template_id: int, code: str, customer_id: int, claimed_at: datetime,
    expires_at: datetime | None,
) -> CouponRecord:
    """A new coupon already claimed by the customer."""
    row = Coupon(template_id=template_id, code=code, customer_id=customer_id, status="claimed",
                 claimed_at=claimed_at, expires_at=expires_at)
    session.add(row)
    session.flush()
    return _coupon(row)


def bind_issued(
    session: Session, coupon_id: int, customer_id: int, claimed_at: datetime, expires_at: datetime | None,
) -> bool:
    """Give an issued batch code to the customer; False if someone has it already."""
    result = session.execute(
        sa.update(Coupon)
        .where(Coupon.id == coupon_id, Coupon.status == "issued", Coupon.customer_id.is_(None))
        .values(customer_id=customer_id, status="claimed", claimed_at=claimed_at, expires_at=expires_at)
    )
    return result.rowcount == 1


def redeem(session: Session, coupon_id: int, customer_id: int, order_id: int, now: datetime) -> bool:
    """Mark a claimed, unexpired coupon of this customer redeemed by the order; False otherwise."""
    result = session.execute(
        sa.update(Coupon)
        .where(Coupon.id == coupon_id, Coupon.customer_id == customer_id, Coupon.status == "claimed",
               sa.or_(Coupon.expires_at.is_(None), Coupon.expires_at > now))
        .values(status="redeemed", redeemed_at=now, order_id=order_id)
    )
    return result.rowcount == 1


def unredeem(session: Session, coupon_id: int, order_id: int) -> None:
    """Give a coupon back to its owner (its order was cancelled)."""
    session.execute(
        sa.update(Coupon).where(Coupon.id == coupon_id, Coupon.order_id == order_id,
                                Coupon.status == "redeemed")
        .values(status="claimed", redeemed_at=None, order_id=None)
    )
