# Environment shared by `make run`, `make test` and .ci/run. Source it from the repo root.
# Keeps Reflex, bun, GrapesJS and Prefect offline and their caches inside ignored folders.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SHUYING_ROOT="$ROOT"
export PATH="$ROOT/.tools/bun/node_modules/.bin:$ROOT/.venv/bin:$PATH"
export REFLEX_USE_SYSTEM_BUN=1
export REFLEX_TELEMETRY_ENABLED=false
export REFLEX_CHECK_LATEST_VERSION=0
export REFLEX_DIR="$ROOT/.tools/reflex"
export NPM_CONFIG_REGISTRY="https://registry.npmjs.org/"
export BUN_INSTALL_CACHE_DIR="$ROOT/.tools/bun-cache"
export BUN_RUNTIME_TRANSPILER_CACHE_PATH=0
export DO_NOT_TRACK=1
export PREFECT_SERVER_ANALYTICS_ENABLED=false
export PREFECT_HOME="$ROOT/var/prefect"
export PREFECT_API_URL="${PREFECT_API_URL:-http://127.0.0.1:4200/api}"
export PREFECT_WORKER_QUERY_SECONDS=1
export PREFECT_UI_ENABLED=true
export PREFECT_LOGGING_LEVEL="${PREFECT_LOGGING_LEVEL:-WARNING}"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
