/* test_ensemble.c — the Ensemble Lockdown engine (ensemble.c on pipeline.c): what issue 4 says
 * must hold, at the defaults and over many seeds, plus the bookkeeping that ties the scenario,
 * the check and the trace together. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/pipeline.h"
#include "fleetops/ensemble.h"
#include "testutil.h"

static fo_ensemble_params defaults(void) {
    /* The command table's defaults (cmd_ensemble.c): v2 served, no retrain, severity 0.85,
     * 1,000-request splits. */
    return (fo_ensemble_params){.upstream = FO_ENS_UPSTREAM_V2,
                                .retrain = FO_ENS_RETRAIN_NO,
                                .severity = 0.85,
                                .train_size = 1000,
                                .requests = 1000,
                                .silent_failure_margin = 0.05};
}

/* One run; r is the caller's (the result is ~20 kB, kept off the stack). */
static void run(const fo_ensemble_params *p, unsigned long long seed, fo_ensemble_result *r) {
    size_t bytes = fo_ensemble_work_bytes(p);
    void *work = malloc(bytes);
    assert_non_null(work);
    fo_rng rng;
    fo_rng_seed(&rng, seed);
    assert_int_equal(fo_ensemble_run(p, &rng, work, bytes, r), 0);
    free(work);
}

static void test_silent_failure_at_defaults(void **state) {
    (void)state;
    fo_ensemble_params p = defaults();
    fo_ensemble_result *r = malloc(sizeof *r);
    run(&p, 1, r);
    /* v2 without retraining: at least 10 points below the v1 baseline, every request answered. */
    assert_true(r->baseline_accuracy - r->accuracy >= 0.10);
    assert_int_equal(r->errors_raised, 0);
    assert_int_equal(r->requests_served, 1000);
    assert_true(r->silent_failure);
    /* v2 is genuinely better: retrained on it, the classifier beats the v1 baseline. */
    assert_true(r->retrained_accuracy > r->baseline_accuracy);
    /* The scenario's accuracy is the v1 classifier on v2's view, counted from the confusion. */
    assert_true(r->accuracy == r->v2_unretrained_accuracy);
    assert_int_equal(r->tp + r->fp + r->tn + r->fn, 1000);
    assert_int_equal(r->served_version, 2);
    assert_int_equal(r->trained_version, 1);
    free(r);
}

static void test_scenarios(void **state) {
    (void)state;
    fo_ensemble_params p = defaults();
    fo_ensemble_result *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    run(&p, 1, a);
    /* v1 upstream: the baseline itself, retrained or not (retraining on v1 is the same model). */
    p.upstream = FO_ENS_UPSTREAM_V1;
    for (int rt = 0; rt < 2; rt++) {
        p.retrain = rt;
        run(&p, 1, b);
        assert_true(b->accuracy == a->baseline_accuracy);
        assert_false(b->silent_failure);
        assert_true(b->accuracy_drop == 0);
        assert_int_equal(b->served_version, 1);
        assert_int_equal(b->trained_version, 1);
        /* The v1 pipeline's own check is this scenario's check, and the same in every
         * scenario of the seed (a v2 scenario included). */
        assert_memory_equal(&b->baseline_check, &b->check, sizeof b->check);
        assert_memory_equal(&b->baseline_check, &a->baseline_check, sizeof b->check);
        assert_memory_equal(&b->baseline_view, &b->served_view, sizeof b->served_view);
        assert_memory_equal(&b->baseline_view, &a->trained_view, sizeof b->served_view);
    }
    assert_true(a->baseline_check.contract_ok && !a->check.contract_ok);
    /* v2 retrained: the retrained accuracy, a gain, no silent failure. */
    p.upstream = FO_ENS_UPSTREAM_V2, p.retrain = FO_ENS_RETRAIN_YES;
    run(&p, 1, b);
    assert_true(b->accuracy == a->retrained_accuracy);
    assert_true(b->accuracy_drop < 0 && !b->silent_failure);
    /* All three accuracies are the same in every scenario of a seed. */
    assert_true(b->baseline_accuracy == a->baseline_accuracy);
    assert_true(b->retrained_accuracy == a->retrained_accuracy);
    free(a), free(b);
}

static void test_check_flags_version_change_only(void **state) {
    (void)state;
    fo_ensemble_params p = defaults();
    fo_ensemble_result *r = malloc(sizeof *r);
    run(&p, 1, r);
    assert_false(r->check.contract_ok);
    assert_true(r->check.skew_flagged);
    assert_string_equal(r->check.verdict, "fail");
    assert_true(r->trained_view.version == 1 && r->served_view.version == 2);
    assert_true(r->trained_view.schema_hash != r->served_view.schema_hash);
    p.upstream = FO_ENS_UPSTREAM_V1;
    run(&p, 1, r);
    assert_true(r->check.contract_ok);
    assert_false(r->check.skew_flagged);
    assert_string_equal(r->check.verdict, "pass");
    for (int f = 0; f < r->check.dims; f++)
        assert_false(r->check.feature[f].flagged);
    /* v2 retrained on v2: the contract holds again and nothing is flagged. */
    p.upstream = FO_ENS_UPSTREAM_V2, p.retrain = FO_ENS_RETRAIN_YES;
    run(&p, 1, r);
    assert_true(r->check.contract_ok && !r->check.skew_flagged);
    /* Severity 0: v2 lands in v1's space, the statistics see nothing, the contract still does. */
    p.retrain = FO_ENS_RETRAIN_NO, p.severity = 0;
    run(&p, 1, r);
    assert_false(r->check.contract_ok);
    assert_false(r->check.skew_flagged);
    assert_string_equal(r->check.verdict, "fail");
    free(r);
}

static void test_same_seed_same_bytes(void **state) {
    (void)state;
    fo_ensemble_params p = defaults();
    fo_ensemble_result *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    memset(a, 0xAB, sizeof *a), memset(b, 0x11, sizeof *b);
    run(&p, 42, a);
    run(&p, 42, b);
    assert_memory_equal(a, b, sizeof *a);
    run(&p, 43, b);
    assert_true(a->accuracy != b->accuracy || a->baseline_accuracy != b->baseline_accuracy);
    free(a), free(b);
}

/* Over 100 seeds the ordering v2 no-retrain < v1 < v2 retrained holds in at least 95. */
static void test_ordering_over_seeds(void **state) {
    (void)state;
    fo_ensemble_params p = defaults();
    fo_ensemble_result *r = malloc(sizeof *r);
    int holds = 0;
    for (unsigned long long seed = 1; seed <= 100; seed++) {
        run(&p, seed, r);
        holds += r->accuracy < r->baseline_accuracy &&
                 r->baseline_accuracy < r->retrained_accuracy && r->errors_raised == 0;
    }
    assert_true(holds >= 95);
    free(r);
}

/* Accuracy falls monotonically as severity rises, up to sampling noise: on a grid of 0.1 no
 * step rises by more than 1 point (1,000 requests: one standard error is 1.3 points, and the
 * same requests are scored at every severity, so the noise between steps is much smaller), and
 * the whole range loses at least 25 points. At severity 0 v2 is a compatible upgrade: serving
 * it unretrained does not fall below the baseline. */
static void test_monotone_in_severity(void **state) {
    (void)state;
    fo_ensemble_params p = defaults();
    fo_ensemble_result *r = malloc(sizeof *r);
    for (unsigned long long seed = 1; seed <= 2; seed++) {
        double acc[11];
        for (int i = 0; i <= 10; i++) {
            p.severity = i / 10.0;
            run(&p, seed, r);
            acc[i] = r->accuracy;
            if (i) assert_true(acc[i] <= acc[i - 1] + 0.01);
        }
        assert_true(acc[0] - acc[10] >= 0.25);
        assert_true(acc[0] >= r->baseline_accuracy);
    }
    free(r);
}

/* Largest-remainder quotas of FO_ENS_TRACE rows over the four outcomes, ties to the higher
 * outcome: a second implementation of the trace's sampling plan. */
static void quotas(const long long counts[4], long long n, int q[4]) {
    double exact[4];
    int given = 0;
    for (int c = 0; c < 4; c++) {
        exact[c] = (double)FO_ENS_TRACE * (double)counts[c] / (double)n;
        q[c] = (int)floor(exact[c]);
        given += q[c];
    }
    int used[4] = {0};
    for (; given < FO_ENS_TRACE; given++) {
        int best = -1;
        for (int c = 3; c >= 0; c--)
            if (!used[c] && (best < 0 || exact[c] - q[c] > exact[best] - q[best])) best = c;
        q[best]++, used[best] = 1;
    }
}

static void test_trace(void **state) {
    (void)state;
    fo_ensemble_params p = defaults();
    fo_ensemble_result *r = malloc(sizeof *r);
    for (int scenario = 0; scenario < 3; scenario++) {
        p.upstream = scenario == 0 ? FO_ENS_UPSTREAM_V1 : FO_ENS_UPSTREAM_V2;
        p.retrain = scenario == 2 ? FO_ENS_RETRAIN_YES : FO_ENS_RETRAIN_NO;
        run(&p, 1, r);
        assert_int_equal(r->trace_len, FO_ENS_TRACE);
        assert_int_equal(r->outcomes[0] + r->outcomes[1] + r->outcomes[2] + r->outcomes[3], 1000);
        /* The outcome counts agree with the accuracies they come from. */
        assert_true((double)(r->outcomes[3] + r->outcomes[1]) / 1000 == r->accuracy);
        assert_true((double)(r->outcomes[3] + r->outcomes[2]) / 1000 == r->baseline_accuracy);
        int want[4], got[4] = {0};
        quotas(r->outcomes, 1000, want);
        for (int k = 0; k < r->trace_len; k++) {
            const fo_ens_trace *t = &r->trace[k];
            got[2 * t->baseline_correct + t->correct]++;
            if (k) assert_true(t->request > r->trace[k - 1].request);
            assert_int_equal(t->extractor_version, r->served_version);
            assert_int_equal(t->view_version, r->served_version);
            assert_int_equal(t->expects_version, r->trained_version);
            assert_string_equal(t->view_hash, r->served_view.hash_hex);
            assert_string_equal(t->expects_hash, r->trained_view.hash_hex);
            assert_int_equal(t->contract_match, r->served_version == r->trained_version);
            assert_int_equal(t->label, t->score > 0.5);
            assert_int_equal(t->correct, t->label == t->truth);
            assert_int_equal(t->baseline_correct, t->baseline_label == t->truth);
            assert_true(t->raw_rms > 0 && isfinite(t->raw_snr_db) && t->max_abs_z >= 0);
            /* The served features are what the classifier scored. */
            double z = r->bias;
            for (int f = 0; f < FO_ENS_FEATURES; f++)
                z += r->weights[f] * t->features[f];
            assert_true(fabs(1.0 / (1.0 + exp(-z)) - t->score) < 1e-12);
        }
        for (int c = 0; c < 4; c++)
            assert_int_equal(got[c], want[c]);
        if (scenario == 1) assert_true(got[2] >= 1); /* the silent failure shows in the trace */
        if (scenario == 0) assert_int_equal(got[1] + got[2], 0); /* v1 is its own baseline */
    }
    free(r);
}

/* The sampler hands the extractors the projections [S x, L N x] of each raw request without
 * projecting: check them against fo_pl_project on the raw x it builds; and check that the
 * shortcut used when no raw x is kept draws the same distribution (means and variances of the
 * 16 projections over 20,000 requests, against the model's: S x has variance 1 + 0.25 per
 * coordinate around +-1.73 u_i, L N x variance 9 + 0.25). */
static void test_projections(void **state) {
    (void)state;
    enum { N = 200, M = 20000 };
    fo_pl_world w;
    fo_rng rng;
    fo_rng_seed(&rng, 5);
    fo_pl_world_init(&w, &rng);
    static double x[N * FO_PL_RAW_DIMS], proj[M * FO_PL_PROJ];
    static unsigned char y[M];
    fo_pl_sample(&w, &rng, N, x, proj, y);
    for (int r = 0; r < N; r++) {
        double p[FO_PL_PROJ];
        fo_pl_project(&w, x + r * FO_PL_RAW_DIMS, p);
        for (int k = 0; k < FO_PL_PROJ; k++)
            assert_true(fabs(p[k] - proj[r * FO_PL_PROJ + k]) < 1e-12);
    }
    fo_pl_sample(&w, &rng, M, NULL, proj, y);
    for (int k = 0; k < FO_PL_PROJ; k++) {
        double sum = 0, sq = 0;
        for (int r = 0; r < M; r++) {
            /* Remove the class mean so both classes share one distribution. */
            double v = proj[r * FO_PL_PROJ + k];
            if (k < FO_PL_FEATURES) v -= (y[r] ? 0.5 : -0.5) * FO_PL_SEPARATION * w.class_dir[k];
            sum += v, sq += v * v;
        }
        double mean = sum / M, var = sq / M - mean * mean;
        double want = k < FO_PL_FEATURES
                          ? 1 + FO_PL_WHITE_SD * FO_PL_WHITE_SD
                          : FO_PL_NOISE_SD * FO_PL_NOISE_SD + FO_PL_WHITE_SD * FO_PL_WHITE_SD;
        assert_true(fabs(mean) < 4 * sqrt(want / M));          /* 4 standard errors */
        assert_true(fabs(var / want - 1) < 4 * sqrt(2.0 / M)); /* sd of a variance ratio */
    }
}

static void test_domain(void **state) {
    (void)state;
    fo_ensemble_params p = defaults();
    fo_ensemble_result *r = malloc(sizeof *r);
    size_t bytes = fo_ensemble_work_bytes(&p);
    void *work = malloc(bytes);
    fo_rng rng;
    fo_rng_seed(&rng, 1);
    assert_int_equal(fo_ensemble_run(&p, &rng, work, bytes - 1, r), -1); /* too little memory */
    p.train_size = FO_ENS_MIN_ROWS - 1;
    assert_int_equal(fo_ensemble_run(&p, &rng, work, bytes, r), -1);
    p = defaults(), p.severity = 1.5;
    assert_int_equal(fo_ensemble_run(&p, &rng, work, bytes, r), -1);
    p = defaults(), p.upstream = 2;
    assert_int_equal(fo_ensemble_run(&p, &rng, work, bytes, r), -1);
    free(work), free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_silent_failure_at_defaults),
        cmocka_unit_test(test_scenarios),
        cmocka_unit_test(test_check_flags_version_change_only),
        cmocka_unit_test(test_same_seed_same_bytes),
        cmocka_unit_test(test_ordering_over_seeds),
        cmocka_unit_test(test_monotone_in_severity),
        cmocka_unit_test(test_trace),
        cmocka_unit_test(test_projections),
        cmocka_unit_test(test_domain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
