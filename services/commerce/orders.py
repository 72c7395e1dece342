"""Confirm an order: re-quote on the server, then consume every limit in one transaction.

``confirm_order(request, idempotency_key)``:

1. validates the request (every bad field at once) and the key;
2. a key seen before returns the stored response if the request is the same, and raises
   ``Conflict("idempotency_key_reused")`` (409) if it differs; only confirmed orders are stored
   under their key — a refused request consumed nothing and may be retried with the same key;
3. prices the cart on the server (``pricing.price``: products-table prices, live promotions,
   budgets, per-customer use, coupons, gift stock);
4. refuses a presented coupon that cannot be used (``coupon_unusable``) and, when the client sent
   ``expected_total``, a total that differs from it (``price_changed``, with the new quote);
5. in ONE transaction: claims the key, inserts the order (``pending``) and its lines, then takes,
   always in the same order (promotion id; gift SKU; coupon id; product id) so that concurrent
   orders cannot deadlock: each applied promotion's budget (uses and amount) and the customer's use,
   each gift, each coupon, and the stock of each line at the location. Every step is a conditional
   UPDATE whose rowcount is checked, so concurrent confirmations on PostgreSQL never go past a
   budget, a limit, a coupon's single use, a gift stock or the free stock of a SKU.

If a promotion, a per-customer use or a gift runs out between pricing and taking it, the
transaction is rolled back (nothing consumed) and the order is priced again without it — the
customer gets the next best price, or ``price_changed`` if they sent ``expected_total``. A coupon
taken meanwhile (the same customer's other order) gives ``coupon_unusable``; a SKU without enough
free stock gives ``out_of_stock``. Both are refusals with nothing consumed.

``pay_order`` turns the reservation into a sale and counts the order in the customer's aggregates;
``cancel_order`` (a pending order) gives everything back; ``refund_order`` (a paid order) takes it out
of the aggregates again.

**Customer aggregates.** ``orders_count``, ``total_spent``, ``first_order_at`` and ``last_order_at``
count *paid* orders only — as the demo loader computes them (``services.demo.profiles``): a pending
(confirmed, unpaid), cancelled or refunded order does not count. They change with the order's status
in the same transaction, by SQL increments (``order_repo.count_paid_order`` /
``uncount_paid_order``), and only when the conditional status UPDATE moved the order, so a second
pay, cancel or refund of the same order (409 ``invalid_transition``) changes nothing. ``customer.is_new``
(``orders_count == 0``) is thus false from the first payment on, for quotes, rules and segments alike.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from services.commerce import codes
from services.commerce.errors import Conflict, FieldProblem, InvalidInput, NotFound
from services.commerce.pricing import OrderInput, Priced, parse_order, price, promotion_amount
from storage.db import session_scope
from storage.models import utcnow
from storage.repositories import coupons as coupon_repo
from storage.repositories import inventory as inventory_repo
from storage.repositories import orders as order_repo
from storage.repositories import promotions as promo_repo
from storage.repositories.orders import LineRecord, OrderRecord
from storage.repositories.promotions import OrderPromotionRecord

SCOPE = "orders.confirm"
MAX_ATTEMPTS = 8
KEY_MAX = 128
# PostgreSQL: deadlock detected / serialization failure — safe to run the transaction again
_RETRYABLE_SQLSTATES = ("40P01", "40001")


class _RanOut(Exception):
    """A promotion, per-customer use or gift ran out after pricing: roll back and price again."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


@dataclass(frozen=True)
class Confirmation:
    """The order confirmed (``response`` is the API body); ``replayed`` if an earlier response."""

    response: dict[str, Any]
    replayed: bool

    @property
    def order_no(self) -> str:
        """The order's number."""
        return str(self.response["order_no"])


def request_hash(order: OrderInput) -> str:
    """SHA-256 of the validated request in canonical JSON (same request = same hash)."""
    doc = json.dumps(order.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(doc.encode()).hexdigest()


def _check_key(key: str | None) -> str:
    """The idempotency key, or InvalidInput."""
    if key is None or not key.strip() or len(key) > KEY_MAX or not key.isprintable():
        raise InvalidInput([FieldProblem("Idempotency-Key", f"required: 1 to {KEY_MAX} printable characters")])
    return key.strip()


def confirm_order(
    request: OrderInput | dict[str, Any], idempotency_key: str | None, *, now: datetime | None = None,
) -> Confirmation:
    """Confirm an order exactly once per idempotency key (see the module docstring).

    Raises:
        InvalidInput: bad fields (nothing consumed).
        Conflict: ``idempotency_key_reused``, ``coupon_unusable``, ``price_changed``, ``out_of_stock``,
            ``busy`` (could not get through after several rounds of contention).
    """
    problems: list[FieldProblem] = []
    try:
        key = _check_key(idempotency_key)
    except InvalidInput as exc:
        problems, key = exc.problems, ""
    try:
        order = parse_order(request)
    except InvalidInput as exc:
        raise InvalidInput(problems + exc.problems) from None
    if problems:
        raise InvalidInput(problems)
    digest = request_hash(order)
    earlier = _replay(key, digest)
    if earlier is not None:
        return earlier
    for _ in range(MAX_ATTEMPTS):
        try:
            return Confirmation(_attempt(order, key, digest, now or utcnow()), replayed=False)
        except _RanOut:
            continue
        except IntegrityError:
            earlier = _replay(key, digest)
            if earlier is None:
                raise
            return earlier
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) not in _RETRYABLE_SQLSTATES:
                raise
    raise Conflict("busy", "too many concurrent changes to the promotions of this cart; try again")


def _replay(key: str, digest: str) -> Confirmation | None:
    """The stored response for this key, Conflict if the key was used for another request, else None."""
    with session_scope() as s:
        seen = order_repo.get_idempotency(s, key)
    if seen is None or seen.response is None:
        return None
    if seen.scope != SCOPE or seen.request_hash != digest:
        raise Conflict("idempotency_key_reused", "this Idempotency-Key was used for a different request",
                       field="Idempotency-Key")
    return Confirmation(seen.response, replayed=True)


def _attempt(order: OrderInput, key: str, digest: str, now: datetime) -> dict[str, Any]:
    """Price and confirm in one transaction; returns the response body."""
    with session_scope() as s:
        priced = price(s, order, now)
        _refuse_if_unacceptable(priced)
        order_repo.insert_idempotency(s, key, SCOPE, digest)
        record = _order_record(s, priced, key, now)
        order_id = order_repo.insert_order(s, record)
        given = _consume(s, priced, order_id, now)
        response = _response(record, priced, given)
        order_repo.set_idempotency_response(s, key, response)
        return response


def _refuse_if_unacceptable(priced: Priced) -> None:
    """Presented coupons must all be usable; the total must be the one the client saw, if sent."""
    if priced.coupon_problems:
        raise Conflict("coupon_unusable", "a presented coupon cannot be used",
                       coupons=[c.__dict__ for c in priced.coupon_problems])
    expected = priced.cart.expected_total
    if expected is not None and expected != priced.quote.total:
        raise Conflict("price_changed", f"the total is now {priced.quote.total}, not {expected}",
                       total=str(priced.quote.total), quote=priced.quote.model_dump(mode="json"))


def _order_record(s: Session, priced: Priced, key: str, now: datetime) -> OrderRecord:
    """The order row and lines from the quote."""
    q, cart = priced.quote, priced.cart
    lines = [LineRecord(product_id=priced.products[ql.sku].id, sku=ql.sku, qty=ql.qty,
                        unit_price=priced.products[ql.sku].price, discount=ql.discount, amount=ql.total,
                        cost=priced.products[ql.sku].cost) for ql in q.lines]
    coupon = next((c.coupon.code for c in priced.candidates.values()
                   if c.coupon and c.record.code in q.combination), None)
    return OrderRecord(
        id=0, order_no=_order_no(now), customer_id=cart.customer_id, channel_code=cart.channel,
        location_code=cart.location, status="pending", placed_at=now, subtotal=q.subtotal,
        discount=q.discount, shipping=q.shipping, total=q.total, coupon_code=coupon,
        promotion_ids=list(q.combination), idempotency_key=key, lines=lines,
    )


def _order_no(now: datetime) -> str:
    """A unique, unguessable order number: SY + date + 10 random characters."""
    return f"SY{now:%Y%m%d}{codes.new_code()}"


def _consume(s: Session, priced: Priced, order_id: int, now: datetime) -> list[OrderPromotionRecord]:
    """Take budgets, uses, gifts, coupons and stock in a fixed order; record what each promotion gave."""
    customer_id = priced.cart.customer_id
    applied = sorted(priced.quote.applied, key=lambda a: priced.candidates[a.promotion_id].record.id)
    given: list[OrderPromotionRecord] = []
    for a in applied:
        cand = priced.candidates[a.promotion_id]
        amount = promotion_amount(a)
        if not promo_repo.consume_budget(s, cand.record.id, amount):
            raise _RanOut(f"budget of {a.promotion_id}")
        if customer_id is not None and not promo_repo.consume_customer_use(
                s, cand.record.id, customer_id, cand.record.per_customer_limit):
            raise _RanOut(f"per-customer use of {a.promotion_id}")
        gift = a.gifts[0] if a.gifts else None
        given.append(OrderPromotionRecord(
            order_id=order_id, promotion_id=cand.record.id, promotion_version=cand.record.current_version,
            customer_id=customer_id, amount=amount, discount=a.discount, shipping_off=a.shipping_off,
            gift_sku=gift.sku if gift else None, gift_qty=gift.qty if gift else 0,
            coupon_id=cand.coupon.id if cand.coupon else None,
        ))
    _take_gifts(s, given)
    _redeem_coupons(s, given, customer_id, order_id, now)
    _reserve_stock(s, priced)
    for rec in given:
        promo_repo.record_order_promotion(s, rec)
    return given


def _take_gifts(s: Session, given: list[OrderPromotionRecord]) -> None:
    """Take every gift, SKU by SKU."""
    per_sku: dict[str, int] = {}
    for rec in given:
        if rec.gift_sku:
            per_sku[rec.gift_sku] = per_sku.get(rec.gift_sku, 0) + rec.gift_qty
    for sku in sorted(per_sku):
        if not inventory_repo.give_gift(s, sku, per_sku[sku]):
            raise _RanOut(f"gift {sku}")


def _redeem_coupons(s: Session, given: list[OrderPromotionRecord], customer_id: int | None, order_id: int,
                    now: datetime) -> None:
    """Redeem the coupons of applied coupon promotions, by coupon id."""
    for coupon_id in sorted(r.coupon_id for r in given if r.coupon_id is not None):
        if customer_id is None or not coupon_repo.redeem(s, coupon_id, customer_id, order_id, now):
            raise _RanOut(f"coupon {coupon_id}")


def _reserve_stock(s: Session, priced: Priced) -> None:
    """Reserve every line at the location, by product id; refuse the order if one is short."""
    lines = sorted(priced.cart.lines, key=lambda ln: priced.products[ln.sku].id)
    for ln in lines:
        if not inventory_repo.reserve(s, priced.products[ln.sku].id, priced.cart.location, ln.qty):
            raise Conflict("out_of_stock", f"not enough {ln.sku} at {priced.cart.location}",
                           sku=ln.sku, location=priced.cart.location, field="lines")


def _response(record: OrderRecord, priced: Priced, given: list[OrderPromotionRecord]) -> dict[str, Any]:
    """The API body of a confirmed order."""
    codes_by_id = {c.record.id: c.record.code for c in priced.candidates.values()}
    coupon_by_id = {c.coupon.id: c.coupon.code for c in priced.candidates.values() if c.coupon}
    money = lambda d: str(Decimal(d).quantize(Decimal("0.01")))  # noqa: E731
    return {
        "order_no": record.order_no, "status": record.status, "customer_id": record.customer_id,
        "channel": record.channel_code, "location": record.location_code,
        "placed_at": record.placed_at.isoformat(),
        "subtotal": money(record.subtotal), "discount": money(record.discount),
        "shipping": money(record.shipping), "total": money(record.total),
        "lines": [{"sku": ln.sku, "qty": ln.qty, "unit_price": money(ln.unit_price),
                   "discount": money(ln.discount), "amount": money(ln.amount)} for ln in record.lines],
        "promotions": [{"promotion_id": codes_by_id[g.promotion_id], "version": g.promotion_version,
                        "amount": money(g.amount), "discount": money(g.discount),
                        "shipping_off": money(g.shipping_off),
                        "coupon_code": coupon_by_id.get(g.coupon_id) if g.coupon_id else None}
                       for g in given],
        "gifts": [{"promotion_id": codes_by_id[g.promotion_id], "sku": g.gift_sku, "qty": g.gift_qty}
                  for g in given if g.gift_sku],
        "withheld": [w.__dict__ for w in priced.withheld],
    }


def get_order(order_no: str) -> OrderRecord:
    """An order and its lines (NotFound if there is none)."""
    with session_scope() as s:
        found = order_repo.get_order(s, order_no)
    if found is None:
        raise NotFound("order", order_no)
    return found


def pay_order(order_no: str) -> OrderRecord:
    """Mark a pending order paid: its reserved stock leaves the shelf and it counts in the customer's
    aggregates (Conflict unless pending: paying twice changes nothing)."""
    with session_scope() as s:
        found = _move(s, order_no, "pay", "pending", "paid")
        for ln in sorted(found.lines, key=lambda x: x.product_id):
            inventory_repo.fulfil(s, ln.product_id, found.location_code or "", ln.qty)
        if found.customer_id is not None:
            order_repo.count_paid_order(s, found.customer_id, found.total, found.placed_at)
    return get_order(order_no)


def refund_order(order_no: str) -> OrderRecord:
    """Refund a paid order: it no longer counts in the customer's aggregates (Conflict unless paid:
    refunding twice changes nothing).

    Like the demo data's refunded orders, the promotion budgets, per-customer uses and coupons it
    used stay used (the discount was given), and the stock that left the shelf does not come back
    by itself (returned goods are counted in again by hand).
    """
    with session_scope() as s:
        found = _move(s, order_no, "refund", "paid", "refunded")
        if found.customer_id is not None:
            order_repo.uncount_paid_order(s, found.customer_id, found.total, found.placed_at)
    return get_order(order_no)


def cancel_order(order_no: str) -> OrderRecord:
    """Cancel a pending order: stock, budgets, per-customer uses, gifts and coupons are given back."""
    with session_scope() as s:
        found = _move(s, order_no, "cancel", "pending", "cancelled")
        for g in promo_repo.order_promotions(s, found.id):
            promo_repo.release_budget(s, g.promotion_id, g.amount)
            if g.customer_id is not None:
                promo_repo.release_customer_use(s, g.promotion_id, g.customer_id)
            if g.gift_sku:
                inventory_repo.return_gift(s, g.gift_sku, g.gift_qty)
            if g.coupon_id is not None:
                coupon_repo.unredeem(s, g.coupon_id, found.id)
        for ln in sorted(found.lines, key=lambda x: x.product_id):
            inventory_repo.release(s, ln.product_id, found.location_code or "", ln.qty)
    return get_order(order_no)


def _move(s: Session, order_no: str, action: str, from_status: str, to_status: str) -> OrderRecord:
    """Move an order from ``from_status`` to ``to_status`` with a conditional UPDATE (Conflict if it is
    not in ``from_status``; of two concurrent moves of the same order, the second loses)."""
    found = order_repo.get_order(s, order_no)
    if found is None:
        raise NotFound("order", order_no)
    if not order_repo.move_status(s, found.id, from_status=from_status, to_status=to_status):
        status = (order_repo.get_order(s, order_no) or found).status  # as a concurrent move left it
        raise Conflict("invalid_transition", f"cannot {action} an order that is {status}", status=status)
    return found
