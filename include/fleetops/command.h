/* command.h — the ONE command table. Every command the CLI, the HTTP server and the browser
 * can run is declared here: its parameters (name, type, unit, range, default, help), its
 * per-track presets, and its handler. Validation happens once, in fo_args_set/fo_args_finish;
 * handlers receive values that are already in range.
 *
 * Names: a parameter `failure_rate` is the CLI flag --failure-rate, the query parameter
 * failure_rate and the JSON key failure_rate. Units are in the names (_usd, _hours, _per_s);
 * rates are fractions, never percents.
 *
 * Flow: fo_args_init -> fo_args_set (per name=value) -> fo_args_finish (track presets, then
 * defaults) -> fo_command_run (handler writes JSON, and SVG/text when asked). */
#ifndef FLEETOPS_COMMAND_H
#define FLEETOPS_COMMAND_H

#include <stddef.h>

#include "fleetops/buf.h"
#include "fleetops/json.h"
#include "fleetops/scenario.h"

#define FO_MAX_PARAMS 32
#define FO_NO_FIELD   ((size_t)-1)

typedef enum fo_type {
    FO_T_REAL,   /* double field */
    FO_T_INT,    /* long long field */
    FO_T_CHOICE, /* int field: index into `choices` (engine enums follow the same order) */
    FO_T_STRING  /* const char * field: printable text of at most `max` bytes; the value points
                    into the caller's string, which must outlive the command */
} fo_type;

enum {
    FO_P_OPTIONAL = 1u << 0, /* no default: absent unless given (fo_arg_given) */
    FO_P_REQUIRED = 1u << 1, /* must be given */
    FO_P_MIN_OPEN = 1u << 2, /* min is exclusive */
    FO_P_MAX_OPEN = 1u << 3, /* max is exclusive */
};

typedef struct fo_param {
    const char *name; /* snake_case */
    fo_type type;
    const char *unit; /* "models", "usd", "fraction", "hours", "requests_per_s", ... */
    double min, max;
    double def;                 /* default for REAL/INT */
    const char *def_str;        /* default for STRING */
    const char *const *choices; /* NULL-terminated, for CHOICE */
    int def_choice;             /* default index for CHOICE */
    unsigned flags;
    size_t field;     /* offsetof() into the command's engine params struct, or FO_NO_FIELD */
    const char *help; /* one line; say what it means and where the default comes from */
} fo_param;

/* A track preset: with --track TRACK, parameter PARAM defaults to VALUE (a number, or the
 * index of a choice). An explicit flag always wins. A preset that comes from the track's
 * scenario (scenario.h) names the scenario's field instead of copying its number: track NULL
 * (every track) and scenario_field = offsetof(fo_scenario, a double field), written with
 * FO_PRESET_SCENARIO(param, field). */
typedef struct fo_preset {
    const char *track; /* NULL: every track, the value from its scenario */
    const char *param;
    double value;
    size_t scenario_field; /* 0: none (offset 0 is the scenario's track name, never a number) */
} fo_preset;

#define FO_PRESET(track, param, value)                                                             \
    { track, param, value, 0 }
#define FO_PRESET_SCENARIO(param, field)                                                           \
    { NULL, param, 0, offsetof(fo_scenario, field) }
/* One track's scenario field (a parameter only that track's command uses). */
#define FO_PRESET_TRACK_SCENARIO(track, param, field)                                              \
    { track, param, 0, offsetof(fo_scenario, field) }

/* The preset's value for `track`: 1 and *value when it applies to that track, else 0. */
int fo_preset_value(const fo_preset *pr, const char *track, double *value);

typedef enum fo_status {
    FO_OK = 0,
    FO_EUSAGE = 2,    /* bad parameter: the caller's fault (CLI exit 2, HTTP 400) */
    FO_ENOTFOUND,     /* unknown command (HTTP 404) */
    FO_ENOMEM,        /* out of memory */
    FO_EINTERNAL,     /* a model failed to compute: our fault */
    FO_ECONFLICT,     /* the ledger refuses: a prediction already locked, an 11th attempt (409) */
    FO_EUNAUTHORIZED, /* no session (401) */
    FO_EFORBIDDEN     /* a session that is not yours, a wrong instructor token (403) */
} fo_status;

/* Everything a user needs to fix a bad parameter; the HTTP body is exactly these fields. */
typedef struct fo_error {
    fo_status status;
    char error[96];    /* "value out of range", "not a number", "unknown parameter", ... */
    char param[64];    /* snake_case name, "" when not about one parameter */
    char value[96];    /* the value given, truncated and with control characters replaced */
    char allowed[512]; /* "number in (0, 1)", "integer in [1, 100000]", "one of: v1, v2" */
} fo_error;

typedef struct fo_args {
    const struct fo_command *cmd;
    double num[FO_MAX_PARAMS];      /* REAL/INT value, or the CHOICE index */
    const char *str[FO_MAX_PARAMS]; /* STRING value */
    unsigned char given[FO_MAX_PARAMS];
    unsigned char set[FO_MAX_PARAMS]; /* has a value (given, preset or default) */
} fo_args;

/* What a handler writes. json is always set; svg and text are NULL unless asked for. */
typedef struct fo_output {
    fo_buf *json;
    fo_buf *svg;
    fo_buf *text;
} fo_output;

typedef fo_status (*fo_handler)(const fo_args *args, fo_output *out, fo_error *err);

/* Handlers write the readable report under `if (FO_WANT_TEXT(out))`. The WebAssembly build
 * (FO_NO_TEXT_OUTPUT) never asks for it, so there the text writers are compiled away. */
#ifdef FO_NO_TEXT_OUTPUT
#define FO_WANT_TEXT(out) ((void)(out), 0)
#else
#define FO_WANT_TEXT(out) ((out)->text != NULL)
#endif

typedef struct fo_command {
    const char *name;
    const char *summary;     /* one line, for `fleetops help` */
    const char *description; /* a paragraph, for `fleetops NAME --help` */
    const fo_param *params;
    size_t nparams;
    const fo_preset *presets;
    size_t npresets;
    const char *positional; /* a parameter that may be given as the first bare argument */
    const char *figure;     /* what --svg draws, NULL when the command has no figure */
    const char *example;    /* a command line that shows it off */
    fo_handler run;
} fo_command;

/* The table. */
const fo_command *const *fo_commands(size_t *count);
const fo_command *fo_command_find(const char *name);
const fo_param *fo_command_param(const fo_command *cmd, const char *name, size_t *index);
/* The width a figure is drawn for (`width`, CSS px, which every command with a figure takes):
 * 0 when not given (the figure's own width). */
int fo_figure_width(const fo_args *a);

/* Argument parsing and validation. Each returns FO_OK or fills `err`. */
void fo_args_init(fo_args *a, const fo_command *cmd);
fo_status fo_args_set(fo_args *a, const char *name, const char *value, fo_error *err);
fo_status fo_args_finish(fo_args *a, fo_error *err);
/* Copies every bound parameter into the engine params struct at its `field` offset. */
void fo_args_bind(const fo_args *a, void *params);

int fo_arg_given(const fo_args *a, const char *name);
double fo_arg_num(const fo_args *a, const char *name);
const char *fo_arg_choice(const fo_args *a, const char *name); /* NULL when unset */
const char *fo_arg_str(const fo_args *a, const char *name);    /* NULL when unset */

/* One call from name=value pairs to output: what the HTTP server and tests use. */
fo_status fo_command_run_kv(const char *command, const char *const *names,
                            const char *const *values, size_t n, fo_output *out, fo_error *err);
fo_status fo_command_run(const fo_args *a, fo_output *out, fo_error *err);

/* The whole table as JSON (`fleetops schema`, GET /api/schema). */
void fo_schema_json(fo_json *j);
/* "integer in [1, 100000]" etc. */
void fo_param_allowed(const fo_param *p, char *out, size_t n);
/* Fills an error; used by handlers for cross-parameter checks (p0 < p1, ...). */
fo_status fo_error_set(fo_error *err, fo_status status, const char *error, const char *param,
                       const char *value, const char *allowed);
/* The error as the HTTP API and fleetops.wasm answer it: {error, param, value, allowed}. */
void fo_error_json(fo_json *j, const fo_error *e);
/* The HTTP status of a status: 200, 400, 404, 409, 401, 403, else 500. */
int fo_status_http(fo_status s);

#endif
