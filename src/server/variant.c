/* variant.c — per-student variants (variant.h): the seed's multipliers, the varied parameter
 * values, and the reveal with the student's own numbers (fo_lab_reveal_scaled in reveal.c).
 * Native only (the server's): the static build has no variants. */
#include "fleetops/variant.h"

#include <stdio.h>
#include <string.h>

#include "fleetops/command.h"

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void fo_variant_from_seed(uint64_t seed, fo_variant *v) {
    uint64_t x = seed;
    /* 14/20 .. 26/20: 0.70 .. 1.30 by 0.05 */
    v->failure_rate = (double)(14 + splitmix64(&x) % FO_VARIANT_STEPS) / 20.0;
    v->request_rate_per_s = (double)(14 + splitmix64(&x) % FO_VARIANT_STEPS) / 20.0;
}

int fo_variant_is_plain(const fo_variant *v) {
    return !v || (v->failure_rate == 1.0 && v->request_rate_per_s == 1.0);
}

static double multiplier(const fo_variant *v, const char *name) {
    if (!v) return 0;
    if (strcmp(name, "failure_rate") == 0) return v->failure_rate;
    if (strcmp(name, "request_rate_per_s") == 0) return v->request_rate_per_s;
    return 0;
}

int fo_variant_param(const fo_variant *v, const char *cmd, const char *track, const char *name,
                     char *out, size_t n) {
    double m = multiplier(v, name);
    const fo_command *c = fo_command_find(cmd);
    if (m <= 0 || !c || !fo_command_param(c, name, NULL)) return 0;
    fo_args a;
    fo_args_init(&a, c);
    fo_error e;
    if (track && fo_command_param(c, "track", NULL) && fo_args_set(&a, "track", track, &e) != FO_OK)
        return 0;
    if (fo_args_finish(&a, &e) != FO_OK) return 0;
    /* six significant digits: 0.001 x 1.15 reads 0.00115, not 0.0011499999999999999 */
    snprintf(out, n, "%.6g", fo_arg_num(&a, name) * m);
    return 1;
}

int fo_lab_reveal_variant(const char *part, const char *track, const char *predicted,
                          const fo_variant *v, fo_reveal *r, fo_error *err) {
    if (fo_variant_is_plain(v)) return fo_lab_reveal(part, track, predicted, r, err);
    /* the question's own numbers scaled (Part 2's p = 0.001): the multipliers go to the lab
     * layer, which keeps no formatting code of its own (the WebAssembly module's budget) */
    static const char *const names[] = {"failure_rate", "request_rate_per_s"};
    const double mult[] = {v->failure_rate, v->request_rate_per_s};
    return fo_lab_reveal_scaled(part, track, predicted, names, mult, 2, r, err);
}
