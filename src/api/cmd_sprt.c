/* cmd_sprt.c — `fleetops sprt`: sequential validation, the answer to Part 2's reflection ("your
 * shadow window is 3 months long... propose a Sequential Validation strategy"). Wald's SPRT
 * stops as soon as the evidence is clear either way; this command shows his approximations,
 * the exact error rates and sample numbers of the same rule (engine: sprt.c), a seeded Monte
 * Carlo that must agree with them, and the fixed-sample test it replaces.
 *
 * The hypotheses follow Part 2's parameters by one rule (scenario.h, FO_HYPOTHESES_RULE); the
 * JSON reports the p0, p1, alpha and beta used and the rule as a sentence. Beside the SPRT, the
 * three tests with the track's numbers: the zero-failure demonstration (canary's n), the exact
 * fixed-n test with the same alpha and beta, and the SPRT's exact expected requests, in hours
 * at canary's monitored rate.
 *
 * Exactness: the DP has a work budget (FO_SPRT_DP_BUDGET, ~8 ms) counted in work, not requests.
 * Every SPRT the lab offers by the rule (failure rate 1e-6 to 0.1, confidence 50% to 99.999%,
 * alpha 5% or 0.1%) converges within it (test_sprt, bench: the slowest < 2 ms). Hypotheses set
 * by hand may not (very close p0 and p1): then every exact figure, and everything built on them
 * (savings, percentiles, hours, sentences), is null with exact_reason saying why. The band of
 * failure counts is capped at 1,000 (p1 too close to p0 is refused, naming the smallest p1 that
 * fits) and --simulate at what the hypotheses allow (each canary draws one gap per failure).
 * Track presets: the track's scenario (scenario.c). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "fleetops/instruments.h"
#include "fleetops/libm.h"
#include "fleetops/lab.h"
#include "fleetops/canary.h"
#include "fleetops/sprt.h"
#include "fleetops/stats.h"
#include "fleetops/termplot.h"

#define FIGURE_PATHS FO_SPRT_FIGURE_PATHS
#define PATH_POINTS  4096

/* What the table fills: Part 2's parameters and the command's own. */
typedef struct sprt_fields {
    double confidence, failure_rate, request_rate_per_s, shadow_fraction, slice_share;
    long long allowed_failures, simulate, max_requests;
} sprt_fields;
#define F(field) offsetof(sprt_fields, field)

/* One parameter per line, so the table reads as a table. */
// clang-format off
static const fo_param sprt_params[] = {
    FO_PARAM_TRACK,
    FO_PART2_PARAMS(F),
    {.name = "allowed_failures", .type = FO_T_INT, .unit = "failures", .min = 0,
     .max = FO_CANARY_MAX_FAILURES, .def = 0, .field = F(allowed_failures),
     .help = "Failures k the demonstration may see and still pass (as in canary)"},
    FO_PART2_OVERRIDES,
    FO_WINDOW_PARAM,
    {.name = "simulate", .type = FO_T_INT, .unit = "canaries", .min = 1,
     .max = FO_SPRT_MAX_SIMULATE, .flags = FO_P_OPTIONAL, .field = F(simulate),
     .help = "Simulate K canaries under H0 and K under H1 (up to 1,000,000, fewer when each "
             "canary sees many failures)"},
    {.name = "seed", .type = FO_T_INT, .unit = "seed", .min = 0, .max = 9007199254740992.0,
     .def = 1, .field = FO_NO_FIELD,
     .help = "Seed of the simulation and of the figure's sample paths"},
    {.name = "max_requests", .type = FO_T_INT, .unit = "requests", .min = 1, .max = 1e9,
     .flags = FO_P_OPTIONAL, .field = F(max_requests),
     .help = "Stop the test at n requests even if undecided (undecided canaries are reported)"},
};
// clang-format on

/* Presets: the track's scenario (scenario.c); the hypotheses follow from them by the rule. */
static const fo_preset sprt_presets[] = {
    FO_PART2_PRESETS,
};

static void grouped(fo_buf *b, double v) {
    fo_buf_grouped(b, v, 0);
}

/* The smallest p1 whose band of failure counts fits the DP (band falls as p1 rises). */
static double min_p1_for_band(const fo_sprt_params *p) {
    fo_sprt_params q = *p;
    double lo = p->p0, hi = 0.9;
    for (int i = 0; i < 200; i++) {
        q.p1 = 0.5 * (lo + hi);
        if (fo_sprt_band(&q) <= FO_SPRT_MAX_BAND)
            hi = q.p1;
        else
            lo = q.p1;
    }
    return hi;
}

static fo_status check(const fo_args *a, fo_sprt_params *p, fo_error *err) {
    char v[64], allowed[256];
    if (!(p->alpha + p->beta < 1)) { /* by the rule: beta = 1 - C, so C must exceed alpha */
        if (fo_arg_given(a, "beta")) {
            snprintf(v, sizeof v, "%g", p->beta);
            snprintf(allowed, sizeof allowed, "number below %g (alpha + beta must be below 1)",
                     1 - p->alpha);
            return fo_error_set(err, FO_EUSAGE, "alpha + beta must be below 1", "beta", v, allowed);
        }
        snprintf(v, sizeof v, "%g", fo_arg_num(a, "confidence"));
        snprintf(allowed, sizeof allowed,
                 "number in (%g, 1): above alpha, the chance of rolling back a healthy model",
                 p->alpha);
        return fo_error_set(err, FO_EUSAGE, "confidence must exceed alpha", "confidence", v,
                            allowed);
    }
    if (!(p->p1 > p->p0)) {
        snprintf(v, sizeof v, "%g", p->p1);
        snprintf(allowed, sizeof allowed, "number in (%g, 0.9]: above --p0 (H1 is the regression)",
                 p->p0);
        return fo_error_set(err, FO_EUSAGE, "p1 must exceed p0", "p1", v, allowed);
    }
    if (!(fo_sprt_band(p) <= FO_SPRT_MAX_BAND)) {
        snprintf(v, sizeof v, "%g", p->p1);
        snprintf(allowed, sizeof allowed,
                 "number in [%.6g, 0.9] for --p0 %g, --alpha %g, --beta %g (closer hypotheses "
                 "need a band of over %d failure counts)",
                 min_p1_for_band(p), p->p0, p->alpha, p->beta, FO_SPRT_MAX_BAND);
        return fo_error_set(err, FO_EUSAGE, "p1 too close to p0", "p1", v, allowed);
    }
    if (fo_arg_given(a, "simulate")) {
        double cost = fo_sprt_simulation_cost(p);
        double kmax = floor(FO_SPRT_SIM_BUDGET / cost);
        if (kmax > FO_SPRT_MAX_SIMULATE) kmax = FO_SPRT_MAX_SIMULATE;
        if ((double)p->simulate > kmax) {
            snprintf(v, sizeof v, "%lld", p->simulate);
            snprintf(allowed, sizeof allowed,
                     "integer in [1, %.0f] for these hypotheses (a canary pair draws ~%.0f "
                     "failure gaps; the cap keeps a request near 100 ms)",
                     kmax, cost);
            return fo_error_set(err, FO_EUSAGE, "too many canaries to simulate", "simulate", v,
                                allowed);
        }
    }
    return FO_OK;
}

static void math_peek(fo_buf *b, const fo_sprt_params *p, const fo_sprt_result *r) {
    fo_buf_printf(b,
                  "LLR(n, f) = f ln(p1/p0) + (n-f) ln((1-p1)/(1-p0)) = f x %.6f + (n-f) x "
                  "(%.6g)",
                  r->llr_failure, r->llr_success);
    fo_buf_printf(b,
                  "\nroll back (reject H0) when LLR >= ln A = ln((1-beta)/alpha) = ln(%g/%g) = "
                  "%.4f; promote (accept H0) when LLR <= ln B = ln(beta/(1-alpha)) = %.4f",
                  1 - p->beta, p->alpha, r->log_upper_boundary, r->log_lower_boundary);
    fo_buf_printf(b, "\nWald: E[N | H0] ~ ((1-alpha) ln B + alpha ln A) / (p0 a + (1-p0) b) = ");
    grouped(b, r->asn_h0);
    fo_buf_puts(b, "; E[N | H1] ~ (beta ln B + (1-beta) ln A) / (p1 a + (1-p1) b) = ");
    grouped(b, r->asn_h1);
    fo_buf_printf(b,
                  "\nWald's bounds (overshoot ignored): alpha' <= alpha/(1-beta) = %.4f, beta' "
                  "<= beta/(1-alpha) = %.4f",
                  r->wald_alpha_bound, r->wald_beta_bound);
    fo_buf_printf(b,
                  "\nexact (DP over the (n, f) lattice, %s): alpha' = %.5f, beta' = %.5f, "
                  "E[N | H0] = ",
                  r->exact_converged ? "undecided mass < 1e-12" : "TRUNCATED by its budget",
                  r->exact_alpha, r->exact_beta);
    fo_buf_grouped(b, r->exact_asn_h0, 0);
    fo_buf_puts(b, ", E[N | H1] = ");
    fo_buf_grouped(b, r->exact_asn_h1, 0);
    fo_buf_printf(b,
                  "; one failure jumps the LLR by %.1f%% of the gap ln A - ln B, so the "
                  "boundary is overshot",
                  100 * r->llr_failure / (r->log_upper_boundary - r->log_lower_boundary));
    fo_buf_puts(b, "\nfixed-sample test: smallest n with P(X >= c | n, p0) <= alpha and P(X < c "
                   "| n, p1) <= beta: n = ");
    grouped(b, (double)r->fixed_n);
    fo_buf_printf(b, ", c = %lld failures", r->fixed_critical);
    fo_buf_puts(b, "\nWald's OC: for h != 0 with p (p1/p0)^h + (1-p) ((1-p1)/(1-p0))^h = 1, "
                   "P(accept H0 | p) = (A^h - 1) / (A^h - B^h)");
}

/* ---- the three tests, with the track's numbers ---------------------------------------------- */

typedef struct three_tests {
    double lambda;                       /* monitored requests per hour (canary's formula) */
    double k, demo_n;                    /* the demonstration: k failures allowed in n requests */
    double demo_rollback_p0;             /* P(X > k | n, p0): it rolls back a healthy model */
    double demo_promote_p1;              /* P(X <= k | n, p1): it promotes a regression */
    double fixed_hours, demo_hours;      /* n / lambda */
    double sprt_hours_h0, sprt_hours_h1; /* E[N] / lambda, NAN when not computed */
    double saved_h0, saved_h1;           /* fixed-n hours minus SPRT hours, NAN when not computed */
    double fixed_n, fixed_critical, fixed_alpha, fixed_beta;
    double sprt_n_h0, sprt_n_h1, sprt_alpha, sprt_beta; /* exact, NAN when not computed */
    char exact_reason[200];
    char summary[900];
    int hide_window; /* the demonstration's hours are the 10-Iteration Rule's lower bound */
} three_tests;

static void pct(fo_buf *b, double x) {
    fo_buf_printf(b, "%.3g%%", 100 * x);
}

static void hours_text(fo_buf *b, double h) {
    fo_buf_grouped(b, h, h < 10 ? 2 : 1);
    fo_buf_puts(b, " h");
}

static void tests_fill(three_tests *t, const fo_sprt_params *p, const fo_sprt_result *r) {
    t->demo_rollback_p0 = -fo_expm1(fo_binom_log_cdf(t->k, t->demo_n, p->p0));
    t->demo_promote_p1 = fo_binom_cdf(t->k, t->demo_n, p->p1);
    t->demo_hours = t->demo_n / t->lambda;
    t->fixed_hours = (double)r->fixed_n / t->lambda;
    int ok = r->exact_converged;
    t->sprt_hours_h0 = ok ? r->exact_asn_h0 / t->lambda : NAN;
    t->sprt_hours_h1 = ok ? r->exact_asn_h1 / t->lambda : NAN;
    t->saved_h0 = ok ? t->fixed_hours - t->sprt_hours_h0 : NAN;
    t->saved_h1 = ok ? t->fixed_hours - t->sprt_hours_h1 : NAN;
    t->fixed_n = (double)r->fixed_n, t->fixed_critical = (double)r->fixed_critical;
    t->fixed_alpha = r->fixed_alpha, t->fixed_beta = r->fixed_beta;
    t->sprt_n_h0 = ok ? r->exact_asn_h0 : NAN, t->sprt_n_h1 = ok ? r->exact_asn_h1 : NAN;
    t->sprt_alpha = ok ? r->exact_alpha : NAN, t->sprt_beta = ok ? r->exact_beta : NAN;
    snprintf(t->exact_reason, sizeof t->exact_reason, "%s",
             ok ? ""
             : p->max_requests > 0
                 ? "the test was stopped at max_requests with canaries still undecided, so its "
                   "exact error rates and expected requests are not those of the full SPRT"
                 : "the exact computation did not finish within its work budget for these "
                   "hypotheses, so the exact error rates and expected requests are not shown");
    fo_buf b;
    fo_buf_init(&b);
    fo_buf_puts(&b, "At ");
    fo_buf_grouped(&b, t->lambda, t->lambda < 10 ? 2 : 1);
    fo_buf_puts(&b, " monitored requests an hour: the demonstration needs ");
    fo_buf_grouped(&b, t->demo_n, 0);
    if (t->hide_window) {
        fo_buf_puts(&b, " requests and rolls back a healthy model (failure rate ");
    } else {
        fo_buf_puts(&b, " requests (");
        hours_text(&b, t->demo_hours);
        fo_buf_puts(&b, ") and rolls back a healthy model (failure rate ");
    }
    pct(&b, p->p0);
    fo_buf_puts(&b, ") with probability ");
    pct(&b, t->demo_rollback_p0);
    fo_buf_puts(&b, "; the fixed-n test with the same alpha (");
    pct(&b, p->alpha);
    fo_buf_puts(&b, ") and beta (");
    pct(&b, p->beta);
    fo_buf_puts(&b, ") needs ");
    fo_buf_grouped(&b, (double)r->fixed_n, 0);
    fo_buf_puts(&b, " requests (");
    hours_text(&b, t->fixed_hours);
    fo_buf_puts(&b, ")");
    if (ok) {
        fo_buf_puts(&b, "; the SPRT stops after ");
        fo_buf_grouped(&b, r->exact_asn_h0, 0);
        fo_buf_puts(&b, " requests on average for a healthy model (");
        hours_text(&b, t->sprt_hours_h0);
        fo_buf_puts(&b, ") and ");
        fo_buf_grouped(&b, r->exact_asn_h1, 0);
        fo_buf_puts(&b, " for a regression (");
        hours_text(&b, t->sprt_hours_h1);
        fo_buf_puts(&b, "), saving ");
        hours_text(&b, t->saved_h0);
        fo_buf_puts(&b, " and ");
        hours_text(&b, t->saved_h1);
        fo_buf_puts(&b, " against the fixed-n test.");
    } else {
        fo_buf_puts(&b, "; the SPRT's exact expected requests are not shown: ");
        fo_buf_puts(&b, t->exact_reason);
        fo_buf_puts(&b, ".");
    }
    snprintf(t->summary, sizeof t->summary, "%s", fo_buf_str(&b));
    fo_buf_free(&b);
}

static void tests_json(fo_json *j, const three_tests *t) {
    fo_json_object_begin(j, "tests");
    fo_json_object_begin(j, "demonstration");
    fo_json_string(j, "name",
                   t->k == 0 ? "Zero-failure demonstration"
                             : "Demonstration with allowed failures");
    fo_json_string(j, "controls",
                   "beta only: a regression at the failure rate passes with probability at most "
                   "1 - confidence; it says nothing about rolling back a healthy model");
    fo_json_number(j, "requests", t->demo_n);
    if (!t->hide_window) fo_json_number(j, "hours", t->demo_hours);
    fo_json_number(j, "allowed_failures", t->k);
    fo_json_number(j, "rollback_probability_at_p0", t->demo_rollback_p0);
    fo_json_number(j, "promote_probability_at_p1", t->demo_promote_p1);
    fo_json_object_end(j);
    fo_json_object_begin(j, "fixed_n");
    fo_json_string(j, "name", "Fixed-n test");
    fo_json_string(j, "controls",
                   "alpha and beta: watch a fixed number of requests, roll back at the critical "
                   "number of failures");
    fo_json_number(j, "requests", t->fixed_n);
    fo_json_number(j, "hours", t->fixed_hours);
    fo_json_number(j, "critical_failures", t->fixed_critical);
    fo_json_number(j, "alpha", t->fixed_alpha);
    fo_json_number(j, "beta", t->fixed_beta);
    fo_json_object_end(j);
    fo_json_object_begin(j, "sprt");
    fo_json_string(j, "name", "Sequential test (SPRT)");
    fo_json_string(j, "controls",
                   "alpha and beta, like the fixed-n test, but stops as soon as the evidence is "
                   "clear either way, so the number of requests varies");
    fo_json_number(j, "requests_h0", t->sprt_n_h0);
    fo_json_number(j, "requests_h1", t->sprt_n_h1);
    fo_json_number(j, "alpha", t->sprt_alpha);
    fo_json_number(j, "beta", t->sprt_beta);
    fo_json_number(j, "hours_h0", t->sprt_hours_h0);
    fo_json_number(j, "hours_h1", t->sprt_hours_h1);
    fo_json_number(j, "hours_saved_h0", t->saved_h0);
    fo_json_number(j, "hours_saved_h1", t->saved_h1);
    fo_json_object_end(j);
    fo_json_string(j, "summary", t->summary);
    fo_json_object_end(j);
}

static void write_json(fo_json *j, const fo_args *a, const sprt_fields *q, const fo_sprt_params *p,
                       const fo_sprt_result *r, const three_tests *t, const char *peek) {
    int ok = r->exact_converged;
    fo_json_object_begin(j, NULL);
    fo_json_string(j, "command", "sprt");
    fo_json_string(j, "track", fo_arg_choice(a, "track"));
    fo_json_number(j, "failure_rate", q->failure_rate);
    fo_json_number(j, "confidence", q->confidence);
    fo_json_number(j, "request_rate_per_s", q->request_rate_per_s);
    fo_json_number(j, "shadow_fraction", q->shadow_fraction);
    fo_json_number(j, "slice_share", q->slice_share);
    fo_json_int(j, "allowed_failures", q->allowed_failures);
    fo_json_number(j, "monitored_per_hour", t->lambda);
    fo_json_number(j, "p0", p->p0);
    fo_json_number(j, "p1", p->p1);
    fo_json_number(j, "alpha", p->alpha);
    fo_json_number(j, "beta", p->beta);
    fo_json_string(j, "hypotheses_rule", FO_HYPOTHESES_RULE);
    fo_json_bool(j, "hypotheses_overridden",
                 fo_arg_given(a, "p0") || fo_arg_given(a, "p1") || fo_arg_given(a, "alpha") ||
                     fo_arg_given(a, "beta"));
    tests_json(j, t);
    fo_json_number(j, "llr_failure", r->llr_failure);
    fo_json_number(j, "llr_success", r->llr_success);
    fo_json_number(j, "log_upper_boundary", r->log_upper_boundary);
    fo_json_number(j, "log_lower_boundary", r->log_lower_boundary);
    fo_json_number(j, "asn_h0", r->asn_h0);
    fo_json_number(j, "asn_h1", r->asn_h1);
    fo_json_number(j, "wald_alpha_bound", r->wald_alpha_bound);
    fo_json_number(j, "wald_beta_bound", r->wald_beta_bound);
    fo_json_bool(j, "exact_converged", ok);
    if (ok)
        fo_json_null(j, "exact_reason");
    else
        fo_json_string(j, "exact_reason", t->exact_reason);
    fo_json_number(j, "exact_alpha", ok ? r->exact_alpha : NAN);
    fo_json_number(j, "exact_beta", ok ? r->exact_beta : NAN);
    fo_json_number(j, "exact_asn_h0", ok ? r->exact_asn_h0 : NAN);
    fo_json_number(j, "exact_asn_h1", ok ? r->exact_asn_h1 : NAN);
    fo_json_number(j, "exact_median_h0", ok ? r->exact_median_h0 : NAN);
    fo_json_number(j, "exact_median_h1", ok ? r->exact_median_h1 : NAN);
    fo_json_number(j, "exact_p99_h0", ok ? r->exact_p99_h0 : NAN);
    fo_json_number(j, "exact_p99_h1", ok ? r->exact_p99_h1 : NAN);
    fo_json_int(j, "exact_requests", r->exact_requests);
    fo_json_number(j, "truncation_mass_h0", r->truncation_mass_h0);
    fo_json_number(j, "truncation_mass_h1", r->truncation_mass_h1);
    fo_json_int(j, "fixed_n", r->fixed_n);
    fo_json_int(j, "fixed_critical_failures", r->fixed_critical);
    fo_json_number(j, "fixed_alpha", r->fixed_alpha);
    fo_json_number(j, "fixed_beta", r->fixed_beta);
    fo_json_number(j, "savings_h0", ok ? 1 - r->exact_asn_h0 / (double)r->fixed_n : NAN);
    fo_json_number(j, "savings_h1", ok ? 1 - r->exact_asn_h1 / (double)r->fixed_n : NAN);
    if (r->simulated) {
        double k = (double)r->simulated;
        fo_json_int(j, "simulate", r->simulated);
        fo_json_int(j, "seed", (long long)fo_arg_num(a, "seed"));
        fo_json_number(j, "simulated_alpha", r->sim_alpha);
        fo_json_number(j, "simulated_beta", r->sim_beta);
        fo_json_number(j, "simulated_mean_samples_h0", r->sim_mean_h0);
        fo_json_number(j, "simulated_mean_samples_h1", r->sim_mean_h1);
        fo_json_number(j, "simulated_alpha_se", sqrt(r->sim_alpha * (1 - r->sim_alpha) / k));
        fo_json_number(j, "simulated_beta_se", sqrt(r->sim_beta * (1 - r->sim_beta) / k));
        fo_json_number(j, "simulated_mean_samples_h0_se", r->sim_sd_h0 / sqrt(k));
        fo_json_number(j, "simulated_mean_samples_h1_se", r->sim_sd_h1 / sqrt(k));
        fo_json_number(j, "simulated_undecided_h0", r->sim_undecided_h0);
        fo_json_number(j, "simulated_undecided_h1", r->sim_undecided_h1);
    }
    fo_json_string(j, "math_peek", peek);
    fo_json_array_begin(j, "oc_curve");
    for (size_t i = 0; i < r->oc_len; i++) {
        fo_json_object_begin(j, NULL);
        fo_json_number(j, "p", r->oc[i].p);
        fo_json_number(j, "accept_h0", r->oc[i].accept_h0);
        fo_json_number(j, "asn", r->oc[i].asn);
        fo_json_object_end(j);
    }
    fo_json_array_end(j);
    fo_json_object_end(j);
}

/* One row of the comparison table: Wald, exact, simulated (+- 1 standard error). */
static void row(fo_buf *b, const char *name, const char *wald, const char *exact, const char *sim) {
    fo_buf_printf(b, "  %-28s %-14s %-14s %s\n", name, wald, exact, sim);
}

static void write_text(fo_buf *b, const fo_args *a, const fo_sprt_params *p,
                       const fo_sprt_result *r, const three_tests *t, const char *peek) {
    int ok = r->exact_converged;
    const char *track = fo_arg_choice(a, "track");
    fo_buf_printf(b,
                  "Sequential validation: Wald's SPRT, H0 p = %g vs H1 p = %g, alpha = %g, "
                  "beta = %g",
                  p->p0, p->p1, p->alpha, p->beta);
    if (track) fo_buf_printf(b, "  (track: %s)", track);
    fo_buf_printf(b, "\n  Each failure adds %+.4f to the LLR, each success %+.6f.\n",
                  r->llr_failure, r->llr_success);
    fo_buf_printf(b, "  Roll back when LLR >= %.4f; promote when LLR <= %.4f.\n\n",
                  r->log_upper_boundary, r->log_lower_boundary);
    char w[4][40], e[4][40], s[4][64];
    snprintf(w[0], 40, "<= %.4f", r->wald_alpha_bound);
    snprintf(w[1], 40, "<= %.4f", r->wald_beta_bound);
    snprintf(w[2], 40, "%.0f", r->asn_h0);
    snprintf(w[3], 40, "%.0f", r->asn_h1);
    snprintf(e[0], 40, ok ? "%.5f" : "not computed", r->exact_alpha);
    snprintf(e[1], 40, ok ? "%.5f" : "not computed", r->exact_beta);
    snprintf(e[2], 40, ok ? "%.0f" : "not computed", r->exact_asn_h0);
    snprintf(e[3], 40, ok ? "%.0f" : "not computed", r->exact_asn_h1);
    for (int i = 0; i < 4; i++)
        s[i][0] = '\0';
    if (r->simulated) {
        double k = (double)r->simulated;
        snprintf(s[0], 64, "%.5f +- %.5f", r->sim_alpha,
                 sqrt(r->sim_alpha * (1 - r->sim_alpha) / k));
        snprintf(s[1], 64, "%.5f +- %.5f", r->sim_beta, sqrt(r->sim_beta * (1 - r->sim_beta) / k));
        snprintf(s[2], 64, "%.0f +- %.0f", r->sim_mean_h0, r->sim_sd_h0 / sqrt(k));
        snprintf(s[3], 64, "%.0f +- %.0f", r->sim_mean_h1, r->sim_sd_h1 / sqrt(k));
    }
    char head[64] = "";
    if (r->simulated) snprintf(head, sizeof head, "simulated (K = %lld)", r->simulated);
    row(b, "", "Wald (approx.)", "exact (DP)", head);
    row(b, "alpha (false rollback)", w[0], e[0], s[0]);
    row(b, "beta (missed regression)", w[1], e[1], s[1]);
    row(b, "E[N | H0] requests", w[2], e[2], s[2]);
    row(b, "E[N | H1] requests", w[3], e[3], s[3]);
    if (ok) {
        fo_buf_printf(b, "  %-28s %-14s %.0f / %.0f\n", "N | H0: median / 99th pct", "",
                      r->exact_median_h0, r->exact_p99_h0);
        fo_buf_printf(b, "  %-28s %-14s %.0f / %.0f\n", "N | H1: median / 99th pct", "",
                      r->exact_median_h1, r->exact_p99_h1);
        fo_buf_printf(b,
                      "  (the exact computation walked %lld requests; undecided mass left %.1e / "
                      "%.1e)\n",
                      r->exact_requests, r->truncation_mass_h0, r->truncation_mass_h1);
    } else {
        fo_buf_printf(b, "  (exact figures not computed: %s)\n", t->exact_reason);
    }
    fo_buf_puts(b, "\nFixed-sample test with the same alpha and beta: ");
    grouped(b, (double)r->fixed_n);
    fo_buf_printf(b, " requests, roll back at %lld or more failures.\n", r->fixed_critical);
    fo_buf_printf(b, "\nThree tests\n  %s\n", t->summary);
    fo_text_math_peek(b, peek);

    /* x in failures per 1,000 requests: the plot's axis prints whole numbers best. */
    double xs[FO_SPRT_OC_POINTS], ys[FO_SPRT_OC_POINTS];
    for (size_t i = 0; i < r->oc_len; i++)
        xs[i] = 1000 * r->oc[i].p, ys[i] = r->oc[i].accept_h0;
    fo_term_series series[] = {{xs, ys, r->oc_len, '*', "P(promote | p), Wald"}};
    fo_term_mark marks[] = {{1000 * p->p0, '|', "p0"}, {1000 * p->p1, ':', "p1"}};
    fo_buf_puts(b,
                "\nOperating characteristic: the chance of promoting vs the true failure rate\n");
    fo_termplot(b, series, 1, marks, 2, 64, 12, "true failure rate p (failures per 1,000 requests)",
                fo_term_percent);
}

static fo_status run_sprt(const fo_args *a, fo_output *out, fo_error *err) {
    sprt_fields q;
    memset(&q, 0, sizeof q);
    fo_args_bind(a, &q);
    fo_hypotheses h = fo_part2_hypotheses(a);
    fo_sprt_params p = {.p0 = h.p0,
                        .p1 = h.p1,
                        .alpha = h.alpha,
                        .beta = h.beta,
                        .simulate = fo_arg_given(a, "simulate") ? q.simulate : 0,
                        .max_requests = fo_arg_given(a, "max_requests") ? q.max_requests : 0};
    fo_status st = check(a, &p, err);
    if (st != FO_OK) return st;
    /* The demonstration, by canary's own computation at the same Part 2 parameters. */
    fo_canary_params cp = {.confidence = q.confidence,
                           .failure_rate = q.failure_rate,
                           .allowed_failures = q.allowed_failures,
                           .request_rate_per_s = q.request_rate_per_s,
                           .shadow_fraction = q.shadow_fraction,
                           .slice_share = q.slice_share,
                           .release_limit_hours = 168};
    fo_canary_result *demo = malloc(sizeof *demo);
    if (!demo) return fo_error_set(err, FO_ENOMEM, "out of memory", "", "", "");
    if (fo_canary_evaluate(&cp, demo) != 0) {
        free(demo);
        return fo_error_set(err, FO_EINTERNAL, "sprt: the demonstration could not be computed", "",
                            "", "");
    }
    three_tests t = {.lambda = fo_canary_monitored_per_hour(&cp),
                     .k = (double)q.allowed_failures,
                     .demo_n = demo->requests_needed,
                     .hide_window = strcmp(fo_arg_choice(a, "window"), "hidden") == 0};
    free(demo);
    uint64_t seed = (uint64_t)fo_arg_num(a, "seed");
    fo_rng rng;
    fo_rng_seed(&rng, seed);
    fo_sprt_result r;
    if (fo_sprt_evaluate(&p, &rng, &r) != 0)
        return fo_error_set(err, FO_EINTERNAL, "sprt: parameters outside the model's domain", "",
                            "", "");
    tests_fill(&t, &p, &r);
    fo_buf peek;
    fo_buf_init(&peek);
    math_peek(&peek, &p, &r);
    fo_json j;
    fo_json_init(&j, out->json);
    write_json(&j, a, &q, &p, &r, &t, fo_buf_str(&peek));
    if (FO_WANT_TEXT(out)) write_text(out->text, a, &p, &r, &t, fo_buf_str(&peek));
    if (out->svg) {
        /* Sample paths from their own stream, so the figure does not depend on --simulate. */
        const size_t per_path = PATH_POINTS;
        fo_sprt_path_point *pts = malloc(sizeof *pts * per_path * FIGURE_PATHS);
        if (!pts) {
            fo_buf_free(&peek);
            return fo_error_set(err, FO_ENOMEM, "out of memory", "", "", "");
        }
        fo_sprt_figure fig = {.npaths = FIGURE_PATHS};
        fo_rng paths;
        fo_rng_seed(&paths, seed ^ 0x5eedf16u);
        for (size_t i = 0; i < FIGURE_PATHS; i++) {
            fig.paths[i] = pts + i * per_path;
            fig.under_h1[i] = (int)(i % 2);
            fig.len[i] = fo_sprt_path(&p, i % 2 ? p.p1 : p.p0, &paths, pts + i * per_path, per_path,
                                      &fig.decision[i]);
        }
        fo_draw_sprt(out->svg, fo_figure_width(a), &p, &r, &fig);
        free(pts);
    }
    fo_buf_free(&peek);
    return FO_OK;
}

const fo_command fo_cmd_sprt = {
    .name = "sprt",
    .summary =
        "Part 2: sequential validation (Wald's SPRT): stop the canary as soon as it is clear",
    .description =
        "Wald's sequential probability ratio test on failures, H0 p = p0 vs H1 p = p1, set "
        "from Part 2's parameters by one rule: p1 = your failure rate, p0 = half of it, beta = "
        "1 - your confidence, alpha = the track's (5% unless the track says otherwise); --p0, "
        "--p1, --alpha and --beta override it. Side by side, in requests and hours at the "
        "fleet's monitored rate: the zero-failure demonstration, the exact fixed-n test with "
        "the same alpha and beta, and the SPRT with its exact error rates and expected requests "
        "(beside Wald's approximations, which ignore the overshoot). --simulate K adds a seeded "
        "Monte Carlo of K canaries per hypothesis. Exact figures are computed for every failure "
        "rate from 0.0001% to 10% and confidence from 50% to 99.999%; hypotheses set by hand "
        "too close together are reported as not computed.",
    .params = sprt_params,
    .nparams = FO_COUNT(sprt_params),
    .presets = sprt_presets,
    .npresets = FO_COUNT(sprt_presets),
    .figure = "SPRT: LLR paths between the boundaries, OC curve, expected sample number",
    .example = "fleetops sprt --track tiny-pioneer --failure-rate 0.002 --simulate 100000",
    .run = run_sprt,
};
