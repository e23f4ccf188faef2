/* live_server.h — an in-process `fleetops serve` (server + ledger on a temporary database) for
 * the HTTP harnesses, and a raw request over loopback: the bytes go to the server exactly as
 * given, so malformed requests reach libmicrohttpd and our routes as they would from outside. */
#ifndef FLEETOPS_FUZZ_LIVE_SERVER_H
#define FLEETOPS_FUZZ_LIVE_SERVER_H

#include <stddef.h>

/* Starts the server once; the session cookie "fo_session=..." of one student is in `cookie`. */
void live_server_start(void);
unsigned live_server_port(void);
const char *live_server_cookie(void);
/* Sends the bytes, reads the answer (waiting at most `timeout_ms` for each read); returns the
 * HTTP status, 0 if none. `half_close` ends the request with shutdown(SHUT_WR), for inputs
 * that may never complete a request; libmicrohttpd may then drop the answer (it sees the
 * client gone), so well-formed requests are sent without it, as real clients do. */
int live_server_send(const void *request, size_t n, int timeout_ms, int half_close);

#endif
