"""Enforcement of promotions at checkout: usage counters, coupon batches, gift stock, order promotions.

Every counter here is consumed with a conditional UPDATE (or an upsert guarded by a WHERE) in the
order's transaction, so concurrent checkouts never take more than a limit; the CHECK constraints are
the last line of defence.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, IdMixin, Money, utcnow


class PromotionCustomerUse(IdMixin, Base):
    """How many orders of one customer used one promotion (for ``per_customer_limit``)."""

    __tablename__ = "promotion_customer_uses"

    promotion_id: Mapped[int] = mapped_column(sa.ForeignKey("promotions.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    uses: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        sa.UniqueConstraint("promotion_id", "customer_id"),
        sa.CheckConstraint("uses >= 0", name="uses_not_negative"),
    )


class CouponCustomerClaim(IdMixin, Base):
    """How many coupons of one template one customer claimed (for the template's per-customer limit)."""

    __tablename__ = "coupon_customer_claims"

    template_id: Mapped[int] = mapped_column(
        sa.ForeignKey("coupon_templates.id", ondelete="CASCADE")
    )
    customer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    claimed: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        sa.UniqueConstraint("template_id", "customer_id"),
        sa.CheckConstraint("claimed >= 0", name="claimed_not_negative"),
    )


class CouponBatch(IdMixin, Base):
    """A batch of pre-generated coupon codes of one template (printed, sent by SMS, ...)."""

    __tablename__ = "coupon_batches"

    template_id: Mapped[int] = mapped_column(sa.ForeignKey("coupon_templates.id"), index=True)
    size: Mapped[int]
    created_by: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.CheckConstraint("size > 0", name="size_positive"),)


class GiftStock(IdMixin, Base):
    """Gifts set aside for gift promotions, per SKU: ``quantity`` in total, ``given`` so far."""

    __tablename__ = "gift_stock"

    sku: Mapped[str] = mapped_column(sa.String(64), unique=True)
    quantity: Mapped[int] = mapped_column(default=0)
    given: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        sa.CheckConstraint("given >= 0 AND given <= quantity", name="given_within_quantity"),
    )


class OrderPromotion(IdMixin, Base):
    """What one promotion gave one order: the record every consumed budget adds up to."""

    __tablename__ = "order_promotions"

    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    promotion_id: Mapped[int] = mapped_column(sa.ForeignKey("promotions.id"), index=True)
    promotion_version: Mapped[int]
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    discount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    shipping_off: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    gift_sku: Mapped[str | None] = mapped_column(sa.String(64))
    gift_qty: Mapped[int] = mapped_column(default=0)
    coupon_id: Mapped[int | None] = mapped_column(sa.ForeignKey("coupons.id"), index=True)

    __table_args__ = (sa.UniqueConstraint("order_id", "promotion_id"),)
