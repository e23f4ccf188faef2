/* cmd_serve.c — `fleetops serve`: parameters validated by the same command-table machinery as
 * every other command; the handler starts the server, prints the address to open, and waits
 * for Ctrl-C (SIGINT) or SIGTERM to stop it cleanly. */
#include <signal.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fleetops/report.h"
#include "fleetops/server.h"

#define F(field) offsetof(fo_server_params, field)

static const fo_param serve_params[] = {
    {.name = "listen",
     .type = FO_T_STRING,
     .unit = "address",
     .max = 64,
     .def_str = "127.0.0.1",
     .field = F(listen),
     .help = "Address to listen on; loopback unless you mean to serve a class"},
    {.name = "port",
     .type = FO_T_INT,
     .unit = "port",
     .min = 0,
     .max = 65535,
     .def = 8080,
     .field = F(port),
     .help = "TCP port; 0 picks a free one (printed)"},
    {.name = "threads",
     .type = FO_T_INT,
     .unit = "threads",
     .min = 1,
     .max = 64,
     .def = 2,
     .field = F(threads),
     .help = "Worker threads (the machine's cores is a good choice)"},
    {.name = "db",
     .type = FO_T_STRING,
     .unit = "path",
     .max = 4096,
     .def_str = "fleetops.db",
     .field = F(db),
     .help = "The ledger's SQLite file (created if missing)"},
    {.name = "instructor_token",
     .type = FO_T_STRING,
     .unit = "token",
     .max = 90,
     .flags = FO_P_OPTIONAL,
     .field = F(instructor_token),
     .help = "Enables /instructor, the class view, for whoever has this token"},
};

static fo_status run_serve(const fo_args *a, fo_output *out, fo_error *err) {
    (void)out;
    fo_server_params p = {0};
    fo_args_bind(a, &p);
    if (p.instructor_token && strlen(p.instructor_token) < 12)
        return fo_error_set(err, FO_EUSAGE, "instructor token too short", "instructor_token",
                            "(hidden)", "at least 12 characters");
    fo_store *store;
    if (fo_store_open(p.db, &store, err) != FO_OK) return err->status;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* the server's threads inherit the mask */
    fo_server *s = fo_server_start(&p, store, err);
    if (!s) {
        fo_store_close(store);
        return err->status;
    }
    int v6 = p.listen[0] != '\0' && strchr(p.listen, ':');
    printf("fleetops: serving the lab at http://%s%s%s:%u/  (Ctrl-C stops)\n", v6 ? "[" : "",
           p.listen, v6 ? "]" : "", fo_server_port(s));
    printf("fleetops: ledger in %s%s\n", p.db,
           p.instructor_token ? "; class view at /instructor?token=..." : "");
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    fo_server_stop(s);
    fo_store_close(store);
    printf("fleetops: stopped (%s)\n", sig == SIGINT ? "Ctrl-C" : "SIGTERM");
    return FO_OK;
}

const fo_command fo_cmd_serve = {
    .name = "serve",
    .summary = "The lab in a browser: serve the page and the HTTP API",
    .description = "Serves the lab page and GET /api/<command>?param=value (the same parameters "
                   "and JSON as the CLI; format=svg returns the figure) and GET /api/schema. "
                   "Bad parameters get HTTP 400 with {error, param, value, allowed}.",
    .params = serve_params,
    .nparams = sizeof serve_params / sizeof serve_params[0],
    .example = "fleetops serve --port 8080",
    .run = run_serve,
};

const fo_command *const *fo_native_commands(size_t *count) {
    static const fo_command *const native[] = {&fo_cmd_serve, &fo_cmd_report, &fo_cmd_class};
    *count = sizeof native / sizeof native[0];
    return native;
}
