/* test_ledger_keys.c — writes safe to retry (issue 17): every ledger write may carry an
 * Idempotency-Key; a retry answers the first answer (Idempotent-Replayed: true), writes nothing
 * and never counts twice (the ten-attempt rule holds through retries); a key reused for another
 * write is 409, a malformed one 400; the same key sent at once by many clients writes once.
 * Run on both backends (ctest's test_ledger_keys and test_ledger_keys_pg). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static fo_live_server srv;
static char db_path[600];

static int setup(void **state) {
    (void)state;
    fo_test_ledger("ledger-keys", db_path, sizeof db_path);
    fo_server_spawn(&srv, "--db", db_path, "--create", "yes", "--writes-per-minute", "0",
                    "--sessions-per-minute", "0", NULL);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    fo_server_kill(&srv, SIGTERM);
    return 0;
}

static fo_http_reply post(const char *path, const char *body, const char *cookie, const char *key) {
    char url[512];
    snprintf(url, sizeof url, "%s%s", srv.base, path);
    return fo_http_key("POST", url, body, cookie, key, 1);
}

static void new_session(char *cookie, size_t n) {
    char set[512];
    fo_http_reply r = post("/api/session", "{\"track\":\"cloud-titan\"}", NULL, NULL);
    assert_int_equal(r.status, 201);
    assert_true(fo_http_header(&r, "Set-Cookie", set, sizeof set));
    snprintf(cookie, n, "%.*s", (int)strcspn(set, ";"), set);
    fo_http_free(&r);
}

static size_t entries(const char *cookie, const char *kind) {
    char url[512];
    snprintf(url, sizeof url, "%s/api/ledger", srv.base);
    fo_http_reply r = fo_http("GET", url, NULL, cookie);
    assert_int_equal(r.status, 200);
    json_t *j = fo_parse_json(r.body);
    size_t n = 0, i;
    json_t *e;
    json_array_foreach(json_object_get(j, "entries"), i, e) {
        n += strcmp(json_string_value(json_object_get(e, "kind")), kind) == 0;
    }
    json_decref(j);
    fo_http_free(&r);
    return n;
}

static int replayed(const fo_http_reply *r) {
    char v[16];
    return fo_http_header(r, "Idempotent-Replayed", v, sizeof v) && strcmp(v, "true") == 0;
}

#define ATTEMPT "{\"part\":\"canary\",\"params\":{\"attempt_hours\":24}}"

static void test_retry_answers_the_first_answer(void **state) {
    (void)state;
    char cookie[256];
    new_session(cookie, sizeof cookie);
    fo_http_reply a = post("/api/ledger/attempts", ATTEMPT, cookie, "k-attempt-1");
    assert_int_equal(a.status, 201);
    assert_false(replayed(&a));
    fo_http_reply b = post("/api/ledger/attempts", ATTEMPT, cookie, "k-attempt-1");
    assert_int_equal(b.status, 201);
    assert_true(replayed(&b));
    json_t *ja = fo_parse_json(a.body), *jb = fo_parse_json(b.body);
    const char *fields[] = {"id", "count", "attempts_left", "created_at", "version", "body"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (!json_equal(json_object_get(ja, fields[i]), json_object_get(jb, fields[i])))
            fail_msg("%s differs: %s vs %s", fields[i], a.body, b.body);
    json_decref(ja), json_decref(jb);
    fo_http_free(&a), fo_http_free(&b);
    assert_int_equal(entries(cookie, "attempt"), 1);

    /* a lock: the retry answers the first reveal, even with another value in the body */
    a = post("/api/ledger/predictions", "{\"part\":\"roi\",\"value\":54}", cookie, "k-lock");
    assert_int_equal(a.status, 201);
    b = post("/api/ledger/predictions", "{\"part\":\"roi\",\"value\":54}", cookie, "k-lock");
    assert_int_equal(b.status, 201);
    assert_true(replayed(&b));
    ja = fo_parse_json(a.body), jb = fo_parse_json(b.body);
    assert_true(json_equal(json_object_get(ja, "prediction"), json_object_get(jb, "prediction")));
    assert_true(json_equal(json_object_get(ja, "version"), json_object_get(jb, "version")));
    json_decref(ja), json_decref(jb);
    fo_http_free(&a), fo_http_free(&b);
    /* a second lock with a new key is still refused */
    a = post("/api/ledger/predictions", "{\"part\":\"roi\",\"value\":27}", cookie, "k-lock-2");
    assert_int_equal(a.status, 409);
    fo_http_free(&a);

    /* evidence and reflections too */
    a = post("/api/ledger/evidence", "{\"part\":\"roi\",\"command\":\"roi\",\"params\":{}}", cookie,
             "k-ev");
    b = post("/api/ledger/evidence", "{\"part\":\"roi\",\"command\":\"roi\",\"params\":{}}", cookie,
             "k-ev");
    assert_int_equal(a.status, 201);
    assert_int_equal(b.status, 201);
    assert_true(replayed(&b));
    fo_http_free(&a), fo_http_free(&b);
    assert_int_equal(entries(cookie, "evidence"), 1);
    a = post("/api/ledger/reflections", "{\"part\":\"roi\",\"text\":\"first\"}", cookie, "k-r1");
    b = post("/api/ledger/reflections", "{\"part\":\"roi\",\"text\":\"first\"}", cookie, "k-r1");
    assert_int_equal(b.status, 201);
    assert_true(replayed(&b));
    ja = fo_parse_json(a.body), jb = fo_parse_json(b.body);
    assert_true(json_equal(json_object_get(ja, "id"), json_object_get(jb, "id")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(jb, "body"), "text")),
                        "first");
    json_decref(ja), json_decref(jb);
    fo_http_free(&a), fo_http_free(&b);
}

/* The ten-attempt rule through retries: every attempt sent three times counts once. */
static void test_ten_attempts_hold_through_retries(void **state) {
    (void)state;
    char cookie[256];
    new_session(cookie, sizeof cookie);
    for (int i = 1; i <= 10; i++) {
        char key[32];
        snprintf(key, sizeof key, "attempt-%d", i);
        for (int k = 0; k < 3; k++) {
            fo_http_reply r = post("/api/ledger/attempts", ATTEMPT, cookie, key);
            assert_int_equal(r.status, 201);
            json_t *j = fo_parse_json(r.body);
            assert_int_equal(json_integer_value(json_object_get(j, "count")), i);
            assert_int_equal(replayed(&r), k > 0);
            json_decref(j);
            fo_http_free(&r);
        }
    }
    fo_http_reply r = post("/api/ledger/attempts", ATTEMPT, cookie, "attempt-11");
    assert_int_equal(r.status, 409);
    fo_http_free(&r);
    r = post("/api/ledger/attempts", ATTEMPT, cookie, "attempt-10"); /* still its first answer */
    assert_int_equal(r.status, 201);
    fo_http_free(&r);
    assert_int_equal(entries(cookie, "attempt"), 10);
}

static void test_bad_and_reused_keys(void **state) {
    (void)state;
    char cookie[256];
    new_session(cookie, sizeof cookie);
    fo_http_reply r = post("/api/ledger/attempts", ATTEMPT, cookie, "has space");
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "Idempotency-Key"));
    fo_http_free(&r);
    char longkey[80];
    memset(longkey, 'a', 65);
    longkey[65] = '\0';
    r = post("/api/ledger/attempts", ATTEMPT, cookie, longkey);
    assert_int_equal(r.status, 400);
    fo_http_free(&r);
    assert_int_equal(entries(cookie, "attempt"), 0);
    r = post("/api/ledger/attempts", ATTEMPT, cookie, "same");
    assert_int_equal(r.status, 201);
    fo_http_free(&r);
    r = post("/api/ledger/reflections", "{\"part\":\"canary\",\"text\":\"x\"}", cookie, "same");
    assert_int_equal(r.status, 409);
    assert_non_null(strstr(r.body, "Idempotency-Key"));
    fo_http_free(&r);
    /* keys are per session: another student's "same" is theirs */
    char other[256];
    new_session(other, sizeof other);
    r = post("/api/ledger/reflections", "{\"part\":\"canary\",\"text\":\"x\"}", other, "same");
    assert_int_equal(r.status, 201);
    assert_false(replayed(&r));
    fo_http_free(&r);
}

typedef struct racer {
    const char *cookie;
    long status;
    long long id;
} racer;

static void *race(void *arg) {
    racer *r = arg;
    fo_http_reply h = post("/api/ledger/attempts", ATTEMPT, r->cookie, "raced-key");
    r->status = h.status;
    json_t *j = h.status == 201 ? fo_parse_json(h.body) : NULL;
    r->id = j ? json_integer_value(json_object_get(j, "id")) : -1;
    json_decref(j);
    fo_http_free(&h);
    return NULL;
}

/* Eight clients send the same keyed write at once (a retry racing its original): one write. */
static void test_same_key_at_once_writes_once(void **state) {
    (void)state;
    char cookie[256];
    new_session(cookie, sizeof cookie);
    enum { N = 8 };
    racer r[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        r[i] = (racer){cookie, 0, 0};
        pthread_create(&t[i], NULL, race, &r[i]);
    }
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < N; i++) {
        assert_int_equal(r[i].status, 201);
        assert_true(r[i].id == r[0].id);
    }
    assert_int_equal(entries(cookie, "attempt"), 1);
}

int main(int argc, char **argv) {
    fo_test_args(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_answers_the_first_answer),
        cmocka_unit_test(test_ten_attempts_hold_through_retries),
        cmocka_unit_test(test_bad_and_reused_keys),
        cmocka_unit_test(test_same_key_at_once_writes_once),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
