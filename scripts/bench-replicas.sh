#!/usr/bin/env bash
# BatchDeletePhoneNumber throughput: single-node SQLite, 1 replica on
# PostgreSQL and 3 replicas on PostgreSQL, measured in one run with the same
# load command (chimevoice bench), each configuration RUNS times on a
# fresh store. Prints every result line, then the medians.
#
#   scripts/bench-replicas.sh [postgres://postgres@127.0.0.1:5432/test?sslmode=disable]
#
# Environment: RUNS (default 3), LOAD_ARGS (default "--provision 20000 --requests 200 --batch 100 --concurrency 16").
set -euo pipefail
admin_url=${1:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
runs=${RUNS:-3}
load_args=${LOAD_ARGS:---provision 20000 --requests 200 --batch 100 --concurrency 16}
cd "$(dirname "$0")/.."
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/chimevoice" ./cmd/chimevoice

# start_server LOGNAME ARGS...: starts a server on a free loopback port and
# prints its URL once it listens.
start_server() {
  local name=$1; shift
  "$work/chimevoice" serve --listen 127.0.0.1:0 --log-level warn "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pids+=($!)
  for _ in $(seq 1 300); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/$name.out" 2>/dev/null | head -n1 || true)
    if [ -n "$url" ]; then echo "$url"; return; fi
    sleep 0.05
  done
  cat "$work/$name.err" >&2
  echo "server $name did not start" >&2
  exit 1
}

stop_servers() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}

db_url() { # db_url NAME: the admin URL with its database replaced
  echo "$admin_url" | sed -E "s#(postgres(ql)?://[^/]*)/[^?]*#\1/$1#"
}

echo "start: $(uptime)"
results=()
for run in $(seq 1 "$runs"); do
  for config in sqlite pg1 pg3; do
    case $config in
      sqlite)
        endpoints=$(start_server "sqlite-$run" --data "$work/bench-$run.db") ;;
      pg*)
        db=chimevoice_bench_${config}_$run
        psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
        n=${config#pg}
        endpoints=""
        for i in $(seq 1 "$n"); do
          u=$(start_server "$config-$run-$i" --database-url "$(db_url "$db")")
          endpoints="${endpoints:+$endpoints,}$u"
        done ;;
    esac
    # shellcheck disable=SC2086
    line=$("$work/chimevoice" bench --endpoint "$endpoints" --duration 0 --json $load_args |
      jq -r '.chimevoice | .operations[] | select(.operation == "BatchDeletePhoneNumber") |
        "numbers/s=\(.items_per_second | floor) requests/s=\(.requests_per_second | floor) p50=\(.latency.p50_ms) p99=\(.latency.p99_ms) errors=\(.errors | length)"')
    echo "$config run $run: $line"
    results+=("$config $(echo "$line" | grep -o 'numbers/s=[0-9]*' | cut -d= -f2) $(echo "$line" | grep -o 'p50=[0-9.]*' | cut -d= -f2) $(echo "$line" | grep -o 'p99=[0-9.]*' | cut -d= -f2)")
    stop_servers
    if [[ $config == pg* ]]; then psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"; fi
  done
done

echo "end: $(uptime)"
echo
echo "median over $runs runs ($load_args):"
for config in sqlite pg1 pg3; do
  printf '%s\n' "${results[@]}" | awk -v c="$config" '$1 == c' | sort -k2 -n | awk -v c="$config" '
    { n[NR] = $2; p50[NR] = $3; p99[NR] = $4 }
    END { m = int((NR + 1) / 2); printf "%-7s numbers/s=%s p50=%sms p99=%sms\n", c, n[m], p50[m], p99[m] }'
done
