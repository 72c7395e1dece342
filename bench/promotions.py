"""Benchmark of the promotion engine in process: prints one JSON line.

30-line carts against 200 live promotions (a deterministic, realistic mix: item-level deals on
categories and SKUs, 满减 ladders and 每满减 in a shared group, gifts, free shipping, coupons of which
each cart presents two, a few exclusive flash deals and conditions on customer and channel). Reports
quote latency (median, p90, p99, max; wall clock and CPU time, the machine may be shared), search
nodes, how many quotes hit the node budget (``optimal: false``; goal 0), and the baseline measured in
the same run: brute-force enumeration of the same carts — on the whole eligible set when it has at
most 16 promotions, otherwise on the cart's strongest 12 — against branch and bound on the same
promotions, with the ratio and any winner mismatch; and, on every cart won at the margin cap (where
many combinations save exactly as much and the ranking decides), the search with its rank-order walks
against plain branching (no walks) on the whole eligible set (a tie bug in the walks went unseen by the
strongest-12 comparison): a mismatch is two proven searches with different winners; a cart where plain
branching runs out of nodes is counted apart (``plain_branching_out_of_nodes``), as nothing to compare.

The process is set up as the server runs: a warm-up quote of a cart outside the timed ones prepares the
promotions (as a server's first quote of a promotion set does, once), the quotes are timed one after the
other, and the comparisons with brute force run after all of them (not between them: each quote then ran
in the caches and among the garbage the previous cart's enumeration left). Once the promotions are
loaded, the objects that live for the whole run are frozen out of the garbage collector's full
collections (``gc.freeze``, as ``app/app.py`` does after startup with
``services.runtime.freeze_startup_heap``); ``full_gc_during_quotes`` counts
the full collections that still ran inside a timed quote and the longest of them (before the freeze
each walked the whole heap, ~10 ms here and ~100 ms in the server, on whichever quote was running).

``engine_build``: "mypyc" when the engine's compiled build was in use (``engine/promotions/_native.py``;
``make setup`` builds it), else "python" and why; ``SHUYING_PURE_PYTHON=1`` measures the plain modules.

``other_seeds``: the same quotes on the catalogues and carts of seeds 1-16 (100 carts each), with
their latency, node-budget hits and carts over 1,000 search nodes: the default seed is one draw of the
mix, and the carts that run the search into its budget are rare enough to miss it.

Run: python bench/promotions.py [--carts N] [--seed S] [--other-seeds K] [--other-carts M]
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.promotions import BUILD, BUILD_NOTE, quote  # noqa: E402
from engine.promotions.best import best, brute_force  # noqa: E402
from engine.promotions.eligibility import condition_data, screen  # noqa: E402
from engine.promotions.model import Cart, Context, Customer, Promotion  # noqa: E402
from engine.promotions.money import to_cents  # noqa: E402
from engine.promotions.options import Margin  # noqa: E402
from engine.promotions.stacking import Board, build_board, evaluate  # noqa: E402

CATEGORIES = [f"cat{i:02d}" for i in range(40)]
_CATALOGUE_RNG = random.Random(7)
SKUS = [(f"SKU{i:05d}", CATEGORIES[i % len(CATEGORIES)]) for i in range(2000)]
PRICES = {sku: Decimal(f"{_CATALOGUE_RNG.randint(9, 599)}.{_CATALOGUE_RNG.choice(['00', '90', '99'])}") for sku, _ in SKUS}
COSTS = {sku: (p * Decimal(_CATALOGUE_RNG.choice([35, 50, 65, 80])) / 100).quantize(Decimal("0.01")) for sku, p in PRICES.items()}
NOW = "2026-11-11T10:00:00+08:00"
BRUTE_FORCE_LIMIT = 12  # promotions per cart for the brute-force comparison when the eligible set is bigger
BRUTE_FORCE_WHOLE = 16  # up to this many eligible promotions, brute force takes the whole eligible set
MIN_MARGIN = Decimal("0.05")
GIFT_STOCK = {"GIFT1": 3}


def _has_rules() -> bool:
    """JSON-Logic conditions need the rules engine (engine.rules.compile_rule)."""
    try:
        from engine.rules import compile_rule  # noqa: F401
    except ImportError:
        return False
    return True


CONDITIONS = _has_rules()


def _money(r: random.Random, lo: int, hi: int) -> str:
    """A price between lo and hi yuan, ending in .9 or .00 like real tags."""
    return f"{r.randint(lo, hi)}.{r.choice(['00', '90', '99'])}"


def _scope(r: random.Random, kind: str) -> dict[str, Any]:
    """Order-level deals: often the whole shop; item-level deals: categories or SKUs, as in real shops."""
    roll = r.random()
    if roll < 0.4 and kind in ("threshold_off", "gift", "free_shipping"):
        return {}
    if roll < 0.75:
        return {"categories": r.sample(CATEGORIES, r.randint(1, 2))}
    return {"skus": [s for s, _ in r.sample(SKUS, r.randint(5, 40))]}


def _condition(r: random.Random) -> dict[str, Any] | None:
    """One promotion in ten is for new customers, members or one channel."""
    roll = r.random()
    if not CONDITIONS:
        return None
    if roll < 0.04:
        return {"==": [{"var": "customer.is_new"}, True]}
    if roll < 0.07:
        return {"in": [{"var": "customer.tier"}, ["gold", "platinum"]]}
    if roll < 0.10:
        return {"==": [{"var": "cart.channel"}, "miniprogram"]}
    return None


def _params(r: random.Random, kind: str) -> dict[str, Any]:
    """Parameters typical for each kind of deal."""
    if kind == "threshold_off":
        if r.random() < 0.3:
            step = r.choice([100, 200, 300])
            return {"tiers": [{"threshold": step, "off": step // 10 + r.choice([0, 5, 10])}], "repeat": True}
        base, share = r.choice([99, 199, 299]), r.choice([6, 8, 10])
        return {"tiers": [{"threshold": base * k, "off": base * k // share} for k in (1, 2, 3)]}
    if kind == "percent_off":
        extra = {"max_off": r.choice([50, 100, 200])} if r.random() < 0.3 else {}
        return {"percent": r.choice([5, 10, 15, 20, 30]), **extra}
    if kind == "fixed_price":
        return {"price": "0"}  # set from the scope's cheapest SKU in promotions()
    if kind == "buy_x_get_y":
        return r.choice([{"buy": 2, "get": 1}, {"buy": 1, "get": 1, "get_percent_off": 50}])
    if kind == "gift":
        return {"threshold": r.choice([199, 399, 599]), "gift_sku": f"GIFT{r.randint(1, 5)}", "gift_qty": 1,
                "gift_value": r.choice([19, 39, 59]), "gift_cost": r.choice([5, 10, 20])}
    return {"threshold": r.choice([0, 99, 199])}


MIX = ["percent_off"] * 6 + ["fixed_price"] * 5 + ["buy_x_get_y"] * 2 + ["threshold_off"] * 4 + ["gift"] * 2 + [
    "free_shipping"
]


def promotions(seed: int, count: int = 200) -> list[dict[str, Any]]:
    """``count`` live promotions; a quarter are coupons (codes C000..)."""
    r = random.Random(seed)
    result = []
    for i in range(count):
        kind = r.choice(MIX)
        coupon = f"C{i:03d}" if r.random() < 0.25 else None
        group = {"threshold_off": "manjian", "gift": "gift", "free_shipping": "shipping"}.get(kind)
        if kind in ("percent_off", "fixed_price", "buy_x_get_y") and r.random() < 0.3:
            group = f"brand{r.randint(1, 5)}"
        scope, params = _scope(r, kind), _params(r, kind)
        if kind == "fixed_price":  # 特价: one to three SKUs at 70-90 % of the cheapest one's price
            scope = {"skus": [s for s, _ in r.sample(SKUS, r.randint(1, 3))]}
            low = min(PRICES[s] for s in scope["skus"])
            params["price"] = str((low * Decimal(r.choice([70, 80, 90])) / 100).quantize(Decimal("0.1")))
        result.append({
            "id": f"P{i:03d}", "name": f"{kind}-{i}", "type": kind, "condition": _condition(r),
            "scope": scope, "params": params, "coupon_code": coupon,
            "stacking": {"exclusive": r.random() < 0.03, "group": None if coupon else group,
                         "priority": r.choice([0, 0, 0, 1, 2])},
            "starts_at": "2026-11-01T00:00:00+08:00", "ends_at": "2026-11-12T00:00:00+08:00",
        })
    return result


def cart(r: random.Random, coupons: list[str], lines: int = 30) -> dict[str, Any]:
    """A 30-line cart with two presented coupons."""
    chosen = r.sample(SKUS, lines)
    rows = []
    for sku, category in chosen:
        rows.append({"sku": sku, "category": category, "price": str(PRICES[sku]), "cost": str(COSTS[sku]),
                     "qty": r.choice([1, 1, 1, 2, 2, 3])})
    return {"lines": rows, "shipping_fee": r.choice(["0", "8", "12"]),
            "channel": r.choice(["store", "online", "miniprogram"]), "coupon_codes": r.sample(coupons, 2)}


def _customer(r: random.Random) -> dict[str, Any]:
    """A random customer."""
    return {"id": f"u{r.randint(1, 10**6)}", "is_new": r.random() < 0.2,
            "tier": r.choice([None, "silver", "gold", "platinum"]), "tags": []}


def _ms(seconds: list[float]) -> dict[str, float]:
    """Median, p90, p99 and max in milliseconds."""
    ordered = sorted(seconds)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000, 3)

    return {"median": round(statistics.median(ordered) * 1000, 3), "p90": at(0.9), "p99": at(0.99),
            "max": round(ordered[-1] * 1000, 3)}


def _timed(fn: Any) -> tuple[Any, float, float]:
    """(result, wall seconds, CPU seconds)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def run(carts: int, seed: int) -> dict[str, Any]:
    """Quote every cart; compare branch and bound with brute force on the same promotions; the figures."""
    promos = promotions(seed)
    models = [Promotion.model_validate(p) for p in promos]
    codes = [p["coupon_code"] for p in promos if p["coupon_code"]]
    r = random.Random(seed + 1)
    baskets = [(cart(r, codes), _customer(r)) for _ in range(carts)]
    # Warm-up: the first quote after the promotions are loaded prepares each of them once (integer params,
    # timestamps, compiled conditions: ``engine/promotions/memo.py``), as a server does on its first quote of a
    # promotion set; a cart outside the timed ones pays it.
    spare = random.Random(seed + 2)
    quote(cart(spare, codes), models, _customer(spare), {"now": NOW}, min_margin=MIN_MARGIN, gift_stock=GIFT_STOCK)
    gc.collect()
    gc.freeze()  # as the server does once started (services/runtime.py)
    wall, cpu, eligible, nodes, unproven = [], [], [], [], 0
    bnb_search, bf_search, mismatches, whole = [], [], 0, 0
    capped = walk_mismatches = plain_unproven = 0
    pauses = _FullCollections()
    quotes = []
    # The quotes are timed one after the other, as a server answers them; the comparisons below run after
    # them (interleaved, each quote ran in the caches and among the garbage of the previous cart's
    # brute-force enumeration, which the collector then swept during the timed quote).
    for c, who in baskets:
        with pauses:
            q, w, t = _timed(lambda: quote(c, models, who, {"now": NOW}, min_margin=MIN_MARGIN, gift_stock=GIFT_STOCK))
        wall.append(w)
        cpu.append(t)
        nodes.append(q.nodes)
        unproven += not q.optimal
        # what the comparisons need (kept whole, 300 quotes would be swept by full collections inside later quotes)
        quotes.append((bool(q.combination), to_cents(q.discount), [(g.promotion_id, g.qty) for g in q.gifts]))
        del q
    for (c, who), q in zip(baskets, quotes):
        board = _board(c, who, models)
        eligible.append(len(board.candidates))
        if len(board.candidates) <= BRUTE_FORCE_WHOLE:
            small, whole = board, whole + 1
        else:
            small = _strongest(Cart.model_validate(c), board, BRUTE_FORCE_LIMIT)
        fast, t_fast, _ = _timed(lambda: best(small))
        slow, t_slow, _ = _timed(lambda: brute_force(small))
        bnb_search.append(t_fast)
        bf_search.append(t_slow)
        mismatches += fast.winner.key != slow.winner.key
        if _at_the_cap(board, q):  # ties at the cap: the walks against plain branching on the whole eligible set
            capped += 1
            walked, plain = best(board), best(board, walks=False)
            if plain.proven:
                walk_mismatches += walked.winner.key != plain.winner.key or not walked.proven
            else:  # plain branching ran out of nodes: nothing to compare with
                plain_unproven += 1
    return {
        "bench": "promotions.quote", "carts": carts, "lines_per_cart": 30, "live_promotions": len(promos),
        "conditions": "on" if CONDITIONS else "off (engine.rules not available)",
        "engine_build": BUILD if BUILD_NOTE is None else f"{BUILD} ({BUILD_NOTE})",
        "eligible_per_cart": {"median": statistics.median(eligible), "max": max(eligible)},
        "quote_ms": _ms(wall), "quote_cpu_ms": _ms(cpu), "full_gc_during_quotes": pauses.figures(),
        "search_nodes": {"median": statistics.median(nodes), "p99": sorted(nodes)[int(round(0.99 * (len(nodes) - 1)))],
                         "max": max(nodes)},
        "node_budget_hits": unproven,
        "brute_force": {
            "scope": f"whole eligible set if <= {BRUTE_FORCE_WHOLE} promotions ({whole} carts), "
                     f"else the cart's {BRUTE_FORCE_LIMIT} strongest ({carts - whole} carts)",
            "search_ms_bnb": _ms(bnb_search), "search_ms_brute": _ms(bf_search),
            "ratio_median": round(statistics.median(b / a for a, b in zip(bnb_search, bf_search)), 1),
            "winner_mismatches": mismatches,
        },
        "cap_ties": {"carts_won_at_the_margin_cap": capped,
                     "walk_vs_plain_branching_mismatches": walk_mismatches,
                     "plain_branching_out_of_nodes": plain_unproven},
        "goal_p99_ms": 10,
    }


class _FullCollections:
    """Full garbage collections (generation 2) that ran inside the ``with`` blocks, and how long each took."""

    def __init__(self) -> None:
        self.ms: list[float] = []
        self._start = 0.0
        self._inside = False
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if not self._inside or info["generation"] != 2:
            return
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.ms.append((time.perf_counter() - self._start) * 1000)

    def __enter__(self) -> None:
        self._inside = True

    def __exit__(self, *_: object) -> None:
        self._inside = False

    def figures(self) -> dict[str, float]:
        """How many ran during the timed quotes and the longest, in ms."""
        gc.callbacks.remove(self._callback)
        return {"count": len(self.ms), "max_ms": round(max(self.ms, default=0.0), 3)}


def _at_the_cap(board: Board, q: tuple[bool, int, list[tuple[str, int]]]) -> bool:
    """Whether the quote's merchandise discount is exactly what the margin guard allows (ties are the rule).
    ``q``: whether it applied anything, its discount in cents and its gifts (promotion id, quantity)."""
    applied, discount, gifts = q
    gift_cost = sum(board.candidates[c].prep.gift_cost * qty for pid, qty in gifts
                    for c in range(len(board.candidates)) if board.candidates[c].id == pid)
    cap = Margin(board.subtotal, board.cost_total, board.min_margin).cap(gift_cost)
    return applied and discount == cap


def _strongest(cart_m: Cart, board: Board, count: int) -> Board:
    """The same cart with only its ``count`` promotions that save most on their own."""
    alone = {c: evaluate(board, (c,)) for c in range(len(board.candidates))}
    keep = sorted(range(len(board.candidates)), key=lambda c: alone[c].key)[:count]
    promos = [board.candidates[c].promotion for c in sorted(keep)]
    return build_board(cart_m, promos, MIN_MARGIN, GIFT_STOCK)


def _board(c: dict[str, Any], who: dict[str, Any], models: list[Promotion]) -> Board:
    """The eligible promotions of a cart, as the quote sees them."""
    cart_m, customer_m, context_m = Cart.model_validate(c), Customer.model_validate(who), Context.model_validate({"now": NOW})
    now = context_m.now
    assert now is not None
    eligible, _ = screen(cart_m, models, condition_data(cart_m, customer_m, context_m, now), now)
    return build_board(cart_m, eligible, MIN_MARGIN, GIFT_STOCK)


def other_seeds(seeds: int, carts: int) -> dict[str, Any]:
    """The same quotes on the catalogues and carts of seeds 1..``seeds`` (``carts`` each): the default
    seed is one draw of the mix, and a cart that runs the search into its node budget is rare enough
    that 300 carts of one draw may not show it."""
    wall, nodes, unproven = [], [], 0
    for seed in range(1, seeds + 1):
        models = [Promotion.model_validate(p) for p in promotions(seed)]
        codes = [p.coupon_code for p in models if p.coupon_code]
        gc.collect()
        gc.freeze()
        r = random.Random(seed + 1)
        for _ in range(carts):
            c, who = cart(r, codes), _customer(r)
            q, w, _ = _timed(lambda: quote(c, models, who, {"now": NOW}, min_margin=MIN_MARGIN, gift_stock=GIFT_STOCK))
            wall.append(w)
            nodes.append(q.nodes)
            unproven += not q.optimal
    return {"seeds": f"1-{seeds}", "carts": len(wall), "quote_ms": _ms(wall) if wall else {},
            "node_budget_hits": unproven, "carts_over_1000_nodes": sum(n > 1000 for n in nodes),
            "search_nodes_max": max(nodes, default=0)}


def main() -> None:
    """Parse arguments and print the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--carts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20261111)
    parser.add_argument("--other-seeds", type=int, default=16, help="also quote carts of seeds 1..N (0: skip)")
    parser.add_argument("--other-carts", type=int, default=100, help="carts per other seed")
    args = parser.parse_args()
    line = run(args.carts, args.seed)
    if args.other_seeds > 0:
        line["other_seeds"] = other_seeds(args.other_seeds, args.other_carts)
    print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main()
