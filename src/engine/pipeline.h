/* pipeline.h — private to src/engine: the small ML pipeline Part 3 runs for real, shared by
 * the Ensemble Lockdown (ensemble.c) and the governance simulator (governance.c).
 *
 * The world. A raw request is a vector x in R^32 (think 32 spectral bands of a hearable's
 * microphone frame, or 32 raw embedding inputs): x = S^T (mu_y + c) + N^T (sigma_n n) + sigma_w e
 *   S (8 x 32), N (8 x 32): orthonormal rows spanning the signal and the noise subspaces,
 *   mu_y = (2y - 1) (delta / 2) u: the class means along a unit direction u in R^8,
 *   c ~ N(0, I_8): class-independent signal content (who speaks, what is said),
 *   n ~ N(0, I_8): structured background noise, sigma_n = 3 (it dominates the raw energy),
 *   e ~ N(0, I_32): sensor noise, sigma_w = 0.5; y ~ Bernoulli(1/2) (balanced splits).
 *
 * The upstream extractor, version k (a noise-isolation model): h = (S + lambda_k L N) x, where L
 * (a fixed random rotation of R^8) is how the residual noise leaks into the features and
 * lambda_k the leakage; the feature covariance stays isotropic, (1 + sigma_w^2 + lambda_k^2
 * (sigma_n^2 + sigma_w^2)) I, so the Bayes accuracy is Phi(delta / 2 / sqrt of that): 0.80 for
 * v1 (lambda 0.57), 0.90 for v2 (lambda 0.25). Later versions isolate noise better:
 * lambda_k = lambda_inf + (lambda_{k-1} - lambda_inf) rho. The output is z-scored with statistics
 * the upstream team fits on its own data, then mapped into version k's feature space:
 * f_k = M_k z_k + c_k, with M_1 = I, c_1 = 0 and, at each release with severity s,
 * M_k = G M_{k-1}, c_k = G c_{k-1} + s b, G = diag(exp(s l)) R(s). R(s) rotates 4 disjoint planes
 * of randomly paired dimensions by the same angle s (pi/2) (an isoclinic rotation: every vector
 * turns by exactly that angle, so a classifier's view of the class direction shrinks by
 * cos(s pi/2) whatever the seed; at s = 1 each pair is swapped with a sign, i.e. the dimensions
 * are re-ordered); exp(s l) rescales (|l| in [0.2, 0.7]); s b shifts (|b| in [0.5, 1.5]
 * standard deviations). Severity 0 keeps the previous version's space exactly.
 *
 * The downstream classifier: logistic regression with an L2 penalty of 1 on the weights, trained
 * by Newton's method with step halving, to a largest step below 1e-10 (7-8 steps). */
#ifndef FLEETOPS_ENGINE_PIPELINE_H
#define FLEETOPS_ENGINE_PIPELINE_H

#include <stddef.h>

#include "fleetops/rng.h"

#define FO_PL_RAW_DIMS        32
#define FO_PL_FEATURES        8
#define FO_PL_PROJ            (2 * FO_PL_FEATURES)
#define FO_PL_NOISE_SD        3.0
#define FO_PL_WHITE_SD        0.5
#define FO_PL_SEPARATION      3.46  /* delta, in units of the signal content's sd */
#define FO_PL_LEAK_V1         0.57  /* lambda_1 */
#define FO_PL_LEAK_FLOOR      0.10  /* lambda_inf */
#define FO_PL_LEAK_DECAY      0.32  /* rho */
#define FO_PL_RIDGE           1.0   /* L2 penalty on the weights (not the bias) */
#define FO_PL_NEWTON_MAX_ITER 50    /* Newton steps at most */
#define FO_PL_NEWTON_TOL      1e-10 /* stop when the largest step is below this */

typedef struct fo_pl_world {
    double signal[FO_PL_FEATURES][FO_PL_RAW_DIMS]; /* S */
    double noise[FO_PL_FEATURES][FO_PL_RAW_DIMS];  /* N */
    double leak[FO_PL_FEATURES][FO_PL_FEATURES];   /* L */
    double class_dir[FO_PL_FEATURES];              /* u */
} fo_pl_world;

/* The drift one upstream release applies to the previous version's feature space, at s = 1;
 * the release's severity s scales it (so the same draws serve every severity). */
typedef struct fo_pl_drift {
    int pair[FO_PL_FEATURES / 2][2];
    double log_scale[FO_PL_FEATURES]; /* l */
    double shift[FO_PL_FEATURES];     /* b */
} fo_pl_drift;

typedef struct fo_pl_extractor {
    int version; /* 1, 2, ... */
    double leakage;
    double severity;      /* of the release that produced it (0 for v1) */
    double max_angle_rad; /* of the release's rotation */
    double mean[FO_PL_FEATURES], sd[FO_PL_FEATURES]; /* z-score statistics */
    double map[FO_PL_FEATURES][FO_PL_FEATURES];      /* M_k */
    double offset[FO_PL_FEATURES];                   /* c_k */
} fo_pl_extractor;

typedef struct fo_pl_logreg {
    double w[FO_PL_FEATURES];
    double b;
    int iterations;
    int converged;
} fo_pl_logreg;

void fo_pl_world_init(fo_pl_world *w, fo_rng *rng);
/* The projections every extractor version reads, [S x, L N x] (16 numbers): an extractor is
 * linear in x, so version k's features follow from them with 8 + 64 multiply-adds instead of
 * 8 x 32, and they are computed once per request however many versions read it. */
void fo_pl_project(const fo_pl_world *w, const double *x, double *out);
/* n requests: raw x (n x 32, row-major; may be NULL when only the projections are needed),
 * their projections (n x FO_PL_PROJ) and labels y (0/1). */
void fo_pl_sample(const fo_pl_world *w, fo_rng *rng, size_t n, double *x, double *proj,
                  unsigned char *y);
void fo_pl_drift_draw(fo_pl_drift *d, fo_rng *rng);

/* v1, its z-score statistics fitted on n rows of projections. */
void fo_pl_extractor_first(fo_pl_extractor *e, const double *proj, size_t n);
/* The next release of `prev`, with its drift at severity s, fitted on n rows. */
void fo_pl_extractor_next(fo_pl_extractor *e, const fo_pl_extractor *prev, const fo_pl_drift *d,
                          double s, const double *proj, size_t n);
/* Features of n requests (from their projections) into out (n x 8). */
void fo_pl_extract(const fo_pl_extractor *e, const double *proj, size_t n, double *out);

/* Trains on n rows of f (n x 8). Returns 0, or -1 when Newton did not converge within
 * FO_PL_NEWTON_MAX_ITER steps (the model is then the last iterate). */
int fo_pl_logreg_train(fo_pl_logreg *m, const double *f, const unsigned char *y, size_t n);
/* P(y = 1 | f). */
double fo_pl_logreg_prob(const fo_pl_logreg *m, const double *f);
/* Share of n rows classified correctly at threshold 1/2. */
double fo_pl_accuracy(const fo_pl_logreg *m, const double *f, const unsigned char *y, size_t n);

#endif
