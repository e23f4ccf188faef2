/* svg.h — the drawing kit every instrument shares: an SVG document with the project's one
 * stylesheet, a plot frame mapping data to pixels, "nice" axis ticks, lines, markers, legends
 * and escaped text. Self-contained output: no external fonts, images or scripts. */
#ifndef FLEETOPS_SVG_H
#define FLEETOPS_SVG_H

#include <stddef.h>

#include "fleetops/buf.h"

/* The palette (colour-blind safe, after Okabe & Ito), named by role. */
#define FO_COLOR_BAD    "#d55e00" /* manual toil, failures, red banners */
#define FO_COLOR_GOOD   "#0072b2" /* platform, safe, target reached */
#define FO_COLOR_ACCENT "#009e73"
#define FO_COLOR_WARN   "#e69f00"
#define FO_COLOR_MUTED  "#6b7280"
#define FO_COLOR_PURPLE "#cc79a7"

typedef void (*fo_tick_format)(fo_buf *b, double v);

typedef struct fo_plot {
    fo_buf *b;
    double left, top, width, height; /* the data area, in px */
    double xmin, xmax, ymin, ymax;
    int xlog, ylog; /* log10 axes */
} fo_plot;

/* Document. `title` and `desc` become <title>/<desc> for screen readers. */
void fo_svg_begin(fo_buf *b, int width, int height, const char *title, const char *desc);
void fo_svg_end(fo_buf *b);
void fo_svg_escape(fo_buf *b, const char *s);
/* Text; `cls` is one of the stylesheet's classes: title, subtitle, label, tick, note, strong. */
void fo_svg_text(fo_buf *b, double x, double y, const char *anchor, const char *cls,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void fo_svg_line(fo_buf *b, double x1, double y1, double x2, double y2, const char *stroke,
                 double width, const char *dash);
void fo_svg_rect(fo_buf *b, double x, double y, double w, double h, const char *fill,
                 const char *stroke);
void fo_svg_circle(fo_buf *b, double cx, double cy, double r, const char *fill, const char *stroke);

/* Layout by rule, for the width a figure is drawn at. The advance of `s` in the stylesheet's
 * font of class `cls` is estimated (0.58 em a glyph: system-ui's widest common advance), so a
 * label measured short is never clipped. */
double fo_svg_text_w(const char *s, const char *cls);
/* `s` wrapped at spaces to lines of at most `maxw` px, `lh` px apart, the first at (x, y);
 * returns the number of lines. b NULL: only counts them (to size the figure first). */
int fo_svg_wrap(fo_buf *b, double x, double y, double maxw, double lh, const char *cls,
                const char *s);

/* Plot frame. */
double fo_plot_px(const fo_plot *p, double x);
double fo_plot_py(const fo_plot *p, double y);
/* Up to `target` ticks at 1-2-5 steps covering [lo, hi]; returns the count, writes <= max. */
int fo_nice_ticks(double lo, double hi, int target, double *ticks, int max);
/* Nice bounds for an axis that must include [lo, hi]. */
void fo_nice_range(double *lo, double *hi, int target);
/* Grid, axes, ticks and labels; a NULL formatter prints plain numbers. */
void fo_plot_axes(const fo_plot *p, const char *xlabel, const char *ylabel, fo_tick_format fx,
                  fo_tick_format fy);
void fo_plot_polyline(const fo_plot *p, const double *xs, const double *ys, size_t n,
                      const char *stroke, double width, const char *dash);
/* A one-row legend starting at (x, y): a swatch and a label per entry (dash NULL: solid). */
void fo_svg_legend(fo_buf *b, double x, double y, const char *const *labels,
                   const char *const *colors, const char *const *dashes, size_t n);
/* The same legend flowing into rows 20 px apart so no entry passes `right`; returns the rows.
 * b NULL: only counts them. */
int fo_svg_legend_rows(fo_buf *b, double x, double y, double right, const char *const *labels,
                       const char *const *colors, const char *const *dashes, size_t n);

/* Tick formatters. A label "10^-1" is typeset as 10 with a superscript -1 (a <tspan>). */
void fo_fmt_plain(fo_buf *b, double v);   /* 1,500 */
void fo_fmt_usd(fo_buf *b, double v);     /* $1.5M, $250k, $900 */
void fo_fmt_percent(fo_buf *b, double v); /* 0.95 -> 95% */

#endif
