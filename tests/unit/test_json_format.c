/* test_json_format.c — the shortest round-trip number formatter against a reference built on
 * printf and strtod: for each double, the reference is the correctly rounded %.{P-1}e for the
 * smallest P that reads back as the same double. Ours must read back as the same double, with
 * the same P and the same digits, and be written the way JavaScript writes numbers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetops/json.h"
#include "fleetops/rng.h"
#include "testutil.h"

/* Significant digits (no leading or trailing zeros) and the decimal exponent of the first. */
static void digits_of(const char *s, char *dig, int *exp10) {
    int nd = 0, point = -1, lead = 1, pos = 0, first = 0;
    const char *p = s + (*s == '-');
    for (; *p && *p != 'e'; p++) {
        if (*p == '.') {
            point = pos;
            continue;
        }
        if (lead && *p == '0') {
            pos++;
            continue;
        }
        if (lead) first = pos;
        lead = 0;
        dig[nd++] = *p;
        pos++;
    }
    while (nd > 1 && dig[nd - 1] == '0')
        nd--;
    dig[nd] = '\0';
    if (point < 0) point = pos;
    *exp10 = point - first - 1 + (*p == 'e' ? atoi(p + 1) : 0);
}

/* The mantissa string "d.ddd" of s (from %e) moved by `step` (+1 or -1) in its last digit. */
static void nudge(const char *s, int step, char *out) {
    strcpy(out, s);
    char *e = strchr(out, 'e');
    for (char *p = e - 1; p >= out; p--) {
        if (*p == '.' || *p == '-') continue;
        if (step > 0 && *p < '9') {
            (*p)++;
            return;
        }
        if (step < 0 && *p > '0') {
            (*p)--;
            return;
        }
        *p = step > 0 ? '0' : '9'; /* carry on; an overflow past the first digit stays rare */
    }
}

/* Shortest P whose correctly rounded value reads back; at a power of two the rounding interval
 * is lopsided, so a neighbour of the correctly rounded value may read back when it does not. */
static void reference(double v, char *dig, int *exp10) {
    char s[64], n[64];
    for (int p = 1; p <= 17; p++) {
        snprintf(s, sizeof s, "%.*e", p - 1, v);
        if (strtod(s, NULL) == v) break;
        nudge(s, +1, n);
        if (strtod(n, NULL) == v) {
            strcpy(s, n);
            break;
        }
        nudge(s, -1, n);
        if (strtod(n, NULL) == v) {
            strcpy(s, n);
            break;
        }
    }
    digits_of(s, dig, exp10);
}

static void check(double v) {
    fo_buf b;
    fo_buf_init(&b);
    fo_json_format_number(&b, v);
    const char *s = fo_buf_str(&b);
    if (strtod(s, NULL) != v) fail_msg("%.17g formatted as %s does not read back", v, s);
    if (v != 0) {
        char want[32], got[32];
        int we, ge;
        reference(v, want, &we);
        digits_of(s, got, &ge);
        if (strcmp(want, got) != 0 || we != ge)
            fail_msg("%.17g: got %s (digits %s e%d), want digits %s e%d", v, s, got, ge, want, we);
    }
    fo_buf_free(&b);
}

static void test_known_strings(void **state) {
    (void)state;
    struct {
        double v;
        const char *s;
    } cases[] = {
        {0.0, "0"},
        {-0.0, "0"},
        {1.0, "1"},
        {-2995.0, "-2995"},
        {0.1, "0.1"},
        {0.3, "0.3"},
        {0.1 + 0.2, "0.30000000000000004"},
        {1e21, "1e+21"},
        {1e20, "100000000000000000000"},
        {123456789012345680000.0, "123456789012345680000"},
        {0.000001, "0.000001"},
        {1e-7, "1e-7"},
        {1.5e-7, "1.5e-7"},
        {5e-324, "5e-324"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        {2.2250738585072014e-308, "2.2250738585072014e-308"},
        {368589.41141594504, "368589.41141594504"},
        {0.95, "0.95"},
        {100000, "100000"},
        {9007199254740993.0, "9007199254740992"},
    };
    fo_buf b;
    fo_buf_init(&b);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fo_buf_reset(&b);
        fo_json_format_number(&b, cases[i].v);
        if (strcmp(fo_buf_str(&b), cases[i].s) != 0)
            fail_msg("%.17g: got %s, want %s", cases[i].v, fo_buf_str(&b), cases[i].s);
    }
    fo_buf_free(&b);
}

static void test_random_bits(void **state) {
    (void)state;
    fo_rng g;
    fo_rng_seed(&g, 12345);
    for (int i = 0; i < 300000; i++) {
        uint64_t bits = fo_rng_u64(&g);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (isfinite(v)) check(v);
    }
}

/* The numbers models produce: moderate magnitudes, short decimals, integers, powers of two and
 * ten, subnormals, and neighbours of each. */
static void test_typical_and_edge_values(void **state) {
    (void)state;
    fo_rng g;
    fo_rng_seed(&g, 777);
    for (int i = 0; i < 200000; i++) {
        double u = fo_rng_uniform(&g);
        double v;
        switch (i % 6) {
        case 0:
            v = u * pow(10.0, (double)(int)(fo_rng_below(&g, 30)) - 10);
            break;
        case 1:
            v = (double)(int64_t)(fo_rng_below(&g, 2000000000)) / 1000.0;
            break;
        case 2:
            v = (double)fo_rng_below(&g, 1ull << 53);
            break;
        case 3:
            v = ldexp(1.0, (int)fo_rng_below(&g, 2098) - 1074);
            break;
        case 4:
            v = pow(10.0, (double)((int)fo_rng_below(&g, 600) - 300));
            break;
        default:
            v = u * 1e-310;
            break;
        }
        check(v);
        check(nextafter(v, INFINITY));
        if (v > 0) check(nextafter(v, 0));
        check(-v);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_strings),
        cmocka_unit_test(test_random_bits),
        cmocka_unit_test(test_typical_and_edge_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
