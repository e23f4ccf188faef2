/* crisis_tiny_domino.c — Tiny Pioneer's instrument: the before/after trace of the Dependency
 * Domino. Two columns on the same requests. Left, unpinned: noise-isolation v2 publishes the
 * latest view, its features flow into the wake-word detector trained on v1 with no check and
 * no error, and accuracy falls. Right, pinned: the detector's contract names @v1; the deploy
 * that would move it to @v2 meets the contract check, which blocks it, so the detector keeps
 * reading @v1 and its accuracy holds. Under each flow: the accuracy against the v1 baseline,
 * the skew of what the detector is served (PSI per feature against the 0.1 threshold) and the
 * traced requests as that column's detector answers them. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fleetops/instruments.h"
#include "fleetops/svg.h"

#define W_DEFAULT 1000
#define SIDE_MIN  900 /* narrower: the two columns stack */
#define NARROW    420 /* a column narrower than this: boxes and rows take their narrow shape */
#define INK       "#1f2937"
#define GREY      "#9ca3af"

#define LIGHT_BAD  "#fbe5d9"
#define LIGHT_GOOD "#e3eef8"
#define LIGHT_WARN "#fdf0d5"
#define LIGHT_GREY "#f3f4f6"

#define MAX_LINES 6 /* text items in one box */
#define PSI_H     70.0

/* A line of text in a box: its class, its fill (NULL: the class's) and the text; it wraps to
 * the box's width, so a box's height follows from its items. */
typedef struct item {
    const char *cls, *fill;
    char text[160];
} item;

typedef struct lines {
    item it[MAX_LINES];
    int n;
} lines;

static void add(lines *l, const char *cls, const char *fill, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add(lines *l, const char *cls, const char *fill, const char *fmt, ...) {
    if (l->n >= MAX_LINES) return;
    item *t = &l->it[l->n++];
    t->cls = cls, t->fill = fill;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->text, sizeof t->text, fmt, ap);
    va_end(ap);
}

/* The items centred at cx from the first baseline y, 16 px a line; returns the lines (b NULL:
 * only counts them). */
static int put_lines(fo_buf *b, double cx, double y, double maxw, const lines *l) {
    int n = 0;
    for (int i = 0; i < l->n; i++)
        n += fo_svg_wrap_at(b, cx, y + 16 * n, maxw, 16, l->it[i].cls, "middle", l->it[i].fill,
                            l->it[i].text);
    return n;
}

/* The layout of a column for its width: offsets from the column's top, the same for both
 * columns (side by side their boxes line up). */
typedef struct geo {
    double cw;
    int narrow;
    double up_w, view_w, pview_w, gate_w, det_w; /* box widths */
    double head_h, up, up_h, view, view_h, gate, gate_h, det, acc, acc_h, psi, trace, trace_dy, end;
    int n_flow, n_acc_line, n_psi_head, n_trace_head;
} geo;

static void box(fo_buf *b, double x, double y, double w, double h, const char *fill,
                const char *stroke, double stroke_w, const char *dash) {
    fo_buf_printf(b,
                  "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"6\" "
                  "fill=\"%s\" stroke=\"%s\" stroke-width=\"%.1f\"",
                  x, y, w, h, fill, stroke, stroke_w);
    if (dash) fo_buf_printf(b, " stroke-dasharray=\"%s\"", dash);
    fo_buf_puts(b, "/>");
}

/* Text in a colour other than the stylesheet's. */
static void text_fill(fo_buf *b, double x, double y, const char *anchor, const char *cls,
                      const char *fill, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void text_fill(fo_buf *b, double x, double y, const char *anchor, const char *cls,
                      const char *fill, const char *fmt, ...) {
    fo_buf tmp;
    fo_buf_init(&tmp);
    va_list ap;
    va_start(ap, fmt);
    fo_buf_vprintf(&tmp, fmt, ap);
    va_end(ap);
    fo_buf_printf(b,
                  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\" fill=\"%s\" "
                  "style=\"fill:%s\">",
                  x, y, anchor, cls, fill, fill);
    fo_svg_escape(b, fo_buf_str(&tmp));
    fo_buf_puts(b, "</text>");
    fo_buf_free(&tmp);
}

/* A vertical arrow from y1 down to y2 (the head at y2). */
static void arrow_down(fo_buf *b, double x, double y1, double y2, const char *color, double w) {
    fo_svg_line(b, x, y1, x, y2 - 8, color, w, NULL);
    fo_buf_printf(b, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"%s\"/>", x, y2,
                  x - 5, y2 - 9, x + 5, y2 - 9, color);
}

static void capitalised(char *out, size_t n, const char *s) {
    snprintf(out, n, "%s", s);
    if (out[0] >= 'a' && out[0] <= 'z') out[0] = (char)(out[0] - 32);
}

/* The colour of a column's outcome: a silent failure is bad; a detector served a version other
 * than its training one without failing is a warning; served what it was trained on is good. */
static const char *outcome_color(const fo_tiny_column *c) {
    if (c->silent_failure) return FO_COLOR_BAD;
    return c->served_version != c->trained_version ? FO_COLOR_WARN : FO_COLOR_GOOD;
}

static const char *light_of(const char *color) {
    return strcmp(color, FO_COLOR_BAD) == 0    ? LIGHT_BAD
           : strcmp(color, FO_COLOR_WARN) == 0 ? LIGHT_WARN
                                               : LIGHT_GOOD;
}

/* The box's height for n lines of text. */
static double box_h(int n) {
    return 16.0 * n + 18;
}

static void up_lines(lines *l, const fo_tiny_result *r, const fo_ensemble_story *s) {
    char up[64];
    capitalised(up, sizeof up, s->upstream);
    add(l, "strong", NULL, "%s v2 released", up);
    add(l, "tick", NULL, "publishes %s@v2 (schema %.8s)", r->run.served_view.name,
        r->run.served_view.hash_hex);
}

static void view_lines(lines *l, int version, const char *hash, const char *note) {
    add(l, "strong", NULL, "@v%d  %.8s", version, hash);
    add(l, "tick", NULL, "%s", note);
}

/* The notes of the pinned column's two view boxes. */
static const char *pinned_note(const fo_tiny_column *c, int v2) {
    if (c->deploy_blocked)
        return v2 ? "new version, readable" : "pinned by the detector's contract";
    return v2 ? "contract bumped to it" : "the previous contract";
}

static void det_lines(lines *l, const fo_tiny_column *c, const fo_ensemble_story *s) {
    char down[64];
    capitalised(down, sizeof down, s->downstream);
    add(l, "strong", NULL, "%s", down);
    add(l, "note", outcome_color(c), "trained on @v%d, served @v%d %s", c->trained_version,
        c->served_version,
        c->served_version == c->trained_version ? "\xe2\x9c\x93" : "\xe2\x89\xa0");
}

static void nogate_lines(lines *l, const fo_tiny_result *r) {
    add(l, "strong", NULL, "No contract check");
    add(l, "tick", NULL, "serving checks the shape only:");
    add(l, "tick", NULL, "%d = %d features, so no error is raised", r->run.served_view.dims,
        r->run.trained_view.dims);
}

static void gate_lines(lines *l, const fo_tiny_result *r, int sealed) {
    const fo_ensemble_result *run = &r->run;
    const fo_fs_check_result *ck = &run->check;
    int blocked = r->pinned.deploy_blocked;
    const char *gate_col = blocked ? FO_COLOR_BAD : FO_COLOR_GOOD;
    double worst = 0;
    for (int f = 0; f < ck->dims; f++)
        worst = ck->feature[f].psi > worst ? ck->feature[f].psi : worst;
    add(l, "strong", gate_col, "Contract check: %s",
        sealed                              ? (ck->contract_ok ? "PASS" : "FAIL")
        : strcmp(ck->verdict, "fail") == 0  ? "FAIL"
        : strcmp(ck->verdict, "drift") == 0 ? "DRIFT"
                                            : "PASS");
    add(l, "tick", ck->contract_ok ? INK : FO_COLOR_BAD, "contract @v%d %.8s %s @v%d %.8s",
        run->trained_version, run->trained_view.hash_hex, ck->contract_ok ? "=" : "\xe2\x89\xa0",
        run->served_version, run->served_view.hash_hex);
    if (!sealed) /* the skew is Part 3's evidence */
        add(l, "tick", ck->skew_flagged ? FO_COLOR_BAD : INK,
            "%d of %d features skewed (max PSI\xc2\xa0%.2f)", ck->flagged_features, ck->dims,
            worst);
    add(l, "strong", gate_col, "%s", blocked ? "deploy to @v2 blocked" : "deploy to @v2 allowed");
}

/* The pinned column's horizontal plan: its two views, the @v1 path and the gate. Wide, the
 * @v1 path runs down the middle of its view with its label on its left and the gate to its
 * right; narrow, the path hugs the column's left edge and its label goes under the gate. */
typedef struct pinned_plan {
    double v1x, v2x, v1c, v2c, lx, gl, gw;
} pinned_plan;

static pinned_plan plan_pinned(const geo *g, double x) {
    pinned_plan q;
    double mid = x + g->cw / 2, vw = g->pview_w;
    q.v1x = mid - 12 - vw, q.v2x = mid + 12, q.v1c = q.v1x + vw / 2, q.v2c = q.v2x + vw / 2;
    q.lx = g->narrow ? x + 14 : q.v1c;
    q.gl = q.lx + 20;
    q.gw = x + g->cw - q.gl;
    return q;
}

static void flow_text(char *out, size_t n, const fo_tiny_column *c) {
    snprintf(out, n, "v%d features flow in: %lld errors raised", c->served_version,
             c->errors_raised);
}

static void pinned_text(char *out, size_t n, const fo_tiny_column *c) {
    if (c->deploy_blocked)
        snprintf(out, n, "v%d features, %lld errors", c->served_version, c->errors_raised);
    else
        snprintf(out, n, "v%d features: %lld errors", c->served_version, c->errors_raised);
}

static void acc_text(char *line, size_t n, const fo_tiny_column *c, const fo_tiny_result *r,
                     double margin) {
    if (c->silent_failure)
        snprintf(line, n, "SILENT FAILURE: %.1f points down, %lld errors raised",
                 100 * c->accuracy_drop, c->errors_raised);
    else if (c->accuracy_drop == 0 && r->unpinned.accuracy > c->accuracy)
        snprintf(line, n, "stays at the baseline: blocked by version, not by harm");
    else if (c->accuracy_drop == 0)
        snprintf(line, n, "holds at the baseline: the detector reads what it learned");
    else
        snprintf(line, n, "%+.1f points vs the baseline (margin %g): no silent failure",
                 -100 * c->accuracy_drop, 100 * margin);
}

static void psi_text(char *out, size_t n, const fo_tiny_column *c) {
    snprintf(out, n, "Skew of what the detector is served: %d of %d features flagged",
             c->skew.flagged_features, c->skew.dims);
}

static void trace_text(char *out, size_t n, const fo_tiny_column *c, const fo_tiny_result *r) {
    const fo_ensemble_result *run = &r->run;
    int right = 0;
    for (int k = 0; k < run->trace_len; k++)
        right += c->trace[k].correct;
    fo_buf nb;
    fo_buf_init(&nb);
    fo_buf_grouped(&nb, (double)run->requests_served, 0);
    snprintf(out, n, "Traced requests, mixed as in all %s: %d of %d right", fo_buf_str(&nb), right,
             run->trace_len);
    fo_buf_free(&nb);
}

static void heading_text(char *t, size_t nt, char *sub, size_t ns, const fo_tiny_column *c,
                         const fo_tiny_result *r) {
    if (!c->pinned) {
        snprintf(t, nt, "Before: unpinned views");
        snprintf(sub, ns, "the detector reads %s@latest; nothing checks what arrives",
                 r->run.served_view.name);
    } else {
        snprintf(t, nt, "After: pinned views + contract check");
        snprintf(sub, ns, "the detector's contract names a view version and its schema hash");
    }
}

static int imax(int a, int b) {
    return a > b ? a : b;
}

/* The column layout for a column `cw` px wide: every wrapped text counted first. */
static geo layout(double cw, const fo_tiny_params *p, const fo_tiny_result *r,
                  const fo_ensemble_story *s, int sealed) {
    geo g = {.cw = cw, .narrow = cw < NARROW};
    g.up_w = fmin(340, cw), g.view_w = fmin(290, cw), g.pview_w = fmin(220, (cw - 24) / 2);
    g.gate_w = fmin(320, cw), g.det_w = fmin(300, cw);
    const fo_tiny_column *cols[2] = {&r->unpinned, &r->pinned};
    int nh = 0;
    for (int c = 0; c < 2; c++) {
        char t[120], sub[200];
        heading_text(t, sizeof t, sub, sizeof sub, cols[c], r);
        nh = imax(nh, 21 * fo_svg_wrap(NULL, 0, 0, cw, 21, "title", t) +
                          17 * fo_svg_wrap(NULL, 0, 0, cw, 17, "subtitle", sub));
    }
    g.head_h = nh;
    g.up = nh - 6; /* the subtitle's last baseline + 14 */
    lines l = {0};
    up_lines(&l, r, s);
    g.up_h = box_h(put_lines(NULL, 0, 0, g.up_w - 16, &l));
    g.view = g.up + g.up_h + 28;
    lines v = {0}, v1 = {0}, v2 = {0};
    view_lines(&v, 2, "", "the latest version: what the detector reads");
    view_lines(&v1, 1, "", pinned_note(&r->pinned, 0));
    view_lines(&v2, 2, "", pinned_note(&r->pinned, 1));
    int nv = imax(put_lines(NULL, 0, 0, g.view_w - 16, &v),
                  imax(put_lines(NULL, 0, 0, g.pview_w - 12, &v1),
                       put_lines(NULL, 0, 0, g.pview_w - 12, &v2)));
    g.view_h = box_h(nv);
    g.gate = g.view + g.view_h + 30;
    pinned_plan q = plan_pinned(&g, 0);
    lines gu = {0}, gp = {0};
    nogate_lines(&gu, r);
    gate_lines(&gp, r, sealed);
    g.gate_h = box_h(
        imax(put_lines(NULL, 0, 0, g.gate_w - 16, &gu), put_lines(NULL, 0, 0, q.gw - 16, &gp)));
    char ft[120];
    flow_text(ft, sizeof ft, &r->unpinned);
    g.n_flow = fo_svg_wrap(NULL, 0, 0, cw / 2 - 14, 16, "note", ft);
    if (g.narrow && r->pinned.deploy_blocked) {
        pinned_text(ft, sizeof ft, &r->pinned);
        g.n_flow =
            imax(g.n_flow, fo_svg_wrap(NULL, 0, 0, q.v2c - 16 - (q.lx + 10), 16, "note", ft));
    }
    g.det = g.gate + g.gate_h + fmax(38, 24 + 16.0 * g.n_flow);
    g.end = g.det + box_h(2) + 10;
    if (sealed) return g;
    g.acc = g.det + box_h(2) + 44;
    g.n_acc_line = 1;
    for (int c = 0; c < 2; c++) {
        char line[200];
        acc_text(line, sizeof line, cols[c], r, p->silent_failure_margin);
        g.n_acc_line = imax(g.n_acc_line, fo_svg_wrap(NULL, 0, 0, cw, 16, "note", line));
        psi_text(line, sizeof line, cols[c]);
        g.n_psi_head = imax(g.n_psi_head, fo_svg_wrap(NULL, 0, 0, cw, 16, "strong", line));
        trace_text(line, sizeof line, cols[c], r);
        g.n_trace_head = imax(g.n_trace_head, fo_svg_wrap(NULL, 0, 0, cw, 16, "strong", line));
    }
    g.psi = g.acc + 74 + 16 * (g.n_acc_line - 1) + 30 + 16 * (g.n_psi_head - 1) + 18;
    g.trace = g.psi + PSI_H + 44 + 16 * (g.n_trace_head - 1) + 18 + (g.narrow ? 16 : 0) + 18;
    g.trace_dy = g.narrow ? 36 : 19;
    g.end = g.trace + (r->run.trace_len - 1) * g.trace_dy + (g.narrow ? 18 : 0) + 10;
    return g;
}

static void boxed(fo_buf *b, double cx, double y, double w, double h, const char *fill,
                  const char *stroke, double sw, const char *dash, const lines *l, double maxw) {
    box(b, cx - w / 2, y, w, h, fill, stroke, sw, dash);
    put_lines(b, cx, y + 18, maxw, l);
}

static void unpinned_flow(fo_buf *b, const geo *g, double x, double y0, const fo_tiny_result *r,
                          const fo_ensemble_story *s) {
    const fo_tiny_column *c = &r->unpinned;
    double mid = x + g->cw / 2;
    const char *col = outcome_color(c);
    lines l = {0};
    up_lines(&l, r, s);
    boxed(b, mid, y0 + g->up, g->up_w, g->up_h, LIGHT_GREY, GREY, 1, NULL, &l, g->up_w - 16);
    arrow_down(b, mid, y0 + g->up + g->up_h, y0 + g->view, "#6b7280", 1.6);
    lines v = {0};
    view_lines(&v, c->served_version, c->served_hash,
               "the latest version: what the detector reads");
    boxed(b, mid, y0 + g->view, g->view_w, g->view_h, LIGHT_GREY, GREY, 1, NULL, &v,
          g->view_w - 16);
    /* No gate: a dashed, empty frame where the check would stand. */
    lines gl = {0};
    nogate_lines(&gl, r);
    boxed(b, mid, y0 + g->gate, g->gate_w, g->gate_h, "#ffffff", GREY, 1, "5 4", &gl,
          g->gate_w - 16);
    arrow_down(b, mid, y0 + g->view + g->view_h, y0 + g->gate, col, 2.4);
    arrow_down(b, mid, y0 + g->gate + g->gate_h, y0 + g->det, col, 2.4);
    char ft[120];
    flow_text(ft, sizeof ft, c);
    fo_svg_wrap_at(b, mid + 10, y0 + g->gate + g->gate_h + 18, g->cw / 2 - 14, 16, "note", "start",
                   col, ft);
    lines d = {0};
    det_lines(&d, c, s);
    boxed(b, mid, y0 + g->det, g->det_w, box_h(2), light_of(col), col, 2, NULL, &d, g->det_w - 16);
}

static void pinned_flow(fo_buf *b, const geo *g, double x, double y0, const fo_tiny_result *r,
                        const fo_ensemble_story *s, int sealed) {
    const fo_tiny_column *c = &r->pinned;
    const fo_ensemble_result *run = &r->run;
    double mid = x + g->cw / 2, vw = g->pview_w;
    pinned_plan q = plan_pinned(g, x);
    int blocked = c->deploy_blocked;
    double yv = y0 + g->view, yg = y0 + g->gate, yd = y0 + g->det;
    lines l = {0};
    up_lines(&l, r, s);
    boxed(b, mid, y0 + g->up, g->up_w, g->up_h, LIGHT_GREY, GREY, 1, NULL, &l, g->up_w - 16);
    /* v2 is published whatever happens downstream: old versions stay readable beside it. */
    arrow_down(b, q.v2c, y0 + g->up + g->up_h, yv, "#6b7280", 1.6);
    lines v1 = {0}, v2 = {0};
    view_lines(&v1, run->baseline_view.version, run->baseline_view.hash_hex, pinned_note(c, 0));
    view_lines(&v2, run->served_view.version, run->served_view.hash_hex, pinned_note(c, 1));
    if (blocked) {
        boxed(b, q.v1c, yv, vw, g->view_h, LIGHT_GOOD, FO_COLOR_GOOD, 2, NULL, &v1, vw - 12);
        boxed(b, q.v2c, yv, vw, g->view_h, LIGHT_GREY, GREY, 1, NULL, &v2, vw - 12);
    } else {
        boxed(b, q.v1c, yv, vw, g->view_h, LIGHT_GREY, GREY, 1, NULL, &v1, vw - 12);
        boxed(b, q.v2c, yv, vw, g->view_h, LIGHT_GOOD, FO_COLOR_GOOD, 2, NULL, &v2, vw - 12);
    }
    /* The gate under @v2: the check of the view the deploy offers against the contract. */
    const char *gate_col = blocked ? FO_COLOR_BAD : FO_COLOR_GOOD;
    lines gl = {0};
    gate_lines(&gl, r, sealed);
    boxed(b, q.gl + q.gw / 2, yg, q.gw, g->gate_h, light_of(gate_col), gate_col, 2, NULL, &gl,
          q.gw - 16);
    arrow_down(b, q.v2c, yv + g->view_h, yg, gate_col, 2);
    const char *col = outcome_color(c);
    char pt[120];
    pinned_text(pt, sizeof pt, c);
    double ye = yg + g->gate_h;
    if (blocked) {
        /* The blocked path ends in a bar under the gate; @v1 runs past it to the detector. */
        fo_svg_line(b, q.v2c, ye, q.v2c, ye + 12, FO_COLOR_BAD, 2, "3 2");
        fo_svg_line(b, q.v2c - 12, ye + 12, q.v2c + 12, ye + 12, FO_COLOR_BAD, 3, NULL);
        double yj = yd - (g->narrow ? 12 : 22);
        fo_svg_line(b, q.lx, yv + g->view_h, q.lx, yj, col, 2.4, NULL);
        fo_svg_line(b, q.lx, yj, mid - 20, yj, col, 2.4, NULL);
        arrow_down(b, mid - 20, yj - 1.2, yd, col, 2.4);
        if (g->narrow) {
            fo_svg_wrap_at(b, q.lx + 10, ye + 18, q.v2c - 16 - (q.lx + 10), 16, "note", "start",
                           col, pt);
        } else {
            text_fill(b, q.lx - 8, yg + 30, "end", "note", col, "v%d features,", c->served_version);
            text_fill(b, q.lx - 8, yg + 46, "end", "note", col, "%lld errors", c->errors_raised);
        }
    } else {
        arrow_down(b, q.v2c, ye, yd, col, 2.4);
        text_fill(b, q.v2c - 10, ye + 23, "end", "note", col, "%s", pt);
    }
    lines d = {0};
    det_lines(&d, c, s);
    boxed(b, mid, yd, g->det_w, box_h(2), light_of(col), col, 2, NULL, &d, g->det_w - 16);
}

static void accuracy_bar(fo_buf *b, const geo *g, double x, double y0, const fo_tiny_column *c,
                         const fo_tiny_result *r, double margin) {
    double left = x + (g->narrow ? 70 : 96), width = x + g->cw - (g->narrow ? 46 : 70) - left;
    double bh = 22, y = y0 + g->acc;
    const char *col = outcome_color(c);
    double base = r->run.baseline_accuracy;
    fo_svg_text(b, x, y - 12, "start", "strong", "Accuracy on held-out requests (%%)");
    fo_svg_text(b, left - 10, y + 15, "end", "note", "%s", c->pinned ? "pinned" : "unpinned");
    fo_svg_rect(b, left, y, width, bh, LIGHT_GREY, NULL);
    fo_svg_rect(b, left, y, width * c->accuracy, bh, col, NULL);
    /* The value after the bar, or inside it when the baseline's line would cross it. */
    double end = left + width * c->accuracy, bx = left + width * base;
    if (bx > end && bx < end + 52 && c->accuracy > 0.15)
        text_fill(b, end - 6, y + 15, "end", "strong", "#ffffff", "%.1f%%", 100 * c->accuracy);
    else
        fo_svg_text(b, end + 6, y + 15, "start", "strong", "%.1f%%", 100 * c->accuracy);
    fo_svg_line(b, bx, y - 5, bx, y + bh + 5, INK, 1.3, "4 3");
    for (int t = 0; t <= 4; t++) {
        double tx = left + width * t / 4.0;
        fo_svg_line(b, tx, y + bh + 2, tx, y + bh + 6, "#374151", 1, NULL);
        fo_svg_text(b, tx, y + bh + 18, "middle", "tick", "%d%%", t * 25);
    }
    /* The baseline's label under its line, kept inside the column. */
    char bl[64];
    snprintf(bl, sizeof bl, "v1 baseline %.1f%%", 100 * base);
    double hw = fo_svg_text_w(bl, "tick") / 2;
    fo_svg_text(b, fmin(fmax(bx, x + hw), x + g->cw - hw), y + bh + 32, "middle", "tick", "%s", bl);
    char line[200];
    acc_text(line, sizeof line, c, r, margin);
    fo_svg_wrap_at(b, x, y + bh + 52, g->cw, 16, "note", "start", col, line);
}

static void psi_chart(fo_buf *b, const geo *g, double x, double y0, const fo_tiny_column *c,
                      const fo_tiny_result *r) {
    const fo_fs_check_result *k = &c->skew;
    char head[160];
    psi_text(head, sizeof head, c);
    double top = y0 + g->psi;
    fo_svg_wrap_at(b, x, top - 18 - 16 * (g->n_psi_head - 1), g->cw, 16, "strong", "start",
                   k->skew_flagged ? FO_COLOR_BAD : INK, head);
    fo_draw_psi_bars(b, x + 46, top, g->cw - (g->narrow ? 48 : 56), PSI_H, x + 10, k,
                     &r->run.baseline_view, INK);
}

static void trace_rows(fo_buf *b, const geo *g, double x, double y0, const fo_tiny_column *c,
                       const fo_tiny_result *r, const fo_ensemble_story *s) {
    const fo_ensemble_result *run = &r->run;
    char head[200];
    trace_text(head, sizeof head, c, r);
    double y1 = y0 + g->trace; /* the first row */
    double hy = y1 - 18 - (g->narrow ? 16 : 0);
    fo_svg_wrap(b, x, hy - 18 - 16 * (g->n_trace_head - 1), g->cw, 16, "strong", head);
    /* Wide: a row a request (request, score bar, answer); narrow: the answer on a second line. */
    double bx = g->narrow ? x + g->cw - 84 : x + 150, bw = 80;
    fo_svg_text(b, x + 4, hy, "start", "tick", "request, truth");
    fo_svg_text(b, bx, hy, "start", "tick", "P(%s)", s->positive);
    double ax = g->narrow ? x + 20 : x + 250;
    fo_svg_text(b, ax, g->narrow ? hy + 16 : hy, "start", "tick", "the detector says");
    for (int k = 0; k < run->trace_len; k++) {
        const fo_tiny_answer *a = &c->trace[k];
        double y = y1 + k * g->trace_dy;
        if (k % 2 == 0) fo_svg_rect(b, x, y - 13, g->cw, g->trace_dy, "#fafafa", NULL);
        fo_svg_text(b, x + 4, y, "start", "note", "#%lld  %s", run->trace[k].request,
                    run->trace[k].truth ? s->positive : s->negative);
        /* The score as a small bar, 0..1, with the 0.5 threshold. */
        fo_svg_rect(b, bx, y - 9, bw, 10, LIGHT_GREY, NULL);
        fo_svg_rect(b, bx, y - 9, bw * a->score, 10, a->correct ? FO_COLOR_GOOD : FO_COLOR_BAD,
                    NULL);
        fo_svg_line(b, bx + bw / 2, y - 11, bx + bw / 2, y + 3, INK, 1, NULL);
        const char *col = a->correct ? FO_COLOR_GOOD : FO_COLOR_BAD;
        text_fill(b, ax, g->narrow ? y + 18 : y, "start", "note", col, "%s (%.2f) %s",
                  a->label ? s->positive : s->negative, a->score,
                  a->correct ? "\xe2\x9c\x93" : "\xe2\x9c\x97");
    }
}

static void column_heading(fo_buf *b, const geo *g, double x, double y0, const fo_tiny_column *c,
                           const fo_tiny_result *r) {
    char t[120], sub[200];
    heading_text(t, sizeof t, sub, sizeof sub, c, r);
    int n = fo_svg_wrap_at(b, x, y0, g->cw, 21, "title", "start", outcome_color(c), t);
    fo_svg_wrap(b, x, y0 + 21 * (n - 1) + 18, g->cw, 17, "subtitle", sub);
}

/* sealed (before Part 3's lock): the flows and the contract check only, from a copy with the
 * silent-failure flags cleared (the boxes' colours then say only which version each column
 * reads); no accuracy, skew, traced answers or retrained accuracy. */
static void draw(fo_buf *b, int width, const fo_tiny_params *p, const fo_tiny_result *r0,
                 const fo_ensemble_story *s, int sealed) {
    fo_tiny_result masked;
    const fo_tiny_result *r = r0;
    if (sealed) {
        masked = *r0;
        masked.unpinned.silent_failure = masked.pinned.silent_failure = 0;
        r = &masked;
    }
    const fo_tiny_column *u = &r->unpinned, *k = &r->pinned;
    const fo_ensemble_result *run = &r->run;
    char title[200], desc[900];
    snprintf(title, sizeof title, "The Dependency Domino: %s v2 and a %s trained on v%d",
             s->upstream, s->downstream, run->trained_version);
    if (sealed)
        snprintf(desc, sizeof desc,
                 "Unpinned: the %s reads %s@latest = v%d, no check, %lld errors raised. Pinned: "
                 "the contract check of @v%d against the contract @v%d %s the deploy; the "
                 "detector reads @v%d. The outcome is sealed until Part 3's prediction is locked.",
                 s->downstream, run->served_view.name, u->served_version, u->errors_raised,
                 run->served_version, run->trained_version, k->deploy_blocked ? "blocks" : "allows",
                 k->served_version);
    else
        snprintf(desc, sizeof desc,
                 "Two columns on the same %lld requests. Unpinned: the %s reads %s@latest = v%d; "
                 "%lld errors raised; accuracy %.1f%% against a v1 baseline of %.1f%%; %d of %d "
                 "features skewed; silent failure: %s. Pinned: the contract check of @v%d against "
                 "the contract @v%d says %s, the deploy is %s; the detector reads @v%d; accuracy "
                 "%.1f%%; %d features skewed.",
                 run->requests_served, s->downstream, run->served_view.name, u->served_version,
                 u->errors_raised, 100 * u->accuracy, 100 * run->baseline_accuracy,
                 u->skew.flagged_features, u->skew.dims, u->silent_failure ? "yes" : "no",
                 run->served_version, run->trained_version, run->check.verdict,
                 k->deploy_blocked ? "blocked" : "allowed", k->served_version, 100 * k->accuracy,
                 k->skew.flagged_features);
    fo_buf n;
    fo_buf_init(&n);
    fo_buf_grouped(&n, (double)run->requests_served, 0);
    char sev[96], sub[400], foot[2][300], sealed_q[200];
    if (p->severity > 0)
        snprintf(sev, sizeof sev, "v2 basis rotated %.1f\xc2\xb0, features rescaled and shifted",
                 run->rotation_deg);
    else
        snprintf(sev, sizeof sev, "v2 keeps v1's feature space, with less noise");
    snprintf(sub, sizeof sub,
             "severity %.2f (%s)  \xc2\xb7  the same %s held-out requests in both columns  "
             "\xc2\xb7  retrain before upgrade: %s",
             p->severity, sev, fo_buf_str(&n), p->retrain == FO_ENS_RETRAIN_YES ? "yes" : "no");
    fo_buf_free(&n);
    snprintf(foot[0], sizeof foot[0],
             "PSI: each served feature against its training deciles, log scale; dashed: the 0.1 "
             "threshold (Evidently's default). Score bars: the line marks 0.5.");
    snprintf(foot[1], sizeof foot[1],
             "Vermilion: flagged, wrong or a silent failure. v2 with the detector retrained on it: "
             "%.1f%% (retrain, then bump the contract: the safe way to ship v2).",
             100 * run->retrained_accuracy);
    snprintf(sealed_q, sizeof sealed_q,
             "Does the %s's accuracy drop? Sealed until you lock Part 3's prediction.",
             s->downstream);

    /* Laid out for the width it is shown at: the two columns side by side from SIDE_MIN px,
     * stacked under it; every box's text wraps and the boxes grow to hold it; the height is
     * what the content takes (sealed: the flows and the question, no empty band). */
    double Wd = width ? width : W_DEFAULT, tw = Wd - 48;
    int side = Wd >= SIDE_MIN;
    double cw = side ? (Wd - 48 - 40) / 2 : tw;
    geo g = layout(cw, p, r, s, sealed);
    int nt = fo_svg_wrap(NULL, 0, 0, tw, 21, "title", title),
        ns = fo_svg_wrap(NULL, 0, 0, tw, 17, "subtitle", sub);
    double top0 = 30 + 21 * nt + 17 * (ns - 1) + 34;
    double cx[2] = {24, side ? 24 + cw + 40 : 24};
    double cy[2] = {top0, side ? top0 : top0 + g.end + 44};
    double y = cy[1] + g.end + 20, fy;
    int nf0 = 0, nf1 = 0, nq = 0;
    if (sealed) {
        nq = fo_svg_wrap_at(NULL, 0, 0, tw, 21, "title", "middle", NULL, sealed_q);
        fy = y + 16;
        y = fy + 21 * (nq - 1) + 14;
    } else {
        nf0 = fo_svg_wrap(NULL, 0, 0, tw, 17, "note", foot[0]);
        nf1 = fo_svg_wrap(NULL, 0, 0, tw, 17, "note", foot[1]);
        fy = y + 8;
        y = fy + 17 * (nf0 + nf1 - 1) + 10;
    }
    double H = y;

    fo_svg_begin(b, (int)Wd, (int)ceil(H), title, desc);
    fo_svg_wrap(b, 24, 30, tw, 21, "title", title);
    fo_svg_wrap(b, 24, 30 + 21 * nt, tw, 17, "subtitle", sub);
    if (side)
        fo_svg_line(b, 24 + cw + 20, top0 - 16, 24 + cw + 20, cy[0] + g.end, "#e5e7eb", 1.2, NULL);
    else
        fo_svg_line(b, 24, cy[1] - 30, Wd - 24, cy[1] - 30, "#e5e7eb", 1.2, NULL);

    const fo_tiny_column *cols[2] = {u, k};
    for (int c = 0; c < 2; c++) {
        column_heading(b, &g, cx[c], cy[c], cols[c], r);
        if (sealed) continue;
        accuracy_bar(b, &g, cx[c], cy[c], cols[c], r, p->silent_failure_margin);
        psi_chart(b, &g, cx[c], cy[c], cols[c], r);
        trace_rows(b, &g, cx[c], cy[c], cols[c], r, s);
    }
    unpinned_flow(b, &g, cx[0], cy[0], r, s);
    pinned_flow(b, &g, cx[1], cy[1], r, s, sealed);
    if (sealed) {
        fo_svg_wrap_at(b, Wd / 2, fy, tw, 21, "title", "middle", NULL, sealed_q);
    } else {
        fo_svg_wrap(b, 24, fy, tw, 17, "note", foot[0]);
        fo_svg_wrap(b, 24, fy + 17 * nf0, tw, 17, "note", foot[1]);
    }
    fo_svg_end(b);
}

void fo_draw_tiny_domino(fo_buf *b, int width, const fo_tiny_params *p, const fo_tiny_result *r,
                         const fo_ensemble_story *s) {
    draw(b, width, p, r, s, 0);
}

void fo_draw_tiny_domino_sealed(fo_buf *b, int width, const fo_tiny_params *p,
                                const fo_tiny_result *r, const fo_ensemble_story *s) {
    draw(b, width, p, r, s, 1);
}
