"""An admissible bound on the saving of every completion of a search node, in one variable.

A node fixes some promotions in or out. Its completions give a total item discount X between
``x_lo`` and ``x_hi`` (``itemlayer.Profile``), and every later-layer promotion (order, coupon,
shipping) is a non-increasing function of the item discount inside its own scope: amounts only go
down through the layers and every calculator is monotone. The relaxation keeps X and drops the rest:

* inside its scope an option's item discount is at least ``X - hi_out`` (the rest of X can lie
  outside the scope by at most what the outside lines can still give), clipped to [lo, hi] of the
  scope — so its value is at most its value there;
* a coupon (or free shipping) also sees the order layer's discount inside its scope first. The order
  layer takes at least its biggest member's share on every line, so for a decided order promotion
  whose in-scope item discount is known exactly from X (nothing open outside its scope): if it lies
  inside the coupon's scope its whole discount t does; if the coupon's scope lies inside its scope,
  each line gives at least ``floor(t × amount / base)``, so the coupon's base is at most its amount
  × (1 - t / base) plus one cent per line;
* at most one option of an undecided unit (a stacking group, or one promotion in or out) applies;
* merchandise discount never exceeds the margin cap; shipping is waived at most once.

Every later value is a step function of X (threshold promotions) or follows it with a slope below one
per cent (percentages, rounded once). So the scan walks X downwards from ``x_hi`` piece by piece —
a piece ends where some option could step up — and evaluates each piece at its highest *reachable*
total (``itemlayer`` bitset), with the rounding slack of the percentages. It stops as soon as a linear
majorant of everything below (``slope × base + offset`` per option) cannot beat what it has.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any
from itertools import combinations

from engine.promotions import floors
from engine.promotions.calculators import calculate, free_units
from engine.promotions.itemlayer import Profile, highest_at_most, lowest_at_least
from engine.promotions.money import fraction_of
from engine.promotions.options import (
    BIG,
    Margin,
    Option,
    after_orders,
    catch_up,
    continuous_slope,
    merch_value,
    next_up,
    reached,
)

Reach = Callable[[int], "int | None"]
MAX_WINDOW = 400_000  # cents of item-discount range scanned with the bitset; below it, every total counts
NEAR = 1_000  # cents: a continuous bound further than this above the incumbent skips the bitset
EPS = 1e-6  # majorants are floats (slopes such as 0.35 are not exact in binary): floored only after adding this


class _Frame:
    """An option at this node: its in-scope item discount range and the order options inside it.

    Plain classes with their own ``__init__`` (here and below; not dataclasses): compiled, a dataclass's
    generated ``__init__`` stays interpreted Python, and these are made by the thousand per quote."""

    def __init__(self, o: Option, lo: int, hi: int, out: int, top: int,
                 sources: tuple[tuple[Option, int, int, int, bool], ...]) -> None:
        self.o = o
        self.lo = lo
        self.hi = hi
        self.out = out  # x_hi - hi: the most item discount outside its scope
        self.top = top  # its value with no item discount beyond lo and nothing taken before it (an upper bound)
        self.sources = sources  # (order option, outside, lo, hi, inside)


class Point:
    """The relaxation evaluated at one total X."""

    def __init__(self, merch: int, low: int, gift: int, sure: tuple[int, int], maybe: list[tuple[int, int]],
                 ship: bool, dead: bool, delta: int, slope: float, rounding: int, majorant: float) -> None:
        self.merch = merch  # X + the most later merchandise discount
        self.low = low  # the least later merchandise discount (decided options): the margin guard refuses X + low > cap
        self.gift = gift  # gifts of undecided units (their cost is not counted: an upper bound)
        self.sure = sure  # (value, cost) of decided gifts certainly given at X
        self.maybe = maybe  # (value, cost) of decided gifts that may be given at X
        self.ship = ship
        self.dead = dead  # a decided step option (满减, gift, free shipping) cannot give anything at X
        self.delta = delta  # how far X may fall before some option could step up
        self.slope = slope  # continuous growth of the merchandise part while X falls inside the piece
        self.rounding = rounding  # cents of rounding slack (percentages)
        self.majorant = majorant  # later merchandise discount of every X' <= X is at most this + (X - X') × slope sum


class _Acc:
    """Running totals while evaluating the options at one X."""

    def __init__(self, merch: int, majorant: float) -> None:
        self.merch = merch
        self.majorant = majorant
        self.gift = 0
        self.ship = False
        self.dead = False
        self.delta = BIG
        self.slope = 0.0
        self.rounding = 0


class Scene:
    """One search node's relaxation: profile, decided later options, undecided units, margin."""

    def __init__(
        self, prof: Profile, decided: list[Option], undecided: list[list[Option]], margin: Margin, fee: int,
        stock_safe: set[int] | None = None,
    ) -> None:
        self.prof, self.margin, self.fee = prof, margin, fee
        self._decided_options = decided
        self._order_shares: list[tuple[Option, int, int]] | None = None  # (order option, most taken, least base)
        self._least: dict[int, int] = {}  # ``_least_amount`` per line, memo
        self._takes: dict[int, tuple[int, int]] = {}  # ``_coupon_take`` per coupon, memo
        self.cap = margin.cap()
        self.capped = self.piece_capped = False  # the best piece found so far is held down by the margin cap
        self.approximate = False  # the last bound skipped the reachable totals (``bound``)
        self.window = 0  # the reachable totals' window of the last bound (0: it used none)
        self.settled: Any = None  # the node's best combination, when the bound found it (``Space._exact_top``)
        self.beaten: dict[int, bool] = {}  # items that cannot be in at this node (``Space.beaten``), memo
        self.memo: dict[str, Any] = {}  # other per-node results of the search (``Space``)
        self._points: dict[int, Point] = {}
        cache: dict[tuple[int, ...], tuple[int, int]] = {}
        orders = [self._frame(m, cache, ()) for m in decided if m.layer == "order" and m.kind == "threshold_off"]
        self.order_rates = [(f.o.lineset, (merch_value(f.o, f.o.full - f.hi), f.o.full - f.lo))
                            for f in orders if f.o.full - f.lo > 0]
        # an order 满减 whose item discount x tells exactly: nothing open outside its lines, or nothing
        # open on them (then it is a constant)
        exact = [(f.o, f.out, f.lo, f.hi) for f in orders if f.out == prof.x_lo - f.lo or f.lo == f.hi]
        self.low_orders = [(f.o, prof.x_lo - f.lo, f.lo, f.hi) for f in orders]
        self.decided = [self._frame(o, cache, exact) for o in decided]
        self.low_per_line = [
            (i, [(j, a, [(k, prof.x_lo - g.lo, g.lo, g.hi) for k, g in enumerate(self.decided)
                         if g.o.layer == "order" and g.o.kind == "threshold_off" and j in g.o.lineset])
                 for j, a in zip(f.o.lines, f.o.amounts)])
            for i, f in enumerate(self.decided) if f.o.layer == "coupon" and f.o.kind == "per_line"
        ]
        self.low_coupons = [
            (i, prof.x_lo - f.lo, [(k, self._order_share(f.o, g)) for k, g in enumerate(self.decided)
                                   if g.o.layer == "order" and g.o.kind == "threshold_off" and g.o.lineset & f.o.lineset])
            for i, f in enumerate(self.decided) if f.o.layer == "coupon" and f.o.kind in ("threshold_off", "percent_off")
        ]
        self._low_shared: list | None = None  # ``low_shared``, built on first use
        self._mono: list[tuple[Option, int, int, int, int]] | None = None  # ``_least_later``'s coupons, on first use
        # the least cap of any case of decided gifts given (``floors.low``)
        self.least_cap = margin.cap(sum(f.o.prep.gift_cost * f.o.prep.gift_qty for f in self.decided if f.o.kind == "gift"))
        self.gifts = [(i, prof.x_lo - f.lo, f.o.c in (stock_safe or set())) for i, f in enumerate(self.decided)
                      if f.o.kind == "gift"]
        self.terms: list[list[_Frame]] = []
        self.const_merch = self.const_gift = 0
        self.const_ship = False
        self.slope_sum = 0.0
        self.top_merch = sum(f.top for f in self.decided)
        self.gift_max = sum(f.o.gift for f in self.decided if f.o.kind == "gift" and reached(f.o, f.o.full - f.lo))
        ship_max = any(f.o.kind == "free_shipping" and reached(f.o, f.o.full - f.lo) for f in self.decided)
        self.slope_sum = sum(f.o.slope for f in self.decided if self._varies(f))
        self.tops: dict[int, int] = {}
        tops = self.tops
        for options in undecided:
            frames = [self._frame(o, cache, exact) for o in options]
            for f in frames:
                tops[f.o.c] = f.top
            top, gift, ship = self._most(frames)
            self.top_merch += top
            self.gift_max += gift
            ship_max = ship_max or ship
            self._add_term(frames)
        self.gs_max = self.gift_max + (fee if ship_max else 0)
        self.ceiling = self._ceiling()

    def _order_share(self, coupon: Option, order: _Frame) -> tuple[int, int, int, int, int] | None:
        """How to bound the part of a decided order 满减 that falls on a coupon's lines (``floors.coupon_floor``):
        None when all of the order's lines are the coupon's (all of it), else (the most the shared lines
        hold at the start of the order layer, how many they are, and the order's out, lo, hi)."""
        if order.o.lineset <= coupon.lineset:
            return None
        low = self.prof.lo
        shared = [(j, a) for j, a in zip(coupon.lines, coupon.amounts) if j in order.o.lineset]
        return (sum(a - low[j] for j, a in shared), len(shared), self.prof.x_lo - order.lo, order.lo, order.hi)

    @property
    def low_shared(self) -> list[tuple[tuple[int, ...], list[tuple[int, int, int, list[tuple[int, int, int, int]]]]]]:
        """``_shared_lines``, memoised (only scenes with two or more decided 满减 / percentage coupons need it)."""
        if self._low_shared is None:
            self._low_shared = self._shared_lines() if len(self.low_coupons) > 1 else []
        return self._low_shared

    def _shared_lines(self) -> list[tuple[tuple[int, ...], list[tuple[int, int, int, list[tuple[int, int, int, int]]]]]]:
        """Lines two or more decided 满减 / percentage coupons share (and no per-line coupon): there the
        later ones may be clamped (``floors.coupon_floor``). Grouped by the coupons sharing them:
        (the coupons' indices, [(the least the line holds at the start of the coupon layer at this
        node, line, list amount, the decided order 满减 on it as (index, out, lo, hi))], least first)."""
        prof = self.prof
        by_line: dict[int, list[int]] = {}
        amount: dict[int, int] = {}
        for i, _, _ in self.low_coupons:
            o = self.decided[i].o
            for j, a in zip(o.lines, o.amounts):
                by_line.setdefault(j, []).append(i)
                amount[j] = a
        per_line = {j for _, lines in self.low_per_line for j, _, _ in lines}
        every_order = [(k, g) for k, g in enumerate(self.decided) if g.o.layer == "order" and g.o.kind == "threshold_off"]
        groups: dict[tuple[int, ...], list[tuple[int, int, int, list[tuple[int, int, int, int]]]]] = {}
        for j, coupons in sorted(by_line.items()):
            if len(coupons) < 2 or j in per_line:
                continue
            orders = []
            least = amount[j] - prof.hi[j]
            for k, g in every_order:
                if j in g.o.lineset:
                    orders.append((k, prof.x_lo - g.lo, g.lo, g.hi))
                    base = g.o.full - g.hi
                    least -= (g.top * (amount[j] - prof.lo[j])) // base + 2 if base > 0 else amount[j]
            groups.setdefault(tuple(coupons), []).append((least, j, amount[j], orders))
        return [(coupons, sorted(lines, key=lambda e: e[0])) for coupons, lines in groups.items()]

    def _ceiling(self) -> int:
        """Most any piece can save whatever X: the margin cap lowered by the cost of the decided gifts
        given, plus their value, plus every other gift and the shipping at most."""
        given = [(f.o.gift, f.o.prep.gift_cost * f.o.prep.gift_qty) for f in self.decided
                 if f.o.kind == "gift" and reached(f.o, f.o.full - f.lo)]
        if len(given) > 3:
            return self.cap + self.gs_max
        rest = self.gs_max - sum(v for v, _ in given)
        return rest + max(self.margin.cap(sum(c for _, c in sub)) + sum(v for v, _ in sub)
                          for k in range(len(given) + 1) for sub in combinations(given, k))

    def _frame(self, o: Option, cache: dict[tuple[int, ...], tuple[int, int]],
               exact_orders: list[tuple[Option, int, int, int]] | tuple) -> _Frame:
        """The option's in-scope ranges at this node."""
        prof = self.prof
        sums = cache.get(o.lines)
        if sums is None:
            if len(o.lines) == len(prof.lo):  # the whole cart
                sums = (prof.x_lo, prof.x_hi)
            else:
                lo, hi = prof.lo, prof.hi
                sums = (sum(lo[j] for j in o.lines), sum(hi[j] for j in o.lines))
            cache[o.lines] = sums
        sources: tuple = ()
        if o.layer != "order" and exact_orders:
            sources = tuple((*s, s[0].lineset <= o.lineset) for s in exact_orders
                            if s[0].c != o.c and (s[0].lineset <= o.lineset or o.lineset <= s[0].lineset))
        if o.kind == "per_line":
            top = self._per_line_top(o)
        else:
            top = merch_value(o, o.full - sums[0])
        return _Frame(o, sums[0], sums[1], prof.x_hi - sums[1], top, sources)

    def _per_line_top(self, o: Option) -> int:
        """A per-line coupon (特价, 买X送Y) at most on its lines' highest possible amounts.

        A line keeps at most list - lo after the item layer; a decided order promotion then takes at
        least floor(t × amount / base) of it, where t / base >= (its discount at its smallest base) /
        (its largest base). The calculators are monotone in the amounts (plus ``fixed`` cents of
        rounding play).
        """
        lo = self.prof.lo
        kept = []
        for j, amount in zip(o.lines, o.amounts):
            left = amount - lo[j]
            rate = max((r for lines, r in self.order_rates if j in lines), default=None)
            if rate is not None and left > 0:
                left = left - (left * rate[0]) // rate[1] + 1
            kept.append(max(0, min(left, amount - lo[j])))
        total = sum(calculate(o.prep, kept, list(o.qtys))) + o.fixed
        clamped = self._clamped(o, kept)
        return total if clamped is None or clamped >= total else clamped

    def _clamped(self, o: Option, kept: list[int]) -> int | None:
        """A per-line coupon's bound with the clamp of the coupons before it (None: none is decided).

        Inside the coupon layer each line gives a later coupon at most what the earlier ones (in rank
        order) left on it. A decided 满减 / percentage coupon ranked earlier takes at least
        floor(t × a / B) of a line: t its least discount over the node (at its least base), a the
        line's least amount after the order layer, B its greatest base. So line j gives at most
        ``kept[j]`` minus those shares; a 特价 line never more than its own drop, and a 买X送Y only on
        lines whose units can be among the cheapest discounted ones (a unit whose least price is
        above the free-th cheapest greatest unit price never is), each at most its units' worth.
        """
        earlier = [c for c in self._decided_options if c.layer == "coupon" and c.rank < o.rank
                   and c.kind in ("threshold_off", "percent_off") and not c.lineset.isdisjoint(o.lineset)]
        if not earlier or o.layer != "coupon":
            return None
        taken = {j: 0 for j in o.lines}
        for c in earlier:
            t, greatest = self._coupon_take(c)
            if greatest <= 0 or t <= 0:
                continue
            for j, a in zip(c.lines, c.amounts):
                if j in taken:
                    taken[j] += t * self._least_amount(j, a) // greatest
        room = [max(0, k - taken[j]) for j, k in zip(o.lines, kept)]
        prep = o.prep
        if prep.kind == "fixed_price":
            values = [min(max(0, k - prep.price * q), r) for k, q, r in zip(kept, o.qtys, room)]
        elif prep.kind == "buy_x_get_y":
            free = free_units(prep, o.qtys)
            if free <= 0:
                return 0
            # units by their greatest price kept / qty, compared exactly in integers (× the qtys' lcm)
            scale = math.lcm(*o.qtys)
            order = sorted(range(len(kept)), key=lambda i: kept[i] * (scale // o.qtys[i]))
            units, edge, per = 0, 0, 1  # the free-th cheapest greatest unit price: edge / per
            for i in order:
                units += o.qtys[i]
                edge, per = kept[i], o.qtys[i]
                if units >= free:
                    break
            values = [min(fraction_of(k, min(q, free), q, prep.bp), r)
                      for j, a, k, q, r in zip(o.lines, o.amounts, kept, o.qtys, room)
                      if self._least_amount(j, a) * per <= edge * q]
        else:
            return None
        total = sum(values)
        return total if prep.max_off is None else min(total, prep.max_off)

    def _least_amount(self, j: int, amount: int) -> int:
        """The least amount line j (list ``amount``) can bring into the coupon layer at this node: its
        most item discount off, and the most each decided order promotion can take of it (its greatest
        discount over its least base, per cent of the line, plus one cent of proration)."""
        known = self._least.get(j, -1)
        if known >= 0:
            return known
        lo, hi = self.prof.lo, self.prof.hi
        if self._order_shares is None:
            self._order_shares = []
            for m in self._decided_options:
                if m.layer == "order" and m.kind in ("threshold_off", "percent_off"):
                    most = merch_value(m, m.full - sum(lo[i] for i in m.lines))
                    base = m.full - sum(hi[i] for i in m.lines)
                    self._order_shares.append((m, most, base))
        left = amount - lo[j]
        least = amount - hi[j]
        for m, most, base in self._order_shares:
            if j in m.lineset and most > 0:
                least -= left if base <= 0 else min(left, most * left // base + 1)
        least = self._least[j] = max(0, least)
        return least

    def _coupon_take(self, c: Option) -> tuple[int, int]:
        """(t, B) of a decided 满减 / percentage coupon for ``_clamped``: its least discount over the node (at
        its least base) and its greatest base (its item-layer base less the biggest least discount of a
        decided order promotion whose lines its scope holds: on its lines the order layer takes at least
        that much, a line it cannot take its share of being emptied by an earlier one). Memo per coupon."""
        found = self._takes.get(c.c)
        if found is None:
            lo, hi = self.prof.lo, self.prof.hi
            orders = [(m.lineset, merch_value(m, m.full - sum(hi[j] for j in m.lines))) for m in self._decided_options
                      if m.layer == "order" and m.kind in ("threshold_off", "percent_off")]
            greatest = c.full - sum(lo[j] for j in c.lines) - max(
                (least for lines, least in orders if lines <= c.lineset), default=0)
            least = sum(self._least_amount(j, a) for j, a in zip(c.lines, c.amounts))
            found = self._takes[c.c] = (merch_value(c, least), greatest)
        return found

    def most_left(self, o: Option, amount: int) -> int:
        """Most of ``amount`` (o's in-scope amount after the item layer) the order layer can leave to a
        coupon or free-shipping option o, by the order rates valid over the whole node."""
        if o.layer == "order":
            return amount
        best = amount
        for lines, (taken, largest) in self.order_rates:
            if o.lineset <= lines:
                best = min(best, amount - (amount * taken) // largest + len(o.lines))
            elif lines <= o.lineset:
                best = min(best, amount - taken)
        return best

    def _per_line_at(self, f: _Frame, x: int) -> tuple[int, float, int, int]:
        """A per-line coupon just below total x: (upper bound, growth per cent of x falling, piece length,
        cents of rounding play of the totals below x).

        At total x its lines carry at least ``xo`` of item discount (x less what the lines outside can
        take): ``extra = xo - sum(lo)`` beyond their least. However that is spread, each line takes at
        least what the others cannot hold (``extra - sum of the other lines' hi - lo``), so each line
        keeps at most list - (lo + that). That grows as x falls, so the bound holds for a piece of
        ``step`` totals below x when taken at its bottom (x - step + 1); the piece is an eighth of the
        lines' spare item discount, so that a scan walks down the coupon in a few pieces. At the top
        total every line is at hi; the coupon gets its most only where the item total leaves its lines.

        If a decided order promotion whose item discount is exact at x covers the coupon's lines, its
        rate t / base at x is exact: the order takes at least floor(t × amount / base) of a line (largest
        remainder), so at x each line keeps at most kept - floor(kept × t / base), which grows with kept.
        Inside a piece t is fixed and the base grows by one per cent x falls, so the lines grow by at most
        kept × t / base² per cent (``growth``), plus a cent a line where a floor drops (the fourth value,
        rounding play of the totals below x: ``Point.rounding``); the calculators grow no faster than the
        amounts.
        """
        o = f.o
        rate = None
        for m, out, lo, hi, inside in f.sources:
            if inside:
                continue
            xm = x - out
            xm = lo if xm < lo else (hi if xm > hi else xm)
            base = m.full - xm
            if base > 0:
                taken = merch_value(m, base)
                if rate is None or taken * rate[1] > rate[0] * base:
                    rate = (taken, base)
        xo = x - f.out
        extra = (f.hi if xo > f.hi else xo) - f.lo
        spare = f.hi - f.lo
        step = BIG
        if extra > 0:
            step = min(extra, max(1, spare // 8))
            extra -= step - 1  # at the bottom of the piece
        elif rate is None:
            return f.top, 0.0, step, 0
        low, high = self.prof.lo, self.prof.hi
        kept = []
        growth = 0.0
        for j, amount in zip(o.lines, o.amounts):
            must = extra - (spare - (high[j] - low[j]))  # what the other lines cannot hold
            left = amount - low[j] - (must if must > 0 else 0)
            if rate is not None:
                growth += left * rate[0] / (rate[1] * rate[1])
                left = max(0, min(left, left - (left * rate[0]) // rate[1]))
            kept.append(max(0, left))
        value = min(f.top, sum(calculate(o.prep, kept, list(o.qtys))) + o.fixed)
        return value, growth, step, (0 if rate is None else len(o.lines))

    def _add_term(self, frames: list[_Frame]) -> None:
        """Constant options (their value cannot change over the node) are folded into constants."""
        varying: list[_Frame] = []
        fixed: list[_Frame] = []
        slope = 0.0
        for f in frames:
            if self._varies(f):
                if not varying or f.o.slope > slope:
                    slope = f.o.slope
                varying.append(f)
            else:
                fixed.append(f)
        merch, gift, ship = self._most(fixed)
        self.slope_sum += slope
        if not varying:
            self.const_merch += merch
            self.const_gift += gift
            self.const_ship = self.const_ship or ship
            return
        self.terms.append(varying + [_Frame(f.o, f.lo, f.lo, BIG, f.top, ()) for f in fixed])

    @staticmethod
    def _most(frames: list[_Frame]) -> tuple[int, int, bool]:
        """Among these frames: the biggest top, the biggest gift reached, whether a free shipping is reached
        (plain loops: compiled, they beat ``max()`` over a generator several times)."""
        top = gift = 0
        ship = False
        for f in frames:
            if f.top > top:
                top = f.top
            kind = f.o.kind
            if kind == "gift":
                if f.o.gift > gift and reached(f.o, f.o.full - f.lo):
                    gift = f.o.gift
            elif kind == "free_shipping" and not ship and reached(f.o, f.o.full - f.lo):
                ship = True
        return top, gift, ship

    @staticmethod
    def _varies(f: _Frame) -> bool:
        """Whether the option's value may differ between completions of this node."""
        if f.o.kind == "per_line":
            return any(not inside for *_, inside in f.sources)
        if f.sources:
            return True
        if f.lo == f.hi:
            return False
        o = f.o
        low, high = o.full - f.hi, o.full - f.lo
        if o.kind in ("gift", "free_shipping"):
            return reached(o, high) != reached(o, low)
        return merch_value(o, low) != merch_value(o, high)

    def at(self, x: int) -> Point:
        """Every option at total item discount ``x`` (memoised: the scans and the callers revisit points)."""
        found = self._points.get(x)
        if found is None:
            found = self._points[x] = self._at(x)
        return found

    def _at(self, x: int) -> Point:
        """``at`` without the memo."""
        acc = _Acc(x + self.const_merch, float(self.const_merch))
        values = [self._one(f, x, acc) for f in self.decided]
        for frames in self.terms:
            t_merch = t_gift = t_round = 0
            t_slope, t_major = 0.0, 0.0
            for f in frames:
                v, g, s, r, m, _ = self._one_parts(f, x, acc)
                t_merch, t_gift, t_slope = max(t_merch, v), max(t_gift, g), max(t_slope, s)
                t_round, t_major = max(t_round, r), max(t_major, m)
            acc.merch += t_merch
            acc.gift += t_gift
            acc.slope += t_slope
            acc.rounding += t_round
            acc.majorant += t_major
        low = floors.low(self, x, values)
        sure, maybe = floors.decided_gifts(self, x, values)
        return Point(acc.merch, low, acc.gift + self.const_gift, sure, maybe,
                     acc.ship or self.const_ship, acc.dead, acc.delta, acc.slope, acc.rounding, acc.majorant)

    def _one(self, f: _Frame, x: int, acc: _Acc) -> int:
        """A decided option at x: added to the totals; returns its merchandise value.

        A decided option must give something: a completion where it gives nothing is the same
        combination as one of the sibling branch that leaves its unit empty. So a total where a step
        option (满减, gift, free shipping) cannot give anything is refused (``dead``).
        """
        ship = acc.ship
        acc.ship = False
        v, g, s, r, m, gives = self._one_parts(f, x, acc)
        if not gives and f.o.kind in ("threshold_off", "gift", "free_shipping"):
            acc.dead = True
        acc.ship = ship or acc.ship
        acc.merch += v
        acc.slope += s
        acc.rounding += r
        acc.majorant += m
        return v

    def _one_parts(self, f: _Frame, x: int, acc: _Acc) -> tuple[int, int, float, int, float, bool]:
        """(merchandise value, gift value, continuous slope, rounding cents, majorant, gives anything)
        of one option at x."""
        o = f.o
        xo = x - f.out
        xo = f.lo if xo < f.lo else (f.hi if xo > f.hi else xo)
        base = o.full - xo
        if f.sources:
            base = after_orders(f.sources, x, base, len(o.lines))
        kind = o.kind
        nxt = next_up(o, base)
        if nxt is not None and (f.sources or nxt - base <= xo - f.lo):
            step = nxt - base - 1 if f.sources and nxt - base > 1 else nxt - base
            if f.sources and xo == f.lo and x - f.out < f.lo:  # its own item discount is at its least
                step = max(step, catch_up(f.sources, x, o.full - xo, len(o.lines), nxt))
            if step < acc.delta:
                acc.delta = step
        if kind == "gift":
            hit = reached(o, base)
            return 0, (o.gift if hit else 0), 0.0, 0, 0.0, hit
        if kind == "free_shipping":
            hit = reached(o, base) and self.fee > 0
            acc.ship = acc.ship or hit
            return 0, 0, 0.0, 0, 0.0, hit
        if kind == "per_line":
            v, s, step, play = self._per_line_at(f, x)
            if step < acc.delta:
                acc.delta = step
            return v, 0, s, o.fixed + play, float(f.top), True
        v = merch_value(o, base)
        grow = base + 1 if f.sources else base  # the order share is floored: one cent of play
        line = float(f.top) if o.slope == math.inf else min(float(f.top), o.slope * grow + o.offset)
        return v, 0, continuous_slope(o, base), (1 if kind == "percent_off" else 0), line, v > 0

    def flat(self, unit: list[int], pick: int | None) -> int:
        """A quick bound of the child where the undecided unit with options ``unit`` takes ``pick``.

        Every total is at most x_hi and every option at most its top (its value with the least item
        discount and nothing taken before it), whatever the shape of the node.
        """
        tops = self.tops
        merch = self.top_merch - max((tops.get(c, 0) for c in unit), default=0) + (tops.get(pick, 0) if pick is not None else 0)
        flat = min(self.prof.x_hi + merch, self.cap) + self.gs_max
        if self.slope_sum > 1:
            return flat
        # Tighter when slopes add up to at most one: below x_hi, x + later <= x_hi + (majorants at x_hi)
        # (see ``majorant``), with the unit's term replaced by the pick's own majorant.
        lines = self._lines_at_top()
        later = self.at(self.prof.x_hi).majorant - max((lines.get(c, 0.0) for c in unit), default=0.0)
        later += lines.get(pick, 0.0) if pick is not None else 0.0
        return min(flat, math.floor(min(self.prof.x_hi + later, self.cap) + self.gs_max + EPS))

    def _lines_at_top(self) -> dict[int, float]:
        """Each undecided option's majorant line at x_hi (memo)."""
        memo = self.memo.get("lines")
        if memo is None:
            x = self.prof.x_hi
            acc = _Acc(0, 0.0)
            found: dict[int, float] = {}
            for frames in self.terms:
                for f in frames:
                    found[f.o.c] = self._one_parts(f, x, acc)[4]
            self.memo["lines"] = found
            return found
        return memo

    def majorant(self, x: int, p: Point | None = None) -> float:
        """No completion with item total <= x saves more than this."""
        p = p or self.at(x)
        later = p.majorant if self.slope_sum <= 1 else float(self.top_merch)
        return min(x + later, self.cap) + self.gs_max

    def piece(self, x: int, p: Point, left: int, high: Reach, low: Reach) -> tuple[int, int]:
        """Most any reachable total in [left, x] saves (-1: the margin guard refuses them all).

        One case per set of decided gifts that may be given (their cost lowers the cap). Where the
        margin guard refuses x (x + least later discount > cap), the highest total it may allow is
        tried instead. Returns (bound, the total it was evaluated at).
        """
        best, where = -1, x
        if p.dead:
            return best, where
        for value, cost in self._gift_cases(p):
            cap = self.margin.cap(cost)
            xs: int | None = x
            q = p
            while xs is not None and xs + q.low > cap:
                xs = high(cap - q.low) if cap - q.low >= left else None
                if xs is not None and xs < left:
                    xs = None
                q = self.at(xs) if xs is not None else q
            if xs is None:
                continue
            extra = 0
            if q.slope > 1:
                bottom = low(left)
                extra = math.ceil((q.slope - 1.0) * (xs - (xs if bottom is None else bottom)) + EPS)
            rounding = q.rounding
            if rounding and q.slope < 1.0:
                # The rounding play is for the totals below xs in the piece (at xs the value is exact);
                # each cent lower loses 1 - slope, so it cannot count once the next reachable total
                # lies far enough below.
                below = high(xs - 1) if xs > left else None
                if below is None or below < left or (1.0 - q.slope) * (xs - below) >= rounding + EPS:
                    rounding = 0
            merch = q.merch + rounding + extra
            found = min(merch, cap) + value + q.gift + (self.fee if q.ship else 0)
            if found > best:
                best, where = found, xs
                self.piece_capped = merch >= cap
        return best, where

    @staticmethod
    def _gift_cases(p: Point) -> list[tuple[int, int]]:
        """(gift value, gift cost) for every subset of the gifts that may be given (few: else all, costless)."""
        value, cost = p.sure
        if len(p.maybe) > 3:
            return [(value + sum(v for v, _ in p.maybe), cost)]
        return [(value + sum(v for v, _ in sub), cost + sum(c for _, c in sub))
                for k in range(len(p.maybe) + 1) for sub in combinations(p.maybe, k)]

    def bound(self, floor: int, bits_for: Callable[[int], int] | None, top_reachable: bool = False,
              precise: bool = False, below: bool = False) -> tuple[int, int]:
        """(bound, the total X where it is reached): the most any completion saves, exactly when >= floor.

        ``floor``: below it the caller prunes anyway, so the scan may stop with any value < floor.
        ``bits_for(window)``: the reachable-totals bitset; None scans every total as reachable.
        ``top_reachable``: x_hi itself is reachable, so a best found there needs no bitset.
        ``precise``: use the reachable totals however far above the floor the continuous bound lies
        (else only within ``NEAR`` of it; ``approximate`` tells afterwards whether they were skipped).
        ``below``: only the totals below x_hi (the caller knows the value at x_hi exactly).
        """
        prof = self.prof
        self.approximate = False
        self.window = 0
        start = prof.x_hi - 1 if below else prof.x_hi
        if start < prof.x_lo:
            return -1, prof.x_hi
        best, where, depth = self._scan(floor, _every(prof.x_lo), _every(prof.x_lo), bits_for is None, start)
        if best < floor or bits_for is None or prof.x_hi == prof.x_lo or (top_reachable and where == prof.x_hi):
            return best, where
        if best - floor > NEAR and not precise:  # the reachable totals only close small gaps: not worth it this far above
            self.approximate = True
            return best, where
        # Below the window every total counts as reachable (still a relaxation), so the window only
        # buys precision: where the continuous scan found its best is where the precision matters (the
        # depth of that piece and a quarter more: its evaluation looks at the reachable totals below it;
        # the scan often goes on far deeper before its majorant stops it, and the window's cost grows
        # with it) — unless no reachable total in it reaches the floor, and the scan finds its best below it, among the
        # totals that only count as reachable (the margin guard pushed the scan down past totals the
        # items cannot make): then the window widens to take that in, and the scan runs again.
        window = min(depth, MAX_WINDOW)
        widest = min(prof.x_hi - prof.x_lo, MAX_WINDOW)
        while True:
            bits = bits_for(window)
            self.window = window
            high = _reachable_high(bits, prof.x_hi, window)
            low = _reachable_low(bits, prof.x_hi, window)
            best, where, _ = self._scan(floor, high, low, True, start)
            if best < floor or where >= prof.x_hi - window or window >= widest:
                return best, where
            window = min(widest, 2 * (prof.x_hi - where))

    def _scan(self, floor: int, high: Reach, low: Reach, exact: bool = True, start: int = -1) -> tuple[int, int, int]:
        """Walk the pieces downwards from x_hi (or ``start``, if >= 0); each is evaluated at its highest
        reachable total.

        ``exact``: the totals are the reachable ones, so the walk may stop at the ceiling; a first, continuous
        walk goes on to measure the depth the reachable totals must cover.
        Returns (bound, total where reached, the window the reachable totals should cover: a quarter further
        below x_hi than the piece holding the best reaches, plus 20 yuan, at most as far as the walk went).
        """
        x_lo, x_hi = self.prof.x_lo, self.prof.x_hi
        best, where, depth, best_depth = -1, x_hi, 0, 0
        x: int | None = x_hi if start < 0 else start
        while x is not None and x >= x_lo:
            x = high(x)
            if x is None or x < x_lo:
                break
            p = self.at(x)
            left = x_lo if p.delta >= BIG else max(x_lo, x - p.delta + 1)
            depth = x_hi - left
            value, at = self.piece(x, p, left, high, low)
            if value > best:
                best, where, best_depth = value, at, depth
                self.capped = self.piece_capped
            cap = self.majorant(x, p)
            if cap <= best or cap < floor - EPS or p.delta >= BIG or (exact and best >= self.ceiling):
                break
            if value < 0 and not p.dead:  # refused by the margin guard: skip the totals surely refused below
                least = self._least_later(x)
                if x + least > self.cap and self.cap - least < x - p.delta:
                    x = self.cap - least
                    continue
            x -= p.delta
        return best, where, min(depth, best_depth + best_depth // 4 + 2000)

    def _least_later(self, x: int) -> int:
        """A lower bound of the later merchandise discount of every completion at total x that never grows
        with x (unlike ``floors.low``, whose coupon floors subtract the order values at x): the biggest
        decided order 满减 at x, plus the biggest decided 满减 / percentage coupon's own floor on its base
        less the most the orders before it can take of its lines anywhere in the node (their top value, at
        most their prorated share over their least base). So every total x' <= x has x' + this(x') >=
        x' + this(x): where x + this(x) exceeds the cap, every total above cap - this(x) is refused for sure
        (the scan jumps there instead of walking down the refused pieces one by one)."""
        if self._mono is None:
            coupons = []
            for i, out, touching in self.low_coupons:
                taken = 0
                for k, share in touching:
                    top = self.decided[k].top
                    if share is not None:
                        held, count, _, _, hi_k = share
                        least_base = self.decided[k].o.full - hi_k
                        if least_base > 0:
                            top = min(top, (top * held) // least_base + count)
                    taken += top
                f = self.decided[i]
                coupons.append((f.o, out, f.lo, f.hi, taken))
            self._mono = coupons
        best_order = 0
        for m, out, lo, hi in self.low_orders:
            xm = x - out
            xm = lo if xm < lo else (hi if xm > hi else xm)
            best_order = max(best_order, merch_value(m, m.full - xm))
        best_coupon = 0
        for o, out, lo, hi, taken in self._mono:
            xc = x - out
            xc = lo if xc < lo else (hi if xc > hi else xc)
            base = o.full - xc - taken
            if base > 0:
                best_coupon = max(best_coupon, merch_value(o, base))
        return best_order + best_coupon


def _every(x_lo: int) -> Reach:
    """Every total counts as reachable."""
    return lambda x: x if x >= x_lo else None


def _reachable_high(bits: int, x_hi: int, window: int) -> Reach:
    """Largest reachable total <= x; below the window every total counts as reachable."""
    edge = x_hi - window

    def high(x: int) -> int | None:
        if x < edge:
            return x
        found = highest_at_most(bits, x_hi, x)
        return found if found is not None else edge - 1

    return high


def _reachable_low(bits: int, x_hi: int, window: int) -> Reach:
    """Smallest reachable total >= x; below the window every total counts as reachable."""
    edge = x_hi - window

    def low(x: int) -> int | None:
        if x < edge:
            return x
        return lowest_at_least(bits, x_hi, x)

    return low
