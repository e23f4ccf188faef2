"""common.py — what every NumPy reference shares: timing (time.perf_counter in-process, so
interpreter start-up and imports are excluded) and the agreement check against fleetops'
statistics (bench.json's "checks"), which the runner applies before anything is timed."""
import math
import statistics
import time


def time_median(fn, runs, min_total_s=0.2):
    """Median seconds of one call of fn over `runs` timed calls (after one warm-up call).
    Very short calls are batched so each timed sample lasts about 2 ms."""
    fn()
    batch = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(batch):
            fn()
        dt = time.perf_counter() - t0
        if dt > 2e-3 or batch >= 1 << 16:
            break
        batch *= 2
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(batch):
            fn()
        samples.append((time.perf_counter() - t0) / batch)
    samples.sort()
    return {
        "median_s": statistics.median(samples),
        "p10_s": samples[len(samples) // 10],
        "p90_s": samples[len(samples) - 1 - len(samples) // 10],
        "runs": runs,
        "calls_per_run": batch,
    }


class Acc:
    """Mean and standard error over runs (seeds) of each named statistic."""

    def __init__(self):
        self.values = {}

    def add(self, stats):
        for k, v in stats.items():
            self.values.setdefault(k, []).append(float(v))

    def result(self):
        out = {}
        for k, vs in self.values.items():
            m = sum(vs) / len(vs)
            sd = statistics.stdev(vs) if len(vs) > 1 else 0.0
            out[k] = {"value": m, "se": sd / math.sqrt(len(vs)), "n": len(vs)}
        return out


def agree(expected, got, z=4.0, rel=1e-9):
    """Compares statistic by statistic. Deterministic values (se 0 on fleetops' side and n 1)
    must match to `rel`; random ones within z standard errors of the difference, where the
    reference's run-to-run sd is taken as fleetops' own (more runs, a steadier estimate) when
    the reference ran fewer times. Returns (ok, rows)."""
    rows, ok = [], True
    for name, e in expected.items():
        if name not in got:
            continue
        g = got[name]
        ev, gv = e["value"], g["value"]
        if e["n"] == 1 and e["se"] == 0 and g.get("se", 0) == 0:
            tol = rel * max(1.0, abs(ev))
        else:
            sd_e = e["se"] * math.sqrt(e["n"])
            se_g = max(g.get("se", 0.0), sd_e / math.sqrt(max(g.get("n", 1), 1)))
            tol = z * math.sqrt(e["se"] ** 2 + se_g ** 2) + 1e-9 * max(1.0, abs(ev))
        good = abs(gv - ev) <= tol
        ok = ok and good
        rows.append({"stat": name, "fleetops": ev, "reference": gv, "tolerance": tol, "ok": good})
    return ok, rows
