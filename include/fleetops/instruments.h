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
#include "fleetops/canary.h"
#include "fleetops/roi.h"
#include "fleetops/rollout.h"
#include "fleetops/sprt.h"

/* Part 1: total cost vs number of models, manual toil and platform lines, N* and N marked. */
/* predicted: the student's locked N (0: none), marked beside the slider's N. */
void fo_draw_ops_breakeven(fo_buf *b, int width, const fo_roi_params *p, const fo_roi_result *r,
                           double predicted);

/* Cloud Titan: a few models' chunk streams with the static threshold, the discovered band,
 * the true drift windows and each method's alerts; then the three methods side by side. */
void fo_draw_cloud_alerts(fo_buf *b, int width, const fo_cloud_params *p, const fo_cloud_result *r);
/* Edge Guardian: per-generation latency CCDFs (log-log) with the deadline, and the rollout
 * waves (vehicles on the new model over time) under both gates, with the rollback. */
void fo_draw_edge_rollout(fo_buf *b, int width, const fo_edge_params *p, const fo_edge_result *r);
/* Mobile Nomad: one small panel per region (hourly FPS, flagged regions highlighted) with the
 * aggregate FPS drawn in each for comparison. */
void fo_draw_mobile_regions(fo_buf *b, int width, const fo_mobile_params *p,
                            const fo_mobile_result *r);
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
void fo_draw_ensemble_trace(fo_buf *b, int width, const fo_ensemble_params *p,
                            const fo_ensemble_result *r, const fo_ensemble_story *s);
/* Tiny Pioneer: the Dependency Domino's before/after trace. Two columns on the same requests:
 * unpinned (v2's features flow into the detector trained on v1: no check, no error, accuracy
 * falls) and pinned (the contract check blocks the deploy, the detector keeps its @v1 view,
 * accuracy holds); under each, accuracy against the v1 baseline, the skew of what the detector
 * is served (PSI per feature) and the traced requests as that column answers them. */
/* The same crisis with its outcome sealed (before Part 3's lock): the update, the feature
 * store's views, each column's contract and the contract check; no accuracy, skew or verdict. */
void fo_draw_tiny_domino_sealed(fo_buf *b, int width, const fo_tiny_params *p,
                                const fo_tiny_result *r, const fo_ensemble_story *s);
void fo_draw_tiny_domino(fo_buf *b, int width, const fo_tiny_params *p, const fo_tiny_result *r,
                         const fo_ensemble_story *s);
/* Part 3's governance year: weekly accuracy of the chosen policy (the other one faint), upstream
 * releases marked, silent-failure weeks shaded, incidents flagged. */
void fo_draw_governance(fo_buf *b, int width, const fo_governance_params *p,
                        const fo_governance_result *r, const fo_ensemble_story *s);
/* Part 2: the Confidence Clock, C(t) over hours of shadow with the target line, the crossing
 * (requests needed), the window the 168 h release limit allows and the attempt, if any. */
void fo_draw_confidence_clock(fo_buf *b, int width, const fo_canary_params *p,
                              const fo_canary_result *r);
/* Part 2: the Risk-vs-Velocity Radar, a pentagon of the five 0..1 scores with each axis's raw
 * value and unit. */
void fo_draw_risk_radar(fo_buf *b, int width, const fo_canary_params *p, const fo_canary_result *r);

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
void fo_draw_sprt(fo_buf *b, int width, const fo_sprt_params *p, const fo_sprt_result *r,
                  const fo_sprt_figure *fig);

/* Part 2: the ShadowModeDashboard. One column per dwell of a rollout replay: the stage and its
 * exposure, the running confidence against C, the SPRT's LLR between its boundaries, p99 (and
 * p50) latency per hardware generation against the deadline, and the decision. */
void fo_draw_shadow_dashboard(fo_buf *b, int width, const fo_rollout_params *p,
                              const fo_rollout_result *r, const char *track);

/* The per-feature PSI bars of a consistency check (both Part 3 figures use it): data area at
 * (px, py, pw, ph), the axis title at label_x, feature names from `names`, `ink` for the
 * threshold line. */
void fo_draw_psi_bars(fo_buf *b, double px, double py, double pw, double ph, double label_x,
                      const fo_fs_check_result *c, const fo_fs_view *names, const char *ink);

/* The same chart laid out for a box of width w whose top is y (the Ensemble Trace): the axis
 * titles carry their scale or categories in parentheses and are marked as axes (svg.h); names
 * too wide for their bar are shortened by rule. Returns the height used. */
double fo_draw_psi_chart(fo_buf *b, double x, double y, double w, const fo_fs_check_result *c,
                         const fo_fs_view *names, const char *ink);

#endif
