/* test_crisis_cloud.c — Cloud Titan's N-Models Explosion (crisis_cloud.c): the "must"
 * (discovered thresholds cut false alerts at least 10x at equal or better recall) at the
 * defaults and over 50 seeds, and properties that hold for any seed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fleetops/crisis_cloud.h"
#include "testutil.h"

/* |a - b| <= eps, with the values in the failure message (this cmocka has no double assert). */
#define assert_close(a, b, eps) assert_close_at((double)(a), (double)(b), (eps), #a, __LINE__)
static void assert_close_at(double a, double b, double eps, const char *what, int line) {
    if (!(fabs(a - b) <= eps))
        fail_msg("line %d: %s = %.17g, expected %.17g (+/- %g)", line, what, a, b, eps);
}

/* The command's defaults (cmd_crisis.c). */
static fo_cloud_params defaults(void) {
    return (fo_cloud_params){.models = 50,
                             .drifts = 20,
                             .chunk_minutes = 60,
                             .reference_hours = 168,
                             .threshold_k = 3,
                             .discovery = FO_DISCOVERY_SIGMA,
                             .cusum_k = 0.5,
                             .cusum_h = 5,
                             .static_quality_min = 0.82,
                             .static_latency_max_ms = 2500};
}

static fo_cloud_result *run(const fo_cloud_params *p, unsigned long long seed) {
    fo_cloud_result *r = malloc(sizeof *r);
    assert_non_null(r);
    fo_rng rng;
    fo_rng_seed(&rng, seed);
    assert_int_equal(fo_cloud_simulate(p, &rng, r), 0);
    return r;
}

static int must_hold(const fo_cloud_result *r) {
    const fo_cloud_method *s = &r->method[FO_CLOUD_STATIC], *d = &r->method[FO_CLOUD_DISCOVERED];
    return (double)s->false_alerts >= 10.0 * (double)d->false_alerts && d->recall >= s->recall;
}

static void must_at_defaults(void **state) {
    (void)state;
    fo_cloud_params p = defaults();
    fo_cloud_result *r = run(&p, 1);
    assert_true(must_hold(r));
    assert_true(r->false_alert_reduction >= 10.0);
    /* and the story's shape: static is mostly noise, discovered mostly signal */
    assert_true(r->method[FO_CLOUD_STATIC].precision < 0.2);
    assert_true(r->method[FO_CLOUD_DISCOVERED].precision > 0.8);
    free(r);
    /* the robust quantile form of discovery keeps the must too */
    p.discovery = FO_DISCOVERY_QUANTILE;
    r = run(&p, 1);
    assert_true(must_hold(r));
    free(r);
}

static void must_over_50_seeds(void **state) {
    (void)state;
    fo_cloud_params p = defaults();
    int held = 0;
    for (unsigned long long seed = 1; seed <= 50; seed++) {
        fo_cloud_result *r = run(&p, seed);
        held += must_hold(r);
        free(r);
    }
    assert_true(held >= 45);
}

/* Bookkeeping that must hold for any seed and parameters. */
static void accounting_properties(void **state) {
    (void)state;
    fo_cloud_params p = defaults();
    const long long chunks[3] = {15, 60, 240};
    for (int c = 0; c < 3; c++) {
        p.chunk_minutes = chunks[c];
        fo_cloud_result *r = run(&p, 100 + (unsigned long long)c);
        assert_int_equal(r->chunks, FO_CLOUD_MINUTES / chunks[c]);
        for (int m = 0; m < FO_CLOUD_METHODS; m++) {
            const fo_cloud_method *mt = &r->method[m];
            assert_int_equal(mt->alerts, mt->true_alerts + mt->false_alerts);
            assert_true(mt->detected <= (long long)r->ndrifts);
            if (mt->alerts) assert_true(mt->precision >= 0 && mt->precision <= 1);
            assert_true(mt->recall >= 0 && mt->recall <= 1);
            assert_close(mt->alerts_per_day, (double)mt->alerts / r->monitored_days, 1e-9);
            /* at most one alert per chunk and stream */
            assert_true(mt->alerts <= (r->chunks - r->reference_chunks) * 2 * p.models);
        }
        for (size_t i = 0; i < r->ndrifts; i++) {
            const fo_cloud_drift *d = &r->drifts[i];
            assert_true(d->start_minute >= r->reference_chunks * p.chunk_minutes);
            assert_true(d->end_minute <= FO_CLOUD_MINUTES && d->end_minute > d->start_minute);
            for (int m = 0; m < FO_CLOUD_METHODS; m++) {
                /* a detection comes at the end of a chunk that overlaps the drift (+ one chunk) */
                if (d->delay_minutes[m] < 0) continue;
                assert_true(d->delay_minutes[m] > 0);
                assert_true(d->start_minute + d->delay_minutes[m] <=
                            d->end_minute + 2 * p.chunk_minutes);
            }
        }
        free(r);
    }
}

/* Thresholds do not change the data (the draws do not depend on them), so raising k can only
 * remove discovered alerts and raising the static quality floor can only add static ones.
 * (CUSUM's h is not monotone in alert count: its restarts move with h.) */
static void thresholds_are_monotone(void **state) {
    (void)state;
    fo_cloud_params p = defaults();
    long long prev = -1, prev_static = -1;
    for (double k = 2.0; k <= 5.0; k += 1.0) {
        p.threshold_k = k;
        fo_cloud_result *r = run(&p, 9);
        if (prev >= 0) assert_true(r->method[FO_CLOUD_DISCOVERED].alerts <= prev);
        prev = r->method[FO_CLOUD_DISCOVERED].alerts;
        free(r);
    }
    p = defaults();
    for (double q = 0.70; q <= 0.95; q += 0.05) {
        p.static_quality_min = q;
        fo_cloud_result *r = run(&p, 9);
        if (prev_static >= 0) assert_true(r->method[FO_CLOUD_STATIC].alerts >= prev_static);
        prev_static = r->method[FO_CLOUD_STATIC].alerts;
        free(r);
    }
}

/* No drift: every alert is false, recall and delays undefined. */
static void no_drift_month(void **state) {
    (void)state;
    fo_cloud_params p = defaults();
    p.drifts = 0;
    fo_cloud_result *r = run(&p, 3);
    for (int m = 0; m < FO_CLOUD_METHODS; m++) {
        assert_int_equal(r->method[m].true_alerts, 0);
        assert_true(isnan(r->method[m].recall));
        assert_true(isnan(r->method[m].mean_detection_delay_minutes));
    }
    free(r);
}

static void deterministic_for_a_seed(void **state) {
    (void)state;
    fo_cloud_params p = defaults();
    fo_cloud_result *a = run(&p, 42), *b = run(&p, 42), *c = run(&p, 43);
    assert_memory_equal(a->method, b->method, sizeof a->method);
    assert_memory_equal(a->trace, b->trace, sizeof a->trace);
    assert_true(memcmp(a->method, c->method, sizeof a->method) != 0);
    free(a), free(b), free(c);
}

static void rejects_bad_parameters(void **state) {
    (void)state;
    fo_cloud_result *r = malloc(sizeof *r);
    fo_rng rng;
    fo_rng_seed(&rng, 1);
    fo_cloud_params p = defaults();
    p.chunk_minutes = 50; /* does not divide a day */
    assert_int_equal(fo_cloud_simulate(&p, &rng, r), -1);
    p = defaults();
    p.reference_hours = 24; /* the daily profile needs two days */
    assert_int_equal(fo_cloud_simulate(&p, &rng, r), -1);
    p = defaults();
    p.models = FO_CLOUD_MAX_MODELS + 1;
    assert_int_equal(fo_cloud_simulate(&p, &rng, r), -1);
    free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(must_at_defaults),       cmocka_unit_test(must_over_50_seeds),
        cmocka_unit_test(accounting_properties),  cmocka_unit_test(thresholds_are_monotone),
        cmocka_unit_test(no_drift_month),         cmocka_unit_test(deterministic_for_a_seed),
        cmocka_unit_test(rejects_bad_parameters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
