/* fuzz_http.c — libFuzzer harness for the HTTP request path: the input is sent as-is to an
 * in-process server as one request (request line, headers, query string, body). The server
 * must stay up and answer every later request; a 5xx is a bug (abort). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "live_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    live_server_start();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    live_server_start();
    if (size > 65536) return 0;
    /* Malformed: may get no answer. libmicrohttpd waits for the rest of an incomplete request
     * (even half-closed), so the harness waits 150 ms, not the server's timeout: ~5x the
     * executions a second. An answer slower than that is not judged here (the probe below
     * still finds the server up); the slow commands themselves are fuzzed in-process by
     * fuzz_command. */
    int status = live_server_send(data, size, 150, 1);
    if (status >= 500 && status != 505 && status != 501)
        abort(); /* unsupported version/method are MHD's own answers */
    static const char probe[] = "GET /api/schema HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    /* still up: a well-formed request gets its answer (generous timeout: ASan, a busy box) */
    int got = live_server_send(probe, sizeof probe - 1, 20000, 0);
    if (got != 200) {
        fprintf(stderr, "fuzz_http: the probe answered %d\n", got);
        abort();
    }
    return 0;
}
