/* governance_plot.c — Part 3's governance year: weekly accuracy of the chosen policy (the other
 * one thin and dashed for comparison), upstream releases as dotted rules labelled with their
 * version, the chosen policy's silent-failure weeks shaded, incidents flagged. */
#include <math.h>
#include <stdio.h>

#include "fleetops/instruments.h"
#include "fleetops/svg.h"

#define W_DEFAULT 860

static const char *policy_title(int policy) {
    return policy == FO_GOV_LOOSE ? "Loose Versioning" : "Strict Immutable Contracts";
}

static const char *policy_color(int policy) {
    return policy == FO_GOV_LOOSE ? FO_COLOR_BAD : FO_COLOR_GOOD;
}

static void fmt_weeks(fo_buf *b, double v) {
    fo_buf_printf(b, "%g", v);
}

void fo_draw_governance(fo_buf *b, int width, const fo_governance_params *p,
                        const fo_governance_result *r, const fo_ensemble_story *s) {
    const fo_gov_outcome *o = &r->outcome[0], *other = &r->outcome[1];
    size_t n = (size_t)p->weeks;
    double xs[FO_GOV_MAX_WEEKS], y0[FO_GOV_MAX_WEEKS], y1[FO_GOV_MAX_WEEKS];
    double lo = 1.0;
    for (size_t w = 0; w < n; w++) {
        xs[w] = (double)w + 0.5; /* a week's accuracy sits at its middle */
        y0[w] = o->week[w].accuracy;
        y1[w] = other->week[w].accuracy;
        if (y0[w] < lo) lo = y0[w];
        if (y1[w] < lo) lo = y1[w];
    }
    double ymin = floor(lo * 10.0) / 10.0, ymax = 1.0;
    if (ymin > 0.5) ymin = 0.5;

    char title[160], desc[600];
    snprintf(title, sizeof title, "Governance year: %s", policy_title(o->policy));
    snprintf(desc, sizeof desc,
             "Weekly accuracy of the %s over %lld weeks with an upstream %s release every %lld "
             "weeks. %s: %lld silent-failure weeks, %lld incidents, mean accuracy %.1f%%, "
             "upgrade delay %.1f days. %s: %lld, %lld, %.1f%%, %.1f days.",
             s->downstream, p->weeks, s->upstream, p->release_every_weeks, policy_title(o->policy),
             o->silent_failure_weeks, o->incidents, 100 * o->mean_accuracy, o->upgrade_delay_days,
             policy_title(other->policy), other->silent_failure_weeks, other->incidents,
             100 * other->mean_accuracy, other->upgrade_delay_days);
    /* Laid out for the width it is shown at: the plot takes what the margins leave; the
     * subtitle, the legend and the summary wrap at spaces instead of running off the edge. */
    double W = width ? width : W_DEFAULT, tw = W - 48;
    char sub[400], note[200], sum[2][240];
    snprintf(sub, sizeof sub,
             "%s \xe2\x86\x92 %s  \xc2\xb7  release every %lld weeks, mean severity %.2f  "
             "\xc2\xb7  retrain %g d, contract bump %g d, noticed after %lld wk",
             s->upstream, s->downstream, p->release_every_weeks, p->severity, p->retrain_days,
             p->contract_bump_days, p->detection_weeks);
    snprintf(note, sizeof note,
             "silent-failure week: served version \xe2\x89\xa0 trained, accuracy > %g points "
             "below validation, no error raised",
             100 * p->silent_failure_margin);
    for (int k = 0; k < 2; k++) {
        const fo_gov_outcome *q = &r->outcome[k];
        snprintf(sum[k], sizeof sum[k],
                 "%s: %lld silent-failure week%s, %lld incident%s, mean accuracy %.1f%%, "
                 "upgrade delay %.1f days, %lld retrain%s",
                 policy_title(q->policy), q->silent_failure_weeks,
                 q->silent_failure_weeks == 1 ? "" : "s", q->incidents,
                 q->incidents == 1 ? "" : "s", 100 * q->mean_accuracy, q->upgrade_delay_days,
                 q->retrains, q->retrains == 1 ? "" : "s");
    }
    const char *labels[4];
    char l0[120], l1[120];
    snprintf(l0, sizeof l0, "%s (shown)", policy_title(o->policy));
    snprintf(l1, sizeof l1, "%s", policy_title(other->policy));
    labels[0] = l0, labels[1] = l1, labels[2] = "v1 accuracy", labels[3] = "release";
    const char *colors[] = {policy_color(o->policy), policy_color(other->policy), FO_COLOR_REF,
                            "#6b7280"};
    const char *dashes[] = {NULL, "5 4", "6 4", "2 3"};

    int nt = fo_svg_wrap(NULL, 0, 0, tw, 21, "title", title),
        ns = fo_svg_wrap(NULL, 0, 0, tw, 17, "subtitle", sub);
    double top = 30 + 21 * nt + 17 * ns + 24, ph = W < 560 ? 220 : 270;
    double ly = top + ph + 74; /* below the x-axis label */
    int nl = fo_svg_legend_rows(NULL, 24, 0, W - 24, labels, colors, dashes, 4),
        nn = fo_svg_wrap(NULL, 0, 0, tw - 30, 16, "note", note);
    int n0 = fo_svg_wrap(NULL, 0, 0, tw, 17, "strong", sum[0]),
        n1 = fo_svg_wrap(NULL, 0, 0, tw, 17, "note", sum[1]);
    double ny = ly + 20 * nl, iy = ny + 16 * nn + 8, sy = iy + 28;
    double H = sy + 17 * (n0 + n1) + 4;

    fo_svg_begin(b, (int)W, (int)ceil(H), title, desc);
    fo_svg_wrap(b, 24, 30, tw, 21, "title", title);
    fo_svg_wrap(b, 24, 30 + 21 * nt, tw, 17, "subtitle", sub);

    fo_plot pl = {.b = b,
                  .left = 86,
                  .top = top,
                  .width = W - 86 - 44,
                  .height = ph,
                  .xmin = 0,
                  .xmax = (double)n,
                  .ymin = ymin,
                  .ymax = ymax};
    /* Silent-failure weeks of the chosen policy, shaded under everything else. */
    for (size_t w = 0; w < n; w++)
        if (o->week[w].silent_failure)
            fo_svg_rect(b, fo_plot_px(&pl, (double)w), pl.top,
                        fo_plot_px(&pl, (double)w + 1) - fo_plot_px(&pl, (double)w), pl.height,
                        "#fbe5d9", NULL);
    fo_plot_axes(&pl, "Time (weeks)", "Weekly accuracy (%)", fmt_weeks, fo_fmt_percent);

    /* Releases: a dotted rule and the version above the plot. */
    int last_label_x = -100;
    for (int v = 1; v < r->releases; v++) {
        double x = fo_plot_px(&pl, (double)r->release[v].week);
        fo_svg_line(b, x, pl.top, x, pl.top + pl.height, "#6b7280", 1, "2 3");
        if (x - last_label_x >= 24) {
            fo_svg_text(b, x, pl.top - 6, "middle", "tick", "v%d", r->release[v].version);
            last_label_x = (int)x;
        }
    }
    /* The v1 validation accuracy as a reference. */
    double yv1 = fo_plot_py(&pl, r->v1_accuracy);
    fo_svg_line(b, pl.left, yv1, pl.left + pl.width, yv1, FO_COLOR_REF, 1, "6 4");

    fo_plot_polyline(&pl, xs, y1, n, policy_color(other->policy), 1.5, "5 4");
    fo_plot_polyline(&pl, xs, y0, n, policy_color(o->policy), 2.6, NULL);
    for (size_t w = 0; w < n; w++)
        if (o->week[w].incident) {
            double x = fo_plot_px(&pl, xs[w]), y = fo_plot_py(&pl, y0[w]);
            fo_svg_circle(b, x, y, 6, "#ffffff", FO_COLOR_BAD);
            fo_svg_text(b, x, y + 4, "middle", "strong", "!");
        }

    fo_svg_legend_rows(b, 24, ly, W - 24, labels, colors, dashes, 4);
    fo_svg_rect(b, 24, ny - 10, 24, 12, "#fbe5d9", NULL);
    fo_svg_wrap(b, 54, ny, tw - 30, 16, "note", note);
    /* The incident mark on its own line below the note. */
    fo_svg_circle(b, 30, iy - 4, 6, "#ffffff", FO_COLOR_BAD);
    fo_svg_text(b, 30, iy, "middle", "strong", "!");
    fo_svg_text(b, 42, iy, "start", "note", "incident opened");
    double y = sy;
    y += 17 * fo_svg_wrap(b, 24, y, tw, 17, "strong", sum[0]);
    fo_svg_wrap(b, 24, y, tw, 17, "note", sum[1]);
    fo_svg_end(b);
}
