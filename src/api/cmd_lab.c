/* cmd_lab.c — the commands that describe the lab rather than compute a model:
 *   lab     the chapter, the tracks and the three parts (what `make run` shows)
 *   tracks  the four tracks with persona, mission, crisis and every command's presets
 *   schema  the whole command table (the page builds its sliders from it) */
#include <string.h>

#include "commands.h"
#include "fleetops/lab.h"

static void json_preset_value(fo_json *j, const fo_command *cmd, const fo_preset *pr,
                              double value) {
    const fo_param *p = fo_command_param(cmd, pr->param, NULL);
    if (p->type == FO_T_CHOICE)
        fo_json_string(j, pr->param, p->choices[(int)value]);
    else
        fo_json_number(j, pr->param, value);
}

/* {"roi": {"models": 50, ...}, "canary": {...}} for one track. */
static void json_track_presets(fo_json *j, const char *track) {
    size_t ncmd;
    const fo_command *const *cmds = fo_commands(&ncmd);
    fo_json_object_begin(j, "presets");
    for (size_t c = 0; c < ncmd; c++) {
        int open = 0;
        for (size_t k = 0; k < cmds[c]->npresets; k++) {
            const fo_preset *pr = &cmds[c]->presets[k];
            double v;
            if (!fo_preset_value(pr, track, &v)) continue;
            if (!open) fo_json_object_begin(j, cmds[c]->name);
            open = 1;
            json_preset_value(j, cmds[c], pr, v);
        }
        if (open) fo_json_object_end(j);
    }
    fo_json_object_end(j);
}

static void json_tracks(fo_json *j) {
    size_t n;
    const fo_track *t = fo_lab_tracks(&n);
    fo_json_array_begin(j, "tracks");
    for (size_t i = 0; i < n; i++) {
        fo_json_object_begin(j, NULL);
        fo_json_string(j, "id", t[i].id);
        fo_json_string(j, "name", t[i].name);
        fo_json_string(j, "persona", t[i].persona);
        fo_json_string(j, "mission", t[i].mission);
        fo_json_string(j, "crisis_title", t[i].crisis_title);
        fo_json_string(j, "crisis", t[i].crisis);
        fo_json_string(j, "crisis_before_lock",
                       t[i].crisis_before_lock ? t[i].crisis_before_lock : t[i].crisis);
        const fo_scenario *s = fo_scenario_get(t[i].id);
        fo_json_string(j, "upstream_model", s->upstream);
        fo_json_string(j, "downstream_model", s->downstream);
        size_t np;
        const fo_lab_part *p = fo_lab_parts(&np);
        for (size_t k = 0; k < np; k++) {
            if (strcmp(p[k].id, "ensemble") != 0) continue;
            char wb[1024];
            fo_lab_part_workbench(&p[k], t[i].id, wb, sizeof wb);
            fo_json_string(j, "part3_workbench", wb);
            fo_lab_part_workbench_before_lock(&p[k], t[i].id, wb, sizeof wb);
            fo_json_string(j, "part3_workbench_before_lock", wb);
        }
        json_track_presets(j, t[i].id);
        fo_json_object_end(j);
    }
    fo_json_array_end(j);
}

static fo_status run_tracks(const fo_args *a, fo_output *out, fo_error *err) {
    (void)a, (void)err;
    fo_json j;
    fo_json_init(&j, out->json);
    fo_json_object_begin(&j, NULL);
    json_tracks(&j);
    fo_json_object_end(&j);
    if (FO_WANT_TEXT(out)) {
        size_t n;
        const fo_track *t = fo_lab_tracks(&n);
        for (size_t i = 0; i < n; i++)
            fo_buf_printf(out->text, "%-14s %s: %s\n%14s North Star: %s\n%14s Crisis: %s. %s\n\n",
                          t[i].id, t[i].name, t[i].persona, "", t[i].mission, "", t[i].crisis_title,
                          t[i].crisis);
        fo_buf_puts(out->text, "Use one with --track ID on any part's command, e.g. "
                               "fleetops roi --track cloud-titan\n");
    }
    return FO_OK;
}

static void text_lab(fo_buf *b, const char *track) {
    const fo_lab_chapter *ch = fo_lab_chapter_info();
    size_t nt, np;
    const fo_track *t = fo_lab_tracks(&nt);
    const fo_lab_part *p = fo_lab_parts(&np);
    fo_buf_printf(b, "fleetops: %s  (%d minutes)\n\n", ch->title, ch->minutes);
    fo_buf_printf(b, "%s\n%s\n\nPick a track (--track ID):\n", ch->invariant, ch->struggle);
    for (size_t i = 0; i < nt; i++)
        fo_buf_printf(b, "  %-14s %-14s %s  Crisis: %s\n", t[i].id, t[i].name, t[i].persona,
                      t[i].crisis_title);
    for (size_t i = 0; i < np; i++) {
        fo_buf_printf(b, "\nPart %d: %s (%s, %d min)\n", p[i].number, p[i].title, p[i].kind,
                      p[i].minutes);
        fo_buf_printf(b, "  Objective: %s\n  Lock (predict first): %s\n", p[i].objective,
                      p[i].lock);
        char wb[1024];
        fo_lab_part_workbench(&p[i], track, wb, sizeof wb);
        fo_buf_printf(b, "  Workbench: %s\n  Instruments: %s\n  Reflect: %s\n  Run: %s\n", wb,
                      p[i].instrument, p[i].reflect, p[i].commands);
    }
    fo_buf_printf(b,
                  "\nMath Peek: %s\n\nStart with Part 1:  build/fleetops roi --track "
                  "cloud-titan --predict YOUR_GUESS\nEvery command: build/fleetops help\n",
                  ch->math_peek);
}

static fo_status run_lab(const fo_args *a, fo_output *out, fo_error *err) {
    (void)err;
    const char *track = fo_arg_choice(a, "track");
    const fo_lab_chapter *ch = fo_lab_chapter_info();
    size_t np;
    const fo_lab_part *p = fo_lab_parts(&np);
    fo_json j;
    fo_json_init(&j, out->json);
    fo_json_object_begin(&j, NULL);
    fo_json_object_begin(&j, "chapter");
    fo_json_string(&j, "title", ch->title);
    fo_json_string(&j, "invariant", ch->invariant);
    fo_json_string(&j, "struggle", ch->struggle);
    fo_json_int(&j, "minutes", ch->minutes);
    fo_json_string(&j, "math_peek", ch->math_peek);
    fo_json_object_end(&j);
    json_tracks(&j);
    fo_json_array_begin(&j, "parts");
    for (size_t i = 0; i < np; i++) {
        fo_json_object_begin(&j, NULL);
        fo_json_string(&j, "id", p[i].id);
        fo_json_int(&j, "number", p[i].number);
        fo_json_string(&j, "title", p[i].title);
        fo_json_string(&j, "kind", p[i].kind);
        fo_json_int(&j, "minutes", p[i].minutes);
        fo_json_string(&j, "objective", p[i].objective);
        fo_json_string(&j, "lock", p[i].lock);
        fo_json_string(&j, "lock_kind", p[i].lock_kind);
        fo_json_string(&j, "lock_unit", p[i].lock_unit);
        char wb[1024];
        fo_lab_part_workbench(&p[i], track, wb, sizeof wb);
        fo_json_string(&j, "workbench", wb);
        fo_lab_part_workbench_before_lock(&p[i], track, wb, sizeof wb);
        fo_json_string(&j, "workbench_before_lock", wb);
        fo_json_string(&j, "instrument", p[i].instrument);
        fo_json_string(&j, "reflect", p[i].reflect);
        fo_json_string(&j, "commands", p[i].commands);
        fo_json_object_end(&j);
    }
    fo_json_array_end(&j);
    fo_json_object_end(&j);
    if (FO_WANT_TEXT(out)) text_lab(out->text, track);
    return FO_OK;
}

static fo_status run_schema(const fo_args *a, fo_output *out, fo_error *err) {
    (void)a, (void)err;
    fo_json j;
    fo_json_init(&j, out->json);
    fo_schema_json(&j);
    if (FO_WANT_TEXT(out))
        fo_buf_puts(out->text, fo_buf_str(out->json)), fo_buf_putc(out->text, '\n');
    return FO_OK;
}

static const fo_param lab_params[] = {FO_PARAM_TRACK};

const fo_command fo_cmd_lab = {
    .name = "lab",
    .params = lab_params,
    .nparams = FO_COUNT(lab_params),
    .summary = "The lab at a glance: chapter, tracks, the three parts and their prompts",
    .description = "Prints the chapter, its invariant, the four tracks and, for each part, the "
                   "objective, the prediction to lock, the workbench, the instruments, the "
                   "reflection prompt and the commands that compute it; with --track, in that "
                   "track's words.",
    .example = "fleetops lab --track edge-guardian",
    .run = run_lab,
};

const fo_command fo_cmd_tracks = {
    .name = "tracks",
    .summary = "The four tracks: persona, north-star mission, ops crisis and presets",
    .description = "Lists each track of the storyboard with its persona, fixed North Star "
                   "mission and Ops crisis, and the parameter presets it gives every command.",
    .example = "fleetops tracks --json",
    .run = run_tracks,
};

const fo_command fo_cmd_schema = {
    .name = "schema",
    .summary = "The command table as JSON: every parameter's type, unit, range and default",
    .description = "Prints every command with its parameters (name, flag, type, unit, range, "
                   "default, per-track presets, help). The web page builds its sliders from it.",
    .example = "fleetops schema",
    .run = run_schema,
};
