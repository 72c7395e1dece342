#!/usr/bin/env bash
# `make run`: start Shuying on one machine — SQLite app DB with demo data, a Prefect server (SQLite)
# with one process worker in pool `shuying`, and the Reflex app in production mode.
# Processes run in the background; `make stop` stops them. Logs go to var/log/.
set -euo pipefail
set -m   # each background job gets its own process group and keeps SIGINT/SIGTERM (see PREFECT.md)
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/proc.sh
mkdir -p var/log var/run var/prefect
t0=$(date +%s)

# Secrets: random keys written once; the settings module reads var/secrets.env.
if [ ! -f var/secrets.env ]; then
  echo "==> generating secret keys in var/secrets.env (keep this file: it decrypts personal data)"
  umask 077
  {
    echo "SHUYING_SECRET_KEY=$(python -c 'import secrets;print(secrets.token_hex(32))')"
    echo "SHUYING_PII_KEY=$(python -c 'import secrets;print(secrets.token_hex(16))')"
    echo "SHUYING_PII_INDEX_KEY=$(python -c 'import secrets;print(secrets.token_hex(16))')"
  } > var/secrets.env
  umask 022
fi

# 1. Prefect server first: it takes the longest to become ready, so it starts while we do the rest.
if ! proc_alive prefect-server; then
  echo "==> starting Prefect server (SQLite under var/prefect, log var/log/prefect-server.log)"
  proc_start prefect-server var/log/prefect-server.log prefect server start --host 127.0.0.1 --port 4200
fi

# 2. App database: migrations, then the demo data on first start (progress bar).
echo "==> app database: migrations"
python -m storage.migrate
python -m services.demo load --if-empty

# 3. Reflex app in production mode (builds the frontend offline with bun from npm).
port=$(python -c 'from storage.settings import get_settings as g;print(g().app_port)')
if ! proc_alive app; then
  echo "==> building and starting the app (log var/log/app.log)"
  proc_start app var/log/app.log reflex run --env prod --loglevel warning \
    --frontend-port "$port" --backend-port "$port" --backend-host 127.0.0.1
fi

# 4. Prefect ready -> work pool + deployments, then one process worker.
wait_http "http://127.0.0.1:4200/api/health" 120 "Prefect server" var/log/prefect-server.log
echo "==> work pool shuying and deployments"
python -m flows.deploy
if ! proc_alive prefect-worker; then
  echo "==> starting Prefect worker (pool shuying, limit 4, log var/log/prefect-worker.log)"
  proc_start prefect-worker var/log/prefect-worker.log prefect worker start --pool shuying --type process --limit 4
fi

wait_http "http://127.0.0.1:$port/ping" 600 "app" var/log/app.log
t1=$(date +%s)
python -m services.auth --print-demo-logins 2>/dev/null || true
cat <<MSG

  Shuying is running (started in $((t1 - t0)) s).
    App:        http://127.0.0.1:$port/
    REST API:   http://127.0.0.1:$port/api/docs
    Prefect UI: http://127.0.0.1:4200/
  Stop everything with: make stop

MSG
