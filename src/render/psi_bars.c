/* psi_bars.c — the per-feature PSI bar chart both Part 3 figures draw (the Ensemble Trace's
 * consistency panel and the Dependency Domino's columns): one bar per feature on a log axis
 * (PSI spans decades), flagged features in the bad colour, the 0.1 threshold dashed. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fleetops/instruments.h"
#include "fleetops/libm.h"
#include "fleetops/svg.h"

#define PSI_LO 0.001

static double psi_hi(const fo_fs_check_result *c) {
    double hi = 10;
    for (int f = 0; f < c->dims; f++)
        if (c->feature[f].psi > hi) hi = fo_pow(10, ceil(fo_log10(c->feature[f].psi)));
    return hi;
}

/* Grid and tick labels (right-aligned at px - 5), the bars, the threshold, the two axes. The
 * feature names are drawn by the caller. */
static void psi_plot(fo_buf *b, double px, double py, double pw, double ph,
                     const fo_fs_check_result *c, const char *ink) {
    double lo = PSI_LO, hi = psi_hi(c);
    fo_plot pl = {.b = b,
                  .left = px,
                  .top = py,
                  .width = pw,
                  .height = ph,
                  .xmin = 0,
                  .xmax = c->dims,
                  .ymin = lo,
                  .ymax = hi,
                  .ylog = 1};
    int decades = (int)lround(fo_log10(hi / lo)); /* lo and hi are powers of ten */
    for (int k = 0; k <= decades; k++) {
        double t = lo * fo_pow(10.0, k);
        double yy = fo_plot_py(&pl, t);
        fo_svg_line(b, px, yy, px + pw, yy, "#e5e7eb", 1, NULL);
        fo_svg_text(b, px - 5, yy + 4, "end", "tick", "%g", t);
    }
    double bw = pw / c->dims;
    for (int f = 0; f < c->dims; f++) {
        double v = c->feature[f].psi > lo ? c->feature[f].psi : lo;
        double y0 = fo_plot_py(&pl, v), base = py + ph;
        fo_svg_rect(b, px + f * bw + bw * 0.2, y0, bw * 0.6, base - y0,
                    c->feature[f].flagged ? FO_COLOR_BAD : FO_COLOR_GOOD, NULL);
    }
    double ty = fo_plot_py(&pl, FO_FS_PSI_THRESHOLD);
    fo_svg_line(b, px, ty, px + pw, ty, ink, 1.2, "5 3");
    fo_svg_line(b, px, py, px, py + ph, "#374151", 1, NULL);
    fo_svg_line(b, px, py + ph, px + pw, py + ph, "#374151", 1, NULL);
}

void fo_draw_psi_bars(fo_buf *b, double px, double py, double pw, double ph, double label_x,
                      const fo_fs_check_result *c, const fo_fs_view *names, const char *ink) {
    psi_plot(b, px, py, pw, ph, c, ink);
    double bw = pw / c->dims;
    for (int f = 0; f < c->dims; f++)
        fo_svg_text(b, px + f * bw + bw / 2, py + ph + 13, "middle", "tick", "%s",
                    names->feature_names[f]);
    double cy = py + ph / 2;
    fo_buf_printf(b,
                  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"tick\" "
                  "transform=\"rotate(-90 %.1f %.1f)\">PSI</text>",
                  label_x, cy, label_x, cy);
}

/* An axis title, marked for the legibility test (data-axis, data-ticks: svg.c's rule). */
static void axis_title(fo_buf *b, double x, double y, int rotate, const char *axis, int ticks,
                       const char *s) {
    fo_buf_printf(b,
                  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"tick\" "
                  "data-axis=\"%s\" data-ticks=\"%d\"",
                  x, y, axis, ticks);
    if (rotate) fo_buf_printf(b, " transform=\"rotate(-90 %.1f %.1f)\"", x, y);
    fo_buf_puts(b, ">");
    fo_svg_escape(b, s);
    fo_buf_puts(b, "</text>");
}

double fo_draw_psi_chart(fo_buf *b, double x, double y, double w, const fo_fs_check_result *c,
                         const fo_fs_view *names, const char *ink) {
    double lo = PSI_LO, hi = psi_hi(c), ticks_w = 0;
    int decades = (int)lround(fo_log10(hi / lo));
    char s[32];
    for (int k = 0; k <= decades; k++) {
        snprintf(s, sizeof s, "%g", lo * fo_pow(10.0, k));
        double tw = fo_svg_text_w(s, "tick");
        if (tw > ticks_w) ticks_w = tw;
    }
    /* The y title (rotated, 16 px), the tick labels, then the data area; 18 px a decade and
     * at least room for the rotated title along the axis. */
    const char *ytitle = "PSI (log scale)";
    double px = x + 16 + 4 + ticks_w + 5, py = y + 8, pw = x + w - 4 - px;
    double ph = 18.0 * decades, need = fo_svg_text_w(ytitle, "tick") + 4;
    if (ph < need) ph = need;
    psi_plot(b, px, py, pw, ph, c, ink);

    /* Feature names under their bars; when the widest does not fit its bar, every name is
     * shortened by rule to what follows the prefix they share (mel0..mel7: 0..7), and the
     * axis title names them in full. */
    double bw = pw / c->dims, widest = 0;
    size_t common = c->dims ? strlen(names->feature_names[0]) : 0;
    for (int f = 0; f < c->dims; f++) {
        const char *n = names->feature_names[f];
        double nw = fo_svg_text_w(n, "tick");
        if (nw > widest) widest = nw;
        size_t k = 0;
        while (k < common && n[k] && n[k] == names->feature_names[0][k])
            k++;
        common = k;
    }
    for (int f = 0; f < c->dims && common; f++) /* keep at least one character of each */
        if (!names->feature_names[f][common]) common--, f = -1;
    size_t cut = widest > bw - 4 ? common : 0;
    for (int f = 0; f < c->dims; f++)
        fo_svg_text(b, px + f * bw + bw / 2, py + ph + 14, "middle", "tick", "%s",
                    names->feature_names[f] + cut);
    char xtitle[64];
    if (c->dims > 1)
        snprintf(xtitle, sizeof xtitle, "Feature (%s\xe2\x80\x93%s)", names->feature_names[0],
                 names->feature_names[c->dims - 1]);
    else
        snprintf(xtitle, sizeof xtitle, "Feature (%s)", c->dims ? names->feature_names[0] : "");
    axis_title(b, px + pw / 2, py + ph + 32, 0, "x", 0, xtitle);
    axis_title(b, x + 10, py + ph / 2, 1, "y", decades + 1, ytitle);
    return py + ph + 32 + 5 - y;
}
