/* crisis.js: the track's Ops crisis: the story, its controls and the simulation's tables. */
import { control, syncControls } from './controls.js';
import { $, h, keyed, memo } from './dom.js';
import { choiceLabel, fmtNum, fmtPct, fmtSig, yesNo } from './format.js';
import { debounce, load } from './net.js';
import { capture } from './parts.js';
import { command, has, labTrack, lockOf, query, result, store, track, view } from './store.js';
import { busy, errorNote, gridTable, instrument, kvTable, syncCaptures } from './widgets.js';

/* The crises' tables, every column and row named here in the student's words (a missing value
 * shows "—"). `scalars` are [key, label, format]; a `matrix` compares methods side by side;
 * `lists` are arrays of rows; `objects` one record as a two-column table. `afterLock` names the
 * columns that answer a later lock: they appear only once that part is locked. */
const pct = (v) => fmtPct(v);
const pct1 = (v) => fmtPct(v, 1);
const int = (v) => fmtNum(v);
const one = (v) => fmtNum(v, 1);
const hrs = (v) => (typeof v === 'number' ? `${fmtNum(v, 1)} h` : '—');
const ms = (v) => (typeof v === 'number' ? `${fmtNum(v, 1)} ms` : '—');
const mins = (v) => (typeof v === 'number' ? `${fmtNum(v)} min` : 'missed');
const txt = (v) => (v === null || v === undefined ? '—' : String(v));
const stage = (v) => (typeof v === 'string' ? v.charAt(0).toUpperCase() + v.slice(1) : '—');
export const CRISIS_LAYOUT = {
  'cloud-titan': {
    scalars: [['models', 'Models served', int], ['drifts', 'Real drifts', int], ['monitored_days', 'Days monitored', int],
      ['false_alert_reduction', 'False alerts cut by', (v) => (typeof v === 'number' ? `${fmtNum(v)}×` : '—')]],
    matrix: {
      caption: 'Three ways to alert, side by side (over the monitored days)',
      rows: [['static_threshold', 'Static threshold'], ['discovered_threshold', 'Discovered threshold'], ['cusum', 'CUSUM']],
      cols: [['alerts_per_day', 'Alerts per day', one], ['false_alerts_per_day', 'False alerts per day', one],
        ['precision', 'Precision', pct], ['recall', 'Recall', pct], ['drifts_detected', 'Drifts caught', int],
        ['mean_detection_delay_minutes', 'Mean detection delay', mins]],
    },
    lists: [{ key: 'drift_events', caption: 'The real drifts (the truth the alerts are scored against): detection delay per method', tall: true,
      cols: [['model', 'Model', (v) => (v === undefined ? '—' : `#${v}`)], ['metric', 'Metric', txt], ['start_hours', 'Starts', hrs], ['end_hours', 'Ends', hrs],
        ['delay_minutes', 'Static threshold', (v) => mins(v && v.static_threshold)],
        ['delay_minutes', 'Discovered threshold', (v) => mins(v && v.discovered_threshold)],
        ['delay_minutes', 'CUSUM', (v) => mins(v && v.cusum)]] }],
  },
  'edge-guardian': {
    scalars: [['fleet_size', 'Fleet size', (v) => `${int(v)} vehicles`], ['deadline_ms', 'Safety-loop deadline', ms],
      ['detected', 'Regression detected', yesNo], ['detected_at_stage', 'Detected at stage', stage],
      ['detected_generation', 'Detected on', txt], ['detected_hours', 'Detected after', hrs],
      ['vehicles_exposed', 'Vehicles exposed', int], ['vehicles_serving', 'Vehicles still serving it', int],
      ['hours_to_full_rollback', 'Time to a full rollback', hrs], ['fleetwide_check_detected', 'A fleet-wide p99 check detects it', yesNo]],
    lists: [
      { key: 'generations', caption: 'Latency per hardware generation (new model)',
        cols: [['name', 'Hardware', txt], ['share', 'Fleet share', pct], ['vehicles', 'Vehicles', int], ['p50_ms', 'p50 latency', ms],
          ['p99_ms', 'p99 latency', ms], ['p999_ms', 'p99.9 latency', ms], ['deadline_miss_rate', 'Deadline misses (true)', pct],
          ['observed_miss_rate', 'Deadline misses (observed)', pct], ['gate_p_value', 'Gate p-value', (v) => fmtSig(v, 3)]] },
      { key: 'stages', caption: 'Rollout stages',
        cols: [['name', 'Stage', stage], ['traffic_fraction', 'Traffic share', pct], ['observed_fraction', 'Observed share', pct],
          ['start_hours', 'Starts at', hrs], ['dwell_hours', 'Lasts', hrs]] },
    ],
    objects: [{ key: 'fleetwide_check', caption: 'The alternative: one fleet-wide p99 check',
      rows: [['fleet_p99_ms', 'Fleet p99 latency', ms], ['fleet_deadline_miss_rate', 'Fleet deadline misses', pct],
        ['detected', 'Detects the regression', yesNo], ['vehicles_exposed', 'Vehicles exposed', int],
        ['vehicles_serving', 'Vehicles still serving it', int], ['oldest_generation_serving', 'Oldest-generation vehicles serving', int],
        ['hours_to_full_rollback', 'Time to a full rollback', hrs]] }],
  },
  'mobile-nomad': {
    scalars: [['aggregate_detected', 'The fleet-wide average detects it', yesNo], ['aggregate_detection_hours', 'Fleet-wide detection after', hrs],
      ['slice_detection_hours', 'Per-region detection after', hrs], ['false_alarms', 'False alarms', int],
      ['correction', 'Multiple-comparison correction', (v) => choiceLabel(v)], ['regions_affected', 'Regions affected', int],
      ['regions_flagged', 'Regions flagged', int], ['regions_missed', 'Regions missed', int]],
    lists: [{ key: 'regions', caption: 'Regions',
      cols: [['name', 'Region', txt], ['share', 'Share of users', pct], ['fps_before', 'FPS before', one], ['fps_after', 'FPS after', one],
        ['true_drop_fps', 'True drop (FPS)', one], ['affected', 'Affected', yesNo], ['flagged', 'Flagged', yesNo],
        ['flagged_at_hours', 'Flagged after', hrs]] }],
  },
  'tiny-pioneer': {
    /* whether the detector's accuracy drops is Part 3's lock: the crisis is asked sealed (the
     * domino without accuracy, skew or a verdict) until it is locked */
    sealedUntil: 'ensemble',
    matrix: {
      caption: 'Unpinned vs pinned feature versions',
      rows: [['unpinned', 'Unpinned (reads the latest version)'], ['pinned', 'Pinned (reads the version it was trained on)']],
      cols: [['reads', 'Reads', txt], ['trained_version', 'Trained on version', int], ['served_version', 'Served version', int],
        ['contract_checked', 'Contract checked', yesNo], ['deploy_blocked', 'Deploy blocked', yesNo], ['errors_raised', 'Errors raised', int],
        ['skew_flagged', 'Skew flagged', yesNo], ['accuracy', 'Accuracy', pct1], ['silent_failure', 'Silent failure', yesNo]],
    },
    objects: [{ key: 'contract_check', caption: 'The contract check',
      rows: [['contract', 'The contract names', txt], ['candidate', 'The update would serve', txt], ['contract_ok', 'The view matches the contract', yesNo],
        ['shapes_match', 'Same shape', yesNo], ['deploy_blocked', 'Deploy blocked', yesNo], ['rule', 'The rule', (v) => stage(String(v))]] }],
    bullets: [{ key: 'symptoms', caption: (d) => `What the ${(d.story && d.story.downstream) || 'downstream'} team sees` }],
    /* the columns that answer Part 3 appear only once it is locked */
    afterLock: { ensemble: ['accuracy', 'silent_failure', 'skew_flagged'] },
  },
};

export function refreshCrisis() {
  if (!track() || !has('crisis')) return;
  load('crisis', 'crisis', query('crisis', 'crisis', { track: track(), ...outcomeOf(track()) }));
}
/* A crisis that holds a later part's answer is asked sealed until that part is locked. */
function sealedPart(tr) {
  const lay = CRISIS_LAYOUT[tr];
  return lay && lay.sealedUntil && has('crisis') && command('crisis').params.some((p) => p.name === 'outcome') ? lay.sealedUntil : null;
}
/* After a lock: a crisis sealed until that part is asked again, now shown. */
export function refreshCrisisAfter(part) {
  if (track() && sealedPart(track()) === part) refreshCrisis();
}
function outcomeOf(tr) {
  const part = sealedPart(tr);
  return part ? { outcome: lockOf(part) ? 'shown' : 'sealed' } : {};
}

export function setCrisisParam(name, value) {
  store.update(() => {
    view().crisis.params.crisis[name] = value;
  });
  debounce('crisis', refreshCrisis);
}

/* ------------------------------------------------------------------ render: crisis */

export function renderCrisis(st) {
  const el = $('#crisis');
  const t = labTrack(track());
  const built = has('crisis');
  /* before the lock a crisis is sealed until, its story in words that do not answer it */
  const before = !!(t && sealedPart(t.id) && !lockOf(sealedPart(t.id)));
  keyed(el, `${track()}|${built}|${!!st.server.lab}|${before}`, () => {
    if (!t) {
      return [h('h2', { id: 'crisis-title', text: 'The Ops crisis' }),
        h('p', { class: 'muted', text: 'Choose a track above: its crisis opens here.' })];
    }
    const head = [h('p', { class: 'kicker', text: `Ops crisis · ${t.name}` }),
      h('h2', { id: 'crisis-title', text: t.crisis_title }),
      h('p', { class: 'story', text: before && t.crisis_before_lock ? t.crisis_before_lock : t.crisis })];
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
  memo(out, [res && res.data, res && res.svg, res && res.status === 'error', !!lockOf('ensemble')], () => {
    if (!res || (!res.data && res.status !== 'error')) return h('p', { class: 'muted', text: 'Running the crisis simulation…' });
    if (!res.data) return errorNote(res);
    const d = res.data;
    const sealed = d.outcome === 'sealed';
    return [errorNote(res), h('p', { class: 'summary', text: d.summary ?? '—' }),
      sealed ? h('p', { class: 'banner crisis-sealed', text: `Whether the ${(d.story && d.story.downstream) || 'downstream model'}\u2019s accuracy holds is revealed after your Part 3 prediction.` }) : null,
      instrument(res, t.crisis_title, crisisTables(track(), d), { wide: true, capture: { part: 'crisis', cmd: 'crisis', ch: 'crisis' } })];
  });
  syncCaptures(el);
}
export function crisisTables(tr, d) {
  const lay = CRISIS_LAYOUT[tr] || {};
  const hidden = new Set(Object.entries(lay.afterLock || {}).filter(([part]) => !lockOf(part)).flatMap(([, keys]) => keys));
  const shown = (cols) => cols.filter(([k]) => !hidden.has(k));
  const cell = ([key, , fmt], r) => (r && r[key] !== undefined && r[key] !== null ? fmt(r[key], r) : '—');
  const parts = [];
  if (lay.scalars) parts.push(kvTable('Key numbers', shown(lay.scalars).map((c) => [c[1], cell(c, d)])));
  if (lay.matrix) {
    const cols = shown(lay.matrix.cols);
    const rows = lay.matrix.rows.map(([k, label]) => Object.assign({ __name: label }, d[k] || {}));
    const t = gridTable(lay.matrix.caption, [{ key: '__name', label: '', fmt: (v) => v },
      ...cols.map((c) => ({ key: c[0], label: c[1], fmt: (v, r) => cell(c, r) }))], rows);
    if (cols.length > 4) t.classList.add('span-all');
    parts.push(t);
  }
  for (const l of lay.lists || []) {
    const rows = Array.isArray(d[l.key]) ? d[l.key] : [];
    const cols = shown(l.cols).map((c) => ({ key: c[0], label: c[1], fmt: (v, r) => cell(c, r) }));
    const t = gridTable(l.caption, cols, rows, { tall: l.tall && rows.length > 8 });
    if (cols.length > 5) t.classList.add('span-all'); /* too many columns to share the width */
    parts.push(t);
  }
  for (const b of lay.bullets || []) {
    const items = Array.isArray(d[b.key]) ? d[b.key] : [];
    if (items.length) parts.push(h('div', { class: 'crisis-bullets' }, h('h4', { text: b.caption(d) }), h('ul', {}, items.map((x) => h('li', { text: stage(String(x)) })))));
  }
  for (const o of lay.objects || []) {
    const obj = d[o.key] && typeof d[o.key] === 'object' ? d[o.key] : {};
    parts.push(kvTable(o.caption, shown(o.rows).map((c) => [c[1], cell(c, obj)])));
  }
  return h('div', { class: 'tables' }, parts);
}
