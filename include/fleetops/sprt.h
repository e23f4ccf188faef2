/* sprt.h — sequential validation (Part 2): Wald's sequential probability ratio test on
 * Bernoulli failures, H0: p = p0 (acceptable) against H1: p = p1 > p0 (regressed), with error
 * rates alpha (reject a good model) and beta (accept a bad one).
 *
 * After n requests with f failures the log-likelihood ratio is
 *   LLR(n, f) = f ln(p1/p0) + (n - f) ln((1-p1)/(1-p0)),
 * and the test stops at the first n with LLR >= ln A = ln((1-beta)/alpha) (reject H0: roll
 * back) or LLR <= ln B = ln(beta/(1-alpha)) (accept H0: promote).
 *
 * Three views of the same stopping rule:
 *  - Wald's approximations (they ignore overshoot): the boundaries, the expected sample
 *    numbers E[N | H0], E[N | H1] and the operating characteristic (OC) curve;
 *  - the exact alpha', beta' and E[N] by dynamic programming over the lattice of (n, f): the
 *    probability mass of each failure count still between the boundaries, walked request by
 *    request until the undecided mass is below 1e-12 (reported as the truncation mass);
 *  - a seeded Monte Carlo of K canaries under each hypothesis, drawing the geometric gaps
 *    between failures rather than every request (between failures the LLR falls by a fixed
 *    step, so where it meets ln B is known in closed form).
 * Beside them: the smallest n of the exact one-sided fixed-sample binomial test with the same
 * alpha and beta. */
#ifndef FLEETOPS_SPRT_H
#define FLEETOPS_SPRT_H

#include <stddef.h>

#include "fleetops/rng.h"

#define FO_SPRT_OC_POINTS    81
#define FO_SPRT_MAX_BAND     1000 /* failure counts between the boundaries at one n */
#define FO_SPRT_DP_BUDGET    6e6 /* DP work units (~8 ms): a state update is 1, a request 12 more */
#define FO_SPRT_DP_STEP_COST 12.0
#define FO_SPRT_DP_JUMP_COST 400.0      /* a jumped quiet stretch, beside its band squared */
#define FO_SPRT_DP_MAX_N     4e15       /* requests: n stays an exact double */
#define FO_SPRT_MAX_SIMULATE 1000000    /* K */
#define FO_SPRT_SIM_BUDGET   30000000.0 /* geometric draws a simulation may spend (~100 ms) */
#define FO_SPRT_TAIL_MASS    1e-12      /* the DP stops when this little is undecided */

typedef struct fo_sprt_params {
    double p0, p1;          /* 0 < p0 < p1 < 1 */
    double alpha, beta;     /* in (0, 1), alpha + beta < 1 */
    long long simulate;     /* K canaries under H0 and K under H1; 0: no simulation */
    long long max_requests; /* > 0: truncate the DP (and the simulation) at this n; 0: run the
                               DP until the undecided mass < 1e-12 or the work budget ends */
} fo_sprt_params;

typedef struct fo_sprt_oc_point {
    double p;         /* true failure rate */
    double accept_h0; /* Wald's OC: P(accept H0 | p) */
    double asn;       /* Wald's E[N | p] */
} fo_sprt_oc_point;

typedef struct fo_sprt_result {
    double log_upper_boundary; /* ln A = ln((1-beta)/alpha) */
    double log_lower_boundary; /* ln B = ln(beta/(1-alpha)) */
    double llr_failure;        /* a = ln(p1/p0): the jump at a failure */
    double llr_success;        /* b = ln((1-p1)/(1-p0)) < 0: the drift per success */
    double band_failures;      /* (ln A - ln B) / (a - b): failure counts between boundaries */
    /* Wald */
    double asn_h0, asn_h1;
    double wald_alpha_bound, wald_beta_bound; /* alpha/(1-beta), beta/(1-alpha) */
    /* exact (dynamic program) */
    double exact_alpha, exact_beta;    /* P(reject H0 | p0), P(accept H0 | p1) */
    double exact_asn_h0, exact_asn_h1; /* E[min(N, exact_requests)] */
    double exact_median_h0, exact_median_h1, exact_p99_h0, exact_p99_h1; /* quantiles of N */
    double truncation_mass_h0, truncation_mass_h1; /* undecided when the DP stopped */
    long long exact_requests;                      /* n the DP walked to */
    int exact_converged;                           /* both truncation masses < FO_SPRT_TAIL_MASS */
    /* fixed-sample test: reject H0 when X >= fixed_critical failures in fixed_n requests */
    long long fixed_n, fixed_critical;
    double fixed_alpha, fixed_beta; /* its actual error rates */
    /* Wald's OC and ASN curves over p in [0, 2 p1] */
    size_t oc_len;
    fo_sprt_oc_point oc[FO_SPRT_OC_POINTS];
    /* Monte Carlo (when simulate > 0) */
    long long simulated; /* K */
    double sim_alpha, sim_beta;
    double sim_mean_h0, sim_mean_h1;           /* mean of min(N, cap) */
    double sim_sd_h0, sim_sd_h1;               /* standard deviation of N */
    double sim_undecided_h0, sim_undecided_h1; /* share stopped by the cap (0 when converged) */
} fo_sprt_result;

/* Everything above. rng is used only when p->simulate > 0. Returns 0, or -1 when a parameter
 * is outside its domain, the band is wider than FO_SPRT_MAX_BAND, or the simulation would
 * exceed FO_SPRT_SIM_BUDGET draws (fo_sprt_simulation_cost says how many it needs). */
int fo_sprt_evaluate(const fo_sprt_params *p, fo_rng *rng, fo_sprt_result *r);

/* Expected geometric draws of a simulation of one canary under H0 plus one under H1 (Wald's
 * E[failures] + 1 each), so a caller can cap K at FO_SPRT_SIM_BUDGET / this; and the band
 * width in failure counts. Both NAN outside the domain. */
double fo_sprt_simulation_cost(const fo_sprt_params *p);
double fo_sprt_band(const fo_sprt_params *p);

/* One canary's LLR path when the true failure rate is `rate` (for figures): the points where
 * the path bends (just before and after each failure) and where it stops. Writes at most
 * `max` points (the path is cut there) and returns the count; *decision is +1 (reject H0), -1
 * (accept H0) or 0 (cut). */
typedef struct fo_sprt_path_point {
    double n, llr;
} fo_sprt_path_point;
size_t fo_sprt_path(const fo_sprt_params *p, double rate, fo_rng *rng, fo_sprt_path_point *pts,
                    size_t max, int *decision);

#endif
