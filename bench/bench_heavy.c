/* bench_heavy.c — the heavy workloads that bench/reference/ computes again in NumPy:
 *   - the classifier training case (Part 3's Newton logistic regression on 1,000 rows);
 *   - "checks": the statistics each reference must reproduce before it is timed, with the
 *     parameters it must use (random workloads: means over seeds with their standard errors,
 *     so a reference is compared statistic by statistic, never stream by stream);
 *   - "floor": what the machine can do, random numbers per second with the project's
 *     generator and bytes per second through memory.
 * Everything here only measures and reports; nothing is asserted. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/engine/pipeline.h"
#include "bench.h"
#include "bench_heavy.h"
#include "fleetops/crisis_cloud.h"
#include "fleetops/crisis_edge.h"
#include "fleetops/roi.h"
#include "fleetops/sprt.h"

/* ---- the parameters every side uses -------------------------------------------------- */

const fo_roi_params bench_roi_params = {.models = 30,
                                        .heterogeneity = 0.5,
                                        .capex_usd = 500000,
                                        .engineer_cost_usd_per_hour = 100,
                                        .horizon_years = 1,
                                        .team_size = 4,
                                        .alert_hours_per_model_year = 78,
                                        .deploy_hours_per_model_year = 18,
                                        .dependency_hours_per_pair_year = 6,
                                        .platform_upkeep_hours_per_year = 1000,
                                        .platform_alert_hours_per_model_year = 8,
                                        .platform_deploy_hours_per_model_year = 2,
                                        .platform_contract_hours_per_model_year = 4};

const fo_sprt_params bench_sprt_params = {
    .p0 = 0.001, .p1 = 0.002, .alpha = 0.05, .beta = 0.05, .simulate = 100000};

const fo_edge_params bench_edge_params = {.fleet_size = 500000,
                                          .deadline_ms = 10,
                                          .oldest_share = 0.12,
                                          .tail_probability = 0.003,
                                          .tail_ms = 100,
                                          .gate_quantile = 0.999,
                                          .alpha = 0.001,
                                          .shadow = 1,
                                          .dwell_scale = 1,
                                          .ota_mean_hours = 6};

const fo_cloud_params bench_cloud_params = {.models = 50,
                                            .drifts = 20,
                                            .chunk_minutes = 60,
                                            .reference_hours = 168,
                                            .threshold_k = 3,
                                            .discovery = FO_DISCOVERY_SIGMA,
                                            .cusum_k = 0.5,
                                            .cusum_h = 5,
                                            .static_quality_min = 0.82,
                                            .static_latency_max_ms = 2500};

/* ---- the classifier training case ---------------------------------------------------- */

#define LOGREG_ROWS 1000

typedef struct logreg_state {
    double f[LOGREG_ROWS * FO_PL_FEATURES];
    unsigned char y[LOGREG_ROWS];
    fo_pl_logreg m;
} logreg_state;

/* Part 3's training split as the ensemble command builds it: requests from the world of seed
 * 1, v1's features (z-scored on the same rows). */
static void logreg_data(logreg_state *s) {
    fo_rng rng;
    fo_rng_seed(&rng, 1);
    fo_pl_world w;
    fo_pl_world_init(&w, &rng);
    static double proj[LOGREG_ROWS * FO_PL_PROJ];
    fo_pl_sample(&w, &rng, LOGREG_ROWS, NULL, proj, s->y);
    fo_pl_extractor e;
    fo_pl_extractor_first(&e, proj, LOGREG_ROWS);
    fo_pl_extract(&e, proj, LOGREG_ROWS, s->f);
}

void *bench_logreg_setup(void) {
    logreg_state *s = calloc(1, sizeof *s);
    if (s) logreg_data(s);
    return s;
}

void bench_logreg_teardown(void *state) {
    free(state);
}

void bench_logreg_train(void *state) {
    logreg_state *s = state;
    fo_pl_logreg_train(&s->m, s->f, s->y, LOGREG_ROWS);
    BENCH_KEEP(s->m);
}

/* ---- checks --------------------------------------------------------------------------- */

typedef struct acc {
    double sum, sum2;
    int n;
} acc;

static void acc_add(acc *a, double v) {
    a->sum += v, a->sum2 += v * v, a->n++;
}

/* {"value": mean, "se": standard error of the mean, "n": runs}; se 0 for a deterministic
 * value (then the reference must match to rounding). */
static void stat_acc(FILE *f, const char *name, const acc *a, int *first) {
    double m = a->sum / a->n, v = a->n > 1 ? (a->sum2 - a->n * m * m) / (a->n - 1) : 0;
    fprintf(f, "%s\n      \"%s\": {\"value\": %.17g, \"se\": %.6g, \"n\": %d}", *first ? "" : ",",
            name, m, sqrt(v > 0 ? v / a->n : 0), a->n);
    *first = 0;
}

static void stat_val(FILE *f, const char *name, double v, double se, int *first) {
    fprintf(f, "%s\n      \"%s\": {\"value\": %.17g, \"se\": %.6g, \"n\": 1}", *first ? "" : ",",
            name, v, se);
    *first = 0;
}

static void check_roi(FILE *f) {
    const fo_roi_params *p = &bench_roi_params;
    fo_roi_result r;
    fo_roi_evaluate(p, &r);
    fprintf(f,
            "  \"roi_curve\": {\n    \"params\": {\"models\": %lld, \"heterogeneity\": %.17g, "
            "\"capex_usd\": %.17g, \"engineer_cost_usd_per_hour\": %.17g, \"horizon_years\": "
            "%.17g, \"team_size\": %lld, \"a\": %.17g, \"b\": %.17g, \"c\": %.17g, \"U\": %.17g, "
            "\"a_p\": %.17g, \"b_p\": %.17g, \"c_p\": %.17g, \"max_models\": %d, \"curve_max\": "
            "%d},\n    \"stats\": {",
            p->models, p->heterogeneity, p->capex_usd, p->engineer_cost_usd_per_hour,
            p->horizon_years, p->team_size, p->alert_hours_per_model_year,
            p->deploy_hours_per_model_year, p->dependency_hours_per_pair_year,
            p->platform_upkeep_hours_per_year, p->platform_alert_hours_per_model_year,
            p->platform_deploy_hours_per_model_year, p->platform_contract_hours_per_model_year,
            FO_ROI_MAX_MODELS, FO_ROI_CURVE_MAX);
    int first = 1;
    stat_val(f, "break_even_models", (double)r.break_even_models, 0, &first);
    stat_val(f, "max_models_under_toil_cap", (double)r.max_models_under_toil_cap, 0, &first);
    stat_val(f, "curve_len", (double)r.curve_len, 0, &first);
    double sm = 0, sp = 0;
    for (size_t i = 0; i < r.curve_len; i++)
        sm += r.curve[i].manual_toil_usd, sp += r.curve[i].platform_total_usd;
    stat_val(f, "curve_manual_sum_usd", sm, 0, &first);
    stat_val(f, "curve_platform_sum_usd", sp, 0, &first);
    stat_val(f, "curve_last_models", (double)r.curve[r.curve_len - 1].models, 0, &first);
    fprintf(f, "\n    }\n  }");
}

static void check_sprt(FILE *f) {
    const fo_sprt_params *p = &bench_sprt_params;
    fo_rng rng;
    fo_rng_seed(&rng, 1);
    fo_sprt_result r;
    fo_sprt_evaluate(p, &rng, &r);
    double K = (double)r.simulated;
    fprintf(f,
            ",\n  \"sprt_mc\": {\n    \"params\": {\"p0\": %.17g, \"p1\": %.17g, \"alpha\": %.17g, "
            "\"beta\": %.17g, \"canaries\": %lld},\n    \"elements\": %.17g,\n    \"stats\": {",
            p->p0, p->p1, p->alpha, p->beta, p->simulate, K * (r.sim_mean_h0 + r.sim_mean_h1));
    int first = 1;
    stat_val(f, "alpha", r.sim_alpha, sqrt(r.sim_alpha * (1 - r.sim_alpha) / K), &first);
    stat_val(f, "beta", r.sim_beta, sqrt(r.sim_beta * (1 - r.sim_beta) / K), &first);
    stat_val(f, "mean_n_h0", r.sim_mean_h0, r.sim_sd_h0 / sqrt(K), &first);
    stat_val(f, "mean_n_h1", r.sim_mean_h1, r.sim_sd_h1 / sqrt(K), &first);
    /* The sd's standard error, sd / sqrt(2K) under normality, doubled for N's long right tail. */
    stat_val(f, "sd_n_h0", r.sim_sd_h0, 2 * r.sim_sd_h0 / sqrt(2 * K), &first);
    stat_val(f, "sd_n_h1", r.sim_sd_h1, 2 * r.sim_sd_h1 / sqrt(2 * K), &first);
    fprintf(f,
            "\n    },\n    \"exact\": {\"alpha\": %.17g, \"beta\": %.17g, \"mean_n_h0\": %.17g, "
            "\"mean_n_h1\": %.17g}\n  }",
            r.exact_alpha, r.exact_beta, r.exact_asn_h0, r.exact_asn_h1);
}

#define CHECK_SEEDS 20

static void check_edge(FILE *f) {
    const fo_edge_params *p = &bench_edge_params;
    fo_edge_result *r = malloc(sizeof *r);
    if (!r) return;
    acc a[9] = {{0}};
    for (int s = 1; s <= CHECK_SEEDS; s++) {
        fo_rng rng;
        fo_rng_seed(&rng, (uint64_t)s);
        fo_edge_simulate(p, &rng, r);
        acc_add(&a[0], r->per_generation.detected);
        acc_add(&a[1], r->per_generation.detected_hours);
        acc_add(&a[2], (double)r->per_generation.vehicles_exposed);
        acc_add(&a[3], r->per_generation.hours_to_full_rollback);
        acc_add(&a[4], (double)r->gen[0].frames);
        acc_add(&a[5], (double)r->gen[0].misses);
        acc_add(&a[6], r->fleetwide.detected);
        acc_add(&a[7], (double)r->fleetwide.hours);
        acc_add(&a[8], (double)r->gen[0].vehicles);
    }
    static const char *names[9] = {"gate_detected",         "gate_detected_hours",
                                   "gate_vehicles_exposed", "gate_hours_to_full_rollback",
                                   "gate_hw1_frames",       "gate_hw1_misses",
                                   "fleetwide_detected",    "fleetwide_hours",
                                   "hw1_vehicles"};
    fprintf(f,
            ",\n  \"edge_rollout\": {\n    \"params\": {\"fleet_size\": %lld, \"deadline_ms\": "
            "%.17g, \"oldest_share\": %.17g, \"tail_probability\": %.17g, \"tail_ms\": %.17g, "
            "\"gate_quantile\": %.17g, \"alpha\": %.17g, \"shadow\": %d, \"dwell_scale\": %.17g, "
            "\"ota_mean_hours\": %.17g, \"max_hours\": %d, \"fleet_quantile\": %.17g, "
            "\"driving_fraction\": %.17g},\n    \"seeds\": %d,\n    \"stats\": {",
            p->fleet_size, p->deadline_ms, p->oldest_share, p->tail_probability, p->tail_ms,
            p->gate_quantile, p->alpha, p->shadow, p->dwell_scale, p->ota_mean_hours,
            FO_EDGE_MAX_HOURS, FO_EDGE_FLEET_QUANTILE, FO_EDGE_DRIVING_FRACTION, CHECK_SEEDS);
    int first = 1;
    for (int i = 0; i < 9; i++)
        stat_acc(f, names[i], &a[i], &first);
    for (size_t g = 0; g < r->ngen; g++) {
        char name[40];
        snprintf(name, sizeof name, "deadline_miss_rate_%zu", g + 1);
        stat_val(f, name, r->gen[g].deadline_miss_rate, 0, &first);
        snprintf(name, sizeof name, "p999_ms_%zu", g + 1);
        stat_val(f, name, r->gen[g].p999_ms, 0, &first);
    }
    stat_val(f, "fleet_p99_ms", r->fleet_p99_ms, 0, &first);
    fprintf(f, "\n    }\n  }");
    free(r);
}

static void check_cloud(FILE *f) {
    const fo_cloud_params *p = &bench_cloud_params;
    fo_cloud_result *r = malloc(sizeof *r);
    if (!r) return;
    acc a[FO_CLOUD_METHODS][3];
    memset(a, 0, sizeof a);
    for (int s = 1; s <= CHECK_SEEDS; s++) {
        fo_rng rng;
        fo_rng_seed(&rng, (uint64_t)s);
        fo_cloud_simulate(p, &rng, r);
        for (int m = 0; m < FO_CLOUD_METHODS; m++) {
            acc_add(&a[m][0], (double)r->method[m].alerts);
            acc_add(&a[m][1], (double)r->method[m].false_alerts);
            acc_add(&a[m][2], (double)r->method[m].detected);
        }
    }
    fprintf(f,
            ",\n  \"cloud_streams\": {\n    \"params\": {\"models\": %lld, \"drifts\": %lld, "
            "\"chunk_minutes\": %lld, \"reference_hours\": %.17g, \"threshold_k\": %.17g, "
            "\"cusum_k\": %.17g, \"cusum_h\": %.17g, \"static_quality_min\": %.17g, "
            "\"static_latency_max_ms\": %.17g, \"minutes\": %d},\n    \"seeds\": %d,\n"
            "    \"stats\": {",
            p->models, p->drifts, p->chunk_minutes, p->reference_hours, p->threshold_k, p->cusum_k,
            p->cusum_h, p->static_quality_min, p->static_latency_max_ms, FO_CLOUD_MINUTES,
            CHECK_SEEDS);
    static const char *meth[FO_CLOUD_METHODS] = {"static", "discovered", "cusum"};
    static const char *what[3] = {"alerts", "false_alerts", "detected"};
    int first = 1;
    for (int m = 0; m < FO_CLOUD_METHODS; m++)
        for (int k = 0; k < 3; k++) {
            char name[40];
            snprintf(name, sizeof name, "%s_%s", meth[m], what[k]);
            stat_acc(f, name, &a[m][k], &first);
        }
    fprintf(f, "\n    }\n  }");
    free(r);
}

/* The training split goes to a file for the reference (17 significant digits: exact). */
static void check_logreg(FILE *f, const char *refdir) {
    logreg_state *s = bench_logreg_setup();
    if (!s) return;
    bench_logreg_train(s);
    char path[512];
    snprintf(path, sizeof path, "%s/logreg_train.csv", refdir);
    FILE *d = fopen(path, "w");
    if (d) {
        for (int r = 0; r < LOGREG_ROWS; r++) {
            fprintf(d, "%d", s->y[r]);
            for (int k = 0; k < FO_PL_FEATURES; k++)
                fprintf(d, ",%.17g", s->f[r * FO_PL_FEATURES + k]);
            fprintf(d, "\n");
        }
        fclose(d);
    }
    fprintf(f,
            ",\n  \"logreg_train\": {\n    \"params\": {\"rows\": %d, \"features\": %d, \"ridge\": "
            "%.17g, \"tol\": %.17g, \"max_iter\": %d, \"data\": \"%s\"},\n    \"iterations\": "
            "%d,\n    \"stats\": {",
            LOGREG_ROWS, FO_PL_FEATURES, FO_PL_RIDGE, FO_PL_NEWTON_TOL, FO_PL_NEWTON_MAX_ITER, path,
            s->m.iterations);
    int first = 1;
    for (int k = 0; k <= FO_PL_FEATURES; k++) {
        char name[24];
        snprintf(name, sizeof name, "theta_%d", k);
        stat_val(f, name, k < FO_PL_FEATURES ? s->m.w[k] : s->m.b, 0, &first);
    }
    stat_val(f, "accuracy", fo_pl_accuracy(&s->m, s->f, s->y, LOGREG_ROWS), 0, &first);
    fprintf(f, "\n    }\n  }");
    bench_logreg_teardown(s);
}

void bench_heavy_checks(FILE *f, const char *refdir) {
    fprintf(f, "{\n");
    check_roi(f);
    check_sprt(f);
    check_edge(f);
    check_cloud(f);
    check_logreg(f, refdir);
    fprintf(f, "\n}");
}

/* ---- the floor ------------------------------------------------------------------------- */

/* xoshiro256** (rng.c's step) on a local state the compiler keeps in registers: the fastest
 * the project's generator can go. */
static inline uint64_t rotl(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

static void draw_inline(void *state) {
    fo_rng *r = state;
    uint64_t s0 = r->s[0], s1 = r->s[1], s2 = r->s[2], s3 = r->s[3], x = 0;
    for (int i = 0; i < BENCH_FLOOR_DRAWS; i++) {
        x ^= rotl(s1 * 5, 7) * 9;
        uint64_t t = s1 << 17;
        s2 ^= s0, s3 ^= s1, s1 ^= s2, s0 ^= s3, s2 ^= t, s3 = rotl(s3, 45);
    }
    r->s[0] = s0, r->s[1] = s1, r->s[2] = s2, r->s[3] = s3 ^ (x & 1);
}

/* The exported function, one call per number: what engine code pays outside sprt.c. */
static void draw_call(void *state) {
    fo_rng *r = state;
    uint64_t x = 0;
    for (int i = 0; i < BENCH_FLOOR_DRAWS; i++)
        x ^= fo_rng_u64(r);
    BENCH_KEEP(x);
}

static void draw_normal(void *state) {
    fo_rng *r = state;
    double x = 0;
    for (int i = 0; i < BENCH_FLOOR_DRAWS; i++)
        x += fo_rng_normal(r);
    BENCH_KEEP(x);
}

static void *rng_setup(void) {
    fo_rng *r = malloc(sizeof *r);
    if (r) fo_rng_seed(r, 1);
    return r;
}

/* Streaming: write then read a buffer (a workload writes its result and reads its inputs). */
typedef struct stream_state {
    size_t bytes;
    uint64_t *buf;
} stream_state;

static void stream(void *state) {
    stream_state *s = state;
    size_t n = s->bytes / sizeof(uint64_t);
    memset(s->buf, 1, n * sizeof(uint64_t));
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += s->buf[i];
    BENCH_KEEP(sum);
}

double bench_stream_seconds(size_t bytes) {
    stream_state s = {bytes < 64 ? 64 : bytes, NULL};
    s.buf = malloc(s.bytes);
    if (!s.buf) return NAN;
    bench_case c = {"stream", 0, stream, 0, 0, "", 0, 0, 0};
    bench_stats st;
    /* bench_measure calls setup: none here, the state is passed through a wrapper */
    bench_measure_state(&c, &s, &st);
    free(s.buf);
    return st.median_s;
}

void bench_floor(bench_floor_rates *out) {
    bench_case c[3] = {{"u64 inline", rng_setup, draw_inline, free, 0, "", 0, 0, 0},
                       {"u64 call", rng_setup, draw_call, free, 0, "", 0, 0, 0},
                       {"normal", rng_setup, draw_normal, free, 0, "", 0, 0, 0}};
    bench_stats st;
    bench_measure(&c[0], &st);
    out->u64_inline_s = st.median_s / BENCH_FLOOR_DRAWS;
    bench_measure(&c[1], &st);
    out->u64_call_s = st.median_s / BENCH_FLOOR_DRAWS;
    bench_measure(&c[2], &st);
    out->normal_s = st.median_s / BENCH_FLOOR_DRAWS;
    out->stream_64mb_s_per_byte = bench_stream_seconds(64u << 20) / (double)(64u << 20);
}

size_t bench_heavy_bytes(const char *id) {
    /* What each simulation must write (its result) and keep (its tables). */
    if (strcmp(id, "edge_rollout") == 0) return sizeof(fo_edge_result);
    if (strcmp(id, "cloud_streams") == 0) return sizeof(fo_cloud_result);
    if (strcmp(id, "sprt_mc") ==
        0) /* result, ziggurat (256 x 20 B), boundary tables (2 x 2048 x 8 B) */
        return sizeof(fo_sprt_result) + 256 * 20 + 2 * 2048 * 8;
    return 0;
}
