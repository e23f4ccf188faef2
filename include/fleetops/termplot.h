/* termplot.h — line charts in plain ASCII for the CLI's readable output. */
#ifndef FLEETOPS_TERMPLOT_H
#define FLEETOPS_TERMPLOT_H

#include <stddef.h>

#include "fleetops/buf.h"
#include "fleetops/svg.h"

typedef struct fo_term_series {
    const double *x, *y;
    size_t n;
    char glyph;        /* drawn at each column the series passes through */
    const char *label; /* for the key under the chart */
} fo_term_series;

typedef struct fo_term_mark {
    double x;
    char glyph; /* a vertical marker line, e.g. '|' at N* */
    const char *label;
} fo_term_mark;

/* A width x height character chart (axes and labels add a few more). Later series overwrite
 * earlier ones where they meet. `fy` formats the y-axis labels (NULL: plain numbers). */
void fo_termplot(fo_buf *b, const fo_term_series *s, size_t ns, const fo_term_mark *marks,
                 size_t nmarks, int width, int height, const char *xlabel, fo_tick_format fy);
/* A y-axis label for fractions: 0.95 -> " 95%" (three columns and the sign). */
void fo_term_percent(fo_buf *b, double v);

#endif
