"""Translations of the UI: one JSON file per locale, zh-CN the default.

``translate(key, locale)`` is for Python code (toasts, formatted values); pages use
``app.state.t(key)``, which picks the string in the browser from the current locale.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

LOCALES: tuple[str, ...] = ("zh-CN", "en")
DEFAULT_LOCALE = "zh-CN"
_FILES = {"zh-CN": "zh_CN.json", "en": "en.json"}
_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def translations() -> dict[str, dict[str, str]]:
    """Every locale's table of key -> string, loaded once."""
    return {
        locale: json.loads((_DIR / name).read_text(encoding="utf-8"))
        for locale, name in _FILES.items()
    }


def normalise_locale(value: str | None) -> str:
    """A supported locale for any input ('en-US' -> 'en', unknown -> the default)."""
    if not value:
        return DEFAULT_LOCALE
    if value in LOCALES:
        return value
    lowered = value.lower()
    if lowered.startswith("zh"):
        return "zh-CN"
    if lowered.startswith("en"):
        return "en"
    return DEFAULT_LOCALE


def translate(key: str, locale: str = DEFAULT_LOCALE) -> str:
    """The string for ``key`` in ``locale``; raises KeyError for a missing key (caught by tests)."""
    return translations()[normalise_locale(locale)][key]


def entry(key: str) -> dict[str, str]:
    """``{locale: string}`` for one key, in every locale."""
    return {locale: table[key] for locale, table in translations().items()}
