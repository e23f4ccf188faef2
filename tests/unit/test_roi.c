/* test_roi.c — Part 1's model: values pinned by hand, and properties over random inputs. */
#include <math.h>
#include <string.h>

#include "fleetops/rng.h"
#include "fleetops/roi.h"
#include "testutil.h"

/* The defaults of the command table (cmd_roi.c), restated so the pinned arithmetic below is
 * checkable against this file alone. */
static fo_roi_params defaults(void) {
    return (fo_roi_params){.models = 20,
                           .heterogeneity = 0.5,
                           .capex_usd = 500000,
                           .engineer_cost_usd_per_hour = 100,
                           .horizon_years = 1,
                           .team_size = 4,
                           .alert_hours_per_model_year = 78,
                           .deploy_hours_per_model_year = 18,
                           .dependency_hours_per_pair_year = 6,
                           .platform_upkeep_hours_per_year = 1000,
                           .platform_alert_hours_per_model_year = 8,
                           .platform_deploy_hours_per_model_year = 2,
                           .platform_contract_hours_per_model_year = 4};
}

/* N = 16 makes log2 N = 4 exact. By hand:
 *   manual:   alerts 78*16 = 1,248; deployment 18*16*4 = 1,152; dependencies 6*0.5*(16*15/2) =
 *             360; total 2,760 h -> $276,000 at $100/h for 1 year.
 *   platform: upkeep 1,000 + alerts 8*16 = 128 + deployment 2*16*4 = 128 + contracts 4*0.5*16 =
 *             32 = 1,288 h -> $128,800; with CapEx $628,800.
 *   ROI = 276,000 - (500,000 + 128,800) = -352,800. */
static void test_pinned_n16(void **state) {
    (void)state;
    fo_roi_params p = defaults();
    p.models = 16;
    fo_roi_result r;
    assert_int_equal(fo_roi_evaluate(&p, &r), 0);
    assert_float_equal(r.manual.alerts, 1248, 1e-9);
    assert_float_equal(r.manual.deployment, 1152, 1e-9);
    assert_float_equal(r.manual.dependencies, 360, 1e-9);
    assert_float_equal(r.manual.total, 2760, 1e-9);
    assert_float_equal(r.platform.total, 1288, 1e-9);
    assert_float_equal(r.manual_toil_usd, 276000, 1e-6);
    assert_float_equal(r.platform_total_usd, 628800, 1e-6);
    assert_float_equal(r.roi_usd, -352800, 1e-6);
    assert_float_equal(r.ftes_needed, 2760.0 / 2000.0, 1e-12);
    assert_float_equal(r.ftes_needed_at_toil_cap, 2760.0 / 1000.0, 1e-12);
    assert_float_equal(r.team_toil_fraction, 2760.0 / 8000.0, 1e-12);
}

/* N* at the defaults. Toil_manual - Toil_platform in hours is
 *   (78-8-4*0.5) N + (18-2) N log2 N + 6*0.5 N(N-1)/2 - 1,000 = 68N + 16 N log2 N + 1.5 N(N-1) -
 * 1000 and must reach CapEx / rate = 5,000 h. N = 32: 2,176 + 2,560 + 1,488 - 1,000 = 5,224 >=
 * 5,000 N = 31: 2,108 + 16*31*4.954196 (= 2,457.28) + 1,395 - 1,000 = 4,960.28 < 5,000   => N*
 * = 32. Toil cap for 4 engineers: 0.5 * 4 * 2,000 = 4,000 h of manual toil. N = 21: 78*21 +
 * 18*21*log2 21 + 3*210 = 1,638 + 1,660.30 + 630 = 3,928.30 <= 4,000 N = 22: 1,716 + 1,765.93 + 693
 * = 4,174.93 > 4,000                                => 21. */
static void test_pinned_break_even_and_cap(void **state) {
    (void)state;
    fo_roi_params p = defaults();
    fo_roi_result r;
    assert_int_equal(fo_roi_evaluate(&p, &r), 0);
    assert_int_equal(r.break_even_models, 32);
    assert_int_equal(r.max_models_under_toil_cap, 21);
    assert_true(fo_roi_usd_at(&p, 32) >= 0);
    assert_float_equal(fo_roi_usd_at(&p, 32), (5224.0 - 5000.0) * 100.0, 1e-6);
    assert_true(fo_roi_usd_at(&p, 31) < 0);
}

/* Part 1's lock read literally: the smallest N whose manual toil alone costs more than the
 * $500,000 CapEx, i.e. more than 5,000 h at $100/h for one year (issue 14). By hand:
 *   N = 25: 78*25 = 1,950; 18*25*log2 25 = 450*4.643856 = 2,089.74; 6*0.5*(25*24/2) = 900
 *           -> 4,939.74 h <= 5,000
 *   N = 26: 78*26 = 2,028; 18*26*log2 26 = 468*4.700440 = 2,199.81; 6*0.5*(26*25/2) = 975
 *           -> 5,202.81 h >  5,000                    => 26,
 * six models before the break-even N* = 32 (test above), which also pays the platform's toil.
 * The sentences name all three readings: 32 answers the lock, 26 the literal one, 21 the cap. */
static void test_pinned_literal_reading(void **state) {
    (void)state;
    fo_roi_params p = defaults();
    fo_roi_result r;
    assert_int_equal(fo_roi_evaluate(&p, &r), 0);
    assert_int_equal(r.toil_exceeds_capex_models, 26);
    fo_roi_toil m, pl;
    fo_roi_toil_at(&p, 25, &m, &pl);
    assert_float_equal(m.total, 1950 + 450 * log2(25.0) + 900, 1e-9);
    assert_true(m.total <= 5000);
    fo_roi_toil_at(&p, 26, &m, &pl);
    assert_true(m.total > 5000);
    fo_roi_readings rd;
    fo_roi_readings_of(&p, &r, &rd);
    assert_non_null(strstr(rd.answer, "N* = 32"));
    assert_non_null(strstr(rd.answer, "$500,000"));
    assert_non_null(strstr(rd.literal, "N = 26"));
    assert_non_null(strstr(rd.toil_cap, "up to 21 models"));
}

/* Property: the literal reading is minimal (N - 1 is not over CapEx) and never after N*, since
 * N* also pays the platform's own toil. */
static void test_property_literal_reading(void **state) {
    (void)state;
    fo_rng rng;
    fo_rng_seed(&rng, 26);
    for (int i = 0; i < 300; i++) {
        fo_roi_params p = defaults();
        p.heterogeneity = fo_rng_uniform(&rng);
        p.capex_usd = 1000 + 2e6 * fo_rng_uniform(&rng);
        p.engineer_cost_usd_per_hour = 50 + 200 * fo_rng_uniform(&rng);
        fo_roi_result r;
        assert_int_equal(fo_roi_evaluate(&p, &r), 0);
        long long n = r.toil_exceeds_capex_models;
        assert_true(n >= 1);
        fo_roi_toil m, pl;
        fo_roi_toil_at(&p, n, &m, &pl);
        assert_true(m.total * p.engineer_cost_usd_per_hour * p.horizon_years > p.capex_usd);
        if (n > 1) {
            fo_roi_toil_at(&p, n - 1, &m, &pl);
            assert_true(m.total * p.engineer_cost_usd_per_hour * p.horizon_years <= p.capex_usd);
        }
        if (r.break_even_models) assert_true(n <= r.break_even_models);
    }
}

/* With nothing to gain per model the platform never pays: no N* up to the search limit. */
static void test_no_break_even(void **state) {
    (void)state;
    fo_roi_params p = defaults();
    p.alert_hours_per_model_year = 0;
    p.deploy_hours_per_model_year = 0;
    p.dependency_hours_per_pair_year = 0;
    fo_roi_result r;
    assert_int_equal(fo_roi_evaluate(&p, &r), 0);
    assert_int_equal(r.break_even_models, 0);
    assert_true(r.curve_len >= 2);
    assert_int_equal(r.curve[r.curve_len - 1].models, 100); /* 100 models shown when none */
}

static void test_rejects_out_of_domain(void **state) {
    (void)state;
    fo_roi_result r;
    fo_roi_params p = defaults();
    p.models = 0;
    assert_int_equal(fo_roi_evaluate(&p, &r), -1);
    p = defaults();
    p.heterogeneity = 1.5;
    assert_int_equal(fo_roi_evaluate(&p, &r), -1);
    p = defaults();
    p.heterogeneity = NAN;
    assert_int_equal(fo_roi_evaluate(&p, &r), -1);
}

static fo_roi_params random_params(fo_rng *g) {
    fo_roi_params p = defaults();
    p.models = 1 + (long long)fo_rng_below(g, 400);
    p.heterogeneity = fo_rng_uniform(g) < 0.2 ? 0.0 : fo_rng_uniform(g);
    p.capex_usd = 1e5 + 2e6 * fo_rng_uniform(g);
    p.engineer_cost_usd_per_hour = 40 + 200 * fo_rng_uniform(g);
    p.horizon_years = 0.25 + 4 * fo_rng_uniform(g);
    p.team_size = 1 + (long long)fo_rng_below(g, 20);
    p.alert_hours_per_model_year = 200 * fo_rng_uniform(g);
    p.deploy_hours_per_model_year = 60 * fo_rng_uniform(g);
    p.dependency_hours_per_pair_year = 20 * fo_rng_uniform(g);
    return p;
}

/* Brute force: the first N with ROI >= 0, scanning up to `limit`. */
static long long scan_break_even(const fo_roi_params *p, long long limit) {
    for (long long n = 1; n <= limit; n++)
        if (fo_roi_usd_at(p, n) >= 0) return n;
    return 0;
}

static void test_property_break_even_is_minimal(void **state) {
    (void)state;
    fo_rng g;
    fo_rng_seed(&g, 2026);
    int checked = 0;
    for (int trial = 0; trial < 400; trial++) {
        fo_roi_params p = random_params(&g);
        fo_roi_result r;
        assert_int_equal(fo_roi_evaluate(&p, &r), 0);
        long long ns = r.break_even_models;
        if (ns) {
            assert_true(fo_roi_usd_at(&p, ns) >= 0);
            if (ns > 1) assert_true(fo_roi_usd_at(&p, ns - 1) < 0);
        }
        if (ns == 0 || ns <= 3000) { /* agrees with a scan wherever a scan is cheap */
            assert_int_equal(scan_break_even(&p, ns ? ns : 3000), ns);
            checked++;
        }
    }
    assert_true(checked > 100);
}

static void test_property_toil_scaling(void **state) {
    (void)state;
    fo_rng g;
    fo_rng_seed(&g, 7);
    for (int trial = 0; trial < 300; trial++) {
        fo_roi_params p = random_params(&g);
        long long n = 2 + (long long)fo_rng_below(&g, 5000);
        fo_roi_toil m1, m2, pl;
        fo_roi_toil_at(&p, n, &m1, &pl);
        fo_roi_toil_at(&p, 2 * n, &m2, &pl);
        /* alerts are O(N): doubling N doubles them exactly */
        assert_float_equal(m2.alerts, 2 * m1.alerts, 1e-9 * (1 + m1.alerts));
        /* dependencies are O(N^2): ratio 2(2N-1)/(N-1) = 4 + 2/(N-1), i.e. ~4 */
        if (p.heterogeneity > 0 && p.dependency_hours_per_pair_year > 0) {
            double ratio = m2.dependencies / m1.dependencies;
            assert_float_equal(ratio, 4.0 + 2.0 / (double)(n - 1), 1e-9);
            if (n >= 21) assert_true(ratio >= 4.0 && ratio <= 4.1);
        }
        /* deployment is O(N log N): the ratio is 2 (1 + 1/log2 N), between 2 and 4 */
        if (p.deploy_hours_per_model_year > 0) {
            double ratio = m2.deployment / m1.deployment;
            assert_float_equal(ratio, 2.0 * (1.0 + 1.0 / log2((double)n)), 1e-9);
        }
        p.heterogeneity = 0;
        fo_roi_toil_at(&p, n, &m1, &pl);
        assert_true(m1.dependencies == 0.0);
        assert_true(pl.dependencies == 0.0);
    }
}

static void test_property_curve_matches_direct_evaluation(void **state) {
    (void)state;
    fo_rng g;
    fo_rng_seed(&g, 99);
    for (int trial = 0; trial < 200; trial++) {
        fo_roi_params p = random_params(&g);
        fo_roi_result r;
        assert_int_equal(fo_roi_evaluate(&p, &r), 0);
        assert_true(r.curve_len >= 2 && r.curve_len <= FO_ROI_CURVE_MAX);
        assert_int_equal(r.curve[0].models, 1);
        long long last = r.curve[r.curve_len - 1].models;
        if (r.break_even_models)
            assert_true(last >= 2 * r.break_even_models || last == FO_ROI_MAX_MODELS);
        assert_true(last >= p.models);
        for (size_t i = 0; i < r.curve_len; i++) {
            if (i) assert_true(r.curve[i].models > r.curve[i - 1].models);
            fo_roi_toil m, pl;
            fo_roi_toil_at(&p, r.curve[i].models, &m, &pl);
            double man = m.total * p.engineer_cost_usd_per_hour * p.horizon_years;
            double plat = p.capex_usd + pl.total * p.engineer_cost_usd_per_hour * p.horizon_years;
            assert_true(r.curve[i].manual_toil_usd == man);
            assert_true(r.curve[i].platform_total_usd == plat);
            assert_float_equal(man - plat, fo_roi_usd_at(&p, r.curve[i].models),
                               1e-9 * (1 + fabs(man)));
        }
    }
}

static void test_property_toil_cap_is_largest(void **state) {
    (void)state;
    fo_rng g;
    fo_rng_seed(&g, 5);
    for (int trial = 0; trial < 300; trial++) {
        fo_roi_params p = random_params(&g);
        fo_roi_result r;
        assert_int_equal(fo_roi_evaluate(&p, &r), 0);
        double cap = 0.5 * 2000.0 * (double)p.team_size;
        long long k = r.max_models_under_toil_cap;
        fo_roi_toil m, pl;
        if (k > 0) {
            fo_roi_toil_at(&p, k, &m, &pl);
            assert_true(m.total <= cap);
        }
        if (k < FO_ROI_MAX_MODELS) {
            fo_roi_toil_at(&p, k + 1, &m, &pl);
            assert_true(m.total > cap);
        }
    }
}

/* Coefficients that make ROI non-monotone take the scanning path; it must still find the first
 * N with ROI >= 0. Here platform alerts cost more than manual ones, so ROI first falls, then
 * the N^2 dependency term wins. */
static void test_non_monotone_path(void **state) {
    (void)state;
    fo_roi_params p = defaults();
    p.alert_hours_per_model_year = 0;
    p.platform_alert_hours_per_model_year = 50;
    fo_roi_result r;
    assert_int_equal(fo_roi_evaluate(&p, &r), 0);
    assert_true(r.break_even_models > 0);
    assert_int_equal(r.break_even_models, scan_break_even(&p, FO_ROI_MAX_MODELS));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pinned_n16),
        cmocka_unit_test(test_pinned_break_even_and_cap),
        cmocka_unit_test(test_pinned_literal_reading),
        cmocka_unit_test(test_property_literal_reading),
        cmocka_unit_test(test_no_break_even),
        cmocka_unit_test(test_rejects_out_of_domain),
        cmocka_unit_test(test_property_break_even_is_minimal),
        cmocka_unit_test(test_property_toil_scaling),
        cmocka_unit_test(test_property_curve_matches_direct_evaluation),
        cmocka_unit_test(test_property_toil_cap_is_largest),
        cmocka_unit_test(test_non_monotone_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
