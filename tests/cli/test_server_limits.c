/* test_server_limits.c — `fleetops serve` under hostile clients (issue 16, the HTTP side), each
 * over raw loopback sockets to a server the test started itself, bounded in count and time:
 * slow headers and bodies (Slowloris) against the connection limits and deadlines, ~1,000 query
 * parameters, error bodies that must be UTF-8, bodies over the limit, a flood of aborted
 * connections in the log, and cross-origin POSTs. Attackers connect from 127.0.0.2 (still
 * loopback, to 127.0.0.1), so the probe from 127.0.0.1 is another address. */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fleetops/buf.h"
#include "testutil.h"

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void sleep_s(double s) {
    struct timespec t = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&t, NULL);
}

/* A connection from `src` (an address of 127/8) to the server; -1 if refused. */
static int dial(const fo_live_server *srv, const char *src) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s >= 0);
    struct sockaddr_in from = {.sin_family = AF_INET};
    inet_pton(AF_INET, src, &from.sin_addr);
    if (bind(s, (struct sockaddr *)&from, sizeof from) != 0) {
        close(s);
        return -1;
    }
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)srv->port)};
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (connect(s, (struct sockaddr *)&to, sizeof to) != 0) {
        close(s);
        return -1;
    }
    return s;
}

static void send_all(int s, const char *p, size_t n) {
    while (n) {
        ssize_t w = send(s, p, n, MSG_NOSIGNAL);
        if (w <= 0) return;
        p += w;
        n -= (size_t)w;
    }
}

/* Reads until EOF, `timeout` seconds or a whole answer (head + Content-Length); returns the
 * bytes (caller frees), the status in *status (0: none). */
static char *read_reply(int s, double timeout, int *status) {
    fo_buf b;
    fo_buf_init(&b);
    double end = now_s() + timeout;
    *status = 0;
    for (;;) {
        double left = end - now_s();
        if (left <= 0) break;
        struct pollfd p = {s, POLLIN, 0};
        if (poll(&p, 1, (int)(left * 1000) + 1) <= 0) break;
        char buf[65536];
        ssize_t r = recv(s, buf, sizeof buf, 0);
        if (r <= 0) break;
        fo_buf_append(&b, buf, (size_t)r);
        const char *all = fo_buf_str(&b), *head = strstr(all, "\r\n\r\n");
        if (head) {
            const char *cl = strcasestr(all, "\r\nContent-Length:");
            if (cl && cl < head && b.len >= (size_t)(head + 4 - all) + strtoull(cl + 17, NULL, 10))
                break;
        }
    }
    char *out = strdup(fo_buf_str(&b));
    if (strncmp(out, "HTTP/1.", 7) == 0) *status = atoi(out + 9);
    fo_buf_free(&b);
    return out;
}

/* One whole request from 127.0.0.1: the status, the body (caller frees) and the seconds. */
static int request(const fo_live_server *srv, const char *req, char **body, double *secs,
                   double timeout) {
    double t0 = now_s();
    int s = dial(srv, "127.0.0.1");
    int status = 0;
    char *all = strdup("");
    if (s >= 0) {
        send_all(s, req, strlen(req));
        free(all);
        all = read_reply(s, timeout, &status);
        close(s);
    }
    if (secs) *secs = now_s() - t0;
    if (body) {
        const char *b = strstr(all, "\r\n\r\n");
        *body = strdup(b ? b + 4 : "");
    }
    free(all);
    return status;
}

static const char probe_req[] = "GET /api/roi HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

/* 1. Slowloris: more connections than the limit, half sending `GET /api/roi HTTP/1.1`, `Host`
 * and then one header line every 0.5 s, half a POST's headers and then one byte of its body
 * every 0.5 s. Every probe from another client is answered within 2 s throughout, and every
 * slow connection is closed once its deadline passes. */
static void test_slowloris(void **state) {
    (void)state;
    fo_live_server srv;
    fo_server_spawn(&srv, "--max-connections", "64", "--max-connections-per-address", "64",
                    "--header-deadline", "3", "--body-deadline", "3", NULL);
    enum { N = 200 };
    int fds[N];
    static const char post[] = "POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: "
                               "application/json\r\nContent-Length: 1000\r\n\r\n";
    for (int i = 0; i < N; i++) { /* slow headers, and (every other one) a slow body */
        fds[i] = dial(&srv, "127.0.0.2");
        if (fds[i] >= 0 && i % 2) send_all(fds[i], post, sizeof post - 1);
        if (fds[i] >= 0 && !(i % 2)) send_all(fds[i], "GET /api/roi HTTP/1.1\r\nHost: x\r\n", 33);
    }
    double worst = 0, t0 = now_s();
    int probes = 0;
    while (now_s() - t0 < 5.0) {
        for (int i = 0; i < N; i++)
            if (fds[i] >= 0) send_all(fds[i], i % 2 ? "{" : "X-Slow: 1\r\n", i % 2 ? 1 : 11);
        double secs;
        int st = request(&srv, probe_req, NULL, &secs, 5.0);
        if (st != 200)
            fail_msg("probe %d during the attack: status %d after %.3f s", probes, st, secs);
        if (secs > worst) worst = secs;
        probes++;
        sleep_s(0.5);
    }
    print_message("slowloris: %d probes during %d slow connections, slowest %.3f s\n", probes, N,
                  worst);
    assert_true(worst < 2.0);
    /* past the deadline (3 s) every slow connection has been closed: EOF or a 408 */
    int open_left = 0;
    for (int i = 0; i < N; i++) {
        if (fds[i] < 0) continue;
        int st;
        char *r = read_reply(fds[i], 0.2, &st);
        struct pollfd p = {fds[i], POLLIN, 0};
        if (poll(&p, 1, 0) == 0 && !*r) open_left++;
        free(r);
        close(fds[i]);
    }
    assert_int_equal(open_left, 0);
    fo_server_kill(&srv, SIGTERM);
}

/* The per-address limit: one address holds at most its share; the next connection from it
 * closes the one that waited longest for its headers. */
static void test_per_address_limit(void **state) {
    (void)state;
    fo_live_server srv;
    fo_server_spawn(&srv, "--max-connections-per-address", "8", NULL);
    enum { N = 20 };
    int fds[N];
    for (int i = 0; i < N; i++) {
        fds[i] = dial(&srv, "127.0.0.2");
        if (fds[i] >= 0) send_all(fds[i], "GET /api/roi HTTP/1.1\r\n", 23);
        sleep_s(0.01);
    }
    sleep_s(0.3);
    int alive = 0;
    for (int i = 0; i < N; i++) {
        if (fds[i] < 0) continue;
        struct pollfd p = {fds[i], POLLIN, 0};
        if (poll(&p, 1, 0) == 0) alive++; /* closed ones read EOF */
    }
    print_message("per-address limit 8: %d of %d slow connections still open\n", alive, N);
    assert_true(alive <= 8);
    double secs;
    assert_int_equal(request(&srv, probe_req, NULL, &secs, 5.0), 200);
    assert_true(secs < 2.0);
    for (int i = 0; i < N; i++)
        if (fds[i] >= 0) close(fds[i]);
    fo_server_kill(&srv, SIGTERM);
}

/* The body deadline counts from the last header, not idle time: one byte every 0.3 s does not
 * keep a 100-byte body open past 1 s. */
static void test_slow_body(void **state) {
    (void)state;
    fo_live_server srv;
    fo_server_spawn(&srv, "--body-deadline", "1", NULL);
    int s = dial(&srv, "127.0.0.2");
    assert_true(s >= 0);
    const char head[] =
        "POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 100\r\n\r\n";
    send_all(s, head, sizeof head - 1);
    double t0 = now_s();
    int st = 0;
    char *r = NULL;
    while (now_s() - t0 < 5.0) {
        send_all(s, "{", 1);
        free(r);
        r = read_reply(s, 0.3, &st);
        if (*r || st) break;
        struct pollfd p = {s, POLLIN, 0};
        if (poll(&p, 1, 0) > 0) break; /* EOF */
    }
    double secs = now_s() - t0;
    print_message("slow body: closed after %.2f s (status %d)\n", secs, st);
    assert_true(secs < 2.5);
    free(r);
    close(s);
    fo_server_kill(&srv, SIGTERM);
}

/* 2. ~1,000 query parameters: answered at once (400 naming the limit), not after 30 s. */
static void test_too_many_parameters(void **state) {
    (void)state;
    fo_live_server srv;
    fo_server_spawn(&srv, NULL);
    int counts[] = {66, 963, 1000, 950, 2000};
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        fo_buf q;
        fo_buf_init(&q);
        fo_buf_puts(&q, "GET /api/roi?");
        for (int i = 0; i < counts[k]; i++)
            if (k == 3) /* distinct names */
                fo_buf_printf(&q, "%sp%d=1", i ? "&" : "", i);
            else
                fo_buf_printf(&q, "%sa=1", i ? "&" : "");
        fo_buf_puts(&q, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        char *body;
        double secs;
        int st = request(&srv, fo_buf_str(&q), &body, &secs, 5.0);
        print_message("%d parameters (%zu-byte request): %d in %.3f s\n", counts[k], q.len, st,
                      secs);
        assert_int_equal(st, 400);
        assert_true(secs < 2.0);
        json_t *j = fo_parse_json(body);
        assert_string_equal(json_string_value(json_object_get(j, "error")), "too many parameters");
        assert_string_equal(json_string_value(json_object_get(j, "allowed")),
                            "at most 64 parameters");
        json_decref(j);
        free(body);
        fo_buf_free(&q);
    }
    /* a request line over 8 KiB: 414 naming the limit */
    fo_buf q;
    fo_buf_init(&q);
    fo_buf_puts(&q, "GET /api/roi?models=");
    for (int i = 0; i < 9000; i++)
        fo_buf_putc(&q, '1');
    fo_buf_puts(&q, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    char *body;
    double secs;
    assert_int_equal(request(&srv, fo_buf_str(&q), &body, &secs, 5.0), 414);
    assert_non_null(strstr(body, "at most 8192 bytes"));
    free(body);
    fo_buf_free(&q);
    /* and the server still answers */
    assert_int_equal(request(&srv, probe_req, NULL, &secs, 5.0), 200);
    fo_server_kill(&srv, SIGTERM);
}

static int utf8_valid(const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (!len || i + len > n || (len == 2 && c < 0xC2)) return 0;
        for (size_t k = 1; k < len; k++)
            if ((p[i + k] & 0xC0) != 0x80) return 0;
        if (len == 3 && ((c == 0xE0 && p[i + 1] < 0xA0) || (c == 0xED && p[i + 1] > 0x9F)))
            return 0;
        if (len == 4 &&
            ((c == 0xF0 && p[i + 1] < 0x90) || c > 0xF4 || (c == 0xF4 && p[i + 1] > 0x8F)))
            return 0;
        i += len;
    }
    return 1;
}

/* 3. Error bodies are valid UTF-8 and JSON whatever bytes the query carried. */
static void test_error_bodies_are_utf8(void **state) {
    (void)state;
    fo_live_server srv;
    fo_server_spawn(&srv, NULL);
    const char *bad[] = {"%FF",          "%C3%28",       "%E2%82",       "%F0%28%8C%BC",
                         "%ED%A0%80",    "%C0%AF",       "%F8%88%80",    "%80abc",
                         "%E2%82%AC%FF", "%F4%90%80%80", "caf%C3%A9%FE", "%EF%BF%BD"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *where[] = {"/api/roi?models=", "/api/roi?", "/nowhere/"};
        for (size_t w = 0; w < 3; w++) {
            char req[512];
            snprintf(req, sizeof req, "GET %s%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                     where[w], bad[i]);
            char *body;
            int st = request(&srv, req, &body, NULL, 5.0);
            if (st != 400 && st != 404) fail_msg("%s%s: %d", where[w], bad[i], st);
            if (!utf8_valid((const unsigned char *)body, strlen(body)))
                fail_msg("%s%s: the error body is not UTF-8: %s", where[w], bad[i], body);
            json_error_t je;
            json_t *j = json_loads(body, 0, &je); /* jansson refuses invalid UTF-8 too */
            if (!j) fail_msg("%s%s: not JSON: %s", where[w], bad[i], je.text);
            assert_non_null(json_object_get(j, "value"));
            json_decref(j);
            free(body);
        }
    }
    /* valid UTF-8 is kept as sent */
    char *body;
    request(&srv, "GET /api/roi?models=caf%C3%A9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            &body, NULL, 5.0);
    assert_non_null(strstr(body, "caf\xC3\xA9"));
    free(body);
    fo_server_kill(&srv, SIGTERM);
}

/* Sends up to `total` bytes of body after `head`, stopping when an answer or EOF comes back;
 * returns the bytes sent and the status. */
static size_t push_body(const fo_live_server *srv, const char *head, size_t total, int chunked,
                        int *status) {
    int s = dial(srv, "127.0.0.1");
    assert_true(s >= 0);
    send_all(s, head, strlen(head));
    fcntl(s, F_SETFL, O_NONBLOCK);
    static char chunk[65536 + 16];
    size_t piece = 65536, sent = 0;
    if (chunked) {
        int h = snprintf(chunk, sizeof chunk, "%zx\r\n", piece);
        memset(chunk + h, 'x', piece);
        memcpy(chunk + h + piece, "\r\n", 2);
        piece += (size_t)h + 2;
    } else {
        memset(chunk, 'x', piece);
    }
    size_t off = 0;
    double t0 = now_s();
    *status = 0;
    while (sent < total && now_s() - t0 < 20) {
        struct pollfd p = {s, POLLIN | POLLOUT, 0};
        poll(&p, 1, 100);
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) break;
        if (p.revents & POLLOUT) {
            ssize_t w = send(s, chunk + off, piece - off, MSG_NOSIGNAL);
            if (w < 0 && errno != EAGAIN) break;
            if (w > 0) {
                sent += (size_t)w;
                off = (off + (size_t)w) % piece;
            }
        }
    }
    fcntl(s, F_SETFL, 0);
    char *r = read_reply(s, 3.0, status);
    free(r);
    close(s);
    return sent;
}

/* 4. A body over the limit is refused before it is read: a 200 MB Content-Length gets its 413
 * while the client has sent at most what the sockets' buffers hold; a chunked body is cut off
 * once it passes the limit. */
static void test_body_limit_before_reading(void **state) {
    (void)state;
    fo_live_server srv;
    fo_server_spawn(&srv, NULL);
    int st;
    size_t sent = push_body(&srv,
                            "POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: "
                            "application/json\r\nContent-Length: 209715200\r\n\r\n",
                            (size_t)200 << 20, 0, &st);
    print_message("Content-Length 200 MB: %d after %.1f MB sent\n", st, (double)sent / 1e6);
    assert_int_equal(st, 413);
    assert_true(sent < ((size_t)8 << 20));
    sent = push_body(&srv,
                     "POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n",
                     (size_t)200 << 20, 1, &st);
    print_message("chunked 200 MB: %d after %.1f MB sent\n", st, (double)sent / 1e6);
    assert_true(st == 413 || st == 0); /* answered, or cut off */
    assert_true(sent < ((size_t)8 << 20));
    /* Expect: 100-continue with a large Content-Length: 413 and no 100 Continue */
    int s = dial(&srv, "127.0.0.1");
    const char exp[] = "POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       "Content-Length: 1000000\r\nExpect: 100-continue\r\n\r\n";
    send_all(s, exp, sizeof exp - 1);
    char *r = read_reply(s, 3.0, &st);
    assert_int_equal(st, 413);
    assert_non_null(strstr(r, "at most 65536 bytes"));
    free(r);
    close(s);
    double secs;
    assert_int_equal(request(&srv, probe_req, NULL, &secs, 5.0), 200);
    fo_server_kill(&srv, SIGTERM);
}

/* 5. A flood of aborted connections writes one line per kind per interval, with the count:
 * never thousands of lines, never a silent drop. */
static void test_log_flood(void **state) {
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/flood-stderr.txt", fo_test_tmpdir());
    int saved = dup(2), fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    assert_true(fd >= 0);
    dup2(fd, 2); /* the server inherits it */
    fo_live_server srv;
    fo_server_spawn(&srv, "--log-interval", "1", NULL);
    dup2(saved, 2);
    close(saved);
    close(fd);
    /* In batches: each batch's connections wait 100 ms for the server to take them and start
     * reading their bodies before they are reset, so a loaded machine (the sanitizer build
     * beside the others) still has the server see every abort rather than the kernel's
     * backlog dropping them unseen. */
    enum { N = 2000, BATCH = 100 };
    for (int b = 0; b < N / BATCH; b++) {
        int fds[BATCH];
        for (int i = 0; i < BATCH; i++) {
            fds[i] = dial(&srv, "127.0.0.1");
            if (fds[i] >= 0)
                send_all(fds[i],
                         "POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc",
                         61);
        }
        sleep_s(0.1);
        for (int i = 0; i < BATCH; i++) {
            if (fds[i] < 0) continue;
            struct linger l = {1, 0}; /* RST: an aborted connection */
            setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &l, sizeof l);
            close(fds[i]);
        }
    }
    sleep_s(2.5); /* the interval's count is printed */
    fo_server_kill(&srv, SIGTERM);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    int lines = 0;
    unsigned long counted = 0;
    while (fgets(line, sizeof line, f)) {
        lines++;
        const char *more = strstr(line, "... and ");
        if (more) {
            unsigned long n = 0;
            for (const char *p = more + 8; *p && *p != ' '; p++)
                if (*p >= '0' && *p <= '9') n = n * 10 + (unsigned long)(*p - '0');
            counted += n;
        }
        if (lines <= 8) print_message("  log: %s", line);
    }
    fclose(f);
    print_message("log flood: %d aborted connections -> %d lines (%lu counted in them)\n", N, lines,
                  counted);
    assert_true(lines <= 12);
    assert_true(counted > 0); /* what was held back is counted, not dropped */
}

/* 7. A state-changing request from a foreign Origin is refused 403 with the usual body;
 * same-origin and no-Origin requests (curl, the CLI tests) work. */
static void test_origin_check(void **state) {
    (void)state;
    fo_live_server srv;
    char db[600];
    snprintf(db, sizeof db, "%s/origin-test.db", fo_test_tmpdir());
    remove(db);
    fo_server_spawn(&srv, "--db", db, "--create", "yes", NULL);
    char host[64];
    snprintf(host, sizeof host, "127.0.0.1:%u", srv.port);
    struct {
        const char *headers;
        int want;
    } cases[] = {
        {"Origin: http://evil.example\r\n", 403},
        {"Origin: null\r\n", 403},
        {"Origin: http://127.0.0.1:1\r\n", 403},
        {"Sec-Fetch-Site: cross-site\r\n", 403},
        {"Sec-Fetch-Site: same-site\r\n", 403},
        {"", 201},
        {"Origin: http://%s\r\n", 201},
        {"Origin: http://%s\r\nSec-Fetch-Site: same-origin\r\n", 201},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char hdr[256], req[1024];
        snprintf(hdr, sizeof hdr, cases[i].headers, host);
        const char body[] = "{\"track\":\"tiny-pioneer\"}";
        snprintf(req, sizeof req,
                 "POST /api/session HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n%s"
                 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                 host, hdr, sizeof body - 1, body);
        char *rb;
        int st = request(&srv, req, &rb, NULL, 5.0);
        if (st != cases[i].want) fail_msg("%s: %d, want %d (%s)", hdr, st, cases[i].want, rb);
        if (st == 403) {
            json_t *j = fo_parse_json(rb);
            assert_string_equal(json_string_value(json_object_get(j, "error")),
                                "cross-origin request refused");
            assert_non_null(json_object_get(j, "param"));
            assert_non_null(json_object_get(j, "value"));
            assert_non_null(strstr(json_string_value(json_object_get(j, "allowed")), host));
            json_decref(j);
        }
        free(rb);
    }
    /* GETs are not state-changing: a foreign Origin may read the public API */
    char req[256];
    snprintf(req, sizeof req,
             "GET /api/roi HTTP/1.1\r\nHost: %s\r\nOrigin: http://evil.example\r\nConnection: "
             "close\r\n\r\n",
             host);
    assert_int_equal(request(&srv, req, NULL, NULL, 5.0), 200);
    fo_server_kill(&srv, SIGTERM);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_too_many_parameters),
        cmocka_unit_test(test_error_bodies_are_utf8),
        cmocka_unit_test(test_body_limit_before_reading),
        cmocka_unit_test(test_origin_check),
        cmocka_unit_test(test_per_address_limit),
        cmocka_unit_test(test_slow_body),
        cmocka_unit_test(test_slowloris),
        cmocka_unit_test(test_log_flood),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
