/* variant.h — per-student variants (issue 18, `fleetops serve --variants`): each session gets
 * its own seeded variation of its track's Part 2 presets, so neighbours cannot copy an answer.
 * The spread is documented and bounded: the failure rate p and the fleet request rate R are
 * each multiplied by one of 0.70, 0.75, ..., 1.30 (13 steps, the seed picks). Part 2's question
 * ("95% confidence that p is not exceeded, zero failures allowed") then asks about the
 * student's own p, and every instrument run for them (evidence, attempts) uses their own p and
 * R unless they set them. A multiplier of 1 is the plan's number: without --variants nothing
 * changes (2,995 stays 2,995). Native only (src/server/variant.c): the static build has none. */
#ifndef FLEETOPS_VARIANT_H
#define FLEETOPS_VARIANT_H

#include <stddef.h>
#include <stdint.h>

#include "fleetops/lab.h"

typedef struct fo_variant {
    double failure_rate;       /* multiplier of p */
    double request_rate_per_s; /* multiplier of R */
} fo_variant;

#define FO_VARIANT_STEPS 13 /* 0.70 .. 1.30 by 0.05 */

/* The variant a seed gives (each multiplier from its own 32 bits of a mixed seed). */
void fo_variant_from_seed(uint64_t seed, fo_variant *v);
/* 1 when v changes nothing. */
int fo_variant_is_plain(const fo_variant *v);
/* The value `name` takes for command `cmd` at `track` under v: the track's preset (or the
 * default) times the multiplier, as text (the shortest round trip) in out. 0 when the
 * parameter is not varied or the command has none. */
int fo_variant_param(const fo_variant *v, const char *cmd, const char *track, const char *name,
                     char *out, size_t n);
/* fo_lab_reveal with the student's own numbers (v NULL: the plan's). */
int fo_lab_reveal_variant(const char *part, const char *track, const char *predicted,
                          const fo_variant *v, fo_reveal *r, struct fo_error *err);

#endif
