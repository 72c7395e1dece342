"""Audiences: size, a page or a sample, every id — selected by SQL, or by Python with the reason."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from services.segments import Audience, SegmentError, audience, audience_ids
from storage.models import Customer, CustomerTag

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 10, 30, tzinfo=SH)
SPENT = {">=": [{"var": "customer.total_spent"}, 100]}
BORN_BEFORE_2000 = {"<": [{"var": "customer.birth_date"}, "2000-01-01"]}
LAPSED = {">": [{"days_since": {"var": "customer.last_order_at"}}, 30]}
CITY_STARTS_WITH_SHANG = {"==": [{"substr": [{"var": "customer.city"}, 0, 1]}, "上"]}


@pytest.fixture
def customers(session: Session) -> list[Customer]:
    """Twelve customers: every third without a birth date, spend 0, 50, ..., 550, last orders a week apart
    (C001 a week before NOW ... C011 eleven weeks; C000 never), C001, C003... in 上海, every fourth a vip."""
    rows = []
    for i in range(12):
        row = Customer(code=f"C{i:03d}", registered_at=datetime(2025, 1, 1, tzinfo=SH),
                       total_spent=Decimal(50 * i), orders_count=i, city="上海" if i % 2 else "杭州",
                       birth_date=None if i % 3 == 0 else date(1990 + 2 * i, 6, 1),
                       last_order_at=NOW - timedelta(days=7 * i) if i else None)
        session.add(row)
        rows.append(row)
    session.flush()
    session.add_all([CustomerTag(customer_id=r.id, tag="vip", source="manual") for r in rows[::4]])
    session.commit()
    return rows


def _codes(result: Audience) -> list[str]:
    """The codes of the returned customers."""
    return [m.code for m in result.customers]


def test_the_database_counts_and_pages_the_customers_a_rule_selects(customers: list[Customer]) -> None:
    first = audience(SPENT, limit=3, now=NOW)
    assert (first.count, first.pushed_down, first.fallback, first.errors, first.population) == (10, True, None, 0, 12)
    assert _codes(first) == ["C002", "C003", "C004"]
    assert _codes(audience(SPENT, limit=3, offset=8, now=NOW)) == ["C010", "C011"]
    assert audience(SPENT, limit=0, now=NOW).customers == []


@pytest.mark.parametrize("rule", [SPENT, BORN_BEFORE_2000, LAPSED, {"!": BORN_BEFORE_2000},
                                  {"has_tag": ["vip"]}, {"!": {"var": "customer.first_order_at"}}])
def test_python_evaluation_gives_the_same_audience_as_sql(customers: list[Customer], rule: Any) -> None:
    by_sql = audience(rule, limit=5, offset=1, now=NOW)
    by_python = audience(rule, limit=5, offset=1, now=NOW, pushdown=False)
    assert by_sql.pushed_down and not by_python.pushed_down
    assert by_python.fallback == "push-down turned off by the caller"
    assert (by_sql.count, by_sql.errors, by_sql.customers) == (by_python.count, by_python.errors, by_python.customers)


def test_customers_whose_evaluation_fails_are_counted_as_errors_not_members(customers: list[Customer]) -> None:
    result = audience(BORN_BEFORE_2000, limit=20, now=NOW)
    assert result.errors == 4  # no birth date: comparing null with a date raises in the engine
    assert _codes(result) == ["C001", "C002", "C004"]


def test_a_rule_without_an_exact_sql_form_is_evaluated_in_python_and_says_where(
        customers: list[Customer]) -> None:
    result = audience(CITY_STARTS_WITH_SHANG, limit=2, now=NOW)
    assert not result.pushed_down and result.count == 6
    assert result.fallback is not None and result.fallback.startswith("$.==[0].substr:")
    assert _codes(result) == ["C001", "C003"]


def test_days_since_counts_from_the_given_now(customers: list[Customer]) -> None:
    assert _codes(audience(LAPSED, now=NOW)) == [f"C{i:03d}" for i in range(5, 12)]
    assert audience(LAPSED, now=datetime(2026, 12, 31, tzinfo=SH)).count == 11


@pytest.mark.parametrize("pushdown", [True, False])
def test_a_sample_is_drawn_from_the_audience(customers: list[Customer], pushdown: bool) -> None:
    everyone = set(_codes(audience(SPENT, limit=100, now=NOW)))
    seen: set[str] = set()
    for _ in range(30):
        sample = audience(SPENT, limit=3, sample=True, now=NOW, pushdown=pushdown)
        codes = _codes(sample)
        assert sample.sampled and sample.count == 10 and len(codes) == 3
        assert codes == sorted(codes) and set(codes) <= everyone
        seen |= set(codes)
    assert len(seen) > 3  # not always the same three


@pytest.mark.parametrize("rule", [SPENT, CITY_STARTS_WITH_SHANG])
def test_audience_ids_streams_every_member_in_order(customers: list[Customer], rule: Any) -> None:
    batches = list(audience_ids(rule, now=NOW, batch_size=4))
    ids = [i for b in batches for i in b]
    expected = audience(rule, limit=100, now=NOW)
    assert ids == [m.id for m in expected.customers] and all(0 < len(b) <= 4 for b in batches)


def test_invalid_rules_are_refused_with_every_problem(db: Any) -> None:
    with pytest.raises(SegmentError) as bad:
        audience({"and": [{"==": [{"var": "customer.nickname"}, "x"]}, {"==": [{"var": "customer.tier"}, "bronze"]}]})
    assert [p["code"] for p in bad.value.problems] == ["unknown_field", "unknown_option"]
    with pytest.raises(SegmentError):
        audience({})


def test_limit_offset_and_a_naive_now_are_refused(db: Any) -> None:
    for kwargs in ({"limit": -1}, {"limit": 1001}, {"offset": -1}, {"now": datetime(2026, 1, 1)}):
        with pytest.raises(SegmentError):
            audience(SPENT, **kwargs)  # type: ignore[arg-type]
