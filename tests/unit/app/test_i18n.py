"""The translation files: complete, really translated, and covering every key the code uses."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from app.i18n import DEFAULT_LOCALE, LOCALES, normalise_locale, translate, translations
from app.nav import SECTIONS

APP_DIR = Path(__file__).resolve().parents[3] / "app"
CJK = re.compile(r"[\u3400-\u9fff]")
# The same word in both languages on purpose: each language's own name and the logo mark.
SAME_IN_BOTH = {"lang.zh-CN", "lang.en", "app.mark", "rules.tab_json"}


def _python_files() -> list[Path]:
    """Every module of the app package except the API (another team's)."""
    return [p for p in APP_DIR.rglob("*.py") if "api" not in p.relative_to(APP_DIR).parts]


def _string_constants(path: Path) -> list[tuple[int, str]]:
    """String literals of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and node.body and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


KEY_TAKERS = {"t", "translate", "notice", "_kpi_card", "_field", "say"}
KEY = re.compile(r"^[a-z_]+\.[A-Za-z0-9_.-]+$")


def _used_keys() -> set[str]:
    """Literal translation keys passed to t(...), translate(...) and the helpers that call t."""
    keys: set[str] = set()
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in KEY_TAKERS:
                keys.update(a.value for a in node.args
                            if isinstance(a, ast.Constant) and isinstance(a.value, str)
                            and KEY.match(a.value))
    return keys


def test_the_key_scan_finds_keys_in_the_code() -> None:
    assert {"login.invalid", "dashboard.gmv", "forbidden.title"} <= _used_keys()


def test_every_locale_has_exactly_the_same_keys() -> None:
    tables = translations()
    assert set(tables) == set(LOCALES)
    zh, en = set(tables["zh-CN"]), set(tables["en"])
    assert zh - en == set(), f"missing in en: {sorted(zh - en)}"
    assert en - zh == set(), f"missing in zh-CN: {sorted(en - zh)}"


def test_no_string_is_empty() -> None:
    for locale, table in translations().items():
        empty = [key for key, value in table.items() if not value.strip()]
        assert empty == [], f"{locale}: empty strings for {empty}"


def test_english_strings_are_english_and_chinese_strings_are_translated() -> None:
    zh, en = translations()["zh-CN"], translations()["en"]
    untranslated = [k for k in zh if zh[k] == en[k] and k not in SAME_IN_BOTH]
    assert untranslated == [], f"identical in both languages: {untranslated}"
    chinese_in_english = [k for k, v in en.items() if CJK.search(v) and k not in SAME_IN_BOTH]
    assert chinese_in_english == [], f"Chinese text in en.json: {chinese_in_english}"


def test_placeholders_match_between_languages() -> None:
    zh, en = translations()["zh-CN"], translations()["en"]
    fields = re.compile(r"\{(\w*)\}")
    for key in zh:
        assert sorted(fields.findall(zh[key])) == sorted(fields.findall(en[key])), key


def test_every_key_the_code_uses_exists() -> None:
    used = _used_keys() | {s.label_key for s in SECTIONS} | {s.description_key for s in SECTIONS}
    used |= {f"role.{r}" for s in SECTIONS for r in s.roles} | {f"lang.{loc}" for loc in LOCALES}
    missing = sorted(k for k in used if k not in translations()["zh-CN"])
    assert missing == []


def test_no_chinese_text_is_hard_coded_in_app_code() -> None:
    offenders = [
        f"{path.relative_to(APP_DIR)}:{line}: {value!r}"
        for path in _python_files()
        for line, value in _string_constants(path)
        if CJK.search(value)
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("given", "expected"),
    [("zh-CN", "zh-CN"), ("en", "en"), ("en-US", "en"), ("zh-TW", "zh-CN"), ("", DEFAULT_LOCALE),
     (None, DEFAULT_LOCALE), ("fr", DEFAULT_LOCALE)],
)
def test_locales_are_normalised_to_a_supported_one(given: str | None, expected: str) -> None:
    assert normalise_locale(given) == expected


def test_translate_picks_the_language_and_rejects_unknown_keys() -> None:
    assert translate("nav.dashboard", "zh-CN") == "数据看板"
    assert translate("nav.dashboard", "en") == "Dashboard"
    with pytest.raises(KeyError):
        translate("nav.no_such_key", "en")
