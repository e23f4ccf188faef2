/* backends.js: where the lab page's numbers come from and where its ledger lives. The page
 * (app.js) has ONE code path; only these two small interfaces differ between the two ways the
 * lab is served.
 *
 *   transport.get(command, params, {svg, signal}) -> the command's JSON (or its SVG text)
 *   transport.run(command, params, {svg, signal}) -> {data, svg}: the JSON and, when asked,
 *     the figure of the same parameters (the server: two requests in parallel; the module:
 *     one run)
 *     server: GET api/<command>?...             (fleetops serve)
 *     wasm:   fo_wasm_run in fleetops.wasm       (dist/ on any static host), in a Web Worker
 *             (engine-worker.js) so a long run never blocks the page
 *     Both throw an ApiError whose .status and .body ({error, param, value, allowed}) are the
 *     server's, byte for byte.
 *
 *   ledger.load() -> ledger | null, ledger.start(track), ledger.lock(part, value),
 *   ledger.evidence(part, command, params), ledger.attempt(params), ledger.reflect(part, text),
 *   ledger.governance(policy, justification), ledger.download(format)
 *     server: the /api/session, /api/ledger/... routes (the session is an HttpOnly cookie)
 *     local:  the browser's localStorage, with the server's rules (a lock once, at most ten
 *             attempts, every revision kept) and the server's JSON shapes; the report is built
 *             here and downloaded.
 *     A ledger is {session, track, created_at, predictions[], entries[], missing[]} in both.
 *
 * connect() decides from the page's <meta name="fleetops-backend">: "server" (web/index.html, as
 * fleetops serve embeds it), "static" (scripts/build_wasm.sh marks dist/index.html: the module
 * and localStorage) or "wasm+server-ledger" (deploy/nginx rewrites dist's marker: the module and
 * the server's ledger), so the static build never sends a request that must fail. A page with
 * no marker asks api/schema. */
'use strict';

(() => {
  const MAX_ATTEMPTS = 10; /* the 10-Iteration Rule (include/fleetops/store.h) */
  const MAX_TEXT_BYTES = 20000;

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error) || `HTTP ${status}`);
      this.status = status;
      this.body = body || null;
    }
  }

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) q.append(k, String(v));
    return q.toString();
  }

  async function readBody(r) {
    const text = await r.text();
    try {
      return JSON.parse(text);
    } catch (e) {
      return null;
    }
  }

  /* ---------------------------------------------------------------- transports */

  function serverTransport() {
    return {
      kind: 'server',
      async get(cmd, params, opts = {}) {
        const p = Object.assign({}, params, opts.svg ? { format: 'svg' } : {});
        const qs = query(p);
        const r = await fetch(`api/${encodeURIComponent(cmd)}${qs ? '?' + qs : ''}`, {
          signal: opts.signal, headers: { Accept: opts.svg ? 'image/svg+xml' : 'application/json' },
        });
        if (!r.ok) throw new ApiError(r.status, await readBody(r));
        return opts.svg ? r.text() : r.json();
      },
      async run(cmd, params, opts = {}) {
        const [data, svg] = await Promise.all([
          this.get(cmd, params, { signal: opts.signal }),
          opts.svg ? this.get(cmd, params, { svg: true, signal: opts.signal }).catch((e) => {
            if (e.name === 'AbortError') throw e;
            return null; /* the numbers still show without their figure */
          }) : null,
        ]);
        return { data, svg };
      },
    };
  }

  /* fleetops.wasm runs in a Web Worker (engine-worker.js), so a run of tens of milliseconds
   * never holds up the page. One call at a time in the worker; the rest wait here in order,
   * and a request the page has abandoned (its AbortSignal fired: a newer slider value) is
   * dropped before it costs the module anything. */
  async function wasmTransport(url) {
    const abortError = () => new DOMException('aborted', 'AbortError');
    const worker = new Worker('engine-worker.js');
    await new Promise((resolve, reject) => {
      worker.onmessage = (e) => (e.data.ready ? resolve() : reject(new Error(e.data.failed || `${url}: no answer`)));
      worker.onerror = (e) => reject(new Error(`engine-worker.js: ${e.message || 'could not start'}`));
      worker.postMessage({ op: 'init', url: new URL(url, document.baseURI).href });
    });
    const queue = [];
    let busy = null;
    let nextId = 1;
    const counts = { ran: 0, dropped: 0 }; /* runs the module made; abandoned before they ran */
    const pump = () => {
      while (!busy && queue.length) {
        const job = queue.shift();
        if (job.signal && job.signal.aborted) {
          counts.dropped++;
          job.reject(abortError());
          continue;
        }
        counts.ran++;
        busy = job;
        worker.postMessage({ id: job.id, op: job.op, args: job.args });
      }
    };
    worker.onmessage = (e) => {
      const m = e.data;
      const job = busy;
      if (!job || m.id !== job.id) return;
      busy = null;
      if (m.failed) job.reject(new Error(m.failed));
      else if (job.signal && job.signal.aborted) job.reject(abortError());
      else job.resolve(m);
      pump();
    };
    worker.onerror = (e) => { /* the module died: every waiting request fails, visibly */
      const err = new Error(`fleetops.wasm: ${e.message || 'the engine stopped'}`);
      for (const job of [busy, ...queue.splice(0)]) if (job) job.reject(err);
      busy = null;
    };
    const send = (op, args, signal) => new Promise((resolve, reject) => {
      if (signal && signal.aborted) {
        reject(abortError());
        return;
      }
      queue.push({ id: nextId++, op, args, signal, resolve, reject });
      pump();
    });
    /* want: 0 the JSON, 1 the SVG, 2 both from one run (JSON, a NUL byte, SVG) */
    const run = async (cmd, params, want, signal) => {
      const pairs = [];
      for (const [k, v] of Object.entries(params || {})) pairs.push(k, '\0', String(v), '\0');
      pairs.push('\0');
      const r = await send('run', [cmd, pairs.join(''), want], signal);
      if (r.status !== 200) throw new ApiError(r.status, JSON.parse(r.text));
      return r.text;
    };
    return {
      kind: 'wasm',
      counts: () => Object.assign({}, counts),
      async get(cmd, params, opts = {}) {
        const text = await run(cmd, params, opts.svg ? 1 : 0, opts.signal);
        return opts.svg ? text : JSON.parse(text);
      },
      async run(cmd, params, opts = {}) {
        if (!opts.svg) return { data: JSON.parse(await run(cmd, params, 0, opts.signal)), svg: null };
        const text = await run(cmd, params, 2, opts.signal);
        const cut = text.indexOf('\0');
        return { data: JSON.parse(text.slice(0, cut)), svg: text.slice(cut + 1) };
      },
      /* The answer to a locked prediction: what POST /api/ledger/predictions answers. */
      async reveal(part, track, value) {
        const r = await send('reveal', [part, track, String(value)]);
        const body = JSON.parse(r.text);
        if (r.status !== 201) throw new ApiError(r.status, body);
        return body;
      },
    };
  }

  /* ---------------------------------------------------------------- downloads */

  function saveFile(href, filename) {
    const a = document.createElement('a');
    a.href = href;
    a.download = filename;
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
  }

  /* ---------------------------------------------------------------- the server's ledger */

  /* The ledger object keeps the whole ledger it last saw and applies each write's answer to
   * it (issue 16): a write answers with its entry (or the reveal) and "ledger", what else
   * changed ({session, version, predictions, missing}); GET api/ledger?since=VERSION answers
   * only the rows written after VERSION. load() returns the same full-ledger shape as before
   * ({session, track, created_at, version, predictions, entries, missing}), from the network
   * only when the cache may be behind (a write from elsewhere, a refusal, the first load), so
   * the traffic of a write no longer grows with the ledger. A reload starts from a full GET. */
  /* A fresh idempotency key: 128 random bits (crypto.randomUUID where the page is a secure
   * context, which https and localhost are). */
  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  }

  function serverLedger() {
    let cache = null; /* the full ledger, as GET api/ledger answers it */
    let fresh = false; /* the cache holds every write this page knows of */
    const copy = (l) => (l ? JSON.parse(JSON.stringify(l)) : null);
    const getLedger = async (query) => {
      const r = await fetch(`api/ledger${query}`, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (r.status === 401 || r.status === 403) return { session: null }; /* an older server */
      const body = await readBody(r);
      if (!r.ok) throw new ApiError(r.status, body);
      return body;
    };
    const merge = (delta) => {
      for (const p of delta.predictions || []) {
        const i = cache.predictions.findIndex((x) => x.part === p.part);
        if (i >= 0) cache.predictions[i] = p;
        else cache.predictions.push(p);
      }
      for (const e of delta.entries || []) putEntry(e);
      if (Array.isArray(delta.missing)) cache.missing = delta.missing;
      if (typeof delta.version === 'number') cache.version = delta.version;
    };
    const putEntry = (e) => {
      const i = cache.entries.findIndex((x) => x.id === e.id);
      if (i >= 0) cache.entries[i] = e;
      else {
        cache.entries.push(e);
        cache.entries.sort((x, y) => x.id - y.id);
      }
    };
    /* A write's answer: applied when it follows the cached version, else the next load() asks
     * for what changed since. */
    const apply = (out, entry) => {
      const d = out && out.ledger;
      if (!cache || !d || d.session !== cache.session || typeof cache.version !== 'number' || out.version !== cache.version + 1) {
        fresh = false;
        return;
      }
      if (entry) putEntry({ id: out.id, kind: out.kind, part: out.part, body: out.body, fingerprint: out.fingerprint ?? null, created_at: out.created_at });
      merge(d);
    };
    /* Every ledger write carries an Idempotency-Key (issue 17), made once per write and kept
     * across its retries: when an answer is lost (a replica killed between its commit and its
     * reply, PostgreSQL restarting: 503, nginx's 502/504), the retry answers the first answer
     * and never counts twice. Retried a few times over ~8 s, then the error stands. */
    const RETRY_STATUS = new Set([502, 503, 504]);
    const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 4000];
    const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
    const post = async (path, body, key) => {
      const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
      if (key) headers['Idempotency-Key'] = key;
      for (let i = 0; ; i++) {
        let r;
        try {
          r = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body), credentials: 'same-origin', keepalive: true });
        } catch (e) {
          if (!key || i >= RETRY_DELAYS_MS.length) throw e; /* the network: retry keyed writes */
          await sleep(RETRY_DELAYS_MS[i]);
          continue;
        }
        if (key && RETRY_STATUS.has(r.status) && i < RETRY_DELAYS_MS.length) {
          await sleep(RETRY_DELAYS_MS[i]);
          continue;
        }
        const out = await readBody(r);
        if (!r.ok) {
          fresh = false; /* a 409 means the ledger holds something this page has not seen */
          throw new ApiError(r.status, out);
        }
        return out;
      }
    };
    const write = async (path, body, entry) => {
      const out = await post(path, body, newKey());
      apply(out, entry);
      return out;
    };
    return {
      kind: 'server',
      async load() {
        if (cache && fresh) return copy(cache);
        if (cache && typeof cache.version === 'number') {
          const d = await getLedger(`?since=${cache.version}`);
          if (d.session === null) {
            cache = null;
            return null;
          }
          if (d.session === cache.session) {
            merge(d);
            fresh = true;
            return copy(cache);
          }
        }
        const l = await getLedger('');
        if (!l || l.session === null || l.session === undefined) {
          cache = null;
          return null; /* no session (yet), or a stale cookie */
        }
        cache = l;
        fresh = typeof l.version === 'number';
        return copy(cache);
      },
      /* What the teacher asked at the track choice (issue 18): the answer to a visit without a
       * session, {identity: none|optional|required, roster, teacher_sees}. */
      async door() {
        const r = await fetch('api/ledger', { headers: { Accept: 'application/json' }, credentials: 'omit' });
        const b = await readBody(r);
        return r.ok && b && typeof b.identity === 'string'
          ? { identity: b.identity, roster: !!b.roster, teacher_sees: String(b.teacher_sees || '') } : null;
      },
      async start(track, identity) {
        const l = await post('api/session', identity ? { track, identity } : { track });
        cache = copy(l);
        fresh = typeof l.version === 'number';
        return l;
      },
      lock: (part, value) => write('api/ledger/predictions', { part, value }, false),
      evidence: (part, command, params) => write('api/ledger/evidence', { part, command, params }, true),
      attempt: (params) => write('api/ledger/attempts', { part: 'canary', params }, true),
      reflect: (part, text) => write('api/ledger/reflections', { part, text }, true),
      governance: (policy, justification) => write('api/ledger/governance', { policy, justification }, true),
      async download(format) {
        saveFile(`api/report?format=${encodeURIComponent(format)}`, '');
      },
    };
  }

  /* ---------------------------------------------------------------- the browser's ledger */

  const LEDGER_KEY = 'fleetops.ledger.v1';
  const ARCHIVE_KEY = 'fleetops.ledger.archive.v1';

  /* The server's evidence fingerprint (src/server/ledger_api.c): FNV-1a 64 over the command
   * and its name=value pairs (track first, then sorted), a separator after each field. */
  function fingerprint(cmd, params) {
    const MASK = (1n << 64n) - 1n;
    const PRIME = 1099511628211n;
    const enc = new TextEncoder();
    const field = (h, s) => {
      for (const b of enc.encode(s)) h = ((h ^ BigInt(b)) * PRIME) & MASK;
      return ((h ^ 0xffn) * PRIME) & MASK;
    };
    let h = field(14695981039346656037n, cmd);
    for (const [k, v] of Object.entries(params)) h = field(field(h, k), v);
    return h.toString(16).padStart(16, '0');
  }

  function localLedger(transport, getLab) {
    let cache;
    const now = () => new Date().toISOString();
    const read = () => {
      if (cache !== undefined) return cache;
      try {
        cache = JSON.parse(localStorage.getItem(LEDGER_KEY) || 'null');
      } catch (e) {
        cache = null;
      }
      if (cache && (typeof cache !== 'object' || !Array.isArray(cache.predictions) || !Array.isArray(cache.entries))) cache = null;
      return cache;
    };
    const write = (l) => {
      cache = l;
      try {
        localStorage.setItem(LEDGER_KEY, JSON.stringify(l));
      } catch (e) {
        /* private mode or full: the ledger lives as long as the tab */
      }
    };
    const missing = (l) => {
      const lab = getLab();
      const out = [];
      if (!lab) return out;
      for (const p of lab.parts) {
        if (!l.predictions.some((x) => x.part === p.id)) out.push(`Part ${p.number}: the locked prediction`);
        if (!l.entries.some((e) => e.kind === 'reflection' && e.part === p.id)) out.push(`Part ${p.number}: the reflection`);
      }
      if (!l.entries.some((e) => e.kind === 'governance')) out.push('Part 3: the governance policy and its justification');
      return out;
    };
    const current = () => {
      const l = read();
      if (!l) throw new ApiError(401, { error: 'no session: choose a track first', param: 'session', value: '', allowed: '' });
      return l;
    };
    const snapshot = (l) => Object.assign(JSON.parse(JSON.stringify(l)), { missing: missing(l) });
    const bad = (error, param, value, allowed) => new ApiError(400, { error, param, value: String(value ?? ''), allowed });
    const text = (v, field) => {
      const allowed = `a string of 1 to ${MAX_TEXT_BYTES} bytes`;
      if (typeof v !== 'string' || v.length === 0 || new TextEncoder().encode(v).length > MAX_TEXT_BYTES) {
        throw bad(v === undefined ? 'missing field' : 'bad field', field, typeof v === 'string' ? v.slice(0, 64) : '', allowed);
      }
      return v;
    };
    /* Appends an entry; answers as the server does: {id, kind, part, count, fingerprint, body}. */
    const append = (l, kind, part, body, fp) => {
      const count = l.entries.filter((e) => e.kind === kind && e.part === part).length + 1;
      const id = l.entries.reduce((m, e) => Math.max(m, e.id), 0) + 1;
      l.entries.push({ id, kind, part, body, fingerprint: fp ?? null, created_at: now() });
      write(l);
      const out = { id, kind, part, count, fingerprint: fp ?? null, body };
      if (kind === 'attempt') out.attempts_left = MAX_ATTEMPTS - count;
      return out;
    };
    /* params + the session's track, as the server stores them: strings, track first. */
    let schema = null;
    const runParams = async (cmd, track, params) => {
      if (params && Object.prototype.hasOwnProperty.call(params, 'track')) throw bad("the track is your session's", 'track', '', 'leave it out');
      schema = schema || await transport.get('schema', {});
      const c = schema.commands.find((x) => x.name === cmd);
      const out = {};
      if (c && c.params.some((p) => p.name === 'track')) out.track = track;
      for (const k of Object.keys(params || {}).sort()) out[k] = String(params[k]);
      return out;
    };
    const PART_COMMANDS = {
      roi: ['roi'], canary: ['canary', 'bound', 'sprt', 'rollout'], ensemble: ['ensemble', 'governance'], crisis: ['crisis'],
    };
    return {
      kind: 'local',
      /* nothing identifying: the work stays in this browser */
      async door() {
        return { identity: 'none', roster: false, teacher_sees: 'Your work stays in this browser: a teacher sees it only if you send them your report.' };
      },
      async load() {
        const l = read();
        return l ? snapshot(l) : null;
      },
      async start(track) {
        const lab = getLab();
        if (lab && !lab.tracks.some((t) => t.id === track)) {
          throw bad('unknown choice', 'track', track, `one of: ${lab.tracks.map((t) => t.id).join(', ')}`);
        }
        const old = read();
        if (old && (old.predictions.length || old.entries.length)) {
          /* a new session never destroys the old one: it is kept, as the server keeps it */
          try {
            const arch = JSON.parse(localStorage.getItem(ARCHIVE_KEY) || '[]');
            arch.push(old);
            localStorage.setItem(ARCHIVE_KEY, JSON.stringify(arch.slice(-20)));
          } catch (e) { /* nothing to keep it in */ }
        }
        const rand = new Uint8Array(8);
        crypto.getRandomValues(rand);
        const l = {
          session: 'local-' + [...rand].map((b) => b.toString(16).padStart(2, '0')).join(''),
          track, created_at: now(), predictions: [], entries: [],
        };
        write(l);
        return snapshot(l);
      },
      async lock(part, value) {
        const l = current();
        const r = await transport.reveal(part, l.track, value); /* validates the value, as the server does */
        if (l.predictions.some((p) => p.part === part)) {
          throw new ApiError(409, {
            error: 'prediction already locked', param: 'part', value: part,
            allowed: 'one lock per part: a locked prediction is never overwritten',
          });
        }
        l.predictions.push(Object.assign({}, r.prediction, { locked_at: now() }));
        write(l);
        return r;
      },
      async evidence(part, command, params) {
        const l = current();
        if (!PART_COMMANDS[part]) throw bad('unknown part', 'part', part, 'roi, canary, ensemble, crisis');
        if (!PART_COMMANDS[part].includes(command)) throw bad('command does not belong to this part', 'command', command, part);
        const p = await runParams(command, l.track, params);
        const result = await transport.get(command, p);
        return append(l, 'evidence', part, { command, params: p, result }, fingerprint(command, p));
      },
      async attempt(params) {
        const l = current();
        if (!params || params.attempt_hours === undefined) {
          throw bad('missing field', 'attempt_hours', '', 'the proposed shadow duration in hours, inside params');
        }
        /* The ledger numbers the try (as the server does): the last one states the window. */
        const used = l.entries.filter((e) => e.kind === 'attempt').length;
        if (used >= MAX_ATTEMPTS) {
          throw new ApiError(409, {
            error: 'attempt refused: all attempts are used', param: 'part', value: 'canary',
            allowed: `at most ${MAX_ATTEMPTS} attempts (the 10-Iteration Rule)`,
          });
        }
        const p = await runParams('canary', l.track, params);
        const q = Object.assign({}, p, { attempt_number: String(used + 1) });
        const result = await transport.get('canary', q);
        return append(l, 'attempt', 'canary', { command: 'canary', params: q, attempt: result.attempt ?? null }, fingerprint('canary', p));
      },
      async reflect(part, t) {
        const l = current();
        if (!PART_COMMANDS[part]) throw bad('unknown part', 'part', part, 'roi, canary, ensemble, crisis');
        return append(l, 'reflection', part, { text: text(t, 'text') });
      },
      async governance(policy, justification) {
        const l = current();
        if (policy !== 'loose' && policy !== 'strict') throw bad('unknown choice', 'policy', policy, 'one of: loose, strict');
        return append(l, 'governance', 'ensemble', { policy, justification: text(justification, 'justification') });
      },
      async download(format) {
        const l = current();
        const body = await buildReport(snapshot(l), format, getLab(), transport);
        const types = { md: 'text/markdown;charset=utf-8', html: 'text/html;charset=utf-8', json: 'application/json' };
        const url = URL.createObjectURL(new Blob([body], { type: types[format] }));
        saveFile(url, `fleetops-report-${l.session}.${format}`);
        setTimeout(() => URL.revokeObjectURL(url), 10000);
      },
      erase() {
        cache = null;
        try {
          localStorage.removeItem(LEDGER_KEY);
        } catch (e) { /* nothing stored */ }
      },
    };
  }

  /* ---------------------------------------------------------------- the report (static build)
   * The same sections and the same escaping as the server's report (src/store/report.c). */

  /* The key results of each command's evidence, named and with their units. */
  const pctText = (v) => `${+(v * 100).toPrecision(4)}%`;
  const intText = (v) => new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }).format(v);
  const numText = (v, d = 1) => new Intl.NumberFormat('en-US', { maximumFractionDigits: d }).format(v);
  const usdText = (v) => (v < 0 ? '-$' : '$') + intText(Math.abs(v));
  /* minutes under an hour, as the page writes them (and report.c's hours_text) */
  const hoursText = (v) => (v > 0 && v < 1 ? `${+(v * 60).toPrecision(3)} min` : `${numText(v, 1)} h`);
  const yes = (v) => (v ? 'yes' : 'no');
  const KEY_RESULTS = {
    roi: [['break_even_models', 'break-even', (v) => `${intText(v)} models`], ['roi_usd', 'ROI', usdText],
      ['manual_toil_usd', 'manual toil', usdText], ['platform_total_usd', 'platform total', usdText],
      ['ftes_needed', 'toil needs', (v) => `${numText(v, 2)} FTE`]],
    canary: [['requests_needed', 'requests needed', (v) => `${intText(v)} requests`], ['shadow_hours', 'shadow duration', hoursText],
      ['release_cycle_hours', 'release cycle', hoursText], ['meets_release_limit', 'within one week', yes]],
    bound: [['upper_bound', 'upper bound on the failure rate', pctText]],
    sprt: [['exact_asn_h0', 'expected requests with a good model', (v) => `${intText(v)} requests`],
      ['exact_asn_h1', 'expected requests with a bad model', (v) => `${intText(v)} requests`],
      ['fixed_n', 'fixed-n test', (v) => `${intText(v)} requests`]],
    rollout: [['decision', 'decision', String], ['reason', 'reason', String]],
    ensemble: [['accuracy', 'accuracy', pctText], ['baseline_accuracy', 'baseline accuracy', pctText],
      ['retrained_accuracy', 'retrained accuracy', pctText], ['silent_failure', 'silent failure', yes]],
    governance: [['silent_failure_weeks', 'weeks in silent failure', (v) => `${intText(v)} weeks`], ['incidents', 'incidents', intText],
      ['mean_accuracy', 'mean accuracy', pctText], ['upgrade_delay_days', 'upgrade delay', (v) => `${numText(v, 1)} days`]],
    crisis: [['summary', 'summary', String]],
  };

  /* Student (or stored) text made inert for the format. HTML: the five characters as entities.
   * Markdown: no entities (they would show as "&lt;"); what Markdown or a viewer's HTML could
   * read as markup is backslash-escaped instead (CommonMark's escapes): emphasis, code, links,
   * headings, tables; "<" only before what could start a tag or an autolink, "&" only before
   * what could spell an entity (so "<10ms" and ">=" read as written); list, heading and quote
   * markers at a line's start; newlines stay inside the quote. */
  const MD_SPECIAL = '\\`*_[]#|~';
  function esc(s, f) {
    let out = '';
    let lineStart = true;
    const text = String(s ?? '').replace(/\r/g, '');
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (f === 'html') {
        out += ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : ch === '&' ? '&amp;' : ch === '"' ? '&quot;' : ch === "'" ? '&#39;' : ch === '\n' ? '<br>' : ch;
        continue;
      }
      if (ch === '\n') {
        out += '\n> ';
        lineStart = true;
        continue;
      }
      const next = text[i + 1] || '';
      if (lineStart && /[-+=>]/.test(ch)) out += '\\' + ch;
      else if ((ch === '<' && /[A-Za-z/!?]/.test(next)) || (ch === '&' && /[A-Za-z#]/.test(next))) out += '\\' + ch;
      else if (lineStart && /\d/.test(ch)) {
        const m = /^\d+[.)](?=\s|$)/.exec(text.slice(i));
        out += m ? m[0].slice(0, -1) + '\\' + m[0].slice(-1) : ch;
        if (m) i += m[0].length - 1;
      } else out += (MD_SPECIAL.includes(ch) ? '\\' : '') + ch;
      if (ch !== ' ') lineStart = false;
    }
    return out;
  }
  /* A timestamp as a person reads it: "6 Dec 2026, 07:40 UTC" (the browser's time zone). */
  function when(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return String(iso ?? '');
    return d.toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
  }

  /* The report's stylesheet: web/report.css, the one the server's report inlines too (it is
   * beside this file in dist/), so both reports look and print alike. */
  let reportStyle = null;
  function reportCss() {
    reportStyle ||= fetch('report.css').then((r) => (r.ok ? r.text() : '')).catch(() => '');
    return reportStyle;
  }
  /* A figure drawn for the report's printed page as the server keeps them (report.h, read from
   * the schema's report_figure): the column's width, wider while its panels stack taller than
   * a page allows; the drawing that prints largest. */
  async function reportFigure(transport, rf, cmd, params) {
    const heightOf = (svg) => Number((/ height="([\d.]+)"/.exec(svg) || [])[1]) || 0;
    const scale = (w, svg) => Math.min(rf.column_px / w, heightOf(svg) > 0 ? rf.max_height_px / heightOf(svg) : 1);
    let best = null;
    for (const w of rf.widths) {
      const svg = String(await transport.get(cmd, Object.assign({}, params, { width: String(w) }), { svg: true }));
      const s = scale(w, svg);
      if (!best || s > best.s) best = { svg, s };
      if (s >= rf.column_px / w) break; /* it fits the page at this width: wider only shrinks it */
    }
    return best.svg;
  }

  async function buildReport(ledger, f, lab, transport) {
    const complete = ledger.missing.length === 0;
    if (f === 'json') return JSON.stringify(Object.assign({}, ledger, { complete })) + '\n';
    const html = f === 'html';
    const rf = html ? (await transport.get('schema', {})).report_figure : null; /* once a report */
    let b = '';
    const heading = (level, s) => {
      b += html ? `<h${level}>${esc(s, f)}</h${level}>\n` : `${'#'.repeat(level)} ${esc(s, f)}\n\n`;
    };
    const para = (label, s) => {
      b += html ? '<p>' : '';
      if (label) b += html ? `<strong>${esc(label, f)}</strong> ` : `**${esc(label, f)}** `;
      b += esc(s, f) + (html ? '</p>\n' : '\n\n');
    };
    const evidence = async (e) => {
      const body = e.body || {};
      const params = body.params || {};
      let line = `fleetops ${body.command}`;
      for (const [k, v] of Object.entries(params)) line += ` --${k.replace(/_/g, '-')} ${v}`;
      /* a code span shows its text as is: only a backtick could end it */
      b += html ? `<li><code>${esc(line, 'html')}</code>: ` : `- \`\` ${line.replace(/`/g, "'")} \`\`: `;
      const res = body.result || {};
      const keys = (KEY_RESULTS[body.command] || []).filter(([k]) => res[k] !== undefined && res[k] !== null);
      b += esc(keys.map(([k, label, fmt]) => `${label}: ${fmt(res[k])}`).join('; '), f);
      b += esc(` (captured ${when(e.created_at)}, fingerprint ${e.fingerprint})`, f);
      if (html) { /* inside the item it illustrates; its dark scheme on screens only, as report.c */
        try {
          b += `<figure>${await reportFigure(transport, rf, body.command, params)}</figure>`; /* its dark scheme is for screens only (svg.c) */
        } catch (err) { /* a command without a figure */ }
      }
      b += html ? '</li>\n' : '\n';
    };
    const latest = (kind, part) => {
      const all = ledger.entries.filter((e) => e.kind === kind && e.part === part);
      return { last: all[all.length - 1] || null, revisions: all.length };
    };
    const track = lab.tracks.find((t) => t.id === ledger.track);
    if (html) {
      b += '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
        '<meta name="viewport" content="width=device-width, initial-scale=1">' +
        `<title>fleetops lab report</title><style>\n${await reportCss()}</style></head><body>\n`;
    }
    heading(1, 'fleetops lab report');
    para('Chapter:', lab.chapter.title);
    para('Session:', `session ${ledger.session}, started ${when(ledger.created_at)} (kept in this browser)`);
    b += html ? (complete ? '<div class="complete">' : '<div class="incomplete">') : '';
    if (complete) para('Status:', 'complete: every lock, reflection and the governance choice.');
    else {
      para('Status:', 'INCOMPLETE. Missing:');
      b += html ? '<ul>' : '';
      for (const m of ledger.missing) b += html ? `<li>${esc(m, f)}</li>` : `- ${esc(m, f)}\n`;
      b += html ? '</ul>' : '\n';
    }
    b += html ? '</div>\n' : '';
    heading(2, 'Track and crisis');
    if (track) {
      para('Track:', `${track.name} (${track.persona}). North Star: ${track.mission}`);
      para('Crisis:', `${track.crisis_title}.`);
      para('', track.crisis);
    }
    const crisis = ledger.entries.filter((e) => e.part === 'crisis' && e.kind === 'evidence');
    if (crisis.length && html) b += '<ul>\n';
    for (const e of crisis) await evidence(e);
    if (crisis.length && html) b += '</ul>\n';
    for (const p of lab.parts) {
      heading(2, `Part ${p.number}: ${p.title}`);
      para('Lock:', p.lock);
      const pr = ledger.predictions.find((x) => x.part === p.id);
      para('Prediction:', pr ? pr.sentence : 'not locked yet');
      const ev = ledger.entries.filter((e) => e.kind === 'evidence' && e.part === p.id);
      if (ev.length) {
        heading(3, 'Evidence');
        if (html) b += '<ul>\n';
        for (const e of ev) await evidence(e);
        b += html ? '</ul>\n' : '\n';
      }
      const at = ledger.entries.filter((e) => e.kind === 'attempt' && e.part === p.id);
      if (at.length) {
        heading(3, 'Attempts (the 10-Iteration Rule)');
        const cols = ['#', 'Shadow duration', 'Confidence reached', 'Safety Lead', 'Release cycle', 'Verdict'];
        b += html ? `<table><tr>${cols.map((c) => `<th>${c}</th>`).join('')}</tr>\n`
          : `| ${cols.join(' | ')} |\n|${cols.map(() => '---').join('|')}|\n`;
        at.forEach((e, i) => {
          const a = (e.body && e.body.attempt) || {};
          const target = Number(e.body && e.body.params && e.body.params.confidence);
          const num = (v, fmt) => (typeof v === 'number' && Number.isFinite(v) ? fmt(v) : 'n/a');
          const cells = [
            num(a.hours, hoursText),
            num(a.achieved_confidence, pctText) + (Number.isFinite(target) ? ` (target ${pctText(target)})` : ''),
            a.safety_ok === true ? 'satisfied' : a.safety_ok === false ? 'not satisfied' : 'n/a',
            num(a.release_cycle_hours, hoursText) + (a.release_ok === true ? ', within a week' : a.release_ok === false ? ', over a week' : ''),
            a.safety_ok && a.release_ok ? 'both hold' : a.safety_ok === false && a.release_ok === false ? 'neither holds'
              : a.safety_ok === false ? 'too short' : a.release_ok === false ? 'too long' : 'n/a',
          ].map((c) => esc(c, f));
          b += html ? `<tr><td>${i + 1}</td>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>\n` : `| ${i + 1} |${cells.map((c) => ` ${c} |`).join('')}\n`;
        });
        b += html ? '</table>\n' : '\n';
      }
      heading(3, 'Reflection');
      para('Prompt:', p.reflect);
      const r = latest('reflection', p.id);
      if (r.last) {
        b += html ? '<blockquote>' : '> ';
        b += esc(r.last.body.text, f);
        b += html ? `</blockquote>\n<p class="meta">revision ${r.revisions} of ${r.revisions}, ${esc(when(r.last.created_at), f)}</p>\n`
          : `\n\n_revision ${r.revisions} of ${r.revisions}, ${esc(when(r.last.created_at), f)}_\n\n`;
      } else para('Reflection:', 'not written yet');
    }
    heading(2, 'Governance decision');
    const g = latest('governance', 'ensemble');
    if (g.last) {
      para('Policy:', g.last.body.policy === 'strict' ? 'Strict Immutable Contracts' : 'Loose Versioning');
      para('Justification:', g.last.body.justification);
    } else para('Policy:', 'not chosen yet');
    if (html) b += '</body></html>\n';
    return b;
  }

  /* ---------------------------------------------------------------- connect */

  /* The page's own marker says which build it is; without one, the server if api/schema answers
   * with the command table, otherwise the WebAssembly module.
   *   "server": the page `fleetops serve` embeds (web/index.html);
   *   "static": dist/ on a plain static host (scripts/build_wasm.sh writes it): the engine in
   *     fleetops.wasm, the ledger in localStorage; nothing is asked of a server;
   *   "wasm+server-ledger": a course deployment (deploy/nginx serves dist/ and rewrites the
   *     marker with sub_filter): the engine in fleetops.wasm, the ledger on the replicas behind
   *     nginx (/api/session, /api/ledger..., /api/report). */
  function marker() {
    const m = document.querySelector('meta[name="fleetops-backend"]');
    return m ? (m.getAttribute('content') || '').trim() : null;
  }
  async function connectStatic(getLab, serverLedgerToo) {
    const transport = await wasmTransport('fleetops.wasm');
    const ledger = serverLedgerToo ? serverLedger() : localLedger(transport, getLab);
    return { transport, ledger, schema: await transport.get('schema', {}) };
  }
  async function connect(getLab) {
    const kind = marker();
    if (kind === 'static') return connectStatic(getLab, false);
    if (kind === 'wasm+server-ledger') return connectStatic(getLab, true);
    let schema = null;
    try {
      const r = await fetch('api/schema', { headers: { Accept: 'application/json' } });
      if (r.ok && /json/.test(r.headers.get('Content-Type') || '')) {
        const sc = await r.json();
        if (sc && Array.isArray(sc.commands)) schema = sc;
      }
    } catch (e) {
      schema = null;
    }
    if (schema) return { transport: serverTransport(), ledger: serverLedger(), schema };
    if (kind === 'server') throw new Error('the fleetops server did not answer api/schema');
    return connectStatic(getLab);
  }

  window.FleetopsBackends = Object.freeze({ connect, ApiError, fingerprint, buildReport, escapeReport: esc });
})();
