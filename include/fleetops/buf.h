/* buf.h — a growable text buffer, the one output sink of the api and render layers.
 *
 * The buffer never fails loudly: when an allocation fails it sets `oom` and drops every
 * later write, so a writer can emit a whole document and check once at the end. */
#ifndef FLEETOPS_BUF_H
#define FLEETOPS_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct fo_buf {
    char *data; /* NUL-terminated when len > 0 */
    size_t len;
    size_t cap;
    int oom; /* set once an allocation failed; the content is then incomplete */
} fo_buf;

void fo_buf_init(fo_buf *b);
void fo_buf_free(fo_buf *b);
void fo_buf_reset(fo_buf *b); /* len = 0, keeps the allocation */
void fo_buf_append(fo_buf *b, const char *s, size_t n);
void fo_buf_puts(fo_buf *b, const char *s);
void fo_buf_putc(fo_buf *b, char c);
void fo_buf_printf(fo_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fo_buf_vprintf(fo_buf *b, const char *fmt, va_list ap);
const char *fo_buf_str(const fo_buf *b); /* "" when empty */
/* text with every line indented by `spaces` spaces, then a newline ("a\nb", 2 -> "  a\n  b\n"). */
void fo_buf_indented(fo_buf *b, const char *text, int spaces);

/* Human-readable numbers for text and figures: 1234567 -> "1,234,567". */
void fo_buf_grouped(fo_buf *b, double v, int decimals);
/* v exactly as printf's "%.1f" prints it, byte for byte, without printf (figures print
 * thousands of coordinates; printf's exact decimal conversion was most of a figure's time). */
void fo_buf_fixed1(fo_buf *b, double v);

/* strstr's answer, by the plain search (the texts searched are short): libc's two-way strstr is
 * ~1.5 KB of fleetops.wasm for three calls. */
const char *fo_strfind(const char *s, const char *sub);

#endif
