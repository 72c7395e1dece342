"""Saved JSON documents (rule logic, promotion definitions) as stable text, and the unified diff of two.

Used by the version histories of rules and promotions: ``pretty`` gives the same text for the same
document (keys sorted, non-ASCII kept), so ``unified`` shows only what really changed.
"""

from __future__ import annotations

import difflib
import json
from typing import Any


def pretty(doc: Any) -> str:
    """A document as stable, readable JSON."""
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True, default=str)


def unified(old: Any, new: Any, old_label: str, new_label: str, context: int = 3) -> list[str]:
    """Unified diff between two documents' ``pretty`` text (lines starting with +, - or space)."""
    return list(difflib.unified_diff(pretty(old).splitlines(), pretty(new).splitlines(), old_label, new_label,
                                     lineterm="", n=context))
