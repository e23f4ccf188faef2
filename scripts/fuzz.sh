#!/usr/bin/env bash
# fuzz.sh — `make fuzz`: builds the libFuzzer harnesses with clang (ASan + UBSan) in
# build-fuzz/ and runs each for FUZZ_SECONDS (default 600), starting from the seed corpus in
# fuzz/corpus/<harness>/. New coverage goes to build-fuzz/corpus/<harness>/; a crash is written
# to fuzz/crashes/ — fix it, then move the input into fuzz/corpus/<harness>/ so `make test`
# replays it forever after. Usage: scripts/fuzz.sh [harness ...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${FUZZ_SECONDS:-600}
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(command http ledger)
CC=clang cmake -S "$root" -B "$root/build-fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFO_FUZZ=ON >/dev/null
cmake --build "$root/build-fuzz" -j "$(nproc)" --target $(printf 'fuzz_%s ' "${harnesses[@]}") >/dev/null
mkdir -p "$root/fuzz/crashes"
for h in "${harnesses[@]}"; do
    mkdir -p "$root/build-fuzz/corpus/$h"
    echo "fuzz: $h for ${secs}s"
    "$root/build-fuzz/fuzz_$h" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
        -max_len=4096 -artifact_prefix="$root/fuzz/crashes/$h-" -print_final_stats=1 \
        "$root/build-fuzz/corpus/$h" "$root/fuzz/corpus/$h" 2>&1 |
        grep -E "stat::|ERROR|SUMMARY|Done|crash-|timeout-|oom-" || true
done
