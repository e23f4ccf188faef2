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
export function yesNo(v) {
  return v === true ? 'yes' : v === false ? 'no' : '—';
}
/* Whole numbers of four digits or more in an engine sentence get their thousands separators
 * ("2995 requests" reads "2,995 requests"); decimals and numbers already separated are left. */
export function withSeparators(text) {
  return String(text ?? '').replace(/(?<![\d.,])\d{4,}(?![\d]|[.,]\d)/g, (m) => fmtNum(Number(m)));
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
