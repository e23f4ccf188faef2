/* sprt_figure.c — the sequential-validation figure (Part 2), three panels:
 *   left: sample canaries' log-likelihood ratio, request by request, between Wald's two
 *         boundaries: the slow downward drift of successes, the jumps of failures, and the
 *         overshoot where a jump carries the path past ln A;
 *   top right: the operating characteristic, P(promote) against the true failure rate, with
 *         the exact error rates at p0 and p1 beside Wald's design values;
 *   bottom right: the expected number of requests against the true rate, with the fixed-sample
 *         test's n for scale: the SPRT is cheaper on average except near the middle. */
#include <math.h>
#include <stdio.h>

#include "fleetops/instruments.h"
#include "fleetops/svg.h"

#define W_DEFAULT 980
#define TWO_COLS  860 /* from this width the LLR panel has the other two beside it */
#define COLOR_H0  "#009e73"
#define COLOR_H1  "#cc79a7"
#define NB        "\xc2\xa0"
/* The title wraps a tenth short of the width: its bold capitals run wider than the kit's
 * estimate of an advance. */
#define TITLE_W(tw) (0.9 * (tw))

static void fmt_requests(fo_buf *b, double v) {
    if (v >= 1e6)
        fo_buf_printf(b, "%gM", v / 1e6);
    else if (v >= 1e4)
        fo_buf_printf(b, "%gk", v / 1e3);
    else
        fo_buf_grouped(b, v, 0);
}

static void fmt_rate(fo_buf *b, double v) {
    fo_buf_printf(b, "%g%%", v * 100);
}

/* A path clipped at x = xmax (the last segment cut by interpolation). */
static void draw_path(const fo_plot *pl, const fo_sprt_path_point *pts, size_t n, double xmax,
                      const char *color, int decision) {
    double xs[512], ys[512];
    size_t k = 0, step = n > 500 ? n / 500 + 1 : 1, last = 0;
    int cut = 0;
    for (size_t i = 0; i < n && k < 510; i += step) {
        if (pts[i].n > xmax) {
            if (i > 0) {
                const fo_sprt_path_point *a = &pts[last], *c = &pts[i];
                double t = (xmax - a->n) / (c->n - a->n);
                xs[k] = xmax, ys[k] = a->llr + t * (c->llr - a->llr), k++;
            }
            cut = 1;
            break;
        }
        xs[k] = pts[i].n, ys[k] = pts[i].llr, k++;
        last = i;
    }
    if (!cut && last != n - 1 && k < 512) xs[k] = pts[n - 1].n, ys[k] = pts[n - 1].llr, k++;
    fo_plot_polyline(pl, xs, ys, k, color, 1.6, NULL);
    if (!cut && decision != 0)
        fo_svg_circle(pl->b, fo_plot_px(pl, xs[k - 1]), fo_plot_py(pl, ys[k - 1]), 3.5, color,
                      "#ffffff");
}

/* A panel's block, from its heading's first baseline to its last line: the heading (wrapped),
 * the plot, its x ticks and label, and a note below (wrapped, optional). */
typedef struct panel {
    const char *heading, *note;
    double x, w;   /* the column: [x, x + w) */
    double plot_h; /* the data area's height */
    int nh, nn;    /* lines of the heading and the note */
    double y;      /* the heading's first baseline */
} panel;

#define PLOT_LEFT  62.0 /* the plot's left edge from the column's: tick labels and y label */
#define PLOT_RIGHT 14.0 /* room for the last x tick label */

static void panel_measure(panel *pn) {
    pn->nh = fo_svg_wrap(NULL, 0, 0, pn->w, 16, "strong", pn->heading);
    pn->nn = pn->note ? fo_svg_wrap(NULL, 0, 0, pn->w, 15, "tick", pn->note) : 0;
}

static double panel_top(const panel *pn) { /* the data area's top */
    return pn->y + 16 * (pn->nh - 1) + 12;
}

static double panel_h(const panel *pn) { /* heading's first baseline to the last baseline */
    return 16 * (pn->nh - 1) + 12 + pn->plot_h + 42 + (pn->nn ? 22 + 15 * (pn->nn - 1) : 0);
}

static fo_plot panel_plot(fo_buf *b, const panel *pn) {
    fo_plot pl = {.b = b,
                  .left = pn->x + PLOT_LEFT,
                  .top = panel_top(pn),
                  .width = pn->w - PLOT_LEFT - PLOT_RIGHT,
                  .height = pn->plot_h};
    return pl;
}

static void panel_text(fo_buf *b, const panel *pn) {
    fo_svg_wrap(b, pn->x, pn->y, pn->w, 16, "strong", pn->heading);
    if (pn->note)
        fo_svg_wrap(b, pn->x, panel_top(pn) + pn->plot_h + 42 + 22, pn->w, 15, "tick", pn->note);
}

/* A label on a light plate so that paths crossing it stay readable. */
static void plated(fo_buf *b, double x, double y, const char *s) {
    double w = fo_svg_text_w(s, "note");
    fo_buf_printf(b,
                  "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"17\" fill=\"#ffffff\" "
                  "fill-opacity=\"0.85\"/>",
                  x - w - 4, y - 13, w + 8);
    fo_svg_text(b, x, y, "end", "note", "%s", s);
}

static void left_panel(fo_buf *b, const panel *pn, const fo_sprt_result *r,
                       const fo_sprt_figure *fig) {
    double xmax = 0;
    for (size_t i = 0; i < fig->npaths; i++)
        if (fig->len[i] && fig->paths[i][fig->len[i] - 1].n > xmax)
            xmax = fig->paths[i][fig->len[i] - 1].n;
    double cap = 3 * (r->exact_asn_h0 > r->exact_asn_h1 ? r->exact_asn_h0 : r->exact_asn_h1);
    if (xmax > cap) xmax = cap;
    if (!(xmax > 0)) xmax = 1;
    double xmin = 0;
    fo_nice_range(&xmin, &xmax, 5);
    double la = r->log_upper_boundary, lb = r->log_lower_boundary;
    double ymax = la + (r->llr_failure > 0.6 ? r->llr_failure : 0.6) + 0.3;
    fo_plot pl = panel_plot(b, pn);
    pl.xmin = 0, pl.xmax = xmax, pl.ymin = lb - 0.9, pl.ymax = ymax;
    panel_text(b, pn);
    fo_svg_rect(b, pl.left, fo_plot_py(&pl, la), pl.width,
                fo_plot_py(&pl, lb) - fo_plot_py(&pl, la), "#f3f6fa", NULL);
    fo_plot_axes(&pl, "Requests watched, n (requests)", "Log-likelihood ratio (log units)",
                 fmt_requests, NULL);
    double right = pl.left + pl.width;
    fo_svg_line(b, pl.left, fo_plot_py(&pl, la), right, fo_plot_py(&pl, la), FO_COLOR_BAD, 2, NULL);
    fo_svg_line(b, pl.left, fo_plot_py(&pl, lb), right, fo_plot_py(&pl, lb), FO_COLOR_GOOD, 2,
                NULL);
    fo_svg_line(b, pl.left, fo_plot_py(&pl, 0), right, fo_plot_py(&pl, 0), FO_COLOR_REF, 1, "2 3");
    for (size_t i = 0; i < fig->npaths; i++)
        if (fig->len[i])
            draw_path(&pl, fig->paths[i], fig->len[i], xmax, fig->under_h1[i] ? COLOR_H1 : COLOR_H0,
                      fig->decision[i]);
    char s[96];
    snprintf(s, sizeof s, "roll back: LLR \xe2\x89\xa5 ln A = %.2f", la);
    plated(b, right - 4, fo_plot_py(&pl, la) - 7, s);
    snprintf(s, sizeof s, "promote: LLR \xe2\x89\xa4 ln B = %.2f", lb);
    plated(b, right - 4, fo_plot_py(&pl, lb) + 16, s);
}

static void oc_panel(fo_buf *b, const panel *pn, const fo_sprt_params *p, const fo_sprt_result *r) {
    double xs[FO_SPRT_OC_POINTS] = {0}, ys[FO_SPRT_OC_POINTS] = {0};
    for (size_t i = 0; i < r->oc_len; i++)
        xs[i] = r->oc[i].p, ys[i] = r->oc[i].accept_h0;
    fo_plot pl = panel_plot(b, pn);
    pl.xmin = 0, pl.xmax = xs[r->oc_len ? r->oc_len - 1 : 0]; /* the OC curve has >= 2 points */
    pl.ymin = 0, pl.ymax = 1;
    panel_text(b, pn);
    fo_plot_axes(&pl, "True failure rate, p (%)", "P(promote) (%)", fmt_rate, fo_fmt_percent);
    double bottom = pl.top + pl.height;
    fo_svg_line(b, fo_plot_px(&pl, p->p0), pl.top, fo_plot_px(&pl, p->p0), bottom, FO_COLOR_REF, 1,
                "3 3");
    fo_svg_line(b, fo_plot_px(&pl, p->p1), pl.top, fo_plot_px(&pl, p->p1), bottom, FO_COLOR_REF, 1,
                "3 3");
    fo_plot_polyline(&pl, xs, ys, r->oc_len, FO_COLOR_GOOD, 2.5, NULL);
    /* Wald's design values (open) and the exact error rates (filled) at p0 and p1. */
    fo_svg_circle(b, fo_plot_px(&pl, p->p0), fo_plot_py(&pl, 1 - p->alpha), 5, "#ffffff",
                  FO_COLOR_GOOD);
    fo_svg_circle(b, fo_plot_px(&pl, p->p1), fo_plot_py(&pl, p->beta), 5, "#ffffff", FO_COLOR_GOOD);
    fo_svg_circle(b, fo_plot_px(&pl, p->p0), fo_plot_py(&pl, 1 - r->exact_alpha), 3.5, "#111827",
                  NULL);
    fo_svg_circle(b, fo_plot_px(&pl, p->p1), fo_plot_py(&pl, r->exact_beta), 3.5, "#111827", NULL);
    fo_svg_text(b, fo_plot_px(&pl, p->p0) + 3, bottom - 5, "start", "tick", "p0");
    fo_svg_text(b, fo_plot_px(&pl, p->p1) + 3, pl.top + 12, "start", "tick", "p1");
}

static void asn_panel(fo_buf *b, const panel *pn, const fo_sprt_params *p,
                      const fo_sprt_result *r) {
    double xs[FO_SPRT_OC_POINTS] = {0}, ys[FO_SPRT_OC_POINTS] = {0}, ymax = (double)r->fixed_n;
    for (size_t i = 0; i < r->oc_len; i++) {
        xs[i] = r->oc[i].p, ys[i] = r->oc[i].asn;
        if (ys[i] > ymax) ymax = ys[i];
    }
    if (r->exact_asn_h0 > ymax) ymax = r->exact_asn_h0;
    if (r->exact_asn_h1 > ymax) ymax = r->exact_asn_h1;
    double ymin = 0;
    fo_nice_range(&ymin, &ymax, 4);
    fo_plot pl = panel_plot(b, pn);
    pl.xmin = 0, pl.xmax = xs[r->oc_len ? r->oc_len - 1 : 0]; /* the OC curve has >= 2 points */
    pl.ymin = 0, pl.ymax = ymax;
    panel_text(b, pn);
    fo_plot_axes(&pl, "True failure rate, p (%)", "E[N | p] (requests)", fmt_rate, fmt_requests);
    double yf = fo_plot_py(&pl, (double)r->fixed_n);
    fo_svg_line(b, pl.left, yf, pl.left + pl.width, yf, "#111827", 1.5, "6 4");
    fo_buf t;
    fo_buf_init(&t);
    fo_buf_puts(&t, "fixed-sample test: n = ");
    fo_buf_grouped(&t, (double)r->fixed_n, 0);
    /* Above the line, or below it when the plot's top is too close. */
    fo_svg_text(b, pl.left + pl.width - 4, yf - 6 < pl.top + 14 ? yf + 16 : yf - 6, "end", "tick",
                "%s", fo_buf_str(&t));
    fo_buf_free(&t);
    fo_plot_polyline(&pl, xs, ys, r->oc_len, FO_COLOR_GOOD, 2.5, NULL);
    fo_svg_circle(b, fo_plot_px(&pl, p->p0), fo_plot_py(&pl, r->exact_asn_h0), 3.5, "#111827",
                  NULL);
    fo_svg_circle(b, fo_plot_px(&pl, p->p1), fo_plot_py(&pl, r->exact_asn_h1), 3.5, "#111827",
                  NULL);
}

/* The legend: lines (solid or dashed) and marks (filled or open circles), flowing into rows
 * 20 px apart so that no entry passes `right`; returns the rows. b NULL: only counts them. */
#define LEGEND_N 6
static int legend(fo_buf *b, double x, double y, double right) {
    static const char *const labels[LEGEND_N] = {
        "canary with p = p0", "canary with p = p1",      "Wald's approximation",
        "fixed-sample n",     "exact (dynamic program)", "design \xce\xb1, \xce\xb2"};
    static const char *const colors[LEGEND_N] = {COLOR_H0,  COLOR_H1,  FO_COLOR_GOOD,
                                                 "#111827", "#111827", FO_COLOR_GOOD};
    double x0 = x;
    int rows = 1;
    for (size_t i = 0; i < LEGEND_N; i++) {
        int mark = i >= 4;
        double w = (mark ? 14 : 30) + fo_svg_text_w(labels[i], "note");
        if (x > x0 && x + w > right) x = x0, y += 20, rows++;
        if (b) {
            if (i == 4)
                fo_svg_circle(b, x + 4, y, 3.5, colors[i], NULL);
            else if (i == 5)
                fo_svg_circle(b, x + 4, y, 5, "#ffffff", colors[i]);
            else
                fo_svg_line(b, x, y, x + 24, y, colors[i], 3, i == 3 ? "6 4" : NULL);
            fo_svg_text(b, x + (mark ? 14 : 30), y + 4, "start", "note", "%s", labels[i]);
        }
        x += w + 20;
    }
    return rows;
}

void fo_draw_sprt(fo_buf *b, int width, const fo_sprt_params *p, const fo_sprt_result *r,
                  const fo_sprt_figure *fig) {
    /* Laid out for the width it is shown at: the LLR panel with the other two beside it from
     * TWO_COLS px, all three stacked below; headings, notes, legend and texts wrap. */
    double W = width ? width : W_DEFAULT, m = W < 480 ? 14 : 24, tw = W - 2 * m;
    fo_buf t, sub;
    fo_buf_init(&t);
    fo_buf_init(&sub);
    fo_buf_printf(&t,
                  "Wald's SPRT for H0 p = %g against H1 p = %g with alpha = %g, beta = %g. "
                  "Boundaries ln A = %.3f and ln B = %.3f. Exact error rates %.4f and %.4f; "
                  "expected requests %.0f under H0 and %.0f under H1, against %lld for the "
                  "fixed-sample test.",
                  p->p0, p->p1, p->alpha, p->beta, r->log_upper_boundary, r->log_lower_boundary,
                  r->exact_alpha, r->exact_beta, r->exact_asn_h0, r->exact_asn_h1, r->fixed_n);
    /* No-break spaces (NB) keep each "name = value" on one line when the subtitle wraps. */
    fo_buf_printf(&sub,
                  "H0 p" NB "=" NB "%g vs H1 p" NB "=" NB "%g  \xc2\xb7  \xce\xb1" NB "=" NB
                  "%g, \xce\xb2" NB "=" NB "%g  \xc2\xb7  exact \xce\xb1'" NB "=" NB
                  "%.4f, \xce\xb2'" NB "=" NB "%.4f  \xc2\xb7  E[N" NB "|" NB "H0]" NB "=" NB,
                  p->p0, p->p1, p->alpha, p->beta, r->exact_alpha, r->exact_beta);
    fo_buf_grouped(&sub, r->exact_asn_h0, 0);
    fo_buf_puts(&sub, " requests vs fixed n" NB "=" NB);
    fo_buf_grouped(&sub, (double)r->fixed_n, 0);
    static const char title[] =
        "Sequential validation: stop the canary as soon as the evidence is clear";
    static const char note[] = "A failure jumps the LLR up; every success lowers it a little. "
                               "Wald's formulas ignore the overshoot past ln A, so the exact "
                               "errors differ.";
    char llr_note[120], oc_note[120];
    snprintf(llr_note, sizeof llr_note, "each failure +%.3f, each success %.5f", r->llr_failure,
             r->llr_success);
    snprintf(oc_note, sizeof oc_note,
             "exact: 1\xe2\x88\x92\xce\xb1' = %.3f at p0, \xce\xb2' = %.3f at p1",
             1 - r->exact_alpha, r->exact_beta);

    int two = W >= TWO_COLS;
    double colw = two ? (W - 2 * m) * 0.5 : tw;
    panel left = {.heading = "Sample canaries: the LLR after each request",
                  .note = llr_note,
                  .x = m,
                  .w = two ? colw - 10 : tw};
    panel oc = {.heading = "Operating characteristic: P(promote" NB "|" NB "p)",
                .note = oc_note,
                .x = two ? m + colw + 10 : m,
                .w = two ? colw - 10 : tw,
                .plot_h = 140};
    panel asn = {.heading = "Expected requests to a decision, E[N" NB "|" NB "p]",
                 .x = oc.x,
                 .w = oc.w,
                 .plot_h = 150};
    panel_measure(&left);
    panel_measure(&oc);
    panel_measure(&asn);

    int nt = fo_svg_wrap(NULL, 0, 0, TITLE_W(tw), 21, "title", title),
        ns = fo_svg_wrap(NULL, 0, 0, tw, 17, "subtitle", fo_buf_str(&sub));
    double y = 30 + 21 * nt + 17 * (ns - 1) + 30, gap = 40, end;
    if (two) {
        oc.y = left.y = y;
        asn.y = oc.y + panel_h(&oc) + gap;
        double right_h = asn.y + panel_h(&asn) - y;
        left.plot_h = right_h - (panel_h(&left) - left.plot_h);
        end = y + right_h;
    } else {
        left.plot_h = W < 480 ? 260 : 300;
        left.y = y;
        oc.y = left.y + panel_h(&left) + gap;
        asn.y = oc.y + panel_h(&oc) + gap;
        end = asn.y + panel_h(&asn);
    }
    double ly = end + 34;
    int nl = legend(NULL, m, ly, W - m), nn = fo_svg_wrap(NULL, 0, 0, tw, 16, "note", note);
    double ny = ly + 20 * (nl - 1) + 30, H = ny + 16 * (nn - 1) + 14;

    fo_svg_begin(b, (int)W, (int)ceil(H), "Sequential validation: Wald's SPRT", fo_buf_str(&t));
    fo_svg_wrap(b, m, 30, TITLE_W(tw), 21, "title", title);
    fo_svg_wrap(b, m, 30 + 21 * nt, tw, 17, "subtitle", fo_buf_str(&sub));
    fo_buf_free(&t);
    fo_buf_free(&sub);

    left_panel(b, &left, r, fig);
    oc_panel(b, &oc, p, r);
    asn_panel(b, &asn, p, r);

    legend(b, m, ly, W - m);
    fo_svg_wrap(b, m, ny, tw, 16, "note", note);
    fo_svg_end(b);
}
