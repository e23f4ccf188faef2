/* json.c — the streaming JSON writer of json.h. */
#include "fleetops/json.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void fo_json_init(fo_json *j, fo_buf *out) {
    j->out = out;
    j->depth = 0;
    j->has_items[0] = 0;
}

static void json_member(fo_json *j, const char *key) {
    if (j->has_items[j->depth]) fo_buf_putc(j->out, ',');
    j->has_items[j->depth] = 1;
    if (key) {
        fo_json_quote(j->out, key);
        fo_buf_putc(j->out, ':');
    }
}

static void json_open(fo_json *j, const char *key, char c) {
    json_member(j, key);
    fo_buf_putc(j->out, c);
    assert(j->depth + 1 < FO_JSON_MAX_DEPTH);
    j->has_items[++j->depth] = 0;
}

static void json_close(fo_json *j, char c) {
    assert(j->depth > 0);
    j->depth--;
    fo_buf_putc(j->out, c);
}

void fo_json_object_begin(fo_json *j, const char *key) {
    json_open(j, key, '{');
}
void fo_json_object_end(fo_json *j) {
    json_close(j, '}');
}
void fo_json_array_begin(fo_json *j, const char *key) {
    json_open(j, key, '[');
}
void fo_json_array_end(fo_json *j) {
    json_close(j, ']');
}

void fo_json_format_number(fo_buf *b, double v) {
    char s[40];
    if (v == 0.0) v = 0.0; /* no "-0" */
    if (fabs(v) < 1e15 && v == (double)(long long)v) {
        snprintf(s, sizeof s, "%lld", (long long)v);
    } else {
        snprintf(s, sizeof s, "%.15g", v);
        if (strtod(s, NULL) != v) snprintf(s, sizeof s, "%.17g", v);
    }
    fo_buf_puts(b, s);
}

void fo_json_number(fo_json *j, const char *key, double v) {
    json_member(j, key);
    if (isfinite(v))
        fo_json_format_number(j->out, v);
    else
        fo_buf_puts(j->out, "null");
}

void fo_json_int(fo_json *j, const char *key, long long v) {
    json_member(j, key);
    fo_buf_printf(j->out, "%lld", v);
}

void fo_json_quote(fo_buf *b, const char *s) {
    fo_buf_putc(b, '"');
    const unsigned char *p = (const unsigned char *)s, *run = p;
    for (; *p; p++) {
        if (*p >= 0x20 && *p != '"' && *p != '\\') continue;
        fo_buf_append(b, (const char *)run, (size_t)(p - run));
        run = p + 1;
        switch (*p) {
        case '"':
            fo_buf_puts(b, "\\\"");
            break;
        case '\\':
            fo_buf_puts(b, "\\\\");
            break;
        case '\n':
            fo_buf_puts(b, "\\n");
            break;
        case '\r':
            fo_buf_puts(b, "\\r");
            break;
        case '\t':
            fo_buf_puts(b, "\\t");
            break;
        default:
            fo_buf_printf(b, "\\u%04x", *p);
        }
    }
    fo_buf_append(b, (const char *)run, (size_t)(p - run));
    fo_buf_putc(b, '"');
}

void fo_json_string(fo_json *j, const char *key, const char *s) {
    json_member(j, key);
    if (s)
        fo_json_quote(j->out, s);
    else
        fo_buf_puts(j->out, "null");
}

void fo_json_bool(fo_json *j, const char *key, int v) {
    json_member(j, key);
    fo_buf_puts(j->out, v ? "true" : "false");
}

void fo_json_null(fo_json *j, const char *key) {
    json_member(j, key);
    fo_buf_puts(j->out, "null");
}
