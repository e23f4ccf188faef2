/* store_impl.h — the one ledger interface (include/fleetops/store.h) and its two backends:
 * SQLite (store.c, the embedded default: a path) and PostgreSQL (store_pg.c: a libpq URI,
 * postgresql://...). store_api.c holds what both share (tokens, the choice of backend) and
 * dispatches through fo_store_ops. Private to src/store. */
#ifndef FLEETOPS_STORE_IMPL_H
#define FLEETOPS_STORE_IMPL_H

#include "fleetops/store.h"

/* One row of a table being copied (fleetops ledger copy): every column as text (NULL: SQL
 * NULL), in the order of fo_store_copy_tables[t].columns. */
typedef fo_status (*fo_store_row_fn)(void *ctx, const char *const *values, fo_error *err);

typedef struct fo_store_table {
    const char *name;
    const char *columns; /* comma-separated, in the order rows are given */
    int ncolumns;
} fo_store_table;

extern const fo_store_table fo_store_copy_tables[];
extern const int fo_store_copy_ntables;

typedef struct fo_store_ops {
    const char *name; /* "sqlite", "postgresql" */
    void (*close)(fo_store *s);
    /* identity: NULL or "" for none; variant: NULL for the plan's numbers */
    fo_status (*session_insert)(fo_store *s, const char *track, const char *secret,
                                const char *identity, const fo_variant *variant, long long *id,
                                fo_error *err);
    /* the session's secret (65 bytes with the NUL): FO_OK, FO_ENOTFOUND, or a store error */
    fo_status (*session_secret)(fo_store *s, long long id, char secret[65]);
    fo_status (*session_track)(fo_store *s, long long id, char *track, size_t n);
    /* the session's own numbers: FO_OK with *has = 0 when it has none, FO_ENOTFOUND, or a
     * store error */
    fo_status (*session_variant)(fo_store *s, long long id, fo_variant *v, int *has);
    fo_status (*lock)(fo_store *s, long long id, const char *part, const fo_reveal *r,
                      const char *key, fo_lock_result *res, fo_error *err);
    fo_status (*append)(fo_store *s, long long id, fo_entry_kind kind, const char *part,
                        const char *body_json, const char *fingerprint, size_t text_bytes,
                        const char *figure_svg, const char *key, fo_append_result *res,
                        fo_error *err);
    fo_status (*count)(fo_store *s, long long id, fo_entry_kind kind, const char *part,
                       long long *n, fo_error *err);
    fo_status (*ledger_json)(fo_store *s, long long id, long long since, int entries, fo_buf *out,
                             fo_error *err);
    int (*figure)(fo_store *s, long long entry, fo_buf *out);
    /* the class (issue 18): one row per session, in session order, from one snapshot */
    fo_status (*class_rows)(fo_store *s, fo_class_row **rows, size_t *n, fo_error *err);
    /* equal stamps, equal class rows (but the clock): any committed write changes it */
    fo_status (*class_stamp)(fo_store *s, char *stamp, size_t n, fo_error *err);
    /* copy: every row of table t, in id order */
    fo_status (*copy_out)(fo_store *s, int t, fo_store_row_fn fn, void *ctx, fo_error *err);
    /* copy: begin (phase 0), one row of table t (phase 1), commit (phase 2) or abort (3) */
    fo_status (*copy_in)(fo_store *s, int phase, int t, const char *const *values, fo_error *err);
    /* rows in the ledger's tables (sessions): a copy goes only into an empty ledger */
    long long (*sessions)(fo_store *s);
} fo_store_ops;

/* The part both backends share: each backend's struct starts with it. */
struct fo_store {
    const fo_store_ops *ops;
    fo_quota quota;
};

fo_status fo_store_sqlite_open(const char *path, fo_store_mode mode, int *created, fo_store **out,
                               fo_error *err);
fo_status fo_store_pg_open(const char *uri, fo_store_mode mode, int *created, fo_store **out,
                           fo_error *err);

/* The session key a client sent for a write (Idempotency-Key): 1 to 64 of [A-Za-z0-9._:-]. */
#define FO_IDEM_KEY_MAX 64

/* Shared by the backends' class rows (classbook.c). */
fo_class_row *fo_class_row_of(fo_class_row *rows, size_t n, long long id);
int fo_class_part_index(const char *part);
/* One row of the predictions table into its session's class row (an unknown session or part
 * is skipped); off_by_factor 0 when the table holds NULL. */
void fo_class_put_lock(fo_class_row *rows, size_t n, long long session, const char *part,
                       const char *predicted, const char *actual, double off_by_factor, int correct,
                       const char *locked_at);
/* One (session, kind, part) group of the entries table, with its count and first time. */
void fo_class_put_entries(fo_class_row *rows, size_t n, long long session, const char *kind,
                          const char *part, long long count, const char *first_at);

#endif
