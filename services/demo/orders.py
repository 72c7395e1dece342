"""Orders and order lines: baskets per channel and season, times of day, discounts and statuses.

Discounts follow the plan's offers in the engine's layer order: item (第二杯半价), then order
(the season's 满减 on what is left), then one coupon. Each order-level amount is spread over the
lines in proportion to what they still cost, to the cent, so lines always add up to the order.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from services.demo.calendar import mid_autumn, promo_season
from services.demo.catalog import TREE, Product
from services.demo.marketing import DRINK_CATEGORIES, MarketingPlan, Offer
from services.demo.reference import ORDER_NO_PREFIX, WAREHOUSE

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
FREE_SHIPPING_FROM = Decimal("99")
SHIPPING_FEE = Decimal("8.00")
_STORE_HOURS = (0, 0, 0, 0, 0, 0, 0, 4, 10, 8, 5, 5, 8, 7, 5, 6, 7, 6, 5, 4, 3, 2, 0, 0)
_ONLINE_HOURS = (3, 2, 1, .5, .3, .3, .5, 1, 2, 3, 3, 3, 4, 3, 3, 3, 3, 3, 4, 5, 7, 8, 8, 6)
_PEAK_HOURS = (30, 8, 2, .5, .3, .3, .5, 1, 2, 3, 3, 3, 4, 3, 3, 3, 3, 3, 4, 5, 7, 9, 12, 14)
_ADD_ONS = ("TEA-BAG", "COF-DRIP", "SNK-PASTRY", "SNK-BISCUIT", "WARE-CUP")
_BOOSTS = {
    "cny": {"GIFT-TEA": 5, "GIFT-FEST": 6, "GIFT-COFFEE": 3, "SNK-PASTRY": 2, "SNK-NUTS": 3},
    "autumn": {"GIFT-FEST": 5, "GIFT-TEA": 3, "SNK-PASTRY": 2},
    "618": {"COF-BEAN": 1.5, "WARE-COFFEE": 2, "WARE-CUP": 1.5, "COF-COLD": 2},
    "d11": {"COF-BEAN": 1.5, "WARE-TEASET": 2, "GIFT-TEA": 2, "TEA-GREEN": 1.3, "TEA-OOLONG": 1.3},
}


@dataclass
class OrderDraft:
    """One generated order with its lines and what the rest of the generator needs to know."""

    row: dict[str, Any]
    lines: list[dict[str, Any]]
    placed: datetime
    channel: str
    status: str
    campaign: str | None = None
    coupon: Offer | None = None
    categories: set[str] = field(default_factory=set)
    applied: list[tuple[Offer, Decimal]] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        """What the customer paid."""
        return self.row["total"]


class Picker:
    """Weighted choices of categories and products (popular items sell more: Zipf within a category)."""

    def __init__(self, products: list[Product]) -> None:
        self.by_cat: dict[str, tuple[list[Product], list[float]]] = {}
        for cat, group in itertools.groupby(sorted(products, key=lambda p: (p.category, p.id)),
                                            key=lambda p: p.category):
            items = list(group)
            weights = [(1.0 if p.active else 0.15) / (r + 1) ** 0.9 for r, p in enumerate(items)]
            self.by_cat[cat] = (items, list(itertools.accumulate(weights)))
        subs = [c for _, _, _, children in TREE for c in children]
        self._online: dict[str | None, tuple[list[str], list[float]]] = {}
        for season in (None, *_BOOSTS):
            boost = _BOOSTS.get(season or "", {})
            cats = [c[0] for c in subs if c[5]]
            weights = [c[5] * boost.get(c[0], 1) for c in subs if c[5]]
            self._online[season] = (cats, list(itertools.accumulate(weights)))
        self._drinks = (list(DRINK_CATEGORIES), list(itertools.accumulate((100, 70))))

    def product(self, rng: random.Random, category: str) -> Product:
        """A product of ``category`` by popularity."""
        items, cum = self.by_cat[category]
        return rng.choices(items, cum_weights=cum)[0]

    def retail_category(self, rng: random.Random, season: str | None) -> str:
        """A packaged-goods category, boosted for the season."""
        cats, cum = self._online[season if season in self._online else None]
        return rng.choices(cats, cum_weights=cum)[0]

    def drink_category(self, rng: random.Random) -> str:
        """Coffee or tea drink."""
        cats, cum = self._drinks
        return rng.choices(cats, cum_weights=cum)[0]


def shopping_season(day: date) -> str | None:
    """The season that shapes baskets on ``day`` ('cny', '618', 'd11', 'autumn' or None)."""
    season = promo_season(day)
    if season is None and 1 <= (mid_autumn(day.year) - day).days <= 12:
        return "autumn"
    return season


def placed_time(rng: random.Random, day: date, channel: str, tz: tzinfo) -> datetime:
    """A local time of day for an order: morning coffee at stores, evenings online, midnight on 双11."""
    if channel == "store":
        hours = _STORE_HOURS
    elif (day.month, day.day) in ((11, 11), (6, 18)):
        hours = _PEAK_HOURS
    else:
        hours = _ONLINE_HOURS
    hour = rng.choices(range(24), weights=hours)[0]
    return datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=tz)


def drink_basket(rng: random.Random, picker: Picker, with_retail: bool) -> list[tuple[Product, int]]:
    """What someone orders at the counter or for pick-up: drinks, maybe a pastry or a pack to take home."""
    lines = [(picker.product(rng, picker.drink_category(rng)), 2 if rng.random() < 0.08 else 1)
             for _ in range(rng.choices((1, 2, 3, 4), weights=(58, 28, 10, 4))[0])]
    if rng.random() < 0.22:
        lines.append((picker.product(rng, "DRK-BAKERY"), 1))
    if with_retail and rng.random() < 0.08:
        lines.append((picker.product(rng, rng.choice(_ADD_ONS)), 1))
    return lines


def retail_basket(rng: random.Random, picker: Picker, season: str | None) -> list[tuple[Product, int]]:
    """Packaged goods: tea, coffee, teaware, snacks and gift sets."""
    count = rng.choices((1, 2, 3, 4), weights=(52, 30, 12, 6))[0]
    return [(picker.product(rng, picker.retail_category(rng, season)),
             rng.choices((1, 2, 3), weights=(82, 14, 4))[0]) for _ in range(count)]


def merge(lines: list[tuple[Product, int]]) -> list[tuple[Product, int]]:
    """One line per product (quantities added), in first-seen order."""
    qty: dict[int, int] = {}
    first: dict[int, Product] = {}
    for product, n in lines:
        qty[product.id] = qty.get(product.id, 0) + n
        first.setdefault(product.id, product)
    return [(first[pid], n) for pid, n in qty.items()]


def spread(amount: Decimal, bases: list[Decimal]) -> list[Decimal]:
    """Split ``amount`` over lines in proportion to ``bases``, to the cent, adding up exactly.

    Largest remainder: every part is rounded down, then the cents left go one each to the parts
    that lost most by rounding, so no part is negative or above its base (when amount <= sum).
    """
    total = sum(bases, ZERO)
    if amount <= 0 or total <= 0:
        return [ZERO] * len(bases)
    exact = [amount * b / total for b in bases]
    parts = [e.quantize(CENT, ROUND_DOWN) for e in exact]
    cents = int((amount - sum(parts, ZERO)) / CENT)
    by_loss = sorted(range(len(bases)), key=lambda i: (parts[i] - exact[i], i))
    for i in by_loss[:cents]:
        parts[i] += CENT
    return parts


def second_half(lines: list[tuple[Product, int]], offer: Offer) -> list[Decimal]:
    """第二杯半价: of every two drink units, the cheaper one at half price (per-line discounts)."""
    units = sorted(((p.price, i) for i, (p, n) in enumerate(lines) if p.category in offer.categories
                    for _ in range(n)), reverse=True)
    off = [ZERO] * len(lines)
    for price, i in units[len(units) - len(units) // 2:]:
        off[i] += (price / 2).quantize(CENT, ROUND_HALF_UP)
    return off


def order_status(rng: random.Random, channel: str, last_day: bool) -> str:
    """paid, refunded, cancelled, or pending (only on the last day of the window)."""
    if channel == "store":
        return "refunded" if rng.random() < 0.004 else "paid"
    if last_day and rng.random() < 0.12:
        return "pending"
    roll = rng.random()
    return "refunded" if roll < 0.035 else "cancelled" if roll < 0.05 else "paid"


@dataclass
class Pricing:
    """Lines priced: per-line discounts and the offers that gave them."""

    gross: list[Decimal]
    off: list[Decimal]
    applied: list[tuple[Offer, Decimal]]

    def net(self) -> Decimal:
        """What the lines cost after the discounts so far."""
        return sum(self.gross, ZERO) - sum(self.off, ZERO)

    def apply(self, offer: Offer, amount: Decimal) -> None:
        """Spread an order-level discount over the lines."""
        remaining = [g - o for g, o in zip(self.gross, self.off)]
        self.off = [o + part for o, part in zip(self.off, spread(amount, remaining))]
        self.applied.append((offer, amount))


def price_lines(
    lines: list[tuple[Product, int]], plan: MarketingPlan, placed: datetime, channel: str,
    coupon: Offer | None,
) -> tuple[Pricing, Offer | None]:
    """Apply 第二杯半价, the season's 满减 and ``coupon`` (when its threshold is met)."""
    pricing = Pricing([p.price * n for p, n in lines], [ZERO] * len(lines), [])
    half = plan.offer("P-SECOND-HALF")
    if half.active(placed, channel) and any(p.category in half.categories for p, _ in lines):
        off = second_half(lines, half)
        if any(off):
            pricing.off = off
            pricing.applied.append((half, sum(off, ZERO)))
    threshold, _ = plan.season_offers(placed, channel)
    if threshold is not None and threshold.off(pricing.net()) > 0:
        pricing.apply(threshold, threshold.off(pricing.net()))
    if coupon is not None and coupon.off(pricing.net()) > 0:
        pricing.apply(coupon, coupon.off(pricing.net()))
        return pricing, coupon
    return pricing, None


def build_order(
    order_id: int, line_ids: itertools.count, lines: list[tuple[Product, int]], pricing: Pricing,
    placed: datetime, channel: str, store: tuple[int, str] | None, status: str, customer_id: int | None,
) -> OrderDraft:
    """The order and line rows (ids given), with totals that add up."""
    subtotal = sum(pricing.gross, ZERO)
    discount = sum(pricing.off, ZERO)
    delivered = channel in ("online", "miniprogram") and store is None
    shipping = SHIPPING_FEE if delivered and subtotal - discount < FREE_SHIPPING_FROM else ZERO
    line_rows = [
        dict(id=next(line_ids), order_id=order_id, product_id=p.id, sku=p.sku, qty=n,
             unit_price=p.price, discount=off, amount=gross - off, cost=p.cost * n)
        for (p, n), gross, off in zip(lines, pricing.gross, pricing.off)
    ]
    campaign = next((o.campaign for o, _ in reversed(pricing.applied) if o.campaign), None)
    row = dict(
        id=order_id, order_no=f"{ORDER_NO_PREFIX[channel]}{placed:%Y%m%d}{order_id:07d}",
        customer_id=customer_id, channel_code=channel, store_id=store[0] if store else None,
        location_code=store[1] if store else WAREHOUSE, status=status,
        placed_at=placed, subtotal=subtotal, discount=discount, shipping=shipping,
        total=subtotal - discount + shipping, coupon_code=None,
        promotion_ids=[o.code for o, _ in pricing.applied], campaign_id=None, idempotency_key=None,
        created_at=placed, updated_at=placed + timedelta(minutes=5),
    )
    cats = {p.category for p, _ in lines}
    return OrderDraft(row, line_rows, placed, channel, status, campaign, None, cats, pricing.applied)
