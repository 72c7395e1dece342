"""The margin cap: meet a node's combinations that reach its bound in rank order.

When the margin guard binds, many combinations reach exactly the cap and save exactly the same; they
are ranked by the best-ranked promotion (priority, then id) that one has and the other has not
(``stacking.ranking_key``). A depth-first walk over the node's open promotions in rank order, trying
*in* before *out*, meets the node's best combination first — provided every promotion it puts in
really gives something (one that gives nothing makes the same combination as leaving it out, which
the walk meets later, in its place). Every step (in or out) is taken only if the node's
relaxation still reaches the target (at the cap the relaxation is usually exact).

A branch that cannot reach the target settles nothing: the walk goes on with the next branch. Where
the relaxation promises the target and nothing reaches it, the walk would wander; so it has an
allowance of nodes, and when that runs out the caller searches the node as usual (after the others).
"""

from __future__ import annotations

from engine.promotions.itemlayer import IN, OPEN, OUT
from engine.promotions.relax import Scene
from engine.promotions.space import Choice, Space, Status
from engine.promotions.stacking import evaluate

WALK_NODES = 100


class Exhausted(Exception):
    """The walk used its allowance."""


class Walk:
    """The first combination in rank order below a node that reaches ``target`` = (saving, gift units)."""

    def __init__(self, space: Space, branch: object, target: tuple[int, int], allowance: int = WALK_NODES) -> None:
        self.space, self.branch, self.target, self.left = space, branch, target, allowance
        self.rank = {c: space.board.candidates[c].rank for c in space.pool}
        # a combination known to reach the target, every member giving (``_certify``): below a node it
        # completes, a check must pass, so a step that keeps it a completion needs none
        self.known: frozenset[int] | None = None
        self._misses = self._wait = 0  # certificates that fell short in a row; checks to pass before the next try

    def run(self, status: Status, choice: Choice, scene: Scene | None = None, where: int = 0) -> bool:
        """Walk below the node; True if that settles it.

        The walk only follows completions that may reach the target (the node's bound): if it ends
        without the incumbent reaching the target, completions between the incumbent and the target
        were not looked at, and the node is not settled; nor is it when the allowance runs out.
        ``scene`` and ``where``: the node's relaxation and where its bound is reached, when its reachable
        totals were taken (the combination making that total may be a known one from the start).
        """
        space = self.space
        if scene is not None and scene.window:
            self._certify(scene, status, choice, frozenset(), where)
        order = sorted((c for u, unit in enumerate(space.units) if u not in choice for c in unit.options
                        if status.get(c) != OUT), key=self.rank.__getitem__)
        try:
            self._step(order, 0, status, choice, frozenset())
        except Exhausted:
            return False
        best = self.branch.result.winner  # type: ignore[attr-defined]
        return (best.saving, best.gift_units) >= self.target

    def _tick(self) -> None:
        """Count a node against the search budget and the allowance."""
        self.branch.tick()  # type: ignore[attr-defined]
        self.left -= 1
        if self.left < 0:
            raise Exhausted

    def _step(self, order: list[int], k: int, status: Status, choice: Choice, out: frozenset[int],
              vouched: bool = False) -> bool:
        """Decide order[k:]; True once the walk is settled: the first combination in rank order that reaches
        the target is found, or the incumbent ranks above everything left (later branches rank lower still).
        A branch that cannot reach the target settles nothing: the walk goes on with the next one.
        ``vouched``: a check below the walk's root found that this node may reach the target (at it, or at an
        ancestor with only unchecked "out" branches between), so an "out" branch after a refused "in" needs
        no check of its own."""
        space = self.space
        while k < len(order) and space.unit_of[order[k]] in choice:
            k += 1  # its unit is decided: another member is in, or none
        if not self._hopeful(order, k, choice, out):
            return True
        if k == len(order):
            return self._leaf(choice)
        c = order[k]
        u = space.unit_of[c]
        kid_status, kid_choice = space.decide(u, c, status, choice)
        can_in = self._reaches(kid_status, kid_choice, out, c)
        if can_in and self._step(order, k + 1, kid_status, kid_choice, out, True):
            return True
        status = dict(status)
        if c in space.items.values:
            status[c] = OUT
        out = out | {c}
        if all(m in out for m in space.units[u].options):
            choice = {**choice, u: None}
        if not can_in and vouched:
            # A check found that this node may reach the target (or an ancestor did, with only unchecked
            # "out" branches between: those leave the completions that may reach it), and with c in
            # nothing can: the completions that may are those without c, so that branch needs no check
            # of its own. A check only prunes: an unneeded branch costs nodes, never a combination.
            return self._step(order, k + 1, status, choice, out, True)
        return self._reaches(status, choice, out, None) and self._step(order, k + 1, status, choice, out, True)

    def _hopeful(self, order: list[int], k: int, choice: Choice, out: frozenset[int]) -> bool:
        """Whether the best combination still possible here (every remaining one in) ranks above the incumbent."""
        best = self.branch.result.winner.key  # type: ignore[attr-defined]
        if (-best[0], -best[1]) != self.target:  # the incumbent has moved past the target
            return (-best[0], -best[1]) < self.target
        members = [c for c in choice.values() if c is not None] + [c for c in order[k:] if c not in out]
        return best[2] > (*sorted(self.rank[c] for c in members), len(self.space.board.candidates))

    def _reaches(self, status: Status, choice: Choice, out: frozenset[int], c: int | None) -> bool:
        """Whether some completion (with c just put in, if any) may still reach the target."""
        space = self.space
        self._tick()
        if c is not None and self.known is not None and c in self.known and self._completes(status, choice, out):
            return True  # the known combination is a completion here: the bound reaches the target
        scene = space.scene(status, choice, out)
        if c is not None and c in space.items.values and space.idle(scene):
            return False  # an item in gives nothing: the same combination comes in its sibling
        bound, where = space.bound(scene, status, choice, self.target[0])
        if (bound, space.units_bound(scene, choice, out)) < self.target:
            return False
        if scene.window and not (self.known is not None and self._completes(status, choice, out)):
            if self._wait > 0:
                self._wait -= 1
            elif self._certify(scene, status, choice, out, where):
                self._misses = 0
            else:  # high in the walk the witness often falls short (the bound is cents high): try less often
                self._misses += 1
                self._wait = (1 << self._misses) - 1
        return True

    def _certify(self, scene: Scene, status: Status, choice: Choice, out: frozenset[int], where: int) -> bool:
        """Price the combination that makes the item total where the bound is reached (``Space.witnessed``);
        if it reaches the target with every member giving, it is the walk's known combination (True)."""
        space = self.space
        outcome = space.witnessed(scene, status, choice, where, scene.window, out)  # the clusters the check found
        if outcome is None:
            return False
        self.branch.result.consider(outcome)  # type: ignore[attr-defined]
        if not outcome.margin_ok or (outcome.saving, outcome.gift_units) != self.target:
            return False
        combo = frozenset(outcome.members)
        # every member gives: the decided ones and the witness's items, whatever shipping option waived the fee
        if any(v is not None and v not in combo and v not in space.shipping for v in choice.values()):
            return False
        self.known = combo
        return True

    def _completes(self, status: Status, choice: Choice, out: frozenset[int]) -> bool:
        """Whether the known combination is a completion of the node: it holds every promotion decided in and
        none decided out."""
        known = self.known
        if known is None or not known.isdisjoint(out):
            return False
        for m, s in status.items():
            if (s == IN) != (m in known) and s != OPEN:
                return False
        return all(v is None or v in known for v in choice.values())

    def _leaf(self, choice: Choice) -> bool:
        """Price the decided combination; the walk stops if it reaches the target with every member giving."""
        self._tick()
        combo = tuple(c for c in choice.values() if c is not None)
        outcome = evaluate(self.space.board, combo)
        self.branch.result.consider(outcome)  # type: ignore[attr-defined]
        reached = (outcome.saving, outcome.gift_units) == self.target and outcome.margin_ok
        return reached and set(outcome.members) == set(combo)
