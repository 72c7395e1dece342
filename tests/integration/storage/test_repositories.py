"""Repositories return plain values and keep their promises on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from storage.models import Channel, Customer, Order, User
from storage.repositories import (
    DuplicateError,
    RepositoryError,
    api_tokens,
    audit,
    kpis,
    quarantine,
    sessions,
    users,
)

SHANGHAI = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 11, 12, 0, tzinfo=UTC)


def _user(session: Session, username: str = "alice") -> users.UserRecord:
    """A marketer."""
    return users.create(session, username=username, display_name="Alice",
                        password_hash="$argon2id$x", role="marketer")


def test_created_user_is_found_by_username_and_id_as_a_plain_record(session: Session) -> None:
    created = _user(session)
    session.commit()
    by_name = users.get_by_username(session, " alice ")
    assert by_name == users.get_by_id(session, created.id) == created
    assert not isinstance(by_name, User)
    assert created.created_at.tzinfo is UTC
    assert users.get_by_username(session, "bob") is None


def test_creating_a_user_twice_or_with_a_bad_role_names_the_field(session: Session) -> None:
    _user(session)
    with pytest.raises(DuplicateError) as dup:
        _user(session)
    assert dup.value.field == "username"
    with pytest.raises(RepositoryError) as bad:
        users.create(session, username="eve", display_name="Eve", password_hash="h", role="root")
    assert bad.value.field == "role"


def test_touch_login_records_the_login_time(session: Session) -> None:
    user = _user(session)
    users.touch_login(session, user.id, at=NOW)
    session.commit()
    assert users.get_by_id(session, user.id).last_login_at == NOW  # type: ignore[union-attr]


def test_a_session_is_valid_until_it_expires_or_is_revoked(session: Session) -> None:
    user = _user(session)
    sessions.create(session, user_id=user.id, token_hash="h1", expires_at=NOW + timedelta(hours=12))
    session.commit()
    assert sessions.get_valid(session, "h1", now=NOW).user_id == user.id  # type: ignore[union-attr]
    assert sessions.get_valid(session, "h1", now=NOW + timedelta(hours=13)) is None
    assert sessions.get_valid(session, "unknown", now=NOW) is None
    assert sessions.revoke(session, "h1", at=NOW) is True
    assert sessions.revoke(session, "h1", at=NOW) is False
    assert sessions.get_valid(session, "h1", now=NOW) is None


def test_a_session_of_a_deactivated_user_is_not_valid(session: Session) -> None:
    user = _user(session)
    sessions.create(session, user_id=user.id, token_hash="h1", expires_at=NOW + timedelta(hours=1))
    session.get(User, user.id).is_active = False  # type: ignore[union-attr]
    session.commit()
    assert sessions.get_valid(session, "h1", now=NOW) is None


def test_session_expiry_must_be_timezone_aware(session: Session) -> None:
    user = _user(session)
    with pytest.raises(RepositoryError) as info:
        sessions.create(session, user_id=user.id, token_hash="h", expires_at=datetime(2026, 1, 1))
    assert info.value.field == "expires_at"


def test_api_tokens_are_found_by_hash_touched_and_revoked(session: Session) -> None:
    user = _user(session)
    token = api_tokens.create(session, name="POS sync", token_hash="th", prefix="sy_ab12",
                              user_id=user.id, scopes=["orders:write"])
    session.commit()
    found = api_tokens.get_by_hash(session, "th")
    assert found is not None and found.scopes == ["orders:write"] and found.is_usable(NOW)
    api_tokens.touch(session, token.id, at=NOW)
    assert api_tokens.get_by_hash(session, "th").last_used_at == NOW  # type: ignore[union-attr]
    assert api_tokens.revoke(session, token.id, at=NOW) is True
    assert not api_tokens.get_by_hash(session, "th").is_usable(NOW)  # type: ignore[union-attr]
    assert [t.id for t in api_tokens.list_for_user(session, user.id)] == [token.id]
    with pytest.raises(DuplicateError):
        api_tokens.create(session, name="again", token_hash="th", prefix="p", user_id=user.id, scopes=[])


def test_an_expired_api_token_is_not_usable(session: Session) -> None:
    user = _user(session)
    api_tokens.create(session, name="t", token_hash="th", prefix="p", user_id=user.id, scopes=[],
                      expires_at=NOW)
    assert not api_tokens.get_by_hash(session, "th").is_usable(NOW)  # type: ignore[union-attr]
    assert api_tokens.get_by_hash(session, "th").is_usable(NOW - timedelta(seconds=1))  # type: ignore[union-attr]


def test_audit_entries_come_back_newest_first_per_entity(session: Session) -> None:
    audit.record(session, actor="alice", action="create", entity_type="promotion", entity_id=1,
                 details={"name": "双11"}, at=NOW)
    audit.record(session, actor="bob", action="launch", entity_type="promotion", entity_id=1,
                 at=NOW + timedelta(minutes=1))
    audit.record(session, actor="bob", action="create", entity_type="page", entity_id=9, at=NOW)
    session.commit()
    entries = audit.list_recent(session, entity_type="promotion", entity_id=1)
    assert [(e.actor, e.action) for e in entries] == [("bob", "launch"), ("alice", "create")]
    assert entries[1].details == {"name": "双11"} and entries[1].entity_id == "1"
    with pytest.raises(RepositoryError):
        audit.record(session, actor=" ", action="x", entity_type="y")


def test_quarantined_rows_keep_payload_reason_and_field(session: Session) -> None:
    quarantine.put(session, source="pos", entity="order", payload={"order_no": "X", "total": "abc"},
                   reason="total: not a number", field="total", at=NOW)
    quarantine.put(session, source="crm", entity="customer", payload={"phone": "1"},
                   reason="phone: invalid", field="phone", at=NOW)
    session.commit()
    rows = quarantine.list_entries(session, source="pos")
    assert len(rows) == 1
    assert (rows[0].payload, rows[0].field, rows[0].reason) == (
        {"order_no": "X", "total": "abc"}, "total", "total: not a number")
    assert quarantine.count(session) == 2


def _orders(session: Session) -> None:
    """Orders across two Shanghai days, with non-paid ones that must not count."""
    session.add(Channel(code="store", name_zh="门店", name_en="Store", kind="offline"))
    specs = [
        ("O1", datetime(2026, 11, 10, 23, 59, tzinfo=SHANGHAI), "paid", "0.10"),
        ("O2", datetime(2026, 11, 11, 0, 0, tzinfo=SHANGHAI), "paid", "0.20"),  # 16:00 UTC on the 10th
        ("O3", datetime(2026, 11, 11, 23, 59, tzinfo=SHANGHAI), "paid", "1234.56"),
        ("O4", datetime(2026, 11, 11, 12, 0, tzinfo=SHANGHAI), "refunded", "999.00"),
        ("O5", datetime(2026, 11, 11, 12, 0, tzinfo=SHANGHAI), "cancelled", "5.00"),
    ]
    for no, at, status, total in specs:
        session.add(Order(order_no=no, channel_code="store", placed_at=at, status=status,
                          subtotal=Decimal(total), total=Decimal(total)))
    session.commit()


def test_gmv_is_the_exact_sum_of_paid_orders_in_the_half_open_range(session: Session) -> None:
    _orders(session)
    day11 = datetime(2026, 11, 11, tzinfo=SHANGHAI)
    gmv = kpis.gmv_between(session, day11, day11 + timedelta(days=1))
    assert gmv == Decimal("1234.76") and isinstance(gmv, Decimal)
    assert kpis.count_orders_between(session, day11, day11 + timedelta(days=1)) == 2
    assert kpis.count_orders_between(session, day11, day11 + timedelta(days=1),
                                     statuses=("paid", "refunded", "cancelled")) == 4
    assert kpis.gmv_between(session, day11 + timedelta(days=5), day11 + timedelta(days=6)) == Decimal("0.00")


def test_daily_figures_group_by_shanghai_day_and_include_empty_days(session: Session) -> None:
    _orders(session)
    start = datetime(2026, 11, 10, tzinfo=SHANGHAI)
    figures = kpis.daily_figures(session, start, start + timedelta(days=3))
    assert [(f.day, f.orders, f.gmv) for f in figures] == [
        (date(2026, 11, 10), 1, Decimal("0.10")),
        (date(2026, 11, 11), 2, Decimal("1234.76")),
        (date(2026, 11, 12), 0, Decimal("0.00")),
    ]


def test_kpi_ranges_must_be_aware_and_ordered(session: Session) -> None:
    with pytest.raises(RepositoryError) as naive:
        kpis.gmv_between(session, datetime(2026, 1, 1), NOW)
    assert naive.value.field == "start"
    with pytest.raises(RepositoryError) as backwards:
        kpis.count_orders_between(session, NOW, NOW - timedelta(days=1))
    assert backwards.value.field == "end"


def test_count_customers_counts_profiles(session: Session) -> None:
    assert kpis.count_customers(session) == 0
    session.add_all([Customer(code="C000001"), Customer(code="C000002")])
    session.commit()
    assert kpis.count_customers(session) == 2
