/* crisis_cloud.h — Cloud Titan's crisis, the N-Models Explosion: 50 LLM versions, each with a
 * per-minute quality score and latency over 30 days, watched three ways.
 *
 * Each model has its own baseline, per-minute noise, daily seasonality (peak hour in its
 * customers' time zone) and a weekend level; a known set of drifts (quality drops, latency
 * rises) starts and ends at known minutes after the reference window. The monitor evaluates
 * chunks of m minutes (NannyML's chunks); each chunk in violation is one alert:
 *   static      one global threshold for every model (quality < q_min, latency > L_max)
 *   discovered  per model and metric from the reference window's chunks: mean - k sd (quality)
 *               and mean + k sd (latency), NannyML's standard-deviation threshold; or the
 *               robust quantile form median -/+ k * IQR / 1.349
 *   cusum       one-sided tabular CUSUM on chunks standardized by the reference mean and sd
 * Chunks are drawn exactly, not minute by minute: per-minute noise is iid normal (quality) or
 * lognormal (latency; the monitor tracks the chunk's geometric mean), so the mean of m minutes'
 * noise is N(0, s^2 / m), and seasonality, weekend and drift are averaged exactly over the
 * chunk's minutes. One pass over chunks; nothing per minute is stored. */
#ifndef FLEETOPS_CRISIS_CLOUD_H
#define FLEETOPS_CRISIS_CLOUD_H

#include <stddef.h>

#include "fleetops/rng.h"

#define FO_CLOUD_DAYS              30
#define FO_CLOUD_MINUTES           (FO_CLOUD_DAYS * 1440)
#define FO_CLOUD_MAX_MODELS        100
#define FO_CLOUD_MAX_DRIFTS        100
#define FO_CLOUD_MIN_CHUNK_MINUTES 15
#define FO_CLOUD_MAX_CHUNKS        (FO_CLOUD_MINUTES / FO_CLOUD_MIN_CHUNK_MINUTES)
#define FO_CLOUD_TRACES            3 /* model streams kept for the figure */

enum { FO_CLOUD_QUALITY = 0, FO_CLOUD_LATENCY = 1 };
enum { FO_CLOUD_STATIC = 0, FO_CLOUD_DISCOVERED = 1, FO_CLOUD_CUSUM = 2, FO_CLOUD_METHODS = 3 };
typedef enum fo_cloud_discovery {
    FO_DISCOVERY_SIGMA = 0,
    FO_DISCOVERY_QUANTILE = 1
} fo_cloud_discovery;

typedef struct fo_cloud_params {
    long long models;          /* LLM versions, 1..FO_CLOUD_MAX_MODELS */
    long long drifts;          /* real drifts injected, 0..FO_CLOUD_MAX_DRIFTS */
    long long chunk_minutes;   /* monitoring chunk, FO_CLOUD_MIN_CHUNK_MINUTES..1440 */
    double reference_hours;    /* reference window at the start (no drift in it) */
    double threshold_k;        /* discovered thresholds: k sigmas */
    int discovery;             /* fo_cloud_discovery */
    double cusum_k, cusum_h;   /* CUSUM slack and decision interval, in reference sigmas */
    double static_quality_min; /* the global static thresholds */
    double static_latency_max_ms;
} fo_cloud_params;

typedef struct fo_cloud_drift {
    int model, metric;      /* FO_CLOUD_QUALITY or FO_CLOUD_LATENCY */
    long long start_minute; /* the drift is on in [start, end) */
    long long end_minute;
    double magnitude; /* quality: absolute drop; latency: multiplicative rise - 1 */
    long long
        delay_minutes[FO_CLOUD_METHODS]; /* first matched alert's time - start, -1 if missed */
} fo_cloud_drift;

typedef struct fo_cloud_method {
    long long alerts, true_alerts, false_alerts;
    long long detected;                          /* drifts with at least one matched alert */
    double alerts_per_day, false_alerts_per_day; /* fleet-wide, over the monitored days */
    double precision;                            /* true / all alerts; NaN when there is no alert */
    double recall;                               /* detected / drifts; NaN when there is no drift */
    double mean_detection_delay_minutes;         /* over detected drifts; NaN when none */
} fo_cloud_method;

typedef struct fo_cloud_trace {
    int model, metric;
    double base;         /* the model's baseline (quality, or latency in ms) */
    double lower, upper; /* its discovered thresholds for the traced metric */
    signed char alert[FO_CLOUD_METHODS][FO_CLOUD_MAX_CHUNKS]; /* 1 = alert in that chunk */
    double value[FO_CLOUD_MAX_CHUNKS];                        /* the chunk values */
} fo_cloud_trace;

typedef struct fo_cloud_result {
    long long chunks, reference_chunks;
    double monitored_days;
    size_t ndrifts;
    fo_cloud_drift drifts[FO_CLOUD_MAX_DRIFTS];
    fo_cloud_method method[FO_CLOUD_METHODS];
    double false_alert_reduction; /* static false alerts / discovered (Inf when 0 discovered) */
    fo_cloud_trace trace[FO_CLOUD_TRACES];
} fo_cloud_result;

/* Runs the month. The result is large (~150 kB with the traces): allocate it. Returns 0, or -1
 * when a parameter is outside its domain. */
int fo_cloud_simulate(const fo_cloud_params *p, fo_rng *rng, fo_cloud_result *r);

#endif
