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

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

OPEN, IN, OUT = 0, 1, -1
STATE_LIMIT = 512  # distinct item states of one cluster enumerated exactly (beyond: per-line menus, a superset)
PREFIX_LIMIT = 256  # combinations of clusters kept for the next ``reachable`` (a few MB at most)
REALIZE_STEPS = 64  # items tried when a witness picks items for line menus (``ItemLayer._realize``)
FIRST_CUTS = 32  # a cluster with at least this many reductions is combined first, as one bitset (``_parts``)


@dataclass
class Profile:
    """Per line the least (``lo``) and most (``hi``) item discount of any completion, and their sums."""

    lo: list[int]
    hi: list[int]
    x_lo: int
    x_hi: int
    holder: list[int]  # per line the item in that takes it (-1: none): the best value, ties to the better rank
    held: dict[int, list[int]] | None = None  # the lines each item in holds (``_held``, memo)

    # Its own ``__init__`` (the dataclass keeps it): compiled, a generated one stays interpreted Python.
    def __init__(self, lo: list[int], hi: list[int], x_lo: int, x_hi: int, holder: list[int],
                 held: dict[int, list[int]] | None = None) -> None:
        self.lo, self.hi, self.x_lo, self.x_hi, self.holder, self.held = lo, hi, x_lo, x_hi, holder, held


class ItemLayer:
    """Item-level promotions of the search with their values per line (at list price)."""

    def __init__(self, values: dict[int, dict[int, int]], rank: dict[int, int], lines: int) -> None:
        self.values = values
        self.rank = rank
        self.by_line: list[list[tuple[int, int]]] = [[] for _ in range(lines)]
        for c, per_line in values.items():
            for j, v in per_line.items():
                self.by_line[j].append((v, c))
        for entries in self.by_line:
            entries.sort(key=lambda e: (-e[0], rank[e[1]]))
        self._cuts: dict[tuple, tuple[int, dict[int, tuple[int, ...]] | None]] = {}
        # open items whose cluster had too many states, with the least window it had them at (``_cluster_cuts``)
        self._too_big: dict[frozenset[int], int] = {}
        self._part_ids: dict[tuple, int] = {}  # a cluster's (or line menu's) identity -> a small number
        # the clusters' reductions combined so far, by (the parts combined, the groups later parts use):
        # (window, per set of groups used the bitset); ``reachable`` resumes from the longest one it finds
        self._prefixes: dict[tuple[int, ...], tuple[int, dict[int, int]]] = {}
        # per cluster (the key of ``_cuts``) the items that make each (groups used, reduction), for ``witness``
        self._picks: dict[tuple, tuple[int, dict[tuple[int, int], list[int]]]] = {}
        # (profile, window, groups, parts, later) of the last ``reachable``, for a ``witness`` of the same node
        self._last_parts: tuple[Profile, int, dict[int, str] | None,
                                list[tuple[int, int, dict[int, tuple[int, ...]], int, list[int], list[int]]], list[int]] | None = None

    def profile(self, status: dict[int, int]) -> Profile:
        """``lo`` and ``hi`` per line for these decisions (items missing from ``status`` are open)."""
        lo: list[int] = []
        hi: list[int] = []
        holder: list[int] = []
        for entries in self.by_line:
            top = low = 0
            held = -1
            for v, c in entries:
                s = status.get(c, OPEN)
                if s == OUT:
                    continue
                if not top:
                    top = v
                if s == IN:
                    low, held = v, c
                    break
            lo.append(low)
            hi.append(top)
            holder.append(held)
        return Profile(lo, hi, sum(lo), sum(hi), holder)

    def best_per_line(self, chosen: set[int]) -> list[int]:
        """Per line the best value of these items on it (0: none of them)."""
        found: list[int] = []
        for entries in self.by_line:
            best = 0
            for v, c in entries:
                if c in chosen:
                    best = v
                    break
            found.append(best)
        return found

    def gain(self, best: list[int], c: int) -> int:
        """How much item c adds to the total of items whose per-line best values are ``best``."""
        more = 0
        for j, v in self.values[c].items():
            if v > best[j]:
                more += v - best[j]
        return more

    def loss_without(self, status: dict[int, int], hi: list[int], gone: Iterable[int], keep: int | None = None) -> int:
        """How much ``sum(hi)`` drops if the items ``gone`` are decided out (``keep`` stays available)."""
        gone = set(gone)
        lines = {j for c in gone for j in self.values[c]}
        loss = 0
        for j in lines:
            best = 0
            for v, c in self.by_line[j]:
                if c == keep or (c not in gone and status.get(c, OPEN) != OUT):
                    best = v
                    break
            loss += hi[j] - best
        return loss

    def reachable(self, status: dict[int, int], prof: Profile, window: int, groups: dict[int, str] | None = None) -> int:
        """Bitset of the reductions r <= ``window`` below ``x_hi`` that the open items can make while
        every item in keeps a line (an item in that gives nothing makes the combination without it).

        Open items that overlap on a line (or on lines held by one item in) form a cluster, whose totals
        are enumerated exactly over its subsets, each with the stacking groups it uses; clusters combine
        only when they use disjoint groups (at most one item per group). A huge cluster falls back to
        per-line menus, ignoring groups and items in (a superset).
        """
        held = set(prof.holder)
        if any(s == IN and c in self.values and c not in held for c, s in status.items()):
            return 0  # an item in already gives nothing: no completion counts here (see ``_guards``)
        mask = (1 << (window + 1)) - 1
        given = groups
        parts, later = self._parts(status, prof, window, groups or {})
        self._last_parts = (prof, window, given, parts, later)
        ids = [e[0] for e in parts]
        by_groups: dict[int, int] = {0: 1}
        start = 0
        for k in range(len(parts), 0, -1):
            found = self._prefixes.get((*ids[:k], later[k]))
            if found is not None and found[0] >= window:
                by_groups = found[1] if found[0] == window else {g: b & mask for g, b in found[1].items()}
                start = k
                break
        if len(self._prefixes) > PREFIX_LIMIT:
            self._prefixes.clear()
        for pos in range(start, len(parts)):
            by_groups = _combine(by_groups, parts[pos][2], later[pos + 1], mask)
            self._prefixes[(*ids[:pos + 1], later[pos + 1])] = (window, by_groups)
        total = 0
        for bits in by_groups.values():
            total |= bits
        return total

    def _parts(self, status: dict[int, int], prof: Profile, window: int, groups: dict[int, str]
               ) -> tuple[list[tuple[int, int, dict[int, tuple[int, ...]], int, list[int], list[int]]], list[int]]:
        """The clusters in the order ``reachable`` combines them: (identity, groups used, reductions per set
        of groups used, best rank, items, lines — no items and its one line for a line's menu), and per
        position the groups the parts after it use."""
        bit = self._group_bits(groups)
        rank = self.rank
        parts: list[tuple[int, int, dict[int, tuple[int, ...]], int, list[int], list[int]]] = []
        for items, lines in self._clusters(status, prof):
            key, options = self._cluster_cuts(items, lines, prof, groups, bit, window)
            if options is None:  # too many combinations: each line on its own (a superset)
                for j in lines:
                    menu = tuple(sorted(self._line_cuts(j, status, prof, window)))
                    first = min((rank[c] for _, c in self.by_line[j] if status.get(c, OPEN) == OPEN), default=0)
                    parts.append((self._part_id(("line", j, prof.hi[j], prof.lo[j], menu)), 0, {0: menu}, first, [], [j]))
                continue
            flag = sum({bit[groups[c]] for c in items if c in groups})
            parts.append((self._part_id(key), flag, options, min(rank[c] for c in items), items, lines))
        # Worst-ranked clusters first: a walk decides the best-ranked open items first, so the next call
        # changes the last clusters and resumes from the combination of the others (``_prefixes``).
        parts.sort(key=lambda e: -e[3])
        # Except the cluster with the most reductions, if it has many: combined later, each of them shifts
        # the whole window's bitset; first, they make the bitset in one pass (``_combine``).
        sizes = [sum(len(cuts) for cuts in part[2].values()) for part in parts]
        if sizes and max(sizes) >= FIRST_CUTS:
            parts.insert(0, parts.pop(sizes.index(max(sizes))))
        later = [0] * (len(parts) + 1)  # groups still used by the clusters after each position
        for pos in range(len(parts) - 1, -1, -1):
            later[pos] = later[pos + 1] | parts[pos][1]
        return parts, later

    @staticmethod
    def _group_bits(groups: dict[int, str]) -> dict[str, int]:
        """A bit per stacking group of the items."""
        return {g: 1 << k for k, g in enumerate(sorted(set(groups.values())))}

    def witness(self, status: dict[int, int], prof: Profile, window: int, groups: dict[int, str] | None,
                reduction: int, nearest: bool = False) -> list[int] | None:
        """Open items whose addition makes the item total ``x_hi - reduction``, every item in keeping a line
        and at most one item per group (a completion ``reachable`` counts); None if it counts none, or only
        through line menus (a superset) that ``_realize`` does not make. ``nearest``: the highest such total
        at most that one."""
        given = groups
        groups = groups or {}
        if reduction < 0 or reduction > window:
            return None
        held = set(prof.holder)
        if any(s == IN and c in self.values and c not in held for c, s in status.items()):
            return None
        mask = (1 << (window + 1)) - 1
        last = self._last_parts
        if last is not None and last[0] is prof and last[1] == window and last[2] is given:
            parts, later = last[3], last[4]  # as the node's ``reachable`` found them
        else:
            parts, later = self._parts(status, prof, window, groups)
        # the combinations of the first clusters, as ``reachable`` left them for this window (or a wider
        # one: the bits up to this window are the same); combined again where they are gone
        ids = [part[0] for part in parts]
        stages: list[dict[int, int]] = [{0: 1}]
        for pos, part in enumerate(parts):
            cached = self._prefixes.get((*ids[:pos + 1], later[pos + 1]))
            stages.append(cached[1] if cached is not None and cached[0] >= window else
                          _combine(stages[-1], part[2], later[pos + 1], mask))
        if nearest:
            found_r = -1
            for bits in stages[-1].values():
                rest = bits >> reduction
                if rest:
                    r = reduction + (rest & -rest).bit_length() - 1
                    if found_r < 0 or r < found_r:
                        found_r = r
            if found_r < 0:
                return None
            reduction = found_r
        keys = [k for k, bits in stages[-1].items() if bits >> reduction & 1]
        if not keys:
            return None
        want, left = keys[0], reduction
        chosen: list[tuple[int, int, int]] = []  # (position, groups used, reduction) per part
        for pos in range(len(parts) - 1, -1, -1):
            step = self._step_back(stages[pos], parts[pos][2], later[pos + 1], want, left)
            if step is None:
                return None
            used, more, cut = step
            chosen.append((pos, more, cut))
            want, left = used, left - cut
        bit = self._group_bits(groups)
        found: list[int] = []
        menus: dict[int, int] = {}  # line -> the value its menu's cut asks for
        for pos, more, cut in chosen:
            _, _, _, _, items, lines = parts[pos]
            if not items:
                menus[lines[0]] = prof.hi[lines[0]] - cut
                continue
            order, start, guards, holders = self._frame(lines, prof)
            key = _cluster_key(items, order, start, guards, holders)
            known = self._picks.get(key)
            if known is None or known[0] < window:
                enumerated = self._enumerate(items, order, start, guards, holders, prof, groups, bit, window, True)
                if enumerated is None:
                    return None
                if len(self._picks) > PREFIX_LIMIT:
                    self._picks.clear()
                known = self._picks[key] = (window, enumerated[2])
            pick = known[1].get((more, cut))
            if pick is None:
                return None
            found += pick
        if menus:
            made = self._realize(menus, status, prof, groups, found)
            if made is None:
                return None
            found += made
        return found

    def _realize(self, menus: dict[int, int], status: dict[int, int], prof: Profile, groups: dict[int, str],
                 found: list[int]) -> list[int] | None:
        """Open items that take each menu line to exactly the value its cut asks for, raising no menu line
        above it, with at most one item per group (with ``found``); None if none is found within
        ``REALIZE_STEPS`` tries (a line's menu counts totals no combination may make: the menus are a
        superset).

        A small depth-first search: the line with the fewest fitting items first (an open item with exactly
        the value asked there that raises no menu line above its value), its items best-ranked first; a
        line some picked item already takes to its value needs nothing more."""
        rank = self.rank
        taken = {groups[c] for c in found if c in groups}
        fits: dict[int, list[int]] = {}
        for j, want in menus.items():
            if want > prof.lo[j]:
                fits[j] = sorted((c for v, c in self.by_line[j] if v == want and status.get(c, OPEN) == OPEN
                                  and all(u <= menus.get(k, prof.lo[k]) for k, u in self.values[c].items())),
                                 key=rank.__getitem__)
        lines = sorted(fits, key=lambda j: len(fits[j]))
        picked: list[int] = []
        steps = [REALIZE_STEPS]

        def done(j: int) -> bool:
            return any(self.values[c].get(j, -1) == menus[j] for c in picked)

        def place(at: int) -> bool:
            while at < len(lines) and done(lines[at]):
                at += 1
            if at == len(lines):
                return True
            for c in fits[lines[at]]:
                group = groups.get(c)
                if c in picked or (group is not None and group in taken):
                    continue
                steps[0] -= 1
                if steps[0] < 0:
                    return False
                picked.append(c)
                if group is not None:
                    taken.add(group)
                if place(at + 1):
                    return True
                picked.pop()
                if group is not None:
                    taken.discard(group)
            return False

        if not place(0):
            return None
        best = {j: prof.lo[j] for j in menus}
        for c in picked:
            for k, u in self.values[c].items():
                if k in best and u > best[k]:
                    best[k] = u
        if any(best[j] != want for j, want in menus.items()):
            return None
        for m, j_held in _held(prof).items():  # every item in keeps a line it holds
            if not any(all(self.values[c].get(j, 0) < prof.lo[j] or (self.values[c].get(j, 0) == prof.lo[j]
                                                                        and rank[c] > rank[m]) for c in picked)
                       for j in j_held):
                return None
        return picked

    @staticmethod
    def _step_back(before: dict[int, int], options: dict[int, tuple[int, ...]], open_groups: int, want: int,
                   left: int) -> tuple[int, int, int] | None:
        """A way a part's reductions lead from a combination before it to ``left`` under groups ``want``."""
        for used, bits in before.items():
            for more, cuts in options.items():
                if used & more or (used | more) & open_groups != want:
                    continue
                for cut in cuts:
                    if cut > left:
                        break
                    if bits >> (left - cut) & 1:
                        return used, more, cut
        return None

    def _part_id(self, key: tuple) -> int:
        """A small number for a cluster's identity (cheap to put in the keys of ``_prefixes``)."""
        found = self._part_ids.get(key)
        if found is None:
            found = self._part_ids[key] = len(self._part_ids)
        return found

    def _clusters(self, status: dict[int, int], prof: Profile) -> list[tuple[list[int], list[int]]]:
        """Open items that can raise some line above ``lo``, grouped by shared lines (the lines they raise or
        take from an item in on rank), and by lines held by one item in."""
        lo = prof.lo
        owner: dict[int, int] = {}
        members: dict[int, list[int]] = {}
        lines_of: dict[int, list[int]] = {}
        holder, rank = prof.holder, self.rank
        for c, per_line in self.values.items():
            if status.get(c, OPEN) != OPEN or not any(v > lo[j] for j, v in per_line.items()):
                continue
            # the lines it raises, and those it would take on rank from an item in of equal value there
            mine = [j for j, v in per_line.items()
                    if v > lo[j] or (v == lo[j] and holder[j] >= 0 and rank[c] < rank[holder[j]])]
            roots = {owner[j] for j in mine if j in owner}
            if not roots:
                members[c], lines_of[c] = [c], mine
                for j in mine:
                    owner[j] = c
                continue
            root = roots.pop()
            members[root].append(c)
            merged = set(lines_of[root]) | set(mine)
            for r in roots:
                members[root] += members.pop(r)
                merged |= set(lines_of.pop(r))
            lines_of[root] = sorted(merged)
            for j in merged:
                owner[j] = root
        for m, held in _held(prof).items():  # an item in that holds lines of several clusters joins them
            roots = {owner[j] for j in held if j in owner}
            if len(roots) < 2:
                continue
            root = roots.pop()
            merged = set(lines_of[root])
            for r in roots:
                members[root] += members.pop(r)
                merged |= set(lines_of.pop(r))
            lines_of[root] = sorted(merged)
            for j in merged:
                owner[j] = root
        return [(members[r], lines_of[r]) for r in members]

    def _cluster_cuts(self, items: list[int], lines: list[int], prof: Profile, groups: dict[int, str],
                      bit: dict[str, int], window: int) -> tuple[tuple, dict[int, tuple[int, ...]] | None]:
        """Per set of groups used (a bitmask), every reduction <= ``window`` below the cluster's top that
        some subset of its items makes while every item in keeps a line (None: too many states).

        A state is the per-line best value so far, the groups used, and the guarded lines an equal
        but better-ranked item took from the item in holding them; adding an item that raises nothing
        is the same state (or a worse one). An item in whose held lines are all taken gives nothing:
        that combination is the one without it, searched elsewhere, so such states are dropped
        (``_guards``). States that cannot come within the window even if every remaining item raised
        them fully are dropped. Cached (sibling nodes share most clusters) for the widest window asked,
        the reductions sorted (a narrower window takes a prefix).
        """
        order, start, guards, holders = self._frame(lines, prof)
        key = _cluster_key(items, order, start, guards, holders)
        found = self._cuts.get(key)
        if found is not None and found[0] >= window:
            if found[1] is None:
                return key, None
            if found[0] == window:
                return key, found[1]
            return key, {m: cuts[:bisect_right(cuts, window)] for m, cuts in found[1].items()}
        # The same open items were too many before at a window no wider: so they are again (almost always:
        # only a profile that changed on their lines could make fewer states). Each try costs the enumeration
        # of STATE_LIMIT states before it gives up; the line menus that stand in are a superset either way.
        crowd = frozenset(items)
        failed = self._too_big.get(crowd)
        if failed is not None and failed <= window:
            return key, None
        for other, at in self._too_big.items():  # one item fewer than a crowd that was too many: too many still
            if at <= window and len(other) == len(crowd) + 1 and crowd < other:
                return key, None
        enumerated = self._enumerate(items, order, start, guards, holders, prof, groups, bit, window)
        if enumerated is None:
            self._cuts[key] = (window, None)
            self._too_big[crowd] = window if failed is None else min(failed, window)
            return key, None
        top, states, _ = enumerated
        result: dict[int, set[int]] = {}
        for used, total in states:
            result.setdefault(used, set()).add(top - total)
        frozen = {m: tuple(sorted(cuts)) for m, cuts in result.items()}
        self._cuts[key] = (window, frozen)
        return key, frozen

    def _enumerate(self, items: list[int], order: list[int], start: tuple[int, ...], guards: tuple[tuple[int, ...], ...],
                   holders: tuple[int, ...], prof: Profile, groups: dict[int, str], bit: dict[str, int], window: int,
                   track: bool = False
                   ) -> tuple[int, list[tuple[int, int]], dict[tuple[int, int], list[int]]] | None:
        """(the cluster's top, (groups used, total) per state, and picks); None past ``STATE_LIMIT``.
        ``track``: picks gives, per (groups used, reduction), the items of a state that makes it (for
        ``witness``); else it is empty.

        A state — the per-line values, the groups used and the lines taken on rank — is packed in one
        integer: per line the index of its value among the values it can take (0: its least value), then
        the groups used, then one bit per line taken on rank. One small number to build and hash per state
        (a tuple of the values cost two allocations and a hash over every line); the states are the same.
        """
        guarded = {k for held in guards for k in held}
        where = {j: i for i, j in enumerate(order)}
        top = sum(prof.hi[j] for j in order)
        gains = {c: sum(max(0, v - prof.lo[j]) for j, v in self.values[c].items() if j in where) for c in items}
        ordered = sorted(items, key=lambda c: -gains[c])
        rest = [0] * (len(ordered) + 1)
        for i in range(len(ordered) - 1, -1, -1):
            rest[i] = rest[i + 1] + gains[ordered[i]]
        rank = self.rank
        n = len(order)
        # the values each line can take: its least value first (index 0), then every higher value an item gives
        levels: list[list[int]] = [[low] for low in start]
        for c in ordered:
            for j, v in self.values[c].items():
                k = where.get(j, -1)
                if k >= 0 and v > start[k] and v not in levels[k]:
                    levels[k].append(v)
        offset: list[int] = []
        width: list[int] = []
        place = 0
        for k in range(n):
            levels[k].sort()
            w = max(1, (len(levels[k]) - 1).bit_length())
            offset.append(place)
            width.append((1 << w) - 1)
            place += w
        used_at = place
        used_mask = (1 << max((b.bit_length() for b in bit.values()), default=0)) - 1
        taken_at = used_at + used_mask.bit_length()
        # a guard holds while some line it guards is at its least value and not taken on rank
        guard_masks = [[width[k] << offset[k] | 1 << (taken_at + k) for k in held] for held in guards]
        # Every state made, in order (packed state, total, items as a bitmask over ``ordered``), kept in place:
        # a state is live while its total can still come within the window (the bar only rises, so a state
        # once below it stays below), and is extended by the items after the one that made it. A state made
        # again is either there already or was below the bar (the same state has the same total): not made twice.
        keys: list[int] = [0]
        totals: list[int] = [sum(start)]
        whos: list[int] = [0]
        seen: set[int] = {0}
        bar = totals[0]  # the previous item's bar: states below it are gone
        for i, c in enumerate(ordered):
            # per line the item raises: (offset, field mask, the value's index, the value, the line's values)
            moves: list[tuple[int, int, int, int, list[int]]] = []
            ties = 0
            for j, v in self.values[c].items():
                k = where.get(j, -1)
                if k < 0:
                    continue
                if v > start[k]:
                    moves.append((offset[k], width[k], levels[k].index(v), v, levels[k]))
                elif k in guarded and v == start[k] and rank[c] < rank[holders[k]]:
                    ties |= 1 << (taken_at + k)
            flag = (bit[groups[c]] << used_at) if c in groups else 0
            reach = top - window - rest[i + 1]  # a state must end at a total >= top - window
            live = 0
            for at in range(len(keys)):  # the states made before this item (those made now are appended)
                total = totals[at]
                if total < bar:
                    continue
                if total >= reach:
                    live += 1
                key = keys[at]
                if key & flag:
                    continue
                raised = total
                after = key
                for off, mask, index, v, values in moves:
                    now = key >> off & mask
                    if index > now:
                        raised += v - values[now]
                        after += (index - now) << off
                if raised == total or raised < reach:
                    continue  # raises nothing (the same state) or cannot come within the window
                after |= flag | ties
                if after in seen:
                    continue
                if guard_masks and not all(any(not after & m for m in held) for held in guard_masks):
                    continue  # an item in would give nothing: the combination without it is searched elsewhere
                seen.add(after)
                keys.append(after)
                totals.append(raised)
                if track:
                    whos.append(whos[at] | (1 << i))
                live += 1
            bar = reach
            if live > STATE_LIMIT:
                return None
        found = [(key >> used_at & used_mask, total) for key, total in zip(keys, totals) if total >= bar]
        picks: dict[tuple[int, int], list[int]] = {}
        if track:
            for key, total, made in zip(keys, totals, whos):
                if total >= bar:
                    picks.setdefault((key >> used_at & used_mask, top - total),
                                     [c for k, c in enumerate(ordered) if made >> k & 1])
        return top, found, picks

    def _frame(self, lines: list[int], prof: Profile
               ) -> tuple[list[int], tuple[int, ...], tuple[tuple[int, ...], ...], tuple[int, ...]]:
        """A cluster's lines in order, their least values, its guards (``_guards``) and the items in
        holding the guarded lines (empty if none)."""
        order = sorted(lines)
        lo = prof.lo
        start = tuple([lo[j] for j in order])
        guards = self._guards(order, prof)
        guarded = {k for held in guards for k in held}
        holders: tuple[int, ...] = ()
        if guarded:
            holders = tuple([prof.holder[j] if k in guarded else -1 for k, j in enumerate(order)])
        return order, start, guards, holders

    @staticmethod
    def _guards(order: list[int], prof: Profile) -> tuple[tuple[int, ...], ...]:
        """For each item in whose held lines all lie among ``order`` (a cluster's lines), the positions of
        those lines: a state that takes all of them leaves the item idle (it gives nothing)."""
        holder = prof.holder
        ins = {holder[j] for j in order if holder[j] >= 0}  # only an item holding one of these lines can count
        if not ins:
            return ()
        where = {j: k for k, j in enumerate(order)}
        held_by = _held(prof)
        found = []
        for m in ins:
            held = held_by[m]
            if all(j in where for j in held):
                found.append(tuple([where[j] for j in held]))
        found.sort()
        return tuple(found)

    def losses(self, status: dict[int, int], prof: Profile) -> dict[int, int]:
        """For each open item, how much ``sum(hi)`` drops if it alone is decided out."""
        loss: dict[int, int] = {}
        for j, entries in enumerate(self.by_line):
            first = None
            for v, c in entries:
                s = status.get(c, OPEN)
                if s == OUT:
                    continue
                if first is None:
                    if s != OPEN:
                        break
                    first = c
                    continue
                loss[first] = loss.get(first, 0) + prof.hi[j] - v
                first = None
                break
            if first is not None:
                loss[first] = loss.get(first, 0) + prof.hi[j]
        return loss

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


def _cluster_key(items: list[int], order: list[int], start: tuple[int, ...], guards: tuple[tuple[int, ...], ...],
                 holders: tuple[int, ...]) -> tuple:
    """A cluster's identity at a node: its items, lines, their least values and the items in guarding them."""
    return (tuple(sorted(items)), start, tuple(order), guards, holders)


def _held(prof: Profile) -> dict[int, list[int]]:
    """The lines each item in holds (memoised on the profile)."""
    held = prof.held
    if held is None:
        held = {}
        for j, m in enumerate(prof.holder):
            if m >= 0:
                held.setdefault(m, []).append(j)
        prof.held = held
    return held


def _combine(by_groups: dict[int, int], options: dict[int, tuple[int, ...]], open_groups: int, mask: int) -> dict[int, int]:
    """The reductions reachable so far (per set of groups used) with one more cluster's: at most one item
    per group; a group no later cluster uses (not in ``open_groups``) no longer matters."""
    grown: dict[int, int] = {}
    if len(by_groups) == 1 and by_groups.get(0) == 1:  # the first part: its reductions are the bitset
        for more, cuts in options.items():
            now = more & open_groups
            grown[now] = grown.get(now, 0) | (_bitset(cuts) & mask)
        return grown
    # Shifting distributes over OR: the sets of groups used so far that lead to the same set with this
    # cluster's reductions (a group no later cluster uses is forgotten) are joined before shifting.
    for more, cuts in options.items():
        joined: dict[int, int] = {}
        for used, bits in by_groups.items():
            if not used & more:
                now = (used | more) & open_groups
                joined[now] = joined.get(now, 0) | bits
        for now, bits in joined.items():
            grown[now] = grown.get(now, 0) | _spread_all(bits, cuts, mask)
    return grown


def _bitset(cuts: tuple[int, ...]) -> int:
    """The bitset of ``cuts`` (built in one pass, not one shift per cut)."""
    if not cuts:
        return 0
    buf = bytearray((max(cuts) >> 3) + 1)
    for r in cuts:
        buf[r >> 3] |= 1 << (r & 7)
    return int.from_bytes(buf, "little")


def _spread_all(bits: int, cuts: tuple[int, ...], mask: int) -> int:
    """Sums of the reachable reductions so far with one of ``cuts`` (ascending).

    Spread by the differences to the least cut, then shifted once by it: one operation fewer than a shift
    and an OR per cut (each copies the whole bitset)."""
    if not cuts:
        return 0
    first = cuts[0]
    spread = bits
    for k in range(1, len(cuts)):
        spread |= bits << (cuts[k] - first)
    return (spread << first) & mask


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
