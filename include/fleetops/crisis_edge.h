/* crisis_edge.h — Edge Guardian's crisis, the Rollout Jitter: a new perception model goes out to
 * a fleet of vehicles on several hardware generations, through the shared staged-rollout ladder
 * (stages.h: shadow, 1%, 5%, 25%, 100%). On the oldest generation the new model has a ~100 ms
 * latency tail (a lognormal body plus, with a small probability, a lognormal tail); the safety
 * loop's deadline is 10 ms.
 *
 * Two gates watch the same rollout (same seed, so the runs agree until one gate fires):
 *   per-generation  each generation's deadline-miss rate of the new model must stay within
 *                   1 - gate_quantile (p_q <= deadline), an exact one-sided binomial test on the
 *                   cumulated frames, Bonferroni over generations
 *   fleet-wide      the pooled miss rate must stay within 1% (fleet-wide p99 <= deadline)
 * When a gate fires, the fleet is rolled back: every vehicle running the new model reverts at
 * its next update opportunity.
 *
 * What is simulated per vehicle: its hardware generation, its rollout bucket (which stages put
 * it on the new model), whether and when it installed and reverted the model (an update
 * opportunity each hour with probability 1 - exp(-1 / ota_mean_hours)), whether it drove in a
 * given hour, and its frames' deadline misses. Vehicles of one generation and bucket are
 * exchangeable, so they are simulated as exact binomial counts (fleet split, installs, reverts,
 * driving vehicles, misses among frames), never one by one. Latency quantiles are exact
 * quantiles of the lognormal mixtures (bisection on the CDF), not sample estimates. */
#ifndef FLEETOPS_CRISIS_EDGE_H
#define FLEETOPS_CRISIS_EDGE_H

#include <stddef.h>

#include "fleetops/rng.h"
#include "fleetops/stages.h"

#define FO_EDGE_GENERATIONS      4
#define FO_EDGE_MAX_HOURS        2400
#define FO_EDGE_FLEET_QUANTILE   0.99   /* the fleet-wide check: p99 */
#define FO_EDGE_DRIVING_FRACTION 0.0625 /* 1.5 h of driving a day */

typedef struct fo_edge_params {
    long long fleet_size;
    double deadline_ms;      /* the safety loop's deadline; the loop runs at 1000 / deadline Hz */
    double oldest_share;     /* share of the oldest generation; the others keep their ratios */
    double tail_probability; /* oldest generation, new model: chance a frame falls in the tail */
    double tail_ms;          /* median of the tail */
    double gate_quantile;    /* per-generation gate: this quantile must meet the deadline */
    double alpha;            /* gate test level (Bonferroni-split over generations) */
    int shadow;              /* 1: the ladder's shadow stage runs; 0: it is skipped */
    double dwell_scale;      /* multiplies every stage's dwell time */
    double ota_mean_hours;   /* mean wait for a vehicle's next update opportunity */
} fo_edge_params;

/* A frame's latency: lognormal(median, sigma), except with probability tail_probability
 * lognormal(tail_median_ms, tail_sigma). */
typedef struct fo_edge_latency {
    double median_ms, sigma;
    double tail_probability, tail_median_ms, tail_sigma;
} fo_edge_latency;

typedef struct fo_edge_generation {
    char name[32]; /* "HW1 (2017)": the scenario's name and year */
    double year;
    double share;
    long long vehicles;
    fo_edge_latency old_model, new_model;
    /* exact, from the latency distributions */
    double old_p50_ms, old_p99_ms, old_p999_ms, old_deadline_miss_rate;
    double p50_ms, p99_ms, p999_ms, deadline_miss_rate; /* the new model */
    /* what the per-generation gate saw up to its decision (or the end of the rollout) */
    long long frames, misses;
    double p_value;
} fo_edge_generation;

typedef struct fo_edge_run {
    int detected;
    int detected_stage;            /* index into result.stages, -1 when never */
    int detected_generation;       /* the generation whose gate fired; -1 fleet-wide or never */
    double detected_hours;         /* since the rollout began; NaN when never */
    long long vehicles_exposed;    /* running the new model (shadow or serving) at the decision, or
                                      at the end when never detected */
    long long vehicles_serving;    /* of those, driving on it (not shadow) */
    long long oldest_serving;      /* of those, on the oldest generation */
    double hours_to_full_rollback; /* decision to the last vehicle reverted; NaN when never */
    size_t hours;                  /* timeline length */
    double installed[FO_EDGE_MAX_HOURS + 1]; /* vehicles running the new model after each hour */
    double serving[FO_EDGE_MAX_HOURS + 1];
} fo_edge_run;

typedef struct fo_edge_result {
    size_t ngen;
    fo_edge_generation gen[FO_EDGE_GENERATIONS];
    size_t nstages;
    fo_stage stages[FO_STAGE_COUNT]; /* the ladder as run (dwell scaled, shadow maybe skipped) */
    double stage_start_hours[FO_STAGE_COUNT];
    double fleet_p99_ms; /* new model, whole fleet (exact mixture) */
    double fleet_deadline_miss_rate;
    double loop_hz;
    fo_edge_run per_generation, fleetwide;
} fo_edge_result;

/* The result is large (~80 kB of timelines): allocate it. Returns 0, or -1 when a parameter is
 * outside its domain. */
int fo_edge_simulate(const fo_edge_params *p, fo_rng *rng, fo_edge_result *r);

#endif
