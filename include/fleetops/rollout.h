/* rollout.h — the ShadowModeDashboard (Part 2): a seeded replay of a staged rollout along the
 * shared ladder of stages.h (shadow, 1%, 5%, 25%, 100%), with a stream of scored requests per
 * stage and, per stage: requests seen, failures, the running confidence that the failure rate
 * is below p, the SPRT log-likelihood ratio, p50/p99 latency per hardware generation, and the
 * decision (promote, hold, roll back) with its reason.
 *
 * The rules, in the order they are applied at the end of each dwell:
 *  1. roll back at once (mid-dwell) when the SPRT's LLR reaches ln A: the failures look like p1;
 *  2. roll back when any hardware generation's gate latency (its gate_quantile, e.g. p99 or
 *     p99.9) exceeds the deadline;
 *  3. promote when the evidence is strong: the SPRT accepted H0 (LLR reached ln B) or the
 *     running confidence reached C;
 *  4. before the last step (25% -> 100%) also promote when nothing is alarming (LLR <= 0: the
 *     evidence leans to H0) — early stages expose few users, so they need no proof, only no
 *     alarm; the step to 100% needs rule 3;
 *  5. otherwise hold: dwell again (up to max_holds times), then roll back.
 * The SPRT runs over the whole rollout (the same model on the same slice: evidence adds up) and
 * stops at its first boundary, as Wald's test does; the running confidence is
 * P(X > f | n, p) = 1 - P(X <= f | n, p) over every scored request so far (the level at which
 * the Clopper-Pearson bound after f failures in n equals p). */
#ifndef FLEETOPS_ROLLOUT_H
#define FLEETOPS_ROLLOUT_H

#include <stddef.h>

#include "fleetops/rng.h"
#include "fleetops/stages.h"

#define FO_ROLLOUT_MAX_GENERATIONS 4
#define FO_ROLLOUT_MAX_HOLDS       3
#define FO_ROLLOUT_MAX_ROWS        (FO_STAGE_COUNT * (FO_ROLLOUT_MAX_HOLDS + 1))
#define FO_ROLLOUT_LATENCY_SAMPLES 2000 /* latency samples per generation per dwell */
#define FO_ROLLOUT_LLR_POINTS      48   /* LLR checkpoints per dwell, for the dashboard */
#define FO_ROLLOUT_MAX_REQUESTS    1e8  /* scored requests in one replay (keeps it < 20 ms) */

typedef struct fo_hw_generation {
    const char *name;     /* "HW2 (2016)" */
    double share;         /* share of the fleet's requests it serves */
    double p50_ms;        /* the candidate's median latency on it */
    double sigma;         /* lognormal spread: p99 = p50 x exp(2.326 sigma) without a tail */
    double tail_fraction; /* share of its requests that take a slow path */
    double tail_ms;       /* median latency of that slow path (spread 0.25) */
} fo_hw_generation;

typedef struct fo_rollout_params {
    double request_rate_per_s; /* fleet requests per second */
    double slice_share;        /* share that can trigger the edge case */
    double scored_fraction;    /* share of the observed slice requests whose outcome is scored */
    double true_failure_rate;  /* the candidate's actual failure rate on the slice (the scenario) */
    double failure_rate;       /* p that the running confidence is about */
    double confidence;         /* C */
    double p0, p1, alpha, beta; /* the SPRT */
    double deadline_ms;         /* latency gate on every generation; 0: none */
    double gate_quantile;       /* the quantile the deadline applies to (0.99: p99) */
    double shadow_hours;        /* the shadow stage's dwell (the student's window); 0: ladder's */
    long long max_holds;        /* 0 .. FO_ROLLOUT_MAX_HOLDS */
    size_t generations;         /* 0 .. FO_ROLLOUT_MAX_GENERATIONS */
    fo_hw_generation gen[FO_ROLLOUT_MAX_GENERATIONS];
} fo_rollout_params;

typedef enum fo_rollout_decision {
    FO_ROLLOUT_PROMOTE = 0,
    FO_ROLLOUT_HOLD,
    FO_ROLLOUT_ROLLBACK,
    FO_ROLLOUT_COMPLETE /* the 100% stage: the rollout is done */
} fo_rollout_decision;

/* Which rule decided a dwell (rollout.h's list). */
typedef enum fo_rollout_rule {
    FO_RULE_SPRT_REJECT = 0, /* 1: LLR >= ln A */
    FO_RULE_LATENCY,         /* 2: p99 over the deadline */
    FO_RULE_SPRT_ACCEPT,     /* 3: LLR reached ln B */
    FO_RULE_CONFIDENCE,      /* 3: running confidence >= C */
    FO_RULE_NO_ALARM,        /* 4: LLR <= 0 before the last step */
    FO_RULE_HOLD,            /* 5: dwell again */
    FO_RULE_UNDECIDED,       /* 5: holds used up */
    FO_RULE_COMPLETE         /* the 100% stage reached */
} fo_rollout_rule;

typedef struct fo_rollout_latency {
    double p50_ms, p99_ms; /* NAN without samples */
    double gate_ms;        /* the gate quantile's latency, NAN without samples */
    long long samples;
} fo_rollout_latency;

typedef struct fo_rollout_row {
    const char *stage; /* the ladder's name: "shadow", "1%", ... */
    int stage_index;
    int hold; /* 0: the stage's first dwell; k: its k-th extension */
    double traffic_fraction, observed_fraction;
    double start_hours, end_hours;
    double requests, failures;             /* scored, in this dwell */
    double total_requests, total_failures; /* since the rollout began */
    double confidence_start, running_confidence;
    double llr_start, llr;  /* the SPRT's LLR at the dwell's start and end (or its decision) */
    int sprt;               /* +1 reached ln A, -1 reached ln B (ever), 0 undecided */
    double sprt_decided_at; /* total requests when it decided, or NAN */
    size_t llr_points;      /* checkpoints, plus the SPRT's decision point when it falls here */
    double llr_hours[FO_ROLLOUT_LLR_POINTS + 1], llr_value[FO_ROLLOUT_LLR_POINTS + 1];
    fo_rollout_latency latency[FO_ROLLOUT_MAX_GENERATIONS];
    fo_rollout_decision decision;
    fo_rollout_rule rule;
    char reason[240];
} fo_rollout_row;

typedef struct fo_rollout_result {
    size_t rows;
    fo_rollout_row row[FO_ROLLOUT_MAX_ROWS];
    fo_rollout_decision decision; /* FO_ROLLOUT_COMPLETE or FO_ROLLOUT_ROLLBACK */
    char reason[320];
    double hours; /* when the rollout completed or was rolled back */
    double log_upper_boundary, log_lower_boundary;
    double scored_per_hour_full; /* scored requests per hour at 100% observation */
} fo_rollout_result;

/* Expected scored requests of a replay at most (every stage held max_holds times), so a
 * caller can keep it under FO_ROLLOUT_MAX_REQUESTS. */
double fo_rollout_max_requests(const fo_rollout_params *p);

/* The replay. Returns 0, or -1 when a parameter is outside its domain. */
int fo_rollout_run(const fo_rollout_params *p, fo_rng *rng, fo_rollout_result *r);

#endif
