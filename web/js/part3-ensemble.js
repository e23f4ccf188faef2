/* part3-ensemble.js: Part 3, the Ensemble Lockdown: the upstream version selector and the
 * downstream retrain toggle, the Feature Store Consistency Check, the Ensemble Trace, and the
 * governance policy (a simulated year under it, recorded with its justification). */
import { control } from './controls.js';
import { $, h, memo, setText } from './dom.js';
import { choiceLabel, clock, fmtFixed, fmtNum, fmtPct, fmtSig, yesNo } from './format.js';
import { load, setNote, write } from './net.js';
import { capture, reflectBox, saveReflection } from './parts.js';
import { busyWith, decisionOf, entries, has, noteOf, param, query, reflectionText, result, store, view } from './store.js';
import { banner, busy, errorNote, gridTable, instrument, kvTable, scrollBox, statCards, syncCaptures } from './widgets.js';

/* Asked only after the Part 3 lock (parts.js refreshPart); governance once a policy is chosen. */
export function refreshEnsemble() {
  if (has('ensemble')) load('ensemble', 'ensemble', query('ensemble', 'ensemble'), { ifChanged: true });
  const policy = view().ensemble.policy || (decisionOf() && decisionOf().body.policy);
  if (policy && has('governance')) load('governance', 'governance', query('ensemble', 'governance', { policy }), { ifChanged: true });
}


export function choosePolicy(policy) {
  store.update(() => {
    view().ensemble.policy = policy;
  });
  refreshEnsemble();
}
/* The governance decision: the chosen policy with the Part 3 reflection as its justification. */
export async function recordDecision() {
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


export function ensembleSelectors() {
  return h('div', { class: 'controls selectors' },
    control('ensemble', 'ensemble', 'upstream'),
    control('ensemble', 'ensemble', 'retrain'));
}
/* A reflection: saved as a new revision when the student pauses typing, on Save, and before
 * the page goes away; every revision is kept in the ledger. */

export const viewName = (v) => (v && typeof v === 'object' ? `${v.name ?? '—'}@v${v.version ?? '?'}` : '—');
export const shortHash = (x) => (typeof x === 'string' ? x.slice(0, 8) : '—');
export function syncEnsemble(el, out) {
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
        ['System accuracy now', fmtPct(d.accuracy, 1), d.silent_failure ? 'bad' : 'key'],
        ['Baseline (v1 served, trained on v1)', fmtPct(d.baseline_accuracy, 1)],
        ['Retrained on v2', fmtPct(d.retrained_accuracy, 1)],
        ['Requests served / errors raised', `${fmtNum(d.requests_served)} / ${fmtNum(d.errors_raised)}`],
      ]),
      d.silent_failure === true
        ? banner('fail', `Silent failure: accuracy fell from ${fmtPct(d.baseline_accuracy, 1)} to ${fmtPct(d.accuracy, 1)} while ${fmtNum(d.errors_raised)} errors were raised. Every request was answered; nothing alerted.`)
        : banner('ok', `No silent failure in this configuration (accuracy ${fmtPct(d.accuracy, 1)}).`),
      h('h4', { text: 'Feature Store Consistency Check' }),
      h('p', { class: 'summary' }, h('strong', { text: `Check: ${verdict}. ` }),
        `Version contract: ${d.contract_ok === undefined ? '—' : d.contract_ok ? 'the served view is the one the classifier was trained on' : 'BROKEN: the classifier is served a view it was not trained on'}. ` +
        `Skew flagged: ${yesNo(skew.flagged)}${typeof skew.flagged_features === 'number' ? ` (${skew.flagged_features} of ${feats.length} features)` : ''}.`),
      Array.isArray(d.reasons) && d.reasons.length ? h('ul', { class: 'reasons' }, d.reasons.map((r) => h('li', { text: r }))) : null,
      h('div', { class: 'contract' }, scrollBox(`The view the ${story.downstream || 'classifier'} was trained on vs the view it is served`, '', h('table', { class: 'grid' },
        h('caption', { text: `The view the ${story.downstream || 'classifier'} was trained on vs the view it is served` }),
        h('thead', {}, h('tr', {}, ['', 'Trained on', 'Served'].map((t) => h('th', { scope: 'col', text: t })))),
        h('tbody', {}, [
          ['View', viewName(tv), viewName(sv)],
          ['Schema hash', shortHash(tv.schema_hash), shortHash(sv.schema_hash)],
          ['Producer', tv.producer ?? '—', sv.producer ?? '—'],
          ['Normalisation', tv.normalisation ?? '—', sv.normalisation ?? '—'],
          ['Feature basis', tv.basis ?? '—', sv.basis ?? '—'],
        ].map(([k, a, b]) => h('tr', { class: a !== b ? 'differs' : null }, h('th', { scope: 'row', text: k }), h('td', {}, breakable(a)), h('td', {}, breakable(b)))))))),
      gridTable('Served vs training statistics per feature (flagged at PSI, JS or L∞ ≥ 0.1)', [
        { key: 'name', label: 'Feature', fmt: (v) => v ?? '—' },
        { key: 'psi', label: 'PSI', fmt: (v) => fmtSig(v, 3) },
        { key: 'js_distance', label: 'Jensen-Shannon', fmt: (v) => fmtSig(v, 3) },
        { key: 'linf', label: 'L∞', fmt: (v) => fmtSig(v, 3) },
        { key: 'trained_mean', label: 'Mean (trained)', fmt: (v) => fmtFixed(v) },
        { key: 'served_mean', label: 'Mean (served)', fmt: (v) => fmtFixed(v) },
        { key: 'trained_variance', label: 'Variance (trained)', fmt: (v) => fmtFixed(v) },
        { key: 'served_variance', label: 'Variance (served)', fmt: (v) => fmtFixed(v) },
        { key: 'flagged', label: 'Flagged', fmt: (v) => yesNo(v) },
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

/* A long identifier (prompt_embedding@v1, z-score (upstream fit)) may break after _ @ / - or
 * before ( on a narrow screen, so the trained and served columns sit side by side on a phone;
 * <wbr> leaves the text as it is. */
function breakable(text) {
  return String(text).split(/(?<=[_@/-])|(?=\()/).flatMap((piece, i) => (i ? [h('wbr'), piece] : [piece]));
}

export function governanceBox(p) {
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
export function syncGovernance(el) {
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
      ['Weeks in silent failure', 'silent_failure_weeks', (v) => fmtNum(v)], ['Incidents', 'incidents', (v) => fmtNum(v)],
      ['Mean accuracy', 'mean_accuracy', (v) => fmtPct(v, 1)], ['Upgrade delay', 'upgrade_delay_days', (v) => (typeof v === 'number' ? `${fmtNum(v, 1)} days` : '—')],
      ['Retrains', 'retrains', (v) => fmtNum(v)], ['Upgrades still pending', 'pending_upgrades', (v) => fmtNum(v)],
    ];
    const releases = Array.isArray(d.releases) ? d.releases : [];
    return [errorNote(res),
      silent ? banner('fail', `${fmtNum(d.silent_failure_weeks)} week${d.silent_failure_weeks === 1 ? '' : 's'} of silent failure in a year under ${name}.`)
        : banner('ok', `No week in silent failure under ${name}.`),
      instrument(res, `A simulated year under ${name}`, [
        scrollBox(`${fmtNum(d.weeks)} weeks, an upstream release every ${fmtNum(d.release_every_weeks)} weeks`, '', h('table', { class: 'grid' }, h('caption', { text: `${fmtNum(d.weeks)} weeks, an upstream release every ${fmtNum(d.release_every_weeks)} weeks` }),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: '' }), h('th', { scope: 'col', text: name }),
            other.policy ? h('th', { scope: 'col', text: choiceLabel(other.policy) }) : null)),
          h('tbody', {}, rows.filter(([, k]) => d[k] !== undefined).map(([label, k, fmt]) => h('tr', {},
            h('th', { scope: 'row', text: label }), h('td', { text: fmt(d[k]) }),
            other.policy ? h('td', { text: fmt(other[k]) }) : null))))),
        /* each release of the year shifts the features by its own amount around the mean severity,
         * so its accuracies differ from the Ensemble Trace's v2 at the severity on its slider */
        releases.length ? gridTable(`Upstream releases of the year (each shifts the features by its own amount around the mean shift of ${fmtNum(d.severity, 2)}; the Ensemble Trace above shows v2 at its slider's shift)`, [
          { key: 'week', label: 'Week', fmt: (x) => fmtNum(x) },
          { key: 'version', label: 'Version', fmt: (x) => (x === undefined ? '—' : `v${x}`) },
          { key: 'severity', label: 'Feature shift (severity)', fmt: (x) => (typeof x === 'number' ? fmtNum(x, 2) : '—') },
          { key: 'accuracy_unretrained', label: 'Accuracy, not retrained', fmt: (x) => fmtPct(x, 1) },
          { key: 'accuracy_retrained', label: 'Accuracy, retrained', fmt: (x) => fmtPct(x, 1) },
          { key: 'strict_adopted_day', label: 'Adopted under strict (day)', fmt: (x) => (typeof x === 'number' ? `day ${fmtNum(x)}` : 'not adopted') },
        ], releases) : null,
      ], { wide: true, capture: { part: 'ensemble', cmd: 'governance', ch: 'governance' } })];
  });
  syncCaptures(el);
}
