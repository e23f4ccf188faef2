/* scenario.c — the four tracks' scenarios (scenario.h). Figures are the instructor's unless
 * cited; each is derived once, here.
 *
 * Traffic: monitored requests per hour lambda = R x 3600 x f x s (canary.h). Each track lands the
 * plan's lock (95% confident that a 1-in-1,000 edge case has not regressed: 2,995 requests)
 * inside the one-week release limit with little room, so the 10-Iteration Rule is a search.
 *   Cloud Titan: 250 serving replicas of Llama-3-70B (8 GPUs each) x 8 requests/s = 2,000
 *     requests/s. s = 1/50 (this customer's version of the 50) x 5% of its prompts in the
 *     edge-case category = 0.001. f = 1%: mirrored and graded by an LLM judge, which costs as
 *     much as serving. lambda = 72/h -> 41.6 h. Overhead 96 h (eval suite, red-teaming, the
 *     customer's sign-off). Drift 0.05 points/day: LLM traffic shifts fast. Hardware: time to
 *     first token of a 70B model, A100 (2020, 40% of replicas) vs H100 (2022), about 1.6x
 *     apart; the SLO is p99 under 2 s.
 *   Edge Guardian: 500,000 vehicles x 30 perception frames/s x 25% of the day on the road =
 *     3,750,000 frames/s. f = 2e-6: 10% of frames run through the shadow model (compute
 *     headroom) x 1 in 50,000 uploaded and auto-labelled (~648,000 labelled frames a day).
 *     s = the oldest generation's share (HW1, 12%) x 1% of frames with a night-time
 *     pedestrian. lambda = 32.4/h -> 92.4 h. Overhead 48 h (simulation regression suite,
 *     safety case review). Drift 0.01 points/day: roads change slowly. Hardware: four
 *     perception computers bought over seven years (each newer NPU roughly 1.5x faster; the
 *     candidate is ~15% heavier than today's model); on HW1 the candidate uses an operator
 *     its NPU lacks, and 0.3% of its frames take a 100 ms slow path (the plan's "100ms latency
 *     tail on older hardware"). The 10 ms safety loop is specified at p99.9, not p99.
 *     alpha = 0.1%: one needless fleet rollback per thousand rollouts.
 *   Mobile Nomad: 200,000 AR glasses x 2 h of use a day (8.3%) x 0.5 translation requests/s
 *     while in use = 8,333 requests/s. f = 0.1%: the beta channel runs the candidate in
 *     shadow (battery allows no more). s = 1 region of 10 x 10% low-light text = 0.01.
 *     lambda = 300/h -> 10 h. Overhead 120 h (app-store review, OS compatibility matrix).
 *     Drift 0.03 points/day (OS updates, seasonal content). Hardware: the glasses' NPU
 *     generations, Gen 1 (55%) at 11 ms and Gen 2 (45%) at 6.5 ms per translated frame,
 *     inside a 16.7 ms frame at 60 FPS. alpha = 5%: also the false discovery rate across the
 *     10 regions of the crisis.
 *   Tiny Pioneer: 100,000 hearables x 20 wake-word utterances a day / 86,400 s = 23.1/s.
 *     f = 1%: users who opted in to audio logging, where the phone runs the candidate in
 *     shadow. s = 10%: noisy places (trains, cafes) where isolation matters. lambda = 83/h ->
 *     36 h. Overhead 120 h (firmware build, acoustic lab, OTA certification). Drift 0.02
 *     points/day. Hardware: earbud DSPs, Bud v1 (70%) at 6.0 ms and Bud v2 (30%) at 3.8 ms
 *     for a 10 ms frame.
 *
 * The hypothesis: every track's Safety Lead draws the plan's line, 1 failure in 1,000 on the
 * edge-case slice, at 95%. The candidate the ShadowModeDashboard replays: Cloud Titan's is
 * healthy (0.02%, well under H0's 0.05%); Edge Guardian's fails no more often than a healthy
 * model (0.05%) but has the latency tail; Mobile Nomad's sits between H0 and H1 (0.075%), so
 * the SPRT wavers; Tiny Pioneer's doubles the line (0.2%): the noise-isolation update breaks
 * the wake-word detector (the Dependency Domino).
 *
 * Part 3's handshake: Tiny Pioneer's is the plan's (noise-isolation model -> wake-word
 * detector); Cloud Titan's an embedding model feeding a toxicity classifier (an LLM
 * platform's safety filter, whose thresholds its crisis must discover per model); Edge
 * Guardian's perception feature extractor feeding the pedestrian-intent head (the model its
 * rollout ships); Mobile Nomad's scene-text encoder feeding the classifier that decides
 * whether the glasses offer a translation. Team sizes: Part 1's (roi.h). */
#include "fleetops/scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const fo_scenario scenarios[] = {
    {.track = "cloud-titan",
     .fleet = "250 serving replicas",
     .fleet_size = 250,
     .generations = 2,
     .hw = {{"A100", 2020, 0.4, 450, 0.30, 0, 0}, {"H100", 2022, 0.6, 280, 0.30, 0, 0}},
     .tail_probability = 0,
     .tail_ms = 0,
     .gate_quantile = 0.99,
     .deadline_ms = 2000,
     .request_rate_per_s = 2000,
     .shadow_fraction = 0.01,
     .slice_share = 0.001,
     .pipeline_overhead_hours = 96,
     .drift_rate_per_day = 0.0005,
     .failure_rate = 0.001,
     .confidence = 0.95,
     .alpha = 0.05,
     .candidate_failure_rate = 0.0002,
     .upstream = "embedding model",
     .downstream = "toxicity classifier",
     .team_size = 6},
    {.track = "edge-guardian",
     .fleet = "500,000 vehicles",
     .fleet_size = FO_SCN_EDGE_FLEET,
     .generations = 4,
     .hw = {{"HW1", 2017, FO_SCN_EDGE_HW1_SHARE, 4.6, 0.22, 4.0, 0.20},
            {"HW2", 2019, 0.28, 3.4, 0.22, 3.0, 0.20},
            {"HW3", 2021, 0.35, 2.3, 0.20, 2.0, 0.18},
            {"HW4", 2023, 0.25, 1.4, 0.20, 1.2, 0.18}},
     .tail_probability = FO_SCN_EDGE_TAIL_PROBABILITY,
     .tail_ms = FO_SCN_EDGE_TAIL_MS,
     .gate_quantile = FO_SCN_EDGE_GATE_QUANTILE,
     .deadline_ms = FO_SCN_EDGE_DEADLINE_MS,
     .request_rate_per_s = 3750000,
     .shadow_fraction = 2e-6,
     .slice_share = FO_SCN_EDGE_HW1_SHARE / 100,
     .pipeline_overhead_hours = 48,
     .drift_rate_per_day = 0.0001,
     .failure_rate = 0.001,
     .confidence = 0.95,
     .alpha = 0.001,
     .candidate_failure_rate = 0.0005,
     .upstream = "perception feature extractor",
     .downstream = "pedestrian-intent head",
     .team_size = 5},
    {.track = "mobile-nomad",
     .fleet = "200,000 AR glasses",
     .fleet_size = 200000,
     .generations = 2,
     .hw = {{"Gen 1", 2023, 0.55, 11, 0.15, 0, 0}, {"Gen 2", 2025, 0.45, 6.5, 0.15, 0, 0}},
     .tail_probability = 0,
     .tail_ms = 0,
     .gate_quantile = 0.99,
     .deadline_ms = 16.7,
     .request_rate_per_s = 8333,
     .shadow_fraction = 0.001,
     .slice_share = 0.01,
     .pipeline_overhead_hours = 120,
     .drift_rate_per_day = 0.0003,
     .failure_rate = 0.001,
     .confidence = 0.95,
     .alpha = 0.05,
     .candidate_failure_rate = 0.00075,
     .upstream = "scene-text encoder",
     .downstream = "translate-trigger classifier",
     .team_size = 4},
    {.track = "tiny-pioneer",
     .fleet = "100,000 hearables",
     .fleet_size = 100000,
     .generations = 2,
     .hw = {{"Bud v1", 2022, 0.7, 6.0, 0.12, 0, 0}, {"Bud v2", 2024, 0.3, 3.8, 0.12, 0, 0}},
     .tail_probability = 0,
     .tail_ms = 0,
     .gate_quantile = 0.99,
     .deadline_ms = 10,
     .request_rate_per_s = 23.1,
     .shadow_fraction = 0.01,
     .slice_share = 0.1,
     .pipeline_overhead_hours = 120,
     .drift_rate_per_day = 0.0002,
     .failure_rate = 0.001,
     .confidence = 0.95,
     .alpha = 0.05,
     .candidate_failure_rate = 0.002,
     .upstream = "noise-isolation model",
     .downstream = "wake-word detector",
     .team_size = 2},
};

const fo_scenario *fo_scenario_get(const char *track) {
    if (!track) return NULL;
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
        if (strcmp(scenarios[i].track, track) == 0) return &scenarios[i];
    return NULL;
}

double fo_scenario_acceptable_rate(double failure_rate) {
    return failure_rate / 2;
}

/* 1 - C as the decimal the student reads (1 - 0.95 is 0.050000000000000044 in binary): rounded
 * to 15 significant digits, which every double in (0, 1) survives. */
static double complement(double confidence) {
    char text[32];
    snprintf(text, sizeof text, "%.15g", 1 - confidence);
    return strtod(text, NULL);
}

fo_hypotheses fo_scenario_hypotheses(double failure_rate, double confidence, double alpha) {
    fo_hypotheses h = {fo_scenario_acceptable_rate(failure_rate), failure_rate, alpha,
                       complement(confidence)};
    return h;
}
