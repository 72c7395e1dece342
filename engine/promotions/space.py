"""The search space: decisions (units), their options, and the relaxation of a partial decision.

A *unit* is a stacking group (at most one of its members, or none) or an ungrouped promotion (in or
out). A node of either search phase is a partial decision: item-level promotions in ``status`` (IN /
OUT, missing = open), units in ``choice`` (the chosen member, or None), and later-layer options ruled
out one by one in ``out`` (the tie phase decides members, not whole units). ``Space.scene`` turns a
node into its ``relax.Scene``; ``Space.bound`` bounds the saving of every completion.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from engine.promotions.calculators import Prepared, free_units
from engine.promotions.itemlayer import IN, OUT, ItemLayer
from engine.promotions.money import BP
from engine.promotions.options import Margin, Option, majorant_line
from engine.promotions.relax import Scene
from engine.promotions.stacking import Board, Outcome, allowed, evaluate

LAYER_ORDER = {"order": 0, "coupon": 1, "shipping": 2, "item": 3}
WITNESS_TRIES = 3  # a witness refused by the margin guard is moved down by its excess this many times at most

Status = dict[int, int]
Choice = dict[int, "int | None"]


@dataclass(frozen=True)
class Unit:
    """A decision: at most one of ``options`` (a stacking group), or one ungrouped promotion in or out."""

    options: tuple[int, ...]
    later: bool

    # Its own ``__init__`` (the dataclass keeps it): compiled, a generated one stays interpreted Python.
    def __init__(self, options: tuple[int, ...], later: bool) -> None:
        object.__setattr__(self, "options", options)
        object.__setattr__(self, "later", later)


class Space:
    """Everything the two search phases share about one board."""

    def __init__(self, board: Board, alone: dict[int, Outcome], pool: list[int]) -> None:
        self.board, self.alone, self.pool = board, alone, pool
        cands = board.candidates
        self.margin = Margin(board.subtotal, board.cost_total, board.min_margin)
        self.items = ItemLayer({c: board.item_values[c] for c in pool if cands[c].layer == "item"},
                               {c: cands[c].rank for c in pool}, len(board.amounts))
        self.options = {c: _option(board, c, alone[c]) for c in pool if cands[c].layer != "item"}
        self.units = self._units(pool)
        self.unit_of = {c: u for u, unit in enumerate(self.units) for c in unit.options}
        shipping = {c for c in pool if cands[c].layer == "shipping"}
        # Free shipping is deferred to the leaves: it changes no amount, no margin and no gift, and every
        # option gives the same fee, so a leaf simply takes the best-ranked one its amounts reach.
        self.deferred = [u for u, unit in enumerate(self.units) if all(c in shipping for c in unit.options)]
        self.later_units = [u for u in range(len(self.units)) if self.units[u].later and u not in self.deferred]
        self.relaxed_units = self.later_units + self.deferred
        self.decisive = len(self.units) - len(self.deferred)
        self.shipping = tuple(c for u in self.deferred for c in self.units[u].options)
        self.first_step = {o.c: step for o in self.options.values() if (step := _first_step(o)) is not None}
        self.item_group_units = [u for u, unit in enumerate(self.units)
                                 if sum(1 for c in unit.options if cands[c].layer == "item") > 1]
        self.rank = {c: cands[c].rank for c in pool}
        self.item_groups = {c: g for c in self.items.values if (g := cands[c].promotion.stacking.group)}

    def _units(self, pool: list[int]) -> list[Unit]:
        """Later-layer units first (by layer, then biggest saving), then item-level units."""
        cands = self.board.candidates
        groups: dict[str, list[int]] = {}
        units: list[Unit] = []
        for c in pool:
            group = cands[c].promotion.stacking.group
            if group is None:
                units.append(Unit((c,), cands[c].layer != "item"))
            else:
                groups.setdefault(group, []).append(c)
        for members in groups.values():
            units.append(Unit(tuple(members), any(cands[c].layer != "item" for c in members)))

        def order(unit: Unit) -> tuple:
            layer = min(LAYER_ORDER[cands[c].layer] for c in unit.options)
            return (layer, -max(self.alone[c].saving for c in unit.options), min(cands[c].rank for c in unit.options))

        return sorted(units, key=order)

    def scene(self, status: Status, choice: Choice, out: Iterable[int] = ()) -> Scene:
        """The relaxation of a node."""
        out = set(out)
        decided: list[Option] = []
        undecided: list[list[Option]] = []
        for u in self.relaxed_units:
            if u in choice:
                c = choice[u]
                if c is not None and c in self.options:
                    decided.append(self.options[c])
            else:
                undecided.append([self.options[c] for c in self.units[u].options if c in self.options and c not in out])
        scene = Scene(self.items.profile(status), decided, undecided, self.margin, self.board.fee,
                      self._stock_safe(decided))
        scene.memo["ins"] = {c for c, s in status.items() if s == IN}
        scene.memo["outs"] = {c for c, s in status.items() if s == OUT}
        return scene

    def bound(self, scene: Scene, status: Status, choice: Choice, floor: int, precise: bool = False,
              exact_top: bool = False) -> tuple[int, int]:
        """(most any completion saves — exactly when >= floor, the item total where reached); ``precise``:
        with the reachable totals even far above the floor (``Scene.bound``).

        ``exact_top`` (``_exact_top``): where the relaxation is highest at x_hi, the completions there are
        priced instead; if they beat every total below, the node is settled (``scene.settled``)."""
        reach = lambda w: self.items.reachable(status, scene.prof, w, self.item_groups)  # noqa: E731
        top = self._top_reachable(scene, status, choice)
        found = scene.bound(floor, reach, top, precise)
        if exact_top and top and found[1] == scene.prof.x_hi and found[0] >= floor and not scene.capped and all(
                u in choice for u in self.later_units):
            return self._exact_top(scene, status, choice, floor, precise, reach, found)
        return found

    def _exact_top(self, scene: Scene, status: Status, choice: Choice, floor: int, precise: bool,
                   reach: Callable[[int], int], found: tuple[int, int]) -> tuple[int, int]:
        """The bound of a node whose relaxation is highest at x_hi, every open item can be in at once and every
        later unit is decided.

        A completion reaching x_hi leaves every line at its ``hi``, so all of them leave the same amounts to the
        later layers and save the same: what the one with every open item in saves (``all_in``), priced exactly
        (the relaxation's value there carries the rounding play of percentages and per-line coupons, cents that
        keep open a node the incumbent ties). That one also ranks best of them: an item giving in another but
        not in it lost its lines to better-ranked items of equal value, which that other lacks. Only the totals
        below x_hi are then bounded by the relaxation; if all of them save less, the node's best is that
        combination (``scene.settled``). Refused by the margin guard, or with a decided option that gives
        nothing there, the top counts for nothing (those completions are another node's); with two members of
        one group giving, the relaxation's value stands."""
        outcome = evaluate(self.board, self.all_in(status, choice))
        if not allowed(self.board, outcome.members):
            return found  # a legal completion may still reach x_hi (one of the two holding a line another ties)
        members = set(outcome.members)
        gives = all(c is None or c in members or c in self.items.values for c in choice.values())
        exact = outcome.saving if outcome.margin_ok and gives else -1
        if exact > found[0]:  # cannot be: the relaxation bounds it (kept as a guard)
            return found
        below = scene.bound(floor, reach, False, precise, below=True)
        if exact < below[0]:
            return below
        scene.capped = outcome.discount == self.margin.cap(outcome.gift_cost)
        scene.approximate = False
        if exact > below[0]:
            scene.settled = outcome
        return exact, scene.prof.x_hi

    def all_in(self, status: Status, choice: Choice) -> tuple[int, ...]:
        """The node's decided combination with every open item in (and every free-shipping option left open)."""
        values = self.items.values
        combo = list(self.leaf(choice))
        for u, unit in enumerate(self.units):
            if u not in choice:
                combo += [c for c in unit.options if c in values and c not in status]
        return tuple(combo)

    def units_bound(self, scene: Scene, choice: Choice, out: Iterable[int] = ()) -> int:
        """Most gift units any completion of the node can have."""
        out = set(out)
        units = 0
        for u in self.relaxed_units:
            picks = [choice[u]] if u in choice else [c for c in self.units[u].options if c not in out]
            units += max((self.options[c].units for c in picks if c is not None and c in self.options
                          and _gift_reachable(scene, self.options[c])), default=0)
        return units

    def beaten(self, c: int, scene: Scene) -> bool:
        """Item c cannot usefully be put in at this node: it would take no line (each is held by an item
        in with a bigger value, or an equal one ranked better) or it would take every line of an item
        already in (which would then give nothing) — either way the combination is one of the sibling
        that leaves an item out — or it alone would leave a decided step option (满减, gift, free
        shipping) below its first threshold (decided options must give something, see
        ``relax.Scene._one``). An item already in is beaten when it holds no line."""
        if not scene.beaten:
            self._all_beaten(scene)
        return scene.beaten[c]

    def idle(self, scene: Scene) -> bool:
        """Some item decided in holds no line: it gives nothing, so the node repeats its sibling's combinations."""
        ins = scene.memo["ins"]
        if not ins:
            return False
        held = set(scene.prof.holder)
        values = self.items.values
        return any(c not in held for c in ins if c in values)

    def _all_beaten(self, scene: Scene) -> None:
        """``beaten`` for every item at once (memoised in the scene)."""
        prof = scene.prof
        lo, holder = prof.lo, prof.holder
        rank = self.rank
        held: dict[int, int] = {}
        for m in holder:
            if m >= 0:
                held[m] = held.get(m, 0) + 1
        allowances = self._allowances(scene)
        ins = scene.memo["ins"]
        outs = scene.memo["outs"]
        for c, values in self.items.values.items():
            if c in ins or c in outs:
                scene.beaten[c] = c not in held
                continue
            taken: dict[int, int] = {}  # lines c would take from the items holding them
            whole = 0
            for j, v in values.items():
                m = holder[j]
                if v > lo[j] or (v == lo[j] and m >= 0 and rank[c] < rank[m]):
                    taken[m] = taken.get(m, 0) + 1
                    whole += v - lo[j]
            if not taken:
                scene.beaten[c] = True
                continue
            result = any(m >= 0 and n == held[m] for m, n in taken.items())
            if not result and whole:
                for lines, allowed in allowances:
                    raised = whole if lines is None else sum(v - lo[j] for j, v in values.items() if v > lo[j] and j in lines)
                    if raised > max(allowed, 0):
                        result = True
                        break
            scene.beaten[c] = result

    def _allowances(self, scene: Scene) -> list[tuple[frozenset[int] | None, int]]:
        """Per decided step option: its lines (None: the whole cart) and the most item discount above
        ``lo`` its scope can take while its amount after the order layer can still reach its first step."""
        found = scene.memo.get("allowances")
        if found is None:
            found = []
            for f in scene.decided:
                need = self.first_step.get(f.o.c)
                if need is None:
                    continue
                room = f.o.full - f.lo
                if scene.most_left(f.o, room) < need:
                    found.append((f.o.lineset, -1))
                    continue
                low, high = 0, room  # most_left(room - r) >= need holds at r = low; find the largest such r
                while low < high:
                    mid = (low + high + 1) // 2
                    if scene.most_left(f.o, room - mid) >= need:
                        low = mid
                    else:
                        high = mid - 1
                whole = len(f.o.lines) == len(scene.prof.lo)
                found.append((None if whole else f.o.lineset, low))
            scene.memo["allowances"] = found
        return found

    def leaf(self, choice: Choice) -> tuple[int, ...]:
        """The combination of a node with every non-deferred unit decided: its members plus every
        free-shipping option left open (``evaluate`` keeps the first one reached, in rank order)."""
        combo = [c for c in choice.values() if c is not None]
        for u in self.deferred:
            if u not in choice:
                combo += self.units[u].options
        return tuple(combo)

    def witnessed(self, scene: Scene, status: Status, choice: Choice, where: int, window: int = 0,
                  out: frozenset[int] = frozenset()) -> Outcome | None:
        """The combination of the node (less the options in ``out``) with the open items that make the item
        total ``where`` (``ItemLayer.witness``, over ``window`` if it reaches that far, else just so far),
        priced; None if no such items are known. Where the node's bound is exact, that is its best."""
        reduction = scene.prof.x_hi - where
        width = max(window, reduction)
        decided = [m for m in self.leaf(choice) if m not in out]
        found: Outcome | None = None
        for attempt in range(WITNESS_TRIES):
            items = self.items.witness(status, scene.prof, width, self.item_groups, reduction, attempt > 0)
            if items is None:
                return found
            found = evaluate(self.board, (*decided, *items))
            over = found.discount - self.margin.cap(found.gift_cost)
            if found.margin_ok or over <= 0 or reduction + over > width:
                return found
            # Refused by the margin guard by ``over`` cents: the relaxation's least later discount was that
            # much low for these items. The same later discount on that much less item discount meets the
            # cap: the items making the highest total at most that far below are priced next.
            reduction += over
        return found

    def decide(self, u: int, c: int | None, status: Status, choice: Choice) -> tuple[Status, Choice]:
        """Copies of the decisions with unit u set to option c (None: none of them)."""
        status, choice = dict(status), dict(choice)
        choice[u] = c
        for m in self.units[u].options:
            if m in self.items.values:
                status[m] = IN if m == c else OUT
        return status, choice

    def _top_reachable(self, scene: Scene, status: Status, choice: Choice) -> bool:
        """Whether the items can give ``hi`` on every line at once: no two open items of one group raise a
        line, and every item in keeps a line when every open one is in too (else that is not a combination
        of its own: an item in that gives nothing makes the one without it)."""
        ins = scene.memo.get("ins")
        if ins:
            holders = set()
            for entries in self.items.by_line:
                for _, c in entries:  # best value first, ties to the better rank
                    if status.get(c) != OUT:
                        holders.add(c)
                        break
            if any(c not in holders for c in ins if c in self.items.values):
                return False
        lo = scene.prof.lo
        for u in self.item_group_units:
            if u in choice:
                continue
            raising = 0
            for c in self.units[u].options:
                if c in self.items.values and status.get(c) != OUT and any(v > lo[j] for j, v in self.items.values[c].items()):
                    raising += 1
            if raising > 1:
                return False
        return True

    def _stock_safe(self, decided: list[Option]) -> set[int]:
        """Decided gifts that gift stock can always serve (with every other decided gift of the same SKU)."""
        stock = self.board.gift_stock
        gifts = [o for o in decided if o.kind == "gift"]
        if stock is None:
            return {o.c for o in gifts}
        need: dict[str, int] = {}
        for o in gifts:
            need[o.prep.gift_sku] = need.get(o.prep.gift_sku, 0) + o.prep.gift_qty
        return {o.c for o in gifts if stock.get(o.prep.gift_sku, 0) >= need[o.prep.gift_sku]}


def _gift_reachable(scene: Scene, o: Option) -> bool:
    """A gift option whose threshold some completion can reach."""
    if o.kind != "gift":
        return False
    lo = sum(scene.prof.lo[j] for j in o.lines)
    return o.full - lo >= o.prep.threshold


def _option(board: Board, c: int, alone: Outcome) -> Option:
    """The relaxation's view of a later-layer candidate."""
    cand = board.candidates[c]
    prep = cand.prep
    kind = prep.kind if prep.kind in ("threshold_off", "percent_off", "gift", "free_shipping") else "per_line"
    slope, offset = majorant_line(prep, kind)
    return Option(
        c=c, layer=cand.layer, kind=kind, prep=prep, lines=cand.lines, lineset=frozenset(cand.lines),
        full=sum(board.amounts[j] for j in cand.lines), slope=slope, offset=offset,
        fixed=rounding_play(prep, [board.qtys[j] for j in cand.lines]) if kind == "per_line" else 0,
        amounts=tuple(board.amounts[j] for j in cand.lines),
        qtys=tuple(board.qtys[j] for j in cand.lines), gift=prep.gift_value * prep.gift_qty if kind == "gift" else 0,
        units=prep.gift_qty if kind == "gift" else 0, priority=cand.priority, rank=cand.rank,
    )


def rounding_play(prep: Prepared, qtys: list[int]) -> int:
    """How much a per-line coupon's calculator can give more on some amounts than on bigger ones (cents).

    特价 (``max(0, amount - price × qty)`` a line) never does. 买X送Y takes the cheapest units: their exact worth
    W grows with the amounts, and each line with discounted units rounds its share half up. At 100 % off a line
    whose units are all discounted gives its whole amount, and only the last line reached is discounted in
    part, so the calculator gives W rounded half up: never more on smaller amounts. At another percentage each
    line with discounted units rounds (half a cent either way), so two sets of amounts can differ by a cent
    for each such line of both: at most the discounted units, and at most the lines. ``max_off`` only caps
    the sum."""
    if prep.kind != "buy_x_get_y" or prep.bp == BP:
        return 0
    free = free_units(prep, qtys)
    return min(len(qtys), max(0, free))


def _first_step(o: Option) -> int | None:
    """The least in-scope amount at which a step option gives anything (None: not a step option)."""
    if o.kind in ("gift", "free_shipping"):
        return o.prep.threshold or None
    if o.kind == "threshold_off":
        return min((t for t, off in o.prep.tiers if off > 0), default=None) or None
    return None
