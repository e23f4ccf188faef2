/* bench_ledger.c — the ledger in-process: one acknowledged write, and the instructor's class
 * view over a class of 500 students who each locked three predictions, wrote reflections and
 * chose a policy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "fleetops/store.h"

typedef struct ledger_state {
    fo_store *store;
    char path[64];
    long long session;
} ledger_state;

static void *open_class(int students) {
    ledger_state *s = calloc(1, sizeof *s);
    snprintf(s->path, sizeof s->path, "/tmp/fleetops-bench-XXXXXX");
    close(mkstemp(s->path));
    fo_error e;
    if (fo_store_open(s->path, &s->store, &e) != FO_OK) {
        fprintf(stderr, "bench: %s\n", e.error);
        exit(1);
    }
    const char *tracks[] = {"cloud-titan", "edge-guardian", "mobile-nomad", "tiny-pioneer"};
    for (int i = 0; i < students; i++) {
        char token[FO_TOKEN_MAX];
        fo_store_session_create(s->store, tracks[i % 4], &s->session, token, &e);
        const char *parts[] = {"roi", "canary", "ensemble"};
        for (int p = 0; p < 3; p++) {
            fo_reveal r = {.off_by_factor = 1.0 + (i % 7), .correct = i % 2};
            snprintf(r.predicted, sizeof r.predicted, "%d", 10 + i % 90);
            snprintf(r.actual, sizeof r.actual, "%d", 27 + p);
            snprintf(r.sentence, sizeof r.sentence, "You predicted %s.", r.predicted);
            fo_store_lock(s->store, s->session, parts[p], &r, NULL, &e);
            fo_store_append(s->store, s->session, FO_ENTRY_REFLECTION, parts[p],
                            "{\"text\":\"Pairs of heterogeneous models grow as N squared.\"}", NULL,
                            40, NULL, NULL, &e);
        }
        fo_store_append(s->store, s->session, FO_ENTRY_GOVERNANCE, "ensemble",
                        i % 3 ? "{\"policy\":\"strict\",\"justification\":\"pin\"}"
                              : "{\"policy\":\"loose\",\"justification\":\"speed\"}",
                        NULL, 5, NULL, NULL, &e);
    }
    return s;
}

static void *setup_500(void) {
    return open_class(500);
}

static void *setup_1(void) {
    return open_class(1);
}

static void teardown(void *state) {
    ledger_state *s = state;
    fo_store_close(s->store);
    char wal[80];
    snprintf(wal, sizeof wal, "%s-wal", s->path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", s->path);
    unlink(wal);
    unlink(s->path);
    free(s);
}

static void bench_class_view(void *state) {
    ledger_state *s = state;
    fo_buf b;
    fo_buf_init(&b);
    fo_error e;
    fo_store_class_json(s->store, &b, &e);
    BENCH_KEEP(b);
    fo_buf_free(&b);
}

static void bench_write(void *state) {
    ledger_state *s = state;
    fo_error e;
    fo_store_append(s->store, s->session, FO_ENTRY_REFLECTION, "roi",
                    "{\"text\":\"A revised reflection.\"}", NULL, 22, NULL, NULL, &e);
}

const bench_case bench_ledger_cases[] = {
    {"ledger: instructor class view, 500 students", setup_500, bench_class_view, teardown, 50e-3,
     "< 50 ms"},
    {"ledger: one write (transaction, WAL)", setup_1, bench_write, teardown, 2e-3, "< 2 ms"},
};
const size_t bench_ledger_count = sizeof bench_ledger_cases / sizeof bench_ledger_cases[0];
