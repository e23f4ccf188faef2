#!/bin/sh
# run.sh: the web tests (API + browser) as one ctest test.
#   tests/web/run.sh FLEETOPS_BIN SCREENSHOT_DIR [test files...]
# Installs the npm dependencies with `npm ci` only when node_modules is missing or older than
# package-lock.json (under a lock, so two builds' tests never install at once), then runs
# node's built-in test runner. A missing Chromium fails the browser tests: it is never a skip.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 2 ] || { echo "usage: $0 FLEETOPS_BIN SCREENSHOT_DIR [test files...]" >&2; exit 2; }
bin=$1
shots=$2
shift 2
[ $# -gt 0 ] || set -- api.test.mjs page.test.mjs contract.test.mjs ledger.test.mjs static.test.mjs class.test.mjs legibility.test.mjs contrast.test.mjs axe.test.mjs print.test.mjs tables.test.mjs
command -v node >/dev/null || { echo "run.sh: node is missing: run scripts/deps.sh web" >&2; exit 1; }
command -v npm >/dev/null || { echo "run.sh: npm is missing: run scripts/deps.sh web" >&2; exit 1; }
cd "$here"
stamp=node_modules/.fleetops-npm-ci
(
    flock 9
    if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
        echo "run.sh: npm ci (node_modules missing or stale)"
        PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
        touch "$stamp"
    fi
) 9>"${TMPDIR:-/tmp}/fleetops-web-npm-ci.lock"
export FLEETOPS_BIN="$bin" FO_SCREENSHOTS="$shots"
exec node --test --test-concurrency=1 "$@"
