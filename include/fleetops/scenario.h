/* scenario.h — each track's one scenario, defined once: the fleet (hardware generations with
 * names, years, shares and latency), its traffic (request rate, the share shadow mode watches
 * and scores, the edge-case slice), the deadline, Part 2's hypothesis (the failure rate the
 * Safety Lead will not accept, the confidence target, alpha), the models upstream and
 * downstream of Part 3's handshake, and the team. Every command that mentions one of these
 * reads it here: the crises, canary, sprt, rollout, ensemble, governance, roi's team and the
 * lab's words; the command table's track presets point at these fields (command.h), so no
 * number has a second copy.
 *
 * Part 2's hypotheses follow one rule (fo_scenario_hypotheses): H1 p1 = the failure rate (the
 * line the Safety Lead draws: the regression to catch); H0 p0 = half of it (a healthy model);
 * beta (promoting a regression) = 1 - confidence (the protection the zero-failure
 * demonstration gives); alpha (rolling back a healthy model) = the track's alpha. */
#ifndef FLEETOPS_SCENARIO_H
#define FLEETOPS_SCENARIO_H

#include <stddef.h>

#define FO_SCENARIO_MAX_HW 4

/* Edge Guardian's figures its crisis also uses as parameter defaults (one definition each). */
#define FO_SCN_EDGE_FLEET            500000
#define FO_SCN_EDGE_DEADLINE_MS      10
#define FO_SCN_EDGE_HW1_SHARE        0.12
#define FO_SCN_EDGE_TAIL_PROBABILITY 0.003
#define FO_SCN_EDGE_TAIL_MS          100
#define FO_SCN_EDGE_GATE_QUANTILE    0.999
#define FO_SCENARIO_ALPHA            0.05 /* alpha without a track */

typedef struct fo_scenario_hw {
    const char *name;   /* "HW1" */
    double year;        /* the generation's year, e.g. 2017 */
    double share;       /* share of the fleet (and of its requests) */
    double p50_ms;      /* the candidate model's median latency on it */
    double sigma;       /* lognormal spread of that latency */
    double base_p50_ms; /* today's model, where a command compares the two (0: not modelled) */
    double base_sigma;
} fo_scenario_hw;

typedef struct fo_scenario {
    const char *track; /* "edge-guardian" */
    const char *fleet; /* the fleet in words: "500,000 vehicles" */
    double fleet_size; /* devices (vehicles, glasses, earbuds) or serving replicas */
    size_t generations;
    fo_scenario_hw hw[FO_SCENARIO_MAX_HW]; /* oldest first */
    double tail_probability;               /* the candidate's slow path on the oldest generation */
    double tail_ms;                        /* that slow path's median latency */
    double gate_quantile;                  /* the latency quantile the deadline applies to */
    double deadline_ms;
    /* Part 2: traffic (monitored per hour = R x 3600 x shadow_fraction x slice_share) */
    double request_rate_per_s;
    double shadow_fraction;
    double slice_share;
    double pipeline_overhead_hours;
    double drift_rate_per_day;
    /* Part 2: the hypothesis */
    double failure_rate;           /* the regressed rate: the line the Safety Lead draws (H1) */
    double confidence;             /* the Safety Lead's target */
    double alpha;                  /* rolling back a healthy model */
    double candidate_failure_rate; /* what the candidate the dashboard replays actually does */
    /* Part 3: the handshake */
    const char *upstream;   /* "noise-isolation model" */
    const char *downstream; /* "wake-word detector" */
    double team_size;       /* engineers running the models by hand (Part 1) */
} fo_scenario;

/* The track's scenario; NULL for NULL or an unknown track. */
const fo_scenario *fo_scenario_get(const char *track);

/* Part 2's hypotheses by the rule above, from the student's failure rate and confidence and
 * the track's alpha. */
typedef struct fo_hypotheses {
    double p0, p1, alpha, beta;
} fo_hypotheses;
fo_hypotheses fo_scenario_hypotheses(double failure_rate, double confidence, double alpha);

/* The rule in one sentence, for JSON and help. */
#define FO_HYPOTHESES_RULE                                                                         \
    "A bad model, the regression to catch, fails at the rate you set (the Safety Lead's line); "   \
    "a good model fails half as often. The test may pass a bad model at most 100% minus your "     \
    "confidence of the time, as the zero-failure demonstration does, and may roll back a good "    \
    "model at most as often as your track tolerates (5% on most tracks)."

/* The healthy rate the rule assigns to a failure rate (p/2). */
double fo_scenario_acceptable_rate(double failure_rate);

#endif
