/* bench_part3.h — Part 3's workloads, listed in bench_cases.c. */
#ifndef FLEETOPS_BENCH_PART3_H
#define FLEETOPS_BENCH_PART3_H

void *bench_ensemble_setup(void);
void bench_ensemble_teardown(void *state);
void bench_ensemble_run(void *state);
void *bench_governance_setup(void);
void bench_governance_teardown(void *state);
void bench_governance_run(void *state);
void bench_ensemble_api(void *state);
void bench_governance_api(void *state);

#endif
