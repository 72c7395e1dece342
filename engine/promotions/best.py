"""The best allowed combination: exact branch and bound, and the brute force it must equal.

Allowed combinations: an exclusive promotion stands alone; at most one promotion per stacking group;
the margin guard holds (the empty combination is always allowed). Among them the winner has the
smallest ``ranking_key``: largest saving, then more gift units, then the combination holding the
best-ranked promotion (priority, then id) the other lacks. Combinations are compared by the
promotions that actually gave something (a member that gave nothing is dropped; dropping it changes
nothing else).

Search (``space.py``, ``branch.py``): branch and bound over the units (stacking groups, or one
promotion in or out), bounded by the relaxation of ``relax.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from engine.promotions.branch import Branch, OutOfBudget
from engine.promotions.space import Space
from engine.promotions.stacking import Board, Outcome, allowed, evaluate


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


DEFAULT_MAX_NODES = 20_000


def best(board: Board, max_nodes: int = DEFAULT_MAX_NODES, walks: bool = True) -> Search:
    """The exact optimum by branch and bound (same winner as ``brute_force``).

    If the search would visit more than ``max_nodes`` nodes it stops with the best combination found
    so far and ``proven`` False (the quote reports ``optimal: false``); it never returns a combination
    that breaks the stacking rules or the margin guard. ``walks=False`` settles ties at the margin cap
    by branching alone, without ``walk.Walk`` (slower; the benchmark cross-checks the walks with it).
    """
    result = Search(winner=evaluate(board, ()))
    result.evaluated[()] = result.winner
    alone = result.alone = {c: evaluate(board, (c,)) for c in range(len(board.candidates))}
    useful = [c for c, o in alone.items() if o.members]
    for c in useful:  # every single promotion is an allowed combination
        result.consider(alone[c])
    pool = _without_twins(board, [c for c in useful if not board.candidates[c].promotion.stacking.exclusive])
    space = Space(board, alone, pool)
    branch = Branch(space, result, max_nodes, walks)
    try:
        branch.run()
    except OutOfBudget:
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
        keys: list[tuple]
        if cand.layer == "item":
            values = tuple(sorted(board.item_values[c].items()))
            keys = [("item", values, None), ("item", values, group)]
        elif group is not None:
            keys = [(cand.layer, cand.prep, cand.lines, group)]
        else:
            keys = []
        if any(k in kept for k in keys):
            continue
        if keys:
            kept.add(keys[-1])
        result.append(c)
    return sorted(result, key=pool.index)
