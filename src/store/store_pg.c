/* store_pg.c — the ledger in PostgreSQL (store.h, store_impl.h), selected by a libpq URI
 * (--db postgresql://...). Any number of `fleetops serve` replicas share one database, so
 * every rule is kept by the database, never by a replica's memory:
 *
 * - the schema is the SQLite one in PostgreSQL's dialect, with the same numbered migrations,
 *   applied at start under an advisory lock (replicas starting together wait for each other);
 * - every write is one transaction that first takes its session's row lock (SELECT ... FOR
 *   UPDATE), so the counts it checks (ten attempts, the quotas, coalescing) cannot change
 *   under it on another replica; a lock is the predictions table's primary key;
 * - idempotency keys are the requests table's primary key (session, key), written in the
 *   write's transaction;
 * - connections come from a small pool; one the server dropped (a restart) is reset when next
 *   used. While the database is unreachable every call answers FO_STORE_EUNAVAILABLE (503):
 *   a write is acknowledged only after its COMMIT returned, never before. */
#include "store_impl.h"

#ifndef FO_HAVE_LIBPQ

fo_status fo_store_pg_open(const char *uri, fo_store_mode mode, int *created, fo_store **out,
                           fo_error *err) {
    (void)mode, (void)created;
    *out = NULL;
    return fo_error_set(err, FO_EUSAGE, "this fleetops was built without PostgreSQL", "db", uri,
                        "a SQLite path, or a build with libpq-dev installed");
}

#else

#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "fleetops/json.h"

#define POOL                4
#define STMTS               48
/* append_tx: a keyed write answered from its first time (rolled back, then FO_OK) */
#define FO_ECANCELED_REPLAY ((fo_status)90)
#define ADVISORY_KEY        "7243417017" /* fleetops' migrations (any constant; one per database) */
#define TS                  "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

typedef struct pg_store {
    fo_store base;
    char *uri;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    PGconn *conn[POOL];
    int busy[POOL];
    /* statements prepared on each connection (by the address of their SQL literal: parsed
     * and planned once per connection, not per request); forgotten when it is reset */
    const char *prepared[POOL][STMTS];
    int down;  /* the database was unreachable: logged once, until it answers again */
    char *dsn; /* the URI with its password hidden, for messages */
    unsigned long long nonce; /* differs between two opens: a class ETag never survives one */
} pg_store;

static const char *const migrations[] = {
    /* 1: sessions, locked predictions, ordered entries */
    "CREATE TABLE sessions("
    "  id BIGSERIAL PRIMARY KEY,"
    "  secret TEXT NOT NULL,"
    "  track TEXT NOT NULL,"
    "  created_at TEXT NOT NULL DEFAULT " TS ");"
    "CREATE TABLE predictions("
    "  session_id BIGINT NOT NULL REFERENCES sessions(id),"
    "  part TEXT NOT NULL,"
    "  predicted TEXT NOT NULL,"
    "  actual TEXT NOT NULL,"
    "  off_by_factor DOUBLE PRECISION,"
    "  correct INTEGER NOT NULL,"
    "  sentence TEXT NOT NULL,"
    "  locked_at TEXT NOT NULL DEFAULT " TS ","
    "  PRIMARY KEY(session_id, part));"
    "CREATE TABLE entries("
    "  id BIGSERIAL PRIMARY KEY,"
    "  session_id BIGINT NOT NULL REFERENCES sessions(id),"
    "  kind TEXT NOT NULL CHECK(kind IN ('evidence','attempt','reflection','governance')),"
    "  part TEXT NOT NULL,"
    "  body TEXT NOT NULL CHECK(body::json IS NOT NULL),"
    "  fingerprint TEXT,"
    "  created_at TEXT NOT NULL DEFAULT " TS ");"
    "CREATE INDEX entries_by_session ON entries(session_id, kind, part, id);",
    /* 2: versions, the text each entry holds (the quota), figures drawn once at capture */
    "ALTER TABLE sessions ADD COLUMN version BIGINT NOT NULL DEFAULT 0;"
    "ALTER TABLE predictions ADD COLUMN version BIGINT NOT NULL DEFAULT 0;"
    "ALTER TABLE entries ADD COLUMN version BIGINT NOT NULL DEFAULT 0;"
    "ALTER TABLE entries ADD COLUMN text_bytes BIGINT NOT NULL DEFAULT 0;"
    "CREATE INDEX entries_by_version ON entries(session_id, version);"
    "UPDATE entries SET text_bytes = octet_length(coalesce(body::json->>'text', "
    "body::json->>'justification', '')) WHERE kind IN ('reflection', 'governance');"
    "CREATE TABLE figures(entry_id BIGINT PRIMARY KEY REFERENCES entries(id), svg TEXT NOT "
    "NULL);",
    /* 3: Part 1's readings of its question, kept with the lock (NULL for the other parts) */
    "ALTER TABLE predictions ADD COLUMN answer_reading TEXT;"
    "ALTER TABLE predictions ADD COLUMN literal_reading TEXT;"
    "ALTER TABLE predictions ADD COLUMN toil_cap_reading TEXT;",
    /* 4: idempotency keys: what each keyed write did, so its retry answers the same */
    "CREATE TABLE requests("
    "  session_id BIGINT NOT NULL REFERENCES sessions(id),"
    "  key TEXT NOT NULL,"
    "  route TEXT NOT NULL,"
    "  entry_id BIGINT,"
    "  part TEXT NOT NULL,"
    "  count BIGINT NOT NULL,"
    "  version BIGINT NOT NULL,"
    "  replaced INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL DEFAULT " TS ","
    "  PRIMARY KEY(session_id, key));"
    "CREATE INDEX requests_by_version ON requests(session_id, version);",
    /* 5: who a session is (as the teacher asked: NULL with --identity none or when not given),
     * when it last wrote (the class view's "stuck", kept by every write's version bump) and its
     * own numbers (serve --variants: the multipliers of p and R, NULL without) */
    "ALTER TABLE sessions ADD COLUMN identity TEXT;"
    "ALTER TABLE sessions ADD COLUMN active_at TEXT;"
    "ALTER TABLE sessions ADD COLUMN variant_failure_rate DOUBLE PRECISION;"
    "ALTER TABLE sessions ADD COLUMN variant_request_rate DOUBLE PRECISION;"
    /* greatest() passes over NULLs; the timestamps are ISO 8601 UTC text, ordered as text */
    "UPDATE sessions SET active_at = greatest(created_at, (SELECT max(created_at) FROM entries "
    "WHERE session_id = sessions.id), (SELECT max(locked_at) FROM predictions WHERE session_id "
    "= sessions.id));",
};

static const char *const kind_names[] = {"evidence", "attempt", "reflection", "governance"};

/* ------------------------------------------------------------------ connections */

static void quiet(void *arg, const char *message) {
    (void)arg, (void)message;
}

static PGconn *connect_db(const char *uri) {
    /* the URI's own settings win over these defaults (expand_dbname: later keywords that the
     * URI sets are taken from it) */
    const char *keys[] = {"connect_timeout", "application_name", "dbname", NULL};
    const char *vals[] = {"3", "fleetops", uri, NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (c) PQsetNoticeProcessor(c, quiet, NULL); /* "already exists, skipping" is not news */
    return c;
}

/* Resets a connection (a new session on the server: its prepared statements are gone). */
static int slot_of(pg_store *s, PGconn *c) {
    int slot = -1;
    pthread_mutex_lock(&s->mu); /* another slot's first connect may be assigning its pointer */
    for (int i = 0; i < POOL; i++)
        if (s->conn[i] == c) slot = i;
    pthread_mutex_unlock(&s->mu);
    return slot;
}

static void reset(pg_store *s, PGconn *c) {
    int slot = slot_of(s, c);
    if (slot >= 0) memset(s->prepared[slot], 0, sizeof s->prepared[slot]);
    PQreset(c);
}

/* A connection from the pool, usable or reset; NULL when the database cannot be reached. */
static PGconn *take(pg_store *s, int *slot) {
    pthread_mutex_lock(&s->mu);
    int i;
    for (;;) {
        for (i = 0; i < POOL && s->busy[i]; i++)
            ;
        if (i < POOL) break;
        pthread_cond_wait(&s->cv, &s->mu);
    }
    s->busy[i] = 1;
    pthread_mutex_unlock(&s->mu);
    *slot = i;
    PGconn *c = s->conn[i]; /* this slot is ours: only its owner assigns it */
    if (!c) {
        c = connect_db(s->uri);
        pthread_mutex_lock(&s->mu);
        s->conn[i] = c;
        pthread_mutex_unlock(&s->mu);
    } else if (PQstatus(c) != CONNECTION_OK) {
        reset(s, c);
    }
    return c && PQstatus(c) == CONNECTION_OK ? c : NULL;
}

static void give(pg_store *s, int slot) {
    pthread_mutex_lock(&s->mu);
    s->busy[slot] = 0;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

/* The first line of libpq's last message on c (its buffer is the connection's: c is ours). */
static const char *first_line(PGconn *c, char *buf, size_t n) {
    const char *m = c ? PQerrorMessage(c) : "no connection";
    snprintf(buf, n, "%.*s", (int)strcspn(m, "\n"), m);
    return buf;
}

/* The down flag and its log lines are shared by the pool's users: under the mutex. */
static void note_up(pg_store *s) {
    pthread_mutex_lock(&s->mu);
    if (s->down) {
        s->down = 0;
        fprintf(stderr, "fleetops serve: the ledger database %s answers again\n", s->dsn);
    }
    pthread_mutex_unlock(&s->mu);
}

static fo_status unavailable(pg_store *s, PGconn *c, fo_error *err) {
    char why[160];
    first_line(c, why, sizeof why);
    pthread_mutex_lock(&s->mu);
    if (!s->down) {
        s->down = 1;
        fprintf(stderr,
                "fleetops serve: the ledger database %s is unreachable (%s): answering 503 "
                "until it is back\n",
                s->dsn, why);
    }
    pthread_mutex_unlock(&s->mu);
    return fo_error_set(err, FO_STORE_EUNAVAILABLE,
                        "the ledger database is unreachable: nothing written, try again", "db", "",
                        "a write answered 201 is kept; retry this one in a few seconds");
}

/* The error of a failed statement: the database unreachable (503), corrupt data (500), a
 * serialization failure (503: retry), anything else an internal error. */
static fo_status pg_error(pg_store *s, PGconn *c, PGresult *r, fo_error *err, const char *what) {
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (PQstatus(c) != CONNECTION_OK || !state || strncmp(state, "08", 2) == 0 ||
        strncmp(state, "57P", 3) == 0 || strcmp(state, "40001") == 0 ||
        strcmp(state, "40P01") == 0 || strcmp(state, "53300") == 0)
        return unavailable(s, c, err);
    char msg[96];
    const char *m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    snprintf(msg, sizeof msg, "ledger %s failed: %s", what, m ? m : "?");
    if (strncmp(state, "XX", 2) == 0) {
        fprintf(stderr, "fleetops serve: the ledger database reports %s (%s)\n", m ? m : "?",
                state);
        return fo_error_set(err, FO_STORE_ECORRUPT, msg, "", "", "an intact database");
    }
    return fo_error_set(err, FO_EINTERNAL, msg, "", "", "");
}

/* Executes a statement prepared on this connection (prepared at its first use here); sql must
 * be a string literal (its address names it). */
static PGresult *exec_prepared(pg_store *s, PGconn *c, const char *sql, int n,
                               const char *const *params) {
    int slot = slot_of(s, c), k;
    if (slot < 0) return PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
    for (k = 0; k < STMTS && s->prepared[slot][k] && s->prepared[slot][k] != sql; k++)
        ;
    if (k == STMTS) return PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
    char name[16];
    snprintf(name, sizeof name, "fo%d", k);
    if (!s->prepared[slot][k]) {
        PGresult *p = PQprepare(c, name, sql, n, NULL);
        int ok = p && PQresultStatus(p) == PGRES_COMMAND_OK;
        if (!ok) return p; /* the error, as the statement's */
        PQclear(p);
        s->prepared[slot][k] = sql;
    }
    return PQexecPrepared(c, name, n, params, NULL, NULL, 0);
}

/* One statement with text parameters (NULL: SQL NULL). The result, or NULL with *rc set (and
 * the statement's error in err). sql is a string literal (prepared once per connection), or
 * built at run time when once is set (fleetops ledger copy). */
static PGresult *run_sql(pg_store *s, PGconn *c, const char *sql, int n, const char *const *params,
                         int once, fo_status *rc, fo_error *err) {
    PGresult *r = once ? PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0)
                       : exec_prepared(s, c, sql, n, params);
    ExecStatusType t = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK) {
        note_up(s);
        return r;
    }
    *rc = pg_error(s, c, r, err, "statement");
    PQclear(r);
    return NULL;
}

static PGresult *run(pg_store *s, PGconn *c, const char *sql, int n, const char *const *params,
                     fo_status *rc, fo_error *err) {
    return run_sql(s, c, sql, n, params, 0, rc, err);
}

/* A statement whose result is not needed: FO_OK or the error. */
static fo_status run0(pg_store *s, PGconn *c, const char *sql, int n, const char *const *params,
                      fo_error *err) {
    fo_status rc = FO_OK;
    PGresult *r = run(s, c, sql, n, params, &rc, err);
    PQclear(r);
    return r ? FO_OK : rc;
}

/* BEGIN on a connection; one reset and retry when the connection turns out to be dead (the
 * server restarted since its last use): nothing was sent on it yet, so that is safe. */
static fo_status begin(pg_store *s, PGconn *c, const char *sql, fo_error *err) {
    PGresult *r = PQexec(c, sql);
    int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (ok) return FO_OK;
    if (PQstatus(c) != CONNECTION_OK) {
        reset(s, c);
        if (PQstatus(c) == CONNECTION_OK) {
            r = PQexec(c, sql);
            ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
            fo_status rc = ok ? FO_OK : pg_error(s, c, r, err, "begin");
            PQclear(r);
            return rc;
        }
    }
    return unavailable(s, c, err);
}

static void rollback(PGconn *c) {
    PQclear(PQexec(c, "ROLLBACK"));
}

/* COMMIT: FO_OK only when the server said it committed. A lost connection here leaves the
 * outcome unknown: 503, and the client's retry with the same key finds out. */
static fo_status commit(pg_store *s, PGconn *c, fo_error *err) {
    PGresult *r = PQexec(c, "COMMIT");
    int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    fo_status rc = ok ? FO_OK : pg_error(s, c, r, err, "commit");
    PQclear(r);
    return rc;
}

static long long ll(PGresult *r, int row, int col) {
    return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static const char *tx(PGresult *r, int row, int col) {
    return PQgetvalue(r, row, col); /* "" for NULL */
}

/* ------------------------------------------------------------------ open, migrate, close */

static void pg_close(fo_store *base) {
    pg_store *s = (pg_store *)base;
    if (!s) return;
    for (int i = 0; i < POOL; i++)
        if (s->conn[i]) PQfinish(s->conn[i]);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s->uri);
    free(s->dsn);
    free(s);
}

static const fo_store_ops pg_ops;

static fo_status open_refusal(pg_store *s, fo_error *err, const char *error, const char *allowed) {
    fo_error_set(err, FO_EUSAGE, error, "db", s->dsn, allowed);
    pg_close(&s->base);
    return FO_EUSAGE;
}

/* postgresql://user:secret@host/db -> postgresql://user:***@host/db (for messages) */
static char *hide_password(const char *uri) {
    char *d = strdup(uri);
    if (!d) return NULL;
    char *scheme = strstr(d, "://");
    char *at = scheme ? strchr(scheme + 3, '@') : NULL;
    char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
    if (at && colon && colon < at)
        memmove(colon + 1, "***", 3), memmove(colon + 4, at, strlen(at) + 1);
    return d;
}

fo_status fo_store_pg_open(const char *uri, fo_store_mode mode, int *created, fo_store **out,
                           fo_error *err) {
    *out = NULL;
    if (created) *created = 0;
    pg_store *s = calloc(1, sizeof *s);
    if (!s || !(s->uri = strdup(uri)) || !(s->dsn = hide_password(uri))) {
        if (s) free(s->uri);
        free(s);
        return fo_error_set(err, FO_ENOMEM, "out of memory", "", "", "");
    }
    s->base.ops = &pg_ops;
    if (getrandom(&s->nonce, sizeof s->nonce, 0) != (ssize_t)sizeof s->nonce)
        s->nonce = (unsigned long long)time(NULL);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    char why[160];
    PGconn *c = s->conn[0] = connect_db(uri);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        char msg[96];
        snprintf(msg, sizeof msg, "cannot connect to the ledger database: %.50s",
                 c ? first_line(c, why, sizeof why) : "out of memory");
        return open_refusal(s, err, msg,
                            "a reachable PostgreSQL database: postgresql://USER@HOST:PORT/DB");
    }
    /* Migrations, one replica at a time: the advisory lock is held until this session ends
     * or unlocks it, and is released by the server if this process dies. */
    fo_status rc = FO_OK;
    PGresult *r = run(s, c, "SELECT pg_advisory_lock(" ADVISORY_KEY ")", 0, NULL, &rc, err);
    if (!r) return open_refusal(s, err, "cannot lock the ledger database's schema", err->error);
    PQclear(r);
    int latest = (int)(sizeof migrations / sizeof migrations[0]), version = 0;
    rc = run0(s, c, "CREATE TABLE IF NOT EXISTS fleetops_schema(version INTEGER NOT NULL)", 0, NULL,
              err);
    if (rc == FO_OK && (r = run(s, c, "SELECT version FROM fleetops_schema", 0, NULL, &rc, err))) {
        version = PQntuples(r) ? (int)ll(r, 0, 0) : 0;
        PQclear(r);
    }
    char msg[96] = "";
    if (rc != FO_OK)
        snprintf(msg, sizeof msg, "cannot read the ledger's schema: %.60s", err->error);
    else if (version > latest)
        snprintf(msg, sizeof msg, "the ledger database is from a newer fleetops (schema %d)",
                 version);
    else if (version == 0 && mode != FO_STORE_CREATE)
        snprintf(msg, sizeof msg, "no fleetops ledger in this database");
    for (int v = version; !*msg && v < latest; v++) {
        char bump[80];
        snprintf(bump, sizeof bump,
                 "DELETE FROM fleetops_schema; INSERT INTO fleetops_schema "
                 "VALUES(%d)",
                 v + 1);
        PGresult *m = PQexec(c, "BEGIN");
        PQclear(m);
        m = PQexec(c, migrations[v]);
        int ok = m && PQresultStatus(m) == PGRES_COMMAND_OK;
        if (!ok)
            snprintf(msg, sizeof msg, "ledger migration %d failed: %.50s", v + 1,
                     first_line(c, why, sizeof why));
        PQclear(m);
        if (ok) {
            m = PQexec(c, bump);
            ok = m && PQresultStatus(m) == PGRES_COMMAND_OK;
            PQclear(m);
        }
        if (ok && commit(s, c, err) == FO_OK) continue;
        rollback(c);
        if (!*msg) snprintf(msg, sizeof msg, "ledger migration %d failed", v + 1);
    }
    PQclear(PQexec(c, "SELECT pg_advisory_unlock(" ADVISORY_KEY ")"));
    if (*msg)
        return open_refusal(s, err, msg,
                            mode != FO_STORE_CREATE && version == 0
                                ? "a database a fleetops ledger was created in, or --create yes"
                                : "a fleetops ledger database (docs/SCALING.md)");
    if (created) *created = version == 0;
    *out = &s->base;
    return FO_OK;
}

/* ------------------------------------------------------------------ sessions */

static fo_status pg_session_insert(fo_store *base, const char *track, const char *secret,
                                   const char *identity, const fo_variant *variant, long long *id,
                                   fo_error *err) {
    pg_store *s = (pg_store *)base;
    int slot;
    PGconn *c = take(s, &slot);
    if (!c) {
        fo_status rc = unavailable(s, c, err);
        give(s, slot);
        return rc;
    }
    char fr[32], rr[32];
    if (variant) {
        snprintf(fr, sizeof fr, "%.17g", variant->failure_rate);
        snprintf(rr, sizeof rr, "%.17g", variant->request_rate_per_s);
    }
    const char *p[5] = {secret, track, identity && *identity ? identity : NULL, variant ? fr : NULL,
                        variant ? rr : NULL};
    fo_status rc = begin(s, c, "BEGIN", err);
    PGresult *r = NULL;
    if (rc == FO_OK &&
        (r = run(s, c,
                 "INSERT INTO sessions(secret, track, identity, active_at, variant_failure_rate, "
                 "variant_request_rate) VALUES($1, $2, $3, " TS ", $4, $5) RETURNING id",
                 5, p, &rc, err))) {
        *id = ll(r, 0, 0);
        PQclear(r);
        rc = commit(s, c, err);
    }
    if (rc != FO_OK) rollback(c);
    give(s, slot);
    return rc;
}

/* A read of one row by a session id: FO_OK with the first column copied, FO_ENOTFOUND, or the
 * error. The first statement on a connection: a dead one is reset and the read retried. */
static fo_status read_one(pg_store *s, const char *sql, long long id, char *outv, size_t n) {
    int slot;
    PGconn *c = take(s, &slot);
    fo_error e;
    fo_status rc = FO_OK;
    if (!c) {
        rc = unavailable(s, c, &e);
        give(s, slot);
        return rc;
    }
    char v[32];
    snprintf(v, sizeof v, "%lld", id);
    const char *p[1] = {v};
    PGresult *r = exec_prepared(s, c, sql, 1, p);
    if ((!r || PQresultStatus(r) != PGRES_TUPLES_OK) && PQstatus(c) != CONNECTION_OK) {
        PQclear(r);
        reset(s, c);
        r = exec_prepared(s, c, sql, 1, p);
    }
    if (r && PQresultStatus(r) == PGRES_TUPLES_OK) {
        note_up(s);
        if (PQntuples(r) == 0)
            rc = FO_ENOTFOUND;
        else
            snprintf(outv, n, "%s", tx(r, 0, 0));
    } else {
        rc = pg_error(s, c, r, &e, "read");
    }
    PQclear(r);
    give(s, slot);
    return rc;
}

static fo_status pg_session_secret(fo_store *base, long long id, char secret[65]) {
    return read_one((pg_store *)base, "SELECT secret FROM sessions WHERE id = $1", id, secret, 65);
}

static fo_status pg_session_track(fo_store *base, long long id, char *track, size_t n) {
    return read_one((pg_store *)base, "SELECT track FROM sessions WHERE id = $1", id, track, n);
}

static fo_status pg_session_variant(fo_store *base, long long id, fo_variant *v, int *has) {
    char both[80] = ""; /* "p R" (float8 as text: the shortest exact form), "" without */
    fo_status rc = read_one((pg_store *)base,
                            "SELECT coalesce(variant_failure_rate::text || ' ' || "
                            "variant_request_rate::text, '') FROM sessions WHERE id = $1",
                            id, both, sizeof both);
    *has = 0;
    if (rc != FO_OK || !*both) return rc;
    char *end;
    v->failure_rate = strtod(both, &end);
    v->request_rate_per_s = strtod(end, NULL);
    *has = 1;
    return FO_OK;
}

/* ------------------------------------------------------------------ writes */

/* The start of every write: a transaction holding the session's row lock, so every count the
 * write checks stays true until it commits, whichever replica writes next. */
static fo_status write_begin(pg_store *s, PGconn *c, const char *sid, fo_error *err) {
    fo_status rc = begin(s, c, "BEGIN", err);
    if (rc != FO_OK) return rc;
    const char *p[1] = {sid};
    PGresult *r =
        run(s, c, "SELECT version FROM sessions WHERE id = $1 FOR UPDATE", 1, p, &rc, err);
    if (!r) return rc;
    int n = PQntuples(r);
    PQclear(r);
    if (!n) return fo_error_set(err, FO_ENOTFOUND, "no such session", "session", sid, "");
    return FO_OK;
}

typedef struct pg_request {
    char route[16], part[32], created_at[32];
    long long entry, count, version;
    int replaced;
} pg_request;

/* 1 found, 0 not, -1 failed (rc set). */
static int find_request(pg_store *s, PGconn *c, const char *sid, const char *key, pg_request *rq,
                        fo_status *rc, fo_error *err) {
    const char *p[2] = {sid, key};
    PGresult *r = run(s, c,
                      "SELECT route, part, coalesce(entry_id, 0), count, version, replaced, "
                      "created_at FROM requests WHERE session_id = $1 AND key = $2",
                      2, p, rc, err);
    if (!r) return -1;
    int found = PQntuples(r) > 0;
    if (found) {
        snprintf(rq->route, sizeof rq->route, "%s", tx(r, 0, 0));
        snprintf(rq->part, sizeof rq->part, "%s", tx(r, 0, 1));
        rq->entry = ll(r, 0, 2);
        rq->count = ll(r, 0, 3);
        rq->version = ll(r, 0, 4);
        rq->replaced = (int)ll(r, 0, 5);
        snprintf(rq->created_at, sizeof rq->created_at, "%s", tx(r, 0, 6));
    }
    PQclear(r);
    return found;
}

#define FO_KEYS_KEPT 1000

static fo_status keep_request(pg_store *s, PGconn *c, const char *sid, const char *key,
                              const char *route, const char *part, long long entry, long long count,
                              long long version, int replaced, const char *created_at,
                              fo_error *err) {
    char e[32], n[32], v[32], rp[8], old[32];
    snprintf(e, sizeof e, "%lld", entry);
    snprintf(n, sizeof n, "%lld", count);
    snprintf(v, sizeof v, "%lld", version);
    snprintf(rp, sizeof rp, "%d", replaced);
    snprintf(old, sizeof old, "%lld", version - FO_KEYS_KEPT);
    const char *p[9] = {sid, key, route, part, entry ? e : NULL, n, v, rp, created_at};
    fo_status rc = run0(s, c,
                        "INSERT INTO requests(session_id, key, route, part, entry_id, count, "
                        "version, replaced, created_at) VALUES($1, $2, $3, $4, $5, $6, $7, $8, "
                        "coalesce($9, " TS "))",
                        9, p, err);
    const char *q[2] = {sid, old};
    if (rc == FO_OK)
        rc = run0(s, c, "DELETE FROM requests WHERE session_id = $1 AND version < $2", 2, q, err);
    return rc;
}

static fo_status key_reused(fo_error *err, const char *key) {
    return fo_error_set(err, FO_ECONFLICT, "this idempotency key was used for another write",
                        "Idempotency-Key", key,
                        "a new key for each write (the same on its retries)");
}

static long long bump_version(pg_store *s, PGconn *c, const char *sid, fo_status *rc,
                              fo_error *err) {
    const char *p[1] = {sid};
    PGresult *r = run(s, c,
                      "UPDATE sessions SET version = version + 1, active_at = " TS
                      " WHERE id = $1 RETURNING version",
                      1, p, rc, err);
    if (!r) return -1;
    long long v = PQntuples(r) ? ll(r, 0, 0) : -1;
    PQclear(r);
    if (v < 0) *rc = fo_error_set(err, FO_ENOTFOUND, "no such session", "session", sid, "");
    return v;
}

static fo_status pg_lock(fo_store *base, long long id, const char *part, const fo_reveal *r,
                         const char *key, fo_lock_result *res, fo_error *err) {
    pg_store *s = (pg_store *)base;
    int slot;
    PGconn *c = take(s, &slot);
    if (!c) {
        fo_status rc = unavailable(s, c, err);
        give(s, slot);
        return rc;
    }
    char sid[32];
    snprintf(sid, sizeof sid, "%lld", id);
    fo_status rc = write_begin(s, c, sid, err);
    PGresult *q = NULL;
    if (rc == FO_OK && key) {
        pg_request rq;
        int found = find_request(s, c, sid, key, &rq, &rc, err);
        if (found > 0) {
            if (strcmp(rq.route, "lock") != 0 || strcmp(rq.part, part) != 0) {
                rc = key_reused(err, key);
            } else {
                const char *p[2] = {sid, part};
                q = run(s, c,
                        "SELECT predicted, actual, off_by_factor, correct, sentence, "
                        "answer_reading, literal_reading, toil_cap_reading FROM predictions "
                        "WHERE session_id = $1 AND part = $2",
                        2, p, &rc, err);
                if (q && PQntuples(q)) {
                    fo_reveal *v = &res->reveal;
                    snprintf(v->predicted, sizeof v->predicted, "%s", tx(q, 0, 0));
                    snprintf(v->actual, sizeof v->actual, "%s", tx(q, 0, 1));
                    v->off_by_factor = PQgetisnull(q, 0, 2) ? 0 : strtod(tx(q, 0, 2), NULL);
                    v->correct = (int)ll(q, 0, 3);
                    snprintf(v->sentence, sizeof v->sentence, "%s", tx(q, 0, 4));
                    if (!PQgetisnull(q, 0, 5)) { /* Part 1's readings */
                        snprintf(v->answer_reading, sizeof v->answer_reading, "%s", tx(q, 0, 5));
                        snprintf(v->literal_reading, sizeof v->literal_reading, "%s", tx(q, 0, 6));
                        snprintf(v->toil_cap_reading, sizeof v->toil_cap_reading, "%s",
                                 tx(q, 0, 7));
                    }
                    res->version = rq.version;
                    res->replayed = 1;
                } else if (q) {
                    rc = fo_error_set(err, FO_EINTERNAL, "a keyed lock without its prediction",
                                      "part", part, "");
                }
                PQclear(q);
            }
            rollback(c);
            give(s, slot);
            return rc;
        }
    }
    long long v = rc == FO_OK ? bump_version(s, c, sid, &rc, err) : -1;
    if (rc == FO_OK) {
        char vs[32], off[40], correct[8];
        snprintf(vs, sizeof vs, "%lld", v);
        snprintf(off, sizeof off, "%.17g", r->off_by_factor);
        snprintf(correct, sizeof correct, "%d", r->correct);
        int rd = r->answer_reading[0] != '\0'; /* Part 1 only */
        const char *p[11] = {sid,
                             part,
                             r->predicted,
                             r->actual,
                             r->off_by_factor > 0 ? off : NULL,
                             correct,
                             r->sentence,
                             vs,
                             rd ? r->answer_reading : NULL,
                             rd ? r->literal_reading : NULL,
                             rd ? r->toil_cap_reading : NULL};
        q = run(s, c,
                "INSERT INTO predictions(session_id, part, predicted, actual, off_by_factor, "
                "correct, sentence, version, answer_reading, literal_reading, toil_cap_reading) "
                "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING "
                "RETURNING 1",
                11, p, &rc, err);
        if (q && PQntuples(q) == 0)
            rc = fo_error_set(err, FO_ECONFLICT, "prediction already locked", "part", part,
                              "one lock per part: a locked prediction is never overwritten");
        PQclear(q);
    }
    if (rc == FO_OK && key) rc = keep_request(s, c, sid, key, "lock", part, 0, 1, v, 0, NULL, err);
    if (rc == FO_OK) rc = commit(s, c, err);
    if (rc != FO_OK)
        rollback(c);
    else
        res->version = v, res->reveal = *r;
    give(s, slot);
    return rc;
}

static fo_status quota_refusal(fo_error *err, const char *error, const char *param, long long value,
                               long long limit, const char *what) {
    char v[32], allowed[160], flag[32];
    snprintf(v, sizeof v, "%lld", value);
    snprintf(flag, sizeof flag, "%s", param);
    for (char *p = flag; *p; p++)
        if (*p == '_') *p = '-';
    snprintf(allowed, sizeof allowed, "at most %lld %s per session (fleetops serve --%s)", limit,
             what, flag);
    return fo_error_set(err, FO_STORE_EQUOTA, error, param, v, allowed);
}

/* One count: -1 on failure (rc set). */
static long long count_of(pg_store *s, PGconn *c, const char *sql, int n, const char *const *p,
                          fo_status *rc, fo_error *err) {
    PGresult *r = run(s, c, sql, n, p, rc, err);
    if (!r) return -1;
    long long v = PQntuples(r) ? ll(r, 0, 0) : 0;
    PQclear(r);
    return v;
}

/* The write itself, inside write_begin's transaction; FO_OK with *out filled. */
static fo_status append_tx(pg_store *s, PGconn *c, const char *sid, fo_entry_kind kind,
                           const char *part, const char *body_json, const char *fingerprint,
                           size_t text_bytes, const char *figure_svg, const char *key,
                           fo_append_result *out, fo_error *err) {
    const fo_quota q = s->base.quota;
    const char *kname = kind_names[kind];
    fo_status rc = FO_OK;
    if (key) {
        pg_request rq;
        int found = find_request(s, c, sid, key, &rq, &rc, err);
        if (found < 0) return rc;
        if (found) {
            if (strcmp(rq.route, kname) != 0 || strcmp(rq.part, part) != 0)
                return key_reused(err, key);
            char e[32];
            snprintf(e, sizeof e, "%lld", rq.entry);
            const char *p[1] = {e};
            PGresult *r = run(s, c, "SELECT body FROM entries WHERE id = $1", 1, p, &rc, err);
            if (!r) return rc;
            if (PQntuples(r)) out->body = strdup(tx(r, 0, 0));
            PQclear(r);
            if (!out->body)
                return fo_error_set(err, FO_EINTERNAL, "a keyed write lost", "", "", "");
            out->entry = rq.entry;
            out->count = rq.count;
            out->version = rq.version;
            out->replaced = rq.replaced;
            out->replayed = 1;
            snprintf(out->created_at, sizeof out->created_at, "%s", rq.created_at);
            return FO_ECANCELED_REPLAY;
        }
    }
    const char *pk[3] = {sid, kname, part};
    long long before = count_of(s, c,
                                "SELECT count(*) FROM entries WHERE session_id = $1 AND kind = $2 "
                                "AND part = $3",
                                3, pk, &rc, err);
    if (before < 0) return rc;
    if (kind == FO_ENTRY_ATTEMPT && before >= FO_MAX_ATTEMPTS) {
        char allowed[64];
        snprintf(allowed, sizeof allowed, "at most %d attempts (the 10-Iteration Rule)",
                 FO_MAX_ATTEMPTS);
        return fo_error_set(err, FO_ECONFLICT, "attempt refused: all attempts are used", "part",
                            part, allowed);
    }
    if (kind == FO_ENTRY_EVIDENCE && q.max_evidence > 0) {
        long long n = count_of(s, c,
                               "SELECT count(*) FROM entries WHERE session_id = $1 AND kind = "
                               "'evidence'",
                               1, pk, &rc, err);
        if (n < 0) return rc;
        if (n >= q.max_evidence)
            return quota_refusal(err, "evidence quota reached: nothing written", "max_evidence",
                                 n + 1, q.max_evidence, "evidence entries");
    }
    /* coalescing, as store.c: of revisions each within coalesce_s of the previous one the
     * first and the latest are kept; beyond max_revisions a new one replaces the latest */
    long long replace = 0, replaced_bytes = 0;
    int text_kind = kind == FO_ENTRY_REFLECTION || kind == FO_ENTRY_GOVERNANCE;
    if (text_kind && before > 0) {
        PGresult *r = run(
            s, c,
            "SELECT e.id, e.text_bytes, extract(epoch FROM clock_timestamp() - "
            "e.created_at::timestamptz), extract(epoch FROM e.created_at::timestamptz - (SELECT "
            "p.created_at::timestamptz FROM entries p WHERE p.session_id = e.session_id AND "
            "p.kind = e.kind AND p.part = e.part AND p.id < e.id ORDER BY p.id DESC LIMIT 1)) "
            "FROM entries e WHERE e.session_id = $1 AND e.kind = $2 AND e.part = $3 ORDER BY "
            "e.id DESC LIMIT 1",
            3, pk, &rc, err);
        if (!r) return rc;
        if (PQntuples(r)) {
            double age = strtod(tx(r, 0, 2), NULL);
            int has_prev = !PQgetisnull(r, 0, 3);
            double gap = strtod(tx(r, 0, 3), NULL);
            if ((q.coalesce_s > 0 && age < q.coalesce_s && has_prev && gap < q.coalesce_s) ||
                (q.max_revisions > 0 && before >= q.max_revisions)) {
                replace = ll(r, 0, 0);
                replaced_bytes = ll(r, 0, 1);
            }
        }
        PQclear(r);
    }
    if (text_kind && q.max_text_bytes > 0) {
        long long used = count_of(s, c,
                                  "SELECT coalesce(sum(text_bytes), 0) FROM entries WHERE "
                                  "session_id = $1",
                                  1, pk, &rc, err);
        if (used < 0) return rc;
        long long after = used - replaced_bytes + (long long)text_bytes;
        if (after > q.max_text_bytes)
            return quota_refusal(err, "text quota reached: nothing written", "max_text_bytes",
                                 after, q.max_text_bytes, "bytes of text kept");
    }
    long long v = bump_version(s, c, sid, &rc, err);
    if (v < 0) return rc;
    char vs[32], tb[32], rid[32];
    snprintf(vs, sizeof vs, "%lld", v);
    snprintf(tb, sizeof tb, "%zu", text_bytes);
    snprintf(rid, sizeof rid, "%lld", replace);
    PGresult *r;
    if (replace) {
        const char *p[4] = {body_json, tb, vs, rid};
        r = run(s, c,
                "UPDATE entries SET body = $1, text_bytes = $2, version = $3, created_at = " TS
                " WHERE id = $4 RETURNING id, created_at",
                4, p, &rc, err);
    } else {
        const char *p[7] = {sid, kname, part, body_json, fingerprint, vs, tb};
        r = run(s, c,
                "INSERT INTO entries(session_id, kind, part, body, fingerprint, version, "
                "text_bytes) VALUES($1, $2, $3, $4, $5, $6, $7) RETURNING id, created_at",
                7, p, &rc, err);
    }
    if (!r) return rc;
    if (!PQntuples(r)) {
        PQclear(r);
        return fo_error_set(err, FO_EINTERNAL, "ledger write failed: no row", "", "", "");
    }
    out->entry = ll(r, 0, 0);
    snprintf(out->created_at, sizeof out->created_at, "%s", tx(r, 0, 1));
    PQclear(r);
    if (figure_svg && !replace) {
        char e[32];
        snprintf(e, sizeof e, "%lld", out->entry);
        const char *p[2] = {e, figure_svg};
        rc = run0(s, c, "INSERT INTO figures(entry_id, svg) VALUES($1, $2)", 2, p, err);
        if (rc != FO_OK) return rc;
    }
    out->count = replace ? before : before + 1;
    out->version = v;
    out->replaced = replace != 0;
    if (key)
        rc = keep_request(s, c, sid, key, kname, part, out->entry, out->count, v, out->replaced,
                          out->created_at, err);
    return rc;
}

static fo_status pg_append(fo_store *base, long long id, fo_entry_kind kind, const char *part,
                           const char *body_json, const char *fingerprint, size_t text_bytes,
                           const char *figure_svg, const char *key, fo_append_result *res,
                           fo_error *err) {
    pg_store *s = (pg_store *)base;
    fo_append_result out = {0};
    int slot;
    PGconn *c = take(s, &slot);
    fo_status rc;
    if (!c) {
        rc = unavailable(s, c, err);
    } else {
        char sid[32];
        snprintf(sid, sizeof sid, "%lld", id);
        rc = write_begin(s, c, sid, err);
        if (rc == FO_OK)
            rc = append_tx(s, c, sid, kind, part, body_json, fingerprint, text_bytes, figure_svg,
                           key, &out, err);
        if (rc == FO_ECANCELED_REPLAY) { /* a replay: nothing to commit */
            rollback(c);
            rc = FO_OK;
        } else if (rc == FO_OK) {
            rc = commit(s, c, err);
            if (rc != FO_OK) rollback(c);
        } else {
            rollback(c);
        }
    }
    give(s, slot);
    if (rc != FO_OK) {
        free(out.body);
        memset(&out, 0, sizeof out);
    }
    if (res) *res = out;
    return rc;
}

/* ------------------------------------------------------------------ reads */

static fo_status pg_ledger_json(fo_store *base, long long id, long long since, int with_entries,
                                fo_buf *out, fo_error *err) {
    pg_store *s = (pg_store *)base;
    int slot;
    PGconn *c = take(s, &slot);
    if (!c) {
        fo_status rc = unavailable(s, c, err);
        give(s, slot);
        return rc;
    }
    char sid[32], sv[32];
    snprintf(sid, sizeof sid, "%lld", id);
    snprintf(sv, sizeof sv, "%lld", since);
    const char *p[2] = {sid, sv};
    fo_buf tmp;
    fo_buf_init(&tmp);
    fo_json j;
    fo_json_init(&j, &tmp);
    PGresult *r = NULL;
    /* one consistent snapshot */
    fo_status rc = begin(s, c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err);
    if (rc != FO_OK) goto done;
    if (!(r = run(s, c,
                  "SELECT track, created_at, version, identity, variant_failure_rate, "
                  "variant_request_rate FROM sessions WHERE id = $1",
                  1, p, &rc, err)))
        goto done;
    if (!PQntuples(r)) {
        rc = fo_error_set(err, FO_ENOTFOUND, "no such session", "session", sid, "");
        goto done;
    }
    fo_json_object_begin(&j, NULL);
    fo_json_int(&j, "session", id);
    fo_json_string(&j, "track", tx(r, 0, 0));
    fo_json_string(&j, "created_at", tx(r, 0, 1));
    fo_json_int(&j, "version", ll(r, 0, 2));
    if (!PQgetisnull(r, 0, 3)) fo_json_string(&j, "identity", tx(r, 0, 3));
    if (!PQgetisnull(r, 0, 4)) { /* the student's own numbers */
        fo_json_object_begin(&j, "variant");
        fo_json_number(&j, "failure_rate", strtod(tx(r, 0, 4), NULL));
        fo_json_number(&j, "request_rate_per_s", strtod(tx(r, 0, 5), NULL));
        fo_json_object_end(&j);
    }
    if (since >= 0) fo_json_int(&j, "since", since);
    PQclear(r);
    fo_json_array_begin(&j, "predictions");
    if (!(r = run(s, c,
                  "SELECT part, predicted, actual, off_by_factor, correct, sentence, locked_at, "
                  "answer_reading, literal_reading, toil_cap_reading FROM predictions WHERE "
                  "session_id = $1 AND version > $2 ORDER BY locked_at",
                  2, p, &rc, err)))
        goto done;
    for (int i = 0; i < PQntuples(r); i++) {
        fo_json_object_begin(&j, NULL);
        fo_json_string(&j, "part", tx(r, i, 0));
        fo_json_string(&j, "predicted", tx(r, i, 1));
        fo_json_string(&j, "actual", tx(r, i, 2));
        if (PQgetisnull(r, i, 3))
            fo_json_null(&j, "off_by_factor");
        else
            fo_json_number(&j, "off_by_factor", strtod(tx(r, i, 3), NULL));
        fo_json_bool(&j, "correct", (int)ll(r, i, 4));
        fo_json_string(&j, "sentence", tx(r, i, 5));
        fo_json_string(&j, "locked_at", tx(r, i, 6));
        if (!PQgetisnull(r, i, 7)) { /* Part 1: as fo_lab_reveal_json */
            fo_json_object_begin(&j, "readings");
            fo_json_string(&j, "answer", tx(r, i, 7));
            fo_json_string(&j, "literal", tx(r, i, 8));
            fo_json_string(&j, "toil_cap", tx(r, i, 9));
            fo_json_object_end(&j);
        }
        fo_json_object_end(&j);
    }
    PQclear(r);
    fo_json_array_end(&j);
    if (with_entries) {
        fo_json_array_begin(&j, "entries");
        if (!(r = run(s, c,
                      "SELECT id, kind, part, body, fingerprint, created_at FROM entries WHERE "
                      "session_id = $1 AND version > $2 ORDER BY id",
                      2, p, &rc, err)))
            goto done;
        for (int i = 0; i < PQntuples(r); i++) {
            fo_json_object_begin(&j, NULL);
            fo_json_int(&j, "id", ll(r, i, 0));
            fo_json_string(&j, "kind", tx(r, i, 1));
            fo_json_string(&j, "part", tx(r, i, 2));
            fo_json_raw(&j, "body", tx(r, i, 3)); /* JSON the server wrote, checked by a cast */
            if (PQgetisnull(r, i, 4))
                fo_json_null(&j, "fingerprint");
            else
                fo_json_string(&j, "fingerprint", tx(r, i, 4));
            fo_json_string(&j, "created_at", tx(r, i, 5));
            fo_json_object_end(&j);
        }
        PQclear(r);
        fo_json_array_end(&j);
    }
    /* what the report still lacks: a lock and a reflection per part, the governance choice */
    if (!(r = run(s, c,
                  "SELECT 'lock', part FROM predictions WHERE session_id = $1 UNION SELECT "
                  "DISTINCT kind, part FROM entries WHERE session_id = $1 AND kind IN "
                  "('reflection', 'governance')",
                  1, p, &rc, err)))
        goto done;
    size_t np;
    const fo_lab_part *parts = fo_lab_parts(&np);
    fo_json_array_begin(&j, "missing");
    int governance = 0;
    for (size_t i = 0; i < np; i++) {
        int locked = 0, reflected = 0;
        for (int k = 0; k < PQntuples(r); k++) {
            if (strcmp(tx(r, k, 1), parts[i].id) != 0) continue;
            locked |= strcmp(tx(r, k, 0), "lock") == 0;
            reflected |= strcmp(tx(r, k, 0), "reflection") == 0;
        }
        char what[160];
        if (!locked) {
            snprintf(what, sizeof what, "Part %d: the locked prediction", parts[i].number);
            fo_json_string(&j, NULL, what);
        }
        if (!reflected) {
            snprintf(what, sizeof what, "Part %d: the reflection", parts[i].number);
            fo_json_string(&j, NULL, what);
        }
    }
    for (int k = 0; k < PQntuples(r); k++)
        governance |=
            strcmp(tx(r, k, 0), "governance") == 0 && strcmp(tx(r, k, 1), "ensemble") == 0;
    if (!governance)
        fo_json_string(&j, NULL, "Part 3: the governance policy and its justification");
    fo_json_array_end(&j);
    PQclear(r);
    r = NULL;
    fo_json_object_end(&j);
    rc = commit(s, c, err);
done:
    PQclear(r);
    if (rc != FO_OK) rollback(c);
    give(s, slot);
    if (rc == FO_OK) fo_buf_append(out, tmp.data ? tmp.data : "", tmp.len);
    fo_buf_free(&tmp);
    return rc;
}

/* Entries of one kind and part kept for a session (a new attempt is number n + 1). */
static fo_status pg_count(fo_store *base, long long id, fo_entry_kind kind, const char *part,
                          long long *n, fo_error *err) {
    pg_store *s = (pg_store *)base;
    int slot;
    PGconn *c = take(s, &slot);
    fo_status rc = FO_OK;
    if (!c) {
        rc = unavailable(s, c, err);
    } else {
        char sid[32];
        snprintf(sid, sizeof sid, "%lld", id);
        const char *p[3] = {sid, kind_names[kind], part};
        *n = count_of(s, c,
                      "SELECT count(*) FROM entries WHERE session_id = $1 AND kind = $2 AND "
                      "part = $3",
                      3, p, &rc, err);
    }
    give(s, slot);
    return rc;
}

static int pg_figure(fo_store *base, long long entry, fo_buf *out) {
    pg_store *s = (pg_store *)base;
    int slot, found = 0;
    PGconn *c = take(s, &slot);
    if (c) {
        char e[32];
        snprintf(e, sizeof e, "%lld", entry);
        const char *p[1] = {e};
        fo_error err;
        fo_status rc = FO_OK;
        PGresult *r = run(s, c, "SELECT svg FROM figures WHERE entry_id = $1", 1, p, &rc, &err);
        if (r && PQntuples(r)) {
            fo_buf_append(out, tx(r, 0, 0), (size_t)PQgetlength(r, 0, 0));
            found = 1;
        }
        PQclear(r);
    }
    give(s, slot);
    return found;
}

/* The six reads of the SQLite backend (store.c) in one REPEATABLE READ snapshot: sessions,
 * predictions, entry counts, the latest reflection and governance revisions, and the
 * attempts' verdicts. Each is one pass (no query per session). */
static fo_status pg_class_rows(fo_store *base, fo_class_row **rows_out, size_t *n_out,
                               fo_error *err) {
    pg_store *s = (pg_store *)base;
    *rows_out = NULL;
    *n_out = 0;
    int slot;
    PGconn *c = take(s, &slot);
    if (!c) {
        fo_status rc = unavailable(s, c, err);
        give(s, slot);
        return rc;
    }
    fo_class_row *rows = NULL;
    size_t n = 0;
    PGresult *r = NULL;
    fo_status rc = begin(s, c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err);
    if (rc != FO_OK) goto done;
    if (!(r = run(s, c,
                  "SELECT id, track, identity, created_at, coalesce(active_at, created_at), "
                  "extract(epoch FROM now() - coalesce(active_at, created_at)::timestamptz) / "
                  "60.0 FROM sessions ORDER BY id",
                  0, NULL, &rc, err)))
        goto done;
    n = (size_t)PQntuples(r);
    if (n && !(rows = calloc(n, sizeof *rows))) {
        rc = fo_error_set(err, FO_ENOMEM, "out of memory", "", "", "");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        fo_class_row *w = &rows[i];
        w->session = ll(r, (int)i, 0);
        snprintf(w->track, sizeof w->track, "%s", tx(r, (int)i, 1));
        snprintf(w->identity, sizeof w->identity, "%s", tx(r, (int)i, 2));
        snprintf(w->created_at, sizeof w->created_at, "%s", tx(r, (int)i, 3));
        snprintf(w->active_at, sizeof w->active_at, "%s", tx(r, (int)i, 4));
        w->idle_minutes = strtod(tx(r, (int)i, 5), NULL);
    }
    PQclear(r);

    if (!(r = run(s, c,
                  "SELECT session_id, part, predicted, actual, off_by_factor, correct, locked_at "
                  "FROM predictions",
                  0, NULL, &rc, err)))
        goto done;
    for (int i = 0; i < PQntuples(r); i++)
        fo_class_put_lock(rows, n, ll(r, i, 0), tx(r, i, 1), tx(r, i, 2), tx(r, i, 3),
                          PQgetisnull(r, i, 4) ? 0 : strtod(tx(r, i, 4), NULL), (int)ll(r, i, 5),
                          tx(r, i, 6));
    PQclear(r);

    if (!(r = run(s, c,
                  "SELECT session_id, kind, part, count(*), min(created_at) FROM entries GROUP "
                  "BY session_id, kind, part",
                  0, NULL, &rc, err)))
        goto done;
    for (int i = 0; i < PQntuples(r); i++)
        fo_class_put_entries(rows, n, ll(r, i, 0), tx(r, i, 1), tx(r, i, 2), ll(r, i, 3),
                             tx(r, i, 4));
    PQclear(r);

    if (!(r = run(s, c,
                  "SELECT DISTINCT ON (session_id, part) session_id, part, body::json->>'text' "
                  "FROM entries WHERE kind = 'reflection' ORDER BY session_id, part, id DESC",
                  0, NULL, &rc, err)))
        goto done;
    for (int i = 0; i < PQntuples(r); i++) {
        fo_class_row *w = fo_class_row_of(rows, n, ll(r, i, 0));
        int k = fo_class_part_index(tx(r, i, 1));
        if (w && k >= 0) w->part[k].reflection_words = fo_class_words(tx(r, i, 2));
    }
    PQclear(r);

    if (!(r = run(s, c,
                  "SELECT DISTINCT ON (session_id) session_id, body::json->>'policy', "
                  "body::json->>'justification' FROM entries WHERE kind = 'governance' ORDER "
                  "BY session_id, id DESC",
                  0, NULL, &rc, err)))
        goto done;
    for (int i = 0; i < PQntuples(r); i++) {
        fo_class_row *w = fo_class_row_of(rows, n, ll(r, i, 0));
        if (!w) continue;
        snprintf(w->policy, sizeof w->policy, "%s", tx(r, i, 1));
        w->justification_words = fo_class_words(tx(r, i, 2));
    }
    PQclear(r);

    /* the first try that met both limits: its number among the session's attempts */
    if (!(r = run(s, c,
                  "SELECT session_id, min(n) FILTER (WHERE ok) FROM (SELECT session_id, "
                  "row_number() OVER (PARTITION BY session_id ORDER BY id) AS n, "
                  "coalesce(body::json#>>'{attempt,safety_ok}' = 'true' AND "
                  "body::json#>>'{attempt,release_ok}' = 'true', false) AS ok FROM entries "
                  "WHERE kind = 'attempt' AND part = 'canary') a GROUP BY session_id",
                  0, NULL, &rc, err)))
        goto done;
    for (int i = 0; i < PQntuples(r); i++) {
        fo_class_row *w = fo_class_row_of(rows, n, ll(r, i, 0));
        if (w && !PQgetisnull(r, i, 1)) w->window_try = ll(r, i, 1);
    }
    PQclear(r);
    r = NULL;
    rc = commit(s, c, err);
done:
    PQclear(r);
    if (rc != FO_OK) rollback(c);
    give(s, slot);
    if (rc != FO_OK) {
        free(rows);
        return rc;
    }
    *rows_out = rows;
    *n_out = n;
    return FO_OK;
}

/* What the class rows depend on but the clock: every write bumps its session's version (and
 * a new session adds a row), so the sessions' count and sum of versions move with any
 * committed write from any replica; the nonce makes a stamp never outlive this open (a
 * database restored under a running server). One aggregate over sessions, no other table. */
static fo_status pg_class_stamp(fo_store *base, char *stamp, size_t n, fo_error *err) {
    pg_store *s = (pg_store *)base;
    int slot;
    PGconn *c = take(s, &slot);
    if (!c) {
        fo_status rc = unavailable(s, c, err);
        give(s, slot);
        return rc;
    }
    fo_status rc = FO_OK;
    PGresult *r = run(s, c,
                      "SELECT count(*), coalesce(sum(version), 0), coalesce(max(id), 0) FROM "
                      "sessions",
                      0, NULL, &rc, err);
    if (r && PQntuples(r) == 1)
        snprintf(stamp, n, "%llx-%s-%s-%s", s->nonce, tx(r, 0, 0), tx(r, 0, 1), tx(r, 0, 2));
    else if (r)
        rc = fo_error_set(err, FO_EINTERNAL, "ledger read failed", "", "", "");
    PQclear(r);
    give(s, slot);
    return rc;
}

/* ------------------------------------------------------------------ fleetops ledger copy */

static fo_status pg_copy_out(fo_store *base, int t, fo_store_row_fn fn, void *ctx, fo_error *err) {
    pg_store *s = (pg_store *)base;
    const fo_store_table *tb = &fo_store_copy_tables[t];
    int slot;
    PGconn *c = take(s, &slot);
    fo_status rc = FO_OK;
    if (!c) {
        rc = unavailable(s, c, err);
        give(s, slot);
        return rc;
    }
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT %s FROM %s ORDER BY 1, 2", tb->columns, tb->name);
    PGresult *r = run_sql(s, c, sql, 0, NULL, 1, &rc, err);
    for (int k = 0; r && rc == FO_OK && k < PQntuples(r); k++) {
        const char *v[16];
        for (int i = 0; i < tb->ncolumns; i++)
            v[i] = PQgetisnull(r, k, i) ? NULL : tx(r, k, i);
        rc = fn(ctx, v, err);
    }
    PQclear(r);
    give(s, slot);
    return rc;
}

/* The copy runs on pool slot 0, held from begin (phase 0) to commit or abort. */
static fo_status pg_copy_in(fo_store *base, int phase, int t, const char *const *values,
                            fo_error *err) {
    pg_store *s = (pg_store *)base;
    PGconn *c = s->conn[0];
    if (!c || PQstatus(c) != CONNECTION_OK) return unavailable(s, c, err);
    if (phase == 0) return begin(s, c, "BEGIN", err);
    if (phase == 3) {
        rollback(c);
        return FO_OK;
    }
    if (phase == 2) {
        fo_status rc = run0(s, c,
                            "SELECT setval('sessions_id_seq', (SELECT coalesce(max(id), 0) + 1 "
                            "FROM sessions), false), setval('entries_id_seq', (SELECT "
                            "coalesce(max(id), 0) + 1 FROM entries), false)",
                            0, NULL, err);
        return rc == FO_OK ? commit(s, c, err) : rc;
    }
    const fo_store_table *tb = &fo_store_copy_tables[t];
    char sql[512] = "";
    size_t n =
        (size_t)snprintf(sql, sizeof sql, "INSERT INTO %s(%s) VALUES(", tb->name, tb->columns);
    for (int i = 0; i < tb->ncolumns && n < sizeof sql; i++)
        n += (size_t)snprintf(sql + n, sizeof sql - n, i ? ", $%d" : "$%d", i + 1);
    if (n < sizeof sql) snprintf(sql + n, sizeof sql - n, ")");
    fo_status rc = FO_OK;
    PGresult *r = run_sql(s, c, sql, tb->ncolumns, values, 1, &rc, err);
    PQclear(r);
    return r ? FO_OK : rc;
}

static long long pg_sessions(fo_store *base) {
    pg_store *s = (pg_store *)base;
    int slot;
    PGconn *c = take(s, &slot);
    long long n = -1;
    if (c) {
        fo_error err;
        fo_status rc = FO_OK;
        n = count_of(s, c, "SELECT count(*) FROM sessions", 0, NULL, &rc, &err);
    }
    give(s, slot);
    return n;
}

static const fo_store_ops pg_ops = {
    .name = "postgresql",
    .close = pg_close,
    .session_insert = pg_session_insert,
    .session_secret = pg_session_secret,
    .session_track = pg_session_track,
    .lock = pg_lock,
    .append = pg_append,
    .count = pg_count,
    .ledger_json = pg_ledger_json,
    .figure = pg_figure,
    .session_variant = pg_session_variant,
    .class_rows = pg_class_rows,
    .class_stamp = pg_class_stamp,
    .copy_out = pg_copy_out,
    .copy_in = pg_copy_in,
    .sessions = pg_sessions,
};

#endif
