/* test_cli_rollout.c — the contract of `fleetops rollout` (issue 3): the stages array and its
 * keys, the track scenarios (Edge Guardian's latency rollback, Tiny Pioneer's SPRT rollback,
 * Cloud Titan's promotion), seeds, bad input and the ShadowModeDashboard SVG. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static void check_stages(json_t *j) {
    json_t *st = fo_json_path(j, "stages");
    assert_true(json_is_array(st) && json_array_size(st) >= 1);
    const char *ladder[] = {"shadow", "1%", "5%", "25%", "100%"};
    for (size_t i = 0; i < json_array_size(st); i++) {
        json_t *s = json_array_get(st, i);
        const char *name = json_string_value(json_object_get(s, "stage"));
        int idx = (int)json_integer_value(json_object_get(s, "stage_index"));
        assert_true(idx >= 0 && idx < 5);
        assert_string_equal(name, ladder[idx]);
        const char *keys[] = {"requests", "failures",    "running_confidence",
                              "llr",      "start_hours", "end_hours"};
        for (int k = 0; k < 6; k++)
            assert_true(json_is_number(json_object_get(s, keys[k])));
        assert_true(json_is_array(json_object_get(s, "latency")));
        const char *d = json_string_value(json_object_get(s, "decision"));
        assert_true(strcmp(d, "promote") == 0 || strcmp(d, "hold") == 0 ||
                    strcmp(d, "roll back") == 0 || strcmp(d, "complete") == 0);
        assert_true(json_is_string(json_object_get(s, "reason")));
    }
    const char *d = json_string_value(fo_json_path(j, "decision"));
    assert_true(strcmp(d, "promote") == 0 || strcmp(d, "roll back") == 0);
    assert_true(json_is_string(fo_json_path(j, "reason")));
    assert_true(json_is_string(fo_json_path(j, "math_peek")));
}

static void test_tracks(void **state) {
    (void)state;
    /* Edge Guardian (its scenario: four generations, 0.3% of HW1's frames on a 100 ms slow
     * path, the 10 ms loop held at p99.9): shadow mode reveals the tail on HW1; roll back. */
    json_t *j = fo_cli_json("rollout", "--track", "edge-guardian", NULL);
    check_stages(j);
    assert_string_equal(json_string_value(fo_json_path(j, "decision")), "roll back");
    assert_true(fo_json_path_num(j, "gate_quantile") == 0.999);
    json_t *s0 = json_array_get(fo_json_path(j, "stages"), 0);
    assert_string_equal(json_string_value(json_object_get(s0, "rule")), "latency");
    json_t *lat = json_object_get(s0, "latency");
    assert_int_equal(json_array_size(lat), 4);
    assert_true(json_number_value(json_object_get(json_array_get(lat, 0), "gate_ms")) > 10);
    assert_true(json_number_value(json_object_get(json_array_get(lat, 1), "gate_ms")) < 10);
    /* 0.3% is too rare for p99 to see: only the p99.9 gate catches it. */
    assert_true(json_number_value(json_object_get(json_array_get(lat, 0), "p99_ms")) < 10);
    json_decref(j);
    /* Tiny Pioneer: the wake-word detector's failures rise to 2%: the SPRT rolls back. */
    j = fo_cli_json("rollout", "--track", "tiny-pioneer", NULL);
    check_stages(j);
    assert_string_equal(json_string_value(fo_json_path(j, "decision")), "roll back");
    json_t *st = fo_json_path(j, "stages");
    json_t *last = json_array_get(st, json_array_size(st) - 1);
    assert_string_equal(json_string_value(json_object_get(last, "rule")), "sprt_reject");
    json_decref(j);
    /* Cloud Titan: a better candidate goes all the way. */
    j = fo_cli_json("rollout", "--track", "cloud-titan", NULL);
    check_stages(j);
    assert_string_equal(json_string_value(fo_json_path(j, "decision")), "promote");
    st = fo_json_path(j, "stages");
    assert_int_equal(json_array_size(st), 5);
    json_decref(j);
    j = fo_cli_json("rollout", "--track", "mobile-nomad", "--seed", "4", NULL);
    check_stages(j);
    json_decref(j);
    /* No track: no hardware generations, so no latency entries. */
    j = fo_cli_json("rollout", NULL);
    check_stages(j);
    assert_int_equal(
        json_array_size(json_object_get(json_array_get(fo_json_path(j, "stages"), 0), "latency")),
        0);
    json_decref(j);
}

static void test_seed(void **state) {
    (void)state;
    json_t *a = fo_cli_json("rollout", "--track", "mobile-nomad", "--seed", "11", NULL);
    json_t *b = fo_cli_json("rollout", "--track", "mobile-nomad", "--seed", "11", NULL);
    char *sa = json_dumps(a, JSON_SORT_KEYS), *sb = json_dumps(b, JSON_SORT_KEYS);
    assert_string_equal(sa, sb);
    free(sa), free(sb);
    json_decref(a), json_decref(b);
}

static void test_bad_input(void **state) {
    (void)state;
    fo_expect_usage_error("--p1", "0.0004", "rollout", "--p1", "0.0004", NULL);
    fo_expect_usage_error("--shadow-fraction", "1", "rollout", "--request-rate-per-s", "1e8",
                          "--slice-share", "1", "--shadow-fraction", "1", NULL);
    fo_expect_usage_error("--true-failure-rate", "0.5", "rollout", "--true-failure-rate", "0.5",
                          NULL);
    fo_expect_usage_error("--max-holds", "4", "rollout", "--max-holds", "4", NULL);
    fo_expect_usage_error("--confidence", "1", "rollout", "--confidence", "1", NULL);
    fo_expect_usage_error("--seed", "x", "rollout", "--seed", "x", NULL);
    fo_expect_usage_error("--track", "moon", "rollout", "--track", "moon", NULL);
}

static void test_svg_and_text(void **state) {
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/dashboard.svg", fo_test_tmpdir());
    remove(path);
    fo_proc p = fo_run_cli("rollout", "--track", "edge-guardian", "--svg", path, NULL);
    assert_int_equal(p.status, 0);
    assert_non_null(strstr(p.out, "ROLLED BACK"));
    assert_non_null(strstr(p.out, "HW1 (2017)"));
    fo_proc_free(&p);
    assert_non_null(strstr(fo_expect_svg(path), "ROLL BACK"));
}

/* The dashboard replays the student's window (issue 14): --attempt-hours is the shadow stage's
 * dwell, watched at canary's monitored rate (Cloud Titan: 2,000/s x 3600 x 1% x 0.1% = 72 an
 * hour, so 40 h sees 2,880 scored requests, one fewer where the product rounds below). */
static void test_replays_the_window(void **state) {
    (void)state;
    json_t *j = fo_cli_json("rollout", "--track", "cloud-titan", "--attempt-hours", "40", NULL);
    assert_true(fo_json_path_num(j, "shadow_hours") == 40);
    assert_true(json_is_true(fo_json_path(j, "shadow_hours_from_attempt")));
    assert_true(fabs(fo_json_path_num(j, "monitored_per_hour") - 72) < 1e-9);
    json_t *s0 = json_array_get(fo_json_path(j, "stages"), 0);
    assert_true(json_number_value(json_object_get(s0, "end_hours")) == 40);
    double n = json_number_value(json_object_get(s0, "requests"));
    assert_true(n >= 2879 && n <= 2880);
    json_decref(j);
    j = fo_cli_json("rollout", "--track", "cloud-titan", NULL); /* no window: the ladder's 24 h */
    assert_true(fo_json_path_num(j, "shadow_hours") == 24);
    assert_true(json_is_false(fo_json_path(j, "shadow_hours_from_attempt")));
    json_decref(j);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tracks),       cmocka_unit_test(test_replays_the_window),
        cmocka_unit_test(test_seed),         cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_svg_and_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
