"""Marketing operators: time in Asia/Shanghai, tags, lists, cart helpers, exact money."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from engine.rules import evaluate

NOW = "2026-11-11T00:30:00+08:00"  # Wednesday; still 10 Nov (Tuesday) in UTC


def _data(**extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "context": {"now": NOW},
        "customer": {"tags": ["vip", "coffee_lover"], "tier": "gold", "total_spent": Decimal("1499.99")},
        "cart": {"lines": [
            {"sku": "LATTE", "category": "饮品", "price": Decimal("28.00"), "qty": 2},
            {"sku": "MOCHA", "category": "饮品", "price": Decimal("0.10"), "qty": 1},
            {"sku": "CAKE", "category": "甜点", "price": Decimal("0.20"), "qty": 1},
        ]},
    }
    data.update(extra)
    return data


def test_now_is_the_context_time_when_given() -> None:
    assert evaluate({"now": []}, _data()) == datetime.fromisoformat(NOW)


def test_now_is_the_current_time_without_a_context() -> None:
    before = datetime.now(timezone.utc)
    value = evaluate({"now": []}, {})
    assert before <= value <= datetime.now(timezone.utc)


def test_days_since_counts_calendar_days_in_shanghai() -> None:
    data = _data(customer={"last_order_at": "2026-11-10T23:59:00+08:00"})
    assert evaluate({"days_since": {"var": "customer.last_order_at"}}, data) == 1
    data = _data(customer={"last_order_at": datetime(2026, 11, 10, 16, 10, tzinfo=timezone.utc)})  # 00:10 on 11 Nov in Shanghai
    assert evaluate({"days_since": {"var": "customer.last_order_at"}}, data) == 0


def test_days_since_of_a_missing_date_is_null() -> None:
    assert evaluate({"days_since": {"var": "customer.first_order_at"}}, _data()) is None


def test_hour_and_weekday_are_local_to_shanghai() -> None:
    assert evaluate({"hour_of_day": []}, _data()) == 0
    assert evaluate({"weekday": []}, _data()) == 3
    assert evaluate({"weekday": [{"var": "d"}]}, _data(d=date(2026, 11, 15))) == 7


def test_between_dates_includes_the_whole_end_day() -> None:
    window = {"between_dates": [{"now": []}, "2026-11-01", "2026-11-11"]}
    assert evaluate(window, _data()) is True
    assert evaluate(window, _data(context={"now": "2026-11-12T00:00:00+08:00"})) is False
    assert evaluate(window, _data(context={"now": "2026-10-31T23:59:59+08:00"})) is False


def test_has_tag_is_true_if_the_customer_has_any_listed_tag() -> None:
    assert evaluate({"has_tag": "vip"}, _data()) is True
    assert evaluate({"has_tag": ["new", "coffee_lover"]}, _data()) is True
    assert evaluate({"has_tag": "new"}, _data()) is False
    assert evaluate({"has_tag": "vip"}, {"customer": {}}) is False


def test_in_list_checks_membership_and_overlap() -> None:
    assert evaluate({"in_list": [{"var": "customer.tier"}, ["gold", "platinum"]]}, _data()) is True
    assert evaluate({"in_list": [{"var": "customer.tags"}, ["vip"]]}, _data()) is True
    assert evaluate({"in_list": ["gol", ["gold"]]}, {}) is False  # no substring match, unlike "in"


def test_cart_amount_sums_price_times_qty_in_scope_as_decimal() -> None:
    assert evaluate({"cart_amount": [{"categories": ["饮品"]}]}, _data()) == Decimal("56.10")
    assert evaluate({"cart_amount": [{"skus": ["CAKE"]}]}, _data()) == Decimal("0.20")
    assert evaluate({"cart_amount": []}, _data()) == Decimal("56.30")
    assert evaluate({"cart_amount": [{"categories": ["饮品"], "exclude_skus": ["LATTE"]}]}, _data()) == Decimal("0.10")


def test_cart_qty_counts_units_in_scope() -> None:
    assert evaluate({"cart_qty": [{"categories": ["饮品"]}]}, _data()) == 3
    assert evaluate({"cart_qty": []}, {}) == 0


def test_money_adds_up_exactly() -> None:
    rule = {"==": [{"cart_amount": [{"skus": ["MOCHA", "CAKE"]}]}, 0.3]}
    assert evaluate(rule, _data()) is True
    assert evaluate({"==": [{"+": [0.1, 0.2]}, 0.3]}) is False  # plain floats stay JavaScript numbers


@pytest.mark.parametrize(("threshold", "expected"), [("1499.99", True), ("1500", False), (1499.99, True)])
def test_money_compares_exactly_with_text_and_numbers(threshold: object, expected: bool) -> None:
    assert evaluate({">=": [{"var": "customer.total_spent"}, threshold]}, _data()) is expected


def test_dates_compare_with_iso_text() -> None:
    data = _data(customer={"registered_at": datetime(2026, 1, 5, 2, 0, tzinfo=timezone.utc)})
    assert evaluate({">=": [{"var": "customer.registered_at"}, "2026-01-05"]}, data) is True
    assert evaluate({"<": [{"var": "customer.registered_at"}, "2026-01-05T09:00:00+08:00"]}, data) is False


def test_marketing_operators_read_the_top_level_data_inside_iterators() -> None:
    rule = {"some": [{"var": "cart.lines"}, {"has_tag": "vip"}]}
    assert evaluate(rule, _data()) is True
