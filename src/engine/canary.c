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
#include <stdint.h>
#include <string.h>

#include "fleetops/libm.h"
#include "fleetops/stats.h"

#define MAX_WHOLE     9007199254740992.0 /* 2^53: n stays an exact double */
#define QUARTER_HOURS (FO_HOURS_PER_MONTH * 3)

/* ---- exact ties ------------------------------------------------------------------------------
 * Every double is a dyadic rational, so at a near-tie the predicate P(X <= k | n, p) <= 1 - C
 * is decided exactly: with p = m / 2^e and C = c / 2^g (m, c integers),
 *   P(X <= k | n, p) 2^(e n) = sum_{i <= k} binom(n, i) m^i (2^e - m)^(n - i) =: T,
 * an integer, and the predicate is T 2^g <= (2^g - c) 2^(e n). Non-negative integers of up to
 * BN_LIMBS x 32 bits on the stack; past that (or past k = BN_MAX_K) the log-space sum decides,
 * whose error is far below the near-tie band. */
#define BN_LIMBS                                                                                   \
    128 /* 4,096 bits: 512 bytes each, a few on the stack (the module's stack is 64 KB) */
#define BN_MAX_K 64
#define TIE_BAND 1e-9 /* relative gap in ln P under which the exact comparison runs */

typedef struct bn {
    size_t n; /* limbs in use; 0 is zero */
    uint32_t d[BN_LIMBS];
} bn;

static void bn_trim(bn *a) {
    while (a->n > 0 && a->d[a->n - 1] == 0)
        a->n--;
}

static void bn_set(bn *a, uint64_t v) {
    a->n = 0;
    while (v) {
        a->d[a->n++] = (uint32_t)v;
        v >>= 32;
    }
}

/* a = 2^bits; 0 on overflow. */
static int bn_pow2(bn *a, long long bits) {
    size_t limb = (size_t)(bits / 32);
    if (bits < 0 || limb >= BN_LIMBS) return 0;
    memset(a->d, 0, (limb + 1) * sizeof a->d[0]);
    a->d[limb] = 1u << (bits % 32);
    a->n = limb + 1;
    return 1;
}

/* a -= b, with a >= b. */
static void bn_sub(bn *a, const bn *b) {
    int64_t borrow = 0;
    for (size_t i = 0; i < a->n; i++) {
        int64_t v = (int64_t)a->d[i] - (i < b->n ? (int64_t)b->d[i] : 0) - borrow;
        borrow = v < 0;
        a->d[i] = (uint32_t)(v + (borrow ? (int64_t)1 << 32 : 0));
    }
    bn_trim(a);
}

/* a += b; 0 on overflow. */
static int bn_add(bn *a, const bn *b) {
    size_t n = a->n > b->n ? a->n : b->n;
    uint64_t carry = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t v = (uint64_t)(i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0) + carry;
        a->d[i] = (uint32_t)v;
        carry = v >> 32;
    }
    a->n = n;
    if (carry) {
        if (n >= BN_LIMBS) return 0;
        a->d[a->n++] = (uint32_t)carry;
    }
    return 1;
}

/* r = a b (r distinct from a and b); 0 on overflow. */
static int bn_mul(bn *r, const bn *a, const bn *b) {
    if (a->n == 0 || b->n == 0) {
        r->n = 0;
        return 1;
    }
    if (a->n + b->n > BN_LIMBS) return 0;
    memset(r->d, 0, (a->n + b->n) * sizeof r->d[0]);
    for (size_t i = 0; i < a->n; i++) {
        uint64_t carry = 0;
        for (size_t j = 0; j < b->n; j++) {
            uint64_t v = (uint64_t)a->d[i] * b->d[j] + r->d[i + j] + carry;
            r->d[i + j] = (uint32_t)v;
            carry = v >> 32;
        }
        r->d[i + b->n] = (uint32_t)carry;
    }
    r->n = a->n + b->n;
    bn_trim(r);
    return 1;
}

/* a = a x v (v < 2^32); 0 on overflow. */
static int bn_mul_small(bn *a, uint32_t v) {
    uint64_t carry = 0;
    for (size_t i = 0; i < a->n; i++) {
        uint64_t x = (uint64_t)a->d[i] * v + carry;
        a->d[i] = (uint32_t)x;
        carry = x >> 32;
    }
    if (carry) {
        if (a->n >= BN_LIMBS) return 0;
        a->d[a->n++] = (uint32_t)carry;
    }
    bn_trim(a);
    return 1;
}

/* a = a / v, exact (v < 2^32). */
static void bn_div_small(bn *a, uint32_t v) {
    uint64_t rem = 0;
    for (size_t i = a->n; i-- > 0;) {
        uint64_t x = (rem << 32) | a->d[i];
        a->d[i] = (uint32_t)(x / v);
        rem = x % v;
    }
    bn_trim(a);
}

static int bn_cmp(const bn *a, const bn *b) {
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    for (size_t i = a->n; i-- > 0;)
        if (a->d[i] != b->d[i]) return a->d[i] < b->d[i] ? -1 : 1;
    return 0;
}

/* x = mant / 2^exp with mant < 2^53 an integer (x in (0, 1)). */
static void dyadic(double x, uint64_t *mant, long long *exp) {
    int e2;
    double f = frexp(x, &e2); /* x = f 2^e2, f in [0.5, 1) */
    *mant = (uint64_t)ldexp(f, 53);
    *exp = 53 - (long long)e2;
    while (*exp > 0 && (*mant & 1) == 0)
        *mant >>= 1, (*exp)--;
}

/* 1: P(X <= k | n, p) <= 1 - C exactly, 0: not, -1: too large to decide this way. */
static int passes_exact(double k, double n, double p, double confidence) {
    uint64_t m, c;
    long long e, g;
    dyadic(p, &m, &e);
    dyadic(confidence, &c, &g);
    if (k > BN_MAX_K || !(n * (double)e + (double)g < BN_LIMBS * 32.0 - 64)) return -1;
    long long nn = (long long)n, kk = (long long)k;
    /* Seven numbers, used through pointers so a product never copies. */
    bn v[7];
    for (size_t i = 0; i < 7; i++)
        v[i].n = 0;
    bn *q = &v[0], *mm = &v[1], *acc = &v[2], *qp = &v[3], *coef = &v[4], *t = &v[5], *u = &v[6],
       *x;
    /* q = 2^e - m */
    if (!bn_pow2(q, e)) return -1;
    bn_set(mm, m);
    bn_sub(q, mm);
    /* S = sum_{i <= k} binom(n, i) m^i q^(k - i) by homogeneous Horner from i = k down:
     * acc = binom(n, k); acc = acc m + binom(n, i) q^(k - i). */
    bn_set(coef, 1);
    for (long long i = 0; i < kk; i++) { /* binom(n, k) */
        if (!bn_mul_small(coef, (uint32_t)(nn - i))) return -1;
        bn_div_small(coef, (uint32_t)(i + 1));
    }
    bn_set(acc, 0);
    if (!bn_add(acc, coef)) return -1;
    bn_set(qp, 1);
    for (long long i = kk - 1; i >= 0; i--) {
        /* binom(n, i) = binom(n, i + 1) (i + 1) / (n - i) */
        if (!bn_mul_small(coef, (uint32_t)(i + 1))) return -1;
        bn_div_small(coef, (uint32_t)(nn - i));
        if (!bn_mul(t, qp, q)) return -1;
        x = qp, qp = t, t = x; /* qp = q^(k - i) */
        if (!bn_mul(t, acc, mm) || !bn_mul(u, coef, qp) || !bn_add(t, u)) return -1;
        x = acc, acc = t, t = x; /* acc = acc m + binom(n, i) q^(k - i) */
    }
    /* T = S q^(n - k), by squaring: t = q^(n - k), with qp as the running square. */
    bn_set(t, 1);
    bn_set(qp, 0);
    if (!bn_add(qp, q)) return -1;
    for (long long y = nn - kk; y > 0; y >>= 1) {
        if (y & 1) {
            if (!bn_mul(u, t, qp)) return -1;
            x = t, t = u, u = x;
        }
        if (y > 1) {
            if (!bn_mul(u, qp, qp)) return -1;
            x = qp, qp = u, u = x;
        }
    }
    if (!bn_mul(u, acc, t)) return -1; /* T */
    /* T 2^g <= (2^g - c) 2^(e n) */
    if (!bn_pow2(q, g) || !bn_mul(acc, u, q)) return -1;
    bn_set(mm, c);
    bn_sub(q, mm);
    if (!bn_pow2(coef, nn * e) || !bn_mul(t, q, coef)) return -1;
    return bn_cmp(acc, t) <= 0;
}

static int passes_c(double k, double n, double p, double confidence) {
    double lc = fo_binom_log_cdf(k, n, p), lm = fo_log1p(-confidence);
    if (fabs(lc - lm) <= TIE_BAND * (fabs(lm) > 1 ? fabs(lm) : 1)) {
        int exact = passes_exact(k, n, p, confidence);
        if (exact >= 0) return exact;
    }
    return lc <= lm;
}

/* The smallest n >= k + 1 with P(X <= k | n, p) <= 1 - C; -1 past 2^53. */
static double requests_needed(double k, double p, double confidence) {
    double guess = k == 0 ? ceil(fo_log1p(-confidence) / fo_log1p(-p))
                          : ceil(fo_poisson_upper_mean(k, confidence) / p);
    if (!(guess >= k + 1)) guess = k + 1;
    if (guess > MAX_WHOLE) return -1;
    /* Bracket: lo fails, hi passes (n = k always fails: P(X <= k | k) = 1 > 1 - C). */
    double lo, hi, step = 1;
    if (passes_c(k, guess, p, confidence)) {
        hi = guess;
        lo = hi - step;
        while (lo > k && passes_c(k, lo, p, confidence)) {
            hi = lo;
            step *= 2;
            lo = hi - step;
        }
        if (lo < k) lo = k;
    } else {
        lo = guess;
        hi = lo + step;
        while (!passes_c(k, hi, p, confidence)) {
            lo = hi;
            step *= 2;
            hi = lo + step;
            if (hi > MAX_WHOLE) return -1;
        }
    }
    while (hi - lo > 1) {
        double mid = floor(lo + (hi - lo) / 2);
        if (passes_c(k, mid, p, confidence))
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
    a->confidence_shortfall = a->safety_ok ? 0 : p->confidence - a->achieved_confidence;
    a->release_excess_hours = a->release_ok ? 0 : a->release_cycle_hours - p->release_limit_hours;
    if (a->safety_ok && a->release_ok)
        a->advice = FO_ADVICE_KEEP;
    else if (!a->safety_ok && !a->release_ok)
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
    /* ceil(ln(1-C) / ln(1-p)) is, exactly, the smallest n with (1-p)^n <= 1-C: n itself. In
     * floating point the quotient can land a hair above a whole number at a tie (33.000...1 for
     * p = 1/2, C = 1 - 2^-33), so it is decided by the same exact predicate. */
    double cf = k == 0 ? ceil(fo_log1p(-C) / fo_log1p(-pf)) : NAN;
    if (k == 0 && cf - 1 >= 1 && passes_c(0, cf - 1, pf, C))
        cf -= 1;
    else if (k == 0 && !passes_c(0, cf, pf, C))
        cf += 1;
    r->closed_form_requests = cf;
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
    if (p->hide_window && !r->has_attempt) { /* the longest window the limit allows */
        window = r->max_window_hours > 0 ? r->max_window_hours : 0;
        conf = confidence_of(k, seen_at(lam, window, n), pf);
    }
    radar(p, r, window, conf);
    staleness(p, r, window, conf);

    double tmax = p->hide_window ? 1.1 * p->release_limit_hours : 1.6 * r->shadow_hours;
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
