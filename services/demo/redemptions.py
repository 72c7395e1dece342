"""Coupons, what each promotion gave each order, and the usage counters checkout enforces.

Mirrors how checkout records a confirmed order: one ``order_promotions`` row per applied promotion
(``amount`` = the discount it gave; the coupon it came through), budgets and per-customer uses
consumed by every order that is not cancelled, and per-customer claim counts per coupon template.
Coupon codes are 10 Crockford base32 characters, like the codes checkout hands out.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from services.demo.marketing import MarketingPlan, Offer, coupon_templates
from services.demo.orders import OrderDraft
from services.demo.people import Profile, Uniques

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CODE_LENGTH = 10


class Redemptions:
    """Makes coupon, order_promotions and counter rows, and adds up what was used."""

    def __init__(self, rng: random.Random, plan: MarketingPlan, uniques: Uniques) -> None:
        self.rng, self.plan, self.uniques = rng, plan, uniques
        self.template_ids = {o.template: i + 1 for i, o in enumerate(coupon_templates(plan))}
        self.coupon_ids = itertools.count(1)
        self.order_promotion_ids = itertools.count(1)
        self.use_ids = itertools.count(1)
        self.claim_ids = itertools.count(1)
        self.used: dict[int, list[Any]] = defaultdict(lambda: [Decimal("0"), 0])
        self.claimed: dict[str, int] = defaultdict(int)

    def may_hold(self, profile: Profile, offer: Offer) -> bool:
        """True when the customer may get another coupon of the offer's template."""
        return offer.per_customer is None or offer.template not in profile.coupons

    def _code(self) -> str:
        """A fresh unique coupon code."""
        return self.uniques.take(
            "coupon", lambda: "".join(self.rng.choices(CODE_ALPHABET, k=CODE_LENGTH)))

    def coupon(self, offer: Offer, profile: Profile, status: str, claimed: datetime,
               order: OrderDraft | None = None) -> dict[str, Any]:
        """One coupon the customer claimed (redeemed by ``order`` when given)."""
        assert offer.template is not None
        self.claimed[offer.template] += 1
        profile.coupons.add(offer.template)
        expires = claimed + timedelta(days=offer.valid_days) if offer.valid_days else None
        return dict(id=next(self.coupon_ids), template_id=self.template_ids[offer.template],
                    code=self._code(), customer_id=profile.id, status=status, claimed_at=claimed,
                    redeemed_at=order.placed if order else None,
                    order_id=order.row["id"] if order else None, batch_id=None, expires_at=expires)

    def customer_coupons(self, profile: Profile, orders: list[OrderDraft], now: datetime,
                         window_start: datetime) -> list[dict[str, Any]]:
        """Coupons redeemed by the orders, plus new-customer coupons nobody used."""
        reg = profile.registered_at
        assert reg is not None
        rows = []
        for order in orders:
            if order.coupon is not None:
                claimed = max(reg, order.placed - timedelta(hours=self.rng.randint(1, 24 * 5)))
                rows.append(self.coupon(order.coupon, profile, "redeemed", claimed, order))
                order.row["coupon_code"] = rows[-1]["code"]
        new10 = self.plan.offer("Q-NEW10")
        if profile.is_member and reg >= window_start and self.may_hold(profile, new10) and self.rng.random() < 0.7:
            expired = reg + timedelta(days=new10.valid_days or 30) <= now
            rows.append(self.coupon(new10, profile, "expired" if expired else "claimed", reg))
        return rows

    def order_promotions(self, order: OrderDraft, coupon_id: int | None) -> list[dict[str, Any]]:
        """What each applied promotion gave the order; budgets count unless it was cancelled."""
        rows = []
        for offer, amount in order.applied:
            rows.append(dict(
                id=next(self.order_promotion_ids), order_id=order.row["id"], promotion_id=offer.id,
                promotion_version=1, customer_id=order.row["customer_id"], amount=amount,
                discount=amount, shipping_off=Decimal("0.00"), gift_sku=None, gift_qty=0,
                coupon_id=coupon_id if offer is order.coupon else None))
            if order.status != "cancelled":
                self.used[offer.id][0] += amount
                self.used[offer.id][1] += 1
        return rows

    def counters(self, profile: Profile, orders: list[OrderDraft],
                 coupons: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        """promotion_customer_uses and coupon_customer_claims rows of one customer."""
        uses: dict[int, int] = defaultdict(int)
        for order in orders:
            if order.status != "cancelled":
                for offer, _ in order.applied:
                    uses[offer.id] += 1
        claims: dict[int, int] = defaultdict(int)
        for coupon in coupons:
            claims[coupon["template_id"]] += 1
        return {
            "promotion_customer_uses": [
                dict(id=next(self.use_ids), promotion_id=pid, customer_id=profile.id, uses=n)
                for pid, n in sorted(uses.items())],
            "coupon_customer_claims": [
                dict(id=next(self.claim_ids), template_id=tid, customer_id=profile.id, claimed=n)
                for tid, n in sorted(claims.items())],
        }
