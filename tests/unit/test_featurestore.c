/* test_featurestore.c — the feature store (featurestore.c) and the statistics it rests on
 * (stats.c, Part 3 section): PSI, Jensen-Shannon and L-infinity pinned to values worked by
 * hand, the schema hash checked against FNV-1a's published test vector and a second
 * implementation, the decile edges against a full sort, and the consistency check's verdicts. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetops/featurestore.h"
#include "fleetops/rng.h"
#include "fleetops/stats.h"
#include "testutil.h"

#define CLOSE(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static void test_distances_by_hand(void **state) {
    (void)state;
    /* p = (1/2, 1/2), q = (1/4, 3/4).
     * PSI = (1/4 - 1/2) ln(1/2) + (3/4 - 1/2) ln(3/2) = 1/4 (ln 2 + ln 3/2) = ln(3) / 4
     *     = 1.0986123 / 4 = 0.27465307.
     * m = (3/8, 5/8). KL(p||m) = 1/2 ln(4/3) + 1/2 ln(4/5) = 1/2 ln(16/15) = 0.03226926;
     * KL(q||m) = 1/4 ln(2/3) + 3/4 ln(6/5) = -0.10136628 + 0.13674108 = 0.03537480;
     * JS = sqrt((0.03226926 + 0.03537480) / 2) = sqrt(0.03382203) = 0.18390779.
     * Linf = max(1/4, 1/4) = 0.25. */
    double p[] = {0.5, 0.5}, q[] = {0.25, 0.75};
    CLOSE(fo_psi(p, q, 2, 1e-4), log(3.0) / 4, 1e-15);
    CLOSE(fo_psi(p, q, 2, 1e-4), 0.27465307, 1e-8);
    CLOSE(fo_js_distance(p, q, 2), 0.18390779, 1e-8);
    CLOSE(fo_linf_distance(p, q, 2), 0.25, 1e-15);

    /* An empty training bin: p = (0.5, 0.5, 0), q = (0.4, 0.4, 0.2); eps = 1e-4 replaces 0.
     * PSI = 2 (-0.1) ln(0.8) + (0.2 - 0.0001) ln(0.2 / 0.0001)
     *     = 0.2 x 0.22314355 + 0.1999 x ln 2000 = 0.04462871 + 0.1999 x 7.60090246
     *     = 0.04462871 + 1.51942040 = 1.56404911.
     * m = (0.45, 0.45, 0.1). KL(p||m) = ln(0.5 / 0.45) = ln(10/9) = 0.10536052 (0 ln 0 = 0);
     * KL(q||m) = 0.8 ln(8/9) + 0.2 ln 2 = -0.09422643 + 0.13862944 = 0.04440301;
     * JS = sqrt((0.10536052 + 0.04440301) / 2) = sqrt(0.07488176) = 0.27364532.
     * Linf = 0.2. */
    double p3[] = {0.5, 0.5, 0.0}, q3[] = {0.4, 0.4, 0.2};
    CLOSE(fo_psi(p3, q3, 3, 1e-4), 1.56404911, 1e-8);
    CLOSE(fo_js_distance(p3, q3, 3), 0.27364532, 1e-7);
    CLOSE(fo_linf_distance(p3, q3, 3), 0.2, 1e-15);

    /* Disjoint supports: JS reaches its maximum sqrt(ln 2). */
    double a[] = {1, 0}, b[] = {0, 1};
    CLOSE(fo_js_distance(a, b, 2), sqrt(log(2.0)), 1e-15);
    CLOSE(fo_linf_distance(a, b, 2), 1.0, 0);
}

/* Random histograms: all three are symmetric (PSI without empty bins), zero on equal inputs,
 * JS within [0, sqrt(ln 2)], Linf within [0, 1]. And PSI is the Jeffreys divergence
 * KL(p||q) + KL(q||p), which bounds the JS divergence: KL(p||m) <= KL(p||q) / 2 by convexity of
 * KL in its second argument (m = p/2 + q/2), so JS^2 <= PSI / 4. */
static void test_distance_properties(void **state) {
    (void)state;
    fo_rng rng;
    fo_rng_seed(&rng, 7);
    for (int t = 0; t < 1000; t++) {
        double p[10], q[10], sp = 0, sq = 0;
        for (int i = 0; i < 10; i++) {
            p[i] = 0.01 + fo_rng_uniform(&rng);
            q[i] = 0.01 + fo_rng_uniform(&rng);
            sp += p[i], sq += q[i];
        }
        for (int i = 0; i < 10; i++)
            p[i] /= sp, q[i] /= sq;
        double psi = fo_psi(p, q, 10, 1e-4), js = fo_js_distance(p, q, 10);
        CLOSE(psi, fo_psi(q, p, 10, 1e-4), 1e-12);
        CLOSE(js, fo_js_distance(q, p, 10), 1e-12);
        assert_true(psi > 0 && js > 0 && js <= sqrt(log(2.0)));
        assert_true(js * js <= psi / 4 + 1e-12);
        assert_true(fo_linf_distance(p, q, 10) <= 1);
        assert_true(fo_psi(p, p, 10, 1e-4) == 0 && fo_js_distance(p, p, 10) == 0);
    }
}

static uint64_t fnv1a64_ref(const char *s) {
    uint64_t h = 0xcbf29ce484222325ull;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 0x100000001b3ull;
    return h;
}

static fo_fs_view make_view(int version, const char *norm) {
    fo_fs_view v;
    memset(&v, 0, sizeof v);
    snprintf(v.name, sizeof v.name, "denoised_audio");
    v.version = version;
    v.dims = 2;
    snprintf(v.producer, sizeof v.producer, "noise-isolation v%d", version);
    snprintf(v.feature_names[0], sizeof v.feature_names[0], "mel0");
    snprintf(v.feature_names[1], sizeof v.feature_names[1], "mel1");
    snprintf(v.normalisation, sizeof v.normalisation, "%s", norm);
    snprintf(v.basis, sizeof v.basis, "identity");
    return v;
}

static void test_schema_hash(void **state) {
    (void)state;
    /* FNV-1a 64 test vectors (Fowler/Noll/Vo): "" -> cbf29ce484222325, "a" ->
     * af63dc4c8601ec8c: they check the reference implementation used below. */
    assert_true(fnv1a64_ref("") == 0xcbf29ce484222325ull);
    assert_true(fnv1a64_ref("a") == 0xaf63dc4c8601ec8cull);
    double rows[4] = {0, 1, 2, 3}, scratch[2];
    fo_fs_view v = make_view(1, "z-score");
    fo_fs_view_publish(&v, rows, 2, scratch);
    assert_string_equal(v.schema, "view=denoised_audio;version=1;producer=noise-isolation v1;"
                                  "dims=2;features=mel0:float64,mel1:float64;"
                                  "normalisation=z-score;basis=identity");
    assert_true(v.schema_hash == fnv1a64_ref(v.schema));
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)fnv1a64_ref(v.schema));
    assert_string_equal(v.hash_hex, hex);
    /* Any field of the schema changes the hash: version, normalisation, a feature name. */
    fo_fs_view v2 = make_view(2, "z-score"), v3 = make_view(1, "min-max"),
               v4 = make_view(1, "z-score");
    snprintf(v4.feature_names[1], sizeof v4.feature_names[1], "mel9");
    fo_fs_view_publish(&v2, rows, 2, scratch);
    fo_fs_view_publish(&v3, rows, 2, scratch);
    fo_fs_view_publish(&v4, rows, 2, scratch);
    assert_true(v2.schema_hash != v.schema_hash && v3.schema_hash != v.schema_hash &&
                v4.schema_hash != v.schema_hash);
}

static void test_sort_and_select(void **state) {
    (void)state;
    fo_rng rng;
    fo_rng_seed(&rng, 11);
    static double a[5000], b[5000], c[5000];
    double qs[9] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}, want[9], got[9];
    for (int t = 0; t < 200; t++) {
        size_t n = 1 + fo_rng_below(&rng, t < 100 ? 40 : 5000);
        int shape = t % 5; /* random, few distinct values, sorted, reversed, constant */
        for (size_t i = 0; i < n; i++) {
            double x = shape == 0   ? fo_rng_normal(&rng)
                       : shape == 1 ? (double)fo_rng_below(&rng, 4)
                       : shape == 2 ? (double)i
                       : shape == 3 ? -(double)i
                                    : 3.0;
            a[i] = b[i] = c[i] = x;
        }
        fo_quantiles(a, n, qs, 9, want); /* qsort, the stats module's reference path */
        fo_quantiles_select(b, n, qs, 9, got);
        for (int k = 0; k < 9; k++)
            assert_true(got[k] == want[k]);
        fo_sort_doubles(c, n);
        for (size_t i = 0; i < n; i++)
            assert_true(c[i] == a[i]);
    }
}

static void test_training_statistics(void **state) {
    (void)state;
    enum { N = 2000 };
    static double rows[N * 2], scratch[N];
    fo_rng rng;
    fo_rng_seed(&rng, 3);
    double sum = 0, sq = 0;
    for (int i = 0; i < N; i++) {
        rows[2 * i] = fo_rng_normal(&rng);
        rows[2 * i + 1] = 5 + 2 * fo_rng_uniform(&rng);
        sum += rows[2 * i];
    }
    double mean = sum / N;
    for (int i = 0; i < N; i++)
        sq += (rows[2 * i] - mean) * (rows[2 * i] - mean);
    fo_fs_view v = make_view(1, "z-score");
    fo_fs_view_publish(&v, rows, N, scratch);
    assert_true(v.rows == N);
    CLOSE(v.stats[0].mean, mean, 1e-12);
    CLOSE(v.stats[0].variance, sq / N, 1e-12);
    for (int f = 0; f < 2; f++) {
        double total = 0;
        for (int k = 0; k < FO_FS_BINS; k++) {
            /* Decile bins of continuous data hold exactly 10% (200 rows) but for the row at
             * each type-7 edge: 199 to 201. */
            assert_true(fabs(v.stats[f].hist[k] - 0.1) <= 1.0 / N + 1e-12);
            total += v.stats[f].hist[k];
        }
        CLOSE(total, 1.0, 1e-12);
        for (int k = 1; k < FO_FS_BINS - 1; k++)
            assert_true(v.stats[f].edges[k] > v.stats[f].edges[k - 1]);
    }
}

static void test_consistency_check(void **state) {
    (void)state;
    enum { N = 2000 };
    static double train[N * 2], same[N * 2], moved[N * 2], scratch[N];
    fo_rng rng;
    fo_rng_seed(&rng, 5);
    for (int i = 0; i < 2 * N; i++)
        train[i] = fo_rng_normal(&rng);
    for (int i = 0; i < 2 * N; i++)
        same[i] = fo_rng_normal(&rng);
    for (int i = 0; i < N; i++) {
        moved[2 * i] = fo_rng_normal(&rng) + 1.0; /* shifted by one sd */
        moved[2 * i + 1] = fo_rng_normal(&rng);   /* unchanged */
    }
    fo_fs_view v1 = make_view(1, "z-score"), v2 = make_view(2, "z-score, then shift");
    fo_fs_view_publish(&v1, train, N, scratch);
    fo_fs_view_publish(&v2, moved, N, scratch);
    fo_fs_check_result r;

    /* The training rows themselves: every distance is exactly 0. */
    fo_fs_check(&v1, &v1, train, N, &r);
    assert_true(r.contract_ok && !r.skew_flagged && r.dims_match);
    assert_string_equal(r.verdict, "pass");
    assert_true(r.feature[0].psi == 0 && r.feature[0].js_distance == 0 && r.feature[0].linf == 0);

    /* A fresh sample of the same distribution: noise only, below every threshold. */
    fo_fs_check(&v1, &v1, same, N, &r);
    assert_string_equal(r.verdict, "pass");
    for (int f = 0; f < 2; f++)
        assert_true(r.feature[f].psi < 0.05 && r.feature[f].linf < 0.05);

    /* A shift of one sd on feature 0 under the same contract: drift, feature 0 only. */
    fo_fs_check(&v1, &v1, moved, N, &r);
    assert_true(r.contract_ok);
    assert_string_equal(r.verdict, "drift");
    assert_true(r.feature[0].flagged && !r.feature[1].flagged && r.flagged_features == 1);
    assert_int_equal(r.worst_feature, 0);
    assert_true(r.feature[0].psi > 0.25); /* a major shift by the rule of thumb */

    /* Served v2 to a consumer trained on v1: the contract breaks whatever the statistics. */
    fo_fs_check(&v1, &v2, same, N, &r);
    assert_false(r.contract_ok);
    assert_string_equal(r.verdict, "fail");
    assert_true(r.nreasons >= 2 && strstr(r.reasons[0], "contract broken") != NULL);
    assert_non_null(strstr(r.reasons[1], "normalisation changed"));

    /* Served means and histograms are those of the served rows. */
    fo_fs_check(&v1, &v1, moved, N, &r);
    double m0 = 0;
    for (int i = 0; i < N; i++)
        m0 += moved[2 * i];
    CLOSE(r.feature[0].served_mean, m0 / N, 1e-12);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distances_by_hand),   cmocka_unit_test(test_distance_properties),
        cmocka_unit_test(test_schema_hash),         cmocka_unit_test(test_sort_and_select),
        cmocka_unit_test(test_training_statistics), cmocka_unit_test(test_consistency_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
