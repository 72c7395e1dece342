"""The exact search's parts: reachable item totals, the admissible bound, ties, and the node budget."""

from __future__ import annotations

import random
from decimal import Decimal
from itertools import combinations, product

from hypothesis import HealthCheck, example, given, seed, settings
from hypothesis import strategies as st
from promo_builders import NOW, cart, line, manjian, percent, promo

from engine.promotions import quote
from engine.promotions.best import allowed, best, brute_force
from engine.promotions.itemlayer import IN, OUT
from engine.promotions.model import Cart, Promotion
from engine.promotions.space import Space
from engine.promotions.stacking import build_board, evaluate

CTX = {"now": NOW}


def _board(lines: list[dict], promos: list[dict], min_margin: str = "0", stock: dict | None = None):  # type: ignore[no-untyped-def]
    models = [Promotion.model_validate(p) for p in promos]
    return build_board(Cart.model_validate(cart(*lines, coupons=["C1"], shipping_fee="10")), models,
                       Decimal(min_margin), stock)


def _item_promos(r: random.Random, count: int) -> list[dict]:
    """Item-level deals over a few categories and SKUs, some in stacking groups."""
    found = []
    for i in range(count):
        scope = r.choice([{}, {"categories": [r.choice("xy")]}, {"skus": [f"S{r.randrange(4)}", f"S{r.randrange(4)}"]}])
        kind = r.choice(["percent", "percent", "fixed", "b2g1"])
        group = r.choice([None, None, "b1", "b2"])
        if kind == "percent":
            found.append(percent(f"i{i}", r.choice([5, 10, 15, 30]), scope=scope, group=group))
        elif kind == "fixed":
            found.append(promo(f"i{i}", "fixed_price", {"price": r.choice(["19", "39"])}, scope=scope, group=group))
        else:
            found.append(promo(f"i{i}", "buy_x_get_y", {"buy": 2, "get": 1}, scope=scope, group=group))
    return found


def _item_node(r: random.Random, count: int):  # type: ignore[no-untyped-def]
    """A random node over item deals only: 4 lines, ``count`` deals, some decided in or out (a group with
    a member in has the others out, as the search decides)."""
    lines = [line(f"S{j}", str(r.randint(20, 200)), r.randint(1, 3), category=r.choice("xy")) for j in range(4)]
    board = _board(lines, _item_promos(r, count))
    items = [c for c, cand in enumerate(board.candidates) if board.item_values.get(c)]
    space = Space(board, {c: evaluate(board, (c,)) for c in range(len(board.candidates))}, items)
    status = {c: r.choice([IN, OUT, 0, 0]) for c in items}
    groups = space.item_groups
    for g in set(groups.values()):
        members = [c for c in items if groups.get(c) == g]
        chosen = [c for c in members if status[c] == IN][:1]
        for c in members:
            status[c] = (IN if c in chosen else OUT) if chosen else status[c]
    return space, items, status


def _reachable_node(r: random.Random, count: int):  # type: ignore[no-untyped-def]
    """A random item node (``_item_node``), its profile, a window over every total its items can make, and
    the reachable-totals bitset over it."""
    space, items, status = _item_node(r, count)
    prof = space.items.profile(status)
    window = prof.x_hi - prof.x_lo + 1
    return space, items, status, prof, window, space.items.reachable(status, prof, window, space.item_groups)


def _lines_taken(space: Space, picked: list[int]) -> tuple[list[int], set[int]]:
    """Per line the best value of the picked items, and the items that take a line: the best value,
    ties to the better rank."""
    per_line = [max((space.items.values[c].get(j, 0) for c in picked), default=0) for j in range(4)]
    takers = {min((c for c in picked if space.items.values[c].get(j, 0) == v), key=space.rank.__getitem__)
              for j, v in enumerate(per_line) if v}
    return per_line, takers


@seed(7)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=1, max_value=8))
def test_reachable_item_totals_are_exactly_the_totals_of_item_subsets_where_every_item_in_gives(rng_seed: int, count: int) -> None:
    r = random.Random(rng_seed)
    space, items, status, prof, window, bits = _reachable_node(r, count)
    groups = space.item_groups
    opened = [c for c in items if status[c] == 0]
    totals = set()
    for size in range(len(opened) + 1):
        for chosen in combinations(opened, size):
            picked = [c for c in items if status[c] == IN] + list(chosen)
            used = [groups[c] for c in picked if c in groups]
            if len(used) != len(set(used)):
                continue
            per_line, takers = _lines_taken(space, picked)
            if any(status[c] == IN and c not in takers for c in items):
                continue  # an item in that gives nothing: the same combination as leaving it out
            totals.add(prof.x_hi - sum(per_line))
    assert {rr for rr in range(window + 1) if bits >> rr & 1} == totals


@seed(31)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=1, max_value=8))
def test_every_reachable_total_has_a_witness_that_makes_it(rng_seed: int, count: int) -> None:
    r = random.Random(rng_seed)
    space, items, status, prof, window, bits = _reachable_node(r, count)
    groups = space.item_groups
    ins = [c for c in items if status[c] == IN]
    made = [rr for rr in range(window + 1) if bits >> rr & 1]
    missed = [rr for rr in range(window + 1) if not bits >> rr & 1]
    for k, reduction in enumerate(r.sample(made, min(len(made), 30)) + r.sample(missed, min(len(missed), 10))):
        # the node's own profile (its clusters as ``reachable`` left them), or a fresh one (found again)
        found = space.items.witness(status, prof if k % 2 else space.items.profile(status), window, groups, reduction)
        if not bits >> reduction & 1:
            assert found is None
            continue
        assert found is not None and all(status[c] == 0 for c in found)
        picked = ins + found
        used = [groups[c] for c in picked if c in groups]
        assert len(used) == len(set(used))
        per_line, takers = _lines_taken(space, picked)
        assert prof.x_hi - sum(per_line) == reduction
        assert all(c in takers for c in ins)  # every item in still gives something
    for reduction in r.sample(range(window + 1), min(window + 1, 20)):  # the highest total at most that one
        found = space.items.witness(status, prof, window, groups, reduction, nearest=True)
        above = [rr for rr in made if rr >= reduction]
        if not above:
            assert found is None
            continue
        assert found is not None
        per_line, takers = _lines_taken(space, ins + found)
        assert prof.x_hi - sum(per_line) == above[0] and all(c in takers for c in ins)


def _later_mix(r: random.Random, i: int) -> dict:
    """Promotions of every layer with thresholds near the cart total (steps that fight item deals)."""
    kind = r.choice(["every", "ladder", "coupon", "coupon_pct", "coupon_b2g1", "gift", "ship", "item", "item"])
    if kind == "every":
        return promo(f"p{i:02d}", "threshold_off", {"tiers": [{"threshold": r.choice([60, 100]), "off": r.choice([8, 15])}],
                                                    "repeat": True}, group="mj")
    if kind == "ladder":
        return manjian(f"p{i:02d}", r.choice([150, 250]), r.choice([20, 35]), group="mj",
                       scope=r.choice([{}, {"categories": ["x"]}]))
    if kind == "coupon":
        return promo(f"p{i:02d}", "threshold_off", {"tiers": [{"threshold": 100, "off": 12}], "repeat": True}, coupon="C1")
    if kind == "coupon_pct":
        return percent(f"p{i:02d}", r.choice([5, 10]), coupon="C1", scope=r.choice([{}, {"skus": ["S1", "S2"]}]))
    if kind == "coupon_b2g1":
        return promo(f"p{i:02d}", "buy_x_get_y", {"buy": 1, "get": 1, "get_percent_off": 50}, coupon="C1",
                     scope={"skus": ["S0", "S1"]})
    if kind == "gift":
        return promo(f"p{i:02d}", "gift", {"threshold": r.choice([100, 200]), "gift_sku": "G1", "gift_value": "20",
                                           "gift_cost": r.choice(["0", "6"])}, group="gift", priority=r.choice([0, 2]))
    if kind == "ship":
        return promo(f"p{i:02d}", "free_shipping", {"threshold": r.choice([0, 60, 99])}, group="ship",
                     scope=r.choice([{}, {"skus": ["S2"]}]), priority=r.choice([0, 2]))
    return percent(f"p{i:02d}", r.choice([5, 8, 12, 20]), scope=r.choice([{"categories": [r.choice("xy")]}, {"skus": [f"S{r.randrange(4)}"]}]),
                   group=r.choice([None, None, "brand"]), priority=r.choice([0, 0, 1, 2]))


@seed(99)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=2, max_value=10))
@example(2045474171, 2)  # an item in (5 %) that an open one (20 %) would leave with nothing: not a completion here
def test_the_bound_of_a_partial_decision_is_never_below_what_its_completions_save(rng_seed: int, count: int) -> None:
    r = random.Random(rng_seed)
    lines = [line(f"S{j}", str(r.randint(20, 150)), r.randint(1, 2), cost=str(r.randint(5, 60)),
                  category=r.choice("xy")) for j in range(4)]
    board = _board(lines, [_later_mix(r, i) for i in range(count)], r.choice(["0", "0.3", "0.8"]), {"G1": 1})
    space = _space(board)
    status, choice = _decide_at_random(r, space, False, 0.5)
    scene = space.scene(status, choice)
    bound, _ = space.bound(scene, status, choice, 0)
    units = space.units_bound(scene, choice)
    best_seen = max(((o.saving, o.gift_units) for o in _completions(space, status, choice) if o.members), default=(-1, -1))
    assert best_seen[0] <= bound and (best_seen[0] < bound or best_seen[1] <= units)


def _space(board):  # type: ignore[no-untyped-def]
    """The search space over a board's promotions that give something alone (as ``best`` builds it)."""
    alone = {c: evaluate(board, (c,)) for c in range(len(board.candidates))}
    return Space(board, alone, [c for c in range(len(board.candidates)) if alone[c].members])


def _decide_at_random(r: random.Random, space: Space, later_too: bool, share: float
                      ) -> tuple[dict[int, int], dict[int, int | None]]:
    """A random node: each unit decided (a random option, or none) with probability ``share``, every later-layer
    unit when ``later_too`` (as the search decides them first)."""
    status: dict[int, int] = {}
    choice: dict[int, int | None] = {}
    for u, unit in enumerate(space.units):
        if (later_too and unit.later) or r.random() < share:
            status, choice = space.decide(u, r.choice([*unit.options, None]), status, choice)
    return status, choice


def _completions(space: Space, status: dict[int, int], choice: dict[int, int | None]):  # type: ignore[no-untyped-def]
    """Every allowed completion of a node that the margin guard lets through, priced, the empty one included.

    A decided promotion must give something: a completion where a decided later-layer promotion or an item
    decided in gives nothing is the same combination as one of a sibling node that leaves it out (searched
    there), so it is not one of this node's."""
    board = space.board
    later = {c for u, c in choice.items() if c is not None and (space.units[u].later and c in space.options
                                                                or status.get(c) == IN)}
    for picks in product(*[[choice[u]] if u in choice else [*unit.options, None] for u, unit in enumerate(space.units)]):
        combo = tuple(c for c in picks if c is not None)
        if allowed(board, combo):
            outcome = evaluate(board, combo)
            if outcome.margin_ok and later <= set(outcome.members):
                yield outcome


@seed(2026)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=2, max_value=12))
def test_branch_and_bound_equals_brute_force_when_the_margin_guard_binds(rng_seed: int, count: int) -> None:
    """Costs close to prices and 满减 steps, coupons, gifts and scoped free shipping: many combinations
    reach the margin cap exactly, and the tie between them must still be resolved exactly."""
    r = random.Random(rng_seed)
    lines = [line(f"S{j}", str(r.randint(30, 150)), r.randint(1, 2), cost=str(r.randint(15, 90)),
                  category=r.choice("xy")) for j in range(4)]
    board = _board(lines, [_later_mix(r, i) for i in range(count)], r.choice(["0", "0.05", "0.2"]), {"G1": 1})
    fast, slow = best(board), brute_force(board)
    assert fast.proven and fast.winner.key == slow.winner.key


def _dense_cap(r: random.Random) -> tuple[list[dict], list[dict], str]:
    """Many small item deals on lines that cost 70-90 % of their price, under 满减 / 每满减 / coupons: the
    item subsets hit the margin cap to the cent in many ways, so ties at the cap are the rule."""
    count = r.randint(5, 8)
    prices = [r.randint(40, 120) for _ in range(count)]
    lines = [line(f"S{j}", str(p), 1, cost=str(int(p * r.uniform(0.7, 0.9))), category=r.choice("xy"))
             for j, p in enumerate(prices)]
    promos = []
    for i in range(r.randint(7, 10)):
        skus = r.sample([f"S{j}" for j in range(count)], r.choice([1, 1, 2]))
        promos.append(percent(f"i{i:02d}", r.choice([5, 8, 10, 12, 15, 20]), scope={"skus": skus},
                              group=r.choice([None, None, None, "b"]), priority=r.choice([0, 0, 1, 2])))
    for k in range(r.randint(2, 4)):
        kind = r.choice(["mj", "mj", "every", "coupon", "coupon_pct"])
        if kind == "mj":
            promos.append(manjian(f"m{k}", r.choice([100, 200, 300]), r.choice([10, 20, 30]), group="mj",
                                  priority=r.choice([0, 1, 2])))
        elif kind == "every":
            promos.append(promo(f"e{k}", "threshold_off", {"tiers": [{"threshold": 100, "off": r.choice([5, 10])}],
                                                          "repeat": True}, group="mj", priority=r.choice([0, 1, 2])))
        elif kind == "coupon":
            promos.append(promo(f"c{k}", "threshold_off", {"tiers": [{"threshold": 50, "off": r.choice([3, 5])}],
                                                          "repeat": True}, coupon="C1", priority=r.choice([0, 1])))
        else:
            promos.append(percent(f"p{k}", r.choice([3, 5]), coupon="C1", priority=r.choice([0, 1])))
    return lines, promos, r.choice(["0", "0.05", "0.1", "0.2"])


@seed(4242)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32))
@example(1126723668)  # these three: a walk at the cap used to stop at a branch that could not reach the
@example(3877509417)  # target and call its node settled, leaving a better-ranked combination unseen
@example(3388971367)
def test_ties_at_the_margin_cap_go_to_the_best_ranked_combination_when_many_item_subsets_reach_it(rng_seed: int) -> None:
    r = random.Random(rng_seed)
    lines, promos, margin = _dense_cap(r)
    board = _board(lines, promos, margin, {"G1": 1})
    fast, slow = best(board), brute_force(board)
    assert fast.proven and fast.winner.key == slow.winner.key


def test_equal_savings_go_to_the_combination_with_the_best_ranked_promotion() -> None:
    # a (priority 3, exclusive) alone, or b + c (priority 2 each, 4 in total): ¥20 off either way.
    c = cart(line("A", "100", category="x"), line("B", "100", category="y"))
    promos = [percent("a", 10, priority=3, exclusive=True), percent("b", 10, scope={"categories": ["x"]}, priority=2),
              percent("c", 10, scope={"categories": ["y"]}, priority=2)]
    q = quote(c, promos, context=CTX)
    assert q.discount == Decimal("20.00") and q.combination == ["a"]


def test_a_percentage_whose_rate_is_not_exact_in_binary_still_bounds_its_rounded_value() -> None:
    # 35 % of ¥111.90 = ¥39.165, rounded half up to ¥39.17; in floating point 0.35 × 11190 is 3916.4999…,
    # so a bound floored without care says ¥39.16 and prunes the free gift next to it (one more gift unit).
    c = cart(line("S0", "111.90", cost="4"), coupons=["C1"])
    promos = [percent("pct", 35, coupon="C1"),
              promo("gift", "gift", {"threshold": 100, "gift_sku": "G1", "gift_value": "0", "gift_cost": "0"},
                    coupon="C1", priority=1)]
    q = quote(c, promos, context=CTX, min_margin=Decimal("2"))
    assert q.combination == ["gift", "pct"] and q.discount == Decimal("39.17") and q.gifts[0].sku == "G1"


def test_a_quote_that_runs_out_of_nodes_says_it_is_not_proven() -> None:
    c = cart(*[line(f"S{i}", str(50 + 7 * i), cost="30") for i in range(6)], coupons=["C1"])
    promos = [percent(f"p{i}", 5 + i, scope={"skus": [f"S{i}", f"S{(i + 1) % 6}"]}) for i in range(6)]
    promos += [manjian("m", 300, 40), promo("e", "threshold_off", {"tiers": [{"threshold": 50, "off": 6}], "repeat": True},
                                           coupon="C1")]
    limited = quote(c, promos, context=CTX, max_nodes=2)
    full = quote(c, promos, context=CTX)
    assert not limited.optimal and limited.nodes > 2
    assert full.optimal and full.saving >= limited.saving


def test_an_item_deal_equal_to_the_one_already_in_still_takes_its_line_on_rank() -> None:
    # p00 and p04 give the same on S0; p00 ranks first, so it takes S0 and both are in the winner.
    c = cart(line("S0", "272.90"), line("S1", "246", qty=2))
    promos = [promo("p00", "fixed_price", {"price": "9.90"}, scope={"skus": ["S0"]}, group="g"),
              promo("p04", "fixed_price", {"price": "9.90"}),
              promo("p09", "fixed_price", {"price": "59"}, group="g")]
    q = quote(c, promos, context=CTX)
    assert q.combination == ["p00", "p04"] and q.discount == Decimal("735.20")


def test_a_free_unit_coupon_after_a_manjian_and_an_earlier_coupon_is_bounded_within_cents_when_all_is_decided() -> None:
    # 每满200减30 (order), then the coupons: 每满300减35 (ranked first) and 买一送一 on two single units. The free unit
    # is a whole line, so the earlier coupon's share of it clamps the 买一送一; that share is at least its discount
    # over its greatest base, and the base is at most the item total less the 满减 taken before the coupons.
    # Bounding that base by the item total alone left the bound ¥0.51 high on this decided node (¥1.21 on a
    # benchmark cart, where the search then branched on ~15 nodes that could not win).
    lines = [line(f"S{j}", p) for j, p in enumerate(["180", "95", "260", "45"])]
    lines[0]["qty"] = 2
    promos = [promo("m", "threshold_off", {"tiers": [{"threshold": 200, "off": 30}], "repeat": True}, group="manjian"),
              promo("c1", "threshold_off", {"tiers": [{"threshold": 300, "off": 35}], "repeat": True}, coupon="C1",
                    priority=2),
              promo("c2", "buy_x_get_y", {"buy": 1, "get": 1}, scope={"skus": ["S1", "S3"]}, coupon="C2")]
    board = build_board(Cart.model_validate(cart(*lines, coupons=["C1", "C2"])),
                        [Promotion.model_validate(p) for p in promos], Decimal("0"), None)
    alone = {c: evaluate(board, (c,)) for c in range(len(board.candidates))}
    space = Space(board, alone, [c for c in alone if alone[c].members])
    status: dict[int, int] = {}
    choice: dict[int, int | None] = {}
    for u, unit in enumerate(space.units):
        status, choice = space.decide(u, unit.options[0], status, choice)
    bound, _ = space.bound(space.scene(status, choice), status, choice, 0)
    leaf = evaluate(board, space.leaf(choice))
    assert len(leaf.members) == 3 and leaf.saving == 19553
    assert leaf.saving <= bound <= leaf.saving + 2


def _top_mix(r: random.Random, i: int) -> dict:
    """Item deals over SKUs and categories under a whole-cart 满减 and per-line coupons (买2送1 at 100 %, 第二件半价,
    特价), gifts and free shipping: nodes whose relaxation is highest with every open item in, where the rounding
    play of the per-line coupons after the 满减's prorated shares is what keeps the bound above the incumbent."""
    kind = r.choice(["every", "ladder", "b2g1", "half", "special", "pct", "gift", "ship", "item", "item", "item"])
    if kind == "every":
        return promo(f"p{i:02d}", "threshold_off", {"tiers": [{"threshold": r.choice([60, 100]), "off": r.choice([8, 15])}],
                                                    "repeat": True}, group="mj")
    if kind == "ladder":
        return manjian(f"p{i:02d}", r.choice([150, 250]), r.choice([20, 35]), group="mj")
    skus = {"skus": r.sample([f"S{j}" for j in range(5)], r.choice([2, 3]))}
    if kind == "b2g1":
        return promo(f"p{i:02d}", "buy_x_get_y", {"buy": 2, "get": 1}, coupon="C1", scope=skus, priority=r.choice([0, 1]))
    if kind == "half":
        return promo(f"p{i:02d}", "buy_x_get_y", {"buy": 1, "get": 1, "get_percent_off": 50}, coupon="C1", scope=skus)
    if kind == "special":
        return promo(f"p{i:02d}", "fixed_price", {"price": r.choice(["9.90", "19"])}, coupon="C1", scope=skus)
    if kind == "pct":
        return percent(f"p{i:02d}", r.choice([5, 10]), coupon="C1", scope=r.choice([{}, skus]))
    if kind == "gift":
        return promo(f"p{i:02d}", "gift", {"threshold": r.choice([100, 200]), "gift_sku": "G1", "gift_value": "20",
                                           "gift_cost": r.choice(["0", "6"])}, group="gift")
    if kind == "ship":
        return promo(f"p{i:02d}", "free_shipping", {"threshold": r.choice([0, 99])}, group="ship")
    scope = r.choice([{"categories": [r.choice("xy")]}, {"skus": [f"S{r.randrange(5)}"]}])
    if r.random() < 0.3:
        return promo(f"p{i:02d}", "buy_x_get_y", {"buy": 2, "get": 1}, scope=scope, group=r.choice([None, "brand"]))
    return percent(f"p{i:02d}", r.choice([5, 8, 12, 20]), scope=scope, group=r.choice([None, None, "brand"]),
                   priority=r.choice([0, 0, 1]))


def _top_board(r: random.Random, count: int):  # type: ignore[no-untyped-def]
    lines = [line(f"S{j}", str(r.randint(20, 150)), r.randint(1, 3), cost=str(r.randint(5, 50)), category=r.choice("xy"))
             for j in range(5)]
    return _board(lines, [_top_mix(r, i) for i in range(count)], r.choice(["0", "0", "0.3"]), {"G1": 1})


@seed(5150)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=2, max_value=10))
def test_a_node_priced_at_its_top_total_is_bounded_and_settled_exactly(rng_seed: int, count: int) -> None:
    """``Space.bound(exact_top=True)``: where the relaxation is highest with every open item in, that completion
    is priced instead; the bound stays above every completion, and a node it settles has that completion as
    its best (saving, gift units and rank)."""
    r = random.Random(rng_seed)
    board = _top_board(r, count)
    space = _space(board)
    status, choice = _decide_at_random(r, space, True, 0.4)  # later units decided, as the search does first
    scene = space.scene(status, choice)
    bound, _ = space.bound(scene, status, choice, 0, exact_top=True)
    units = space.units_bound(scene, choice)
    best_key = None
    for outcome in _completions(space, status, choice):
        best_key = outcome.key if best_key is None else min(best_key, outcome.key)
        # (the bound is of the combinations with a member: the search starts from the empty one)
        assert not outcome.members or outcome.saving <= bound and (outcome.saving < bound or outcome.gift_units <= units)
    if scene.settled is not None:
        assert best_key is not None and scene.settled.key == best_key


@seed(6160)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=2, max_value=12))
def test_branch_and_bound_equals_brute_force_when_per_line_coupons_follow_a_manjian(rng_seed: int, count: int) -> None:
    board = _top_board(random.Random(rng_seed), count)
    fast, slow = best(board), brute_force(board)
    assert fast.proven and fast.winner.key == slow.winner.key


def test_a_free_unit_coupon_never_gives_more_on_smaller_amounts_a_percent_off_unit_may_by_a_cent_a_line() -> None:
    # 买2送1 at 100 %: whole lines give their amounts and only the last line reached is discounted in part, so the
    # calculator gives the free units' exact worth rounded half up, which grows with the amounts; 第二件半价 rounds
    # every discounted line.
    from engine.promotions.calculators import prepare
    from engine.promotions.space import rounding_play
    free = prepare(Promotion.model_validate(promo("f", "buy_x_get_y", {"buy": 2, "get": 1}, coupon="C1")))
    half = prepare(Promotion.model_validate(promo("h", "buy_x_get_y", {"buy": 1, "get": 1, "get_percent_off": 50},
                                                  coupon="C1")))
    special = prepare(Promotion.model_validate(promo("s", "fixed_price", {"price": "9.90"}, coupon="C1")))
    assert rounding_play(free, [2, 3, 1]) == 0 and rounding_play(free, [1, 1]) == 0
    assert rounding_play(half, [2, 3, 1]) == 3 and rounding_play(half, [1, 1, 1]) == 1
    assert rounding_play(special, [2, 3, 1]) == 0
    # and the claim itself, on random amounts: never more on amounts that are all at most as big
    from engine.promotions.calculators import buy_x_get_y
    r = random.Random(3)
    for _ in range(3000):
        qtys = [r.randint(1, 4) for _ in range(r.randint(1, 4))]
        small = [r.randint(q, 1500) for q in qtys]
        big = [a + r.choice([0, 0, 1, r.randint(1, 300)]) for a in small]
        assert sum(buy_x_get_y(free, small, qtys)) <= sum(buy_x_get_y(free, big, qtys))
        assert sum(buy_x_get_y(half, small, qtys)) <= sum(buy_x_get_y(half, big, qtys)) + rounding_play(half, qtys)


@seed(7170)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=3, max_value=10))
def test_the_bound_where_the_margin_guard_refuses_the_top_totals_is_never_below_what_its_completions_save(
        rng_seed: int, count: int) -> None:
    """Costs close to prices and every later unit decided: the scan meets the top totals refused by the margin
    guard and jumps past the ones surely refused (``Scene._least_later``); what is left still bounds every
    completion."""
    r = random.Random(rng_seed)
    lines = []
    for j in range(5):
        price = r.randint(30, 150)
        lines.append(line(f"S{j}", str(price), r.randint(1, 3), cost=str(int(price * r.uniform(0.6, 0.9))),
                          category=r.choice("xy")))
    promos = [_later_mix(r, i) for i in range(count)] + [percent(f"q{i}", r.choice([10, 20, 30]), scope={"skus": [f"S{j}"]})
                                                        for i, j in enumerate(r.sample(range(5), 3))]
    board = _board(lines, promos, r.choice(["0", "0.05", "0.1"]), {"G1": 1})
    space = _space(board)
    status, choice = _decide_at_random(r, space, True, 0.3)
    scene = space.scene(status, choice)
    bound, _ = space.bound(scene, status, choice, 0)
    units = space.units_bound(scene, choice)
    for outcome in _completions(space, status, choice):
        assert not outcome.members or outcome.saving <= bound and (outcome.saving < bound or outcome.gift_units <= units)


def _crowded_node(r: random.Random):  # type: ignore[no-untyped-def]
    """26 item deals over 5 one-unit lines: a cluster with too many states, so ``reachable`` combines it line by
    line (menus). Returns the space, the profile of the root, its window, and its reachable totals."""
    lines = [line(f"S{j}", str(r.randint(100, 300)), 1, category="x") for j in range(5)]
    promos = [percent(f"i{i:02d}", r.randint(2, 40), scope={"skus": r.sample([f"S{j}" for j in range(5)], r.choice([2, 3, 4]))},
                      group=r.choice([None, None, None, "g"]), priority=r.choice([0, 1])) for i in range(26)]
    board = _board(lines, promos)
    items = [c for c, cand in enumerate(board.candidates) if board.item_values.get(c)]
    space = Space(board, {c: evaluate(board, (c,)) for c in range(len(board.candidates))}, items)
    prof = space.items.profile({})
    window = prof.x_hi - prof.x_lo
    return space, prof, window, space.items.reachable({}, prof, window, space.item_groups)


def _made_by(space: Space, picked: list[int], lines: int) -> int:
    """The item discount the picked items give (each line its best value)."""
    return sum(max((space.items.values[c].get(j, 0) for c in picked), default=0) for j in range(lines))


@seed(8180)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32))
def test_a_witness_through_the_line_menus_of_a_crowded_cluster_makes_its_total_exactly(rng_seed: int) -> None:
    """A cluster with too many states falls back to per-line menus (a superset); a witness there picks, line
    by line, an item with exactly the value asked that raises no other line too far, or gives none."""
    r = random.Random(rng_seed)
    space, prof, window, bits = _crowded_node(r)
    made = [rr for rr in range(window + 1) if bits >> rr & 1]
    for reduction in r.sample(made, min(len(made), 40)):
        found = space.items.witness({}, prof, window, space.item_groups, reduction)
        if found is not None:
            used = [space.item_groups[c] for c in found if c in space.item_groups]
            assert len(used) == len(set(used))
            assert _made_by(space, found, 5) == prof.x_hi - reduction  # no item is in: every line starts at 0


def test_line_menus_still_give_witnesses() -> None:
    realized = menus = 0
    for s in range(8):
        r = random.Random(s)
        space, prof, window, bits = _crowded_node(r)
        parts, _ = space.items._parts({}, prof, window, space.item_groups)
        menus += any(not part[4] for part in parts)
        made = [rr for rr in range(window + 1) if bits >> rr & 1]
        realized += sum(space.items.witness({}, prof, window, space.item_groups, rr) is not None
                        for rr in r.sample(made, min(len(made), 40)))
    assert menus >= 6 and realized > 0
