"""The checkout simulator's view helpers: the cart, customers, and the quote as rows."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app import checkout_view as cart_view
from app.i18n import translate
from engine.promotions import Quote
from services.commerce.pricing import CartQuote, CouponProblem, Withheld


def test_the_cart_keeps_one_line_per_sku_and_totals_at_list_price() -> None:
    tea = {"sku": "YX-TEA-1", "name": "西湖龙井", "price": "¥1,318.00"}
    cup = {"sku": "YX-CUP-1", "name": "杯", "price": "¥29.90"}
    lines = cart_view.add_line(cart_view.add_line([], tea, 1), cup, 2)
    lines = cart_view.add_line(lines, tea, 1)
    assert [(ln["sku"], ln["qty"]) for ln in lines] == [("YX-TEA-1", "2"), ("YX-CUP-1", "2")]
    assert cart_view.cart_total(lines) == "¥2,695.80"
    assert [ln["amount"] for ln in cart_view.cart_lines_view(lines)] == ["¥2,636.00", "¥59.80"]
    assert [ln["sku"] for ln in cart_view.set_qty(lines, "YX-TEA-1", 0)] == ["YX-CUP-1"]
    assert cart_view.set_qty(lines, "YX-CUP-1", 5)[1]["qty"] == "5"


def test_coupon_codes_are_trimmed_upper_cased_and_not_repeated() -> None:
    assert cart_view.add_code(["VIP8"], " vip8 ") == ["VIP8"]
    assert cart_view.add_code(["VIP8"], "new10") == ["VIP8", "NEW10"]
    assert cart_view.add_code([], "  ") == []


def test_a_customer_option_shows_code_tier_in_both_languages_and_orders() -> None:
    customer = SimpleNamespace(id=12, code="C000012", name="张*", orders_count=3, tier="gold", tags=("vip", "tea"))
    tiers = cart_view.tier_labels([SimpleNamespace(value="gold", zh="金卡会员", en="Gold")])
    option = cart_view.customer_option(customer, tiers)
    assert option == {"id": "12", "code": "C000012", "name": "张*", "orders": "3", "tier_zh": "金卡会员",
                      "tier_en": "Gold", "tags": "vip, tea"}


def _quote() -> CartQuote:
    """A ¥318 cart: 满300减50 then an 8折 coupon on ¥268, shipping ¥10; a 满500 gift missed; alternatives."""
    q = Quote.model_validate({
        "subtotal": "318.00", "discount": "103.60", "shipping_fee": "10.00", "shipping": "10.00", "total": "224.40",
        "saving": "103.60", "gift_value": "0.00",
        "lines": [{"line": 0, "sku": "YX-TEA-1", "qty": 1, "amount": "318.00", "discount": "103.60",
                   "total": "214.40"},
                  {"line": 1, "sku": "YX-CUP-1", "qty": 1, "amount": "0.00", "discount": "0.00", "total": "0.00"}],
        "applied": [
            {"promotion_id": "MJ300", "name": "满300减50", "type": "threshold_off", "layer": "order",
             "discount": "50.00", "lines": [{"line": 0, "sku": "YX-TEA-1", "amount": "50.00"}],
             "messages": {"zh-CN": "满300减50：优惠¥50.00", "en": "满300减50: ¥50.00 off"}},
            {"promotion_id": "VIP8", "name": "会员8折券", "type": "percent_off", "layer": "coupon",
             "discount": "53.60", "lines": [{"line": 0, "sku": "YX-TEA-1", "amount": "53.60"}],
             "messages": {"zh-CN": "会员8折券：优惠¥53.60", "en": "会员8折券: ¥53.60 off"}}],
        "gifts": [{"promotion_id": "GIFT", "sku": "TOTE", "qty": 1, "value": "39.00"}],
        "not_applied": [{"promotion_id": "GIFT500", "name": "满500赠帆布袋", "reason": "threshold_not_reached",
                         "messages": {"zh-CN": "满500赠帆布袋：未达到门槛¥500.00，还差¥182.00",
                                      "en": "满500赠帆布袋: ¥182.00 short of ¥500.00"}}],
        "nudges": [{"promotion_id": "GIFT500", "shortfall": "182.00", "reward": "满500赠TOTE×1",
                    "messages": {"zh-CN": "再买¥182.00享满500赠TOTE×1", "en": "add ¥182.00 more for a free TOTE"}}],
        "combination": ["MJ300", "VIP8"],
        "alternatives": [{"promotion_ids": ["VIP8"], "saving": "63.60", "discount": "63.60",
                          "refused_by_margin": False},
                         {"promotion_ids": ["MJ300", "DEEP"], "saving": "150.00", "discount": "150.00",
                          "refused_by_margin": True}],
        "min_margin": "0", "optimal": True, "nodes": 5,
    })
    return CartQuote(q, [Withheld("SPENT", "budget_exhausted")], [CouponProblem("nope1", "unknown")], {})


def test_a_quote_becomes_totals_lines_applied_gifts_reasons_nudges_and_alternatives() -> None:
    rows = cart_view.quote_rows(_quote(), {"YX-TEA-1": "西湖龙井", "TOTE": "帆布袋"},
                           {"DEEP": "全场5折", "SPENT": "清仓特卖"})
    assert rows.totals["subtotal"] == "¥318.00" and rows.totals["discount"] == "¥103.60"
    assert rows.totals["has_discount"] == "1"  # shown as -¥103.60; a cart with nothing off shows ¥0.00, no minus
    assert rows.totals["shipping"] == "¥10.00" and rows.totals["total"] == "¥224.40"
    assert rows.totals["combination"] == "满300减50 + 会员8折券"
    assert [(ln["name"], ln["discount"], ln["has_discount"]) for ln in rows.lines] == [
        ("西湖龙井", "¥103.60", "1"), ("YX-CUP-1", "¥0.00", "0")]
    assert [(a["name"], a["discount"], a["layer"]) for a in rows.applied] == [
        ("满300减50", "¥50.00", "order"), ("会员8折券", "¥53.60", "coupon")]
    assert rows.applied[1]["zh-CN"] == "会员8折券：优惠¥53.60"
    assert rows.gifts == [{"sku": "TOTE", "name": "帆布袋", "qty": "1", "value": "¥39.00", "promotion": "GIFT"}]
    assert [(n["reason"], n["zh-CN"]) for n in rows.not_applied] == [
        ("threshold_not_reached", "满500赠帆布袋：未达到门槛¥500.00，还差¥182.00"),
        ("budget_exhausted", "清仓特卖：活动预算已用完"),
        ("coupon_unknown", "券码 nope1：不存在")]
    assert rows.not_applied[2]["en"] == "Code nope1: doesn't exist"
    assert rows.nudges == [{"id": "GIFT500", "shortfall": "¥182.00", "zh-CN": "再买¥182.00享满500赠TOTE×1",
                            "en": "add ¥182.00 more for a free TOTE"}]
    assert rows.alternatives == [
        {"names": "会员8折券", "saving": "¥63.60", "discount": "¥63.60", "gap": "¥40.00", "refused": "0"},
        {"names": "满300减50 + 全场5折", "saving": "¥150.00", "discount": "¥150.00", "gap": "-¥46.40",
         "refused": "1"}]


@pytest.mark.parametrize("key", [f"sim.withheld_{r}" for r in cart_view.WITHHELD]
                         + [f"sim.coupon_{r}" for r in cart_view.COUPON_PROBLEMS])
def test_every_reason_the_service_gives_has_a_message_in_both_languages(key: str) -> None:
    assert translate(key, "zh-CN") != translate(key, "en")
    assert "{" in translate(key, "en")
