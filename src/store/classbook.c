/* classbook.c — the class view (JSON) and the gradebook (CSV), both rendered from the same
 * rows (fo_store_class_rows), so every number is the same on the teacher's screen, on the
 * projector and in the spreadsheet. Backend-independent: a store only supplies the rows.
 *
 * One rule for "close", used by the figure, the table and the CSV alike: the ledger's own
 * `correct` (numbers: within a factor of 1.5 of the answer, either way; choices: the answer).
 * The figure's bins are the distance from the answer on a log scale, with direction:
 *   0: more than 10x under, 1: 3x to 10x under, 2: 1.5x to 3x under, 3: close,
 *   4: 1.5x to 3x over, 5: 3x to 10x over, 6: more than 10x over. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetops/json.h"
#include "fleetops/lab.h"
#include "fleetops/store.h"
#include "store_impl.h"

#define CLOSE_FACTOR      1.5
#define JUSTIFIED_WORDS   5 /* a justification "counts" from a short sentence up */
#define LAB_PARTS         3 /* the parts with a lock: roi, canary, ensemble */
#define COMPLETION_ITEMS  7 /* 3 locks, 3 reflections, the governance choice */
#define DEFAULT_STUCK_MIN 10.0

/* The row of session `id` in rows sorted by session (NULL when absent): both backends fill
 * their class rows through it. */
fo_class_row *fo_class_row_of(fo_class_row *rows, size_t n, long long id) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rows[mid].session < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && rows[lo].session == id ? &rows[lo] : NULL;
}

/* A part's index in fo_class_row.part (-1 for an unknown part). */
int fo_class_part_index(const char *part) {
    static const char *const names[FO_CLASS_PARTS] = {"roi", "canary", "ensemble", "crisis"};
    for (int i = 0; i < FO_CLASS_PARTS; i++)
        if (strcmp(part, names[i]) == 0) return i;
    return -1;
}

void fo_class_put_lock(fo_class_row *rows, size_t n, long long session, const char *part,
                       const char *predicted, const char *actual, double off_by_factor, int correct,
                       const char *locked_at) {
    fo_class_row *w = fo_class_row_of(rows, n, session);
    int k = fo_class_part_index(part);
    if (!w || k < 0) return;
    fo_class_part_row *p = &w->part[k];
    p->locked = 1;
    snprintf(p->predicted, sizeof p->predicted, "%s", predicted);
    snprintf(p->actual, sizeof p->actual, "%s", actual);
    p->off_by_factor = off_by_factor;
    p->correct = correct;
    snprintf(p->locked_at, sizeof p->locked_at, "%s", locked_at);
}

void fo_class_put_entries(fo_class_row *rows, size_t n, long long session, const char *kind,
                          const char *part, long long count, const char *first_at) {
    fo_class_row *w = fo_class_row_of(rows, n, session);
    int k = fo_class_part_index(part);
    if (!w || k < 0) return;
    if (strcmp(kind, "evidence") == 0) {
        w->part[k].evidence = count;
    } else if (strcmp(kind, "reflection") == 0) {
        w->part[k].reflections = count;
        snprintf(w->part[k].reflected_at, sizeof w->part[k].reflected_at, "%s", first_at);
    } else if (strcmp(kind, "governance") == 0) {
        snprintf(w->decided_at, sizeof w->decided_at, "%s", first_at);
    } else if (k == 1) {
        w->tries = count;
    }
}

long long fo_class_words(const char *t) {
    long long n = 0;
    int in = 0;
    for (; t && *t; t++) {
        int space = *t == ' ' || *t == '\t' || *t == '\n' || *t == '\r' || *t == '\f' || *t == '\v';
        if (!space && !in) n++;
        in = !space;
    }
    return n;
}

static int part_finished(const fo_class_row *r, int k) {
    const fo_class_part_row *p = &r->part[k];
    return p->locked && p->reflections > 0 && (k != 2 || r->policy[0]);
}

static int part_started(const fo_class_row *r, int k) {
    const fo_class_part_row *p = &r->part[k];
    return p->locked || p->evidence > 0 || p->reflections > 0 || (k == 1 && r->tries > 0) ||
           (k == 2 && r->policy[0]);
}

static int items_done(const fo_class_row *r) {
    int d = r->policy[0] != 0;
    for (int k = 0; k < LAB_PARTS; k++)
        d += r->part[k].locked + (r->part[k].reflections > 0);
    return d;
}

/* Rounded half up: 100 * done / 7. */
static int completion_percent(const fo_class_row *r) {
    return (200 * items_done(r) + COMPLETION_ITEMS) / (2 * COMPLETION_ITEMS);
}

static int session_finished(const fo_class_row *r) {
    return items_done(r) == COMPLETION_ITEMS;
}

/* When the last of the 7 items was first done ("" when not finished): ISO 8601 UTC times
 * compare as text. */
static const char *finished_at(const fo_class_row *r) {
    if (!session_finished(r)) return "";
    const char *t = r->decided_at;
    for (int k = 0; k < LAB_PARTS; k++) {
        if (strcmp(r->part[k].locked_at, t) > 0) t = r->part[k].locked_at;
        if (strcmp(r->part[k].reflected_at, t) > 0) t = r->part[k].reflected_at;
    }
    return t;
}

/* What the student has not done yet, first in the lab's order, in plain words. */
static void next_step(const fo_class_row *r, char *out, size_t n) {
    for (int k = 0; k < LAB_PARTS; k++) {
        if (!r->part[k].locked) {
            snprintf(out, n, "Part %d: the prediction", k + 1);
            return;
        }
        if (k == 2 && !r->policy[0]) {
            snprintf(out, n, "Part 3: the governance choice");
            return;
        }
        if (!r->part[k].reflections) {
            snprintf(out, n, "Part %d: the reflection", k + 1);
            return;
        }
    }
    snprintf(out, n, "finished");
}

/* -1 under, 1 over, 0 on the answer; for numbers only. */
static int direction_of(const fo_class_part_row *p) {
    double pr = strtod(p->predicted, NULL), ac = strtod(p->actual, NULL);
    return pr < ac ? -1 : pr > ac ? 1 : 0;
}

static int bin_of(const fo_class_part_row *p) {
    if (p->correct) return 3;
    int d = direction_of(p);
    double f = p->off_by_factor;
    int far = f > 10 ? 3 : f > 3 ? 2 : 1;
    return d < 0 ? 3 - far : 3 + far;
}

static const char *direction_word(int d) {
    return d < 0 ? "under" : d > 0 ? "over" : "on";
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void who(fo_json *j, const fo_class_row *r, const fo_class_opts *o) {
    if (o->identities && r->identity[0])
        fo_json_string(j, "identity", r->identity);
    else
        fo_json_null(j, "identity");
}

/* Part k's progress, counted once for the JSON and the text: students who started, locked,
 * explored (evidence), reflected, finished it. */
static void part_progress(const fo_class_row *rows, size_t n, int k, long long c[5]) {
    for (int m = 0; m < 5; m++)
        c[m] = 0;
    for (size_t i = 0; i < n; i++) {
        c[0] += part_started(&rows[i], k);
        c[1] += rows[i].part[k].locked;
        c[2] += rows[i].part[k].evidence > 0;
        c[3] += rows[i].part[k].reflections > 0;
        c[4] += part_finished(&rows[i], k);
    }
}

/* Part k's locked predictions on one track, counted once for the JSON and the text: close (the
 * ledger's rule), under/over by more than that and the seven bins for a number part, the answer
 * when every student shares it, and the median of predicted / answer (two middle ones: their
 * geometric mean; NAN when there is none). ratios holds n doubles (the caller's scratch). */
typedef struct track_tally {
    long long count, close, under, over, bins[7];
    const char *answer; /* the first student's answer (NULL when none) */
    int same;           /* every student has that answer (not so with per-student variants) */
    double median;      /* predicted / answer */
} track_tally;

static track_tally tally_track(const fo_class_row *rows, size_t n, int k, const char *track,
                               int number, double *ratios) {
    track_tally t = {.same = 1, .median = NAN};
    size_t nr = 0;
    for (size_t i = 0; i < n; i++) {
        const fo_class_part_row *p = &rows[i].part[k];
        if (!p->locked || strcmp(rows[i].track, track) != 0) continue;
        t.count++;
        t.close += p->correct;
        if (!t.answer)
            t.answer = p->actual;
        else if (strcmp(t.answer, p->actual) != 0)
            t.same = 0;
        if (number) {
            int d = direction_of(p);
            t.under += d < 0 && !p->correct;
            t.over += d > 0 && !p->correct;
            t.bins[bin_of(p)]++;
            double a = strtod(p->actual, NULL);
            if (a > 0) ratios[nr++] = strtod(p->predicted, NULL) / a;
        }
    }
    if (nr) {
        qsort(ratios, nr, sizeof *ratios, cmp_double);
        t.median = nr % 2 ? ratios[nr / 2] : sqrt(ratios[nr / 2 - 1] * ratios[nr / 2]);
    }
    return t;
}

/* Part k's predictions for one track (a number part): the figure's bins, the counts, the
 * median factor, every prediction. */
static void track_block(fo_json *j, const fo_class_row *rows, size_t n, int k, const char *track,
                        const fo_lab_part *part, const fo_class_opts *o, double *ratios) {
    int number = strcmp(part->lock_kind, "number") == 0;
    track_tally tl = tally_track(rows, n, k, track, number, ratios);
    if (!tl.count) return;
    const fo_track *t = fo_lab_track(track);
    fo_json_object_begin(j, NULL);
    fo_json_string(j, "track", track);
    fo_json_string(j, "track_name", t ? t->name : track);
    if (tl.same)
        fo_json_string(j, "answer", tl.answer);
    else
        fo_json_null(j, "answer"); /* per-student variants: each has their own */
    fo_json_int(j, "count", tl.count);
    fo_json_int(j, "close", tl.close);
    if (number) {
        fo_json_int(j, "under", tl.under);
        fo_json_int(j, "over", tl.over);
        fo_json_array_begin(j, "bins");
        for (int b = 0; b < 7; b++)
            fo_json_int(j, NULL, tl.bins[b]);
        fo_json_array_end(j);
        if (!isnan(tl.median)) {
            double m = tl.median;
            fo_json_number(j, "median_factor", m >= 1 ? m : 1 / m);
            fo_json_string(j, "median_direction", m > 1 ? "over" : m < 1 ? "under" : "on");
        }
    } else { /* a choice: how many chose each */
        fo_json_array_begin(j, "choices");
        const char *choices[2] = {NULL, NULL};
        char buf[128];
        snprintf(buf, sizeof buf, "%s", part->lock_unit);
        char *bar = strchr(buf, '|');
        if (bar) *bar = '\0';
        choices[0] = buf;
        choices[1] = bar ? bar + 1 : NULL;
        for (int c = 0; c < 2 && choices[c]; c++) {
            long long m = 0;
            for (size_t i = 0; i < n; i++)
                m += rows[i].part[k].locked && strcmp(rows[i].track, track) == 0 &&
                     strcmp(rows[i].part[k].predicted, choices[c]) == 0;
            fo_json_object_begin(j, NULL);
            fo_json_string(j, "choice", choices[c]);
            fo_json_int(j, "count", m);
            fo_json_bool(j, "answer", tl.answer && strcmp(tl.answer, choices[c]) == 0);
            fo_json_object_end(j);
        }
        fo_json_array_end(j);
    }
    fo_json_array_begin(j, "predictions");
    for (size_t i = 0; i < n; i++) {
        const fo_class_part_row *p = &rows[i].part[k];
        if (!p->locked || strcmp(rows[i].track, track) != 0) continue;
        fo_json_object_begin(j, NULL);
        fo_json_int(j, "session", rows[i].session);
        who(j, &rows[i], o);
        fo_json_string(j, "predicted", p->predicted);
        fo_json_string(j, "actual", p->actual);
        if (number) {
            fo_json_number(j, "factor", p->off_by_factor);
            fo_json_string(j, "direction", direction_word(direction_of(p)));
            fo_json_int(j, "bin", bin_of(p));
        }
        fo_json_bool(j, "close", p->correct);
        fo_json_object_end(j);
    }
    fo_json_array_end(j);
    fo_json_object_end(j);
}

void fo_class_render_json(const fo_class_row *rows, size_t n, const fo_class_opts *opts,
                          fo_buf *out) {
    fo_class_opts o = opts ? *opts : (fo_class_opts){0, 1};
    if (o.stuck_minutes <= 0) o.stuck_minutes = DEFAULT_STUCK_MIN;
    fo_json j;
    fo_json_init(&j, out);
    size_t np;
    const fo_lab_part *parts = fo_lab_parts(&np);
    double *ratios = malloc((n ? n : 1) * sizeof *ratios);
    if (!ratios) {
        out->oom = 1;
        return;
    }
    long long finished = 0;
    for (size_t i = 0; i < n; i++)
        finished += session_finished(&rows[i]);
    fo_json_object_begin(&j, NULL);
    fo_json_int(&j, "sessions", (long long)n);
    fo_json_int(&j, "finished", finished);
    fo_json_number(&j, "close_factor", CLOSE_FACTOR);
    fo_json_number(&j, "stuck_minutes", o.stuck_minutes);
    fo_json_int(&j, "justified_words", JUSTIFIED_WORDS);
    fo_json_array_begin(&j, "parts");
    for (int k = 0; k < LAB_PARTS && (size_t)k < np; k++) {
        long long c[5];
        part_progress(rows, n, k, c);
        fo_json_object_begin(&j, NULL);
        fo_json_string(&j, "part", parts[k].id);
        fo_json_int(&j, "number", parts[k].number);
        fo_json_string(&j, "title", parts[k].title);
        fo_json_string(&j, "lock_kind", parts[k].lock_kind);
        static const char *const names[5] = {"started", "locked", "explored", "reflected",
                                             "finished"};
        for (int m = 0; m < 5; m++)
            fo_json_int(&j, names[m], c[m]);
        fo_json_array_begin(&j, "by_track");
        for (const char *const *t = fo_track_ids; *t; t++)
            track_block(&j, rows, n, k, *t, &parts[k], &o, ratios);
        fo_json_array_end(&j);
        fo_json_object_end(&j);
    }
    fo_json_array_end(&j);

    /* Part 2's 10-Iteration Rule: the try on which each found the window */
    long long found[FO_MAX_ATTEMPTS] = {0}, not_found = 0, searching = 0, not_tried = 0;
    for (size_t i = 0; i < n; i++) {
        const fo_class_row *r = &rows[i];
        if (r->window_try >= 1 && r->window_try <= FO_MAX_ATTEMPTS)
            found[r->window_try - 1]++;
        else if (r->tries >= FO_MAX_ATTEMPTS)
            not_found++;
        else if (r->tries > 0)
            searching++;
        else if (r->part[1].locked)
            not_tried++;
    }
    fo_json_object_begin(&j, "tries");
    fo_json_array_begin(&j, "found_on_try");
    for (int t = 0; t < FO_MAX_ATTEMPTS; t++)
        fo_json_int(&j, NULL, found[t]);
    fo_json_array_end(&j);
    fo_json_int(&j, "not_found", not_found);
    fo_json_int(&j, "searching", searching);
    fo_json_int(&j, "not_tried", not_tried);
    fo_json_object_end(&j);

    long long g[2] = {0}, gj[2] = {0};
    for (size_t i = 0; i < n; i++) {
        int s = strcmp(rows[i].policy, "loose") == 0    ? 0
                : strcmp(rows[i].policy, "strict") == 0 ? 1
                                                        : -1;
        if (s < 0) continue;
        g[s]++;
        gj[s] += rows[i].justification_words >= JUSTIFIED_WORDS;
    }
    fo_json_object_begin(&j, "governance");
    fo_json_int(&j, "loose", g[0]);
    fo_json_int(&j, "strict", g[1]);
    fo_json_int(&j, "loose_justified", gj[0]);
    fo_json_int(&j, "strict_justified", gj[1]);
    fo_json_int(&j, "undecided", (long long)n - g[0] - g[1]);
    fo_json_object_end(&j);

    /* who is stuck: not finished, no write for stuck_minutes; the longest idle first */
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    size_t ns = 0;
    for (size_t i = 0; order && i < n; i++)
        if (!session_finished(&rows[i]) && rows[i].idle_minutes >= o.stuck_minutes) order[ns++] = i;
    for (size_t a = 1; a < ns; a++) /* insertion sort: stable, and the stuck are few */
        for (size_t b = a; b > 0 && rows[order[b]].idle_minutes > rows[order[b - 1]].idle_minutes;
             b--) {
            size_t t = order[b];
            order[b] = order[b - 1];
            order[b - 1] = t;
        }
    fo_json_array_begin(&j, "stuck");
    char next[64];
    for (size_t a = 0; a < ns; a++) {
        const fo_class_row *r = &rows[order[a]];
        fo_json_object_begin(&j, NULL);
        fo_json_int(&j, "session", r->session);
        who(&j, r, &o);
        fo_json_string(&j, "track", r->track);
        fo_json_int(&j, "idle_minutes", (long long)r->idle_minutes);
        next_step(r, next, sizeof next);
        fo_json_string(&j, "next", next);
        fo_json_object_end(&j);
    }
    fo_json_array_end(&j);
    free(order);

    fo_json_array_begin(&j, "students");
    for (size_t i = 0; i < n; i++) {
        const fo_class_row *r = &rows[i];
        fo_json_object_begin(&j, NULL);
        fo_json_int(&j, "session", r->session);
        who(&j, r, &o);
        fo_json_string(&j, "track", r->track);
        fo_json_string(&j, "started_at", r->created_at);
        if (session_finished(r))
            fo_json_string(&j, "finished_at", finished_at(r));
        else
            fo_json_null(&j, "finished_at");
        fo_json_int(&j, "idle_minutes", (long long)r->idle_minutes);
        fo_json_int(&j, "completion", completion_percent(r));
        next_step(r, next, sizeof next);
        fo_json_string(&j, "next", next);
        fo_json_int(&j, "tries", r->tries);
        fo_json_int(&j, "window_try", r->window_try);
        fo_json_string(&j, "policy", r->policy);
        fo_json_object_end(&j);
    }
    fo_json_array_end(&j);
    fo_json_object_end(&j);
    free(ratios);
}

/* v >= 0 with two decimals, a tie rounded up (3.125 -> "3.13"), as the class view's
 * Number.prototype.toFixed(2) shows it: printf rounds ties to even ("3.12"). The decision reads
 * the third decimal of v's exact expansion (glibc prints it exactly). */
static void fixed2(fo_buf *b, double v) {
    char t[400];
    snprintf(t, sizeof t, "%.60f", v);
    char *dot = strchr(t, '.');
    if (!dot) {
        fo_buf_puts(b, t);
        return;
    }
    int up = dot[3] >= '5';
    dot[3] = '\0';
    for (char *p = dot + 2; up && p >= t; p--) { /* carry */
        if (*p == '.') continue;
        if (*p == '9') {
            *p = '0';
        } else {
            (*p)++;
            up = 0;
        }
    }
    if (up) fo_buf_putc(b, '1');
    fo_buf_puts(b, t);
}

/* ------------------------------------------------------------------ the text (the CLI) */

static const char *const bin_words[7] = {"more than 10 times under", "3 to 10 times under",
                                         "1.5 to 3 times under",     "close (within 1.5 times)",
                                         "1.5 to 3 times over",      "3 to 10 times over",
                                         "more than 10 times over"};

/* An answer in words: choices as the page says them, whole numbers grouped ("2,995"). */
static const char *choice_text(const char *c, char *buf, size_t n) {
    if (strcmp(c, "drop") == 0) return "accuracy drops";
    if (strcmp(c, "no-drop") == 0) return "accuracy holds";
    size_t len = strlen(c), k = 0;
    if (!len || strspn(c, "0123456789") != len) return c;
    for (size_t i = 0; i < len && k + 2 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0) buf[k++] = ',';
        buf[k++] = c[i];
    }
    buf[k] = '\0';
    return buf;
}

static const char *plural_s(long long n) {
    return n == 1 ? "" : "s";
}

void fo_class_render_text(const fo_class_row *rows, size_t n, const fo_class_opts *opts,
                          fo_buf *out) {
    fo_class_opts o = opts ? *opts : (fo_class_opts){0, 1};
    if (o.stuck_minutes <= 0) o.stuck_minutes = DEFAULT_STUCK_MIN;
    size_t np;
    const fo_lab_part *parts = fo_lab_parts(&np);
    long long finished = 0;
    for (size_t i = 0; i < n; i++)
        finished += session_finished(&rows[i]);
    fo_buf_printf(out, "The class: %zu student%s, %lld finished the whole lab.\n\n", n,
                  n == 1 ? "" : "s", finished);
    fo_buf_printf(out, "Where the class is (students at each step)\n  %-34s %8s %8s %9s %10s %9s\n",
                  "part", "started", "locked", "explored", "reflected", "finished");
    for (int k = 0; k < LAB_PARTS && (size_t)k < np; k++) {
        long long c[5];
        part_progress(rows, n, k, c);
        char name[64];
        snprintf(name, sizeof name, "Part %d: %s", parts[k].number, parts[k].title);
        fo_buf_printf(out, "  %-34s %8lld %8lld %9lld %10lld %9lld\n", name, c[0], c[1], c[2], c[3],
                      c[4]);
    }
    double *ratios = malloc((n ? n : 1) * sizeof *ratios);
    for (int k = 0; ratios && k < LAB_PARTS && (size_t)k < np; k++) {
        int number = strcmp(parts[k].lock_kind, "number") == 0;
        fo_buf_printf(out, "\nPart %d: %s, the predictions against each student's answer\n",
                      parts[k].number, parts[k].title);
        int any = 0;
        for (const char *const *t = fo_track_ids; *t; t++) {
            track_tally tl = tally_track(rows, n, k, *t, number, ratios);
            if (!tl.count) continue;
            any = 1;
            const fo_track *tr = fo_lab_track(*t);
            char grouped[96];
            fo_buf_printf(out, "  %s, answer %s: %lld prediction%s, ", tr ? tr->name : *t,
                          tl.same ? choice_text(tl.answer, grouped, sizeof grouped)
                                  : "each their own",
                          tl.count, plural_s(tl.count));
            if (!number) {
                fo_buf_printf(out, "%lld right.\n", tl.close);
                continue;
            }
            fo_buf_printf(out,
                          "%lld close (within 1.5 times the answer, either way), %lld under by "
                          "more than that, %lld over by more than that",
                          tl.close, tl.under, tl.over);
            if (!isnan(tl.median)) {
                double m = tl.median;
                if (m == 1) {
                    fo_buf_puts(out, "; the middle prediction is the answer");
                } else {
                    fo_buf_puts(out, "; the middle prediction is ");
                    fixed2(out, m >= 1 ? m : 1 / m);
                    fo_buf_printf(out, " times %s the answer", m > 1 ? "over" : "under");
                }
            }
            fo_buf_puts(out, ".\n");
            for (int b = 0; b < 7; b++)
                fo_buf_printf(out, "    %-26s %5lld\n", bin_words[b], tl.bins[b]);
        }
        if (!any) fo_buf_puts(out, "  No prediction locked yet.\n");
    }
    free(ratios);
    long long found = 0, not_found = 0, searching = 0, on[FO_MAX_ATTEMPTS] = {0};
    for (size_t i = 0; i < n; i++) {
        const fo_class_row *r = &rows[i];
        if (r->window_try >= 1 && r->window_try <= FO_MAX_ATTEMPTS)
            found++, on[r->window_try - 1]++;
        else if (r->tries >= FO_MAX_ATTEMPTS)
            not_found++;
        else if (r->tries > 0)
            searching++;
    }
    fo_buf_printf(out,
                  "\nPart 2: tries to find the shadow window\n  %lld found it, %lld used all 10 "
                  "tries without it, %lld still searching.\n",
                  found, not_found, searching);
    for (int t = 0; t < FO_MAX_ATTEMPTS; t++)
        if (on[t]) fo_buf_printf(out, "    found on try %-2d %5lld\n", t + 1, on[t]);
    long long g[2] = {0}, gj[2] = {0};
    for (size_t i = 0; i < n; i++) {
        int s = strcmp(rows[i].policy, "loose") == 0    ? 0
                : strcmp(rows[i].policy, "strict") == 0 ? 1
                                                        : -1;
        if (s < 0) continue;
        g[s]++;
        gj[s] += rows[i].justification_words >= JUSTIFIED_WORDS;
    }
    fo_buf_printf(out,
                  "\nPart 3: the governance split\n  Loose Versioning: %lld (%lld justified in %d "
                  "words or more)\n  Strict Immutable Contracts: %lld (%lld justified)\n  not "
                  "decided yet: %lld\n",
                  g[0], gj[0], JUSTIFIED_WORDS, g[1], gj[1], (long long)n - g[0] - g[1]);
    fo_buf_printf(out, "\nWho may be stuck (not finished, no activity for %g minutes or more)\n",
                  o.stuck_minutes);
    int any = 0;
    char next[64];
    for (size_t i = 0; i < n; i++) {
        const fo_class_row *r = &rows[i];
        if (session_finished(r) || r->idle_minutes < o.stuck_minutes) continue;
        any = 1;
        const fo_track *tr = fo_lab_track(r->track);
        next_step(r, next, sizeof next);
        if (o.identities && r->identity[0])
            fo_buf_printf(out, "  %s (session %lld, %s)", r->identity, r->session,
                          tr ? tr->name : r->track);
        else
            fo_buf_printf(out, "  session %lld (%s)", r->session, tr ? tr->name : r->track);
        fo_buf_printf(out, ": no activity for %lld minute%s; next: %s\n",
                      (long long)r->idle_minutes, plural_s((long long)r->idle_minutes), next);
    }
    if (!any) fo_buf_puts(out, "  nobody\n");
}

/* ------------------------------------------------------------------------------ the CSV */

/* One RFC 4180 field: quoted when it holds a comma, a quote, CR or LF (quotes doubled); a
 * field a spreadsheet would take for a formula (=, +, -, @, tab, CR first) gets a leading
 * apostrophe, which spreadsheets show as text and do not evaluate. */
static void csv_field(fo_buf *b, const char *s, int first) {
    if (!first) fo_buf_putc(b, ',');
    int formula =
        s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
    int quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    if (quote) fo_buf_putc(b, '"');
    if (formula) fo_buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '"') fo_buf_putc(b, '"');
        fo_buf_putc(b, *s);
    }
    if (quote) fo_buf_putc(b, '"');
}

static void csv_int(fo_buf *b, long long v) {
    fo_buf_printf(b, ",%lld", v);
}

void fo_class_render_csv(const fo_class_row *rows, size_t n, fo_buf *out) {
    /* UTF-8 with its byte order mark, so a spreadsheet reads names with accents as written */
    fo_buf_puts(out, "\xEF\xBB\xBF");
    static const char *const head[] = {
        "session",        "identity",      "track", "started (UTC)", "last activity (UTC)",
        "finished (UTC)", "completion (%)"};
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        csv_field(out, head[i], i == 0);
    static const char *const per_part[] = {"prediction", "answer",   "factor off",
                                           "close",      "evidence", "reflection words"};
    for (int k = 0; k < LAB_PARTS; k++)
        for (size_t m = 0; m < sizeof per_part / sizeof per_part[0]; m++) {
            char h[64];
            snprintf(h, sizeof h, "Part %d %s", k + 1, per_part[m]);
            csv_field(out, h, 0);
        }
    static const char *const tail[] = {"crisis evidence",   "crisis reflection words",
                                       "Part 2 tries used", "Part 2 window found on try",
                                       "governance policy", "justification words"};
    for (size_t i = 0; i < sizeof tail / sizeof tail[0]; i++)
        csv_field(out, tail[i], 0);
    fo_buf_puts(out, "\r\n");
    for (size_t i = 0; i < n; i++) {
        const fo_class_row *r = &rows[i];
        fo_buf_printf(out, "%lld", r->session);
        csv_field(out, r->identity, 0);
        csv_field(out, r->track, 0);
        csv_field(out, r->created_at, 0);
        csv_field(out, r->active_at, 0);
        csv_field(out, finished_at(r), 0);
        csv_int(out, completion_percent(r));
        for (int k = 0; k < LAB_PARTS; k++) {
            const fo_class_part_row *p = &r->part[k];
            csv_field(out, p->predicted, 0);
            csv_field(out, p->actual, 0);
            fo_buf_putc(out, ',');
            if (p->locked && p->off_by_factor > 0) fixed2(out, p->off_by_factor);
            csv_field(out, p->locked ? (p->correct ? "yes" : "no") : "", 0);
            csv_int(out, p->evidence);
            csv_int(out, p->reflection_words);
        }
        csv_int(out, r->part[3].evidence);
        csv_int(out, r->part[3].reflection_words);
        csv_int(out, r->tries);
        if (r->window_try)
            csv_int(out, r->window_try);
        else
            fo_buf_putc(out, ',');
        csv_field(out, r->policy, 0);
        csv_int(out, r->justification_words);
        fo_buf_puts(out, "\r\n");
    }
}

fo_status fo_store_class_json_opts(fo_store *s, const fo_class_opts *opts, fo_buf *out,
                                   fo_error *err) {
    fo_class_row *rows;
    size_t n;
    fo_status st = fo_store_class_rows(s, &rows, &n, err);
    if (st != FO_OK) return st;
    fo_class_render_json(rows, n, opts, out);
    free(rows);
    return out->oom ? fo_error_set(err, FO_ENOMEM, "out of memory", "", "", "") : FO_OK;
}

fo_status fo_store_class_json(fo_store *s, fo_buf *out, fo_error *err) {
    return fo_store_class_json_opts(s, NULL, out, err);
}

fo_status fo_store_class_csv(fo_store *s, fo_buf *out, fo_error *err) {
    fo_class_row *rows;
    size_t n;
    fo_status st = fo_store_class_rows(s, &rows, &n, err);
    if (st != FO_OK) return st;
    fo_class_render_csv(rows, n, out);
    free(rows);
    return out->oom ? fo_error_set(err, FO_ENOMEM, "out of memory", "", "", "") : FO_OK;
}
