/* rollout.c — the ShadowModeDashboard replay (model and rules in rollout.h).
 *
 * Each dwell's scored requests arrive as a stream whose failures are drawn as geometric gaps
 * (a stream of a million requests with 500 failures costs 500 draws). While the SPRT is still
 * undecided every failure is placed, so the moment the LLR reaches a boundary is exact: between
 * failures it falls by b per success, and where it meets ln B is the lattice's closed form,
 * checked with the same LLR(n, f) = f a + (n - f) b comparison as sprt.c. Once the SPRT has
 * decided, the rest of a dwell's failures are one exact binomial draw (inversion of the exact
 * CDF of stats.c). Latency is sampled per hardware generation (a lognormal body and an optional
 * slow-path tail) and summarised with fo_quantile_sorted. */
#include "fleetops/rollout.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fleetops/libm.h"
#include "fleetops/stats.h"

typedef struct sprt {
    double a, b, ln_a, ln_b;
    int decided;       /* +1 rejected H0, -1 accepted H0, 0 running */
    double decided_at; /* total requests at the decision */
    double llr_final;
} sprt;

static double llr(const sprt *s, double n, double f) {
    return f * s->a + (n - f) * s->b;
}

/* First n >= f at which f failures sit at or below ln B (the same lattice rule as sprt.c). */
static double n_lower(const sprt *s, double f) {
    double n = f + ceil((s->ln_b - f * s->a) / s->b);
    if (n < f) n = f;
    while (n > f && llr(s, n - 1, f) <= s->ln_b)
        n--;
    while (llr(s, n, f) > s->ln_b)
        n++;
    return n;
}

static int valid(const fo_rollout_params *p) {
    if (!(p->request_rate_per_s > 0) || !(p->slice_share > 0 && p->slice_share <= 1) ||
        !(p->scored_fraction > 0 && p->scored_fraction <= 1) ||
        !(p->true_failure_rate >= 0 && p->true_failure_rate < 1) ||
        !(p->failure_rate > 0 && p->failure_rate < 1) ||
        !(p->confidence > 0 && p->confidence < 1) || !(p->p0 > 0 && p->p1 > p->p0 && p->p1 < 1) ||
        !(p->alpha > 0 && p->beta > 0 && p->alpha + p->beta < 1) || !(p->deadline_ms >= 0) ||
        !(p->gate_quantile > 0 && p->gate_quantile < 1) || !(p->shadow_hours >= 0) ||
        p->max_holds < 0 || p->max_holds > FO_ROLLOUT_MAX_HOLDS ||
        p->generations > FO_ROLLOUT_MAX_GENERATIONS)
        return 0;
    for (size_t g = 0; g < p->generations; g++) {
        const fo_hw_generation *h = &p->gen[g];
        if (!(h->share >= 0 && h->share <= 1) || !(h->p50_ms > 0) || !(h->sigma >= 0) ||
            !(h->tail_fraction >= 0 && h->tail_fraction <= 1) ||
            (h->tail_fraction > 0 && !(h->tail_ms > 0)))
            return 0;
    }
    return 1;
}

static double scored_per_hour_full(const fo_rollout_params *p) {
    return p->request_rate_per_s * 3600.0 * p->slice_share * p->scored_fraction;
}

/* The stage's dwell: the ladder's, or the student's window for the shadow stage. */
static double dwell(const fo_rollout_params *p, const fo_stage *st, size_t s) {
    return s == 0 && p->shadow_hours > 0 ? p->shadow_hours : st[s].dwell_hours;
}

double fo_rollout_max_requests(const fo_rollout_params *p) {
    size_t ns;
    const fo_stage *st = fo_default_stages(&ns);
    double sum = 0;
    for (size_t s = 0; s < ns; s++)
        sum += st[s].observed_fraction * dwell(p, st, s);
    return scored_per_hour_full(p) * sum * (double)(1 + (p->max_holds > 0 ? p->max_holds : 0));
}

/* Binomial(n, q) exactly: counting geometric gaps for small means, else inverting the exact
 * CDF by bisection (on the upper tail for the upper half, where it is the accurate one). */
static double binomial_draw(double n, double q, fo_rng *rng) {
    if (n <= 0 || q <= 0) return 0;
    if (n * q < 30) {
        double k = 0, pos = 0;
        for (;;) {
            pos += (double)fo_rng_geometric(rng, q);
            if (pos > n) return k;
            k++;
        }
    }
    double u = fo_rng_uniform_pos(rng), sd = sqrt(n * q * (1 - q));
    int upper = u >= 0.5;
    double target = upper ? fo_log(1 - u) : fo_log(u);
    /* smallest k with CDF(k) >= u, i.e. ln cdf(k) >= ln u, or ln sf(k) <= ln(1-u) */
#define REACHED(k)                                                                                 \
    (upper ? fo_binom_log_sf((k), n, q) <= target : fo_binom_log_cdf((k), n, q) >= target)
    double lo = floor(n * q - 12 * sd) - 1, hi = ceil(n * q + 12 * sd);
    if (lo < -1) lo = -1;
    if (hi > n) hi = n;
    if (lo >= 0 && REACHED(lo)) lo = -1; /* beyond 12 sd: fall back to the full range */
    if (!REACHED(hi)) hi = n;
    while (hi - lo > 1) {
        double mid = floor(0.5 * (lo + hi));
        if (REACHED(mid))
            hi = mid;
        else
            lo = mid;
    }
#undef REACHED
    return hi;
}

typedef struct stream {
    double n0, f0;      /* totals before the dwell */
    double pos, f;      /* requests and failures so far in the dwell */
    double rolled_back; /* position of the failure that reached ln A, or -1 */
} stream;

/* Replays one dwell of `n` scored requests; records LLR checkpoints every n/(K-1) requests. */
static void run_stream(const fo_rollout_params *p, sprt *s, fo_rng *rng, double n, double hours,
                       double t0, fo_rollout_row *row, stream *st) {
    double q = p->true_failure_rate;
    size_t K = FO_ROLLOUT_LLR_POINTS, next_cp = 0;
    st->pos = 0, st->f = 0, st->rolled_back = -1;
    /* checkpoint k sits at request n k / (K-1); the LLR there uses the failures before it */
    size_t out = 0; /* points written: the checkpoints and, once, the decision */
#define EMIT_UNTIL(x)                                                                              \
    while (next_cp < K && n * (double)next_cp / (double)(K - 1) <= (x)) {                          \
        double cp = n * (double)next_cp / (double)(K - 1);                                         \
        row->llr_hours[out] = t0 + (n > 0 ? hours * cp / n : 0);                                   \
        row->llr_value[out++] = s->decided && s->decided_at <= st->n0 + cp                         \
                                    ? s->llr_final                                                 \
                                    : llr(s, st->n0 + cp, st->f0 + st->f);                         \
        next_cp++;                                                                                 \
    }
#define EMIT_DECISION(x)                                                                           \
    do {                                                                                           \
        row->llr_hours[out] = t0 + (n > 0 ? hours * (x) / n : 0);                                  \
        row->llr_value[out++] = s->llr_final;                                                      \
    } while (0)
    while (st->pos < n) {
        if (s->decided) { /* the SPRT has stopped: the rest is one exact draw */
            st->f += binomial_draw(n - st->pos, q, rng);
            st->pos = n;
            break;
        }
        double gap = q > 0 ? (double)fo_rng_geometric(rng, q) : INFINITY;
        double fail_at = st->pos + gap; /* position (1-based) of the next failure */
        double total_f = st->f0 + st->f;
        double accept_at = n_lower(s, total_f) - st->n0; /* in-dwell position of ln B */
        if (accept_at <= n && accept_at < fail_at) {
            EMIT_UNTIL(accept_at - 1e-9);
            s->decided = -1;
            s->decided_at = st->n0 + accept_at;
            s->llr_final = llr(s, s->decided_at, total_f);
            EMIT_DECISION(accept_at);
            st->pos = accept_at;
            continue;
        }
        if (fail_at > n) {
            st->pos = n;
            break;
        }
        EMIT_UNTIL(fail_at - 1e-9);
        st->pos = fail_at;
        st->f++;
        double l = llr(s, st->n0 + st->pos, st->f0 + st->f);
        if (l >= s->ln_a) {
            s->decided = 1;
            s->decided_at = st->n0 + st->pos;
            s->llr_final = l;
            st->rolled_back = st->pos;
            EMIT_UNTIL(st->pos - 1e-9);
            EMIT_DECISION(st->pos);
            break;
        }
    }
    double end = st->rolled_back >= 0 ? st->rolled_back : n;
    EMIT_UNTIL(end);
    row->llr_points = out;
#undef EMIT_UNTIL
#undef EMIT_DECISION
}

static double lognormal(fo_rng *rng, double median, double sigma) {
    return median * fo_exp(sigma * fo_rng_normal(rng));
}

static void latencies(const fo_rollout_params *p, const fo_stage *stage, double hours, fo_rng *rng,
                      fo_rollout_row *row, double *buf) {
    for (size_t g = 0; g < p->generations; g++) {
        const fo_hw_generation *h = &p->gen[g];
        double seen =
            floor(p->request_rate_per_s * 3600.0 * hours * stage->observed_fraction * h->share);
        size_t m = seen < FO_ROLLOUT_LATENCY_SAMPLES ? (size_t)seen : FO_ROLLOUT_LATENCY_SAMPLES;
        fo_rollout_latency *lat = &row->latency[g];
        lat->samples = (long long)m;
        if (m == 0) {
            lat->p50_ms = lat->p99_ms = lat->gate_ms = NAN;
            continue;
        }
        for (size_t i = 0; i < m; i++)
            buf[i] = h->tail_fraction > 0 && fo_rng_uniform(rng) < h->tail_fraction
                         ? lognormal(rng, h->tail_ms, 0.25)
                         : lognormal(rng, h->p50_ms, h->sigma);
        const double qs[3] = {0.5, 0.99, p->gate_quantile};
        double out[3];
        fo_quantiles(buf, m, qs, 3, out);
        lat->p50_ms = out[0];
        lat->p99_ms = out[1];
        lat->gate_ms = out[2];
    }
}

static double confidence_of(double n, double f, double p) {
    return -fo_expm1(fo_binom_log_cdf(f, n, p)); /* P(X > f | n, p) */
}

/* The first generation whose gate quantile breaks the deadline, or -1. */
static int latency_breach(const fo_rollout_params *p, const fo_rollout_row *row) {
    if (!(p->deadline_ms > 0)) return -1;
    for (size_t g = 0; g < p->generations; g++)
        if (row->latency[g].samples > 0 && row->latency[g].gate_ms > p->deadline_ms) return (int)g;
    return -1;
}

static void grouped(char *out, size_t n, double v) {
    /* 12,345 without the buffer machinery of the api layer */
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", v);
    size_t len = strlen(digits), k = 0;
    for (size_t i = 0; i < len && k + 2 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0) out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = '\0';
}

/* "p99", "p99.9": the percentile a quantile names. */
static void quantile_name(char *out, size_t n, double q) {
    snprintf(out, n, "p%.10g", 100 * q);
}

/* Decides a finished dwell (rules 2-5 of rollout.h); rule 1 is handled by the caller. */
static void decide(const fo_rollout_params *p, const sprt *s, const fo_stage *stages, size_t ns,
                   size_t si, int hold, fo_rollout_row *row) {
    char n_text[32];
    grouped(n_text, sizeof n_text, row->total_requests);
    int g = latency_breach(p, row);
    if (g >= 0) {
        row->decision = FO_ROLLOUT_ROLLBACK;
        row->rule = FO_RULE_LATENCY;
        char q[24];
        quantile_name(q, sizeof q, p->gate_quantile);
        snprintf(row->reason, sizeof row->reason,
                 "%s latency on %s is %.1f ms, over the %g ms deadline", q, p->gen[g].name,
                 row->latency[g].gate_ms, p->deadline_ms);
        return;
    }
    int last_step = si + 1 < ns && stages[si + 1].traffic_fraction >= 1.0;
    if (s->decided < 0) {
        row->decision = FO_ROLLOUT_PROMOTE;
        row->rule = FO_RULE_SPRT_ACCEPT;
        char at[32];
        grouped(at, sizeof at, s->decided_at);
        snprintf(row->reason, sizeof row->reason,
                 "the sequential test found the model healthy after %s requests (LLR %.2f <= "
                 "ln B = %.2f)",
                 at, s->llr_final, s->ln_b);
    } else if (row->running_confidence >= p->confidence) {
        row->decision = FO_ROLLOUT_PROMOTE;
        row->rule = FO_RULE_CONFIDENCE;
        snprintf(row->reason, sizeof row->reason,
                 "confidence %.1f%% >= %.4g%% that the failure rate is below %.3g%% (%.0f "
                 "failures in %s requests)",
                 100 * row->running_confidence, 100 * p->confidence, 100 * p->failure_rate,
                 row->total_failures, n_text);
    } else if (!last_step && row->llr <= 0) {
        row->decision = FO_ROLLOUT_PROMOTE;
        row->rule = FO_RULE_NO_ALARM;
        snprintf(row->reason, sizeof row->reason,
                 "no alarm: the evidence leans to a healthy model (LLR %.2f <= 0) and latency "
                 "meets the deadline; the next stage exposes only %g%% of users",
                 row->llr, 100 * stages[si + 1].traffic_fraction);
    } else if (hold < p->max_holds) {
        row->decision = FO_ROLLOUT_HOLD;
        row->rule = FO_RULE_HOLD;
        snprintf(row->reason, sizeof row->reason,
                 "undecided: the evidence (LLR %.2f) is between the two boundaries and "
                 "confidence %.1f%% < %.4g%%%s; dwell again (hold %d of %lld)",
                 row->llr, 100 * row->running_confidence, 100 * p->confidence,
                 last_step ? " (100% needs proof)" : "", hold + 1, p->max_holds);
    } else {
        row->decision = FO_ROLLOUT_ROLLBACK;
        row->rule = FO_RULE_UNDECIDED;
        snprintf(row->reason, sizeof row->reason,
                 "still undecided after %d dwell%s (LLR %.2f, confidence %.1f%%): roll back "
                 "rather than promote on weak evidence",
                 hold + 1, hold ? "s" : "", row->llr, 100 * row->running_confidence);
    }
}

int fo_rollout_run(const fo_rollout_params *p, fo_rng *rng, fo_rollout_result *r) {
    if (!valid(p) || !(fo_rollout_max_requests(p) <= FO_ROLLOUT_MAX_REQUESTS)) return -1;
    memset(r, 0, sizeof *r);
    size_t ns;
    const fo_stage *stages = fo_default_stages(&ns);
    sprt s = {.a = fo_log(p->p1 / p->p0),
              .b = fo_log1p(-p->p1) - fo_log1p(-p->p0),
              .ln_a = fo_log((1 - p->beta) / p->alpha),
              .ln_b = fo_log(p->beta / (1 - p->alpha)),
              .decided_at = NAN};
    r->log_upper_boundary = s.ln_a;
    r->log_lower_boundary = s.ln_b;
    double per_hour = scored_per_hour_full(p), t = 0, N = 0, F = 0, conf = 0;
    r->scored_per_hour_full = per_hour;
    double buf[FO_ROLLOUT_LATENCY_SAMPLES];
    r->decision = FO_ROLLOUT_ROLLBACK;
    for (size_t si = 0; si < ns; si++) {
        const fo_stage *st = &stages[si];
        for (int hold = 0; hold <= p->max_holds; hold++) {
            fo_rollout_row *row = &r->row[r->rows++];
            row->stage = st->name;
            row->stage_index = (int)si;
            row->hold = hold;
            row->traffic_fraction = st->traffic_fraction;
            row->observed_fraction = st->observed_fraction;
            row->start_hours = t;
            row->confidence_start = conf;
            row->llr_start = s.decided ? s.llr_final : llr(&s, N, F);
            double rate = per_hour * st->observed_fraction;
            double dw = dwell(p, stages, si);
            double n = floor(rate * dw);
            stream str = {.n0 = N, .f0 = F};
            run_stream(p, &s, rng, n, dw, t, row, &str);
            double hours = n > 0 && str.rolled_back >= 0 ? dw * str.rolled_back / n : dw;
            row->requests = str.pos;
            row->failures = str.f;
            N += str.pos, F += str.f;
            t += hours;
            row->end_hours = t;
            row->total_requests = N;
            row->total_failures = F;
            conf = confidence_of(N, F, p->failure_rate);
            row->running_confidence = conf;
            row->llr = s.decided ? s.llr_final : llr(&s, N, F);
            row->sprt = s.decided;
            row->sprt_decided_at = s.decided ? s.decided_at : NAN;
            latencies(p, st, hours, rng, row, buf);
            if (str.rolled_back >= 0) {
                char at[32];
                grouped(at, sizeof at, s.decided_at);
                row->decision = FO_ROLLOUT_ROLLBACK;
                row->rule = FO_RULE_SPRT_REJECT;
                snprintf(row->reason, sizeof row->reason,
                         "the sequential test found a regression after %s requests: LLR %.2f >= "
                         "ln A = %.2f, failures look like the %.3g%% rate to catch",
                         at, s.llr_final, s.ln_a, 100 * p->p1);
            } else if (st->traffic_fraction >= 1.0) {
                int g = latency_breach(p, row);
                if (g >= 0) {
                    decide(p, &s, stages, ns, si, p->max_holds, row); /* the breach */
                } else {
                    row->decision = FO_ROLLOUT_COMPLETE;
                    row->rule = FO_RULE_COMPLETE;
                    snprintf(row->reason, sizeof row->reason,
                             "every stage passed: the candidate serves 100%% of traffic");
                }
            } else {
                decide(p, &s, stages, ns, si, hold, row);
            }
            if (row->decision == FO_ROLLOUT_HOLD) continue;
            if (row->decision != FO_ROLLOUT_PROMOTE) {
                r->decision = row->decision;
                snprintf(r->reason, sizeof r->reason, "%s at %.16s: %.239s",
                         row->decision == FO_ROLLOUT_COMPLETE ? "completed" : "rolled back",
                         row->stage, row->reason);
                r->hours = t;
                return 0;
            }
            break; /* promoted: next stage */
        }
    }
    r->hours = t; /* not reached with the default ladder (its last stage is 100%) */
    return 0;
}
