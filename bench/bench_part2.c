/* bench_part2.c — Part 2's workloads: the canary calculation with its Confidence Clock curve,
 * the SPRT's exact dynamic program and its 100,000-canary simulation, and the rollout replay
 * (targets in bench_part2.h, from issue 3). */
#include <stdlib.h>
#include <string.h>

#include "bench_heavy.h"
#include "bench_part2.h"
#include "fleetops/canary.h"
#include "fleetops/command.h"
#include "fleetops/rollout.h"
#include "fleetops/sprt.h"

void bench_canary_evaluate(void *state) {
    (void)state;
    fo_canary_params p = {.confidence = 0.95,
                          .failure_rate = 0.001,
                          .allowed_failures = 0,
                          .request_rate_per_s = 3750000,
                          .shadow_fraction = 1e-6,
                          .slice_share = 0.002,
                          .pipeline_overhead_hours = 48,
                          .release_limit_hours = 168,
                          .drift_rate_per_day = 0.0001,
                          .attempt_hours = 100};
    fo_canary_result r;
    fo_canary_evaluate(&p, &r);
    BENCH_KEEP(r);
}

void bench_canary_api_json(void *state) {
    (void)state;
    fo_buf out;
    fo_buf_init(&out);
    fo_output o = {&out, 0, 0};
    fo_error e;
    const char *names[] = {"track", "attempt_hours"}, *values[] = {"edge-guardian", "100"};
    fo_command_run_kv("canary", names, values, 2, &o, &e);
    BENCH_KEEP(out);
    fo_buf_free(&out);
}

void bench_sprt_exact(void *state) {
    (void)state;
    fo_sprt_params p = {.p0 = 0.001, .p1 = 0.002, .alpha = 0.05, .beta = 0.05};
    fo_sprt_result r;
    fo_sprt_evaluate(&p, NULL, &r);
    BENCH_KEEP(r);
}

/* A track's SPRT as the page asks for it: the command table, the hypotheses by the rule from
 * the scenario's presets, the exact figures, the three tests and the JSON (issue 14: < 1 ms). */
static void sprt_track(const char *track) {
    fo_buf out;
    fo_buf_init(&out);
    fo_output o = {&out, 0, 0};
    fo_error e;
    const char *names[] = {"track"}, *values[] = {track};
    fo_command_run_kv("sprt", names, values, 1, &o, &e);
    BENCH_KEEP(out);
    fo_buf_free(&out);
}

void bench_sprt_track_cloud(void *state) {
    (void)state;
    sprt_track("cloud-titan");
}

void bench_sprt_track_edge(void *state) {
    (void)state;
    sprt_track("edge-guardian");
}

void bench_sprt_track_mobile(void *state) {
    (void)state;
    sprt_track("mobile-nomad");
}

void bench_sprt_track_tiny(void *state) {
    (void)state;
    sprt_track("tiny-pioneer");
}

/* The slowest SPRT the page can ask for (< 16 ms, a frame): a sweep of the page's ranges by the
 * rule (failure rate 1e-6 .. 0.1 on a log grid of 21, 1 - C from 50% to 0.001% on a log grid of
 * 13, alpha 5% and 0.1%; best of 3 per point) found this point slowest (about 1.6 ms on the
 * build machine; every point converged): p1 = 0.001, p0 = 0.0005, beta = 1e-5, alpha = 0.1%. */
void bench_sprt_page_slowest(void *state) {
    (void)state;
    fo_sprt_params p = {.p0 = 0.0005, .p1 = 0.001, .alpha = 0.001, .beta = 1e-5};
    fo_sprt_result r;
    fo_sprt_evaluate(&p, NULL, &r);
    BENCH_KEEP(r);
}

/* K = 100,000 canaries under H0 and 100,000 under H1; fo_sprt_evaluate also runs the exact
 * DP (the simulation is checked against it), so this is the simulation plus the case above. */
void bench_sprt_simulate(void *state) {
    (void)state;
    fo_rng rng;
    fo_rng_seed(&rng, 1);
    fo_sprt_result r;
    fo_sprt_evaluate(&bench_sprt_params, &rng, &r);
    BENCH_KEEP(r);
}

/* The four tracks' replays through the command table (parameters, presets, JSON), one per
 * call in turn: the target holds for any track. */
typedef struct rollout_state {
    int next;
} rollout_state;

void *bench_rollout_setup(void) {
    rollout_state *s = calloc(1, sizeof *s);
    return s;
}

void bench_rollout_teardown(void *state) {
    free(state);
}

void bench_rollout_track(void *state) {
    static const char *const tracks[] = {"cloud-titan", "edge-guardian", "mobile-nomad",
                                         "tiny-pioneer"};
    rollout_state *s = state;
    fo_buf out;
    fo_buf_init(&out);
    fo_output o = {&out, 0, 0};
    fo_error e;
    const char *names[] = {"track"}, *values[] = {tracks[s->next++ % 4]};
    fo_command_run_kv("rollout", names, values, 1, &o, &e);
    BENCH_KEEP(out);
    fo_buf_free(&out);
}
