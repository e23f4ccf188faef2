/* test_governance.c — the governance simulator (governance.c): strict contracts never fail
 * silently, loose versioning does at the defaults; upgrade delays pinned by hand; the two
 * policies see the same releases and the same weekly traffic. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fleetops/governance.h"
#include "testutil.h"

static fo_governance_params defaults(int policy) {
    /* The command table's defaults (cmd_ensemble.c). */
    return (fo_governance_params){.policy = policy,
                                  .weeks = 52,
                                  .release_every_weeks = 6,
                                  .severity = 0.6,
                                  .retrain_days = 10,
                                  .contract_bump_days = 3,
                                  .detection_weeks = 2,
                                  .requests_per_week = 500,
                                  .silent_failure_margin = 0.05};
}

static void run(const fo_governance_params *p, unsigned long long seed, fo_governance_result *r) {
    size_t bytes = fo_governance_work_bytes(p);
    assert_true(bytes > 0);
    void *work = malloc(bytes);
    assert_non_null(work);
    fo_rng rng;
    fo_rng_seed(&rng, seed);
    assert_int_equal(fo_governance_run(p, &rng, work, bytes, r), 0);
    free(work);
}

static void test_strict_never_silent_loose_does(void **state) {
    (void)state;
    fo_governance_result *r = malloc(sizeof *r);
    fo_governance_params p = defaults(FO_GOV_STRICT);
    for (unsigned long long seed = 1; seed <= 6; seed++) {
        run(&p, seed, r);
        const fo_gov_outcome *strict = &r->outcome[0], *loose = &r->outcome[1];
        assert_int_equal(strict->policy, FO_GOV_STRICT);
        assert_int_equal(loose->policy, FO_GOV_LOOSE);
        assert_int_equal(strict->silent_failure_weeks, 0);
        assert_int_equal(strict->incidents, 0);
        for (long long w = 0; w < p.weeks; w++)
            assert_int_equal(strict->week[w].served_version, strict->week[w].trained_version);
        /* At the defaults loose versioning does fail silently, and pays for it. */
        assert_true(loose->silent_failure_weeks > 0 && loose->incidents > 0);
        assert_true(strict->mean_accuracy > loose->mean_accuracy);
    }
    free(r);
}

static void test_releases_and_weeks(void **state) {
    (void)state;
    fo_governance_result *r = malloc(sizeof *r);
    fo_governance_params p = defaults(FO_GOV_LOOSE);
    run(&p, 1, r);
    /* Releases at weeks 6, 12, ..., 48: floor(51 / 6) = 8 after v1. */
    assert_int_equal(r->releases, 9);
    for (int v = 1; v < r->releases; v++) {
        assert_int_equal(r->release[v].week, 6 * v);
        assert_int_equal(r->release[v].version, v + 1);
        assert_true(r->release[v].severity >= 0.3 && r->release[v].severity < 0.9);
        assert_true(r->release[v].leakage < r->release[v - 1].leakage); /* each isolates better */
        assert_true(r->release[v].accuracy_retrained > r->v1_accuracy);
    }
    const fo_gov_outcome *o = &r->outcome[0];
    double sum = 0;
    int latest = 1;
    for (long long w = 0; w < p.weeks; w++) {
        if (w > 0 && w % 6 == 0) latest++;
        assert_int_equal(o->week[w].release, w > 0 && w % 6 == 0);
        assert_int_equal(o->week[w].served_version, latest); /* loose reads the latest view */
        assert_true(o->week[w].accuracy >= 0 && o->week[w].accuracy <= 1);
        assert_true(!o->week[w].silent_failure ||
                    o->week[w].served_version != o->week[w].trained_version);
        sum += o->week[w].accuracy;
    }
    assert_true(fabs(o->mean_accuracy - sum / 52) < 1e-12);
    assert_true(o->upgrade_delay_days == 0);
    free(r);
}

static void test_upgrade_delay_by_hand(void **state) {
    (void)state;
    fo_governance_result *r = malloc(sizeof *r);
    /* Defaults: releases 42 days apart, an upgrade takes 10 + 3 = 13 days, so each is adopted
     * 13 days after its release, none waits, none is pending (the last, day 336, is live on day
     * 349 < 364). */
    fo_governance_params p = defaults(FO_GOV_STRICT);
    run(&p, 1, r);
    assert_true(r->outcome[0].upgrade_delay_days == 13.0);
    assert_int_equal(r->outcome[0].pending_upgrades, 0);
    assert_int_equal(r->outcome[0].retrains, 8);
    /* Releases every 2 weeks (days 14, 28, 42, 56, ...), upgrades of 20 + 5 = 25 days:
     *   day 14 release: starts 14, live 39;
     *   day 28 release: starts when the first is live, 39; newest release by day 39 is day 28's
     *     -> live 64;
     *   next starts at 64; newest by then is day 56's -> day 42 and day 56 adopted at 89;
     *   next starts at 89; newest is day 84's -> days 70 and 84 adopted at 114. */
    p.release_every_weeks = 2, p.retrain_days = 20, p.contract_bump_days = 5;
    run(&p, 1, r);
    double want[] = {39, 64, 89, 89, 114, 114};
    for (int v = 1; v <= 6; v++)
        assert_true(r->release[v].adopted_day == want[v - 1]);
    /* Delays 25, 36, 47, 33, 44, 30, ...: more than the 25 days of one upgrade on average. */
    assert_true(r->outcome[0].upgrade_delay_days > 25);
    assert_true(r->outcome[0].pending_upgrades > 0);
    assert_int_equal(r->outcome[0].silent_failure_weeks, 0);
    free(r);
}

static void test_common_random_numbers(void **state) {
    (void)state;
    fo_governance_result *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    memset(a, 0x5A, sizeof *a), memset(b, 0xA5, sizeof *b);
    fo_governance_params p = defaults(FO_GOV_LOOSE), q = defaults(FO_GOV_STRICT);
    run(&p, 9, a);
    run(&p, 9, b);
    assert_memory_equal(a, b, sizeof *a); /* same seed, same bytes */
    run(&q, 9, b);
    /* Asking for the other policy only swaps which outcome comes first. */
    assert_memory_equal(&a->outcome[0], &b->outcome[1], sizeof a->outcome[0]);
    assert_memory_equal(&a->outcome[1], &b->outcome[0], sizeof a->outcome[0]);
    assert_memory_equal(a->release, b->release, sizeof a->release);
    free(a), free(b);
}

static void test_severity_zero_is_harmless(void **state) {
    (void)state;
    /* Releases that keep the feature space (severity 0) only isolate noise better: serving them
     * to an old classifier never fails silently, and even unretrained it gains on v1. */
    fo_governance_result *r = malloc(sizeof *r);
    fo_governance_params p = defaults(FO_GOV_LOOSE);
    p.severity = 0;
    for (unsigned long long seed = 1; seed <= 3; seed++) {
        run(&p, seed, r);
        assert_int_equal(r->outcome[0].silent_failure_weeks, 0);
        assert_int_equal(r->outcome[0].incidents, 0);
        assert_true(r->outcome[0].mean_accuracy > r->v1_accuracy);
    }
    free(r);
}

static void test_slower_detection_costs_more(void **state) {
    (void)state;
    fo_governance_result *r = malloc(sizeof *r);
    fo_governance_params p = defaults(FO_GOV_LOOSE);
    long long fast = 0, slow = 0;
    for (unsigned long long seed = 1; seed <= 6; seed++) {
        p.detection_weeks = 1;
        run(&p, seed, r);
        fast += r->outcome[0].silent_failure_weeks;
        p.detection_weeks = 4;
        run(&p, seed, r);
        slow += r->outcome[0].silent_failure_weeks;
    }
    assert_true(slow > fast);
    free(r);
}

static void test_domain(void **state) {
    (void)state;
    fo_governance_result *r = malloc(sizeof *r);
    fo_governance_params p = defaults(FO_GOV_LOOSE);
    size_t bytes = fo_governance_work_bytes(&p);
    void *work = malloc(bytes);
    fo_rng rng;
    fo_rng_seed(&rng, 1);
    assert_int_equal(fo_governance_run(&p, &rng, work, bytes - 1, r), -1);
    p.release_every_weeks = 1;
    assert_int_equal(fo_governance_work_bytes(&p), 0);
    assert_int_equal(fo_governance_run(&p, &rng, work, bytes, r), -1);
    p = defaults(FO_GOV_LOOSE), p.weeks = FO_GOV_MAX_WEEKS + 1;
    assert_int_equal(fo_governance_run(&p, &rng, work, bytes, r), -1);
    p = defaults(FO_GOV_LOOSE), p.requests_per_week = FO_GOV_POOL_ROWS + 1;
    assert_int_equal(fo_governance_run(&p, &rng, work, bytes, r), -1);
    free(work), free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strict_never_silent_loose_does),
        cmocka_unit_test(test_releases_and_weeks),
        cmocka_unit_test(test_upgrade_delay_by_hand),
        cmocka_unit_test(test_common_random_numbers),
        cmocka_unit_test(test_severity_zero_is_harmless),
        cmocka_unit_test(test_slower_detection_costs_more),
        cmocka_unit_test(test_domain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
