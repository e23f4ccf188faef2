/* pow5_compact.h — the entries of pow5_tables.h rebuilt from every 26th one, for the WebAssembly
 * build (FO_POW5_COMPACT: 10.7 KB of tables are ~0.5 KB there). 5^i = 5^(26a) * 5^b: the
 * 125-bit entry of 5^(26a), times the exact 64-bit 5^b, shifted back to 125 bits, is the table's
 * entry minus a small error (the base entry's truncation carried through the product); the
 * error of every entry is stored beside the bases (pow5_compact_tables.h, written by
 * tools/gen_pow5_tables.c, which computes the entries with this same function, so the sum is the
 * table's entry exactly: tests/unit/test_pow5_compact.c compares all of them). The inverse
 * powers go down from the next base: 5^-i = 5^-(26a) * 5^(26a - i). */
#ifndef FLEETOPS_POW5_COMPACT_H
#define FLEETOPS_POW5_COMPACT_H
#include <stdint.h>

#define FO_POW5_COMPACT_STEP 26 /* 5^25 < 2^64 */

/* (base * 5^e5) >> shift, 0 <= e5 < 26, the result below 2^128 */
static void fo_pow5_scale(const uint64_t base[2], uint32_t e5, uint32_t shift, uint64_t out[2]) {
    uint64_t m = 1;
    while (e5--)
        m *= 5;
    unsigned __int128 b0 = (unsigned __int128)base[0] * m, b1 = (unsigned __int128)base[1] * m;
    unsigned __int128 mid = (b0 >> 64) + (uint64_t)b1;
    uint64_t top = (uint64_t)(b1 >> 64) + (uint64_t)(mid >> 64);
    unsigned __int128 low = (unsigned __int128)(uint64_t)mid << 64 | (uint64_t)b0;
    unsigned __int128 r = shift ? low >> shift | (unsigned __int128)top << (128 - shift) : low;
    out[0] = (uint64_t)r;
    out[1] = (uint64_t)(r >> 64);
}

/* ceil(log2(5^e)), 0 <= e <= 3528 (json.c's pow5bits) */
static uint32_t fo_pow5_bits(uint32_t e) {
    return ((e * 1217359u) >> 19) + 1;
}

/* the entry of 5^i (inverse: of 5^-i) before its stored error is added */
static void fo_pow5_approx(const uint64_t (*bases)[2], int inverse, uint32_t i, uint64_t out[2]) {
    if (!inverse) {
        uint32_t a = i / FO_POW5_COMPACT_STEP * FO_POW5_COMPACT_STEP;
        fo_pow5_scale(bases[a / FO_POW5_COMPACT_STEP], i - a, fo_pow5_bits(i) - fo_pow5_bits(a),
                      out);
    } else {
        uint32_t c = (i + FO_POW5_COMPACT_STEP - 1) / FO_POW5_COMPACT_STEP * FO_POW5_COMPACT_STEP;
        fo_pow5_scale(bases[c / FO_POW5_COMPACT_STEP], c - i, fo_pow5_bits(c) - fo_pow5_bits(i),
                      out);
    }
}

/* the entry: the approximation plus its error, errors[i] (2 bits, 16 to a word) + bias */
static void fo_pow5_entry(const uint64_t (*bases)[2], const uint32_t *errors, int32_t bias,
                          int inverse, uint32_t i, uint64_t out[2]) {
    fo_pow5_approx(bases, inverse, i, out);
    unsigned __int128 v = (unsigned __int128)out[1] << 64 | out[0];
    v += (unsigned __int128)(__int128)((int32_t)(errors[i / 16] >> (i % 16 * 2) & 3) + bias);
    out[0] = (uint64_t)v;
    out[1] = (uint64_t)(v >> 64);
}

#endif
