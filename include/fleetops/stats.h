/* stats.h — the statistics every model shares: quantiles, the normal distribution,
 * multiple-comparison control. Exact where an exact answer exists; each function says which
 * method it uses. Models add their own distribution functions here (one place per formula). */
#ifndef FLEETOPS_STATS_H
#define FLEETOPS_STATS_H

#include <stddef.h>

/* Quantile q in [0, 1] of an ascending array (Hyndman & Fan type 7, linear interpolation
 * between order statistics, the default of R and NumPy). n >= 1. */
double fo_quantile_sorted(const double *sorted, size_t n, double q);
/* Sorts a copy-free array in place (ascending) then takes several quantiles. */
void fo_quantiles(double *values, size_t n, const double *qs, size_t nq, double *out);

/* Standard normal CDF, Phi(z) = erfc(-z / sqrt 2) / 2 (libm's erfc: accurate in both tails). */
double fo_normal_cdf(double z);
/* Upper tail 1 - Phi(z), computed without cancellation. */
double fo_normal_sf(double z);
/* Inverse of Phi for p in (0, 1): Wichura's AS241 (relative error about 1e-16). */
double fo_normal_quantile(double p);

typedef enum fo_correction {
    FO_CORRECTION_BH = 0,         /* Benjamini-Hochberg: controls the false discovery rate */
    FO_CORRECTION_BONFERRONI = 1, /* controls the family-wise error rate */
    FO_CORRECTION_NONE = 2
} fo_correction;

/* Marks which of n p-values are rejected at level alpha under the correction; returns the
 * count. `scratch` holds n size_t (the caller's memory). */
size_t fo_multiple_test(const double *pvalues, size_t n, double alpha, fo_correction method,
                        unsigned char *rejected, size_t *scratch);

/* ------------------------------------------------------------------------------------------
 * Part 2 (canary.c, sprt.c, rollout.c): exact discrete distributions and the incomplete beta.
 * Every function works in log space where the answer can underflow, is thread-safe (no
 * libm lgamma: it writes the global signgam) and takes n as a double holding an integer up
 * to 2^53, so n = 1e12 requests is fine.
 * ------------------------------------------------------------------------------------------ */

/* ln Gamma(x) for x > 0: Stirling's series to x^-13 for x >= 10 (relative error < 1e-16),
 * the recurrence Gamma(x) = Gamma(x + m) / (x (x+1) ... (x+m-1)) below. */
double fo_log_gamma(double x);
/* ln C(n, k) for real n >= k >= 0, without the cancellation of three log-gammas when n >> k
 * (ln Gamma(n+1) - ln Gamma(n-k+1) is summed as one Stirling difference). */
double fo_log_choose(double n, double k);

/* X ~ Binomial(n, p), p in [0, 1], n a whole number. The tails are exact sums of pmf terms,
 * summed from the side of k away from the mode (so the terms shrink and the sum stops once
 * they no longer change it), the other tail by log1p(-exp(.)): both are accurate where small.
 * Cost O(sqrt(n p (1-p))), independent of k and n otherwise. */
double fo_binom_log_pmf(double k, double n, double p);
double fo_binom_log_cdf(double k, double n, double p); /* ln P(X <= k) */
double fo_binom_log_sf(double k, double n, double p);  /* ln P(X > k) */
double fo_binom_cdf(double k, double n, double p);     /* P(X <= k) */

/* Regularized incomplete beta I_x(a, b), a, b > 0. Whole a and b use the exact identity
 * I_x(a, b) = P(Binomial(a + b - 1, x) >= a); otherwise the continued fraction (DLMF 8.17.22)
 * by the modified Lentz method, on the side of (a+1)/(a+b+2) where it converges fast. */
double fo_beta_inc(double x, double a, double b);
/* The x with I_x(a, b) = y, y in [0, 1]: Newton steps in ln x on the smaller of ln I and
 * ln(1 - I), kept inside a bisection bracket. Relative accuracy about 1e-14. */
double fo_beta_inc_inv(double y, double a, double b);

/* X ~ Poisson(mu): ln P(X <= k), summed like the binomial tails. */
double fo_poisson_log_cdf(double k, double mu);
/* Garwood's one-sided upper bound on a Poisson mean after k events: the mu with
 * P(Poisson(mu) <= k) = 1 - confidence. k = 0 gives -ln(1 - confidence) (3.0 at 95%: the
 * "rule of three"). */
double fo_poisson_upper_mean(double k, double confidence);

#endif
