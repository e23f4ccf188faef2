/* crisis_cloud.c — Cloud Titan's N-Models Explosion (crisis_cloud.h).
 *
 * The fleet (drawn from the seed, in this order: models, drifts, then the streams):
 *   quality  baseline U(0.80, 0.95); per-minute noise sd U(0.02, 0.05) (a score averaged over a
 *            minute's requests); daily dip at the model's peak hour of amplitude U(0.003, 0.012)
 *            (peak traffic brings harder prompts).
 *   latency  baseline log-uniform on [250, 2500] ms (7B to 70B+ models, short to long
 *            answers); per-minute lognormal noise, log-sd U(0.10, 0.25); daily peak rise of
 *            U(5%, 20%) (batching under load).
 *   peak hour uniform on the day (customers in every time zone).
 *   drifts   model uniform, metric quality or latency with equal odds, start uniform after the
 *            reference window, duration U(12, 72) h (until someone notices and fixes it);
 *            quality drops U(0.01, 0.05), latency rises U(+10%, +50%).
 * Alerts are counted in the monitored period only (after the reference window).
 *
 * CUSUM assumes independent in-control values; hourly chunks of a seasonal metric are not
 * (half a day above the mean sums up to a false signal). So CUSUM runs on residuals from the
 * reference window's daily profile (the mean of each chunk-of-day slot), standardized by the
 * residual sd: the usual remedy of charting residuals of a model of the in-control process. */
#include "fleetops/crisis_cloud.h"

#include <math.h>
#include <string.h>

#include "fleetops/libm.h"
#include "fleetops/stats.h"

#define TWO_PI         6.28318530717958647692
#define OMEGA          (TWO_PI / 1440.0) /* one day, per minute */
#define MAX_REF_CHUNKS (336 * 60 / FO_CLOUD_MIN_CHUNK_MINUTES)

typedef struct model_spec {
    double base[2];     /* quality level; log of latency in ms */
    double noise_sd[2]; /* per-minute sd (quality) or log-sd (latency) */
    double daily[2];    /* amplitude of the daily cycle (quality: dip; latency: log rise) */
    double peak_minute; /* minute of the day with the highest load */
} model_spec;

static double uniform(fo_rng *r, double lo, double hi) {
    return lo + (hi - lo) * fo_rng_uniform(r);
}

static void draw_models(fo_rng *r, long long n, model_spec *m) {
    for (long long i = 0; i < n; i++) {
        model_spec *s = &m[i];
        s->base[FO_CLOUD_QUALITY] = uniform(r, 0.80, 0.95);
        s->noise_sd[FO_CLOUD_QUALITY] = uniform(r, 0.02, 0.05);
        s->daily[FO_CLOUD_QUALITY] = -uniform(r, 0.003, 0.012);
        s->base[FO_CLOUD_LATENCY] = uniform(r, fo_log(250.0), fo_log(2500.0));
        s->noise_sd[FO_CLOUD_LATENCY] = uniform(r, 0.10, 0.25);
        s->daily[FO_CLOUD_LATENCY] = fo_log(uniform(r, 1.05, 1.20));
        s->peak_minute = uniform(r, 0.0, 1440.0);
    }
}

static void draw_drifts(fo_rng *r, const fo_cloud_params *p, long long ref_end,
                        fo_cloud_result *res) {
    res->ndrifts = (size_t)p->drifts;
    for (size_t i = 0; i < res->ndrifts; i++) {
        fo_cloud_drift *d = &res->drifts[i];
        d->model = (int)fo_rng_below(r, (uint64_t)p->models);
        d->metric = fo_rng_uniform(r) < 0.5 ? FO_CLOUD_QUALITY : FO_CLOUD_LATENCY;
        long long dur = (long long)floor(uniform(r, 12.0, 72.0) * 60.0);
        long long room = FO_CLOUD_MINUTES - ref_end;
        if (dur > room / 2) dur = room / 2;
        d->start_minute = ref_end + (long long)fo_rng_below(r, (uint64_t)(room - dur));
        d->end_minute = d->start_minute + dur;
        d->magnitude =
            d->metric == FO_CLOUD_QUALITY ? uniform(r, 0.01, 0.05) : uniform(r, 0.10, 0.50);
        for (int k = 0; k < FO_CLOUD_METHODS; k++)
            d->delay_minutes[k] = -1;
    }
}

static double overlap(long long a, long long b, long long lo, long long hi) {
    long long x = a > lo ? a : lo, y = b < hi ? b : hi;
    return y > x ? (double)(y - x) : 0.0;
}

/* The traced streams: the model sitting closest above the static quality floor (the static
 * threshold's noise), the highest-baseline model with a quality drift (what the static
 * threshold misses), and a model with a latency drift. */
static void pick_traces(const fo_cloud_params *p, const model_spec *m, fo_cloud_result *r) {
    int used[FO_CLOUD_TRACES] = {-1, -1, -1};
    double best = INFINITY;
    for (int i = 0; i < (int)p->models; i++) {
        double gap = fabs(m[i].base[FO_CLOUD_QUALITY] - p->static_quality_min - 0.01);
        if (gap < best) best = gap, used[0] = i;
    }
    best = -INFINITY;
    for (size_t k = 0; k < r->ndrifts; k++) {
        const fo_cloud_drift *d = &r->drifts[k];
        if (d->metric == FO_CLOUD_QUALITY && d->model != used[0] &&
            m[d->model].base[FO_CLOUD_QUALITY] > best)
            best = m[d->model].base[FO_CLOUD_QUALITY], used[1] = d->model;
    }
    for (size_t k = 0; k < r->ndrifts && used[2] < 0; k++) {
        const fo_cloud_drift *d = &r->drifts[k];
        if (d->metric == FO_CLOUD_LATENCY && d->model != used[0] && d->model != used[1])
            used[2] = d->model;
    }
    /* Fallbacks when the month has too few drifts or models. */
    for (int t = 0; t < FO_CLOUD_TRACES; t++) {
        for (int i = 0; used[t] < 0 && i < (int)p->models; i++) {
            int taken = 0;
            for (int u = 0; u < FO_CLOUD_TRACES; u++)
                taken |= used[u] == i;
            if (!taken) used[t] = i;
        }
        if (used[t] < 0) used[t] = 0;
        r->trace[t].model = used[t];
        r->trace[t].metric = t == 2 ? FO_CLOUD_LATENCY : FO_CLOUD_QUALITY;
    }
}

typedef struct stream_state {
    const model_spec *spec;
    int metric;
    size_t drift_idx[FO_CLOUD_MAX_DRIFTS];
    size_t ndrift;
} stream_state;

/* The chunk's value: the exact mean of its m minutes' signal plus the mean of m noises. */
static double chunk_value(fo_rng *r, const stream_state *s, const fo_cloud_result *res, long long a,
                          long long m, double season_gain) {
    const model_spec *sp = s->spec;
    int k = s->metric;
    double mid = (double)a + 0.5 * (double)(m - 1);
    double v = sp->base[k];
    v += sp->daily[k] * season_gain * fo_cos(OMEGA * (mid - sp->peak_minute));
    for (size_t i = 0; i < s->ndrift; i++) {
        const fo_cloud_drift *d = &res->drifts[s->drift_idx[i]];
        double f = overlap(a, a + m, d->start_minute, d->end_minute) / (double)m;
        if (f > 0.0) v += f * (k == FO_CLOUD_QUALITY ? -d->magnitude : fo_log1p(d->magnitude));
    }
    v += sp->noise_sd[k] / sqrt((double)m) * fo_rng_normal(r);
    return k == FO_CLOUD_QUALITY ? v : fo_exp(v);
}

/* Books one alert of method `meth` at chunk [a, a + m) against the stream's drifts. */
static void book_alert(fo_cloud_result *res, const stream_state *s, int meth, long long a,
                       long long m) {
    fo_cloud_method *mt = &res->method[meth];
    int matched = 0;
    for (size_t i = 0; i < s->ndrift; i++) {
        fo_cloud_drift *d = &res->drifts[s->drift_idx[i]];
        if (a + m > d->start_minute && a < d->end_minute + m) {
            matched = 1;
            if (d->delay_minutes[meth] < 0) d->delay_minutes[meth] = a + m - d->start_minute;
        }
    }
    mt->alerts++;
    if (matched)
        mt->true_alerts++;
    else
        mt->false_alerts++;
}

/* Mean and sd of the reference chunks, and the discovered thresholds. `scratch` (n doubles) gets
 * a sorted copy for the quantile form; ref itself is left in time order. */
static void reference_thresholds(const fo_cloud_params *p, const double *ref, size_t n,
                                 double *scratch, double *mean, double *sd, double *lower,
                                 double *upper) {
    double sum = 0.0, sq = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += ref[i];
    *mean = sum / (double)n;
    for (size_t i = 0; i < n; i++)
        sq += (ref[i] - *mean) * (ref[i] - *mean);
    *sd = n > 1 ? sqrt(sq / (double)(n - 1)) : 0.0;
    if (!(*sd > 0.0)) *sd = 1e-12;
    if (p->discovery == FO_DISCOVERY_QUANTILE) {
        const double qs[3] = {0.25, 0.5, 0.75};
        double q[3];
        memcpy(scratch, ref, n * sizeof *ref);
        fo_quantiles(scratch, n, qs, 3, q);
        double robust_sd = (q[2] - q[0]) / 1.349; /* IQR of a normal is 1.349 sd */
        *lower = q[1] - p->threshold_k * robust_sd;
        *upper = q[1] + p->threshold_k * robust_sd;
    } else {
        *lower = *mean - p->threshold_k * *sd;
        *upper = *mean + p->threshold_k * *sd;
    }
}

/* The reference window's mean per chunk-of-day slot, and the sd of the residuals around it (n
 * spans at least two days, so every slot has two values and n - slots > 0). */
static void daily_profile(const double *ref, size_t n, size_t slots, double *profile, double *sd) {
    double count[1440 / FO_CLOUD_MIN_CHUNK_MINUTES] = {0};
    if (slots == 0 || n <= slots) { /* unreachable with the command's ranges; no division by 0 */
        *sd = 0.0;
        return;
    }
    for (size_t j = 0; j < slots; j++)
        profile[j] = 0.0;
    for (size_t i = 0; i < n; i++) {
        profile[i % slots] += ref[i];
        count[i % slots] += 1.0;
    }
    for (size_t j = 0; j < slots; j++)
        profile[j] = count[j] > 0 ? profile[j] / count[j] : 0.0; /* every slot has >= 2 values */
    double sq = 0.0;
    for (size_t i = 0; i < n; i++)
        sq += (ref[i] - profile[i % slots]) * (ref[i] - profile[i % slots]);
    *sd = sqrt(sq / (double)(n - slots));
    if (!(*sd > 0.0)) *sd = 1e-12;
}

int fo_cloud_simulate(const fo_cloud_params *p, fo_rng *rng, fo_cloud_result *r) {
    if (p->models < 1 || p->models > FO_CLOUD_MAX_MODELS || p->drifts < 0 ||
        p->drifts > FO_CLOUD_MAX_DRIFTS || p->chunk_minutes < FO_CLOUD_MIN_CHUNK_MINUTES ||
        p->chunk_minutes > 1440 || 1440 % p->chunk_minutes != 0 ||
        !(p->reference_hours >= 48.0 && p->reference_hours <= 336.0) || !(p->threshold_k > 0) ||
        !(p->cusum_h > 0) || !(p->cusum_k >= 0))
        return -1;
    memset(r, 0, sizeof *r);
    long long m = p->chunk_minutes;
    r->chunks = FO_CLOUD_MINUTES / m;
    r->reference_chunks = (long long)ceil(p->reference_hours * 60.0 / (double)m);
    if (r->reference_chunks < 2 || r->reference_chunks > MAX_REF_CHUNKS ||
        r->reference_chunks >= r->chunks - 1)
        return -1;
    long long ref_end = r->reference_chunks * m;
    r->monitored_days = (double)((r->chunks - r->reference_chunks) * m) / 1440.0;

    model_spec models[FO_CLOUD_MAX_MODELS];
    draw_models(rng, p->models, models);
    draw_drifts(rng, p, ref_end, r);
    pick_traces(p, models, r);

    /* The average of cos over m consecutive minutes is this gain times cos at their middle. */
    double season_gain =
        m % 1440 == 0 ? 0.0 : fo_sin(0.5 * OMEGA * (double)m) / ((double)m * fo_sin(0.5 * OMEGA));
    long long slots = 1440 / m;
    static const double sign[2] = {-1.0, 1.0}; /* quality alerts low, latency alerts high */
    double ref[MAX_REF_CHUNKS], sorted[MAX_REF_CHUNKS];
    stream_state s;
    for (long long mi = 0; mi < p->models; mi++) {
        for (int k = 0; k < 2; k++) {
            s.spec = &models[mi];
            s.metric = k;
            s.ndrift = 0;
            for (size_t i = 0; i < r->ndrifts; i++)
                if (r->drifts[i].model == mi && r->drifts[i].metric == k)
                    s.drift_idx[s.ndrift++] = i;
            fo_cloud_trace *tr = NULL;
            for (int t = 0; t < FO_CLOUD_TRACES; t++)
                if (r->trace[t].model == mi && r->trace[t].metric == k) tr = &r->trace[t];

            size_t nref = (size_t)r->reference_chunks;
            for (size_t c = 0; c < nref; c++) {
                ref[c] = chunk_value(rng, &s, r, (long long)c * m, m, season_gain);
                if (tr) tr->value[c] = ref[c];
            }
            double mean, sd, lower, upper, resid_sd,
                profile[1440 / FO_CLOUD_MIN_CHUNK_MINUTES] = {0};
            reference_thresholds(p, ref, nref, sorted, &mean, &sd, &lower, &upper);
            daily_profile(ref, nref, (size_t)slots, profile, &resid_sd);
            double static_limit =
                k == FO_CLOUD_QUALITY ? p->static_quality_min : p->static_latency_max_ms;
            if (tr) {
                tr->base = k == FO_CLOUD_QUALITY ? models[mi].base[k] : fo_exp(models[mi].base[k]);
                tr->lower = lower;
                tr->upper = upper;
            }
            fo_cusum cs = {0.0, 0.0};
            for (long long c = r->reference_chunks; c < r->chunks; c++) {
                long long a = c * m;
                double v = chunk_value(rng, &s, r, a, m, season_gain);
                int hit[FO_CLOUD_METHODS];
                hit[FO_CLOUD_STATIC] = k == FO_CLOUD_QUALITY ? v < static_limit : v > static_limit;
                hit[FO_CLOUD_DISCOVERED] = k == FO_CLOUD_QUALITY ? v < lower : v > upper;
                double z = (v - profile[c % slots]) / resid_sd;
                int sig = fo_cusum_update(&cs, z, p->cusum_k, p->cusum_h);
                hit[FO_CLOUD_CUSUM] = sig == (int)sign[k];
                for (int meth = 0; meth < FO_CLOUD_METHODS; meth++)
                    if (hit[meth]) book_alert(r, &s, meth, a, m);
                if (tr) {
                    tr->value[c] = v;
                    for (int meth = 0; meth < FO_CLOUD_METHODS; meth++)
                        tr->alert[meth][c] = (signed char)hit[meth];
                }
            }
        }
    }

    for (int meth = 0; meth < FO_CLOUD_METHODS; meth++) {
        fo_cloud_method *mt = &r->method[meth];
        double delay_sum = 0.0;
        for (size_t i = 0; i < r->ndrifts; i++) {
            if (r->drifts[i].delay_minutes[meth] < 0) continue;
            mt->detected++;
            delay_sum += (double)r->drifts[i].delay_minutes[meth];
        }
        mt->alerts_per_day = (double)mt->alerts / r->monitored_days;
        mt->false_alerts_per_day = (double)mt->false_alerts / r->monitored_days;
        mt->precision = mt->alerts ? (double)mt->true_alerts / (double)mt->alerts : NAN;
        mt->recall = r->ndrifts ? (double)mt->detected / (double)r->ndrifts : NAN;
        mt->mean_detection_delay_minutes = mt->detected ? delay_sum / (double)mt->detected : NAN;
    }
    double fs = (double)r->method[FO_CLOUD_STATIC].false_alerts;
    double fd = (double)r->method[FO_CLOUD_DISCOVERED].false_alerts;
    r->false_alert_reduction = fd > 0 ? fs / fd : (fs > 0 ? INFINITY : NAN);
    return 0;
}
