/* ledger_api.c — the ledger over HTTP. A student's session is an HttpOnly, SameSite=Strict
 * cookie holding an unguessable token; every route reads and writes only that session.
 * Bodies are JSON (jansson), validated completely before anything is written, and every
 * write is one transaction in the store. Numbers the student did not type (reveals, evidence
 * results, attempt verdicts) are computed here through the command table, never taken from
 * the page. Every POST answers 201 with what it wrote and "ledger": what changed (the
 * ledger's JSON with only the rows this write touched, its new version and `missing`);
 * GET /api/ledger is the whole ledger, GET /api/ledger?since=V what changed after version V.
 * Per-session quotas are the store's (413); per-address rates are here (429).
 *
 *   POST /api/session                {"track"}                      -> sets the cookie
 *   GET  /api/ledger[?since=V]       200 {"session": null} without a valid session
 *   POST /api/ledger/predictions     {"part", "value"}              409 if already locked
 *   POST /api/ledger/evidence        {"part", "command", "params"}
 *   POST /api/ledger/attempts        {"part": "canary", "params"}   409 after 10
 *   POST /api/ledger/reflections     {"part", "text"}               every revision kept
 *   POST /api/ledger/governance      {"policy": "loose"|"strict", "justification"}
 *   GET  /api/report?format=md|html|json
 *
 * Every ledger write may carry an `Idempotency-Key` header (1 to 64 of [A-Za-z0-9._:-], unique
 * per session; the page sends one per write and keeps it across that write's retries): a retry
 * of a write that was done answers the first answer again (with `Idempotent-Replayed: true`)
 * and writes nothing, on whichever replica it lands, so a retry after a lost answer never
 * counts twice (the store keeps the key with the write, in its transaction).
 *   GET  /api/class                  (the instructor's cookie: sign in at /instructor, server.c) */
#include <arpa/inet.h>
#include <jansson.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "fleetops/report.h"
#include "fleetops/server.h"
#include "fleetops/variant.h"
#include "http.h"

#define COOKIE         "fo_session"
#define COOKIE_MAX_AGE "10368000" /* 120 days: a term */

/* Which commands count as evidence for which part. */
static const char *const part_commands[][5] = {
    {"roi", "roi", NULL},
    {"canary", "canary", "bound", "sprt", "rollout"},
    {"ensemble", "ensemble", "governance", NULL},
    {"crisis", "crisis", NULL},
};

static int part_known(const char *part) {
    for (size_t i = 0; i < sizeof part_commands / sizeof part_commands[0]; i++)
        if (strcmp(part_commands[i][0], part) == 0) return 1;
    return 0;
}

static int command_in_part(const char *part, const char *cmd) {
    for (size_t i = 0; i < sizeof part_commands / sizeof part_commands[0]; i++) {
        if (strcmp(part_commands[i][0], part) != 0) continue;
        for (size_t k = 1; k < 5 && part_commands[i][k]; k++)
            if (strcmp(part_commands[i][k], cmd) == 0) return 1;
    }
    return 0;
}

/* An error with the status the store's refusals need (413, 503, 500) or fo_status_http's. */
static enum MHD_Result refuse(struct MHD_Connection *c, const fo_error *e) {
    return fo_http_error(c, (unsigned)fo_store_http_status(e->status), e);
}

static enum MHD_Result fail(struct MHD_Connection *c, fo_status st, const char *error,
                            const char *param, const char *value, const char *allowed) {
    fo_error e;
    fo_error_set(&e, st, error, param, value, allowed);
    return refuse(c, &e);
}

static enum MHD_Result send_ledger(const fo_http_ctx *ctx, struct MHD_Connection *c,
                                   unsigned status, long long sid, long long since,
                                   const char *cookie) {
    fo_buf b;
    fo_buf_init(&b);
    fo_error e;
    if (fo_store_ledger_json(ctx->store, sid, since, &b, &e) != FO_OK) {
        fo_buf_free(&b);
        return refuse(c, &e);
    }
    return fo_http_body(c, status, "application/json", &b, cookie ? "Set-Cookie" : NULL, cookie);
}

/* ------------------------------------------------------------ per-address rates (429) */

/* Token buckets per client address: each holds a minute's worth of requests and refills
 * continuously. A fixed table (no allocation per address); when an address has no slot, the
 * least recently seen one in its probe window is reused, which can only forgive. */
#define RATE_SLOTS 4096
#define RATE_PROBE 8

typedef struct rate_slot {
    unsigned char addr[16];
    int used;
    double tokens[2]; /* left in the bucket: [0] sessions, [1] writes */
    double at[2];     /* monotonic seconds of each bucket's last refill */
    double seen;      /* last use, for reusing slots */
} rate_slot;

static rate_slot rate_table[RATE_SLOTS];
static pthread_mutex_t rate_mu = PTHREAD_MUTEX_INITIALIZER;

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The client's address as 16 bytes (IPv4 mapped into IPv6) and as text. 0 if unknown. */
static int client_address(struct MHD_Connection *c, unsigned char key[16], char *text, size_t n) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    memset(key, 0, 16);
    if (!sa) return 0;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)(const void *)sa;
        key[10] = key[11] = 0xff;
        memcpy(key + 12, &v4->sin_addr, 4);
        inet_ntop(AF_INET, &v4->sin_addr, text, (socklen_t)n);
        return 1;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)(const void *)sa;
        memcpy(key, &v6->sin6_addr, 16);
        inet_ntop(AF_INET6, &v6->sin6_addr, text, (socklen_t)n);
        return 1;
    }
    return 0;
}

/* Takes one token from the address's bucket (which: 0 sessions, 1 writes); 0 when empty. */
static int rate_take(struct MHD_Connection *c, int which, double per_minute, char *addr, size_t n) {
    unsigned char key[16];
    snprintf(addr, n, "?");
    if (per_minute <= 0 || !client_address(c, key, addr, n)) return 1;
    uint64_t h = 14695981039346656037ull;
    for (int i = 0; i < 16; i++)
        h = (h ^ key[i]) * 1099511628211ull;
    double t = now_s();
    pthread_mutex_lock(&rate_mu);
    rate_slot *slot = NULL, *reuse = NULL;
    for (size_t i = 0; i < RATE_PROBE && !slot; i++) {
        rate_slot *r = &rate_table[(h + i) % RATE_SLOTS];
        if (r->used && memcmp(r->addr, key, 16) == 0)
            slot = r;
        else if (!reuse || (reuse->used && (!r->used || r->seen < reuse->seen)))
            reuse = r;
    }
    if (!slot) { /* a new address starts with full buckets */
        slot = reuse;
        memcpy(slot->addr, key, 16);
        slot->used = 1;
        slot->tokens[0] = slot->tokens[1] = 1e300;
        slot->at[0] = slot->at[1] = t;
    }
    double *tokens = &slot->tokens[which];
    *tokens += (t - slot->at[which]) * per_minute / 60.0;
    if (*tokens > per_minute) *tokens = per_minute;
    slot->at[which] = slot->seen = t;
    int ok = *tokens >= 1.0;
    if (ok) *tokens -= 1.0;
    pthread_mutex_unlock(&rate_mu);
    return ok;
}

static enum MHD_Result rate_refusal(struct MHD_Connection *c, int which, double per_minute,
                                    const char *addr) {
    int session = which == 0;
    char allowed[160];
    snprintf(allowed, sizeof allowed,
             "at most %g %s a minute from one address (fleetops serve --%s)", per_minute,
             session ? "new sessions" : "ledger writes",
             session ? "sessions-per-minute" : "writes-per-minute");
    fo_error e;
    fo_error_set(&e, FO_EUSAGE,
                 session ? "too many new sessions from this address: try again in a minute"
                         : "too many writes from this address: slow down",
                 session ? "sessions_per_minute" : "writes_per_minute", addr, allowed);
    return fo_http_error(c, 429, &e);
}

static const char *const kind_names[] = {"evidence", "attempt", "reflection", "governance"};

/* The rows one write changed, as the ledger's JSON since the version before it: the page
 * applies it to the ledger it holds (its version tells the page whether it missed a write). */
static void changed_json(const fo_http_ctx *ctx, fo_json *j, long long sid, long long version) {
    fo_buf delta;
    fo_buf_init(&delta);
    fo_error e;
    if (fo_store_ledger_json_ex(ctx->store, sid, version - 1, 0, &delta, &e) == FO_OK)
        fo_json_raw(j, "ledger", fo_buf_str(&delta));
    else
        fo_json_null(j, "ledger"); /* the write stands; the page reads GET /api/ledger?since= */
    fo_buf_free(&delta);
}

/* Appends one entry and answers 201 with it: {id, kind, part, count, fingerprint, body,
 * created_at, version, replaced, ledger}; count is the revision (reflections, governance) or
 * the attempt number; replaced says a revision took the place of the previous one (same id);
 * ledger is what else changed ({session, track, created_at, version, since, predictions: [],
 * missing}: no "entries", the entry is this answer). */
static const char *idempotency_key(struct MHD_Connection *c) {
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Idempotency-Key");
}

/* 201 with a body; a replayed write says so in a header (the body is the first answer's). */
static enum MHD_Result created(struct MHD_Connection *c, fo_buf *out, int replayed) {
    if (!replayed) return fo_http_json(c, MHD_HTTP_CREATED, out);
    return fo_http_body(c, MHD_HTTP_CREATED, "application/json", out, "Idempotent-Replayed",
                        "true");
}

static enum MHD_Result append_and_reply(const fo_http_ctx *ctx, struct MHD_Connection *c,
                                        long long sid, fo_entry_kind kind, const char *part,
                                        fo_buf *body, const char *fingerprint, size_t text_bytes,
                                        const char *figure) {
    fo_error e;
    fo_append_result res;
    fo_status st = fo_store_append_key(ctx->store, sid, kind, part, fo_buf_str(body), fingerprint,
                                       text_bytes, figure, idempotency_key(c), &res, &e);
    if (st != FO_OK) {
        fo_buf_free(body);
        return refuse(c, &e);
    }
    if (res.replayed) { /* the body as the first write kept it */
        fo_buf_free(body);
        fo_buf_init(body);
        fo_buf_puts(body, res.body);
        free(res.body);
    }
    fo_buf out;
    fo_buf_init(&out);
    fo_json j;
    fo_json_init(&j, &out);
    fo_json_object_begin(&j, NULL);
    fo_json_int(&j, "id", res.entry);
    fo_json_string(&j, "kind", kind_names[kind]);
    fo_json_string(&j, "part", part);
    fo_json_int(&j, "count", res.count);
    if (kind == FO_ENTRY_ATTEMPT) fo_json_int(&j, "attempts_left", FO_MAX_ATTEMPTS - res.count);
    fo_json_string(&j, "fingerprint", fingerprint);
    fo_json_raw(&j, "body", fo_buf_str(body));
    fo_json_string(&j, "created_at", res.created_at);
    fo_json_int(&j, "version", res.version);
    fo_json_bool(&j, "replaced", res.replaced);
    changed_json(ctx, &j, sid, res.version);
    fo_json_object_end(&j);
    fo_buf_free(body);
    return created(c, &out, res.replayed);
}

/* The session of the request's cookie, or an error response (returns 0 then). */
static int authenticate(const fo_http_ctx *ctx, struct MHD_Connection *c, long long *sid,
                        enum MHD_Result *ret) {
    const char *token = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE);
    fo_status s = fo_store_session_auth(ctx->store, token, sid);
    if (s == FO_OK) return 1;
    if (s != FO_EUNAUTHORIZED && s != FO_EFORBIDDEN) {
        *ret = fail(c, s, "the ledger is unreadable: see the server's log", "session", "", "");
        return 0;
    }
    *ret = s == FO_EUNAUTHORIZED
               ? fail(c, s, "no session: start one with POST /api/session", "session", "", "")
               : fail(c, s, "this session is not yours or does not exist", "session", "", "");
    return 0;
}

static int body_is_json(struct MHD_Connection *c) {
    const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    return type && strncmp(type, "application/json", 16) == 0;
}

/* A required string member of at most `max` bytes. */
static const char *get_string(json_t *obj, const char *key, size_t max, fo_error *e) {
    json_t *v = json_object_get(obj, key);
    char allowed[64];
    snprintf(allowed, sizeof allowed, "a string of 1 to %zu bytes", max);
    if (!v) {
        fo_error_set(e, FO_EUSAGE, "missing field", key, "", allowed);
        return NULL;
    }
    const char *s = json_string_value(v); /* NULL when not a string */
    if (!s || json_string_length(v) == 0 || json_string_length(v) > max ||
        strlen(s) != json_string_length(v)) {
        fo_error_set(e, FO_EUSAGE,
                     json_string_length(v) > max ? "value too long: nothing written" : "bad field",
                     key, s ? s : "", allowed);
        return NULL;
    }
    return s;
}

/* A JSON scalar as the text a CLI flag would carry: 1, 0 when not a scalar, -1 when it does
 * not fit in n - 1 bytes (refused by the caller: never cut). */
static int scalar_text(json_t *v, char *out, size_t n) {
    if (json_is_string(v)) {
        if (json_string_length(v) >= n || strlen(json_string_value(v)) != json_string_length(v))
            return -1;
        snprintf(out, n, "%s", json_string_value(v));
        return 1;
    }
    if (json_is_integer(v)) {
        snprintf(out, n, "%lld", (long long)json_integer_value(v));
        return 1;
    }
    if (json_is_real(v)) {
        fo_buf b;
        fo_buf_init(&b);
        fo_json_format_number(&b, json_real_value(v));
        int fits = b.len < n;
        snprintf(out, n, "%s", fo_buf_str(&b));
        fo_buf_free(&b);
        return fits ? 1 : -1;
    }
    return 0;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

#define VALUE_MAX 128 /* bytes of a parameter's value, with its NUL */

/* 400 for a value longer than its limit, naming the limit. */
static fo_status too_long(fo_error *e, const char *param, json_t *v, size_t max) {
    char allowed[96];
    snprintf(allowed, sizeof allowed, "a value of at most %zu bytes", max);
    return fo_error_set(e, FO_EUSAGE, "value too long: nothing written", param,
                        json_is_string(v) ? json_string_value(v) : "", allowed);
}

typedef struct run_params {
    const char *names[FO_MAX_PARAMS];
    const char *values[FO_MAX_PARAMS];
    char storage[FO_MAX_PARAMS][VALUE_MAX];
    size_t n;
    uint64_t fingerprint; /* FNV-1a 64 of the command and its sorted name=value pairs */
} run_params;

static uint64_t fnv1a(uint64_t h, const char *s) {
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (h ^ 0xff) * 1099511628211ull; /* a separator after each field */
}

/* params (a JSON object) + the session's track -> name/value pairs for the command table. */
static fo_status collect_params(json_t *params, const char *cmd, const char *track,
                                const fo_variant *own, run_params *rp, fo_error *e) {
    memset(rp, 0, sizeof *rp);
    if (params && !json_is_object(params))
        return fo_error_set(e, FO_EUSAGE, "bad field", "params", "", "an object of parameters");
    const char *keys[FO_MAX_PARAMS];
    size_t nk = 0;
    const char *key;
    json_t *v;
    json_object_foreach(params, key, v) {
        if (nk + 1 >= FO_MAX_PARAMS)
            return fo_error_set(e, FO_EUSAGE, "too many parameters", "params", "", "");
        if (strcmp(key, "track") == 0)
            return fo_error_set(e, FO_EUSAGE, "the track is your session's", "track", "",
                                "leave it out");
        keys[nk++] = key;
    }
    qsort(keys, nk, sizeof keys[0], cmp_str);
    rp->fingerprint = fnv1a(14695981039346656037ull, cmd);
    const fo_command *c = fo_command_find(cmd);
    if (c && fo_command_param(c, "track", NULL)) {
        rp->names[rp->n] = "track";
        rp->values[rp->n++] = track;
        rp->fingerprint = fnv1a(fnv1a(rp->fingerprint, "track"), track);
    }
    for (size_t i = 0; i < nk; i++) {
        json_t *val = json_object_get(params, keys[i]);
        if (strlen(keys[i]) > 64)
            return fo_error_set(e, FO_EUSAGE, "parameter name too long", "params", "",
                                "a parameter name of at most 64 bytes");
        int got = scalar_text(val, rp->storage[rp->n], sizeof rp->storage[rp->n]);
        if (got < 0) return too_long(e, keys[i], val, VALUE_MAX - 1);
        if (!got)
            return fo_error_set(e, FO_EUSAGE, "parameter is not a number or a string", keys[i], "",
                                "a number or a string");
        rp->names[rp->n] = keys[i];
        rp->values[rp->n] = rp->storage[rp->n];
        rp->fingerprint = fnv1a(fnv1a(rp->fingerprint, keys[i]), rp->storage[rp->n]);
        rp->n++;
    }
    /* the student's own numbers (serve --variants) for what they did not set themselves */
    static const char *const varied[] = {"failure_rate", "request_rate_per_s"};
    for (size_t i = 0; own && i < 2 && rp->n + 1 < FO_MAX_PARAMS; i++) {
        if (json_object_get(params, varied[i])) continue;
        if (!fo_variant_param(own, cmd, track, varied[i], rp->storage[rp->n],
                              sizeof rp->storage[rp->n]))
            continue;
        rp->names[rp->n] = varied[i];
        rp->values[rp->n] = rp->storage[rp->n];
        rp->fingerprint = fnv1a(fnv1a(rp->fingerprint, varied[i]), rp->storage[rp->n]);
        rp->n++;
    }
    return FO_OK;
}

/* Runs a command and returns its JSON result (caller frees), or NULL with `e` filled. With
 * figure != NULL the command's figure is drawn in the same run (kept with the evidence, so the
 * report never runs the command again). */
static char *run_command(const char *cmd, const run_params *rp, fo_buf *figure, fo_error *e) {
    fo_buf out;
    fo_buf_init(&out);
    fo_output o = {&out, figure, NULL};
    if (fo_command_run_kv(cmd, rp->names, rp->values, rp->n, &o, e) != FO_OK) {
        fo_buf_free(&out);
        return NULL;
    }
    return out.data;
}

/* The height an SVG was drawn at (its root's height attribute); 0 when it has none. */
static double svg_height(const fo_buf *svg) {
    const char *h = svg->data ? strstr(svg->data, " height=\"") : NULL;
    return h ? strtod(h + 9, NULL) : 0;
}

/* How large a figure drawn `width` px wide prints in the report's column (report.h). */
static double print_scale(double width, const fo_buf *svg) {
    double h = svg_height(svg);
    return fmin(FO_REPORT_FIGURE_COLUMN_PX / width, h > 0 ? FO_REPORT_FIGURE_MAX_HEIGHT / h : 1.0);
}

/* The kept figure, drawn at FO_REPORT_FIGURE_WIDTHS' first width into `figure`, is redrawn at
 * the wider ones while it comes out taller than a printed page allows (its panels stacked);
 * the drawing that prints largest is kept. drawn->values[w] is the width parameter. */
static void widen_for_print(const char *cmd, run_params *drawn, size_t w, fo_buf *figure) {
    static const int widths[] = {FO_REPORT_FIGURE_WIDTHS};
    const char *asked = drawn->values[w];
    double best = print_scale(widths[0], figure), last = best;
    for (size_t i = 1; i < sizeof widths / sizeof *widths; i++) {
        if (last >= FO_REPORT_FIGURE_COLUMN_PX / (double)widths[i - 1]) break; /* fits the page */
        char text[16];
        snprintf(text, sizeof text, "%d", widths[i]);
        drawn->values[w] = text;
        fo_buf out, svg;
        fo_buf_init(&out);
        fo_buf_init(&svg);
        fo_output o = {&out, &svg, NULL};
        fo_error e;
        if (fo_command_run_kv(cmd, drawn->names, drawn->values, drawn->n, &o, &e) != FO_OK) {
            fo_buf_free(&out);
            fo_buf_free(&svg);
            break;
        }
        last = print_scale(widths[i], &svg);
        if (last > best) {
            best = last;
            fo_buf t = *figure;
            *figure = svg;
            svg = t;
        }
        fo_buf_free(&out);
        fo_buf_free(&svg);
    }
    drawn->values[w] = asked;
}

static void params_json(fo_json *j, const run_params *rp) {
    fo_json_object_begin(j, "params");
    for (size_t i = 0; i < rp->n; i++)
        fo_json_string(j, rp->names[i], rp->values[i]);
    fo_json_object_end(j);
}

#define PREDICTION_MAX 64 /* bytes of a prediction, with its NUL */

static enum MHD_Result post_prediction(const fo_http_ctx *ctx, struct MHD_Connection *c,
                                       long long sid, const char *track, json_t *body) {
    fo_error e;
    const char *part = get_string(body, "part", 32, &e);
    if (!part) return refuse(c, &e);
    char value[PREDICTION_MAX];
    json_t *v = json_object_get(body, "value");
    int got = v ? scalar_text(v, value, sizeof value) : 0;
    if (got < 0) {
        too_long(&e, "value", v, sizeof value - 1);
        return refuse(c, &e);
    }
    if (!got) return fail(c, FO_EUSAGE, "missing field", "value", "", "your prediction");
    fo_reveal r;
    fo_variant own;
    int has = 0;
    fo_status vst = fo_store_session_variant(ctx->store, sid, &own, &has);
    if (vst != FO_OK)
        return fail(c, vst, "the ledger is unreadable: see the server's log", "session", "", "");
    if (fo_lab_reveal_variant(part, track, value, has ? &own : NULL, &r, &e) != FO_OK)
        return refuse(c, &e);
    fo_lock_result lr;
    if (fo_store_lock_key(ctx->store, sid, part, &r, idempotency_key(c), &lr, &e) != FO_OK)
        return refuse(c, &e);
    long long version = lr.version;
    fo_buf out;
    fo_buf_init(&out);
    fo_json j;
    fo_json_init(&j, &out);
    fo_lab_reveal_json(&j, part, &lr.reveal); /* a replay: the first lock's reveal */
    /* the reveal's object, with the version and what changed appended inside it */
    if (out.len && out.data[out.len - 1] == '}') {
        out.len--;
        fo_buf_printf(&out, ",\"version\":%lld", version);
        fo_buf_puts(&out, ",");
        fo_buf delta;
        fo_buf_init(&delta);
        if (fo_store_ledger_json_ex(ctx->store, sid, version - 1, 0, &delta, &e) == FO_OK)
            fo_buf_printf(&out, "\"ledger\":%s}", fo_buf_str(&delta));
        else
            fo_buf_puts(&out, "\"ledger\":null}");
        fo_buf_free(&delta);
    }
    return created(c, &out, lr.replayed);
}

static enum MHD_Result post_evidence(const fo_http_ctx *ctx, struct MHD_Connection *c,
                                     long long sid, const char *track, json_t *body, int attempt) {
    fo_error e;
    const char *part = get_string(body, "part", 32, &e);
    if (!part) return refuse(c, &e);
    if (!part_known(part))
        return fail(c, FO_EUSAGE, "unknown part", "part", part, "roi, canary, ensemble, crisis");
    const char *cmd = attempt ? "canary" : get_string(body, "command", 32, &e);
    if (!cmd) return refuse(c, &e);
    if (attempt && strcmp(part, "canary") != 0)
        return fail(c, FO_EUSAGE, "attempts belong to Part 2", "part", part, "canary");
    if (!command_in_part(part, cmd))
        return fail(c, FO_EUSAGE, "command does not belong to this part", "command", cmd, part);
    run_params rp;
    fo_variant v;
    int has = 0;
    fo_status vst = fo_store_session_variant(ctx->store, sid, &v, &has);
    if (vst != FO_OK)
        return fail(c, vst, "the ledger is unreadable: see the server's log", "session", "", "");
    if (collect_params(json_object_get(body, "params"), cmd, track, has ? &v : NULL, &rp, &e) !=
        FO_OK)
        return refuse(c, &e);
    int has_hours = 0;
    for (size_t i = 0; i < rp.n; i++)
        has_hours |= strcmp(rp.names[i], "attempt_hours") == 0;
    if (attempt && !has_hours)
        return fail(c, FO_EUSAGE, "missing field", "attempt_hours", "",
                    "the proposed shadow duration in hours, inside params");
    char number[24];
    if (attempt) { /* the ledger numbers the try (the last one states the window); an 11th is
                    * refused by the store */
        long long kept;
        if (fo_store_count(ctx->store, sid, FO_ENTRY_ATTEMPT, part, &kept, &e) != FO_OK)
            return refuse(c, &e);
        for (size_t i = 0; i < rp.n; i++)
            if (strcmp(rp.names[i], "attempt_number") == 0)
                return fail(c, FO_EUSAGE, "the ledger numbers the tries", "attempt_number", "",
                            "leave it out");
        if (rp.n >= FO_MAX_PARAMS)
            return fail(c, FO_EUSAGE, "too many parameters", "params", "", "fewer parameters");
        if (kept < FO_MAX_ATTEMPTS) {
            snprintf(number, sizeof number, "%lld", kept + 1);
            rp.names[rp.n] = "attempt_number";
            rp.values[rp.n++] = number;
        }
    }
    const fo_command *command = fo_command_find(cmd);
    fo_buf figure;
    fo_buf_init(&figure);
    int draw = !attempt && command && command->figure;
    /* The figure kept for the report is drawn for the report's printed page (report.h: the
     * column's width, wider while its panels stack too tall for a page), not for wherever the
     * evidence was asked from: the width is not a parameter of the evidence (its params and
     * fingerprint stay as asked; no result depends on it). */
    run_params drawn = rp;
    static const int first_width[] = {FO_REPORT_FIGURE_WIDTHS};
    char first[16];
    snprintf(first, sizeof first, "%d", first_width[0]);
    if (draw) {
        size_t w = 0;
        while (w < drawn.n && strcmp(drawn.names[w], "width") != 0)
            w++;
        if (w < FO_MAX_PARAMS) {
            drawn.names[w] = "width";
            drawn.values[w] = first;
            drawn.n += w == drawn.n;
        }
    }
    char *result = run_command(cmd, draw ? &drawn : &rp, draw ? &figure : NULL, &e);
    if (!result) {
        fo_buf_free(&figure);
        return refuse(c, &e);
    }
    if (draw) {
        size_t w = 0;
        while (w < drawn.n && strcmp(drawn.names[w], "width") != 0)
            w++;
        if (w < drawn.n) widen_for_print(cmd, &drawn, w, &figure);
    }
    fo_buf b;
    fo_buf_init(&b);
    fo_json j;
    fo_json_init(&j, &b);
    fo_json_object_begin(&j, NULL);
    fo_json_string(&j, "command", cmd);
    params_json(&j, &rp);
    if (attempt) { /* keep the verdict, not the whole curve */
        json_t *res = json_loads(result, 0, NULL);
        char *verdict = res ? json_dumps(json_object_get(res, "attempt"), JSON_COMPACT) : NULL;
        fo_json_raw(&j, "attempt", verdict);
        free(verdict);
        json_decref(res);
    } else {
        fo_json_raw(&j, "result", result);
    }
    fo_json_object_end(&j);
    free(result);
    char fp[20];
    snprintf(fp, sizeof fp, "%016llx", (unsigned long long)rp.fingerprint);
    enum MHD_Result r =
        append_and_reply(ctx, c, sid, attempt ? FO_ENTRY_ATTEMPT : FO_ENTRY_EVIDENCE, part, &b, fp,
                         0, draw && figure.len ? fo_buf_str(&figure) : NULL);
    fo_buf_free(&figure);
    return r;
}

static enum MHD_Result post_text(const fo_http_ctx *ctx, struct MHD_Connection *c, long long sid,
                                 json_t *body, int governance) {
    fo_error e;
    const char *part = governance ? "ensemble" : get_string(body, "part", 32, &e);
    if (!part) return refuse(c, &e);
    if (!governance && !part_known(part))
        return fail(c, FO_EUSAGE, "unknown part", "part", part, "roi, canary, ensemble, crisis");
    const char *policy = NULL;
    if (governance) {
        policy = get_string(body, "policy", 16, &e);
        if (!policy) return refuse(c, &e);
        if (strcmp(policy, "loose") != 0 && strcmp(policy, "strict") != 0)
            return fail(c, FO_EUSAGE, "unknown choice", "policy", policy, "one of: loose, strict");
    }
    const char *field = governance ? "justification" : "text";
    const char *text = get_string(body, field, FO_MAX_TEXT_BYTES, &e);
    if (!text) return refuse(c, &e);
    fo_buf b;
    fo_buf_init(&b);
    fo_json j;
    fo_json_init(&j, &b);
    fo_json_object_begin(&j, NULL);
    if (policy) fo_json_string(&j, "policy", policy);
    fo_json_string(&j, field, text);
    fo_json_object_end(&j);
    return append_and_reply(ctx, c, sid, governance ? FO_ENTRY_GOVERNANCE : FO_ENTRY_REFLECTION,
                            part, &b, NULL, strlen(text), NULL);
}

/* ------------------------------------------------------------------ who a session is */

#define IDENTITY_MAX 80 /* bytes of a name or student ID */

/* The one line the page shows the student at the track choice. */
static const char *teacher_sees(int mode) {
    switch (mode) {
    case FO_IDENTITY_NONE:
        return "Your teacher sees your work (predictions, progress and your report with your "
               "reflections) under a session number only: nothing here asks or keeps who you are.";
    case FO_IDENTITY_REQUIRED:
        return "Your teacher sees your work (predictions, progress and your report with your "
               "reflections) under the name or student ID you give here.";
    default:
        return "Your teacher sees your work (predictions, progress and your report with your "
               "reflections) under the name or student ID you give here, or under a session "
               "number if you leave it empty.";
    }
}

/* The identity a new session keeps (out: "" for none), checked against the mode and the
 * roster: FO_OK, or a refusal in e. Leading and trailing spaces are not kept. */
static fo_status session_identity(const fo_http_ctx *ctx, json_t *body, char *out, size_t n,
                                  fo_error *e) {
    out[0] = '\0';
    if (ctx->identity == FO_IDENTITY_NONE) return FO_OK; /* nothing identifying is stored */
    json_t *v = json_object_get(body, "identity");
    const char *given = v ? json_string_value(v) : "";
    char allowed[128];
    snprintf(allowed, sizeof allowed,
             "your name or student ID, as your teacher asked (at most %d "
             "bytes)",
             IDENTITY_MAX);
    if (v && !json_is_null(v) && (!given || strlen(given) != json_string_length(v)))
        return fo_error_set(e, FO_EUSAGE, "bad field", "identity", "", allowed);
    if (!given) given = "";
    while (*given == ' ' || *given == '\t')
        given++;
    size_t len = strlen(given);
    while (len && (given[len - 1] == ' ' || given[len - 1] == '\t'))
        len--;
    if (len > IDENTITY_MAX)
        return fo_error_set(e, FO_EUSAGE, "value too long: nothing written", "identity", "",
                            allowed);
    for (size_t i = 0; i < len; i++) { /* no control character (C0, DEL, C1: U+0080-U+009F),
                                        * so a name can never steer a teacher's terminal */
        unsigned char ch = (unsigned char)given[i];
        if (ch < 0x20 || ch == 0x7f ||
            (ch == 0xC2 && i + 1 < len && (unsigned char)given[i + 1] >= 0x80 &&
             (unsigned char)given[i + 1] <= 0x9F))
            return fo_error_set(e, FO_EUSAGE, "bad field", "identity", "", allowed);
    }
    if (!len) {
        if (ctx->identity == FO_IDENTITY_REQUIRED)
            return fo_error_set(e, FO_EUSAGE, "your teacher asks who you are", "identity", "",
                                allowed);
        return FO_OK;
    }
    char typed[IDENTITY_MAX + 1];
    snprintf(typed, sizeof typed, "%.*s", (int)len, given);
    if (!ctx->roster) {
        snprintf(out, n, "%s", typed);
        return FO_OK;
    }
    for (size_t r = 0; r < ctx->roster_n; r++) { /* a cell of the row, case aside */
        char row[512];
        snprintf(row, sizeof row, "%s", ctx->roster[r]);
        int match = 0;
        char *save = NULL;
        for (char *cell = strtok_r(row, "\t", &save); cell && !match;
             cell = strtok_r(NULL, "\t", &save))
            match = strcasecmp(cell, typed) == 0;
        if (!match) continue;
        /* the roster's own words, cells joined: "s1234 · Ada Lovelace" */
        size_t o = 0;
        const char *q = ctx->roster[r];
        for (; *q && o + 4 < n; q++) {
            if (*q == '\t') {
                memcpy(out + o, " \xC2\xB7 ", 4);
                o += 4;
            } else {
                out[o++] = *q;
            }
        }
        if (*q) { /* cut to fit: never inside a UTF-8 character */
            while (o && ((unsigned char)out[o - 1] & 0xC0) == 0x80)
                o--;
            if (o && ((unsigned char)out[o - 1] & 0x80)) o--;
        }
        out[o] = '\0';
        return FO_OK;
    }
    return fo_error_set(e, FO_EUSAGE, "not on the class list", "identity", typed,
                        "the name or student ID your teacher has on the class list");
}

static enum MHD_Result post_session(const fo_http_ctx *ctx, struct MHD_Connection *c,
                                    json_t *body) {
    fo_error e;
    const char *track = get_string(body, "track", 32, &e);
    if (!track) return refuse(c, &e);
    if (!fo_lab_track(track))
        return fail(c, FO_EUSAGE, "unknown choice", "track", track,
                    "one of: cloud-titan, edge-guardian, mobile-nomad, tiny-pioneer");
    char identity[FO_IDENTITY_MAX];
    if (session_identity(ctx, body, identity, sizeof identity, &e) != FO_OK) return refuse(c, &e);
    fo_variant variant, *own = NULL;
    if (ctx->variants) { /* the session's own numbers, from a seed of the OS's random source */
        uint64_t seed;
        if (getrandom(&seed, sizeof seed, 0) != (ssize_t)sizeof seed)
            return fail(c, FO_EINTERNAL, "no randomness for a variant", "", "", "");
        fo_variant_from_seed(seed, &variant);
        own = &variant;
    }
    char addr[64];
    double rate = fo_store_quota(ctx->store)->sessions_per_minute;
    if (!rate_take(c, 0, rate, addr, sizeof addr)) return rate_refusal(c, 0, rate, addr);
    long long sid;
    char token[FO_TOKEN_MAX], cookie[FO_TOKEN_MAX + 96];
    if (fo_store_session_create_ex(ctx->store, track, identity, own, &sid, token, &e) != FO_OK)
        return refuse(c, &e);
    snprintf(cookie, sizeof cookie,
             COOKIE "=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=" COOKIE_MAX_AGE, token);
    return send_ledger(ctx, c, MHD_HTTP_CREATED, sid, -1, cookie);
}

/* The instructor signs in by the form at /instructor (server.c), which sets a cookie; no token
 * travels in a URL or in every request. 1 when the request carries that cookie. */
static int instructor_ok(const fo_http_ctx *ctx, struct MHD_Connection *c) {
    return fo_http_instructor_ok(ctx, c);
}

/* ------------------------------------------------------------------ reports (off the workers) */

/* A report is rendered on a thread of its own while its connection is suspended, so a large
 * one (hundreds of kept figures, megabytes of HTML) never holds one of the server's worker
 * threads: the API keeps answering meanwhile. Jobs run one at a time, in order; at most
 * REPORT_QUEUE_MAX wait (503 beyond). A server started without MHD_ALLOW_SUSPEND_RESUME
 * renders in the request, as before. */
#define REPORT_QUEUE_MAX 32

typedef struct report_job {
    struct MHD_Connection *c;
    fo_store *store;
    long long sid;
    fo_report_format f;
    char format[8];
    int state; /* 0 queued, 1 rendering, 2 done */
    fo_status st;
    fo_error e;
    fo_buf out;
    double done_at;
    struct report_job *next;
} report_job;

static pthread_mutex_t job_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_cv = PTHREAD_COND_INITIALIZER;  /* a job was queued */
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER; /* a job was finished */
static report_job *jobs;
static int report_thread_started;
static int draining; /* fo_ledger_drain is waiting: reports render in the request */
static int resuming; /* finished jobs whose connection is being resumed */

static int jobs_pending(void) {
    for (report_job *k = jobs; k; k = k->next)
        if (k->state < 2) return 1;
    return resuming > 0;
}

void fo_ledger_drain(void) {
    pthread_mutex_lock(&job_mu);
    draining++;
    while (jobs_pending())
        pthread_cond_wait(&done_cv, &job_mu);
    draining--;
    pthread_mutex_unlock(&job_mu);
}

static void *report_worker(void *arg) {
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&job_mu);
        report_job *j = NULL;
        for (;;) {
            for (report_job *k = jobs; k && !j; k = k->next)
                if (k->state == 0) j = k;
            if (j) break;
            pthread_cond_wait(&job_cv, &job_mu);
        }
        j->state = 1;
        pthread_mutex_unlock(&job_mu);
        fo_buf_init(&j->out);
        j->st = fo_report_render(j->store, j->sid, j->f, &j->out, &j->e);
        pthread_mutex_lock(&job_mu);
        j->state = 2;
        j->done_at = now_s();
        struct MHD_Connection *c = j->c; /* j may be taken and freed once the lock is let go */
        resuming++;
        pthread_mutex_unlock(&job_mu);
        MHD_resume_connection(c); /* MHD calls the handler again: get_report answers */
        pthread_mutex_lock(&job_mu);
        resuming--;
        pthread_cond_broadcast(&done_cv);
        pthread_mutex_unlock(&job_mu);
    }
    return NULL;
}

static int can_suspend(struct MHD_Connection *c) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_DAEMON);
    if (!ci || !ci->daemon) return 0;
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(ci->daemon, MHD_DAEMON_INFO_FLAGS);
    return di && (di->flags & MHD_ALLOW_SUSPEND_RESUME) == MHD_ALLOW_SUSPEND_RESUME;
}

static enum MHD_Result report_reply(struct MHD_Connection *c, long long sid, const char *format,
                                    fo_report_format f, fo_status st, fo_error *e, fo_buf *b) {
    if (st != FO_OK) {
        fo_buf_free(b);
        return refuse(c, e);
    }
    char disposition[96];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"fleetops-report-%lld.%s\"",
             sid, format);
    return fo_http_body(c, MHD_HTTP_OK, fo_report_content_type(f), b, "Content-Disposition",
                        disposition);
}

static enum MHD_Result get_report(const fo_http_ctx *ctx, struct MHD_Connection *c, long long sid) {
    const char *format = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "format");
    if (!format) format = "md";
    fo_report_format f;
    if (fo_report_parse_format(format, &f) != 0)
        return fail(c, FO_EUSAGE, "unknown choice", "format", format, "one of: md, html, json");
    pthread_mutex_lock(&job_mu);
    int inline_render = draining > 0;
    pthread_mutex_unlock(&job_mu);
    if (inline_render || !can_suspend(c)) {
        fo_buf b;
        fo_buf_init(&b);
        fo_error e;
        fo_status st = fo_report_render(ctx->store, sid, f, &b, &e);
        return report_reply(c, sid, format, f, st, &e, &b);
    }
    pthread_mutex_lock(&job_mu);
    report_job **at = &jobs, *mine = NULL;
    size_t waiting = 0;
    double t = now_s();
    while (*at) { /* this connection's finished job; forget finished ones nobody took */
        report_job *k = *at;
        /* the same connection, session and format: a connection object reused by
         * libmicrohttpd for another client after an abandoned job never gets that job */
        if (k->c == c && k->state == 2 && k->sid == sid && k->f == f) {
            *at = k->next;
            mine = k;
            continue;
        }
        if (k->state == 2 && t - k->done_at > 60) {
            *at = k->next;
            fo_buf_free(&k->out);
            free(k);
            continue;
        }
        waiting += k->state == 0;
        at = &k->next;
    }
    if (mine) {
        pthread_mutex_unlock(&job_mu);
        enum MHD_Result r =
            report_reply(c, mine->sid, mine->format, mine->f, mine->st, &mine->e, &mine->out);
        free(mine);
        return r;
    }
    if (waiting >= REPORT_QUEUE_MAX) {
        pthread_mutex_unlock(&job_mu);
        fo_error e;
        char allowed[96];
        snprintf(allowed, sizeof allowed, "at most %d reports waiting; try again in a few seconds",
                 REPORT_QUEUE_MAX);
        fo_error_set(&e, FO_EINTERNAL, "too many reports are being prepared", "format", format,
                     allowed);
        return fo_http_error(c, 503, &e);
    }
    report_job *j = calloc(1, sizeof *j);
    if (!j) {
        pthread_mutex_unlock(&job_mu);
        return MHD_NO;
    }
    if (!report_thread_started) {
        pthread_t th;
        if (pthread_create(&th, NULL, report_worker, NULL) != 0) {
            pthread_mutex_unlock(&job_mu);
            free(j);
            fo_buf b;
            fo_buf_init(&b);
            fo_error e;
            fo_status st = fo_report_render(ctx->store, sid, f, &b, &e);
            return report_reply(c, sid, format, f, st, &e, &b);
        }
        pthread_detach(th);
        report_thread_started = 1;
    }
    j->c = c;
    j->store = ctx->store;
    j->sid = sid;
    j->f = f;
    snprintf(j->format, sizeof j->format, "%s", format);
    *at = j; /* last: in order */
    MHD_suspend_connection(c);
    pthread_cond_signal(&job_cv);
    pthread_mutex_unlock(&job_mu);
    return MHD_YES;
}

/* ------------------------------------------------------------------ the class (issue 18) */

/* GET /api/class[?view=projector]: the class view's data. Its ETag is a fingerprint of what the
 * rows depend on (sessions, versions, the latest write) and of the minute (idle times and "stuck"
 * move with the clock), so polling an unchanged class answers 304 after one small read. */
static enum MHD_Result get_class(const fo_http_ctx *ctx, struct MHD_Connection *c) {
    const char *view = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "view");
    int projector = view && strcmp(view, "projector") == 0;
    if (view && !projector && strcmp(view, "teacher") != 0)
        return fail(c, FO_EUSAGE, "unknown choice", "view", view, "one of: teacher, projector");
    fo_error e;
    char stamp[160], etag[48];
    if (fo_store_class_stamp(ctx->store, stamp, sizeof stamp, &e) != FO_OK) return refuse(c, &e);
    char minute[32];
    snprintf(minute, sizeof minute, "%lld/%d", (long long)(time(NULL) / 60), projector);
    uint64_t h = fnv1a(fnv1a(14695981039346656037ull, stamp), minute);
    snprintf(etag, sizeof etag, "\"c%016llx\"", (unsigned long long)h);
    const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    if (inm && strstr(inm, etag)) {
        fo_buf none;
        fo_buf_init(&none);
        return fo_http_body(c, MHD_HTTP_NOT_MODIFIED, "application/json", &none, "ETag", etag);
    }
    /* the last answer of each view, kept with its ETag: the laptop and the projector (or
     * several teachers) polling the same class compute it once per change */
    static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
    static struct {
        char etag[48];
        fo_buf body;
    } cache[2];
    fo_buf b;
    fo_buf_init(&b);
    pthread_mutex_lock(&cache_mu);
    if (strcmp(cache[projector].etag, etag) == 0 && !cache[projector].body.oom)
        fo_buf_append(&b, cache[projector].body.data, cache[projector].body.len);
    pthread_mutex_unlock(&cache_mu);
    if (b.len) return fo_http_body(c, MHD_HTTP_OK, "application/json", &b, "ETag", etag);
    fo_class_opts o = {.stuck_minutes = ctx->stuck_minutes, .identities = !projector};
    if (fo_store_class_json_opts(ctx->store, &o, &b, &e) != FO_OK) {
        fo_buf_free(&b);
        return refuse(c, &e);
    }
    pthread_mutex_lock(&cache_mu);
    fo_buf_reset(&cache[projector].body);
    cache[projector].body.oom = 0;
    fo_buf_append(&cache[projector].body, b.data, b.len);
    snprintf(cache[projector].etag, sizeof cache[projector].etag, "%s", etag);
    pthread_mutex_unlock(&cache_mu);
    return fo_http_body(c, MHD_HTTP_OK, "application/json", &b, "ETag", etag);
}

/* GET /api/class.csv: the gradebook, as `fleetops class --csv` writes it. */
static enum MHD_Result get_class_csv(const fo_http_ctx *ctx, struct MHD_Connection *c) {
    fo_buf b;
    fo_buf_init(&b);
    fo_error e;
    if (fo_store_class_csv(ctx->store, &b, &e) != FO_OK) {
        fo_buf_free(&b);
        return refuse(c, &e);
    }
    return fo_http_body(c, MHD_HTTP_OK, "text/csv; charset=utf-8", &b, "Content-Disposition",
                        "attachment; filename=\"fleetops-gradebook.csv\"");
}

/* GET /api/class/report?session=N&format=html|md|json: a student's report, the same bytes the
 * student downloads, rendered off the workers like theirs. */
static enum MHD_Result get_class_report(const fo_http_ctx *ctx, struct MHD_Connection *c) {
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "session");
    char *end = NULL;
    long long sid = v ? strtoll(v, &end, 10) : 0;
    if (!v || !*v || *end || sid <= 0 || strlen(v) > 18)
        return fail(c, FO_EUSAGE, "bad parameter", "session", v ? v : "",
                    "a session number from the class view");
    char track[64];
    fo_status st = fo_store_session_track(ctx->store, sid, track, sizeof track);
    if (st == FO_ENOTFOUND) return fail(c, FO_ENOTFOUND, "no such session", "session", v, "");
    if (st != FO_OK)
        return fail(c, st, "the ledger is unreadable: see the server's log", "session", v, "");
    return get_report(ctx, c, sid);
}

enum MHD_Result fo_ledger_route(const fo_http_ctx *ctx, struct MHD_Connection *c,
                                const char *method, const char *url, const char *body,
                                size_t body_len, int *handled) {
    static const char *const post_paths[] = {
        "/api/session",         "/api/ledger/predictions", "/api/ledger/evidence",
        "/api/ledger/attempts", "/api/ledger/reflections", "/api/ledger/governance"};
    static const char *const get_paths[] = {"/api/ledger", "/api/report",    "/api/class",
                                            "/instructor", "/api/class.csv", "/api/class/report"};
    int is_post = -1, is_get = -1;
    for (size_t i = 0; i < sizeof post_paths / sizeof post_paths[0]; i++)
        if (strcmp(url, post_paths[i]) == 0) is_post = (int)i;
    for (size_t i = 0; i < sizeof get_paths / sizeof get_paths[0]; i++)
        if (strcmp(url, get_paths[i]) == 0) is_get = (int)i;
    if (is_post < 0 && is_get < 0) return MHD_YES;
    *handled = 1;
    int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    int post = strcmp(method, "POST") == 0;
    if ((is_post >= 0 && !post) || (is_get >= 0 && !get)) {
        fo_error e; /* 405; fo_http_error puts `allowed` in the Allow header */
        fo_error_set(&e, FO_EUSAGE, "method not allowed", "", method,
                     is_post >= 0 ? "POST" : "GET, HEAD");
        return fo_http_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, &e);
    }
    if (!ctx->store) return fail(c, FO_ENOTFOUND, "this server keeps no ledger", "", url, "");

    if (is_get >= 2) { /* the instructor's class view */
        if (!ctx->instructor_token)
            return fail(c, FO_ENOTFOUND, "instructor view disabled", "", url,
                        "start the server with FLEETOPS_INSTRUCTOR_TOKEN or "
                        "--instructor-token-file FILE");
        if (!instructor_ok(ctx, c))
            return fail(c, FO_EFORBIDDEN, "instructor sign-in required", "token", "",
                        "sign in at /instructor");
        if (is_get == 3) {
            size_t n;
            const fo_asset *a = fo_assets(&n);
            for (size_t i = 0; i < n; i++)
                if (strcmp(a[i].path, "/instructor.html") == 0) {
                    fo_buf b;
                    fo_buf_init(&b);
                    fo_buf_append(&b, (const char *)a[i].data, a[i].size);
                    return fo_http_body(c, MHD_HTTP_OK, a[i].content_type, &b, NULL, NULL);
                }
            return fail(c, FO_ENOTFOUND, "not found", "", url, "");
        }
        if (is_get == 4) return get_class_csv(ctx, c);
        if (is_get == 5) return get_class_report(ctx, c);
        return get_class(ctx, c);
    }

    json_t *json = NULL;
    if (post) {
        if (!body_is_json(c))
            return fail(c, FO_EUSAGE, "body must be JSON", "Content-Type", "", "application/json");
        json_error_t je;
        json = json_loadb(body, body_len, JSON_REJECT_DUPLICATES, &je);
        if (!json || !json_is_object(json)) {
            json_decref(json);
            return fail(c, FO_EUSAGE, "body is not a JSON object", "body", json ? "" : je.text,
                        "a JSON object");
        }
        const char *key = idempotency_key(c);
        if (key && is_post != 0 && !fo_store_key_valid(key)) {
            json_decref(json);
            return fail(c, FO_EUSAGE, "bad idempotency key", "Idempotency-Key", key,
                        "1 to 64 of A-Z a-z 0-9 . _ : - (a new one per write, the same on its "
                        "retries)");
        }
        if (is_post == 0) {
            enum MHD_Result r = post_session(ctx, c, json);
            json_decref(json);
            return r;
        }
    }
    long long sid = 0, since = -1;
    enum MHD_Result ret = MHD_NO;
    if (is_get == 0) { /* ?since=VERSION: only what changed after it */
        const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "since");
        if (v) {
            char *end;
            since = strtoll(v, &end, 10);
            if (!*v || *end || since < 0 || strlen(v) > 18)
                return fail(c, FO_EUSAGE, "bad parameter", "since", v,
                            "a ledger version: an integer >= 0 from a previous answer");
        }
    }
    if (is_get == 0) { /* a visit with no session (or a stale cookie) is not an error */
        fo_status why = fo_store_session_auth(
            ctx->store, MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE), &sid);
        if (why == FO_EUNAUTHORIZED || why == FO_EFORBIDDEN) {
            /* and what the page asks at the track choice, with the line it shows */
            static const char *const modes[] = {"optional", "none", "required"};
            fo_buf none;
            fo_buf_init(&none);
            fo_json j;
            fo_json_init(&j, &none);
            fo_json_object_begin(&j, NULL);
            fo_json_null(&j, "session");
            fo_json_string(&j, "identity", modes[ctx->identity % 3]);
            fo_json_bool(&j, "roster", ctx->roster != NULL);
            fo_json_string(&j, "teacher_sees", teacher_sees(ctx->identity));
            fo_json_object_end(&j);
            return fo_http_json(c, MHD_HTTP_OK, &none);
        }
    }
    if (!authenticate(ctx, c, &sid, &ret)) {
        json_decref(json);
        return ret;
    }
    if (post) {
        char addr[64];
        double rate = fo_store_quota(ctx->store)->writes_per_minute;
        if (!rate_take(c, 1, rate, addr, sizeof addr)) {
            json_decref(json);
            return rate_refusal(c, 1, rate, addr);
        }
    }
    char track[64] = "";
    fo_status tst = fo_store_session_track(ctx->store, sid, track, sizeof track);
    if (tst != FO_OK) { /* the ledger unreachable since the cookie was checked: never a guess */
        json_decref(json);
        return fail(c, tst, "the ledger is unavailable: nothing written, try again", "db", "", "");
    }
    switch (post ? is_post : 10 + is_get) {
    case 1:
        ret = post_prediction(ctx, c, sid, track, json);
        break;
    case 2:
        ret = post_evidence(ctx, c, sid, track, json, 0);
        break;
    case 3:
        ret = post_evidence(ctx, c, sid, track, json, 1);
        break;
    case 4:
        ret = post_text(ctx, c, sid, json, 0);
        break;
    case 5:
        ret = post_text(ctx, c, sid, json, 1);
        break;
    case 10:
        ret = send_ledger(ctx, c, MHD_HTTP_OK, sid, since, NULL);
        break;
    case 11:
        ret = get_report(ctx, c, sid);
        break;
    }
    json_decref(json);
    return ret;
}
