/* cmd_ledger.c — `fleetops report`, `fleetops class` and `fleetops ledger copy`: the ledger
 * from the command line, with their parameters validated by the same command-table machinery
 * as every command. --db is a SQLite path or a PostgreSQL URI (postgresql://...). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetops/report.h"

static const char *const formats[] = {"md", "html", "json", NULL};

typedef struct report_params {
    const char *db;
    long long session;
    int format;
} report_params;

static const fo_param report_params_spec[] = {
    {.name = "db",
     .type = FO_T_STRING,
     .unit = "path",
     .max = 4096,
     .def_str = "fleetops.db",
     .field = offsetof(report_params, db),
     .help = "The ledger `fleetops serve` wrote: its SQLite file, or its PostgreSQL database "
             "(postgresql://USER@HOST:PORT/DB)"},
    {.name = "session",
     .type = FO_T_INT,
     .unit = "session",
     .min = 1,
     .max = 1e15,
     .flags = FO_P_REQUIRED,
     .field = offsetof(report_params, session),
     .help = "The student's session number (in the page's ledger and the class view)"},
    {.name = "format",
     .type = FO_T_CHOICE,
     .unit = "format",
     .choices = formats,
     .def_choice = 0,
     .field = offsetof(report_params, format),
     .help = "md (Markdown), html (one self-contained file) or json"},
};

static fo_status open_existing(const char *path, fo_store **s, fo_error *err) {
    /* never create an empty ledger by asking for a report, and never write to one: a read-only
     * copy the teacher took home reports as well as the live file */
    fo_status st = fo_store_open_mode(path, FO_STORE_READ, NULL, s, err);
    if (st == FO_EUSAGE && strcmp(err->error, "no ledger at this path") == 0)
        snprintf(err->allowed, sizeof err->allowed, "the file `fleetops serve --db PATH` wrote");
    return st;
}

static fo_status run_report(const fo_args *a, fo_output *out, fo_error *err) {
    report_params p = {0};
    fo_args_bind(a, &p);
    fo_store *s = NULL;
    if (open_existing(p.db, &s, err) != FO_OK) return err->status;
    fo_buf *dst = out->text ? out->text : out->json;
    fo_status st = fo_report_render(
        s, p.session, out->text ? (fo_report_format)p.format : FO_REPORT_JSON, dst, err);
    if (st == FO_ENOTFOUND) st = err->status = FO_EUSAGE; /* an unknown --session is bad usage */
    fo_store_close(s);
    return st;
}

static const char *const class_formats[] = {"text", "csv", NULL};

typedef struct class_params {
    const char *db;
    int format;
    double stuck_minutes;
} class_params;

static const fo_param class_params_spec[] = {
    {.name = "db",
     .type = FO_T_STRING,
     .unit = "path",
     .max = 4096,
     .def_str = "fleetops.db",
     .field = offsetof(class_params, db),
     .help = "The ledger database `fleetops serve` wrote"},
    {.name = "format",
     .type = FO_T_CHOICE,
     .unit = "format",
     .choices = class_formats,
     .def_choice = 0,
     .field = offsetof(class_params, format),
     .help = "text (the class view in plain words; --json for its data) or csv (the gradebook: "
             "one row per session, RFC 4180, UTF-8; --csv for short)"},
    {.name = "stuck_minutes",
     .type = FO_T_REAL,
     .unit = "min",
     .min = 0,
     .max = 1440,
     .def = 10,
     .flags = FO_P_MIN_OPEN,
     .field = offsetof(class_params, stuck_minutes),
     .help = "A student who has not finished and wrote nothing for this long is listed as stuck"},
};

static fo_status run_class(const fo_args *a, fo_output *out, fo_error *err) {
    class_params p = {0};
    fo_args_bind(a, &p);
    fo_store *s = NULL;
    if (open_existing(p.db, &s, err) != FO_OK) return err->status;
    if (p.format == 1 && out->text) { /* the gradebook (--json still answers JSON) */
        fo_status st = fo_store_class_csv(s, out->text, err);
        fo_store_close(s);
        return st;
    }
    fo_class_opts o = {.stuck_minutes = p.stuck_minutes, .identities = 1};
    fo_class_row *rows = NULL;
    size_t n = 0;
    fo_status st = fo_store_class_rows(s, &rows, &n, err);
    fo_store_close(s);
    if (st != FO_OK) return st;
    fo_class_render_json(rows, n, &o, out->json);
    if (out->text) fo_class_render_text(rows, n, &o, out->text);
    free(rows);
    return FO_OK;
}

const fo_command fo_cmd_report = {
    .name = "report",
    .summary = "A student's lab report from the ledger (md, html or json)",
    .description = "Renders one session's ledger: track and crisis; per part the prediction, the "
                   "answer and how far off, the evidence with its figures, the attempts and the "
                   "reflections; the governance decision; and what is still missing.",
    .params = report_params_spec,
    .nparams = sizeof report_params_spec / sizeof report_params_spec[0],
    .example = "fleetops report --db fleetops.db --session 1 --format html > report.html",
    .run = run_report,
};

const fo_command fo_cmd_class = {
    .name = "class",
    .summary = "The instructor's class view (JSON) or the gradebook (CSV)",
    .description = "Per part, how many started, locked, explored, reflected and finished; the "
                   "class's predictions against each track's answer (one rule for close: within "
                   "a factor of 1.5); Part 2's tries to the window; the governance split; who "
                   "is stuck; one row per student. With --format csv (or --csv): the gradebook, "
                   "one row per session. No student text but the identity they gave.",
    .params = class_params_spec,
    .nparams = sizeof class_params_spec / sizeof class_params_spec[0],
    .example = "fleetops class --db fleetops.db --csv > gradebook.csv",
    .run = run_class,
};

/* ------------------------------------------------------------ fleetops ledger copy */

static const char *const ledger_actions[] = {"copy", NULL};

typedef struct ledger_params {
    int action;
    const char *from, *to;
} ledger_params;

static const fo_param ledger_params_spec[] = {
    {.name = "action",
     .type = FO_T_CHOICE,
     .unit = "action",
     .choices = ledger_actions,
     .def_choice = 0,
     .field = offsetof(ledger_params, action),
     .help = "copy: every session, prediction, entry, figure and idempotency key of --from into "
             "--to, ids kept"},
    {.name = "from",
     .type = FO_T_STRING,
     .unit = "ledger",
     .max = 4096,
     .flags = FO_P_REQUIRED,
     .field = offsetof(ledger_params, from),
     .help = "The ledger to copy: a SQLite file or postgresql://... (stop the servers first)"},
    {.name = "to",
     .type = FO_T_STRING,
     .unit = "ledger",
     .max = 4096,
     .flags = FO_P_REQUIRED,
     .field = offsetof(ledger_params, to),
     .help = "An empty ledger: a new SQLite file (created), or an empty PostgreSQL database "
             "(createdb first; the schema is created)"},
};

static fo_status run_ledger(const fo_args *a, fo_output *out, fo_error *err) {
    ledger_params p = {0};
    fo_args_bind(a, &p);
    fo_store *from = NULL, *to = NULL;
    if (open_existing(p.from, &from, err) != FO_OK) {
        if (strcmp(err->param, "db") == 0) snprintf(err->param, sizeof err->param, "from");
        return err->status;
    }
    fo_status st = fo_store_open_mode(p.to, FO_STORE_CREATE, NULL, &to, err);
    if (st != FO_OK) {
        if (strcmp(err->param, "db") == 0) snprintf(err->param, sizeof err->param, "to");
        fo_store_close(from);
        return st;
    }
    long long sessions = 0;
    st = fo_store_copy(from, to, &sessions, err);
    fo_store_close(to);
    fo_store_close(from);
    if (st != FO_OK) return st;
    fo_json j;
    fo_json_init(&j, out->json);
    fo_json_object_begin(&j, NULL);
    fo_json_string(&j, "from", fo_store_is_pg(p.from) ? "postgresql" : "sqlite");
    fo_json_string(&j, "to", fo_store_is_pg(p.to) ? "postgresql" : "sqlite");
    fo_json_int(&j, "sessions", sessions);
    fo_json_object_end(&j);
    if (out->text)
        fo_buf_printf(out->text, "fleetops: copied %lld sessions (%s -> %s), ids kept\n", sessions,
                      fo_store_is_pg(p.from) ? "PostgreSQL" : "SQLite",
                      fo_store_is_pg(p.to) ? "PostgreSQL" : "SQLite");
    return FO_OK;
}

const fo_command fo_cmd_ledger = {
    .name = "ledger",
    .summary = "Move a class's ledger between SQLite and PostgreSQL (ledger copy)",
    .description = "fleetops ledger copy --from FILE.db --to postgresql://... (and back): copies "
                   "every session, prediction, entry, figure and idempotency key, ids kept, in "
                   "one transaction of the destination, which must be empty. Cookies keep "
                   "working: a student's session is the same on the new ledger.",
    .params = ledger_params_spec,
    .nparams = sizeof ledger_params_spec / sizeof ledger_params_spec[0],
    .positional = "action",
    .example = "fleetops ledger copy --from fleetops.db --to postgresql://fleetops@db/lab",
    .run = run_ledger,
};
