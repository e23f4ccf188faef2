/* svg.h — the drawing kit every instrument shares: an SVG document with the project's one
 * stylesheet, a plot frame mapping data to pixels, "nice" axis ticks, lines, markers, legends
 * and escaped text. Self-contained output: no external fonts, images or scripts. */
#ifndef FLEETOPS_SVG_H
#define FLEETOPS_SVG_H

#include <stddef.h>

#include "fleetops/buf.h"

/* The palette (colour-blind safe, after Okabe & Ito), named by role. Every mark colour has at
 * least 3:1 against the figure's background and every text colour 4.5:1, in the light scheme
 * and in the dark one (FO_SVG_DARK below; tests/web/contrast.test.mjs measures both). */
#define FO_COLOR_BAD    "#d55e00" /* manual toil, failures, red banners */
#define FO_COLOR_GOOD   "#0072b2" /* platform, safe, target reached */
#define FO_COLOR_ACCENT "#009e73"
#define FO_COLOR_WARN   "#b87f00"
#define FO_COLOR_MUTED  "#6b7280"
#define FO_COLOR_PURPLE "#b8488a"
#define FO_COLOR_REF    "#8a919c" /* reference lines: validation accuracy, limits */

/* The dark scheme: each figure carries a `@media screen and (prefers-color-scheme: dark)` rule
 * that maps every light colour it uses (fill and stroke attributes, inline fills) to its dark
 * twin, so the SVG stays self-contained for the CLI and the report, follows the page's scheme
 * on screen, and stays light on paper.
 * Pairs of "light", "dark"; the first pair is the figure's background. */
#define FO_SVG_DARK                                                                                \
    "#ffffff", "#161b22", "#d55e00", "#ff8c42", "#0072b2", "#56b4e9", "#009e73", "#2ecc9a",        \
        "#b87f00", "#f0b43c", "#6b7280", "#9ca3af", "#b8488a", "#e39ec5", "#8a919c", "#7d8590",    \
        "#9ca3af", "#7d8590", "#111827", "#f3f4f6", "#1f2937", "#e6edf3", "#374151", "#d1d5db",    \
        "#4b5563", "#b6bec9", "#e5e7eb", "#30363d", "#d1d5db", "#484f58", "#f3f4f6", "#21262d",    \
        "#fafafa", "#1c2128", "#fbe5d9", "#4a2a1c", "#fbd9bf", "#5a3220", "#e3eef8", "#16324a",    \
        "#e8f3fa", "#13293d", "#fff5ef", "#2d1f17", "#fdf0d5", "#33291a", "#fdeeea", "#35201c",    \
        "#f7f8fa", "#1c2128", "#f3f6fa", "#1c2128", "#f1f2f4", "#21262d", "#eef0f3", "#21262d",    \
        "#eceef1", "#262c36", "#e2e5ea", "#2d333b", "#fdfdfe", "#161b22", "#56b4e9", "#56b4e9",    \
        "#f0e442", "#f0e442"

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
 * font of class `cls` is estimated (0.58 em a glyph: system-ui's widest common advance; 0.64 em
 * in the bold classes title and strong), so a label measured short is never clipped. */
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
/* Grid, axes, ticks and labels; a NULL formatter prints plain numbers. Each axis title ends
 * with its unit in parentheses, "Weekly accuracy (%)" (tests/web/legibility.test.mjs checks it
 * by the titles' data-axis attribute). */
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

/* fo_svg_wrap_at: `s` wrapped as fo_svg_wrap does, each line anchored at x by `anchor` (start,
 * middle, end; NULL: the default, start) and filled with `fill` (NULL: the class's colour);
 * returns the number of lines. b NULL: only counts them. */
int fo_svg_wrap_at(fo_buf *b, double x, double y, double maxw, double lh, const char *cls,
                   const char *anchor, const char *fill, const char *s);

#endif
