/* loadgen.c — plays whole students against a fleetops ledger (issue 17; docs/SCALING.md):
 * each client thread plays one student after another, as the page would, without the pauses:
 *
 *   GET /api/ledger, POST /api/session, then for Part 1, 2 and 3: the lock, 8 evidence
 *   captures, (Part 2) 10 attempts, the part's reflection typed with the page's autosave
 *   (REVISIONS revisions of a text growing to ~2 KB); the crisis reflection; the governance
 *   justification (REVISIONS revisions); GET /api/report?format=md.
 *
 * That is bench/ledger_session.sh's diligent 45-minute student (3 locks, 24 evidence, 10
 * attempts, 5 texts of 40 revisions: 242 requests). Every write carries an Idempotency-Key, as
 * the page's does. Keep-alive connections, one per client, as a browser's.
 *
 * Usage: fleetops_loadgen --base URL [--ca FILE] [--clients N] [--seconds S] [--revisions R]
 * Prints one JSON object: students completed, requests, requests/s, writes acknowledged,
 * non-2xx answers by status, and per route the count, p50 and p99 in milliseconds. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum route {
    R_LEDGER,
    R_SESSION,
    R_LOCK,
    R_EVIDENCE,
    R_ATTEMPT,
    R_REFLECT,
    R_GOVERN,
    R_REPORT,
    NR
};
static const char *const route_names[NR] = {"GET /api/ledger",
                                            "POST /api/session",
                                            "POST /api/ledger/predictions",
                                            "POST /api/ledger/evidence",
                                            "POST /api/ledger/attempts",
                                            "POST /api/ledger/reflections",
                                            "POST /api/ledger/governance",
                                            "GET /api/report"};

typedef struct samples {
    double *v;
    size_t n, cap;
} samples;

typedef struct client {
    int index;
    pthread_t th;
    samples lat[NR];
    long students, requests, writes, status[6]; /* 2xx 3xx 4xx 5xx, [4] 429, [5] no answer */
    long long seq;
} client;

static const char *base, *ca;
static double until;
static int revisions = 40;

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void add(samples *s, double x) {
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 1024;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        if (!s->v) abort();
    }
    s->v[s->n++] = x;
}

static size_t discard(char *p, size_t size, size_t n, void *ud) {
    (void)p, (void)ud;
    return size * n;
}

/* One request; 1 when it answered 2xx. */
static int request(client *c, CURL *h, enum route r, const char *method, const char *path,
                   const char *body) {
    char url[512], key[96];
    snprintf(url, sizeof url, "%s%s", base, path);
    struct curl_slist *hd = NULL;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        hd = curl_slist_append(hd, "Content-Type: application/json");
        if (r != R_SESSION) {
            snprintf(key, sizeof key, "Idempotency-Key: c%d-%lld-%ld", c->index, ++c->seq,
                     (long)time(NULL));
            hd = curl_slist_append(hd, key);
        }
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    double t0 = now_s();
    CURLcode rc = curl_easy_perform(h);
    double dt = now_s() - t0;
    long status = 0;
    if (rc == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
    curl_slist_free_all(hd);
    c->requests++;
    add(&c->lat[r], dt);
    if (status == 0)
        c->status[5]++;
    else if (status == 429)
        c->status[4]++;
    else if (status >= 200 && status < 600)
        c->status[status / 100 - 2]++;
    int ok = status >= 200 && status < 300;
    if (ok && body && r != R_SESSION) c->writes++;
    return ok;
}

static void type_text(client *c, CURL *h, enum route r, const char *path, const char *part) {
    static const char words[] = "The canary caught what the shadow run could not: ";
    char text[2600], body[3000];
    size_t len = 0;
    for (int i = 0; i < revisions; i++) {
        size_t grow = 2000 / (size_t)revisions + 1;
        for (size_t k = 0; k < grow && len + 1 < sizeof text; k++, len++)
            text[len] = words[len % (sizeof words - 1)];
        text[len] = '\0';
        if (r == R_GOVERN)
            snprintf(body, sizeof body, "{\"policy\":\"strict\",\"justification\":\"%s\"}", text);
        else
            snprintf(body, sizeof body, "{\"part\":\"%s\",\"text\":\"%s\"}", part, text);
        request(c, h, r, "POST", path, body);
    }
}

static void student(client *c, CURL *h) {
    curl_easy_setopt(h, CURLOPT_COOKIELIST, "ALL"); /* a new student: no cookie */
    request(c, h, R_LEDGER, "GET", "/api/ledger", NULL);
    if (!request(c, h, R_SESSION, "POST", "/api/session", "{\"track\":\"edge-guardian\"}")) return;
    static const char *const parts[3][3] = {
        {"roi", "24", "roi"}, {"canary", "48", "sprt"}, {"ensemble", "\"drop\"", "ensemble"}};
    char body[256];
    for (int p = 0; p < 3; p++) {
        snprintf(body, sizeof body, "{\"part\":\"%s\",\"value\":%s}", parts[p][0], parts[p][1]);
        request(c, h, R_LOCK, "POST", "/api/ledger/predictions", body);
        for (int i = 0; i < 8; i++) {
            if (p == 0)
                snprintf(body, sizeof body,
                         "{\"part\":\"roi\",\"command\":\"roi\",\"params\":{\"models\":%d}}",
                         5 + i);
            else
                snprintf(body, sizeof body, "{\"part\":\"%s\",\"command\":\"%s\",\"params\":{}}",
                         parts[p][0], parts[p][2]);
            request(c, h, R_EVIDENCE, "POST", "/api/ledger/evidence", body);
        }
        if (p == 1)
            for (int i = 0; i < 10; i++) {
                snprintf(body, sizeof body,
                         "{\"part\":\"canary\",\"params\":{\"attempt_hours\":%d}}", 12 + 6 * i);
                request(c, h, R_ATTEMPT, "POST", "/api/ledger/attempts", body);
            }
        type_text(c, h, R_REFLECT, "/api/ledger/reflections", parts[p][0]);
    }
    type_text(c, h, R_REFLECT, "/api/ledger/reflections", "crisis");
    type_text(c, h, R_GOVERN, "/api/ledger/governance", NULL);
    if (request(c, h, R_REPORT, "GET", "/api/report?format=md", NULL)) c->students++;
}

static void *run(void *arg) {
    client *c = arg;
    CURL *h = curl_easy_init();
    if (!h) return NULL;
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_COOKIEFILE, "");
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    if (ca) curl_easy_setopt(h, CURLOPT_CAINFO, ca);
    while (now_s() < until)
        student(c, h);
    curl_easy_cleanup(h);
    return NULL;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    int clients = 8;
    double seconds = 20;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--base") == 0)
            base = argv[i + 1];
        else if (strcmp(argv[i], "--ca") == 0)
            ca = argv[i + 1];
        else if (strcmp(argv[i], "--clients") == 0)
            clients = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--seconds") == 0)
            seconds = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--revisions") == 0)
            revisions = atoi(argv[i + 1]);
    }
    if (!base || clients < 1 || clients > 512 || seconds <= 0 || revisions < 1) {
        fprintf(stderr, "usage: fleetops_loadgen --base URL [--ca FILE] [--clients N] "
                        "[--seconds S] [--revisions R]\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_ALL);
    client *cs = calloc((size_t)clients, sizeof *cs);
    if (!cs) return 1;
    double t0 = now_s();
    until = t0 + seconds;
    for (int i = 0; i < clients; i++) {
        cs[i].index = i;
        pthread_create(&cs[i].th, NULL, run, &cs[i]);
    }
    for (int i = 0; i < clients; i++)
        pthread_join(cs[i].th, NULL);
    double elapsed = now_s() - t0;
    long students = 0, requests = 0, writes = 0, status[6] = {0};
    samples all[NR] = {{0}};
    for (int i = 0; i < clients; i++) {
        students += cs[i].students, requests += cs[i].requests, writes += cs[i].writes;
        for (int k = 0; k < 6; k++)
            status[k] += cs[i].status[k];
        for (int r = 0; r < NR; r++)
            for (size_t k = 0; k < cs[i].lat[r].n; k++)
                add(&all[r], cs[i].lat[r].v[k]);
    }
    printf("{\"clients\": %d, \"seconds\": %.1f, \"students\": %ld, \"requests\": %ld, "
           "\"requests_per_s\": %.1f, \"writes\": %ld, \"writes_per_s\": %.1f, \"2xx\": %ld, "
           "\"3xx\": %ld, \"4xx\": %ld, \"5xx\": %ld, \"429\": %ld, \"no_answer\": %ld, "
           "\"routes\": {",
           clients, elapsed, students, requests, requests / elapsed, writes, writes / elapsed,
           status[0], status[1], status[2], status[3], status[4], status[5]);
    for (int r = 0; r < NR; r++) {
        qsort(all[r].v, all[r].n, sizeof *all[r].v, cmp);
        double p50 = all[r].n ? all[r].v[all[r].n / 2] : 0;
        double p99 = all[r].n ? all[r].v[all[r].n * 99 / 100] : 0;
        printf("%s\"%s\": {\"n\": %zu, \"p50_ms\": %.2f, \"p99_ms\": %.2f}", r ? ", " : "",
               route_names[r], all[r].n, p50 * 1e3, p99 * 1e3);
        free(all[r].v);
    }
    printf("}}\n");
    for (int i = 0; i < clients; i++)
        for (int r = 0; r < NR; r++)
            free(cs[i].lat[r].v);
    free(cs);
    curl_global_cleanup();
    return 0;
}
