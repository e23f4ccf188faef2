/* crisis_cloud_alerts.c — Cloud Titan's alert timeline: three model streams (chunk values over
 * the month) with the static threshold, the model's discovered threshold, the reference window
 * and the true drift windows shaded, and under each stream one row of alert marks per method;
 * then the three methods side by side (false alerts a day, precision, recall, delay). */
#include <math.h>
#include <stdlib.h>

#include "fleetops/instruments.h"
#include "fleetops/svg.h"

#define W           960
#define H           910
#define LEFT        150
#define PW          770
#define PH          96
#define PANEL_PITCH 190
#define TOP0        118

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

static void stream_panel(fo_buf *b, const fo_cloud_params *p, const fo_cloud_result *r, int t,
                         double top) {
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
                  .left = LEFT,
                  .top = top,
                  .width = PW,
                  .height = PH,
                  .xmin = 0,
                  .xmax = FO_CLOUD_DAYS,
                  .ymin = lo,
                  .ymax = hi};

    /* Reference window and the true drifts of this stream, behind everything. */
    double ref_days = (double)r->reference_chunks * chunk_days;
    fo_svg_rect(b, pl.left, top, fo_plot_px(&pl, ref_days) - pl.left, PH, "#eef0f3", NULL);
    int ndrift = 0;
    for (size_t i = 0; i < r->ndrifts; i++) {
        const fo_cloud_drift *d = &r->drifts[i];
        if (d->model != tr->model || d->metric != tr->metric) continue;
        double x0 = fo_plot_px(&pl, (double)d->start_minute / 1440.0);
        double x1 = fo_plot_px(&pl, (double)d->end_minute / 1440.0);
        fo_svg_rect(b, x0, top, x1 - x0, PH, "#fbd9bf", NULL);
        ndrift++;
    }
    fo_plot_axes(&pl, "", quality ? "quality" : "latency (ms)", fmt_day,
                 quality ? fmt_quality : fmt_latency);

    double *xs = malloc((size_t)r->chunks * sizeof *xs);
    if (!xs) {
        b->oom = 1;
        return;
    }
    for (long long c = 0; c < r->chunks; c++)
        xs[c] = ((double)c + 0.5) * chunk_days;
    fo_plot_polyline(&pl, xs, tr->value, (size_t)r->chunks, "#374151", 1.0, NULL);
    free(xs);
    double yd = fo_plot_py(&pl, disc);
    fo_svg_line(b, fo_plot_px(&pl, ref_days), yd, pl.left + PW, yd, FO_COLOR_GOOD, 2, "4 3");
    if (show_limit) {
        double ys = fo_plot_py(&pl, limit);
        fo_svg_line(b, pl.left, ys, pl.left + PW, ys, FO_COLOR_BAD, 2, "9 4");
    }

    if (quality)
        fo_svg_text(b, LEFT, top - 9, "start", "strong",
                    "Model %d, quality (baseline %.3f, static floor %g)%s: %d real drift%s",
                    tr->model + 1, tr->base, limit, t == 0 ? ", close above the static floor" : "",
                    ndrift, ndrift == 1 ? "" : "s");
    else
        fo_svg_text(b, LEFT, top - 9, "start", "strong",
                    "Model %d, latency (baseline %.0f ms, static ceiling %g ms): %d real drift%s",
                    tr->model + 1, tr->base, limit, ndrift, ndrift == 1 ? "" : "s");

    /* Alert rows under the axis (the reference window raises no alerts). */
    double y0 = top + PH + 28;
    for (int m = 0; m < FO_CLOUD_METHODS; m++) {
        double y = y0 + 14.0 * m; /* rows a tick label apart: no overlap */
        fo_svg_line(b, fo_plot_px(&pl, ref_days), y + 4, pl.left + PW, y + 4, "#e5e7eb", 1, NULL);
        fo_svg_text(b, pl.left - 8, y + 8, "end", "tick", "%s alerts", method_label[m]);
        alert_row(b, &pl, tr->alert[m], r->reference_chunks, r->chunks, chunk_days, y,
                  method_color[m]);
    }
}

/* One small bar group: a value per method, labelled on the bar (no axis). */
static void bar_group(fo_buf *b, double x, double y, double w, double h, const char *title,
                      const double *v, const char *fmt, double scale) {
    double vmax = 0;
    for (int m = 0; m < FO_CLOUD_METHODS; m++)
        if (isfinite(v[m]) && v[m] > vmax) vmax = v[m];
    if (scale > 0) vmax = scale;
    fo_svg_text(b, x + w / 2, y, "middle", "label", "%s", title);
    double bw = w / 4.2, gap = (w - 3 * bw) / 4;
    double base = y + 22 + h;
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

void fo_draw_cloud_alerts(fo_buf *b, int width, const fo_cloud_params *p,
                          const fo_cloud_result *r) {
    (void)width; /* not yet laid out by width (issue 15): drawn at its own */
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
    fo_svg_begin(b, W, H, "Cloud Titan: alert timeline, static vs discovered thresholds",
                 fo_buf_str(&desc));
    fo_buf_free(&desc);
    fo_svg_text(b, 24, 30, "start", "title",
                "Cloud Titan: alert timeline, one static threshold vs thresholds discovered per "
                "model");
    fo_svg_text(b, 24, 51, "start", "subtitle",
                "%lld LLM versions \xc2\xb7 %d days \xc2\xb7 %lld-minute chunks \xc2\xb7 "
                "reference %g h \xc2\xb7 %zu real drifts \xc2\xb7 discovered = %s, k = %g "
                "\xc2\xb7 CUSUM k = %g, h = %g",
                p->models, FO_CLOUD_DAYS, p->chunk_minutes, p->reference_hours, r->ndrifts,
                p->discovery == FO_DISCOVERY_QUANTILE ? "median \xc2\xb1 k\xc2\xb7IQR/1.349"
                                                      : "mean \xc2\xb1 k\xc2\xb7sd",
                p->threshold_k, p->cusum_k, p->cusum_h);
    const char *labels[] = {"chunk value", "static threshold", "discovered threshold",
                            "true drift window", "reference window"};
    const char *colors[] = {"#374151", FO_COLOR_BAD, FO_COLOR_GOOD, "#fbd9bf", "#e2e5ea"};
    const char *dashes[] = {NULL, "9 4", "4 3", NULL, NULL};
    fo_svg_legend(b, 24, 76, labels, colors, dashes, 3);
    /* Area swatches for the two shaded windows. */
    double lx = 24 + 30 + 6.4 * 11 + 26 + 30 + 6.4 * 16 + 26 + 30 + 6.4 * 20 + 26;
    fo_svg_rect(b, lx, 70, 24, 12, colors[3], NULL);
    fo_svg_text(b, lx + 30, 80, "start", "note", "%s", labels[3]);
    lx += 30 + 6.4 * 17 + 26;
    fo_svg_rect(b, lx, 70, 24, 12, colors[4], NULL);
    fo_svg_text(b, lx + 30, 80, "start", "note", "%s", labels[4]);

    for (int t = 0; t < FO_CLOUD_TRACES; t++)
        stream_panel(b, p, r, t, TOP0 + t * PANEL_PITCH);
    double axis_y = TOP0 + 2 * PANEL_PITCH + PH + 26 + 3 * 14 + 14;
    fo_svg_text(b, LEFT + PW / 2.0, axis_y, "middle", "label", "Day of the month");

    /* The three methods side by side. */
    double by = axis_y + 40, bh = 100, gw = 190, gx = LEFT - 60, step = (PW + 60 - 4 * gw) / 3.0;
    double v[FO_CLOUD_METHODS];
    for (int m = 0; m < FO_CLOUD_METHODS; m++)
        v[m] = r->method[m].false_alerts_per_day;
    bar_group(b, gx, by, gw, bh, "false alerts a day (all models)", v, "%.1f", 0);
    for (int m = 0; m < FO_CLOUD_METHODS; m++)
        v[m] = r->method[m].precision;
    bar_group(b, gx + (gw + step), by, gw, bh, "precision", v, "%.2f", 1.0);
    for (int m = 0; m < FO_CLOUD_METHODS; m++)
        v[m] = r->method[m].recall;
    bar_group(b, gx + 2 * (gw + step), by, gw, bh, "recall (drifts caught)", v, "%.2f", 1.0);
    for (int m = 0; m < FO_CLOUD_METHODS; m++)
        v[m] = r->method[m].mean_detection_delay_minutes / 60.0;
    bar_group(b, gx + 3 * (gw + step), by, gw, bh, "mean detection delay (h)", v, "%.1f", 0);
    const char *mlabels[] = {"static threshold", "discovered thresholds", "CUSUM"};
    fo_svg_legend(b, gx, by + 22 + bh + 28, mlabels, method_color, NULL, 3);
    fo_svg_end(b);
}
