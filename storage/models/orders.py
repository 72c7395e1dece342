"""Orders, order lines and behaviour events."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, IdMixin, JSONType, Money, TimestampMixin, utcnow

ORDER_STATUSES = ("paid", "refunded", "cancelled", "pending")
EVENT_TYPES = (
    "view", "click", "share", "claim_coupon", "signup", "add_to_cart", "purchase", "page_view",
)
EVENT_CHANNELS = ("short_video", "search", "wechat_oa", "miniprogram", "community", "offline_store")


class Order(IdMixin, TimestampMixin, Base):
    """A customer order from any channel."""

    __tablename__ = "orders"

    order_no: Mapped[str] = mapped_column(sa.String(64), unique=True)
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    channel_code: Mapped[str] = mapped_column(sa.ForeignKey("channels.code"), index=True)
    store_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stores.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="paid")
    placed_at: Mapped[datetime] = mapped_column(index=True)
    subtotal: Mapped[Decimal] = mapped_column(Money)
    discount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    shipping: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    total: Mapped[Decimal] = mapped_column(Money)
    coupon_code: Mapped[str | None] = mapped_column(sa.String(64))
    promotion_ids: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(128), unique=True)
    # where the stock of a confirmed order is reserved (store code or 'WH-ONLINE')
    location_code: Mapped[str | None] = mapped_column(sa.String(32))

    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('paid','refunded','cancelled','pending')", name="status"
        ),
        sa.Index(None, "status", "placed_at"),
    )


class OrderLine(IdMixin, Base):
    """One line of an order."""

    __tablename__ = "order_lines"

    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"), index=True)
    sku: Mapped[str] = mapped_column(sa.String(64))
    qty: Mapped[int]
    unit_price: Mapped[Decimal] = mapped_column(Money)
    discount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    amount: Mapped[Decimal] = mapped_column(Money)
    cost: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))


class Event(IdMixin, Base):
    """A behaviour event (view, click, share, purchase...) with channel and UTM attribution."""

    __tablename__ = "events"

    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    anonymous_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    type: Mapped[str] = mapped_column(sa.String(32), index=True)
    channel: Mapped[str | None] = mapped_column(sa.String(32))
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    page_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pages.id"), index=True)
    utm_source: Mapped[str | None] = mapped_column(sa.String(128))
    utm_medium: Mapped[str | None] = mapped_column(sa.String(128))
    utm_campaign: Mapped[str | None] = mapped_column(sa.String(128))
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    props: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
