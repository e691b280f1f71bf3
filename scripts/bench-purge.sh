#!/usr/bin/env bash
# Target 4 of BENCHMARKS.md for several builds, interleaved (A, B, A, B, ...):
# purging a Deletion queue of 900,000 numbers (1,000,000 stored) while
# GetPhoneNumber runs at c=8, against the same load without a purge.
#
#   scripts/bench-purge.sh RUNS BINARY...
#   PURGE_DB=/tmp/queue.db scripts/bench-purge.sh 3 ./chimevoice-before ./chimevoice-after
#
# The store with the queue is made once, by the first binary, exactly as
# bench-targets.sh makes it (provision 1,000,000, delete 900,000 in requests
# of 1000 at c=8; about 3 minutes), and kept at $PURGE_DB when that is set
# (reused when it exists). Every run starts from a copy of it, so every build
# purges the same queue. Per run it prints the purge's time (the clock move
# answers once every due purge is done), GetPhoneNumber's p99 before and
# during the purge, their ratio, the server's CPU time during the purge, and
# the largest WAL seen. C is the read load's concurrency (8), DURING how long
# the read load runs once the purge starts (18s; it starts 2 s before).
# Needs jq and bc. Loopback only; every server it starts is stopped.
set -euo pipefail
runs=$1; shift
cd "$(dirname "${BASH_SOURCE[0]}")/.."
d=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$d"
}
trap cleanup EXIT
snap=${PURGE_DB:-$d/queue.db}
c=${C:-8}
during=${DURING:-18s}

# serve BINARY DB: starts a server, sets $pid and $url
serve() {
  "$1" serve --listen 127.0.0.1:0 --log-level warn --data "$2" >"$d/out" 2>"$d/err" &
  pid=$!
  pids+=("$pid")
  url=
  for _ in $(seq 1 400); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$d/out" 2>/dev/null | head -n1 || true)
    [ -n "$url" ] && return
    sleep 0.05
  done
  cat "$d/err" >&2
  echo "server did not start" >&2
  exit 1
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pids=(); }
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
p99() { jq -r '.chimevoice.operations[] | select(.operation == "GetPhoneNumber") | .latency.p99_ms'; }

if [ ! -f "$snap" ]; then
  serve "$1" "$snap"
  "$1" bench --endpoint "$url" --provision 1000000 --requests 1 --concurrency 1 >/dev/null 2>&1
  "$1" bench --endpoint "$url" --batch 1000 --concurrency 8 --requests 900 --duration 0 --provision 900000 >/dev/null 2>&1
  stop
fi

for r in $(seq 1 "$runs"); do
  for bin in "$@"; do
    cp "$snap" "$d/s.db"
    serve "$bin" "$d/s.db"
    base=$("$bin" bench --json --endpoint "$url" --workload get --concurrency "$c" --duration 8s --provision 1000 2>/dev/null | p99 || true)
    ("$bin" bench --json --endpoint "$url" --workload get --concurrency "$c" --duration "$during" --provision 1000 2>/dev/null | p99 >"$d/during") &
    lp=$!
    sleep 2
    wal=0
    (while sleep 0.2; do s=$(stat -c %s "$d/s.db-wal" 2>/dev/null || echo 0); echo "$s"; done >"$d/wal") &
    wp=$!
    c0=$(cpu "$pid")
    start=$(date +%s.%N)
    curl -s -XPOST "$url/_chimevoice/clock" -d '{"Advance":"168h"}' >/dev/null
    took=$(echo "$(date +%s.%N) - $start" | bc)
    c1=$(cpu "$pid")
    kill "$wp"; wait "$wp" 2>/dev/null || true
    wait "$lp" || true # the load may end with errors (numbers purged under it)
    wal=$(sort -n "$d/wal" | tail -1)
    left=$(sqlite3 "$d/s.db" "SELECT count(*) FROM phone_numbers WHERE status = 'DeleteInProgress'" 2>/dev/null || echo "?")
    stop
    dur=$(cat "$d/during")
    printf '%s purge %.2f s, server CPU %.2f s, p99 %s -> %s ms = %.2fx, WAL max %d MB, queue left %s\n' \
      "$(basename "$bin")" "$took" "$(echo "($c1 - $c0) / 100" | bc -l)" "$base" "$dur" \
      "$(echo "$dur / $base" | bc -l)" "$((wal / 1048576))" "$left"
    rm -f "$d"/s.db*
  done
done
