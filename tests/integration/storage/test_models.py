"""Models round-trip exact money, aware UTC times, JSON, and keep personal data encrypted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.crypto import PiiError, blind_index_email, blind_index_phone
from storage.models import (
    Channel,
    Customer,
    CustomerIdentity,
    Event,
    Order,
    encrypt_pii_row,
)

SHANGHAI = timezone(timedelta(hours=8))


def _channel(session: Session) -> None:
    """The store channel every order needs."""
    session.add(Channel(code="store", name_zh="门店", name_en="Store", kind="offline"))


def test_money_and_times_round_trip_exactly_and_come_back_aware_utc(session: Session) -> None:
    _channel(session)
    placed = datetime(2026, 11, 11, 0, 30, tzinfo=SHANGHAI)
    session.add(Order(order_no="O1", channel_code="store", placed_at=placed,
                      subtotal=Decimal("12345678.91"), discount=Decimal("0.01"),
                      total=Decimal("12345678.90"), promotion_ids=[3, 7]))
    session.commit()
    session.expunge_all()
    order = session.scalars(sa.select(Order)).one()
    assert order.total == Decimal("12345678.90") and isinstance(order.total, Decimal)
    assert order.discount == Decimal("0.01")
    assert order.placed_at == placed
    assert order.placed_at.tzinfo is UTC
    assert order.placed_at.hour == 16
    assert order.created_at.tzinfo is UTC
    assert order.promotion_ids == [3, 7]


def test_naive_datetimes_are_rejected(session: Session) -> None:
    _channel(session)
    session.add(Order(order_no="O1", channel_code="store", placed_at=datetime(2026, 1, 1),
                      subtotal=Decimal("1"), total=Decimal("1")))
    with pytest.raises(sa.exc.StatementError, match="timezone-aware"):
        session.commit()


def test_event_props_json_round_trips_unicode(session: Session) -> None:
    session.add(Event(type="view", channel="short_video", props={"标题": "双11", "n": 2}))
    session.commit()
    session.expunge_all()
    assert session.scalars(sa.select(Event.props)).one() == {"标题": "双11", "n": 2}


def test_customer_pii_is_stored_encrypted_and_found_by_blind_index(session: Session) -> None:
    session.add(Customer(code="C000001", name=" 张三 ", phone="138 0013 8000", email="Z@QQ.com"))
    session.commit()
    raw = session.execute(sa.text("SELECT name, phone, email, phone_bidx FROM customers")).one()
    assert all(v.startswith("v1:") for v in raw[:3])
    assert "13800138000" not in raw.phone and "张三" not in raw.name and "qq.com" not in raw.email
    session.expunge_all()
    found = session.scalars(
        sa.select(Customer).where(Customer.phone_bidx == blind_index_phone("+86 13800138000"))
    ).one()
    assert (found.name, found.phone, found.email) == ("张三", "13800138000", "z@qq.com")
    assert found.email_bidx == blind_index_email("z@qq.com")


def test_changing_a_phone_updates_its_blind_index(session: Session) -> None:
    session.add(Customer(code="C000001", phone="13800138000"))
    session.commit()
    customer = session.scalars(sa.select(Customer)).one()
    customer.phone = "+86 139-0013-9000"
    session.commit()
    session.expunge_all()
    hits = session.scalars(
        sa.select(Customer.code).where(Customer.phone_bidx == blind_index_phone("13900139000"))
    ).all()
    assert hits == ["C000001"]
    assert session.scalars(
        sa.select(Customer).where(Customer.phone_bidx == blind_index_phone("13800138000"))
    ).all() == []


def test_clearing_a_phone_clears_its_blind_index(session: Session) -> None:
    session.add(Customer(code="C000001", phone="13800138000"))
    session.commit()
    customer = session.scalars(sa.select(Customer)).one()
    customer.phone = None
    session.commit()
    assert session.execute(sa.text("SELECT phone, phone_bidx FROM customers")).one() == (None, None)


def test_an_invalid_phone_is_rejected_on_assignment_naming_the_field() -> None:
    with pytest.raises(PiiError) as info:
        Customer(code="C000001", phone="12345")
    assert info.value.field == "phone"


def test_bulk_insert_rows_are_encrypted_and_indexed(session: Session) -> None:
    rows = [{"code": f"C{i:06d}", "phone": f"1380013{i:04d}", "name": f"客户{i}"} for i in range(50)]
    session.execute(sa.insert(Customer), [encrypt_pii_row(Customer, r) for r in rows])
    session.commit()
    raw_phones = session.execute(sa.text("SELECT phone FROM customers")).scalars().all()
    assert len(raw_phones) == 50 and all(p.startswith("v1:") for p in raw_phones)
    hit = session.scalars(
        sa.select(Customer).where(Customer.phone_bidx == blind_index_phone("138-0013-0042"))
    ).one()
    assert (hit.code, hit.name) == ("C000042", "客户42")


def test_bulk_insert_row_with_a_bad_email_names_the_field() -> None:
    with pytest.raises(PiiError) as info:
        encrypt_pii_row(Customer, {"code": "C1", "email": "nope"})
    assert info.value.field == "email"


def test_identity_values_normalise_by_namespace_and_are_unique_per_namespace(session: Session) -> None:
    customer = Customer(code="C000001")
    session.add(customer)
    session.flush()
    session.add(CustomerIdentity(customer_id=customer.id, namespace="phone", value="+86 138 0013 8000"))
    session.add(CustomerIdentity(customer_id=customer.id, namespace="wechat_openid", value=" oX1 "))
    session.commit()
    values = {i.namespace: i.value for i in session.scalars(sa.select(CustomerIdentity))}
    assert values == {"phone": "13800138000", "wechat_openid": "oX1"}
    session.add(CustomerIdentity(customer_id=customer.id, namespace="phone", value="13800138000"))
    with pytest.raises(IntegrityError):
        session.commit()


def test_foreign_keys_are_enforced(session: Session) -> None:
    session.add(Order(order_no="O1", channel_code="nowhere", placed_at=datetime.now(UTC),
                      subtotal=Decimal("1"), total=Decimal("1")))
    with pytest.raises(IntegrityError):
        session.commit()
