"""A customer's rows once their orders exist: the profile with aggregates, tier and points,
identities across channels, tags and the points ledger.

Aggregates count paid orders only: ``orders_count``, ``total_spent`` (sum of their totals),
``first_order_at`` / ``last_order_at``. Members' tier follows ``total_spent`` (tier thresholds in
reference.TIERS); points are earned on paid orders at the rate of the tier held at the time.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from services.demo import people
from services.demo.orders import OrderDraft
from services.demo.people import Profile, Uniques
from services.demo.reference import (
    DORMANT_DAYS,
    HIGH_VALUE_SPENT,
    NEW_DAYS,
    TAG_COFFEE,
    TAG_DEAL,
    TAG_DORMANT,
    TAG_GIFT,
    TAG_HIGH_VALUE,
    TAG_KOC,
    TAG_LOYAL,
    TAG_MOM,
    TAG_NEW,
    TAG_OFFICE,
    TAG_REPEAT,
    TAG_STUDENT,
    TAG_TEA,
    TIERS,
)

_COFFEE = {"DRK-COFFEE", "COF-BEAN", "COF-DRIP", "COF-INSTANT", "COF-COLD", "COF-CAPSULE"}
_TEA = {"DRK-TEA", "TEA-GREEN", "TEA-BLACK", "TEA-OOLONG", "TEA-WHITE", "TEA-DARK", "TEA-FLOWER", "TEA-BAG"}
_GIFT = {"GIFT-TEA", "GIFT-COFFEE", "GIFT-FEST"}


def tier_for(spent: Decimal) -> tuple[str, Decimal]:
    """Tier code and points rate for a total spend."""
    code, rate = TIERS[0][0], TIERS[0][4]
    for tier_code, _, _, min_spent, points_rate, _ in TIERS:
        if spent >= min_spent:
            code, rate = tier_code, points_rate
    return code, rate


def paid(orders: list[OrderDraft]) -> list[OrderDraft]:
    """The paid orders, oldest first."""
    return sorted((o for o in orders if o.status == "paid"), key=lambda o: o.placed)


def loyalty(
    rng: random.Random, profile: Profile, orders: list[OrderDraft], window_start: datetime,
    next_id: Callable[[], int],
) -> tuple[str, int, list[dict[str, Any]]]:
    """Tier, points balance and ledger rows of a member (non-members: 'member', 0, [])."""
    if not profile.is_member or profile.registered_at is None:
        return "member", 0, []
    rows: list[dict[str, Any]] = []

    def book(delta: int, reason: str, at: datetime, order_id: int | None = None) -> None:
        balance = (rows[-1]["balance_after"] if rows else 0) + delta
        rows.append(dict(id=next_id(), customer_id=profile.id, delta=delta, balance_after=balance,
                         reason=reason, order_id=order_id, occurred_at=at))

    if profile.registered_at < window_start:
        book(rng.randint(0, 20) * 100, "opening_balance", window_start)
    else:
        book(100, "signup_bonus", profile.registered_at)
    spent = Decimal("0")
    for order in paid(orders):
        rate = tier_for(spent)[1]
        spent += order.total
        book(int((order.total * rate).to_integral_value(ROUND_DOWN)), "order", order.placed, order.row["id"])
        if rows[-1]["balance_after"] >= 1000 and rng.random() < 0.2:
            book(-500 * rng.randint(1, rows[-1]["balance_after"] // 1000), "redeem",
                 order.placed + timedelta(days=rng.randint(0, 20)))
    return tier_for(spent)[0], rows[-1]["balance_after"], rows


def customer_row(profile: Profile, orders: list[OrderDraft], tier: str, points: int) -> dict[str, Any]:
    """The customers row (PII in plaintext; the loader protects it) with aggregates of paid orders."""
    done = paid(orders)
    first = done[0].placed if done else None
    registered = profile.registered_at
    assert registered is not None
    first_channel = min(profile.channels.items(), key=lambda kv: kv[1])[0] if profile.channels else (
        "miniprogram" if profile.primary == "miniprogram" else "crm")
    return dict(
        id=profile.id, code=profile.code, name=profile.name, phone=profile.phone,
        email=profile.email, gender=profile.gender, birth_date=profile.birth_date,
        province=profile.province, city=profile.city, tier=tier, is_member=profile.is_member,
        points_balance=points, total_spent=sum((o.total for o in done), Decimal("0.00")),
        orders_count=len(done), first_order_at=first, last_order_at=done[-1].placed if done else None,
        registered_at=registered, first_channel=first_channel,
        created_at=registered, updated_at=max([registered] + [o.placed for o in orders]),
    )


def identities(
    rng: random.Random, profile: Profile, uniques: Uniques, next_id: Callable[[], int],
) -> list[dict[str, Any]]:
    """Identifiers of the customer in every namespace they showed up in (raw values)."""
    reg = profile.registered_at
    assert reg is not None
    seen = profile.channels
    found: list[tuple[str, str, str, datetime]] = []
    if profile.phone:
        found.append(("phone", people.raw_phone(rng, profile.phone), profile.primary, reg))
    if profile.email:
        found.append(("email", profile.email, "online", reg))
    if profile.is_member:
        found.append(("member_card", uniques.take("member_card", lambda: people.member_card(rng)), "crm", reg))
    if "miniprogram" in seen or profile.primary == "miniprogram":
        at = seen.get("miniprogram", reg)
        found.append(("wechat_openid", uniques.take("openid", lambda: people.openid(rng)), "miniprogram", at))
        if rng.random() < 0.8:
            found.append(("wechat_unionid", uniques.take("unionid", lambda: people.unionid(rng)),
                          "miniprogram", at))
    if "tmall" in seen or (not found and profile.primary == "tmall"):
        found.append(("tmall_nick", uniques.take("tmall", lambda: people.tmall_nick(rng)), "tmall",
                      seen.get("tmall", reg)))
    if "douyin" in seen or not found:
        found.append(("douyin_id", uniques.take("douyin", lambda: people.douyin_id(rng)), "douyin",
                      seen.get("douyin", reg)))
    return [dict(id=next_id(), customer_id=profile.id, namespace=ns, value=value, source_channel=src,
                 first_seen_at=at) for ns, value, src, at in found]


def behaviour_tags(profile: Profile, orders: list[OrderDraft], now: datetime) -> None:
    """Tags a rule would give from the orders at ``now`` (source 'rule')."""
    done = paid(orders)
    spent = sum((o.total for o in done), Decimal("0"))
    cats = [c for o in done for c in o.categories]
    rules = {
        TAG_HIGH_VALUE: spent >= HIGH_VALUE_SPENT,
        TAG_DORMANT: bool(done) and (now - done[-1].placed).days > DORMANT_DAYS,
        TAG_NEW: profile.registered_at is not None and (now - profile.registered_at).days < NEW_DAYS,
        TAG_REPEAT: len(done) >= 2,
        TAG_LOYAL: len(done) >= 12,
        TAG_COFFEE: sum(c in _COFFEE for c in cats) >= 3,
        TAG_TEA: sum(c in _TEA for c in cats) >= 3,
        TAG_GIFT: any(c in _GIFT for c in cats),
        TAG_DEAL: sum(1 for o in done if o.coupon is not None) >= 2,
    }
    profile.tags.update({tag: "rule" for tag, hit in rules.items() if hit})


def survey_tags(rng: random.Random, profile: Profile) -> None:
    """Tags from the CRM survey (source 'import') and a few hand-picked KOCs (source 'manual')."""
    if profile.gender == "F" and 26 <= profile.age <= 40 and rng.random() < 0.18:
        profile.tags[TAG_MOM] = "import"
    if profile.age <= 22 and rng.random() < 0.7:
        profile.tags[TAG_STUDENT] = "import"
    elif 23 <= profile.age <= 40 and rng.random() < 0.25:
        profile.tags[TAG_OFFICE] = "import"
    if profile.persona in ("loyal", "heavy") and rng.random() < 0.06:
        profile.tags[TAG_KOC] = "manual"


def tag_rows(profile: Profile, now: datetime, next_id: Callable[[], int]) -> list[dict[str, Any]]:
    """Rows of customer_tags (rules ran last night; imports after registering)."""
    reg = profile.registered_at
    assert reg is not None
    rows = []
    for tag, source in profile.tags.items():
        at = now - timedelta(hours=22) if source == "rule" else min(reg + timedelta(days=1), now)
        rows.append(dict(id=next_id(), customer_id=profile.id, tag=tag, source=source, created_at=at))
    return rows
