"""The shared diff view of the version histories (rules, promotions)."""

from __future__ import annotations

from app.diff_view import diff_line


def test_diff_lines_are_classified_for_colouring() -> None:
    kinds = [diff_line(x)["kind"] for x in ("--- v1", "+++ v2", "@@ -1 +1 @@", "-  1000", "+  2000", "   x")]
    assert kinds == ["head", "head", "head", "del", "add", "same"]
