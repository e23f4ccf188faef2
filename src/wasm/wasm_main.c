/* wasm_main.c — the WebAssembly front (wasm32-wasi, a reactor: no main). The page calls the
 * same command table as the CLI and the server, with the same parameter names, and gets the
 * same bytes back. One call in, one block out:
 *
 *   fo_wasm_run(command, pairs, want_svg) -> block
 *     pairs: "name\0value\0name\0value\0\0" (the page builds it; no URL decoding needed)
 *     block: int32 HTTP-like status (200, 400, 404, 500), int32 length, then the bytes:
 *            the command's JSON (want_svg 0), its SVG (1), both from one run (2: the JSON, a
 *            NUL byte, the SVG; the page's figure and table then come from the same run at
 *            half the cost), or the error body {error, param, value, allowed} exactly as the
 *            server sends it.
 *   fo_wasm_reveal(part, track, predicted) -> block
 *     the answer to a locked prediction, {"prediction": {...}} exactly as the server's
 *     POST /api/ledger/predictions writes it (the static build's ledger keeps it), or the
 *     error body.
 *   fo_wasm_alloc / fo_wasm_free: memory the page writes arguments into and frees blocks with. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fleetops/command.h"
#include "fleetops/json.h"
#include "fleetops/lab.h"

#define EXPORT(name) __attribute__((export_name(name)))

EXPORT("fo_wasm_alloc") void *fo_wasm_alloc(size_t n) {
    return malloc(n ? n : 1);
}

EXPORT("fo_wasm_free") void fo_wasm_free(void *p) {
    free(p);
}

static void *block(int32_t status, const char *data, size_t len) {
    char *b = malloc(8 + len + 1);
    if (!b) return NULL;
    int32_t n = (int32_t)len;
    memcpy(b, &status, 4);
    memcpy(b + 4, &n, 4);
    memcpy(b + 8, data, len);
    b[8 + len] = '\0';
    return b;
}

static void *error_block(fo_status s, const fo_error *e) {
    fo_buf json;
    fo_buf_init(&json);
    fo_json j;
    fo_json_init(&j, &json);
    fo_error_json(&j, e);
    void *result = block(fo_status_http(s), fo_buf_str(&json), json.len);
    fo_buf_free(&json);
    return result;
}

EXPORT("fo_wasm_run") void *fo_wasm_run(const char *command, const char *pairs, int want_svg) {
    const char *names[FO_MAX_PARAMS * 2], *values[FO_MAX_PARAMS * 2];
    size_t n = 0;
    for (const char *p = pairs; p && *p && n < FO_MAX_PARAMS * 2;) {
        names[n] = p;
        p += strlen(p) + 1;
        values[n++] = p;
        p += strlen(p) + 1;
    }
    fo_buf json, svg;
    fo_buf_init(&json);
    fo_buf_init(&svg);
    fo_error e;
    fo_status s;
    const fo_command *cmd = fo_command_find(command);
    if (want_svg && cmd && !cmd->figure)
        s = fo_error_set(&e, FO_EUSAGE, "this command draws no figure", "format", "svg", "json");
    else {
        fo_output out = {&json, want_svg ? &svg : NULL, NULL};
        s = fo_command_run_kv(command, names, values, n, &out, &e);
    }
    void *result;
    if (s == FO_OK && want_svg == 2) {
        fo_buf_putc(&json, '\0');
        fo_buf_append(&json, fo_buf_str(&svg), svg.len);
        result = block(200, json.data, json.len);
    } else if (s == FO_OK) {
        const fo_buf *b = want_svg ? &svg : &json;
        result = block(200, fo_buf_str(b), b->len);
    } else {
        result = error_block(s, &e);
    }
    fo_buf_free(&json);
    fo_buf_free(&svg);
    return result;
}

EXPORT("fo_wasm_reveal")
void *fo_wasm_reveal(const char *part, const char *track, const char *predicted) {
    fo_error e;
    fo_reveal r;
    fo_status s = (fo_status)fo_lab_reveal(part, track, predicted, &r, &e);
    if (s != FO_OK) return error_block(s, &e);
    fo_buf json;
    fo_buf_init(&json);
    fo_json j;
    fo_json_init(&j, &json);
    fo_lab_reveal_json(&j, part, &r);
    void *result = block(201, fo_buf_str(&json), json.len);
    fo_buf_free(&json);
    return result;
}
