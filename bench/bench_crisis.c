/* bench_crisis.c — issue 5's speed targets: Cloud Titan's 50 models x 30 days of per-minute
 * metrics (< 50 ms), Edge Guardian's 500,000-vehicle rollout (< 20 ms) and Mobile Nomad's
 * 10 regions x a week (< 10 ms), each a whole simulation at the command's defaults with a
 * fresh seed per call. The result structs (large) are allocated once in setup. */
#include <stdlib.h>

#include "bench.h"
#include "bench_crisis.h"
#include "fleetops/command.h"
#include "fleetops/crisis_cloud.h"
#include "fleetops/crisis_edge.h"
#include "fleetops/crisis_mobile.h"

typedef struct crisis_state {
    fo_cloud_result cloud;
    fo_edge_result edge;
    fo_mobile_result mobile;
} crisis_state;

void *bench_crisis_setup(void) {
    return malloc(sizeof(crisis_state));
}

void bench_crisis_teardown(void *state) {
    free(state);
}

void bench_crisis_cloud(void *state) {
    crisis_state *s = state;
    fo_cloud_params p = {.models = 50,
                         .drifts = 20,
                         .chunk_minutes = 60,
                         .reference_hours = 168,
                         .threshold_k = 3,
                         .discovery = FO_DISCOVERY_SIGMA,
                         .cusum_k = 0.5,
                         .cusum_h = 5,
                         .static_quality_min = 0.82,
                         .static_latency_max_ms = 2500};
    fo_rng rng;
    fo_rng_seed(&rng, 1);
    fo_cloud_simulate(&p, &rng, &s->cloud);
    BENCH_KEEP(s->cloud);
}

void bench_crisis_edge(void *state) {
    crisis_state *s = state;
    fo_edge_params p = {.fleet_size = 500000,
                        .deadline_ms = 10,
                        .oldest_share = 0.12,
                        .tail_probability = 0.003,
                        .tail_ms = 100,
                        .gate_quantile = 0.999,
                        .alpha = 0.001,
                        .shadow = 1,
                        .dwell_scale = 1,
                        .ota_mean_hours = 6};
    fo_rng rng;
    fo_rng_seed(&rng, 1);
    fo_edge_simulate(&p, &rng, &s->edge);
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
