/* store.c — the ledger in SQLite (store.h). Schema migrations are numbered by PRAGMA
 * user_version; every write is one IMMEDIATE transaction; statements are prepared per call
 * (the cost is microseconds and keeps the mutex region obvious). */
#include "fleetops/store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "fleetops/json.h"

#define STMT_CACHE 32

/* Prepared statements are kept for the connection's life, keyed by their SQL literal: the
 * parse and plan happen once, not per request. Used only under the mutex (or at open). */
typedef struct cached_stmt {
    const char *sql;
    sqlite3_stmt *st;
} cached_stmt;

struct fo_store {
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
};

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
};

static const char *const kind_names[] = {"evidence", "attempt", "reflection", "governance"};

static fo_status db_error(fo_store *s, fo_error *err, const char *what) {
    char msg[96];
    snprintf(msg, sizeof msg, "ledger %s failed: %s", what, sqlite3_errmsg(s->db));
    return fo_error_set(err, FO_EINTERNAL, msg, "", "", "");
}

static sqlite3_stmt *cached(fo_store *s, const char *sql) {
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

static fo_status migrate(fo_store *s, fo_error *err) {
    sqlite3_stmt *st;
    int version = 0;
    if ((st = cached(s, "PRAGMA user_version")) == NULL) return db_error(s, err, "open");
    if (sqlite3_step(st) == SQLITE_ROW) version = sqlite3_column_int(st, 0);
    release(st);
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
    fo_store *s = arg;
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
static void note_write(fo_store *s) {
    s->dirty = 1;
    s->last_write_s = monotonic_s();
}

fo_status fo_store_open(const char *path, fo_store **out, fo_error *err) {
    *out = NULL;
    fo_store *s = calloc(1, sizeof *s);
    if (!s) return fo_error_set(err, FO_ENOMEM, "out of memory", "", "", "");
    if (sqlite3_open_v2(path, &s->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL) != SQLITE_OK) {
        fo_error_set(err, FO_EUSAGE, "cannot open the ledger database", "db", path,
                     "a writable file path");
        sqlite3_close(s->db);
        free(s);
        return FO_EUSAGE;
    }
    sqlite3_busy_timeout(s->db, 5000);
    /* WAL: readers never block the writer; synchronous=NORMAL keeps every committed
     * transaction across a process crash (only a power loss can drop the last ones). */
    if (exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON;") != SQLITE_OK) {
        fo_status e = db_error(s, err, "open");
        fo_store_close(s);
        return e;
    }
    fo_status st = migrate(s, err);
    if (st != FO_OK) {
        fo_store_close(s);
        return st;
    }
    pthread_mutex_init(&s->mu, NULL);
    /* Checkpoints (copying the WAL into the database, with an fsync) run on a thread of their
     * own, so no request ever waits behind one. */
    exec(s->db, "PRAGMA wal_autocheckpoint=" FO_WAL_CAP_PAGES);
    pthread_mutex_init(&s->stop_mu, NULL);
    pthread_cond_init(&s->stop_cv, NULL);
    s->checkpointing = pthread_create(&s->checkpointer, NULL, checkpoint_loop, s) == 0;
    *out = s;
    return FO_OK;
}

void fo_store_close(fo_store *s) {
    if (!s) return;
    if (s->checkpointing) {
        pthread_mutex_lock(&s->stop_mu);
        s->stopping = 1;
        pthread_cond_signal(&s->stop_cv);
        pthread_mutex_unlock(&s->stop_mu);
        pthread_join(s->checkpointer, NULL);
        pthread_mutex_destroy(&s->stop_mu);
        pthread_cond_destroy(&s->stop_cv);
        exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE)");
    }
    for (size_t i = 0; i < STMT_CACHE && s->cache[i].sql; i++)
        sqlite3_finalize(s->cache[i].st);
    sqlite3_close(s->db);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

fo_status fo_store_session_create(fo_store *s, const char *track, long long *id,
                                  char token[FO_TOKEN_MAX], fo_error *err) {
    unsigned char raw[32];
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
        return fo_error_set(err, FO_EINTERNAL, "no randomness for a session token", "", "", "");
    char secret[65];
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(secret + 2 * i, 3, "%02x", raw[i]);
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st;
    fo_status rc = FO_OK;
    if ((st = cached(s, "INSERT INTO sessions(secret, track) VALUES(?, ?)")) == NULL) {
        rc = db_error(s, err, "session");
    } else {
        sqlite3_bind_text(st, 1, secret, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, track, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_error(s, err, "session");
        else
            note_write(s);
        *id = sqlite3_last_insert_rowid(s->db);
        release(st);
    }
    pthread_mutex_unlock(&s->mu);
    if (rc == FO_OK) snprintf(token, FO_TOKEN_MAX, "%lld.%s", *id, secret);
    return rc;
}

/* Equal length and content, in time that depends only on the length. */
static int constant_time_equal(const char *a, const char *b, size_t n) {
    unsigned char diff = 0;
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

fo_status fo_store_session_auth(fo_store *s, const char *token, long long *id) {
    if (!token || !*token) return FO_EUNAUTHORIZED;
    char *dot;
    long long sid = strtoll(token, &dot, 10);
    if (sid <= 0 || *dot != '.' || strlen(dot + 1) != 64) return FO_EUNAUTHORIZED;
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st;
    fo_status rc = FO_EFORBIDDEN;
    if ((st = cached(s, "SELECT secret FROM sessions WHERE id = ?")) != NULL) {
        sqlite3_bind_int64(st, 1, sid);
        if (sqlite3_step(st) == SQLITE_ROW) {
            const char *secret = (const char *)sqlite3_column_text(st, 0);
            if (secret && strlen(secret) == 64 && constant_time_equal(secret, dot + 1, 64)) {
                rc = FO_OK;
                *id = sid;
            }
        }
        release(st);
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

fo_status fo_store_session_track(fo_store *s, long long id, char *track, size_t n) {
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st;
    fo_status rc = FO_ENOTFOUND;
    if ((st = cached(s, "SELECT track FROM sessions WHERE id = ?")) != NULL) {
        sqlite3_bind_int64(st, 1, id);
        if (sqlite3_step(st) == SQLITE_ROW) {
            snprintf(track, n, "%s", (const char *)sqlite3_column_text(st, 0));
            rc = FO_OK;
        }
        release(st);
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

fo_status fo_store_lock(fo_store *s, long long id, const char *part, const fo_reveal *r,
                        fo_error *err) {
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st;
    fo_status rc = FO_OK;
    if ((st = cached(s, "INSERT INTO predictions(session_id, part, predicted, actual, "
                        "off_by_factor, correct, sentence) VALUES(?, ?, ?, ?, ?, ?, ?)")) == NULL) {
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
        int step = sqlite3_step(st);
        if (step == SQLITE_CONSTRAINT)
            rc = fo_error_set(err, FO_ECONFLICT, "prediction already locked", "part", part,
                              "one lock per part: a locked prediction is never overwritten");
        else if (step != SQLITE_DONE)
            rc = db_error(s, err, "lock");
        else
            note_write(s);
        release(st);
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static long long count_entries(fo_store *s, long long id, const char *kind, const char *part) {
    sqlite3_stmt *st;
    long long n = -1;
    if ((st = cached(s, "SELECT count(*) FROM entries WHERE session_id = ? AND kind = ? AND "
                        "part = ?")) != NULL) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, part, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
        release(st);
    }
    return n;
}

fo_status fo_store_append(fo_store *s, long long id, fo_entry_kind kind, const char *part,
                          const char *body_json, const char *fingerprint, long long *entry,
                          long long *count, fo_error *err) {
    const char *kname = kind_names[kind];
    pthread_mutex_lock(&s->mu);
    fo_status rc = FO_OK;
    if (exec(s->db, "BEGIN IMMEDIATE") != SQLITE_OK) {
        rc = db_error(s, err, "write");
        goto done;
    }
    long long before = count_entries(s, id, kname, part);
    if (kind == FO_ENTRY_ATTEMPT && before >= FO_MAX_ATTEMPTS) {
        exec(s->db, "ROLLBACK");
        char allowed[64];
        snprintf(allowed, sizeof allowed, "at most %d attempts (the 10-Iteration Rule)",
                 FO_MAX_ATTEMPTS);
        rc = fo_error_set(err, FO_ECONFLICT, "attempt refused: all attempts are used", "part", part,
                          allowed);
        goto done;
    }
    sqlite3_stmt *st;
    if ((st = cached(s, "INSERT INTO entries(session_id, kind, part, body, fingerprint) "
                        "VALUES(?, ?, ?, ?, ?)")) == NULL) {
        rc = db_error(s, err, "write");
        exec(s->db, "ROLLBACK");
        goto done;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, kname, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, part, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, body_json, -1, SQLITE_STATIC);
    if (fingerprint)
        sqlite3_bind_text(st, 5, fingerprint, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 5);
    int step = sqlite3_step(st);
    release(st);
    if (step != SQLITE_DONE || exec(s->db, "COMMIT") != SQLITE_OK) {
        rc = db_error(s, err, "write");
        exec(s->db, "ROLLBACK");
    } else {
        if (entry) *entry = sqlite3_last_insert_rowid(s->db);
        if (count) *count = before + 1;
        note_write(s);
    }
done:
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static const char *col_text(sqlite3_stmt *st, int i) {
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

/* What the report still lacks: a lock and a reflection per part, and the governance choice. */
static void json_missing(fo_json *j, fo_store *s, long long id) {
    size_t np;
    const fo_lab_part *parts = fo_lab_parts(&np);
    fo_json_array_begin(j, "missing");
    for (size_t i = 0; i < np; i++) {
        sqlite3_stmt *st;
        int locked = 0;
        if ((st = cached(s, "SELECT 1 FROM predictions WHERE session_id = ? AND part = ?")) !=
            NULL) {
            sqlite3_bind_int64(st, 1, id);
            sqlite3_bind_text(st, 2, parts[i].id, -1, SQLITE_STATIC);
            locked = sqlite3_step(st) == SQLITE_ROW;
            release(st);
        }
        char what[160];
        if (!locked) {
            snprintf(what, sizeof what, "Part %d: the locked prediction", parts[i].number);
            fo_json_string(j, NULL, what);
        }
        if (count_entries(s, id, "reflection", parts[i].id) <= 0) {
            snprintf(what, sizeof what, "Part %d: the reflection", parts[i].number);
            fo_json_string(j, NULL, what);
        }
    }
    if (count_entries(s, id, "governance", "ensemble") <= 0)
        fo_json_string(j, NULL, "Part 3: the governance policy and its justification");
    fo_json_array_end(j);
}

fo_status fo_store_ledger_json(fo_store *s, long long id, fo_buf *out, fo_error *err) {
    pthread_mutex_lock(&s->mu);
    fo_status rc = FO_OK;
    sqlite3_stmt *st = NULL;
    fo_json j;
    fo_json_init(&j, out);
    exec(s->db, "BEGIN"); /* one consistent snapshot */
    if ((st = cached(s, "SELECT track, created_at FROM sessions WHERE id = ?")) == NULL) {
        rc = db_error(s, err, "read");
        goto done;
    }
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        char v[32];
        snprintf(v, sizeof v, "%lld", id);
        rc = fo_error_set(err, FO_ENOTFOUND, "no such session", "session", v, "");
        goto done;
    }
    fo_json_object_begin(&j, NULL);
    fo_json_int(&j, "session", id);
    fo_json_string(&j, "track", col_text(st, 0));
    fo_json_string(&j, "created_at", col_text(st, 1));
    release(st);
    st = NULL;

    fo_json_array_begin(&j, "predictions");
    if ((st = cached(s, "SELECT part, predicted, actual, off_by_factor, correct, sentence, "
                        "locked_at FROM predictions WHERE session_id = ? ORDER BY locked_at")) !=
        NULL) {
        sqlite3_bind_int64(st, 1, id);
        while (sqlite3_step(st) == SQLITE_ROW) {
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
            fo_json_object_end(&j);
        }
        release(st);
        st = NULL;
    }
    fo_json_array_end(&j);

    fo_json_array_begin(&j, "entries");
    if ((st = cached(s, "SELECT id, kind, part, body, fingerprint, created_at FROM entries "
                        "WHERE session_id = ? ORDER BY id")) != NULL) {
        sqlite3_bind_int64(st, 1, id);
        while (sqlite3_step(st) == SQLITE_ROW) {
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
    }
    fo_json_array_end(&j);
    json_missing(&j, s, id);
    fo_json_object_end(&j);
done:
    if (st) release(st);
    exec(s->db, "COMMIT");
    pthread_mutex_unlock(&s->mu);
    return rc;
}

fo_status fo_store_class_json(fo_store *s, fo_buf *out, fo_error *err) {
    (void)err;
    pthread_mutex_lock(&s->mu);
    exec(s->db, "BEGIN");
    fo_json j;
    fo_json_init(&j, out);
    sqlite3_stmt *st;
    long long sessions = 0;
    if ((st = cached(s, "SELECT count(*) FROM sessions")) != NULL) {
        if (sqlite3_step(st) == SQLITE_ROW) sessions = sqlite3_column_int64(st, 0);
        release(st);
    }
    fo_json_object_begin(&j, NULL);
    fo_json_int(&j, "sessions", sessions);
    size_t np;
    const fo_lab_part *parts = fo_lab_parts(&np);
    fo_json_array_begin(&j, "parts");
    for (size_t i = 0; i < np; i++) {
        fo_json_object_begin(&j, NULL);
        fo_json_string(&j, "part", parts[i].id);
        fo_json_string(&j, "title", parts[i].title);
        fo_json_string(&j, "lock_kind", parts[i].lock_kind);
        /* per track (the answer depends on the track): the answer and every prediction */
        fo_json_array_begin(&j, "by_track");
        if ((st = cached(s, "SELECT s.track, p.actual, p.predicted, p.off_by_factor, "
                            "p.correct FROM predictions p JOIN sessions s ON s.id = "
                            "p.session_id WHERE p.part = ? ORDER BY s.track, p.session_id")) !=
            NULL) {
            sqlite3_bind_text(st, 1, parts[i].id, -1, SQLITE_STATIC);
            char track[64] = "";
            int open = 0;
            while (sqlite3_step(st) == SQLITE_ROW) {
                if (!open || strcmp(track, col_text(st, 0)) != 0) {
                    if (open) {
                        fo_json_array_end(&j);
                        fo_json_object_end(&j);
                    }
                    snprintf(track, sizeof track, "%s", col_text(st, 0));
                    fo_json_object_begin(&j, NULL);
                    fo_json_string(&j, "track", track);
                    fo_json_string(&j, "answer", col_text(st, 1));
                    fo_json_array_begin(&j, "predictions");
                    open = 1;
                }
                fo_json_object_begin(&j, NULL);
                fo_json_string(&j, "predicted", col_text(st, 2));
                if (sqlite3_column_type(st, 3) == SQLITE_NULL)
                    fo_json_null(&j, "off_by_factor");
                else
                    fo_json_number(&j, "off_by_factor", sqlite3_column_double(st, 3));
                fo_json_bool(&j, "correct", sqlite3_column_int(st, 4));
                fo_json_object_end(&j);
            }
            if (open) {
                fo_json_array_end(&j);
                fo_json_object_end(&j);
            }
            release(st);
        }
        fo_json_array_end(&j);
        const char *counts[][2] = {
            {"locked", "SELECT count(*) FROM predictions WHERE part = ?"},
            {"reflected", "SELECT count(DISTINCT session_id) FROM entries WHERE kind = "
                          "'reflection' AND part = ?"},
        };
        for (size_t k = 0; k < 2; k++) {
            long long n = 0;
            if ((st = cached(s, counts[k][1])) != NULL) {
                sqlite3_bind_text(st, 1, parts[i].id, -1, SQLITE_STATIC);
                if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
                release(st);
            }
            fo_json_int(&j, counts[k][0], n);
        }
        fo_json_object_end(&j);
    }
    fo_json_array_end(&j);
    /* the governance split: each session's latest decision */
    fo_json_object_begin(&j, "governance");
    if ((st = cached(s, "SELECT json_extract(body, '$.policy') AS policy, count(*) FROM "
                        "entries e WHERE kind = 'governance' AND id = (SELECT max(id) FROM "
                        "entries WHERE session_id = e.session_id AND kind = 'governance') "
                        "GROUP BY policy ORDER BY policy")) != NULL) {
        while (sqlite3_step(st) == SQLITE_ROW)
            fo_json_int(&j, col_text(st, 0), sqlite3_column_int64(st, 1));
        release(st);
    }
    fo_json_object_end(&j);
    fo_json_object_end(&j);
    exec(s->db, "COMMIT");
    pthread_mutex_unlock(&s->mu);
    return FO_OK;
}
