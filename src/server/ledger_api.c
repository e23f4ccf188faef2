/* ledger_api.c — the ledger over HTTP. A student's session is an HttpOnly, SameSite=Strict
 * cookie holding an unguessable token; every route reads and writes only that session.
 * Bodies are JSON (jansson), validated completely before anything is written, and every
 * write is one transaction in the store. Numbers the student did not type (reveals, evidence
 * results, attempt verdicts) are computed here through the command table, never taken from
 * the page. Every POST answers 201 with what it wrote; GET /api/ledger is the whole ledger.
 *
 *   POST /api/session                {"track"}                      -> sets the cookie
 *   GET  /api/ledger
 *   POST /api/ledger/predictions     {"part", "value"}              409 if already locked
 *   POST /api/ledger/evidence        {"part", "command", "params"}
 *   POST /api/ledger/attempts        {"part": "canary", "params"}   409 after 10
 *   POST /api/ledger/reflections     {"part", "text"}               every revision kept
 *   POST /api/ledger/governance      {"policy": "loose"|"strict", "justification"}
 *   GET  /api/report?format=md|html|json
 *   GET  /api/class                  (the instructor's cookie: sign in at /instructor, server.c) */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetops/report.h"
#include "fleetops/server.h"
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

static enum MHD_Result fail(struct MHD_Connection *c, fo_status st, const char *error,
                            const char *param, const char *value, const char *allowed) {
    fo_error e;
    fo_error_set(&e, st, error, param, value, allowed);
    return fo_http_error(c, 0, &e);
}

static enum MHD_Result send_ledger(const fo_http_ctx *ctx, struct MHD_Connection *c,
                                   unsigned status, long long sid, const char *cookie) {
    fo_buf b;
    fo_buf_init(&b);
    fo_error e;
    if (fo_store_ledger_json(ctx->store, sid, &b, &e) != FO_OK) {
        fo_buf_free(&b);
        return fo_http_error(c, 0, &e);
    }
    return fo_http_body(c, status, "application/json", &b, cookie ? "Set-Cookie" : NULL, cookie);
}

static const char *const kind_names[] = {"evidence", "attempt", "reflection", "governance"};

/* Appends one entry and answers 201 with it: {id, kind, part, count, fingerprint, body}; count
 * is the revision (reflections, governance) or the attempt number. The whole ledger is GET
 * /api/ledger; a write answers with what it wrote, so its cost does not grow with the ledger. */
static enum MHD_Result append_and_reply(const fo_http_ctx *ctx, struct MHD_Connection *c,
                                        long long sid, fo_entry_kind kind, const char *part,
                                        fo_buf *body, const char *fingerprint) {
    fo_error e;
    long long id = 0, count = 0;
    fo_status st = fo_store_append(ctx->store, sid, kind, part, fo_buf_str(body), fingerprint, &id,
                                   &count, &e);
    if (st != FO_OK) {
        fo_buf_free(body);
        return fo_http_error(c, 0, &e);
    }
    fo_buf out;
    fo_buf_init(&out);
    fo_json j;
    fo_json_init(&j, &out);
    fo_json_object_begin(&j, NULL);
    fo_json_int(&j, "id", id);
    fo_json_string(&j, "kind", kind_names[kind]);
    fo_json_string(&j, "part", part);
    fo_json_int(&j, "count", count);
    if (kind == FO_ENTRY_ATTEMPT) fo_json_int(&j, "attempts_left", FO_MAX_ATTEMPTS - count);
    fo_json_string(&j, "fingerprint", fingerprint);
    fo_json_raw(&j, "body", fo_buf_str(body));
    fo_json_object_end(&j);
    fo_buf_free(body);
    return fo_http_json(c, MHD_HTTP_CREATED, &out);
}

/* The session of the request's cookie, or an error response (returns 0 then). */
static int authenticate(const fo_http_ctx *ctx, struct MHD_Connection *c, long long *sid,
                        enum MHD_Result *ret) {
    const char *token = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE);
    fo_status s = fo_store_session_auth(ctx->store, token, sid);
    if (s == FO_OK) return 1;
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
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > max ||
        strlen(json_string_value(v)) != json_string_length(v)) {
        fo_error_set(e, FO_EUSAGE, "bad field", key, json_is_string(v) ? json_string_value(v) : "",
                     allowed);
        return NULL;
    }
    return json_string_value(v);
}

/* A JSON scalar as the text a CLI flag would carry. */
static int scalar_text(json_t *v, char *out, size_t n) {
    if (json_is_string(v)) {
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
        snprintf(out, n, "%s", fo_buf_str(&b));
        fo_buf_free(&b);
        return 1;
    }
    return 0;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct run_params {
    const char *names[FO_MAX_PARAMS];
    const char *values[FO_MAX_PARAMS];
    char storage[FO_MAX_PARAMS][128];
    size_t n;
    uint64_t fingerprint; /* FNV-1a 64 of the command and its sorted name=value pairs */
} run_params;

static uint64_t fnv1a(uint64_t h, const char *s) {
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (h ^ 0xff) * 1099511628211ull; /* a separator after each field */
}

/* params (a JSON object) + the session's track -> name/value pairs for the command table. */
static fo_status collect_params(json_t *params, const char *cmd, const char *track, run_params *rp,
                                fo_error *e) {
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
        if (!scalar_text(val, rp->storage[rp->n], sizeof rp->storage[rp->n]))
            return fo_error_set(e, FO_EUSAGE, "parameter is not a number or a string", keys[i], "",
                                "a number or a string");
        rp->names[rp->n] = keys[i];
        rp->values[rp->n] = rp->storage[rp->n];
        rp->fingerprint = fnv1a(fnv1a(rp->fingerprint, keys[i]), rp->storage[rp->n]);
        rp->n++;
    }
    return FO_OK;
}

/* Runs a command and returns its JSON result (caller frees), or NULL with `e` filled. */
static char *run_command(const char *cmd, const run_params *rp, fo_error *e) {
    fo_buf out;
    fo_buf_init(&out);
    fo_output o = {&out, NULL, NULL};
    if (fo_command_run_kv(cmd, rp->names, rp->values, rp->n, &o, e) != FO_OK) {
        fo_buf_free(&out);
        return NULL;
    }
    return out.data;
}

static void params_json(fo_json *j, const run_params *rp) {
    fo_json_object_begin(j, "params");
    for (size_t i = 0; i < rp->n; i++)
        fo_json_string(j, rp->names[i], rp->values[i]);
    fo_json_object_end(j);
}

static enum MHD_Result post_prediction(const fo_http_ctx *ctx, struct MHD_Connection *c,
                                       long long sid, const char *track, json_t *body) {
    fo_error e;
    const char *part = get_string(body, "part", 32, &e);
    if (!part) return fo_http_error(c, 0, &e);
    char value[64];
    json_t *v = json_object_get(body, "value");
    if (!v || !scalar_text(v, value, sizeof value))
        return fail(c, FO_EUSAGE, "missing field", "value", "", "your prediction");
    fo_reveal r;
    if (fo_lab_reveal(part, track, value, &r, &e) != FO_OK) return fo_http_error(c, 0, &e);
    if (fo_store_lock(ctx->store, sid, part, &r, &e) != FO_OK) return fo_http_error(c, 0, &e);
    fo_buf out;
    fo_buf_init(&out);
    fo_json j;
    fo_json_init(&j, &out);
    fo_lab_reveal_json(&j, part, &r);
    return fo_http_json(c, MHD_HTTP_CREATED, &out);
}

static enum MHD_Result post_evidence(const fo_http_ctx *ctx, struct MHD_Connection *c,
                                     long long sid, const char *track, json_t *body, int attempt) {
    fo_error e;
    const char *part = get_string(body, "part", 32, &e);
    if (!part) return fo_http_error(c, 0, &e);
    if (!part_known(part))
        return fail(c, FO_EUSAGE, "unknown part", "part", part, "roi, canary, ensemble, crisis");
    const char *cmd = attempt ? "canary" : get_string(body, "command", 32, &e);
    if (!cmd) return fo_http_error(c, 0, &e);
    if (attempt && strcmp(part, "canary") != 0)
        return fail(c, FO_EUSAGE, "attempts belong to Part 2", "part", part, "canary");
    if (!command_in_part(part, cmd))
        return fail(c, FO_EUSAGE, "command does not belong to this part", "command", cmd, part);
    run_params rp;
    if (collect_params(json_object_get(body, "params"), cmd, track, &rp, &e) != FO_OK)
        return fo_http_error(c, 0, &e);
    int has_hours = 0;
    for (size_t i = 0; i < rp.n; i++)
        has_hours |= strcmp(rp.names[i], "attempt_hours") == 0;
    if (attempt && !has_hours)
        return fail(c, FO_EUSAGE, "missing field", "attempt_hours", "",
                    "the proposed shadow duration in hours, inside params");
    char *result = run_command(cmd, &rp, &e);
    if (!result) return fo_http_error(c, 0, &e);
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
    return append_and_reply(ctx, c, sid, attempt ? FO_ENTRY_ATTEMPT : FO_ENTRY_EVIDENCE, part, &b,
                            fp);
}

static enum MHD_Result post_text(const fo_http_ctx *ctx, struct MHD_Connection *c, long long sid,
                                 json_t *body, int governance) {
    fo_error e;
    const char *part = governance ? "ensemble" : get_string(body, "part", 32, &e);
    if (!part) return fo_http_error(c, 0, &e);
    if (!governance && !part_known(part))
        return fail(c, FO_EUSAGE, "unknown part", "part", part, "roi, canary, ensemble, crisis");
    const char *policy = NULL;
    if (governance) {
        policy = get_string(body, "policy", 16, &e);
        if (!policy) return fo_http_error(c, 0, &e);
        if (strcmp(policy, "loose") != 0 && strcmp(policy, "strict") != 0)
            return fail(c, FO_EUSAGE, "unknown choice", "policy", policy, "one of: loose, strict");
    }
    const char *field = governance ? "justification" : "text";
    const char *text = get_string(body, field, FO_MAX_TEXT_BYTES, &e);
    if (!text) return fo_http_error(c, 0, &e);
    fo_buf b;
    fo_buf_init(&b);
    fo_json j;
    fo_json_init(&j, &b);
    fo_json_object_begin(&j, NULL);
    if (policy) fo_json_string(&j, "policy", policy);
    fo_json_string(&j, field, text);
    fo_json_object_end(&j);
    return append_and_reply(ctx, c, sid, governance ? FO_ENTRY_GOVERNANCE : FO_ENTRY_REFLECTION,
                            part, &b, NULL);
}

static enum MHD_Result post_session(const fo_http_ctx *ctx, struct MHD_Connection *c,
                                    json_t *body) {
    fo_error e;
    const char *track = get_string(body, "track", 32, &e);
    if (!track) return fo_http_error(c, 0, &e);
    if (!fo_lab_track(track))
        return fail(c, FO_EUSAGE, "unknown choice", "track", track,
                    "one of: cloud-titan, edge-guardian, mobile-nomad, tiny-pioneer");
    long long sid;
    char token[FO_TOKEN_MAX], cookie[FO_TOKEN_MAX + 96];
    if (fo_store_session_create(ctx->store, track, &sid, token, &e) != FO_OK)
        return fo_http_error(c, 0, &e);
    snprintf(cookie, sizeof cookie,
             COOKIE "=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=" COOKIE_MAX_AGE, token);
    return send_ledger(ctx, c, MHD_HTTP_CREATED, sid, cookie);
}

/* The instructor signs in by the form at /instructor (server.c), which sets a cookie; no token
 * travels in a URL or in every request. 1 when the request carries that cookie. */
static int instructor_ok(const fo_http_ctx *ctx, struct MHD_Connection *c) {
    return fo_http_instructor_ok(ctx, c);
}

static enum MHD_Result get_report(const fo_http_ctx *ctx, struct MHD_Connection *c, long long sid) {
    const char *format = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "format");
    if (!format) format = "md";
    fo_report_format f;
    if (fo_report_parse_format(format, &f) != 0)
        return fail(c, FO_EUSAGE, "unknown choice", "format", format, "one of: md, html, json");
    fo_buf b;
    fo_buf_init(&b);
    fo_error e;
    if (fo_report_render(ctx->store, sid, f, &b, &e) != FO_OK) {
        fo_buf_free(&b);
        return fo_http_error(c, 0, &e);
    }
    char disposition[96];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"fleetops-report-%lld.%s\"",
             sid, format);
    return fo_http_body(c, MHD_HTTP_OK, fo_report_content_type(f), &b, "Content-Disposition",
                        disposition);
}

enum MHD_Result fo_ledger_route(const fo_http_ctx *ctx, struct MHD_Connection *c,
                                const char *method, const char *url, const char *body,
                                size_t body_len, int *handled) {
    static const char *const post_paths[] = {
        "/api/session",         "/api/ledger/predictions", "/api/ledger/evidence",
        "/api/ledger/attempts", "/api/ledger/reflections", "/api/ledger/governance"};
    static const char *const get_paths[] = {"/api/ledger", "/api/report", "/api/class",
                                            "/instructor"};
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

    if (is_get == 2 || is_get == 3) { /* the instructor's class view */
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
        fo_buf b;
        fo_buf_init(&b);
        fo_error e;
        if (fo_store_class_json(ctx->store, &b, &e) != FO_OK) {
            fo_buf_free(&b);
            return fo_http_error(c, 0, &e);
        }
        return fo_http_json(c, MHD_HTTP_OK, &b);
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
        if (is_post == 0) {
            enum MHD_Result r = post_session(ctx, c, json);
            json_decref(json);
            return r;
        }
    }
    long long sid = 0;
    enum MHD_Result ret = MHD_NO;
    if (!authenticate(ctx, c, &sid, &ret)) {
        json_decref(json);
        return ret;
    }
    char track[64] = "";
    fo_store_session_track(ctx->store, sid, track, sizeof track);
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
        ret = send_ledger(ctx, c, MHD_HTTP_OK, sid, NULL);
        break;
    case 11:
        ret = get_report(ctx, c, sid);
        break;
    }
    json_decref(json);
    return ret;
}
