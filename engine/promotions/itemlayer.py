"""The item layer of a search node: what every completion can still give on each line.

Each item-level promotion is either decided in (IN), decided out (OUT) or still open. On line j every
completion gives an item discount between ``lo[j]`` (the best IN value) and ``hi[j]`` (the best IN or
open value), and always one of the values on the line's *menu* (IN/open values >= ``lo[j]``). The
item discounts of a completion therefore add up to a total X between ``sum(lo)`` and ``sum(hi)``;
``reachable`` lists which totals near the top the menus can make (a superset of what the promotions
can make together, so bounds built on it stay admissible). It is a bitset: bit r set means the
total ``sum(hi) - r`` can be made.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

OPEN, IN, OUT = 0, 1, -1
STATE_LIMIT = 4096  # distinct item states of one cluster enumerated exactly


@dataclass
class Profile:
    """Per line the least (``lo``) and most (``hi``) item discount of any completion, and their sums."""

    lo: list[int]
    hi: list[int]
    x_lo: int
    x_hi: int


class ItemLayer:
    """Item-level promotions of the search with their values per line (at list price)."""

    def __init__(self, values: dict[int, dict[int, int]], rank: dict[int, int], lines: int) -> None:
        self.values = values
        self.by_line: list[list[tuple[int, int]]] = [[] for _ in range(lines)]
        for c, per_line in values.items():
            for j, v in per_line.items():
                self.by_line[j].append((v, c))
        for entries in self.by_line:
            entries.sort(key=lambda e: (-e[0], rank[e[1]]))
        self._cuts: dict[tuple, frozenset[int] | None] = {}

    def profile(self, status: dict[int, int]) -> Profile:
        """``lo`` and ``hi`` per line for these decisions (items missing from ``status`` are open)."""
        lo: list[int] = []
        hi: list[int] = []
        get = status.get
        for entries in self.by_line:
            top = low = 0
            for v, c in entries:
                s = get(c, OPEN)
                if s == OUT:
                    continue
                if not top:
                    top = v
                if s == IN:
                    low = v
                    break
            lo.append(low)
            hi.append(top)
        return Profile(lo, hi, sum(lo), sum(hi))

    def loss_without(self, status: dict[int, int], hi: list[int], gone: Iterable[int], keep: int | None = None) -> int:
        """How much ``sum(hi)`` drops if the items ``gone`` are decided out (``keep`` stays available)."""
        gone = set(gone)
        lines = {j for c in gone for j in self.values[c]}
        loss = 0
        get = status.get
        for j in lines:
            best = 0
            for v, c in self.by_line[j]:
                if c == keep or (c not in gone and get(c, OPEN) != OUT):
                    best = v
                    break
            loss += hi[j] - best
        return loss

    def reachable(self, status: dict[int, int], prof: Profile, window: int, groups: dict[int, str] | None = None) -> int:
        """Bitset of the reductions r <= ``window`` below ``x_hi`` that the open items can make.

        Open items that overlap on a line form a cluster; a small cluster's totals are enumerated
        exactly over its subsets (at most one item per stacking group); a big one falls back to per
        line menus (every value of the line on its own: a superset).
        """
        mask = (1 << (window + 1)) - 1
        bits = 1
        for items, lines in self._clusters(status, prof, groups or {}):
            cuts = self._cluster_cuts(items, lines, prof, groups or {})
            if cuts is None:  # too many combinations: each line on its own (a superset)
                for j in lines:
                    bits = _spread(bits, self._line_cuts(j, status, prof, window), mask)
                continue
            bits = _spread(bits, {r for r in cuts if r <= window}, mask)
        return bits

    def _clusters(self, status: dict[int, int], prof: Profile, groups: dict[int, str]) -> list[tuple[list[int], set[int]]]:
        """Open items that can raise some line above ``lo``, grouped by shared lines and stacking groups."""
        lo = prof.lo
        owner: dict[int | str, int] = {}
        members: dict[int, list[int]] = {}
        lines_of: dict[int, set[int]] = {}
        for c, per_line in self.values.items():
            if status.get(c, OPEN) != OPEN:
                continue
            mine = {j for j, v in per_line.items() if v > lo[j]}
            if not mine:
                continue
            keys: list[int | str] = [*mine, *([groups[c]] if c in groups else [])]
            roots = {owner[k] for k in keys if k in owner}
            root = c
            members[root], lines_of[root] = [c], set(mine)
            for r in roots:
                members[root] += members.pop(r)
                lines_of[root] |= lines_of.pop(r)
            for k in [*lines_of[root], *(groups[m] for m in members[root] if m in groups)]:
                owner[k] = root
        return [(members[r], lines_of[r]) for r in members]

    def _cluster_cuts(self, items: list[int], lines: set[int], prof: Profile, groups: dict[int, str]
                      ) -> frozenset[int] | None:
        """Every reduction below the cluster's top that some subset of its items makes (None: too many).

        A state is the per-line best value so far and the stacking groups used; adding an item that
        raises nothing is the same state. Cached: sibling nodes share most clusters.
        """
        order = sorted(lines)
        key = (frozenset(items), tuple(prof.lo[j] for j in order), tuple(order))
        found = self._cuts.get(key, False)
        if found is not False:
            return found  # type: ignore[return-value]
        where = {j: i for i, j in enumerate(order)}
        states: set[tuple[tuple[int, ...], frozenset[str]]] = {(tuple(prof.lo[j] for j in order), frozenset())}
        for c in items:
            moves = [(where[j], v) for j, v in self.values[c].items() if j in where]
            group = groups.get(c)
            grown = set(states)
            for values, used in states:
                if group is not None and group in used:
                    continue
                after = list(values)
                for i, v in moves:
                    if v > after[i]:
                        after[i] = v
                if after != list(values):
                    grown.add((tuple(after), used | {group} if group is not None else used))
            states = grown
            if len(states) > STATE_LIMIT:
                self._cuts[key] = None
                return None
        top = sum(prof.hi[j] for j in order)
        result = self._cuts[key] = frozenset(top - sum(values) for values, _ in states)
        return result

    def _line_cuts(self, j: int, status: dict[int, int], prof: Profile, window: int) -> set[int]:
        """Reductions one line can make on its own (its menu)."""
        top, low = prof.hi[j], prof.lo[j]
        cuts = {top - low} if top - low <= window else set()
        for v, c in self.by_line[j]:  # best first: values only fall from here
            if v < low or top - v > window:
                break
            if status.get(c, OPEN) != OUT:
                cuts.add(top - v)
        return cuts


def _spread(bits: int, cuts: set[int], mask: int) -> int:
    """Sums of the reachable reductions so far with one of ``cuts``."""
    spread = 0
    for r in cuts:
        spread |= bits << r
    return spread & mask


def highest_at_most(bits: int, x_hi: int, x: int) -> int | None:
    """The largest reachable total <= x (None if there is none in the window)."""
    r = x_hi - x
    if r < 0:
        r = 0
    rest = bits >> r
    if not rest:
        return None
    return x_hi - (r + ((rest & -rest).bit_length() - 1))


def lowest_at_least(bits: int, x_hi: int, x: int) -> int | None:
    """The smallest reachable total >= x (None if there is none)."""
    r = x_hi - x
    if r < 0:
        return None
    low = bits & ((1 << (r + 1)) - 1)
    if not low:
        return None
    return x_hi - (low.bit_length() - 1)
