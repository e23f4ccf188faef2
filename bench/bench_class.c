/* bench_class.c — the teacher's side (issue 18): the class view's JSON and the gradebook's CSV
 * over a class of 500 and of 5,000 sessions, each student with three locks, three reflections,
 * three evidence entries, four Part 2 tries (the last finding the window) and a governance
 * choice with its justification; and what polling an unchanged class costs (the ETag's read). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "fleetops/store.h"

typedef struct class_state {
    fo_store *store;
    char path[64];
} class_state;

static void *open_class(int students) {
    class_state *s = calloc(1, sizeof *s);
    snprintf(s->path, sizeof s->path, "/tmp/fleetops-bench-class-XXXXXX");
    close(mkstemp(s->path));
    fo_error e;
    if (fo_store_open(s->path, &s->store, &e) != FO_OK) {
        fprintf(stderr, "bench: %s\n", e.error);
        exit(1);
    }
    const char *tracks[] = {"cloud-titan", "edge-guardian", "mobile-nomad", "tiny-pioneer"};
    const char *parts[] = {"roi", "canary", "ensemble"};
    for (int i = 0; i < students; i++) {
        char token[FO_TOKEN_MAX], who[64];
        long long id;
        snprintf(who, sizeof who, "s%05d \xC2\xB7 Student %d", i, i);
        fo_store_session_create_ex(s->store, tracks[i % 4], who, NULL, &id, token, &e);
        for (int p = 0; p < 3; p++) {
            fo_reveal r = {.off_by_factor = 1.0 + (i % 7) * 0.7, .correct = i % 3 == 0};
            snprintf(r.predicted, sizeof r.predicted, "%d", 10 + i % 90);
            snprintf(r.actual, sizeof r.actual, "%d", 27 + p);
            snprintf(r.sentence, sizeof r.sentence, "You predicted %s.", r.predicted);
            fo_store_lock(s->store, id, parts[p], &r, NULL, &e);
            fo_store_append(s->store, id, FO_ENTRY_EVIDENCE, parts[p],
                            "{\"command\":\"roi\",\"params\":{},\"result\":{}}", "0", 0, NULL, NULL,
                            &e);
            fo_store_append(s->store, id, FO_ENTRY_REFLECTION, parts[p],
                            "{\"text\":\"Pairs of heterogeneous models grow as N squared, so "
                            "the toil outgrows the platform long before the fleet does.\"}",
                            NULL, 100, NULL, NULL, &e);
        }
        for (int t = 1; t <= 4; t++)
            fo_store_append(s->store, id, FO_ENTRY_ATTEMPT, "canary",
                            t < 4 ? "{\"command\":\"canary\",\"attempt\":{\"safety_ok\":false,"
                                    "\"release_ok\":true}}"
                                  : "{\"command\":\"canary\",\"attempt\":{\"safety_ok\":true,"
                                    "\"release_ok\":true}}",
                            "0", 0, NULL, NULL, &e);
        fo_store_append(s->store, id, FO_ENTRY_GOVERNANCE, "ensemble",
                        i % 3 ? "{\"policy\":\"strict\",\"justification\":\"Contracts stop "
                                "silent skew before it ships.\"}"
                              : "{\"policy\":\"loose\",\"justification\":\"speed\"}",
                        NULL, 40, NULL, NULL, &e);
    }
    return s;
}

static void *setup_500(void) {
    return open_class(500);
}

static void *setup_5000(void) {
    return open_class(5000);
}

static void teardown(void *state) {
    class_state *s = state;
    fo_store_close(s->store);
    char f[96];
    snprintf(f, sizeof f, "%s-wal", s->path);
    unlink(f);
    snprintf(f, sizeof f, "%s-shm", s->path);
    unlink(f);
    unlink(s->path);
    free(s);
}

static void bench_view(void *state) {
    class_state *s = state;
    fo_buf b;
    fo_buf_init(&b);
    fo_error e;
    fo_class_opts o = {.stuck_minutes = 10, .identities = 1};
    fo_store_class_json_opts(s->store, &o, &b, &e);
    BENCH_KEEP(b);
    fo_buf_free(&b);
}

static void bench_csv(void *state) {
    class_state *s = state;
    fo_buf b;
    fo_buf_init(&b);
    fo_error e;
    fo_store_class_csv(s->store, &b, &e);
    BENCH_KEEP(b);
    fo_buf_free(&b);
}

static void bench_stamp(void *state) {
    class_state *s = state;
    char stamp[160];
    fo_error e;
    fo_store_class_stamp(s->store, stamp, sizeof stamp, &e);
    BENCH_KEEP(stamp);
}

const bench_case bench_class_cases[] = {
    {"class: view JSON, 500 sessions", setup_500, bench_view, teardown, 50e-3, "< 50 ms"},
    {"class: gradebook CSV, 500 sessions", setup_500, bench_csv, teardown, 50e-3, "< 50 ms"},
    {"class: view JSON, 5,000 sessions", setup_5000, bench_view, teardown, 1.0, "< 1 s"},
    {"class: gradebook CSV, 5,000 sessions", setup_5000, bench_csv, teardown, 1.0, "< 1 s"},
    {"class: unchanged view, ETag read, 5,000 sessions", setup_5000, bench_stamp, teardown, 0, ""},
};
const size_t bench_class_count = sizeof bench_class_cases / sizeof bench_class_cases[0];
