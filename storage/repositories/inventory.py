"""Stock per product and location, and gift stock per SKU.

Reservations and gifts are taken with conditional UPDATEs (``on_hand - reserved >= qty``,
``given + qty <= quantity``): a False return means "not enough, nothing changed", so no SKU is ever
oversold, also under concurrent transactions.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import GiftStock, Inventory
from storage.repositories.promotions import dialect_insert


def set_on_hand(session: Session, product_id: int, location_code: str, on_hand: int) -> None:
    """Set the stock of a product at a location (creating the row; reservations kept)."""
    table = Inventory.__table__
    stmt = dialect_insert(session)(table).values(
        product_id=product_id, location_code=location_code, on_hand=on_hand, reserved=0)
    stmt = stmt.on_conflict_do_update(index_elements=[table.c.product_id, table.c.location_code],
                                      set_={"on_hand": on_hand})
    session.execute(stmt)


def stock(session: Session, product_ids: Iterable[int], location_code: str) -> dict[int, tuple[int, int]]:
    """(on_hand, reserved) per product at the location (products without a row are missing)."""
    ids = list(product_ids)
    if not ids:
        return {}
    rows = session.execute(sa.select(Inventory.product_id, Inventory.on_hand, Inventory.reserved).where(
        Inventory.location_code == location_code, Inventory.product_id.in_(ids)))
    return {pid: (on_hand, reserved) for pid, on_hand, reserved in rows}


def reserve(session: Session, product_id: int, location_code: str, qty: int) -> bool:
    """Reserve ``qty`` units if that many are free (on hand, not reserved); False otherwise."""
    result = session.execute(
        sa.update(Inventory)
        .where(Inventory.product_id == product_id, Inventory.location_code == location_code,
               Inventory.on_hand - Inventory.reserved >= qty)
        .values(reserved=Inventory.reserved + qty)
    )
    return result.rowcount == 1


def release(session: Session, product_id: int, location_code: str, qty: int) -> None:
    """Give back a reservation (order cancelled)."""
    session.execute(
        sa.update(Inventory)
        .where(Inventory.product_id == product_id, Inventory.location_code == location_code)
        .values(reserved=Inventory.reserved - qty)
    )


def fulfil(session: Session, product_id: int, location_code: str, qty: int) -> bool:
    """Turn a reservation into a sale: on_hand and reserved both go down by ``qty``."""
    result = session.execute(
        sa.update(Inventory)
        .where(Inventory.product_id == product_id, Inventory.location_code == location_code,
               Inventory.reserved >= qty, Inventory.on_hand >= qty)
        .values(on_hand=Inventory.on_hand - qty, reserved=Inventory.reserved - qty)
    )
    return result.rowcount == 1


def set_gift_stock(session: Session, sku: str, quantity: int) -> bool:
    """Set the gifts set aside for ``sku``; False if fewer than already given."""
    table = GiftStock.__table__
    stmt = dialect_insert(session)(table).values(sku=sku, quantity=quantity, given=0)
    stmt = stmt.on_conflict_do_update(index_elements=[table.c.sku], set_={"quantity": quantity},
                                      where=table.c.given <= quantity)
    # RETURNING, not rowcount: psycopg reports -1 for INSERT .. ON CONFLICT through SQLAlchemy
    return session.execute(stmt.returning(table.c.id)).first() is not None


_GIFT = GiftStock.__table__
# built once (a quote asks for every cart with a gift promotion)
_GIFTS_LEFT = sa.select(_GIFT.c.sku, _GIFT.c.quantity - _GIFT.c.given).where(
    _GIFT.c.sku.in_(sa.bindparam("skus", expanding=True)))


def gifts_left(session: Session, skus: Iterable[str]) -> dict[str, int]:
    """Gifts still available per SKU; SKUs without a row are not tracked (missing = unlimited)."""
    skus = list(skus)
    if not skus:
        return {}
    rows = session.execute(_GIFTS_LEFT, {"skus": skus})
    return {sku: int(left) for sku, left in rows}


def give_gift(session: Session, sku: str, qty: int) -> bool:
    """Take ``qty`` gifts if tracked and enough are left (untracked SKUs: always True)."""
    if session.scalar(sa.select(GiftStock.id).where(GiftStock.sku == sku)) is None:
        return True
    result = session.execute(
        sa.update(GiftStock).where(GiftStock.sku == sku, GiftStock.given + qty <= GiftStock.quantity)
        .values(given=GiftStock.given + qty)
    )
    return result.rowcount == 1


def return_gift(session: Session, sku: str, qty: int) -> None:
    """Give back gifts (order cancelled)."""
    session.execute(sa.update(GiftStock).where(GiftStock.sku == sku, GiftStock.given >= qty)
                    .values(given=GiftStock.given - qty))
