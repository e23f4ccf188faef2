/* format.js: how numbers read on screen: thousands separators, fractions as percents, hours
 * (with days past 48 h), dollars, times of day, and the words for the engine's choice values. */

/* ------------------------------------------------------------------ formatting */

export const NF = {};
export function nf(opts) {
  const k = JSON.stringify(opts);
  return NF[k] || (NF[k] = new Intl.NumberFormat('en-US', opts));
}
export function fmtNum(v, digits = 0) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  return nf({ maximumFractionDigits: digits }).format(v);
}
export function fmtSig(v, sig = 3) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  if (Math.abs(v) >= 10 ** sig) return fmtNum(v, 0);
  return nf({ maximumSignificantDigits: sig }).format(v);
}
export function fmtPct(v, digits) {
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
export function fmtUsd(v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  return (v < 0 ? '−$' : '$') + fmtNum(Math.abs(v), 0);
}
export function fmtHours(v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  if (v > 0 && v < 1 / 60) return `${fmtSig(v * 3600, 3)} s`;
  if (v > 0 && v < 1) return `${fmtSig(v * 60, 3)} min`;
  const hStr = fmtSig(v, v >= 100 ? 4 : 3) + ' h';
  if (v >= 48) return `${hStr} (${fmtSig(v / 24, 3)} days)`;
  return hStr;
}
export const UNIT_SUFFIX = [
  [/_usd$/, '', 'usd'], [/_usd_per_hour$/, '$/h', null], [/_hours$/, 'h', null], [/_ms$/, 'ms', null],
  [/_minutes$/, 'min', null], [/_days$/, 'days', null], [/_weeks$/, 'weeks', null],
  [/_per_s$/, '/s', null], [/_years$/, 'years', null],
];
export const PCT_KEY = /(^|_)(share|fraction|precision|recall|accuracy|confidence|alpha|beta|p0|p1|miss_rate|failure_rate|achieved_confidence|error_rate|quantile)$/;
export const KEY_LABELS = {
  cusum: 'CUSUM', psi: 'PSI', linf: 'L∞', js_distance: 'Jensen-Shannon distance', llr: 'Log-likelihood ratio',
  p50_ms: 'p50 (ms)', p99_ms: 'p99 (ms)', p999_ms: 'p99.9 (ms)', fps_before: 'FPS before', fps_after: 'FPS after',
  true_drop_fps: 'True drop (FPS)', min_drop_fps: 'Smallest drop that matters (FPS)', aggregate_fps_before: 'Aggregate FPS before',
  aggregate_true_drop_fps: 'Aggregate true drop (FPS)', loop_hz: 'Safety loop (Hz)', fleet_p99_ms: 'Fleet p99 (ms)',
  gate_p_value: 'Gate p-value', false_alert_reduction: 'False alerts cut by (×)', mean_detection_delay_minutes: 'Mean detection delay (min)',
  drifts_detected: 'Drifts caught', detected_hours: 'Detected after (h)', alpha: 'False alarm rate α', gate_quantile: 'Gate quantile', psi: 'PSI',
  fleetwide_check_detected: 'Fleet-wide p99 check detected', oldest_generation_serving: 'Oldest-generation vehicles serving',
};
export function humanize(key) {
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
export function fmtKey(key, v) {
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
export function oneIn(v) {
  return v > 0 && v < 0.02 ? ` (1 in ${fmtNum(Math.round(1 / v))})` : '';
}

export const CHOICE_LABELS = {
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

export function choiceLabel(v) {
  return CHOICE_LABELS[v] || String(v);
}

export function clock(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

export function fmtFixed(v, digits = 2) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  return nf({ minimumFractionDigits: digits, maximumFractionDigits: digits }).format(Math.abs(v) < 0.5 * 10 ** -digits ? 0 : v);
}
