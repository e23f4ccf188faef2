/* instruments.h — the named figures of the lab, each drawn from an engine result into an SVG
 * buffer (svg.h is the shared kit). One function per instrument; the command table's handlers
 * call them for --svg and for the HTTP server's format=svg. */
#ifndef FLEETOPS_INSTRUMENTS_H
#define FLEETOPS_INSTRUMENTS_H

#include "fleetops/buf.h"
#include "fleetops/roi.h"

/* Part 1: total cost vs number of models, manual toil and platform lines, N* and N marked. */
void fo_draw_ops_breakeven(fo_buf *b, const fo_roi_params *p, const fo_roi_result *r);

#endif
