"""Plain-Python shaping of promotions and coupon templates for the Promotions pages.

Everything here is testable without a browser or a database: list rows, the editor form <-> the
service's promotion input (with field errors keyed by form field), the deal in words. Rows hold
strings only; text shown in both languages carries one entry per locale (``row["zh-CN"]``,
``row["en"]``). Coupon templates are in ``app.coupon_templates_view``, the checkout simulator's
helpers in ``app.checkout_view``, the version history's in ``app.promotion_versions_view``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from app.format import local_datetime, money
from app.i18n import LOCALES, translate
from app.rule_problems import problem_text
from app.rules_view import builder_fields

TZ = ZoneInfo("Asia/Shanghai")
TYPES: tuple[str, ...] = ("threshold_off", "percent_off", "fixed_price", "buy_x_get_y", "gift", "free_shipping")
STATUSES: tuple[str, ...] = ("draft", "scheduled", "live", "paused", "ended")
STATUS_COLOR = {"draft": "gray", "scheduled": "blue", "live": "green", "paused": "amber", "ended": "gray"}
# what a promotion condition can read at checkout (engine.promotions.eligibility.condition_data)
CONDITION_FIELDS: tuple[str, ...] = (
    "customer.is_new", "customer.tier", "customer.tags", "cart.subtotal", "cart.item_count", "cart.channel",
    "cart.skus", "cart.categories", "cart.coupon_codes", "context.now",
)
SORTABLE = ("name", "type", "status", "starts", "budget", "uses")
FORM_DEFAULTS: dict[str, str] = {
    "code": "", "name": "", "type": "threshold_off", "repeat": "0", "max_off": "", "percent": "",
    "price": "", "buy": "", "get": "", "get_percent_off": "100", "threshold": "", "gift_sku": "",
    "gift_qty": "1", "gift_value": "", "gift_cost": "", "starts_at": "", "ends_at": "", "budget_amount": "",
    "budget_uses": "", "per_customer_limit": "", "exclusive": "0", "group": "", "priority": "0",
    "coupon_code": "",
}
CENT = Decimal("0.01")
EDIT_ROUTE = "/promotions/edit"
SIMULATE_ROUTE = "/promotions/simulate"
WRITERS = ("admin", "marketer")


def say(key: str, locale: str) -> str:
    """A translated message for a toast."""
    return translate(key, locale)


def both(key: str, **values: str) -> dict[str, str]:
    """One message in every locale, placeholders filled."""
    return {loc: translate(key, loc).format(**values) for loc in LOCALES}


def may_write(user: Any) -> bool:
    """Admins and marketers change promotions and coupon templates."""
    return user is not None and getattr(user, "role", "") in WRITERS


# ---------------------------------------------------------------- list


def _status_order(status: str) -> int:
    """Live first, then scheduled, paused, drafts, ended."""
    return ("live", "scheduled", "paused", "draft", "ended").index(status) if status in STATUSES else 9


def list_row(view: Any) -> dict[str, str]:
    """A row of the promotions table (every value a string; empty = not set)."""
    pct = view.budget_used_pct
    budget = []
    if view.budget_amount is not None:
        budget.append(f"{money(view.used_amount)} / {money(view.budget_amount)}")
    uses = f"{view.used_uses:,}" + (f" / {view.budget_uses:,}" if view.budget_uses is not None else "")
    status = view.status
    return {"status_color": STATUS_COLOR.get(status, "gray"),
        "code": view.code, "name": view.name, "type": str(view.definition.get("type", "")),
        "status": status, "status_order": str(_status_order(status)),
        "starts": local_datetime(view.starts_at) if view.starts_at else "",
        "ends": local_datetime(view.ends_at) if view.ends_at else "",
        "starts_sort": view.starts_at.isoformat() if view.starts_at else "",
        "budget_pct": f"{pct}%" if pct is not None else "",
        "budget_width": f"{min(Decimal(100), pct)}%" if pct is not None else "0%",
        "budget_fill": f"var(--{_budget_color(pct)}-9)",
        "budget_amount": budget[0] if budget else "",
        "uses": uses, "used_uses": str(view.used_uses),
        "coupon_code": str(view.definition.get("coupon_code") or ""),
        "version": str(view.version),
        **deal_summary(str(view.definition.get("type", "")), view.definition.get("params") or {}),
        "can_publish": _flag(status == "draft"), "can_pause": _flag(status in ("scheduled", "live")),
        "can_resume": _flag(status == "paused"), "can_end": _flag(status in ("scheduled", "live", "paused")),
    }


def _flag(value: bool) -> str:
    """'1' or '0' (rows are strings)."""
    return "1" if value else "0"


def _budget_color(pct: Decimal | None) -> str:
    """Green while there is plenty left, amber from 80 %, red when used up."""
    if pct is None or pct < 80:
        return "green"
    return "amber" if pct < 100 else "red"


def filter_rows(rows: list[dict[str, str]], status: str, search: str) -> list[dict[str, str]]:
    """Rows of one status ('' = all) whose name or code contains ``search`` (case-insensitive)."""
    term = search.strip().lower()
    return [r for r in rows if (not status or r["status"] == status)
            and (not term or term in r["name"].lower() or term in r["code"].lower())]


def _sort_key(column: str) -> Any:
    """The key function for sorting rows by a column."""
    if column == "budget":
        return lambda r: Decimal(r["budget_pct"].rstrip("%") or "-1")
    if column == "uses":
        return lambda r: int(r["used_uses"])
    return lambda r: {"status": r["status_order"], "starts": r["starts_sort"]}.get(column, r.get(column, ""))


def sort_rows(rows: list[dict[str, str]], column: str, descending: bool) -> list[dict[str, str]]:
    """Rows sorted by a column ('' keeps the service's order: newest first)."""
    if column not in SORTABLE:
        return list(rows)
    return sorted(rows, key=_sort_key(column), reverse=descending)


def status_counts(rows: list[dict[str, str]]) -> dict[str, str]:
    """How many rows have each status ('' = all), as strings."""
    counts = {s: 0 for s in STATUSES}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return {"": str(len(rows)), **{s: str(n) for s, n in counts.items()}}


# ---------------------------------------------------------------- editor form


@dataclass
class EditorValues:
    """Everything the editor shows: flat form fields, the 满减 tiers, the scope lists and the condition."""

    form: dict[str, str] = field(default_factory=lambda: dict(FORM_DEFAULTS))
    tiers: list[dict[str, str]] = field(default_factory=lambda: [{"threshold": "", "off": ""}])
    categories: list[str] = field(default_factory=list)
    skus: list[str] = field(default_factory=list)
    exclude_skus: list[str] = field(default_factory=list)
    condition: dict[str, Any] = field(default_factory=dict)


def to_input_datetime(value: Any) -> str:
    """A stored time (datetime or ISO text) as a datetime-local value in Shanghai time."""
    if not value:
        return ""
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when.astimezone(TZ).strftime("%Y-%m-%dT%H:%M")


def parse_input_datetime(text: str) -> datetime | None:
    """A datetime-local value (Shanghai time) as an aware datetime; ValueError if malformed."""
    text = (text or "").strip()
    if not text:
        return None
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def _text(value: Any) -> str:
    """A stored number as form text (Decimal('50.00') -> '50', None -> '')."""
    if value is None:
        return ""
    if isinstance(value, (Decimal, float, int, str)) and not isinstance(value, bool):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        return f"{number.normalize():f}" if number == number.to_integral() else f"{number:f}".rstrip("0")
    return str(value)


def form_from_promotion(view: Any) -> EditorValues:
    """The editor's values for a saved promotion."""
    d = view.definition
    params, scope, stacking = d.get("params") or {}, d.get("scope") or {}, d.get("stacking") or {}
    form = dict(FORM_DEFAULTS)
    form.update(code=view.code, name=view.name, type=str(d.get("type", "threshold_off")))
    for key in ("max_off", "percent", "price", "buy", "get", "get_percent_off", "threshold", "gift_qty",
                "gift_value", "gift_cost"):
        if params.get(key) is not None:
            form[key] = _text(params[key])
    form["gift_sku"] = str(params.get("gift_sku") or "")
    form["repeat"] = _flag(bool(params.get("repeat")))
    form.update(starts_at=to_input_datetime(d.get("starts_at")), ends_at=to_input_datetime(d.get("ends_at")),
                budget_amount=_text(view.budget_amount), budget_uses=_text(view.budget_uses),
                per_customer_limit=_text(view.per_customer_limit), exclusive=_flag(bool(stacking.get("exclusive"))),
                group=str(stacking.get("group") or ""), priority=_text(stacking.get("priority", 0)),
                coupon_code=str(d.get("coupon_code") or ""))
    tiers = [{"threshold": _text(t.get("threshold")), "off": _text(t.get("off"))} for t in params.get("tiers") or []]
    condition = d.get("condition")
    return EditorValues(form, tiers or [{"threshold": "", "off": ""}], list(scope.get("categories") or []),
                        list(scope.get("skus") or []), list(scope.get("exclude_skus") or []),
                        condition if isinstance(condition, dict) else {})


class FormReader:
    """Reads form text into numbers, collecting an error key per field."""

    def __init__(self, form: dict[str, str]) -> None:
        self.form, self.errors = form, {}

    def money(self, key: str, required: bool = False, text: str | None = None, at: str | None = None) -> Decimal | None:
        """A yuan amount (text from the form unless given), or None when empty."""
        raw = (self.form.get(key, "") if text is None else text).strip().replace(",", "").lstrip("¥")
        if not raw:
            if required:
                self.errors.setdefault(at or key, "promo.err_required")
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.errors.setdefault(at or key, "promo.err_number")
            return None
        if not value.is_finite():
            self.errors.setdefault(at or key, "promo.err_number")
            return None
        return value

    def integer(self, key: str, required: bool = False) -> int | None:
        """A whole number, or None when empty."""
        raw = self.form.get(key, "").strip()
        if not raw:
            if required:
                self.errors.setdefault(key, "promo.err_required")
            return None
        if not re.fullmatch(r"-?\d+", raw):
            self.errors.setdefault(key, "promo.err_integer")
            return None
        return int(raw)

    def when(self, key: str) -> str | None:
        """A datetime-local value as ISO 8601 with the +08:00 offset."""
        try:
            parsed = parse_input_datetime(self.form.get(key, ""))
        except ValueError:
            self.errors.setdefault(key, "promo.err_datetime")
            return None
        return parsed.isoformat() if parsed else None


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    """Leave out parameters that were not given (the engine's defaults apply)."""
    return {k: v for k, v in values.items() if v is not None}


def _params(kind: str, values: EditorValues, r: FormReader) -> dict[str, Any]:
    """The params of one promotion type, read from the form."""
    if kind == "threshold_off":
        tiers = []
        for tier in values.tiers:
            threshold = r.money("", True, tier.get("threshold", ""), at="tiers")
            off = r.money("", True, tier.get("off", ""), at="tiers")
            tiers.append({"threshold": _s(threshold), "off": _s(off)})
        return _drop_none({"tiers": tiers, "repeat": values.form.get("repeat") == "1",
                           "max_off": _s(r.money("max_off"))})
    if kind == "percent_off":
        return _drop_none({"percent": _s(r.money("percent", True)), "max_off": _s(r.money("max_off"))})
    if kind == "fixed_price":
        return _drop_none({"price": _s(r.money("price", True)), "max_off": _s(r.money("max_off"))})
    if kind == "buy_x_get_y":
        return _drop_none({"buy": r.integer("buy", True), "get": r.integer("get", True),
                           "get_percent_off": _s(r.money("get_percent_off")), "max_off": _s(r.money("max_off"))})
    if kind == "gift":
        sku = values.form.get("gift_sku", "").strip()
        if not sku:
            r.errors.setdefault("gift_sku", "promo.err_required")
        return _drop_none({"threshold": _s(r.money("threshold")), "gift_sku": sku, "gift_qty": r.integer("gift_qty"),
                           "gift_value": _s(r.money("gift_value")), "gift_cost": _s(r.money("gift_cost"))})
    return _drop_none({"threshold": _s(r.money("threshold"))})


def _s(value: Decimal | None) -> str | None:
    """A Decimal as plain text for JSON (None stays None)."""
    return None if value is None else f"{value:f}"


def to_payload(values: EditorValues) -> tuple[dict[str, Any], dict[str, str]]:
    """The service input (code, name, definition, budgets, limit) and local errors (field -> i18n key)."""
    form, r = values.form, FormReader(values.form)
    kind = form.get("type", "")
    if kind not in TYPES:
        r.errors["type"] = "promo.err_required"
        kind = "threshold_off"
    for key in ("code", "name"):
        if not form.get(key, "").strip():
            r.errors[key] = "promo.err_required"
    scope = _drop_none({"categories": values.categories or None, "skus": values.skus or None,
                        "exclude_skus": values.exclude_skus or None})
    stacking = {"exclusive": form.get("exclusive") == "1", "group": form.get("group", "").strip() or None,
                "priority": r.integer("priority") or 0}
    definition = {
        "name": form.get("name", "").strip(), "type": kind, "params": _params(kind, values, r), "scope": scope,
        "stacking": stacking, "condition": values.condition or None,
        "coupon_code": form.get("coupon_code", "").strip() or None,
        "starts_at": r.when("starts_at"), "ends_at": r.when("ends_at"),
    }
    payload = {"code": form.get("code", "").strip(), "name": form.get("name", "").strip(), "definition": definition,
               "budget_amount": _s(r.money("budget_amount")), "budget_uses": r.integer("budget_uses"),
               "per_customer_limit": r.integer("per_customer_limit")}
    return payload, r.errors


_PARAM_FIELDS = {"percent", "price", "buy", "get", "get_percent_off", "max_off", "threshold", "gift_sku", "gift_qty",
                 "gift_value", "gift_cost", "repeat"}


def field_for(path: str) -> str:
    """The form field a service problem belongs to ('definition.params.tiers.0.off' -> 'tiers')."""
    parts = path.split(".")
    if parts[0] != "definition":
        return parts[0] if parts[0] in FORM_DEFAULTS else "form"
    rest = parts[1:]
    if not rest:
        return "form"
    head = rest[0].split("[")[0]
    if head == "params":
        if len(rest) == 1:
            return "params"
        return "tiers" if rest[1] == "tiers" else (rest[1] if rest[1] in _PARAM_FIELDS else "params")
    if head in ("scope", "condition"):
        return head
    if head == "stacking":
        return rest[1] if len(rest) > 1 and rest[1] in ("exclusive", "group", "priority") else "form"
    return head if head in ("name", "type", "coupon_code", "starts_at", "ends_at") else "form"


# service/pydantic messages -> translated text (anything else is shown as it is)
_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"Field required|at least 1 character", "promo.err_required"),
    (r"greater than or equal to (?P<n>[\d.]+)", "promo.err_ge"),
    (r"greater than (?P<n>[\d.]+)", "promo.err_gt"),
    (r"less than or equal to (?P<n>[\d.]+)", "promo.err_le"),
    (r"no more than 2 decimal places", "promo.err_decimals"),
    (r"should match pattern", "promo.err_code_pattern"),
    (r"at most \d+ characters|should have at most", "promo.err_too_long"),
    (r"ends_at must be after (claim_)?starts_at|^must be after (claim_)?starts_at", "promo.err_window"),
    (r"higher threshold must not take less off", "promo.err_ladder"),
    (r"distinct thresholds", "promo.err_tiers_distinct"),
    (r"takes exactly one tier", "promo.err_repeat_one"),
    (r"needs a threshold above 0", "promo.err_repeat_zero"),
    (r"already exists", "promo.err_duplicate"),
    (r"cannot be set below what is already used", "promo.err_budget_below_used"),
    (r"has ended", "promo.err_ended"),
    (r"valid number|should be a valid (decimal|integer)|unable to parse", "promo.err_number"),
)


def message_for(message: str, locale: str) -> str:
    """A service message in the UI language (known pydantic / service phrasings; else as given)."""
    for pattern, key in _MESSAGES:
        found = re.search(pattern, message)
        if found:
            return translate(key, locale).format(**found.groupdict())
    return message.removeprefix("Value error, ")


def problem_message(problem: Any, locale: str) -> str:
    """One service problem in the UI language: a condition's by its rule reason, others by their message."""
    rule_problem = getattr(problem, "rule_problem", None)
    if rule_problem:
        return problem_text(rule_problem, locale)
    return message_for(problem.message, locale)


def field_errors(problems: Iterable[Any], locale: str) -> dict[str, str]:
    """Service problems (``field``, ``message``) as {form field: message}; the first per field wins."""
    out: dict[str, str] = {}
    for p in problems:
        key = field_for(p.field)
        if key == "form" and "ends_at" in p.message:
            key = "ends_at"
        out.setdefault(key, problem_message(p, locale))
    return out


def local_errors(errors: dict[str, str], locale: str) -> dict[str, str]:
    """Local error keys translated."""
    return {k: translate(v, locale) for k, v in errors.items()}


def _zhe(percent_off: Decimal) -> str:
    """20 (% off) -> '8' (8折); 15 -> '8.5'."""
    return _text((100 - percent_off) / 10)


def _decimal(value: Any) -> Decimal | None:
    """Form text or a stored number as a Decimal (None if it is not a number)."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, AttributeError):
        return None
    return number if number.is_finite() else None


def percent_hint(percent_text: str, locale: str) -> str:
    """'20' -> 相当于打8折 / customers pay 80 % of the price; '' unless a percentage in (0, 100)."""
    pct = _decimal(percent_text)
    if pct is None or not 0 < pct < 100:
        return ""
    n = _zhe(pct) if locale == "zh-CN" else _text(100 - pct)
    return translate("promo.percent_hint", locale).format(n=n)


def _deal(kind: str, params: dict[str, Any], locale: str) -> str:
    """One promotion's deal in a few words (满300减50 / ¥50 off over ¥300), '' when not filled in yet."""
    def num(key: str, default: str = "") -> str:
        value = params.get(key)
        return _text(value) if value not in (None, "") else default

    if kind == "threshold_off":
        tiers = [t for t in params.get("tiers") or [] if _decimal(t.get("threshold")) is not None
                 and _decimal(t.get("off")) is not None]
        key = "promo.sum_repeat" if params.get("repeat") else "promo.sum_tier"
        parts = [translate(key, locale).format(threshold=_text(t["threshold"]), off=_text(t["off"]))
                 for t in sorted(tiers, key=lambda t: Decimal(str(t["threshold"])))]
        return translate("promo.sum_sep", locale).join(parts)
    if kind == "percent_off":
        pct = _decimal(params.get("percent"))
        if pct is None or not 0 < pct <= 100:
            return ""
        return translate("promo.sum_percent", locale).format(n=_zhe(pct) if locale == "zh-CN" else _text(pct))
    if kind == "fixed_price":
        return translate("promo.sum_fixed", locale).format(price=num("price")) if num("price") else ""
    if kind == "buy_x_get_y":
        if not (num("buy") and num("get")):
            return ""
        pct = _decimal(params.get("get_percent_off")) or Decimal(100)
        if pct >= 100:
            return translate("promo.sum_bxgy_free", locale).format(buy=num("buy"), get=num("get"))
        n = _zhe(pct) if locale == "zh-CN" else _text(pct)
        return translate("promo.sum_bxgy", locale).format(buy=num("buy"), get=num("get"), n=n)
    if kind == "gift":
        if not num("gift_sku"):
            return ""
        threshold = _decimal(params.get("threshold")) or Decimal(0)
        key = "promo.sum_gift" if threshold > 0 else "promo.sum_gift_any"
        return translate(key, locale).format(threshold=_text(threshold), gift_sku=num("gift_sku"),
                                             qty=num("gift_qty", "1"))
    if kind == "free_shipping":
        threshold = _decimal(params.get("threshold")) or Decimal(0)
        key = "promo.sum_ship" if threshold > 0 else "promo.sum_ship_any"
        return translate(key, locale).format(threshold=_text(threshold))
    return ""


def deal_summary(kind: str, params: dict[str, Any]) -> dict[str, str]:
    """The deal in both languages (see ``_deal``)."""
    return {loc: _deal(kind, params, loc) for loc in LOCALES}


def form_params(values: EditorValues) -> dict[str, Any]:
    """The form's rule parameters as they stand (text, unchecked), for the live summary."""
    f = values.form
    return {**{k: f.get(k, "") for k in _PARAM_FIELDS}, "repeat": f.get("repeat") == "1", "tiers": values.tiers}


def _counted(key: str, n: int, loc: str) -> str:
    """'3 products' / '1 product' / '3个商品' ('' for none): the ``_one`` string when n is 1."""
    if not n:
        return ""
    return translate(f"{key}_one" if n == 1 else key, loc).format(n=str(n))


def scope_summary(categories: int, skus: int, excluded: int) -> dict[str, str]:
    """'全场商品' or '2个品类 · 3个商品', plus exclusions, in both languages."""
    out = {}
    for loc in LOCALES:
        parts = [_counted("promo.scope_categories", categories, loc), _counted("promo.scope_products", skus, loc)]
        text = " · ".join(p for p in parts if p) or translate("promo.scope_all", loc)
        if excluded:
            text += translate("promo.sum_sep", loc) + _counted("promo.scope_excluded", excluded, loc)
        out[loc] = text
    return out


def bare_condition(rule: Any) -> Any:
    """A condition without the builder's wrapping: {"and": [x]} -> x, None / {} -> {}."""
    while isinstance(rule, dict) and len(rule) == 1 and isinstance(rule.get("and"), list) and len(rule["and"]) == 1:
        rule = rule["and"][0]
    return rule or {}


def same_condition(a: Any, b: Any) -> bool:
    """True if two JSON-Logic conditions say the same (the builder wraps a single rule in an "and")."""
    def text(rule: Any) -> str:
        """The unwrapped condition as stable JSON."""
        return json.dumps(bare_condition(rule), sort_keys=True, default=str)

    return text(a) == text(b)


def condition_fields() -> dict[str, list[dict[str, Any]]]:
    """The rule builder's fields a promotion condition can read, per locale."""
    return {loc: [f for f in fields if f["name"] in CONDITION_FIELDS] for loc, fields in builder_fields().items()}


def category_options(categories: Iterable[Any]) -> list[dict[str, str]]:
    """Leaf categories for the scope picker: code and a label per locale ('茶叶 / 绿茶')."""
    by_code = {c.code: c for c in categories}
    out = []
    for c in by_code.values():
        if c.parent_code is None:
            continue
        parent = by_code.get(c.parent_code)
        out.append({"code": c.code, "zh-CN": f"{parent.name_zh} / {c.name_zh}" if parent else c.name_zh,
                    "en": f"{parent.name_en} / {c.name_en}" if parent else c.name_en})
    return out


def product_option(p: Any) -> dict[str, str]:
    """A product in a picker: SKU, name, category and price."""
    return {"sku": p.sku, "name": p.name, "category": p.category or "", "price": money(p.price)}

