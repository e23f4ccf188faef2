/* test_soak.c — the server stays up under a mix of good and malformed requests from several
 * client processes: afterwards it still answers, its memory did not keep growing, no answer
 * was a 5xx, and the ledger passes SQLite's integrity check with every acknowledged write in
 * it. Then issue 16's ledger attacks at once against the default quotas (reflection floods,
 * evidence and session spam, large reports): a probe keeps answering, no 5xx, the ledger and
 * the memory stay bounded. Then issue 16's HTTP attacks at once (slow headers and bodies, ~1,000
 * query parameters, 200 MB bodies, cross-origin POSTs), each from its own loopback address: a
 * probe is answered in < 50 ms throughout (every slower probe logged), RSS bounded.
 * FO_SOAK_SECONDS sets the durations (make test: 6 s, 3 s and 3 s; make soak: 60 s, 30 s and 30
 * s). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fleetops/rng.h"
#include "testutil.h"

#define CLIENTS 4

typedef struct tally {
    long requests, ok2xx, client4xx, server5xx, failed, acked_writes;
} tally;

static fo_live_server srv;
static char db_path[600];

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static long rss_kb(int pid) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) kb = atol(line + 6);
    if (f) fclose(f);
    return kb;
}

/* Garbage straight onto the socket: the server must shrug it off. */
static void raw_garbage(fo_rng *g) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct timeval tv = {0, 300 * 1000}; /* a half-closed connection may stay open: read once */
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)srv.port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(s, (struct sockaddr *)&a, sizeof a) == 0) {
        char junk[600];
        size_t n = 1 + fo_rng_below(g, sizeof junk);
        for (size_t i = 0; i < n; i++)
            junk[i] = (char)fo_rng_below(g, 256);
        if (fo_rng_below(g, 2)) memcpy(junk, "GET /api/roi?", n < 13 ? n : 13);
        send(s, junk, n, MSG_NOSIGNAL);
        shutdown(s, SHUT_WR);
        char buf[512];
        recv(s, buf, sizeof buf, 0);
    }
    close(s);
}

static void client(int id, double until, int out_fd) {
    fo_rng g;
    fo_rng_seed(&g, 1000 + (uint64_t)id);
    tally t = {0};
    char url[1024], cookie[256] = "", body[512];
    snprintf(url, sizeof url, "%s/api/session", srv.base);
    fo_http_reply r = fo_http_try("POST", url, "{\"track\":\"edge-guardian\"}", NULL);
    char set[512];
    if (r.status == 201 && fo_http_header(&r, "Set-Cookie", set, sizeof set))
        snprintf(cookie, sizeof cookie, "%.*s", (int)strcspn(set, ";"), set);
    fo_http_free(&r);
    static const char *const good[] = {
        "/api/roi?models=%u",
        "/api/crisis?track=cloud-titan&seed=%u",
        "/api/ensemble?seed=%u",
        "/api/roi?models=%u&format=svg",
        "/api/schema?x=%u",
        "/api/governance?policy=strict&seed=%u",
        "/api/crisis?track=edge-guardian&seed=%u",
    };
    static const char *const bad[] = {
        "/api/roi?models=-%u", "/api/roi?heterogeneity=nan&x=%u",
        "/api/nope%u",         "/api/roi?models=%u&models=3",
        "/%%2e%%2e/%u",        "/api/crisis?track=mars%u",
    };
    while (now_s() < until) {
        unsigned v = (unsigned)fo_rng_below(&g, 200) + 1, kind = (unsigned)fo_rng_below(&g, 10);
        const char *method = "GET";
        const char *payload = NULL;
        if (kind == 0) {
            raw_garbage(&g);
            t.requests++;
            continue;
        } else if (kind <= 4) {
            snprintf(url, sizeof url, "%s", srv.base);
            snprintf(url + strlen(url), sizeof url - strlen(url), good[v % 7], v);
        } else if (kind <= 6) {
            snprintf(url, sizeof url, "%s", srv.base);
            snprintf(url + strlen(url), sizeof url - strlen(url), bad[v % 6], v);
        } else if (kind <= 8) {
            method = "POST";
            snprintf(url, sizeof url, "%s/api/ledger/reflections", srv.base);
            if (v % 4)
                snprintf(body, sizeof body, "{\"part\":\"roi\",\"text\":\"revision %u\"}", v);
            else
                snprintf(body, sizeof body, "{\"part\":\"roi\",\"text\":%u}", v); /* bad */
            payload = body;
        } else {
            snprintf(url, sizeof url, "%s/api/ledger", srv.base);
        }
        r = fo_http_try(method, url, payload, cookie[0] ? cookie : NULL);
        t.requests++;
        if (r.status == 0)
            t.failed++;
        else if (r.status >= 500)
            t.server5xx++;
        else if (r.status >= 400)
            t.client4xx++;
        else
            t.ok2xx++;
        if (payload && r.status == 201) t.acked_writes++;
        fo_http_free(&r);
    }
    if (write(out_fd, &t, sizeof t) != (ssize_t)sizeof t) _exit(3);
    _exit(0);
}

static void test_soak(void **state) {
    (void)state;
    double secs = getenv("FO_SOAK_SECONDS") ? atof(getenv("FO_SOAK_SECONDS")) : 6.0;
    fo_test_ledger("soak", db_path, sizeof db_path); /* SQLite or PostgreSQL: --db */
    /* every acknowledged write is counted below: revisions kept apart, no per-address rate */
    fo_server_spawn(&srv, "--db", db_path, "--create", "yes", "--coalesce-seconds", "0",
                    "--writes-per-minute", "0", "--sessions-per-minute", "0", "--max-revisions",
                    "1000000", "--max-text-bytes", "1000000000", NULL);
    /* warm up, then take the baseline memory */
    for (int i = 0; i < 50; i++) {
        char url[256];
        snprintf(url, sizeof url, "%s/api/crisis?track=edge-guardian&seed=%d", srv.base, i);
        fo_http_reply r = fo_http("GET", url, NULL, NULL);
        fo_http_free(&r);
    }
    long before = rss_kb(srv.pid);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    double until = now_s() + secs;
    pid_t kids[CLIENTS];
    for (int c = 0; c < CLIENTS; c++) {
        kids[c] = fork();
        if (kids[c] == 0) client(c, until, fds[1]);
    }
    tally total = {0};
    for (int c = 0; c < CLIENTS; c++) {
        tally t;
        assert_int_equal(read(fds[0], &t, sizeof t), (ssize_t)sizeof t);
        total.requests += t.requests, total.ok2xx += t.ok2xx, total.client4xx += t.client4xx;
        total.server5xx += t.server5xx, total.failed += t.failed;
        total.acked_writes += t.acked_writes;
        int st;
        waitpid(kids[c], &st, 0);
    }
    long after = rss_kb(srv.pid);
    printf("soak: %.0f s, %ld requests (%ld 2xx, %ld 4xx, %ld 5xx, %ld failed), %ld ledger writes "
           "acknowledged; server RSS %ld KB -> %ld KB\n",
           secs, total.requests, total.ok2xx, total.client4xx, total.server5xx, total.failed,
           total.acked_writes, before, after);
    assert_int_equal(total.server5xx, 0);
    assert_int_equal(total.failed, 0);
    assert_true(total.requests > 100);
#ifdef __SANITIZE_ADDRESS__
    /* ASan's quarantine holds freed memory back (256 MB by default): RSS says nothing here;
     * LeakSanitizer checks the server's memory at its exit instead. */
    (void)before, (void)after;
#else
    assert_true(after < before + 64 * 1024); /* bounded: caches and pools, not a leak per request */
#endif
    /* still answers */
    char url[256];
    snprintf(url, sizeof url, "%s/api/roi", srv.base);
    fo_http_reply r = fo_http("GET", url, NULL, NULL);
    assert_int_equal(r.status, 200);
    fo_http_free(&r);
    fo_server_kill(&srv, SIGTERM);
    /* the ledger: intact (SQLite's integrity_check), with every acknowledged write */
    assert_int_equal(fo_ledger_count(db_path, "SELECT count(*) FROM entries"), total.acked_writes);
}

typedef struct attacker {
    int kind; /* 0 reflection flood, 1 evidence spam, 2 session spam, 3 reports */
    char cookie[256];
    double until;
    long ok, refused, server5xx, failed;
} attacker;

static char big[21000]; /* a 20 KB reflection */

static char *attack_body_init(void) {
    memcpy(big, "{\"part\":\"roi\",\"text\":\"", 22);
    memset(big + 22, 'w', 20000);
    memcpy(big + 22 + 20000, "\"}", 3);
    return big;
}

static void *attack(void *arg) {
    attacker *a = arg;
    char url[512];
    const char *path = a->kind == 0   ? "/api/ledger/reflections"
                       : a->kind == 1 ? "/api/ledger/evidence"
                       : a->kind == 2 ? "/api/session"
                                      : "/api/report?format=html";
    snprintf(url, sizeof url, "%s%s", srv.base, path);
    for (unsigned i = 0; now_s() < a->until; i++) {
        char body[512];
        const char *payload = NULL, *method = "POST";
        if (a->kind == 0) {
            payload = big;
        } else if (a->kind == 1) {
            snprintf(body, sizeof body,
                     "{\"part\":\"ensemble\",\"command\":\"governance\",\"params\":{\"policy\":"
                     "\"loose\",\"weeks\":156,\"release_every_weeks\":2,\"requests_per_week\":%u}}",
                     2000 - i % 1000);
            payload = body;
        } else if (a->kind == 2) {
            payload = "{\"track\":\"tiny-pioneer\"}";
        } else {
            method = "GET";
        }
        fo_http_reply r = fo_http_try(method, url, payload, a->kind == 2 ? NULL : a->cookie);
        if (r.status == 0)
            a->failed++;
        else if (r.status >= 500)
            a->server5xx++;
        else if (r.status == 429 || r.status == 413)
            a->refused++;
        else
            a->ok++;
        fo_http_free(&r);
    }
    return NULL;
}

static int cmp_double(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static void test_ledger_attacks(void **state) {
    (void)state;
    double secs = getenv("FO_SOAK_SECONDS") ? atof(getenv("FO_SOAK_SECONDS")) / 2 : 3.0;
    fo_test_ledger("soak-attacks", db_path, sizeof db_path);
    fo_server_spawn(&srv, "--db", db_path, "--create", "yes", NULL); /* the default quotas */
    long long pg_before =
        fo_test_pg() ? fo_ledger_count(db_path, "SELECT pg_database_size(current_database())") : 0;
    attack_body_init();
    enum { N = 13 };
    static attacker at[N];
    pthread_t t[N];
    char url[256];
    snprintf(url, sizeof url, "%s/api/session", srv.base);
    for (int i = 0; i < N; i++) {
        memset(&at[i], 0, sizeof at[i]);
        at[i].kind = i < 8 ? 0 : i < 10 ? 1 : i < 11 ? 2 : 3;
        fo_http_reply r = fo_http("POST", url, "{\"track\":\"cloud-titan\"}", NULL);
        char set[512];
        assert_int_equal(r.status, 201);
        assert_true(fo_http_header(&r, "Set-Cookie", set, sizeof set));
        snprintf(at[i].cookie, sizeof at[i].cookie, "%.*s", (int)strcspn(set, ";"), set);
        fo_http_free(&r);
    }
    for (int i = 11; i < N; i++) /* the reports are of an evidence spammer's session */
        snprintf(at[i].cookie, sizeof at[i].cookie, "%s", at[8].cookie);
    long before = rss_kb(srv.pid);
    double until = now_s() + secs;
    for (int i = 0; i < N; i++) {
        at[i].until = until;
        pthread_create(&t[i], NULL, attack, &at[i]);
    }
    static double lat[20000];
    size_t n = 0;
    snprintf(url, sizeof url, "%s/api/roi", srv.base);
    while (now_s() < until && n < sizeof lat / sizeof lat[0]) {
        double a = now_s();
        fo_http_reply r = fo_http_try("GET", url, NULL, NULL);
        lat[n++] = now_s() - a;
        assert_int_equal(r.status, 200);
        fo_http_free(&r);
        struct timespec gap = {0, 20 * 1000 * 1000};
        nanosleep(&gap, NULL);
    }
    long ok = 0, refused = 0, e5 = 0, failed = 0, writes_ok = 0, sessions_ok = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        ok += at[i].ok, refused += at[i].refused, e5 += at[i].server5xx, failed += at[i].failed;
        writes_ok += at[i].kind < 2 ? at[i].ok : 0;
        sessions_ok += at[i].kind == 2 ? at[i].ok : 0;
    }
    long after = rss_kb(srv.pid);
    qsort(lat, n, sizeof lat[0], cmp_double);
    char wal[640];
    snprintf(wal, sizeof wal, "%s-wal", db_path);
    struct stat a, b;
    long long bytes =
        fo_test_pg()
            ? fo_ledger_count(db_path, "SELECT pg_database_size(current_database())") - pg_before
            : (stat(db_path, &a) == 0 ? a.st_size : 0) + (stat(wal, &b) == 0 ? b.st_size : 0);
    printf("ledger attacks: %.0f s, %ld answered, %ld refused (413/429), %ld 5xx, %ld failed; "
           "GET /api/roi meanwhile: p50 %.1f ms, p99 %.1f ms, max %.1f ms of %zu (target < 50 "
           "ms); ledger %.1f MB; server RSS %ld KB -> %ld KB\n",
           secs, ok, refused, e5, failed, lat[n / 2] * 1e3, lat[n * 99 / 100] * 1e3,
           lat[n - 1] * 1e3, n, (double)bytes / 1e6, before, after);
    assert_int_equal(e5, 0);
    assert_int_equal(failed, 0);
    /* refusals come once the attack outruns the default rates (300 writes, 30 sessions a
     * minute from one address, each a minute's worth at once, refilled at 5 writes and 0.5
     * sessions a second while the attack runs): a server slowed down (the sanitizers on a
     * loaded machine) may answer fewer in the test's seconds */
    double refill_s = secs + 1; /* the attack's seconds and the set-up's */
    if (writes_ok > 300 + 5 * refill_s || sessions_ok > 30 + 0.5 * refill_s)
        assert_true(refused > 0);
    assert_true(writes_ok <= 300 + 60 && sessions_ok <= 30 + 6); /* the rates held */
    assert_true(lat[n - 1] < 2.0); /* generous: the sanitizers and a shared machine */
    assert_true(bytes < 50 * 1000 * 1000);
#ifndef __SANITIZE_ADDRESS__
    assert_true(after < before + 256 * 1024);
#endif
    fo_server_kill(&srv, SIGTERM);
    if (!fo_test_pg()) sqlite3_close(fo_open_intact_db(db_path));
}

/* A failed assertion leaves the test early: stop the server anyway, or ctest waits on it. */
/* ---- issue 16's HTTP attacks ----------------------------------------------------------------- */

typedef struct http_attacker {
    int kind; /* 0 slow headers and bodies, 1 ~1,000 parameters, 2 200 MB bodies, 3 cross-origin */
    double until;
    long sent, answered, refused_as_expected, unexpected;
} http_attacker;

/* A connection from `src` (an address of 127/8) to the server, or -1. */
static int dial_from(const char *src) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) return -1;
    struct sockaddr_in from = {.sin_family = AF_INET}, to = {.sin_family = AF_INET};
    inet_pton(AF_INET, src, &from.sin_addr);
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    to.sin_port = htons((uint16_t)srv.port);
    if (bind(s, (struct sockaddr *)&from, sizeof from) != 0 ||
        connect(s, (struct sockaddr *)&to, sizeof to) != 0) {
        close(s);
        return -1;
    }
    struct timeval tv = {3, 0};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    return s;
}

/* Sends the request (and up to `extra` bytes of 'x' after it), reads the status. */
static int raw_status(const char *src, const char *req, size_t extra) {
    int s = dial_from(src);
    if (s < 0) return 0;
    send(s, req, strlen(req), MSG_NOSIGNAL);
    static const char xs[65536] = {0};
    for (size_t sent = 0; sent < extra;) {
        struct pollfd p = {s, POLLIN | POLLOUT, 0};
        if (poll(&p, 1, 1000) <= 0 || (p.revents & (POLLIN | POLLHUP | POLLERR))) break;
        ssize_t w = send(s, xs, sizeof xs, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w <= 0) break;
        sent += (size_t)w;
    }
    char buf[1024];
    ssize_t r = recv(s, buf, sizeof buf - 1, 0);
    close(s);
    if (r < 12 || strncmp(buf, "HTTP/1.", 7) != 0) return 0;
    return atoi(buf + 9);
}

static void *http_attack(void *arg) {
    http_attacker *a = arg;
    if (a->kind == 0) { /* Slowloris: 150 connections trickling headers or a body, reopened */
        enum { M = 150 };
        int fds[M];
        for (int i = 0; i < M; i++)
            fds[i] = -1;
        while (now_s() < a->until && a->sent < 20000) {
            for (int i = 0; i < M; i++) {
                if (fds[i] >= 0) {
                    struct pollfd p = {fds[i], POLLIN, 0};
                    if (poll(&p, 1, 0) > 0) { /* closed by the server (deadline, room) */
                        close(fds[i]);
                        fds[i] = -1;
                        a->refused_as_expected++;
                    } else {
                        send(fds[i], i % 2 ? "X-Slow: 1\r\n" : "{", i % 2 ? 11 : 1, MSG_NOSIGNAL);
                    }
                }
                if (fds[i] < 0 && (fds[i] = dial_from("127.0.0.2")) >= 0) {
                    a->sent++;
                    const char *head = i % 2 ? "GET /api/roi HTTP/1.1\r\nHost: x\r\n"
                                             : "POST /api/session HTTP/1.1\r\nHost: x\r\n"
                                               "Content-Type: application/json\r\n"
                                               "Content-Length: 1000\r\n\r\n";
                    send(fds[i], head, strlen(head), MSG_NOSIGNAL);
                }
            }
            struct timespec gap = {0, 200 * 1000 * 1000};
            nanosleep(&gap, NULL);
        }
        for (int i = 0; i < M; i++)
            if (fds[i] >= 0) close(fds[i]);
        return NULL;
    }
    static char params[8192];
    if (a->kind == 1 && !params[0]) {
        size_t o = (size_t)snprintf(params, sizeof params, "GET /api/roi?");
        for (int i = 0; i < 1000; i++)
            o += (size_t)snprintf(params + o, sizeof params - o, "%sa=1", i ? "&" : "");
        snprintf(params + o, sizeof params - o,
                 " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }
    char host[64], req[512];
    snprintf(host, sizeof host, "127.0.0.1:%u", srv.port);
    while (now_s() < a->until && a->sent < 20000) {
        int st = 0, want = 0;
        if (a->kind == 1) {
            st = raw_status("127.0.0.3", params, 0), want = 400;
        } else if (a->kind == 2) {
            snprintf(req, sizeof req,
                     "POST /api/session HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                     "Content-Length: 209715200\r\n\r\n",
                     host);
            st = raw_status("127.0.0.4", req, (size_t)4 << 20), want = 413;
        } else {
            snprintf(req, sizeof req,
                     "POST /api/session HTTP/1.1\r\nHost: %s\r\nOrigin: http://evil.example\r\n"
                     "Connection: close\r\nContent-Type: application/json\r\nContent-Length: "
                     "24\r\n\r\n{\"track\":\"cloud-titan\"}",
                     host);
            st = raw_status("127.0.0.5", req, 0), want = 403;
        }
        a->sent++;
        if (st) a->answered++;
        if (st == want)
            a->refused_as_expected++;
        else
            a->unexpected++;
    }
    return NULL;
}

static void test_http_attacks(void **state) {
    (void)state;
    double secs = getenv("FO_SOAK_SECONDS") ? atof(getenv("FO_SOAK_SECONDS")) / 2 : 3.0;
    snprintf(db_path, sizeof db_path, "%s/soak-http.db", fo_test_tmpdir());
    remove(db_path);
    fo_server_spawn(&srv, "--db", db_path, "--create", "yes", "--max-connections", "128",
                    "--header-deadline", "1", "--body-deadline", "1", NULL);
    char url[256];
    snprintf(url, sizeof url, "%s/api/roi", srv.base);
    for (int i = 0; i < 20; i++) { /* warm up */
        fo_http_reply r = fo_http("GET", url, NULL, NULL);
        fo_http_free(&r);
    }
    long before = rss_kb(srv.pid);
    enum { K = 4 };
    static http_attacker at[K];
    pthread_t t[K];
    double until = now_s() + secs;
    for (int i = 0; i < K; i++) {
        memset(&at[i], 0, sizeof at[i]);
        at[i].kind = i;
        at[i].until = until;
        pthread_create(&t[i], NULL, http_attack, &at[i]);
    }
    static double lat[20000];
    size_t n = 0, slow = 0;
    long peak = before;
    while (now_s() < until && n < sizeof lat / sizeof lat[0]) {
        double a = now_s();
        fo_http_reply r = fo_http_try("GET", url, NULL, NULL);
        lat[n] = now_s() - a;
        if (r.status != 200) fail_msg("probe %zu: status %ld", n, r.status);
        if (lat[n] > 0.050) {
            slow++;
            printf("http attacks: probe %zu at %.2f s took %.1f ms\n", n, secs - (until - a),
                   lat[n] * 1e3);
        }
        n++;
        fo_http_free(&r);
        long rss = rss_kb(srv.pid);
        if (rss > peak) peak = rss;
        struct timespec gap = {0, 20 * 1000 * 1000};
        nanosleep(&gap, NULL);
    }
    for (int i = 0; i < K; i++)
        pthread_join(t[i], NULL);
    qsort(lat, n, sizeof lat[0], cmp_double);
    static const char *const names[K] = {"slow connections", "1,000-parameter requests",
                                         "200 MB bodies", "cross-origin POSTs"};
    for (int i = 0; i < K; i++)
        printf("http attacks: %s: %ld sent, %ld answered, %ld refused or closed as expected, %ld "
               "otherwise\n",
               names[i], at[i].sent, at[i].answered, at[i].refused_as_expected, at[i].unexpected);
    printf("http attacks: %.0f s; GET /api/roi meanwhile: p50 %.1f ms, p99 %.1f ms, max %.1f ms of "
           "%zu probes, %zu over 50 ms; server RSS %ld KB -> peak %ld KB\n",
           secs, lat[n / 2] * 1e3, lat[n * 99 / 100] * 1e3, lat[n - 1] * 1e3, n, slow, before,
           peak);
    for (int i = 1; i < K; i++)
        assert_int_equal(at[i].unexpected, 0);
    assert_true(at[0].refused_as_expected > 0); /* the slow ones were closed */
    /* Every probe is answered within the 2 s in any build on a busy machine (make test
     * runs this beside the browser tests); the 50 ms target is measured, and asserted only in
     * `make soak`'s dedicated run (FO_SOAK_SECONDS set), where nothing else shares the cores. */
    assert_true(lat[n - 1] < 2.0);
#ifndef __SANITIZE_ADDRESS__
    assert_true(peak < before + 64 * 1024);
    if (getenv("FO_SOAK_SECONDS")) assert_true(lat[n * 99 / 100] < 0.050);
#endif
    fo_server_kill(&srv, SIGTERM);
}

/* A failed assertion leaves the test early: stop the server anyway, or ctest waits on it. */
static int teardown(void **state) {
    (void)state;
    fo_server_kill(&srv, SIGTERM);
    return 0;
}

int main(int argc, char **argv) {
    fo_test_args(argc, argv);
    const struct CMUnitTest tests[] = {cmocka_unit_test_teardown(test_soak, teardown),
                                       cmocka_unit_test_teardown(test_ledger_attacks, teardown),
                                       cmocka_unit_test_teardown(test_http_attacks, teardown)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
