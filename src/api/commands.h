/* commands.h — private to src/api: the command objects the table in command.c lists.
 * Each lives in its own cmd_*.c file beside the engine module it drives. */
#ifndef FLEETOPS_API_COMMANDS_H
#define FLEETOPS_API_COMMANDS_H

#include "fleetops/command.h"

#define FO_COUNT(a) (sizeof(a) / sizeof((a)[0]))

extern const fo_command fo_cmd_lab;
extern const fo_command fo_cmd_tracks;
extern const fo_command fo_cmd_schema;
extern const fo_command fo_cmd_roi;
extern const fo_command fo_cmd_crisis;
extern const fo_command fo_cmd_ensemble;
extern const fo_command fo_cmd_governance;
extern const fo_command fo_cmd_canary;
extern const fo_command fo_cmd_bound;
extern const fo_command fo_cmd_sprt;
extern const fo_command fo_cmd_rollout;

/* The readable output's Math Peek: its title, then the formulas (as in the JSON's math_peek)
 * indented two spaces. */
static inline void fo_text_math_peek(fo_buf *b, const char *peek) {
    fo_buf_puts(b, "\nMath Peek\n");
    fo_buf_indented(b, peek, 2);
}

/* The --track parameter every track-aware command shares. */
#define FO_PARAM_TRACK                                                                             \
    {                                                                                              \
        .name = "track", .type = FO_T_CHOICE, .unit = "track", .choices = fo_track_ids,            \
        .flags = FO_P_OPTIONAL, .field = FO_NO_FIELD,                                              \
        .help = "Lab track whose presets fill every parameter not given"                           \
    }

#endif
