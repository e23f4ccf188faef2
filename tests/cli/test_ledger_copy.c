/* test_ledger_copy.c — `fleetops ledger copy` (issue 17): a class moved from SQLite to
 * PostgreSQL and back keeps every session, prediction, entry, figure and idempotency key with
 * its id: the same cookie reads the same ledger byte for byte on the copy, a keyed write
 * retried on the copy is still answered from its first time, new ids continue after the copied
 * ones; a destination that is not empty is refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static fo_live_server srv;

static fo_http_reply post(const char *path, const char *body, const char *cookie, const char *key) {
    char url[512];
    snprintf(url, sizeof url, "%s%s", srv.base, path);
    return fo_http_key("POST", url, body, cookie, key, 1);
}

static char *get_ledger(const char *cookie) {
    char url[512];
    snprintf(url, sizeof url, "%s/api/ledger", srv.base);
    fo_http_reply r = fo_http("GET", url, NULL, cookie);
    assert_int_equal(r.status, 200);
    return r.body;
}

static void expect_201(fo_http_reply r) {
    if (r.status != 201) fail_msg("%ld: %s", r.status, r.body);
    fo_http_free(&r);
}

static void test_copy_round_trip(void **state) {
    (void)state;
    char a[600], b[600], c[600];
    fo_test_ledger("copy-a", a, sizeof a); /* SQLite */
    snprintf(c, sizeof c, "%s/copy-c.db", fo_test_tmpdir());
    remove(c);
    char *argv[] = {"test_ledger_copy", "--db", "pg", NULL};
    fo_test_args(3, argv);
    fo_test_ledger("copy_b", b, sizeof b); /* PostgreSQL */

    fo_server_spawn(&srv, "--db", a, "--create", "yes", "--coalesce-seconds", "0", NULL);
    char cookie[256], set[512];
    fo_http_reply r = post("/api/session", "{\"track\":\"edge-guardian\"}", NULL, NULL);
    assert_int_equal(r.status, 201);
    assert_true(fo_http_header(&r, "Set-Cookie", set, sizeof set));
    snprintf(cookie, sizeof cookie, "%.*s", (int)strcspn(set, ";"), set);
    fo_http_free(&r);
    expect_201(post("/api/ledger/predictions", "{\"part\":\"roi\",\"value\":20}", cookie, "k1"));
    expect_201(post("/api/ledger/evidence", "{\"part\":\"roi\",\"command\":\"roi\",\"params\":{}}",
                    cookie, "k2"));
    expect_201(post("/api/ledger/attempts",
                    "{\"part\":\"canary\",\"params\":{\"attempt_hours\":24}}", cookie, "k3"));
    expect_201(post("/api/ledger/reflections", "{\"part\":\"roi\",\"text\":\"caf\\u00e9 <b>\"}",
                    cookie, "k4"));
    expect_201(post("/api/ledger/governance",
                    "{\"policy\":\"loose\",\"justification\":\"ship it\"}", cookie, "k5"));
    char *before = get_ledger(cookie);
    fo_server_kill(&srv, SIGTERM);

    /* SQLite -> PostgreSQL */
    fo_proc p = fo_run_cli("ledger", "copy", "--from", a, "--to", b, NULL);
    if (p.status != 0) fail_msg("ledger copy: %s", p.err);
    assert_non_null(strstr(p.out, "copied 1 sessions"));
    fo_proc_free(&p);
    /* into a ledger that is not empty: refused, naming --to */
    p = fo_run_cli("ledger", "copy", "--from", a, "--to", b, NULL);
    assert_int_equal(p.status, 2);
    assert_non_null(strstr(p.err, "--to"));
    assert_non_null(strstr(p.err, "not empty"));
    fo_proc_free(&p);

    fo_server_spawn(&srv, "--db", b, "--coalesce-seconds", "0", NULL);
    char *after = get_ledger(cookie); /* the same cookie, the same bytes */
    assert_string_equal(after, before);
    free(after);
    r = post("/api/ledger/attempts", "{\"part\":\"canary\",\"params\":{\"attempt_hours\":24}}",
             cookie, "k3"); /* a retry after the move: still its first answer */
    assert_int_equal(r.status, 201);
    char v[16];
    assert_true(fo_http_header(&r, "Idempotent-Replayed", v, sizeof v));
    fo_http_free(&r);
    r = post("/api/session", "{\"track\":\"cloud-titan\"}", NULL, NULL); /* ids go on */
    assert_int_equal(r.status, 201);
    assert_true(fo_http_header(&r, "Set-Cookie", set, sizeof set));
    assert_int_equal(atoi(set + strlen("fo_session=")), 2);
    fo_http_free(&r);
    fo_server_kill(&srv, SIGTERM);
    p = fo_run_cli("report", "--db", b, "--session", "1", "--format", "html", NULL);
    assert_int_equal(p.status, 0);
    assert_non_null(strstr(p.out, "<svg")); /* the figure kept at capture came along */
    fo_proc_free(&p);

    /* and back: PostgreSQL -> SQLite */
    p = fo_run_cli("ledger", "copy", "--from", b, "--to", c, NULL);
    if (p.status != 0) fail_msg("ledger copy back: %s", p.err);
    assert_non_null(strstr(p.out, "copied 2 sessions"));
    fo_proc_free(&p);
    fo_server_spawn(&srv, "--db", c, NULL);
    after = get_ledger(cookie);
    assert_string_equal(after, before);
    free(after);
    free(before);
    fo_server_kill(&srv, SIGTERM);
}

static int teardown(void **state) {
    (void)state;
    fo_server_kill(&srv, SIGTERM);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_copy_round_trip, teardown),
    };
#ifndef FO_HAVE_LIBPQ
    printf("test_ledger_copy: built without libpq: skipped\n");
    return 0;
#endif
    return cmocka_run_group_tests(tests, NULL, NULL);
}
