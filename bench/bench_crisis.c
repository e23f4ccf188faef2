/* bench_crisis.c — issue 5's speed targets: Cloud Titan's 50 models x 30 days of per-minute
 * metrics (< 50 ms), Edge Guardian's 500,000-vehicle rollout (< 20 ms), Mobile Nomad's
 * 10 regions x a week (< 10 ms) and Tiny Pioneer's Dependency Domino (< 10 ms: one run of Part
 * 3's pipeline, two trainings, both columns), each a whole simulation at the command's defaults.
 * The result structs (large) and the pipeline's scratch memory are allocated once in setup. */
#include <stdlib.h>

#include "bench.h"
#include "bench_crisis.h"
#include "bench_heavy.h"
#include "fleetops/command.h"
#include "fleetops/crisis_cloud.h"
#include "fleetops/crisis_edge.h"
#include "fleetops/crisis_mobile.h"
#include "fleetops/crisis_tiny.h"

typedef struct crisis_state {
    fo_cloud_result cloud;
    fo_edge_result edge;
    fo_mobile_result mobile;
    fo_tiny_result tiny;
    void *tiny_work;
    size_t tiny_bytes;
} crisis_state;

/* Tiny Pioneer's defaults and presets (cmd_crisis.c). */
static const fo_tiny_params tiny_defaults = {.severity = 0.85,
                                             .retrain = FO_ENS_RETRAIN_NO,
                                             .requests = 1000,
                                             .silent_failure_margin = 0.05};

void *bench_crisis_setup(void) {
    crisis_state *s = malloc(sizeof *s);
    if (!s) return NULL;
    s->tiny_bytes = fo_tiny_work_bytes(&tiny_defaults);
    s->tiny_work = malloc(s->tiny_bytes);
    return s;
}

void bench_crisis_teardown(void *state) {
    crisis_state *s = state;
    if (s) free(s->tiny_work);
    free(s);
}

/* The parameters are bench_heavy.c's, shared with the NumPy references. */
void bench_crisis_cloud(void *state) {
    crisis_state *s = state;
    fo_rng rng;
    fo_rng_seed(&rng, 1);
    fo_cloud_simulate(&bench_cloud_params, &rng, &s->cloud);
    BENCH_KEEP(s->cloud);
}

void bench_crisis_edge(void *state) {
    crisis_state *s = state;
    fo_rng rng;
    fo_rng_seed(&rng, 1);
    fo_edge_simulate(&bench_edge_params, &rng, &s->edge);
    BENCH_KEEP(s->edge);
}

void bench_crisis_mobile(void *state) {
    crisis_state *s = state;
    fo_mobile_params p = {.correction = 0,
                          .alpha = 0.05,
                          .min_drop_fps = 2,
                          .sessions_per_hour = 20000,
                          .monitor_hours = 168,
                          .reference_hours = 24};
    fo_rng rng;
    fo_rng_seed(&rng, 1);
    fo_mobile_simulate(&p, &rng, &s->mobile);
    BENCH_KEEP(s->mobile);
}

void bench_crisis_tiny(void *state) {
    crisis_state *s = state;
    fo_rng rng;
    fo_rng_seed(&rng, 1);
    fo_tiny_simulate(&tiny_defaults, &rng, s->tiny_work, s->tiny_bytes, &s->tiny);
    BENCH_KEEP(s->tiny);
}

/* Through the command table with JSON, what the CLI and the server pay. */
void bench_crisis_cloud_api(void *state) {
    (void)state;
    fo_buf out;
    fo_buf_init(&out);
    fo_output o = {&out, 0, 0};
    fo_error e;
    const char *names[] = {"track"}, *values[] = {"cloud-titan"};
    fo_command_run_kv("crisis", names, values, 1, &o, &e);
    BENCH_KEEP(out);
    fo_buf_free(&out);
}

void bench_crisis_tiny_api(void *state) {
    (void)state;
    fo_buf out, svg;
    fo_buf_init(&out), fo_buf_init(&svg);
    fo_output o = {&out, &svg, 0};
    fo_error e;
    const char *names[] = {"track"}, *values[] = {"tiny-pioneer"};
    fo_command_run_kv("crisis", names, values, 1, &o, &e);
    BENCH_KEEP(out);
    fo_buf_free(&out), fo_buf_free(&svg);
}
