/* bench_measure.c — the in-process timer every benchmark uses (and the floor). */
#include <stdlib.h>
#include <time.h>

#include "bench.h"

double bench_now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* CPU time of the calling thread: what the work cost, without the time other processes on a
 * shared machine took from it (reported beside the wall-clock median, never instead of it). */
static double thread_cpu_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Runs fn repeatedly: batches sized to ~2 ms, RUNS batches; per-call seconds per batch. */
void bench_measure_state(const bench_case *c, void *state, bench_stats *st) {
    c->fn(state); /* warm-up */
    int per_batch = 1;
    for (;;) {
        double t0 = bench_now_s();
        for (int i = 0; i < per_batch; i++)
            c->fn(state);
        double dt = bench_now_s() - t0;
        if (dt > 2e-3 || per_batch >= (1 << 20)) break;
        per_batch *= 2;
    }
    enum { RUNS = 21 };
    double t[RUNS], cpu[RUNS];
    for (int r = 0; r < RUNS; r++) {
        double t0 = bench_now_s(), c0 = thread_cpu_s();
        for (int i = 0; i < per_batch; i++)
            c->fn(state);
        t[r] = (bench_now_s() - t0) / per_batch;
        cpu[r] = (thread_cpu_s() - c0) / per_batch;
    }
    qsort(t, RUNS, sizeof t[0], cmp_double);
    qsort(cpu, RUNS, sizeof cpu[0], cmp_double);
    st->cpu_median_s = cpu[RUNS / 2];
    st->median_s = t[RUNS / 2];
    st->p10_s = t[RUNS / 10];
    st->p90_s = t[RUNS - 1 - RUNS / 10];
    st->runs = RUNS;
    st->calls_per_run = per_batch;
}

void bench_measure(const bench_case *c, bench_stats *st) {
    void *state = c->setup ? c->setup() : NULL;
    bench_measure_state(c, state, st);
    if (c->teardown) c->teardown(state);
}
