/* governance.h — Part 3's reflection, simulated: a year of weekly steps in which the upstream
 * extractor ships a new version every k weeks, under two feature-store governance policies.
 *
 * The pipeline is the real one of ensemble.h (src/engine/pipeline.h): each release r is a new
 * extractor version that isolates noise a little better than the last and applies its own drift
 * to the previous version's feature space, with severity s_r = severity x U(0.5, 1.5), capped at
 * 1 (releases differ: some are nearly harmless, some are not). Every week the consumer (the
 * downstream classifier) answers `requests_per_week` requests drawn from a held-out pool; its
 * weekly accuracy is measured on them.
 *
 * Loose Versioning: consumers read the latest view. A release reaches the classifier at once,
 * trained or not. A week is in silent failure when the consumer is served a view version other
 * than the one it was trained on and its accuracy is more than `silent_failure_margin` below
 * its own validation accuracy, while no error is raised (the shapes still match). After
 * `detection_weeks` such weeks an incident is opened (someone notices the KPI); the fix is a
 * retrain on the then-latest view, live `retrain_days` later.
 * Strict Immutable Contracts: consumers pin a view version; old versions stay readable. A
 * release starts an upgrade: retrain on the new view, then bump the contract, live
 * `retrain_days + contract_bump_days` later. One upgrade at a time: the next starts when it is
 * live (or at the next release), on the newest version released by then, so releases that
 * arrive meanwhile are adopted together. A retrained classifier goes live at the first week
 * boundary after it is ready. Served and trained versions always agree, so no week is a silent
 * failure; the price is the delay.
 *
 * Reported per policy: silent-failure weeks, incidents, mean weekly accuracy and the mean
 * upgrade delay (days from a release until consumers read that version or a later one: 0 under
 * loose versioning by construction). Both policies see the same releases and the same weekly
 * requests (common random numbers), so their difference is the policy's alone. */
#ifndef FLEETOPS_GOVERNANCE_H
#define FLEETOPS_GOVERNANCE_H

#include <stddef.h>

#include "fleetops/rng.h"

#define FO_GOV_MAX_WEEKS    156 /* three years */
#define FO_GOV_MAX_VERSIONS (FO_GOV_MAX_WEEKS / 2 + 1)
#define FO_GOV_TRAIN_ROWS   1000 /* training split of every version's classifier */
#define FO_GOV_POOL_ROWS    2000 /* held-out pool the weekly requests are drawn from */

/* Choice order follows the command table's (loose|strict). */
typedef enum fo_gov_policy { FO_GOV_LOOSE = 0, FO_GOV_STRICT = 1 } fo_gov_policy;

typedef struct fo_governance_params {
    int policy; /* fo_gov_policy: the one reported first (both are simulated) */
    long long weeks;
    long long release_every_weeks; /* >= 2 */
    double severity;               /* mean drift of a release, [0, 1] */
    double retrain_days;           /* retrain + validate + deploy the classifier */
    double contract_bump_days;     /* strict only: review and publish the new contract */
    long long detection_weeks;     /* loose only: silent-failure weeks before an incident */
    long long requests_per_week;   /* measured each week, <= FO_GOV_POOL_ROWS */
    double silent_failure_margin;  /* accuracy points (a fraction) below validation */
} fo_governance_params;

typedef struct fo_gov_week {
    int served_version, trained_version;
    double accuracy;
    unsigned char release;        /* an upstream release this week */
    unsigned char silent_failure; /* counted in silent_failure_weeks */
    unsigned char incident;       /* an incident was opened at the end of this week */
    unsigned char upgraded;       /* a retrained classifier went live this week */
} fo_gov_week;

typedef struct fo_gov_release {
    int week, version;
    double severity, leakage;
    double accuracy_unretrained; /* the previous version's classifier served this version */
    double accuracy_retrained;   /* a classifier trained on this version */
    double adopted_day;          /* strict: day consumers read it, -1 if not within the horizon */
} fo_gov_release;

typedef struct fo_gov_outcome {
    int policy;
    long long silent_failure_weeks;
    long long incidents;
    long long retrains;
    long long pending_upgrades; /* releases not adopted by the end of the horizon */
    double mean_accuracy;
    double upgrade_delay_days;
    fo_gov_week week[FO_GOV_MAX_WEEKS];
} fo_gov_outcome;

typedef struct fo_governance_result {
    fo_gov_outcome outcome[2]; /* [0] the policy asked for, [1] the other */
    int releases;
    fo_gov_release release[FO_GOV_MAX_VERSIONS]; /* release[0] is v1 at week 0 */
    double v1_accuracy;
} fo_governance_result;

/* Bytes of scratch memory fo_governance_run needs (the caller owns it). */
size_t fo_governance_work_bytes(const fo_governance_params *p);
/* Returns 0, or -1 when a parameter is out of its domain or the work memory is too small. */
int fo_governance_run(const fo_governance_params *p, fo_rng *rng, void *work, size_t work_bytes,
                      fo_governance_result *r);

#endif
