/* test_server_door.c — the instructor's door (issue 16): the token only from a file or the
 * environment (the argv flag refused with where to put it), at least 128 bits, generated and
 * printed once when none is given; sign-in by a form that sets an HttpOnly SameSite=Strict
 * cookie, no token accepted in a URL; failed tries slowed per address (429, Retry-After).
 * Raw requests over loopback to a server the test started; other addresses of 127/8 stand for
 * other machines. */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
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

#define TOKEN "9b1f3e7a5c2d8e4f6a0b1c3d5e7f9a2b"

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* One request from `src` (an address of 127/8); the whole answer (caller frees), status. */
static char *http_from(const fo_live_server *srv, const char *src, const char *req, int *status) {
    *status = 0;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s >= 0);
    struct sockaddr_in from = {.sin_family = AF_INET}, to = {.sin_family = AF_INET};
    inet_pton(AF_INET, src, &from.sin_addr);
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    to.sin_port = htons((uint16_t)srv->port);
    assert_int_equal(bind(s, (struct sockaddr *)&from, sizeof from), 0);
    assert_int_equal(connect(s, (struct sockaddr *)&to, sizeof to), 0);
    for (size_t off = 0, n = strlen(req); off < n;) {
        ssize_t w = send(s, req + off, n - off, MSG_NOSIGNAL);
        if (w <= 0) break;
        off += (size_t)w;
    }
    fo_buf b;
    fo_buf_init(&b);
    double end = now_s() + 5;
    while (now_s() < end) {
        struct pollfd p = {s, POLLIN, 0};
        if (poll(&p, 1, 500) <= 0) continue;
        char buf[8192];
        ssize_t r = recv(s, buf, sizeof buf, 0);
        if (r <= 0) break;
        fo_buf_append(&b, buf, (size_t)r);
    }
    close(s);
    char *out = strdup(fo_buf_str(&b));
    fo_buf_free(&b);
    if (strncmp(out, "HTTP/1.", 7) == 0) *status = atoi(out + 9);
    return out;
}

static char *signin(const fo_live_server *srv, const char *src, const char *token, int *status) {
    char body[256], req[1024];
    snprintf(body, sizeof body, "token=%s", token);
    snprintf(req, sizeof req,
             "POST /instructor/signin HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n"
             "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n\r\n%s",
             srv->port, strlen(body), body);
    return http_from(srv, src, req, status);
}

static char *get(const fo_live_server *srv, const char *path, const char *extra, int *status) {
    char req[1024];
    snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s\r\n", path,
             extra ? extra : "");
    return http_from(srv, "127.0.0.1", req, status);
}

/* "fo_instructor=<64 hex>" from a sign-in's answer (checked: HttpOnly, SameSite=Strict). */
static void cookie_of(const char *reply, char *out, size_t n) {
    const char *set = strcasestr(reply, "\r\nSet-Cookie: ");
    assert_non_null(set);
    set += 14;
    size_t len = strcspn(set, "\r");
    char line[256];
    snprintf(line, sizeof line, "%.*s", (int)len, set);
    assert_non_null(strstr(line, "HttpOnly"));
    assert_non_null(strstr(line, "SameSite=Strict"));
    assert_true(strncmp(line, "fo_instructor=", 14) == 0);
    snprintf(out, n, "%.*s", (int)strcspn(line, ";"), line);
    assert_int_equal(strlen(out), 14 + 64);
}

static const char *write_file(const char *name, const char *text) {
    static char path[600];
    snprintf(path, sizeof path, "%s/%s", fo_test_tmpdir(), name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* The argv flag is refused and says where the token goes; weak tokens are refused. */
static void test_token_sources(void **state) {
    (void)state;
    unsetenv("FLEETOPS_INSTRUCTOR_TOKEN");
    fo_proc p = fo_run_cli("serve", "--port", "0", "--instructor-token", TOKEN, NULL);
    assert_int_equal(p.status, 2);
    assert_non_null(strstr(p.err, "--instructor-token-file"));
    assert_non_null(strstr(p.err, "FLEETOPS_INSTRUCTOR_TOKEN"));
    assert_null(strstr(p.err, TOKEN));
    fo_proc_free(&p);
    const char *weak[] = {"instructor-secret-42",
                          "0123456789abcdef0123456789abcdef", /* a pattern repeated */
                          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                          "9b1f3e7a5c2d8e4f6a0b1c3d5e7f9a", /* 120 bits of hex */
                          "abcdefghijkl"};
    for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++) {
        const char *file = write_file("weak-token", weak[i]);
        p = fo_run_cli("serve", "--port", "0", "--instructor-token-file", file, NULL);
        if (p.status != 2 || !strstr(p.err, "too weak"))
            fail_msg("file token %s: exit %d, %s", weak[i], p.status, p.err);
        fo_proc_free(&p);
        setenv("FLEETOPS_INSTRUCTOR_TOKEN", weak[i], 1);
        p = fo_run_cli("serve", "--port", "0", NULL);
        if (p.status != 2 || !strstr(p.err, "too weak"))
            fail_msg("env token %s: exit %d, %s", weak[i], p.status, p.err);
        fo_proc_free(&p);
        unsetenv("FLEETOPS_INSTRUCTOR_TOKEN");
    }
    /* a missing file is a usage error naming it */
    p = fo_run_cli("serve", "--port", "0", "--instructor-token-file", "/nonexistent/token", NULL);
    assert_int_equal(p.status, 2);
    assert_non_null(strstr(p.err, "/nonexistent/token"));
    fo_proc_free(&p);
}

/* No token given: one is generated (128 bits) and printed once; it signs in. */
static void test_generated_token(void **state) {
    (void)state;
    unsetenv("FLEETOPS_INSTRUCTOR_TOKEN");
    fo_live_server srv;
    char db[600];
    snprintf(db, sizeof db, "%s/door-gen.db", fo_test_tmpdir());
    remove(db);
    fo_server_spawn(&srv, "--db", db, "--create", "yes", NULL);
    FILE *f = fopen(srv.out_path, "r");
    assert_non_null(f);
    char line[512], token[64] = "";
    int shown = 0;
    while (fgets(line, sizeof line, f)) {
        const char *at = strstr(line, "shown this once): ");
        if (at) {
            shown++;
            snprintf(token, sizeof token, "%.*s", (int)strcspn(at + 18, "\n"), at + 18);
        }
    }
    fclose(f);
    assert_int_equal(shown, 1);
    assert_int_equal(strlen(token), 32);
    int st;
    char *r = signin(&srv, "127.0.0.1", token, &st);
    assert_int_equal(st, 303);
    free(r);
    fo_server_kill(&srv, SIGTERM);
}

/* The form sets the cookie; /api/class takes only the cookie; signing out ends it. */
static void test_signin_by_form(void **state) {
    (void)state;
    const char *file = write_file("token", TOKEN "\n");
    fo_live_server srv;
    char db[600];
    snprintf(db, sizeof db, "%s/door.db", fo_test_tmpdir());
    remove(db);
    fo_server_spawn(&srv, "--db", db, "--create", "yes", "--instructor-token-file", file, NULL);
    /* a student with some text that must not reach the class view */
    char url[256], set[512], student[256];
    snprintf(url, sizeof url, "%s/api/session", srv.base);
    fo_http_reply s = fo_http("POST", url, "{\"track\":\"edge-guardian\"}", NULL);
    assert_int_equal(s.status, 201);
    assert_true(fo_http_header(&s, "Set-Cookie", set, sizeof set));
    snprintf(student, sizeof student, "%.*s", (int)strcspn(set, ";"), set);
    fo_http_free(&s);
    snprintf(url, sizeof url, "%s/api/ledger/reflections", srv.base);
    s = fo_http("POST", url, "{\"part\":\"roi\",\"text\":\"<script>alert(1)</script>\"}", student);
    assert_int_equal(s.status, 201);
    fo_http_free(&s);

    int st;
    char *r = get(&srv, "/instructor", NULL, &st);
    assert_int_equal(st, 200);
    assert_non_null(strstr(r, "<form"));
    assert_non_null(strstr(r, "method=\"post\""));
    free(r);
    /* the token is accepted in no URL and no header but the form's body */
    char path[128], bearer[128];
    snprintf(path, sizeof path, "/api/class?token=%s", TOKEN);
    snprintf(bearer, sizeof bearer, "Authorization: Bearer %s\r\n", TOKEN);
    free(get(&srv, path, NULL, &st));
    assert_int_equal(st, 403);
    free(get(&srv, "/api/class", bearer, &st));
    assert_int_equal(st, 403);
    snprintf(path, sizeof path, "/instructor/signin?token=%s", TOKEN);
    free(get(&srv, path, NULL, &st));
    assert_int_equal(st, 405);

    r = signin(&srv, "127.0.0.1", TOKEN, &st);
    assert_int_equal(st, 303);
    assert_non_null(strcasestr(r, "\r\nLocation: /instructor\r\n"));
    char cookie[128], hdr[160];
    cookie_of(r, cookie, sizeof cookie);
    free(r);
    snprintf(hdr, sizeof hdr, "Cookie: %s\r\n", cookie);
    r = get(&srv, "/api/class", hdr, &st);
    assert_int_equal(st, 200);
    json_t *j = fo_parse_json(strstr(r, "\r\n\r\n") + 4);
    assert_true(json_integer_value(json_object_get(j, "sessions")) >= 1);
    json_decref(j);
    assert_null(strstr(r, "script")); /* no student text in the class view */
    free(r);
    /* a form post with another content type is refused */
    char req[512];
    snprintf(req, sizeof req,
             "POST /instructor/signin HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: "
             "application/json\r\nContent-Length: 9\r\n\r\n{\"t\":\"x\"}");
    free(http_from(&srv, "127.0.0.1", req, &st));
    assert_int_equal(st, 400);
    /* signing out ends the cookie */
    snprintf(req, sizeof req,
             "POST /instructor/signout HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s"
             "Content-Length: 0\r\n\r\n",
             hdr);
    free(http_from(&srv, "127.0.0.1", req, &st));
    assert_int_equal(st, 200);
    free(get(&srv, "/api/class", hdr, &st));
    assert_int_equal(st, 403);
    fo_server_kill(&srv, SIGTERM);
}

/* Five wrong tries from an address, then 429 with Retry-After, the right token included;
 * another address is not slowed. Guessing for a second gets a handful of tries judged. */
static void test_failed_tries_slowed(void **state) {
    (void)state;
    setenv("FLEETOPS_INSTRUCTOR_TOKEN", TOKEN, 1);
    fo_live_server srv;
    char db[600];
    snprintf(db, sizeof db, "%s/door-slow.db", fo_test_tmpdir());
    remove(db);
    fo_server_spawn(&srv, "--db", db, "--create", "yes", NULL);
    unsetenv("FLEETOPS_INSTRUCTOR_TOKEN");
    int st;
    for (int i = 0; i < 5; i++) {
        free(signin(&srv, "127.0.0.3", "00000000000000000000000000000000", &st));
        assert_int_equal(st, 403);
    }
    char *r = signin(&srv, "127.0.0.3", "00000000000000000000000000000001", &st);
    assert_int_equal(st, 429);
    assert_non_null(strcasestr(r, "\r\nRetry-After: "));
    json_t *j = fo_parse_json(strstr(r, "\r\n\r\n") + 4);
    assert_string_equal(json_string_value(json_object_get(j, "param")), "token");
    assert_non_null(json_object_get(j, "allowed"));
    json_decref(j);
    free(r);
    free(signin(&srv, "127.0.0.3", TOKEN, &st)); /* even the right one waits */
    assert_int_equal(st, 429);
    free(signin(&srv, "127.0.0.4", TOKEN, &st)); /* another address is not slowed */
    assert_int_equal(st, 303);
    /* a guessing loop for 1.5 s from one address */
    int judged = 0, tries = 0;
    double t0 = now_s();
    while (now_s() - t0 < 1.5 && tries < 20000) {
        char guess[40];
        snprintf(guess, sizeof guess, "%032d", tries++);
        free(signin(&srv, "127.0.0.5", guess, &st));
        judged += st == 403;
    }
    print_message("guessing: %d tries in 1.5 s, %d judged (the rest 429)\n", tries, judged);
    assert_true(judged <= 7);
    fo_server_kill(&srv, SIGTERM);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_sources),
        cmocka_unit_test(test_generated_token),
        cmocka_unit_test(test_signin_by_form),
        cmocka_unit_test(test_failed_tries_slowed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
