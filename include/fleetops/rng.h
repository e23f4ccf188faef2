/* rng.h — the engine's one seeded generator (xoshiro256**, seeded through splitmix64).
 *
 * Every simulation takes a fo_rng* from its caller: no hidden state, so a seed fixes the
 * output bit for bit on every platform (integer arithmetic only until the final scaling). */
#ifndef FLEETOPS_RNG_H
#define FLEETOPS_RNG_H

#include <stdint.h>

typedef struct fo_rng {
    uint64_t s[4];
} fo_rng;

void fo_rng_seed(fo_rng *r, uint64_t seed);
uint64_t fo_rng_u64(fo_rng *r);
/* Uniform on [0, 1) with 53 random bits. */
double fo_rng_uniform(fo_rng *r);
/* Uniform on (0, 1): never 0, safe under log(). */
double fo_rng_uniform_pos(fo_rng *r);
/* Uniform integer in [0, n), unbiased (Lemire's method). n > 0. */
uint64_t fo_rng_below(fo_rng *r, uint64_t n);
/* Standard normal (Marsaglia's polar method; the spare value is discarded so that the
 * stream position depends only on the number of calls). */
double fo_rng_normal(fo_rng *r);
/* Number of Bernoulli(p) trials up to and including the first success, p in (0, 1]. */
uint64_t fo_rng_geometric(fo_rng *r, double p);

#endif
