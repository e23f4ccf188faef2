/* deployutil.c — see deployutil.h. */
#include "deployutil.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(int ms) {
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static int sh(const char *cmd) {
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

void fo_deploy_render(fo_deploy *d, const char *sessions_per_minute, const char *conns) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "FLEETOPS_SSL_CERTIFICATE=%s/cert.pem FLEETOPS_SSL_CERTIFICATE_KEY=%s/key.pem "
             "FLEETOPS_REPLICAS='127.0.0.1:%u 127.0.0.1:%u' FLEETOPS_DIST=%s/dist "
             "FLEETOPS_HTTPS_LISTEN=127.0.0.1:%u FLEETOPS_HTTP_LISTEN=127.0.0.1:%u "
             "FLEETOPS_NGINX_USER=%s FLEETOPS_RUN_DIR=%s FLEETOPS_LOG_DIR=%s "
             "FLEETOPS_SESSIONS_PER_MINUTE=%s FLEETOPS_WRITES_PER_MINUTE=1000000 "
             "FLEETOPS_CONNECTIONS_PER_ADDRESS=%s %s/deploy/render.sh > %s && "
             "nginx -q -t -c %s -p %s -e %s/error.log",
             d->dir, d->dir, d->rep[0].port, d->rep[1].port, d->dir, d->https_port, d->http_port,
             geteuid() == 0 ? "root" : "nobody", d->dir, d->dir, sessions_per_minute, conns,
             FO_SOURCE_DIR, d->conf, d->conf, d->dir, d->dir);
    if (sh(cmd) != 0) fail_msg("deploy/render.sh or nginx -t failed (%s)", d->conf);
}

long fo_deploy_nginx_pid(const fo_deploy *d) {
    char p[600];
    snprintf(p, sizeof p, "%s/nginx.pid", d->dir);
    FILE *f = fopen(p, "r");
    long pid = 0;
    if (f && fscanf(f, "%ld", &pid) != 1) pid = 0;
    if (f) fclose(f);
    return pid;
}

void fo_deploy_nginx_reload(const fo_deploy *d) {
    long pid = fo_deploy_nginx_pid(d);
    assert_true(pid > 0);
    kill((pid_t)pid, SIGHUP);
    sleep_ms(500); /* new workers with the new configuration */
}

void fo_deploy_up(fo_deploy *d, const char *name) {
    memset(d, 0, sizeof *d);
    if (sh("command -v nginx >/dev/null && command -v openssl >/dev/null") != 0)
        fail_msg("nginx and openssl are needed (scripts/deps.sh pg)");
    char *argv[] = {"fo_deploy", "--db", "pg", NULL};
    fo_test_args(3, argv);
    fo_test_ledger(name, d->ledger_uri, sizeof d->ledger_uri);
    /* the replicas: per-address rates are nginx's; every revision kept so every write counts */
    const char *common[] = {"--coalesce-seconds",    "0", "--writes-per-minute", "0",
                            "--sessions-per-minute", "0"};
    fo_server_spawn(&d->rep[0], "--db", d->ledger_uri, "--create", "yes", common[0], common[1],
                    common[2], common[3], common[4], common[5], NULL);
    fo_server_spawn(&d->rep[1], "--db", d->ledger_uri, common[0], common[1], common[2], common[3],
                    common[4], common[5], NULL);
    d->up = 1;
    snprintf(d->dir, sizeof d->dir, "/tmp/fleetops-deploy-XXXXXX");
    assert_non_null(mkdtemp(d->dir));
    chmod(d->dir, 0755);
    char cmd[2048];
    /* the certificate, for 127.0.0.1 */
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey rsa:2048 -nodes -keyout %s/key.pem -out %s/cert.pem "
             "-days 2 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost "
             ">/dev/null 2>&1",
             d->dir, d->dir);
    if (sh(cmd) != 0) fail_msg("openssl could not make the certificate");
    snprintf(d->ca, sizeof d->ca, "%s/cert.pem", d->dir);
    /* the static root: dist/ (make web) with its backend marker; a stand-in page when dist/
     * has none yet, and fleetops.wasm from dist/ when it is built */
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s/dist && if grep -q 'name=\"fleetops-backend\" content=\"static\"' "
             "%s/dist/index.html 2>/dev/null; then cp -r %s/dist/. %s/dist/; else printf "
             "'<!doctype html><meta name=\"fleetops-backend\" content=\"static\"><title>fleetops "
             "stand-in</title>\\n' > %s/dist/index.html; cp %s/dist/fleetops.wasm %s/dist/ "
             "2>/dev/null || printf '\\0asm' > %s/dist/fleetops.wasm; fi",
             d->dir, FO_SOURCE_DIR, FO_SOURCE_DIR, d->dir, d->dir, FO_SOURCE_DIR, d->dir, d->dir);
    if (sh(cmd) != 0) fail_msg("could not copy dist/");
    d->https_port = fo_free_port();
    d->http_port = fo_free_port();
    snprintf(d->conf, sizeof d->conf, "%s/nginx.conf", d->dir);
    fo_deploy_render(d, "1000000", "512"); /* the tests play many students from 127.0.0.1 */
    snprintf(cmd, sizeof cmd, "nginx -c %s -p %s -e %s/error.log", d->conf, d->dir, d->dir);
    if (sh(cmd) != 0) fail_msg("nginx did not start (%s/error.log)", d->dir);
    snprintf(d->base, sizeof d->base, "https://127.0.0.1:%u", d->https_port);
    snprintf(d->plain, sizeof d->plain, "http://127.0.0.1:%u", d->http_port);
    for (int i = 0; i < 100 && fo_deploy_nginx_pid(d) == 0; i++)
        sleep_ms(20);
}

void fo_deploy_down(fo_deploy *d) {
    if (!d->up) return;
    d->up = 0;
    long pid = d->dir[0] ? fo_deploy_nginx_pid(d) : 0;
    if (pid > 0) kill((pid_t)pid, SIGTERM);
    fo_server_kill(&d->rep[0], SIGTERM);
    fo_server_kill(&d->rep[1], SIGTERM);
    /* nginx's master removes its pid file when its workers are gone */
    for (int i = 0; i < 100 && pid > 0 && kill((pid_t)pid, 0) == 0; i++)
        sleep_ms(20);
    if (d->dir[0]) {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf %s", d->dir);
        sh(cmd);
    }
}
