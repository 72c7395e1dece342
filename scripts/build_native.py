"""Compile the promotion engine's modules with mypyc into build/native (see engine/promotions/_native.py).

Run by scripts/setup.sh. Does nothing when the build already matches the sources; otherwise compiles
(about 30 s on two cores) and writes the stamp the engine checks at import. If compiling fails the
engine keeps running as plain Python: this prints why and exits 0, unless --strict (CI) is given.

    python scripts/build_native.py [--strict] [--force]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# _native is imported as a file, not through the engine.promotions package, whose __init__ would load
# the (possibly stale) build itself.
_spec = importlib.util.spec_from_file_location("_native", ROOT / "engine/promotions/_native.py")
assert _spec is not None and _spec.loader is not None
_native = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_native)

SETUP = """
import sys
from setuptools import setup
from mypyc.build import mypycify
paths = sys.argv[1:]
sys.argv = [sys.argv[0], "build_ext", "--build-lib", {out!r}, "--build-temp", {tmp!r}]
setup(name="shuying-promotions-native", ext_modules=mypycify(paths, opt_level="3", debug_level="1", group_name={group!r}))
"""


def build(out: Path) -> None:
    """Compile into a fresh folder and swap it in, so a failed build never leaves half of one."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fingerprint = _native.fingerprint()  # taken before compiling: an edit during the build makes it stale
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".native-") as tmp:
        work, target = Path(tmp) / "work", Path(tmp) / "out"
        work.mkdir()
        script = work / "setup_native.py"
        script.write_text(SETUP.format(out=str(target), tmp=str(work / "tmp"), group=_native.GROUP), encoding="utf-8")
        paths = [str(ROOT / "engine" / "promotions" / f"{m}.py") for m in _native.MODULES]
        env = {**os.environ, "MYPY_CACHE_DIR": str(work / "mypy-cache")}
        done = subprocess.run([sys.executable, str(script), *paths], cwd=work, env=env, capture_output=True, text=True)
        if done.returncode != 0:  # mypy's type errors come on stdout, the compiler's on stderr
            errors = [ln for ln in (done.stdout + done.stderr).splitlines() if "error" in ln.lower()]
            raise RuntimeError("mypyc failed:\n" + "\n".join(errors[-20:] or (done.stdout + done.stderr).splitlines()[-20:]))
        (target / _native.STAMP).write_text(json.dumps(fingerprint, indent=1), encoding="utf-8")
        problem = _native.problem(target)
        if problem is not None:
            raise RuntimeError(f"the new build is not usable: {problem}")
        if out.exists():
            shutil.rmtree(out)
        target.rename(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="fail if the build fails")
    parser.add_argument("--force", action="store_true", help="rebuild even if the build is current")
    args = parser.parse_args()
    out = _native.default_build_dir()
    if not args.force and _native.problem(out) is None:
        return 0
    print("==> compiling the promotion engine with mypyc (build/native; about 30 s)", flush=True)
    started = time.monotonic()
    try:
        build(out)
    except (RuntimeError, OSError) as exc:
        print(f"!!! the compiled build failed ({exc}); the promotion engine runs as plain Python", file=sys.stderr)
        return 1 if args.strict else 0
    print(f"    done in {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
