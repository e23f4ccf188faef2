#!/usr/bin/env bash
# ledger_load.sh — 50 students writing to the ledger at once through `fleetops serve` (wrk on
# loopback): each posts a reflection revision every 100 ms (500 writes/s in all; the per-address
# write rate is off: one address here stands for 50 students); reports the
# acknowledgement latency percentiles. Target: p99 < 2 ms.
# Usage: bench/ledger_load.sh BUILD/fleetops
set -euo pipefail
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
"$bin" serve --port 0 --threads 2 --db "$tmp/ledger.db" --create yes \
    --writes-per-minute 0 --sessions-per-minute 0 >"$tmp/out" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do grep -q serving "$tmp/out" && break; sleep 0.05; done
port=$(sed -n 's#.*http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$tmp/out" | head -1)
base="http://127.0.0.1:$port"
cookies=""
for i in $(seq 50); do
    c=$(curl -s -D - -o /dev/null -X POST -H 'Content-Type: application/json' \
        -d '{"track":"cloud-titan"}' "$base/api/session" | sed -n 's/^Set-Cookie: \([^;]*\);.*/\1/p')
    cookies="$cookies $c"
done
sleep 1 # let the idle checkpoint after the sign-ups finish
out=$(FO_COOKIES="$cookies" FO_INTERVAL_MS=100 wrk -t2 -c50 -d5s --latency -s "$here/ledger_writes.lua" "$base")
pct() { echo "$out" | awk -v p="$1" '$1 == p {print $2}'; }
rate=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
printf '%-44s %7.0f writes/s from 50 students: p50 %s  p99 %s (target p99 < 2 ms)\n' \
    "ledger: POST reflection (acknowledged)" "$rate" "$(pct 50%)" "$(pct 99%)"
if echo "$out" | grep -q "Non-2xx"; then echo "ledger_load: some writes were refused"; echo "$out"; exit 1; fi
# With FO_BENCH_JSON=FILE, the run as one JSON line for bench/reference/assemble.py.
ms() { awk -v v="$1" 'BEGIN { u = v; sub(/^[0-9.]+/, "", u); x = v + 0;
    if (u == "us") x /= 1000; else if (u == "s") x *= 1000; printf "%.3f", x }'; }
if [ -n "${FO_BENCH_JSON:-}" ]; then
    printf '{"kind": "ledger", "achieved_per_s": %s, "p50_ms": %s, "p99_ms": %s}\n' \
        "$rate" "$(ms "$(pct 50%)")" "$(ms "$(pct 99%)")" >>"$FO_BENCH_JSON"
fi
