/* cmd_crisis_cloud.c — `fleetops crisis cloud-titan`: the N-Models Explosion, static vs discovered
 * thresholds vs CUSUM (engine: crisis_cloud.c) */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crisis_cmd.h"
#include "fleetops/instruments.h"
#include "fleetops/lab.h"

static const char *const cloud_method_keys[FO_CLOUD_METHODS] = {"static_threshold",
                                                                "discovered_threshold", "cusum"};
static const char *const cloud_method_names[FO_CLOUD_METHODS] = {"static threshold",
                                                                 "discovered thresholds", "CUSUM"};

static void cloud_summary(fo_buf *b, const fo_cloud_result *r) {
    const fo_cloud_method *s = &r->method[FO_CLOUD_STATIC], *d = &r->method[FO_CLOUD_DISCOVERED],
                          *c = &r->method[FO_CLOUD_CUSUM];
    fo_buf_printf(b, "Discovered per-model thresholds cut false alerts from %.1f to %.1f a day",
                  s->false_alerts_per_day, d->false_alerts_per_day);
    if (isfinite(r->false_alert_reduction))
        fo_buf_printf(b, " (%.0fx fewer)", r->false_alert_reduction);
    fo_buf_printf(b,
                  " and caught %lld of %zu drifts (recall %.0f%% against %.0f%% for the static "
                  "threshold); CUSUM caught %lld with a mean delay of %.0f min at %.1f false "
                  "alerts a day.",
                  d->detected, r->ndrifts, isfinite(d->recall) ? 100 * d->recall : 0.0,
                  isfinite(s->recall) ? 100 * s->recall : 0.0, c->detected,
                  isfinite(c->mean_detection_delay_minutes) ? c->mean_detection_delay_minutes : 0.0,
                  c->false_alerts_per_day);
}

static void cloud_peek(fo_buf *b, const fo_cloud_params *p, const fo_cloud_result *r) {
    const fo_cloud_method *s = &r->method[FO_CLOUD_STATIC], *d = &r->method[FO_CLOUD_DISCOVERED];
    fo_buf_printf(b,
                  "chunk value x_c = mean of m = %lld minutes, drawn exactly: signal averaged "
                  "over the chunk + N(0, s^2/m) noise\n",
                  p->chunk_minutes);
    if (p->discovery == FO_DISCOVERY_QUANTILE)
        fo_buf_printf(b,
                      "discovered: alert when x_c < median_ref - k*IQR_ref/1.349 (quality) or "
                      "> median_ref + k*IQR_ref/1.349 (latency), k = %g, from %lld reference "
                      "chunks per stream\n",
                      p->threshold_k, r->reference_chunks);
    else
        fo_buf_printf(b,
                      "discovered: alert when x_c < mean_ref - k*sd_ref (quality) or > "
                      "mean_ref + k*sd_ref (latency), k = %g, from %lld reference chunks per "
                      "stream\n",
                      p->threshold_k, r->reference_chunks);
    fo_buf_printf(b,
                  "static: alert when quality < %g or latency > %g ms, the same for all %lld "
                  "models\n",
                  p->static_quality_min, p->static_latency_max_ms, p->models);
    fo_buf_printf(b,
                  "CUSUM: z_c = (x_c - profile_ref[slot of day]) / sd_resid; S+ = max(0, S+ + "
                  "z - k), S- = max(0, S- - z - k); alert when S > h (k = %g, h = %g), then "
                  "S restarts\n",
                  p->cusum_k, p->cusum_h);
    fo_buf_printf(b, "an alert in chunk [a, a+m) is true when it overlaps a drift of the same "
                     "model and metric, [start, end + m); a drift is detected by its first true "
                     "alert, delay = a + m - start\n");
    for (int k = 0; k < FO_CLOUD_METHODS; k++) {
        const fo_cloud_method *mt = &r->method[k];
        fo_buf_printf(b,
                      "%s: precision = %lld / %lld = %.3f, recall = %lld / %zu = %.2f, alerts/day "
                      "= %lld / %.2f d = %.1f\n",
                      cloud_method_names[k], mt->true_alerts, mt->alerts,
                      isfinite(mt->precision) ? mt->precision : 0.0, mt->detected, r->ndrifts,
                      isfinite(mt->recall) ? mt->recall : 0.0, mt->alerts, r->monitored_days,
                      mt->alerts_per_day);
    }
    fo_buf_printf(b, "false-alert reduction = static false / discovered false = %lld / %lld",
                  s->false_alerts, d->false_alerts);
    if (isfinite(r->false_alert_reduction)) fo_buf_printf(b, " = %.1fx", r->false_alert_reduction);
}

static void cloud_json(fo_json *j, const fo_cloud_params *p, const fo_cloud_result *r) {
    fo_json_int(j, "models", p->models);
    fo_json_int(j, "days", FO_CLOUD_DAYS);
    fo_json_int(j, "chunk_minutes", p->chunk_minutes);
    fo_json_number(j, "reference_hours", p->reference_hours);
    fo_json_number(j, "monitored_days", r->monitored_days);
    fo_json_int(j, "drifts", (long long)r->ndrifts);
    for (int k = 0; k < FO_CLOUD_METHODS; k++) {
        const fo_cloud_method *mt = &r->method[k];
        fo_json_object_begin(j, cloud_method_keys[k]);
        fo_json_number(j, "alerts_per_day", mt->alerts_per_day);
        fo_json_number(j, "precision", mt->precision);
        fo_json_number(j, "recall", mt->recall);
        fo_json_number(j, "mean_detection_delay_minutes", mt->mean_detection_delay_minutes);
        fo_json_number(j, "false_alerts_per_day", mt->false_alerts_per_day);
        fo_json_int(j, "alerts", mt->alerts);
        fo_json_int(j, "true_alerts", mt->true_alerts);
        fo_json_int(j, "false_alerts", mt->false_alerts);
        fo_json_int(j, "drifts_detected", mt->detected);
        if (k == FO_CLOUD_STATIC) {
            fo_json_number(j, "quality_min", p->static_quality_min);
            fo_json_number(j, "latency_max_ms", p->static_latency_max_ms);
        } else if (k == FO_CLOUD_DISCOVERED) {
            fo_json_string(j, "method", fo_crisis_discovery_choices[p->discovery]);
            fo_json_number(j, "k", p->threshold_k);
        } else {
            fo_json_number(j, "k", p->cusum_k);
            fo_json_number(j, "h", p->cusum_h);
        }
        fo_json_object_end(j);
    }
    fo_json_number(j, "false_alert_reduction", r->false_alert_reduction);
    fo_json_array_begin(j, "drift_events");
    for (size_t i = 0; i < r->ndrifts; i++) {
        const fo_cloud_drift *d = &r->drifts[i];
        fo_json_object_begin(j, NULL);
        fo_json_int(j, "model", d->model);
        fo_json_string(j, "metric", d->metric == FO_CLOUD_QUALITY ? "quality" : "latency");
        fo_json_number(j, "start_hours", (double)d->start_minute / 60.0);
        fo_json_number(j, "end_hours", (double)d->end_minute / 60.0);
        fo_json_number(j, d->metric == FO_CLOUD_QUALITY ? "quality_drop" : "latency_rise",
                       d->magnitude);
        fo_json_object_begin(j, "delay_minutes");
        for (int k = 0; k < FO_CLOUD_METHODS; k++)
            if (d->delay_minutes[k] >= 0)
                fo_json_int(j, cloud_method_keys[k], d->delay_minutes[k]);
            else
                fo_json_null(j, cloud_method_keys[k]);
        fo_json_object_end(j);
        fo_json_object_end(j);
    }
    fo_json_array_end(j);
}

static void cloud_text(fo_buf *b, const fo_cloud_params *p, const fo_cloud_result *r,
                       const char *summary) {
    fo_buf_printf(b, "Cloud Titan crisis - The N-Models Explosion\n");
    fo_buf_printf(b,
                  "%lld LLM versions x 2 metrics (quality, latency), per-minute streams for %d "
                  "days, monitored in %lld-minute chunks;\nreference window %g h, then %.1f "
                  "days watched; %zu real drifts injected.\n\n",
                  p->models, FO_CLOUD_DAYS, p->chunk_minutes, p->reference_hours, r->monitored_days,
                  r->ndrifts);
    fo_buf_printf(b, "  %-22s %12s %12s %10s %8s %14s\n", "method", "alerts/day", "false/day",
                  "precision", "recall", "mean delay");
    for (int k = 0; k < FO_CLOUD_METHODS; k++) {
        const fo_cloud_method *mt = &r->method[k];
        fo_buf_printf(b, "  %-22s %12.1f %12.2f ", cloud_method_names[k], mt->alerts_per_day,
                      mt->false_alerts_per_day);
        if (isfinite(mt->precision))
            fo_buf_printf(b, "%10.3f ", mt->precision);
        else
            fo_buf_printf(b, "%10s ", "-");
        if (isfinite(mt->recall))
            fo_buf_printf(b, "%8.2f ", mt->recall);
        else
            fo_buf_printf(b, "%8s ", "-");
        if (isfinite(mt->mean_detection_delay_minutes))
            fo_buf_printf(b, "%10.0f min\n", mt->mean_detection_delay_minutes);
        else
            fo_buf_printf(b, "%14s\n", "-");
    }
    fo_buf_printf(b,
                  "\n  Static: quality < %g or latency > %g ms for every model.\n  Discovered: "
                  "%s, k = %g, per model and metric. CUSUM: k = %g, h = %g.\n",
                  p->static_quality_min, p->static_latency_max_ms,
                  p->discovery == FO_DISCOVERY_QUANTILE ? "median -/+ k IQR/1.349"
                                                        : "mean -/+ k sd",
                  p->threshold_k, p->cusum_k, p->cusum_h);
    fo_buf_printf(b, "\n%s\n", summary);
}

fo_status fo_crisis_run_cloud(const fo_args *a, crisis_params *p, fo_rng *rng, fo_output *out,
                              fo_error *err) {
    p->cloud.reference_hours = fo_arg_num(a, "reference_hours");
    char v[40];
    if (1440 % p->cloud.chunk_minutes != 0) {
        snprintf(v, sizeof v, "%lld", p->cloud.chunk_minutes);
        return fo_error_set(err, FO_EUSAGE, "does not divide a day", "chunk_minutes", v,
                            "a divisor of 1440 in [15, 1440]: 15, 16, 18, 20, 24, 30, 32, 36, 40, "
                            "45, 48, 60, 72, 80, 90, 96, 120, 144, 160, 180, 240, 288, 360, 480, "
                            "720, 1440");
    }
    if (p->cloud.reference_hours < 48) {
        snprintf(v, sizeof v, "%g", p->cloud.reference_hours);
        return fo_error_set(err, FO_EUSAGE, "too short for cloud-titan", "reference_hours", v,
                            "number in [48, 336] for cloud-titan (two days: the CUSUM's daily "
                            "profile needs two values per slot)");
    }
    fo_cloud_result *r = malloc(sizeof *r);
    if (!r) return fo_error_set(err, FO_ENOMEM, "out of memory", "", "", "");
    if (fo_cloud_simulate(&p->cloud, rng, r) != 0) {
        free(r);
        return fo_error_set(err, FO_EINTERNAL, "crisis: parameters outside the model's domain", "",
                            "", "");
    }
    fo_buf summary, peek;
    fo_buf_init(&summary), fo_buf_init(&peek);
    cloud_summary(&summary, r);
    cloud_peek(&peek, &p->cloud, r);
    fo_json j;
    fo_json_init(&j, out->json);
    fo_crisis_begin_json(&j, a, p, fo_buf_str(&summary));
    cloud_json(&j, &p->cloud, r);
    fo_json_string(&j, "math_peek", fo_buf_str(&peek));
    fo_json_object_end(&j);
    if (FO_WANT_TEXT(out)) {
        cloud_text(out->text, &p->cloud, r, fo_buf_str(&summary));
        fo_text_math_peek(out->text, fo_buf_str(&peek));
    }
    if (out->svg) fo_draw_cloud_alerts(out->svg, fo_figure_width(a), &p->cloud, r);
    fo_buf_free(&summary), fo_buf_free(&peek);
    free(r);
    return FO_OK;
}
