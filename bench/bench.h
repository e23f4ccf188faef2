/* bench.h — the benchmark registry: each bench_*.c file contributes in-process cases and
 * whole-process cases; bench_cases.c lists them. */
#ifndef FLEETOPS_BENCH_H
#define FLEETOPS_BENCH_H

#include <stddef.h>

typedef struct bench_stats {
    double median_s, p10_s, p90_s;
    int runs, calls_per_run;
} bench_stats;

typedef struct bench_case {
    const char *name;
    void *(*setup)(void); /* may be NULL */
    void (*fn)(void *state);
    void (*teardown)(void *state);
    double target_s; /* the speed target, 0 when none */
    const char *target_text;
} bench_case;

typedef struct bench_process {
    const char *name;
    const char *args[16]; /* after the binary, NULL-terminated */
    double target_s;
    const char *target_text;
} bench_process;

const bench_case *bench_cases(size_t *n);
const bench_process *bench_processes(size_t *n);

/* Keeps the optimiser from deleting a computation whose result is unused. */
#define BENCH_KEEP(x) __asm__ volatile("" : : "g"(&(x)) : "memory")

#endif
