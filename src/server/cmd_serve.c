/* cmd_serve.c — `fleetops serve`: parameters validated by the same command-table machinery as
 * every other command; the handler starts the server, prints the address to open, and waits
 * for Ctrl-C (SIGINT) or SIGTERM to stop it cleanly. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include "fleetops/report.h"
#include "fleetops/server.h"

/* The server's parameters and the ledger's quotas (the store enforces them). */
typedef struct serve_args {
    fo_server_params server;
    int create; /* 0 no, 1 yes */
    long long max_evidence, max_revisions, max_text_bytes;
    double coalesce_seconds, sessions_per_minute, writes_per_minute;
    int identity; /* index into identity_modes */
    const char *roster;
} serve_args;

#define F(field) offsetof(serve_args, server.field)
#define Q(field) offsetof(serve_args, field)

static const char *const no_yes[] = {"no", "yes", NULL};
static const char *const identity_modes[] = {"none", "optional", "required", NULL};

static const fo_param serve_params[] = {
    {.name = "listen",
     .type = FO_T_STRING,
     .unit = "address",
     .max = 64,
     .def_str = "127.0.0.1",
     .field = F(listen),
     .help = "Address to listen on; loopback unless you mean to serve a class"},
    {.name = "port",
     .type = FO_T_INT,
     .unit = "port",
     .min = 0,
     .max = 65535,
     .def = 8080,
     .field = F(port),
     .help = "TCP port; 0 picks a free one (printed)"},
    {.name = "threads",
     .type = FO_T_INT,
     .unit = "threads",
     .min = 1,
     .max = 64,
     .def = 2,
     .field = F(threads),
     .help = "Worker threads (the machine's cores is a good choice)"},
    {.name = "db",
     .type = FO_T_STRING,
     .unit = "path",
     .max = 4096,
     .def_str = "fleetops.db",
     .field = F(db),
     .help = "The ledger: a SQLite file (must exist unless --create yes; the default path, "
             "fleetops.db, is created on first run; checked with PRAGMA quick_check at start), or "
             "a PostgreSQL database as a libpq URI, postgresql://USER@HOST:PORT/DB (shared by any "
             "number of replicas; --create yes creates the schema in an empty database)"},
    {.name = "create",
     .type = FO_T_CHOICE,
     .unit = "choice",
     .choices = no_yes,
     .def_choice = 0,
     .field = Q(create),
     .help = "yes: create --db if it is missing (said on stdout with its path); no: refuse a "
             "missing ledger, so a deleted one is never silently replaced by an empty one"},
    {.name = "max_evidence",
     .type = FO_T_INT,
     .unit = "entries",
     .min = 1,
     .max = 1e6,
     .def = 200,
     .field = Q(max_evidence),
     .help = "Evidence entries per session (413 beyond). A diligent student captures about 20 "
             "in a 45-minute lab; the default is 10x that"},
    {.name = "max_revisions",
     .type = FO_T_INT,
     .unit = "revisions",
     .min = 1,
     .max = 1e6,
     .def = 100,
     .field = Q(max_revisions),
     .help = "Revisions kept per reflection and for the governance justification; beyond it a "
             "revision replaces the latest one (the last words are always kept). About 10 per "
             "reflection in a lab after coalescing; the default is 10x that"},
    {.name = "max_text_bytes",
     .type = FO_T_INT,
     .unit = "bytes",
     .min = 1000,
     .max = 1e9,
     .def = 1000000,
     .field = Q(max_text_bytes),
     .help = "Bytes of student text kept per session, every revision counted (413 beyond). "
             "Five texts of about 2 KB with about 10 kept revisions each is 100 KB; the default "
             "is 10x that"},
    {.name = "coalesce_seconds",
     .type = FO_T_REAL,
     .unit = "s",
     .min = 0,
     .max = 3600,
     .def = 60,
     .field = Q(coalesce_seconds),
     .help = "A reflection revision saved within this many seconds of the previous one replaces "
             "it (the page autosaves 1.5 s after typing stops); 0 keeps every revision"},
    {.name = "sessions_per_minute",
     .type = FO_T_REAL,
     .unit = "sessions/min",
     .min = 0,
     .max = 1e6,
     .def = 30,
     .field = Q(sessions_per_minute),
     .help = "New sessions a minute from one address (429 beyond; a minute's worth may come at "
             "once). A student starts 1 to 4 (one per track), at most ~3 in a minute; the default "
             "is 10x that. Raise it to the class size when the class shares one NAT address; 0: "
             "no limit"},
    {.name = "writes_per_minute",
     .type = FO_T_REAL,
     .unit = "writes/min",
     .min = 0,
     .max = 1e6,
     .def = 300,
     .field = Q(writes_per_minute),
     .help = "Ledger writes a minute from one address (429 beyond; a minute's worth may come at "
             "once). A diligent student peaks at ~30 (autosaves while typing, evidence, attempts); "
             "the default is 10x that. Raise it for a class behind one NAT address; 0: no limit"},
    /* Connections and the instructor's door (server.c, docs/SERVING.md). */
    {.name = "max_connections",
     .type = FO_T_INT,
     .unit = "connections",
     .min = 16,
     .max = 16384,
     .def = FO_DEFAULT_MAX_CONNECTIONS,
     .field = F(max_connections),
     .help = "Open connections from all addresses together"},
    {.name = "max_connections_per_address",
     .type = FO_T_INT,
     .unit = "connections",
     .min = 1,
     .max = 16384,
     .def = FO_DEFAULT_MAX_PER_ADDRESS,
     .field = F(max_connections_per_address),
     .help = "Open connections from one IPv4 address (or IPv6 /64); a class behind one NAT "
             "shares one address: 256 serves ~200 students (a browser keeps 1-6 open)"},
    {.name = "header_deadline",
     .type = FO_T_REAL,
     .unit = "s",
     .min = 0,
     .max = 600,
     .def = FO_DEFAULT_HEADER_DEADLINE_S,
     .flags = FO_P_MIN_OPEN,
     .field = F(header_deadline_s),
     .help = "A request's headers must all arrive within this (and an idle kept-alive "
             "connection is closed after it)"},
    {.name = "body_deadline",
     .type = FO_T_REAL,
     .unit = "s",
     .min = 0,
     .max = 600,
     .def = FO_DEFAULT_BODY_DEADLINE_S,
     .flags = FO_P_MIN_OPEN,
     .field = F(body_deadline_s),
     .help = "A request's body (at most 64 KiB) must arrive within this after its headers"},
    {.name = "log_interval",
     .type = FO_T_REAL,
     .unit = "s",
     .min = 0,
     .max = 3600,
     .def = FO_DEFAULT_LOG_INTERVAL_S,
     .flags = FO_P_MIN_OPEN,
     .field = F(log_interval_s),
     .help = "A flooded log prints one line per kind of event per interval, with the count"},
    {.name = "instructor_token_file",
     .type = FO_T_STRING,
     .unit = "path",
     .max = 4096,
     .flags = FO_P_OPTIONAL,
     .field = F(instructor_token_file),
     .help = "File holding the instructor's token (128 bits or more: openssl rand -hex 16); "
             "or set FLEETOPS_INSTRUCTOR_TOKEN; neither: one is generated and printed once"},
    {.name = "instructor_token",
     .type = FO_T_STRING,
     .unit = "token",
     .max = 256,
     .flags = FO_P_OPTIONAL,
     .field = F(instructor_token_argv),
     .help = "Refused: the command line is visible to every user (ps); use "
             "--instructor-token-file or FLEETOPS_INSTRUCTOR_TOKEN"},
    /* The class (issue 18): who a session is, the roster, the class view's "stuck". */
    {.name = "identity",
     .type = FO_T_CHOICE,
     .unit = "choice",
     .choices = identity_modes,
     .def_choice = 1,
     .field = Q(identity),
     .help = "What the page asks at the track choice: none (nothing identifying is stored), "
             "optional (a name or student ID if the student wishes) or required"},
    {.name = "roster",
     .type = FO_T_STRING,
     .unit = "path",
     .max = 4096,
     .flags = FO_P_OPTIONAL,
     .field = Q(roster),
     .help = "A CSV file of the class (one student a line: an ID, a name, or both); a session "
             "must give one of them (--identity required is implied)"},
    {.name = "stuck_minutes",
     .type = FO_T_REAL,
     .unit = "min",
     .min = 0,
     .max = 1440,
     .def = 10,
     .flags = FO_P_MIN_OPEN,
     .field = F(stuck_minutes),
     .help = "The class view lists a student who has not finished and wrote nothing for this "
             "long as stuck"},
    {.name = "variants",
     .type = FO_T_CHOICE,
     .unit = "choice",
     .choices = no_yes,
     .def_choice = 0,
     .field = F(variants),
     .help = "yes: each new session gets its own numbers (its track's Part 2 failure rate and "
             "request rate each times one of 0.70, 0.75, ..., 1.30), so neighbours cannot copy "
             "an answer; no: the plan's numbers (2,995 ...) for everyone"},
};

/* ---- the roster (issue 18) --------------------------------------------------------------- */

typedef struct roster {
    char **rows; /* each row's cells, separated by tabs */
    size_t n;
} roster;

static void roster_free(roster *r) {
    for (size_t i = 0; i < r->n; i++)
        free(r->rows[i]);
    free(r->rows);
    r->rows = NULL;
    r->n = 0;
}

/* One CSV line's cells (RFC 4180 quotes), trimmed, joined by tabs into out; 0 when empty. */
static int roster_cells(const char *line, char *out, size_t n) {
    size_t o = 0;
    const char *p = line;
    int any = 0;
    while (*p && *p != '\n' && *p != '\r') {
        while (*p == ' ' || *p == '\t')
            p++;
        char cell[256];
        size_t c = 0;
        if (*p == '"') {
            for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
                if (*p == '"') p++;
                if (c + 1 < sizeof cell) cell[c++] = *p;
            }
            if (*p == '"') p++;
            while (*p && *p != ',' && *p != '\n' && *p != '\r')
                p++;
        } else {
            for (; *p && *p != ',' && *p != '\n' && *p != '\r'; p++)
                if (c + 1 < sizeof cell && *p != '\t') cell[c++] = *p;
        }
        while (c && cell[c - 1] == ' ')
            c--;
        cell[c] = '\0';
        if (c) {
            if (o && o + 1 < n) out[o++] = '\t';
            for (size_t i = 0; i < c && o + 1 < n; i++)
                out[o++] = cell[i];
            any = 1;
        }
        if (*p == ',') p++;
    }
    out[o] = '\0';
    return any;
}

/* A first line of column names (id, name, student, email, ...) is not a student. */
static int roster_header(const char *row) {
    static const char *const words[] = {"id",         "name",  "student",    "student id",
                                        "student_id", "email", "first name", "last name",
                                        "full name",  NULL};
    char buf[512];
    snprintf(buf, sizeof buf, "%s", row);
    for (char *cell = strtok(buf, "\t"); cell; cell = strtok(NULL, "\t")) {
        int known = 0;
        for (const char *const *w = words; *w; w++)
            known |= strcasecmp(cell, *w) == 0;
        if (!known) return 0;
    }
    return 1;
}

static fo_status roster_load(const char *path, roster *r, fo_error *err) {
    FILE *f = fopen(path, "r");
    if (!f)
        return fo_error_set(err, FO_EUSAGE, "cannot read the roster", "roster", path,
                            "a readable CSV file: one student a line (an ID, a name, or both)");
    char line[1024], row[512];
    int first = 1;
    while (fgets(line, sizeof line, f)) {
        const char *l = line;
        if (first && (unsigned char)l[0] == 0xEF && (unsigned char)l[1] == 0xBB &&
            (unsigned char)l[2] == 0xBF)
            l += 3; /* a spreadsheet's byte order mark */
        if (!roster_cells(l, row, sizeof row)) continue;
        if (first && roster_header(row)) {
            first = 0;
            continue;
        }
        first = 0;
        char **grown = realloc(r->rows, (r->n + 1) * sizeof *grown);
        char *copy = strdup(row);
        if (!grown || !copy) {
            free(copy);
            if (grown) r->rows = grown;
            fclose(f);
            roster_free(r);
            return fo_error_set(err, FO_ENOMEM, "out of memory", "roster", path, "");
        }
        r->rows = grown;
        r->rows[r->n++] = copy;
    }
    fclose(f);
    if (!r->n)
        return fo_error_set(err, FO_EUSAGE, "the roster lists no student", "roster", path,
                            "a CSV file: one student a line (an ID, a name, or both)");
    return FO_OK;
}

/* NULL when the token carries at least 128 bits, else why not. The bits are counted from the
 * alphabet its characters come from (hex: 4 a character, base64: 6, other printable: 6.5),
 * and a token that repeats itself (abcabc..., 0123456789abcdef twice, aaaa...) counts as its
 * period only. */
static const char *token_weakness(const char *t) {
    size_t n = strlen(t);
    int hex = 1, b64 = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)t[i];
        if (ch < 0x21 || ch > 0x7e) return "only printable ASCII without spaces";
        if (!isxdigit(ch)) hex = 0;
        if (!isalnum(ch) && ch != '+' && ch != '/' && ch != '-' && ch != '_' && ch != '=') b64 = 0;
    }
    size_t period = n;
    for (size_t p = 1; p <= n / 2; p++) {
        size_t i = 0;
        while (i + p < n && t[i] == t[i + p])
            i++;
        if (i + p == n) {
            period = p;
            break;
        }
    }
    double per = hex ? 4.0 : b64 ? 6.0 : log2(94.0);
    if ((double)period * per < 128.0) return "at least 128 random bits: 32 hex characters";
    return NULL;
}

/* The instructor's token: from --instructor-token-file or FLEETOPS_INSTRUCTOR_TOKEN (never
 * argv), or generated (printed once by run_serve: *generated = 1). */
static fo_status instructor_token(const fo_server_params *p, char out[FO_TOKEN_MAX], int *generated,
                                  fo_error *err) {
    *generated = 0;
    const char *env = getenv("FLEETOPS_INSTRUCTOR_TOKEN");
    if (p->instructor_token_argv)
        return fo_error_set(err, FO_EUSAGE,
                            "the instructor token is not taken from the command line (every "
                            "user can read it with ps)",
                            "instructor_token", "(hidden)",
                            "--instructor-token-file FILE (the token alone in a file only you "
                            "can read) or the environment variable FLEETOPS_INSTRUCTOR_TOKEN");
    if (p->instructor_token_file && env && *env)
        return fo_error_set(err, FO_EUSAGE, "two instructor tokens given", "instructor_token_file",
                            p->instructor_token_file,
                            "either the file or FLEETOPS_INSTRUCTOR_TOKEN, not both");
    char text[FO_TOKEN_MAX + 2] = "";
    const char *from = "FLEETOPS_INSTRUCTOR_TOKEN";
    if (p->instructor_token_file) {
        from = "instructor_token_file";
        FILE *f = fopen(p->instructor_token_file, "r");
        if (!f)
            return fo_error_set(err, FO_EUSAGE, "cannot read the instructor token file",
                                "instructor_token_file", p->instructor_token_file,
                                "a readable file holding the token");
        size_t got = fread(text, 1, sizeof text - 1, f);
        fclose(f);
        text[got] = '\0';
    } else if (env && *env) {
        snprintf(text, sizeof text, "%s", env);
        unsetenv("FLEETOPS_INSTRUCTOR_TOKEN"); /* not inherited by anything started later */
    } else {
        unsigned char raw[16];
        if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
            return fo_error_set(err, FO_EINTERNAL, "no randomness for the instructor token", "", "",
                                "");
        for (int i = 0; i < 16; i++)
            snprintf(out + 2 * i, 3, "%02x", raw[i]);
        *generated = 1;
        return FO_OK;
    }
    size_t n = strlen(text);
    while (n && isspace((unsigned char)text[n - 1]))
        text[--n] = '\0'; /* the file's newline */
    if (n >= FO_TOKEN_MAX)
        return fo_error_set(err, FO_EUSAGE, "instructor token too long", from, "(hidden)",
                            "at most 95 characters");
    const char *weak = token_weakness(text);
    if (weak)
        return fo_error_set(err, FO_EUSAGE, "instructor token too weak", from, "(hidden)", weak);
    memcpy(out, text, n + 1);
    return FO_OK;
}

static fo_status run_serve(const fo_args *a, fo_output *out, fo_error *err) {
    (void)out;
    serve_args sa = {0};
    fo_args_bind(a, &sa);
    fo_server_params p = sa.server;
    char token[FO_TOKEN_MAX];
    int generated = 0;
    if (instructor_token(&p, token, &generated, err) != FO_OK) return err->status;
    p.instructor_token = token;
    static const int modes[] = {FO_IDENTITY_NONE, FO_IDENTITY_OPTIONAL, FO_IDENTITY_REQUIRED};
    p.identity = modes[sa.identity];
    roster ros = {0};
    if (sa.roster) {
        if (p.identity == FO_IDENTITY_NONE)
            return fo_error_set(err, FO_EUSAGE, "a roster needs an identity", "roster", sa.roster,
                                "--identity required (or optional) with --roster");
        if (roster_load(sa.roster, &ros, err) != FO_OK) return err->status;
        p.identity = FO_IDENTITY_REQUIRED;
        p.roster = (const char *const *)ros.rows;
        p.roster_n = ros.n;
    }
    fo_store *store;
    int created = 0;
    /* the default path is created on first run; a --db PATH only with --create yes */
    fo_store_mode mode = sa.create || !fo_arg_given(a, "db") ? FO_STORE_CREATE : FO_STORE_EXISTING;
    if (fo_store_open_mode(p.db, mode, &created, &store, err) != FO_OK) {
        roster_free(&ros);
        return err->status;
    }
    fo_quota q = {.max_evidence = sa.max_evidence,
                  .max_revisions = sa.max_revisions,
                  .max_text_bytes = sa.max_text_bytes,
                  .coalesce_s = sa.coalesce_seconds,
                  .sessions_per_minute = sa.sessions_per_minute,
                  .writes_per_minute = sa.writes_per_minute};
    fo_store_set_quota(store, &q);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* the server's threads inherit the mask */
    fo_server *s = fo_server_start(&p, store, err);
    if (!s) {
        fo_store_close(store);
        roster_free(&ros);
        return err->status;
    }
    int v6 = p.listen[0] != '\0' && strchr(p.listen, ':');
    printf("fleetops: serving the lab at http://%s%s%s:%u/  (Ctrl-C stops)\n", v6 ? "[" : "",
           p.listen, v6 ? "]" : "", fo_server_port(s));
    if (fo_store_is_pg(p.db)) {
        /* the URI without its password (libpq reads one from ~/.pgpass or PGPASSWORD too) */
        char shown[256];
        snprintf(shown, sizeof shown, "%s", p.db);
        char *at = strchr(shown + 13, '@'), *colon = strchr(shown + 13, ':');
        if (at && colon && colon < at) memmove(colon, at, strlen(at) + 1);
        printf("fleetops: ledger in PostgreSQL %s (%s)", shown,
               created ? "NEW: schema created now" : "existing, schema current");
    } else {
        char *real = realpath(p.db, NULL);
        printf("fleetops: ledger in %s (%s)", real ? real : p.db,
               created ? "NEW: created empty now" : "existing, quick_check ok");
        free(real);
    }
    printf("; class view at /instructor (sign in with the instructor token)\n");
    if (generated) printf("fleetops: instructor token (generated, shown this once): %s\n", token);
    printf("fleetops: quotas per session: %lld evidence entries, %lld revisions kept per text, "
           "%lld bytes of text; revisions within %g s coalesce; per address: %g sessions and %g "
           "writes a minute (0: no limit)\n",
           q.max_evidence, q.max_revisions, q.max_text_bytes, q.coalesce_s, q.sessions_per_minute,
           q.writes_per_minute);
    printf("fleetops: identity %s%s%s%s\n",
           p.identity == FO_IDENTITY_NONE       ? "none"
           : p.identity == FO_IDENTITY_REQUIRED ? "required"
                                                : "optional",
           p.identity == FO_IDENTITY_NONE ? " (nothing identifying is stored)" : "",
           ros.n ? "; roster: " : "", ros.n ? sa.roster : "");
    if (ros.n) printf("fleetops: %zu students on the roster (identity required)\n", ros.n);
    if (p.variants)
        printf("fleetops: per-student variants: each new session's Part 2 failure rate and "
               "request rate are its track's times 0.70 to 1.30\n");
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    fo_server_stop(s);
    fo_store_close(store);
    roster_free(&ros);
    printf("fleetops: stopped (%s)\n", sig == SIGINT ? "Ctrl-C" : "SIGTERM");
    return FO_OK;
}

const fo_command fo_cmd_serve = {
    .name = "serve",
    .summary = "The lab in a browser: serve the page and the HTTP API",
    .description = "Serves the lab page and GET /api/<command>?param=value (the same parameters "
                   "and JSON as the CLI; format=svg returns the figure) and GET /api/schema. "
                   "Bad parameters get HTTP 400 with {error, param, value, allowed}.",
    .params = serve_params,
    .nparams = sizeof serve_params / sizeof serve_params[0],
    .example = "fleetops serve --port 8080",
    .run = run_serve,
};

const fo_command *const *fo_native_commands(size_t *count) {
    static const fo_command *const native[] = {&fo_cmd_serve, &fo_cmd_report, &fo_cmd_class,
                                               &fo_cmd_ledger};
    *count = sizeof native / sizeof native[0];
    return native;
}
