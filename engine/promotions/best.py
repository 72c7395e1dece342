"""The best allowed combination: exact branch and bound, and the brute force it must equal.

Allowed combinations: an exclusive promotion stands alone; at most one promotion per stacking group;
the margin guard holds (the empty combination is always allowed). Among them the winner has the
smallest ``ranking_key``: largest saving, then more gift units, then higher total priority, then fewer
promotions, then the smallest sorted ids. Combinations are compared by the promotions that actually
gave something (a member that gave nothing is dropped; dropping it changes nothing else).

Bounds (admissible, docs/promotions.md "Optimisation", merchandise part in ``bounds.py``): every
calculator is monotone in the amounts it sees and amounts only go down through the layers, so a
promotion gives at most what it gives on the amounts the chosen item layer leaves; the item layer
gives at most, per line, the best reachable value; merchandise discount never exceeds what the margin
guard leaves (subtotal - cost × (1 + min_margin)); shipping is waived at most once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from itertools import combinations

from engine.promotions.bounds import Member, merchandise_bound
from engine.promotions.calculators import reached
from engine.promotions.stacking import Board, Outcome, discount_total, evaluate


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


DEFAULT_MAX_NODES = 20_000


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
    pool = sorted(
        (c for c in useful if not board.candidates[c].promotion.stacking.exclusive),
        key=lambda c: (alone[c].key, board.candidates[c].rank),
    )
    pool = _without_twins(board, pool)
    try:
        _Branch(board, alone, pool, result, max_nodes).run()
    except _OutOfBudget:
        result.proven = False
    return result


def _without_twins(board: Board, pool: list[int]) -> list[int]:
    """Drop item-level promotions identical on every line to a better-ranked one it can replace.

    Same lines, same values: the better-ranked twin gives the same numbers with a better ranking key
    (higher priority, or a smaller id), and swapping it in never breaks a group (it is ungrouped or
    in the same group), so the worse twin is never part of the winner.
    """
    kept: dict[tuple, int] = {}
    result = []
    for c in sorted(pool, key=lambda c: board.candidates[c].rank):
        cand = board.candidates[c]
        if cand.layer != "item":
            result.append(c)
            continue
        values = tuple(sorted(board.item_values[c].items()))
        twin = kept.get((values, None)) or kept.get((values, cand.promotion.stacking.group))
        if twin is None:
            kept.setdefault((values, cand.promotion.stacking.group), c)
            result.append(c)
    order = {c: k for k, c in enumerate(pool)}
    return sorted(result, key=order.__getitem__)


class _Amounts(list):  # type: ignore[type-arg]
    """Line amounts after a chosen item layer, with a cache of later-layer gains on them."""

    __slots__ = ("gains",)

    def __init__(self, values: list[int]) -> None:
        super().__init__(values)
        self.gains: dict[int, tuple[int, int, int]] = {}


class _Branch:
    """Depth-first include/exclude search with an optimistic bound at every node.

    Along a branch the chosen item-level promotions are fixed, so every completion has at least their
    item discount: later layers are bounded on the amounts left after them (``post``).
    """

    def __init__(
        self, board: Board, alone: dict[int, Outcome], pool: list[int], result: Search, max_nodes: int
    ) -> None:
        self.board, self.alone, self.pool, self.result = board, alone, pool, result
        self.cap, self.max_nodes = _margin_cap(board), max_nodes
        self._suffixes()

    def run(self) -> None:
        """Search from the empty combination."""
        self._visit(0, [], set(), _Amounts(self.board.amounts))

    def _visit(self, i: int, chosen: list[int], groups: set[str], post: list[int], fresh: bool = False) -> None:
        """Explore pool[i:] given the chosen members (recursive, depth <= pool size).

        ``fresh``: the last member was just added, so the chosen set itself is priced here — after the
        bound check, since a combination never saves more than its node's bound.
        """
        self.result.nodes += 1
        if self.result.nodes > self.max_nodes:
            raise _OutOfBudget
        if self._prune(i, chosen, groups, post):
            return
        if fresh:
            self.result.consider(evaluate(self.board, chosen))
        if i == len(self.pool):
            return
        c = self.pool[i]
        cand = self.board.candidates[c]
        group = cand.promotion.stacking.group
        if (group is None or group not in groups) and self._can_give(c, post):
            chosen.append(c)
            self._visit(i + 1, chosen, groups | {group} if group else groups, self._after_item(c, post), True)
            chosen.pop()
        self._visit(i + 1, chosen, groups, post)

    def _can_give(self, c: int, post: list[int]) -> bool:
        """False if c gives nothing in every completion of this node (then including it is a repeat).

        Item level: it is strictly beaten on each of its lines by the chosen item-level promotions.
        Later layers: it gives nothing even on the amounts the chosen item layer leaves (amounts only
        go down from there, and every calculator is monotone).
        """
        board = self.board
        if board.candidates[c].layer == "item":
            amounts = board.amounts
            return any(v >= amounts[j] - post[j] for j, v in board.item_values[c].items())
        return any(self._later_gain(c, post))

    def _after_item(self, c: int, post: list[int]) -> list[int]:
        """Amounts left after the chosen item layer once candidate c joins it."""
        values = self.board.item_values.get(c)
        if not values:
            return post
        amounts = self.board.amounts
        new = _Amounts(post)
        for line, value in values.items():
            new[line] = min(new[line], amounts[line] - value)
        return new

    def _suffixes(self) -> None:
        """Per pool position i, what pool[i:] offers: ungrouped item values per line (max), the other
        members (later layers and grouped items), and the sum of positive priorities."""
        cands, n = self.board.candidates, len(self.pool)
        self._lines: list[dict[int, int]] = [{} for _ in range(n + 1)]
        self._rest: list[list[int]] = [[] for _ in range(n + 1)]
        self._priority = [0] * (n + 1)
        for i in range(n - 1, -1, -1):
            c = self.pool[i]
            cand = cands[c]
            lines, rest = dict(self._lines[i + 1]), list(self._rest[i + 1])
            if cand.layer == "item" and cand.promotion.stacking.group is None:
                for line, value in self.board.item_values[c].items():
                    if value > lines.get(line, 0):
                        lines[line] = value
            else:
                rest.insert(0, c)
            self._lines[i], self._rest[i] = lines, rest
            self._priority[i] = self._priority[i + 1] + max(0, cand.priority)

    def _prune(self, i: int, chosen: list[int], groups: set[str], post: list[int]) -> bool:
        """True if no completion can beat the current winner."""
        return self.result.winner.key[:4] < self._optimistic_key(i, chosen, groups, post)

    def _optimistic_key(
        self, i: int, chosen: list[int], groups: set[str], post: list[int]
    ) -> tuple[int, int, int, int]:
        """The best ranking key (first four fields) any completion of this node could have.

        Chosen item-level members add nothing beyond the amounts ``post`` already reflects.
        """
        board = self.board
        cands = board.candidates
        later: dict[str | int, list[Member]] = {}
        gifts: dict[str | int, tuple[int, int]] = {}
        shipping = 0
        item_groups: dict[str, list[dict[int, int]]] = {}
        others = [c for c in chosen if cands[c].layer != "item"]
        others += [c for c in self._rest[i] if (g := cands[c].promotion.stacking.group) is None or g not in groups]
        for c in others:
            cand = cands[c]
            if cand.layer == "item":
                item_groups.setdefault(cand.promotion.stacking.group or "", []).append(board.item_values[c])
                continue
            gain = self._later_gain(c, post)
            key: str | int = cand.promotion.stacking.group or c
            if cand.layer == "shipping":
                shipping = max(shipping, gain[0])
            elif cand.prep.kind == "gift":
                held = gifts.get(key, (0, 0))
                gifts[key] = (max(held[0], gain[1]), max(held[1], gain[2]))
            elif gain[0]:
                later.setdefault(key, []).append(Member(cand, gain[0], sum(post[j] for j in cand.lines)))
        decided = board.subtotal - sum(post)
        value = sum(v for v, _ in gifts.values())
        units = sum(u for _, u in gifts.values())
        enough = -self.result.winner.key[0] - value - shipping
        merch = merchandise_bound(
            board.amounts, post, decided, self._lines[i], list(later.values()), list(item_groups.values()), enough
        )
        bound = min(merch, self.cap) + value + shipping
        priority = sum(max(0, cands[c].priority) for c in chosen) + self._priority[i]
        return (-bound, -units, -priority, 1 if bound or units else 0)

    def _later_gain(self, c: int, post: list[int]) -> tuple[int, int, int]:
        """Most an order, coupon or shipping candidate can give on amounts no higher than ``post``."""
        gains = post.gains if isinstance(post, _Amounts) else None
        if gains is not None and c in gains:
            return gains[c]
        gain = self._compute_gain(c, post)
        if gains is not None:
            gains[c] = gain
        return gain

    def _compute_gain(self, c: int, post: list[int]) -> tuple[int, int, int]:
        """``_later_gain`` without the cache."""
        cand, alone = self.board.candidates[c], self.alone[c]
        base = sum(post[j] for j in cand.lines)
        kind = cand.prep.kind
        if kind in ("gift", "free_shipping"):
            if not reached(cand.prep, base):
                return (0, 0, 0)
            return (alone.shipping_off, 0, 0) if kind == "free_shipping" else (0, alone.gift_value, alone.gift_units)
        if post == self.board.amounts:
            return (alone.discount, 0, 0)
        return (min(alone.discount, discount_total(self.board, cand, post, base)), 0, 0)


def _margin_cap(board: Board) -> int:
    """The most merchandise discount the margin guard can ever allow (cents, >= 0)."""
    floor = Decimal(board.cost_total) * (1 + board.min_margin)
    room = (Decimal(board.subtotal) - floor).to_integral_value(rounding=ROUND_FLOOR)
    return max(0, int(room))
