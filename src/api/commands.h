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

/* Whether an answer may state the hours from which the 10-Iteration Rule's window is read (the
 * page asks "hidden" while the rule is open): canary and sprt take it. */
extern const char *const fo_window_choices[]; /* shown, hidden */
#define FO_WINDOW_PARAM                                                                            \
    {                                                                                              \
        .name = "window", .type = FO_T_CHOICE, .unit = "choice", .choices = fo_window_choices,     \
        .def_choice = 0, .field = FO_NO_FIELD,                                                     \
        .help = "hidden: state no hour figure the window that passes can be read from (the "       \
                "10-Iteration Rule is a search); shown: state them"                                \
    }

/* Part 2's shared parameters: canary, sprt and rollout take the same names, ranges and help, so
 * the page sends one parameter set to all three. FIELD(name) gives the offsetof of the command's
 * field for each. Track presets come from the scenario (FO_PART2_PRESETS). */
#define FO_PART2_PARAMS(FIELD)                                                                     \
    {.name = "confidence",                                                                         \
     .type = FO_T_REAL,                                                                            \
     .unit = "fraction",                                                                           \
     .min = 0,                                                                                     \
     .max = 1,                                                                                     \
     .def = 0.95,                                                                                  \
     .flags = FO_P_MIN_OPEN | FO_P_MAX_OPEN,                                                       \
     .field = FIELD(confidence),                                                                   \
     .help = "Target confidence C that the failure rate is below p (the Safety Lead's 95%)"},      \
        {.name = "failure_rate",                                                                   \
         .type = FO_T_REAL,                                                                        \
         .unit = "fraction",                                                                       \
         .min = 1e-9,                                                                              \
         .max = 0.5,                                                                               \
         .def = 0.001,                                                                             \
         .field = FIELD(failure_rate),                                                             \
         .help = "Edge-case failure rate p not to exceed (1 in 1,000 in the lab's question)"},     \
        {.name = "request_rate_per_s",                                                             \
         .type = FO_T_REAL,                                                                        \
         .unit = "requests_per_s",                                                                 \
         .min = 1e-6,                                                                              \
         .max = 1e9,                                                                               \
         .def = 100,                                                                               \
         .field = FIELD(request_rate_per_s),                                                       \
         .help = "Fleet request rate R: requests per second across the whole fleet"},              \
        {.name = "shadow_fraction",                                                                \
         .type = FO_T_REAL,                                                                        \
         .unit = "fraction",                                                                       \
         .min = 0,                                                                                 \
         .max = 1,                                                                                 \
         .def = 0.05,                                                                              \
         .flags = FO_P_MIN_OPEN,                                                                   \
         .field = FIELD(shadow_fraction),                                                          \
         .help = "Share of fleet requests the shadow model sees and is scored on"},                \
    {                                                                                              \
        .name = "slice_share", .type = FO_T_REAL, .unit = "fraction", .min = 0, .max = 1,          \
        .def = 0.01, .flags = FO_P_MIN_OPEN, .field = FIELD(slice_share),                          \
        .help = "Share of those requests that can trigger the edge case (e.g. old hardware)"       \
    }

#define FO_PART2_PRESETS                                                                           \
    FO_PRESET_SCENARIO("confidence", confidence),                                                  \
        FO_PRESET_SCENARIO("failure_rate", failure_rate),                                          \
        FO_PRESET_SCENARIO("request_rate_per_s", request_rate_per_s),                              \
        FO_PRESET_SCENARIO("shadow_fraction", shadow_fraction),                                    \
        FO_PRESET_SCENARIO("slice_share", slice_share)

/* The hypotheses a Part 2 command tests: the rule of scenario.h from the failure rate, the
 * confidence and the track's alpha, each overridden by an explicit --p0, --p1, --alpha, --beta
 * (for practitioners). */
static inline fo_hypotheses fo_part2_hypotheses(const fo_args *a) {
    const fo_scenario *s = fo_scenario_get(fo_arg_choice(a, "track"));
    fo_hypotheses h =
        fo_scenario_hypotheses(fo_arg_num(a, "failure_rate"), fo_arg_num(a, "confidence"),
                               s ? s->alpha : FO_SCENARIO_ALPHA);
    if (fo_arg_given(a, "p0")) h.p0 = fo_arg_num(a, "p0");
    if (fo_arg_given(a, "p1")) h.p1 = fo_arg_num(a, "p1");
    if (fo_arg_given(a, "alpha")) h.alpha = fo_arg_num(a, "alpha");
    if (fo_arg_given(a, "beta")) h.beta = fo_arg_num(a, "beta");
    return h;
}

/* The optional overrides, same names, units and ranges in sprt and rollout. */
#define FO_PART2_OVERRIDES                                                                         \
    {.name = "p0",                                                                                 \
     .type = FO_T_REAL,                                                                            \
     .unit = "fraction",                                                                           \
     .min = 1e-9,                                                                                  \
     .max = 0.5,                                                                                   \
     .flags = FO_P_OPTIONAL | FO_P_MAX_OPEN,                                                       \
     .field = FO_NO_FIELD,                                                                         \
     .help = "H0, a healthy model's failure rate (default: half the failure rate)"},               \
        {.name = "p1",                                                                             \
         .type = FO_T_REAL,                                                                        \
         .unit = "fraction",                                                                       \
         .min = 1e-9,                                                                              \
         .max = 0.9,                                                                               \
         .flags = FO_P_OPTIONAL,                                                                   \
         .field = FO_NO_FIELD,                                                                     \
         .help = "H1, the regressed failure rate to catch (default: the failure rate)"},           \
        {.name = "alpha",                                                                          \
         .type = FO_T_REAL,                                                                        \
         .unit = "fraction",                                                                       \
         .min = 1e-6,                                                                              \
         .max = 0.5,                                                                               \
         .flags = FO_P_OPTIONAL | FO_P_MAX_OPEN,                                                   \
         .field = FO_NO_FIELD,                                                                     \
         .help = "Chance of rolling back a healthy model (default: the track's, else 5%)"},        \
    {                                                                                              \
        .name = "beta", .type = FO_T_REAL, .unit = "fraction", .min = 1e-6, .max = 0.5,            \
        .flags = FO_P_OPTIONAL | FO_P_MAX_OPEN, .field = FO_NO_FIELD,                              \
        .help = "Chance of promoting a regression (default: 1 - the confidence)"                   \
    }

#endif
