/* psi_bars.c — the per-feature PSI bar chart both Part 3 figures draw (the Ensemble Trace's
 * consistency panel and the Dependency Domino's columns): one bar per feature on a log axis
 * (PSI spans decades), flagged features in the bad colour, the 0.1 threshold dashed. */
#include <math.h>

#include "fleetops/instruments.h"
#include "fleetops/libm.h"
#include "fleetops/svg.h"

void fo_draw_psi_bars(fo_buf *b, double px, double py, double pw, double ph, double label_x,
                      const fo_fs_check_result *c, const fo_fs_view *names, const char *ink) {
    double lo = 0.001, hi = 10;
    for (int f = 0; f < c->dims; f++)
        if (c->feature[f].psi > hi) hi = fo_pow(10, ceil(fo_log10(c->feature[f].psi)));
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
        fo_svg_text(b, px + f * bw + bw / 2, base + 13, "middle", "tick", "%s",
                    names->feature_names[f]);
    }
    double ty = fo_plot_py(&pl, FO_FS_PSI_THRESHOLD);
    fo_svg_line(b, px, ty, px + pw, ty, ink, 1.2, "5 3");
    fo_svg_line(b, px, py, px, py + ph, "#374151", 1, NULL);
    fo_svg_line(b, px, py + ph, px + pw, py + ph, "#374151", 1, NULL);
    double cy = py + ph / 2;
    fo_buf_printf(b,
                  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"tick\" "
                  "transform=\"rotate(-90 %.1f %.1f)\">PSI</text>",
                  label_x, cy, label_x, cy);
}
