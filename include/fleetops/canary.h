/* canary.h — Part 2, the Canary Duration: how many requests shadow mode must watch to be C
 * confident that a new model fails less often than p, how long that takes for a fleet, and
 * whether the release cycle still fits in a week.
 *
 * Demonstration sample size (exact): the smallest n with P(X <= k | n, p) <= 1 - C,
 * X ~ Binomial(n, p), k the failures allowed. For k = 0, n = ceil(ln(1-C) / ln(1-p)) (2,995 at
 * C = 0.95, p = 0.001); the "rule of three" n ~ -ln(1-C) / p (3 / p at 95%) is the Poisson
 * approximation of it, shown beside it and labelled so (for k > 0 its generalisation mu_k / p,
 * mu_k Garwood's Poisson upper bound after k events).
 * Duration: hours = n / lambda, lambda = request_rate_per_s * 3600 * shadow_fraction *
 * slice_share (monitored requests per hour). Release cycle = pipeline overhead + shadow hours,
 * limit 168 h. Confidence Clock: C(t) = P(X > k | floor(lambda t), p) (1 - (1-p)^n for k = 0).
 * Upper bound: one-sided Clopper-Pearson, the Beta(x+1, n-x) quantile at C. */
#ifndef FLEETOPS_CANARY_H
#define FLEETOPS_CANARY_H

#include <stddef.h>

#define FO_CANARY_CURVE_POINTS      161
#define FO_CANARY_MAX_FAILURES      1000 /* k; keeps one evaluation well under a millisecond */
#define FO_CANARY_RADAR_AXES        5
#define FO_HOURS_PER_MONTH          730.5 /* 365.25 * 24 / 12 */
#define FO_STALENESS_REFERENCE_LOSS 0.01  /* one accuracy point: the staleness score's zero */

typedef struct fo_canary_params {
    double confidence;          /* C in (0, 1) */
    double failure_rate;        /* p in (0, 1): the edge-case rate not to exceed */
    long long allowed_failures; /* k >= 0 */
    double request_rate_per_s;  /* fleet requests per second */
    double shadow_fraction;     /* share of fleet requests the shadow model sees and is scored on */
    double slice_share;         /* share of those that can trigger the edge case */
    double
        pipeline_overhead_hours; /* build, offline evaluation, sign-off: the cycle without shadow */
    double release_limit_hours;  /* 168: one week */
    double drift_rate_per_day;   /* accuracy (fraction) the waiting candidate loses per day */
    double attempt_hours;        /* a proposed shadow window to judge; <= 0: none */
    int hide_window; /* 1: nothing in the result depends on the needed window except requests_needed
                        and the fields that state it (the 10-Iteration Rule's search): without an
                        attempt the radar and staleness are taken at the longest window the
                        limit allows, and the curve spans 1.1 x the limit (or the attempt) */
} fo_canary_params;

/* An attempt's verdict says which constraint fails at the window tried, from that window
 * alone (never from the window that would pass): */
typedef enum fo_canary_advice {
    FO_ADVICE_KEEP = 0,  /* both the Safety Lead and the release limit are satisfied */
    FO_ADVICE_LONGER,    /* not confident enough, the cycle within the limit: run longer */
    FO_ADVICE_SHORTER,   /* confident but the cycle exceeds the limit: run shorter */
    FO_ADVICE_IMPOSSIBLE /* neither: a longer window breaks the limit further, a shorter one
                            loses confidence, so no window satisfies both at these settings */
} fo_canary_advice;

typedef struct fo_canary_attempt {
    double hours;
    double requests_seen;
    double achieved_confidence;
    double release_cycle_hours;
    int safety_ok;               /* achieved >= C */
    int release_ok;              /* overhead + hours <= limit */
    double confidence_shortfall; /* C - achieved when short, else 0 */
    double release_excess_hours; /* cycle - limit when over, else 0 */
    fo_canary_advice advice;
} fo_canary_attempt;

typedef struct fo_canary_point {
    double hours, confidence;
} fo_canary_point;

typedef struct fo_radar_axis {
    const char *name;  /* "confidence", "release_velocity", "exposure", "detection_time",
                          "staleness" */
    const char *label; /* for figures: "Confidence reached" */
    double value;      /* raw value, in `unit` */
    const char *unit;
    double score; /* 0..1, 1 the good end (safe, fast, fresh) */
} fo_radar_axis;

typedef struct fo_canary_staleness {
    double window_hours;          /* the window judged (the attempt, else the needed one) */
    double days_waiting;          /* (overhead + window) / 24: candidate trained -> deployed */
    double accuracy_lost;         /* drift * days_waiting (fraction) */
    double escape_probability;    /* 1 - C(window): a bad model passes the window */
    double risk_reduced;          /* C(window): against shipping with no window at all */
    double risk_reduced_next_day; /* C(window + 24 h) - C(window) */
    double quarter_accuracy_lost; /* the same for a 3-month (2,191.5 h) window */
    double quarter_confidence;
} fo_canary_staleness;

typedef struct fo_canary_result {
    double requests_needed;        /* exact n (a whole number) */
    double closed_form_requests;   /* k = 0: ceil(ln(1-C) / ln(1-p)); NAN for k > 0 */
    double tail_at_n;              /* P(X <= k | n, p) <= 1 - C */
    double tail_at_n_minus_1;      /* P(X <= k | n-1, p) > 1 - C: n is minimal */
    double rule_of_three_factor;   /* mu_k: 3.0 for k = 0 at 95% */
    double rule_of_three_requests; /* mu_k / p, the approximation */
    double upper_bound_at_n;       /* Clopper-Pearson bound after k failures in n (<= p) */
    double monitored_per_hour;     /* lambda */
    double shadow_hours;           /* n / lambda */
    double release_cycle_hours;    /* overhead + shadow hours */
    int meets_release_limit;
    double max_window_hours; /* limit - overhead: the longest window the limit allows */
    int feasible;            /* shadow_hours <= max_window_hours */
    int has_attempt;
    fo_canary_attempt attempt;
    fo_canary_staleness staleness;
    fo_radar_axis radar[FO_CANARY_RADAR_AXES];
    size_t curve_len;
    fo_canary_point curve[FO_CANARY_CURVE_POINTS]; /* 0 .. max(1.6 n/lambda, 1.1 window) */
} fo_canary_result;

/* Everything above. Returns 0, or -1 when a parameter is outside its domain (the command
 * table never lets that happen). */
int fo_canary_evaluate(const fo_canary_params *p, fo_canary_result *r);

/* Monitored requests per hour, lambda = request_rate_per_s x 3600 x shadow_fraction x
 * slice_share: the one formula every Part 2 command turns requests into hours with. */
double fo_canary_monitored_per_hour(const fo_canary_params *p);

/* One-sided Clopper-Pearson upper bound on the failure rate after `failures` in `requests`
 * at `confidence`: the p_U with P(X <= failures | requests, p_U) = 1 - confidence, i.e. the
 * Beta(failures + 1, requests - failures) quantile at `confidence` (1 when failures >=
 * requests). NAN when an argument is outside its domain. */
double fo_canary_upper_bound(double failures, double requests, double confidence);

#endif
