#!/usr/bin/env bash
# lint.sh — the static analysers over src/, run by `make test` (so by CI): cppcheck,
# clang-tidy's clang-analyzer checks with the build's compile_commands.json, clang-format's
# style, and no platform libm in the core's objects. Any finding fails.
# A finding that is wrong is suppressed in .cppcheck-suppressions or with a NOLINT comment at
# the line, always with the reason beside it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
cd "$root"
out=$(cppcheck --enable=warning,performance,portability --std=c11 --quiet --inline-suppr \
    --suppressions-list=.cppcheck-suppressions --error-exitcode=1 -I include -I src src 2>&1) || {
    echo "$out"
    echo "lint: cppcheck found the above"
    exit 1
}
# Off, with reasons: DeprecatedOrUnsafeBufferHandling flags every snprintf (bounded by design);
# FloatLoopCounter flags the whole counts the binomial and Poisson tails keep in doubles (they
# reach 2^53, past long's range on wasm32; steps of 1 are exact there).
checks='-*,clang-analyzer-*,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling'
checks="$checks,-clang-analyzer-security.FloatLoopCounter"
files=$(ls src/*/*.c)
fail=0
# two at a time: the machine has two cores
out=$(printf '%s\n' $files | xargs -P 2 -n 4 clang-tidy -p "$build" --quiet -checks="$checks" \
    2>/dev/null | grep -E "warning:|error:" || true)
if [ -n "$out" ]; then
    echo "$out"
    echo "lint: clang-tidy found the above"
    fail=1
fi
# The code's one style (.clang-format): every C file as `make format` leaves it (the generated
# src/util/pow5_tables.h and pow5_compact_tables.h are the generator's).
out=$(find src include tests/unit tests/cli tests/*.[ch] tools fuzz/*.[ch] bench -name '*.[ch]' \
    ! -path src/util/pow5_tables.h ! -path src/util/pow5_compact_tables.h | xargs clang-format --dry-run -Werror 2>&1 | grep -E "error:" || true)
if [ -n "$out" ]; then
    echo "$out"
    echo "lint: the files above are not as clang-format leaves them (make format)"
    fail=1
fi
# The one libm (include/fleetops/libm.h): no core object may call glibc's transcendental
# functions, whose last bits differ from the WebAssembly build's; they go through fo_exp, ...
libm='exp|exp2|expm1|log|log1p|log2|log10|pow|sin|cos|tan|sincos|asin|acos|atan|atan2|sinh|cosh'
libm="$libm|tanh|asinh|acosh|atanh|erf|erfc|lgamma|lgamma_r|tgamma|cbrt|hypot"
core=$(find "$build/CMakeFiles/fleetops_core.dir" -name '*.o')
out=$(for o in $core; do nm -u "$o" | awk -v o="${o##*/}" '{print o ": calls " $2}'; done |
    grep -E ": calls ($libm)(@.*)?$" || true)
if [ -n "$out" ]; then
    echo "$out"
    echo "lint: the above call <math.h>'s libm; call fo_X from fleetops/libm.h (the same in both builds)"
    fail=1
fi
[ $fail -eq 0 ] && echo "lint: cppcheck and clang-tidy: 0 findings over $(echo $files | wc -w) files; no core object calls the platform's libm; clang-format clean"
exit $fail
