"""The quote explains itself: reasons, applied messages and 凑单 nudges, in zh-CN and English."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from promo_builders import NOW, cart, line, manjian, percent, promo

from engine.promotions import quote

CTX = {"now": NOW}


def test_a_threshold_not_reached_gets_a_reason_and_a_nudge_in_both_languages() -> None:
    q = quote(cart(line("A", "270")), [manjian("m300", 300, 50, name="满300减50")], context=CTX)
    reason = q.not_applied[0]
    assert reason.reason == "threshold_not_reached"
    assert reason.messages["zh-CN"] == "满300减50：未达到门槛¥300.00，还差¥30.00"
    nudge = q.nudges[0]
    assert nudge.shortfall == Decimal("30.00")
    assert nudge.messages == {"zh-CN": "再买¥30.00享满300减50", "en": "add ¥30.00 more for ¥50 off"}


def test_an_applied_ladder_nudges_toward_its_next_tier() -> None:
    ladder = promo("m", "threshold_off", {"tiers": [{"threshold": 300, "off": 50}, {"threshold": 500, "off": 100}]})
    q = quote(cart(line("A", "420")), [ladder], context=CTX)
    assert q.discount == Decimal("50.00")
    assert q.nudges[0].messages["zh-CN"] == "再买¥80.00享满500减100"


def test_a_repeating_threshold_nudges_toward_the_next_multiple() -> None:
    every = promo("e", "threshold_off", {"tiers": [{"threshold": 200, "off": 30}], "repeat": True})
    q = quote(cart(line("A", "450")), [every], context=CTX)
    assert q.discount == Decimal("60.00") and q.nudges[0].shortfall == Decimal("150.00")
    assert q.nudges[0].messages["zh-CN"] == "再买¥150.00享每满200减30"


def test_free_shipping_nudges_only_while_a_fee_is_charged() -> None:
    fs = promo("fs", "free_shipping", {"threshold": 99}, name="满99包邮")
    q = quote(cart(line("A", "80"), shipping_fee="10"), [fs], context=CTX)
    assert q.nudges[0].messages["en"] == "add ¥19.00 more for free shipping"
    assert quote(cart(line("A", "80")), [fs], context=CTX).nudges == []


def test_a_promotion_blocked_by_a_group_names_the_winner() -> None:
    q = quote(cart(line("A", "600")), [manjian("a", 300, 50, group="g", name="满300减50"),
                                       manjian("b", 500, 90, group="g", name="满500减90")], context=CTX)
    reason = q.not_applied[0]
    assert reason.reason == "excluded_by_stacking" and reason.detail == {"other": "满500减90"}
    assert reason.messages["en"] == '满300减50: cannot be combined with "满500减90"'


def test_a_promotion_beaten_on_every_line_is_not_better() -> None:
    q = quote(cart(line("A", "100")), [percent("p10", 10), percent("p20", 20)], context=CTX)
    assert q.combination == ["p20"] and q.not_applied[0].reason == "not_better"


def test_a_promotion_without_lines_in_scope_says_so() -> None:
    q = quote(cart(line("A", "100")), [percent("p", 10, scope={"skus": ["Z"]})], context=CTX)
    assert q.not_applied[0].reason == "no_line_in_scope"


def test_buy_x_get_y_short_of_a_group_says_how_many_units_are_missing() -> None:
    q = quote(cart(line("A", "39", qty=2)), [promo("b", "buy_x_get_y", {"buy": 2, "get": 1})], context=CTX)
    assert q.not_applied[0].detail == {"units": "1"}
    assert q.not_applied[0].messages["zh-CN"] == "b：再买1件参与活动商品即可享受"


def test_unpresented_coupons_are_not_listed() -> None:
    q = quote(cart(line("A", "100")), [percent("c", 10, coupon="X")], context=CTX)
    assert q.not_applied == [] and q.nudges == []


def test_applied_promotions_say_what_they_gave() -> None:
    gift = promo("g", "gift", {"gift_sku": "MUG", "gift_qty": 2}, name="赠马克杯")
    q = quote(cart(line("A", "100"), shipping_fee="8"),
              [percent("p", 10, name="9折"), gift, promo("fs", "free_shipping", {}, name="包邮")], context=CTX)
    messages = {a.promotion_id: a.messages for a in q.applied}
    assert messages["p"]["zh-CN"] == "9折：优惠¥10.00"
    assert messages["g"]["en"] == "赠马克杯: free MUG ×2"
    assert messages["fs"]["zh-CN"] == "包邮：免运费¥8.00"


def test_both_locale_files_define_the_same_messages() -> None:
    folder = Path(__file__).resolve().parents[4] / "engine" / "promotions" / "locales"
    zh = json.loads((folder / "zh-CN.json").read_text(encoding="utf-8"))
    en = json.loads((folder / "en.json").read_text(encoding="utf-8"))
    assert zh.keys() == en.keys()
