/* risk_radar.c — the Risk-vs-Velocity Radar (Part 2): five axes on one pentagon, each a 0..1
 * score with 1 at the good end (confident, fast, little exposure, quick detection, fresh),
 * labelled with its raw value and unit. A table beside it repeats the numbers and says what
 * each axis measures. */
#include <math.h>
#include <string.h>

#include "fleetops/instruments.h"
#include "fleetops/libm.h"
#include "fleetops/svg.h"

#define W_DEFAULT 900
#define RADIUS    135.0 /* the largest radius; a narrow figure draws a smaller one */
#define NARROW    480 /* below it the axis labels carry the name only (the table has the values) */
#define TABLE_W   310.0 /* the table's columns: name, value and meaning; score bar and score */
/* The title wraps a tenth short of the width: its bold capitals run wider than the kit's
 * estimate of an advance. */
#define TITLE_W(tw) (0.9 * (tw))

#define PI 3.14159265358979323846 /* M_PI is POSIX, not C17 */

static double axis_angle(int i) {
    return -PI / 2 + 2.0 * PI * i / FO_CANARY_RADAR_AXES;
}

/* The raw value in its unit, as a reader says it. */
static void raw_value(fo_buf *b, const fo_radar_axis *a) {
    if (strcmp(a->unit, "fraction") == 0) {
        fo_buf_printf(b, "%.2f%%", 100 * a->value);
    } else if (strcmp(a->unit, "releases_per_month") == 0) {
        fo_buf_printf(b, "%.2f releases/month", a->value);
    } else if (strcmp(a->unit, "requests") == 0) {
        fo_buf_grouped(b, a->value, a->value < 10 ? 2 : 0);
        fo_buf_puts(b, " requests");
    } else if (strcmp(a->unit, "hours") == 0) {
        fo_buf_printf(b, "%.1f h", a->value);
    } else if (strcmp(a->unit, "accuracy_fraction") == 0) {
        fo_buf_printf(b, "%.3f acc. points", 100 * a->value);
    } else {
        fo_buf_printf(b, "%g %s", a->value, a->unit);
    }
}

static const char *const meaning[FO_CANARY_RADAR_AXES] = {
    "C(w): chance the window catches a bad model",
    "730.5 h / (pipeline + w)",
    "requests a bad model serves if it slips through",
    "(k+1) / (\xce\xbb p): hours until it shows",
    "drift \xc3\x97 days waiting",
};

/* The radar's place: centre and radius. */
typedef struct geom {
    double cx, cy, r;
} geom;

static void polygon(fo_buf *b, const geom *g, const double *scores, const char *fill,
                    double opacity, const char *stroke, double width, const char *dash) {
    fo_buf_puts(b, "<polygon points=\"");
    for (int i = 0; i < FO_CANARY_RADAR_AXES; i++) {
        double a = axis_angle(i), s = scores ? scores[i] : 1.0;
        fo_buf_printf(b, "%s%.1f,%.1f", i ? " " : "", g->cx + g->r * s * fo_cos(a),
                      g->cy + g->r * s * fo_sin(a));
    }
    fo_buf_printf(b, "\" fill=\"%s\" fill-opacity=\"%.2f\" stroke=\"%s\" stroke-width=\"%.1f\"",
                  fill, opacity, stroke, width);
    if (dash) fo_buf_printf(b, " stroke-dasharray=\"%s\"", dash);
    fo_buf_puts(b, " stroke-linejoin=\"round\"/>");
}

/* An axis label's lines: wide, the name and the raw value; narrow, the name one word a line
 * (the table below the radar repeats the values). */
#define LABEL_LINES 6
#define LABEL_LH    15.0

typedef struct label {
    char line[LABEL_LINES][64];
    const char *cls[LABEL_LINES];
    int n;
    double w; /* the widest line, px */
} label;

static void label_add(label *l, const char *s, size_t len, const char *cls) {
    if (l->n >= LABEL_LINES) return;
    if (len >= sizeof l->line[0]) len = sizeof l->line[0] - 1;
    memcpy(l->line[l->n], s, len);
    l->line[l->n][len] = '\0';
    l->cls[l->n] = cls;
    double w = fo_svg_text_w(l->line[l->n], cls);
    if (w > l->w) l->w = w;
    l->n++;
}

static void axis_label(label *l, const fo_radar_axis *a, int narrow) {
    l->n = 0, l->w = 0;
    if (narrow) {
        for (const char *s = a->label; *s;) {
            size_t k = strcspn(s, " ");
            label_add(l, s, k, "strong");
            s += k;
            while (*s == ' ')
                s++;
        }
        return;
    }
    label_add(l, a->label, strlen(a->label), "strong");
    fo_buf v;
    fo_buf_init(&v);
    raw_value(&v, a);
    label_add(l, fo_buf_str(&v), strlen(fo_buf_str(&v)), "note");
    fo_buf_free(&v);
}

/* Where axis i's label sits: the anchor and the first baseline for a radar at g. */
static void label_at(const geom *g, int i, const label *l, double *x, double *y,
                     const char **anchor) {
    double a = axis_angle(i), c = fo_cos(a), s = fo_sin(a);
    *x = g->cx + (g->r + 16) * c, *y = g->cy + (g->r + 16) * s;
    *anchor = c > 0.3 ? "start" : c < -0.3 ? "end" : "middle";
    if (s < -0.9)
        *y -= 3 + LABEL_LH * (l->n - 1); /* the top axis: every line above the tip */
    else if (s > 0.3)
        *y += 10; /* lower axes: below */
}

/* Room the labels need above and below the centre for radius r. */
static double need_above(const label *lab, double r) {
    return r + 16 + 3 + LABEL_LH * (lab[0].n - 1) + 14;
}

static double need_below(const label *lab, double r) {
    double d = 0;
    for (int i = 1; i < FO_CANARY_RADAR_AXES; i++) {
        double s = fo_sin(axis_angle(i));
        double e = s > 0.3 ? (r + 16) * s + 10 + LABEL_LH * (lab[i].n - 1) + 5
                           : (r + 16) * s + LABEL_LH * (lab[i].n - 1) + 5;
        if (e > d) d = e;
    }
    return d;
}

/* The largest radius (up to RADIUS) whose labels stay within `half` px of the centre. */
static double fit_radius(const label *lab, double half) {
    double r = RADIUS;
    for (int i = 0; i < FO_CANARY_RADAR_AXES; i++) {
        double c = fabs(fo_cos(axis_angle(i)));
        double room = c > 0.3 ? (half - lab[i].w) / c - 16 : RADIUS;
        if (c <= 0.3 && lab[i].w / 2 > half) room = 40;
        if (room < r) r = room;
    }
    return r < 40 ? 40 : r;
}

/* One table row: name, value, what the axis measures (wrapped), the score bar at the right. */
static double table_row(fo_buf *b, double tx, double tw, double y, const fo_radar_axis *a,
                        const char *what) {
    double bx = tx + tw - 106, mw = tw;
    if (b) {
        fo_buf v;
        fo_buf_init(&v);
        raw_value(&v, a);
        fo_svg_text(b, tx, y, "start", "strong", "%s", a->label);
        fo_svg_text(b, tx, y + 16, "start", "note", "%s", fo_buf_str(&v));
        fo_buf_free(&v);
        fo_svg_rect(b, bx, y - 10, 70, 10, "#f3f4f6", "#d1d5db");
        fo_svg_rect(b, bx, y - 10, 70 * a->score, 10,
                    a->score >= 0.5 ? FO_COLOR_GOOD : FO_COLOR_BAD, NULL);
        fo_svg_text(b, bx + 76, y, "start", "tick", "%.2f", a->score);
    }
    int n = fo_svg_wrap(b, tx, y + 32, mw, 15, "tick", what);
    return 32 + 15 * (n - 1) + 30; /* to the next row's baseline */
}

void fo_draw_risk_radar(fo_buf *b, int width, const fo_canary_params *p,
                        const fo_canary_result *r) {
    const fo_radar_axis *ax = r->radar;
    double W = width ? width : W_DEFAULT, m = W < NARROW ? 14 : 24, tw = W - 2 * m;
    int narrow = W < NARROW;
    fo_buf t;
    fo_buf_init(&t);
    fo_buf_puts(&t, "Five scores from 0 to 1 (1 is the good end) for a shadow window of ");
    fo_buf_printf(&t, "%.1f h: ", r->staleness.window_hours);
    for (int i = 0; i < FO_CANARY_RADAR_AXES; i++) {
        fo_buf_printf(&t, "%s%s ", i ? "; " : "", ax[i].label);
        raw_value(&t, &ax[i]);
        fo_buf_printf(&t, " (score %.2f)", ax[i].score);
    }
    fo_buf_putc(&t, '.');
    fo_buf sub;
    fo_buf_init(&sub);
    fo_buf_printf(
        &sub,
        "Window w = %.1f h (%s)  \xc2\xb7  target %.4g%%, p = %g  \xc2\xb7  pipeline %g h, "
        "drift %g/day",
        r->staleness.window_hours,
        r->has_attempt   ? "your attempt"
        : p->hide_window ? "the longest window the limit allows"
                         : "the window needed",
        100 * p->confidence, p->failure_rate, p->pipeline_overhead_hours, p->drift_rate_per_day);
    static const char title[] = "Risk-vs-Velocity Radar: what a shadow window buys and costs";
    static const char note[] = "Score 1 = the good end of each axis: a longer window raises "
                               "confidence and lowers exposure, but costs velocity and freshness.";

    /* Laid out for the width: the table beside the radar when both fit, below it otherwise;
     * the radius is what the labels leave. */
    label lab[FO_CANARY_RADAR_AXES];
    for (int i = 0; i < FO_CANARY_RADAR_AXES; i++)
        axis_label(&lab[i], &ax[i], narrow);
    double region = W - m - TABLE_W - 16; /* the radar's column beside the table: [0, region) */
    int beside = fit_radius(lab, region / 2 - m) >= 100;
    if (!beside) region = W;
    geom g = {.cx = region / 2, .r = fit_radius(lab, region / 2 - m)};
    int nt = fo_svg_wrap(NULL, 0, 0, TITLE_W(tw), 21, "title", title),
        ns = fo_svg_wrap(NULL, 0, 0, tw, 17, "subtitle", fo_buf_str(&sub));
    double top = 30 + 21 * nt + 17 * (ns - 1) + 22;
    g.cy = top + need_above(lab, g.r);
    double radar_bottom = g.cy + need_below(lab, g.r);
    double tx = beside ? W - m - TABLE_W : m, tcw = beside ? TABLE_W : tw;
    double ty = beside ? top + 26 : radar_bottom + 30, yrow = ty + 30;
    for (int i = 0; i < FO_CANARY_RADAR_AXES; i++)
        yrow += table_row(NULL, tx, tcw, yrow, &ax[i], meaning[i]);
    double content = yrow - 30 > radar_bottom ? yrow - 30 : radar_bottom;
    int nn = fo_svg_wrap(NULL, 0, 0, tw, 16, "note", note);
    double ny = content + 30, H = ny + 16 * (nn - 1) + 14;

    fo_svg_begin(b, (int)W, (int)ceil(H), "Risk-vs-Velocity Radar", fo_buf_str(&t));
    fo_buf_reset(&t);
    fo_svg_wrap(b, m, 30, TITLE_W(tw), 21, "title", title);
    fo_svg_wrap(b, m, 30 + 21 * nt, tw, 17, "subtitle", fo_buf_str(&sub));
    fo_buf_free(&sub);

    /* Rings at 0.25 .. 1 and the spokes. */
    for (int ring = 1; ring <= 4; ring++) {
        double s[FO_CANARY_RADAR_AXES];
        for (int i = 0; i < FO_CANARY_RADAR_AXES; i++)
            s[i] = ring / 4.0;
        polygon(b, &g, s, "none", 0, ring == 4 ? "#9ca3af" : "#e5e7eb", ring == 4 ? 1.2 : 1, NULL);
    }
    for (int i = 0; i < FO_CANARY_RADAR_AXES; i++) {
        double a = axis_angle(i);
        fo_svg_line(b, g.cx, g.cy, g.cx + g.r * fo_cos(a), g.cy + g.r * fo_sin(a), "#d1d5db", 1,
                    NULL);
    }
    /* Ring values between two spokes (top and upper left), where no vertex can sit; every
     * other ring when the rings are too close for a line of text between them. */
    for (int ring = 1; ring <= 3; ring++) {
        if (g.r / 4 * 0.81 < 17 && ring != 2) continue;
        double a = axis_angle(0) - PI / FO_CANARY_RADAR_AXES, rr = g.r * ring / 4.0;
        fo_svg_text(b, g.cx + rr * fo_cos(a), g.cy + rr * fo_sin(a) + 4, "middle", "tick", "%.2g",
                    ring / 4.0);
    }

    double scores[FO_CANARY_RADAR_AXES];
    for (int i = 0; i < FO_CANARY_RADAR_AXES; i++)
        scores[i] = ax[i].score;
    polygon(b, &g, scores, FO_COLOR_GOOD, 0.22, FO_COLOR_GOOD, 2.5, NULL);
    for (int i = 0; i < FO_CANARY_RADAR_AXES; i++) {
        double a = axis_angle(i);
        fo_svg_circle(b, g.cx + g.r * scores[i] * fo_cos(a), g.cy + g.r * scores[i] * fo_sin(a),
                      4.5, ax[i].score >= 0.5 ? FO_COLOR_GOOD : FO_COLOR_BAD, "#ffffff");
    }

    /* Axis labels just outside the outer ring. */
    for (int i = 0; i < FO_CANARY_RADAR_AXES; i++) {
        double x, y;
        const char *anchor;
        label_at(&g, i, &lab[i], &x, &y, &anchor);
        for (int k = 0; k < lab[i].n; k++)
            fo_svg_text(b, x, y + LABEL_LH * k, anchor, lab[i].cls[k], "%s", lab[i].line[k]);
    }

    /* The table: value, score bar, and what the axis measures. */
    fo_svg_text(b, tx, ty, "start", "label", "Axis");
    fo_svg_text(b, tx + tcw - 106, ty, "start", "label", "Score");
    yrow = ty + 30;
    for (int i = 0; i < FO_CANARY_RADAR_AXES; i++)
        yrow += table_row(b, tx, tcw, yrow, &ax[i], meaning[i]);
    fo_svg_wrap(b, m, ny, tw, 16, "note", note);
    fo_buf_free(&t);
    fo_svg_end(b);
}
