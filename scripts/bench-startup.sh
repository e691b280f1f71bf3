#!/usr/bin/env bash
# Start-up, in one run: exec to the first healthy answer of a server on an
# existing store and on a throwaway one (--data :memory:, what a test that
# starts its own server uses), and exec to exit of `chimevoice version`, for this tree,
# for a base revision, and for a bare net/http server (the floor of the
# machine). Medians of RUNS runs of `chimevoice bench startup`, which probes
# over TCP from its own process (no process per probe).
#
#   scripts/bench-startup.sh [BASE_REVISION [RUNS]]     # default 2cb2031 21
#
# Needs: go, git. Builds into a temporary directory and removes it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
base=${1:-2cb2031}
runs=${2:-21}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/chimevoice" ./cmd/chimevoice
go build -o "$work/bare" ./bench/internal/bareserver
mkdir "$work/base"
git archive "$base" | tar -x -C "$work/base"
(cd "$work/base" && go build -o "$work/chimevoice-base" ./cmd/chimevoice)
# Each build on a store of its own schema (a base revision refuses a newer one).
"$work/chimevoice" migrate --data "$work/store.db" >/dev/null 2>&1
"$work/chimevoice-base" migrate --data "$work/store-base.db" >/dev/null 2>&1

bench() { "$work/chimevoice" bench startup --runs "$runs" "$@" | tail -n1 || echo failed; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in 1 2; do
  echo "round $round"
  echo "  bare net/http server:   $(bench -- "$work/bare" '127.0.0.1:{port}')"
  echo "  chimevoice $base:     $(bench -- "$work/chimevoice-base" --data "$work/store-base.db" --listen '127.0.0.1:{port}' --log-level warn)"
  echo "  chimevoice (this tree): $(bench -- "$work/chimevoice" --data "$work/store.db" --listen '127.0.0.1:{port}' --log-level warn)"
  echo "  :memory: $base:       $(bench -- "$work/chimevoice-base" --data :memory: --listen '127.0.0.1:{port}' --log-level warn)"
  echo "  :memory: (this tree):   $(bench -- "$work/chimevoice" --data :memory: --listen '127.0.0.1:{port}' --log-level warn)"
  echo "  bare version:           $(bench --url '' -- "$work/bare" version)"
  echo "  version $base:        $(bench --url '' -- "$work/chimevoice-base" version)"
  echo "  version (this tree):    $(bench --url '' -- "$work/chimevoice" version)"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
