"""Calculators per promotion type and the money helpers (integer cents)."""

from __future__ import annotations

from decimal import Decimal

from engine.promotions.calculators import (
    buy_x_get_y,
    fixed_price,
    next_threshold,
    percent_off,
    prepare,
    threshold_off,
)
from engine.promotions.model import Promotion
from engine.promotions.money import format_money, format_short, percent_of, prorate, to_cents, to_yuan


def _prep(kind: str, params: dict) -> object:
    return prepare(Promotion.model_validate({"id": "p", "type": kind, "params": params}))


def test_highest_tier_reached_applies() -> None:
    prep = _prep("threshold_off", {"tiers": [{"threshold": 300, "off": 50}, {"threshold": 500, "off": 100}]})
    assert sum(threshold_off(prep, [29999], [1])) == 0
    assert sum(threshold_off(prep, [30000], [1])) == 5000
    assert sum(threshold_off(prep, [60000], [1])) == 10000


def test_threshold_off_repeats_for_every_full_threshold() -> None:
    prep = _prep("threshold_off", {"tiers": [{"threshold": 200, "off": 30}], "repeat": True})
    assert sum(threshold_off(prep, [45000], [1])) == 6000
    assert sum(threshold_off(prep, [19999], [1])) == 0


def test_max_off_caps_a_repeating_threshold() -> None:
    prep = _prep("threshold_off", {"tiers": [{"threshold": 100, "off": 20}], "repeat": True, "max_off": 50})
    assert sum(threshold_off(prep, [100000], [1])) == 5000


def test_threshold_discount_is_spread_over_lines_in_proportion() -> None:
    prep = _prep("threshold_off", {"tiers": [{"threshold": 300, "off": 50}]})
    assert threshold_off(prep, [24000, 9990], [2, 1]) == [3530, 1470]


def test_percent_off_rounds_the_total_half_up_to_the_cent() -> None:
    prep = _prep("percent_off", {"percent": "12.5"})
    assert sum(percent_off(prep, [1], [1])) == 0  # 0.125 cent
    assert sum(percent_off(prep, [4], [1])) == 1  # 0.5 cent rounds up
    assert sum(percent_off(prep, [999], [1])) == 125  # 124.875 cents


def test_percent_off_respects_max_off() -> None:
    prep = _prep("percent_off", {"percent": 50, "max_off": 30})
    assert percent_off(prep, [10000, 10000], [1, 1]) == [1500, 1500]


def test_fixed_price_sets_every_unit_to_the_special_price() -> None:
    prep = _prep("fixed_price", {"price": "9.90"})
    assert fixed_price(prep, [5000, 500], [2, 1]) == [5000 - 1980, 0]


def test_second_unit_half_price_discounts_the_cheapest_unit() -> None:
    prep = _prep("buy_x_get_y", {"buy": 1, "get": 1, "get_percent_off": 50})
    assert buy_x_get_y(prep, [19800, 5900], [2, 1]) == [0, 2950]


def test_buy_two_get_one_frees_the_cheapest_units_across_lines() -> None:
    prep = _prep("buy_x_get_y", {"buy": 2, "get": 1})
    assert buy_x_get_y(prep, [11700, 8700], [3, 3]) == [0, 5800]


def test_buy_x_get_y_gives_nothing_below_a_full_group() -> None:
    prep = _prep("buy_x_get_y", {"buy": 2, "get": 1})
    assert buy_x_get_y(prep, [10000, 5000], [1, 1]) == [0, 0]


def test_next_threshold_of_a_ladder_is_the_next_better_tier() -> None:
    prep = _prep("threshold_off", {"tiers": [{"threshold": 300, "off": 50}, {"threshold": 500, "off": 100}]})
    assert next_threshold(prep, 27000) == (30000, 5000)
    assert next_threshold(prep, 32000) == (50000, 10000)
    assert next_threshold(prep, 50000) is None


def test_proration_is_exact_and_gives_leftover_cents_to_the_largest_remainders() -> None:
    assert prorate(100, [1, 1, 1]) == [34, 33, 33]
    assert prorate(5000, [24000, 9990]) == [3530, 1470]
    assert sum(prorate(12345, [7, 11, 13, 17])) == 12345


def test_proration_never_gives_a_line_more_than_its_amount() -> None:
    weights = [1, 2, 3, 1000]
    shares = prorate(sum(weights), weights)
    assert all(s <= w for s, w in zip(shares, weights))


def test_money_round_trips_through_cents() -> None:
    assert to_cents(Decimal("1234.56")) == 123456
    assert to_yuan(123456) == Decimal("1234.56")
    assert percent_of(12345, 2000) == 2469


def test_money_is_formatted_with_yuan_sign_and_thousands() -> None:
    assert format_money(123456) == "¥1,234.56"
    assert format_money(3000) == "¥30.00"
    assert format_short(30000) == "300" and format_short(1250) == "12.50"
