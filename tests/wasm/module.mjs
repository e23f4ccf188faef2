// module.mjs — fleetops.wasm in Node's WASI, for the parity test and the benchmark: the page's
// two calls (web/engine-worker.js is the browser's side of the same protocol).
//   run(command, params, want) -> {status, body}: params [[name, value], ...]; want 0 the JSON,
//     1 the SVG, 2 both from one run (JSON, a NUL byte, SVG)
//   reveal(part, track, value) -> {status, body}: the answer to a locked prediction
import { readFileSync } from "node:fs";
import { WASI } from "node:wasi";

export async function loadModule(path) {
  const wasi = new WASI({ version: "preview1", args: [], env: {} });
  const { instance } = await WebAssembly.instantiate(readFileSync(path), {
    wasi_snapshot_preview1: wasi.wasiImport,
  });
  wasi.initialize(instance);
  const x = instance.exports;
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const cstring = (s) => {
    const bytes = enc.encode(s);
    const p = x.fo_wasm_alloc(bytes.length + 1);
    const m = new Uint8Array(x.memory.buffer, p, bytes.length + 1);
    m.set(bytes);
    m[bytes.length] = 0;
    return p;
  };
  /* strings in, the block {int32 status, int32 length, bytes} out */
  const call = (fn, strings, extra = []) => {
    const ptrs = strings.map(cstring);
    const r = fn(...ptrs, ...extra);
    const view = new DataView(x.memory.buffer);
    const status = view.getInt32(r, true), len = view.getInt32(r + 4, true);
    const body = dec.decode(new Uint8Array(x.memory.buffer, r + 8, len));
    for (const p of ptrs) x.fo_wasm_free(p);
    x.fo_wasm_free(r);
    return { status, body };
  };
  return {
    run: (command, params, want = 0) =>
      call(x.fo_wasm_run, [command, params.map(([k, v]) => `${k}\0${v}\0`).join("") + "\0"], [want]),
    reveal: (part, track, value) => call(x.fo_wasm_reveal, [part, track, String(value)]),
  };
}
