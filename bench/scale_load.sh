#!/usr/bin/env bash
# scale_load.sh — the figures of docs/SCALING.md (issue 17): whole students (build/fleetops_loadgen,
# tools/loadgen.c) played for SECONDS against
#   1. one replica on SQLite,
#   2. one replica on PostgreSQL,
#   3. two replicas on PostgreSQL behind nginx over HTTPS (deploy/nginx.conf.in),
# every part started here on 127.0.0.1 (a throwaway PostgreSQL cluster with Debian's initdb and
# pg_ctl, as the postgres user when run as root; nginx with a certificate made by openssl).
# Reports per setup: students served, requests/s, p50/p99 per route, database writes/s, and the
# CPU the servers used (replicas + PostgreSQL + nginx, from /proc) per student and per
# student-hour. Not part of make bench or make test: run it by hand, once, on a quiet machine.
# Usage: bench/scale_load.sh BUILD_DIR [SECONDS] [CLIENTS]   (JSON lines to BUILD_DIR/scale.jsonl)
set -euo pipefail
build=$(cd "$1" && pwd)
secs=${2:-20}
clients=${3:-8}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/fleetops
gen=$build/fleetops_loadgen
out=$build/scale.jsonl
tmp=$(mktemp -d /tmp/fleetops-scale-XXXXXX)
chmod 755 "$tmp"
pids=()
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    [ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
    [ -d "$tmp/pg/data" ] && as_pg "$pgbin/pg_ctl" -D "$tmp/pg/data" -m fast -w stop >/dev/null 2>&1 || true
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
hz=$(getconf CLK_TCK)
# CPU ticks of a process and all its descendants (PostgreSQL's backends, nginx's workers).
tree_ticks() {
    local total=0 p
    for p in $(ps -o pid= --ppid "$1") "$1"; do
        [ -r "/proc/$p/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
    done
    echo $total
}
serve() { # port db extra...
    local port=$1 db=$2
    shift 2
    "$bin" serve --port "$port" --threads 2 --db "$db" --create yes --sessions-per-minute 0 \
        --writes-per-minute 0 "$@" >"$tmp/serve-$port.out" 2>&1 &
    pids+=($!)
    for _ in $(seq 200); do grep -q serving "$tmp/serve-$port.out" && break; sleep 0.05; done
    grep -q serving "$tmp/serve-$port.out" || { cat "$tmp/serve-$port.out"; exit 1; }
}

# PostgreSQL: a throwaway cluster with its defaults (fsync on), on a loopback port.
mkdir -p "$tmp/pg"
[ "$(id -u)" -ne 0 ] || chown postgres "$tmp/pg"
as_pg "$pgbin/initdb" -D "$tmp/pg/data" -A trust -U postgres -E UTF8 --locale=C >/dev/null
pgport=$(free_port)
as_pg "$pgbin/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/log" -w -o "-p $pgport -c listen_addresses=127.0.0.1 -c unix_socket_directories=$tmp/pg -c max_connections=200" start >/dev/null
pgpid=$(head -1 "$tmp/pg/data/postmaster.pid")
psql_() { psql -q -h 127.0.0.1 -p "$pgport" -U postgres "$@"; }

measure() { # name base ca "replica pids" pg_pid nginx_pid database (empty: none)
    local name=$1 base=$2 ca=$3 reps=$4 pg=$5 ngx=$6 db=${7:-}
    ticks() { local t=0 p; for p in $1; do t=$((t + $(tree_ticks "$p"))); done; echo $t; }
    local r0 p0 n0 r1 p1 n1
    r0=$(ticks "$reps") p0=$(ticks "$pg") n0=$(ticks "$ngx")
    local args=(--base "$base" --clients "$clients" --seconds "$secs")
    [ -z "$ca" ] || args+=(--ca "$ca")
    local json
    json=$("$gen" "${args[@]}")
    r1=$(ticks "$reps") p1=$(ticks "$pg") n1=$(ticks "$ngx")
    local size
    if [ -z "$db" ]; then
        size=$(($(stat -c %s "$tmp/ledger.db") + $(stat -c %s "$tmp/ledger.db-wal" 2>/dev/null || echo 0)))
    else
        size=$(psql_ -At -c "SELECT pg_database_size('$db')" postgres)
    fi
    python3 - "$name" "$json" "$hz" "$((r1 - r0))" "$((p1 - p0))" "$((n1 - n0))" "$size" <<'EOF' | tee -a "$out"
import json, sys
name, j, hz = sys.argv[1], json.loads(sys.argv[2]), float(sys.argv[3])
rep, pg, ngx, size = (float(x) for x in sys.argv[4:8])
cpu = (rep + pg + ngx) / hz
j["setup"] = name
j["cpu_s"] = {"replicas": round(rep / hz, 2), "postgresql": round(pg / hz, 2),
              "nginx": round(ngx / hz, 2), "total": round(cpu, 2)}
n = max(j["students"], 1)
j["cpu_s_per_student"] = round(cpu / n, 3)
# a student's lab is 45 minutes: an hour of students is 60/45 of them
j["cpu_s_per_student_hour"] = round(cpu / n * 60 / 45, 3)
j["requests_per_cpu_s"] = round(j["requests"] / cpu, 1) if cpu else None
j["ledger_bytes"] = int(size)
j["ledger_bytes_per_student"] = int(size / n)
print(json.dumps(j))
EOF
}

: >"$out"
echo "scale_load: $clients clients for $secs s per setup, $(nproc) cores, $(date -u +%FT%TZ)" >&2

# 1. one replica on SQLite
p1=$(free_port)
serve "$p1" "$tmp/ledger.db"
measure "one replica, SQLite" "http://127.0.0.1:$p1" "" "${pids[-1]}" "" ""
kill "${pids[-1]}"

# 2. one replica on PostgreSQL
psql_ -c "CREATE DATABASE one" postgres
p2=$(free_port)
serve "$p2" "postgresql://postgres@127.0.0.1:$pgport/one"
measure "one replica, PostgreSQL" "http://127.0.0.1:$p2" "" "${pids[-1]}" "$pgpid" "" one
kill "${pids[-1]}"

# 3. two replicas behind nginx (HTTPS), on PostgreSQL
psql_ -c "CREATE DATABASE two" postgres
p3=$(free_port)
p4=$(free_port)
serve "$p3" "postgresql://postgres@127.0.0.1:$pgport/two"
r1=${pids[-1]}
serve "$p4" "postgresql://postgres@127.0.0.1:$pgport/two"
r2=${pids[-1]}
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 2 \
    -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
mkdir -p "$tmp/dist"
cp "$root"/dist/* "$tmp/dist/" 2>/dev/null || echo '<!doctype html><title>fleetops</title>' >"$tmp/dist/index.html"
https=$(free_port)
FLEETOPS_SSL_CERTIFICATE=$tmp/cert.pem FLEETOPS_SSL_CERTIFICATE_KEY=$tmp/key.pem \
    FLEETOPS_REPLICAS="127.0.0.1:$p3 127.0.0.1:$p4" FLEETOPS_DIST=$tmp/dist \
    FLEETOPS_HTTPS_LISTEN=127.0.0.1:$https FLEETOPS_HTTP_LISTEN=127.0.0.1:$(free_port) \
    FLEETOPS_NGINX_USER=$([ "$(id -u)" -eq 0 ] && echo root || echo nobody) \
    FLEETOPS_RUN_DIR=$tmp FLEETOPS_LOG_DIR=$tmp FLEETOPS_SESSIONS_PER_MINUTE=1000000 \
    FLEETOPS_WRITES_PER_MINUTE=1000000 FLEETOPS_CONNECTIONS_PER_ADDRESS=1024 \
    "$root/deploy/render.sh" >"$tmp/nginx.conf"
nginx -c "$tmp/nginx.conf" -p "$tmp" -e "$tmp/error.log"
for _ in $(seq 100); do [ -s "$tmp/nginx.pid" ] && break; sleep 0.05; done
measure "two replicas behind nginx (HTTPS), PostgreSQL" "https://127.0.0.1:$https" "$tmp/cert.pem" \
    "$r1 $r2" "$pgpid" "$(cat "$tmp/nginx.pid")" two
