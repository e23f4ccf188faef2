/* cmd_crisis_mobile.c — `fleetops crisis mobile-nomad`: the App-OS Skew, aggregate vs per-region
 * monitoring (engine: crisis_mobile.c) */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crisis_cmd.h"
#include "fleetops/instruments.h"
#include "fleetops/lab.h"

static const char *const correction_names[] = {"Benjamini-Hochberg", "Bonferroni", "no correction"};

static void mobile_summary(fo_buf *b, const fo_mobile_params *p, const fo_mobile_result *r) {
    int first = -1;
    for (size_t i = 0; i < r->nregions; i++) {
        const fo_mobile_region *x = &r->region[i];
        if (x->flagged && x->affected && x->flagged_at_hours == r->slice_detection_hours &&
            first < 0)
            first = (int)i;
    }
    int caught = r->regions_affected - r->missed;
    fo_buf_printf(
        b,
        "Slice-level monitoring (%s, alpha %.3g%%) flagged %d of the %d regions whose FPS "
        "fell by more than %g",
        correction_names[p->correction], 100 * p->alpha, caught, r->regions_affected,
        p->min_drop_fps);
    if (first >= 0)
        fo_buf_printf(b, ", the first (%s) %.0f h after the release", r->region[first].name,
                      r->slice_detection_hours);
    fo_buf_printf(b, ", with %d false alarm%s; ", r->false_alarms, r->false_alarms == 1 ? "" : "s");
    if (r->aggregate_detected)
        fo_buf_printf(b,
                      "the aggregate FPS (down %.1f by the end) crossed the line only after "
                      "%.0f h.",
                      r->aggregate_true_drop_end, r->aggregate_detection_hours);
    else
        fo_buf_printf(b, "the aggregate FPS (down %.1f by the end) never did.",
                      r->aggregate_true_drop_end);
}

static void mobile_peek(fo_buf *b, const fo_mobile_params *p, const fo_mobile_result *r) {
    const fo_mobile_region *x = NULL;
    for (size_t i = 0; i < r->nregions; i++)
        if (r->region[i].flagged && r->region[i].affected &&
            r->region[i].flagged_at_hours == r->slice_detection_hours)
            x = &r->region[i];
    fo_buf_printf(b, "adoption a(t) = 0.95 (L(t) - L(0)) / (1 - L(0)), L(t) = 1/(1 + exp(-(t - "
                     "t50)/s)); FPS now = FPS before - drop * (updated sessions / sessions)\n");
    fo_buf_printf(b,
                  "per region and hour: z = (mean_ref - mean_now - %g) / sqrt(%g^2/n_ref + "
                  "%g^2/n_now), p = 1 - Phi(z), n_now = %lld * share\n",
                  p->min_drop_fps, FO_MOBILE_SESSION_FPS_SD, FO_MOBILE_SESSION_FPS_SD,
                  p->sessions_per_hour);
    if (p->correction == FO_CORRECTION_BH)
        fo_buf_printf(b,
                      "Benjamini-Hochberg each hour: sort the 10 p-values, reject the k "
                      "smallest for the largest k with p_(k) <= k * %g / 10\n",
                      p->alpha);
    else if (p->correction == FO_CORRECTION_BONFERRONI)
        fo_buf_printf(b, "Bonferroni each hour: reject p <= %g / 10 = %g\n", p->alpha,
                      p->alpha / 10.0);
    else
        fo_buf_printf(b, "no correction: reject every p <= %g (10 tests an hour)\n", p->alpha);
    fo_buf_printf(b, "aggregate: the same z-test on all %lld sessions pooled, p <= %g\n",
                  p->sessions_per_hour, p->alpha);
    if (x) {
        long long h = (long long)x->flagged_at_hours;
        double n = (double)llround((double)p->sessions_per_hour * x->share);
        fo_buf_printf(b,
                      "%s at %lld h: z = (%.2f - %.2f - %g) / sqrt(%g^2/%.0f + %g^2/%.0f) = %.2f, "
                      "p = %.2g; its true drop by the end %.2f FPS\n",
                      x->name, h, x->fps_before, x->observed[h], p->min_drop_fps,
                      FO_MOBILE_SESSION_FPS_SD, n * ceil(p->reference_hours),
                      FO_MOBILE_SESSION_FPS_SD, n, x->flag_z, x->flag_p, x->true_drop_fps);
    }
    if (r->aggregate_detected)
        fo_buf_printf(b, "aggregate at %.0f h: z = %.2f, p = %.2g; ", r->aggregate_detection_hours,
                      r->aggregate_z, r->aggregate_p);
    else
        fo_buf_printf(b, "aggregate at the last hour: z = %.2f, p = %.2g (never <= %g); ",
                      r->aggregate_z, r->aggregate_p, p->alpha);
    fo_buf_printf(b,
                  "before %.2f FPS, true drop by the end %.2f FPS = sum share_r * drop_r * a_r(t)",
                  r->aggregate_before, r->aggregate_true_drop_end);
}

static void mobile_json(fo_json *j, const fo_mobile_params *p, const fo_mobile_result *r) {
    fo_json_array_begin(j, "regions");
    for (size_t i = 0; i < r->nregions; i++) {
        const fo_mobile_region *x = &r->region[i];
        fo_json_object_begin(j, NULL);
        fo_json_string(j, "name", x->name);
        fo_json_number(j, "share", x->share);
        fo_json_number(j, "fps_before", x->fps_before);
        fo_json_number(j, "fps_after", x->fps_after);
        fo_json_bool(j, "flagged", x->flagged);
        fo_json_number(j, "flagged_at_hours", x->flagged_at_hours);
        fo_json_bool(j, "affected", x->affected);
        fo_json_number(j, "true_drop_fps", x->true_drop_fps);
        fo_json_number(j, "adoption_end", x->adoption_end);
        fo_json_object_end(j);
    }
    fo_json_array_end(j);
    fo_json_bool(j, "aggregate_detected", r->aggregate_detected);
    fo_json_number(j, "aggregate_detection_hours", r->aggregate_detection_hours);
    fo_json_number(j, "slice_detection_hours", r->slice_detection_hours);
    fo_json_int(j, "false_alarms", r->false_alarms);
    fo_json_string(j, "correction", fo_crisis_correction_choices[p->correction]);
    fo_json_number(j, "alpha", p->alpha);
    fo_json_number(j, "min_drop_fps", p->min_drop_fps);
    fo_json_int(j, "regions_affected", r->regions_affected);
    fo_json_int(j, "regions_flagged", r->regions_flagged);
    fo_json_int(j, "regions_missed", r->missed);
    fo_json_number(j, "aggregate_fps_before", r->aggregate_before);
    fo_json_number(j, "aggregate_true_drop_fps", r->aggregate_true_drop_end);
    fo_json_int(j, "monitor_hours", p->monitor_hours);
}

static void mobile_text(fo_buf *b, const fo_mobile_params *p, const fo_mobile_result *r,
                        const char *summary) {
    fo_buf_printf(b, "Mobile Nomad crisis - The App-OS Skew\n");
    char ns[32];
    fo_buf_printf(b,
                  "10 regions, %s AR sessions an hour, %lld h watched after the OS update; "
                  "a drop of more than %g FPS matters; %s at alpha %g.\n\n",
                  fo_crisis_fmt_count(ns, sizeof ns, (double)p->sessions_per_hour),
                  p->monitor_hours, p->min_drop_fps, correction_names[p->correction], p->alpha);
    fo_buf_printf(b, "  %-16s %6s %10s %10s %10s %9s %10s\n", "region", "share", "FPS before",
                  "FPS after", "true drop", "adopted", "flagged");
    for (size_t i = 0; i < r->nregions; i++) {
        const fo_mobile_region *x = &r->region[i];
        fo_buf_printf(b, "  %-16s %5.0f%% %10.1f %10.1f %10.1f %8.0f%% ", x->name, 100 * x->share,
                      x->fps_before, x->fps_after, x->true_drop_fps, 100 * x->adoption_end);
        if (x->flagged)
            fo_buf_printf(b, "%8.0f h%s\n", x->flagged_at_hours,
                          x->affected ? "" : "  (false alarm)");
        else
            fo_buf_printf(b, "%10s%s\n", "-", x->affected ? "  (missed)" : "");
    }
    fo_buf_printf(b, "  %-16s %6s %10.1f %10.1f %10.1f %9s ", "aggregate", "", r->aggregate_before,
                  r->aggregate[p->monitor_hours], r->aggregate_true_drop_end, "");
    if (r->aggregate_detected)
        fo_buf_printf(b, "%8.0f h\n", r->aggregate_detection_hours);
    else
        fo_buf_printf(b, "%10s\n", "never");
    fo_buf_printf(b, "\n%s\n", summary);
}

fo_status fo_crisis_run_mobile(const fo_args *a, crisis_params *p, fo_rng *rng, fo_output *out,
                               fo_error *err) {
    p->mobile.alpha = fo_arg_num(a, "alpha");
    p->mobile.reference_hours = fo_arg_num(a, "reference_hours");
    fo_mobile_result *r = malloc(sizeof *r);
    if (!r) return fo_error_set(err, FO_ENOMEM, "out of memory", "", "", "");
    if (fo_mobile_simulate(&p->mobile, rng, r) != 0) {
        free(r);
        return fo_error_set(err, FO_EINTERNAL, "crisis: parameters outside the model's domain", "",
                            "", "");
    }
    fo_buf summary, peek;
    fo_buf_init(&summary), fo_buf_init(&peek);
    mobile_summary(&summary, &p->mobile, r);
    mobile_peek(&peek, &p->mobile, r);
    fo_json j;
    fo_json_init(&j, out->json);
    fo_crisis_begin_json(&j, a, p, fo_buf_str(&summary));
    mobile_json(&j, &p->mobile, r);
    fo_json_string(&j, "math_peek", fo_buf_str(&peek));
    fo_json_object_end(&j);
    if (FO_WANT_TEXT(out)) {
        mobile_text(out->text, &p->mobile, r, fo_buf_str(&summary));
        fo_text_math_peek(out->text, fo_buf_str(&peek));
    }
    if (out->svg) fo_draw_mobile_regions(out->svg, fo_figure_width(a), &p->mobile, r);
    fo_buf_free(&summary), fo_buf_free(&peek);
    free(r);
    return FO_OK;
}
