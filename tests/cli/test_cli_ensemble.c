/* test_cli_ensemble.c — `fleetops ensemble` as a user runs it: the JSON contract of issue 4,
 * usage errors (exit 2, one stderr line naming the flag, the value and what is allowed), the
 * prediction, track presets, byte-identical output for a seed, and a well-formed SVG. */
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
    assert_true(nl[1] == '\0'); /* exactly one line */
    if (!strstr(p.err, flag) || !strstr(p.err, value) || !strstr(p.err, allowed))
        fail_msg("stderr \"%s\" should name %s, %s and %s", p.err, flag, value, allowed);
    fo_proc_free(&p);
}

static void test_bad_input(void **state) {
    (void)state;
    expect_usage_error("--upstream", "v3", "one of: v1, v2",
                       (const char *[]){"ensemble", "--upstream", "v3", NULL});
    expect_usage_error("--retrain", "maybe", "one of: yes, no",
                       (const char *[]){"ensemble", "--retrain", "maybe", NULL});
    expect_usage_error("--severity", "1.5", "number in [0, 1]",
                       (const char *[]){"ensemble", "--severity", "1.5", NULL});
    expect_usage_error("--severity", "abc", "number in [0, 1]",
                       (const char *[]){"ensemble", "--severity", "abc", NULL});
    expect_usage_error("--seed", "-1", "integer in [0, ",
                       (const char *[]){"ensemble", "--seed", "-1", NULL});
    expect_usage_error("--requests", "10", "integer in [500, ",
                       (const char *[]){"ensemble", "--requests", "10", NULL});
    expect_usage_error("--train-size", "1e9", "integer in [500, ",
                       (const char *[]){"ensemble", "--train-size", "1e9", NULL});
    expect_usage_error("--silent-failure-margin", "5", "a fraction, not a percent",
                       (const char *[]){"ensemble", "--silent-failure-margin", "5", NULL});
    expect_usage_error("--predict", "yes", "one of: drop, no-drop",
                       (const char *[]){"ensemble", "--predict", "yes", NULL});
    expect_usage_error("--track", "mars", "one of: cloud-titan",
                       (const char *[]){"ensemble", "--track", "mars", NULL});
    expect_usage_error(
        "--severity", "0.5", "repeated",
        (const char *[]){"ensemble", "--severity", "0.5", "--severity", "0.5", NULL});
    expect_usage_error("--bogus", "1", "--upstream",
                       (const char *[]){"ensemble", "--bogus", "1", NULL});
}

static void test_json_contract(void **state) {
    (void)state;
    fo_proc p = fo_run_cli("ensemble", "--json", NULL);
    assert_int_equal(p.status, 0);
    json_t *j = fo_parse_json(p.out);
    double acc = fo_json_path_num(j, "accuracy"), base = fo_json_path_num(j, "baseline_accuracy"),
           retr = fo_json_path_num(j, "retrained_accuracy");
    /* The defaults are the crisis: v2 shipped without retraining. */
    assert_true(base - acc >= 0.10 && retr > base);
    assert_true(fo_json_path_num(j, "requests_served") == 1000);
    assert_true(fo_json_path_num(j, "errors_raised") == 0);
    assert_true(json_is_true(fo_json_path(j, "silent_failure")));
    assert_true(json_is_false(fo_json_path(j, "contract_ok")));
    json_t *skew = fo_json_path(j, "skew");
    assert_true(json_is_true(json_object_get(skew, "flagged")));
    json_t *features = json_object_get(skew, "features");
    assert_int_equal(json_array_size(features), 8);
    for (size_t i = 0; i < json_array_size(features); i++) {
        json_t *f = json_array_get(features, i);
        assert_true(json_is_string(json_object_get(f, "name")));
        assert_true(json_is_number(json_object_get(f, "psi")));
        assert_true(json_is_number(json_object_get(f, "js_distance")));
        assert_true(json_is_number(json_object_get(f, "linf")));
        assert_true(json_is_boolean(json_object_get(f, "flagged")));
    }
    json_t *trace = fo_json_path(j, "trace");
    assert_true(json_array_size(trace) >= 4);
    for (size_t i = 0; i < json_array_size(trace); i++) {
        json_t *t = json_array_get(trace, i);
        const char *keys[] = {
            "request", "truth", "raw",    "extractor_version", "view", "classifier_expects",
            "score",   "label", "correct"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (!json_object_get(t, keys[k])) fail_msg("trace record lacks \"%s\"", keys[k]);
        assert_string_equal(json_string_value(json_object_get(t, "extractor_version")), "v2");
        assert_true(json_integer_value(fo_json_path(t, "view.version")) == 2);
        assert_true(json_integer_value(fo_json_path(t, "classifier_expects.version")) == 1);
        assert_true(json_is_string(fo_json_path(t, "view.schema_hash")));
    }
    assert_true(json_is_string(fo_json_path(j, "math_peek")));
    assert_null(fo_json_path(j, "prediction")); /* only with --predict */
    json_decref(j);
    fo_proc_free(&p);

    /* v1 -> v1: no skew, the contract holds, no silent failure. */
    p = fo_run_cli("ensemble", "--upstream", "v1", "--json", NULL);
    j = fo_parse_json(p.out);
    assert_true(json_is_true(fo_json_path(j, "contract_ok")));
    assert_true(json_is_false(fo_json_path(j, "skew.flagged")));
    assert_true(json_is_false(fo_json_path(j, "silent_failure")));
    assert_true(fo_json_path_num(j, "accuracy") == fo_json_path_num(j, "baseline_accuracy"));
    json_decref(j);
    fo_proc_free(&p);
}

static void test_prediction(void **state) {
    (void)state;
    fo_proc p = fo_run_cli("ensemble", "--predict", "drop", "--json", NULL);
    json_t *j = fo_parse_json(p.out);
    assert_string_equal(json_string_value(fo_json_path(j, "prediction.actual")), "drop");
    assert_true(json_is_true(fo_json_path(j, "prediction.correct")));
    json_decref(j);
    fo_proc_free(&p);
    p = fo_run_cli("ensemble", "--predict", "no-drop", "--json", NULL);
    j = fo_parse_json(p.out);
    assert_true(json_is_false(fo_json_path(j, "prediction.correct")));
    json_decref(j);
    fo_proc_free(&p);
    /* Retrained on v2, accuracy rises: "no-drop" is right. */
    p = fo_run_cli("ensemble", "--retrain", "yes", "--predict", "no-drop", "--json", NULL);
    j = fo_parse_json(p.out);
    assert_string_equal(json_string_value(fo_json_path(j, "prediction.actual")), "no-drop");
    assert_true(json_is_true(fo_json_path(j, "prediction.correct")));
    assert_true(fo_json_path_num(j, "prediction.accuracy_change") > 0);
    json_decref(j);
    fo_proc_free(&p);
    /* The text report says so too. */
    p = fo_run_cli("ensemble", "--predict", "no-drop", NULL);
    assert_int_equal(p.status, 0);
    assert_non_null(strstr(p.out, "you were wrong"));
    assert_non_null(strstr(p.out, "SILENT FAILURE"));
    assert_non_null(strstr(p.out, "Math Peek"));
    fo_proc_free(&p);
}

static void test_tracks(void **state) {
    (void)state;
    const char *tracks[] = {"cloud-titan", "edge-guardian", "mobile-nomad", "tiny-pioneer"};
    const char *positive[] = {"toxic", "will cross", "text to translate", "wake word"};
    for (int t = 0; t < 4; t++) {
        fo_proc p = fo_run_cli("ensemble", "--track", tracks[t], "--json", NULL);
        assert_int_equal(p.status, 0);
        json_t *j = fo_parse_json(p.out);
        assert_string_equal(json_string_value(fo_json_path(j, "story.positive_class")),
                            positive[t]);
        assert_true(json_is_true(fo_json_path(j, "silent_failure")));
        json_decref(j);
        fo_proc_free(&p);
    }
    /* Presets fill what is not given; a flag wins over a preset. */
    fo_proc p = fo_run_cli("ensemble", "--track", "cloud-titan", "--json", NULL);
    json_t *j = fo_parse_json(p.out);
    assert_true(fo_json_path_num(j, "severity") == 1.0);
    assert_true(fo_json_path_num(j, "requests_served") == 5000);
    json_decref(j);
    fo_proc_free(&p);
    p = fo_run_cli("ensemble", "--track", "cloud-titan", "--severity", "0.2", "--json", NULL);
    j = fo_parse_json(p.out);
    assert_true(fo_json_path_num(j, "severity") == 0.2);
    json_decref(j);
    fo_proc_free(&p);
}

static void test_same_seed_same_bytes(void **state) {
    (void)state;
    const char *args[][8] = {{"ensemble", "--seed", "7", "--json", NULL},
                             {"ensemble", "--seed", "7", NULL}};
    for (int k = 0; k < 2; k++) {
        fo_proc a = fo_run_cliv(args[k]), b = fo_run_cliv(args[k]);
        assert_int_equal(a.status, 0);
        assert_string_equal(a.out, b.out);
        fo_proc_free(&a), fo_proc_free(&b);
    }
    fo_proc a = fo_run_cli("ensemble", "--seed", "7", "--json", NULL),
            b = fo_run_cli("ensemble", "--seed", "8", "--json", NULL);
    assert_true(strcmp(a.out, b.out) != 0);
    fo_proc_free(&a), fo_proc_free(&b);
}

static void test_svg(void **state) {
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/ensemble_trace.svg", fo_test_tmpdir());
    remove(path);
    fo_proc p = fo_run_cli("ensemble", "--svg", path, "--json", NULL);
    assert_int_equal(p.status, 0);
    json_decref(fo_parse_json(p.out));
    fo_proc_free(&p);
    const char *svg = fo_expect_svg(path);
    assert_non_null(strstr(svg, "<title>Ensemble Trace"));
    assert_non_null(strstr(svg, "#d55e00")); /* mismatches in the palette's bad colour */
    /* A bad flag writes nothing. */
    remove(path);
    p = fo_run_cli("ensemble", "--severity", "2", "--svg", path, NULL);
    assert_int_equal(p.status, 2);
    assert_null(fopen(path, "r"));
    fo_proc_free(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_json_contract),
        cmocka_unit_test(test_prediction),
        cmocka_unit_test(test_tracks),
        cmocka_unit_test(test_same_seed_same_bytes),
        cmocka_unit_test(test_svg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
