/* lab.h — the lab's fixed content: the chapter, the four tracks and the three parts, worded
 * as in the plan (docs/PLAN.md, a copy of the seed the project's user handed over).
 *
 * Everything here is static data; the command table serves it as `fleetops lab` and
 * `fleetops tracks`, and the page and the report read it from there. */
#ifndef FLEETOPS_LAB_H
#define FLEETOPS_LAB_H

#include <stddef.h>

typedef struct fo_track {
    const char *id;      /* "cloud-titan": the --track value */
    const char *name;    /* "Cloud Titan" */
    const char *persona; /* "LLM Architect" */
    const char *mission; /* the fixed North Star mission */
    const char *crisis_title;
    const char *crisis; /* the Ops crisis, as the plan words it */
    /* the crisis as told before a later part's lock where the plan's words would answer it
     * (Tiny Pioneer's "it broke the downstream detector" is Part 3's answer); NULL: crisis */
    const char *crisis_before_lock;
} fo_track;

typedef struct fo_lab_part {
    const char *id; /* "roi", "canary", "ensemble" */
    int number;
    const char *title;
    const char *kind; /* Exploration, Trade-off, Synthesis */
    int minutes;
    const char *objective;
    const char *lock;       /* the prediction question */
    const char *lock_kind;  /* "number" or "choice" */
    const char *lock_unit;  /* unit of a numeric answer, or the choices "a|b" */
    const char *workbench;  /* what the student moves and watches ({downstream}: see below) */
    const char *instrument; /* the named figures */
    const char *reflect;    /* the reflection prompt */
    const char *commands;   /* the CLI commands that compute it */
    /* the workbench as told before this part's lock where the plan's words would answer it
     * (Part 3's "prove that this will cause a Silent Failure"); NULL: workbench */
    const char *workbench_before_lock;
} fo_lab_part;

typedef struct fo_lab_chapter {
    const char *title;
    const char *invariant;
    const char *struggle;
    int minutes;
    const char *math_peek;
} fo_lab_chapter;

extern const char *const fo_track_ids[]; /* NULL-terminated, in plan order */

const fo_lab_chapter *fo_lab_chapter_info(void);
const fo_track *fo_lab_tracks(size_t *count);
const fo_track *fo_lab_track(const char *id); /* NULL when unknown */
const fo_lab_part *fo_lab_parts(size_t *count);
/* A part's workbench in the track's words (Part 3 names the track's downstream model; NULL
 * track: the plan's, Tiny Pioneer's wake-word detector). Use this, not part->workbench. */
void fo_lab_part_workbench(const fo_lab_part *part, const char *track, char *out, size_t n);
/* The same for the words shown before the part's lock (workbench_before_lock). */
void fo_lab_part_workbench_before_lock(const fo_lab_part *part, const char *track, char *out,
                                       size_t n);

/* The reveal after a locked prediction, computed by the engine for the student's track (never
 * taken from the page), so the ledger's "how far off" cannot be edited. */
typedef struct fo_reveal {
    char predicted[64];   /* as validated */
    char actual[64];      /* the answer, as text ("32", "2995", "drop") */
    double off_by_factor; /* max(p/a, a/p) for numeric answers; 0 for choices */
    int correct;          /* choices: 1 or 0; numeric: 1 when within a factor of 1.5 */
    char sentence[256];   /* "You predicted 40 models; the break-even is 32 (off by 1.3x)." */
    /* Part 1 only (empty otherwise): which reading of the question the answer takes, the literal
     * reading's number and how the 50% toil cap differs, one plain sentence each (roi.h). */
    char answer_reading[320], literal_reading[320], toil_cap_reading[320];
} fo_reveal;

struct fo_error;
struct fo_json;
/* part: "roi", "canary", "ensemble". Validates `predicted` with the part's command's own
 * predict parameter; FO_EUSAGE for a bad value, FO_ENOTFOUND for a part not built yet. */
int fo_lab_reveal(const char *part, const char *track, const char *predicted, fo_reveal *r,
                  struct fo_error *err);
/* {"prediction": {part, predicted, actual, off_by_factor, correct, sentence}}: the answer to
 * POST /api/ledger/predictions, and the static build's (src/wasm) reveal. */
void fo_lab_reveal_json(struct fo_json *j, const char *part, const fo_reveal *r);
/* fo_lab_reveal with the question's fixed numbers named in `names` multiplied by `mult` (a
 * student's own numbers, variant.h: Part 2's failure rate). */
int fo_lab_reveal_scaled(const char *part, const char *track, const char *predicted,
                         const char *const *names, const double *mult, size_t n, fo_reveal *r,
                         struct fo_error *err);

#endif
