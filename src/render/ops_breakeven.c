/* ops_breakeven.c — OpsBreakEvenPlot, the plan's primary figure: total cost against the
 * number of models, the manual-toil line against the platform line (CapEx + platform toil),
 * the break-even N* and the student's current N marked. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "fleetops/instruments.h"
#include "fleetops/svg.h"

#define W_DEFAULT 760

static void usd(fo_buf *b, double v) {
    fo_buf_puts(b, "$");
    fo_buf_grouped(b, v, 0);
}

/* The labels inside the plot, as boxes, so a later one is placed clear of the earlier ones. */
typedef struct label_box {
    double x0, x1, y0, y1;
    int rule; /* a vertical rule: a label may cross one when nothing else fits */
} label_box;

/* Records the box of a `note`/`strong` label drawn at (x, y) with `anchor`; returns it. */
static label_box note_box(label_box *placed, int *n, double x, double y, const char *anchor,
                          const char *cls, const char *s) {
    double w = fo_svg_text_w(s, cls);
    double x0 = anchor[0] == 'e' ? x - w : anchor[0] == 'm' ? x - w / 2 : x;
    label_box bx = {x0, x0 + w, y - 13, y + 4, 0};
    if (placed) placed[(*n)++] = bx;
    return bx;
}

static int clear_of(const label_box *placed, int n, label_box c, int cross_rules) {
    for (int i = 0; i < n; i++)
        if (!(cross_rules && placed[i].rule) && c.x0 < placed[i].x1 && placed[i].x0 < c.x1 &&
            c.y0 < placed[i].y1 && placed[i].y0 < c.y1)
            return 0;
    return 1;
}

void fo_draw_ops_breakeven(fo_buf *b, int width, const fo_roi_params *p, const fo_roi_result *r,
                           double predicted) {
    size_t n = r->curve_len;
    double *xs = malloc(n * sizeof *xs), *man = malloc(n * sizeof *man),
           *plat = malloc(n * sizeof *plat);
    if (!xs || !man || !plat) {
        b->oom = 1;
        free(xs), free(man), free(plat);
        return;
    }
    double ymax = 0;
    for (size_t i = 0; i < n; i++) {
        xs[i] = (double)r->curve[i].models;
        man[i] = r->curve[i].manual_toil_usd;
        plat[i] = r->curve[i].platform_total_usd;
        if (man[i] > ymax) ymax = man[i];
        if (plat[i] > ymax) ymax = plat[i];
    }
    double ymin = 0, xmin = 0, xmax = xs[n - 1];
    fo_nice_range(&ymin, &ymax, 6);
    fo_nice_range(&xmin, &xmax, 8);

    fo_buf desc;
    fo_buf_init(&desc);
    fo_buf_printf(&desc, "Manual toil and platform cost over %g year(s) for 1 to %lld models. ",
                  p->horizon_years, r->curve[n - 1].models);
    if (r->break_even_models)
        fo_buf_printf(&desc, "The platform breaks even at N* = %lld models.", r->break_even_models);
    else
        fo_buf_printf(&desc, "No N up to %d breaks even.", FO_ROI_MAX_MODELS);
    const char *title = "OpsBreakEvenPlot: total cost vs number of models";
    fo_buf sub, note;
    fo_buf_init(&sub), fo_buf_init(&note);
    fo_buf_printf(&sub, "Heterogeneity h = %.2f  \xc2\xb7  engineer $%g/h  \xc2\xb7  CapEx ",
                  p->heterogeneity, p->engineer_cost_usd_per_hour);
    fo_fmt_usd(&sub, p->capex_usd);
    fo_buf_printf(&sub, "  \xc2\xb7  horizon %g year%s", p->horizon_years,
                  p->horizon_years == 1.0 ? "" : "s");
    fo_buf_printf(&note, "At N = %lld: manual ", p->models);
    usd(&note, r->manual_toil_usd);
    fo_buf_puts(&note, ", platform ");
    usd(&note, r->platform_total_usd);
    fo_buf_puts(&note, ", ROI ");
    if (r->roi_usd < 0) fo_buf_puts(&note, "\xe2\x88\x92");
    usd(&note, fabs(r->roi_usd));
    fo_buf_printf(&note, "  \xc2\xb7  toil needs %.1f FTE", r->ftes_needed);
    const char *labels[] = {"Manual toil (a\xc2\xb7N + b\xc2\xb7N log\xe2\x82\x82N + "
                            "c\xc2\xb7h\xc2\xb7N(N\xe2\x88\x92"
                            "1)/2)",
                            "Platform (CapEx + platform toil)", "CapEx alone"};
    const char *colors[] = {FO_COLOR_BAD, FO_COLOR_GOOD, FO_COLOR_REF};
    const char *dashes[] = {NULL, NULL, "2 4"};

    /* Laid out for the width it is shown at: the plot takes what the margins leave; title,
     * subtitle, legend and note wrap by rule. */
    double W = width ? width : W_DEFAULT, tw = W - 48;
    if (30 + fo_svg_text_w(labels[0], "note") > tw)
        labels[0] = "Manual toil"; /* the formula: the subtitle's page */
    int nt = fo_svg_wrap(NULL, 0, 0, tw, 21, "title", title),
        ns = fo_svg_wrap(NULL, 0, 0, tw, 17, "subtitle", fo_buf_str(&sub)),
        nl = fo_svg_legend_rows(NULL, 24, 0, W - 24, labels, colors, dashes, 3),
        nn = fo_svg_wrap(NULL, 0, 0, tw, 17, "note", fo_buf_str(&note));
    double top = 30 + 21 * nt + 17 * ns + 10, ph = W < 560 ? 240 : 300;
    double legy = top + ph + 68, notey = legy + 20 * (nl - 1) + 28;
    double H = notey + 17 * (nn - 1) + 16;
    fo_svg_begin(b, (int)W, (int)ceil(H), title, fo_buf_str(&desc));
    fo_buf_free(&desc);

    fo_plot pl = {.b = b,
                  .left = 96,
                  .top = top,
                  .width = W - 96 - 44,
                  .height = ph,
                  .xmin = xmin,
                  .xmax = xmax,
                  .ymin = ymin,
                  .ymax = ymax};
    fo_svg_wrap(b, 24, 30, tw, 21, "title", title);
    fo_svg_wrap(b, 24, 30 + 21 * nt, tw, 17, "subtitle", fo_buf_str(&sub));
    fo_buf_free(&sub);

    /* Past N* the platform pays off: shade that side lightly. */
    if (r->break_even_models) {
        double x0 = fo_plot_px(&pl, (double)r->break_even_models);
        fo_svg_rect(b, x0, pl.top, pl.left + pl.width - x0, pl.height, "#e8f3fa", NULL);
    }
    fo_plot_axes(&pl, "Concurrent models N (count)",
                 p->horizon_years == 1.0 ? "Cost over 1 year (USD)" : "Cost over the horizon (USD)",
                 NULL, fo_fmt_usd);

    /* CapEx floor of the platform line. */
    double ycap = fo_plot_py(&pl, p->capex_usd);
    fo_svg_line(b, pl.left, ycap, pl.left + pl.width, ycap, FO_COLOR_REF, 1, "2 4");

    fo_plot_polyline(&pl, xs, plat, n, FO_COLOR_GOOD, 3, NULL);
    fo_plot_polyline(&pl, xs, man, n, FO_COLOR_BAD, 3, NULL);
    label_box placed[6]; /* the labels and the vertical rules inside the plot */
    int np = 0;

    if (r->break_even_models) {
        double nstar = (double)r->break_even_models;
        double x = fo_plot_px(&pl, nstar);
        fo_roi_toil m, t;
        fo_roi_toil_at(p, r->break_even_models, &m, &t);
        double yv = p->capex_usd + t.total * p->engineer_cost_usd_per_hour * p->horizon_years;
        fo_svg_line(b, x, pl.top, x, pl.top + pl.height, "#111827", 1.5, "6 4");
        fo_svg_circle(b, x, fo_plot_py(&pl, yv), 5.5, "#111827", "#ffffff");
        char ns_[64];
        snprintf(ns_, sizeof ns_, "N* = %lld models", r->break_even_models);
        fo_svg_text(b, x + 8, pl.top + 16, "start", "strong", "%s", ns_);
        fo_svg_text(b, x + 8, pl.top + 32, "start", "note", "platform pays off \xe2\x86\x92");
        placed[np++] = (label_box){x - 3, x + 3, pl.top, pl.top + pl.height, 1}; /* its rule */
        note_box(placed, &np, x + 8, pl.top + 16, "start", "strong", ns_);
        note_box(placed, &np, x + 8, pl.top + 32, "start", "note",
                 "platform pays off \xe2\x86\x92");
    } else {
        char nb[64];
        snprintf(nb, sizeof nb, "No break-even up to %d models", FO_ROI_MAX_MODELS);
        fo_svg_text(b, pl.left + pl.width - 8, pl.top + 16, "end", "strong", "%s", nb);
        note_box(placed, &np, pl.left + pl.width - 8, pl.top + 16, "end", "strong", nb);
    }

    /* The student's N: a thin rule and a dot on each line. */
    double xn = fo_plot_px(&pl, (double)p->models);
    if ((double)p->models <= xmax) {
        fo_svg_line(b, xn, pl.top + pl.height, xn, pl.top + 58, FO_COLOR_MUTED, 1, "1 3");
        placed[np++] = (label_box){xn - 3, xn + 3, pl.top + 58, pl.top + pl.height, 1};
        fo_svg_circle(b, xn, fo_plot_py(&pl, r->manual_toil_usd), 4.5, FO_COLOR_BAD, "#ffffff");
        fo_svg_circle(b, xn, fo_plot_py(&pl, r->platform_total_usd), 4.5, FO_COLOR_GOOD, "#ffffff");
        /* Keep the label clear of the N* label, which runs rightwards from N*. */
        double xs_ = r->break_even_models ? fo_plot_px(&pl, (double)r->break_even_models) : -1e9;
        int crowded = xn > xs_ - 60 && xn < xs_ + 150;
        /* Centred on its rule unless that would reach the y-axis, then beside it; never over
         * the tick labels left of the axis. */
        char yours[64];
        snprintf(yours, sizeof yours, "N = %lld (yours)", p->models);
        double lw = fo_svg_text_w("N = 00 (yours)", "note"), lx = xn + 6, ly = pl.top + 68;
        const char *la = "start";
        if (!crowded && xn - lw / 2 >= pl.left + 4)
            lx = xn, ly = pl.top + 52, la = "middle";
        else if (!crowded || xn >= xs_)
            ly = pl.top + 52;
        else if (xn - 6 - lw >= pl.left + 4)
            lx = xn - 6, ly = pl.top + 16, la = "end";
        fo_svg_text(b, lx, ly, la, "note", "%s", yours);
        note_box(placed, &np, lx, ly, la, "note", yours);
    }

    /* The locked prediction: a dashed rule, its label beside it (left, else right) at the first
     * height where it stays inside the plot and clear of the labels above; where the words do
     * not fit beside the rule at any height, "predicted N"; only then across another rule. */
    if (predicted >= 1 && predicted <= xmax) {
        double xp = fo_plot_px(&pl, predicted);
        fo_svg_line(b, xp, pl.top + pl.height, xp, pl.top + 30, FO_COLOR_ACCENT, 1.5, "5 3");
        char words[2][64];
        snprintf(words[0], sizeof words[0], "your prediction: %.0f", predicted);
        snprintf(words[1], sizeof words[1], "predicted %.0f", predicted);
        const double dy[] = {34, 86, 120, 154, 188};
        const char *pw = words[1];
        double px = xp, py = pl.top + 86;
        const char *pa = "middle";
        int found = 0;
        for (int pass = 0; !found && pass < 4; pass++) { /* words, short words; then over rules */
            int v = pass % 2, cross = pass >= 2;
            for (size_t k = 0; !found && k < sizeof dy / sizeof *dy; k++)
                for (int side = 0; !found && side < 2; side++) {
                    double cx = side ? xp + 6 : xp - 6, cy = pl.top + dy[k];
                    const char *ca = side ? "start" : "end";
                    label_box c = note_box(NULL, NULL, cx, cy, ca, "note", words[v]);
                    if (c.x0 >= pl.left + 4 && c.x1 <= pl.left + pl.width - 2 &&
                        cy <= pl.top + pl.height - 8 && clear_of(placed, np, c, cross))
                        pw = words[v], px = cx, py = cy, pa = ca, found = 1;
                }
        }
        fo_svg_text(b, px, py, pa, "note", "%s", pw);
    }

    fo_svg_legend_rows(b, 24, legy, W - 24, labels, colors, dashes, 3);
    fo_svg_wrap(b, 24, notey, tw, 17, "note", fo_buf_str(&note));
    fo_buf_free(&note);
    fo_svg_end(b);
    free(xs), free(man), free(plat);
}
