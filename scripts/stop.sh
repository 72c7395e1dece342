#!/usr/bin/env bash
# `make stop`: stop what `make run` started (app, Prefect worker, Prefect server). `--status` lists them.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/proc.sh
names="app prefect-worker prefect-server"
if [ "${1:-}" = "--status" ]; then
  for n in $names; do
    if proc_alive "$n"; then echo "$n: running (pid $(cat "$(proc_pidfile "$n")"))"; else echo "$n: stopped"; fi
  done
  exit 0
fi
for n in $names; do proc_stop "$n"; done
