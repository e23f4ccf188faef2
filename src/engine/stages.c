/* stages.c — the default staged-rollout ladder (stages.h). Dwell times: 24 h of shadow
 * (a full daily traffic cycle), then 6 h, 12 h, 24 h at 1%, 5%, 25%, then full rollout. The
 * shadow stage mirrors a 10% sample of traffic to the candidate (mirroring everything doubles
 * inference cost; 10% is the usual starting point for request mirroring). */
#include "fleetops/stages.h"

static const fo_stage stages[FO_STAGE_COUNT] = {
    {"shadow", 0.00, 0.10, 24.0}, {"1%", 0.01, 0.01, 6.0},   {"5%", 0.05, 0.05, 12.0},
    {"25%", 0.25, 0.25, 24.0},    {"100%", 1.00, 1.00, 0.0},
};

const fo_stage *fo_default_stages(size_t *count) {
    *count = FO_STAGE_COUNT;
    return stages;
}
