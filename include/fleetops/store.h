/* store.h — the ledger in SQLite: a session per student, their locked predictions with the
 * engine's reveal, and entries in order (evidence, attempts, reflections with every revision,
 * the governance decision). WAL mode; every write is one transaction, so a crash loses at most
 * a write that was never acknowledged. Native only. Thread-safe: one connection behind a mutex
 * (writes are tens of microseconds; the lab's load is a class, not a fleet). */
#ifndef FLEETOPS_STORE_H
#define FLEETOPS_STORE_H

#include <stddef.h>

#include "fleetops/buf.h"
#include "fleetops/command.h"
#include "fleetops/lab.h"

#define FO_TOKEN_MAX      96    /* "<session id>.<64 hex>" */
#define FO_MAX_ATTEMPTS   10    /* the 10-Iteration Rule */
#define FO_MAX_TEXT_BYTES 20000 /* a reflection or justification */

typedef struct fo_store fo_store;

typedef enum fo_entry_kind {
    FO_ENTRY_EVIDENCE,
    FO_ENTRY_ATTEMPT,
    FO_ENTRY_REFLECTION,
    FO_ENTRY_GOVERNANCE
} fo_entry_kind;

fo_status fo_store_open(const char *path, fo_store **out, fo_error *err);
void fo_store_close(fo_store *s);

/* A new session with an unguessable token from the OS's random source. */
fo_status fo_store_session_create(fo_store *s, const char *track, long long *id,
                                  char token[FO_TOKEN_MAX], fo_error *err);
/* FO_OK and the id for a valid token; FO_EUNAUTHORIZED when absent or malformed,
 * FO_EFORBIDDEN when it names no session or the secret is wrong (compared in constant time). */
fo_status fo_store_session_auth(fo_store *s, const char *token, long long *id);
fo_status fo_store_session_track(fo_store *s, long long id, char *track, size_t n);

/* Locks a prediction once: FO_ECONFLICT if the part is already locked (never overwritten). */
fo_status fo_store_lock(fo_store *s, long long id, const char *part, const fo_reveal *r,
                        fo_error *err);
/* Appends an entry whose body is JSON the server wrote. Attempts beyond FO_MAX_ATTEMPTS per
 * part are refused with FO_ECONFLICT. On success *entry is the new entry's id and *count the
 * number of entries of this kind and part so far (the revision or attempt number). */
fo_status fo_store_append(fo_store *s, long long id, fo_entry_kind kind, const char *part,
                          const char *body_json, const char *fingerprint, long long *entry,
                          long long *count, fo_error *err);

/* The whole ledger of one session as JSON: {session, track, predictions[], entries[],
 * missing[]}. FO_ENOTFOUND for an unknown session. */
fo_status fo_store_ledger_json(fo_store *s, long long id, fo_buf *out, fo_error *err);
/* The class: per part the predictions against the answers, completion counts, the governance
 * split. Never any student text. */
fo_status fo_store_class_json(fo_store *s, fo_buf *out, fo_error *err);

#endif
