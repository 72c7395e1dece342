"""The demo data set: a believable Chinese tea & coffee brand (云岫茶咖) with a year of history.

Deterministic for a given seed and ``as_of`` day; loads 20,000 customers with their orders,
identities, tags, points, coupons and touchpoint events in one transaction of bulk inserts.

Public API: ``load_demo``, ``ensure_demo_data``, ``demo_counts``, ``DemoSummary``,
``DemoDataError``, ``DemoDataExists``. CLI: ``python -m services.demo load|summary``.
"""

from services.demo.loader import (
    DemoDataError,
    DemoDataExists,
    DemoSummary,
    default_as_of,
    demo_counts,
    ensure_demo_data,
    load_demo,
)

__all__ = [
    "DemoDataError", "DemoDataExists", "DemoSummary", "default_as_of", "demo_counts",
    "ensure_demo_data", "load_demo",
]
