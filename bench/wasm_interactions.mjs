// wasm_interactions.mjs — `make bench`: the static build's interactions. Every command x track
// at its defaults (the same parameters as fleetops_bench's interactions: governance's policy its
// first choice, bound 2 failures in 3,000 requests), run in dist/fleetops.wasm under Node's V8
// (the engine Chromium runs the page's worker with) the way the page asks: JSON, and JSON +
// figure from one run, each answer decoded to text as the worker does. Median and p10-p90 of 21
// timed runs after 3 warm-ups, each case repeated over ROUNDS rounds and the median of its
// rounds kept (as the native suite does). Writes one JSON object (module size, cases) for
// bench/reference/assemble.py.
// Usage: node bench/wasm_interactions.mjs DIST/fleetops.wasm OUT.json [ROUNDS]
import { statSync, writeFileSync } from "node:fs";
import { loadModule } from "../tests/wasm/module.mjs";

const [wasmPath, outPath, roundsArg] = process.argv.slice(2);
if (!wasmPath || !outPath) {
  console.error("usage: node wasm_interactions.mjs DIST/fleetops.wasm OUT.json [ROUNDS]");
  process.exit(2);
}
const rounds = Number(roundsArg || 3);
const wasm = await loadModule(wasmPath);

/* one run, its answer decoded as the page's worker decodes it */
function run(command, params, want) {
  const r = wasm.run(command, params, want);
  if (r.status !== 200) throw new Error(`${command} ${JSON.stringify(params)}: ${r.status} ${r.body}`);
}

const schemaOut = JSON.parse(wasm.run("schema", []).body);

const SIMULATIONS = new Set(["crisis", "rollout", "ensemble", "governance"]);
const quantile = (xs, q) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const cases = [];
for (const cmd of schemaOut.commands) {
  const track = cmd.params.find((p) => p.name === "track");
  for (const t of track ? track.choices : ["-"]) {
    const params = track ? [["track", t]] : [];
    for (const p of cmd.params) {
      if (!p.required || p.name === "track") continue;
      params.push([p.name, p.type === "choice" ? p.choices[0] : p.name === "failures" ? "2" : "3000"]);
    }
    for (const svg of cmd.figure ? [false, true] : [false])
      cases.push({ command: cmd.name, track: t, svg, params, kind: SIMULATIONS.has(cmd.name) ? "simulation" : "analytic" });
  }
}

const perRound = cases.map(() => []);
for (let r = 0; r < rounds; r++) {
  cases.forEach((c, i) => {
    const want = c.svg ? 2 : 0;
    for (let k = 0; k < 3; k++) run(c.command, c.params, want);
    const ts = [];
    for (let k = 0; k < 21; k++) {
      const s = performance.now();
      run(c.command, c.params, want);
      ts.push((performance.now() - s) / 1e3);
    }
    ts.sort((a, b) => a - b);
    perRound[i].push({ median_s: quantile(ts, 0.5), p10_s: quantile(ts, 0.1), p90_s: quantile(ts, 0.9) });
  });
}
const out = {
  node: process.version,
  wasm_bytes: statSync(wasmPath).size,
  rounds,
  interactions: cases.map((c, i) => ({
    command: c.command, track: c.track, svg: c.svg, kind: c.kind,
    target_s: c.kind === "simulation" ? 16e-3 : 1e-3,
    median_s: median(perRound[i].map((x) => x.median_s)),
    p10_s: median(perRound[i].map((x) => x.p10_s)),
    p90_s: median(perRound[i].map((x) => x.p90_s)),
  })),
};
writeFileSync(outPath, JSON.stringify(out, null, 1));
for (const c of out.interactions)
  console.log(`wasm ${c.command} ${c.track}${c.svg ? " (JSON + SVG)" : " (JSON)"}`.padEnd(50) +
    `${(c.median_s * 1e3).toFixed(2)} ms  [${(c.p10_s * 1e3).toFixed(2)} .. ${(c.p90_s * 1e3).toFixed(2)}]`);
