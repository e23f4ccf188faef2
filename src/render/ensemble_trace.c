/* ensemble_trace.c — the Ensemble Trace, Part 3's figure: a few requests followed stage by
 * stage (raw input -> extractor vN -> feature-store view (version, schema hash) -> classifier
 * (trained on view ...) -> label), version mismatches and wrong labels in the palette's bad
 * colour; under it the accuracy of the scenario against the v1 baseline and the retrained v2,
 * and the Feature Store Consistency Check's verdict with the PSI of each feature.
 *
 * Laid out for the width it is shown at. From TABLE_W px the trace is a table of five stage
 * columns (scaled to the width) with the accuracy and the verdict side by side under it;
 * narrower, the stages stack top to bottom, each request becomes a card whose fields flow into
 * lines, and the accuracy and the verdict stack. Text wraps at spaces, never clips; the height
 * follows from the content. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fleetops/instruments.h"
#include "fleetops/svg.h"

#define W_DEFAULT 1000
#define TABLE_W   1000 /* the five stage columns need this much */
#define ROW_H     40.0

#define LIGHT_BAD  "#fbe5d9"
#define LIGHT_GOOD "#e3eef8"
#define LIGHT_GREY "#f3f4f6"
#define INK        "#1f2937"

/* The five stage columns at TABLE_W: left edge and width (scaled for a wider figure). */
static const double col_x0[5] = {24, 228, 392, 614, 836};
static const double col_w0[5] = {180, 140, 198, 198, 140};

typedef struct layout {
    double W, tw;              /* the figure's width; the text width inside its margins */
    double col_x[5], col_w[5]; /* the table's columns */
} layout;

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

static void arrow_down(fo_buf *b, double x, double y1, double y2, const char *color) {
    fo_svg_line(b, x, y1, x, y2 - 7, color, 1.6, NULL);
    fo_buf_printf(b, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"%s\"/>", x, y2,
                  x - 4.5, y2 - 8, x + 4.5, y2 - 8, color);
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

/* fo_svg_wrap in a colour (fill NULL: the stylesheet's); b NULL only counts the lines. */
static int wrap_fill(fo_buf *b, double x, double y, double maxw, double lh, const char *cls,
                     const char *fill, const char *s) {
    return fo_svg_wrap_at(b, x, y, maxw, lh, cls, fill ? "start" : NULL, fill, s);
}

/* A field of a card: its text, class and colour (NULL: the stylesheet's), a pill's background
 * (NULL: none), and whether it starts a new line. */
typedef struct field {
    const char *s, *cls, *fill, *pill;
    int brk;
} field;

/* Fields flowing left to right into lines `lh` apart, 14 px between them, a new line when the
 * next one would pass x + maxw; returns the lines. b NULL only counts them. */
static int flow(fo_buf *b, double x, double y, double maxw, double lh, const field *g, int n) {
    double cx = x;
    int line = 0;
    for (int i = 0; i < n; i++) {
        /* The kit's estimate is for the regular weight: a bold field is given 10% more. */
        double pad = g[i].pill ? 8 : 0,
               w = fo_svg_text_w(g[i].s, g[i].cls) * (strcmp(g[i].cls, "strong") ? 1 : 1.1) +
                   2 * pad;
        if (cx > x && (g[i].brk || cx + w > x + maxw)) cx = x, line++;
        double yy = y + lh * line;
        if (b) {
            if (g[i].pill) box(b, cx, yy - 14, w, 20, g[i].pill, g[i].fill, 1.2);
            if (g[i].fill)
                text_fill(b, cx + pad, yy, "start", g[i].cls, g[i].fill, g[i].s);
            else
                fo_svg_text(b, cx + pad, yy, "start", g[i].cls, "%s", g[i].s);
        }
        cx += w + 14;
    }
    return line + 1;
}

static const char *class_name(const fo_ensemble_story *s, int positive) {
    return positive ? s->positive : s->negative;
}

/* The strings both layouts show for each stage and each request. */
typedef struct stage_text {
    char name[5][96], note[5][96], tick[5][96];
} stage_text;

static void stage_strings(stage_text *t, const fo_ensemble_result *r, const fo_ensemble_story *s) {
    memset(t, 0, sizeof *t);
    snprintf(t->name[0], sizeof t->name[0], "Raw request");
    snprintf(t->note[0], sizeof t->note[0], "%d values, true class", FO_ENS_RAW_DIMS);
    snprintf(t->name[1], sizeof t->name[1], "Extractor v%d", r->served_version);
    snprintf(t->note[1], sizeof t->note[1], "%s", s->upstream);
    snprintf(t->name[2], sizeof t->name[2], "Feature-store view");
    snprintf(t->note[2], sizeof t->note[2], "%s@v%d", r->served_view.name, r->served_version);
    snprintf(t->tick[2], sizeof t->tick[2], "schema %.8s", r->served_view.hash_hex);
    snprintf(t->name[3], sizeof t->name[3], "%s", s->downstream);
    t->name[3][0] =
        (char)(t->name[3][0] >= 'a' && t->name[3][0] <= 'z' ? t->name[3][0] - 32 : t->name[3][0]);
    snprintf(t->note[3], sizeof t->note[3], "trained on @v%d", r->trained_version);
    snprintf(t->tick[3], sizeof t->tick[3], "schema %.8s", r->trained_view.hash_hex);
    snprintf(t->name[4], sizeof t->name[4], "Label");
    snprintf(t->note[4], sizeof t->note[4], "yes if score > 0.5");
}

typedef struct row_text {
    char who[96], raw[96], ext[96], view[96], z[96], expects[96], score[96], label[32], base[32];
} row_text;

static void row_strings(row_text *o, const fo_ens_trace *t, const fo_ensemble_story *s) {
    snprintf(o->who, sizeof o->who, "#%lld  %s", t->request, class_name(s, t->truth));
    snprintf(o->raw, sizeof o->raw, "rms %.2f  \xc2\xb7  SNR %.1f dB", t->raw_rms, t->raw_snr_db);
    snprintf(o->ext, sizeof o->ext, "v%d \xe2\x86\x92 8 features", t->extractor_version);
    snprintf(o->view, sizeof o->view, "@v%d %.8s", t->view_version, t->view_hash);
    snprintf(o->z, sizeof o->z, "max |z| = %.1f sd", t->max_abs_z);
    snprintf(o->expects, sizeof o->expects, "@v%d %.8s %s", t->expects_version, t->expects_hash,
             t->contract_match ? "\xe2\x9c\x93" : "\xe2\x89\xa0 served");
    snprintf(o->score, sizeof o->score, "score P(yes) = %.2f", t->score);
    snprintf(o->label, sizeof o->label, "%s %s", t->label ? "yes" : "no",
             t->correct ? "\xe2\x9c\x93" : "\xe2\x9c\x97");
    snprintf(o->base, sizeof o->base, "%.2f %s", t->baseline_score,
             t->baseline_correct ? "\xe2\x9c\x93" : "\xe2\x9c\x97");
}

/* ---- The table (TABLE_W px and wider) ---- */

/* The five stage boxes whose top is y; returns their bottom. */
static double table_stages(fo_buf *b, const layout *L, double y, const fo_ensemble_result *r,
                           const stage_text *t) {
    double h = 66;
    const double *cx = L->col_x, *cw = L->col_w;
    const char *mismatch = r->check.contract_ok ? FO_COLOR_GOOD : FO_COLOR_BAD;
    for (int c = 0; c < 5; c++) {
        double mid = cx[c] + cw[c] / 2;
        if (c == 3)
            box(b, cx[c], y, cw[c], h, r->check.contract_ok ? LIGHT_GOOD : LIGHT_BAD, mismatch, 2);
        else
            box(b, cx[c], y, cw[c], h, LIGHT_GREY, FO_COLOR_REF, 1);
        if (!t->tick[c][0]) {
            fo_svg_text(b, mid, y + 24, "middle", "strong", "%s", t->name[c]);
            fo_svg_text(b, mid, y + 44, "middle", "note", "%s", t->note[c]);
            continue;
        }
        fo_svg_text(b, mid, y + 20, "middle", "strong", "%s", t->name[c]);
        if (c == 3) {
            text_fill(b, mid, y + 38, "middle", "note", mismatch, t->note[c]);
            text_fill(b, mid, y + 55, "middle", "tick", mismatch, t->tick[c]);
        } else {
            fo_svg_text(b, mid, y + 38, "middle", "note", "%s", t->note[c]);
            fo_svg_text(b, mid, y + 55, "middle", "tick", "%s", t->tick[c]);
        }
    }
    for (int c = 0; c < 4; c++) {
        const char *color = c == 2 ? mismatch : "#6b7280";
        arrow(b, cx[c] + cw[c] + 3, cx[c + 1] - 3, y + h / 2, color);
    }
    /* The handshake between the view and the classifier. */
    double mx = (cx[2] + cw[2] + cx[3]) / 2;
    text_fill(b, mx, y - 8, "middle", "strong", mismatch,
              r->check.contract_ok ? "contract holds" : "contract broken");
    return y + h;
}

/* The rows, the first at `top`; returns the bottom of the last. */
static double table_rows(fo_buf *b, const layout *L, double top, const fo_ensemble_result *r,
                         const fo_ensemble_story *s) {
    const double *cx = L->col_x, *cw = L->col_w;
    fo_svg_text(b, cx[0], top - 12, "start", "tick", "request  \xc2\xb7  rms  \xc2\xb7  SNR");
    fo_svg_text(b, cx[2] + 6, top - 12, "start", "tick", "served: farthest feature from training");
    fo_svg_text(b, cx[3] + 6, top - 12, "start", "tick", "classifier expects");
    fo_svg_text(b, cx[4] + cw[4], top - 12, "end", "tick", "v1 baseline");
    for (int k = 0; k < r->trace_len; k++) {
        const fo_ens_trace *t = &r->trace[k];
        double y = top + k * ROW_H, cy = y + ROW_H / 2;
        row_text o = {0};
        row_strings(&o, t, s);
        if (k % 2 == 0) fo_svg_rect(b, 16, y, L->W - 32, ROW_H, "#fafafa", NULL);
        fo_svg_line(b, 16, y + ROW_H, L->W - 16, y + ROW_H, "#e5e7eb", 1, NULL);

        fo_svg_text(b, cx[0] + 4, cy - 3, "start", "strong", "%s", o.who);
        fo_svg_text(b, cx[0] + 4, cy + 13, "start", "tick", "%s", o.raw);
        fo_svg_text(b, cx[1] + cw[1] / 2, cy + 4, "middle", "note", "%s", o.ext);
        fo_svg_text(b, cx[2] + 6, cy - 3, "start", "note", "%s", o.view);
        text_fill(b, cx[2] + 6, cy + 13, "start", "tick", t->max_abs_z > 3 ? FO_COLOR_BAD : INK,
                  o.z);
        text_fill(b, cx[3] + 6, cy - 3, "start", "note",
                  t->contract_match ? FO_COLOR_GOOD : FO_COLOR_BAD, o.expects);
        fo_svg_text(b, cx[3] + 6, cy + 13, "start", "tick", "%s", o.score);

        /* The label pill: blue when right, vermilion when wrong. */
        const char *lcol = t->correct ? FO_COLOR_GOOD : FO_COLOR_BAD;
        box(b, cx[4], y + 7, 88, ROW_H - 14, t->correct ? LIGHT_GOOD : LIGHT_BAD, lcol, 1.2);
        text_fill(b, cx[4] + 44, cy + 4, "middle", "strong", lcol, o.label);
        text_fill(b, cx[4] + cw[4], cy + 4, "end", "tick",
                  t->baseline_correct ? FO_COLOR_GOOD : FO_COLOR_BAD, o.base);
    }
    return top + r->trace_len * ROW_H;
}

/* ---- The stack (narrower than TABLE_W) ---- */

/* The stages as boxes top to bottom, arrows between; returns the bottom of the last. */
static double stack_stages(fo_buf *b, const layout *L, double y, const fo_ensemble_result *r,
                           const stage_text *t) {
    const char *mismatch = r->check.contract_ok ? FO_COLOR_GOOD : FO_COLOR_BAD;
    double x = 24, w = L->tw;
    for (int c = 0; c < 5; c++) {
        int bad = c == 3;
        field g[3] = {{t->name[c], "strong", NULL, NULL, 0},
                      {t->note[c], "note", bad ? mismatch : NULL, NULL, 0},
                      {t->tick[c], "tick", bad ? mismatch : NULL, NULL, 0}};
        int n = t->tick[c][0] ? 3 : 2, lines = flow(NULL, x + 12, 0, w - 24, 18, g, n);
        double h = 18 * lines + 12;
        if (bad)
            box(b, x, y, w, h, r->check.contract_ok ? LIGHT_GOOD : LIGHT_BAD, mismatch, 2);
        else
            box(b, x, y, w, h, LIGHT_GREY, FO_COLOR_REF, 1);
        flow(b, x + 12, y + 20, w - 24, 18, g, n);
        y += h;
        if (c == 4) break;
        /* The handshake between the view and the classifier beside its arrow. */
        double gap = c == 2 ? 30 : 16;
        arrow_down(b, x + 30, y + 3, y + gap - 3, c == 2 ? mismatch : "#6b7280");
        if (c == 2)
            text_fill(b, x + 44, y + 20, "start", "strong", mismatch,
                      r->check.contract_ok ? "contract holds" : "contract broken");
        y += gap;
    }
    return y;
}

/* Each request a card whose fields flow into lines; returns the bottom of the last. */
static double stack_rows(fo_buf *b, const layout *L, double y, const fo_ensemble_result *r,
                         const fo_ensemble_story *s) {
    double x = 24, w = L->tw;
    y += 12 + 16 * wrap_fill(b, x, y + 12, w, 16, "tick", NULL,
                             "Each request: its label here (v1 baseline's score beside it)  "
                             "\xc2\xb7  raw rms and SNR  \xc2\xb7  the served view and its "
                             "farthest feature from training  \xc2\xb7  the view the classifier "
                             "expects, and its score");
    for (int k = 0; k < r->trace_len; k++) {
        const fo_ens_trace *t = &r->trace[k];
        row_text o = {0};
        row_strings(&o, t, s);
        char base[48];
        snprintf(base, sizeof base, "v1 baseline %s", o.base);
        field g[] = {
            {o.who, "strong", NULL, NULL, 0},
            {o.label, "strong", t->correct ? FO_COLOR_GOOD : FO_COLOR_BAD,
             t->correct ? LIGHT_GOOD : LIGHT_BAD, 0},
            {base, "tick", t->baseline_correct ? FO_COLOR_GOOD : FO_COLOR_BAD, NULL, 0},
            {o.raw, "tick", NULL, NULL, 1},
            {o.ext, "note", NULL, NULL, 0},
            {o.view, "note", NULL, NULL, 0},
            {o.z, "tick", t->max_abs_z > 3 ? FO_COLOR_BAD : INK, NULL, 0},
            {o.expects, "note", t->contract_match ? FO_COLOR_GOOD : FO_COLOR_BAD, NULL, 0},
            {o.score, "tick", NULL, NULL, 0},
        };
        int n = (int)(sizeof g / sizeof *g), lines = flow(NULL, x + 8, 0, w - 16, 20, g, n);
        double h = 20 * lines + 12;
        if (k % 2 == 0) fo_svg_rect(b, 16, y, L->W - 32, h, "#fafafa", NULL);
        fo_svg_line(b, 16, y + h, L->W - 16, y + h, "#e5e7eb", 1, NULL);
        flow(b, x + 8, y + 22, w - 16, 20, g, n);
        y += h;
    }
    return y;
}

/* ---- Accuracy and verdict (both layouts) ---- */

/* An axis title marked for the legibility test (svg.h: data-axis, data-ticks). */
static void axis_title(fo_buf *b, double x, double y, const char *axis, int ticks, const char *s) {
    fo_buf_printf(b,
                  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"label\" "
                  "data-axis=\"%s\" data-ticks=\"%d\">",
                  x, y, axis, ticks);
    fo_svg_escape(b, s);
    fo_buf_puts(b, "</text>");
}

/* The three accuracies as bars in a column at x, w wide, from y; returns its bottom. */
static double accuracy_bars(fo_buf *b, double x, double y, double w, const fo_ensemble_params *p,
                            const fo_ensemble_result *r, const fo_ensemble_story *s) {
    fo_buf n;
    fo_buf_init(&n);
    fo_buf_grouped(&n, (double)r->requests_served, 0);
    char head[160];
    snprintf(head, sizeof head, "Accuracy on %s held-out requests", fo_buf_str(&n));
    fo_buf_free(&n);
    int nh = fo_svg_wrap(b, x, y + 16, w, 17, "strong", head);
    struct {
        const char *label;
        double v;
        const char *color;
    } bars[3] = {
        {"v1 baseline", r->baseline_accuracy, "#6b7280"},
        {"this scenario", r->accuracy, r->silent_failure ? FO_COLOR_BAD : FO_COLOR_GOOD},
        {"v2 retrained", r->retrained_accuracy, FO_COLOR_ACCENT},
    };
    /* The labels' column as wide as the widest, the values' room after the bars. */
    double labw = 0, bh = 22;
    for (int i = 0; i < 3; i++)
        if (fo_svg_text_w(bars[i].label, "note") > labw)
            labw = fo_svg_text_w(bars[i].label, "note");
    double left = x + labw + 10, width = w - labw - 10 - fo_svg_text_w("100.0%", "strong") - 8;
    if (width > 300) width = 300;
    double top = y + 16 + 17 * (nh - 1) + 12;
    double bx = left + width * r->baseline_accuracy, bottom = top + 3 * (bh + 10) - 10;
    for (int i = 0; i < 3; i++) {
        double yy = top + i * (bh + 10);
        fo_svg_text(b, left - 10, yy + 15, "end", "note", "%s", bars[i].label);
        fo_svg_rect(b, left, yy, width, bh, LIGHT_GREY, NULL);
        fo_svg_rect(b, left, yy, width * bars[i].v, bh, bars[i].color, NULL);
        /* The value after its bar, or after the baseline's rule when the rule would cross it. */
        char v[16];
        snprintf(v, sizeof v, "%.1f%%", 100 * bars[i].v);
        double vx = left + width * bars[i].v + 6;
        if (vx < bx + 3 && vx + fo_svg_text_w(v, "strong") > bx - 3) vx = bx + 5;
        fo_svg_text(b, vx, yy + 15, "start", "strong", "%s", v);
    }
    fo_svg_line(b, bx, top - 4, bx, bottom + 4, INK, 1.2, "4 3");
    /* Ticks every 25%, or every 50% when the labels would touch. */
    int step = width / 4 >= fo_svg_text_w("100%", "tick") + 6 ? 1 : 2;
    for (int t = 0; t <= 4; t += step) {
        double xx = left + width * t / 4.0;
        fo_svg_line(b, xx, bottom + 4, xx, bottom + 8, "#374151", 1, NULL);
        fo_svg_text(b, xx, bottom + 21, "middle", "tick", "%d%%", t * 25);
    }
    axis_title(b, left + width / 2, bottom + 40, "x", 4 / step + 1, "Accuracy (%)");
    char note[3][200];
    if (r->silent_failure)
        snprintf(note[0], sizeof note[0],
                 "%.1f points below the baseline with 0 errors raised: silent failure",
                 100 * r->accuracy_drop);
    else
        snprintf(note[0], sizeof note[0],
                 "%+.1f points vs the baseline (margin %g): no silent failure",
                 fabs(r->accuracy_drop) < 5e-4 ? 0.0 : -100 * r->accuracy_drop,
                 100 * p->silent_failure_margin);
    snprintf(note[1], sizeof note[1],
             "missed \xe2\x80\x9c%s\xe2\x80\x9d (false rejects) %.1f%%  \xc2\xb7  false "
             "alarms (false accepts) %.1f%%",
             s->positive, 100 * r->false_reject_rate, 100 * r->false_accept_rate);
    snprintf(note[2], sizeof note[2],
             "request by request against v1: %lld broken, %lld fixed, %lld right in both",
             r->outcomes[2], r->outcomes[1], r->outcomes[3]);
    double ny = bottom + 64;
    ny += 17 * wrap_fill(b, x, ny, w, 17, "note", r->silent_failure ? FO_COLOR_BAD : INK, note[0]);
    ny += 3;
    ny += 17 * fo_svg_wrap(b, x, ny, w, 17, "note", note[1]);
    ny += 3;
    ny += 17 * fo_svg_wrap(b, x, ny, w, 17, "note", note[2]);
    return ny - 17 + 6;
}

/* The consistency check in a box at x, w wide, from y; returns its bottom. */
static double verdict_panel(fo_buf *b, double x, double y, double w, const fo_ensemble_result *r) {
    const fo_fs_check_result *c = &r->check;
    int fail = strcmp(c->verdict, "fail") == 0, drift = strcmp(c->verdict, "drift") == 0;
    const char *col = fail ? FO_COLOR_BAD : drift ? FO_COLOR_WARN : FO_COLOR_GOOD;
    double iw = w - 28; /* inside the box's padding */
    fo_buf in;
    fo_buf_init(&in);
    char line[200];
    snprintf(line, sizeof line, "Consistency check: %s", fail ? "FAIL" : drift ? "DRIFT" : "PASS");
    double ly = y + 24;
    ly += 21 * wrap_fill(&in, x + 14, ly, iw, 21, "title", col, line) + 1;
    snprintf(line, sizeof line, "version contract: trained @v%d, served @v%d %s",
             r->trained_version, r->served_version,
             c->contract_ok ? "\xe2\x9c\x93" : "\xe2\x9c\x97");
    ly +=
        18 * wrap_fill(&in, x + 14, ly, iw, 18, "note", c->contract_ok ? INK : FO_COLOR_BAD, line);
    snprintf(line, sizeof line,
             "%d of %d features skewed (PSI, JS or L\xe2\x88\x9e \xe2\x89\xa5 0.1)",
             c->flagged_features, c->dims);
    ly +=
        18 * wrap_fill(&in, x + 14, ly, iw, 18, "note", c->skew_flagged ? FO_COLOR_BAD : INK, line);
    /* The threshold's legend: its dash, then the words wrapped beside it. */
    fo_svg_line(&in, x + 14, ly - 4, x + 38, ly - 4, INK, 1.2, "5 3");
    ly += 16 * fo_svg_wrap(&in, x + 44, ly, iw - 30, 16, "tick",
                           "PSI threshold 0.1 (Evidently's default); bars: PSI per feature");
    double h = ly - 6 - y + fo_draw_psi_chart(&in, x + 14, ly - 6, iw, c, &r->trained_view, INK);
    h += 10;
    box(b, x, y, w, h, "#ffffff", col, 2);
    fo_buf_puts(b, fo_buf_str(&in));
    fo_buf_free(&in);
    return y + h;
}

void fo_draw_ensemble_trace(fo_buf *b, int width, const fo_ensemble_params *p,
                            const fo_ensemble_result *r, const fo_ensemble_story *s) {
    char title[200], desc[600], sub[300], foot[2][300];
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
    fo_buf n;
    fo_buf_init(&n);
    fo_buf_grouped(&n, (double)r->requests_served, 0);
    snprintf(sub, sizeof sub,
             "severity %.2f (v2 basis rotated %.1f\xc2\xb0)  \xc2\xb7  %s requests served, "
             "%lld errors raised  \xc2\xb7  label yes = %s",
             p->severity, r->rotation_deg, fo_buf_str(&n), r->errors_raised, s->positive);
    snprintf(foot[0], sizeof foot[0],
             "Rows: %d of the %s requests, picked so that their mix of outcomes (right or "
             "wrong here, right or wrong under v1) matches the whole evaluation.",
             r->trace_len, fo_buf_str(&n));
    fo_buf_free(&n);
    snprintf(foot[1], sizeof foot[1],
             "Vermilion: a version mismatch, a wrong label, or a feature more than 3 sd from "
             "its training mean. \xe2\x9c\x93 right, \xe2\x9c\x97 wrong.");

    layout L = {.W = width ? width : W_DEFAULT};
    L.tw = L.W - 48;
    int table = L.W >= TABLE_W;
    for (int c = 0; c < 5; c++) { /* the table's columns stretched to the width */
        L.col_x[c] = 24 + (col_x0[c] - 24) * L.tw / (TABLE_W - 48);
        L.col_w[c] = col_w0[c] * L.tw / (TABLE_W - 48);
    }
    stage_text st;
    stage_strings(&st, r, s);

    /* Drawn below the header first, so the height follows from what was drawn. */
    fo_buf body;
    fo_buf_init(&body);
    int nt = fo_svg_wrap(&body, 24, 30, L.tw, 21, "title", title);
    double y = 30 + 21 * (nt - 1) + 20;
    y += 17 * (fo_svg_wrap(&body, 24, y, L.tw, 17, "subtitle", sub) - 1);
    double bottom;
    if (table) {
        double stages_end = table_stages(&body, &L, y + 24, r, &st);
        double rows_end = table_rows(&body, &L, stages_end + 36, r, s);
        /* Accuracy left, the verdict right, as at TABLE_W. */
        double vx = L.col_x[0] + (560 - 24) * L.tw / (TABLE_W - 48);
        double a = accuracy_bars(&body, 24, rows_end + 8, vx - 24 - 24, p, r, s);
        double v = verdict_panel(&body, vx, rows_end + 20, L.W - 24 - vx, r);
        bottom = a > v ? a : v;
    } else {
        double stages_end = stack_stages(&body, &L, y + 18, r, &st);
        double rows_end = stack_rows(&body, &L, stages_end + 8, r, s);
        double a = accuracy_bars(&body, 24, rows_end + 8, L.tw, p, r, s);
        bottom = verdict_panel(&body, 24, a + 16, L.tw, r);
    }
    y = bottom + 26;
    y += 17 * fo_svg_wrap(&body, 24, y, L.tw, 17, "note", foot[0]);
    y += 17 * (fo_svg_wrap(&body, 24, y, L.tw, 17, "note", foot[1]) - 1);
    double H = y + 12;

    fo_svg_begin(b, (int)L.W, (int)ceil(H), title, desc);
    fo_buf_puts(b, fo_buf_str(&body));
    fo_buf_free(&body);
    fo_svg_end(b);
}
