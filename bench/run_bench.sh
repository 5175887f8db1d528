#!/usr/bin/env bash
# Benchmark SendChannelMessage (PERSISTENT, file database) against the health endpoint ceiling.
# Run by hand, not in CI. Builds nothing:
#
#   bench/run_bench.sh /path/to/chime-local [duration_seconds] [extra server flags...]
#   e.g. bench/run_bench.sh build/chime-local 10 --threads 2
#
# Starts the server on a file database in a temp dir, seeds an app instance, a user, a channel
# and the membership over HTTP (python3 stdlib), then runs wrk (Debian package `wrk`) for
# SendChannelMessage (unique ClientRequestToken per request, see send_message.lua) and
# GET /_chime-local/health at 1 and 64 connections. Prints requests/s, p50, p99 and the
# server's VmRSS after each run.
set -euo pipefail

BIN=${1:?usage: run_bench.sh /path/to/chime-local [duration_seconds] [server flags...]}
DURATION=${2:-10}
shift $(( $# >= 2 ? 2 : 1 ))
EXTRA_FLAGS=("$@")
HERE=$(cd "$(dirname "$0")" && pwd)

command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 2; }
[ -x "$BIN" ] || { echo "not executable: $BIN" >&2; exit 2; }

TMP=$(mktemp -d /tmp/chime-bench.XXXXXX)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

"$BIN" --host 127.0.0.1 --port 0 --log-level error --data-file "$TMP/bench.db" "${EXTRA_FLAGS[@]}" \
  >"$TMP/stdout" 2>"$TMP/stderr" &
SERVER_PID=$!
PORT=""
for _ in $(seq 200); do
  PORT=$(sed -n 's/.*chime-local listening on http:\/\/[^ ]*:\([0-9][0-9]*\).*/\1/p' "$TMP/stdout" | head -1)
  [ -n "$PORT" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/stderr" >&2; exit 1; }
  sleep 0.05
done
[ -n "$PORT" ] || { echo "server did not report its port" >&2; cat "$TMP/stderr" >&2; exit 1; }
EP="http://127.0.0.1:$PORT"

# Seed over HTTP: app instance, owner (creator = moderator), sender (member), channel.
read -r CHANNEL BEARER < <(python3 "$HERE/seed.py" "$EP")
export BENCH_CHANNEL_ARN="$CHANNEL" BENCH_BEARER="$BEARER"

rss() { awk '/^VmRSS/ {print $2 " " $3}' "/proc/$SERVER_PID/status"; }

printf '%-22s %5s %10s %9s %9s %9s %7s %12s\n' test conns req/s p50_ms p99_ms requests non2xx server_RSS
run() {
  local name=$1 script=$2 conns=$3 threads
  threads=$(( conns < 4 ? conns : 4 ))
  local out
  out=$(wrk -t"$threads" -c"$conns" -d"${DURATION}s" --latency -s "$script" "$EP" 2>"$TMP/wrk.err")
  local line
  line=$(grep '^RESULT' <<<"$out") || { echo "$out"; cat "$TMP/wrk.err"; exit 1; }
  local rps p50 p99 reqs non2xx
  rps=$(sed 's/.*rps=\([^ ]*\).*/\1/' <<<"$line"); p50=$(sed 's/.*p50_ms=\([^ ]*\).*/\1/' <<<"$line")
  p99=$(sed 's/.*p99_ms=\([^ ]*\).*/\1/' <<<"$line"); reqs=$(sed 's/.*requests=\([^ ]*\).*/\1/' <<<"$line")
  non2xx=$(sed 's/.*non2xx=\([^ ]*\).*/\1/' <<<"$line")
  printf '%-22s %5s %10s %9s %9s %9s %7s %12s\n' "$name" "$conns" "$rps" "$p50" "$p99" "$reqs" "$non2xx" "$(rss)"
  [ -s "$TMP/wrk.err" ] && sed 's/^/  wrk: /' "$TMP/wrk.err" || true
}

run SendChannelMessage "$HERE/send_message.lua" 1
run SendChannelMessage "$HERE/send_message.lua" 64
run health "$HERE/health.lua" 1
run health "$HERE/health.lua" 64

ROWS=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from channel_messages').fetchone()[0])" "$TMP/bench.db" 2>/dev/null || echo '?')
echo "messages stored: $ROWS; database: $(du -sh "$TMP" | cut -f1)"
