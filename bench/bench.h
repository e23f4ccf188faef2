/* bench.h — the benchmark registry: each bench_*.c file contributes in-process cases and
 * whole-process cases; bench_cases.c lists them. */
#ifndef FLEETOPS_BENCH_H
#define FLEETOPS_BENCH_H

#include <stddef.h>

/* The case tables are positional; the trailing heavy-workload fields stay zero elsewhere. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

typedef struct bench_stats {
    double median_s, p10_s, p90_s; /* wall clock */
    double cpu_median_s;           /* the thread's CPU time (0 for whole processes) */
    int runs, calls_per_run;
} bench_stats;

typedef struct bench_case {
    const char *name;
    void *(*setup)(void); /* may be NULL */
    void (*fn)(void *state);
    void (*teardown)(void *state);
    double target_s; /* the speed target, 0 when none */
    const char *target_text;
    /* Heavy workloads only (NULL otherwise): the id RESULTS.md and the NumPy references use
     * (bench/reference/), and the elements one call simulates, for ns per element. */
    const char *id;
    double elements;
    const char *element_unit;
} bench_case;

typedef struct bench_process {
    const char *name;
    const char *args[16]; /* after the binary, NULL-terminated */
    double target_s;
    const char *target_text;
} bench_process;

const bench_case *bench_cases(size_t *n);
/* The in-process timing of one case (median, p10, p90 of repeated batches). */
void bench_measure(const bench_case *c, bench_stats *st);
/* The same on a state the caller owns (setup and teardown are not called). */
void bench_measure_state(const bench_case *c, void *state, bench_stats *st);
double bench_now_s(void);
const bench_process *bench_processes(size_t *n);

/* Keeps the optimiser from deleting a computation whose result is unused. */
#define BENCH_KEEP(x) __asm__ volatile("" : : "g"(&(x)) : "memory")

#endif
