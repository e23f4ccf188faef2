/* store_api.c — the ledger's one interface (store.h) over its two backends (store_impl.h):
 * the choice by --db (a libpq URI is PostgreSQL, anything else a SQLite path), session tokens
 * (made and checked here, the same on both), idempotency keys' syntax, and the copy between
 * two ledgers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "store_impl.h"

const fo_store_table fo_store_copy_tables[] = {
    {"sessions",
     "id, secret, track, created_at, version, identity, active_at, variant_failure_rate, "
     "variant_request_rate",
     9},
    {"predictions",
     "session_id, part, predicted, actual, off_by_factor, correct, sentence, locked_at, version, "
     "answer_reading, literal_reading, toil_cap_reading",
     12},
    {"entries", "id, session_id, kind, part, body, fingerprint, created_at, version, text_bytes",
     9},
    {"figures", "entry_id, svg", 2},
    {"requests", "session_id, key, route, entry_id, part, count, version, replaced, created_at", 9},
};
const int fo_store_copy_ntables =
    (int)(sizeof fo_store_copy_tables / sizeof fo_store_copy_tables[0]);

int fo_store_http_status(fo_status s) {
    switch ((int)s) {
    case (int)FO_STORE_EQUOTA:
        return 413;
    case (int)FO_STORE_EGONE:
    case (int)FO_STORE_EUNAVAILABLE:
        return 503;
    case (int)FO_STORE_ECORRUPT:
        return 500;
    default:
        return fo_status_http(s);
    }
}

int fo_store_is_pg(const char *db) {
    return db && (strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0);
}

const char *fo_store_backend(const fo_store *s) {
    return s->ops->name;
}

fo_status fo_store_open_mode(const char *path, fo_store_mode mode, int *created, fo_store **out,
                             fo_error *err) {
    if (fo_store_is_pg(path)) return fo_store_pg_open(path, mode, created, out, err);
    return fo_store_sqlite_open(path, mode, created, out, err);
}

fo_status fo_store_open(const char *path, fo_store **out, fo_error *err) {
    return fo_store_open_mode(path, FO_STORE_CREATE, NULL, out, err);
}

void fo_store_set_quota(fo_store *s, const fo_quota *q) {
    s->quota = *q; /* set before serving starts */
}

const fo_quota *fo_store_quota(const fo_store *s) {
    return &s->quota;
}

void fo_store_close(fo_store *s) {
    if (s) s->ops->close(s);
}

fo_status fo_store_session_create(fo_store *s, const char *track, long long *id,
                                  char token[FO_TOKEN_MAX], fo_error *err) {
    return fo_store_session_create_ex(s, track, NULL, NULL, id, token, err);
}

fo_status fo_store_session_create_ex(fo_store *s, const char *track, const char *identity,
                                     const fo_variant *variant, long long *id,
                                     char token[FO_TOKEN_MAX], fo_error *err) {
    unsigned char raw[32];
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
        return fo_error_set(err, FO_EINTERNAL, "no randomness for a session token", "", "", "");
    char secret[65];
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(secret + 2 * i, 3, "%02x", raw[i]);
    fo_status rc = s->ops->session_insert(s, track, secret, identity, variant, id, err);
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
    char secret[65] = "";
    fo_status rc = s->ops->session_secret(s, sid, secret);
    if (rc == FO_ENOTFOUND) return FO_EFORBIDDEN;
    if (rc != FO_OK) return rc;
    if (strlen(secret) != 64 || !constant_time_equal(secret, dot + 1, 64)) return FO_EFORBIDDEN;
    *id = sid;
    return FO_OK;
}

fo_status fo_store_session_track(fo_store *s, long long id, char *track, size_t n) {
    return s->ops->session_track(s, id, track, n);
}

fo_status fo_store_session_variant(fo_store *s, long long id, fo_variant *v, int *has) {
    *has = 0;
    return s->ops->session_variant(s, id, v, has);
}

int fo_store_key_valid(const char *key) {
    size_t n = key ? strlen(key) : 0;
    if (n < 1 || n > FO_IDEM_KEY_MAX) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = key[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == ':' || c == '-'))
            return 0;
    }
    return 1;
}

fo_status fo_store_lock(fo_store *s, long long id, const char *part, const fo_reveal *r,
                        long long *version, fo_error *err) {
    fo_lock_result res;
    fo_status rc = s->ops->lock(s, id, part, r, NULL, &res, err);
    if (rc == FO_OK && version) *version = res.version;
    return rc;
}

fo_status fo_store_lock_key(fo_store *s, long long id, const char *part, const fo_reveal *r,
                            const char *key, fo_lock_result *res, fo_error *err) {
    memset(res, 0, sizeof *res);
    if (key && !fo_store_key_valid(key))
        return fo_error_set(err, FO_EUSAGE, "bad idempotency key", "Idempotency-Key", key,
                            "1 to 64 of A-Z a-z 0-9 . _ : -");
    return s->ops->lock(s, id, part, r, key, res, err);
}

fo_status fo_store_append(fo_store *s, long long id, fo_entry_kind kind, const char *part,
                          const char *body_json, const char *fingerprint, size_t text_bytes,
                          const char *figure_svg, fo_append_result *res, fo_error *err) {
    return fo_store_append_key(s, id, kind, part, body_json, fingerprint, text_bytes, figure_svg,
                               NULL, res, err);
}

fo_status fo_store_append_key(fo_store *s, long long id, fo_entry_kind kind, const char *part,
                              const char *body_json, const char *fingerprint, size_t text_bytes,
                              const char *figure_svg, const char *key, fo_append_result *res,
                              fo_error *err) {
    fo_append_result local;
    if (!res) res = &local;
    memset(res, 0, sizeof *res);
    if (key && !fo_store_key_valid(key))
        return fo_error_set(err, FO_EUSAGE, "bad idempotency key", "Idempotency-Key", key,
                            "1 to 64 of A-Z a-z 0-9 . _ : -");
    fo_status rc = s->ops->append(s, id, kind, part, body_json, fingerprint, text_bytes, figure_svg,
                                  key, res, err);
    if (res == &local) free(local.body);
    return rc;
}

fo_status fo_store_count(fo_store *s, long long id, fo_entry_kind kind, const char *part,
                         long long *n, fo_error *err) {
    return s->ops->count(s, id, kind, part, n, err);
}

fo_status fo_store_ledger_json(fo_store *s, long long id, long long since, fo_buf *out,
                               fo_error *err) {
    return s->ops->ledger_json(s, id, since, 1, out, err);
}

fo_status fo_store_ledger_json_ex(fo_store *s, long long id, long long since, int entries,
                                  fo_buf *out, fo_error *err) {
    return s->ops->ledger_json(s, id, since, entries, out, err);
}

int fo_store_figure(fo_store *s, long long entry, fo_buf *out) {
    return s->ops->figure(s, entry, out);
}

fo_status fo_store_class_rows(fo_store *s, fo_class_row **rows, size_t *n, fo_error *err) {
    *rows = NULL;
    *n = 0;
    return s->ops->class_rows(s, rows, n, err);
}

fo_status fo_store_class_stamp(fo_store *s, char *stamp, size_t n, fo_error *err) {
    return s->ops->class_stamp(s, stamp, n, err);
}

typedef struct copy_ctx {
    fo_store *to;
    int table;
    long long rows;
} copy_ctx;

static fo_status copy_row(void *ctx, const char *const *values, fo_error *err) {
    copy_ctx *c = ctx;
    c->rows++;
    return c->to->ops->copy_in(c->to, 1, c->table, values, err);
}

fo_status fo_store_copy(fo_store *from, fo_store *to, long long *sessions, fo_error *err) {
    long long have = to->ops->sessions(to);
    if (have < 0)
        return fo_error_set(err, FO_STORE_EUNAVAILABLE, "cannot read the destination ledger", "to",
                            "", "");
    if (have > 0) {
        char v[32];
        snprintf(v, sizeof v, "%lld sessions", have);
        return fo_error_set(err, FO_EUSAGE, "the destination ledger is not empty", "to", v,
                            "an empty ledger (a new file, or a new PostgreSQL database)");
    }
    fo_status rc = to->ops->copy_in(to, 0, 0, NULL, err);
    if (rc != FO_OK) return rc;
    copy_ctx c = {to, 0, 0};
    long long n = 0;
    for (int t = 0; t < fo_store_copy_ntables && rc == FO_OK; t++) {
        c.table = t;
        c.rows = 0;
        rc = from->ops->copy_out(from, t, copy_row, &c, err);
        if (t == 0) n = c.rows;
    }
    if (rc == FO_OK) rc = to->ops->copy_in(to, 2, 0, NULL, err);
    if (rc != FO_OK) {
        fo_error e;
        to->ops->copy_in(to, 3, 0, NULL, &e);
        return rc;
    }
    if (sessions) *sessions = n;
    return FO_OK;
}
