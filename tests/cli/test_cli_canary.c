/* test_cli_canary.c — the contract of `fleetops canary` and `fleetops bound` (issue 3): JSON
 * keys and values, track presets, the 10-Iteration Rule's judgement, bad input (exit 2, one
 * stderr line naming the flag, the value and what is allowed) and well-formed SVG. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static void test_canary_default_contract(void **state) {
    (void)state;
    json_t *j = fo_cli_json("canary", NULL);
    assert_true(fo_json_path_num(j, "requests_needed") == 2995);
    assert_true(fabs(fo_json_path_num(j, "rule_of_three_requests") - 2995.732273553991) < 1e-6);
    /* 100/s x 3600 x 0.05 x 0.01 = 180 scored requests/h: 2,995 / 180 = 16.64 h. */
    assert_true(fabs(fo_json_path_num(j, "shadow_hours") - 2995.0 / 180) < 1e-9);
    assert_true(fabs(fo_json_path_num(j, "release_cycle_hours") - (72 + 2995.0 / 180)) < 1e-9);
    assert_true(json_is_true(fo_json_path(j, "meets_release_limit")));
    json_t *curve = fo_json_path(j, "confidence_curve");
    assert_true(json_is_array(curve) && json_array_size(curve) > 100);
    double prev = -1;
    for (size_t i = 0; i < json_array_size(curve); i++) {
        json_t *pt = json_array_get(curve, i);
        assert_true(json_is_number(json_object_get(pt, "hours")));
        double c = json_number_value(json_object_get(pt, "confidence"));
        assert_true(c >= prev && c >= 0 && c <= 1);
        prev = c;
    }
    const char *axes[] = {"confidence", "release_velocity", "exposure", "detection_time",
                          "staleness"};
    for (int i = 0; i < 5; i++) {
        char path[80];
        snprintf(path, sizeof path, "radar.%s.score", axes[i]);
        double s = fo_json_path_num(j, path);
        assert_true(s >= 0 && s <= 1);
        snprintf(path, sizeof path, "radar.%s.value", axes[i]);
        fo_json_path_num(j, path);
        snprintf(path, sizeof path, "radar.%s.unit", axes[i]);
        assert_true(json_is_string(fo_json_path(j, path)));
    }
    assert_int_equal(json_object_size(fo_json_path(j, "radar")), 5);
    assert_true(json_is_string(fo_json_path(j, "math_peek")));
    assert_non_null(strstr(json_string_value(fo_json_path(j, "math_peek")), "2,995"));
    assert_null(fo_json_path(j, "attempt"));
    json_decref(j);
}

static void test_canary_attempt(void **state) {
    (void)state;
    /* Edge Guardian: 3,750,000 frames/s x 3600 x 2e-6 x 0.0012 = 32.4 scored requests/h,
     * 2,995 / 32.4 = 92.4 h needed, 48 h pipeline: 90 h is short. */
    json_t *j = fo_cli_json("canary", "--track", "edge-guardian", "--attempt-hours", "90",
                            "--attempt-number", "3", NULL);
    assert_true(fabs(fo_json_path_num(j, "shadow_hours") - 2995.0 / 32.4) < 1e-6);
    assert_true(fo_json_path_num(j, "attempt.hours") == 90);
    /* 90 x 32.4 = 2,916 requests: 1 - 0.999^2916 = 0.94593 */
    double got = 1 - pow(0.999, 2916);
    assert_true(fabs(fo_json_path_num(j, "attempt.achieved_confidence") - got) < 1e-12);
    assert_true(fabs(fo_json_path_num(j, "attempt.confidence_shortfall") - (0.95 - got)) < 1e-12);
    assert_true(fo_json_path_num(j, "attempt.release_excess_hours") == 0);
    assert_true(json_is_false(fo_json_path(j, "attempt.safety_ok")));
    assert_true(json_is_true(fo_json_path(j, "attempt.release_ok")));
    assert_string_equal(json_string_value(fo_json_path(j, "attempt.advice")), "longer");
    assert_true(fo_json_path_num(j, "attempt.attempts_left") == 7);
    /* A failed try that is not the last reveals no window: not in the verdict, not in the
     * message (the measured shortfall instead), not in the result. */
    assert_true(json_is_false(fo_json_path(j, "attempt.window_revealed")));
    assert_null(fo_json_path(j, "attempt.window"));
    assert_null(fo_json_path(j, "feasible_window"));
    assert_null(fo_json_path(j, "max_window_hours"));
    const char *msg = json_string_value(fo_json_path(j, "attempt.message"));
    assert_null(strstr(msg, "92.4"));
    assert_null(strstr(msg, "120.0"));
    assert_non_null(strstr(msg, "94.59%"));
    assert_non_null(strstr(msg, "0.41 points short"));
    json_decref(j);
    /* Success reveals the window: 92.4 h to 168 - 48 = 120 h. */
    j = fo_cli_json("canary", "--track", "edge-guardian", "--attempt-hours", "115", NULL);
    assert_string_equal(json_string_value(fo_json_path(j, "attempt.advice")), "keep");
    assert_true(fabs(fo_json_path_num(j, "attempt.window.min_hours") - 2995.0 / 32.4) < 1e-6);
    assert_true(fabs(fo_json_path_num(j, "attempt.window.max_hours") - 120) < 1e-9);
    json_decref(j);
    /* 130 h: safe, 178 h cycle is 10 h over the 168 h limit. */
    j = fo_cli_json("canary", "--track", "edge-guardian", "--attempt-hours", "130", NULL);
    assert_string_equal(json_string_value(fo_json_path(j, "attempt.advice")), "shorter");
    assert_true(fabs(fo_json_path_num(j, "attempt.release_excess_hours") - 10) < 1e-9);
    assert_null(fo_json_path(j, "attempt.window"));
    json_decref(j);
    /* The tenth try reveals it, failed or not; with none that works, the window is null. */
    j = fo_cli_json("canary", "--track", "edge-guardian", "--attempt-hours", "130",
                    "--attempt-number", "10", NULL);
    assert_true(json_is_true(fo_json_path(j, "attempt.window_revealed")));
    assert_true(fabs(fo_json_path_num(j, "attempt.window.max_hours") - 120) < 1e-9);
    json_decref(j);
    j = fo_cli_json("canary", "--track", "edge-guardian", "--confidence", "0.99", "--attempt-hours",
                    "130", "--attempt-number", "10", NULL);
    /* 99% needs 4,603 requests (142 h): 130 h sees 4,212 and its cycle is 178 h: both fail. */
    assert_string_equal(json_string_value(fo_json_path(j, "attempt.advice")), "impossible");
    assert_true(json_is_null(fo_json_path(j, "attempt.window")));
    json_decref(j);
}

/* window=hidden: the page's canary states no hour figure the passing window's lower bound can
 * be read from; every number in the JSON other than the curve's grid is checked against the
 * needed window and the needed cycle, every string against their printed forms
 * (fo_expect_no_window). */
static void test_canary_hidden_window(void **state) {
    (void)state;
    const char *tracks[] = {"cloud-titan", "edge-guardian", "mobile-nomad", "tiny-pioneer"};
    for (int i = 0; i < 4; i++) {
        json_t *shown = fo_cli_json("canary", "--track", tracks[i], NULL);
        double h = fo_json_path_num(shown, "shadow_hours");
        double cycle = fo_json_path_num(shown, "release_cycle_hours");
        json_decref(shown);
        char text[32];
        snprintf(text, sizeof text, "%.1f h", h);
        json_t *j = fo_cli_json("canary", "--track", tracks[i], "--window", "hidden", NULL);
        assert_string_equal(json_string_value(fo_json_path(j, "window")), "hidden");
        assert_null(fo_json_path(j, "shadow_hours"));
        fo_expect_no_window(j, h, cycle, text);
        json_decref(j);
        /* ... and its figure: the Confidence Clock marks no crossing hour. */
        char path[512];
        snprintf(path, sizeof path, "%s/clock_hidden.svg", fo_test_tmpdir());
        remove(path);
        fo_proc p =
            fo_run_cli("canary", "--track", tracks[i], "--window", "hidden", "--svg", path, NULL);
        assert_int_equal(p.status, 0);
        fo_proc_free(&p);
        const char *svg = fo_expect_svg(path);
        if (strstr(svg, text)) fail_msg("%s: the hidden clock says %s", tracks[i], text);
    }
}

static void test_canary_presets_and_prediction(void **state) {
    (void)state;
    struct {
        const char *track;
        double per_hour;
    } t[] = {{"cloud-titan", 2000 * 3600 * 0.01 * 0.001},
             {"edge-guardian", 3750000.0 * 3600 * 2e-6 * 0.0012},
             {"mobile-nomad", 8333 * 3600 * 0.001 * 0.01},
             {"tiny-pioneer", 23.1 * 3600 * 0.01 * 0.1}};
    for (int i = 0; i < 4; i++) {
        json_t *j = fo_cli_json("canary", "--track", t[i].track, NULL);
        assert_true(fabs(fo_json_path_num(j, "monitored_requests_per_hour") - t[i].per_hour) <
                    1e-9 * t[i].per_hour);
        /* Every preset lands the 95% / 1-in-1,000 window inside the week. */
        assert_true(json_is_true(fo_json_path(j, "meets_release_limit")));
        json_decref(j);
    }
    json_t *j = fo_cli_json("canary", "--predict", "3000", NULL);
    assert_true(fo_json_path_num(j, "prediction.actual") == 2995);
    assert_true(fabs(fo_json_path_num(j, "prediction.off_by_factor") - 3000.0 / 2995) < 1e-12);
    json_decref(j);
    /* An explicit flag beats the preset. */
    j = fo_cli_json("canary", "--track", "cloud-titan", "--shadow-fraction", "0.02", NULL);
    assert_true(fabs(fo_json_path_num(j, "monitored_requests_per_hour") - 144) < 1e-9);
    json_decref(j);
}

static void test_canary_k_and_closed_form(void **state) {
    (void)state;
    json_t *j = fo_cli_json("canary", "--allowed-failures", "1", NULL);
    assert_true(fo_json_path_num(j, "requests_needed") == 4742); /* mpmath, see test_canary */
    assert_true(json_is_null(fo_json_path(j, "closed_form_requests")));
    assert_true(fo_json_path_num(j, "upper_bound_at_n") <= 0.001);
    json_decref(j);
    j = fo_cli_json("canary", "--confidence", "0.99", "--failure-rate", "0.01", NULL);
    assert_true(fo_json_path_num(j, "requests_needed") == 459);
    assert_true(fo_json_path_num(j, "closed_form_requests") == 459);
    json_decref(j);
}

static void test_canary_bad_input(void **state) {
    (void)state;
    fo_expect_usage_error("--failure-rate", "0", "canary", "--failure-rate", "0", NULL);
    fo_expect_usage_error("--confidence", "1", "canary", "--confidence", "1", NULL);
    fo_expect_usage_error("--confidence", "0", "canary", "--confidence", "0", NULL);
    fo_expect_usage_error("--confidence", "95", "canary", "--confidence", "95", NULL);
    fo_expect_usage_error("--allowed-failures", "-1", "canary", "--allowed-failures", "-1", NULL);
    fo_expect_usage_error("--allowed-failures", "1001", "canary", "--allowed-failures", "1001",
                          NULL);
    fo_expect_usage_error("--shadow-fraction", "0", "canary", "--shadow-fraction", "0", NULL);
    fo_expect_usage_error("--slice-share", "1.5", "canary", "--slice-share", "1.5", NULL);
    fo_expect_usage_error("--request-rate-per-s", "-3", "canary", "--request-rate-per-s", "-3",
                          NULL);
    fo_expect_usage_error("--attempt-hours", "0", "canary", "--attempt-hours", "0", NULL);
    fo_expect_usage_error("--attempt-number", "11", "canary", "--attempt-hours", "5",
                          "--attempt-number", "11", NULL);
    fo_expect_usage_error("--figure", "pie", "canary", "--figure", "pie", NULL);
    fo_expect_usage_error("--track", "mars", "canary", "--track", "mars", NULL);
    fo_expect_usage_error("--confidence", "abc", "canary", "--confidence", "abc", NULL);
    /* The 11th attempt's message says why. */
    fo_proc p = fo_run_cli("canary", "--attempt-hours", "5", "--attempt-number", "11", NULL);
    assert_non_null(strstr(p.err, "10-Iteration Rule"));
    fo_proc_free(&p);
}

static void test_canary_svg(void **state) {
    (void)state;
    char clock[512], radar[512];
    snprintf(clock, sizeof clock, "%s/clock.svg", fo_test_tmpdir());
    snprintf(radar, sizeof radar, "%s/radar.svg", fo_test_tmpdir());
    remove(clock), remove(radar);
    fo_proc p = fo_run_cli("canary", "--track", "edge-guardian", "--attempt-hours", "100", "--svg",
                           clock, NULL);
    assert_int_equal(p.status, 0);
    fo_proc_free(&p);
    fo_expect_svg(clock);
    p = fo_run_cli("canary", "--figure", "radar", "--svg", radar, NULL);
    assert_int_equal(p.status, 0);
    fo_proc_free(&p);
    fo_expect_svg(radar);
    /* A bad flag leaves no file behind. */
    remove(clock);
    p = fo_run_cli("canary", "--confidence", "2", "--svg", clock, NULL);
    assert_int_equal(p.status, 2);
    fo_proc_free(&p);
    FILE *f = fopen(clock, "rb");
    assert_null(f);
}

static void test_canary_text(void **state) {
    (void)state;
    fo_proc p = fo_run_cli("canary", "--track", "tiny-pioneer", "--attempt-hours", "40", NULL);
    assert_int_equal(p.status, 0);
    assert_non_null(strstr(p.out, "Requests needed (exact)    2,995"));
    assert_non_null(strstr(p.out, "Rule of three (approx.)"));
    assert_non_null(strstr(p.out, "Math Peek"));
    assert_non_null(strstr(p.out, "Advice (keep)"));
    fo_proc_free(&p);
}

static void test_bound(void **state) {
    (void)state;
    json_t *j =
        fo_cli_json("bound", "--failures", "0", "--requests", "2995", "--confidence", "0.95", NULL);
    /* 1 - 0.05^(1/2995) */
    assert_true(fabs(fo_json_path_num(j, "upper_bound") - 0.00099974442090114196) < 1e-16);
    json_decref(j);
    j = fo_cli_json("bound", "--failures", "3", "--requests", "1000", NULL);
    /* Beta(4, 997) quantile at 0.95 (mpmath): 0.0077352447184794597 */
    assert_true(fabs(fo_json_path_num(j, "upper_bound") - 0.0077352447184794597) < 1e-15);
    assert_true(json_is_null(fo_json_path(j, "rule_of_three_bound")));
    json_decref(j);
    j = fo_cli_json("bound", "--failures", "7", "--requests", "7", NULL);
    assert_true(fo_json_path_num(j, "upper_bound") == 1);
    json_decref(j);
    fo_expect_usage_error("--failures", "8", "bound", "--failures", "8", "--requests", "7", NULL);
    fo_expect_usage_error("--failures", "-1", "bound", "--failures", "-1", "--requests", "7", NULL);
    fo_expect_usage_error("--failures", "4000000", "bound", "--failures", "4000000", "--requests",
                          "9000000000000000", NULL);
    fo_expect_usage_error("--requests", "0", "bound", "--failures", "0", "--requests", "0", NULL);
    fo_expect_usage_error("--requests", "", "bound", "--failures", "0", NULL);
    fo_expect_usage_error("--confidence", "1.5", "bound", "--failures", "0", "--requests", "10",
                          "--confidence", "1.5", NULL);
}

static void test_api_in_process(void **state) {
    (void)state;
    int status;
    json_t *j = fo_api_json("canary", &status, "confidence", "0.9", "failure_rate", "0.1", NULL);
    assert_int_equal(status, 0);
    assert_true(fo_json_path_num(j, "requests_needed") == 22);
    json_decref(j);
    j = fo_api_json("canary", &status, "failure_rate", "0", NULL);
    assert_null(j);
    assert_int_equal(status, 2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canary_default_contract),
        cmocka_unit_test(test_canary_attempt),
        cmocka_unit_test(test_canary_hidden_window),
        cmocka_unit_test(test_canary_presets_and_prediction),
        cmocka_unit_test(test_canary_k_and_closed_form),
        cmocka_unit_test(test_canary_bad_input),
        cmocka_unit_test(test_canary_svg),
        cmocka_unit_test(test_canary_text),
        cmocka_unit_test(test_bound),
        cmocka_unit_test(test_api_in_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
