"""Lower bounds at a total item discount X: the least later-layer discount, and the gifts surely given.

The margin guard refuses a completion whose merchandise discount exceeds the cap. At X the item layer
gives exactly X, so a completion at X is refused for sure when X plus the *least* later-layer
discount any completion at X can have exceeds the cap (``low``); a decided gift whose threshold is
surely reached is surely given, and its cost lowers the cap (``decided_gifts``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from engine.promotions.calculators import CALCULATORS
from engine.promotions.options import Option, after_orders, merch_value, reached

if TYPE_CHECKING:
    from engine.promotions.relax import Scene, _Frame


def low(scene: Scene, x: int, values: list[int]) -> int:
    """The least later merchandise discount of any completion at total x (decided options only).

    The order layer takes at least its biggest member, the coupon layer at least its biggest
    coupon; a member's in-scope item discount is at most ``x - (least item discount outside)``,
    and a coupon's base is at most reduced by the whole of every order option touching it.
    """
    best_order = 0
    for m, out, lo, hi in scene.low_orders:
        xm = x - out
        xm = lo if xm < lo else (hi if xm > hi else xm)
        best_order = max(best_order, merch_value(m, m.full - xm))
    return best_order + coupon_floor(scene, x, values)

def coupon_floor(scene: Scene, x: int, values: list[int]) -> int:
    """The least the coupon layer takes at total x.

    Each decided coupon takes at least its own floor: a 满减 / percentage on the most item and
    order discount its scope can carry; a per-line coupon on the least its lines can keep (list -
    hi, less at most ``t × (list - lo) / base + 1`` of each order option's share). The layer takes
    the biggest of them, and also their sum less what can be clamped away: coupons only clash on
    the lines of a per-line coupon, by at most the other coupons' prorated shares there (each at
    most ``its value × (list - lo) / its least base + 1``) less what the per-line coupon surely
    leaves of the line (``leaves``). Two per-line coupons on shared lines: only the bigger.
    """
    prof = scene.prof
    floors: list[tuple[_Frame, int, int]] = []  # (frame, floor, least base; -1 for a per-line coupon)
    for i, out, touching in scene.low_coupons:
        f = scene.decided[i]
        xc = x - out
        xc = f.lo if xc < f.lo else (f.hi if xc > f.hi else xc)
        base = f.o.full - xc - sum(values[k] for k in touching)
        floors.append((f, merch_value(f.o, base) if base > 0 else 0, max(0, base)))
    kept_by: dict[int, list[int]] = {}
    for i, lines in scene.low_per_line:
        f = scene.decided[i]
        kept = []
        for j, amount, orders in lines:
            share = 0
            for k, out, lo, hi in orders:
                xm = x - out
                xm = lo if xm < lo else (hi if xm > hi else xm)
                base = scene.decided[k].o.full - xm
                share += (values[k] * (amount - prof.lo[j])) // base + 2 if base > 0 else amount
            kept.append(max(0, amount - prof.hi[j] - share))
        kept_by[i] = kept
        floor = sum(CALCULATORS[f.o.prep.kind](f.o.prep, kept, list(f.o.qtys))) - len(f.o.lines)
        floors.append((f, max(0, floor), -1))
    if not floors:
        return 0
    best = max(floor for _, floor, _ in floors)
    clash = 0
    for i, _ in scene.low_per_line:
        d = scene.decided[i]
        if any(base == -1 and c is not d and c.o.lineset & d.o.lineset for c, _, base in floors):
            return best  # two per-line coupons on shared lines
        for n, j in enumerate(d.o.lines):
            shares = 0
            for c, _, base in floors:
                if c is d or j not in c.o.lineset:
                    continue
                value = values[scene.decided.index(c)]
                shares += value if base <= 0 else (value * (d.o.amounts[n] - prof.lo[j])) // base + 1
            clash += max(0, shares - leaves(d.o, n, kept_by[i]))
    return max(best, sum(floor for _, floor, _ in floors) - clash)

def leaves(o: Option, n: int, kept: list[int]) -> int:
    """Least a per-line coupon leaves of its n-th line (of at least ``kept[n]``): 特价 leaves the
    special price; 买X送Y takes at most its free units' share of the line."""
    prep = o.prep
    if prep.kind == "fixed_price":
        return prep.price * o.qtys[n]
    free = (sum(o.qtys) // (prep.buy + prep.get)) * prep.get
    share = min(1.0, free / o.qtys[n]) * prep.bp / 10_000
    return max(0, math.floor(kept[n] * (1 - share)) - 1)

def decided_gifts(scene: Scene, x: int, values: list[int]) -> tuple[tuple[int, int], list[tuple[int, int]]]:
    """Decided gifts reached at x: (value, cost) of those certainly given, and those that may be."""
    sure_value = sure_cost = 0
    maybe: list[tuple[int, int]] = []
    for i, out, safe in scene.gifts:
        f = scene.decided[i]
        o = f.o
        xo = x - f.out
        xo = f.lo if xo < f.lo else (f.hi if xo > f.hi else xo)
        high = o.full - xo
        if f.sources:
            high = after_orders(f.sources, x, high, len(o.lines))
        if not reached(o, high):
            continue
        xu = x - out
        xu = f.lo if xu < f.lo else (f.hi if xu > f.hi else xu)
        low = o.full - xu
        if o.layer == "coupon":
            low -= sum(v for k, v in enumerate(values) if scene.decided[k].o.layer == "order"
                       and scene.decided[k].o.lineset & o.lineset)
        cost = o.prep.gift_cost * o.prep.gift_qty
        if safe and reached(o, low):
            sure_value, sure_cost = sure_value + o.gift, sure_cost + cost
        else:
            maybe.append((o.gift, cost))
    return (sure_value, sure_cost), maybe
