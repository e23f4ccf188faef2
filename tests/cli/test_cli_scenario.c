/* test_cli_scenario.c — one scenario per track (issue 14): every quantity two commands share
 * (hardware names, years and shares; request rate and the monitored rate; the failure rate
 * and the hypotheses; alpha; the models' names; the team) is equal across their JSON, for
 * every track, at the defaults and after changing each Part 2 parameter. The values are not
 * pinned here (scenario.c derives them); the test is that no command keeps its own copy. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static const char *const tracks[] = {"cloud-titan", "edge-guardian", "mobile-nomad",
                                     "tiny-pioneer"};

/* cmd --track T [extra flag value] --json */
static json_t *run(const char *cmd, const char *track, const char *flag, const char *value) {
    const char *argv[10];
    size_t n = 0;
    argv[n++] = cmd;
    argv[n++] = "--track";
    argv[n++] = track;
    if (flag) argv[n++] = flag, argv[n++] = value;
    argv[n++] = "--json";
    argv[n] = NULL;
    fo_proc p = fo_run_cliv(argv);
    if (p.status != 0)
        fail_msg("%s --track %s %s %s: exit %d: %s", cmd, track, flag ? flag : "",
                 value ? value : "", p.status, p.err);
    json_t *j = fo_parse_json(p.out);
    fo_proc_free(&p);
    return j;
}

static json_t *track_entry(json_t *tracks_json, const char *track) {
    json_t *arr = json_object_get(tracks_json, "tracks");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *t = json_array_get(arr, i);
        if (strcmp(json_string_value(json_object_get(t, "id")), track) == 0) return t;
    }
    fail_msg("tracks has no %s", track);
    return NULL;
}

static void same_number(json_t *a, const char *pa, json_t *b, const char *pb, const char *what) {
    double x = fo_json_path_num(a, pa), y = fo_json_path_num(b, pb);
    if (x != y) fail_msg("%s: %s %.17g != %s %.17g", what, pa, x, pb, y);
}

static void same_string(json_t *a, const char *pa, json_t *b, const char *pb) {
    json_t *x = fo_json_path(a, pa), *y = fo_json_path(b, pb);
    assert_true(json_is_string(x) && json_is_string(y));
    assert_string_equal(json_string_value(x), json_string_value(y));
}

/* canary, sprt and rollout tell one hypothesis on one fleet's traffic. */
static void part2_agree(const char *track, const char *flag, const char *value) {
    json_t *c = run("canary", track, flag, value);
    json_t *s = run("sprt", track, flag, value);
    json_t *r = run("rollout", track, flag, value);
    const char *shared[] = {"failure_rate", "confidence", "request_rate_per_s", "shadow_fraction",
                            "slice_share"};
    for (size_t i = 0; i < sizeof shared / sizeof shared[0]; i++) {
        same_number(c, shared[i], s, shared[i], track);
        same_number(c, shared[i], r, shared[i], track);
    }
    same_number(c, "monitored_requests_per_hour", s, "monitored_per_hour", track);
    same_number(c, "monitored_requests_per_hour", r, "monitored_per_hour", track);
    /* The demonstration sprt explains is canary's. */
    same_number(c, "requests_needed", s, "tests.demonstration.requests", track);
    /* The rule: p1 = the failure rate, p0 = half, beta = 1 - confidence, alpha the track's. */
    same_number(c, "failure_rate", s, "p1", track);
    const char *hyp[] = {"p0", "p1", "alpha", "beta"};
    for (size_t i = 0; i < 4; i++)
        same_number(s, hyp[i], r, hyp[i], track);
    assert_true(fo_json_path_num(s, "p0") == fo_json_path_num(s, "p1") / 2);
    assert_true(fabs(fo_json_path_num(s, "beta") - (1 - fo_json_path_num(c, "confidence"))) <
                1e-15);
    same_string(s, "hypotheses_rule", r, "hypotheses_rule");
    json_decref(c), json_decref(s), json_decref(r);
}

static void test_part2_defaults_and_each_parameter(void **state) {
    (void)state;
    const char *moves[][2] = {{"--failure-rate", "0.004"},
                              {"--confidence", "0.9"},
                              {"--request-rate-per-s", "5000"},
                              {"--shadow-fraction", "0.02"},
                              {"--slice-share", "0.05"}};
    for (int t = 0; t < 4; t++) {
        part2_agree(tracks[t], NULL, NULL);
        for (size_t m = 0; m < sizeof moves / sizeof moves[0]; m++)
            part2_agree(tracks[t], moves[m][0], moves[m][1]);
    }
}

/* The track's alpha: the crises that have one (Edge Guardian's gate, Mobile Nomad's regions)
 * use the same as Part 2's sequential test. */
static void test_alpha(void **state) {
    (void)state;
    const char *with_alpha[] = {"edge-guardian", "mobile-nomad"};
    for (int i = 0; i < 2; i++) {
        json_t *k = run("crisis", with_alpha[i], NULL, NULL);
        json_t *s = run("sprt", with_alpha[i], NULL, NULL);
        same_number(k, "alpha", s, "alpha", with_alpha[i]);
        json_decref(k), json_decref(s);
    }
}

/* Edge Guardian's fleet: the crisis and the ShadowModeDashboard list the same generations. */
static void test_edge_hardware(void **state) {
    (void)state;
    json_t *k = run("crisis", "edge-guardian", NULL, NULL);
    json_t *r = run("rollout", "edge-guardian", NULL, NULL);
    json_t *kg = json_object_get(k, "generations"), *rg = json_object_get(r, "generations");
    assert_int_equal(json_array_size(kg), 4);
    assert_int_equal(json_array_size(rg), json_array_size(kg));
    for (size_t g = 0; g < json_array_size(kg); g++) {
        json_t *a = json_array_get(kg, g), *b = json_array_get(rg, g);
        same_string(a, "name", b, "name");
        same_number(a, "share", b, "share", "generation share");
        /* "HW1 (2017)": the name carries the year the rollout reports. */
        char year[16];
        snprintf(year, sizeof year, "(%.0f)", fo_json_path_num(b, "year"));
        assert_non_null(strstr(json_string_value(json_object_get(a, "name")), year));
    }
    same_number(k, "deadline_ms", r, "deadline_ms", "deadline");
    same_number(k, "gate_quantile", r, "gate_quantile", "gate quantile");
    json_decref(k), json_decref(r);
}

/* Part 3's models: the lab's words, ensemble, governance and (Tiny Pioneer) the crisis. */
static void test_models_and_team(void **state) {
    (void)state;
    json_t *all = fo_cli_json("tracks", NULL);
    for (int t = 0; t < 4; t++) {
        json_t *entry = track_entry(all, tracks[t]);
        json_t *e = run("ensemble", tracks[t], NULL, NULL);
        same_string(entry, "upstream_model", e, "story.upstream");
        same_string(entry, "downstream_model", e, "story.downstream");
        fo_proc p =
            fo_run_cli("governance", "--track", tracks[t], "--policy", "strict", "--json", NULL);
        assert_int_equal(p.status, 0);
        json_t *g = fo_parse_json(p.out);
        fo_proc_free(&p);
        same_string(entry, "upstream_model", g, "upstream");
        same_string(entry, "downstream_model", g, "downstream");
        /* Part 3's workbench names the track's own downstream model. */
        const char *wb = json_string_value(json_object_get(entry, "part3_workbench"));
        const char *down = json_string_value(json_object_get(entry, "downstream_model"));
        assert_non_null(strstr(wb, down));
        if (strcmp(tracks[t], "tiny-pioneer") != 0) assert_null(strstr(wb, "wake-word"));
        json_t *roi = run("roi", tracks[t], NULL, NULL);
        same_number(roi, "team_size", entry, "presets.roi.team_size", "team size");
        json_decref(e), json_decref(g), json_decref(roi);
    }
    json_t *k = run("crisis", "tiny-pioneer", NULL, NULL);
    same_string(track_entry(all, "tiny-pioneer"), "upstream_model", k, "story.upstream");
    same_string(track_entry(all, "tiny-pioneer"), "downstream_model", k, "story.downstream");
    json_decref(k);
    json_decref(all);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_part2_defaults_and_each_parameter),
        cmocka_unit_test(test_alpha),
        cmocka_unit_test(test_edge_hardware),
        cmocka_unit_test(test_models_and_team),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
