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

#endif
