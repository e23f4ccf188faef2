/* reveal.c — the answer to each part's "Lock" question, computed by the engine for the
 * student's track. The question's own numbers come from the plan: Part 1 asks for N* at the
 * track's fleet; Part 2 fixes 95% confidence and a 1-in-1,000 edge case (zero failures
 * allowed); Part 3 asks whether v2 without retraining drops accuracy. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fleetops/command.h"
#include "fleetops/lab.h"
#include "fleetops/roi.h"

typedef int (*answer_fn)(const char *track, double *num, char *text, size_t n, fo_error *err);

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

static int answer_roi(const char *track, double *num, char *text, size_t n, fo_error *err) {
    fo_roi_params p;
    if (preset_params("roi", track, &p, err) != FO_OK) return err->status;
    fo_roi_result r;
    if (fo_roi_evaluate(&p, &r) != 0)
        return fo_error_set(err, FO_EINTERNAL, "roi failed", "", "", "");
    *num = (double)r.break_even_models;
    snprintf(text, n, "%lld", r.break_even_models);
    return FO_OK;
}

typedef struct reveal_spec {
    const char *part;
    const char *command;       /* whose `predict` parameter validates the prediction */
    const char *unit;          /* "models", "requests"; NULL for a choice */
    const char *answer_phrase; /* "the break-even is" */
    answer_fn answer;
} reveal_spec;

static const reveal_spec specs[] = {
    {"roi", "roi", "models", "the break-even is", answer_roi},
};

int fo_lab_reveal(const char *part, const char *track, const char *predicted, fo_reveal *r,
                  fo_error *err) {
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
    if (s->answer(track, &actual, r->actual, sizeof r->actual, err) != FO_OK) return err->status;
    if (s->unit) {
        double p = fo_arg_num(&a, "predict");
        r->off_by_factor = actual > 0 ? (p > actual ? p / actual : actual / p) : 0;
        r->correct = actual > 0 && r->off_by_factor <= 1.5;
        snprintf(r->sentence, sizeof r->sentence, "You predicted %s %s; %s %s (off by %.1fx).",
                 predicted, s->unit, s->answer_phrase, r->actual, r->off_by_factor);
    } else {
        r->correct = strcmp(predicted, r->actual) == 0;
        snprintf(r->sentence, sizeof r->sentence, "You predicted \"%s\"; %s \"%s\": %s.", predicted,
                 s->answer_phrase, r->actual, r->correct ? "right" : "wrong");
    }
    return FO_OK;
}
