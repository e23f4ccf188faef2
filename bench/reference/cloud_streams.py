"""cloud_streams.py — Cloud Titan's N-Models Explosion (crisis_cloud.h): 50 models x 2 metrics
x 43,200 minutes, monitored in 60-minute chunks; thresholds discovered per stream from the
reference week (mean -/+ k sd), one static threshold, and CUSUM on residuals from the
reference's daily profile; alerts booked against the known drifts.

best:  each chunk's value drawn directly (the mean of m iid minute noises is one normal with
       sd / sqrt(m); seasonality and drift averaged exactly), all 100 streams as one matrix;
       CUSUM is sequential, so a loop over chunks vectorised across the streams.
plain: minute by minute: every stream's 43,200 per-minute values (signal + noise), chunk
       means by reshaping (the geometric mean for latency), thresholds per stream, and CUSUM
       and the alert booking as loops over each stream's chunks."""
import math

import numpy as np

OMEGA = 2 * math.pi / 1440.0


def draw_world(P, rng):
    n = int(P["models"])
    u = lambda lo, hi, size=n: lo + (hi - lo) * rng.random(size)
    models = dict(
        base=np.stack([u(0.80, 0.95), u(math.log(250.0), math.log(2500.0))], axis=1),
        sd=np.stack([u(0.02, 0.05), u(0.10, 0.25)], axis=1),
        daily=np.stack([-u(0.003, 0.012), np.log(u(1.05, 1.20))], axis=1),
        peak=u(0.0, 1440.0),
    )
    m = int(P["chunk_minutes"])
    ref_chunks = math.ceil(P["reference_hours"] * 60.0 / m)
    ref_end = ref_chunks * m
    room = P["minutes"] - ref_end
    drifts = []
    for _ in range(int(P["drifts"])):
        model = int(rng.integers(n))
        metric = 0 if rng.random() < 0.5 else 1
        dur = min(int(math.floor(u(12.0, 72.0, None) * 60.0)), room // 2)
        start = ref_end + int(rng.integers(room - dur))
        mag = u(0.01, 0.05, None) if metric == 0 else u(0.10, 0.50, None)
        drifts.append((model, metric, start, start + dur, mag))
    return models, drifts, ref_chunks


def book(hits, drifts, ref_chunks, m, nchunks):
    """hits: (3, models, 2, chunks) booleans over monitored chunks. Alerts, false alerts and
    drifts detected per method."""
    a = (np.arange(ref_chunks, nchunks) * m)[None, :]
    matched = np.zeros(hits.shape[1:], dtype=bool)
    windows = []
    for model, metric, start, end, _ in drifts:
        w = ((a + m > start) & (a < end + m))[0]
        matched[model, metric] |= w
        windows.append((model, metric, w))
    out = {}
    for k, name in enumerate(("static", "discovered", "cusum")):
        h = hits[k]
        out[name + "_alerts"] = int(h.sum())
        out[name + "_false_alerts"] = int((h & ~matched).sum())
        out[name + "_detected"] = sum(bool((h[mo, me] & w).any()) for mo, me, w in windows)
    return out


def thresholds(ref, k, slots):
    mean = ref.mean(axis=-1)
    sd = ref.std(axis=-1, ddof=1)
    n = ref.shape[-1]
    prof = np.stack([ref[..., j::slots].mean(axis=-1) for j in range(slots)], axis=-1)
    resid = ref - np.take(prof, np.arange(n) % slots, axis=-1)
    rsd = np.sqrt((resid ** 2).sum(axis=-1) / (n - slots))
    return mean - k * sd, mean + k * sd, prof, rsd


def best(P, seed):
    rng = np.random.default_rng(seed)
    models, drifts, ref_chunks = draw_world(P, rng)
    m = int(P["chunk_minutes"])
    nchunks = P["minutes"] // m
    slots = 1440 // m
    gain = 0.0 if m % 1440 == 0 else math.sin(0.5 * OMEGA * m) / (m * math.sin(0.5 * OMEGA))
    mid = np.arange(nchunks) * m + 0.5 * (m - 1)
    n = int(P["models"])
    v = (models["base"][:, :, None] + models["daily"][:, :, None] * gain *
         np.cos(OMEGA * (mid[None, None, :] - models["peak"][:, None, None])))
    a = np.arange(nchunks) * m
    for model, metric, start, end, mag in drifts:
        frac = np.clip(np.minimum(a + m, end) - np.maximum(a, start), 0, None) / m
        v[model, metric] += frac * (-mag if metric == 0 else math.log1p(mag))
    v += (models["sd"] / math.sqrt(m))[:, :, None] * rng.standard_normal((n, 2, nchunks))
    v[:, 1] = np.exp(v[:, 1])
    lower, upper, prof, rsd = thresholds(v[..., :ref_chunks], P["threshold_k"], slots)
    mon = v[..., ref_chunks:]
    static = np.array([P["static_quality_min"], P["static_latency_max_ms"]])[None, :, None]
    hits = np.empty((3,) + mon.shape, dtype=bool)
    hits[0, :, 0] = mon[:, 0] < static[:, 0]
    hits[0, :, 1] = mon[:, 1] > static[:, 1]
    hits[1, :, 0] = mon[:, 0] < lower[:, 0, None]
    hits[1, :, 1] = mon[:, 1] > upper[:, 1, None]
    z = (mon - np.take(prof, np.arange(ref_chunks, nchunks) % slots, axis=-1)) / rsd[..., None]
    hi = np.zeros((n, 2))
    lo = np.zeros((n, 2))
    sig = np.zeros(mon.shape, dtype=np.int8)
    k, h = P["cusum_k"], P["cusum_h"]
    for c in range(mon.shape[-1]):
        hi = np.maximum(0.0, hi + z[..., c] - k)
        lo = np.maximum(0.0, lo - z[..., c] - k)
        up = hi > h
        down = ~up & (lo > h)
        hi[up] = 0.0
        lo[down] = 0.0
        sig[..., c] = up.astype(np.int8) - down.astype(np.int8)
    hits[2, :, 0] = sig[:, 0] == -1
    hits[2, :, 1] = sig[:, 1] == 1
    return book(hits, drifts, ref_chunks, m, nchunks)


def plain(P, seed):
    rng = np.random.default_rng(seed)
    models, drifts, ref_chunks = draw_world(P, rng)
    m = int(P["chunk_minutes"])
    T = int(P["minutes"])
    nchunks = T // m
    slots = 1440 // m
    n = int(P["models"])
    minute = np.arange(T)
    hits = np.zeros((3, n, 2, nchunks - ref_chunks), dtype=bool)
    for mo in range(n):
        for me in range(2):
            x = models["base"][mo, me] + models["daily"][mo, me] * np.cos(
                OMEGA * (minute - models["peak"][mo]))
            for model, metric, start, end, mag in drifts:
                if model == mo and metric == me:
                    x[start:end] += -mag if me == 0 else math.log1p(mag)
            x += models["sd"][mo, me] * rng.standard_normal(T)
            v = x.reshape(nchunks, m).mean(axis=1)  # latency: log of the geometric mean
            if me == 1:
                v = np.exp(v)
            lower, upper, prof, rsd = thresholds(v[:ref_chunks], P["threshold_k"], slots)
            hi = lo = 0.0
            for c in range(ref_chunks, nchunks):
                val = v[c]
                j = c - ref_chunks
                if me == 0:
                    hits[0, mo, me, j] = val < P["static_quality_min"]
                    hits[1, mo, me, j] = val < lower
                else:
                    hits[0, mo, me, j] = val > P["static_latency_max_ms"]
                    hits[1, mo, me, j] = val > upper
                z = (val - prof[c % slots]) / rsd
                hi = max(0.0, hi + z - P["cusum_k"])
                lo = max(0.0, lo - z - P["cusum_k"])
                s = 0
                if hi > P["cusum_h"]:
                    hi, s = 0.0, 1
                elif lo > P["cusum_h"]:
                    lo, s = 0.0, -1
                hits[2, mo, me, j] = s == (-1 if me == 0 else 1)
    return book(hits, drifts, ref_chunks, m, nchunks)
