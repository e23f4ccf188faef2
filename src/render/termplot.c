/* termplot.c — ASCII line charts (termplot.h). */
#include "fleetops/termplot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TP_MAX_W 120
#define TP_MAX_H 40

static void range_of(const fo_term_series *s, size_t ns, int want_x, double *lo, double *hi) {
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t k = 0; k < ns; k++)
        for (size_t i = 0; i < s[k].n; i++) {
            double v = want_x ? s[k].x[i] : s[k].y[i];
            if (!isfinite(v)) continue;
            if (v < *lo) *lo = v;
            if (v > *hi) *hi = v;
        }
    if (!(*hi > *lo)) *hi = *lo + 1.0;
}

static int clampi(double v, int lo, int hi) {
    if (!(v >= lo)) return lo;
    if (v > hi) return hi;
    return (int)v;
}

void fo_term_percent(fo_buf *b, double v) {
    fo_buf_printf(b, "%3.0f%%", 100 * v);
}

void fo_termplot(fo_buf *b, const fo_term_series *s, size_t ns, const fo_term_mark *marks,
                 size_t nmarks, int width, int height, const char *xlabel, fo_tick_format fy) {
    char grid[TP_MAX_H][TP_MAX_W + 1];
    width = clampi(width, 10, TP_MAX_W);
    height = clampi(height, 4, TP_MAX_H);
    double xlo, xhi, ylo, yhi;
    range_of(s, ns, 1, &xlo, &xhi);
    range_of(s, ns, 0, &ylo, &yhi);
    if (ylo > 0) ylo = 0;
    for (int r = 0; r < height; r++) {
        memset(grid[r], ' ', (size_t)width);
        grid[r][width] = '\0';
    }
#define COL(x) clampi(round(((x)-xlo) / (xhi - xlo) * (width - 1)), 0, width - 1)
#define ROW(y) clampi(round((yhi - (y)) / (yhi - ylo) * (height - 1)), 0, height - 1)
    for (size_t m = 0; m < nmarks; m++) {
        if (!(marks[m].x >= xlo && marks[m].x <= xhi)) continue;
        int c = COL(marks[m].x);
        for (int r = 0; r < height; r++)
            grid[r][c] = marks[m].glyph;
    }
    for (size_t k = 0; k < ns; k++) {
        /* Sample each column by linear interpolation so steep lines stay connected. */
        for (size_t i = 0; i + 1 < s[k].n; i++) {
            int c0 = COL(s[k].x[i]), c1 = COL(s[k].x[i + 1]);
            int r0 = ROW(s[k].y[i]), r1 = ROW(s[k].y[i + 1]);
            int steps = abs(c1 - c0) > abs(r1 - r0) ? abs(c1 - c0) : abs(r1 - r0);
            for (int t = 0; t <= steps; t++) {
                double f = steps ? (double)t / steps : 0.0;
                grid[clampi(round(r0 + f * (r1 - r0)), 0, height - 1)]
                    [clampi(round(c0 + f * (c1 - c0)), 0, width - 1)] = s[k].glyph;
            }
        }
        if (s[k].n == 1) grid[ROW(s[k].y[0])][COL(s[k].x[0])] = s[k].glyph;
    }
    fo_buf lab;
    fo_buf_init(&lab);
    for (int r = 0; r < height; r++) {
        fo_buf_reset(&lab);
        if (r == 0 || r == height - 1 || r == (height - 1) / 2) {
            double y = yhi - (yhi - ylo) * r / (height - 1);
            (fy ? fy : fo_fmt_plain)(&lab, y);
        }
        fo_buf_printf(b, "%10s |%s\n", fo_buf_str(&lab), grid[r]);
    }
    fo_buf_printf(b, "%10s +", "");
    for (int c = 0; c < width; c++)
        fo_buf_putc(b, '-');
    fo_buf hi;
    fo_buf_init(&hi);
    fo_buf_reset(&lab);
    fo_fmt_plain(&lab, xlo);
    fo_fmt_plain(&hi, xhi);
    int gap = width - (int)lab.len - (int)hi.len;
    fo_buf_printf(b, "\n%11s %s%*s%s\n", "", fo_buf_str(&lab), gap > 1 ? gap : 1, "",
                  fo_buf_str(&hi));
    fo_buf_free(&hi);
    fo_buf_printf(b, "%11s %s\n", "", xlabel);
    fo_buf_printf(b, "%11s ", "");
    for (size_t k = 0; k < ns; k++)
        fo_buf_printf(b, "%c %s   ", s[k].glyph, s[k].label);
    for (size_t m = 0; m < nmarks; m++)
        fo_buf_printf(b, "%c %s   ", marks[m].glyph, marks[m].label);
    fo_buf_putc(b, '\n');
    fo_buf_free(&lab);
#undef COL
#undef ROW
}
