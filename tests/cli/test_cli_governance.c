/* test_cli_governance.c — `fleetops governance` as a user runs it: --policy is required and
 * checked, the JSON contract of issue 4, strict vs loose at the defaults, track presets,
 * byte-identical output for a seed, and a well-formed SVG. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static void expect_usage_error(const char *flag, const char *value, const char *allowed,
                               const char *const *argv) {
    fo_proc p = fo_run_cliv(argv);
    assert_int_equal(p.status, 2);
    assert_string_equal(p.out, "");
    char *nl = strchr(p.err, '\n');
    assert_non_null(nl);
    assert_true(nl[1] == '\0');
    if (!strstr(p.err, flag) || !strstr(p.err, value) || !strstr(p.err, allowed))
        fail_msg("stderr \"%s\" should name %s, %s and %s", p.err, flag, value, allowed);
    fo_proc_free(&p);
}

static void test_bad_input(void **state) {
    (void)state;
    /* --policy is required: the one decision the command is about. */
    fo_proc p = fo_run_cli("governance", NULL);
    assert_int_equal(p.status, 2);
    assert_non_null(strstr(p.err, "--policy"));
    assert_non_null(strstr(p.err, "one of: loose, strict"));
    fo_proc_free(&p);
    expect_usage_error("--policy", "medium", "one of: loose, strict",
                       (const char *[]){"governance", "--policy", "medium", NULL});
    expect_usage_error("--weeks", "0", "integer in [4, 156]",
                       (const char *[]){"governance", "--policy", "loose", "--weeks", "0", NULL});
    expect_usage_error(
        "--weeks", "52.5", "integer in [4, 156]",
        (const char *[]){"governance", "--policy", "loose", "--weeks", "52.5", NULL});
    expect_usage_error(
        "--release-every-weeks", "1", "integer in [2, 156]",
        (const char *[]){"governance", "--policy", "strict", "--release-every-weeks", "1", NULL});
    expect_usage_error(
        "--retrain-days", "-3", "number in [0, 90]",
        (const char *[]){"governance", "--policy", "strict", "--retrain-days", "-3", NULL});
    expect_usage_error(
        "--detection-weeks", "0", "integer in [1, 26]",
        (const char *[]){"governance", "--policy", "loose", "--detection-weeks", "0", NULL});
    expect_usage_error(
        "--requests-per-week", "5000", "integer in [100, 2000]",
        (const char *[]){"governance", "--policy", "loose", "--requests-per-week", "5000", NULL});
    expect_usage_error(
        "--severity", "nan", "number in [0, 1]",
        (const char *[]){"governance", "--policy", "loose", "--severity", "nan", NULL});
}

static void test_json_contract(void **state) {
    (void)state;
    fo_proc s = fo_run_cli("governance", "--policy", "strict", "--json", NULL),
            l = fo_run_cli("governance", "--policy", "loose", "--json", NULL);
    assert_int_equal(s.status, 0);
    assert_int_equal(l.status, 0);
    json_t *js = fo_parse_json(s.out), *jl = fo_parse_json(l.out);
    const char *keys[] = {"silent_failure_weeks", "incidents", "mean_accuracy",
                          "upgrade_delay_days"};
    for (int k = 0; k < 4; k++) {
        fo_json_path_num(js, keys[k]);
        fo_json_path_num(jl, keys[k]);
    }
    assert_string_equal(json_string_value(fo_json_path(js, "policy")), "strict");
    /* Strict contracts: zero silent-failure weeks; loose versioning: some, at the defaults. */
    assert_true(fo_json_path_num(js, "silent_failure_weeks") == 0);
    assert_true(fo_json_path_num(jl, "silent_failure_weeks") > 0);
    assert_true(fo_json_path_num(jl, "incidents") > 0);
    assert_true(fo_json_path_num(js, "upgrade_delay_days") == 13);
    assert_true(fo_json_path_num(jl, "upgrade_delay_days") == 0);
    /* Each names the other as its comparison, with the same numbers. */
    assert_true(fo_json_path_num(js, "comparison.silent_failure_weeks") ==
                fo_json_path_num(jl, "silent_failure_weeks"));
    assert_true(fo_json_path_num(jl, "comparison.mean_accuracy") ==
                fo_json_path_num(js, "mean_accuracy"));
    assert_int_equal(json_array_size(fo_json_path(js, "weekly")), 52);
    assert_int_equal(json_array_size(fo_json_path(js, "releases")), 8);
    assert_true(json_is_string(fo_json_path(js, "math_peek")));
    json_decref(js), json_decref(jl);
    fo_proc_free(&s), fo_proc_free(&l);
}

static void test_tracks_and_text(void **state) {
    (void)state;
    const char *tracks[] = {"cloud-titan", "edge-guardian", "mobile-nomad", "tiny-pioneer"};
    const double cadence[] = {4, 13, 6, 8};
    for (int t = 0; t < 4; t++) {
        fo_proc p =
            fo_run_cli("governance", "--policy", "strict", "--track", tracks[t], "--json", NULL);
        assert_int_equal(p.status, 0);
        json_t *j = fo_parse_json(p.out);
        assert_true(fo_json_path_num(j, "release_every_weeks") == cadence[t]);
        assert_true(fo_json_path_num(j, "silent_failure_weeks") == 0);
        json_decref(j);
        fo_proc_free(&p);
    }
    fo_proc p = fo_run_cli("governance", "--policy", "loose", NULL);
    assert_int_equal(p.status, 0);
    assert_non_null(strstr(p.out, "Loose Versioning vs Strict Immutable Contracts"));
    assert_non_null(strstr(p.out, "Math Peek"));
    fo_proc_free(&p);
}

static void test_same_seed_same_bytes(void **state) {
    (void)state;
    fo_proc a = fo_run_cli("governance", "--policy", "loose", "--seed", "3", "--json", NULL),
            b = fo_run_cli("governance", "--policy", "loose", "--seed", "3", "--json", NULL),
            c = fo_run_cli("governance", "--policy", "loose", "--seed", "4", "--json", NULL);
    assert_string_equal(a.out, b.out);
    assert_true(strcmp(a.out, c.out) != 0);
    fo_proc_free(&a), fo_proc_free(&b), fo_proc_free(&c);
}

static void test_svg(void **state) {
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/governance.svg", fo_test_tmpdir());
    remove(path);
    fo_proc p = fo_run_cli("governance", "--policy", "loose", "--svg", path, NULL);
    assert_int_equal(p.status, 0);
    fo_proc_free(&p);
    assert_non_null(strstr(fo_expect_svg(path), "<title>Governance year"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_json_contract),
        cmocka_unit_test(test_tracks_and_text),
        cmocka_unit_test(test_same_seed_same_bytes),
        cmocka_unit_test(test_svg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
