/* deployutil.h — the course deployment of issue 17 started on 127.0.0.1 with the real parts: a
 * throwaway PostgreSQL cluster (pgutil.c), two `fleetops serve` replicas on one database, and
 * Debian's nginx with deploy/nginx.conf.in (rendered by deploy/render.sh) and a certificate made
 * here with openssl. Used by tests/cli/test_deploy.c (the scripted walk) and by
 * tests/deploy/deploy_up.c (the same deployment for the browser walk, tests/web/deploy.test.mjs).
 */
#ifndef FO_DEPLOYUTIL_H
#define FO_DEPLOYUTIL_H

#include "testutil.h"

typedef struct fo_deploy {
    fo_live_server rep[2];
    char ledger_uri[600];
    char dir[256];   /* the deployment's files: certificate, dist/, nginx.conf, logs */
    char conf[512];  /* dir/nginx.conf */
    char ca[512];    /* dir/cert.pem: the certificate, and the CA to trust */
    char base[128];  /* https://127.0.0.1:PORT */
    char plain[128]; /* http://127.0.0.1:PORT (redirects) */
    unsigned https_port, http_port;
    int up;
} fo_deploy;

/* Starts everything (PostgreSQL database `name`; the cluster is pgutil's, stopped at exit). Fails
 * the test (fail_msg) when a part is missing or does not start. */
void fo_deploy_up(fo_deploy *d, const char *name);
/* deploy/render.sh into d->conf with these per-address limits, then nginx -t. */
void fo_deploy_render(fo_deploy *d, const char *sessions_per_minute, const char *conns);
/* nginx's master pid (0 when not running). */
long fo_deploy_nginx_pid(const fo_deploy *d);
/* nginx picks the configuration up again (SIGHUP), new workers after 500 ms. */
void fo_deploy_nginx_reload(const fo_deploy *d);
/* Stops nginx and the replicas still running and removes d->dir; safe to call twice. */
void fo_deploy_down(fo_deploy *d);

#endif
