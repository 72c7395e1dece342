"""Marketing operators: now, days_since, hour_of_day, weekday, between_dates, has_tag, in_list,
cart_amount, cart_qty.  Calendar questions are answered in Asia/Shanghai; money is Decimal.

They read the top-level data document (``context.now``, ``customer.tags``, ``cart.lines``) even
inside an iterator body.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from engine.rules.errors import Problem, invalid_arguments, problem
from engine.rules.registry import CompileFn, Fn, Operator, register
from engine.rules.values import SHANGHAI, to_datetime, to_decimal, to_number

Scopes = tuple[Any, ...]
_SCOPE_KEYS = ("skus", "categories", "exclude_skus")


def root(data: Any, scopes: Scopes) -> Any:
    """The top-level data document (the first scope once inside an iterator)."""
    return scopes[0] if scopes else data


def _get(doc: Any, *keys: str) -> Any:
    """``doc[k1][k2]...`` through dicts, or None."""
    for key in keys:
        if not isinstance(doc, Mapping):
            return None
        doc = doc.get(key)
    return doc


def current_time(data: Any, scopes: Scopes) -> datetime:
    """``context.now`` of the data (datetime or ISO text), else the current time (aware)."""
    given = to_datetime(_get(root(data, scopes), "context", "now"))
    return given if given is not None else datetime.now(timezone.utc)


def _local_date(value: Any) -> date | None:
    """The calendar date in Asia/Shanghai of a date, datetime or ISO text."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    moment = to_datetime(value)
    return moment.astimezone(SHANGHAI).date() if moment is not None else None


def _moment_fn(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """The time an operator asks about: its first argument, or now if it has none."""
    if not args:
        return current_time
    return compile(args[0], f"{path}[0]")


def build_now(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``now``: the evaluation time (``context.now`` or the current time), timezone-aware."""
    return current_time


def build_days_since(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``days_since x``: whole calendar days from x to now in Asia/Shanghai (null if x is null)."""
    when = compile(args[0] if args else None, f"{path}[0]")

    def run(d: Any, s: Scopes) -> int | None:
        then = _local_date(when(d, s))
        if then is None:
            return None
        return (_local_date(current_time(d, s)) - then).days  # type: ignore[operator]

    return run


def build_hour_of_day(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``hour_of_day [x]``: 0–23 in Asia/Shanghai, of x or of now."""
    when = _moment_fn(args, compile, path)

    def run(d: Any, s: Scopes) -> int | None:
        moment = to_datetime(when(d, s))
        return moment.astimezone(SHANGHAI).hour if moment is not None else None

    return run


def build_weekday(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``weekday [x]``: 1 = Monday … 7 = Sunday in Asia/Shanghai, of x or of now."""
    when = _moment_fn(args, compile, path)

    def run(d: Any, s: Scopes) -> int | None:
        day = _local_date(when(d, s))
        return day.isoweekday() if day is not None else None

    return run


def window_end(value: Any) -> datetime | None:
    """End of a date window, exclusive: a date-only end includes that whole day."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=SHANGHAI) + timedelta(days=1)
    if isinstance(value, str) and len(value.strip()) == 10:
        start = to_datetime(value)
        return start + timedelta(days=1) if start is not None else None
    moment = to_datetime(value)
    return moment + timedelta(microseconds=1) if moment is not None else None


def build_between_dates(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``between_dates [x, start, end]``: start ≤ x ≤ end; a date-only end includes its whole day."""
    x, start, end = (compile(a, f"{path}[{i}]") for i, a in enumerate(args[:3]))

    def run(d: Any, s: Scopes) -> bool:
        moment, lo, hi = to_datetime(x(d, s)), to_datetime(start(d, s)), window_end(end(d, s))
        if moment is None or lo is None or hi is None:
            return False
        return lo <= moment < hi

    return run


def build_has_tag(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``has_tag tag…``: the customer (``customer.tags``) has at least one of the tags."""
    fns = [compile(a, f"{path}[{i}]") for i, a in enumerate(args)]

    def run(d: Any, s: Scopes) -> bool:
        tags = _get(root(d, s), "customer", "tags") or ()
        wanted = [t for f in fns for t in _as_list(f(d, s))]
        return any(t in tags for t in wanted)

    return run


def _as_list(value: Any) -> list[Any]:
    """A list as is, null as empty, anything else as a one-item list."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]


def in_list(values: list[Any]) -> bool:
    """``in_list [value, list]``: value is an element of list (any element if value is a list)."""
    if len(values) != 2:
        raise invalid_arguments("in_list")
    members = _as_list(values[1])
    return any(v in members for v in _as_list(values[0]))


def _scope_test(scope: Mapping[str, Any]) -> Any:
    """Predicate on a cart line for a scope ``{"skus", "categories", "exclude_skus"}`` (empty = all)."""
    skus, cats = set(scope.get("skus") or ()), set(scope.get("categories") or ())
    excluded = set(scope.get("exclude_skus") or ())

    def covers(line: Any) -> bool:
        sku = _get(line, "sku")
        if sku in excluded:
            return False
        return (not skus and not cats) or sku in skus or _get(line, "category") in cats

    return covers


def _cart_lines(data: Any, scopes: Scopes) -> list[Any]:
    """``cart.lines`` of the top-level data (empty if absent)."""
    lines = _get(root(data, scopes), "cart", "lines")
    return list(lines) if isinstance(lines, (list, tuple)) else []


def _scope_arg(args: list[Any]) -> Mapping[str, Any]:
    """The literal scope object of a cart helper (``[{"categories": [...]}]``, ``{...}`` or none)."""
    raw = args[0] if args else None
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    return raw if isinstance(raw, Mapping) else {}


def build_cart_amount(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``cart_amount [scope]``: Σ price × qty of the cart lines in scope, as Decimal."""
    covers = _scope_test(_scope_arg(args))

    def run(d: Any, s: Scopes) -> Decimal:
        total = Decimal("0")
        for line in _cart_lines(d, s):
            if covers(line):
                price, qty = _get(line, "price"), _get(line, "qty")
                total += to_decimal(price, to_number(price)) * to_decimal(qty, to_number(qty))
        return total

    return run


def build_cart_qty(args: list[Any], compile: CompileFn, path: str) -> Fn:
    """``cart_qty [scope]``: Σ qty of the cart lines in scope."""
    covers = _scope_test(_scope_arg(args))
    return lambda d, s: sum(int(to_number(_get(ln, "qty"))) for ln in _cart_lines(d, s) if covers(ln))


def check_scope(name: str, args: list[Any], path: str) -> list[Problem]:
    """A cart helper's scope is one object of string lists under skus/categories/exclude_skus."""
    raw = args[0] if args else None
    if isinstance(raw, list):
        if len(raw) > 1:
            return [problem(path, "scope_too_many", "cart helpers take at most one scope object", operator=name)]
        raw = raw[0] if raw else {}
    if raw is None:
        return []
    if not isinstance(raw, Mapping):
        return [problem(path, "scope_not_object", "the scope is an object such as {\"categories\": [\"饮品\"]}",
                        operator=name)]
    return [problem(f"{path}[0].{k}", "scope_key", f"scope key {k!r} must be a list of strings "
                    f"(one of {', '.join(_SCOPE_KEYS)})", operator=name, key=str(k), allowed=list(_SCOPE_KEYS))
            for k, v in raw.items()
            if k not in _SCOPE_KEYS or not isinstance(v, list) or not all(isinstance(x, str) for x in v)]


def _scope_check(name: str) -> Any:
    """The static check of one cart helper."""
    return lambda args, path: check_scope(name, args, path)


def _register() -> None:
    """Register the marketing operators (group "marketing")."""
    for name, build, lo, hi, zh, en in (
        ("now", build_now, 0, 0, "当前时间", "now"),
        ("days_since", build_days_since, 1, 1, "距今天数", "days since"),
        ("hour_of_day", build_hour_of_day, 0, 1, "小时(0-23)", "hour of day"),
        ("weekday", build_weekday, 0, 1, "星期几(1-7)", "weekday"),
        ("between_dates", build_between_dates, 3, 3, "日期介于", "between dates"),
        ("has_tag", build_has_tag, 1, None, "有标签", "has tag"),
    ):
        register(Operator(name, build, lo, hi, label_zh=zh, label_en=en, group="marketing", pure=False))
    register(Operator("in_list", impl=in_list, min_args=2, max_args=2, label_zh="属于列表",
                      label_en="in list", group="marketing"))
    for name, build, zh, en in (("cart_amount", build_cart_amount, "购物车金额(范围内)", "cart amount in scope"),
                                ("cart_qty", build_cart_qty, "购物车件数(范围内)", "cart quantity in scope")):
        register(Operator(name, build, label_zh=zh, label_en=en, group="marketing", pure=False, raw=True,
                          check=_scope_check(name)))


_register()
