"""Saved documents as stable text and the unified diff between two of them."""

from __future__ import annotations

from decimal import Decimal

from services.docdiff import pretty, unified


def test_the_same_document_is_the_same_text_whatever_the_key_order() -> None:
    assert pretty({"b": 1, "a": "满减"}) == pretty({"a": "满减", "b": 1})
    assert '"a": "满减"' in pretty({"a": "满减"}) and pretty({"x": Decimal("1.50")}) == '{\n  "x": "1.50"\n}'


def test_the_diff_shows_only_the_changed_lines_under_the_version_labels() -> None:
    old = {"params": {"percent": "20"}, "type": "percent_off"}
    new = {"params": {"percent": "25"}, "type": "percent_off"}
    lines = unified(old, new, "v1", "v3")
    assert lines[:2] == ["--- v1", "+++ v3"]
    assert [x for x in lines if x[:1] in "+-" and x[:3] not in ("---", "+++")] == [
        '-    "percent": "20"', '+    "percent": "25"']
    assert unified(old, old, "v1", "v1") == []
