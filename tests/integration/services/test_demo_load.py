"""Loading the demo data set into SQLite and PostgreSQL: counts, encryption, consistency, safety."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from services.auth import DEMO_USERS
from services.dashboard import dashboard_kpis
from services.demo import DemoDataExists, demo_counts, ensure_demo_data, load_demo
from storage import crypto
from storage.db import session_scope
from storage.models import Customer, CustomerIdentity, Order, User

TZ = ZoneInfo("Asia/Shanghai")
AS_OF = date(2026, 11, 27)
CUSTOMERS = 200


def _load(customers: int = CUSTOMERS, seed: int = 11, **kwargs: object):  # noqa: ANN202
    """Load a small data set as of AS_OF."""
    return load_demo(customers=customers, seed=seed, as_of=AS_OF, **kwargs)  # type: ignore[arg-type]


def test_the_database_holds_exactly_the_rows_the_summary_reports(db: Engine) -> None:
    phases: list[tuple[str, int, int]] = []
    summary = _load(progress=lambda phase, done, total: phases.append((phase, done, total)))
    assert summary.loaded and summary.counts["customers"] == CUSTOMERS
    found = demo_counts()
    assert {k: found[k] for k in summary.counts} == summary.counts
    assert summary.counts["orders"] > CUSTOMERS and summary.counts["events"] > summary.counts["orders"]
    assert all(summary.counts[t] > 0 for t in ("stores", "products", "inventory", "campaigns",
                                                "promotions", "coupon_templates", "coupons"))
    assert ("customers", CUSTOMERS, CUSTOMERS) in phases and phases[-1] == ("users", 1, 1)


def test_the_same_seed_loads_the_same_first_customer_and_counts(db: Engine) -> None:
    first = _load()
    with session_scope() as s:
        name = s.scalars(sa.select(Customer).order_by(Customer.id).limit(1)).one().name
    again = _load(clear=True)
    with session_scope() as s:
        customer = s.scalars(sa.select(Customer).order_by(Customer.id).limit(1)).one()
    assert again.counts == first.counts
    assert (customer.code, customer.name) == ("C0000001", name)


def test_personal_data_is_ciphertext_in_the_raw_columns_and_found_by_blind_index(db: Engine) -> None:
    _load()
    with db.connect() as conn:
        raw = conn.execute(sa.text(
            "SELECT name, phone, email FROM customers WHERE phone IS NOT NULL AND email IS NOT NULL"
        )).first()
        identity = conn.execute(sa.text("SELECT value FROM customer_identities LIMIT 1")).scalar_one()
    assert raw is not None
    assert all(value.startswith(f"{crypto.CURRENT_VERSION}:") for value in (*raw, identity))
    with session_scope() as s:
        phone_row = s.scalars(sa.select(CustomerIdentity).where(CustomerIdentity.namespace == "phone")
                              .order_by(CustomerIdentity.id).limit(1)).one()
        number = phone_row.value
        spaced = f"+86 {number[:3]}-{number[3:7]}-{number[7:]}"
        owner = s.scalars(sa.select(Customer).where(
            Customer.phone_bidx == crypto.blind_index_phone(spaced))).one()
    assert number.isdigit() and len(number) == 11
    assert owner.id == phone_row.customer_id and owner.phone == number


def test_customer_aggregates_match_their_paid_orders_in_sql(db: Engine) -> None:
    _load()
    paid = sa.select(
        Order.customer_id, sa.func.count().label("n"), sa.func.sum(Order.total).label("spent"),
        sa.func.min(Order.placed_at).label("first"), sa.func.max(Order.placed_at).label("last"),
    ).where(Order.status == "paid").group_by(Order.customer_id).subquery()
    query = sa.select(Customer, paid.c.n, paid.c.spent, paid.c.first, paid.c.last).outerjoin(
        paid, paid.c.customer_id == Customer.id)
    with session_scope() as s:
        rows = s.execute(query).all()
    assert len(rows) == CUSTOMERS
    for customer, n, spent, first, last in rows:
        assert customer.orders_count == (n or 0)
        assert customer.total_spent == Decimal(str(spent or 0)).quantize(Decimal("0.01"))
        assert customer.first_order_at == (first.replace(tzinfo=UTC) if first and not first.tzinfo else first)
        assert customer.last_order_at == (last.replace(tzinfo=UTC) if last and not last.tzinfo else last)


def test_some_customers_are_known_in_three_or_more_namespaces(db: Engine) -> None:
    _load()
    per_customer = sa.select(CustomerIdentity.customer_id).group_by(CustomerIdentity.customer_id).having(
        sa.func.count(sa.distinct(CustomerIdentity.namespace)) >= 3)
    with session_scope() as s:
        many = s.scalar(sa.select(sa.func.count()).select_from(per_customer.subquery()))
    assert many is not None and many > CUSTOMERS // 4


def test_the_double_eleven_week_beats_twice_the_median_week(db: Engine) -> None:
    _load(customers=300)
    with session_scope() as s:
        orders = s.execute(sa.select(Order.placed_at, Order.total).where(Order.status == "paid")).all()
    weeks: dict[date, Decimal] = defaultdict(Decimal)
    double_eleven = Decimal("0")
    for placed, total in orders:
        day = placed.astimezone(TZ).date()
        monday = day - timedelta(days=day.weekday())
        if monday >= AS_OF - timedelta(days=365) and monday + timedelta(days=7) <= AS_OF:
            weeks[monday] += total
        if date(2026, 11, 5) <= day <= date(2026, 11, 11):
            double_eleven += total
    assert double_eleven > 2 * statistics.median(weeks.values())


def test_the_dashboard_has_real_figures_for_the_last_30_days(db: Engine) -> None:
    _load()
    kpis = dashboard_kpis(now=datetime.combine(AS_OF, time(10), tzinfo=TZ))
    assert kpis.customers == CUSTOMERS
    assert kpis.current.orders > 0 and kpis.current.gmv > 0
    assert kpis.previous.orders > 0
    assert sum(1 for d in kpis.daily if d.gmv > 0) > 15


def test_loading_into_a_database_with_data_is_refused_and_changes_nothing(db: Engine) -> None:
    _load()
    before = demo_counts()
    with pytest.raises(DemoDataExists) as caught:
        _load(customers=50)
    assert caught.value.tables["customers"] == CUSTOMERS
    assert "customers" in str(caught.value) and "--force" in str(caught.value)
    assert demo_counts() == before


def test_clearing_first_replaces_the_data(db: Engine) -> None:
    _load()
    summary = _load(customers=50, seed=3, clear=True)
    assert demo_counts()["customers"] == 50 == summary.counts["customers"]


def test_ensure_loads_an_empty_database_once_and_then_leaves_it_alone(db: Engine) -> None:
    first = ensure_demo_data(customers=60, seed=5, as_of=AS_OF)
    second = ensure_demo_data(customers=60, seed=5, as_of=AS_OF)
    assert first.loaded and not second.loaded
    assert second.note and "customers" in second.note
    assert second.counts == demo_counts() and second.counts["customers"] == 60


def test_a_load_creates_the_demo_logins(db: Engine) -> None:
    _load(customers=20)
    with session_scope() as s:
        names = set(s.scalars(sa.select(User.username)))
    assert {u.username for u in DEMO_USERS} <= names


def test_new_rows_get_fresh_ids_after_the_demo(db: Engine) -> None:
    _load(customers=20)
    with session_scope() as s:
        s.add(Customer(code="NEW0001", name="新顾客", phone="13912345678"))
        s.add(Order(order_no="NEW-ORDER-1", channel_code="online", placed_at=datetime.now(UTC),
                    subtotal=Decimal("10"), total=Decimal("10")))
        s.flush()
        newest = s.scalar(sa.select(sa.func.max(Customer.id)))
    assert newest == 21
