/* crisis_cloud_alerts.c — Cloud Titan's alert timeline: three model streams (chunk values over
 * the month) with the static threshold, the model's discovered threshold, the reference window
 * and the true drift windows shaded, and under each stream one row of alert marks per method;
 * then the three methods side by side (false alerts a day, precision, recall, delay). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "fleetops/instruments.h"
#include "fleetops/svg.h"

#define W_DEFAULT 960
#define WIDE      700 /* from here the alert rows are named "static alerts" etc. in the margin */
#define PH        120
#define BARS_4    760 /* from here the four bar groups share a row; under it two by two */

/* The layout of the figure for its width. */
typedef struct layout {
    double W, tw;
    double left, pw; /* the stream panels' plot frame */
    double hx;       /* their headings */
    int wide;
} layout;

static const char *const method_color[FO_CLOUD_METHODS] = {FO_COLOR_BAD, FO_COLOR_GOOD,
                                                           FO_COLOR_ACCENT};
static const char *const method_label[FO_CLOUD_METHODS] = {"static", "discovered", "CUSUM"};

static void fmt_latency(fo_buf *b, double v) {
    fo_buf_grouped(b, v, 0);
}

static void fmt_quality(fo_buf *b, double v) {
    fo_buf_printf(b, "%.2f", v);
}

static void fmt_day(fo_buf *b, double v) {
    fo_buf_printf(b, "%g", v);
}

/* One alert row: runs of consecutive alerting chunks drawn as one bar each. */
static void alert_row(fo_buf *b, const fo_plot *pl, const signed char *alert, long long from,
                      long long to, double chunk_days, double y, const char *color) {
    long long c = from;
    while (c < to) {
        if (!alert[c]) {
            c++;
            continue;
        }
        long long e = c;
        while (e < to && alert[e])
            e++;
        double x0 = fo_plot_px(pl, (double)c * chunk_days);
        double x1 = fo_plot_px(pl, (double)e * chunk_days);
        fo_svg_rect(b, x0, y, fmax(x1 - x0, 1.2), 8, color, NULL);
        c = e;
    }
}

static int count_drifts(const fo_cloud_result *r, const fo_cloud_trace *tr) {
    int n = 0;
    for (size_t i = 0; i < r->ndrifts; i++)
        n += r->drifts[i].model == tr->model && r->drifts[i].metric == tr->metric;
    return n;
}

static void panel_heading(char *out, size_t n, const fo_cloud_params *p, const fo_cloud_result *r,
                          int t) {
    const fo_cloud_trace *tr = &r->trace[t];
    int nd = count_drifts(r, tr);
    if (tr->metric == FO_CLOUD_QUALITY)
        snprintf(out, n, "Model %d, quality (baseline %.3f, static floor %g)%s: %d real drift%s",
                 tr->model + 1, tr->base, p->static_quality_min,
                 t == 0 ? ", close above the static floor" : "", nd, nd == 1 ? "" : "s");
    else
        snprintf(out, n,
                 "Model %d, latency (baseline %.0f\xc2\xa0ms, static ceiling %g\xc2\xa0ms): %d "
                 "real drift%s",
                 tr->model + 1, tr->base, p->static_latency_max_ms, nd, nd == 1 ? "" : "s");
}

/* A stream panel from its heading's first baseline at `hy`; returns the y under its alert rows.
 * b NULL: only measures. */
static double stream_panel(fo_buf *b, const layout *L, const fo_cloud_params *p,
                           const fo_cloud_result *r, int t, double hy) {
    char heading[200];
    panel_heading(heading, sizeof heading, p, r, t);
    int nh = fo_svg_wrap(NULL, 0, 0, L->W - 8 - L->hx, 17, "strong", heading);
    double top = hy + 17 * (nh - 1) + 12, y0 = top + PH + (L->wide ? 54 : 60);
    double end = y0 + 14.0 * (FO_CLOUD_METHODS - 1) + 12;
    if (!b) return end;
    fo_svg_wrap(b, L->hx, hy, L->W - 8 - L->hx, 17, "strong", heading);
    const fo_cloud_trace *tr = &r->trace[t];
    int quality = tr->metric == FO_CLOUD_QUALITY;
    double chunk_days = (double)p->chunk_minutes / 1440.0;
    double lo = INFINITY, hi = -INFINITY;
    for (long long c = 0; c < r->chunks; c++) {
        lo = fmin(lo, tr->value[c]);
        hi = fmax(hi, tr->value[c]);
    }
    double limit = quality ? p->static_quality_min : p->static_latency_max_ms;
    double disc = quality ? tr->lower : tr->upper;
    /* Keep a far-away static line in view only when it is reasonably near the data. */
    int show_limit = limit > lo - 3 * (hi - lo) && limit < hi + 3 * (hi - lo);
    lo = fmin(lo, disc), hi = fmax(hi, disc);
    if (show_limit) lo = fmin(lo, limit), hi = fmax(hi, limit);
    double pad = 0.06 * (hi - lo);
    lo -= pad, hi += pad;
    fo_nice_range(&lo, &hi, 4);
    fo_plot pl = {.b = b,
                  .left = L->left,
                  .top = top,
                  .width = L->pw,
                  .height = PH,
                  .xmin = 0,
                  .xmax = FO_CLOUD_DAYS,
                  .ymin = lo,
                  .ymax = hi};

    /* Reference window and the true drifts of this stream, behind everything. */
    double ref_days = (double)r->reference_chunks * chunk_days;
    fo_svg_rect(b, pl.left, top, fo_plot_px(&pl, ref_days) - pl.left, PH, "#eef0f3", NULL);
    for (size_t i = 0; i < r->ndrifts; i++) {
        const fo_cloud_drift *d = &r->drifts[i];
        if (d->model != tr->model || d->metric != tr->metric) continue;
        double x0 = fo_plot_px(&pl, (double)d->start_minute / 1440.0);
        double x1 = fo_plot_px(&pl, (double)d->end_minute / 1440.0);
        fo_svg_rect(b, x0, top, x1 - x0, PH, "#fbd9bf", NULL);
    }
    fo_plot_axes(&pl, "Day of the month (d)", quality ? "Quality (score)" : "Latency (ms)", fmt_day,
                 quality ? fmt_quality : fmt_latency);

    double *xs = malloc((size_t)r->chunks * sizeof *xs);
    if (!xs) {
        b->oom = 1;
        return end;
    }
    for (long long c = 0; c < r->chunks; c++)
        xs[c] = ((double)c + 0.5) * chunk_days;
    fo_plot_polyline(&pl, xs, tr->value, (size_t)r->chunks, "#374151", 1.0, NULL);
    free(xs);
    double yd = fo_plot_py(&pl, disc);
    fo_svg_line(b, fo_plot_px(&pl, ref_days), yd, pl.left + pl.width, yd, FO_COLOR_GOOD, 2, "4 3");
    if (show_limit) {
        double ys = fo_plot_py(&pl, limit);
        fo_svg_line(b, pl.left, ys, pl.left + pl.width, ys, FO_COLOR_BAD, 2, "9 4");
    }

    /* Alert rows under the axis (the reference window raises no alerts); narrow, the rows are
     * named by method under an "alerts:" heading. */
    if (!L->wide) fo_svg_text(b, pl.left - 8, y0 - 7, "end", "tick", "alerts:");
    for (int m = 0; m < FO_CLOUD_METHODS; m++) {
        double y = y0 + 14.0 * m; /* rows a tick label apart: no overlap */
        fo_svg_line(b, fo_plot_px(&pl, ref_days), y + 4, pl.left + pl.width, y + 4, "#e5e7eb", 1,
                    NULL);
        if (L->wide)
            fo_svg_text(b, pl.left - 8, y + 8, "end", "tick", "%s alerts", method_label[m]);
        else
            fo_svg_text(b, pl.left - 8, y + 8, "end", "tick", "%s", method_label[m]);
        alert_row(b, &pl, tr->alert[m], r->reference_chunks, r->chunks, chunk_days, y,
                  method_color[m]);
    }
    return end;
}

/* One small bar group: a value per method, labelled on the bar (no axis); its title wraps
 * to the group's width over `nt` lines (the row's most, so the bars of a row align). */
static void bar_group(fo_buf *b, double x, double y, double w, double h, int nt, const char *title,
                      const double *v, const char *fmt, double scale) {
    double vmax = 0;
    for (int m = 0; m < FO_CLOUD_METHODS; m++)
        if (isfinite(v[m]) && v[m] > vmax) vmax = v[m];
    if (scale > 0) vmax = scale;
    fo_svg_wrap_at(b, x + w / 2, y, w, 17, "label", "middle", NULL, title);
    double bw = w / 4.2, gap = (w - 3 * bw) / 4;
    double base = y + 17 * (nt - 1) + 22 + h;
    fo_svg_line(b, x, base, x + w, base, "#374151", 1.2, NULL);
    for (int m = 0; m < FO_CLOUD_METHODS; m++) {
        double bx = x + gap + m * (bw + gap);
        if (!isfinite(v[m])) {
            fo_svg_text(b, bx + bw / 2, base - 6, "middle", "tick", "n/a");
            continue;
        }
        double bh = vmax > 0 ? h * v[m] / vmax : 0;
        fo_svg_rect(b, bx, base - bh, bw, bh, method_color[m], NULL);
        fo_svg_text(b, bx + bw / 2, base - bh - 5, "middle", "tick", fmt, v[m]);
    }
}

/* The legend of the stream panels: three lines, then two area swatches, flowing into rows 20 px
 * apart so no entry passes `right`. Returns the rows; b NULL: only counts them. */
static int stream_legend(fo_buf *b, double x, double y, double right) {
    static const char *const labels[] = {"chunk value", "static threshold", "discovered threshold",
                                         "true drift window", "reference window"};
    static const char *const colors[] = {"#374151", FO_COLOR_BAD, FO_COLOR_GOOD, "#fbd9bf",
                                         "#e2e5ea"};
    static const char *const dashes[] = {NULL, "9 4", "4 3", NULL, NULL};
    double x0 = x;
    int rows = 1;
    for (int i = 0; i < 5; i++) {
        double w = 30 + fo_svg_text_w(labels[i], "note");
        if (x > x0 && x + w > right) x = x0, y += 20, rows++;
        if (b) {
            if (i < 3)
                fo_svg_line(b, x, y, x + 24, y, colors[i], 3, dashes[i]);
            else
                fo_svg_rect(b, x, y - 6, 24, 12, colors[i], NULL);
            fo_svg_text(b, x + 30, y + 4, "start", "note", "%s", labels[i]);
        }
        x += w + 20;
    }
    return rows;
}

void fo_draw_cloud_alerts(fo_buf *b, int width, const fo_cloud_params *p,
                          const fo_cloud_result *r) {
    const fo_cloud_method *s = &r->method[FO_CLOUD_STATIC], *d = &r->method[FO_CLOUD_DISCOVERED];
    fo_buf desc;
    fo_buf_init(&desc);
    fo_buf_printf(&desc,
                  "Chunk values of three of %lld models over %d days with the static threshold, "
                  "each model's discovered threshold and the true drift windows. Static: %.1f "
                  "false alerts a day, recall %.2f. Discovered: %.1f false alerts a day, recall "
                  "%.2f.",
                  p->models, FO_CLOUD_DAYS, s->false_alerts_per_day,
                  isfinite(s->recall) ? s->recall : 0.0, d->false_alerts_per_day,
                  isfinite(d->recall) ? d->recall : 0.0);
    /* Laid out for the width it is shown at: the stream panels take what the margins leave (the
     * alert rows named in the margin when it is wide, by method only when narrow); the four bar
     * groups in one row or two by two; every line of text wraps; the height follows. */
    layout L = {.W = width ? width : W_DEFAULT};
    L.tw = L.W - 48;
    L.wide = L.W >= WIDE;
    L.left = L.wide ? 150 : 86;
    L.pw = L.W - L.left - (L.wide ? 40 : 20);
    L.hx = L.wide ? L.left : 24;
    const char *title = "Cloud Titan: alert timeline, one static threshold vs thresholds "
                        "discovered per model";
    char sub[400];
    /* No-break spaces keep "k = 3" and "168 h" on one line when the subtitle wraps. */
#define NB "\xc2\xa0"
    snprintf(sub, sizeof sub,
             "%lld LLM versions \xc2\xb7 %d days \xc2\xb7 %lld-minute chunks \xc2\xb7 "
             "reference %g" NB "h \xc2\xb7 %zu real drifts \xc2\xb7 discovered = %s, k" NB "=" NB
             "%g \xc2\xb7 CUSUM k" NB "=" NB "%g, h" NB "=" NB "%g",
             p->models, FO_CLOUD_DAYS, p->chunk_minutes, p->reference_hours, r->ndrifts,
             p->discovery == FO_DISCOVERY_QUANTILE ? "median \xc2\xb1 k\xc2\xb7IQR/1.349"
                                                   : "mean \xc2\xb1 k\xc2\xb7sd",
             p->threshold_k, p->cusum_k, p->cusum_h);
#undef NB
    /* in the units the crisis's table uses: percents and minutes */
    static const char *const gtitle[4] = {"false alerts a day (all models)", "precision (%)",
                                          "recall: drifts caught (%)",
                                          "mean detection delay (min)"};
    static const char *const gfmt[4] = {"%.1f", "%.3g%%", "%.3g%%", "%.0f"};
    static const double gscale[4] = {0, 100.0, 100.0, 0};
    const char *mlabels[] = {"static threshold", "discovered thresholds", "CUSUM"};
    int per_row = L.W >= BARS_4 ? 4 : 2;
    double gx0 = L.wide ? L.left - 60 : 24, gright = L.W - (L.wide ? 40 : 24), ggap = 28;
    double gw = (gright - gx0 - (per_row - 1) * ggap) / per_row, bh = L.wide ? 100 : 90;
    int gnt[2] = {1, 1};
    for (int k = 0; k < 4; k++) {
        int n = fo_svg_wrap_at(NULL, 0, 0, gw, 17, "label", "middle", NULL, gtitle[k]);
        if (n > gnt[k / per_row]) gnt[k / per_row] = n;
    }

    int nt = fo_svg_wrap(NULL, 0, 0, L.tw, 21, "title", title),
        ns = fo_svg_wrap(NULL, 0, 0, L.tw, 17, "subtitle", sub),
        nl = stream_legend(NULL, 24, 0, L.W - 24);
    double ly = 30 + 21 * nt + 17 * (ns - 1) + 25, y = ly + 20 * (nl - 1) + 36;
    double panel_y[FO_CLOUD_TRACES];
    for (int t = 0; t < FO_CLOUD_TRACES; t++) {
        panel_y[t] = y;
        y = stream_panel(NULL, &L, p, r, t, y) + 30;
    }
    double row_y[2], row_h[2];
    for (int k = 0; k < 4 / per_row; k++) {
        row_y[k] = y + 10;
        row_h[k] = 17 * (gnt[k] - 1) + 22 + bh;
        y = row_y[k] + row_h[k] + 34;
    }
    double my = y - 4;
    int nm = fo_svg_legend_rows(NULL, gx0, my, gright, mlabels, method_color, NULL, 3);
    double H = my + 20 * (nm - 1) + 14;

    fo_svg_begin(b, (int)L.W, (int)ceil(H),
                 "Cloud Titan: alert timeline, static vs discovered thresholds", fo_buf_str(&desc));
    fo_buf_free(&desc);
    fo_svg_wrap(b, 24, 30, L.tw, 21, "title", title);
    fo_svg_wrap(b, 24, 30 + 21 * nt, L.tw, 17, "subtitle", sub);
    stream_legend(b, 24, ly, L.W - 24);
    for (int t = 0; t < FO_CLOUD_TRACES; t++)
        stream_panel(b, &L, p, r, t, panel_y[t]);

    /* The three methods side by side, one group per measure. */
    double v[FO_CLOUD_METHODS];
    for (int k = 0; k < 4; k++) {
        for (int m = 0; m < FO_CLOUD_METHODS; m++)
            v[m] = k == 0   ? r->method[m].false_alerts_per_day
                   : k == 1 ? 100 * r->method[m].precision
                   : k == 2 ? 100 * r->method[m].recall
                            : r->method[m].mean_detection_delay_minutes;
        int row = k / per_row, col = k % per_row;
        bar_group(b, gx0 + col * (gw + ggap), row_y[row], gw, bh, gnt[row], gtitle[k], v, gfmt[k],
                  gscale[k]);
    }
    fo_svg_legend_rows(b, gx0, my, gright, mlabels, method_color, NULL, 3);
    fo_svg_end(b);
}
