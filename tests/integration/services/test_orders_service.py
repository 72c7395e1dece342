"""quote_cart and confirm_order: server prices, limits, coupons, gifts, stock, idempotency (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from services.commerce import (
    Conflict,
    InvalidInput,
    cancel_order,
    claim_coupon,
    confirm_order,
    get_order,
    get_promotion,
    pause_promotion,
    pay_order,
    quote_cart,
)
from services.commerce import orders as orders_service
from storage.db import session_scope
from storage.repositories import inventory
from tests.fixtures.commerce_data import (
    NOW,
    add_coupon_template,
    add_customers,
    add_promotion,
    counters,
    gift,
    percent,
    row_counts,
    seed_catalogue,
    threshold,
)

D = Decimal


@pytest.fixture
def shop(db: Engine) -> dict[str, int]:
    """The catalogue with stock; product ids by SKU."""
    return seed_catalogue()


def _order(customer_id: int | None, *lines: tuple[str, int], **extra: Any) -> dict[str, Any]:
    return {"lines": [{"sku": s, "qty": q} for s, q in lines], "customer_id": customer_id, **extra}


def _confirm(body: dict[str, Any], key: str) -> dict[str, Any]:
    return confirm_order(body, key, now=NOW).response


def _scalar(sql: str) -> Any:
    with session_scope() as s:
        return s.scalar(sa.text(sql))


# ---------------------------------------------------------------- quote


def test_a_quote_uses_the_catalogue_prices_and_the_delivery_fee(shop: dict[str, int]) -> None:
    q = quote_cart({"lines": [{"sku": "TEE", "qty": 2}, {"sku": "MUG", "qty": 1}]}, now=NOW).quote
    assert (q.subtotal, q.discount, q.shipping, q.total) == (D("250.00"), D("0.00"), D("10.00"), D("260.00"))
    pickup = quote_cart({"lines": [{"sku": "TEE", "qty": 1}], "channel": "store"}, now=NOW).quote
    assert pickup.shipping == D("0.00")


def test_a_quote_names_every_bad_field(shop: dict[str, int]) -> None:
    with pytest.raises(InvalidInput) as caught:
        quote_cart({"lines": [{"sku": "NOPE", "qty": 1}, {"sku": "OLD", "qty": 1}], "channel": "fax"},
                   customer_id=999, now=NOW)
    assert {p.field for p in caught.value.problems} == {"lines.0.sku", "lines.1.sku", "channel", "customer_id"}
    with pytest.raises(InvalidInput) as caught:
        quote_cart({"lines": [{"sku": "TEE", "qty": 0, "price": "1"}]}, now=NOW)
    assert {p.field for p in caught.value.problems} == {"lines.0.qty", "lines.0.price"}


def test_only_live_promotions_take_part(shop: dict[str, int]) -> None:
    add_promotion("live10", percent(10))
    add_promotion("draft20", percent(20), schedule=False)
    add_promotion("later30", {**percent(30), "starts_at": (NOW + timedelta(days=1)).isoformat()})
    add_promotion("paused40", percent(40))
    pause_promotion("paused40", now=NOW)
    q = quote_cart({"lines": [{"sku": "TEE", "qty": 1}]}, now=NOW).quote
    assert q.combination == ["live10"] and q.discount == D("10.00")


def test_a_new_customer_is_one_without_a_paid_order(shop: dict[str, int]) -> None:
    add_promotion("new20", percent(20, condition={"==": [{"var": "customer.is_new"}, True]}))
    [cid] = add_customers(1)
    cart = {"lines": [{"sku": "TEE", "qty": 1}]}
    assert quote_cart(cart, cid, now=NOW).quote.combination == ["new20"]
    placed = _confirm(_order(cid, ("MUG", 1)), "k-new")
    assert quote_cart(cart, cid, now=NOW).quote.combination == ["new20"]  # pending is not paid
    pay_order(placed["order_no"])
    q = quote_cart(cart, cid, now=NOW).quote
    assert q.combination == [] and q.not_applied[0].reason == "condition_false"


def test_tier_and_tags_reach_conditions(shop: dict[str, int]) -> None:
    add_promotion("vip", percent(15, condition={"and": [{"==": [{"var": "customer.tier"}, "gold"]},
                                                        {"in": ["wholesale", {"var": "customer.tags"}]}]}))
    [gold] = add_customers(1, tier="gold", tags=("wholesale",))
    [plain] = add_customers(1)
    cart = {"lines": [{"sku": "TEE", "qty": 1}]}
    assert quote_cart(cart, gold, now=NOW).quote.combination == ["vip"]
    assert quote_cart(cart, plain, now=NOW).quote.combination == []


def test_used_up_budgets_and_limits_are_withheld_with_the_reason(shop: dict[str, int]) -> None:
    add_promotion("uses", percent(10, scope={"skus": ["TEE"]}), budget_uses=1)
    add_promotion("once", percent(10, scope={"skus": ["MUG"]}), per_customer_limit=1)
    a, b = add_customers(2)
    _confirm(_order(a, ("TEE", 1), ("MUG", 1)), "k1")
    withheld = {w.promotion_id: w.reason for w in quote_cart(
        {"lines": [{"sku": "TEE", "qty": 1}, {"sku": "MUG", "qty": 1}]}, a, now=NOW).withheld}
    assert withheld == {"uses": "budget_exhausted", "once": "per_customer_limit"}
    other = quote_cart({"lines": [{"sku": "MUG", "qty": 1}]}, b, now=NOW)
    assert other.quote.combination == ["once"]
    anonymous = quote_cart({"lines": [{"sku": "MUG", "qty": 1}]}, None, now=NOW)
    assert [(w.promotion_id, w.reason) for w in anonymous.withheld] == [
        ("uses", "budget_exhausted"), ("once", "needs_customer")]


def test_a_promotion_that_would_overrun_its_amount_budget_is_left_out_and_the_cart_requoted(
        shop: dict[str, int]) -> None:
    add_promotion("big", threshold(200, 50), budget_amount="40")
    add_promotion("small", percent(5))
    cq = quote_cart({"lines": [{"sku": "TEE", "qty": 3}]}, now=NOW)
    assert [(w.promotion_id, w.reason) for w in cq.withheld] == [("big", "budget_exhausted")]
    assert cq.quote.combination == ["small"] and cq.quote.discount == D("15.00")


def test_a_claimed_coupon_unlocks_its_promotion_for_its_owner_only(shop: dict[str, int]) -> None:
    add_promotion("C20", threshold(100, 20))
    add_coupon_template("T20", "C20", valid_days=3)
    owner, other = add_customers(2)
    code = claim_coupon("T20", owner, now=NOW).code
    cart = {"lines": [{"sku": "TEE", "qty": 1}]}
    assert quote_cart(cart, owner, now=NOW).quote.combination == []  # not presented: not offered
    mine = quote_cart(cart, owner, [code.lower()], now=NOW)
    assert mine.quote.combination == ["C20"] and mine.coupons == {"C20": code}
    assert mine.quote.applied[0].layer == "coupon"
    problems = lambda cq: [(p.code, p.reason) for p in cq.coupon_problems]  # noqa: E731
    assert problems(quote_cart(cart, other, [code], now=NOW)) == [(code, "not_yours")]
    assert problems(quote_cart(cart, None, [code], now=NOW)) == [(code, "needs_customer")]
    assert problems(quote_cart(cart, owner, [code], now=NOW + timedelta(days=3))) == [(code, "expired")]
    assert problems(quote_cart(cart, owner, ["ZZZZZZZZZZ"], now=NOW)) == [("ZZZZZZZZZZ", "unknown")]


def test_a_shared_coupon_code_applies_to_anyone_who_presents_it(shop: dict[str, int]) -> None:
    add_promotion("vip10", threshold(100, 10, coupon_code="VIP10"))
    cart = {"lines": [{"sku": "TEE", "qty": 1}]}
    assert quote_cart(cart, None, ["vip10"], now=NOW).quote.combination == ["vip10"]
    assert quote_cart(cart, None, [], now=NOW).quote.combination == []


def test_a_gift_needs_gift_stock(shop: dict[str, int]) -> None:
    add_promotion("tote", gift("TOTE", value="39"))
    with session_scope() as s:
        inventory.set_gift_stock(s, "TOTE", 1)
    [cid] = add_customers(1)
    first = _confirm(_order(cid, ("TEE", 1)), "g1")
    assert first["gifts"] == [{"promotion_id": "tote", "sku": "TOTE", "qty": 1}]
    q = quote_cart({"lines": [{"sku": "TEE", "qty": 1}]}, cid, now=NOW).quote
    assert q.gifts == [] and q.not_applied[0].reason == "gift_out_of_stock"


# ---------------------------------------------------------------- confirm


def test_confirming_consumes_exactly_what_the_order_records(shop: dict[str, int]) -> None:
    add_promotion("mj", threshold(200, 30), budget_amount="1000", budget_uses=10, per_customer_limit=2)
    add_promotion("fs", {"type": "free_shipping", "params": {"threshold": 100}})
    add_promotion("tote", gift("TOTE", at=100, value="5"))
    add_promotion("C20", threshold(100, 20))
    add_coupon_template("T20", "C20")
    with session_scope() as s:
        inventory.set_gift_stock(s, "TOTE", 10)
    [cid] = add_customers(1)
    code = claim_coupon("T20", cid, now=NOW).code
    got = _confirm(_order(cid, ("TEE", 2), ("MUG", 1), coupon_codes=[code]), "key-1")
    assert (got["subtotal"], got["discount"], got["shipping"], got["total"]) == ("250.00", "50.00", "0.00", "200.00")
    assert {p["promotion_id"]: p["amount"] for p in got["promotions"]} == {
        "mj": "30.00", "fs": "10.00", "tote": "5.00", "C20": "20.00"}
    assert got["status"] == "pending" and got["order_no"].startswith("SY20261111")
    mj = get_promotion("mj")
    assert (mj.used_uses, mj.used_amount) == (1, D("30.00"))
    assert _scalar("SELECT status FROM coupons") == "redeemed"
    assert _scalar("SELECT given FROM gift_stock") == 1
    assert _scalar(f"SELECT reserved FROM inventory WHERE product_id = {shop['TEE']}") == 2
    assert _scalar("SELECT uses FROM promotion_customer_uses pcu JOIN promotions p ON p.id = pcu.promotion_id"
                   " WHERE p.code = 'mj'") == 1
    assert _scalar("SELECT SUM(amount) FROM order_promotions") == D("65.00")
    order = get_order(got["order_no"])
    assert [(ln.sku, ln.qty, ln.amount) for ln in order.lines] == [
        ("TEE", 2, D("160.00")), ("MUG", 1, D("40.00"))]
    assert order.coupon_code == code and sorted(order.promotion_ids) == ["C20", "fs", "mj", "tote"]


def test_the_same_key_returns_the_first_response_and_orders_once(shop: dict[str, int]) -> None:
    add_promotion("p10", percent(10))
    [cid] = add_customers(1)
    body = _order(cid, ("TEE", 1))
    first = confirm_order(body, "same-key", now=NOW)
    snapshot = (row_counts(), counters())
    again = confirm_order(dict(body), "same-key", now=NOW + timedelta(minutes=5))
    assert again.replayed and not first.replayed and again.response == first.response
    assert (row_counts(), counters()) == snapshot


def test_the_same_key_with_another_body_is_a_conflict_and_changes_nothing(shop: dict[str, int]) -> None:
    [cid] = add_customers(1)
    confirm_order(_order(cid, ("TEE", 1)), "k", now=NOW)
    snapshot = (row_counts(), counters())
    with pytest.raises(Conflict) as caught:
        confirm_order(_order(cid, ("TEE", 2)), "k", now=NOW)
    assert caught.value.code == "idempotency_key_reused"
    assert (row_counts(), counters()) == snapshot


def test_bad_input_is_refused_naming_every_field_and_nothing_changes(shop: dict[str, int]) -> None:
    add_promotion("p10", percent(10), budget_uses=5)
    [cid] = add_customers(1)
    snapshot = (row_counts(), counters())
    with pytest.raises(InvalidInput) as caught:
        confirm_order({"lines": [{"sku": "TEE", "qty": -1}], "customer_id": "x", "coupon_codes": [""],
                       "expected_total": "1.234", "unit_price": "1"}, "", now=NOW)
    assert {p.field for p in caught.value.problems} == {
        "Idempotency-Key", "lines.0.qty", "customer_id", "coupon_codes", "expected_total", "unit_price"}
    with pytest.raises(InvalidInput) as caught:
        confirm_order(_order(cid, ("TEE", 1), ("NOPE", 1)), "k2", now=NOW)
    assert [p.field for p in caught.value.problems] == ["lines.1.sku"]
    assert (row_counts(), counters()) == snapshot


def test_an_order_beyond_the_free_stock_is_refused_and_nothing_is_consumed(shop: dict[str, int]) -> None:
    add_promotion("p10", percent(10), budget_uses=5)
    [cid] = add_customers(1)
    snapshot = (row_counts(), counters())
    with pytest.raises(Conflict) as caught:
        _confirm(_order(cid, ("TEE", 1), ("LAMP", 6)), "k-lamp")
    assert caught.value.code == "out_of_stock" and caught.value.detail["sku"] == "LAMP"
    assert (row_counts(), counters()) == snapshot
    _confirm(_order(cid, ("LAMP", 5)), "k-lamp-5")
    with pytest.raises(Conflict):
        _confirm(_order(cid, ("LAMP", 1)), "k-lamp-1")


def test_an_unusable_coupon_refuses_the_order(shop: dict[str, int]) -> None:
    add_promotion("C20", threshold(100, 20))
    add_coupon_template("T20", "C20")
    a, b = add_customers(2)
    code = claim_coupon("T20", a, now=NOW).code
    snapshot = (row_counts(), counters())
    with pytest.raises(Conflict) as caught:
        _confirm(_order(b, ("TEE", 1), coupon_codes=[code]), "k-b")
    assert caught.value.code == "coupon_unusable"
    assert caught.value.detail["coupons"] == [{"code": code, "reason": "not_yours"}]
    assert (row_counts(), counters()) == snapshot
    _confirm(_order(a, ("TEE", 1), coupon_codes=[code]), "k-a1")
    with pytest.raises(Conflict) as caught:
        _confirm(_order(a, ("TEE", 1), coupon_codes=[code]), "k-a2")
    assert caught.value.detail["coupons"] == [{"code": code, "reason": "used"}]


def test_a_total_other_than_the_expected_one_is_refused_with_the_new_quote(shop: dict[str, int]) -> None:
    add_promotion("p10", percent(10))
    [cid] = add_customers(1)
    snapshot = (row_counts(), counters())
    with pytest.raises(Conflict) as caught:
        _confirm(_order(cid, ("TEE", 1), expected_total="110.00"), "k")  # the price before p10
    assert caught.value.code == "price_changed" and caught.value.detail["total"] == "100.00"
    assert (row_counts(), counters()) == snapshot
    assert _confirm(_order(cid, ("TEE", 1), expected_total="100.00"), "k")["total"] == "100.00"


def test_a_budget_taken_between_pricing_and_confirming_gives_the_next_best_price(
        shop: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    add_promotion("last", percent(10), budget_uses=1)
    a, b = add_customers(2)
    real_price = orders_service.price
    raced: list[bool] = []

    def price_then_lose_the_race(s: Any, order: Any, now: Any) -> Any:
        priced = real_price(s, order, now)
        if not raced:  # another checkout takes the last use right after this one priced
            raced.append(True)
            _confirm(_order(b, ("MUG", 1)), "k-other")
        return priced

    monkeypatch.setattr(orders_service, "price", price_then_lose_the_race)
    got = _confirm(_order(a, ("TEE", 1)), "k-a")
    assert got["total"] == "110.00" and got["promotions"] == []
    assert got["withheld"] == [{"promotion_id": "last", "reason": "budget_exhausted"}]
    assert get_promotion("last").used_uses == 1
    assert _scalar("SELECT COUNT(*) FROM order_promotions") == 1


def test_paying_takes_the_reserved_stock_off_the_shelf(shop: dict[str, int]) -> None:
    [cid] = add_customers(1)
    got = _confirm(_order(cid, ("TEE", 3)), "k")
    assert pay_order(got["order_no"]).status == "paid"
    assert _scalar(f"SELECT on_hand || '/' || reserved FROM inventory WHERE product_id = {shop['TEE']}") == "97/0"
    with pytest.raises(Conflict):
        cancel_order(got["order_no"])


def test_cancelling_gives_everything_back(shop: dict[str, int]) -> None:
    add_promotion("mj", threshold(200, 30), budget_amount="1000", budget_uses=10, per_customer_limit=1)
    add_promotion("tote", gift("TOTE", at=100))
    add_promotion("C20", threshold(100, 20))
    add_coupon_template("T20", "C20")
    with session_scope() as s:
        inventory.set_gift_stock(s, "TOTE", 10)
    [cid] = add_customers(1)
    code = claim_coupon("T20", cid, now=NOW).code
    before = counters()
    got = _confirm(_order(cid, ("TEE", 2), coupon_codes=[code]), "k")
    assert counters() != before
    assert cancel_order(got["order_no"]).status == "cancelled"
    after = counters()
    assert after["promotions"] == before["promotions"] and after["gifts"] == before["gifts"]
    assert after["inventory"] == before["inventory"] and after["coupons"] == before["coupons"]
    assert [u[2] for u in after["uses"]] == [0, 0, 0]
    again = _confirm(_order(cid, ("TEE", 2), coupon_codes=[code]), "k2")
    assert {p["promotion_id"] for p in again["promotions"]} == {"mj", "tote", "C20"}


def test_a_promotion_paused_between_pricing_and_confirming_is_not_taken(
        shop: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    add_promotion("p10", percent(10))
    [cid] = add_customers(1)
    real_price = orders_service.price

    def price_then_pause(s: Any, order: Any, now: Any) -> Any:
        priced = real_price(s, order, now)
        if get_promotion("p10").stored_status != "paused":
            pause_promotion("p10", now=NOW)
        return priced

    monkeypatch.setattr(orders_service, "price", price_then_pause)
    got = _confirm(_order(cid, ("TEE", 1)), "k")
    assert got["promotions"] == [] and got["total"] == "110.00"
    assert get_promotion("p10").used_uses == 0
