/* test_ledger.c — the ledger over HTTP and from the CLI: sessions and their cookie, locks that
 * are never overwritten, 401/403 for no or someone else's session, 400 for bad bodies with
 * nothing written, reports (golden Markdown, escaped HTML), the instructor view, and
 * durability: a server killed with SIGKILL in a burst of writes keeps every acknowledged one. */
#include <pthread.h>
#include <regex.h>
#include <sqlite3.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetops/buf.h"
#include "testutil.h"

#define TOKEN "5f0e3a9c1b7d24e8a6c3f19b0d7e42a1" /* FLEETOPS_INSTRUCTOR_TOKEN */

static fo_live_server srv;
static char db_path[600];

static int setup(void **state) {
    (void)state;
    fo_test_ledger("ledger-test", db_path, sizeof db_path); /* SQLite or PostgreSQL: --db */
    setenv("FLEETOPS_INSTRUCTOR_TOKEN", TOKEN, 1);
    /* quotas and rates off: these tests count every write (test_ledger_guard.c tests them) */
    fo_server_spawn(&srv, "--db", db_path, "--create", "yes", "--coalesce-seconds", "0",
                    "--writes-per-minute", "0", "--sessions-per-minute", "0", "--max-revisions",
                    "1000000", "--max-text-bytes", "1000000000", NULL);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    fo_server_kill(&srv, SIGTERM);
    return 0;
}

static fo_http_reply call(const char *method, const char *path, const char *body,
                          const char *cookie) {
    char url[1024];
    snprintf(url, sizeof url, "%s%s", srv.base, path);
    return fo_http(method, url, body, cookie);
}

/* POST /api/session; returns the cookie "fo_session=..." (static storage per call site). */
static void new_session(const char *track, char *cookie, size_t n) {
    char body[128], set[512];
    snprintf(body, sizeof body, "{\"track\":\"%s\"}", track);
    fo_http_reply r = call("POST", "/api/session", body, NULL);
    assert_int_equal(r.status, 201);
    assert_true(fo_http_header(&r, "Set-Cookie", set, sizeof set));
    assert_non_null(strstr(set, "HttpOnly"));
    assert_non_null(strstr(set, "SameSite=Strict"));
    snprintf(cookie, n, "%.*s", (int)strcspn(set, ";"), set);
    fo_http_free(&r);
}

static json_t *ledger(const char *cookie) {
    fo_http_reply r = call("GET", "/api/ledger", NULL, cookie);
    assert_int_equal(r.status, 200);
    json_t *j = fo_parse_json(r.body);
    fo_http_free(&r);
    return j;
}

static void expect(const char *method, const char *path, const char *body, const char *cookie,
                   long status, const char *param) {
    fo_http_reply r = call(method, path, body, cookie);
    if (r.status != status)
        fail_msg("%s %s %s: %ld, want %ld: %s", method, path, body ? body : "", r.status, status,
                 r.body);
    if (param) {
        json_t *j = fo_parse_json(r.body);
        const char *got = json_string_value(json_object_get(j, "param"));
        if (!got || strcmp(got, param) != 0) fail_msg("%s: param %s, want %s", body, got, param);
        json_decref(j);
    }
    fo_http_free(&r);
}

static void test_lock_once_and_reveal(void **state) {
    (void)state;
    char cookie[256];
    new_session("cloud-titan", cookie, sizeof cookie);
    fo_http_reply r =
        call("POST", "/api/ledger/predictions", "{\"part\":\"roi\",\"value\":54}", cookie);
    assert_int_equal(r.status, 201);
    json_t *j = fo_parse_json(r.body);
    json_t *p = json_object_get(j, "prediction");
    /* Cloud Titan's N* is 27 (fleetops roi --track cloud-titan): 54 is off by exactly 2.0x */
    assert_string_equal(json_string_value(json_object_get(p, "actual")), "27");
    assert_float_equal(json_number_value(json_object_get(p, "off_by_factor")), 2.0, 1e-12);
    assert_string_equal(json_string_value(json_object_get(p, "sentence")),
                        "You predicted 54 models; the break-even is 27 (off by 2.0x).");
    /* Beside it, Part 1's readings: which one answers the lock, the literal one, the toil cap
     * (issue 14). */
    assert_non_null(strstr(json_string_value(fo_json_path(p, "readings.answer")), "N* = 27"));
    assert_non_null(strstr(json_string_value(fo_json_path(p, "readings.literal")), "literally"));
    assert_non_null(
        strstr(json_string_value(fo_json_path(p, "readings.toil_cap")), "50% toil cap"));
    json_decref(j);
    fo_http_free(&r);
    /* a second lock is refused and the first stands */
    expect("POST", "/api/ledger/predictions", "{\"part\":\"roi\",\"value\":27}", cookie, 409,
           "part");
    j = ledger(cookie);
    p = json_array_get(json_object_get(j, "predictions"), 0);
    assert_int_equal(json_array_size(json_object_get(j, "predictions")), 1);
    assert_string_equal(json_string_value(json_object_get(p, "predicted")), "54");
    /* the ledger keeps the readings with the lock: a reload shows them too */
    assert_non_null(strstr(json_string_value(fo_json_path(p, "readings.answer")), "N* = 27"));
    assert_non_null(strstr(json_string_value(fo_json_path(p, "readings.literal")), "literally"));
    json_decref(j);
}

/* The ledger numbers the tries (the page cannot): tries 1-9 that fail state no window, the
 * tenth states it whatever it proves, an 11th is refused with nothing written. */
static void test_attempts_numbered_by_the_ledger(void **state) {
    (void)state;
    char cookie[256];
    new_session("tiny-pioneer", cookie, sizeof cookie);
    const char *body = "{\"part\":\"canary\",\"params\":{\"attempt_hours\":1}}";
    for (int n = 1; n <= 10; n++) {
        fo_http_reply r = call("POST", "/api/ledger/attempts", body, cookie);
        assert_int_equal(r.status, 201);
        json_t *j = fo_parse_json(r.body);
        json_t *at = fo_json_path(j, "body.attempt");
        assert_non_null(at);
        assert_int_equal(json_integer_value(json_object_get(at, "attempt_number")), n);
        /* one hour of shadow mode at 83.2 monitored requests/h is far too short */
        assert_false(json_is_true(json_object_get(at, "safety_ok")));
        json_t *w = json_object_get(at, "window");
        if (n < 10)
            assert_true(w == NULL || json_is_null(w));
        else
            assert_true(json_is_object(w));
        json_decref(j);
        fo_http_free(&r);
    }
    expect("POST", "/api/ledger/attempts", body, cookie, 409, "part");
    /* a try that names its own number is refused */
    char fresh[256];
    new_session("tiny-pioneer", fresh, sizeof fresh);
    expect("POST", "/api/ledger/attempts",
           "{\"part\":\"canary\",\"params\":{\"attempt_hours\":40,\"attempt_number\":10}}", fresh,
           400, "attempt_number");
    json_t *j = ledger(cookie);
    size_t kept = 0, i;
    json_t *e;
    json_array_foreach(json_object_get(j, "entries"), i, e) kept +=
        strcmp(json_string_value(json_object_get(e, "kind")), "attempt") == 0;
    assert_int_equal(kept, 10);
    json_decref(j);
}

/* Part 3's lock is answered by the ensemble command itself (v2 upstream, no retraining, the
 * track's presets): the ledger's answer is the CLI's prediction.actual for every track. */
static void test_ensemble_lock_is_the_commands_answer(void **state) {
    (void)state;
    const char *tracks[] = {"cloud-titan", "edge-guardian", "mobile-nomad", "tiny-pioneer"};
    for (size_t i = 0; i < 4; i++) {
        char cookie[256];
        new_session(tracks[i], cookie, sizeof cookie);
        fo_proc cli = fo_run_cli("ensemble", "--track", tracks[i], "--upstream", "v2", "--retrain",
                                 "no", "--predict", "no-drop", "--json", NULL);
        assert_int_equal(cli.status, 0);
        json_t *want = fo_parse_json(cli.out);
        const char *actual =
            json_string_value(json_object_get(json_object_get(want, "prediction"), "actual"));
        assert_non_null(actual);
        fo_http_reply r = call("POST", "/api/ledger/predictions",
                               "{\"part\":\"ensemble\",\"value\":\"no-drop\"}", cookie);
        assert_int_equal(r.status, 201);
        json_t *j = fo_parse_json(r.body);
        json_t *p = json_object_get(j, "prediction");
        assert_string_equal(json_string_value(json_object_get(p, "actual")), actual);
        assert_true(json_is_null(json_object_get(p, "off_by_factor")));
        assert_int_equal(json_is_true(json_object_get(p, "correct")),
                         strcmp(actual, "no-drop") == 0);
        if (strcmp(tracks[i], "tiny-pioneer") == 0) /* the canonical story: a silent drop */
            assert_string_equal(json_string_value(json_object_get(p, "sentence")),
                                "You predicted that accuracy holds; the pipeline shows accuracy "
                                "drops: wrong.");
        json_decref(j);
        json_decref(want);
        fo_http_free(&r);
        fo_proc_free(&cli);
        expect("POST", "/api/ledger/predictions", "{\"part\":\"ensemble\",\"value\":\"maybe\"}",
               cookie, 400, "value");
    }
}

static void test_auth(void **state) {
    (void)state;
    char mine[256], theirs[256];
    new_session("edge-guardian", mine, sizeof mine);
    new_session("mobile-nomad", theirs, sizeof theirs);
    /* a visit with no session is not an error (issue 14): 200 {"session": null}; writes 401 */
    fo_http_reply none = call("GET", "/api/ledger", NULL, NULL);
    assert_int_equal(none.status, 200);
    /* with what the page asks at the track choice (issue 18: identity optional by default) */
    assert_non_null(
        strstr(none.body, "{\"session\":null,\"identity\":\"optional\",\"roster\":false,"));
    assert_non_null(strstr(none.body, "\"teacher_sees\":\"Your teacher sees your work"));
    fo_http_free(&none);
    expect("POST", "/api/ledger/reflections", "{\"part\":\"roi\",\"text\":\"x\"}", NULL, 401,
           "session");
    /* their session id with my secret, and garbage */
    char forged[300];
    const char *dot = strchr(mine, '.');
    int their_id = atoi(theirs + strlen("fo_session="));
    snprintf(forged, sizeof forged, "fo_session=%d%s", their_id, dot);
    expect("GET", "/api/ledger", NULL, forged, 200, NULL); /* {"session": null}: not theirs */
    expect("POST", "/api/ledger/reflections", "{\"part\":\"roi\",\"text\":\"x\"}", forged, 403,
           "session");
    expect("GET", "/api/report", NULL, forged, 403, "session");
    expect("GET", "/api/ledger", NULL,
           "fo_session=999999.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
           200, NULL);
    expect("GET", "/api/ledger", NULL, "fo_session=not-a-token", 200, NULL);
    expect("GET", "/api/report", NULL, "fo_session=not-a-token", 401, "session");
    json_t *j = ledger(mine);
    assert_string_equal(json_string_value(json_object_get(j, "track")), "edge-guardian");
    json_decref(j);
}

/* Bad bodies: 400 naming the field, and nothing written. */
static void test_bad_bodies_write_nothing(void **state) {
    (void)state;
    char cookie[256];
    new_session("tiny-pioneer", cookie, sizeof cookie);
    struct {
        const char *path, *body, *param;
    } cases[] = {
        {"/api/ledger/predictions", "not json", "body"},
        {"/api/ledger/predictions", "[1,2]", "body"},
        {"/api/ledger/predictions", "{\"part\":\"roi\"}", "value"},
        {"/api/ledger/predictions", "{\"part\":\"roi\",\"value\":0}", "value"},
        {"/api/ledger/predictions", "{\"part\":\"roi\",\"value\":\"lots\"}", "value"},
        {"/api/ledger/predictions", "{\"part\":\"nope\",\"value\":3}", "part"},
        {"/api/ledger/predictions", "{\"part\":7,\"value\":3}", "part"},
        {"/api/ledger/predictions", "{\"part\":\"roi\",\"part\":\"roi\",\"value\":3}", "body"},
        {"/api/ledger/reflections", "{\"part\":\"roi\",\"text\":\"\"}", "text"},
        {"/api/ledger/reflections", "{\"part\":\"roi\"}", "text"},
        {"/api/ledger/governance", "{\"policy\":\"anarchy\",\"justification\":\"x\"}", "policy"},
        {"/api/ledger/governance", "{\"policy\":\"strict\"}", "justification"},
        {"/api/ledger/evidence", "{\"part\":\"roi\",\"command\":\"roi\",\"params\":{\"models\":0}}",
         "models"},
        {"/api/ledger/evidence", "{\"part\":\"roi\",\"command\":\"lab\"}", "command"},
        {"/api/ledger/evidence",
         "{\"part\":\"roi\",\"command\":\"roi\",\"params\":{\"track\":\"cloud-titan\"}}", "track"},
        {"/api/ledger/evidence", "{\"part\":\"roi\",\"command\":\"roi\",\"params\":[1]}", "params"},
        {"/api/session", "{\"track\":\"mars\"}", "track"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect("POST", cases[i].path, cases[i].body, cookie, 400, cases[i].param);
    json_t *j = ledger(cookie);
    assert_int_equal(json_array_size(json_object_get(j, "predictions")), 0);
    assert_int_equal(json_array_size(json_object_get(j, "entries")), 0);
    json_decref(j);
    expect("GET", "/api/ledger/predictions", NULL, cookie, 405, NULL);
    expect("POST", "/api/ledger", "{}", cookie, 405, NULL);
}

/* Replaces every timestamp (ISO, or the report's "6 Dec 2026, 14:05 UTC") and fingerprint
 * with a fixed text, for golden comparison. */
static char *normalise(const char *s) {
    regex_t re;
    assert_int_equal(regcomp(&re,
                             "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z|fingerprint [0-9a-f]{16}|"
                             "session [0-9]+|[0-9]{1,2} [A-Z][a-z]{2} [0-9]{4}, [0-9]{2}:[0-9]{2} "
                             "UTC",
                             REG_EXTENDED),
                     0);
    fo_buf b;
    fo_buf_init(&b);
    regmatch_t m;
    while (regexec(&re, s, 1, &m, 0) == 0) {
        fo_buf_append(&b, s, (size_t)m.rm_so);
        fo_buf_puts(&b, s[m.rm_so] == 'f'   ? "fingerprint F"
                        : s[m.rm_so] == 's' ? "session S"
                                            : "T");
        s += m.rm_eo;
    }
    fo_buf_puts(&b, s);
    regfree(&re);
    return b.data;
}

static void fill_session(const char *cookie) {
    const char *posts[][2] = {
        {"/api/ledger/predictions", "{\"part\":\"roi\",\"value\":20}"},
        {"/api/ledger/evidence",
         "{\"part\":\"roi\",\"command\":\"roi\",\"params\":{\"models\":16,\"heterogeneity\":0.5}}"},
        {"/api/ledger/reflections", "{\"part\":\"roi\",\"text\":\"First draft.\"}"},
        {"/api/ledger/reflections",
         "{\"part\":\"roi\",\"text\":\"Pairs grow as N(N-1)/2 <script>alert('x')</script> & "
         "more\"}"},
        {"/api/ledger/governance",
         "{\"policy\":\"strict\",\"justification\":\"Pin the view version; retrain first.\"}"},
    };
    for (size_t i = 0; i < sizeof posts / sizeof posts[0]; i++) {
        fo_http_reply r = call("POST", posts[i][0], posts[i][1], cookie);
        if (r.status != 201) fail_msg("%s: %ld %s", posts[i][0], r.status, r.body);
        fo_http_free(&r);
    }
}

static void test_report_golden_md_and_escaped_html(void **state) {
    (void)state;
    char cookie[256];
    new_session("tiny-pioneer", cookie, sizeof cookie);
    fill_session(cookie);
    fo_http_reply r = call("GET", "/api/report?format=md", NULL, cookie);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.content_type, "text/markdown; charset=utf-8");
    char *got = normalise(r.body);
    char golden[600];
    snprintf(golden, sizeof golden, "%s/tests/golden/report.md", FO_SOURCE_DIR);
    FILE *f = fopen(golden, "rb");
    if (!f || getenv("FO_UPDATE_GOLDEN")) { /* FO_UPDATE_GOLDEN=1 rewrites it: review the diff */
        if (f) fclose(f);
        f = fopen(golden, "wb");
        fputs(got, f);
        fclose(f);
    } else {
        static char want[1 << 16];
        size_t n = fread(want, 1, sizeof want - 1, f);
        want[n] = '\0';
        fclose(f);
        if (strcmp(want, got) != 0) fail_msg("report.md differs from %s:\n%s", golden, got);
    }
    /* the incomplete report lists what is missing */
    assert_non_null(strstr(got, "INCOMPLETE"));
    assert_non_null(strstr(got, "- Part 2: the locked prediction"));
    assert_null(strstr(got, "Part 1: the locked prediction"));
    /* Markdown escaping, not HTML entities (issue 14): every < is backslashed, so inert */
    for (const char *lt = strchr(got, '<'); lt; lt = strchr(lt + 1, '<'))
        assert_true(lt > got && lt[-1] == '\\');
    assert_null(strstr(got, "&lt;"));
    assert_null(strstr(got, "&gt;"));
    assert_null(strstr(got, "&amp;"));
    free(got);
    fo_http_free(&r);

    r = call("GET", "/api/report?format=html", NULL, cookie);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "<script"));
    assert_non_null(strstr(r.body, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"));
    assert_non_null(strstr(r.body, "<svg"));   /* the evidence figure, inline */
    assert_null(strstr(r.body, "src=\"http")); /* self-contained: nothing loaded from outside */
    fo_http_free(&r);

    r = call("GET", "/api/report?format=json", NULL, cookie);
    json_t *j = fo_parse_json(r.body);
    assert_true(json_is_false(json_object_get(j, "complete")));
    assert_int_equal(json_array_size(json_object_get(j, "entries")), 4);
    json_decref(j);
    fo_http_free(&r);
    expect("GET", "/api/report?format=pdf", NULL, cookie, 400, "format");
}

/* The class view needs the instructor's sign-in cookie (test_server_door.c signs in by the
 * form); the token is never taken from a URL. */
static void test_instructor_view(void **state) {
    (void)state;
    expect("GET", "/api/class", NULL, NULL, 403, "token");
    expect("GET", "/api/class?token=wrong-token-000000", NULL, NULL, 403, "token");
    expect("GET", "/api/class?token=" TOKEN, NULL, NULL, 403, "token");
}

typedef struct burst {
    char cookie[256];
    int acked; /* reflections acknowledged with 201 */
} burst;

static void *write_burst(void *arg) {
    burst *b = arg;
    for (int i = 0; i < 100000; i++) {
        char body[128], url[256];
        snprintf(body, sizeof body, "{\"part\":\"canary\",\"text\":\"revision %d\"}", i);
        snprintf(url, sizeof url, "%s/api/ledger/reflections", srv.base);
        fo_http_reply r = fo_http_try("POST", url, body, b->cookie); /* fails after the kill */
        int ok = r.status == 201;
        fo_http_free(&r);
        if (!ok) break;
        b->acked++;
    }
    return NULL;
}

static void test_sigkill_keeps_acknowledged_writes(void **state) {
    (void)state;
    burst b = {0};
    new_session("cloud-titan", b.cookie, sizeof b.cookie);
    pthread_t t;
    pthread_create(&t, NULL, write_burst, &b);
    struct timespec d = {0, 300 * 1000 * 1000};
    nanosleep(&d, NULL);
    fo_server_kill(&srv, SIGKILL);
    pthread_join(t, NULL);
    assert_true(b.acked > 10);
    /* the database is intact and holds every acknowledged write */
    if (!fo_test_pg()) sqlite3_close(fo_open_intact_db(db_path));
    fo_server_spawn(&srv, "--db", db_path, "--coalesce-seconds", "0", "--max-revisions", "1000000",
                    "--max-text-bytes", "1000000000", NULL);
    json_t *j = ledger(b.cookie);
    size_t reflections = json_array_size(json_object_get(j, "entries"));
    if (reflections < (size_t)b.acked)
        fail_msg("%d writes acknowledged, %zu in the ledger after SIGKILL", b.acked, reflections);
    assert_true(reflections <= (size_t)b.acked + 1); /* at most the one in flight */
    json_decref(j);
}

static void test_cli_report_and_class(void **state) {
    (void)state;
    fo_proc p = fo_run_cli("report", "--db", db_path, "--session", "1", "--format", "md", NULL);
    assert_int_equal(p.status, 0);
    assert_non_null(strstr(p.out, "# fleetops lab report"));
    fo_proc_free(&p);
    p = fo_run_cli("report", "--db", db_path, "--session", "424242", NULL);
    assert_int_equal(p.status, 2);
    assert_non_null(strstr(p.err, "--session"));
    fo_proc_free(&p);
    p = fo_run_cli("report", "--db", "/nonexistent/x.db", "--session", "1", NULL);
    assert_int_equal(p.status, 2);
    assert_non_null(strstr(p.err, "--db"));
    fo_proc_free(&p);
    p = fo_run_cli("report", "--db", db_path, NULL);
    assert_int_equal(p.status, 2);
    assert_non_null(strstr(p.err, "--session"));
    fo_proc_free(&p);
    p = fo_run_cli("class", "--db", db_path, "--json", NULL);
    assert_int_equal(p.status, 0);
    json_t *j = fo_parse_json(p.out);
    assert_int_equal(json_array_size(json_object_get(j, "parts")), 3);
    json_decref(j);
    fo_proc_free(&p);
}

int main(int argc, char **argv) {
    fo_test_args(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lock_once_and_reveal),
        cmocka_unit_test(test_attempts_numbered_by_the_ledger),
        cmocka_unit_test(test_ensemble_lock_is_the_commands_answer),
        cmocka_unit_test(test_auth),
        cmocka_unit_test(test_bad_bodies_write_nothing),
        cmocka_unit_test(test_report_golden_md_and_escaped_html),
        cmocka_unit_test(test_instructor_view),
        cmocka_unit_test(test_sigkill_keeps_acknowledged_writes),
        cmocka_unit_test(test_cli_report_and_class),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
