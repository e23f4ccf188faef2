/* bench.c — `make bench`'s driver: times each workload in-process (median and spread of
 * repeated runs), the machine's floor, every command x track through the command table (the
 * lab's interactions), and whole CLI processes; prints a table and writes one JSON object
 * (machine, floor, cases, interactions, processes, checks) that bench/reference/assemble.py
 * joins with the NumPy references and the server load into bench/RESULTS.md. Benchmarks only
 * measure; targets are reported beside the figures, never asserted in tests. */
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "bench_heavy.h"
#include "fleetops/command.h"
#include "fleetops/lab.h"

extern char **environ;

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double run_process(const char *const *argv) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 01 /* O_WRONLY */, 0);
    double t0 = bench_now_s();
    pid_t pid;
    if (posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ) != 0) return NAN;
    int st;
    waitpid(pid, &st, 0);
    posix_spawn_file_actions_destroy(&fa);
    return bench_now_s() - t0;
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
    st->cpu_median_s = 0;
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

static void print_row(const char *name, const char *target_text, double target_s,
                      const bench_stats *st) {
    char med[32], lo[32], hi[32];
    fmt_time(med, sizeof med, st->median_s);
    fmt_time(lo, sizeof lo, st->p10_s);
    fmt_time(hi, sizeof hi, st->p90_s);
    const char *verdict = target_s > 0 ? (st->median_s <= target_s ? "met" : "MISSED") : "";
    char cpu[32] = "";
    if (st->cpu_median_s > 0) fmt_time(cpu, sizeof cpu, st->cpu_median_s);
    printf("%-46s %10s  [%s .. %s]  cpu %-9s target %-10s %s\n", name, med, lo, hi, cpu,
           target_text, verdict);
    fflush(stdout);
}

/* A JSON string of printable ASCII (every name here is). */
static void json_str(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fputc('\\', f);
        fputc(*s >= 32 ? *s : ' ', f);
    }
    fputc('"', f);
}

static void json_stats(FILE *f, const bench_stats *st) {
    fprintf(f,
            "\"median_s\": %.9g, \"p10_s\": %.9g, \"p90_s\": %.9g, \"cpu_median_s\": %.9g, "
            "\"runs\": %d, \"calls_per_run\": %d",
            st->median_s, st->p10_s, st->p90_s, st->cpu_median_s, st->runs, st->calls_per_run);
}

/* Several rounds of the whole suite, spread over minutes, so a burst of other engineers' work
 * on the shared machine moves one round's figure, not the report: per field, the median over
 * rounds. */
#define MAX_ROUNDS 9

static double median_of(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

static bench_stats combine(const bench_stats *r, int rounds) {
    double a[MAX_ROUNDS], b[MAX_ROUNDS], c[MAX_ROUNDS], d[MAX_ROUNDS];
    for (int i = 0; i < rounds; i++)
        a[i] = r[i].median_s, b[i] = r[i].p10_s, c[i] = r[i].p90_s, d[i] = r[i].cpu_median_s;
    bench_stats out = r[0];
    out.median_s = median_of(a, rounds), out.p10_s = median_of(b, rounds);
    out.p90_s = median_of(c, rounds), out.cpu_median_s = median_of(d, rounds);
    out.runs = r[0].runs * rounds;
    return out;
}

static void json_machine(FILE *f) {
    char model[256] = "unknown", line[512];
    FILE *c = fopen("/proc/cpuinfo", "r");
    while (c && fgets(line, sizeof line, c)) {
        if (strncmp(line, "model name", 10) == 0) {
            char *v = strchr(line, ':');
            if (v) {
                v++;
                while (*v == ' ')
                    v++;
                v[strcspn(v, "\n")] = 0;
                snprintf(model, sizeof model, "%s", v);
            }
            break;
        }
    }
    if (c) fclose(c);
    double load[3] = {NAN, NAN, NAN};
    FILE *l = fopen("/proc/loadavg", "r");
    if (l) {
        if (fscanf(l, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3) load[0] = NAN;
        fclose(l);
    }
    fprintf(f, "  \"machine\": {\"cpu\": ");
    json_str(f, model);
    fprintf(f, ", \"cores\": %ld, \"loadavg_1min_at_start\": %.2f, \"compiler\": ",
            sysconf(_SC_NPROCESSORS_ONLN), load[0]);
    json_str(f, __VERSION__);
    fprintf(f, "},\n");
}

/* ---- the lab's interactions: every command x track at its defaults ----------------------- */

/* Simulations get a frame (16 ms); the rest (closed forms, exact sums) 1 ms. */
static int is_simulation(const char *cmd) {
    return strcmp(cmd, "crisis") == 0 || strcmp(cmd, "rollout") == 0 ||
           strcmp(cmd, "ensemble") == 0 || strcmp(cmd, "governance") == 0;
}

typedef struct interaction {
    const char *cmd, *track;
    int svg;
    const char *names[4], *values[4];
    size_t n;
} interaction;

static void run_interaction(void *state) {
    interaction *it = state;
    fo_buf json, svg;
    fo_buf_init(&json), fo_buf_init(&svg);
    fo_output o = {&json, it->svg ? &svg : NULL, 0};
    fo_error e;
    fo_command_run_kv(it->cmd, it->names, it->values, it->n, &o, &e);
    BENCH_KEEP(json);
    fo_buf_free(&json), fo_buf_free(&svg);
}

typedef struct interaction_case {
    interaction it;
    char name[96];
    double target;
    bench_stats round[MAX_ROUNDS];
} interaction_case;

#define MAX_INTERACTIONS 128

static void interactions(FILE *json, const char *filter, int rounds) {
    size_t ncmd, ntrack, count = 0;
    const fo_command *const *cmds = fo_commands(&ncmd);
    const fo_track *tracks = fo_lab_tracks(&ntrack);
    static interaction_case list[MAX_INTERACTIONS];
    for (size_t c = 0; c < ncmd; c++) {
        const fo_command *cmd = cmds[c];
        int has_track = fo_command_param(cmd, "track", NULL) != NULL;
        for (size_t t = 0; t < (has_track ? ntrack : 1); t++) {
            interaction it = {.cmd = cmd->name, .track = has_track ? tracks[t].id : "-"};
            if (has_track) it.names[it.n] = "track", it.values[it.n++] = tracks[t].id;
            /* Required parameters: governance's policy takes its first choice, bound a
             * canary's evidence (2 failures in 3,000 requests). */
            for (size_t k = 0; k < cmd->nparams; k++) {
                const fo_param *p = &cmd->params[k];
                if (!(p->flags & FO_P_REQUIRED) || strcmp(p->name, "track") == 0) continue;
                it.names[it.n] = p->name;
                it.values[it.n++] = p->type == FO_T_CHOICE             ? p->choices[0]
                                    : strcmp(p->name, "failures") == 0 ? "2"
                                                                       : "3000";
            }
            for (int svg = 0; svg <= (cmd->figure ? 1 : 0) && count < MAX_INTERACTIONS; svg++) {
                interaction_case *ic = &list[count];
                snprintf(ic->name, sizeof ic->name, "%s %s%s", cmd->name, it.track,
                         svg ? " (JSON + SVG)" : " (JSON)");
                if (filter && !strstr(ic->name, filter)) continue;
                ic->it = it;
                ic->it.svg = svg;
                ic->target = is_simulation(cmd->name) ? 16e-3 : 1e-3;
                count++;
            }
        }
    }
    for (int r = 0; r < rounds; r++)
        for (size_t i = 0; i < count; i++) {
            bench_case bc = {list[i].name, 0, run_interaction, 0, list[i].target, "", 0, 0, 0};
            bench_measure_state(&bc, &list[i].it, &list[i].round[r]);
        }
    int first = 1;
    if (json) fprintf(json, "  \"interactions\": [");
    printf("\nInteractions: every command x track at its defaults, through the command table\n");
    for (size_t i = 0; i < count; i++) {
        const interaction_case *ic = &list[i];
        bench_stats st = combine(ic->round, rounds);
        print_row(ic->name, ic->target > 2e-3 ? "< 16 ms" : "< 1 ms", ic->target, &st);
        if (!json) continue;
        fprintf(json,
                "%s\n    {\"command\": \"%s\", \"track\": \"%s\", \"svg\": %s, "
                "\"kind\": \"%s\", \"target_s\": %g, ",
                first ? "" : ",", ic->it.cmd, ic->it.track, ic->it.svg ? "true" : "false",
                is_simulation(ic->it.cmd) ? "simulation" : "analytic", ic->target);
        json_stats(json, &st);
        fprintf(json, "}");
        first = 0;
    }
    if (json) fprintf(json, "\n  ],\n");
}

int main(int argc, char **argv) {
    const char *bin = "build/fleetops", *out = NULL, *filter = NULL, *refdir = "build";
    int rounds = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--fleetops") == 0)
            bin = argv[i + 1];
        else if (strcmp(argv[i], "--out") == 0)
            out = argv[i + 1];
        else if (strcmp(argv[i], "--filter") == 0)
            filter = argv[i + 1];
        else if (strcmp(argv[i], "--refdir") == 0)
            refdir = argv[i + 1];
        else if (strcmp(argv[i], "--rounds") == 0)
            rounds = atoi(argv[i + 1]);
    }
    if (rounds < 1) rounds = 1;
    if (rounds > MAX_ROUNDS) rounds = MAX_ROUNDS;
    FILE *json = out ? fopen(out, "w") : NULL;
    if (json) {
        fprintf(json, "{\n  \"rounds\": %d,\n", rounds);
        json_machine(json);
    }

    /* The floor first, while nothing of ours has warmed the caches. */
    bench_floor_rates fl;
    bench_floor(&fl);
    printf("floor: %.2f ns per 64-bit number (xoshiro256** in registers), %.2f ns per "
           "fo_rng_u64 call, %.1f ns per fo_rng_normal, %.2f GB/s write+read over 64 MB\n\n",
           fl.u64_inline_s * 1e9, fl.u64_call_s * 1e9, fl.normal_s * 1e9,
           1e-9 / fl.stream_64mb_s_per_byte);
    if (json)
        fprintf(json,
                "  \"floor\": {\"u64_inline_s\": %.6g, \"u64_call_s\": %.6g, \"normal_s\": %.6g, "
                "\"stream_64mb_s_per_byte\": %.6g},\n",
                fl.u64_inline_s, fl.u64_call_s, fl.normal_s, fl.stream_64mb_s_per_byte);

    printf("%-46s %10s  %-22s  %s\n", "workload", "median", "[p10 .. p90]", "target");
    size_t n;
    const bench_case *cases = bench_cases(&n);
    if (json) fprintf(json, "  \"cases\": [");
    static bench_stats round[64][MAX_ROUNDS];
    for (int r = 0; r < rounds; r++)
        for (size_t i = 0; i < n && i < 64; i++)
            if (!filter || strstr(cases[i].name, filter)) bench_measure(&cases[i], &round[i][r]);
    int first = 1;
    for (size_t i = 0; i < n && i < 64; i++) {
        if (filter && !strstr(cases[i].name, filter)) continue;
        bench_stats st = combine(round[i], rounds);
        print_row(cases[i].name, cases[i].target_text, cases[i].target_s, &st);
        if (!json) continue;
        fprintf(json, "%s\n    {\"name\": ", first ? "" : ",");
        json_str(json, cases[i].name);
        fprintf(json, ", \"target_s\": %.9g, \"target_text\": ", cases[i].target_s);
        json_str(json, cases[i].target_text);
        fprintf(json, ", ");
        json_stats(json, &st);
        if (cases[i].id) {
            size_t bytes = bench_heavy_bytes(cases[i].id);
            fprintf(json, ", \"id\": \"%s\", \"elements\": %.17g, \"element_unit\": ", cases[i].id,
                    cases[i].elements);
            json_str(json, cases[i].element_unit);
            fprintf(json, ", \"bytes\": %zu, \"stream_s\": %.6g", bytes,
                    bytes ? bench_stream_seconds(bytes) : 0.0);
        }
        fprintf(json, "}");
        first = 0;
    }
    if (json) fprintf(json, "\n  ],\n");

    interactions(json, filter, rounds);

    printf("\n");
    const bench_process *procs = bench_processes(&n);
    if (json) fprintf(json, "  \"processes\": [");
    first = 1;
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
        print_row(procs[i].name, procs[i].target_text, procs[i].target_s, &st);
        if (!json) continue;
        fprintf(json, "%s\n    {\"name\": ", first ? "" : ",");
        json_str(json, procs[i].name);
        fprintf(json, ", \"target_s\": %.9g, ", procs[i].target_s);
        json_stats(json, &st);
        fprintf(json, "}");
        first = 0;
    }
    if (json) {
        fprintf(json, "\n  ],\n  \"checks\": ");
        bench_heavy_checks(json, refdir);
        fprintf(json, "\n}\n");
        fclose(json);
        printf("\nwrote %s\n", out);
    }
    return 0;
}
