/* test_crisis_mobile.c — Mobile Nomad's App-OS Skew (crisis_mobile.c): the "musts"
 * (slice-level monitoring detects the affected regions; the aggregate detects later or not at
 * all) at the defaults and over 50 seeds, and how the three corrections nest. */
#include <math.h>
#include <string.h>

#include "fleetops/crisis_mobile.h"
#include "testutil.h"

/* |a - b| <= eps, with the values in the failure message (this cmocka has no double assert). */
#define assert_close(a, b, eps) assert_close_at((double)(a), (double)(b), (eps), #a, __LINE__)
static void assert_close_at(double a, double b, double eps, const char *what, int line) {
    if (!(fabs(a - b) <= eps))
        fail_msg("line %d: %s = %.17g, expected %.17g (+/- %g)", line, what, a, b, eps);
}

static fo_mobile_params defaults(void) {
    return (fo_mobile_params){.correction = FO_CORRECTION_BH,
                              .alpha = 0.05,
                              .min_drop_fps = 2,
                              .sessions_per_hour = 20000,
                              .monitor_hours = 168,
                              .reference_hours = 24};
}

static void run(const fo_mobile_params *p, unsigned long long seed, fo_mobile_result *r) {
    fo_rng rng;
    fo_rng_seed(&rng, seed);
    assert_int_equal(fo_mobile_simulate(p, &rng, r), 0);
}

/* Every affected region flagged, and the aggregate never or after the first slice flag. */
static int must_hold(const fo_mobile_result *r) {
    if (r->regions_affected == 0 || r->missed != 0) return 0;
    return !r->aggregate_detected || r->aggregate_detection_hours > r->slice_detection_hours;
}

static void must_at_defaults(void **state) {
    (void)state;
    fo_mobile_params p = defaults();
    static fo_mobile_result r;
    run(&p, 1, &r);
    assert_true(must_hold(&r));
    /* "a few regions badly, most not" */
    assert_true(r.regions_affected >= 2 && r.regions_affected <= 5);
    assert_int_equal(r.false_alarms, 0);
    for (size_t i = 0; i < r.nregions; i++)
        if (r.region[i].flagged) assert_true(r.region[i].fps_after < r.region[i].fps_before);
}

static void must_over_50_seeds(void **state) {
    (void)state;
    fo_mobile_params p = defaults();
    static fo_mobile_result r;
    int held = 0;
    for (unsigned long long seed = 1; seed <= 50; seed++) {
        run(&p, seed, &r);
        held += must_hold(&r);
    }
    assert_true(held >= 45);
}

/* The data do not depend on the correction (same seed, same draws), and per hour the rejected
 * sets nest: Bonferroni (p <= alpha/m) within BH within none (p <= alpha). So every region is
 * flagged no later under none than under BH, and no later under BH than under Bonferroni. */
static void corrections_nest(void **state) {
    (void)state;
    static fo_mobile_result none, bh, bonf;
    for (unsigned long long seed = 1; seed <= 10; seed++) {
        fo_mobile_params p = defaults();
        p.alpha = 0.2; /* loose, so the corrections differ more often */
        p.correction = FO_CORRECTION_NONE;
        run(&p, seed, &none);
        p.correction = FO_CORRECTION_BH;
        run(&p, seed, &bh);
        p.correction = FO_CORRECTION_BONFERRONI;
        run(&p, seed, &bonf);
        assert_memory_equal(none.aggregate, bh.aggregate, sizeof none.aggregate);
        for (size_t i = 0; i < none.nregions; i++) {
            if (bonf.region[i].flagged) assert_true(bh.region[i].flagged);
            if (bh.region[i].flagged) assert_true(none.region[i].flagged);
            if (bh.region[i].flagged)
                assert_true(none.region[i].flagged_at_hours <= bh.region[i].flagged_at_hours);
            if (bonf.region[i].flagged)
                assert_true(bh.region[i].flagged_at_hours <= bonf.region[i].flagged_at_hours);
        }
        assert_true(none.false_alarms >= bh.false_alarms && bh.false_alarms >= bonf.false_alarms);
    }
}

/* Bookkeeping: the counts agree with the per-region flags; with min_drop 0 every region is
 * affected (every region's drop is > 0). */
static void bookkeeping(void **state) {
    (void)state;
    fo_mobile_params p = defaults();
    static fo_mobile_result r;
    run(&p, 4, &r);
    int flagged = 0, affected = 0, fa = 0, missed = 0;
    double share = 0;
    for (size_t i = 0; i < r.nregions; i++) {
        const fo_mobile_region *x = &r.region[i];
        flagged += x->flagged, affected += x->affected, share += x->share;
        fa += x->flagged && !x->affected;
        missed += !x->flagged && x->affected;
        assert_true(x->adoption_end > 0 && x->adoption_end <= 0.95);
        assert_true(x->flagged == isfinite(x->flagged_at_hours));
    }
    assert_int_equal(flagged, r.regions_flagged);
    assert_int_equal(affected, r.regions_affected);
    assert_int_equal(fa, r.false_alarms);
    assert_int_equal(missed, r.missed);
    assert_close(share, 1.0, 1e-12);
    p.min_drop_fps = 0;
    run(&p, 4, &r);
    assert_int_equal(r.regions_affected, (int)r.nregions);
}

static void deterministic_for_a_seed(void **state) {
    (void)state;
    fo_mobile_params p = defaults();
    static fo_mobile_result a, b, c;
    run(&p, 8, &a);
    run(&p, 8, &b);
    run(&p, 9, &c);
    assert_memory_equal(&a, &b, sizeof a);
    assert_true(memcmp(a.aggregate, c.aggregate, sizeof a.aggregate) != 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(must_at_defaults),         cmocka_unit_test(must_over_50_seeds),
        cmocka_unit_test(corrections_nest),         cmocka_unit_test(bookkeeping),
        cmocka_unit_test(deterministic_for_a_seed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
