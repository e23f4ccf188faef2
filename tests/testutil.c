/* testutil.c — see testutil.h. */
#include "testutil.h"

#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <strings.h>
#include <time.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fleetops/command.h"

extern char **environ;

void fo_assert_close(double a, double b, double eps, const char *ea, const char *eb,
                     const char *file, int line) {
    if (fabs(a - b) <= eps) return; /* false for NaN, so NaN never passes */
    fail_msg("%s:%d: %s = %.17g, %s = %.17g, |diff| = %.3g > %.3g", file, line, ea, a, eb, b,
             fabs(a - b), eps);
}

const char *fo_test_tmpdir(void) {
    mkdir(FO_TEST_TMP, 0755);
    return FO_TEST_TMP;
}

static char *slurp_fd(int fd) {
    size_t cap = 4096, len = 0;
    char *s = malloc(cap);
    lseek(fd, 0, SEEK_SET);
    for (;;) {
        if (len + 4096 > cap) s = realloc(s, cap *= 2);
        ssize_t n = read(fd, s + len, cap - len - 1);
        if (n <= 0) break;
        len += (size_t)n;
    }
    s[len] = '\0';
    return s;
}

fo_proc fo_run_cliv(const char *const *args) {
    fo_proc p = {0};
    char out_path[512], err_path[512];
    snprintf(out_path, sizeof out_path, "%s/outXXXXXX", fo_test_tmpdir());
    snprintf(err_path, sizeof err_path, "%s/errXXXXXX", fo_test_tmpdir());
    int out_fd = mkstemp(out_path), err_fd = mkstemp(err_path);
    assert_true(out_fd >= 0 && err_fd >= 0);
    const char *argv[64];
    size_t n = 0;
    argv[n++] = FLEETOPS_BIN;
    for (; args[n - 1] && n < 63; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
    pid_t pid;
    int rc = posix_spawn(&pid, FLEETOPS_BIN, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    assert_int_equal(rc, 0);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    p.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    p.out = slurp_fd(out_fd);
    p.err = slurp_fd(err_fd);
    close(out_fd), close(err_fd);
    unlink(out_path), unlink(err_path);
    return p;
}

/* Appends the NULL-terminated arguments (first, then the rest of ap) to argv from argv[*n] on,
 * while *n < max. */
static void take_args(const char **argv, size_t *n, size_t max, const char *first, va_list ap) {
    for (const char *a = first; a && *n < max; a = va_arg(ap, const char *))
        argv[(*n)++] = a;
}

fo_proc fo_run_cli(const char *arg, ...) {
    const char *argv[64];
    size_t n = 0;
    va_list ap;
    va_start(ap, arg);
    take_args(argv, &n, 63, arg, ap);
    va_end(ap);
    argv[n] = NULL;
    return fo_run_cliv(argv);
}

sqlite3 *fo_open_intact_db(const char *path) {
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    return db;
}

const char *fo_expect_svg(const char *path) {
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "xmllint --noout '%s'", path);
    if (system(cmd) != 0) fail_msg("not well-formed (xmllint): %s", path);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("no figure at %s", path);
    static char svg[1 << 22];
    size_t n = fread(svg, 1, sizeof svg - 1, f);
    fclose(f);
    svg[n] = '\0';
    static const char *const banned[] = {"<script", "<image", "href", "@import", "url("};
    for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
        if (strstr(svg, banned[i]))
            fail_msg("%s: has %s (a figure is self-contained)", path, banned[i]);
    if (!strstr(svg, "<title>") || !strstr(svg, "<desc>"))
        fail_msg("%s: no <title> or <desc>", path);
    return svg;
}

void fo_proc_free(fo_proc *p) {
    free(p->out);
    free(p->err);
}

json_t *fo_parse_json(const char *text) {
    json_error_t e;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &e);
    if (!j) fail_msg("invalid JSON (%s at line %d col %d): %.300s", e.text, e.line, e.column, text);
    return j;
}

json_t *fo_json_path(json_t *root, const char *path) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *cur = root;
    for (char *tok = strtok(buf, "."); tok && cur; tok = strtok(NULL, "."))
        cur = json_object_get(cur, tok);
    return cur;
}

double fo_json_path_num(json_t *root, const char *path) {
    json_t *v = fo_json_path(root, path);
    if (!v || !json_is_number(v)) fail_msg("JSON has no number at \"%s\"", path);
    return json_number_value(v);
}

json_t *fo_api_json(const char *command, int *status, ...) {
    const char *names[FO_MAX_PARAMS * 2], *values[FO_MAX_PARAMS * 2];
    size_t n = 0;
    va_list ap;
    va_start(ap, status);
    for (const char *k = va_arg(ap, const char *); k && n < FO_MAX_PARAMS * 2;
         k = va_arg(ap, const char *)) {
        names[n] = k;
        values[n++] = va_arg(ap, const char *);
    }
    va_end(ap);
    fo_buf out;
    fo_buf_init(&out);
    fo_output o = {&out, NULL, NULL};
    fo_error err;
    fo_status s = fo_command_run_kv(command, names, values, n, &o, &err);
    if (status) *status = (int)s;
    json_t *j = s == FO_OK ? fo_parse_json(fo_buf_str(&out)) : NULL;
    fo_buf_free(&out);
    return j;
}

void fo_server_spawn(fo_live_server *s, const char *arg, ...) {
    const char *argv[40];
    size_t n = 0;
    argv[n++] = FLEETOPS_BIN;
    argv[n++] = "serve";
    argv[n++] = "--port";
    argv[n++] = "0";
    va_list ap;
    va_start(ap, arg);
    take_args(argv, &n, 38, arg, ap);
    va_end(ap);
    argv[n] = NULL;
    memset(s, 0, sizeof *s);
    snprintf(s->out_path, sizeof s->out_path, "%s/serveXXXXXX", fo_test_tmpdir());
    int fd = mkstemp(s->out_path);
    assert_true(fd >= 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd, 1);
    pid_t pid;
    assert_int_equal(posix_spawn(&pid, FLEETOPS_BIN, &fa, NULL, (char *const *)argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    s->pid = pid;
    for (int i = 0; i < 500 && !s->port; i++) {
        struct timespec t = {0, 10 * 1000 * 1000};
        nanosleep(&t, NULL);
        char *out = slurp_fd(fd);
        const char *at = strstr(out, "http://127.0.0.1:");
        if (at) s->port = (unsigned)atoi(at + strlen("http://127.0.0.1:"));
        free(out);
    }
    close(fd);
    if (!s->port) fail_msg("fleetops serve did not start");
    snprintf(s->base, sizeof s->base, "http://127.0.0.1:%u", s->port);
}

void fo_server_kill(fo_live_server *s, int sig) {
    if (s->pid <= 0) return;
    kill(s->pid, sig);
    int st;
    while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR) {
    }
    s->pid = 0;
    unlink(s->out_path);
}

typedef struct sink {
    fo_buf b;
} sink;

static size_t on_data(char *p, size_t size, size_t n, void *ud) {
    fo_buf_append(&((sink *)ud)->b, p, size * n);
    return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud) {
    fo_http_reply *r = ud;
    size_t len = strlen(r->headers), add = size * n;
    if (len + add < sizeof r->headers) {
        memcpy(r->headers + len, p, add);
        r->headers[len + add] = '\0';
    }
    return size * n;
}

const char *fo_http_ca;

static fo_http_reply http_do_key(const char *method, const char *url, const char *body,
                                 const char *cookie, const char *key, int must) {
    fo_http_reply r;
    memset(&r, 0, sizeof r);
    sink sk;
    fo_buf_init(&sk.b);
    CURL *c = curl_easy_init();
    assert_non_null(c);
    struct curl_slist *h = NULL;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "HEAD") == 0) curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (body) {
        h = curl_slist_append(h, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    if (cookie) curl_easy_setopt(c, CURLOPT_COOKIE, cookie);
    char keyh[128];
    if (key) {
        snprintf(keyh, sizeof keyh, "Idempotency-Key: %s", key);
        h = curl_slist_append(h, keyh);
    }
    if (fo_http_ca) curl_easy_setopt(c, CURLOPT_CAINFO, fo_http_ca);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sk);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK && must) fail_msg("%s %s: %s", method, url, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    char *type = NULL;
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
    snprintf(r.content_type, sizeof r.content_type, "%s", type ? type : "");
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    r.body = sk.b.data ? sk.b.data : calloc(1, 1);
    return r;
}

static fo_http_reply http_do(const char *method, const char *url, const char *body,
                             const char *cookie, int must) {
    return http_do_key(method, url, body, cookie, NULL, must);
}

fo_http_reply fo_http_key(const char *method, const char *url, const char *body, const char *cookie,
                          const char *key, int must) {
    return http_do_key(method, url, body, cookie, key, must);
}

fo_http_reply fo_http(const char *method, const char *url, const char *body, const char *cookie) {
    return http_do(method, url, body, cookie, 1);
}

fo_http_reply fo_http_try(const char *method, const char *url, const char *body,
                          const char *cookie) {
    return http_do(method, url, body, cookie, 0);
}

void fo_http_free(fo_http_reply *r) {
    free(r->body);
    r->body = NULL;
}

int fo_http_header(const fo_http_reply *r, const char *name, char *out, size_t n) {
    size_t len = strlen(name);
    for (const char *line = r->headers; *line;) {
        const char *end = strstr(line, "\r\n");
        if (!end) end = line + strlen(line);
        if (strncasecmp(line, name, len) == 0 && line[len] == ':') {
            const char *v = line + len + 1;
            while (*v == ' ')
                v++;
            snprintf(out, n, "%.*s", (int)(end - v), v);
            return 1;
        }
        line = *end ? end + 2 : end;
    }
    return 0;
}

/* Runs the CLI with the arguments (NULL-terminated) and --json; fails the test unless it exits 0.
 */
json_t *fo_cli_json(const char *first, ...) {
    const char *argv[40];
    size_t n = 0;
    va_list ap;
    va_start(ap, first);
    take_args(argv, &n, 38, first, ap);
    va_end(ap);
    argv[n++] = "--json";
    argv[n] = NULL;
    fo_proc p = fo_run_cliv(argv);
    if (p.status != 0) fail_msg("exit %d: %s", p.status, p.err);
    json_t *j = fo_parse_json(p.out);
    fo_proc_free(&p);
    return j;
}

void fo_expect_usage_error(const char *flag, const char *value, const char *first, ...) {
    const char *argv[40];
    size_t n = 0;
    va_list ap;
    va_start(ap, first);
    take_args(argv, &n, 38, first, ap);
    va_end(ap);
    argv[n] = NULL;
    fo_proc p = fo_run_cliv(argv);
    if (p.status != 2)
        fail_msg("%s %s: exit %d, want 2 (stderr: %s)", flag, value, p.status, p.err);
    if (!strstr(p.err, flag) || !strstr(p.err, value) || !strstr(p.err, "allowed"))
        fail_msg("stderr does not name %s, \"%s\" and what is allowed: %s", flag, value, p.err);
    char *nl = strchr(p.err, '\n');
    if (!nl || nl[1] != '\0') fail_msg("want one stderr line: %s", p.err);
    if (p.out[0] != '\0') fail_msg("nothing on stdout on error: %s", p.out);
    fo_proc_free(&p);
}

/* A JSON answer asked with window=hidden states no figure the 10-Iteration Rule's window is read
 * from: no number within 0.05 of the needed hours (or 0.002 of its days) or of the needed release
 * cycle, no string holding the hours as printed; the Confidence Clock's curve grid is exempt. */
static void no_window(json_t *v, const char *key, double hours, double cycle, const char *h_text) {
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) {
            if (strcmp(k, "confidence_curve") != 0) no_window(x, k, hours, cycle, h_text);
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            no_window(json_array_get(v, i), key, hours, cycle, h_text);
    } else if (json_is_number(v)) {
        double x = json_number_value(v);
        if (fabs(x - hours) < 0.05 || fabs(x - hours / 24) < 0.002 || fabs(x - cycle) < 0.05)
            fail_msg("window hidden: %s = %g reads the window (%g h)", key, x, hours);
    } else if (json_is_string(v)) {
        if (strstr(json_string_value(v), h_text))
            fail_msg("window hidden: %s says %s", key, h_text);
    }
}

void fo_expect_no_window(json_t *j, double hours, double cycle, const char *h_text) {
    no_window(j, "", hours, cycle, h_text);
}
