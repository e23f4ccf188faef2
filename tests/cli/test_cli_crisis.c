/* test_cli_crisis.c — `fleetops crisis TRACK` as a user runs it: the JSON keys of issue 5 per
 * track, the musts seen through the JSON (tiny-pioneer's over 50 seeds too), bad input (exit 2,
 * one stderr line naming the flag, the value and what is allowed), parameters given for the
 * wrong track, the readable report and the --svg figures (checked with xmllint). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetops/command.h"
#include "testutil.h"

static const char *const ready_tracks[] = {"cloud-titan", "edge-guardian", "mobile-nomad",
                                           "tiny-pioneer"};
#define NTRACKS 4

static json_t *run_json(fo_proc *pr, const char *track, const char *flag, const char *value) {
    if (flag)
        *pr = fo_run_cli("crisis", track, flag, value, "--json", NULL);
    else
        *pr = fo_run_cli("crisis", track, "--json", NULL);
    if (pr->status != 0) fail_msg("exit %d: %s", pr->status, pr->err);
    return fo_parse_json(pr->out);
}

static int count_lines(const char *s) {
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* One stderr line, exit 2, mentioning every needle; nothing on stdout. */
static void expect_usage_error(fo_proc *pr, const char *const *needles, size_t n) {
    if (pr->status != 2) fail_msg("exit %d (want 2); stderr: %s", pr->status, pr->err);
    assert_int_equal(count_lines(pr->err), 1);
    assert_string_equal(pr->out, "");
    for (size_t i = 0; i < n; i++)
        if (!strstr(pr->err, needles[i])) fail_msg("stderr lacks \"%s\": %s", needles[i], pr->err);
}

static void expect_common_keys(json_t *j, const char *track) {
    assert_string_equal(json_string_value(json_object_get(j, "track")), track);
    const char *summary = json_string_value(json_object_get(j, "summary"));
    assert_non_null(summary);
    assert_true(strlen(summary) > 40);
    assert_non_null(strchr(summary, '.'));
    const char *peek = json_string_value(json_object_get(j, "math_peek"));
    assert_non_null(peek);
    assert_true(strlen(peek) > 100);
}

static void expect_number_or_null(json_t *j, const char *key) {
    json_t *v = json_object_get(j, key);
    if (!v || !(json_is_number(v) || json_is_null(v)))
        fail_msg("\"%s\" is not a number or null", key);
}

static void cloud_titan_json(void **state) {
    (void)state;
    fo_proc pr;
    json_t *j = run_json(&pr, "cloud-titan", NULL, NULL);
    expect_common_keys(j, "cloud-titan");
    assert_int_equal((int)fo_json_path_num(j, "models"), 50);
    const char *methods[] = {"static_threshold", "discovered_threshold", "cusum"};
    for (int m = 0; m < 3; m++) {
        json_t *o = json_object_get(j, methods[m]);
        assert_true(json_is_object(o));
        assert_true(json_is_number(json_object_get(o, "alerts_per_day")));
        expect_number_or_null(o, "precision");
        expect_number_or_null(o, "recall");
        expect_number_or_null(o, "mean_detection_delay_minutes");
    }
    /* The must, read from the JSON: >= 10x fewer false alerts at equal or better recall. */
    double fs = fo_json_path_num(j, "static_threshold.false_alerts");
    double fd = fo_json_path_num(j, "discovered_threshold.false_alerts");
    assert_true(fs >= 10 * fd);
    assert_true(fo_json_path_num(j, "discovered_threshold.recall") >=
                fo_json_path_num(j, "static_threshold.recall"));
    assert_true(json_is_array(json_object_get(j, "drift_events")));
    assert_int_equal(json_array_size(json_object_get(j, "drift_events")), 20);
    json_decref(j);
    fo_proc_free(&pr);
}

static void edge_guardian_json(void **state) {
    (void)state;
    fo_proc pr;
    json_t *j = run_json(&pr, "edge-guardian", NULL, NULL);
    expect_common_keys(j, "edge-guardian");
    assert_int_equal((long long)fo_json_path_num(j, "fleet_size"), 500000);
    assert_true(fo_json_path_num(j, "deadline_ms") == 10);
    json_t *gens = json_object_get(j, "generations");
    assert_true(json_is_array(gens));
    assert_int_equal(json_array_size(gens), 4);
    double share = 0;
    for (size_t i = 0; i < json_array_size(gens); i++) {
        json_t *g = json_array_get(gens, i);
        assert_true(json_is_string(json_object_get(g, "name")));
        const char *keys[] = {"share", "p50_ms", "p99_ms", "p999_ms", "deadline_miss_rate"};
        for (int k = 0; k < 5; k++)
            assert_true(json_is_number(json_object_get(g, keys[k])));
        share += fo_json_path_num(g, "share");
        assert_true(fo_json_path_num(g, "p50_ms") < fo_json_path_num(g, "p99_ms"));
        assert_true(fo_json_path_num(g, "p99_ms") < fo_json_path_num(g, "p999_ms"));
    }
    assert_true(fabs(share - 1) < 1e-9);
    assert_true(json_is_true(json_object_get(j, "detected")));
    assert_string_equal(json_string_value(json_object_get(j, "detected_at_stage")), "shadow");
    assert_true(json_is_integer(json_object_get(j, "vehicles_exposed")));
    assert_true(fo_json_path_num(j, "hours_to_full_rollback") > 0);
    assert_true(json_is_false(json_object_get(j, "fleetwide_check_detected")));
    /* The track preset: a safety gate at alpha 0.001. */
    assert_true(fo_json_path_num(j, "alpha") == 0.001);
    json_decref(j);
    fo_proc_free(&pr);
}

static void mobile_nomad_json(void **state) {
    (void)state;
    fo_proc pr;
    json_t *j = run_json(&pr, "mobile-nomad", NULL, NULL);
    expect_common_keys(j, "mobile-nomad");
    json_t *regions = json_object_get(j, "regions");
    assert_int_equal(json_array_size(regions), 10);
    for (size_t i = 0; i < 10; i++) {
        json_t *r = json_array_get(regions, i);
        assert_true(json_is_string(json_object_get(r, "name")));
        assert_true(json_is_number(json_object_get(r, "share")));
        assert_true(json_is_number(json_object_get(r, "fps_before")));
        assert_true(json_is_number(json_object_get(r, "fps_after")));
        assert_true(json_is_boolean(json_object_get(r, "flagged")));
    }
    assert_true(json_is_boolean(json_object_get(j, "aggregate_detected")));
    expect_number_or_null(j, "aggregate_detection_hours");
    assert_true(json_is_integer(json_object_get(j, "false_alarms")));
    assert_string_equal(json_string_value(json_object_get(j, "correction")), "bh");
    /* The must: slices first, the aggregate later or never. */
    double slice = fo_json_path_num(j, "slice_detection_hours");
    json_t *agg = json_object_get(j, "aggregate_detection_hours");
    assert_true(json_is_null(agg) || json_number_value(agg) > slice);
    assert_int_equal((int)fo_json_path_num(j, "regions_missed"), 0);
    json_decref(j);
    fo_proc_free(&pr);

    j = run_json(&pr, "mobile-nomad", "--correction", "bonferroni");
    assert_string_equal(json_string_value(json_object_get(j, "correction")), "bonferroni");
    json_decref(j);
    fo_proc_free(&pr);
}

/* `crisis TRACK` and `crisis --track TRACK` are the same request; a seed fixes the output. */
static void positional_flag_and_seed(void **state) {
    (void)state;
    fo_proc a = fo_run_cli("crisis", "mobile-nomad", "--seed", "7", "--json", NULL);
    fo_proc b = fo_run_cli("crisis", "--track", "mobile-nomad", "--seed", "7", "--json", NULL);
    fo_proc c = fo_run_cli("crisis", "mobile-nomad", "--seed", "8", "--json", NULL);
    assert_int_equal(a.status, 0);
    assert_string_equal(a.out, b.out);
    assert_true(strcmp(a.out, c.out) != 0);
    fo_proc_free(&a), fo_proc_free(&b), fo_proc_free(&c);
}

static void expect_column(json_t *j, const char *key) {
    json_t *c = json_object_get(j, key);
    if (!json_is_object(c)) fail_msg("\"%s\" is not an object", key);
    assert_true(json_is_number(json_object_get(c, "accuracy")));
    const char *flags[] = {"skew_flagged", "deploy_blocked", "silent_failure"};
    for (int k = 0; k < 3; k++)
        if (!json_is_boolean(json_object_get(c, flags[k])))
            fail_msg("%s.%s is not a boolean", key, flags[k]);
}

static int is_true(json_t *j, const char *path) {
    char key[64];
    const char *dot = strchr(path, '.');
    snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
    return json_is_true(json_object_get(json_object_get(j, key), dot + 1));
}

/* The must, read from the JSON: unpinned fails silently (accuracy down by more than
 * the margin, skew flagged, no error, nothing blocked); pinned blocks the deploy and keeps the
 * baseline accuracy exactly. */
static int tiny_must_holds(json_t *j) {
    double base = fo_json_path_num(j, "baseline_accuracy");
    return is_true(j, "unpinned.silent_failure") && is_true(j, "unpinned.skew_flagged") &&
           !is_true(j, "unpinned.deploy_blocked") &&
           fo_json_path_num(j, "unpinned.errors_raised") == 0 &&
           base - fo_json_path_num(j, "unpinned.accuracy") >
               fo_json_path_num(j, "silent_failure_margin") &&
           is_true(j, "pinned.deploy_blocked") && !is_true(j, "pinned.silent_failure") &&
           fo_json_path_num(j, "pinned.accuracy") == base &&
           fo_json_path_num(j, "pinned.errors_raised") == 0;
}

static void tiny_pioneer_json(void **state) {
    (void)state;
    fo_proc pr;
    json_t *j = run_json(&pr, "tiny-pioneer", NULL, NULL);
    expect_common_keys(j, "tiny-pioneer");
    expect_column(j, "unpinned");
    expect_column(j, "pinned");
    assert_true(tiny_must_holds(j));
    /* At the defaults the pinned detector reads @v1, with no training-serving skew. */
    assert_false(is_true(j, "pinned.skew_flagged"));
    assert_int_equal((int)fo_json_path_num(j, "pinned.served_version"), 1);
    assert_int_equal((int)fo_json_path_num(j, "unpinned.served_version"), 2);
    /* The presets (cmd_crisis.c) and the contract check that blocked. */
    assert_true(fo_json_path_num(j, "severity") == 0.85);
    assert_string_equal(json_string_value(json_object_get(j, "retrain_before_upgrade")), "no");
    assert_int_equal((int)fo_json_path_num(j, "requests"), 1000);
    json_t *cc = json_object_get(j, "contract_check");
    assert_string_equal(json_string_value(json_object_get(cc, "verdict")), "fail");
    assert_true(json_is_false(json_object_get(cc, "contract_ok")));
    assert_true(json_array_size(json_object_get(cc, "reasons")) >= 2);
    assert_string_equal(json_string_value(json_object_get(cc, "contract")), "denoised_audio@v1");
    /* The two views: same name, different hashes; each column names the hash it reads. */
    const char *h1 = json_string_value(json_object_get(
                   json_object_get(json_object_get(j, "views"), "v1"), "schema_hash")),
               *h2 = json_string_value(json_object_get(
                   json_object_get(json_object_get(j, "views"), "v2"), "schema_hash"));
    assert_true(h1 && h2 && strlen(h1) == 16 && strcmp(h1, h2) != 0);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(j, "pinned"), "served_schema_hash")), h1);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(j, "unpinned"), "served_schema_hash")),
        h2);
    assert_int_equal(json_array_size(json_object_get(j, "skew")), 8);
    assert_int_equal(json_array_size(json_object_get(j, "trace")), 6);
    assert_true(fo_json_path_num(j, "retrained_accuracy") >
                fo_json_path_num(j, "baseline_accuracy"));
    /* The summary states the outcome with its numbers. */
    const char *summary = json_string_value(json_object_get(j, "summary"));
    assert_non_null(strstr(summary, "silent failure"));
    assert_non_null(strstr(summary, "blocked the deploy"));
    char pct[16];
    snprintf(pct, sizeof pct, "%.1f%%", 100 * fo_json_path_num(j, "unpinned.accuracy"));
    assert_non_null(strstr(summary, pct));
    json_decref(j);
    fo_proc_free(&pr);

    /* Second method: the unpinned column is Part 3's ensemble scenario for the same seed. */
    j = run_json(&pr, "tiny-pioneer", NULL, NULL);
    fo_proc pe = fo_run_cli("ensemble", "--track", "tiny-pioneer", "--json", NULL);
    assert_int_equal(pe.status, 0);
    json_t *e = fo_parse_json(pe.out);
    assert_true(fo_json_path_num(j, "unpinned.accuracy") == fo_json_path_num(e, "accuracy"));
    assert_true(fo_json_path_num(j, "baseline_accuracy") ==
                fo_json_path_num(e, "baseline_accuracy"));
    assert_string_equal(
        json_string_value(
            json_object_get(json_object_get(json_object_get(j, "views"), "v2"), "schema_hash")),
        json_string_value(json_object_get(json_object_get(e, "served_view"), "schema_hash")));
    json_decref(e), json_decref(j);
    fo_proc_free(&pe), fo_proc_free(&pr);

    /* Retrained first: the bumped contract passes, the deploy goes through, both columns read
     * v2 at the retrained accuracy. */
    j = run_json(&pr, "tiny-pioneer", "--retrain-before-upgrade", "yes");
    assert_false(is_true(j, "pinned.deploy_blocked"));
    assert_false(is_true(j, "unpinned.silent_failure"));
    assert_true(fo_json_path_num(j, "pinned.accuracy") ==
                fo_json_path_num(j, "retrained_accuracy"));
    assert_true(fo_json_path_num(j, "unpinned.accuracy") == fo_json_path_num(j, "pinned.accuracy"));
    assert_true(is_true(j, "contract_check.contract_ok"));
    json_decref(j);
    fo_proc_free(&pr);

    /* Severity 0: harmless upstream change, yet the contract still blocks it. */
    j = run_json(&pr, "tiny-pioneer", "--severity", "0");
    assert_false(is_true(j, "unpinned.silent_failure"));
    assert_true(is_true(j, "pinned.deploy_blocked"));
    assert_non_null(strstr(json_string_value(json_object_get(j, "summary")), "not by harm"));
    json_decref(j);
    fo_proc_free(&pr);
}

/* The must over seeds 1-50 through the command table (in-process: the same JSON). */
static void tiny_pioneer_must_over_50_seeds(void **state) {
    (void)state;
    int held = 0;
    for (int seed = 1; seed <= 50; seed++) {
        char sv[16];
        snprintf(sv, sizeof sv, "%d", seed);
        const char *names[2] = {"track", "seed"}, *values[2] = {"tiny-pioneer", sv};
        fo_buf out;
        fo_buf_init(&out);
        fo_output o = {&out, NULL, NULL};
        fo_error err;
        assert_int_equal(fo_command_run_kv("crisis", names, values, 2, &o, &err), FO_OK);
        json_t *j = fo_parse_json(fo_buf_str(&out));
        held += tiny_must_holds(j);
        json_decref(j);
        fo_buf_free(&out);
    }
    assert_true(held >= 45);
}

static void track_is_required_and_checked(void **state) {
    (void)state;
    fo_proc pr = fo_run_cli("crisis", "--json", NULL);
    const char *n1[] = {"--track", "missing required parameter", "cloud-titan"};
    expect_usage_error(&pr, n1, 3);
    fo_proc_free(&pr);
    pr = fo_run_cli("crisis", "moon-base", NULL);
    const char *n2[] = {"--track", "\"moon-base\"", "one of: cloud-titan, edge-guardian"};
    expect_usage_error(&pr, n2, 3);
    fo_proc_free(&pr);
}

/* A parameter of another track is refused, naming it, its value and where it belongs. */
static void parameter_of_another_track(void **state) {
    (void)state;
    static const struct {
        const char *track, *flag, *value, *belongs;
    } cases[] = {
        {"cloud-titan", "--correction", "bh", "mobile-nomad"},
        {"cloud-titan", "--alpha", "0.01", "edge-guardian or mobile-nomad"},
        {"edge-guardian", "--models", "10", "cloud-titan"},
        {"edge-guardian", "--reference-hours", "48", "cloud-titan or mobile-nomad"},
        {"mobile-nomad", "--threshold-k", "2", "cloud-titan"},
        {"mobile-nomad", "--shadow", "off", "edge-guardian"},
        {"tiny-pioneer", "--models", "10", "cloud-titan"},
        {"tiny-pioneer", "--alpha", "0.01", "edge-guardian or mobile-nomad"},
        {"mobile-nomad", "--severity", "0.5", "tiny-pioneer"},
        {"cloud-titan", "--retrain-before-upgrade", "yes", "tiny-pioneer"},
        {"edge-guardian", "--requests", "2000", "tiny-pioneer"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fo_proc pr = fo_run_cli("crisis", cases[i].track, cases[i].flag, cases[i].value, NULL);
        char applies[96], value[40];
        snprintf(applies, sizeof applies, "does not apply to track %s", cases[i].track);
        snprintf(value, sizeof value, "\"%s\"", cases[i].value);
        const char *n[] = {cases[i].flag, applies, value, cases[i].belongs};
        expect_usage_error(&pr, n, 4);
        fo_proc_free(&pr);
    }
}

static void out_of_range_values(void **state) {
    (void)state;
    static const struct {
        const char *track, *flag, *value, *allowed;
    } cases[] = {
        {"cloud-titan", "--models", "0", "integer in [1, 100]"},
        {"cloud-titan", "--models", "2.5", "integer in [1, 100]"},
        {"cloud-titan", "--threshold-k", "0", "number in (0, 10]"},
        {"cloud-titan", "--chunk-minutes", "50", "divisor of 1440"},
        {"cloud-titan", "--reference-hours", "24", "[48, 336]"},
        {"cloud-titan", "--discovery", "median", "one of: sigma, quantile"},
        {"edge-guardian", "--oldest-share", "1", "number in (0, 1)"},
        {"edge-guardian", "--tail-probability", "3", "a fraction, not a percent"},
        {"edge-guardian", "--fleet-size", "6000000", "integer in [1000, 5000000]"},
        {"edge-guardian", "--deadline-ms", "nan", "number in [1, 1000]"},
        {"mobile-nomad", "--alpha", "0.9", "number in (0, 0.5]"},
        {"mobile-nomad", "--correction", "holm", "one of: bh, bonferroni, none"},
        {"mobile-nomad", "--monitor-hours", "1000", "integer in [24, 336]"},
        {"tiny-pioneer", "--severity", "1.5", "number in [0, 1]"},
        {"tiny-pioneer", "--severity", "-0.1", "number in [0, 1]"},
        {"tiny-pioneer", "--requests", "100", "integer in [500, 10000]"},
        {"tiny-pioneer", "--requests", "20000", "integer in [500, 10000]"},
        {"tiny-pioneer", "--retrain-before-upgrade", "maybe", "one of: yes, no"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fo_proc pr = fo_run_cli("crisis", cases[i].track, cases[i].flag, cases[i].value, NULL);
        char value[40];
        snprintf(value, sizeof value, "\"%s\"", cases[i].value);
        const char *n[] = {cases[i].flag, value, cases[i].allowed};
        expect_usage_error(&pr, n, 3);
        fo_proc_free(&pr);
    }
}

static void readable_report(void **state) {
    (void)state;
    static const char *const heads[] = {"Cloud Titan crisis", "Edge Guardian crisis",
                                        "Mobile Nomad crisis", "Tiny Pioneer crisis"};
    for (int t = 0; t < NTRACKS; t++) {
        fo_proc pr = fo_run_cli("crisis", ready_tracks[t], NULL);
        assert_int_equal(pr.status, 0);
        assert_non_null(strstr(pr.out, heads[t]));
        assert_non_null(strstr(pr.out, "Math Peek"));
        assert_string_equal(pr.err, "");
        fo_proc_free(&pr);
    }
    fo_proc pr = fo_run_cli("help", "crisis", NULL);
    assert_int_equal(pr.status, 0);
    assert_non_null(strstr(pr.out, "--correction"));
    assert_non_null(strstr(pr.out, "--retrain-before-upgrade"));
    assert_non_null(strstr(pr.out, "[track]"));
    fo_proc_free(&pr);
}

static void svg_figures(void **state) {
    (void)state;
    for (int t = 0; t < NTRACKS; t++) {
        char path[512];
        snprintf(path, sizeof path, "%s/crisis-%s.svg", fo_test_tmpdir(), ready_tracks[t]);
        remove(path);
        fo_proc pr = fo_run_cli("crisis", ready_tracks[t], "--svg", path, "--json", NULL);
        assert_int_equal(pr.status, 0);
        json_decref(fo_parse_json(pr.out));
        fo_proc_free(&pr);
        const char *svg = fo_expect_svg(path);
        assert_true(strlen(svg) > 100);
        /* the title and the description open the figure (screen readers read them first) */
        const char *desc = strstr(svg, "<desc>");
        assert_true(strstr(svg, "<title>") < svg + 400 && desc && desc < svg + 400);
    }
}

/* Every parameter of the table belongs to at least one ready track, and is refused with
 * "does not apply" (never anything else) on the others. Checked in-process. */
static void every_parameter_has_a_track(void **state) {
    (void)state;
    const fo_command *cmd = fo_command_find("crisis");
    assert_non_null(cmd);
    for (size_t i = 0; i < cmd->nparams; i++) {
        const fo_param *p = &cmd->params[i];
        if (strcmp(p->name, "track") == 0) continue;
        char value[64];
        if (p->type == FO_T_CHOICE)
            snprintf(value, sizeof value, "%s", p->choices[p->def_choice]);
        else
            snprintf(value, sizeof value, "%.17g", p->def);
        int ok = 0;
        for (int t = 0; t < NTRACKS; t++) {
            const char *names[2] = {"track", p->name}, *values[2] = {ready_tracks[t], value};
            fo_buf out;
            fo_buf_init(&out);
            fo_output o = {&out, NULL, NULL};
            fo_error err;
            fo_status s = fo_command_run_kv("crisis", names, values, 2, &o, &err);
            fo_buf_free(&out);
            if (s == FO_OK) {
                ok++;
            } else {
                assert_int_equal(s, FO_EUSAGE);
                if (!strstr(err.error, "does not apply"))
                    fail_msg("--%s with %s: %s", p->name, ready_tracks[t], err.error);
            }
        }
        if (!ok) fail_msg("parameter %s applies to no track", p->name);
    }
}

/* outcome=sealed (issue 14): Tiny Pioneer's crisis shows its domino without Part 3's answer:
 * no accuracy or skew figure and no verdict in the JSON (keys and strings), the text or the
 * figure; the shown run's accuracy figures appear nowhere. */
static void no_answer(json_t *v, const char *key, const char *a1, const char *a2) {
    if (strstr(key, "accuracy") || strstr(key, "psi") || strstr(key, "silent") ||
        strcmp(key, "skew") == 0 || strcmp(key, "trace") == 0)
        fail_msg("sealed crisis has \"%s\"", key);
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) no_answer(x, k, a1, a2);
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            no_answer(json_array_get(v, i), key, a1, a2);
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (strstr(s, a1) || strstr(s, a2) || strstr(s, "silent") || strstr(s, "fell") ||
            strstr(s, "held at"))
            fail_msg("sealed crisis says \"%s\" in %s", s, key);
    }
}

static void test_tiny_sealed(void **state) {
    (void)state;
    json_t *shown = fo_cli_json("crisis", "tiny-pioneer", NULL);
    char a1[16], a2[16];
    snprintf(a1, sizeof a1, "%.1f%%", 100 * fo_json_path_num(shown, "baseline_accuracy"));
    snprintf(a2, sizeof a2, "%.1f%%", 100 * fo_json_path_num(shown, "unpinned.accuracy"));
    json_decref(shown);
    json_t *j = fo_cli_json("crisis", "tiny-pioneer", "--outcome", "sealed", NULL);
    assert_string_equal(json_string_value(fo_json_path(j, "outcome")), "sealed");
    no_answer(j, "", a1, a2);
    /* What it does show: the versions each column reads and the contract check. */
    assert_true(fo_json_path_num(j, "unpinned.served_version") == 2);
    assert_true(fo_json_path_num(j, "pinned.served_version") == 1);
    assert_true(json_is_true(fo_json_path(j, "contract_check.deploy_blocked")));
    assert_true(fo_json_path_num(j, "unpinned.errors_raised") == 0);
    json_decref(j);
    fo_proc p = fo_run_cli("crisis", "tiny-pioneer", "--outcome", "sealed", NULL);
    assert_int_equal(p.status, 0);
    assert_null(strstr(p.out, a1));
    assert_null(strstr(p.out, a2));
    fo_proc_free(&p);
    char path[512];
    snprintf(path, sizeof path, "%s/sealed.svg", fo_test_tmpdir());
    remove(path);
    p = fo_run_cli("crisis", "tiny-pioneer", "--outcome", "sealed", "--svg", path, NULL);
    assert_int_equal(p.status, 0);
    fo_proc_free(&p);
    const char *svg = fo_expect_svg(path);
    assert_null(strstr(svg, a1));
    assert_null(strstr(svg, a2));
    /* The parameter is Tiny Pioneer's. */
    fo_expect_usage_error("--outcome", "sealed", "crisis", "edge-guardian", "--outcome", "sealed",
                          NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiny_sealed),
        cmocka_unit_test(cloud_titan_json),
        cmocka_unit_test(edge_guardian_json),
        cmocka_unit_test(mobile_nomad_json),
        cmocka_unit_test(positional_flag_and_seed),
        cmocka_unit_test(tiny_pioneer_json),
        cmocka_unit_test(tiny_pioneer_must_over_50_seeds),
        cmocka_unit_test(track_is_required_and_checked),
        cmocka_unit_test(parameter_of_another_track),
        cmocka_unit_test(out_of_range_values),
        cmocka_unit_test(readable_report),
        cmocka_unit_test(svg_figures),
        cmocka_unit_test(every_parameter_has_a_track),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
