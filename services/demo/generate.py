"""The deterministic generator: (customers, seed, as_of) -> rows for every demo table.

Pure Python, no database: the loader writes what this yields. Reference data (channels, tiers,
stores, catalogue, marketing) comes first, then customers in chunks with everything that hangs off
them (identities, tags, orders, lines, coupons, points, events), then usage totals for promotions
and coupon templates. One ``random.Random(seed)`` drives it all, so the same arguments give the
same rows (ciphertexts differ: encryption uses fresh nonces).
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from services.demo import catalog, marketing, people, profiles
from services.demo.calendar import Window, build_window
from services.demo.journeys import Journeys
from services.demo.marketing import MarketingPlan, Offer
from services.demo.orders import OrderDraft, Picker, build_order, drink_basket, merge, order_status
from services.demo.orders import placed_time, price_lines, retail_basket, shopping_season
from services.demo.people import Profile, Uniques
from services.demo.redemptions import Redemptions
from services.demo.reference import CHANNELS, STORES, TIERS

Rows = dict[str, list[dict[str, Any]]]
CHUNK = 1000
_OTHER_CHANNELS = ("store", "miniprogram", "tmall", "douyin", "online")


class DemoGenerator:
    """Generates the demo data set for ``customers`` customers, ``seed`` and the day ``as_of``."""

    def __init__(self, customers: int, seed: int, as_of: date, tz: tzinfo) -> None:
        self.customers, self.seed, self.as_of, self.tz = customers, seed, as_of, tz
        self.rng = random.Random(seed)
        self.window: Window = build_window(as_of)
        self.now = datetime.combine(as_of, time.min, tzinfo=tz)
        self.start = datetime.combine(self.window.start, time.min, tzinfo=tz)
        self.plan: MarketingPlan = marketing.build_plan(self.window.start, as_of, tz)
        self.categories = catalog.build_categories()
        self.products = catalog.build_products(self.rng, self.categories)
        self.picker = Picker(self.products)
        self.uniques = Uniques()
        self.ids = {name: itertools.count(1) for name in (
            "orders", "order_lines", "events", "points_ledger", "customer_identities", "customer_tags")}
        self.journeys = Journeys(self.rng, self.plan, self.ids["events"].__next__)
        self.redemptions = Redemptions(self.rng, self.plan, self.uniques)

    # --- reference data ------------------------------------------------------------------

    def reference_rows(self) -> Rows:
        """Channels, tiers, stores, catalogue, inventory, campaigns, promotions, coupon templates."""
        created = self.start - timedelta(days=400)
        rows: Rows = {
            "channels": [dict(code=c, name_zh=zh, name_en=en, kind=k) for c, zh, en, k in CHANNELS],
            "tiers": [dict(code=c, name_zh=zh, name_en=en, min_spent=m, points_rate=r, rank=k)
                      for c, zh, en, m, r, k in TIERS],
            "stores": catalog.store_rows(),
            "categories": catalog.category_rows(self.categories),
            "products": catalog.product_rows(self.products, created),
            "inventory": catalog.inventory_rows(self.rng, self.products),
        }
        rows.update(marketing.campaign_rows(self.plan, self.now))
        rows["promotions"], rows["promotion_versions"] = marketing.promotion_rows(self.plan, {}, self.now)
        rows["coupon_templates"] = marketing.coupon_template_rows(self.plan, {})
        return rows

    def usage_rows(self) -> Rows:
        """Final used_amount / used_uses of promotions and claimed counts of coupon templates."""
        usage = {pid: (amount, uses) for pid, (amount, uses) in self.redemptions.used.items()}
        promos, _ = marketing.promotion_rows(self.plan, usage, self.now)
        templates = marketing.coupon_template_rows(self.plan, dict(self.redemptions.claimed))
        return {
            "promotions": [{k: p[k] for k in ("id", "budget_amount", "used_amount", "used_uses")}
                           for p in promos],
            "coupon_templates": [{k: t[k] for k in ("id", "stock", "claimed")} for t in templates],
        }

    def all_rows(self) -> Rows:
        """Every row in memory, usage figures applied (tests and small data sets; the loader streams)."""
        rows: Rows = defaultdict(list, self.reference_rows())
        for _, chunk in self.chunks():
            for name, more in chunk.items():
                rows[name] += more
        for name, updates in self.usage_rows().items():
            by_id = {r["id"]: r for r in rows[name]}
            for update in updates:
                by_id[update["id"]].update(update)
        return dict(rows)

    # --- customers -------------------------------------------------------------------------

    def chunks(self, size: int = CHUNK) -> Iterator[tuple[int, Rows]]:
        """(customers done so far, rows) per chunk of ``size`` customers, in FK order."""
        for first in range(0, self.customers, size):
            rows: Rows = defaultdict(list)
            for index in range(first, min(first + size, self.customers)):
                self._customer(index, rows)
            yield min(first + size, self.customers), rows

    def _customer(self, index: int, rows: Rows) -> None:
        """One customer and everything that hangs off them."""
        rng = self.rng
        profile = people.make_profile(rng, index, self.as_of, self.uniques)
        anon = f"dev-{rng.getrandbits(48):012x}"
        orders = self._orders(profile)
        tier, points, ledger = profiles.loyalty(rng, profile, orders, self.start, self.ids["points_ledger"].__next__)
        profiles.behaviour_tags(profile, orders, self.now)
        profiles.survey_tags(rng, profile)
        rows["customers"].append(profiles.customer_row(profile, orders, tier, points))
        rows["customer_identities"] += profiles.identities(rng, profile, self.uniques,
                                                            self.ids["customer_identities"].__next__)
        rows["customer_tags"] += profiles.tag_rows(profile, self.now, self.ids["customer_tags"].__next__)
        rows["points_ledger"] += ledger
        self._order_rows(profile, orders, rows)
        rows["events"] += self._events(profile, orders, anon)
        self._guests(orders, rows)

    def _order_rows(self, profile: Profile, orders: list[OrderDraft], rows: Rows) -> None:
        """Orders, lines, coupons, what each promotion gave, and the customer's usage counters."""
        coupons = self.redemptions.customer_coupons(profile, orders, self.now, self.start)
        by_order = {c["order_id"]: c["id"] for c in coupons if c["order_id"]}
        for order in orders:
            rows["orders"].append(order.row)
            rows["order_lines"] += order.lines
            rows["order_promotions"] += self.redemptions.order_promotions(order, by_order.get(order.row["id"]))
        rows["coupons"] += coupons
        for name, extra in self.redemptions.counters(profile, orders, coupons).items():
            rows[name] += extra

    def _dates(self, profile: Profile, n: int) -> list[int]:
        """Window day indexes of a customer's orders (and sets registered_at)."""
        rng, last = self.rng, len(self.window.days) - 1
        if n == 0:
            self._register(profile, self.window.sample(rng), old=rng.random() < 0.25)
            return []
        old = rng.random() < (0.5 if n > 1 else 0.1)
        first = 0 if old else self.window.sample(rng, 0, int(last * 0.7) if n >= 6 else last)
        hi = last
        if profile.persona in ("regular", "loyal") and rng.random() < 0.3:
            hi = min(last, first + rng.randint(30, 200))  # stopped buying: dormant later
        n = min(n, max(1, (hi - first) // 2 + 1))
        days = sorted(self.window.sample(rng, first, hi) for _ in range(n if old else n - 1))
        days = days if old else [first] + days
        self._register(profile, days[0], old)
        return days

    def _register(self, profile: Profile, day: int, old: bool) -> None:
        """When the customer registered: long before the window, or shortly before day ``day``."""
        rng = self.rng
        if old:
            at = self.start - timedelta(days=rng.randint(20, 1400), minutes=rng.randint(0, 1439))
        else:
            at = datetime.combine(self.window.days[day], time(8), tzinfo=self.tz) - timedelta(
                minutes=rng.randint(0, 60 * 24 * 10))
        profile.registered_at = at

    def _channel(self, profile: Profile, day: date) -> str:
        """The channel of one order: mostly the customer's own, sometimes another."""
        rng = self.rng
        channel = profile.primary if rng.random() < 0.7 else rng.choices(
            _OTHER_CHANNELS, weights=(40, 28, 18, 9, 5))[0]
        if channel == "store" and shopping_season(day) in ("618", "d11") and rng.random() < 0.4:
            channel = rng.choice(("tmall", "miniprogram"))
        if channel == "store" and not profile.home_stores and rng.random() > 0.05:
            channel = "miniprogram"
        return channel

    def _orders(self, profile: Profile) -> list[OrderDraft]:
        """A customer's orders over the window."""
        days = self._dates(profile, people.order_count(self.rng, profile.persona))
        orders: list[OrderDraft] = []
        previous: datetime | None = None
        for index in days:
            day = self.window.days[index]
            channel = self._channel(profile, day)
            placed = placed_time(self.rng, day, channel, self.tz)
            assert profile.registered_at is not None
            placed = max(placed, profile.registered_at + timedelta(minutes=5))
            coupon = self._coupon_offer(profile, placed, channel, previous, first=not orders)
            order = self._order(profile, day, placed, channel, coupon, index == len(self.window.days) - 1)
            if order.coupon is not None:
                profile.coupons.add(order.coupon.template or "")
            profile.channels.setdefault(channel, placed)
            orders.append(order)
            previous = placed
        return orders

    def _coupon_offer(self, profile: Profile, placed: datetime, channel: str,
                      previous: datetime | None, first: bool) -> Offer | None:
        """The coupon the customer presents, if any (season coupon, win-back, new-customer, member day)."""
        rng, may = self.rng, self.redemptions.may_hold
        _, season_coupon = self.plan.season_offers(placed, channel)
        if season_coupon is not None and may(profile, season_coupon) and rng.random() < 0.3:
            return season_coupon
        winback = self.plan.offer("Q-WINBACK15")
        if (previous and (placed - previous).days > 90 and winback.active(placed, channel)
                and may(profile, winback) and rng.random() < 0.5):
            return winback
        new10 = self.plan.offer("Q-NEW10")
        if first and may(profile, new10) and rng.random() < 0.4:
            return new10
        if profile.is_member and placed.weekday() == 2 and rng.random() < 0.25:
            return self.plan.offer("Q-MEMBER20")
        return None

    def _store(self, profile: Profile | None) -> tuple[int, str]:
        """Store id and code for an in-store or pick-up order (mostly a store in the home city)."""
        if profile is not None and profile.home_stores and self.rng.random() < 0.92:
            index = self.rng.choice(profile.home_stores)
        else:
            index = self.rng.randrange(len(STORES))
        return index + 1, catalog.store_code(index)

    def _order(self, profile: Profile | None, day: date, placed: datetime, channel: str,
               coupon: Offer | None, last_day: bool) -> OrderDraft:
        """One order with lines, discounts, status and usage bookkeeping."""
        rng = self.rng
        season = shopping_season(day)
        store: tuple[int, str] | None = None
        pickup = channel == "miniprogram" and rng.random() < 0.6
        if channel == "store" or pickup:
            store = self._store(profile)
            retail_only = channel == "store" and rng.random() < (0.25 if season in ("cny", "autumn") else 0.1)
            lines = retail_basket(rng, self.picker, season) if retail_only else drink_basket(rng, self.picker, True)
        else:
            lines = retail_basket(rng, self.picker, season)
        lines = merge(lines)
        status = order_status(rng, channel, last_day)
        if status == "cancelled":
            coupon = None
        pricing, used = price_lines(lines, self.plan, placed, channel, coupon)
        order = build_order(next(self.ids["orders"]), self.ids["order_lines"], lines, pricing, placed,
                            channel, store, status, profile.id if profile else None)
        order.coupon = used
        if order.campaign:
            order.row["campaign_id"] = self.plan.campaign(order.campaign).id  # type: ignore[union-attr]
        return order

    def _guests(self, orders: list[OrderDraft], rows: Rows) -> None:
        """Walk-in orders without a member profile, about one for every three member store orders."""
        rng = self.rng
        for order in orders:
            if order.channel == "store" and rng.random() < 0.35:
                index = self.window.sample(rng)
                day = self.window.days[index]
                placed = placed_time(rng, day, "store", self.tz)
                guest = self._order(None, day, placed, "store", None, index == len(self.window.days) - 1)
                rows["orders"].append(guest.row)
                rows["order_lines"] += guest.lines
                rows["order_promotions"] += self.redemptions.order_promotions(guest, None)

    # --- events ------------------------------------------------------------------

    def _events(self, profile: Profile, orders: list[OrderDraft], anon: str) -> list[dict[str, Any]]:
        """Signup, the journeys before orders, and an anonymous look-around now and then."""
        reg = profile.registered_at
        assert reg is not None
        rows = []
        if reg >= self.start:
            rows.append(self.journeys.signup(reg, profile.id, anon, profile.primary))
        for order in orders:
            store = order.row["store_id"]
            rows += self.journeys.for_order(order, profile.id, anon, reg, store)
        if self.rng.random() < 0.5:
            day = self.window.days[self.window.sample(self.rng)]
            at = datetime.combine(day, time(self.rng.randint(8, 22)), tzinfo=self.tz)
            rows += self.journeys.visitor(at, f"dev-{self.rng.getrandbits(48):012x}")
        return rows
