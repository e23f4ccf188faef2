/* risk_radar.c — the Risk-vs-Velocity Radar (Part 2): five axes on one pentagon, each a 0..1
 * score with 1 at the good end (confident, fast, little exposure, quick detection, fresh),
 * labelled with its raw value and unit. A table beside it repeats the numbers and says what
 * each axis measures. */
#include <math.h>
#include <string.h>

#include "fleetops/instruments.h"
#include "fleetops/libm.h"
#include "fleetops/svg.h"

#define W      900
#define H      520
#define CX     290.0
#define CY     285.0
#define RADIUS 135.0

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

static void polygon(fo_buf *b, const double *scores, const char *fill, double opacity,
                    const char *stroke, double width, const char *dash) {
    fo_buf_puts(b, "<polygon points=\"");
    for (int i = 0; i < FO_CANARY_RADAR_AXES; i++) {
        double a = axis_angle(i), s = scores ? scores[i] : 1.0;
        fo_buf_printf(b, "%s%.1f,%.1f", i ? " " : "", CX + RADIUS * s * fo_cos(a),
                      CY + RADIUS * s * fo_sin(a));
    }
    fo_buf_printf(b, "\" fill=\"%s\" fill-opacity=\"%.2f\" stroke=\"%s\" stroke-width=\"%.1f\"",
                  fill, opacity, stroke, width);
    if (dash) fo_buf_printf(b, " stroke-dasharray=\"%s\"", dash);
    fo_buf_puts(b, " stroke-linejoin=\"round\"/>");
}

void fo_draw_risk_radar(fo_buf *b, int width, const fo_canary_params *p,
                        const fo_canary_result *r) {
    (void)width; /* not yet laid out by width (issue 15): drawn at its own */
    const fo_radar_axis *ax = r->radar;
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
    fo_svg_begin(b, W, H, "Risk-vs-Velocity Radar", fo_buf_str(&t));
    fo_buf_reset(&t);

    fo_svg_text(b, 24, 30, "start", "title",
                "Risk-vs-Velocity Radar: what a shadow window buys and costs");
    fo_buf_printf(
        &t,
        "Window w = %.1f h (%s)  \xc2\xb7  target %.4g%%, p = %g  \xc2\xb7  pipeline %g h, "
        "drift %g/day",
        r->staleness.window_hours,
        r->has_attempt   ? "your attempt"
        : p->hide_window ? "the longest window the limit allows"
                         : "the window needed",
        100 * p->confidence, p->failure_rate, p->pipeline_overhead_hours, p->drift_rate_per_day);
    fo_svg_text(b, 24, 51, "start", "subtitle", "%s", fo_buf_str(&t));
    fo_buf_reset(&t);

    /* Rings at 0.25 .. 1 and the spokes. */
    for (int ring = 1; ring <= 4; ring++) {
        double s[FO_CANARY_RADAR_AXES];
        for (int i = 0; i < FO_CANARY_RADAR_AXES; i++)
            s[i] = ring / 4.0;
        polygon(b, s, "none", 0, ring == 4 ? "#9ca3af" : "#e5e7eb", ring == 4 ? 1.2 : 1, NULL);
    }
    for (int i = 0; i < FO_CANARY_RADAR_AXES; i++) {
        double a = axis_angle(i);
        fo_svg_line(b, CX, CY, CX + RADIUS * fo_cos(a), CY + RADIUS * fo_sin(a), "#d1d5db", 1,
                    NULL);
    }
    /* Ring values between two spokes (top and upper left), where no vertex can sit. */
    for (int ring = 1; ring <= 3; ring++) {
        double a = axis_angle(0) - PI / FO_CANARY_RADAR_AXES, rr = RADIUS * ring / 4.0;
        fo_svg_text(b, CX + rr * fo_cos(a), CY + rr * fo_sin(a) + 4, "middle", "tick", "%.2g",
                    ring / 4.0);
    }

    double scores[FO_CANARY_RADAR_AXES];
    for (int i = 0; i < FO_CANARY_RADAR_AXES; i++)
        scores[i] = ax[i].score;
    polygon(b, scores, FO_COLOR_GOOD, 0.22, FO_COLOR_GOOD, 2.5, NULL);
    for (int i = 0; i < FO_CANARY_RADAR_AXES; i++) {
        double a = axis_angle(i);
        fo_svg_circle(b, CX + RADIUS * scores[i] * fo_cos(a), CY + RADIUS * scores[i] * fo_sin(a),
                      4.5, ax[i].score >= 0.5 ? FO_COLOR_GOOD : FO_COLOR_BAD, "#ffffff");
    }

    /* Axis labels: name and raw value, just outside the outer ring. */
    for (int i = 0; i < FO_CANARY_RADAR_AXES; i++) {
        double a = axis_angle(i), c = fo_cos(a), s = fo_sin(a);
        double x = CX + (RADIUS + 16) * c, y = CY + (RADIUS + 16) * s;
        const char *anchor = c > 0.3 ? "start" : c < -0.3 ? "end" : "middle";
        if (s < -0.9)
            y -= 18; /* the top axis: both lines above the tip */
        else if (s > 0.3)
            y += 10; /* lower axes: below */
        fo_svg_text(b, x, y, anchor, "strong", "%s", ax[i].label);
        raw_value(&t, &ax[i]);
        fo_svg_text(b, x, y + 15, anchor, "note", "%s", fo_buf_str(&t));
        fo_buf_reset(&t);
    }

    /* The table: value, score bar, and what the axis measures. */
    double tx = 580, ty = 96;
    fo_svg_text(b, tx, ty, "start", "label", "Axis");
    fo_svg_text(b, tx + 200, ty, "start", "label", "Score");
    for (int i = 0; i < FO_CANARY_RADAR_AXES; i++) {
        double y = ty + 30 + 62 * i;
        fo_svg_text(b, tx, y, "start", "strong", "%s", ax[i].label);
        raw_value(&t, &ax[i]);
        fo_svg_text(b, tx, y + 16, "start", "note", "%s", fo_buf_str(&t));
        fo_buf_reset(&t);
        fo_svg_text(b, tx, y + 32, "start", "tick", "%s", meaning[i]);
        fo_svg_rect(b, tx + 200, y - 10, 70, 10, "#f3f4f6", "#d1d5db");
        fo_svg_rect(b, tx + 200, y - 10, 70 * ax[i].score, 10,
                    ax[i].score >= 0.5 ? FO_COLOR_GOOD : FO_COLOR_BAD, NULL);
        fo_svg_text(b, tx + 276, y, "start", "tick", "%.2f", ax[i].score); /* inside W */
    }
    fo_svg_text(b, 24, H - 18, "start", "note",
                "Score 1 = the good end of each axis: a longer window raises confidence and "
                "lowers exposure, but costs velocity and freshness.");
    fo_buf_free(&t);
    fo_svg_end(b);
}
