"""edge_rollout.py — Edge Guardian's Rollout Jitter (crisis_edge.h): 500,000 vehicles on four
hardware generations through the staged ladder (shadow, 1%, 5%, 25%, 100%), hour by hour:
installs and reverts at update opportunities, driving hours, deadline misses among frames, a
per-generation exact binomial gate (Bonferroni) and a fleet-wide p99 check, then the rollback.

best:  the cells (generation x rollout bucket) are exchangeable, so each hour is a handful of
       vectorised binomial draws over the 4 x 5 cells (fleetops' own shortcut); the fleet split
       is two multinomial draws. The hours are sequential (a loop).
plain: vehicle by vehicle, vectorised over the 500,000 vehicles each hour: a uniform per
       vehicle for its update opportunity and one for driving, and each driving vehicle's
       misses among its 360,000 frames as its own binomial draw."""
import math

import numpy as np

GENS = [  # share, old median/sigma, new median/sigma (crisis_edge.c)
    (0.12, 4.0, 0.20, 4.6, 0.22),
    (0.28, 3.0, 0.20, 3.4, 0.22),
    (0.35, 2.0, 0.18, 2.3, 0.20),
    (0.25, 1.2, 0.18, 1.4, 0.20),
]
TAIL_SIGMA = 0.25
STAGES = [("shadow", 0.00, 0.10, 24.0), ("1%", 0.01, 0.01, 6.0), ("5%", 0.05, 0.05, 12.0),
          ("25%", 0.25, 0.25, 24.0), ("100%", 1.00, 1.00, 0.0)]


def normal_sf(z):
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def dist_sf(d, x):
    med, sig, tp, tmed, tsig = d
    s = (1 - tp) * normal_sf((math.log(x) - math.log(med)) / sig)
    if tp > 0:
        s += tp * normal_sf((math.log(x) - math.log(tmed)) / tsig)
    return s


def mixture_quantile(ds, ws, q):
    lo, hi, target = math.log(1e-3), math.log(1e6), 1 - q
    for _ in range(200):
        if hi - lo <= 1e-12:
            break
        mid = 0.5 * (lo + hi)
        if sum(w * dist_sf(d, math.exp(mid)) for d, w in zip(ds, ws)) > target:
            lo = mid
        else:
            hi = mid
    return math.exp(0.5 * (lo + hi))


def log_pmf(k, n, p):
    return (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * math.log(p)
            + (n - k) * math.log1p(-p))


def binom_sf(k, n, p):
    """P(X >= k), summing terms outward from k (as fo_binomial_sf does)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    odds = p / (1 - p)
    if k >= n * p:
        term, s, i = math.exp(log_pmf(k, n, p)), 0.0, k
        while i <= n and term > 0:
            s += term
            if term < s * 1e-17:
                break
            term *= (n - i) / (i + 1) * odds
            i += 1
        return min(s, 1.0)
    term, s, i = math.exp(log_pmf(k - 1, n, p)), 0.0, k - 1
    while i >= 0 and term > 0:
        s += term
        if term < s * 1e-17:
            break
        term *= i / ((n - i + 1) * odds)
        i -= 1
    return 0.0 if s > 1 else 1 - s


def model(P):
    """Everything deterministic: shares, latency laws, miss rates, the ladder and buckets."""
    rest = 1 - GENS[0][0]
    share = [P["oldest_share"] if g == 0 else GENS[g][0] * (1 - P["oldest_share"]) / rest
             for g in range(4)]
    new = [(GENS[g][3], GENS[g][4], P["tail_probability"] if g == 0 else 0.0, P["tail_ms"],
            TAIL_SIGMA) for g in range(4)]
    miss = np.array([dist_sf(d, P["deadline_ms"]) for d in new])
    stages = [(n, t, o, d * P["dwell_scale"]) for n, t, o, d in STAGES
              if P["shadow"] or t != 0.0]
    bounds = sorted({1.0} | {v for _, t, o, _ in stages for v in (t, o) if v > 0})
    start = np.cumsum([0.0] + [s[3] for s in stages])
    runs = np.array([[b <= max(t, o) + 1e-12 for b in bounds] for _, t, o, _ in stages])
    serves = np.array([[b <= t + 1e-12 for b in bounds] for _, t, o, _ in stages])
    widths = np.diff([0.0] + bounds)
    return dict(share=np.array(share), new=new, miss=miss, start=start, runs=runs,
                serves=serves, widths=widths, bounds=np.array(bounds), nstages=len(stages))


def deterministic(P, M):
    out = {}
    for g in range(4):
        out["deadline_miss_rate_%d" % (g + 1)] = M["miss"][g]
        out["p999_ms_%d" % (g + 1)] = mixture_quantile([M["new"][g]], [1.0], 0.999)
    out["fleet_p99_ms"] = mixture_quantile(M["new"], list(M["share"]), P["fleet_quantile"])
    return out


def stage_at(M, hour):
    s = 0
    while s + 1 < M["nstages"] and M["start"][s + 1] <= hour:
        s += 1
    return s


class Gate:
    """The gate's arithmetic, shared by both formulations."""

    def __init__(self, P, per_generation):
        self.per_gen = per_generation
        self.budget = 1 - (P["gate_quantile"] if per_generation else P["fleet_quantile"])
        self.level = P["alpha"] / 4 if per_generation else P["alpha"]

    def fired(self, frames, misses):
        if self.per_gen:
            for g in range(4):
                if misses[g] > self.budget * frames[g] and \
                        binom_sf(int(misses[g]), int(frames[g]), self.budget) <= self.level:
                    return g
            return None
        F, X = int(frames.sum()), int(misses.sum())
        if X > self.budget * F and binom_sf(X, F, self.budget) <= self.level:
            return -1
        return None


def new_outcome():
    return dict(detected=0, hours=math.nan, exposed=0, rollback=math.nan, hw1_frames=0,
                hw1_misses=0, length=0)


def rolled_back(out, t):
    """The last vehicle has reverted in hour t: the rollout ends."""
    out["rollback"] = t + 1 - out["hours"]
    out["length"] = t + 1
    return out


def end_of_hour(out, gate, frames, misses, installed, complete, t):
    """Books hour t of a rollout still going forward (both formulations): the gate's verdict on
    the frames and misses so far. Returns "rollback" when it fired, "complete" when the last
    stage reached the whole fleet, None to go on."""
    fired = gate.fired(frames, misses)
    if fired is not None or complete:
        out["exposed"] = installed
        out["hw1_frames"], out["hw1_misses"] = int(frames[0]), int(misses[0])
    if fired is not None:
        out["detected"], out["hours"] = 1, t + 1
        return "rollback"
    if complete:
        out["length"] = t + 1
        return "complete"
    return None


def best_run(P, M, size, per_generation, rng):
    gate = Gate(P, per_generation)
    q = -math.expm1(-1.0 / P["ota_mean_hours"])
    fph = 3600.0 * 1000.0 / P["deadline_ms"]
    inst = np.zeros_like(size)
    frames = np.zeros(4, dtype=np.int64)
    misses = np.zeros(4, dtype=np.int64)
    fleet = int(size.sum())
    out = new_outcome()
    rollback, s = False, 0
    for t in range(P["max_hours"]):
        if not rollback:
            s = stage_at(M, t)
            tgt = M["runs"][s]
            up = rng.binomial(size - inst, q) * tgt
            down = rng.binomial(inst, q) * ~tgt
            inst += up - down
        else:
            inst -= rng.binomial(inst, q)
        per_gen = inst.sum(axis=1)
        installed = int(per_gen.sum())
        if rollback:
            if installed == 0:
                return rolled_back(out, t)
            continue
        driving = rng.binomial(per_gen, P["driving_fraction"])
        fr = np.rint(driving * fph).astype(np.int64)
        frames += fr
        misses += rng.binomial(fr, M["miss"])
        end = end_of_hour(out, gate, frames, misses, installed,
                          s + 1 == M["nstages"] and installed == fleet, t)
        if end == "complete":
            return out
        rollback = end == "rollback"
    out["length"] = P["max_hours"]
    return out


def collect(gate_run, wide_run, hw1):
    return {
        "gate_detected": gate_run["detected"], "gate_detected_hours": gate_run["hours"],
        "gate_vehicles_exposed": gate_run["exposed"],
        "gate_hours_to_full_rollback": gate_run["rollback"],
        "gate_hw1_frames": gate_run["hw1_frames"], "gate_hw1_misses": gate_run["hw1_misses"],
        "fleetwide_detected": wide_run["detected"], "fleetwide_hours": wide_run["length"],
        "hw1_vehicles": hw1,
    }


def best(P, seed):
    rng = np.random.default_rng(seed)
    M = model(P)
    det = deterministic(P, M)
    per_gen = rng.multinomial(P["fleet_size"], M["share"])
    size = np.array([rng.multinomial(n, M["widths"]) for n in per_gen], dtype=np.int64)
    g = best_run(P, M, size, True, rng)
    w = best_run(P, M, size, False, rng)
    return collect(g, w, int(per_gen[0])), det


def plain_run(P, M, gen, bucket, per_generation, rng):
    gate = Gate(P, per_generation)
    q = -math.expm1(-1.0 / P["ota_mean_hours"])
    fph = int(round(3600.0 * 1000.0 / P["deadline_ms"]))
    N = len(gen)
    inst = np.zeros(N, dtype=bool)
    frames = np.zeros(4, dtype=np.int64)
    misses = np.zeros(4, dtype=np.int64)
    miss_v = M["miss"][gen]
    out = new_outcome()
    rollback, s = False, 0
    for t in range(P["max_hours"]):
        chance = rng.random(N) < q
        if not rollback:
            s = stage_at(M, t)
            tgt = M["runs"][s][bucket]
            inst = np.where(tgt, inst | chance, inst & ~chance)
        else:
            inst &= ~chance
        installed = int(np.count_nonzero(inst))
        if rollback:
            if installed == 0:
                return rolled_back(out, t)
            continue
        driving = inst & (rng.random(N) < P["driving_fraction"])
        x = rng.binomial(fph, miss_v[driving])
        dg = gen[driving]
        frames += np.bincount(dg, minlength=4) * fph
        misses += np.bincount(dg, weights=x, minlength=4).astype(np.int64)
        end = end_of_hour(out, gate, frames, misses, installed,
                          s + 1 == M["nstages"] and installed == N, t)
        if end == "complete":
            return out
        rollback = end == "rollback"
    out["length"] = P["max_hours"]
    return out


def plain(P, seed):
    rng = np.random.default_rng(seed)
    M = model(P)
    det = deterministic(P, M)
    N = int(P["fleet_size"])
    gen = rng.choice(4, size=N, p=M["share"])
    bucket = np.searchsorted(M["bounds"], rng.random(N), side="right")
    g = plain_run(P, M, gen, bucket, True, rng)
    w = plain_run(P, M, gen, bucket, False, rng)
    return collect(g, w, int(np.count_nonzero(gen == 0))), det
