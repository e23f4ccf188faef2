/* test_ledger_guard.c — issue 16's ledger side, each item reproduced against a real
 * `fleetops serve` over HTTP: a ledger that never lies (corrupt, read-only, removed while
 * serving, missing without --create), inputs refused and never cut, quotas and per-address
 * rates with nothing partial written, coalesced revisions, reports that cost what they show
 * (and never starve the API), writes that answer with what changed and GET ?since=, Markdown
 * escaped by block; and issue 14's visit with no session (200 {"session": null}). Timings are
 * printed, and bounded only generously (the sanitizer build runs these too). */
#include <fcntl.h>
#include <pthread.h>
#include <regex.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fleetops/buf.h"
#include "testutil.h"

static fo_live_server srv;
static char db_path[600];

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* A fresh ledger for each test: a path with no file, or a new PostgreSQL database (--db pg). */
static const char *fresh_db(const char *name) {
    char n[64];
    snprintf(n, sizeof n, "guard-%s", name);
    return fo_test_ledger(n, db_path, sizeof db_path);
}

/* The tests of the SQLite file itself (corrupt pages, a read-only file, files removed while
 * serving) have no PostgreSQL counterpart: there the database server owns the files. */
#define SQLITE_ONLY()                                                                              \
    do {                                                                                           \
        if (fo_test_pg()) skip();                                                                  \
    } while (0)

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

static void new_session(const char *track, char *cookie, size_t n) {
    char body[128], set[512];
    snprintf(body, sizeof body, "{\"track\":\"%s\"}", track);
    fo_http_reply r = call("POST", "/api/session", body, NULL);
    if (r.status != 201) fail_msg("POST /api/session: %ld %s", r.status, r.body);
    assert_true(fo_http_header(&r, "Set-Cookie", set, sizeof set));
    snprintf(cookie, n, "%.*s", (int)strcspn(set, ";"), set);
    fo_http_free(&r);
}

/* The reply's status must be `status`, and its body {error, param, value, allowed} must name
 * `param` (when given). Returns the parsed body (caller frees). */
static json_t *expect(fo_http_reply r, long status, const char *param) {
    if (r.status != status) fail_msg("status %ld, want %ld: %s", r.status, status, r.body);
    json_t *j = fo_parse_json(r.body);
    if (param) {
        const char *got = json_string_value(json_object_get(j, "param"));
        if (!got || strcmp(got, param) != 0) fail_msg("param %s, want %s: %s", got, param, r.body);
        assert_true(json_is_string(json_object_get(j, "error")));
        assert_true(json_is_string(json_object_get(j, "value")));
        assert_true(json_is_string(json_object_get(j, "allowed")));
    }
    fo_http_free(&r);
    return j;
}

static void expect_status(fo_http_reply r, long status, const char *param) {
    json_decref(expect(r, status, param));
}

static json_t *ledger(const char *cookie, const char *query) {
    char path[128];
    snprintf(path, sizeof path, "/api/ledger%s", query ? query : "");
    return expect(call("GET", path, NULL, cookie), 200, NULL);
}

static size_t entries_of(json_t *l) {
    return json_array_size(json_object_get(l, "entries"));
}

/* `fleetops ARGS` run as `prefix` (stopped after `seconds`: timeout's 124): its exit status,
 * and what it wrote to stderr (stdout too when `both`) in out. */
static int run_as(char *out, size_t n, const char *prefix, const char *args, int seconds,
                  int both) {
    char file[600], cmd[2400];
    snprintf(file, sizeof file, "%s/run.out", fo_test_tmpdir());
    if (both)
        snprintf(cmd, sizeof cmd, "timeout %d %s %s %s >%s 2>&1", seconds, prefix, FLEETOPS_BIN,
                 args, file);
    else
        snprintf(cmd, sizeof cmd, "timeout %d %s %s %s >/dev/null 2>%s", seconds, prefix,
                 FLEETOPS_BIN, args, file);
    int st = system(cmd);
    FILE *f = fopen(file, "rb");
    size_t got = f ? fread(out, 1, n - 1, f) : 0;
    out[got] = '\0';
    if (f) fclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* `fleetops serve ARGS` that must refuse to start: exit status, and its stderr (one line). A
 * server that starts anyway is stopped after 5 s. */
static int refused_start_as(char *err, size_t n, const char *prefix, const char *args) {
    char a[2000];
    snprintf(a, sizeof a, "serve --port 0 %s", args);
    return run_as(err, n, prefix, a, 5, 0);
}

static int refused_start(char *err, size_t n, const char *args) {
    return refused_start_as(err, n, "", args);
}

static int count_lines(const char *s) {
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* A session with 14 entries (the reproduction), on a server of its own. */
static void loaded_ledger(char *cookie, size_t n) {
    fo_server_spawn(&srv, "--db", db_path, "--create", "yes", "--coalesce-seconds", "0", NULL);
    new_session("cloud-titan", cookie, n);
    for (int i = 0; i < 14; i++) {
        char body[128];
        snprintf(body, sizeof body, "{\"part\":\"roi\",\"text\":\"revision %d\"}", i);
        fo_http_reply r = call("POST", "/api/ledger/reflections", body, cookie);
        assert_int_equal(r.status, 201);
        fo_http_free(&r);
    }
}

/* Overwrites every page after the first (the header and schema) with random bytes. */
static void corrupt_pages(const char *path) {
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    struct stat st;
    fstat(fd, &st);
    assert_true(st.st_size > 8192);
    unsigned char junk[4096];
    unsigned x = 12345;
    for (off_t at = 4096; at < st.st_size; at += 4096) {
        for (size_t i = 0; i < sizeof junk; i++)
            junk[i] = (unsigned char)((x = x * 1103515245u + 12345u) >> 16);
        assert_int_equal(pwrite(fd, junk, sizeof junk, at), (ssize_t)sizeof junk);
    }
    close(fd);
}

/* Issue 16 #3: a corrupted ledger read as empty (200, none of the 14 entries, missing []).
 * Now: refused at start with one line; and corruption found while serving is a 500 naming it,
 * never an empty ledger. */
static void test_corrupt_ledger_refused(void **state) {
    (void)state;
    SQLITE_ONLY();
    char cookie[256], err[2048], args[800];
    fresh_db("corrupt");
    loaded_ledger(cookie, sizeof cookie);
    json_t *l = ledger(cookie, NULL);
    assert_int_equal(entries_of(l), 14);
    json_decref(l);
    /* while serving: the pages go bad under the server; a write from another connection makes
     * it drop its page cache and read them */
    struct timespec idle = {1, 0};
    nanosleep(&idle, NULL); /* the idle checkpoint copies the WAL into the file */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    corrupt_pages(db_path);
    sqlite3_exec(db, "CREATE TABLE poke(x)", NULL, NULL, NULL);
    sqlite3_close(db);
    fo_http_reply r = call("GET", "/api/ledger", NULL, cookie);
    printf("corrupt ledger while serving: GET /api/ledger -> %ld %s\n", r.status, r.body);
    assert_int_equal(r.status, 500);
    assert_non_null(strstr(r.body, "unreadable"));
    fo_http_free(&r);
    fo_server_kill(&srv, SIGTERM);
    /* at start: refused, one line, non-zero */
    corrupt_pages(db_path);
    snprintf(args, sizeof args, "--db %s", db_path);
    int status = refused_start(err, sizeof err, args);
    printf("corrupt ledger at start: exit %d: %s", status, err);
    assert_int_equal(status, 2);
    assert_int_equal(count_lines(err), 1);
    assert_non_null(strstr(err, "corrupt"));
    assert_non_null(strstr(err, "--db"));
}

/* The command prefix that runs a fleetops as a user for whom a root-owned 0644 file is
 * read-only: none for a non-root user; as root, nobody (setpriv). NULL (say why) when neither. */
static const char *unprivileged(void) {
    if (geteuid() != 0) return "";
    if (access("/usr/bin/setpriv", X_OK) == 0)
        return "/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups";
    printf("skipped: root, and no setpriv to run as nobody\n");
    return NULL;
}

/* Issue 16 #6: a read-only ledger "served" and answered 500 to everything. Root writes any
 * file, so as root the server runs as nobody (setpriv), for whom the root-owned 0644 file is
 * read-only. */
static void test_read_only_ledger_refused(void **state) {
    (void)state;
    SQLITE_ONLY();
    char cookie[256], err[2048], args[800];
    const char *prefix = unprivileged();
    if (!prefix) skip();
    fresh_db("readonly");
    loaded_ledger(cookie, sizeof cookie);
    fo_server_kill(&srv, SIGTERM);
    chmod(db_path, 0444);
    snprintf(args, sizeof args, "--db %s", db_path);
    int status = refused_start_as(err, sizeof err, prefix, args);
    chmod(db_path, 0644);
    printf("read-only ledger at start: exit %d: %s", status, err);
    assert_int_equal(status, 2);
    assert_int_equal(count_lines(err), 1);
    assert_non_null(strstr(err, "read-only"));
}

/* The teacher's copy of a ledger, read-only in a read-only directory (a USB stick, an archive):
 * `fleetops report` and `fleetops class` read it, write nothing next to it, and leave it as it
 * was. They used to refuse it ("the ledger file is read-only"), because opening made a test
 * write. As root they run as nobody (setpriv), for whom the copy and its directory are
 * read-only; the server's cleanly stopped ledger has no -wal, so it is read as immutable. */
static void test_read_only_copy_reported(void **state) {
    (void)state;
    SQLITE_ONLY();
    char cookie[256], out[16384], args[1400];
    const char *prefix = unprivileged();
    if (!prefix) skip();
    fresh_db("rocopy");
    loaded_ledger(cookie, sizeof cookie);
    fo_server_kill(&srv, SIGTERM);
    char dir[700], copy[800], cmd[3200];
    snprintf(dir, sizeof dir, "%s/rocopy-dir", fo_test_tmpdir());
    snprintf(copy, sizeof copy, "%s/class.db", dir);
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir %s && cp %s %s", dir, dir, db_path, copy);
    assert_int_equal(system(cmd), 0);
    chmod(copy, 0444);
    chmod(dir, 0555);
    struct stat before, after;
    assert_int_equal(stat(copy, &before), 0);

    snprintf(args, sizeof args, "report --db %s --session 1 --format md", copy);
    int status = run_as(out, sizeof out, prefix, args, 20, 1);
    printf("report on a read-only copy: exit %d, %zu bytes\n", status, strlen(out));
    if (status != 0) fail_msg("report refused the copy: %s", out);
    assert_non_null(strstr(out, "revision 13")); /* the latest of the 14 revisions */
    snprintf(args, sizeof args, "class --db %s", copy);
    status = run_as(out, sizeof out, prefix, args, 20, 1);
    if (status != 0) fail_msg("class refused the copy: %s", out);
    assert_non_null(strstr(out, "1 student"));

    /* nothing written: no -wal or -shm beside it, the file untouched */
    assert_int_equal(stat(copy, &after), 0);
    assert_int_equal(after.st_mtime, before.st_mtime);
    assert_int_equal(after.st_size, before.st_size);
    char side[900];
    snprintf(side, sizeof side, "%s-wal", copy);
    assert_int_not_equal(access(side, F_OK), 0);
    snprintf(side, sizeof side, "%s-shm", copy);
    assert_int_not_equal(access(side, F_OK), 0);

    /* a ledger this user cannot read at all is refused in one line naming the ledger */
    chmod(copy, 0000);
    snprintf(args, sizeof args, "report --db %s --session 1", copy);
    status = run_as(out, sizeof out, prefix, args, 20, 1);
    printf("report on an unreadable ledger: exit %d: %s", status, out);
    assert_int_equal(status, 2);
    assert_int_equal(count_lines(out), 1);
    assert_non_null(strstr(out, "db"));
    chmod(dir, 0755);
    chmod(copy, 0644);
}

/* Issue 16 #4: after rm of the db, -wal and -shm, writes answered 201 and were lost; a restart
 * made a new empty ledger without a word. Now: 503 naming the ledger, and a restart without
 * --create is refused. --create yes says on stdout that it made a new ledger, with its path. */
static void test_removed_ledger_stops_writes(void **state) {
    (void)state;
    SQLITE_ONLY();
    char cookie[256], err[2048], args[800];
    fresh_db("removed");
    snprintf(args, sizeof args, "--db %s", db_path);
    int status = refused_start(err, sizeof err, args); /* missing, no --create */
    assert_int_equal(status, 2);
    assert_int_equal(count_lines(err), 1);
    assert_non_null(strstr(err, "--create"));
    loaded_ledger(cookie, sizeof cookie);
    FILE *f = fopen(srv.out_path, "rb");
    char out[4096] = "";
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = '\0';
    fclose(f);
    assert_non_null(strstr(out, "NEW"));
    assert_non_null(strstr(out, db_path));
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char p[640];
        snprintf(p, sizeof p, "%s%s", db_path, suffix[i]);
        remove(p);
    }
    expect_status(
        call("POST", "/api/ledger/reflections", "{\"part\":\"roi\",\"text\":\"lost?\"}", cookie),
        503, "db");
    expect_status(call("POST", "/api/session", "{\"track\":\"cloud-titan\"}", NULL), 503, "db");
    fo_server_kill(&srv, SIGTERM);
    status = refused_start(err, sizeof err, args); /* the restart never makes an empty one */
    assert_int_equal(status, 2);
    assert_non_null(strstr(err, "no ledger"));
}

/* Issue 16 #7: a prediction of 60 zeros then 1000000 was locked as 100 (a 64-byte buffer);
 * evidence values were cut at 127 bytes. Now 400 naming the limit, nothing written. */
static void test_long_values_refused_not_cut(void **state) {
    (void)state;
    char cookie[256], body[1024], zeros[61];
    fresh_db("long");
    fo_server_spawn(&srv, "--db", db_path, "--create", "yes", NULL);
    new_session("cloud-titan", cookie, sizeof cookie);
    memset(zeros, '0', 60);
    zeros[60] = '\0';
    snprintf(body, sizeof body, "{\"part\":\"roi\",\"value\":\"%s1000000\"}", zeros);
    json_t *e = expect(call("POST", "/api/ledger/predictions", body, cookie), 400, "value");
    assert_non_null(strstr(json_string_value(json_object_get(e, "allowed")), "63 bytes"));
    json_decref(e);
    char digits[200];
    memset(digits, '1', 150);
    digits[0] = '0', digits[1] = '.';
    digits[150] = '\0';
    snprintf(body, sizeof body,
             "{\"part\":\"roi\",\"command\":\"roi\",\"params\":{\"heterogeneity\":\"%s\"}}",
             digits);
    e = expect(call("POST", "/api/ledger/evidence", body, cookie), 400, "heterogeneity");
    assert_non_null(strstr(json_string_value(json_object_get(e, "allowed")), "127 bytes"));
    json_decref(e);
    json_t *l = ledger(cookie, NULL);
    assert_int_equal(json_array_size(json_object_get(l, "predictions")), 0);
    assert_int_equal(entries_of(l), 0);
    json_decref(l);
    /* the lock is still free: a real prediction takes it */
    expect_status(
        call("POST", "/api/ledger/predictions", "{\"part\":\"roi\",\"value\":20}", cookie), 201,
        NULL);
}

/* Per-session caps (413) and per-address rates (429), each naming its flag, nothing written. */
static void test_quotas_and_rates(void **state) {
    (void)state;
    char cookie[256], body[8192];
    fresh_db("quota");
    fo_server_spawn(&srv, "--db", db_path, "--create", "yes", "--max-evidence", "3",
                    "--max-text-bytes", "5000", "--coalesce-seconds", "0", "--max-revisions", "3",
                    "--sessions-per-minute", "4", "--writes-per-minute", "12", NULL);
    new_session("edge-guardian", cookie, sizeof cookie);
    for (int i = 0; i < 3; i++)
        expect_status(call("POST", "/api/ledger/evidence",
                           "{\"part\":\"roi\",\"command\":\"roi\",\"params\":{\"models\":5}}",
                           cookie),
                      201, NULL);
    json_t *e =
        expect(call("POST", "/api/ledger/evidence",
                    "{\"part\":\"roi\",\"command\":\"roi\",\"params\":{\"models\":5}}", cookie),
               413, "max_evidence");
    assert_non_null(strstr(json_string_value(json_object_get(e, "allowed")), "--max-evidence"));
    json_decref(e);
    /* revisions beyond 3 replace the latest: the last words are kept */
    for (int i = 1; i <= 5; i++) {
        snprintf(body, sizeof body, "{\"part\":\"canary\",\"text\":\"draft %d\"}", i);
        expect_status(call("POST", "/api/ledger/reflections", body, cookie), 201, NULL);
    }
    json_t *l = ledger(cookie, NULL);
    size_t i, kept = 0;
    json_t *x;
    const char *last = "";
    json_array_foreach(json_object_get(l, "entries"), i, x) {
        if (strcmp(json_string_value(json_object_get(x, "kind")), "reflection") != 0) continue;
        kept++;
        last = json_string_value(json_object_get(json_object_get(x, "body"), "text"));
    }
    assert_int_equal(kept, 3);
    assert_string_equal(last, "draft 5");
    json_decref(l);
    /* bytes of text: 4,000 + 4,000 > 5,000 */
    char text[4001];
    memset(text, 'a', 4000);
    text[4000] = '\0';
    snprintf(body, sizeof body, "{\"part\":\"roi\",\"text\":\"%s\"}", text);
    expect_status(call("POST", "/api/ledger/reflections", body, cookie), 201, NULL);
    snprintf(body, sizeof body, "{\"part\":\"crisis\",\"text\":\"%s\"}", text);
    expect_status(call("POST", "/api/ledger/reflections", body, cookie), 413, "max_text_bytes");
    /* writes a minute from this address: 3 + 1 + 5 + 2 so far; the 13th is refused */
    expect_status(
        call("POST", "/api/ledger/reflections", "{\"part\":\"roi\",\"text\":\"y\"}", cookie), 201,
        NULL);
    e = expect(call("POST", "/api/ledger/reflections", "{\"part\":\"roi\",\"text\":\"z\"}", cookie),
               429, "writes_per_minute");
    assert_string_equal(json_string_value(json_object_get(e, "value")), "127.0.0.1");
    json_decref(e);
    /* sessions a minute from this address: 1 so far, 3 more, then refused */
    char other[256];
    for (int k = 0; k < 3; k++)
        new_session("tiny-pioneer", other, sizeof other);
    expect_status(call("POST", "/api/session", "{\"track\":\"tiny-pioneer\"}", NULL), 429,
                  "sessions_per_minute");
    /* reads are never rate-limited */
    l = ledger(cookie, NULL);
    json_decref(l);
}

/* Autosave revisions coalesce by bursts (each within --coalesce-seconds of the previous): the
 * ledger keeps the first and the latest of a burst (the latest replaced in place, same id), so
 * it stays small and keeps what was written first and last. */
static void test_revisions_coalesce(void **state) {
    (void)state;
    char cookie[256], body[256];
    fresh_db("coalesce");
    fo_server_spawn(&srv, "--db", db_path, "--create", "yes", NULL); /* default: 60 s */
    new_session("mobile-nomad", cookie, sizeof cookie);
    long long first = 0, second = 0;
    for (int i = 1; i <= 6; i++) {
        snprintf(body, sizeof body, "{\"part\":\"ensemble\",\"text\":\"typing %d\"}", i);
        json_t *r = expect(call("POST", "/api/ledger/reflections", body, cookie), 201, NULL);
        long long id = json_integer_value(json_object_get(r, "id"));
        if (i == 1) first = id;
        if (i == 2) second = id;
        assert_true(i == 1 || id != first);
        assert_true(i < 2 || id == second);
        assert_int_equal(json_is_true(json_object_get(r, "replaced")), i > 2);
        assert_int_equal(json_integer_value(json_object_get(r, "count")), i == 1 ? 1 : 2);
        json_decref(r);
    }
    json_t *l = ledger(cookie, NULL);
    assert_int_equal(entries_of(l), 2);
    json_t *e = json_object_get(l, "entries");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(json_array_get(e, 0), "body"), "text")),
        "typing 1");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(json_array_get(e, 1), "body"), "text")),
        "typing 6");
    json_decref(l);
}

typedef struct flood {
    char cookie[256];
    double until;
    long acked, refused, other;
} flood;

static void *flood_writer(void *arg) {
    flood *f = arg;
    static char body[21000];
    if (!body[0]) {
        memcpy(body, "{\"part\":\"roi\",\"text\":\"", 22);
        memset(body + 22, 'w', 20000);
        memcpy(body + 22 + 20000, "\"}", 3);
    }
    char url[256];
    snprintf(url, sizeof url, "%s/api/ledger/reflections", srv.base);
    while (now_s() < f->until) {
        fo_http_reply r = fo_http_try("POST", url, body, f->cookie);
        if (r.status == 201)
            f->acked++;
        else if (r.status == 429 || r.status == 413)
            f->refused++;
        else
            f->other++;
        fo_http_free(&r);
    }
    return NULL;
}

static long long file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

/* Issue 16 #1: 20 sessions posting 20 KB reflections wrote 623 MB in 10 s. With the default
 * quotas the ledger stays small: revisions coalesce, writes per address are rated. */
static void test_reflection_flood_stays_small(void **state) {
    (void)state;
    fresh_db("flood");
    fo_server_spawn(&srv, "--db", db_path, "--create", "yes", NULL);
    /* PostgreSQL: the database's growth (an empty one is ~7 MB of catalogs) */
    long long pg_before =
        fo_test_pg() ? fo_ledger_count(db_path, "SELECT pg_database_size(current_database())") : 0;
    enum { N = 20 };
    static flood f[N]; /* the body buffer is built before the threads start */
    pthread_t t[N];
    double secs = 3.0;
    for (int i = 0; i < N; i++) {
        memset(&f[i], 0, sizeof f[i]);
        new_session("cloud-titan", f[i].cookie, sizeof f[i].cookie);
        f[i].until = now_s() + secs;
    }
    flood_writer(&(flood){.until = 0}); /* builds the body */
    for (int i = 0; i < N; i++)
        pthread_create(&t[i], NULL, flood_writer, &f[i]);
    long acked = 0, refused = 0, other = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        acked += f[i].acked, refused += f[i].refused, other += f[i].other;
    }
    char wal[640];
    snprintf(wal, sizeof wal, "%s-wal", db_path);
    long long bytes =
        fo_test_pg()
            ? fo_ledger_count(db_path, "SELECT pg_database_size(current_database())") - pg_before
            : file_size(db_path) + file_size(wal);
    printf("flood: %d sessions x 20 KB reflections for %.0f s: %ld acknowledged, %ld refused "
           "(429/413), %ld other; ledger %.2f MB (before the quotas: 623 MB in 10 s)\n",
           N, secs, acked, refused, other, (double)bytes / 1e6);
    assert_int_equal(other, 0);
    assert_true(refused > 0);
    assert_true(bytes < 20 * 1000 * 1000);
    json_t *l = ledger(f[0].cookie, NULL); /* a burst: its first and latest revisions */
    assert_int_equal(entries_of(l), 2);
    json_decref(l);
}

typedef struct reporter {
    char cookie[256];
    double seconds;
    size_t bytes;
} reporter;

static void *fetch_report(void *arg) {
    reporter *r = arg;
    char url[256];
    snprintf(url, sizeof url, "%s/api/report?format=html", srv.base);
    double t0 = now_s();
    fo_http_reply h = fo_http("GET", url, NULL, r->cookie);
    r->seconds = now_s() - t0;
    r->bytes = h.body ? strlen(h.body) : 0;
    fo_http_free(&h);
    return NULL;
}

/* Issue 16 #1: 300 governance evidence entries (weeks=156) made a 25 s report that recomputed
 * every figure; four at once held both workers and GET /api/roi waited 43 s. Figures are now
 * drawn once, at capture: the report only concatenates, and the API answers meanwhile. (The
 * test keeps 40 entries to stay quick under the sanitizers; bench/ledger_session.sh runs 300.) */
static void test_report_costs_what_it_shows(void **state) {
    (void)state;
    char cookie[256];
    fresh_db("report");
    fo_server_spawn(&srv, "--db", db_path, "--create", "yes", "--max-evidence", "300",
                    "--writes-per-minute", "0", NULL);
    new_session("cloud-titan", cookie, sizeof cookie);
    enum { K = 40 };
    double t0 = now_s();
    for (int i = 0; i < K; i++) {
        char body[256];
        snprintf(
            body, sizeof body,
            "{\"part\":\"ensemble\",\"command\":\"governance\",\"params\":{\"policy\":\"loose\","
            "\"weeks\":156,\"release_every_weeks\":2,\"requests_per_week\":%d}}",
            2000 - i);
        expect_status(call("POST", "/api/ledger/evidence", body, cookie), 201, NULL);
    }
    printf("report: %d governance evidence captured in %.2f s (figures drawn at capture)\n", K,
           now_s() - t0);
    reporter rep[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        memset(&rep[i], 0, sizeof rep[i]);
        snprintf(rep[i].cookie, sizeof rep[i].cookie, "%s", cookie);
        pthread_create(&t[i], NULL, fetch_report, &rep[i]);
    }
    double worst = 0;
    char url[256];
    snprintf(url, sizeof url, "%s/api/roi", srv.base);
    for (int i = 0; i < 20; i++) {
        double a = now_s();
        fo_http_reply r = fo_http("GET", url, NULL, NULL);
        assert_int_equal(r.status, 200);
        fo_http_free(&r);
        double d = now_s() - a;
        if (d > worst) worst = d;
    }
    double slowest = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        if (rep[i].seconds > slowest) slowest = rep[i].seconds;
    }
    printf("report: 4 HTML reports at once, slowest %.3f s, %.2f MB each; GET /api/roi meanwhile: "
           "worst %.1f ms of 20 (before: reports 25 s, the probe 43 s)\n",
           slowest, (double)rep[0].bytes / 1e6, worst * 1e3);
    assert_true(rep[0].bytes > 0);
    assert_true(worst < 2.0); /* generous: the target is < 50 ms, measured above */
    fo_http_reply r = call("GET", "/api/report?format=html", NULL, cookie);
    size_t figures = 0;
    for (const char *p = strstr(r.body, "<figure><svg"); p; p = strstr(p + 1, "<figure><svg"))
        figures++;
    assert_int_equal(figures, K);
    fo_http_free(&r);
}

/* Issue 16 "traffic that stays flat": a write answers with what changed; ?since= returns only
 * what changed after a version; the whole ledger is still there for a reload. */
static void test_writes_answer_what_changed(void **state) {
    (void)state;
    char cookie[256];
    fresh_db("since");
    fo_server_spawn(&srv, "--db", db_path, "--create", "yes", "--coalesce-seconds", "0", NULL);
    new_session("tiny-pioneer", cookie, sizeof cookie);
    json_t *full = ledger(cookie, NULL);
    long long v0 = json_integer_value(json_object_get(full, "version"));
    assert_true(json_is_integer(json_object_get(full, "version")));
    json_decref(full);
    for (int i = 0; i < 10; i++)
        expect_status(
            call("POST", "/api/ledger/reflections", "{\"part\":\"roi\",\"text\":\"r\"}", cookie),
            201, NULL);
    json_t *lock =
        expect(call("POST", "/api/ledger/predictions", "{\"part\":\"roi\",\"value\":20}", cookie),
               201, NULL);
    long long v1 = json_integer_value(json_object_get(lock, "version"));
    assert_int_equal(v1, v0 + 11);
    json_t *delta = json_object_get(lock, "ledger");
    assert_int_equal(json_array_size(json_object_get(delta, "predictions")), 1);
    assert_null(json_object_get(delta, "entries"));
    assert_true(json_is_array(json_object_get(delta, "missing")));
    assert_non_null(json_object_get(lock, "prediction")); /* the reveal, as before */
    json_decref(lock);
    json_t *w =
        expect(call("POST", "/api/ledger/evidence",
                    "{\"part\":\"roi\",\"command\":\"roi\",\"params\":{\"models\":8}}", cookie),
               201, NULL);
    long long v2 = json_integer_value(json_object_get(w, "version"));
    assert_int_equal(v2, v1 + 1);
    delta = json_object_get(w, "ledger");
    assert_int_equal(json_integer_value(json_object_get(delta, "version")), v2);
    assert_null(json_object_get(delta, "entries")); /* the entry is the answer itself */
    assert_true(json_is_string(json_object_get(w, "created_at")));
    assert_true(json_is_object(json_object_get(w, "body")));
    json_decref(w);
    char q[64];
    snprintf(q, sizeof q, "?since=%lld", v1);
    json_t *since = ledger(cookie, q);
    assert_int_equal(entries_of(since), 1);
    assert_int_equal(json_array_size(json_object_get(since, "predictions")), 0);
    json_decref(since);
    snprintf(q, sizeof q, "?since=%lld", v2);
    since = ledger(cookie, q);
    assert_int_equal(entries_of(since), 0);
    assert_true(json_is_array(json_object_get(since, "missing")));
    json_decref(since);
    full = ledger(cookie, NULL);
    assert_int_equal(entries_of(full), 11);
    assert_int_equal(json_array_size(json_object_get(full, "predictions")), 1);
    json_decref(full);
    expect_status(call("GET", "/api/ledger?since=-1", NULL, cookie), 400, "since");
    expect_status(call("GET", "/api/ledger?since=abc", NULL, cookie), 400, "since");
}

/* Issue 14: a visit with no session is not an error; writes without one still are. */
static void test_no_session_is_not_an_error(void **state) {
    (void)state;
    fresh_db("nosession");
    fo_server_spawn(&srv, "--db", db_path, "--create", "yes", NULL);
    fo_http_reply r = call("GET", "/api/ledger", NULL, NULL);
    assert_int_equal(r.status, 200);
    json_t *j = fo_parse_json(r.body);
    assert_true(json_is_null(json_object_get(j, "session")));
    /* and what the page asks at the track choice (issue 18): nothing else */
    assert_int_equal(json_object_size(j), 4);
    assert_string_equal(json_string_value(json_object_get(j, "identity")), "optional");
    assert_true(json_is_false(json_object_get(j, "roster")));
    assert_non_null(json_string_value(json_object_get(j, "teacher_sees")));
    json_decref(j);
    fo_http_free(&r);
    expect_status(
        call("POST", "/api/ledger/reflections", "{\"part\":\"roi\",\"text\":\"x\"}", NULL), 401,
        "session");
    expect_status(call("GET", "/api/report", NULL, NULL), 401, "session");
}

/* Issue 16 #9: setext headings, rules, lists ... in student text made structure in the md
 * report. Every construct is escaped by block (and the text stays in its quote). */
static void test_markdown_blocks_escaped(void **state) {
    (void)state;
    char cookie[256];
    fresh_db("markdown");
    fo_server_spawn(&srv, "--db", db_path, "--create", "yes", NULL);
    new_session("cloud-titan", cookie, sizeof cookie);
    const char *text =
        "Title\\n====\\nSub\\n---\\n***\\n___\\n- item\\n+ plus\\n* star\\n1. one\\n2) "
        "two\\n# h1\\n### h3\\n> quoted\\n```\\nfence\\n~~~\\n    indented code\\n| a "
        "| b |\\n<div>raw</div>\\n&lt; entity\\n[link](http://x)\\n![img](http://x)";
    char body[1024];
    snprintf(body, sizeof body, "{\"part\":\"roi\",\"text\":\"%s\"}", text);
    expect_status(call("POST", "/api/ledger/reflections", body, cookie), 201, NULL);
    fo_http_reply r = call("GET", "/api/report?format=md", NULL, cookie);
    assert_int_equal(r.status, 200);
    const char *want[] = {
        "> Title\n> \\====\n",
        "> Sub\n> \\---\n",
        "> \\*\\*\\*\n",
        "> \\_\\_\\_\n",
        "> \\- item\n",
        "> \\+ plus\n",
        "> \\* star\n",
        "> 1\\. one\n",
        "> 2\\) two\n",
        "> \\# h1\n",
        "> \\#\\#\\# h3\n",
        "> \\> quoted\n",
        "> \\`\\`\\`\n",
        "> \\~~~\n",
        "> indented code\n",
        "> \\| a \\| b \\|\n",
        "> \\<div\\>raw\\</div\\>\n",
        "> \\&lt; entity\n",
        "> \\[link\\](http://x)\n",
        "> \\!\\[img\\](http://x)",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(r.body, want[i])) fail_msg("not escaped as %s in:\n%s", want[i], r.body);
    /* no line of the report outside the headings the report writes starts a block */
    regex_t re;
    assert_int_equal(regcomp(&re, "^(> )?(=+|-{3,}|[-+*] |[0-9]+[.)] |```|~~~|    |<)",
                             REG_EXTENDED | REG_NEWLINE),
                     0);
    regmatch_t m;
    const char *p = r.body;
    while (regexec(&re, p, 1, &m, 0) == 0) {
        const char *line = p + m.rm_so;
        /* the report's own lists ("- Part 2: ...", "- `fleetops ...`") */
        if (strncmp(line, "- Part ", 7) != 0 && strncmp(line, "- `fleetops ", 12) != 0)
            fail_msg("a block starts at: %.60s", line);
        p = line + 1;
    }
    regfree(&re);
    fo_http_free(&r);
}

/* PostgreSQL (issue 17): a database that cannot be reached, or one with no ledger in it
 * without --create yes, is refused at start with one line naming --db. */
static void test_pg_refusals(void **state) {
    (void)state;
    if (!fo_test_pg()) skip();
    char err[2048], args[800];
    snprintf(args, sizeof args, "--db postgresql://postgres@127.0.0.1:1/none");
    assert_int_equal(refused_start(err, sizeof err, args), 2);
    assert_int_equal(count_lines(err), 1);
    assert_non_null(strstr(err, "--db"));
    assert_non_null(strstr(err, "cannot connect"));
    fresh_db("empty");
    snprintf(args, sizeof args, "--db %s", db_path);
    assert_int_equal(refused_start(err, sizeof err, args), 2);
    assert_int_equal(count_lines(err), 1);
    assert_non_null(strstr(err, "no fleetops ledger"));
}

int main(int argc, char **argv) {
    fo_test_args(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_pg_refusals, teardown),
        cmocka_unit_test_teardown(test_corrupt_ledger_refused, teardown),
        cmocka_unit_test_teardown(test_read_only_ledger_refused, teardown),
        cmocka_unit_test_teardown(test_read_only_copy_reported, teardown),
        cmocka_unit_test_teardown(test_removed_ledger_stops_writes, teardown),
        cmocka_unit_test_teardown(test_long_values_refused_not_cut, teardown),
        cmocka_unit_test_teardown(test_quotas_and_rates, teardown),
        cmocka_unit_test_teardown(test_revisions_coalesce, teardown),
        cmocka_unit_test_teardown(test_reflection_flood_stays_small, teardown),
        cmocka_unit_test_teardown(test_report_costs_what_it_shows, teardown),
        cmocka_unit_test_teardown(test_writes_answer_what_changed, teardown),
        cmocka_unit_test_teardown(test_no_session_is_not_an_error, teardown),
        cmocka_unit_test_teardown(test_markdown_blocks_escaped, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
