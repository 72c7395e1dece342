"""Promotion engine: price a cart with the best allowed combination of promotions, and explain it.

Public entry point: ``quote``. See docs/promotions.md for the model, the layers and worked examples.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from engine.promotions import _native

# The compiled build of the search, when it was built from these very sources (``_native``); it must be
# in place before the modules below are imported. BUILD: "mypyc" or "python"; BUILD_NOTE: why not mypyc.
BUILD, BUILD_NOTE = _native.use(__path__)

from engine.promotions.best import DEFAULT_MAX_NODES, Search, best, brute_force
from engine.promotions.eligibility import condition_data, screen
from engine.promotions.errors import Problem, PromotionError
from engine.promotions.explain import ineligible_entries, nudges, render, verdicts, display_name
from engine.promotions.model import (
    Alternative,
    AppliedPromotion,
    Cart,
    CartLine,
    Context,
    Customer,
    Gift,
    LineAdjustment,
    NotApplied,
    Nudge,
    Promotion,
    Quote,
    QuoteLine,
    Scope,
    Stacking,
)
from engine.promotions.money import format_money, to_yuan
from engine.promotions.stacking import LAYERS, Board, Outcome, build_board

__all__ = [
    "Alternative", "AppliedPromotion", "Cart", "CartLine", "Context", "Customer", "Gift",
    "LineAdjustment", "NotApplied", "Nudge", "Promotion", "PromotionError", "Quote", "QuoteLine",
    "Scope", "Stacking", "quote",
]

ALTERNATIVES = 5


def quote(
    cart: Cart | dict[str, Any],
    promotions: list[Promotion] | list[dict[str, Any]],
    customer: Customer | dict[str, Any] | None = None,
    context: Context | dict[str, Any] | None = None,
    *,
    min_margin: Decimal = Decimal("0"),
    gift_stock: dict[str, int] | None = None,
    exhaustive: bool = False,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> Quote:
    """Price a cart with the best allowed combination of the given promotions.

    Args:
        cart: the cart (model or JSON dict).
        promotions: the live promotions (models or JSON dicts); coupons apply only if presented.
        customer: who buys (default: an anonymous, not-new customer).
        context: ``now`` (default: the current time) and anything conditions read as ``context.*``.
        min_margin: the margin guard, e.g. Decimal("0.1") keeps merchandise >= cost × 1.1.
        gift_stock: gifts left per SKU (None = unlimited).
        exhaustive: use brute-force enumeration instead of branch and bound (tests, benchmark).
        max_nodes: search budget; beyond it the best combination found so far is returned with
            ``optimal`` False (still allowed by stacking and the margin guard).

    Returns:
        The Quote: totals, per-line and per-promotion adjustments, gifts, reasons, nudges, and the
        winning combination with the best alternatives it beat.

    Raises:
        PromotionError: any invalid input; every problem is listed with its field.
    """
    cart_m, promos, customer_m, context_m = _validate(cart, promotions, customer, context, min_margin, gift_stock)
    now = context_m.now or datetime.now(UTC)
    eligible, ineligible = screen(cart_m, promos, condition_data(cart_m, customer_m, context_m, now), now)
    board = build_board(cart_m, eligible, min_margin, gift_stock)
    search = brute_force(board) if exhaustive else best(board, max_nodes)
    return _assemble(cart_m, board, search, ineligible_entries(ineligible), min_margin)


def _validate(
    cart: Any, promotions: Any, customer: Any, context: Any, min_margin: Decimal, gift_stock: Any
) -> tuple[Cart, list[Promotion], Customer, Context]:
    """Validate every input, collecting all problems before raising one PromotionError."""
    problems: list[Problem] = []
    cart_m = _model(Cart, cart, "cart", problems)
    customer_m = _model(Customer, customer or {}, "customer", problems)
    context_m = _model(Context, context or {}, "context", problems)
    promos = [p if isinstance(p, Promotion) else _model(Promotion, p, f"promotions[{i}]", problems)
              for i, p in enumerate(promotions)]
    seen: set[str] = set()
    duplicates: set[str] = set()
    for p in promos:
        if p is not None:
            (duplicates if p.id in seen else seen).add(p.id)
    for dup in sorted(duplicates):
        problems.append(Problem("promotions", f"duplicate id {dup!r}"))
    if not isinstance(min_margin, Decimal) or not min_margin.is_finite() or min_margin < 0:
        problems.append(Problem("min_margin", "must be a Decimal >= 0"))
    if gift_stock is not None and any(not isinstance(q, int) or q < 0 for q in gift_stock.values()):
        problems.append(Problem("gift_stock", "quantities must be integers >= 0"))
    if problems:
        raise PromotionError(problems)
    return cart_m, promos, customer_m, context_m  # type: ignore[return-value]


def _model(kind: type[BaseModel], value: Any, where: str, problems: list[Problem]) -> Any:
    """Validate one value, appending its problems (with dotted field paths) instead of raising."""
    if isinstance(value, kind):
        return value
    try:
        return kind.model_validate(value)
    except ValidationError as exc:
        for err in exc.errors():
            path = ".".join(str(p) for p in (where, *err["loc"]))
            problems.append(Problem(path, err["msg"]))
        return None


def _assemble(cart: Cart, board: Board, search: Search, early: list[NotApplied], min_margin: Decimal) -> Quote:
    """Turn the winning outcome into the Quote (validated once, as one nested dict: pydantic's core builds the
    nested models far faster than one constructor call per line and adjustment)."""
    winner = search.winner
    judged = verdicts(board, search, search.alone)
    members = _in_layer_order(board, winner.members)
    subtotal, fee = board.subtotal, board.fee
    shipping = fee - winner.shipping_off
    return Quote.model_validate({
        "subtotal": to_yuan(subtotal),
        "discount": to_yuan(winner.discount),
        "shipping_fee": to_yuan(fee),
        "shipping": to_yuan(shipping),
        "total": to_yuan(subtotal - winner.discount + shipping),
        "saving": to_yuan(winner.saving),
        "gift_value": to_yuan(winner.gift_value),
        "lines": _lines(cart, board, winner),
        "applied": [_applied(cart, board, winner, c) for c in members],
        "gifts": [g for c in members for g in _gifts(board, winner, c)],
        "not_applied": early + [judged[c].entry for c in sorted(judged, key=lambda c: board.candidates[c].rank)],
        "nudges": nudges(board, search, judged),
        "combination": [board.candidates[c].id for c in members],
        "alternatives": _alternatives(board, search),
        "min_margin": min_margin,
        "optimal": search.proven,
        "nodes": search.nodes,
    })


def _in_layer_order(board: Board, members: tuple[int, ...]) -> list[int]:
    """Members by layer (item, order, coupon, shipping), then priority and id."""
    return sorted(members, key=lambda c: (LAYERS.index(board.candidates[c].layer), board.candidates[c].rank))


def _lines(cart: Cart, board: Board, winner: Outcome) -> list[dict[str, Any]]:
    """Every cart line with its total discount (``QuoteLine`` fields)."""
    off = [0] * len(board.amounts)
    for per_line in winner.taken.values():
        for line, cents in per_line.items():
            off[line] += cents
    return [
        {"line": j, "sku": ln.sku, "qty": ln.qty, "amount": to_yuan(board.amounts[j]), "discount": to_yuan(off[j]),
         "total": to_yuan(board.amounts[j] - off[j])}
        for j, ln in enumerate(cart.lines)
    ]


def _gifts(board: Board, winner: Outcome, c: int) -> list[dict[str, Any]]:
    """The gift candidate c added, if any (``Gift`` fields)."""
    if c not in winner.gifts:
        return []
    sku, qty, value = winner.gifts[c]
    return [{"promotion_id": board.candidates[c].id, "sku": sku, "qty": qty, "value": to_yuan(value)}]


def _applied(cart: Cart, board: Board, winner: Outcome, c: int) -> dict[str, Any]:
    """One winning member: what it took off each line, its gift, the shipping it waived (``AppliedPromotion``
    fields)."""
    cand = board.candidates[c]
    taken = winner.taken.get(c, {})
    discount = sum(taken.values())
    shipping_off = winner.shipping_off if winner.shipping_by == c else 0
    gifts = _gifts(board, winner, c)
    name = display_name(cand.promotion)
    messages: dict[str, str] = {}
    if discount:
        messages = render("applied.discount", name=name, discount=format_money(discount))
    elif gifts:
        messages = render("applied.gift", name=name, gift_sku=gifts[0]["sku"], gift_qty=str(gifts[0]["qty"]))
    elif shipping_off:
        messages = render("applied.shipping", name=name, shipping_off=format_money(shipping_off))
    return {
        "promotion_id": cand.id, "name": name, "type": cand.promotion.type, "layer": cand.layer,
        "discount": to_yuan(discount), "shipping_off": to_yuan(shipping_off), "gifts": gifts,
        "lines": [{"line": j, "sku": cart.lines[j].sku, "amount": to_yuan(v)} for j, v in sorted(taken.items())],
        "messages": messages,
    }


def _alternatives(board: Board, search: Search) -> list[dict[str, Any]]:
    """The strongest other combinations the search priced (allowed or refused by the margin guard;
    ``Alternative`` fields)."""
    others = [o for key, o in search.evaluated.items() if key != search.winner.members and key]
    others.sort(key=lambda o: o.key)
    return [
        {"promotion_ids": [board.candidates[c].id for c in _in_layer_order(board, o.members)],
         "saving": to_yuan(o.saving), "discount": to_yuan(o.discount), "refused_by_margin": not o.margin_ok}
        for o in others[:ALTERNATIVES]
    ]
