/* confidence_clock.c — the Confidence Clock (Part 2): the confidence C(t) that the failure
 * rate is below p after t hours of shadow, against the target C. Marked: the crossing (the
 * exact requests needed), the longest window the release limit allows (shaded beyond), and
 * the student's attempt when there is one. */
#include <math.h>

#include "fleetops/instruments.h"
#include "fleetops/svg.h"

#define W_DEFAULT 780

static void hours_text(fo_buf *b, double h) {
    fo_buf_grouped(b, h, h < 10 ? 2 : 1);
    fo_buf_puts(b, " h");
}

static void fmt_hours_tick(fo_buf *b, double v) {
    fo_fmt_plain(b, v);
}

void fo_draw_confidence_clock(fo_buf *b, int width, const fo_canary_params *p,
                              const fo_canary_result *r) {
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
    const char *title = "Confidence Clock: how long must shadow mode watch?";
    fo_buf sub, foot;
    fo_buf_init(&sub), fo_buf_init(&foot);
    fo_buf_printf(&sub,
                  "Target C = %.4g%%, failure rate p = %g, k = %lld failures allowed  \xc2\xb7  ",
                  100 * C, p->failure_rate, p->allowed_failures);
    fo_buf_grouped(&sub, r->monitored_per_hour, 1);
    fo_buf_printf(&sub, " scored requests/h  \xc2\xb7  pipeline %g h, limit %g h",
                  p->pipeline_overhead_hours, p->release_limit_hours);
    if (hide) {
        fo_buf_puts(&foot, "Find the window: where the curve is above the target line, left of "
                           "the limit");
    } else if (r->feasible) {
        fo_buf_puts(&foot, "Windows that satisfy both the Safety Lead and the limit: ");
        hours_text(&foot, r->shadow_hours);
        fo_buf_puts(&foot, " to ");
        hours_text(&foot, r->max_window_hours);
    } else {
        fo_buf_puts(&foot, "No window satisfies both: the Safety Lead needs ");
        hours_text(&foot, r->shadow_hours);
        fo_buf_puts(&foot, ", the limit allows ");
        hours_text(&foot, r->max_window_hours > 0 ? r->max_window_hours : 0);
    }
    fo_buf_puts(&foot, "  \xc2\xb7  rule of three \xe2\x89\x88 ");
    fo_buf_grouped(&foot, r->rule_of_three_requests, 0);
    fo_buf_puts(&foot, " (approx.)");
    const char *labels[] = {"C(t) = 1 \xe2\x88\x92 P(X \xe2\x89\xa4 k | \xce\xbbt, p)", "target C",
                            "longest window within the limit", "your attempt"};
    const char *colors[] = {FO_COLOR_GOOD, "#111827", FO_COLOR_BAD, FO_COLOR_WARN};
    const char *dashes[] = {NULL, "6 4", NULL, "1 3"};
    size_t nleg = r->has_attempt ? 4 : 3;

    /* Laid out for the width it is shown at: the plot takes what the margins leave, and the
     * title, subtitle, legend and footer wrap by rule. */
    double W = width ? width : W_DEFAULT, tw = W - 48;
    int nt = fo_svg_wrap(NULL, 0, 0, tw, 21, "title", title),
        ns = fo_svg_wrap(NULL, 0, 0, tw, 17, "subtitle", fo_buf_str(&sub)),
        nl = fo_svg_legend_rows(NULL, 24, 0, W - 24, labels, colors, dashes, nleg),
        nf = fo_svg_wrap(NULL, 0, 0, tw, 17, "note", fo_buf_str(&foot));
    double top = 30 + 21 * nt + 17 * ns + 26, ph = W < 560 ? 240 : 300;
    double legy = top + ph + 88, footy = legy + 20 * (nl - 1) + 30;
    double H = footy + 17 * (nf - 1) + 18;
    fo_svg_begin(b, (int)W, (int)ceil(H), "Confidence Clock: confidence vs hours of shadow",
                 fo_buf_str(&t));
    fo_buf_reset(&t);

    fo_plot pl = {.b = b,
                  .left = 84,
                  .top = top,
                  .width = W - 84 - 46,
                  .height = ph,
                  .xmin = 0,
                  .xmax = xmax,
                  .ymin = 0,
                  .ymax = 1};
    double bottom = pl.top + pl.height, right = pl.left + pl.width;
    fo_svg_wrap(b, 24, 30, tw, 21, "title", title);
    fo_svg_wrap(b, 24, 30 + 21 * nt, tw, 17, "subtitle", fo_buf_str(&sub));
    fo_buf_free(&sub);

    /* Beyond the longest window the limit allows, the release cycle is over the limit. */
    double xlim = r->max_window_hours > 0 ? fo_plot_px(&pl, r->max_window_hours) : pl.left;
    if (xlim < right) fo_svg_rect(b, xlim, pl.top, right - xlim, pl.height, "#fdeeea", NULL);
    fo_plot_axes(&pl, "Shadow mode t (hours)", "Confidence C(t) (%)", fmt_hours_tick,
                 fo_fmt_percent);

    /* Target line. */
    double yC = fo_plot_py(&pl, C);
    fo_svg_line(b, pl.left, yC, right, yC, "#111827", 1.2, "6 4");
    fo_svg_text(b, pl.left + 6, yC - 6, "start", "note", "target C = %.4g%%", 100 * C);

    fo_plot_polyline(&pl, xs, ys, n, FO_COLOR_GOOD, 3, NULL);

    /* The release limit: a line at the longest window, labelled along it, inside the shade. */
    if (r->max_window_hours > 0) {
        fo_svg_line(b, xlim, pl.top, xlim, bottom, FO_COLOR_BAD, 2, NULL);
        /* while the student searches, the limit is named, not the longest window it leaves */
        fo_buf_printf(&t, "%g h cycle limit%s", p->release_limit_hours,
                      hide ? "" : ": window \xe2\x89\xa4 ");
        if (!hide) hours_text(&t, r->max_window_hours);
        /* Above the plot, beside the line: clear of the curve and of the target's label; on a
         * narrow figure shortened to "limit: window <= 72 h" when the whole does not fit. */
        double lw = fo_svg_text_w(fo_buf_str(&t), "note");
        if (xlim - 4 - lw < pl.left && xlim + 4 + lw > W - 8) {
            fo_buf_reset(&t);
            fo_buf_puts(&t, hide ? "cycle limit" : "limit: window \xe2\x89\xa4 ");
            if (!hide) hours_text(&t, r->max_window_hours);
            lw = fo_svg_text_w(fo_buf_str(&t), "note");
        }
        int before = xlim - 4 - lw >= pl.left;
        fo_svg_text(b, before ? xlim - 4 : xlim + 4, pl.top - 12, before ? "end" : "start", "note",
                    "%s", fo_buf_str(&t));
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
        double lw = fo_svg_text_w(fo_buf_str(&t), "strong") + 16;
        int left_side = xc - pl.left > lw;
        double lx = left_side ? xc - 8 : xc + 8, ly = bottom - 30;
        const char *anchor = left_side ? "end" : "start";
        if (left_side || right - xc > lw) { /* else the footer states the window */
            fo_svg_text(b, lx, ly, anchor, "strong", "%s", fo_buf_str(&t));
            fo_buf_reset(&t);
            fo_buf_puts(&t, "C reached at ");
            hours_text(&t, r->shadow_hours);
            fo_svg_text(b, lx, ly + 16, anchor, "note", "%s", fo_buf_str(&t));
        }
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

    fo_svg_legend_rows(b, 24, legy, W - 24, labels, colors, dashes, nleg);
    fo_svg_wrap(b, 24, footy, tw, 17, "note", fo_buf_str(&foot));
    fo_buf_free(&foot);
    fo_buf_free(&t);
    fo_svg_end(b);
}
