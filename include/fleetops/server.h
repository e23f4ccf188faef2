/* server.h — `fleetops serve`: the lab over HTTP (libmicrohttpd, its own thread pool).
 *   GET /                 the page (web/, embedded in the binary at build time)
 *   GET /api/schema       the command table
 *   GET /api/<command>?p=v&...[&format=svg]   exactly the CLI's command and JSON
 *   the ledger (ledger_api.c): POST /api/session, GET /api/ledger, POST /api/ledger/<kind>,
 *   GET /api/report, GET /api/class and /instructor (instructor token)
 * Bad parameters: 400 with {error, param, value, allowed}; unknown path or command: 404;
 * other methods: 405. Native only (not part of the WebAssembly build). */
#ifndef FLEETOPS_SERVER_H
#define FLEETOPS_SERVER_H

#include <signal.h>

#include "fleetops/command.h"
#include "fleetops/store.h"

typedef struct fo_server_params {
    const char *listen;           /* IPv4 or IPv6 literal; loopback by default */
    long long port;               /* 0: any free port (printed) */
    long long threads;            /* size of the thread pool */
    const char *db;               /* the ledger's SQLite file */
    const char *instructor_token; /* enables /instructor; NULL or "" disables it */

    /* Connections and the instructor's door (server.c; 0 or NULL: the default). */
    long long max_connections;             /* all addresses together */
    long long max_connections_per_address; /* one IPv4 address or IPv6 /64 */
    double header_deadline_s;              /* from a request's start to its last header */
    double body_deadline_s;                /* from the last header to the body's end */
    double log_interval_s;                 /* a flooded log prints one line per class per this */
    const char *instructor_token_file;     /* cmd_serve: where the token is read from */
    const char *instructor_token_argv;     /* cmd_serve: refused (argv is visible in ps) */

    /* The class (issue 18; ledger_api.c). Zero: identity optional, no roster. */
    int identity;              /* fo_identity_mode */
    const char *const *roster; /* the names and IDs a session may give (NULL: anyone) */
    size_t roster_n;
    double stuck_minutes; /* the class view's "stuck" (0: 10 minutes) */
    int variants;         /* 1: each new session gets its own numbers (variant.h) */
} fo_server_params;

/* What a student gives at the track choice (serve --identity). */
typedef enum fo_identity_mode {
    FO_IDENTITY_OPTIONAL = 0, /* a name or student ID if they wish (the default) */
    FO_IDENTITY_NONE = 1,     /* nothing asked, nothing identifying stored */
    FO_IDENTITY_REQUIRED = 2  /* a name or student ID (on the roster, when there is one) */
} fo_identity_mode;

#define FO_DEFAULT_MAX_CONNECTIONS   1024
#define FO_DEFAULT_MAX_PER_ADDRESS   256
#define FO_DEFAULT_HEADER_DEADLINE_S 10.0
#define FO_DEFAULT_BODY_DEADLINE_S   30.0
#define FO_DEFAULT_LOG_INTERVAL_S    10.0

typedef struct fo_server fo_server;

/* Starts serving (the store may be NULL: no ledger routes); returns NULL and fills err on
 * failure. The store stays the caller's. */
fo_server *fo_server_start(const fo_server_params *p, fo_store *store, fo_error *err);
unsigned fo_server_port(const fo_server *s);
void fo_server_stop(fo_server *s);

/* The `serve` command (not in the HTTP-visible table: it is the server). */
extern const fo_command fo_cmd_serve;

/* The native-only commands (serve, report, class, ledger), in `fleetops help` order. The CLI finds
 * this function in libfleetops_native.so (FO_NATIVE_MODULE, next to the binary) and loads that
 * module only for these commands, so every other command starts without the HTTP, TLS and
 * SQLite libraries (a fraction of a millisecond instead of ~2.5 ms a process). */
#define FO_NATIVE_MODULE "libfleetops_native.so"
/* Their names, in fo_native_commands' order: the CLI knows them without loading the module. */
#define FO_NATIVE_NAMES                                                                            \
    { "serve", "report", "class", "ledger" }
#define FO_NATIVE_SYMBOL "fo_native_commands"
typedef const fo_command *const *(*fo_native_commands_fn)(size_t *count);
const fo_command *const *fo_native_commands(size_t *count);

/* One embedded static file (generated from web/ at build time). */
typedef struct fo_asset {
    const char *path; /* "/index.html" */
    const char *content_type;
    const unsigned char *data;
    size_t size;
} fo_asset;

const fo_asset *fo_assets(size_t *count);

#endif
