#!/usr/bin/env bash
# Installs the Debian packages a make target needs, when they are missing.
# Usage: scripts/deps.sh GROUP...   (groups: build test bench wasm)
# As root it runs apt-get; otherwise it prints the exact install line and fails,
# so `make` stops before a confusing compiler error.
set -euo pipefail

pkgs_build="cmake make gcc pkg-config libcmocka-dev libjansson-dev libmicrohttpd-dev libsqlite3-dev"
pkgs_test="$pkgs_build libxml2-utils libcurl4-openssl-dev"
pkgs_bench="$pkgs_build wrk curl"
pkgs_wasm="clang lld wasi-libc libclang-rt-14-dev-wasm32 nodejs"

want=()
for group in "$@"; do
    var="pkgs_$group"
    [ -n "${!var:-}" ] || { echo "deps.sh: unknown group '$group'" >&2; exit 2; }
    for p in ${!var}; do want+=("$p"); done
done

missing=()
for p in $(printf '%s\n' "${want[@]}" | sort -u); do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    echo "fleetops: installing missing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "fleetops: missing Debian packages. Install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
