/* test_command.c — the command table: validation in one place, presets and defaults in range,
 * the schema, and the JSON writer's number round trip. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fleetops/command.h"
#include "fleetops/json.h"
#include "fleetops/lab.h"
#include "fleetops/rng.h"
#include "testutil.h"

static fo_status set_one(const char *cmd, const char *name, const char *value, fo_error *e) {
    fo_args a;
    fo_args_init(&a, fo_command_find(cmd));
    return fo_args_set(&a, name, value, e);
}

static void expect_error(const char *name, const char *value, const char *error,
                         const char *allowed_part) {
    fo_error e;
    assert_int_equal(set_one("roi", name, value, &e), FO_EUSAGE);
    if (!strstr(e.error, error))
        fail_msg("%s=%s: error \"%s\", want \"%s\"", name, value, e.error, error);
    assert_string_equal(e.param, name);
    if (allowed_part && !strstr(e.allowed, allowed_part))
        fail_msg("allowed \"%s\" lacks \"%s\"", e.allowed, allowed_part);
}

static void test_rejects_bad_values(void **state) {
    (void)state;
    expect_error("models", "0", "out of range", "integer in [1, 100000]");
    expect_error("models", "100001", "out of range", "[1, 100000]");
    expect_error("models", "2.5", "not an integer", NULL);
    expect_error("models", "abc", "not an integer", NULL);
    expect_error("models", "", "empty value", NULL);
    expect_error("models", " 5", "not an integer", NULL);
    expect_error("models", "99999999999999999999", "not an integer", NULL);
    expect_error("heterogeneity", "nan", "not a number", "number in [0, 1]");
    expect_error("heterogeneity", "NaN", "not a number", NULL);
    expect_error("heterogeneity", "inf", "not a number", NULL);
    expect_error("heterogeneity", "0x1p-1", "not a number", NULL);
    expect_error("heterogeneity", "1e999", "not a number", NULL);
    expect_error("heterogeneity", "0.5 ", "not a number", NULL);
    expect_error("heterogeneity", "-0.01", "out of range", NULL);
    expect_error("heterogeneity", "50", "a fraction, not a percent", NULL);
    expect_error("track", "mars", "unknown choice", "one of: cloud-titan, edge-guardian");
    fo_error e;
    assert_int_equal(set_one("roi", "modelz", "5", &e), FO_EUSAGE);
    assert_string_equal(e.error, "unknown parameter");
    assert_non_null(strstr(e.allowed, "models"));
}

static void test_accepts_edges_and_rejects_repeats(void **state) {
    (void)state;
    fo_args a;
    fo_error e;
    fo_args_init(&a, fo_command_find("roi"));
    assert_int_equal(fo_args_set(&a, "models", "1", &e), FO_OK);
    assert_int_equal(fo_args_set(&a, "heterogeneity", "1", &e), FO_OK);
    assert_int_equal(fo_args_set(&a, "capex_usd", "1e6", &e), FO_OK);
    assert_int_equal(fo_args_set(&a, "models", "2", &e), FO_EUSAGE);
    assert_string_equal(e.error, "repeated parameter");
    assert_float_equal(fo_arg_num(&a, "models"), 1, 0); /* the first value stands */
}

static void test_value_echo_is_sanitised(void **state) {
    (void)state;
    char longval[400];
    memset(longval, '7', sizeof longval - 1);
    longval[sizeof longval - 1] = '\0';
    fo_error e;
    assert_int_equal(set_one("roi", "heterogeneity", "1\n2\x1b[31m", &e), FO_EUSAGE);
    assert_null(strchr(e.value, '\n'));
    assert_null(strchr(e.value, '\x1b'));
    assert_int_equal(set_one("roi", "models", longval, &e), FO_EUSAGE);
    assert_true(strlen(e.value) < sizeof e.value);
    assert_non_null(strstr(e.value, "..."));
}

/* Track presets then defaults; an explicit value always wins. */
static void test_presets_and_defaults(void **state) {
    (void)state;
    fo_args a;
    fo_error e;
    fo_args_init(&a, fo_command_find("roi"));
    assert_int_equal(fo_args_set(&a, "track", "cloud-titan", &e), FO_OK);
    assert_int_equal(fo_args_set(&a, "heterogeneity", "0.9", &e), FO_OK);
    assert_int_equal(fo_args_finish(&a, &e), FO_OK);
    assert_float_equal(fo_arg_num(&a, "models"), 50, 0);         /* the plan's 50 LLM versions */
    assert_float_equal(fo_arg_num(&a, "heterogeneity"), 0.9, 0); /* explicit beats preset */
    assert_float_equal(fo_arg_num(&a, "capex_usd"), 500000, 0);  /* default */
    assert_false(fo_arg_given(&a, "predict"));
}

/* Every preset names a parameter of its command, a known track, and a value in range; every
 * default is in range; every choice default is a valid index. */
static void test_table_is_consistent(void **state) {
    (void)state;
    size_t n;
    const fo_command *const *cmds = fo_commands(&n);
    assert_true(n >= 4);
    for (size_t c = 0; c < n; c++) {
        const fo_command *cmd = cmds[c];
        assert_non_null(cmd->run);
        assert_true(cmd->nparams <= FO_MAX_PARAMS);
        for (size_t i = 0; i < cmd->nparams; i++) {
            const fo_param *p = &cmd->params[i];
            assert_non_null(p->help);
            assert_non_null(p->unit);
            for (size_t k = 0; k < i; k++)
                assert_string_not_equal(cmd->params[k].name, p->name);
            if (p->type == FO_T_STRING) {
                assert_true(!p->def_str || strlen(p->def_str) <= p->max);
            } else if (p->type == FO_T_CHOICE) {
                int count = 0;
                while (p->choices[count])
                    count++;
                assert_true(p->def_choice >= 0 && p->def_choice < count);
            } else if (!(p->flags & (FO_P_OPTIONAL | FO_P_REQUIRED))) {
                char v[64];
                snprintf(v, sizeof v, "%.17g", p->def);
                fo_args a;
                fo_error e;
                fo_args_init(&a, cmd);
                if (fo_args_set(&a, p->name, v, &e) != FO_OK)
                    fail_msg("%s --%s default %s: %s", cmd->name, p->name, v, e.error);
            }
        }
        for (size_t k = 0; k < cmd->npresets; k++) {
            const fo_preset *pr = &cmd->presets[k];
            if (pr->track)
                assert_non_null(fo_lab_track(pr->track));
            else
                assert_true(pr->scenario_field > 0); /* every track: from its scenario */
            const fo_param *p = fo_command_param(cmd, pr->param, NULL);
            if (!p) fail_msg("%s: preset for unknown parameter %s", cmd->name, pr->param);
            for (size_t t = 0; fo_track_ids[t]; t++) {
                double value;
                if (!fo_preset_value(pr, fo_track_ids[t], &value)) continue;
                char v[64];
                if (p->type == FO_T_CHOICE)
                    snprintf(v, sizeof v, "%s", p->choices[(int)value]);
                else
                    snprintf(v, sizeof v, "%.17g", value);
                fo_args a;
                fo_error e;
                fo_args_init(&a, cmd);
                if (fo_args_set(&a, p->name, v, &e) != FO_OK)
                    fail_msg("%s: preset %s %s=%s: %s", cmd->name, fo_track_ids[t], pr->param, v,
                             e.error);
            }
        }
    }
}

static void test_schema_is_json_with_every_command(void **state) {
    (void)state;
    fo_buf b;
    fo_buf_init(&b);
    fo_json j;
    fo_json_init(&j, &b);
    fo_schema_json(&j);
    json_t *root = fo_parse_json(fo_buf_str(&b));
    json_t *cmds = json_object_get(root, "commands");
    size_t n;
    fo_commands(&n);
    assert_int_equal(json_array_size(cmds), n);
    json_t *roi = NULL;
    for (size_t i = 0; i < n; i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(cmds, i), "name")), "roi") == 0)
            roi = json_array_get(cmds, i);
    assert_non_null(roi);
    json_t *params = json_object_get(roi, "params");
    json_t *models = NULL;
    for (size_t i = 0; i < json_array_size(params); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(params, i), "name")),
                   "models") == 0)
            models = json_array_get(params, i);
    assert_non_null(models);
    assert_string_equal(json_string_value(json_object_get(models, "flag")), "--models");
    assert_float_equal(json_number_value(json_object_get(models, "max")), 100000, 0);
    assert_float_equal(
        json_number_value(json_object_get(json_object_get(models, "presets"), "cloud-titan")), 50,
        0);
    json_decref(root);
    fo_buf_free(&b);
}

/* The writer's numbers read back as the same double, bit for bit. */
static void test_json_numbers_round_trip(void **state) {
    (void)state;
    fo_rng g;
    fo_rng_seed(&g, 1);
    fo_buf b;
    fo_buf_init(&b);
    for (int i = 0; i < 20000; i++) {
        double v;
        uint64_t bits = fo_rng_u64(&g);
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v)) continue;
        if (i % 3 == 0) v = (double)(int64_t)(bits >> 20) * 0.001;
        fo_buf_reset(&b);
        fo_json_format_number(&b, v);
        assert_true(strtod(fo_buf_str(&b), NULL) == v);
    }
    fo_buf_reset(&b);
    fo_json_format_number(&b, -0.0);
    assert_string_equal(fo_buf_str(&b), "0");
    fo_buf_reset(&b);
    fo_json_format_number(&b, 0.1);
    assert_string_equal(fo_buf_str(&b), "0.1");
    fo_buf_free(&b);
}

static void test_json_escapes_and_nulls(void **state) {
    (void)state;
    fo_buf b;
    fo_buf_init(&b);
    fo_json j;
    fo_json_init(&j, &b);
    fo_json_object_begin(&j, NULL);
    fo_json_string(&j, "s", "a\"b\\c\n\x01</script>");
    fo_json_number(&j, "nan", NAN);
    fo_json_number(&j, "inf", INFINITY);
    fo_json_array_begin(&j, "xs");
    fo_json_int(&j, NULL, 1);
    fo_json_bool(&j, NULL, 0);
    fo_json_array_end(&j);
    fo_json_object_end(&j);
    assert_string_equal(fo_buf_str(&b), "{\"s\":\"a\\\"b\\\\c\\n\\u0001</script>\",\"nan\":null,"
                                        "\"inf\":null,\"xs\":[1,false]}");
    json_t *root = fo_parse_json(fo_buf_str(&b));
    assert_string_equal(json_string_value(json_object_get(root, "s")), "a\"b\\c\n\x01</script>");
    json_decref(root);
    fo_buf_free(&b);
}

static void test_unknown_command(void **state) {
    (void)state;
    fo_buf b;
    fo_buf_init(&b);
    fo_output o = {&b, NULL, NULL};
    fo_error e;
    assert_int_equal(fo_command_run_kv("nope", NULL, NULL, 0, &o, &e), FO_ENOTFOUND);
    assert_int_equal(b.len, 0);
    fo_buf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rejects_bad_values),
        cmocka_unit_test(test_accepts_edges_and_rejects_repeats),
        cmocka_unit_test(test_value_echo_is_sanitised),
        cmocka_unit_test(test_presets_and_defaults),
        cmocka_unit_test(test_table_is_consistent),
        cmocka_unit_test(test_schema_is_json_with_every_command),
        cmocka_unit_test(test_json_numbers_round_trip),
        cmocka_unit_test(test_json_escapes_and_nulls),
        cmocka_unit_test(test_unknown_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
