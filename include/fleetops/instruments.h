/* instruments.h — the named figures of the lab, each drawn from an engine result into an SVG
 * buffer (svg.h is the shared kit). One function per instrument; the command table's handlers
 * call them for --svg and for the HTTP server's format=svg. */
#ifndef FLEETOPS_INSTRUMENTS_H
#define FLEETOPS_INSTRUMENTS_H

#include "fleetops/buf.h"
#include "fleetops/canary.h"
#include "fleetops/roi.h"
#include "fleetops/rollout.h"
#include "fleetops/sprt.h"

/* Part 1: total cost vs number of models, manual toil and platform lines, N* and N marked. */
void fo_draw_ops_breakeven(fo_buf *b, const fo_roi_params *p, const fo_roi_result *r);

/* Part 2: the Confidence Clock, C(t) over hours of shadow with the target line, the crossing
 * (requests needed), the window the 168 h release limit allows and the attempt, if any. */
void fo_draw_confidence_clock(fo_buf *b, const fo_canary_params *p, const fo_canary_result *r);
/* Part 2: the Risk-vs-Velocity Radar, a pentagon of the five 0..1 scores with each axis's raw
 * value and unit. */
void fo_draw_risk_radar(fo_buf *b, const fo_canary_params *p, const fo_canary_result *r);

/* Part 2: sequential validation. Sample canaries' LLR paths between Wald's boundaries (half
 * under H0, half under H1), the OC curve (Wald's, with the exact error rates at p0 and p1) and
 * the expected sample number against the fixed-sample test's n. */
#define FO_SPRT_FIGURE_PATHS 8
typedef struct fo_sprt_figure {
    size_t npaths;
    const fo_sprt_path_point *paths[FO_SPRT_FIGURE_PATHS];
    size_t len[FO_SPRT_FIGURE_PATHS];
    int under_h1[FO_SPRT_FIGURE_PATHS]; /* the path's true rate is p1 (else p0) */
    int decision[FO_SPRT_FIGURE_PATHS]; /* +1 rolled back, -1 promoted, 0 cut */
} fo_sprt_figure;
void fo_draw_sprt(fo_buf *b, const fo_sprt_params *p, const fo_sprt_result *r,
                  const fo_sprt_figure *fig);

/* Part 2: the ShadowModeDashboard. One column per dwell of a rollout replay: the stage and its
 * exposure, the running confidence against C, the SPRT's LLR between its boundaries, p99 (and
 * p50) latency per hardware generation against the deadline, and the decision. */
void fo_draw_shadow_dashboard(fo_buf *b, const fo_rollout_params *p, const fo_rollout_result *r,
                              const char *track);

#endif
