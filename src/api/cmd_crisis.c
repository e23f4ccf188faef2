/* cmd_crisis.c — `fleetops crisis TRACK`: each track's Ops crisis as a seeded simulation
 * (engines: crisis_cloud.c, crisis_edge.c, crisis_mobile.c, crisis_tiny.c on Part 3's pipeline).
 *
 * One command, one table of crises: a track maps to its runner, one file per crisis
 * (cmd_crisis_cloud.c, cmd_crisis_edge.c, cmd_crisis_mobile.c, cmd_crisis_tiny.c; what they
 * share is in crisis_cmd.h). This file holds the parameter table, the presets and the dispatch.
 * Parameters are the union over the crises; `applies` below says which tracks each one belongs to,
 * and a parameter given for a track it does not belong to is refused (exit 2) rather than silently
 * ignored. Two parameters are shared (alpha, reference_hours) and take their per-track values from
 * the presets.
 *
 * Defaults and presets (instructor's figures unless cited):
 *   cloud-titan   50 models: the plan's "50 different LLM versions". 20 drifts in a month: one
 *                 real drift per model every ~2.5 months. Chunks of 60 min (NannyML's chunking:
 *                 a metric per chunk, an alert flag per chunk). Reference 168 h: one week, so
 *                 every hour of the day is seen seven times. k = 3: NannyML's default
 *                 standard-deviation threshold (mean +/- 3 std of the reference chunks).
 *                 CUSUM k = 0.5, h = 5: Montgomery's standard tabular CUSUM (detects a 1-sigma
 *                 shift; in-control ARL ~465 two-sided). Static floor 0.82 quality and 2,500 ms
 *                 latency: one fleet SLO applied to every model.
 *   edge-guardian 500,000 vehicles and the 10 ms deadline: the plan. 12% on the oldest
 *                 hardware, a 0.3% tail at 100 ms there (the plan's "100ms latency tail on
 *                 older hardware"). Gate quantile 0.999: a safety loop is specified at p99.9,
 *                 not p99. alpha = 0.001: one needless fleet rollback per thousand rollouts.
 *                 OTA mean 6 h: cars install when parked and connected, a few times a day.
 *   mobile-nomad  20,000 AR sessions an hour; a drop of 2 FPS matters (60 -> 58 FPS is the
 *                 first visible judder for AR); alpha = 0.05 with Benjamini-Hochberg: a 5%
 *                 false discovery rate across the 10 regions. Reference 24 h: one full daily
 *                 cycle before the release. A week (168 h) of monitoring.
 *   tiny-pioneer  Severity 0.85: Part 3's Tiny Pioneer preset (cmd_ensemble.c): the new
 *                 noise-isolation network is trained from scratch, so its learned basis is
 *                 unrelated to v1's beyond what the shared training data pins down, and it
 *                 changes the front end's normalisation (a silent failure in every one of seeds
 *                 1-100 at these settings, at least 8 points down). Retrain before upgrade: no,
 *                 the plan's crisis ("You updated the noise-isolation model, but it broke the
 *                 downstream 'Wake-Word' detector": v2 shipped alone). 1,000 held-out requests:
 *                 Part 3's default; the standard error of an accuracy near 80% is 1.3 points,
 *                 and the check's fixed 0.1 thresholds flag the pinned @v1 path (sampling noise
 *                 alone) in none of seeds 1-100, against 1 in 100 at 500. The silent-failure margin
 *                 is fixed at Part 3's Tiny Pioneer preset, 5 accuracy points (not a crisis
 *                 parameter: the crisis is about the fix, not the definition). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "crisis_cmd.h"
#include "fleetops/lab.h"

#define F(field) offsetof(crisis_params, field)

/* The choice lists the runners share (crisis_cmd.h). */
const char *const fo_crisis_discovery_choices[] = {"sigma", "quantile", NULL};
static const char *const on_off[] = {"off", "on", NULL};
/* Same order as fo_correction. */
const char *const fo_crisis_correction_choices[] = {"bh", "bonferroni", "none", NULL};
/* Same order as fo_ens_retrain. */
const char *const fo_crisis_yes_no[] = {"yes", "no", NULL};
static const char *const outcome_choices[] = {"shown", "sealed", NULL};

static const fo_param crisis_params_table[] = {
    {.name = "track",
     .type = FO_T_CHOICE,
     .unit = "track",
     .choices = fo_track_ids,
     .flags = FO_P_REQUIRED,
     .field = FO_NO_FIELD,
     .help = "Whose crisis: cloud-titan, edge-guardian, mobile-nomad or tiny-pioneer"},
    {.name = "seed",
     .type = FO_T_INT,
     .unit = "seed",
     .min = 0,
     .max = 1e15,
     .def = 1,
     .field = F(seed),
     .help = "Random seed: the same seed gives the same run, bit for bit"},
    /* cloud-titan */
    {.name = "models",
     .type = FO_T_INT,
     .unit = "models",
     .min = 1,
     .max = FO_CLOUD_MAX_MODELS,
     .def = 50,
     .field = F(cloud.models),
     .help = "LLM versions, each with its own quality and latency streams (up to 100)"},
    {.name = "drifts",
     .type = FO_T_INT,
     .unit = "drifts",
     .min = 0,
     .max = FO_CLOUD_MAX_DRIFTS,
     .def = 20,
     .field = F(cloud.drifts),
     .help = "Real drifts injected over the month"},
    {.name = "chunk_minutes",
     .type = FO_T_INT,
     .unit = "minutes",
     .min = FO_CLOUD_MIN_CHUNK_MINUTES,
     .max = 1440,
     .def = 60,
     .field = F(cloud.chunk_minutes),
     .help = "Monitoring chunk: one value and one alert flag each (divides a day's 1,440 minutes; "
             "at least 15)"},
    {.name = "reference_hours",
     .type = FO_T_REAL,
     .unit = "hours",
     .min = 1,
     .max = 336,
     .def = 168,
     .field = FO_NO_FIELD,
     .help = "Hours of normal behaviour the thresholds or the baseline are learnt from"},
    {.name = "threshold_k",
     .type = FO_T_REAL,
     .unit = "sigmas",
     .min = 0,
     .max = 10,
     .def = 3,
     .flags = FO_P_MIN_OPEN,
     .field = F(cloud.threshold_k),
     .help = "Discovered thresholds: reference mean -/+ k standard deviations (3 is usual)"},
    {.name = "discovery",
     .type = FO_T_CHOICE,
     .unit = "method",
     .choices = fo_crisis_discovery_choices,
     .def_choice = 0,
     .field = F(cloud.discovery),
     .help = "sigma: mean -/+ k sd; quantile: median -/+ k IQR/1.349 (robust)"},
    {.name = "cusum_k",
     .type = FO_T_REAL,
     .unit = "sigmas",
     .min = 0,
     .max = 5,
     .def = 0.5,
     .field = F(cloud.cusum_k),
     .help = "CUSUM slack: half the shift to detect"},
    {.name = "cusum_h",
     .type = FO_T_REAL,
     .unit = "sigmas",
     .min = 0,
     .max = 100,
     .def = 5,
     .flags = FO_P_MIN_OPEN,
     .field = F(cloud.cusum_h),
     .help = "CUSUM decision interval"},
    {.name = "static_quality_min",
     .type = FO_T_REAL,
     .unit = "score",
     .min = 0,
     .max = 1,
     .def = 0.82,
     .field = F(cloud.static_quality_min),
     .help = "Static threshold: alert when any model's quality falls below this"},
    {.name = "static_latency_max_ms",
     .type = FO_T_REAL,
     .unit = "ms",
     .min = 0,
     .max = 100000,
     .def = 2500,
     .flags = FO_P_MIN_OPEN,
     .field = F(cloud.static_latency_max_ms),
     .help = "Static threshold: alert when any model's latency rises above this"},
    /* edge-guardian */
    {.name = "fleet_size",
     .type = FO_T_INT,
     .unit = "vehicles",
     .min = 1000,
     .max = 5000000,
     .def = FO_SCN_EDGE_FLEET,
     .field = F(edge.fleet_size),
     .help = "Vehicles in the fleet (up to 5,000,000)"},
    {.name = "deadline_ms",
     .type = FO_T_REAL,
     .unit = "ms",
     .min = 1,
     .max = 1000,
     .def = FO_SCN_EDGE_DEADLINE_MS,
     .field = F(edge.deadline_ms),
     .help = "Safety-loop deadline; the loop runs at 1000/deadline Hz"},
    {.name = "oldest_share",
     .type = FO_T_REAL,
     .unit = "fraction",
     .min = 0,
     .max = 1,
     .def = FO_SCN_EDGE_HW1_SHARE,
     .flags = FO_P_MIN_OPEN | FO_P_MAX_OPEN,
     .field = F(edge.oldest_share),
     .help = "Share of the fleet on the oldest hardware (HW1); the rest keep their ratios"},
    {.name = "tail_probability",
     .type = FO_T_REAL,
     .unit = "fraction",
     .min = 0,
     .max = 1,
     .def = FO_SCN_EDGE_TAIL_PROBABILITY,
     .field = F(edge.tail_probability),
     .help = "New model on HW1: share of frames that fall into the slow tail"},
    {.name = "tail_ms",
     .type = FO_T_REAL,
     .unit = "ms",
     .min = 0,
     .max = 10000,
     .def = FO_SCN_EDGE_TAIL_MS,
     .flags = FO_P_MIN_OPEN,
     .field = F(edge.tail_ms),
     .help = "Median latency of that tail"},
    {.name = "gate_quantile",
     .type = FO_T_REAL,
     .unit = "fraction",
     .min = 0.5,
     .max = 0.99999,
     .def = FO_SCN_EDGE_GATE_QUANTILE,
     .field = F(edge.gate_quantile),
     .help = "Per-generation gate: this latency quantile must meet the deadline"},
    {.name = "alpha",
     .type = FO_T_REAL,
     .unit = "fraction",
     .min = 0,
     .max = 0.5,
     .def = 0.05,
     .flags = FO_P_MIN_OPEN,
     .field = FO_NO_FIELD,
     .help = "Test level: the chance of a false alarm each test allows"},
    {.name = "shadow",
     .type = FO_T_CHOICE,
     .unit = "switch",
     .choices = on_off,
     .def_choice = 1,
     .field = F(edge.shadow),
     .help = "Run the ladder's shadow stage before serving anyone"},
    {.name = "dwell_scale",
     .type = FO_T_REAL,
     .unit = "factor",
     .min = 0.1,
     .max = 10,
     .def = 1,
     .field = F(edge.dwell_scale),
     .help = "Multiplies every stage's dwell (shadow 24 h, 1% 6 h, 5% 12 h, 25% 24 h)"},
    {.name = "ota_mean_hours",
     .type = FO_T_REAL,
     .unit = "hours",
     .min = 0.1,
     .max = 72,
     .def = 6,
     .field = F(edge.ota_mean_hours),
     .help = "Mean wait for a vehicle's next chance to install (or revert) a model"},
    /* mobile-nomad */
    {.name = "correction",
     .type = FO_T_CHOICE,
     .unit = "method",
     .choices = fo_crisis_correction_choices,
     .def_choice = 0,
     .field = F(mobile.correction),
     .help = "Multiple-comparison control across the 10 regions' tests each hour"},
    {.name = "min_drop_fps",
     .type = FO_T_REAL,
     .unit = "fps",
     .min = 0,
     .max = 30,
     .def = 2,
     .field = F(mobile.min_drop_fps),
     .help = "The FPS drop that matters (tests ask: drop > this?)"},
    {.name = "sessions_per_hour",
     .type = FO_T_INT,
     .unit = "sessions_per_hour",
     .min = 1000,
     .max = 10000000,
     .def = 20000,
     .field = F(mobile.sessions_per_hour),
     .help =
         "AR sessions per hour across all regions, split by share (hourly means drawn exactly)"},
    {.name = "monitor_hours",
     .type = FO_T_INT,
     .unit = "hours",
     .min = 24,
     .max = FO_MOBILE_MAX_HOURS,
     .def = 168,
     .field = F(mobile.monitor_hours),
     .help = "Hours watched after the OS update is released"},
    /* tiny-pioneer */
    {.name = "severity",
     .type = FO_T_REAL,
     .unit = "fraction",
     .min = 0,
     .max = 1,
     .def = 0.85,
     .field = F(tiny.severity),
     .help = "How far noise-isolation v2 moves the feature space: basis rotated severity x 90 "
             "deg, rescaled, shifted (0: v1's space)"},
    {.name = "retrain_before_upgrade",
     .type = FO_T_CHOICE,
     .unit = "choice",
     .choices = fo_crisis_yes_no,
     .def_choice = FO_ENS_RETRAIN_NO,
     .field = F(tiny.retrain),
     .help = "Retrain the wake-word detector on v2 and bump its contract before the upgrade "
             "(no: v2 ships alone, the crisis)"},
    {.name = "requests",
     .type = FO_T_INT,
     .unit = "requests",
     .min = FO_ENS_MIN_ROWS,
     .max = FO_ENS_MAX_ROWS,
     .def = 1000,
     .field = F(tiny.requests),
     .help = "Held-out requests served and scored (up to 10,000); with fewer, the skew check "
             "flags sampling noise more often"},
    {.name = "outcome",
     .type = FO_T_CHOICE,
     .unit = "choice",
     .choices = outcome_choices,
     .def_choice = 0,
     .field = FO_NO_FIELD,
     .help = "sealed: show the domino (the update, the pipeline, the feature store's versions "
             "and contracts, what the wake-word team sees) without accuracy, skew or a verdict, "
             "until Part 3's prediction is locked; shown: everything"},
};

enum {
    T_CLOUD = 1u << 0,
    T_EDGE = 1u << 1,
    T_MOBILE = 1u << 2,
    T_TINY = 1u << 3,
    T_ALL = T_CLOUD | T_EDGE | T_MOBILE | T_TINY
};

/* Which tracks each parameter applies to (every parameter of the table is listed; a test
 * checks). */
static const struct {
    const char *param;
    unsigned tracks;
} applies[] = {
    {"track", T_ALL},
    {"seed", T_ALL},
    {"models", T_CLOUD},
    {"drifts", T_CLOUD},
    {"chunk_minutes", T_CLOUD},
    {"reference_hours", T_CLOUD | T_MOBILE},
    {"threshold_k", T_CLOUD},
    {"discovery", T_CLOUD},
    {"cusum_k", T_CLOUD},
    {"cusum_h", T_CLOUD},
    {"static_quality_min", T_CLOUD},
    {"static_latency_max_ms", T_CLOUD},
    {"fleet_size", T_EDGE},
    {"deadline_ms", T_EDGE},
    {"oldest_share", T_EDGE},
    {"tail_probability", T_EDGE},
    {"tail_ms", T_EDGE},
    {"gate_quantile", T_EDGE},
    {"alpha", T_EDGE | T_MOBILE},
    {"shadow", T_EDGE},
    {"dwell_scale", T_EDGE},
    {"ota_mean_hours", T_EDGE},
    {"correction", T_MOBILE},
    {"min_drop_fps", T_MOBILE},
    {"sessions_per_hour", T_MOBILE},
    {"monitor_hours", T_MOBILE},
    {"severity", T_TINY},
    {"retrain_before_upgrade", T_TINY},
    {"requests", T_TINY},
    {"outcome", T_TINY},
};

/* Track presets (reasons in the header comment; the fleet, its hardware and alpha come from the
 * track's scenario, scenario.c). Shared parameters differ per track. */
static const fo_preset crisis_presets[] = {
    FO_PRESET("cloud-titan", "models", 50),
    FO_PRESET("cloud-titan", "reference_hours", 168),
    FO_PRESET("cloud-titan", "threshold_k", 3),
    FO_PRESET_TRACK_SCENARIO("edge-guardian", "fleet_size", fleet_size),
    FO_PRESET_TRACK_SCENARIO("edge-guardian", "deadline_ms", deadline_ms),
    FO_PRESET_TRACK_SCENARIO("edge-guardian", "oldest_share", hw[0].share),
    FO_PRESET_TRACK_SCENARIO("edge-guardian", "tail_probability", tail_probability),
    FO_PRESET_TRACK_SCENARIO("edge-guardian", "tail_ms", tail_ms),
    FO_PRESET_TRACK_SCENARIO("edge-guardian", "gate_quantile", gate_quantile),
    FO_PRESET_TRACK_SCENARIO("edge-guardian", "alpha", alpha),
    FO_PRESET("mobile-nomad", "reference_hours", 24),
    FO_PRESET_TRACK_SCENARIO("mobile-nomad", "alpha", alpha),
    FO_PRESET("mobile-nomad", "correction", FO_CORRECTION_BH),
    FO_PRESET("tiny-pioneer", "severity", 0.85),
    FO_PRESET("tiny-pioneer", "retrain_before_upgrade", FO_ENS_RETRAIN_NO),
    FO_PRESET("tiny-pioneer", "requests", 1000),
};

/* The shortest decimal that reads back as v (what the user typed, for numbers). */
static void fmt_number(char *out, size_t n, double v) {
    fo_buf b;
    fo_buf_init(&b);
    fo_json_format_number(&b, v);
    snprintf(out, n, "%s", fo_buf_str(&b));
    fo_buf_free(&b);
}

/* ---- the table of crises ------------------------------------------------------------------- */

static const struct {
    const char *track;
    unsigned bit;
    fo_crisis_runner run;
} crises[] = {
    {"cloud-titan", T_CLOUD, fo_crisis_run_cloud},
    {"edge-guardian", T_EDGE, fo_crisis_run_edge},
    {"mobile-nomad", T_MOBILE, fo_crisis_run_mobile},
    {"tiny-pioneer", T_TINY, fo_crisis_run_tiny},
};

static void tracks_text(unsigned mask, char *out, size_t n) {
    size_t len = (size_t)snprintf(out, n, "only with track ");
    int first = 1;
    for (size_t i = 0; i < FO_COUNT(crises) && len < n; i++) {
        if (!(mask & crises[i].bit)) continue;
        len += (size_t)snprintf(out + len, n - len, "%s%s", first ? "" : " or ", crises[i].track);
        first = 0;
    }
}

/* Refuses any parameter given for a track it does not apply to. */
static fo_status check_applicable(const fo_args *a, unsigned track_bit, const char *track,
                                  fo_error *err) {
    const fo_command *cmd = a->cmd;
    for (size_t i = 0; i < cmd->nparams; i++) {
        if (!a->given[i]) continue;
        const fo_param *p = &cmd->params[i];
        unsigned mask = 0;
        for (size_t k = 0; k < FO_COUNT(applies); k++)
            if (strcmp(applies[k].param, p->name) == 0) mask = applies[k].tracks;
        if (mask & track_bit) continue;
        char error[96], value[64], allowed[128];
        snprintf(error, sizeof error, "does not apply to track %s", track);
        if (p->type == FO_T_CHOICE)
            snprintf(value, sizeof value, "%s", p->choices[(int)a->num[i]]);
        else
            fmt_number(value, sizeof value, a->num[i]);
        tracks_text(mask, allowed, sizeof allowed);
        return fo_error_set(err, FO_EUSAGE, error, p->name, value, allowed);
    }
    return FO_OK;
}

static fo_status run_crisis(const fo_args *a, fo_output *out, fo_error *err) {
    const char *track = fo_arg_choice(a, "track");
    size_t c = 0;
    while (c < FO_COUNT(crises) && strcmp(crises[c].track, track) != 0)
        c++;
    if (c == FO_COUNT(crises)) /* the table covers every track fo_args_set accepts */
        return fo_error_set(err, FO_EINTERNAL, "crisis: no runner for the track", "track", track,
                            "");
    fo_status s = check_applicable(a, crises[c].bit, track, err);
    if (s != FO_OK) return s;
    crisis_params p;
    memset(&p, 0, sizeof p);
    fo_args_bind(a, &p);
    fo_rng rng;
    fo_rng_seed(&rng, (uint64_t)p.seed);
    return crises[c].run(a, &p, &rng, out, err);
}

const fo_command fo_cmd_crisis = {
    .name = "crisis",
    .summary = "Each track's Ops crisis as a seeded simulation, failure and fix side by side",
    .description =
        "Your track's Ops crisis, simulated with a seed: the failure and the fix side by side. "
        "Each parameter below belongs to the crises it names; the track's values are preset.",
    .params = crisis_params_table,
    .nparams = FO_COUNT(crisis_params_table),
    .presets = crisis_presets,
    .npresets = FO_COUNT(crisis_presets),
    .positional = "track",
    .figure = "cloud-titan: alert timeline; edge-guardian: latency tails and rollout waves; "
              "mobile-nomad: region FPS small multiples; tiny-pioneer: before/after trace, "
              "unpinned vs pinned views",
    .example = "fleetops crisis mobile-nomad --correction bonferroni",
    .run = run_crisis,
};
