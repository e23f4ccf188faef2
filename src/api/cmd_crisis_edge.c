/* cmd_crisis_edge.c — `fleetops crisis edge-guardian`: the Rollout Jitter, the staged rollout and
 * its per-generation gate (engine: crisis_edge.c) */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crisis_cmd.h"
#include "fleetops/instruments.h"
#include "fleetops/lab.h"

static const char *stage_name(const fo_edge_result *r, int s) {
    return s >= 0 ? r->stages[s].name : NULL;
}

static void edge_summary(fo_buf *b, const fo_edge_params *p, const fo_edge_result *r) {
    const fo_edge_run *g = &r->per_generation, *f = &r->fleetwide;
    char n1[32], n2[32], n3[32];
    if (g->detected && g->detected_generation >= 0) {
        const fo_edge_generation *gen = &r->gen[g->detected_generation];
        fo_buf_printf(b,
                      "The per-generation gate caught the new model's %.0f ms p99.9 on %s "
                      "(%.2f%% of frames over the %g ms deadline) in the %s stage after %.0f h, "
                      "with %s vehicles running the new model and %s driving on it, and rolled "
                      "the fleet back in %.0f h; ",
                      gen->p999_ms, gen->name, 100.0 * gen->deadline_miss_rate, p->deadline_ms,
                      stage_name(r, g->detected_stage), g->detected_hours,
                      fo_crisis_fmt_count(n1, sizeof n1, (double)g->vehicles_exposed),
                      fo_crisis_fmt_count(n2, sizeof n2, (double)g->vehicles_serving),
                      g->hours_to_full_rollback);
    } else {
        fo_buf_printf(b,
                      "No per-generation gate fired (every generation's p%g stayed within the "
                      "%g ms deadline) and the rollout reached %s vehicles; ",
                      100.0 * p->gate_quantile, p->deadline_ms,
                      fo_crisis_fmt_count(n1, sizeof n1, (double)g->vehicles_exposed));
    }
    if (f->detected)
        fo_buf_printf(b,
                      "the fleet-wide p99 check (fleet p99 %.1f ms) fired %s, in the %s stage "
                      "after %.0f h.",
                      r->fleet_p99_ms,
                      g->detected && f->detected_hours > g->detected_hours ? "later" : "too",
                      stage_name(r, f->detected_stage), f->detected_hours);
    else
        fo_buf_printf(
            b,
            "the fleet-wide p99 check (fleet p99 %.1f ms) never fired and put all %s "
            "vehicles on the new model, %s of them on %s.",
            r->fleet_p99_ms, fo_crisis_fmt_count(n1, sizeof n1, (double)f->vehicles_exposed),
            fo_crisis_fmt_count(n3, sizeof n3, (double)f->oldest_serving), r->gen[0].name);
}

static void edge_peek(fo_buf *b, const fo_edge_params *p, const fo_edge_result *r) {
    const fo_edge_generation *g0 = &r->gen[0];
    fo_buf_printf(b,
                  "latency per frame: lognormal body; on %s the new model is the mixture "
                  "(1 - %g) LN(%.1f ms) + %g LN(%g ms, 0.25)\n",
                  g0->name, p->tail_probability, g0->p50_ms, p->tail_probability, p->tail_ms);
    fo_buf_printf(b,
                  "miss rate %s = (1 - %g) Phi((ln %.2f - ln %g)/%.2f) + %g Phi((ln %g - ln "
                  "%g)/%.2f) = %.3g; p99.9 solves sf(x) = 0.001: %.1f ms (exact, by bisection)\n",
                  g0->name, g0->new_model.tail_probability, g0->new_model.median_ms, p->deadline_ms,
                  g0->new_model.sigma, g0->new_model.tail_probability, g0->new_model.tail_median_ms,
                  p->deadline_ms, g0->new_model.tail_sigma, g0->deadline_miss_rate, g0->p999_ms);
    fo_buf_printf(b,
                  "per-generation gate: X_g misses in F_g frames; fire when P(X >= X_g | F_g, "
                  "1 - %g) <= alpha/G = %g/%zu (exact binomial tail)\n",
                  p->gate_quantile, p->alpha, r->ngen);
    fo_buf_printf(b,
                  "fleet-wide check: pooled misses against 1 - 0.99 = 0.01 at alpha = %g; fleet "
                  "miss rate = sum share_g * miss_g = %.3g < 0.01, fleet p99 = %.2f ms\n",
                  p->alpha, r->fleet_deadline_miss_rate, r->fleet_p99_ms);
    fo_buf_printf(b,
                  "per hour: installs ~ Bin(pending, 1 - exp(-1/%g h)), drivers ~ Bin(on new, "
                  "%.4f), frames = drivers * 3600 * %g Hz, misses ~ Bin(frames, miss_g)\n",
                  p->ota_mean_hours, FO_EDGE_DRIVING_FRACTION, r->loop_hz);
    fo_buf_printf(b,
                  "per vehicle: its generation, rollout bucket, install and revert hours, "
                  "hours driven and frame misses, drawn as exact binomial counts over the "
                  "vehicles of a generation and bucket (they are exchangeable), not one by one\n");
    if (r->per_generation.detected)
        fo_buf_printf(b,
                      "%s at the decision: %lld misses in %lld frames (%.3g); exposed = "
                      "vehicles running the new model = %lld",
                      g0->name, g0->misses, g0->frames,
                      g0->frames ? (double)g0->misses / (double)g0->frames : 0.0,
                      r->per_generation.vehicles_exposed);
    else
        fo_buf_printf(b, "%s over the rollout: %lld misses in %lld frames", g0->name, g0->misses,
                      g0->frames);
}

static void edge_run_json(fo_json *j, const fo_edge_result *r, const fo_edge_run *u) {
    fo_json_bool(j, "detected", u->detected);
    if (u->detected_stage >= 0)
        fo_json_string(j, "detected_at_stage", stage_name(r, u->detected_stage));
    else
        fo_json_null(j, "detected_at_stage");
    fo_json_number(j, "detected_hours", u->detected_hours);
    fo_json_int(j, "vehicles_exposed", u->vehicles_exposed);
    fo_json_int(j, "vehicles_serving", u->vehicles_serving);
    fo_json_int(j, "oldest_generation_serving", u->oldest_serving);
    fo_json_number(j, "hours_to_full_rollback", u->hours_to_full_rollback);
}

static void edge_json(fo_json *j, const fo_edge_params *p, const fo_edge_result *r) {
    const fo_edge_run *g = &r->per_generation;
    fo_json_int(j, "fleet_size", p->fleet_size);
    fo_json_number(j, "deadline_ms", p->deadline_ms);
    fo_json_number(j, "loop_hz", r->loop_hz);
    fo_json_array_begin(j, "generations");
    for (size_t i = 0; i < r->ngen; i++) {
        const fo_edge_generation *x = &r->gen[i];
        fo_json_object_begin(j, NULL);
        fo_json_string(j, "name", x->name);
        fo_json_number(j, "share", x->share);
        fo_json_int(j, "vehicles", x->vehicles);
        fo_json_number(j, "p50_ms", x->p50_ms);
        fo_json_number(j, "p99_ms", x->p99_ms);
        fo_json_number(j, "p999_ms", x->p999_ms);
        fo_json_number(j, "deadline_miss_rate", x->deadline_miss_rate);
        fo_json_object_begin(j, "old_model");
        fo_json_number(j, "p50_ms", x->old_p50_ms);
        fo_json_number(j, "p99_ms", x->old_p99_ms);
        fo_json_number(j, "p999_ms", x->old_p999_ms);
        fo_json_number(j, "deadline_miss_rate", x->old_deadline_miss_rate);
        fo_json_object_end(j);
        fo_json_int(j, "frames_observed", x->frames);
        fo_json_int(j, "misses_observed", x->misses);
        fo_json_number(j, "observed_miss_rate",
                       x->frames ? (double)x->misses / (double)x->frames : NAN);
        fo_json_number(j, "gate_p_value", x->p_value);
        fo_json_object_end(j);
    }
    fo_json_array_end(j);
    fo_json_bool(j, "detected", g->detected);
    if (g->detected_stage >= 0)
        fo_json_string(j, "detected_at_stage", stage_name(r, g->detected_stage));
    else
        fo_json_null(j, "detected_at_stage");
    if (g->detected_generation >= 0)
        fo_json_string(j, "detected_generation", r->gen[g->detected_generation].name);
    else
        fo_json_null(j, "detected_generation");
    fo_json_number(j, "detected_hours", g->detected_hours);
    fo_json_int(j, "vehicles_exposed", g->vehicles_exposed);
    fo_json_int(j, "vehicles_serving", g->vehicles_serving);
    fo_json_number(j, "hours_to_full_rollback", g->hours_to_full_rollback);
    fo_json_bool(j, "fleetwide_check_detected", r->fleetwide.detected);
    fo_json_object_begin(j, "fleetwide_check");
    fo_json_number(j, "quantile", FO_EDGE_FLEET_QUANTILE);
    fo_json_number(j, "fleet_p99_ms", r->fleet_p99_ms);
    fo_json_number(j, "fleet_deadline_miss_rate", r->fleet_deadline_miss_rate);
    edge_run_json(j, r, &r->fleetwide);
    fo_json_object_end(j);
    fo_json_number(j, "gate_quantile", p->gate_quantile);
    fo_json_number(j, "alpha", p->alpha);
    fo_json_array_begin(j, "stages");
    for (size_t s = 0; s < r->nstages; s++) {
        fo_json_object_begin(j, NULL);
        fo_json_string(j, "name", r->stages[s].name);
        fo_json_number(j, "traffic_fraction", r->stages[s].traffic_fraction);
        fo_json_number(j, "observed_fraction", r->stages[s].observed_fraction);
        fo_json_number(j, "start_hours", r->stage_start_hours[s]);
        fo_json_number(j, "dwell_hours", r->stages[s].dwell_hours);
        fo_json_object_end(j);
    }
    fo_json_array_end(j);
}

static void edge_text(fo_buf *b, const fo_edge_params *p, const fo_edge_result *r,
                      const char *summary) {
    char n1[32];
    fo_buf_printf(b, "Edge Guardian crisis - The Rollout Jitter\n");
    fo_buf_printf(b, "%s vehicles, %g ms safety-loop deadline (%g Hz); rollout ladder:",
                  fo_crisis_fmt_count(n1, sizeof n1, (double)p->fleet_size), p->deadline_ms,
                  r->loop_hz);
    for (size_t s = 0; s < r->nstages; s++)
        fo_buf_printf(b, " %s%s", r->stages[s].name, s + 1 < r->nstages ? " ->" : "");
    fo_buf_printf(b, "\n\n  %-12s %6s %10s   %-24s %-24s %13s\n", "generation", "share", "vehicles",
                  "old model p50/p99/p99.9", "new model p50/p99/p99.9", "new miss rate");
    for (size_t i = 0; i < r->ngen; i++) {
        const fo_edge_generation *x = &r->gen[i];
        char o[40], nw[40];
        snprintf(o, sizeof o, "%.1f / %.1f / %.1f ms", x->old_p50_ms, x->old_p99_ms,
                 x->old_p999_ms);
        snprintf(nw, sizeof nw, "%.1f / %.1f / %.1f ms", x->p50_ms, x->p99_ms, x->p999_ms);
        fo_buf_printf(b, "  %-12s %5.1f%% %10s   %-24s %-24s %13.2e\n", x->name, 100 * x->share,
                      fo_crisis_fmt_count(n1, sizeof n1, (double)x->vehicles), o, nw,
                      x->deadline_miss_rate);
    }
    char fl[40];
    snprintf(fl, sizeof fl, "p99 %.1f ms", r->fleet_p99_ms);
    fo_buf_printf(b, "  %-12s %6s %10s   %-24s %-24s %13.2e\n", "whole fleet", "100.0%",
                  fo_crisis_fmt_count(n1, sizeof n1, (double)p->fleet_size), "", fl,
                  r->fleet_deadline_miss_rate);
    const fo_edge_run *runs[2] = {&r->per_generation, &r->fleetwide};
    fo_buf_printf(b, "\n  %-26s %9s %8s %10s %10s %12s\n", "gate", "detected", "stage", "after",
                  "exposed", "rollback");
    for (int k = 0; k < 2; k++) {
        const fo_edge_run *u = runs[k];
        char name[40];
        if (k == 0)
            snprintf(name, sizeof name, "per-generation p%g gate", 100 * p->gate_quantile);
        else
            snprintf(name, sizeof name, "fleet-wide p99 check");
        fo_buf_printf(b, "  %-26s %9s %8s ", name, u->detected ? "yes" : "no",
                      u->detected ? stage_name(r, u->detected_stage) : "-");
        if (u->detected)
            fo_buf_printf(b, "%8.0f h ", u->detected_hours);
        else
            fo_buf_printf(b, "%10s ", "-");
        fo_buf_printf(b, "%10s ", fo_crisis_fmt_count(n1, sizeof n1, (double)u->vehicles_exposed));
        if (isfinite(u->hours_to_full_rollback))
            fo_buf_printf(b, "%10.0f h\n", u->hours_to_full_rollback);
        else
            fo_buf_printf(b, "%12s\n", "-");
    }
    fo_buf_printf(b,
                  "  (exposed: vehicles running the new model, shadow or serving, when the gate "
                  "fired, or at the end)\n\n%s\n",
                  summary);
}

fo_status fo_crisis_run_edge(const fo_args *a, crisis_params *p, fo_rng *rng, fo_output *out,
                             fo_error *err) {
    p->edge.alpha = fo_arg_num(a, "alpha");
    fo_edge_result *r = malloc(sizeof *r);
    if (!r) return fo_error_set(err, FO_ENOMEM, "out of memory", "", "", "");
    if (fo_edge_simulate(&p->edge, rng, r) != 0) {
        free(r);
        return fo_error_set(err, FO_EINTERNAL, "crisis: parameters outside the model's domain", "",
                            "", "");
    }
    fo_buf summary, peek;
    fo_buf_init(&summary), fo_buf_init(&peek);
    edge_summary(&summary, &p->edge, r);
    edge_peek(&peek, &p->edge, r);
    fo_json j;
    fo_json_init(&j, out->json);
    fo_crisis_begin_json(&j, a, p, fo_buf_str(&summary));
    edge_json(&j, &p->edge, r);
    fo_json_string(&j, "math_peek", fo_buf_str(&peek));
    fo_json_object_end(&j);
    if (FO_WANT_TEXT(out)) {
        edge_text(out->text, &p->edge, r, fo_buf_str(&summary));
        fo_text_math_peek(out->text, fo_buf_str(&peek));
    }
    if (out->svg) fo_draw_edge_rollout(out->svg, fo_figure_width(a), &p->edge, r);
    fo_buf_free(&summary), fo_buf_free(&peek);
    free(r);
    return FO_OK;
}
