/* crisis_mobile_regions.c — Mobile Nomad's region FPS small multiples: one panel per region on
 * a shared scale (hourly mean FPS after the OS update), the region's "drop that matters" line,
 * the aggregate FPS in grey in every panel for comparison, and the hour each region was flagged
 * (flagged panels framed and titled in the alarm colour) or the aggregate fired. */
#include <math.h>
#include <stdlib.h>

#include "fleetops/instruments.h"
#include "fleetops/svg.h"

#define W       1000
#define H       640
#define COLS    5
#define PANEL_W 158
#define PANEL_H 150
#define LEFT    84
#define GAP_X   24
#define TOP     150
#define GAP_Y   96

void fo_draw_mobile_regions(fo_buf *b, int width, const fo_mobile_params *p,
                            const fo_mobile_result *r) {
    (void)width; /* not yet laid out by width (issue 15): drawn at its own */
    static const char *const corr[] = {"Benjamini-Hochberg", "Bonferroni", "no correction"};
    fo_buf desc;
    fo_buf_init(&desc);
    fo_buf_printf(&desc,
                  "Hourly mean FPS of the AR filter in %zu regions for %lld hours after "
                  "the OS update, with the aggregate FPS for comparison. %d regions "
                  "flagged (%d false alarms); the aggregate %s.",
                  r->nregions, p->monitor_hours, r->regions_flagged, r->false_alarms,
                  r->aggregate_detected ? "fired later" : "never fired");
    fo_svg_begin(b, W, H, "Mobile Nomad: region FPS small multiples", fo_buf_str(&desc));
    fo_buf_free(&desc);
    fo_svg_text(b, 24, 30, "start", "title",
                "Mobile Nomad: FPS per region after the OS update (slice-level monitoring)");
    fo_buf sessions;
    fo_buf_init(&sessions);
    fo_buf_grouped(&sessions, (double)p->sessions_per_hour, 0);
    fo_svg_text(b, 24, 51, "start", "subtitle",
                "%s AR sessions an hour \xc2\xb7 a region is flagged when its FPS drops by more "
                "than %g FPS \xc2\xb7 %s at alpha %g, %zu regions, hourly",
                fo_buf_str(&sessions), p->min_drop_fps, corr[p->correction], p->alpha, r->nregions);
    fo_buf_free(&sessions);

    /* One y range for every panel, so drops compare across regions. */
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < r->nregions; i++)
        for (long long h = 1; h <= p->monitor_hours; h++) {
            lo = fmin(lo, r->region[i].observed[h]);
            hi = fmax(hi, r->region[i].observed[h]);
        }
    for (size_t i = 0; i < r->nregions; i++)
        hi = fmax(hi, r->region[i].fps_before);
    fo_nice_range(&lo, &hi, 4);
    double xmax = (double)p->monitor_hours;

    size_t n = (size_t)p->monitor_hours;
    double *xs = malloc(n * sizeof *xs);
    if (!xs) {
        b->oom = 1;
        return;
    }
    for (size_t h = 0; h < n; h++)
        xs[h] = (double)(h + 1);
    double ticks[16];
    int nyt = fo_nice_ticks(lo, hi, 4, ticks, 16);
    double xt[16];
    double xstep = xmax <= 96 ? 24 : xmax <= 192 ? 48 : 96;
    int nxt = 0;
    for (double t = 0; t <= xmax + 1e-9 && nxt < 16; t += xstep)
        xt[nxt++] = t;

    for (size_t i = 0; i < r->nregions; i++) {
        const fo_mobile_region *x = &r->region[i];
        int col = (int)(i % COLS), row = (int)(i / COLS);
        fo_plot pl = {.b = b,
                      .left = LEFT + col * (PANEL_W + GAP_X),
                      .top = TOP + row * (PANEL_H + GAP_Y),
                      .width = PANEL_W,
                      .height = PANEL_H,
                      .xmin = 0,
                      .xmax = xmax,
                      .ymin = lo,
                      .ymax = hi};
        int alarm = x->flagged;
        const char *frame = alarm ? (x->affected ? FO_COLOR_BAD : FO_COLOR_PURPLE) : "#d1d5db";
        fo_svg_rect(b, pl.left, pl.top, pl.width, pl.height, alarm ? "#fff5ef" : "#ffffff", NULL);
        for (int k = 0; k < nyt; k++) {
            double y = fo_plot_py(&pl, ticks[k]);
            fo_svg_line(b, pl.left, y, pl.left + pl.width, y, "#eceef1", 1, NULL);
            if (col == 0) fo_svg_text(b, pl.left - 6, y + 4, "end", "tick", "%g", ticks[k]);
        }
        for (int k = 0; k < nxt; k++) {
            double xx = fo_plot_px(&pl, xt[k]);
            fo_svg_line(b, xx, pl.top + pl.height, xx, pl.top + pl.height + 4, "#374151", 1, NULL);
            fo_svg_text(b, xx, pl.top + pl.height + 16, "middle", "tick", "%g", xt[k]);
        }
        /* The line that matters: this region's FPS before, minus min_drop. */
        double yl = fo_plot_py(&pl, x->fps_before - p->min_drop_fps);
        fo_svg_line(b, pl.left, yl, pl.left + pl.width, yl, FO_COLOR_REF, 1.2, "5 3");
        if (r->aggregate_detected) {
            double xa = fo_plot_px(&pl, r->aggregate_detection_hours);
            fo_svg_line(b, xa, pl.top, xa, pl.top + pl.height, "#6b7280", 1, "1 3");
        }
        fo_plot_polyline(&pl, xs, r->aggregate + 1, n, FO_COLOR_REF, 1.6, NULL);
        fo_plot_polyline(&pl, xs, x->observed + 1, n,
                         alarm ? (x->affected ? FO_COLOR_BAD : FO_COLOR_PURPLE) : FO_COLOR_GOOD,
                         1.4, NULL);
        if (alarm) {
            double xf = fo_plot_px(&pl, x->flagged_at_hours);
            fo_svg_line(b, xf, pl.top, xf, pl.top + pl.height, frame, 1.6, NULL);
        }
        fo_svg_rect(b, pl.left, pl.top, pl.width, pl.height, NULL, frame);
        if (alarm)
            fo_svg_rect(b, pl.left - 1, pl.top - 1, pl.width + 2, pl.height + 2, NULL, frame);
        fo_svg_text(b, pl.left, pl.top - 24, "start", "strong", "%s", x->name);
        if (alarm)
            fo_svg_text(b, pl.left, pl.top - 8, "start", "note", "%.0f%% \xc2\xb7 %s %.0f h",
                        100 * x->share, x->affected ? "flagged at" : "false alarm at",
                        x->flagged_at_hours);
        else
            fo_svg_text(b, pl.left, pl.top - 8, "start", "note", "%.0f%% \xc2\xb7 %s",
                        100 * x->share, x->affected ? "MISSED" : "not flagged");
    }
    free(xs);
    /* Axis titles shared by the grid. */
    double cy = TOP + PANEL_H + GAP_Y / 2.0;
    fo_buf_printf(b,
                  "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" class=\"label\" "
                  "transform=\"rotate(-90 %d %.1f)\">Mean FPS per hour</text>",
                  30, cy, 30, cy);
    double bottom = TOP + 2 * PANEL_H + GAP_Y;
    fo_svg_text(b, LEFT + (COLS * PANEL_W + (COLS - 1) * GAP_X) / 2.0, bottom + 40, "middle",
                "label", "Hours since the OS update was released");
    const char *labels[] = {"region FPS", "flagged region", "false alarm",
                            "aggregate FPS (all regions)",
                            "FPS before \xe2\x88\x92 drop that matters"};
    const char *colors[] = {FO_COLOR_GOOD, FO_COLOR_BAD, FO_COLOR_PURPLE, FO_COLOR_REF,
                            FO_COLOR_REF};
    const char *dashes[] = {NULL, NULL, NULL, NULL, "5 3"};
    fo_svg_legend(b, 24, 82, labels, colors, dashes, 5);
    if (r->aggregate_detected)
        fo_svg_text(b, 24, H - 16, "start", "note",
                    "Dotted grey line: the aggregate test fires at %.0f h; first region flagged "
                    "at %.0f h. Aggregate FPS %.1f before, down %.1f by the end.",
                    r->aggregate_detection_hours, r->slice_detection_hours, r->aggregate_before,
                    r->aggregate_true_drop_end);
    else
        fo_svg_text(b, 24, H - 16, "start", "note",
                    "The aggregate test never fires (aggregate FPS %.1f before, down %.1f by the "
                    "end); first region flagged at %.0f h.",
                    r->aggregate_before, r->aggregate_true_drop_end, r->slice_detection_hours);
    fo_svg_end(b);
}
