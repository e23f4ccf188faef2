/* report.c — the lab report (report.h), rendered from the ledger's JSON (jansson). Evidence
 * figures are drawn again from the stored parameters through the command table, so the
 * report's figures are the page's figures, and student text passes through one escaping
 * function per format. */
#include "fleetops/report.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "fleetops/lab.h"

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

/* Text that came from a student or the database, made inert for the format. Markdown gets
 * < and > escaped too (Markdown viewers render raw HTML tags) and its own markup characters
 * backslashed. */
static void text(fo_buf *b, fo_report_format f, const char *s) {
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            fo_buf_puts(b, "&lt;");
            break;
        case '>':
            fo_buf_puts(b, "&gt;");
            break;
        case '&':
            fo_buf_puts(b, f == FO_REPORT_MD ? "&" : "&amp;");
            break;
        case '"':
            fo_buf_puts(b, f == FO_REPORT_HTML ? "&quot;" : "\"");
            break;
        case '\'':
            fo_buf_puts(b, f == FO_REPORT_HTML ? "&#39;" : "'");
            break;
        case '\n':
            fo_buf_puts(b, f == FO_REPORT_HTML ? "<br>" : "\n> ");
            break;
        case '\r':
            break;
        default:
            if (f == FO_REPORT_MD && strchr("\\`*_[]#|", *s)) fo_buf_putc(b, '\\');
            fo_buf_putc(b, *s);
        }
    }
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
static const char *const key_results[][7] = {
    {"roi", "break_even_models", "roi_usd", "manual_toil_usd", "platform_total_usd", "ftes_needed",
     NULL},
    {"canary", "requests_needed", "shadow_hours", "release_cycle_hours", "meets_release_limit",
     NULL},
    {"bound", "upper_bound", NULL},
    {"sprt", "asn_h0", "asn_h1", "exact_asn_h0", "exact_asn_h1", "fixed_n", NULL},
    {"rollout", "decision", "reason", NULL},
    {"ensemble", "accuracy", "baseline_accuracy", "retrained_accuracy", "silent_failure", NULL},
    {"governance", "silent_failure_weeks", "incidents", "mean_accuracy", "upgrade_delay_days",
     NULL},
    {"crisis", "summary", NULL},
};

static void value_text(fo_buf *b, json_t *v) {
    if (json_is_string(v))
        fo_buf_puts(b, json_string_value(v));
    else if (json_is_number(v))
        fo_buf_printf(b, "%.6g", json_number_value(v));
    else if (json_is_boolean(v))
        fo_buf_puts(b, json_is_true(v) ? "yes" : "no");
    else
        fo_buf_puts(b, "n/a");
}

/* Re-draws an evidence figure from its stored parameters. */
static void evidence_figure(fo_buf *b, const char *cmd, json_t *params) {
    const char *names[FO_MAX_PARAMS], *values[FO_MAX_PARAMS];
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(params, k, v) {
        if (n < FO_MAX_PARAMS && json_is_string(v)) {
            names[n] = k;
            values[n++] = json_string_value(v);
        }
    }
    fo_buf json, svg;
    fo_buf_init(&json);
    fo_buf_init(&svg);
    fo_output o = {&json, &svg, NULL};
    fo_error e;
    const fo_command *c = fo_command_find(cmd);
    if (c && c->figure && fo_command_run_kv(cmd, names, values, n, &o, &e) == FO_OK)
        fo_buf_printf(b, "<figure>%s</figure>\n", fo_buf_str(&svg));
    fo_buf_free(&json);
    fo_buf_free(&svg);
}

static void evidence(fo_buf *b, fo_report_format f, json_t *entry) {
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
        if (strcmp(key_results[i][0], cmd) != 0) continue;
        for (size_t j = 1; j < 7 && key_results[i][j]; j++) {
            json_t *r = json_object_get(result, key_results[i][j]);
            if (!r) continue;
            fo_buf_printf(&line, "%s%s = ", line.len ? ", " : "", key_results[i][j]);
            value_text(&line, r);
        }
    }
    text(b, f, fo_buf_str(&line));
    fo_buf_printf(b, " (captured %s, fingerprint %s)", str(entry, "created_at"),
                  str(entry, "fingerprint"));
    fo_buf_puts(b, f == FO_REPORT_HTML ? "</li>\n" : "\n");
    if (f == FO_REPORT_HTML) evidence_figure(b, cmd, params);
    fo_buf_free(&line);
}

static void attempts(fo_buf *b, fo_report_format f, json_t *entries, const char *part) {
    size_t i, n = 0;
    json_t *e;
    json_array_foreach(entries, i, e) {
        if (strcmp(str(e, "kind"), "attempt") != 0 || strcmp(str(e, "part"), part) != 0) continue;
        json_t *a = json_object_get(json_object_get(e, "body"), "attempt");
        if (n++ == 0) {
            heading(b, f, 3, "Attempts (the 10-Iteration Rule)");
            fo_buf_puts(b, f == FO_REPORT_HTML
                               ? "<table><tr><th>#</th><th>hours</th><th>confidence</th>"
                                 "<th>Safety Lead</th><th>release</th><th>advice</th></tr>\n"
                               : "| # | hours | confidence | Safety Lead | release | advice |\n"
                                 "|---|---|---|---|---|---|\n");
        }
        fo_buf cell;
        fo_buf_init(&cell);
        const char *keys[] = {"hours", "achieved_confidence", "safety_ok", "release_ok", "advice"};
        fo_buf_printf(b, f == FO_REPORT_HTML ? "<tr><td>%zu</td>" : "| %zu |", n);
        for (size_t k = 0; k < 5; k++) {
            fo_buf_reset(&cell);
            value_text(&cell, json_object_get(a, keys[k]));
            fo_buf_puts(b, f == FO_REPORT_HTML ? "<td>" : " ");
            text(b, f, fo_buf_str(&cell));
            fo_buf_puts(b, f == FO_REPORT_HTML ? "</td>" : " |");
        }
        fo_buf_puts(b, f == FO_REPORT_HTML ? "</tr>\n" : "\n");
        fo_buf_free(&cell);
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

static void render_part(fo_buf *b, fo_report_format f, json_t *ledger, const fo_lab_part *p) {
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
        evidence(b, f, e);
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
        fo_buf_printf(b,
                      f == FO_REPORT_HTML ? "</blockquote>\n<p class=\"meta\">revision %zu of "
                                            "%zu, %s</p>\n"
                                          : "\n\n_revision %zu of %zu, %s_\n\n",
                      revs, revs, str(r, "created_at"));
    } else {
        para(b, f, "Reflection:", "not written yet");
    }
}

static const char html_head[] =
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>fleetops lab report</title><style>"
    "body{font:15px/1.5 system-ui,sans-serif;max-width:900px;margin:2rem auto;padding:0 1rem;"
    "color:#1f2937}h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #e5e7eb}"
    "table{border-collapse:collapse}td,th{border:1px solid #d1d5db;padding:.25rem .5rem}"
    "blockquote{border-left:4px solid #0072b2;margin:0;padding:.25rem 1rem;background:#f3f4f6}"
    ".incomplete{background:#fdecea;border:1px solid #d55e00;padding:.5rem 1rem}"
    ".complete{background:#e8f3fa;border:1px solid #0072b2;padding:.5rem 1rem}"
    "figure{margin:1rem 0}figure svg{max-width:100%;height:auto}.meta{color:#6b7280}"
    "</style></head><body>\n";

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
    if (f == FO_REPORT_HTML) fo_buf_puts(out, html_head);
    heading(out, f, 1, "fleetops lab report");
    para(out, f, "Chapter:", ch->title);
    char who[200];
    snprintf(who, sizeof who, "session %lld, started %s", session, str(ledger, "created_at"));
    para(out, f, "Session:", who);
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
        evidence(out, f, e);
    }
    if (n && f == FO_REPORT_HTML) fo_buf_puts(out, "</ul>\n");
    size_t np;
    const fo_lab_part *parts = fo_lab_parts(&np);
    for (size_t p = 0; p < np; p++)
        render_part(out, f, ledger, &parts[p]);
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
