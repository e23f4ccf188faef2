/* libm.h — the transcendental functions every model, figure and JSON number goes through.
 *
 * Why a header of its own: the lab promises the same bytes from the native CLI/server and from
 * fleetops.wasm in the browser. IEEE 754 fixes +, -, *, /, sqrt and rounding to integers, but not
 * exp, log, sin, ...: glibc picks FMA-based variants on CPUs that have FMA, and its results differ
 * in the last bit from wasi-libc's. A last bit in a Newton step or a running sum reaches the JSON.
 * So both builds use ONE implementation, musl's libm (a Debian package, musl-dev):
 *   - native: cmake/musl_libm.cmake links the named functions out of musl's static libc.a into
 *     one object, renames each X to fo_X and hides everything else (no clash with glibc);
 *   - wasm32-wasi: wasi-libc's libm IS musl's (src/wasm/libm_wasi.c forwards fo_X to X, built
 *     with -fno-builtin-X so the compiler never folds a call with the host's libm).
 * tests/unit/test_libm.c pins values; tests/wasm/parity.mjs checks the bytes across builds.
 * Everything IEEE fixes exactly (sqrt, floor, ceil, round, fabs, fmin, fmax) stays with <math.h>.
 *
 * FO_LIBM_UNARY and FO_LIBM_OTHER list the names: cmake/musl_libm.cmake reads them from here. */
#ifndef FLEETOPS_LIBM_H
#define FLEETOPS_LIBM_H

#define FO_LIBM_UNARY(X) X(exp) X(expm1) X(log) X(log1p) X(log2) X(log10) X(sin) X(cos) X(erfc)
#define FO_LIBM_OTHER(X) X(pow) X(lgamma_r)

#define FO_LIBM_DECLARE_UNARY(f) double fo_##f(double x);
FO_LIBM_UNARY(FO_LIBM_DECLARE_UNARY)
#undef FO_LIBM_DECLARE_UNARY

double fo_pow(double x, double y);
/* ln|Gamma(x)|; *sign gets Gamma's sign (the reentrant form: lgamma writes a global). */
double fo_lgamma_r(double x, int *sign);

#endif
