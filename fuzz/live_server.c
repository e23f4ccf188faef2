/* live_server.c — see live_server.h. Fuzz-harness support only: state is process-wide here
 * by necessity (libFuzzer calls the harness with nothing but the input). */
#include "live_server.h"

#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "fleetops/server.h"
#include "fleetops/store.h"

static fo_server *server;
static fo_store *store;
static char cookie[FO_TOKEN_MAX + 16];

void live_server_start(void) {
    if (server) return;
    char path[] = "/tmp/fleetops-fuzz-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) abort();
    close(fd);
    fo_error e;
    if (fo_store_open(path, &store, &e) != FO_OK) abort();
    fo_server_params p = {.listen = "127.0.0.1",
                          .port = 0,
                          .threads = 2,
                          .db = path,
                          .instructor_token = "fuzz-instructor-token"};
    server = fo_server_start(&p, store, &e);
    if (!server) abort();
    long long id;
    char token[FO_TOKEN_MAX];
    if (fo_store_session_create(store, "tiny-pioneer", &id, token, &e) != FO_OK) abort();
    snprintf(cookie, sizeof cookie, "fo_session=%s", token);
}

unsigned live_server_port(void) {
    return fo_server_port(server);
}

const char *live_server_cookie(void) {
    return cookie;
}

int live_server_send(const void *request, size_t n, int timeout_ms, int half_close) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) return 0;
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)live_server_port())};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int status = 0;
    int rc;
    while ((rc = connect(s, (struct sockaddr *)&a, sizeof a)) != 0 && errno == EINTR) {
    }
    if (rc == 0) {
        size_t off = 0;
        while (off < n) {
            ssize_t w = send(s, (const char *)request + off, n - off, MSG_NOSIGNAL);
            if (w < 0 && errno == EINTR) continue; /* libFuzzer's SIGALRM ticks */
            if (w <= 0) break;
            off += (size_t)w;
        }
        if (half_close) shutdown(s, SHUT_WR); /* the request ends here, however malformed */
        /* Read the head, then exactly Content-Length bytes of body (libmicrohttpd keeps a
         * half-closed HTTP/1.1 connection open, so waiting for EOF would cost the timeout). */
        static __thread char buf[1 << 17];
        size_t got = 0, want = (size_t)-1;
        while (got < sizeof buf - 1 && got < want) {
            ssize_t r = recv(s, buf + got, sizeof buf - 1 - got, 0);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            got += (size_t)r;
            buf[got] = '\0';
            char *end = strstr(buf, "\r\n\r\n");
            if (end && want == (size_t)-1) {
                const char *cl = strcasestr(buf, "\r\nContent-Length:");
                want = cl && cl < end ? (size_t)(end + 4 - buf) + strtoull(cl + 17, NULL, 10)
                                      : (size_t)(end + 4 - buf);
            }
        }
        if (got > 12 && strncmp(buf, "HTTP/1.", 7) == 0) status = atoi(buf + 9);
        if (!status && getenv("FO_FUZZ_DEBUG"))
            fprintf(stderr, "live_server: no status: got %zu bytes, errno %d (%s)\n", got, errno,
                    strerror(errno));
    }
    close(s);
    return status;
}
