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

#define W     1000
#define H     900
#define COL_W 456.0
#define INK   "#1f2937"
#define GREY  "#9ca3af"

#define LIGHT_BAD  "#fbe5d9"
#define LIGHT_GOOD "#e3eef8"
#define LIGHT_WARN "#fdf0d5"
#define LIGHT_GREY "#f3f4f6"

/* Vertical layout, shared by both columns. */
#define Y_HEAD   84.0
#define Y_UP     116.0 /* upstream box */
#define Y_VIEW   188.0 /* feature-store view(s) */
#define Y_GATE   268.0 /* contract check (or its absence) */
#define GATE_H   76.0
#define Y_DET    382.0 /* the detector */
#define BOX_H    50.0
#define Y_ACC    476.0 /* accuracy bar */
#define Y_PSI    598.0 /* PSI chart, top of the plot area */
#define PSI_H    70.0
#define Y_TRACE  748.0 /* first trace row */
#define TRACE_DY 19.0

static const double col_x[2] = {24, 520};

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

static void upstream_box(fo_buf *b, double x, const fo_tiny_result *r, const fo_ensemble_story *s) {
    char up[64];
    capitalised(up, sizeof up, s->upstream);
    double w = 300, bx = x + (COL_W - w) / 2;
    box(b, bx, Y_UP, w, BOX_H - 6, LIGHT_GREY, GREY, 1, NULL);
    fo_svg_text(b, x + COL_W / 2, Y_UP + 18, "middle", "strong", "%s v2 released", up);
    fo_svg_text(b, x + COL_W / 2, Y_UP + 35, "middle", "tick", "publishes %s@v2 (schema %.8s)",
                r->run.served_view.name, r->run.served_view.hash_hex);
}

/* One view box: "@vN hash" and a note under it. */
static void view_box(fo_buf *b, double x, double w, int version, const char *hash, const char *note,
                     const char *stroke, const char *fill, double sw) {
    box(b, x, Y_VIEW, w, BOX_H, fill, stroke, sw, NULL);
    fo_svg_text(b, x + w / 2, Y_VIEW + 20, "middle", "strong", "@v%d  %.8s", version, hash);
    fo_svg_text(b, x + w / 2, Y_VIEW + 38, "middle", "tick", "%s", note);
}

static void detector_box(fo_buf *b, double x, const fo_tiny_column *c, const fo_ensemble_story *s) {
    const char *col = outcome_color(c);
    char down[64];
    capitalised(down, sizeof down, s->downstream);
    double w = 300, bx = x + (COL_W - w) / 2;
    box(b, bx, Y_DET, w, BOX_H, light_of(col), col, 2, NULL);
    fo_svg_text(b, x + COL_W / 2, Y_DET + 20, "middle", "strong", "%s", down);
    if (c->served_version == c->trained_version)
        text_fill(b, x + COL_W / 2, Y_DET + 38, "middle", "note", col,
                  "trained on @v%d, served @v%d \xe2\x9c\x93", c->trained_version,
                  c->served_version);
    else
        text_fill(b, x + COL_W / 2, Y_DET + 38, "middle", "note", col,
                  "trained on @v%d, served @v%d \xe2\x89\xa0", c->trained_version,
                  c->served_version);
}

static void unpinned_flow(fo_buf *b, const fo_tiny_result *r, const fo_ensemble_story *s) {
    const fo_tiny_column *c = &r->unpinned;
    double x = col_x[0], mid = x + COL_W / 2, vw = 240;
    const char *col = outcome_color(c);
    upstream_box(b, x, r, s);
    arrow_down(b, mid, Y_UP + BOX_H - 6, Y_VIEW, "#6b7280", 1.6);
    view_box(b, mid - vw / 2, vw, c->served_version, c->served_hash,
             "the latest version: what the detector reads", GREY, LIGHT_GREY, 1);
    /* No gate: a dashed, empty frame where the check would stand. */
    double gw = 300, gx = mid - gw / 2;
    box(b, gx, Y_GATE, gw, GATE_H, "#ffffff", GREY, 1, "5 4");
    fo_svg_text(b, mid, Y_GATE + 22, "middle", "strong", "No contract check");
    fo_svg_text(b, mid, Y_GATE + 42, "middle", "tick", "serving checks the shape only:");
    fo_svg_text(b, mid, Y_GATE + 59, "middle", "tick", "%d = %d features, so no error is raised",
                r->run.served_view.dims, r->run.trained_view.dims);
    arrow_down(b, mid, Y_VIEW + BOX_H, Y_GATE, col, 2.4);
    arrow_down(b, mid, Y_GATE + GATE_H, Y_DET, col, 2.4);
    text_fill(b, mid + 10, Y_GATE + GATE_H + 23, "start", "note", col,
              "v%d features flow in: %lld errors raised", c->served_version, c->errors_raised);
    detector_box(b, x, c, s);
}

static void pinned_flow(fo_buf *b, const fo_tiny_result *r, const fo_ensemble_story *s,
                        int sealed) {
    const fo_tiny_column *c = &r->pinned;
    const fo_ensemble_result *run = &r->run;
    double x = col_x[1], mid = x + COL_W / 2, vw = 196, gap = 24;
    double v1x = mid - gap / 2 - vw, v2x = mid + gap / 2, v1c = v1x + vw / 2, v2c = v2x + vw / 2;
    int blocked = c->deploy_blocked;
    const char *gate_col = blocked ? FO_COLOR_BAD : FO_COLOR_GOOD;
    upstream_box(b, x, r, s);
    /* v2 is published whatever happens downstream: old versions stay readable beside it. */
    arrow_down(b, v2c, Y_UP + BOX_H - 6, Y_VIEW, "#6b7280", 1.6);
    if (blocked) {
        view_box(b, v1x, vw, run->baseline_view.version, run->baseline_view.hash_hex,
                 "pinned by the detector's contract", FO_COLOR_GOOD, LIGHT_GOOD, 2);
        view_box(b, v2x, vw, run->served_view.version, run->served_view.hash_hex,
                 "new version, readable", GREY, LIGHT_GREY, 1);
    } else {
        view_box(b, v1x, vw, run->baseline_view.version, run->baseline_view.hash_hex,
                 "the previous contract", GREY, LIGHT_GREY, 1);
        view_box(b, v2x, vw, run->served_view.version, run->served_view.hash_hex,
                 "contract bumped to it", FO_COLOR_GOOD, LIGHT_GOOD, 2);
    }
    /* The gate under @v2: the check of the view the deploy offers against the contract. */
    const fo_fs_check_result *ck = &run->check;
    double gw = 232, gx = v2c - gw / 2, worst = 0;
    for (int f = 0; f < ck->dims; f++)
        worst = ck->feature[f].psi > worst ? ck->feature[f].psi : worst;
    box(b, gx, Y_GATE, gw, GATE_H, light_of(gate_col), gate_col, 2, NULL);
    text_fill(b, v2c, Y_GATE + 18, "middle", "strong", gate_col, "Contract check: %s",
              sealed                              ? (ck->contract_ok ? "PASS" : "FAIL")
              : strcmp(ck->verdict, "fail") == 0  ? "FAIL"
              : strcmp(ck->verdict, "drift") == 0 ? "DRIFT"
                                                  : "PASS");
    text_fill(b, v2c, Y_GATE + 35, "middle", "tick", ck->contract_ok ? INK : FO_COLOR_BAD,
              "contract @v%d %.8s %s @v%d %.8s", run->trained_version, run->trained_view.hash_hex,
              ck->contract_ok ? "=" : "\xe2\x89\xa0", run->served_version,
              run->served_view.hash_hex);
    if (!sealed) /* the skew is Part 3's evidence */
        text_fill(b, v2c, Y_GATE + 51, "middle", "tick", ck->skew_flagged ? FO_COLOR_BAD : INK,
                  "%d of %d features skewed (max PSI %.2f)", ck->flagged_features, ck->dims, worst);
    text_fill(b, v2c, Y_GATE + 68, "middle", "strong", gate_col, "%s",
              blocked ? "deploy to @v2 blocked" : "deploy to @v2 allowed");
    arrow_down(b, v2c, Y_VIEW + BOX_H, Y_GATE, blocked ? FO_COLOR_BAD : FO_COLOR_GOOD, 2);
    const char *col = outcome_color(c);
    if (blocked) {
        /* The blocked path ends in a bar under the gate; @v1 runs past it to the detector. */
        double yb = Y_GATE + GATE_H;
        fo_svg_line(b, v2c, yb, v2c, yb + 12, FO_COLOR_BAD, 2, "3 2");
        fo_svg_line(b, v2c - 12, yb + 12, v2c + 12, yb + 12, FO_COLOR_BAD, 3, NULL);
        double xl = v1c, yj = Y_DET - 22;
        fo_svg_line(b, xl, Y_VIEW + BOX_H, xl, yj, col, 2.4, NULL);
        fo_svg_line(b, xl, yj, mid - 20, yj, col, 2.4, NULL);
        arrow_down(b, mid - 20, yj - 1.2, Y_DET, col, 2.4);
        text_fill(b, xl - 8, Y_GATE + 30, "end", "note", col, "v%d features,", c->served_version);
        text_fill(b, xl - 8, Y_GATE + 46, "end", "note", col, "%lld errors", c->errors_raised);
    } else {
        arrow_down(b, v2c, Y_GATE + GATE_H, Y_DET, col, 2.4);
        text_fill(b, v2c - 10, Y_GATE + GATE_H + 23, "end", "note", col,
                  "v%d features: %lld errors", c->served_version, c->errors_raised);
    }
    detector_box(b, x, c, s);
}

static void accuracy_bar(fo_buf *b, double x, const fo_tiny_column *c, const fo_tiny_result *r,
                         double margin) {
    double left = x + 96, width = COL_W - 96 - 70, bh = 22, y = Y_ACC;
    const char *col = outcome_color(c);
    double base = r->run.baseline_accuracy;
    fo_svg_text(b, x, y - 12, "start", "strong", "Accuracy on the held-out requests");
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
    fo_svg_text(b, bx, y + bh + 32, "middle", "tick", "v1 baseline %.1f%%", 100 * base);
    char line[160];
    if (c->silent_failure)
        snprintf(line, sizeof line, "SILENT FAILURE: %.1f points down, %lld errors raised",
                 100 * c->accuracy_drop, c->errors_raised);
    else if (c->accuracy_drop == 0 && r->unpinned.accuracy > c->accuracy)
        snprintf(line, sizeof line, "stays at the baseline: blocked by version, not by harm");
    else if (c->accuracy_drop == 0)
        snprintf(line, sizeof line, "holds at the baseline: the detector reads what it learned");
    else
        snprintf(line, sizeof line, "%+.1f points vs the baseline (margin %g): no silent failure",
                 -100 * c->accuracy_drop, 100 * margin);
    text_fill(b, x, y + bh + 52, "start", "note", col, "%s", line);
}

static void psi_chart(fo_buf *b, double x, const fo_tiny_column *c, const fo_tiny_result *r) {
    const fo_fs_check_result *k = &c->skew;
    text_fill(b, x, Y_PSI - 18, "start", "strong", k->skew_flagged ? FO_COLOR_BAD : INK,
              "Skew of what the detector is served: %d of %d features flagged", k->flagged_features,
              k->dims);
    fo_draw_psi_bars(b, x + 50, Y_PSI, COL_W - 60, PSI_H, x + 10, k, &r->run.baseline_view, INK);
}

static void trace_rows(fo_buf *b, double x, const fo_tiny_column *c, const fo_tiny_result *r,
                       const fo_ensemble_story *s) {
    const fo_ensemble_result *run = &r->run;
    int right = 0;
    for (int k = 0; k < run->trace_len; k++)
        right += c->trace[k].correct;
    fo_buf n;
    fo_buf_init(&n);
    fo_buf_grouped(&n, (double)run->requests_served, 0);
    fo_svg_text(b, x, Y_TRACE - 36, "start", "strong",
                "Traced requests, mixed as in all %s: %d of %d right", fo_buf_str(&n), right,
                run->trace_len);
    fo_buf_free(&n);
    fo_svg_text(b, x + 4, Y_TRACE - 18, "start", "tick", "request, truth");
    fo_svg_text(b, x + 150, Y_TRACE - 18, "start", "tick", "P(%s)", s->positive);
    fo_svg_text(b, x + 250, Y_TRACE - 18, "start", "tick", "the detector says");
    for (int k = 0; k < run->trace_len; k++) {
        const fo_tiny_answer *a = &c->trace[k];
        double y = Y_TRACE + k * TRACE_DY;
        if (k % 2 == 0) fo_svg_rect(b, x, y - 13, COL_W, TRACE_DY, "#fafafa", NULL);
        fo_svg_text(b, x + 4, y, "start", "note", "#%lld  %s", run->trace[k].request,
                    run->trace[k].truth ? s->positive : s->negative);
        /* The score as a small bar, 0..1, with the 0.5 threshold. */
        double bx = x + 150, bw = 80;
        fo_svg_rect(b, bx, y - 9, bw, 10, LIGHT_GREY, NULL);
        fo_svg_rect(b, bx, y - 9, bw * a->score, 10, a->correct ? FO_COLOR_GOOD : FO_COLOR_BAD,
                    NULL);
        fo_svg_line(b, bx + bw / 2, y - 11, bx + bw / 2, y + 3, INK, 1, NULL);
        const char *col = a->correct ? FO_COLOR_GOOD : FO_COLOR_BAD;
        text_fill(b, x + 250, y, "start", "note", col, "%s (%.2f) %s",
                  a->label ? s->positive : s->negative, a->score,
                  a->correct ? "\xe2\x9c\x93" : "\xe2\x9c\x97");
    }
}

static void column_heading(fo_buf *b, double x, const fo_tiny_column *c, const fo_tiny_result *r) {
    const char *col = outcome_color(c);
    if (!c->pinned) {
        text_fill(b, x, Y_HEAD, "start", "title", col, "Before: unpinned views");
        fo_svg_text(b, x, Y_HEAD + 18, "start", "subtitle",
                    "the detector reads %s@latest; nothing checks what arrives",
                    r->run.served_view.name);
    } else {
        text_fill(b, x, Y_HEAD, "start", "title", col, "After: pinned views + contract check");
        fo_svg_text(b, x, Y_HEAD + 18, "start", "subtitle",
                    "the detector's contract names a view version and its schema hash");
    }
}

/* sealed (before Part 3's lock): the flows and the contract check only, from a copy with the
 * silent-failure flags cleared (the boxes' colours then say only which version each column
 * reads); no accuracy, skew, traced answers or retrained accuracy. */
static void draw(fo_buf *b, const fo_tiny_params *p, const fo_tiny_result *r0,
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
    fo_svg_begin(b, W, H, title, desc);
    fo_svg_text(b, 24, 30, "start", "title", "%s", title);
    fo_buf n;
    fo_buf_init(&n);
    fo_buf_grouped(&n, (double)run->requests_served, 0);
    char sev[96];
    if (p->severity > 0)
        snprintf(sev, sizeof sev, "v2 basis rotated %.1f\xc2\xb0, features rescaled and shifted",
                 run->rotation_deg);
    else
        snprintf(sev, sizeof sev, "v2 keeps v1's feature space, with less noise");
    fo_svg_text(b, 24, 50, "start", "subtitle",
                "severity %.2f (%s)  \xc2\xb7  the same %s held-out requests in both columns  "
                "\xc2\xb7  retrain before upgrade: %s",
                p->severity, sev, fo_buf_str(&n), p->retrain == FO_ENS_RETRAIN_YES ? "yes" : "no");
    fo_buf_free(&n);
    fo_svg_line(b, (col_x[0] + COL_W + col_x[1]) / 2, Y_HEAD - 16,
                (col_x[0] + COL_W + col_x[1]) / 2, H - 44, "#e5e7eb", 1.2, NULL);

    const fo_tiny_column *cols[2] = {u, k};
    for (int c = 0; c < 2; c++) {
        column_heading(b, col_x[c], cols[c], r);
        if (sealed) continue;
        accuracy_bar(b, col_x[c], cols[c], r, p->silent_failure_margin);
        psi_chart(b, col_x[c], cols[c], r);
        trace_rows(b, col_x[c], cols[c], r, s);
    }
    unpinned_flow(b, r, s);
    pinned_flow(b, r, s, sealed);
    if (sealed) {
        fo_svg_text(b, W / 2.0, H - 120, "middle", "title",
                    "Does the %s's accuracy drop? Sealed until you lock Part 3's prediction.",
                    s->downstream);
        fo_svg_end(b);
        return;
    }

    fo_svg_text(b, 24, H - 26, "start", "note",
                "PSI: each served feature against its training deciles, log scale; dashed: the "
                "0.1 threshold (Evidently's default). Score bars: the line marks 0.5.");
    fo_svg_text(b, 24, H - 9, "start", "note",
                "Vermilion: flagged, wrong or a silent failure. v2 with the detector retrained on "
                "it: %.1f%% (retrain, then bump the contract: the safe way to ship v2).",
                100 * run->retrained_accuracy);
    fo_svg_end(b);
}

void fo_draw_tiny_domino(fo_buf *b, int width, const fo_tiny_params *p, const fo_tiny_result *r,
                         const fo_ensemble_story *s) {
    (void)width; /* not yet laid out by width (issue 15): drawn at its own */
    draw(b, p, r, s, 0);
}

void fo_draw_tiny_domino_sealed(fo_buf *b, int width, const fo_tiny_params *p,
                                const fo_tiny_result *r, const fo_ensemble_story *s) {
    (void)width; /* not yet laid out by width (issue 15): drawn at its own */
    draw(b, p, r, s, 1);
}
