// parity.mjs — the WebAssembly module answers every command with the same bytes as the native
// CLI: for each command of the schema, its defaults, each track, each parameter at its minimum
// and maximum (one at a time), and a set of bad inputs (the module's 400 body says what the
// CLI's stderr line says). Byte for byte: both builds compute exp, log, sin, ... with the same
// libm (musl's; include/fleetops/libm.h), so there is no tolerance anywhere.
// Usage: node tests/wasm/parity.mjs BUILD/fleetops DIST/fleetops.wasm
import { execFileSync } from "node:child_process";
import { loadModule } from "./module.mjs";

const [bin, wasmPath] = process.argv.slice(2);
if (!bin || !wasmPath) {
  console.error("usage: node parity.mjs FLEETOPS_BIN FLEETOPS_WASM");
  process.exit(2);
}

const wasm = await loadModule(wasmPath);
/* svg: false the JSON, true the SVG, 2 both from one run */
const wasmRun = (command, params, svg = false) => wasm.run(command, params, svg === 2 ? 2 : svg ? 1 : 0);

function cliRun(command, params, svg = false) {
  const args = [command];
  for (const [k, v] of params) args.push(`--${k.replaceAll("_", "-")}`, v);
  args.push(svg ? "--svg" : "--json");
  if (svg) args.push("-");
  try {
    return { status: 0, body: execFileSync(bin, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }) };
  } catch (e) {
    return { status: e.status, body: e.stdout, err: e.stderr };
  }
}

const schema = JSON.parse(execFileSync(bin, ["schema"], { encoding: "utf8" }));
let cases = 0, failures = 0, identical = 0, refused = 0;
function check(name, command, params, svg = false) {
  cases++;
  const w = wasmRun(command, params, svg), c = cliRun(command, params, svg);
  const want = svg ? c.body : (c.body || "").replace(/\n$/, "");
  if (c.status === 2) {
    // the CLI's one stderr line, built from the module's {error, param, value, allowed}
    const e = w.status === 400 ? JSON.parse(w.body) : null;
    const line = e && `fleetops ${command}: --${e.param.replaceAll("_", "-")} "${e.value}": ${e.error}; allowed: ${e.allowed}\n`;
    if (line !== c.err) {
      failures++;
      console.error(`FAIL ${name}: CLI refused with ${JSON.stringify(c.err)}, wasm answered ${w.status} ${w.body}`);
    } else refused++;
    return;
  }
  if (w.status !== 200) { failures++; console.error(`FAIL ${name}: wasm answered ${w.status}`); return; }
  if (w.body === want) { identical++; return; }
  let i = 0;
  while (i < want.length && want[i] === w.body[i]) i++;
  failures++;
  console.error(`FAIL ${name}: bytes differ from offset ${i}: CLI ${JSON.stringify(want.slice(i - 30, i + 30))}, ` +
    `wasm ${JSON.stringify(w.body.slice(i - 30, i + 30))}`);
}

for (const cmd of schema.commands) {
  const track = cmd.params.find((p) => p.name === "track");
  // required parameters get their first choice (or minimum) in every case
  const base = cmd.params.filter((p) => p.required)
    .map((p) => [p.name, p.type === "choice" ? p.choices[0] : String(p.min)]);
  check(`${cmd.name} defaults`, cmd.name, base);
  if (cmd.figure) check(`${cmd.name} figure`, cmd.name, base, true);
  for (const t of track ? track.choices : [])
    check(`${cmd.name} --track ${t}`, cmd.name, [...base.filter(([k]) => k !== "track"), ["track", t]]);
  for (const p of cmd.params) {
    if (p.name === "track" || p.required) continue;
    if (p.type === "choice") {
      for (const c of p.choices) check(`${cmd.name} --${p.name} ${c}`, cmd.name, [...base, [p.name, c]]);
    } else if (p.type !== "string") {
      const lo = p.min_exclusive ? null : p.min, hi = p.max_exclusive ? null : p.max;
      for (const v of [lo, hi]) if (v !== null) check(`${cmd.name} --${p.name} ${v}`, cmd.name, [...base, [p.name, String(v)]]);
      check(`${cmd.name} --${p.name} nan`, cmd.name, [...base, [p.name, "nan"]]);
    }
  }
}
// random points of each command's parameter space (a fixed seed, so a failure reproduces):
// a track and three parameters at a time, log-uniform over ranges spanning decades
let state = 0x2545f491;
const random = () => ((state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
function draw(p) {
  if (p.type === "choice") return p.choices[Math.floor(random() * p.choices.length)];
  const lo = p.min, hi = Math.min(p.max, p.type === "integer" ? 1e6 : p.max);
  const v = lo > 0 && hi / lo > 1000 ? lo * (hi / lo) ** random() : lo + (hi - lo) * random();
  return p.type === "integer" ? String(Math.round(v)) : String(Number(v.toPrecision(6)));
}
for (const cmd of schema.commands) {
  const free = cmd.params.filter((p) => p.type !== "string" && !p.required);
  const base = cmd.params.filter((p) => p.required).map((p) => [p.name, draw(p)]);
  for (let k = 0; free.length && k < 8; k++) {
    const picked = new Map(base);
    for (let j = 0; j < 3; j++) {
      const p = free[Math.floor(random() * free.length)];
      picked.set(p.name, draw(p));
    }
    const params = [...picked];
    check(`${cmd.name} ${params.map(([a, b]) => `--${a} ${b}`).join(" ")}`, cmd.name, params, k === 0 && !!cmd.figure);
  }
}
// errors: the same body as the server's 400
const bad = wasmRun("roi", [["models", "0"]]);
if (bad.status !== 400 || JSON.parse(bad.body).allowed !== "integer in [1, 100000]") {
  failures++;
  console.error("FAIL roi --models 0: wrong error from wasm", bad);
}
if (wasmRun("nope", []).status !== 404) { failures++; console.error("FAIL unknown command is not 404"); }
// want_svg 2: the JSON and the SVG of one run, separated by a NUL byte, as the two calls give them
for (const cmd of schema.commands.filter((c) => c.figure)) {
  cases++;
  const base = cmd.params.filter((p) => p.required).map((p) => [p.name, p.type === "choice" ? p.choices[0] : String(p.min)]);
  const both = wasmRun(cmd.name, base, 2), json = wasmRun(cmd.name, base), svg = wasmRun(cmd.name, base, true);
  if (both.status !== 200 || both.body !== `${json.body}\0${svg.body}`) {
    failures++;
    console.error(`FAIL ${cmd.name}: want_svg 2 is not the JSON, a NUL and the SVG`);
  }
}
// the reveal (fo_wasm_reveal, the static build's answer to a lock): the same answer as the
// part's own command's prediction for the lock question, in the server's JSON shape
function wasmReveal(part, track, value) {
  const r = wasm.reveal(part, track, value);
  return { status: r.status, body: JSON.parse(r.body) };
}
const questions = {
  roi: { value: "10", args: [] },
  canary: { value: "1000", args: [["confidence", "0.95"], ["failure_rate", "0.001"], ["allowed_failures", "0"]] },
  ensemble: { value: "no-drop", args: [["upstream", "v2"], ["retrain", "no"]] },
};
for (const [part, q] of Object.entries(questions)) {
  const built = schema.commands.some((c) => c.name === part);
  for (const t of ["cloud-titan", "edge-guardian", "mobile-nomad", "tiny-pioneer"]) {
    cases++;
    const w = wasmReveal(part, t, q.value);
    if (!built) {
      if (w.status !== 404) { failures++; console.error(`FAIL reveal ${part}: not built, want 404, got ${w.status}`); }
      continue;
    }
    const c = JSON.parse(cliRun(part, [["track", t], ...q.args, ["predict", q.value]]).body);
    const p = w.body.prediction;
    if (w.status !== 201 || !p || p.part !== part || p.predicted !== q.value || p.actual !== String(c.prediction.actual) ||
        !p.sentence.startsWith(`You predicted ${part === "ensemble"
          ? "that accuracy " + (q.value === "drop" ? "drops" : "holds") // the choice in words
          : Number(q.value).toLocaleString("en-US")}`)) {                // thousands grouped
      failures++;
      console.error(`FAIL reveal ${part} ${t}: ${JSON.stringify(w)} vs CLI actual ${c.prediction.actual}`);
    }
  }
  cases++;
  const bad = wasmReveal(part, "cloud-titan", "-5");
  if (built && (bad.status !== 400 || bad.body.param !== "value")) { failures++; console.error(`FAIL reveal ${part} -5: ${JSON.stringify(bad)}`); }
}
console.log(`${identical} answers byte-identical, ${refused} refusals with the same message; reveals and combined answers checked as stated`);
console.log(`wasm parity: ${cases - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
