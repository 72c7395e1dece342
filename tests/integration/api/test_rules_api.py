"""The rules API: create, refuse bad documents with paths, version, try and size an audience."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from storage.models import Rule, RuleVersion
from tests.integration.api.conftest import count

GOLD = {"==": [{"var": "customer.tier"}, "gold"]}


def _new(client: TestClient, headers: dict[str, str], logic: dict = GOLD) -> dict:
    """POST a rule named gold."""
    res = client.post("/api/v1/rules", json={"code": "gold", "name": "金卡", "logic": logic}, headers=headers)
    assert res.status_code == 201, res.text
    return res.json()


def test_a_marketer_creates_a_rule_and_an_update_adds_a_version(client: TestClient, bearer: Callable) -> None:
    headers = bearer("marketer")
    assert _new(client, headers)["version"] == 1
    changed = {"in": [{"var": "customer.tier"}, ["gold", "platinum"]]}
    res = client.put("/api/v1/rules/gold", json={"name": "金卡以上", "logic": changed}, headers=headers)
    assert res.status_code == 200 and res.json()["version"] == 2
    versions = client.get("/api/v1/rules/gold/versions", headers=headers).json()
    assert [v["version"] for v in versions] == [2, 1]
    listed = client.get("/api/v1/rules", headers=bearer("analyst")).json()
    assert [(r["code"], r["name"]) for r in listed] == [("gold", "金卡以上")]


def test_an_invalid_document_is_refused_with_every_node_path_and_nothing_saved(
        client: TestClient, bearer: Callable) -> None:
    bad = {"and": [{"nope": [1]}, {"==": [{"var": "customer.shoe_size"}, 42]}]}
    res = client.post("/api/v1/rules", json={"code": "bad", "name": "", "logic": bad},
                      headers=bearer("marketer"))
    assert res.status_code == 422
    fields = [f["field"] for f in res.json()["error"]["fields"]]
    assert "body.name" in fields
    assert any(f.startswith("body.logic.and[0]") for f in fields)
    assert any(f.startswith("body.logic.and[1]") for f in fields)
    assert count(Rule) == 0 and count(RuleVersion) == 0


def test_each_rule_problem_comes_with_its_code_reason_params_and_a_chinese_message(
        client: TestClient, bearer: Callable) -> None:
    bad = {"and": [{">=": [{"var": "customer.tier"}, 3]}, {"==": [{"var": "customer.shoe_size"}, 42]}]}
    res = client.post("/api/v1/rules", json={"code": "bad", "name": "", "logic": bad}, headers=bearer("marketer"))
    assert res.status_code == 422
    by_field = {f["field"]: f for f in res.json()["error"]["fields"]}
    assert by_field["body.name"] == {"field": "body.name", "message": "required"}  # other fields: as before
    tier = by_field["body.logic.and[0].>=[1]"]
    assert tier == {
        "field": "body.logic.and[0].>=[1]",
        "message": "customer.tier is one of member, silver, gold, platinum, diamond; got 3",
        "code": "bad_type", "reason": "expects_option",
        "params": {"field": "customer.tier", "type": "enum", "value": 3, "value_type": "number",
                   "options": ["member", "silver", "gold", "platinum", "diamond"]},
        "message_zh": "字段「会员等级」不能和数字比较，请从这些选项里选：普通会员、银卡会员、金卡会员、铂金会员、黑钻会员",
    }
    shoe = by_field["body.logic.and[1].==[0].var[0]"]
    assert (shoe["code"], shoe["params"]) == ("unknown_field", {"field": "customer.shoe_size"})
    assert shoe["message_zh"] == "没有“customer.shoe_size”这个字段，请从字段列表里选择"
    assert count(Rule) == 0

    # the same answer when trying or sizing a rule, and for an empty one
    tried = client.post("/api/v1/rules/try", json={"logic": bad, "customer_id": 1}, headers=bearer("analyst"))
    assert tried.status_code == 422
    assert tier in tried.json()["error"]["fields"]
    sized = client.post("/api/v1/rules/audience", json={"logic": bad}, headers=bearer("analyst"))
    assert sized.status_code == 422
    assert tier in sized.json()["error"]["fields"]
    empty = client.post("/api/v1/rules/audience", json={"logic": {}}, headers=bearer("analyst")).json()
    (only,) = empty["error"]["fields"]
    assert (only["field"], only["code"], only["reason"], only["params"]) == ("body.logic", "empty", "empty", {})
    assert only["message_zh"] == "规则还是空的：请至少添加一个条件"


def test_an_analyst_may_read_but_not_write_and_a_missing_token_gets_401(
        client: TestClient, bearer: Callable) -> None:
    res = client.post("/api/v1/rules", json={"code": "x1", "name": "x", "logic": GOLD},
                      headers=bearer("analyst"))
    assert res.status_code == 403
    assert client.get("/api/v1/rules").status_code == 401
    assert count(Rule) == 0


def test_a_duplicate_code_is_a_conflict_and_an_unknown_rule_is_404(client: TestClient, bearer: Callable) -> None:
    headers = bearer("marketer")
    _new(client, headers)
    res = client.post("/api/v1/rules", json={"code": "gold", "name": "again", "logic": GOLD}, headers=headers)
    assert res.status_code == 409
    assert client.get("/api/v1/rules/nope", headers=headers).status_code == 404
    assert count(RuleVersion) == 1


def test_trying_and_sizing_work_on_real_customers(client: TestClient, bearer: Callable) -> None:
    from services.demo import load_demo

    load_demo(customers=120, seed=3)
    headers = bearer("analyst")
    size = client.post("/api/v1/rules/audience", json={"logic": GOLD, "limit": 5}, headers=headers).json()
    assert size["pushed_down"] is True and size["population"] == 120
    assert 0 < size["count"] < 120 and len(size["customer_codes"]) == min(5, size["count"])
    from services.rules import sample_customers

    cid = sample_customers(1)[0][0]
    tried = client.post("/api/v1/rules/try", json={"logic": {"and": [GOLD, {">=": [
        {"var": "customer.orders_count"}, 0]}]}, "customer_id": cid}, headers=headers).json()
    assert [t["path"] for t in tried["trace"]] == ["$", "$.and[0]", "$.and[1]"]
    assert tried["trace"][2]["passed"] is True
    missing = client.post("/api/v1/rules/try", json={"logic": GOLD, "customer_id": 999999}, headers=headers)
    assert missing.status_code == 404
