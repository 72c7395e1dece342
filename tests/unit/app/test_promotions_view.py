"""The Promotions pages' view helpers: list rows, the editor form <-> service input."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from app import promotions_view as view
from engine.promotions import eligibility
from app.i18n import translate
from services.commerce.errors import FieldProblem
from services.commerce.promotions import PromotionView, engine_definition

NOW = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def _promotion(**over: Any) -> PromotionView:
    """A live 满300减50 with an amount budget, a quarter used."""
    base = PromotionView(
        code="MJ300", name="满300减50", status="live", stored_status="scheduled", version=2,
        definition={"id": "MJ300", "name": "满300减50", "type": "threshold_off",
                    "params": {"tiers": [{"threshold": "300.00", "off": "50.00"}], "repeat": False},
                    "stacking": {"exclusive": False, "group": "manjian", "priority": 3},
                    "scope": {"categories": ["TEA-GREEN"], "skus": ["YX-1"], "exclude_skus": ["YX-2"]},
                    "condition": {"==": [{"var": "customer.is_new"}, True]}, "coupon_code": None,
                    "starts_at": "2026-11-01T00:00:00+08:00", "ends_at": "2026-11-12T00:00:00+08:00"},
        budget_amount=Decimal("1000.00"), budget_uses=None, used_amount=Decimal("250.00"), used_uses=7,
        budget_used_pct=Decimal("25.0"), per_customer_limit=2,
        starts_at=datetime(2026, 10, 31, 16, 0, tzinfo=UTC), ends_at=datetime(2026, 11, 11, 16, 0, tzinfo=UTC),
        created_by="marketer", created_at=NOW, updated_at=NOW,
    )
    return replace(base, **over)


# ---------------------------------------------------------------- list


def test_a_live_promotion_row_shows_status_colour_schedule_budget_bar_and_deal() -> None:
    row = view.list_row(_promotion())
    assert row["status"] == "live" and row["status_color"] == "green"
    assert (row["starts"], row["ends"]) == ("2026-11-01 00:00", "2026-11-12 00:00")
    assert row["budget_pct"] == "25.0%" and row["budget_width"] == "25.0%"
    assert row["budget_fill"] == "var(--green-9)"
    assert row["budget_amount"] == "¥250.00 / ¥1,000.00"
    assert row["uses"] == "7"
    assert (row["zh-CN"], row["en"]) == ("满300减50", "¥50 off ¥300+")
    assert all(isinstance(v, str) for v in row.values())


def test_a_promotion_without_budget_has_no_bar_and_counts_uses_against_a_use_budget() -> None:
    free = view.list_row(_promotion(budget_amount=None, budget_used_pct=None))
    assert free["budget_pct"] == "" and free["budget_amount"] == ""
    capped = view.list_row(_promotion(budget_amount=None, budget_uses=8, budget_used_pct=Decimal("87.5")))
    assert capped["uses"] == "7 / 8"
    busy = view.list_row(_promotion(used_uses=15981, budget_uses=20000))
    assert busy["uses"] == "15,981 / 20,000" and busy["used_uses"] == "15981"  # grouped for reading, raw for sorting
    assert capped["budget_fill"] == "var(--amber-9)"
    spent = view.list_row(_promotion(budget_used_pct=Decimal("100.0")))
    assert spent["budget_fill"] == "var(--red-9)" and spent["budget_width"] == "100%"


@pytest.mark.parametrize(("status", "colour", "allowed"), [
    ("draft", "gray", {"can_publish"}),
    ("scheduled", "blue", {"can_pause", "can_end"}),
    ("live", "green", {"can_pause", "can_end"}),
    ("paused", "amber", {"can_resume", "can_end"}),
    ("ended", "gray", set()),
])
def test_row_actions_and_colour_follow_the_status(status: str, colour: str, allowed: set[str]) -> None:
    row = view.list_row(_promotion(status=status))
    flags = {k for k in ("can_publish", "can_pause", "can_resume", "can_end") if row[k] == "1"}
    assert flags == allowed
    assert row["status_color"] == colour


def _rows() -> list[dict[str, str]]:
    """Three promotions of different statuses, budgets and uses."""
    return [
        view.list_row(_promotion(code="A-DRAFT", name="夏日冷萃", status="draft", used_uses=0,
                                 budget_used_pct=None, budget_amount=None)),
        view.list_row(_promotion(code="B-LIVE", name="满300减50", status="live", used_uses=40)),
        view.list_row(_promotion(code="C-END", name="双11 满400减80", status="ended", used_uses=9,
                                 budget_used_pct=Decimal("90.0"))),
    ]


def test_rows_filter_by_status_chip_and_by_name_or_code() -> None:
    rows = _rows()
    assert [r["code"] for r in view.filter_rows(rows, "live", "")] == ["B-LIVE"]
    assert [r["code"] for r in view.filter_rows(rows, "", "满")] == ["B-LIVE", "C-END"]
    assert [r["code"] for r in view.filter_rows(rows, "", "c-e")] == ["C-END"]
    assert view.filter_rows(rows, "paused", "") == []


def test_rows_sort_by_budget_uses_and_status_and_keep_the_service_order_otherwise() -> None:
    rows = _rows()
    assert [r["code"] for r in view.sort_rows(rows, "budget", True)] == ["C-END", "B-LIVE", "A-DRAFT"]
    assert [r["code"] for r in view.sort_rows(rows, "uses", False)] == ["A-DRAFT", "C-END", "B-LIVE"]
    assert [r["code"] for r in view.sort_rows(rows, "status", False)] == ["B-LIVE", "A-DRAFT", "C-END"]
    assert [r["code"] for r in view.sort_rows(rows, "nonsense", False)] == ["A-DRAFT", "B-LIVE", "C-END"]


def test_status_chips_count_every_status_and_all() -> None:
    counts = view.status_counts(_rows())
    assert counts == {"": "3", "draft": "1", "scheduled": "0", "live": "1", "paused": "0", "ended": "1"}


# ---------------------------------------------------------------- editor


def _values(kind: str, **form: str) -> view.EditorValues:
    """A new promotion of one type with the given form fields."""
    values = view.EditorValues()
    values.form.update({"code": "P1", "name": "测试活动", "type": kind, **form})
    return values


def test_a_threshold_form_becomes_the_service_input_with_shanghai_times() -> None:
    values = _values("threshold_off", starts_at="2026-11-11T00:00", ends_at="2026-11-12T00:00",
                     budget_amount="5000", budget_uses="100", per_customer_limit="1", group="manjian",
                     priority="2", exclusive="0")
    values.tiers = [{"threshold": "300", "off": "50"}, {"threshold": "600", "off": "120"}]
    values.categories = ["TEA-GREEN"]
    payload, errors = view.to_payload(values)
    assert errors == {}
    d = payload["definition"]
    assert d["params"] == {"tiers": [{"threshold": "300", "off": "50"}, {"threshold": "600", "off": "120"}],
                           "repeat": False}
    assert d["starts_at"] == "2026-11-11T00:00:00+08:00" and d["ends_at"] == "2026-11-12T00:00:00+08:00"
    assert d["scope"] == {"categories": ["TEA-GREEN"]}
    assert d["stacking"] == {"exclusive": False, "group": "manjian", "priority": 2}
    assert d["coupon_code"] is None and d["condition"] is None
    assert (payload["budget_amount"], payload["budget_uses"], payload["per_customer_limit"]) == ("5000", 100, 1)
    assert engine_definition("P1", "测试活动", d)[2] == []


@pytest.mark.parametrize(("kind", "form", "params"), [
    ("percent_off", {"percent": "20", "max_off": "100"}, {"percent": "20", "max_off": "100"}),
    ("fixed_price", {"price": "9.90"}, {"price": "9.90"}),
    ("buy_x_get_y", {"buy": "1", "get": "1", "get_percent_off": "50"}, {"buy": 1, "get": 1, "get_percent_off": "50"}),
    ("gift", {"gift_sku": "TOTE", "gift_qty": "2", "threshold": "500", "gift_value": "39", "gift_cost": "12"},
     {"gift_sku": "TOTE", "gift_qty": 2, "threshold": "500", "gift_value": "39", "gift_cost": "12"}),
    ("free_shipping", {"threshold": "99"}, {"threshold": "99"}),
    ("free_shipping", {}, {}),
])
def test_each_type_reads_only_its_own_parameters_and_the_engine_accepts_them(
        kind: str, form: dict[str, str], params: dict[str, Any]) -> None:
    payload, errors = view.to_payload(_values(kind, **form))
    assert errors == {}
    assert payload["definition"]["params"] == params
    assert engine_definition("P1", "测试活动", payload["definition"])[2] == []


def test_a_coupon_code_and_a_condition_are_passed_on() -> None:
    values = _values("percent_off", percent="20", coupon_code=" VIP8 ", exclusive="1")
    values.condition = {"==": [{"var": "customer.tier"}, "gold"]}
    d = view.to_payload(values)[0]["definition"]
    assert d["coupon_code"] == "VIP8"
    assert d["condition"] == {"==": [{"var": "customer.tier"}, "gold"]}
    assert d["stacking"]["exclusive"] is True


def test_missing_and_malformed_fields_are_reported_before_the_service_is_called() -> None:
    values = _values("threshold_off", code="", name=" ", budget_uses="1.5", starts_at="tomorrow", max_off="abc")
    values.tiers = [{"threshold": "300", "off": ""}]
    errors = view.to_payload(values)[1]
    assert errors == {"code": "promo.err_required", "name": "promo.err_required", "tiers": "promo.err_required",
                      "max_off": "promo.err_number", "budget_uses": "promo.err_integer",
                      "starts_at": "promo.err_datetime"}
    assert view.local_errors({"code": "promo.err_required"}, "en") == {"code": "Required"}
    gift = view.to_payload(_values("gift"))[1]
    assert gift == {"gift_sku": "promo.err_required"}
    assert view.to_payload(_values("percent_off"))[1] == {"percent": "promo.err_required"}


def test_a_saved_promotion_opens_in_the_form_and_saves_back_unchanged() -> None:
    saved = _promotion()
    values = view.form_from_promotion(saved)
    assert values.form["code"] == "MJ300" and values.form["type"] == "threshold_off"
    assert values.tiers == [{"threshold": "300", "off": "50"}]
    assert values.form["starts_at"] == "2026-11-01T00:00" and values.form["ends_at"] == "2026-11-12T00:00"
    assert (values.form["budget_amount"], values.form["per_customer_limit"]) == ("1000", "2")
    assert (values.form["group"], values.form["priority"]) == ("manjian", "3")
    assert (values.categories, values.skus, values.exclude_skus) == (["TEA-GREEN"], ["YX-1"], ["YX-2"])
    payload, errors = view.to_payload(values)
    assert errors == {}
    again = engine_definition("MJ300", "满300减50", payload["definition"])[1]
    original = engine_definition("MJ300", "满300减50", saved.definition)[1]
    assert again is not None and again == original


@pytest.mark.parametrize(("path", "field"), [
    ("code", "code"), ("budget_amount", "budget_amount"), ("definition.params.tiers.0.off", "tiers"),
    ("definition.params.percent", "percent"), ("definition.params", "params"),
    ("definition.condition.and[0]", "condition"), ("definition.scope.skus", "scope"),
    ("definition.stacking.group", "group"), ("definition.starts_at", "starts_at"), ("definition", "form"),
    ("body", "form"),
])
def test_service_problems_map_to_the_field_that_caused_them(path: str, field: str) -> None:
    assert view.field_for(path) == field


def test_service_messages_are_shown_in_the_ui_language_next_to_their_fields() -> None:
    problems = [FieldProblem("definition.params.percent", "Input should be less than or equal to 100"),
                FieldProblem("definition", "Value error, ends_at must be after starts_at"),
                FieldProblem("definition.params",
                             "Value error, a higher threshold must not take less off than a lower one"),
                FieldProblem("code", "String should match pattern '^[A-Za-z0-9][A-Za-z0-9_.-]*$'"),
                FieldProblem("definition.params.tiers.0.threshold", "Input should be greater than or equal to 0")]
    zh = view.field_errors(problems, "zh-CN")
    assert zh == {"percent": "不能大于 100", "ends_at": "结束时间要晚于开始时间",
                  "params": "门槛越高减得不能越少，请检查阶梯",
                  "code": translate("promo.err_code_pattern", "zh-CN"), "tiers": "不能小于 0"}
    assert view.field_errors(problems[:1], "en") == {"percent": "Must be at most 100"}


def test_an_unknown_service_message_is_shown_as_given_without_the_pydantic_prefix() -> None:
    assert view.message_for("Value error, something new", "zh-CN") == "something new"


@pytest.mark.parametrize(("kind", "params", "zh", "en"), [
    ("threshold_off", {"tiers": [{"threshold": "600", "off": "120"}, {"threshold": "300", "off": "50"}]},
     "满300减50，满600减120", "¥50 off ¥300+; ¥120 off ¥600+"),
    ("threshold_off", {"tiers": [{"threshold": "200", "off": "30"}], "repeat": True}, "每满200减30",
     "¥30 off every ¥200"),
    ("percent_off", {"percent": "20"}, "8折", "20% off"),
    ("percent_off", {"percent": "15"}, "8.5折", "15% off"),
    ("fixed_price", {"price": "9.9"}, "特价¥9.9", "Now ¥9.9"),
    ("buy_x_get_y", {"buy": 2, "get": 1}, "买2送1", "Buy 2 get 1 free"),
    ("buy_x_get_y", {"buy": 1, "get": 1, "get_percent_off": "50"}, "买1件，另1件5折", "Buy 1, get 1 at 50% off"),
    ("gift", {"gift_sku": "TOTE", "gift_qty": 1, "threshold": "500"}, "满500赠TOTE×1", "Free TOTE × 1 over ¥500"),
    ("gift", {"gift_sku": "TOTE"}, "下单即赠TOTE×1", "Free TOTE × 1 with every order"),
    ("free_shipping", {"threshold": "99"}, "满99包邮", "Free shipping over ¥99"),
    ("free_shipping", {}, "全场包邮", "Free shipping on every order"),
    ("percent_off", {"percent": ""}, "", ""),
])
def test_the_deal_reads_like_a_marketer_wrote_it(kind: str, params: dict[str, Any], zh: str, en: str) -> None:
    assert view.deal_summary(kind, params) == {"zh-CN": zh, "en": en}


def test_the_editor_summary_follows_the_form_as_it_is_typed() -> None:
    values = _values("threshold_off")
    values.tiers = [{"threshold": "300", "off": "50"}, {"threshold": "", "off": ""}]
    assert view.deal_summary("threshold_off", view.form_params(values))["zh-CN"] == "满300减50"


def test_the_percentage_hint_speaks_in_zhe_in_chinese_and_in_what_customers_pay_in_english() -> None:
    assert view.percent_hint("20", "zh-CN") == "相当于打8折"
    assert view.percent_hint("20", "en") == "Customers pay 80% of the price"
    assert view.percent_hint("abc", "zh-CN") == view.percent_hint("100", "zh-CN") == ""


def test_the_scope_summary_counts_categories_products_and_exclusions() -> None:
    assert view.scope_summary(0, 0, 0) == {"zh-CN": "全场商品", "en": "All products"}
    assert view.scope_summary(2, 3, 1) == {"zh-CN": "2个品类 · 3个商品，排除1个商品",
                                           "en": "2 categories · 3 products; 1 product excluded"}
    assert view.scope_summary(1, 0, 2) == {"zh-CN": "1个品类，排除2个商品", "en": "1 category; 2 products excluded"}
    assert view.scope_summary(0, 1, 0) == {"zh-CN": "1个商品", "en": "1 product"}


def test_conditions_offer_only_fields_checkout_knows_in_both_languages() -> None:
    fields = view.condition_fields()
    names = {f["name"] for f in fields["zh-CN"]}
    assert names == set(view.CONDITION_FIELDS)
    assert names <= set(eligibility.CONDITION_FIELDS)  # the builder offers only what checkout validates and reads
    assert {f["name"] for f in fields["en"]} == names
    tier = next(f for f in fields["zh-CN"] if f["name"] == "customer.tier")
    assert {"name": "gold", "label": "金卡会员"} in tier["values"]


def test_a_condition_wrapped_by_the_builder_is_the_same_condition() -> None:
    rule = {"in": [{"var": "cart.channel"}, ["online", "store"]]}
    assert view.same_condition({"and": [rule]}, rule)
    assert view.same_condition(None, {}) and view.same_condition({"and": []}, None) is False
    assert not view.same_condition({"and": [rule, rule]}, rule)
    assert not view.same_condition(None, rule)


def test_categories_are_offered_as_leaves_labelled_with_their_parent() -> None:
    cats = [SimpleNamespace(code="TEA", name_zh="茶叶", name_en="Tea", parent_code=None),
            SimpleNamespace(code="TEA-GREEN", name_zh="绿茶", name_en="Green tea", parent_code="TEA")]
    assert view.category_options(cats) == [{"code": "TEA-GREEN", "zh-CN": "茶叶 / 绿茶", "en": "Tea / Green tea"}]


@pytest.mark.parametrize("key", [f"promo.status_{s}" for s in view.STATUSES] + [f"promo.type_{k}" for k in view.TYPES]
                         + [f"promo.done_{a}" for a in ("publish", "pause", "resume", "end")]
                         + [f"sim.layer_{k}" for k in ("item", "order", "coupon", "shipping")])
def test_every_key_built_at_run_time_exists_in_both_languages(key: str) -> None:
    assert translate(key, "zh-CN") != translate(key, "en")


def test_only_admins_and_marketers_may_change_promotions() -> None:
    assert [view.may_write(SimpleNamespace(role=r)) for r in ("admin", "marketer", "analyst", "designer")] == [
        True, True, False, False]
    assert view.may_write(None) is False
