/* bench_heavy.h — the workloads compared with NumPy (bench_heavy.c): their parameters (one
 * source for fleetops, the references and the draw counter), the classifier training case,
 * the checks the references must reproduce, and the machine's floor. */
#ifndef FLEETOPS_BENCH_HEAVY_H
#define FLEETOPS_BENCH_HEAVY_H

#include <stddef.h>
#include <stdio.h>

#include "fleetops/crisis_cloud.h"
#include "fleetops/crisis_edge.h"
#include "fleetops/roi.h"
#include "fleetops/sprt.h"

extern const fo_roi_params bench_roi_params;
extern const fo_sprt_params bench_sprt_params;
extern const fo_edge_params bench_edge_params;
extern const fo_cloud_params bench_cloud_params;

void *bench_logreg_setup(void);
void bench_logreg_teardown(void *state);
void bench_logreg_train(void *state);

/* Writes the checks object (statistics and parameters per workload id) to f; the classifier's
 * training split goes to refdir/logreg_train.csv. */
void bench_heavy_checks(FILE *f, const char *refdir);

#define BENCH_FLOOR_DRAWS 100000

typedef struct bench_floor_rates {
    double u64_inline_s; /* seconds per 64-bit number, xoshiro256** kept in registers */
    double u64_call_s;   /* per call of fo_rng_u64 */
    double normal_s;     /* per fo_rng_normal */
    double stream_64mb_s_per_byte;
} bench_floor_rates;

void bench_floor(bench_floor_rates *out);
/* Seconds to write then read `bytes` (median of repeated runs). */
double bench_stream_seconds(size_t bytes);
/* Bytes a simulation must write and keep, by workload id (0 when not a simulation). */
size_t bench_heavy_bytes(const char *id);

#endif
