"""The compiled build of the promotion engine (mypyc), used only when it was built from these sources.

The engine is plain Python. ``scripts/build_native.py`` (run by ``make setup``, so by ``make run`` and
``make test``) compiles the modules in ``MODULES`` ahead of time with mypyc — the compiler the mypy
project ships, which turns type-annotated Python into a C extension with the same behaviour — into
``build/native/``. It halves the search time (``docs/promotions.md``, "Compiled").

At import ``engine/promotions/__init__.py`` calls ``use``: if ``build/native`` holds a build of exactly
these sources (the SHA-256 of each module, recorded at build time) for this interpreter, its directory
goes first on the package's ``__path__``, so ``engine.promotions.relax`` and the others load from it.
Otherwise — no build (an installed wheel, a machine without a C compiler), a stale one (a module was
edited since), or ``SHUYING_PURE_PYTHON=1`` — the ``.py`` modules run. A build never runs code other
than the sources next to it, and both ways give the same quotes (``test_native.py`` compares them).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
from pathlib import Path

MODULES = (
    "money", "calculators", "options", "itemlayer", "floors", "relax", "space", "walk", "branch",
    "stacking", "best", "explain", "eligibility", "memo",
)
GROUP = "shuying_promotions"  # mypyc's shared library: ``shuying_promotions__mypyc``
STAMP = "engine_promotions.json"
SOURCE_DIR = Path(__file__).resolve().parent


def default_build_dir() -> Path:
    """``build/native`` at the top of the checkout (``SHUYING_NATIVE_DIR`` overrides it)."""
    return Path(os.environ.get("SHUYING_NATIVE_DIR") or SOURCE_DIR.parents[1] / "build" / "native")


def fingerprint(source_dir: Path = SOURCE_DIR) -> dict[str, object]:
    """What a build must match: the interpreter and the SHA-256 of every compiled module's source."""
    return {"python": sys.implementation.cache_tag, "platform": sys.platform, "sources": _hashes(source_dir)}


def _hashes(source_dir: Path) -> dict[str, str]:
    """The SHA-256 of each compiled module's source."""
    return {m: hashlib.sha256((source_dir / f"{m}.py").read_bytes()).hexdigest() for m in MODULES}


def problem(build_dir: Path, source_dir: Path = SOURCE_DIR) -> str | None:
    """Why the build in ``build_dir`` cannot be used for these sources (None: it can)."""
    try:
        recorded = json.loads((build_dir / STAMP).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "no compiled build (run make setup)"
    except (OSError, ValueError) as exc:
        return f"unreadable build stamp: {exc}"
    for key, running in (("python", sys.implementation.cache_tag), ("platform", sys.platform)):
        if recorded.get(key) != running:
            return f"built for {key} {recorded.get(key)!r}, running {running!r}"
    sources, wanted = recorded.get("sources") or {}, _hashes(source_dir)
    stale = [m for m in MODULES if sources.get(m) != wanted[m]]
    if stale:
        return "stale: " + ", ".join(f"{m}.py" for m in stale) + " changed since the build (run make setup)"
    missing = [m for m in MODULES if not _extension(build_dir / "engine" / "promotions", m)]
    if missing or not _extension(build_dir, f"{GROUP}__mypyc"):
        return "incomplete build: " + ", ".join(missing or [f"{GROUP}__mypyc"])
    return None


def _extension(folder: Path, name: str) -> Path | None:
    """The extension module ``name`` in ``folder`` for this interpreter, if built."""
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return path
    return None


def use(package_path: list[str], build_dir: Path | None = None) -> tuple[str, str | None]:
    """Load the compiled modules if the build matches: ("mypyc", None), or ("python", why not)."""
    if os.environ.get("SHUYING_PURE_PYTHON", "").strip() not in ("", "0"):
        return "python", "SHUYING_PURE_PYTHON is set"
    build_dir = build_dir or default_build_dir()
    why = problem(build_dir)
    if why is not None:
        return "python", why
    name = f"{GROUP}__mypyc"
    lib = _extension(build_dir, name)
    assert lib is not None
    try:
        # The modules' shims import the shared library by this name: load it from the build, not sys.path.
        if name not in sys.modules:
            spec = importlib.util.spec_from_file_location(name, lib)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            sys.modules[name] = module
    except (ImportError, OSError) as exc:
        return "python", f"the build does not load: {exc}"
    package_path.insert(0, str(build_dir / "engine" / "promotions"))
    return "mypyc", None
