"""Rules pushed down to SQL select exactly the customers the Python evaluator selects.

The oracle is the engine itself: ``compile_rule(rule)`` on ``{"customer": facts.customer(...),
"context": {"now": NOW}}`` for every customer of a demo database (300 customers) plus hand-made
customers with null fields, empty text, whole-cent money near 0.1 + 0.2, dates on both sides of
the Shanghai midnight and tags with LIKE metacharacters.  A customer whose evaluation raises is
outside the audience and inside the error set; both sets must match, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from engine.rules import CATALOGUE, RuleEvalError, compile_rule, truthy
from services.demo import load_demo
from storage.models import Customer, CustomerTag
from storage.repositories import facts
from storage.segments import FIELD_KEYS, NotPushable, customer_batches, translate

SH = ZoneInfo("Asia/Shanghai")
AS_OF = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 10, 30, tzinfo=SH)
DATE_FIELDS = ["customer.birth_date", "customer.registered_at", "customer.first_order_at",
               "customer.last_order_at"]
FIELDS = [f"customer.{k}" for k in sorted(FIELD_KEYS)] + ["customer.nickname"]


def sh(*parts: int) -> datetime:
    """An Asia/Shanghai wall-clock time."""
    return datetime(*parts, tzinfo=SH)  # type: ignore[misc]


TRICKY: list[dict[str, Any]] = [
    dict(city=None, province=None, first_channel=None, tags=[]),
    dict(city="", province="", total_spent=Decimal("0.30"), orders_count=2, birth_date=date(2000, 1, 1),
         first_order_at=sh(2026, 11, 26, 23, 59, 59, 999999), last_order_at=sh(2026, 11, 27),
         tags=["vip", "50%_off"]),
    dict(city="123", total_spent=Decimal("0.10"), orders_count=1, birth_date=date(1999, 12, 31),
         last_order_at=sh(2026, 11, 26, 23, 59, 59, 999999), tags=[""]),
    dict(city="Zhuhai", total_spent=Decimal("0.20"), birth_date=date(1988, 6, 1), registered_at=sh(2026, 1, 1),
         last_order_at=sh(2026, 8, 29), orders_count=3, tags=["沉睡", "vip"]),
    dict(city="apple", total_spent=Decimal("1499.99"), registered_at=sh(2025, 12, 31, 23, 59, 59, 999999),
         last_order_at=sh(2026, 11, 27, 10, 30), points_balance=-5, is_member=True, tier="gold",
         orders_count=9),
    dict(city="上海", total_spent=Decimal("1000.00"), points_balance=10 ** 9, orders_count=1,
         last_order_at=sh(2026, 11, 28), birth_date=date(1986, 5, 4), gender="M"),
    dict(city="Shanghai", total_spent=Decimal("0.01"), orders_count=4, last_order_at=sh(2026, 8, 28, 23, 59, 59),
         first_order_at=sh(2024, 2, 29, 12), birth_date=date(2026, 11, 27), first_channel="tmall", gender="F"),
    dict(city="Beijing", first_order_at=sh(2026, 1, 1), last_order_at=None, orders_count=1, total_spent=Decimal("1")),
]


def _add_tricky(session: Session) -> None:
    """The hand-made customers (codes X001...)."""
    for i, spec in enumerate(TRICKY, start=1):
        spec = dict(spec)
        tags = spec.pop("tags", ["KOC"])
        row = Customer(code=f"X{i:03d}", **{"registered_at": sh(2025, 6, 1, 9), "city": "杭州", **spec})
        session.add(row)
        session.flush()
        session.add_all([CustomerTag(customer_id=row.id, tag=t, source="manual") for t in tags])
    session.commit()


@pytest.fixture
def people(db: Any, session: Session) -> list[dict[str, Any]]:
    """300 demo customers and the tricky ones; their facts as ``facts.customer`` builds them."""
    load_demo(customers=300, seed=5, as_of=AS_OF)
    _add_tricky(session)
    ids = session.scalars(sa.select(Customer.id).order_by(Customer.id)).all()
    return [facts.customer(session, i) for i in ids]  # type: ignore[misc]


def python_sets(rule: Any, people: list[dict[str, Any]]) -> tuple[set[int], set[int]]:
    """(selected, failed) customer ids by the engine."""
    compiled = compile_rule(rule)
    selected, failed = set(), set()
    for p in people:
        try:
            if truthy(compiled({"customer": p, "context": {"now": NOW}})):
                selected.add(p["id"])
        except RuleEvalError:
            failed.add(p["id"])
    return selected, failed


def sql_sets(session: Session, rule: Any) -> tuple[set[int], set[int]]:
    """(selected, failed) customer ids by the database (raises NotPushable)."""
    sql = translate(rule, now=NOW, dialect=session.get_bind().dialect.name)
    selected = set(session.scalars(sa.select(Customer.id).where(sql.where)))
    failed = set(session.scalars(sa.select(Customer.id).where(sql.errors)))
    return selected, failed


def agree(session: Session, people: list[dict[str, Any]], rule: Any) -> tuple[set[int], set[int]]:
    """Assert SQL and Python agree on the rule; returns the sets."""
    expected = python_sets(rule, people)
    assert sql_sets(session, rule) == expected, rule
    return expected


# -- a table of rules that must push down, chosen for the places SQL and JSON-Logic differ ---------------

V = {k.split(".", 1)[1]: {"var": k} for k in FIELDS}
DAYS = {"days_since": V["last_order_at"]}
PUSHED: list[Any] = [
    {">=": [V["total_spent"], 1000]},
    {"==": [V["total_spent"], 0.3]},
    {"==": [V["total_spent"], {"+": [0.1, 0.2]}]},  # 0.30000000000000004: not 0.30
    {"==": [V["total_spent"], "0.30"]},
    {"<": [V["total_spent"], "0.305"]},
    {">": [V["total_spent"], 0.299999999]},
    {"==": [V["total_spent"], None]},
    {"<": [V["birth_date"], "2000-01-01"]},  # null birth dates raise NaN: errors, not matches
    {"!": {"<": [V["birth_date"], "2000-01-01"]}},
    {"<=": [V["birth_date"], "1999-12-31T23:59:59+08:00"]},
    {"==": [V["birth_date"], "2000-01-01T00:00:00+08:00"]},
    {"==": [V["birth_date"], "1999-12-31T16:00:00Z"]},
    {">": [V["registered_at"], "2026-01-01"]},
    {">=": [V["registered_at"], "2025-12-31T16:00:00Z"]},
    {"<": ["2025-12-31", V["registered_at"], "2026-01-02"]},
    {"==": [DAYS, 0]}, {"==": [DAYS, 1]}, {">": [DAYS, 90]}, {">=": [DAYS, 90]}, {"<": [DAYS, 30]},
    {"<=": [30, DAYS, 90]}, {"==": [DAYS, None]}, {"<": [DAYS, "1.5"]}, {"!": DAYS}, DAYS,
    {"==": [{"days_since": V["birth_date"]}, 0]},
    {"between_dates": [V["last_order_at"], "2026-08-29", "2026-11-26"]},
    {"between_dates": [V["birth_date"], "1999-12-31T12:00:00+08:00", "2000-01-01"]},
    {"between_dates": [V["registered_at"], "2026-01-01T00:00:00+08:00", "2026-03-31T23:59:59+08:00"]},
    V["city"], {"!": V["city"]}, {"!!": [V["province"]]}, V["tags"], {"!": V["first_order_at"]},
    {"==": [V["city"], "上海"]}, {"!=": [V["city"], None]}, {"==": [V["city"], None]},
    {"<": [V["city"], "a"]}, {">=": [V["city"], "上"]}, {"===": [V["city"], ""]},
    {"in": [V["city"], ["上海", "杭州", "", None]]}, {"in": [V["city"], "上海杭州Zhuhai"]},
    {"in": ["海", V["city"]]}, {"in": ["vip", V["tags"]]}, {"in": ["", V["tags"]]}, {"in": [V["city"], V["tags"]]},
    {"in_list": [V["tier"], ["gold", "silver"]]}, {"in_list": [V["tags"], ["vip", "沉睡"]]},
    {"in_list": [["50%_off", "x"], V["tags"]]}, {"in_list": [V["orders_count"], [1, 2.0, True, "3"]]},
    {"in_list": [V["total_spent"], [0.5, 0.3, 1000, "0.10"]]}, {"in_list": [V["city"], [None]]},
    {"has_tag": ["vip", "KOC"]}, {"has_tag": [["沉睡", "高价值"]]}, {"has_tag": ["50%_%"]},
    {"==": [V["is_new"], 1]}, {"==": [V["is_member"], "1"]}, {">": [V["is_member"], 0.5]},
    {"===": [V["is_new"], True]}, {"!": V["is_member"]},
    {"==": [V["orders_count"], "3"]}, {"<": [V["orders_count"], 2.5]}, {">": [V["points_balance"], 1e300]},
    {"==": [V["points_balance"], None]}, {"<": [V["points_balance"], "Infinity"]}, {"===": [V["orders_count"], 3.0]},
    {"==": [V["nickname"], None]}, {"var": ["customer.nickname", 7]}, {"missing": ["customer.birth_date", "customer.city"]},
    {"!": {"missing": ["customer.first_order_at"]}}, {"missing_some": [1, ["customer.city", "customer.birth_date"]]},
    {"exists": ["customer", "city"]}, {"<": [{"now": []}, "2026-12-01"]},
    {"and": [{">=": [V["orders_count"], 3]}, {"<": [V["last_order_at"], "2026-08-01"]}]},
    {"or": [{"<": [V["birth_date"], "1990-01-01"]}, {"==": [V["tier"], "gold"]}]},
    {"or": [{"==": [V["tier"], "gold"]}, {"<": [V["birth_date"], "1990-01-01"]}]},
    {"if": [{"<": [V["birth_date"], "1990-01-01"]}, V["is_member"], {"in": ["vip", V["tags"]]}]},
    {"==": [{"<": [V["birth_date"], "1990-01-01"]}, False]},
    {"==": [{"and": [V["is_member"], {">": [V["orders_count"], 2]}]}, True]},
    {"<": [V["tags"], 1]},  # comparing a list always raises
    {">": [V["points_balance"], V["orders_count"]]}, {"<=": [V["total_spent"], V["points_balance"]]},
    {"==": [V["total_spent"], V["orders_count"]]}, {"!==": [V["orders_count"], V["id"]]},
    {"<": [V["first_order_at"], V["last_order_at"]]}, {"==": [V["first_order_at"], V["last_order_at"]]},
    {">=": [V["registered_at"], V["first_order_at"]]}, {"!=": [V["last_order_at"], V["registered_at"]]},
    {"===": [V["first_order_at"], V["last_order_at"]]},
]
NOT_PUSHED: list[tuple[Any, str]] = [
    ({"==": [V["city"], 123]}, "reads as a number"),
    ({"<": [V["city"], None]}, "reads as a number"),
    ({"==": [{"substr": [V["city"], 0, 1]}, "上"]}, "substr"),
    ({">": [V["orders_count"], V["birth_date"]]}, "comparing customer.orders_count with customer.birth_date"),
    ({"<": [DAYS, {"days_since": V["registered_at"]}]}, "two values computed"),
    ({"some": [V["tags"], {"==": [{"var": ""}, "vip"]}]}, "some"),
    ({"==": [{"if": [V["is_member"], 1]}, 1]}, "null when no condition holds"),
    ({"==": [V["id"], "C0000001"]}, None),  # id is the row id (a number): the text raises NaN everywhere
]


def test_every_customer_field_the_evaluator_sees_is_translated(session: Session) -> None:
    row = Customer(code="C1", registered_at=NOW)
    session.add(row)
    session.commit()
    assert set(facts.customer(session, row.id) or {}) == set(FIELD_KEYS)
    catalogue = {f.key.split(".", 1)[1] for f in CATALOGUE.namespace("customer")}
    assert catalogue <= set(FIELD_KEYS)


def test_batch_facts_are_exactly_the_facts_of_each_customer(session: Session,
                                                              people: list[dict[str, Any]]) -> None:
    batches = list(customer_batches(session, batch_size=64))
    assert len(batches) == -(-len(people) // 64)
    assert [f for b in batches for f in b] == people


def test_the_table_of_rules_pushes_down_and_agrees_with_python(session: Session,
                                                               people: list[dict[str, Any]]) -> None:
    sizes = [agree(session, people, rule) for rule in PUSHED]
    assert any(selected for selected, _ in sizes) and any(failed for _, failed in sizes)
    assert any(0 < len(selected) < len(people) for selected, _ in sizes)


def test_rules_without_an_exact_sql_form_say_which_node_and_why(session: Session) -> None:
    for rule, words in NOT_PUSHED:
        if words is None:
            sql_sets(session, rule)  # pushable: every customer fails, and SQL says so
            continue
        with pytest.raises(NotPushable) as refused:
            sql_sets(session, rule)
        assert words in str(refused.value) and refused.value.path.startswith("$"), rule


def test_a_missing_birth_date_compared_with_a_date_is_an_error_not_a_match(
        session: Session, people: list[dict[str, Any]]) -> None:
    selected, failed = agree(session, people, {"<": [V["birth_date"], "2000-01-01"]})
    no_birthday = {p["id"] for p in people if p["birth_date"] is None}
    assert no_birthday and failed == no_birthday and not selected & no_birthday
    negated, negated_failed = agree(session, people, {"!": {"<": [V["birth_date"], "2000-01-01"]}})
    assert negated_failed == no_birthday and not negated & no_birthday


def test_money_compares_exactly_in_whole_cents(session: Session, people: list[dict[str, Any]]) -> None:
    codes = {p["id"]: p["code"] for p in people}
    exactly, _ = agree(session, people, {"==": [V["total_spent"], 0.3]})
    assert "X002" in {codes[i] for i in exactly}
    float_sum, _ = agree(session, people, {"==": [V["total_spent"], {"+": [0.1, 0.2]}]})
    assert not float_sum
    below, _ = agree(session, people, {"<": [V["total_spent"], 0.305]})
    assert {"X002", "X003", "X004"} <= {codes[i] for i in below}


def test_days_since_counts_shanghai_calendar_days_across_midnight(session: Session,
                                                                  people: list[dict[str, Any]]) -> None:
    codes = {p["id"]: p["code"] for p in people}
    today, _ = agree(session, people, {"==": [DAYS, 0]})
    yesterday, _ = agree(session, people, {"==": [DAYS, 1]})
    assert {"X002", "X005"} <= {codes[i] for i in today} and "X003" not in {codes[i] for i in today}
    assert "X003" in {codes[i] for i in yesterday}
    ninety, _ = agree(session, people, {"==": [DAYS, 90]})
    assert "X004" in {codes[i] for i in ninety} and "X007" not in {codes[i] for i in ninety}


def test_days_since_of_a_missing_date_counts_as_zero_in_comparisons_as_in_the_engine(
        session: Session, people: list[dict[str, Any]]) -> None:
    recent, _ = agree(session, people, {"<": [DAYS, 30]})
    never = {p["id"] for p in people if p["last_order_at"] is None}
    assert never and never <= recent


def test_text_ordering_is_by_code_point_whatever_the_database_collation(session: Session) -> None:
    sql = translate({"<": [V["city"], "a"]}, now=NOW, dialect="postgresql")
    assert 'COLLATE "C"' in str(sql.where.compile(dialect=postgresql.dialect()))


def test_an_invalid_rule_is_refused_with_the_engine_error(session: Session) -> None:
    from engine.rules import RuleError

    with pytest.raises(RuleError):
        translate({"nope": [1]}, now=NOW, dialect="sqlite")


# -- generated rules ----------------------------------------------------------------------------------------

LITERALS: list[Any] = [
    None, True, False, 0, 1, -1, 3, 2.5, 0.3, 0.1, 1000, 1499.99, 1e300, "", "0", "3", "0.30", "1499.99",
    "abc", "123", "上海", "Zhuhai", "a", "gold", "vip", "M", "2000-01-01", "1999-12-31",
    "2026-11-27", "2026-11-27T00:00:00+08:00", "2026-11-26T16:00:00Z", "2026-08-29", "2025-12-31T23:59:59+08:00",
    "Infinity", "0x10", {"now": []}, {"+": [0.1, 0.2]},
]
NUMBERS = [-1, 0, 1, 2, 30, 89, 90, 91, 365, 0.5, "30", None, 1e9]
DATES = ["2000-01-01", "2026-01-01", "2026-08-29", "2026-11-26", "2026-11-27T00:00:00+08:00", "not a date"]
TAGS = ["vip", "KOC", "沉睡", "50%_off", "", "高价值", "咖啡爱好者"]
OPS = ["==", "!=", "===", "!==", "<", "<=", ">", ">="]

field_ref = st.sampled_from(FIELDS).map(lambda k: {"var": k})
literal = st.sampled_from(LITERALS)
date_ref = st.sampled_from(DATE_FIELDS).map(lambda k: {"var": k})


def _compare(op: str, left: Any, right: Any, flip: bool) -> dict[str, Any]:
    """A two-operand comparison, either way round."""
    return {op: [right, left] if flip else [left, right]}


ATOMS = st.one_of(
    st.builds(_compare, st.sampled_from(OPS), field_ref, literal, st.booleans()),
    st.builds(lambda op, lo, f, hi: {op: [lo, f, hi]}, st.sampled_from(["<", "<="]), literal, field_ref, literal),
    st.builds(lambda op, d, n, flip: _compare(op, {"days_since": d}, n, flip),
              st.sampled_from(OPS), date_ref, st.sampled_from(NUMBERS), st.booleans()),
    st.builds(lambda d, a, b: {"between_dates": [d, a, b]}, date_ref, st.sampled_from(DATES), st.sampled_from(DATES)),
    st.builds(lambda f, xs: {"in": [f, xs]}, field_ref, st.lists(literal.filter(lambda x: not isinstance(x, dict)),
                                                                 max_size=4)),
    st.builds(lambda x, f: {"in": [x, f]}, st.sampled_from(["海", "vip", "", "1", 1]), field_ref),
    st.builds(lambda f, xs: {"in_list": [f, xs]}, field_ref, st.lists(st.sampled_from(LITERALS[:30] + TAGS),
                                                                      max_size=4)),
    st.builds(lambda xs: {"has_tag": xs}, st.lists(st.sampled_from(TAGS), min_size=1, max_size=3)),
    field_ref,
    st.builds(lambda ks: {"missing": ks}, st.lists(st.sampled_from(FIELDS), min_size=1, max_size=3)),
    st.builds(lambda n, ks: {"missing_some": [n, ks]}, st.integers(0, 3),
              st.lists(st.sampled_from(FIELDS), min_size=1, max_size=3)),
    st.builds(lambda k: {"val": k.split(".")}, st.sampled_from(FIELDS)),
    st.builds(lambda op, k, d, c: {op: [{"var": [k, d]}, c]}, st.sampled_from(OPS), st.sampled_from(FIELDS),
              literal, literal),
    st.builds(lambda k: {"exists": k.split(".")}, st.sampled_from(FIELDS)),
    st.builds(lambda op, a, b: {op: [a, b]}, st.sampled_from(OPS), field_ref, field_ref),
)
RULES = st.recursive(ATOMS, lambda inner: st.one_of(
    st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"and": xs}),
    st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"or": xs}),
    inner.map(lambda x: {"!": x}),
    inner.map(lambda x: {"!!": [x]}),
    st.lists(inner, min_size=3, max_size=3).map(lambda xs: {"if": xs}),
    st.lists(inner, min_size=3, max_size=3).map(lambda xs: {"?:": xs}),
    st.tuples(inner, st.sampled_from([True, False, 0, 1, None])).map(lambda p: {"==": list(p)}),
), max_leaves=6)


def test_generated_rules_select_the_same_customers_in_sql_and_python(session: Session,
                                                                     people: list[dict[str, Any]]) -> None:
    outcome: Counter[str] = Counter()

    @settings(max_examples=400, deadline=None, derandomize=True, database=None)
    @given(rule=RULES)
    def check(rule: Any) -> None:
        try:
            got = sql_sets(session, rule)
        except NotPushable:
            outcome["fallback"] += 1
            return
        assert got == python_sets(rule, people), rule
        outcome["pushed"] += 1
        outcome["pushed_with_errors"] += bool(got[1])

    check()
    assert outcome["pushed"] >= 3 * outcome["fallback"], outcome
    assert outcome["pushed_with_errors"] >= 20, outcome
