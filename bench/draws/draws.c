/* draws.c — fleetops_draws: how many 64-bit numbers each simulation takes from the project's
 * generator, for the floor in bench/RESULTS.md. Linked with --wrap around every public fo_rng_*
 * function (CMakeLists.txt): each wrapper notes the state before the call and, after it, steps
 * a copy of that state until it matches, so a call that consumes a variable count (a normal's
 * rejections, a tail draw) is counted exactly. Forked streams (Edge Guardian's second gate) go
 * through the same wrappers. sprt.c inlines the generator step on a local copy it writes back,
 * so a run's draws are also counted by stepping the caller's state from before the run to after
 * it; the larger of the two counts is every draw (each method misses only the other's share:
 * forks for the first, nothing for the second when the engine writes its copy back). A separate
 * program, so the timed benchmark never pays for the wrappers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bench_heavy.h"
#include "fleetops/rng.h"

typedef struct counter {
    unsigned long long draws;
} counter;

/* The one mutable global of the bench tools: the wrappers have no other way to reach it. */
static counter count;

uint64_t __real_fo_rng_u64(fo_rng *r);
double __real_fo_rng_uniform(fo_rng *r);
double __real_fo_rng_uniform_pos(fo_rng *r);
uint64_t __real_fo_rng_below(fo_rng *r, uint64_t n);
double __real_fo_rng_normal(fo_rng *r);
uint64_t __real_fo_rng_geometric(fo_rng *r, double p);
uint64_t __wrap_fo_rng_u64(fo_rng *r);
double __wrap_fo_rng_uniform(fo_rng *r);
double __wrap_fo_rng_uniform_pos(fo_rng *r);
uint64_t __wrap_fo_rng_below(fo_rng *r, uint64_t n);
double __wrap_fo_rng_normal(fo_rng *r);
uint64_t __wrap_fo_rng_geometric(fo_rng *r, double p);

static unsigned long long steps_between(fo_rng a, const fo_rng *b) {
    unsigned long long n = 0;
    while (memcmp(a.s, b->s, sizeof a.s) != 0 && n < 4000000000ull) {
        __real_fo_rng_u64(&a); /* the unwrapped step: stepping is not drawing */
        n++;
    }
    return n;
}

#define COUNTED(expr)                                                                              \
    do {                                                                                           \
        fo_rng before = *r;                                                                        \
        __typeof__(expr) v = expr;                                                                 \
        count.draws += steps_between(before, r);                                                   \
        return v;                                                                                  \
    } while (0)

uint64_t __wrap_fo_rng_u64(fo_rng *r) {
    count.draws++;
    return __real_fo_rng_u64(r);
}
double __wrap_fo_rng_uniform(fo_rng *r) {
    count.draws++;
    return __real_fo_rng_uniform(r);
}
double __wrap_fo_rng_uniform_pos(fo_rng *r) {
    count.draws++;
    return __real_fo_rng_uniform_pos(r);
}
uint64_t __wrap_fo_rng_below(fo_rng *r, uint64_t n) {
    COUNTED(__real_fo_rng_below(r, n));
}
double __wrap_fo_rng_normal(fo_rng *r) {
    COUNTED(__real_fo_rng_normal(r));
}
uint64_t __wrap_fo_rng_geometric(fo_rng *r, double p) {
    COUNTED(__real_fo_rng_geometric(r, p));
}

static void report(const char *id, fo_rng before, const fo_rng *after, int *first) {
    unsigned long long stepped = steps_between(before, after);
    unsigned long long draws = stepped > count.draws ? stepped : count.draws;
    printf("%s\n  \"%s\": {\"draws\": %llu, \"wrapped\": %llu, \"stepped\": %llu}",
           *first ? "" : ",", id, draws, count.draws, stepped);
    *first = 0;
    count.draws = 0;
}

int main(void) {
    int first = 1;
    fo_rng rng, before;
    printf("{");

    fo_rng_seed(&rng, 1), before = rng, count.draws = 0;
    fo_sprt_result sr;
    fo_sprt_evaluate(&bench_sprt_params, &rng, &sr);
    report("sprt_mc", before, &rng, &first);

    fo_edge_result *er = malloc(sizeof *er);
    fo_rng_seed(&rng, 1), before = rng, count.draws = 0;
    if (er) fo_edge_simulate(&bench_edge_params, &rng, er);
    report("edge_rollout", before, &rng, &first);
    free(er);

    fo_cloud_result *cr = malloc(sizeof *cr);
    fo_rng_seed(&rng, 1), before = rng, count.draws = 0;
    if (cr) fo_cloud_simulate(&bench_cloud_params, &rng, cr);
    report("cloud_streams", before, &rng, &first);
    free(cr);

    printf("\n}\n");
    return 0;
}
