/* server.c — the HTTP front (server.h) on libmicrohttpd. It owns routing, the query string
 * -> command-table translation, status codes and headers; it computes nothing itself: every
 * /api/<command> goes through fo_command_run_kv, exactly like the CLI, and the ledger routes
 * live in ledger_api.c. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetops/server.h"
#include "http.h"

#define FO_MAX_QUERY_PARAMS 64

struct fo_server {
    struct MHD_Daemon *daemon;
    fo_http_ctx ctx;
    char instructor_token[FO_TOKEN_MAX];
};

/* Per request: the body as it arrives. */
typedef struct request {
    fo_buf body;
    int too_big;
} request;

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

enum MHD_Result fo_http_error(struct MHD_Connection *c, unsigned status, const fo_error *e) {
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

static enum MHD_Result serve_asset(struct MHD_Connection *c, const fo_asset *a) {
    return respond(c, MHD_HTTP_OK, a->content_type, csp_page, "no-cache", (void *)a->data, a->size,
                   MHD_RESPMEM_PERSISTENT, NULL, NULL);
}

static enum MHD_Result method_not_allowed(struct MHD_Connection *c, const char *method,
                                          const char *allow) {
    return simple_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed", method, allow);
}

static enum MHD_Result route(fo_server *s, struct MHD_Connection *c, const char *url,
                             const char *method, request *rq) {
    int get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    if (rq->too_big) {
        char max[48];
        snprintf(max, sizeof max, "a body of at most %d bytes", FO_MAX_BODY_BYTES);
        return simple_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large", "", max);
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

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls) {
    (void)version;
    request *rq = *req_cls;
    if (!rq) { /* first call: headers only */
        rq = calloc(1, sizeof *rq);
        if (!rq) return MHD_NO;
        fo_buf_init(&rq->body);
        *req_cls = rq;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (rq->body.len + *upload_data_size > FO_MAX_BODY_BYTES)
            rq->too_big = 1;
        else
            fo_buf_append(&rq->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    return route(cls, c, url, method, rq);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe) {
    (void)cls, (void)c, (void)toe;
    request *rq = *req_cls;
    if (!rq) return;
    fo_buf_free(&rq->body);
    free(rq);
    *req_cls = NULL;
}

static void log_mhd(void *cls, const char *fmt, va_list ap) {
    (void)cls;
    fputs("fleetops serve: ", stderr);
    vfprintf(stderr, fmt, ap);
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
    s->ctx.store = store;
    if (p->instructor_token && *p->instructor_token) {
        snprintf(s->instructor_token, sizeof s->instructor_token, "%s", p->instructor_token);
        s->ctx.instructor_token = s->instructor_token;
    }
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)p->port, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, log_mhd,
        NULL, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_SOCK_ADDR, addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)p->threads, MHD_OPTION_CONNECTION_LIMIT, 1024u,
        MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
        MHD_OPTION_END);
    if (!s->daemon) {
        free(s);
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
    MHD_stop_daemon(s->daemon);
    free(s);
}
