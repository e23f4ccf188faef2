/* report.c — the lab report (report.h), rendered from the ledger's JSON (jansson). Evidence
 * figures are the ones drawn through the command table when the evidence was captured and kept
 * with it (fo_store_figure): a report costs what it shows and never runs a command. Student
 * text passes through one escaping function per format; in Markdown it is escaped by block
 * (a line can never start a heading, rule, list, quote, fence or indented code) as well as
 * inline (backslashes, never HTML entities). */
#include "fleetops/report.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fleetops/lab.h"
#include "fleetops/server.h"

int fo_report_parse_format(const char *name, fo_report_format *f) {
    static const char *const names[] = {"md", "html", "json"};
    for (int i = 0; i < 3; i++)
        if (strcmp(name, names[i]) == 0) {
            *f = (fo_report_format)i;
            return 0;
        }
    return -1;
}

const char *fo_report_content_type(fo_report_format f) {
    static const char *const types[] = {"text/markdown; charset=utf-8", "text/html; charset=utf-8",
                                        "application/json"};
    return types[f];
}

/* Markdown: the start of a line (after the "> " that keeps student text in its quote) may not
 * open a block. Leading spaces and tabs are dropped (no indented code); a first character that
 * could open a heading, setext underline, thematic break, list, quote, fence or table is
 * backslashed; so is the "." or ")" of an ordered list's number ("1\. "). */
static const char *md_line_start(fo_buf *b, const char *s) {
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s && strchr("=-+~", *s)) {
        fo_buf_putc(b, '\\');
        return s;
    }
    const char *d = s;
    while (*d >= '0' && *d <= '9')
        d++;
    if (d > s && (*d == '.' || *d == ')')) {
        fo_buf_append(b, s, (size_t)(d - s));
        fo_buf_putc(b, '\\');
        return d;
    }
    return s;
}

/* Text that came from a student or the database, made inert for the format. HTML: entities.
 * Markdown: every ASCII punctuation character that has a meaning is backslashed (so < > &
 * stay literal text, never HTML), and each line is escaped by block (md_line_start); a
 * newline continues the quote the text sits in. JSON (code spans): as is. */
static void text(fo_buf *b, fo_report_format f, const char *s) {
    if (f == FO_REPORT_MD && s) s = md_line_start(b, s);
    for (; s && *s; s++) {
        if (f == FO_REPORT_MD) {
            if (*s == '\n') {
                fo_buf_puts(b, "\n> ");
                s = md_line_start(b, s + 1) - 1;
            } else if (*s != '\r') {
                if (strchr("\\`*_[]#|<>&!", *s)) fo_buf_putc(b, '\\');
                fo_buf_putc(b, *s);
            }
            continue;
        }
        switch (*s) {
        case '<':
            fo_buf_puts(b, f == FO_REPORT_HTML ? "&lt;" : "<");
            break;
        case '>':
            fo_buf_puts(b, f == FO_REPORT_HTML ? "&gt;" : ">");
            break;
        case '&':
            fo_buf_puts(b, f == FO_REPORT_HTML ? "&amp;" : "&");
            break;
        case '"':
            fo_buf_puts(b, f == FO_REPORT_HTML ? "&quot;" : "\"");
            break;
        case '\'':
            fo_buf_puts(b, f == FO_REPORT_HTML ? "&#39;" : "'");
            break;
        case '\n':
            fo_buf_puts(b, f == FO_REPORT_HTML ? "<br>" : "\n");
            break;
        case '\r':
            break;
        default:
            fo_buf_putc(b, *s);
        }
    }
}

/* "2026-12-06T14:05:31.123Z" -> "6 Dec 2026, 14:05 UTC" (the text as is when it is not one). */
static void readable_time(char *out, size_t n, const char *iso) {
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int y, mo, d, h, mi;
    if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d", &y, &mo, &d, &h, &mi) == 5 && mo >= 1 && mo <= 12)
        snprintf(out, n, "%d %s %d, %02d:%02d UTC", d, months[mo - 1], y, h, mi);
    else
        snprintf(out, n, "%s", iso);
}

static const char *str(json_t *o, const char *key) {
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : "";
}

static void heading(fo_buf *b, fo_report_format f, int level, const char *s) {
    if (f == FO_REPORT_HTML) {
        fo_buf_printf(b, "<h%d>", level);
        text(b, f, s);
        fo_buf_printf(b, "</h%d>\n", level);
    } else {
        for (int i = 0; i < level; i++)
            fo_buf_putc(b, '#');
        fo_buf_putc(b, ' ');
        text(b, f, s);
        fo_buf_puts(b, "\n\n");
    }
}

static void para(fo_buf *b, fo_report_format f, const char *label, const char *s) {
    fo_buf_puts(b, f == FO_REPORT_HTML ? "<p>" : "");
    if (*label) {
        fo_buf_puts(b, f == FO_REPORT_HTML ? "<strong>" : "**");
        text(b, f, label);
        fo_buf_puts(b, f == FO_REPORT_HTML ? "</strong> " : "** ");
    }
    text(b, f, s);
    fo_buf_puts(b, f == FO_REPORT_HTML ? "</p>\n" : "\n\n");
}

/* The headline numbers of each command's result, in the order a reader wants them. */
/* The key results of each command's evidence, in words and with their units: the same words
 * as the static build's report (web/backends.js, KEY_RESULTS). */
typedef enum result_kind {
    R_TEXT,
    R_YESNO,
    R_INT,      /* 1,234 */
    R_MODELS,   /* 32 models */
    R_REQUESTS, /* 2,995 requests */
    R_USD,      /* -$525,000 */
    R_FTE,      /* 1.38 FTE */
    R_HOURS,    /* 52.6 h */
    R_DAYS,     /* 28.0 days */
    R_WEEKS,    /* 7 weeks */
    R_PCT       /* 49.6% (four significant digits) */
} result_kind;

typedef struct key_result {
    const char *cmd, *key, *words;
    result_kind kind;
} key_result;

static const key_result key_results[] = {
    {"roi", "break_even_models", "break-even", R_MODELS},
    {"roi", "roi_usd", "ROI", R_USD},
    {"roi", "manual_toil_usd", "manual toil", R_USD},
    {"roi", "platform_total_usd", "platform total", R_USD},
    {"roi", "ftes_needed", "toil needs", R_FTE},
    {"canary", "requests_needed", "requests needed", R_REQUESTS},
    {"canary", "shadow_hours", "shadow duration", R_HOURS},
    {"canary", "release_cycle_hours", "release cycle", R_HOURS},
    {"canary", "meets_release_limit", "within one week", R_YESNO},
    {"bound", "upper_bound", "upper bound on the failure rate", R_PCT},
    {"sprt", "exact_asn_h0", "expected requests with a good model", R_REQUESTS},
    {"sprt", "exact_asn_h1", "expected requests with a bad model", R_REQUESTS},
    {"sprt", "fixed_n", "fixed-n test", R_REQUESTS},
    {"rollout", "decision", "decision", R_TEXT},
    {"rollout", "reason", "reason", R_TEXT},
    {"ensemble", "accuracy", "accuracy", R_PCT},
    {"ensemble", "baseline_accuracy", "baseline accuracy", R_PCT},
    {"ensemble", "retrained_accuracy", "retrained accuracy", R_PCT},
    {"ensemble", "silent_failure", "silent failure", R_YESNO},
    {"governance", "silent_failure_weeks", "weeks in silent failure", R_WEEKS},
    {"governance", "incidents", "incidents", R_INT},
    {"governance", "mean_accuracy", "mean accuracy", R_PCT},
    {"governance", "upgrade_delay_days", "upgrade delay", R_DAYS},
    {"crisis", "summary", "summary", R_TEXT},
};

/* An integer with thousands separators: 15703 -> "15,703". */
static void grouped(fo_buf *b, double v) {
    char digits[40];
    snprintf(digits, sizeof digits, "%.0f", fabs(v));
    if (v < 0 && digits[0] != '0') fo_buf_putc(b, '-');
    size_t n = strlen(digits);
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0) fo_buf_putc(b, ',');
        fo_buf_putc(b, digits[i]);
    }
}

/* Hours as the page and the static build's report write them: minutes under an hour (three
 * significant digits), else one decimal. */
static void hours_text(fo_buf *b, double x) {
    if (x > 0 && x < 1)
        fo_buf_printf(b, "%.3g min", 60 * x);
    else
        fo_buf_printf(b, "%.1f h", x);
}

/* A key result's value in words (key_results' kinds). */
static void result_text(fo_buf *b, result_kind kind, json_t *v) {
    if (json_is_string(v)) {
        fo_buf_puts(b, json_string_value(v));
        return;
    }
    if (json_is_boolean(v)) {
        fo_buf_puts(b, json_is_true(v) ? "yes" : "no");
        return;
    }
    double x = json_is_number(v) ? json_number_value(v) : NAN;
    if (!isfinite(x)) {
        fo_buf_puts(b, "n/a");
        return;
    }
    switch (kind) {
    case R_USD:
        fo_buf_puts(b, x < 0 ? "-$" : "$");
        grouped(b, fabs(x));
        break;
    case R_FTE: {
        char t[40];
        snprintf(t, sizeof t, "%.2f", x);
        for (char *end = t + strlen(t) - 1;
             end > t && strchr(t, '.') && (*end == '0' || *end == '.'); end--) {
            int dot = *end == '.';
            *end = '\0';
            if (dot) break;
        }
        fo_buf_printf(b, "%s FTE", t);
        break;
    }
    case R_HOURS:
        hours_text(b, x);
        break;
    case R_DAYS:
        fo_buf_printf(b, "%.1f days", x);
        break;
    case R_PCT:
        fo_buf_printf(b, "%.4g%%", 100.0 * x);
        break;
    default:
        grouped(b, x);
        if (kind == R_MODELS) fo_buf_puts(b, " models");
        if (kind == R_REQUESTS) fo_buf_puts(b, " requests");
        if (kind == R_WEEKS) fo_buf_puts(b, " weeks");
    }
}

/* A figure's dark scheme applies on screens only (fo_svg_begin), so on paper a figure is light;
 * figures kept by an earlier fleetops carry the unqualified query, which is rewritten here. */
static const char dark_query[] = "@media (prefers-color-scheme:dark)";
static const char dark_query_screen[] = "@media screen and (prefers-color-scheme:dark)";

/* The figure kept with the evidence when it was captured: the report never runs a command. */
static void evidence_figure(fo_buf *b, fo_store *s, json_t *entry) {
    json_t *id = json_object_get(entry, "id");
    fo_buf svg;
    fo_buf_init(&svg);
    const fo_command *c = fo_command_find(str(json_object_get(entry, "body"), "command"));
    if (json_is_integer(id) && fo_store_figure(s, json_integer_value(id), &svg)) {
        fo_buf_puts(b, "<figure>");
        const char *p = fo_buf_str(&svg), *q;
        while ((q = strstr(p, dark_query)) != NULL) {
            fo_buf_append(b, p, (size_t)(q - p));
            fo_buf_puts(b, dark_query_screen);
            p = q + strlen(dark_query);
        }
        fo_buf_puts(b, p);
        fo_buf_puts(b, "</figure>");
    } else if (c && c->figure) /* captured before figures were kept: never redrawn here */
        fo_buf_puts(b,
                    "<p class=\"meta\">(figure not kept: captured by an earlier fleetops)</p>\n");
    fo_buf_free(&svg);
}

static void evidence(fo_buf *b, fo_store *s, fo_report_format f, json_t *entry) {
    json_t *body = json_object_get(entry, "body");
    const char *cmd = str(body, "command");
    json_t *params = json_object_get(body, "params"), *result = json_object_get(body, "result");
    fo_buf line;
    fo_buf_init(&line);
    fo_buf_printf(&line, "fleetops %s", cmd);
    const char *k;
    json_t *v;
    json_object_foreach(params, k, v) {
        fo_buf_printf(&line, " --%s %s", k, json_is_string(v) ? json_string_value(v) : "?");
    }
    for (char *p = line.data; p && *p; p++)
        if (*p == '_') *p = '-';
    fo_buf_puts(b, f == FO_REPORT_HTML ? "<li><code>" : "- `");
    text(b, f == FO_REPORT_HTML ? f : FO_REPORT_JSON, fo_buf_str(&line));
    fo_buf_puts(b, f == FO_REPORT_HTML ? "</code>: " : "`: ");
    fo_buf_reset(&line);
    for (size_t i = 0; i < sizeof key_results / sizeof key_results[0]; i++) {
        const key_result *kr = &key_results[i];
        json_t *r = strcmp(kr->cmd, cmd) == 0 ? json_object_get(result, kr->key) : NULL;
        if (!r || json_is_null(r)) continue;
        fo_buf_printf(&line, "%s%s: ", line.len ? "; " : "", kr->words);
        result_text(&line, kr->kind, r);
    }
    text(b, f, fo_buf_str(&line));
    char when[64];
    readable_time(when, sizeof when, str(entry, "created_at"));
    fo_buf_printf(b, " (captured %s, fingerprint %s)", when, str(entry, "fingerprint"));
    if (f == FO_REPORT_HTML) evidence_figure(b, s, entry); /* inside the item it illustrates */
    fo_buf_puts(b, f == FO_REPORT_HTML ? "</li>\n" : "\n");
    fo_buf_free(&line);
}

/* Each try of the 10-Iteration Rule: the hours proposed and the verdict in words. */
static void attempts(fo_buf *b, fo_report_format f, json_t *entries, const char *part) {
    size_t i, n = 0;
    json_t *e;
    json_array_foreach(entries, i, e) {
        if (strcmp(str(e, "kind"), "attempt") != 0 || strcmp(str(e, "part"), part) != 0) continue;
        json_t *a = json_object_get(json_object_get(e, "body"), "attempt");
        if (n++ == 0) {
            heading(b, f, 3, "Attempts (the 10-Iteration Rule)");
            fo_buf_puts(b, f == FO_REPORT_HTML
                               ? "<table><tr><th>#</th><th>shadow window</th><th>confidence "
                                 "reached</th><th>verdict</th></tr>\n"
                               : "| # | shadow window | confidence reached | verdict |\n"
                                 "|---|---|---|---|\n");
        }
        fo_buf cell[3];
        for (int k = 0; k < 3; k++)
            fo_buf_init(&cell[k]);
        result_text(&cell[0], R_HOURS, json_object_get(a, "hours"));
        result_text(&cell[1], R_PCT, json_object_get(a, "achieved_confidence"));
        int safe = json_is_true(json_object_get(a, "safety_ok"));
        int fits = json_is_true(json_object_get(a, "release_ok"));
        fo_buf_puts(&cell[2], safe && fits ? "passes: confident enough and fits the release cycle"
                              : safe       ? "fails: longer than the release cycle"
                              : fits       ? "fails: not confident enough yet"
                                           : "fails: not confident enough and too long");
        fo_buf_printf(b, f == FO_REPORT_HTML ? "<tr><td>%zu</td>" : "| %zu |", n);
        for (int k = 0; k < 3; k++) {
            fo_buf_puts(b, f == FO_REPORT_HTML ? "<td>" : " ");
            text(b, f, fo_buf_str(&cell[k]));
            fo_buf_puts(b, f == FO_REPORT_HTML ? "</td>" : " |");
            fo_buf_free(&cell[k]);
        }
        fo_buf_puts(b, f == FO_REPORT_HTML ? "</tr>\n" : "\n");
    }
    if (n) fo_buf_puts(b, f == FO_REPORT_HTML ? "</table>\n" : "\n");
}

/* The latest revision of a text entry, with how many revisions there were. */
static json_t *latest(json_t *entries, const char *kind, const char *part, size_t *revisions) {
    json_t *last = NULL, *e;
    size_t i;
    *revisions = 0;
    json_array_foreach(entries, i, e) {
        if (strcmp(str(e, "kind"), kind) == 0 && strcmp(str(e, "part"), part) == 0) {
            last = e;
            (*revisions)++;
        }
    }
    return last;
}

static void render_part(fo_buf *b, fo_store *s, fo_report_format f, json_t *ledger,
                        const fo_lab_part *p) {
    char title[128];
    snprintf(title, sizeof title, "Part %d: %s", p->number, p->title);
    heading(b, f, 2, title);
    para(b, f, "Lock:", p->lock);
    json_t *preds = json_object_get(ledger, "predictions"), *pr, *found = NULL;
    size_t i;
    json_array_foreach(preds, i, pr) if (strcmp(str(pr, "part"), p->id) == 0) found = pr;
    para(b, f, "Prediction:", found ? str(found, "sentence") : "not locked yet");
    json_t *entries = json_object_get(ledger, "entries"), *e;
    size_t n = 0;
    json_array_foreach(entries, i, e) {
        if (strcmp(str(e, "kind"), "evidence") != 0 || strcmp(str(e, "part"), p->id) != 0) continue;
        if (n++ == 0) {
            heading(b, f, 3, "Evidence");
            if (f == FO_REPORT_HTML) fo_buf_puts(b, "<ul>\n");
        }
        evidence(b, s, f, e);
    }
    if (n) fo_buf_puts(b, f == FO_REPORT_HTML ? "</ul>\n" : "\n");
    attempts(b, f, entries, p->id);
    heading(b, f, 3, "Reflection");
    para(b, f, "Prompt:", p->reflect);
    size_t revs;
    json_t *r = latest(entries, "reflection", p->id, &revs);
    if (r) {
        fo_buf_puts(b, f == FO_REPORT_HTML ? "<blockquote>" : "> ");
        text(b, f, str(json_object_get(r, "body"), "text"));
        char when[64];
        readable_time(when, sizeof when, str(r, "created_at"));
        fo_buf_printf(b,
                      f == FO_REPORT_HTML ? "</blockquote>\n<p class=\"meta\">revision %zu of "
                                            "%zu, %s</p>\n"
                                          : "\n\n_revision %zu of %zu, %s_\n\n",
                      revs, revs, when);
    } else {
        para(b, f, "Reflection:", "not written yet");
    }
}

/* The report's stylesheet is web/report.css (embedded with the page, so the static build's
 * report in web/backends.js inlines the same file): inlined, the report is one self-contained
 * file. */
static void html_head(fo_buf *b) {
    fo_buf_puts(b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                   "<title>fleetops lab report</title><style>\n");
    size_t n;
    const fo_asset *a = fo_assets(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i].path, "/report.css") == 0)
            fo_buf_append(b, (const char *)a[i].data, a[i].size);
    fo_buf_puts(b, "</style></head><body>\n");
}

fo_status fo_report_render(fo_store *s, long long session, fo_report_format f, fo_buf *out,
                           fo_error *err) {
    fo_buf raw;
    fo_buf_init(&raw);
    fo_status st = fo_store_ledger_json(s, session, -1, &raw, err);
    if (st != FO_OK) {
        fo_buf_free(&raw);
        return st;
    }
    json_t *ledger = json_loads(fo_buf_str(&raw), 0, NULL);
    fo_buf_free(&raw);
    if (!ledger) return fo_error_set(err, FO_EINTERNAL, "ledger unreadable", "", "", "");
    json_t *missing = json_object_get(ledger, "missing");
    int complete = json_array_size(missing) == 0;
    if (f == FO_REPORT_JSON) {
        json_object_set_new(ledger, "complete", json_boolean(complete));
        char *dump = json_dumps(ledger, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fo_buf_puts(out, dump ? dump : "null");
        fo_buf_putc(out, '\n');
        free(dump);
        json_decref(ledger);
        return FO_OK;
    }
    const fo_lab_chapter *ch = fo_lab_chapter_info();
    const fo_track *t = fo_lab_track(str(ledger, "track"));
    if (f == FO_REPORT_HTML) html_head(out);
    heading(out, f, 1, "fleetops lab report");
    para(out, f, "Chapter:", ch->title);
    char who[200];
    char when[64];
    readable_time(when, sizeof when, str(ledger, "created_at"));
    snprintf(who, sizeof who, "session %lld, started %s", session, when);
    para(out, f, "Session:", who);
    /* who the student said they are (serve --identity), escaped like all student text */
    const char *identity = json_string_value(json_object_get(ledger, "identity"));
    if (identity && *identity) para(out, f, "Student:", identity);
    fo_buf_puts(out, f == FO_REPORT_HTML
                         ? (complete ? "<div class=\"complete\">" : "<div class=\"incomplete\">")
                         : "");
    if (complete) {
        para(out, f, "Status:", "complete: every lock, reflection and the governance choice.");
    } else {
        para(out, f, "Status:", "INCOMPLETE. Missing:");
        size_t i;
        json_t *m;
        fo_buf_puts(out, f == FO_REPORT_HTML ? "<ul>" : "");
        json_array_foreach(missing, i, m) {
            fo_buf_puts(out, f == FO_REPORT_HTML ? "<li>" : "- ");
            text(out, f, json_string_value(m));
            fo_buf_puts(out, f == FO_REPORT_HTML ? "</li>" : "\n");
        }
        fo_buf_puts(out, f == FO_REPORT_HTML ? "</ul>" : "\n");
    }
    fo_buf_puts(out, f == FO_REPORT_HTML ? "</div>\n" : "");
    heading(out, f, 2, "Track and crisis");
    if (t) {
        char line[300];
        snprintf(line, sizeof line, "%s (%s). North Star: %s", t->name, t->persona, t->mission);
        para(out, f, "Track:", line);
        snprintf(line, sizeof line, "%s.", t->crisis_title);
        para(out, f, "Crisis:", line);
        para(out, f, "", t->crisis);
    }
    json_t *entries = json_object_get(ledger, "entries"), *e;
    size_t i, n = 0;
    json_array_foreach(entries, i, e) {
        if (strcmp(str(e, "part"), "crisis") != 0 || strcmp(str(e, "kind"), "evidence") != 0)
            continue;
        if (n++ == 0 && f == FO_REPORT_HTML) fo_buf_puts(out, "<ul>\n");
        evidence(out, s, f, e);
    }
    if (n && f == FO_REPORT_HTML) fo_buf_puts(out, "</ul>\n");
    size_t np;
    const fo_lab_part *parts = fo_lab_parts(&np);
    for (size_t p = 0; p < np; p++)
        render_part(out, s, f, ledger, &parts[p]);
    heading(out, f, 2, "Governance decision");
    size_t revs;
    json_t *g = latest(entries, "governance", "ensemble", &revs);
    if (g) {
        json_t *body = json_object_get(g, "body");
        para(out, f, "Policy:",
             strcmp(str(body, "policy"), "strict") == 0 ? "Strict Immutable Contracts"
                                                        : "Loose Versioning");
        para(out, f, "Justification:", str(body, "justification"));
    } else {
        para(out, f, "Policy:", "not chosen yet");
    }
    if (f == FO_REPORT_HTML) fo_buf_puts(out, "</body></html>\n");
    json_decref(ledger);
    return FO_OK;
}
