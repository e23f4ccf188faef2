/* stages.h — the staged rollout every rollout model shares (Part 2's ShadowModeDashboard and
 * Edge Guardian's fleet rollback): shadow, then 1%, 5%, 25% and 100% of traffic, each stage
 * with a dwell time. Shadow mode serves 0% of users: the new model runs beside the old one
 * and only its outputs are compared. (The 1-5-25-100 ladder is the common progressive-delivery
 * default, e.g. Argo Rollouts' and Flagger's canary step examples.) */
#ifndef FLEETOPS_STAGES_H
#define FLEETOPS_STAGES_H

#include <stddef.h>

#define FO_STAGE_COUNT 5

typedef struct fo_stage {
    const char *name;         /* "shadow", "1%", "5%", "25%", "100%" */
    double traffic_fraction;  /* share of users served by the new model (0 in shadow) */
    double observed_fraction; /* share of requests the new model sees (shadow: all mirrored) */
    double dwell_hours;       /* default time spent in the stage before promotion */
} fo_stage;

/* The default ladder (static data; copy it to change dwell times). */
const fo_stage *fo_default_stages(size_t *count);

#endif
