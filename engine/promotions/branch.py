"""First search phase: branch and bound on (saving, gift units) over the units.

Later-layer units are decided first (in layer order), then item-level units; free-shipping units
are left open and settled at the leaves (``Space.leaf``). Every node is bounded by its relaxation
(``Space.bound``) and cut when the incumbent is better on (saving, gift units), or equal there and
better in rank order than any combination of the promotions the node may still hold (its decided
ones and its live open ones). On item-level units an option is dropped without branching when the
node's majorant at the item total it leaves cannot reach the incumbent, or when the item cannot be
in (``Space.beaten``); a unit left with one option is decided on the spot. Where the bound ties the
incumbent the search branches in rank order. At the margin cap a ``Walk`` meets the ties in rank
order; a node whose walk runs dry is searched after all others. Leaves are priced exactly by
``evaluate``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from engine.promotions.itemlayer import OUT
from engine.promotions.relax import EPS, NEAR, Scene
from engine.promotions.space import Choice, Space, Status
from engine.promotions.stacking import evaluate
from engine.promotions.walk import Walk


class OutOfBudget(Exception):
    """The search visited its maximum number of nodes."""


class Branch:
    """Depth-first branch and bound over the units of a ``Space``."""

    def __init__(self, space: Space, result: object, max_nodes: int, walks: bool = True) -> None:
        self.space, self.result, self.max_nodes, self.walks = space, result, max_nodes, walks
        self._keys: dict[int | None, tuple[int, int]] = {}  # optimistic keys of the options last listed
        self.put_off: list[tuple[Status, Choice]] = []  # nodes whose walk at the cap ran dry, searched last

    def run(self) -> None:
        """Search from the root (nothing decided), then the nodes put off (``_visit``)."""
        self._visit({}, {}, entry=not self.space.later_units)
        while self.put_off:
            status, choice = self.put_off.pop(0)
            self._visit(status, choice, walked=True)

    def tick(self) -> None:
        """Count a node; stop at the budget."""
        self.result.nodes += 1  # type: ignore[attr-defined]
        if self.result.nodes > self.max_nodes:  # type: ignore[attr-defined]
            raise OutOfBudget

    def _pruned(self, key: tuple[int, int], members: Callable[[], list[int]]) -> bool:
        """The incumbent is at least as good as anything with this optimistic (-saving, -gift units) whose
        members are among ``members()`` (a combination with more of the better-ranked ones can only rank
        higher, see ``stacking.ranking_key``)."""
        best = self.result.winner.key  # type: ignore[attr-defined]
        if best[:2] != key:
            return best[:2] < key
        cands = self.space.board.candidates
        return best[2] <= (*sorted(cands[c].rank for c in members()), len(cands))

    def _members(self, scene: Scene, status: Status, choice: Choice) -> list[int]:
        """Every promotion some completion of the node may hold: decided ones and live open ones."""
        space = self.space
        found = [c for c in choice.values() if c is not None]
        for u, unit in enumerate(space.units):
            if u not in choice:
                found += [c for c in unit.options
                          if status.get(c) != OUT and not (c in space.items.values and space.beaten(c, scene))]
        return found

    def _visit(self, status: Status, choice: Choice, entry: bool = False, walked: bool = False) -> None:
        """Bound, decide what needs no branching, then branch on the next unit (``walked``: an ancestor's
        walk at the margin cap ran dry, so this subtree is branched on as usual)."""
        space = self.space
        forced = False
        while True:
            self.tick()
            scene = space.scene(status, choice)
            if space.idle(scene):
                return  # an item in gives nothing: its sibling (the item out) holds the same combinations
            members = _Lazy(lambda: self._members(scene, status, choice))
            if not forced:  # after decisions forced in place the node's bound still holds: children bound themselves
                bound, where = space.bound(scene, status, choice, self.result.winner.saving, exact_top=True)  # type: ignore[attr-defined]
                if scene.settled is not None:  # its best combination is known
                    self.result.consider(scene.settled)  # type: ignore[attr-defined]
                    return
                units = space.units_bound(scene, choice)
            if self._pruned((-bound, -units), members):
                return
            if len(choice) == space.decisive:
                self.result.consider(evaluate(space.board, space.leaf(choice)))  # type: ignore[attr-defined]
                return
            if entry:
                self._greedy(status, choice, scene, scene.prof.x_hi - where)
                entry = False
            if scene.capped and self.walks and all(v in choice for v in space.later_units) and not walked:
                walk = True
                if scene.approximate:
                    # Taken without the reachable totals (far above the incumbent), the bound may be cents
                    # high: a target no completion makes, which a walk would chase in vain. With them it
                    # is usually exact; if it comes out lower, the node is not walked but put off below.
                    tight = self._precise(scene, status, choice, bound)
                    if scene.settled is not None:
                        self.result.consider(scene.settled)  # type: ignore[attr-defined]
                        return
                    walk = tight[0] == bound
                    bound, where = tight
                if walk and Walk(space, self, (bound, units)).run(status, choice, scene, where):
                    return  # ties at the margin cap, settled in rank order
                # Not settled. The combination making the item total where the bound is reached is the
                # node's best when the bound is exact: priced now, it lets the rest of the search prune.
                # The node itself is searched as usual, but after every other node, when the incumbent
                # is as good as it gets (often at the cap, so that only the ranking is left).
                self._certify(scene, status, choice, where)
                if self._pruned((-bound, -units), members):
                    return
                self.put_off.append((status, choice))
                return
            best_value = self.result.winner.key[:2]  # type: ignore[attr-defined]
            tie = best_value == (-bound, -units)  # only the rank can still decide: branch in rank order
            u, live = self._choose(scene, status, choice, units, members, tie)
            if u < 0:
                return
            if live is not None:
                break
            forced = True
        keys = self._keys
        for c in live:
            unit = space.units[u].options
            key = (-scene.flat(list(unit), c), -units) if u in space.later_units else keys[c]
            if self._pruned(key, _swap(members, unit, c)):
                continue  # the incumbent has improved since the options were listed
            kid_status, kid_choice = space.decide(u, c, status, choice)
            later_done = all(v in kid_choice for v in space.later_units)
            self._visit(kid_status, kid_choice, entry=later_done and u in space.later_units, walked=walked)

    def _choose(self, scene: Scene, status: Status, choice: Choice, units: int, members: _Lazy, tie: bool = False
                ) -> tuple[int, list[int | None] | None]:
        """The unit to branch on and its live options; or, after deciding forced units in place, (0, None).

        (-1, None): some unit has no live option, so the node is dead.
        """
        space = self.space
        for u in space.later_units:
            if u not in choice:
                later_unit = space.units[u].options
                # at the margin cap every option may reach the same saving, so the ranking decides: best-ranked first
                options = sorted(later_unit, key=self.space.rank.__getitem__ if scene.capped else self._preference)
                return u, [c for c in [*options, None]
                           if not self._pruned((-scene.flat(list(later_unit), c), -units), _swap(members, later_unit, c))]
        test = DeadTest(scene, self.result.winner.key, units)  # type: ignore[attr-defined]
        losses = space.items.losses(status, scene.prof)
        forced: list[tuple[int, int | None]] = []
        best: tuple[int, int, list[int | None], dict] = (-1, -1, [], {})
        for u, unit in enumerate(space.units):
            if u in choice or u in space.deferred:
                continue
            keys: dict[int | None, tuple[int, int]] = {}
            if len(unit.options) == 1:  # an ungrouped item: in, or out (losing what only it gives)
                c = unit.options[0]
                live: list[int | None] = [] if space.beaten(c, scene) else [c]
                top_loss = losses.get(c, 0)
                keys[c], keys[None] = test.key(0), test.key(top_loss)
                if not self._pruned(keys[None], _swap(members, unit.options, None)):
                    live.append(None)
            else:
                live, top_loss = self._live_group(u, scene, status, test, members, keys)
            if not live:
                return -1, None
            if len(live) == 1:
                forced.append((u, live[0]))
            elif tie:
                first = min(self.space.rank[c] for c in live if c is not None)
                if best[0] < 0 or first < best[1]:
                    best = (u, first, sorted(live, key=lambda c: self.space.rank[c] if c is not None else 1 << 30), keys)
            elif top_loss > best[1]:
                best = (u, top_loss, live, keys)
        if forced:
            for u, pick in forced:
                kid_status, kid_choice = space.decide(u, pick, status, choice)
                status.clear()
                status.update(kid_status)
                choice.clear()
                choice.update(kid_choice)
            return 0, None
        self._keys = best[3]
        return best[0], best[2]

    def _preference(self, c: int) -> tuple[int, int]:
        """Options tried first: biggest saving alone, then rank."""
        return (-self.space.alone[c].saving, self.space.board.candidates[c].rank)

    def _live_group(self, u: int, scene: Scene, status: Status, test: DeadTest, members: _Lazy,
                    keys: dict[int | None, tuple[int, int]]) -> tuple[list[int | None], int]:
        """Live options of an item-level group (a member, or none) and the most the top total can lose."""
        space = self.space
        unit = space.units[u]
        live: list[int | None] = []
        top_loss = 0
        for c in sorted(unit.options, key=self._preference) + [None]:
            if c is not None and (status.get(c) == OUT or space.beaten(c, scene)):
                continue
            loss = space.items.loss_without(status, scene.prof.hi, [m for m in unit.options if m != c])
            top_loss = max(top_loss, loss)
            keys[c] = test.key(loss)
            if not self._pruned(keys[c], _swap(members, unit.options, c)):
                live.append(c)
        return live, top_loss

    def _precise(self, scene: Scene, status: Status, choice: Choice, bound: int) -> tuple[int, int]:
        """The node's bound with the reachable totals. Asked first only down to ``NEAR`` below the
        continuous bound (the scan, and the reachable totals' window, stop there): the exact value
        usually lies within cents of it. Below that, down to the incumbent."""
        space = self.space
        incumbent = self.result.winner.saving  # type: ignore[attr-defined]
        floor = max(incumbent, bound - NEAR)
        found = space.bound(scene, status, choice, floor, precise=True, exact_top=True)
        if found[0] < floor and floor > incumbent:
            found = space.bound(scene, status, choice, incumbent, precise=True, exact_top=True)
        return found

    def _certify(self, scene: Scene, status: Status, choice: Choice, where: int) -> None:
        """Price the combination that makes the item total where the node's bound is reached (when the
        relaxation is exact there, it is the node's best)."""
        outcome = self.space.witnessed(scene, status, choice, where)
        if outcome is not None:
            self.result.consider(outcome)  # type: ignore[attr-defined]

    def _greedy(self, status: Status, choice: Choice, scene: Scene, cut: int) -> None:
        """Price good completions for an early incumbent: every open item in (in a group the member that
        adds most item discount, ``_group_picks``), and the same without a few items whose losses add up
        to the least total >= ``cut`` (the item discount the relaxation prefers to give up, e.g. to keep a
        满减 step or the margin)."""
        space = self.space
        combo = [c for c in choice.values() if c is not None] + list(space.shipping)
        loose: list[int] = []
        groups: list[list[int]] = []
        for u, unit in enumerate(space.units):
            if u not in choice and u not in space.deferred:
                live = [c for c in unit.options if status.get(c) != OUT and not space.beaten(c, scene)]
                if live and len(unit.options) == 1:
                    loose.append(live[0])
                elif live:
                    groups.append(live)
        combo += loose + self._group_picks(combo + loose, groups)
        self.result.consider(evaluate(space.board, tuple(combo)))  # type: ignore[attr-defined]
        if cut > 0:
            drop = least_cover(space.items.losses(status, scene.prof), loose, cut)
            if drop:
                self.result.consider(evaluate(space.board, tuple(c for c in combo if c not in drop)))  # type: ignore[attr-defined]

    def _group_picks(self, fixed: list[int], groups: list[list[int]]) -> list[int]:
        """A member (or none) per item-level group, chosen one group at a time for the largest total item
        discount with everything else in (two rounds; ties: the preferred member)."""
        items = self.space.items
        picks: list[int | None] = [min(live, key=self._preference) for live in groups]
        for _ in range(2):
            changed = False
            for g, live in enumerate(groups):
                others = set(fixed) | {c for k, c in enumerate(picks) if k != g and c is not None}
                # the total with one more item is the others' total plus what it adds on its own lines
                base = items.best_per_line(others)
                pick = picks[g]
                best = (items.gain(base, pick) if pick is not None else 0, pick)
                for c in [*sorted(live, key=self._preference), None]:
                    total = items.gain(base, c) if c is not None else 0
                    if total > best[0]:
                        best = (total, c)
                if best[1] != picks[g]:
                    picks[g], changed = best[1], True
            if not changed:
                break
        return [c for c in picks if c is not None]


class _Lazy:
    """A node's possible members, listed only when a bound ties the incumbent (``Branch._pruned``)."""

    def __init__(self, make: Callable[[], list[int]]) -> None:
        self.make, self.found = make, None  # type: tuple[Callable[[], list[int]], list[int] | None]

    def __call__(self) -> list[int]:
        if self.found is None:
            self.found = self.make()
        return self.found


def _swap(members: _Lazy, unit: tuple[int, ...], pick: int | None) -> Callable[[], list[int]]:
    """The possible members once a unit is set to ``pick`` (its other options gone)."""
    return lambda: [c for c in members() if c == pick or c not in unit]


def least_cover(losses: dict[int, int], items: list[int], cut: int) -> set[int]:
    """Items whose losses add up to the least total >= cut (subset sum over a bitset; empty if none)."""
    sizes = [(c, losses[c]) for c in items if 0 < losses.get(c, 0) <= 2 * cut]
    limit = 2 * cut
    mask = (1 << (limit + 1)) - 1
    layers = [1]
    for _, size in sizes:
        layers.append((layers[-1] | (layers[-1] << size)) & mask)
    reach = layers[-1] >> cut
    if not reach:
        return set()
    total = cut + (reach & -reach).bit_length() - 1
    chosen: set[int] = set()
    for k in range(len(sizes), 0, -1):  # walk back: take item k-1 when the total was not reachable without it
        c, size = sizes[k - 1]
        if not layers[k - 1] >> total & 1:
            chosen.add(c)
            total -= size
    return chosen


class DeadTest:
    """Whether an item-level option leaves the node's majorant below the incumbent (then it is not explored).

    Below x_hi the majorant falls at least (1 - slope sum) per cent of item total, so an option that
    lowers the top total by ``loss`` saves at most ``top - (1 - slopes) × loss`` (capped by the margin).
    """

    def __init__(self, scene: Scene, incumbent: tuple, units: int) -> None:
        x_hi = scene.prof.x_hi
        if scene.slope_sum > 1:  # only the flat majorant holds: x + every option at its top
            self.top, self.fall = float(x_hi + scene.top_merch), 1.0
        else:
            self.top, self.fall = x_hi + scene.at(x_hi).majorant, 1.0 - scene.slope_sum
        self.cap, self.gs, self.units = scene.cap, scene.gs_max, units

    def key(self, loss: int) -> tuple[int, int]:
        """Optimistic (-saving, -gift units) of a child whose top item total is ``loss`` lower."""
        return (-math.floor(min(self.top - self.fall * loss, self.cap) + self.gs + EPS), -self.units)
