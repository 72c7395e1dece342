"""Demo customers: who they are (name, gender, age, city), how they buy, and their identifiers.

Identifiers are unique per namespace across the whole data set; raw phone numbers come in the
formats real sources deliver ("+86 138-0013-8000", "13800138000", "138 0013 8000") and are
normalised by storage.crypto before blind indexing.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from services.demo.reference import (
    COMPOUND_SURNAMES,
    EMAIL_DOMAINS,
    GIVEN_ANY,
    GIVEN_F,
    GIVEN_M,
    MOBILE_PREFIXES,
    NICK_NOUNS,
    NICK_WORDS,
    OTHER_CITIES,
    PRIMARY_CHANNEL_WEIGHTS,
    STORES,
    SURNAMES,
    SYLLABLES,
)

# persona -> (share, min orders, max orders, member probability)
PERSONAS: dict[str, tuple[float, int, int, float]] = {
    "browser": (0.15, 0, 0, 0.6),
    "once": (0.48, 1, 1, 0.55),
    "regular": (0.25, 2, 5, 0.8),
    "loyal": (0.09, 6, 14, 0.95),
    "heavy": (0.03, 15, 60, 1.0),
}
_AGE_BANDS = ((18, 22, 12), (23, 29, 30), (30, 39, 33), (40, 49, 16), (50, 65, 9))
_OPENID_CHARS = string.ascii_letters + string.digits + "-_"
_DOMAIN_WEIGHTS = [w for _, w in EMAIL_DOMAINS]
_STORE_CITIES = sorted({s[0] for s in STORES})


@dataclass(slots=True)
class Profile:
    """One customer while the data set is generated (mutated as their orders are made)."""

    id: int
    code: str
    name: str
    gender: str
    birth_date: date | None
    age: int
    city: str
    province: str
    home_stores: list[int]
    persona: str
    primary: str
    is_member: bool
    phone: str | None
    email: str | None
    registered_at: datetime | None = None
    channels: dict[str, datetime] = field(default_factory=dict)  # channel -> first order time
    tags: dict[str, str] = field(default_factory=dict)  # tag -> source
    coupons: set[str] = field(default_factory=set)  # templates the customer holds a coupon of


class Uniques:
    """Values already handed out, per namespace, so every identifier is unique."""

    def __init__(self) -> None:
        self._seen: dict[str, set[str]] = {}

    def take(self, namespace: str, make: Callable[[], str], key: Callable[[str], str] = str) -> str:
        """Call ``make()`` until its value (compared as ``key(value)``) is new in ``namespace``."""
        seen = self._seen.setdefault(namespace, set())
        while True:
            value = make()
            if key(value) not in seen:
                seen.add(key(value))
                return value


def chinese_name(rng: random.Random, gender: str) -> str:
    """A plausible Chinese full name (surname + one or two given characters)."""
    surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.015 else rng.choice(SURNAMES)
    pool = GIVEN_F if gender == "F" else GIVEN_M if gender == "M" else GIVEN_ANY + GIVEN_F + GIVEN_M
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.72 else "")
    return surname + given


def mobile(rng: random.Random) -> str:
    """An 11-digit mainland mobile number."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


def raw_phone(rng: random.Random, digits: str) -> str:
    """The number as some source system wrote it."""
    a, b, c = digits[:3], digits[3:7], digits[7:]
    formats = (digits, f"+86 {a}-{b}-{c}", f"{a} {b} {c}", f"+86{digits}", f"{a}-{b}-{c}", f"0086 {digits}")
    return rng.choices(formats, weights=(50, 15, 15, 8, 8, 4))[0]


def email_address(rng: random.Random, birth_year: int | None) -> str:
    """A mailbox the way Chinese customers have them (QQ numbers, pinyin + digits), mixed case."""
    domain = rng.choices(EMAIL_DOMAINS, weights=_DOMAIN_WEIGHTS)[0][0]
    if domain in ("qq.com", "foxmail.com") and rng.random() < 0.7:
        local = str(rng.randint(10_000, 3_999_999_999))
    else:
        local = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))
        local += str(birth_year or rng.randint(1, 999)) if rng.random() < 0.6 else str(rng.randint(1, 99))
    if rng.random() < 0.1:
        local = local.capitalize()
    return f"{local}@{domain}" if rng.random() < 0.95 else f" {local}@{domain.upper()} "


def openid(rng: random.Random) -> str:
    """A WeChat mini-program openid (28 characters, starts with 'o')."""
    return "o" + "".join(rng.choices(_OPENID_CHARS, k=27))


def unionid(rng: random.Random) -> str:
    """A WeChat unionid (28 characters)."""
    return "oU" + "".join(rng.choices(_OPENID_CHARS, k=26))


def tmall_nick(rng: random.Random) -> str:
    """A Taobao / Tmall buyer nickname."""
    if rng.random() < 0.45:
        return f"tb{rng.randint(10_000_000, 9_999_999_999)}"
    return rng.choice(NICK_WORDS) + rng.choice(NICK_NOUNS) + str(rng.randint(1, 9999))


def douyin_id(rng: random.Random) -> str:
    """A Douyin user id (digits, or a custom handle)."""
    if rng.random() < 0.6:
        return str(rng.randint(10**9, 10**11))
    return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 8))) + str(rng.randint(1, 9999))


def member_card(rng: random.Random) -> str:
    """A membership card number of the brand."""
    return f"YX{rng.randrange(10**10):010d}"


def _city(rng: random.Random) -> tuple[str, str, list[int]]:
    """Home city, province and the indexes of the stores there (none for most other cities)."""
    if rng.random() < 0.85:
        home = rng.randrange(len(STORES))
        city, province = STORES[home][0], STORES[home][1]
    else:
        city, province = rng.choice(OTHER_CITIES)
    return city, province, [i for i, s in enumerate(STORES) if s[0] == city]


def _age(rng: random.Random) -> int:
    """Age drawn from the brand's customer age bands."""
    lo, hi, _ = rng.choices(_AGE_BANDS, weights=[b[2] for b in _AGE_BANDS])[0]
    return rng.randint(lo, hi)


def _primary(rng: random.Random, has_store: bool) -> str:
    """The channel a customer mostly buys through."""
    weights = dict(PRIMARY_CHANNEL_WEIGHTS)
    if not has_store:
        weights.pop("store")
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def make_profile(rng: random.Random, index: int, as_of: date, uniques: Uniques) -> Profile:
    """The ``index``-th customer (0-based) with demographics, persona and contact data."""
    gender = rng.choices("FMU", weights=(58, 38, 4))[0]
    age = _age(rng)
    birth = date(as_of.year - age, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.9 else None
    city, province, stores = _city(rng)
    persona = rng.choices(list(PERSONAS), weights=[p[0] for p in PERSONAS.values()])[0]
    primary = _primary(rng, bool(stores))
    member = rng.random() < PERSONAS[persona][3]
    # platform-only buyers do not give the brand their phone number
    has_phone = member or primary not in ("tmall", "douyin") or rng.random() < 0.3
    phone = uniques.take("phone", lambda: mobile(rng)) if has_phone else None
    email = None
    if rng.random() < 0.35:
        year = birth.year if birth else None
        email = uniques.take("email", lambda: email_address(rng, year), key=lambda v: v.strip().lower())
    return Profile(index + 1, f"C{index + 1:07d}", chinese_name(rng, gender), gender, birth, age,
                   city, province, stores, persona, primary, member, phone, email)


def order_count(rng: random.Random, persona: str) -> int:
    """How many orders a customer of ``persona`` places in the year."""
    _, lo, hi, _ = PERSONAS[persona]
    if hi <= lo:
        return lo
    return int(lo + (hi - lo) * rng.random() ** 1.6)  # most near the low end
