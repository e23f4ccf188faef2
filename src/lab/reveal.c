/* reveal.c — the answer to each part's "Lock" question, computed by the engine for the
 * student's track. The question's own numbers come from the plan: Part 1 asks for N* at the
 * track's fleet; Part 2 fixes 95% confidence and a 1-in-1,000 edge case (zero failures
 * allowed); Part 3 asks whether v2 without retraining drops accuracy. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetops/buf.h"
#include "fleetops/command.h"
#include "fleetops/json.h"
#include "fleetops/lab.h"
#include "fleetops/roi.h"

struct reveal_spec;
/* The question's fixed numbers scaled for one student (NULL: the plan's). */
typedef struct scaling {
    const char *const *names;
    const double *mult;
    size_t n;
} scaling;
typedef int (*answer_fn)(const struct reveal_spec *s, const char *track, const char *predicted,
                         const scaling *v, double *num, char *text, size_t n, fo_error *err);

/* Fills an engine params struct the way `fleetops CMD --track T` would. */
static int preset_params(const char *cmd_name, const char *track, void *params, fo_error *err) {
    const fo_command *cmd = fo_command_find(cmd_name);
    if (!cmd) return fo_error_set(err, FO_ENOTFOUND, "part not built yet", "part", cmd_name, "");
    fo_args a;
    fo_args_init(&a, cmd);
    if (track && fo_args_set(&a, "track", track, err) != FO_OK) return err->status;
    if (fo_args_finish(&a, err) != FO_OK) return err->status;
    fo_args_bind(&a, params);
    return FO_OK;
}

static int answer_roi(const struct reveal_spec *s, const char *track, const char *predicted,
                      const scaling *v, double *num, char *text, size_t n, fo_error *err) {
    (void)s, (void)predicted, (void)v; /* Part 1 is not varied */
    fo_roi_params p;
    if (preset_params("roi", track, &p, err) != FO_OK) return err->status;
    fo_roi_result r;
    if (fo_roi_evaluate(&p, &r) != 0)
        return fo_error_set(err, FO_EINTERNAL, "roi failed", "", "", "");
    *num = (double)r.break_even_models;
    snprintf(text, n, "%lld", r.break_even_models);
    return FO_OK;
}

/* Part 1's readings (roi.h) beside the reveal's sentence. */
static void roi_readings(const char *track, fo_reveal *out) {
    fo_roi_params p;
    fo_error err;
    fo_roi_result r;
    if (preset_params("roi", track, &p, &err) != FO_OK || fo_roi_evaluate(&p, &r) != 0) return;
    fo_roi_readings rd;
    fo_roi_readings_of(&p, &r, &rd);
    snprintf(out->answer_reading, sizeof out->answer_reading, "%s", rd.answer);
    snprintf(out->literal_reading, sizeof out->literal_reading, "%s", rd.literal);
    snprintf(out->toil_cap_reading, sizeof out->toil_cap_reading, "%s", rd.toil_cap);
}

/* A choice answer in words: "drop" -> "accuracy drops". */
static const char *choice_words(const char *c) {
    return strcmp(c, "drop") == 0      ? "accuracy drops"
           : strcmp(c, "no-drop") == 0 ? "accuracy holds"
                                       : c;
}

/* "2995" -> "2,995" (a whole number as the student typed or the answer reads). */
static void grouped_text(char *out, size_t n, const char *digits) {
    size_t len = strlen(digits), k = 0;
    int plain = len > 0;
    for (size_t i = 0; i < len; i++)
        plain &= digits[i] >= '0' && digits[i] <= '9';
    if (!plain) {
        snprintf(out, n, "%s", digits);
        return;
    }
    for (size_t i = 0; i < len && k + 2 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0) out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = '\0';
}

typedef struct reveal_spec {
    const char *part;
    const char *command;       /* whose `predict` parameter validates the prediction */
    const char *unit;          /* "models", "requests"; NULL for a choice */
    const char *answer_phrase; /* "the break-even is" */
    answer_fn answer;
    const char *const *fixed; /* the question's own arguments: name, value, ..., NULL */
} reveal_spec;

/* The answer as the part's command computes it for the question: the track, the question's
 * fixed arguments and the prediction run through the command table, and prediction.actual read
 * back from the JSON the command wrote (the project's own writer: `"actual":2995` or
 * `"actual":"drop"`). The command's judgement is the only one: nothing is recomputed here. */
static int answer_by_command(const reveal_spec *s, const char *track, const char *predicted,
                             const scaling *v, double *num, char *text, size_t n, fo_error *err) {
    const char *names[16], *values[16];
    char scaled[4][40]; /* a student's own numbers: the shortest text of the scaled double */
    size_t k = 0, ns = 0;
    if (track) names[k] = "track", values[k++] = track;
    for (const char *const *f = s->fixed; f && f[0] && k < 14; f += 2) {
        names[k] = f[0], values[k++] = f[1];
        for (size_t i = 0; v && i < v->n && ns < 4; i++) {
            if (strcmp(v->names[i], f[0]) != 0 || v->mult[i] == 1.0) continue;
            fo_buf b;
            fo_buf_init(&b);
            fo_json_format_number(&b, strtod(f[1], NULL) * v->mult[i]);
            snprintf(scaled[ns], sizeof scaled[ns], "%s", fo_buf_str(&b));
            fo_buf_free(&b);
            values[k - 1] = scaled[ns++];
        }
    }
    names[k] = "predict", values[k++] = predicted;
    fo_buf json;
    fo_buf_init(&json);
    fo_output out = {&json, NULL, NULL};
    if (fo_command_run_kv(s->command, names, values, k, &out, err) != FO_OK) {
        fo_buf_free(&json);
        return err->status;
    }
    const char *p = fo_strfind(fo_buf_str(&json), "\"prediction\":{");
    p = p ? fo_strfind(p, "\"actual\":") : NULL;
    int rc = FO_OK;
    if (!p) {
        rc = fo_error_set(err, FO_EINTERNAL, "the command wrote no prediction.actual", "part",
                          s->part, "");
    } else if (p[9] == '"') {
        const char *end = strchr(p + 10, '"');
        snprintf(text, n, "%.*s", end ? (int)(end - p - 10) : 0, p + 10);
        *num = 0;
    } else {
        char *end;
        *num = strtod(p + 9, &end);
        snprintf(text, n, "%.*s", (int)(end - p - 9), p + 9);
    }
    fo_buf_free(&json);
    return rc;
}

/* Part 2's question fixes 95% confidence and a 1-in-1,000 edge case with no failure allowed;
 * Part 3's ships extractor v2 without retraining the classifier. */
static const char *const canary_question[] = {
    "confidence", "0.95", "failure_rate", "0.001", "allowed_failures", "0", NULL};
static const char *const ensemble_question[] = {"upstream", "v2", "retrain", "no", NULL};

static const reveal_spec specs[] = {
    {"roi", "roi", "models", "the break-even is", answer_roi, NULL},
    {"canary", "canary", "requests", "the answer is", answer_by_command, canary_question},
    {"ensemble", "ensemble", NULL, "the pipeline shows", answer_by_command, ensemble_question},
};

static int reveal(const char *part, const char *track, const char *predicted, const scaling *v,
                  fo_reveal *r, fo_error *err);

int fo_lab_reveal(const char *part, const char *track, const char *predicted, fo_reveal *r,
                  fo_error *err) {
    return reveal(part, track, predicted, NULL, r, err);
}

int fo_lab_reveal_scaled(const char *part, const char *track, const char *predicted,
                         const char *const *names, const double *mult, size_t n, fo_reveal *r,
                         fo_error *err) {
    const scaling v = {names, mult, n};
    return reveal(part, track, predicted, &v, r, err);
}

static int reveal(const char *part, const char *track, const char *predicted, const scaling *v,
                  fo_reveal *r, fo_error *err) {
    const reveal_spec *s = NULL;
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
        if (strcmp(specs[i].part, part) == 0) s = &specs[i];
    if (!s)
        return fo_error_set(err, FO_EUSAGE, "unknown part", "part", part, "roi, canary, ensemble");
    const fo_command *cmd = fo_command_find(s->command);
    if (!cmd) return fo_error_set(err, FO_ENOTFOUND, "part not built yet", "part", part, "");
    fo_args a;
    fo_args_init(&a, cmd);
    if (fo_args_set(&a, "predict", predicted, err) != FO_OK) {
        snprintf(err->param, sizeof err->param, "value");
        return err->status;
    }
    memset(r, 0, sizeof *r);
    snprintf(r->predicted, sizeof r->predicted, "%s", predicted);
    double actual = 0;
    if (s->answer(s, track, predicted, v, &actual, r->actual, sizeof r->actual, err) != FO_OK)
        return err->status;
    if (s->unit) {
        double p = fo_arg_num(&a, "predict");
        r->off_by_factor = actual > 0 ? (p > actual ? p / actual : actual / p) : 0;
        r->correct = actual > 0 && r->off_by_factor <= 1.5;
        char pg[96], ag[96];
        grouped_text(pg, sizeof pg, predicted);
        grouped_text(ag, sizeof ag, r->actual);
        snprintf(r->sentence, sizeof r->sentence, "You predicted %s %s; %s %s (off by %.1fx).", pg,
                 s->unit, s->answer_phrase, ag, r->off_by_factor);
        if (strcmp(s->part, "roi") == 0) roi_readings(track, r);
    } else {
        r->correct = strcmp(predicted, r->actual) == 0;
        snprintf(r->sentence, sizeof r->sentence, "You predicted that %s; %s %s: %s.",
                 choice_words(predicted), s->answer_phrase, choice_words(r->actual),
                 r->correct ? "right" : "wrong");
    }
    return FO_OK;
}

void fo_lab_reveal_json(fo_json *j, const char *part, const fo_reveal *r) {
    fo_json_object_begin(j, NULL);
    fo_json_object_begin(j, "prediction");
    fo_json_string(j, "part", part);
    fo_json_string(j, "predicted", r->predicted);
    fo_json_string(j, "actual", r->actual);
    if (r->off_by_factor > 0)
        fo_json_number(j, "off_by_factor", r->off_by_factor);
    else
        fo_json_null(j, "off_by_factor");
    fo_json_bool(j, "correct", r->correct);
    fo_json_string(j, "sentence", r->sentence);
    if (r->answer_reading[0]) {
        fo_json_object_begin(j, "readings");
        fo_json_string(j, "answer", r->answer_reading);
        fo_json_string(j, "literal", r->literal_reading);
        fo_json_string(j, "toil_cap", r->toil_cap_reading);
        fo_json_object_end(j);
    }
    fo_json_object_end(j);
    fo_json_object_end(j);
}
