"""A promotion whose condition the rule engine refuses: each problem with code, reason, params and message_zh."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from storage.models import Promotion
from tests.integration.api.conftest import count


def test_a_refused_condition_names_its_reason_and_params_and_says_it_in_chinese(
        client: TestClient, bearer: Callable) -> None:
    definition = {"type": "percent_off", "params": {"percent": 120},
                  "condition": {"and": [{">=": [1]}, {"nope": [1]}]}}
    res = client.post("/api/v1/promotions", json={"code": "bad", "name": "bad", "definition": definition},
                      headers=bearer("marketer"))
    assert res.status_code == 422
    by_field = {f["field"]: f for f in res.json()["error"]["fields"]}
    assert by_field["body.definition.condition.and[0].>="] == {
        "field": "body.definition.condition.and[0].>=", "message": ">= takes at least 2 argument(s), got 1",
        "code": "invalid_arguments", "reason": "too_few_arguments",
        "params": {"operator": ">=", "min": 2, "got": 1}, "message_zh": "「大于等于」至少要填 2 项，现在只有 1 项",
    }
    unknown = by_field["body.definition.condition.and[1].nope"]
    assert (unknown["code"], unknown["params"]) == ("unknown_operator", {"operator": "nope"})
    assert set(by_field["body.definition.params.percent"]) == {"field", "message"}  # not a rule problem: as before
    assert count(Promotion) == 0
