/* command.c — the command table and the one place parameters are parsed and validated.
 *
 * A value reaches a handler only after passing here: the right type, finite, in range, a
 * known choice, given at most once. Errors name the parameter, the value and what is allowed,
 * and nothing is written to the output before validation has passed. */
#include "fleetops/command.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "fleetops/lab.h"
#include "fleetops/report.h" /* the report figure's widths, for the schema */

/* Order here is the order of `fleetops help`: the lab first, then the parts in plan order. One
 * command a line (clang-format would pack them). */
/* clang-format off */
static const fo_command *const table[] = {
    &fo_cmd_lab,
    &fo_cmd_tracks,
    &fo_cmd_crisis,
    &fo_cmd_roi,
    &fo_cmd_canary,
    &fo_cmd_bound,
    &fo_cmd_sprt,
    &fo_cmd_rollout,
    &fo_cmd_ensemble,
    &fo_cmd_governance,
    &fo_cmd_schema,
};
/* clang-format on */

const fo_command *const *fo_commands(size_t *count) {
    *count = FO_COUNT(table);
    return table;
}

const fo_command *fo_command_find(const char *name) {
    for (size_t i = 0; i < FO_COUNT(table); i++)
        if (strcmp(table[i]->name, name) == 0) return table[i];
    return NULL;
}

/* Every command with a figure takes `width`: the CSS px the figure is shown at, so the CLI, the
 * report and the page ask for the same layout. Its slot follows the command's own parameters. */
static const fo_param width_param = {
    .name = "width",
    .type = FO_T_INT,
    .unit = "px",
    .min = 280,
    .max = 2400,
    .flags = FO_P_OPTIONAL,
    .field = FO_NO_FIELD,
    .help = "the width the figure is shown at, in CSS px; absent: the figure's own width"};

const fo_param *fo_command_param(const fo_command *cmd, const char *name, size_t *index) {
    size_t i = 0;
    for (; i < cmd->nparams; i++) {
        if (strcmp(cmd->params[i].name, name) == 0) {
            if (index) *index = i;
            return &cmd->params[i];
        }
    }
    if (!cmd->figure || strcmp(name, "width") != 0) return NULL;
    if (index) *index = i;
    return &width_param;
}

int fo_figure_width(const fo_args *a) {
    size_t i = a->cmd->nparams;
    return a->cmd->figure && a->given[i] ? (int)a->num[i] : 0;
}

static void copy_str(char *dst, size_t n, const char *src) {
    snprintf(dst, n, "%s", src ? src : "");
}

/* The value as the user gave it, safe to echo on a terminal or in JSON. */
static void echo_value(char *dst, size_t n, const char *v) {
    size_t limit = n - 4, i = 0;
    for (; v && v[i] && i < limit; i++) {
        unsigned char c = (unsigned char)v[i];
        dst[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    if (v && v[i]) {
        memcpy(dst + i, "...", 3);
        i += 3;
    }
    dst[i] = '\0';
}

fo_status fo_error_set(fo_error *err, fo_status status, const char *error, const char *param,
                       const char *value, const char *allowed) {
    err->status = status;
    copy_str(err->error, sizeof err->error, error);
    copy_str(err->param, sizeof err->param, param);
    echo_value(err->value, sizeof err->value, value);
    copy_str(err->allowed, sizeof err->allowed, allowed);
    return status;
}

void fo_error_json(fo_json *j, const fo_error *e) {
    fo_json_object_begin(j, NULL);
    fo_json_string(j, "error", e->error);
    fo_json_string(j, "param", e->param);
    fo_json_string(j, "value", e->value);
    fo_json_string(j, "allowed", e->allowed);
    fo_json_object_end(j);
}

int fo_status_http(fo_status s) {
    switch (s) {
    case FO_OK:
        return 200;
    case FO_EUSAGE:
        return 400;
    case FO_ENOTFOUND:
        return 404;
    case FO_ECONFLICT:
        return 409;
    case FO_EUNAUTHORIZED:
        return 401;
    case FO_EFORBIDDEN:
        return 403;
    default:
        return 500;
    }
}

static void fmt_bound(char *out, size_t n, double v) {
    fo_buf b;
    fo_buf_init(&b);
    fo_json_format_number(&b, v);
    copy_str(out, n, fo_buf_str(&b));
    fo_buf_free(&b);
}

void fo_param_allowed(const fo_param *p, char *out, size_t n) {
    if (p->type == FO_T_STRING) {
        snprintf(out, n, "printable text of at most %.0f bytes", p->max);
        return;
    }
    if (p->type == FO_T_CHOICE) {
        size_t len = (size_t)snprintf(out, n, "one of: ");
        for (size_t i = 0; p->choices[i] && len < n; i++)
            len += (size_t)snprintf(out + len, n - len, "%s%s", i ? ", " : "", p->choices[i]);
        return;
    }
    char lo[40], hi[40];
    fmt_bound(lo, sizeof lo, p->min);
    fmt_bound(hi, sizeof hi, p->max);
    snprintf(out, n, "%s in %c%s, %s%c", p->type == FO_T_INT ? "integer" : "number",
             (p->flags & FO_P_MIN_OPEN) ? '(' : '[', lo, hi,
             (p->flags & FO_P_MAX_OPEN) ? ')' : ']');
}

void fo_args_init(fo_args *a, const fo_command *cmd) {
    memset(a, 0, sizeof *a);
    assert(cmd->nparams + (cmd->figure != NULL) <= FO_MAX_PARAMS);
    a->cmd = cmd;
}

static int in_range(const fo_param *p, double v) {
    if (p->flags & FO_P_MIN_OPEN ? !(v > p->min) : !(v >= p->min)) return 0;
    if (p->flags & FO_P_MAX_OPEN ? !(v < p->max) : !(v <= p->max)) return 0;
    return 1;
}

/* Strict decimal syntax: strtod alone would also take "nan", "inf", hex and leading spaces. */
static int parse_real(const char *s, double *out) {
    if (strspn(s, "0123456789+-.eE") != strlen(s)) return 0;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v)) return 0;
    *out = v;
    return 1;
}

static int parse_int(const char *s, double *out) {
    const char *d = (*s == '-' || *s == '+') ? s + 1 : s;
    if (*d == '\0' || strspn(d, "0123456789") != strlen(d)) return 0;
    /* digits only: read here rather than by strtoll (~2 KB of libc in fleetops.wasm) */
    long long v = 0;
    for (; *d; d++)
        if ((v = v * 10 + (*d - '0')) > (1LL << 53)) return 0;
    *out = (double)(*s == '-' ? -v : v);
    return 1;
}

static fo_status param_error(fo_error *err, const char *error, const fo_param *p, const char *v) {
    char allowed[sizeof err->allowed];
    fo_param_allowed(p, allowed, sizeof allowed);
    return fo_error_set(err, FO_EUSAGE, error, p->name, v, allowed);
}

fo_status fo_args_set(fo_args *a, const char *name, const char *value, fo_error *err) {
    size_t i;
    const fo_param *p = fo_command_param(a->cmd, name, &i);
    if (!p) {
        char names[sizeof err->allowed];
        size_t len = 0;
        names[0] = '\0';
        for (size_t k = 0; k < a->cmd->nparams && len < sizeof names; k++)
            len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", k ? ", " : "",
                                    a->cmd->params[k].name);
        return fo_error_set(err, FO_EUSAGE, "unknown parameter", name, value,
                            a->cmd->nparams ? names : "this command takes no parameters");
    }
    if (a->given[i]) return param_error(err, "repeated parameter", p, value);
    if (!value || !*value) return param_error(err, "empty value", p, value);

    double v = 0;
    if (p->type == FO_T_STRING) {
        size_t len = strlen(value);
        int printable = 1;
        for (size_t k = 0; k < len; k++)
            if ((unsigned char)value[k] < 0x20 || value[k] == 0x7f) printable = 0;
        if (!printable) return param_error(err, "control characters in text", p, value);
        if ((double)len > p->max) return param_error(err, "text too long", p, value);
        a->str[i] = value;
        a->given[i] = a->set[i] = 1;
        return FO_OK;
    } else if (p->type == FO_T_CHOICE) {
        int found = -1;
        for (int k = 0; p->choices[k]; k++)
            if (strcmp(p->choices[k], value) == 0) found = k;
        if (found < 0) return param_error(err, "unknown choice", p, value);
        v = found;
    } else if (p->type == FO_T_INT) {
        if (!parse_int(value, &v)) return param_error(err, "not an integer", p, value);
    } else if (!parse_real(value, &v)) {
        return param_error(err, "not a number", p, value);
    }
    if (p->type != FO_T_CHOICE && !in_range(p, v)) {
        int percent = strcmp(p->unit, "fraction") == 0 && v > 1 && v <= 100;
        return param_error(err,
                           percent ? "value out of range (a fraction, not a percent: 95% is 0.95)"
                                   : "value out of range",
                           p, value);
    }
    a->num[i] = v;
    a->given[i] = a->set[i] = 1;
    return FO_OK;
}

int fo_preset_value(const fo_preset *pr, const char *track, double *value) {
    if (!track || (pr->track && strcmp(pr->track, track) != 0)) return 0;
    if (!pr->scenario_field) {
        *value = pr->value;
        return 1;
    }
    const fo_scenario *s = fo_scenario_get(track);
    if (!s) return 0;
    double v;
    memcpy(&v, (const char *)s + pr->scenario_field, sizeof v);
    *value = v;
    return 1;
}

fo_status fo_args_finish(fo_args *a, fo_error *err) {
    const fo_command *cmd = a->cmd;
    const char *track = fo_arg_choice(a, "track");
    for (size_t k = 0; track && k < cmd->npresets; k++) {
        const fo_preset *pr = &cmd->presets[k];
        size_t i = 0;
        double v;
        if (!fo_preset_value(pr, track, &v)) continue;
        if (!fo_command_param(cmd, pr->param, &i)) continue; /* tests check every preset */
        if (!a->set[i]) {
            a->num[i] = v;
            a->set[i] = 1;
        }
    }
    for (size_t i = 0; i < cmd->nparams; i++) {
        const fo_param *p = &cmd->params[i];
        if (a->set[i]) continue;
        if (p->flags & FO_P_REQUIRED) return param_error(err, "missing required parameter", p, "");
        if (p->flags & FO_P_OPTIONAL) continue;
        a->num[i] = p->type == FO_T_CHOICE ? p->def_choice : p->def;
        a->str[i] = p->def_str;
        a->set[i] = 1;
    }
    return FO_OK;
}

void fo_args_bind(const fo_args *a, void *params) {
    for (size_t i = 0; i < a->cmd->nparams; i++) {
        const fo_param *p = &a->cmd->params[i];
        if (p->field == FO_NO_FIELD || !a->set[i]) continue;
        char *f = (char *)params + p->field;
        switch (p->type) {
        case FO_T_REAL:
            memcpy(f, &a->num[i], sizeof(double));
            break;
        case FO_T_INT: {
            long long v = (long long)a->num[i];
            memcpy(f, &v, sizeof v);
            break;
        }
        case FO_T_CHOICE: {
            int v = (int)a->num[i];
            memcpy(f, &v, sizeof v);
            break;
        }
        case FO_T_STRING:
            memcpy(f, &a->str[i], sizeof a->str[i]);
            break;
        }
    }
}

static size_t arg_index(const fo_args *a, const char *name) {
    size_t i = 0;
    const fo_param *p = fo_command_param(a->cmd, name, &i);
    assert(p && "handler asked for a parameter its command does not declare");
    (void)p;
    return i;
}

int fo_arg_given(const fo_args *a, const char *name) {
    return a->given[arg_index(a, name)];
}

double fo_arg_num(const fo_args *a, const char *name) {
    return a->num[arg_index(a, name)];
}

const char *fo_arg_str(const fo_args *a, const char *name) {
    size_t i = arg_index(a, name);
    return a->set[i] ? a->str[i] : NULL;
}

const char *fo_arg_choice(const fo_args *a, const char *name) {
    size_t i;
    const fo_param *p = fo_command_param(a->cmd, name, &i);
    if (!p || p->type != FO_T_CHOICE || !a->set[i]) return NULL;
    return p->choices[(int)a->num[i]];
}

fo_status fo_command_run(const fo_args *a, fo_output *out, fo_error *err) {
    fo_status s = a->cmd->run(a, out, err);
    if (s == FO_OK &&
        (out->json->oom || (out->svg && out->svg->oom) || (out->text && out->text->oom)))
        s = fo_error_set(err, FO_ENOMEM, "out of memory", "", "", "");
    return s;
}

fo_status fo_command_run_kv(const char *command, const char *const *names,
                            const char *const *values, size_t n, fo_output *out, fo_error *err) {
    const fo_command *cmd = fo_command_find(command);
    if (!cmd) return fo_error_set(err, FO_ENOTFOUND, "unknown command", "", command, "");
    fo_args a;
    fo_args_init(&a, cmd);
    for (size_t i = 0; i < n; i++) {
        fo_status s = fo_args_set(&a, names[i], values[i], err);
        if (s != FO_OK) return s;
    }
    fo_status s = fo_args_finish(&a, err);
    return s != FO_OK ? s : fo_command_run(&a, out, err);
}

static const char *type_name(fo_type t) {
    static const char *const names[] = {"number", "integer", "choice", "string"};
    return names[t];
}

static void schema_value(fo_json *j, const char *key, const fo_param *p, double v) {
    if (p->type == FO_T_STRING)
        fo_json_string(j, key, p->def_str);
    else if (p->type == FO_T_CHOICE)
        fo_json_string(j, key, p->choices[(int)v]);
    else
        fo_json_number(j, key, v);
}

static void schema_param(fo_json *j, const fo_command *cmd, const fo_param *p) {
    char flag[80], allowed[512];
    snprintf(flag, sizeof flag, "--%s", p->name);
    for (char *c = flag + 2; *c; c++)
        if (*c == '_') *c = '-';
    fo_param_allowed(p, allowed, sizeof allowed);
    fo_json_object_begin(j, NULL);
    fo_json_string(j, "name", p->name);
    fo_json_string(j, "flag", flag);
    fo_json_string(j, "type", type_name(p->type));
    fo_json_string(j, "unit", p->unit);
    fo_json_string(j, "help", p->help);
    fo_json_string(j, "allowed", allowed);
    if (p->type == FO_T_STRING) {
        fo_json_number(j, "max_length", p->max);
    } else if (p->type == FO_T_CHOICE) {
        fo_json_array_begin(j, "choices");
        for (int k = 0; p->choices[k]; k++)
            fo_json_string(j, NULL, p->choices[k]);
        fo_json_array_end(j);
    } else {
        fo_json_number(j, "min", p->min);
        fo_json_number(j, "max", p->max);
        fo_json_bool(j, "min_exclusive", (p->flags & FO_P_MIN_OPEN) != 0);
        fo_json_bool(j, "max_exclusive", (p->flags & FO_P_MAX_OPEN) != 0);
    }
    if (p->flags & (FO_P_OPTIONAL | FO_P_REQUIRED))
        fo_json_null(j, "default");
    else
        schema_value(j, "default", p, p->type == FO_T_CHOICE ? p->def_choice : p->def);
    fo_json_bool(j, "required", (p->flags & FO_P_REQUIRED) != 0);
    fo_json_object_begin(j, "presets");
    for (size_t t = 0; fo_track_ids[t]; t++)
        for (size_t k = 0; k < cmd->npresets; k++) {
            double v;
            if (strcmp(cmd->presets[k].param, p->name) == 0 &&
                fo_preset_value(&cmd->presets[k], fo_track_ids[t], &v))
                schema_value(j, fo_track_ids[t], p, v);
        }
    fo_json_object_end(j);
    fo_json_object_end(j);
}

void fo_schema_json(fo_json *j) {
    fo_json_object_begin(j, NULL);
    fo_json_string(j, "name_rule",
                   "parameter snake_case_name = CLI flag --kebab-case-name = query parameter "
                   "snake_case_name = JSON key snake_case_name");
    fo_json_array_begin(j, "commands");
    for (size_t c = 0; c < FO_COUNT(table); c++) {
        const fo_command *cmd = table[c];
        fo_json_object_begin(j, NULL);
        fo_json_string(j, "name", cmd->name);
        fo_json_string(j, "summary", cmd->summary);
        fo_json_string(j, "description", cmd->description);
        fo_json_string(j, "figure", cmd->figure);
        fo_json_string(j, "positional", cmd->positional);
        fo_json_string(j, "example", cmd->example);
        fo_json_array_begin(j, "params");
        for (size_t i = 0; i < cmd->nparams; i++)
            schema_param(j, cmd, &cmd->params[i]);
        if (cmd->figure) schema_param(j, cmd, &width_param);
        fo_json_array_end(j);
        fo_json_object_end(j);
    }
    fo_json_array_end(j);
    /* how the report's evidence figures are drawn (report.h): the page's static build reads it */
    fo_json_object_begin(j, "report_figure");
    static const int widths[] = {FO_REPORT_FIGURE_WIDTHS};
    fo_json_array_begin(j, "widths");
    for (size_t i = 0; i < FO_COUNT(widths); i++)
        fo_json_int(j, NULL, widths[i]);
    fo_json_array_end(j);
    fo_json_int(j, "column_px", FO_REPORT_FIGURE_COLUMN_PX);
    fo_json_int(j, "max_height_px", FO_REPORT_FIGURE_MAX_HEIGHT);
    fo_json_object_end(j);
    fo_json_object_end(j);
}
