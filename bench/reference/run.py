"""run.py — the NumPy references of `make bench`: for each heavy workload, the best NumPy
formulation and the plain per-sample one compute the same statistics as fleetops (bench.json's
"checks", same parameters); each must agree with fleetops (within Monte Carlo error where
random) before it is timed. Timings are in-process medians (time.perf_counter), interpreter
start-up and imports excluded. Writes one JSON object.

Usage: /usr/bin/python3 bench/reference/run.py BENCH_JSON OUT_JSON [--quick]
(`make bench` runs it with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for this command only.)"""
import json
import math
import os
import platform
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cloud_streams  # noqa: E402
import common  # noqa: E402
import edge_rollout  # noqa: E402
import logreg_train  # noqa: E402
import roi_curve  # noqa: E402
import sprt_mc  # noqa: E402


def blas_info():
    try:
        import threadpoolctl
        return [{k: v for k, v in lib.items() if k in ("internal_api", "version", "architecture",
                                                       "num_threads", "filepath")}
                for lib in threadpoolctl.threadpool_info()]
    except ImportError:
        return "threadpoolctl missing; see numpy.show_config()"


def clean(x):
    """Plain JSON: NumPy scalars as Python numbers, NaN as null."""
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if hasattr(x, "item"):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def det(d):
    return {k: {"value": v, "se": 0.0, "n": 1} for k, v in d.items()}


def multi(fn, seeds):
    acc = common.Acc()
    extra = None
    for s in range(1, seeds + 1):
        out = fn(s)
        if isinstance(out, tuple):
            out, extra = out
        acc.add(out)
    res = acc.result()
    if extra:
        res.update(det(extra))
    return res


def workload(name, check, variants, quick):
    print("%s:" % name, flush=True)
    out = {}
    for kind, spec in variants.items():
        t0 = time.perf_counter()
        got = spec["check"]()
        ok, rows = common.agree(check["stats"], got, rel=spec.get("rel", 1e-9))
        bad = [r for r in rows if not r["ok"]]
        print("  %-5s agrees: %s (%d statistics, %.1f s)%s" % (
            kind, ok, len(rows), time.perf_counter() - t0,
            "" if ok else "; differs: " + ", ".join(
                "%s %.6g vs %.6g (tol %.3g)" % (r["stat"], r["fleetops"], r["reference"],
                                                r["tolerance"]) for r in bad)), flush=True)
        entry = {"agrees": ok, "checked": rows, "formulation": spec["what"]}
        if ok:
            runs = spec.get("quick_runs", 3) if quick else spec.get("runs", 7)
            t = common.time_median(spec["time"], runs)
            scale = spec.get("scale", 1.0)
            for k in ("median_s", "p10_s", "p90_s"):
                t[k] *= scale
            t["scaled_from_fraction"] = 1.0 / scale if scale != 1.0 else None
            entry.update(t)
            print("  %-5s median %.4g s%s" % (kind, t["median_s"], "" if scale == 1.0 else
                                              " (timed on 1/%g of the work, scaled)" % scale),
                  flush=True)
        out[kind] = entry
    return out


def main():
    bench = json.load(open(sys.argv[1]))
    quick = "--quick" in sys.argv
    checks = bench["checks"]
    res = {"python": platform.python_version(), "numpy": np.__version__, "blas": blas_info(),
           "env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")},
           "workloads": {}}
    W = res["workloads"]

    P = checks["roi_curve"]["params"]
    W["roi_curve"] = workload("roi_curve", checks["roi_curve"], {
        "best": dict(what="N* and the cap by bisection, the curve vectorised",
                     check=lambda: det(roi_curve.best(P)), time=lambda: roi_curve.best(P),
                     rel=1e-12, runs=21),
        "plain": dict(what="scan N = 1, 2, ... for N* and the cap; the curve point by point",
                      check=lambda: det(roi_curve.plain(P)), time=lambda: roi_curve.plain(P),
                      rel=1e-12, runs=21),
    }, quick)

    P = checks["sprt_mc"]["params"]
    K = int(P["canaries"])
    frac = 200 if not quick else 50  # canaries per hypothesis for the request-by-request loop
    W["sprt_mc"] = workload("sprt_mc", checks["sprt_mc"], {
        "best": dict(what="vectorised over running canaries; one geometric gap per failure, "
                          "boundaries tabulated per failure count",
                     check=lambda: sprt_mc.summarise(*sprt_mc.best(P, 1)),
                     time=lambda: sprt_mc.best(P, 2), runs=5),
        "plain": dict(what="request by request: a Bernoulli draw, the LLR, both boundaries "
                           "(%d + %d canaries timed, scaled to %d + %d)" % (frac, frac, K, K),
                      check=lambda: sprt_mc.summarise(*sprt_mc.plain(P, 1, frac),
                                                      expected=checks["sprt_mc"]["stats"]),
                      time=lambda: sprt_mc.plain(P, 2, frac), scale=K / frac, runs=3,
                      quick_runs=1),
    }, quick)

    P = dict(checks["edge_rollout"]["params"])
    seeds = checks["edge_rollout"]["seeds"]
    W["edge_rollout"] = workload("edge_rollout", checks["edge_rollout"], {
        "best": dict(what="exact binomial counts per generation x bucket cell, hour by hour",
                     check=lambda: multi(lambda s: edge_rollout.best(P, s), seeds),
                     time=lambda: edge_rollout.best(P, 1), runs=11),
        "plain": dict(what="vehicle by vehicle, vectorised over the 500,000 each hour; each "
                           "driving vehicle's misses its own binomial draw",
                      check=lambda: multi(lambda s: edge_rollout.plain(P, s),
                                          2 if not quick else 1),
                      time=lambda: edge_rollout.plain(P, 1), runs=3, quick_runs=1),
    }, quick)

    P = dict(checks["cloud_streams"]["params"])
    seeds = checks["cloud_streams"]["seeds"]
    W["cloud_streams"] = workload("cloud_streams", checks["cloud_streams"], {
        "best": dict(what="chunk values drawn directly (one normal per chunk), 100 streams as "
                          "one matrix; CUSUM looped over chunks, vectorised over streams",
                     check=lambda: multi(lambda s: cloud_streams.best(P, s), seeds),
                     time=lambda: cloud_streams.best(P, 1), runs=11),
        "plain": dict(what="minute by minute (4.32 million samples), chunk means by reshaping; "
                           "CUSUM and booking looped per stream",
                      check=lambda: multi(lambda s: cloud_streams.plain(P, s),
                                          5 if not quick else 2),
                      time=lambda: cloud_streams.plain(P, 1), runs=5, quick_runs=1),
    }, quick)

    P = checks["logreg_train"]["params"]
    data = logreg_train.load(P)
    st = lambda th: det(logreg_train.stats(th, *data))
    W["logreg_train"] = workload("logreg_train", checks["logreg_train"], {
        "best": dict(what="Newton in matrix form (BLAS), numpy.linalg.solve",
                     check=lambda: st(logreg_train.best(P, data)),
                     time=lambda: logreg_train.best(P, data), rel=1e-7, runs=21),
        "plain": dict(what="the same Newton steps, gradient and Hessian accumulated row by row",
                      check=lambda: st(logreg_train.plain(P, data)),
                      time=lambda: logreg_train.plain(P, data), rel=1e-7, runs=5),
    }, quick)

    json.dump(clean(res), open(sys.argv[2], "w"), indent=1)
    print("wrote %s" % sys.argv[2])
    if not all(v["agrees"] for w in W.values() for v in w.values()):
        print("run.py: a reference disagrees with fleetops (see above); it was not timed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
