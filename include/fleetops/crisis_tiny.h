/* crisis_tiny.h — Tiny Pioneer's crisis, the Dependency Domino, on Part 3's real pipeline
 * (ensemble.h, featurestore.h; the model is in src/engine/pipeline.h). The noise-isolation model
 * (upstream) ships v2, which isolates noise better but moves its feature space; the wake-word
 * detector (downstream) was trained on the v1 view. One seeded run of the pipeline with v2
 * published, read two ways:
 *
 *   unpinned  Loose Versioning: the detector reads the view's latest version, so v2's features
 *             reach it as soon as v2 is published. Serving checks only the shape and
 *             finiteness (8 = 8 features), so no error is raised while accuracy falls: a
 *             silent failure (accuracy more than silent_failure_margin below the v1 baseline
 *             with 0 errors). A skew monitor (the Feature Store Consistency Check on the
 *             served requests) flags the features, but a monitor blocks nothing.
 *   pinned    the detector's contract names a view version and its schema hash; old versions
 *             stay readable. Moving the detector to v2 is a deploy that must pass the contract
 *             check first: blocked when the verdict is "fail" (version or schema hash differ
 *             from the contract, or the shapes differ); "drift" (contract holds, statistics
 *             moved: the world changed) warns without blocking. Blocked, the detector keeps
 *             reading @v1, so its accuracy is the v1 baseline, exactly.
 *
 * retrain = yes: the detector is retrained on v2 before the upgrade and its contract bumped to
 * @v2, so the check passes and the deploy goes through in both columns (the way to ship v2).
 * A column's skew is the check of what its detector is served against the view it was trained
 * on: the training-serving skew the fix is meant to prevent.
 *
 * The view, its producer and its features carry Tiny Pioneer's names (denoised_audio,
 * noise-isolation, mel0..mel7), the training split is FO_TINY_TRAIN_ROWS: the run is the one
 * `fleetops ensemble --track tiny-pioneer` makes for the same seed, severity and requests. */
#ifndef FLEETOPS_CRISIS_TINY_H
#define FLEETOPS_CRISIS_TINY_H

#include <stddef.h>

#include "fleetops/ensemble.h"
#include "fleetops/featurestore.h"
#include "fleetops/rng.h"

#define FO_TINY_TRAIN_ROWS 1000 /* the detector's training split (Part 3's default) */
#define FO_TINY_VIEW       "denoised_audio"
#define FO_TINY_PRODUCER   "noise-isolation"
#define FO_TINY_PREFIX     "mel"

typedef struct fo_tiny_params {
    double severity;              /* [0, 1]: how far v2 moves the feature space (ensemble.h) */
    int retrain;                  /* fo_ens_retrain: detector retrained on v2 before the upgrade */
    long long requests;           /* held-out requests served and scored (FO_ENS_MIN..MAX_ROWS) */
    double silent_failure_margin; /* accuracy points (a fraction) that count as a drop */
} fo_tiny_params;

/* One traced request as a column's detector answers it. */
typedef struct fo_tiny_answer {
    double score; /* P(wake word) */
    int label, correct;
} fo_tiny_answer;

typedef struct fo_tiny_column {
    int pinned;                          /* 0: unpinned (reads the latest view), 1: pinned */
    int served_version, trained_version; /* the view it reads, the view it was trained on */
    char served_hash[17], trained_hash[17];
    int contract_checked; /* a contract check gated the deploy (pinned only) */
    int deploy_blocked;
    double accuracy;
    double accuracy_drop; /* baseline - accuracy (negative: a gain) */
    long long errors_raised;
    int silent_failure;                 /* accuracy_drop > margin while errors_raised == 0 */
    fo_fs_check_result skew;            /* served vs trained: the training-serving skew */
    fo_tiny_answer trace[FO_ENS_TRACE]; /* the run's traced requests (run.trace) */
} fo_tiny_column;

typedef struct fo_tiny_result {
    /* The pipeline run: v2 published, the detector retrained or not. v1's view is
     * run.baseline_view, v2's run.served_view; run.check is the contract check of the deploy
     * (v2 against the detector's contract). */
    fo_ensemble_result run;
    fo_tiny_column unpinned, pinned;
} fo_tiny_result;

/* Bytes of scratch memory fo_tiny_simulate needs (the caller owns it); 0 when requests < 1. */
size_t fo_tiny_work_bytes(const fo_tiny_params *p);
/* Returns 0, or -1 when a parameter is outside its domain or the work memory is too small.
 * Draws from rng exactly what fo_ensemble_run draws. */
int fo_tiny_simulate(const fo_tiny_params *p, fo_rng *rng, void *work, size_t work_bytes,
                     fo_tiny_result *r);

#endif
