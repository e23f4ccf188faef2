/* engine-worker.js: fleetops.wasm off the page's thread (the static build only; see
 * backends.js). A Part 3 run takes tens of milliseconds in the browser; here it never holds up
 * a slider, a keystroke or a repaint.
 *
 * Messages in:  {op: 'init', url}            -> {ready: true} or {failed: message}
 *               {id, op: 'run', args: [command, pairs, want]}
 *               {id, op: 'reveal', args: [part, track, value]}
 *                                            -> {id, status, text} or {id, failed: message}
 * `pairs` is the module's parameter block (name NUL value NUL ... NUL); `want` 0 the JSON, 1
 * the SVG, 2 both from one run (JSON, a NUL byte, SVG). `status` and `text` are what the server
 * would answer (200/201, or 400/404 with {error, param, value, allowed}). */
'use strict';

let x = null; /* the module's exports */
const enc = new TextEncoder();
const dec = new TextDecoder();

/* fleetops.wasm is a wasm32-wasi reactor that imports fd_write, fd_close and fd_seek only
 * (libc's stdio, never called on the page's paths): they are stubbed. */
async function load(url) {
  const wasi = {
    fd_write(fd, iovs, n, written) {
      const v = new DataView(x.memory.buffer);
      let total = 0;
      for (let i = 0; i < n; i++) total += v.getUint32(iovs + 8 * i + 4, true);
      v.setUint32(written, total, true);
      return 0;
    },
    fd_close: () => 0,
    fd_seek: () => 70, /* ESPIPE */
  };
  const imports = { wasi_snapshot_preview1: wasi };
  const resp = await fetch(url);
  if (!resp.ok) throw new Error(`${url}: HTTP ${resp.status}`);
  let inst;
  if (WebAssembly.instantiateStreaming && /application\/wasm/.test(resp.headers.get('Content-Type') || '')) {
    inst = (await WebAssembly.instantiateStreaming(resp, imports)).instance;
  } else {
    inst = (await WebAssembly.instantiate(await resp.arrayBuffer(), imports)).instance;
  }
  x = inst.exports;
  if (x._initialize) x._initialize();
}

function cstr(s) {
  const b = enc.encode(s);
  const p = x.fo_wasm_alloc(b.length + 1);
  if (!p) throw new Error('fleetops.wasm: out of memory');
  const m = new Uint8Array(x.memory.buffer, p, b.length + 1);
  m.set(b);
  m[b.length] = 0;
  return p;
}

/* One call: strings in, the block {int32 status, int32 length, bytes} out. */
function call(fn, strings, extra) {
  const ptrs = strings.map(cstr);
  const r = fn(...ptrs, ...extra);
  try {
    if (!r) throw new Error('fleetops.wasm: out of memory');
    const v = new DataView(x.memory.buffer);
    const status = v.getInt32(r, true);
    const len = v.getInt32(r + 4, true);
    return { status, text: dec.decode(new Uint8Array(x.memory.buffer, r + 8, len)) };
  } finally {
    for (const p of ptrs) x.fo_wasm_free(p);
    if (r) x.fo_wasm_free(r);
  }
}

self.onmessage = async (e) => {
  const m = e.data;
  if (m.op === 'init') {
    try {
      await load(m.url);
      self.postMessage({ ready: true });
    } catch (err) {
      self.postMessage({ failed: String(err && err.message ? err.message : err) });
    }
    return;
  }
  try {
    if (m.op === 'run') {
      const [command, pairs, want] = m.args;
      self.postMessage(Object.assign({ id: m.id }, call(x.fo_wasm_run, [command, pairs], [want])));
    } else if (m.op === 'reveal') {
      self.postMessage(Object.assign({ id: m.id }, call(x.fo_wasm_reveal, m.args.map(String), [])));
    } else {
      self.postMessage({ id: m.id, failed: `unknown op ${m.op}` });
    }
  } catch (err) {
    self.postMessage({ id: m.id, failed: String(err && err.message ? err.message : err) });
  }
};
