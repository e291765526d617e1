#!/usr/bin/env bash
# FerretDB 1.24.2 (MongoDB wire protocol on SQLite) for the MongoDB store's contract tests: there is
# no mongod here, and FerretDB builds from the Go module proxy with nothing but Go.
#
#   .ci/ferretdb.sh build                          build .ci/cache/ferretdb if it is missing
#   .ci/ferretdb.sh start [--port N] [--state DIR] start (idempotent), print the mongodb:// URL
#   .ci/ferretdb.sh stop [--state DIR]             stop the instance of DIR and delete its data
#   .ci/ferretdb.sh report [--state DIR]           print each time the instance died and was restarted
#
# The state DIR (default .ci/cache/ferretdb-run) holds the instance's data, pid, URL and log; one
# DIR = one instance. Without --port a free loopback port is picked. Nothing built or run here is
# committed: .ci/cache/ is gitignored.
set -euo pipefail

VERSION=v1.24.2
MODULE=github.com/FerretDB/FerretDB
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="$ROOT/.ci/cache"
BIN="$CACHE/ferretdb"

log() { printf 'ferretdb.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

build() {
  if [ -x "$BIN" ]; then return 0; fi
  command -v go >/dev/null || die "Go is needed to build FerretDB (https://go.dev/dl/), or set IPN_TEST_MONGODB_URL to a running server"
  mkdir -p "$CACHE"
  log "building FerretDB $VERSION into $BIN (about 2 min on a fresh machine, 10 s with cached modules)"
  export GOFLAGS=-mod=mod GOTOOLCHAIN=local
  # Lock: two test processes may build at the same time.
  exec 9>"$CACHE/ferretdb.build.lock"
  flock 9
  if [ -x "$BIN" ]; then return 0; fi
  (cd "$CACHE" && go mod download "$MODULE@$VERSION") >&2
  local src scratch
  src="$(go env GOMODCACHE)/github.com/!ferret!d!b/!ferret!d!b@$VERSION"
  [ -d "$src" ] || die "module directory not found after download: $src"
  scratch="$(mktemp -d "${TMPDIR:-/tmp}/ferretdb-src.XXXXXX")"
  cp -R "$src/." "$scratch/"
  chmod -R u+w "$scratch"
  # A module-cache copy has no version file; without it the binary panics at start-up.
  printf '%s' "$VERSION" >"$scratch/build/version/version.txt"
  if ! (cd "$scratch" && go build -o "$BIN.tmp" ./cmd/ferretdb) >&2; then
    rm -rf "$scratch"
    die "go build failed"
  fi
  rm -rf "$scratch"
  mv "$BIN.tmp" "$BIN"
  flock -u 9
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

alive() {
  [ -f "$STATE/ferretdb.pid" ] && kill -0 "$(cat "$STATE/ferretdb.pid")" 2>/dev/null
}

# Runs FerretDB in the foreground of a loop that starts it again, on the same port and data, if it
# dies: one crash of the test server (CI saw one, with no log left to say why) would otherwise fail
# every later MongoDB test of the run. Each exit is recorded in $STATE/restarts.log with the tail of
# the server's log, and `.ci/ferretdb.sh report` prints it, so a crash is never silent.
supervise() {
  local port="$1" debug="$2" n=0 status
  while :; do
    "$BIN" --handler=sqlite --sqlite-url="file:$STATE/data/" \
      --listen-addr="127.0.0.1:$port" --debug-addr="127.0.0.1:$debug" \
      --telemetry=disable --log-level=warn --state-dir="$STATE" >>"$STATE/ferretdb.log" 2>&1 &
    echo $! >"$STATE/ferretdb.pid"
    wait $! && status=0 || status=$?
    [ -f "$STATE/stopping" ] && return 0
    n=$((n + 1))
    {
      printf '%s FerretDB exited with status %s (restart %s on 127.0.0.1:%s, data kept); its log (errors, then the last lines):\n' \
        "$(date -u +%FT%TZ)" "$status" "$n" "$port"
      { grep -E 'panic|fatal|signal|ERROR' "$STATE/ferretdb.log" || true; } | head -n 20
      echo '…'
      { grep -vE 'Response (header|message)|^[ {}\[\]"]' "$STATE/ferretdb.log" || true; } | tail -n 40
    } >>"$STATE/restarts.log"
    # A server that cannot stay up is not worth restarting forever.
    [ "$n" -ge 20 ] && return 1
    sleep 0.2
  done
}

start() {
  build
  mkdir -p "$STATE"
  if alive && [ -f "$STATE/url" ]; then cat "$STATE/url"; return 0; fi
  local port="${PORT:-$(free_port)}" debug
  debug="$(free_port)"
  port_open "$port" && die "port $port is already in use"
  rm -rf "$STATE/data" "$STATE/stopping" "$STATE/restarts.log"
  mkdir -p "$STATE/data"
  : >"$STATE/ferretdb.log"
  supervise "$port" "$debug" </dev/null >/dev/null 2>&1 &
  echo $! >"$STATE/supervisor.pid"
  for _ in $(seq 1 300); do
    if port_open "$port"; then
      echo "mongodb://127.0.0.1:$port/" | tee "$STATE/url"
      return 0
    fi
    if ! kill -0 "$(cat "$STATE/supervisor.pid")" 2>/dev/null || [ -s "$STATE/restarts.log" ]; then
      stop_processes
      cat "$STATE/ferretdb.log" >&2
      die "FerretDB exited during start-up"
    fi
    sleep 0.1
  done
  die "FerretDB did not listen on 127.0.0.1:$port within 30 s (log: $STATE/ferretdb.log)"
}

# Prints how often the server died and was started again (nothing when it never did).
report() {
  [ -s "$STATE/restarts.log" ] && cat "$STATE/restarts.log"
  return 0
}

stop_processes() {
  touch "$STATE/stopping"
  local pid
  for f in supervisor.pid ferretdb.pid; do
    [ -f "$STATE/$f" ] || continue
    pid="$(cat "$STATE/$f")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}

stop() {
  stop_processes
  rm -rf "$STATE/data" "$STATE/ferretdb.pid" "$STATE/supervisor.pid" "$STATE/url" "$STATE/stopping"
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
STATE="$CACHE/ferretdb-run"
PORT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT="$2"; shift 2 ;;
    --state) STATE="$2"; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done

case "$cmd" in
  build) build; echo "$BIN" ;;
  start) start ;;
  stop) stop ;;
  report) report ;;
  *) die "usage: $0 build | start [--port N] [--state DIR] | stop [--state DIR] | report [--state DIR]" ;;
esac
