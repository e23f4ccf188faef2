/* crisis_cmd.h — private to src/api: what the crisis command (cmd_crisis.c: the parameter table,
 * presets and dispatch) shares with its four runners, one file per crisis like the engine's
 * crisis_*.c: cmd_crisis_cloud.c, cmd_crisis_edge.c, cmd_crisis_mobile.c, cmd_crisis_tiny.c. */
#ifndef FLEETOPS_API_CRISIS_CMD_H
#define FLEETOPS_API_CRISIS_CMD_H

#include <stddef.h>
#include <stdio.h>

#include "commands.h"
#include "fleetops/crisis_cloud.h"
#include "fleetops/crisis_edge.h"
#include "fleetops/crisis_mobile.h"
#include "fleetops/crisis_tiny.h"
#include "fleetops/json.h"
#include "fleetops/rng.h"
#include "fleetops/scenario.h"

typedef struct crisis_params {
    long long seed;
    fo_cloud_params cloud;
    fo_edge_params edge;
    fo_mobile_params mobile;
    fo_tiny_params tiny;
} crisis_params;

/* Choice lists the table and a runner's output share (cmd_crisis.c). */
extern const char *const fo_crisis_discovery_choices[];  /* same order as fo_cloud discovery */
extern const char *const fo_crisis_correction_choices[]; /* same order as fo_correction */
extern const char *const fo_crisis_yes_no[];             /* same order as fo_ens_retrain */

/* "1,234" into the caller's buffer. */
static inline const char *fo_crisis_fmt_count(char *out, size_t n, double v) {
    fo_buf b;
    fo_buf_init(&b);
    fo_buf_grouped(&b, v, 0);
    snprintf(out, n, "%s", fo_buf_str(&b));
    fo_buf_free(&b);
    return out;
}

/* The JSON's common head: command, track, seed, summary. */
static inline void fo_crisis_begin_json(fo_json *j, const fo_args *a, const crisis_params *p,
                                        const char *summary) {
    fo_json_object_begin(j, NULL);
    fo_json_string(j, "command", "crisis");
    fo_json_string(j, "track", fo_arg_choice(a, "track"));
    fo_json_int(j, "seed", p->seed);
    fo_json_string(j, "summary", summary);
}

/* One runner per crisis: computes, then writes JSON (always), text and SVG (when asked). */
typedef fo_status (*fo_crisis_runner)(const fo_args *a, crisis_params *p, fo_rng *rng,
                                      fo_output *out, fo_error *err);
fo_status fo_crisis_run_cloud(const fo_args *a, crisis_params *p, fo_rng *rng, fo_output *out,
                              fo_error *err);
fo_status fo_crisis_run_edge(const fo_args *a, crisis_params *p, fo_rng *rng, fo_output *out,
                             fo_error *err);
fo_status fo_crisis_run_mobile(const fo_args *a, crisis_params *p, fo_rng *rng, fo_output *out,
                               fo_error *err);
fo_status fo_crisis_run_tiny(const fo_args *a, crisis_params *p, fo_rng *rng, fo_output *out,
                             fo_error *err);

#endif
