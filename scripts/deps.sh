#!/usr/bin/env bash
# Installs the Debian packages a make target needs, when they are missing.
# Usage: scripts/deps.sh GROUP...   (groups: build test bench wasm web pg)
# As root it runs apt-get; otherwise it prints the exact install line and fails,
# so `make` stops before a confusing compiler error.
set -euo pipefail

# musl-dev: its libm is the one libm of both builds (include/fleetops/libm.h). libcurl: `make build`
# also builds the tests, which speak HTTP to `fleetops serve` through it.
pkgs_build="cmake make gcc binutils musl-dev pkg-config libcmocka-dev libjansson-dev libmicrohttpd-dev libsqlite3-dev libcurl4-openssl-dev"
pkgs_test="$pkgs_build libxml2-utils cppcheck clang-tidy clang-format"
# The NumPy references (bench/reference/): Debian's NumPy run by /usr/bin/python3, OpenBLAS
# under it (the reference BLAS alone would handicap the matrix formulation), threadpoolctl to
# report which kernel it runs.
pkgs_bench="$pkgs_build wrk curl python3-numpy python3-threadpoolctl libopenblas0-pthread"
pkgs_wasm="clang lld wasi-libc libclang-rt-14-dev-wasm32 binaryen nodejs"
# The web tests: Node.js and npm (playwright-core comes from npm, see tests/web) and Debian's
# Chromium for the browser (never a browser downloaded by a test tool); poppler-utils reads back
# the report Chromium prints to PDF (pdftotext, pdftoppm: tests/web/print.test.mjs).
pkgs_web="nodejs npm chromium poppler-utils"
# The course deployment (issue 17, docs/SCALING.md): the PostgreSQL ledger (libpq-dev builds
# src/store/store_pg.c; postgresql's initdb and pg_ctl run the tests' throwaway clusters), nginx
# in front of the replicas (deploy/, tests/deploy), openssl for the tests' certificates, curl for
# the load generator. make test installs them; make build and make run never need them.
pkgs_pg="libpq-dev postgresql nginx openssl curl"

# A package counts as present when its command is: this machine's Node.js may come from another
# source than Debian (with npm bundled), and Debian's npm package would conflict with it.
provided_by() {
    case "$1" in
        nodejs) command -v node >/dev/null ;;
        npm) command -v npm >/dev/null ;;
        chromium) [ -x /usr/bin/chromium ] ;;
        *) return 1 ;;
    esac
}

want=()
for group in "$@"; do
    var="pkgs_$group"
    [ -n "${!var:-}" ] || { echo "deps.sh: unknown group '$group'" >&2; exit 2; }
    for p in ${!var}; do want+=("$p"); done
done

missing=()
for p in $(printf '%s\n' "${want[@]}" | sort -u); do
    provided_by "$p" && continue
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
