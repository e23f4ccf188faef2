/* test_crisis_edge.c — Edge Guardian's Rollout Jitter (crisis_edge.c): the "musts"
 * (the staged rollout detects the tail and rolls back; the fleet-wide p99 check misses it or
 * detects it later) at the defaults and over 50 seeds; exact quantiles and miss rates checked
 * against closed forms; the rollout's bookkeeping. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fleetops/crisis_edge.h"
#include "fleetops/stats.h"
#include "testutil.h"

/* |a - b| <= eps, with the values in the failure message (this cmocka has no double assert). */
#define assert_close(a, b, eps) assert_close_at((double)(a), (double)(b), (eps), #a, __LINE__)
static void assert_close_at(double a, double b, double eps, const char *what, int line) {
    if (!(fabs(a - b) <= eps))
        fail_msg("line %d: %s = %.17g, expected %.17g (+/- %g)", line, what, a, b, eps);
}

static fo_edge_params defaults(void) {
    return (fo_edge_params){.fleet_size = 500000,
                            .deadline_ms = 10,
                            .oldest_share = 0.12,
                            .tail_probability = 0.003,
                            .tail_ms = 100,
                            .gate_quantile = 0.999,
                            .alpha = 0.001,
                            .shadow = 1,
                            .dwell_scale = 1,
                            .ota_mean_hours = 6};
}

static fo_edge_result *run(const fo_edge_params *p, unsigned long long seed) {
    fo_edge_result *r = malloc(sizeof *r);
    assert_non_null(r);
    fo_rng rng;
    fo_rng_seed(&rng, seed);
    assert_int_equal(fo_edge_simulate(p, &rng, r), 0);
    return r;
}

/* Detected per generation and rolled back in full; the fleet-wide check missed it or was
 * later. */
static int must_hold(const fo_edge_result *r) {
    const fo_edge_run *g = &r->per_generation, *f = &r->fleetwide;
    if (!g->detected || g->detected_generation != 0 || !isfinite(g->hours_to_full_rollback))
        return 0;
    return !f->detected || f->detected_hours > g->detected_hours;
}

static void must_at_defaults(void **state) {
    (void)state;
    fo_edge_params p = defaults();
    fo_edge_result *r = run(&p, 1);
    assert_true(must_hold(r));
    assert_false(r->fleetwide.detected);
    /* Shadow catches it: nobody drives on the new model when the gate fires. */
    assert_int_equal(r->per_generation.detected_stage, 0);
    assert_string_equal(r->stages[0].name, "shadow");
    assert_int_equal(r->per_generation.vehicles_serving, 0);
    /* Without the per-generation gate the whole fleet ends on the new model. */
    assert_int_equal(r->fleetwide.vehicles_exposed, p.fleet_size);
    assert_int_equal(r->fleetwide.oldest_serving, r->gen[0].vehicles);
    free(r);
}

static void must_over_50_seeds(void **state) {
    (void)state;
    fo_edge_params p = defaults();
    int held = 0;
    for (unsigned long long seed = 1; seed <= 50; seed++) {
        fo_edge_result *r = run(&p, seed);
        held += must_hold(r);
        free(r);
    }
    assert_true(held >= 45);
}

/* Exact latency figures against closed forms of the lognormal (the engine bisects a mixture). */
static void exact_quantiles_and_miss_rates(void **state) {
    (void)state;
    fo_edge_params p = defaults();
    fo_edge_result *r = run(&p, 1);
    double z99 = fo_normal_quantile(0.99), z999 = fo_normal_quantile(0.999);
    for (size_t g = 0; g < r->ngen; g++) {
        const fo_edge_generation *x = &r->gen[g];
        const fo_edge_latency *o = &x->old_model;
        assert_close(x->old_p50_ms, o->median_ms, 1e-9);
        assert_close(x->old_p99_ms, o->median_ms * exp(o->sigma * z99), 1e-9);
        assert_close(x->old_p999_ms, o->median_ms * exp(o->sigma * z999), 1e-9);
        assert_close(x->old_deadline_miss_rate,
                     fo_normal_sf(log(p.deadline_ms / o->median_ms) / o->sigma), 1e-15);
        if (g > 0) { /* no tail: the new model is a plain lognormal too */
            const fo_edge_latency *n = &x->new_model;
            assert_close(x->p99_ms, n->median_ms * exp(n->sigma * z99), 1e-9);
        }
    }
    /* HW1 with the tail: sf(p99.9) = 0.001 and sf(p99) = 0.01 by construction. */
    const fo_edge_generation *h = &r->gen[0];
    const fo_edge_latency *d = &h->new_model;
    double sf999 =
        (1 - d->tail_probability) * fo_normal_sf(log(h->p999_ms / d->median_ms) / d->sigma) +
        d->tail_probability * fo_normal_sf(log(h->p999_ms / d->tail_median_ms) / d->tail_sigma);
    assert_close(sf999, 0.001, 1e-9);
    /* The story's numbers: the p99 stays under the deadline, the p99.9 is in the 100 ms tail. */
    assert_true(h->p99_ms < p.deadline_ms);
    assert_true(h->p999_ms > 90 && h->p999_ms < 130);
    assert_true(r->fleet_p99_ms < p.deadline_ms);
    double fleet = 0;
    for (size_t g = 0; g < r->ngen; g++)
        fleet += r->gen[g].share * r->gen[g].deadline_miss_rate;
    assert_close(r->fleet_deadline_miss_rate, fleet, 1e-15);
    free(r);
}

static void fleet_bookkeeping(void **state) {
    (void)state;
    fo_edge_params p = defaults();
    p.fleet_size = 123457;
    p.oldest_share = 0.3;
    fo_edge_result *r = run(&p, 5);
    long long total = 0;
    double shares = 0;
    for (size_t g = 0; g < r->ngen; g++)
        total += r->gen[g].vehicles, shares += r->gen[g].share;
    assert_int_equal(total, p.fleet_size);
    assert_close(shares, 1.0, 1e-12);
    assert_close(r->gen[0].share, 0.3, 1e-15);
    const fo_edge_run *runs[2] = {&r->per_generation, &r->fleetwide};
    for (int k = 0; k < 2; k++) {
        const fo_edge_run *u = runs[k];
        assert_true(u->hours >= 1 && u->hours <= FO_EDGE_MAX_HOURS);
        for (size_t t = 0; t <= u->hours; t++) {
            assert_true(u->installed[t] >= 0 && u->installed[t] <= (double)p.fleet_size);
            assert_true(u->serving[t] <= u->installed[t]);
        }
        if (u->detected) {
            assert_close(u->installed[u->hours], 0, 0); /* fully rolled back */
            assert_close(u->detected_hours + u->hours_to_full_rollback, (double)u->hours, 0);
            assert_true(u->vehicles_exposed <= p.fleet_size);
        }
    }
    free(r);
}

/* No tail: neither gate may roll back a healthy model (no false rollback), and the rollout
 * completes on the whole fleet. */
static void healthy_model_is_not_rolled_back(void **state) {
    (void)state;
    fo_edge_params p = defaults();
    p.tail_probability = 0;
    for (unsigned long long seed = 1; seed <= 5; seed++) {
        fo_edge_result *r = run(&p, seed);
        assert_false(r->per_generation.detected);
        assert_false(r->fleetwide.detected);
        assert_int_equal(r->per_generation.vehicles_exposed, p.fleet_size);
        free(r);
    }
}

/* Without shadow mode the gate fires in the 1% stage, with vehicles driving on the new model. */
static void without_shadow_vehicles_are_exposed(void **state) {
    (void)state;
    fo_edge_params p = defaults();
    p.shadow = 0;
    fo_edge_result *r = run(&p, 1);
    assert_true(r->per_generation.detected);
    assert_string_equal(r->stages[r->per_generation.detected_stage].name, "1%");
    assert_true(r->per_generation.vehicles_serving > 0);
    assert_true(r->per_generation.vehicles_exposed <= p.fleet_size / 50);
    free(r);
}

/* A tail so heavy that even the pooled p99 breaks: the fleet-wide check fires too, but not
 * before the per-generation gate (common random numbers: both runs see the same hours). */
static void fleetwide_check_is_never_earlier(void **state) {
    (void)state;
    fo_edge_params p = defaults();
    p.tail_probability = 0.2;
    for (unsigned long long seed = 1; seed <= 5; seed++) {
        fo_edge_result *r = run(&p, seed);
        assert_true(r->per_generation.detected && r->fleetwide.detected);
        assert_true(r->fleetwide.detected_hours >= r->per_generation.detected_hours);
        free(r);
    }
}

static void deterministic_for_a_seed(void **state) {
    (void)state;
    fo_edge_params p = defaults();
    fo_edge_result *a = run(&p, 11), *b = run(&p, 11), *c = run(&p, 12);
    assert_memory_equal(&a->per_generation, &b->per_generation, sizeof a->per_generation);
    assert_memory_equal(&a->fleetwide, &b->fleetwide, sizeof a->fleetwide);
    assert_true(a->per_generation.vehicles_exposed != c->per_generation.vehicles_exposed ||
                a->gen[0].vehicles != c->gen[0].vehicles);
    free(a), free(b), free(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(must_at_defaults),
        cmocka_unit_test(must_over_50_seeds),
        cmocka_unit_test(exact_quantiles_and_miss_rates),
        cmocka_unit_test(fleet_bookkeeping),
        cmocka_unit_test(healthy_model_is_not_rolled_back),
        cmocka_unit_test(without_shadow_vehicles_are_exposed),
        cmocka_unit_test(fleetwide_check_is_never_earlier),
        cmocka_unit_test(deterministic_for_a_seed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
