/* pgutil.c — the ledger backend a test runs against (testutil.h): SQLite files in the test's
 * temporary directory, or databases in a throwaway PostgreSQL cluster this process starts on
 * 127.0.0.1 (Debian's initdb and pg_ctl, as the postgres user when run as root) and stops at
 * exit. The harness picks the backend: `test_ledger --db pg` (ctest's *_pg tests). */
#include "testutil.h"

#include <glob.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef FO_HAVE_LIBPQ
#include <libpq-fe.h>
#endif

static int use_pg;
static char pg_dir[256], pg_bin[256], pg_base[128];
static unsigned pg_port;
static int pg_started;

void fo_test_args(int argc, char **argv) {
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--db") == 0) use_pg = strcmp(argv[i + 1], "pg") == 0;
}

int fo_test_pg(void) {
    return use_pg;
}

/* Runs a shell command as the cluster's owner (postgres when we are root); its exit status. */
static int as_owner(const char *cmd) {
    char line[2200];
    if (geteuid() == 0)
        snprintf(line, sizeof line, "runuser -u postgres -- sh -c '%s'", cmd);
    else
        snprintf(line, sizeof line, "sh -c '%s'", cmd);
    int st = system(line);
    return st;
}

static void pg_cleanup(void) {
    if (!pg_started) return;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s/pg_ctl -D %s/data -m immediate -w stop >/dev/null 2>&1", pg_bin,
             pg_dir);
    as_owner(cmd);
    snprintf(cmd, sizeof cmd, "rm -rf %s", pg_dir);
    if (system(cmd) != 0) fprintf(stderr, "pgutil: could not remove %s\n", pg_dir);
    pg_started = 0;
}

unsigned fo_free_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t n = sizeof a;
    unsigned port = 0;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &n) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0) close(fd);
    return port;
}

void fo_pg_ctl(const char *action) {
    char cmd[2048];
    if (strcmp(action, "start") == 0)
        snprintf(cmd, sizeof cmd,
                 "%s/pg_ctl -D %s/data -l %s/log -w -t 30 -o \"-p %u -c listen_addresses=127.0.0.1 "
                 "-c unix_socket_directories=%s -c fsync=off -c max_connections=300\" start "
                 ">/dev/null",
                 pg_bin, pg_dir, pg_dir, pg_port, pg_dir);
    else /* "stop": an immediate stop, as a crash or a restart would */
        snprintf(cmd, sizeof cmd, "%s/pg_ctl -D %s/data -m immediate -w stop >/dev/null", pg_bin,
                 pg_dir);
    if (as_owner(cmd) != 0) fail_msg("pg_ctl %s failed (log: %s/log)", action, pg_dir);
}

const char *fo_pg_cluster_uri(void) {
    if (pg_started) return pg_base;
    glob_t g;
    if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g) != 0 || g.gl_pathc == 0)
        fail_msg("no PostgreSQL server (scripts/deps.sh pg installs Debian's postgresql)");
    snprintf(pg_bin, sizeof pg_bin, "%.*s", (int)(strlen(g.gl_pathv[g.gl_pathc - 1]) - 7),
             g.gl_pathv[g.gl_pathc - 1]);
    globfree(&g);
    snprintf(pg_dir, sizeof pg_dir, "/tmp/fleetops-pg-XXXXXX");
    if (!mkdtemp(pg_dir)) fail_msg("mkdtemp failed");
    char cmd[1024];
    if (geteuid() == 0) {
        snprintf(cmd, sizeof cmd, "chown postgres:postgres %s", pg_dir);
        if (system(cmd) != 0) fail_msg("chown of %s failed", pg_dir);
    }
    pg_started = 1;
    atexit(pg_cleanup);
    snprintf(
        cmd, sizeof cmd,
        "%s/initdb -D %s/data -A trust -U postgres -E UTF8 --locale=C --no-sync >%s/initdb.log "
        "2>&1",
        pg_bin, pg_dir, pg_dir);
    if (as_owner(cmd) != 0) fail_msg("initdb failed (%s/initdb.log)", pg_dir);
    pg_port = fo_free_port();
    fo_pg_ctl("start");
    snprintf(pg_base, sizeof pg_base, "postgresql://postgres@127.0.0.1:%u", pg_port);
    return pg_base;
}

#ifdef FO_HAVE_LIBPQ
static void quiet(void *arg, const char *message) {
    (void)arg, (void)message;
}

static PGresult *pg_exec(const char *uri, const char *sql) {
    PGconn *c = PQconnectdb(uri);
    PQsetNoticeProcessor(c, quiet, NULL);
    if (PQstatus(c) != CONNECTION_OK) {
        PQfinish(c);
        return NULL;
    }
    PGresult *r = PQexec(c, sql);
    PQfinish(c);
    return r;
}
#endif

const char *fo_test_ledger(const char *name, char *out, size_t n) {
    if (!use_pg) {
        snprintf(out, n, "%s/%s.db", fo_test_tmpdir(), name);
        const char *suffix[] = {"", "-wal", "-shm"};
        for (int i = 0; i < 3; i++) {
            char p[700];
            snprintf(p, sizeof p, "%s%s", out, suffix[i]);
            remove(p);
        }
        return out;
    }
#ifdef FO_HAVE_LIBPQ
    const char *base = fo_pg_cluster_uri();
    char admin[256], db[64];
    snprintf(db, sizeof db, "%s", name);
    for (char *p = db; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))) *p = '_';
    snprintf(admin, sizeof admin, "%s/postgres", base);
    /* two statements: DROP DATABASE cannot run inside the implicit transaction of one PQexec */
    char drop[128], create[128];
    snprintf(drop, sizeof drop, "DROP DATABASE IF EXISTS %s WITH (FORCE)", db);
    snprintf(create, sizeof create, "CREATE DATABASE %s", db);
    PGresult *r = pg_exec(admin, drop);
    PQclear(r);
    r = pg_exec(admin, create);
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) fail_msg("CREATE DATABASE %s failed", db);
    PQclear(r);
    snprintf(out, n, "%s/%s", base, db);
    return out;
#else
    fail_msg("this build has no libpq: the PostgreSQL ledger tests cannot run");
    return NULL;
#endif
}

long long fo_ledger_count(const char *ledger, const char *sql) {
    long long v = -1;
    if (strncmp(ledger, "postgresql://", 13) != 0) {
        sqlite3 *db = fo_open_intact_db(ledger);
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        sqlite3_close(db);
        return v;
    }
#ifdef FO_HAVE_LIBPQ
    PGresult *r = pg_exec(ledger, sql);
    if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
#endif
    return v;
}
