/* roi.h — Part 1, the Platform ROI Audit: yearly toil of running N models by hand against the
 * cost of an ML platform, and the break-even N*.
 *
 * Manual toil hours per year (the Operations Invariant):
 *   alerts        a * N                    O(N)
 *   deployment    b * N * log2(N)          O(N log N)
 *   dependencies  c * h * N(N-1)/2         O(N^2): pairs of heterogeneous models
 * Platform toil hours per year: upkeep U + a_p * N + b_p * N * log2(N) + c_p * h * N (contracts:
 * one per model, no pairs). Costs over the horizon at the loaded engineer rate:
 *   ROI(N) = Toil_manual(N) - (CapEx + Toil_platform(N)),  N* = min { N >= 1 : ROI(N) >= 0 }.
 * Part 1's lock ("before the cost of toil exceeds the cost of a $500k platform investment") is
 * answered with N*, the Math Peek's break-even; read literally (toil alone against CapEx) it is
 * min { N : Toil_manual(N) > CapEx }, reported beside it; the 50% toil cap is a third limit
 * (the most models the team runs by hand within half its time). */
#ifndef FLEETOPS_ROI_H
#define FLEETOPS_ROI_H

#include <stddef.h>

#define FO_ROI_MAX_MODELS     100000 /* N* is searched up to here */
#define FO_ROI_CURVE_MAX      256    /* points in the cost curve */
#define FO_HOURS_PER_FTE_YEAR 2000.0
#define FO_SRE_TOIL_CAP       0.5 /* Google SRE: at most 50% of an engineer's time on toil */

typedef struct fo_roi_params {
    long long models;     /* N, >= 1 */
    double heterogeneity; /* h in [0, 1]: share of model pairs of different types */
    double capex_usd;     /* one-time platform investment */
    double engineer_cost_usd_per_hour;
    double horizon_years; /* toil is counted over this many years; CapEx is paid once */
    long long team_size;  /* engineers, for the toil cap */
    /* manual coefficients (hours per year) */
    double alert_hours_per_model_year;     /* a */
    double deploy_hours_per_model_year;    /* b, multiplied by log2 N */
    double dependency_hours_per_pair_year; /* c, per heterogeneous pair */
    /* platform coefficients (hours per year) */
    double platform_upkeep_hours_per_year;         /* U */
    double platform_alert_hours_per_model_year;    /* a_p */
    double platform_deploy_hours_per_model_year;   /* b_p, multiplied by log2 N */
    double platform_contract_hours_per_model_year; /* c_p, multiplied by h */
} fo_roi_params;

typedef struct fo_roi_toil {
    double alerts, deployment, dependencies, upkeep, total; /* hours per year */
} fo_roi_toil;

typedef struct fo_roi_point {
    long long models;
    double manual_toil_usd;
    double platform_total_usd;
} fo_roi_point;

typedef struct fo_roi_result {
    fo_roi_toil manual;        /* at N */
    fo_roi_toil platform;      /* at N */
    double manual_toil_usd;    /* over the horizon */
    double platform_toil_usd;  /* over the horizon */
    double platform_total_usd; /* CapEx + platform toil */
    double roi_usd;
    long long break_even_models;         /* N*, or 0 when no N <= FO_ROI_MAX_MODELS breaks even */
    long long toil_exceeds_capex_models; /* the lock read literally: the smallest N whose manual
                                            toil alone costs more than CapEx (0: none) */
    double ftes_needed;                  /* manual toil hours / 2,000 */
    double ftes_needed_at_toil_cap;      /* engineers needed to keep toil at 50% of their time */
    double team_toil_fraction;           /* manual toil / the team's hours */
    long long max_models_under_toil_cap; /* largest N the team runs within the cap (0: none) */
    size_t curve_len;
    fo_roi_point curve[FO_ROI_CURVE_MAX]; /* models 1 .. at least 2 N* (and past N) */
} fo_roi_result;

/* Toil hours per year for n models. */
void fo_roi_toil_at(const fo_roi_params *p, long long n, fo_roi_toil *manual,
                    fo_roi_toil *platform);
/* ROI in USD for n models (all else as in p). */
double fo_roi_usd_at(const fo_roi_params *p, long long n);
/* Everything at p->models, with N*, the toil cap and the curve. Returns 0, or -1 when a
 * parameter is outside its domain (the command table never lets that happen). */
int fo_roi_evaluate(const fo_roi_params *p, fo_roi_result *r);

/* The three readings of Part 1's lock in plain sentences: which one answers it (N*), the
 * literal one (toil alone against CapEx) and how the 50% toil cap differs. */
typedef struct fo_roi_readings {
    char answer[320];   /* "The lock is answered with the break-even N* = 32: ..." */
    char literal[320];  /* "Read literally ... 26 ..." */
    char toil_cap[320]; /* "The 50% toil cap is a different limit: ... 21 ..." */
} fo_roi_readings;
void fo_roi_readings_of(const fo_roi_params *p, const fo_roi_result *r, fo_roi_readings *out);

#endif
