/* crisis_edge.c — Edge Guardian's Rollout Jitter (crisis_edge.h).
 *
 * The hardware generations and the two models' latency per frame (lognormal: median, log-sd),
 * from Edge Guardian's scenario (scenario.c, where they are defined), oldest first:
 *   generation   share  old model        new model body   (instructor's figures: each newer
 *   HW1 (2017)   12%    4.0 ms, 0.20     4.6 ms, 0.22      NPU roughly 1.5x faster; the new
 *   HW2 (2019)   28%    3.0 ms, 0.20     3.4 ms, 0.22      model is ~15% heavier; shares of a
 *   HW3 (2021)   35%    2.0 ms, 0.18     2.3 ms, 0.20      fleet bought over seven years)
 *   HW4 (2023)   25%    1.2 ms, 0.18     1.4 ms, 0.20
 * On HW1 the new model uses an operator its NPU lacks; with probability tail_probability a
 * frame falls back to the CPU: lognormal(tail_ms, 0.25). Frames at 1000 / deadline_ms Hz while
 * driving, 1.5 h a day (FO_EDGE_DRIVING_FRACTION).
 *
 * Time runs in hours. At the start of each hour every vehicle whose bucket the current stage
 * targets, and which does not run the target model yet, installs it with probability
 * 1 - exp(-1 / ota_mean_hours) (parked and connected); likewise for reverting. During the hour,
 * vehicles running the new model drive with probability FO_EDGE_DRIVING_FRACTION, and each of
 * their frames misses the deadline with the new model's miss rate on their generation. At the
 * end of the hour the telemetry arrives and the gate is tested on all frames so far. */
#include "fleetops/crisis_edge.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fleetops/libm.h"
#include "fleetops/scenario.h"
#include "fleetops/stats.h"

#define TAIL_SIGMA  0.25
#define MAX_BUCKETS (2 * FO_STAGE_COUNT)

typedef fo_edge_latency latency_dist;

static double lognormal_sf(double x, double median, double sigma) {
    return fo_normal_sf((fo_log(x) - fo_log(median)) / sigma);
}

static double dist_sf(const latency_dist *d, double x) {
    double s = (1.0 - d->tail_probability) * lognormal_sf(x, d->median_ms, d->sigma);
    if (d->tail_probability > 0.0)
        s += d->tail_probability * lognormal_sf(x, d->tail_median_ms, d->tail_sigma);
    return s;
}

/* Survival function of a weighted mixture of distributions. */
static double mixture_sf(const latency_dist *d, const double *w, size_t n, double x) {
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += w[i] * dist_sf(&d[i], x);
    return s;
}

/* Exact quantile q of the mixture: bisection on log x for sf(x) = 1 - q (sf is decreasing). */
static double mixture_quantile(const latency_dist *d, const double *w, size_t n, double q) {
    double lo = fo_log(1e-3), hi = fo_log(1e6), target = 1.0 - q;
    for (int i = 0; i < 200 && hi - lo > 1e-12; i++) {
        double mid = 0.5 * (lo + hi);
        if (mixture_sf(d, w, n, fo_exp(mid)) > target)
            lo = mid;
        else
            hi = mid;
    }
    return fo_exp(0.5 * (lo + hi));
}

typedef struct ladder {
    size_t nstages, nbuckets;
    double start[FO_STAGE_COUNT + 1];
    double bound[MAX_BUCKETS]; /* upper bound of each bucket, ascending, last = 1 */
    unsigned char runs[FO_STAGE_COUNT][MAX_BUCKETS], serves[FO_STAGE_COUNT][MAX_BUCKETS];
} ladder;

static void insert_bound(ladder *l, double v) {
    if (!(v > 0.0)) return;
    for (size_t i = 0; i < l->nbuckets; i++)
        if (fabs(l->bound[i] - v) < 1e-12) return;
    size_t i = l->nbuckets++;
    while (i > 0 && l->bound[i - 1] > v) {
        l->bound[i] = l->bound[i - 1];
        i--;
    }
    l->bound[i] = v;
}

/* The ladder as run: buckets are cut at every stage's traffic and observed fractions, so each
 * stage runs the new model on a union of buckets and serves it on a smaller union. */
static void build_ladder(const fo_edge_params *p, fo_edge_result *r, ladder *l) {
    size_t n;
    const fo_stage *st = fo_default_stages(&n);
    memset(l, 0, sizeof *l);
    r->nstages = 0;
    for (size_t i = 0; i < n; i++) {
        if (!p->shadow && st[i].traffic_fraction == 0.0) continue;
        fo_stage s = st[i];
        s.dwell_hours *= p->dwell_scale;
        r->stages[r->nstages++] = s;
    }
    l->nstages = r->nstages;
    insert_bound(l, 1.0);
    for (size_t s = 0; s < l->nstages; s++) {
        insert_bound(l, r->stages[s].traffic_fraction);
        insert_bound(l, r->stages[s].observed_fraction);
    }
    double t = 0.0;
    for (size_t s = 0; s < l->nstages; s++) {
        l->start[s] = r->stage_start_hours[s] = t;
        t += r->stages[s].dwell_hours;
        double reach = fmax(r->stages[s].traffic_fraction, r->stages[s].observed_fraction);
        for (size_t b = 0; b < l->nbuckets; b++) {
            l->runs[s][b] = l->bound[b] <= reach + 1e-12;
            l->serves[s][b] = l->bound[b] <= r->stages[s].traffic_fraction + 1e-12;
        }
    }
    l->start[l->nstages] = INFINITY;
}

static size_t stage_at(const ladder *l, double hour) {
    size_t s = 0;
    while (s + 1 < l->nstages && l->start[s + 1] <= hour)
        s++;
    return s;
}

typedef struct fleet {
    size_t ngen, nbuckets;
    long long size[FO_EDGE_GENERATIONS][MAX_BUCKETS];
    double miss_rate[FO_EDGE_GENERATIONS]; /* new model, per frame */
} fleet;

typedef enum gate_kind { GATE_PER_GENERATION, GATE_FLEETWIDE } gate_kind;

static void run_rollout(const fo_edge_params *p, const ladder *l, const fleet *f, gate_kind gate,
                        fo_rng *rng, fo_edge_result *res, fo_edge_run *run) {
    long long inst[FO_EDGE_GENERATIONS][MAX_BUCKETS] = {{0}};
    long long frames[FO_EDGE_GENERATIONS] = {0}, misses[FO_EDGE_GENERATIONS] = {0};
    double q = -fo_expm1(-1.0 / p->ota_mean_hours);
    double frames_per_drive_hour = 3600.0 * 1000.0 / p->deadline_ms;
    double budget =
        gate == GATE_PER_GENERATION ? 1.0 - p->gate_quantile : 1.0 - FO_EDGE_FLEET_QUANTILE;
    double level = gate == GATE_PER_GENERATION ? p->alpha / (double)f->ngen : p->alpha;
    long long fleet_size = 0;
    for (size_t g = 0; g < f->ngen; g++)
        for (size_t b = 0; b < f->nbuckets; b++)
            fleet_size += f->size[g][b];

    memset(run, 0, sizeof *run);
    run->detected_stage = run->detected_generation = -1;
    run->detected_hours = run->hours_to_full_rollback = NAN;
    int rollback = 0;
    size_t t, s = 0;
    for (t = 0; t < FO_EDGE_MAX_HOURS; t++) {
        if (!rollback) s = stage_at(l, (double)t); /* a rollback freezes the ladder */
        long long installed = 0, serving = 0, per_gen[FO_EDGE_GENERATIONS] = {0};
        for (size_t g = 0; g < f->ngen; g++) {
            for (size_t b = 0; b < f->nbuckets; b++) {
                long long *i = &inst[g][b];
                if (!rollback && l->runs[s][b])
                    *i += fo_binomial_sample(rng, f->size[g][b] - *i, q);
                else
                    *i -= fo_binomial_sample(rng, *i, q);
                per_gen[g] += *i;
                if (l->serves[s][b]) serving += *i;
            }
            installed += per_gen[g];
        }
        run->installed[t + 1] = (double)installed;
        run->serving[t + 1] = (double)serving;
        if (rollback) {
            if (installed == 0) {
                run->hours_to_full_rollback = (double)(t + 1) - run->detected_hours;
                t++;
                break;
            }
            continue;
        }
        /* Telemetry of the hour, then the gate on everything seen so far. */
        long long all_frames = 0, all_misses = 0;
        for (size_t g = 0; g < f->ngen; g++) {
            long long driving = fo_binomial_sample(rng, per_gen[g], FO_EDGE_DRIVING_FRACTION);
            long long fr = (long long)llround((double)driving * frames_per_drive_hour);
            frames[g] += fr;
            misses[g] += fo_binomial_sample(rng, fr, f->miss_rate[g]);
            all_frames += frames[g];
            all_misses += misses[g];
        }
        int fired = -2; /* -2 none, -1 fleet-wide, else the generation */
        if (gate == GATE_PER_GENERATION) {
            for (size_t g = 0; g < f->ngen && fired == -2; g++)
                if ((double)misses[g] > budget * (double)frames[g] &&
                    fo_binomial_sf(misses[g], frames[g], budget) <= level)
                    fired = (int)g;
        } else if ((double)all_misses > budget * (double)all_frames &&
                   fo_binomial_sf(all_misses, all_frames, budget) <= level) {
            fired = -1;
        }
        int complete = s + 1 == l->nstages && installed == fleet_size;
        if (fired != -2 || complete || t + 1 == FO_EDGE_MAX_HOURS) {
            run->vehicles_exposed = installed;
            run->vehicles_serving = serving;
            for (size_t b = 0; b < f->nbuckets; b++)
                if (l->serves[s][b]) run->oldest_serving += inst[0][b];
            if (gate == GATE_PER_GENERATION) {
                for (size_t g = 0; g < f->ngen; g++) {
                    res->gen[g].frames = frames[g];
                    res->gen[g].misses = misses[g];
                    res->gen[g].p_value = fo_binomial_sf(misses[g], frames[g], budget);
                }
            }
        }
        if (fired != -2) {
            run->detected = 1;
            run->detected_stage = (int)s;
            run->detected_generation = fired;
            run->detected_hours = (double)(t + 1);
            rollback = 1;
        } else if (complete) {
            t++;
            break;
        }
    }
    run->hours = t;
}

int fo_edge_simulate(const fo_edge_params *p, fo_rng *rng, fo_edge_result *r) {
    if (p->fleet_size < 1 || !(p->deadline_ms > 0) ||
        !(p->oldest_share > 0 && p->oldest_share < 1) ||
        !(p->tail_probability >= 0 && p->tail_probability <= 1) || !(p->tail_ms > 0) ||
        !(p->gate_quantile > 0 && p->gate_quantile < 1) || !(p->alpha > 0 && p->alpha < 1) ||
        !(p->dwell_scale > 0) || !(p->ota_mean_hours > 0))
        return -1;
    memset(r, 0, sizeof *r);
    r->ngen = FO_EDGE_GENERATIONS;
    r->loop_hz = 1000.0 / p->deadline_ms;

    latency_dist old_d[FO_EDGE_GENERATIONS], new_d[FO_EDGE_GENERATIONS];
    double share[FO_EDGE_GENERATIONS], one = 1.0;
    const fo_scenario *scn = fo_scenario_get("edge-guardian");
    if (!scn || scn->generations != FO_EDGE_GENERATIONS) return -1;
    double rest = 1.0 - scn->hw[0].share;
    fleet f = {.ngen = FO_EDGE_GENERATIONS};
    for (size_t g = 0; g < r->ngen; g++) {
        const fo_scenario_hw *gs = &scn->hw[g];
        share[g] = g == 0 ? p->oldest_share : gs->share * (1.0 - p->oldest_share) / rest;
        old_d[g] = (latency_dist){gs->base_p50_ms, gs->base_sigma, 0.0, 1.0, 1.0};
        new_d[g] = (latency_dist){gs->p50_ms, gs->sigma, g == 0 ? p->tail_probability : 0.0,
                                  p->tail_ms, TAIL_SIGMA};
        fo_edge_generation *o = &r->gen[g];
        snprintf(o->name, sizeof o->name, "%s (%.0f)", gs->name, gs->year);
        o->year = gs->year;
        o->share = share[g];
        o->old_model = old_d[g];
        o->new_model = new_d[g];
        o->old_p50_ms = mixture_quantile(&old_d[g], &one, 1, 0.50);
        o->old_p99_ms = mixture_quantile(&old_d[g], &one, 1, 0.99);
        o->old_p999_ms = mixture_quantile(&old_d[g], &one, 1, 0.999);
        o->old_deadline_miss_rate = dist_sf(&old_d[g], p->deadline_ms);
        o->p50_ms = mixture_quantile(&new_d[g], &one, 1, 0.50);
        o->p99_ms = mixture_quantile(&new_d[g], &one, 1, 0.99);
        o->p999_ms = mixture_quantile(&new_d[g], &one, 1, 0.999);
        o->deadline_miss_rate = dist_sf(&new_d[g], p->deadline_ms);
        o->p_value = 1.0;
        f.miss_rate[g] = o->deadline_miss_rate;
        r->fleet_deadline_miss_rate += share[g] * o->deadline_miss_rate;
    }
    r->fleet_p99_ms = mixture_quantile(new_d, share, r->ngen, FO_EDGE_FLEET_QUANTILE);

    ladder l;
    build_ladder(p, r, &l);
    f.nbuckets = l.nbuckets;
    /* The fleet: generations by a multinomial draw, then each generation's rollout buckets
     * (a vehicle's bucket comes from a hash of its id: uniform on [0, 1)). */
    long long left = p->fleet_size;
    double pleft = 1.0;
    for (size_t g = 0; g < r->ngen; g++) {
        long long ng =
            g + 1 == r->ngen ? left : fo_binomial_sample(rng, left, fmin(1.0, share[g] / pleft));
        left -= ng;
        pleft -= share[g];
        r->gen[g].vehicles = ng;
        double lo = 0.0, wleft = 1.0;
        for (size_t b = 0; b < l.nbuckets; b++) {
            double w = l.bound[b] - lo;
            long long nb =
                b + 1 == l.nbuckets ? ng : fo_binomial_sample(rng, ng, fmin(1.0, w / wleft));
            f.size[g][b] = nb;
            ng -= nb;
            wleft -= w;
            lo = l.bound[b];
        }
    }
    /* Both gates watch the same fleet and the same random stream. */
    fo_rng fork = *rng;
    run_rollout(p, &l, &f, GATE_PER_GENERATION, rng, r, &r->per_generation);
    run_rollout(p, &l, &f, GATE_FLEETWIDE, &fork, r, &r->fleetwide);
    return 0;
}
