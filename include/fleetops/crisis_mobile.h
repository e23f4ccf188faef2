/* crisis_mobile.h — Mobile Nomad's crisis, the App-OS Skew: an OS update changes the NPU
 * power policy; the AR filter's frame rate drops on updated devices, by a different amount in
 * each of 10 regions (badly in a few hot-climate regions with mid-range NPUs, barely in most).
 * Each region has its traffic share and its own adoption curve, logistic over hours since the
 * release: a(t) = a_max * (L(t) - L(0)) / (1 - L(0)), L(t) = 1 / (1 + exp(-(t - t50) / s)).
 *
 * Every hour the monitor sees the sessions of the hour: per region n = sessions_per_hour * share
 * sessions, of which Binomial(n, a(t)) run on updated devices; a session's mean FPS is its
 * device's level plus N(0, sd^2) noise, so the hour's mean is drawn exactly. Against the mean of
 * a reference window before the release, a one-sided z-test asks whether FPS dropped by more
 * than min_drop_fps:  z = (ref - now - min_drop) / sqrt(se_ref^2 + se_now^2),  p = 1 - Phi(z).
 *   aggregate    one test on all sessions pooled
 *   slice-level  one test per region, the 10 p-values of the hour corrected together
 *                (Benjamini-Hochberg, Bonferroni or none: fo_multiple_test)
 * A region is flagged at the first hour its test rejects; it is affected when its true drop
 * exceeds min_drop_fps within the horizon, and a flag on an unaffected region is a false alarm. */
#ifndef FLEETOPS_CRISIS_MOBILE_H
#define FLEETOPS_CRISIS_MOBILE_H

#include <stddef.h>

#include "fleetops/rng.h"
#include "fleetops/stats.h"

#define FO_MOBILE_REGIONS        10
#define FO_MOBILE_MAX_HOURS      336
#define FO_MOBILE_SESSION_FPS_SD 6.0

typedef struct fo_mobile_params {
    int correction;              /* fo_correction */
    double alpha;                /* per-hour level of the tests */
    double min_drop_fps;         /* the drop that matters */
    long long sessions_per_hour; /* AR sessions per hour, all regions */
    long long monitor_hours;     /* hours watched after the release */
    double reference_hours;      /* the window before the release */
} fo_mobile_params;

typedef struct fo_mobile_region {
    const char *name;
    double share;
    double fps_before;    /* observed mean over the reference window */
    double fps_after;     /* observed mean over the last 24 monitored hours */
    double true_drop_fps; /* at the end of the horizon */
    double adoption_end;  /* share of its devices updated at the end */
    int affected;         /* true drop > min_drop_fps at some hour */
    int flagged;
    double flagged_at_hours; /* NaN when never */
    double flag_z, flag_p;   /* the region's test when it was flagged (NaN when never) */
    double observed[FO_MOBILE_MAX_HOURS + 1]; /* hourly mean FPS, [1..monitor_hours] */
} fo_mobile_region;

typedef struct fo_mobile_result {
    size_t nregions;
    fo_mobile_region region[FO_MOBILE_REGIONS];
    double aggregate_before;
    double aggregate[FO_MOBILE_MAX_HOURS + 1]; /* hourly pooled mean FPS */
    double aggregate_true_drop_end;
    int aggregate_detected;
    double aggregate_detection_hours; /* NaN when never */
    double aggregate_z, aggregate_p;  /* the aggregate test at detection, or at the last hour */
    double slice_detection_hours;     /* first flag on an affected region; NaN when none */
    int regions_affected, regions_flagged, false_alarms, missed;
} fo_mobile_result;

/* Returns 0, or -1 when a parameter is outside its domain. */
int fo_mobile_simulate(const fo_mobile_params *p, fo_rng *rng, fo_mobile_result *r);

#endif
