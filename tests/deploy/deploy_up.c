/* deploy_up.c — the course deployment of issue 17 (tests/deployutil.c: a throwaway PostgreSQL
 * cluster, two `fleetops serve` replicas on one database, Debian's nginx over TLS with a
 * certificate made here), all on 127.0.0.1, kept up for a test in another language: the browser
 * walk of tests/web/deploy.test.mjs spawns it.
 *
 * Prints ONE line of JSON on stdout when everything answers:
 *   {"url":"https://127.0.0.1:P/","ca":"/tmp/.../cert.pem","ledger":"postgresql://...",
 *    "nginx":PID,"replicas":[{"pid":PID,"port":P},{"pid":PID,"port":P}]}
 * then reads commands on stdin, one a line, and answers each with one line:
 *   kill N       SIGKILL replica N (0 or 1), reaped here        -> "killed N"
 *   pg stop      PostgreSQL stopped (immediate, as a crash)       -> "pg stop"
 *   pg start     and started again on the same port              -> "pg start"
 *   count SQL    one integer from the ledger database (psql-free) -> the number (-1 on failure)
 *   down         stop everything and exit                        -> (exit 0)
 * End of input (the test's process gone, whatever killed it), SIGTERM, SIGINT, SIGHUP or the
 * watchdog (FO_DEPLOY_MAX_SECONDS, default 300) stop everything too: nginx, the replicas, the
 * cluster, the files. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deployutil.h"

static fo_deploy d;
static volatile sig_atomic_t stop;

static void on_signal(int sig) {
    (void)sig;
    stop = 1;
}

static void down(void) {
    fo_deploy_down(&d); /* registered after pgutil's cluster clean-up: runs before it */
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: a blocked read returns */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
    const char *max = getenv("FO_DEPLOY_MAX_SECONDS");
    alarm(max && atoi(max) > 0 ? (unsigned)atoi(max) : 300);
    fo_deploy_up(&d, "walk");
    atexit(down);
    printf(
        "{\"url\":\"%s/\",\"ca\":\"%s\",\"ledger\":\"%s\",\"nginx\":%ld,\"replicas\":[{\"pid\":%d,"
        "\"port\":%u},{\"pid\":%d,\"port\":%u}]}\n",
        d.base, d.ca, d.ledger_uri, fo_deploy_nginx_pid(&d), d.rep[0].pid, d.rep[0].port,
        d.rep[1].pid, d.rep[1].port);
    char line[4096];
    while (!stop && fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = 0;
        if (strncmp(line, "kill ", 5) == 0) {
            int n = atoi(line + 5);
            if (n == 0 || n == 1) fo_server_kill(&d.rep[n], SIGKILL);
            printf("killed %d\n", n);
        } else if (strcmp(line, "pg stop") == 0 || strcmp(line, "pg start") == 0) {
            fo_pg_ctl(line + 3); /* stop: immediate, as a crash */
            printf("pg %s\n", line + 3);
        } else if (strncmp(line, "count ", 6) == 0) {
            printf("%lld\n", fo_ledger_count(d.ledger_uri, line + 6));
        } else if (strcmp(line, "down") == 0) {
            break;
        } else {
            printf("unknown command\n");
        }
    }
    return 0; /* atexit: the deployment, then the cluster */
}
