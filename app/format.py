"""How numbers, money and dates look in the UI (UI.md): ¥1,234.56, 3.2万, 2026-11-11 10:00."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from app.i18n import normalise_locale, translate

_CENT = Decimal("0.01")
_TENTH = Decimal("0.1")


def money(amount: Decimal) -> str:
    """Yuan with a thousands separator and two decimals: ¥1,234.56 (negative: -¥12.00)."""
    value = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.2f}"


def count(n: int, locale: str) -> str:
    """A count: exact with separators, compacted when large (zh-CN 12.3万 / 1.23亿, en 1.2M)."""
    loc = normalise_locale(locale)
    if loc == "zh-CN":
        if abs(n) >= 100_000_000:
            return f"{_compact(n, 100_000_000, 2)}{translate('unit.yi', loc)}"
        if abs(n) >= 100_000:
            return f"{_compact(n, 10_000, 1)}{translate('unit.wan', loc)}"
    elif abs(n) >= 1_000_000:
        return f"{_compact(n, 1_000_000, 1)}{translate('unit.million', loc)}"
    return f"{n:,}"


def _compact(n: int, base: int, places: int) -> str:
    """``n / base`` rounded half-up to ``places`` decimals, trailing zeros dropped."""
    value = (Decimal(n) / base).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent_change(current: Decimal, previous: Decimal) -> str | None:
    """Signed change in percent with one decimal ('+12.5%'); None when there is no base."""
    if previous == 0:
        return None
    change = ((current - previous) / previous * 100).quantize(_TENTH, rounding=ROUND_HALF_UP)
    return f"{'+' if change > 0 else ''}{change}%"


def local_datetime(value: datetime, tz: str = "Asia/Shanghai") -> str:
    """A timezone-aware time shown in the display zone: 2026-11-11 10:00."""
    return value.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")
