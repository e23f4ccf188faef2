/* test_cli_sprt.c — the contract of `fleetops sprt` (issue 3): JSON keys, Wald's values, the
 * exact and simulated figures agreeing, presets, bad input (exit 2 naming the flag) and the
 * figure. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static void test_sprt_contract(void **state) {
    (void)state;
    json_t *j = fo_cli_json("sprt", "--p0", "0.001", "--p1", "0.002", "--alpha", "0.05", "--beta",
                            "0.05", NULL);
    /* ln A = ln 19 = 2.9444, ln B = -ln 19 */
    assert_true(fabs(fo_json_path_num(j, "log_upper_boundary") - log(19.0)) < 1e-12);
    assert_true(fabs(fo_json_path_num(j, "log_lower_boundary") + log(19.0)) < 1e-12);
    assert_true(fabs(fo_json_path_num(j, "asn_h0") - 8621.97) < 0.01);
    assert_true(fabs(fo_json_path_num(j, "asn_h1") - 6851.16) < 0.01);
    double ea = fo_json_path_num(j, "exact_alpha"), eb = fo_json_path_num(j, "exact_beta");
    assert_true(ea > 0.03 && ea <= 0.05 / 0.95 && eb > 0.03 && eb <= 0.05 / 0.95);
    assert_true(fo_json_path_num(j, "exact_asn_h0") > fo_json_path_num(j, "asn_h0"));
    assert_true(fo_json_path_num(j, "exact_asn_h1") > fo_json_path_num(j, "asn_h1"));
    assert_true(json_is_true(fo_json_path(j, "exact_converged")));
    assert_true(fo_json_path_num(j, "fixed_n") == 15703);
    json_t *oc = fo_json_path(j, "oc_curve");
    assert_true(json_is_array(oc) && json_array_size(oc) > 20);
    for (size_t i = 0; i < json_array_size(oc); i++) {
        json_t *pt = json_array_get(oc, i);
        assert_true(json_is_number(json_object_get(pt, "p")));
        assert_true(json_is_number(json_object_get(pt, "accept_h0")));
        assert_true(json_is_number(json_object_get(pt, "asn")));
    }
    assert_null(fo_json_path(j, "simulated_alpha"));
    assert_true(json_is_string(fo_json_path(j, "math_peek")));
    json_decref(j);
}

static void test_sprt_simulation(void **state) {
    (void)state;
    json_t *j = fo_cli_json("sprt", "--simulate", "20000", "--seed", "9", NULL);
    const char *pairs[][3] = {
        {"simulated_alpha", "exact_alpha", "simulated_alpha_se"},
        {"simulated_beta", "exact_beta", "simulated_beta_se"},
        {"simulated_mean_samples_h0", "exact_asn_h0", "simulated_mean_samples_h0_se"},
        {"simulated_mean_samples_h1", "exact_asn_h1", "simulated_mean_samples_h1_se"}};
    for (int i = 0; i < 4; i++) {
        double sim = fo_json_path_num(j, pairs[i][0]), ex = fo_json_path_num(j, pairs[i][1]);
        double se = fo_json_path_num(j, pairs[i][2]);
        if (!(fabs(sim - ex) <= 4.5 * se))
            fail_msg("%s %g vs %s %g (se %g)", pairs[i][0], sim, pairs[i][1], ex, se);
    }
    /* The same seed gives the same numbers; another seed does not. */
    json_t *k = fo_cli_json("sprt", "--simulate", "20000", "--seed", "9", NULL);
    json_t *m = fo_cli_json("sprt", "--simulate", "20000", "--seed", "10", NULL);
    assert_true(fo_json_path_num(j, "simulated_mean_samples_h0") ==
                fo_json_path_num(k, "simulated_mean_samples_h0"));
    assert_true(fo_json_path_num(j, "simulated_mean_samples_h0") !=
                fo_json_path_num(m, "simulated_mean_samples_h0"));
    json_decref(j), json_decref(k), json_decref(m);
}

static void test_sprt_presets(void **state) {
    (void)state;
    const char *tracks[] = {"cloud-titan", "edge-guardian", "mobile-nomad", "tiny-pioneer"};
    for (int i = 0; i < 4; i++) {
        json_t *j = fo_cli_json("sprt", "--track", tracks[i], NULL);
        assert_true(fo_json_path_num(j, "p1") > fo_json_path_num(j, "p0"));
        assert_true(json_is_true(fo_json_path(j, "exact_converged")));
        /* Sequential validation pays: fewer requests on average than the fixed test. */
        assert_true(fo_json_path_num(j, "exact_asn_h0") < fo_json_path_num(j, "fixed_n"));
        json_decref(j);
    }
    /* The rule: p1 = the failure rate, p0 = half, beta = 1 - confidence, alpha = the track's
     * (Edge Guardian's scenario: 0.1%, one needless fleet rollback in a thousand). */
    json_t *j = fo_cli_json("sprt", "--track", "edge-guardian", NULL);
    assert_true(fo_json_path_num(j, "p1") == 0.001 && fo_json_path_num(j, "p0") == 0.0005);
    assert_true(fo_json_path_num(j, "beta") == 0.05 && fo_json_path_num(j, "alpha") == 0.001);
    json_decref(j);
    j = fo_cli_json("sprt", "--track", "edge-guardian", "--failure-rate", "0.01", "--confidence",
                    "0.99", "--beta", "0.02", NULL);
    assert_true(fo_json_path_num(j, "p1") == 0.01 && fo_json_path_num(j, "p0") == 0.005);
    assert_true(fo_json_path_num(j, "beta") == 0.02); /* an explicit override wins */
    assert_true(json_is_true(fo_json_path(j, "hypotheses_overridden")));
    json_decref(j);
}

/* The three tests with Tiny Pioneer's numbers: 23.1 requests/s x 3600 x 1% x 10% = 83.16
 * monitored an hour; the demonstration's 2,995 (canary's) take 2,995 / 83.16 = 36.0 h and roll
 * back a healthy model (p0 = 0.05%) with probability 1 - 0.9995^2995 = 0.7763; the fixed-n
 * test and the SPRT hold alpha = beta = 5%, and the SPRT saves hours on average. */
static void test_three_tests(void **state) {
    (void)state;
    json_t *j = fo_cli_json("sprt", "--track", "tiny-pioneer", NULL);
    double lam = 23.1 * 3600 * 0.01 * 0.1;
    assert_true(fabs(fo_json_path_num(j, "monitored_per_hour") - lam) < 1e-9);
    assert_true(fo_json_path_num(j, "tests.demonstration.requests") == 2995);
    assert_true(fabs(fo_json_path_num(j, "tests.demonstration.hours") - 2995 / lam) < 1e-9);
    assert_true(fabs(fo_json_path_num(j, "tests.demonstration.rollback_probability_at_p0") -
                     (1 - pow(0.9995, 2995))) < 1e-12);
    double fixed = fo_json_path_num(j, "tests.fixed_n.requests");
    assert_true(fixed == fo_json_path_num(j, "fixed_n"));
    assert_true(fo_json_path_num(j, "tests.fixed_n.alpha") <= 0.05 &&
                fo_json_path_num(j, "tests.fixed_n.beta") <= 0.05);
    double h0 = fo_json_path_num(j, "tests.sprt.requests_h0");
    assert_true(h0 == fo_json_path_num(j, "exact_asn_h0"));
    assert_true(fabs(fo_json_path_num(j, "tests.sprt.hours_saved_h0") - (fixed - h0) / lam) < 1e-9);
    assert_true(fo_json_path_num(j, "tests.sprt.hours_saved_h0") > 0);
    const char *sum = json_string_value(fo_json_path(j, "tests.summary"));
    assert_non_null(strstr(sum, "2,995 requests (36.0 h)"));
    json_decref(j);
    /* window=hidden (the page while the 10-Iteration Rule is open): the demonstration's hours
     * are the rule's lower bound (canary's shadow hours), so none of them is stated */
    json_t *c = fo_cli_json("canary", "--track", "tiny-pioneer", NULL);
    double need = fo_json_path_num(c, "shadow_hours"),
           cycle = fo_json_path_num(c, "release_cycle_hours");
    json_decref(c);
    assert_true(fabs(need - 2995 / lam) < 1e-9);
    j = fo_cli_json("sprt", "--track", "tiny-pioneer", "--window", "hidden", NULL);
    assert_null(fo_json_path(j, "tests.demonstration.hours"));
    assert_true(fo_json_path_num(j, "tests.demonstration.requests") == 2995);
    fo_expect_no_window(j, need, cycle, "36.0 h");
    json_decref(j);
}

static void test_sprt_truncated(void **state) {
    (void)state;
    json_t *j = fo_cli_json("sprt", "--max-requests", "5000", "--simulate", "10000", NULL);
    assert_true(fo_json_path_num(j, "exact_requests") == 5000);
    assert_true(json_is_false(fo_json_path(j, "exact_converged")));
    double open = fo_json_path_num(j, "truncation_mass_h0");
    double sim_open = fo_json_path_num(j, "simulated_undecided_h0");
    assert_true(open > 0.1 && fabs(open - sim_open) < 4.5 * sqrt(open * (1 - open) / 10000));
    /* Not the full SPRT's figures: reported as not computed, with the reason, and nothing is
     * built on them. */
    assert_true(json_is_null(fo_json_path(j, "exact_asn_h0")));
    assert_true(json_is_null(fo_json_path(j, "savings_h0")));
    assert_true(json_is_null(fo_json_path(j, "tests.sprt.hours_h0")));
    assert_true(json_is_string(fo_json_path(j, "exact_reason")));
    json_decref(j);
}

static void test_sprt_bad_input(void **state) {
    (void)state;
    fo_expect_usage_error("--p1", "0.001", "sprt", "--p0", "0.002", "--p1", "0.001", NULL);
    fo_expect_usage_error("--p1", "0.002", "sprt", "--p0", "0.002", "--p1", "0.002", NULL);
    fo_expect_usage_error("--p1", "0.001001", "sprt", "--p0", "0.001", "--p1", "0.001001", NULL);
    fo_expect_usage_error("--alpha", "0.5", "sprt", "--alpha", "0.5", NULL);
    fo_expect_usage_error("--alpha", "0", "sprt", "--alpha", "0", NULL);
    fo_expect_usage_error("--beta", "-0.1", "sprt", "--beta", "-0.1", NULL);
    fo_expect_usage_error("--p0", "0", "sprt", "--p0", "0", NULL);
    fo_expect_usage_error("--simulate", "0", "sprt", "--simulate", "0", NULL);
    fo_expect_usage_error("--simulate", "1000000", "sprt", "--p0", "0.001", "--p1", "0.0012",
                          "--alpha", "0.001", "--beta", "0.001", "--simulate", "1000000", NULL);
    fo_expect_usage_error("--seed", "-1", "sprt", "--seed", "-1", NULL);
    /* By the rule beta = 1 - C: a confidence at or below alpha leaves no test. */
    fo_expect_usage_error("--confidence", "0.01", "sprt", "--confidence", "0.01", NULL);
    fo_proc p = fo_run_cli("sprt", "--p0", "0.002", "--p1", "0.001", NULL);
    assert_non_null(strstr(p.err, "p1 must exceed p0"));
    fo_proc_free(&p);
}

static void test_sprt_svg_and_text(void **state) {
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/sprt.svg", fo_test_tmpdir());
    remove(path);
    fo_proc p = fo_run_cli("sprt", "--track", "tiny-pioneer", "--svg", path, NULL);
    assert_int_equal(p.status, 0);
    assert_non_null(strstr(p.out, "Fixed-sample test"));
    assert_non_null(strstr(p.out, "Math Peek"));
    fo_proc_free(&p);
    fo_expect_svg(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sprt_contract),     cmocka_unit_test(test_sprt_simulation),
        cmocka_unit_test(test_sprt_presets),      cmocka_unit_test(test_sprt_truncated),
        cmocka_unit_test(test_three_tests),       cmocka_unit_test(test_sprt_bad_input),
        cmocka_unit_test(test_sprt_svg_and_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
