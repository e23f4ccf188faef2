/* roi.c — Part 1: toil, platform cost, ROI and the break-even N* (model in roi.h). */
#include "fleetops/libm.h"
#include "fleetops/roi.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void fo_roi_toil_at(const fo_roi_params *p, long long n, fo_roi_toil *m, fo_roi_toil *pl) {
    double N = (double)n, h = p->heterogeneity;
    double nlogn = N * fo_log2(N);
    double pairs = N * (N - 1.0) / 2.0;
    m->alerts = p->alert_hours_per_model_year * N;
    m->deployment = p->deploy_hours_per_model_year * nlogn;
    m->dependencies = p->dependency_hours_per_pair_year * h * pairs;
    m->upkeep = 0.0;
    m->total = m->alerts + m->deployment + m->dependencies;
    pl->alerts = p->platform_alert_hours_per_model_year * N;
    pl->deployment = p->platform_deploy_hours_per_model_year * nlogn;
    pl->dependencies = p->platform_contract_hours_per_model_year * h * N;
    pl->upkeep = p->platform_upkeep_hours_per_year;
    pl->total = pl->alerts + pl->deployment + pl->dependencies + pl->upkeep;
}

/* USD over the horizon for a number of toil hours per year. */
static double toil_usd(const fo_roi_params *p, double hours_per_year) {
    return hours_per_year * p->engineer_cost_usd_per_hour * p->horizon_years;
}

double fo_roi_usd_at(const fo_roi_params *p, long long n) {
    fo_roi_toil m, pl;
    fo_roi_toil_at(p, n, &m, &pl);
    return toil_usd(p, m.total) - (p->capex_usd + toil_usd(p, pl.total));
}

/* ROI(N) is nondecreasing when each term of Toil_manual - Toil_platform is: the linear
 * coefficient a - a_p - c_p h and the N log N coefficient b - b_p are >= 0 (the pairs term
 * c h N(N-1)/2 always is). Then N* is found by doubling and bisection; otherwise by a scan. */
static int roi_is_monotone(const fo_roi_params *p) {
    double lin = p->alert_hours_per_model_year - p->platform_alert_hours_per_model_year -
                 p->platform_contract_hours_per_model_year * p->heterogeneity;
    return lin >= 0.0 && p->deploy_hours_per_model_year >= p->platform_deploy_hours_per_model_year;
}

static long long break_even(const fo_roi_params *p) {
    if (!roi_is_monotone(p)) {
        for (long long n = 1; n <= FO_ROI_MAX_MODELS; n++)
            if (fo_roi_usd_at(p, n) >= 0.0) return n;
        return 0;
    }
    if (fo_roi_usd_at(p, FO_ROI_MAX_MODELS) < 0.0) return 0;
    long long lo = 0, hi = 1; /* invariant: ROI(lo) < 0 (or lo = 0), ROI(hi) >= 0 */
    while (hi < FO_ROI_MAX_MODELS && fo_roi_usd_at(p, hi) < 0.0) {
        lo = hi;
        hi = hi * 2 < FO_ROI_MAX_MODELS ? hi * 2 : FO_ROI_MAX_MODELS;
    }
    while (hi - lo > 1) {
        long long mid = lo + (hi - lo) / 2;
        if (fo_roi_usd_at(p, mid) >= 0.0)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

/* The smallest N whose manual toil over the horizon costs more than CapEx (manual toil only
 * grows with N, so by bisection); 0 when none up to FO_ROI_MAX_MODELS. */
static long long toil_over_capex(const fo_roi_params *p) {
    fo_roi_toil m, pl;
    fo_roi_toil_at(p, FO_ROI_MAX_MODELS, &m, &pl);
    if (!(toil_usd(p, m.total) > p->capex_usd)) return 0;
    long long lo = 0, hi = FO_ROI_MAX_MODELS; /* toil(lo) <= CapEx < toil(hi); toil(0) = 0 */
    while (hi - lo > 1) {
        long long mid = lo + (hi - lo) / 2;
        fo_roi_toil_at(p, mid, &m, &pl);
        if (toil_usd(p, m.total) > p->capex_usd)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

/* Manual toil only grows with N (all coefficients >= 0), so the cap is found by bisection. */
static long long max_under_cap(const fo_roi_params *p, double cap_hours) {
    fo_roi_toil m, pl;
    fo_roi_toil_at(p, 1, &m, &pl);
    if (m.total > cap_hours) return 0;
    long long lo = 1, hi = FO_ROI_MAX_MODELS; /* manual(lo) <= cap */
    fo_roi_toil_at(p, hi, &m, &pl);
    if (m.total <= cap_hours) return hi;
    while (hi - lo > 1) {
        long long mid = lo + (hi - lo) / 2;
        fo_roi_toil_at(p, mid, &m, &pl);
        if (m.total <= cap_hours)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Curve from 1 to max(2 N*, 1.5 N, 10) (100 past N when nothing breaks even), every integer
 * when that fits, else FO_ROI_CURVE_MAX evenly spaced integers. */
static void fill_curve(const fo_roi_params *p, long long nstar, fo_roi_result *r) {
    long long upper = nstar ? 2 * nstar : 100;
    long long past_n = (long long)ceil(1.5 * (double)p->models);
    if (past_n > upper) upper = past_n;
    if (upper < 10) upper = 10;
    if (upper > FO_ROI_MAX_MODELS) upper = FO_ROI_MAX_MODELS;
    r->curve_len = 0;
    long long prev = 0;
    for (size_t i = 0; i < FO_ROI_CURVE_MAX; i++) {
        long long n = upper <= FO_ROI_CURVE_MAX
                          ? (long long)i + 1
                          : 1 + llround((double)i * (double)(upper - 1) / (FO_ROI_CURVE_MAX - 1));
        if (n > upper) break;
        if (n == prev) continue;
        prev = n;
        fo_roi_toil m, pl;
        fo_roi_toil_at(p, n, &m, &pl);
        fo_roi_point *pt = &r->curve[r->curve_len++];
        pt->models = n;
        pt->manual_toil_usd = toil_usd(p, m.total);
        pt->platform_total_usd = p->capex_usd + toil_usd(p, pl.total);
    }
}

static int params_ok(const fo_roi_params *p) {
    return p->models >= 1 && p->models <= FO_ROI_MAX_MODELS && p->heterogeneity >= 0.0 &&
           p->heterogeneity <= 1.0 && p->capex_usd >= 0.0 && p->engineer_cost_usd_per_hour > 0.0 &&
           p->horizon_years > 0.0 && p->team_size >= 1 && p->alert_hours_per_model_year >= 0.0 &&
           p->deploy_hours_per_model_year >= 0.0 && p->dependency_hours_per_pair_year >= 0.0 &&
           p->platform_upkeep_hours_per_year >= 0.0 &&
           p->platform_alert_hours_per_model_year >= 0.0 &&
           p->platform_deploy_hours_per_model_year >= 0.0 &&
           p->platform_contract_hours_per_model_year >= 0.0;
}

int fo_roi_evaluate(const fo_roi_params *p, fo_roi_result *r) {
    if (!params_ok(p)) return -1;
    fo_roi_toil_at(p, p->models, &r->manual, &r->platform);
    r->manual_toil_usd = toil_usd(p, r->manual.total);
    r->platform_toil_usd = toil_usd(p, r->platform.total);
    r->platform_total_usd = p->capex_usd + r->platform_toil_usd;
    r->roi_usd = r->manual_toil_usd - r->platform_total_usd;
    r->break_even_models = break_even(p);
    r->toil_exceeds_capex_models = toil_over_capex(p);
    r->ftes_needed = r->manual.total / FO_HOURS_PER_FTE_YEAR;
    r->ftes_needed_at_toil_cap = r->manual.total / (FO_SRE_TOIL_CAP * FO_HOURS_PER_FTE_YEAR);
    double team_hours = (double)p->team_size * FO_HOURS_PER_FTE_YEAR;
    r->team_toil_fraction = r->manual.total / team_hours;
    r->max_models_under_toil_cap = max_under_cap(p, FO_SRE_TOIL_CAP * team_hours);
    fill_curve(p, r->break_even_models, r);
    return 0;
}

/* "$500,000" */
static void usd_text(char *out, size_t n, double v) {
    char digits[40];
    snprintf(digits, sizeof digits, "%.0f", v);
    size_t len = strlen(digits), k = 0;
    if (k + 1 < n) out[k++] = '$';
    for (size_t i = 0; i < len && k + 2 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0) out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = '\0';
}

void fo_roi_readings_of(const fo_roi_params *p, const fo_roi_result *r, fo_roi_readings *out) {
    char capex[48];
    usd_text(capex, sizeof capex, p->capex_usd);
    if (r->break_even_models)
        snprintf(out->answer, sizeof out->answer,
                 "The lock is answered with the break-even N* = %lld: the fewest models at which "
                 "running them by hand costs more than the platform, its %s investment plus the "
                 "platform's own toil (the Math Peek's formula).",
                 r->break_even_models, capex);
    else
        snprintf(out->answer, sizeof out->answer,
                 "The lock is answered with the break-even N*: here no number of models up to "
                 "%d makes running them by hand cost more than the platform (%s plus its toil).",
                 FO_ROI_MAX_MODELS, capex);
    if (r->toil_exceeds_capex_models)
        snprintf(out->literal, sizeof out->literal,
                 "Read literally (when does manual toil alone cost more than the %s "
                 "investment?), the answer is N = %lld; the break-even comes %s because the "
                 "platform has toil of its own.",
                 capex, r->toil_exceeds_capex_models,
                 r->toil_exceeds_capex_models < r->break_even_models ? "later" : "no earlier");
    else
        snprintf(out->literal, sizeof out->literal,
                 "Read literally (when does manual toil alone cost more than the %s "
                 "investment?), no number of models up to %d does.",
                 capex, FO_ROI_MAX_MODELS);
    if (r->max_models_under_toil_cap)
        snprintf(out->toil_cap, sizeof out->toil_cap,
                 "The 50%% toil cap is a different limit, on people rather than money: a team of "
                 "%lld can run up to %lld models by hand while keeping toil to half its time.",
                 p->team_size, r->max_models_under_toil_cap);
    else
        snprintf(out->toil_cap, sizeof out->toil_cap,
                 "The 50%% toil cap is a different limit, on people rather than money: a team of "
                 "%lld is over it with even one model run by hand.",
                 p->team_size);
}
