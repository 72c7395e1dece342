"""Process settings for the long-running server: keep garbage-collection pauses out of request latency.

CPython's cyclic garbage collector now and then runs a *full* collection, which walks every tracked
object in the process. After the app is imported, the backend holds ~170,000 of them (Reflex, FastAPI,
SQLAlchemy, pydantic, the pages), and a full collection takes ~100 ms on the development machine:
whichever quote or page event is running at that moment waits for it. Those objects live as long as
the process, so ``freeze_startup_heap`` moves them out of the collector's sight once startup is done
(``gc.freeze``, as large Python services do): later full collections only walk what was created
since. Objects that become unreachable are still freed by reference counting; only cycles among the
frozen startup objects would be kept, and startup objects live for the whole process anyway.
"""

from __future__ import annotations

import gc


def freeze_startup_heap() -> int:
    """Collect the garbage startup left behind, then freeze what is left; returns how many objects are frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
