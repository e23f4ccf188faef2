// parity.mjs — the WebAssembly module answers every command with the same bytes as the native
// CLI: for each command of the schema, its defaults, each track, each parameter at its minimum
// and maximum (one at a time), and a set of bad inputs (same error body as the HTTP server).
//
// One platform difference is measured here rather than hidden: the two builds link different
// libms (glibc natively, with FMA-based log and exp on CPUs that have FMA; wasi-libc's in the
// module), and a transcendental function may differ in its last bit. Most answers are still
// byte-identical (the count is printed); the rest must have identical structure, keys,
// strings, integers and SVG, and every number equal within a relative 1e-9 (or 1e-15 near
// zero), the size of a last-bit difference carried through a model trained by Newton's
// method.
// Usage: node tests/wasm/parity.mjs BUILD/fleetops DIST/fleetops.wasm
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { WASI } from "node:wasi";

const [bin, wasmPath] = process.argv.slice(2);
if (!bin || !wasmPath) {
  console.error("usage: node parity.mjs FLEETOPS_BIN FLEETOPS_WASM");
  process.exit(2);
}

const wasi = new WASI({ version: "preview1", args: [], env: {} });
const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {
  wasi_snapshot_preview1: wasi.wasiImport,
});
wasi.initialize(instance);
const { memory, fo_wasm_alloc, fo_wasm_free, fo_wasm_run } = instance.exports;
const enc = new TextEncoder();
const dec = new TextDecoder();

function cstring(bytes) {
  const p = fo_wasm_alloc(bytes.length + 1);
  const m = new Uint8Array(memory.buffer, p, bytes.length + 1);
  m.set(bytes);
  m[bytes.length] = 0;
  return p;
}

function wasmRun(command, params, svg = false) {
  const parts = [];
  for (const [k, v] of params) parts.push(k, "\0", v, "\0");
  parts.push("\0");
  const c = cstring(enc.encode(command));
  const q = cstring(enc.encode(parts.join("")));
  const r = fo_wasm_run(c, q, svg === 2 ? 2 : svg ? 1 : 0);
  const view = new DataView(memory.buffer);
  const status = view.getInt32(r, true), len = view.getInt32(r + 4, true);
  const body = dec.decode(new Uint8Array(memory.buffer, r + 8, len));
  fo_wasm_free(c), fo_wasm_free(q), fo_wasm_free(r);
  return { status, body };
}

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

// Numbers within a relative 1e-9 (or 1e-15 absolute); everything else equal.
function near(a, b) {
  if (typeof a === "number" && typeof b === "number")
    return a === b || Math.abs(a - b) <= Math.max(1e-15, 1e-9 * Math.max(Math.abs(a), Math.abs(b)));
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => near(x, b[i]));
  if (a && typeof a === "object") {
    const ka = Object.keys(a), kb = Object.keys(b || {});
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && near(a[k], b[k]));
  }
  return a === b;
}

const schema = JSON.parse(execFileSync(bin, ["schema"], { encoding: "utf8" }));
let cases = 0, failures = 0, identical = 0;
function check(name, command, params, svg = false) {
  cases++;
  const w = wasmRun(command, params, svg), c = cliRun(command, params, svg);
  const want = svg ? c.body : (c.body || "").replace(/\n$/, "");
  if (c.status === 2) {
    if (w.status !== 400) { failures++; console.error(`FAIL ${name}: CLI refused (exit 2), wasm answered ${w.status}`); }
    return;
  }
  if (w.status !== 200) { failures++; console.error(`FAIL ${name}: wasm answered ${w.status}`); return; }
  if (w.body === want) { identical++; return; }
  if (svg || !near(JSON.parse(want), JSON.parse(w.body))) {
    failures++;
    console.error(`FAIL ${name}: wasm and CLI differ beyond a last-bit libm difference`);
  }
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
  const ptrs = [part, track, value].map((x) => cstring(enc.encode(x)));
  const r = instance.exports.fo_wasm_reveal(...ptrs);
  const view = new DataView(memory.buffer);
  const status = view.getInt32(r, true), len = view.getInt32(r + 4, true);
  const body = JSON.parse(dec.decode(new Uint8Array(memory.buffer, r + 8, len)));
  for (const p of ptrs) fo_wasm_free(p);
  fo_wasm_free(r);
  return { status, body };
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
        !p.sentence.startsWith(`You predicted ${part === "ensemble" ? '"' + q.value + '"' : q.value}`)) {
      failures++;
      console.error(`FAIL reveal ${part} ${t}: ${JSON.stringify(w)} vs CLI actual ${c.prediction.actual}`);
    }
  }
  cases++;
  const bad = wasmReveal(part, "cloud-titan", "-5");
  if (built && (bad.status !== 400 || bad.body.param !== "value")) { failures++; console.error(`FAIL reveal ${part} -5: ${JSON.stringify(bad)}`); }
}
console.log(`${identical} of ${cases} answers byte-identical; the others differ only in last bits of libm results (reveals compared by their answer)`);
console.log(`wasm parity: ${cases - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
