/* shadow_dashboard.c — the ShadowModeDashboard (the plan's secondary figure): one column per
 * dwell of a staged-rollout replay, stacked panels sharing the columns:
 *   the stage (its exposure and hours),
 *   the running confidence that the failure rate is below p, against the target C,
 *   the SPRT's log-likelihood ratio between its boundaries, request by request,
 *   the gate quantile's latency (bar: p99, or p99.9) and p50 (tick) per hardware generation,
 *   against the deadline,
 *   the decision badge and the rule that made it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fleetops/instruments.h"
#include "fleetops/lab.h"
#include "fleetops/libm.h"
#include "fleetops/stages.h"
#include "fleetops/svg.h"

#define W_DEFAULT 1000
#define NB        "\xc2\xa0" /* a no-break space: wrapping keeps "a = b" on one line */
/* The title wraps a tenth short of the width: its bold capitals run wider than the kit's
 * estimate of an advance. */
#define TITLE_W(tw) (0.9 * (tw))

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

/* A generation's latency at the gate's quantile (its p99 where the gate has none). */
static double gate_ms(const fo_rollout_latency *l) {
    return isfinite(l->gate_ms) ? l->gate_ms : l->p99_ms;
}

/* The rule that decided a dwell, in words; the latency gate names its own quantile (p99,
 * p99.9: the track's gate_quantile), written into buf. */
static const char *rule_label(fo_rollout_rule r, double gate_quantile, char *buf, size_t n) {
    switch (r) {
    case FO_RULE_SPRT_REJECT:
        return "SPRT: LLR" NB "\xe2\x89\xa5" NB "ln" NB "A";
    case FO_RULE_LATENCY:
        snprintf(buf, n, "p%g over deadline", 100 * gate_quantile);
        return buf;
    case FO_RULE_SPRT_ACCEPT:
        return "SPRT: LLR" NB "\xe2\x89\xa4" NB "ln" NB "B";
    case FO_RULE_CONFIDENCE:
        return "confidence" NB "\xe2\x89\xa5" NB "C";
    case FO_RULE_NO_ALARM:
        return "no alarm (LLR" NB "\xe2\x89\xa4" NB "0)";
    case FO_RULE_HOLD:
        return "undecided: dwell again";
    case FO_RULE_UNDECIDED:
        return "undecided, holds used";
    case FO_RULE_COMPLETE:
        return "100% reached";
    }
    return "";
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

/* The columns' frame: the y axes sit at `left`, the columns run to `right`. */
typedef struct frame {
    fo_buf *b;
    double left, right, m; /* m: the figure's margin */
} frame;

/* A y axis on the left of the column area: grid lines and labels at the given values; the
 * panel's heading (its unit last) above it, wrapped, its first baseline at `hy`. */
static void y_axis(const frame *f, const fo_plot *pl, const double *ticks, int n,
                   fo_tick_format fmt, const char *heading, double hy) {
    fo_buf t;
    fo_buf_init(&t);
    for (int i = 0; i < n; i++) {
        double y = fo_plot_py(pl, ticks[i]);
        fo_buf_printf(f->b,
                      "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                      f->left, y, f->right, y);
        fo_buf_reset(&t);
        fmt(&t, ticks[i]);
        fo_svg_text(f->b, f->left - 6, y + 4, "end", "tick", "%s", fo_buf_str(&t));
    }
    fo_buf_free(&t);
    fo_svg_line(f->b, f->left, pl->top, f->left, pl->top + pl->height, "#374151", 1.2, NULL);
    fo_svg_wrap(f->b, f->m, hy, f->right - f->m, 16, "strong", heading);
}

/* A panel's heading lines and the plot's top below them. */
static double plot_top(const frame *f, double hy, const char *heading) {
    return hy + 16 * (fo_svg_wrap(NULL, 0, 0, f->right - f->m, 16, "strong", heading) - 1) + 12;
}

/* A dwell's header lines: the stage, its exposure, its hours. The shadow stage says the share
 * of traffic it watches and scores (the mirror's share times the scored share: Part 2's shadow
 * fraction), not the mirror's. */
static void header_lines(const fo_rollout_params *p, const fo_rollout_row *w, char l[3][64]) {
    snprintf(l[0], 64, "%s%s", w->stage, w->hold ? " (hold)" : "");
    if (w->traffic_fraction > 0)
        snprintf(l[1], 64, "%g%% of users", 100 * w->traffic_fraction);
    else
        snprintf(l[1], 64, "%.3g%% watched", 100 * w->observed_fraction * p->scored_fraction);
    snprintf(l[2], 64, "%.0f\xe2\x80\x93%.0f h", w->start_hours, w->end_hours);
}

/* The numbered list of the dwells (and the stages not reached) under narrow columns, from the
 * baseline y; returns the y after it. b NULL: only measures it. */
static double dwell_list(fo_buf *b, const fo_rollout_params *p, const fo_rollout_result *r,
                         const fo_stage *ladder, size_t reached, size_t cols, double m, double tw,
                         double y) {
    size_t n = r->rows;
    char item[400], hl[3][64], rule[48];
    for (size_t i = 0; i < cols; i++) {
        const fo_rollout_row *w = i < n ? &r->row[i] : NULL;
        if (!w) {
            snprintf(item, sizeof item, "%s: not reached", ladder[reached + (i - n)].name);
        } else {
            header_lines(p, w, hl);
            snprintf(item, sizeof item, "%s, %s, %s: confidence %.1f%%; %s (%s)", hl[0], hl[1],
                     hl[2], 100 * w->running_confidence, decision_label(w->decision),
                     rule_label(w->rule, p->gate_quantile, rule, sizeof rule));
        }
        if (b) {
            const char *ink = w ? "#ffffff" : "#4b5563";
            fo_buf_printf(b,
                          "<rect x=\"%.1f\" y=\"%.1f\" width=\"22\" height=\"18\" rx=\"4\" "
                          "fill=\"%s\"/>",
                          m, y - 13, w ? decision_color(w->decision) : "#f1f2f4");
            fo_buf_printf(b,
                          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"strong\" "
                          "fill=\"%s\" style=\"fill:%s\">%zu</text>",
                          m + 11, y, ink, ink, i + 1);
        }
        y += 16 * fo_svg_wrap(b, m + 30, y, tw - 30, 16, "note", item) + 4;
    }
    return y + (cols ? 8 : 0);
}

void fo_draw_shadow_dashboard(fo_buf *b, int width, const fo_rollout_params *p,
                              const fo_rollout_result *r, const char *track) {
    size_t n = r->rows, ns;
    const fo_stage *ladder = fo_default_stages(&ns);
    /* Stages the replay never reached still get a (greyed) column: the ladder stays visible. */
    size_t reached = n ? (size_t)r->row[n - 1].stage_index + 1 : 0, cols = n + (ns - reached);
    /* Laid out for the width it is shown at: the columns share what the axes leave. Columns
     * wide enough for their texts carry them (stage, exposure, hours, decision and its rule);
     * narrower ones carry a number, and a numbered list below says the same per dwell. */
    double W = width ? width : W_DEFAULT, m = W < 480 ? 14 : 20, tw = W - 2 * m;
    frame f = {.b = b, .left = m + 56, .right = W - m - 8, .m = m};
    double cw = (f.right - f.left) / (double)(cols ? cols : 1);
    char hl[3][64];
    double need = 0;
    for (size_t i = 0; i < n; i++) {
        header_lines(p, &r->row[i], hl);
        for (int k = 0; k < 3; k++) {
            double w = fo_svg_text_w(hl[k], k ? "tick" : "strong");
            if (w > need) need = w;
        }
        double w = fo_svg_text_w(decision_label(r->row[i].decision), "strong") + 12;
        if (w > need) need = w;
    }
    for (size_t i = reached; i < ns; i++) {
        double w = fo_svg_text_w(ladder[i].name, "strong");
        if (w > need) need = w;
    }
    if (fo_svg_text_w("not reached", "tick") > need) need = fo_svg_text_w("not reached", "tick");
    int full = cw >= need + 8;

    fo_buf t, sub;
    fo_buf_init(&t);
    fo_buf_init(&sub);
    fo_buf_printf(&t,
                  "Staged rollout replay%s%s: %zu dwells over %.1f hours. The candidate's true "
                  "failure rate is %g; SPRT p0 = %g against p1 = %g. Outcome: %s.",
                  track ? " for " : "", track ? track : "", n, r->hours, p->true_failure_rate,
                  p->p0, p->p1, r->reason);
    const fo_track *tr = track ? fo_lab_track(track) : NULL;
    char title[160];
    snprintf(title, sizeof title, "ShadowModeDashboard%s%s", tr ? ": " : "", tr ? tr->name : "");
    /* rates as percents, as the page's boxes show them */
    fo_buf_printf(&sub,
                  "Candidate's true failure rate %.3g%%  \xc2\xb7  SPRT p0" NB "=" NB
                  "%.3g%% vs p1" NB "=" NB "%.3g%%  \xc2\xb7  confidence that p" NB "<" NB
                  "%.3g%%, target %.4g%%",
                  100 * p->true_failure_rate, 100 * p->p0, 100 * p->p1, 100 * p->failure_rate,
                  100 * p->confidence);
    /* the latency gate's own quantile (p99, or Edge Guardian's p99.9): what decides a roll back */
    char gate[16];
    snprintf(gate, sizeof gate, "p%g", 100 * p->gate_quantile);
    if (p->deadline_ms > 0)
        fo_buf_printf(&sub, "  \xc2\xb7  %s deadline %g" NB "ms", gate, p->deadline_ms);
    char outcome[400];
    snprintf(outcome, sizeof outcome, "Outcome after %.1f h: %s", r->hours, r->reason);
    static const char h_conf[] = "Running confidence that the failure rate is below p (%)";
    static const char h_llr[] =
        "SPRT log-likelihood ratio: roll back at ln A, accept at ln B (log units)";
    char h_lat[96];
    snprintf(h_lat, sizeof h_lat, "Latency per hardware generation: %s bar, p50 tick (ms)", gate);

    /* Heights first. */
    int nt = fo_svg_wrap(NULL, 0, 0, TITLE_W(tw), 21, "title", title),
        nsub = fo_svg_wrap(NULL, 0, 0, tw, 17, "subtitle", fo_buf_str(&sub));
    double top = 30 + 21 * nt + 17 * (nsub - 1) + 16, header_h = full ? 52 : 24;
    double hy_c = top + header_h + 20, ct_top = plot_top(&f, hy_c, h_conf), ct_h = 100;
    double hy_l = ct_top + ct_h + 30, lt_top = plot_top(&f, hy_l, h_llr), lt_h = 130;
    double hy_t = lt_top + lt_h + 30, tt_top = plot_top(&f, hy_t, h_lat), tt_h = 120;
    double yb = tt_top + tt_h + 16;
    int rule_lines = 0;
    char rule[48];
    if (full)
        for (size_t i = 0; i < n; i++) {
            int k = fo_svg_wrap(NULL, 0, 0, cw - 8, 15, "tick",
                                rule_label(r->row[i].rule, p->gate_quantile, rule, sizeof rule));
            if (k > rule_lines) rule_lines = k;
        }
    double band_h = yb + 22 + (full ? 8 + 15 * rule_lines : 0) + 6 - top;
    const char *labels[FO_ROLLOUT_MAX_GENERATIONS + 3], *colors[FO_ROLLOUT_MAX_GENERATIONS + 3],
        *dashes[FO_ROLLOUT_MAX_GENERATIONS + 3];
    char target[64];
    snprintf(target, sizeof target, "target %.4g%%", 100 * p->confidence);
    size_t nl = 0;
    labels[nl] = "running confidence", colors[nl] = FO_COLOR_GOOD, dashes[nl++] = NULL;
    labels[nl] = target, colors[nl] = "#111827", dashes[nl++] = "6 4";
    labels[nl] = "SPRT LLR", colors[nl] = "#111827", dashes[nl++] = NULL;
    for (size_t g = 0; g < p->generations; g++)
        labels[nl] = p->gen[g].name, colors[nl] = gen_colors[g], dashes[nl++] = NULL;
    double ly = top + band_h + 26;
    int legend_rows = fo_svg_legend_rows(NULL, m, ly, W - m, labels, colors, dashes, nl);
    double y = ly + 20 * (legend_rows - 1) + 28; /* the list's (or the outcome's) first line */
    double list_y = y;
    if (!full) y = dwell_list(NULL, p, r, ladder, reached, cols, m, tw, y);
    double oy = y, H = oy + 16 * (fo_svg_wrap(NULL, 0, 0, tw, 16, "note", outcome) - 1) + 14;

    fo_svg_begin(b, (int)W, (int)ceil(H), "ShadowModeDashboard: a staged rollout, stage by stage",
                 fo_buf_str(&t));
    fo_buf_free(&t);
    fo_svg_wrap(b, m, 30, TITLE_W(tw), 21, "title", title);
    fo_svg_wrap(b, m, 30 + 21 * nt, tw, 17, "subtitle", fo_buf_str(&sub));
    fo_buf_free(&sub);

    /* Columns: a light band per stage, the header (or its number). */
    for (size_t i = n; i < cols; i++) {
        const fo_stage *st = &ladder[reached + (i - n)];
        double x = f.left + cw * (double)i, cx = x + cw / 2;
        fo_svg_rect(b, x + 1, top, cw - 2, band_h, "#f1f2f4", NULL);
        fo_buf_printf(b,
                      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"strong\" "
                      "style=\"fill:#9ca3af\">",
                      cx, top + 16);
        if (full)
            fo_svg_escape(b, st->name);
        else
            fo_buf_printf(b, "%zu", i + 1);
        fo_buf_puts(b, "</text>");
        if (full) fo_svg_text(b, cx, top + 31, "middle", "tick", "not reached");
    }
    for (size_t i = 0; i < n; i++) {
        const fo_rollout_row *w = &r->row[i];
        double x = f.left + cw * (double)i, cx = x + cw / 2;
        fo_svg_rect(b, x + 1, top, cw - 2, band_h, w->stage_index % 2 ? "#f7f8fa" : "#fdfdfe",
                    NULL);
        if (!full) {
            fo_svg_text(b, cx, top + 16, "middle", "strong", "%zu", i + 1);
            continue;
        }
        header_lines(p, w, hl);
        fo_svg_text(b, cx, top + 16, "middle", "strong", "%s", hl[0]);
        fo_svg_text(b, cx, top + 31, "middle", "tick", "%s", hl[1]);
        fo_svg_text(b, cx, top + 45, "middle", "tick", "%s", hl[2]);
    }

    /* Running confidence. */
    fo_plot pc = {.b = b,
                  .left = f.left,
                  .top = ct_top,
                  .width = f.right - f.left,
                  .height = ct_h,
                  .xmin = 0,
                  .xmax = 1,
                  .ymin = 0,
                  .ymax = 1};
    double ct[] = {0, 0.5, 1};
    y_axis(&f, &pc, ct, 3, fmt_pct, h_conf, hy_c);
    double yC = fo_plot_py(&pc, p->confidence);
    fo_svg_line(b, f.left, yC, f.right, yC, "#111827", 1.2, "6 4");
    fo_buf_puts(b, "<polyline fill=\"none\" stroke=\"" FO_COLOR_GOOD
                   "\" stroke-width=\"2.5\" stroke-linejoin=\"round\" points=\"");
    for (size_t i = 0; i < n; i++) {
        double x = f.left + cw * (double)i;
        fo_buf_printf(b, "%.1f,%.1f %.1f,%.1f ", x, fo_plot_py(&pc, r->row[i].confidence_start),
                      x + cw, fo_plot_py(&pc, r->row[i].running_confidence));
    }
    fo_buf_puts(b, "\"/>");
    for (size_t i = 0; i < n; i++) {
        double x = f.left + cw * (double)(i + 1),
               y1 = fo_plot_py(&pc, r->row[i].running_confidence);
        fo_svg_circle(b, x, y1, 3.5, FO_COLOR_GOOD, "#ffffff");
        if (cw >= 60)
            fo_svg_text(b, x - 6, y1 > pc.top + 30 ? y1 - 8 : y1 + 16, "end", "tick", "%.1f%%",
                        100 * r->row[i].running_confidence);
    }

    /* SPRT log-likelihood ratio. */
    double la = r->log_upper_boundary, lb = r->log_lower_boundary;
    fo_plot pl = {.b = b,
                  .left = f.left,
                  .top = lt_top,
                  .width = f.right - f.left,
                  .height = lt_h,
                  .xmin = 0,
                  .xmax = 1,
                  .ymin = lb - 0.8,
                  .ymax = la + 0.8};
    double lt[] = {lb, 0, la};
    y_axis(&f, &pl, lt, 3, fmt_llr, h_llr, hy_l);
    fo_svg_line(b, f.left, fo_plot_py(&pl, la), f.right, fo_plot_py(&pl, la), FO_COLOR_BAD, 1.8,
                NULL);
    fo_svg_line(b, f.left, fo_plot_py(&pl, lb), f.right, fo_plot_py(&pl, lb), FO_COLOR_GOOD, 1.8,
                NULL);
    double inset = cw >= 40 ? 4 : 1;
    for (size_t i = 0; i < n; i++) {
        const fo_rollout_row *w = &r->row[i];
        double span = w->end_hours - w->start_hours, x0 = f.left + cw * (double)i;
        if (!(span > 0) || w->llr_points == 0) continue;
        fo_buf_puts(b, "<polyline fill=\"none\" stroke=\"#111827\" stroke-width=\"1.6\" "
                       "stroke-linejoin=\"round\" points=\"");
        for (size_t k = 0; k < w->llr_points; k++) {
            double fr = (w->llr_hours[k] - w->start_hours) / span;
            if (fr > 1) fr = 1;
            double v = w->llr_value[k];
            if (v > pl.ymax) v = pl.ymax;
            if (v < pl.ymin) v = pl.ymin;
            fo_buf_printf(b, "%.1f,%.1f ", x0 + inset + (cw - 2 * inset) * fr, fo_plot_py(&pl, v));
        }
        fo_buf_puts(b, "\"/>");
        if (w->sprt != 0 && w->sprt_decided_at <= w->total_requests &&
            w->sprt_decided_at > w->total_requests - w->requests - 0.5) {
            double fr = (w->llr_hours[w->llr_points - 1] - w->start_hours) / span;
            double v = w->llr > pl.ymax ? pl.ymax : w->llr < pl.ymin ? pl.ymin : w->llr;
            fo_svg_circle(b, x0 + inset + (cw - 2 * inset) * (fr > 1 ? 1 : fr), fo_plot_py(&pl, v),
                          4.5, w->sprt > 0 ? FO_COLOR_BAD : FO_COLOR_GOOD, "#ffffff");
        }
    }

    /* Latency per hardware generation. */
    fo_plot pt = {.b = b,
                  .left = f.left,
                  .top = tt_top,
                  .width = f.right - f.left,
                  .height = tt_h,
                  .xmin = 0,
                  .xmax = 1,
                  .ylog = 1};
    double lo = INFINITY, hi = p->deadline_ms > 0 ? p->deadline_ms : 0;
    for (size_t i = 0; i < n; i++)
        for (size_t g = 0; g < p->generations; g++) {
            const fo_rollout_latency *l = &r->row[i].latency[g];
            if (l->samples == 0) continue;
            if (l->p50_ms < lo) lo = l->p50_ms;
            if (gate_ms(l) > hi) hi = gate_ms(l);
        }
    if (p->generations == 0 || !isfinite(lo)) {
        fo_svg_wrap(b, m, hy_t, tw, 16, "strong", "Latency per hardware generation");
        fo_svg_wrap(b, f.left, pt.top + 20, f.right - f.left, 16, "note",
                    "This scenario has no hardware generations (pick a --track).");
    } else {
        pt.ymin = fo_pow(10, floor(fo_log10(lo / 1.5)));
        pt.ymax = fo_pow(10, ceil(fo_log10(hi * 1.2)));
        double ticks[8];
        int nt2 = 0;
        for (double v = pt.ymin; v <= pt.ymax * 1.0001 && nt2 < 8; v *= 10)
            ticks[nt2++] = v;
        y_axis(&f, &pt, ticks, nt2, fmt_ms, h_lat, hy_t);
        double base = pt.top + pt.height, bw = (cw - (cw >= 40 ? 12 : 4)) / (double)p->generations;
        if (bw > 22) bw = 22;
        for (size_t i = 0; i < n; i++) {
            double x0 = f.left + cw * (double)i + cw / 2 - bw * (double)p->generations / 2;
            for (size_t g = 0; g < p->generations; g++) {
                const fo_rollout_latency *l = &r->row[i].latency[g];
                if (l->samples == 0) continue;
                double x = x0 + bw * (double)g, y99 = fo_plot_py(&pt, gate_ms(l));
                fo_svg_rect(b, x + 0.5, y99, bw - 1, base - y99, gen_colors[g], NULL);
                double y50 = fo_plot_py(&pt, l->p50_ms);
                fo_svg_line(b, x, y50, x + bw, y50, "#111827", 2, NULL);
            }
        }
        if (p->deadline_ms > 0) {
            double yd = fo_plot_py(&pt, p->deadline_ms);
            fo_svg_line(b, f.left, yd, f.right, yd, FO_COLOR_BAD, 1.5, "6 4");
            /* Above the line, or below it when the plot's top is too close. */
            fo_svg_text(b, f.right - 4, yd - 17 < pt.top ? yd + 15 : yd - 5, "end", "tick",
                        "deadline %g ms", p->deadline_ms);
        }
    }

    /* Decisions: a badge per dwell (with its label and rule when the column is wide enough). */
    for (size_t i = 0; i < n; i++) {
        const fo_rollout_row *w = &r->row[i];
        double x = f.left + cw * (double)i, bw = cw - 10 < 110 ? cw - 10 : 110;
        if (bw < 8) bw = cw - 2;
        double cx = x + cw / 2;
        fo_buf_printf(b,
                      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"22\" rx=\"5\" "
                      "fill=\"%s\"/>",
                      cx - bw / 2, yb, bw, decision_color(w->decision));
        if (!full) continue;
        fo_buf_printf(b,
                      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"strong\" "
                      "fill=\"#ffffff\" style=\"fill:#ffffff\">",
                      cx, yb + 15.5);
        fo_svg_escape(b, decision_label(w->decision));
        fo_buf_puts(b, "</text>");
        fo_buf_puts(b, "<g text-anchor=\"middle\">"); /* its lines centred on cx */
        fo_svg_wrap(b, cx, yb + 38, cw - 8, 15, "tick",
                    rule_label(w->rule, p->gate_quantile, rule, sizeof rule));
        fo_buf_puts(b, "</g>");
    }

    /* Legend, the numbered list of dwells (narrow columns) and the outcome. */
    fo_svg_legend_rows(b, m, ly, W - m, labels, colors, dashes, nl);
    if (!full) dwell_list(b, p, r, ladder, reached, cols, m, tw, list_y);
    fo_svg_wrap(b, m, oy, tw, 16, "note", outcome);
    fo_svg_end(b);
}
