/* stats.c — shared statistics (stats.h). */
#include "fleetops/stats.h"

#include <math.h>
#include <stdlib.h>

#include "fleetops/libm.h"
#include "fleetops/rng.h"

double fo_quantile_sorted(const double *s, size_t n, double q) {
    if (n == 1) return s[0];
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1) return s[n - 1];
    return s[lo] + (h - (double)lo) * (s[lo + 1] - s[lo]);
}

void fo_quantiles(double *values, size_t n, const double *qs, size_t nq, double *out) {
    fo_sort_doubles(values, n); /* not qsort: ~2 KB of fleetops.wasm, and slower */
    for (size_t i = 0; i < nq; i++)
        out[i] = fo_quantile_sorted(values, n, qs[i]);
}

double fo_normal_cdf(double z) {
    return 0.5 * fo_erfc(-z / 1.41421356237309504880);
}

double fo_normal_sf(double z) {
    return 0.5 * fo_erfc(z / 1.41421356237309504880);
}

/* AS241 (Wichura 1988), PPND16: rational approximations in three regions. */
double fo_normal_quantile(double p) {
    double q = p - 0.5, r, x;
    if (fabs(q) <= 0.425) {
        r = 0.180625 - q * q;
        return q *
               (((((((2509.0809287301226727 * r + 33430.575583588128105) * r +
                     67265.770927008700853) *
                        r +
                    45921.953931549871457) *
                       r +
                   13731.693765509461125) *
                      r +
                  1971.5909503065514427) *
                     r +
                 133.14166789178437745) *
                    r +
                3.387132872796366608) /
               (((((((5226.495278852545925 * r + 28729.085735721942674) * r +
                     39307.89580009271061) *
                        r +
                    21213.794301586595867) *
                       r +
                   5394.1960214247511077) *
                      r +
                  687.1870074920579083) *
                     r +
                 42.313330701600911252) *
                    r +
                1.0);
    }
    r = q < 0 ? p : 1.0 - p;
    r = sqrt(-fo_log(r));
    if (r <= 5.0) {
        r -= 1.6;
        x = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r +
                  0.24178072517745061177) *
                     r +
                 1.27045825245236838258) *
                    r +
                3.64784832476320460504) *
                   r +
               5.7694972214606914055) *
                  r +
              4.6303378461565452959) *
                 r +
             1.42343711074968357734) /
            (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r +
                  0.0151986665636164571966) *
                     r +
                 0.14810397642748007459) *
                    r +
                0.68976733498510000455) *
                   r +
               1.6763848301838038494) *
                  r +
              2.05319162663775882187) *
                 r +
             1.0);
    } else {
        r -= 5.0;
        x = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r +
                  0.0012426609473880784386) *
                     r +
                 0.026532189526576123093) *
                    r +
                0.29656057182850489123) *
                   r +
               1.7848265399172913358) *
                  r +
              5.4637849111641143699) *
                 r +
             6.6579046435011037772) /
            (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r +
                  1.8463183175100546818e-5) *
                     r +
                 7.868691311456132591e-4) *
                    r +
                0.0148753612908506148525) *
                   r +
               0.13692988092273580531) *
                  r +
              0.59983220655588793769) *
                 r +
             1.0);
    }
    return q < 0 ? -x : x;
}

/* Is index a before b: by p-value, then by position (a total order, so ties are stable). */
static int before(const double *pv, size_t a, size_t b) {
    return pv[a] < pv[b] || (pv[a] == pv[b] && a < b);
}

static void sift_down(const double *pv, size_t *h, size_t root, size_t n) {
    for (size_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && before(pv, h[child], h[child + 1])) child++;
        if (!before(pv, h[root], h[child])) return;
        size_t t = h[root];
        h[root] = h[child];
        h[child] = t;
    }
}

/* Heap sort of indices by p-value: no globals, no allocation (qsort has no context). */
static void sort_indices(const double *pv, size_t *idx, size_t n) {
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    for (size_t i = n / 2; i > 0; i--)
        sift_down(pv, idx, i - 1, n);
    for (size_t end = n; end > 1; end--) {
        size_t t = idx[0];
        idx[0] = idx[end - 1];
        idx[end - 1] = t;
        sift_down(pv, idx, 0, end - 1);
    }
}

size_t fo_multiple_test(const double *pv, size_t n, double alpha, fo_correction method,
                        unsigned char *rejected, size_t *order) {
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        rejected[i] = 0;
    if (method != FO_CORRECTION_BH) {
        double level = method == FO_CORRECTION_BONFERRONI ? alpha / (double)n : alpha;
        for (size_t i = 0; i < n; i++)
            count += rejected[i] = pv[i] <= level;
        return count;
    }
    /* BH step-up: the largest k with p_(k) <= k alpha / n; reject the k smallest. */
    sort_indices(pv, order, n);
    size_t k = 0;
    for (size_t i = n; i > 0; i--) {
        if (pv[order[i - 1]] <= (double)i * alpha / (double)n) {
            k = i;
            break;
        }
    }
    for (size_t i = 0; i < k; i++)
        rejected[order[i]] = 1;
    return k;
}

/* ---- Added for the track crises (issue 5): CUSUM, binomial sampling and tail ---------------- */

int fo_cusum_update(fo_cusum *c, double z, double k, double h) {
    c->upper = fmax(0.0, c->upper + z - k);
    c->lower = fmax(0.0, c->lower - z - k);
    if (c->upper > h) {
        c->upper = 0.0;
        return 1;
    }
    if (c->lower > h) {
        c->lower = 0.0;
        return -1;
    }
    return 0;
}

size_t fo_cusum_run(const double *x, size_t n, double mean, double sd, double k, double h,
                    signed char *signals) {
    fo_cusum c = {0.0, 0.0};
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        int s = fo_cusum_update(&c, (x[i] - mean) / sd, k, h);
        signals[i] = (signed char)s;
        count += s != 0;
    }
    return count;
}

/* Stirling's error, log(n!) - (n + 1/2) log n + n - log sqrt(2 pi), for integer n >= 1: by
 * lgamma for small n (no cancellation there), by its asymptotic series beyond. */
static double stirling_error(double n) {
    int sign; /* Gamma(n + 1) = n! > 0 */
    if (n <= 15.0)
        return fo_lgamma_r(n + 1.0, &sign) - (n + 0.5) * fo_log(n) + n - 0.91893853320467274178;
    const double s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680, s4 = 1.0 / 1188;
    double nn = n * n;
    if (n > 500) return (s0 - s1 / nn) / n;
    if (n > 80) return (s0 - (s1 - s2 / nn) / nn) / n;
    if (n > 35) return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n;
    return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
}

/* x log(x / m) + m - x without cancellation when x is near m (a series in v = (x-m)/(x+m)). */
static double deviance_term(double x, double m) {
    if (fabs(x - m) < 0.1 * (x + m)) {
        double v = (x - m) / (x + m), s = (x - m) * v, ej = 2.0 * x * v;
        v *= v;
        for (int j = 1; j < 1000; j++) {
            ej *= v;
            double s1 = s + ej / (2 * j + 1);
            if (s1 == s) return s1;
            s = s1;
        }
        return s;
    }
    return x * fo_log(x / m) + m - x;
}

/* log P(X = k), X ~ Binomial(n, p), 0 < p < 1, in Loader's saddle-point form (C. Loader,
 * "Fast and accurate computation of binomial probabilities", 2000): relative accuracy near
 * machine precision for any n, where lgamma(n+1) - lgamma(k+1) - ... would lose ~1e-5 at
 * n = 1e9 to cancellation. */
static double binomial_log_pmf(double kk, double nn, double p) {
    double q = 1.0 - p;
    if (kk == 0) return nn * fo_log1p(-p);
    if (kk == nn) return nn * fo_log(p);
    double lc = stirling_error(nn) - stirling_error(kk) - stirling_error(nn - kk) -
                deviance_term(kk, nn * p) - deviance_term(nn - kk, nn * q);
    return lc - 0.5 * (1.83787706640934548356 + fo_log(kk) + fo_log1p(-kk / nn));
}

/* Gamma(shape, 1) for shape >= 1: Marsaglia & Tsang (2000), exact rejection from a normal. */
static double gamma_sample(fo_rng *r, double shape) {
    double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x = fo_rng_normal(r), v = 1.0 + c * x;
        if (v <= 0.0) continue;
        v = v * v * v;
        double u = fo_rng_uniform_pos(r);
        if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
        if (fo_log(u) < 0.5 * x * x + d * (1.0 - v + fo_log(v))) return d * v;
    }
}

/* Small variance: exact inversion, walking out from the mode (see stats.h). */
static long long binomial_by_mode_walk(fo_rng *r, long long n, double p) {
    if (n <= 0 || p <= 0.0) return 0;
    if (p >= 1.0) return n;
    long long mode = (long long)floor(((double)n + 1.0) * p);
    if (mode > n) mode = n;
    double odds = p / (1.0 - p);
    double pm = fo_exp(binomial_log_pmf(mode, n, p));
    double u = fo_rng_uniform(r), acc = pm;
    long long lo = mode, hi = mode;
    double plo = pm, phi = pm; /* pmf at lo and hi */
    while (u >= acc) {
        /* pmf one step further out on each side (0 past the support). */
        double next_hi = hi < n ? phi * (double)(n - hi) / (double)(hi + 1) * odds : 0.0;
        double next_lo = lo > 0 ? plo * (double)lo / ((double)(n - lo + 1) * odds) : 0.0;
        if (next_hi <= 0.0 && next_lo <= 0.0) break; /* mass exhausted by rounding: rare */
        if (next_hi >= next_lo) {
            phi = next_hi;
            acc += phi;
            if (u < acc) return ++hi;
            hi++;
        } else {
            plo = next_lo;
            acc += plo;
            if (u < acc) return --lo;
            lo--;
        }
    }
    return mode;
}

long long fo_binomial_sample(fo_rng *r, long long n, double p) {
    long long total = 0;
    if (n <= 0 || p <= 0.0) return 0;
    if (p >= 1.0) return n;
    /* Large variance: split by an order statistic (Knuth, TAOCP 3.4.1). Of n uniforms, the a-th
     * smallest X is Beta(a, n + 1 - a); the count below p is then Bin(a - 1, p / X) when X >= p,
     * else a + Bin(n - a, (p - X) / (1 - X)). Each step halves n; exact at every step. */
    while ((double)n * p * (1.0 - p) > 256.0) {
        long long a = 1 + n / 2, b = n + 1 - a;
        double ga = gamma_sample(r, (double)a), gb = gamma_sample(r, (double)b);
        double x = ga / (ga + gb);
        if (x >= p) {
            n = a - 1;
            p = p / x;
        } else {
            total += a;
            n = b - 1;
            p = (p - x) / (1.0 - x);
        }
    }
    if (p > 0.5) return total + n - binomial_by_mode_walk(r, n, 1.0 - p);
    return total + binomial_by_mode_walk(r, n, p);
}

double fo_binomial_sf(long long k, long long n, double p) {
    if (k <= 0) return 1.0;
    if (k > n) return 0.0;
    return fo_exp(fo_binom_log_sf((double)k - 1.0, (double)n, p)); /* P(X >= k) = P(X > k - 1) */
}

/* ---- Sorting (Part 3: the feature store's decile edges) ---------------------------------- */

static void sort_insertion(double *v, size_t n) {
    for (size_t i = 1; i < n; i++) {
        double x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

static void sort_sift_down(double *v, size_t root, size_t n) {
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && v[child + 1] > v[child]) child++;
        if (!(v[child] > v[root])) return;
        double t = v[root];
        v[root] = v[child];
        v[child] = t;
        root = child;
    }
}

static void sort_heap(double *v, size_t n) {
    for (size_t i = n / 2; i-- > 0;)
        sort_sift_down(v, i, n);
    for (size_t end = n; end-- > 1;) {
        double t = v[0];
        v[0] = v[end];
        v[end] = t;
        sort_sift_down(v, 0, end);
    }
}

/* Median of three as the pivot, then Hoare's partition; returns `left` with every element of
 * [0, left) <= pivot <= every element of [left, n). n > 16. */
static size_t hoare_partition(double *v, size_t n) {
    double a = v[0], b = v[n / 2], c = v[n - 1];
    double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
    size_t i = 0, j = n - 1;
    for (;;) {
        while (v[i] < pivot)
            i++;
        while (v[j] > pivot)
            j--;
        if (i >= j) break;
        double t = v[i];
        v[i] = v[j];
        v[j] = t;
        i++, j--;
    }
    return j + 1;
}

static void intro_sort(double *v, size_t n, int depth) {
    while (n > 16) {
        if (depth-- == 0) {
            sort_heap(v, n);
            return;
        }
        /* [0, left) <= pivot <= [left, n): recurse on the smaller side, loop on the larger. */
        size_t left = hoare_partition(v, n);
        if (left < n - left) {
            intro_sort(v, left, depth);
            v += left, n -= left;
        } else {
            intro_sort(v + left, n - left, depth);
            n = left;
        }
    }
    sort_insertion(v, n);
}

void fo_sort_doubles(double *v, size_t n) {
    int depth = 0;
    for (size_t m = n; m > 1; m >>= 1)
        depth += 2;
    intro_sort(v, n, depth);
}

/* Puts the order statistics of the ascending ranks r[0..nr) of v[0..n) in place. */
static void multi_select(double *v, size_t n, const size_t *r, size_t nr, int depth) {
    if (nr == 0) return;
    if (n <= 16 || depth == 0) {
        fo_sort_doubles(v, n);
        return;
    }
    size_t left = hoare_partition(v, n), k = 0;
    while (k < nr && r[k] < left)
        k++;
    multi_select(v, left, r, k, depth - 1);
    size_t shifted[128];
    for (size_t q = k; q < nr; q++)
        shifted[q - k] = r[q] - left;
    multi_select(v + left, n - left, shifted, nr - k, depth - 1);
}

void fo_quantiles_select(double *values, size_t n, const double *qs, size_t nq, double *out) {
    size_t ranks[128], nr = 0;
    if (nq > 64) nq = 64;
    for (size_t i = 0; i < nq; i++) {
        double h = (double)(n - 1) * qs[i];
        size_t lo = (size_t)floor(h);
        if (lo > n - 1) lo = n - 1;
        ranks[nr++] = lo;
        if (lo + 1 < n) ranks[nr++] = lo + 1;
    }
    /* Sort and deduplicate the ranks (at most 128: insertion sort). */
    for (size_t i = 1; i < nr; i++) {
        size_t x = ranks[i], j = i;
        for (; j > 0 && ranks[j - 1] > x; j--)
            ranks[j] = ranks[j - 1];
        ranks[j] = x;
    }
    size_t u = 0;
    for (size_t i = 0; i < nr; i++)
        if (u == 0 || ranks[i] != ranks[u - 1]) ranks[u++] = ranks[i];
    int depth = 0;
    for (size_t m = n; m > 1; m >>= 1)
        depth += 2;
    multi_select(values, n, ranks, u, depth);
    for (size_t i = 0; i < nq; i++)
        out[i] = fo_quantile_sorted(values, n, qs[i]);
}

/* ---- Distances between two histograms (Part 3) ----------------------------------------- */

double fo_psi(const double *p, const double *q, size_t n, double eps) {
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double e = p[i] > 0 ? p[i] : eps, a = q[i] > 0 ? q[i] : eps;
        sum += (a - e) * fo_log(a / e);
    }
    return sum;
}

double fo_js_distance(const double *p, const double *q, size_t n) {
    double div = 0;
    for (size_t i = 0; i < n; i++) {
        double m = 0.5 * (p[i] + q[i]);
        if (p[i] > 0) div += 0.5 * p[i] * fo_log(p[i] / m);
        if (q[i] > 0) div += 0.5 * q[i] * fo_log(q[i] / m);
    }
    return div > 0 ? sqrt(div) : 0.0; /* rounding can leave -1e-17 for equal inputs */
}

double fo_linf_distance(const double *p, const double *q, size_t n) {
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs(p[i] - q[i]);
        if (d > worst) worst = d;
    }
    return worst;
}

/* ------------------------------------------------------------------------------------------
 * Part 2: exact discrete distributions and the incomplete beta (see stats.h).
 * ------------------------------------------------------------------------------------------ */

#define LN_SQRT_2PI 0.91893853320467274178

/* Stirling's series without its leading terms: ln Gamma(x) - [(x - 1/2) ln x - x + ln sqrt(2 pi)],
 * x >= 10 (Bernoulli-number coefficients B_2k / (2k (2k-1))). */
static double stirling_tail(double x) {
    double r = 1.0 / x, r2 = r * r;
    return r *
           (1.0 / 12 +
            r2 * (-1.0 / 360 +
                  r2 * (1.0 / 1260 + r2 * (-1.0 / 1680 + r2 * (1.0 / 1188 + r2 * (-691.0 / 360360 +
                                                                                  r2 / 156))))));
}

double fo_log_gamma(double x) {
    if (!(x > 0)) return NAN;
    if (x >= 10) return (x - 0.5) * fo_log(x) - x + LN_SQRT_2PI + stirling_tail(x);
    double prod = 1.0;
    while (x < 10)
        prod *= x++;
    return (x - 0.5) * fo_log(x) - x + LN_SQRT_2PI + stirling_tail(x) - fo_log(prod);
}

/* ln Gamma(x + a) - ln Gamma(x) for x > 0, a >= 0: for x >= 10 as one Stirling difference,
 * (x - 1/2) log1p(a/x) + a ln(x + a) - a + tail(x + a) - tail(x), free of the cancellation
 * between two huge log-gammas when x >> a. */
static double log_gamma_ratio(double x, double a) {
    if (a == 0) return 0;
    if (x < 10) return fo_log_gamma(x + a) - fo_log_gamma(x);
    return (x - 0.5) * fo_log1p(a / x) + a * fo_log(x + a) - a + stirling_tail(x + a) -
           stirling_tail(x);
}

double fo_log_choose(double n, double k) {
    if (k < 0 || k > n) return -INFINITY;
    if (k > n - k) k = n - k;
    if (k == 0) return 0;
    return log_gamma_ratio(n - k + 1, k) - fo_log_gamma(k + 1);
}

static double log_beta(double a, double b) {
    if (a > b) {
        double t = a;
        a = b;
        b = t;
    }
    return fo_log_gamma(a) - log_gamma_ratio(b, a); /* ln G(a) + ln G(b) - ln G(a + b) */
}

double fo_binom_log_pmf(double k, double n, double p) {
    k = floor(k);
    if (k < 0 || k > n) return -INFINITY;
    if (p <= 0) return k == 0 ? 0 : -INFINITY;
    if (p >= 1) return k == n ? 0 : -INFINITY;
    return binomial_log_pmf(k, n, p); /* Loader's saddle-point form: no cancellation at huge n */
}

/* ln of the sum of pmf terms j = k, k-1, ..., 0 (dir < 0) or j = k, k+1, ..., n (dir > 0),
 * each from the previous by the pmf ratio; called only on the side where terms shrink. */
static double binom_log_run(double k, double n, double p, int dir) {
    double lead = fo_binom_log_pmf(k, n, p);
    if (lead == -INFINITY) return -INFINITY;
    double odds = p / (1.0 - p), sum = 1.0, term = 1.0;
    if (dir < 0) {
        for (double j = k; j > 0; j--) {
            term *= j / ((n - j + 1) * odds);
            sum += term;
            if (term < sum * 1e-17) break;
        }
    } else {
        for (double j = k; j < n; j++) {
            term *= (n - j) * odds / (j + 1);
            sum += term;
            if (term < sum * 1e-17) break;
        }
    }
    return lead + fo_log(sum);
}

/* ln(1 - e^x) for x <= 0, accurate on both ends. */
static double log1m_exp(double x) {
    if (x > -0.6931471805599453) return fo_log(-fo_expm1(x));
    return fo_log1p(-fo_exp(x));
}

double fo_binom_log_cdf(double k, double n, double p) {
    k = floor(k);
    if (k < 0) return -INFINITY;
    if (k >= n || p <= 0) return 0;
    if (p >= 1) return -INFINITY;
    if (k < n * p) return binom_log_run(k, n, p, -1);
    return log1m_exp(binom_log_run(k + 1, n, p, +1));
}

double fo_binom_log_sf(double k, double n, double p) {
    k = floor(k);
    if (k < 0) return 0;
    if (k >= n || p <= 0) return -INFINITY;
    if (p >= 1) return 0;
    if (k + 1 > n * p) return binom_log_run(k + 1, n, p, +1);
    return log1m_exp(binom_log_run(k, n, p, -1));
}

double fo_binom_cdf(double k, double n, double p) {
    return fo_exp(fo_binom_log_cdf(k, n, p));
}

/* The continued fraction of I_x(a, b) (DLMF 8.17.22) by the modified Lentz method; converges
 * fast for x < (a + 1) / (a + b + 2). Returns ln I_x(a, b). The caller passes ln x and
 * ln(1 - x) computed from the original argument: after the symmetry swap x is 1 - x' and
 * forming 1 - x again would lose the small quantity's digits. */
static double beta_cf_log(double x, double y, double lnx, double ln1mx, double a, double b) {
    const double tiny = 1e-300;
    /* 1 - (a+b) x / (a+1), written so that it does not cancel when x is near the switch
     * point and a is large (y = 1 - x is exact from the caller). */
    double c = 1.0, d = (1.0 + a * y - b * x) / (a + 1.0);
    if (fabs(d) < tiny) d = tiny;
    d = 1.0 / d;
    double f = d;
    for (int m = 1; m <= 100000; m++) {
        double m2 = 2.0 * m;
        double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2)); /* even step d_2m */
        d = 1.0 + num * d;
        c = 1.0 + num / c;
        if (fabs(d) < tiny) d = tiny;
        if (fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        f *= d * c;
        num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0)); /* odd step d_2m+1 */
        d = 1.0 + num * d;
        c = 1.0 + num / c;
        if (fabs(d) < tiny) d = tiny;
        if (fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        double delta = d * c;
        f *= delta;
        if (fabs(delta - 1.0) < 1e-16) break;
    }
    return a * lnx + b * ln1mx - log_beta(a, b) - fo_log(a) + fo_log(f);
}

static int is_whole(double v) {
    return v == floor(v) && v < 9007199254740992.0;
}

/* ln I_x(a, b) and ln(1 - I_x(a, b)), each computed directly where it is the small one. */
static void beta_inc_logs(double x, double a, double b, double *lo, double *up) {
    if (x <= 0) {
        *lo = -INFINITY, *up = 0;
        return;
    }
    if (x >= 1) {
        *lo = 0, *up = -INFINITY;
        return;
    }
    if (is_whole(a) && is_whole(b) && a + b - 1 < 9007199254740992.0) {
        double n = a + b - 1;
        *lo = fo_binom_log_sf(a - 1, n, x); /* P(X >= a) */
        *up = fo_binom_log_cdf(a - 1, n, x);
        return;
    }
    /* The continued fraction converges fast below its switch point s = (a+1)/(a+b+2), so the
     * usual rule takes I directly below s and 1 - I by the symmetry swap above it. But with
     * one parameter far larger than the other, the orientation that puts the large one first
     * cancels at every odd level (it keeps only ~8 digits), while the small-first one still
     * converges in a few dozen steps out to 2 s: use it there. */
    double s = (a + 1.0) / (a + b + 2.0);
    int direct = x < s;
    if (b > 100 * a && x < 2 * s) direct = 1;
    if (a > 100 * b && 1.0 - x < 2 * (1.0 - s)) direct = 0;
    if (direct) {
        *lo = beta_cf_log(x, 1.0 - x, fo_log(x), fo_log1p(-x), a, b);
        *up = log1m_exp(*lo);
    } else {
        *up = beta_cf_log(1.0 - x, x, fo_log1p(-x), fo_log(x), b, a);
        *lo = log1m_exp(*up);
    }
}

double fo_beta_inc(double x, double a, double b) {
    double lo, up;
    beta_inc_logs(x, a, b, &lo, &up);
    return lo < up ? fo_exp(lo) : -fo_expm1(up);
}

double fo_beta_inc_inv(double y, double a, double b) {
    if (!(y > 0)) return 0;
    if (!(y < 1)) return 1;
    /* g(x) increases with x and is 0 at the answer: ln I - ln y, or ln(1-y) - ln(1-I). */
    int upper = y > 0.5;
    double target = upper ? fo_log1p(-y) : fo_log(y), lb = log_beta(a, b);
    double lo = 0, hi = 1, x = a / (a + b);
    for (int it = 0; it < 500; it++) {
        double li, lu;
        beta_inc_logs(x, a, b, &li, &lu);
        double g = upper ? target - lu : li - target;
        if (g == 0) return x;
        if (g < 0)
            lo = x;
        else
            hi = x;
        /* Newton in u = ln x: dg/du = x f(x) / I (or / (1 - I)), f the beta density. */
        double lxf = a * fo_log(x) + (b - 1.0) * fo_log1p(-x) - lb;
        double slope = fo_exp(lxf - (upper ? lu : li));
        double next = x * fo_exp(-g / slope);
        if (!(next > lo && next < hi) || !isfinite(next)) {
            if (lo == 0)
                next = hi / 16;
            else if (hi == 1)
                next = 1 - (1 - lo) / 16;
            else
                next = hi / lo > 4 ? sqrt(lo * hi) : 0.5 * (lo + hi);
        }
        if (fabs(next - x) <= 1e-15 * x || hi - lo <= 1e-15 * hi) return next;
        x = next;
    }
    return x;
}

static double poisson_log_pmf(double k, double mu) {
    if (mu <= 0) return k == 0 ? 0 : -INFINITY;
    return -mu + k * fo_log(mu) - fo_log_gamma(k + 1);
}

/* Like binom_log_run for Poisson(mu). */
static double poisson_log_run(double k, double mu, int dir) {
    double lead = poisson_log_pmf(k, mu), sum = 1.0, term = 1.0;
    if (dir < 0) {
        for (double j = k; j > 0; j--) {
            term *= j / mu;
            sum += term;
            if (term < sum * 1e-17) break;
        }
    } else {
        for (double j = k + 1;; j++) {
            term *= mu / j;
            sum += term;
            if (term < sum * 1e-17) break;
        }
    }
    return lead + fo_log(sum);
}

double fo_poisson_log_cdf(double k, double mu) {
    k = floor(k);
    if (k < 0) return -INFINITY;
    if (mu <= 0) return 0;
    if (k < mu) return poisson_log_run(k, mu, -1);
    return log1m_exp(poisson_log_run(k + 1, mu, +1));
}

double fo_poisson_upper_mean(double k, double confidence) {
    double target = fo_log1p(-confidence);
    k = floor(k);
    if (k < 0 || !(confidence > 0 && confidence < 1)) return NAN;
    if (k == 0) return -target;
    /* ln P(X <= k) falls as mu grows; bracket, then Newton (d/dmu P(X <= k) = -pmf(k)). */
    double lo = 0, hi = k + 1, mu;
    while (fo_poisson_log_cdf(k, hi) > target)
        lo = hi, hi *= 2;
    mu = 0.5 * (lo + hi);
    for (int it = 0; it < 200; it++) {
        double lc = fo_poisson_log_cdf(k, mu), g = lc - target;
        if (g == 0) return mu;
        if (g > 0)
            lo = mu;
        else
            hi = mu;
        double next = mu + g / fo_exp(poisson_log_pmf(k, mu) - lc);
        if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
        if (fabs(next - mu) <= 1e-15 * mu) return next;
        mu = next;
    }
    return mu;
}
