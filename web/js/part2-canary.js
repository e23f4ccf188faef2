/* part2-canary.js: Part 2, the Canary Duration. Everything Part 2 shows lives here: the
 * Confidence Clock and the Risk-vs-Velocity Radar (canary), the 10-Iteration Rule (its tries go
 * to the ledger), sequential validation (sprt) and the ShadowModeDashboard (rollout).
 *
 * ONE parameter set: the three instruments read the same Part 2 parameters, kept in the view by
 * name (store.paramSet maps sprt and rollout to the canary's set). Each command is sent only the
 * names its schema declares (store.query), so the SPRT follows the failure rate, confidence and
 * request rate as soon as its schema has them. The hypotheses the SPRT and the dashboard test
 * (p0, p1, alpha, beta) are shown as the response states them, never computed here. One
 * debounced refresh after any slider move asks every instrument whose parameters changed; a
 * channel's older answer never overwrites a newer one (net.js load). */
import { $, h, memo, setText, svgEl } from './dom.js';
import { fmtHours, fmtNum, fmtPct, fmtSig, oneIn } from './format.js';
import { load, net, setNote, write } from './net.js';
import { capture } from './parts.js';
import { attemptsOf, busyWith, command, has, MAX_ATTEMPTS, noteOf, param, paramValue, query, RELEASE_LIMIT_HOURS, result, store, view, withoutTrack } from './store.js';
import { banner, busy, errorNote, gridTable, instrument, kvTable, statCards } from './widgets.js';

export const PART2_COMMANDS = ['canary', 'sprt', 'rollout'];

/* Until the engine's sprt and rollout derive their hypotheses from the Part 2 parameters, an
 * engine whose schema still asks for p0/p1/beta is sent them by the engine's own rule (p1 = the
 * failure rate, p0 = half of it, beta = 1 - confidence), so every instrument tests the same
 * hypothesis either way; once the schema drops them, nothing is added here. */
function legacyHypotheses(cmd) {
  const out = {};
  const rate = paramValue('canary', 'canary', 'failure_rate');
  const conf = paramValue('canary', 'canary', 'confidence');
  if (param(cmd, 'failure_rate') && param(cmd, 'confidence') && !param(cmd, 'p0')) return out;
  if (typeof rate === 'number') {
    if (param(cmd, 'p1')) out.p1 = rate;
    if (param(cmd, 'p0')) out.p0 = rate / 2;
  }
  if (typeof conf === 'number' && param(cmd, 'beta')) out.beta = +(1 - conf).toPrecision(12);
  return out;
}

/* The Part 2 parameters every instrument shares: the canary's (its sliders and "More
 * parameters"), valued as the canary is (the student's, else the track's preset, else the
 * default), sent to each command whose schema has the name. */
const NOT_SHARED = new Set(['track', 'attempt_hours', 'attempt_number', 'predict', 'figure']);
export function sharedParams(cmd) {
  const c = command('canary');
  const out = {};
  if (!c) return out;
  for (const p of c.params) {
    if (NOT_SHARED.has(p.name) || !param(cmd, p.name)) continue;
    const v = paramValue('canary', 'canary', p.name);
    if (v !== undefined) out[p.name] = v;
  }
  return out;
}
function outOfRange(cmd, params) {
  for (const [k, v] of Object.entries(params)) {
    const p = param(cmd, k);
    if (!p || typeof v !== 'number') continue;
    if ((typeof p.min === 'number' && (v < p.min || (p.min_exclusive && v === p.min))) ||
        (typeof p.max === 'number' && (v > p.max || (p.max_exclusive && v === p.max)))) return p;
  }
  return null;
}
/* Asked only after the Part 2 lock (parts.js refreshPart). */
export function refreshCanary() {
  for (const cmd of PART2_COMMANDS) {
    if (!has(cmd)) continue;
    const params = cmd === 'canary' ? query('canary', cmd) : query('canary', cmd, { ...sharedParams(cmd), ...legacyHypotheses(cmd) });
    /* a shared value outside this instrument's range: said here, not asked (no refused request) */
    const bad = outOfRange(cmd, params);
    if (bad) {
      net.chans[cmd] = Object.assign(net.chans[cmd] || { seq: 0, ctrl: null }, { key: null });
      if (net.chans[cmd].ctrl) net.chans[cmd].ctrl.abort();
      net.chans[cmd].seq++;
      store.update((st) => {
        st.server.results[cmd] = { status: 'error', seq: net.chans[cmd].seq, params, data: null, svg: null, alt: '',
          error: { status: 0, message: '', body: { error: 'this instrument cannot be run at this value', param: bad.name, value: String(params[bad.name]), allowed: bad.allowed || 'a value in its range' } } };
      });
      continue;
    }
    load(cmd, cmd, params, { ifChanged: true });
  }
}

/* The 10-Iteration Rule's state, from the ledger: the tries, the first that satisfies both
 * constraints, and whether the rule is spent (solved, or all ten used). A spent rule sends
 * nothing: the button is disabled and tryAttempt returns. */
export function iterationState() {
  const list = attemptsOf();
  const at = list.map((e) => Object.assign({ target: Number(e.body && e.body.params && e.body.params.confidence) }, (e.body && e.body.attempt) || {}));
  const solved = at.findIndex((a) => a.safety_ok === true && a.release_ok === true);
  return { list, at, n: at.length, solved, spent: solved >= 0 || at.length >= MAX_ATTEMPTS };
}
export async function tryAttempt(hours) {
  if (busyWith('attempt') || iterationState().spent) return;
  /* the sliders' values go with the try, so the ledger (and the report) know its target */
  const sliders = Object.fromEntries(['confidence', 'failure_rate', 'request_rate_per_s'].map((n) => [n, paramValue('canary', 'canary', n)]));
  const params = withoutTrack(query('canary', 'canary', { ...sliders, attempt_hours: hours }));
  const r = await write('attempt', (lg) => lg.attempt(params));
  if (r) {
    store.update((st) => {
      view().canary.attemptDraft = '';
      setNote(st, 'attempt', 'ok', `Attempt ${r.count} recorded; ${r.attempts_left} left.`);
    });
  }
}


export function syncCanary(el, out) {
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
            { key: 'value', label: 'Value', fmt: (v, r) => radarValue(v, r.unit) },
            { key: 'score', label: 'Score', fmt: (v) => fmtSig(v, 2) },
          ], radarAxes(d.radar)))),
    ];
  });
  syncIteration(el);
  syncSprt(el);
  syncRollout(el);
}
/* A radar axis's value with its unit, in words: fractions as percents. */
function radarValue(v, unit) {
  if (typeof v !== 'number') return '—';
  if (unit === 'fraction') return fmtPct(v);
  if (unit === 'accuracy_fraction') return `${fmtPct(v)} of accuracy`;
  if (unit === 'hours') return fmtHours(v);
  if (unit === 'requests') return `${fmtNum(v)} requests`;
  if (unit === 'releases_per_month') return `${fmtSig(v, 3)} releases a month`;
  return `${fmtSig(v, 3)}${unit ? ' ' + String(unit).replace(/_/g, ' ') : ''}`;
}
export function radarAxes(radar) {
  if (!radar) return [];
  if (Array.isArray(radar)) return radar.map((a, i) => Object.assign({}, a, { name: a.label ?? a.name ?? a.axis ?? `axis ${i + 1}` }));
  if (typeof radar === 'object') {
    if (Array.isArray(radar.axes)) return radarAxes(radar.axes);
    return Object.entries(radar).filter(([, v]) => v && typeof v === 'object').map(([k, v]) => Object.assign({}, v, { name: v.label ?? k.replace(/_/g, ' ') }));
  }
  return [];
}
export function radarFigure(radar) {
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
  const rings = [0.25, 0.5, 0.75, 1].map((f) => svgEl('polygon', {
    class: 'radar-ring', points: axes.map((_, i) => pt(i, R * f).join(',')).join(' '),
  }));
  const spokes = axes.map((_, i) => svgEl('line', { class: 'radar-spoke', x1: cx, y1: cy, x2: pt(i, R)[0], y2: pt(i, R)[1] }));
  const score = (a) => Math.min(1, Math.max(0, typeof a.score === 'number' ? a.score : 0));
  const poly = svgEl('polygon', { class: 'radar-area', points: axes.map((a, i) => pt(i, R * score(a)).join(',')).join(' ') });
  const dots = axes.map((a, i) => svgEl('circle', { class: 'radar-dot', cx: pt(i, R * score(a))[0], cy: pt(i, R * score(a))[1], r: 4 }));
  const labels = axes.map((a, i) => {
    const [x, y] = pt(i, R + 18);
    const anchor = Math.abs(x - cx) < 8 ? 'middle' : x > cx ? 'start' : 'end';
    return svgEl('text', { class: 'radar-label', x, y: y + (y > cy ? 10 : 0), 'text-anchor': anchor }, String(a.name), svgEl('tspan', { x, dy: 14, class: 'radar-sub' }, `score ${fmtSig(score(a), 2)}`));
  });
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Risk-vs-Velocity Radar: ' + axes.map((a) => `${a.name} ${fmtSig(score(a), 2)}`).join(', ') },
    svgEl('title', {}, 'Risk-vs-Velocity Radar'), rings, spokes, poly, dots, labels);
  return h('figure', { class: 'fig fig-radar' }, svg, h('figcaption', { text: 'Risk-vs-Velocity Radar: each axis scored 0 (worst) to 1 (best)' }));
}

/* The 10-Iteration Rule: every try goes to the ledger, which judges it with the canary
 * command and counts it; the eleventh is refused there, not here. */
export function iterationBox() {
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
/* One try's own verdict: which constraint holds, which fails and by how much (confidence
 * reached against the target, the release cycle against one week). The window that works is not
 * named here; the engine's sentence, which names it, is shown only once the rule is spent. */
function verdict(a) {
  const hours = (v) => `${fmtNum(v, 1)} h`;
  const target = Number.isFinite(a.target) ? a.target : null;
  const safety = a.safety_ok === true
    ? `Safety Lead: satisfied, ${fmtPct(a.achieved_confidence)} confidence${target !== null ? ` reaches the ${fmtPct(target)} target` : ''}.`
    : `Safety Lead: not satisfied, ${fmtPct(a.achieved_confidence)} confidence${target !== null ? ` is short of the ${fmtPct(target)} target` : ''}.`;
  const cycle = a.release_cycle_hours;
  const release = typeof cycle !== 'number' ? `Release: ${a.release_ok ? 'within a week' : 'over a week'}.`
    : a.release_ok === true ? `Release: within a week, a ${hours(cycle)} cycle (limit ${RELEASE_LIMIT_HOURS} h).`
      : `Release: over a week, a ${hours(cycle)} cycle is ${hours(cycle - RELEASE_LIMIT_HOURS)} over the ${RELEASE_LIMIT_HOURS} h limit.`;
  const next = a.safety_ok && a.release_ok ? 'Both constraints hold.'
    : !a.safety_ok && !a.release_ok ? 'No window this long can satisfy both: change a slider.'
      : !a.safety_ok ? 'Try a longer window.' : 'Try a shorter window.';
  return { safety, release, next };
}
export function syncIteration(el) {
  const { list, at, n, solved, spent } = iterationState();
  setText($('#attempt-counter', el), `Attempts used: ${n} of ${MAX_ATTEMPTS}` +
    (solved >= 0 ? ` · solved at attempt ${solved + 1} (${fmtHours(at[solved].hours)})` : n >= MAX_ATTEMPTS ? ' · out of tries' : ''));
  const btn = $('#attempt-submit', el);
  if (btn) {
    btn.disabled = busyWith('attempt') || spent;
    setText(btn, busyWith('attempt') ? 'Judging…' : solved >= 0 ? 'Solved' : n >= MAX_ATTEMPTS ? 'No tries left' : `Try it (attempt ${n + 1} of ${MAX_ATTEMPTS})`);
  }
  const input = $('#attempt-hours', el);
  if (input) input.disabled = spent;
  const note = noteOf('attempt');
  const refused = $('#attempt-refused', el);
  if (refused) {
    refused.hidden = !note || note.kind === 'ok';
    if (note && note.kind === 'refused') setText(refused, `All ${MAX_ATTEMPTS} tries are used: the 10-Iteration Rule allows no more. Write what you learned in the reflection.`);
    else if (note) setText(refused, `The attempt was not recorded: ${note.text}`);
  }
  memo($('#attempt-list', el), [list.length && list[list.length - 1].id, n], () => at.map((a, i) => {
    const v = verdict(a);
    const last = spent && i === n - 1;
    return h('li', { class: a.safety_ok && a.release_ok ? 'ok' : 'no' },
      h('strong', { text: `Attempt ${i + 1}: ${fmtHours(a.hours)} of shadow mode. ` }),
      h('span', { class: a.safety_ok ? 'verdict ok' : 'verdict no', text: v.safety }), ' ',
      h('span', { class: a.release_ok ? 'verdict ok' : 'verdict no', text: v.release }), ' ',
      h('span', { class: 'advice', text: v.next }),
      last && a.message ? h('p', { class: 'advice window', text: a.message }) : null);
  }));
}

export function sprtBox() {
  if (!has('sprt')) {
    return h('div', { class: 'subpanel', id: 'sprt' }, h('h3', { text: 'Sequential validation (SPRT vs fixed n)' }),
      h('p', { text: 'Wald’s sequential probability ratio test stops as soon as the evidence is strong enough, instead of waiting for a fixed number of requests.' }),
      h('p', { class: 'not-built', text: '(this part’s model is not built yet)' }));
  }
  return h('div', { class: 'subpanel', id: 'sprt' },
    h('h3', { text: 'Sequential validation: SPRT vs a fixed n' }),
    h('p', { class: 'muted', text: 'Jeff Dean’s 3-month window: a sequential test watches failures as they come and stops as soon as the evidence is strong enough. It tests the hypotheses below, set from your sliders above.' }),
    h('div', { class: 'sprt-result', id: 'sprt-result', 'aria-live': 'polite' }));
}
/* The hypotheses a response says it tested: p0 (acceptable), p1 (regressed), alpha, beta, and the
 * rule that derived them (`hypotheses_rule`) when the engine states one. */
export function hypothesesOf(d) {
  return {
    p0: d.p0, p1: d.p1, alpha: d.alpha, beta: d.beta,
    rule: typeof d.hypotheses_rule === 'string' ? d.hypotheses_rule : null,
  };
}
function hypothesesTable(d) {
  const hy = hypothesesOf(d);
  const rate = (v) => (typeof v === 'number' ? fmtPct(v) + oneIn(v) : '—');
  return [
    kvTable('The two hypotheses tested', [
      ['Acceptable failure rate (H0: a good model)', rate(hy.p0)],
      ['Regressed failure rate (H1: a bad model)', rate(hy.p1)],
      ['Chance of rolling back a good model (α)', fmtPct(hy.alpha)],
      ['Chance of missing a bad model (β)', fmtPct(hy.beta)],
    ]),
    hy.rule ? h('p', { class: 'help hypotheses-rule', text: hy.rule }) : null,
  ];
}
export function syncSprt(el) {
  const out = $('#sprt-result', el);
  if (!out) return;
  const res = result('sprt');
  out.setAttribute('aria-busy', String(busy(res)));
  memo(out, [res && res.data, res && res.svg, res && res.status === 'error'], () => {
    if (!res || !res.data) return res && res.status === 'error' ? errorNote(res) : h('p', { class: 'muted', text: 'Computing…' });
    const d = res.data;
    const requests = (v) => (typeof v === 'number' && Number.isFinite(v) ? `${fmtNum(v)} requests` : 'not computed');
    const table = [
      ...hypothesesTable(d),
      kvTable('SPRT vs a fixed number of requests', [
        ['Expected requests with a good model (SPRT)', requests(d.exact_asn_h0 ?? d.asn_h0)],
        ['Expected requests with a bad model (SPRT)', requests(d.exact_asn_h1 ?? d.asn_h1)],
        ['Good models rolled back (SPRT)', fmtPct(d.exact_alpha)],
        ['Bad models missed (SPRT)', fmtPct(d.exact_beta)],
        ['Fixed-n test, same α and β', requests(d.fixed_n), 'key'],
        ['SPRT saves with a good model', typeof d.savings_h0 === 'number' ? fmtPct(d.savings_h0) : '—'],
      ]),
      gridTable('Operating characteristic: how the test treats each true failure rate', [
        { key: 'p', label: 'True failure rate', fmt: (v) => fmtPct(v) },
        { key: 'accept_h0', label: 'Chance the model is kept', fmt: (v) => fmtPct(v) },
        { key: 'asn', label: 'Expected requests', fmt: (v) => fmtNum(v) },
      ], Array.isArray(d.oc_curve) ? d.oc_curve : [], { tall: true }),
    ];
    return [errorNote(res), command('sprt').figure
      ? instrument(res, 'Sequential validation', table, { capture: { part: 'canary', cmd: 'sprt', ch: 'sprt' } })
      : h('div', { class: 'table-view' }, table)];
  });
}

export function rolloutBox() {
  if (!has('rollout')) {
    return h('div', { class: 'subpanel', id: 'rollout' }, h('h3', { text: 'ShadowModeDashboard' }),
      h('p', { text: 'A staged rollout replayed: shadow, 1%, 5%, 25%, 100%, each with its confidence and decision.' }),
      h('p', { class: 'not-built', text: '(this part’s model is not built yet)' }));
  }
  return h('div', { class: 'subpanel', id: 'rollout' },
    h('h3', { text: 'ShadowModeDashboard: a staged rollout' }),
    h('p', { class: 'muted', text: 'Your fleet’s new model replayed stage by stage with your failure rate, confidence and request rate.' }),
    h('div', { class: 'rollout-result', id: 'rollout-result', 'aria-live': 'polite' }));
}
const cap = (x) => (typeof x === 'string' && x ? x.charAt(0).toUpperCase() + x.slice(1) : '—');
export function syncRollout(el) {
  const out = $('#rollout-result', el);
  if (!out) return;
  const res = result('rollout');
  out.setAttribute('aria-busy', String(busy(res)));
  memo(out, [res && res.data, res && res.svg, res && res.status === 'error'], () => {
    if (!res || !res.data) return res && res.status === 'error' ? errorNote(res) : h('p', { class: 'muted', text: 'Replaying the rollout…' });
    const d = res.data;
    const stages = Array.isArray(d.stages) ? d.stages : [];
    return [errorNote(res),
      h('p', { class: 'summary' }, h('strong', { text: `Decision: ${cap(d.decision)}. ` }), d.reason ?? '—'),
      instrument(res, 'ShadowModeDashboard', [
        gridTable('The rollout, stage by stage', [
          { key: 'stage', label: 'Stage', fmt: (v, r) => `${cap(v)}${r.hold ? ` (held ${fmtNum(r.hold)}×)` : ''}` },
          { key: 'traffic_fraction', label: 'Traffic share', fmt: (v) => fmtPct(v) },
          { key: 'start_hours', label: 'Hours', fmt: (v, r) => `${fmtNum(v, 1)} to ${fmtNum(r.end_hours, 1)} h` },
          { key: 'running_confidence', label: 'Confidence', fmt: (v) => fmtPct(v) },
          { key: 'decision', label: 'Decision', fmt: (v) => cap(v) },
        ], stages),
        ...hypothesesTable(d),
      ], { capture: { part: 'canary', cmd: 'rollout', ch: 'rollout' } })];
  });
}
