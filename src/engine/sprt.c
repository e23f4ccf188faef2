/* sprt.c — Wald's SPRT on Bernoulli failures (model in sprt.h): Wald's approximations, the
 * exact error rates and sample numbers of the same stopping rule by dynamic programming, the
 * fixed-sample binomial test it is compared with, and a seeded Monte Carlo.
 *
 * One lattice, one comparison. Every part decides "stopped?" with the same expression
 * LLR(n, f) = f a + (n - f) b evaluated at whole n and f, so the DP, the simulation and the
 * figure's paths agree on every boundary tie. In floating point that expression is monotone
 * in n (falling) and in f (rising), so "the first n at which f failures reach ln B" is well
 * defined; the simulation tabulates it per f.
 *
 * The simulation draws the gap G ~ Geometric(p) to the next failure as ceil(E / lambda),
 * E ~ Exp(1), lambda = -ln(1-p) (P(G > g) = P(E > g lambda) = (1-p)^g exactly), with E from
 * Marsaglia and Tsang's ziggurat (2000), so most draws cost half a 64-bit random number, a
 * table look-up and a multiply: no logarithm. */
#include "fleetops/sprt.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "fleetops/libm.h"
#include "fleetops/stats.h"

#define WINDOW    1024 /* > FO_SPRT_MAX_BAND + 2: the DP's window of failure counts (16 kB) */
#define JUMP_BAND 64   /* the DP jumps quiet stretches of bands up to this wide (see below) */
#define FTAB      2048 /* failure counts whose boundary crossings the simulation tabulates */

typedef struct lattice {
    double a, b, ln_a, ln_b; /* jump per failure, drift per success, ln A, ln B */
} lattice;

static double llr(const lattice *L, double n, double f) {
    return f * L->a + (n - f) * L->b;
}

static int valid(const fo_sprt_params *p) {
    return p->p0 > 0 && p->p1 > p->p0 && p->p1 < 1 && p->alpha > 0 && p->beta > 0 &&
           p->alpha + p->beta < 1 && p->simulate >= 0 && p->simulate <= FO_SPRT_MAX_SIMULATE &&
           p->max_requests >= 0;
}

static lattice make_lattice(const fo_sprt_params *p) {
    lattice L;
    L.a = fo_log(p->p1 / p->p0);
    L.b = fo_log1p(-p->p1) - fo_log1p(-p->p0);
    L.ln_a = fo_log((1 - p->beta) / p->alpha);
    L.ln_b = fo_log(p->beta / (1 - p->alpha));
    return L;
}

double fo_sprt_band(const fo_sprt_params *p) {
    if (!valid(p)) return NAN;
    lattice L = make_lattice(p);
    return (L.ln_a - L.ln_b) / (L.a - L.b);
}

/* Wald's E[N] under H0 and H1 (overshoot ignored). */
static void wald_asn(const fo_sprt_params *p, const lattice *L, double *h0, double *h1) {
    double z0 = p->p0 * L->a + (1 - p->p0) * L->b, z1 = p->p1 * L->a + (1 - p->p1) * L->b;
    *h0 = ((1 - p->alpha) * L->ln_b + p->alpha * L->ln_a) / z0;
    *h1 = (p->beta * L->ln_b + (1 - p->beta) * L->ln_a) / z1;
}

double fo_sprt_simulation_cost(const fo_sprt_params *p) {
    if (!valid(p)) return NAN;
    lattice L = make_lattice(p);
    double h0, h1;
    wald_asn(p, &L, &h0, &h1);
    return p->p0 * h0 + p->p1 * h1 + 2;
}

/* ---- Wald's OC curve ---------------------------------------------------------------------
 * For the true rate p, h != 0 solves p (p1/p0)^h + (1-p) ((1-p1)/(1-p0))^h = 1, i.e.
 * p(h) = (e^{-hb} - 1) / (e^{h(a-b)} - 1), falling in h, with p(0) = -b/(a-b) (zero drift).
 * Then P(accept H0) = (A^h - 1) / (A^h - B^h), written without overflow for either sign. */
static double oc_p_of_h(const lattice *L, double h) {
    if (fabs(h) < 1e-12) return -L->b / (L->a - L->b);
    return fo_expm1(-h * L->b) / fo_expm1(h * (L->a - L->b));
}

static double oc_accept_of_h(const lattice *L, double h) {
    double d = L->ln_a - L->ln_b;
    if (fabs(h) < 1e-12) return L->ln_a / d;
    if (h > 0) return fo_expm1(-h * L->ln_a) / fo_expm1(-h * d);
    return (fo_exp(h * d) - fo_exp(-h * L->ln_b)) / fo_expm1(h * d);
}

static void oc_curve(const fo_sprt_params *p, const lattice *L, fo_sprt_result *r) {
    double pmax = 2 * p->p1 < 1 ? 2 * p->p1 : 1;
    r->oc_len = FO_SPRT_OC_POINTS;
    for (int i = 0; i < FO_SPRT_OC_POINTS; i++) {
        double q = pmax * i / (FO_SPRT_OC_POINTS - 1);
        fo_sprt_oc_point *o = &r->oc[i];
        o->p = q;
        if (q <= 0) {
            o->accept_h0 = 1;
            o->asn = L->ln_b / L->b; /* only successes: straight down to ln B */
            continue;
        }
        if (q >= 1) {
            o->accept_h0 = 0;
            o->asn = L->ln_a / L->a;
            continue;
        }
        double lo = -1, hi = 1; /* p(lo) > q > p(hi) */
        while (oc_p_of_h(L, lo) < q && lo > -1e6)
            lo *= 2;
        while (oc_p_of_h(L, hi) > q && hi < 1e6)
            hi *= 2;
        for (int it = 0; it < 200; it++) {
            double mid = 0.5 * (lo + hi);
            if (oc_p_of_h(L, mid) > q)
                lo = mid;
            else
                hi = mid;
            if (hi - lo < 1e-13 * (1 + fabs(mid))) break;
        }
        double h = 0.5 * (lo + hi), acc = oc_accept_of_h(L, h);
        double drift = q * L->a + (1 - q) * L->b;
        o->accept_h0 = acc;
        if (fabs(h) < 1e-6) /* zero drift: Wald's limit -ln A ln B / E[z^2] */
            o->asn = -L->ln_a * L->ln_b / (q * L->a * L->a + (1 - q) * L->b * L->b);
        else
            o->asn = (acc * L->ln_b + (1 - acc) * L->ln_a) / drift;
    }
}

/* ---- exact: dynamic program over the lattice ---------------------------------------------
 * mass[f] = P(f failures among the first n requests and no boundary reached yet), for both
 * hypotheses at once (the alive band of f depends only on (n, f), not on p). Each request
 * moves mass f -> f (1-p) and f -> f+1 (p); then the states at or past a boundary are
 * absorbed: only the new top count can reach ln A, only the bottom ones ln B. */
typedef struct dp_side {
    double p, reject, accept, asn, alive, stopped, median, p99;
} dp_side;

static void dp_absorb(dp_side *s, double mass, double n, int reject) {
    if (reject)
        s->reject += mass;
    else
        s->accept += mass;
    s->asn += n * mass;
    double before = s->stopped;
    s->stopped += mass;
    if (before < 0.5 && s->stopped >= 0.5) s->median = n;
    if (before < 0.99 && s->stopped >= 0.99) s->p99 = n;
}

/* Both hypotheses' masses at one failure count side by side (two lanes of one SSE2 register
 * on x86-64, two scalars elsewhere): one multiply-multiply-add per count updates both. The
 * lanes compute exactly what two scalar loops did (fp-contract is off in ISO C mode). */
typedef double v2d __attribute__((vector_size(16)));

/* The band lives in a plain array window: m[f - base] for f in [lo, hi + 1]; when the band
 * nears the window's end it is moved back to its start (lo and hi only grow). No ring
 * indexing, so the update loop is a straight run of vector operations (the profile showed the
 * masked scalar loop as ~80% of a long DP). */
static v2d dp_alive(const v2d *m, long long lo, long long hi, long long base) {
    v2d sum = {0, 0};
    for (long long f = lo; f <= hi; f++)
        sum += m[f - base];
    return sum;
}

static double n_lower(const lattice *L, double f);
static double n_upper(const lattice *L, double f);

/* ---- jumping over quiet stretches --------------------------------------------------------
 * Between two boundary moves the band [lo, hi] is fixed, nothing is absorbed at the bottom,
 * and at the top each request absorbs exactly what flows from hi into hi + 1 (rejection). Over
 * k such requests the transition T = c I + q S (S: up one count) is binomial: T^k moves mass
 * from count g to f with probability Bin(k, f - g; q), and what leaves the band is the mass
 * that meets at least hi - g + 1 failures, P(Bin(k, q) >= hi - g + 1). With T_r the request of
 * the r-th failure (negative binomial), sum_{t <= k} t P(T_r = t) = (r / q) P(Bin(k + 1, q) >=
 * r + 1), which gives each block's share of E[N] in closed form. So a stretch of k requests
 * costs O(w^2) for a band of w counts instead of O(k w); the DP jumps when k > w (for a slowly
 * moving boundary, p = 0.001, k is ~700 and w ~9) and w <= JUMP_BAND (wide bands come with
 * short stretches; the tables stay small on the stack). The quantiles and the every-16-
 * requests convergence check, both monotone in n, are located inside a jump by bisection. */

typedef struct binom_row {
    double pmf[JUMP_BAND + 2];  /* P(Bin(k, q) = j), j = 0 .. w + 1 */
    double tail[JUMP_BAND + 2]; /* P(Bin(k, q) >= j + 1), j = 0 .. w */
} binom_row;

/* pmf and upper tails of Bin(k, q) up to index w + 1; returns 0 when c^k underflows (the
 * caller then steps instead). Tails are summed from the far end, all terms positive. */
static int binom_fill(binom_row *b, long long k, double q, long long w) {
    double lc = (double)k * fo_log1p(-q), ratio = q / (1 - q);
    if (lc < -700) return 0;
    long long top = w + 1 < k ? w + 1 : k;
    b->pmf[0] = fo_exp(lc);
    for (long long j = 0; j < top; j++)
        b->pmf[j + 1] = b->pmf[j] * ((double)(k - j) / (double)(j + 1)) * ratio;
    for (long long j = top + 1; j <= w + 1; j++)
        b->pmf[j] = 0;
    /* Beyond the table: sum terms until they stop mattering, past the mode, against the
     * largest tail P(X >= 1) (each tail multiplies a mass <= 1, so what is dropped moves an
     * absorbed total by < 1e-18 of that tail). */
    double beyond = 0, term = b->pmf[top], scale = -fo_expm1(lc);
    for (long long j = top; j < k; j++) {
        term *= ((double)(k - j) / (double)(j + 1)) * ratio;
        beyond += term;
        if (term < 1e-18 * scale && (double)j > (double)k * q) break;
    }
    double t = beyond;
    for (long long j = w; j >= 0; j--) { /* tail[j] = P(X >= j + 1) */
        t += j + 1 <= top ? b->pmf[j + 1] : 0;
        b->tail[j] = t;
    }
    return 1;
}

/* Mass absorbed at the top over the first i requests of a stretch, from counts lo..hi. */
static double top_absorbed(const double *m, long long w, long long i, double q, binom_row *tmp) {
    if (!binom_fill(tmp, i, q, w)) return NAN;
    double s = 0;
    for (long long g = 0; g < w; g++) /* count lo + g: needs w - g failures to leave */
        s += m[g] * tmp->tail[w - 1 - g];
    return s;
}

typedef struct dp_work {
    binom_row row[2], probe; /* row[h]: Bin(k, q_h) for the stretch being jumped */
    double mass[2][JUMP_BAND];
} dp_work;

/* Alive mass after i quiet requests from the band's masses (both hypotheses below tail?). */
static int converged_after(const dp_work *wk, long long w, long long i, const double *q,
                           binom_row *tmp) {
    for (int h = 0; h < 2; h++) {
        double alive = 0;
        for (long long g = 0; g < w; g++)
            alive += wk->mass[h][g];
        double gone = top_absorbed(wk->mass[h], w, i, q[h], tmp);
        if (!(alive - gone < FO_SPRT_TAIL_MASS)) return 0;
    }
    return 1;
}

/* Both hypotheses' rows for a stretch of k requests; 1 when the band's undecided mass would
 * be below the tail mass under both by its end (the same sums as converged_after), 0 when
 * not, -1 when a row cannot be computed (the caller then steps). */
static int fill_rows(dp_work *wk, long long w, long long k, const double *q) {
    int converged = 1;
    for (int h = 0; h < 2; h++) {
        if (!binom_fill(&wk->row[h], k, q[h], w)) return -1; /* c^k underflows: step */
        double alive = 0, gone = 0;
        for (long long g = 0; g < w; g++)
            alive += wk->mass[h][g];
        for (long long g = 0; g < w; g++)
            // NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult): filled above
            gone += wk->mass[h][g] * wk->row[h].tail[w - 1 - g];
        converged &= alive - gone < FO_SPRT_TAIL_MASS;
    }
    return converged;
}

/* Jumps k quiet requests: n -> n + k, masses convolved, the top's absorption booked. */
static void dp_jump(dp_work *wk, v2d *m, long long lo, long long hi, long long base, long long n,
                    long long k, const double *q, dp_side **side) {
    long long w = hi - lo + 1;
    /* Both hypotheses side by side in lanes (each lane the same operations in the same order
     * as a loop over one hypothesis): masses from the window, the rows' pmf and tails. */
    v2d pmf[JUMP_BAND + 2], tail[JUMP_BAND + 2], gone = {0, 0}, asn = {0, 0};
    const v2d q2 = {q[0], q[1]}, n2 = {(double)n, (double)n};
    for (long long j = 0; j <= w; j++) {
        pmf[j] = (v2d){wk->row[0].pmf[j], wk->row[1].pmf[j]};
        tail[j] = (v2d){wk->row[0].tail[j], wk->row[1].tail[j]};
    }
    const v2d *mass = m + (lo - base);
    for (long long g = 0; g < w; g++) {
        long long r = w - g; /* failures needed to pass the top */
        /* P(Bin(k + 1, q) >= r + 1) = P(Bin(k, q) >= r + 1) + q P(Bin(k, q) = r) */
        v2d reach = tail[r - 1], reach_next = tail[r] + q2 * pmf[r];
        v2d r2 = {(double)r, (double)r};
        gone += mass[g] * reach;
        asn += mass[g] * (n2 * reach + r2 / q2 * reach_next);
    }
    /* What stays: the binomial convolution, next[f] = sum over g <= f of mass[g] pmf[f - g],
     * added in g order for every f (the same sums as a dot product per f), one contiguous
     * run per g. */
    v2d next[JUMP_BAND];
    for (long long f = 0; f < w; f++)
        next[f] = (v2d){0, 0};
    for (long long g = 0; g < w; g++) {
        v2d mg = mass[g];
        for (long long f = g; f < w; f++)
            next[f] += mg * pmf[f - g];
    }
    for (int h = 0; h < 2; h++) {
        /* the quantiles, when this stretch carries the stopped mass past them */
        dp_side *s = side[h];
        double marks[2] = {0.5, 0.99}, *at[2] = {&s->median, &s->p99};
        for (int q_ = 0; q_ < 2; q_++) {
            if (!(s->stopped < marks[q_] && s->stopped + gone[h] >= marks[q_])) continue;
            long long lo_i = 0, hi_i = k; /* stopped + absorbed(lo_i) < mark <= ... (hi_i) */
            while (hi_i - lo_i > 1) {
                long long mid = lo_i + (hi_i - lo_i) / 2;
                if (s->stopped + top_absorbed(wk->mass[h], w, mid, q[h], &wk->probe) >= marks[q_])
                    hi_i = mid;
                else
                    lo_i = mid;
            }
            *at[q_] = (double)(n + hi_i);
        }
        s->reject += gone[h];
        s->asn += asn[h];
        s->stopped += gone[h];
    }
    for (long long f = 0; f < w; f++)
        m[lo - base + f] = next[f];
}

static double clamp_prob(double x) {
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

static void exact_dp(const fo_sprt_params *p, const lattice *L, double band, fo_sprt_result *r) {
    dp_work work, *wk = &work;
    static const v2d zero = {0, 0};
    v2d m[WINDOW];
    dp_side s0 = {.p = p->p0, .alive = 1, .median = NAN, .p99 = NAN};
    dp_side s1 = {.p = p->p1, .alive = 1, .median = NAN, .p99 = NAN};
    dp_side *side[2] = {&s0, &s1};
    const v2d q = {p->p0, p->p1}, c = {1 - p->p0, 1 - p->p1};
    const double qs[2] = {p->p0, p->p1};
    /* The work budget counts what the DP does, not requests: a request stepped costs the band
     * plus FO_SPRT_DP_STEP_COST, a quiet stretch jumped its convolution (band squared) plus
     * FO_SPRT_DP_JUMP_COST, whatever its length; max_requests is the caller's own cut. */
    (void)band;
    long long cap = p->max_requests > 0 ? p->max_requests : (long long)FO_SPRT_DP_MAX_N;
    double spent = 0;
    long long lo = 0, hi = 0, n = 0, base = 0;
    long long e_top = 0, e_bot = 0, e_hi = -1, e_lo = -1; /* the next boundary moves, for hi, lo */
    m[0] = (v2d){1, 1};
    while (n < cap && lo <= hi && spent < FO_SPRT_DP_BUDGET) {
        /* The undecided mass, every 16 requests (summing it is most of a narrow band's work). */
        if ((n & 15) == 0) {
            v2d alive = dp_alive(m, lo, hi, base);
            s0.alive = alive[0], s1.alive = alive[1];
            if (s0.alive < FO_SPRT_TAIL_MASS && s1.alive < FO_SPRT_TAIL_MASS) break;
        }
        /* A quiet stretch ahead: requests n + 1 .. e - 1 move neither boundary. */
        long long w = hi - lo + 1;
        if (hi != e_hi) e_top = (long long)n_upper(L, (double)(hi + 1)) + 1, e_hi = hi;
        if (lo != e_lo) e_bot = (long long)n_lower(L, (double)lo), e_lo = lo;
        long long k = (e_top < e_bot ? e_top : e_bot) - 1 - n;
        if (k > cap - n) k = cap - n;
        int rows = 0;
        if (k >= 8 && 4 * k >= w && w <= JUMP_BAND) {
            for (int h = 0; h < 2; h++)
                for (long long g = 0; g < w; g++)
                    wk->mass[h][g] = m[lo - base + g][h];
            rows = fill_rows(wk, w, k, qs);
        }
        if (rows >= 0 && k >= 8 && 4 * k >= w && w <= JUMP_BAND) {
            /* The convergence check runs at every 16th n. The undecided mass only falls, so a
             * check inside the stretch can pass only if the stretch's end would: only then
             * are the checks located, by bisection (the first that passes ends the DP). A
             * shorter stretch's rows are computable when the longer one's were. */
            if (rows == 1) {
                long long last = ((n + k) / 16) * 16, first = (n / 16 + 1) * 16;
                if (last > n && converged_after(wk, w, last - n, qs, &wk->probe)) {
                    long long a = first, b = last; /* multiples of 16: b passes, a may not */
                    if (converged_after(wk, w, first - n, qs, &wk->probe)) b = first;
                    while (b - a > 16) {
                        long long mid = a + ((b - a) / 32) * 16;
                        if (converged_after(wk, w, mid - n, qs, &wk->probe))
                            b = mid;
                        else
                            a = mid;
                    }
                    k = b - n;
                    fill_rows(wk, w, k, qs);
                }
            }
            dp_jump(wk, m, lo, hi, base, n, k, qs, side);
            n += k;
            spent += (double)(w * w) + FO_SPRT_DP_JUMP_COST;
            continue;
        }
        if (hi + 2 - base > WINDOW) { /* move the band [lo, hi] back to the window's start */
            memmove(m, m + (lo - base), (size_t)(hi - lo + 1) * sizeof *m);
            base = lo;
        }
        long long top = hi + 1 - base, bottom = lo - base; /* window indices */
        m[top] = zero;
        for (long long i = top; i > bottom; i--)
            m[i] = m[i] * c + m[i - 1] * q;
        m[bottom] *= c;
        hi++, n++;
        spent += (double)w + FO_SPRT_DP_STEP_COST;
        double dn = (double)n;
        while (hi >= lo && llr(L, dn, (double)hi) >= L->ln_a) {
            dp_absorb(&s0, m[hi - base][0], dn, 1);
            dp_absorb(&s1, m[hi - base][1], dn, 1);
            hi--;
        }
        while (lo <= hi && llr(L, dn, (double)lo) <= L->ln_b) {
            dp_absorb(&s0, m[lo - base][0], dn, 0);
            dp_absorb(&s1, m[lo - base][1], dn, 0);
            lo++;
        }
    }
    v2d alive = lo <= hi ? dp_alive(m, lo, hi, base) : zero;
    s0.alive = alive[0], s1.alive = alive[1];
    r->exact_requests = n;
    /* Sums of many small masses can drift a few ulps past 1: probabilities are clamped. */
    s0.reject = clamp_prob(s0.reject), s1.accept = clamp_prob(s1.accept);
    s0.alive = clamp_prob(s0.alive), s1.alive = clamp_prob(s1.alive);
    r->exact_alpha = s0.reject;
    r->exact_beta = s1.accept;
    r->exact_asn_h0 = s0.asn + (double)n * s0.alive; /* E[min(N, n)] */
    r->exact_asn_h1 = s1.asn + (double)n * s1.alive;
    r->exact_median_h0 = s0.median, r->exact_median_h1 = s1.median;
    r->exact_p99_h0 = s0.p99, r->exact_p99_h1 = s1.p99;
    r->truncation_mass_h0 = s0.alive, r->truncation_mass_h1 = s1.alive;
    r->exact_converged = s0.alive < FO_SPRT_TAIL_MASS && s1.alive < FO_SPRT_TAIL_MASS;
}

/* ---- the fixed-sample test ----------------------------------------------------------------
 * With n requests, reject H0 when X >= c, c the smallest count with P(X >= c | n, p0) <=
 * alpha. Its beta, P(X < c | n, p1), saw-tooths in n (discreteness), so "the smallest n" takes
 * two steps. (1) The randomized test (reject with probability gamma at X = c - 1, size exactly
 * alpha) has a beta that only falls with n, so bisection finds its smallest n, n_r, exactly;
 * no plain test can do better. (2) A plain test with critical value c works for the n in
 * [N_min(c), N_max(c)], N_min the first n with P(X < c | n, p1) <= beta and N_max the last
 * with P(X >= c | n, p0) <= alpha (both rise with c, and any c that works means the smallest
 * c works too). So walk c up from c(n_r): the first c whose window reaches past n_r gives the
 * answer, max(N_min(c), n_r). Cost: a few bisections, however far apart the saw-teeth are. */
typedef struct fixed_eval {
    double c, size, beta, beta_randomized;
} fixed_eval;

/* Smallest c with P(X >= c | n, p0) <= alpha: gallop from the normal guess, then bisect. */
static double critical_count(double n, double p0, double alpha) {
    double la = fo_log(alpha),
           sd = ceil(sqrt(n * p0 * (1 - p0))) + 1; /* whole: lo, hi stay whole */
    double lo = floor(n * p0 + 1.5 * sd), hi, step = sd;
    if (lo > n) lo = n;
    if (lo < 0) lo = 0;
    if (fo_binom_log_sf(lo - 1, n, p0) <= la) { /* lo already rejects: move down */
        hi = lo;
        for (;;) {
            lo = hi - step;
            if (lo <= 0) {
                lo = 0;
                break;
            }
            if (fo_binom_log_sf(lo - 1, n, p0) > la) break;
            hi = lo, step *= 2;
        }
    } else {
        for (;;) {
            hi = lo + step;
            if (hi >= n + 1) {
                hi = n + 1;
                break;
            }
            if (fo_binom_log_sf(hi - 1, n, p0) <= la) break;
            lo = hi, step *= 2;
        }
    }
    /* invariant: c = lo does not reach size alpha (or lo = 0), c = hi does */
    while (hi - lo > 1) {
        double mid = floor(0.5 * (lo + hi));
        if (fo_binom_log_sf(mid - 1, n, p0) <= la)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

static fixed_eval fixed_at(double n, double p0, double p1, double alpha) {
    fixed_eval e;
    double c = critical_count(n, p0, alpha);
    e.c = c;
    e.size = fo_exp(fo_binom_log_sf(c - 1, n, p0));
    e.beta = fo_exp(fo_binom_log_cdf(c - 1, n, p1));
    double pm0 = fo_exp(fo_binom_log_pmf(c - 1, n, p0)),
           pm1 = fo_exp(fo_binom_log_pmf(c - 1, n, p1));
    double gamma = pm0 > 0 ? (alpha - e.size) / pm0 : 0;
    e.beta_randomized = e.beta - gamma * pm1;
    return e;
}

/* First n >= c with P(X <= c-1 | n, p1) <= beta, starting the gallop at `from`. */
static double window_start(double c, double p1, double beta, double from) {
    double lb = fo_log(beta), lo = c - 1, hi = from > c ? from : c;
    while (fo_binom_log_cdf(c - 1, hi, p1) > lb)
        lo = hi, hi *= 2;
    while (hi - lo > 1) {
        double mid = floor(0.5 * (lo + hi));
        if (fo_binom_log_cdf(c - 1, mid, p1) <= lb)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

/* Last n with P(X >= c | n, p0) <= alpha. */
static double window_end(double c, double p0, double alpha, double from) {
    double la = fo_log(alpha), lo = c - 1, hi = from > c ? from : c;
    while (fo_binom_log_sf(c - 1, hi, p0) <= la)
        lo = hi, hi *= 2;
    while (hi - lo > 1) {
        double mid = floor(0.5 * (lo + hi));
        if (fo_binom_log_sf(c - 1, mid, p0) <= la)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static void fixed_test(const fo_sprt_params *p, fo_sprt_result *r) {
    double p0 = p->p0, p1 = p->p1, za = fo_normal_quantile(1 - p->alpha),
           zb = fo_normal_quantile(1 - p->beta);
    double approx = (za * sqrt(p0 * (1 - p0)) + zb * sqrt(p1 * (1 - p1))) / (p1 - p0);
    approx *= approx;
    double lo = 0, hi = ceil(approx) > 1 ? ceil(approx) : 1;
    while (fixed_at(hi, p0, p1, p->alpha).beta_randomized > p->beta)
        lo = hi, hi *= 2;
    while (hi - lo > 1) {
        double mid = floor(0.5 * (lo + hi));
        if (fixed_at(mid, p0, p1, p->alpha).beta_randomized <= p->beta)
            hi = mid;
        else
            lo = mid;
    }
    double n_r = hi, n;
    for (double c = fixed_at(n_r, p0, p1, p->alpha).c;; c++) {
        double start = window_start(c, p1, p->beta, n_r);
        if (start < n_r) start = n_r;
        if (start <= window_end(c, p0, p->alpha, n_r)) {
            n = start;
            break;
        }
    }
    fixed_eval e = fixed_at(n, p0, p1, p->alpha);
    r->fixed_n = (long long)n;
    r->fixed_critical = (long long)e.c;
    r->fixed_alpha = e.size;
    r->fixed_beta = e.beta;
}

/* ---- Monte Carlo ---------------------------------------------------------------------------
 * Exponential ziggurat, 256 strips (Marsaglia & Tsang 2000): strip i >= 1 is a box under the
 * curve from 0 to x_i; strip 0 is the base box plus the tail past r. A draw takes 32 random
 * bits: the strip from the low 8, the position from the next 24; 98.9% of draws land where
 * the box is wholly under e^-x and return at once, so one 64-bit number gives two draws.
 * 24 bits place E on a grid of x_i / 2^24 <= 4.6e-7: as a gap that is 4.6e-7 / lambda trials,
 * so each P(G = g) is off by at most that share of one trial's mass (5e-4 of it at p = 0.001,
 * less for larger p), far below any simulation's sampling error. The rare wedge and tail
 * draws use full 53-bit uniforms. */
#define ZIG_R     7.69711747013104972
#define ZIG_V     3.949659822581572e-3
#define ZIG_SCALE 16777216.0 /* 2^24 */

typedef struct ziggurat {
    uint32_t k[256]; /* accept at once when j < k[i] */
    double w[256];   /* x = j * w[i] */
    double f[256];   /* e^-x_i */
} ziggurat;

static void zig_init(ziggurat *z) {
    double de = ZIG_R, te = de, q = ZIG_V / fo_exp(-de);
    z->k[0] = (uint32_t)((de / q) * ZIG_SCALE);
    z->k[1] = 0;
    z->w[0] = q / ZIG_SCALE;
    z->w[255] = de / ZIG_SCALE;
    z->f[0] = 1.0;
    z->f[255] = fo_exp(-de);
    for (int i = 254; i >= 1; i--) {
        de = -fo_log(ZIG_V / de + fo_exp(-de));
        z->k[i + 1] = (uint32_t)((de / te) * ZIG_SCALE);
        te = de;
        z->f[i] = fo_exp(-de);
        z->w[i] = de / ZIG_SCALE;
    }
}

/* fo_rng_u64 (rng.c), inlined here because the simulation spends most of its time drawing:
 * the same xoshiro256** step on the same state, so it is the caller's stream. The state is
 * held by value in `bits32`, never behind a pointer that leaves the hot loop, so the compiler
 * keeps its four words in registers (the profile showed every draw loading and storing them:
 * a store-to-load round trip on the loop's critical path). */
static inline uint64_t rotl64(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

/* 32-bit halves of the generator's 64-bit outputs, low half first. */
typedef struct bits32 {
    uint64_t s0, s1, s2, s3; /* the fo_rng's state, by value */
    uint64_t word;
    int spare;
} bits32;

static inline uint64_t bits_u64(bits32 *b) {
    uint64_t result = rotl64(b->s1 * 5, 7) * 9, t = b->s1 << 17;
    b->s2 ^= b->s0;
    b->s3 ^= b->s1;
    b->s1 ^= b->s2;
    b->s0 ^= b->s3;
    b->s2 ^= t;
    b->s3 = rotl64(b->s3, 45);
    return result;
}

static inline uint32_t next_u32(bits32 *b) {
    if (b->spare) {
        b->spare = 0;
        return (uint32_t)(b->word >> 32);
    }
    b->word = bits_u64(b);
    b->spare = 1;
    return (uint32_t)b->word;
}

static bits32 bits_from(const fo_rng *r) {
    bits32 b = {r->s[0], r->s[1], r->s[2], r->s[3], 0, 0};
    return b;
}

static void bits_to(const bits32 *b, fo_rng *r) {
    r->s[0] = b->s0, r->s[1] = b->s1, r->s[2] = b->s2, r->s[3] = b->s3;
}

/* The rare rest of a draw: the tail past r, or the wedge between a box and the curve. Works
 * on its own copy of the state (the caller's stays in registers), with rng.c's full-precision
 * uniforms on the same stream. */
static double zig_slow(const ziggurat *z, bits32 *b, unsigned i, double x) {
    fo_rng r;
    for (;;) {
        bits_to(b, &r);
        if (i == 0) { /* the tail: r + Exp(1) */
            x = ZIG_R - fo_log(fo_rng_uniform_pos(&r));
            b->s0 = r.s[0], b->s1 = r.s[1], b->s2 = r.s[2], b->s3 = r.s[3];
            return x;
        }
        int wedge = z->f[i] + fo_rng_uniform(&r) * (z->f[i - 1] - z->f[i]) < fo_exp(-x);
        b->s0 = r.s[0], b->s1 = r.s[1], b->s2 = r.s[2], b->s3 = r.s[3];
        if (wedge) return x;
        uint32_t u = next_u32(b), j = u >> 8;
        i = u & 0xff;
        x = (double)j * z->w[i];
        if (j < z->k[i]) return x;
    }
}

static inline double zig_exp(const ziggurat *z, bits32 *b) {
    uint32_t u = next_u32(b), j = u >> 8;
    unsigned i = u & 0xff;
    double x = (double)j * z->w[i];
    if (j < z->k[i]) return x;
    bits32 copy = *b; /* only the copy's address leaves: *b stays in registers */
    x = zig_slow(z, &copy, i, x);
    *b = copy;
    return x;
}

/* First n >= f at which f failures are at or below ln B (accept H0), and the last n at which
 * they are at or above ln A (f failures by then reject H0; f - 1 when never). */
static double n_lower(const lattice *L, double f) {
    double n = f + ceil((L->ln_b - f * L->a) / L->b);
    if (n < f) n = f;
    while (n > f && llr(L, n - 1, f) <= L->ln_b)
        n--;
    while (llr(L, n, f) > L->ln_b)
        n++;
    return n;
}

static double n_upper(const lattice *L, double f) {
    double n = f + floor((L->ln_a - f * L->a) / L->b);
    if (n < f - 1) n = f - 1;
    while (llr(L, n + 1, f) >= L->ln_a)
        n++;
    while (n >= f && llr(L, n, f) < L->ln_a)
        n--;
    return n;
}

typedef struct sim_tables {
    ziggurat z;
    int64_t lower[FTAB], upper[FTAB];
} sim_tables;

static int64_t tab_lower(const sim_tables *t, const lattice *L, int64_t f) {
    return f < FTAB ? t->lower[f] : (int64_t)n_lower(L, (double)f);
}

static int64_t tab_upper(const sim_tables *t, const lattice *L, int64_t f) {
    return f < FTAB ? t->upper[f] : (int64_t)n_upper(L, (double)f);
}

/* One canary under failure rate q: +1 reject H0, -1 accept, 0 cut at cap; *stop = its n.
 * Integer n and f: the loop-carried work is integer adds and compares; the gap's conversion
 * to a whole number of trials is off that chain. */
static int canary(const sim_tables *t, const lattice *L, double inv_lambda, int64_t cap,
                  bits32 *rng, int64_t *stop) {
    int64_t n = 0, f = 0;
    for (;;) {
        int64_t accept_at = tab_lower(t, L, f);
        double gap = zig_exp(&t->z, rng) * inv_lambda;
        int64_t g = (int64_t)gap; /* G = max(1, ceil(gap)): the next failure is at n + G */
        g += (double)g < gap;
        g += g == 0;
        if (g > accept_at - n) { /* G - 1 >= accept_at - n successes: ln B comes first */
            if (accept_at > cap) break;
            *stop = accept_at;
            return -1;
        }
        n += g;
        f++;
        if (n > cap) break;
        if (n <= tab_upper(t, L, f)) {
            *stop = n;
            return 1;
        }
    }
    *stop = cap;
    return 0;
}

typedef struct sim_side {
    double rejected, accepted, sum, sum2, cut;
} sim_side;

static void simulate(const fo_sprt_params *p, const lattice *L, fo_rng *rng, fo_sprt_result *r,
                     sim_tables *t) {
    zig_init(&t->z);
    for (int f = 0; f < FTAB; f++) {
        t->lower[f] = (int64_t)n_lower(L, f);
        t->upper[f] = (int64_t)n_upper(L, f);
    }
    int64_t cap = r->exact_converged ? INT64_MAX / 4 : (int64_t)r->exact_requests;
    double inv[2] = {-1 / fo_log1p(-p->p0), -1 / fo_log1p(-p->p1)};
    sim_side s[2];
    memset(s, 0, sizeof s);
    bits32 bits = bits_from(rng);
    for (int h = 0; h < 2; h++) {
        for (long long k = 0; k < p->simulate; k++) {
            int64_t stop;
            int d = canary(t, L, inv[h], cap, &bits, &stop);
            double n = (double)stop;
            if (d > 0)
                s[h].rejected++;
            else if (d < 0)
                s[h].accepted++;
            else
                s[h].cut++;
            s[h].sum += n;
            s[h].sum2 += n * n;
        }
    }
    bits_to(&bits, rng);
    double K = (double)p->simulate;
    r->simulated = p->simulate;
    r->sim_alpha = s[0].rejected / K;
    r->sim_beta = s[1].accepted / K;
    r->sim_mean_h0 = s[0].sum / K;
    r->sim_mean_h1 = s[1].sum / K;
    double v0 = s[0].sum2 / K - r->sim_mean_h0 * r->sim_mean_h0;
    double v1 = s[1].sum2 / K - r->sim_mean_h1 * r->sim_mean_h1;
    r->sim_sd_h0 = sqrt(v0 > 0 ? v0 * K / (K > 1 ? K - 1 : 1) : 0);
    r->sim_sd_h1 = sqrt(v1 > 0 ? v1 * K / (K > 1 ? K - 1 : 1) : 0);
    r->sim_undecided_h0 = s[0].cut / K;
    r->sim_undecided_h1 = s[1].cut / K;
}

int fo_sprt_evaluate(const fo_sprt_params *p, fo_rng *rng, fo_sprt_result *r) {
    if (!valid(p)) return -1;
    double band = fo_sprt_band(p);
    if (!(band <= FO_SPRT_MAX_BAND)) return -1;
    if (p->simulate > 0 &&
        (!rng || (double)p->simulate * fo_sprt_simulation_cost(p) > FO_SPRT_SIM_BUDGET))
        return -1;
    memset(r, 0, sizeof *r);
    lattice L = make_lattice(p);
    r->log_upper_boundary = L.ln_a;
    r->log_lower_boundary = L.ln_b;
    r->llr_failure = L.a;
    r->llr_success = L.b;
    r->band_failures = band;
    wald_asn(p, &L, &r->asn_h0, &r->asn_h1);
    r->wald_alpha_bound = p->alpha / (1 - p->beta);
    r->wald_beta_bound = p->beta / (1 - p->alpha);
    exact_dp(p, &L, band, r);
    fixed_test(p, r);
    oc_curve(p, &L, r);
    if (p->simulate > 0) {
        sim_tables t;
        simulate(p, &L, rng, r, &t);
    }
    return 0;
}

size_t fo_sprt_path(const fo_sprt_params *p, double rate, fo_rng *rng, fo_sprt_path_point *pts,
                    size_t max, int *decision) {
    *decision = 0;
    if (!valid(p) || !(rate > 0 && rate < 1) || max < 2) return 0;
    lattice L = make_lattice(p);
    ziggurat z;
    zig_init(&z);
    bits32 bits = bits_from(rng);
    double inv = -1 / fo_log1p(-rate), n = 0, f = 0;
    size_t k = 0;
    pts[k++] = (fo_sprt_path_point){0, 0};
    while (k + 2 <= max) {
        double accept_at = n_lower(&L, f), gap = zig_exp(&z, &bits) * inv;
        if (gap > accept_at - n) {
            pts[k++] = (fo_sprt_path_point){accept_at, llr(&L, accept_at, f)};
            *decision = -1;
            bits_to(&bits, rng);
            return k;
        }
        double g = ceil(gap);
        n += g < 1 ? 1 : g;
        pts[k++] = (fo_sprt_path_point){n - 1, llr(&L, n - 1, f)};
        f++;
        pts[k++] = (fo_sprt_path_point){n, llr(&L, n, f)};
        if (n <= n_upper(&L, f)) {
            *decision = 1;
            bits_to(&bits, rng);
            return k;
        }
    }
    bits_to(&bits, rng);
    return k;
}
