/* cmd_ensemble.c — Part 3, the Ensemble Lockdown (engines: ensemble.c, featurestore.c,
 * governance.c, on the pipeline of src/engine/pipeline.h):
 *   ensemble    upstream v1|v2 x retrain yes|no: accuracy, the silent failure, the Feature
 *               Store Consistency Check and the Ensemble Trace (figure: the trace)
 *   governance  a year of upstream releases under Loose Versioning or Strict Immutable
 *               Contracts (figure: weekly accuracy)
 *
 * Defaults are the plan's crisis: the Software Lead ships extractor v2 tonight without
 * retraining the downstream classifier. Severity 0.85 rotates v2's basis by 76.5 degrees
 * (0.85 of a quarter turn), rescales features by up to e^(0.85 x 0.7) ~ 1.8x and shifts them by
 * up to 1.3 sd: a new model trained from scratch with a new normalisation. At the default seed
 * that costs about 30 accuracy points with no error raised (the detector becomes a coin flip);
 * over seeds 1-100 it costs at least 8 points in every one and at least 10 in 98.
 * The silent-failure margin is 5 accuracy points: at 1,000 requests the standard error of one
 * accuracy near 80% is 1.3 points, and both accuracies are measured on the same requests, so a
 * 5-point drop is not sampling noise. Splits of 1,000 requests keep a full evaluation, two
 * trainings included, at a few milliseconds; below about 1,000 served requests the check's
 * fixed 0.1 thresholds start to flag sampling noise (at 500, v1 -> v1 is flagged for 15 seeds
 * in 100): the known weakness of fixed PSI thresholds.
 *
 * Governance defaults: a release every 6 weeks (about 8 a year, a common cadence for a model
 * that is retrained every sprint or two), 10 days to retrain, validate and redeploy the
 * classifier, 3 days to review and publish a new contract, 2 weeks of degraded KPIs before a
 * silent failure is noticed, 500 requests measured a week (weekly accuracy to about +-2 points).
 *
 * Track presets (the story and the numbers) are cited inline below. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "fleetops/ensemble.h"
#include "fleetops/governance.h"
#include "fleetops/instruments.h"
#include "fleetops/lab.h"
#include "fleetops/termplot.h"

/* ---- the track's story ---------------------------------------------------------------- */

typedef struct story {
    const char *track; /* NULL: no track (the canonical Tiny Pioneer story) */
    fo_ensemble_story words;
    const char *producer; /* short upstream name in the view's schema */
    const char *view;
    const char *prefix;
} story;

/* Tiny Pioneer's is the plan's story: "You updated the noise-isolation model, but it broke the
 * downstream 'Wake-Word' detector." The other tracks tell it with their own pipeline. The
 * models' names are the track's scenario's (scenario.c); here are only the words Part 3 adds:
 * the downstream classes and the view's names. No track: Tiny Pioneer's, the plan's story. */
static const story stories[] = {
    {"tiny-pioneer",
     {NULL, NULL, "wake word", "no wake word"},
     "noise-isolation",
     "denoised_audio",
     "mel"},
    {"cloud-titan",
     {NULL, NULL, "toxic", "not toxic"},
     "prompt-embedder",
     "prompt_embedding",
     "emb"},
    {"edge-guardian",
     {NULL, NULL, "will cross", "will not cross"},
     "perception-extractor",
     "camera_features",
     "bb"},
    {"mobile-nomad",
     {NULL, NULL, "text to translate", "no text"},
     "scene-text-encoder",
     "scene_text_embedding",
     "txt"},
};

/* The track's story with its scenario's model names (the caller's copy). */
static story story_for(const char *track) {
    size_t i = 0;
    while (track && i + 1 < FO_COUNT(stories) && strcmp(stories[i].track, track) != 0)
        i++;
    if (!track || strcmp(stories[i].track, track) != 0) i = 0;
    story st = stories[i];
    const fo_scenario *scn = fo_scenario_get(st.track);
    st.words.upstream = scn->upstream;
    st.words.downstream = scn->downstream;
    return st;
}

static const char *const upstream_choices[] = {"v1", "v2", NULL};
static const char *const yes_no[] = {"yes", "no", NULL};
static const char *const drop_choices[] = {"drop", "no-drop", NULL};
static const char *const policy_choices[] = {"loose", "strict", NULL};

#define SEED_MAX 9007199254740992.0 /* 2^53: every integer up to it is exact in JSON */

/* ---- ensemble ------------------------------------------------------------------------- */

#define E(field) offsetof(fo_ensemble_params, field)

/* clang-format off: one parameter per paragraph, as in cmd_roi.c */
static const fo_param ensemble_params[] = {
    FO_PARAM_TRACK,
    {.name = "upstream",
     .type = FO_T_CHOICE,
     .unit = "version",
     .choices = upstream_choices,
     .def_choice = FO_ENS_UPSTREAM_V2,
     .field = E(upstream),
     .help = "Extractor version serving the feature-store view (v2: the new, better one)"},
    {.name = "retrain",
     .type = FO_T_CHOICE,
     .unit = "choice",
     .choices = yes_no,
     .def_choice = FO_ENS_RETRAIN_NO,
     .field = E(retrain),
     .help = "Retrain the downstream classifier on the served view (no: ship tonight as is)"},
    {.name = "severity",
     .type = FO_T_REAL,
     .unit = "fraction",
     .min = 0,
     .max = 1,
     .def = 0.85,
     .field = E(severity),
     .help = "How far v2 moves the feature space: basis rotated severity x 90 deg, rescaled, "
             "shifted (0: v1's space)"},
    {.name = "seed",
     .type = FO_T_INT,
     .unit = "seed",
     .min = 0,
     .max = SEED_MAX,
     .def = 1,
     .field = FO_NO_FIELD,
     .help = "Seed of the data, the world and the upgrade's drift"},
    {.name = "train_size",
     .type = FO_T_INT,
     .unit = "requests",
     .min = FO_ENS_MIN_ROWS,
     .max = FO_ENS_MAX_ROWS,
     .def = 1000,
     .field = E(train_size),
     .help = "Training split (up to 10,000 rows)"},
    {.name = "requests",
     .type = FO_T_INT,
     .unit = "requests",
     .min = FO_ENS_MIN_ROWS,
     .max = FO_ENS_MAX_ROWS,
     .def = 1000,
     .field = E(requests),
     .help = "Held-out requests served and scored (up to 10,000; below about 1,000 the check "
             "starts flagging sampling noise)"},
    {.name = "silent_failure_margin",
     .type = FO_T_REAL,
     .unit = "fraction",
     .min = 0.005,
     .max = 0.5,
     .def = 0.05,
     .field = E(silent_failure_margin),
     .help = "Accuracy drop vs the v1 baseline that counts as a failure (5 points: 0.05)"},
    {.name = "predict",
     .type = FO_T_CHOICE,
     .unit = "choice",
     .choices = drop_choices,
     .flags = FO_P_OPTIONAL,
     .field = FO_NO_FIELD,
     .help = "Your locked prediction: does accuracy drop in this scenario? The answer says if "
             "you were right"},
};
/* clang-format on */

/* Ensemble presets. Tiny Pioneer (the canonical story): 0.85, the default: the new noise-
 * isolation network is trained from scratch, so its learned basis is unrelated to v1's beyond
 * what the shared training data pins down, and it changes the front end's normalisation.
 * Cloud Titan: 1.0: two embedding models trained separately share no basis at all (a vector
 * index must be rebuilt when the embedding model changes); margin 0.02, a safety filter whose
 * 2-point regression is already a policy incident, measured on 5,000 requests (LLM traffic is
 * plentiful; the accuracy's standard error falls to 0.6 points). Edge Guardian: 0.7: AV
 * backbones are upgraded with the heads' compatibility in mind (backward-compatible
 * representation learning, Shen et al., CVPR 2020), so the space moves less, but not nothing;
 * margin 0.02, because a safety case tolerates no measurable regression. Mobile Nomad: 0.75:
 * the OS update changes the NPU's numerics (precision and power policy), which rescales and
 * shifts features as much as it rotates them. Each preset is a silent failure for at least 97
 * of seeds 1-100. */
static const fo_preset ensemble_presets[] = {
    FO_PRESET("tiny-pioneer", "severity", 0.85),
    FO_PRESET("tiny-pioneer", "silent_failure_margin", 0.05),
    FO_PRESET("cloud-titan", "severity", 1.0),
    FO_PRESET("cloud-titan", "silent_failure_margin", 0.02),
    FO_PRESET("cloud-titan", "requests", 5000),
    FO_PRESET("edge-guardian", "severity", 0.7),
    FO_PRESET("edge-guardian", "silent_failure_margin", 0.02),
    FO_PRESET("mobile-nomad", "severity", 0.75),
    FO_PRESET("mobile-nomad", "silent_failure_margin", 0.05),
};

static void pct(fo_buf *b, double v) {
    fo_buf_printf(b, "%.1f%%", 100.0 * v);
}

static const char *class_name(const story *st, int positive) {
    return positive ? st->words.positive : st->words.negative;
}

static void ensemble_peek(fo_buf *b, const fo_ensemble_params *p, const fo_ensemble_result *r) {
    const fo_fs_check_result *c = &r->check;
    fo_buf_printf(b, "accuracy = (TP + TN) / N = (%lld + %lld) / %lld = ", r->tp, r->tn,
                  r->requests_served);
    pct(b, r->accuracy);
    fo_buf_printf(b,
                  "\ndrop = baseline - accuracy = %.1f%% - %.1f%% = %+.1f points; "
                  "margin %.1f points; errors_raised = %lld -> %s",
                  100 * r->baseline_accuracy, 100 * r->accuracy, 100 * r->accuracy_drop,
                  100 * p->silent_failure_margin, r->errors_raised,
                  r->silent_failure ? "SILENT FAILURE" : "no silent failure");
    fo_buf_printf(b, "\nscore = sigmoid(w . f + b), classifier trained on view v%d, served v%d",
                  r->trained_version, r->served_version);
    if (r->served_version == 2)
        fo_buf_printf(b,
                      "\nv2 space: f2 = diag(e^(s l)) R(s 90 deg) f1-space + s b; s = %.2f: "
                      "rotation %.1f deg, rescale x%.2f..x%.2f",
                      p->severity, r->rotation_deg, r->scale_min, r->scale_max);
    if (c->worst_feature >= 0) {
        const fo_fs_feature_check *w = &c->feature[c->worst_feature];
        const char *name = r->trained_view.feature_names[c->worst_feature];
        fo_buf_printf(b, "\nPSI(%s) = sum_b (q_b - p_b) ln(q_b / p_b) = %.4f (threshold 0.1)", name,
                      w->psi);
        fo_buf_printf(b,
                      "\nJS(%s) = sqrt((KL(p||m) + KL(q||m)) / 2), m = (p + q) / 2 = %.4f "
                      "(threshold 0.1)",
                      name, w->js_distance);
        fo_buf_printf(b, "\nLinf(%s) = max_b |q_b - p_b| = %.4f (threshold 0.1)", name, w->linf);
    }
    fo_buf_printf(b, "\nschema hash = FNV-1a-64(schema): trained %s, served %s -> contract %s",
                  r->trained_view.hash_hex, r->served_view.hash_hex,
                  c->contract_ok ? "holds" : "broken");
}

static void json_view(fo_json *j, const char *key, const fo_fs_view *v) {
    fo_json_object_begin(j, key);
    fo_json_string(j, "name", v->name);
    fo_json_int(j, "version", v->version);
    fo_json_string(j, "schema_hash", v->hash_hex);
    fo_json_string(j, "schema", v->schema);
    fo_json_string(j, "producer", v->producer);
    fo_json_int(j, "dims", v->dims);
    fo_json_string(j, "normalisation", v->normalisation);
    fo_json_string(j, "basis", v->basis);
    fo_json_int(j, "training_rows", (long long)v->rows);
    fo_json_array_begin(j, "features");
    for (int f = 0; f < v->dims; f++) {
        fo_json_object_begin(j, NULL);
        fo_json_string(j, "name", v->feature_names[f]);
        fo_json_number(j, "mean", v->stats[f].mean);
        fo_json_number(j, "variance", v->stats[f].variance);
        fo_json_array_begin(j, "bin_edges");
        for (int k = 0; k < FO_FS_BINS - 1; k++)
            fo_json_number(j, NULL, v->stats[f].edges[k]);
        fo_json_array_end(j);
        fo_json_array_begin(j, "histogram");
        for (int k = 0; k < FO_FS_BINS; k++)
            fo_json_number(j, NULL, v->stats[f].hist[k]);
        fo_json_array_end(j);
        fo_json_object_end(j);
    }
    fo_json_array_end(j);
    fo_json_object_end(j);
}

static void json_skew(fo_json *j, const fo_ensemble_result *r) {
    const fo_fs_check_result *c = &r->check;
    fo_json_object_begin(j, "skew");
    fo_json_array_begin(j, "features");
    for (int f = 0; f < c->dims; f++) {
        const fo_fs_feature_check *fc = &c->feature[f];
        fo_json_object_begin(j, NULL);
        fo_json_string(j, "name", r->trained_view.feature_names[f]);
        fo_json_number(j, "psi", fc->psi);
        fo_json_number(j, "js_distance", fc->js_distance);
        fo_json_number(j, "linf", fc->linf);
        fo_json_bool(j, "flagged", fc->flagged);
        fo_json_number(j, "trained_mean", r->trained_view.stats[f].mean);
        fo_json_number(j, "served_mean", fc->served_mean);
        fo_json_number(j, "trained_variance", r->trained_view.stats[f].variance);
        fo_json_number(j, "served_variance", fc->served_variance);
        fo_json_array_begin(j, "served_histogram");
        for (int k = 0; k < FO_FS_BINS; k++)
            fo_json_number(j, NULL, fc->served_hist[k]);
        fo_json_array_end(j);
        fo_json_object_end(j);
    }
    fo_json_array_end(j);
    fo_json_bool(j, "flagged", c->skew_flagged);
    fo_json_int(j, "flagged_features", c->flagged_features);
    fo_json_object_begin(j, "thresholds");
    fo_json_number(j, "psi", FO_FS_PSI_THRESHOLD);
    fo_json_number(j, "js_distance", FO_FS_JS_THRESHOLD);
    fo_json_number(j, "linf", FO_FS_LINF_THRESHOLD);
    fo_json_number(j, "psi_empty_bin_share", FO_FS_PSI_EPS);
    fo_json_string(j, "log_base", "e");
    fo_json_int(j, "bins", FO_FS_BINS);
    fo_json_string(j, "binning", "training deciles, open-ended outer bins");
    fo_json_string(j, "sources",
                   "PSI 0.1 and JS 0.1: Evidently's default thresholds (PSI < 0.1 stable, "
                   "0.1-0.25 moderate, > 0.25 major: Siddiqi 2006); Linf 0.1: one decile bin's "
                   "mass, about 10x the sampling noise of a bin share (TFDV sets no default)");
    fo_json_object_end(j);
    fo_json_object_end(j);
}

static void json_trace(fo_json *j, const story *st, const fo_ensemble_result *r) {
    fo_json_array_begin(j, "trace");
    for (int k = 0; k < r->trace_len; k++) {
        const fo_ens_trace *t = &r->trace[k];
        char ver[16];
        fo_json_object_begin(j, NULL);
        fo_json_int(j, "request", t->request);
        fo_json_string(j, "truth", class_name(st, t->truth));
        fo_json_object_begin(j, "raw");
        fo_json_int(j, "dims", FO_ENS_RAW_DIMS);
        fo_json_number(j, "rms", t->raw_rms);
        fo_json_number(j, "snr_db", t->raw_snr_db);
        fo_json_object_end(j);
        snprintf(ver, sizeof ver, "v%d", t->extractor_version);
        fo_json_string(j, "extractor_version", ver);
        fo_json_object_begin(j, "view");
        fo_json_string(j, "name", r->served_view.name);
        fo_json_int(j, "version", t->view_version);
        fo_json_string(j, "schema_hash", t->view_hash);
        fo_json_object_end(j);
        fo_json_object_begin(j, "classifier_expects");
        fo_json_string(j, "name", r->trained_view.name);
        fo_json_int(j, "version", t->expects_version);
        fo_json_string(j, "schema_hash", t->expects_hash);
        fo_json_object_end(j);
        fo_json_bool(j, "contract_match", t->contract_match);
        fo_json_array_begin(j, "features");
        for (int f = 0; f < FO_ENS_FEATURES; f++)
            fo_json_number(j, NULL, t->features[f]);
        fo_json_array_end(j);
        fo_json_number(j, "max_abs_z", t->max_abs_z);
        fo_json_number(j, "score", t->score);
        fo_json_string(j, "label", class_name(st, t->label));
        fo_json_bool(j, "correct", t->correct);
        fo_json_object_begin(j, "baseline");
        fo_json_number(j, "score", t->baseline_score);
        fo_json_string(j, "label", class_name(st, t->baseline_label));
        fo_json_bool(j, "correct", t->baseline_correct);
        fo_json_object_end(j);
        fo_json_object_end(j);
    }
    fo_json_array_end(j);
}

static const char *actual_drop(const fo_ensemble_params *p, const fo_ensemble_result *r) {
    return r->accuracy_drop > p->silent_failure_margin ? "drop" : "no-drop";
}

static void ensemble_json(fo_json *j, const fo_args *a, const story *st,
                          const fo_ensemble_params *p, const fo_ensemble_result *r,
                          const char *peek) {
    fo_json_object_begin(j, NULL);
    fo_json_string(j, "command", "ensemble");
    fo_json_string(j, "track", fo_arg_choice(a, "track"));
    fo_json_string(j, "upstream", fo_arg_choice(a, "upstream"));
    fo_json_string(j, "retrain", fo_arg_choice(a, "retrain"));
    fo_json_number(j, "severity", p->severity);
    fo_json_int(j, "seed", (long long)fo_arg_num(a, "seed"));
    fo_json_int(j, "train_size", p->train_size);
    fo_json_number(j, "silent_failure_margin", p->silent_failure_margin);
    fo_json_object_begin(j, "story");
    fo_json_string(j, "upstream", st->words.upstream);
    fo_json_string(j, "downstream", st->words.downstream);
    fo_json_string(j, "positive_class", st->words.positive);
    fo_json_string(j, "negative_class", st->words.negative);
    fo_json_object_end(j);
    fo_json_number(j, "accuracy", r->accuracy);
    fo_json_number(j, "baseline_accuracy", r->baseline_accuracy);
    fo_json_number(j, "retrained_accuracy", r->retrained_accuracy);
    fo_json_number(j, "v2_unretrained_accuracy", r->v2_unretrained_accuracy);
    fo_json_number(j, "accuracy_drop", r->accuracy_drop);
    fo_json_int(j, "requests_served", r->requests_served);
    fo_json_int(j, "errors_raised", r->errors_raised);
    fo_json_bool(j, "silent_failure", r->silent_failure);
    fo_json_object_begin(j, "confusion");
    fo_json_int(j, "true_positives", r->tp);
    fo_json_int(j, "false_positives", r->fp);
    fo_json_int(j, "true_negatives", r->tn);
    fo_json_int(j, "false_negatives", r->fn);
    fo_json_number(j, "false_accept_rate", r->false_accept_rate);
    fo_json_number(j, "false_reject_rate", r->false_reject_rate);
    fo_json_object_end(j);
    fo_json_object_begin(j, "outcomes_vs_baseline");
    fo_json_int(j, "both_right", r->outcomes[3]);
    fo_json_int(j, "broken", r->outcomes[2]);
    fo_json_int(j, "fixed", r->outcomes[1]);
    fo_json_int(j, "both_wrong", r->outcomes[0]);
    fo_json_object_end(j);
    fo_json_int(j, "served_version", r->served_version);
    fo_json_int(j, "trained_version", r->trained_version);
    fo_json_bool(j, "contract_ok", r->check.contract_ok);
    fo_json_string(j, "verdict", r->check.verdict);
    fo_json_array_begin(j, "reasons");
    for (int k = 0; k < r->check.nreasons; k++)
        fo_json_string(j, NULL, r->check.reasons[k]);
    fo_json_array_end(j);
    json_skew(j, r);
    fo_json_object_begin(j, "upgrade");
    fo_json_number(j, "rotation_deg", r->rotation_deg);
    fo_json_number(j, "scale_min", r->scale_min);
    fo_json_number(j, "scale_max", r->scale_max);
    fo_json_number(j, "leakage_v1", r->leakage_v1);
    fo_json_number(j, "leakage_v2", r->leakage_v2);
    fo_json_object_end(j);
    fo_json_object_begin(j, "classifier");
    fo_json_string(j, "model", "logistic regression, L2 1.0, Newton's method to a 1e-10 step");
    fo_json_int(j, "newton_iterations", r->newton_iterations);
    fo_json_array_begin(j, "weights");
    for (int f = 0; f < FO_ENS_FEATURES; f++)
        fo_json_number(j, NULL, r->weights[f]);
    fo_json_array_end(j);
    fo_json_number(j, "bias", r->bias);
    fo_json_object_end(j);
    json_view(j, "trained_view", &r->trained_view);
    json_view(j, "served_view", &r->served_view);
    json_trace(j, st, r);
    if (fo_arg_given(a, "predict")) {
        const char *pred = fo_arg_choice(a, "predict"), *act = actual_drop(p, r);
        fo_json_object_begin(j, "prediction");
        fo_json_string(j, "predicted", pred);
        fo_json_string(j, "actual", act);
        fo_json_bool(j, "correct", strcmp(pred, act) == 0);
        fo_json_number(j, "accuracy_change", 0.0 - r->accuracy_drop);
        fo_json_object_end(j);
    }
    fo_json_string(j, "math_peek", peek);
    fo_json_object_end(j);
}

static void bar(fo_buf *b, double v) {
    int n = (int)lround(v * 40);
    for (int i = 0; i < n; i++)
        fo_buf_puts(b, "#");
}

static void ensemble_text(fo_buf *b, const fo_args *a, const story *st, const fo_ensemble_params *p,
                          const fo_ensemble_result *r, const char *peek) {
    const char *track = fo_arg_choice(a, "track");
    const fo_fs_check_result *c = &r->check;
    fo_buf_puts(b, "Part 3 - The Ensemble Lockdown");
    if (track) fo_buf_printf(b, "  (track: %s)", track);
    fo_buf_printf(b, "\n%s v%d -> feature store %s@v%d -> %s (trained on @v%d)\n",
                  st->words.upstream, r->served_version, r->served_view.name, r->served_version,
                  st->words.downstream, r->trained_version);
    fo_buf_printf(b, "Scenario: upstream %s, retrain %s, severity %.2f",
                  fo_arg_choice(a, "upstream"), fo_arg_choice(a, "retrain"), p->severity);
    if (r->served_version == 2)
        fo_buf_printf(b, " (v2 basis rotated %.1f deg, features rescaled x%.2f..x%.2f and shifted)",
                      r->rotation_deg, r->scale_min, r->scale_max);
    fo_buf_puts(b, "\n\n  Accuracy on ");
    fo_buf_grouped(b, (double)r->requests_served, 0);
    fo_buf_puts(b, " held-out requests\n");
    fo_buf_printf(b, "    this scenario   %6.1f%%  ", 100 * r->accuracy);
    bar(b, r->accuracy);
    fo_buf_printf(b, "\n    v1 baseline     %6.1f%%  ", 100 * r->baseline_accuracy);
    bar(b, r->baseline_accuracy);
    fo_buf_printf(b, "\n    v2 retrained    %6.1f%%  ", 100 * r->retrained_accuracy);
    bar(b, r->retrained_accuracy);
    fo_buf_puts(b, "\n\n  Requests served ");
    fo_buf_grouped(b, (double)r->requests_served, 0);
    fo_buf_printf(b, ", errors raised %lld: ", r->errors_raised);
    if (r->silent_failure)
        fo_buf_printf(b, "SILENT FAILURE (%.1f points below the baseline, margin %.1f)\n",
                      100 * r->accuracy_drop, 100 * p->silent_failure_margin);
    else
        fo_buf_printf(b, "no silent failure (%+.1f points vs the baseline, margin %.1f)\n",
                      fabs(r->accuracy_drop) < 5e-4 ? 0.0 : -100 * r->accuracy_drop,
                      100 * p->silent_failure_margin);
    fo_buf_printf(b,
                  "  Missed \"%s\" (false rejects) %.1f%%, false alarms (false accepts) %.1f%%\n",
                  st->words.positive, 100 * r->false_reject_rate, 100 * r->false_accept_rate);
    fo_buf_printf(b,
                  "  Against the v1 pipeline, request by request: %lld broken (v1 right, now "
                  "wrong), %lld fixed, %lld right in both, %lld wrong in both\n",
                  r->outcomes[2], r->outcomes[1], r->outcomes[3], r->outcomes[0]);

    fo_buf_printf(b, "\nFeature Store Consistency Check: %s\n", c->verdict);
    for (int k = 0; k < c->nreasons; k++)
        fo_buf_printf(b, "  - %s\n", c->reasons[k]);
    fo_buf_printf(b, "\n  %-8s %9s %9s %9s %11s %11s  %s\n", "feature", "PSI", "JS", "Linf",
                  "train mean", "served mean", "flag");
    for (int f = 0; f < c->dims; f++) {
        const fo_fs_feature_check *fc = &c->feature[f];
        fo_buf_printf(b, "  %-8s %9.3f %9.3f %9.3f %11.2f %11.2f  %s\n",
                      r->trained_view.feature_names[f], fc->psi, fc->js_distance, fc->linf,
                      r->trained_view.stats[f].mean, fc->served_mean, fc->flagged ? "SKEW" : "ok");
    }
    fo_buf_puts(b, "  (thresholds 0.1 each; natural log; empty-bin share 1e-4 in PSI)\n");

    fo_buf_printf(b,
                  "\nEnsemble Trace (%d requests, their outcomes mixed as in the whole "
                  "evaluation; served %s@v%d %.8s, classifier expects @v%d %.8s)\n",
                  r->trace_len, r->served_view.name, r->served_version, r->served_view.hash_hex,
                  r->trained_version, r->trained_view.hash_hex);
    fo_buf_printf(b, "  %-5s %-18s %7s %8s %5s %8s  %-20s %-8s | %s\n", "req", "truth", "raw rms",
                  "SNR dB", "ext", "max |z|", "label (score)", "", "v1 baseline");
    for (int k = 0; k < r->trace_len; k++) {
        const fo_ens_trace *t = &r->trace[k];
        char lab[64];
        snprintf(lab, sizeof lab, "%s (%.2f)", class_name(st, t->label), t->score);
        fo_buf_printf(b, "  #%-4lld %-18s %7.2f %8.1f %5s %8.1f  %-20s %-8s | %s (%.2f)\n",
                      t->request, class_name(st, t->truth), t->raw_rms, t->raw_snr_db,
                      t->extractor_version == 2 ? "v2" : "v1", t->max_abs_z, lab,
                      t->correct ? "ok" : "WRONG", t->baseline_correct ? "ok" : "WRONG",
                      t->baseline_score);
    }
    if (fo_arg_given(a, "predict")) {
        const char *pred = fo_arg_choice(a, "predict"), *act = actual_drop(p, r);
        fo_buf_printf(b, "\nYou predicted \"%s\"; the pipeline says \"%s\" (%+.1f points): %s.\n",
                      pred, act, 0.0 - 100 * r->accuracy_drop,
                      strcmp(pred, act) == 0 ? "you were right" : "you were wrong");
    }
    fo_text_math_peek(b, peek);
}

static fo_status run_ensemble(const fo_args *a, fo_output *out, fo_error *err) {
    fo_ensemble_params p;
    memset(&p, 0, sizeof p);
    fo_args_bind(a, &p);
    const story story_copy = story_for(fo_arg_choice(a, "track"));
    const story *st = &story_copy;
    p.view_name = st->view;
    p.producer = st->producer;
    p.feature_prefix = st->prefix;
    size_t bytes = fo_ensemble_work_bytes(&p);
    void *work = malloc(bytes);
    fo_ensemble_result *r = malloc(sizeof *r);
    if (!work || !r) {
        free(work), free(r);
        return fo_error_set(err, FO_ENOMEM, "out of memory", "", "", "");
    }
    fo_rng rng;
    fo_rng_seed(&rng, (uint64_t)fo_arg_num(a, "seed"));
    if (fo_ensemble_run(&p, &rng, work, bytes, r) != 0) {
        free(work), free(r);
        return fo_error_set(err, FO_EINTERNAL, "ensemble: parameters outside the model's domain",
                            "", "", "");
    }
    free(work);
    fo_buf peek;
    fo_buf_init(&peek);
    ensemble_peek(&peek, &p, r);
    fo_json j;
    fo_json_init(&j, out->json);
    ensemble_json(&j, a, st, &p, r, fo_buf_str(&peek));
    if (FO_WANT_TEXT(out)) ensemble_text(out->text, a, st, &p, r, fo_buf_str(&peek));
    if (out->svg) fo_draw_ensemble_trace(out->svg, fo_figure_width(a), &p, r, &st->words);
    fo_buf_free(&peek);
    free(r);
    return FO_OK;
}

const fo_command fo_cmd_ensemble = {
    .name = "ensemble",
    .summary = "Part 3: ship extractor v2 without retraining? Accuracy, skew check, trace",
    .description =
        "The Ensemble Lockdown, computed for real: seeded raw signals -> your track's upstream "
        "model (v1, or v2 which isolates noise better but moves the feature space) -> a "
        "versioned feature-store view -> the downstream classifier trained on the view it was "
        "given. What happens when v2 reaches a classifier trained on v1 is the run's answer. The "
        "Feature Store Consistency Check compares served and training statistics per feature "
        "and the version contract; the Ensemble Trace follows six requests stage by stage.",
    .params = ensemble_params,
    .nparams = FO_COUNT(ensemble_params),
    .presets = ensemble_presets,
    .npresets = FO_COUNT(ensemble_presets),
    .figure = "Ensemble Trace: requests followed from raw input to label, versions and hashes",
    .example = "fleetops ensemble --track tiny-pioneer --upstream v2 --retrain no --predict drop",
    .run = run_ensemble,
};

/* ---- governance ----------------------------------------------------------------------- */

#define G(field) offsetof(fo_governance_params, field)

/* clang-format off */
static const fo_param governance_params[] = {
    FO_PARAM_TRACK,
    {.name = "policy", .type = FO_T_CHOICE, .unit = "policy", .choices = policy_choices,
     .flags = FO_P_REQUIRED, .field = G(policy),
     .help = "loose: consumers read the latest view; strict: consumers pin a version and upgrade "
             "by retrain + contract bump"},
    {.name = "weeks", .type = FO_T_INT, .unit = "weeks", .min = 4, .max = FO_GOV_MAX_WEEKS,
     .def = 52, .field = G(weeks), .help = "Weeks simulated (at most 3 years)"},
    {.name = "release_every_weeks", .type = FO_T_INT, .unit = "weeks", .min = 2,
     .max = FO_GOV_MAX_WEEKS, .def = 6, .field = G(release_every_weeks),
     .help = "Upstream cadence: a new extractor version every K weeks (at least 2)"},
    {.name = "severity", .type = FO_T_REAL, .unit = "fraction", .min = 0, .max = 1, .def = 0.6,
     .field = G(severity),
     .help = "Mean drift of a release's feature space (each release: severity x U(0.5, 1.5))"},
    {.name = "retrain_days", .type = FO_T_REAL, .unit = "days", .min = 0, .max = 90, .def = 10,
     .field = G(retrain_days), .help = "Retrain, validate and redeploy the classifier"},
    {.name = "contract_bump_days", .type = FO_T_REAL, .unit = "days", .min = 0, .max = 30,
     .def = 3, .field = G(contract_bump_days),
     .help = "Strict only: review and publish the new view contract"},
    {.name = "detection_weeks", .type = FO_T_INT, .unit = "weeks", .min = 1, .max = 26, .def = 2,
     .field = G(detection_weeks),
     .help = "Loose only: silent-failure weeks before someone notices and opens an incident"},
    {.name = "requests_per_week", .type = FO_T_INT, .unit = "requests", .min = 100,
     .max = FO_GOV_POOL_ROWS, .def = 500, .field = G(requests_per_week),
     .help = "Requests scored each week to measure its accuracy"},
    {.name = "silent_failure_margin", .type = FO_T_REAL, .unit = "fraction", .min = 0.01,
     .max = 0.5, .def = 0.05, .field = G(silent_failure_margin),
     .help = "Accuracy below the classifier's validation accuracy that counts as failing"},
    {.name = "seed", .type = FO_T_INT, .unit = "seed", .min = 0, .max = SEED_MAX, .def = 1,
     .field = FO_NO_FIELD, .help = "Seed of the data, the releases and the weekly traffic"},
};
/* clang-format on */

/* Governance presets. Cloud Titan: a model refresh every 4 weeks (monthly), retrained in 3 days
 * on an automated pipeline, 1 day to publish a contract, noticed within a week (50 models'
 * metrics are on dashboards), embedding upgrades moving far (0.9), 2,000 requests a week.
 * Edge Guardian: quarterly perception releases (13 weeks) because each needs a safety
 * validation; 21 days to retrain and re-validate in simulation, 7 days of safety-case review,
 * 4 weeks to notice (rare edge cases surface only through fleet data uploads), severity 0.5
 * (backward-compatible training, as above). Mobile Nomad: an OS point release about every 6
 * weeks, 10 days to retrain, 3 to review, 3 weeks to notice (the drift differs per region and
 * hides in the aggregate: the track's slice-level crisis), severity 0.6. Tiny Pioneer: firmware
 * OTA to earbuds every 8 weeks, 7 days to retrain, 2 to review, 4 weeks to notice (users just
 * stop saying the wake word; complaints trickle in), severity 0.75. */
static const fo_preset governance_presets[] = {
    FO_PRESET("cloud-titan", "release_every_weeks", 4),
    FO_PRESET("cloud-titan", "retrain_days", 3),
    FO_PRESET("cloud-titan", "contract_bump_days", 1),
    FO_PRESET("cloud-titan", "detection_weeks", 1),
    FO_PRESET("cloud-titan", "severity", 0.9),
    FO_PRESET("cloud-titan", "requests_per_week", 2000),
    FO_PRESET("edge-guardian", "release_every_weeks", 13),
    FO_PRESET("edge-guardian", "retrain_days", 21),
    FO_PRESET("edge-guardian", "contract_bump_days", 7),
    FO_PRESET("edge-guardian", "detection_weeks", 4),
    FO_PRESET("edge-guardian", "severity", 0.5),
    FO_PRESET("mobile-nomad", "release_every_weeks", 6),
    FO_PRESET("mobile-nomad", "retrain_days", 10),
    FO_PRESET("mobile-nomad", "contract_bump_days", 3),
    FO_PRESET("mobile-nomad", "detection_weeks", 3),
    FO_PRESET("mobile-nomad", "severity", 0.6),
    FO_PRESET("tiny-pioneer", "release_every_weeks", 8),
    FO_PRESET("tiny-pioneer", "retrain_days", 7),
    FO_PRESET("tiny-pioneer", "contract_bump_days", 2),
    FO_PRESET("tiny-pioneer", "detection_weeks", 4),
    FO_PRESET("tiny-pioneer", "severity", 0.75),
};

static const char *policy_name(int policy) {
    return policy == FO_GOV_LOOSE ? "loose" : "strict";
}

static void json_outcome(fo_json *j, const fo_gov_outcome *o) {
    fo_json_string(j, "policy", policy_name(o->policy));
    fo_json_int(j, "silent_failure_weeks", o->silent_failure_weeks);
    fo_json_int(j, "incidents", o->incidents);
    fo_json_number(j, "mean_accuracy", o->mean_accuracy);
    fo_json_number(j, "upgrade_delay_days", o->upgrade_delay_days);
    fo_json_int(j, "retrains", o->retrains);
    fo_json_int(j, "pending_upgrades", o->pending_upgrades);
}

static void governance_peek(fo_buf *b, const fo_governance_params *p,
                            const fo_governance_result *r) {
    const fo_gov_outcome *o = &r->outcome[0];
    fo_buf_printf(b, "releases = floor((W - 1) / K) = floor((%lld - 1) / %lld) = %d after v1",
                  p->weeks, p->release_every_weeks, r->releases - 1);
    fo_buf_printf(b,
                  "\nsilent-failure week: served version != trained version AND weekly "
                  "accuracy < validation accuracy - %.1f points (no error raised)",
                  100 * p->silent_failure_margin);
    fo_buf_printf(b, "\nmean accuracy = sum of weekly accuracies / W = %.1f%% (%s)",
                  100 * o->mean_accuracy, policy_name(o->policy));
    if (o->policy == FO_GOV_STRICT)
        fo_buf_printf(b,
                      "\nupgrade delay = retrain + contract bump (+ queueing) = %g + %g days "
                      "-> mean %.1f days",
                      p->retrain_days, p->contract_bump_days, o->upgrade_delay_days);
    else
        fo_buf_printf(b,
                      "\nincident after %lld silent-failure weeks; fix = retrain on the latest "
                      "view, live %g days later; %lld incidents, %lld silent-failure weeks",
                      p->detection_weeks, p->retrain_days, o->incidents, o->silent_failure_weeks);
}

static void governance_json(fo_json *j, const fo_args *a, const story *st,
                            const fo_governance_params *p, const fo_governance_result *r,
                            const char *peek) {
    const fo_gov_outcome *o = &r->outcome[0];
    fo_json_object_begin(j, NULL);
    fo_json_string(j, "command", "governance");
    fo_json_string(j, "track", fo_arg_choice(a, "track"));
    fo_json_int(j, "weeks", p->weeks);
    fo_json_int(j, "release_every_weeks", p->release_every_weeks);
    fo_json_number(j, "severity", p->severity);
    fo_json_number(j, "retrain_days", p->retrain_days);
    fo_json_number(j, "contract_bump_days", p->contract_bump_days);
    fo_json_int(j, "detection_weeks", p->detection_weeks);
    fo_json_int(j, "requests_per_week", p->requests_per_week);
    fo_json_number(j, "silent_failure_margin", p->silent_failure_margin);
    fo_json_int(j, "seed", (long long)fo_arg_num(a, "seed"));
    fo_json_string(j, "upstream", st->words.upstream);
    fo_json_string(j, "downstream", st->words.downstream);
    json_outcome(j, o);
    fo_json_number(j, "v1_accuracy", r->v1_accuracy);
    fo_json_object_begin(j, "comparison");
    json_outcome(j, &r->outcome[1]);
    fo_json_object_end(j);
    fo_json_array_begin(j, "releases");
    for (int v = 1; v < r->releases; v++) {
        const fo_gov_release *rel = &r->release[v];
        fo_json_object_begin(j, NULL);
        fo_json_int(j, "week", rel->week);
        fo_json_int(j, "version", rel->version);
        fo_json_number(j, "severity", rel->severity);
        fo_json_number(j, "accuracy_unretrained", rel->accuracy_unretrained);
        fo_json_number(j, "accuracy_retrained", rel->accuracy_retrained);
        if (rel->adopted_day >= 0)
            fo_json_number(j, "strict_adopted_day", rel->adopted_day);
        else
            fo_json_null(j, "strict_adopted_day");
        fo_json_object_end(j);
    }
    fo_json_array_end(j);
    fo_json_array_begin(j, "weekly");
    for (long long w = 0; w < p->weeks; w++) {
        const fo_gov_week *wk = &o->week[w];
        fo_json_object_begin(j, NULL);
        fo_json_int(j, "week", w);
        fo_json_int(j, "served_version", wk->served_version);
        fo_json_int(j, "trained_version", wk->trained_version);
        fo_json_number(j, "accuracy", wk->accuracy);
        fo_json_bool(j, "release", wk->release);
        fo_json_bool(j, "silent_failure", wk->silent_failure);
        fo_json_bool(j, "incident", wk->incident);
        fo_json_bool(j, "upgraded", wk->upgraded);
        fo_json_object_end(j);
    }
    fo_json_array_end(j);
    fo_json_string(j, "math_peek", peek);
    fo_json_object_end(j);
}

static void outcome_row(fo_buf *b, const fo_gov_outcome *o) {
    fo_buf_printf(b, "  %-8s %12lld %10lld %12.1f%% %14.1f %9lld\n", policy_name(o->policy),
                  o->silent_failure_weeks, o->incidents, 100 * o->mean_accuracy,
                  o->upgrade_delay_days, o->retrains);
}

static void whole_percent(fo_buf *b, double v) {
    fo_buf_printf(b, "%.0f%%", 100.0 * v + 0.0);
}

static void governance_text(fo_buf *b, const fo_args *a, const story *st,
                            const fo_governance_params *p, const fo_governance_result *r,
                            const char *peek) {
    const char *track = fo_arg_choice(a, "track");
    fo_buf_puts(b, "Part 3 - Governance: Loose Versioning vs Strict Immutable Contracts");
    if (track) fo_buf_printf(b, "  (track: %s)", track);
    fo_buf_printf(b,
                  "\n%lld weeks, %s release every %lld weeks (%d releases), mean severity "
                  "%.2f; retrain %g days, contract bump %g days, noticed after %lld weeks\n\n",
                  p->weeks, st->words.upstream, p->release_every_weeks, r->releases - 1,
                  p->severity, p->retrain_days, p->contract_bump_days, p->detection_weeks);
    fo_buf_printf(b, "  %-8s %12s %10s %13s %14s %9s\n", "policy", "silent wks", "incidents",
                  "mean acc", "upgrade delay", "retrains");
    outcome_row(b, &r->outcome[0]);
    outcome_row(b, &r->outcome[1]);
    fo_buf_printf(b,
                  "  (upgrade delay in days from a release until consumers read it; v1 "
                  "accuracy %.1f%%)\n",
                  100 * r->v1_accuracy);
    fo_buf_puts(b, "\n  release ");
    for (long long w = 0; w < p->weeks; w++)
        fo_buf_putc(b, r->outcome[0].week[w].release ? 'R' : '.');
    for (int k = 0; k < 2; k++) {
        const fo_gov_outcome *o = &r->outcome[k];
        fo_buf_printf(b, "\n  %-7s ", policy_name(o->policy));
        for (long long w = 0; w < p->weeks; w++) {
            const fo_gov_week *wk = &o->week[w];
            fo_buf_putc(b, wk->incident         ? 'I'
                           : wk->silent_failure ? '!'
                           : wk->upgraded       ? 'U'
                                                : '.');
        }
    }
    fo_buf_puts(b, "\n  (one character a week: R upstream release; ! silent failure, I incident "
                   "opened, U retrained classifier live)\n");

    double xs[FO_GOV_MAX_WEEKS], y0[FO_GOV_MAX_WEEKS], y1[FO_GOV_MAX_WEEKS];
    for (long long w = 0; w < p->weeks; w++) {
        xs[w] = (double)w;
        y0[w] = r->outcome[0].week[w].accuracy;
        y1[w] = r->outcome[1].week[w].accuracy;
    }
    char l0[32], l1[32];
    snprintf(l0, sizeof l0, "%s", policy_name(r->outcome[0].policy));
    snprintf(l1, sizeof l1, "%s", policy_name(r->outcome[1].policy));
    fo_term_series s[] = {
        {xs, y1, (size_t)p->weeks, r->outcome[1].policy == FO_GOV_LOOSE ? 'l' : 's', l1},
        {xs, y0, (size_t)p->weeks, r->outcome[0].policy == FO_GOV_LOOSE ? 'L' : 'S', l0}};
    fo_buf_puts(b, "\nWeekly accuracy\n");
    fo_termplot(b, s, 2, NULL, 0, 64, 12, "week", whole_percent);
    fo_text_math_peek(b, peek);
}

static fo_status run_governance(const fo_args *a, fo_output *out, fo_error *err) {
    fo_governance_params p;
    memset(&p, 0, sizeof p);
    fo_args_bind(a, &p);
    const story story_copy = story_for(fo_arg_choice(a, "track"));
    const story *st = &story_copy;
    size_t bytes = fo_governance_work_bytes(&p);
    void *work = bytes ? malloc(bytes) : NULL;
    fo_governance_result *r = malloc(sizeof *r);
    if (!work || !r) {
        free(work), free(r);
        return fo_error_set(err, FO_ENOMEM, "out of memory", "", "", "");
    }
    fo_rng rng;
    fo_rng_seed(&rng, (uint64_t)fo_arg_num(a, "seed"));
    if (fo_governance_run(&p, &rng, work, bytes, r) != 0) {
        free(work), free(r);
        return fo_error_set(err, FO_EINTERNAL, "governance: parameters outside the model's domain",
                            "", "", "");
    }
    free(work);
    fo_buf peek;
    fo_buf_init(&peek);
    governance_peek(&peek, &p, r);
    fo_json j;
    fo_json_init(&j, out->json);
    governance_json(&j, a, st, &p, r, fo_buf_str(&peek));
    if (FO_WANT_TEXT(out)) governance_text(out->text, a, st, &p, r, fo_buf_str(&peek));
    if (out->svg) fo_draw_governance(out->svg, fo_figure_width(a), &p, r, &st->words);
    fo_buf_free(&peek);
    free(r);
    return FO_OK;
}

const fo_command fo_cmd_governance = {
    .name = "governance",
    .summary = "Part 3: a year of upstream releases, Loose Versioning vs Strict Contracts",
    .description =
        "Simulates weekly steps on the real Part 3 pipeline: the upstream extractor ships a new "
        "version every K weeks, each with its own drift of the feature space. Loose Versioning: "
        "consumers read the latest view, so a release can put the classifier in silent failure "
        "until someone notices and retrains it. Strict Immutable Contracts: consumers pin a "
        "view version; upgrading needs a retrain and a contract bump, which costs delay but no "
        "silent failure. Reports silent-failure weeks, incidents, mean accuracy and upgrade "
        "delay for the policy asked for, and the other one for comparison.",
    .params = governance_params,
    .nparams = FO_COUNT(governance_params),
    .presets = governance_presets,
    .npresets = FO_COUNT(governance_presets),
    .figure = "Governance year: weekly accuracy with releases and silent-failure weeks",
    .example = "fleetops governance --track tiny-pioneer --policy strict",
    .run = run_governance,
};
