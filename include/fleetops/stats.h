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

#endif
