/* cmd_crisis_tiny.c — `fleetops crisis tiny-pioneer`: the Dependency Domino on Part 3's pipeline,
 * unpinned vs pinned (engine: crisis_tiny.c) */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crisis_cmd.h"
#include "fleetops/scenario.h"
#include "fleetops/instruments.h"
#include "fleetops/lab.h"

#define TINY_SILENT_FAILURE_MARGIN 0.05 /* Part 3's Tiny Pioneer preset (cmd_crisis.c's header) */

/* Part 3's Tiny Pioneer story (cmd_ensemble.c tells it the same way), the models named by the
 * track's scenario. */
static fo_ensemble_story tiny_story(void) {
    const fo_scenario *s = fo_scenario_get("tiny-pioneer");
    fo_ensemble_story st = {s->upstream, s->downstream, "wake word", "no wake word"};
    return st;
}

static double max_psi(const fo_fs_check_result *c, int *feature) {
    double m = 0;
    int at = 0;
    for (int f = 0; f < c->dims; f++)
        if (c->feature[f].psi > m) m = c->feature[f].psi, at = f;
    if (feature) *feature = at;
    return m;
}

static const char *moved(double drop) {
    return drop > 0 ? "fell" : drop < 0 ? "rose" : "stayed";
}

static void tiny_summary(fo_buf *b, const fo_tiny_params *p, const fo_tiny_result *r) {
    const fo_tiny_column *u = &r->unpinned, *k = &r->pinned;
    const fo_ensemble_result *run = &r->run;
    int dims = u->skew.dims;
    if (!k->deploy_blocked) {
        fo_buf_printf(b,
                      "Retrained on v2 before the upgrade, the wake-word detector read the view "
                      "it was trained on in both columns and accuracy %s from %.1f%% to %.1f%% "
                      "with %lld errors raised: unpinned nothing checked the deploy, pinned the "
                      "contract check %s on the bumped contract (@v%d) and let it through.",
                      moved(u->accuracy_drop), 100 * run->baseline_accuracy, 100 * u->accuracy,
                      u->errors_raised,
                      strcmp(run->check.verdict, "pass") == 0 ? "passed" : "warned of drift",
                      k->trained_version);
        return;
    }
    fo_buf_printf(b,
                  "Unpinned, the noise-isolation v2 features reached the wake-word detector "
                  "trained on v1 with %lld errors raised and accuracy %s from %.1f%% to %.1f%% "
                  "(%d of %d features skewed",
                  u->errors_raised, moved(u->accuracy_drop), 100 * run->baseline_accuracy,
                  100 * u->accuracy, u->skew.flagged_features, dims);
    if (u->silent_failure)
        fo_buf_printf(b, "): a silent failure; ");
    else
        fo_buf_printf(b, ", no silent failure at the %g-point margin); ",
                      100 * p->silent_failure_margin);
    fo_buf_printf(b,
                  "pinned to %s@v%d, the contract check blocked the deploy%s and accuracy %s "
                  "at %.1f%%",
                  run->baseline_view.name, k->served_version,
                  u->silent_failure ? "" : " anyway (the version changed)",
                  u->silent_failure ? "held" : "stayed", 100 * k->accuracy);
    if (k->skew.skew_flagged)
        fo_buf_printf(b, " (%d of %d features over the skew thresholds by sampling noise alone)",
                      k->skew.flagged_features, dims);
    else
        fo_buf_printf(b, " with no training-serving skew");
    if (!u->silent_failure && u->accuracy_drop < 0)
        fo_buf_printf(b,
                      ": a contract blocks by version, not by harm, so retrain first to ship v2");
    fo_buf_printf(b, ".");
}

static void tiny_peek(fo_buf *b, const fo_tiny_params *p, const fo_tiny_result *r) {
    const fo_ensemble_result *run = &r->run;
    const fo_tiny_column *u = &r->unpinned, *k = &r->pinned;
    long long n = run->requests_served, base_ok = run->outcomes[3] + run->outcomes[2];
    fo_buf_printf(b,
                  "accuracy = correct / N on the same N = %lld held-out requests in both "
                  "columns; v1 baseline = %lld / %lld = %.1f%%\n",
                  n, base_ok, n, 100 * run->baseline_accuracy);
    fo_buf_printf(b,
                  "v2 space: f2 = diag(e^(s l)) R(s 90 deg) f1 + s b, s = %.2f: rotation %.1f "
                  "deg, rescale x%.2f..x%.2f\n",
                  p->severity, run->rotation_deg, run->scale_min, run->scale_max);
    fo_buf_printf(b,
                  "unpinned: detector trained on @v%d scores @v%d: accuracy = (TP + TN) / N = "
                  "(%lld + %lld) / %lld = %.1f%%; drop = %.1f%% - %.1f%% = %+.1f points vs "
                  "margin %.0f; errors_raised = %lld (8 = 8 finite features) -> %s\n",
                  u->trained_version, u->served_version, run->tp, run->tn, n, 100 * u->accuracy,
                  100 * run->baseline_accuracy, 100 * u->accuracy, 100 * u->accuracy_drop,
                  100 * p->silent_failure_margin, u->errors_raised,
                  u->silent_failure ? "SILENT FAILURE" : "no silent failure");
    int fu, fk;
    double pu = max_psi(&u->skew, &fu), pk = max_psi(&k->skew, &fk);
    fo_buf_printf(b,
                  "skew per feature: PSI = sum_b (q_b - p_b) ln(q_b / p_b) on the training "
                  "deciles, flagged at >= 0.1 (or JS, Linf >= 0.1); unpinned max PSI(%s) = %.3f, "
                  "%d of %d flagged; pinned max PSI(%s) = %.3f, %d flagged\n",
                  run->baseline_view.feature_names[fu], pu, u->skew.flagged_features, u->skew.dims,
                  run->baseline_view.feature_names[fk], pk, k->skew.flagged_features);
    fo_buf_printf(b,
                  "contract: FNV-1a-64 of each view's schema; the detector's contract @v%d %s, "
                  "the deploy offers @v%d %s -> %s -> verdict %s -> deploy %s\n",
                  run->trained_version, run->trained_view.hash_hex, run->served_version,
                  run->served_view.hash_hex,
                  run->check.contract_ok ? "name, version and hash match"
                                         : "version and hash differ",
                  run->check.verdict, k->deploy_blocked ? "blocked" : "allowed");
    if (k->deploy_blocked)
        fo_buf_printf(b,
                      "pinned: the detector keeps reading @v%d: accuracy = baseline = %.1f%%, "
                      "drop 0; v2 retrained would give %.1f%% (retrain, then bump the contract)",
                      k->served_version, 100 * k->accuracy, 100 * run->retrained_accuracy);
    else
        fo_buf_printf(b,
                      "pinned: retrained on @v%d with its contract bumped: accuracy = %.1f%%, the "
                      "same as unpinned",
                      k->trained_version, 100 * k->accuracy);
}

static void tiny_column_json(fo_json *j, const char *key, const fo_tiny_column *c,
                             const fo_tiny_result *r) {
    char view[64];
    fo_json_object_begin(j, key);
    fo_json_number(j, "accuracy", c->accuracy);
    fo_json_bool(j, "skew_flagged", c->skew.skew_flagged);
    fo_json_bool(j, "deploy_blocked", c->deploy_blocked);
    fo_json_bool(j, "silent_failure", c->silent_failure);
    fo_json_number(j, "accuracy_drop", c->accuracy_drop);
    fo_json_int(j, "errors_raised", c->errors_raised);
    fo_json_bool(j, "contract_checked", c->contract_checked);
    if (c->pinned)
        snprintf(view, sizeof view, "%s@v%d (pinned)", r->run.baseline_view.name,
                 c->served_version);
    else
        snprintf(view, sizeof view, "%s@latest (v%d)", r->run.baseline_view.name,
                 c->served_version);
    fo_json_string(j, "reads", view);
    fo_json_int(j, "served_version", c->served_version);
    fo_json_string(j, "served_schema_hash", c->served_hash);
    fo_json_int(j, "trained_version", c->trained_version);
    fo_json_string(j, "trained_schema_hash", c->trained_hash);
    fo_json_int(j, "flagged_features", c->skew.flagged_features);
    fo_json_number(j, "max_psi", max_psi(&c->skew, NULL));
    fo_json_object_end(j);
}

static void tiny_view_json(fo_json *j, const char *key, const fo_fs_view *v) {
    fo_json_object_begin(j, key);
    fo_json_string(j, "name", v->name);
    fo_json_int(j, "version", v->version);
    fo_json_string(j, "schema_hash", v->hash_hex);
    fo_json_string(j, "producer", v->producer);
    fo_json_string(j, "normalisation", v->normalisation);
    fo_json_string(j, "basis", v->basis);
    fo_json_object_end(j);
}

static void tiny_answer_json(fo_json *j, const char *key, const fo_tiny_answer *a) {
    fo_json_object_begin(j, key);
    fo_json_number(j, "score", a->score);
    fo_json_string(j, "label", a->label ? tiny_story().positive : tiny_story().negative);
    fo_json_bool(j, "correct", a->correct);
    fo_json_object_end(j);
}

static void tiny_json(fo_json *j, const fo_tiny_params *p, const fo_tiny_result *r) {
    const fo_ensemble_result *run = &r->run;
    const fo_fs_check_result *c = &run->check;
    tiny_column_json(j, "unpinned", &r->unpinned, r);
    tiny_column_json(j, "pinned", &r->pinned, r);
    fo_json_number(j, "baseline_accuracy", run->baseline_accuracy);
    fo_json_number(j, "retrained_accuracy", run->retrained_accuracy);
    fo_json_number(j, "severity", p->severity);
    fo_json_string(j, "retrain_before_upgrade", fo_crisis_yes_no[p->retrain]);
    fo_json_int(j, "requests", run->requests_served);
    fo_json_int(j, "train_size", FO_TINY_TRAIN_ROWS);
    fo_json_number(j, "silent_failure_margin", p->silent_failure_margin);
    fo_json_object_begin(j, "story");
    fo_json_string(j, "upstream", tiny_story().upstream);
    fo_json_string(j, "downstream", tiny_story().downstream);
    fo_json_string(j, "positive_class", tiny_story().positive);
    fo_json_string(j, "negative_class", tiny_story().negative);
    fo_json_object_end(j);
    fo_json_object_begin(j, "views");
    tiny_view_json(j, "v1", &run->baseline_view);
    tiny_view_json(j, "v2", &run->served_view);
    fo_json_object_end(j);
    fo_json_object_begin(j, "contract_check");
    char v[64];
    snprintf(v, sizeof v, "%s@v%d", run->trained_view.name, run->trained_view.version);
    fo_json_string(j, "contract", v);
    snprintf(v, sizeof v, "%s@v%d", run->served_view.name, run->served_view.version);
    fo_json_string(j, "candidate", v);
    fo_json_string(j, "verdict", c->verdict);
    fo_json_bool(j, "contract_ok", c->contract_ok);
    fo_json_bool(j, "shapes_match", c->dims_match);
    fo_json_bool(j, "skew_flagged", c->skew_flagged);
    fo_json_int(j, "flagged_features", c->flagged_features);
    fo_json_bool(j, "deploy_blocked", r->pinned.deploy_blocked);
    fo_json_string(j, "rule",
                   "block when the verdict is fail (version, schema hash or shape "
                   "differ from the contract); drift warns");
    fo_json_array_begin(j, "reasons");
    for (int k = 0; k < c->nreasons; k++)
        fo_json_string(j, NULL, c->reasons[k]);
    fo_json_array_end(j);
    fo_json_object_end(j);
    fo_json_object_begin(j, "upgrade");
    fo_json_number(j, "rotation_deg", run->rotation_deg);
    fo_json_number(j, "scale_min", run->scale_min);
    fo_json_number(j, "scale_max", run->scale_max);
    fo_json_number(j, "leakage_v1", run->leakage_v1);
    fo_json_number(j, "leakage_v2", run->leakage_v2);
    fo_json_object_end(j);
    fo_json_array_begin(j, "skew");
    for (int f = 0; f < r->unpinned.skew.dims; f++) {
        const fo_fs_feature_check *a = &r->unpinned.skew.feature[f],
                                  *b = &r->pinned.skew.feature[f];
        fo_json_object_begin(j, NULL);
        fo_json_string(j, "feature", run->baseline_view.feature_names[f]);
        fo_json_number(j, "unpinned_psi", a->psi);
        fo_json_bool(j, "unpinned_flagged", a->flagged);
        fo_json_number(j, "pinned_psi", b->psi);
        fo_json_bool(j, "pinned_flagged", b->flagged);
        fo_json_object_end(j);
    }
    fo_json_array_end(j);
    fo_json_array_begin(j, "trace");
    for (int k = 0; k < run->trace_len; k++) {
        fo_json_object_begin(j, NULL);
        fo_json_int(j, "request", run->trace[k].request);
        fo_json_string(j, "truth",
                       run->trace[k].truth ? tiny_story().positive : tiny_story().negative);
        tiny_answer_json(j, "unpinned", &r->unpinned.trace[k]);
        tiny_answer_json(j, "pinned", &r->pinned.trace[k]);
        fo_json_object_end(j);
    }
    fo_json_array_end(j);
}

static void tiny_cell(char *out, size_t n, const fo_tiny_column *c) {
    snprintf(out, n, "@v%d %.8s", c->served_version, c->served_hash);
}

static void tiny_text(fo_buf *b, const fo_tiny_params *p, const fo_tiny_result *r,
                      const char *summary) {
    const fo_ensemble_result *run = &r->run;
    const fo_tiny_column *col[2] = {&r->unpinned, &r->pinned};
    char ns[32], a[64], c2[64];
    fo_buf_printf(b, "Tiny Pioneer crisis - The Dependency Domino\n");
    fo_buf_printf(b,
                  "The noise-isolation model ships v2 (severity %.2f: basis rotated %.1f deg, "
                  "features rescaled x%.2f..x%.2f and shifted);\nthe wake-word detector was "
                  "trained on %s@v1; retrain before upgrade: %s; %s held-out requests.\n\n",
                  p->severity, run->rotation_deg, run->scale_min, run->scale_max,
                  run->baseline_view.name, fo_crisis_yes_no[p->retrain],
                  fo_crisis_fmt_count(ns, sizeof ns, (double)run->requests_served));
    fo_buf_printf(b, "  %-24s %-24s %s\n", "", "unpinned (reads latest)", "pinned (contract)");
    tiny_cell(a, sizeof a, col[0]), tiny_cell(c2, sizeof c2, col[1]);
    fo_buf_printf(b, "  %-24s %-24s %s\n", "detector reads", a, c2);
    for (int k = 0; k < 2; k++)
        snprintf(k ? c2 : a, sizeof a, "@v%d %.8s", col[k]->trained_version, col[k]->trained_hash);
    fo_buf_printf(b, "  %-24s %-24s %s\n", "trained on", a, c2);
    snprintf(c2, sizeof c2, "%s: deploy %s", run->check.verdict,
             r->pinned.deploy_blocked ? "BLOCKED" : "allowed");
    fo_buf_printf(b, "  %-24s %-24s %s\n", "contract check", "none", c2);
    fo_buf_printf(b, "  %-24s %-24lld %lld\n", "errors raised", col[0]->errors_raised,
                  col[1]->errors_raised);
    for (int k = 0; k < 2; k++)
        snprintf(k ? c2 : a, sizeof a, "%.1f%%", 100 * col[k]->accuracy);
    fo_buf_printf(b, "  %-24s %-24s %s\n", "accuracy", a, c2);
    for (int k = 0; k < 2; k++)
        if (col[k]->accuracy_drop == 0)
            snprintf(k ? c2 : a, sizeof a, "0.0 points");
        else
            snprintf(k ? c2 : a, sizeof a, "%+.1f points", -100 * col[k]->accuracy_drop);
    char lab[48];
    snprintf(lab, sizeof lab, "vs v1 baseline %.1f%%", 100 * run->baseline_accuracy);
    fo_buf_printf(b, "  %-24s %-24s %s\n", lab, a, c2);
    for (int k = 0; k < 2; k++)
        snprintf(k ? c2 : a, sizeof a, "%d of %d (max PSI %.2f)", col[k]->skew.flagged_features,
                 col[k]->skew.dims, max_psi(&col[k]->skew, NULL));
    fo_buf_printf(b, "  %-24s %-24s %s\n", "skewed features", a, c2);
    fo_buf_printf(b, "  %-24s %-24s %s\n", "silent failure", col[0]->silent_failure ? "YES" : "no",
                  col[1]->silent_failure ? "YES" : "no");
    fo_buf_printf(b,
                  "\n  v2 with the detector retrained on it: %.1f%% (what shipping v2 properly "
                  "earns)\n",
                  100 * run->retrained_accuracy);

    fo_buf_printf(
        b, "\nContract check of the deploy (%s@v%d against the detector's contract @v%d): %s\n",
        run->served_view.name, run->served_version, run->trained_version, run->check.verdict);
    for (int k = 0; k < run->check.nreasons; k++)
        fo_buf_printf(b, "  - %s\n", run->check.reasons[k]);

    fo_buf_printf(b, "\nTraced requests (the same %d in both columns; score = P(%s))\n",
                  run->trace_len, tiny_story().positive);
    fo_buf_printf(b, "  %-6s %-14s %-24s %s\n", "req", "truth", "unpinned", "pinned");
    for (int k = 0; k < run->trace_len; k++) {
        for (int c = 0; c < 2; c++) {
            const fo_tiny_answer *t = &col[c]->trace[k];
            snprintf(c ? c2 : a, sizeof a, "%s (%.2f) %s",
                     t->label ? tiny_story().positive : tiny_story().negative, t->score,
                     t->correct ? "ok" : "WRONG");
        }
        fo_buf_printf(b, "  #%-5lld %-14s %-24s %s\n", run->trace[k].request,
                      run->trace[k].truth ? tiny_story().positive : tiny_story().negative, a, c2);
    }
    fo_buf_printf(b, "\n%s\n", summary);
}

/* ---- sealed: the domino without Part 3's answer --------------------------------------------
 * Part 3 asks whether accuracy drops when the upstream model is updated and the downstream one
 * is not retrained. Sealed, the crisis states everything but that: the update, the pipeline,
 * the feature store's versions and schema hashes, each column's contract and what the deploy's
 * contract check decides (about versions and hashes, not data), and what the wake-word team
 * sees, which is the same whatever the accuracy did: answers to every request, no error.
 * No accuracy, no skew figure, no traced answers, no drop/no-drop verdict. */
#define SEALED_REASON                                                                              \
    "Part 3 asks whether the detector's accuracy drops when the upstream model is updated "        \
    "without retraining it; this view shows the domino, not that answer, until the prediction "    \
    "is locked."

static void view_name(char *out, size_t n, const fo_fs_view *v) {
    snprintf(out, n, "%s@v%d", v->name, v->version);
}

static void sealed_summary(fo_buf *b, const fo_tiny_params *p, const fo_tiny_result *r) {
    const fo_ensemble_result *run = &r->run;
    fo_ensemble_story st = tiny_story();
    char v1[64], v2[64];
    view_name(v1, sizeof v1, &run->baseline_view);
    view_name(v2, sizeof v2, &run->served_view);
    fo_buf_printf(b,
                  "The %s shipped v2: the feature store now holds %s beside %s, and latest "
                  "points at v2. The %s was trained on %s%s. Unpinned, it reads the latest view, "
                  "%s, and no check runs; pinned, its contract names %s and its schema hash, and "
                  "the contract check %s the deploy. What the %s team sees: every request is "
                  "answered and %lld errors are raised.",
                  st.upstream, v2, v1, st.downstream, v1,
                  p->retrain == FO_ENS_RETRAIN_YES ? " and retrained on v2 before the upgrade" : "",
                  v2, v1, r->pinned.deploy_blocked ? "blocks" : "lets through", "wake-word",
                  r->unpinned.errors_raised);
}

static void sealed_column_json(fo_json *j, const char *key, const fo_tiny_column *c,
                               const fo_tiny_result *r) {
    char v[128];
    fo_json_object_begin(j, key);
    if (c->pinned)
        snprintf(v, sizeof v, "%s@v%d (its contract's)", r->run.served_view.name,
                 c->served_version);
    else
        snprintf(v, sizeof v, "%s@latest (v%d)", r->run.served_view.name, c->served_version);
    fo_json_string(j, "reads", v);
    fo_json_int(j, "served_version", c->served_version);
    fo_json_string(j, "served_schema_hash", c->served_hash);
    fo_json_int(j, "trained_version", c->trained_version);
    fo_json_string(j, "trained_schema_hash", c->trained_hash);
    fo_json_bool(j, "contract_checked", c->contract_checked);
    fo_json_bool(j, "deploy_blocked", c->deploy_blocked);
    fo_json_int(j, "errors_raised", c->errors_raised);
    fo_json_object_end(j);
}

static void sealed_json(fo_json *j, const fo_tiny_params *p, const fo_tiny_result *r) {
    const fo_ensemble_result *run = &r->run;
    fo_ensemble_story st = tiny_story();
    char v1[64], v2[64];
    view_name(v1, sizeof v1, &run->baseline_view);
    view_name(v2, sizeof v2, &run->served_view);
    fo_json_string(j, "outcome", "sealed");
    fo_json_string(j, "sealed_reason", SEALED_REASON);
    fo_json_number(j, "severity", p->severity);
    fo_json_string(j, "retrain_before_upgrade", fo_crisis_yes_no[p->retrain]);
    fo_json_int(j, "requests", run->requests_served);
    fo_json_object_begin(j, "story");
    fo_json_string(j, "upstream", st.upstream);
    fo_json_string(j, "downstream", st.downstream);
    fo_json_object_end(j);
    fo_json_object_begin(j, "views");
    tiny_view_json(j, "v1", &run->baseline_view);
    tiny_view_json(j, "v2", &run->served_view);
    fo_json_object_end(j);
    sealed_column_json(j, "unpinned", &r->unpinned, r);
    sealed_column_json(j, "pinned", &r->pinned, r);
    fo_json_object_begin(j, "contract_check");
    char v[64];
    snprintf(v, sizeof v, "%s@v%d", run->trained_view.name, run->trained_view.version);
    fo_json_string(j, "contract", v);
    fo_json_string(j, "candidate", v2);
    fo_json_bool(j, "contract_ok", run->check.contract_ok);
    fo_json_bool(j, "shapes_match", run->check.dims_match);
    fo_json_bool(j, "deploy_blocked", r->pinned.deploy_blocked);
    fo_json_string(j, "rule",
                   "block when the view's version, schema hash or shape differ from "
                   "the contract's");
    fo_json_object_end(j);
    fo_json_array_begin(j, "symptoms");
    fo_json_string(j, NULL, "every request gets an answer: nothing times out or crashes");
    char e[96];
    snprintf(e, sizeof e, "%lld errors raised and no alert fired", r->unpinned.errors_raised);
    fo_json_string(j, NULL, e);
    fo_json_string(j, NULL, "nothing in the detector's logs says which view version it read");
    fo_json_array_end(j);
}

static void sealed_peek(fo_buf *b, const fo_tiny_result *r) {
    fo_buf_printf(b,
                  "contract check: the deploy is blocked when the view it would read differs "
                  "from the contract's %s@v%d in version, schema hash (a hash of producer, "
                  "normalisation, basis and feature names) or shape",
                  r->run.trained_view.name, r->run.trained_view.version);
    fo_buf_puts(b, "\nsealed until Part 3's prediction is locked: the accuracy of each column, "
                   "the training-serving skew (PSI per feature) and the traced answers");
}

fo_status fo_crisis_run_tiny(const fo_args *a, crisis_params *p, fo_rng *rng, fo_output *out,
                             fo_error *err) {
    p->tiny.silent_failure_margin = TINY_SILENT_FAILURE_MARGIN;
    size_t bytes = fo_tiny_work_bytes(&p->tiny);
    void *work = bytes ? malloc(bytes) : NULL;
    fo_tiny_result *r = malloc(sizeof *r);
    if (!work || !r) {
        free(work), free(r);
        return fo_error_set(err, FO_ENOMEM, "out of memory", "", "", "");
    }
    if (fo_tiny_simulate(&p->tiny, rng, work, bytes, r) != 0) {
        free(work), free(r);
        return fo_error_set(err, FO_EINTERNAL, "crisis: parameters outside the model's domain", "",
                            "", "");
    }
    free(work);
    fo_buf summary, peek;
    fo_buf_init(&summary), fo_buf_init(&peek);
    if (strcmp(fo_arg_choice(a, "outcome"), "sealed") == 0) {
        sealed_summary(&summary, &p->tiny, r);
        sealed_peek(&peek, r);
        fo_json j;
        fo_json_init(&j, out->json);
        fo_crisis_begin_json(&j, a, p, fo_buf_str(&summary));
        sealed_json(&j, &p->tiny, r);
        fo_json_string(&j, "math_peek", fo_buf_str(&peek));
        fo_json_object_end(&j);
        if (FO_WANT_TEXT(out)) {
            fo_buf_printf(
                out->text,
                "Tiny Pioneer crisis - The Dependency Domino (outcome sealed)\n\n%s\n\n%s\n",
                fo_buf_str(&summary), SEALED_REASON);
            fo_text_math_peek(out->text, fo_buf_str(&peek));
        }
        if (out->svg) {
            const fo_ensemble_story st = tiny_story();
            fo_draw_tiny_domino_sealed(out->svg, fo_figure_width(a), &p->tiny, r, &st);
        }
        fo_buf_free(&summary), fo_buf_free(&peek);
        free(r);
        return FO_OK;
    }
    tiny_summary(&summary, &p->tiny, r);
    tiny_peek(&peek, &p->tiny, r);
    fo_json j;
    fo_json_init(&j, out->json);
    fo_crisis_begin_json(&j, a, p, fo_buf_str(&summary));
    tiny_json(&j, &p->tiny, r);
    fo_json_string(&j, "math_peek", fo_buf_str(&peek));
    fo_json_object_end(&j);
    if (FO_WANT_TEXT(out)) {
        tiny_text(out->text, &p->tiny, r, fo_buf_str(&summary));
        fo_text_math_peek(out->text, fo_buf_str(&peek));
    }
    if (out->svg) {
        const fo_ensemble_story st = tiny_story();
        fo_draw_tiny_domino(out->svg, fo_figure_width(a), &p->tiny, r, &st);
    }
    fo_buf_free(&summary), fo_buf_free(&peek);
    free(r);
    return FO_OK;
}
