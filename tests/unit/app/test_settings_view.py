"""How users, API tokens and audit entries look on the Settings pages (no browser, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from app import settings_view as view
from services.auth import PASSWORD_MIN, UserInfo, UserListing
from services.tokens import MAX_DAYS, TokenInfo

NOW = datetime(2026, 11, 11, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def _listing(username: str = "lin", active: bool = True, last_login: datetime | None = None) -> UserListing:
    info = UserInfo(7, username, "市场运营 小林", "marketer", "zh-CN")
    return UserListing(info, active, NOW - timedelta(days=3), last_login)


def _token(**changes: object) -> TokenInfo:
    values: dict[str, object] = {
        "id": 3, "name": "BI export", "prefix": "sy_Ab3dE9x", "role": "analyst", "read_only": True,
        "created_at": NOW - timedelta(days=2), "expires_at": NOW + timedelta(days=28),
        "last_used_at": None, "revoked_at": None}
    values.update(changes)
    return TokenInfo(**values)  # type: ignore[arg-type]


# ---------------------------------------------------------------- times


@pytest.mark.parametrize(("delta", "zh", "en"), [
    (timedelta(seconds=-20), "刚刚", "just now"),
    (timedelta(minutes=-3, seconds=-5), "3 分钟前", "3 min ago"),
    (timedelta(hours=-5), "5 小时前", "5 h ago"),
    (timedelta(days=-2, hours=-1), "2 天前", "2 days ago"),
    (timedelta(days=29, hours=23), "29 天后", "in 29 days"),
    (timedelta(minutes=45), "45 分钟后", "in 45 min"),
])
def test_relative_times_read_naturally_in_both_languages(delta: timedelta, zh: str, en: str) -> None:
    assert view.relative(NOW + delta, NOW) == {"zh-CN": zh, "en": en}


def test_no_time_gives_no_relative_text() -> None:
    assert view.relative(None, NOW) == {"zh-CN": "", "en": ""}


# ---------------------------------------------------------------- users


def test_a_user_row_shows_shanghai_times_and_marks_the_admin_looking_at_it() -> None:
    row = view.user_row(_listing(last_login=NOW - timedelta(minutes=10)), "lin", NOW)
    assert row["last_login"] == "2026-11-11 09:50"
    assert row["created"] == "2026-11-08 10:00"
    assert row["ago_zh-CN"] == "10 分钟前" and row["ago_en"] == "10 min ago"
    assert (row["me"], row["active"], row["role"], row["role_color"]) == ("1", "1", "marketer", "indigo")
    assert all(isinstance(v, str) for v in row.values())


def test_a_user_who_never_logged_in_has_no_last_login() -> None:
    row = view.user_row(_listing("zhou", active=False), "admin", NOW)
    assert (row["last_login"], row["ago_en"], row["me"], row["active"]) == ("", "", "0", "0")


def test_users_are_filtered_by_status_and_by_name_or_username() -> None:
    rows = [view.user_row(_listing("lin"), "admin", NOW), view.user_row(_listing("zhou", False), "admin", NOW)]
    assert [r["username"] for r in view.filter_users(rows, "inactive", "")] == ["zhou"]
    assert [r["username"] for r in view.filter_users(rows, "all", "ZHO")] == ["zhou"]
    assert [r["username"] for r in view.filter_users(rows, "active", "小林")] == ["lin"]
    assert view.user_counts(rows) == {"all": "2", "active": "1", "inactive": "1"}


@pytest.mark.parametrize(("password", "level"), [
    ("", ""), ("Ab1!", "too_short"), ("a" * 20, "weak"), ("12345678901234", "weak"), ("abcdefgh", "weak"),
    ("abcdefgh12", "weak"), ("Abcdefgh12", "fair"), ("Abcdefgh12!x", "strong"), ("correct horse battery", "strong"),
])
def test_password_strength_counts_length_and_kinds_of_characters(password: str, level: str) -> None:
    assert view.password_strength(password) == level


def test_the_strength_hint_names_the_minimum_length_in_both_languages() -> None:
    hint = view.strength_hint("short")
    assert hint["level"] == "too_short" and hint["color"] == "red"
    assert str(PASSWORD_MIN) in hint["zh-CN"] and str(PASSWORD_MIN) in hint["en"]
    assert view.strength_hint("")["level"] == ""


def test_generated_passwords_are_strong_and_differ() -> None:
    passwords = {view.generate_password() for _ in range(20)}
    assert len(passwords) == 20
    assert all(len(p) == 16 and view.password_strength(p) == "strong" for p in passwords)


def test_service_errors_become_messages_next_to_the_right_fields() -> None:
    errors = view.user_errors({"username": "already taken", "password": "at least 8 characters",
                               "display_name": "required", "role": "one of admin, marketer"})
    assert errors["username"] == {"zh-CN": "这个用户名已经有人用了", "en": "This username is already taken"}
    assert errors["password"]["en"] == f"At least {PASSWORD_MIN} characters"
    assert errors["display_name"]["zh-CN"] == "必填"
    assert errors["role"]["en"] == "Pick a role"
    bad_name = view.user_errors({"username": "letters, digits, '.', '_' or '-', at most 64 characters"})
    assert "64" in bad_name["username"]["zh-CN"]


def test_the_form_is_checked_for_empty_fields_before_the_server_is_asked() -> None:
    form = {**view.blank_user_form(), "username": "lin", "password": "  "}
    assert set(view.check_user_form(form)) == {"display_name", "password"}


def test_an_admin_may_enable_anyone_but_not_disable_themself() -> None:
    assert view.may_toggle("admin", "lin", activate=False)
    assert not view.may_toggle("admin", " Admin ", activate=False)
    assert view.may_toggle("admin", "admin", activate=True)


# ---------------------------------------------------------------- tokens


def test_a_token_row_shows_role_access_times_and_status() -> None:
    row = view.token_row(_token(last_used_at=NOW - timedelta(hours=2)), NOW)
    assert (row["status"], row["status_color"], row["read_only"], row["role"]) == ("active", "green", "1", "analyst")
    assert row["last_used"] == "2026-11-11 08:00" and row["used_ago_en"] == "2 h ago"
    assert row["expires"] == "2026-12-09 10:00" and row["expires_in_zh-CN"] == "28 天后"
    assert all(isinstance(v, str) for v in row.values())


def test_revoked_and_expired_tokens_say_so_and_show_no_countdown() -> None:
    revoked = view.token_row(_token(revoked_at=NOW - timedelta(minutes=1)), NOW)
    expired = view.token_row(_token(expires_at=NOW - timedelta(days=1)), NOW)
    assert (revoked["status"], revoked["expires_in_en"]) == ("revoked", "")
    assert (expired["status"], expired["status_color"]) == ("expired", "amber")
    forever = view.token_row(_token(expires_at=None), NOW)
    assert (forever["status"], forever["expires"]) == ("active", "")


def test_only_admins_may_give_a_token_another_role() -> None:
    assert view.token_roles("admin") == ["admin", "marketer", "designer", "analyst"]
    assert view.token_roles("designer") == ["designer"]


@pytest.mark.parametrize(("text", "never", "days", "error"), [
    ("30", False, 30, False), (" 365 ", False, 365, False), ("0", False, None, True),
    (str(MAX_DAYS + 1), False, None, True), ("abc", False, None, True), ("", True, None, False),
])
def test_the_lifetime_is_a_whole_number_of_days_or_never(text: str, never: bool, days: int | None,
                                                          error: bool) -> None:
    parsed, errors = view.parse_days(text, never)
    assert parsed == days
    assert bool(errors) is error
    if error:
        assert str(MAX_DAYS) in errors["days"]["en"]


def test_the_token_form_reports_a_missing_name_and_a_bad_lifetime_together() -> None:
    days, errors = view.check_token_form({"name": " ", "days": "400"}, never=False)
    assert days is None and set(errors) == {"name", "days"}
    days, errors = view.check_token_form({"name": "BI", "days": "400"}, never=True)
    assert (days, errors) == (None, {})
    assert view.check_token_form({"name": "BI", "days": "7"}, never=False) == (7, {})


def test_token_service_errors_map_to_the_form_fields() -> None:
    errors = view.token_errors({"name": "required", "expires_in_days": "between 1 and 365",
                                "role": "only your own role (designer) unless you are an admin"})
    assert set(errors) == {"name", "days", "role"}
    assert errors["name"]["zh-CN"] == "请填写名称"
    assert "128" in view.token_errors({"name": "at most 128 characters"})["name"]["en"]


@pytest.mark.parametrize(("origin", "backend", "root"), [
    ("http://127.0.0.1:3000", "http://localhost:3000", "http://127.0.0.1:3000"),  # make run: one port
    ("http://10.0.0.5:3000", "http://localhost:8000", "http://10.0.0.5:8000"),  # dev: backend on 8000
    ("https://mkt.example.cn", "http://0.0.0.0:8000", "https://mkt.example.cn"),  # behind an https proxy
    ("http://127.0.0.1:41000", "http://127.0.0.1:42000", "http://127.0.0.1:42000"),  # a named backend host
    ("https://a.example.cn", "https://api.example.cn/", "https://api.example.cn"),
    ("http://127.0.0.1:3000/", "", "http://127.0.0.1:3000"),
])
def test_the_api_lives_where_the_browser_reaches_the_backend(origin: str, backend: str, root: str) -> None:
    assert view.backend_root(origin, backend) == root


def test_the_curl_example_calls_me_on_this_server() -> None:
    base = view.api_base("http://127.0.0.1:3000")
    assert base == "http://127.0.0.1:3000/api/v1"
    assert view.api_docs("http://127.0.0.1:3000") == "http://127.0.0.1:3000/api/docs"
    assert view.curl_example(base) == ('curl -s http://127.0.0.1:3000/api/v1/me \\\n'
                                       '  -H "Authorization: Bearer $SHUYING_TOKEN"')
    assert "Bearer sy_abc" in view.curl_example(base, "sy_abc")


# ---------------------------------------------------------------- audit


def _record(i: int, action: str, entity_type: str = "user", entity_id: str | None = "7",
            details: dict | None = None) -> SimpleNamespace:
    return SimpleNamespace(id=i, actor="admin", action=action, entity_type=entity_type, entity_id=entity_id,
                           details=details or {}, occurred_at=(NOW - timedelta(minutes=i)).replace(tzinfo=None))


def test_an_audit_row_names_the_action_and_the_entity_in_words() -> None:
    row = view.audit_row(_record(5, "user.deactivate", details={"username": "lin"}), {"7": "lin"}, NOW)
    assert row["when"] == "2026-11-11 09:55" and row["ago_zh-CN"] == "5 分钟前"
    assert (row["label_zh-CN"], row["label_en"]) == ("停用账号", "Disabled an account")
    assert (row["entity_zh-CN"], row["entity_en"]) == ("用户 lin", "User lin")
    assert row["details"] == "username=lin" and row["failed"] == "0"


def test_unknown_actions_and_entities_show_their_codes() -> None:
    row = view.audit_row(_record(1, "page.publish", "page", "spring-sale", {"tags": ["a", "b"]}), {}, NOW)
    assert row["label_en"] == "page.publish" and row["entity_zh-CN"] == "page spring-sale"
    assert row["details"] == "tags=a,b"
    token = view.audit_row(_record(2, "api_token.revoke", "api_token", "12"), {}, NOW)
    assert token["entity_zh-CN"] == "API 令牌 #12"
    failed = view.audit_row(_record(3, "login.failed", "user", None, {"reason": "wrong_password"}), {}, NOW)
    assert failed["failed"] == "1" and failed["entity_en"] == "User"


def test_a_sign_in_lockout_reads_as_such_for_a_user_and_for_a_client_address() -> None:
    user = view.audit_row(_record(1, "login.locked", "user", "7", {"scope": "username"}), {"7": "lin"}, NOW)
    assert (user["label_zh-CN"], user["label_en"]) == ("登录已锁定", "Sign-ins locked")
    assert user["entity_zh-CN"] == "用户 lin"
    address = view.audit_row(_record(2, "login.locked", "client_address", "203.0.113.7"), {}, NOW)
    assert (address["entity_zh-CN"], address["entity_en"]) == ("客户端地址 203.0.113.7", "Client address 203.0.113.7")


def test_the_action_filter_lists_the_actions_present_and_keeps_the_newest_hundred() -> None:
    rows = [view.audit_row(_record(i, "login" if i % 2 else "api_token.create"), {}, NOW) for i in range(250)]
    rows.append(view.audit_row(_record(300, "page.publish"), {}, NOW))
    options = view.action_options(rows)
    assert [o["value"] for o in options] == ["login", "api_token.create", "page.publish"]
    assert options[0]["zh-CN"] == "登录"
    logins = view.filter_audit(rows, "login")
    assert len(logins) == view.AUDIT_SHOWN and {r["action"] for r in logins} == {"login"}
    assert logins[0]["id"] == "1"
    assert len(view.filter_audit(rows, view.ALL_ACTIONS)) == view.AUDIT_SHOWN
    assert view.filter_audit(rows, "page.publish")[0]["id"] == "300"
