/* test_crisis_tiny.c — Tiny Pioneer's Dependency Domino (crisis_tiny.c): the "musts"
 * (unpinned: a silent failure, accuracy down and skew flagged with no error; pinned: the
 * contract check blocks the deploy and accuracy stays at the baseline) at the defaults and over
 * 50 seeds; each column checked against a second method (fo_ensemble_run in the scenario the
 * column stands for); the retrain-first path; severity 0; the domain. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fleetops/crisis_tiny.h"
#include "testutil.h"

static fo_tiny_params defaults(void) {
    /* The command table's defaults and Tiny Pioneer's presets (cmd_crisis.c). */
    return (fo_tiny_params){.severity = 0.85,
                            .retrain = FO_ENS_RETRAIN_NO,
                            .requests = 1000,
                            .silent_failure_margin = 0.05};
}

static void run(const fo_tiny_params *p, unsigned long long seed, fo_tiny_result *r) {
    size_t bytes = fo_tiny_work_bytes(p);
    void *work = malloc(bytes);
    assert_non_null(work);
    fo_rng rng;
    fo_rng_seed(&rng, seed);
    assert_int_equal(fo_tiny_simulate(p, &rng, work, bytes, r), 0);
    free(work);
}

/* The same seed through fo_ensemble_run directly, with Tiny Pioneer's names. */
static void run_ensemble(const fo_tiny_params *p, int upstream, int retrain,
                         unsigned long long seed, fo_ensemble_result *r) {
    fo_ensemble_params e = {.upstream = upstream,
                            .retrain = retrain,
                            .severity = p->severity,
                            .train_size = FO_TINY_TRAIN_ROWS,
                            .requests = p->requests,
                            .silent_failure_margin = p->silent_failure_margin,
                            .view_name = FO_TINY_VIEW,
                            .producer = FO_TINY_PRODUCER,
                            .feature_prefix = FO_TINY_PREFIX};
    size_t bytes = fo_ensemble_work_bytes(&e);
    void *work = malloc(bytes);
    assert_non_null(work);
    fo_rng rng;
    fo_rng_seed(&rng, seed);
    assert_int_equal(fo_ensemble_run(&e, &rng, work, bytes, r), 0);
    free(work);
}

/* The must: unpinned fails silently (accuracy down by more than the margin, skew
 * flagged, no error, nothing blocked); pinned blocks the deploy and keeps the baseline. */
static int must_hold(const fo_tiny_result *r) {
    const fo_tiny_column *u = &r->unpinned, *p = &r->pinned;
    return u->silent_failure && u->accuracy_drop > 0.05 && u->skew.skew_flagged &&
           u->errors_raised == 0 && !u->deploy_blocked && p->deploy_blocked &&
           p->accuracy == r->run.baseline_accuracy && !p->silent_failure && p->errors_raised == 0;
}

static void must_at_defaults(void **state) {
    (void)state;
    fo_tiny_params p = defaults();
    fo_tiny_result *r = malloc(sizeof *r);
    run(&p, 1, r);
    assert_true(must_hold(r));
    const fo_tiny_column *u = &r->unpinned, *k = &r->pinned;
    /* Unpinned: v2 served to the detector trained on v1, at least 10 points down. */
    assert_int_equal(u->served_version, 2);
    assert_int_equal(u->trained_version, 1);
    assert_true(strcmp(u->served_hash, u->trained_hash) != 0);
    assert_true(u->accuracy_drop >= 0.10);
    assert_false(u->contract_checked);
    /* Pinned: the check failed on the contract; the detector still reads @v1, whose served
     * statistics match its training statistics (no skew at 1,000 requests). */
    assert_true(k->contract_checked);
    assert_string_equal(r->run.check.verdict, "fail");
    assert_false(r->run.check.contract_ok);
    assert_int_equal(k->served_version, 1);
    assert_int_equal(k->trained_version, 1);
    assert_string_equal(k->served_hash, k->trained_hash);
    assert_string_equal(k->served_hash, r->run.baseline_view.hash_hex);
    assert_true(k->accuracy_drop == 0);
    assert_false(k->skew.skew_flagged);
    assert_true(k->skew.contract_ok);
    /* v2 is worth shipping: retrained, the detector beats the baseline. */
    assert_true(r->run.retrained_accuracy > r->run.baseline_accuracy);
    free(r);
}

static void must_over_50_seeds(void **state) {
    (void)state;
    fo_tiny_params p = defaults();
    fo_tiny_result *r = malloc(sizeof *r);
    int held = 0, blocked = 0;
    for (unsigned long long seed = 1; seed <= 50; seed++) {
        run(&p, seed, r);
        held += must_hold(r);
        blocked += r->pinned.deploy_blocked;
    }
    assert_true(held >= 45);
    assert_int_equal(blocked, 50); /* the contract breaks whenever the version changes */
    free(r);
}

/* Second method: each column is the ensemble scenario it stands for. Unpinned = v2 served to
 * the v1 detector; pinned (blocked) = v1 served to it, request by request and in the check. */
static void columns_are_the_ensemble_scenarios(void **state) {
    (void)state;
    fo_tiny_params p = defaults();
    fo_tiny_result *r = malloc(sizeof *r);
    fo_ensemble_result *v2 = malloc(sizeof *v2), *v1 = malloc(sizeof *v1);
    for (unsigned long long seed = 3; seed <= 5; seed++) {
        run(&p, seed, r);
        run_ensemble(&p, FO_ENS_UPSTREAM_V2, FO_ENS_RETRAIN_NO, seed, v2);
        run_ensemble(&p, FO_ENS_UPSTREAM_V1, FO_ENS_RETRAIN_NO, seed, v1);
        assert_true(r->unpinned.accuracy == v2->accuracy);
        assert_true(r->unpinned.silent_failure == v2->silent_failure);
        assert_memory_equal(&r->unpinned.skew, &v2->check, sizeof v2->check);
        assert_true(r->pinned.accuracy == v1->accuracy);
        assert_memory_equal(&r->pinned.skew, &v1->check, sizeof v1->check);
        assert_string_equal(r->pinned.served_hash, v1->served_view.hash_hex);
        assert_string_equal(r->unpinned.served_hash, v2->served_view.hash_hex);
        /* The traced requests: unpinned answers are the v2 scenario's, pinned ones the v1
         * pipeline's on the same requests. */
        assert_int_equal(r->run.trace_len, FO_ENS_TRACE);
        for (int k = 0; k < r->run.trace_len; k++) {
            const fo_ens_trace *t = &v2->trace[k];
            assert_true(r->run.trace[k].request == t->request);
            assert_true(r->unpinned.trace[k].score == t->score);
            assert_true(r->pinned.trace[k].score == t->baseline_score);
            assert_int_equal(r->pinned.trace[k].correct, t->baseline_correct);
            assert_int_equal(r->unpinned.trace[k].correct, r->unpinned.trace[k].label == t->truth);
        }
    }
    free(r), free(v2), free(v1);
}

/* Retrained on v2 first (contract bumped to @v2): the check passes, the deploy goes through in
 * both columns, and both read v2 at the retrained accuracy. */
static void retrain_first_passes(void **state) {
    (void)state;
    fo_tiny_params p = defaults();
    p.retrain = FO_ENS_RETRAIN_YES;
    fo_tiny_result *r = malloc(sizeof *r);
    int passed = 0;
    for (unsigned long long seed = 1; seed <= 10; seed++) {
        run(&p, seed, r);
        assert_true(r->run.check.contract_ok);
        assert_false(r->pinned.deploy_blocked);
        assert_int_equal(r->pinned.served_version, 2);
        assert_int_equal(r->pinned.trained_version, 2);
        assert_true(r->pinned.accuracy == r->run.retrained_accuracy);
        assert_true(r->unpinned.accuracy == r->pinned.accuracy);
        assert_false(r->unpinned.silent_failure || r->pinned.silent_failure);
        passed += r->pinned.accuracy > r->run.baseline_accuracy && !r->pinned.skew.skew_flagged;
    }
    assert_true(passed >= 9);
    free(r);
}

/* Severity 0: v2 keeps v1's feature space (and isolates noise better), so unpinned is no
 * silent failure; the contract still names @v1, so pinned blocks the deploy anyway: a contract
 * blocks by version, not by harm. */
static void contract_blocks_by_version(void **state) {
    (void)state;
    fo_tiny_params p = defaults();
    p.severity = 0;
    fo_tiny_result *r = malloc(sizeof *r);
    run(&p, 1, r);
    assert_false(r->unpinned.silent_failure);
    assert_true(r->unpinned.accuracy >= r->run.baseline_accuracy);
    assert_true(r->pinned.deploy_blocked);
    assert_true(r->pinned.accuracy == r->run.baseline_accuracy);
    free(r);
}

static void deterministic_and_domain(void **state) {
    (void)state;
    fo_tiny_params p = defaults();
    fo_tiny_result *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    run(&p, 8, a);
    run(&p, 8, b);
    assert_memory_equal(a, b, sizeof *a);
    run(&p, 9, b);
    assert_true(a->unpinned.accuracy != b->unpinned.accuracy ||
                a->run.baseline_accuracy != b->run.baseline_accuracy);

    size_t bytes = fo_tiny_work_bytes(&p);
    void *work = malloc(bytes);
    fo_rng rng;
    fo_rng_seed(&rng, 1);
    assert_int_equal(fo_tiny_simulate(&p, &rng, work, bytes - 1, a), -1);
    fo_tiny_params bad = p;
    bad.retrain = 2;
    assert_int_equal(fo_tiny_simulate(&bad, &rng, work, bytes, a), -1);
    bad = p, bad.severity = 1.5;
    assert_int_equal(fo_tiny_simulate(&bad, &rng, work, bytes, a), -1);
    bad = p, bad.requests = FO_ENS_MIN_ROWS - 1;
    assert_int_equal(fo_tiny_simulate(&bad, &rng, work, bytes, a), -1);
    free(work), free(a), free(b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(must_at_defaults),
        cmocka_unit_test(must_over_50_seeds),
        cmocka_unit_test(columns_are_the_ensemble_scenarios),
        cmocka_unit_test(retrain_first_passes),
        cmocka_unit_test(contract_blocks_by_version),
        cmocka_unit_test(deterministic_and_domain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
