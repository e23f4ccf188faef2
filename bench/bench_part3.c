/* bench_part3.c — Part 3 workloads (issue 4): a full `ensemble` evaluation, training
 * included, and a 52-week `governance` run, in-process and through the command table. The
 * scratch memory is allocated in setup, outside the timing. */
#include <stdlib.h>

#include "bench.h"
#include "bench_part3.h"
#include "fleetops/command.h"
#include "fleetops/ensemble.h"
#include "fleetops/governance.h"

typedef struct ensemble_state {
    fo_ensemble_params p;
    size_t bytes;
    void *work;
    fo_ensemble_result r;
} ensemble_state;

void *bench_ensemble_setup(void) {
    ensemble_state *s = calloc(1, sizeof *s);
    /* The command's defaults: v2 served, no retrain, severity 0.85, 1,000-request splits. */
    s->p = (fo_ensemble_params){.upstream = FO_ENS_UPSTREAM_V2,
                                .retrain = FO_ENS_RETRAIN_NO,
                                .severity = 0.85,
                                .train_size = 1000,
                                .requests = 1000,
                                .silent_failure_margin = 0.05,
                                .view_name = "denoised_audio",
                                .producer = "noise-isolation",
                                .feature_prefix = "mel"};
    s->bytes = fo_ensemble_work_bytes(&s->p);
    s->work = malloc(s->bytes);
    return s;
}

void bench_ensemble_teardown(void *state) {
    ensemble_state *s = state;
    free(s->work);
    free(s);
}

void bench_ensemble_run(void *state) {
    ensemble_state *s = state;
    fo_rng rng;
    fo_rng_seed(&rng, 1);
    fo_ensemble_run(&s->p, &rng, s->work, s->bytes, &s->r);
    BENCH_KEEP(s->r);
}

typedef struct governance_state {
    fo_governance_params p;
    size_t bytes;
    void *work;
    fo_governance_result r;
} governance_state;

void *bench_governance_setup(void) {
    governance_state *s = calloc(1, sizeof *s);
    s->p = (fo_governance_params){.policy = FO_GOV_LOOSE,
                                  .weeks = 52,
                                  .release_every_weeks = 6,
                                  .severity = 0.6,
                                  .retrain_days = 10,
                                  .contract_bump_days = 3,
                                  .detection_weeks = 2,
                                  .requests_per_week = 500,
                                  .silent_failure_margin = 0.05};
    s->bytes = fo_governance_work_bytes(&s->p);
    s->work = malloc(s->bytes);
    return s;
}

void bench_governance_teardown(void *state) {
    governance_state *s = state;
    free(s->work);
    free(s);
}

void bench_governance_run(void *state) {
    governance_state *s = state;
    fo_rng rng;
    fo_rng_seed(&rng, 1);
    fo_governance_run(&s->p, &rng, s->work, s->bytes, &s->r);
    BENCH_KEEP(s->r);
}

/* The same through the command table, JSON and the figure included: what the CLI and the
 * server pay for one slider move. */
void bench_ensemble_api(void *state) {
    (void)state;
    fo_buf json, svg;
    fo_buf_init(&json), fo_buf_init(&svg);
    fo_output o = {&json, &svg, 0};
    fo_error e;
    const char *names[] = {"track"}, *values[] = {"tiny-pioneer"};
    fo_command_run_kv("ensemble", names, values, 1, &o, &e);
    BENCH_KEEP(json);
    fo_buf_free(&json), fo_buf_free(&svg);
}

void bench_governance_api(void *state) {
    (void)state;
    fo_buf json, svg;
    fo_buf_init(&json), fo_buf_init(&svg);
    fo_output o = {&json, &svg, 0};
    fo_error e;
    const char *names[] = {"policy"}, *values[] = {"strict"};
    fo_command_run_kv("governance", names, values, 1, &o, &e);
    BENCH_KEEP(json);
    fo_buf_free(&json), fo_buf_free(&svg);
}
