"""A rule engine problem in the user's language, for the rules editor, the promotion editor and the API.

The engine gives each problem a stable ``reason`` and its ``params`` (``engine.rules.REASONS``); the
text is ``rule_problem.<reason>`` in app/i18n with the params filled in the marketer's words: fields by
their catalogue label (``customer.tier`` → 会员等级), operators by their label (``>=`` → 大于等于),
types and enum options by name. A reason without a string, or a string whose params are missing,
falls back to the engine's English ``message``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from app.i18n import LOCALES, translate, translations
from services import rules as rule_service

PREFIX = "rule_problem."
EVAL_PREFIX = "rule_eval."  # why trying a rule on a sample failed (services.rules.EVAL_REASONS)


def has_text(reason: str) -> bool:
    """True if every locale has a string for the reason."""
    return all(PREFIX + reason in table for table in translations().values())


def problem_text(problem: Mapping[str, Any], locale: str, prefix: str = PREFIX) -> str:
    """The problem for people in ``locale`` (the English message when the reason has no string).

    ``prefix`` picks the family of strings: ``PREFIX`` for a rule's problems, ``EVAL_PREFIX`` for why
    evaluating it failed.
    """
    message = str(problem.get("message", ""))
    reason = str(problem.get("reason") or problem.get("code") or "")
    try:
        template = translate(prefix + reason, locale)
    except KeyError:
        return message
    params = problem.get("params") or {}
    try:
        return template.format(**_words(params, locale))
    except (KeyError, IndexError, ValueError):
        return message


def problem_texts(problem: Mapping[str, Any], prefix: str = PREFIX) -> dict[str, str]:
    """``{locale: text}`` for every locale."""
    return {loc: problem_text(problem, loc, prefix) for loc in LOCALES}


def api_keys(problem: Mapping[str, Any]) -> dict[str, Any]:
    """What the REST API adds to a rule problem's error field: code, reason, params and the Chinese text.

    The API does not negotiate languages: ``message`` stays the engine's English, ``message_zh`` is
    the text the zh-CN UI shows.
    """
    return {"code": problem.get("code", ""), "reason": problem.get("reason") or problem.get("code", ""),
            "params": dict(problem.get("params") or {}), "message_zh": problem_text(problem, "zh-CN")}


def _words(params: Mapping[str, Any], locale: str) -> dict[str, str]:
    """Every param as the words a marketer reads."""
    field = rule_service.catalogue().get(str(params["field"])) if "field" in params else None
    out: dict[str, str] = {}
    for name, value in params.items():
        if name == "field":
            out[name] = field.label(locale) if field is not None else str(value)
        elif name == "operator":
            out[name] = rule_service.operator_label(str(value), locale)
        elif name in ("type", "value_type"):
            out[name] = _translated(f"rule_type.{value}", locale, str(value))
        elif name == "value":
            out[name] = _value(value, field, locale)
        elif name == "options":
            out[name] = _join([_option(field, v, locale) for v in value], locale)
        elif isinstance(value, list):
            out[name] = _join([str(v) for v in value], locale)
        else:
            out[name] = str(value)
    return out


def _translated(key: str, locale: str, default: str) -> str:
    """A translation, or ``default`` for a key the files do not have."""
    try:
        return translate(key, locale)
    except KeyError:
        return default


def _join(items: list[str], locale: str) -> str:
    """Items joined the way the locale lists them (、 / , )."""
    return translate("rules.list_sep", locale).join(items)


def _option(field: Any, value: Any, locale: str) -> str:
    """An enum value by its label (gold → 金卡会员), else as stored."""
    for option in getattr(field, "options", ()) or ():
        if option.value == value:
            return option.en if locale.startswith("en") else option.zh
    return str(value)


def _value(value: Any, field: Any, locale: str) -> str:
    """A literal as the marketer typed it: text quoted, an option by its label, true/false as 是/否."""
    if isinstance(value, bool):
        return translate("rules.true" if value else "rules.false", locale)
    if isinstance(value, str):
        label = _option(field, value, locale)
        return translate("rules.quoted", locale).format(value=label)
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)
