/* store.h — the ledger: a session per student, their locked predictions with the
 * engine's reveal, and entries in order (evidence, attempts, reflections with every revision,
 * the governance decision). Two backends behind this one interface: SQLite (a path: the
 * embedded default, WAL mode, one connection behind a mutex) and PostgreSQL (a libpq URI,
 * postgresql://...: a small pool of connections, every rule kept by the database's own
 * constraints, row locks and transactions, so any number of replicas can share it). Every
 * write is one transaction, so a crash loses at most a write that was never acknowledged.
 * Native only. Thread-safe. */
#ifndef FLEETOPS_STORE_H
#define FLEETOPS_STORE_H

#include <stddef.h>

#include "fleetops/buf.h"
#include "fleetops/command.h"
#include "fleetops/lab.h"
#include "fleetops/variant.h"

#define FO_TOKEN_MAX      96    /* "<session id>.<64 hex>" */
#define FO_MAX_ATTEMPTS   10    /* the 10-Iteration Rule */
#define FO_MAX_TEXT_BYTES 20000 /* a reflection or justification */

typedef struct fo_store fo_store;

/* Refusals the store adds to fo_status (fo_store_http_status maps them to HTTP):
 * FO_STORE_EQUOTA: a per-session quota (evidence entries, bytes of text): HTTP 413.
 * FO_STORE_EGONE: the ledger file was removed or replaced while serving; writes stop: 503.
 * FO_STORE_ECORRUPT: SQLite reported a corrupt or unreadable ledger: 500. */
#define FO_STORE_EQUOTA   ((fo_status)64)
#define FO_STORE_EGONE    ((fo_status)65)
#define FO_STORE_ECORRUPT ((fo_status)66)
/* FO_STORE_EUNAVAILABLE: the database server cannot be reached (PostgreSQL restarting): 503;
 * a write that answers it may or may not have been kept: the client retries with its key. */
#define FO_STORE_EUNAVAILABLE ((fo_status)67)
int fo_store_http_status(fo_status s);

/* Per-session quotas (0: no limit). Defaults in cmd_serve.c, sized in docs/SERVING.md. */
typedef struct fo_quota {
    long long max_evidence;   /* evidence entries per session */
    long long max_revisions;  /* revisions kept per reflection (and governance) */
    long long max_text_bytes; /* bytes of student text kept per session, every revision */
    double coalesce_s;        /* bursts of revisions this close keep their first and latest */
    /* per client address (enforced by the HTTP layer, ledger_api.c): token buckets that hold
     * a minute's worth and refill continuously */
    double sessions_per_minute; /* POST /api/session */
    double writes_per_minute;   /* POST /api/ledger/... */
} fo_quota;

/* How fo_store_open treats a missing file. */
typedef enum fo_store_mode {
    FO_STORE_EXISTING, /* the file must exist (report, class; serve without --create) */
    FO_STORE_CREATE,   /* created when missing (serve --create, or the default path) */
    FO_STORE_READ      /* the file must exist and is only read (report, class, the source of
                        * `ledger copy`): a read-only file, directory or copy is fine; nothing is
                        * written, so an older ledger is not upgraded but refused with the way to
                        * upgrade it */
} fo_store_mode;

typedef enum fo_entry_kind {
    FO_ENTRY_EVIDENCE,
    FO_ENTRY_ATTEMPT,
    FO_ENTRY_REFLECTION,
    FO_ENTRY_GOVERNANCE
} fo_entry_kind;

/* 1 when db names a PostgreSQL ledger (a libpq URI: postgresql://... or postgres://...). */
int fo_store_is_pg(const char *db);
/* "sqlite" or "postgresql". */
const char *fo_store_backend(const fo_store *s);

/* Opens the ledger: a libpq URI opens PostgreSQL (FO_STORE_CREATE creates the schema in an
 * empty database; FO_STORE_EXISTING wants one a fleetops already wrote), any other string the
 * SQLite file at that path. Refuses (FO_EUSAGE, one clear message naming "db") a missing file in
 * FO_STORE_EXISTING or FO_STORE_READ mode, a read-only file (except in FO_STORE_READ), and a file
 * PRAGMA quick_check finds corrupt.
 * *created is set when the file did not exist (may be NULL). */
fo_status fo_store_open_mode(const char *path, fo_store_mode mode, int *created, fo_store **out,
                             fo_error *err);
/* fo_store_open_mode(path, FO_STORE_CREATE, NULL, ...). */
fo_status fo_store_open(const char *path, fo_store **out, fo_error *err);
void fo_store_set_quota(fo_store *s, const fo_quota *q);
const fo_quota *fo_store_quota(const fo_store *s);
void fo_store_close(fo_store *s);

/* A new session with an unguessable token from the OS's random source. */
fo_status fo_store_session_create(fo_store *s, const char *track, long long *id,
                                  char token[FO_TOKEN_MAX], fo_error *err);
/* FO_OK and the id for a valid token; FO_EUNAUTHORIZED when absent or malformed,
 * FO_EFORBIDDEN when it names no session or the secret is wrong (compared in constant time). */
fo_status fo_store_session_auth(fo_store *s, const char *token, long long *id);
fo_status fo_store_session_track(fo_store *s, long long id, char *track, size_t n);

/* Every write bumps its session's version; each prediction and entry row carries the version
 * that last wrote it, so fo_store_ledger_json(.., since, ..) can answer only what changed. */

/* Locks a prediction once: FO_ECONFLICT if the part is already locked (never overwritten).
 * *version (may be NULL) is the session's version after the lock. */
fo_status fo_store_lock(fo_store *s, long long id, const char *part, const fo_reveal *r,
                        long long *version, fo_error *err);

/* What a keyed lock did. */
typedef struct fo_lock_result {
    long long version; /* the session's version after the lock (the first one's, replayed) */
    int replayed;      /* 1: this key's write was done before; nothing written now */
    fo_reveal reveal;  /* the prediction as locked (a replay answers the first lock's reveal) */
} fo_lock_result;

/* Idempotency keys (the client's Idempotency-Key: 1 to 64 of [A-Za-z0-9._:-], unique per
 * session): a write with a key that session already used writes nothing and answers what the
 * first write did (replayed = 1), so a retry after a lost answer never counts twice. key NULL:
 * no key, as fo_store_lock / fo_store_append. */
int fo_store_key_valid(const char *key);
fo_status fo_store_lock_key(fo_store *s, long long id, const char *part, const fo_reveal *r,
                            const char *key, fo_lock_result *res, fo_error *err);

/* What fo_store_append wrote. */
typedef struct fo_append_result {
    long long entry;     /* the entry's id (an existing id when replaced) */
    long long count;     /* entries of this kind and part kept (the revision or attempt number) */
    long long version;   /* the session's version after the write */
    int replaced;        /* 1: a text revision replaced the previous one (coalesced) */
    char created_at[32]; /* when it was written (ISO 8601, UTC) */
    int replayed;        /* 1: the key's first write answered again; nothing written now */
    char *body;          /* replayed: the entry's body as kept (the caller frees), else NULL */
} fo_append_result;

/* Appends an entry whose body is JSON the server wrote; text_bytes is the student text it
 * holds (counted against the quota). Attempts beyond FO_MAX_ATTEMPTS per part: FO_ECONFLICT;
 * quotas: FO_STORE_EQUOTA (nothing written). Reflection and governance revisions coalesce by
 * bursts (each within the quota's coalesce_s of the previous): the first and the latest of a
 * burst are kept; beyond max_revisions a revision replaces the latest kept one. The last words
 * are always kept. figure_svg (may be NULL) is the evidence's
 * figure, drawn once at capture and kept for the report. */
fo_status fo_store_append(fo_store *s, long long id, fo_entry_kind kind, const char *part,
                          const char *body_json, const char *fingerprint, size_t text_bytes,
                          const char *figure_svg, fo_append_result *res, fo_error *err);
/* The same with an idempotency key (see fo_store_lock_key). */
fo_status fo_store_append_key(fo_store *s, long long id, fo_entry_kind kind, const char *part,
                              const char *body_json, const char *fingerprint, size_t text_bytes,
                              const char *figure_svg, const char *key, fo_append_result *res,
                              fo_error *err);

/* Entries of one kind and part kept for a session (a new attempt is number n + 1). */
fo_status fo_store_count(fo_store *s, long long id, fo_entry_kind kind, const char *part,
                         long long *n, fo_error *err);

/* The ledger of one session as JSON: {session, track, created_at, version, predictions[],
 * entries[], missing[]}; with since >= 0 only the predictions and entries written after that
 * version (and "since": since); since < 0 is the whole ledger. FO_ENOTFOUND for an unknown
 * session; FO_STORE_ECORRUPT when SQLite cannot read it (never a partial answer). */
fo_status fo_store_ledger_json(fo_store *s, long long id, long long since, fo_buf *out,
                               fo_error *err);
/* The same without the "entries" member when entries == 0 (a write's answer carries its entry
 * itself, so its delta holds the version, changed predictions and `missing`). */
fo_status fo_store_ledger_json_ex(fo_store *s, long long id, long long since, int entries,
                                  fo_buf *out, fo_error *err);
/* The figure kept with an evidence entry, appended to out; 0 when there is none. */
int fo_store_figure(fo_store *s, long long entry, fo_buf *out);
/* ------------------------------------------------------------------ the class (issue 18)
 * One row per session with the facts the class view and the gradebook need; both are rendered
 * from these rows (classbook.c), so a number is the same on the teacher's screen and in the
 * CSV. A backend implements fo_store_session_create_ex, fo_store_session_variant,
 * fo_store_class_rows and fo_store_class_stamp; the rest is built on them. */

#define FO_IDENTITY_MAX 96 /* a name or student ID, at most 80 bytes, with its NUL */
#define FO_CLASS_PARTS  4  /* roi, canary, ensemble (the locks), crisis (evidence, reflection) */

/* A session with the identity the student gave (NULL or "": none; the server stores none with
 * --identity none) and its own numbers (NULL: the plan's; serve --variants). */
fo_status fo_store_session_create_ex(fo_store *s, const char *track, const char *identity,
                                     const fo_variant *variant, long long *id,
                                     char token[FO_TOKEN_MAX], fo_error *err);
/* The session's variant: *has = 0 when it has none (the plan's numbers). */
fo_status fo_store_session_variant(fo_store *s, long long id, fo_variant *v, int *has);

typedef struct fo_class_part_row {
    int locked;
    char predicted[64], actual[64]; /* as the ledger keeps them ("" when not locked) */
    double off_by_factor;           /* max(p/a, a/p) for numbers; 0 for a choice */
    int correct;                    /* the ledger's "close" (numbers: within a factor of 1.5) */
    long long evidence;             /* evidence entries */
    long long reflections;          /* reflection revisions kept */
    long long reflection_words;     /* words in the latest revision */
    char locked_at[32];             /* ISO 8601 UTC ("" when not locked) */
    char reflected_at[32];          /* the first reflection kept ("" when none) */
} fo_class_part_row;

typedef struct fo_class_row {
    long long session;
    char track[32];
    char identity[FO_IDENTITY_MAX]; /* "" when none */
    char created_at[32];            /* ISO 8601 UTC */
    char active_at[32];             /* the last write (or the start) */
    double idle_minutes;            /* since active_at, by the database's clock */
    fo_class_part_row part[FO_CLASS_PARTS];
    long long tries;               /* Part 2 attempts kept (at most 10) */
    long long window_try;          /* the first attempt that met both limits (1..10); 0: none */
    char policy[8];                /* the latest governance choice: "loose", "strict" or "" */
    long long justification_words; /* of the latest governance revision */
    char decided_at[32];           /* the first governance revision kept ("" when none) */
} fo_class_row;

/* Every session, in session order (caller frees *rows with free()). */
fo_status fo_store_class_rows(fo_store *s, fo_class_row **rows, size_t *n, fo_error *err);
/* A cheap fingerprint of everything the class rows depend on but the clock (every committed
 * write, this process's or another's): equal stamps, equal rows. For ETag / If-None-Match. */
fo_status fo_store_class_stamp(fo_store *s, char *stamp, size_t n, fo_error *err);

/* How the class view is rendered. */
typedef struct fo_class_opts {
    double stuck_minutes; /* no write for this long and not finished: stuck (0: 10) */
    int identities;       /* 0: no identity in the answer (the projector) */
} fo_class_opts;

/* The class view as JSON (classbook.c: parts with progress, per track the predictions against
 * the answers with one "close" rule, tries to the window, the governance split, who is stuck,
 * one row per student). Never any student text but the identity. opts may be NULL. */
fo_status fo_store_class_json(fo_store *s, fo_buf *out, fo_error *err);
fo_status fo_store_class_json_opts(fo_store *s, const fo_class_opts *opts, fo_buf *out,
                                   fo_error *err);
/* The gradebook: RFC 4180 CSV, UTF-8, a header row, one row per session; cells that a
 * spreadsheet would read as a formula are neutralised. */
fo_status fo_store_class_csv(fo_store *s, fo_buf *out, fo_error *err);
/* The same from rows (for tests and benchmarks). */
void fo_class_render_json(const fo_class_row *rows, size_t n, const fo_class_opts *opts,
                          fo_buf *out);
void fo_class_render_csv(const fo_class_row *rows, size_t n, fo_buf *out);
/* The class view in plain words for a terminal (`fleetops class`). */
void fo_class_render_text(const fo_class_row *rows, size_t n, const fo_class_opts *opts,
                          fo_buf *out);
/* Words in a text: runs of characters other than ASCII white space. */
long long fo_class_words(const char *text);

/* fleetops ledger copy: every session, prediction, entry, figure and key of `from` into `to`,
 * ids kept, in one transaction of `to`, which must hold no session (FO_EUSAGE otherwise).
 * *sessions (may be NULL) is how many were copied. */
fo_status fo_store_copy(fo_store *from, fo_store *to, long long *sessions, fo_error *err);

#endif
