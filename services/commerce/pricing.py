"""Quote a cart: server-side prices, the live promotions the customer may still use, the engine's best.

``quote_cart`` is what the checkout page shows; ``confirm_order`` prices the same way inside its
transaction (``price``). Prices and costs come from the products table, never from the client.

What takes part in a quote:
* promotions scheduled or live whose window contains now, not paused or ended;
* minus those whose budget (uses or amount) is used up, or that this customer has used
  ``per_customer_limit`` times; promotions with a per-customer limit need a known customer
  (anonymous carts do not get them); each is listed in ``withheld`` with the reason;
* a promotion unlocked by a coupon template applies only through a coupon of that template the
  customer claimed, presented in ``coupon_codes``, unused and unexpired (one per template); a
  promotion with its own shared ``coupon_code`` (``VIP10``) applies when that code is presented;
  presented codes that cannot be used are listed in ``coupon_problems`` with the reason;
* if the best combination would take more from a promotion's remaining amount budget than is
  left, that promotion is withheld (``budget_exhausted``) and the cart is quoted again.

A promotion's consumption ("amount") is what the customer saves through it: its discount, the
shipping it waived and the value of its gifts — the engine's ``saving``.

What a quote reads, all fresh in its own session (``confirm_order`` calls ``price`` inside its
transaction): the cart's products; the channel with the customer's tier, paid-order count and tags
(one statement); the running promotions with the text of their current definition, budgets and
use, whether a coupon template unlocks them and the customer's uses (one statement); presented
coupons with their template's promotion; the gift stock of gift candidates. Nothing is cached but
the *parse* of a definition: its JSON and engine model are kept per distinct stored text
(``_parsed``), so a definition changed in any way — edit, restore, a direct SQL update, another
process — is a new text and is parsed anew on the very next quote.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy.orm import Session

from engine.promotions import Cart, CartLine, Context, Customer, PromotionError, Quote, quote
from engine.promotions import Promotion as EnginePromotion
from services.commerce import codes
from services.commerce.errors import FieldProblem, InvalidInput, problems_from
from storage.db import session_scope
from storage.models import utcnow
from storage.repositories import coupons as coupon_repo
from storage.repositories import inventory as inventory_repo
from storage.repositories import orders as order_repo
from storage.repositories import promotions as promo_repo
from storage.repositories.coupons import CouponRecord
from storage.repositories.orders import CustomerFacts, ProductRecord
from storage.repositories.promotions import PromotionRecord, RunningRow
from storage.settings import get_settings

DEFAULT_CHANNEL = "online"
DEFAULT_LOCATION = "WH-ONLINE"
# Flat delivery fee of carts not picked up in a store (the engine's free_shipping waives it).
DELIVERY_FEE = Decimal("10.00")
PICKUP_CHANNELS = ("store",)
MAX_COUPONS = 5
# stored definition text -> (its JSON, its engine model); see _parsed
_PARSED: dict[str, tuple[dict[str, Any], EnginePromotion]] = {}
_PARSED_LIMIT = 4096


class LineInput(BaseModel):
    """A cart line as the client sends it: only what and how many (prices are the server's)."""

    model_config = ConfigDict(extra="forbid")

    sku: str = Field(min_length=1, max_length=64)
    qty: int = Field(ge=1, le=10_000)


class CartInput(BaseModel):
    """A cart: lines, the sales channel and the stock location (store code or ``WH-ONLINE``)."""

    model_config = ConfigDict(extra="forbid")

    lines: list[LineInput] = Field(min_length=1, max_length=200)
    channel: str = Field(default=DEFAULT_CHANNEL, min_length=1, max_length=32)
    location: str = Field(default=DEFAULT_LOCATION, min_length=1, max_length=32)

    @field_validator("lines")
    @classmethod
    def _one_line_per_sku(cls, lines: list[LineInput]) -> list[LineInput]:
        """Each SKU once (the client adds quantities up)."""
        skus = [ln.sku for ln in lines]
        dup = sorted({s for s in skus if skus.count(s) > 1})
        if dup:
            raise ValueError(f"each SKU may appear once; repeated: {', '.join(dup)}")
        return lines


class QuoteInput(CartInput):
    """A cart with who buys (None = anonymous) and the coupon codes presented."""

    customer_id: int | None = Field(default=None, ge=1)
    coupon_codes: list[str] = Field(default_factory=list, max_length=MAX_COUPONS)

    @field_validator("coupon_codes")
    @classmethod
    def _codes(cls, values: list[str]) -> list[str]:
        """Codes are 1..64 characters."""
        if any(not v.strip() or len(v) > 64 for v in values):
            raise ValueError("each code must have 1 to 64 characters")
        return values


class OrderInput(QuoteInput):
    """A checkout: the quote's input and, optionally, the total the customer saw (else any price goes)."""

    expected_total: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)


@dataclass(frozen=True)
class Withheld:
    """A live promotion left out of the quote, and why."""

    promotion_id: str
    reason: str  # budget_exhausted | per_customer_limit | needs_customer


@dataclass(frozen=True)
class CouponProblem:
    """A presented coupon code that cannot be used, and why."""

    code: str
    reason: str  # unknown | not_claimed | not_yours | needs_customer | used | expired | not_live | duplicate


@dataclass(frozen=True)
class Candidate:
    """A promotion that takes part in the quote (with the coupon that unlocks it, if any)."""

    record: PromotionRecord
    model: EnginePromotion
    coupon: CouponRecord | None = None


@dataclass
class Priced:
    """Everything a quote was made from: enough to confirm the order."""

    cart: OrderInput
    products: dict[str, ProductRecord]
    customer: CustomerFacts | None
    quote: Quote
    candidates: dict[str, Candidate]
    withheld: list[Withheld] = field(default_factory=list)
    coupon_problems: list[CouponProblem] = field(default_factory=list)


@dataclass(frozen=True)
class CartQuote:
    """The quote shown at checkout: the engine's Quote plus what the service withheld."""

    quote: Quote
    withheld: list[Withheld]
    coupon_problems: list[CouponProblem]
    coupons: dict[str, str]

    def as_json(self) -> dict[str, Any]:
        """JSON for the API (money as strings with two decimals)."""
        out = self.quote.model_dump(mode="json")
        out["withheld"] = [w.__dict__ for w in self.withheld]
        out["coupon_problems"] = [c.__dict__ for c in self.coupon_problems]
        out["coupons"] = dict(self.coupons)
        return out


def parse_order(data: OrderInput | dict[str, Any]) -> OrderInput:
    """Validate a cart / order request, raising InvalidInput with every bad field."""
    if isinstance(data, OrderInput):
        return data
    try:
        return OrderInput.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(problems_from(exc)) from None


def quote_cart(
    cart: CartInput | dict[str, Any], customer_id: int | None = None, coupon_codes: Sequence[str] = (),
    *, now: datetime | None = None,
) -> CartQuote:
    """Price a cart for a customer (None = anonymous) with the coupons they present.

    Raises:
        InvalidInput: unknown or inactive SKU, unknown channel or customer, malformed cart.
    """
    body = cart.model_dump() if isinstance(cart, BaseModel) else dict(cart)
    body.update(customer_id=customer_id, coupon_codes=list(coupon_codes))
    order = parse_order(body)
    with session_scope() as s:
        priced = price(s, order, now or utcnow())
    return CartQuote(priced.quote, priced.withheld, priced.coupon_problems, coupons_used(priced))


def coupons_used(priced: Priced) -> dict[str, str]:
    """Promotion id -> coupon code, for applied promotions unlocked by a coupon instance."""
    applied = {a.promotion_id for a in priced.quote.applied}
    return {pid: c.coupon.code for pid, c in priced.candidates.items() if c.coupon and pid in applied}


def price(s: Session, order: OrderInput, now: datetime) -> Priced:
    """Quote ``order`` on session ``s`` at ``now`` (see the module docstring for what takes part)."""
    products, customer = _facts(s, order)
    rows = promo_repo.running(s, now, customer.id if customer else None)
    live = {r.id: _live(r) for r in rows}
    by_template = {r.id for r in rows if r.has_template}
    uses = {r.id: r.customer_uses for r in rows} if customer else {}
    coupon_cands, shared_codes, problems = _coupons(s, order, customer, live, by_template, now)
    pool = [c for pid, c in live.items() if pid not in by_template] + coupon_cands
    candidates, withheld = _usable(pool, customer, uses)
    engine_cart = _engine_cart(order, products, [c.coupon.code for c in coupon_cands if c.coupon] + shared_codes)
    gift_stock = _gift_stock(s, candidates)
    engine_customer = _engine_customer(customer)
    context = Context(now=now, location=order.location)
    min_margin = Decimal(get_settings().min_margin)
    while True:
        q = _engine_quote(engine_cart, candidates, engine_customer, context, min_margin, gift_stock)
        over = _over_amount_budget(q, candidates)
        if not over:
            break
        for pid in over:
            del candidates[pid]
            withheld.append(Withheld(pid, "budget_exhausted"))
    return Priced(order, products, customer, q, candidates, withheld, problems)


def _facts(s: Session, order: OrderInput) -> tuple[dict[str, ProductRecord], CustomerFacts | None]:
    """Products of the lines, the channel and the customer, collecting every problem."""
    problems: list[FieldProblem] = []
    products = order_repo.products_by_sku(s, [ln.sku for ln in order.lines])
    for i, ln in enumerate(order.lines):
        p = products.get(ln.sku)
        if p is None or not p.active:
            problems.append(FieldProblem(f"lines.{i}.sku", f"no active product {ln.sku!r}"))
    channel_ok, customer = order_repo.checkout_facts(s, order.channel, order.customer_id)
    if not channel_ok:
        problems.append(FieldProblem("channel", f"no channel {order.channel!r}"))
    if order.customer_id is not None and customer is None:
        problems.append(FieldProblem("customer_id", f"no customer {order.customer_id}"))
    if problems:
        raise InvalidInput(problems)
    return products, customer


def _parsed(text: str) -> tuple[dict[str, Any], EnginePromotion]:
    """A stored definition's JSON and engine model, parsed and validated once per distinct text.

    Keyed by the very text read from the database, so the result is always that of the stored
    definition (never of an older one); the JSON is shared by every quote: read it, never change it.
    """
    found = _PARSED.get(text)
    if found is None:
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        definition = json.loads(text)
        found = _PARSED[text] = (definition, EnginePromotion.model_validate(definition))
    return found


def _live(row: RunningRow) -> Candidate:
    """A running promotion as a candidate (without a coupon)."""
    definition, model = _parsed(row.definition_text)
    return Candidate(row.record(definition), model)


def _coupons(
    s: Session, order: OrderInput, customer: CustomerFacts | None, live: dict[int, Candidate],
    by_template: set[int], now: datetime,
) -> tuple[list[Candidate], list[str], list[CouponProblem]]:
    """Presented codes -> coupon candidates, shared codes for the engine, and problems."""
    shared = {str(c.record.definition.get("coupon_code") or "").strip().upper()
              for pid, c in live.items() if pid not in by_template} - {""}
    found = coupon_repo.coupons_with_promotions(s, [codes.normalise(c) for c in order.coupon_codes])
    cands: list[Candidate] = []
    shared_codes: list[str] = []
    problems: list[CouponProblem] = []
    for raw in order.coupon_codes:
        coupon, promotion_id = found.get(codes.normalise(raw), (None, None))
        if coupon is None:
            if raw.strip().upper() in shared:
                shared_codes.append(raw.strip().upper())
            else:
                problems.append(CouponProblem(raw, "unknown"))
            continue
        reason = _coupon_reason(coupon, customer, now, promotion_id in live)
        if reason is None and any(c.record.id == promotion_id for c in cands):
            reason = "duplicate"
        if reason is not None:
            problems.append(CouponProblem(raw, reason))
            continue
        base = live[promotion_id]  # type: ignore[index]
        cands.append(Candidate(base.record, base.model.model_copy(update={"coupon_code": coupon.code}), coupon))
    return cands, shared_codes, problems


def _coupon_reason(coupon: CouponRecord, customer: CustomerFacts | None, now: datetime, live: bool) -> str | None:
    """Why this customer cannot use this coupon now, or None."""
    if coupon.status == "issued":
        return "not_claimed"
    if customer is None:
        return "needs_customer"
    if coupon.customer_id != customer.id:
        return "not_yours"
    if coupon.status != "claimed":
        return "used" if coupon.status == "redeemed" else coupon.status
    if coupon.expires_at is not None and now >= coupon.expires_at:
        return "expired"
    return None if live else "not_live"


def _usable(
    pool: list[Candidate], customer: CustomerFacts | None, uses: dict[int, int],
) -> tuple[dict[str, Candidate], list[Withheld]]:
    """Drop candidates whose budget is used up or that this customer may not use any more
    (``uses``: the customer's uses per promotion id)."""
    usable: dict[str, Candidate] = {}
    withheld: list[Withheld] = []
    for cand in pool:
        r = cand.record
        reason = None
        if (r.budget_uses is not None and r.used_uses >= r.budget_uses) or (
                r.budget_amount is not None and r.used_amount >= r.budget_amount):
            reason = "budget_exhausted"
        elif r.per_customer_limit is not None and customer is None:
            reason = "needs_customer"
        elif r.per_customer_limit is not None and uses.get(r.id, 0) >= r.per_customer_limit:
            reason = "per_customer_limit"
        if reason is None:
            usable[r.code] = cand
        else:
            withheld.append(Withheld(r.code, reason))
    return usable, withheld


def shipping_fee(order: CartInput) -> Decimal:
    """Store pick-up is free; everything else pays the flat delivery fee."""
    return Decimal("0.00") if order.channel in PICKUP_CHANNELS else DELIVERY_FEE


def _engine_cart(order: OrderInput, products: dict[str, ProductRecord], coupon_codes: list[str]) -> Cart:
    """The engine's cart with the server's prices and costs."""
    lines = [CartLine(sku=ln.sku, category=products[ln.sku].category, price=products[ln.sku].price,
                      cost=products[ln.sku].cost, qty=ln.qty) for ln in order.lines]
    return Cart(lines=lines, shipping_fee=shipping_fee(order), channel=order.channel, coupon_codes=coupon_codes)


def _engine_customer(facts: CustomerFacts | None) -> Customer:
    """The engine's customer: new = no paid order yet (``orders_count == 0``, as rules and segments read it)."""
    if facts is None:
        return Customer()
    return Customer(id=str(facts.id), is_new=facts.is_new, tier=facts.tier, tags=list(facts.tags))


def _gift_stock(s: Session, candidates: dict[str, Candidate]) -> dict[str, int] | None:
    """Gifts left per gift SKU of the candidates (untracked SKUs: unlimited)."""
    skus = {c.model.params.gift_sku for c in candidates.values() if c.model.type == "gift"}  # type: ignore[union-attr]
    if not skus:
        return None
    left = inventory_repo.gifts_left(s, skus)
    if len(left) < len(skus):
        # the engine reads a missing SKU as 0: give untracked SKUs a quantity no cart can reach
        left.update({sku: 1_000_000_000 for sku in skus - left.keys()})
    return left


def _engine_quote(
    cart: Cart, candidates: dict[str, Candidate], customer: Customer, context: Context,
    min_margin: Decimal, gift_stock: dict[str, int] | None,
) -> Quote:
    """Call the engine; cart problems become InvalidInput (stored definitions were validated on save)."""
    try:
        return quote(cart, [c.model for c in candidates.values()], customer, context,
                     min_margin=min_margin, gift_stock=gift_stock)
    except PromotionError as exc:
        raise InvalidInput([FieldProblem(p.field, p.message) for p in exc.problems]) from exc


def promotion_amount(applied: Any) -> Decimal:
    """What one applied promotion costs its budget: discount + shipping waived + gift value."""
    return applied.discount + applied.shipping_off + sum((g.value for g in applied.gifts), Decimal("0"))


def _over_amount_budget(q: Quote, candidates: dict[str, Candidate]) -> list[str]:
    """Applied promotions that would take more than is left of their amount budget."""
    over = []
    for a in q.applied:
        r = candidates[a.promotion_id].record
        if r.budget_amount is not None and r.used_amount + promotion_amount(a) > r.budget_amount:
            over.append(a.promotion_id)
    return over
