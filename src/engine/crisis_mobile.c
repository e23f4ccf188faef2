/* crisis_mobile.c — Mobile Nomad's App-OS Skew (crisis_mobile.h).
 *
 * The regions (instructor's figures): traffic share; adoption midpoint t50 and spread s in
 * hours (fast where carriers push updates, slow where devices wait for Wi-Fi); FPS before the
 * update; and the drop on updated devices. The new NPU power policy caps clocks when the
 * device is warm, so hot climates with mid-range NPUs throttle hard (South Asia, Southeast
 * Asia, Middle East, Africa) while temperate regions on flagship devices barely notice.
 * Latin America sits just under the line (1.9 FPS x 95% = 1.8 FPS against the 2 FPS that
 * matters): the region where an uncorrected test raises false alarms. Up to 95% of devices
 * update (a_max). */
#include "fleetops/crisis_mobile.h"
#include "fleetops/libm.h"

#include <math.h>
#include <string.h>

typedef struct region_spec {
    const char *name;
    double share, t50_hours, spread_hours, fps, drop_fps;
} region_spec;

static const region_spec regions[FO_MOBILE_REGIONS] = {
    {"North America", 0.20, 30, 8, 59.0, 0.6},   {"Western Europe", 0.17, 40, 10, 59.2, 0.5},
    {"East Asia", 0.18, 24, 6, 58.8, 1.2},       {"South Asia", 0.10, 60, 14, 57.5, 9.0},
    {"Southeast Asia", 0.08, 48, 12, 57.8, 7.0}, {"Latin America", 0.08, 72, 16, 58.0, 1.9},
    {"Middle East", 0.05, 44, 10, 58.5, 11.0},   {"Eastern Europe", 0.06, 54, 12, 58.6, 0.4},
    {"Africa", 0.04, 84, 18, 57.0, 6.0},         {"Oceania", 0.04, 36, 8, 59.1, 0.8},
};

#define ADOPTION_MAX 0.95

static double adoption(const region_spec *s, double t) {
    if (t <= 0.0) return 0.0;
    double l0 = 1.0 / (1.0 + fo_exp(s->t50_hours / s->spread_hours));
    double lt = 1.0 / (1.0 + fo_exp(-(t - s->t50_hours) / s->spread_hours));
    return ADOPTION_MAX * (lt - l0) / (1.0 - l0);
}

/* One hour of one region: the mean FPS of its n sessions, drawn exactly. */
static double hour_mean(fo_rng *rng, const region_spec *s, long long n, double t) {
    long long updated = fo_binomial_sample(rng, n, adoption(s, t));
    double level = s->fps - s->drop_fps * (double)updated / (double)n;
    return level + FO_MOBILE_SESSION_FPS_SD / sqrt((double)n) * fo_rng_normal(rng);
}

/* One-sided test of "the drop exceeds min_drop": z = (before - now - min_drop) / se; returns z,
 * and the p-value 1 - Phi(z) in *p. */
static double drop_z(double before, double n_before, double now, double n_now, double min_drop,
                     double *p) {
    double sd = FO_MOBILE_SESSION_FPS_SD;
    double se = sqrt(sd * sd / n_before + sd * sd / n_now);
    double z = (before - now - min_drop) / se;
    *p = fo_normal_sf(z);
    return z;
}

int fo_mobile_simulate(const fo_mobile_params *p, fo_rng *rng, fo_mobile_result *r) {
    if (p->correction < FO_CORRECTION_BH || p->correction > FO_CORRECTION_NONE ||
        !(p->alpha > 0 && p->alpha < 1) || !(p->min_drop_fps >= 0) || p->sessions_per_hour < 100 ||
        p->monitor_hours < 24 || p->monitor_hours > FO_MOBILE_MAX_HOURS ||
        !(p->reference_hours >= 1 && p->reference_hours <= FO_MOBILE_MAX_HOURS))
        return -1;
    memset(r, 0, sizeof *r);
    r->nregions = FO_MOBILE_REGIONS;
    long long n[FO_MOBILE_REGIONS], total = 0;
    long long ref_hours = (long long)ceil(p->reference_hours);
    for (size_t i = 0; i < r->nregions; i++) {
        n[i] = (long long)llround((double)p->sessions_per_hour * regions[i].share);
        if (n[i] < 1) n[i] = 1;
        total += n[i];
    }

    /* Reference window: the hours before the release (no device updated yet). */
    double ref_sum[FO_MOBILE_REGIONS] = {0};
    for (long long h = 0; h < ref_hours; h++)
        for (size_t i = 0; i < r->nregions; i++)
            ref_sum[i] += hour_mean(rng, &regions[i], n[i], (double)(h - ref_hours));
    double agg_before = 0.0;
    for (size_t i = 0; i < r->nregions; i++) {
        fo_mobile_region *o = &r->region[i];
        o->name = regions[i].name;
        o->share = regions[i].share;
        o->fps_before = ref_sum[i] / (double)ref_hours;
        o->flagged_at_hours = o->flag_z = o->flag_p = NAN;
        agg_before += o->fps_before * (double)n[i];
    }
    r->aggregate_before = agg_before / (double)total;
    r->aggregate_detection_hours = r->slice_detection_hours = NAN;

    double pv[FO_MOBILE_REGIONS], zv[FO_MOBILE_REGIONS];
    unsigned char reject[FO_MOBILE_REGIONS];
    size_t order[FO_MOBILE_REGIONS];
    double last_day[FO_MOBILE_REGIONS] = {0};
    for (long long h = 1; h <= p->monitor_hours; h++) {
        double t = (double)h, agg = 0.0;
        for (size_t i = 0; i < r->nregions; i++) {
            double m = hour_mean(rng, &regions[i], n[i], t);
            r->region[i].observed[h] = m;
            if (h > p->monitor_hours - 24) last_day[i] += m / 24.0;
            agg += m * (double)n[i];
            zv[i] = drop_z(r->region[i].fps_before, (double)(n[i] * ref_hours), m, (double)n[i],
                           p->min_drop_fps, &pv[i]);
        }
        agg /= (double)total;
        r->aggregate[h] = agg;
        if (!r->aggregate_detected) {
            r->aggregate_z = drop_z(r->aggregate_before, (double)(total * ref_hours), agg,
                                    (double)total, p->min_drop_fps, &r->aggregate_p);
            if (r->aggregate_p <= p->alpha) {
                r->aggregate_detected = 1;
                r->aggregate_detection_hours = t;
            }
        }
        fo_multiple_test(pv, r->nregions, p->alpha, (fo_correction)p->correction, reject, order);
        for (size_t i = 0; i < r->nregions; i++) {
            fo_mobile_region *o = &r->region[i];
            double drop = regions[i].drop_fps * adoption(&regions[i], t);
            if (drop > p->min_drop_fps) o->affected = 1;
            if (reject[i] && !o->flagged) {
                o->flagged = 1;
                o->flagged_at_hours = t;
                o->flag_z = zv[i];
                o->flag_p = pv[i];
            }
        }
    }
    double end = (double)p->monitor_hours;
    for (size_t i = 0; i < r->nregions; i++) {
        fo_mobile_region *o = &r->region[i];
        o->fps_after = last_day[i];
        o->adoption_end = adoption(&regions[i], end);
        o->true_drop_fps = regions[i].drop_fps * o->adoption_end;
        r->aggregate_true_drop_end += o->true_drop_fps * (double)n[i] / (double)total;
        r->regions_affected += o->affected;
        r->regions_flagged += o->flagged;
        if (o->flagged && !o->affected) r->false_alarms++;
        if (!o->flagged && o->affected) r->missed++;
        if (o->flagged && o->affected &&
            !(r->slice_detection_hours <= o->flagged_at_hours)) /* NaN-aware minimum */
            r->slice_detection_hours = o->flagged_at_hours;
    }
    return 0;
}
