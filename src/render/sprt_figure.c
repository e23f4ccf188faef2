/* sprt_figure.c — the sequential-validation figure (Part 2), three panels:
 *   left: sample canaries' log-likelihood ratio, request by request, between Wald's two
 *         boundaries: the slow downward drift of successes, the jumps of failures, and the
 *         overshoot where a jump carries the path past ln A;
 *   top right: the operating characteristic, P(promote) against the true failure rate, with
 *         the exact error rates at p0 and p1 beside Wald's design values;
 *   bottom right: the expected number of requests against the true rate, with the fixed-sample
 *         test's n for scale: the SPRT is cheaper on average except near the middle. */
#include <math.h>

#include "fleetops/instruments.h"
#include "fleetops/svg.h"

#define W        980
#define H        600
#define COLOR_H0 "#009e73"
#define COLOR_H1 "#cc79a7"

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

static void left_panel(fo_buf *b, const fo_sprt_result *r, const fo_sprt_figure *fig) {
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
    fo_plot pl = {.b = b,
                  .left = 80,
                  .top = 96,
                  .width = 420,
                  .height = 380,
                  .xmin = 0,
                  .xmax = xmax,
                  .ymin = lb - 0.9,
                  .ymax = ymax};
    fo_svg_text(b, pl.left, pl.top - 12, "start", "strong",
                "Sample canaries: the LLR after each request");
    fo_svg_rect(b, pl.left, fo_plot_py(&pl, la), pl.width,
                fo_plot_py(&pl, lb) - fo_plot_py(&pl, la), "#f3f6fa", NULL);
    fo_plot_axes(&pl, "Requests watched (n)", "Log-likelihood ratio", fmt_requests, NULL);
    double right = pl.left + pl.width;
    fo_svg_line(b, pl.left, fo_plot_py(&pl, la), right, fo_plot_py(&pl, la), FO_COLOR_BAD, 2, NULL);
    fo_svg_line(b, pl.left, fo_plot_py(&pl, lb), right, fo_plot_py(&pl, lb), FO_COLOR_GOOD, 2,
                NULL);
    fo_svg_line(b, pl.left, fo_plot_py(&pl, 0), right, fo_plot_py(&pl, 0), FO_COLOR_REF, 1, "2 3");
    for (size_t i = 0; i < fig->npaths; i++)
        if (fig->len[i])
            draw_path(&pl, fig->paths[i], fig->len[i], xmax, fig->under_h1[i] ? COLOR_H1 : COLOR_H0,
                      fig->decision[i]);
    /* Boundary labels on a light plate so that paths crossing them stay readable. */
    fo_buf_printf(b,
                  "<rect x=\"%.1f\" y=\"%.1f\" width=\"150\" height=\"17\" fill=\"#ffffff\" "
                  "fill-opacity=\"0.85\"/>",
                  right - 154, fo_plot_py(&pl, la) - 20);
    fo_buf_printf(b,
                  "<rect x=\"%.1f\" y=\"%.1f\" width=\"150\" height=\"17\" fill=\"#ffffff\" "
                  "fill-opacity=\"0.85\"/>",
                  right - 154, fo_plot_py(&pl, lb) + 3);
    fo_svg_text(b, right - 4, fo_plot_py(&pl, la) - 7, "end", "note",
                "roll back: LLR \xe2\x89\xa5 ln A = %.2f", la);
    fo_svg_text(b, right - 4, fo_plot_py(&pl, lb) + 16, "end", "note",
                "promote: LLR \xe2\x89\xa4 ln B = %.2f", lb);
    fo_svg_text(b, pl.left + 6, fo_plot_py(&pl, lb - 0.9) - 8, "start", "tick",
                "each failure +%.3f, each success %.5f", r->llr_failure, r->llr_success);
}

static void oc_panel(fo_buf *b, const fo_sprt_params *p, const fo_sprt_result *r) {
    double xs[FO_SPRT_OC_POINTS] = {0}, ys[FO_SPRT_OC_POINTS] = {0};
    for (size_t i = 0; i < r->oc_len; i++)
        xs[i] = r->oc[i].p, ys[i] = r->oc[i].accept_h0;
    fo_plot pl = {.b = b,
                  .left = 620,
                  .top = 96,
                  .width = 330,
                  .height = 150,
                  .xmin = 0,
                  .xmax = xs[r->oc_len ? r->oc_len - 1 : 0], /* the OC curve has >= 2 points */
                  .ymin = 0,
                  .ymax = 1};
    fo_svg_text(b, pl.left, pl.top - 12, "start", "strong",
                "Operating characteristic: P(promote | p)");
    fo_plot_axes(&pl, "", "P(promote)", fmt_rate, fo_fmt_percent);
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
    /* Left of p0 the curve hugs 100%, right of p1 it hugs 0: the labels go there. */
    fo_svg_text(b, fo_plot_px(&pl, p->p0) - 6, fo_plot_py(&pl, 1 - r->exact_alpha) + 34, "end",
                "tick", "1\xe2\x88\x92\xce\xb1' = %.3f", 1 - r->exact_alpha);
    fo_svg_text(b, fo_plot_px(&pl, p->p1) + 8, fo_plot_py(&pl, r->exact_beta) - 26, "start", "tick",
                "\xce\xb2' = %.3f", r->exact_beta);
    fo_svg_text(b, fo_plot_px(&pl, p->p0) + 3, bottom - 5, "start", "tick", "p0");
    fo_svg_text(b, fo_plot_px(&pl, p->p1) + 3, pl.top + 12, "start", "tick", "p1");
}

static void asn_panel(fo_buf *b, const fo_sprt_params *p, const fo_sprt_result *r) {
    double xs[FO_SPRT_OC_POINTS] = {0}, ys[FO_SPRT_OC_POINTS] = {0}, ymax = (double)r->fixed_n;
    for (size_t i = 0; i < r->oc_len; i++) {
        xs[i] = r->oc[i].p, ys[i] = r->oc[i].asn;
        if (ys[i] > ymax) ymax = ys[i];
    }
    if (r->exact_asn_h0 > ymax) ymax = r->exact_asn_h0;
    if (r->exact_asn_h1 > ymax) ymax = r->exact_asn_h1;
    double ymin = 0;
    fo_nice_range(&ymin, &ymax, 4);
    fo_plot pl = {.b = b,
                  .left = 620,
                  .top = 318,
                  .width = 330,
                  .height = 158,
                  .xmin = 0,
                  .xmax = xs[r->oc_len ? r->oc_len - 1 : 0], /* the OC curve has >= 2 points */
                  .ymin = 0,
                  .ymax = ymax};
    fo_svg_text(b, pl.left, pl.top - 12, "start", "strong",
                "Expected requests to a decision, E[N | p]");
    fo_plot_axes(&pl, "True failure rate p", "Requests", fmt_rate, fmt_requests);
    double yf = fo_plot_py(&pl, (double)r->fixed_n);
    fo_svg_line(b, pl.left, yf, pl.left + pl.width, yf, "#111827", 1.5, "6 4");
    fo_buf t;
    fo_buf_init(&t);
    fo_buf_puts(&t, "fixed-sample test: n = ");
    fo_buf_grouped(&t, (double)r->fixed_n, 0);
    fo_svg_text(b, pl.left + pl.width - 4, yf - 6, "end", "tick", "%s", fo_buf_str(&t));
    fo_buf_free(&t);
    fo_plot_polyline(&pl, xs, ys, r->oc_len, FO_COLOR_GOOD, 2.5, NULL);
    fo_svg_circle(b, fo_plot_px(&pl, p->p0), fo_plot_py(&pl, r->exact_asn_h0), 3.5, "#111827",
                  NULL);
    fo_svg_circle(b, fo_plot_px(&pl, p->p1), fo_plot_py(&pl, r->exact_asn_h1), 3.5, "#111827",
                  NULL);
}

void fo_draw_sprt(fo_buf *b, int width, const fo_sprt_params *p, const fo_sprt_result *r,
                  const fo_sprt_figure *fig) {
    (void)width; /* not yet laid out by width (issue 15): drawn at its own */
    fo_buf t;
    fo_buf_init(&t);
    fo_buf_printf(&t,
                  "Wald's SPRT for H0 p = %g against H1 p = %g with alpha = %g, beta = %g. "
                  "Boundaries ln A = %.3f and ln B = %.3f. Exact error rates %.4f and %.4f; "
                  "expected requests %.0f under H0 and %.0f under H1, against %lld for the "
                  "fixed-sample test.",
                  p->p0, p->p1, p->alpha, p->beta, r->log_upper_boundary, r->log_lower_boundary,
                  r->exact_alpha, r->exact_beta, r->exact_asn_h0, r->exact_asn_h1, r->fixed_n);
    fo_svg_begin(b, W, H, "Sequential validation: Wald's SPRT", fo_buf_str(&t));
    fo_buf_reset(&t);
    fo_svg_text(b, 24, 30, "start", "title",
                "Sequential validation: stop the canary as soon as the evidence is clear");
    fo_buf_printf(&t,
                  "H0 p = %g vs H1 p = %g  \xc2\xb7  \xce\xb1 = %g, \xce\xb2 = %g  \xc2\xb7  exact "
                  "\xce\xb1' = %.4f, \xce\xb2' = %.4f  \xc2\xb7  E[N | H0] = ",
                  p->p0, p->p1, p->alpha, p->beta, r->exact_alpha, r->exact_beta);
    fo_buf_grouped(&t, r->exact_asn_h0, 0);
    fo_buf_puts(&t, " requests vs fixed n = ");
    fo_buf_grouped(&t, (double)r->fixed_n, 0);
    fo_svg_text(b, 24, 51, "start", "subtitle", "%s", fo_buf_str(&t));
    fo_buf_free(&t);

    left_panel(b, r, fig);
    oc_panel(b, p, r);
    asn_panel(b, p, r);

    const char *labels[] = {"canary with p = p0", "canary with p = p1", "Wald's approximation",
                            "fixed-sample n"};
    const char *colors[] = {COLOR_H0, COLOR_H1, FO_COLOR_GOOD, "#111827"};
    const char *dashes[] = {NULL, NULL, NULL, "6 4"};
    fo_svg_legend(b, 24, H - 44, labels, colors, dashes, 4);
    fo_svg_circle(b, 700, H - 44, 3.5, "#111827", NULL);
    fo_svg_text(b, 710, H - 40, "start", "note", "exact (dynamic program)");
    fo_svg_circle(b, 880, H - 44, 5, "#ffffff", FO_COLOR_GOOD);
    fo_svg_text(b, 890, H - 40, "start", "note", "design \xce\xb1, \xce\xb2");
    fo_svg_text(b, 24, H - 16, "start", "note",
                "A failure jumps the LLR up; every success lowers it a little. Wald's formulas "
                "ignore the overshoot past ln A, so the exact errors differ.");
    fo_svg_end(b);
}
