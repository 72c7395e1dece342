"""Plain-Python shaping of users, API tokens and audit entries for the Settings pages.

Testable without a browser or a database. Rows hold strings only; text that depends on the UI
language carries one entry per locale (``row["ago_zh-CN"]``, ``row["ago_en"]``) so a language switch
needs no round trip. Service errors (English, per field) become per-locale messages here.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from app.format import local_datetime
from app.i18n import LOCALES, translate
from services.auth import PASSWORD_MIN, ROLES, USERNAME_MAX, UserListing
from services.tokens import MAX_DAYS, NAME_MAX, TokenInfo

AUDIT_SHOWN = 100  # entries listed on the audit tab (after the action filter)
AUDIT_FETCHED = 500  # entries read to filter from
ALL_ACTIONS = "all"
ROLE_COLOR = {"admin": "crimson", "marketer": "indigo", "designer": "orange", "analyst": "teal"}
TOKEN_STATUS_COLOR = {"active": "green", "expired": "amber", "revoked": "gray"}
STRENGTH_COLOR = {"too_short": "red", "weak": "red", "fair": "amber", "strong": "green"}
KNOWN_ACTIONS: tuple[str, ...] = (
    "login", "login.failed", "login.locked", "logout", "user.create", "user.activate", "user.deactivate",
    "api_token.create", "api_token.revoke", "rule.create", "rule.update", "rule.delete",
    "promotion.create", "promotion.update", "promotion.delete", "promotion.schedule", "promotion.pause",
    "promotion.resume", "promotion.end", "coupon_template.create", "coupon_template.update",
    "coupon_template.batch",
)
KNOWN_ENTITIES: tuple[str, ...] = ("user", "client_address", "api_token", "rule", "promotion",
                                   "coupon_template")
_SYMBOLS = "!@#$%^&*-_=+?"
_SAME_DOMAIN_HOSTS = {"localhost", "0.0.0.0", "::", "0:0:0:0:0:0:0:0"}  # reflex state.js SAME_DOMAIN_HOSTNAMES


def say(key: str, locale: str) -> str:
    """A translated message for a toast."""
    return translate(key, locale)


def both(key: str, **values: Any) -> dict[str, str]:
    """One message in every locale, placeholders filled."""
    return {loc: translate(key, loc).format(**values) for loc in LOCALES}


def _per_locale(prefix: str, texts: Mapping[str, str]) -> dict[str, str]:
    """``{"zh-CN": a, "en": b}`` as ``{"<prefix>_zh-CN": a, "<prefix>_en": b}`` for a row."""
    return {f"{prefix}_{loc}": text for loc, text in texts.items()}


# ---------------------------------------------------------------- times


def relative(value: datetime | None, now: datetime) -> dict[str, str]:
    """'3 分钟前' / '3 min ago' (or '29 天后' / 'in 29 days' for the future); empty when None."""
    if value is None:
        return {loc: "" for loc in LOCALES}
    seconds = int((value - now).total_seconds())
    ahead, gap = seconds > 0, abs(seconds)
    if gap < 60:
        return both("settings.time_now")
    unit, size = next((u, s) for u, s in (("days", 86_400), ("hours", 3_600), ("minutes", 60)) if gap >= s)
    return both(f"settings.time_{'in' if ahead else 'ago'}_{unit}", n=gap // size)


def _when(value: datetime | None) -> str:
    """Shanghai time, or '' for none."""
    return local_datetime(value) if value is not None else ""


# ---------------------------------------------------------------- users


def user_row(listing: UserListing, me: str, now: datetime) -> dict[str, str]:
    """A row of the users table."""
    info = listing.info
    return {
        "id": str(info.id), "username": info.username, "display_name": info.display_name,
        "role": info.role, "role_color": ROLE_COLOR.get(info.role, "gray"), "locale": info.locale,
        "active": "1" if listing.is_active else "0", "me": "1" if info.username == me else "0",
        "last_login": _when(listing.last_login_at), "created": _when(listing.created_at),
        **_per_locale("ago", relative(listing.last_login_at, now)),
    }


def filter_users(rows: list[dict[str, str]], status: str, search: str) -> list[dict[str, str]]:
    """Rows with the status chip ('active', 'inactive', anything else = all) and the search box."""
    wanted = {"active": "1", "inactive": "0"}.get(status)
    needle = search.strip().lower()
    return [r for r in rows if (wanted is None or r["active"] == wanted)
            and (not needle or needle in r["username"].lower() or needle in r["display_name"].lower())]


def user_counts(rows: list[dict[str, str]]) -> dict[str, str]:
    """How many users each status chip shows."""
    active = sum(1 for r in rows if r["active"] == "1")
    return {"all": str(len(rows)), "active": str(active), "inactive": str(len(rows) - active)}


def blank_user_form() -> dict[str, str]:
    """The create-user form before anything is typed."""
    return {"username": "", "display_name": "", "role": "marketer", "password": "", "locale": "zh-CN"}


def password_strength(password: str) -> str:
    """'' (nothing typed), 'too_short', 'weak', 'fair' or 'strong'.

    Length counts most; each kind of character (lower, upper, digit, symbol) adds a little, and a
    password of one repeated character or only digits stays weak whatever its length.
    """
    if not password:
        return ""
    if len(password) < PASSWORD_MIN:
        return "too_short"
    kinds = sum(any(test(c) for c in password) for test in (
        str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum()))
    if len(set(password)) <= 2 or password.isdigit():
        return "weak"
    score = kinds + (len(password) >= 12) + (len(password) >= 16)
    return "strong" if score >= 4 else ("fair" if score == 3 else "weak")


def strength_hint(password: str) -> dict[str, str]:
    """The strength level and its hint in every locale (level '' when nothing is typed)."""
    level = password_strength(password)
    if not level:
        return {"level": "", "color": "gray", **{loc: "" for loc in LOCALES}}
    return {"level": level, "color": STRENGTH_COLOR[level],
            **both(f"settings.strength_{level}", n=PASSWORD_MIN)}


def generate_password(length: int = 16) -> str:
    """A random password with lower and upper case letters, digits and a symbol."""
    alphabet = string.ascii_letters + string.digits + _SYMBOLS
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if password_strength(candidate) == "strong" and any(c in _SYMBOLS for c in candidate):
            return candidate


def user_errors(errors: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """``create_user``'s field errors (English) as per-locale messages keyed by form field."""
    out: dict[str, dict[str, str]] = {}
    for field, message in errors.items():
        if message == "required":
            out[field] = both("settings.err_required")
        elif field == "username":
            taken = message == "already taken"
            missing = message == "no such user"
            key = "taken" if taken else ("no_such_user" if missing else "username_format")
            out[field] = both(f"settings.err_{key}", max=USERNAME_MAX)
        elif field == "password":
            out[field] = both("settings.err_password_short", n=PASSWORD_MIN)
        elif field in ("role", "locale"):
            out[field] = both(f"settings.err_{field}")
        else:
            out[field] = {loc: message for loc in LOCALES}
    return out


def check_user_form(form: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Problems the form shows before asking the server (the server checks everything again)."""
    errors: dict[str, str] = {}
    for field in ("username", "display_name", "password"):
        if not (form.get(field) or "").strip():
            errors[field] = "required"
    return user_errors(errors)


def may_toggle(me: str, username: str, activate: bool) -> bool:
    """An admin may enable anyone, and disable anyone but themself."""
    return activate or username.strip().lower() != me.strip().lower()


# ---------------------------------------------------------------- tokens


def token_status(info: TokenInfo, now: datetime) -> str:
    """'revoked', 'expired' or 'active' at ``now``."""
    if info.revoked_at is not None:
        return "revoked"
    if info.expires_at is not None and info.expires_at <= now:
        return "expired"
    return "active"


def token_row(info: TokenInfo, now: datetime) -> dict[str, str]:
    """A row of the tokens table."""
    status = token_status(info, now)
    return {
        "id": str(info.id), "name": info.name, "prefix": info.prefix, "role": info.role,
        "role_color": ROLE_COLOR.get(info.role, "gray"), "read_only": "1" if info.read_only else "0",
        "created": _when(info.created_at), "last_used": _when(info.last_used_at),
        "expires": _when(info.expires_at), "status": status,
        "status_color": TOKEN_STATUS_COLOR[status],
        **_per_locale("used_ago", relative(info.last_used_at, now)),
        **_per_locale("expires_in", relative(info.expires_at, now) if status == "active"
                      else {loc: "" for loc in LOCALES}),
    }


def blank_token_form(role: str) -> dict[str, str]:
    """The create-token form: 30 days, read-write, the user's own role."""
    return {"name": "", "days": "30", "role": role}


def token_roles(role: str) -> list[str]:
    """The roles a user may give a token: an admin any of them, everyone else only their own."""
    return list(ROLES) if role == "admin" else [role]


def parse_days(text: str, never: bool) -> tuple[int | None, dict[str, dict[str, str]]]:
    """The form's lifetime as ``expires_in_days`` (None = never) and its error, if any."""
    if never:
        return None, {}
    try:
        days = int(text.strip())
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_DAYS:
        return None, {"days": both("tokens.err_days", max=MAX_DAYS)}
    return days, {}


def check_token_form(form: Mapping[str, str], never: bool) -> tuple[int | None, dict[str, dict[str, str]]]:
    """The lifetime in days and every problem the form shows before asking the server."""
    days, errors = parse_days(form.get("days", ""), never)
    if not (form.get("name") or "").strip():
        errors = {**token_errors({"name": "required"}), **errors}
    return days, errors


def token_errors(errors: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """``create_token``'s field errors (English) as per-locale messages keyed by form field."""
    out: dict[str, dict[str, str]] = {}
    for field, message in errors.items():
        if field == "name":
            out["name"] = both("tokens.err_name_required" if message == "required" else "tokens.err_name_long",
                               max=NAME_MAX)
        elif field == "expires_in_days":
            out["days"] = both("tokens.err_days", max=MAX_DAYS)
        elif field == "role":
            out["role"] = both("tokens.err_role")
        else:
            out[field] = {loc: message for loc in LOCALES}
    return out


def backend_root(origin: str, backend_url: str = "") -> str:
    """Where the browser reaches the backend (and so the REST API), as Reflex's frontend works it out.

    ``backend_url`` is Reflex's ``api_url``; a localhost-like host in it stands for the page's own host
    (and behind https, for the page's own host and port), exactly as the frontend's ``getBackendURL``.
    """
    if not backend_url:
        return origin.rstrip("/")
    backend, page = urlsplit(backend_url), urlsplit(origin)
    if backend.hostname not in _SAME_DOMAIN_HOSTS or not page.hostname:
        return backend_url.rstrip("/")
    host = f"[{page.hostname}]" if ":" in page.hostname else page.hostname
    if page.scheme == "https":
        return f"https://{host}{backend.path}".rstrip("/")
    port = f":{backend.port}" if backend.port else ""
    return f"{backend.scheme}://{host}{port}{backend.path}".rstrip("/")


def api_base(root: str) -> str:
    """The REST API's base address under the backend's root."""
    return root + "/api/v1"


def api_docs(root: str) -> str:
    """The API reference (Swagger UI) under the backend's root."""
    return root + "/api/docs"


def curl_example(base: str, token: str = "$SHUYING_TOKEN") -> str:
    """The first call to try: who am I."""
    return f'curl -s {base}/me \\\n  -H "Authorization: Bearer {token}"'


# ---------------------------------------------------------------- audit


def action_label(action: str) -> dict[str, str]:
    """A known action in words per locale; an unknown one as its code."""
    if action in KNOWN_ACTIONS:
        return both(f"audit.action.{action}")
    return {loc: action for loc in LOCALES}


def _entity(entity_type: str, entity_id: str | None, usernames: Mapping[str, str]) -> dict[str, str]:
    """'用户 alice' / 'Rule gold_buyers' / 'API 令牌 #7': the type in words and what it names."""
    kind = both(f"audit.entity.{entity_type}") if entity_type in KNOWN_ENTITIES else \
        {loc: entity_type for loc in LOCALES}
    ident = entity_id or ""
    if entity_type == "user" and ident in usernames:
        ident = usernames[ident]
    elif ident.isdigit():
        ident = f"#{ident}"
    return {loc: f"{text} {ident}".strip() for loc, text in kind.items()}


def _details(details: Mapping[str, Any]) -> str:
    """Details as short 'key=value' pairs."""
    def text(value: Any) -> str:
        return ",".join(map(str, value)) if isinstance(value, list) else str(value)
    return "  ".join(f"{k}={text(v)}" for k, v in details.items())


def audit_row(record: Any, usernames: Mapping[str, str], now: datetime) -> dict[str, str]:
    """A row of the audit table; ``usernames`` maps user ids to names for user entities."""
    return {
        "id": str(record.id), "when": local_datetime(_aware(record.occurred_at)), "actor": record.actor,
        "action": record.action, "failed": "1" if record.action.endswith(".failed") else "0",
        "details": _details(record.details or {}),
        **_per_locale("ago", relative(_aware(record.occurred_at), now)),
        **_per_locale("label", action_label(record.action)),
        **_per_locale("entity", _entity(record.entity_type, record.entity_id, usernames)),
    }


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive UTC times."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def action_options(rows: Iterable[Mapping[str, str]]) -> list[dict[str, str]]:
    """The actions present in ``rows`` for the filter, in a stable order, labelled per locale."""
    seen = sorted({r["action"] for r in rows},
                  key=lambda a: (KNOWN_ACTIONS.index(a) if a in KNOWN_ACTIONS else len(KNOWN_ACTIONS), a))
    return [{"value": a, **action_label(a)} for a in seen]


def filter_audit(rows: list[dict[str, str]], action: str, limit: int = AUDIT_SHOWN) -> list[dict[str, str]]:
    """The newest ``limit`` rows of one action (or of every action)."""
    chosen = rows if action in ("", ALL_ACTIONS) else [r for r in rows if r["action"] == action]
    return chosen[:limit]
