"""One calculator per promotion type, on integer cents of the in-scope lines.

Each calculator receives the in-scope line amounts (cents, after earlier layers) and quantities, in
cart order, and returns the discount per line (never more than the line's amount).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import lcm

from engine.promotions.model import (
    BuyXGetYParams,
    FixedPriceParams,
    FreeShippingParams,
    GiftParams,
    PercentOffParams,
    Promotion,
    ThresholdOffParams,
)
from engine.promotions.memo import ObjectMemo
from engine.promotions.money import fraction_of, percent_of, prorate, to_bp, to_cents


@dataclass(frozen=True)
class Prepared:
    """A promotion's params as integers (cents, basis points), ready for fast arithmetic."""

    kind: str
    tiers: tuple[tuple[int, int], ...] = ()  # (threshold, off), ascending by threshold
    repeat: bool = False
    bp: int = 0
    price: int = 0
    buy: int = 0
    get: int = 0
    max_off: int | None = None
    threshold: int = 0
    gift_sku: str = ""
    gift_qty: int = 0
    gift_value: int = 0
    gift_cost: int = 0


def _prepare(promotion: Promotion) -> Prepared:
    """A promotion's Decimal params as integers (``prepare``)."""
    p = promotion.params
    raw = getattr(p, "max_off", None)
    cap = to_cents(raw) if raw is not None else None
    if isinstance(p, ThresholdOffParams):
        tiers = tuple(sorted((to_cents(t.threshold), to_cents(t.off)) for t in p.tiers))
        return Prepared("threshold_off", tiers=tiers, repeat=p.repeat, max_off=cap)
    if isinstance(p, PercentOffParams):
        return Prepared("percent_off", bp=to_bp(p.percent), max_off=cap)
    if isinstance(p, FixedPriceParams):
        return Prepared("fixed_price", price=to_cents(p.price), max_off=cap)
    if isinstance(p, BuyXGetYParams):
        return Prepared("buy_x_get_y", buy=p.buy, get=p.get, bp=to_bp(p.get_percent_off), max_off=cap)
    if isinstance(p, GiftParams):
        return Prepared(
            "gift", threshold=to_cents(p.threshold), gift_sku=p.gift_sku, gift_qty=p.gift_qty,
            gift_value=to_cents(p.gift_value), gift_cost=to_cents(p.gift_cost),
        )
    assert isinstance(p, FreeShippingParams)
    return Prepared("free_shipping", threshold=to_cents(p.threshold))


# promotions are frozen: the server's live promotions are converted on their first quote, not on every one
prepare: ObjectMemo[Promotion, Prepared] = ObjectMemo(_prepare)


def threshold_off_total(prep: Prepared, base: int) -> int:
    """满减 on an in-scope amount: highest tier reached, or once per full threshold when repeating."""
    if prep.repeat:
        threshold, off = prep.tiers[0]
        return (base // threshold) * off
    off = 0
    for threshold, tier_off in prep.tiers:
        if base >= threshold:
            off = tier_off
    return off


def _cap(prep: Prepared, total: int) -> int:
    """Apply ``max_off``."""
    return total if prep.max_off is None else min(total, prep.max_off)


def _spread(total: int, amounts: list[int]) -> list[int]:
    """An order-wide discount spread over the lines by amount, never more than their sum."""
    return prorate(min(total, sum(amounts)), amounts)


def threshold_off(prep: Prepared, amounts: list[int], qtys: list[int]) -> list[int]:
    """满减 / 每满减: a total from the in-scope amount, spread over the lines."""
    return _spread(_cap(prep, threshold_off_total(prep, sum(amounts))), amounts)


def percent_off(prep: Prepared, amounts: list[int], qtys: list[int]) -> list[int]:
    """折扣: percent of the in-scope amount (rounded once, half up), capped, spread over the lines."""
    return _spread(_cap(prep, percent_of(sum(amounts), prep.bp)), amounts)


def _capped_lines(prep: Prepared, per_line: list[int]) -> list[int]:
    """Per-line discounts, re-spread by their own sizes when ``max_off`` caps their sum."""
    total = sum(per_line)
    if prep.max_off is None or total <= prep.max_off:
        return per_line
    return prorate(prep.max_off, per_line)


def fixed_price(prep: Prepared, amounts: list[int], qtys: list[int]) -> list[int]:
    """特价: each line drops to price × qty (a line already cheaper keeps its amount)."""
    return _capped_lines(prep, [max(0, a - prep.price * q) for a, q in zip(amounts, qtys)])


def free_units(prep: Prepared, qtys: Sequence[int]) -> int:
    """How many units of these lines a buy-X-get-Y discounts: ``get`` of every full ``buy + get``."""
    return (sum(qtys) // (prep.buy + prep.get)) * prep.get


def discounted_units(prep: Prepared, amounts: list[int], qtys: list[int]) -> list[int]:
    """How many units of each line are 'get' units: the cheapest (buy+get)-th shares of all units."""
    free = free_units(prep, qtys)
    if free <= 0:
        return [0] * len(amounts)
    scale = lcm(*qtys)  # unit prices amounts[i] / qtys[i] compared exactly as integers
    # cheapest unit price first, lines of equal unit price in cart order: one integer per line (no key function)
    n = len(amounts)
    bits = n.bit_length()  # the position in the low bits (a shift: compiled, it stays on machine integers)
    keys = [((amounts[i] * (scale // qtys[i])) << bits) | i for i in range(n)]
    keys.sort()
    taken = [0] * n
    low = (1 << bits) - 1
    for key in keys:
        i = key & low
        if free <= 0:
            break
        taken[i] = min(free, qtys[i])
        free -= taken[i]
    return taken


def buy_x_get_y(prep: Prepared, amounts: list[int], qtys: list[int]) -> list[int]:
    """买X送Y / 第二件半价: the cheapest qualifying units get ``get_percent_off``."""
    taken = discounted_units(prep, amounts, qtys)
    per_line = [fraction_of(a, t, q, prep.bp) if t else 0 for a, q, t in zip(amounts, qtys, taken)]
    return _capped_lines(prep, per_line)


def no_discount(prep: Prepared, amounts: list[int], qtys: list[int]) -> list[int]:
    """Gifts and free shipping take nothing off the lines."""
    return [0] * len(amounts)


def reached(prep: Prepared, base: int) -> bool:
    """Whether an in-scope amount reaches the promotion's (lowest) threshold."""
    if prep.kind == "threshold_off":
        return base >= prep.tiers[0][0]
    return base >= prep.threshold


def next_threshold(prep: Prepared, base: int) -> tuple[int, int] | None:
    """The next threshold above ``base`` worth reaching and the reward there (cents), if any."""
    if prep.kind == "threshold_off":
        if prep.repeat:
            threshold, off = prep.tiers[0]
            return (base // threshold + 1) * threshold, off
        current = threshold_off_total(prep, base)
        return next(((t, o) for t, o in prep.tiers if t > base and o > current), None)
    if prep.kind in ("gift", "free_shipping") and base < prep.threshold:
        return prep.threshold, 0
    return None


def calculate(prep: Prepared, amounts: list[int], qtys: list[int]) -> list[int]:
    """The promotion's calculator on these in-scope lines: per line the cents it takes off. Dispatched on the
    kind in place (compiled, a direct call; the search prices per-line coupons many times a node)."""
    kind = prep.kind
    if kind == "buy_x_get_y":
        return buy_x_get_y(prep, amounts, qtys)
    if kind == "fixed_price":
        return fixed_price(prep, amounts, qtys)
    if kind == "threshold_off":
        return threshold_off(prep, amounts, qtys)
    if kind == "percent_off":
        return percent_off(prep, amounts, qtys)
    return no_discount(prep, amounts, qtys)
