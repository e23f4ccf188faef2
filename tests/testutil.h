/* testutil.h — helpers shared by the tests: run the built CLI as a user would, capture its
 * output and exit status, and parse JSON with jansson. */
#ifndef FLEETOPS_TESTUTIL_H
#define FLEETOPS_TESTUTIL_H

#include <jansson.h>
#include <sqlite3.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* cmocka 1.1.5 (Debian 12) compares assert_float_equal in single precision, which silently
 * passes values that differ in the 8th digit. Every test here means double precision: the
 * macro is redefined to compare doubles, |a - b| <= epsilon, and to print both to 17 digits. */
#undef assert_float_equal
#define assert_float_equal(a, b, epsilon)                                                          \
    fo_assert_close((double)(a), (double)(b), (double)(epsilon), #a, #b, __FILE__, __LINE__)
#define assert_double_equal(a, b, epsilon) assert_float_equal(a, b, epsilon)
void fo_assert_close(double a, double b, double eps, const char *ea, const char *eb,
                     const char *file, int line);

typedef struct fo_proc {
    int status; /* exit status, or 128 + signal */
    char *out;  /* stdout, NUL-terminated */
    char *err;  /* stderr */
} fo_proc;

/* Runs FLEETOPS_BIN with the given arguments (NULL-terminated). */
fo_proc fo_run_cli(const char *arg, ...);
fo_proc fo_run_cliv(const char *const *argv);
void fo_proc_free(fo_proc *p);
/* `fleetops ARGS... --json` (NULL-terminated), parsed; fails the test unless it exits 0. */
json_t *fo_cli_json(const char *first, ...);
/* `fleetops ARGS...` must exit 2 with exactly one stderr line naming `flag`, `value` and what
 * is allowed, and print nothing on stdout. */
void fo_expect_usage_error(const char *flag, const char *value, const char *first, ...);
/* Parses JSON or fails the test with the text. */
json_t *fo_parse_json(const char *text);
/* The number at a dotted path ("toil_hours.total"), failing the test when absent. */
double fo_json_path_num(json_t *root, const char *path);
json_t *fo_json_path(json_t *root, const char *path);
/* Runs a command through the command table in-process; returns the parsed JSON (or NULL and
 * fills *status when it failed). */
json_t *fo_api_json(const char *command, int *status, ...);
/* The ledger file at path, opened after SQLite's integrity_check says "ok" (or the test fails);
 * the caller closes it. */
sqlite3 *fo_open_intact_db(const char *path);
/* The SVG figure at path: well-formed (xmllint) and self-contained (a <title> and a <desc>; no
 * script, image, link, @import or url()), or the test fails. Returns its text (valid until the
 * next call). */
const char *fo_expect_svg(const char *path);
/* A window=hidden answer states none of the 10-Iteration Rule's window (testutil.c). */
void fo_expect_no_window(json_t *j, double hours, double cycle, const char *h_text);
/* A temporary directory for files tests write (created on demand). */
const char *fo_test_tmpdir(void);

/* A `fleetops serve --port 0 ...` of its own, on loopback. */
typedef struct fo_live_server {
    int pid;
    unsigned port;
    char base[64]; /* "http://127.0.0.1:PORT" */
    char out_path[512];
} fo_live_server;

/* Starts the server with extra arguments (NULL-terminated) and waits until it listens. */
void fo_server_spawn(fo_live_server *s, const char *arg, ...);
/* SIGTERM (clean) or SIGKILL (crash); waits for the process. */
void fo_server_kill(fo_live_server *s, int sig);

typedef struct fo_http_reply {
    long status;
    char *body;
    char content_type[128];
    char headers[4096]; /* raw response headers */
} fo_http_reply;

/* One HTTP request with libcurl. body NULL for no body (JSON content type otherwise); cookie
 * "name=value" or NULL. */
fo_http_reply fo_http(const char *method, const char *url, const char *body, const char *cookie);
/* The same, but a failed connection gives status 0 instead of failing the test. */
fo_http_reply fo_http_try(const char *method, const char *url, const char *body,
                          const char *cookie);
void fo_http_free(fo_http_reply *r);
/* The same with an Idempotency-Key header (key may be NULL); must: a failed connection fails
 * the test (else status 0). */
fo_http_reply fo_http_key(const char *method, const char *url, const char *body, const char *cookie,
                          const char *key, int must);
/* A CA certificate file for https:// URLs (the deploy tests' own), or NULL. */
extern const char *fo_http_ca;
/* The value of a response header (case-insensitive name), copied into out; 0 if absent. */
int fo_http_header(const fo_http_reply *r, const char *name, char *out, size_t n);

/* The ledger backend (tests/pgutil.c): the harness passes `--db pg` to run a ledger test
 * against PostgreSQL (ctest's *_pg tests), nothing or `--db sqlite` for SQLite. */
void fo_test_args(int argc, char **argv);
int fo_test_pg(void);
/* A fresh, empty ledger named `name` for the chosen backend, in out: a SQLite path in the
 * test's temporary directory (old files removed), or the URI of a new database in this
 * process's throwaway PostgreSQL cluster (started on first use on 127.0.0.1, stopped at exit). */
const char *fo_test_ledger(const char *name, char *out, size_t n);
/* postgresql://postgres@127.0.0.1:PORT: the cluster (started when needed). */
const char *fo_pg_cluster_uri(void);
/* "stop" (immediate, as a crash) or "start" the cluster, on the same port. */
void fo_pg_ctl(const char *action);
/* One integer from a query on either backend's ledger (SQLite checked intact first); -1 on
 * failure. */
long long fo_ledger_count(const char *ledger, const char *sql);
/* A TCP port free on 127.0.0.1 just now. */
unsigned fo_free_port(void);

#endif
