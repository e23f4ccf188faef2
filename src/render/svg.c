/* svg.c — the shared drawing kit of svg.h. */
#include "fleetops/libm.h"
#include "fleetops/svg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char stylesheet[] =
    "<style>"
    "text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,"
    "sans-serif;fill:#1f2937}"
    ".title{font-size:17px;font-weight:600}"
    ".subtitle{font-size:12.5px;fill:#4b5563}"
    ".label{font-size:13px;fill:#374151}"
    ".tick{font-size:11.5px;fill:#4b5563}"
    ".note{font-size:12px;fill:#374151}"
    ".strong{font-size:12.5px;font-weight:600}"
    ".grid{stroke:#e5e7eb;stroke-width:1}"
    ".axis{stroke:#374151;stroke-width:1.2}"
    "</style>";

void fo_svg_escape(fo_buf *b, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fo_buf_puts(b, "&lt;");
            break;
        case '>':
            fo_buf_puts(b, "&gt;");
            break;
        case '&':
            fo_buf_puts(b, "&amp;");
            break;
        case '"':
            fo_buf_puts(b, "&quot;");
            break;
        case '\'':
            fo_buf_puts(b, "&#39;");
            break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t') fo_buf_putc(b, *s);
        }
    }
}

void fo_svg_begin(fo_buf *b, int width, int height, const char *title, const char *desc) {
    fo_buf_printf(b,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                  "viewBox=\"0 0 %d %d\" role=\"img\">",
                  width, height, width, height);
    fo_buf_puts(b, "<title>");
    fo_svg_escape(b, title);
    fo_buf_puts(b, "</title><desc>");
    fo_svg_escape(b, desc);
    fo_buf_puts(b, "</desc>");
    fo_buf_puts(b, stylesheet);
    /* The dark scheme: every light colour to its twin (svg.h), text classes included. */
    static const char *const dark[] = {FO_SVG_DARK};
    fo_buf_puts(b, "<style>@media screen and (prefers-color-scheme:dark){text{fill:#e6edf3}"
                   ".subtitle,.tick{fill:#b6bec9}.label,.note{fill:#d1d5db}"
                   ".grid{stroke:#30363d}.axis{stroke:#d1d5db}");
    for (size_t i = 0; i < sizeof dark / sizeof *dark; i += 2)
        fo_buf_printf(b,
                      "[fill=\"%s\"],[style*=\"fill:%s\"]{fill:%s!important}"
                      "[stroke=\"%s\"]{stroke:%s}",
                      dark[i], dark[i], dark[i + 1], dark[i], dark[i + 1]);
    fo_buf_puts(b, "}</style>");
    fo_buf_printf(b, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>", width, height);
}

void fo_svg_end(fo_buf *b) {
    fo_buf_puts(b, "</svg>\n");
}

void fo_svg_text(fo_buf *b, double x, double y, const char *anchor, const char *cls,
                 const char *fmt, ...) {
    fo_buf tmp;
    fo_buf_init(&tmp);
    va_list ap;
    va_start(ap, fmt);
    fo_buf_vprintf(&tmp, fmt, ap);
    va_end(ap);
    fo_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\">", x, y,
                  anchor ? anchor : "start", cls ? cls : "note");
    fo_svg_escape(b, fo_buf_str(&tmp));
    fo_buf_puts(b, "</text>");
    fo_buf_free(&tmp);
}

void fo_svg_line(fo_buf *b, double x1, double y1, double x2, double y2, const char *stroke,
                 double width, const char *dash) {
    fo_buf_printf(b,
                  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                  "stroke-width=\"%.1f\"",
                  x1, y1, x2, y2, stroke, width);
    if (dash) fo_buf_printf(b, " stroke-dasharray=\"%s\"", dash);
    fo_buf_puts(b, "/>");
}

void fo_svg_rect(fo_buf *b, double x, double y, double w, double h, const char *fill,
                 const char *stroke) {
    fo_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"", x, y,
                  w, h, fill ? fill : "none");
    if (stroke) fo_buf_printf(b, " stroke=\"%s\"", stroke);
    fo_buf_puts(b, "/>");
}

void fo_svg_circle(fo_buf *b, double cx, double cy, double r, const char *fill,
                   const char *stroke) {
    fo_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"", cx, cy, r,
                  fill ? fill : "none");
    if (stroke) fo_buf_printf(b, " stroke=\"%s\" stroke-width=\"1.5\"", stroke);
    fo_buf_puts(b, "/>");
}

static double axis_t(double v, double lo, double hi, int logscale) {
    if (logscale) return (fo_log10(v) - fo_log10(lo)) / (fo_log10(hi) - fo_log10(lo));
    return (v - lo) / (hi - lo);
}

double fo_plot_px(const fo_plot *p, double x) {
    return p->left + p->width * axis_t(x, p->xmin, p->xmax, p->xlog);
}

double fo_plot_py(const fo_plot *p, double y) {
    return p->top + p->height * (1.0 - axis_t(y, p->ymin, p->ymax, p->ylog));
}

static double nice_step(double span, int target) {
    double raw = span / (target > 1 ? target : 1);
    double mag = fo_pow(10.0, floor(fo_log10(raw)));
    double f = raw / mag;
    double nice = f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0;
    return nice * mag;
}

void fo_nice_range(double *lo, double *hi, int target) {
    if (!(*hi > *lo)) *hi = *lo + 1.0;
    double step = nice_step(*hi - *lo, target);
    *lo = floor(*lo / step) * step;
    *hi = ceil(*hi / step) * step;
}

int fo_nice_ticks(double lo, double hi, int target, double *ticks, int max) {
    if (!(hi > lo)) return 0;
    double step = nice_step(hi - lo, target);
    int n = 0;
    for (double t = ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9 && n < max; t += step)
        ticks[n++] = fabs(t) < step * 1e-9 ? 0.0 : t;
    return n;
}

static int log_ticks(double lo, double hi, double *ticks, int max) {
    int n = 0;
    for (double t = fo_pow(10.0, floor(fo_log10(lo))); t <= hi * 1.000001 && n < max; t *= 10.0)
        if (t >= lo * 0.999999) ticks[n++] = t;
    return n;
}

void fo_fmt_plain(fo_buf *b, double v) {
    double a = fabs(v);
    fo_buf_grouped(b, v, a >= 100 || a == floor(a) ? 0 : a >= 1 ? 1 : 2);
}

void fo_fmt_usd(fo_buf *b, double v) {
    double a = fabs(v);
    const char *sign = v < 0 ? "-" : "";
    if (a >= 1e9)
        fo_buf_printf(b, "%s$%.3gB", sign, a / 1e9);
    else if (a >= 1e6)
        fo_buf_printf(b, "%s$%.3gM", sign, a / 1e6);
    else if (a >= 1e3)
        fo_buf_printf(b, "%s$%.3gk", sign, a / 1e3);
    else
        fo_buf_printf(b, "%s$%.3g", sign, a);
}

void fo_fmt_percent(fo_buf *b, double v) {
    fo_buf_printf(b, "%g%%", v * 100.0);
}

/* A tick label; "10^-1" typeset as 10 and a raised exponent (a minus sign, not a hyphen). */
static void tick_text(fo_buf *b, double x, double y, const char *anchor, const char *s) {
    const char *e = strchr(s, '^');
    if (!e) {
        fo_svg_text(b, x, y, anchor, "tick", "%s", s);
        return;
    }
    fo_buf_printf(b,
                  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"tick\">%.*s<tspan "
                  "dy=\"-5\">%s%s</tspan></text>",
                  x, y, anchor, (int)(e - s), s, e[1] == '-' ? "\xe2\x88\x92" : "",
                  e + 1 + (e[1] == '-'));
}

void fo_plot_axes(const fo_plot *p, const char *xlabel, const char *ylabel, fo_tick_format fx,
                  fo_tick_format fy) {
    fo_buf *b = p->b;
    double ticks[32], bottom = p->top + p->height;
    fo_buf label;
    fo_buf_init(&label);
    int n = p->ylog ? log_ticks(p->ymin, p->ymax, ticks, 32)
                    : fo_nice_ticks(p->ymin, p->ymax, 6, ticks, 32),
        ny = n, nx;
    for (int i = 0; i < n; i++) {
        double y = fo_plot_py(p, ticks[i]);
        fo_buf_printf(b, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                      p->left, y, p->left + p->width, y);
        fo_buf_reset(&label);
        (fy ? fy : fo_fmt_plain)(&label, ticks[i]);
        tick_text(b, p->left - 8, y + 4, "end", fo_buf_str(&label));
    }
    n = nx = p->xlog ? log_ticks(p->xmin, p->xmax, ticks, 32)
                     : fo_nice_ticks(p->xmin, p->xmax, p->width < 560 ? 4 : 8, ticks, 32);
    for (int i = 0; i < n; i++) {
        double x = fo_plot_px(p, ticks[i]);
        fo_buf_printf(b, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                      x, bottom, x, bottom + 5);
        fo_buf_reset(&label);
        (fx ? fx : fo_fmt_plain)(&label, ticks[i]);
        tick_text(b, x, bottom + 19, "middle", fo_buf_str(&label));
    }
    fo_buf_printf(b, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                  p->left, bottom, p->left + p->width, bottom);
    fo_buf_printf(b, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                  p->left, p->top, p->left, bottom);
    /* The axis titles are marked (data-axis, data-ticks: how many tick labels the axis has)
     * for tests/web/legibility.test.mjs: a title ends with its unit in parentheses, and an
     * axis with tick labels has a title. */
    fo_buf_printf(b,
                  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"label\" "
                  "data-axis=\"x\" data-ticks=\"%d\">",
                  p->left + p->width / 2, bottom + 42, nx);
    fo_svg_escape(b, xlabel ? xlabel : "");
    fo_buf_puts(b, "</text>");
    double cx = p->left - 62, cy = p->top + p->height / 2;
    fo_buf_printf(b,
                  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"label\" "
                  "data-axis=\"y\" data-ticks=\"%d\" transform=\"rotate(-90 %.1f %.1f)\">",
                  cx, cy, ny, cx, cy);
    fo_svg_escape(b, ylabel ? ylabel : "");
    fo_buf_puts(b, "</text>");
    fo_buf_free(&label);
}

void fo_plot_polyline(const fo_plot *p, const double *xs, const double *ys, size_t n,
                      const char *stroke, double width, const char *dash) {
    fo_buf_printf(p->b,
                  "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" "
                  "stroke-linejoin=\"round\" stroke-linecap=\"round\"",
                  stroke, width);
    if (dash) fo_buf_printf(p->b, " stroke-dasharray=\"%s\"", dash);
    fo_buf_puts(p->b, " points=\"");
    for (size_t i = 0; i < n; i++) { /* "%.1f,%.1f" per point, without printf */
        if (i) fo_buf_putc(p->b, ' ');
        fo_buf_fixed1(p->b, fo_plot_px(p, xs[i]));
        fo_buf_putc(p->b, ',');
        fo_buf_fixed1(p->b, fo_plot_py(p, ys[i]));
    }
    fo_buf_puts(p->b, "\"/>");
}

static size_t glyphs_n(const char *s, size_t n) { /* UTF-8 code points, not bytes */
    size_t g = 0;
    for (size_t i = 0; i < n && s[i]; i++)
        g += ((unsigned char)s[i] & 0xC0) != 0x80;
    return g;
}

static double cls_px(const char *cls) {
    static const char *const names[] = {"title", "subtitle", "label", "tick", "strong"};
    static const double px[] = {17, 12.5, 13, 11.5, 12.5};
    for (size_t i = 0; i < 5; i++)
        if (strcmp(cls, names[i]) == 0) return px[i];
    return 12; /* note */
}

static double span_w(const char *s, size_t n, const char *cls) {
    /* The bold classes (font-weight 600) run wider: a long title measured 0.62 em a glyph in
     * Chromium, so they are estimated at 0.64 em. */
    int bold = strcmp(cls, "title") == 0 || strcmp(cls, "strong") == 0;
    return (bold ? 0.64 : 0.58) * cls_px(cls) * (double)glyphs_n(s, n);
}

double fo_svg_text_w(const char *s, const char *cls) {
    return span_w(s, strlen(s), cls);
}

int fo_svg_wrap(fo_buf *b, double x, double y, double maxw, double lh, const char *cls,
                const char *s) {
    return fo_svg_wrap_at(b, x, y, maxw, lh, cls, NULL, NULL, s);
}

int fo_svg_legend_rows(fo_buf *b, double x, double y, double right, const char *const *labels,
                       const char *const *colors, const char *const *dashes, size_t n) {
    double x0 = x;
    int rows = 1;
    for (size_t i = 0; i < n; i++) {
        double w = 30 + fo_svg_text_w(labels[i], "note");
        if (x > x0 && x + w > right) x = x0, y += 20, rows++;
        if (b) {
            fo_svg_line(b, x, y, x + 24, y, colors[i], 3, dashes ? dashes[i] : NULL);
            fo_svg_text(b, x + 30, y + 4, "start", "note", "%s", labels[i]);
        }
        x += w + 20;
    }
    return rows;
}

void fo_svg_legend(fo_buf *b, double x, double y, const char *const *labels,
                   const char *const *colors, const char *const *dashes, size_t n) {
    fo_svg_legend_rows(b, x, y, 1e9, labels, colors, dashes, n);
}

/* The one line-breaking rule of every figure: the longest prefix ending before a space that
 * fits in maxw (a word longer than maxw gets a line of its own). */
int fo_svg_wrap_at(fo_buf *b, double x, double y, double maxw, double lh, const char *cls,
                   const char *anchor, const char *fill, const char *s) {
    int lines = 0;
    while (*s) {
        size_t fit = 0, i = 0; /* the longest prefix ending before a space that fits */
        for (;;) {
            while (s[i] && s[i] != ' ')
                i++;
            if (fit && span_w(s, i, cls) > maxw) break;
            fit = i;
            if (!s[i]) break;
            i++;
        }
        if (b) {
            fo_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\"", x, y + lh * lines);
            if (anchor) fo_buf_printf(b, " text-anchor=\"%s\"", anchor);
            fo_buf_printf(b, " class=\"%s\"", cls);
            if (fill) fo_buf_printf(b, " fill=\"%s\" style=\"fill:%s\"", fill, fill);
            fo_buf_putc(b, '>');
            fo_buf tmp;
            fo_buf_init(&tmp);
            fo_buf_printf(&tmp, "%.*s", (int)fit, s);
            fo_svg_escape(b, fo_buf_str(&tmp));
            fo_buf_free(&tmp);
            fo_buf_puts(b, "</text>");
        }
        lines++;
        s += fit;
        while (*s == ' ')
            s++;
    }
    return lines;
}
