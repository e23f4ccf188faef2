/* rng.c — xoshiro256** (Blackman & Vigna, 2018) seeded by splitmix64, written from the
 * published algorithm description. */
#include "fleetops/libm.h"
#include "fleetops/rng.h"

#include <math.h>

static uint64_t rotl(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void fo_rng_seed(fo_rng *r, uint64_t seed) {
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

uint64_t fo_rng_u64(fo_rng *r) {
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double fo_rng_uniform(fo_rng *r) {
    return (double)(fo_rng_u64(r) >> 11) * 0x1.0p-53;
}

double fo_rng_uniform_pos(fo_rng *r) {
    return ((double)(fo_rng_u64(r) >> 11) + 0.5) * 0x1.0p-53;
}

uint64_t fo_rng_below(fo_rng *r, uint64_t n) {
    /* Lemire (2019): multiply-shift with rejection of the biased low range. */
    unsigned __int128 m = (unsigned __int128)fo_rng_u64(r) * n;
    uint64_t lo = (uint64_t)m;
    if (lo < n) {
        uint64_t threshold = -n % n;
        while (lo < threshold) {
            m = (unsigned __int128)fo_rng_u64(r) * n;
            lo = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

double fo_rng_normal(fo_rng *r) {
    for (;;) {
        double u = 2.0 * fo_rng_uniform(r) - 1.0;
        double v = 2.0 * fo_rng_uniform(r) - 1.0;
        double s = u * u + v * v;
        if (s > 0.0 && s < 1.0) return u * sqrt(-2.0 * fo_log(s) / s);
    }
}

uint64_t fo_rng_geometric(fo_rng *r, double p) {
    if (p >= 1.0) return 1;
    /* Inversion: ceil(log(U) / log(1 - p)) with U in (0, 1). */
    double g = ceil(fo_log(fo_rng_uniform_pos(r)) / fo_log1p(-p));
    if (g < 1.0) g = 1.0;
    if (g > 1.8e19) g = 1.8e19;
    return (uint64_t)g;
}
