/* canary.c — Part 2, the Canary Duration (model in canary.h): the exact demonstration sample
 * size, its duration for a fleet, the 10-Iteration Rule's judgement of one proposed window,
 * the Confidence Clock, the Risk-vs-Velocity Radar and the cost of staleness.
 *
 * Exactness: "n passes" means ln P(X <= k | n, p) <= ln(1 - C), with the binomial tail summed
 * exactly in log space (stats.c). The answer is found by bracketing and bisection on that one
 * predicate, so n passes and n - 1 fails by construction, whatever the closed form's rounding
 * at the ceiling would have said. */
#include "fleetops/canary.h"

#include <math.h>

#include "fleetops/libm.h"
#include "fleetops/stats.h"

#define MAX_WHOLE     9007199254740992.0 /* 2^53: n stays an exact double */
#define QUARTER_HOURS (FO_HOURS_PER_MONTH * 3)

static int passes(double k, double n, double p, double log_miss) {
    return fo_binom_log_cdf(k, n, p) <= log_miss;
}

/* The smallest n >= k + 1 with P(X <= k | n, p) <= 1 - C; -1 past 2^53. */
static double requests_needed(double k, double p, double confidence) {
    double log_miss = fo_log1p(-confidence);
    double guess =
        k == 0 ? ceil(log_miss / fo_log1p(-p)) : ceil(fo_poisson_upper_mean(k, confidence) / p);
    if (!(guess >= k + 1)) guess = k + 1;
    if (guess > MAX_WHOLE) return -1;
    /* Bracket: lo fails, hi passes (n = k always fails: P(X <= k | k) = 1 > 1 - C). */
    double lo, hi, step = 1;
    if (passes(k, guess, p, log_miss)) {
        hi = guess;
        lo = hi - step;
        while (lo > k && passes(k, lo, p, log_miss)) {
            hi = lo;
            step *= 2;
            lo = hi - step;
        }
        if (lo < k) lo = k;
    } else {
        lo = guess;
        hi = lo + step;
        while (!passes(k, hi, p, log_miss)) {
            lo = hi;
            step *= 2;
            hi = lo + step;
            if (hi > MAX_WHOLE) return -1;
        }
    }
    while (hi - lo > 1) {
        double mid = floor(lo + (hi - lo) / 2);
        if (passes(k, mid, p, log_miss))
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

double fo_canary_monitored_per_hour(const fo_canary_params *p) {
    return p->request_rate_per_s * 3600.0 * p->shadow_fraction * p->slice_share;
}

double fo_canary_upper_bound(double failures, double requests, double confidence) {
    if (!(requests >= 1) || requests != floor(requests) || !(failures >= 0) ||
        failures != floor(failures) || !(confidence > 0 && confidence < 1))
        return NAN;
    if (failures >= requests) return 1.0;
    return fo_beta_inc_inv(confidence, failures + 1, requests - failures);
}

/* Requests seen after t hours, floor(lambda t), made consistent with the exact threshold
 * time n / lambda (the product can round a hair either side of a whole number). */
static double seen_at(double lambda, double t, double n_needed) {
    double s = floor(lambda * t);
    if (t >= n_needed / lambda) return s > n_needed ? s : n_needed;
    return s < n_needed - 1 ? s : n_needed - 1;
}

static double confidence_of(double k, double seen, double p) {
    return -fo_expm1(fo_binom_log_cdf(k, seen, p)); /* P(X > k | seen, p) */
}

static double clamp01(double v) {
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

static void radar(const fo_canary_params *p, fo_canary_result *r, double window, double conf) {
    double cycle = p->pipeline_overhead_hours + window, limit = p->release_limit_hours;
    double slice_live_per_hour = p->request_rate_per_s * 3600.0 * p->slice_share;
    double k = (double)p->allowed_failures;
    double detect = (k + 1) / (r->monitored_per_hour * p->failure_rate);
    double stale = p->drift_rate_per_day * cycle / 24.0;
    fo_radar_axis *a = r->radar;
    a[0] = (fo_radar_axis){"confidence", "Confidence reached", conf, "fraction", conf};
    a[1] = (fo_radar_axis){"release_velocity", "Release velocity", FO_HOURS_PER_MONTH / cycle,
                           "releases_per_month", clamp01(limit / cycle)};
    a[2] = (fo_radar_axis){"exposure", "Exposure", (1 - conf) * slice_live_per_hour * cycle,
                           "requests", 1 - clamp01((1 - conf) * cycle / limit)};
    a[3] = (fo_radar_axis){"detection_time", "Detection time", detect, "hours",
                           1 - clamp01(detect / limit)};
    a[4] = (fo_radar_axis){"staleness", "Staleness cost", stale, "accuracy_fraction",
                           1 - clamp01(stale / FO_STALENESS_REFERENCE_LOSS)};
}

static void staleness(const fo_canary_params *p, fo_canary_result *r, double window, double conf) {
    double k = (double)p->allowed_failures, n = r->requests_needed, lam = r->monitored_per_hour;
    fo_canary_staleness *s = &r->staleness;
    s->window_hours = window;
    s->days_waiting = (p->pipeline_overhead_hours + window) / 24.0;
    s->accuracy_lost = p->drift_rate_per_day * s->days_waiting;
    s->escape_probability = 1 - conf;
    s->risk_reduced = conf;
    s->risk_reduced_next_day =
        confidence_of(k, seen_at(lam, window + 24.0, n), p->failure_rate) - conf;
    s->quarter_accuracy_lost =
        p->drift_rate_per_day * (p->pipeline_overhead_hours + QUARTER_HOURS) / 24.0;
    s->quarter_confidence = confidence_of(k, seen_at(lam, QUARTER_HOURS, n), p->failure_rate);
}

static void judge(const fo_canary_params *p, fo_canary_result *r) {
    fo_canary_attempt *a = &r->attempt;
    double k = (double)p->allowed_failures;
    a->hours = p->attempt_hours;
    a->requests_seen = seen_at(r->monitored_per_hour, a->hours, r->requests_needed);
    a->achieved_confidence = confidence_of(k, a->requests_seen, p->failure_rate);
    a->release_cycle_hours = p->pipeline_overhead_hours + a->hours;
    a->safety_ok = a->requests_seen >= r->requests_needed;
    a->release_ok = a->release_cycle_hours <= p->release_limit_hours;
    if (a->safety_ok && a->release_ok)
        a->advice = FO_ADVICE_KEEP;
    else if (!r->feasible)
        a->advice = FO_ADVICE_IMPOSSIBLE;
    else
        a->advice = a->safety_ok ? FO_ADVICE_SHORTER : FO_ADVICE_LONGER;
}

int fo_canary_evaluate(const fo_canary_params *p, fo_canary_result *r) {
    if (!(p->confidence > 0 && p->confidence < 1) ||
        !(p->failure_rate > 0 && p->failure_rate < 1) || p->allowed_failures < 0 ||
        p->allowed_failures > FO_CANARY_MAX_FAILURES || !(p->request_rate_per_s > 0) ||
        !(p->shadow_fraction > 0 && p->shadow_fraction <= 1) ||
        !(p->slice_share > 0 && p->slice_share <= 1) || !(p->pipeline_overhead_hours >= 0) ||
        !(p->release_limit_hours > 0) || !(p->drift_rate_per_day >= 0) ||
        !isfinite(p->attempt_hours))
        return -1;
    double k = (double)p->allowed_failures, pf = p->failure_rate, C = p->confidence;
    double n = requests_needed(k, pf, C);
    if (n < 0) return -1;
    r->requests_needed = n;
    r->closed_form_requests = k == 0 ? ceil(fo_log1p(-C) / fo_log1p(-pf)) : NAN;
    r->tail_at_n = fo_binom_cdf(k, n, pf);
    r->tail_at_n_minus_1 = fo_binom_cdf(k, n - 1, pf);
    r->rule_of_three_factor = fo_poisson_upper_mean(k, C);
    r->rule_of_three_requests = r->rule_of_three_factor / pf;
    r->upper_bound_at_n = fo_canary_upper_bound(k, n, C);

    double lam = fo_canary_monitored_per_hour(p);
    r->monitored_per_hour = lam;
    r->shadow_hours = n / lam;
    r->release_cycle_hours = p->pipeline_overhead_hours + r->shadow_hours;
    r->meets_release_limit = r->release_cycle_hours <= p->release_limit_hours;
    r->max_window_hours = p->release_limit_hours - p->pipeline_overhead_hours;
    r->feasible = r->shadow_hours <= r->max_window_hours;

    r->has_attempt = p->attempt_hours > 0;
    if (r->has_attempt) judge(p, r);
    double window = r->has_attempt ? p->attempt_hours : r->shadow_hours;
    double conf = r->has_attempt ? r->attempt.achieved_confidence : confidence_of(k, n, pf);
    radar(p, r, window, conf);
    staleness(p, r, window, conf);

    double tmax = 1.6 * r->shadow_hours;
    if (r->max_window_hours * 1.1 > tmax) tmax = r->max_window_hours * 1.1;
    if (r->has_attempt && p->attempt_hours * 1.15 > tmax) tmax = p->attempt_hours * 1.15;
    r->curve_len = FO_CANARY_CURVE_POINTS;
    for (size_t i = 0; i < FO_CANARY_CURVE_POINTS; i++) {
        double t = tmax * (double)i / (FO_CANARY_CURVE_POINTS - 1);
        r->curve[i].hours = t;
        r->curve[i].confidence = confidence_of(k, seen_at(lam, t, n), pf);
    }
    return 0;
}
