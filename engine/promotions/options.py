"""Later-layer promotions as the relaxation sees them: values, steps and majorants of one option,
the order layer's share seen by a coupon, and the margin guard as caps.

A later-layer option's merchandise value is a non-decreasing function of its in-scope amount (its
*base*): step functions for 满减 (``threshold_off``), a rounded line for percentages, a per-line
calculator for 特价 / 买X送Y coupons (bounded per node, see ``relax.Scene``); gifts and free shipping
are reached or not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from engine.promotions.calculators import Prepared, percent_of, threshold_off_total

BIG = 1 << 62


@dataclass(frozen=True)
class Option:
    """A later-layer promotion as the relaxation sees it."""

    c: int
    layer: str  # order | coupon | shipping
    kind: str  # threshold_off | percent_off | per_line | gift | free_shipping
    prep: Prepared
    lines: tuple[int, ...]
    lineset: frozenset[int]
    full: int  # in-scope amount at list price
    slope: float  # merchandise value <= slope × base + offset ...
    offset: float
    fixed: int  # per_line kinds: rounding slack added to the calculator's value (cents)
    amounts: tuple[int, ...]  # list amounts of its lines
    qtys: tuple[int, ...]
    gift: int  # gift value (value × qty) when reached
    units: int  # gift units when reached
    priority: int
    rank: int = 0  # order of application inside a layer (priority, then id): earlier coupons take first

    # Its own ``__init__`` (the dataclass keeps it): compiled, a generated one stays interpreted Python.
    def __init__(self, c: int, layer: str, kind: str, prep: Prepared, lines: tuple[int, ...], lineset: frozenset[int],
                 full: int, slope: float, offset: float, fixed: int, amounts: tuple[int, ...], qtys: tuple[int, ...],
                 gift: int, units: int, priority: int, rank: int = 0) -> None:
        for name, value in (("c", c), ("layer", layer), ("kind", kind), ("prep", prep), ("lines", lines),
                            ("lineset", lineset), ("full", full), ("slope", slope), ("offset", offset), ("fixed", fixed),
                            ("amounts", amounts), ("qtys", qtys), ("gift", gift), ("units", units),
                            ("priority", priority), ("rank", rank)):
            object.__setattr__(self, name, value)


def merch_value(o: Option, base: int) -> int:
    """Most merchandise discount the option takes on an in-scope amount ``base``."""
    kind = o.kind
    if kind == "threshold_off":
        total = threshold_off_total(o.prep, base)
    elif kind == "percent_off":
        total = percent_of(base, o.prep.bp)
    elif kind == "per_line":
        raise ValueError("per-line options are bounded per node (Scene._frame)")
    else:
        return 0
    cap = o.prep.max_off
    if cap is not None and total > cap:
        total = cap
    return total if total < base else base


def reached(o: Option, base: int) -> bool:
    """Gift or free shipping: the threshold is reached."""
    return base >= o.prep.threshold


def next_up(o: Option, base: int) -> int | None:
    """The smallest in-scope amount above ``base`` where the option's value steps up (None: never)."""
    kind, prep = o.kind, o.prep
    if kind in ("gift", "free_shipping"):
        return prep.threshold if base < prep.threshold else None
    if kind != "threshold_off":
        return None
    total = threshold_off_total(prep, base)
    if prep.max_off is not None and total >= prep.max_off:
        return None
    if total > base:  # the discount is the whole base: it grows continuously (continuous_slope)
        return None
    if prep.repeat:
        step = prep.tiers[0][0]
        return (base // step + 1) * step
    return next((t for t, off in prep.tiers if t > base and off > total), None)


def continuous_slope(o: Option, base: int) -> float:
    """How fast the value grows with the base between steps (0 for pure step functions)."""
    if o.kind == "percent_off":
        if o.prep.max_off is not None and percent_of(base, o.prep.bp) >= o.prep.max_off:
            return 0.0
        return o.prep.bp / 10_000
    if o.kind == "threshold_off":
        total = threshold_off_total(o.prep, base)
        capped = total if o.prep.max_off is None else min(total, o.prep.max_off)
        return 1.0 if capped > base else 0.0
    return 0.0


def majorant_line(prep: Prepared, kind: str) -> tuple[float, float]:
    """(slope, offset) of a line above the option's merchandise value as a function of its base."""
    if kind == "percent_off":
        return prep.bp / 10_000, 0.5
    if kind == "threshold_off":
        if any(t <= 0 for t, _ in prep.tiers):
            return math.inf, 0.0
        return max(off / t for t, off in prep.tiers), 0.0
    return 0.0, 0.0



class Margin:
    """The margin guard as caps on merchandise discount, per cost of the gifts given (cents)."""

    def __init__(self, subtotal: int, cost_total: int, min_margin: Decimal, enforce: bool = True) -> None:
        self.subtotal, self.cost_total, self.factor, self.enforce = subtotal, cost_total, 1 + min_margin, enforce
        self._caps: dict[int, int] = {}

    def cap(self, gift_cost: int = 0) -> int:
        """Most merchandise discount allowed when gifts costing ``gift_cost`` are given."""
        if not self.enforce:
            return BIG
        found = self._caps.get(gift_cost)
        if found is None:
            floor = Decimal(self.cost_total + gift_cost) * self.factor
            room = (Decimal(self.subtotal) - floor).to_integral_value(rounding=ROUND_FLOOR)
            found = self._caps[gift_cost] = int(room)
        return found



def catch_up(sources: tuple, x: int, amount: int, lines: int, target: int) -> int:
    """How far x must at least fall before ``after_orders`` can reach ``target`` with the coupon's own
    amount fixed: an order option inside its scope must step down (an event of its own); one around
    it must leave (1 - t / base) of the amount, and its base grows by one per cent x falls."""
    need = 1
    for m, out, lo, hi, inside in sources:
        xm = x - out
        xm = lo if xm < lo else (hi if xm > hi else xm)
        base = m.full - xm
        taken = merch_value(m, base)
        left = amount - taken if inside else (amount - (amount * taken) // base + lines if base > 0 else 0)
        if left >= target:
            continue
        if inside or base <= 0 or amount - target + lines + 1 <= 0:
            return BIG
        wanted = (amount * taken) // (amount - target + lines + 1)  # the base at which it can leave enough
        if xm - (wanted - base) < lo:
            return BIG  # its base cannot grow that far
        need = max(need, wanted - base)
    return need


def after_orders(sources: tuple, x: int, amount: int, lines: int) -> int:
    """Most a coupon's in-scope amount can be after the order layer, at total x (see the module notes)."""
    best = amount
    for m, out, lo, hi, inside in sources:
        xm = x - out
        xm = lo if xm < lo else (hi if xm > hi else xm)
        base = m.full - xm
        taken = merch_value(m, base)
        if inside:
            left = amount - taken
        elif base > 0:
            left = amount - (amount * taken) // base + lines
        else:
            left = 0
        if left < best:
            best = left
    return best if best > 0 else 0
