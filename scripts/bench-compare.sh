#!/usr/bin/env bash
# Compares chimevoice builds on the BatchDeletePhoneNumber load, interleaved
# (build A, build B, A, B, ...), each run on a fresh store, and prints for each
# run the bench's figures and the server's CPU per request: utime+stime of the
# server process (/proc/PID/stat) between two of the bench's progress lines,
# so that listing the numbers to delete, which comes first, is left out.
#
#   scripts/bench-compare.sh RUNS BINARY...
#   BATCH=1000 C=8 DUR=4s W0=1 W1=3 PROV=300000 scripts/bench-compare.sh 3 ./old ./new
#
# BATCH numbers per request (1), C concurrency (32), DUR the load's length
# (10s), W0/W1 the progress lines (seconds) that bound the CPU window (2, 8),
# PROV numbers provisioned first (150000). Needs jq.
set -u
runs=$1; shift
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
# waitline S: the request count of the bench's progress line at S seconds (0 if none)
waitline() {
  for _ in $(seq 1 4000); do
    if l=$(grep -m1 "  $1.0s " "$d/progress" 2>/dev/null); then echo "$l" | awk '{print $3}'; return; fi
    sleep 0.005
  done
  echo 0
}
for _ in $(seq 1 "$runs"); do
  for bin in "$@"; do
    "$bin" serve --listen 127.0.0.1:0 --log-level warn --data "$d/s.db" >"$d/out" 2>"$d/err" &
    pid=$!
    url=
    for _ in $(seq 1 200); do url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$d/out" | head -1); [ -n "$url" ] && break; sleep 0.05; done
    "$bin" bench --endpoint "$url" --provision "${PROV:-150000}" --requests 1 --duration 0 --concurrency 1 >/dev/null 2>&1
    "$bin" bench --json --endpoint "$url" --batch "${BATCH:-1}" --concurrency "${C:-32}" --duration "${DUR:-10s}" \
      --provision "${PROV:-150000}" 2>"$d/progress" >"$d/report" &
    bp=$!
    n0=$(waitline "${W0:-2}"); c0=$(cpu $pid)
    n1=$(waitline "${W1:-8}"); c1=$(cpu $pid)
    wait $bp
    per="n/a"
    if [ "$n1" -gt "$n0" ]; then per="$(( (c1 - c0) * 10000 / (n1 - n0) )) µs/req"; fi # ticks of 10 ms
    jq -r --arg b "$(basename "$bin")" --arg per "$per" '.chimevoice.operations[0] as $o |
      "\($b) \($o.requests_per_second|floor) req/s \($o.items_per_second|floor) items/s p50 \($o.latency.p50_ms) ms p99 \($o.latency.p99_ms) ms server CPU \($per)"' "$d/report"
    kill $pid; wait $pid 2>/dev/null
    rm -f "$d"/s.db* "$d/progress"
  done
done
