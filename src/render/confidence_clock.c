/* confidence_clock.c — the Confidence Clock (Part 2): the confidence C(t) that the failure
 * rate is below p after t hours of shadow, against the target C. Marked: the crossing (the
 * exact requests needed), the longest window the release limit allows (shaded beyond), and
 * the student's attempt when there is one. */
#include <math.h>

#include "fleetops/instruments.h"
#include "fleetops/svg.h"

#define W 780
#define H 520

static void hours_text(fo_buf *b, double h) {
    fo_buf_grouped(b, h, h < 10 ? 2 : 1);
    fo_buf_puts(b, " h");
}

static void fmt_hours_tick(fo_buf *b, double v) {
    fo_fmt_plain(b, v);
}

void fo_draw_confidence_clock(fo_buf *b, int width, const fo_canary_params *p,
                              const fo_canary_result *r) {
    (void)width; /* not yet laid out by width (issue 15): drawn at its own */
    size_t n = r->curve_len;
    double xs[FO_CANARY_CURVE_POINTS] = {0}, ys[FO_CANARY_CURVE_POINTS] = {0};
    for (size_t i = 0; i < n; i++)
        xs[i] = r->curve[i].hours, ys[i] = r->curve[i].confidence;
    double xmax = xs[n ? n - 1 : 0], C = p->confidence; /* the curve has >= 2 points */

    fo_buf t;
    fo_buf_init(&t);
    int hide = p->hide_window; /* the 10-Iteration Rule's search: no crossing hour stated */
    fo_buf_printf(&t,
                  "Confidence C(t) that the edge-case failure rate is below %g after t hours "
                  "of shadow. The %.4g%% target is reached after ",
                  p->failure_rate, 100 * C);
    fo_buf_grouped(&t, r->requests_needed, 0);
    if (hide) {
        fo_buf_puts(&t, " requests, where the curve crosses the target line");
    } else {
        fo_buf_puts(&t, " requests, at ");
        hours_text(&t, r->shadow_hours);
    }
    fo_buf_printf(&t, "; the %g h release limit allows a window of at most ",
                  p->release_limit_hours);
    hours_text(&t, r->max_window_hours > 0 ? r->max_window_hours : 0);
    fo_buf_puts(&t, ".");
    fo_svg_begin(b, W, H, "Confidence Clock: confidence vs hours of shadow", fo_buf_str(&t));
    fo_buf_reset(&t);

    fo_plot pl = {.b = b,
                  .left = 84,
                  .top = 84,
                  .width = 650,
                  .height = 300,
                  .xmin = 0,
                  .xmax = xmax,
                  .ymin = 0,
                  .ymax = 1};
    double bottom = pl.top + pl.height, right = pl.left + pl.width;
    fo_svg_text(b, 24, 30, "start", "title", "Confidence Clock: how long must shadow mode watch?");
    fo_buf_printf(&t,
                  "Target C = %.4g%%, failure rate p = %g, k = %lld failures allowed  \xc2\xb7  ",
                  100 * C, p->failure_rate, p->allowed_failures);
    fo_buf_grouped(&t, r->monitored_per_hour, 1);
    fo_buf_printf(&t, " scored requests/h  \xc2\xb7  pipeline %g h, limit %g h",
                  p->pipeline_overhead_hours, p->release_limit_hours);
    fo_svg_text(b, 24, 51, "start", "subtitle", "%s", fo_buf_str(&t));
    fo_buf_reset(&t);

    /* Beyond the longest window the limit allows, the release cycle is over the limit. */
    double xlim = r->max_window_hours > 0 ? fo_plot_px(&pl, r->max_window_hours) : pl.left;
    if (xlim < right) fo_svg_rect(b, xlim, pl.top, right - xlim, pl.height, "#fdeeea", NULL);
    fo_plot_axes(&pl, "Hours of shadow mode (t)", "Confidence C(t)", fmt_hours_tick,
                 fo_fmt_percent);

    /* Target line. */
    double yC = fo_plot_py(&pl, C);
    fo_svg_line(b, pl.left, yC, right, yC, "#111827", 1.2, "6 4");
    fo_svg_text(b, pl.left + 6, yC - 6, "start", "note", "target C = %.4g%%", 100 * C);

    fo_plot_polyline(&pl, xs, ys, n, FO_COLOR_GOOD, 3, NULL);

    /* The release limit: a line at the longest window, labelled along it, inside the shade. */
    if (r->max_window_hours > 0) {
        fo_svg_line(b, xlim, pl.top, xlim, bottom, FO_COLOR_BAD, 2, NULL);
        fo_buf_printf(&t, "%g h cycle limit: window \xe2\x89\xa4 ", p->release_limit_hours);
        hours_text(&t, r->max_window_hours);
        double lx = xlim + 15, ly = bottom - 8;
        fo_buf_printf(b,
                      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"start\" class=\"note\" "
                      "transform=\"rotate(-90 %.1f %.1f)\">",
                      lx, ly, lx, ly);
        fo_svg_escape(b, fo_buf_str(&t));
        fo_buf_puts(b, "</text>");
        fo_buf_reset(&t);
    } else {
        fo_svg_text(b, pl.left + 8, bottom - 10, "start", "note",
                    "The pipeline alone exceeds the %g h limit", p->release_limit_hours);
    }

    /* The crossing: the exact requests needed (not marked while the student searches for it;
     * the attempt's label then goes right of it unless the edge is near). */
    double xc = hide ? right : fo_plot_px(&pl, r->shadow_hours);
    if (!hide) {
        fo_svg_line(b, xc, bottom, xc, yC, "#111827", 1.2, "3 3");
        fo_svg_circle(b, xc, yC, 5.5, "#111827", "#ffffff");
        fo_buf_puts(&t, "n = ");
        fo_buf_grouped(&t, r->requests_needed, 0);
        fo_buf_puts(&t, " requests");
        /* The label goes left of the line, at the bottom (the curve is high there), unless the
         * plot edge or the limit's rotated label is in the way. */
        int left_side = xc - pl.left > 170, raised = 0;
        if (left_side && r->max_window_hours > 0 && xlim < xc && xlim > xc - 150) {
            if (right - xc > 160)
                left_side = 0;
            else
                raised = 1; /* above the rotated label's reach */
        }
        double lx = left_side ? xc - 8 : xc + 8, ly = raised ? yC + 44 : bottom - 30;
        const char *anchor = left_side ? "end" : "start";
        fo_svg_text(b, lx, ly, anchor, "strong", "%s", fo_buf_str(&t));
        fo_buf_reset(&t);
        fo_buf_puts(&t, "C reached at ");
        hours_text(&t, r->shadow_hours);
        fo_svg_text(b, lx, ly + 16, anchor, "note", "%s", fo_buf_str(&t));
        fo_buf_reset(&t);
    }

    /* The attempt. */
    if (r->has_attempt && r->attempt.hours <= xmax) {
        const fo_canary_attempt *a = &r->attempt;
        double xa = fo_plot_px(&pl, a->hours), ya = fo_plot_py(&pl, a->achieved_confidence);
        const char *col = a->safety_ok && a->release_ok ? FO_COLOR_ACCENT : FO_COLOR_WARN;
        fo_svg_line(b, xa, bottom, xa, ya, col, 1.2, "1 3");
        fo_buf_printf(b,
                      "<path d=\"M%.1f %.1fl7 7l-7 7l-7 -7z\" fill=\"%s\" stroke=\"#ffffff\" "
                      "stroke-width=\"1.5\"/>",
                      xa, ya - 7, col);
        /* Label on the side away from the crossing line (and from the plot's edge). */
        int to_right = xa >= xc ? right - xa > 110 : xa - pl.left < 110;
        double ly_a = ya + 22 > bottom - 6 ? ya - 12 : ya + 22;
        fo_svg_text(b, to_right ? xa + 10 : xa - 10, ly_a, to_right ? "start" : "end", "note",
                    "attempt: %.1f%%", 100 * a->achieved_confidence);
    }

    const char *labels[] = {"C(t) = 1 \xe2\x88\x92 P(X \xe2\x89\xa4 k | \xce\xbbt, p)", "target C",
                            "longest window within the limit", "your attempt"};
    const char *colors[] = {FO_COLOR_GOOD, "#111827", FO_COLOR_BAD, FO_COLOR_WARN};
    const char *dashes[] = {NULL, "6 4", NULL, "1 3"};
    fo_svg_legend(b, 24, H - 48, labels, colors, dashes, r->has_attempt ? 4 : 3);

    if (hide) {
        fo_buf_puts(&t, "Find the window: where the curve is above the target line, left of the "
                        "limit");
    } else if (r->feasible) {
        fo_buf_puts(&t, "Windows that satisfy both the Safety Lead and the limit: ");
        hours_text(&t, r->shadow_hours);
        fo_buf_puts(&t, " to ");
        hours_text(&t, r->max_window_hours);
    } else {
        fo_buf_puts(&t, "No window satisfies both: the Safety Lead needs ");
        hours_text(&t, r->shadow_hours);
        fo_buf_puts(&t, ", the limit allows ");
        hours_text(&t, r->max_window_hours > 0 ? r->max_window_hours : 0);
    }
    fo_buf_puts(&t, "  \xc2\xb7  rule of three \xe2\x89\x88 ");
    fo_buf_grouped(&t, r->rule_of_three_requests, 0);
    fo_buf_puts(&t, " (approx.)");
    fo_svg_text(b, 24, H - 18, "start", "note", "%s", fo_buf_str(&t));
    fo_buf_free(&t);
    fo_svg_end(b);
}
