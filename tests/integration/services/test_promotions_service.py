"""Promotions service: versions, validation naming fields, lifecycle, budgets (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from services.commerce import (
    Conflict,
    InvalidInput,
    NotFound,
    create_promotion,
    delete_promotion,
    end_promotion,
    get_promotion,
    list_promotions,
    pause_promotion,
    promotion_versions,
    refresh_statuses,
    restore_promotion_version,
    resume_promotion,
    schedule_promotion,
    update_promotion,
)
from storage.repositories.promotions import Limits
from tests.fixtures.commerce_data import NOW, percent, row_counts, threshold

WINDOW = {"starts_at": (NOW + timedelta(days=1)).isoformat(), "ends_at": (NOW + timedelta(days=3)).isoformat()}


def _new(code: str = "P1", **extra: object) -> None:
    create_promotion({"code": code, "name": "满300减50", "definition": threshold(300, 50), **extra}, now=NOW)


def test_a_new_promotion_is_a_draft_with_version_1_and_the_engine_normalised_definition(db: Engine) -> None:
    view = create_promotion({"code": "mj300", "name": "满300减50", "definition": threshold(300, 50),
                             "budget_uses": 100}, now=NOW)
    assert (view.status, view.version, view.used_uses, view.budget_used_pct) == ("draft", 1, 0, Decimal("0.0"))
    assert view.definition["id"] == "mj300" and view.definition["name"] == "满300减50"
    assert view.definition["params"]["tiers"] == [{"threshold": "300", "off": "50"}]
    assert view.definition["stacking"] == {"exclusive": False, "group": None, "priority": 0}


def test_an_invalid_definition_names_every_bad_field_and_saves_nothing(db: Engine) -> None:
    before = row_counts()
    bad = {"type": "percent_off", "params": {"percent": 120}, "scope": {"skuz": ["A"]},
           "starts_at": "2026-11-11T00:00:00"}
    with pytest.raises(InvalidInput) as caught:
        create_promotion({"code": "bad", "name": "x", "definition": bad, "budget_uses": -1}, now=NOW)
    fields = {p.field for p in caught.value.problems}
    assert fields == {"budget_uses"}  # request fields first: the definition is not looked at yet
    with pytest.raises(InvalidInput) as caught:
        create_promotion({"code": "bad", "name": "x", "definition": bad}, now=NOW)
    fields = {p.field for p in caught.value.problems}
    assert fields == {"definition.params.percent", "definition.scope.skuz", "definition.starts_at"}
    assert row_counts() == before


def test_a_condition_that_is_not_valid_json_logic_is_refused_with_its_path(db: Engine) -> None:
    with pytest.raises(InvalidInput) as caught:
        create_promotion({"code": "c", "name": "c", "definition": percent(10, condition={"and": [{"nope": [1]}]})})
    assert [p.field for p in caught.value.problems] == ["definition.condition.and[0].nope"]


def test_a_condition_on_a_field_checkout_does_not_have_is_refused_naming_the_field(db: Engine) -> None:
    before = row_counts()
    spent = {"and": [{"==": [{"var": "customer.is_new"}, False]}, {">": [{"var": "customer.total_spent"}, 1000]}]}
    with pytest.raises(InvalidInput) as caught:
        create_promotion({"code": "c", "name": "c", "definition": percent(10, condition=spent)})
    [problem] = caught.value.problems
    assert problem.field == "definition.condition.and[1].>[0].var[0]" and "customer.total_spent" in problem.message
    assert row_counts() == before
    lines = {"some": [{"var": "cart.lines"}, {">=": [{"var": "qty"}, 2]}]}  # what checkout has is accepted
    create_promotion({"code": "ok", "name": "ok", "definition": percent(10, condition={
        "and": [lines, {">=": [{"var": "cart.qty"}, 3]}, {"in": ["vip", {"var": "customer.tags"}]}]})})


def test_a_definition_id_other_than_the_code_is_refused(db: Engine) -> None:
    with pytest.raises(InvalidInput) as caught:
        create_promotion({"code": "a", "name": "a", "definition": {**percent(10), "id": "b"}})
    assert [p.field for p in caught.value.problems] == ["definition.id"]


def test_a_taken_code_is_a_conflict(db: Engine) -> None:
    _new()
    with pytest.raises(Conflict) as caught:
        _new()
    assert caught.value.code == "duplicate"


def test_each_save_is_a_new_immutable_version(db: Engine) -> None:
    _new()
    update_promotion("P1", {"definition": threshold(300, 60)}, now=NOW)
    view = update_promotion("P1", {"name": "满300减60"}, now=NOW)
    versions = promotion_versions("P1")
    assert [v.version for v in versions] == [1, 2, 3] and view.version == 3
    assert versions[0].definition["params"]["tiers"][0]["off"] == "50"
    assert versions[1].definition["params"]["tiers"][0]["off"] == "60"
    assert versions[2].definition["name"] == "满300减60" and view.name == "满300减60"


def test_an_edit_with_a_bad_definition_leaves_the_promotion_unchanged(db: Engine) -> None:
    _new()
    before = row_counts()
    with pytest.raises(InvalidInput) as caught:
        update_promotion("P1", {"definition": {"type": "threshold_off", "params": {"tiers": []}}})
    assert [p.field for p in caught.value.problems] == ["definition.params.tiers"]
    assert row_counts() == before and get_promotion("P1").version == 1


def test_a_scheduled_promotion_is_scheduled_then_live_then_ended_by_its_dates(db: Engine) -> None:
    create_promotion({"code": "W", "name": "w", "definition": {**percent(10), **WINDOW}}, now=NOW)
    assert schedule_promotion("W", now=NOW).status == "scheduled"
    assert get_promotion("W", now=NOW + timedelta(days=2)).status == "live"
    assert get_promotion("W", now=NOW + timedelta(days=3)).status == "ended"
    assert [v.code for v in list_promotions(status="live", now=NOW + timedelta(days=2))] == ["W"]


def test_pause_resume_and_end_follow_the_lifecycle(db: Engine) -> None:
    _new()
    with pytest.raises(Conflict) as caught:
        pause_promotion("P1", now=NOW)
    assert caught.value.code == "invalid_transition"
    assert schedule_promotion("P1", now=NOW).status == "live"
    assert pause_promotion("P1", now=NOW).status == "paused"
    assert resume_promotion("P1", now=NOW).status == "live"
    assert end_promotion("P1", now=NOW).status == "ended"
    with pytest.raises(Conflict):
        resume_promotion("P1", now=NOW)
    with pytest.raises(Conflict) as caught:
        update_promotion("P1", {"name": "again"})
    assert caught.value.code == "promotion_ended"


def test_a_promotion_whose_window_is_over_cannot_be_scheduled(db: Engine) -> None:
    create_promotion({"code": "W", "name": "w", "definition": {**percent(10), **WINDOW}}, now=NOW)
    with pytest.raises(Conflict):
        schedule_promotion("W", now=NOW + timedelta(days=5))


def test_refresh_statuses_stores_the_derived_status(db: Engine) -> None:
    create_promotion({"code": "W", "name": "w", "definition": {**percent(10), **WINDOW}}, now=NOW)
    schedule_promotion("W", now=NOW)
    assert refresh_statuses(now=NOW + timedelta(days=2)) == 1
    assert get_promotion("W", now=NOW + timedelta(days=2)).stored_status == "live"
    assert refresh_statuses(now=NOW + timedelta(days=2)) == 0


def test_a_budget_cannot_be_set_below_what_is_used(db: Engine) -> None:
    _new(budget_amount="1000", budget_uses=10)
    with db.begin() as conn:
        conn.execute(sa.text("UPDATE promotions SET used_uses = 4, used_amount = 200 WHERE code = 'P1'"))
    view = get_promotion("P1")
    assert view.budget_used_pct == Decimal("40.0")
    with pytest.raises(Conflict) as caught:
        update_promotion("P1", {"budget_uses": 3})
    assert caught.value.code == "budget_below_used"
    assert get_promotion("P1").budget_uses == 10 and get_promotion("P1").version == 1
    assert update_promotion("P1", {"budget_uses": None}).budget_uses is None


def test_only_a_draft_can_be_deleted(db: Engine) -> None:
    _new("D")
    _new("L")
    schedule_promotion("L", now=NOW)
    delete_promotion("D")
    with pytest.raises(NotFound):
        get_promotion("D")
    with pytest.raises(Conflict):
        delete_promotion("L")


def test_each_version_keeps_the_budgets_and_limit_saved_with_it(db: Engine) -> None:
    _new(budget_amount="1000", per_customer_limit=1)
    update_promotion("P1", {"budget_amount": "2000", "budget_uses": 50}, now=NOW)
    update_promotion("P1", {"definition": threshold(300, 60)}, now=NOW)
    limits = [v.limits for v in promotion_versions("P1")]
    assert limits == [Limits(Decimal("1000"), None, 1), Limits(Decimal("2000"), 50, 1), Limits(Decimal("2000"), 50, 1)]


def test_restoring_a_version_saves_its_definition_and_limits_as_a_new_version(db: Engine) -> None:
    _new(budget_amount="1000")
    update_promotion("P1", {"name": "满300减60", "definition": threshold(300, 60), "budget_amount": "3000",
                            "per_customer_limit": 2}, actor="li", now=NOW)
    restored = restore_promotion_version("P1", 1, actor="wang", now=NOW)
    assert (restored.version, restored.name, restored.budget_amount, restored.per_customer_limit) == (
        3, "满300减50", Decimal("1000.00"), None)
    assert restored.definition["params"]["tiers"] == [{"threshold": "300", "off": "50"}]
    versions = promotion_versions("P1")
    assert [(v.version, v.restored_from, v.created_by) for v in versions] == [
        (1, None, "system"), (2, None, "li"), (3, 1, "wang")]
    assert versions[2].definition == versions[0].definition  # versions 1 and 2 are untouched
    assert versions[1].definition["params"]["tiers"][0]["off"] == "60"
    with db.connect() as conn:
        audit = conn.execute(sa.text("SELECT actor, details FROM audit_log WHERE action = 'promotion.restore'")).all()
    details = audit[0][1] if len(audit) == 1 else None
    details = json.loads(details) if isinstance(details, str) else details  # JSON text on SQLite, a dict on PostgreSQL
    assert len(audit) == 1 and audit[0][0] == "wang" and details["restored"] == 1


def test_a_version_saved_before_limits_were_recorded_restores_its_definition_and_keeps_the_limits(
        db: Engine) -> None:
    _new(budget_uses=10)
    update_promotion("P1", {"definition": threshold(300, 60)}, now=NOW)
    with db.begin() as conn:
        conn.execute(sa.text("UPDATE promotion_versions SET limits = NULL WHERE version = 1"))
    assert promotion_versions("P1")[0].limits is None
    restored = restore_promotion_version("P1", 1, now=NOW)
    assert restored.budget_uses == 10 and restored.definition["params"]["tiers"][0]["off"] == "50"
    assert promotion_versions("P1")[2].limits == Limits(None, 10, None)


def test_a_restore_that_cannot_be_done_changes_nothing(db: Engine) -> None:
    _new(budget_uses=5)
    update_promotion("P1", {"budget_uses": 20}, now=NOW)
    with db.begin() as conn:
        conn.execute(sa.text("UPDATE promotions SET used_uses = 8 WHERE code = 'P1'"))
    before = row_counts()
    with pytest.raises(Conflict) as caught:
        restore_promotion_version("P1", 1, now=NOW)  # its budget of 5 uses is below the 8 used
    assert caught.value.code == "budget_below_used"
    with pytest.raises(Conflict) as caught:
        restore_promotion_version("P1", 2, now=NOW)
    assert caught.value.code == "already_current"
    with pytest.raises(NotFound):
        restore_promotion_version("P1", 7, now=NOW)
    with pytest.raises(NotFound):
        restore_promotion_version("nope", 1, now=NOW)
    assert row_counts() == before and get_promotion("P1").version == 2 and get_promotion("P1").budget_uses == 20
    schedule_promotion("P1", now=NOW)
    end_promotion("P1", now=NOW)
    with pytest.raises(Conflict) as caught:
        restore_promotion_version("P1", 1, now=NOW)
    assert caught.value.code == "promotion_ended"
