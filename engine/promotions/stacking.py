"""Evaluate one combination of promotions through the layers: item -> order -> coupons -> shipping.

Rules (docs/promotions.md, "Stacking"):
- item layer: every item-level promotion is computed on every line of its scope at list price; each
  line then takes the single one that saves most on it (ties: higher priority, then smaller id);
- order and coupon layers: each promotion is computed on the in-scope amounts at the start of its layer
  (after all earlier layers) and its per-line discounts are taken in order of priority (then id),
  never more than what is left on a line;
- shipping layer: the first free-shipping promotion (priority, then id) whose threshold the in-scope
  amount after the coupons reaches waives the fee;
- margin guard: a non-empty combination is allowed only if the merchandise total after discounts is
  at least (cost of the lines + cost of the gifts) × (1 + min_margin).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from engine.promotions.calculators import Prepared, calculate, prepare, reached, threshold_off_total
from engine.promotions.eligibility import CartIndex
from engine.promotions.model import Cart, Promotion
from engine.promotions.money import percent_of, prorate, to_cents

LAYERS = ("item", "order", "coupon", "shipping")


@dataclass(frozen=True)
class Candidate:
    """An eligible promotion, prepared for fast evaluation."""

    promotion: Promotion
    prep: Prepared
    layer: str
    lines: tuple[int, ...]
    rank: int  # position in (priority desc, id) order

    # Its own ``__init__`` (the dataclass keeps it): compiled, a generated one stays interpreted Python.
    def __init__(self, promotion: Promotion, prep: Prepared, layer: str, lines: tuple[int, ...], rank: int) -> None:
        object.__setattr__(self, "promotion", promotion)
        object.__setattr__(self, "prep", prep)
        object.__setattr__(self, "layer", layer)
        object.__setattr__(self, "lines", lines)
        object.__setattr__(self, "rank", rank)

    @property
    def id(self) -> str:
        """The promotion id."""
        return self.promotion.id

    @property
    def priority(self) -> int:
        """Stacking priority (higher wins ties)."""
        return self.promotion.stacking.priority


@dataclass
class Board:
    """The cart in cents plus the eligible promotions: everything an evaluation needs."""

    amounts: list[int]
    qtys: list[int]
    costs: list[int]
    fee: int
    min_margin: Decimal
    gift_stock: dict[str, int] | None
    candidates: list[Candidate]
    item_values: dict[int, dict[int, int]] = field(default_factory=dict)
    subtotal: int = 0  # sum of the line amounts at list price
    cost_total: int = 0  # sum of the line costs
    margin_factor: tuple[int, int] = (1, 1)  # 1 + min_margin as numerator, denominator
    ranks: list[int] = field(default_factory=list)  # candidate -> rank
    layers: list[str] = field(default_factory=list)  # candidate -> layer

    def __post_init__(self) -> None:
        self.subtotal, self.cost_total = sum(self.amounts), sum(self.costs)
        self.margin_factor = (1 + self.min_margin).as_integer_ratio()
        self.ranks = [cand.rank for cand in self.candidates]
        self.layers = [cand.layer for cand in self.candidates]


@dataclass
class Outcome:
    """The result of one combination, reduced to the promotions that actually gave something."""

    members: tuple[int, ...]
    discount: int
    shipping_off: int
    gift_value: int
    gift_cost: int
    gift_units: int
    margin_ok: bool
    taken: dict[int, dict[int, int]]
    gifts: dict[int, tuple[str, int, int]]
    shipping_by: int | None
    bases: dict[int, int]
    out_of_stock: set[int]
    key: tuple = ()

    # Its own ``__init__`` (the dataclass keeps it): compiled, a generated one stays interpreted Python.
    def __init__(self, members: tuple[int, ...], discount: int, shipping_off: int, gift_value: int, gift_cost: int,
                 gift_units: int, margin_ok: bool, taken: dict[int, dict[int, int]],
                 gifts: dict[int, tuple[str, int, int]], shipping_by: int | None, bases: dict[int, int],
                 out_of_stock: set[int], key: tuple = ()) -> None:
        self.members, self.discount, self.shipping_off = members, discount, shipping_off
        self.gift_value, self.gift_cost, self.gift_units, self.margin_ok = gift_value, gift_cost, gift_units, margin_ok
        self.taken, self.gifts, self.shipping_by, self.bases = taken, gifts, shipping_by, bases
        self.out_of_stock, self.key = out_of_stock, key

    @property
    def saving(self) -> int:
        """What the customer saves: discount + shipping waived + gift value (cents)."""
        return self.discount + self.shipping_off + self.gift_value


def build_board(
    cart: Cart, promotions: list[Promotion], min_margin: Decimal, gift_stock: dict[str, int] | None
) -> Board:
    """Prepare the cart and the eligible promotions (each covering at least one line)."""
    lines = cart.lines
    order = sorted(range(len(promotions)), key=lambda i: (-promotions[i].stacking.priority, promotions[i].id))
    rank = {i: r for r, i in enumerate(order)}
    index = CartIndex.of(cart)
    candidates = [Candidate(p, prepare(p), p.layer, index.lines(p.scope), rank[i]) for i, p in enumerate(promotions)]
    board = Board(
        amounts=[to_cents(ln.price) * ln.qty for ln in lines],
        qtys=[ln.qty for ln in lines],
        costs=[to_cents(ln.cost) * ln.qty for ln in lines],
        fee=to_cents(cart.shipping_fee),
        min_margin=min_margin,
        gift_stock=dict(gift_stock) if gift_stock is not None else None,
        candidates=candidates,
    )
    for c, cand in enumerate(candidates):
        if cand.layer == "item":
            board.item_values[c] = line_discounts(board, cand, board.amounts)
    return board


def line_discounts(board: Board, cand: Candidate, amounts: list[int]) -> dict[int, int]:
    """The candidate's calculator on its in-scope lines, as {line: cents} (zeros dropped)."""
    scoped = [amounts[j] for j in cand.lines]
    qtys = [board.qtys[j] for j in cand.lines]
    off = calculate(cand.prep, scoped, qtys)
    return {j: d for j, d in zip(cand.lines, off) if d}


def discount_total(board: Board, cand: Candidate, amounts: list[int], base: int) -> int:
    """What the candidate's calculator takes in total on these amounts (``base``: their in-scope sum)."""
    prep = cand.prep
    if prep.kind in ("threshold_off", "percent_off"):
        total = threshold_off_total(prep, base) if prep.kind == "threshold_off" else percent_of(base, prep.bp)
        return min(total if prep.max_off is None else min(total, prep.max_off), base)
    return sum(line_discounts(board, cand, amounts).values())


def allowed(board: Board, combo: tuple[int, ...]) -> bool:
    """Stacking rules: an exclusive promotion alone; at most one per group."""
    cands = board.candidates
    if len(combo) > 1 and any(cands[c].promotion.stacking.exclusive for c in combo):
        return False
    groups = [cands[c].promotion.stacking.group for c in combo if cands[c].promotion.stacking.group]
    return len(groups) == len(set(groups))


def evaluate(board: Board, combo: tuple[int, ...] | list[int]) -> Outcome:
    """Price the cart with exactly these candidates (indices into ``board.candidates``)."""
    members = sorted(combo, key=board.ranks.__getitem__)
    by_layer: dict[str, list[int]] = {"item": [], "order": [], "coupon": [], "shipping": []}
    layers = board.layers
    for c in members:
        by_layer[layers[c]].append(c)
    cur = list(board.amounts)
    taken: dict[int, dict[int, int]] = {}
    bases: dict[int, int] = {}
    gifts: dict[int, tuple[str, int, int]] = {}
    out: set[int] = set()
    if by_layer["item"]:
        _item_layer(board, by_layer["item"], cur, taken)
    stock = dict(board.gift_stock) if board.gift_stock is not None else None
    for layer in ("order", "coupon"):
        if by_layer[layer]:
            _ordered_layer(board, by_layer[layer], cur, taken, bases, gifts, out, stock)
    shipping_by = _shipping_layer(board, by_layer["shipping"], cur, bases) if by_layer["shipping"] else None
    return _finish(board, members, cur, taken, gifts, shipping_by, bases, out)


def _item_layer(board: Board, members: list[int], cur: list[int], taken: dict[int, dict[int, int]]) -> None:
    """Each line takes the item-level member that saves most on it (ties: rank)."""
    best_value: dict[int, int] = {}
    best_by: dict[int, int] = {}
    values = board.item_values
    for c in members:  # members are in rank order, so the first maximum wins ties (values are > 0)
        for line, value in values.get(c, {}).items():
            if value > best_value.get(line, 0):
                best_value[line] = value
                best_by[line] = c
    for line, c in best_by.items():
        value = best_value[line]
        taken.setdefault(c, {})[line] = value
        cur[line] -= value


def _ordered_layer(
    board: Board, members: list[int], cur: list[int], taken: dict[int, dict[int, int]],
    bases: dict[int, int], gifts: dict[int, tuple[str, int, int]], out: set[int], stock: dict[str, int] | None,
) -> None:
    """Order-level or coupon layer: compute on the layer-start amounts, take in rank order."""
    start = list(cur)
    for c in members:
        cand = board.candidates[c]
        lines = cand.lines
        base = bases[c] = sum([start[j] for j in lines])
        prep = cand.prep
        kind = prep.kind
        if kind == "gift":
            _give_gift(cand, c, base, gifts, out, stock)
            continue
        if kind == "threshold_off" or kind == "percent_off":  # a total from the base, spread over the lines
            total = threshold_off_total(prep, base) if kind == "threshold_off" else percent_of(base, prep.bp)
            if prep.max_off is not None and total > prep.max_off:
                total = prep.max_off
            if total <= 0:
                continue
            wants = zip(lines, prorate(total if total < base else base, [start[j] for j in lines]))
        else:
            wants = line_discounts(board, cand, start).items()  # type: ignore[assignment]
        mine: dict[int, int] | None = None
        for line, want in wants:
            have = cur[line]
            got = want if want < have else have
            if got > 0:
                if mine is None:
                    mine = taken.setdefault(c, {})
                mine[line] = got
                cur[line] = have - got


def _give_gift(
    cand: Candidate, c: int, base: int, gifts: dict[int, tuple[str, int, int]], out: set[int],
    stock: dict[str, int] | None,
) -> None:
    """Add the gift if the threshold is reached and the stock holds the whole quantity."""
    prep = cand.prep
    if not reached(prep, base):
        return
    if stock is not None:
        if stock.get(prep.gift_sku, 0) < prep.gift_qty:
            out.add(c)
            return
        stock[prep.gift_sku] -= prep.gift_qty
    gifts[c] = (prep.gift_sku, prep.gift_qty, prep.gift_value * prep.gift_qty)


def _shipping_layer(board: Board, members: list[int], cur: list[int], bases: dict[int, int]) -> int | None:
    """The first free-shipping member whose threshold is reached waives the fee."""
    winner = None
    for c in members:
        cand = board.candidates[c]
        bases[c] = sum(cur[j] for j in cand.lines)
        if winner is None and board.fee > 0 and reached(cand.prep, bases[c]):
            winner = c
    return winner


def _finish(
    board: Board, members: list[int], cur: list[int], taken: dict[int, dict[int, int]],
    gifts: dict[int, tuple[str, int, int]], shipping_by: int | None, bases: dict[int, int], out: set[int],
) -> Outcome:
    """Totals, margin guard, the canonical member set and the ranking key."""
    discount = board.subtotal - sum(cur)
    ranks = board.ranks
    giving = [c for c in members if c in taken or c in gifts or c == shipping_by]  # in rank order
    if gifts:
        cands = board.candidates
        gift_cost = sum(cands[c].prep.gift_cost * q for c, (_, q, _) in gifts.items())
        gift_value = sum(v for _, _, v in gifts.values())
        gift_units = sum(q for _, q, _ in gifts.values())
    else:
        gift_cost = gift_value = gift_units = 0
    shipping_off = board.fee if shipping_by is not None else 0
    outcome = Outcome(
        members=tuple(sorted(giving)),
        discount=discount,
        shipping_off=shipping_off,
        gift_value=gift_value,
        gift_cost=gift_cost,
        gift_units=gift_units,
        margin_ok=not giving or _margin_ok(board, discount, gift_cost),
        taken=taken, gifts=gifts, shipping_by=shipping_by, bases=bases, out_of_stock=out,
    )
    # ``ranking_key``, with the members already in rank order
    outcome.key = (-(discount + shipping_off + gift_value), -gift_units,
                   (*[ranks[c] for c in giving], len(ranks)))
    return outcome


def _margin_ok(board: Board, discount: int, gift_cost: int) -> bool:
    """Merchandise after discounts >= (line costs + gift costs) × (1 + min_margin), exactly (in integers)."""
    num, den = board.margin_factor
    return (board.subtotal - discount) * den >= (board.cost_total + gift_cost) * num


def ranking_key(board: Board, outcome: Outcome) -> tuple:
    """Smaller is better: saving, then gift units, then the promotions in rank order.

    Two combinations with the same saving and gift units are compared at the best-ranked promotion
    (higher priority, then smaller id) that one has and the other has not: the one that has it wins.
    As a key: the sorted ranks of the members, closed by a sentinel above every rank (so that, of two
    combinations where one holds every member of the other, the one with more members wins).
    """
    cands = board.candidates
    ranks = sorted(cands[c].rank for c in outcome.members)
    return (-outcome.saving, -outcome.gift_units, (*ranks, len(cands)))
