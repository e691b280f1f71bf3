#!/usr/bin/env bash
# The performance targets of BENCHMARKS.md, measured in one run on this
# machine with `chimevoice bench` (127.0.0.1 only, bounded in time):
#
#   scripts/bench-targets.sh [RUNS]      # default 3 runs of each measurement
#
# Each section prints its raw lines; BENCHMARKS.md quotes the medians.
# Needs: go, python3 (for startup.py's peak RSS), jq, and moto (python3 -m moto.server)
# for the emulator comparison. Takes about 15 minutes.
runs=${1:-3}
source "$(dirname "$0")/lib.sh"

stop() { stop_servers; }
bench() { "$cv" bench --json "$@" 2>/dev/null; }
# op OPERATION FIELD: a field of one operation of the JSON report on stdin
op() { jq -r --arg op "$1" ".chimevoice.operations[] | select(.operation == \$op) | $2"; }

echo "machine: $(nproc) cores; $(uptime)"

echo; echo "== 1. signed BatchDeletePhoneNumber, 1 number per request, c=32, against the bare net/http ceiling"
for r in $(seq 1 "$runs"); do
  u=$(serve t1-$r --data "$work/t1-$r.db")
  bench --endpoint "$u" --batch 1 --concurrency 32 --duration 10s --provision 300000 --baseline |
    jq -r '"run: chimevoice \(.chimevoice.operations[0].requests_per_second|floor) req/s (p50 \(.chimevoice.operations[0].latency.p50_ms) ms, p99 \(.chimevoice.operations[0].latency.p99_ms) ms), bare net/http \(.baseline.operations[0].requests_per_second|floor) req/s, ratio \(.ratio*100|floor)%"'
  stop
done

echo; echo "== 6. provisioning 1,000,000 numbers through the API (search + orders of 1000)"
u=$(serve m1 --data "$work/m1.db")
start=$(date +%s.%N)
"$cv" bench --endpoint "$u" --provision 1000000 --requests 1 --concurrency 1 >/dev/null 2>&1
echo "provisioned 1,000,000 numbers in $(echo "$(date +%s.%N) - $start" | bc) s"
stop

echo; echo "== 5. start to first healthy answer, and RSS, with 1,000,000 numbers stored (peak under a mixed load)"
"$cv" bench startup --runs "$runs" -- "$cv" --data "$work/m1.db" --listen '127.0.0.1:{port}' --log-level warn
(python3 scripts/startup.py --runs 1 --hold 14 http://127.0.0.1:18901/_chimevoice/health -- "$cv" --data "$work/m1.db" --listen 127.0.0.1:18901 --log-level warn > "$work/rss.out") &
sleep 1.5
bench --endpoint http://127.0.0.1:18901 --workload mix --concurrency 16 --duration 10s --provision 2000 |
  jq -r '"mixed load while measured: \(.chimevoice.operations[] | select(.operation == "all") | .requests_per_second|floor) req/s"'
wait
grep median "$work/rss.out"

echo; echo "== 3. ListPhoneNumbers page of 100: 10,000 against 1,000,000 numbers stored"
u1m=$(serve l1m --data "$work/m1.db")
u10k=$(serve l10k --data "$work/k10.db")
"$cv" bench --endpoint "$u10k" --provision 10000 --requests 1 >/dev/null 2>&1
for r in $(seq 1 "$runs"); do
  a=$(bench --endpoint "$u10k" --workload list --concurrency 4 --duration 8s --provision 1 | op ListPhoneNumbers .latency.p50_ms)
  b=$(bench --endpoint "$u1m" --workload list --concurrency 4 --duration 8s --provision 1 | op ListPhoneNumbers .latency.p50_ms)
  echo "run: p50 at 10,000 = $a ms; at 1,000,000 = $b ms; ratio $(echo "scale=2; $b / $a" | bc)"
done
stop

echo; echo "== 2. 1000 numbers per request (c=8), on the 1,000,000-number store"
u=$(serve t2 --data "$work/m1.db")
bench --endpoint "$u" --batch 1000 --concurrency 8 --requests 900 --duration 0 --provision 900000 |
  jq -r '"run: \(.chimevoice.operations[0].items_per_second|floor) numbers/s (\(.chimevoice.operations[0].requests_per_second|floor) req/s, p50 \(.chimevoice.operations[0].latency.p50_ms) ms)"'

echo; echo "== 4. purging the Deletion queue (900,000 numbers) under a concurrent read load"
base=$(bench --endpoint "$u" --workload get --concurrency 8 --duration 8s --provision 1000 | op GetPhoneNumber .latency.p99_ms)
(bench --endpoint "$u" --workload get --concurrency 8 --duration 16s --provision 1000 | op GetPhoneNumber .latency.p99_ms > "$work/during.out") &
sleep 2
start=$(date +%s.%N)
curl -s -XPOST "$u/_chimevoice/clock" -d '{"Advance":"168h"}' >/dev/null
echo "purge took $(echo "$(date +%s.%N) - $start" | bc) s (the clock move answers once every due purge is done)"
wait
echo "GetPhoneNumber p99 without purge $base ms, with the purge running $(cat "$work/during.out") ms"
stop

echo; echo "== moto_server (the emulator people use today) beside chimevoice: 25 deletes per request, c=32"
for r in $(seq 1 "$runs"); do
  u=$(serve moto-cv-$r --data "$work/mc-$r.db")
  c=$(bench --endpoint "$u" --batch 25 --concurrency 32 --duration 10s --provision 200000 | op BatchDeletePhoneNumber '"\(.requests_per_second|floor) req/s, \(.items_per_second|floor) numbers/s"')
  stop
  python3 -m moto.server -p 18950 >/dev/null 2>&1 & echo $! >>"$work/pids"
  for _ in $(seq 1 100); do curl -sf http://127.0.0.1:18950/moto-api/ >/dev/null && break; sleep 0.1; done
  m=$("$cv" bench --json --endpoint http://127.0.0.1:18950 --workload dynamodb --batch 25 --concurrency 32 --duration 10s 2>/dev/null | op BatchWriteItem '"\(.requests_per_second|floor) req/s, \(.items_per_second|floor) items/s"')
  stop
  echo "run: chimevoice BatchDeletePhoneNumber $c; moto BatchWriteItem $m"
done
"$cv" bench startup --runs "$runs" --url 'http://127.0.0.1:{port}/moto-api/' -- python3 -m moto.server -p '{port}' | grep median | sed 's/^/moto_server: /'
"$cv" bench startup --runs "$runs" -- "$cv" --data :memory: --listen '127.0.0.1:{port}' | grep median | sed 's/^/chimevoice (empty store): /'
echo "memory of both, measured the same way (scripts/bench-memory.sh: VmRSS at the first healthy answer, then after a 5 s load):"
scripts/bench-memory.sh "$runs" "$cv" | sed -n '/^medians/,$p'

echo; echo "== scaling: BatchDeletePhoneNumber throughput by concurrency (batch 1) and by batch size (c=32)"
for c in 1 8 32 128; do
  u=$(serve sc-$c --data "$work/sc-$c.db")
  bench --endpoint "$u" --batch 1 --concurrency "$c" --duration 8s --provision 150000 |
    jq -r --arg c "$c" '"concurrency \($c): \(.chimevoice.operations[0].requests_per_second|floor) req/s, p50 \(.chimevoice.operations[0].latency.p50_ms) ms, p99 \(.chimevoice.operations[0].latency.p99_ms) ms"'
  stop
done
for b in 1 10 100 1000; do
  u=$(serve sb-$b --data "$work/sb-$b.db")
  bench --endpoint "$u" --batch "$b" --concurrency 32 --duration 8s --provision 400000 |
    jq -r --arg b "$b" '"batch \($b): \(.chimevoice.operations[0].requests_per_second|floor) req/s, \(.chimevoice.operations[0].items_per_second|floor) numbers/s, p50 \(.chimevoice.operations[0].latency.p50_ms) ms"'
  stop
done
echo; echo "end: $(uptime)"
