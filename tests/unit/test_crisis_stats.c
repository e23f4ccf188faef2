/* test_crisis_stats.c — the statistics the track crises rely on, pinned on cases worked by
 * hand: a CUSUM over ten values, Benjamini-Hochberg and Bonferroni on a hand-made list of
 * p-values, percentiles of a known sample, the binomial tail and the binomial sampler. */
#include <math.h>
#include <string.h>

#include "fleetops/rng.h"
#include "fleetops/stats.h"
#include "testutil.h"

/* |a - b| <= eps, with the values in the failure message (this cmocka has no double assert). */
#define assert_close(a, b, eps) assert_close_at((double)(a), (double)(b), (eps), #a, __LINE__)
static void assert_close_at(double a, double b, double eps, const char *what, int line) {
    if (!(fabs(a - b) <= eps))
        fail_msg("line %d: %s = %.17g, expected %.17g (+/- %g)", line, what, a, b, eps);
}

/* Ten standardized values, k = 0.5, h = 3. By hand:
 *   z     : 0.5  1.0  2.0  1.5  2.5  0.0 -1.0 -3.0 -2.0 -1.5
 *   S+    : 0    0.5  2.0  3.0  5.0>3 -> signal +1, restart 0; then 0 0 0 0 0
 *   S-    : 0    0    0    0    0    0    0.5  3.0  4.5>3 -> signal -1, restart 0; then 1.0
 * S+ = 3.0 at the fourth value does not signal: the rule is S > h, strictly. */
static const double cusum_z[10] = {0.5, 1.0, 2.0, 1.5, 2.5, 0.0, -1.0, -3.0, -2.0, -1.5};
static const signed char cusum_expected[10] = {0, 0, 0, 0, 1, 0, 0, 0, -1, 0};

static void cusum_ten_values_by_hand(void **state) {
    (void)state;
    fo_cusum c = {0, 0};
    double upper[10] = {0, 0.5, 2.0, 3.0, 0, 0, 0, 0, 0, 0};
    double lower[10] = {0, 0, 0, 0, 0, 0, 0.5, 3.0, 0, 1.0};
    for (int i = 0; i < 10; i++) {
        int s = fo_cusum_update(&c, cusum_z[i], 0.5, 3.0);
        assert_int_equal(s, cusum_expected[i]);
        assert_close(c.upper, upper[i], 1e-12);
        assert_close(c.lower, lower[i], 1e-12);
    }
}

/* The same ten values on the original scale, x = 10 + 2 z: the run standardizes them back. */
static void cusum_run_standardizes(void **state) {
    (void)state;
    double x[10];
    signed char sig[10];
    for (int i = 0; i < 10; i++)
        x[i] = 10.0 + 2.0 * cusum_z[i];
    size_t n = fo_cusum_run(x, 10, 10.0, 2.0, 0.5, 3.0, sig);
    assert_int_equal(n, 2);
    assert_memory_equal(sig, cusum_expected, 10);
    /* A larger h signals nothing on the same data. */
    assert_int_equal(fo_cusum_run(x, 10, 10.0, 2.0, 0.5, 100.0, sig), 0);
    /* k = 0 accumulates every z. S+: 0.5, 1.5, 3.5 > 3 (signal, restart), 1.5, 4.0 > 3
     * (signal, restart), 0, 0, 0, 0, 0. S-: 0, 0, 0, 0, 0, 0, 1.0, 4.0 > 3 (signal, restart),
     * 2.0, 3.5 > 3 (signal). */
    const signed char k0[10] = {0, 0, 1, 0, 1, 0, 0, -1, 0, -1};
    assert_int_equal(fo_cusum_run(x, 10, 10.0, 2.0, 0.0, 3.0, sig), 4);
    assert_memory_equal(sig, k0, 10);
}

/* Ten p-values made up for the test, alpha = 0.05, m = 10.
 * BH: sorted p_(k) against k * 0.005: 0.001 <= 0.005, 0.008 <= 0.010, 0.039 > 0.015, and no
 * later p_(k) <= k * 0.005 (0.042 > 0.025, 0.060 > 0.030, ..., 0.216 > 0.050): k = 2.
 * Bonferroni: p <= 0.005: only 0.001. None: p <= 0.05: the five smallest. */
static void bh_and_bonferroni_by_hand(void **state) {
    (void)state;
    /* Shuffled, so the index bookkeeping is tested too. */
    const double p[10] = {0.205, 0.039, 0.001, 0.216, 0.060, 0.008, 0.074, 0.042, 0.212, 0.041};
    unsigned char rej[10];
    size_t scratch[10];
    assert_int_equal(fo_multiple_test(p, 10, 0.05, FO_CORRECTION_BH, rej, scratch), 2);
    const unsigned char bh[10] = {0, 0, 1, 0, 0, 1, 0, 0, 0, 0};
    assert_memory_equal(rej, bh, 10);
    assert_int_equal(fo_multiple_test(p, 10, 0.05, FO_CORRECTION_BONFERRONI, rej, scratch), 1);
    const unsigned char bonf[10] = {0, 0, 1, 0, 0, 0, 0, 0, 0, 0};
    assert_memory_equal(rej, bonf, 10);
    assert_int_equal(fo_multiple_test(p, 10, 0.05, FO_CORRECTION_NONE, rej, scratch), 5);
    const unsigned char none[10] = {0, 1, 1, 0, 0, 1, 0, 1, 0, 1};
    assert_memory_equal(rej, none, 10);
}

/* BH is step-up: p_(1) = 0.02 misses its own bar 0.05/3 = 0.0167, but p_(2) = 0.021 <= 2 *
 * 0.05/3 = 0.0333, so both are rejected. */
static void bh_step_up_by_hand(void **state) {
    (void)state;
    const double p[3] = {0.5, 0.021, 0.02};
    unsigned char rej[3];
    size_t scratch[3];
    assert_int_equal(fo_multiple_test(p, 3, 0.05, FO_CORRECTION_BH, rej, scratch), 2);
    assert_int_equal(rej[0], 0);
    assert_int_equal(rej[1], 1);
    assert_int_equal(rej[2], 1);
    assert_int_equal(fo_multiple_test(p, 3, 0.05, FO_CORRECTION_BONFERRONI, rej, scratch), 0);
}

/* Type-7 percentiles: h = (n - 1) q, interpolate between order statistics.
 * 1..10: q = 0.9 -> h = 8.1 -> 9 + 0.1 * (10 - 9) = 9.1; q = 0.5 -> 5.5; q = 0 -> 1; q = 1 -> 10.
 * {15, 20, 35, 40, 50} (given unsorted): q = 0.4 -> h = 1.6 -> 20 + 0.6 * 15 = 29. */
static void percentile_of_known_sample(void **state) {
    (void)state;
    double s[10];
    for (int i = 0; i < 10; i++)
        s[i] = i + 1;
    assert_close(fo_quantile_sorted(s, 10, 0.9), 9.1, 1e-12);
    assert_close(fo_quantile_sorted(s, 10, 0.5), 5.5, 1e-12);
    assert_close(fo_quantile_sorted(s, 10, 0.0), 1.0, 0);
    assert_close(fo_quantile_sorted(s, 10, 1.0), 10.0, 0);
    double v[5] = {50, 15, 40, 20, 35}, q = 0.4, out;
    fo_quantiles(v, 5, &q, 1, &out);
    assert_close(out, 29.0, 1e-12);
}

/* P(X >= k), X ~ Binomial(10, 1/2): P(X >= 8) = (45 + 10 + 1) / 1024; P(X >= 3) = 1 - (1 + 10
 * + 45) / 1024 (the downward branch). */
static void binomial_tail_by_hand(void **state) {
    (void)state;
    assert_close(fo_binomial_sf(8, 10, 0.5), 56.0 / 1024.0, 1e-14);
    assert_close(fo_binomial_sf(3, 10, 0.5), 968.0 / 1024.0, 1e-14);
    assert_close(fo_binomial_sf(0, 10, 0.5), 1.0, 0);
    assert_close(fo_binomial_sf(11, 10, 0.5), 0.0, 0);
    assert_close(fo_binomial_sf(10, 10, 0.5), 1.0 / 1024.0, 1e-16);
    /* P(X >= 1) = 1 - (1 - p)^n, both branches agree with it. */
    assert_close(fo_binomial_sf(1, 1000, 0.001), -expm1(1000 * log1p(-0.001)), 1e-12);
}

/* Against a direct pmf sum for every k, on two shapes (both branches of the function). */
static void binomial_tail_matches_direct_sum(void **state) {
    (void)state;
    const long long ns[2] = {50, 400};
    const double ps[2] = {0.1, 0.63};
    for (int c = 0; c < 2; c++) {
        long long n = ns[c];
        double p = ps[c];
        double pmf[401], tail = 0.0;
        for (long long k = 0; k <= n; k++)
            pmf[k] =
                exp(lgamma((double)n + 1) - lgamma((double)k + 1) - lgamma((double)(n - k) + 1) +
                    (double)k * log(p) + (double)(n - k) * log1p(-p));
        for (long long k = n; k >= 0; k--) {
            tail += pmf[k];
            double got = fo_binomial_sf(k, n, p);
            assert_true(fabs(got - tail) <= 1e-11 + 1e-9 * tail);
        }
    }
}

static void binomial_sample_edges(void **state) {
    (void)state;
    fo_rng r;
    fo_rng_seed(&r, 7);
    assert_int_equal(fo_binomial_sample(&r, 0, 0.4), 0);
    assert_int_equal(fo_binomial_sample(&r, 100, 0.0), 0);
    assert_int_equal(fo_binomial_sample(&r, 100, 1.0), 100);
    for (int i = 0; i < 1000; i++) {
        long long x = fo_binomial_sample(&r, 7, 0.9);
        assert_true(x >= 0 && x <= 7);
    }
    fo_rng a, b;
    fo_rng_seed(&a, 99), fo_rng_seed(&b, 99);
    for (int i = 0; i < 100; i++)
        assert_int_equal(fo_binomial_sample(&a, 123456, 0.37),
                         fo_binomial_sample(&b, 123456, 0.37));
}

/* Frequencies of Binomial(5, 0.3) over 200,000 draws against the pmf, each within 5 standard
 * errors; and the mean and variance of Binomial(100,000, 0.002) and of a p > 1/2 case. */
static void binomial_sample_distribution(void **state) {
    (void)state;
    fo_rng r;
    fo_rng_seed(&r, 2024);
    enum { N = 200000 };
    long long count[6] = {0};
    for (int i = 0; i < N; i++)
        count[fo_binomial_sample(&r, 5, 0.3)]++;
    const double pmf[6] = {0.16807, 0.36015, 0.30870, 0.13230, 0.02835, 0.00243};
    for (int k = 0; k < 6; k++) {
        double se = sqrt(pmf[k] * (1 - pmf[k]) / N);
        assert_true(fabs((double)count[k] / N - pmf[k]) < 5 * se);
    }
    const long long ns[2] = {100000, 1000};
    const double ps[2] = {0.002, 0.8};
    for (int c = 0; c < 2; c++) {
        double s = 0, s2 = 0, mean = (double)ns[c] * ps[c], var = mean * (1 - ps[c]);
        enum { M = 20000 };
        for (int i = 0; i < M; i++) {
            double x = (double)fo_binomial_sample(&r, ns[c], ps[c]);
            s += x, s2 += x * x;
        }
        double m = s / M, v = s2 / M - m * m;
        assert_true(fabs(m - mean) < 5 * sqrt(var / M));
        assert_true(fabs(v / var - 1) < 0.05);
    }
}

/* The order-statistic split (variance > 256) against the exact CDF: for Binomial(10^6, 0.3) and
 * Binomial(10^9, 0.003), the share of 40,000 draws at or below mean + c sd matches
 * P(X <= k) = 1 - fo_binomial_sf(k + 1) within 5 standard errors. */
static void binomial_sample_split_path(void **state) {
    (void)state;
    fo_rng r;
    fo_rng_seed(&r, 77);
    const long long ns[2] = {1000000, 1000000000};
    const double ps[2] = {0.3, 0.003};
    const double cs[5] = {-2.0, -0.7, 0.0, 0.7, 2.0};
    enum { M = 40000 };
    for (int c = 0; c < 2; c++) {
        double mean = (double)ns[c] * ps[c], sd = sqrt(mean * (1 - ps[c]));
        long long k[5], below[5] = {0};
        for (int j = 0; j < 5; j++)
            k[j] = (long long)floor(mean + cs[j] * sd);
        double s = 0, s2 = 0;
        for (int i = 0; i < M; i++) {
            long long x = fo_binomial_sample(&r, ns[c], ps[c]);
            for (int j = 0; j < 5; j++)
                below[j] += x <= k[j];
            s += (double)x, s2 += (double)x * (double)x;
        }
        for (int j = 0; j < 5; j++) {
            double cdf = 1.0 - fo_binomial_sf(k[j] + 1, ns[c], ps[c]);
            double se = sqrt(cdf * (1 - cdf) / M);
            if (fabs((double)below[j] / M - cdf) > 5 * se)
                fail_msg("n %lld: P(X <= %lld) empirical %.4f exact %.4f", ns[c], k[j],
                         (double)below[j] / M, cdf);
        }
        double m = s / M, v = s2 / M - m * m;
        assert_true(fabs(m - mean) < 5 * sd / sqrt(M));
        assert_true(fabs(v / (sd * sd) - 1) < 0.05);
    }
}

/* At n = 10^9 the pmf must still be accurate: sf(k) - sf(k + 1) is P(X = k) only if the
 * upward (k + 1 >= mean) and downward (k < mean) sums agree, i.e. if the pmf sums to 1. The
 * reference pmf uses long double lgammal (~1e-9 relative here). */
static void binomial_pmf_accurate_at_huge_n(void **state) {
    (void)state;
    long long n = 1000000000, k = 99;
    double p = 1e-7;
    long double lp = lgammal((long double)n + 1) - lgammal((long double)k + 1) -
                     lgammal((long double)(n - k) + 1) + (long double)k * logl((long double)p) +
                     (long double)(n - k) * log1pl(-(long double)p);
    double pmf = (double)expl(lp);
    double diff = fo_binomial_sf(k, n, p) - fo_binomial_sf(k + 1, n, p);
    assert_close(diff / pmf, 1.0, 1e-7);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cusum_ten_values_by_hand),
        cmocka_unit_test(cusum_run_standardizes),
        cmocka_unit_test(bh_and_bonferroni_by_hand),
        cmocka_unit_test(bh_step_up_by_hand),
        cmocka_unit_test(percentile_of_known_sample),
        cmocka_unit_test(binomial_tail_by_hand),
        cmocka_unit_test(binomial_tail_matches_direct_sum),
        cmocka_unit_test(binomial_sample_edges),
        cmocka_unit_test(binomial_sample_distribution),
        cmocka_unit_test(binomial_sample_split_path),
        cmocka_unit_test(binomial_pmf_accurate_at_huge_n),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
