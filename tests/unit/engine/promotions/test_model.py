"""Input validation: plain JSON accepted, bad input refused with the field named."""

from __future__ import annotations

from decimal import Decimal

import pytest
from promo_builders import cart, line, manjian, promo

from engine.errors import EngineError
from engine.promotions import PromotionError, quote
from engine.promotions.model import Promotion


def test_promotion_params_are_validated_by_type() -> None:
    p = Promotion.model_validate(manjian("m", 300, 50))
    assert p.params.tiers[0].threshold == Decimal("300")  # type: ignore[union-attr]
    assert p.layer == "order"


def test_a_coupon_promotion_sits_in_the_coupon_layer_except_free_shipping() -> None:
    assert Promotion.model_validate(manjian("m", 300, 50, coupon="X")).layer == "coupon"
    assert Promotion.model_validate(promo("f", "free_shipping", {}, coupon="X")).layer == "shipping"
    assert Promotion.model_validate(promo("p", "percent_off", {"percent": 10})).layer == "item"


def test_promotion_error_is_an_engine_value_error() -> None:
    assert issubclass(PromotionError, EngineError) and issubclass(PromotionError, ValueError)


def test_invalid_input_lists_every_problem_with_its_field() -> None:
    bad_cart = cart(line("A", "-1"), line("B", "1.234"))
    with pytest.raises(PromotionError) as caught:
        quote(bad_cart, [promo("p", "percent_off", {"percent": 150})])
    fields = {p.field for p in caught.value.problems}
    assert "cart.lines.0.price" in fields
    assert "cart.lines.1.price" in fields
    assert "promotions[0].params.percent" in fields


def test_params_that_do_not_fit_the_type_are_refused() -> None:
    with pytest.raises(PromotionError) as caught:
        quote(cart(line("A", "10")), [promo("p", "percent_off", {"tiers": []})])
    assert any(p.field.startswith("promotions[0].params") for p in caught.value.problems)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(PromotionError) as caught:
        quote(cart(line("A", "10")), [], context={"now": "2026-11-11T10:00:00"})
    assert caught.value.problems[0].field == "context.now"


def test_a_ladder_that_gives_less_for_more_is_refused() -> None:
    bad = promo("m", "threshold_off", {"tiers": [{"threshold": 100, "off": 20}, {"threshold": 200, "off": 10}]})
    with pytest.raises(PromotionError):
        quote(cart(line("A", "10")), [bad])


def test_duplicate_promotion_ids_are_refused() -> None:
    with pytest.raises(PromotionError) as caught:
        quote(cart(line("A", "10")), [manjian("m", 1, 1), manjian("m", 2, 1)])
    assert caught.value.problems[0].field == "promotions"


def test_a_negative_min_margin_is_refused() -> None:
    with pytest.raises(PromotionError) as caught:
        quote(cart(line("A", "10")), [], min_margin=Decimal("-0.1"))
    assert caught.value.as_dict()["errors"][0]["field"] == "min_margin"


def test_unknown_keys_are_refused_so_typos_never_pass() -> None:
    with pytest.raises(PromotionError) as caught:
        quote({"lines": [line("A", "10")], "coupon_code": ["X"]}, [])
    assert caught.value.problems[0].field == "cart.coupon_code"
