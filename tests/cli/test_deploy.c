/* test_deploy.c — the course deployment with the real parts (issue 17), all started here on
 * 127.0.0.1: a throwaway PostgreSQL cluster (tests/pgutil.c), two `fleetops serve` replicas on
 * one database, and Debian's nginx with deploy/nginx.conf.in (rendered by deploy/render.sh)
 * and a certificate made with openssl (the set-up is tests/deployutil.c, shared with the
 * browser walk tests/web/deploy.test.mjs). ctest label "scale" (make scale runs only these);
 * it stays well under two minutes, so make test runs it too.
 *
 * 1. nginx: TLS with the test's certificate, the static build with its backend marker
 *    rewritten, plain HTTP redirected, a write with the page's Origin on a port other than 443
 *    let through (the browser's Host passed on), the engine's routes not proxied, the per-address
 *    session rate and connection limits (429).
 * 2. 30 parallel locks of one part through both replicas: exactly one 201, 29 409.
 * 3. A walk of the whole ledger by several students at once over HTTPS (a scripted client
 *    that does what the page's serverLedger does: an Idempotency-Key per write, retried on
 *    502/503/504 and on a failed connection), with one replica SIGKILLed mid-walk: every walk
 *    finishes, every acknowledged write is in the ledger, no attempt or evidence counted
 *    twice, ten attempts exactly.
 * 4. PostgreSQL stopped (immediate) and started again mid-burst: 503s during the gap, never a
 *    201 for a write that was not kept; after it every acknowledged write is there, once. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deployutil.h"

static fo_deploy d; /* tests/deployutil.c: PostgreSQL, the replicas, nginx */

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void sleep_ms(int ms) {
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static int setup(void **state) {
    (void)state;
    fo_deploy_up(&d, "deploy");
    fo_http_ca = d.ca;
    return 0;
}

static int teardown(void **state) {
    (void)state;
    fo_deploy_down(&d);
    return 0;
}

static fo_http_reply req(const char *method, const char *path, const char *body, const char *cookie,
                         const char *key) {
    char url[512];
    snprintf(url, sizeof url, "%s%s", d.base, path);
    return fo_http_key(method, url, body, cookie, key, 0);
}

static void test_nginx_front(void **state) {
    (void)state;
    fo_http_reply r = req("GET", "/", NULL, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "content=\"wasm+server-ledger\""));
    assert_null(strstr(r.body, "content=\"static\""));
    char v[256];
    assert_true(fo_http_header(&r, "Strict-Transport-Security", v, sizeof v));
    fo_http_free(&r);
    r = req("GET", "/fleetops.wasm", NULL, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.content_type, "application/wasm");
    fo_http_free(&r);
    r = req("GET", "/api/roi", NULL, NULL, NULL); /* the engine runs in the browser */
    assert_int_equal(r.status, 404);
    fo_http_free(&r);
    char url[256];
    snprintf(url, sizeof url, "%s/", d.plain);
    r = fo_http_try("GET", url, NULL, NULL);
    assert_int_equal(r.status, 301);
    assert_true(fo_http_header(&r, "Location", v, sizeof v));
    assert_non_null(strstr(v, "https://"));
    fo_http_free(&r);
    /* a write from the page itself (its Origin is https://127.0.0.1:PORT, a port other than
     * 443): nginx passes the browser's Host with its port, so the replica's same-origin check
     * (Origin == http(s)://Host) lets it through; with $host (no port) it answered 403 */
    char cmd[1024], code[16] = "";
    snprintf(cmd, sizeof cmd,
             "curl -s -o /dev/null -w '%%{http_code}' --cacert %s -H 'Origin: %s' "
             "-H 'Sec-Fetch-Site: same-origin' -H 'Content-Type: application/json' "
             "-d '{\"track\":\"cloud-titan\"}' %s/api/session",
             d.ca, d.base, d.base);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    if (!fgets(code, sizeof code, p)) code[0] = 0;
    pclose(p);
    assert_string_equal(code, "201");
    /* the ledger through nginx: a session, and a read without one */
    r = req("GET", "/api/ledger", NULL, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"session\":null"));
    fo_http_free(&r);
}

/* nginx's per-address session rate: 5 a minute (a minute's worth at once), then 429.
 */
static void test_nginx_limits(void **state) {
    (void)state;
    fo_deploy_render(&d, "5", "64");
    fo_deploy_nginx_reload(&d);
    int created = 0, limited = 0;
    for (int i = 0; i < 12; i++) {
        fo_http_reply r = req("POST", "/api/session", "{\"track\":\"cloud-titan\"}", NULL, NULL);
        created += r.status == 201;
        limited += r.status == 429;
        fo_http_free(&r);
    }
    printf("nginx: 12 new sessions from one address at once: %d created, %d refused (429)\n",
           created, limited);
    assert_true(created >= 5 && created <= 7);
    assert_true(limited >= 5);
}

/* ------------------------------------------------------------ a student, as the page does it */

typedef struct student {
    int index;
    char cookie[256];
    int acked[4]; /* evidence, attempts, reflections, governance acknowledged (201) */
    int locks;
    int retries, s503, failed;
    long long seq;
    char error[160]; /* what went wrong in its thread (cmocka asserts only in the main one) */
} student;

/* A keyed write, retried with its key like serverLedger(): on no answer, 502, 503, 504. */
static long keyed(student *s, const char *path, const char *body, double give_up_s) {
    char key[64];
    snprintf(key, sizeof key, "s%d-w%lld-%ld", s->index, ++s->seq, (long)getpid());
    double until = now_s() + give_up_s;
    for (;;) {
        fo_http_reply r = req("POST", path, body, s->cookie, key);
        long st = r.status;
        fo_http_free(&r);
        if (st != 0 && st != 502 && st != 503 && st != 504) return st;
        s->s503 += st == 503;
        if (now_s() > until) {
            s->failed++;
            return st;
        }
        s->retries++;
        sleep_ms(100);
    }
}

static long start_session(student *s) {
    for (int i = 0; i < 50; i++) {
        fo_http_reply r = req("POST", "/api/session", "{\"track\":\"cloud-titan\"}", NULL, NULL);
        char set[512];
        long st = r.status;
        if (st == 201 && fo_http_header(&r, "Set-Cookie", set, sizeof set))
            snprintf(s->cookie, sizeof s->cookie, "%.*s", (int)strcspn(set, ";"), set);
        fo_http_free(&r);
        if (st == 201) return st;
        sleep_ms(100);
    }
    return 0;
}

static volatile int walk_progress; /* writes acknowledged by all walkers (for the kill) */

static void ack(student *s, int kind, long st) {
    if (st == 201) {
        s->acked[kind]++;
        __atomic_add_fetch(&walk_progress, 1, __ATOMIC_SEQ_CST);
    } else if (!s->error[0]) {
        snprintf(s->error, sizeof s->error, "a write of kind %d answered %ld", kind, st);
    }
}

static void *walk(void *arg) {
    student *s = arg;
    if (start_session(s) != 201) {
        snprintf(s->error, sizeof s->error, "no session");
        return NULL;
    }
    const char *locks[][2] = {{"roi", "54"}, {"canary", "48"}, {"ensemble", "\"no-drop\""}};
    for (int p = 0; p < 3; p++) {
        char body[128];
        snprintf(body, sizeof body, "{\"part\":\"%s\",\"value\":%s}", locks[p][0], locks[p][1]);
        long st = keyed(s, "/api/ledger/predictions", body, 20);
        if (st != 201) {
            snprintf(s->error, sizeof s->error, "lock %s answered %ld", locks[p][0], st);
            return NULL;
        }
        s->locks++;
        if (p == 0) {
            for (int i = 0; i < 3; i++) {
                snprintf(body, sizeof body,
                         "{\"part\":\"roi\",\"command\":\"roi\",\"params\":{\"models\":%d}}",
                         10 + i);
                ack(s, 0, keyed(s, "/api/ledger/evidence", body, 20));
            }
        } else if (p == 1) {
            for (int i = 0; i < 10; i++) {
                snprintf(body, sizeof body,
                         "{\"part\":\"canary\",\"params\":{\"attempt_hours\":%d}}", 12 + 6 * i);
                ack(s, 1, keyed(s, "/api/ledger/attempts", body, 20));
            }
            ack(s, 0,
                keyed(s, "/api/ledger/evidence",
                      "{\"part\":\"canary\",\"command\":\"sprt\",\"params\":{}}", 20));
        } else {
            ack(s, 0,
                keyed(s, "/api/ledger/evidence",
                      "{\"part\":\"ensemble\",\"command\":\"ensemble\",\"params\":{}}", 20));
            ack(s, 3,
                keyed(s, "/api/ledger/governance",
                      "{\"policy\":\"strict\",\"justification\":\"retrain on drift\"}", 20));
        }
        for (int i = 0; i < 2; i++) {
            snprintf(body, sizeof body, "{\"part\":\"%s\",\"text\":\"revision %d of student %d\"}",
                     locks[p][0], i, s->index);
            ack(s, 2, keyed(s, "/api/ledger/reflections", body, 20));
        }
    }
    for (int i = 0; i < 20; i++) { /* the report (a read: nginx passes it on by itself) */
        fo_http_reply r = req("GET", "/api/report?format=md", NULL, s->cookie, NULL);
        long st = r.status;
        fo_http_free(&r);
        if (st == 200) break;
        if (i == 19) snprintf(s->error, sizeof s->error, "the report answered %ld", st);
        sleep_ms(100);
    }
    return NULL;
}

static json_t *ledger_of(const char *cookie) {
    for (int i = 0; i < 50; i++) {
        fo_http_reply r = req("GET", "/api/ledger", NULL, cookie, NULL);
        if (r.status == 200) {
            json_t *j = fo_parse_json(r.body);
            fo_http_free(&r);
            return j;
        }
        fo_http_free(&r);
        sleep_ms(100);
    }
    fail_msg("GET /api/ledger never answered 200");
    return NULL;
}

/* The ledger holds exactly what was acknowledged: no write lost, none counted twice. */
static void check_student(const student *s) {
    json_t *l = ledger_of(s->cookie);
    int n[4] = {0};
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(l, "entries"), i, e) {
        const char *k = json_string_value(json_object_get(e, "kind"));
        n[strcmp(k, "evidence") == 0     ? 0
          : strcmp(k, "attempt") == 0    ? 1
          : strcmp(k, "reflection") == 0 ? 2
                                         : 3]++;
    }
    for (int k = 0; k < 4; k++)
        if (n[k] != s->acked[k])
            fail_msg("student %d: kind %d: %d in the ledger, %d acknowledged", s->index, k, n[k],
                     s->acked[k]);
    assert_int_equal(n[1], 10); /* ten attempts exactly */
    assert_int_equal(json_array_size(json_object_get(l, "predictions")), s->locks);
    json_decref(l);
}

typedef struct locker {
    const char *cookie;
    int index;
    long status;
} locker;

static void *lock_once(void *arg) {
    locker *k = arg;
    char body[96], key[32];
    snprintf(body, sizeof body, "{\"part\":\"roi\",\"value\":%d}", 10 + k->index);
    snprintf(key, sizeof key, "lock-%d", k->index);
    fo_http_reply r = req("POST", "/api/ledger/predictions", body, k->cookie, key);
    k->status = r.status;
    fo_http_free(&r);
    return NULL;
}

static void test_thirty_parallel_locks(void **state) {
    (void)state;
    student s = {.index = 999};
    assert_int_equal(start_session(&s), 201);
    enum { N = 30 };
    locker k[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        k[i] = (locker){s.cookie, i, 0};
        pthread_create(&t[i], NULL, lock_once, &k[i]);
    }
    int created = 0, conflict = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        created += k[i].status == 201;
        conflict += k[i].status == 409;
    }
    printf("30 parallel locks of one part through nginx and two replicas: %d x 201, %d x 409\n",
           created, conflict);
    assert_int_equal(created, 1);
    assert_int_equal(conflict, N - 1);
    json_t *l = ledger_of(s.cookie);
    assert_int_equal(json_array_size(json_object_get(l, "predictions")), 1);
    json_decref(l);
}

static void test_walk_survives_a_replica_killed(void **state) {
    (void)state;
    enum { N = 6 };
    static student st[N];
    pthread_t t[N];
    walk_progress = 0;
    double t0 = now_s();
    for (int i = 0; i < N; i++) {
        memset(&st[i], 0, sizeof st[i]);
        st[i].index = i;
        pthread_create(&t[i], NULL, walk, &st[i]);
    }
    /* a third of the way through (each walk acknowledges 23 writes), SIGKILL replica 0 */
    while (walk_progress < N * 23 / 3 && now_s() - t0 < 60)
        sleep_ms(5);
    int at = walk_progress;
    fo_server_kill(&d.rep[0], SIGKILL);
    int retries = 0, failed = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        retries += st[i].retries, failed += st[i].failed;
    }
    double secs = now_s() - t0;
    for (int i = 0; i < N; i++) {
        if (st[i].error[0]) fail_msg("student %d: %s", i, st[i].error);
        check_student(&st[i]);
    }
    printf("walk: %d students x (3 locks, 6 evidence, 10 attempts, 6 reflections, governance, "
           "report) over HTTPS in %.1f s; replica 0 SIGKILLed after %d acknowledged writes; "
           "%d client retries; every acknowledged write in the ledger once, 10 attempts each\n",
           N, secs, at, retries);
    assert_int_equal(failed, 0);
}

typedef struct writer {
    student s;
    double until;
    int acked, s503, given_up;
} writer;

static void *burst(void *arg) {
    writer *w = arg;
    while (now_s() < w->until) {
        long st = keyed(&w->s, "/api/ledger/evidence",
                        "{\"part\":\"roi\",\"command\":\"roi\",\"params\":{}}", 15);
        if (st == 201)
            w->acked++;
        else
            w->given_up++;
        sleep_ms(20);
    }
    return NULL;
}

static void test_postgresql_restart_mid_burst(void **state) {
    (void)state;
    enum { N = 4 };
    static writer w[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].s.index = 100 + i;
        assert_int_equal(start_session(&w[i].s), 201); /* main thread */
        w[i].until = now_s() + 5.0;
        pthread_create(&t[i], NULL, burst, &w[i]);
    }
    sleep_ms(1200);
    fo_pg_ctl("stop"); /* immediate: as a crash */
    double down = now_s();
    sleep_ms(1500);
    fo_pg_ctl("start");
    double gap = now_s() - down;
    int acked = 0, s503 = 0, given_up = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        acked += w[i].acked, s503 += w[i].s.s503, given_up += w[i].given_up;
    }
    for (int i = 0; i < N; i++) {
        json_t *l = ledger_of(w[i].s.cookie);
        int n = (int)json_array_size(json_object_get(l, "entries"));
        if (n != w[i].acked) fail_msg("writer %d: %d entries, %d acknowledged", i, n, w[i].acked);
        json_decref(l);
    }
    printf("PostgreSQL down %.1f s mid-burst: %d writes acknowledged, %d answers 503 during the "
           "gap (retried with their keys), %d given up; every acknowledged write kept, once\n",
           gap, acked, s503, given_up);
    assert_true(s503 > 0);
    assert_int_equal(given_up, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nginx_front),
        cmocka_unit_test(test_thirty_parallel_locks),
        cmocka_unit_test(test_walk_survives_a_replica_killed),
        cmocka_unit_test(test_postgresql_restart_mid_burst),
        cmocka_unit_test(test_nginx_limits),
    };
#ifndef FO_HAVE_LIBPQ
    printf("test_deploy: built without libpq: skipped\n");
    return 0;
#endif
    return cmocka_run_group_tests(tests, setup, teardown);
}
