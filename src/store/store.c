/* store.c — the ledger in SQLite (store.h). Schema migrations are numbered by PRAGMA
 * user_version; every write is one IMMEDIATE transaction; statements are prepared per call
 * (the cost is microseconds and keeps the mutex region obvious). */
#include "store_impl.h"

#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fleetops/json.h"

#define STMT_CACHE 32

/* Prepared statements are kept for the connection's life, keyed by their SQL literal: the
 * parse and plan happen once, not per request. Used only under the mutex (or at open). */
typedef struct cached_stmt {
    const char *sql;
    sqlite3_stmt *st;
} cached_stmt;

typedef struct sq_store {
    fo_store base;
    sqlite3 *db;
    pthread_mutex_t mu;
    cached_stmt cache[STMT_CACHE];
    pthread_t checkpointer;
    int checkpointing;
    pthread_mutex_t stop_mu;
    pthread_cond_t stop_cv;
    int stopping;
    int dirty;           /* committed writes not yet checkpointed */
    double last_write_s; /* monotonic time of the last write */
    char *path;
    /* The files the server opened (db, -wal, -shm): a write first checks they are still the
     * same files, so a ledger removed or replaced while serving stops writes (503) instead of
     * writing into an unlinked file that vanishes at the next start. */
    struct {
        dev_t dev;
        ino_t ino;
        int known;
    } files[3];
    int gone;                  /* the files were removed or replaced: logged once, writes refused */
    int corrupt_logged;        /* SQLite reported corruption: logged once */
    unsigned long long writes; /* committed writes on this connection (the class's ETag) */
    unsigned long long nonce;  /* differs between two opens: an ETag never survives a restart */
} sq_store;

static const char *const migrations[] = {
    /* 1: sessions, locked predictions, ordered entries */
    "CREATE TABLE sessions("
    "  id INTEGER PRIMARY KEY,"
    "  secret TEXT NOT NULL,"
    "  track TEXT NOT NULL,"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));"
    "CREATE TABLE predictions("
    "  session_id INTEGER NOT NULL REFERENCES sessions(id),"
    "  part TEXT NOT NULL,"
    "  predicted TEXT NOT NULL,"
    "  actual TEXT NOT NULL,"
    "  off_by_factor REAL,"
    "  correct INTEGER NOT NULL,"
    "  sentence TEXT NOT NULL,"
    "  locked_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
    "  PRIMARY KEY(session_id, part));"
    "CREATE TABLE entries("
    "  id INTEGER PRIMARY KEY,"
    "  session_id INTEGER NOT NULL REFERENCES sessions(id),"
    "  kind TEXT NOT NULL CHECK(kind IN ('evidence','attempt','reflection','governance')),"
    "  part TEXT NOT NULL,"
    "  body TEXT NOT NULL CHECK(json_valid(body)),"
    "  fingerprint TEXT,"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));"
    "CREATE INDEX entries_by_session ON entries(session_id, kind, part, id);",
    /* 2: versions (what changed since), the text each entry holds (the quota), figures drawn
     * once at capture (the report never recomputes) */
    "ALTER TABLE sessions ADD COLUMN version INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE predictions ADD COLUMN version INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE entries ADD COLUMN version INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE entries ADD COLUMN text_bytes INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX entries_by_version ON entries(session_id, version);"
    "UPDATE entries SET text_bytes = length(CAST(coalesce(json_extract(body, '$.text'), "
    "json_extract(body, '$.justification'), '') AS BLOB)) WHERE kind IN ('reflection', "
    "'governance');"
    "CREATE TABLE figures(entry_id INTEGER PRIMARY KEY REFERENCES entries(id), svg TEXT NOT "
    "NULL);",
    /* 3: Part 1's readings of its question, kept with the lock (NULL for the other parts) */
    "ALTER TABLE predictions ADD COLUMN answer_reading TEXT;"
    "ALTER TABLE predictions ADD COLUMN literal_reading TEXT;"
    "ALTER TABLE predictions ADD COLUMN toil_cap_reading TEXT;",
    /* 4: idempotency keys: what each keyed write did, so its retry answers the same */
    "CREATE TABLE requests("
    "  session_id INTEGER NOT NULL REFERENCES sessions(id),"
    "  key TEXT NOT NULL,"
    "  route TEXT NOT NULL,"
    "  entry_id INTEGER,"
    "  part TEXT NOT NULL,"
    "  count INTEGER NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  replaced INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
    "  PRIMARY KEY(session_id, key));"
    "CREATE INDEX requests_by_version ON requests(session_id, version);",
    /* 5: who a session is (as the teacher asked: NULL with --identity none or when not given),
     * when it last wrote (the class view's "stuck", kept by every write's version bump) and its
     * own numbers (serve --variants) */
    "ALTER TABLE sessions ADD COLUMN identity TEXT;"
    "ALTER TABLE sessions ADD COLUMN active_at TEXT;"
    /* per-student variants (variant.h): the multipliers of p and R, NULL without --variants */
    "ALTER TABLE sessions ADD COLUMN variant_failure_rate REAL;"
    "ALTER TABLE sessions ADD COLUMN variant_request_rate REAL;"
    "UPDATE sessions SET active_at = max(created_at, coalesce((SELECT max(created_at) FROM "
    "entries WHERE session_id = sessions.id), ''), coalesce((SELECT max(locked_at) FROM "
    "predictions WHERE session_id = sessions.id), ''));",
};

static const char *const kind_names[] = {"evidence", "attempt", "reflection", "governance"};

static int is_corruption(int rc) {
    rc &= 0xff;
    return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB || rc == SQLITE_IOERR;
}

/* Any SQLite failure: corruption (and I/O errors) are FO_STORE_ECORRUPT with a message that
 * says so, logged once on stderr; anything else FO_EINTERNAL. Never taken for "no rows". */
static fo_status db_error_rc(sq_store *s, fo_error *err, const char *what, int rc) {
    char msg[96];
    if (is_corruption(rc) || is_corruption(sqlite3_errcode(s->db))) {
        snprintf(msg, sizeof msg, "the ledger is unreadable (%s): %s", what,
                 sqlite3_errstr(rc ? rc : sqlite3_errcode(s->db)));
        if (!s->corrupt_logged) {
            s->corrupt_logged = 1;
            fprintf(stderr,
                    "fleetops serve: the ledger %s is corrupt or unreadable (%s): answering "
                    "500; stop the server and see docs/SERVING.md\n",
                    s->path ? s->path : "", sqlite3_errstr(rc ? rc : sqlite3_errcode(s->db)));
        }
        return fo_error_set(err, FO_STORE_ECORRUPT, msg, "", "",
                            "a ledger that passes PRAGMA quick_check");
    }
    snprintf(msg, sizeof msg, "ledger %s failed: %s", what, sqlite3_errmsg(s->db));
    return fo_error_set(err, FO_EINTERNAL, msg, "", "", "");
}

static fo_status db_error(sq_store *s, fo_error *err, const char *what) {
    return db_error_rc(s, err, what, sqlite3_errcode(s->db));
}

static sqlite3_stmt *cached(sq_store *s, const char *sql) {
    for (size_t i = 0; i < STMT_CACHE; i++) {
        if (s->cache[i].sql == sql) return s->cache[i].st;
        if (!s->cache[i].sql) {
            sqlite3_stmt *st;
            if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
                SQLITE_OK)
                return NULL;
            s->cache[i].sql = sql;
            s->cache[i].st = st;
            return st;
        }
    }
    return NULL; /* more distinct statements than the cache holds: a bug caught by the tests */
}

static void release(sqlite3_stmt *st) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static int exec(sqlite3 *db, const char *sql) {
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static fo_status migrate(sq_store *s, fo_error *err) {
    sqlite3_stmt *st;
    int version = 0;
    if ((st = cached(s, "PRAGMA user_version")) == NULL) return db_error(s, err, "open");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) version = sqlite3_column_int(st, 0);
    release(st);
    if (rc != SQLITE_ROW) return db_error_rc(s, err, "open", rc);
    int latest = (int)(sizeof migrations / sizeof migrations[0]);
    if (version > latest) {
        char v[32];
        snprintf(v, sizeof v, "%d", version);
        return fo_error_set(err, FO_EUSAGE, "database is from a newer fleetops", "db", v, "");
    }
    for (int v = version; v < latest; v++) {
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %d", v + 1);
        if (exec(s->db, "BEGIN IMMEDIATE") != SQLITE_OK ||
            exec(s->db, migrations[v]) != SQLITE_OK || exec(s->db, bump) != SQLITE_OK ||
            exec(s->db, "COMMIT") != SQLITE_OK) {
            fo_status e = db_error(s, err, "migration");
            exec(s->db, "ROLLBACK");
            return e;
        }
    }
    return FO_OK;
}

static double monotonic_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Checkpoints copy the WAL into the database file and fsync it: about 10 ms per 1,000 pages
 * on this class of disk, during which the connection is busy. Run inline (SQLite's default)
 * they land on whichever request crosses the threshold and on every request queued behind
 * it. So they run here, when the ledger has been idle for FO_CHECKPOINT_IDLE_S, on the same
 * connection under the mutex (a second connection would make writers retry with sleeps).
 * Under sustained writing the WAL grows until SQLite's own inline checkpoint at
 * FO_WAL_CAP_PAGES (about 80 MB) bounds it. */
#define FO_CHECKPOINT_IDLE_S 0.3
#define FO_WAL_CAP_PAGES     "20000"

static void *checkpoint_loop(void *arg) {
    sq_store *s = arg;
    pthread_mutex_lock(&s->stop_mu);
    while (!s->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 200 * 1000 * 1000;
        if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
        pthread_cond_timedwait(&s->stop_cv, &s->stop_mu, &until);
        if (s->stopping) break;
        pthread_mutex_unlock(&s->stop_mu);
        pthread_mutex_lock(&s->mu);
        if (s->dirty && monotonic_s() - s->last_write_s > FO_CHECKPOINT_IDLE_S) {
            sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
            s->dirty = 0;
        }
        pthread_mutex_unlock(&s->mu);
        pthread_mutex_lock(&s->stop_mu);
    }
    pthread_mutex_unlock(&s->stop_mu);
    return NULL;
}

/* Called under the mutex after every committed write. */
static void note_write(sq_store *s) {
    s->writes++;
    s->dirty = 1;
    s->last_write_s = monotonic_s();
}

static const char *const file_suffix[3] = {"", "-wal", "-shm"};

/* Records (remember = 1) or checks the identity of the db, -wal and -shm files. 0 when a file
 * the server opened is gone or is another file now. */
static int files_intact(sq_store *s, int remember) {
    char p[4200];
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", s->path, file_suffix[i]);
        struct stat st;
        int ok = stat(p, &st) == 0;
        if (remember) {
            s->files[i].known = ok;
            if (ok) s->files[i].dev = st.st_dev, s->files[i].ino = st.st_ino;
        } else if (s->files[i].known &&
                   (!ok || st.st_dev != s->files[i].dev || st.st_ino != s->files[i].ino)) {
            return 0;
        }
    }
    return 1;
}

/* Before every write, under the mutex: FO_STORE_EGONE (and one log line) when the ledger's
 * files were removed or replaced since the server opened them. */
static fo_status check_files(sq_store *s, fo_error *err) {
    int moved = 0;
    if (!s->gone) {
        sqlite3_file_control(s->db, "main", SQLITE_FCNTL_HAS_MOVED, &moved);
        if (moved || !files_intact(s, 0)) {
            s->gone = 1;
            fprintf(stderr,
                    "fleetops serve: the ledger %s (or its -wal/-shm) was removed or replaced "
                    "while serving: writes stop (503); restore the files and restart\n",
                    s->path);
        }
    }
    if (!s->gone) return FO_OK;
    return fo_error_set(err, FO_STORE_EGONE,
                        "the ledger file was removed or replaced while serving: nothing written",
                        "db", "", "the teacher restores the ledger and restarts the server");
}

static void sq_close(fo_store *base);

static fo_status open_refusal(sq_store *s, fo_error *err, const char *path, const char *error,
                              const char *allowed) {
    fo_error_set(err, FO_EUSAGE, error, "db", path, allowed);
    sq_close(&s->base);
    return FO_EUSAGE;
}

static const fo_store_ops sq_ops;

/* quick_check reads every page (about 10 ms per 10 MB): a corrupt ledger is refused at open,
 * with one line, instead of answering empty ledgers later. On refusal s is closed. */
static fo_status quick_check(sq_store *s, const char *path, fo_error *err) {
    sqlite3_stmt *qc;
    char verdict[80] = "";
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA quick_check(1)", -1, &qc, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(qc);
        if (rc == SQLITE_ROW)
            snprintf(verdict, sizeof verdict, "%s", (const char *)sqlite3_column_text(qc, 0));
        for (char *p = verdict; *p; p++) /* one line: quick_check's report spans several */
            if (*p == '\n' || *p == '\r') *p = ' ';
        sqlite3_finalize(qc);
    }
    if (rc != SQLITE_ROW || strcmp(verdict, "ok") != 0) {
        char msg[96];
        snprintf(msg, sizeof msg, "the ledger is corrupt: %.70s",
                 rc == SQLITE_ROW ? verdict : sqlite3_errstr(rc));
        return open_refusal(s, err, path, msg,
                            "a ledger that passes PRAGMA quick_check: restore a backup "
                            "(docs/SERVING.md)");
    }
    return FO_OK;
}

/* The schema version a ledger was written with (PRAGMA user_version); -1 when unreadable. */
static int schema_version(sqlite3 *db) {
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) return -1;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* FO_STORE_READ: the ledger opened read-only. A WAL ledger needs its -shm index; where that
 * cannot be made (a read-only copy in a directory this user cannot write) and no -wal holds
 * unmerged writes (a server that stopped cleanly merged them and removed it), the file is
 * opened as immutable: read as it is, no index, no locks. Nothing is written, so the ledger
 * is not migrated: one written by an older fleetops is refused with the way to upgrade it. */
static fo_status open_for_reading(sq_store *s, const char *path, fo_store **out, fo_error *err) {
    const int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_URI;
    int v = -1;
    if (sqlite3_open_v2(path, &s->db, flags & ~SQLITE_OPEN_URI, NULL) == SQLITE_OK)
        v = schema_version(s->db);
    char wal[PATH_MAX + 8];
    struct stat wst;
    snprintf(wal, sizeof wal, "%s-wal", path);
    if (v < 0 && (stat(wal, &wst) != 0 || wst.st_size == 0)) {
        sqlite3_close(s->db);
        s->db = NULL;
        /* file:PATH?immutable=1, with the path's reserved characters percent-encoded */
        fo_buf uri;
        fo_buf_init(&uri);
        fo_buf_puts(&uri, "file:");
        for (const unsigned char *c = (const unsigned char *)path; *c; c++)
            if (*c == '%' || *c == '?' || *c == '#' || *c <= ' ' || *c >= 0x7f)
                fo_buf_printf(&uri, "%%%02X", *c);
            else
                fo_buf_putc(&uri, (char)*c);
        fo_buf_puts(&uri, "?immutable=1");
        if (sqlite3_open_v2(fo_buf_str(&uri), &s->db, flags, NULL) == SQLITE_OK)
            v = schema_version(s->db);
        fo_buf_free(&uri);
    }
    if (v < 0)
        return open_refusal(s, err, path, "cannot read the ledger database",
                            "a fleetops ledger this user can read (and, while a server writes "
                            "it, the directory holding it)");
    sqlite3_busy_timeout(s->db, 5000);
    if (quick_check(s, path, err) != FO_OK) return FO_EUSAGE;
    int latest = (int)(sizeof migrations / sizeof migrations[0]);
    if (v == 0)
        return open_refusal(s, err, path, "no fleetops ledger in this file",
                            "the file `fleetops serve --db PATH` wrote");
    if (v != latest) {
        char msg[96];
        snprintf(msg, sizeof msg, "the ledger was written by %s fleetops (schema %d, this one %d)",
                 v > latest ? "a newer" : "an older", v, latest);
        return open_refusal(s, err, path, msg,
                            v > latest ? "the fleetops that wrote it"
                                       : "a ledger upgraded by starting `fleetops serve --db PATH` "
                                         "on it once (a writable copy)");
    }
    *out = &s->base;
    return FO_OK;
}

fo_status fo_store_sqlite_open(const char *path, fo_store_mode mode, int *created, fo_store **out,
                               fo_error *err) {
    *out = NULL;
    struct stat pst;
    int exists = stat(path, &pst) == 0;
    if (created) *created = !exists;
    if (!exists && mode != FO_STORE_CREATE)
        return fo_error_set(err, FO_EUSAGE, "no ledger at this path", "db", path,
                            "an existing ledger, or --create yes to start a new one");
    sq_store *s = calloc(1, sizeof *s);
    if (s) s->base.ops = &sq_ops;
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return fo_error_set(err, FO_ENOMEM, "out of memory", "", "", "");
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->stop_mu, NULL);
    pthread_cond_init(&s->stop_cv, NULL);
    if (mode == FO_STORE_READ) return open_for_reading(s, path, out, err);
    if (sqlite3_open_v2(path, &s->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL) != SQLITE_OK)
        return open_refusal(s, err, path, "cannot open the ledger database",
                            "a writable file path");
    if (sqlite3_db_readonly(s->db, "main") == 1)
        return open_refusal(s, err, path, "the ledger file is read-only",
                            "a ledger file (and directory) the server can write");
    sqlite3_busy_timeout(s->db, 5000);
    /* WAL: readers never block the writer; synchronous=NORMAL keeps every committed
     * transaction across a process crash (only a power loss can drop the last ones). */
    if (exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON;") != SQLITE_OK) {
        char msg[96];
        snprintf(msg, sizeof msg, "cannot use the ledger: %s", sqlite3_errmsg(s->db));
        return open_refusal(s, err, path, msg,
                            "a fleetops ledger that passes PRAGMA quick_check (docs/SERVING.md)");
    }
    if (quick_check(s, path, err) != FO_OK) return FO_EUSAGE;
    /* A write at start: a ledger (or directory) the server cannot write is refused now, not
     * discovered as a 500 on every student's first write. */
    if (exec(s->db, "BEGIN IMMEDIATE; COMMIT") != SQLITE_OK) {
        exec(s->db, "ROLLBACK");
        char msg[96];
        snprintf(msg, sizeof msg, "cannot write the ledger: %s", sqlite3_errmsg(s->db));
        return open_refusal(s, err, path, msg,
                            "a ledger file (and directory) the server can write");
    }
    fo_status st = migrate(s, err);
    if (st != FO_OK) {
        sq_close(&s->base);
        return st;
    }
    files_intact(s, 1);
    if (getrandom(&s->nonce, sizeof s->nonce, 0) != (ssize_t)sizeof s->nonce)
        s->nonce = (unsigned long long)time(NULL);
    /* Checkpoints (copying the WAL into the database, with an fsync) run on a thread of their
     * own, so no request ever waits behind one. */
    exec(s->db, "PRAGMA wal_autocheckpoint=" FO_WAL_CAP_PAGES);
    s->checkpointing = pthread_create(&s->checkpointer, NULL, checkpoint_loop, s) == 0;
    *out = &s->base;
    return FO_OK;
}

static void sq_close(fo_store *base) {
    sq_store *s = (sq_store *)base;
    if (!s) return;
    if (s->checkpointing) {
        pthread_mutex_lock(&s->stop_mu);
        s->stopping = 1;
        pthread_cond_signal(&s->stop_cv);
        pthread_mutex_unlock(&s->stop_mu);
        pthread_join(s->checkpointer, NULL);
        if (!s->gone) exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE)");
    }
    for (size_t i = 0; i < STMT_CACHE && s->cache[i].sql; i++)
        sqlite3_finalize(s->cache[i].st);
    sqlite3_close(s->db);
    pthread_mutex_destroy(&s->stop_mu);
    pthread_cond_destroy(&s->stop_cv);
    pthread_mutex_destroy(&s->mu);
    free(s->path);
    free(s);
}

static const char *col_text(sqlite3_stmt *st, int i);

/* The session's version, bumped: called inside a write transaction. -1 on failure. */
static long long bump_version(sq_store *s, long long id) {
    sqlite3_stmt *st;
    long long v = -1;
    if ((st = cached(s, "UPDATE sessions SET version = version + 1, active_at = "
                        "strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ? RETURNING "
                        "version")) != NULL) {
        sqlite3_bind_int64(st, 1, id);
        if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            ;
        if (rc != SQLITE_DONE) v = -1;
        release(st);
    }
    return v;
}

/* Ends a write transaction: COMMIT when rc is FO_OK (a failed COMMIT is an error), ROLLBACK
 * otherwise. */
static fo_status finish_write(sq_store *s, fo_status rc, fo_error *err) {
    if (rc == FO_OK) {
        int c = exec(s->db, "COMMIT");
        if (c == SQLITE_OK) {
            note_write(s);
            return FO_OK;
        }
        rc = db_error_rc(s, err, "write", c);
    }
    exec(s->db, "ROLLBACK");
    return rc;
}

static fo_status sq_session_insert(fo_store *base, const char *track, const char *secret,
                                   const char *identity, const fo_variant *variant, long long *id,
                                   fo_error *err) {
    sq_store *s = (sq_store *)base;
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st;
    fo_status rc = check_files(s, err);
    if (rc != FO_OK) {
    } else if ((st = cached(s, "INSERT INTO sessions(secret, track, identity, active_at, "
                               "variant_failure_rate, variant_request_rate) VALUES(?, ?, ?, "
                               "strftime('%Y-%m-%dT%H:%M:%fZ','now'), ?, ?)")) == NULL) {
        rc = db_error(s, err, "session");
    } else {
        sqlite3_bind_text(st, 1, secret, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, track, -1, SQLITE_STATIC);
        if (identity && *identity)
            sqlite3_bind_text(st, 3, identity, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 3);
        if (variant) {
            sqlite3_bind_double(st, 4, variant->failure_rate);
            sqlite3_bind_double(st, 5, variant->request_rate_per_s);
        } else {
            sqlite3_bind_null(st, 4);
            sqlite3_bind_null(st, 5);
        }
        int step = sqlite3_step(st);
        if (step != SQLITE_DONE)
            rc = db_error_rc(s, err, "session", step);
        else
            note_write(s);
        *id = sqlite3_last_insert_rowid(s->db);
        release(st);
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static fo_status sq_session_secret(fo_store *base, long long sid, char secret[65]) {
    sq_store *s = (sq_store *)base;
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st;
    fo_status rc = FO_ENOTFOUND;
    if ((st = cached(s, "SELECT secret FROM sessions WHERE id = ?")) == NULL) {
        rc = FO_STORE_ECORRUPT;
    } else {
        sqlite3_bind_int64(st, 1, sid);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            const char *t = (const char *)sqlite3_column_text(st, 0);
            snprintf(secret, 65, "%s", t ? t : "");
            rc = FO_OK;
        } else if (step != SQLITE_DONE) {
            fo_error e;
            rc = db_error_rc(s, &e, "read", step);
        }
        release(st);
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static fo_status sq_session_variant(fo_store *base, long long id, fo_variant *v, int *has) {
    sq_store *s = (sq_store *)base;
    *has = 0;
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st;
    fo_status rc = FO_ENOTFOUND;
    if ((st = cached(s, "SELECT variant_failure_rate, variant_request_rate FROM sessions WHERE "
                        "id = ?")) != NULL) {
        sqlite3_bind_int64(st, 1, id);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            rc = FO_OK;
            if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
                v->failure_rate = sqlite3_column_double(st, 0);
                v->request_rate_per_s = sqlite3_column_double(st, 1);
                *has = 1;
            }
        } else if (step != SQLITE_DONE) {
            fo_error e;
            rc = db_error_rc(s, &e, "read", step);
        }
        release(st);
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static fo_status sq_session_track(fo_store *base, long long id, char *track, size_t n) {
    sq_store *s = (sq_store *)base;
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st;
    fo_status rc = FO_ENOTFOUND;
    if ((st = cached(s, "SELECT track FROM sessions WHERE id = ?")) != NULL) {
        sqlite3_bind_int64(st, 1, id);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            snprintf(track, n, "%s", (const char *)sqlite3_column_text(st, 0));
            rc = FO_OK;
        } else if (step != SQLITE_DONE) {
            fo_error e;
            rc = db_error_rc(s, &e, "read", step);
        }
        release(st);
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

/* One number from a query with up to three bound values (ints where kinds[i] == 'i', text
 * otherwise). -1 when the step fails (the caller reports the error). */
static long long scalar(sq_store *s, const char *sql, const char *kinds, long long i1,
                        const char *t2, const char *t3) {
    sqlite3_stmt *st;
    long long n = -1;
    if ((st = cached(s, sql)) != NULL) {
        const char *texts[3] = {NULL, t2, t3};
        for (int i = 0; kinds[i]; i++) {
            if (kinds[i] == 'i')
                sqlite3_bind_int64(st, i + 1, i1);
            else
                sqlite3_bind_text(st, i + 1, texts[i], -1, SQLITE_STATIC);
        }
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
        release(st);
    }
    return n;
}

static long long count_entries(sq_store *s, long long id, const char *kind, const char *part) {
    return scalar(s, "SELECT count(*) FROM entries WHERE session_id = ? AND kind = ? AND part = ?",
                  "itt", id, kind, part);
}

static fo_status quota_refusal(fo_error *err, const char *error, const char *param, long long value,
                               long long limit, const char *what) {
    char v[32], allowed[160];
    snprintf(v, sizeof v, "%lld", value);
    char flag[32];
    snprintf(flag, sizeof flag, "%s", param);
    for (char *p = flag; *p; p++)
        if (*p == '_') *p = '-';
    snprintf(allowed, sizeof allowed, "at most %lld %s per session (fleetops serve --%s)", limit,
             what, flag);
    return fo_error_set(err, FO_STORE_EQUOTA, error, param, v, allowed);
}

/* The request a key names, when this session already used it (inside the write's
 * transaction): 1 found (the row's columns in *rq), 0 not found, -1 a read failed. */
typedef struct sq_request {
    char route[16];
    char part[32];
    long long entry, count, version;
    int replaced;
    char created_at[32];
} sq_request;

static int find_request(sq_store *s, long long id, const char *key, sq_request *rq) {
    sqlite3_stmt *st = cached(s, "SELECT route, part, coalesce(entry_id, 0), count, version, "
                                 "replaced, created_at FROM requests WHERE session_id = ? AND "
                                 "key = ?");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    int found = step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : -1;
    if (found == 1) {
        snprintf(rq->route, sizeof rq->route, "%s", col_text(st, 0));
        snprintf(rq->part, sizeof rq->part, "%s", col_text(st, 1));
        rq->entry = sqlite3_column_int64(st, 2);
        rq->count = sqlite3_column_int64(st, 3);
        rq->version = sqlite3_column_int64(st, 4);
        rq->replaced = sqlite3_column_int(st, 5);
        snprintf(rq->created_at, sizeof rq->created_at, "%s", col_text(st, 6));
    }
    release(st);
    return found;
}

/* Keeps the key with what the write did, in the write's transaction; keys older than the
 * session's last FO_KEYS_KEPT writes are forgotten (a retry comes within seconds). */
#define FO_KEYS_KEPT 1000
static int keep_request(sq_store *s, long long id, const char *key, const char *route,
                        const char *part, long long entry, long long count, long long version,
                        int replaced, const char *created_at) {
    sqlite3_stmt *st = cached(s, "INSERT INTO requests(session_id, key, route, part, entry_id, "
                                 "count, version, replaced, created_at) VALUES(?, ?, ?, ?, ?, ?, "
                                 "?, ?, coalesce(?, strftime('%Y-%m-%dT%H:%M:%fZ','now')))");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, route, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, part, -1, SQLITE_STATIC);
    if (entry)
        sqlite3_bind_int64(st, 5, entry);
    else
        sqlite3_bind_null(st, 5);
    sqlite3_bind_int64(st, 6, count);
    sqlite3_bind_int64(st, 7, version);
    sqlite3_bind_int(st, 8, replaced);
    if (created_at)
        sqlite3_bind_text(st, 9, created_at, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 9);
    int step = sqlite3_step(st);
    release(st);
    if (step != SQLITE_DONE) return -1;
    st = cached(s, "DELETE FROM requests WHERE session_id = ? AND version < ?");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, version - FO_KEYS_KEPT);
    step = sqlite3_step(st);
    release(st);
    return step == SQLITE_DONE ? 0 : -1;
}

static fo_status key_reused(fo_error *err, const char *key) {
    return fo_error_set(err, FO_ECONFLICT, "this idempotency key was used for another write",
                        "Idempotency-Key", key,
                        "a new key for each write (the same on its retries)");
}

static fo_status sq_lock(fo_store *base, long long id, const char *part, const fo_reveal *r,
                         const char *key, fo_lock_result *res, fo_error *err) {
    sq_store *s = (sq_store *)base;
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st;
    fo_status rc = check_files(s, err);
    if (rc != FO_OK) goto out;
    int b = exec(s->db, "BEGIN IMMEDIATE");
    if (b != SQLITE_OK) {
        rc = db_error_rc(s, err, "write", b);
        goto out;
    }
    if (key) {
        sq_request rq;
        int found = find_request(s, id, key, &rq);
        if (found < 0) {
            rc = finish_write(s, db_error(s, err, "lock"), err);
            goto out;
        }
        if (found) {
            if (strcmp(rq.route, "lock") != 0 || strcmp(rq.part, part) != 0) {
                rc = finish_write(s, key_reused(err, key), err);
                goto out;
            }
            rc = FO_ECONFLICT;
            st = cached(s, "SELECT predicted, actual, off_by_factor, correct, sentence, "
                           "answer_reading, literal_reading, toil_cap_reading FROM predictions "
                           "WHERE session_id = ? AND part = ?");
            if (st) {
                sqlite3_bind_int64(st, 1, id);
                sqlite3_bind_text(st, 2, part, -1, SQLITE_STATIC);
                if (sqlite3_step(st) == SQLITE_ROW) {
                    snprintf(res->reveal.predicted, sizeof res->reveal.predicted, "%s",
                             col_text(st, 0));
                    snprintf(res->reveal.actual, sizeof res->reveal.actual, "%s", col_text(st, 1));
                    res->reveal.off_by_factor = sqlite3_column_type(st, 2) == SQLITE_NULL
                                                    ? 0
                                                    : sqlite3_column_double(st, 2);
                    res->reveal.correct = sqlite3_column_int(st, 3);
                    snprintf(res->reveal.sentence, sizeof res->reveal.sentence, "%s",
                             col_text(st, 4));
                    if (sqlite3_column_type(st, 5) != SQLITE_NULL) { /* Part 1's readings */
                        fo_reveal *v = &res->reveal;
                        snprintf(v->answer_reading, sizeof v->answer_reading, "%s",
                                 col_text(st, 5));
                        snprintf(v->literal_reading, sizeof v->literal_reading, "%s",
                                 col_text(st, 6));
                        snprintf(v->toil_cap_reading, sizeof v->toil_cap_reading, "%s",
                                 col_text(st, 7));
                    }
                    rc = FO_OK;
                }
                release(st);
            }
            if (rc != FO_OK) rc = db_error(s, err, "lock");
            exec(s->db, "ROLLBACK");
            if (rc == FO_OK) res->version = rq.version, res->replayed = 1;
            goto out;
        }
    }
    long long v = bump_version(s, id);
    if (v < 0) {
        rc = db_error(s, err, "lock");
    } else if ((st = cached(s, "INSERT INTO predictions(session_id, part, predicted, actual, "
                               "off_by_factor, correct, sentence, version, answer_reading, "
                               "literal_reading, toil_cap_reading) VALUES(?, ?, ?, ?, ?, ?, ?, ?, "
                               "?, ?, ?)")) == NULL) {
        rc = db_error(s, err, "lock");
    } else {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, part, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, r->predicted, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, r->actual, -1, SQLITE_STATIC);
        if (r->off_by_factor > 0)
            sqlite3_bind_double(st, 5, r->off_by_factor);
        else
            sqlite3_bind_null(st, 5);
        sqlite3_bind_int(st, 6, r->correct);
        sqlite3_bind_text(st, 7, r->sentence, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 8, v);
        const char *readings[] = {r->answer_reading, r->literal_reading, r->toil_cap_reading};
        for (int i = 0; i < 3; i++)
            if (r->answer_reading[0])
                sqlite3_bind_text(st, 9 + i, readings[i], -1, SQLITE_STATIC);
            else
                sqlite3_bind_null(st, 9 + i);
        int step = sqlite3_step(st);
        if (step == SQLITE_CONSTRAINT)
            rc = fo_error_set(err, FO_ECONFLICT, "prediction already locked", "part", part,
                              "one lock per part: a locked prediction is never overwritten");
        else if (step != SQLITE_DONE)
            rc = db_error_rc(s, err, "lock", step);
        release(st);
    }
    if (rc == FO_OK && key && keep_request(s, id, key, "lock", part, 0, 1, v, 0, NULL) != 0)
        rc = db_error(s, err, "lock");
    rc = finish_write(s, rc, err);
    if (rc == FO_OK) {
        res->version = v;
        res->reveal = *r;
    }
out:
    pthread_mutex_unlock(&s->mu);
    return rc;
}

/* Entries of one kind and part kept for a session (a new attempt is number n + 1). */
static fo_status sq_count(fo_store *base, long long id, fo_entry_kind kind, const char *part,
                          long long *n, fo_error *err) {
    sq_store *s = (sq_store *)base;
    pthread_mutex_lock(&s->mu);
    *n = count_entries(s, id, kind_names[kind], part);
    pthread_mutex_unlock(&s->mu);
    if (*n < 0)
        return fo_error_set(err, FO_STORE_ECORRUPT, "the ledger is unreadable", "ledger", "", "");
    return FO_OK;
}

static fo_status sq_append(fo_store *base, long long id, fo_entry_kind kind, const char *part,
                           const char *body_json, const char *fingerprint, size_t text_bytes,
                           const char *figure_svg, const char *key, fo_append_result *res,
                           fo_error *err) {
    sq_store *s = (sq_store *)base;
    const char *kname = kind_names[kind];
    fo_append_result out = {0};
    pthread_mutex_lock(&s->mu);
    const fo_quota q = s->base.quota;
    fo_status rc = check_files(s, err);
    if (rc != FO_OK) goto done;
    int b = exec(s->db, "BEGIN IMMEDIATE");
    if (b != SQLITE_OK) {
        rc = db_error_rc(s, err, "write", b);
        goto done;
    }
    if (key) { /* a retry of a write already done: its first answer, nothing written */
        sq_request rq;
        int found = find_request(s, id, key, &rq);
        if (found < 0) {
            rc = finish_write(s, db_error(s, err, "write"), err);
            goto done;
        }
        if (found) {
            if (strcmp(rq.route, kname) != 0 || strcmp(rq.part, part) != 0) {
                rc = finish_write(s, key_reused(err, key), err);
                goto done;
            }
            sqlite3_stmt *bst = cached(s, "SELECT body FROM entries WHERE id = ?");
            rc = FO_EINTERNAL;
            if (bst) {
                sqlite3_bind_int64(bst, 1, rq.entry);
                if (sqlite3_step(bst) == SQLITE_ROW && (out.body = strdup(col_text(bst, 0))))
                    rc = FO_OK;
                release(bst);
            }
            if (rc != FO_OK) rc = db_error(s, err, "write");
            exec(s->db, "ROLLBACK");
            if (rc == FO_OK) {
                out.entry = rq.entry;
                out.count = rq.count;
                out.version = rq.version;
                out.replaced = rq.replaced;
                out.replayed = 1;
                snprintf(out.created_at, sizeof out.created_at, "%s", rq.created_at);
            }
            goto done;
        }
    }
    long long before = count_entries(s, id, kname, part);
    if (before < 0) {
        rc = finish_write(s, db_error(s, err, "write"), err);
        goto done;
    }
    if (kind == FO_ENTRY_ATTEMPT && before >= FO_MAX_ATTEMPTS) {
        char allowed[64];
        snprintf(allowed, sizeof allowed, "at most %d attempts (the 10-Iteration Rule)",
                 FO_MAX_ATTEMPTS);
        rc = finish_write(s,
                          fo_error_set(err, FO_ECONFLICT, "attempt refused: all attempts are used",
                                       "part", part, allowed),
                          err);
        goto done;
    }
    if (kind == FO_ENTRY_EVIDENCE && q.max_evidence > 0) {
        long long n = scalar(s,
                             "SELECT count(*) FROM entries WHERE session_id = ? AND kind = "
                             "'evidence'",
                             "i", id, NULL, NULL);
        if (n >= q.max_evidence) {
            rc = finish_write(s,
                              quota_refusal(err, "evidence quota reached: nothing written",
                                            "max_evidence", n + 1, q.max_evidence,
                                            "evidence entries"),
                              err);
            goto done;
        }
    }
    /* Revisions coalesce by bursts: of revisions each within coalesce_s of the previous one,
     * the ledger keeps the first and the latest (a new one replaces the latest when that one
     * followed its own predecessor within coalesce_s and is itself that recent); beyond
     * max_revisions a new one replaces the latest. The newest words always survive. */
    long long replace = 0, replaced_bytes = 0;
    int text_kind = kind == FO_ENTRY_REFLECTION || kind == FO_ENTRY_GOVERNANCE;
    if (text_kind && before > 0) {
        sqlite3_stmt *st = cached(
            s, "SELECT e.id, e.text_bytes, (julianday('now') - julianday(e.created_at)) * 86400.0, "
               "(julianday(e.created_at) - julianday((SELECT p.created_at FROM entries p WHERE "
               "p.session_id = e.session_id AND p.kind = e.kind AND p.part = e.part AND p.id < "
               "e.id ORDER BY p.id DESC LIMIT 1))) * 86400.0 FROM entries e WHERE e.session_id = "
               "? AND e.kind = ? AND e.part = ? ORDER BY e.id DESC LIMIT 1");
        int step = SQLITE_ERROR;
        if (st) {
            sqlite3_bind_int64(st, 1, id);
            sqlite3_bind_text(st, 2, kname, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, part, -1, SQLITE_STATIC);
            step = sqlite3_step(st);
            if (step == SQLITE_ROW) {
                double age = sqlite3_column_double(st, 2);
                int has_prev = sqlite3_column_type(st, 3) != SQLITE_NULL;
                double gap = sqlite3_column_double(st, 3);
                if ((q.coalesce_s > 0 && age < q.coalesce_s && has_prev && gap < q.coalesce_s) ||
                    (q.max_revisions > 0 && before >= q.max_revisions)) {
                    replace = sqlite3_column_int64(st, 0);
                    replaced_bytes = sqlite3_column_int64(st, 1);
                }
            }
            release(st);
        }
        if (step != SQLITE_ROW) {
            rc = finish_write(s, db_error_rc(s, err, "write", step), err);
            goto done;
        }
    }
    if (text_kind && q.max_text_bytes > 0) {
        long long used = scalar(s,
                                "SELECT coalesce(sum(text_bytes), 0) FROM entries WHERE "
                                "session_id = ?",
                                "i", id, NULL, NULL);
        long long after = used - replaced_bytes + (long long)text_bytes;
        if (used < 0) {
            rc = finish_write(s, db_error(s, err, "write"), err);
            goto done;
        }
        if (after > q.max_text_bytes) {
            rc = finish_write(s,
                              quota_refusal(err, "text quota reached: nothing written",
                                            "max_text_bytes", after, q.max_text_bytes,
                                            "bytes of text kept"),
                              err);
            goto done;
        }
    }
    long long v = bump_version(s, id);
    if (v < 0) {
        rc = finish_write(s, db_error(s, err, "write"), err);
        goto done;
    }
    sqlite3_stmt *st;
    if (replace) {
        st = cached(s, "UPDATE entries SET body = ?, text_bytes = ?, version = ?, created_at = "
                       "strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?");
        if (st) {
            sqlite3_bind_text(st, 1, body_json, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, (long long)text_bytes);
            sqlite3_bind_int64(st, 3, v);
            sqlite3_bind_int64(st, 4, replace);
        }
    } else {
        st = cached(s, "INSERT INTO entries(session_id, kind, part, body, fingerprint, version, "
                       "text_bytes) VALUES(?, ?, ?, ?, ?, ?, ?)");
        if (st) {
            sqlite3_bind_int64(st, 1, id);
            sqlite3_bind_text(st, 2, kname, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, part, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, body_json, -1, SQLITE_STATIC);
            if (fingerprint)
                sqlite3_bind_text(st, 5, fingerprint, -1, SQLITE_STATIC);
            else
                sqlite3_bind_null(st, 5);
            sqlite3_bind_int64(st, 6, v);
            sqlite3_bind_int64(st, 7, (long long)text_bytes);
        }
    }
    if (!st) {
        rc = finish_write(s, db_error(s, err, "write"), err);
        goto done;
    }
    int step = sqlite3_step(st);
    release(st);
    if (step != SQLITE_DONE) {
        rc = finish_write(s, db_error_rc(s, err, "write", step), err);
        goto done;
    }
    out.entry = replace ? replace : sqlite3_last_insert_rowid(s->db);
    st = cached(s, "SELECT created_at FROM entries WHERE id = ?");
    step = SQLITE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, out.entry);
        step = sqlite3_step(st);
        if (step == SQLITE_ROW)
            snprintf(out.created_at, sizeof out.created_at, "%s", col_text(st, 0));
        release(st);
    }
    if (step != SQLITE_ROW) {
        rc = finish_write(s, db_error_rc(s, err, "write", step), err);
        goto done;
    }
    if (figure_svg && !replace) {
        st = cached(s, "INSERT INTO figures(entry_id, svg) VALUES(?, ?)");
        step = SQLITE_ERROR;
        if (st) {
            sqlite3_bind_int64(st, 1, out.entry);
            sqlite3_bind_text(st, 2, figure_svg, -1, SQLITE_STATIC);
            step = sqlite3_step(st);
            release(st);
        }
        if (step != SQLITE_DONE) {
            rc = finish_write(s, db_error_rc(s, err, "write", step), err);
            goto done;
        }
    }
    if (key && keep_request(s, id, key, kname, part, out.entry, replace ? before : before + 1, v,
                            replace != 0, out.created_at) != 0) {
        rc = finish_write(s, db_error(s, err, "write"), err);
        goto done;
    }
    rc = finish_write(s, FO_OK, err);
    if (rc == FO_OK) {
        out.count = replace ? before : before + 1;
        out.version = v;
        out.replaced = replace != 0;
    }
done:
    pthread_mutex_unlock(&s->mu);
    if (res) *res = out;
    return rc;
}

static int sq_figure(fo_store *base, long long entry, fo_buf *out) {
    sq_store *s = (sq_store *)base;
    pthread_mutex_lock(&s->mu);
    int found = 0;
    sqlite3_stmt *st = cached(s, "SELECT svg FROM figures WHERE entry_id = ?");
    if (st) {
        sqlite3_bind_int64(st, 1, entry);
        if (sqlite3_step(st) == SQLITE_ROW) {
            const unsigned char *t = sqlite3_column_text(st, 0);
            if (t) {
                fo_buf_append(out, (const char *)t, (size_t)sqlite3_column_bytes(st, 0));
                found = 1;
            }
        }
        release(st);
    }
    pthread_mutex_unlock(&s->mu);
    return found;
}

static const char *col_text(sqlite3_stmt *st, int i) {
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

/* What the report still lacks: a lock and a reflection per part, and the governance choice.
 * 0, or -1 when a read failed. */
static int json_missing(fo_json *j, sq_store *s, long long id) {
    size_t np;
    const fo_lab_part *parts = fo_lab_parts(&np);
    fo_json_array_begin(j, "missing");
    for (size_t i = 0; i < np; i++) {
        long long locked = scalar(s,
                                  "SELECT count(*) FROM predictions WHERE session_id = ? AND "
                                  "part = ?",
                                  "it", id, parts[i].id, NULL);
        long long reflected = count_entries(s, id, "reflection", parts[i].id);
        if (locked < 0 || reflected < 0) return -1;
        char what[160];
        if (!locked) {
            snprintf(what, sizeof what, "Part %d: the locked prediction", parts[i].number);
            fo_json_string(j, NULL, what);
        }
        if (!reflected) {
            snprintf(what, sizeof what, "Part %d: the reflection", parts[i].number);
            fo_json_string(j, NULL, what);
        }
    }
    long long g = count_entries(s, id, "governance", "ensemble");
    if (g < 0) return -1;
    if (!g) fo_json_string(j, NULL, "Part 3: the governance policy and its justification");
    fo_json_array_end(j);
    return 0;
}

static fo_status sq_ledger_json(fo_store *base, long long id, long long since, int with_entries,
                                fo_buf *out, fo_error *err) {
    sq_store *s = (sq_store *)base;
    pthread_mutex_lock(&s->mu);
    fo_status rc = FO_OK;
    sqlite3_stmt *st = NULL;
    fo_json j;
    fo_buf tmp; /* written to `out` only when every step succeeded: never a partial ledger */
    fo_buf_init(&tmp);
    fo_json_init(&j, &tmp);
    int step;
    exec(s->db, "BEGIN"); /* one consistent snapshot */
    if ((st = cached(s, "SELECT track, created_at, version, identity, variant_failure_rate, "
                        "variant_request_rate FROM sessions WHERE id = ?")) == NULL) {
        rc = db_error(s, err, "read");
        goto done;
    }
    sqlite3_bind_int64(st, 1, id);
    if ((step = sqlite3_step(st)) != SQLITE_ROW) {
        char v[32];
        snprintf(v, sizeof v, "%lld", id);
        rc = step == SQLITE_DONE
                 ? fo_error_set(err, FO_ENOTFOUND, "no such session", "session", v, "")
                 : db_error_rc(s, err, "read", step);
        goto done;
    }
    fo_json_object_begin(&j, NULL);
    fo_json_int(&j, "session", id);
    fo_json_string(&j, "track", col_text(st, 0));
    fo_json_string(&j, "created_at", col_text(st, 1));
    fo_json_int(&j, "version", sqlite3_column_int64(st, 2));
    if (sqlite3_column_type(st, 3) != SQLITE_NULL) fo_json_string(&j, "identity", col_text(st, 3));
    if (sqlite3_column_type(st, 4) != SQLITE_NULL) { /* the student's own numbers */
        fo_json_object_begin(&j, "variant");
        fo_json_number(&j, "failure_rate", sqlite3_column_double(st, 4));
        fo_json_number(&j, "request_rate_per_s", sqlite3_column_double(st, 5));
        fo_json_object_end(&j);
    }
    if (since >= 0) fo_json_int(&j, "since", since);
    release(st);
    st = NULL;

    fo_json_array_begin(&j, "predictions");
    if ((st = cached(s, "SELECT part, predicted, actual, off_by_factor, correct, sentence, "
                        "locked_at, answer_reading, literal_reading, toil_cap_reading FROM "
                        "predictions WHERE session_id = ? AND version > ? ORDER BY "
                        "locked_at")) == NULL) {
        rc = db_error(s, err, "read");
        goto done;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, since);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        fo_json_object_begin(&j, NULL);
        fo_json_string(&j, "part", col_text(st, 0));
        fo_json_string(&j, "predicted", col_text(st, 1));
        fo_json_string(&j, "actual", col_text(st, 2));
        if (sqlite3_column_type(st, 3) == SQLITE_NULL)
            fo_json_null(&j, "off_by_factor");
        else
            fo_json_number(&j, "off_by_factor", sqlite3_column_double(st, 3));
        fo_json_bool(&j, "correct", sqlite3_column_int(st, 4));
        fo_json_string(&j, "sentence", col_text(st, 5));
        fo_json_string(&j, "locked_at", col_text(st, 6));
        if (sqlite3_column_type(st, 7) != SQLITE_NULL) { /* Part 1: as fo_lab_reveal_json */
            fo_json_object_begin(&j, "readings");
            fo_json_string(&j, "answer", col_text(st, 7));
            fo_json_string(&j, "literal", col_text(st, 8));
            fo_json_string(&j, "toil_cap", col_text(st, 9));
            fo_json_object_end(&j);
        }
        fo_json_object_end(&j);
    }
    release(st);
    st = NULL;
    if (step != SQLITE_DONE) {
        rc = db_error_rc(s, err, "read", step);
        goto done;
    }
    fo_json_array_end(&j);

    if (!with_entries) goto missing;
    fo_json_array_begin(&j, "entries");
    if ((st = cached(s, "SELECT id, kind, part, body, fingerprint, created_at FROM entries "
                        "WHERE session_id = ? AND version > ? ORDER BY id")) == NULL) {
        rc = db_error(s, err, "read");
        goto done;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, since);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        fo_json_object_begin(&j, NULL);
        fo_json_int(&j, "id", sqlite3_column_int64(st, 0));
        fo_json_string(&j, "kind", col_text(st, 1));
        fo_json_string(&j, "part", col_text(st, 2));
        fo_json_raw(&j, "body", col_text(st, 3)); /* JSON the server wrote, checked by SQLite */
        if (sqlite3_column_type(st, 4) == SQLITE_NULL)
            fo_json_null(&j, "fingerprint");
        else
            fo_json_string(&j, "fingerprint", col_text(st, 4));
        fo_json_string(&j, "created_at", col_text(st, 5));
        fo_json_object_end(&j);
    }
    release(st);
    st = NULL;
    if (step != SQLITE_DONE) {
        rc = db_error_rc(s, err, "read", step);
        goto done;
    }
    fo_json_array_end(&j);
missing:
    if (json_missing(&j, s, id) != 0) {
        rc = db_error(s, err, "read");
        goto done;
    }
    fo_json_object_end(&j);
done:
    if (st) release(st);
    exec(s->db, "COMMIT");
    pthread_mutex_unlock(&s->mu);
    if (rc == FO_OK) fo_buf_append(out, tmp.data ? tmp.data : "", tmp.len);
    fo_buf_free(&tmp);
    return rc;
}

/* Steps a statement expected to give one count; 0 and *ok = 0 on failure. */
static long long step_count(sqlite3_stmt *st, int *ok) {
    long long n = 0;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    else
        *ok = 0;
    release(st);
    return n;
}

/* Six reads in one snapshot: sessions, predictions, entry counts, the latest reflection and
 * governance revisions, and the attempts' verdicts. Each is one pass (no query per session). */
static fo_status sq_class_rows(fo_store *base, fo_class_row **rows_out, size_t *n_out,
                               fo_error *err) {
    sq_store *s = (sq_store *)base;
    *rows_out = NULL;
    *n_out = 0;
    pthread_mutex_lock(&s->mu);
    exec(s->db, "BEGIN");
    fo_class_row *rows = NULL;
    size_t n = 0, cap = 0;
    int ok = 1, step = SQLITE_DONE;
    sqlite3_stmt *st =
        cached(s, "SELECT id, track, identity, created_at, coalesce(active_at, created_at), "
                  "(julianday('now') - julianday(coalesce(active_at, created_at))) * 1440.0 "
                  "FROM sessions ORDER BY id");
    if (!st) ok = 0;
    while (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 64;
            fo_class_row *r = realloc(rows, nc * sizeof *rows);
            if (!r) {
                ok = 0;
                break;
            }
            rows = r;
            cap = nc;
        }
        fo_class_row *r = &rows[n++];
        memset(r, 0, sizeof *r);
        r->session = sqlite3_column_int64(st, 0);
        snprintf(r->track, sizeof r->track, "%s", col_text(st, 1));
        snprintf(r->identity, sizeof r->identity, "%s", col_text(st, 2));
        snprintf(r->created_at, sizeof r->created_at, "%s", col_text(st, 3));
        snprintf(r->active_at, sizeof r->active_at, "%s", col_text(st, 4));
        r->idle_minutes = sqlite3_column_double(st, 5);
    }
    if (st) release(st);
    if (step != SQLITE_DONE) ok = 0;

    if (ok && (st = cached(s, "SELECT session_id, part, predicted, actual, off_by_factor, correct, "
                              "locked_at FROM predictions")) == NULL)
        ok = 0;
    while (ok && (step = sqlite3_step(st)) == SQLITE_ROW)
        fo_class_put_lock(
            rows, n, sqlite3_column_int64(st, 0), col_text(st, 1), col_text(st, 2), col_text(st, 3),
            sqlite3_column_type(st, 4) == SQLITE_NULL ? 0 : sqlite3_column_double(st, 4),
            sqlite3_column_int(st, 5), col_text(st, 6));
    if (ok) release(st);
    if (ok && step != SQLITE_DONE) ok = 0;

    if (ok &&
        (st = cached(s, "SELECT session_id, kind, part, count(*), min(created_at) FROM entries "
                        "GROUP BY session_id, kind, part")) == NULL)
        ok = 0;
    while (ok && (step = sqlite3_step(st)) == SQLITE_ROW)
        fo_class_put_entries(rows, n, sqlite3_column_int64(st, 0), col_text(st, 1), col_text(st, 2),
                             sqlite3_column_int64(st, 3), col_text(st, 4));
    if (ok) release(st);
    if (ok && step != SQLITE_DONE) ok = 0;

    /* SQLite's bare columns beside max(): taken from the row holding the maximum */
    if (ok && (st = cached(s, "SELECT session_id, part, max(id), json_extract(body, '$.text') "
                              "FROM entries WHERE kind = 'reflection' GROUP BY session_id, "
                              "part")) == NULL)
        ok = 0;
    while (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
        fo_class_row *r = fo_class_row_of(rows, n, sqlite3_column_int64(st, 0));
        int k = fo_class_part_index(col_text(st, 1));
        if (r && k >= 0) r->part[k].reflection_words = fo_class_words(col_text(st, 3));
    }
    if (ok) release(st);
    if (ok && step != SQLITE_DONE) ok = 0;

    if (ok && (st = cached(s, "SELECT session_id, max(id), json_extract(body, '$.policy'), "
                              "json_extract(body, '$.justification') FROM entries WHERE kind = "
                              "'governance' GROUP BY session_id")) == NULL)
        ok = 0;
    while (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
        fo_class_row *r = fo_class_row_of(rows, n, sqlite3_column_int64(st, 0));
        if (!r) continue;
        snprintf(r->policy, sizeof r->policy, "%s", col_text(st, 2));
        r->justification_words = fo_class_words(col_text(st, 3));
    }
    if (ok) release(st);
    if (ok && step != SQLITE_DONE) ok = 0;

    if (ok && (st = cached(s, "SELECT session_id, count(*), min(CASE WHEN json_extract(body, "
                              "'$.attempt.safety_ok') AND json_extract(body, "
                              "'$.attempt.release_ok') THEN id END) FROM entries WHERE kind = "
                              "'attempt' AND part = 'canary' GROUP BY session_id")) == NULL)
        ok = 0;
    while (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
        fo_class_row *r = fo_class_row_of(rows, n, sqlite3_column_int64(st, 0));
        if (!r || sqlite3_column_type(st, 2) == SQLITE_NULL) continue;
        /* the first try that worked: its number among the session's attempts */
        long long first = sqlite3_column_int64(st, 2);
        sqlite3_stmt *q = cached(s, "SELECT count(*) FROM entries WHERE session_id = ? AND kind "
                                    "= 'attempt' AND part = 'canary' AND id <= ?");
        if (!q) {
            ok = 0;
            break;
        }
        sqlite3_bind_int64(q, 1, r->session);
        sqlite3_bind_int64(q, 2, first);
        r->window_try = step_count(q, &ok);
    }
    if (st) release(st);
    if (ok && step != SQLITE_DONE) ok = 0;

    fo_status rc = ok ? FO_OK : db_error(s, err, "read");
    exec(s->db, "COMMIT");
    pthread_mutex_unlock(&s->mu);
    if (rc != FO_OK) {
        free(rows);
        return rc;
    }
    *rows_out = rows;
    *n_out = n;
    return FO_OK;
}

/* What the class rows depend on but the clock: this connection's committed writes, and
 * SQLite's data_version, which moves when another connection (a backup tool, a second server)
 * commits. O(1): polling an unchanged class reads no table. */
static fo_status sq_class_stamp(fo_store *base, char *stamp, size_t n, fo_error *err) {
    sq_store *s = (sq_store *)base;
    pthread_mutex_lock(&s->mu);
    fo_status rc = FO_OK;
    sqlite3_stmt *st = cached(s, "PRAGMA data_version");
    if (!st) {
        rc = db_error(s, err, "read");
    } else {
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW)
            snprintf(stamp, n, "%llx-%llu-%lld", s->nonce, s->writes, sqlite3_column_int64(st, 0));
        else
            rc = db_error_rc(s, err, "read", step);
        release(st);
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

/* ------------------------------------------------------------ fleetops ledger copy */

static fo_status sq_copy_out(fo_store *base, int t, fo_store_row_fn fn, void *ctx, fo_error *err) {
    sq_store *s = (sq_store *)base;
    const fo_store_table *tb = &fo_store_copy_tables[t];
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT %s FROM %s ORDER BY 1, 2", tb->columns, tb->name);
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st;
    fo_status rc = FO_OK;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        rc = db_error(s, err, "copy");
        pthread_mutex_unlock(&s->mu);
        return rc;
    }
    int step;
    while (rc == FO_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v[16];
        char num[16][32]; /* a REAL as text with every digit it needs (SQLite's own text of a
                           * REAL keeps 15: off_by_factor, the variants) */
        for (int i = 0; i < tb->ncolumns; i++) {
            int type = sqlite3_column_type(st, i);
            if (type == SQLITE_FLOAT) {
                snprintf(num[i], sizeof num[i], "%.17g", sqlite3_column_double(st, i));
                v[i] = num[i];
            } else {
                v[i] = type == SQLITE_NULL ? NULL : (const char *)sqlite3_column_text(st, i);
            }
        }
        rc = fn(ctx, v, err);
    }
    if (rc == FO_OK && step != SQLITE_DONE) rc = db_error_rc(s, err, "copy", step);
    sqlite3_finalize(st);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static fo_status sq_copy_in(fo_store *base, int phase, int t, const char *const *values,
                            fo_error *err) {
    sq_store *s = (sq_store *)base;
    if (phase == 0)
        return exec(s->db, "BEGIN IMMEDIATE") == SQLITE_OK ? FO_OK : db_error(s, err, "copy");
    if (phase == 2) {
        if (exec(s->db, "COMMIT") != SQLITE_OK) return db_error(s, err, "copy");
        note_write(s);
        return FO_OK;
    }
    if (phase == 3) {
        exec(s->db, "ROLLBACK");
        return FO_OK;
    }
    const fo_store_table *tb = &fo_store_copy_tables[t];
    char sql[512] = "";
    size_t n =
        (size_t)snprintf(sql, sizeof sql, "INSERT INTO %s(%s) VALUES(", tb->name, tb->columns);
    for (int i = 0; i < tb->ncolumns && n < sizeof sql; i++)
        n += (size_t)snprintf(sql + n, sizeof sql - n, i ? ", ?" : "?");
    if (n < sizeof sql) snprintf(sql + n, sizeof sql - n, ")");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return db_error(s, err, "copy");
    for (int i = 0; i < tb->ncolumns; i++) {
        if (values[i])
            sqlite3_bind_text(st, i + 1, values[i], -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(st, i + 1);
    }
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? FO_OK : db_error_rc(s, err, "copy", step);
}

static long long sq_sessions(fo_store *base) {
    sq_store *s = (sq_store *)base;
    pthread_mutex_lock(&s->mu);
    long long n = scalar(s, "SELECT count(*) FROM sessions", "", 0, NULL, NULL);
    pthread_mutex_unlock(&s->mu);
    return n;
}

static const fo_store_ops sq_ops = {
    .name = "sqlite",
    .close = sq_close,
    .session_insert = sq_session_insert,
    .session_secret = sq_session_secret,
    .session_track = sq_session_track,
    .lock = sq_lock,
    .append = sq_append,
    .count = sq_count,
    .ledger_json = sq_ledger_json,
    .figure = sq_figure,
    .session_variant = sq_session_variant,
    .class_rows = sq_class_rows,
    .class_stamp = sq_class_stamp,
    .copy_out = sq_copy_out,
    .copy_in = sq_copy_in,
    .sessions = sq_sessions,
};
