"""assemble.py — joins what `make bench` measured into bench/RESULTS.md and bench/results.json:
fleetops' in-process and process timings, the floor and the draw counts (fleetops_bench,
fleetops_draws), the NumPy references (run.py), the lab's interactions and the server and
ledger load (server_load.sh, ledger_load.sh: JSON lines).

Usage: python3 bench/reference/assemble.py BUILD_DIR OUT_DIR"""
import datetime
import json
import math
import os
import sys

HEAVY = [  # id, title, is a simulation
    ("sprt_mc", "SPRT Monte Carlo, 100,000 canaries per hypothesis (p0 .001, p1 .002)", True),
    ("edge_rollout", "Edge Guardian rollout, 500,000 vehicles", True),
    ("cloud_streams", "Cloud Titan, 50 models x 43,200 min x 2 metrics, thresholds", True),
    ("logreg_train", "Part 3 classifier training (Newton, 1,000 x 8)", False),
    ("roi_curve", "Part 1 curve (toil, N*, cap, curve)", False),
]

# Why each simulation sits where it does against its floor (the profile's reading; see the
# "Profiles and fixes" section).
WHY = {
    "sprt_mc": "Per failure the canary loop draws one exponential (half a 64-bit number, "
               "ziggurat), turns it into a whole gap, compares with the tabulated boundaries and "
               "branches: ~47 instructions a draw at ~4 a cycle, plus one mispredicted stop per "
               "canary. The time also includes the exact DP (run with the simulation to cap it).",
    "edge_rollout": "The rollout draws ~20 binomial counts an hour over ~200 hours; a binomial "
                    "with a large n*p is split by Beta order statistics (two gamma draws, each "
                    "a normal with its log and sqrt), so each of its ~56,000 64-bit numbers "
                    "carries a transcendental or two: the floor of raw bits is far below what "
                    "exact counts cost.",
    "cloud_streams": "Each of the 72,000 chunks costs one normal (polar method: a log, a sqrt, "
                     "a division), a cosine for the seasonality and, for latency, an exp; "
                     "those functions, not the 2.5 random numbers per chunk, set the time.",
}


def load_json(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def load_lines(path):
    out = []
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line:
                    out.append(json.loads(line))
    except OSError:
        pass
    return out


def ft(s):
    """A duration for a table."""
    if s is None or (isinstance(s, float) and math.isnan(s)):
        return "—"
    if s < 1e-6:
        return "%.0f ns" % (s * 1e9)
    if s < 1e-3:
        return "%.1f µs" % (s * 1e6)
    if s < 1:
        return "%.2f ms" % (s * 1e3)
    if s < 120:
        return "%.2f s" % s
    return "%.0f s" % s


def fx(r):
    if r is None or (isinstance(r, float) and math.isnan(r)):
        return "—"
    return "%.0fx" % r if r >= 100 else "%.1fx" % r


def over(r):
    """How far past a target a ratio time / target is: "+3%" below 2x, else "2.4x"."""
    return "+%.0f%%" % ((r - 1) * 100) if r < 2 else fx(r)


def main():
    build, outdir = sys.argv[1], sys.argv[2]
    bench = load_json(os.path.join(build, "bench.json"), {})
    draws = load_json(os.path.join(build, "bench_draws.json"), {})
    ref = load_json(os.path.join(build, "bench_reference.json"), {})
    load = load_lines(os.path.join(build, "bench_load.jsonl"))
    wasm = load_json(os.path.join(build, "bench_wasm.json"), {})
    cases = {c["id"]: c for c in bench.get("cases", []) if c.get("id")}
    by_name = {c["name"]: c for c in bench.get("cases", [])}
    floor = bench.get("floor", {})
    t_u64 = floor.get("u64_inline_s", float("nan"))
    s_byte = floor.get("stream_64mb_s_per_byte", float("nan"))
    refw = ref.get("workloads", {})

    results = {"generated": datetime.datetime.now(datetime.timezone.utc).isoformat(
        timespec="seconds"), "machine": bench.get("machine"), "floor": floor,
        "python": ref.get("python"), "numpy": ref.get("numpy"), "blas": ref.get("blas"),
        "workloads": [], "interactions": bench.get("interactions", []),
        "processes": bench.get("processes", []), "cases": bench.get("cases", []), "load": load,
        "wasm": wasm}

    # ---- heavy workloads ------------------------------------------------------------------
    rows = []
    for wid, title, sim in HEAVY:
        c = cases.get(wid)
        if not c:
            continue
        fo = c["median_s"]
        best = refw.get(wid, {}).get("best", {})
        plain = refw.get(wid, {}).get("plain", {})
        w = {"id": wid, "title": title, "simulation": sim, "fleetops": c,
             "best": best, "plain": plain}
        w["vs_best"] = best.get("median_s", float("nan")) / fo if best.get("median_s") else None
        w["vs_plain"] = plain.get("median_s", float("nan")) / fo if plain.get("median_s") else None
        elements = c["elements"]
        unit = c["element_unit"]
        chk = bench.get("checks", {}).get(wid, {})
        if wid == "sprt_mc" and chk.get("elements"):
            elements, unit = chk["elements"], "simulated request"
        w["elements"], w["element_unit"] = elements, unit
        w["ns_per_element"] = fo / elements * 1e9
        if sim:
            d = draws.get(wid, {}).get("draws")
            w["draws"] = d
            w["floor_s"] = (d * t_u64 if d else float("nan")) + c.get("stream_s", 0.0)
            w["vs_floor"] = fo / w["floor_s"] if d else None
            w["element_floor_s"] = elements * t_u64 + elements * 8 * s_byte
            w["why"] = WHY.get(wid, "")
        w["targets"] = {
            "faster_than_best": w["vs_best"] is not None and w["vs_best"] > 1.0,
            "10x_plain": w["vs_plain"] is not None and w["vs_plain"] >= 10.0,
        }
        if sim:
            w["targets"]["within_2x_floor"] = w["vs_floor"] is not None and w["vs_floor"] <= 2.0
        if c.get("target_s"):
            w["targets"]["issue_target"] = fo <= c["target_s"]
        results["workloads"].append(w)
        rows.append(w)

    json.dump(results, open(os.path.join(outdir, "results.json"), "w"), indent=1)

    # ---- RESULTS.md -------------------------------------------------------------------------
    m = bench.get("machine", {})
    L = []
    L.append("# fleetops benchmark results")
    L.append("")
    L.append("Written by `make bench` (bench/reference/assemble.py) on %s; do not edit by hand "
             "(the notes at the end come from bench/NOTES.md)." % results["generated"])
    L.append("")
    L.append("- Machine: %s, %s cores (`/proc/cpuinfo`); load average %.2f when the run began "
             "(the machine is shared: other engineers' builds and tests run beside it, so the "
             "p10–p90 spreads are wide and medians are what to read)." % (
                 m.get("cpu"), m.get("cores"), m.get("loadavg_1min_at_start") or float("nan")))
    L.append("- fleetops: C17, `%s`, `-O3` (CMake Release), one thread." % m.get("compiler"))
    blas = ref.get("blas")
    kern = ", ".join("%s %s (%s kernel, %s threads)" % (b.get("internal_api"), b.get("version"),
                                                         b.get("architecture"),
                                                         b.get("num_threads"))
                     for b in blas) if isinstance(blas, list) else str(blas)
    L.append("- NumPy %s on Python %s (Debian's python3-numpy, /usr/bin/python3), BLAS: %s; run "
             "with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (%s)." % (
                 ref.get("numpy"), ref.get("python"), kern,
                 ", ".join("%s=%s" % kv for kv in (ref.get("env") or {}).items())))
    L.append("- Timings: fleetops in-process, median of 21 batches of ~2 ms (p10–p90 beside it), "
             "the whole suite run %d times over a few minutes and each figure the median of "
             "its rounds; " % bench.get("rounds", 1) +
             "NumPy in-process with `time.perf_counter` (imports and start-up excluded), median "
             "of several runs. Each reference first reproduces fleetops' statistics (same "
             "parameters; means over seeds within Monte Carlo error for random workloads, to "
             "rounding for deterministic ones) and is timed only then.")
    L.append("")
    L.append("## Heavy workloads: fleetops vs NumPy, and the floor")
    L.append("")
    L.append("| workload | fleetops median [p10–p90] (CPU) | best NumPy | plain NumPy | "
             "best / fleetops | plain / fleetops | floor | fleetops / floor | targets |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for w in rows:
        c = w["fleetops"]
        tg = w["targets"]
        marks = []
        marks.append("> best: " + ("met" if tg["faster_than_best"] else "**missed**"))
        marks.append("10x plain: " + ("met" if tg["10x_plain"] else "**missed**"))
        if "within_2x_floor" in tg:
            marks.append("2x floor: " + ("met" if tg["within_2x_floor"] else "**missed**"))
        if "issue_target" in tg:
            marks.append("%s: %s" % (c["target_text"], "met" if tg["issue_target"]
                                     else "**missed**"))
        plain_note = ""
        if w["plain"].get("scaled_from_fraction"):
            plain_note = " (scaled from 1/%.0f)" % (1 / w["plain"]["scaled_from_fraction"])
        L.append("| %s | %s [%s–%s] (%s) | %s | %s%s | %s | %s | %s | %s | %s |" % (
            w["title"], ft(c["median_s"]), ft(c["p10_s"]), ft(c["p90_s"]), ft(c.get("cpu_median_s")),
            ft(w["best"].get("median_s")), ft(w["plain"].get("median_s")), plain_note,
            fx(w["vs_best"]), fx(w["vs_plain"]), ft(w.get("floor_s")) if w["simulation"]
            else "n/a", fx(w.get("vs_floor")) if w["simulation"] else "n/a", "; ".join(marks)))
    L.append("")
    sim_c = by_name.get("sprt: simulate 100000 (+ exact, .001/.002)")
    ex_c = by_name.get("sprt: exact DP + fixed n + OC (.001/.002)")
    if sim_c and ex_c:
        L.append("fleetops' SPRT time includes its exact dynamic program (it runs with every "
                 "simulation, to cap it); the NumPy references simulate only. The simulation "
                 "alone is the difference of the two cases, about %s (exact DP alone: %s)." % (
                     ft(sim_c["median_s"] - ex_c["median_s"]), ft(ex_c["median_s"])))
        L.append("")
    L.append("### The formulations")
    L.append("")
    for w in rows:
        L.append("- **%s**. Best: %s. Plain: %s." % (w["title"], w["best"].get("formulation", "—"),
                                                     w["plain"].get("formulation", "—")))
    L.append("")
    L.append("### Work per element and the floor")
    L.append("")
    L.append("The floor is what the machine needs for the random numbers a simulation draws "
             "(counted exactly by `fleetops_draws`, at %.2f ns per 64-bit number with the "
             "project's xoshiro256** kept in registers) plus streaming the bytes it writes "
             "(its result and tables; %.2f GB/s write+read over 64 MB). The per-element floor "
             "is what a per-sample simulation would need at best: one random number and 8 "
             "bytes per element." % (t_u64 * 1e9, 1e-9 / s_byte if s_byte else float("nan")))
    L.append("")
    L.append("| simulation | elements | fleetops per element | 64-bit numbers drawn | floor | "
             "fleetops / floor | per-element floor | fleetops / per-element floor | why |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for w in rows:
        if not w["simulation"]:
            continue
        L.append("| %s | %s %ss | %.3g ns | %s | %s | %s | %s | %s | %s |" % (
            w["id"], "{:,.0f}".format(w["elements"]), w["element_unit"], w["ns_per_element"],
            "{:,}".format(w["draws"]) if w.get("draws") else "—", ft(w["floor_s"]),
            fx(w["vs_floor"]), ft(w["element_floor_s"]),
            "%.2g" % (w["fleetops"]["median_s"] / w["element_floor_s"]), w["why"]))
    L.append("")
    L.append("### Agreement checks (before timing)")
    L.append("")
    for w in rows:
        for kind in ("best", "plain"):
            e = w[kind]
            if not e:
                continue
            worst = max((abs(r["reference"] - r["fleetops"]) / r["tolerance"]
                         for r in e.get("checked", []) if r["tolerance"] > 0), default=0)
            L.append("- %s, %s: %s, %d statistics, largest |difference| / tolerance %.2f" % (
                w["id"], kind, "agrees" if e.get("agrees") else "**DISAGREES**",
                len(e.get("checked", [])), worst))
    L.append("")

    # ---- every case with its issue's target -------------------------------------------------
    L.append("## Every in-process case (issue targets)")
    L.append("")
    L.append("| case | median [p10–p90] | target | |")
    L.append("|---|---|---|---|")
    for c in bench.get("cases", []):
        verdict = "" if not c.get("target_s") else (
            "met" if c["median_s"] <= c["target_s"] else "**missed by %s**" % over(
                c["median_s"] / c["target_s"]))
        L.append("| %s | %s [%s–%s] | %s | %s |" % (c["name"], ft(c["median_s"]), ft(c["p10_s"]),
                                                   ft(c["p90_s"]), c.get("target_text") or "",
                                                   verdict))
    L.append("")

    # ---- interactions ------------------------------------------------------------------------
    L.append("## Lab interactions: every command x track at its defaults")
    L.append("")
    L.append("Through the command table (`fo_command_run_kv`: parsing, presets, the model, the "
             "JSON; and with the figure), what a slider move costs the server or the page. "
             "Targets: simulations within a frame (16 ms), analytic commands within 1 ms.")
    L.append("")
    L.append("| command | track | kind | JSON | JSON + SVG | CPU (JSON + SVG) | target | |")
    L.append("|---|---|---|---|---|---|---|---|")
    inter = {}
    for it in bench.get("interactions", []):
        inter.setdefault((it["command"], it["track"]), {})[it["svg"]] = it
    misses = []
    for (cmd, track), d in inter.items():
        j, s = d.get(False), d.get(True)
        tgt = (j or s)["target_s"]
        worst = max(x["median_s"] for x in d.values())
        ok = worst <= tgt
        if not ok:
            misses.append((cmd, track, worst, tgt))
        L.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            cmd, track, (j or s)["kind"], ft(j["median_s"]) if j else "—",
            ft(s["median_s"]) if s else "—", ft((s or j).get("cpu_median_s")), ft(tgt),
            "met" if ok else "**missed by %s**" % over(worst / tgt)))
    L.append("")
    if misses:
        L.append("Misses: " + "; ".join("%s %s %s (target %s)" % (c, t, ft(w), ft(g))
                                        for c, t, w, g in misses) + ". See the notes below.")
    else:
        L.append("Every interaction met its target.")
    L.append("")

    # ---- the static build -----------------------------------------------------------------
    if wasm.get("interactions"):
        L.append("## The static build: the same interactions in fleetops.wasm")
        L.append("")
        L.append("dist/fleetops.wasm (%s bytes; budget 300 KB) run in Node %s's V8, the engine "
                 "Chromium runs the page's worker with: each command x track at the same "
                 "defaults as above, as the page asks (JSON; JSON + figure from one run), median "
                 "of %d rounds of 21 runs. The page runs the module in a Web Worker, so a run "
                 "longer than a frame delays its own answer but never blocks the page; the "
                 "targets are the native ones." % (
                     "{:,}".format(wasm.get("wasm_bytes", 0)), wasm.get("node"),
                     wasm.get("rounds", 1)))
        L.append("")
        L.append("| command | track | JSON | JSON + SVG | [p10–p90] (JSON + SVG) | native (JSON + SVG) "
                 "| wasm / native | target | |")
        L.append("|---|---|---|---|---|---|---|---|---|")
        wint = {}
        for it in wasm["interactions"]:
            wint.setdefault((it["command"], it["track"]), {})[it["svg"]] = it
        wmiss = []
        for (cmd, track), d in wint.items():
            j, s_ = d.get(False), d.get(True)
            last = s_ or j
            nat = inter.get((cmd, track), {}).get(bool(s_))
            worst = max(x["median_s"] for x in d.values())
            ok = worst <= last["target_s"]
            if not ok:
                wmiss.append("%s %s %s" % (cmd, track, ft(worst)))
            L.append("| %s | %s | %s | %s | %s–%s | %s | %s | %s | %s |" % (
                cmd, track, ft(j["median_s"]) if j else "—", ft(s_["median_s"]) if s_ else "—",
                ft(last["p10_s"]), ft(last["p90_s"]), ft(nat["median_s"]) if nat else "—",
                "%.1fx" % (last["median_s"] / nat["median_s"]) if nat else "—",
                ft(last["target_s"]), "met" if ok else "**missed by %s**" % over(
                    worst / last["target_s"])))
        L.append("")
        L.append("Misses: %s." % "; ".join(wmiss) if wmiss else
                 "Every interaction met its target in the module too.")
        L.append("")

    # ---- server and ledger load ---------------------------------------------------------
    L.append("## `fleetops serve` under load (wrk on loopback, 2 server threads)")
    L.append("")
    L.append("The server and wrk share the machine's 2 cores (and the other engineers' work), "
             "so a saturation rate is the pair's. Paced runs: exponential gaps per connection at "
             "the offered rate; latency from each request's send (no coordinated-omission "
             "correction).")
    L.append("")
    L.append("| path | load | offered | achieved | p50 | p99 |")
    L.append("|---|---|---|---|---|---|")
    for r in load:
        if "path" not in r:
            continue
        L.append("| `%s` | %s | %s | %.0f/s | %.3f ms | %.3f ms |" % (
            r["path"], r["mode"], "%s/s" % r["offered_per_s"] if r.get("offered_per_s")
            else "as fast as answered (%d connections)" % r["connections"], r["achieved_per_s"],
            r["p50_ms"], r["p99_ms"]))
    for r in load:
        if r.get("kind") == "ledger":
            L.append("")
            L.append("Ledger: %.0f acknowledged writes/s from 50 students, p50 %.3f ms, p99 "
                     "%.3f ms (target p99 < 2 ms: %s)." % (
                         r["achieved_per_s"], r["p50_ms"], r["p99_ms"],
                         "met" if r["p99_ms"] < 2 else "**missed**"))
    L.append("")

    # ---- whole processes ----------------------------------------------------------------
    L.append("## Whole CLI processes (start-up included)")
    L.append("")
    L.append("| process | median [p10–p90] | target | |")
    L.append("|---|---|---|---|")
    for p in bench.get("processes", []):
        verdict = "" if not p.get("target_s") else (
            "met" if p["median_s"] <= p["target_s"] else "**missed**")
        L.append("| %s | %s [%s–%s] | %s | %s |" % (p["name"], ft(p["median_s"]),
                                                   ft(p["p10_s"]), ft(p["p90_s"]),
                                                   ft(p["target_s"]) if p.get("target_s")
                                                   else "", verdict))
    L.append("")
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "NOTES.md")
    if os.path.exists(notes):
        L.append(open(notes).read().rstrip())
        L.append("")
    with open(os.path.join(outdir, "RESULTS.md"), "w") as f:
        f.write("\n".join(L))
    print("wrote %s and %s" % (os.path.join(outdir, "RESULTS.md"),
                               os.path.join(outdir, "results.json")))


if __name__ == "__main__":
    main()
