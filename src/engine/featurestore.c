/* featurestore.c — versioned views, schema hashes, training statistics and the Feature Store
 * Consistency Check (model and thresholds in featurestore.h). */
#include "fleetops/featurestore.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetops/stats.h"

static uint64_t fnv1a64(const char *s) {
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

/* Appends to a fixed buffer, truncating (the schema fields are bounded, so it never does). */
static void append(char *dst, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void append(char *dst, size_t cap, const char *fmt, ...) {
    size_t len = strlen(dst);
    if (len + 1 >= cap) return;
    va_list ap;
    va_start(ap, fmt);
    // va_start above; a known false positive of clang 14:
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
    vsnprintf(dst + len, cap - len, fmt, ap);
    va_end(ap);
}

static void write_schema(fo_fs_view *v) {
    v->schema[0] = '\0';
    append(v->schema, sizeof v->schema, "view=%s;version=%d;producer=%s;dims=%d;features=", v->name,
           v->version, v->producer, v->dims);
    for (int f = 0; f < v->dims; f++)
        append(v->schema, sizeof v->schema, "%s%s:float64", f ? "," : "", v->feature_names[f]);
    append(v->schema, sizeof v->schema, ";normalisation=%s;basis=%s", v->normalisation, v->basis);
    v->schema_hash = fnv1a64(v->schema);
    snprintf(v->hash_hex, sizeof v->hash_hex, "%016llx", (unsigned long long)v->schema_hash);
}

/* Bin of x on ascending inner edges e[0..B-2]: the number of edges below x, so bin i is
 * (e[i-1], e[i]]. Counting (no branches) beats a binary search on 9 edges. */
static int bin_of(const double *edges, double x) {
    int b = 0;
    for (int i = 0; i < FO_FS_BINS - 1; i++)
        b += x > edges[i];
    return b;
}

static void histogram(const double *edges, const double *rows, size_t n, int stride, int col,
                      double *hist) {
    size_t count[FO_FS_BINS] = {0};
    for (size_t r = 0; r < n; r++)
        count[bin_of(edges, rows[r * (size_t)stride + (size_t)col])]++;
    for (int b = 0; b < FO_FS_BINS; b++)
        hist[b] = n ? (double)count[b] / (double)n : 0.0;
}

static void moments(const double *rows, size_t n, int stride, int col, double *mean, double *var) {
    double sum = 0, sq = 0;
    for (size_t r = 0; r < n; r++)
        sum += rows[r * (size_t)stride + (size_t)col];
    double m = n ? sum / (double)n : 0.0;
    for (size_t r = 0; r < n; r++) {
        double d = rows[r * (size_t)stride + (size_t)col] - m;
        sq += d * d;
    }
    *mean = m;
    *var = n ? sq / (double)n : 0.0;
}

void fo_fs_view_publish(fo_fs_view *v, const double *rows, size_t n, double *scratch) {
    if (v->dims > FO_FS_MAX_FEATURES) v->dims = FO_FS_MAX_FEATURES;
    write_schema(v);
    v->rows = n;
    for (int f = 0; f < v->dims; f++) {
        fo_fs_feature_stats *st = &v->stats[f];
        moments(rows, n, v->dims, f, &st->mean, &st->variance);
        for (size_t r = 0; r < n; r++)
            scratch[r] = rows[r * (size_t)v->dims + (size_t)f];
        double qs[FO_FS_BINS - 1];
        for (int b = 1; b < FO_FS_BINS; b++)
            qs[b - 1] = (double)b / FO_FS_BINS;
        fo_quantiles_select(scratch, n, qs, FO_FS_BINS - 1, st->edges);
        histogram(st->edges, rows, n, v->dims, f, st->hist);
    }
}

static void reason(fo_fs_check_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void reason(fo_fs_check_result *r, const char *fmt, ...) {
    if (r->nreasons >= FO_FS_MAX_REASONS) return;
    va_list ap;
    va_start(ap, fmt);
    // va_start above; a known false positive of clang 14:
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
    vsnprintf(r->reasons[r->nreasons++], sizeof r->reasons[0], fmt, ap);
    va_end(ap);
}

void fo_fs_check(const fo_fs_view *trained, const fo_fs_view *served, const double *rows, size_t n,
                 fo_fs_check_result *r) {
    memset(r, 0, sizeof *r);
    r->dims_match = trained->dims == served->dims;
    r->dims = trained->dims < served->dims ? trained->dims : served->dims;
    r->contract_ok = strcmp(trained->name, served->name) == 0 &&
                     trained->version == served->version &&
                     trained->schema_hash == served->schema_hash;
    r->worst_feature = -1;
    double worst = -1;
    for (int f = 0; f < r->dims; f++) {
        const fo_fs_feature_stats *st = &trained->stats[f];
        fo_fs_feature_check *c = &r->feature[f];
        moments(rows, n, served->dims, f, &c->served_mean, &c->served_variance);
        histogram(st->edges, rows, n, served->dims, f, c->served_hist);
        c->psi = fo_psi(st->hist, c->served_hist, FO_FS_BINS, FO_FS_PSI_EPS);
        c->js_distance = fo_js_distance(st->hist, c->served_hist, FO_FS_BINS);
        c->linf = fo_linf_distance(st->hist, c->served_hist, FO_FS_BINS);
        c->flagged = c->psi >= FO_FS_PSI_THRESHOLD || c->js_distance >= FO_FS_JS_THRESHOLD ||
                     c->linf >= FO_FS_LINF_THRESHOLD;
        r->flagged_features += c->flagged;
        if (c->psi > worst) {
            worst = c->psi;
            r->worst_feature = f;
        }
    }
    r->skew_flagged = r->flagged_features > 0;
    r->verdict = !r->contract_ok || !r->dims_match ? "fail" : r->skew_flagged ? "drift" : "pass";

    if (!r->contract_ok)
        reason(r,
               "version contract broken: the classifier was trained on %s@v%d (schema %.8s), "
               "it is served %s@v%d (schema %.8s)",
               trained->name, trained->version, trained->hash_hex, served->name, served->version,
               served->hash_hex);
    else
        reason(r, "version contract holds: trained on and served %s@v%d (schema %.8s)",
               served->name, served->version, served->hash_hex);
    if (strcmp(trained->normalisation, served->normalisation) != 0)
        reason(r, "normalisation changed: \"%s\" -> \"%s\"", trained->normalisation,
               served->normalisation);
    if (strcmp(trained->basis, served->basis) != 0)
        reason(r, "feature basis changed: \"%s\" -> \"%s\"", trained->basis, served->basis);
    if (r->dims_match)
        reason(r,
               "shapes match (%d = %d features): serving raises no error, so nothing pages "
               "anyone",
               trained->dims, served->dims);
    else
        reason(r, "shapes differ (%d vs %d features): every request fails loudly", trained->dims,
               served->dims);
    if (r->worst_feature >= 0) {
        const fo_fs_feature_check *c = &r->feature[r->worst_feature];
        reason(r,
               "%d of %d features drifted (PSI, JS or Linf >= 0.1); worst %s: PSI %.3f, JS %.3f, "
               "Linf %.3f",
               r->flagged_features, r->dims, trained->feature_names[r->worst_feature], c->psi,
               c->js_distance, c->linf);
    }
}
