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
#include "fleetops/rollout.h"

#define F(field) offsetof(fo_rollout_params, field)

/* One parameter per line, so the table reads as a table. */
// clang-format off
static const fo_param rollout_params[] = {
    FO_PARAM_TRACK,
    {.name = "seed", .type = FO_T_INT, .unit = "seed", .min = 0, .max = 9007199254740992.0,
     .def = 1, .field = FO_NO_FIELD, .help = "Seed of the request stream and latency samples"},
    {.name = "request_rate_per_s", .type = FO_T_REAL, .unit = "requests_per_s", .min = 1e-3,
     .max = 1e8, .def = 100, .field = F(request_rate_per_s),
     .help = "Fleet request rate R (presets as for fleetops canary)"},
    {.name = "slice_share", .type = FO_T_REAL, .unit = "fraction", .min = 0, .max = 1, .def = 0.01,
     .flags = FO_P_MIN_OPEN, .field = F(slice_share),
     .help = "Share of requests that can trigger the edge case"},
    {.name = "scored_fraction", .type = FO_T_REAL, .unit = "fraction", .min = 0, .max = 1,
     .def = 0.5, .flags = FO_P_MIN_OPEN, .field = F(scored_fraction),
     .help = "Share of observed slice requests whose outcome is scored (capped: 1e8 a replay)"},
    {.name = "true_failure_rate", .type = FO_T_REAL, .unit = "fraction", .min = 0, .max = 0.05,
     .def = 0.0005, .field = F(true_failure_rate),
     .help = "The candidate's actual failure rate on the slice (the scenario you replay)"},
    {.name = "failure_rate", .type = FO_T_REAL, .unit = "fraction", .min = 1e-6, .max = 0.1,
     .def = 0.001, .field = F(failure_rate),
     .help = "p: the rate the running confidence is about (the plan's 1-in-1,000)"},
    {.name = "confidence", .type = FO_T_REAL, .unit = "fraction", .min = 0, .max = 1, .def = 0.95,
     .flags = FO_P_MIN_OPEN | FO_P_MAX_OPEN, .field = F(confidence),
     .help = "C: the confidence that lets a stage promote on its own"},
    {.name = "p0", .type = FO_T_REAL, .unit = "fraction", .min = 1e-6, .max = 0.05, .def = 0.0005,
     .flags = FO_P_MAX_OPEN, .field = F(p0), .help = "SPRT H0: an acceptable failure rate"},
    {.name = "p1", .type = FO_T_REAL, .unit = "fraction", .min = 1e-6, .max = 0.1, .def = 0.001,
     .field = F(p1), .help = "SPRT H1: the regressed rate that triggers a rollback (> p0)"},
    {.name = "alpha", .type = FO_T_REAL, .unit = "fraction", .min = 1e-4, .max = 0.5, .def = 0.05,
     .flags = FO_P_MAX_OPEN, .field = F(alpha), .help = "SPRT: false-rollback rate"},
    {.name = "beta", .type = FO_T_REAL, .unit = "fraction", .min = 1e-4, .max = 0.5, .def = 0.05,
     .flags = FO_P_MAX_OPEN, .field = F(beta), .help = "SPRT: missed-regression rate"},
    {.name = "deadline_ms", .type = FO_T_REAL, .unit = "ms", .min = 0, .max = 60000, .def = 0,
     .field = F(deadline_ms), .help = "p99 latency gate on every hardware generation (0: none)"},
    {.name = "old_hardware_tail_fraction", .type = FO_T_REAL, .unit = "fraction", .min = 0,
     .max = 0.5, .def = 0, .field = FO_NO_FIELD,
     .help = "Share of the oldest generation's requests on a slow path (Edge Guardian: 2%)"},
    {.name = "max_holds", .type = FO_T_INT, .unit = "dwells", .min = 0,
     .max = FO_ROLLOUT_MAX_HOLDS, .def = 2, .field = F(max_holds),
     .help = "Extra dwells a stage may take before an undecided rollout rolls back"},
};
// clang-format on

/* Presets. Rates and slices as in cmd_canary.c; scored fraction = canary shadow fraction / 10%.
 * The candidate (true failure rate) and the SPRT (as in cmd_sprt.c) per track:
 *   Cloud Titan: the candidate is genuinely better (0.15% judged failures vs 0.2% today).
 *   Edge Guardian: the candidate is as good as today's model on failures (0.05%) but has the
 *     plan's 100 ms latency tail on old hardware: 2% of HW2 frames take the slow path, so p99
 *     on HW2 is ~100 ms against the 10 ms safety loop. Shadow mode reveals it.
 *   Mobile Nomad: the candidate sits between H0 and H1 (0.15%): the SPRT wavers, stages hold.
 *     Deadline 16.7 ms: a 60 FPS frame.
 *   Tiny Pioneer: the noise-isolation update breaks the downstream wake-word detector: false
 *     rejects rise to 2% against 1% today (the Dependency Domino). Deadline 10 ms. */
static const fo_preset rollout_presets[] = {
    {"cloud-titan", "request_rate_per_s", 2000},
    {"cloud-titan", "slice_share", 0.001},
    {"cloud-titan", "scored_fraction", 0.1},
    {"cloud-titan", "true_failure_rate", 0.0015},
    {"cloud-titan", "failure_rate", 0.004},
    {"cloud-titan", "p0", 0.002},
    {"cloud-titan", "p1", 0.004},
    {"cloud-titan", "deadline_ms", 2000},
    {"edge-guardian", "request_rate_per_s", 3750000},
    {"edge-guardian", "slice_share", 0.002},
    {"edge-guardian", "scored_fraction", 1e-5},
    {"edge-guardian", "true_failure_rate", 0.0005},
    {"edge-guardian", "failure_rate", 0.001},
    {"edge-guardian", "p0", 0.0005},
    {"edge-guardian", "p1", 0.001},
    {"edge-guardian", "beta", 0.01},
    {"edge-guardian", "deadline_ms", 10},
    {"edge-guardian", "old_hardware_tail_fraction", 0.02},
    {"mobile-nomad", "request_rate_per_s", 8333},
    {"mobile-nomad", "slice_share", 0.01},
    {"mobile-nomad", "scored_fraction", 0.01},
    {"mobile-nomad", "true_failure_rate", 0.0015},
    {"mobile-nomad", "failure_rate", 0.002},
    {"mobile-nomad", "p0", 0.001},
    {"mobile-nomad", "p1", 0.002},
    {"mobile-nomad", "alpha", 0.1},
    {"mobile-nomad", "deadline_ms", 16.7},
    {"tiny-pioneer", "request_rate_per_s", 23.1},
    {"tiny-pioneer", "slice_share", 0.1},
    {"tiny-pioneer", "scored_fraction", 0.1},
    {"tiny-pioneer", "true_failure_rate", 0.02},
    {"tiny-pioneer", "failure_rate", 0.015},
    {"tiny-pioneer", "p0", 0.01},
    {"tiny-pioneer", "p1", 0.015},
    {"tiny-pioneer", "deadline_ms", 10},
};

/* Hardware generations per track (the candidate's latency on each; oldest first).
 *   Cloud Titan: time to first token of a 70B model, A100 vs H100 serving (about 1.6x apart);
 *     40% of replicas are still A100s. The SLO is p99 TTFT under 2 s.
 *   Edge Guardian: three perception computers; the 2016-era HW2 (20% of the fleet) runs the
 *     network at 7.2 ms median, HW3 (50%) at 4.6 ms, HW4 (30%) at 3.0 ms; the loop is 10 ms.
 *   Mobile Nomad: the glasses' NPU generations, Gen 1 (55%) at 11 ms and Gen 2 (45%) at 6.5 ms
 *     per translated frame, inside a 16.7 ms frame at 60 FPS.
 *   Tiny Pioneer: earbud DSPs, v1 (70%) at 6.0 ms and v2 (30%) at 3.8 ms for a 10 ms frame. */
typedef struct track_hw {
    const char *track;
    size_t n;
    fo_hw_generation gen[FO_ROLLOUT_MAX_GENERATIONS];
} track_hw;

static const track_hw hardware[] = {
    {"cloud-titan", 2, {{"A100", 0.4, 450, 0.30, 0, 0}, {"H100", 0.6, 280, 0.30, 0, 0}}},
    {"edge-guardian",
     3,
     {{"HW2 (2016)", 0.2, 7.2, 0.10, 0, 100},
      {"HW3 (2019)", 0.5, 4.6, 0.10, 0, 0},
      {"HW4 (2023)", 0.3, 3.0, 0.10, 0, 0}}},
    {"mobile-nomad", 2, {{"Gen 1", 0.55, 11, 0.15, 0, 0}, {"Gen 2", 0.45, 6.5, 0.15, 0, 0}}},
    {"tiny-pioneer", 2, {{"Bud v1", 0.7, 6.0, 0.12, 0, 0}, {"Bud v2", 0.3, 3.8, 0.12, 0, 0}}},
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

static void write_json(fo_json *j, const fo_args *a, const fo_rollout_params *p,
                       const fo_rollout_result *r, const char *peek) {
    fo_json_object_begin(j, NULL);
    fo_json_string(j, "command", "rollout");
    fo_json_string(j, "track", fo_arg_choice(a, "track"));
    fo_json_int(j, "seed", (long long)fo_arg_num(a, "seed"));
    fo_json_number(j, "request_rate_per_s", p->request_rate_per_s);
    fo_json_number(j, "slice_share", p->slice_share);
    fo_json_number(j, "scored_fraction", p->scored_fraction);
    fo_json_number(j, "scored_requests_per_hour_full", r->scored_per_hour_full);
    fo_json_number(j, "true_failure_rate", p->true_failure_rate);
    fo_json_number(j, "failure_rate", p->failure_rate);
    fo_json_number(j, "confidence", p->confidence);
    fo_json_number(j, "p0", p->p0);
    fo_json_number(j, "p1", p->p1);
    fo_json_number(j, "alpha", p->alpha);
    fo_json_number(j, "beta", p->beta);
    fo_json_number(j, "log_upper_boundary", r->log_upper_boundary);
    fo_json_number(j, "log_lower_boundary", r->log_lower_boundary);
    fo_json_number(j, "deadline_ms", p->deadline_ms);
    fo_json_array_begin(j, "generations");
    for (size_t g = 0; g < p->generations; g++) {
        fo_json_object_begin(j, NULL);
        fo_json_string(j, "name", p->gen[g].name);
        fo_json_number(j, "share", p->gen[g].share);
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
        fo_buf_printf(b, "\nlatency gate: p99 <= %g ms on every hardware generation",
                      p->deadline_ms);
    fo_buf_printf(b,
                  "\nrules: roll back on LLR >= ln A%s; promote on LLR <= ln B or confidence >= "
                  "%.4g%%; before the step to 100%%, also promote when LLR <= 0 (no alarm); else "
                  "hold up to %lld times, then roll back",
                  p->deadline_ms > 0 ? " or a p99 over the deadline" : "", 100 * p->confidence,
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
    fo_rollout_params p;
    memset(&p, 0, sizeof p);
    fo_args_bind(a, &p);
    char v[64], allowed[256];
    if (!(p.p1 > p.p0)) {
        snprintf(v, sizeof v, "%g", p.p1);
        snprintf(allowed, sizeof allowed, "number in (%g, 0.1]: above --p0", p.p0);
        return fo_error_set(err, FO_EUSAGE, "p1 must exceed p0", "p1", v, allowed);
    }
    const char *track = fo_arg_choice(a, "track");
    for (size_t i = 0; track && i < FO_COUNT(hardware); i++) {
        if (strcmp(hardware[i].track, track) != 0) continue;
        p.generations = hardware[i].n;
        memcpy(p.gen, hardware[i].gen, sizeof p.gen);
    }
    if (p.generations > 0) p.gen[0].tail_fraction = fo_arg_num(a, "old_hardware_tail_fraction");
    if (p.generations > 0 && p.gen[0].tail_ms <= 0) p.gen[0].tail_ms = 100;
    double most = fo_rollout_max_requests(&p);
    if (!(most <= FO_ROLLOUT_MAX_REQUESTS)) {
        snprintf(v, sizeof v, "%g", p.scored_fraction);
        snprintf(allowed, sizeof allowed,
                 "number in (0, %.3g] at this request rate and slice (a replay scores at most "
                 "1e8 requests)",
                 p.scored_fraction * FO_ROLLOUT_MAX_REQUESTS / most);
        return fo_error_set(err, FO_EUSAGE, "too many scored requests to replay", "scored_fraction",
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
    write_json(&j, a, &p, r, fo_buf_str(&peek));
    if (FO_WANT_TEXT(out)) write_text(out->text, a, &p, r, fo_buf_str(&peek));
    if (out->svg) fo_draw_shadow_dashboard(out->svg, &p, r, track);
    fo_buf_free(&peek);
    free(r);
    return FO_OK;
}

const fo_command fo_cmd_rollout = {
    .name = "rollout",
    .summary = "Part 2: ShadowModeDashboard, a staged rollout replayed stage by stage",
    .description =
        "Replays a staged rollout (shadow, 1%, 5%, 25%, 100%, each with a dwell time) for a "
        "track with a seeded stream of scored requests. Per stage: requests seen, failures, the "
        "running confidence that the failure rate is below p, the SPRT log-likelihood ratio, "
        "p50/p99 latency per hardware generation (where the track has them), and the decision "
        "(promote, hold, roll back) with its reason. --svg draws the ShadowModeDashboard.",
    .params = rollout_params,
    .nparams = FO_COUNT(rollout_params),
    .presets = rollout_presets,
    .npresets = FO_COUNT(rollout_presets),
    .figure = "ShadowModeDashboard: stages, running confidence, LLR, latency, decisions",
    .example = "fleetops rollout --track edge-guardian --seed 7",
    .run = run_rollout,
};
