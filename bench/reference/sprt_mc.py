"""sprt_mc.py — Wald's SPRT Monte Carlo (Part 2): K canaries under H0 (p0) and K under H1 (p1),
each stopped at the first n with LLR(n, f) = f a + (n - f) b at or past ln A (reject H0) or
ln B (accept H0); the statistics are the error rates and the mean and sd of N.

best:  vectorised over the canaries still running, one geometric gap per failure (the same
       shortcut fleetops takes: between failures the LLR falls by b per request, so where it
       meets ln B is known per failure count and tabulated), one NumPy draw per round.
plain: the obvious loop, request by request: a Bernoulli draw (from a block of NumPy
       uniforms), the LLR updated, both boundaries checked. Timed on a fraction of the
       canaries and scaled."""
import math

import numpy as np


def lattice(P):
    a = math.log(P["p1"] / P["p0"])
    b = math.log1p(-P["p1"]) - math.log1p(-P["p0"])
    ln_a = math.log((1 - P["beta"]) / P["alpha"])
    ln_b = math.log(P["beta"] / (1 - P["alpha"]))
    return a, b, ln_a, ln_b


def tables(P, fmax):
    """n_lower[f]: first n at which f failures sit at or below ln B; n_upper[f]: last n at
    which they are at or above ln A (f - 1 when never). Vectorised, same comparisons as C."""
    a, b, ln_a, ln_b = lattice(P)
    f = np.arange(fmax, dtype=np.float64)
    llr = lambda n: f * a + (n - f) * b
    lo = np.maximum(f + np.ceil((ln_b - f * a) / b), f)
    for _ in range(3):  # settle rounding at the boundary, as n_lower does
        back = (lo > f) & (llr(lo - 1) <= ln_b)
        lo = np.where(back, lo - 1, lo)
        fwd = llr(lo) > ln_b
        lo = np.where(fwd, lo + 1, lo)
    up = np.maximum(f + np.floor((ln_a - f * a) / b), f - 1)
    for _ in range(3):
        fwd = llr(up + 1) >= ln_a
        up = np.where(fwd, up + 1, up)
        back = (up >= f) & (llr(up) < ln_a)
        up = np.where(back, up - 1, up)
    return lo.astype(np.int64), up.astype(np.int64)


def best_side(p, K, lower, upper, rng):
    n = np.zeros(K, dtype=np.int64)
    f = np.zeros(K, dtype=np.int64)
    idx = np.arange(K)
    stop = np.zeros(K, dtype=np.int64)
    decision = np.zeros(K, dtype=np.int8)
    while idx.size:
        g = rng.geometric(p, size=idx.size)
        acc_at = lower[f]
        accept = g > acc_at - n
        stop[idx[accept]] = acc_at[accept]
        decision[idx[accept]] = -1
        keep = ~accept
        idx, n, f, g = idx[keep], n[keep] + g[keep], f[keep] + 1, g[keep]
        reject = n <= upper[f]
        stop[idx[reject]] = n[reject]
        decision[idx[reject]] = 1
        keep = ~reject
        idx, n, f = idx[keep], n[keep], f[keep]
    return decision, stop


def summarise(d0, s0, d1, s1, expected=None):
    """The statistics with their standard errors. With few canaries (the plain loop) the
    error rates' standard errors use fleetops' rates (a sample of 200 may well see 0 or 1
    rejections, whose own binomial se would be 0)."""
    K0, K1 = len(d0), len(d1)
    alpha = float(np.count_nonzero(d0 > 0)) / K0
    beta = float(np.count_nonzero(d1 < 0)) / K1
    ra = expected["alpha"]["value"] if expected else alpha
    rb = expected["beta"]["value"] if expected else beta
    m0, m1 = float(s0.mean()), float(s1.mean())
    sd0, sd1 = float(s0.std(ddof=1)), float(s1.std(ddof=1))
    return {
        "alpha": {"value": alpha, "se": math.sqrt(ra * (1 - ra) / K0), "n": 1},
        "beta": {"value": beta, "se": math.sqrt(rb * (1 - rb) / K1), "n": 1},
        "mean_n_h0": {"value": m0, "se": sd0 / math.sqrt(K0), "n": 1},
        "mean_n_h1": {"value": m1, "se": sd1 / math.sqrt(K1), "n": 1},
        "sd_n_h0": {"value": sd0, "se": 2 * sd0 / math.sqrt(2 * K0), "n": 1},
        "sd_n_h1": {"value": sd1, "se": 2 * sd1 / math.sqrt(2 * K1), "n": 1},
    }


def best(P, seed):
    rng = np.random.default_rng(seed)
    lower, upper = tables(P, 4096)
    K = int(P["canaries"])
    d0, s0 = best_side(P["p0"], K, lower, upper, rng)
    d1, s1 = best_side(P["p1"], K, lower, upper, rng)
    return d0, s0, d1, s1


def plain_side(p, K, P, rng):
    a, b, ln_a, ln_b = lattice(P)
    decision = np.zeros(K, dtype=np.int8)
    stop = np.zeros(K, dtype=np.int64)
    block = rng.random(8192)
    j = 0
    for k in range(K):
        n, llr = 0, 0.0
        while True:
            if j == len(block):
                block, j = rng.random(8192), 0
            x = block[j] < p
            j += 1
            n += 1
            llr += a if x else b
            if llr >= ln_a:
                decision[k] = 1
                break
            if llr <= ln_b:
                decision[k] = -1
                break
        stop[k] = n
    return decision, stop


def plain(P, seed, canaries):
    rng = np.random.default_rng(seed)
    d0, s0 = plain_side(P["p0"], canaries, P, rng)
    d1, s1 = plain_side(P["p1"], canaries, P, rng)
    return d0, s0, d1, s1
