"""Coupon codes: 10 random Crockford base32 characters (50 bits), read back forgivingly.

Crockford's alphabet has no I, L, O or U, so a code read aloud or typed from paper is unambiguous;
``normalise`` maps the look-alikes back (O→0, I/L→1), upper-cases, and drops spaces and hyphens, so
``abcd-efgh-jk`` finds ``ABCDEFGHJK``. ``display`` groups a code as ``ABCDE-FGHJK``.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    """A fresh random code (``secrets``: unguessable)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def new_codes(count: int, taken: set[str] | None = None) -> set[str]:
    """``count`` distinct fresh codes, none of them in ``taken``."""
    taken = taken or set()
    out: set[str] = set()
    while len(out) < count:
        code = new_code()
        if code not in taken:
            out.add(code)
    return out


def normalise(code: str) -> str:
    """The canonical form of a typed code (upper case, no separators, look-alikes mapped)."""
    return code.strip().upper().replace("-", "").replace(" ", "").translate(_LOOKALIKES)


def display(code: str) -> str:
    """A 10-character code grouped for reading (``ABCDE-FGHJK``); other codes unchanged."""
    return f"{code[:5]}-{code[5:]}" if len(code) == LENGTH else code
