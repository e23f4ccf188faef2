/* bench_cases.c — every benchmark of `make bench`, with the speed target of its issue. */
#include "bench.h"
#include "bench_part2.h"
#include "fleetops/command.h"
#include "fleetops/roi.h"

static void bench_roi_evaluate(void *state) {
    (void)state;
    fo_roi_params p = {.models = 30, .heterogeneity = 0.5, .capex_usd = 500000,
                       .engineer_cost_usd_per_hour = 100, .horizon_years = 1, .team_size = 4,
                       .alert_hours_per_model_year = 78, .deploy_hours_per_model_year = 18,
                       .dependency_hours_per_pair_year = 6, .platform_upkeep_hours_per_year = 1000,
                       .platform_alert_hours_per_model_year = 8,
                       .platform_deploy_hours_per_model_year = 2,
                       .platform_contract_hours_per_model_year = 4};
    fo_roi_result r;
    fo_roi_evaluate(&p, &r);
    BENCH_KEEP(r);
}

/* The same through the command table, JSON included: what the CLI and server pay. */
static void bench_roi_api_json(void *state) {
    (void)state;
    fo_buf out;
    fo_buf_init(&out);
    fo_output o = {&out, 0, 0};
    fo_error e;
    const char *names[] = {"track"}, *values[] = {"cloud-titan"};
    fo_command_run_kv("roi", names, values, 1, &o, &e);
    BENCH_KEEP(out);
    fo_buf_free(&out);
}

static const bench_case cases[] = {
    {"roi: evaluate (toil, N*, cap, curve)", 0, bench_roi_evaluate, 0, 100e-6, "< 100 us"},
    {"roi: command table + JSON", 0, bench_roi_api_json, 0, 0, ""},
    BENCH_PART2_CASES,
};

static const bench_process processes[] = {
    {"process: fleetops roi --json", {"roi", "--json", 0}, 5e-3, "< 5 ms"},
    BENCH_PART2_PROCESSES,
};

const bench_case *bench_cases(size_t *n) {
    *n = sizeof cases / sizeof cases[0];
    return cases;
}

const bench_process *bench_processes(size_t *n) {
    *n = sizeof processes / sizeof processes[0];
    return processes;
}
