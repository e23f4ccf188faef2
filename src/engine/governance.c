/* governance.c — a year of upstream releases under Loose Versioning and Strict Immutable
 * Contracts, on the real Part 3 pipeline (model in governance.h and pipeline.h).
 *
 * What is reused within one evaluation: the world and its data are drawn once; each version's
 * extractor is built once; each version's classifier is trained once, and its held-out pool's
 * features are extracted once, the first time a policy needs them. A week then costs
 * `requests_per_week` dot products per policy. */
#include "fleetops/governance.h"

#include <math.h>
#include <string.h>

#include "pipeline.h"

#define F  FO_PL_FEATURES
#define NT FO_GOV_TRAIN_ROWS
#define NP FO_GOV_POOL_ROWS

typedef struct cache {
    const fo_governance_params *p;
    int versions;
    fo_pl_world world;
    fo_pl_extractor *ext;               /* [versions] */
    fo_pl_logreg *clf;                  /* [versions] */
    double *val_acc;                    /* [versions]: accuracy of clf[v] on pool features of v */
    double *pool_f;                     /* [versions][NP][F] */
    unsigned char *have_clf;            /* [versions] */
    unsigned char *have_pool;           /* [versions] */
    double *p_train, *p_pool, *f_train; /* projections (pipeline.h), training features */
    unsigned char *y_train, *y_pool;
    size_t *batch; /* [requests_per_week] pool indices of this week's requests */
} cache;

static int version_count(const fo_governance_params *p) {
    return 1 + (int)((p->weeks - 1) / p->release_every_weeks);
}

static size_t round8(size_t n) {
    return (n + 7) & ~(size_t)7;
}

/* Lays the cache's arrays out in `base` (or only sizes them when base is NULL). */
static size_t carve(cache *c, const fo_governance_params *p, unsigned char *base) {
    size_t V = (size_t)version_count(p), off = 0;
#define TAKE(ptr, type, count)                                                                     \
    do {                                                                                           \
        if (base) c->ptr = (type *)(base + off);                                                   \
        off += round8(sizeof(type) * (count));                                                     \
    } while (0)
    TAKE(ext, fo_pl_extractor, V);
    TAKE(clf, fo_pl_logreg, V);
    TAKE(val_acc, double, V);
    TAKE(pool_f, double, V *NP *F);
    TAKE(p_train, double, (size_t)NT *FO_PL_PROJ);
    TAKE(p_pool, double, (size_t)NP *FO_PL_PROJ);
    TAKE(f_train, double, (size_t)NT *F);
    TAKE(batch, size_t, (size_t)p->requests_per_week);
    TAKE(have_clf, unsigned char, V);
    TAKE(have_pool, unsigned char, V);
    TAKE(y_train, unsigned char, NT);
    TAKE(y_pool, unsigned char, NP);
#undef TAKE
    return off;
}

static int params_ok(const fo_governance_params *p) {
    return (p->policy == FO_GOV_LOOSE || p->policy == FO_GOV_STRICT) && p->weeks >= 1 &&
           p->weeks <= FO_GOV_MAX_WEEKS && p->release_every_weeks >= 2 &&
           p->release_every_weeks <= FO_GOV_MAX_WEEKS && p->severity >= 0 && p->severity <= 1 &&
           p->retrain_days >= 0 && p->retrain_days <= 365 && p->contract_bump_days >= 0 &&
           p->contract_bump_days <= 365 && p->detection_weeks >= 1 && p->requests_per_week >= 1 &&
           p->requests_per_week <= NP && p->silent_failure_margin >= 0 &&
           p->silent_failure_margin < 1;
}

size_t fo_governance_work_bytes(const fo_governance_params *p) {
    if (!params_ok(p)) return 0;
    cache c;
    return carve(&c, p, NULL);
}

static const double *pool_features(cache *c, int v) {
    double *out = c->pool_f + (size_t)v * NP * F;
    if (!c->have_pool[v]) {
        fo_pl_extract(&c->ext[v], c->p_pool, NP, out);
        c->have_pool[v] = 1;
    }
    return out;
}

static const fo_pl_logreg *classifier(cache *c, int v) {
    if (!c->have_clf[v]) {
        fo_pl_extract(&c->ext[v], c->p_train, NT, c->f_train);
        fo_pl_logreg_train(&c->clf[v], c->f_train, c->y_train, NT);
        c->val_acc[v] = fo_pl_accuracy(&c->clf[v], pool_features(c, v), c->y_pool, NP);
        c->have_clf[v] = 1;
    }
    return &c->clf[v];
}

/* Accuracy of the classifier trained on version cv, served version sv, on this week's batch. */
static double week_accuracy(cache *c, int cv, int sv) {
    const fo_pl_logreg *m = classifier(c, cv);
    const double *pf = pool_features(c, sv);
    size_t n = (size_t)c->p->requests_per_week, ok = 0;
    for (size_t j = 0; j < n; j++) {
        size_t i = c->batch[j];
        const double *f = pf + i * F;
        double t = m->b;
        for (int k = 0; k < F; k++)
            t += m->w[k] * f[k];
        ok += (t > 0) == (c->y_pool[i] != 0);
    }
    return (double)ok / (double)n;
}

/* The state of one policy as the weeks go by. */
typedef struct policy_state {
    int policy;
    int trained; /* version the live classifier was trained on (= pinned under strict) */
    int busy;    /* a retrain (loose: the incident's fix; strict: an upgrade) is under way */
    int target;  /* version the retrain trains on */
    double live_day;
    int episode_sf;    /* loose: silent-failure weeks since the classifier last changed */
    int incident_open; /* loose */
} policy_state;

static long long live_week(double day) {
    return (long long)ceil(day / 7.0 - 1e-9);
}

static void simulate_week(cache *c, policy_state *s, fo_gov_outcome *o, fo_governance_result *r,
                          long long w, int latest) {
    const fo_governance_params *p = c->p;
    fo_gov_week *wk = &o->week[w];
    /* Retrains whose result goes live by the start of this week; strict starts the next one. */
    for (;;) {
        if (s->busy && live_week(s->live_day) <= w) {
            s->trained = s->target;
            s->busy = 0;
            s->episode_sf = 0;
            s->incident_open = 0;
            wk->upgraded = 1;
            o->retrains++;
            if (s->policy == FO_GOV_STRICT)
                for (int v = 1; v <= s->trained; v++)
                    if (r->release[v].adopted_day < 0) r->release[v].adopted_day = s->live_day;
            continue;
        }
        if (s->policy == FO_GOV_STRICT && !s->busy && latest > s->trained) {
            /* The team starts as soon as both a newer release exists and the last upgrade is
             * live, and trains on the newest version released by then. */
            double first = 7.0 * (double)r->release[s->trained + 1].week;
            double start = first > s->live_day ? first : s->live_day;
            int target = s->trained + 1;
            while (target < latest && 7.0 * (double)r->release[target + 1].week <= start)
                target++;
            s->busy = 1;
            s->target = target;
            s->live_day = start + p->retrain_days + p->contract_bump_days;
            if (live_week(s->live_day) <= w) continue;
        }
        break;
    }
    int served = s->policy == FO_GOV_LOOSE ? latest : s->trained;
    wk->served_version = served + 1;
    wk->trained_version = s->trained + 1;
    wk->accuracy = week_accuracy(c, s->trained, served);
    wk->silent_failure =
        served != s->trained && wk->accuracy < c->val_acc[s->trained] - p->silent_failure_margin;
    o->silent_failure_weeks += wk->silent_failure;
    o->mean_accuracy += wk->accuracy;
    if (s->policy == FO_GOV_LOOSE && wk->silent_failure) {
        s->episode_sf++;
        if (!s->incident_open && s->episode_sf >= p->detection_weeks) {
            /* Noticed at the end of the week; the fix retrains on the latest view. */
            s->incident_open = 1;
            wk->incident = 1;
            o->incidents++;
            if (!s->busy) {
                s->busy = 1;
                s->target = latest;
                s->live_day = 7.0 * (double)(w + 1) + p->retrain_days;
            }
        }
    }
}

int fo_governance_run(const fo_governance_params *p, fo_rng *rng, void *work, size_t work_bytes,
                      fo_governance_result *r) {
    if (!params_ok(p) || !work || work_bytes < fo_governance_work_bytes(p)) return -1;
    memset(r, 0, sizeof *r);
    cache c;
    memset(&c, 0, sizeof c);
    c.p = p;
    c.versions = version_count(p);
    carve(&c, p, work);
    memset(c.have_clf, 0, (size_t)c.versions);
    memset(c.have_pool, 0, (size_t)c.versions);

    /* Draws, in order: the world, the training split, the pool, each release's drift and
     * severity, then one seed per week for its requests. */
    fo_pl_world_init(&c.world, rng);
    fo_pl_sample(&c.world, rng, NT, NULL, c.p_train, c.y_train);
    fo_pl_sample(&c.world, rng, NP, NULL, c.p_pool, c.y_pool);
    fo_pl_extractor_first(&c.ext[0], c.p_train, NT);
    r->releases = c.versions;
    r->release[0] =
        (fo_gov_release){.week = 0, .version = 1, .leakage = c.ext[0].leakage, .adopted_day = 0};
    for (int v = 1; v < c.versions; v++) {
        fo_pl_drift d;
        fo_pl_drift_draw(&d, rng);
        double s = p->severity * (0.5 + fo_rng_uniform(rng));
        if (s > 1) s = 1;
        fo_pl_extractor_next(&c.ext[v], &c.ext[v - 1], &d, s, c.p_train, NT);
        r->release[v] = (fo_gov_release){.week = (int)(v * p->release_every_weeks),
                                         .version = v + 1,
                                         .severity = s,
                                         .leakage = c.ext[v].leakage,
                                         .adopted_day = -1};
    }
    uint64_t week_seed[FO_GOV_MAX_WEEKS];
    for (long long w = 0; w < p->weeks; w++)
        week_seed[w] = fo_rng_u64(rng);

    policy_state st[2];
    for (int k = 0; k < 2; k++) {
        int pol = k == 0 ? p->policy : 1 - p->policy;
        st[k] = (policy_state){.policy = pol};
        r->outcome[k].policy = pol;
    }
    int latest = 0;
    for (long long w = 0; w < p->weeks; w++) {
        fo_rng wr;
        fo_rng_seed(&wr, week_seed[w]);
        for (long long j = 0; j < p->requests_per_week; j++)
            c.batch[j] = (size_t)fo_rng_below(&wr, NP);
        int released = latest + 1 < c.versions && r->release[latest + 1].week == w;
        if (released) latest++;
        for (int k = 0; k < 2; k++) {
            r->outcome[k].week[w].release = (unsigned char)released;
            simulate_week(&c, &st[k], &r->outcome[k], r, w, latest);
        }
    }

    for (int v = 0; v < c.versions; v++) {
        fo_gov_release *rel = &r->release[v];
        classifier(&c, v);
        rel->accuracy_retrained = c.val_acc[v];
        rel->accuracy_unretrained =
            v ? fo_pl_accuracy(classifier(&c, v - 1), pool_features(&c, v), c.y_pool, NP)
              : c.val_acc[0];
    }
    r->v1_accuracy = c.val_acc[0];
    for (int k = 0; k < 2; k++) {
        fo_gov_outcome *o = &r->outcome[k];
        o->mean_accuracy /= (double)p->weeks;
        if (o->policy == FO_GOV_LOOSE) continue; /* reads every release at once: delay 0 */
        double sum = 0;
        long long adopted = 0;
        for (int v = 1; v < c.versions; v++) {
            if (r->release[v].adopted_day < 0) {
                o->pending_upgrades++;
                continue;
            }
            sum += r->release[v].adopted_day - 7.0 * r->release[v].week;
            adopted++;
        }
        o->upgrade_delay_days = adopted ? sum / (double)adopted : 0.0;
    }
    return 0;
}
