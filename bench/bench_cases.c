/* bench_cases.c — every benchmark of `make bench`, with the speed target of its issue. */
#include "bench.h"
#include "bench_crisis.h"
#include "bench_heavy.h"
#include "bench_part3.h"
#include "bench_part2.h"
#include "fleetops/command.h"
#include "fleetops/roi.h"

static void bench_roi_evaluate(void *state) {
    (void)state;
    fo_roi_result r;
    fo_roi_evaluate(&bench_roi_params, &r);
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

extern const bench_case bench_ledger_cases[];
extern const size_t bench_ledger_count;
extern const bench_case bench_class_cases[];
extern const size_t bench_class_count;

static const bench_case cases[] = {
    {"roi: evaluate (toil, N*, cap, curve)", 0, bench_roi_evaluate, 0, 100e-6, "< 100 us",
     "roi_curve", 1, "evaluation"},
    {"roi: command table + JSON", 0, bench_roi_api_json, 0, 0, ""},
    {"crisis: cloud-titan 50 models x 30 days", bench_crisis_setup, bench_crisis_cloud,
     bench_crisis_teardown, 50e-3, "< 50 ms", "cloud_streams", 50.0 * 43200 * 2, "metric sample"},
    {"crisis: edge-guardian 500,000 vehicles", bench_crisis_setup, bench_crisis_edge,
     bench_crisis_teardown, 20e-3, "< 20 ms", "edge_rollout", 500000, "vehicle"},
    {"crisis: mobile-nomad 10 regions x 168 h", bench_crisis_setup, bench_crisis_mobile,
     bench_crisis_teardown, 10e-3, "< 10 ms"},
    {"crisis: cloud-titan command table + JSON", 0, bench_crisis_cloud_api, 0, 0, ""},
    {"crisis: tiny-pioneer pipeline, both columns", bench_crisis_setup, bench_crisis_tiny,
     bench_crisis_teardown, 10e-3, "< 10 ms"},
    {"crisis: tiny-pioneer command table + JSON + SVG", 0, bench_crisis_tiny_api, 0, 0, ""},
    {"classifier: Newton logistic regression, 1000 x 8", bench_logreg_setup, bench_logreg_train,
     bench_logreg_teardown, 0, "", "logreg_train", 1000, "row"},
    {"ensemble: full evaluation, 2 trainings", bench_ensemble_setup, bench_ensemble_run,
     bench_ensemble_teardown, 20e-3, "< 20 ms"},
    {"ensemble: command table + JSON + SVG", 0, bench_ensemble_api, 0, 0, ""},
    {"governance: 52 weeks, both policies", bench_governance_setup, bench_governance_run,
     bench_governance_teardown, 50e-3, "< 50 ms"},
    {"governance: command table + JSON + SVG", 0, bench_governance_api, 0, 0, ""},
    BENCH_PART2_CASES,
};

static const bench_process processes[] = {
    {"process: fleetops roi --json", {"roi", "--json", 0}, 5e-3, "< 5 ms"},
    {"process: fleetops crisis edge-guardian --json",
     {"crisis", "edge-guardian", "--json", 0},
     0,
     ""},
    {"process: fleetops crisis tiny-pioneer --json",
     {"crisis", "tiny-pioneer", "--json", 0},
     0,
     ""},
    {"process: fleetops ensemble --json", {"ensemble", "--json", 0}, 0, ""},
    {"process: fleetops governance --json",
     {"governance", "--policy", "strict", "--json", 0},
     0,
     ""},
    BENCH_PART2_PROCESSES,
};

/* Every group's cases, gathered once into one array (the groups live in bench_*.c). */
const bench_case *bench_cases(size_t *n) {
    static bench_case all[64];
    size_t k = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        all[k++] = cases[i];
    for (size_t i = 0; i < bench_ledger_count; i++)
        all[k++] = bench_ledger_cases[i];
    for (size_t i = 0; i < bench_class_count; i++)
        all[k++] = bench_class_cases[i];
    *n = k;
    return all;
}

const bench_process *bench_processes(size_t *n) {
    *n = sizeof processes / sizeof processes[0];
    return processes;
}
