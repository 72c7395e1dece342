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

    def reachable(self, status: dict[int, int], prof: Profile, window: int) -> int:
        """Bitset of the reductions r <= ``window`` below ``x_hi`` that the line menus can make."""
        mask = (1 << (window + 1)) - 1
        bits = 1
        get = status.get
        for j, entries in enumerate(self.by_line):
            top, low = prof.hi[j], prof.lo[j]
            if top == low or window <= 0:
                continue
            cuts = {top - low} if top - low <= window else set()
            for v, c in entries:  # best first: values only fall from here
                if v < low or top - v > window:
                    break
                if v != top and get(c, OPEN) != OUT:
                    cuts.add(top - v)
            if not cuts:
                continue
            spread = bits
            for r in cuts:
                spread |= bits << r
            bits = spread & mask
        return bits


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
