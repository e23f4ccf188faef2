#!/usr/bin/env bash
# ledger_session.sh — the ledger's traffic and costs as a class sees them (issue 16), through
# `fleetops serve` on loopback with curl:
#   1. a diligent student's whole 45-minute lab replayed without its pauses: the session, 3
#      locks, 24 evidence captures, 10 attempts, 4 reflections and the governance justification
#      typed with the page's autosave (a revision every ~20 s of typing: 40 per text), and the
#      requests the page makes: requests, bytes up and down, and the server's CPU; once as the
#      page does now (each write answers with what changed) and once as it did (a full
#      GET /api/ledger after every write);
#   2. GET /api/ledger with 10 and with 1,000 entries, and GET /api/ledger?since=V at 1,000;
#   3. the report attack: one session with 300 `governance` evidence entries (weeks=156,
#      release_every_weeks=2, requests_per_week=2000), four HTML reports at once, and
#      GET /api/roi timed meanwhile (issue 16's target: < 50 ms).
# With FO_BENCH_JSON=FILE, one JSON line per figure for bench/reference/assemble.py.
# FO_LEDGER_PARTS (default 123) picks the parts to run.
# Usage: bench/ledger_session.sh BUILD/fleetops
set -euo pipefail
bin=$1
parts=${FO_LEDGER_PARTS:-123}
tmp=$(mktemp -d)
pid=
start_server() { # extra flags...
    [ -z "$pid" ] || { kill "$pid"; wait "$pid" 2>/dev/null || true; }
    rm -f "$tmp"/ledger.db*
    "$bin" serve --port 0 --threads 2 --db "$tmp/ledger.db" --create yes "$@" >"$tmp/out" &
    pid=$!
    for _ in $(seq 100); do grep -q serving "$tmp/out" && break; sleep 0.05; done
    port=$(sed -n 's#.*http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$tmp/out" | head -1)
    base="http://127.0.0.1:$port"
}
trap '[ -z "$pid" ] || kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
record() { [ -z "${FO_BENCH_JSON:-}" ] || printf '%s\n' "$1" >>"$FO_BENCH_JSON"; }

# One request: appends "status up down seconds" to $tmp/log; the body in $tmp/body.
req() { # method path [json]
    local args=(-s -o "$tmp/body" -w '%{http_code} %{size_upload} %{size_download} %{time_total}\n'
        -b "$tmp/jar" -c "$tmp/jar" -X "$1")
    [ $# -lt 3 ] || args+=(-H 'Content-Type: application/json' --data-binary "$3")
    curl "${args[@]}" "$base$2" >>"$tmp/log"
}

# ---- 1. a diligent student's session ---------------------------------------------------------
text_of() { # n bytes of prose
    head -c "$1" /dev/zero | tr '\0' 'x' | sed 's/x\{9\}/Students /g'
}
session() { # mode: new | full (a full GET /api/ledger after every write, as the page did)
    local mode=$1
    rm -f "$tmp/jar" "$tmp/log"
    req GET /api/ledger
    req POST /api/session '{"track":"edge-guardian"}'
    write() {
        req POST "$1" "$2"
        [ "$mode" = new ] || req GET /api/ledger
    }
    local parts=(roi canary ensemble crisis)
    for p in roi canary ensemble; do
        case $p in
        roi) write /api/ledger/predictions '{"part":"roi","value":24}' ;;
        canary) write /api/ledger/predictions '{"part":"canary","value":3000}' ;;
        ensemble) write /api/ledger/predictions '{"part":"ensemble","value":"drop"}' ;;
        esac
    done
    for i in $(seq 8); do
        write /api/ledger/evidence "{\"part\":\"roi\",\"command\":\"roi\",\"params\":{\"models\":$((4 * i))}}"
        write /api/ledger/evidence "{\"part\":\"canary\",\"command\":\"canary\",\"params\":{\"confidence\":0.9$i}}"
        write /api/ledger/evidence "{\"part\":\"ensemble\",\"command\":\"ensemble\",\"params\":{\"upstream\":\"v2\",\"retrain\":\"no\"}}"
    done
    for h in 5 50 100 120 115 112 111 113 114 116; do
        write /api/ledger/attempts "{\"part\":\"canary\",\"params\":{\"attempt_hours\":$h}}"
    done
    for p in "${parts[@]}" governance; do
        for n in $(seq 40); do # ~2 KB when done, 40 autosaves on the way
            local t
            t=$(text_of $((n * 50)))
            if [ "$p" = governance ]; then
                write /api/ledger/governance "{\"policy\":\"strict\",\"justification\":\"$t\"}"
            else
                write /api/ledger/reflections "{\"part\":\"$p\",\"text\":\"$t\"}"
            fi
        done
    done
    req GET /api/ledger # a reload
}
for mode in new full; do
    [[ $parts == *1* ]] || break
    start_server
    c0=$(cpu_ticks)
    session $mode
    c1=$(cpu_ticks)
    read -r n up down refused < <(awk '{n++; up += $2; down += $3; if ($1 >= 400) bad++}
        END {print n, up, down, bad + 0}' "$tmp/log")
    cpu_ms=$(awk -v t=$((c1 - c0)) -v hz="$hz" 'BEGIN {printf "%.0f", 1000 * t / hz}')
    db_kb=$(cat "$tmp"/ledger.db "$tmp"/ledger.db-wal 2>/dev/null | wc -c | awk '{printf "%d", $1 / 1000}')
    label=$([ $mode = new ] && echo "writes answer what changed" || echo "full ledger after each write (before)")
    printf '%-58s %4d requests (%d refused), %7.1f KB up, %8.1f KB down, server CPU %5d ms, ledger %d KB\n' \
        "ledger: a 45-minute session, $label" "$n" "$refused" "$(echo "$up / 1000" | bc -l)" \
        "$(echo "$down / 1000" | bc -l)" "$cpu_ms" "$db_kb"
    record "{\"kind\": \"ledger_session\", \"mode\": \"$mode\", \"requests\": $n, \"refused\": $refused, \"bytes_up\": $up, \"bytes_down\": $down, \"server_cpu_ms\": $cpu_ms}"
done

# ---- 2. GET /api/ledger at 10 and 1,000 entries ---------------------------------------------
if [[ $parts == *2* ]]; then
start_server --coalesce-seconds 0 --max-revisions 100000 --writes-per-minute 0
rm -f "$tmp/jar" "$tmp/log"
req POST /api/session '{"track":"cloud-titan"}'
time_get() { # label path rounds
    rm -f "$tmp/log"
    for _ in $(seq "$3"); do req GET "$2"; done
    read -r size med < <(sort -k4 -n "$tmp/log" | awk '{a[NR] = $4; s = $3} END {print s, a[int((NR + 1) / 2)]}')
    printf '%-58s %8.1f KB, median %6.2f ms\n' "ledger: GET $1" "$(echo "$size / 1000" | bc -l)" \
        "$(echo "$med * 1000" | bc -l)"
    record "{\"kind\": \"ledger_get\", \"what\": \"$1\", \"bytes\": $size, \"median_ms\": $(echo "$med * 1000" | bc -l)}"
}
add_revisions() { # count
    for i in $(seq "$1"); do
        curl -s -o /dev/null -b "$tmp/jar" -H 'Content-Type: application/json' \
            --data-binary "{\"part\":\"roi\",\"text\":\"revision $i: pairs grow as N(N-1)/2, and every pair is a dependency to check\"}" \
            "$base/api/ledger/reflections"
    done
}
add_revisions 10
time_get "/api/ledger (10 entries)" /api/ledger 200
add_revisions 990
version=$(curl -s -b "$tmp/jar" "$base/api/ledger" | sed -n 's/.*"version":\([0-9]*\).*/\1/p' | head -1)
time_get "/api/ledger (1,000 entries)" /api/ledger 200
time_get "/api/ledger?since=V (1,000 entries, 1 new)" "/api/ledger?since=$((version - 1))" 200
fi

# ---- 3. the report attack ---------------------------------------------------------------------
[[ $parts == *3* ]] || exit 0
start_server --max-evidence 300 --writes-per-minute 0
rm -f "$tmp/jar" "$tmp/log"
req POST /api/session '{"track":"cloud-titan"}'
t0=$(date +%s.%N)
for i in $(seq 300); do
    curl -s -o /dev/null -b "$tmp/jar" -H 'Content-Type: application/json' --data-binary \
        "{\"part\":\"ensemble\",\"command\":\"governance\",\"params\":{\"policy\":\"loose\",\"weeks\":156,\"release_every_weeks\":2,\"requests_per_week\":$((2000 - i))}}" \
        "$base/api/ledger/evidence"
done
t1=$(date +%s.%N)
reports=()
for k in 1 2 3 4; do
    curl -s -o "$tmp/report$k" -w '%{time_total}\n' -b "$tmp/jar" "$base/api/report?format=html" >"$tmp/rt$k" &
    reports+=($!)
done
rm -f "$tmp/probe"
for _ in $(seq 40); do curl -s -o /dev/null -w '%{time_total}\n' "$base/api/roi" >>"$tmp/probe"; done
wait "${reports[@]}"
slowest=$(cat "$tmp"/rt? | sort -n | tail -1)
worst=$(sort -n "$tmp/probe" | tail -1)
med=$(sort -n "$tmp/probe" | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
size=$(stat -c %s "$tmp/report1")
printf '%-58s captured in %.1f s; 4 reports at once: slowest %.2f s, %.1f MB each\n' \
    "ledger: report of 300 governance figures" "$(echo "$t1 - $t0" | bc -l)" "$slowest" \
    "$(echo "$size / 1000000" | bc -l)"
printf '%-58s median %.1f ms, worst %.1f ms of 40 (target < 50 ms)\n' \
    "ledger: GET /api/roi during those reports" "$(echo "$med * 1000" | bc -l)" "$(echo "$worst * 1000" | bc -l)"
record "{\"kind\": \"ledger_report_attack\", \"report_s\": $slowest, \"report_bytes\": $size, \"probe_median_ms\": $(echo "$med * 1000" | bc -l), \"probe_worst_ms\": $(echo "$worst * 1000" | bc -l)}"
