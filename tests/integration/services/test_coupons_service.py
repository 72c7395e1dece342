"""Coupon templates, batches and claims: window, stock, per-customer limit, CSV (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from services.commerce import (
    Conflict,
    InvalidInput,
    NotFound,
    claim_code,
    claim_coupon,
    customer_coupons,
    export_batch_csv,
    generate_batch,
    get_coupon_template,
    update_coupon_template,
)
from services.commerce.codes import ALPHABET, normalise
from tests.fixtures.commerce_data import (
    NOW,
    add_coupon_template,
    add_customers,
    add_promotion,
    row_counts,
    threshold,
)


@pytest.fixture
def template(db: Engine) -> str:
    """Template T10 (stock 3, 2 per customer, valid 7 days) for coupon promotion C10."""
    add_promotion("C10", threshold(100, 10))
    add_coupon_template("T10", "C10", stock=3, per_customer_limit=2, valid_days=7)
    return "T10"


def test_a_batch_has_the_requested_number_of_unique_readable_codes(template: str) -> None:
    batch = generate_batch(template, 500)
    rows = list(csv.DictReader(io.StringIO(export_batch_csv(template, batch.id))))
    codes = [r["code"] for r in rows]
    assert batch.size == 500 and len(set(codes)) == 500
    assert all(len(c) == 10 and set(c) <= set(ALPHABET) for c in codes)
    assert all(r["display_code"] == f"{r['code'][:5]}-{r['code'][5:]}" for r in rows)
    assert {r["status"] for r in rows} == {"issued"}
    assert list(rows[0]) == ["code", "display_code", "status", "claimed_at", "redeemed_at", "expires_at"]


def test_two_batches_never_share_a_code(template: str) -> None:
    a = generate_batch(template, 300)
    b = generate_batch(template, 300)
    codes_a = set(export_batch_csv(template, a.id).split()[1:])
    codes_b = set(export_batch_csv(template, b.id).split()[1:])
    assert not codes_a & codes_b


def test_a_batch_size_out_of_range_is_refused(template: str) -> None:
    for count in (0, 100_001):
        with pytest.raises(InvalidInput) as caught:
            generate_batch(template, count)
        assert caught.value.problems[0].field == "count"


def test_exporting_a_batch_of_another_template_is_not_found(template: str) -> None:
    add_coupon_template("OTHER", "C10")
    batch = generate_batch("OTHER", 2)
    with pytest.raises(NotFound):
        export_batch_csv(template, batch.id)


def test_a_claim_gives_a_fresh_code_valid_for_the_templates_days(template: str) -> None:
    [cid] = add_customers(1)
    got = claim_coupon(template, cid, now=NOW)
    assert got.customer_id == cid and got.promotion_code == "C10" and len(got.code) == 10
    assert got.expires_at == NOW + timedelta(days=7)
    assert get_coupon_template(template).claimed == 1
    assert [c.code for c in customer_coupons(cid)] == [got.code]


def test_claims_stop_at_the_stock_and_a_refusal_takes_nothing(template: str) -> None:
    customers = add_customers(4)
    for cid in customers[:3]:
        claim_coupon(template, cid, now=NOW)
    before = row_counts()
    with pytest.raises(Conflict) as caught:
        claim_coupon(template, customers[3], now=NOW)
    assert caught.value.code == "out_of_stock"
    assert row_counts() == before and get_coupon_template(template).claimed == 3


def test_a_customer_cannot_claim_more_than_the_per_customer_limit(template: str) -> None:
    [cid] = add_customers(1)
    claim_coupon(template, cid, now=NOW)
    claim_coupon(template, cid, now=NOW)
    with pytest.raises(Conflict) as caught:
        claim_coupon(template, cid, now=NOW)
    assert caught.value.code == "per_customer_limit"
    assert get_coupon_template(template).claimed == 2  # the refused claim gave its stock back


def test_claims_outside_the_window_are_refused(template: str) -> None:
    [cid] = add_customers(1)
    update_coupon_template(template, {"claim_starts_at": NOW + timedelta(hours=1),
                                      "claim_ends_at": NOW + timedelta(hours=2)})
    with pytest.raises(Conflict) as caught:
        claim_coupon(template, cid, now=NOW)
    assert caught.value.code == "claim_not_started"
    with pytest.raises(Conflict) as caught:
        claim_coupon(template, cid, now=NOW + timedelta(hours=2))
    assert caught.value.code == "claim_ended"
    assert claim_coupon(template, cid, now=NOW + timedelta(minutes=90)).customer_id == cid


def test_a_claim_for_an_unknown_customer_or_template_is_refused(template: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        claim_coupon(template, 999)
    assert caught.value.problems[0].field == "customer_id"
    with pytest.raises(NotFound):
        claim_coupon("NOPE", 1)


def test_a_coupon_of_a_draft_promotion_cannot_be_claimed(db: Engine) -> None:
    add_promotion("DRAFT", threshold(100, 10), schedule=False)
    add_coupon_template("TD", "DRAFT")
    [cid] = add_customers(1)
    with pytest.raises(Conflict) as caught:
        claim_coupon("TD", cid, now=NOW)
    assert caught.value.code == "promotion_not_running"


def test_a_batch_code_typed_loosely_becomes_the_customers_once(template: str) -> None:
    a, b = add_customers(2)
    batch = generate_batch(template, 1)
    code = export_batch_csv(template, batch.id).split()[1].split(",")[0]
    typed = f"{code[:5].lower()}-{code[5:]}"
    assert normalise(typed) == code
    got = claim_code(typed, a, now=NOW)
    assert (got.code, got.customer_id, got.expires_at) == (code, a, NOW + timedelta(days=7))
    with pytest.raises(Conflict) as caught:
        claim_code(code, b, now=NOW)
    assert caught.value.code == "code_taken"
    assert get_coupon_template(template).claimed == 1


def test_the_stock_cannot_be_set_below_what_is_claimed(template: str) -> None:
    a, b = add_customers(2)
    claim_coupon(template, a, now=NOW)
    claim_coupon(template, b, now=NOW)
    with pytest.raises(Conflict) as caught:
        update_coupon_template(template, {"stock": 1})
    assert caught.value.code == "stock_below_claimed"
    assert update_coupon_template(template, {"stock": 2}).stock == 2


def test_a_template_for_an_unknown_promotion_is_refused_naming_the_field(db: Engine) -> None:
    with pytest.raises(InvalidInput) as caught:
        add_coupon_template("T", "NOPE", stock=-1)
    assert [p.field for p in caught.value.problems] == ["stock"]
    with pytest.raises(InvalidInput) as caught:
        add_coupon_template("T", "NOPE")
    assert [p.field for p in caught.value.problems] == ["promotion_code"]
