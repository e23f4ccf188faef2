/* test_server_api.c — `fleetops serve` over real HTTP on a random loopback port: every command
 * with its defaults, bad parameters, unknown commands and paths, wrong methods, content types
 * and security headers. */
#include <stdio.h>
#include <string.h>

#include "testutil.h"

static fo_live_server srv;

static int setup(void **state) {
    (void)state;
    char db[600];
    snprintf(db, sizeof db, "%s/api-test.db", fo_test_tmpdir());
    remove(db);
    fo_server_spawn(&srv, "--db", db, "--create", "yes", NULL);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    fo_server_kill(&srv, SIGTERM);
    return 0;
}

static fo_http_reply get(const char *path) {
    char url[1024];
    snprintf(url, sizeof url, "%s%s", srv.base, path);
    return fo_http("GET", url, NULL, NULL);
}

/* Every command of the schema answers 200 JSON with its defaults (and with each track), and
 * the JSON equals the CLI's byte for byte. */
static void test_every_command_matches_cli(void **state) {
    (void)state;
    fo_http_reply r = get("/api/schema");
    assert_int_equal(r.status, 200);
    assert_string_equal(r.content_type, "application/json");
    json_t *schema = fo_parse_json(r.body);
    json_t *cmds = json_object_get(schema, "commands");
    for (size_t i = 0; i < json_array_size(cmds); i++) {
        const char *name = json_string_value(json_object_get(json_array_get(cmds, i), "name"));
        /* with a track when the command takes one, and every required parameter set to its
         * first choice */
        char path[512], q[256] = "";
        const char *argv[16] = {name};
        size_t na = 1;
        json_t *params = json_object_get(json_array_get(cmds, i), "params");
        for (size_t k = 0; k < json_array_size(params); k++) {
            json_t *p = json_array_get(params, k);
            const char *pn = json_string_value(json_object_get(p, "name"));
            const char *val = NULL;
            if (strcmp(pn, "track") == 0)
                val = "edge-guardian";
            else if (json_is_true(json_object_get(p, "required"))) {
                static char num[16][32]; /* a required number: its minimum (or 1 past it) */
                json_t *choices = json_object_get(p, "choices");
                if (choices) {
                    val = json_string_value(json_array_get(choices, 0));
                } else {
                    double lo = json_number_value(json_object_get(p, "min"));
                    if (json_is_true(json_object_get(p, "min_exclusive"))) lo += 1;
                    snprintf(num[na], sizeof num[na], "%.17g", lo);
                    val = num[na];
                }
            }
            if (!val) continue;
            size_t len = strlen(q);
            snprintf(q + len, sizeof q - len, "%s%s=%s", len ? "&" : "?", pn, val);
            static char flags[16][64];
            snprintf(flags[na], sizeof flags[na], "--%s", pn);
            argv[na] = flags[na];
            argv[na + 1] = val;
            na += 2;
        }
        argv[na++] = "--json";
        argv[na] = NULL;
        snprintf(path, sizeof path, "/api/%s%s", name, q);
        fo_http_reply a = get(path);
        if (a.status != 200) fail_msg("%s: %ld %s", path, a.status, a.body);
        assert_string_equal(a.content_type, "application/json");
        fo_proc p = fo_run_cliv(argv);
        assert_int_equal(p.status, 0);
        if (strlen(p.out) != strlen(a.body) + 1 || strncmp(p.out, a.body, strlen(a.body)) != 0)
            fail_msg("%s: HTTP and CLI JSON differ", name);
        fo_proc_free(&p);
        fo_http_free(&a);
    }
    json_decref(schema);
    fo_http_free(&r);
}

static void test_bad_parameters_are_400_with_body(void **state) {
    (void)state;
    struct {
        const char *path, *param, *error;
    } cases[] = {
        {"/api/roi?models=0", "models", "value out of range"},
        {"/api/roi?models=abc", "models", "not an integer"},
        {"/api/roi?heterogeneity=nan", "heterogeneity", "not a number"},
        {"/api/roi?heterogeneity=", "heterogeneity", "empty value"},
        {"/api/roi?heterogeneity", "heterogeneity", "empty value"},
        {"/api/roi?models=5&models=6", "models", "repeated parameter"},
        {"/api/roi?modelz=5", "modelz", "unknown parameter"},
        {"/api/roi?track=mars", "track", "unknown choice"},
        {"/api/roi?format=png", "format", "unknown choice"},
        {"/api/tracks?format=svg", "format", "this command draws no figure"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fo_http_reply r = get(cases[i].path);
        if (r.status != 400) fail_msg("%s: %ld", cases[i].path, r.status);
        json_t *b = fo_parse_json(r.body);
        assert_string_equal(json_string_value(json_object_get(b, "param")), cases[i].param);
        assert_string_equal(json_string_value(json_object_get(b, "error")), cases[i].error);
        assert_non_null(json_object_get(b, "value"));
        assert_non_null(json_object_get(b, "allowed"));
        json_decref(b);
        fo_http_free(&r);
    }
    fo_http_reply r = get("/api/roi?models=0");
    json_t *b = fo_parse_json(r.body);
    assert_string_equal(json_string_value(json_object_get(b, "allowed")), "integer in [1, 100000]");
    assert_string_equal(json_string_value(json_object_get(b, "value")), "0");
    json_decref(b);
    fo_http_free(&r);
}

static void test_not_found_and_methods(void **state) {
    (void)state;
    fo_http_reply r = get("/api/frobnicate");
    assert_int_equal(r.status, 404);
    fo_http_free(&r);
    r = get("/no-such-file.js");
    assert_int_equal(r.status, 404);
    fo_http_free(&r);
    r = get("/../../etc/passwd");
    assert_int_equal(r.status, 404);
    fo_http_free(&r);
    char url[256], allow[64];
    snprintf(url, sizeof url, "%s/api/roi", srv.base);
    r = fo_http("POST", url, "{}", NULL);
    assert_int_equal(r.status, 405);
    assert_true(fo_http_header(&r, "Allow", allow, sizeof allow));
    assert_string_equal(allow, "GET, HEAD");
    fo_http_free(&r);
    snprintf(url, sizeof url, "%s/api/schema", srv.base);
    r = fo_http("DELETE", url, NULL, NULL);
    assert_int_equal(r.status, 405);
    fo_http_free(&r);
    snprintf(url, sizeof url, "%s/", srv.base);
    r = fo_http("PUT", url, NULL, NULL);
    assert_int_equal(r.status, 405);
    fo_http_free(&r);
}

static void test_assets_and_headers(void **state) {
    (void)state;
    fo_http_reply r = get("/");
    assert_int_equal(r.status, 200);
    assert_string_equal(r.content_type, "text/html; charset=utf-8");
    char v[512];
    assert_true(fo_http_header(&r, "Content-Security-Policy", v, sizeof v));
    assert_non_null(strstr(v, "default-src 'self'"));
    assert_non_null(strstr(v, "frame-ancestors 'none'"));
    assert_null(strstr(v, "unsafe-inline"));
    assert_true(fo_http_header(&r, "X-Content-Type-Options", v, sizeof v));
    assert_string_equal(v, "nosniff");
    fo_http_free(&r);
    r = get("/api/roi?track=cloud-titan&format=svg");
    assert_int_equal(r.status, 200);
    assert_string_equal(r.content_type, "image/svg+xml");
    assert_non_null(strstr(r.body, "<svg"));
    assert_true(fo_http_header(&r, "Cache-Control", v, sizeof v));
    assert_string_equal(v, "no-store");
    fo_http_free(&r);
    r = get("/api/roi");
    assert_true(fo_http_header(&r, "Cache-Control", v, sizeof v));
    assert_string_equal(v, "no-store");
    fo_http_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_command_matches_cli),
        cmocka_unit_test(test_bad_parameters_are_400_with_body),
        cmocka_unit_test(test_not_found_and_methods),
        cmocka_unit_test(test_assets_and_headers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
