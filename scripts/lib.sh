# Shared by the benchmark scripts; sourced, not run. Sets up a work
# directory, builds chimevoice into it, and starts and stops servers.
# Servers are started inside $(...) subshells, so their PIDs go to a file,
# not a shell array, and are stopped from it (also on exit).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=$(mktemp -d)
cv="$work/chimevoice"

stop_servers() {
  [ -f "$work/pids" ] || return 0
  while read -r p; do kill "$p" 2>/dev/null || true; done <"$work/pids"
  while read -r p; do while kill -0 "$p" 2>/dev/null; do sleep 0.05; done; done <"$work/pids"
  rm -f "$work/pids"
}
trap 'stop_servers; rm -rf "$work"' EXIT

go build -o "$cv" ./cmd/chimevoice

# serve NAME ARGS...: starts `chimevoice serve ARGS` on a free loopback port
# and prints its URL once it listens.
serve() {
  local name=$1; shift
  "$cv" serve --listen 127.0.0.1:0 --log-level warn "$@" >"$work/$name.out" 2>"$work/$name.err" &
  echo $! >>"$work/pids"
  for _ in $(seq 1 400); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/$name.out" 2>/dev/null | head -n1 || true)
    if [ -n "$url" ]; then echo "$url"; return; fi
    sleep 0.05
  done
  cat "$work/$name.err" >&2
  echo "server $name did not start" >&2
  exit 1
}
