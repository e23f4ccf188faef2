/* test_cli_roi.c — `fleetops roi` as a user runs it: the JSON contract, the prediction line,
 * the readable report, the figure, and every kind of bad input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

static void test_json_contract(void **state) {
    (void)state;
    fo_proc p = fo_run_cli("roi", "--json", NULL);
    assert_int_equal(p.status, 0);
    assert_string_equal(p.err, "");
    json_t *r = fo_parse_json(p.out);
    const char *keys[] = {"models",
                          "heterogeneity",
                          "toil_hours",
                          "manual_toil_usd",
                          "platform_total_usd",
                          "roi_usd",
                          "break_even_models",
                          "ftes_needed",
                          "max_models_under_toil_cap",
                          "curve",
                          "math_peek"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!json_object_get(r, keys[i])) fail_msg("missing key %s", keys[i]);
    const char *toil[] = {"alerts", "deployment", "dependencies", "total"};
    for (size_t i = 0; i < 4; i++)
        fo_json_path_num(json_object_get(r, "toil_hours"), toil[i]);
    /* defaults: N* = 32, derived by hand in tests/unit/test_roi.c */
    assert_float_equal(fo_json_path_num(r, "break_even_models"), 32, 0);
    assert_float_equal(fo_json_path_num(r, "models"), 20, 0);
    assert_float_equal(fo_json_path_num(r, "toil_hours.alerts"), 78 * 20, 1e-9);
    json_t *curve = json_object_get(r, "curve");
    assert_true(json_array_size(curve) >= 64);
    json_t *last = json_array_get(curve, json_array_size(curve) - 1);
    assert_true(fo_json_path_num(last, "models") >= 64);
    assert_null(json_object_get(r, "prediction"));
    json_decref(r);
    fo_proc_free(&p);
}

static void test_prediction(void **state) {
    (void)state;
    fo_proc p = fo_run_cli("roi", "--predict", "64", NULL);
    assert_int_equal(p.status, 0);
    assert_non_null(strstr(p.out, "You predicted 64 models; the break-even is 32 (off by 2.0x)."));
    fo_proc_free(&p);
    p = fo_run_cli("roi", "--predict", "16", "--json", NULL);
    json_t *r = fo_parse_json(p.out);
    assert_float_equal(fo_json_path_num(r, "prediction.predicted"), 16, 0);
    assert_float_equal(fo_json_path_num(r, "prediction.actual"), 32, 0);
    assert_float_equal(fo_json_path_num(r, "prediction.off_by_factor"), 2.0, 1e-12);
    json_decref(r);
    fo_proc_free(&p);
}

static void test_text_report(void **state) {
    (void)state;
    fo_proc p = fo_run_cli("roi", "--track", "cloud-titan", NULL);
    assert_int_equal(p.status, 0);
    assert_non_null(strstr(p.out, "N = 50 models"));
    assert_non_null(strstr(p.out, "Break-even N*"));
    assert_non_null(strstr(p.out, "ROI_platform = Toil_manual - (CapEx_platform + Toil_platform)"));
    assert_non_null(strstr(p.out, "M manual toil")); /* the terminal plot's key */
    fo_proc_free(&p);
}

static void test_flag_forms(void **state) {
    (void)state;
    fo_proc a = fo_run_cli("roi", "--models=40", "--json", NULL);
    fo_proc b = fo_run_cli("roi", "--models", "40", "--json", NULL);
    assert_int_equal(a.status, 0);
    assert_string_equal(a.out, b.out);
    fo_proc_free(&a);
    fo_proc_free(&b);
}

/* Exit 2, nothing on stdout, exactly one line on stderr containing each of `needles`. */
static void expect_usage_error(const char *const *argv, const char *const *needles) {
    fo_proc p = fo_run_cliv(argv);
    if (p.status != 2) fail_msg("%s %s: exit %d, want 2 (%s)", argv[0], argv[1], p.status, p.err);
    assert_string_equal(p.out, "");
    int lines = 0;
    for (const char *c = p.err; *c; c++)
        lines += *c == '\n';
    if (lines != 1) fail_msg("want one stderr line, got: %s", p.err);
    for (size_t i = 0; needles[i]; i++)
        if (!strstr(p.err, needles[i])) fail_msg("stderr lacks \"%s\": %s", needles[i], p.err);
    fo_proc_free(&p);
}

static void test_bad_input(void **state) {
    (void)state;
    struct {
        const char *argv[8];
        const char *needles[4];
    } cases[] = {
        {{"roi", "--models", "0", "--json"}, {"--models", "\"0\"", "integer in [1, 100000]"}},
        {{"roi", "--models", "abc"}, {"--models", "abc", "not an integer"}},
        {{"roi", "--heterogeneity", "nan"}, {"--heterogeneity", "nan", "number in [0, 1]"}},
        {{"roi", "--heterogeneity", ""}, {"--heterogeneity", "empty value"}},
        {{"roi", "--heterogeneity="}, {"--heterogeneity", "empty value"}},
        {{"roi", "--heterogeneity", "50"}, {"--heterogeneity", "not a percent"}},
        {{"roi", "--models", "5", "--models", "6"}, {"--models", "repeated"}},
        {{"roi", "--model", "5"}, {"unknown flag --model", "--models"}},
        {{"roi", "--track", "mars"}, {"--track", "mars", "cloud-titan"}},
        {{"roi", "--models"}, {"--models", "missing value"}},
        {{"roi", "--capex_usd", "5"}, {"dashes"}},
        {{"roi", "stray"}, {"stray", "unexpected argument"}},
        {{"roi", "--svg", "", "--json"}, {"--svg", "empty value"}},
        {{"tracks", "--svg", "x.svg"}, {"--svg", "no figure"}},
        {{"roi", "--predict", "0"}, {"--predict", "[1, 100000]"}},
        {{"roi", "--engineer-cost-usd-per-hour", "-5"}, {"--engineer-cost-usd-per-hour", "-5"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_usage_error(cases[i].argv, cases[i].needles);
}

static void test_svg(void **state) {
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/roi-test.svg", fo_test_tmpdir());
    remove(path);
    fo_proc p = fo_run_cli("roi", "--track", "mobile-nomad", "--svg", path, NULL);
    assert_int_equal(p.status, 0);
    fo_expect_svg(path);
    fo_proc_free(&p);
    /* an unwritable path: exit 1, a message, no file and no report on stdout */
    p = fo_run_cli("roi", "--svg", "/nonexistent-dir/x.svg", NULL);
    assert_int_equal(p.status, 1);
    assert_non_null(strstr(p.err, "cannot write"));
    assert_string_equal(p.out, "");
    struct stat st;
    assert_int_not_equal(stat("/nonexistent-dir/x.svg", &st), 0);
    fo_proc_free(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_contract), cmocka_unit_test(test_prediction),
        cmocka_unit_test(test_text_report),   cmocka_unit_test(test_flag_forms),
        cmocka_unit_test(test_bad_input),     cmocka_unit_test(test_svg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
