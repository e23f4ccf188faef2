/* bench_part2.h — Part 2's workloads (bench_part2.c) with issue 3's speed targets, as entries
 * bench_cases.c splices into its tables. */
#ifndef FLEETOPS_BENCH_PART2_H
#define FLEETOPS_BENCH_PART2_H

#include "bench.h"

void bench_canary_evaluate(void *state);
void bench_canary_api_json(void *state);
void bench_sprt_exact(void *state);
void bench_sprt_simulate(void *state);
void bench_sprt_track_cloud(void *state);
void bench_sprt_track_edge(void *state);
void bench_sprt_track_mobile(void *state);
void bench_sprt_track_tiny(void *state);
void bench_sprt_page_slowest(void *state);
void bench_rollout_track(void *state);
void *bench_rollout_setup(void);
void bench_rollout_teardown(void *state);

#define BENCH_PART2_CASES                                                                          \
    {"canary: evaluate with curve (k = 0)", 0, bench_canary_evaluate, 0, 50e-6, "< 50 us"},        \
        {"canary: command table + JSON", 0, bench_canary_api_json, 0, 0, ""},                      \
        {"sprt: exact DP + fixed n + OC (.001/.002)", 0, bench_sprt_exact, 0, 50e-3, "< 50 ms"},   \
        {"sprt: cloud-titan's defaults, command + JSON",                                           \
         0,                                                                                        \
         bench_sprt_track_cloud,                                                                   \
         0,                                                                                        \
         1e-3,                                                                                     \
         "< 1 ms"},                                                                                \
        {"sprt: edge-guardian's defaults, command + JSON",                                         \
         0,                                                                                        \
         bench_sprt_track_edge,                                                                    \
         0,                                                                                        \
         1e-3,                                                                                     \
         "< 1 ms"},                                                                                \
        {"sprt: mobile-nomad's defaults, command + JSON",                                          \
         0,                                                                                        \
         bench_sprt_track_mobile,                                                                  \
         0,                                                                                        \
         1e-3,                                                                                     \
         "< 1 ms"},                                                                                \
        {"sprt: tiny-pioneer's defaults, command + JSON",                                          \
         0,                                                                                        \
         bench_sprt_track_tiny,                                                                    \
         0,                                                                                        \
         1e-3,                                                                                     \
         "< 1 ms"},                                                                                \
        {"sprt: the page's slowest (p 0.1%, C 99.999%)",                                           \
         0,                                                                                        \
         bench_sprt_page_slowest,                                                                  \
         0,                                                                                        \
         16e-3,                                                                                    \
         "< 16 ms"},                                                                               \
        {"sprt: simulate 100000 (+ exact, .001/.002)",                                             \
         0,                                                                                        \
         bench_sprt_simulate,                                                                      \
         0,                                                                                        \
         15e-3,                                                                                    \
         "< 15 ms",                                                                                \
         "sprt_mc",                                                                                \
         200000,                                                                                   \
         "canary"},                                                                                \
    {                                                                                              \
        "rollout: replay, every track in turn", bench_rollout_setup, bench_rollout_track,          \
            bench_rollout_teardown, 20e-3, "< 20 ms"                                               \
    }

#define BENCH_PART2_PROCESSES                                                                      \
    {"process: fleetops canary --json", {"canary", "--json", 0}, 5e-3, "< 5 ms"},                  \
        {"process: fleetops sprt --simulate 100000",                                               \
         {"sprt", "--simulate", "100000", "--json", 0},                                            \
         0,                                                                                        \
         ""},                                                                                      \
    {                                                                                              \
        "process: fleetops rollout --track edge-guardian",                                         \
            {"rollout", "--track", "edge-guardian", "--json", 0}, 20e-3, "< 20 ms"                 \
    }

#endif
