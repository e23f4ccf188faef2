/* cmd_roi.c — `fleetops roi`: Part 1, the Platform ROI Audit (engine: roi.c).
 *
 * The default coefficients are an instructor's estimates, each derived below so a student
 * can argue with it; every one is a flag, so a practitioner can put in their own.
 *   a = 78 h per model-year: 2 actionable alerts per model-week x 45 min triage x 52 weeks.
 *   b = 18 h per model-year per doubling of the fleet: 12 releases a year (monthly retrains)
 *       x 1.5 h of coordination per release for each doubling of N (release calendars,
 *       approvals and hand-offs merge like a sort: log2 N rounds).
 *   c = 6 h per heterogeneous pair-year: a quarterly interface review (shared features, data
 *       contracts, SLAs) of 1.5 h between the owners of two models of different types.
 *   Platform: U = 1,000 h a year (half an engineer keeps the platform itself running);
 *   a_p = 8 h (discovered thresholds page about 10x less than static ones: the Cloud Titan
 *   crisis); b_p = 2 h per doubling (one-click CI/CD releases); c_p = 4 h per model-year
 *   (one versioned contract per model instead of one review per pair).
 *   Engineer: $100/h loaded (a $200k loaded cost over 2,000 hours). Horizon: 1 year, so the
 *   platform must pay for itself within the first budget cycle, the plan's framing of "the
 *   cost of Toil exceeds the cost of a $500k platform investment".
 * Track presets: models running now, heterogeneity, loaded cost and team size, cited inline. */
#include <math.h>
#include <stddef.h>

#include "commands.h"
#include "fleetops/instruments.h"
#include "fleetops/lab.h"
#include "fleetops/libm.h"
#include "fleetops/roi.h"
#include "fleetops/termplot.h"

#define F(field) offsetof(fo_roi_params, field)

static const fo_param roi_params[] = {
    FO_PARAM_TRACK,
    {.name = "models",
     .type = FO_T_INT,
     .unit = "models",
     .min = 1,
     .max = FO_ROI_MAX_MODELS,
     .def = 20,
     .field = F(models),
     .help = "Number of concurrent models N the team runs"},
    {.name = "heterogeneity",
     .type = FO_T_REAL,
     .unit = "fraction",
     .min = 0,
     .max = 1,
     .def = 0.5,
     .field = F(heterogeneity),
     .help = "Model-type heterogeneity h: share of model pairs of different types (0 = one type)"},
    {.name = "capex_usd",
     .type = FO_T_REAL,
     .unit = "usd",
     .min = 0,
     .max = 1e9,
     .def = 500000,
     .field = F(capex_usd),
     .help = "One-time platform investment ($500k in Part 1's question)"},
    {.name = "engineer_cost_usd_per_hour",
     .type = FO_T_REAL,
     .unit = "usd_per_hour",
     .min = 1,
     .max = 2000,
     .def = 100,
     .field = F(engineer_cost_usd_per_hour),
     .help = "Loaded cost of an engineer hour ($200k a year / 2,000 h = $100)"},
    {.name = "horizon_years",
     .type = FO_T_REAL,
     .unit = "years",
     .min = 0.25,
     .max = 10,
     .def = 1,
     .field = F(horizon_years),
     .help = "Years of toil counted against the one-time CapEx"},
    {.name = "team_size",
     .type = FO_T_INT,
     .unit = "engineers",
     .min = 1,
     .max = 10000,
     .def = 4,
     .field = F(team_size),
     .help = "Engineers on the team, for the 50% toil cap (Google SRE)"},
    {.name = "predict",
     .type = FO_T_INT,
     .unit = "models",
     .min = 1,
     .max = FO_ROI_MAX_MODELS,
     .flags = FO_P_OPTIONAL,
     .field = FO_NO_FIELD,
     .help = "Your locked prediction of N*; the answer says how far off it was"},
    {.name = "alert_hours_per_model_year",
     .type = FO_T_REAL,
     .unit = "hours",
     .min = 0,
     .max = 10000,
     .def = 78,
     .field = F(alert_hours_per_model_year),
     .help = "a: alert triage per model (2 alerts a week x 45 min x 52)"},
    {.name = "deploy_hours_per_model_year",
     .type = FO_T_REAL,
     .unit = "hours",
     .min = 0,
     .max = 10000,
     .def = 18,
     .field = F(deploy_hours_per_model_year),
     .help = "b: release coordination per model per doubling of N (12 releases x 1.5 h)"},
    {.name = "dependency_hours_per_pair_year",
     .type = FO_T_REAL,
     .unit = "hours",
     .min = 0,
     .max = 1000,
     .def = 6,
     .field = F(dependency_hours_per_pair_year),
     .help = "c: interface upkeep per heterogeneous pair (4 reviews a year x 1.5 h)"},
    {.name = "platform_upkeep_hours_per_year",
     .type = FO_T_REAL,
     .unit = "hours",
     .min = 0,
     .max = 100000,
     .def = 1000,
     .field = F(platform_upkeep_hours_per_year),
     .help = "U: running the platform itself (half an engineer)"},
    {.name = "platform_alert_hours_per_model_year",
     .type = FO_T_REAL,
     .unit = "hours",
     .min = 0,
     .max = 10000,
     .def = 8,
     .field = F(platform_alert_hours_per_model_year),
     .help = "a_p: alert triage per model with discovered thresholds (~10x fewer pages)"},
    {.name = "platform_deploy_hours_per_model_year",
     .type = FO_T_REAL,
     .unit = "hours",
     .min = 0,
     .max = 10000,
     .def = 2,
     .field = F(platform_deploy_hours_per_model_year),
     .help = "b_p: release effort per model per doubling of N with CI/CD"},
    {.name = "platform_contract_hours_per_model_year",
     .type = FO_T_REAL,
     .unit = "hours",
     .min = 0,
     .max = 1000,
     .def = 4,
     .field = F(platform_contract_hours_per_model_year),
     .help = "c_p: versioned-contract upkeep per model, times h (no pairs)"},
};

/* Track presets. Cloud Titan: the plan's 50 LLM versions, one model family fine-tuned per
 * customer (h = 0.3), Bay-Area LLM engineers at $150/h loaded, a team of 6. Edge Guardian: an
 * AV stack of ~12 models across camera, lidar, radar, prediction and planning (h = 0.8),
 * $120/h, 5 engineers. Mobile Nomad: OCR, translation and TTS for 10 regions (30 models,
 * h = 0.5), $110/h, 4 engineers. Tiny Pioneer: 6 tiny audio models (noise isolation,
 * wake word, VAD, beamforming, ...; h = 0.7), a startup at $90/h, 2 engineers. */
static const fo_preset roi_presets[] = {
    FO_PRESET_SCENARIO("team_size", team_size),
    FO_PRESET("cloud-titan", "models", 50),
    FO_PRESET("cloud-titan", "heterogeneity", 0.3),
    FO_PRESET("cloud-titan", "engineer_cost_usd_per_hour", 150),
    FO_PRESET("edge-guardian", "models", 12),
    FO_PRESET("edge-guardian", "heterogeneity", 0.8),
    FO_PRESET("edge-guardian", "engineer_cost_usd_per_hour", 120),
    FO_PRESET("mobile-nomad", "models", 30),
    FO_PRESET("mobile-nomad", "heterogeneity", 0.5),
    FO_PRESET("mobile-nomad", "engineer_cost_usd_per_hour", 110),
    FO_PRESET("tiny-pioneer", "models", 6),
    FO_PRESET("tiny-pioneer", "heterogeneity", 0.7),
    FO_PRESET("tiny-pioneer", "engineer_cost_usd_per_hour", 90),
};

static void json_toil(fo_json *j, const char *key, const fo_roi_toil *t, int with_upkeep) {
    fo_json_object_begin(j, key);
    fo_json_number(j, "alerts", t->alerts);
    fo_json_number(j, "deployment", t->deployment);
    fo_json_number(j, "dependencies", t->dependencies);
    if (with_upkeep) fo_json_number(j, "upkeep", t->upkeep);
    fo_json_number(j, "total", t->total);
    fo_json_object_end(j);
}

static void usd(fo_buf *b, double v) {
    if (v < 0) fo_buf_putc(b, '-');
    fo_buf_putc(b, '$');
    fo_buf_grouped(b, fabs(v), 0);
}

static void hours(fo_buf *b, double v) {
    fo_buf_grouped(b, v, 0);
    fo_buf_puts(b, " h");
}

/* The Math Peek: each formula with its live numbers, one line each (page, CLI and report). */
static void math_peek(fo_buf *b, const fo_roi_params *p, const fo_roi_result *r) {
    double N = (double)p->models;
    fo_buf_printf(b, "alerts = a*N = %g*%lld = ", p->alert_hours_per_model_year, p->models);
    hours(b, r->manual.alerts);
    fo_buf_printf(b, "\ndeployment = b*N*log2(N) = %g*%lld*%.3f = ", p->deploy_hours_per_model_year,
                  p->models, fo_log2(N));
    hours(b, r->manual.deployment);
    fo_buf_printf(b, "\ndependencies = c*h*N(N-1)/2 = %g*%g*%.0f = ",
                  p->dependency_hours_per_pair_year, p->heterogeneity, N * (N - 1) / 2);
    hours(b, r->manual.dependencies);
    fo_buf_puts(b, "\nToil_manual = (");
    hours(b, r->manual.total);
    fo_buf_printf(b, ") * $%g/h * %g yr = ", p->engineer_cost_usd_per_hour, p->horizon_years);
    usd(b, r->manual_toil_usd);
    fo_buf_puts(b, "\nToil_platform = (U + a_p*N + b_p*N*log2(N) + c_p*h*N = ");
    hours(b, r->platform.total);
    fo_buf_puts(b, ") * rate * horizon = ");
    usd(b, r->platform_toil_usd);
    fo_buf_puts(b, "\nROI_platform = Toil_manual - (CapEx_platform + Toil_platform) = ");
    usd(b, r->manual_toil_usd);
    fo_buf_puts(b, " - (");
    usd(b, p->capex_usd);
    fo_buf_puts(b, " + ");
    usd(b, r->platform_toil_usd);
    fo_buf_puts(b, ") = ");
    usd(b, r->roi_usd);
}

static void write_json(fo_json *j, const fo_args *a, const fo_roi_params *p, const fo_roi_result *r,
                       const char *peek) {
    fo_json_object_begin(j, NULL);
    fo_json_string(j, "command", "roi");
    fo_json_string(j, "track", fo_arg_choice(a, "track"));
    fo_json_int(j, "models", p->models);
    fo_json_number(j, "heterogeneity", p->heterogeneity);
    fo_json_number(j, "capex_usd", p->capex_usd);
    fo_json_number(j, "engineer_cost_usd_per_hour", p->engineer_cost_usd_per_hour);
    fo_json_number(j, "horizon_years", p->horizon_years);
    fo_json_int(j, "team_size", p->team_size);
    json_toil(j, "toil_hours", &r->manual, 0);
    json_toil(j, "platform_toil_hours", &r->platform, 1);
    fo_json_number(j, "manual_toil_usd", r->manual_toil_usd);
    fo_json_number(j, "platform_toil_usd", r->platform_toil_usd);
    fo_json_number(j, "platform_total_usd", r->platform_total_usd);
    fo_json_number(j, "roi_usd", r->roi_usd);
    if (r->break_even_models)
        fo_json_int(j, "break_even_models", r->break_even_models);
    else
        fo_json_null(j, "break_even_models");
    fo_json_number(j, "ftes_needed", r->ftes_needed);
    fo_json_number(j, "ftes_needed_at_toil_cap", r->ftes_needed_at_toil_cap);
    fo_json_number(j, "team_toil_fraction", r->team_toil_fraction);
    fo_json_number(j, "toil_cap_fraction", FO_SRE_TOIL_CAP);
    fo_json_bool(j, "over_toil_cap", r->team_toil_fraction > FO_SRE_TOIL_CAP);
    fo_json_int(j, "max_models_under_toil_cap", r->max_models_under_toil_cap);
    if (r->toil_exceeds_capex_models)
        fo_json_int(j, "toil_exceeds_capex_models", r->toil_exceeds_capex_models);
    else
        fo_json_null(j, "toil_exceeds_capex_models");
    fo_roi_readings rd;
    fo_roi_readings_of(p, r, &rd);
    fo_json_object_begin(j, "readings");
    fo_json_string(j, "answer", rd.answer);
    fo_json_string(j, "literal", rd.literal);
    fo_json_string(j, "toil_cap", rd.toil_cap);
    fo_json_object_end(j);
    if (fo_arg_given(a, "predict")) {
        double pred = fo_arg_num(a, "predict"), act = (double)r->break_even_models;
        fo_json_object_begin(j, "prediction");
        fo_json_number(j, "predicted", pred);
        if (r->break_even_models) {
            fo_json_int(j, "actual", r->break_even_models);
            fo_json_number(j, "off_by_factor", pred > act ? pred / act : act / pred);
        } else {
            fo_json_null(j, "actual");
            fo_json_null(j, "off_by_factor");
        }
        fo_json_object_end(j);
    }
    fo_json_string(j, "math_peek", peek);
    fo_json_array_begin(j, "curve");
    for (size_t i = 0; i < r->curve_len; i++) {
        fo_json_object_begin(j, NULL);
        fo_json_int(j, "models", r->curve[i].models);
        fo_json_number(j, "manual_toil_usd", r->curve[i].manual_toil_usd);
        fo_json_number(j, "platform_total_usd", r->curve[i].platform_total_usd);
        fo_json_object_end(j);
    }
    fo_json_array_end(j);
    fo_json_object_end(j);
}

static void row(fo_buf *b, const char *name, const char *formula, double manual, double plat) {
    fo_buf_printf(b, "  %-14s %-22s", name, formula);
    fo_buf h;
    fo_buf_init(&h);
    hours(&h, manual);
    fo_buf_printf(b, "%12s", fo_buf_str(&h));
    fo_buf_reset(&h);
    hours(&h, plat);
    fo_buf_printf(b, "%14s\n", fo_buf_str(&h));
    fo_buf_free(&h);
}

static void write_text(fo_buf *b, const fo_args *a, const fo_roi_params *p, const fo_roi_result *r,
                       const char *peek) {
    const char *track = fo_arg_choice(a, "track");
    fo_buf_puts(b, "Part 1 - The Platform ROI Audit");
    if (track) fo_buf_printf(b, "  (track: %s)", track);
    fo_buf_puts(b, "\n");
    fo_buf_printf(b, "N = %lld models, heterogeneity h = %.2f, engineer $%g/h, horizon %g yr\n\n",
                  p->models, p->heterogeneity, p->engineer_cost_usd_per_hour, p->horizon_years);
    fo_buf_printf(b, "  %-14s %-22s%12s%14s\n", "Toil per year", "", "manual", "platform");
    row(b, "alerts", "a*N", r->manual.alerts, r->platform.alerts);
    row(b, "deployment", "b*N*log2(N)", r->manual.deployment, r->platform.deployment);
    row(b, "dependencies", "c*h*N(N-1)/2", r->manual.dependencies, r->platform.dependencies);
    row(b, "upkeep", "U (platform only)", 0, r->platform.upkeep);
    row(b, "total", "", r->manual.total, r->platform.total);
    fo_buf_puts(b, "\n  Manual toil cost      ");
    usd(b, r->manual_toil_usd);
    fo_buf_puts(b, "\n  Platform total cost   ");
    usd(b, r->platform_total_usd);
    fo_buf_puts(b, "  (CapEx ");
    usd(b, p->capex_usd);
    fo_buf_puts(b, " + toil ");
    usd(b, r->platform_toil_usd);
    fo_buf_puts(b, ")\n  ROI of the platform   ");
    usd(b, r->roi_usd);
    fo_buf_puts(b, r->roi_usd >= 0 ? "  (the platform pays off)\n" : "  (manual is cheaper)\n");
    if (r->break_even_models)
        fo_buf_printf(b, "  Break-even N*         %lld models\n", r->break_even_models);
    else
        fo_buf_printf(b, "  Break-even N*         none up to %d models\n", FO_ROI_MAX_MODELS);
    fo_buf_printf(b, "  Toil headcount        %.2f FTE (%.2f engineers at the 50%% toil cap)\n",
                  r->ftes_needed, r->ftes_needed_at_toil_cap);
    fo_buf_printf(b,
                  "  Team of %lld             %.0f%% of its time on toil%s; at most %lld models "
                  "under the 50%% cap\n",
                  p->team_size, 100 * r->team_toil_fraction,
                  r->team_toil_fraction > FO_SRE_TOIL_CAP ? " (OVER the cap)" : "",
                  r->max_models_under_toil_cap);
    if (fo_arg_given(a, "predict")) {
        long long pred = (long long)fo_arg_num(a, "predict");
        if (r->break_even_models) {
            double act = (double)r->break_even_models;
            double f = (double)pred > act ? (double)pred / act : act / (double)pred;
            fo_buf_printf(b,
                          "\nYou predicted %lld models; the break-even is %lld (off by %.1fx).\n",
                          pred, r->break_even_models, f);
        } else {
            fo_buf_printf(b, "\nYou predicted %lld models; nothing breaks even up to %d.\n", pred,
                          FO_ROI_MAX_MODELS);
        }
    }
    fo_text_math_peek(b, peek);

    double xs[FO_ROI_CURVE_MAX], man[FO_ROI_CURVE_MAX], plat[FO_ROI_CURVE_MAX];
    for (size_t i = 0; i < r->curve_len; i++) {
        xs[i] = (double)r->curve[i].models;
        man[i] = r->curve[i].manual_toil_usd;
        plat[i] = r->curve[i].platform_total_usd;
    }
    fo_term_series s[] = {{xs, plat, r->curve_len, 'P', "platform (CapEx + toil)"},
                          {xs, man, r->curve_len, 'M', "manual toil"}};
    fo_term_mark marks[2];
    size_t nm = 0;
    if (r->break_even_models) marks[nm++] = (fo_term_mark){(double)r->break_even_models, '|', "N*"};
    marks[nm++] = (fo_term_mark){(double)p->models, ':', "your N"};
    fo_buf_puts(b, "\nOps Cost Curve (USD over the horizon)\n");
    fo_termplot(b, s, 2, marks, nm, 64, 16, "number of models N", fo_fmt_usd);
}

static fo_status run_roi(const fo_args *a, fo_output *out, fo_error *err) {
    fo_roi_params p;
    fo_args_bind(a, &p);
    fo_roi_result r;
    if (fo_roi_evaluate(&p, &r) != 0)
        return fo_error_set(err, FO_EINTERNAL, "roi: parameters outside the model's domain", "", "",
                            "");
    fo_buf peek;
    fo_buf_init(&peek);
    math_peek(&peek, &p, &r);
    fo_json j;
    fo_json_init(&j, out->json);
    write_json(&j, a, &p, &r, fo_buf_str(&peek));
    if (FO_WANT_TEXT(out)) write_text(out->text, a, &p, &r, fo_buf_str(&peek));
    if (out->svg)
        fo_draw_ops_breakeven(out->svg, fo_figure_width(a), &p, &r,
                              fo_arg_given(a, "predict") ? fo_arg_num(a, "predict") : 0);
    fo_buf_free(&peek);
    return FO_OK;
}

const fo_command fo_cmd_roi = {
    .name = "roi",
    .summary = "Part 1: toil vs platform cost, the break-even number of models N*",
    .description =
        "The Platform ROI Audit. Yearly toil of running N models by hand grows as a*N (alerts), "
        "b*N*log2(N) (deployment coordination) and c*h*N(N-1)/2 (dependencies between models of "
        "different types). A platform costs its CapEx plus a much flatter toil. "
        "ROI = Toil_manual - (CapEx + Toil_platform); N* is the smallest N with ROI >= 0. Also: "
        "the headcount the toil needs and the most models the team can run under Google SRE's "
        "50% toil cap.",
    .params = roi_params,
    .nparams = FO_COUNT(roi_params),
    .presets = roi_presets,
    .npresets = FO_COUNT(roi_presets),
    .figure = "OpsBreakEvenPlot: total cost vs number of models",
    .example = "fleetops roi --track cloud-titan --predict 40",
    .run = run_roi,
};
