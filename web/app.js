/* app.js: the fleetops lab page. Plain JavaScript: no framework, no build step, no eval, no
 * inline styles (the page's Content-Security-Policy forbids them).
 *
 * How it is put together:
 *  - ONE store. `store.state` is all of the page's state and is JSON-serialisable; change it only
 *    through `store.update(fn)`, which saves the view part (slider values, toggles, drafts) to
 *    localStorage and schedules one render. (Plumbing that is not state, such as timers and
 *    AbortControllers, lives in `net`.)
 *  - Two small interfaces (backends.js) are the only difference between the two ways the lab is
 *    served: `transport.get(command, params)` (fleetops serve's /api, or fleetops.wasm in dist/)
 *    and `ledger` (the server's SQLite ledger behind an HttpOnly session cookie, or the
 *    browser's localStorage when there is no server). Everything else is one code path.
 *  - The ledger is the source of truth for what the student did: the track, every lock and its
 *    reveal, attempts, evidence, reflections (every revision) and the governance decision.
 *    `state.ledger` is the backend's ledger as it answered; the page never edits it, it asks
 *    the backend and takes the ledger back. On load the backend restores it.
 *  - The engine is the only source of numbers: the `schema` command (parameters, ranges, units,
 *    defaults, track presets), `lab` (the plan's words) and the commands (the same JSON as
 *    `fleetops <command> --json`). A part's panel appears when its command is in the schema;
 *    until then the page shows the plan's text for it.
 *  - The lock rule: a part's answer-bearing commands (PARTS[id].commands) are never requested
 *    before that part's prediction is locked in the ledger, and its workbench stays disabled
 *    until then. The reveal sentence is the ledger's (the engine's) answer to the lock.
 *  - Ordering: every result channel has a sequence number and an AbortController. Slider moves
 *    are debounced (60 ms); a new request aborts the channel's older one, and a response that
 *    is not the channel's newest is dropped, so a late answer never overwrites a newer one.
 *
 * state = {
 *   version, mode: {transport, ledger},    // 'server' | 'wasm', 'server' | 'local'
 *   ledger,                                // {session, track, created_at, predictions[],
 *                                          //  entries[], missing[]} or null (no session yet)
 *   view: { [track]: {                     // per track: what the student is looking at
 *     crisis:   { params: {crisis: {}} },
 *     roi:      { params: {roi: {}}, peek, draft },
 *     canary:   { params: {canary: {}, sprt: {}, rollout: {}}, peek, draft, attemptDraft },
 *     ensemble: { params: {ensemble: {}, governance: {}}, peek, draft, policy } } },
 *                                          // draft: reflection text not saved yet (or null)
 *   ui: { confirmTrack, busy: {}, notes: {} },  // not saved: dialogs, requests in flight, messages
 *   server: { schema, lab, loadError,      // not saved: rebuilt from the engine on load
 *             results: { [channel]: {status, seq, data, svg, alt, error, params} } }
 * }
 */
'use strict';

(() => {
  const SAVE_KEY = 'fleetops.view.v2';
  const DEBOUNCE_MS = 60;
  const AUTOSAVE_MS = 1500;
  const MAX_ATTEMPTS = 10;
  const RELEASE_LIMIT_HOURS = 168;
  const B = window.FleetopsBackends;

  /* The parts in plan order: which commands bear their answers, and which parameters are the
   * workbench's sliders. These are display choices only; every range, unit, default and
   * preset comes from the schema. */
  const PARTS = {
    roi: {
      commands: ['roi'],
      sliders: { roi: ['models', 'heterogeneity'] },
      more: { roi: ['engineer_cost_usd_per_hour', 'team_size', 'capex_usd', 'horizon_years'] },
    },
    canary: {
      commands: ['canary', 'bound', 'sprt', 'rollout'],
      sliders: { canary: ['confidence', 'failure_rate', 'request_rate_per_s'] },
      more: {
        canary: ['allowed_failures', 'shadow_fraction', 'slice_share', 'pipeline_overhead_hours'],
        sprt: ['p0', 'p1', 'alpha', 'beta'],
        rollout: ['seed'],
      },
    },
    ensemble: {
      commands: ['ensemble', 'governance'],
      sliders: { ensemble: ['severity'] },
      more: { ensemble: ['seed'], governance: ['weeks', 'release_every_weeks'] },
    },
  };
  const PART_ORDER = ['roi', 'canary', 'ensemble'];

  /* Labels and slider shapes for parameters the page puts in front of students. */
  const LABELS = {
    models: 'Number of models (N)',
    heterogeneity: 'Model-type heterogeneity (h)',
    confidence: 'Target confidence',
    failure_rate: 'Expected failure rate',
    request_rate_per_s: 'Fleet request rate',
    allowed_failures: 'Allowed failures (k)',
    shadow_fraction: 'Shadow fraction',
    slice_share: 'Edge-case slice share',
    pipeline_overhead_hours: 'Pipeline overhead',
    engineer_cost_usd_per_hour: 'Engineer cost',
    team_size: 'Team size',
    capex_usd: 'Platform CapEx',
    horizon_years: 'Horizon',
    severity: 'v2 feature-space shift (severity)',
    upstream: 'Upstream Version Selector',
    retrain: 'Downstream Retrain Toggle',
    p0: 'Acceptable failure rate p0',
    p1: 'Regressed failure rate p1',
    alpha: 'False alarm rate α',
    beta: 'Miss rate β',
    weeks: 'Weeks simulated',
    release_every_weeks: 'Upstream release every',
    reference_hours: 'Reference window',
    threshold_k: 'Threshold k',
    fleet_size: 'Fleet size',
    deadline_ms: 'Safety-loop deadline',
    tail_ms: 'New model’s latency tail',
    correction: 'Multiple-comparison correction',
  };
  const HINTS = {
    heterogeneity: { pct: true, step: 0.01 },
    confidence: { scale: 'clog', lo: 0.5, hi: 0.99999, pct: true },
    failure_rate: { scale: 'log', lo: 1e-6, hi: 0.1, pct: true, oneIn: true },
    request_rate_per_s: { scale: 'log' },
    shadow_fraction: { pct: true },
    slice_share: { pct: true },
    p0: { pct: true, oneIn: true },
    p1: { pct: true, oneIn: true },
    alpha: { pct: true },
    beta: { pct: true },
    severity: {},
  };
  const CHOICE_LABELS = {
    drop: 'Yes: accuracy drops',
    'no-drop': 'No: accuracy holds',
    v1: 'v1 (current)',
    v2: 'v2 (the “better” extractor)',
    yes: 'Retrained on v2',
    no: 'Not retrained',
    loose: 'Loose Versioning',
    strict: 'Strict Immutable Contracts',
    bh: 'Benjamini-Hochberg',
    bonferroni: 'Bonferroni',
    none: 'None',
    on: 'On',
    off: 'Off',
    sigma: 'Mean ± k·sd',
    quantile: 'Quantile',
  };
  /* The crises' contract keys (issue 5): a missing key shows "—". */
  /* The crises' tables (issue 5's contract keys first; a missing key shows "—"). `lists` are
   * arrays of rows, `objects` nested records shown as key/value tables. */
  const CRISIS_LAYOUT = {
    'cloud-titan': {
      scalars: ['models', 'drifts', 'monitored_days', 'false_alert_reduction'],
      matrix: {
        caption: 'Three ways to alert, side by side (over the monitored days)',
        rows: ['static_threshold', 'discovered_threshold', 'cusum'],
        cols: ['alerts_per_day', 'false_alerts_per_day', 'precision', 'recall', 'drifts_detected',
          'mean_detection_delay_minutes'],
      },
      lists: [{ key: 'drift_events', caption: 'The real drifts (the truth the alerts are scored against): detection delay per method', tall: true,
        cols: ['model', 'metric', 'start_hours', 'end_hours', ['delay_minutes.static_threshold', 'Static (min)'],
          ['delay_minutes.discovered_threshold', 'Discovered (min)'], ['delay_minutes.cusum', 'CUSUM (min)']] }],
    },
    'edge-guardian': {
      scalars: ['fleet_size', 'deadline_ms', 'detected', 'detected_at_stage', 'detected_generation', 'detected_hours',
        'vehicles_exposed', 'vehicles_serving', 'hours_to_full_rollback', 'fleetwide_check_detected'],
      lists: [
        { key: 'generations', caption: 'Latency per hardware generation (new model)',
          cols: ['name', 'share', 'vehicles', 'p50_ms', 'p99_ms', 'p999_ms', 'deadline_miss_rate', 'observed_miss_rate', 'gate_p_value'] },
        { key: 'stages', caption: 'Rollout stages', cols: ['name', 'traffic_fraction', 'observed_fraction', 'start_hours', 'dwell_hours'] },
      ],
      objects: [{ key: 'fleetwide_check', caption: 'The alternative: one fleet-wide p99 check' }],
    },
    'mobile-nomad': {
      scalars: ['aggregate_detected', 'aggregate_detection_hours', 'slice_detection_hours',
        'false_alarms', 'correction', 'regions_affected', 'regions_flagged', 'regions_missed'],
      lists: [{ key: 'regions', caption: 'Regions',
        cols: ['name', 'share', 'fps_before', 'fps_after', 'true_drop_fps', 'affected', 'flagged', 'flagged_at_hours'] }],
    },
    'tiny-pioneer': {
      matrix: {
        caption: 'Unpinned vs pinned feature versions',
        rows: ['unpinned', 'pinned'],
        cols: ['accuracy', 'skew_flagged', 'deploy_blocked', 'silent_failure'],
      },
    },
  };

  /* ------------------------------------------------------------------ the store */

  function freshState() {
    return {
      version: 2,
      mode: { transport: null, ledger: null },
      ledger: null,
      view: {},
      ui: { confirmTrack: null, busy: {}, notes: {} },
      server: { schema: null, lab: null, loadError: null, results: {} },
    };
  }
  function freshView() {
    return {
      crisis: { params: { crisis: {} } },
      roi: { params: { roi: {} }, peek: false, draft: null },
      canary: { params: { canary: {}, sprt: {}, rollout: {} }, peek: false, draft: null, attemptDraft: '' },
      ensemble: { params: { ensemble: {}, governance: {} }, peek: false, draft: null, policy: null },
    };
  }

  const store = {
    state: freshState(),
    update(fn) {
      fn(this.state);
      save();
      scheduleRender();
    },
  };

  /* Only the view is saved here: the ledger lives in its backend. */
  function save() {
    try {
      localStorage.setItem(SAVE_KEY, JSON.stringify({ version: 2, view: store.state.view }));
    } catch (e) {
      /* private mode or full: the page still works, it just forgets slider positions */
    }
  }
  function restore() {
    let saved = null;
    try {
      saved = JSON.parse(localStorage.getItem(SAVE_KEY) || 'null');
    } catch (e) {
      saved = null;
    }
    if (!saved || saved.version !== 2 || !saved.view || typeof saved.view !== 'object') return;
    for (const [id, v] of Object.entries(saved.view)) {
      const base = freshView();
      for (const part of Object.keys(base)) {
        if (v && v[part] && typeof v[part] === 'object') {
          base[part] = Object.assign(base[part], v[part]);
          base[part].params = Object.assign(freshView()[part].params, v[part].params || {});
        }
      }
      store.state.view[id] = base;
    }
  }

  const track = () => (store.state.ledger ? store.state.ledger.track : null);
  /* The current track's view, created on first use. */
  function view() {
    const t = track();
    if (!t) return null;
    if (!store.state.view[t]) store.state.view[t] = freshView();
    return store.state.view[t];
  }
  const result = (ch) => store.state.server.results[ch] || null;

  /* What the ledger holds, read the way every panel reads it. */
  const entries = (kind, part) => (store.state.ledger ? store.state.ledger.entries.filter((e) => e.kind === kind && (!part || e.part === part)) : []);
  const lockOf = (part) => (store.state.ledger ? store.state.ledger.predictions.find((p) => p.part === part) || null : null);
  const latestOf = (kind, part) => {
    const all = entries(kind, part);
    return all.length ? all[all.length - 1] : null;
  };
  const reflectionOf = (part) => {
    const e = latestOf('reflection', part);
    return e ? e.body.text : '';
  };
  const attemptsOf = () => entries('attempt', 'canary');
  const decisionOf = () => latestOf('governance', 'ensemble');
  /* The text in a reflection box: the unsaved draft, else the latest saved revision. */
  function reflectionText(part) {
    const v = view();
    return v && typeof v[part].draft === 'string' ? v[part].draft : reflectionOf(part);
  }

  /* ------------------------------------------------------------------ DOM helpers */

  const $ = (sel, root = document) => root.querySelector(sel);
  const PROPS = new Set(['value', 'checked', 'disabled', 'hidden', 'htmlFor', 'tabIndex']);
  function h(tag, props, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (PROPS.has(k)) e[k] = v;
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    append(e, kids);
    return e;
  }
  function append(e, kids) {
    for (const k of kids.flat(Infinity)) {
      if (k === null || k === undefined || k === false) continue;
      e.append(k instanceof Node ? k : String(k));
    }
    return e;
  }
  const SVGNS = 'http://www.w3.org/2000/svg';
  function s(tag, attrs, ...kids) {
    const e = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) e.setAttribute(k, String(v));
    for (const k of kids.flat(Infinity)) if (k !== null && k !== undefined) e.append(k instanceof Node ? k : String(k));
    return e;
  }
  /* Rebuilds `el` from build() only when `key` changed: inputs keep focus and caret. */
  function keyed(el, key, build) {
    if (el.dataset.key === key) return false;
    el.dataset.key = key;
    el.replaceChildren(...[build()].flat(Infinity).filter(Boolean));
    return true;
  }
  /* Rebuilds `el` when any of `deps` changed by identity (result objects are replaced whole). */
  function memo(el, deps, build) {
    const old = el.__deps;
    if (old && old.length === deps.length && old.every((d, i) => d === deps[i])) return;
    el.__deps = deps;
    el.replaceChildren(...[build()].flat(Infinity).filter(Boolean));
  }
  function setText(el, text) {
    if (el && el.textContent !== text) el.textContent = text;
  }

  /* ------------------------------------------------------------------ formatting */

  const NF = {};
  function nf(opts) {
    const k = JSON.stringify(opts);
    return NF[k] || (NF[k] = new Intl.NumberFormat('en-US', opts));
  }
  function fmtNum(v, digits = 0) {
    if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
    return nf({ maximumFractionDigits: digits }).format(v);
  }
  function fmtSig(v, sig = 3) {
    if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
    if (v === 0) return '0';
    if (Math.abs(v) >= 10 ** sig) return fmtNum(v, 0);
    return nf({ maximumSignificantDigits: sig }).format(v);
  }
  function fmtPct(v, digits) {
    if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
    if (typeof digits === 'number') return nf({ minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v * 100) + '%';
    if (v !== 0 && Math.abs(v) < 1e-7) {
      const [m, e] = (v * 100).toExponential(1).split('e');
      const sup = { '-': '⁻', '+': '', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
      return `${m}×10${[...e].map((c) => sup[c]).join('')}%`;
    }
    let sig = 3;
    let text = nf({ maximumSignificantDigits: sig }).format(v * 100);
    while (v < 1 && v > 0.9 && text === '100' && sig < 8) text = nf({ maximumSignificantDigits: ++sig }).format(v * 100);
    return text + '%';
  }
  function fmtUsd(v) {
    if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
    return (v < 0 ? '−$' : '$') + fmtNum(Math.abs(v), 0);
  }
  function fmtHours(v) {
    if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
    if (v > 0 && v < 1 / 60) return `${fmtSig(v * 3600, 3)} s`;
    if (v > 0 && v < 1) return `${fmtSig(v * 60, 3)} min`;
    const hStr = fmtSig(v, v >= 100 ? 4 : 3) + ' h';
    if (v >= 48) return `${hStr} (${fmtSig(v / 24, 3)} days)`;
    return hStr;
  }
  const UNIT_SUFFIX = [
    [/_usd$/, '', 'usd'], [/_usd_per_hour$/, '$/h', null], [/_hours$/, 'h', null], [/_ms$/, 'ms', null],
    [/_minutes$/, 'min', null], [/_days$/, 'days', null], [/_weeks$/, 'weeks', null],
    [/_per_s$/, '/s', null], [/_years$/, 'years', null],
  ];
  const PCT_KEY = /(^|_)(share|fraction|precision|recall|accuracy|confidence|alpha|beta|p0|p1|miss_rate|failure_rate|achieved_confidence|error_rate|quantile)$/;
  const KEY_LABELS = {
    cusum: 'CUSUM', psi: 'PSI', linf: 'L∞', js_distance: 'Jensen-Shannon distance', llr: 'Log-likelihood ratio',
    p50_ms: 'p50 (ms)', p99_ms: 'p99 (ms)', p999_ms: 'p99.9 (ms)', fps_before: 'FPS before', fps_after: 'FPS after',
    true_drop_fps: 'True drop (FPS)', min_drop_fps: 'Smallest drop that matters (FPS)', aggregate_fps_before: 'Aggregate FPS before',
    aggregate_true_drop_fps: 'Aggregate true drop (FPS)', loop_hz: 'Safety loop (Hz)', fleet_p99_ms: 'Fleet p99 (ms)',
    gate_p_value: 'Gate p-value', false_alert_reduction: 'False alerts cut by (×)', mean_detection_delay_minutes: 'Mean detection delay (min)',
    drifts_detected: 'Drifts caught', detected_hours: 'Detected after (h)', alpha: 'False alarm rate α', gate_quantile: 'Gate quantile', psi: 'PSI',
    fleetwide_check_detected: 'Fleet-wide p99 check detected', oldest_generation_serving: 'Oldest-generation vehicles serving',
  };
  function humanize(key) {
    if (KEY_LABELS[key]) return KEY_LABELS[key];
    let k = String(key);
    let unit = '';
    for (const [re, u] of UNIT_SUFFIX) {
      if (re.test(k)) {
        k = k.replace(re, '');
        unit = u || (re.source.includes('usd') ? '$' : '');
        break;
      }
    }
    k = k.replace(/_/g, ' ').replace(/\bp(\d{2,3})\b/, 'p$1');
    k = k.charAt(0).toUpperCase() + k.slice(1);
    return unit ? `${k} (${unit})` : k;
  }
  function fmtKey(key, v) {
    if (v === null || v === undefined) return '—';
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    if (typeof v === 'string') return key === 'correction' ? choiceLabel(v) : v;
    if (Array.isArray(v)) return v.length <= 6 && v.every((x) => typeof x !== 'object') ? v.map((x) => fmtKey(key, x)).join(', ') : `${v.length} items`;
    if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${humanize(k)}: ${fmtKey(k, x)}`).join(' · ');
    if (typeof v !== 'number') return String(v);
    const k = String(key);
    if (/_usd(_per_hour)?$/.test(k)) return fmtUsd(v) + (/_per_hour$/.test(k) ? '/h' : '');
    if (/accuracy$/.test(k)) return fmtPct(v, 1);
    if (PCT_KEY.test(k)) return fmtPct(v);
    if (/_hours$/.test(k)) return fmtSig(v, 4);
    if (/(^|_)fps(_|$)/.test(k)) return nf({ minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v);
    if (/_per_day$/.test(k)) return fmtSig(v, 3);
    if (Number.isInteger(v)) return fmtNum(v);
    return fmtSig(v, 4);
  }
  function oneIn(v) {
    return v > 0 && v < 0.02 ? ` (1 in ${fmtNum(Math.round(1 / v))})` : '';
  }

  /* ------------------------------------------------------------------ schema */

  function command(name) {
    const sc = store.state.server.schema;
    return sc ? sc.commands.find((c) => c.name === name) || null : null;
  }
  const has = (name) => !!command(name);
  function param(cmd, name) {
    const c = command(cmd);
    return c ? c.params.find((p) => p.name === name) || null : null;
  }
  /* The value a parameter has now: the student's, else the track's preset, else the default. */
  function paramValue(part, cmd, name) {
    const v = view();
    const mine = v && v[part].params[cmd] ? v[part].params[cmd][name] : undefined;
    if (mine !== undefined) return mine;
    const p = param(cmd, name);
    if (!p) return undefined;
    const t = track();
    if (t && p.presets && p.presets[t] !== undefined) return p.presets[t];
    return p.default === null ? undefined : p.default;
  }
  /* Parameters for a command: the track and the student's values, only those the command's
   * table declares (so a drift in a contract can never cause a 400). */
  function query(part, cmd, extra) {
    const c = command(cmd);
    if (!c) return null;
    const names = new Set(c.params.map((p) => p.name));
    const out = {};
    if (names.has('track') && track()) out.track = track();
    const v = view();
    const mine = (v && v[part].params[cmd]) || {};
    for (const [k, x] of Object.entries(mine)) if (names.has(k)) out[k] = x;
    for (const [k, x] of Object.entries(extra || {})) if (names.has(k) && x !== undefined && x !== null) out[k] = x;
    for (const p of c.params) {
      if (p.required && out[p.name] === undefined) {
        const x = paramValue(part, cmd, p.name);
        if (x !== undefined) out[p.name] = x;
      }
    }
    return out;
  }
  const withoutTrack = (params) => Object.fromEntries(Object.entries(params || {}).filter(([k]) => k !== 'track'));

  /* ------------------------------------------------------------------ network */

  const net = { chans: {}, timers: {}, saving: {}, transport: null, ledger: null };
  function chan(name) {
    return net.chans[name] || (net.chans[name] = { seq: 0, ctrl: null });
  }
  function abortAll() {
    for (const c of Object.values(net.chans)) {
      c.seq++;
      if (c.ctrl) c.ctrl.abort();
      c.ctrl = null;
    }
    for (const [k, t] of Object.entries(net.timers)) {
      if (k.startsWith('reflect:')) continue; /* a pending reflection save still happens */
      clearTimeout(t);
      delete net.timers[k];
    }
  }
  function debounce(name, fn, ms = DEBOUNCE_MS) {
    clearTimeout(net.timers[name]);
    net.timers[name] = setTimeout(() => {
      delete net.timers[name];
      fn();
    }, ms);
  }
  /* The figure's <title> and <desc> as its alt text. (Not DOMParser: parsing the SVG's own
   * <style> inside the page would be checked against the page's style-src.) */
  function svgAlt(text) {
    const grab = (tag) => {
      const m = new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`).exec(text);
      return m ? decodeEntities(m[1].replace(/<[^>]*>/g, '')) : '';
    };
    return [grab('title'), grab('desc')].filter(Boolean).join('. ');
  }
  function decodeEntities(t) {
    const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    return t.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e) => {
      if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
      return named[e.toLowerCase()] ?? m;
    });
  }
  /* Loads one channel: the JSON and, when the command draws a figure, its SVG, committed
   * together so the figure and its table always show the same request. */
  async function load(ch, cmd, params, opts = {}) {
    const c = chan(ch);
    const seq = ++c.seq;
    if (c.ctrl) c.ctrl.abort();
    const ctrl = new AbortController();
    c.ctrl = ctrl;
    const wantSvg = opts.svg !== false && !!(command(cmd) && command(cmd).figure);
    store.update((st) => {
      const old = st.server.results[ch];
      st.server.results[ch] = Object.assign({}, old || {}, { status: 'loading', seq });
    });
    try {
      const { data, svg } = await net.transport.run(cmd, params, { svg: wantSvg, signal: ctrl.signal });
      if (seq !== c.seq) return null; /* a newer request owns this channel */
      c.ctrl = null;
      store.update((st) => {
        st.server.results[ch] = {
          status: 'ok', seq, data, params,
          svg: svg ? 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg) : null,
          alt: svg ? svgAlt(svg) : '',
          error: null,
        };
      });
      return data;
    } catch (e) {
      if (e.name === 'AbortError' || seq !== c.seq) return null;
      c.ctrl = null;
      store.update((st) => {
        const old = st.server.results[ch] || {};
        st.server.results[ch] = Object.assign({}, old, {
          status: 'error', seq, params,
          error: { message: e.message, body: e.body || null, status: e.status || 0 },
        });
      });
      return null;
    }
  }

  /* What each channel asks for. Only called for locked parts (see refresh*). */
  const locked = (part) => !!lockOf(part);
  function refreshCrisis() {
    if (!track() || !has('crisis')) return;
    load('crisis', 'crisis', query('crisis', 'crisis', { track: track() }));
  }
  function refreshCmd(part, cmd) {
    if (!locked(part) || !has(cmd)) return; /* the lock rule */
    if (cmd === 'roi') load('roi', 'roi', query('roi', 'roi', { predict: lockOf('roi').predicted }));
    else if (cmd === 'canary') load('canary', 'canary', query('canary', 'canary'));
    else if (cmd === 'sprt') load('sprt', 'sprt', query('canary', 'sprt', sprtDefaults()));
    else if (cmd === 'rollout') load('rollout', 'rollout', query('canary', 'rollout'));
    else if (cmd === 'ensemble') load('ensemble', 'ensemble', query('ensemble', 'ensemble'));
    else if (cmd === 'governance') {
      const policy = view().ensemble.policy || (decisionOf() && decisionOf().body.policy);
      if (!policy) return;
      load('governance', 'governance', query('ensemble', 'governance', { policy }));
    }
  }
  function refreshPart(part) {
    if (!locked(part)) return;
    for (const cmd of PARTS[part].commands) refreshCmd(part, cmd);
  }
  function refreshAll() {
    refreshCrisis();
    for (const p of PART_ORDER) refreshPart(p);
  }
  /* sprt's p0 follows the canary's failure rate and p1 doubles it, unless the student set them. */
  function sprtDefaults() {
    const out = {};
    const p = paramValue('canary', 'canary', 'failure_rate');
    const mine = view().canary.params.sprt;
    if (param('sprt', 'p0') && mine.p0 === undefined && typeof p === 'number') out.p0 = p;
    if (param('sprt', 'p1') && mine.p1 === undefined && typeof p === 'number') out.p1 = Math.min(2 * (mine.p0 ?? p), 0.5);
    if (param('sprt', 'alpha') && param('sprt', 'alpha').default === null && mine.alpha === undefined) out.alpha = 0.05;
    if (param('sprt', 'beta') && param('sprt', 'beta').default === null && mine.beta === undefined) out.beta = 0.2;
    return out;
  }
  function choiceLabel(v) {
    return CHOICE_LABELS[v] || String(v);
  }

  /* ------------------------------------------------------------------ the ledger's actions */

  /* A refusal in words: the backend's {error, param, value, allowed}. */
  function describe(e) {
    const b = e && e.body;
    if (b && b.error) {
      const what = b.param ? ` (${b.param}${b.value ? ' = ' + b.value : ''})` : '';
      return `${b.error}${what}${b.allowed ? `; allowed: ${b.allowed}` : ''}`;
    }
    return (e && e.message) || String(e);
  }
  function setNote(st, key, kind, text) {
    st.ui.notes[key] = { kind, text, at: new Date().toISOString() };
  }
  /* Re-reads the whole ledger from its backend: what the page shows is what it holds. */
  async function syncLedger() {
    try {
      const l = await net.ledger.load();
      store.update((st) => {
        st.ledger = l;
      });
    } catch (e) {
      store.update((st) => setNote(st, 'ledger', 'error', `Could not read your ledger: ${describe(e)}`));
    }
  }
  /* One write: marks `key` busy, asks the backend, takes the ledger back (also after a refusal:
   * a 409 means the ledger already holds something the page should show). */
  async function write(key, fn) {
    store.update((st) => {
      st.ui.busy[key] = true;
      delete st.ui.notes[key];
    });
    try {
      const r = await fn(net.ledger);
      await syncLedger();
      return r;
    } catch (e) {
      if ([401, 403, 409].includes(e.status)) await syncLedger();
      store.update((st) => setNote(st, key, e.status === 409 ? 'refused' : 'error', describe(e)));
      return null;
    } finally {
      store.update((st) => {
        delete st.ui.busy[key];
      });
    }
  }
  const busyWith = (key) => !!store.state.ui.busy[key];
  const noteOf = (key) => store.state.ui.notes[key] || null;
  function clock(iso) {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  }

  function chooseTrack(id) {
    const l = store.state.ledger;
    if (busyWith('track') || (l && l.track === id)) return;
    if (l) {
      store.update((st) => {
        st.ui.confirmTrack = id;
      });
      requestAnimationFrame(() => {
        const b = document.getElementById('confirm-track');
        if (b) b.focus();
      });
      return;
    }
    startSession(id);
  }
  function cancelTrack() {
    const was = store.state.ui.confirmTrack;
    store.update((st) => {
      st.ui.confirmTrack = null;
    });
    requestAnimationFrame(() => {
      const b = was && document.querySelector(`.track-card[data-track="${was}"]`);
      if (b) b.focus();
    });
  }
  /* A new session (a new ledger) for a track. The old one is kept by its backend. */
  async function startSession(id) {
    await flushReflections();
    abortAll();
    store.update((st) => {
      st.ui.confirmTrack = null;
      st.ui.busy.track = id;
      st.ui.notes = {};
      st.server.results = {};
    });
    try {
      const l = await net.ledger.start(id);
      store.update((st) => {
        st.ledger = l;
        const v = st.view[id] || (st.view[id] = freshView());
        for (const part of PART_ORDER) v[part].draft = null;
        v.ensemble.policy = null;
        v.canary.attemptDraft = '';
      });
      refreshAll();
    } catch (e) {
      store.update((st) => setNote(st, 'track', 'error', `Could not start your ledger: ${describe(e)}`));
    } finally {
      store.update((st) => {
        delete st.ui.busy.track;
      });
    }
  }

  function setParam(part, cmd, name, value) {
    store.update(() => {
      view()[part].params[cmd][name] = value;
    });
    debounce(`${part}:${cmd}`, () => {
      refreshCmd(part, cmd);
      if (cmd === 'canary' && name === 'failure_rate') refreshCmd(part, 'sprt');
    });
  }
  function setCrisisParam(name, value) {
    store.update(() => {
      view().crisis.params.crisis[name] = value;
    });
    debounce('crisis', refreshCrisis);
  }

  async function lockPrediction(part, value) {
    if (busyWith(`lock:${part}`)) return;
    await write(`lock:${part}`, (lg) => lg.lock(part, value));
    if (!lockOf(part)) return;
    refreshPart(part);
    requestAnimationFrame(() => {
      const r = document.getElementById(`reveal-${part}`);
      if (r) r.focus({ preventScroll: false });
    });
  }

  /* Evidence: the parameters of what the instrument shows now; the backend runs the command
   * itself and keeps the parameters, the key results and a fingerprint. */
  async function capture(part, cmd, ch) {
    const res = result(ch);
    if (!res || res.status !== 'ok' || busyWith(`capture:${ch}`)) return;
    const r = await write(`capture:${ch}`, (lg) => lg.evidence(part, cmd, withoutTrack(res.params)));
    if (r) store.update((st) => setNote(st, `capture:${ch}`, 'ok', `Captured: evidence ${r.count} from ${cmd}, fingerprint ${r.fingerprint}.`));
  }

  async function tryAttempt(hours) {
    if (busyWith('attempt')) return;
    const params = withoutTrack(query('canary', 'canary', { attempt_hours: hours }));
    const r = await write('attempt', (lg) => lg.attempt(params));
    if (r) {
      store.update((st) => {
        view().canary.attemptDraft = '';
        setNote(st, 'attempt', 'ok', `Attempt ${r.count} recorded; ${r.attempts_left} left.`);
      });
    }
  }

  function editReflection(part, text) {
    const t = track();
    store.update(() => {
      view()[part].draft = text;
    });
    debounce(`reflect:${part}`, () => {
      if (track() === t) saveReflection(part);
    }, AUTOSAVE_MS);
  }
  /* Saves the draft as a new revision when it differs from the latest one. One save per part
   * at a time: a second call for the same text waits for the first (blur, Save, autosave and
   * Record may all fire together). */
  function saveReflection(part) {
    clearTimeout(net.timers[`reflect:${part}`]);
    delete net.timers[`reflect:${part}`];
    const prev = net.saving[part] || Promise.resolve();
    const next = prev.then(() => saveReflectionNow(part));
    net.saving[part] = next.finally(() => {
      if (net.saving[part] === next) delete net.saving[part];
    });
    return next;
  }
  async function saveReflectionNow(part) {
    const v = view();
    if (!v) return;
    const text = v[part].draft;
    if (typeof text !== 'string') return;
    const t = track();
    const clear = () => store.update((st) => {
      if (st.view[t] && st.view[t][part].draft === text) st.view[t][part].draft = null;
    });
    if (text === reflectionOf(part)) return clear();
    if (text.trim() === '') {
      store.update((st) => setNote(st, `reflect:${part}`, 'error', 'An empty reflection is not saved: your last revision stands.'));
      return;
    }
    const r = await write(`reflect:${part}`, (lg) => lg.reflect(part, text));
    if (r) {
      clear();
      store.update((st) => setNote(st, `reflect:${part}`, 'ok', `Saved in your ledger: revision ${r.count}.`));
    }
  }
  async function flushReflections() {
    if (!view()) return;
    await Promise.all(PART_ORDER.map((p) => (typeof view()[p].draft === 'string' ? saveReflection(p) : null)));
  }

  function choosePolicy(policy) {
    store.update(() => {
      view().ensemble.policy = policy;
    });
    refreshCmd('ensemble', 'governance');
  }
  /* The governance decision: the chosen policy with the Part 3 reflection as its justification. */
  async function recordDecision() {
    const policy = view().ensemble.policy;
    const text = reflectionText('ensemble');
    if (!policy || !text.trim()) {
      store.update((st) => setNote(st, 'governance', 'error', !policy ? 'Choose a policy first.' : 'Write your justification first: it is recorded with the policy.'));
      return;
    }
    await saveReflection('ensemble');
    const r = await write('governance', (lg) => lg.governance(policy, text));
    if (r) store.update((st) => setNote(st, 'governance', 'ok', `Recorded: ${choiceLabel(policy)} (decision ${r.count}).`));
  }

  async function downloadReport(format) {
    if (busyWith(`report:${format}`)) return;
    await flushReflections();
    store.update((st) => {
      st.ui.busy[`report:${format}`] = true;
    });
    try {
      await net.ledger.download(format);
    } catch (e) {
      store.update((st) => setNote(st, 'report', 'error', `Could not build the report: ${describe(e)}`));
    } finally {
      store.update((st) => {
        delete st.ui.busy[`report:${format}`];
      });
    }
  }

  /* ------------------------------------------------------------------ controls */

  /* A slider maps a position 0..STEPS to a value on a linear, log or log(1 - v) scale. */
  const STEPS = 1000;
  function sliderShape(p) {
    const hint = HINTS[p.name] || {};
    let lo = hint.lo ?? p.min;
    let hi = hint.hi ?? p.max;
    if (typeof p.min === 'number') lo = Math.max(lo, p.min);
    if (typeof p.max === 'number') hi = Math.min(hi, p.max);
    const int = p.type === 'integer';
    let scale = hint.scale;
    if (!scale) scale = lo > 0 && hi / lo >= 1000 ? 'log' : 'linear';
    if (scale === 'log' && !(lo > 0)) lo = hi * 1e-6;
    const pct = hint.pct ?? p.unit === 'fraction';
    let step = hint.step ?? (int ? 1 : niceStep((hi - lo) / 100));
    if (scale === 'linear') {
      if (p.min_exclusive && lo === p.min) lo += step;
      if (p.max_exclusive && hi === p.max) hi -= step;
    }
    return { lo, hi, int, scale, pct, step, oneIn: !!hint.oneIn };
  }
  function niceStep(x) {
    const e = 10 ** Math.floor(Math.log10(x));
    const m = x / e;
    return (m < 2 ? 1 : m < 5 ? 2 : 5) * e;
  }
  function roundSig(v, sig) {
    if (v === 0) return 0;
    const d = sig - 1 - Math.floor(Math.log10(Math.abs(v)));
    const f = 10 ** d;
    return Math.round(v * f) / f;
  }
  function posToValue(sh, pos) {
    const t = pos / STEPS;
    let v;
    if (sh.scale === 'log') v = Math.exp(Math.log(sh.lo) + t * (Math.log(sh.hi) - Math.log(sh.lo)));
    else if (sh.scale === 'clog') {
      const a = Math.log(1 - sh.lo);
      const b = Math.log(1 - sh.hi);
      v = 1 - roundSig(Math.exp(a + t * (b - a)), 2);
      return Math.min(sh.hi, Math.max(sh.lo, +v.toPrecision(12)));
    } else v = sh.lo + t * (sh.hi - sh.lo);
    if (sh.int) return Math.round(v);
    if (sh.scale === 'log') return roundSig(v, 3);
    return +(Math.round(v / sh.step) * sh.step).toPrecision(12);
  }
  function valueToPos(sh, v) {
    let t;
    if (sh.scale === 'log') t = (Math.log(v) - Math.log(sh.lo)) / (Math.log(sh.hi) - Math.log(sh.lo));
    else if (sh.scale === 'clog') t = (Math.log(1 - v) - Math.log(1 - sh.lo)) / (Math.log(1 - sh.hi) - Math.log(1 - sh.lo));
    else t = (v - sh.lo) / (sh.hi - sh.lo);
    if (!Number.isFinite(t)) t = 0;
    return Math.round(Math.min(1, Math.max(0, t)) * STEPS);
  }
  function displayValue(p, sh, v) {
    if (typeof v !== 'number') return '—';
    if (sh.pct) return fmtPct(v) + (sh.oneIn ? oneIn(v) : '');
    const u = unitText(p.unit, v);
    if (p.unit === 'usd') return fmtUsd(v);
    return `${sh.int ? fmtNum(v) : fmtSig(v, 4)}${u ? ' ' + u : ''}`;
  }
  function unitText(unit, v) {
    const map = {
      usd_per_hour: '$/h', hours: 'h', requests_per_s: 'requests/s', per_s: '/s', years: v === 1 ? 'year' : 'years',
      engineers: v === 1 ? 'engineer' : 'engineers', models: v === 1 ? 'model' : 'models', weeks: 'weeks',
      fraction: '', count: '', seed: '',
    };
    return unit in map ? map[unit] : (unit || '').replace(/_/g, ' ');
  }

  /* A labelled control for one schema parameter: a slider with an exact-value box, or a
   * number box (`box`), or a radio group for a choice. */
  function control(part, cmd, name, opts = {}) {
    const p = param(cmd, name);
    if (!p) return null;
    const id = `p-${part}-${cmd}-${name}`;
    const label = opts.label || LABELS[name] || humanize(name);
    const onValue = opts.onValue || ((v) => setParam(part, cmd, name, v));
    if (p.type === 'choice') {
      const group = h('fieldset', { class: 'control choice', id, 'data-param': name },
        h('legend', { text: label }),
        h('div', { class: 'segmented' }, (p.choices || []).map((c) => h('label', { class: 'seg' },
          h('input', {
            type: 'radio', name: id, value: c,
            onchange: (e) => { if (e.target.checked) onValue(c); },
          }),
          h('span', { text: choiceLabel(c) })))),
        p.help ? h('p', { class: 'help', text: p.help }) : null);
      group.__get = opts.get || (() => paramValue(part, cmd, name));
      group.__sync = (v) => {
        for (const r of group.querySelectorAll('input')) r.checked = r.value === v;
      };
      return group;
    }
    const sh = sliderShape(p);
    const wrap = h('div', { class: 'control', 'data-param': name });
    const out = h('output', { class: 'readout', for: id, id: `${id}-out` });
    const numId = `${id}-exact`;
    const num = h('input', {
      type: 'number', id: numId, class: 'exact', inputmode: 'decimal', step: 'any',
      'aria-label': `${label}, exact value${sh.pct ? ' in percent' : p.unit && unitText(p.unit, 2) ? ' in ' + unitText(p.unit, 2) : ''}`,
      min: typeof p.min === 'number' ? (sh.pct ? p.min * 100 : p.min) : null,
      max: typeof p.max === 'number' ? (sh.pct ? p.max * 100 : p.max) : null,
    });
    const err = h('p', { class: 'param-error', role: 'alert', hidden: true });
    const commit = (v) => {
      err.hidden = true;
      onValue(v);
    };
    num.addEventListener('input', () => {
      let v = num.valueAsNumber;
      if (!Number.isFinite(v)) return;
      if (sh.pct) v = +(v / 100).toPrecision(12);
      if (sh.int && !Number.isInteger(v)) {
        err.hidden = false;
        err.textContent = `${label}: a whole number, please (${p.allowed || ''}).`;
        return;
      }
      const bad = (typeof p.min === 'number' && (v < p.min || (p.min_exclusive && v === p.min))) ||
        (typeof p.max === 'number' && (v > p.max || (p.max_exclusive && v === p.max)));
      if (bad) {
        err.hidden = false;
        err.textContent = `${label}: ${p.allowed || 'out of range'}.`;
        return;
      }
      commit(v);
    });
    let range = null;
    if (!opts.box) {
      range = h('input', {
        type: 'range', id, min: sh.scale === 'linear' ? sh.lo : 0, max: sh.scale === 'linear' ? sh.hi : STEPS,
        step: sh.scale === 'linear' ? sh.step : 1, 'aria-describedby': `${id}-help`,
      });
      range.addEventListener('input', () => {
        const v = sh.scale === 'linear' ? (sh.int ? Math.round(range.valueAsNumber) : +range.valueAsNumber.toPrecision(12)) : posToValue(sh, range.valueAsNumber);
        commit(v);
      });
      if (sh.int && sh.scale !== 'linear') {
        /* Arrow keys on a log slider of whole numbers: the next whole value, not a position. */
        range.addEventListener('keydown', (e) => {
          const up = e.key === 'ArrowUp' || e.key === 'ArrowRight';
          const down = e.key === 'ArrowDown' || e.key === 'ArrowLeft';
          if (!up && !down) return;
          e.preventDefault();
          const cur = paramValueOf(wrap) ?? sh.lo;
          let v = up ? Math.max(cur + 1, Math.round(cur * 1.02)) : Math.min(cur - 1, Math.round(cur / 1.02));
          v = Math.min(sh.hi, Math.max(sh.lo, v));
          commit(v);
        });
      }
    }
    wrap.__get = opts.get || (() => paramValue(part, cmd, name));
    wrap.__sync = (v) => {
      const text = displayValue(p, sh, v);
      setText(out, text);
      if (range && typeof v === 'number') {
        const pos = sh.scale === 'linear' ? v : valueToPos(sh, v);
        /* While a log slider is being dragged its position and the rounded value may differ
         * by a step: leave the thumb where the hand put it. */
        const tol = document.activeElement === range && sh.scale !== 'linear' ? 1 : 0;
        if (Math.abs(range.valueAsNumber - pos) > tol) range.value = String(pos);
        range.setAttribute('aria-valuetext', text);
      }
      if (document.activeElement !== num && typeof v === 'number') {
        const shown = sh.pct ? +(v * 100).toPrecision(10) : v;
        if (num.valueAsNumber !== shown) num.value = String(shown);
      }
    };
    append(wrap, [
      h('div', { class: 'control-head' },
        h('label', { for: range ? id : numId, text: label }), out),
      h('div', { class: 'control-row' }, range, h('span', { class: 'exact-wrap' }, num,
        h('span', { class: 'unit', text: sh.pct ? '%' : unitText(p.unit, 2) }))),
      p.help ? h('p', { class: 'help', id: `${id}-help`, text: p.help }) : null,
      err,
    ]);
    return wrap;
  }
  function paramValueOf(wrap) {
    return wrap.__get ? wrap.__get() : undefined;
  }
  function syncControls(root) {
    for (const c of root.querySelectorAll('.control')) if (c.__sync && c.__get) c.__sync(c.__get());
  }

  /* ------------------------------------------------------------------ tables and figures */

  function kvTable(caption, rows) {
    return h('table', { class: 'kv' }, caption ? h('caption', { text: caption }) : null,
      h('tbody', {}, rows.filter(Boolean).map(([k, v, cls]) => h('tr', { class: cls || null },
        h('th', { scope: 'row', text: k }), h('td', { text: v })))));
  }
  function gridTable(caption, cols, rows, opts = {}) {
    return h('div', { class: 'table-scroll' + (opts.tall ? ' tall' : ''), tabindex: opts.tall ? 0 : null, role: opts.tall ? 'region' : null, 'aria-label': opts.tall ? caption : null },
      h('table', { class: 'grid' }, caption ? h('caption', { text: caption }) : null,
        h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', text: c.label ?? humanize(c.key) })))),
        h('tbody', {}, rows.map((r, i) => h('tr', { class: opts.rowClass ? opts.rowClass(r, i) : null },
          cols.map((c, j) => h(j === 0 ? 'th' : 'td', { scope: j === 0 ? 'row' : null, text: c.fmt ? c.fmt(r[c.key], r) : fmtKey(c.key, r[c.key]) })))))));
  }
  /* A table of an array of objects whose keys are not fixed by a contract. */
  function autoTable(caption, arr, opts) {
    if (!Array.isArray(arr) || arr.length === 0) return h('p', { class: 'muted', text: `${caption}: —` });
    const rows = arr.map((o) => flatten(o));
    const keys = [];
    for (const o of rows.slice(0, 20)) for (const k of Object.keys(o)) if (!keys.includes(k)) keys.push(k);
    return gridTable(caption, keys.map((k) => ({ key: k, label: k.split('.').map((x, i) => (i ? x.replace(/_/g, ' ') : humanize(x))).join(': ') })), rows, opts);
  }
  /* {latency_ms: {gen1: {p50: 8}}} -> {'latency_ms.gen1.p50': 8}: nested numbers become columns. */
  function flatten(o, prefix = '', depth = 0, out = {}) {
    for (const [k, v] of Object.entries(o || {})) {
      if (v && typeof v === 'object' && !Array.isArray(v) && depth < 2) flatten(v, `${prefix}${k}.`, depth + 1, out);
      else out[prefix + k] = v;
    }
    return out;
  }
  function figure(res, caption) {
    if (!res || !res.svg) return h('div', { class: 'fig fig-empty', text: res && res.status === 'loading' ? 'Drawing…' : 'Figure not available.' });
    return h('figure', { class: 'fig' },
      h('img', { src: res.svg, alt: res.alt || caption, loading: 'eager', decoding: 'async' }),
      h('figcaption', { text: caption }));
  }
  /* A figure with its table view; `capture` {part, cmd, ch} adds the Capture evidence button;
   * `wide` stacks the table under a figure too dense to share the width. */
  function instrument(res, caption, tableView, opts = {}) {
    return h('div', { class: 'instrument' + (opts.wide ? ' wide' : '') },
      h('div', { class: 'fig-col' }, figure(res, caption), opts.capture ? captureBox(opts.capture) : null),
      h('div', { class: 'table-view' }, h('h4', { class: 'tv-title', text: `${caption}: the numbers` }), tableView));
  }
  function captureBox({ part, cmd, ch }) {
    return h('div', { class: 'capture', 'data-ch': ch, 'data-cmd': cmd },
      h('button', { type: 'button', class: 'btn capture-btn', id: `capture-${ch}`, onclick: () => capture(part, cmd, ch), text: 'Capture evidence' }),
      h('span', { class: 'capture-status', 'aria-live': 'polite' }));
  }
  /* The capture buttons' state lives outside the memoised result blocks. */
  function syncCaptures(root) {
    for (const box of root.querySelectorAll('.capture')) {
      const ch = box.dataset.ch;
      const n = entries('evidence').filter((e) => e.body && e.body.command === box.dataset.cmd).length;
      const note = noteOf(`capture:${ch}`);
      const btn = box.querySelector('button');
      btn.disabled = busyWith(`capture:${ch}`) || !(result(ch) && result(ch).status === 'ok');
      setText(btn, busyWith(`capture:${ch}`) ? 'Capturing…' : 'Capture evidence');
      const st = box.querySelector('.capture-status');
      setText(st, note ? note.text : n ? `${n} capture${n === 1 ? '' : 's'} of ${box.dataset.cmd} in your ledger.` : 'Keeps these parameters and results in your ledger.');
      st.classList.toggle('is-error', !!note && note.kind !== 'ok');
    }
  }
  function banner(kind, text) {
    return h('p', { class: `banner banner-${kind}`, role: kind === 'fail' ? 'alert' : 'status' },
      h('strong', { text: kind === 'fail' ? 'Constraint broken: ' : kind === 'ok' ? 'Constraint holds: ' : '' }), text);
  }
  function errorNote(res) {
    if (!res || res.status !== 'error') return null;
    const b = res.error.body;
    const text = b && b.param ? `The server refused ${b.param} = ${b.value}: ${b.error} (allowed: ${b.allowed}).`
      : `The server could not answer: ${res.error.message}.`;
    return h('p', { class: 'banner banner-fail', role: 'alert', text });
  }
  function statCards(items) {
    return h('dl', { class: 'stats' }, items.filter(Boolean).map(([k, v, cls]) =>
      h('div', { class: 'stat' + (cls ? ' ' + cls : '') }, h('dt', { text: k }), h('dd', { text: v }))));
  }
  function mathPeekBox(part) {
    const id = `peek-${part}`;
    return h('div', { class: 'mathpeek' },
      h('button', {
        type: 'button', class: 'toggle', id: `peek-btn-${part}`, 'aria-expanded': 'false', 'aria-controls': id,
        onclick: () => store.update(() => { view()[part].peek = !view()[part].peek; }),
        text: 'Math Peek',
      }),
      h('pre', { id, class: 'peek', hidden: true, tabindex: 0, 'aria-label': 'Math Peek: the formulas with your numbers' }));
  }
  function syncMathPeek(el, part, res) {
    const open = !!view()[part].peek;
    const btn = $(`#peek-btn-${part}`, el);
    const pre = $(`#peek-${part}`, el);
    if (!btn || !pre) return;
    btn.setAttribute('aria-expanded', String(open));
    setText(btn, open ? 'Hide Math Peek' : 'Show Math Peek: the formulas with your numbers');
    pre.hidden = !open;
    setText(pre, res && res.data && typeof res.data.math_peek === 'string' ? res.data.math_peek : '—');
  }
  function busy(res) {
    return !!res && res.status === 'loading';
  }

  /* ------------------------------------------------------------------ render: start */

  let renderQueued = false;
  function scheduleRender() {
    if (renderQueued) return;
    renderQueued = true;
    queueMicrotask(() => {
      renderQueued = false;
      render();
    });
  }
  function render() {
    const st = store.state;
    renderStart(st);
    renderCrisis(st);
    renderParts(st);
    renderLedger(st);
    document.body.classList.toggle('has-track', !!track());
  }

  function labTrack(id) {
    const lab = store.state.server.lab;
    return lab ? lab.tracks.find((t) => t.id === id) || null : null;
  }

  function renderStart(st) {
    const lab = st.server.lab;
    const errEl = $('#load-error');
    const trackErr = noteOf('track');
    const err = st.server.loadError || (trackErr && trackErr.text);
    errEl.hidden = !err;
    if (err) setText(errEl, err);
    if (!lab) return;
    setText($('#chapter-title'), lab.chapter.title);
    setText($('#chapter-invariant'), lab.chapter.invariant);
    setText($('#chapter-struggle'), lab.chapter.struggle);
    const box = $('#tracks');
    keyed(box, 'tracks', () => lab.tracks.map((t) => h('button', {
      type: 'button', class: 'track-card', 'data-track': t.id, 'aria-pressed': 'false',
      onclick: () => chooseTrack(t.id),
    },
    h('span', { class: 'track-name', text: t.name }),
    h('span', { class: 'track-persona', text: t.persona }),
    h('span', { class: 'track-field' }, h('span', { class: 'field-label', text: 'North star: ' }), t.mission),
    h('span', { class: 'track-field' }, h('span', { class: 'field-label', text: 'Ops crisis: ' }), t.crisis_title),
    h('span', { class: 'track-chosen', text: 'Your track' }))));
    for (const b of box.querySelectorAll('.track-card')) {
      b.setAttribute('aria-pressed', String(b.dataset.track === track()));
      b.setAttribute('aria-busy', String(st.ui.busy.track === b.dataset.track));
    }
    const t = labTrack(track());
    setText($('#track-badge'), t ? `${t.name} · ${t.persona}` : 'No track chosen yet');
    renderConfirm(st);
  }
  /* Switching track starts a new ledger: asked first, in the page (no window.confirm). */
  function renderConfirm(st) {
    const el = $('#track-confirm');
    const to = labTrack(st.ui.confirmTrack);
    const from = labTrack(track());
    el.hidden = !to;
    keyed(el, to ? `${to.id}|${from ? from.id : ''}` : '', () => {
      if (!to) return [];
      const where = st.mode.ledger === 'server' ? 'on the fleetops server' : 'in this browser';
      return [
        h('h3', { id: 'track-confirm-title', text: `Start a new ledger as ${to.name}?` }),
        h('p', { id: 'track-confirm-text', text: `Your ${from ? from.name : ''} ledger stays ${where}, but this page will follow the new one: ` +
          'a new session with its own locks, attempts and reflections, and the new track’s presets.' }),
        h('p', { class: 'confirm-actions' },
          h('button', { type: 'button', class: 'btn primary', id: 'confirm-track', onclick: () => startSession(to.id), text: `Start a new ledger as ${to.name}` }),
          h('button', { type: 'button', class: 'btn', id: 'cancel-track', onclick: cancelTrack, text: `Keep my ${from ? from.name : 'current'} ledger` })),
      ];
    });
  }

  /* ------------------------------------------------------------------ render: crisis */

  function renderCrisis(st) {
    const el = $('#crisis');
    const t = labTrack(track());
    const built = has('crisis');
    keyed(el, `${track()}|${built}|${!!st.server.lab}`, () => {
      if (!t) {
        return [h('h2', { id: 'crisis-title', text: 'The Ops crisis' }),
          h('p', { class: 'muted', text: 'Choose a track above: its crisis opens here.' })];
      }
      const head = [h('p', { class: 'kicker', text: `Ops crisis · ${t.name}` }),
        h('h2', { id: 'crisis-title', text: t.crisis_title }),
        h('p', { class: 'story', text: t.crisis })];
      if (!built) return [...head, h('p', { class: 'not-built', text: '(this part’s model is not built yet)' })];
      const c = command('crisis');
      const ctrls = c.params.filter((p) => p.name !== 'track' && p.name !== 'seed' && p.presets && p.presets[t.id] !== undefined)
        .map((p) => control('crisis', 'crisis', p.name, {
          onValue: (v) => setCrisisParam(p.name, v),
        }));
      return [...head,
        ctrls.length ? h('div', { class: 'controls crisis-controls' }, ctrls) : null,
        h('div', { class: 'crisis-result', id: 'crisis-result', 'aria-live': 'polite' })];
    });
    syncControls(el);
    const out = $('#crisis-result', el);
    if (!out) return;
    const res = result('crisis');
    out.setAttribute('aria-busy', String(busy(res)));
    memo(out, [res && res.data, res && res.svg, res && res.status === 'error'], () => {
      if (!res || (!res.data && res.status !== 'error')) return h('p', { class: 'muted', text: 'Running the crisis simulation…' });
      if (!res.data) return errorNote(res);
      const d = res.data;
      return [errorNote(res), h('p', { class: 'summary', text: d.summary ?? '—' }),
        instrument(res, t.crisis_title, crisisTables(track(), d), { wide: true, capture: { part: 'crisis', cmd: 'crisis', ch: 'crisis' } })];
    });
    syncCaptures(el);
  }
  function crisisTables(tr, d) {
    const lay = CRISIS_LAYOUT[tr] || {};
    const parts = [];
    const known = new Set(['track', 'summary', 'math_peek', 'command']);
    if (lay.scalars) {
      parts.push(kvTable('Key numbers', lay.scalars.map((k) => [humanize(k), fmtKey(k, d[k])])));
      lay.scalars.forEach((k) => known.add(k));
    }
    if (lay.matrix) {
      const rows = lay.matrix.rows.map((r) => Object.assign({ __name: humanize(r) }, d[r] || {}));
      const t = gridTable(lay.matrix.caption || 'Side by side', [{ key: '__name', label: '', fmt: (v) => v }, ...lay.matrix.cols.map((c) => ({ key: c }))], rows);
      if (lay.matrix.cols.length > 4) t.classList.add('span-all');
      parts.push(t);
      lay.matrix.rows.forEach((k) => known.add(k));
    }
    for (const l of lay.lists || []) {
      const rows = (Array.isArray(d[l.key]) ? d[l.key] : []).map((r) => flatten(r));
      const cols = l.cols.map((c) => (Array.isArray(c) ? { key: c[0], label: c[1], fmt: (v) => fmtKey(c[0].split('.')[0], v) } : { key: c }));
      const t = gridTable(l.caption || humanize(l.key), cols, rows, { tall: l.tall && rows.length > 8 });
      if (cols.length > 5) t.classList.add('span-all'); /* too many columns to share the width */
      parts.push(t);
      known.add(l.key);
    }
    for (const o of lay.objects || []) {
      const obj = d[o.key] && typeof d[o.key] === 'object' ? d[o.key] : {};
      parts.push(kvTable(o.caption || humanize(o.key), Object.entries(obj).filter(([, v]) => v === null || typeof v !== 'object').map(([k, v]) => [humanize(k), fmtKey(k, v)])));
      known.add(o.key);
    }
    const extra = Object.entries(d).filter(([k, v]) => !known.has(k) && (v === null || typeof v !== 'object'));
    if (extra.length) parts.push(kvTable('More numbers', extra.map(([k, v]) => [humanize(k), fmtKey(k, v)])));
    return h('div', { class: 'tables' }, parts);
  }

  /* ------------------------------------------------------------------ render: parts */

  function renderParts(st) {
    const lab = st.server.lab;
    const root = $('#parts');
    if (!lab) return;
    keyed(root, 'parts', () => lab.parts.map((p) => h('section', {
      class: 'panel part', id: `part-${p.id}`, 'aria-labelledby': `title-${p.id}`,
    })));
    for (const p of lab.parts) renderPart(st, p, $(`#part-${p.id}`));
  }

  function renderPart(st, p, el) {
    const built = has(p.id);
    const lockState = lockOf(p.id) ? 'locked' : 'open';
    keyed(el, `${track()}|${built}|${lockState}`, () => {
      const head = [
        h('p', { class: 'kicker', text: `Part ${p.number} · ${p.kind} · ${p.minutes} min` }),
        h('h2', { id: `title-${p.id}`, text: p.title }),
        h('p', { class: 'objective', text: p.objective }),
      ];
      if (!built) {
        return [...head, h('div', { class: 'plan' },
          h('p', {}, h('strong', { text: 'The Lock: ' }), p.lock),
          h('p', {}, h('strong', { text: 'The Workbench: ' }), p.workbench),
          h('p', {}, h('strong', { text: 'Instruments: ' }), p.instrument),
          h('p', {}, h('strong', { text: 'Reflect: ' }), p.reflect)),
        h('p', { class: 'not-built', text: '(this part’s model is not built yet)' })];
      }
      return [...head, lockBox(p), ...(lockState === 'locked' ? workbench(p) : [closedWorkbench(p)])];
    });
    if (!built || !track()) return;
    syncControls(el);
    syncLock(p, el);
    if (lockState === 'locked') syncPart(st, p, el);
  }

  function lockBox(p) {
    const lock = lockOf(p.id);
    const box = h('div', { class: 'lock' + (lock ? ' is-locked' : '') },
      h('h3', { text: lock ? 'Your locked prediction' : 'Lock your prediction' }),
      h('p', { class: 'question', id: `q-${p.id}`, text: p.lock }));
    if (!track()) {
      append(box, [h('p', { class: 'muted', text: 'Choose a track above first: the answer depends on it.' })]);
      return box;
    }
    const note = h('p', { class: 'param-error', role: 'alert', id: `lock-err-${p.id}`, hidden: true });
    if (lock) {
      const shown = p.lock_kind === 'choice' ? `“${choiceLabel(lock.predicted)}”` : `${fmtNum(Number(lock.predicted), 6)} ${p.lock_unit}`;
      append(box, [h('p', { class: 'locked-value', text: `Locked: ${shown}` }),
        h('p', { class: 'muted lock-meta', text: `Locked at ${clock(lock.locked_at)} and kept in your ledger: a lock is never changed.` }), note]);
      return box;
    }
    if (p.lock_kind === 'choice') {
      const choices = String(p.lock_unit || '').split('|').filter(Boolean);
      append(box, [h('div', { class: 'choice-lock', role: 'group', 'aria-labelledby': `q-${p.id}` },
        choices.map((c) => h('button', {
          type: 'button', class: 'btn choice-btn', 'data-choice': c,
          onclick: () => lockPrediction(p.id, c), text: `Lock: ${choiceLabel(c)}`,
        }))), note]);
      return box;
    }
    const pp = param(p.id, 'predict');
    const inputId = `lock-${p.id}`;
    const input = h('input', {
      type: 'number', id: inputId, name: 'prediction', required: true, inputmode: 'numeric',
      min: pp && typeof pp.min === 'number' ? pp.min : 0, max: pp && typeof pp.max === 'number' ? pp.max : null,
      step: pp && pp.type === 'integer' ? 1 : 'any', 'aria-describedby': `q-${p.id} lock-err-${p.id}`,
    });
    const form = h('form', {
      class: 'lock-form', novalidate: true,
      onsubmit: (e) => {
        e.preventDefault();
        const v = input.valueAsNumber;
        let problem = null;
        if (!Number.isFinite(v) || v <= 0) problem = `Enter a positive number of ${p.lock_unit}.`;
        else if (pp && pp.type === 'integer' && !Number.isInteger(v)) problem = `Enter a whole number of ${p.lock_unit}.`;
        else if (pp && typeof pp.max === 'number' && v > pp.max) problem = `At most ${fmtNum(pp.max)} ${p.lock_unit}.`;
        else if (pp && typeof pp.min === 'number' && v < pp.min) problem = `At least ${fmtNum(pp.min)} ${p.lock_unit}.`;
        if (problem) {
          note.hidden = false;
          note.textContent = problem;
          input.setAttribute('aria-invalid', 'true');
          input.focus();
          return;
        }
        input.removeAttribute('aria-invalid');
        lockPrediction(p.id, v);
      },
    },
    h('label', { for: inputId, text: 'Your prediction' }),
    h('span', { class: 'lock-row' }, input, h('span', { class: 'unit', text: p.lock_unit }),
      h('button', { type: 'submit', class: 'btn primary', id: `lock-btn-${p.id}`, text: 'Lock it' })),
    note);
    append(box, [form]);
    return box;
  }
  /* The lock's request in flight and the backend's refusal, outside the keyed block. */
  function syncLock(p, el) {
    const key = `lock:${p.id}`;
    const n = noteOf(key);
    const err = $(`#lock-err-${p.id}`, el);
    if (err && n) {
      err.hidden = false;
      setText(err, n.kind === 'refused'
        ? `Refused: ${n.text}. Your first prediction stands.`
        : `Could not lock: ${n.text}.`);
    }
    for (const b of el.querySelectorAll('.lock button')) b.disabled = busyWith(key);
    const btn = $(`#lock-btn-${p.id}`, el);
    if (btn) setText(btn, busyWith(key) ? 'Locking…' : 'Lock it');
  }

  function closedWorkbench(p) {
    return h('div', { class: 'workbench closed' },
      h('h3', { text: 'Workbench' }),
      h('p', { class: 'muted' }, 'The workbench opens when your prediction is locked. ', h('em', { text: p.workbench })),
      h('fieldset', { class: 'closed-controls', disabled: true, 'aria-label': 'Workbench (locked until you predict)' },
        Object.entries(PARTS[p.id].sliders).flatMap(([cmd, names]) => names.map((n) => control(p.id, cmd, n)))),
      h('p', { class: 'muted' }, h('strong', { text: 'Reflect (after the lock): ' }), p.reflect));
  }

  function workbench(p) {
    const sliders = Object.entries(PARTS[p.id].sliders).flatMap(([cmd, names]) => names.map((n) => control(p.id, cmd, n)));
    const more = (PARTS[p.id].more[p.id] || []).map((n) => control(p.id, p.id, n, { box: true })).filter(Boolean);
    const blocks = [
      h('div', { class: 'reveal ready', id: `reveal-${p.id}`, tabindex: -1, role: 'status', 'aria-live': 'polite' }),
      h('div', { class: 'workbench open' },
        h('h3', { text: 'Workbench' }),
        h('p', { class: 'muted', text: p.workbench }),
        p.id === 'ensemble' ? ensembleSelectors() : null,
        h('div', { class: 'controls' }, sliders),
        more.length ? h('details', { class: 'more' }, h('summary', { text: 'More parameters' }), h('div', { class: 'controls boxes' }, more)) : null),
      h('div', { class: 'results', id: `results-${p.id}`, 'aria-live': 'polite' }),
    ];
    blocks.push(mathPeekBox(p.id));
    if (p.id === 'canary') blocks.push(iterationBox(), sprtBox(), rolloutBox());
    if (p.id === 'ensemble') blocks.push(governanceBox(p));
    else blocks.push(reflectBox(p.id, p.reflect));
    return blocks;
  }
  function ensembleSelectors() {
    return h('div', { class: 'controls selectors' },
      control('ensemble', 'ensemble', 'upstream'),
      control('ensemble', 'ensemble', 'retrain'));
  }
  /* A reflection: saved as a new revision when the student pauses typing, on Save, and before
   * the page goes away; every revision is kept in the ledger. */
  function reflectBox(part, prompt, label) {
    const id = `reflect-${part}`;
    const ta = h('textarea', {
      id, rows: 4, class: 'reflect-text', 'data-part': part, 'aria-describedby': `reflect-status-${part}`,
      oninput: (e) => editReflection(part, e.target.value),
      onblur: () => saveReflection(part),
    });
    ta.value = reflectionText(part);
    return h('div', { class: 'reflect' },
      h('h3', { text: label || 'Reflect' }),
      h('label', { for: id, class: 'prompt', text: prompt }),
      ta,
      h('p', { class: 'reflect-row' },
        h('button', { type: 'button', class: 'btn', id: `reflect-save-${part}`, onclick: () => saveReflection(part), text: 'Save' }),
        h('span', { class: 'help reflect-status', id: `reflect-status-${part}`, 'aria-live': 'polite' })));
  }
  function syncReflect(part, el) {
    const ta = $(`#reflect-${part}`, el);
    if (!ta) return;
    const text = reflectionText(part);
    if (document.activeElement !== ta && ta.value !== text) ta.value = text;
    const saved = reflectionOf(part);
    const revisions = entries('reflection', part).length;
    const dirty = typeof view()[part].draft === 'string' && view()[part].draft !== saved;
    const n = noteOf(`reflect:${part}`);
    /* While a save is in flight the line keeps its words (aria-busy says it): a status that
     * changed length at the moment of a click (the textarea's blur saves) would move the
     * buttons below it between mousedown and mouseup. */
    const st = $(`#reflect-status-${part}`, el);
    st.setAttribute('aria-busy', String(busyWith(`reflect:${part}`)));
    let status = null;
    if (busyWith(`reflect:${part}`)) status = st.textContent || 'Saving…';
    else if (n && n.kind !== 'ok') status = `Not saved: ${n.text}`;
    else if (dirty) status = 'Not saved yet: it saves when you pause, or press Save.';
    else if (revisions) status = `Saved in your ledger: revision ${revisions} (${clock(latestOf('reflection', part).created_at)}).`;
    else status = 'Nothing saved yet: it goes into your ledger as you write.';
    setText(st, status);
    st.classList.toggle('is-error', !!n && n.kind !== 'ok' && !busyWith(`reflect:${part}`));
    $(`#reflect-save-${part}`, el).disabled = !dirty || busyWith(`reflect:${part}`);
  }

  function syncPart(st, p, el) {
    const lock = lockOf(p.id);
    setText($(`#reveal-${p.id}`, el), lock.sentence);
    const out = $(`#results-${p.id}`, el);
    if (p.id === 'roi') syncRoi(out);
    if (p.id === 'canary') syncCanary(el, out);
    if (p.id === 'ensemble') syncEnsemble(el, out);
    syncMathPeek(el, p.id, result(p.id));
    syncReflect(p.id, el);
    syncCaptures(el);
  }

  /* Part 1 */
  function syncRoi(out) {
    const res = result('roi');
    out.setAttribute('aria-busy', String(busy(res)));
    out.classList.toggle('is-busy', busy(res));
    memo(out, [res && res.data, res && res.svg, res && res.status === 'error'], () => {
      if (!res || !res.data) return res && res.status === 'error' ? errorNote(res) : h('p', { class: 'muted', text: 'Computing…' });
      const d = res.data;
      const t = d.toil_hours || {};
      const pt = d.platform_toil_hours || {};
      const rate = (d.engineer_cost_usd_per_hour ?? 0) * (d.horizon_years ?? 1);
      const over = d.over_toil_cap === true;
      const cap = d.toil_cap_fraction ?? 0.5;
      const curve = Array.isArray(d.curve) ? d.curve : [];
      return [
        errorNote(res),
        statCards([
          ['Break-even N*', d.break_even_models === null || d.break_even_models === undefined ? 'never in range' : `${fmtNum(d.break_even_models)} models`, 'key'],
          [`ROI at N = ${fmtNum(d.models)}`, fmtUsd(d.roi_usd), d.roi_usd >= 0 ? 'good' : 'bad'],
          ['Toil needs', `${fmtSig(d.ftes_needed, 3)} FTE`],
          ['Team time on toil', fmtPct(d.team_toil_fraction), over ? 'bad' : 'good'],
        ]),
        over
          ? banner('fail', `Toil takes ${fmtPct(d.team_toil_fraction)} of a ${fmtNum(d.team_size)}-engineer team: over the ${fmtPct(cap)} cap (Google SRE). By hand, this team can run at most ${fmtNum(d.max_models_under_toil_cap)} models under the cap.`)
          : banner('ok', `Toil takes ${fmtPct(d.team_toil_fraction)} of a ${fmtNum(d.team_size)}-engineer team, under the ${fmtPct(cap)} cap; the cap allows up to ${fmtNum(d.max_models_under_toil_cap)} models by hand.`),
        instrument(res, 'OpsBreakEvenPlot: total cost vs number of models',
          [gridTable('Cost curve (N* and your N marked)', [
            { key: 'models', label: 'N (models)', fmt: (v) => fmtNum(v) },
            { key: 'manual_toil_usd', label: 'Manual toil ($)', fmt: fmtUsd },
            { key: 'platform_total_usd', label: 'Platform total ($)', fmt: fmtUsd },
          ], curve, {
            tall: true,
            rowClass: (r) => [r.models === d.break_even_models ? 'mark-nstar' : '', r.models === d.models ? 'mark-n' : ''].join(' ').trim() || null,
          })], { capture: { part: 'roi', cmd: 'roi', ch: 'roi' } }),
        h('h4', { text: `Toil breakdown at N = ${fmtNum(d.models)} (per year)` }),
        gridTable('Toil breakdown', [
          { key: 'name', label: 'Source', fmt: (v) => v },
          { key: 'manual', label: 'Manual (h)', fmt: (v) => fmtNum(v) },
          { key: 'manual_usd', label: 'Manual ($)', fmt: fmtUsd },
          { key: 'platform', label: 'Platform (h)', fmt: (v) => fmtNum(v) },
          { key: 'platform_usd', label: 'Platform ($)', fmt: fmtUsd },
        ], [
          ['Alerts: a·N', 'alerts'], ['Deployment: b·N·log₂N', 'deployment'], ['Dependencies: c·h·N(N−1)/2', 'dependencies'],
          ['Platform upkeep: U', 'upkeep'], ['Total', 'total'],
        ].map(([name, k]) => ({
          name, manual: t[k], platform: pt[k],
          manual_usd: typeof t[k] === 'number' ? t[k] * rate : null,
          platform_usd: typeof pt[k] === 'number' ? pt[k] * rate : null,
        })), { rowClass: (r) => (r.name === 'Total' ? 'total' : null) }),
      ];
    });
  }

  /* Part 2 */
  function syncCanary(el, out) {
    const res = result('canary');
    out.setAttribute('aria-busy', String(busy(res)));
    out.classList.toggle('is-busy', busy(res));
    memo(out, [res && res.data, res && res.svg, res && res.status === 'error'], () => {
      if (!res || !res.data) return res && res.status === 'error' ? errorNote(res) : h('p', { class: 'muted', text: 'Computing…' });
      const d = res.data;
      const cycle = d.release_cycle_hours;
      const fails = d.meets_release_limit === false || (typeof cycle === 'number' && cycle > RELEASE_LIMIT_HOURS);
      const curve = Array.isArray(d.confidence_curve) ? d.confidence_curve : [];
      return [
        errorNote(res),
        statCards([
          ['Requests needed (exact)', fmtNum(d.requests_needed), 'key'],
          ['Rule of three (approximation)', fmtNum(d.rule_of_three_requests)],
          ['Shadow duration', fmtHours(d.shadow_hours)],
          ['Release cycle', fmtHours(cycle), fails ? 'bad' : 'good'],
        ]),
        fails
          ? banner('fail', `The release cycle is ${fmtHours(cycle)}: over the one-week limit of ${RELEASE_LIMIT_HOURS} h.`)
          : banner('ok', `The release cycle is ${fmtHours(cycle)}, within the one-week limit of ${RELEASE_LIMIT_HOURS} h.`),
        instrument(res, 'Confidence Clock: confidence reached vs shadow hours',
          gridTable('Confidence over time', [
            { key: 'hours', label: 'Shadow time', fmt: fmtHours },
            { key: 'confidence', label: 'Confidence', fmt: fmtPct },
          ], curve, { tall: true }), { capture: { part: 'canary', cmd: 'canary', ch: 'canary' } }),
        h('div', { class: 'instrument' },
          radarFigure(d.radar),
          h('div', { class: 'table-view' }, h('h4', { class: 'tv-title', text: 'Risk-vs-Velocity Radar: the numbers' }),
            gridTable('Radar axes (score 0 to 1, higher is better)', [
              { key: 'name', label: 'Axis', fmt: (v) => v },
              { key: 'value', label: 'Value', fmt: (v, r) => fmtKey(r.name, v) },
              { key: 'unit', label: 'Unit', fmt: (v) => (v ? String(v).replace(/_/g, ' ') : '—') },
              { key: 'score', label: 'Score', fmt: (v) => fmtSig(v, 2) },
            ], radarAxes(d.radar)))),
      ];
    });
    syncIteration(el);
    syncSprt(el);
    syncRollout(el);
  }
  function radarAxes(radar) {
    if (!radar) return [];
    if (Array.isArray(radar)) return radar.map((a, i) => Object.assign({}, a, { name: a.label ?? a.name ?? a.axis ?? `axis ${i + 1}` }));
    if (typeof radar === 'object') {
      if (Array.isArray(radar.axes)) return radarAxes(radar.axes);
      return Object.entries(radar).filter(([, v]) => v && typeof v === 'object').map(([k, v]) => Object.assign({}, v, { name: v.label ?? humanize(k) }));
    }
    return [];
  }
  function radarFigure(radar) {
    const axes = radarAxes(radar);
    if (axes.length < 3) return h('div', { class: 'fig fig-empty', text: 'Risk-vs-Velocity Radar: —' });
    const W = 420;
    const H = 340;
    const cx = W / 2;
    const cy = H / 2 + 6;
    const R = 120;
    const pt = (i, r) => {
      const a = -Math.PI / 2 + (2 * Math.PI * i) / axes.length;
      return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
    };
    const rings = [0.25, 0.5, 0.75, 1].map((f) => s('polygon', {
      class: 'radar-ring', points: axes.map((_, i) => pt(i, R * f).join(',')).join(' '),
    }));
    const spokes = axes.map((_, i) => s('line', { class: 'radar-spoke', x1: cx, y1: cy, x2: pt(i, R)[0], y2: pt(i, R)[1] }));
    const score = (a) => Math.min(1, Math.max(0, typeof a.score === 'number' ? a.score : 0));
    const poly = s('polygon', { class: 'radar-area', points: axes.map((a, i) => pt(i, R * score(a)).join(',')).join(' ') });
    const dots = axes.map((a, i) => s('circle', { class: 'radar-dot', cx: pt(i, R * score(a))[0], cy: pt(i, R * score(a))[1], r: 4 }));
    const labels = axes.map((a, i) => {
      const [x, y] = pt(i, R + 18);
      const anchor = Math.abs(x - cx) < 8 ? 'middle' : x > cx ? 'start' : 'end';
      return s('text', { class: 'radar-label', x, y: y + (y > cy ? 10 : 0), 'text-anchor': anchor }, String(a.name), s('tspan', { x, dy: 14, class: 'radar-sub' }, `score ${fmtSig(score(a), 2)}`));
    });
    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Risk-vs-Velocity Radar: ' + axes.map((a) => `${a.name} ${fmtSig(score(a), 2)}`).join(', ') },
      s('title', {}, 'Risk-vs-Velocity Radar'), rings, spokes, poly, dots, labels);
    return h('figure', { class: 'fig fig-radar' }, svg, h('figcaption', { text: 'Risk-vs-Velocity Radar: each axis scored 0 (worst) to 1 (best)' }));
  }

  /* The 10-Iteration Rule: every try goes to the ledger, which judges it with the canary
   * command and counts it; the eleventh is refused there, not here. */
  function iterationBox() {
    const p = param('canary', 'attempt_hours');
    const id = 'attempt-hours';
    const input = h('input', {
      type: 'number', id, min: p && typeof p.min === 'number' ? p.min : 0, max: p && typeof p.max === 'number' ? p.max : null,
      step: 'any', inputmode: 'decimal', value: view().canary.attemptDraft || '',
      oninput: (e) => { const v = e.target.value; store.update(() => { view().canary.attemptDraft = v; }); },
    });
    const err = h('p', { class: 'param-error', role: 'alert', hidden: true, id: 'attempt-err' });
    return h('div', { class: 'iteration', id: 'iteration' },
      h('h3', { text: 'The 10-Iteration Rule' }),
      h('p', { text: `Find the shadow duration that satisfies the Safety Lead (the target confidence is reached) without letting the release cycle exceed one week (${RELEASE_LIMIT_HOURS} h). You have ${MAX_ATTEMPTS} tries, counted in your ledger.` }),
      p ? h('form', {
        class: 'attempt-form', novalidate: true,
        onsubmit: (e) => {
          e.preventDefault();
          const v = input.valueAsNumber;
          const bad = !Number.isFinite(v) || (typeof p.min === 'number' && (v < p.min || (p.min_exclusive && v === p.min))) ||
            (typeof p.max === 'number' && v > p.max);
          if (bad) {
            err.hidden = false;
            err.textContent = `Proposed shadow hours: ${p.allowed || 'a positive number'}.`;
            return;
          }
          err.hidden = true;
          tryAttempt(v);
        },
      },
      h('label', { for: id, text: 'Proposed shadow duration' }),
      h('span', { class: 'lock-row' }, input, h('span', { class: 'unit', text: 'hours' }),
        h('button', { type: 'submit', class: 'btn primary', id: 'attempt-submit', text: 'Try it' })),
      err) : h('p', { class: 'not-built', text: 'The canary command does not take attempt_hours yet.' }),
      h('p', { class: 'counter', id: 'attempt-counter', 'aria-live': 'polite' }),
      h('p', { class: 'banner banner-fail', id: 'attempt-refused', role: 'alert', hidden: true }),
      h('ol', { class: 'attempts', id: 'attempt-list' }));
  }
  function syncIteration(el) {
    const list = attemptsOf();
    const at = list.map((e) => (e.body && e.body.attempt) || {});
    const n = at.length;
    const solved = at.findIndex((a) => a.safety_ok === true && a.release_ok === true);
    setText($('#attempt-counter', el), `Attempts used: ${n} of ${MAX_ATTEMPTS}` +
      (solved >= 0 ? ` · solved at attempt ${solved + 1} (${fmtHours(at[solved].hours)})` : n >= MAX_ATTEMPTS ? ' · out of tries' : ''));
    const btn = $('#attempt-submit', el);
    if (btn) {
      btn.disabled = busyWith('attempt');
      setText(btn, busyWith('attempt') ? 'Judging…' : n >= MAX_ATTEMPTS ? 'Try again (no tries left)' : `Try it (attempt ${n + 1} of ${MAX_ATTEMPTS})`);
    }
    const note = noteOf('attempt');
    const refused = $('#attempt-refused', el);
    if (refused) {
      refused.hidden = !note || note.kind === 'ok';
      if (note && note.kind === 'refused') {
        setText(refused, `Refused: the 10-Iteration Rule allows ${MAX_ATTEMPTS} attempts and you have used them all (the ledger says: ${note.text}). Look at your attempts below and write what you learned in the reflection.`);
      } else if (note) setText(refused, `The attempt was not recorded: ${note.text}.`);
    }
    memo($('#attempt-list', el), [list.length && list[list.length - 1].id, n], () => at.map((a, i) => h('li', { class: a.safety_ok && a.release_ok ? 'ok' : 'no' },
      h('strong', { text: `Attempt ${i + 1}: ${fmtHours(a.hours)} of shadow mode. ` }),
      `Confidence reached ${fmtPct(a.achieved_confidence)}. `,
      h('span', { class: a.safety_ok ? 'verdict ok' : 'verdict no', text: `Safety Lead: ${a.safety_ok === undefined || a.safety_ok === null ? '—' : a.safety_ok ? 'satisfied' : 'not satisfied'}.` }), ' ',
      h('span', { class: a.release_ok ? 'verdict ok' : 'verdict no', text: `Release: ${a.release_ok === undefined || a.release_ok === null ? '—' : a.release_ok ? 'within a week' : 'over a week'}.` }), ' ',
      a.message ? h('span', { class: 'advice', text: a.message }) : a.advice ? h('span', { class: 'advice', text: `Advice: ${a.advice}` }) : null)));
  }

  function sprtBox() {
    if (!has('sprt')) {
      return h('div', { class: 'subpanel', id: 'sprt' }, h('h3', { text: 'Sequential validation (SPRT vs fixed n)' }),
        h('p', { text: 'Wald’s sequential probability ratio test stops as soon as the evidence is strong enough, instead of waiting for a fixed number of requests.' }),
        h('p', { class: 'not-built', text: '(this part’s model is not built yet)' }));
    }
    const boxes = (PARTS.canary.more.sprt || []).map((n) => control('canary', 'sprt', n, {
      box: true, get: () => { const v = paramValue('canary', 'sprt', n); return v !== undefined ? v : sprtDefaults()[n]; },
    })).filter(Boolean);
    return h('div', { class: 'subpanel', id: 'sprt' },
      h('h3', { text: 'Sequential validation: SPRT vs a fixed n' }),
      h('p', { class: 'muted', text: 'Jeff Dean’s 3-month window: a sequential test watches failures as they come and stops early. p0 follows your failure rate and p1 doubles it unless you set them.' }),
      h('div', { class: 'controls boxes' }, boxes),
      h('div', { class: 'sprt-result', id: 'sprt-result', 'aria-live': 'polite' }));
  }
  function syncSprt(el) {
    const out = $('#sprt-result', el);
    if (!out) return;
    const res = result('sprt');
    out.setAttribute('aria-busy', String(busy(res)));
    memo(out, [res && res.data, res && res.svg, res && res.status === 'error'], () => {
      if (!res || !res.data) return res && res.status === 'error' ? errorNote(res) : h('p', { class: 'muted', text: 'Computing…' });
      const d = res.data;
      const saving = typeof d.fixed_n === 'number' && typeof d.exact_asn_h0 === 'number' && d.fixed_n > 0 ? 1 - d.exact_asn_h0 / d.fixed_n : null;
      const table = [
        kvTable('SPRT vs fixed n', [
          ['Upper boundary ln((1−β)/α)', fmtKey('x', d.log_upper_boundary)],
          ['Lower boundary ln(β/(1−α))', fmtKey('x', d.log_lower_boundary)],
          ['Expected requests under H0 (Wald)', fmtNum(d.asn_h0)],
          ['Expected requests under H1 (Wald)', fmtNum(d.asn_h1)],
          ['Expected requests under H0 (exact)', fmtNum(d.exact_asn_h0)],
          ['Expected requests under H1 (exact)', fmtNum(d.exact_asn_h1)],
          ['Exact α (false alarms)', fmtPct(d.exact_alpha)],
          ['Exact β (misses)', fmtPct(d.exact_beta)],
          ['Fixed-n test, same α and β', `${fmtNum(d.fixed_n)} requests`, 'key'],
          ['SPRT saves under H0', saving === null ? '—' : fmtPct(saving)],
        ]),
        autoTable('Operating characteristic (OC curve)', Array.isArray(d.oc_curve) ? d.oc_curve : [], { tall: true }),
      ];
      return [errorNote(res), command('sprt').figure
        ? instrument(res, 'Sequential validation', table, { capture: { part: 'canary', cmd: 'sprt', ch: 'sprt' } })
        : h('div', { class: 'table-view' }, table)];
    });
  }

  function rolloutBox() {
    if (!has('rollout')) {
      return h('div', { class: 'subpanel', id: 'rollout' }, h('h3', { text: 'ShadowModeDashboard' }),
        h('p', { text: 'A staged rollout replayed: shadow, 1%, 5%, 25%, 100%, each with its confidence and decision.' }),
        h('p', { class: 'not-built', text: '(this part’s model is not built yet)' }));
    }
    return h('div', { class: 'subpanel', id: 'rollout' },
      h('h3', { text: 'ShadowModeDashboard: a staged rollout' }),
      h('div', { class: 'controls boxes' }, (PARTS.canary.more.rollout || []).map((n) => control('canary', 'rollout', n, { box: true })).filter(Boolean)),
      h('div', { class: 'rollout-result', id: 'rollout-result', 'aria-live': 'polite' }));
  }
  function syncRollout(el) {
    const out = $('#rollout-result', el);
    if (!out) return;
    const res = result('rollout');
    out.setAttribute('aria-busy', String(busy(res)));
    memo(out, [res && res.data, res && res.svg, res && res.status === 'error'], () => {
      if (!res || !res.data) return res && res.status === 'error' ? errorNote(res) : h('p', { class: 'muted', text: 'Replaying the rollout…' });
      const d = res.data;
      return [errorNote(res),
        h('p', { class: 'summary' }, h('strong', { text: `Decision: ${fmtKey('decision', d.decision)}. ` }), d.reason ?? '—'),
        instrument(res, 'ShadowModeDashboard', autoTable('Stages', Array.isArray(d.stages) ? d.stages : []), { capture: { part: 'canary', cmd: 'rollout', ch: 'rollout' } })];
    });
  }

  /* Part 3 */
  const viewName = (v) => (v && typeof v === 'object' ? `${v.name ?? '—'}@v${v.version ?? '?'}` : '—');
  const shortHash = (x) => (typeof x === 'string' ? x.slice(0, 8) : '—');
  function syncEnsemble(el, out) {
    const res = result('ensemble');
    out.setAttribute('aria-busy', String(busy(res)));
    out.classList.toggle('is-busy', busy(res));
    memo(out, [res && res.data, res && res.svg, res && res.status === 'error'], () => {
      if (!res || !res.data) return res && res.status === 'error' ? errorNote(res) : h('p', { class: 'muted', text: 'Training and serving…' });
      const d = res.data;
      const skew = d.skew || {};
      const feats = Array.isArray(skew.features) ? skew.features : [];
      const tv = d.trained_view || {};
      const sv = d.served_view || {};
      const story = d.story || {};
      const o = d.outcomes_vs_baseline || {};
      const trace = Array.isArray(d.trace) ? d.trace : [];
      const verdict = d.verdict === 'fail' ? 'FAIL' : d.verdict === 'pass' ? 'PASS' : (d.verdict ?? '—');
      return [
        errorNote(res),
        statCards([
          ['System accuracy now', fmtKey('accuracy', d.accuracy), d.silent_failure ? 'bad' : 'key'],
          ['Baseline (v1 served, trained on v1)', fmtKey('accuracy', d.baseline_accuracy)],
          ['Retrained on v2', fmtKey('accuracy', d.retrained_accuracy)],
          ['Requests served / errors raised', `${fmtKey('requests_served', d.requests_served)} / ${fmtKey('errors_raised', d.errors_raised)}`],
        ]),
        d.silent_failure === true
          ? banner('fail', `Silent failure: accuracy fell from ${fmtKey('accuracy', d.baseline_accuracy)} to ${fmtKey('accuracy', d.accuracy)} while ${fmtKey('errors_raised', d.errors_raised)} errors were raised. Every request was answered; nothing alerted.`)
          : banner('ok', `No silent failure in this configuration (accuracy ${fmtKey('accuracy', d.accuracy)}).`),
        h('h4', { text: 'Feature Store Consistency Check' }),
        h('p', { class: 'summary' }, h('strong', { text: `Check: ${verdict}. ` }),
          `Version contract: ${d.contract_ok === undefined ? '—' : d.contract_ok ? 'the served view is the one the classifier was trained on' : 'BROKEN: the classifier is served a view it was not trained on'}. ` +
          `Skew flagged: ${fmtKey('flagged', skew.flagged)}${typeof skew.flagged_features === 'number' ? ` (${skew.flagged_features} of ${feats.length} features)` : ''}.`),
        Array.isArray(d.reasons) && d.reasons.length ? h('ul', { class: 'reasons' }, d.reasons.map((r) => h('li', { text: r }))) : null,
        h('div', { class: 'contract' }, h('table', { class: 'grid' },
          h('caption', { text: `The view the ${story.downstream || 'classifier'} was trained on vs the view it is served` }),
          h('thead', {}, h('tr', {}, ['', 'Trained on', 'Served'].map((t) => h('th', { scope: 'col', text: t })))),
          h('tbody', {}, [
            ['View', viewName(tv), viewName(sv)],
            ['Schema hash', shortHash(tv.schema_hash), shortHash(sv.schema_hash)],
            ['Producer', tv.producer ?? '—', sv.producer ?? '—'],
            ['Normalisation', tv.normalisation ?? '—', sv.normalisation ?? '—'],
            ['Feature basis', tv.basis ?? '—', sv.basis ?? '—'],
          ].map(([k, a, b]) => h('tr', { class: a !== b ? 'differs' : null }, h('th', { scope: 'row', text: k }), h('td', { text: a }), h('td', { text: b })))))),
        gridTable('Served vs training statistics per feature (flagged at PSI, JS or L∞ ≥ 0.1)', [
          { key: 'name', label: 'Feature', fmt: (v) => v ?? '—' },
          { key: 'psi', label: 'PSI', fmt: (v) => fmtSig(v, 3) },
          { key: 'js_distance', label: 'Jensen-Shannon', fmt: (v) => fmtSig(v, 3) },
          { key: 'linf', label: 'L∞', fmt: (v) => fmtSig(v, 3) },
          { key: 'trained_mean', label: 'Mean (trained)', fmt: (v) => fmtFixed(v) },
          { key: 'served_mean', label: 'Mean (served)', fmt: (v) => fmtFixed(v) },
          { key: 'trained_variance', label: 'Variance (trained)', fmt: (v) => fmtFixed(v) },
          { key: 'served_variance', label: 'Variance (served)', fmt: (v) => fmtFixed(v) },
          { key: 'flagged', label: 'Flagged', fmt: (v) => fmtKey('flagged', v) },
        ], feats, { tall: feats.length > 12, rowClass: (r) => (r.flagged ? 'flagged' : null) }),
        instrument(res, 'Ensemble Trace: requests followed stage by stage', [
          gridTable(`${trace.length} requests followed from raw input to label (view ${tv.name ?? '—'}; ✓ right, ✗ wrong)`, [
            { key: 'request', label: 'Request', fmt: (v) => (v === undefined ? '—' : `#${v}`) },
            { key: 'truth', label: 'Truth', fmt: (v) => v ?? '—' },
            { key: 'raw', label: 'Raw SNR (dB)', fmt: (v) => (v && typeof v.snr_db === 'number' ? fmtFixed(v.snr_db, 1) : '—') },
            { key: 'view', label: 'Served', fmt: (v) => (v ? `v${v.version} ${shortHash(v.schema_hash)}` : '—') },
            { key: 'classifier_expects', label: 'Classifier expects', fmt: (v) => (v ? `v${v.version} ${shortHash(v.schema_hash)}` : '—') },
            { key: 'contract_match', label: 'Contract', fmt: (v) => (v === undefined ? '—' : v ? 'kept' : 'broken') },
            { key: 'max_abs_z', label: 'Largest |z|', fmt: (v) => fmtFixed(v, 1) },
            { key: 'score', label: 'Score', fmt: (v) => fmtFixed(v, 2) },
            { key: 'label', label: 'Label', fmt: (v, r) => (v === undefined ? '—' : `${v} ${r.correct ? '✓' : '✗'}`) },
            { key: 'baseline', label: 'v1 pipeline', fmt: (v) => (v && v.label !== undefined ? `${v.label} ${v.correct ? '✓' : '✗'}` : '—') },
          ], trace),
          o.both_right !== undefined ? kvTable('Every request against the v1 pipeline', [
            ['Right in both', fmtNum(o.both_right)], ['Broken by this change', fmtNum(o.broken), 'key'],
            ['Fixed by this change', fmtNum(o.fixed)], ['Wrong in both', fmtNum(o.both_wrong)]]) : null,
        ], { wide: true, capture: { part: 'ensemble', cmd: 'ensemble', ch: 'ensemble' } }),
      ];
    });
    syncGovernance(el);
  }
  function fmtFixed(v, digits = 2) {
    if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
    return nf({ minimumFractionDigits: digits, maximumFractionDigits: digits }).format(Math.abs(v) < 0.5 * 10 ** -digits ? 0 : v);
  }
  function governanceBox(p) {
    const choices = (param('governance', 'policy') && param('governance', 'policy').choices) || ['loose', 'strict'];
    return h('div', { class: 'subpanel governance', id: 'governance' },
      h('h3', { text: 'The Ledger: your governance policy' }),
      h('p', { text: 'The Software Lead wants to ship the new extractor tonight. Choose the policy your fleet will live by, simulate a year under it, and record your decision with its justification.' }),
      h('div', { class: 'choice-lock', role: 'group', 'aria-label': 'Governance policy' },
        choices.map((c) => h('button', {
          type: 'button', class: 'btn choice-btn policy-btn', 'data-policy': c, 'aria-pressed': 'false',
          onclick: () => choosePolicy(c), text: choiceLabel(c),
        }))),
      has('governance') ? h('div', { class: 'gov-result', id: 'gov-result', 'aria-live': 'polite' })
        : h('p', { class: 'not-built', text: '(this part’s model is not built yet)' }),
      reflectBox('ensemble', p.reflect, 'Justify it'),
      h('p', { class: 'decision-row' },
        h('button', { type: 'button', class: 'btn primary', id: 'record-decision', onclick: recordDecision, text: 'Record my decision' }),
        h('span', { class: 'help decision-status', id: 'decision-status', 'aria-live': 'polite' })));
  }
  function syncGovernance(el) {
    const v = view().ensemble;
    const dec = decisionOf();
    const policy = v.policy || (dec && dec.body.policy) || null;
    for (const b of el.querySelectorAll('.policy-btn')) b.setAttribute('aria-pressed', String(b.dataset.policy === policy));
    const btn = $('#record-decision', el);
    if (btn) {
      btn.disabled = busyWith('governance');
      setText(btn, policy ? `Record my decision: ${choiceLabel(policy)}` : 'Record my decision');
    }
    const n = noteOf('governance');
    const status = $('#decision-status', el);
    if (status) {
      let text;
      if (busyWith('governance')) text = status.textContent || 'Recording…';
      else if (n && n.kind !== 'ok') text = `Not recorded: ${n.text}`;
      else if (dec) {
        const count = entries('governance', 'ensemble').length;
        text = `In your ledger: ${choiceLabel(dec.body.policy)}, recorded ${clock(dec.created_at)}${count > 1 ? ` (decision ${count}; earlier ones are kept)` : ''}.` +
          (policy !== dec.body.policy ? ` You are now looking at ${choiceLabel(policy)}: record it to change your decision.` : '');
      } else text = 'Not recorded yet.';
      setText(status, text);
      status.classList.toggle('is-error', !!n && n.kind !== 'ok');
    }
    const out = $('#gov-result', el);
    if (!out) return;
    const res = result('governance');
    memo(out, [res && res.data, res && res.svg, policy, res && res.status === 'error'], () => {
      if (!policy) return h('p', { class: 'muted', text: 'Choose a policy to simulate a year under it.' });
      if (!res || !res.data) return res && res.status === 'error' ? errorNote(res) : h('p', { class: 'muted', text: 'Simulating a year…' });
      const d = res.data;
      const other = d.comparison || {};
      const silent = typeof d.silent_failure_weeks === 'number' && d.silent_failure_weeks > 0;
      const name = choiceLabel(d.policy || policy);
      const rows = [
        ['Weeks in silent failure', 'silent_failure_weeks'], ['Incidents', 'incidents'], ['Mean accuracy', 'mean_accuracy'],
        ['Upgrade delay (days)', 'upgrade_delay_days'], ['Retrains', 'retrains'], ['Upgrades still pending', 'pending_upgrades'],
      ];
      const releases = Array.isArray(d.releases) ? d.releases : [];
      return [errorNote(res),
        silent ? banner('fail', `${fmtNum(d.silent_failure_weeks)} week${d.silent_failure_weeks === 1 ? '' : 's'} of silent failure in a year under ${name}.`)
          : banner('ok', `No week in silent failure under ${name}.`),
        instrument(res, `A simulated year under ${name}`, [
          h('table', { class: 'grid' }, h('caption', { text: `${fmtNum(d.weeks)} weeks, an upstream release every ${fmtNum(d.release_every_weeks)} weeks` }),
            h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: '' }), h('th', { scope: 'col', text: name }),
              other.policy ? h('th', { scope: 'col', text: choiceLabel(other.policy) }) : null)),
            h('tbody', {}, rows.filter(([, k]) => d[k] !== undefined).map(([label, k]) => h('tr', {},
              h('th', { scope: 'row', text: label }), h('td', { text: fmtKey(k, d[k]) }),
              other.policy ? h('td', { text: fmtKey(k, other[k]) }) : null)))),
          releases.length ? gridTable('Upstream releases', [
            { key: 'week', label: 'Week', fmt: (x) => fmtNum(x) },
            { key: 'version', label: 'Version', fmt: (x) => (x === undefined ? '—' : `v${x}`) },
            { key: 'accuracy_unretrained', label: 'Accuracy, not retrained', fmt: (x) => fmtPct(x, 1) },
            { key: 'accuracy_retrained', label: 'Accuracy, retrained', fmt: (x) => fmtPct(x, 1) },
            { key: 'strict_adopted_day', label: 'Adopted under strict (day)', fmt: (x) => fmtKey('day', x) },
          ], releases) : null,
        ], { wide: true, capture: { part: 'ensemble', cmd: 'governance', ch: 'governance' } })];
    });
    syncCaptures(el);
  }

  /* ------------------------------------------------------------------ render: the ledger */

  function renderLedger(st) {
    const el = $('#ledger');
    keyed(el, `ledger|${st.mode.ledger}`, () => [
      h('p', { class: 'kicker', text: 'Synthesis' }),
      h('h2', { id: 'ledger-title', text: 'Your ledger' }),
      h('p', { class: 'muted', id: 'ledger-where' }),
      h('div', { id: 'ledger-body' }),
      h('div', { class: 'ledger-actions', role: 'group', 'aria-label': 'Your report' },
        h('button', { type: 'button', class: 'btn primary', id: 'report-html', onclick: () => downloadReport('html'), text: 'Download report (HTML)' }),
        h('button', { type: 'button', class: 'btn', id: 'report-md', onclick: () => downloadReport('md'), text: 'Download report (Markdown)' }),
        st.mode.ledger === 'local' ? h('button', { type: 'button', class: 'btn', id: 'erase', onclick: eraseClick, text: 'Erase my saved work' }) : null),
      h('p', { class: 'param-error', id: 'report-error', role: 'alert', hidden: true }),
    ]);
    const l = st.ledger;
    const t = l && labTrack(l.track);
    setText($('#ledger-where', el), !st.mode.ledger ? 'Connecting…'
      : !l ? (st.mode.ledger === 'server' ? 'Kept by the fleetops server once you choose a track: it survives a closed tab and a restarted server.'
        : 'Kept in this browser once you choose a track (there is no server: this is the static lab).')
        : `${t ? t.name : l.track} · ${st.mode.ledger === 'server' ? `session ${l.session} on the fleetops server` : 'kept in this browser (no server)'}` +
          ` · started ${new Date(l.created_at).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}`);
    for (const id of ['report-html', 'report-md']) {
      const b = $(`#${id}`, el);
      b.disabled = !l || busyWith(`report:${id === 'report-html' ? 'html' : 'md'}`);
    }
    const rep = noteOf('report');
    const re = $('#report-error', el);
    re.hidden = !rep;
    if (rep) setText(re, rep.text);
    const lab = st.server.lab;
    memo($('#ledger-body', el), [l, lab], () => {
      if (!lab || !l) return h('p', { class: 'muted', text: 'Nothing yet: your predictions, evidence, attempts, decisions and reflections collect here.' });
      return ledgerView(lab, l);
    });
  }
  function ledgerView(lab, l) {
    const rows = lab.parts.map((p) => {
      const pr = l.predictions.find((x) => x.part === p.id);
      let pred = '—';
      let ans = '—';
      let off = '—';
      if (pr && p.lock_kind === 'choice') {
        pred = choiceLabel(pr.predicted);
        ans = choiceLabel(pr.actual);
        off = pr.correct ? 'right' : 'wrong';
      } else if (pr) {
        const a = Number(pr.actual);
        const v = Number(pr.predicted);
        pred = `${fmtNum(v, 6)} ${p.lock_unit}`;
        ans = `${fmtNum(a, 6)} ${p.lock_unit}`;
        off = typeof pr.off_by_factor === 'number' ? `${pr.off_by_factor.toFixed(1)}x (${v < a ? 'too low' : v > a ? 'too high' : 'exactly right'})` : '—';
      }
      return { part: `Part ${p.number}: ${p.title}`, pred, ans, off, at: pr ? clock(pr.locked_at) : '—' };
    });
    const at = l.entries.filter((e) => e.kind === 'attempt').map((e) => (e.body && e.body.attempt) || {});
    const solved = at.findIndex((a) => a.safety_ok && a.release_ok);
    const ev = l.entries.filter((e) => e.kind === 'evidence');
    const govs = l.entries.filter((e) => e.kind === 'governance');
    const gov = govs[govs.length - 1];
    const partName = (id) => {
      const p = lab.parts.find((x) => x.id === id);
      return p ? `Part ${p.number}` : id === 'crisis' ? 'Crisis' : id;
    };
    const missing = Array.isArray(l.missing) ? l.missing : [];
    return [
      missing.length
        ? h('div', { class: 'banner banner-fail missing', role: 'status' }, h('strong', { text: 'Your report is incomplete. Still missing: ' }),
          h('ul', {}, missing.map((m) => h('li', { text: m }))))
        : h('p', { class: 'banner banner-ok', role: 'status' }, h('strong', { text: 'Complete: ' }), 'every lock, every reflection and the governance decision are in your ledger.'),
      gridTable('Predictions (locked before the answer)', [
        { key: 'part', label: 'Part', fmt: (v) => v },
        { key: 'pred', label: 'You predicted', fmt: (v) => v },
        { key: 'ans', label: 'The answer', fmt: (v) => v },
        { key: 'off', label: 'How far off', fmt: (v) => v },
        { key: 'at', label: 'Locked at', fmt: (v) => v },
      ], rows),
      h('ul', { class: 'ledger-facts' },
        h('li', {}, h('strong', { text: '10-Iteration Rule: ' }), at.length === 0 ? 'no attempts yet.'
          : `${at.length} of ${MAX_ATTEMPTS} attempts` + (solved >= 0 ? `; solved at attempt ${solved + 1} with ${fmtHours(at[solved].hours)} of shadow mode.` : '; not solved yet.')),
        h('li', {}, h('strong', { text: 'Governance policy: ' }), gov ? `${choiceLabel(gov.body.policy)}${govs.length > 1 ? ` (decision ${govs.length})` : ''}: “${gov.body.justification}”` : 'not chosen yet.')),
      ev.length ? gridTable(`Evidence (${ev.length})`, [
        { key: 'part', label: 'Part', fmt: (v) => partName(v) },
        { key: 'body', label: 'Instrument and parameters', fmt: (b) => `${b.command}: ${Object.entries(b.params || {}).filter(([k]) => k !== 'track').map(([k, v]) => `${k} = ${v}`).join(', ') || 'presets'}` },
        { key: 'created_at', label: 'Captured', fmt: (v) => clock(v) },
        { key: 'fingerprint', label: 'Fingerprint', fmt: (v) => v || '—' },
      ], ev, { tall: ev.length > 8 }) : h('p', { class: 'muted', text: 'Evidence: none captured yet (each instrument has a Capture evidence button).' }),
      h('dl', { class: 'reflections' }, lab.parts.flatMap((p) => {
        const rs = l.entries.filter((e) => e.kind === 'reflection' && e.part === p.id);
        const last = rs[rs.length - 1];
        return [h('dt', { text: `Part ${p.number}: ${p.reflect}` }),
          h('dd', { class: last ? null : 'muted', text: last ? last.body.text : 'not written yet' }),
          last ? h('dd', { class: 'help', text: `revision ${rs.length}, saved ${clock(last.created_at)}` }) : null];
      })),
    ];
  }
  let eraseArmed = null;
  function eraseClick(e) {
    const btn = e.currentTarget;
    if (!eraseArmed) {
      btn.textContent = 'Click again to erase this browser’s ledger';
      eraseArmed = setTimeout(() => {
        eraseArmed = null;
        btn.textContent = 'Erase my saved work';
      }, 5000);
      return;
    }
    clearTimeout(eraseArmed);
    eraseArmed = null;
    btn.textContent = 'Erase my saved work';
    abortAll();
    net.ledger.erase();
    store.update((st) => {
      st.ledger = null;
      st.view = {};
      st.ui.notes = {};
      st.server.results = {};
    });
  }

  /* ------------------------------------------------------------------ boot */

  async function boot() {
    restore();
    render();
    let schema;
    let lab;
    let ledger;
    try {
      const b = await B.connect(() => store.state.server.lab || lab);
      net.transport = b.transport;
      net.ledger = b.ledger;
      schema = b.schema;
      const labP = b.transport.get('lab', {}).then((x) => (lab = x));
      /* the browser's ledger needs the plan to say what is missing; the server's does not */
      const ledgerP = (b.ledger.kind === 'local' ? labP.then(() => b.ledger.load()) : b.ledger.load()).catch(() => null);
      [, ledger] = await Promise.all([labP, ledgerP]);
    } catch (e) {
      store.update((st) => {
        st.server.loadError = `Could not start the lab (${e.message}). Served by \`fleetops serve\`? Is it still running? ` +
          'From a static host, fleetops.wasm must sit next to index.html.';
      });
      return;
    }
    store.update((st) => {
      st.mode = { transport: net.transport.kind, ledger: net.ledger.kind };
      st.server.schema = schema;
      st.server.lab = lab;
      st.ledger = ledger && lab.tracks.some((t) => t.id === ledger.track) ? ledger : null;
    });
    document.documentElement.dataset.transport = net.transport.kind;
    if (!track()) return;
    refreshAll();
    /* a draft typed before the page went away: saved now */
    for (const p of PART_ORDER) if (typeof view()[p].draft === 'string' && view()[p].draft !== reflectionOf(p)) saveReflection(p);
  }
  /* Leaving the page: unsaved reflections go to the ledger (keepalive requests). */
  addEventListener('pagehide', () => {
    if (net.ledger && view()) for (const p of PART_ORDER) if (typeof view()[p].draft === 'string') saveReflection(p);
  });

  /* For tests: read-only access to the one state object. */
  window.fleetops = Object.freeze({ state: () => JSON.parse(JSON.stringify(store.state)) });

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
})();
