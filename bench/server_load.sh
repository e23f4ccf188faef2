#!/usr/bin/env bash
# server_load.sh — `fleetops serve` under load from a second process on loopback (wrk):
#   1. paced runs at fixed request rates: latency percentiles (p50, p99) at each;
#   2. a saturation run (64 connections, no pauses): the most requests per second answered.
# Each argument is PATH_AND_QUERY or PATH_AND_QUERY@RATE,RATE,... (requests per second for the
# paced runs; default 1000). With FO_BENCH_JSON=FILE, one JSON object per run is appended to
# FILE for bench/reference/assemble.py. The server and wrk share the machine's cores, so the
# saturation rate is the pair's, not the server's alone.
# Paced load: each of C connections waits an exponential gap (mean C * 1000 / rate ms) between
# requests (paced.lua); wrk times each response from its request, so a request delayed behind a
# slow one is not charged for the wait (no coordinated-omission correction): the percentiles
# are service latencies at that offered rate, and the achieved rate is printed beside them.
# Usage: bench/server_load.sh BUILD/fleetops [PATH[@RATES] ...]
set -euo pipefail
bin=$1
shift
specs=("$@")
[ ${#specs[@]} -gt 0 ] || specs=("/api/roi")
command -v wrk >/dev/null || { echo "server_load: wrk is missing (scripts/deps.sh bench installs it)"; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
secs=${FO_LOAD_SECONDS:-5}
tmp=$(mktemp -d)
"$bin" serve --port 0 --threads 2 --db "$tmp/ledger.db" --create yes \
    --writes-per-minute 0 --sessions-per-minute 0 >"$tmp/out" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do grep -q serving "$tmp/out" && break; sleep 0.05; done
port=$(sed -n 's#.*http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$tmp/out" | head -1)
[ -n "$port" ] || { echo "server_load: server did not start"; cat "$tmp/out"; exit 1; }

# wrk prints latencies as 812.00us, 1.23ms or 1.02s: milliseconds.
ms() { awk -v v="$1" 'BEGIN { u = v; sub(/^[0-9.]+/, "", u); x = v + 0;
    if (u == "us") x /= 1000; else if (u == "s") x *= 1000; else if (u == "m") x *= 60000;
    printf "%.3f", x }'; }
rate() { awk '/Requests\/sec/ {print $2}'; }
pct() { awk -v p="$1" '$1 == p {print $2}'; }
record() { # path mode offered achieved p50 p99 connections
    [ -n "${FO_BENCH_JSON:-}" ] || return 0
    printf '{"path": "%s", "mode": "%s", "offered_per_s": %s, "achieved_per_s": %s, "p50_ms": %s, "p99_ms": %s, "connections": %s, "seconds": %s}\n' \
        "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$secs" >>"$FO_BENCH_JSON"
}

for spec in "${specs[@]}"; do
    path=${spec%%@*}
    rates=1000
    [ "$spec" = "$path" ] || rates=${spec#*@}
    url="http://127.0.0.1:$port$path"
    curl -sf "$url" >/dev/null || { echo "server_load: $url does not answer 200"; exit 1; }
    for r in ${rates//,/ }; do
        # One request in flight per connection at most, and enough connections that each
        # waits ~40 ms on average between requests (a 2 ms answer then costs the offered rate
        # ~5%; the achieved rate is reported).
        c=$(((r + 24) / 25))
        [ $c -ge 2 ] || c=2
        interval=$(awk -v c=$c -v r="$r" 'BEGIN { printf "%.3f", c * 1000 / r }')
        out=$(FO_INTERVAL_MS=$interval wrk -t1 -c$c -d${secs}s --latency -s "$here/paced.lua" "$url")
        if echo "$out" | grep -q "Non-2xx"; then echo "server_load: non-2xx answers at $r/s"; exit 1; fi
        got=$(echo "$out" | rate)
        p50=$(ms "$(echo "$out" | pct 50%)")
        p99=$(ms "$(echo "$out" | pct 99%)")
        printf '%-46s paced %6s/s (got %7.0f): p50 %7s ms  p99 %7s ms\n' "server: GET $path" "$r" "$got" "$p50" "$p99"
        record "$path" paced "$r" "$got" "$p50" "$p99" "$c"
    done
    out=$(wrk -t2 -c64 -d${secs}s --latency "$url")
    if echo "$out" | grep -q "Non-2xx"; then echo "server_load: non-2xx answers under load"; exit 1; fi
    got=$(echo "$out" | rate)
    p50=$(ms "$(echo "$out" | pct 50%)")
    p99=$(ms "$(echo "$out" | pct 99%)")
    printf '%-46s saturation %7.0f req/s: p50 %7s ms  p99 %7s ms (64 connections)\n' "" "$got" "$p50" "$p99"
    record "$path" saturation null "$got" "$p50" "$p99" 64
done
