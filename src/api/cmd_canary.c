/* cmd_canary.c — `fleetops canary` and `fleetops bound`: Part 2, the Canary Duration (engine:
 * canary.c). `canary` answers the plan's lock (how many requests must shadow mode watch to be
 * C confident that a 1-in-1,000 edge case has not regressed?), turns it into hours for a
 * fleet, judges one proposed window under the 10-Iteration Rule and draws the Confidence
 * Clock or the Risk-vs-Velocity Radar. `bound` is the practitioner's reverse question: after
 * x failures in n requests, how bad can the failure rate still be?
 *
 * Monitored requests per hour: lambda = request_rate_per_s x 3600 x shadow_fraction x
 * slice_share. "Shadow fraction" is the share of fleet requests the candidate sees AND is
 * scored on (a failure nobody labels is not evidence); "slice share" the share of those that
 * can trigger the edge case. The default (no track) is a generic mid-size service: 100
 * requests/s, 5% mirrored and scored, 1% in the edge-case slice = 180 requests/h, 72 h of
 * pipeline (build, offline evaluation, sign-off), drift 0.03 accuracy points a day.
 * Track presets are derived in the comment above the preset table. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "fleetops/canary.h"
#include "fleetops/instruments.h"
#include "fleetops/lab.h"
#include "fleetops/libm.h"
#include "fleetops/termplot.h"

#define F(field)           offsetof(fo_canary_params, field)
#define FO_ITERATION_LIMIT 10

static const char *const figure_choices[] = {"clock", "radar", NULL};
const char *const fo_window_choices[] = {"shown", "hidden", NULL};

/* One parameter per line, so the table reads as a table. */
// clang-format off
static const fo_param canary_params[] = {
    FO_PARAM_TRACK,
    FO_PART2_PARAMS(F),
    {.name = "allowed_failures", .type = FO_T_INT, .unit = "failures", .min = 0,
     .max = FO_CANARY_MAX_FAILURES, .def = 0, .field = F(allowed_failures),
     .help = "Failures k the window may see and still pass (up to 1,000)"},
    {.name = "pipeline_overhead_hours", .type = FO_T_REAL, .unit = "hours", .min = 0, .max = 8760,
     .def = 72, .field = F(pipeline_overhead_hours),
     .help = "Release cycle without the shadow window: build, offline eval, sign-off"},
    {.name = "release_limit_hours", .type = FO_T_REAL, .unit = "hours", .min = 1, .max = 8760,
     .def = 168, .field = F(release_limit_hours),
     .help = "Longest acceptable release cycle (one week = 168 h)"},
    {.name = "drift_rate_per_day", .type = FO_T_REAL, .unit = "fraction_per_day", .min = 0,
     .max = 0.1, .def = 0.0003, .field = F(drift_rate_per_day),
     .help = "Accuracy the waiting candidate loses per day as the world drifts"},
    {.name = "attempt_hours", .type = FO_T_REAL, .unit = "hours", .min = 0, .max = 1e6,
     .flags = FO_P_OPTIONAL | FO_P_MIN_OPEN, .field = F(attempt_hours),
     .help = "A proposed shadow window to judge (the 10-Iteration Rule)"},
    {.name = "attempt_number", .type = FO_T_INT, .unit = "attempts", .min = 1, .max = 1000,
     .flags = FO_P_OPTIONAL, .field = FO_NO_FIELD,
     .help = "Which of your tries this is (the 10-Iteration Rule refuses an 11th)"},
    {.name = "predict", .type = FO_T_REAL, .unit = "requests", .min = 1, .max = 1e15,
     .flags = FO_P_OPTIONAL, .field = FO_NO_FIELD,
     .help = "Your locked prediction of the requests needed; the answer says how far off"},
    FO_WINDOW_PARAM,
    {.name = "figure", .type = FO_T_CHOICE, .unit = "figure", .choices = figure_choices,
     .def_choice = 0, .field = FO_NO_FIELD,
     .help = "What --svg draws: the Confidence Clock or the Risk-vs-Velocity Radar"},
};
// clang-format on

/* Track presets: the track's scenario (scenario.c derives each number). */
static const fo_preset canary_presets[] = {
    FO_PART2_PRESETS,
    FO_PRESET_SCENARIO("pipeline_overhead_hours", pipeline_overhead_hours),
    FO_PRESET_SCENARIO("drift_rate_per_day", drift_rate_per_day),
};

static const char *advice_word(fo_canary_advice a) {
    switch (a) {
    case FO_ADVICE_KEEP:
        return "keep";
    case FO_ADVICE_LONGER:
        return "longer";
    case FO_ADVICE_SHORTER:
        return "shorter";
    case FO_ADVICE_IMPOSSIBLE:
        return "impossible";
    }
    return "";
}

static void grouped(fo_buf *b, double v) {
    fo_buf_grouped(b, v, 0);
}

static void hours1(fo_buf *b, double h) {
    fo_buf_grouped(b, h, h < 10 ? 2 : 1);
    fo_buf_puts(b, " h");
}

/* The attempt's one-line verdict with the way to move (JSON "message" and the text). */
/* Whether an attempt reveals the window: after a success, or on the last try. */
static int attempt_reveals(const fo_args *a, const fo_canary_result *r) {
    return r->has_attempt && (r->attempt.advice == FO_ADVICE_KEEP ||
                              (fo_arg_given(a, "attempt_number") &&
                               (long long)fo_arg_num(a, "attempt_number") >= FO_ITERATION_LIMIT));
}

static void pct2(fo_buf *b, double x) {
    fo_buf_printf(b, "%.2f%%", 100 * x);
}

/* The verdict of one try: which constraint fails at the window tried and by how much (never
 * the window that would pass), then the window once it is revealed. */
static void attempt_message(fo_buf *b, const fo_args *args, const fo_canary_params *p,
                            const fo_canary_result *r) {
    const fo_canary_attempt *a = &r->attempt;
    if (a->safety_ok)
        fo_buf_puts(b, "The Safety Lead is satisfied: ");
    else
        fo_buf_puts(b, "Not confident enough: ");
    pct2(b, a->achieved_confidence);
    fo_buf_puts(b, " reached after ");
    hours1(b, a->hours);
    fo_buf_puts(b, " (");
    grouped(b, a->requests_seen);
    fo_buf_printf(b, " requests) against the %.4g%% target", 100 * p->confidence);
    if (!a->safety_ok) {
        fo_buf_printf(b, ", %.2f points short", 100 * a->confidence_shortfall);
    }
    fo_buf_puts(b, "; the release cycle is ");
    hours1(b, a->release_cycle_hours);
    if (a->release_ok) {
        fo_buf_puts(b, ", within the ");
        hours1(b, p->release_limit_hours);
        fo_buf_puts(b, " limit.");
    } else {
        fo_buf_puts(b, ", ");
        hours1(b, a->release_excess_hours);
        fo_buf_puts(b, " over the ");
        hours1(b, p->release_limit_hours);
        fo_buf_puts(b, " limit.");
    }
    switch (a->advice) {
    case FO_ADVICE_KEEP:
        fo_buf_puts(b, " Both constraints hold: this window works.");
        break;
    case FO_ADVICE_LONGER:
        fo_buf_puts(b, " Run longer.");
        break;
    case FO_ADVICE_SHORTER:
        fo_buf_puts(b, " Run shorter.");
        break;
    case FO_ADVICE_IMPOSSIBLE:
        fo_buf_puts(b, " Longer breaks the limit further and shorter loses confidence: no window "
                       "satisfies both at these settings. Change the question, not the window: "
                       "more scored traffic, a lower confidence target, a shorter pipeline, or a "
                       "sequential test that stops early when the model is clearly good.");
        break;
    }
    if (!attempt_reveals(args, r)) return;
    if (a->advice != FO_ADVICE_KEEP) fo_buf_puts(b, " That was your last try.");
    if (r->feasible) {
        fo_buf_puts(b, " The windows that satisfy both run from ");
        hours1(b, r->shadow_hours);
        fo_buf_puts(b, " to ");
        hours1(b, r->max_window_hours);
        fo_buf_puts(b, "; the shortest ships soonest.");
    } else {
        fo_buf_puts(b, " No window satisfies both: the Safety Lead needs ");
        hours1(b, r->shadow_hours);
        fo_buf_puts(b, ", the limit leaves ");
        hours1(b, r->max_window_hours > 0 ? r->max_window_hours : 0);
        fo_buf_puts(b, ".");
    }
}

/* The Math Peek: every formula with its live numbers, and the radar's five definitions. */
static void math_peek(fo_buf *b, const fo_canary_params *p, const fo_canary_result *r, int hidden) {
    double k = (double)p->allowed_failures, C = p->confidence, pf = p->failure_rate;
    fo_buf_printf(b,
                  "n = min{ n : P(X <= k | n, p) <= 1 - C }, X ~ Binomial(n, p); k = %lld, "
                  "p = %g, C = %g: n = ",
                  p->allowed_failures, pf, C);
    grouped(b, r->requests_needed);
    if (k == 0) {
        fo_buf_printf(b, "\nk = 0: n = ceil(ln(1-C) / ln(1-p)) = ceil(%.6f / %.8f) = ceil(%.3f) = ",
                      fo_log1p(-C), fo_log1p(-pf), fo_log1p(-C) / fo_log1p(-pf));
        grouped(b, r->closed_form_requests);
    }
    fo_buf_printf(b, "\nP(X <= %lld | ", p->allowed_failures);
    grouped(b, r->requests_needed);
    fo_buf_printf(b, ", p) = %.6g <= 1 - C = %.6g < P(X <= %lld | ", r->tail_at_n, 1 - C,
                  p->allowed_failures);
    grouped(b, r->requests_needed - 1);
    fo_buf_printf(b, ", p) = %.6g (so n is minimal)", r->tail_at_n_minus_1);
    fo_buf_printf(b, "\nrule of three (an approximation): n ~ mu_k / p = %.4f / %g = ",
                  r->rule_of_three_factor, pf);
    fo_buf_grouped(b, r->rule_of_three_requests, 1);
    fo_buf_puts(b, k == 0 ? " (mu_0 = -ln(1-C); 3/p at 95%)"
                          : " (mu_k: Poisson upper bound after k events)");
    fo_buf_printf(b,
                  "\np_U = Beta^-1(C; k+1, n-k) = %.6g (Clopper-Pearson bound after %lld "
                  "failures in n: <= p)",
                  r->upper_bound_at_n, p->allowed_failures);
    fo_buf_puts(b, "\nlambda = R x 3600 x f_shadow x s_slice = ");
    fo_buf_grouped(b, p->request_rate_per_s, p->request_rate_per_s < 100 ? 2 : 0);
    fo_buf_printf(b, " x 3600 x %g x %g = ", p->shadow_fraction, p->slice_share);
    fo_buf_grouped(b, r->monitored_per_hour, 1);
    fo_buf_puts(b, " requests/h");
    if (hidden) {
        fo_buf_puts(b, "\nshadow hours = n / lambda; release cycle = overhead + shadow hours <= ");
        fo_buf_printf(b, "%g h (your search: the 10-Iteration Rule)", p->release_limit_hours);
    } else {
        fo_buf_puts(b, "\nshadow hours = n / lambda = ");
        grouped(b, r->requests_needed);
        fo_buf_puts(b, " / ");
        fo_buf_grouped(b, r->monitored_per_hour, 1);
        fo_buf_puts(b, " = ");
        hours1(b, r->shadow_hours);
        fo_buf_printf(b, "\nrelease cycle = overhead + shadow = %g + ", p->pipeline_overhead_hours);
        fo_buf_grouped(b, r->shadow_hours, 1);
        fo_buf_puts(b, " = ");
        hours1(b, r->release_cycle_hours);
        fo_buf_printf(b, " %s %g h", r->meets_release_limit ? "<=" : ">", p->release_limit_hours);
    }
    fo_buf_puts(b, "\nConfidence Clock: C(t) = 1 - P(X <= k | floor(lambda t), p)");
    if (k == 0) fo_buf_puts(b, " = 1 - (1-p)^floor(lambda t)");
    const fo_radar_axis *a = r->radar;
    double w = r->staleness.window_hours, cycle = p->pipeline_overhead_hours + w;
    fo_buf_puts(b, "\nRadar at window w = ");
    hours1(b, w);
    fo_buf_puts(b, r->has_attempt ? " (your attempt)"
                   : hidden       ? " (the longest window the limit allows)"
                                  : " (the window needed)");
    fo_buf_puts(b, "; score 1 is the good end:");
    fo_buf_printf(b, "\n  confidence reached = C(w) = %.4f; score = C(w)", a[0].value);
    fo_buf_printf(b,
                  "\n  release velocity = 730.5 h per month / (overhead + w) = 730.5 / %.1f = "
                  "%.2f releases/month; score = min(1, %g h / (overhead + w)) = %.2f",
                  cycle, a[1].value, p->release_limit_hours, a[1].score);
    fo_buf_printf(b, "\n  exposure = (1 - C(w)) x R x 3600 x s_slice x (overhead + w) = requests a "
                     "bad model serves if it slips through, until the next window: ");
    grouped(b, a[2].value);
    fo_buf_printf(b, "; score = 1 - (1 - C(w)) x (overhead + w) / %g h = %.2f",
                  p->release_limit_hours, a[2].score);
    fo_buf_printf(b,
                  "\n  detection time = (k + 1) / (lambda p) = mean hours until a bad model (rate "
                  "p) shows the failure that fails the window: %.1f h; score = 1 - t / %g h = "
                  "%.2f",
                  a[3].value, p->release_limit_hours, a[3].score);
    fo_buf_printf(b,
                  "\n  staleness cost = drift x (overhead + w) / 24 h = %g x %.2f days = %.4f "
                  "accuracy; score = 1 - loss / 0.01 = %.2f",
                  p->drift_rate_per_day, cycle / 24, a[4].value, a[4].score);
}

static void write_json(fo_json *j, const fo_args *a, const fo_canary_params *p,
                       const fo_canary_result *r, const char *peek) {
    int hidden = p->hide_window;
    fo_json_object_begin(j, NULL);
    fo_json_string(j, "command", "canary");
    fo_json_string(j, "track", fo_arg_choice(a, "track"));
    fo_json_number(j, "confidence", p->confidence);
    fo_json_number(j, "failure_rate", p->failure_rate);
    fo_json_int(j, "allowed_failures", p->allowed_failures);
    fo_json_number(j, "request_rate_per_s", p->request_rate_per_s);
    fo_json_number(j, "shadow_fraction", p->shadow_fraction);
    fo_json_number(j, "slice_share", p->slice_share);
    fo_json_number(j, "pipeline_overhead_hours", p->pipeline_overhead_hours);
    fo_json_number(j, "release_limit_hours", p->release_limit_hours);
    fo_json_number(j, "drift_rate_per_day", p->drift_rate_per_day);
    fo_json_number(j, "requests_needed", r->requests_needed);
    fo_json_string(j, "method", "exact binomial: smallest n with P(X <= k | n, p) <= 1 - C");
    if (p->allowed_failures == 0)
        fo_json_number(j, "closed_form_requests", r->closed_form_requests);
    else
        fo_json_null(j, "closed_form_requests");
    fo_json_number(j, "tail_at_n", r->tail_at_n);
    fo_json_number(j, "tail_at_n_minus_1", r->tail_at_n_minus_1);
    fo_json_number(j, "rule_of_three_requests", r->rule_of_three_requests);
    fo_json_number(j, "rule_of_three_factor", r->rule_of_three_factor);
    fo_json_string(j, "rule_of_three_note",
                   "approximation: the Poisson limit mu_k / p (3 / p at 95%, k = 0)");
    fo_json_number(j, "upper_bound_at_n", r->upper_bound_at_n);
    fo_json_number(j, "monitored_requests_per_hour", r->monitored_per_hour);
    fo_json_string(j, "window", hidden ? "hidden" : "shown");
    if (!hidden) {
        fo_json_number(j, "shadow_hours", r->shadow_hours);
        fo_json_number(j, "shadow_days", r->shadow_hours / 24);
        fo_json_number(j, "release_cycle_hours", r->release_cycle_hours);
        fo_json_bool(j, "meets_release_limit", r->meets_release_limit);
    }
    if (r->has_attempt) {
        const fo_canary_attempt *t = &r->attempt;
        fo_buf msg;
        fo_buf_init(&msg);
        attempt_message(&msg, a, p, r);
        fo_json_object_begin(j, "attempt");
        fo_json_number(j, "hours", t->hours);
        fo_json_number(j, "requests_seen", t->requests_seen);
        fo_json_number(j, "achieved_confidence", t->achieved_confidence);
        fo_json_number(j, "target_confidence", p->confidence);
        fo_json_number(j, "confidence_shortfall", t->confidence_shortfall);
        fo_json_number(j, "release_cycle_hours", t->release_cycle_hours);
        fo_json_number(j, "release_limit_hours", p->release_limit_hours);
        fo_json_number(j, "release_excess_hours", t->release_excess_hours);
        fo_json_bool(j, "safety_ok", t->safety_ok);
        fo_json_bool(j, "release_ok", t->release_ok);
        fo_json_string(j, "advice", advice_word(t->advice));
        fo_json_string(j, "message", fo_buf_str(&msg));
        fo_json_bool(j, "window_revealed", attempt_reveals(a, r));
        if (attempt_reveals(a, r)) {
            if (r->feasible) {
                fo_json_object_begin(j, "window");
                fo_json_number(j, "min_hours", r->shadow_hours);
                fo_json_number(j, "max_hours", r->max_window_hours);
                fo_json_object_end(j);
            } else {
                fo_json_null(j, "window");
            }
        }
        if (fo_arg_given(a, "attempt_number")) {
            long long n = (long long)fo_arg_num(a, "attempt_number");
            fo_json_int(j, "attempt_number", n);
            fo_json_int(j, "attempts_left", FO_ITERATION_LIMIT - n);
        }
        fo_json_object_end(j);
        fo_buf_free(&msg);
    }
    if (fo_arg_given(a, "predict")) {
        double pred = fo_arg_num(a, "predict"), act = r->requests_needed;
        fo_json_object_begin(j, "prediction");
        fo_json_number(j, "predicted", pred);
        fo_json_number(j, "actual", act);
        fo_json_number(j, "off_by_factor", pred > act ? pred / act : act / pred);
        fo_json_object_end(j);
    }
    fo_json_number(j, "radar_window_hours", r->staleness.window_hours);
    fo_json_object_begin(j, "radar"); /* exactly the five axes */
    for (int i = 0; i < FO_CANARY_RADAR_AXES; i++) {
        fo_json_object_begin(j, r->radar[i].name);
        fo_json_string(j, "label", r->radar[i].label);
        fo_json_number(j, "value", r->radar[i].value);
        fo_json_string(j, "unit", r->radar[i].unit);
        fo_json_number(j, "score", r->radar[i].score);
        fo_json_object_end(j);
    }
    fo_json_object_end(j);
    const fo_canary_staleness *s = &r->staleness;
    fo_json_object_begin(j, "staleness");
    fo_json_number(j, "window_hours", s->window_hours);
    fo_json_number(j, "days_waiting", s->days_waiting);
    fo_json_number(j, "accuracy_lost", s->accuracy_lost);
    fo_json_number(j, "escape_probability", s->escape_probability);
    fo_json_number(j, "risk_reduced", s->risk_reduced);
    fo_json_number(j, "accuracy_cost_next_day", p->drift_rate_per_day);
    fo_json_number(j, "risk_reduced_next_day", s->risk_reduced_next_day);
    fo_json_number(j, "quarter_accuracy_lost", s->quarter_accuracy_lost);
    fo_json_number(j, "quarter_confidence", s->quarter_confidence);
    fo_json_object_end(j);
    fo_json_string(j, "math_peek", peek);
    fo_json_string(j, "figure", fo_arg_choice(a, "figure"));
    fo_json_array_begin(j, "confidence_curve");
    for (size_t i = 0; i < r->curve_len; i++) {
        fo_json_object_begin(j, NULL);
        fo_json_number(j, "hours", r->curve[i].hours);
        fo_json_number(j, "confidence", r->curve[i].confidence);
        fo_json_object_end(j);
    }
    fo_json_array_end(j);
    fo_json_object_end(j);
}

static void write_text(fo_buf *b, const fo_args *a, const fo_canary_params *p,
                       const fo_canary_result *r, const char *peek) {
    const char *track = fo_arg_choice(a, "track");
    fo_buf_puts(b, "Part 2 - The Canary Duration");
    if (track) fo_buf_printf(b, "  (track: %s)", track);
    fo_buf_printf(b,
                  "\nTarget: %.4g%% confident that the edge-case failure rate is below %g "
                  "(1 in ",
                  100 * p->confidence, p->failure_rate);
    grouped(b, 1 / p->failure_rate);
    fo_buf_printf(b, "), %lld failure%s allowed\n\n", p->allowed_failures,
                  p->allowed_failures == 1 ? "" : "s");
    fo_buf_puts(b, "  Requests needed (exact)    ");
    grouped(b, r->requests_needed);
    fo_buf_printf(b, "   P(X <= %lld) = %.5f <= %.5f; with one fewer it is %.5f\n",
                  p->allowed_failures, r->tail_at_n, 1 - p->confidence, r->tail_at_n_minus_1);
    fo_buf_puts(b, "  Rule of three (approx.)    ");
    fo_buf_grouped(b, r->rule_of_three_requests, 1);
    fo_buf_puts(b, p->allowed_failures == 0 ? "   -ln(1-C)/p, the Poisson approximation\n"
                                            : "   mu_k/p, the Poisson approximation\n");
    fo_buf_printf(b,
                  "  Upper bound at n           %.4g after %lld failures (Clopper-Pearson, "
                  "one-sided %.4g%%)\n",
                  r->upper_bound_at_n, p->allowed_failures, 100 * p->confidence);
    fo_buf_puts(b, "  Monitored requests         ");
    fo_buf_grouped(b, r->monitored_per_hour, 1);
    fo_buf_puts(b, " per hour\n");
    if (p->hide_window) {
        fo_buf_printf(b, "  Release cycle              %g h pipeline + shadow; limit %g h\n",
                      p->pipeline_overhead_hours, p->release_limit_hours);
    } else {
        fo_buf_puts(b, "  Shadow window              ");
        hours1(b, r->shadow_hours);
        fo_buf_printf(b, "  (%.1f days)\n  Release cycle              ", r->shadow_hours / 24);
        hours1(b, r->release_cycle_hours);
        fo_buf_printf(b, "  = %g h pipeline + shadow; limit %g h: %s\n", p->pipeline_overhead_hours,
                      p->release_limit_hours, r->meets_release_limit ? "OK" : "EXCEEDED");
        fo_buf_puts(b, "  Windows that satisfy both  ");
        if (r->feasible) {
            hours1(b, r->shadow_hours);
            fo_buf_puts(b, " .. ");
            hours1(b, r->max_window_hours);
            fo_buf_putc(b, '\n');
        } else {
            fo_buf_puts(b, "none\n");
        }
    }
    if (r->has_attempt) {
        const fo_canary_attempt *t = &r->attempt;
        fo_buf_puts(b, "\nAttempt");
        if (fo_arg_given(a, "attempt_number"))
            fo_buf_printf(b, " %lld of %d", (long long)fo_arg_num(a, "attempt_number"),
                          FO_ITERATION_LIMIT);
        fo_buf_puts(b, ": ");
        hours1(b, t->hours);
        fo_buf_puts(b, " of shadow -> ");
        grouped(b, t->requests_seen);
        fo_buf_printf(b, " requests, confidence %.2f%%\n  Safety Lead: %s   Release cycle ",
                      100 * t->achieved_confidence, t->safety_ok ? "satisfied" : "NOT satisfied");
        hours1(b, t->release_cycle_hours);
        fo_buf_printf(
            b, ": %s\n  Advice (%s): ", t->release_ok ? "within the limit" : "OVER the limit",
            advice_word(t->advice));
        attempt_message(b, a, p, r);
        fo_buf_putc(b, '\n');
    }
    if (fo_arg_given(a, "predict")) {
        double pred = fo_arg_num(a, "predict"), act = r->requests_needed;
        fo_buf_puts(b, "\nYou predicted ");
        grouped(b, pred);
        fo_buf_puts(b, " requests; the exact answer is ");
        grouped(b, act);
        fo_buf_printf(b, " (off by %.2fx).\n", pred > act ? pred / act : act / pred);
    }
    fo_buf_puts(b, "\nRisk-vs-Velocity Radar at ");
    hours1(b, r->staleness.window_hours);
    fo_buf_puts(b, " (score 1 = the good end)\n");
    for (int i = 0; i < FO_CANARY_RADAR_AXES; i++) {
        const fo_radar_axis *x = &r->radar[i];
        fo_buf v;
        fo_buf_init(&v);
        if (strcmp(x->unit, "fraction") == 0) {
            fo_buf_printf(&v, "%.2f%%", 100 * x->value);
        } else if (strcmp(x->unit, "releases_per_month") == 0) {
            fo_buf_printf(&v, "%.2f releases/month", x->value);
        } else if (strcmp(x->unit, "requests") == 0) {
            grouped(&v, x->value);
            fo_buf_puts(&v, " requests");
        } else if (strcmp(x->unit, "hours") == 0) {
            hours1(&v, x->value);
        } else {
            fo_buf_printf(&v, "%.3f accuracy points", 100 * x->value);
        }
        fo_buf_printf(b, "  %-20s %-28s score %.2f\n", x->label, fo_buf_str(&v), x->score);
        fo_buf_free(&v);
    }
    const fo_canary_staleness *s = &r->staleness;
    fo_buf_printf(b,
                  "\nStaleness: the candidate waits %.1f days (pipeline + window) and loses "
                  "%.3f accuracy points at %g/day; the window cuts the chance a bad model "
                  "ships from 100%% to %.2f%%. One more day would cost %g points more and cut "
                  "that chance by a further %.2f points. A 3-month window would cost %.2f "
                  "points.\n",
                  s->days_waiting, 100 * s->accuracy_lost, p->drift_rate_per_day,
                  100 * s->escape_probability, 100 * p->drift_rate_per_day,
                  100 * s->risk_reduced_next_day, 100 * s->quarter_accuracy_lost);
    fo_text_math_peek(b, peek);

    double xs[FO_CANARY_CURVE_POINTS] = {0}, ys[FO_CANARY_CURVE_POINTS] = {0}, target[2], tx[2];
    for (size_t i = 0; i < r->curve_len; i++)
        xs[i] = r->curve[i].hours, ys[i] = r->curve[i].confidence;
    tx[0] = 0, tx[1] = xs[r->curve_len ? r->curve_len - 1 : 0]; /* the curve has >= 2 points */
    target[0] = target[1] = p->confidence;
    fo_term_series series[] = {{tx, target, 2, '-', "target"}, {xs, ys, r->curve_len, '*', "C(t)"}};
    fo_term_mark marks[3];
    size_t nm = 0;
    if (!p->hide_window) marks[nm++] = (fo_term_mark){r->shadow_hours, '|', "crossing"};
    if (r->max_window_hours > 0) marks[nm++] = (fo_term_mark){r->max_window_hours, ':', "limit"};
    if (r->has_attempt) marks[nm++] = (fo_term_mark){p->attempt_hours, '!', "attempt"};
    fo_buf_puts(b, "\nConfidence Clock (confidence vs hours of shadow)\n");
    fo_termplot(b, series, 2, marks, nm, 64, 14, "hours of shadow", fo_term_percent);
}

static fo_status run_canary(const fo_args *a, fo_output *out, fo_error *err) {
    if (fo_arg_given(a, "attempt_number") && fo_arg_num(a, "attempt_number") > FO_ITERATION_LIMIT) {
        char v[32], allowed[128];
        snprintf(v, sizeof v, "%.0f", fo_arg_num(a, "attempt_number"));
        snprintf(allowed, sizeof allowed,
                 "integer in [1, %d]: the 10-Iteration Rule allows %d attempts", FO_ITERATION_LIMIT,
                 FO_ITERATION_LIMIT);
        return fo_error_set(err, FO_EUSAGE, "attempt refused: all 10 attempts are used",
                            "attempt_number", v, allowed);
    }
    if (fo_arg_given(a, "attempt_number") && !fo_arg_given(a, "attempt_hours"))
        return fo_error_set(err, FO_EUSAGE, "an attempt needs its window", "attempt_hours", "",
                            "number in (0, 1000000]: the shadow window to judge");
    fo_canary_params p;
    memset(&p, 0, sizeof p);
    fo_args_bind(a, &p);
    p.hide_window = strcmp(fo_arg_choice(a, "window"), "hidden") == 0;
    fo_canary_result r;
    if (fo_canary_evaluate(&p, &r) != 0)
        return fo_error_set(err, FO_EINTERNAL, "canary: parameters outside the model's domain", "",
                            "", "");
    fo_buf peek;
    fo_buf_init(&peek);
    math_peek(&peek, &p, &r, p.hide_window);
    fo_json j;
    fo_json_init(&j, out->json);
    write_json(&j, a, &p, &r, fo_buf_str(&peek));
    if (FO_WANT_TEXT(out)) write_text(out->text, a, &p, &r, fo_buf_str(&peek));
    if (out->svg) {
        if (strcmp(fo_arg_choice(a, "figure"), "radar") == 0)
            fo_draw_risk_radar(out->svg, fo_figure_width(a), &p, &r);
        else
            fo_draw_confidence_clock(out->svg, fo_figure_width(a), &p, &r);
    }
    fo_buf_free(&peek);
    return FO_OK;
}

const fo_command fo_cmd_canary = {
    .name = "canary",
    .summary = "Part 2: requests and hours a shadow window needs; judge a proposed window",
    .description =
        "The Canary Duration. The exact number of requests n shadow mode must watch to be C "
        "confident that the failure rate is below p with at most k failures (the smallest n "
        "with P(X <= k | n, p) <= 1 - C, exact), the rule-of-three "
        "approximation beside it, the hours that takes at the fleet's scored request rate, and "
        "the release cycle against the one-week limit. --attempt-hours judges one proposed "
        "window (the 10-Iteration Rule: which constraint fails and by how much; the window "
        "that works is stated after a success or the tenth try, and --window hidden leaves "
        "every hour figure out while you search). Also the Risk-vs-Velocity Radar and the cost "
        "of staleness.",
    .params = canary_params,
    .nparams = FO_COUNT(canary_params),
    .presets = canary_presets,
    .npresets = FO_COUNT(canary_presets),
    .figure = "Confidence Clock (default) or Risk-vs-Velocity Radar (--figure radar)",
    .example = "fleetops canary --track edge-guardian --attempt-hours 100 --attempt-number 1",
    .run = run_canary,
};

/* ---- bound ---------------------------------------------------------------------------- */

/* One parameter per line, so the table reads as a table. */
// clang-format off
static const fo_param bound_params[] = {
    {.name = "failures", .type = FO_T_INT, .unit = "failures", .min = 0, .max = 1e6,
     .flags = FO_P_REQUIRED, .field = FO_NO_FIELD,
     .help = "Failures x observed (up to 1,000,000)"},
    {.name = "requests", .type = FO_T_INT, .unit = "requests", .min = 1, .max = 9e15,
     .flags = FO_P_REQUIRED, .field = FO_NO_FIELD, .help = "Requests n observed (n >= x)"},
    {.name = "confidence", .type = FO_T_REAL, .unit = "fraction", .min = 0, .max = 1, .def = 0.95,
     .flags = FO_P_MIN_OPEN | FO_P_MAX_OPEN, .field = FO_NO_FIELD,
     .help = "One-sided confidence level C of the upper bound"},
};
// clang-format on

static fo_status run_bound(const fo_args *a, fo_output *out, fo_error *err) {
    double x = fo_arg_num(a, "failures"), n = fo_arg_num(a, "requests");
    double C = fo_arg_num(a, "confidence");
    if (x > n) {
        char v[40], allowed[80];
        snprintf(v, sizeof v, "%.0f", x);
        snprintf(allowed, sizeof allowed, "integer in [0, %.0f] (at most --requests)", n);
        return fo_error_set(err, FO_EUSAGE, "more failures than requests", "failures", v, allowed);
    }
    double ub = fo_canary_upper_bound(x, n, C);
    double approx = x == 0 ? -fo_log1p(-C) / n : NAN;
    fo_buf peek;
    fo_buf_init(&peek);
    if (x < n)
        fo_buf_printf(&peek,
                      "p_U = Beta^-1(C; x+1, n-x) = Beta^-1(%g; %.0f, %.0f) = %.6g, the p "
                      "with P(X <= %.0f | %.0f, p) = 1 - C = %g",
                      C, x + 1, n - x, ub, x, n, 1 - C);
    else
        fo_buf_printf(&peek, "x = n: every request failed, so p_U = 1");
    if (x == 0)
        fo_buf_printf(&peek,
                      "\nx = 0: p_U = 1 - (1-C)^(1/n) = %.6g; rule of three ~ -ln(1-C)/n "
                      "= %.6g (an approximation)",
                      ub, approx);
    fo_json j;
    fo_json_init(&j, out->json);
    fo_json_object_begin(&j, NULL);
    fo_json_string(&j, "command", "bound");
    fo_json_number(&j, "failures", x);
    fo_json_number(&j, "requests", n);
    fo_json_number(&j, "confidence", C);
    fo_json_number(&j, "observed_rate", x / n);
    fo_json_number(&j, "upper_bound", ub);
    fo_json_string(&j, "method", "one-sided Clopper-Pearson (Beta quantile), exact");
    if (x == 0)
        fo_json_number(&j, "rule_of_three_bound", approx);
    else
        fo_json_null(&j, "rule_of_three_bound");
    fo_json_string(&j, "math_peek", fo_buf_str(&peek));
    fo_json_object_end(&j);
    if (FO_WANT_TEXT(out)) {
        fo_buf *b = out->text;
        fo_buf_puts(b, "After ");
        grouped(b, x);
        fo_buf_puts(b, " failure");
        fo_buf_puts(b, x == 1 ? "" : "s");
        fo_buf_puts(b, " in ");
        grouped(b, n);
        fo_buf_printf(b,
                      " requests the failure rate is below %.6g with %.6g%% confidence\n"
                      "(one-sided Clopper-Pearson; observed rate %.6g",
                      ub, 100 * C, x / n);
        if (ub > 0 && ub < 1) {
            fo_buf_puts(b, ", 1 in ");
            grouped(b, 1 / ub);
            fo_buf_puts(b, " at worst");
        }
        fo_buf_puts(b, ").\n");
        fo_text_math_peek(b, fo_buf_str(&peek));
    }
    fo_buf_free(&peek);
    return FO_OK;
}

const fo_command fo_cmd_bound = {
    .name = "bound",
    .summary = "Part 2: how bad can the failure rate be after x failures in n requests",
    .description =
        "The one-sided Clopper-Pearson upper confidence bound on a failure rate after x "
        "failures in n requests: the p_U with P(X <= x | n, p_U) = 1 - C, the Beta(x+1, n-x) "
        "quantile at C. Exact (no normal approximation), for up to 1,000,000 failures in up to "
        "9e15 requests.",
    .params = bound_params,
    .nparams = FO_COUNT(bound_params),
    .example = "fleetops bound --failures 0 --requests 5000 --confidence 0.95",
    .run = run_bound,
};
