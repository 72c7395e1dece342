"""JSON-Logic value semantics: truthiness, number coercion, loose/strict equality, ordering, text.

Numbers follow JavaScript (the language JSON-Logic was specified in), except that a ``Decimal``
(money) operand turns the whole operation exact: the other operand is converted to ``Decimal``
from its shortest text, so ``0.1 + 0.2 == 0.3`` holds for money.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from engine.rules.errors import nan_error

SHANGHAI = ZoneInfo("Asia/Shanghai")
Number = int | float | Decimal
NAN = float("nan")
_DECIMAL_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INT_RE = re.compile(r"[+-]?\d+")
_RADIX = {"0x": 16, "0o": 8, "0b": 2}
_INFINITIES = {"Infinity": math.inf, "+Infinity": math.inf, "-Infinity": -math.inf}


def truthy(value: Any) -> bool:
    """JSON-Logic truthiness: false, null, 0, NaN, "" and [] are false; everything else (even {}) is true."""
    if value is None or value is False:
        return False
    if value is True:
        return True
    if isinstance(value, (int, float, Decimal)):
        return value == value and value != 0
    if isinstance(value, (str, list, tuple)):
        return len(value) > 0
    return True


def is_number(value: Any) -> bool:
    """True for int, float and Decimal values (not bool)."""
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def is_nan(value: Any) -> bool:
    """True if the number is NaN (float or Decimal)."""
    return isinstance(value, (float, Decimal)) and value != value


def str_to_number(text: str) -> Number:
    """JavaScript ``Number(text)``: trimmed decimal, hex/octal/binary or Infinity; NaN otherwise."""
    s = text.strip()
    if not s:
        return 0
    if _INT_RE.fullmatch(s):
        return int(s)
    if _DECIMAL_RE.fullmatch(s):
        return float(s)
    if s in _INFINITIES:
        return _INFINITIES[s]
    radix = _RADIX.get(s[:2].lower())
    if radix is not None:
        try:
            return int(s[2:], radix)
        except ValueError:
            return NAN
    return NAN


def to_number(value: Any) -> Number:
    """JavaScript ``Number(value)`` for scalars (Decimal kept exact); NaN for arrays, objects, junk."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float, Decimal)):
        return value
    if value is None:
        return 0
    if isinstance(value, str):
        return str_to_number(value)
    return NAN


def to_decimal(original: Any, number: Number) -> Decimal:
    """The exact Decimal of an operand: strings parsed directly, floats from their shortest text."""
    if isinstance(number, Decimal):
        return number
    if isinstance(original, str) and not isinstance(number, int):
        try:
            return Decimal(original.strip())
        except InvalidOperation:
            pass
    if isinstance(number, float):
        return Decimal(repr(number)) if math.isfinite(number) else Decimal(str(number).replace("inf", "Infinity"))
    return Decimal(number)


def number_pair(a: Any, b: Any) -> tuple[Number, Number]:
    """Both operands as numbers; if either is Decimal, both become Decimal (exact money arithmetic)."""
    x, y = to_number(a), to_number(b)
    if type(x) is Decimal or type(y) is Decimal:
        return to_decimal(a, x), to_decimal(b, y)
    return x, y


def js_number_str(n: Number) -> str:
    """A number as JavaScript prints it (``1.0`` → ``1``, inf → ``Infinity``)."""
    if isinstance(n, Decimal):
        return format(n.normalize(), "f") if n == n and n.is_finite() else ("NaN" if n != n else str(n))
    if isinstance(n, float):
        if n != n:
            return "NaN"
        if math.isinf(n):
            return "Infinity" if n > 0 else "-Infinity"
        if n.is_integer() and abs(n) < 1e21:
            return str(int(n))
        return repr(n).replace("e-0", "e-").replace("e+0", "e+")
    return str(n)


def js_str(value: Any) -> str:
    """JavaScript ``String(value)`` for JSON values (arrays join with commas)."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return js_number_str(value)
    if isinstance(value, (list, tuple)):
        return ",".join("" if v is None else js_str(v) for v in value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return "[object Object]"


def cat_str(value: Any) -> str:
    """Text of one ``cat`` operand: null is empty, everything else as ``js_str``."""
    return "" if value is None else js_str(value)


def strict_equals(a: Any, b: Any) -> bool:
    """``===``: same JSON type and same value (numbers compare across int/float/Decimal)."""
    if is_number(a) and is_number(b):
        x, y = number_pair(a, b)
        return x == y
    if type(a) is not type(b) and not (isinstance(a, (list, tuple)) and isinstance(b, (list, tuple))):
        return False
    return a == b


def _comparable(value: Any) -> Any:
    """Refuse arrays and objects in ``==``/``<``: they are never numbers (the NaN error)."""
    if isinstance(value, (list, tuple, dict)):
        raise nan_error()
    return value


def _temporal(a: Any, b: Any) -> tuple[Any, Any] | None:
    """Both sides as aware datetimes if either is a date/datetime (the other may be ISO text)."""
    if not isinstance(a, date) and not isinstance(b, date):
        return None
    x, y = to_datetime(a), to_datetime(b)
    if x is None or y is None:
        raise nan_error()
    return x, y


def loose_equals(a: Any, b: Any) -> bool:
    """``==``: values of one type compare directly; otherwise both become numbers (null is 0).

    null equals null, 0 and false but never a string; an array or object, or a string that is
    not a number compared with a number, raises the NaN error (JSON-Logic community suites).
    """
    ta, tb = type(a), type(b)
    if ta is tb and ta is not list and ta is not dict:
        return a == b
    a, b = _comparable(a), _comparable(b)
    if (a is None and isinstance(b, str)) or (b is None and isinstance(a, str)):
        return False
    pair = _temporal(a, b)
    if pair is not None:
        return pair[0] == pair[1]
    x, y = number_pair(a, b)
    if x != x or y != y:
        raise nan_error()
    return x == y


def less_than(a: Any, b: Any, or_equal: bool = False) -> bool:
    """``<`` / ``<=``: two strings compare as text, dates as instants, anything else as numbers."""
    ta, tb = type(a), type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return a <= b if or_equal else a < b
    a, b = _comparable(a), _comparable(b)
    if ta is str and tb is str:
        return a <= b if or_equal else a < b
    pair = _temporal(a, b)
    x, y = pair if pair is not None else number_pair(a, b)
    if is_nan(x) or is_nan(y):
        raise nan_error()
    return x <= y if or_equal else x < y


def to_datetime(value: Any) -> datetime | None:
    """An aware datetime from a datetime, a date (midnight Asia/Shanghai) or ISO text; else None."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=SHANGHAI)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=SHANGHAI)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=SHANGHAI)
    return None
