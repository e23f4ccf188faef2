/* test_pow5_compact.c — the WebAssembly build's power-of-5 entries (util/pow5_compact.h: every
 * 26th entry times an exact small power of 5, plus a stored 2-bit error) are the native tables'
 * (util/pow5_tables.h), all 326 of 5^i and all 342 of 5^-i, bit for bit. */
#include <stdint.h>

#include "testutil.h"
#include "util/pow5_compact.h"
#include "util/pow5_compact_tables.h"
#include "util/pow5_tables.h"

static void test_every_entry(void **state) {
    (void)state;
    for (uint32_t i = 0; i < sizeof fo_pow5 / sizeof fo_pow5[0]; i++) {
        uint64_t got[2];
        fo_pow5_entry(fo_pow5_bases, fo_pow5_errors, FO_POW5_ERROR_BIAS, 0, i, got);
        assert_int_equal(got[0], fo_pow5[i][0]);
        assert_int_equal(got[1], fo_pow5[i][1]);
    }
    for (uint32_t i = 0; i < sizeof fo_pow5_inv / sizeof fo_pow5_inv[0]; i++) {
        uint64_t got[2];
        fo_pow5_entry(fo_pow5_inv_bases, fo_pow5_inv_errors, FO_POW5_INV_ERROR_BIAS, 1, i, got);
        assert_int_equal(got[0], fo_pow5_inv[i][0]);
        assert_int_equal(got[1], fo_pow5_inv[i][1]);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_entry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
