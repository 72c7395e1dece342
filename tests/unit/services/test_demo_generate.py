"""The demo generator (no database): deterministic, internally consistent, and shaped like retail."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.promotions.model import Promotion as EnginePromotion
from services.demo.generate import DemoGenerator
from services.demo.profiles import tier_for
from storage import crypto

ROOT = Path(__file__).resolve().parents[3]
TZ = ZoneInfo("Asia/Shanghai")
AS_OF = date(2026, 11, 27)
CUSTOMERS = 300
Rows = dict[str, list[dict[str, Any]]]


def _generate(customers: int = CUSTOMERS, seed: int = 7, as_of: date = AS_OF) -> Rows:
    """All rows of a small data set."""
    return DemoGenerator(customers, seed, as_of, TZ).all_rows()


@pytest.fixture(scope="module")
def rows() -> Rows:
    """One small data set shared by the tests of this module."""
    return _generate()


def _paid(rows: Rows) -> list[dict[str, Any]]:
    """Paid orders."""
    return [o for o in rows["orders"] if o["status"] == "paid"]


def _local_day(order: dict[str, Any]) -> date:
    """The Shanghai calendar day an order was placed."""
    return order["placed_at"].astimezone(TZ).date()


def test_the_same_seed_and_day_give_the_same_data(rows: Rows) -> None:
    again = _generate()
    assert {k: len(v) for k, v in again.items()} == {k: len(v) for k, v in rows.items()}
    assert (again["customers"][0]["code"], again["customers"][0]["name"]) == (
        rows["customers"][0]["code"], rows["customers"][0]["name"])
    assert [o["total"] for o in again["orders"]] == [o["total"] for o in rows["orders"]]
    assert [c["code"] for c in again["coupons"]] == [c["code"] for c in rows["coupons"]]


_DIGEST = """
import hashlib, json
from datetime import date
from zoneinfo import ZoneInfo
from services.demo.generate import DemoGenerator
rows = DemoGenerator(120, 5, date(2026, 11, 27), ZoneInfo("Asia/Shanghai")).all_rows()
print(hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode()).hexdigest())
"""


def test_the_data_does_not_depend_on_the_process_or_its_hash_seed() -> None:
    digests = {
        subprocess.run([sys.executable, "-c", _DIGEST], capture_output=True, text=True, check=True,
                       cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed}).stdout.strip()
        for seed in ("1", "2")
    }
    assert len(digests) == 1 and len(digests.pop()) == 64


def test_another_seed_gives_other_customers(rows: Rows) -> None:
    other = _generate(seed=8)
    assert [c["name"] for c in other["customers"][:20]] != [c["name"] for c in rows["customers"][:20]]


def test_customer_aggregates_are_those_of_their_paid_orders(rows: Rows) -> None:
    by_customer: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for order in _paid(rows):
        if order["customer_id"] is not None:
            by_customer[order["customer_id"]].append(order)
    for customer in rows["customers"]:
        mine = by_customer[customer["id"]]
        assert customer["orders_count"] == len(mine)
        assert customer["total_spent"] == sum((o["total"] for o in mine), Decimal("0"))
        times = sorted(o["placed_at"] for o in mine)
        assert customer["first_order_at"] == (times[0] if times else None)
        assert customer["last_order_at"] == (times[-1] if times else None)


def test_order_lines_add_up_to_the_order_and_totals_add_up(rows: Rows) -> None:
    lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for line in rows["order_lines"]:
        lines[line["order_id"]].append(line)
        assert line["amount"] == line["unit_price"] * line["qty"] - line["discount"]
        assert Decimal("0") <= line["discount"] <= line["unit_price"] * line["qty"]
    for order in rows["orders"]:
        mine = lines[order["id"]]
        assert mine, order["order_no"]
        assert order["subtotal"] == sum(ln["unit_price"] * ln["qty"] for ln in mine)
        assert order["discount"] == sum(ln["discount"] for ln in mine)
        assert order["total"] == order["subtotal"] - order["discount"] + order["shipping"]


def test_members_tier_follows_what_they_spent_and_points_chain(rows: Rows) -> None:
    ledger: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for entry in rows["points_ledger"]:
        ledger[entry["customer_id"]].append(entry)
    for customer in rows["customers"]:
        entries = ledger[customer["id"]]
        if not customer["is_member"]:
            assert (customer["tier"], customer["points_balance"], entries) == ("member", 0, [])
            continue
        assert customer["tier"] == tier_for(customer["total_spent"])[0]
        balance = 0
        for entry in entries:
            balance += entry["delta"]
            assert entry["balance_after"] == balance >= 0
        assert customer["points_balance"] == balance


def test_every_tier_except_the_top_ones_has_members(rows: Rows) -> None:
    tiers = Counter(c["tier"] for c in rows["customers"] if c["is_member"])
    assert tiers["member"] > tiers["silver"] > tiers["gold"] > 0


def test_identities_are_unique_per_namespace_and_overlap_across_channels(rows: Rows) -> None:
    seen: set[tuple[str, str]] = set()
    per_customer: dict[int, set[str]] = defaultdict(set)
    for identity in rows["customer_identities"]:
        kind = crypto.identity_kind(identity["namespace"])
        key = (identity["namespace"], crypto.NORMALIZERS[kind](identity["value"], "value"))
        assert key not in seen
        seen.add(key)
        per_customer[identity["customer_id"]].add(identity["namespace"])
    assert len(per_customer) == len(rows["customers"])
    assert sum(1 for namespaces in per_customer.values() if len(namespaces) >= 3) > CUSTOMERS // 4
    assert {ns for namespaces in per_customer.values() for ns in namespaces} == {
        "phone", "email", "member_card", "wechat_openid", "wechat_unionid", "tmall_nick", "douyin_id"}


def test_raw_phone_identities_come_in_mixed_formats_of_the_customers_number(rows: Rows) -> None:
    phones = {c["id"]: c["phone"] for c in rows["customers"]}
    raw = [i for i in rows["customer_identities"] if i["namespace"] == "phone"]
    assert all(crypto.normalize_phone(i["value"]) == phones[i["customer_id"]] for i in raw)
    assert len({"+86" in i["value"] or " " in i["value"] for i in raw}) == 2


def test_the_double_eleven_week_sells_more_than_twice_the_median_week(rows: Rows) -> None:
    weeks: dict[date, Decimal] = defaultdict(Decimal)
    days: dict[date, Decimal] = defaultdict(Decimal)
    start = AS_OF - timedelta(days=365)
    for order in _paid(rows):
        day = _local_day(order)
        days[day] += order["total"]
        monday = day - timedelta(days=day.weekday())
        if monday >= start and monday + timedelta(days=7) <= AS_OF:
            weeks[monday] += order["total"]
    double_eleven = sum(days[date(2026, 11, 5) + timedelta(days=i)] for i in range(7))
    assert double_eleven > 2 * statistics.median(weeks.values())


def test_weekends_sell_more_than_weekdays(rows: Rows) -> None:
    per_weekday = Counter(_local_day(o).weekday() for o in _paid(rows))
    assert per_weekday[5] + per_weekday[6] > (per_weekday[0] + per_weekday[1]) * 1.2


def test_the_last_30_days_have_paid_orders_and_nothing_is_dated_today_or_later(rows: Rows) -> None:
    recent = [o for o in _paid(rows) if _local_day(o) >= AS_OF - timedelta(days=30)]
    assert len(recent) > 20
    assert max(_local_day(o) for o in rows["orders"]) < AS_OF
    assert min(_local_day(o) for o in rows["orders"]) >= AS_OF - timedelta(days=365)


def test_orders_come_after_registration(rows: Rows) -> None:
    registered = {c["id"]: c["registered_at"] for c in rows["customers"]}
    for order in rows["orders"]:
        if order["customer_id"] is not None:
            assert order["placed_at"] > registered[order["customer_id"]]


def test_every_channel_sells_and_stores_sell_cheaper_baskets(rows: Rows) -> None:
    by_channel: dict[str, list[Decimal]] = defaultdict(list)
    for order in _paid(rows):
        by_channel[order["channel_code"]].append(order["total"])
    assert set(by_channel) == {"store", "online", "tmall", "miniprogram", "douyin"}
    assert statistics.mean(by_channel["store"]) < statistics.mean(by_channel["tmall"])


def test_a_few_loyal_customers_buy_often_and_many_buy_once(rows: Rows) -> None:
    counts = Counter(c["orders_count"] for c in rows["customers"])
    assert counts[1] > CUSTOMERS * 0.3
    assert 0 < sum(n for k, n in counts.items() if k >= 10) < CUSTOMERS * 0.15


def test_behaviour_tags_match_the_profile(rows: Rows) -> None:
    tags: dict[int, set[str]] = defaultdict(set)
    for tag in rows["customer_tags"]:
        tags[tag["customer_id"]].add(tag["tag"])
    for customer in rows["customers"]:
        assert ("高价值" in tags[customer["id"]]) == (customer["total_spent"] >= Decimal("1500"))
        assert ("复购客" in tags[customer["id"]]) == (customer["orders_count"] >= 2)
    assert {"沉睡", "新客", "咖啡爱好者", "学生"} <= {t["tag"] for t in rows["customer_tags"]}


def test_coupon_codes_are_unique_and_redeemed_ones_belong_to_their_order(rows: Rows) -> None:
    codes = [c["code"] for c in rows["coupons"]]
    assert len(set(codes)) == len(codes)
    orders = {o["id"]: o for o in rows["orders"]}
    redeemed = [c for c in rows["coupons"] if c["status"] == "redeemed"]
    assert redeemed
    for coupon in redeemed:
        order = orders[coupon["order_id"]]
        assert order["coupon_code"] == coupon["code"]
        assert order["customer_id"] == coupon["customer_id"]
        assert coupon["claimed_at"] <= coupon["redeemed_at"] == order["placed_at"]


def test_per_customer_coupon_limits_hold(rows: Rows) -> None:
    limits = {t["id"]: t["per_customer_limit"] for t in rows["coupon_templates"]}
    held = Counter((c["template_id"], c["customer_id"]) for c in rows["coupons"])
    assert all(limits[t] is None or n <= limits[t] for (t, _), n in held.items())
    claims = {(c["template_id"], c["customer_id"]): c["claimed"] for c in rows["coupon_customer_claims"]}
    assert claims == dict(held)


def test_promotion_usage_adds_up_from_order_promotions_and_fits_the_budget(rows: Rows) -> None:
    status = {o["id"]: o["status"] for o in rows["orders"]}
    used: dict[int, Decimal] = defaultdict(Decimal)
    uses: Counter[int] = Counter()
    for given in rows["order_promotions"]:
        if status[given["order_id"]] != "cancelled":
            used[given["promotion_id"]] += given["amount"]
            uses[given["promotion_id"]] += 1
    for promo in rows["promotions"]:
        assert promo["used_amount"] == used[promo["id"]]
        assert promo["used_uses"] == uses[promo["id"]]
        assert promo["budget_amount"] is None or promo["used_amount"] <= promo["budget_amount"]
    assert sum(used.values()) > 0


def test_order_discounts_are_what_their_promotions_gave(rows: Rows) -> None:
    given: dict[int, Decimal] = defaultdict(Decimal)
    for row in rows["order_promotions"]:
        given[row["order_id"]] += row["amount"]
    codes = {p["id"]: p["code"] for p in rows["promotions"]}
    per_order: dict[int, list[str]] = defaultdict(list)
    for row in rows["order_promotions"]:
        per_order[row["order_id"]].append(codes[row["promotion_id"]])
    for order in rows["orders"]:
        assert order["discount"] == given[order["id"]]
        assert order["promotion_ids"] == per_order[order["id"]]


def test_promotion_definitions_are_valid_engine_promotions(rows: Rows) -> None:
    statuses = set()
    for version, promo in zip(rows["promotion_versions"], rows["promotions"], strict=True):
        model = EnginePromotion.model_validate(version["definition"])
        assert model.id == promo["code"]
        statuses.add(promo["status"])
    assert {"live", "ended", "scheduled", "draft"} <= statuses


def test_each_promotion_version_records_the_budget_and_limit_it_was_saved_with(rows: Rows) -> None:
    for version, promo in zip(rows["promotion_versions"], rows["promotions"], strict=True):
        amount = promo["budget_amount"]
        assert version["limits"] == {"budget_amount": None if amount is None else str(amount),
                                     "budget_uses": promo["budget_uses"],
                                     "per_customer_limit": promo["per_customer_limit"]}


def test_campaigns_show_every_lifecycle_state_and_journeys_point_at_them(rows: Rows) -> None:
    states = {c["state"] for c in rows["campaigns"]}
    assert {"completed", "running", "scheduled", "draft"} <= states
    campaign_ids = {c["id"] for c in rows["campaigns"]}
    tagged = [e for e in rows["events"] if e["campaign_id"] is not None]
    assert tagged and {e["campaign_id"] for e in tagged} <= campaign_ids
    assert all(e["utm_campaign"] for e in rows["events"])


def test_journeys_lead_to_orders_over_several_touchpoint_channels(rows: Rows) -> None:
    purchases = [e for e in rows["events"] if e["type"] == "purchase"]
    order_ids = {o["id"] for o in rows["orders"]}
    assert purchases and all(e["order_id"] in order_ids for e in purchases)
    channels = {e["channel"] for e in rows["events"]}
    assert channels == {"short_video", "search", "wechat_oa", "miniprogram", "community", "offline_store"}
    anonymous = [e for e in rows["events"] if e["customer_id"] is None]
    assert anonymous and all(e["anonymous_id"] for e in anonymous)
    assert all(e["props"].get("page") or e["type"] == "purchase" for e in rows["events"])


def test_a_spring_window_shows_the_new_year_dip_and_the_nianhuo_rise() -> None:
    rows = _generate(customers=600, as_of=date(2026, 4, 1))
    days: Counter[date] = Counter(_local_day(o) for o in _paid(rows))

    def orders(first: date, length: int) -> int:
        return sum(days[first + timedelta(days=i)] for i in range(length))

    festival, after = orders(date(2026, 2, 17), 7), orders(date(2026, 2, 24), 7)  # 正月初一 2026-02-17
    nianhuo, march = orders(date(2026, 1, 23), 14), orders(date(2026, 3, 2), 14)
    assert festival * 2 < after
    assert nianhuo > march
