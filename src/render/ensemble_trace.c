/* ensemble_trace.c — the Ensemble Trace, Part 3's figure: a few requests followed stage by
 * stage (raw input -> extractor vN -> feature-store view (version, schema hash) -> classifier
 * (trained on view ...) -> label), version mismatches and wrong labels in the palette's bad
 * colour; under it the accuracy of the scenario against the v1 baseline and the retrained v2,
 * and the Feature Store Consistency Check's verdict with the PSI of each feature. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fleetops/instruments.h"
#include "fleetops/svg.h"

#define W       1000
#define H       686
#define ROW_TOP 176.0
#define ROW_H   40.0

#define LIGHT_BAD  "#fbe5d9"
#define LIGHT_GOOD "#e3eef8"
#define LIGHT_GREY "#f3f4f6"
#define INK        "#1f2937"

/* The five stage columns: left edge and width. */
static const double col_x[5] = {24, 228, 392, 614, 836};
static const double col_w[5] = {180, 140, 198, 198, 140};

static void box(fo_buf *b, double x, double y, double w, double h, const char *fill,
                const char *stroke, double stroke_w) {
    fo_buf_printf(b,
                  "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"6\" "
                  "fill=\"%s\" stroke=\"%s\" stroke-width=\"%.1f\"/>",
                  x, y, w, h, fill, stroke, stroke_w);
}

static void arrow(fo_buf *b, double x1, double x2, double y, const char *color) {
    fo_svg_line(b, x1, y, x2 - 7, y, color, 1.6, NULL);
    fo_buf_printf(b, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"%s\"/>", x2, y,
                  x2 - 8, y - 4.5, x2 - 8, y + 4.5, color);
}

/* Text in a colour other than the stylesheet's (the kit's fo_svg_text has no fill). */
static void text_fill(fo_buf *b, double x, double y, const char *anchor, const char *cls,
                      const char *fill, const char *s) {
    fo_buf_printf(b,
                  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\" fill=\"%s\" "
                  "style=\"fill:%s\">",
                  x, y, anchor, cls, fill, fill);
    fo_svg_escape(b, s);
    fo_buf_puts(b, "</text>");
}

static const char *class_name(const fo_ensemble_story *s, int positive) {
    return positive ? s->positive : s->negative;
}

static void stage_headers(fo_buf *b, const fo_ensemble_result *r, const fo_ensemble_story *s) {
    double y = 74, h = 66;
    const char *mismatch = r->check.contract_ok ? FO_COLOR_GOOD : FO_COLOR_BAD;
    char l1[96], l2[96];

    box(b, col_x[0], y, col_w[0], h, LIGHT_GREY, FO_COLOR_REF, 1);
    fo_svg_text(b, col_x[0] + col_w[0] / 2, y + 24, "middle", "strong", "Raw request");
    fo_svg_text(b, col_x[0] + col_w[0] / 2, y + 44, "middle", "note", "%d values, true class",
                FO_ENS_RAW_DIMS);

    box(b, col_x[1], y, col_w[1], h, LIGHT_GREY, FO_COLOR_REF, 1);
    fo_svg_text(b, col_x[1] + col_w[1] / 2, y + 24, "middle", "strong", "Extractor v%d",
                r->served_version);
    fo_svg_text(b, col_x[1] + col_w[1] / 2, y + 44, "middle", "note", "%s", s->upstream);

    box(b, col_x[2], y, col_w[2], h, LIGHT_GREY, FO_COLOR_REF, 1);
    fo_svg_text(b, col_x[2] + col_w[2] / 2, y + 20, "middle", "strong", "Feature-store view");
    snprintf(l1, sizeof l1, "%s@v%d", r->served_view.name, r->served_version);
    fo_svg_text(b, col_x[2] + col_w[2] / 2, y + 38, "middle", "note", "%s", l1);
    snprintf(l2, sizeof l2, "schema %.8s", r->served_view.hash_hex);
    fo_svg_text(b, col_x[2] + col_w[2] / 2, y + 55, "middle", "tick", "%s", l2);

    box(b, col_x[3], y, col_w[3], h, r->check.contract_ok ? LIGHT_GOOD : LIGHT_BAD, mismatch, 2);
    snprintf(l1, sizeof l1, "%s", s->downstream);
    l1[0] = (char)(l1[0] >= 'a' && l1[0] <= 'z' ? l1[0] - 32 : l1[0]);
    fo_svg_text(b, col_x[3] + col_w[3] / 2, y + 20, "middle", "strong", "%s", l1);
    snprintf(l1, sizeof l1, "trained on @v%d", r->trained_version);
    text_fill(b, col_x[3] + col_w[3] / 2, y + 38, "middle", "note", mismatch, l1);
    snprintf(l2, sizeof l2, "schema %.8s", r->trained_view.hash_hex);
    text_fill(b, col_x[3] + col_w[3] / 2, y + 55, "middle", "tick", mismatch, l2);

    box(b, col_x[4], y, col_w[4], h, LIGHT_GREY, FO_COLOR_REF, 1);
    fo_svg_text(b, col_x[4] + col_w[4] / 2, y + 24, "middle", "strong", "Label");
    fo_svg_text(b, col_x[4] + col_w[4] / 2, y + 44, "middle", "note", "yes if score > 0.5");

    for (int c = 0; c < 4; c++) {
        const char *color = c == 2 ? mismatch : "#6b7280";
        arrow(b, col_x[c] + col_w[c] + 3, col_x[c + 1] - 3, y + h / 2, color);
    }
    /* The handshake between the view and the classifier. */
    double mx = (col_x[2] + col_w[2] + col_x[3]) / 2;
    text_fill(b, mx, y - 8, "middle", "strong", mismatch,
              r->check.contract_ok ? "contract holds" : "contract broken");
}

static void trace_rows(fo_buf *b, const fo_ensemble_result *r, const fo_ensemble_story *s) {
    fo_svg_text(b, col_x[0], ROW_TOP - 12, "start", "tick",
                "request  \xc2\xb7  rms  \xc2\xb7  SNR");
    fo_svg_text(b, col_x[2] + 6, ROW_TOP - 12, "start", "tick",
                "served: farthest feature from training");
    fo_svg_text(b, col_x[3] + 6, ROW_TOP - 12, "start", "tick", "classifier expects");
    fo_svg_text(b, col_x[4] + col_w[4], ROW_TOP - 12, "end", "tick", "v1 baseline");
    for (int k = 0; k < r->trace_len; k++) {
        const fo_ens_trace *t = &r->trace[k];
        double y = ROW_TOP + k * ROW_H, cy = y + ROW_H / 2;
        char s1[96], s2[96];
        if (k % 2 == 0) fo_svg_rect(b, 16, y, W - 32, ROW_H, "#fafafa", NULL);
        fo_svg_line(b, 16, y + ROW_H, W - 16, y + ROW_H, "#e5e7eb", 1, NULL);

        snprintf(s1, sizeof s1, "#%lld  %s", t->request, class_name(s, t->truth));
        fo_svg_text(b, col_x[0] + 4, cy - 3, "start", "strong", "%s", s1);
        fo_svg_text(b, col_x[0] + 4, cy + 13, "start", "tick", "rms %.2f  \xc2\xb7  SNR %.1f dB",
                    t->raw_rms, t->raw_snr_db);

        fo_svg_text(b, col_x[1] + col_w[1] / 2, cy + 4, "middle", "note",
                    "v%d \xe2\x86\x92 8 features", t->extractor_version);

        const char *zcol = t->max_abs_z > 3 ? FO_COLOR_BAD : INK;
        snprintf(s1, sizeof s1, "@v%d %.8s", t->view_version, t->view_hash);
        fo_svg_text(b, col_x[2] + 6, cy - 3, "start", "note", "%s", s1);
        snprintf(s2, sizeof s2, "max |z| = %.1f sd", t->max_abs_z);
        text_fill(b, col_x[2] + 6, cy + 13, "start", "tick", zcol, s2);

        const char *ecol = t->contract_match ? FO_COLOR_GOOD : FO_COLOR_BAD;
        snprintf(s1, sizeof s1, "@v%d %.8s %s", t->expects_version, t->expects_hash,
                 t->contract_match ? "\xe2\x9c\x93" : "\xe2\x89\xa0 served");
        text_fill(b, col_x[3] + 6, cy - 3, "start", "note", ecol, s1);
        snprintf(s2, sizeof s2, "score P(yes) = %.2f", t->score);
        fo_svg_text(b, col_x[3] + 6, cy + 13, "start", "tick", "%s", s2);

        /* The label pill: blue when right, vermilion when wrong. */
        const char *lcol = t->correct ? FO_COLOR_GOOD : FO_COLOR_BAD;
        box(b, col_x[4], y + 7, 88, ROW_H - 14, t->correct ? LIGHT_GOOD : LIGHT_BAD, lcol, 1.2);
        snprintf(s1, sizeof s1, "%s %s", t->label ? "yes" : "no",
                 t->correct ? "\xe2\x9c\x93" : "\xe2\x9c\x97");
        text_fill(b, col_x[4] + 44, cy + 4, "middle", "strong", lcol, s1);
        snprintf(s2, sizeof s2, "%.2f %s", t->baseline_score,
                 t->baseline_correct ? "\xe2\x9c\x93" : "\xe2\x9c\x97");
        text_fill(b, col_x[4] + col_w[4], cy + 4, "end", "tick",
                  t->baseline_correct ? FO_COLOR_GOOD : FO_COLOR_BAD, s2);
    }
}

static void accuracy_bars(fo_buf *b, const fo_ensemble_params *p, const fo_ensemble_result *r,
                          const fo_ensemble_story *s) {
    double top = ROW_TOP + FO_ENS_TRACE * ROW_H + 36, left = 150, width = 300, bh = 22;
    fo_buf n;
    fo_buf_init(&n);
    fo_buf_grouped(&n, (double)r->requests_served, 0);
    fo_svg_text(b, 24, top - 12, "start", "strong", "Accuracy on %s held-out requests",
                fo_buf_str(&n));
    fo_buf_free(&n);
    struct {
        const char *label;
        double v;
        const char *color;
    } bars[3] = {
        {"v1 baseline", r->baseline_accuracy, "#6b7280"},
        {"this scenario", r->accuracy, r->silent_failure ? FO_COLOR_BAD : FO_COLOR_GOOD},
        {"v2 retrained", r->retrained_accuracy, FO_COLOR_ACCENT},
    };
    for (int i = 0; i < 3; i++) {
        double y = top + i * (bh + 10);
        fo_svg_text(b, left - 10, y + 15, "end", "note", "%s", bars[i].label);
        fo_svg_rect(b, left, y, width, bh, LIGHT_GREY, NULL);
        fo_svg_rect(b, left, y, width * bars[i].v, bh, bars[i].color, NULL);
        fo_svg_text(b, left + width * bars[i].v + 6, y + 15, "start", "strong", "%.1f%%",
                    100 * bars[i].v);
    }
    double bx = left + width * r->baseline_accuracy, bottom = top + 3 * (bh + 10) - 10;
    fo_svg_line(b, bx, top - 4, bx, bottom + 4, INK, 1.2, "4 3");
    for (int t = 0; t <= 4; t++) {
        double x = left + width * t / 4.0;
        fo_svg_line(b, x, bottom + 4, x, bottom + 8, "#374151", 1, NULL);
        fo_svg_text(b, x, bottom + 21, "middle", "tick", "%d%%", t * 25);
    }
    char note[160];
    if (r->silent_failure)
        snprintf(note, sizeof note,
                 "%.1f points below the baseline with 0 errors raised: silent failure",
                 100 * r->accuracy_drop);
    else
        snprintf(note, sizeof note, "%+.1f points vs the baseline (margin %g): no silent failure",
                 fabs(r->accuracy_drop) < 5e-4 ? 0.0 : -100 * r->accuracy_drop,
                 100 * p->silent_failure_margin);
    text_fill(b, 24, bottom + 42, "start", "note", r->silent_failure ? FO_COLOR_BAD : INK, note);
    fo_svg_text(b, 24, bottom + 62, "start", "note",
                "missed \xe2\x80\x9c%s\xe2\x80\x9d (false rejects) %.1f%%  \xc2\xb7  false "
                "alarms (false accepts) %.1f%%",
                s->positive, 100 * r->false_reject_rate, 100 * r->false_accept_rate);
    fo_svg_text(b, 24, bottom + 82, "start", "note",
                "request by request against v1: %lld broken, %lld fixed, %lld right in both",
                r->outcomes[2], r->outcomes[1], r->outcomes[3]);
}

static void verdict_panel(fo_buf *b, const fo_ensemble_result *r) {
    const fo_fs_check_result *c = &r->check;
    double x = 560, top = ROW_TOP + FO_ENS_TRACE * ROW_H + 20, w = W - 24 - x, h = 204;
    int fail = strcmp(c->verdict, "fail") == 0, drift = strcmp(c->verdict, "drift") == 0;
    const char *col = fail ? FO_COLOR_BAD : drift ? FO_COLOR_WARN : FO_COLOR_GOOD;
    box(b, x, top, w, h, "#ffffff", col, 2);
    char line[200];
    snprintf(line, sizeof line, "Consistency check: %s", fail ? "FAIL" : drift ? "DRIFT" : "PASS");
    text_fill(b, x + 14, top + 24, "start", "title", col, line);
    snprintf(line, sizeof line, "version contract: trained @v%d, served @v%d %s",
             r->trained_version, r->served_version,
             c->contract_ok ? "\xe2\x9c\x93" : "\xe2\x9c\x97");
    text_fill(b, x + 14, top + 46, "start", "note", c->contract_ok ? INK : FO_COLOR_BAD, line);
    snprintf(line, sizeof line,
             "%d of %d features skewed (PSI, JS or L\xe2\x88\x9e \xe2\x89\xa5 0.1)",
             c->flagged_features, c->dims);
    text_fill(b, x + 14, top + 64, "start", "note", c->skew_flagged ? FO_COLOR_BAD : INK, line);

    /* PSI per feature, against the 0.1 threshold (a log axis: PSI spans decades). */
    double px = x + 62, py = top + 96, pw = w - 80, ph = 76;
    fo_draw_psi_bars(b, px, py, pw, ph, px - 44, c, &r->trained_view, INK);
    fo_svg_line(b, x + 14, top + 80, x + 38, top + 80, INK, 1.2, "5 3");
    /* Shortened by rule when the column cannot hold the whole legend. */
    const char *leg = "PSI threshold 0.1 (Evidently's default); bars: PSI per feature, log scale";
    if (44 + fo_svg_text_w(leg, "tick") > w) leg = "PSI threshold 0.1; bars: PSI per feature, log";
    fo_svg_text(b, x + 44, top + 84, "start", "tick", "%s", leg);
}

void fo_draw_ensemble_trace(fo_buf *b, int width, const fo_ensemble_params *p,
                            const fo_ensemble_result *r, const fo_ensemble_story *s) {
    (void)width; /* not yet laid out by width (issue 15): drawn at its own */
    char title[200], desc[600];
    snprintf(title, sizeof title, "Ensemble Trace: extractor v%d served to a %s trained on v%d",
             r->served_version, s->downstream, r->trained_version);
    snprintf(desc, sizeof desc,
             "%d requests followed from raw input through the %s v%d, the feature-store view "
             "%s@v%d and the %s trained on view v%d. Accuracy %.1f%% against a v1 baseline of "
             "%.1f%% and %.1f%% after retraining on v2; %lld errors raised; consistency check: "
             "%s.",
             r->trace_len, s->upstream, r->served_version, r->served_view.name, r->served_version,
             s->downstream, r->trained_version, 100 * r->accuracy, 100 * r->baseline_accuracy,
             100 * r->retrained_accuracy, r->errors_raised, r->check.verdict);
    fo_svg_begin(b, W, H, title, desc);
    fo_svg_text(b, 24, 30, "start", "title", "%s", title);
    fo_buf n;
    fo_buf_init(&n);
    fo_buf_grouped(&n, (double)r->requests_served, 0);
    fo_svg_text(b, 24, 50, "start", "subtitle",
                "severity %.2f (v2 basis rotated %.1f\xc2\xb0)  \xc2\xb7  %s requests served, "
                "%lld errors raised  \xc2\xb7  label yes = %s",
                p->severity, r->rotation_deg, fo_buf_str(&n), r->errors_raised, s->positive);
    fo_buf_free(&n);
    stage_headers(b, r, s);
    trace_rows(b, r, s);
    accuracy_bars(b, p, r, s);
    verdict_panel(b, r);
    fo_buf n2;
    fo_buf_init(&n2);
    fo_buf_grouped(&n2, (double)r->requests_served, 0);
    fo_svg_text(b, 24, H - 34, "start", "note",
                "Rows: %d of the %s requests, picked so that their mix of outcomes (right or "
                "wrong here, right or wrong under v1) matches the whole evaluation.",
                r->trace_len, fo_buf_str(&n2));
    fo_buf_free(&n2);
    fo_svg_text(b, 24, H - 16, "start", "note",
                "Vermilion: a version mismatch, a wrong label, or a feature more than 3 sd from "
                "its training mean. \xe2\x9c\x93 right, \xe2\x9c\x97 wrong.");
    fo_svg_end(b);
}
