/* test_canary.c — the Canary Duration engine (canary.c).
 *
 * Sample sizes are pinned three ways: by hand for k = 0 (the closed form, worked below), by an
 * 80-point grid computed with mpmath at 50 digits by direct summation of the binomial pmf
 * (the table), and by this file's own long-double direct summation (minimality over random
 * inputs). */
#include <math.h>
#include <stdint.h>

#include "fleetops/canary.h"
#include "fleetops/rng.h"
#include "testutil.h"

static fo_canary_params base(void) {
    return (fo_canary_params){.confidence = 0.95,
                              .failure_rate = 0.001,
                              .allowed_failures = 0,
                              .request_rate_per_s = 100,
                              .shadow_fraction = 0.05,
                              .slice_share = 0.01,
                              .pipeline_overhead_hours = 72,
                              .release_limit_hours = 168,
                              .drift_rate_per_day = 0.0003,
                              .attempt_hours = 0};
}

static double needed(double C, double p, long long k) {
    fo_canary_params q = base();
    q.confidence = C, q.failure_rate = p, q.allowed_failures = k;
    fo_canary_result r;
    assert_int_equal(fo_canary_evaluate(&q, &r), 0);
    return r.requests_needed;
}

/* ln P(X <= k | n, p), each pmf term from its own logs, in long double. */
static long double direct_log_tail(long long k, double n, double p) {
    long double sum = 0, lp = logl((long double)p), lq = log1pl(-(long double)p);
    for (long long j = 0; j <= k && j <= n; j++) {
        long double lc = 0;
        for (long long i = 0; i < j; i++)
            lc += logl((long double)n - (long double)i) - logl((long double)(i + 1));
        sum += expl(lc + (long double)j * lp + ((long double)n - (long double)j) * lq);
    }
    return logl(sum);
}

static void test_hand_pins(void **state) {
    (void)state;
    /* k = 0: n = ceil(ln(1-C) / ln(1-p)).
     *   C = 0.95, p = 0.001: ln 0.05 / ln 0.999 = -2.995732 / -0.0010005 = 2994.2 -> 2,995
     *   C = 0.99, p = 0.01:  ln 0.01 / ln 0.99  = -4.605170 / -0.0100503 = 458.2  -> 459
     *   C = 0.90, p = 0.1:   ln 0.1  / ln 0.9   = -2.302585 / -0.1053605 = 21.85  -> 22 */
    assert_true(needed(0.95, 0.001, 0) == 2995);
    assert_true(needed(0.99, 0.01, 0) == 459);
    assert_true(needed(0.90, 0.1, 0) == 22);
    /* 0.999^2995 = 0.0499617 <= 0.05 < 0.999^2994 = 0.0500117. */
    fo_canary_params q = base();
    fo_canary_result r;
    fo_canary_evaluate(&q, &r);
    assert_true(r.tail_at_n <= 0.05 && r.tail_at_n_minus_1 > 0.05);
    assert_true(fabs(r.tail_at_n - 0.0499617034) < 1e-10);
    assert_true(fabs(r.tail_at_n_minus_1 - 0.0500117151) < 1e-10);
    assert_true(r.closed_form_requests == 2995);
    /* The rule of three: -ln(0.05) / 0.001 = 2,995.7 requests, ~3 / p. */
    assert_true(fabs(r.rule_of_three_requests - 2995.732273553991) < 1e-9);
}

static const struct {
    double C, p;
    long long k;
    double n;
} grid[] = {
    {0.9, 0.1, 0, 22},          {0.9, 0.1, 1, 38},           {0.9, 0.1, 2, 52},
    {0.9, 0.1, 5, 91},          {0.9, 0.1, 10, 152},         {0.9, 0.01, 0, 230},
    {0.9, 0.01, 1, 388},        {0.9, 0.01, 2, 531},         {0.9, 0.01, 5, 926},
    {0.9, 0.01, 10, 1538},      {0.9, 0.001, 0, 2302},       {0.9, 0.001, 1, 3889},
    {0.9, 0.001, 2, 5321},      {0.9, 0.001, 5, 9273},       {0.9, 0.001, 10, 15404},
    {0.9, 0.0001, 0, 23025},    {0.9, 0.0001, 1, 38896},     {0.9, 0.0001, 2, 53222},
    {0.9, 0.0001, 5, 92745},    {0.9, 0.0001, 10, 154064},   {0.95, 0.1, 0, 29},
    {0.95, 0.1, 1, 46},         {0.95, 0.1, 2, 61},          {0.95, 0.1, 5, 103},
    {0.95, 0.1, 10, 167},       {0.95, 0.01, 0, 299},        {0.95, 0.01, 1, 473},
    {0.95, 0.01, 2, 628},       {0.95, 0.01, 5, 1049},       {0.95, 0.01, 10, 1693},
    {0.95, 0.001, 0, 2995},     {0.95, 0.001, 1, 4742},      {0.95, 0.001, 2, 6294},
    {0.95, 0.001, 5, 10511},    {0.95, 0.001, 10, 16959},    {0.95, 0.0001, 0, 29956},
    {0.95, 0.0001, 1, 47437},   {0.95, 0.0001, 2, 62956},    {0.95, 0.0001, 5, 105128},
    {0.95, 0.0001, 10, 169619}, {0.99, 0.1, 0, 44},          {0.99, 0.1, 1, 64},
    {0.99, 0.1, 2, 81},         {0.99, 0.1, 5, 127},         {0.99, 0.1, 10, 197},
    {0.99, 0.01, 0, 459},       {0.99, 0.01, 1, 662},        {0.99, 0.01, 2, 838},
    {0.99, 0.01, 5, 1307},      {0.99, 0.01, 10, 2010},      {0.99, 0.001, 0, 4603},
    {0.99, 0.001, 1, 6636},     {0.99, 0.001, 2, 8403},      {0.99, 0.001, 5, 13105},
    {0.99, 0.001, 10, 20140},   {0.99, 0.0001, 0, 46050},    {0.99, 0.0001, 1, 66381},
    {0.99, 0.0001, 2, 84057},   {0.99, 0.0001, 5, 131081},   {0.99, 0.0001, 10, 201442},
    {0.999, 0.1, 0, 66},        {0.999, 0.1, 1, 89},         {0.999, 0.1, 2, 108},
    {0.999, 0.1, 5, 159},       {0.999, 0.1, 10, 235},       {0.999, 0.01, 0, 688},
    {0.999, 0.01, 1, 920},      {0.999, 0.01, 2, 1119},      {0.999, 0.01, 5, 1640},
    {0.999, 0.01, 10, 2407},    {0.999, 0.001, 0, 6905},     {0.999, 0.001, 1, 9230},
    {0.999, 0.001, 2, 11225},   {0.999, 0.001, 5, 16450},    {0.999, 0.001, 10, 24127},
    {0.999, 0.0001, 0, 69075},  {0.999, 0.0001, 1, 92331},   {0.999, 0.0001, 2, 112285},
    {0.999, 0.0001, 5, 164542}, {0.999, 0.0001, 10, 241333},
};

static void test_grid_pins(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof grid / sizeof grid[0]; i++) {
        double got = needed(grid[i].C, grid[i].p, grid[i].k);
        if (got != grid[i].n)
            fail_msg("C=%g p=%g k=%lld: %.0f requests, mpmath says %.0f", grid[i].C, grid[i].p,
                     grid[i].k, got, grid[i].n);
    }
}

static void test_minimal_over_random_inputs(void **state) {
    (void)state;
    fo_rng rng;
    fo_rng_seed(&rng, 2024);
    for (int i = 0; i < 300; i++) {
        double C = 0.5 + 0.4999 * fo_rng_uniform(&rng);
        double p = exp(log(1e-9) + fo_rng_uniform(&rng) * (log(0.3) - log(1e-9)));
        long long k = (long long)fo_rng_below(&rng, 21);
        double n = needed(C, p, k);
        long double miss = log1pl(-(long double)C);
        long double at = direct_log_tail(k, n, p), before = direct_log_tail(k, n - 1, p);
        if (!(at <= miss && before > miss))
            fail_msg("C=%.17g p=%.17g k=%lld: n=%.0f, ln tail(n)=%.17Lg ln tail(n-1)=%.17Lg "
                     "ln(1-C)=%.17Lg",
                     C, p, k, n, at, before, miss);
    }
}

static void test_tiny_rate_and_huge_n(void **state) {
    (void)state;
    /* p = 1e-9: ln 0.05 / log1p(-1e-9) = 2,995,732,272.06 -> 2,995,732,273, past 1e9. */
    double n = needed(0.95, 1e-9, 0);
    assert_true(n == 2995732273.0);
    long double miss = log1pl(-0.95L);
    assert_true(direct_log_tail(0, n, 1e-9) <= miss && direct_log_tail(0, n - 1, 1e-9) > miss);
    /* With k = 1000 failures allowed: about (1000 + 1.645 sqrt(1000)) / p. */
    n = needed(0.95, 1e-9, 1000);
    assert_true(n > 1.04e12 && n < 1.06e12);
}

static void test_more_confidence_never_fewer_requests(void **state) {
    (void)state;
    fo_rng rng;
    fo_rng_seed(&rng, 99);
    for (int t = 0; t < 20; t++) {
        double p = exp(log(1e-6) + fo_rng_uniform(&rng) * (log(0.2) - log(1e-6)));
        long long k = (long long)fo_rng_below(&rng, 6);
        double prev = 0;
        for (double C = 0.05; C < 0.9999; C += 0.0137) {
            double n = needed(C, p, k);
            if (n < prev) fail_msg("p=%g k=%lld: C=%g needs %.0f < %.0f", p, k, C, n, prev);
            prev = n;
        }
    }
}

static void test_bound_at_demonstrated_n(void **state) {
    (void)state;
    /* Duality: at the demonstrated n the bound after k failures is <= p, at n - 1 it is > p. */
    fo_rng rng;
    fo_rng_seed(&rng, 5);
    for (int i = 0; i < 300; i++) {
        double C = 0.5 + 0.499 * fo_rng_uniform(&rng);
        double p = exp(log(1e-7) + fo_rng_uniform(&rng) * (log(0.3) - log(1e-7)));
        long long k = (long long)fo_rng_below(&rng, 15);
        double n = needed(C, p, k);
        double ub = fo_canary_upper_bound((double)k, n, C);
        double ub_before = fo_canary_upper_bound((double)k, n - 1, C);
        if (!(ub <= p * (1 + 1e-12) && ub_before > p * (1 - 1e-12)))
            fail_msg("C=%g p=%.17g k=%lld n=%.0f: bound %.17g, at n-1 %.17g", C, p, k, n, ub,
                     ub_before);
    }
    /* Closed form for zero failures: 1 - (1-C)^(1/n). */
    assert_true(fabs(fo_canary_upper_bound(0, 2995, 0.95) - 0.00099974442090114196) < 1e-17);
    assert_true(fo_canary_upper_bound(5, 5, 0.9) == 1.0);
    assert_true(isnan(fo_canary_upper_bound(-1, 5, 0.9)));
    assert_true(isnan(fo_canary_upper_bound(1, 5, 1.0)));
}

static void test_durations_and_release_cycle(void **state) {
    (void)state;
    fo_canary_params q = base(); /* lambda = 100 * 3600 * 0.05 * 0.01 = 180 requests/h */
    fo_canary_result r;
    fo_canary_evaluate(&q, &r);
    assert_true(fabs(r.monitored_per_hour - 180) < 1e-9);
    assert_true(fabs(r.shadow_hours - 2995.0 / 180) < 1e-12); /* 16.64 h */
    assert_true(fabs(r.release_cycle_hours - (72 + 2995.0 / 180)) < 1e-12);
    assert_true(r.meets_release_limit && r.feasible);
    assert_true(fabs(r.max_window_hours - 96) < 1e-12);
    /* A 10x rarer edge case needs ~10x the window: 29,956 requests = 166 h > 96 h. */
    q.failure_rate = 0.0001;
    fo_canary_evaluate(&q, &r);
    assert_true(r.requests_needed == 29956);
    assert_false(r.meets_release_limit);
    assert_false(r.feasible);
}

static void test_attempt_judgements(void **state) {
    (void)state;
    fo_canary_params q = base();
    fo_canary_result r;
    double need = 2995.0 / 180; /* 16.64 h */
    q.attempt_hours = 10;       /* 1,800 requests: 1 - 0.999^1800 = 0.835 */
    fo_canary_evaluate(&q, &r);
    assert_true(r.has_attempt);
    assert_true(r.attempt.requests_seen == 1800);
    assert_true(fabs(r.attempt.achieved_confidence - (1 - pow(0.999, 1800))) < 1e-12);
    assert_false(r.attempt.safety_ok);
    assert_true(r.attempt.release_ok);
    assert_int_equal(r.attempt.advice, FO_ADVICE_LONGER);
    q.attempt_hours = need; /* exactly the threshold: safe */
    fo_canary_evaluate(&q, &r);
    assert_true(r.attempt.safety_ok && r.attempt.release_ok);
    assert_int_equal(r.attempt.advice, FO_ADVICE_KEEP);
    q.attempt_hours = need * (1 - 1e-9); /* a hair short: one request short */
    fo_canary_evaluate(&q, &r);
    assert_false(r.attempt.safety_ok);
    assert_true(r.attempt.requests_seen == 2994);
    q.attempt_hours = 100; /* 72 + 100 > 168 */
    fo_canary_evaluate(&q, &r);
    assert_true(r.attempt.safety_ok);
    assert_false(r.attempt.release_ok);
    assert_int_equal(r.attempt.advice, FO_ADVICE_SHORTER);
    q.attempt_hours = 96; /* 72 + 96 = 168: on the limit is within it */
    fo_canary_evaluate(&q, &r);
    assert_int_equal(r.attempt.advice, FO_ADVICE_KEEP);
    /* No window works (166 h needed, 96 h allowed), but a try is judged by what it shows:
     * 50 h is only short of confidence (the student must search to find the clash); 200 h is
     * confident and over the limit; 100 h ... a window that is both short and over proves it. */
    q.failure_rate = 0.0001;
    q.attempt_hours = 50; /* 9,000 requests: 1 - 0.9999^9000 = 0.5934, 122 h <= 168 h */
    fo_canary_evaluate(&q, &r);
    assert_int_equal(r.attempt.advice, FO_ADVICE_LONGER);
    assert_true(fabs(r.attempt.confidence_shortfall - (0.95 - (1 - pow(0.9999, 9000)))) < 1e-12);
    assert_true(r.attempt.release_excess_hours == 0);
    q.attempt_hours = 200; /* 36,000 requests: confident; 272 h is 104 h over */
    fo_canary_evaluate(&q, &r);
    assert_int_equal(r.attempt.advice, FO_ADVICE_SHORTER);
    assert_true(fabs(r.attempt.release_excess_hours - 104) < 1e-12);
    assert_true(r.attempt.confidence_shortfall == 0);
    q.attempt_hours = 120; /* 21,600 requests: 1 - 0.9999^21600 = 0.885 < 95%, 192 h > 168 h */
    fo_canary_evaluate(&q, &r);
    assert_int_equal(r.attempt.advice, FO_ADVICE_IMPOSSIBLE);
}

/* hide_window: nothing the result states depends on the needed window except the requests
 * and the fields that state it (the 10-Iteration Rule's search): the radar and staleness are
 * at the longest window the limit allows (96 h at the base) and the curve spans 1.1 x 168 h,
 * whatever the failure rate. */
static void test_hidden_window(void **state) {
    (void)state;
    fo_canary_params q = base();
    q.hide_window = 1;
    fo_canary_result a, b;
    fo_canary_evaluate(&q, &a);
    assert_true(fabs(a.staleness.window_hours - 96) < 1e-12);
    assert_true(fabs(a.curve[a.curve_len - 1].hours - 1.1 * 168) < 1e-9);
    q.failure_rate = 0.002; /* needs half the window: the spans and radar window stay */
    fo_canary_evaluate(&q, &b);
    assert_true(a.staleness.window_hours == b.staleness.window_hours);
    assert_true(a.curve[a.curve_len - 1].hours == b.curve[b.curve_len - 1].hours);
    assert_true(a.radar[1].value == b.radar[1].value); /* velocity depends on the window only */
}

static void test_confidence_clock(void **state) {
    (void)state;
    fo_canary_params q = base();
    q.allowed_failures = 2;
    fo_canary_result r;
    fo_canary_evaluate(&q, &r);
    assert_int_equal(r.curve_len, FO_CANARY_CURVE_POINTS);
    assert_true(r.curve[0].hours == 0 && r.curve[0].confidence == 0);
    for (size_t i = 1; i < r.curve_len; i++) {
        assert_true(r.curve[i].confidence >= r.curve[i - 1].confidence);
        /* Crossing: at or past the window the target holds, before it it does not. */
        if (r.curve[i].hours >= r.shadow_hours)
            assert_true(r.curve[i].confidence >= q.confidence);
        else
            assert_true(r.curve[i].confidence < q.confidence);
    }
    /* The curve reaches past both the crossing and the limit's window. */
    assert_true(r.curve[r.curve_len - 1].hours >= 1.6 * r.shadow_hours - 1e-9);
    assert_true(r.curve[r.curve_len - 1].hours >= r.max_window_hours);
    /* k = 0: C(t) = 1 - (1-p)^floor(lambda t). */
    q.allowed_failures = 0;
    fo_canary_evaluate(&q, &r);
    double t = r.curve[40].hours, seen = floor(180 * t);
    assert_true(fabs(r.curve[40].confidence - (1 - pow(0.999, seen))) < 1e-12);
}

static void test_radar_and_staleness(void **state) {
    (void)state;
    fo_canary_params q = base();
    fo_canary_result r;
    q.attempt_hours = 24;
    fo_canary_evaluate(&q, &r);
    const char *names[] = {"confidence", "release_velocity", "exposure", "detection_time",
                           "staleness"};
    for (int i = 0; i < FO_CANARY_RADAR_AXES; i++) {
        assert_string_equal(r.radar[i].name, names[i]);
        assert_true(r.radar[i].score >= 0 && r.radar[i].score <= 1);
        assert_true(isfinite(r.radar[i].value));
    }
    double conf = 1 - pow(0.999, 24 * 180.0), cycle = 72 + 24.0;
    assert_true(fabs(r.radar[0].value - conf) < 1e-12);
    assert_true(fabs(r.radar[1].value - 730.5 / cycle) < 1e-12);
    assert_true(fabs(r.radar[2].value - (1 - conf) * 100 * 3600 * 0.01 * cycle) < 1e-6);
    assert_true(fabs(r.radar[3].value - 1 / (180 * 0.001)) < 1e-12); /* 5.6 h */
    assert_true(fabs(r.radar[4].value - 0.0003 * cycle / 24) < 1e-15);
    assert_true(fabs(r.staleness.accuracy_lost - 0.0003 * 4) < 1e-15);
    assert_true(fabs(r.staleness.risk_reduced_next_day - ((1 - pow(0.999, 48 * 180.0)) - conf)) <
                1e-12);
    /* Three months: 91.3 days plus overhead of drift, and (numerically) certain. */
    assert_true(fabs(r.staleness.quarter_accuracy_lost - 0.0003 * (72 + 2191.5) / 24) < 1e-15);
    assert_true(r.staleness.quarter_confidence > 0.999999);
    /* A longer window raises confidence and lowers velocity and freshness. */
    fo_canary_result longer;
    q.attempt_hours = 96;
    fo_canary_evaluate(&q, &longer);
    assert_true(longer.radar[0].score > r.radar[0].score);
    assert_true(longer.radar[1].value < r.radar[1].value);
    assert_true(longer.radar[4].score < r.radar[4].score);
}

static void test_domain(void **state) {
    (void)state;
    fo_canary_params q = base();
    fo_canary_result r;
    q.confidence = 1;
    assert_int_equal(fo_canary_evaluate(&q, &r), -1);
    q = base();
    q.failure_rate = 0;
    assert_int_equal(fo_canary_evaluate(&q, &r), -1);
    q = base();
    q.allowed_failures = -1;
    assert_int_equal(fo_canary_evaluate(&q, &r), -1);
    q = base();
    q.shadow_fraction = 0;
    assert_int_equal(fo_canary_evaluate(&q, &r), -1);
}

/* Exact ties (issue 14): with p = a / 2^b and C = 1 - P(X <= k | n, p) exactly, n passes
 * (the tail equals 1 - C) and n - 1 does not (the tail falls strictly with n), so the answer is
 * n. The tail is computed here a second way, in integers: T = sum_{i <= k} binom(n, i) a^i
 * (2^b - a)^(n - i) over 2^(b n), exact while b n <= 53 (so 1 - C is a double too). */
static void test_exact_ties(void **state) {
    (void)state;
    /* The two cases of the issue, by hand: P(X <= 1 | 3, 1/2) = (1 + 3) / 8 = 1/2 = 1 - C;
     * (1/2)^33 = 2^-33 = 1 - C at k = 0, and the closed form ceil(33 ln 2 / ln 2) = 33. */
    assert_true(needed(0.5, 0.5, 1) == 3);
    fo_canary_params q = base();
    q.confidence = 1 - ldexp(1, -33), q.failure_rate = 0.5;
    fo_canary_result r;
    assert_int_equal(fo_canary_evaluate(&q, &r), 0);
    assert_true(r.requests_needed == 33 && r.closed_form_requests == 33);
    int cases = 0;
    for (int b = 1; b <= 5; b++)
        for (uint64_t a = 1; a < (1u << b); a += 2)
            for (long long n = 1; n * b <= 53; n++)
                for (long long k = 0; k < n && k <= 6; k++) {
                    uint64_t big = (uint64_t)1 << b, tail = 0, coef = 1;
                    for (long long i = 0; i <= k; i++) {
                        if (i > 0) coef = coef * (uint64_t)(n - i + 1) / (uint64_t)i;
                        unsigned __int128 t = coef;
                        for (long long x = 0; x < i; x++)
                            t *= a;
                        for (long long x = i; x < n; x++)
                            t *= big - a;
                        tail += (uint64_t)t;
                    }
                    double T = ldexp((double)tail, (int)(-b * n));
                    double C = 1 - T;
                    if (!(C > 0 && C < 1) || 1 - C != T) continue; /* not a tie in doubles */
                    double p = ldexp((double)a, -b);
                    if (needed(C, p, k) != (double)n)
                        fail_msg("p = %g, k = %lld, C = 1 - %a: %g, want %lld", p, k, T,
                                 needed(C, p, k), n);
                    if (k == 0) {
                        q = base();
                        q.confidence = C, q.failure_rate = p;
                        assert_int_equal(fo_canary_evaluate(&q, &r), 0);
                        assert_true(r.closed_form_requests == (double)n);
                    }
                    cases++;
                }
    assert_true(cases > 700);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_pins),
        cmocka_unit_test(test_grid_pins),
        cmocka_unit_test(test_minimal_over_random_inputs),
        cmocka_unit_test(test_tiny_rate_and_huge_n),
        cmocka_unit_test(test_more_confidence_never_fewer_requests),
        cmocka_unit_test(test_bound_at_demonstrated_n),
        cmocka_unit_test(test_durations_and_release_cycle),
        cmocka_unit_test(test_attempt_judgements),
        cmocka_unit_test(test_confidence_clock),
        cmocka_unit_test(test_radar_and_staleness),
        cmocka_unit_test(test_domain),
        cmocka_unit_test(test_exact_ties),
        cmocka_unit_test(test_hidden_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
