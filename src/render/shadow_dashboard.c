/* shadow_dashboard.c — the ShadowModeDashboard (the plan's secondary figure): one column per
 * dwell of a staged-rollout replay, stacked panels sharing the columns:
 *   the stage (its exposure and hours),
 *   the running confidence that the failure rate is below p, against the target C,
 *   the SPRT's log-likelihood ratio between its boundaries, request by request,
 *   p99 latency (bar) and p50 (tick) per hardware generation, against the deadline,
 *   the decision badge and the rule that made it. */
#include <math.h>
#include <string.h>

#include "fleetops/instruments.h"
#include "fleetops/lab.h"
#include "fleetops/libm.h"
#include "fleetops/stages.h"
#include "fleetops/svg.h"

#define W     1000
#define H     716
#define LEFT  112.0
#define RIGHT 972.0

/* Okabe-Ito colours not already carrying a decision (blue, amber, vermillion, green). */
static const char *const gen_colors[FO_ROLLOUT_MAX_GENERATIONS] = {"#56b4e9", FO_COLOR_PURPLE,
                                                                   "#4b5563", "#f0e442"};

static const char *decision_color(fo_rollout_decision d) {
    switch (d) {
    case FO_ROLLOUT_PROMOTE:
        return FO_COLOR_GOOD;
    case FO_ROLLOUT_HOLD:
        return FO_COLOR_WARN;
    case FO_ROLLOUT_ROLLBACK:
        return FO_COLOR_BAD;
    case FO_ROLLOUT_COMPLETE:
        return FO_COLOR_ACCENT;
    }
    return FO_COLOR_MUTED;
}

static const char *decision_label(fo_rollout_decision d) {
    switch (d) {
    case FO_ROLLOUT_PROMOTE:
        return "PROMOTE";
    case FO_ROLLOUT_HOLD:
        return "HOLD";
    case FO_ROLLOUT_ROLLBACK:
        return "ROLL BACK";
    case FO_ROLLOUT_COMPLETE:
        return "COMPLETE";
    }
    return "";
}

static const char *rule_label(fo_rollout_rule r) {
    switch (r) {
    case FO_RULE_SPRT_REJECT:
        return "SPRT: LLR \xe2\x89\xa5 ln A";
    case FO_RULE_LATENCY:
        return "p99 over deadline";
    case FO_RULE_SPRT_ACCEPT:
        return "SPRT: LLR \xe2\x89\xa4 ln B";
    case FO_RULE_CONFIDENCE:
        return "confidence \xe2\x89\xa5 C";
    case FO_RULE_NO_ALARM:
        return "no alarm (LLR \xe2\x89\xa4 0)";
    case FO_RULE_HOLD:
        return "undecided: dwell again";
    case FO_RULE_UNDECIDED:
        return "undecided, holds used";
    case FO_RULE_COMPLETE:
        return "100% reached";
    }
    return "";
}

/* A y axis on the left of the column area: grid lines and labels at the given values. */
static void y_axis(const fo_plot *pl, const double *ticks, int n, fo_tick_format fmt,
                   const char *label) {
    fo_buf t;
    fo_buf_init(&t);
    for (int i = 0; i < n; i++) {
        double y = fo_plot_py(pl, ticks[i]);
        fo_buf_printf(pl->b,
                      "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                      LEFT, y, RIGHT, y);
        fo_buf_reset(&t);
        fmt(&t, ticks[i]);
        fo_svg_text(pl->b, LEFT - 6, y + 4, "end", "tick", "%s", fo_buf_str(&t));
    }
    fo_buf_free(&t);
    fo_svg_line(pl->b, LEFT, pl->top, LEFT, pl->top + pl->height, "#374151", 1.2, NULL);
    fo_svg_text(pl->b, 20, pl->top - 12, "start", "strong", "%s",
                label); /* clear of the top tick */
}

static void fmt_pct(fo_buf *b, double v) {
    fo_buf_printf(b, "%.0f%%", 100 * v);
}

static void fmt_llr(fo_buf *b, double v) {
    fo_buf_printf(b, "%+.1f", v);
}

static void fmt_ms(fo_buf *b, double v) {
    if (v >= 1000)
        fo_buf_printf(b, "%g s", v / 1000);
    else
        fo_buf_printf(b, "%g ms", v);
}

/* Word-wrapped note lines, ~`width` characters each; returns the y after the last line. */
static double wrapped(fo_buf *b, double x, double y, const char *s, size_t width) {
    char line[256];
    while (*s) {
        size_t n = strlen(s), cut = n;
        if (n > width) {
            cut = width;
            while (cut > 0 && s[cut] != ' ')
                cut--;
            if (cut == 0) cut = width;
        }
        if (cut >= sizeof line) cut = sizeof line - 1;
        memcpy(line, s, cut);
        line[cut] = '\0';
        fo_svg_text(b, x, y, "start", "note", "%s", line);
        y += 16;
        s += cut;
        while (*s == ' ')
            s++;
    }
    return y;
}

void fo_draw_shadow_dashboard(fo_buf *b, int width, const fo_rollout_params *p,
                              const fo_rollout_result *r, const char *track) {
    (void)width; /* not yet laid out by width (issue 15): drawn at its own */
    size_t n = r->rows, ns;
    const fo_stage *ladder = fo_default_stages(&ns);
    /* Stages the replay never reached still get a (greyed) column: the ladder stays visible. */
    size_t reached = n ? (size_t)r->row[n - 1].stage_index + 1 : 0, cols = n + (ns - reached);
    double cw = (RIGHT - LEFT) / (double)(cols ? cols : 1);
    fo_buf t;
    fo_buf_init(&t);
    fo_buf_printf(&t,
                  "Staged rollout replay%s%s: %zu dwells over %.1f hours. The candidate's true "
                  "failure rate is %g; SPRT p0 = %g against p1 = %g. Outcome: %s.",
                  track ? " for " : "", track ? track : "", n, r->hours, p->true_failure_rate,
                  p->p0, p->p1, r->reason);
    fo_svg_begin(b, W, H, "ShadowModeDashboard: a staged rollout, stage by stage", fo_buf_str(&t));
    fo_buf_reset(&t);
    const fo_track *tr = track ? fo_lab_track(track) : NULL;
    fo_svg_text(b, 20, 30, "start", "title", "ShadowModeDashboard%s%s", tr ? ": " : "",
                tr ? tr->name : "");
    fo_buf_printf(&t,
                  "Candidate's true failure rate %g  \xc2\xb7  SPRT p0 = %g vs p1 = %g  \xc2\xb7  "
                  "confidence about p = %g, target %.4g%%",
                  p->true_failure_rate, p->p0, p->p1, p->failure_rate, 100 * p->confidence);
    if (p->deadline_ms > 0) fo_buf_printf(&t, "  \xc2\xb7  p99 deadline %g ms", p->deadline_ms);
    fo_svg_text(b, 20, 51, "start", "subtitle", "%s", fo_buf_str(&t));
    fo_buf_reset(&t);

    /* Columns: a light band per stage, the header. */
    double top = 70, header_h = 52, band_h = 570;
    for (size_t i = n; i < cols; i++) {
        const fo_stage *st = &ladder[reached + (i - n)];
        double x = LEFT + cw * (double)i, cx = x + cw / 2;
        fo_svg_rect(b, x + 1, top, cw - 2, band_h, "#f1f2f4", NULL);
        fo_buf_printf(b,
                      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"strong\" "
                      "style=\"fill:#9ca3af\">",
                      cx, top + 16);
        fo_svg_escape(b, st->name);
        fo_buf_puts(b, "</text>");
        fo_svg_text(b, cx, top + 31, "middle", "tick", "not reached");
    }
    for (size_t i = 0; i < n; i++) {
        const fo_rollout_row *w = &r->row[i];
        double x = LEFT + cw * (double)i;
        fo_svg_rect(b, x + 1, top, cw - 2, band_h, w->stage_index % 2 ? "#f7f8fa" : "#fdfdfe",
                    NULL);
        double cx = x + cw / 2;
        fo_svg_text(b, cx, top + 16, "middle", "strong", "%s%s", w->stage,
                    w->hold ? " (hold)" : "");
        if (w->traffic_fraction > 0)
            fo_svg_text(b, cx, top + 31, "middle", "tick", "%g%% of users",
                        100 * w->traffic_fraction);
        else
            fo_svg_text(b, cx, top + 31, "middle", "tick", "%g%% mirrored",
                        100 * w->observed_fraction);
        fo_svg_text(b, cx, top + 45, "middle", "tick", "%.0f\xe2\x80\x93%.0f h", w->start_hours,
                    w->end_hours);
    }

    /* Running confidence. */
    fo_plot pc = {.b = b,
                  .left = LEFT,
                  .top = top + header_h + 30,
                  .width = RIGHT - LEFT,
                  .height = 100,
                  .xmin = 0,
                  .xmax = 1,
                  .ymin = 0,
                  .ymax = 1};
    double ct[] = {0, 0.5, 1};
    y_axis(&pc, ct, 3, fmt_pct, "Running confidence that the failure rate is below p");
    double yC = fo_plot_py(&pc, p->confidence);
    fo_svg_line(b, LEFT, yC, RIGHT, yC, "#111827", 1.2, "6 4");
    fo_svg_text(b, LEFT + 6, yC + 13, "start", "tick", "target %.4g%%", 100 * p->confidence);
    fo_buf_puts(b, "<polyline fill=\"none\" stroke=\"" FO_COLOR_GOOD
                   "\" stroke-width=\"2.5\" stroke-linejoin=\"round\" points=\"");
    for (size_t i = 0; i < n; i++) {
        double x = LEFT + cw * (double)i;
        fo_buf_printf(b, "%.1f,%.1f %.1f,%.1f ", x, fo_plot_py(&pc, r->row[i].confidence_start),
                      x + cw, fo_plot_py(&pc, r->row[i].running_confidence));
    }
    fo_buf_puts(b, "\"/>");
    for (size_t i = 0; i < n; i++) {
        double x = LEFT + cw * (double)(i + 1), y = fo_plot_py(&pc, r->row[i].running_confidence);
        fo_svg_circle(b, x, y, 3.5, FO_COLOR_GOOD, "#ffffff");
        if (cw >= 60)
            fo_svg_text(b, x - 6, y > pc.top + 30 ? y - 8 : y + 16, "end", "tick", "%.1f%%",
                        100 * r->row[i].running_confidence);
    }

    /* SPRT log-likelihood ratio. */
    double la = r->log_upper_boundary, lb = r->log_lower_boundary;
    fo_plot pl = {.b = b,
                  .left = LEFT,
                  .top = pc.top + pc.height + 42,
                  .width = RIGHT - LEFT,
                  .height = 130,
                  .xmin = 0,
                  .xmax = 1,
                  .ymin = lb - 0.8,
                  .ymax = la + 0.8};
    double lt[] = {lb, 0, la};
    y_axis(&pl, lt, 3, fmt_llr, "SPRT log-likelihood ratio (roll back at ln A, accept at ln B)");
    fo_svg_line(b, LEFT, fo_plot_py(&pl, la), RIGHT, fo_plot_py(&pl, la), FO_COLOR_BAD, 1.8, NULL);
    fo_svg_line(b, LEFT, fo_plot_py(&pl, lb), RIGHT, fo_plot_py(&pl, lb), FO_COLOR_GOOD, 1.8, NULL);
    for (size_t i = 0; i < n; i++) {
        const fo_rollout_row *w = &r->row[i];
        double span = w->end_hours - w->start_hours, x0 = LEFT + cw * (double)i;
        if (!(span > 0) || w->llr_points == 0) continue;
        fo_buf_puts(b, "<polyline fill=\"none\" stroke=\"#111827\" stroke-width=\"1.6\" "
                       "stroke-linejoin=\"round\" points=\"");
        for (size_t k = 0; k < w->llr_points; k++) {
            double f = (w->llr_hours[k] - w->start_hours) / span;
            if (f > 1) f = 1;
            double v = w->llr_value[k];
            if (v > pl.ymax) v = pl.ymax;
            if (v < pl.ymin) v = pl.ymin;
            fo_buf_printf(b, "%.1f,%.1f ", x0 + 4 + (cw - 8) * f, fo_plot_py(&pl, v));
        }
        fo_buf_puts(b, "\"/>");
        if (w->sprt != 0 && w->sprt_decided_at <= w->total_requests &&
            w->sprt_decided_at > w->total_requests - w->requests - 0.5) {
            double f = (w->llr_hours[w->llr_points - 1] - w->start_hours) / span;
            double v = w->llr > pl.ymax ? pl.ymax : w->llr < pl.ymin ? pl.ymin : w->llr;
            fo_svg_circle(b, x0 + 4 + (cw - 8) * (f > 1 ? 1 : f), fo_plot_py(&pl, v), 4.5,
                          w->sprt > 0 ? FO_COLOR_BAD : FO_COLOR_GOOD, "#ffffff");
        }
    }

    /* Latency per hardware generation. */
    fo_plot pt = {.b = b,
                  .left = LEFT,
                  .top = pl.top + pl.height + 42,
                  .width = RIGHT - LEFT,
                  .height = 120,
                  .xmin = 0,
                  .xmax = 1,
                  .ylog = 1};
    double lo = INFINITY, hi = p->deadline_ms > 0 ? p->deadline_ms : 0;
    for (size_t i = 0; i < n; i++)
        for (size_t g = 0; g < p->generations; g++) {
            const fo_rollout_latency *l = &r->row[i].latency[g];
            if (l->samples == 0) continue;
            if (l->p50_ms < lo) lo = l->p50_ms;
            if (l->p99_ms > hi) hi = l->p99_ms;
        }
    if (p->generations == 0 || !isfinite(lo)) {
        fo_svg_text(b, 20, pt.top - 8, "start", "strong", "Latency per hardware generation");
        fo_svg_text(b, (LEFT + RIGHT) / 2, pt.top + pt.height / 2, "middle", "note",
                    "This scenario has no hardware generations (pick a --track).");
    } else {
        pt.ymin = fo_pow(10, floor(fo_log10(lo / 1.5)));
        pt.ymax = fo_pow(10, ceil(fo_log10(hi * 1.2)));
        double ticks[8];
        int nt = 0;
        for (double v = pt.ymin; v <= pt.ymax * 1.0001 && nt < 8; v *= 10)
            ticks[nt++] = v;
        y_axis(&pt, ticks, nt, fmt_ms, "Latency per hardware generation: p99 (bar), p50 (tick)");
        double base = pt.top + pt.height, bw = (cw - 12) / (double)p->generations;
        if (bw > 22) bw = 22;
        for (size_t i = 0; i < n; i++) {
            double x0 = LEFT + cw * (double)i + cw / 2 - bw * (double)p->generations / 2;
            for (size_t g = 0; g < p->generations; g++) {
                const fo_rollout_latency *l = &r->row[i].latency[g];
                if (l->samples == 0) continue;
                double x = x0 + bw * (double)g, y99 = fo_plot_py(&pt, l->p99_ms);
                fo_svg_rect(b, x + 1, y99, bw - 2, base - y99, gen_colors[g], NULL);
                double y50 = fo_plot_py(&pt, l->p50_ms);
                fo_svg_line(b, x, y50, x + bw, y50, "#111827", 2, NULL);
            }
        }
        if (p->deadline_ms > 0) {
            double yd = fo_plot_py(&pt, p->deadline_ms);
            fo_svg_line(b, LEFT, yd, RIGHT, yd, FO_COLOR_BAD, 1.5, "6 4");
            fo_svg_text(b, RIGHT - 4, yd - 5, "end", "tick", "deadline %g ms", p->deadline_ms);
        }
    }

    /* Decisions. */
    double yb = pt.top + pt.height + 16;
    for (size_t i = 0; i < n; i++) {
        const fo_rollout_row *w = &r->row[i];
        double x = LEFT + cw * (double)i, bw = cw - 10 < 110 ? cw - 10 : 110;
        double cx = x + cw / 2;
        fo_buf_printf(b,
                      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"22\" rx=\"5\" "
                      "fill=\"%s\"/>",
                      cx - bw / 2, yb, bw, decision_color(w->decision));
        fo_buf_printf(b,
                      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"strong\" "
                      "fill=\"#ffffff\" style=\"fill:#ffffff\">",
                      cx, yb + 15.5);
        fo_svg_escape(b, cw >= 80 || w->decision != FO_ROLLOUT_ROLLBACK
                             ? decision_label(w->decision)
                             : "BACK");
        fo_buf_puts(b, "</text>");
        if (cw >= 90) fo_svg_text(b, cx, yb + 38, "middle", "tick", "%s", rule_label(w->rule));
    }

    /* Legend and the outcome. */
    double ly = yb + 70;
    const char *labels[FO_ROLLOUT_MAX_GENERATIONS + 2];
    const char *colors[FO_ROLLOUT_MAX_GENERATIONS + 2];
    size_t nl = 0;
    labels[nl] = "running confidence", colors[nl++] = FO_COLOR_GOOD;
    labels[nl] = "SPRT LLR", colors[nl++] = "#111827";
    for (size_t g = 0; g < p->generations; g++)
        labels[nl] = p->gen[g].name, colors[nl++] = gen_colors[g];
    fo_svg_legend(b, 20, ly, labels, colors, NULL, nl);
    fo_buf_printf(&t, "Outcome after %.1f h: %s", r->hours, r->reason);
    wrapped(b, 20, ly + 26, fo_buf_str(&t), 150);
    fo_buf_free(&t);
    fo_svg_end(b);
}
