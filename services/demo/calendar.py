"""The retail calendar of the demo: a 365-day window with weekly rhythm, growth and Chinese peaks.

Weights are relative order volumes per local day: weekends above weekdays, 年货节 before the Spring
Festival, a dip during the holiday and a rise after it, 38 女王节, 520, 618, 中秋 gift season,
the 双11 presale / peak and 双12. A gentle growth trend makes recent months busier than a year ago.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass
from datetime import date, timedelta

WINDOW_DAYS = 365

# Spring Festival (正月初一) and Mid-Autumn (中秋) dates; later years fall back to a close estimate.
SPRING_FESTIVAL = {
    2023: date(2023, 1, 22), 2024: date(2024, 2, 10), 2025: date(2025, 1, 29),
    2026: date(2026, 2, 17), 2027: date(2027, 2, 6), 2028: date(2028, 1, 26),
    2029: date(2029, 2, 13), 2030: date(2030, 2, 3), 2031: date(2031, 1, 23),
    2032: date(2032, 2, 11), 2033: date(2033, 1, 31), 2034: date(2034, 2, 19),
    2035: date(2035, 2, 8),
}
MID_AUTUMN = {
    2023: date(2023, 9, 29), 2024: date(2024, 9, 17), 2025: date(2025, 10, 6),
    2026: date(2026, 9, 25), 2027: date(2027, 9, 15), 2028: date(2028, 10, 3),
    2029: date(2029, 9, 22), 2030: date(2030, 9, 12), 2031: date(2031, 10, 1),
    2032: date(2032, 9, 19), 2033: date(2033, 9, 8), 2034: date(2034, 9, 27),
    2035: date(2035, 9, 16),
}
WEEKDAY_FACTOR = (0.9, 0.9, 0.95, 1.0, 1.1, 1.35, 1.3)  # Monday .. Sunday


def spring_festival(year: int) -> date:
    """正月初一 of ``year`` (table, else 5 February as an estimate)."""
    return SPRING_FESTIVAL.get(year, date(year, 2, 5))


def mid_autumn(year: int) -> date:
    """中秋 of ``year`` (table, else 25 September as an estimate)."""
    return MID_AUTUMN.get(year, date(year, 9, 25))


def _spring_factor(day: date) -> float:
    """年货节 rise, the holiday dip and the rise after it."""
    for year in (day.year, day.year + 1):
        offset = (day - spring_festival(year)).days
        if -25 <= offset <= -8:
            return 1.6
        if -7 <= offset <= -1:
            return 1.1
        if 0 <= offset <= 6:
            return 0.45
        if 7 <= offset <= 14:
            return 1.25
    return 1.0


def _festival_factor(day: date) -> float:
    """Shopping festivals by month and day."""
    md = (day.month, day.day)
    if md == (11, 11):
        return 9.0
    if md == (11, 10):
        return 3.5
    if (11, 1) <= md <= (11, 9):
        return 2.3
    if (10, 20) <= md <= (10, 31) or md in ((11, 12), (11, 13)):
        return 1.3
    if md == (6, 18):
        return 5.0
    if md in ((6, 16), (6, 17)):
        return 2.5
    if (6, 1) <= md <= (6, 15):
        return 1.5
    if md == (12, 12):
        return 2.0
    if md == (5, 20):
        return 1.4
    if (3, 6) <= md <= (3, 8):
        return 1.3
    gift = (mid_autumn(day.year) - day).days
    return 1.4 if 1 <= gift <= 12 else 1.0


def promo_season(day: date) -> str | None:
    """Name of the big promotion season a day falls in ('cny', '618', 'd11'), or None."""
    md = (day.month, day.day)
    if (10, 20) <= md <= (11, 11):
        return "d11"
    if (6, 1) <= md <= (6, 18):
        return "618"
    for year in (day.year, day.year + 1):
        if -25 <= (day - spring_festival(year)).days <= -8:
            return "cny"
    return None


def day_weight(day: date, trend: float = 1.0) -> float:
    """Relative order volume of one local day."""
    return WEEKDAY_FACTOR[day.weekday()] * _spring_factor(day) * _festival_factor(day) * trend


@dataclass(frozen=True)
class Window:
    """The demo's 365 local days before ``as_of`` with cumulative weights for sampling."""

    as_of: date
    days: tuple[date, ...]
    cumulative: tuple[float, ...]

    @property
    def start(self) -> date:
        """First day of the window."""
        return self.days[0]

    def index(self, day: date) -> int:
        """Position of ``day`` in the window, clamped to it."""
        return min(max((day - self.days[0]).days, 0), len(self.days) - 1)

    def sample(self, rng: random.Random, lo: int = 0, hi: int | None = None) -> int:
        """A day index in [lo, hi] drawn by weight (seasonality preserved inside any range)."""
        hi = len(self.days) - 1 if hi is None else hi
        base = self.cumulative[lo - 1] if lo > 0 else 0.0
        point = base + rng.random() * (self.cumulative[hi] - base)
        return min(bisect.bisect_right(self.cumulative, point, lo, hi + 1), hi)


def build_window(as_of: date, days: int = WINDOW_DAYS) -> Window:
    """The window of ``days`` local days ending the day before ``as_of`` (growth ~30% a year)."""
    span = [as_of - timedelta(days=days - i) for i in range(days)]
    total = 0.0
    cumulative = []
    for i, day in enumerate(span):
        total += day_weight(day, trend=0.85 + 0.3 * i / days)
        cumulative.append(total)
    return Window(as_of, tuple(span), tuple(cumulative))
