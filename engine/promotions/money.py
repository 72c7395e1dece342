"""Money in integer cents inside the engine (exact and fast); Decimal at the edges; ¥ formatting."""

from __future__ import annotations

from decimal import Decimal

CENTS = 100
BP = 10_000  # percent with two decimals, as basis points of 1/100 %: 12.5 % -> 1250


def to_cents(value: Decimal) -> int:
    """Decimal yuan with at most two places -> integer cents."""
    return int(value * CENTS)


def to_yuan(cents: int) -> Decimal:
    """Integer cents -> Decimal yuan with exactly two places."""
    return Decimal(cents).scaleb(-2)


def to_bp(percent: Decimal) -> int:
    """Percent with at most two places -> integer hundredths of a percent."""
    return int(percent * 100)


def percent_of(amount: int, bp: int) -> int:
    """``amount × bp / 10000`` rounded to the cent, half up (amount, bp >= 0)."""
    return (2 * amount * bp + BP) // (2 * BP)


def fraction_of(amount: int, num: int, den: int, bp: int) -> int:
    """``amount × num / den × bp / 10000`` rounded to the cent, half up (all >= 0, den > 0)."""
    scale = 2 * den * BP
    return (2 * amount * num * bp + den * BP) // scale


def prorate(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` cents over ``weights`` in proportion, exactly (largest remainder).

    Every share is the floor of its exact share; the leftover cents go one each to the largest
    remainders (ties: larger weight, then earlier position). With ``total <= sum(weights)`` no
    share exceeds its weight.
    """
    whole = sum(weights)
    n = len(weights)
    if total <= 0 or whole <= 0:
        return [0] * n
    shares = [0] * n
    # One integer per line with a remainder orders (remainder desc, weight desc, position asc) without a key
    # function; a line without one never gets a leftover cent (the remainders add up to ``left`` wholes).
    # The position goes in the low bits by a shift, not a product: compiled, a product with a factor past
    # 2**30 leaves the machine-integer path.
    keys: list[int] = []
    span = whole + 1
    bits = n.bit_length()
    low = (1 << bits) - 1
    given = 0
    for i in range(n):
        w = weights[i]
        product = total * w
        share = product // whole
        rest = product - share * whole
        shares[i] = share
        given += share
        if rest:
            keys.append(((rest * span + w) << bits) | (n - 1 - i))
    left = total - given
    if left == 1:
        shares[n - 1 - (max(keys) & low)] += 1
    elif left:
        keys.sort()
        for key in keys[-left:]:
            shares[n - 1 - (key & low)] += 1
    return shares


def format_money(cents: int) -> str:
    """¥1,234.56 (cents may be negative)."""
    sign = "-" if cents < 0 else ""
    return f"{sign}¥{abs(to_yuan(cents)):,.2f}"


def format_short(cents: int) -> str:
    """A deal figure without trailing .00: 30000 -> '300', 1250 -> '12.50'."""
    if cents % CENTS == 0:
        return f"{cents // CENTS}"
    return f"{to_yuan(cents):.2f}"
