"""The best allowed combination: exact branch and bound, and the brute force it must equal.

Allowed combinations: an exclusive promotion stands alone; at most one promotion per stacking group;
the margin guard holds (the empty combination is always allowed). Among them the winner has the
smallest ``ranking_key``: largest saving, then more gift units, then higher total priority, then fewer
promotions, then the smallest sorted ids. Combinations are compared by the promotions that actually
gave something (a member that gave nothing is dropped; dropping it changes nothing else).

The search decides *units* one at a time: a stacking group (one of its members, or none) or an
ungrouped promotion (in or out). Later-layer units (order, coupon, shipping) come first, in layer
order, then item-level units. Every node is bounded by ``relax.Scene`` (an admissible bound in the
total item discount, with the reachable totals of the item layer) and cut when the incumbent is
strictly better on (saving, gift units, priority, fewer promotions). On item-level units an option
is dropped without branching when even the majorant of the node at the item total it leaves cannot
reach the incumbent, and an item strictly beaten on every line by items already in is dropped;
a unit left with one option is decided on the spot. Leaves are priced exactly by ``evaluate``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations

from engine.promotions.itemlayer import IN, OUT, ItemLayer
from engine.promotions.relax import Margin, Option, Scene, majorant_line
from engine.promotions.stacking import Board, Outcome, evaluate

DEFAULT_MAX_NODES = 20_000
LAYER_ORDER = {"order": 0, "coupon": 1, "shipping": 2, "item": 3}


@dataclass
class Search:
    """The winner, every distinct combination evaluated on the way, and how many nodes were visited."""

    winner: Outcome
    evaluated: dict[tuple[int, ...], Outcome] = field(default_factory=dict)
    alone: dict[int, Outcome] = field(default_factory=dict)
    nodes: int = 0
    proven: bool = True

    def consider(self, outcome: Outcome) -> None:
        """Record an outcome; keep it as the winner if allowed and better."""
        self.evaluated.setdefault(outcome.members, outcome)
        if outcome.margin_ok and outcome.key < self.winner.key:
            self.winner = outcome


def allowed(board: Board, combo: tuple[int, ...]) -> bool:
    """Stacking rules: an exclusive promotion alone; at most one per group."""
    cands = board.candidates
    if len(combo) > 1 and any(cands[c].promotion.stacking.exclusive for c in combo):
        return False
    groups = [cands[c].promotion.stacking.group for c in combo if cands[c].promotion.stacking.group]
    return len(groups) == len(set(groups))


def brute_force(board: Board) -> Search:
    """Evaluate every allowed combination of every eligible promotion (exponential: tests and bench)."""
    result = Search(winner=evaluate(board, ()))
    result.evaluated[()] = result.winner
    n = len(board.candidates)
    result.alone = {c: evaluate(board, (c,)) for c in range(n)}
    for size in range(1, n + 1):
        for combo in combinations(range(n), size):
            if allowed(board, combo):
                result.nodes += 1
                result.consider(evaluate(board, combo))
    return result


class _OutOfBudget(Exception):
    """The search visited its maximum number of nodes."""


def best(board: Board, max_nodes: int = DEFAULT_MAX_NODES) -> Search:
    """The exact optimum by branch and bound (same winner as ``brute_force``).

    If the search would visit more than ``max_nodes`` nodes it stops with the best combination found
    so far and ``proven`` False (the quote reports ``optimal: false``); it never returns a combination
    that breaks the stacking rules or the margin guard.
    """
    result = Search(winner=evaluate(board, ()))
    result.evaluated[()] = result.winner
    alone = result.alone = {c: evaluate(board, (c,)) for c in range(len(board.candidates))}
    useful = [c for c, o in alone.items() if o.members]
    for c in useful:  # every single promotion is an allowed combination
        result.consider(alone[c])
    pool = _without_twins(board, [c for c in useful if not board.candidates[c].promotion.stacking.exclusive])
    try:
        _Tree(board, alone, pool, result, max_nodes).run()
    except _OutOfBudget:
        result.proven = False
    return result


def _without_twins(board: Board, pool: list[int]) -> list[int]:
    """Drop a promotion identical to a better-ranked one it can always be swapped for.

    Item level: same values on the same lines, and ungrouped or in the same group as the twin.
    Later layers: same layer, type, parameters and lines, in the same group (at most one of the two
    applies, and the better-ranked one gives the same numbers with a better ranking key).
    """
    kept: set[tuple] = set()
    result = []
    for c in sorted(pool, key=lambda c: board.candidates[c].rank):
        cand = board.candidates[c]
        group = cand.promotion.stacking.group
        if cand.layer == "item":
            values = tuple(sorted(board.item_values[c].items()))
            keys = [("item", values, None), ("item", values, group)]
        elif group is not None:
            keys = [(cand.layer, cand.prep, cand.lines, group)]
        else:
            keys = []
        if any(k in kept for k in keys):
            continue
        kept.add(keys[-1]) if keys else None
        result.append(c)
    return sorted(result, key=pool.index)


@dataclass(frozen=True)
class _Unit:
    """A decision: at most one of ``options`` (a stacking group), or one ungrouped promotion in or out."""

    options: tuple[int, ...]
    later: bool


def _option(board: Board, c: int, alone: Outcome) -> Option:
    """The relaxation's view of a later-layer candidate."""
    cand = board.candidates[c]
    prep = cand.prep
    kind = prep.kind if prep.kind in ("threshold_off", "percent_off", "gift", "free_shipping") else "per_line"
    slope, offset = majorant_line(prep, kind)
    return Option(
        c=c, layer=cand.layer, kind=kind, prep=prep, lines=cand.lines, lineset=frozenset(cand.lines),
        full=sum(board.amounts[j] for j in cand.lines), slope=slope, offset=offset,
        fixed=len(cand.lines) if kind == "per_line" else 0, amounts=tuple(board.amounts[j] for j in cand.lines),
        qtys=tuple(board.qtys[j] for j in cand.lines), gift=prep.gift_value * prep.gift_qty if kind == "gift" else 0,
        units=prep.gift_qty if kind == "gift" else 0, priority=cand.priority,
    )


class _Tree:
    """Depth-first search over the units with the relaxation bound at every node."""

    def __init__(self, board: Board, alone: dict[int, Outcome], pool: list[int], result: Search, max_nodes: int) -> None:
        self.board, self.alone, self.result, self.max_nodes = board, alone, result, max_nodes
        cands = board.candidates
        self.margin = Margin(board.subtotal, board.cost_total, board.min_margin)
        self.items = ItemLayer({c: board.item_values[c] for c in pool if cands[c].layer == "item"},
                               {c: cands[c].rank for c in pool}, len(board.amounts))
        self.options = {c: _option(board, c, alone[c]) for c in pool if cands[c].layer != "item"}
        self.units = self._units(pool)
        self.later_units = [u for u in range(len(self.units)) if self.units[u].later]
        self.prio = {c: max(0, cands[c].priority) for c in pool}
        self.item_groups = {c: g for c in self.items.values if (g := cands[c].promotion.stacking.group)}

    def _units(self, pool: list[int]) -> list[_Unit]:
        """Later-layer units first (by layer, then biggest saving), then item-level units."""
        cands = self.board.candidates
        groups: dict[str, list[int]] = {}
        units: list[_Unit] = []
        for c in pool:
            group = cands[c].promotion.stacking.group
            if group is None:
                units.append(_Unit((c,), cands[c].layer != "item"))
            else:
                groups.setdefault(group, []).append(c)
        for members in groups.values():
            units.append(_Unit(tuple(members), any(cands[c].layer != "item" for c in members)))

        def order(unit: _Unit) -> tuple:
            layer = min(LAYER_ORDER[cands[c].layer] for c in unit.options)
            return (layer, -max(self.alone[c].saving for c in unit.options), min(cands[c].rank for c in unit.options))

        return sorted(units, key=order)

    def run(self) -> None:
        """Search from the root (nothing decided)."""
        self._visit({}, {}, entry=not self.later_units)

    def _tick(self) -> None:
        """Count a node; stop at the budget."""
        self.result.nodes += 1
        if self.result.nodes > self.max_nodes:
            raise _OutOfBudget

    def _scene(self, status: dict[int, int], choice: dict[int, int | None]) -> Scene:
        """The relaxation of a node."""
        decided: list[Option] = []
        undecided: list[list[Option]] = []
        for u in self.later_units:
            if u in choice:
                c = choice[u]
                if c is not None and c in self.options:
                    decided.append(self.options[c])
            else:
                undecided.append([self.options[c] for c in self.units[u].options if c in self.options])
        return Scene(self.items.profile(status), decided, undecided, self.margin, self.board.fee,
                     self._stock_safe(decided))

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

    def _fields(self, scene: Scene, choice: dict[int, int | None], status: dict[int, int]) -> tuple[int, int]:
        """Most gift units and most total priority any completion of the node can have."""
        units = 0
        for u in self.later_units:
            picks = [choice[u]] if u in choice else list(self.units[u].options)
            units += max((self.options[c].units for c in picks if c is not None and c in self.options
                          and self._gift_reachable(scene, self.options[c])), default=0)
        prio = 0
        for u, unit in enumerate(self.units):
            if u in choice:
                c = choice[u]
                prio += self.prio[c] if c is not None else 0
            else:
                prio += max((self.prio[c] for c in unit.options if status.get(c) != OUT), default=0)
        return units, prio

    @staticmethod
    def _gift_reachable(scene: Scene, o: Option) -> bool:
        """A gift option whose threshold some completion can reach."""
        if o.kind != "gift":
            return False
        lo = sum(scene.prof.lo[j] for j in o.lines)
        return o.full - lo >= o.prep.threshold

    def _pruned(self, key: tuple) -> bool:
        """The incumbent is strictly better than anything this node can give."""
        return self.result.winner.key[:4] < key

    def _visit(self, status: dict[int, int], choice: dict[int, int | None], entry: bool = False) -> None:
        """Bound, decide what needs no branching, then branch on the next unit."""
        while True:
            self._tick()
            scene = self._scene(status, choice)
            floor = self.result.winner.saving
            bound, _ = scene.bound(floor, lambda w: self.items.reachable(status, scene.prof, w, self.item_groups))
            units, prio = self._fields(scene, choice, status)
            if self._pruned((-bound, -units, -prio, 1 if bound > 0 or units else 0)):
                return
            if len(choice) == len(self.units):
                self._leaf(status, choice)
                return
            if entry:
                self._greedy(status, choice)
                entry = False
            u, live = self._choose(scene, status, choice, units, prio)
            if u < 0:
                return
            if live is not None:
                break
        for c in live:
            kid_status, kid_choice = self._decide(u, c, status, choice)
            later_done = all(v in kid_choice for v in self.later_units)
            self._visit(kid_status, kid_choice, entry=later_done and u in self.later_units)

    def _choose(self, scene: Scene, status: dict[int, int], choice: dict[int, int | None], units: int, prio: int
                ) -> tuple[int, list[int | None] | None]:
        """The unit to branch on and its live options; or, after deciding forced units in place, (u, None).

        (-1, None): some unit has no live option, so the node is dead.
        """
        for u in self.later_units:
            if u not in choice:
                options = sorted(self.units[u].options, key=lambda c: (-self.alone[c].saving, self.board.candidates[c].rank))
                return u, [*options, None]
        test = _DeadTest(scene, self.result.winner.key, units, prio)
        forced: list[tuple[int, int | None]] = []
        best: tuple[int, int, list[int | None]] = (-1, -1, [])
        for u, unit in enumerate(self.units):
            if u in choice:
                continue
            unit_prio = max((self.prio[m] for m in unit.options if status.get(m) != OUT), default=0)
            live: list[int | None] = []
            top_loss = 0
            for c in sorted(unit.options, key=lambda c: (-self.alone[c].saving, self.board.candidates[c].rank)) + [None]:
                if c is not None and (status.get(c) == OUT or self._beaten(c, scene)):
                    continue
                loss = self.items.loss_without(status, scene.prof.hi, [m for m in unit.options if m != c])
                top_loss = max(top_loss, loss)
                if test.dead(loss, unit_prio, self.prio[c] if c is not None else 0):
                    continue
                live.append(c)
            if not live:
                return -1, None
            if len(live) == 1:
                forced.append((u, live[0]))
            elif top_loss > best[1]:
                best = (u, top_loss, live)
        if forced:
            for u, c in forced:
                kid_status, kid_choice = self._decide(u, c, status, choice)
                status.clear(), status.update(kid_status)
                choice.clear(), choice.update(kid_choice)
            return 0, None
        return best[0], best[2]

    def _decide(self, u: int, c: int | None, status: dict[int, int], choice: dict[int, int | None]
                ) -> tuple[dict[int, int], dict[int, int | None]]:
        """Copies of the decisions with unit u set to option c (None: none of them)."""
        status, choice = dict(status), dict(choice)
        choice[u] = c
        for m in self.units[u].options:
            if m in self.items.values:
                status[m] = IN if m == c else OUT
        return status, choice

    def _leaf(self, status: dict[int, int], choice: dict[int, int | None]) -> None:
        """Price the decided combination exactly."""
        combo = tuple(c for c in choice.values() if c is not None)
        self.result.consider(evaluate(self.board, combo))

    def _greedy(self, status: dict[int, int], choice: dict[int, int | None]) -> None:
        """Price one good completion (every open item in; in a group its best member) for an early incumbent."""
        combo = [c for c in choice.values() if c is not None]
        for u, unit in enumerate(self.units):
            if u not in choice:
                live = [c for c in unit.options if status.get(c) != OUT]
                if live:
                    combo.append(max(live, key=lambda c: (self.alone[c].saving, -self.board.candidates[c].rank)))
        self.result.consider(evaluate(self.board, tuple(combo)))

    def _beaten(self, c: int, scene: Scene) -> bool:
        """An item strictly beaten on every line by items already in: it can never give anything."""
        lo = scene.prof.lo
        return all(v < lo[j] for j, v in self.items.values[c].items())


class _DeadTest:
    """Whether an item-level option leaves the node's majorant below the incumbent (then it is not explored).

    Below x_hi the majorant falls at least (1 - slope sum) per cent of item total, so an option that
    lowers the top total by ``loss`` saves at most ``top - (1 - slopes) × loss`` (capped by the margin).
    """

    def __init__(self, scene: Scene, incumbent: tuple, units: int, prio: int) -> None:
        x_hi = scene.prof.x_hi
        if scene.slope_sum > 1:  # only the flat majorant holds: x + every option at its top
            self.top, self.fall = float(x_hi + scene.top_merch), 1.0
        else:
            self.top, self.fall = x_hi + scene.at(x_hi).majorant, 1.0 - scene.slope_sum
        self.cap, self.gs = scene.cap, scene.gs_max
        self.incumbent, self.units, self.prio = incumbent[:4], units, prio

    def dead(self, loss: int, unit_prio: int, option_prio: int) -> bool:
        """True if the incumbent beats every completion with this option (strictly, on the first four keys)."""
        bound = math.floor(min(self.top - self.fall * loss, self.cap) + self.gs)
        prio = self.prio - unit_prio + option_prio
        return self.incumbent < (-bound, -self.units, -prio, 1 if bound > 0 or self.units else 0)
