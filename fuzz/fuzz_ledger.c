/* fuzz_ledger.c — libFuzzer harness for the ledger's request bodies: byte 0 picks a POST
 * route, the rest is the JSON body, sent with a valid session cookie. Every answer must be
 * 201, 400, 404 or 409 (never a 5xx), and the ledger must stay readable. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "live_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    live_server_start();
    return 0;
}

static const char *const routes[] = {"/api/ledger/predictions", "/api/ledger/evidence",
                                     "/api/ledger/attempts",    "/api/ledger/reflections",
                                     "/api/ledger/governance",  "/api/session"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    live_server_start();
    if (size < 1 || size > 32768) return 0;
    const char *route = routes[data[0] % (sizeof routes / sizeof routes[0])];
    size_t body = size - 1, cap = body + 512;
    char *req = malloc(cap);
    if (!req) return 0;
    int head = snprintf(req, cap,
                        "POST %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: %s\r\n"
                        "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                        route, live_server_cookie(), body);
    memcpy(req + head, data + 1, body);
    int status = live_server_send(req, (size_t)head + body, 20000, 0);
    free(req);
    if (status >= 500) {
        fprintf(stderr, "fuzz_ledger: %s answered %d\n", route, status);
        abort();
    }
    char get[256];
    int n =
        snprintf(get, sizeof get,
                 "GET /api/ledger HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: %s\r\n\r\n",
                 live_server_cookie());
    int got = live_server_send(get, (size_t)n, 20000, 0);
    if (got != 200) {
        fprintf(stderr, "fuzz_ledger: GET /api/ledger answered %d after %s\n", got, route);
        abort();
    }
    return 0;
}
