/* server.c — the HTTP front (server.h) on libmicrohttpd. It owns routing, the query string
 * -> command-table translation, status codes and headers; it computes nothing itself: every
 * /api/<command> goes through fo_command_run_kv, exactly like the CLI, and the ledger routes
 * live in ledger_api.c.
 *
 * Limits that hold under hostile clients (issue 16), all here:
 *   - connections: a total and a per-address limit (libmicrohttpd's), and deadlines for a
 *     request's headers and for its body counted from when each began (not idle time): a
 *     watchdog thread shuts down the socket of a connection past its deadline;
 *   - the request line: its length and its number of query parameters are checked in the URI
 *     callback, before libmicrohttpd 0.9.75 parses the parameters into its 64 KiB connection
 *     pool (running out of it queues a 431 that is never sent); an oversized query is cut off
 *     there and the request answered 414 or 400 naming the limit;
 *   - the body: a Content-Length over the limit is refused before any of the body is read, a
 *     chunked body as soon as it passes the limit;
 *   - error bodies are valid UTF-8 (invalid bytes become U+FFFD);
 *   - state-changing requests (POST, PUT, PATCH, DELETE) from a foreign Origin (or with
 *     Sec-Fetch-Site: cross-site / same-site) are refused 403;
 *   - logs: one line per event class per interval when flooded, with the count of the rest;
 *   - the instructor's door: a sign-in form (POST /instructor/signin) that sets an HttpOnly
 *     SameSite=Strict cookie; failed tries slowed per address (429 with Retry-After). */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>

#include "fleetops/server.h"
#include "http.h"

#define FO_MAX_QUERY_PARAMS 64
#define FO_MAX_URI_BYTES    8192 /* the request target, path and query */
#define LOG_CLASSES         32
#define SIGNIN_ADDRS        256
#define SIGNIN_FREE_TRIES   5     /* failed sign-ins from one address before the delays */
#define SIGNIN_MAX_DELAY_S  900.0 /* the delay doubles per failure up to this */
#define INSTRUCTOR_SESSIONS 16
#define INSTRUCTOR_COOKIE   "fo_instructor"
#define INSTRUCTOR_MAX_AGE  43200 /* 12 h */

/* A connection as the watchdog sees it (libmicrohttpd's socket context). */
typedef enum conn_state { CONN_HEADERS, CONN_BODY, CONN_ANSWERING } conn_state;
typedef struct conn {
    struct conn *prev, *next;
    int fd;
    conn_state state;
    int killed;
    unsigned long requests; /* answered on this connection so far */
    unsigned char addr[16]; /* client_addr() */
    double since;           /* when the current state began (monotonic seconds) */
} conn;

/* One class of log line (keyed by its format string) and what was held back. */
typedef struct log_class {
    const void *key;
    char first[200];
    unsigned long held;
    double window; /* when the current interval began */
    int printed;   /* this interval's line is out: the rest are counted */
} log_class;

typedef struct signin_addr {
    unsigned char addr[16];
    int used;
    unsigned fails;
    double retry_at; /* no try before this (monotonic seconds) */
    double last;
} signin_addr;

typedef struct instructor_session {
    char id[65];
    double expires;
} instructor_session;

struct fo_server {
    struct MHD_Daemon *daemon;
    fo_http_ctx ctx;
    char instructor_token[FO_TOKEN_MAX];
    double header_deadline_s, body_deadline_s, log_interval_s;
    unsigned max_conn, per_addr; /* ours; libmicrohttpd's hard limits are a little above */
    pthread_mutex_t mu;          /* conns, logs, signins, sessions */
    pthread_cond_t wake;
    pthread_t watchdog;
    int watchdog_started, stopping;
    conn *conns;
    log_class logs[LOG_CLASSES];
    signin_addr signins[SIGNIN_ADDRS];
    instructor_session sessions[INSTRUCTOR_SESSIONS];
};

/* Per request: the body as it arrives, and what the URI callback found. */
typedef struct request {
    fo_buf body;
    int started;     /* the access handler has seen the headers */
    int uri_refusal; /* 414: line too long; 400: too many parameters */
    size_t uri_len, uri_params;
    int too_big;
} request;

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* ---- logs: one line per class per interval when flooded ---------------------------------- */

static void grouped(char *out, size_t n, unsigned long v) {
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%lu", v);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < n; i++) {
        if (i && (len - i) % 3 == 0) out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

/* Ends the classes' intervals that are over (all with force); called with s->mu held. A
 * class that held lines back prints their count, and that line is the next interval's one. */
static void log_flush_locked(fo_server *s, double now, int force) {
    for (int i = 0; i < LOG_CLASSES; i++) {
        log_class *l = &s->logs[i];
        if (!l->key || (!force && now - l->window < s->log_interval_s)) continue;
        l->printed = 0;
        if (l->held) {
            char n[32];
            grouped(n, sizeof n, l->held);
            fprintf(stderr, "fleetops serve: ... and %s more in the last %.0f s like: %s\n", n,
                    now - l->window, l->first);
            l->held = 0;
            l->printed = 1;
        }
        l->window = now;
    }
    fflush(stderr);
}

/* One event: printed, or counted when its class has already printed in this interval. */
static void log_event(fo_server *s, const void *key, const char *msg) {
    char line[200];
    snprintf(line, sizeof line, "%s", msg);
    size_t len = strlen(line);
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    double now = now_s();
    pthread_mutex_lock(&s->mu);
    log_class *l = NULL, *free_slot = NULL, *oldest = &s->logs[0];
    for (int i = 0; i < LOG_CLASSES; i++) {
        if (s->logs[i].key == key) l = &s->logs[i];
        if (!s->logs[i].key && !free_slot) free_slot = &s->logs[i];
        if (s->logs[i].window < oldest->window) oldest = &s->logs[i];
    }
    if (!l) {
        l = free_slot;
        if (!l) { /* more classes than slots: the oldest is summed up and replaced */
            l = oldest;
            if (l->held) {
                char n[32];
                grouped(n, sizeof n, l->held);
                fprintf(stderr, "fleetops serve: ... and %s more like: %s\n", n, l->first);
            }
        }
        memset(l, 0, sizeof *l);
        l->key = key;
        l->window = now;
    } else if (now - l->window >= s->log_interval_s) {
        log_flush_locked(s, now, 0);
    }
    if (!l->printed) {
        snprintf(l->first, sizeof l->first, "%s", line);
        fprintf(stderr, "fleetops serve: %s\n", line);
        l->printed = 1;
    } else {
        l->held++;
    }
    fflush(stderr);
    pthread_mutex_unlock(&s->mu);
}

static void log_mhd(void *cls, const char *fmt, va_list ap) {
    char msg[200];
    vsnprintf(msg, sizeof msg, fmt, ap);
    log_event(cls, fmt, msg);
}

void fo_http_log(fo_server *s, const void *cls, const char *fmt, ...) {
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    /* va_start is just above: clang-analyzer (run over batches of files) loses it here */
    vsnprintf(msg, sizeof msg, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
    va_end(ap);
    log_event(s, cls, msg);
}

/* ---- connections and their deadlines ------------------------------------------------------ */

static int client_addr(struct MHD_Connection *c, unsigned char out[16]);

static int cmp_addr(const void *x, const void *y) {
    return memcmp(x, y, 16);
}

/* The address holding the most connections (into out); 0 if none. Called with s->mu held. */
static int busiest_address(fo_server *s, unsigned total, unsigned char out[16]) {
    unsigned char(*all)[16] = malloc((size_t)total * 16);
    if (!all) return 0;
    unsigned n = 0;
    for (conn *k = s->conns; k && n < total; k = k->next)
        if (!k->killed) memcpy(all[n++], k->addr, 16);
    qsort(all, n, 16, cmp_addr);
    unsigned best = 0;
    for (unsigned i = 0, run = 1; i < n; i++, run++) {
        if (i + 1 < n && memcmp(all[i], all[i + 1], 16) == 0) continue;
        if (run > best) best = run, memcpy(out, all[i], 16);
        run = 0;
    }
    free(all);
    return best > 0;
}

/* The connection to close for room: of `addr` (NULL: any), not being answered, the one that
 * has waited longest for its request's headers, else for its body. */
static conn *victim_of(fo_server *s, const conn *fresh, const unsigned char *addr) {
    conn *victim = NULL;
    for (conn *k = s->conns; k; k = k->next) {
        if (k == fresh || k->killed || k->state == CONN_ANSWERING || k->fd < 0) continue;
        if (addr && memcmp(k->addr, addr, 16) != 0) continue;
        if (!victim || (k->state == CONN_HEADERS && victim->state != CONN_HEADERS) ||
            (k->state == victim->state && k->since < victim->since))
            victim = k;
    }
    return victim;
}

/* A new connection over a limit makes room: over its address's, that address's connection
 * that has waited longest for its request's headers (or, when none is waiting for headers, for
 * its body) is shut down; over the total, the same among the connections of the address that
 * holds the most. So slow clients cannot keep the class out, behind one NAT or not, and a
 * client with one connection is not the one closed. When every candidate is being answered,
 * the new connection is the one refused. Called with s->mu held. */
static int make_room_locked(fo_server *s, conn *fresh) { /* 0, 1 evicted, 2 refused */
    unsigned total = 0, same = 0;
    for (conn *k = s->conns; k; k = k->next) {
        if (k->killed) continue;
        total++;
        same += memcmp(k->addr, fresh->addr, 16) == 0;
    }
    int per_addr = same > s->per_addr;
    if (!per_addr && total <= s->max_conn) return 0;
    unsigned char hog[16];
    conn *victim = NULL;
    if (per_addr)
        victim = victim_of(s, fresh, fresh->addr);
    else if (busiest_address(s, total, hog))
        victim = victim_of(s, fresh, hog);
    if (!victim && !per_addr) victim = victim_of(s, fresh, NULL);
    if (!victim) victim = fresh;
    if (victim->fd >= 0) shutdown(victim->fd, SHUT_RDWR);
    victim->killed = 1;
    return victim == fresh ? 2 : 1;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe) {
    fo_server *s = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        conn *k = calloc(1, sizeof *k);
        if (!k) return;
        const union MHD_ConnectionInfo *fd =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        k->fd = fd ? fd->connect_fd : -1;
        k->state = CONN_HEADERS;
        k->since = now_s();
        client_addr(c, k->addr);
        pthread_mutex_lock(&s->mu);
        k->next = s->conns;
        if (s->conns) s->conns->prev = k;
        s->conns = k;
        int room = make_room_locked(s, k);
        pthread_mutex_unlock(&s->mu);
        *socket_context = k;
        static const char evicted[] = "evicted", refused[] = "refused";
        if (room == 1)
            fo_http_log(s, evicted,
                        "closed the connection waiting longest for its headers to "
                        "make room (connection limit)");
        else if (room == 2)
            fo_http_log(s, refused,
                        "refused a connection: all of its address's (or all) are "
                        "busy with requests (connection limit)");
    } else if (*socket_context) { /* closed: before libmicrohttpd closes the socket */
        conn *k = *socket_context;
        pthread_mutex_lock(&s->mu);
        if (k->prev)
            k->prev->next = k->next;
        else
            s->conns = k->next;
        if (k->next) k->next->prev = k->prev;
        pthread_mutex_unlock(&s->mu);
        free(k);
        *socket_context = NULL;
    }
}

static conn *conn_of(struct MHD_Connection *c) {
    const union MHD_ConnectionInfo *i =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return i ? i->socket_context : NULL;
}

static void conn_set(fo_server *s, struct MHD_Connection *c, conn_state st) {
    conn *k = conn_of(c);
    if (!k) return;
    pthread_mutex_lock(&s->mu);
    if (st == CONN_HEADERS && k->state == CONN_ANSWERING) k->requests++;
    k->state = st;
    k->since = now_s();
    pthread_mutex_unlock(&s->mu);
}

static const char timeout_reply[] =
    "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nConnection: close\r\n"
    "Content-Length: 91\r\n\r\n"
    "{\"error\":\"request too slow\",\"param\":\"\",\"value\":\"\",\"allowed\":\"the "
    "server's deadline\"}";

/* Shuts down every connection past its deadline; libmicrohttpd then sees the socket end and
 * closes it. A connection is in the list until libmicrohttpd's "closed" notification, which
 * comes before it closes the descriptor, so the descriptor here is always still its own. */
static void check_deadlines(fo_server *s, double now) {
    unsigned long late_headers = 0, late_bodies = 0;
    pthread_mutex_lock(&s->mu);
    for (conn *k = s->conns; k; k = k->next) {
        if (k->killed || k->fd < 0) continue;
        double limit = k->state == CONN_HEADERS ? s->header_deadline_s
                       : k->state == CONN_BODY  ? s->body_deadline_s
                                                : 0;
        if (limit <= 0 || now - k->since < limit) continue;
        if (k->requests == 0 || k->state == CONN_BODY) /* an idle keep-alive gets no 408 */
            (void)!send(k->fd, timeout_reply, sizeof timeout_reply - 1,
                        MSG_DONTWAIT | MSG_NOSIGNAL);
        shutdown(k->fd, SHUT_RDWR);
        k->killed = 1;
        if (k->state == CONN_HEADERS && k->requests == 0)
            late_headers++;
        else if (k->state == CONN_BODY)
            late_bodies++;
    }
    pthread_mutex_unlock(&s->mu);
    static const char hk[] = "headers", bk[] = "body";
    for (unsigned long i = 0; i < late_headers; i++)
        fo_http_log(s, hk, "closed a connection whose request headers took over %g s",
                    s->header_deadline_s);
    for (unsigned long i = 0; i < late_bodies; i++)
        fo_http_log(s, bk, "closed a connection whose request body took over %g s",
                    s->body_deadline_s);
}

static void *watchdog(void *arg) {
    fo_server *s = arg;
    pthread_mutex_lock(&s->mu);
    while (!s->stopping) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_nsec += 100 * 1000 * 1000;
        if (t.tv_nsec >= 1000000000) t.tv_sec++, t.tv_nsec -= 1000000000;
        pthread_cond_timedwait(&s->wake, &s->mu, &t);
        if (s->stopping) break;
        pthread_mutex_unlock(&s->mu);
        double now = now_s();
        check_deadlines(s, now);
        pthread_mutex_lock(&s->mu);
        log_flush_locked(s, now, 0);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* The page may load only itself; API figures are standalone SVG documents with their own
 * stylesheet and no script. */
static const char csp_page[] =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
static const char csp_svg[] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors "
                              "'none'";
static const char csp_api[] = "default-src 'none'; frame-ancestors 'none'";

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, const char *type,
                               const char *csp, const char *cache, void *data, size_t len,
                               enum MHD_ResponseMemoryMode mode, const char *xh, const char *xv) {
    struct MHD_Response *r = MHD_create_response_from_buffer(len, data, mode);
    if (!r) {
        if (mode == MHD_RESPMEM_MUST_FREE) free(data);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Content-Security-Policy", csp);
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
    if (xh) MHD_add_response_header(r, xh, xv);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

enum MHD_Result fo_http_body(struct MHD_Connection *c, unsigned status, const char *type, fo_buf *b,
                             const char *xh, const char *xv) {
    if (b->oom) {
        fo_buf_free(b);
        return MHD_NO;
    }
    void *data = b->data ? b->data : strdup("");
    size_t len = b->len;
    b->data = NULL;
    fo_buf_free(b);
    const char *csp = strncmp(type, "image/svg", 9) == 0   ? csp_svg
                      : strncmp(type, "text/html", 9) == 0 ? csp_page
                                                           : csp_api;
    return respond(c, status, type, csp, "no-store", data, len, MHD_RESPMEM_MUST_FREE, xh, xv);
}

enum MHD_Result fo_http_json(struct MHD_Connection *c, unsigned status, fo_buf *b) {
    return fo_http_body(c, status, "application/json", b, NULL, NULL);
}

/* The length of the valid UTF-8 sequence at p (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF), or 0. */
static size_t utf8_seq(const unsigned char *p, size_t n) {
    if (p[0] < 0x80) return 1;
    size_t len = p[0] >= 0xC2 && p[0] <= 0xDF   ? 2
                 : p[0] >= 0xE0 && p[0] <= 0xEF ? 3
                 : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4
                                                : 0;
    if (!len || len > n) return 0;
    for (size_t i = 1; i < len; i++)
        if ((p[i] & 0xC0) != 0x80) return 0;
    if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] > 0x9F) ||
        (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] > 0x8F))
        return 0;
    return len;
}

/* The text with every byte that is not part of valid UTF-8 replaced by U+FFFD, cut at a
 * character's end to fit. */
static void utf8_clean(char *out, size_t n, const char *in) {
    const unsigned char *p = (const unsigned char *)in;
    size_t left = strlen(in), o = 0;
    while (left) {
        size_t k = utf8_seq(p, left);
        const char *piece = k ? (const char *)p : "\xEF\xBF\xBD";
        size_t plen = k ? k : 3;
        if (o + plen >= n) break;
        memcpy(out + o, piece, plen);
        o += plen;
        p += k ? k : 1;
        left -= k ? k : 1;
    }
    out[o] = '\0';
}

enum MHD_Result fo_http_error(struct MHD_Connection *c, unsigned status, const fo_error *given) {
    fo_error clean, *e = &clean; /* what a client sent may be any bytes: the body is UTF-8 */
    clean.status = given->status;
    utf8_clean(clean.error, sizeof clean.error, given->error);
    utf8_clean(clean.param, sizeof clean.param, given->param);
    utf8_clean(clean.value, sizeof clean.value, given->value);
    utf8_clean(clean.allowed, sizeof clean.allowed, given->allowed);
    fo_buf b;
    fo_buf_init(&b);
    fo_json j;
    fo_json_init(&j, &b);
    fo_error_json(&j, e);
    return fo_http_body(c, status ? status : (unsigned)fo_status_http(e->status),
                        "application/json", &b,
                        status == MHD_HTTP_METHOD_NOT_ALLOWED ? "Allow" : NULL, e->allowed);
}

static enum MHD_Result simple_error(struct MHD_Connection *c, unsigned status, const char *error,
                                    const char *value, const char *allowed) {
    fo_error e;
    fo_error_set(&e, FO_EUSAGE, error, "", value, allowed);
    return fo_http_error(c, status, &e);
}

typedef struct query {
    const char *names[FO_MAX_QUERY_PARAMS];
    const char *values[FO_MAX_QUERY_PARAMS];
    size_t n;
    const char *format;
    int format_count, overflow;
} query;

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value) {
    (void)kind;
    query *q = cls;
    if (strcmp(key, "format") == 0) {
        q->format = value ? value : "";
        q->format_count++;
    } else if (q->n < FO_MAX_QUERY_PARAMS) {
        q->names[q->n] = key;
        q->values[q->n++] = value ? value : "";
    } else {
        q->overflow = 1;
    }
    return MHD_YES;
}

static enum MHD_Result serve_api(struct MHD_Connection *c, const char *name) {
    query q = {0};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, &q);
    fo_error e;
    if (q.overflow) {
        char max[32];
        snprintf(max, sizeof max, "at most %d parameters", FO_MAX_QUERY_PARAMS);
        fo_error_set(&e, FO_EUSAGE, "too many parameters", "", "", max);
        return fo_http_error(c, 0, &e);
    }
    int svg = 0;
    if (q.format_count > 1) {
        fo_error_set(&e, FO_EUSAGE, "repeated parameter", "format", q.format, "one of: json, svg");
        return fo_http_error(c, 0, &e);
    }
    if (q.format) {
        if (strcmp(q.format, "svg") == 0)
            svg = 1;
        else if (strcmp(q.format, "json") != 0) {
            fo_error_set(&e, FO_EUSAGE, "unknown choice", "format", q.format, "one of: json, svg");
            return fo_http_error(c, 0, &e);
        }
    }
    const fo_command *cmd = fo_command_find(name);
    if (!cmd) return simple_error(c, MHD_HTTP_NOT_FOUND, "unknown command", name, "");
    if (svg && !cmd->figure) {
        fo_error_set(&e, FO_EUSAGE, "this command draws no figure", "format", "svg", "json");
        return fo_http_error(c, 0, &e);
    }
    fo_buf json, fig;
    fo_buf_init(&json);
    fo_buf_init(&fig);
    fo_output out = {&json, svg ? &fig : NULL, NULL};
    fo_status s = fo_command_run_kv(name, q.names, q.values, q.n, &out, &e);
    if (s != FO_OK) {
        fo_buf_free(&json);
        fo_buf_free(&fig);
        return fo_http_error(c, 0, &e);
    }
    if (svg) {
        fo_buf_free(&json);
        return fo_http_body(c, MHD_HTTP_OK, "image/svg+xml", &fig, NULL, NULL);
    }
    fo_buf_free(&fig);
    return fo_http_json(c, MHD_HTTP_OK, &json);
}

static const fo_asset *find_asset(const char *url) {
    size_t n;
    const fo_asset *a = fo_assets(&n);
    const char *path = strcmp(url, "/") == 0 ? "/index.html" : url;
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i].path, path) == 0) return &a[i];
    return NULL;
}

static const fo_asset *asset_at(const char *path) {
    return find_asset(path);
}

static enum MHD_Result serve_asset(struct MHD_Connection *c, const fo_asset *a) {
    return respond(c, MHD_HTTP_OK, a->content_type, csp_page, "no-cache", (void *)a->data, a->size,
                   MHD_RESPMEM_PERSISTENT, NULL, NULL);
}

static enum MHD_Result method_not_allowed(struct MHD_Connection *c, const char *method,
                                          const char *allow) {
    return simple_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed", method, allow);
}

/* ---- the instructor's door ---------------------------------------------------------------- */

static int client_addr(struct MHD_Connection *c, unsigned char out[16]) {
    memset(out, 0, 16);
    const union MHD_ConnectionInfo *i =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!i || !i->client_addr) return 0;
    if (i->client_addr->sa_family == AF_INET) {
        memcpy(out, &((const struct sockaddr_in *)(const void *)i->client_addr)->sin_addr, 4);
        return 1;
    }
    if (i->client_addr->sa_family == AF_INET6) { /* one /64 is one address: a host has many */
        memcpy(out, &((const struct sockaddr_in6 *)(const void *)i->client_addr)->sin6_addr, 8);
        out[15] = 6;
        return 1;
    }
    return 0;
}

static int equal_ct(const char *given, size_t glen, const char *want) {
    size_t n = strlen(want);
    unsigned char diff = glen != n;
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(given[i < glen ? i : 0] ^ want[i]);
    return glen > 0 && diff == 0;
}

int fo_http_instructor_ok(const fo_http_ctx *ctx, struct MHD_Connection *c) {
    fo_server *s = ctx->server;
    const char *given = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, INSTRUCTOR_COOKIE);
    if (!s || !given || strlen(given) != 64) return 0;
    int ok = 0;
    double now = now_s();
    pthread_mutex_lock(&s->mu);
    for (int i = 0; i < INSTRUCTOR_SESSIONS; i++)
        if (s->sessions[i].expires > now && equal_ct(given, 64, s->sessions[i].id)) ok = 1;
    pthread_mutex_unlock(&s->mu);
    return ok;
}

/* The value of `name` in an application/x-www-form-urlencoded body, decoded; 0 if absent. */
static int form_value(const char *body, size_t len, const char *name, char *out, size_t n) {
    size_t nl = strlen(name);
    for (size_t i = 0; i < len;) {
        size_t end = i;
        while (end < len && body[end] != '&')
            end++;
        if (end - i > nl && memcmp(body + i, name, nl) == 0 && body[i + nl] == '=') {
            size_t o = 0;
            for (size_t k = i + nl + 1; k < end; k++) {
                char ch = body[k];
                if (ch == '+')
                    ch = ' ';
                else if (ch == '%' && k + 2 < end) {
                    char hex[3] = {body[k + 1], body[k + 2], 0};
                    char *stop;
                    long v = strtol(hex, &stop, 16);
                    if (*stop) return 0;
                    ch = (char)v;
                    k += 2;
                }
                if (o + 1 >= n) return 0;
                out[o++] = ch;
            }
            out[o] = '\0';
            return 1;
        }
        i = end + 1;
    }
    return 0;
}

static signin_addr *signin_slot(fo_server *s, const unsigned char addr[16], double now) {
    signin_addr *oldest = &s->signins[0];
    for (int i = 0; i < SIGNIN_ADDRS; i++) {
        signin_addr *a = &s->signins[i];
        if (a->used && memcmp(a->addr, addr, 16) == 0) return a;
        if (!a->used || (oldest->used && a->last < oldest->last)) oldest = a;
    }
    memset(oldest, 0, sizeof *oldest); /* full: the address quiet the longest is forgotten */
    memcpy(oldest->addr, addr, 16);
    oldest->used = 1;
    oldest->last = now;
    return oldest;
}

static enum MHD_Result refuse(struct MHD_Connection *c, unsigned status, const char *error,
                              const char *param, const char *value, const char *allowed,
                              const char *xh, const char *xv) {
    fo_error e;
    fo_error_set(&e, FO_EUSAGE, error, param, value, allowed);
    fo_buf b;
    fo_buf_init(&b);
    fo_json j;
    fo_json_init(&j, &b);
    fo_error_json(&j, &e);
    return fo_http_body(c, status, "application/json", &b, xh, xv);
}

/* POST /instructor/signin, token=... (a form): 303 to /instructor with the cookie, 403 for a
 * wrong token, 429 (Retry-After) while this address must wait after too many wrong ones. */
static enum MHD_Result instructor_signin(fo_server *s, struct MHD_Connection *c, const char *body,
                                         size_t len) {
    unsigned char addr[16];
    client_addr(c, addr);
    double now = now_s();
    pthread_mutex_lock(&s->mu);
    signin_addr *a = signin_slot(s, addr, now);
    double wait = a->retry_at - now;
    pthread_mutex_unlock(&s->mu);
    if (wait > 0) {
        char secs[32], allowed[96];
        snprintf(secs, sizeof secs, "%.0f", ceil(wait));
        snprintf(allowed, sizeof allowed, "another try in %s s (too many wrong tokens)", secs);
        static const char key[] = "signin-wait";
        fo_http_log(s, key, "refused a sign-in from an address that must wait (429)");
        return refuse(c, MHD_HTTP_TOO_MANY_REQUESTS, "too many failed sign-ins", "token", "",
                      allowed, "Retry-After", secs);
    }
    const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    if (!type || strncmp(type, "application/x-www-form-urlencoded", 33) != 0)
        return refuse(c, MHD_HTTP_BAD_REQUEST, "sign in with the form", "Content-Type",
                      type ? type : "", "application/x-www-form-urlencoded", NULL, NULL);
    char token[FO_TOKEN_MAX * 2];
    int have = form_value(body, len, "token", token, sizeof token);
    if (have && s->ctx.instructor_token &&
        equal_ct(token, strlen(token), s->ctx.instructor_token)) {
        unsigned char raw[32];
        if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
            return refuse(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "no randomness", "", "", "", NULL,
                          NULL);
        char id[65], cookie[160];
        for (int i = 0; i < 32; i++)
            snprintf(id + 2 * i, 3, "%02x", raw[i]);
        pthread_mutex_lock(&s->mu);
        instructor_session *slot = &s->sessions[0];
        for (int i = 0; i < INSTRUCTOR_SESSIONS; i++)
            if (s->sessions[i].expires < slot->expires) slot = &s->sessions[i];
        memcpy(slot->id, id, sizeof id);
        slot->expires = now + INSTRUCTOR_MAX_AGE;
        a->fails = 0;
        a->retry_at = 0;
        pthread_mutex_unlock(&s->mu);
        snprintf(cookie, sizeof cookie,
                 INSTRUCTOR_COOKIE "=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%d", id,
                 INSTRUCTOR_MAX_AGE);
        struct MHD_Response *r =
            MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        if (!r) return MHD_NO;
        MHD_add_response_header(r, "Set-Cookie", cookie);
        MHD_add_response_header(r, "Location", "/instructor");
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
        enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_SEE_OTHER, r);
        MHD_destroy_response(r);
        return ret;
    }
    pthread_mutex_lock(&s->mu);
    a->fails++;
    a->last = now;
    if (a->fails >= SIGNIN_FREE_TRIES) {
        double d = pow(2.0, (double)(a->fails - SIGNIN_FREE_TRIES));
        a->retry_at = now + (d < SIGNIN_MAX_DELAY_S ? d : SIGNIN_MAX_DELAY_S);
    }
    unsigned fails = a->fails;
    pthread_mutex_unlock(&s->mu);
    static const char key[] = "signin-fail";
    fo_http_log(s, key, "wrong instructor token (failure %u from this address)", fails);
    return refuse(c, MHD_HTTP_FORBIDDEN, "wrong instructor token", "token", "",
                  "the token printed at start or in the token file", NULL, NULL);
}

static enum MHD_Result instructor_signout(fo_server *s, struct MHD_Connection *c) {
    const char *given = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, INSTRUCTOR_COOKIE);
    pthread_mutex_lock(&s->mu);
    for (int i = 0; given && i < INSTRUCTOR_SESSIONS; i++)
        if (equal_ct(given, strlen(given), s->sessions[i].id))
            memset(&s->sessions[i], 0, sizeof s->sessions[i]);
    pthread_mutex_unlock(&s->mu);
    fo_buf b;
    fo_buf_init(&b);
    fo_buf_puts(&b, "{\"signed_out\":true}");
    return fo_http_body(c, MHD_HTTP_OK, "application/json", &b, "Set-Cookie",
                        INSTRUCTOR_COOKIE "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
}

/* ---- requests ------------------------------------------------------------------------------- */

static int state_changing(const char *method) {
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
           strcmp(method, "OPTIONS") != 0;
}

/* A state-changing request must come from this server's own page: an Origin header, when
 * present, must be http(s)://<Host>; Sec-Fetch-Site, when present, must be same-origin or
 * none. Requests with neither (curl, scripts) pass: the cookies are SameSite=Strict too. */
static enum MHD_Result check_origin(struct MHD_Connection *c, int *refused) {
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    const char *site = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    int ok = 1;
    if (origin) {
        const char *rest = strncmp(origin, "http://", 7) == 0    ? origin + 7
                           : strncmp(origin, "https://", 8) == 0 ? origin + 8
                                                                 : NULL;
        ok = rest && host && strcmp(rest, host) == 0;
    }
    if (ok && site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0) ok = 0;
    if (ok) return MHD_YES;
    *refused = 1;
    char allowed[160];
    snprintf(allowed, sizeof allowed, "this server's own origin (http://%.100s)", host ? host : "");
    return refuse(c, MHD_HTTP_FORBIDDEN, "cross-origin request refused",
                  origin ? "Origin" : "Sec-Fetch-Site", origin ? origin : site, allowed, NULL,
                  NULL);
}

static enum MHD_Result route(fo_server *s, struct MHD_Connection *c, const char *url,
                             const char *method, request *rq) {
    int get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    if (rq->too_big) {
        char max[48];
        snprintf(max, sizeof max, "a body of at most %d bytes", FO_MAX_BODY_BYTES);
        return simple_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large", "", max);
    }
    if (strcmp(url, "/instructor") == 0 || strcmp(url, "/instructor/signin") == 0 ||
        strcmp(url, "/instructor/signout") == 0) {
        int page = url[11] == '\0';
        if (page ? !get : strcmp(method, "POST") != 0)
            return method_not_allowed(c, method, page ? "GET, HEAD" : "POST");
        if (!s->ctx.instructor_token)
            return simple_error(c, MHD_HTTP_NOT_FOUND, "instructor view disabled", url,
                                "start the server with FLEETOPS_INSTRUCTOR_TOKEN or "
                                "--instructor-token-file FILE");
        if (page) { /* the page holds no secret: it signs in, then asks /api/class */
            const fo_asset *a = asset_at("/instructor.html");
            if (!a) return simple_error(c, MHD_HTTP_NOT_FOUND, "not found", url, "");
            return serve_asset(c, a);
        }
        if (strcmp(url, "/instructor/signout") == 0) return instructor_signout(s, c);
        return instructor_signin(s, c, fo_buf_str(&rq->body), rq->body.len);
    }
    int handled = 0;
    enum MHD_Result r =
        fo_ledger_route(&s->ctx, c, method, url, fo_buf_str(&rq->body), rq->body.len, &handled);
    if (handled) return r;
    if (strcmp(url, "/api/schema") == 0) {
        if (!get) return method_not_allowed(c, method, "GET, HEAD");
        fo_buf b;
        fo_buf_init(&b);
        fo_json j;
        fo_json_init(&j, &b);
        fo_schema_json(&j);
        return fo_http_json(c, MHD_HTTP_OK, &b);
    }
    if (strncmp(url, "/api/", 5) == 0) {
        if (!get) {
            if (!fo_command_find(url + 5))
                return simple_error(c, MHD_HTTP_NOT_FOUND, "unknown command", url + 5, "");
            return method_not_allowed(c, method, "GET, HEAD");
        }
        return serve_api(c, url + 5);
    }
    const fo_asset *a = find_asset(url);
    if (!a) return simple_error(c, MHD_HTTP_NOT_FOUND, "not found", url, "");
    if (!get) return method_not_allowed(c, method, "GET, HEAD");
    return serve_asset(c, a);
}

/* Called with the raw request target before libmicrohttpd parses its parameters. The answer
 * for a target that is too long or has too many parameters is decided here; the query is then
 * cut off (libmicrohttpd has already noted where it starts, so it is emptied in place: the
 * request line is in the connection's own buffer) so none of it reaches the pool. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c) {
    (void)cls, (void)c;
    request *rq = calloc(1, sizeof *rq);
    if (!rq) return NULL;
    fo_buf_init(&rq->body);
    rq->uri_len = strlen(uri);
    char *q = strchr(uri, '?');
    if (q && q[1]) {
        rq->uri_params = 1;
        for (const char *p = q + 1; *p; p++)
            rq->uri_params += *p == '&';
    }
    if (rq->uri_len > FO_MAX_URI_BYTES)
        rq->uri_refusal = MHD_HTTP_URI_TOO_LONG;
    else if (rq->uri_params > FO_MAX_QUERY_PARAMS + 1) /* + format= */
        rq->uri_refusal = MHD_HTTP_BAD_REQUEST;
    if (rq->uri_refusal && q) q[1] = '\0'; /* the buffer is libmicrohttpd's, and writable */
    return rq;
}

static enum MHD_Result uri_refused(struct MHD_Connection *c, const request *rq) {
    char value[48], allowed[64];
    if (rq->uri_refusal == MHD_HTTP_URI_TOO_LONG) {
        snprintf(value, sizeof value, "%zu bytes", rq->uri_len);
        snprintf(allowed, sizeof allowed, "at most %d bytes", FO_MAX_URI_BYTES);
        return refuse(c, MHD_HTTP_URI_TOO_LONG, "request line too long", "", value, allowed, NULL,
                      NULL);
    }
    snprintf(value, sizeof value, "%zu parameters", rq->uri_params);
    snprintf(allowed, sizeof allowed, "at most %d parameters", FO_MAX_QUERY_PARAMS);
    return refuse(c, MHD_HTTP_BAD_REQUEST, "too many parameters", "", value, allowed, NULL, NULL);
}

static enum MHD_Result body_refused(fo_server *s, struct MHD_Connection *c, const char *value) {
    char max[48];
    snprintf(max, sizeof max, "a body of at most %d bytes", FO_MAX_BODY_BYTES);
    static const char key[] = "body-too-large";
    fo_http_log(s, key, "refused a request body over %d bytes (413)", FO_MAX_BODY_BYTES);
    return refuse(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large", "Content-Length", value,
                  max, NULL, NULL);
}

/* The first call (headers only) decides whatever can be decided before the body: the URI's
 * refusal, a foreign Origin, a Content-Length over the limit. A response queued then is sent
 * without reading the body (libmicrohttpd closes the connection after it). */
static enum MHD_Result on_headers(fo_server *s, struct MHD_Connection *c, const char *method,
                                  request *rq, int *answered) {
    *answered = 1;
    if (rq->uri_refusal) return uri_refused(c, rq);
    if (state_changing(method)) {
        int refused = 0;
        enum MHD_Result r = check_origin(c, &refused);
        if (refused) {
            static const char key[] = "cross-origin";
            fo_http_log(s, key, "refused a cross-origin %s (403)", method);
            return r;
        }
    }
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (cl) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(cl, &end, 10);
        if (errno || n > FO_MAX_BODY_BYTES) return body_refused(s, c, cl);
    }
    *answered = 0;
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls) {
    (void)version;
    fo_server *s = cls;
    request *rq = *req_cls;
    if (!rq) { /* no URI callback for this request */
        rq = calloc(1, sizeof *rq);
        if (!rq) return MHD_NO;
        fo_buf_init(&rq->body);
        *req_cls = rq;
    }
    if (!rq->started) { /* first call: headers only */
        rq->started = 1;
        int answered = 0;
        enum MHD_Result r = on_headers(s, c, method, rq, &answered);
        conn_set(s, c, answered ? CONN_ANSWERING : CONN_BODY);
        return r;
    }
    if (*upload_data_size) {
        if (rq->body.len + *upload_data_size > FO_MAX_BODY_BYTES) {
            /* a chunked body past the limit: answered now, the rest is never read */
            rq->too_big = 1;
            *upload_data_size = 0;
            conn_set(s, c, CONN_ANSWERING);
            if (body_refused(s, c, "chunked") != MHD_YES) return MHD_NO;
            return MHD_YES;
        }
        fo_buf_append(&rq->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    conn_set(s, c, CONN_ANSWERING);
    return route(s, c, url, method, rq);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe) {
    fo_server *s = cls;
    if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK) conn_set(s, c, CONN_HEADERS); /* keep-alive */
    request *rq = *req_cls;
    if (!rq) return;
    fo_buf_free(&rq->body);
    free(rq);
    *req_cls = NULL;
}

static double or_default(double v, double def) {
    return v > 0 ? v : def;
}

fo_server *fo_server_start(const fo_server_params *p, fo_store *store, fo_error *err) {
    struct sockaddr_in v4 = {0};
    struct sockaddr_in6 v6 = {0};
    struct sockaddr *addr;
    /* suspend/resume: reports render off the worker threads (ledger_api.c) */
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    if (inet_pton(AF_INET, p->listen, &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons((uint16_t)p->port);
        addr = (struct sockaddr *)&v4;
    } else if (inet_pton(AF_INET6, p->listen, &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons((uint16_t)p->port);
        addr = (struct sockaddr *)&v6;
        flags |= MHD_USE_IPv6;
    } else {
        fo_error_set(err, FO_EUSAGE, "not an IPv4 or IPv6 address", "listen", p->listen,
                     "an address such as 127.0.0.1 or ::1");
        return NULL;
    }
    fo_server *s = calloc(1, sizeof *s);
    if (!s) {
        fo_error_set(err, FO_ENOMEM, "out of memory", "", "", "");
        return NULL;
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->wake, NULL);
    s->ctx.store = store;
    s->ctx.server = s;
    s->ctx.identity = p->identity;
    s->ctx.roster = p->roster;
    s->ctx.roster_n = p->roster_n;
    s->ctx.stuck_minutes = p->stuck_minutes;
    s->ctx.variants = p->variants;
    if (p->instructor_token && *p->instructor_token) {
        snprintf(s->instructor_token, sizeof s->instructor_token, "%s", p->instructor_token);
        s->ctx.instructor_token = s->instructor_token;
    }
    s->header_deadline_s = or_default(p->header_deadline_s, FO_DEFAULT_HEADER_DEADLINE_S);
    s->body_deadline_s = or_default(p->body_deadline_s, FO_DEFAULT_BODY_DEADLINE_S);
    s->log_interval_s = or_default(p->log_interval_s, FO_DEFAULT_LOG_INTERVAL_S);
    s->max_conn = (unsigned)or_default((double)p->max_connections, FO_DEFAULT_MAX_CONNECTIONS);
    s->per_addr =
        (unsigned)or_default((double)p->max_connections_per_address, FO_DEFAULT_MAX_PER_ADDRESS);
    /* libmicrohttpd's own limits sit above ours: a connection over ours is accepted so that
     * make_room_locked can choose whom to close; these bound the sockets meanwhile */
    unsigned max_conn = s->max_conn + 64, per_addr = s->per_addr + 32;
    if (pthread_create(&s->watchdog, NULL, watchdog, s) != 0) {
        free(s);
        fo_error_set(err, FO_EINTERNAL, "cannot start the watchdog thread", "", "", "");
        return NULL;
    }
    s->watchdog_started = 1;
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)p->port, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, log_mhd, s,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION, on_connection,
        s, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s, MHD_OPTION_SOCK_ADDR, addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)p->threads, MHD_OPTION_CONNECTION_LIMIT, max_conn,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_addr, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)ceil(s->body_deadline_s), MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
        MHD_OPTION_END);
    if (!s->daemon) {
        fo_server_stop(s);
        char where[128];
        snprintf(where, sizeof where, "%s port %lld", p->listen, p->port);
        fo_error_set(err, FO_EINTERNAL, "cannot listen (address in use or not local?)", "port",
                     where, "a free port on a local address");
        return NULL;
    }
    return s;
}

unsigned fo_server_port(const fo_server *s) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

void fo_server_stop(fo_server *s) {
    if (!s) return;
    fo_ledger_drain(); /* no connection may be left suspended (reports, ledger_api.c) */
    if (s->daemon) MHD_stop_daemon(s->daemon);
    if (s->watchdog_started) {
        pthread_mutex_lock(&s->mu);
        s->stopping = 1;
        pthread_cond_signal(&s->wake);
        pthread_mutex_unlock(&s->mu);
        pthread_join(s->watchdog, NULL);
    }
    pthread_mutex_lock(&s->mu);
    log_flush_locked(s, now_s(), 1);
    pthread_mutex_unlock(&s->mu);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->wake);
    free(s);
}
