/* test_stats_binomial.c — the Part 2 section of stats.c: log-gamma, binomial and Poisson
 * tails, the regularized incomplete beta and its inverse. Reference values come from a second
 * method: long-double direct summation in this file, closed forms of special cases, or
 * mpmath at 40 digits (quoted in comments). */
#include <float.h>
#include <math.h>

#include "fleetops/rng.h"
#include "fleetops/stats.h"
#include "testutil.h"

static void assert_rel(double got, double want, double tol) {
    double err = fabs(got - want) / (fabs(want) > 1e-300 ? fabs(want) : 1.0);
    if (!(err <= tol))
        fail_msg("got %.17g want %.17g (relative error %.3g > %.3g)", got, want, err, tol);
}

/* ln P(X <= k) by direct summation from j = 0 in long double, each term from its logs
 * (ln C(n, j) kept as a running sum of ln((n-j+1)/j)). */
static long double direct_log_cdf(long long k, long long n, long double p) {
    long double sum = 0, lc = 0, lp = logl(p), lq = log1pl(-p);
    for (long long j = 0; j <= k && j <= n; j++) {
        if (j > 0) lc += logl((long double)(n - j + 1)) - logl((long double)j);
        sum += expl(lc + (long double)j * lp + (long double)(n - j) * lq);
    }
    return logl(sum);
}

static void test_log_gamma(void **state) {
    (void)state;
    /* Below 10 the recurrence subtracts ln(x (x+1) ... 9.x) ~ 13: a few 1e-15 absolute. */
    assert_true(fabs(fo_log_gamma(0.5) - 0.57236494292470008707) < 4e-15); /* ln sqrt(pi) */
    assert_true(fabs(fo_log_gamma(1.0)) < 4e-15);                          /* ln 0! = 0 */
    assert_true(fabs(fo_log_gamma(2.0)) < 4e-15);                          /* ln 1! = 0 */
    assert_rel(fo_log_gamma(11.0), 15.104412573075515295, 1e-15);          /* ln 10! = ln 3628800 */
    assert_rel(fo_log_gamma(1e9), 19723265827.503716771, 1e-15); /* mpmath loggamma(1e9) */
    /* lgamma from libm as a second implementation over many arguments. */
    fo_rng r;
    fo_rng_seed(&r, 7);
    for (int i = 0; i < 2000; i++) {
        double x = exp(fo_rng_uniform(&r) * 30 - 8); /* 3e-4 .. 4e9 */
        double want = lgamma(x);
        double err = fabs(fo_log_gamma(x) - want);
        if (!(err <= 1e-13 * (fabs(want) > 1 ? fabs(want) : 1)))
            fail_msg("lgamma(%.17g): %.17g vs libm %.17g", x, fo_log_gamma(x), want);
    }
}

static void test_log_choose(void **state) {
    (void)state;
    assert_rel(fo_log_choose(50, 25), 32.470556505811992189, 1e-14); /* ln 126410606437752 */
    assert_rel(fo_log_choose(10, 3), log(120.0), 1e-15);
    /* n >> k: against the product n (n-1) ... (n-k+1) / k!. */
    double n = 1e12, want = 0;
    for (int i = 0; i < 7; i++)
        want += log(n - i) - log(i + 1.0);
    assert_rel(fo_log_choose(n, 7), want, 1e-14);
    assert_true(fo_log_choose(5, 6) == -INFINITY);
}

static void test_binomial_tails_vs_direct_sum(void **state) {
    (void)state;
    fo_rng r;
    fo_rng_seed(&r, 11);
    for (int i = 0; i < 400; i++) {
        long long n = 1 + (long long)fo_rng_below(&r, 3000);
        double p = exp(-fo_rng_uniform(&r) * 12); /* 6e-6 .. 1 */
        if (p >= 1) p = 0.5;
        long long k = (long long)fo_rng_below(&r, (uint64_t)n + 1);
        long double want = direct_log_cdf(k, n, (long double)p);
        double got = fo_binom_log_cdf((double)k, (double)n, p);
        if (want < -700) continue; /* beyond double range; the log is still finite */
        if (!(fabsl((long double)got - want) <= 1e-12L * (fabsl(want) > 1 ? fabsl(want) : 1)))
            fail_msg("ln P(X <= %lld | %lld, %.17g): %.17g vs direct %.17Lg", k, n, p, got, want);
        /* The two tails add to one. */
        double sf = fo_binom_log_sf((double)k, (double)n, p);
        assert_rel(exp(got) + exp(sf), 1.0, 1e-13);
    }
}

static void test_binomial_special_cases(void **state) {
    (void)state;
    /* k = 0 is (1-p)^n exactly: ln = n log1p(-p), even for n = 1e12, p = 1e-9. */
    assert_rel(fo_binom_log_cdf(0, 1e12, 1e-9), 1e12 * log1p(-1e-9), 1e-15);
    assert_rel(fo_binom_log_cdf(0, 2995, 0.001), -2.9964984990826828953, 1e-14); /* mpmath */
    /* ln P(X <= 1 | 4744, 0.001) = -2.99739136030454000553 (mpmath) */
    assert_rel(fo_binom_log_cdf(1, 4744, 0.001), -2.9973913603045400055, 1e-14);
    /* Symmetric: P(X <= 500 | 1000, 1/2) = 0.5 + pmf(500)/2; ln = -0.66823506213263476
     * (mpmath). The pmf's logs are ~690 each and cancel: 1e-12 is what doubles can do. */
    assert_rel(fo_binom_log_cdf(500, 1000, 0.5), -0.66823506213263476564, 1e-12);
    /* ln P(X > 30 | 15770, 0.001) = -7.71378260258728331 (mpmath) */
    assert_rel(fo_binom_log_sf(30, 15770, 0.001), -7.7137826025872833121, 1e-13);
    assert_true(fo_binom_log_cdf(-1, 10, 0.3) == -INFINITY);
    assert_true(fo_binom_log_cdf(10, 10, 0.3) == 0);
    assert_true(fo_binom_log_cdf(3, 10, 0) == 0);
    assert_true(fo_binom_log_sf(3, 10, 1) == 0);
    assert_rel(fo_binom_cdf(2, 4, 0.5), 11.0 / 16, 1e-15);
}

static void test_beta_inc_values(void **state) {
    (void)state;
    /* Non-whole parameters take the continued fraction; mpmath betainc at 40 digits. */
    assert_rel(fo_beta_inc(0.3, 2.5, 3.7), 0.31900317528430871978, 1e-14);
    assert_rel(fo_beta_inc(0.9, 0.5, 0.5), 0.79516723530086654835, 1e-14);
    assert_rel(fo_beta_inc(0.999, 200.5, 0.7), 0.67043199748774255792, 1e-12);
    /* Whole parameters take the binomial identity. */
    assert_rel(fo_beta_inc(0.02, 3, 400), 0.98729248263270132159, 1e-14);
    /* Closed forms: I_x(1,1) = x, I_x(a,1) = x^a, I_x(1,b) = 1 - (1-x)^b, I_1/2(a,a) = 1/2. */
    fo_rng r;
    fo_rng_seed(&r, 3);
    for (int i = 0; i < 300; i++) {
        double x = fo_rng_uniform_pos(&r), a = 0.1 + 20 * fo_rng_uniform(&r);
        assert_rel(fo_beta_inc(x, 1, 1), x, 1e-14);
        assert_rel(fo_beta_inc(x, a, 1), pow(x, a), 1e-12);
        assert_rel(fo_beta_inc(x, 1, a), -expm1(a * log1p(-x)), 1e-12);
        assert_rel(fo_beta_inc(0.5, a, a), 0.5, 1e-13);
        /* Symmetry I_x(a, b) = 1 - I_{1-x}(b, a). */
        double b = 0.1 + 50 * fo_rng_uniform(&r);
        assert_rel(fo_beta_inc(x, a, b) + fo_beta_inc(1 - x, b, a), 1.0, 1e-12);
    }
}

static void test_beta_cf_agrees_with_binomial_identity(void **state) {
    (void)state;
    /* a = 3 + 1e-12 forces the continued fraction; a = 3 the exact binomial sum. */
    fo_rng r;
    fo_rng_seed(&r, 5);
    for (int i = 0; i < 200; i++) {
        double a = 1 + (double)fo_rng_below(&r, 30), b = 1 + (double)fo_rng_below(&r, 3000);
        double x = fo_rng_uniform_pos(&r) * 3 * a / (a + b);
        if (x >= 1) x = 0.5;
        double exact = fo_beta_inc(x, a, b), cf = fo_beta_inc(x, a + 1e-12, b + 1e-12);
        if (!(fabs(exact - cf) <= 1e-9))
            fail_msg("I_%.17g(%g, %g): binomial %.17g, continued fraction %.17g", x, a, b, exact,
                     cf);
    }
}

static void test_beta_inc_inverse(void **state) {
    (void)state;
    fo_rng r;
    fo_rng_seed(&r, 9);
    for (int i = 0; i < 500; i++) {
        double a = exp(fo_rng_uniform(&r) * 8 - 2), b = exp(fo_rng_uniform(&r) * 20 - 2);
        if (i % 2) a = floor(a) + 1, b = floor(b) + 1; /* whole: the binomial path */
        double y = fo_rng_uniform_pos(&r);
        double x = fo_beta_inc_inv(y, a, b), back = fo_beta_inc(x, a, b);
        double err = y < 0.5 ? fabs(back - y) / y : fabs(back - y) / (1 - y);
        if (!(err <= 1e-9)) fail_msg("I^-1(%.17g; %g, %g) = %.17g -> %.17g", y, a, b, x, back);
    }
    /* The one-sided Clopper-Pearson bound after 3 failures in 1,000 at 95% is the
     * Beta(4, 997) quantile 0.0077352447184794597 (mpmath). */
    assert_rel(fo_beta_inc_inv(0.95, 4, 997), 0.0077352447184794597, 1e-13);
    /* Zero failures: 1 - 0.05^(1/2995) = 0.00099974442090114196. */
    assert_rel(fo_beta_inc_inv(0.95, 1, 2995), 0.00099974442090114196, 1e-13);
    /* A huge second parameter: I_x(3.5, 1e9) = 0.95 (checked with mpmath hyp2f1 and quad). */
    double x = fo_beta_inc_inv(0.95, 3.5, 1e9);
    assert_rel(fo_beta_inc(x, 3.5, 1e9), 0.95, 1e-13);
    assert_rel(x, 7.0335701911e-9, 1e-9);
    assert_true(fo_beta_inc_inv(0, 2, 3) == 0 && fo_beta_inc_inv(1, 2, 3) == 1);
}

static void test_poisson(void **state) {
    (void)state;
    /* Garwood upper bounds (mpmath): k = 0 is the rule of three. */
    assert_rel(fo_poisson_upper_mean(0, 0.95), -log(0.05), 1e-15);
    assert_rel(fo_poisson_upper_mean(1, 0.95), 4.7438645183905783759, 1e-13);
    assert_rel(fo_poisson_upper_mean(5, 0.95), 10.513034908741532698, 1e-13);
    assert_rel(fo_poisson_upper_mean(10, 0.99), 20.144680218796932026, 1e-13);
    assert_rel(fo_poisson_upper_mean(2, 0.9), 5.3223203378342099044, 1e-13);
    /* Poisson cdf: e^-mu (1 + mu + mu^2/2) at mu = 2, k = 2. */
    assert_rel(fo_poisson_log_cdf(2, 2.0), log(5 * exp(-2.0)), 1e-14);
    assert_rel(fo_poisson_log_cdf(0, 3.0), -3.0, 1e-15);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_gamma),
        cmocka_unit_test(test_log_choose),
        cmocka_unit_test(test_binomial_tails_vs_direct_sum),
        cmocka_unit_test(test_binomial_special_cases),
        cmocka_unit_test(test_beta_inc_values),
        cmocka_unit_test(test_beta_cf_agrees_with_binomial_identity),
        cmocka_unit_test(test_beta_inc_inverse),
        cmocka_unit_test(test_poisson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
