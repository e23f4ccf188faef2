/* crisis_edge_rollout.c — Edge Guardian's two instruments side by side: the per-generation
 * latency tails (complementary CDFs on log-log axes, new model solid, old model dashed, the
 * deadline and the p99 / p99.9 levels marked) and the rollout waves (vehicles running the new
 * model, hour by hour, under the per-generation gate and under the fleet-wide check, with the
 * stages, the moment a gate fires and the rollback). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "fleetops/instruments.h"
#include "fleetops/libm.h"
#include "fleetops/stats.h"
#include "fleetops/svg.h"

#define W_DEFAULT   1000
#define SIDE_MIN    900 /* narrower: the two panels stack (a plot under 380 px side by side) */
#define CCDF_POINTS 160

/* Where a panel goes: its heading at (hx, hy) wrapped to hw, its plot frame, its legend. */
typedef struct slot {
    double hx, hy, hw;  /* heading */
    double left, width; /* plot frame */
    double top, height;
    double lx, ly, lright; /* legend */
    int nh, nl;            /* heading lines, legend rows */
} slot;

/* Lays a panel out from y0 in the column [x0, x0 + sw): the heading wraps, the plot takes what
 * the margins leave, the legend flows under the x-axis title. Returns the y under it. */
static double place(slot *s, double x0, double sw, double y0, int side, int nh_min,
                    const char *heading, const char *const *labels, const char *const *colors,
                    const char *const *dashes, size_t n) {
    s->left = x0 + (side ? 86 : 74);
    s->width = x0 + sw - s->left - (side ? 30 : 20);
    s->hx = side ? s->left : 24;
    s->hw = x0 + sw - 8 - s->hx;
    s->nh = fo_svg_wrap(NULL, 0, 0, s->hw, 17, "strong", heading);
    if (s->nh < nh_min) s->nh = nh_min; /* side by side: the plots' tops aligned */
    s->hy = y0 + 14;
    s->top = s->hy + 17 * (s->nh - 1) + 28;
    s->height = side ? 316 : 260;
    s->lx = side ? s->left - 40 : 24;
    s->lright = x0 + sw - 16;
    s->ly = s->top + s->height + 62;
    s->nl = fo_svg_legend_rows(NULL, s->lx, s->ly, s->lright, labels, colors, dashes, n);
    return s->ly + 20 * (s->nl - 1) + 10;
}

static const char *const gen_color[FO_EDGE_GENERATIONS] = {FO_COLOR_BAD, FO_COLOR_WARN,
                                                           FO_COLOR_ACCENT, FO_COLOR_GOOD};

/* Survival function of a generation's latency distribution (the engine's, from the result). */
static double latency_sf(const fo_edge_latency *d, double x) {
    double s =
        (1.0 - d->tail_probability) * fo_normal_sf((fo_log(x) - fo_log(d->median_ms)) / d->sigma);
    if (d->tail_probability > 0)
        s += d->tail_probability *
             fo_normal_sf((fo_log(x) - fo_log(d->tail_median_ms)) / d->tail_sigma);
    return s;
}

/* A share on the log axis as a percentage: 10^-2 reads 1% (the p99 level), 10^-6 0.0001%. */
static void fmt_prob(fo_buf *b, double v) {
    int e = (int)lround(fo_log10(v)) + 2;
    if (e >= 0)
        fo_buf_printf(b, "%.0f%%", fo_pow(10.0, e));
    else
        fo_buf_printf(b, "0.%.*s1%%", -e - 1, "000000000000");
}

static void fmt_ms(fo_buf *b, double v) {
    fo_buf_printf(b, "%g", v);
}

static void fmt_vehicles(fo_buf *b, double v) {
    if (v >= 1e6)
        fo_buf_printf(b, "%gM", v / 1e6);
    else if (v >= 1e3)
        fo_buf_printf(b, "%gk", v / 1e3);
    else
        fo_buf_printf(b, "%g", v);
}

static const char *const ccdf_heading = "Latency tails per hardware generation";
static const char *const waves_heading = "Rollout waves: vehicles running the new model, by stage";

static void ccdf_panel(fo_buf *b, const fo_edge_params *p, const fo_edge_result *r, const slot *sl,
                       const char *const *labels, const char *const *colors,
                       const char *const *dashes, size_t nl) {
    fo_plot pl = {.b = b,
                  .left = sl->left,
                  .top = sl->top,
                  .width = sl->width,
                  .height = sl->height,
                  .xmin = 0.5,
                  .xmax = 1000,
                  .ymin = 1e-6,
                  .ymax = 1,
                  .xlog = 1,
                  .ylog = 1};
    fo_svg_wrap(b, sl->hx, sl->hy, sl->hw, 17, "strong", ccdf_heading);
    fo_plot_axes(&pl, "Latency per frame (ms)", "Share of frames slower than x (%)", fmt_ms,
                 fmt_prob);
    /* The p99 and p99.9 levels, and the deadline. */
    double levels[2] = {1e-2, 1e-3};
    const char *lname[2] = {"p99", "p99.9"};
    for (int i = 0; i < 2; i++) {
        double y = fo_plot_py(&pl, levels[i]);
        fo_svg_line(b, pl.left, y, pl.left + pl.width, y, FO_COLOR_REF, 1, "2 3");
        fo_svg_text(b, pl.left + pl.width - 4, y - 4, "end", "tick", "%s", lname[i]);
    }
    double xd = fo_plot_px(&pl, p->deadline_ms);
    fo_svg_line(b, xd, pl.top, xd, pl.top + pl.height, "#111827", 1.5, "6 3");
    char dl[48];
    snprintf(dl, sizeof dl, "%g\xc2\xa0ms deadline", p->deadline_ms);
    double dw = fo_svg_text_w(dl, "strong"), room = pl.left + pl.width - xd - 5;
    if (dw <= room || xd - 5 - dw < pl.left) /* on the right of the line, wrapped if need be */
        fo_svg_wrap(b, xd + 5, pl.top + 14, fmax(room, 40), 15, "strong", dl);
    else /* no room on its right: on its left */
        fo_svg_text(b, xd - 5, pl.top + 14, "end", "strong", "%s", dl);

    double xs[CCDF_POINTS], ys[CCDF_POINTS], yo[CCDF_POINTS];
    for (size_t g = r->ngen; g-- > 0;) {
        const fo_edge_generation *x = &r->gen[g];
        size_t n = 0;
        for (int i = 0; i < CCDF_POINTS; i++) {
            double lx =
                fo_log(pl.xmin) + (fo_log(pl.xmax) - fo_log(pl.xmin)) * i / (CCDF_POINTS - 1.0);
            double v = fo_exp(lx);
            double sf_new = latency_sf(&x->new_model, v), sf_old = latency_sf(&x->old_model, v);
            xs[n] = v;
            ys[n] = fmax(sf_new, pl.ymin * 0.999);
            yo[n] = fmax(sf_old, pl.ymin * 0.999);
            n++;
        }
        /* Clip the curves at the bottom of the axis. */
        size_t kn = n, ko = n;
        for (size_t i = 0; i < n; i++)
            if (ys[i] <= pl.ymin) {
                kn = i + 1;
                break;
            }
        for (size_t i = 0; i < n; i++)
            if (yo[i] <= pl.ymin) {
                ko = i + 1;
                break;
            }
        fo_plot_polyline(&pl, xs, yo, ko, gen_color[g], 1.4, "4 3");
        fo_plot_polyline(&pl, xs, ys, kn, gen_color[g], 2.4, NULL);
    }
    const fo_edge_generation *g0 = &r->gen[0];
    if (g0->p999_ms > p->deadline_ms && g0->p999_ms < pl.xmax) {
        /* The point, and its label in the empty upper right with a leader line. */
        double x = fo_plot_px(&pl, g0->p999_ms), y = fo_plot_py(&pl, 1e-3);
        double tx = pl.left + pl.width - 6, ty = fo_plot_py(&pl, 1e-1);
        fo_svg_line(b, x, y - 5, x, ty + 22, gen_color[0], 1, NULL);
        fo_svg_circle(b, x, y, 4.5, gen_color[0], "#ffffff");
        fo_svg_text(b, tx, ty, "end", "note", "%s, new model:", g0->name);
        fo_svg_text(b, tx, ty + 15, "end", "strong", "p99.9 = %.0f ms", g0->p999_ms);
    }
    /* Legend under the panel, flowing into rows. */
    fo_svg_legend_rows(b, sl->lx, sl->ly, sl->lright, labels, colors, dashes, nl);
}

static void waves_panel(fo_buf *b, const fo_edge_params *p, const fo_edge_result *r, const slot *sl,
                        const char *const *labels, const char *const *lcolors,
                        const char *const *ldashes, size_t nl) {
    const fo_edge_run *g = &r->per_generation, *f = &r->fleetwide;
    double tmax = (double)(g->hours > f->hours ? g->hours : f->hours);
    double xmin = 0, xmax = tmax;
    fo_nice_range(&xmin, &xmax, 6);
    double ymax = fo_pow(10.0, ceil(fo_log10((double)p->fleet_size * 1.05)));
    fo_plot pl = {.b = b,
                  .left = sl->left,
                  .top = sl->top,
                  .width = sl->width,
                  .height = sl->height,
                  .xmin = 0,
                  .xmax = xmax,
                  .ymin = 1,
                  .ymax = ymax,
                  .ylog = 1};
    fo_svg_wrap(b, sl->hx, sl->hy, sl->hw, 17, "strong", waves_heading);
    /* Stage bands, alternating shades, names on top: only as far as the ladder ran (a rollback
     * freezes it), i.e. to the end of the longest run that never fired. */
    double ladder_end = fmax(g->detected ? g->detected_hours : (double)g->hours,
                             f->detected ? f->detected_hours : (double)f->hours);
    for (size_t s = 0; s < r->nstages; s++) {
        if (r->stage_start_hours[s] >= ladder_end) break;
        double x0 = fo_plot_px(&pl, r->stage_start_hours[s]);
        double t1 = s + 1 < r->nstages ? r->stage_start_hours[s + 1] : xmax;
        double x1 = fo_plot_px(&pl, fmin(fmin(t1, xmax), ladder_end));
        if (s % 2 == 0) fo_svg_rect(b, x0, pl.top, x1 - x0, pl.height, "#f3f4f6", NULL);
        if (x1 - x0 > fo_svg_text_w(r->stages[s].name, "tick") + 4)
            fo_svg_text(b, (x0 + x1) / 2, pl.top - 6, "middle", "tick", "%s", r->stages[s].name);
    }
    fo_plot_axes(&pl, "Hours since the rollout began (h)", "Vehicles (count, log scale)", NULL,
                 fmt_vehicles);

    size_t n = (g->hours > f->hours ? g->hours : f->hours) + 1;
    double *xs = malloc(n * sizeof *xs), *ys = malloc(n * sizeof *ys);
    if (!xs || !ys) {
        free(xs), free(ys);
        b->oom = 1;
        return;
    }
    const fo_edge_run *runs[2] = {f, g};
    const char *colors[2] = {FO_COLOR_BAD, FO_COLOR_GOOD};
    for (int k = 0; k < 2; k++) {
        const fo_edge_run *u = runs[k];
        /* Serving (thin) then running (thick), clipped at 1 on the log axis. */
        for (int layer = 0; layer < 2; layer++) {
            size_t m = 0, first = 0, last = u->hours;
            if (!layer) { /* serving: only the hours it is positive */
                while (first <= u->hours && !(u->serving[first] >= 1))
                    first++;
                while (last > first && !(u->serving[last] >= 1))
                    last--;
                if (first > u->hours) continue;
            }
            for (size_t t = first; t <= last; t++) {
                double v = layer ? u->installed[t] : u->serving[t];
                xs[m] = (double)t;
                ys[m] = fmax(v, 1.0);
                m++;
            }
            fo_plot_polyline(&pl, xs, ys, m, colors[k], layer ? 2.6 : 1.2, layer ? NULL : "2 2");
        }
    }
    free(xs), free(ys);
    if (g->detected) {
        double x = fo_plot_px(&pl, g->detected_hours);
        double y = fo_plot_py(&pl, fmax((double)g->vehicles_exposed, 1.0));
        /* Label in the gap between the two curves, with a leader line. */
        double lx = fo_plot_px(&pl, xmax * 0.14), ly = fo_plot_py(&pl, 3000);
        if (ly < y + 14) ly = y + 14;
        fo_svg_line(b, x + 4, y + 3, lx - 3, ly - 4, "#111827", 1, NULL);
        fo_svg_circle(b, x, y, 5, "#111827", "#ffffff");
        char gate[120];
        snprintf(gate, sizeof gate, "gate fires in %s at %.0f\xc2\xa0h: roll back",
                 r->stages[g->detected_stage].name, g->detected_hours);
        fo_svg_wrap(b, lx, ly, pl.left + pl.width - 4 - lx, 15, "note", gate);
        if (isfinite(g->hours_to_full_rollback)) {
            double xe = fo_plot_px(&pl, g->detected_hours + g->hours_to_full_rollback);
            double yb = pl.top + pl.height - 10; /* just above the floor */
            fo_svg_line(b, x, yb, xe, yb, "#111827", 1, NULL);
            fo_svg_line(b, xe, yb - 4, xe, yb + 4, "#111827", 1, NULL);
            fo_svg_line(b, x, yb - 4, x, yb + 4, "#111827", 1, NULL);
            char full[64];
            snprintf(full, sizeof full, "full rollback: %.0f\xc2\xa0h", g->hours_to_full_rollback);
            if (xe + 6 + fo_svg_text_w(full, "tick") < pl.left + pl.width)
                fo_svg_text(b, xe + 6, yb + 4, "start", "tick", "%s", full);
            else
                fo_svg_text(b, fmax(x, pl.left + 4), yb - 6, "start", "tick", "%s", full);
        }
    }
    if (f->detected) {
        double x = fo_plot_px(&pl, f->detected_hours);
        double y = fo_plot_py(&pl, fmax((double)f->vehicles_exposed, 1.0));
        fo_svg_circle(b, x, y, 5, FO_COLOR_BAD, "#ffffff");
    } else {
        double y = fo_plot_py(&pl, (double)f->vehicles_exposed);
        fo_svg_text(b, pl.left + pl.width - 6, y + 18, "end", "note", "%s",
                    g->detected ? "fleet-wide p99 never fires:" : "no gate fires:");
        fo_svg_text(b, pl.left + pl.width - 6, y + 33, "end", "note", "%s",
                    g->detected ? "the whole fleet gets it" : "the rollout completes");
    }
    fo_svg_legend_rows(b, sl->lx, sl->ly, sl->lright, labels, lcolors, ldashes, nl);
}

void fo_draw_edge_rollout(fo_buf *b, int width, const fo_edge_params *p, const fo_edge_result *r) {
    const fo_edge_run *g = &r->per_generation, *f = &r->fleetwide;
    fo_buf desc;
    fo_buf_init(&desc);
    fo_buf_printf(&desc,
                  "Latency tails of the old and new perception model on %zu hardware "
                  "generations against a %g ms deadline, and the number of vehicles "
                  "running the new model hour by hour. ",
                  r->ngen, p->deadline_ms);
    if (g->detected)
        fo_buf_printf(&desc,
                      "The per-generation gate fires after %.0f h in the %s stage with "
                      "%lld vehicles on the new model. ",
                      g->detected_hours, r->stages[g->detected_stage].name, g->vehicles_exposed);
    else
        fo_buf_printf(&desc, "The per-generation gate never fires. ");
    fo_buf_printf(&desc, "The fleet-wide p99 check %s.", f->detected ? "fires too" : "never fires");
    /* Laid out for the width it is shown at: the two panels side by side from SIDE_MIN px,
     * stacked under it; every line of text wraps, the height follows. */
    double Wd = width ? width : W_DEFAULT, tw = Wd - 48;
    int side = Wd >= SIDE_MIN;
    const char *title = "Edge Guardian: the new model's tail on old hardware, and the fleet "
                        "rollback";
    char sub[300], sum[2][300];
    fo_buf fleet;
    fo_buf_init(&fleet);
    fo_buf_grouped(&fleet, (double)p->fleet_size, 0);
    snprintf(sub, sizeof sub,
             "%s vehicles \xc2\xb7 %g\xc2\xa0ms deadline \xc2\xb7 per-generation gate p%g "
             "\xe2\x89\xa4 deadline vs fleet-wide p99 \xc2\xb7 alpha %g \xc2\xb7 OTA mean\xc2\xa0"
             "%g\xc2\xa0h",
             fo_buf_str(&fleet), p->deadline_ms, 100 * p->gate_quantile, p->alpha,
             p->ota_mean_hours);
    fo_buf_free(&fleet);
    char n1[32] = "", n2[32] = "", n3[32] = "";
    fo_buf t;
    fo_buf_init(&t);
    fo_buf_grouped(&t, (double)g->vehicles_exposed, 0);
    snprintf(n1, sizeof n1, "%s", fo_buf_str(&t));
    fo_buf_reset(&t);
    fo_buf_grouped(&t, (double)f->oldest_serving, 0);
    snprintf(n2, sizeof n2, "%s", fo_buf_str(&t));
    fo_buf_reset(&t);
    fo_buf_grouped(&t, (double)f->vehicles_exposed, 0);
    snprintf(n3, sizeof n3, "%s", fo_buf_str(&t));
    fo_buf_free(&t);
    if (g->detected)
        snprintf(sum[0], sizeof sum[0],
                 "Per-generation gate: %s vehicles ran the new model when it fired in %s "
                 "(%lld serving on it); the whole fleet was back on the old model %.0f\xc2\xa0h "
                 "later.",
                 n1, r->stages[g->detected_stage].name, g->vehicles_serving,
                 g->hours_to_full_rollback);
    else
        snprintf(sum[0], sizeof sum[0],
                 "No per-generation gate fired: the new model stays within the gate on every "
                 "generation.");
    if (f->detected)
        snprintf(sum[1], sizeof sum[1],
                 "Fleet-wide p99 check: fired after %.0f\xc2\xa0h in %s, with %s vehicles on the "
                 "new model.",
                 f->detected_hours, r->stages[f->detected_stage].name, n3);
    else
        snprintf(sum[1], sizeof sum[1],
                 "Fleet-wide p99 check: never fired; %s %s vehicles end up serving the new model.",
                 n2, r->gen[0].name);

    /* The legends: generations (solid, new model) and the old model dashed; the two runs. */
    char gl[FO_EDGE_GENERATIONS][64];
    const char *glabels[FO_EDGE_GENERATIONS + 1], *gcolors[FO_EDGE_GENERATIONS + 1],
        *gdashes[FO_EDGE_GENERATIONS + 1];
    size_t ng = 0;
    for (; ng < r->ngen && ng < FO_EDGE_GENERATIONS; ng++) {
        snprintf(gl[ng], sizeof gl[ng], "%s %.0f%%", r->gen[ng].name, 100 * r->gen[ng].share);
        glabels[ng] = gl[ng], gcolors[ng] = gen_color[ng], gdashes[ng] = NULL;
    }
    glabels[ng] = "old model", gcolors[ng] = "#6b7280", gdashes[ng] = "4 3";
    const char *wlabels[] = {"per-generation gate", "fleet-wide p99 check", "serving (not shadow)"};
    const char *wcolors[] = {FO_COLOR_GOOD, FO_COLOR_BAD, "#6b7280"};
    const char *wdashes[] = {NULL, NULL, "2 2"};

    int nt = fo_svg_wrap(NULL, 0, 0, tw, 21, "title", title),
        ns = fo_svg_wrap(NULL, 0, 0, tw, 17, "subtitle", sub);
    double y0 = 30 + 21 * nt + 17 * (ns - 1) + 22;
    slot s0, s1;
    double end0, end1;
    if (side) {
        end0 = place(&s0, 0, Wd / 2, y0, 1, 1, ccdf_heading, glabels, gcolors, gdashes, ng + 1);
        end1 =
            place(&s1, Wd / 2, Wd / 2, y0, 1, s0.nh, waves_heading, wlabels, wcolors, wdashes, 3);
        if (s1.nh > s0.nh)
            end0 = place(&s0, 0, Wd / 2, y0, 1, s1.nh, ccdf_heading, glabels, gcolors, gdashes,
                         ng + 1);
    } else {
        end0 = place(&s0, 0, Wd, y0, 0, 1, ccdf_heading, glabels, gcolors, gdashes, ng + 1);
        end1 = place(&s1, 0, Wd, end0 + 26, 0, 1, waves_heading, wlabels, wcolors, wdashes, 3);
    }
    double sy = fmax(end0, end1) + 30;
    int n0 = fo_svg_wrap(NULL, 0, 0, tw, 18, "note", sum[0]),
        n1l = fo_svg_wrap(NULL, 0, 0, tw, 18, "note", sum[1]);
    double H = sy + 18 * (n0 + n1l - 1) + 12;

    fo_svg_begin(b, (int)Wd, (int)ceil(H), "Edge Guardian: latency tails and rollout waves",
                 fo_buf_str(&desc));
    fo_buf_free(&desc);
    fo_svg_wrap(b, 24, 30, tw, 21, "title", title);
    fo_svg_wrap(b, 24, 30 + 21 * nt, tw, 17, "subtitle", sub);
    ccdf_panel(b, p, r, &s0, glabels, gcolors, gdashes, ng + 1);
    waves_panel(b, p, r, &s1, wlabels, wcolors, wdashes, 3);
    fo_svg_wrap(b, 24, sy, tw, 18, "note", sum[0]);
    fo_svg_wrap(b, 24, sy + 18 * n0, tw, 18, "note", sum[1]);
    fo_svg_end(b);
}
