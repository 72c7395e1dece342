"""Catalogue and channels: Channel, Store, Category, Product, Inventory, Tier."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, IdMixin, Money, Rate, utcnow


class Channel(Base):
    """A sales channel: 'store', 'online', 'miniprogram', 'crm'."""

    __tablename__ = "channels"

    code: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.String(64))
    name_en: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(32))


class Store(IdMixin, Base):
    """A physical store."""

    __tablename__ = "stores"

    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(128))
    city: Mapped[str] = mapped_column(sa.String(64))
    province: Mapped[str] = mapped_column(sa.String(64))
    region: Mapped[str] = mapped_column(sa.String(64))
    opened_at: Mapped[datetime | None]
    channel_code: Mapped[str] = mapped_column(sa.ForeignKey("channels.code"), default="store")


class Category(IdMixin, Base):
    """A product category (tree through parent_id)."""

    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(128))
    name_en: Mapped[str] = mapped_column(sa.String(128))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("categories.id"))


class Product(IdMixin, Base):
    """A sellable product (SKU)."""

    __tablename__ = "products"

    sku: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(256))
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("categories.id"), index=True)
    brand: Mapped[str | None] = mapped_column(sa.String(128))
    price: Mapped[Decimal] = mapped_column(Money)
    cost: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[str] = mapped_column(sa.String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.CheckConstraint("status IN ('active','inactive')", name="status"),)


class Inventory(IdMixin, Base):
    """Stock of one product at one location (store code or 'WH-ONLINE')."""

    __tablename__ = "inventory"

    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    location_code: Mapped[str] = mapped_column(sa.String(32))
    on_hand: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.UniqueConstraint("product_id", "location_code"),)


class Tier(Base):
    """A membership tier."""

    __tablename__ = "tiers"

    code: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.String(64))
    name_en: Mapped[str] = mapped_column(sa.String(64))
    min_spent: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    points_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal("1"))
    rank: Mapped[int] = mapped_column(default=0)
