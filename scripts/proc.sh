# Small process supervisor for `make run` / `make stop`: pid files under var/run, logs under var/log.
# Each process is started as its own process group (set -m) so stopping it stops its children.

proc_pidfile() { echo "var/run/$1.pid"; }

proc_alive() {
  local f; f=$(proc_pidfile "$1")
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null
}

proc_start() {
  local name=$1 log=$2; shift 2
  nohup "$@" >"$log" 2>&1 < /dev/null &
  echo $! > "$(proc_pidfile "$name")"
}

proc_stop() {
  local name=$1 f pid i
  f=$(proc_pidfile "$name")
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; fi
    echo "stopped $name (pid $pid)"
  fi
  rm -f "$f"
}

wait_http() {
  local url=$1 timeout=$2 what=$3 log=$4 i
  for i in $(seq 1 "$timeout"); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    sleep 1
  done
  echo "!! $what did not answer at $url within ${timeout}s; last lines of $log:" >&2
  tail -n 40 "$log" >&2
  return 1
}
