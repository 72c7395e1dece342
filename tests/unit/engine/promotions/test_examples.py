"""Every worked example in docs/promotions.md is executed here, so the document and the engine agree."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from engine.promotions import Quote, quote

DOC = Path(__file__).resolve().parents[4] / "docs" / "promotions.md"
NOW = "2026-11-11T10:00:00+08:00"


def _examples() -> list[dict[str, Any]]:
    """The JSON blocks with an ``expect`` key in the 'Worked examples' section."""
    section = DOC.read_text(encoding="utf-8").split("## Worked examples", 1)[1].split("\n## ", 1)[0]
    blocks = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", section, flags=re.S)]
    return [b for b in blocks if "expect" in b]


EXAMPLES = _examples()


def test_the_document_has_every_required_worked_example() -> None:
    names = {e["name"] for e in EXAMPLES}
    assert {"man300jian50", "meiman200jian30", "new_customer_first_order", "second_half_price",
            "buy_two_get_one", "stacked_best_combination", "margin_guard_refuses"} <= names


def _run(example: dict[str, Any]) -> Quote:
    return quote(example["cart"], example["promotions"], example.get("customer"), {"now": NOW},
                 min_margin=Decimal(example.get("min_margin", "0")), gift_stock=example.get("gift_stock"))


def _check_alternative(q: Quote, want: dict[str, Any]) -> None:
    first = q.alternatives[0]
    assert first.promotion_ids == want["promotion_ids"]
    assert first.saving == Decimal(want["saving"])
    assert first.refused_by_margin == want.get("refused_by_margin", False)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["name"] for e in EXAMPLES])
def test_worked_example_from_the_document_gives_the_documented_numbers(example: dict[str, Any]) -> None:
    q, want = _run(example), example["expect"]
    for field in ("subtotal", "discount", "shipping", "total", "saving"):
        if field in want:
            assert getattr(q, field) == Decimal(want[field]), field
    if "combination" in want:
        assert q.combination == want["combination"]
    if "lines" in want:
        assert [ln.discount for ln in q.lines] == [Decimal(v) for v in want["lines"]]
    if "gifts" in want:
        assert [[g.sku, g.qty] for g in q.gifts] == want["gifts"]
    if "not_applied" in want:
        assert {n.promotion_id: n.reason for n in q.not_applied} == want["not_applied"]
    if "nudges" in want:
        assert [n.messages["zh-CN"] for n in q.nudges] == want["nudges"]
    if "nudges_en" in want:
        assert [n.messages["en"] for n in q.nudges] == want["nudges_en"]
    if "alternatives_first" in want:
        _check_alternative(q, want["alternatives_first"])
    assert q.total == q.subtotal - q.discount + q.shipping and q.optimal
