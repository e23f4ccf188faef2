/* buf.c — the growable text buffer of buf.h. */
#include "fleetops/buf.h"

#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fo_buf_init(fo_buf *b) {
    memset(b, 0, sizeof *b);
}

void fo_buf_free(fo_buf *b) {
    free(b->data);
    fo_buf_init(b);
}

void fo_buf_reset(fo_buf *b) {
    b->len = 0;
    b->oom = 0;
    if (b->data) b->data[0] = '\0';
}

static int buf_reserve(fo_buf *b, size_t extra) {
    if (b->oom) return 0;
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return 1;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->oom = 1;
        return 0;
    }
    b->data = p;
    b->cap = cap;
    return 1;
}

void fo_buf_append(fo_buf *b, const char *s, size_t n) {
    if (!buf_reserve(b, n)) return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void fo_buf_puts(fo_buf *b, const char *s) {
    fo_buf_append(b, s, strlen(s));
}

void fo_buf_putc(fo_buf *b, char c) {
    fo_buf_append(b, &c, 1);
}

void fo_buf_indented(fo_buf *b, const char *text, int spaces) {
    static const char pad[] = "                ";
    size_t n = spaces < 0 ? 0 : (size_t)spaces < sizeof pad - 1 ? (size_t)spaces : sizeof pad - 1;
    for (;;) {
        size_t line = strcspn(text, "\n");
        fo_buf_append(b, pad, n);
        fo_buf_append(b, text, line);
        fo_buf_putc(b, '\n');
        if (!text[line]) return;
        text += line + 1;
    }
}

void fo_buf_vprintf(fo_buf *b, const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) {
        va_end(ap2);
        return;
    }
    if ((size_t)n < sizeof small) {
        fo_buf_append(b, small, (size_t)n);
    } else if (buf_reserve(b, (size_t)n)) {
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}

void fo_buf_printf(fo_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fo_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *fo_buf_str(const fo_buf *b) {
    return b->data ? b->data : "";
}

void fo_buf_grouped(fo_buf *b, double v, int decimals) {
    if (!isfinite(v)) {
        fo_buf_puts(b, isnan(v) ? "n/a" : (v > 0 ? "inf" : "-inf"));
        return;
    }
    char digits[64];
    snprintf(digits, sizeof digits, "%.*f", decimals, fabs(v));
    if (strtod(digits, NULL) != 0.0 && v < 0) fo_buf_putc(b, '-');
    const char *dot = strchr(digits, '.');
    size_t intlen = dot ? (size_t)(dot - digits) : strlen(digits);
    for (size_t i = 0; i < intlen; i++) {
        if (i > 0 && (intlen - i) % 3 == 0) fo_buf_putc(b, ',');
        fo_buf_putc(b, digits[i]);
    }
    if (dot) fo_buf_puts(b, dot);
}

/* |v| * 10 is exact as an integer times a power of two: |v| = m * 2^e with m < 2^53, so
 * |v| * 10 = (10 m) * 2^e with 10 m < 2^57. Rounding it to an integer with ties to even, in
 * integer arithmetic, is printf's correctly rounded "%.1f" (glibc rounds an exact tie to even in
 * the default rounding mode), on every target alike. (It was a long double product and
 * nearbyintl: exact too, but wasm32's quad long double is software, ~3.7 KB of fleetops.wasm.)
 * Where v is not finite or too large, printf itself. */
void fo_buf_fixed1(fo_buf *b, double v) {
    if (fabs(v) < 1e15) {
        int neg = signbit(v) != 0;
        uint64_t bits;
        memcpy(&bits, &v, sizeof bits);
        int exp2 = (int)(bits >> 52 & 0x7ff);
        uint64_t m = bits & ((1ull << 52) - 1);
        if (exp2)
            m |= 1ull << 52;
        else
            exp2 = 1;
        int shift = 1075 - exp2; /* |v| = m / 2^shift; shift > 0 since |v| < 2^50 */
        uint64_t tm = m * 10, n;
        if (shift >= 64) {
            n = 0; /* tm / 2^shift < 2^57 / 2^64: below one half */
        } else {
            uint64_t rest = tm & ((1ull << shift) - 1), half = 1ull << (shift - 1);
            n = tm >> shift;
            n += rest > half || (rest == half && (n & 1));
        }
        char tmp[24];
        size_t i = sizeof tmp;
        tmp[--i] = (char)('0' + n % 10);
        tmp[--i] = '.';
        n /= 10;
        do {
            tmp[--i] = (char)('0' + n % 10);
            n /= 10;
        } while (n);
        if (neg) tmp[--i] = '-';
        fo_buf_append(b, tmp + i, sizeof tmp - i);
        return;
    }
    fo_buf_printf(b, "%.1f", v);
}

const char *fo_strfind(const char *s, const char *sub) {
    for (;; s++) {
        size_t i = 0;
        while (sub[i] && s[i] == sub[i])
            i++;
        if (!sub[i]) return s;
        if (!*s) return NULL;
    }
}
