"""Numbers, money and dates as the UI shows them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from app import format as fmt


@pytest.mark.parametrize(
    ("amount", "text"),
    [("0", "¥0.00"), ("1234.56", "¥1,234.56"), ("1234567.5", "¥1,234,567.50"),
     ("0.005", "¥0.01"), ("-12", "-¥12.00")],
)
def test_money_has_the_yuan_sign_separators_and_two_decimals(amount: str, text: str) -> None:
    assert fmt.money(Decimal(amount)) == text


@pytest.mark.parametrize(
    ("n", "zh", "en"),
    [(0, "0", "0"), (300, "300", "300"), (20000, "20,000", "20,000"), (99999, "99,999", "99,999"),
     (123456, "12.3万", "123,456"), (100000, "10万", "100,000"), (2_500_000, "250万", "2.5M"),
     (123_456_789, "1.23亿", "123.5M")],
)
def test_counts_use_wan_in_chinese_only_when_large(n: int, zh: str, en: str) -> None:
    assert fmt.count(n, "zh-CN") == zh
    assert fmt.count(n, "en") == en


def test_percent_change_is_signed_with_one_decimal_and_none_without_a_base() -> None:
    assert fmt.percent_change(Decimal("125"), Decimal("100")) == "+25.0%"
    assert fmt.percent_change(Decimal("90"), Decimal("120")) == "-25.0%"
    assert fmt.percent_change(Decimal("5"), Decimal("5")) == "0.0%"
    assert fmt.percent_change(Decimal("5"), Decimal("0")) is None


def test_times_show_in_shanghai_time() -> None:
    assert fmt.local_datetime(datetime(2026, 11, 10, 16, 0, tzinfo=UTC)) == "2026-11-11 00:00"
