"""The best combination: margin guard, tie-breaking, and equality with brute force."""

from __future__ import annotations

import random
from decimal import Decimal

from hypothesis import HealthCheck, example, given, seed, settings
from hypothesis import strategies as st
from promo_builders import NOW, cart, line, manjian, percent, promo

from engine.promotions import quote

CTX = {"now": NOW}


def test_the_margin_guard_refuses_a_combination_that_sells_below_cost() -> None:
    c = cart(line("A", "100", cost="75"))
    q = quote(c, [percent("p20", 20), manjian("m", 80, 10)], context=CTX)
    assert q.combination == ["p20"]  # 20 + 10 would leave 70 < 75
    assert [n.reason for n in q.not_applied] == ["margin_guard"]


def test_min_margin_raises_the_floor_above_cost() -> None:
    c = cart(line("A", "100", cost="70"))
    assert quote(c, [percent("p25", 25)], context=CTX).discount == Decimal("25.00")
    q = quote(c, [percent("p25", 25)], context=CTX, min_margin=Decimal("0.1"))
    assert q.discount == 0 and q.not_applied[0].reason == "margin_guard"


def test_gift_cost_counts_toward_the_margin_guard() -> None:
    gift = promo("g", "gift", {"gift_sku": "MUG", "gift_value": "30", "gift_cost": "20"})
    q = quote(cart(line("A", "100", cost="85")), [gift], context=CTX)
    assert q.gifts == [] and q.not_applied[0].reason == "margin_guard"


def test_equal_savings_prefer_higher_priority() -> None:
    c = cart(line("A", "300"))
    promos = [manjian("a", 300, 50, group="g"), manjian("b", 300, 50, group="g", priority=1)]
    assert quote(c, promos, context=CTX).combination == ["b"]


def test_equal_savings_and_priority_go_to_the_combination_holding_the_smallest_id() -> None:
    # "all" alone, or "x" + "y": ¥20 off either way; "all" ranks first (same priority, smaller id).
    c = cart(line("A", "100", category="x"), line("B", "100", category="y"))
    promos = [percent("all", 10), percent("x", 10, scope={"categories": ["x"]}),
              percent("y", 10, scope={"categories": ["y"]})]
    assert quote(c, promos, context=CTX).combination == ["all"]


def test_equal_savings_and_priority_prefer_the_smaller_id() -> None:
    c = cart(line("A", "300"))
    assert quote(c, [manjian("b", 300, 50, group="g"), manjian("a", 300, 50, group="g")],
                 context=CTX).combination == ["a"]


def test_the_quote_names_the_alternatives_the_winner_beat() -> None:
    q = quote(cart(line("A", "400")), [manjian("m", 300, 50), percent("p", 10)], context=CTX)
    assert q.combination == ["p", "m"]
    assert [a.promotion_ids for a in q.alternatives] == [["m"], ["p"]]
    assert q.optimal


def _random_promotion(r: random.Random, i: int) -> dict:
    kind = r.choice(["threshold_off", "percent_off", "fixed_price", "buy_x_get_y", "gift", "free_shipping"])
    scope = r.choice([{}, {"categories": [r.choice("xyz")]}, {"skus": [f"S{r.randrange(5)}"]},
                      {"exclude_skus": [f"S{r.randrange(5)}"]}])
    params = {
        "threshold_off": lambda: r.choice([
            {"tiers": [{"threshold": r.choice([50, 100, 200]), "off": r.choice([10, 25])}], "repeat": True},
            {"tiers": [{"threshold": 100, "off": 15}, {"threshold": r.choice([200, 300]), "off": 40}],
             **({"max_off": 30} if r.random() < 0.3 else {})}]),
        "percent_off": lambda: {"percent": r.choice([5, "12.5", 20, 35]),
                                **({"max_off": r.choice([10, 40])} if r.random() < 0.3 else {})},
        "fixed_price": lambda: {"price": r.choice(["9.90", "29", "59"])},
        "buy_x_get_y": lambda: {"buy": r.choice([1, 2]), "get": 1, "get_percent_off": r.choice([50, 100])},
        "gift": lambda: {"threshold": r.choice([0, 100, 250]), "gift_sku": r.choice(["G1", "G2"]),
                         "gift_value": r.choice([0, 15]), "gift_cost": r.choice([0, 8])},
        "free_shipping": lambda: {"threshold": r.choice([0, 99, 199])},
    }[kind]()
    return promo(f"p{i:02d}", kind, params, scope=scope, group=r.choice([None, None, "g1", "g2"]),
                 exclusive=r.random() < 0.08, priority=r.choice([0, 0, 1]),
                 coupon=r.choice([None, None, None, "C1", "C9"]))


@seed(20261111)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=0, max_value=12))
@example(1971018161, 12)  # a 35 % coupon's float majorant floored a cent low and pruned a free gift
def test_branch_and_bound_equals_brute_force_on_random_promotion_sets(rng_seed: int, count: int) -> None:
    r = random.Random(rng_seed)
    lines = [line(f"S{i}", f"{r.randint(5, 300)}.{r.choice(['00', '90'])}", r.randint(1, 3),
                  cost=str(r.randint(1, 4)), category=r.choice("xyz")) for i in range(r.randint(1, 5))]
    c = cart(*lines, shipping_fee=r.choice(["0", "10"]), coupons=["C1"])
    promos = [_random_promotion(r, i) for i in range(count)]
    kw = {"context": CTX, "min_margin": Decimal(r.choice(["0", "0.5", "2"])), "gift_stock": {"G1": r.randint(0, 1)}}
    fast = quote(c, promos, **kw)  # type: ignore[arg-type]
    slow = quote(c, promos, exhaustive=True, **kw)  # type: ignore[arg-type]
    assert fast.optimal
    assert (fast.combination, fast.saving, fast.total) == (slow.combination, slow.saving, slow.total)
    # invariants of every quote
    assert fast.total == fast.subtotal - fast.discount + fast.shipping
    assert all(ln.total >= 0 for ln in fast.lines)
    merch_after = fast.subtotal - fast.discount
    cost = sum(Decimal(ln["cost"]) * ln["qty"] for ln in lines)
    gift_cost = sum((Decimal(p["params"].get("gift_cost", 0)) for p in promos
                     if p["id"] in fast.combination and p["type"] == "gift"), Decimal(0))
    assert not fast.combination or merch_after >= (cost + gift_cost) * (1 + kw["min_margin"])  # type: ignore[operator]


def test_a_search_budget_still_returns_an_allowed_combination() -> None:
    c = cart(*[line(f"S{i}", str(50 + i), cost="30") for i in range(6)])
    promos = [percent(f"p{i}", 5 + i, scope={"skus": [f"S{i}", f"S{(i + 1) % 6}"]}) for i in range(6)]
    promos.append(manjian("m", 300, 40))
    q = quote(c, promos, context=CTX, max_nodes=3)
    assert not q.optimal and q.total == q.subtotal - q.discount + q.shipping


def _tight_thresholds(r: random.Random, subtotal: int, i: int) -> dict:
    """满减 ladders, 每满减 and coupons with thresholds just around the cart total, or an item deal."""
    kind = r.choice(["ladder", "every", "item", "item", "coupon_pct", "coupon_every"])
    near = [max(1, subtotal - r.randint(0, subtotal // 4)) for _ in range(2)]
    if kind == "ladder":
        lo, hi = sorted(set(near)) if len(set(near)) == 2 else (near[0], near[0] + 1)
        params = {"tiers": [{"threshold": lo, "off": r.randint(1, 20)}, {"threshold": hi, "off": r.randint(21, 60)}]}
        return promo(f"t{i:02d}", "threshold_off", params, group=r.choice([None, "mj"]))
    if kind in ("every", "coupon_every"):
        params = {"tiers": [{"threshold": r.choice([30, 50, 80]), "off": r.choice([5, 10])}], "repeat": True}
        return promo(f"t{i:02d}", "threshold_off", params, coupon="C1" if kind == "coupon_every" else None,
                     scope=r.choice([{}, {"categories": ["x"]}]))
    if kind == "coupon_pct":
        return percent(f"t{i:02d}", r.choice([5, 10, 15]), coupon="C1", scope=r.choice([{}, {"categories": ["y"]}]))
    return percent(f"t{i:02d}", r.choice([3, 7, 12, 25]), scope={"categories": [r.choice("xyz")]},
                   group=r.choice([None, None, "b"]))


@seed(4242)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=2, max_value=12))
def test_branch_and_bound_equals_brute_force_when_item_deals_fight_thresholds(rng_seed: int, count: int) -> None:
    r = random.Random(rng_seed)
    lines = [line(f"S{i}", str(r.randint(20, 120)), r.randint(1, 2), category=r.choice("xyz")) for i in range(4)]
    subtotal = sum(int(ln["price"]) * ln["qty"] for ln in lines)
    promos = [_tight_thresholds(r, subtotal, i) for i in range(count)]
    c = cart(*lines, coupons=["C1"])
    fast = quote(c, promos, context=CTX)
    slow = quote(c, promos, context=CTX, exhaustive=True)
    assert fast.optimal and (fast.combination, fast.saving) == (slow.combination, slow.saving)


def test_an_identical_item_deal_with_lower_priority_never_wins() -> None:
    c = cart(line("A", "100", category="x"), line("B", "300"))
    promos = [percent("low", 10, scope={"categories": ["x"]}), percent("high", 10, scope={"categories": ["x"]},
                                                                     priority=1), manjian("m", 300, 20)]
    q = quote(c, promos, context=CTX)
    assert q.combination == ["high", "m"]
    assert {n.promotion_id: n.reason for n in q.not_applied} == {"low": "not_better"}


def test_the_quote_reports_that_the_search_proved_its_optimum() -> None:
    q = quote(cart(line("A", "400")), [manjian("m", 300, 50), percent("p", 10)], context=CTX)
    assert q.optimal and q.nodes > 0


def _stacked_coupon(r: random.Random, i: int) -> dict:
    """Coupons that share lines: 满减 / percentage coupons (often ranked first) and 特价 / 买X送Y coupons
    whose lines the earlier ones have already taken from (the clamp), next to order 满减 and item deals."""
    code = r.choice(["C1", "C2", "C3"])
    scope = r.choice([{}, {"categories": [r.choice("xy")]}, {"skus": [f"S{r.randrange(4)}", f"S{r.randrange(4)}"]}])
    kind = r.choice(["coupon_pct", "coupon_every", "coupon_fixed", "coupon_bxgy", "coupon_bxgy", "order", "item"])
    if kind == "coupon_pct":
        return percent(f"c{i:02d}", r.choice([10, 20, 35]), coupon=code, scope=scope, priority=r.choice([0, 2]))
    if kind == "coupon_every":
        params = {"tiers": [{"threshold": r.choice([40, 80]), "off": r.choice([10, 25])}], "repeat": True}
        return promo(f"c{i:02d}", "threshold_off", params, coupon=code, scope=scope, priority=r.choice([0, 2]))
    if kind == "coupon_fixed":
        return promo(f"c{i:02d}", "fixed_price", {"price": r.choice(["9.90", "25"])}, coupon=code, scope=scope)
    if kind == "coupon_bxgy":
        params = {"buy": r.choice([1, 2]), "get": 1, "get_percent_off": r.choice([50, 100])}
        return promo(f"c{i:02d}", "buy_x_get_y", params, coupon=code, scope=scope, priority=r.choice([0, 1]))
    if kind == "order":
        return manjian(f"m{i:02d}", r.choice([100, 200]), r.choice([20, 45]))
    return percent(f"i{i:02d}", r.choice([5, 15, 30]), scope={"categories": [r.choice("xyz")]})


@seed(20261127)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=2, max_value=11))
@example(897702063, 11)  # a steep 每满40减25 coupon and another on the same line (found on a fresh seed)
def test_branch_and_bound_equals_brute_force_when_coupons_clamp_each_other(rng_seed: int, count: int) -> None:
    r = random.Random(rng_seed)
    lines = [line(f"S{i}", f"{r.randint(15, 160)}.{r.choice(['00', '90'])}", r.randint(1, 3),
                  cost=str(r.randint(5, 40)), category=r.choice("xyz")) for i in range(4)]
    promos = [_stacked_coupon(r, i) for i in range(count)]
    c = cart(*lines, coupons=["C1", "C2", "C3"])
    kw = {"context": CTX, "min_margin": Decimal(r.choice(["0", "0.2", "0.6"]))}
    fast = quote(c, promos, **kw)  # type: ignore[arg-type]
    slow = quote(c, promos, exhaustive=True, **kw)  # type: ignore[arg-type]
    assert fast.optimal and (fast.combination, fast.saving) == (slow.combination, slow.saving)


def test_coupons_sharing_a_line_may_clamp_each_other_and_the_margin_floor_allows_for_it() -> None:
    # 每满40减25 on the whole cart asks for 62.5 % of every line; the 10 % and 35 % coupons on the same
    # lines come later and find less left than their share (the clamp). The least discount the coupon
    # layer surely takes (what the margin guard's bound refuses totals by) used to add the coupons up as
    # if they never clamped each other: it refused the best combination, and the search returned one
    # without c02 (same saving, worse rank). Found by running the property test above on fresh seeds.
    c = cart(line("S1", "106.90", 2, cost="10", category="y"), line("S2", "47.90", 1, cost="10", category="x"),
             coupons=["C1", "C2", "C3"])
    promos = [percent("c02", 10, coupon="C3", scope={"categories": ["x"]}, priority=2),
              manjian("m04", 100, 20),
              percent("c05", 10, coupon="C1", scope={"categories": ["y"]}, priority=2),
              promo("c06", "threshold_off", {"tiers": [{"threshold": 80, "off": 10}], "repeat": True}, coupon="C2"),
              percent("c07", 35, coupon="C3", scope={"categories": ["x"]}),
              promo("c10", "threshold_off", {"tiers": [{"threshold": 40, "off": 25}], "repeat": True}, coupon="C1",
                    priority=2)]
    fast, slow = quote(c, promos, context=CTX), quote(c, promos, context=CTX, exhaustive=True)
    assert (fast.combination, fast.saving) == (slow.combination, slow.saving)
    assert fast.combination == ["m04", "c02", "c05", "c10", "c06", "c07"] and fast.saving == Decimal("231.04")
