/* ensemble.h — Part 3, the Ensemble Lockdown: a real upstream extractor -> feature store ->
 * downstream classifier pipeline, computed in C for a seed (the pipeline's model is described
 * in src/engine/pipeline.h).
 *
 * Upstream v1 and v2 are two versions of a feature extractor (Tiny Pioneer: the noise-isolation
 * model) publishing 8 features into a feature-store view; v2 isolates noise better (a classifier
 * retrained on v2 beats one trained on v1) but moves the feature space: a rotated basis (up to
 * a quarter turn, which swaps paired dimensions), rescaled and shifted features. `severity` in
 * [0, 1] scales how far it moves. The downstream classifier (the wake-word detector) is a
 * logistic regression trained on the view it is given. Scenarios: upstream v1|v2 x retrain
 * yes|no. v2 served to the classifier trained on v1 raises no error (the vectors still have 8
 * numbers) while accuracy falls: the silent failure. The Feature Store Consistency Check
 * (featurestore.h) and an Ensemble Trace of a few requests show why. */
#ifndef FLEETOPS_ENSEMBLE_H
#define FLEETOPS_ENSEMBLE_H

#include <stddef.h>

#include "fleetops/featurestore.h"
#include "fleetops/rng.h"

#define FO_ENS_FEATURES 8
#define FO_ENS_RAW_DIMS 32
#define FO_ENS_TRACE                                                                               \
    6                         /* requests followed through the pipeline, chosen so their mix of    \
                               * outcomes matches the whole evaluation's (ensemble.c) */
#define FO_ENS_MIN_ROWS 500   /* train and evaluation split sizes: at least ... */
#define FO_ENS_MAX_ROWS 10000 /* ... and at most (about 40 ms at the maximum) */

/* Choice orders follow the command table's (v1|v2, yes|no). */
typedef enum fo_ens_upstream { FO_ENS_UPSTREAM_V1 = 0, FO_ENS_UPSTREAM_V2 = 1 } fo_ens_upstream;
typedef enum fo_ens_retrain { FO_ENS_RETRAIN_YES = 0, FO_ENS_RETRAIN_NO = 1 } fo_ens_retrain;

typedef struct fo_ensemble_params {
    int upstream;                 /* fo_ens_upstream: the extractor version serving */
    int retrain;                  /* fo_ens_retrain: classifier retrained on the served view */
    double severity;              /* [0, 1]: how far v2 moves the feature space */
    long long train_size;         /* training split (also fits the extractors' normalisation) */
    long long requests;           /* held-out evaluation split = requests served */
    double silent_failure_margin; /* accuracy points (a fraction) that count as a drop */
    /* The track's story, for names in the views (NULL: "features", "extractor", "f"). */
    const char *view_name;
    const char *producer;
    const char *feature_prefix;
} fo_ensemble_params;

/* One request followed stage by stage. */
typedef struct fo_ens_trace {
    long long request; /* index in the evaluation split */
    int truth;         /* 1: the positive class (a wake word) */
    double raw_rms;    /* RMS of the 32 raw values */
    double raw_snr_db; /* energy in the signal subspace vs the noise subspace */
    int extractor_version;
    int view_version;
    char view_hash[17];
    int expects_version; /* the view version the classifier was trained on */
    char expects_hash[17];
    int contract_match;
    double features[FO_ENS_FEATURES]; /* as served */
    double max_abs_z; /* largest |feature - training mean| / training sd, over the features */
    double score;     /* P(positive) from the serving classifier */
    int label, correct;
    double baseline_score; /* the same raw request through v1 and the v1 classifier */
    int baseline_label, baseline_correct;
} fo_ens_trace;

typedef struct fo_ensemble_result {
    double accuracy;                /* the scenario asked for */
    double baseline_accuracy;       /* v1 served, classifier trained on v1 */
    double retrained_accuracy;      /* v2 served, classifier retrained on v2 */
    double v2_unretrained_accuracy; /* v2 served, classifier trained on v1 */
    double accuracy_drop;           /* baseline - accuracy (negative: a gain) */
    long long requests_served;
    long long errors_raised; /* requests the serving path rejected (shape or non-finite) */
    int silent_failure;      /* accuracy_drop > margin while errors_raised == 0 */
    long long tp, fp, tn, fn;
    /* Requests by outcome, index 2 (v1 pipeline right) + (served pipeline right): [3] both
     * right, [2] broken by the scenario, [1] fixed by it, [0] both wrong. */
    long long outcomes[4];
    double false_accept_rate; /* fp / (fp + tn) */
    double false_reject_rate; /* fn / (fn + tp) */
    int served_version, trained_version;
    double leakage_v1, leakage_v2;         /* residual-noise leakage of each extractor */
    double rotation_deg;                   /* v2's basis rotation (each of the 4 planes) */
    double scale_min, scale_max;           /* v2's per-feature rescale factors */
    int newton_iterations;                 /* of the serving classifier's training */
    double weights[FO_ENS_FEATURES], bias; /* the serving classifier */
    fo_fs_view trained_view;               /* the view the serving classifier was trained on */
    fo_fs_view served_view;                /* the view the requests were served from */
    fo_fs_check_result check;
    /* The v1 pipeline, whatever the scenario: v1's view and the check of v1 served to the
     * classifier trained on it (what a consumer pinned to v1 keeps reading: its skew is
     * sampling noise alone, training split against served requests). */
    fo_fs_view baseline_view;
    fo_fs_check_result baseline_check;
    fo_ens_trace trace[FO_ENS_TRACE];
    int trace_len;
} fo_ensemble_result;

/* Bytes of scratch memory fo_ensemble_run needs for these parameters (the caller owns it). */
size_t fo_ensemble_work_bytes(const fo_ensemble_params *p);
/* Runs the pipeline: returns 0, or -1 when a parameter is outside its domain or work_bytes is
 * too small. Draws from rng: the world, the training split, the evaluation split, v2's drift. */
int fo_ensemble_run(const fo_ensemble_params *p, fo_rng *rng, void *work, size_t work_bytes,
                    fo_ensemble_result *r);

#endif
