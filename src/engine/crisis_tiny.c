/* crisis_tiny.c — Tiny Pioneer's Dependency Domino (crisis_tiny.h): one run of Part 3's
 * pipeline (fo_ensemble_run) with v2 published, and the two ways the wake-word detector can
 * read the feature store. */
#include "fleetops/crisis_tiny.h"

#include <string.h>

static fo_ensemble_params ensemble_params(const fo_tiny_params *p) {
    return (fo_ensemble_params){.upstream = FO_ENS_UPSTREAM_V2,
                                .retrain = p->retrain,
                                .severity = p->severity,
                                .train_size = FO_TINY_TRAIN_ROWS,
                                .requests = p->requests,
                                .silent_failure_margin = p->silent_failure_margin,
                                .view_name = FO_TINY_VIEW,
                                .producer = FO_TINY_PRODUCER,
                                .feature_prefix = FO_TINY_PREFIX};
}

size_t fo_tiny_work_bytes(const fo_tiny_params *p) {
    fo_ensemble_params e = ensemble_params(p);
    return fo_ensemble_work_bytes(&e);
}

/* The detector reads the view the run served (v2, to the detector trained as asked). */
static void served_column(fo_tiny_column *c, const fo_ensemble_result *run) {
    c->served_version = run->served_version;
    c->trained_version = run->trained_version;
    memcpy(c->served_hash, run->served_view.hash_hex, sizeof c->served_hash);
    memcpy(c->trained_hash, run->trained_view.hash_hex, sizeof c->trained_hash);
    c->accuracy = run->accuracy;
    c->accuracy_drop = run->accuracy_drop;
    c->errors_raised = run->errors_raised;
    c->silent_failure = run->silent_failure;
    c->skew = run->check;
    for (int k = 0; k < run->trace_len; k++)
        c->trace[k] =
            (fo_tiny_answer){run->trace[k].score, run->trace[k].label, run->trace[k].correct};
}

/* The detector keeps reading v1, the view it was trained on: the v1 pipeline. Serving v1's
 * 8 finite features to a consumer of 8 raises no error. */
static void kept_column(fo_tiny_column *c, const fo_ensemble_result *run) {
    c->served_version = c->trained_version = run->baseline_view.version;
    memcpy(c->served_hash, run->baseline_view.hash_hex, sizeof c->served_hash);
    memcpy(c->trained_hash, run->baseline_view.hash_hex, sizeof c->trained_hash);
    c->accuracy = run->baseline_accuracy;
    c->accuracy_drop = 0.0;
    c->errors_raised = 0;
    c->silent_failure = 0;
    c->skew = run->baseline_check;
    for (int k = 0; k < run->trace_len; k++)
        c->trace[k] = (fo_tiny_answer){run->trace[k].baseline_score, run->trace[k].baseline_label,
                                       run->trace[k].baseline_correct};
}

int fo_tiny_simulate(const fo_tiny_params *p, fo_rng *rng, void *work, size_t work_bytes,
                     fo_tiny_result *r) {
    if (p->retrain != FO_ENS_RETRAIN_YES && p->retrain != FO_ENS_RETRAIN_NO) return -1;
    fo_ensemble_params e = ensemble_params(p);
    memset(r, 0, sizeof *r);
    if (fo_ensemble_run(&e, rng, work, work_bytes, &r->run) != 0) return -1;

    /* Unpinned: whatever is latest reaches the detector; no check stands in the way. */
    served_column(&r->unpinned, &r->run);

    /* Pinned: the deploy moving the detector to @v2 is gated by the contract check of v2
     * against the detector's contract (its training view: @v1, or @v2 once retrained). */
    fo_tiny_column *c = &r->pinned;
    c->pinned = 1;
    c->contract_checked = 1;
    c->deploy_blocked = strcmp(r->run.check.verdict, "fail") == 0;
    if (c->deploy_blocked)
        kept_column(c, &r->run);
    else
        served_column(c, &r->run);
    return 0;
}
