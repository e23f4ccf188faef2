/* test_cli_common.c — the CLI contract every command shares: help, schema, unknown commands and
 * flags, and every figure well-formed and self-contained for every track. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetops/server.h"
#include "testutil.h"

static int count_lines(const char *s) {
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_help(void **state) {
    (void)state;
    fo_proc p = fo_run_cli("help", NULL);
    assert_int_equal(p.status, 0);
    assert_non_null(strstr(p.out, "roi"));
    assert_non_null(strstr(p.out, "Usage: fleetops COMMAND"));
    fo_proc_free(&p);
    p = fo_run_cli(NULL);
    assert_int_equal(p.status, 0);
    assert_non_null(strstr(p.out, "Commands:"));
    fo_proc_free(&p);
    p = fo_run_cli("--version", NULL);
    assert_int_equal(p.status, 0);
    assert_non_null(strstr(p.out, "fleetops "));
    fo_proc_free(&p);
}

static void test_unknown_command(void **state) {
    (void)state;
    fo_proc p = fo_run_cli("frobnicate", "--json", NULL);
    assert_int_equal(p.status, 2);
    assert_string_equal(p.out, "");
    assert_int_equal(count_lines(p.err), 1);
    assert_non_null(strstr(p.err, "frobnicate"));
    fo_proc_free(&p);
    p = fo_run_cli("help", "frobnicate", NULL);
    assert_int_equal(p.status, 2);
    fo_proc_free(&p);
}

/* Output of a shell command line (stdout and stderr), or fails the test. */
static char *shell_output(const char *cmd) {
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    static char out[1 << 16];
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = '\0';
    pclose(f);
    return out;
}

/* serve, report and class come from libfleetops_native.so beside the binary: listed by help
 * with it; a binary copied without it still runs every model, and `serve` says in one line
 * what is missing (exit 2). */
static void test_native_commands_module(void **state) {
    (void)state;
    /* the names the CLI knows without the module are the module's commands */
    static const char *const names[] = FO_NATIVE_NAMES;
    size_t n;
    const fo_command *const *native = fo_native_commands(&n);
    assert_int_equal(n, sizeof names / sizeof names[0]);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(native[i]->name, names[i]);
    fo_proc p = fo_run_cli("help", NULL);
    assert_non_null(strstr(p.out, "\n  serve "));
    assert_non_null(strstr(p.out, "\n  report "));
    assert_non_null(strstr(p.out, "\n  class "));
    assert_non_null(strstr(p.out, "\n  ledger ")); /* ledger copy (issue 17) */
    fo_proc_free(&p);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/lonely' && cp '%s' '%s/lonely/fleetops' && echo ok",
             fo_test_tmpdir(), FLEETOPS_BIN, fo_test_tmpdir());
    assert_string_equal(shell_output(cmd), "ok\n");
    snprintf(cmd, sizeof cmd, "'%s/lonely/fleetops' roi --models 16 --json 2>&1", fo_test_tmpdir());
    const char *json = shell_output(cmd);
    static const char want[] = "{\"command\":\"roi\",";
    if (strncmp(json, want, sizeof want - 1) != 0) fail_msg("%s: %.200s", cmd, json);
    snprintf(cmd, sizeof cmd, "'%s/lonely/fleetops' serve --port 0 2>&1; echo \"exit $?\"",
             fo_test_tmpdir());
    const char *out = shell_output(cmd);
    assert_non_null(strstr(out, "fleetops: \"serve\" needs libfleetops_native.so next to the"));
    assert_non_null(strstr(out, "\nexit 2\n"));
    assert_int_equal(count_lines(out), 2);
    snprintf(cmd, sizeof cmd, "'%s/lonely/fleetops' help 2>&1", fo_test_tmpdir());
    assert_non_null(strstr(shell_output(cmd),
                           "(serve, report, class, ledger: libfleetops_native.so is missing)"));
}

static void test_schema_and_tracks(void **state) {
    (void)state;
    fo_proc p = fo_run_cli("schema", NULL);
    assert_int_equal(p.status, 0);
    json_t *root = fo_parse_json(p.out);
    assert_true(json_array_size(json_object_get(root, "commands")) >= 4);
    json_decref(root);
    fo_proc_free(&p);

    p = fo_run_cli("tracks", "--json", NULL);
    assert_int_equal(p.status, 0);
    root = fo_parse_json(p.out);
    json_t *tracks = json_object_get(root, "tracks");
    assert_int_equal(json_array_size(tracks), 4);
    const char *ids[] = {"cloud-titan", "edge-guardian", "mobile-nomad", "tiny-pioneer"};
    for (size_t i = 0; i < 4; i++) {
        json_t *t = json_array_get(tracks, i);
        assert_string_equal(json_string_value(json_object_get(t, "id")), ids[i]);
        assert_non_null(json_string_value(json_object_get(t, "persona")));
        assert_non_null(json_string_value(json_object_get(t, "mission")));
        assert_non_null(json_string_value(json_object_get(t, "crisis")));
        assert_true(fo_json_path_num(t, "presets.roi.models") >= 1);
    }
    /* the plan: Cloud Titan serves 50 LLM versions */
    assert_float_equal(fo_json_path_num(json_array_get(tracks, 0), "presets.roi.models"), 50, 0);
    json_decref(root);
    fo_proc_free(&p);

    p = fo_run_cli("lab", NULL);
    assert_int_equal(p.status, 0);
    assert_non_null(strstr(p.out, "Part 1: The Platform ROI Audit"));
    assert_non_null(strstr(p.out, "Part 3: The Ensemble Lockdown"));
    fo_proc_free(&p);
    p = fo_run_cli("lab", "--json", NULL);
    assert_int_equal(p.status, 0);
    root = fo_parse_json(p.out);
    assert_int_equal(json_array_size(json_object_get(root, "parts")), 3);
    json_decref(root);
    fo_proc_free(&p);
}

/* Every command that draws a figure draws a well-formed, self-contained SVG for every track
 * (and without a track when the track is optional). A required parameter other than the track
 * (governance's --policy) gets its first choice, as tests/wasm/parity.mjs does. */
static void test_every_figure_for_every_track(void **state) {
    (void)state;
    fo_proc s = fo_run_cli("schema", NULL);
    json_t *root = fo_parse_json(s.out);
    json_t *cmds = json_object_get(root, "commands");
    const char *tracks[] = {NULL, "cloud-titan", "edge-guardian", "mobile-nomad", "tiny-pioneer"};
    int figures = 0;
    for (size_t c = 0; c < json_array_size(cmds); c++) {
        json_t *cmd = json_array_get(cmds, c);
        if (!json_is_string(json_object_get(cmd, "figure"))) continue;
        const char *name = json_string_value(json_object_get(cmd, "name"));
        json_t *params = json_object_get(cmd, "params");
        char flags[4][64];
        const char *required[8];
        size_t nreq = 0;
        for (size_t i = 0; i < json_array_size(params) && nreq < 8; i++) {
            json_t *pr = json_array_get(params, i);
            const char *pn = json_string_value(json_object_get(pr, "name"));
            json_t *choices = json_object_get(pr, "choices");
            if (!json_is_true(json_object_get(pr, "required")) || strcmp(pn, "track") == 0)
                continue;
            assert_true(json_array_size(choices) > 0 && nreq / 2 < 4);
            snprintf(flags[nreq / 2], sizeof flags[0], "--%s", pn);
            for (char *ch = flags[nreq / 2]; *ch; ch++)
                if (*ch == '_') *ch = '-';
            required[nreq] = flags[nreq / 2];
            required[nreq + 1] = json_string_value(json_array_get(choices, 0));
            nreq += 2;
        }
        for (size_t t = 0; t < 5; t++) {
            char path[512];
            snprintf(path, sizeof path, "%s/%s-%s.svg", fo_test_tmpdir(), name,
                     tracks[t] ? tracks[t] : "default");
            remove(path);
            const char *argv[24];
            size_t n = 0;
            argv[n++] = name;
            if (tracks[t]) argv[n++] = "--track", argv[n++] = tracks[t];
            for (size_t i = 0; i < nreq; i++)
                argv[n++] = required[i];
            argv[n++] = "--svg", argv[n++] = path, argv[n++] = "--json", argv[n] = NULL;
            fo_proc p = fo_run_cliv(argv);
            if (p.status == 2 && !tracks[t]) { /* a command whose track is required */
                assert_non_null(strstr(p.err, "--track"));
                fo_proc_free(&p);
                continue;
            }
            if (p.status != 0) fail_msg("%s %s: exit %d: %s", name, tracks[t], p.status, p.err);
            json_decref(fo_parse_json(p.out));
            fo_expect_svg(path);
            figures++;
            fo_proc_free(&p);
        }
    }
    assert_true(figures >= 5);
    json_decref(root);
    fo_proc_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_unknown_command),
        cmocka_unit_test(test_native_commands_module),
        cmocka_unit_test(test_schema_and_tracks),
        cmocka_unit_test(test_every_figure_for_every_track),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
