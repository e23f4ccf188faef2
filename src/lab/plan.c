/* plan.c — the lab's content, taken word for word from the plan (docs/PLAN.md): the chapter,
 * the four tracks of its storyboard and the three parts of its mission. Where the plan is
 * silent (which CLI command computes a part) the choice is ours and marked as such. */
#include "fleetops/lab.h"

#include <stdio.h>
#include <string.h>

#include "fleetops/buf.h"
#include "fleetops/scenario.h"

const char *const fo_track_ids[] = {"cloud-titan", "edge-guardian", "mobile-nomad", "tiny-pioneer",
                                    NULL};

static const fo_track tracks[] = {
    {"cloud-titan", "Cloud Titan", "LLM Architect", "Maximize Llama-3-70B serving.",
     "The N-Models Explosion",
     "You are serving 50 different LLM versions for different customers. Your 'Alert Noise' has "
     "made it impossible to find real drift. You must automate 'Threshold Discovery'.",
     NULL},
    {"edge-guardian", "Edge Guardian", "AV Systems Lead", "Deterministic 10ms safety loop.",
     "The Rollout Jitter",
     "You are updating the perception model on 500,000 AVs. A 'Shadow Mode' test reveals that "
     "the new model has a 100ms latency tail on older hardware versions. You must 'Rollback' the "
     "fleet.",
     NULL},
    {"mobile-nomad", "Mobile Nomad", "AR Glasses Dev", "60FPS AR translation.", "The App-OS Skew",
     "A system update changed the NPU power-policy. Now, the AR filter's 'FPS' is drifting "
     "differently across 10 regions. You must implement 'Slice-level Monitoring'.",
     NULL},
    {"tiny-pioneer", "Tiny Pioneer", "Hearable Lead", "Neural isolation in <10ms under 1mW.",
     "The Dependency Domino",
     "You updated the noise-isolation model, but it broke the downstream 'Wake-Word' detector. "
     "You must fix the 'Feature Store' versioning to prevent 'Training-Serving Skew'.",
     /* before Part 3's lock: whether the detector broke is what that lock asks */
     "You updated the noise-isolation model that feeds the downstream 'Wake-Word' detector, "
     "which was trained on the old model's features. You must fix the 'Feature Store' versioning "
     "to prevent 'Training-Serving Skew'."},
};

static const fo_lab_part parts[] = {
    {"roi", 1, "The Platform ROI Audit", "Exploration", 15,
     "Identify the \"Break-even Point\" (N*) where building an ML Platform is cheaper than manual "
     "operations.",
     "How many concurrent models (N) can your team manage manually before the cost of 'Toil' "
     "exceeds the cost of a $500k platform investment?",
     "number", "models",
     "Slide the Number of Models (N) and Model-Type Heterogeneity. Watch the \"Manual Toil\" line "
     "explode super-linearly while the \"Platform\" line remains stable.",
     "OpsBreakEvenPlot (the Ops Cost Curve)",
     "Patterson asks: 'Why does heterogeneity (O(N^2)) kill productivity faster than simple scale "
     "(O(N))?' (Reference the dependency entanglement.)",
     "fleetops roi", NULL},
    {"canary", 2, "The Canary Duration", "Trade-off", 15,
     "Optimize the \"Canary Deployment\" window to balance safety vs. release velocity.",
     "If you want to be 95% confident that your new model hasn't regressed on a '1-in-1,000' edge "
     "case, how many live requests must you monitor in 'Shadow Mode'?",
     "number", "requests",
     "Sliders: Target Confidence (%), Expected Failure Rate, Fleet Request Rate. The 10-Iteration "
     "Rule: find the exact \"Shadow Duration\" that satisfies the Safety Lead without letting the "
     "\"Release Cycle\" exceed 1 week.",
     "Confidence Clock, Risk-vs-Velocity Radar, ShadowModeDashboard",
     "Jeff Dean observes: 'Your shadow window is 3 months long. By the time you deploy, the world "
     "has already drifted.' Propose a 'Sequential Validation' strategy to speed up the loop.",
     "fleetops canary, fleetops bound, fleetops sprt, fleetops rollout", NULL},
    {"ensemble", 3, "The Ensemble Lockdown", "Synthesis", 15,
     "Manage a \"Model Handshake\" between upstream and downstream dependencies in an ensemble.",
     "If you update the 'Feature Extractor' without retraining the 'Classifier', will the system "
     "accuracy drop even if the new extractor is 'better'?",
     "choice", "drop|no-drop",
     "Upstream Version Selector, Downstream Retrain Toggle, Feature Store Consistency Check. The "
     "Software Lead wants to deploy the new extractor tonight: use the Ensemble Trace to prove "
     "that this will cause a 'Silent Failure' in the downstream {downstream}.",
     "Ensemble Trace, Feature Store Consistency Check",
     "Defend your final 'Governance Policy.' Did you choose 'Loose Versioning' or 'Strict "
     "Immutable Contracts'? Justify using the Training-Serving Skew Invariant.",
     "fleetops ensemble, fleetops governance",
     /* before the lock: whether the system's accuracy drops is what the lock asks */
     "Upstream Version Selector, Downstream Retrain Toggle, Feature Store Consistency Check. The "
     "Software Lead wants to deploy the new extractor tonight: use the Ensemble Trace to show "
     "what it will do to the downstream {downstream}."},
};

static const fo_lab_chapter chapter = {
    "Operations at Scale: Fleet Monitoring & Governance",
    "The Operations Invariant: complexity scales super-linearly with model heterogeneity: O(N) "
    "alerts, O(N log N) deployment, O(N^2) dependencies.",
    "At scale, \"Manual Work is Toil.\" Navigate the trade-off between Operational Toil (manual "
    "fixes) and Platform CapEx (automation cost): find the break-even point for building an ML "
    "Platform.",
    45,
    "ROI_platform = Toil_manual - (CapEx_platform + Toil_platform)",
};

const fo_lab_chapter *fo_lab_chapter_info(void) {
    return &chapter;
}

const fo_track *fo_lab_tracks(size_t *count) {
    *count = sizeof tracks / sizeof tracks[0];
    return tracks;
}

const fo_track *fo_lab_track(const char *id) {
    for (size_t i = 0; i < sizeof tracks / sizeof tracks[0]; i++)
        if (strcmp(tracks[i].id, id) == 0) return &tracks[i];
    return NULL;
}

const fo_lab_part *fo_lab_parts(size_t *count) {
    *count = sizeof parts / sizeof parts[0];
    return parts;
}

/* `text` with the track's own downstream model in place of {downstream} (the plan's words name
 * Tiny Pioneer's wake-word detector; without a track, that is what it says). */
static void with_downstream(const char *text, const char *track, char *out, size_t n) {
    const fo_scenario *s = fo_scenario_get(track);
    if (!s) s = fo_scenario_get("tiny-pioneer");
    const char *mark = "{downstream}", *at = fo_strfind(text, mark);
    if (!at) {
        snprintf(out, n, "%s", text);
        return;
    }
    snprintf(out, n, "%.*s%s%s", (int)(at - text), text, s->downstream, at + strlen(mark));
}

void fo_lab_part_workbench(const fo_lab_part *part, const char *track, char *out, size_t n) {
    with_downstream(part->workbench, track, out, n);
}

void fo_lab_part_workbench_before_lock(const fo_lab_part *part, const char *track, char *out,
                                       size_t n) {
    with_downstream(part->workbench_before_lock ? part->workbench_before_lock : part->workbench,
                    track, out, n);
}
