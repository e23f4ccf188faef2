/* test_rollout.c — the ShadowModeDashboard replay (rollout.c): the shared ladder, request
 * counts, running confidence and LLR recomputed independently, the decision rules, latency
 * percentiles, the exact binomial draw (by its moments over many seeds), determinism. */
#include <math.h>
#include <string.h>

#include "fleetops/rollout.h"
#include "fleetops/stats.h"
#include "testutil.h"

static fo_rollout_params base(void) {
    fo_rollout_params p;
    memset(&p, 0, sizeof p);
    p.request_rate_per_s = 100;
    p.slice_share = 0.01;
    p.scored_fraction = 0.5; /* 1,800 scored requests/h at 100% */
    p.true_failure_rate = 0.0005;
    p.failure_rate = 0.001;
    p.confidence = 0.95;
    p.p0 = 0.0005;
    p.p1 = 0.001;
    p.alpha = 0.05;
    p.beta = 0.05;
    p.max_holds = 2;
    p.gate_quantile = 0.99;
    return p;
}

static void add_hardware(fo_rollout_params *p, double tail) {
    p->generations = 2;
    p->gen[0] = (fo_hw_generation){"old", 0.3, 7.0, 0.10, tail, 100};
    p->gen[1] = (fo_hw_generation){"new", 0.7, 3.0, 0.10, 0, 0};
    p->deadline_ms = 10;
}

static fo_rollout_result run(const fo_rollout_params *p, uint64_t seed) {
    fo_rng rng;
    fo_rng_seed(&rng, seed);
    fo_rollout_result r;
    assert_int_equal(fo_rollout_run(p, &rng, &r), 0);
    return r;
}

/* P(X > f | n, p) by summing the pmf from 0 in long double (f small). */
static double direct_confidence(double n, double f, double p) {
    long double pmf = powl(1 - (long double)p, (long double)n), cdf = 0;
    for (double j = 0; j <= f; j++) {
        cdf += pmf;
        pmf *= ((long double)n - j) / (j + 1) * (long double)p / (1 - (long double)p);
    }
    return (double)(1 - cdf);
}

static void test_ladder_counts_and_statistics(void **state) {
    (void)state;
    fo_rollout_params p = base();
    size_t ns;
    const fo_stage *ladder = fo_default_stages(&ns);
    for (uint64_t seed = 1; seed <= 30; seed++) {
        fo_rollout_result r = run(&p, seed);
        double t = 0, N = 0, F = 0;
        double a = log(p.p1 / p.p0), b = log1p(-p.p1) - log1p(-p.p0);
        for (size_t i = 0; i < r.rows; i++) {
            const fo_rollout_row *w = &r.row[i];
            const fo_stage *st = &ladder[w->stage_index];
            assert_string_equal(w->stage, st->name);
            assert_true(w->start_hours == t);
            double full = floor(1800 * st->observed_fraction * st->dwell_hours);
            if (w->rule != FO_RULE_SPRT_REJECT) {
                assert_true(w->requests == full);
                assert_true(fabs(w->end_hours - w->start_hours - st->dwell_hours) < 1e-9);
            } else {
                assert_true(w->requests <= full);
            }
            N += w->requests, F += w->failures, t = w->end_hours;
            assert_true(w->total_requests == N && w->total_failures == F);
            double c = direct_confidence(N, F, p.failure_rate);
            if (!(fabs(w->running_confidence - c) < 1e-9))
                fail_msg("seed %llu row %zu: confidence %.12f, direct %.12f",
                         (unsigned long long)seed, i, w->running_confidence, c);
            if (w->sprt == 0) assert_true(fabs(w->llr - (F * a + (N - F) * b)) < 1e-9);
            if (w->sprt > 0) assert_true(w->llr >= r.log_upper_boundary);
            if (w->sprt < 0) assert_true(w->llr <= r.log_lower_boundary);
            /* Stage order: a row follows its predecessor's stage, or repeats it after a hold. */
            if (i > 0) {
                const fo_rollout_row *v = &r.row[i - 1];
                if (v->decision == FO_ROLLOUT_HOLD)
                    assert_true(w->stage_index == v->stage_index && w->hold == v->hold + 1);
                else
                    assert_true(v->decision == FO_ROLLOUT_PROMOTE &&
                                w->stage_index == v->stage_index + 1 && w->hold == 0);
            }
        }
        const fo_rollout_row *last = &r.row[r.rows - 1];
        assert_true(last->decision == FO_ROLLOUT_COMPLETE || last->decision == FO_ROLLOUT_ROLLBACK);
        assert_true(r.decision == last->decision);
        assert_true(r.hours == last->end_hours);
        if (r.decision == FO_ROLLOUT_COMPLETE) assert_string_equal(last->stage, "100%");
    }
}

static void test_rules(void **state) {
    (void)state;
    /* A slow path on old hardware: p99 ~ 100 ms > 10 ms, rolled back in shadow (Edge Guardian). */
    fo_rollout_params p = base();
    add_hardware(&p, 0.02);
    fo_rollout_result r = run(&p, 1);
    assert_int_equal(r.rows, 1);
    assert_int_equal(r.row[0].rule, FO_RULE_LATENCY);
    assert_int_equal(r.decision, FO_ROLLOUT_ROLLBACK);
    assert_true(r.row[0].latency[0].p99_ms > 50 && r.row[0].latency[1].p99_ms < 10);
    assert_non_null(strstr(r.reason, "old"));
    /* Without the tail: p50 ~ median, p99 ~ median x e^(2.326 sigma) (2,000 samples). */
    add_hardware(&p, 0);
    r = run(&p, 2);
    for (size_t g = 0; g < 2; g++) {
        const fo_rollout_latency *l = &r.row[0].latency[g];
        assert_int_equal(l->samples, FO_ROLLOUT_LATENCY_SAMPLES);
        assert_true(fabs(l->p50_ms / p.gen[g].p50_ms - 1) < 0.02);
        assert_true(fabs(l->p99_ms / (p.gen[g].p50_ms * exp(2.326 * 0.10)) - 1) < 0.05);
    }
    /* A clearly regressed candidate is rolled back by the SPRT in (almost) every replay. */
    p = base();
    p.p0 = 0.01, p.p1 = 0.015, p.true_failure_rate = 0.03, p.failure_rate = 0.015;
    int rejected = 0;
    for (uint64_t seed = 1; seed <= 40; seed++) {
        r = run(&p, seed);
        rejected += r.row[r.rows - 1].rule == FO_RULE_SPRT_REJECT;
        if (r.row[r.rows - 1].rule == FO_RULE_SPRT_REJECT)
            assert_true(r.row[r.rows - 1].end_hours < r.row[r.rows - 1].start_hours + 24);
    }
    assert_true(rejected >= 38);
    /* A clearly better one completes, mostly on the SPRT's acceptance or the confidence. */
    p = base();
    p.true_failure_rate = 0.0001;
    p.scored_fraction = 1;
    int completed = 0;
    for (uint64_t seed = 1; seed <= 40; seed++)
        completed += run(&p, seed).decision == FO_ROLLOUT_COMPLETE;
    assert_true(completed >= 36);
    /* No holds allowed: an undecided stage rolls back at once, never HOLD. */
    p = base();
    p.max_holds = 0;
    p.true_failure_rate = 0.0008;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        r = run(&p, seed);
        for (size_t i = 0; i < r.rows; i++)
            assert_true(r.row[i].decision != FO_ROLLOUT_HOLD);
    }
}

static void test_binomial_draw_moments(void **state) {
    (void)state;
    /* H0 at 1% vs H1 at 2% with a 0.5% candidate: the SPRT accepts early in shadow, so later
     * dwells' failures are single exact binomial draws. The 25% dwell: n = 10,800, q = 0.005:
     * mean 54, variance 53.73. */
    fo_rollout_params p = base();
    p.p0 = 0.01, p.p1 = 0.02, p.true_failure_rate = 0.005, p.failure_rate = 0.02;
    double sum = 0, sum2 = 0;
    int m = 0;
    for (uint64_t seed = 1; seed <= 400; seed++) {
        fo_rollout_result r = run(&p, seed);
        for (size_t i = 0; i < r.rows; i++) {
            if (strcmp(r.row[i].stage, "25%") != 0 || r.row[i].hold) continue;
            assert_true(r.row[i].requests == 10800);
            assert_true(r.row[i].sprt < 0);
            sum += r.row[i].failures, sum2 += r.row[i].failures * r.row[i].failures, m++;
        }
    }
    assert_true(m > 350);
    double mean = sum / m, var = (sum2 - m * mean * mean) / (m - 1);
    double se = sqrt(53.73 / m);
    if (!(fabs(mean - 54) < 4.5 * se && fabs(var / 53.73 - 1) < 0.3))
        fail_msg(
            "failures in the 25%% dwell: mean %.2f (want 54 +- %.2f), variance %.1f (want 53.7)",
            mean, 4.5 * se, var);
}

static void test_seeded(void **state) {
    (void)state;
    fo_rollout_params p = base();
    add_hardware(&p, 0);
    fo_rollout_result a = run(&p, 5), b = run(&p, 5), c = run(&p, 6);
    assert_int_equal(a.rows, b.rows);
    for (size_t i = 0; i < a.rows; i++) {
        assert_true(a.row[i].failures == b.row[i].failures);
        /* bit for bit, NAN (no samples) included */
        assert_memory_equal(&a.row[i].latency[0], &b.row[i].latency[0], sizeof a.row[i].latency[0]);
    }
    int differs = a.rows != c.rows;
    for (size_t i = 0; i < a.rows && i < c.rows; i++)
        differs |= a.row[i].latency[0].p99_ms != c.row[i].latency[0].p99_ms;
    assert_true(differs);
}

static void test_domain(void **state) {
    (void)state;
    fo_rollout_params p = base();
    fo_rng rng;
    fo_rng_seed(&rng, 1);
    fo_rollout_result r;
    p.p1 = p.p0;
    assert_int_equal(fo_rollout_run(&p, &rng, &r), -1);
    p = base();
    p.max_holds = FO_ROLLOUT_MAX_HOLDS + 1;
    assert_int_equal(fo_rollout_run(&p, &rng, &r), -1);
    p = base();
    p.request_rate_per_s = 1e9;
    p.slice_share = 1;
    p.scored_fraction = 1;
    assert_true(fo_rollout_max_requests(&p) > FO_ROLLOUT_MAX_REQUESTS);
    assert_int_equal(fo_rollout_run(&p, &rng, &r), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ladder_counts_and_statistics),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_binomial_draw_moments),
        cmocka_unit_test(test_seeded),
        cmocka_unit_test(test_domain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
