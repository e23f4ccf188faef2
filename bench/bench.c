/* bench.c — `make bench`: times each workload in-process (median and spread of repeated
 * runs) and whole CLI processes, prints a table and writes JSON. Benchmarks only measure;
 * targets are reported beside the figures, never asserted in tests. */
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "bench.h"

extern char **environ;

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Runs fn repeatedly: batches sized to ~2 ms, `runs` batches; per-call seconds per batch. */
static void measure(const bench_case *c, bench_stats *st) {
    void *state = c->setup ? c->setup() : NULL;
    c->fn(state); /* warm-up */
    int per_batch = 1;
    for (;;) {
        double t0 = now_s();
        for (int i = 0; i < per_batch; i++)
            c->fn(state);
        double dt = now_s() - t0;
        if (dt > 2e-3 || per_batch >= (1 << 20)) break;
        per_batch *= 2;
    }
    enum { RUNS = 21 };
    double t[RUNS];
    for (int r = 0; r < RUNS; r++) {
        double t0 = now_s();
        for (int i = 0; i < per_batch; i++)
            c->fn(state);
        t[r] = (now_s() - t0) / per_batch;
    }
    qsort(t, RUNS, sizeof t[0], cmp_double);
    st->median_s = t[RUNS / 2];
    st->p10_s = t[RUNS / 10];
    st->p90_s = t[RUNS - 1 - RUNS / 10];
    st->runs = RUNS;
    st->calls_per_run = per_batch;
    if (c->teardown) c->teardown(state);
}

static double run_process(const char *const *argv) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 01 /* O_WRONLY */, 0);
    double t0 = now_s();
    pid_t pid;
    if (posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ) != 0) return NAN;
    int st;
    waitpid(pid, &st, 0);
    posix_spawn_file_actions_destroy(&fa);
    return now_s() - t0;
}

static void measure_process(const char *const *argv, bench_stats *st) {
    enum { RUNS = 41 };
    double t[RUNS];
    run_process(argv);
    for (int r = 0; r < RUNS; r++)
        t[r] = run_process(argv);
    qsort(t, RUNS, sizeof t[0], cmp_double);
    st->median_s = t[RUNS / 2];
    st->p10_s = t[RUNS / 10];
    st->p90_s = t[RUNS - 1 - RUNS / 10];
    st->runs = RUNS;
    st->calls_per_run = 1;
}

static void fmt_time(char *out, size_t n, double s) {
    if (s < 1e-6)
        snprintf(out, n, "%.0f ns", s * 1e9);
    else if (s < 1e-3)
        snprintf(out, n, "%.1f us", s * 1e6);
    else
        snprintf(out, n, "%.2f ms", s * 1e3);
}

static void report(FILE *json, int *first, const char *name, const char *target_text,
                   double target_s, const bench_stats *st) {
    char med[32], lo[32], hi[32];
    fmt_time(med, sizeof med, st->median_s);
    fmt_time(lo, sizeof lo, st->p10_s);
    fmt_time(hi, sizeof hi, st->p90_s);
    const char *verdict = target_s > 0 ? (st->median_s <= target_s ? "met" : "MISSED") : "";
    printf("%-44s %12s  [%s .. %s]  target %-10s %s\n", name, med, lo, hi, target_text, verdict);
    if (json) {
        fprintf(json,
                "%s\n  {\"name\": \"%s\", \"median_s\": %.9g, \"p10_s\": %.9g, \"p90_s\": %.9g, "
                "\"runs\": %d, \"target_s\": %.9g, \"met\": %s}",
                *first ? "" : ",", name, st->median_s, st->p10_s, st->p90_s, st->runs, target_s,
                st->median_s <= target_s ? "true" : "false");
        *first = 0;
    }
}

int main(int argc, char **argv) {
    const char *bin = "build/fleetops", *out = NULL, *filter = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--fleetops") == 0)
            bin = argv[i + 1];
        else if (strcmp(argv[i], "--out") == 0)
            out = argv[i + 1];
        else if (strcmp(argv[i], "--filter") == 0)
            filter = argv[i + 1];
    }
    FILE *json = out ? fopen(out, "w") : NULL;
    if (json) fprintf(json, "[");
    int first = 1;
    printf("%-44s %12s  %-22s  %s\n", "workload", "median", "[p10 .. p90]", "target");
    size_t n;
    const bench_case *cases = bench_cases(&n);
    for (size_t i = 0; i < n; i++) {
        if (filter && !strstr(cases[i].name, filter)) continue;
        bench_stats st;
        measure(&cases[i], &st);
        report(json, &first, cases[i].name, cases[i].target_text, cases[i].target_s, &st);
    }
    const bench_process *procs = bench_processes(&n);
    for (size_t i = 0; i < n; i++) {
        if (filter && !strstr(procs[i].name, filter)) continue;
        const char *pargv[32];
        size_t k = 0;
        pargv[k++] = bin;
        for (; procs[i].args[k - 1] && k < 31; k++)
            pargv[k] = procs[i].args[k - 1];
        pargv[k] = NULL;
        bench_stats st;
        measure_process(pargv, &st);
        report(json, &first, procs[i].name, procs[i].target_text, procs[i].target_s, &st);
    }
    if (json) {
        fprintf(json, "\n]\n");
        fclose(json);
        printf("\nwrote %s\n", out);
    }
    return 0;
}
