/* test_sprt.c — sequential validation (sprt.c): Wald's boundaries and sample numbers against
 * his formulas, the exact dynamic program against brute-force enumeration of every request
 * sequence, Wald's error bounds, the fixed-sample test against a direct search, and the Monte
 * Carlo against the exact figures within its sampling error. */
#include <math.h>
#include <string.h>

#include "fleetops/sprt.h"
#include "testutil.h"

static fo_sprt_params params(double p0, double p1, double alpha, double beta) {
    return (fo_sprt_params){.p0 = p0, .p1 = p1, .alpha = alpha, .beta = beta};
}

static void test_wald_formulas(void **state) {
    (void)state;
    fo_sprt_params p = params(0.001, 0.002, 0.05, 0.05);
    fo_sprt_result r;
    assert_int_equal(fo_sprt_evaluate(&p, NULL, &r), 0);
    /* ln A = ln(0.95 / 0.05) = ln 19 = 2.944439; ln B = -ln 19. */
    assert_true(fabs(r.log_upper_boundary - log(19.0)) < 1e-15);
    assert_true(fabs(r.log_lower_boundary + log(19.0)) < 1e-15);
    double a = log(2.0), b = log(0.998 / 0.999);
    assert_true(fabs(r.llr_failure - a) < 1e-15 && fabs(r.llr_success - b) < 1e-15);
    /* E[N | H0] = ((1-alpha) ln B + alpha ln A) / (p0 a + (1-p0) b) = 8,622 requests. */
    double z0 = 0.001 * a + 0.999 * b, z1 = 0.002 * a + 0.998 * b;
    double asn0 = (0.95 * -log(19.0) + 0.05 * log(19.0)) / z0;
    double asn1 = (0.05 * -log(19.0) + 0.95 * log(19.0)) / z1;
    assert_true(fabs(r.asn_h0 - asn0) < 1e-9 * asn0 && fabs(r.asn_h0 - 8621.97) < 0.01);
    assert_true(fabs(r.asn_h1 - asn1) < 1e-9 * asn1 && fabs(r.asn_h1 - 6851.16) < 0.01);
    assert_true(fabs(r.wald_alpha_bound - 0.05 / 0.95) < 1e-15);
    /* The OC curve passes through (p0, 1 - alpha) and (p1, beta) and falls in between. */
    assert_int_equal(r.oc_len, FO_SPRT_OC_POINTS);
    assert_true(fabs(r.oc[40].p - 0.002) < 1e-15 && fabs(r.oc[20].p - 0.001) < 1e-15);
    assert_true(fabs(r.oc[20].accept_h0 - 0.95) < 1e-9);
    assert_true(fabs(r.oc[40].accept_h0 - 0.05) < 1e-9);
    assert_true(fabs(r.oc[20].asn - asn0) < 1e-6 * asn0);
    assert_true(fabs(r.oc[40].asn - asn1) < 1e-6 * asn1);
    assert_true(r.oc[0].accept_h0 == 1 && fabs(r.oc[0].asn - (-log(19.0) / b)) < 1e-9);
    for (size_t i = 1; i < r.oc_len; i++) {
        assert_true(r.oc[i].accept_h0 <= r.oc[i - 1].accept_h0);
        assert_true(r.oc[i].asn > 0 && isfinite(r.oc[i].asn));
    }
    /* The ASN peaks near the zero-drift rate s = -b / (a - b) between p0 and p1. */
    double s = -b / (a - b), peak = 0, at = 0;
    for (size_t i = 0; i < r.oc_len; i++)
        if (r.oc[i].asn > peak) peak = r.oc[i].asn, at = r.oc[i].p;
    assert_true(fabs(at - s) <= 0.004 / (FO_SPRT_OC_POINTS - 1) + 1e-12);
}

/* Every sequence of N requests, by bitmask: the probability each hypothesis gives it, where
 * the stopping rule stops it, and E[min(N_stop, N)]. */
typedef struct brute {
    double reject0, accept0, reject1, accept1, asn0, asn1, open0, open1;
} brute;

static brute enumerate(const fo_sprt_params *p, int N) {
    double a = log(p->p1 / p->p0), b = log1p(-p->p1) - log1p(-p->p0);
    double la = log((1 - p->beta) / p->alpha), lb = log(p->beta / (1 - p->alpha));
    brute out;
    memset(&out, 0, sizeof out);
    for (unsigned long seq = 0; seq < (1ul << N); seq++) {
        double pr0 = 1, pr1 = 1;
        int f = 0, stop = 0, decision = 0;
        for (int n = 1; n <= N; n++) {
            int fail = (seq >> (n - 1)) & 1;
            f += fail;
            pr0 *= fail ? p->p0 : 1 - p->p0;
            pr1 *= fail ? p->p1 : 1 - p->p1;
            double l = f * a + (double)(n - f) * b;
            if (l >= la || l <= lb) {
                stop = n;
                decision = l >= la ? 1 : -1;
                /* the rest of the sequence does not matter: weight it by its prefix only */
                break;
            }
        }
        /* Count each stopped prefix once: only the sequence whose remaining bits are 0. */
        if (stop && (seq >> stop) != 0) continue;
        int n = stop ? stop : N;
        if (decision > 0) out.reject0 += pr0, out.reject1 += pr1;
        if (decision < 0) out.accept0 += pr0, out.accept1 += pr1;
        if (!decision) out.open0 += pr0, out.open1 += pr1;
        out.asn0 += n * pr0;
        out.asn1 += n * pr1;
    }
    return out;
}

static void test_exact_matches_enumeration(void **state) {
    (void)state;
    struct {
        double p0, p1, alpha, beta;
        int N;
    } cases[] = {{0.1, 0.3, 0.1, 0.1, 16},
                 {0.05, 0.2, 0.05, 0.2, 18},
                 {0.2, 0.5, 0.05, 0.05, 18},
                 {0.3, 0.6, 0.2, 0.1, 14}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        fo_sprt_params p = params(cases[c].p0, cases[c].p1, cases[c].alpha, cases[c].beta);
        p.max_requests = cases[c].N;
        fo_sprt_result r;
        assert_int_equal(fo_sprt_evaluate(&p, NULL, &r), 0);
        brute e = enumerate(&p, cases[c].N);
        assert_int_equal(r.exact_requests, cases[c].N);
        /* The two sum the same products in different orders (the enumeration over 2^18
         * sequences): they agree to rounding, ~1e-13. A wrong boundary or transition moves
         * whole paths of mass far larger than that. */
        if (!(fabs(r.exact_alpha - e.reject0) < 1e-12 && fabs(r.exact_beta - e.accept1) < 1e-12 &&
              fabs(r.truncation_mass_h0 - e.open0) < 1e-12 &&
              fabs(r.truncation_mass_h1 - e.open1) < 1e-12 &&
              fabs(r.exact_asn_h0 - e.asn0) < 1e-10 && fabs(r.exact_asn_h1 - e.asn1) < 1e-10))
            fail_msg("case %zu: DP alpha %.17g beta %.17g asn %.17g/%.17g open %.17g/%.17g; "
                     "enumeration %.17g %.17g %.17g/%.17g %.17g/%.17g",
                     c, r.exact_alpha, r.exact_beta, r.exact_asn_h0, r.exact_asn_h1,
                     r.truncation_mass_h0, r.truncation_mass_h1, e.reject0, e.accept1, e.asn0,
                     e.asn1, e.open0, e.open1);
        /* Each hypothesis' mass is conserved: rejected + accepted + still open = 1. */
        assert_true(fabs(e.reject0 + e.accept0 + e.open0 - 1) < 1e-12);
    }
}

/* The DP in its plainest form, one array slot per failure count from 0 to N, request by
 * request, with the engine's stopping rule (undecided mass below FO_SPRT_TAIL_MASS under both
 * hypotheses, checked every 16 requests, or N requests). The engine keeps only the live band
 * in a window it moves back as the band climbs, and jumps quiet stretches (no boundary move)
 * in closed form; both must give the same numbers. */
typedef struct plain_out {
    double reject0, accept1, asn0, asn1, open0, open1, median0, median1, p99_0, p99_1;
    long long n;
} plain_out;

static void plain_mark(double *stopped, double mass, double n, double *median, double *p99) {
    double before = *stopped;
    *stopped += mass;
    if (before < 0.5 && *stopped >= 0.5) *median = n;
    if (before < 0.99 && *stopped >= 0.99) *p99 = n;
}

static plain_out plain_dp(const fo_sprt_params *p, long long N) {
    double a = log(p->p1 / p->p0), b = log1p(-p->p1) - log1p(-p->p0);
    double la = log((1 - p->beta) / p->alpha), lb = log(p->beta / (1 - p->alpha));
    double *m[2] = {test_calloc((size_t)N + 2, sizeof(double)),
                    test_calloc((size_t)N + 2, sizeof(double))};
    double q[2] = {p->p0, p->p1}, stopped[2] = {0, 0};
    plain_out o = {.median0 = NAN, .median1 = NAN, .p99_0 = NAN, .p99_1 = NAN};
    long long lo = 0, hi = 0, n = 0;
    m[0][0] = m[1][0] = 1;
    for (; n < N && lo <= hi; n++) {
        if (n % 16 == 0) {
            double al[2] = {0, 0};
            for (int h = 0; h < 2; h++)
                for (long long f = lo; f <= hi; f++)
                    al[h] += m[h][f];
            if (al[0] < FO_SPRT_TAIL_MASS && al[1] < FO_SPRT_TAIL_MASS) break;
        }
        for (int h = 0; h < 2; h++) {
            m[h][hi + 1] = 0; /* what was absorbed there before is gone */
            for (long long f = hi + 1; f > lo; f--)
                m[h][f] = m[h][f] * (1 - q[h]) + m[h][f - 1] * q[h];
            m[h][lo] *= 1 - q[h];
        }
        hi++;
        double dn = (double)(n + 1);
        while (hi >= lo && (double)hi * a + (dn - (double)hi) * b >= la) {
            o.reject0 += m[0][hi], o.asn0 += dn * m[0][hi], o.asn1 += dn * m[1][hi];
            plain_mark(&stopped[0], m[0][hi], dn, &o.median0, &o.p99_0);
            plain_mark(&stopped[1], m[1][hi], dn, &o.median1, &o.p99_1);
            hi--;
        }
        while (lo <= hi && (double)lo * a + (dn - (double)lo) * b <= lb) {
            o.accept1 += m[1][lo], o.asn0 += dn * m[0][lo], o.asn1 += dn * m[1][lo];
            plain_mark(&stopped[0], m[0][lo], dn, &o.median0, &o.p99_0);
            plain_mark(&stopped[1], m[1][lo], dn, &o.median1, &o.p99_1);
            lo++;
        }
    }
    for (long long f = lo; f <= hi; f++)
        o.open0 += m[0][f], o.open1 += m[1][f];
    o.n = n;
    o.asn0 += (double)n * o.open0, o.asn1 += (double)n * o.open1;
    test_free(m[0]), test_free(m[1]);
    return o;
}

/* Same products in the same order where the engine steps (equal to rounding); a jump sums
 * the same probabilities in another order, so over a 400,000-request walk the two drift
 * apart by rounding alone (1.5e-12 relative seen): 1e-10 relative. A wrong window move or
 * jump moves whole blocks of mass (1e-5 and more). Open masses are ~1e-12 at convergence:
 * compared to 1e-20 absolute. Quantiles are whole requests and must be equal. */
static void check_plain(double p0, double p1, double alpha, double beta, long long max_requests,
                        long long N) {
    fo_sprt_params p = params(p0, p1, alpha, beta);
    p.max_requests = max_requests;
    fo_sprt_result r;
    assert_int_equal(fo_sprt_evaluate(&p, NULL, &r), 0);
    plain_out e = plain_dp(&p, N);
    double got[6] = {r.exact_alpha,  r.exact_beta,         r.exact_asn_h0,
                     r.exact_asn_h1, r.truncation_mass_h0, r.truncation_mass_h1};
    double want[6] = {e.reject0, e.accept1, e.asn0, e.asn1, e.open0, e.open1};
    for (int i = 0; i < 6; i++)
        if (!(fabs(got[i] - want[i]) <= 1e-10 * fabs(want[i]) + 1e-20))
            fail_msg("p0=%g p1=%g cap=%lld, quantity %d: engine %.17g, plain DP %.17g", p0, p1,
                     max_requests, i, got[i], want[i]);
    assert_int_equal(r.exact_requests, e.n);
    double gq[4] = {r.exact_median_h0, r.exact_median_h1, r.exact_p99_h0, r.exact_p99_h1};
    double wq[4] = {e.median0, e.median1, e.p99_0, e.p99_1};
    for (int i = 0; i < 4; i++)
        if (!(gq[i] == wq[i] || (isnan(gq[i]) && isnan(wq[i]))))
            fail_msg("p0=%g p1=%g cap=%lld, quantile %d: engine %.17g, plain DP %.17g", p0, p1,
                     max_requests, i, gq[i], wq[i]);
}

static void test_exact_against_plain_dp(void **state) {
    (void)state;
    /* ~6,600 failures by n = 20,000 at p1 = 0.33: the band (66 counts) climbs past the
     * engine's window three times, request by request. */
    check_plain(0.3, 0.33, 0.01, 0.01, 20000, 20000);
    /* Narrow bands, boundaries moving every ~700 requests: the engine jumps. To convergence
     * (the every-16 check found inside a jump), truncated mid-stretch, and the tracks'
     * presets (Edge Guardian's walks 400,000 requests). */
    check_plain(0.001, 0.002, 0.05, 0.05, 0, 400000);
    check_plain(0.001, 0.002, 0.05, 0.05, 5000, 5000);
    check_plain(0.001, 0.002, 0.05, 0.05, 4321, 4321);
    check_plain(0.0005, 0.001, 0.05, 0.01, 0, 800000);
    check_plain(0.01, 0.015, 0.05, 0.05, 0, 200000);
    check_plain(0.002, 0.004, 0.05, 0.05, 0, 200000);
}

static void test_exact_within_wald_bounds(void **state) {
    (void)state;
    double p0s[] = {0.002, 0.005, 0.01, 0.05}, ratios[] = {1.5, 2, 4}, errs[] = {0.01, 0.05, 0.1};
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 3; k++)
                for (int l = 0; l < 3; l++) {
                    fo_sprt_params p = params(p0s[i], p0s[i] * ratios[j], errs[k], errs[l]);
                    fo_sprt_result r;
                    assert_int_equal(fo_sprt_evaluate(&p, NULL, &r), 0);
                    assert_true(r.exact_converged);
                    /* alpha' <= alpha / (1 - beta), beta' <= beta / (1 - alpha) (Wald) */
                    if (!(r.exact_alpha <= r.wald_alpha_bound && r.exact_beta <= r.wald_beta_bound))
                        fail_msg("p0=%g p1=%g a=%g b=%g: exact %.6g %.6g bounds %.6g %.6g", p.p0,
                                 p.p1, p.alpha, p.beta, r.exact_alpha, r.exact_beta,
                                 r.wald_alpha_bound, r.wald_beta_bound);
                    /* Wald ignores overshoot: the real test needs at least his ASN (within a
                     * sliver), and the errors sum to less than alpha + beta. */
                    assert_true(r.exact_asn_h0 > 0.97 * r.asn_h0);
                    assert_true(r.exact_alpha + r.exact_beta <= p.alpha + p.beta + 1e-9);
                    assert_true(r.truncation_mass_h0 < FO_SPRT_TAIL_MASS);
                    assert_true(r.exact_median_h0 <= r.exact_p99_h0);
                }
}

/* P(X >= c | n, p) and P(X <= c-1 | n, p) by summing the pmf from 0 in long double. */
static void tails(long long n, double p, long long c, long double *upper, long double *lower) {
    long double pmf = powl(1 - (long double)p, (long double)n), below = 0;
    for (long long j = 0; j < c && j <= n; j++) {
        below += pmf;
        pmf *= (long double)(n - j) / (long double)(j + 1) * (long double)p / (1 - (long double)p);
    }
    *lower = below;
    *upper = 1 - below;
}

static int fixed_works(long long n, const fo_sprt_params *p, long long *critical) {
    long long c = 0;
    long double up, lo;
    do
        tails(n, p->p0, ++c, &up, &lo);
    while (up > p->alpha);
    tails(n, p->p1, c, &up, &lo);
    if (critical) *critical = c;
    return lo <= p->beta;
}

static void test_fixed_sample_test(void **state) {
    (void)state;
    fo_sprt_params p = params(0.01, 0.03, 0.05, 0.05);
    fo_sprt_result r;
    assert_int_equal(fo_sprt_evaluate(&p, NULL, &r), 0);
    long long c;
    assert_true(fixed_works(r.fixed_n, &p, &c));
    assert_int_equal(c, r.fixed_critical);
    for (long long m = 1; m < r.fixed_n; m++)
        if (fixed_works(m, &p, NULL))
            fail_msg("n = %lld already works; engine says %lld", m, r.fixed_n);
    /* The lab's case: a fixed test needs about twice Wald's E[N | H0]. */
    p = params(0.001, 0.002, 0.05, 0.05);
    assert_int_equal(fo_sprt_evaluate(&p, NULL, &r), 0);
    assert_true(fixed_works(r.fixed_n, &p, &c) && c == r.fixed_critical);
    for (long long m = r.fixed_n - 1500; m < r.fixed_n; m++)
        if (fixed_works(m, &p, NULL))
            fail_msg("n = %lld already works; engine says %lld", m, r.fixed_n);
    assert_true(r.fixed_n > 1.5 * r.asn_h0);
    assert_true(r.fixed_alpha <= 0.05 && r.fixed_beta <= 0.05);
}

static void check_simulation(double p0, double p1, double alpha, double beta, long long K,
                             long long max_requests, unsigned seed) {
    fo_sprt_params p = params(p0, p1, alpha, beta);
    p.simulate = K;
    p.max_requests = max_requests;
    fo_rng rng;
    fo_rng_seed(&rng, seed);
    fo_sprt_result r;
    assert_int_equal(fo_sprt_evaluate(&p, &rng, &r), 0);
    double k = (double)K;
    double se_a = sqrt(r.exact_alpha * (1 - r.exact_alpha) / k);
    double se_b = sqrt(r.exact_beta * (1 - r.exact_beta) / k);
    double se_0 = r.sim_sd_h0 / sqrt(k), se_1 = r.sim_sd_h1 / sqrt(k);
    double open0 = r.truncation_mass_h0, se_o = sqrt(open0 * (1 - open0) / k);
    if (!(fabs(r.sim_alpha - r.exact_alpha) <= 4.5 * se_a + 1e-12 &&
          fabs(r.sim_beta - r.exact_beta) <= 4.5 * se_b + 1e-12 &&
          fabs(r.sim_mean_h0 - r.exact_asn_h0) <= 4.5 * se_0 &&
          fabs(r.sim_mean_h1 - r.exact_asn_h1) <= 4.5 * se_1 &&
          fabs(r.sim_undecided_h0 - open0) <= 4.5 * se_o + 1e-12))
        fail_msg("p0=%g p1=%g a=%g b=%g K=%lld cap=%lld: simulated alpha %.5f beta %.5f mean "
                 "%.1f/%.1f open %.4f; exact %.5f %.5f %.1f/%.1f %.4f",
                 p0, p1, alpha, beta, K, max_requests, r.sim_alpha, r.sim_beta, r.sim_mean_h0,
                 r.sim_mean_h1, r.sim_undecided_h0, r.exact_alpha, r.exact_beta, r.exact_asn_h0,
                 r.exact_asn_h1, open0);
    /* alpha' <= alpha / (1 - beta), up to sampling error. */
    assert_true(r.sim_alpha <= r.wald_alpha_bound + 4.5 * se_a);
}

static void test_simulation_agrees_with_exact(void **state) {
    (void)state;
    check_simulation(0.001, 0.002, 0.05, 0.05, 20000, 0, 1);
    check_simulation(0.01, 0.03, 0.1, 0.2, 20000, 0, 2);
    check_simulation(0.0002, 0.001, 0.01, 0.05, 20000, 0, 3);
    check_simulation(0.05, 0.1, 0.05, 0.1, 20000, 0, 4);
    /* Truncated: the simulation stops at the same n as the DP and leaves the same mass open. */
    check_simulation(0.001, 0.002, 0.05, 0.05, 20000, 6000, 5);
    /* Thousands of failures per canary (~11,000 by the DP's end): the DP's band walks past the
     * end of its window and is moved back several times, the simulation runs past its
     * boundary tables; both must still agree. */
    check_simulation(0.3, 0.33, 0.01, 0.01, 3000, 0, 6);
}

static void test_simulation_is_seeded(void **state) {
    (void)state;
    fo_sprt_params p = params(0.001, 0.002, 0.05, 0.05);
    p.simulate = 2000;
    fo_rng a, b, c;
    fo_rng_seed(&a, 42), fo_rng_seed(&b, 42), fo_rng_seed(&c, 43);
    fo_sprt_result ra, rb, rc;
    fo_sprt_evaluate(&p, &a, &ra);
    fo_sprt_evaluate(&p, &b, &rb);
    fo_sprt_evaluate(&p, &c, &rc);
    assert_true(ra.sim_mean_h0 == rb.sim_mean_h0 && ra.sim_alpha == rb.sim_alpha);
    assert_true(ra.sim_mean_h0 != rc.sim_mean_h0);
    assert_memory_equal(&a, &b, sizeof a); /* the caller's generator moved the same way */
}

static void test_paths(void **state) {
    (void)state;
    fo_sprt_params p = params(0.001, 0.002, 0.05, 0.05);
    fo_rng rng;
    fo_rng_seed(&rng, 7);
    double la = log(19.0), lb = -log(19.0);
    int seen[3] = {0, 0, 0};
    for (int k = 0; k < 60; k++) {
        fo_sprt_path_point pts[4096];
        int d;
        size_t n = fo_sprt_path(&p, k % 2 ? 0.002 : 0.001, &rng, pts, 4096, &d);
        assert_true(n >= 2 && d != 0);
        seen[d + 1]++;
        for (size_t i = 1; i + 1 < n; i++) {
            assert_true(pts[i].llr > lb && pts[i].llr < la);
            assert_true(pts[i].n >= pts[i - 1].n);
        }
        if (d > 0) assert_true(pts[n - 1].llr >= la && pts[n - 1].llr < la + log(2.0));
        if (d < 0) assert_true(pts[n - 1].llr <= lb && pts[n - 1].llr > lb + log(0.998 / 0.999));
    }
    assert_true(seen[0] > 0 && seen[2] > 0); /* both decisions happen */
    /* A path cut short reports no decision. */
    fo_sprt_path_point few[3];
    int d;
    fo_rng_seed(&rng, 8);
    size_t n = fo_sprt_path(&p, 0.0015, &rng, few, 3, &d);
    assert_true(n <= 3);
}

/* Small rates converge (issue 14): the work budget counts the DP's work, not requests, and a
 * quiet stretch is jumped whatever its length. p0 = 1e-6, p1 = 2e-6, alpha = beta = 5%: an
 * independent full dynamic program (the audit) gives alpha' 0.0397, beta' 0.0505,
 * E[N | H0] 8.81 million; the old request cap stopped at 1,463,711 with alpha' 0.0019. */
static void test_small_rates_converge(void **state) {
    (void)state;
    fo_sprt_params p = params(1e-6, 2e-6, 0.05, 0.05);
    fo_sprt_result r;
    assert_int_equal(fo_sprt_evaluate(&p, NULL, &r), 0);
    assert_true(r.exact_converged);
    assert_true(fabs(r.exact_alpha - 0.0397) < 5e-5);
    assert_true(fabs(r.exact_beta - 0.0505) < 5e-5);
    assert_true(fabs(r.exact_asn_h0 - 8.81e6) < 0.005e6);
    /* Near the Poisson limit E[N] scales as 1 / p: ten times the rate, a tenth the requests. */
    fo_sprt_params q = params(1e-5, 2e-5, 0.05, 0.05);
    fo_sprt_result s;
    assert_int_equal(fo_sprt_evaluate(&q, NULL, &s), 0);
    assert_true(s.exact_converged);
    assert_true(fabs(s.exact_asn_h0 * 10 / r.exact_asn_h0 - 1) < 1e-4);
    assert_true(r.exact_median_h0 < r.exact_asn_h0 && r.exact_p99_h0 > r.exact_asn_h0);
}

/* Close hypotheses (a band of hundreds of failure counts) exhaust the budget: the result says
 * so, and what it holds are still probabilities (never above 1 by rounding). */
static void test_budget_truncation_is_reported(void **state) {
    (void)state;
    fo_sprt_params p = params(0.01, 0.0101, 0.05, 0.05);
    fo_sprt_result r;
    assert_int_equal(fo_sprt_evaluate(&p, NULL, &r), 0);
    assert_false(r.exact_converged);
    assert_true(r.truncation_mass_h0 > 1e-6 && r.truncation_mass_h0 <= 1);
    assert_true(r.truncation_mass_h1 > 1e-6 && r.truncation_mass_h1 <= 1);
    assert_true(r.exact_alpha >= 0 && r.exact_alpha <= 1 && r.exact_beta >= 0 && r.exact_beta <= 1);
}

/* Every probability of every result is in [0, 1], over random hypotheses by the lab's rule
 * (p1 = p, p0 = p / 2, beta = 1 - C) across the page's ranges, and every one converges. */
static void test_probabilities_and_convergence_over_the_lab_range(void **state) {
    (void)state;
    fo_rng rng;
    fo_rng_seed(&rng, 14);
    for (int i = 0; i < 200; i++) {
        double rate = pow(10, -6 + 5 * fo_rng_uniform(&rng));   /* 1e-6 .. 0.1 */
        double miss = pow(10, -5 + 4.7 * fo_rng_uniform(&rng)); /* 1 - C: 1e-5 .. 0.5 */
        double alpha = fo_rng_uniform(&rng) < 0.5 ? 0.05 : 0.001;
        if (miss > 0.5) miss = 0.5;
        fo_sprt_params p = params(rate / 2, rate, alpha, miss);
        fo_sprt_result r;
        assert_int_equal(fo_sprt_evaluate(&p, NULL, &r), 0);
        if (!r.exact_converged)
            fail_msg("p = %g, 1 - C = %g, alpha = %g: not converged", rate, miss, alpha);
        double probs[] = {r.exact_alpha,        r.exact_beta,  r.truncation_mass_h0,
                          r.truncation_mass_h1, r.fixed_alpha, r.fixed_beta};
        for (size_t k = 0; k < sizeof probs / sizeof probs[0]; k++)
            assert_true(probs[k] >= 0 && probs[k] <= 1);
        assert_true(r.exact_alpha <= r.wald_alpha_bound * 1.5 && r.exact_beta <= 1);
    }
}

static void test_domain(void **state) {
    (void)state;
    fo_sprt_result r;
    fo_sprt_params p = params(0.002, 0.001, 0.05, 0.05);
    assert_int_equal(fo_sprt_evaluate(&p, NULL, &r), -1); /* p1 < p0 */
    p = params(0.001, 0.001, 0.05, 0.05);
    assert_int_equal(fo_sprt_evaluate(&p, NULL, &r), -1);
    p = params(0.001, 0.002, 0.6, 0.5);
    assert_int_equal(fo_sprt_evaluate(&p, NULL, &r), -1); /* alpha + beta >= 1 */
    p = params(0.001, 0.001005, 0.01, 0.01);
    assert_true(fo_sprt_band(&p) > FO_SPRT_MAX_BAND);
    assert_int_equal(fo_sprt_evaluate(&p, NULL, &r), -1);
    p = params(0.001, 0.0011, 0.001, 0.001);
    p.simulate = FO_SPRT_MAX_SIMULATE;
    assert_true(p.simulate * fo_sprt_simulation_cost(&p) > FO_SPRT_SIM_BUDGET);
    fo_rng rng;
    fo_rng_seed(&rng, 1);
    assert_int_equal(fo_sprt_evaluate(&p, &rng, &r), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wald_formulas),
        cmocka_unit_test(test_exact_matches_enumeration),
        cmocka_unit_test(test_exact_against_plain_dp),
        cmocka_unit_test(test_exact_within_wald_bounds),
        cmocka_unit_test(test_fixed_sample_test),
        cmocka_unit_test(test_simulation_agrees_with_exact),
        cmocka_unit_test(test_simulation_is_seeded),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_small_rates_converge),
        cmocka_unit_test(test_budget_truncation_is_reported),
        cmocka_unit_test(test_probabilities_and_convergence_over_the_lab_range),
        cmocka_unit_test(test_domain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
