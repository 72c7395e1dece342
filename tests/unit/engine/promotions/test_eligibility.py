"""Eligibility: coupons, dates, scope and JSON-Logic conditions (evaluated by engine.rules)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from promo_builders import NOW, cart, line, percent

from engine.promotions import PromotionError, quote
from engine.promotions.eligibility import _COMPILED, condition_data
from engine.promotions.model import Cart, Context, Customer

CTX = {"now": NOW}


def test_conditions_see_customer_cart_and_context() -> None:
    data = condition_data(Cart.model_validate(cart(line("A", "10", qty=2), channel="miniprogram")),
                          Customer(id="u1", is_new=True, tier="gold"), Context(), Context(now=NOW).now)  # type: ignore[arg-type]
    assert data["customer"]["is_new"] is True and data["customer"]["tier"] == "gold"
    assert data["cart"]["subtotal"] == Decimal("20") and data["cart"]["item_count"] == 2
    assert data["cart"]["channel"] == "miniprogram" and data["context"]["now"].startswith("2026-11-11T10:00")


def test_a_channel_only_deal_applies_only_on_that_channel() -> None:
    deal = percent("mp", 10, condition={"==": [{"var": "cart.channel"}, "miniprogram"]})
    assert quote(cart(line("A", "100"), channel="miniprogram"), [deal], context=CTX).discount == Decimal("10.00")
    q = quote(cart(line("A", "100"), channel="store"), [deal], context=CTX)
    assert q.discount == 0 and q.not_applied[0].reason == "condition_false"


def test_a_member_tier_deal_reads_the_customer() -> None:
    deal = percent("gold", 5, condition={"in": [{"var": "customer.tier"}, ["gold", "platinum"]]})
    assert quote(cart(line("A", "100")), [deal], {"tier": "gold"}, CTX).discount == Decimal("5.00")
    assert quote(cart(line("A", "100")), [deal], {"tier": "silver"}, CTX).discount == 0


def test_a_literal_false_condition_never_applies() -> None:
    q = quote(cart(line("A", "100")), [percent("off", 10, condition=False)], context=CTX)
    assert q.not_applied[0].reason == "condition_false"


def test_an_invalid_condition_is_refused_naming_its_field() -> None:
    bad = percent("bad", 10, condition={"no_such_operator": [1, 2]})
    with pytest.raises(PromotionError) as caught:
        quote(cart(line("A", "100")), [percent("ok", 5), bad], context=CTX)
    assert [p.field for p in caught.value.problems] == ["promotions[1].condition"]


def test_a_condition_is_compiled_once_per_distinct_rule() -> None:
    rule = {"==": [{"var": "customer.id"}, "compile-once"]}
    promos = [percent(f"p{i}", 5, condition=rule) for i in range(20)]
    before = len(_COMPILED)
    quote(cart(line("A", "100")), promos, context=CTX)
    quote(cart(line("A", "100")), promos, context=CTX)
    assert len(_COMPILED) == before + 1
