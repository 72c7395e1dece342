"""Catalogue lookups for the back office: categories, products and sales channels (read only).

The promotion editor picks its scope from these (category codes and SKUs, exactly what the promotion
engine matches on: a cart line's category is its product's category code) and the checkout
simulator builds carts from them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from storage.db import session_scope
from storage.models import Category, Channel, Product

SEARCH_LIMIT_MAX = 100


@dataclass(frozen=True)
class CategoryOption:
    """A category with its names and the code of its parent (None for a top-level one)."""

    code: str
    name_zh: str
    name_en: str
    parent_code: str | None


@dataclass(frozen=True)
class ProductOption:
    """A product as pickers show it."""

    sku: str
    name: str
    category: str | None
    price: Decimal
    active: bool


@dataclass(frozen=True)
class ChannelOption:
    """A sales channel."""

    code: str
    name_zh: str
    name_en: str


def categories() -> list[CategoryOption]:
    """Every category, parents before their children, each level by code."""
    parent = sa.orm.aliased(Category)
    query = (sa.select(Category, parent.code).outerjoin(parent, parent.id == Category.parent_id)
             .order_by(sa.func.coalesce(parent.code, Category.code), Category.parent_id.is_not(None),
                       Category.code))
    with session_scope() as s:
        return [CategoryOption(c.code, c.name_zh, c.name_en, p) for c, p in s.execute(query)]


def _product_query() -> sa.Select[tuple[Product, str | None]]:
    """Products with their category code."""
    return sa.select(Product, Category.code).outerjoin(Category, Category.id == Product.category_id)


def _option(product: Product, category: str | None) -> ProductOption:
    """Row -> option."""
    return ProductOption(product.sku, product.name, category, Decimal(product.price).quantize(Decimal("0.01")),
                         product.status == "active")


def search_products(q: str | None = None, *, category: str | None = None, limit: int = 20) -> list[ProductOption]:
    """Active products whose SKU or name contains ``q``, optionally in one category.

    Args:
        q: part of the SKU (case-insensitive) or of the name; empty = any.
        category: a category code; a top-level code also matches its children.
        limit: 1..100 rows, ordered by SKU.
    """
    limit = min(max(1, limit), SEARCH_LIMIT_MAX)
    query = _product_query().where(Product.status == "active")
    term = (q or "").strip()
    if term:
        query = query.where(sa.or_(sa.func.upper(Product.sku).contains(term.upper(), autoescape=True),
                                   Product.name.contains(term, autoescape=True)))
    if category:
        parent = sa.select(Category.id).where(Category.code == category).scalar_subquery()
        query = query.where(sa.or_(Category.code == category, Category.parent_id == parent))
    with session_scope() as s:
        return [_option(p, c) for p, c in s.execute(query.order_by(Product.sku).limit(limit))]


def products_by_sku(skus: Iterable[str]) -> dict[str, ProductOption]:
    """The products with these SKUs (active or not); unknown SKUs are left out."""
    wanted = sorted(set(skus))
    if not wanted:
        return {}
    with session_scope() as s:
        rows = s.execute(_product_query().where(Product.sku.in_(wanted))).all()
    return {p.sku: _option(p, c) for p, c in rows}


def channels() -> list[ChannelOption]:
    """Every sales channel, by code."""
    with session_scope() as s:
        return [ChannelOption(c.code, c.name_zh, c.name_en)
                for c in s.scalars(sa.select(Channel).order_by(Channel.code))]
