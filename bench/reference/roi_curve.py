"""roi_curve.py — Part 1 (roi.h): toil of N models by hand against the platform, the
break-even N* (searched up to 100,000), the largest N a team runs under the 50% toil cap, and
the cost curve (every integer up to max(2 N*, 1.5 N, 10), or 256 evenly spaced ones).

best:  N* and the cap by doubling and bisection on scalars (ROI and toil rise with N), the
       curve as one vectorised evaluation.
plain: the obvious scan: N = 1, 2, ... until ROI >= 0, the same for the cap, and the curve
       point by point."""
import math

import numpy as np


def toil(P, n):
    """(manual hours, platform hours) a year for n models (scalar or array)."""
    N = np.asarray(n, dtype=np.float64) if not isinstance(n, (int, float)) else float(n)
    lg = np.log2(N) if not isinstance(N, float) else math.log2(N)
    h = P["heterogeneity"]
    manual = P["a"] * N + P["b"] * N * lg + P["c"] * h * N * (N - 1) / 2
    platform = P["a_p"] * N + P["b_p"] * N * lg + P["c_p"] * h * N + P["U"]
    return manual, platform


def usd(P, hours):
    return hours * P["engineer_cost_usd_per_hour"] * P["horizon_years"]


def roi(P, n):
    m, p = toil(P, n)
    return usd(P, m) - (P["capex_usd"] + usd(P, p))


def curve_points(P, nstar):
    upper = 2 * nstar if nstar else 100
    upper = max(upper, math.ceil(1.5 * P["models"]), 10)
    upper = min(upper, P["max_models"])
    C = P["curve_max"]
    if upper <= C:
        return np.arange(1, upper + 1)
    pts = 1 + np.rint(np.arange(C) * (upper - 1) / (C - 1)).astype(np.int64)
    return np.unique(pts)


def result(P, nstar, cap, pts, manual, platform):
    return {
        "break_even_models": nstar, "max_models_under_toil_cap": cap, "curve_len": len(pts),
        "curve_manual_sum_usd": float(np.sum(manual)), "curve_platform_sum_usd":
        float(np.sum(platform)), "curve_last_models": int(pts[-1]),
    }


def best(P):
    M = P["max_models"]
    if roi(P, M) < 0:
        nstar = 0
    else:
        lo, hi = 0, 1
        while hi < M and roi(P, hi) < 0:
            lo, hi = hi, min(hi * 2, M)
        while hi - lo > 1:
            mid = lo + (hi - lo) // 2
            lo, hi = (lo, mid) if roi(P, mid) >= 0 else (mid, hi)
        nstar = hi
    cap_h = 0.5 * P["team_size"] * 2000.0
    if toil(P, 1)[0] > cap_h:
        cap = 0
    elif toil(P, M)[0] <= cap_h:
        cap = M
    else:
        lo, hi = 1, M
        while hi - lo > 1:
            mid = lo + (hi - lo) // 2
            lo, hi = (mid, hi) if toil(P, mid)[0] <= cap_h else (lo, mid)
        cap = lo
    pts = curve_points(P, nstar)
    m, p = toil(P, pts)
    return result(P, nstar, cap, pts, usd(P, m), P["capex_usd"] + usd(P, p))


def plain(P):
    nstar = 0
    for n in range(1, P["max_models"] + 1):
        if roi(P, n) >= 0:
            nstar = n
            break
    cap_h = 0.5 * P["team_size"] * 2000.0
    cap = 0
    for n in range(1, P["max_models"] + 1):
        if toil(P, n)[0] > cap_h:
            break
        cap = n
    pts = curve_points(P, nstar)
    manual, platform = [], []
    for n in pts:
        m, p = toil(P, int(n))
        manual.append(usd(P, m))
        platform.append(P["capex_usd"] + usd(P, p))
    return result(P, nstar, cap, pts, manual, platform)
