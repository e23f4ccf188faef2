/* test_buf_fixed.c — fo_buf_fixed1 (the figures' coordinates without printf) against printf's
 * own "%.1f", byte for byte: exact ties (x.x5 that are binary fractions) rounding to even,
 * near-ties that are not exact, signs and negative zero, the range figures use and beyond
 * (where it falls back to printf), and 650,000 random values. Also fo_buf_indented, the
 * readable output's indented blocks (the Math Peek). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fleetops/buf.h"
#include "fleetops/rng.h"
#include "testutil.h"

static void check(double v) {
    char want[400]; /* %.1f of 1e308 has 309 digits */
    snprintf(want, sizeof want, "%.1f", v);
    fo_buf b;
    fo_buf_init(&b);
    fo_buf_fixed1(&b, v);
    if (strcmp(fo_buf_str(&b), want) != 0)
        fail_msg("%.17g: fo_buf_fixed1 wrote \"%s\", printf \"%s\"", v, fo_buf_str(&b), want);
    fo_buf_free(&b);
}

static void test_known_values(void **state) {
    (void)state;
    /* 0.25, 0.75, 2.25 ... are exact: ties, to even (0.2, 0.8, 2.2); 0.35 is not exact
     * (0.34999999999999997): down; 0.45 is 0.45000000000000001: up. */
    const double v[] = {
        0,        -0.0,      0.05,  0.15,   0.25,    0.35,     0.45,   0.75,    2.25,
        -0.25,    -0.04,     -0.05, 999.95, 1234.25, -1234.75, 0.96,   9.95,    99.95,
        1e14,     -1e14,     5e14,  1e15,   1e300,   -1e300,   1e-300, -1e-300, 4503599627370495.5,
        INFINITY, -INFINITY, NAN};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        check(v[i]);
    /* every exact tie k/20 over the figures' range */
    for (int k = -40000; k <= 40000; k++)
        check(k / 20.0);
}

static void test_random_values(void **state) {
    (void)state;
    fo_rng r;
    fo_rng_seed(&r, 7);
    for (int i = 0; i < 300000; i++) {
        double u = fo_rng_uniform(&r), scale = pow(10.0, (double)(i % 18) - 3.0);
        double v = (u - 0.5) * 2 * scale;
        check(v);
        check(nextafter(v, INFINITY));
    }
    for (int i = 0; i < 50000; i++) { /* arbitrary bit patterns */
        union {
            unsigned long long u;
            double d;
        } x = {fo_rng_u64(&r)};
        check(x.d);
    }
}

static void indented_is(const char *text, int spaces, const char *want) {
    fo_buf b;
    fo_buf_init(&b);
    fo_buf_puts(&b, "|");
    fo_buf_indented(&b, text, spaces);
    assert_string_equal(fo_buf_str(&b), want);
    fo_buf_free(&b);
}

static void test_indented(void **state) {
    (void)state;
    indented_is("a\nbc", 2, "|  a\n  bc\n");
    indented_is("a\n", 2, "|  a\n  \n"); /* a final newline: an empty, indented last line */
    indented_is("", 2, "|  \n");
    indented_is("x\n\ny", 0, "|x\n\ny\n");
    indented_is("x", 4, "|    x\n");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_values),
        cmocka_unit_test(test_random_values),
        cmocka_unit_test(test_indented),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
