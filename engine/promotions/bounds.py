"""Admissible upper bounds on the merchandise discount of any completion of a search node.

Item layer: at most, per line, the best item-level value among the reachable promotions. The part
of it not yet guaranteed by the chosen item-level promotions (``extra``) lowers the in-scope base of
every later-layer promotion. Each later-layer promotion (order or coupon layer) is bounded by a line
in that extra discount E on its lines: ``discount <= cap - slope × E``, where ``cap`` is what it gives
on the amounts left by the chosen item layer and ``slope`` is the steepest slope that keeps the line
above its (step) discount function on the reachable interval of bases. Maximising the sum of such
lines over the per-line extras is a per-line decision (take the extra if its net coefficient is
positive). The bound is the smaller of that and the plain sum (item max + caps).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.promotions.calculators import percent_of, threshold_off_total
from engine.promotions.stacking import Candidate


@dataclass(frozen=True)
class Member:
    """A reachable later-layer promotion: its cap at the node's amounts and its in-scope base there."""

    cand: Candidate
    cap: int
    base: int


@dataclass(frozen=True)
class Term:
    """At most ``cap - slope × (discount taken before it on its lines)``."""

    cap: int
    slope: float
    lines: frozenset[int]
    layer: str = "order"
    cap_flat: int = 0  # the flat bound of the same promotions (what they give with nothing more taken)
    steps: tuple[tuple[int, int], ...] = ()  # (most discount taken before it, most it then gives)


def merchandise_bound(
    amounts: list[int], post: list[int], decided: int, best_line: dict[int, int], groups: list[list[Member]],
    item_groups: list[list[dict[int, int]]] | None = None, enough: float = math.inf,
) -> int:
    """Bound on item + order + coupon discount for any subset of the reachable promotions.

    ``best_line``: per line, the best value of the reachable ungrouped (or chosen) item-level
    promotions; ``item_groups``: per still-open item-level stacking group, its members' line values
    (at most one member of a group applies, so a group adds at most its best member's gains);
    ``enough``: below this the caller cuts the branch anyway, so the plain bound is returned at once.
    """
    extra = {j: max(0, v - (amounts[j] - post[j])) for j, v in best_line.items()}
    gains = [
        [{j: g for j, v in values.items() if (g := v - (amounts[j] - post[j]) - extra.get(j, 0)) > 0}
         for values in members]
        for members in (item_groups or [])
    ]
    reach = dict(extra)
    for members in gains:
        for j in {j for m in members for j in m}:
            reach[j] = reach.get(j, 0) + max(m.get(j, 0) for m in members)
    item_plain = sum(extra.values()) + sum(max(sum(m.values()) for m in members) for members in gains)
    plain = decided + item_plain + sum(max(m.cap for m in g) for g in groups)
    if plain < enough:  # already low enough to cut the branch: skip the finer bounds
        return plain
    orders = [g for g in groups if g[0].cand.layer == "order"]
    scenarios: list[list[Term]] = [[]]
    for members in groups:
        options = _group_options(members, reach, orders, split=len(scenarios) < 8)
        scenarios = [chosen + [option] for chosen in scenarios for option in options]
    return min(plain, max(_best_selection(decided, extra, gains, terms) for terms in scenarios))


def _best_selection(decided: int, extra: dict[int, int], gains: list[list[dict[int, int]]], terms: list[Term]) -> int:
    """The sloped bound, then again with the terms that came out worse than flat made flat.

    Every choice of sloped-or-flat per term is a valid bound, so the smaller of the two is too.
    """
    first = min(_sloped(decided, extra, gains, terms), _stepped(decided, extra, gains, terms))
    coeff = _coefficients(terms)
    taken = {j for j in extra if coeff.get(j, 1.0) > 0}
    flat = [
        Term(t.cap_flat, 0.0, t.lines, t.layer)
        if t.slope and t.cap_flat < t.cap - t.slope * sum(extra[j] for j in t.lines & taken) else t
        for t in terms
    ]
    return first if flat == terms else min(first, _sloped(decided, extra, gains, flat))


def _group_options(
    members: list[Member], extra: dict[int, int], orders: list[list[Member]], split: bool
) -> list[Term]:
    """Terms for 'at most one of these members': one, or two scenarios whose max is taken."""
    layer = members[0].cand.layer
    classes: dict[frozenset[int], list[Member]] = {}
    for m in members:
        classes.setdefault(frozenset(m.cand.lines), []).append(m)
    terms = [
        _class_term(lines, ms, extra, _inside(orders, lines) if layer == "coupon" else 0)
        for lines, ms in classes.items()
    ]
    if len(terms) == 1:
        return terms
    top = max(terms, key=lambda t: t.cap)
    rest = [t for t in terms if t is not top]
    others = max(t.cap for t in rest)
    every = frozenset().union(*(t.lines for t in terms))
    if not split or others >= top.cap:
        return [Term(top.cap, 0.0, every, layer)]
    return [top, Term(others, 0.0, frozenset().union(*(t.lines for t in rest)), layer)]


def _inside(orders: list[list[Member]], lines: frozenset[int]) -> int:
    """Most order-layer discount a coupon on ``lines`` can be charged for (members inside its lines)."""
    return sum(max((m.cap for m in g if frozenset(m.cand.lines) <= lines), default=0) for g in orders)


def _class_term(lines: frozenset[int], members: list[Member], extra: dict[int, int], before: int) -> Term:
    """One line above every member's discount function (members share the same scope lines).

    ``before`` is the most an earlier later-layer (the order layer, for coupons) can take first.
    """
    layer = members[0].cand.layer
    cap = max(m.cap for m in members)
    reach = sum(extra.get(j, 0) for j in lines) + before
    top = max(members, key=lambda m: m.cap)
    slope = _natural_slope(top)
    if reach == 0 or slope <= 0:
        return Term(cap, 0.0, lines, layer)
    height = max(_height(m, slope, reach) for m in members)
    if height - slope * reach >= cap:  # the flat bound is better everywhere
        return Term(cap, 0.0, lines, layer)
    steps = _steps(members, reach) if all(m.cand.prep.kind == "threshold_off" for m in members) else ()
    return Term(max(cap, math.ceil(height)) + 1, slope, lines, layer, cap, steps)


def _steps(members: list[Member], reach: int) -> tuple[tuple[int, int], ...]:
    """The class's step function as levels: taking at most ``high - x`` before it leaves a base >= x,
    where the best member gives at most its discount at x (x: the reach's low end and every step)."""
    high = members[0].base
    low = max(0, high - reach)
    points = {low} | {p for m in members for p in _breakpoints(m.cand.prep, low, high)}
    return tuple((high - x, max(_capped_total(m.cand.prep, x) for m in members)) for x in sorted(points))


def _natural_slope(member: Member) -> float:
    """Discount per cent of base the promotion gives at most (0 when capped or not proportional)."""
    prep = member.cand.prep
    if prep.kind == "percent_off":
        capped = prep.max_off is not None and percent_of(member.base, prep.bp) >= prep.max_off
        return 0.0 if capped else prep.bp / 10_000
    if prep.kind == "threshold_off" and all(t > 0 for t, _ in prep.tiers):
        return max(off / t for t, off in prep.tiers)
    return 0.0


def _height(member: Member, slope: float, reach: int) -> float:
    """Smallest value at the member's base of a line of ``slope`` above its discount on the interval."""
    prep = member.cand.prep
    high, low = member.base, max(0, member.base - reach)
    if prep.kind == "percent_off":
        if prep.max_off is not None:
            return prep.max_off + slope * (high - low) + 1
        return max(prep.bp * x / 10_000 + 0.5 + slope * (high - x) for x in (low, high))
    if prep.kind != "threshold_off":
        return member.cap + slope * (high - low)
    points = [low, *_breakpoints(prep, low, high)]
    return max(_capped_total(prep, x) + slope * (high - x) for x in points)


def _capped_total(prep: object, base: int) -> int:
    """A 满减's discount at an in-scope base, with max_off."""
    total = threshold_off_total(prep, max(0, base))  # type: ignore[arg-type]
    cap = prep.max_off  # type: ignore[attr-defined]
    return total if cap is None else min(total, cap)


def _breakpoints(prep: object, low: int, high: int) -> list[int]:
    """Thresholds where the discount steps up, inside (low, high] (each starts a constant step)."""
    if prep.repeat:  # type: ignore[attr-defined]
        step = prep.tiers[0][0]  # type: ignore[attr-defined]
        first = (low // step + 1) * step
        return list(range(first, high + 1, step))
    return [t for t, _ in prep.tiers if low < t <= high]  # type: ignore[attr-defined]


def _stepped(decided: int, extra: dict[int, int], gains: list[list[dict[int, int]]], terms: list[Term]) -> float:
    """Like ``_sloped``, but the biggest 满减 term is taken exactly as a step function.

    For each of its levels (at most ``budget`` taken before it, then at most ``value``), the item
    extras on its lines are a fractional knapsack of that budget; the best level is the bound. Item
    group gains and the other terms are counted as in ``_sloped`` (relaxed, so still an upper bound).
    """
    stepped = [t for t in terms if t.steps]
    if not stepped:
        return math.inf
    star = max(stepped, key=lambda t: t.cap)
    rest = [t for t in terms if t is not star]
    coupons = [t for t in rest if t.layer == "coupon" and t.slope]  # the star is not charged for order discount
    coeff = _coefficients(rest)
    total = float(decided) + sum(_weight(t, coupons) * t.cap for t in rest)
    total += sum(v * max(0.0, coeff.get(j, 1.0)) for j, v in extra.items() if j not in star.lines)
    for members in gains:
        total += max(sum(v * max(0.0, coeff.get(j, 1.0)) for j, v in m.items()) for m in members)
    inside = sorted(((coeff.get(j, 1.0), extra[j]) for j in star.lines if j in extra), reverse=True)
    weight = _weight(star, coupons)
    best = max(weight * value + _knapsack(inside, budget) for budget, value in star.steps)
    return math.ceil(total + best + 1e-6 * (1 + total + best))


def _knapsack(items: list[tuple[float, int]], budget: int) -> float:
    """Most value from (worth per cent, cents) items, best first, within ``budget`` cents (fractional)."""
    value = 0.0
    for worth, amount in items:
        if worth <= 0 or budget <= 0:
            break
        take = min(amount, budget)
        value += worth * take
        budget -= take
    return value


def _coefficients(terms: list[Term]) -> dict[int, float]:
    """Per line, what one more cent of item discount is worth after the terms' slopes (default 1)."""
    coupons = [t for t in terms if t.layer == "coupon" and t.slope]
    coeff: dict[int, float] = {}
    for t in terms:
        if t.slope:
            weight = _weight(t, coupons)
            for j in t.lines:
                coeff[j] = coeff.get(j, 1.0) - weight * t.slope
    return coeff


def _weight(t: Term, coupons: list[Term]) -> float:
    """An order-layer term inside a coupon's lines is worth (1 - coupon slopes) of itself.

    A term's lines are the union of its members' scopes, so "inside" holds for every member.
    """
    if t.layer != "order":
        return 1.0
    return max(0.0, 1.0 - sum(c.slope for c in coupons if t.lines <= c.lines))


def _sloped(decided: int, extra: dict[int, int], gains: list[list[dict[int, int]]], terms: list[Term]) -> int:
    """Decided item discount + weighted term caps + every item extra whose net coefficient is positive.

    A coupon term charges its slope on item discount and on order-layer discount inside its lines;
    so an order-layer term whose lines a coupon covers is worth only (1 - coupon slopes) of itself.
    """
    coupons = [t for t in terms if t.layer == "coupon" and t.slope]
    coeff = _coefficients(terms)
    total = float(decided) + sum(_weight(t, coupons) * t.cap for t in terms)
    total += sum(v * max(0.0, coeff.get(j, 1.0)) for j, v in extra.items())
    for members in gains:
        total += max(sum(v * max(0.0, coeff.get(j, 1.0)) for j, v in m.items()) for m in members)
    return math.ceil(total + 1e-6 * (1 + total))
