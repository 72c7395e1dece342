"""The server freezes its startup heap, so full garbage collections stop walking it."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from services.runtime import freeze_startup_heap

ROOT = Path(__file__).resolve().parents[3]


def test_freezing_takes_the_live_objects_out_of_full_collections() -> None:
    keep = [[i] for i in range(20_000)]  # a heap that lives on, like the app's after import (lists are tracked)
    try:
        gc.collect()
        assert id(keep[7]) in {id(o) for o in gc.get_objects(generation=2)}  # a full collection walks it
        frozen = freeze_startup_heap()
        assert frozen >= len(keep)
        assert id(keep[7]) not in {id(o) for o in gc.get_objects(generation=2)}  # ... and now does not
        garbage: list = []
        garbage.append(garbage)  # a cycle made after the freeze is still collected
        del garbage
        assert gc.collect() >= 1
    finally:
        gc.unfreeze()
        del keep


def test_importing_the_app_freezes_the_startup_heap() -> None:
    code = "import gc, app.app; print(gc.get_freeze_count())"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300, check=True)
    assert int(done.stdout.strip().splitlines()[-1]) > 50_000
