#!/usr/bin/env bash
# Resident memory of chimevoice beside moto_server, both measured the same
# way by scripts/startup.py: VmRSS (and its anonymous and file-backed parts)
# at the first healthy answer, then after a short load, and the peak (VmHWM).
# The load is the one of the throughput comparison in BENCHMARKS.md, 5 s:
# BatchDeletePhoneNumber of 25 numbers at c=32 on 20,000 provisioned numbers
# for chimevoice (--data :memory:), DynamoDB BatchWriteItem of 25 deletes at
# c=32 for moto. Runs are interleaved (each binary, then moto, RUNS times).
#
#   scripts/bench-memory.sh [RUNS] [BINARY...]
#
# Without BINARY it measures this tree built as `go build` builds it (cgo on
# where a C compiler is installed: libc is mapped) and as the Dockerfile does
# (CGO_ENABLED=0 -trimpath -ldflags="-s -w": static). Needs python3, moto.
runs=${1:-3}
[ $# -gt 0 ] && shift
source "$(dirname "$0")/lib.sh"

bins=("$@")
if [ ${#bins[@]} -eq 0 ]; then
  CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$work/chimevoice-static" ./cmd/chimevoice
  bins=("$cv" "$work/chimevoice-static")
fi
port=18960
# measure LABEL URL LOAD COMMAND...: one run of startup.py, its line labelled
measure() {
  local label=$1 url=$2 load=$3; shift 3
  python3 scripts/startup.py --runs 1 --load "$load" "$url" -- "$@" | grep '^run 1:' | sed "s|^run 1:|$label|" | tee -a "$work/memory.out"
}
echo "machine: $(nproc) cores; $(uptime)"
for r in $(seq 1 "$runs"); do
  for b in "${bins[@]}"; do
    port=$((port + 1))
    measure "$(basename "$b")" "http://127.0.0.1:$port/_chimevoice/health" \
      "'$cv' bench --endpoint http://127.0.0.1:$port --batch 25 --concurrency 32 --duration 5s --provision 20000" \
      "$b" --data :memory: --listen "127.0.0.1:$port" --log-level warn
  done
  port=$((port + 1))
  measure moto_server "http://127.0.0.1:$port/moto-api/" \
    "'$cv' bench --endpoint http://127.0.0.1:$port --workload dynamodb --batch 25 --concurrency 32 --duration 5s" \
    python3 -m moto.server -p "$port"
done
echo "medians of $runs:"
python3 - "$work/memory.out" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, rest = line.split(" ", 1)
    rows.setdefault(label, []).append(rest)
def med(lines, key):
    vals = [float(re.search(key + r"=([0-9.]+)", l).group(1)) for l in lines]
    return statistics.median(vals)
for label, lines in rows.items():
    f = {}
    for part in ("at_start", "after_load"):
        seg = [l.split(part, 1)[1] for l in lines]
        f[part] = {k: med(seg, " " + k) for k in ("rss", "anon", "file")}
    print(f"{label}: at start rss {f['at_start']['rss']:.1f} MB (anon {f['at_start']['anon']:.1f}, file {f['at_start']['file']:.1f}); "
          f"after the load rss {f['after_load']['rss']:.1f} MB (anon {f['after_load']['anon']:.1f}, file {f['after_load']['file']:.1f}); "
          f"peak {med(lines, 'peak'):.1f} MB; start {med(lines, 'start_to_healthy'):.1f} ms")
PY
