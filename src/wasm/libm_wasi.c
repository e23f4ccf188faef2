/* The WebAssembly build's fo_X (include/fleetops/libm.h): wasi-libc's libm is musl's, the
 * same code the native build links out of musl's libc.a, so each forwards to its namesake.
 * scripts/build_wasm.sh passes -fno-builtin-X for every X here: a call with a constant
 * argument is then never folded at compile time with the compiling machine's libm. */
#define _GNU_SOURCE /* lgamma_r */
#include "fleetops/libm.h"
#include <math.h>

#define FO_FORWARD_UNARY(f)                                                                        \
    double fo_##f(double x) {                                                                      \
        return f(x);                                                                               \
    }
FO_LIBM_UNARY(FO_FORWARD_UNARY)

double fo_pow(double x, double y) {
    return pow(x, y);
}
double fo_lgamma_r(double x, int *sign) {
    return lgamma_r(x, sign);
}
