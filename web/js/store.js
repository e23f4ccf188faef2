/* store.js: the page's one state object and what reads it.
 *
 * `store.state` is all of the page's state and is JSON-serialisable; change it only through
 * `store.update(fn)`, which saves the view part (slider values, toggles, drafts) to localStorage
 * and schedules one render (app.js registers the renderer with onRender). Also here: the parts'
 * plan (PARTS), what the ledger holds read the way every panel reads it, and the schema (the
 * engine's command table: parameters, ranges, defaults, presets).
 *
 * state = {
 *   version, mode: {transport, ledger},    // 'server' | 'wasm', 'server' | 'local'
 *   ledger,                                // {session, track, created_at, predictions[],
 *                                          //  entries[], missing[]} or null (no session yet)
 *   view: { [track]: {                     // per track: what the student is looking at
 *     crisis:   { params: {crisis: {}} },
 *     roi:      { params: {roi: {}}, peek, draft },
 *     canary:   { params: {canary: {}}, peek, draft, attemptDraft },
 *                                          // Part 2: ONE parameter set keyed by name, shared
 *                                          // by canary, sprt and rollout (see part2-canary.js)
 *     ensemble: { params: {ensemble: {}, governance: {}}, peek, draft, policy } } },
 *                                          // draft: reflection text not saved yet (or null)
 *   ui: { confirmTrack, busy: {}, notes: {} },  // not saved: dialogs, requests in flight, messages
 *   server: { schema, lab, loadError,      // not saved: rebuilt from the engine on load
 *             results: { [channel]: {status, seq, data, svg, alt, error, params} } }
 * }
 */
import { busy } from './widgets.js';

export const SAVE_KEY = 'fleetops.view.v2';
export const DEBOUNCE_MS = 60;
export const AUTOSAVE_MS = 1500;
export const MAX_ATTEMPTS = 10;
export const RELEASE_LIMIT_HOURS = 168;

/* The parts in plan order: which commands bear their answers, and which parameters are the
 * workbench's sliders. These are display choices only; every range, unit, default and
 * preset comes from the schema. */
export const PARTS = {
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
    },
  },
  ensemble: {
    commands: ['ensemble', 'governance'],
    sliders: { ensemble: ['severity'] },
    more: { ensemble: ['seed'], governance: ['weeks', 'release_every_weeks'] },
  },
};
export const PART_ORDER = ['roi', 'canary', 'ensemble'];

/* ------------------------------------------------------------------ the store */

export function freshState() {
  return {
    version: 2,
    mode: { transport: null, ledger: null },
    ledger: null,
    view: {},
    ui: { confirmTrack: null, busy: {}, notes: {} },
    server: { schema: null, lab: null, loadError: null, results: {} },
  };
}
export function freshView() {
  return {
    crisis: { params: { crisis: {} } },
    roi: { params: { roi: {} }, peek: false, draft: null },
    canary: { params: { canary: {} }, peek: false, draft: null, attemptDraft: '' },
    ensemble: { params: { ensemble: {}, governance: {} }, peek: false, draft: null, policy: null },
  };
}

export const store = {
  state: freshState(),
  update(fn) {
    fn(this.state);
    save();
    scheduleRender();
  },
};

/* One render per burst of updates: the renderer is app.js's (registered with onRender). */
let renderer = null;
let renderQueued = false;
export function onRender(fn) {
  renderer = fn;
}
export function scheduleRender() {
  if (renderQueued || !renderer) return;
  renderQueued = true;
  queueMicrotask(() => {
    renderQueued = false;
    renderer();
  });
}

/* Only the view is saved here: the ledger lives in its backend. */
export function save() {
  try {
    localStorage.setItem(SAVE_KEY, JSON.stringify({ version: 2, view: store.state.view }));
  } catch (e) {
    /* private mode or full: the page still works, it just forgets slider positions */
  }
}
export function restore() {
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

export const track = () => (store.state.ledger ? store.state.ledger.track : null);
/* The current track's view, created on first use. */
export function view() {
  const t = track();
  if (!t) return null;
  if (!store.state.view[t]) store.state.view[t] = freshView();
  return store.state.view[t];
}
export const result = (ch) => store.state.server.results[ch] || null;

/* What the ledger holds, read the way every panel reads it. */
export const entries = (kind, part) => (store.state.ledger ? store.state.ledger.entries.filter((e) => e.kind === kind && (!part || e.part === part)) : []);
export const lockOf = (part) => (store.state.ledger ? store.state.ledger.predictions.find((p) => p.part === part) || null : null);
export const latestOf = (kind, part) => {
  const all = entries(kind, part);
  return all.length ? all[all.length - 1] : null;
};
export const reflectionOf = (part) => {
  const e = latestOf('reflection', part);
  return e ? e.body.text : '';
};
export const attemptsOf = () => entries('attempt', 'canary');
export const decisionOf = () => latestOf('governance', 'ensemble');
/* The text in a reflection box: the unsaved draft, else the latest saved revision. */
export function reflectionText(part) {
  const v = view();
  return v && typeof v[part].draft === 'string' ? v[part].draft : reflectionOf(part);
}

/* ------------------------------------------------------------------ schema */

export function command(name) {
  const sc = store.state.server.schema;
  return sc ? sc.commands.find((c) => c.name === name) || null : null;
}
export const has = (name) => !!command(name);
export function param(cmd, name) {
  const c = command(cmd);
  return c ? c.params.find((p) => p.name === name) || null : null;
}
/* Where a command's parameter values live in the view: Part 2's three instruments (canary, sprt,
 * rollout) share ONE set keyed by parameter name, so a failure rate moved for the canary is the
 * failure rate the SPRT and the ShadowModeDashboard are asked about. */
const PARAM_SET = { sprt: 'canary', rollout: 'canary', bound: 'canary' };
export const paramSet = (cmd) => PARAM_SET[cmd] || cmd;
/* The student's own numbers (fleetops serve --variants, issue 18): Part 2's failure rate and
 * request rate are the track's preset times the ledger's multiplier, to six significant digits
 * as the server writes them; undefined without a variant. */
const VARIED = ['failure_rate', 'request_rate_per_s'];
export function variantValue(cmd, name) {
  const own = store.state.ledger && store.state.ledger.variant;
  if (!own || !VARIED.includes(name) || typeof own[name] !== 'number') return undefined;
  const p = param(cmd, name);
  if (!p) return undefined;
  const t = track();
  const base = t && p.presets && p.presets[t] !== undefined ? p.presets[t] : p.default;
  return typeof base === 'number' ? Number((base * own[name]).toPrecision(6)) : undefined;
}
/* The value a parameter has now: the student's, else their own number (a variant), else the
 * track's preset, else the default. */
export function paramValue(part, cmd, name) {
  const v = view();
  const set = v && v[part].params[paramSet(cmd)];
  const mine = set ? set[name] : undefined;
  if (mine !== undefined) return mine;
  const own = variantValue(cmd, name);
  if (own !== undefined) return own;
  const p = param(cmd, name);
  if (!p) return undefined;
  const t = track();
  if (t && p.presets && p.presets[t] !== undefined) return p.presets[t];
  return p.default === null ? undefined : p.default;
}
/* Parameters for a command: the track and the student's values, only those the command's
 * table declares (so a drift in a contract can never cause a 400). */
export function query(part, cmd, extra) {
  const c = command(cmd);
  if (!c) return null;
  const names = new Set(c.params.map((p) => p.name));
  const out = {};
  if (names.has('track') && track()) out.track = track();
  const v = view();
  const mine = (v && v[part].params[paramSet(cmd)]) || {};
  for (const [k, x] of Object.entries(mine)) if (names.has(k)) out[k] = x;
  for (const k of VARIED) {
    const own = names.has(k) && out[k] === undefined ? variantValue(cmd, k) : undefined;
    if (own !== undefined) out[k] = own;
  }
  for (const [k, x] of Object.entries(extra || {})) if (names.has(k) && x !== undefined && x !== null) out[k] = x;
  for (const p of c.params) {
    if (p.required && out[p.name] === undefined) {
      const x = paramValue(part, cmd, p.name);
      if (x !== undefined) out[p.name] = x;
    }
  }
  return out;
}
export const withoutTrack = (params) => Object.fromEntries(Object.entries(params || {}).filter(([k]) => k !== 'track'));

export const busyWith = (key) => !!store.state.ui.busy[key];
export const noteOf = (key) => store.state.ui.notes[key] || null;

export function labTrack(id) {
  const lab = store.state.server.lab;
  return lab ? lab.tracks.find((t) => t.id === id) || null : null;
}
