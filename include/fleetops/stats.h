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

/* ---- Added for the track crises (issue 5): CUSUM, binomial sampling and tail ---------------- */

struct fo_rng;

/* Two one-sided tabular CUSUMs (Page 1954, in Montgomery's tabular form) on a standardized
 * value z = (x - mu0) / sigma0:
 *   S+_t = max(0, S+_{t-1} + z_t - k)   (upward shift)
 *   S-_t = max(0, S-_{t-1} - z_t - k)   (downward shift)
 * A side signals when its sum exceeds h (strictly) and then restarts from 0; the other side
 * carries on. k is the slack (half the shift to detect, in sigmas), h the decision interval. */
typedef struct fo_cusum {
    double upper, lower; /* S+ and S-, both >= 0 */
} fo_cusum;

/* Feeds one value; returns +1 when the upper side signals, -1 for the lower side, 0 else (both
 * sides cannot signal on one value when k >= 0). */
int fo_cusum_update(fo_cusum *c, double z, double k, double h);
/* Runs a fresh CUSUM over x[0..n) standardized by mean and sd (> 0); signals[i] gets the return
 * of fo_cusum_update for x[i]. Returns the number of signals. */
size_t fo_cusum_run(const double *x, size_t n, double mean, double sd, double k, double h,
                    signed char *signals);

/* A Binomial(n, p) variate, exact: while the variance n p (1 - p) exceeds 256, n is halved by
 * an order-statistic split (Knuth, TAOCP 3.4.1: a Beta variate from two Marsaglia-Tsang
 * gammas); then inversion walks out from the mode, likelier neighbour first. O(log n) work.
 * n >= 0, p in [0, 1]. */
long long fo_binomial_sample(struct fo_rng *r, long long n, double p);
/* P(X >= k) for X ~ Binomial(n, p), by summing the pmf outward from k (upward when k is above
 * the mean, else 1 - P(X <= k - 1) summed downward); the pmf in Loader's saddle-point form,
 * accurate to ~1e-13 relative for any n. Work grows with the distance of k from the tail
 * (a few standard deviations of terms at most). */
double fo_binomial_sf(long long k, long long n, double p);

/* ---- Sorting and quantiles by selection (Part 3: the feature store's decile edges) ------- */

/* Sorts n doubles ascending in place (introsort: median-of-3 quicksort, insertion sort on short
 * runs, heapsort past 2 log2 n levels; no NaNs). 3-4x faster than qsort's callback. */
void fo_sort_doubles(double *v, size_t n);
/* The same quantiles as fo_quantiles (type 7), by partial sorting: a multi-quickselect that
 * only partitions the ranges holding the order statistics asked for. Reorders `values`.
 * nq <= 64. About 3x faster than a full sort for a handful of quantiles. */
void fo_quantiles_select(double *values, size_t n, const double *qs, size_t nq, double *out);

/* ---- Distances between two histograms (Part 3, the Feature Store Consistency Check) -------
 * p (expected: the training view) and q (actual: what is served) are bin shares over the same
 * n bins, each summing to 1. These are the drift measures TFDV and Evidently report. */

/* Population Stability Index, natural log: sum_i (q_i - p_i) ln(q_i / p_i). A share of 0 is
 * replaced by eps before the sum (Evidently replaces empty-bin shares by 0.0001; pass 1e-4). */
double fo_psi(const double *p, const double *q, size_t n, double eps);
/* Jensen-Shannon distance, natural log: sqrt((KL(p||m) + KL(q||m)) / 2), m = (p + q) / 2,
 * with 0 ln 0 = 0 (no epsilon needed: m_i > 0 wherever p_i or q_i is). In [0, sqrt(ln 2)].
 * This is scipy.spatial.distance.jensenshannon with its default base, as Evidently calls it. */
double fo_js_distance(const double *p, const double *q, size_t n);
/* L-infinity distance max_i |p_i - q_i| (TFDV's infinity_norm drift comparator). */
double fo_linf_distance(const double *p, const double *q, size_t n);

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
