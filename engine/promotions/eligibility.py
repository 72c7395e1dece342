"""Which promotions may take part at all: coupon presented, inside the dates, a line in scope, condition true."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from engine.promotions.errors import Problem, PromotionError
from engine.promotions.memo import ObjectMemo
from engine.promotions.model import Cart, Context, Customer, Promotion, Scope

_COMPILED: dict[str, Callable[[dict[str, Any]], Any]] = {}
_CACHE_LIMIT = 4096


class CartIndex:
    """The cart's lines by SKU and by category, to find the lines of a scope without scanning them all.

    ``CartIndex.of(cart)`` shares one index (and its scopes' lines) between screening and the board.
    """

    _last: ClassVar[tuple[Cart, CartIndex] | None] = None

    @classmethod
    def of(cls, cart: Cart) -> CartIndex:
        """The index of this cart object (the last one built is kept: carts are immutable)."""
        last = cls._last
        if last is not None and last[0] is cart:
            return last[1]
        index = cls(cart)
        cls._last = (cart, index)
        return index

    def __init__(self, cart: Cart) -> None:
        self._memo: dict[int, tuple[Scope, tuple[int, ...]]] = {}
        self.count = len(cart.lines)
        self.skus = [ln.sku for ln in cart.lines]
        self.by_sku: dict[str, list[int]] = {}
        self.by_category: dict[str, list[int]] = {}
        for j, ln in enumerate(cart.lines):
            self.by_sku.setdefault(ln.sku, []).append(j)
            if ln.category is not None:
                self.by_category.setdefault(ln.category, []).append(j)

    def touches(self, scope: Scope) -> bool:
        """Whether some line is in scope (cheaper than ``lines`` when none is)."""
        if scope.exclude_skus or not (scope.skus or scope.categories):
            return bool(self.lines(scope))
        return not (self.by_sku.keys().isdisjoint(scope.skus) and self.by_category.keys().isdisjoint(scope.categories))

    def lines(self, scope: Scope) -> tuple[int, ...]:
        """Indices of the lines in scope, in cart order (the same lines as ``Scope.covers``)."""
        found = self._memo.get(id(scope))
        if found is not None and found[0] is scope:  # the memo holds the scope, so its id is not reused
            return found[1]
        result = self._lines(scope)
        self._memo[id(scope)] = (scope, result)
        return result

    def _lines(self, scope: Scope) -> tuple[int, ...]:
        """``lines`` without the memo."""
        if not scope.skus and not scope.categories:
            found: Iterable[int] = range(self.count)
        else:
            picked: set[int] = set()
            for sku in scope.skus:
                picked.update(self.by_sku.get(sku, ()))
            for category in scope.categories:
                picked.update(self.by_category.get(category, ()))
            found = sorted(picked)
        if scope.exclude_skus:
            excluded = set(scope.exclude_skus)
            return tuple(j for j in found if self.skus[j] not in excluded)
        return tuple(found)


@dataclass(frozen=True)
class Ineligible:
    """A promotion left out before any stacking, with the reason code."""

    promotion: Promotion
    reason: str

    # Its own ``__init__`` (the dataclass keeps it): compiled, a generated one stays interpreted Python.
    def __init__(self, promotion: Promotion, reason: str) -> None:
        object.__setattr__(self, "promotion", promotion)
        object.__setattr__(self, "reason", reason)


def normalise_code(code: str) -> str:
    """Coupon codes match case-insensitively, ignoring surrounding spaces."""
    return code.strip().upper()


# What a condition can read at checkout (``condition_data``), as fields of the rules catalogue. A
# promotion's condition is validated against these on save, so one that reads a field checkout does not
# have (``customer.total_spent``, a typo) is refused naming the field instead of never matching.
CONDITION_FIELDS: tuple[str, ...] = (
    "customer.is_new", "customer.tier", "customer.tags",
    "cart.subtotal", "cart.qty", "cart.item_count", "cart.channel", "cart.lines", "cart.skus", "cart.categories",
    "cart.coupon_codes", "cart.shipping_fee",
    "line.sku", "line.category", "line.price", "line.cost", "line.qty",
    "context.now",
)


@cache
def condition_catalogue() -> Any:
    """The rules catalogue restricted to ``CONDITION_FIELDS`` (an ``engine.rules.catalogue.Catalogue``)."""
    from engine.rules.catalogue import CATALOGUE, Catalogue

    return Catalogue.of(CATALOGUE.fields[key] for key in CONDITION_FIELDS)


def condition_data(cart: Cart, customer: Customer, context: Context, now: datetime) -> dict[str, Any]:
    """The data document conditions read: ``customer.*``, ``cart.*``, ``context.*``."""
    lines = [ln.model_dump() for ln in cart.lines]
    return {
        "customer": customer.model_dump(),
        "cart": {
            "lines": lines,
            "subtotal": sum((ln.price * ln.qty for ln in cart.lines), start=Decimal("0")),
            "qty": sum(ln.qty for ln in cart.lines),
            "item_count": sum(ln.qty for ln in cart.lines),
            "skus": [ln.sku for ln in cart.lines],
            "categories": sorted({ln.category for ln in cart.lines if ln.category}),
            "shipping_fee": cart.shipping_fee,
            "channel": cart.channel,
            "coupon_codes": list(cart.coupon_codes),
        },
        "context": {**context.model_dump(exclude={"now"}), "now": now.isoformat()},
    }


def screen(
    cart: Cart, promotions: list[Promotion], data: dict[str, Any], now: datetime
) -> tuple[list[Promotion], list[Ineligible]]:
    """Split promotions into eligible ones and ineligible ones with a reason.

    Coupons the cart does not present are left out silently (they are not offered to this cart).
    Raises:
        PromotionError: a condition is not a valid rule (every bad condition is named).
    """
    presented = {normalise_code(c) for c in cart.coupon_codes}
    checks = _compile_all(promotions)
    index = CartIndex.of(cart)
    stamp = now.timestamp()
    eligible: list[Promotion] = []
    ineligible: list[Ineligible] = []
    for promotion, check in zip(promotions, checks):
        if promotion.coupon_code is not None and normalise_code(promotion.coupon_code) not in presented:
            continue
        reason = _reason(index, promotion, check, data, stamp)
        if reason is None:
            eligible.append(promotion)
        else:
            ineligible.append(Ineligible(promotion, reason))
    return eligible, ineligible


def _reason(
    index: CartIndex, promotion: Promotion, check: Callable[[dict[str, Any]], bool] | None,
    data: dict[str, Any], now: float,
) -> str | None:
    """The first reason the promotion cannot take part at ``now`` (a timestamp), or None."""
    starts, ends = _window(promotion)
    if (starts is not None and now < starts) or (ends is not None and now >= ends):
        return "outside_dates"
    if not index.touches(promotion.scope):
        return "no_line_in_scope"
    if check is not None and not check(data):
        return "condition_false"
    return None


def _timestamps(promotion: Promotion) -> tuple[float | None, float | None]:
    """A promotion's start and end as POSIX timestamps (exact to the microsecond, and compared without
    converting time zones on every quote)."""
    return (promotion.starts_at.timestamp() if promotion.starts_at else None,
            promotion.ends_at.timestamp() if promotion.ends_at else None)


# Promotions are immutable models: each promotion object's dates and condition are converted once, not per quote.
_window: ObjectMemo[Promotion, tuple[float | None, float | None]] = ObjectMemo(_timestamps)
_check_of: ObjectMemo[Promotion, Callable[[dict[str, Any]], bool] | None] = ObjectMemo(
    lambda promotion: compile_condition(promotion.condition))


def _compile_all(promotions: list[Promotion]) -> list[Callable[[dict[str, Any]], bool] | None]:
    """Compile every condition, collecting all invalid ones before raising."""
    checks: list[Callable[[dict[str, Any]], bool] | None] = []
    problems: list[Problem] = []
    for i, promotion in enumerate(promotions):
        try:
            checks.append(_check_of(promotion))
        except ValueError as exc:
            problems.append(Problem(f"promotions[{i}].condition", str(exc)))
            checks.append(None)
    if problems:
        raise PromotionError(problems)
    return checks


def compile_condition(condition: dict[str, Any] | bool | None) -> Callable[[dict[str, Any]], bool] | None:
    """A JSON-Logic condition as a predicate (None = always true), compiled once per distinct rule."""
    if condition is None or condition is True:
        return None
    if condition is False:
        return lambda data: False
    from engine.rules import compile_rule, truthy

    key = json.dumps(condition, sort_keys=True, default=str)
    rule = _COMPILED.get(key)
    if rule is None:
        if len(_COMPILED) >= _CACHE_LIMIT:
            _COMPILED.clear()
        rule = _COMPILED[key] = compile_rule(condition)
    return lambda data: bool(truthy(rule(data)))
