/* http.h — private to src/server: the response helpers every route uses, so status codes,
 * content types and security headers are set in one place (server.c). */
#ifndef FLEETOPS_SERVER_HTTP_H
#define FLEETOPS_SERVER_HTTP_H

#include <microhttpd.h>

#include "fleetops/command.h"
#include "fleetops/store.h"

#define FO_MAX_BODY_BYTES 65536

typedef struct fo_http_ctx {
    fo_store *store;              /* NULL when serving without a ledger */
    const char *instructor_token; /* NULL: /instructor is disabled */
    struct fo_server *server;     /* limits, logs, the instructor's sign-ins (server.c) */
    int identity;                 /* fo_identity_mode (server.h) */
    const char *const *roster;    /* NULL: no roster */
    size_t roster_n;
    double stuck_minutes;
    int variants; /* serve --variants */
} fo_http_ctx;

/* 1 when the request carries a signed-in instructor's cookie (POST /instructor/signin). */
int fo_http_instructor_ok(const fo_http_ctx *ctx, struct MHD_Connection *c);
/* A log line of the class `key` (any address that stays valid, e.g. a static string): the
 * first of an interval is printed, the rest counted and summed up in one line at its end. */
void fo_http_log(struct fo_server *s, const void *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sends the buffer (ownership passes to the response) with the API's headers. */
enum MHD_Result fo_http_json(struct MHD_Connection *c, unsigned status, fo_buf *b);
enum MHD_Result fo_http_body(struct MHD_Connection *c, unsigned status, const char *type, fo_buf *b,
                             const char *extra_header, const char *extra_value);
/* {error, param, value, allowed} with the status that fits e->status (or `status` if != 0). */
enum MHD_Result fo_http_error(struct MHD_Connection *c, unsigned status, const fo_error *e);

/* Ledger routes (ledger_api.c). Return MHD_NO only on a fatal connection error; `handled`
 * is set when the path belongs to the ledger. */
enum MHD_Result fo_ledger_route(const fo_http_ctx *ctx, struct MHD_Connection *c,
                                const char *method, const char *url, const char *body,
                                size_t body_len, int *handled);

/* Waits until every report being rendered off the worker threads is done and its connection
 * resumed: called before the daemon stops (libmicrohttpd refuses to stop with a connection
 * still suspended). */
void fo_ledger_drain(void);

#endif
