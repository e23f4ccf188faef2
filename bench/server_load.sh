#!/usr/bin/env bash
# server_load.sh — `fleetops serve` under load from a second process on loopback (wrk):
#   1. a paced run at a fixed rate (default 1,000 requests/s): latency percentiles;
#   2. a saturation run: the most requests per second the server answers.
# Usage: bench/server_load.sh BUILD/fleetops [PATH_AND_QUERY ...]
set -euo pipefail
bin=$1; shift
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=("/api/roi")
command -v wrk >/dev/null || { echo "server_load: wrk is missing (scripts/deps.sh bench installs it)"; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp)
"$bin" serve --port 0 --threads 2 >"$out" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 50); do grep -q serving "$out" && break; sleep 0.05; done
port=$(sed -n 's#.*http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$out" | head -1)
[ -n "$port" ] || { echo "server_load: server did not start"; cat "$out"; exit 1; }
for path in "${paths[@]}"; do
    url="http://127.0.0.1:$port$path"
    curl -sf "$url" >/dev/null || { echo "server_load: $url does not answer 200"; exit 1; }
    paced=$(FO_INTERVAL_MS=10 wrk -t1 -c10 -d5s --latency -s "$here/paced.lua" "$url")
    sat=$(wrk -t2 -c64 -d5s --latency "$url")
    rate() { awk '/Requests\/sec/ {print $2}'; }
    pct() { awk -v p="$1" '$1 == p {print $2}'; }
    printf '%-44s paced %7.0f req/s: p50 %s  p99 %s (target p99 < 5 ms at 1,000/s)\n' \
        "server: GET $path" "$(echo "$paced" | rate)" "$(echo "$paced" | pct 50%)" "$(echo "$paced" | pct 99%)"
    printf '%-44s saturation %7.0f req/s: p50 %s  p99 %s (target >= 10,000/s)\n' \
        "" "$(echo "$sat" | rate)" "$(echo "$sat" | pct 50%)" "$(echo "$sat" | pct 99%)"
    if echo "$sat" | grep -q "Non-2xx"; then echo "server_load: non-2xx answers under load"; exit 1; fi
done
