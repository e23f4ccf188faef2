/* pipeline.c — the Part 3 pipeline: world, raw requests, extractor versions and the
 * logistic-regression classifier (model in pipeline.h). */
#include "pipeline.h"

#include <math.h>
#include <string.h>
#include "fleetops/libm.h"

/* Two doubles side by side (GCC and clang vector extension): SSE2 lanes on x86-64, plain
 * scalar pairs where the target has no vectors (wasm32 without SIMD). fp-contract is off in
 * ISO C mode, so a * b + c stays a multiply then an add, as in scalar code. */
typedef double v2d __attribute__((vector_size(16)));

#define F  FO_PL_FEATURES
#define D  FO_PL_RAW_DIMS
#define PI 3.14159265358979323846

/* k orthonormal rows of length dims (k <= dims), row-major into m: modified Gram-Schmidt on
 * Gaussian draws (a uniformly random orthonormal frame). */
static void orthonormal_rows(double *m, int k, int dims, fo_rng *rng) {
    for (int i = 0; i < k; i++) {
        double *row = m + i * dims;
        for (;;) {
            for (int d = 0; d < dims; d++)
                row[d] = fo_rng_normal(rng);
            for (int j = 0; j < i; j++) {
                const double *prev = m + j * dims;
                double dot = 0;
                for (int d = 0; d < dims; d++)
                    dot += row[d] * prev[d];
                for (int d = 0; d < dims; d++)
                    row[d] -= dot * prev[d];
            }
            double norm = 0;
            for (int d = 0; d < dims; d++)
                norm += row[d] * row[d];
            norm = sqrt(norm);
            if (norm < 1e-6) continue; /* degenerate draw (probability ~0): draw again */
            for (int d = 0; d < dims; d++)
                row[d] /= norm;
            break;
        }
    }
}

/* The first 8 of 16 orthonormal vectors of R^32 span the signal subspace, the next 8 the noise
 * subspace, so the two are orthogonal; the leak L is a random rotation of R^8, so the residual
 * noise reaches every feature equally (the feature covariance stays isotropic). */
void fo_pl_world_init(fo_pl_world *w, fo_rng *rng) {
    double basis[2 * F][D];
    orthonormal_rows(&basis[0][0], 2 * F, D, rng);
    memcpy(w->signal, basis[0], sizeof w->signal);
    memcpy(w->noise, basis[F], sizeof w->noise);
    orthonormal_rows(&w->leak[0][0], F, F, rng);
    double norm = 0;
    for (int i = 0; i < F; i++) {
        w->class_dir[i] = fo_rng_normal(rng);
        norm += w->class_dir[i] * w->class_dir[i];
    }
    norm = sqrt(norm);
    for (int i = 0; i < F; i++)
        w->class_dir[i] /= norm;
}

/* n standard normals (n even): Marsaglia's polar method, both values of each pair used (the
 * raw data needs 48 normals a request; fo_rng_normal discards the spare, twice the work). */
static void normals(fo_rng *rng, double *out, size_t n) {
    for (size_t k = 0; k < n; k += 2) {
        for (;;) {
            double u = 2.0 * fo_rng_uniform(rng) - 1.0, v = 2.0 * fo_rng_uniform(rng) - 1.0;
            double s = u * u + v * v;
            if (s > 0.0 && s < 1.0) {
                double m = sqrt(-2.0 * fo_log(s) / s);
                out[k] = u * m;
                out[k + 1] = v * m;
                break;
            }
        }
    }
}

/* x = S^T a + N^T b + sigma_w e with S, N orthonormal and orthogonal to each other, so its
 * projections follow from the latents: S x = a + sigma_w S e and N x = b + sigma_w N e.
 * When x itself is wanted, e is drawn in full (32 normals) and x is built; when only the
 * projections are, S e and N e are drawn directly: for e ~ N(0, I_32) they are independent
 * N(0, I_8) vectors, so the projections have the same distribution (test_ensemble checks
 * fo_pl_project against the built x). */
void fo_pl_sample(const fo_pl_world *w, fo_rng *rng, size_t n, double *x, double *proj,
                  unsigned char *y) {
    for (size_t r = 0; r < n; r++) {
        double z[D + 2 * F], a[F], b[F], nx[F], *p = proj + r * FO_PL_PROJ;
        unsigned char label = (unsigned char)(fo_rng_u64(rng) >> 63);
        double sign = label ? 1.0 : -1.0;
        y[r] = label;
        /* z: the latents a, b (2 x 8), then the sensor noise: S e, N e (2 x 8) or e (32). */
        normals(rng, z, x ? 2 * F + D : 4 * F);
        const double *e = z + 2 * F;
        for (int i = 0; i < F; i++) {
            double se = 0, ne = 0;
            if (x) {
                for (int d = 0; d < D; d++) {
                    se += w->signal[i][d] * e[d];
                    ne += w->noise[i][d] * e[d];
                }
            } else {
                se = e[i], ne = e[F + i];
            }
            a[i] = sign * 0.5 * FO_PL_SEPARATION * w->class_dir[i] + z[i];
            b[i] = FO_PL_NOISE_SD * z[F + i];
            p[i] = a[i] + FO_PL_WHITE_SD * se;
            nx[i] = b[i] + FO_PL_WHITE_SD * ne;
        }
        for (int i = 0; i < F; i++) {
            double v = 0;
            for (int j = 0; j < F; j++)
                v += w->leak[i][j] * nx[j];
            p[F + i] = v;
        }
        if (!x) continue;
        double *raw = x + r * D;
        for (int d = 0; d < D; d++)
            raw[d] = FO_PL_WHITE_SD * e[d];
        for (int i = 0; i < F; i++)
            for (int d = 0; d < D; d++)
                raw[d] += a[i] * w->signal[i][d] + b[i] * w->noise[i][d];
    }
}

void fo_pl_project(const fo_pl_world *w, const double *x, double *out) {
    double nx[F];
    for (int i = 0; i < F; i++) {
        double a = 0, b = 0;
        for (int d = 0; d < D; d++) {
            a += w->signal[i][d] * x[d];
            b += w->noise[i][d] * x[d];
        }
        out[i] = a;
        nx[i] = b;
    }
    for (int i = 0; i < F; i++) {
        double v = 0;
        for (int j = 0; j < F; j++)
            v += w->leak[i][j] * nx[j];
        out[F + i] = v;
    }
}

void fo_pl_drift_draw(fo_pl_drift *d, fo_rng *rng) {
    int perm[F];
    for (int i = 0; i < F; i++)
        perm[i] = i;
    for (int i = F - 1; i > 0; i--) { /* Fisher-Yates */
        int j = (int)fo_rng_below(rng, (uint64_t)i + 1);
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    for (int p = 0; p < F / 2; p++) {
        d->pair[p][0] = perm[2 * p];
        d->pair[p][1] = perm[2 * p + 1];
    }
    for (int i = 0; i < F; i++) {
        double sign = (fo_rng_u64(rng) >> 63) ? 1.0 : -1.0;
        d->log_scale[i] = sign * (0.2 + 0.5 * fo_rng_uniform(rng));
        sign = (fo_rng_u64(rng) >> 63) ? 1.0 : -1.0;
        d->shift[i] = sign * (0.5 + fo_rng_uniform(rng));
    }
}

/* The z-score statistics of h = S x + lambda L N x over n rows (the upstream team's own fit:
 * population sd, floored so that a constant feature cannot divide by 0). */
static void fit_normalisation(fo_pl_extractor *e, const double *proj, size_t n) {
    double sum[F] = {0}, sq[F] = {0};
    for (size_t r = 0; r < n; r++) {
        const double *p = proj + r * FO_PL_PROJ;
        for (int f = 0; f < F; f++) {
            double h = p[f] + e->leakage * p[F + f];
            sum[f] += h;
            sq[f] += h * h;
        }
    }
    for (int f = 0; f < F; f++) {
        double m = sum[f] / (double)n, var = sq[f] / (double)n - m * m;
        e->mean[f] = m;
        e->sd[f] = sqrt(var > 1e-12 ? var : 1e-12);
    }
}

void fo_pl_extractor_first(fo_pl_extractor *e, const double *proj, size_t n) {
    memset(e, 0, sizeof *e);
    e->version = 1;
    e->leakage = FO_PL_LEAK_V1;
    fit_normalisation(e, proj, n);
    for (int f = 0; f < F; f++)
        e->map[f][f] = 1.0;
}

void fo_pl_extractor_next(fo_pl_extractor *e, const fo_pl_extractor *prev, const fo_pl_drift *d,
                          double s, const double *proj, size_t n) {
    memset(e, 0, sizeof *e);
    e->version = prev->version + 1;
    e->severity = s;
    e->leakage = FO_PL_LEAK_FLOOR + (prev->leakage - FO_PL_LEAK_FLOOR) * FO_PL_LEAK_DECAY;
    fit_normalisation(e, proj, n);
    /* G = diag(exp(s l)) R(s), R a rotation of the 4 disjoint planes by the same angle. */
    double g[F][F] = {{0}};
    for (int f = 0; f < F; f++)
        g[f][f] = 1.0;
    e->max_angle_rad = s * (PI / 2);
    for (int p = 0; p < F / 2; p++) {
        int i = d->pair[p][0], j = d->pair[p][1];
        double c = fo_cos(e->max_angle_rad), sn = fo_sin(e->max_angle_rad);
        g[i][i] = c, g[i][j] = -sn;
        g[j][i] = sn, g[j][j] = c;
    }
    for (int f = 0; f < F; f++) {
        double scale = fo_exp(s * d->log_scale[f]);
        for (int k = 0; k < F; k++)
            g[f][k] *= scale;
    }
    for (int i = 0; i < F; i++) {
        double off = s * d->shift[i];
        for (int k = 0; k < F; k++) {
            double m = 0;
            for (int j = 0; j < F; j++)
                m += g[i][j] * prev->map[j][k];
            e->map[i][k] = m;
            off += g[i][k] * prev->offset[k];
        }
        e->offset[i] = off;
    }
}

/* One request's features: the 8 outputs as 4 pairs of lanes, each input broadcast and added
 * in order (c0 + at[0] p[0] + at[1] p[1] + ...: the same sums as a plain loop, bit for bit).
 * Left to itself the compiler vectorised across pairs of inputs or rows and spent most of
 * its instructions transposing them (the profile: ~650 instructions a row; now ~100). */
static void extract_row(const double at[2 * F][F], const double *c0, const double *p, double *out) {
    v2d o[F / 2];
    memcpy(o, c0, sizeof o);
    for (int k = 0; k < 2 * F; k++) {
        v2d a[F / 2], pk = {p[k], p[k]};
        memcpy(a, at[k], sizeof a);
        for (int i = 0; i < F / 2; i++)
            o[i] += a[i] * pk;
    }
    memcpy(out, o, sizeof o);
}

void fo_pl_extract(const fo_pl_extractor *e, const double *proj, size_t n, double *out) {
    /* f = A (S x) + lambda A (L N x) + c0 with A = M diag(1/sd) and c0 = c - A m: the combined
     * matrix is stored transposed so the inner loop runs over the 8 outputs (vectorised). */
    double at[2 * F][F], c0[F];
    for (int i = 0; i < F; i++) {
        c0[i] = e->offset[i];
        for (int k = 0; k < F; k++) {
            double a = e->map[i][k] / e->sd[k];
            c0[i] -= a * e->mean[k];
            at[k][i] = a;
            at[F + k][i] = e->leakage * a;
        }
    }
    for (size_t r = 0; r < n; r++)
        extract_row(at, c0, proj + r * FO_PL_PROJ, out + r * F);
}

/* ---- logistic regression ------------------------------------------------------------- */

static double sigmoid(double t) {
    if (t >= 0) return 1.0 / (1.0 + fo_exp(-t));
    double e = fo_exp(t);
    return e / (1.0 + e);
}

#define P (F + 1) /* weights and bias */

/* The penalised negative log-likelihood at theta, and in the same pass over the rows its
 * gradient g and Hessian h (lower triangle) for the next Newton step: one exp and one log1p a
 * row, e = exp(-|t|), softplus(t) = max(t, 0) + log1p(e), sigmoid from e. */
static double objective(const double *theta, const double *f, const unsigned char *y, size_t n,
                        double *g, double h[P][P]) {
    /* The sums by pairs of lanes (v2d: two doubles, one SSE2 register, or two scalars where
     * there is no such register): the 8 x 8 square of row products, the bias row and the
     * gradient, each element the same products added in the same row order as a plain loop,
     * bit for bit. Only the lower triangle is kept. */
    v2d hv[F][F / 2], hb[F / 2], gv[F / 2];
    memset(hv, 0, sizeof hv), memset(hb, 0, sizeof hb), memset(gv, 0, sizeof gv);
    double loss = 0, gb = 0, hbb = 0;
    for (size_t r = 0; r < n; r++) {
        const double *row = f + r * F;
        double t = theta[F];
        for (int k = 0; k < F; k++)
            t += theta[k] * row[k];
        double e = fo_exp(-fabs(t)), p = t >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
        loss += (t > 0 ? t : 0.0) + fo_log1p(e) - (y[r] ? t : 0.0);
        double wgt = p * (1.0 - p), resid = p - y[r];
        v2d x[F / 2], rv = {resid, resid}, wg = {wgt, wgt};
        memcpy(x, row, sizeof x);
        for (int j = 0; j < F / 2; j++) {
            v2d wv = wg * x[j]; /* wgt * row[i] for the pair i = 2j, 2j + 1 */
            gv[j] += rv * x[j];
            hb[j] += wv;
            for (int i = 0; i < 2; i++) {
                v2d w = {wv[i], wv[i]};
                for (int k = 0; k < F / 2; k++)
                    hv[2 * j + i][k] += w * x[k];
            }
        }
        gb += resid;
        hbb += wgt;
    }
    for (int i = 0; i < F; i++) {
        g[i] = gv[i / 2][i % 2];
        h[F][i] = hb[i / 2][i % 2];
        for (int j = 0; j <= i; j++)
            h[i][j] = hv[i][j / 2][j % 2];
    }
    g[F] = gb;
    h[F][F] = hbb;
    for (int k = 0; k < F; k++) {
        loss += 0.5 * FO_PL_RIDGE * theta[k] * theta[k];
        g[k] += FO_PL_RIDGE * theta[k];
        h[k][k] += FO_PL_RIDGE;
    }
    for (int i = 0; i < P; i++)
        for (int j = i + 1; j < P; j++)
            h[i][j] = h[j][i];
    return loss;
}

/* Solves H x = g for symmetric positive definite H (Cholesky, in place on a copy). */
static int cholesky_solve(double h[P][P], const double *g, double *x) {
    double l[P][P] = {{0}};
    for (int i = 0; i < P; i++) {
        for (int j = 0; j <= i; j++) {
            double s = h[i][j];
            for (int k = 0; k < j; k++)
                s -= l[i][k] * l[j][k];
            if (i == j) {
                if (!(s > 0)) return -1;
                l[i][i] = sqrt(s);
            } else {
                l[i][j] = s / l[j][j];
            }
        }
    }
    double t[P];
    for (int i = 0; i < P; i++) {
        double s = g[i];
        for (int k = 0; k < i; k++)
            s -= l[i][k] * t[k];
        t[i] = s / l[i][i];
    }
    for (int i = P - 1; i >= 0; i--) {
        double s = t[i];
        for (int k = i + 1; k < P; k++)
            s -= l[k][i] * x[k];
        x[i] = s / l[i][i];
    }
    return 0;
}

int fo_pl_logreg_train(fo_pl_logreg *m, const double *f, const unsigned char *y, size_t n) {
    double theta[P] = {0}, g[P], h[P][P];
    double loss = objective(theta, f, y, n, g, h);
    int it = 0, converged = 0;
    for (; it < FO_PL_NEWTON_MAX_ITER && !converged; it++) {
        double step[P];
        if (cholesky_solve(h, g, step) != 0) break;
        /* Backtracking: halve the Newton step until the objective does not increase (the
         * candidate's pass also leaves its gradient and Hessian in g, h). */
        double t = 1.0, cand[P], cand_loss = loss;
        for (int halvings = 0; halvings < 30; halvings++, t *= 0.5) {
            for (int i = 0; i < P; i++)
                cand[i] = theta[i] - t * step[i];
            cand_loss = objective(cand, f, y, n, g, h);
            if (cand_loss <= loss + 1e-12 * fabs(loss)) break;
        }
        double biggest = 0;
        for (int i = 0; i < P; i++) {
            double dlt = fabs(cand[i] - theta[i]);
            if (dlt > biggest) biggest = dlt;
            theta[i] = cand[i];
        }
        loss = cand_loss;
        converged = biggest < FO_PL_NEWTON_TOL;
    }
    for (int k = 0; k < F; k++)
        m->w[k] = theta[k];
    m->b = theta[F];
    m->iterations = it;
    m->converged = converged;
    return converged ? 0 : -1;
}

double fo_pl_logreg_prob(const fo_pl_logreg *m, const double *f) {
    double t = m->b;
    for (int k = 0; k < F; k++)
        t += m->w[k] * f[k];
    return sigmoid(t);
}

double fo_pl_accuracy(const fo_pl_logreg *m, const double *f, const unsigned char *y, size_t n) {
    size_t ok = 0;
    for (size_t r = 0; r < n; r++) {
        double t = m->b;
        for (int k = 0; k < F; k++)
            t += m->w[k] * f[r * F + k];
        ok += (t > 0) == (y[r] != 0);
    }
    return n ? (double)ok / (double)n : 0.0;
}
