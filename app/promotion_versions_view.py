"""Promotion versions for the editor's history panel, in the marketer's words (plain Python, testable
without a browser or a database).

``version_rows`` lists the versions (newest first) with who saved each, when (Shanghai time) and a
one-line summary per locale; ``changes`` compares two versions field by field — name, type, deal
parameters, products, condition, schedule, budgets, stacking, coupon code — as rows of
``{key, label, old, new}`` per locale. Fields are compared on their stored values, then put into
words. The raw JSON diff is ``services.docdiff.unified``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from app.format import local_datetime, money
from app.i18n import LOCALES, translate
from app.promotions_view import bare_condition, deal_summary, message_for, problem_message, scope_summary
from app.rules_view import describe

NONE = "—"
LIST_LIMIT = 8  # longer lists show their count and what was added / removed
UNRECORDED = ("not recorded",)  # limits of a version saved before versions kept them
MONEY_PARAMS = ("threshold", "price", "max_off", "gift_value", "gift_cost")
PERCENT_PARAMS = ("percent", "get_percent_off")
# deal parameters in the order the editor shows them, with their label keys
PARAMS: tuple[tuple[str, str], ...] = (
    ("tiers", "promo.field_tiers"), ("repeat", "promo.ver_f_repeat"), ("percent", "promo.field_percent"),
    ("price", "promo.field_price"), ("buy", "promo.field_buy"), ("get", "promo.field_get"),
    ("get_percent_off", "promo.field_get_percent_off"), ("threshold", "promo.field_threshold"),
    ("gift_sku", "promo.field_gift_sku"), ("gift_qty", "promo.field_gift_qty"),
    ("gift_value", "promo.field_gift_value"), ("gift_cost", "promo.field_gift_cost"),
    ("max_off", "promo.field_max_off"),
)
LIST_FIELDS = ("scope.categories", "scope.skus", "scope.exclude_skus")


@dataclass(frozen=True)
class Names:
    """What codes stand for: category code -> label per locale, SKU -> product name."""

    categories: dict[str, dict[str, str]] = field(default_factory=dict)
    products: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Field:
    """A compared field: its key, label, the stored value compared, and that value in words."""

    key: str
    label: str
    raw: Callable[[Any], Any]
    show: Callable[[Any, Names, str], str]


# ---------------------------------------------------------------- values in words


def _number(value: Any) -> Decimal | None:
    """A stored number (text or number) as a Decimal, None if it is not one."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _plain_number(value: Any) -> str:
    """50.00 -> '50', 7.50 -> '7.5'."""
    number = _number(value)
    if number is None:
        return str(value)
    return f"{number.normalize():f}" if number == number.to_integral() else f"{number:f}".rstrip("0")


def _money(value: Any) -> str:
    """¥1,234.56, or the value as given if it is not a number."""
    number = _number(value)
    return money(number) if number is not None else str(value)


def _listed(items: list[str], locale: str) -> str:
    """A list joined the way the language joins lists."""
    return translate("rules.list_sep", locale).join(items)


def _product(sku: str, names: Names) -> str:
    """'帆布袋 (YX-LIFE-BAG-011)', or the SKU alone when the catalogue does not know it."""
    name = names.products.get(sku)
    return f"{name} ({sku})" if name else sku


def _tiers(tiers: Any, locale: str) -> str:
    """满300减50，满500减100 (lowest threshold first), — without tiers."""
    if not tiers:
        return NONE
    return translate("promo.sum_sep", locale).join(
        translate("promo.sum_tier", locale).format(threshold=_plain_number(t), off=_plain_number(o))
        for t, o in tiers)


def _param(key: str) -> Callable[[Any, Names, str], str]:
    """How one deal parameter reads (— when not set)."""
    def show(value: Any, names: Names, locale: str) -> str:
        """The parameter's value in words."""
        if key == "tiers":
            return _tiers(value, locale)
        if key == "repeat":
            return translate("rules.true" if value else "rules.false", locale)
        if value is None or value == "":
            return NONE
        if key in MONEY_PARAMS:
            return _money(value)
        if key in PERCENT_PARAMS:
            return f"{_plain_number(value)}%"
        return _product(str(value), names) if key == "gift_sku" else _plain_number(value)
    return show


def _tier_values(params: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The tiers as (threshold, off) text pairs, lowest threshold first."""
    tiers = [t for t in params.get("tiers") or [] if isinstance(t, dict)]
    tiers.sort(key=lambda t: _number(t.get("threshold")) or Decimal(0))
    return tuple((str(t.get("threshold")), str(t.get("off"))) for t in tiers)


def condition_text(condition: Any, locale: str) -> str:
    """A JSON-Logic condition in words: 会员等级 等于 金卡会员 并且 (…); no condition = everyone."""
    node = bare_condition(condition)
    if not node or node is True:
        return translate("promo.ver_condition_none", locale)
    return _condition_words(node, locale)


def _is_group(node: Any) -> bool:
    """An and/or of several conditions."""
    if not isinstance(node, dict) or len(node) != 1:
        return False
    op, args = next(iter(node.items()))
    return op in ("and", "or") and isinstance(args, list) and len(args) > 1


def _condition_words(node: Any, locale: str) -> str:
    """Conditions joined by 并且 / 或者, inner groups in brackets."""
    if not _is_group(node):
        return describe(node, locale)
    op, args = next(iter(node.items()))
    parts = []
    for arg in args:
        inner = bare_condition(arg)
        text = _condition_words(inner, locale)
        parts.append(f"({text})" if _is_group(inner) else text)
    return f" {translate('rules.' + op, locale)} ".join(parts)


def _when(empty_key: str) -> Callable[[Any, Names, str], str]:
    """A stored time in Shanghai time, or what no time means (立即开始 / 不设结束)."""
    def show(value: Any, names: Names, locale: str) -> str:
        """The time in words."""
        if not value:
            return translate(empty_key, locale)
        when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        return local_datetime(when)
    return show


def _scope_items(key: str) -> Callable[[Any], Any]:
    """A version's categories / products / exclusions; None for 'the whole catalogue'."""
    def raw(version: Any) -> Any:
        """The sorted codes (None: nothing picked, every product takes part)."""
        scope = version.definition.get("scope") or {}
        if key != "exclude_skus" and not scope.get("categories") and not scope.get("skus"):
            return None
        return tuple(sorted(str(x) for x in scope.get(key) or []))
    return raw


def _item_names(key: str, items: Iterable[str], names: Names, locale: str) -> list[str]:
    """Category labels or product names of codes."""
    if key == "scope.categories":
        return [names.categories.get(c, {}).get(locale, c) for c in items]
    return [_product(s, names) for s in items]


def _scope_show(key: str) -> Callable[[Any, Names, str], str]:
    """A list of categories or products in words (全场商品 / — / the names)."""
    def show(value: Any, names: Names, locale: str) -> str:
        """The list in words."""
        if value is None:
            return translate("promo.scope_all", locale)
        return _listed(_item_names(key, value, names, locale), locale) if value else NONE
    return show


def _limit(key: str) -> Callable[[Any], Any]:
    """A budget or the per-customer limit a version saved (UNRECORDED if it did not)."""
    def raw(version: Any) -> Any:
        """The value compared."""
        return UNRECORDED if version.limits is None else getattr(version.limits, key)
    return raw


def _limit_show(value: Any, names: Names, locale: str) -> str:
    """不限 when none, 未记录 for versions that did not save it."""
    if value == UNRECORDED:
        return translate("promo.ver_not_recorded", locale)
    if value is None:
        return translate("promo.unlimited", locale)
    return _money(value) if isinstance(value, Decimal) else f"{value:,}"


def _text(value: Any, names: Names, locale: str) -> str:
    """Text as it is (— when empty)."""
    return str(value) if value not in (None, "") else NONE


# ---------------------------------------------------------------- fields


def _definition(key: str) -> Callable[[Any], Any]:
    """A top-level field of the definition."""
    return lambda v: v.definition.get(key)


def _part(part: str, key: str, default: Any = None) -> Callable[[Any], Any]:
    """A field of params or stacking."""
    return lambda v: (v.definition.get(part) or {}).get(key, default)


FIELDS: tuple[Field, ...] = (
    Field("name", "promo.field_name", _definition("name"), _text),
    Field("type", "promo.field_type", _definition("type"),
          lambda value, n, loc: translate(f"promo.type_{value}", loc)),
    Field("params.tiers", "promo.field_tiers", lambda v: _tier_values(v.definition.get("params") or {}),
          _param("tiers")),
    Field("params.repeat", "promo.ver_f_repeat", lambda v: bool(_part("params", "repeat")(v)), _param("repeat")),
    *(Field(f"params.{key}", label, _part("params", key), _param(key)) for key, label in PARAMS[2:]),
    Field("scope.categories", "promo.ver_f_categories", _scope_items("categories"), _scope_show("scope.categories")),
    Field("scope.skus", "promo.ver_f_skus", _scope_items("skus"), _scope_show("scope.skus")),
    Field("scope.exclude_skus", "promo.ver_f_excluded", _scope_items("exclude_skus"),
          _scope_show("scope.exclude_skus")),
    Field("condition", "promo.sec_condition", lambda v: bare_condition(v.definition.get("condition")),
          lambda value, n, loc: condition_text(value, loc)),
    Field("starts_at", "promo.field_starts", _definition("starts_at"), _when("promo.now")),
    Field("ends_at", "promo.field_ends", _definition("ends_at"), _when("promo.no_end")),
    Field("budget_amount", "promo.field_budget_amount", _limit("budget_amount"), _limit_show),
    Field("budget_uses", "promo.field_budget_uses", _limit("budget_uses"), _limit_show),
    Field("per_customer_limit", "promo.field_per_customer", _limit("per_customer_limit"), _limit_show),
    Field("stacking.exclusive", "promo.field_exclusive", lambda v: bool(_part("stacking", "exclusive")(v)),
          lambda value, n, loc: translate("promo.exclusive_on" if value else "promo.exclusive_off", loc)),
    Field("stacking.group", "promo.field_group", _part("stacking", "group"), _text),
    Field("stacking.priority", "promo.field_priority", lambda v: int(_part("stacking", "priority", 0)(v) or 0),
          lambda value, n, loc: str(value)),
    Field("coupon_code", "promo.field_coupon_code", lambda v: v.definition.get("coupon_code") or None,
          lambda value, n, loc: str(value) if value else translate("promo.ver_auto", loc)),
)


def _long_list(f: Field, old: Any, new: Any, names: Names, locale: str) -> tuple[str, str]:
    """Long lists: old = how many and what was taken out, new = how many and what was added."""
    removed = [x for x in old if x not in new]
    added = [x for x in new if x not in old]

    def side(items: tuple[str, ...], moved: list[str], key: str) -> str:
        """'12个 · 移除：A、B'."""
        text = translate("promo.ver_items", locale).format(n=str(len(items)))
        if moved:
            text += " · " + translate(key, locale).format(items=_listed(_item_names(f.key, moved, names, locale),
                                                                        locale))
        return text

    return side(old, removed, "promo.ver_removed"), side(new, added, "promo.ver_added")


def _row(f: Field, old: Any, new: Any, names: Names, locale: str) -> dict[str, str]:
    """One changed field in one language."""
    if f.key in LIST_FIELDS and old and new and max(len(old), len(new)) > LIST_LIMIT:
        before, after = _long_list(f, old, new, names, locale)
    else:
        before, after = f.show(old, names, locale), f.show(new, names, locale)
    return {"key": f.key, "id": f.key.replace(".", "-"), "label": translate(f.label, locale), "old": before,
            "new": after}


def _same_scope(f: Field, old: Any, new: Any) -> bool:
    """'Every product' against 'no products picked here' (the other list says what changed)."""
    return f.key in LIST_FIELDS and {type(old), type(new)} == {type(None), tuple} and not (old or new)


def changes(old: Any, new: Any, names: Names | None = None) -> dict[str, list[dict[str, str]]]:
    """What differs between two versions (``definition`` and ``limits``), field by field, per locale."""
    names = names or Names()
    pairs = [(f, f.raw(old), f.raw(new)) for f in FIELDS]
    changed = [(f, a, b) for f, a, b in pairs if a != b and not _same_scope(f, a, b)]
    return {loc: [_row(f, a, b, names, loc) for f, a, b in changed] for loc in LOCALES}


# ---------------------------------------------------------------- the list


def summary(definition: dict[str, Any], locale: str) -> str:
    """A version in one line: 满减 · 满300减50 · 全场商品 · 自动生效."""
    kind = str(definition.get("type", ""))
    scope = definition.get("scope") or {}
    parts = [translate(f"promo.type_{kind}", locale), deal_summary(kind, definition.get("params") or {})[locale],
             scope_summary(len(scope.get("categories") or []), len(scope.get("skus") or []),
                           len(scope.get("exclude_skus") or []))[locale]]
    code = definition.get("coupon_code")
    parts.append(translate("promo.ver_code", locale).format(code=code) if code else translate("promo.ver_auto", locale))
    return " · ".join(p for p in parts if p)


def version_rows(records: Iterable[Any], current: int) -> list[dict[str, str]]:
    """The versions, newest first: number, who, when (Shanghai time), restored from, one-line summary."""
    return [{"version": str(r.version), "by": r.created_by or "", "when": local_datetime(r.created_at),
             "restored_from": "" if r.restored_from is None else str(r.restored_from),
             "current": "1" if r.version == current else "0",
             **{loc: summary(r.definition, loc) for loc in LOCALES},
             **{f"restored_{loc}": "" if r.restored_from is None else
                translate("promo.ver_restored", loc).format(n=str(r.restored_from)) for loc in LOCALES}}
            for r in sorted(records, key=lambda r: r.version, reverse=True)]


def skus_of(versions: Iterable[Any]) -> list[str]:
    """Every SKU the versions name (scope, exclusions, gift), for looking up product names."""
    found: set[str] = set()
    for v in versions:
        scope = v.definition.get("scope") or {}
        found.update(str(s) for s in [*(scope.get("skus") or []), *(scope.get("exclude_skus") or [])])
        gift = (v.definition.get("params") or {}).get("gift_sku")
        if gift:
            found.add(str(gift))
    return sorted(found)


def restore_problem(err: Exception, locale: str) -> str:
    """Why a restore was refused, in the UI language."""
    code = getattr(err, "code", "")
    if code == "already_current":
        return translate("promo.err_already_current", locale)
    problems = getattr(err, "problems", None)
    if problems:
        return translate("promo.sum_sep", locale).join(problem_message(p, locale) for p in problems)
    return message_for(str(err), locale)


def restore_texts(target: str, dirty: bool) -> dict[str, dict[str, str]]:
    """The restore dialog's title and lead per locale (and the unsaved-edits warning when dirty)."""
    return {loc: {"title": translate("promo.ver_restore_title", loc).format(v=target),
                  "body": translate("promo.ver_restore_body", loc).format(v=target),
                  "dirty": translate("promo.ver_restore_dirty", loc) if dirty else ""} for loc in LOCALES}
