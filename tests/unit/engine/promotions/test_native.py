"""The compiled build of the engine (mypyc, ``engine/promotions/_native.py``): in use after ``make setup``,
never used when it does not match the sources, and quoting exactly as the plain Python modules do."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import engine.promotions as promotions
from engine.promotions import _native, relax

ROOT = Path(__file__).resolve().parents[4]

# Quotes of the benchmark's carts as JSON, run in a child process (the build is chosen at import).
QUOTES = """
import json, random, sys
sys.path.insert(0, {root!r})
from bench import promotions as mix
import engine.promotions as p
models = [p.Promotion.model_validate(x) for x in mix.promotions(20261111)]
codes = [m.coupon_code for m in models if m.coupon_code]
r = random.Random(20261112)
out = []
for _ in range({carts}):
    cart, who = mix.cart(r, codes), mix._customer(r)
    q = p.quote(cart, models, who, {{"now": mix.NOW}}, min_margin=mix.MIN_MARGIN, gift_stock=mix.GIFT_STOCK)
    out.append(q.model_dump(mode="json"))
print(json.dumps({{"build": p.BUILD, "quotes": out}}))
"""


def _quotes(carts: int, pure: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "SHUYING_PURE_PYTHON"}
    if pure:
        env["SHUYING_PURE_PYTHON"] = "1"
    done = subprocess.run([sys.executable, "-c", QUOTES.format(root=str(ROOT), carts=carts)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=True)
    return json.loads(done.stdout)


def test_the_compiled_build_is_in_use_unless_plain_python_is_asked_for() -> None:
    if os.environ.get("SHUYING_PURE_PYTHON", "").strip() not in ("", "0"):
        assert promotions.BUILD == "python" and relax.__file__.endswith(".py")
        return
    assert promotions.BUILD == "mypyc", f"the promotion engine runs as plain Python: {promotions.BUILD_NOTE}"
    assert not relax.__file__.endswith(".py") and Path(relax.__file__).parent == _native.default_build_dir() / "engine" / "promotions"


def test_compiled_and_plain_python_quote_the_same() -> None:
    compiled, plain = _quotes(40, pure=False), _quotes(40, pure=True)
    assert plain["build"] == "python"
    assert compiled["build"] == ("mypyc" if _native.problem(_native.default_build_dir()) is None else "python")
    assert len(plain["quotes"]) == 40
    for a, b in zip(compiled["quotes"], plain["quotes"]):
        assert a == b


def test_a_build_of_other_sources_is_not_used(tmp_path: Path) -> None:
    build = _native.default_build_dir()
    sources = tmp_path / "src"
    shutil.copytree(_native.SOURCE_DIR, sources, ignore=shutil.ignore_patterns("__pycache__"))
    assert _native.problem(build, sources) == _native.problem(build)  # a copy of the same sources: same verdict
    with (sources / "walk.py").open("a", encoding="utf-8") as f:
        f.write("\n# edited after the build\n")
    why = _native.problem(build, sources)
    assert why is not None and ("walk.py" in why or "no compiled build" in why)


def test_a_missing_or_foreign_build_falls_back_to_plain_python(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SHUYING_PURE_PYTHON", raising=False)
    path: list[str] = []
    assert _native.use(path, tmp_path) == ("python", "no compiled build (run make setup)") and path == []
    stamp = _native.fingerprint()
    stamp["python"] = "cpython-399"
    (tmp_path / _native.STAMP).write_text(json.dumps(stamp), encoding="utf-8")
    kind, why = _native.use(path, tmp_path)
    assert kind == "python" and "cpython-399" in str(why) and path == []
    (tmp_path / _native.STAMP).write_text(json.dumps(_native.fingerprint()), encoding="utf-8")
    kind, why = _native.use(path, tmp_path)  # the right stamp, but no modules
    assert kind == "python" and str(why).startswith("incomplete build") and path == []
