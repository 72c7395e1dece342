"""Lower bounds at a total item discount X: the least later-layer discount, and the gifts surely given.

The margin guard refuses a completion whose merchandise discount exceeds the cap. At X the item layer
gives exactly X, so a completion at X is refused for sure when X plus the *least* later-layer
discount any completion at X can have exceeds the cap (``low``); a decided gift whose threshold is
surely reached is surely given, and its cost lowers the cap (``decided_gifts``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from engine.promotions.calculators import calculate, free_units
from engine.promotions.options import Option, after_orders, merch_value, reached

if TYPE_CHECKING:
    from engine.promotions.relax import Scene, _Frame


def low(scene: Scene, x: int, values: list[int]) -> int:
    """The least later merchandise discount of any completion at total x (decided options only).

    The order layer takes at least its biggest member, the coupon layer at least its biggest
    coupon (``coupon_floor``); a member's in-scope item discount is at most
    ``x - (least item discount outside)``.

    Only ``x + low > cap`` is ever asked of it (does the margin guard refuse x), with the cap of some
    case of decided gifts given, which is at least ``scene.least_cap``: a value that keeps ``x + low``
    within the least cap gets the same answer as any smaller one, so the coupons' clash on shared lines
    is worked out only where it could decide a refusal.
    """
    best_order = 0
    for m, out, lo, hi in scene.low_orders:
        xm = x - out
        xm = lo if xm < lo else (hi if xm > hi else xm)
        best_order = max(best_order, merch_value(m, m.full - xm))
    return best_order + coupon_floor(scene, x, values, scene.least_cap - x - best_order)

def coupon_floor(scene: Scene, x: int, values: list[int], room: int | None = None) -> int:
    """The least the coupon layer takes at total x.

    Each decided coupon takes at least its own floor: a 满减 / percentage on the most item and
    order discount its scope can carry (of an order 满减 reaching beyond its lines, at most the
    prorated share of its lines: ``t × (list - lo) / the order's least base + 1`` a line); a per-line
    coupon on the least its lines can keep (list - hi, less at most ``t × (list - lo) / base + 1`` of
    each order option's share). The layer takes the biggest of them (a coupon clamped on a line finds
    the earlier ones took the rest of it), and also their sum less what can be clamped away. Each coupon is computed on the amounts at the start
    of the layer and takes, line by line, no more than the earlier ones left, so coupons clash where
    they share a line: on the lines of a per-line coupon by at most the other coupons' prorated
    shares there (each at most ``its value × (list - lo) / its least base + 1``) less what the
    per-line coupon surely leaves of the line (``leaves``); on a line two 满减 / percentage coupons
    share, by at most their shares less the least the line holds at the start of the layer (list -
    hi - the order shares; a steep 每满40减25 and another coupon can ask for more than a line has).
    Two per-line coupons on shared lines: only the bigger.
    """
    prof = scene.prof
    floors: list[tuple[int, _Frame, int, int]] = []  # (index, frame, floor, least base; -1: a per-line coupon)
    for i, out, touching in scene.low_coupons:
        f = scene.decided[i]
        xc = x - out
        xc = f.lo if xc < f.lo else (f.hi if xc > f.hi else xc)
        base = f.o.full - xc
        for k, share in touching:  # each order 满减 takes at most its prorated share of the coupon's lines
            taken = values[k]
            if share is not None:
                held, count, out_k, lo_k, hi_k = share
                xm = x - out_k
                xm = lo_k if xm < lo_k else (hi_k if xm > hi_k else xm)
                order_base = scene.decided[k].o.full - xm
                if order_base > 0:
                    taken = min(taken, (taken * held) // order_base + count)
            base -= taken
        floors.append((i, f, merch_value(f.o, base) if base > 0 else 0, max(0, base)))
    kept_by: dict[int, list[int]] = {}
    for i, lines in scene.low_per_line:
        f = scene.decided[i]
        kept = []
        for j, amount, orders in lines:
            part = 0
            for k, out, lo, hi in orders:
                xm = x - out
                xm = lo if xm < lo else (hi if xm > hi else xm)
                base = scene.decided[k].o.full - xm
                part += (values[k] * (amount - prof.lo[j])) // base + 2 if base > 0 else amount
            kept.append(max(0, amount - prof.hi[j] - part))
        kept_by[i] = kept
        floor = sum(calculate(f.o.prep, kept, list(f.o.qtys))) - f.o.fixed  # its rounding play
        floors.append((i, f, max(0, floor), -1))
    if not floors:
        return 0
    best = max(floor for _, _, floor, _ in floors)
    clash = 0
    for i, _ in scene.low_per_line:
        d = scene.decided[i]
        if any(base == -1 and c is not d and c.o.lineset & d.o.lineset for _, c, _, base in floors):
            return best  # two per-line coupons on shared lines
        for n, j in enumerate(d.o.lines):
            shares = 0
            for k, c, _, base in floors:
                if c is d or j not in c.o.lineset:
                    continue
                value = values[k]
                shares += value if base <= 0 else (value * (d.o.amounts[n] - prof.lo[j])) // base + 1
            clash += max(0, shares - leaves(d.o, n, kept_by[i]))
    found = max(best, sum(floor for _, _, floor, _ in floors) - clash)
    if room is not None and found <= room or found == best:
        return found  # within the room (see ``low``), or the biggest coupon alone, which holds anyway
    clash += _shared_clash(scene, x, values, {k: base for k, _, _, base in floors})
    return max(best, sum(floor for _, _, floor, _ in floors) - clash)

def _shared_clash(scene: Scene, x: int, values: list[int], bases: dict[int, int]) -> int:
    """Most the 满减 / percentage coupons sharing a line (no per-line coupon on it) can lose to the clamp.

    On a line holding ``a`` at the start of the coupon layer, coupon c asks for its prorated share, at
    most ``value × a / least base + 1``; what they ask beyond ``a`` is clamped away. That excess is
    linear in ``a``, so it is largest at one end of what the line can hold: ``list - lo`` (the least
    item discount) or ``list - hi`` less the most the order layer takes of it. Coupons whose rates add
    up to less than one never lose more than their rounding cents, and only on lines that can be tiny.
    """
    clash = 0
    for coupons, lines in scene.low_shared:
        rate = 0.0
        for i in coupons:
            base = bases[i]
            rate += values[i] / base if base > 0 else 2.0
        # a line that surely holds more than this loses nothing: what they ask stays below what it holds
        enough = (len(coupons) + 1) / (1.0 - rate) if rate < 0.999 else math.inf
        for floor, j, amount, orders in lines:  # least first
            if floor > enough:
                break
            clash += _line_clash(scene, x, values, bases, coupons, j, amount, orders)
    return clash


def _line_clash(scene: Scene, x: int, values: list[int], bases: dict[int, int], coupons: tuple[int, ...], j: int,
                amount: int, orders: list[tuple[int, int, int, int]]) -> int:
    """``_shared_clash`` on one line: what the coupons ask beyond what it holds, at either end."""
    prof = scene.prof
    least = amount - prof.hi[j]
    for k, out, lo, hi in orders:
        xm = x - out
        xm = lo if xm < lo else (hi if xm > hi else xm)
        base = scene.decided[k].o.full - xm
        least -= (values[k] * (amount - prof.lo[j])) // base + 2 if base > 0 else amount
    worst = 0
    for held in (max(0, least), amount - prof.lo[j]):
        asked = 0
        for i in coupons:
            base = bases[i]
            asked += values[i] if base <= 0 else (values[i] * held) // base + 1
        worst = max(worst, asked - held)
    return worst


def leaves(o: Option, n: int, kept: list[int]) -> int:
    """Least a per-line coupon leaves of its n-th line (of at least ``kept[n]``): 特价 leaves the
    special price; 买X送Y takes at most its free units' share of the line."""
    prep = o.prep
    if prep.kind == "fixed_price":
        return prep.price * o.qtys[n]
    free = free_units(prep, o.qtys)
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
