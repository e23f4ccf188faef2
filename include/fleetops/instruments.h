/* instruments.h — the named figures of the lab, each drawn from an engine result into an SVG
 * buffer (svg.h is the shared kit). One function per instrument; the command table's handlers
 * call them for --svg and for the HTTP server's format=svg. */
#ifndef FLEETOPS_INSTRUMENTS_H
#define FLEETOPS_INSTRUMENTS_H

#include "fleetops/buf.h"
#include "fleetops/crisis_cloud.h"
#include "fleetops/crisis_edge.h"
#include "fleetops/crisis_mobile.h"
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

#endif
