#!/usr/bin/env bash
# Idempotent setup: .venv with the pinned stack, bun from the npm registry for Reflex.
# A second run finds everything in place and returns in well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

# The interpreter for .venv: $PYTHON if set; else the system's CPython 3.11 when it can make a venv
# (Debian's /usr/bin/python3.11 is an optimised build, libpython linked into the executable: the
# promotion engine runs ~18 % faster on it than on a plain build such as pyenv's default, bench/promotions.py);
# else python3.11 from PATH, else python3.
PY=${PYTHON:-}
if [ -z "$PY" ] && [ -x /usr/bin/python3.11 ] && /usr/bin/python3.11 -c "import ensurepip, venv" 2>/dev/null; then
  PY=/usr/bin/python3.11
fi
PY=${PY:-python3.11}
command -v "$PY" >/dev/null || PY=python3
stamp=.venv/.shuying-installed
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PY" -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
  echo "==> installing Python packages (pinned by constraints.txt)"
  .venv/bin/pip install -q --disable-pip-version-check -c constraints.txt -e ".[dev]"
  touch "$stamp"
fi
if [ ! -x .tools/bun/node_modules/.bin/bun ]; then
  echo "==> installing bun from the npm registry (Reflex runs its frontend build with it)"
  mkdir -p .tools/bun
  npm i --no-save --no-audit --no-fund --silent --prefix .tools/bun bun@1.4.5
fi
mkdir -p var
# the promotion engine compiled with mypyc when its sources changed (engine/promotions/_native.py);
# if it cannot be compiled the engine runs as plain Python
.venv/bin/python scripts/build_native.py
