"""The coupon templates tab's view helpers: rows, the new template's input, the edit form and its
changes, errors next to fields, why the code and the promotion are locked, batches."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from app import coupon_templates_view as tv
from services.commerce.errors import Conflict, FieldProblem

SAVED = SimpleNamespace(code="D11-50", name="双11 满299减50券", promotion_code="Q-D11", claimed=1234, stock=20000,
                        claim_starts_at=datetime(2026, 10, 19, 16, 0, tzinfo=UTC), claim_ends_at=None,
                        per_customer_limit=None, valid_days=7)


def test_a_template_row_shows_window_stock_and_limits_as_text() -> None:
    rec = SimpleNamespace(code="D11-50", name="双11 满299减50券", promotion_code="Q-D11", claimed=7, stock=20000,
                          claim_starts_at=datetime(2026, 10, 19, 16, 0, tzinfo=UTC), claim_ends_at=None,
                          per_customer_limit=None, valid_days=7)
    row = tv.template_row(rec, {"Q-D11": "双11 满299减50"})
    assert row == {"code": "D11-50", "name": "双11 满299减50券", "promotion_code": "Q-D11",
                   "promotion_name": "双11 满299减50",
                   "claim_starts": "2026-10-20 00:00", "claim_ends": "", "stock": "20,000", "claimed": "7",
                   "per_customer_limit": "", "valid_days": "7"}


def test_a_template_form_becomes_the_service_input_with_the_promotions_kind() -> None:
    form = {**tv.TEMPLATE_DEFAULTS, "code": "VIP8-T", "name": "会员8折券", "promotion_code": "VIP8",
            "claim_ends_at": "2026-12-31T23:59", "stock": "500"}
    payload, errors = tv.template_payload(form, {"VIP8": "percent_off"})
    assert errors == {}
    assert payload == {"code": "VIP8-T", "name": "会员8折券", "promotion_code": "VIP8", "kind": "percent_off",
                       "claim_starts_at": None, "claim_ends_at": "2026-12-31T23:59:00+08:00", "stock": 500,
                       "per_customer_limit": 1, "valid_days": 7}
    _, missing = tv.template_payload({**tv.TEMPLATE_DEFAULTS, "stock": "many"}, {})
    assert missing == {"code": "promo.err_required", "name": "promo.err_required",
                       "promotion_code": "promo.err_required", "stock": "promo.err_integer"}


def test_batch_rows_and_file_names() -> None:
    batch = SimpleNamespace(id=4, template_code="D11/50", size=100, created_by="marketer",
                            created_at=datetime(2026, 11, 1, 2, 30, tzinfo=UTC))
    assert tv.batch_row(batch) == {"id": "4", "template_code": "D11/50", "size": "100",
                                     "when": "2026-11-01 10:30", "by": "marketer"}
    assert tv.batch_filename("D11/50", 4) == "coupons-D11_50-batch4.csv"


def test_a_saved_template_opens_as_a_form_in_shanghai_time_with_empty_meaning_no_limit() -> None:
    assert tv.template_form(SAVED) == {
        "code": "D11-50", "name": "双11 满299减50券", "promotion_code": "Q-D11",
        "claim_starts_at": "2026-10-20T00:00", "claim_ends_at": "", "stock": "20000", "per_customer_limit": "",
        "valid_days": "7"}


def test_an_edit_sends_only_the_fields_that_changed_and_an_emptied_field_clears_it() -> None:
    original = tv.template_form(SAVED)
    form = {**original, "name": " 双11 券 ", "claim_ends_at": "2026-11-12T00:00", "valid_days": "",
            "code": "IGNORED", "promotion_code": "IGNORED"}
    change, errors = tv.template_change(form, original)
    assert errors == {}
    assert change == {"name": "双11 券", "claim_ends_at": "2026-11-12T00:00:00+08:00", "valid_days": None}
    assert tv.template_change(original, original) == ({}, {})


def test_an_edit_with_bad_values_names_each_field() -> None:
    original = tv.template_form(SAVED)
    _, errors = tv.template_change({**original, "name": " ", "stock": "lots", "claim_starts_at": "soon"}, original)
    assert errors == {"name": "promo.err_required", "stock": "promo.err_integer",
                      "claim_starts_at": "promo.err_datetime"}


def test_service_problems_land_next_to_the_template_fields() -> None:
    problems = [FieldProblem("stock", "Input should be greater than or equal to 0"),
                FieldProblem("claim_ends_at", "must be after claim_starts_at"),
                FieldProblem("body", "Value error, claim_ends_at must be after claim_starts_at"),
                FieldProblem("kind", "something odd")]
    assert tv.template_errors(problems, "zh-CN") == {"stock": "不能小于 0", "claim_ends_at": "结束时间要晚于开始时间",
                                                     "form": "something odd"}


def test_a_stock_below_what_is_claimed_is_explained_under_the_stock() -> None:
    err = Conflict("stock_below_claimed", "stock cannot go below the 1234 already claimed", claimed=1234)
    assert tv.conflict_errors(err, "zh-CN") == {"stock": "已领取 1,234 张，发放总量不能少于 1,234"}
    assert tv.conflict_errors(err, "en") == {"stock": "1,234 already claimed: the stock can't be less than 1,234"}
    taken = Conflict("duplicate", "coupon template 'X' already exists", field="code")
    assert tv.conflict_errors(taken, "zh-CN") == {"code": "这个编码已被使用"}


def test_the_code_and_the_promotion_are_locked_with_the_reason() -> None:
    texts = tv.locked_texts(tv.template_row(SAVED, {"Q-D11": "双11 满299减50"}))
    assert "D11-50" in texts["zh-CN"]["code"] and "D11-50" in texts["en"]["code"]
    assert "双11 满299减50" in texts["zh-CN"]["promotion"] and "1,234" in texts["zh-CN"]["promotion"]
    assert texts["en"]["stock"].startswith("1,234 already claimed")
