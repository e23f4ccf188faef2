/* instruments.h — the named figures of the lab, each drawn from an engine result into an SVG
 * buffer (svg.h is the shared kit). One function per instrument; the command table's handlers
 * call them for --svg and for the HTTP server's format=svg. */
#ifndef FLEETOPS_INSTRUMENTS_H
#define FLEETOPS_INSTRUMENTS_H

#include "fleetops/buf.h"
#include "fleetops/crisis_cloud.h"
#include "fleetops/crisis_edge.h"
#include "fleetops/crisis_mobile.h"
#include "fleetops/crisis_tiny.h"
#include "fleetops/ensemble.h"
#include "fleetops/governance.h"
#include "fleetops/roi.h"

/* Part 1: total cost vs number of models, manual toil and platform lines, N* and N marked. */
void fo_draw_ops_breakeven(fo_buf *b, const fo_roi_params *p, const fo_roi_result *r);

/* Cloud Titan: a few models' chunk streams with the static threshold, the discovered band,
 * the true drift windows and each method's alerts; then the three methods side by side. */
void fo_draw_cloud_alerts(fo_buf *b, const fo_cloud_params *p, const fo_cloud_result *r);
/* Edge Guardian: per-generation latency CCDFs (log-log) with the deadline, and the rollout
 * waves (vehicles on the new model over time) under both gates, with the rollback. */
void fo_draw_edge_rollout(fo_buf *b, const fo_edge_params *p, const fo_edge_result *r);
/* Mobile Nomad: one small panel per region (hourly FPS, flagged regions highlighted) with the
 * aggregate FPS drawn in each for comparison. */
void fo_draw_mobile_regions(fo_buf *b, const fo_mobile_params *p, const fo_mobile_result *r);
/* The words of a track's Part 3 story (Tiny Pioneer: noise-isolation model -> wake-word
 * detector; each track relabels the two stages and the two classes). */
typedef struct fo_ensemble_story {
    const char *upstream;   /* "noise-isolation model" */
    const char *downstream; /* "wake-word detector" */
    const char *positive;   /* "wake word" */
    const char *negative;   /* "no wake word" */
} fo_ensemble_story;

/* Part 3: the Ensemble Trace. Stages left to right (raw -> extractor -> feature-store view ->
 * classifier -> label) for the traced requests, mismatches in the bad colour, the accuracy of
 * the scenario against the v1 baseline and the retrained v2, and the consistency verdict. */
void fo_draw_ensemble_trace(fo_buf *b, const fo_ensemble_params *p, const fo_ensemble_result *r,
                            const fo_ensemble_story *s);
/* Tiny Pioneer: the Dependency Domino's before/after trace. Two columns on the same requests:
 * unpinned (v2's features flow into the detector trained on v1: no check, no error, accuracy
 * falls) and pinned (the contract check blocks the deploy, the detector keeps its @v1 view,
 * accuracy holds); under each, accuracy against the v1 baseline, the skew of what the detector
 * is served (PSI per feature) and the traced requests as that column answers them. */
void fo_draw_tiny_domino(fo_buf *b, const fo_tiny_params *p, const fo_tiny_result *r,
                         const fo_ensemble_story *s);
/* Part 3's governance year: weekly accuracy of the chosen policy (the other one faint), upstream
 * releases marked, silent-failure weeks shaded, incidents flagged. */
void fo_draw_governance(fo_buf *b, const fo_governance_params *p, const fo_governance_result *r,
                        const fo_ensemble_story *s);

#endif
