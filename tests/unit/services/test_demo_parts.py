"""Pieces of the demo data set: calendar, catalogue, money splitting, phone formats, arguments."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.demo import DemoDataError, load_demo
from services.demo.calendar import build_window, day_weight, promo_season, spring_festival
from services.demo.catalog import build_categories, build_products, inventory_rows, price_tag
from services.demo.orders import spread
from services.demo.people import Uniques, mobile, raw_phone
from services.demo.reference import STORES
from storage.crypto import normalize_phone

CENTS = st.integers(min_value=1, max_value=10_000_000).map(lambda c: Decimal(c) / 100)


def test_weekends_and_shopping_festivals_weigh_more_than_a_plain_weekday() -> None:
    tuesday = date(2026, 3, 10)
    assert day_weight(date(2026, 3, 14)) > day_weight(tuesday)  # Saturday
    assert day_weight(date(2026, 11, 11)) > 5 * day_weight(tuesday)
    assert day_weight(date(2026, 6, 18)) > 3 * day_weight(tuesday)


def test_the_spring_festival_week_dips_and_the_weeks_before_it_rise() -> None:
    festival = spring_festival(2026)
    assert festival == date(2026, 2, 17)
    plain = day_weight(date(2026, 3, 11))
    assert day_weight(festival + timedelta(days=2)) < 0.6 * plain
    assert day_weight(festival - timedelta(days=15)) > 1.4 * plain
    assert promo_season(festival - timedelta(days=15)) == "cny"


def test_the_window_is_the_365_days_before_as_of_and_samples_inside_a_range() -> None:
    window = build_window(date(2026, 11, 27))
    assert window.days[0] == date(2025, 11, 27) and window.days[-1] == date(2026, 11, 26)
    rng = random.Random(1)
    picks = [window.sample(rng, 100, 120) for _ in range(500)]
    assert min(picks) >= 100 and max(picks) <= 120
    busiest = Counter(window.days[window.sample(rng)] for _ in range(20000)).most_common(1)[0][0]
    assert (busiest.month, busiest.day) == (11, 11)


def test_the_catalogue_has_about_500_skus_in_a_two_level_tree_with_margins_by_category() -> None:
    categories = build_categories()
    products = build_products(random.Random(1), categories)
    assert 450 <= len(products) <= 550
    assert len({p.sku for p in products}) == len(products)
    parents = {c.id: c.parent_id for c in categories}
    assert all(parents[p.category_id] is not None for p in products)
    assert all(Decimal("0") < p.cost < p.price for p in products)

    def margin(top: str) -> Decimal:
        chosen = [p for p in products if p.top == top]
        return 1 - sum(p.cost for p in chosen) / sum(p.price for p in chosen)

    assert margin("DRINK") > Decimal("0.65") > margin("TEA") > margin("SNACK") > Decimal("0.35")


def test_prices_look_like_price_tags() -> None:
    assert price_tag(168.0) == Decimal("168.00")
    assert price_tag(311.0) == Decimal("318.00")
    assert price_tag(45.4) == Decimal("45.00")
    assert price_tag(19.7) == Decimal("19.9")


def test_stores_stock_packaged_goods_and_the_warehouse_stocks_every_one() -> None:
    products = build_products(random.Random(1), build_categories())
    rows = inventory_rows(random.Random(2), products)
    warehouse = {r["product_id"] for r in rows if r["location_code"] == "WH-ONLINE"}
    assert warehouse == {p.id for p in products if p.top != "DRINK"}
    assert len({r["location_code"] for r in rows}) == len(STORES) + 1
    assert len({(r["product_id"], r["location_code"]) for r in rows}) == len(rows)


@given(CENTS, st.lists(CENTS, min_size=1, max_size=12))
def test_spreading_a_discount_adds_up_exactly_and_never_exceeds_a_line(amount: Decimal,
                                                                      bases: list[Decimal]) -> None:
    amount = min(amount, sum(bases))
    parts = spread(amount, bases)
    assert sum(parts) == amount
    assert all(Decimal("0") <= p <= b for p, b in zip(parts, bases, strict=True))
    assert all(p == p.quantize(Decimal("0.01")) for p in parts)


def test_raw_phone_formats_normalise_back_to_the_number() -> None:
    rng = random.Random(3)
    number = mobile(rng)
    formats = {raw_phone(rng, number) for _ in range(200)}
    assert {number, f"+86 {number[:3]}-{number[3:7]}-{number[7:]}", f"{number[:3]} {number[3:7]} {number[7:]}"} <= formats
    assert {normalize_phone(f) for f in formats} == {number}


def test_unique_values_are_compared_in_their_normal_form() -> None:
    uniques = Uniques()
    values = iter([" A@qq.com", "a@qq.com ", "b@qq.com"])
    first = uniques.take("email", lambda: next(values), key=lambda v: v.strip().lower())
    second = uniques.take("email", lambda: next(values), key=lambda v: v.strip().lower())
    assert (first, second) == (" A@qq.com", "b@qq.com")


def test_bad_arguments_are_all_named_before_anything_is_touched() -> None:
    with pytest.raises(DemoDataError) as caught:
        load_demo(customers=0, seed="x", as_of="2026-01-01")  # type: ignore[arg-type]
    assert set(caught.value.problems) == {"customers", "seed", "as_of"}
