// parity.mjs — the WebAssembly module answers every command with the same bytes as the native
// CLI: for each command of the schema, its defaults, each track, each parameter at its minimum
// and maximum (one at a time), and a set of bad inputs (same error body as the HTTP server).
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
  const r = fo_wasm_run(c, q, svg ? 1 : 0);
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

const schema = JSON.parse(execFileSync(bin, ["schema"], { encoding: "utf8" }));
let cases = 0, failures = 0;
function check(name, command, params, svg = false) {
  cases++;
  const w = wasmRun(command, params, svg), c = cliRun(command, params, svg);
  const want = svg ? c.body : c.body.replace(/\n$/, "");
  if (c.status === 0 && (w.status !== 200 || w.body !== want)) {
    failures++;
    console.error(`FAIL ${name}: wasm ${w.status} differs from the CLI`);
  } else if (c.status === 2 && w.status !== 400) {
    failures++;
    console.error(`FAIL ${name}: CLI refused (exit 2), wasm answered ${w.status}`);
  }
}

for (const cmd of schema.commands) {
  const track = cmd.params.find((p) => p.name === "track");
  const base = track && track.required ? [["track", track.choices[0]]] : [];
  check(`${cmd.name} defaults`, cmd.name, base);
  if (cmd.figure) check(`${cmd.name} figure`, cmd.name, base, true);
  for (const t of track ? track.choices : [])
    check(`${cmd.name} --track ${t}`, cmd.name, [["track", t]]);
  for (const p of cmd.params) {
    if (p.name === "track") continue;
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
console.log(`wasm parity: ${cases - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
