/* cmd_rollout.c — `fleetops rollout`: the ShadowModeDashboard, a seeded replay of a staged
 * rollout (shadow -> 1% -> 5% -> 25% -> 100%, the shared ladder of stages.h) for a track
 * (engine: rollout.c). Per stage: scored requests, failures, running confidence, the SPRT's
 * LLR, p50/p99 latency per hardware generation, and promote / hold / roll back with a reason.
 *
 * Scored requests per hour at full observation = request_rate_per_s x 3600 x slice_share x
 * scored_fraction; a stage sees its observed_fraction of that (shadow mirrors 10%). The track
 * presets reuse the canary's fleet rates and slices (cmd_canary.c derives them); the scored
 * fraction is the canary's shadow fraction divided by the shadow stage's 10% mirror. Each
 * track's candidate and hardware are its crisis, cited at the tables below. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "fleetops/instruments.h"
#include "fleetops/lab.h"
#include "fleetops/canary.h"
#include "fleetops/rollout.h"

#define F(field)      offsetof(fo_rollout_params, field)
#define SHADOW_MIRROR 0.10 /* the ladder's shadow stage observes 10% of requests (stages.c) */

/* Part 2's parameters land in this struct, then become the engine's (run_rollout). */
typedef struct part2_fields {
    double confidence, failure_rate, request_rate_per_s, shadow_fraction, slice_share;
} part2_fields;
#define P2(field) offsetof(part2_fields, field)

/* One parameter per line, so the table reads as a table. */
// clang-format off
static const fo_param rollout_params[] = {
    FO_PARAM_TRACK,
    {.name = "seed", .type = FO_T_INT, .unit = "seed", .min = 0, .max = 9007199254740992.0,
     .def = 1, .field = FO_NO_FIELD, .help = "Seed of the request stream and latency samples"},
    FO_PART2_PARAMS(P2),
    {.name = "attempt_hours", .type = FO_T_REAL, .unit = "hours", .min = 0, .max = 1e6,
     .flags = FO_P_OPTIONAL | FO_P_MIN_OPEN, .field = FO_NO_FIELD,
     .help = "Your shadow window: how long the shadow stage runs (default 24 h, a daily cycle)"},
    {.name = "true_failure_rate", .type = FO_T_REAL, .unit = "fraction", .min = 0, .max = 0.05,
     .def = 0.0005, .field = FO_NO_FIELD,
     .help = "What the candidate really does on the edge-case slice (the story you replay)"},
    FO_PART2_OVERRIDES,
    {.name = "deadline_ms", .type = FO_T_REAL, .unit = "ms", .min = 0, .max = 60000, .def = 0,
     .field = FO_NO_FIELD, .help = "Latency deadline on every hardware generation (0: none)"},
    {.name = "gate_quantile", .type = FO_T_REAL, .unit = "fraction", .min = 0.5, .max = 1,
     .def = 0.99, .flags = FO_P_MAX_OPEN, .field = FO_NO_FIELD,
     .help = "Which latency must meet the deadline: 0.99 is the 99th percentile (p99)"},
    {.name = "old_hardware_tail_fraction", .type = FO_T_REAL, .unit = "fraction", .min = 0,
     .max = 0.5, .def = 0, .field = FO_NO_FIELD,
     .help = "Share of the oldest generation's requests the candidate serves on a slow path"},
    {.name = "max_holds", .type = FO_T_INT, .unit = "dwells", .min = 0,
     .max = FO_ROLLOUT_MAX_HOLDS, .def = 2, .field = FO_NO_FIELD,
     .help = "Extra dwells a stage may take before an undecided rollout rolls back"},
};
// clang-format on

/* Presets: the track's scenario (scenario.c): Part 2's traffic and hypothesis, the candidate
 * the dashboard replays, its deadline, the latency quantile it is held to and the slow path on
 * the oldest hardware. The hardware generations are the scenario's too (run_rollout). */
static const fo_preset rollout_presets[] = {
    FO_PART2_PRESETS,
    FO_PRESET_SCENARIO("true_failure_rate", candidate_failure_rate),
    FO_PRESET_SCENARIO("deadline_ms", deadline_ms),
    FO_PRESET_SCENARIO("gate_quantile", gate_quantile),
    FO_PRESET_SCENARIO("old_hardware_tail_fraction", tail_probability),
};

static const char *decision_word(fo_rollout_decision d) {
    switch (d) {
    case FO_ROLLOUT_PROMOTE:
        return "promote";
    case FO_ROLLOUT_HOLD:
        return "hold";
    case FO_ROLLOUT_ROLLBACK:
        return "roll back";
    case FO_ROLLOUT_COMPLETE:
        return "complete";
    }
    return "";
}

static const char *rule_word(fo_rollout_rule r) {
    static const char *const words[] = {"sprt_reject", "latency", "sprt_accept", "confidence",
                                        "no_alarm",    "hold",    "undecided",   "complete"};
    return words[r];
}

static void write_json(fo_json *j, const fo_args *a, const part2_fields *q,
                       const fo_rollout_params *p, const fo_rollout_result *r, const char *peek) {
    fo_json_object_begin(j, NULL);
    fo_json_string(j, "command", "rollout");
    fo_json_string(j, "track", fo_arg_choice(a, "track"));
    fo_json_int(j, "seed", (long long)fo_arg_num(a, "seed"));
    fo_json_number(j, "request_rate_per_s", p->request_rate_per_s);
    fo_json_number(j, "shadow_fraction", q->shadow_fraction);
    fo_json_number(j, "slice_share", p->slice_share);
    fo_canary_params cp = {.request_rate_per_s = q->request_rate_per_s,
                           .shadow_fraction = q->shadow_fraction,
                           .slice_share = q->slice_share};
    fo_json_number(j, "monitored_per_hour", fo_canary_monitored_per_hour(&cp));
    fo_json_number(j, "shadow_hours", r->row[0].end_hours - r->row[0].start_hours);
    fo_json_bool(j, "shadow_hours_from_attempt", p->shadow_hours > 0);
    fo_json_number(j, "scored_fraction", p->scored_fraction);
    fo_json_number(j, "scored_requests_per_hour_full", r->scored_per_hour_full);
    fo_json_number(j, "true_failure_rate", p->true_failure_rate);
    fo_json_number(j, "failure_rate", p->failure_rate);
    fo_json_number(j, "confidence", p->confidence);
    fo_json_number(j, "p0", p->p0);
    fo_json_number(j, "p1", p->p1);
    fo_json_number(j, "alpha", p->alpha);
    fo_json_number(j, "beta", p->beta);
    fo_json_string(j, "hypotheses_rule", FO_HYPOTHESES_RULE);
    fo_json_number(j, "log_upper_boundary", r->log_upper_boundary);
    fo_json_number(j, "log_lower_boundary", r->log_lower_boundary);
    fo_json_number(j, "deadline_ms", p->deadline_ms);
    fo_json_number(j, "gate_quantile", p->gate_quantile);
    const fo_scenario *scn = fo_scenario_get(fo_arg_choice(a, "track"));
    fo_json_array_begin(j, "generations");
    for (size_t g = 0; g < p->generations; g++) {
        fo_json_object_begin(j, NULL);
        fo_json_string(j, "name", p->gen[g].name);
        fo_json_string(j, "hardware", scn->hw[g].name);
        fo_json_number(j, "year", scn->hw[g].year);
        fo_json_number(j, "share", p->gen[g].share);
        fo_json_number(j, "p50_ms", p->gen[g].p50_ms);
        fo_json_number(j, "tail_fraction", p->gen[g].tail_fraction);
        fo_json_object_end(j);
    }
    fo_json_array_end(j);
    fo_json_array_begin(j, "stages");
    for (size_t i = 0; i < r->rows; i++) {
        const fo_rollout_row *w = &r->row[i];
        fo_json_object_begin(j, NULL);
        fo_json_string(j, "stage", w->stage);
        fo_json_int(j, "stage_index", w->stage_index);
        fo_json_int(j, "hold", w->hold);
        fo_json_number(j, "traffic_fraction", w->traffic_fraction);
        fo_json_number(j, "observed_fraction", w->observed_fraction);
        fo_json_number(j, "start_hours", w->start_hours);
        fo_json_number(j, "end_hours", w->end_hours);
        fo_json_number(j, "requests", w->requests);
        fo_json_number(j, "failures", w->failures);
        fo_json_number(j, "total_requests", w->total_requests);
        fo_json_number(j, "total_failures", w->total_failures);
        fo_json_number(j, "running_confidence", w->running_confidence);
        fo_json_number(j, "llr", w->llr);
        fo_json_string(j, "sprt",
                       w->sprt > 0   ? "reject H0"
                       : w->sprt < 0 ? "accept H0"
                                     : "undecided");
        fo_json_number(j, "sprt_decided_at_requests", w->sprt_decided_at);
        fo_json_array_begin(j, "latency");
        for (size_t g = 0; g < p->generations; g++) {
            fo_json_object_begin(j, NULL);
            fo_json_string(j, "generation", p->gen[g].name);
            fo_json_number(j, "p50_ms", w->latency[g].p50_ms);
            fo_json_number(j, "p99_ms", w->latency[g].p99_ms);
            fo_json_number(j, "gate_ms", w->latency[g].gate_ms);
            fo_json_int(j, "samples", w->latency[g].samples);
            fo_json_object_end(j);
        }
        fo_json_array_end(j);
        fo_json_string(j, "decision", decision_word(w->decision));
        fo_json_string(j, "rule", rule_word(w->rule));
        fo_json_string(j, "reason", w->reason);
        fo_json_object_end(j);
    }
    fo_json_array_end(j);
    fo_json_string(j, "decision", r->decision == FO_ROLLOUT_COMPLETE ? "promote" : "roll back");
    fo_json_string(j, "reason", r->reason);
    fo_json_number(j, "hours", r->hours);
    fo_json_string(j, "math_peek", peek);
    fo_json_object_end(j);
}

static void math_peek(fo_buf *b, const fo_rollout_params *p, const fo_rollout_result *r) {
    fo_buf_puts(b, "scored requests per hour at 100% = R x 3600 x s_slice x f_scored = ");
    fo_buf_grouped(b, p->request_rate_per_s, p->request_rate_per_s < 100 ? 2 : 0);
    fo_buf_printf(b, " x 3600 x %g x %g = ", p->slice_share, p->scored_fraction);
    fo_buf_grouped(b, r->scored_per_hour_full, 1);
    fo_buf_puts(b, "; a stage sees its observed fraction of that (shadow mirrors 10%)");
    fo_buf_printf(b,
                  "\nrunning confidence = P(X > f | n, p) = 1 - P(X <= f | n, %g): the level at "
                  "which the Clopper-Pearson bound after f failures in n equals p",
                  p->failure_rate);
    fo_buf_printf(b,
                  "\nSPRT over the whole rollout: LLR = f ln(p1/p0) + (n-f) ln((1-p1)/(1-p0)), "
                  "p0 = %g, p1 = %g; roll back at LLR >= ln A = %.3f, accept H0 at LLR <= ln B = "
                  "%.3f",
                  p->p0, p->p1, r->log_upper_boundary, r->log_lower_boundary);
    if (p->deadline_ms > 0)
        fo_buf_printf(b, "\nlatency gate: p%.10g <= %g ms on every hardware generation",
                      100 * p->gate_quantile, p->deadline_ms);
    fo_buf_printf(b,
                  "\nrules: roll back on LLR >= ln A%s; promote on LLR <= ln B or confidence >= "
                  "%.4g%%; before the step to 100%%, also promote when LLR <= 0 (no alarm); else "
                  "hold up to %lld times, then roll back",
                  p->deadline_ms > 0 ? " or a latency over the deadline" : "", 100 * p->confidence,
                  p->max_holds);
}

static void write_text(fo_buf *b, const fo_args *a, const fo_rollout_params *p,
                       const fo_rollout_result *r, const char *peek) {
    const char *track = fo_arg_choice(a, "track");
    fo_buf_puts(b, "ShadowModeDashboard: a staged rollout replayed");
    if (track) fo_buf_printf(b, "  (track: %s, seed %.0f)", track, fo_arg_num(a, "seed"));
    fo_buf_printf(b,
                  "\nCandidate's true failure rate %g on the slice; SPRT p0 = %g vs p1 = %g; "
                  "confidence about p = %g\n\n",
                  p->true_failure_rate, p->p0, p->p1, p->failure_rate);
    fo_buf_printf(b, "  %-7s %-11s %10s %8s %7s %7s  ", "stage", "hours", "requests", "failures",
                  "conf.", "LLR");
    for (size_t g = 0; g < p->generations; g++)
        fo_buf_printf(b, "%-18s ", p->gen[g].name);
    fo_buf_puts(b, " decision\n");
    for (size_t i = 0; i < r->rows; i++) {
        const fo_rollout_row *w = &r->row[i];
        char name[16], span[32];
        snprintf(name, sizeof name, "%s%s", w->stage, w->hold ? "+" : "");
        snprintf(span, sizeof span, "%.1f-%.1f", w->start_hours, w->end_hours);
        fo_buf_printf(b, "  %-7s %-11s %10.0f %8.0f %6.1f%% %7.2f  ", name, span, w->requests,
                      w->failures, 100 * w->running_confidence, w->llr);
        for (size_t g = 0; g < p->generations; g++) {
            if (w->latency[g].samples > 0)
                fo_buf_printf(b, "p50 %5.1f p99 %5.1f ", w->latency[g].p50_ms,
                              w->latency[g].p99_ms);
            else
                fo_buf_printf(b, "%-18s ", "-");
        }
        fo_buf_printf(b, " %s\n", decision_word(w->decision));
    }
    fo_buf_puts(b, "\nReasons\n");
    for (size_t i = 0; i < r->rows; i++)
        fo_buf_printf(b, "  %s%s: %s\n", r->row[i].stage, r->row[i].hold ? " (held)" : "",
                      r->row[i].reason);
    fo_buf_printf(b, "\nOutcome after %.1f h: %s\n", r->hours,
                  r->decision == FO_ROLLOUT_COMPLETE ? "PROMOTED to 100%" : "ROLLED BACK");
    fo_text_math_peek(b, peek);
}

static fo_status run_rollout(const fo_args *a, fo_output *out, fo_error *err) {
    part2_fields q;
    memset(&q, 0, sizeof q);
    fo_args_bind(a, &q);
    fo_rollout_params p;
    memset(&p, 0, sizeof p);
    fo_hypotheses h = fo_part2_hypotheses(a);
    p.request_rate_per_s = q.request_rate_per_s;
    p.slice_share = q.slice_share;
    /* The shadow stage observes 10% of requests; scoring shadow_fraction of all of them means
     * scoring shadow_fraction / 10% of those observed (all of them, at most). */
    p.scored_fraction = fmin(1.0, q.shadow_fraction / SHADOW_MIRROR);
    p.true_failure_rate = fo_arg_num(a, "true_failure_rate");
    p.failure_rate = q.failure_rate;
    p.confidence = q.confidence;
    p.p0 = h.p0, p.p1 = h.p1, p.alpha = h.alpha, p.beta = h.beta;
    p.deadline_ms = fo_arg_num(a, "deadline_ms");
    p.gate_quantile = fo_arg_num(a, "gate_quantile");
    p.shadow_hours = fo_arg_given(a, "attempt_hours") ? fo_arg_num(a, "attempt_hours") : 0;
    p.max_holds = (long long)fo_arg_num(a, "max_holds");
    char v[64], allowed[256];
    if (!(p.p1 > p.p0)) {
        snprintf(v, sizeof v, "%g", p.p1);
        snprintf(allowed, sizeof allowed, "number in (%g, 0.9]: above H0's %g", p.p0, p.p0);
        return fo_error_set(err, FO_EUSAGE, "p1 must exceed p0", "p1", v, allowed);
    }
    if (!(p.alpha + p.beta < 1)) { /* by the rule: beta = 1 - C, so C must exceed alpha */
        if (fo_arg_given(a, "beta")) {
            snprintf(v, sizeof v, "%g", p.beta);
            snprintf(allowed, sizeof allowed, "number below %g (alpha + beta must be below 1)",
                     1 - p.alpha);
            return fo_error_set(err, FO_EUSAGE, "alpha + beta must be below 1", "beta", v, allowed);
        }
        snprintf(v, sizeof v, "%g", q.confidence);
        snprintf(allowed, sizeof allowed,
                 "number in (%g, 1): above alpha, the chance of rolling back a healthy model",
                 p.alpha);
        return fo_error_set(err, FO_EUSAGE, "confidence must exceed alpha", "confidence", v,
                            allowed);
    }
    /* The track's fleet: its scenario's hardware, the slow path on the oldest generation. */
    const char *track = fo_arg_choice(a, "track");
    const fo_scenario *scn = fo_scenario_get(track);
    char names[FO_ROLLOUT_MAX_GENERATIONS][32];
    for (size_t g = 0; scn && g < scn->generations && g < FO_ROLLOUT_MAX_GENERATIONS; g++) {
        const fo_scenario_hw *hw = &scn->hw[g];
        snprintf(names[g], sizeof names[g], "%s (%.0f)", hw->name, hw->year);
        p.gen[g] = (fo_hw_generation){names[g], hw->share, hw->p50_ms, hw->sigma, 0, 0};
        p.generations = g + 1;
    }
    if (p.generations > 0) {
        p.gen[0].tail_fraction = fo_arg_num(a, "old_hardware_tail_fraction");
        p.gen[0].tail_ms = scn->tail_ms > 0 ? scn->tail_ms : 100;
    }
    double most = fo_rollout_max_requests(&p);
    if (!(most <= FO_ROLLOUT_MAX_REQUESTS)) {
        snprintf(v, sizeof v, "%g", q.shadow_fraction);
        snprintf(allowed, sizeof allowed,
                 "number in (0, %.3g] at this request rate, slice and window (a replay scores at "
                 "most 100,000,000 requests)",
                 fmin(q.shadow_fraction, p.scored_fraction * SHADOW_MIRROR) *
                     FO_ROLLOUT_MAX_REQUESTS / most);
        return fo_error_set(err, FO_EUSAGE, "too many scored requests to replay", "shadow_fraction",
                            v, allowed);
    }
    fo_rng rng;
    fo_rng_seed(&rng, (uint64_t)fo_arg_num(a, "seed"));
    fo_rollout_result *r = malloc(sizeof *r);
    if (!r) return fo_error_set(err, FO_ENOMEM, "out of memory", "", "", "");
    if (fo_rollout_run(&p, &rng, r) != 0) {
        free(r);
        return fo_error_set(err, FO_EINTERNAL, "rollout: parameters outside the model's domain", "",
                            "", "");
    }
    fo_buf peek;
    fo_buf_init(&peek);
    math_peek(&peek, &p, r);
    fo_json j;
    fo_json_init(&j, out->json);
    write_json(&j, a, &q, &p, r, fo_buf_str(&peek));
    if (FO_WANT_TEXT(out)) write_text(out->text, a, &p, r, fo_buf_str(&peek));
    if (out->svg) fo_draw_shadow_dashboard(out->svg, fo_figure_width(a), &p, r, track);
    fo_buf_free(&peek);
    free(r);
    return FO_OK;
}

const fo_command fo_cmd_rollout = {
    .name = "rollout",
    .summary = "Part 2: ShadowModeDashboard, a staged rollout replayed stage by stage",
    .description =
        "Replays a staged rollout (shadow for your window, then 1%, 5%, 25%, 100%) on your "
        "track's fleet with a seeded stream of scored requests, testing the sequential test's "
        "hypothesis: p1 = your failure rate, p0 = half of it, beta = 1 - your confidence, alpha "
        "= the track's (--p0, --p1, --alpha, --beta override it). Per stage: requests, "
        "failures, the confidence reached, the sequential test's evidence, latency per hardware "
        "generation against the deadline, and the decision (promote, hold, roll back) with its "
        "reason.",
    .params = rollout_params,
    .nparams = FO_COUNT(rollout_params),
    .presets = rollout_presets,
    .npresets = FO_COUNT(rollout_presets),
    .figure = "ShadowModeDashboard: stages, running confidence, LLR, latency, decisions",
    .example = "fleetops rollout --track edge-guardian --seed 7",
    .run = run_rollout,
};
