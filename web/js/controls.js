/* controls.js: a labelled control for one schema parameter: a slider (linear, log or log(1 - v))
 * with an exact-value box, a number box, or a radio group for a choice. */
import { append, h, setText } from './dom.js';
import { choiceLabel, fmtNum, fmtPct, fmtSig, fmtUsd, oneIn } from './format.js';
import { setParam } from './parts.js';
import { param, paramValue } from './store.js';

/* Labels and slider shapes for parameters the page puts in front of students. */

export const LABELS = {
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
  drift_rate_per_day: 'Drift per day',
  release_limit_hours: 'Release-cycle limit',
  alert_hours_per_model_year: 'Alert toil per model',
  deploy_hours_per_model_year: 'Deployment toil per model',
  dependency_hours_per_pair_year: 'Dependency toil per pair',
  platform_alert_hours_per_model_year: 'Platform alert toil per model',
  platform_deploy_hours_per_model_year: 'Platform deployment toil per model',
  platform_contract_hours_per_model_year: 'Platform contract toil per model',
  platform_upkeep_hours_per_year: 'Platform upkeep',
  failures: 'Failures seen',
  requests: 'Requests scored',
  train_size: 'Training examples',
  silent_failure_margin: 'Silent-failure margin',
  retrain_before_upgrade: 'Retrain before upgrade',
  policy: 'Governance policy',
  requests_per_week: 'Requests per week',
  detection_weeks: 'Weeks to notice a silent failure',
  retrain_days: 'Days to retrain',
  contract_bump_days: 'Days to bump a contract',
  oldest_share: 'Share on the oldest hardware',
  tail_probability: 'Slow-tail share on the oldest hardware',
  old_hardware_tail_fraction: 'Slow-tail share on the oldest hardware',
  gate_quantile: 'Gate quantile',
  ota_mean_hours: 'Mean time to install an update',
  shadow: 'Shadow mode',
  max_holds: 'Holds before a rollback',
  true_failure_rate: 'The candidate’s true failure rate',
  chunk_minutes: 'Chunk length',
  cusum_h: 'CUSUM threshold (h)',
  cusum_k: 'CUSUM slack (k)',
  discovery: 'Threshold discovery',
  drifts: 'Drifting models',
  dwell_scale: 'Dwell-time scale',
  min_drop_fps: 'Smallest FPS drop to catch',
  monitor_hours: 'Monitoring window',
  sessions_per_hour: 'Sessions per hour',
  static_latency_max_ms: 'Static latency threshold',
  static_quality_min: 'Static quality threshold',
  predict: 'Your locked prediction',
  seed: 'Random seed',
  figure: 'Figure',
  outcome: 'Outcome',
  attempt_hours: 'Hours of shadow mode tried',
  attempt_number: 'Try number',
};

/* The instruments by command, as the page titles them (the ledger's evidence, capture notes). */
export const INSTRUMENTS = {
  crisis: 'Crisis simulation',
  roi: 'OpsBreakEvenPlot',
  canary: 'Confidence Clock',
  bound: 'Zero-failure bound',
  sprt: 'Sequential validation (SPRT)',
  rollout: 'ShadowModeDashboard',
  ensemble: 'Ensemble Trace',
  governance: 'Governance year',
};
export const instrumentName = (cmd) => INSTRUMENTS[cmd] || cmd;

/* Parameters that say how an answer is drawn or asked, not what was simulated. */
const PRESENTATION = new Set(['track', 'width', 'format', 'window']);

/* A command's parameters in the student's words: "Number of models (N) 200 models; ...". */
export function paramsText(cmd, params) {
  return Object.entries(params || {}).filter(([k]) => !PRESENTATION.has(k)).map(([k, v]) => {
    const p = param(cmd, k);
    const label = LABELS[k] || (p && p.help) || k.replace(/_/g, ' ');
    if (!p || typeof v === 'boolean') return `${label} ${v}`;
    if (p.type === 'choice' || Number.isNaN(Number(v))) return `${label}: ${choiceLabel(v)}`;
    return `${label} ${displayValue(p, sliderShape(p), Number(v))}`;
  }).join('; ');
}
export const HINTS = {
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

/* ------------------------------------------------------------------ controls */

/* A slider maps a position 0..STEPS to a value on a linear, log or log(1 - v) scale. */
export const STEPS = 1000;
export function sliderShape(p) {
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
export function niceStep(x) {
  const e = 10 ** Math.floor(Math.log10(x));
  const m = x / e;
  return (m < 2 ? 1 : m < 5 ? 2 : 5) * e;
}
export function roundSig(v, sig) {
  if (v === 0) return 0;
  const d = sig - 1 - Math.floor(Math.log10(Math.abs(v)));
  const f = 10 ** d;
  return Math.round(v * f) / f;
}
export function posToValue(sh, pos) {
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
export function valueToPos(sh, v) {
  let t;
  if (sh.scale === 'log') t = (Math.log(v) - Math.log(sh.lo)) / (Math.log(sh.hi) - Math.log(sh.lo));
  else if (sh.scale === 'clog') t = (Math.log(1 - v) - Math.log(1 - sh.lo)) / (Math.log(1 - sh.hi) - Math.log(1 - sh.lo));
  else t = (v - sh.lo) / (sh.hi - sh.lo);
  if (!Number.isFinite(t)) t = 0;
  return Math.round(Math.min(1, Math.max(0, t)) * STEPS);
}
export function displayValue(p, sh, v) {
  if (typeof v !== 'number') return '—';
  if (sh.pct) return fmtPct(v) + (sh.oneIn ? oneIn(v) : '');
  const u = unitText(p.unit, v);
  if (p.unit === 'usd') return fmtUsd(v);
  return `${sh.int ? fmtNum(v) : fmtSig(v, 4)}${u ? ' ' + u : ''}`;
}
export function unitText(unit, v) {
  const map = {
    usd_per_hour: '$/h', hours: 'h', requests_per_s: 'requests/s', per_s: '/s', years: v === 1 ? 'year' : 'years',
    engineers: v === 1 ? 'engineer' : 'engineers', models: v === 1 ? 'model' : 'models', weeks: 'weeks',
    fraction: '', count: '', seed: '',
  };
  return unit in map ? map[unit] : (unit || '').replace(/_/g, ' ');
}

/* A labelled control for one schema parameter: a slider with an exact-value box, or a
 * number box (`box`), or a radio group for a choice. */
export function control(part, cmd, name, opts = {}) {
  const p = param(cmd, name);
  if (!p) return null;
  const id = `p-${part}-${cmd}-${name}`;
  const label = opts.label || LABELS[name] || p.label || name.replace(/_/g, ' ');
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
export function paramValueOf(wrap) {
  return wrap.__get ? wrap.__get() : undefined;
}
export function syncControls(root) {
  for (const c of root.querySelectorAll('.control')) if (c.__sync && c.__get) c.__sync(c.__get());
}
