#!/usr/bin/env bash
# Idempotent setup: .venv with the pinned stack, bun from the npm registry for Reflex.
# A second run finds everything in place and returns in well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

PY=${PYTHON:-python3.11}
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
