/* crisis_mobile_regions.c — Mobile Nomad's region FPS small multiples: one panel per region on
 * a shared scale (hourly mean FPS after the OS update), the region's "drop that matters" line,
 * the aggregate FPS in grey in every panel for comparison, and the hour each region was flagged
 * (flagged panels framed and titled in the alarm colour) or the aggregate fired. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "fleetops/instruments.h"
#include "fleetops/svg.h"

#define W_DEFAULT 1000
#define LEFT      64 /* room for the y ticks and the rotated axis title */
#define RIGHT     12
#define GAP_X     24
#define MIN_PANEL 118 /* narrowest panel whose four x ticks still fit (headings wrap) */
#define MAX_COLS  5

/* A region's status line: "20% · not flagged", or on two lines when that is wider than the
 * panel and its gap (share of sessions over the status). */
static void status_text(char *one, size_t n1, char *two, size_t n2, const fo_mobile_region *x) {
    char st[64];
    if (x->flagged)
        snprintf(st, sizeof st, "%s %.0f h", x->affected ? "flagged at" : "false alarm at",
                 x->flagged_at_hours);
    else
        snprintf(st, sizeof st, "%s", x->affected ? "MISSED" : "not flagged");
    snprintf(one, n1, "%.0f%% \xc2\xb7 %s", 100 * x->share, st);
    snprintf(two, n2, "%s", st);
}

void fo_draw_mobile_regions(fo_buf *b, int width, const fo_mobile_params *p,
                            const fo_mobile_result *r) {
    static const char *const corr[] = {"Benjamini-Hochberg", "Bonferroni", "no correction"};
    fo_buf desc;
    fo_buf_init(&desc);
    fo_buf_printf(&desc,
                  "Hourly mean FPS of the AR filter in %zu regions for %lld hours after "
                  "the OS update, with the aggregate FPS for comparison. %d regions "
                  "flagged (%d false alarms); the aggregate %s.",
                  r->nregions, p->monitor_hours, r->regions_flagged, r->false_alarms,
                  r->aggregate_detected ? "fired later" : "never fired");
    /* Laid out for the width it is shown at: as many columns of panels as fit at MIN_PANEL px
     * (five at most), the panel height from its width; every line of text wraps. */
    double Wd = width ? width : W_DEFAULT, tw = Wd - 48;
    int cols = (int)((Wd - LEFT - RIGHT + GAP_X) / (MIN_PANEL + GAP_X));
    if (cols > MAX_COLS) cols = MAX_COLS;
    if (cols < 1) cols = 1;
    if (cols > (int)r->nregions && r->nregions > 0) cols = (int)r->nregions;
    int rows = r->nregions ? (int)((r->nregions + (size_t)cols - 1) / (size_t)cols) : 0;
    double panel_w = (Wd - LEFT - RIGHT - (cols - 1) * GAP_X) / cols;
    double panel_h = fmin(150, fmax(110, panel_w * 0.75));
    /* The heading over each panel: the name, then the status on one line or two. */
    int two_lines = 0;
    for (size_t i = 0; i < r->nregions; i++) {
        char one[96], two[64];
        status_text(one, sizeof one, two, sizeof two, &r->region[i]);
        if (fo_svg_text_w(one, "note") > panel_w + GAP_X - 6 ||
            fo_svg_text_w(r->region[i].name, "strong") > panel_w + GAP_X - 6)
            two_lines = 1;
    }
    double head_h = two_lines ? 56 : 40, gap_y = 24 + head_h + 4;

    const char *title = "Mobile Nomad: FPS per region after the OS update (slice-level "
                        "monitoring)";
    char sub[300], note[300];
    fo_buf sessions;
    fo_buf_init(&sessions);
    fo_buf_grouped(&sessions, (double)p->sessions_per_hour, 0);
    snprintf(sub, sizeof sub,
             "%s AR sessions an hour \xc2\xb7 a region is flagged when its FPS drops by more "
             "than %g\xc2\xa0"
             "FPS \xc2\xb7 %s at alpha %g, %zu regions, hourly",
             fo_buf_str(&sessions), p->min_drop_fps, corr[p->correction], p->alpha, r->nregions);
    fo_buf_free(&sessions);
    if (r->aggregate_detected)
        snprintf(note, sizeof note,
                 "Dotted grey line: the aggregate test fires at %.0f\xc2\xa0h; first region "
                 "flagged at %.0f\xc2\xa0h. Aggregate FPS %.1f before, down %.1f by the end.",
                 r->aggregate_detection_hours, r->slice_detection_hours, r->aggregate_before,
                 r->aggregate_true_drop_end);
    else
        snprintf(note, sizeof note,
                 "The aggregate test never fires (aggregate FPS %.1f before, down %.1f by the "
                 "end); first region flagged at %.0f\xc2\xa0h.",
                 r->aggregate_before, r->aggregate_true_drop_end, r->slice_detection_hours);
    const char *labels[] = {"region FPS", "flagged region", "false alarm",
                            "aggregate FPS (all regions)",
                            "FPS before \xe2\x88\x92 drop that matters"};
    const char *colors[] = {FO_COLOR_GOOD, FO_COLOR_BAD, FO_COLOR_PURPLE, FO_COLOR_REF,
                            FO_COLOR_REF};
    const char *dashes[] = {NULL, NULL, NULL, NULL, "5 3"};
    /* The x title shortened by rule when it does not fit on one line. */
    const char *xlabel = "Hours since the OS update was released (h)";
    if (fo_svg_text_w(xlabel, "label") > tw) xlabel = "Hours since the OS update (h)";
    double grid_w = cols * panel_w + (cols - 1) * GAP_X;
    int nt = fo_svg_wrap(NULL, 0, 0, tw, 21, "title", title),
        ns = fo_svg_wrap(NULL, 0, 0, tw, 17, "subtitle", sub),
        nl = fo_svg_legend_rows(NULL, 24, 0, Wd - 24, labels, colors, dashes, 5),
        nx = fo_svg_wrap_at(NULL, 0, 0, tw, 17, "label", "middle", NULL, xlabel),
        nn = fo_svg_wrap(NULL, 0, 0, tw, 16, "note", note);
    double ly = 30 + 21 * nt + 17 * (ns - 1) + 31;
    double TOP = ly + 20 * (nl - 1) + 18 + head_h;
    double bottom = TOP + rows * panel_h + (rows - 1) * gap_y;
    double xl_y = bottom + 44, note_y = xl_y + 17 * (nx - 1) + 34;
    double H = note_y + 16 * (nn - 1) + 12;

    fo_svg_begin(b, (int)Wd, (int)ceil(H), "Mobile Nomad: region FPS small multiples",
                 fo_buf_str(&desc));
    fo_buf_free(&desc);
    fo_svg_wrap(b, 24, 30, tw, 21, "title", title);
    fo_svg_wrap(b, 24, 30 + 21 * nt, tw, 17, "subtitle", sub);
    fo_svg_legend_rows(b, 24, ly, Wd - 24, labels, colors, dashes, 5);

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
        int col = (int)(i % (size_t)cols), row = (int)(i / (size_t)cols);
        fo_plot pl = {.b = b,
                      .left = LEFT + col * (panel_w + GAP_X),
                      .top = TOP + row * (panel_h + gap_y),
                      .width = panel_w,
                      .height = panel_h,
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
        char one[96], two[64];
        status_text(one, sizeof one, two, sizeof two, x);
        if (two_lines) {
            fo_svg_text(b, pl.left, pl.top - 40, "start", "strong", "%s", x->name);
            fo_svg_text(b, pl.left, pl.top - 24, "start", "note", "%.0f%% of sessions",
                        100 * x->share);
            fo_svg_text(b, pl.left, pl.top - 8, "start", "note", "%s", two);
        } else {
            fo_svg_text(b, pl.left, pl.top - 24, "start", "strong", "%s", x->name);
            fo_svg_text(b, pl.left, pl.top - 8, "start", "note", "%s", one);
        }
    }
    free(xs);
    /* Axis titles shared by the grid. */
    double cy = (TOP + bottom) / 2;
    fo_buf_printf(b,
                  "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" class=\"label\" "
                  "transform=\"rotate(-90 %d %.1f)\">Mean frame rate per hour (FPS)</text>",
                  30, cy, 30, cy);
    double xc = LEFT + grid_w / 2;
    if (nx > 1 || xc + fo_svg_text_w(xlabel, "label") / 2 > Wd - 8) xc = Wd / 2;
    fo_svg_wrap_at(b, xc, xl_y, tw, 17, "label", "middle", NULL, xlabel);
    fo_svg_wrap(b, 24, note_y, tw, 16, "note", note);
    fo_svg_end(b);
}
