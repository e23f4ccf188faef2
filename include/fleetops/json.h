/* json.h — a streaming JSON writer over fo_buf (writing only; parsing is jansson's job in
 * the native-only layers). Numbers are written in the shortest form that reads back as the
 * same double, so a value survives CLI -> JSON -> test bit for bit. Non-finite numbers are
 * written as null. */
#ifndef FLEETOPS_JSON_H
#define FLEETOPS_JSON_H

#include "fleetops/buf.h"

#define FO_JSON_MAX_DEPTH 32

typedef struct fo_json {
    fo_buf *out;
    int depth;
    unsigned char has_items[FO_JSON_MAX_DEPTH];
} fo_json;

/* `key` names the member inside an object; pass NULL inside arrays and at the top level. */
void fo_json_init(fo_json *j, fo_buf *out);
void fo_json_object_begin(fo_json *j, const char *key);
void fo_json_object_end(fo_json *j);
void fo_json_array_begin(fo_json *j, const char *key);
void fo_json_array_end(fo_json *j);
/* A number, or null when v is NaN or infinite (JSON has neither). */
void fo_json_number(fo_json *j, const char *key, double v);
void fo_json_int(fo_json *j, const char *key, long long v);
void fo_json_string(fo_json *j, const char *key, const char *s);
void fo_json_bool(fo_json *j, const char *key, int v);
void fo_json_null(fo_json *j, const char *key);
/* Inserts an already-serialised JSON value (one the project wrote itself) as a member. */
void fo_json_raw(fo_json *j, const char *key, const char *json);

/* Writes `s` as a quoted JSON string (also used by the SVG/HTML layers for data attributes). */
void fo_json_quote(fo_buf *b, const char *s);
/* Appends the shortest round-trip decimal form of a finite double. */
void fo_json_format_number(fo_buf *b, double v);

#endif
