"""Layers and stacking rules, through the public quote()."""

from __future__ import annotations

from decimal import Decimal

from promo_builders import NOW, cart, line, manjian, percent, promo

from engine.promotions import quote

CTX = {"now": NOW}


def _q(c: dict, promos: list[dict], **kw: object):  # type: ignore[no-untyped-def]
    return quote(c, promos, context=CTX, **kw)  # type: ignore[arg-type]


def test_a_line_covered_by_two_item_deals_takes_the_one_that_saves_most() -> None:
    c = cart(line("A", "100", category="shoe"), line("B", "100", category="bag"))
    q = _q(c, [percent("p10", 10), percent("p30", 30, scope={"categories": ["shoe"]})])
    assert [ln.discount for ln in q.lines] == [Decimal("30.00"), Decimal("10.00")]
    assert q.combination == ["p10", "p30"] or q.combination == ["p30", "p10"]


def test_an_order_threshold_is_measured_after_item_level_discounts() -> None:
    c = cart(line("A", "320"))
    q = _q(c, [manjian("m300", 300, 50), percent("p10", 10)])
    # 10 % alone: 32; 满300减50 alone: 50; together 288 < 300 so the threshold is missed.
    assert q.discount == Decimal("50.00") and q.combination == ["m300"]


def test_order_and_item_deals_stack_when_the_threshold_still_holds() -> None:
    q = _q(cart(line("A", "400")), [manjian("m300", 300, 50), percent("p10", 10)])
    assert q.discount == Decimal("90.00")
    assert [a.promotion_id for a in q.applied] == ["p10", "m300"]


def test_a_coupon_applies_only_when_the_cart_presents_its_code() -> None:
    coupon = manjian("c20", 100, 20, coupon="SAVE20")
    assert _q(cart(line("A", "150")), [coupon]).discount == Decimal("0.00")
    assert _q(cart(line("A", "150"), coupons=[" save20 "]), [coupon]).discount == Decimal("20.00")


def test_a_coupon_percentage_applies_after_the_order_layer() -> None:
    c = cart(line("A", "300"), coupons=["D8"])
    q = _q(c, [manjian("m300", 300, 50), percent("d8", 20, coupon="D8")])
    assert q.discount == Decimal("100.00")  # 50, then 20 % of 250


def test_free_shipping_threshold_is_measured_after_all_discounts() -> None:
    c = cart(line("A", "100"), shipping_fee="10")
    q = _q(c, [percent("p20", 20), promo("fs", "free_shipping", {"threshold": 99})])
    # 20 % off (20) beats free shipping (10); both together: 80 < 99, no free shipping.
    assert q.combination == ["p20"] and q.shipping == Decimal("10.00")


def test_free_shipping_waives_the_fee_once() -> None:
    c = cart(line("A", "100"), shipping_fee="10")
    q = _q(c, [promo("fs1", "free_shipping", {}), promo("fs2", "free_shipping", {"threshold": 50})])
    assert q.shipping == Decimal("0.00") and len(q.combination) == 1


def test_an_exclusive_promotion_applies_alone() -> None:
    c = cart(line("A", "300"))
    q = _q(c, [percent("flash", 30, exclusive=True), manjian("m300", 300, 50), percent("p5", 5)])
    assert q.combination == ["flash"] and q.discount == Decimal("90.00")


def test_at_most_one_promotion_of_a_group_applies() -> None:
    c = cart(line("A", "600"))
    q = _q(c, [manjian("m300", 300, 50, group="mj"), manjian("m500", 500, 90, group="mj")])
    assert q.combination == ["m500"] and q.discount == Decimal("90.00")


def test_nothing_takes_a_line_below_zero() -> None:
    c = cart(line("A", "100"), coupons=["BIG"])
    q = _q(c, [manjian("m", 50, 80), manjian("c", 10, 90, coupon="BIG")])
    assert q.discount == Decimal("100.00") and q.total == Decimal("0.00")
    assert all(ln.total >= 0 for ln in q.lines)


def test_an_order_discount_is_spread_only_over_its_scope() -> None:
    c = cart(line("A", "200", category="shoe"), line("B", "100", category="bag"))
    q = _q(c, [manjian("m", 200, 30, scope={"categories": ["shoe"]})])
    assert [ln.discount for ln in q.lines] == [Decimal("30.00"), Decimal("0.00")]


def test_excluded_skus_are_outside_the_scope() -> None:
    c = cart(line("A", "200"), line("B", "100"))
    q = _q(c, [percent("p", 10, scope={"exclude_skus": ["B"]})])
    assert [ln.discount for ln in q.lines] == [Decimal("20.00"), Decimal("0.00")]


def test_a_gift_is_added_when_the_threshold_is_reached_and_stock_allows() -> None:
    gift = promo("g", "gift", {"threshold": 200, "gift_sku": "MUG", "gift_qty": 1, "gift_value": "39"})
    q = _q(cart(line("A", "250")), [gift], gift_stock={"MUG": 1})
    assert [(g.sku, g.qty, g.value) for g in q.gifts] == [("MUG", 1, Decimal("39.00"))]
    assert q.saving == Decimal("39.00") and q.discount == Decimal("0.00")


def test_a_gift_out_of_stock_is_not_given() -> None:
    gift = promo("g", "gift", {"threshold": 200, "gift_sku": "MUG"})
    q = _q(cart(line("A", "250")), [gift], gift_stock={"MUG": 0})
    assert q.gifts == [] and q.not_applied[0].reason == "gift_out_of_stock"


def test_a_gift_without_a_value_is_still_given() -> None:
    gift = promo("g", "gift", {"threshold": 0, "gift_sku": "BAG"})
    assert _q(cart(line("A", "10")), [gift]).combination == ["g"]


def test_promotions_outside_their_dates_do_not_apply() -> None:
    later = percent("p", 10, starts_at="2026-12-01T00:00:00+08:00")
    ended = percent("q", 10, ends_at="2026-11-11T10:00:00+08:00")
    q = _q(cart(line("A", "100")), [later, ended])
    assert {n.reason for n in q.not_applied} == {"outside_dates"} and q.discount == 0


def test_total_is_subtotal_minus_discount_plus_shipping() -> None:
    c = cart(line("A", "123.45", qty=3), line("B", "0.99"), shipping_fee="12")
    q = _q(c, [percent("p", "12.5"), manjian("m", 100, 15)])
    assert q.total == q.subtotal - q.discount + q.shipping
    assert q.discount == sum(ln.discount for ln in q.lines)
    assert q.discount == sum(a.discount for a in q.applied)
