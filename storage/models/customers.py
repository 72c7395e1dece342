"""Unified customers, their tags and identities (PII encrypted, see storage.crypto)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import (
    Base,
    BlindIndex,
    EncryptedString,
    IdMixin,
    Money,
    TimestampMixin,
    utcnow,
)


class Customer(IdMixin, TimestampMixin, Base):
    """A unified customer profile. name/phone/email are encrypted; *_bidx for equality lookups."""

    __tablename__ = "customers"
    __pii__: ClassVar[dict[str, str]] = {"name": "text", "phone": "phone", "email": "email"}

    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    name: Mapped[str | None] = mapped_column(EncryptedString)
    name_bidx: Mapped[str | None] = mapped_column(BlindIndex, index=True)
    phone: Mapped[str | None] = mapped_column(EncryptedString)
    phone_bidx: Mapped[str | None] = mapped_column(BlindIndex, index=True)
    email: Mapped[str | None] = mapped_column(EncryptedString)
    email_bidx: Mapped[str | None] = mapped_column(BlindIndex, index=True)
    gender: Mapped[str] = mapped_column(sa.String(1), default="U")
    birth_date: Mapped[date | None]
    province: Mapped[str | None] = mapped_column(sa.String(64))
    city: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    tier: Mapped[str] = mapped_column(sa.String(32), default="member", index=True)
    is_member: Mapped[bool] = mapped_column(default=False)
    points_balance: Mapped[int] = mapped_column(default=0)
    total_spent: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    orders_count: Mapped[int] = mapped_column(default=0)
    first_order_at: Mapped[datetime | None]
    last_order_at: Mapped[datetime | None] = mapped_column(index=True)
    registered_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    first_channel: Mapped[str | None] = mapped_column(sa.String(32))

    __table_args__ = (sa.CheckConstraint("gender IN ('M','F','U')", name="gender"),)


class CustomerTag(IdMixin, Base):
    """A tag on a customer (from a rule, by hand or imported)."""

    __tablename__ = "customer_tags"

    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"))
    tag: Mapped[str] = mapped_column(sa.String(64), index=True)
    source: Mapped[str] = mapped_column(sa.String(16), default="manual")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("customer_id", "tag"),
        sa.CheckConstraint("source IN ('rule','manual','import')", name="source"),
    )


class CustomerIdentity(IdMixin, Base):
    """One identifier of a customer in one namespace; value encrypted, value_bidx unique per namespace."""

    __tablename__ = "customer_identities"
    __pii__: ClassVar[dict[str, str]] = {"value": "namespace"}

    customer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    namespace: Mapped[str] = mapped_column(sa.String(32))
    value: Mapped[str] = mapped_column(EncryptedString)
    value_bidx: Mapped[str] = mapped_column(BlindIndex)
    source_channel: Mapped[str | None] = mapped_column(sa.String(32))
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("namespace", "value_bidx"),)
