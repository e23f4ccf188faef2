/* featurestore.h — Part 3's feature store: named, versioned views with a schema hash and the
 * training statistics of every feature, and the Feature Store Consistency Check that compares
 * what is served against what a consumer was trained on.
 *
 * A view is what an upstream producer publishes under a name ("wake_features") and a version.
 * Its schema is a canonical text (name, version, producer, dims, feature names and types,
 * normalisation, basis); the schema hash is the 64-bit FNV-1a hash of that text (Fowler, Noll &
 * Vo; offset basis 14695981039346656037, prime 1099511628211), so any change to the schema,
 * however small, changes the hash. Training statistics per feature: mean, population variance
 * and a 10-bin histogram on the training deciles (equal-frequency bins, the usual PSI binning;
 * the outer bins are open-ended so every served value lands in a bin).
 *
 * The check, per feature, bins the served values on the trained view's edges and reports
 *   PSI  = sum (q - p) ln(q / p), empty-bin shares replaced by 1e-4 (as Evidently does),
 *   JS   = Jensen-Shannon distance, natural log (scipy's default, which Evidently uses),
 *   Linf = max |q - p| (TFDV's infinity_norm comparator),
 * and flags the feature when any of them reaches its threshold:
 *   PSI  >= 0.1: Evidently's default for its "psi" test, and the lower bound of the credit-risk
 *        rule of thumb (< 0.1 stable, 0.1-0.25 moderate shift, > 0.25 major shift; Siddiqi,
 *        Credit Risk Scorecards, 2006);
 *   JS   >= 0.1: Evidently's default for its "jensenshannon" test;
 *   Linf >= 0.1: TFDV has no default (its guide's example sets 0.01 on a categorical feature);
 *        on 10 decile bins 0.1 means a whole bin's worth of mass moved, about ten times the
 *        sampling noise of a bin share at 2,000 requests (sd ~ 0.01), so noise alone does
 *        not trip it.
 * The version contract holds when the served view has the name, version and schema hash the
 * consumer was trained on. The verdict: "pass" (contract holds, nothing flagged), "drift"
 * (contract holds, statistics moved: the world changed), "fail" (contract broken). */
#ifndef FLEETOPS_FEATURESTORE_H
#define FLEETOPS_FEATURESTORE_H

#include <stddef.h>
#include <stdint.h>

#define FO_FS_MAX_FEATURES   16
#define FO_FS_BINS           10
#define FO_FS_PSI_EPS        1e-4
#define FO_FS_PSI_THRESHOLD  0.1
#define FO_FS_JS_THRESHOLD   0.1
#define FO_FS_LINF_THRESHOLD 0.1
#define FO_FS_MAX_REASONS    6

typedef struct fo_fs_feature_stats {
    double mean, variance;
    double edges[FO_FS_BINS - 1]; /* inner bin edges: bin i is (edges[i-1], edges[i]] */
    double hist[FO_FS_BINS];      /* share of the training rows in each bin */
} fo_fs_feature_stats;

typedef struct fo_fs_view {
    /* Filled by the producer before fo_fs_view_publish: */
    char name[48];
    int version;
    int dims; /* <= FO_FS_MAX_FEATURES */
    char producer[64];
    char feature_names[FO_FS_MAX_FEATURES][16];
    char normalisation[128];
    char basis[64];
    /* Filled by fo_fs_view_publish: */
    char schema[1024];    /* the canonical schema text that is hashed */
    uint64_t schema_hash; /* FNV-1a 64 of schema */
    char hash_hex[17];    /* schema_hash as 16 hex digits */
    size_t rows;          /* training rows the statistics were computed on */
    fo_fs_feature_stats stats[FO_FS_MAX_FEATURES];
} fo_fs_view;

typedef struct fo_fs_feature_check {
    double psi, js_distance, linf;
    double served_mean, served_variance;
    double served_hist[FO_FS_BINS];
    int flagged;
} fo_fs_feature_check;

typedef struct fo_fs_check_result {
    int dims; /* features compared: min of the two views' dims */
    fo_fs_feature_check feature[FO_FS_MAX_FEATURES];
    int flagged_features;
    int skew_flagged; /* any feature flagged */
    int contract_ok;  /* same name, version and schema hash */
    int dims_match;   /* the served vectors fit the consumer's input: serving raises no error */
    int worst_feature;
    const char *verdict; /* "pass", "drift" or "fail" (static strings) */
    int nreasons;
    char reasons[FO_FS_MAX_REASONS][200];
} fo_fs_check_result;

/* Publishes a view: writes its canonical schema text and hash, and the training statistics of
 * its `dims` features from n rows (row-major n x dims). scratch holds n doubles. n >= 1. */
void fo_fs_view_publish(fo_fs_view *v, const double *rows, size_t n, double *scratch);

/* The Feature Store Consistency Check of n served rows (row-major, served->dims columns) of
 * view `served` against the view `trained` the consumer was trained on. */
void fo_fs_check(const fo_fs_view *trained, const fo_fs_view *served, const double *rows, size_t n,
                 fo_fs_check_result *r);

#endif
