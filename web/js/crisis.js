/* crisis.js: the track's Ops crisis: the story, its controls and the simulation's tables. */
import { control, syncControls } from './controls.js';
import { $, h, keyed, memo } from './dom.js';
import { fmtKey, humanize } from './format.js';
import { debounce, load } from './net.js';
import { capture } from './parts.js';
import { command, has, labTrack, query, result, store, track, view } from './store.js';
import { busy, errorNote, flatten, gridTable, instrument, kvTable, syncCaptures } from './widgets.js';

/* The crises' tables (issue 5's contract keys first; a missing key shows "—"). `lists` are
 * arrays of rows, `objects` nested records shown as key/value tables. */
export const CRISIS_LAYOUT = {
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

export function refreshCrisis() {
  if (!track() || !has('crisis')) return;
  load('crisis', 'crisis', query('crisis', 'crisis', { track: track() }));
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
export function crisisTables(tr, d) {
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
