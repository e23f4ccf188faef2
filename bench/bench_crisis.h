/* bench_crisis.h — the track crises' workloads (bench_crisis.c), listed in bench_cases.c. */
#ifndef FLEETOPS_BENCH_CRISIS_H
#define FLEETOPS_BENCH_CRISIS_H

void *bench_crisis_setup(void);
void bench_crisis_teardown(void *state);
void bench_crisis_cloud(void *state);
void bench_crisis_edge(void *state);
void bench_crisis_mobile(void *state);
void bench_crisis_cloud_api(void *state);
void bench_crisis_tiny(void *state);
void bench_crisis_tiny_api(void *state);

#endif
