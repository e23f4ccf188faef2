/* ensemble.c — Part 3's scenarios: v1|v2 upstream x retrained yes|no, the Feature Store
 * Consistency Check and the Ensemble Trace (model in ensemble.h and pipeline.h). */
#include "fleetops/ensemble.h"
#include "fleetops/libm.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pipeline.h"

#define F FO_PL_FEATURES
#define D FO_PL_RAW_DIMS

_Static_assert(FO_ENS_FEATURES == FO_PL_FEATURES, "ensemble.h and pipeline.h disagree");
_Static_assert(FO_ENS_RAW_DIMS == FO_PL_RAW_DIMS, "ensemble.h and pipeline.h disagree");

/* The caller's scratch memory, carved up. */
typedef struct layout {
    double *x_eval;           /* raw requests served (the trace reads them) */
    double *p_train, *p_eval; /* their projections (pipeline.h) */
    double *f_train, *f_eval; /* features: [version 0|1] x rows x 8 */
    double *scratch;          /* max(train, eval) doubles */
    unsigned char *y_train, *y_eval;
    size_t bytes;
} layout;

static layout carve(const fo_ensemble_params *p, void *base) {
    size_t nt = (size_t)p->train_size, ne = (size_t)p->requests, PR = FO_PL_PROJ;
    size_t doubles = ne * D + (nt + ne) * PR + 2 * nt * F + 2 * ne * F + (nt > ne ? nt : ne);
    layout l = {0};
    double *d = base;
    l.bytes = doubles * sizeof(double) + nt + ne;
    if (!base) return l;
    l.x_eval = d, d += ne * D;
    l.p_train = d, d += nt * PR;
    l.p_eval = d, d += ne * PR;
    l.f_train = d, d += 2 * nt * F;
    l.f_eval = d, d += 2 * ne * F;
    l.scratch = d, d += nt > ne ? nt : ne;
    l.y_train = (unsigned char *)d;
    l.y_eval = l.y_train + nt;
    return l;
}

size_t fo_ensemble_work_bytes(const fo_ensemble_params *p) {
    if (p->train_size < 1 || p->requests < 1) return 0;
    return carve(p, NULL).bytes;
}

static void describe_view(fo_fs_view *v, const fo_ensemble_params *p, const fo_pl_extractor *e,
                          const fo_pl_drift *drift) {
    memset(v, 0, sizeof *v);
    snprintf(v->name, sizeof v->name, "%s", p->view_name ? p->view_name : "features");
    v->version = e->version;
    v->dims = F;
    snprintf(v->producer, sizeof v->producer, "%s v%d", p->producer ? p->producer : "extractor",
             e->version);
    for (int f = 0; f < F; f++)
        snprintf(v->feature_names[f], sizeof v->feature_names[f], "%s%d",
                 p->feature_prefix ? p->feature_prefix : "f", f);
    if (e->version == 1 || e->severity == 0) {
        snprintf(v->normalisation, sizeof v->normalisation, "z-score (upstream fit)");
        snprintf(v->basis, sizeof v->basis, "identity");
        return;
    }
    double lo = 1e300, hi = 0;
    for (int f = 0; f < F; f++) {
        double s = fo_exp(e->severity * drift->log_scale[f]);
        lo = s < lo ? s : lo;
        hi = s > hi ? s : hi;
    }
    snprintf(v->normalisation, sizeof v->normalisation,
             "z-score (upstream fit), then rescale x%.2f..x%.2f and shift", lo, hi);
    snprintf(v->basis, sizeof v->basis, "rotated %.1f deg in 4 planes",
             e->max_angle_rad * 180.0 / 3.14159265358979323846);
}

/* Energy of x in the signal subspace against the noise subspace, from its projections (L is a
 * rotation, so |L N x| = |N x|). Rounded to 0.01 dB, the precision a trace shows. */
static double raw_snr_db(const double *proj) {
    double sig = 0, noi = 0;
    for (int i = 0; i < F; i++) {
        sig += proj[i] * proj[i];
        noi += proj[F + i] * proj[F + i];
    }
    return round(1000.0 * fo_log10((sig + 1e-300) / (noi + 1e-300))) / 100.0;
}

/* Serving: the consumer reads a vector of the served view's width; the only checks a loose
 * pipeline makes are the shape and finiteness. Returns 1 when the request errors. */
static int serve_error(int served_dims, int expected_dims, const double *f) {
    if (served_dims != expected_dims) return 1;
    for (int k = 0; k < served_dims; k++)
        if (!isfinite(f[k])) return 1;
    return 0;
}

/* The trace: FO_ENS_TRACE requests whose mix of outcomes matches the whole evaluation's.
 * Outcome c = 2 (v1 pipeline right) + (served pipeline right); each gets a quota of
 * FO_ENS_TRACE x its share by largest remainder (ties to the higher c), filled with its first
 * requests in order; the picks are then sorted by request. So a trace of a silent failure shows
 * as many requests the upgrade broke as the aggregate says it should, and no more. */
static int pick_trace(const unsigned char *outcome, size_t n, const long long counts[4],
                      long long *idx) {
    long long quota[4], rem = FO_ENS_TRACE, frac[4];
    for (int c = 0; c < 4; c++) {
        quota[c] = FO_ENS_TRACE * counts[c] / (long long)n;
        frac[c] = FO_ENS_TRACE * counts[c] % (long long)n;
        rem -= quota[c];
    }
    for (; rem > 0; rem--) {
        int best = 3;
        for (int c = 2; c >= 0; c--)
            if (frac[c] > frac[best]) best = c;
        quota[best]++;
        frac[best] = -1;
    }
    int k = 0;
    for (size_t i = 0; i < n && k < FO_ENS_TRACE; i++)
        if (quota[outcome[i]] > 0) quota[outcome[i]]--, idx[k++] = (long long)i;
    return k; /* already in request order: one pass over the requests */
}

int fo_ensemble_run(const fo_ensemble_params *p, fo_rng *rng, void *work, size_t work_bytes,
                    fo_ensemble_result *r) {
    if (p->train_size < FO_ENS_MIN_ROWS || p->train_size > FO_ENS_MAX_ROWS ||
        p->requests < FO_ENS_MIN_ROWS || p->requests > FO_ENS_MAX_ROWS ||
        !(p->severity >= 0 && p->severity <= 1) ||
        !(p->silent_failure_margin >= 0 && p->silent_failure_margin < 1) ||
        (p->upstream != FO_ENS_UPSTREAM_V1 && p->upstream != FO_ENS_UPSTREAM_V2) ||
        (p->retrain != FO_ENS_RETRAIN_YES && p->retrain != FO_ENS_RETRAIN_NO))
        return -1;
    if (!work || work_bytes < fo_ensemble_work_bytes(p)) return -1;
    memset(r, 0, sizeof *r);
    layout l = carve(p, work);
    size_t nt = (size_t)p->train_size, ne = (size_t)p->requests;

    /* The world and its data; v2's drift is drawn whatever the scenario, so that a seed fixes
     * the same requests and the same upgrade in every scenario. */
    fo_pl_world world;
    fo_pl_world_init(&world, rng);
    fo_pl_sample(&world, rng, nt, NULL, l.p_train, l.y_train);
    fo_pl_sample(&world, rng, ne, l.x_eval, l.p_eval, l.y_eval);
    fo_pl_drift drift;
    fo_pl_drift_draw(&drift, rng);

    fo_pl_extractor ext[2];
    fo_pl_extractor_first(&ext[0], l.p_train, nt);
    fo_pl_extractor_next(&ext[1], &ext[0], &drift, p->severity, l.p_train, nt);

    /* Each version publishes its view (training statistics from the training split); a
     * classifier is trained on each. */
    fo_fs_view view[2];
    fo_pl_logreg clf[2];
    double *ftr[2], *fev[2];
    for (int v = 0; v < 2; v++) {
        ftr[v] = l.f_train + (size_t)v * nt * F;
        fev[v] = l.f_eval + (size_t)v * ne * F;
        fo_pl_extract(&ext[v], l.p_train, nt, ftr[v]);
        fo_pl_extract(&ext[v], l.p_eval, ne, fev[v]);
        describe_view(&view[v], p, &ext[v], &drift);
        fo_fs_view_publish(&view[v], ftr[v], nt, l.scratch);
        fo_pl_logreg_train(&clf[v], ftr[v], l.y_train, nt);
    }
    r->baseline_accuracy = fo_pl_accuracy(&clf[0], fev[0], l.y_eval, ne);
    r->retrained_accuracy = fo_pl_accuracy(&clf[1], fev[1], l.y_eval, ne);
    r->v2_unretrained_accuracy = fo_pl_accuracy(&clf[0], fev[1], l.y_eval, ne);

    /* The scenario: which view serves, which classifier answers. */
    int sv = p->upstream == FO_ENS_UPSTREAM_V2 ? 1 : 0;
    int cv = sv == 1 && p->retrain == FO_ENS_RETRAIN_YES ? 1 : 0;
    const fo_pl_logreg *m = &clf[cv];
    r->served_version = sv + 1;
    r->trained_version = cv + 1;
    r->requests_served = (long long)ne;
    unsigned char *outcome = (unsigned char *)l.scratch; /* ne bytes, after the views are built */
    for (size_t i = 0; i < ne; i++) {
        const double *f = fev[sv] + i * F;
        int truth = l.y_eval[i];
        int base_ok = (fo_pl_logreg_prob(&clf[0], fev[0] + i * F) > 0.5) == truth;
        if (serve_error(view[sv].dims, view[cv].dims, f)) {
            r->errors_raised++;
            outcome[i] = (unsigned char)(2 * base_ok);
            r->outcomes[outcome[i]]++;
            continue;
        }
        int pred = fo_pl_logreg_prob(m, f) > 0.5;
        outcome[i] = (unsigned char)(2 * base_ok + (pred == truth));
        r->outcomes[outcome[i]]++;
        r->tp += pred && truth;
        r->fp += pred && !truth;
        r->tn += !pred && !truth;
        r->fn += !pred && truth;
    }
    r->accuracy = (double)(r->tp + r->tn) / (double)ne;
    r->false_accept_rate = r->fp + r->tn ? (double)r->fp / (double)(r->fp + r->tn) : 0.0;
    r->false_reject_rate = r->fn + r->tp ? (double)r->fn / (double)(r->fn + r->tp) : 0.0;
    r->accuracy_drop = r->baseline_accuracy - r->accuracy;
    r->silent_failure = r->errors_raised == 0 && r->accuracy_drop > p->silent_failure_margin;
    r->leakage_v1 = ext[0].leakage;
    r->leakage_v2 = ext[1].leakage;
    r->rotation_deg = ext[1].max_angle_rad * 180.0 / 3.14159265358979323846;
    r->scale_min = 1e300;
    for (int f = 0; f < F; f++) {
        double s = fo_exp(p->severity * drift.log_scale[f]);
        r->scale_min = s < r->scale_min ? s : r->scale_min;
        r->scale_max = s > r->scale_max ? s : r->scale_max;
        r->weights[f] = m->w[f];
    }
    r->bias = m->b;
    r->newton_iterations = m->iterations;
    r->trained_view = view[cv];
    r->served_view = view[sv];
    fo_fs_check(&view[cv], &view[sv], fev[sv], ne, &r->check);
    r->baseline_view = view[0];
    fo_fs_check(&view[0], &view[0], fev[0], ne, &r->baseline_check);

    long long idx[FO_ENS_TRACE];
    r->trace_len = pick_trace(outcome, ne, r->outcomes, idx);
    for (int k = 0; k < r->trace_len; k++) {
        fo_ens_trace *t = &r->trace[k];
        size_t i = (size_t)idx[k];
        const double *x = l.x_eval + i * D, *f = fev[sv] + i * F;
        double rms = 0;
        for (int d = 0; d < D; d++)
            rms += x[d] * x[d];
        t->request = idx[k];
        t->truth = l.y_eval[i];
        t->raw_rms = sqrt(rms / D);
        t->raw_snr_db = raw_snr_db(l.p_eval + i * FO_PL_PROJ);
        t->extractor_version = sv + 1;
        t->view_version = view[sv].version;
        memcpy(t->view_hash, view[sv].hash_hex, sizeof t->view_hash);
        t->expects_version = view[cv].version;
        memcpy(t->expects_hash, view[cv].hash_hex, sizeof t->expects_hash);
        t->contract_match = view[sv].schema_hash == view[cv].schema_hash;
        for (int q = 0; q < F; q++) {
            const fo_fs_feature_stats *st = &view[cv].stats[q];
            double z = fabs(f[q] - st->mean) / sqrt(st->variance > 0 ? st->variance : 1e-300);
            t->features[q] = f[q];
            if (z > t->max_abs_z) t->max_abs_z = z;
        }
        t->score = fo_pl_logreg_prob(m, f);
        t->label = t->score > 0.5;
        t->correct = t->label == t->truth;
        t->baseline_score = fo_pl_logreg_prob(&clf[0], fev[0] + i * F);
        t->baseline_label = t->baseline_score > 0.5;
        t->baseline_correct = t->baseline_label == t->truth;
    }
    return 0;
}
