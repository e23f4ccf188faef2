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
import { banner, busy, errorNote, gridTable, instrument, kvTable, scrollBox, statCards } from './widgets.js';

export const PART2_COMMANDS = ['canary', 'sprt', 'rollout'];

/* The Part 2 parameters every instrument shares: the canary's (its sliders and "More
 * parameters"), valued as the canary is (the student's, else the track's preset, else the
 * default), sent to each command whose schema has the name. */
const NOT_SHARED = new Set(['track', 'attempt_hours', 'attempt_number', 'predict', 'figure', 'window']);
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
/* While the 10-Iteration Rule is open (locked, not solved, fewer than ten tries) the canary and
 * the SPRT (whose demonstration is the canary's) are asked with window=hidden: no hour figure the
 * window's lower bound can be read from. Once the rule is spent, window=shown. */
export function windowOpen() {
  return !iterationState().spent;
}
function windowExtra(cmd) {
  return param(cmd, 'window') ? { window: windowOpen() ? 'hidden' : 'shown' } : {};
}
/* The ShadowModeDashboard replays the student's window: the last try's hours, when there is one. */
function replayExtra(cmd) {
  const { at, n } = iterationState();
  const last = n ? Number(at[n - 1].hours) : NaN;
  return param(cmd, 'attempt_hours') && Number.isFinite(last) && last > 0 ? { attempt_hours: last } : {};
}
/* Asked only after the Part 2 lock (parts.js refreshPart). */
export function refreshCanary() {
  for (const cmd of PART2_COMMANDS) {
    if (!has(cmd)) continue;
    const params = cmd === 'canary' ? query('canary', cmd, windowExtra(cmd))
      : query('canary', cmd, { ...sharedParams(cmd), ...windowExtra(cmd), ...replayExtra(cmd) });
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
  const at = list.map((e) => Object.assign({ target: e.body && e.body.params && e.body.params.confidence !== undefined ? Number(e.body.params.confidence) : NaN }, (e.body && e.body.attempt) || {}));
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
    /* the dashboard replays the new window; a spent rule shows the canary's hours */
    refreshCanary();
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
    const hidden = d.window === 'hidden' || typeof cycle !== 'number';
    const fails = d.meets_release_limit === false || (typeof cycle === 'number' && cycle > RELEASE_LIMIT_HOURS);
    const curve = Array.isArray(d.confidence_curve) ? d.confidence_curve : [];
    return [
      errorNote(res),
      statCards(hidden ? [
        ['Requests needed (exact)', fmtNum(d.requests_needed), 'key'],
        ['Rule of three (approximation)', fmtNum(d.rule_of_three_requests)],
      ] : [
        ['Requests needed (exact)', fmtNum(d.requests_needed), 'key'],
        ['Rule of three (approximation)', fmtNum(d.rule_of_three_requests)],
        ['Shadow duration', fmtHours(d.shadow_hours)],
        ['Release cycle', fmtHours(cycle), fails ? 'bad' : 'good'],
      ]),
      hidden
        ? h('p', { class: 'banner window-sealed', text: 'How many hours of shadow mode this takes, and the release cycle it makes, are yours to find with the 10-Iteration Rule below; they are shown once you succeed or use your ten tries.' })
        : fails
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
/* The radar is laid out for a phone's figure width (340 px, shown 1:1 or larger, so its 13 px
 * labels never shrink): each axis name wraps by words to the room beside its spoke (at most
 * RADAR_CHAR px a character, a bold 13 px glyph's width with margin), the height follows from
 * the label blocks above and below the rings. */
const RADAR_CHAR = 8.5;
const RADAR_LH = 14;
function wrapWords(text, maxChars) {
  const lines = [];
  for (const w of String(text).split(/\s+/).filter(Boolean)) {
    const last = lines.length ? lines[lines.length - 1] : null;
    if (last !== null && last.length + 1 + w.length <= maxChars) lines[lines.length - 1] = `${last} ${w}`;
    else lines.push(w);
  }
  return lines.length ? lines : [''];
}
export function radarFigure(radar) {
  const axes = radarAxes(radar);
  if (axes.length < 3) return h('div', { class: 'fig fig-empty', text: 'Risk-vs-Velocity Radar: —' });
  const W = 340;
  const R = 72;
  const GAP = 14; /* from the outer ring to its label */
  const cx = W / 2;
  const angle = (i) => -Math.PI / 2 + (2 * Math.PI * i) / axes.length;
  const score = (a) => Math.min(1, Math.max(0, typeof a.score === 'number' ? a.score : 0));
  /* each label: its lines, its anchor and where its block sits against its point */
  const blocks = axes.map((a, i) => {
    const c = Math.cos(angle(i));
    const sn = Math.sin(angle(i));
    const x = cx + (R + GAP) * c;
    const anchor = Math.abs(c) < 0.1 ? 'middle' : c > 0 ? 'start' : 'end';
    const room = anchor === 'middle' ? 2 * Math.min(x, W - x) - 8 : anchor === 'start' ? W - x - 4 : x - 4;
    const lines = wrapWords(a.name, Math.max(6, Math.floor(room / RADAR_CHAR)));
    const n = lines.length + 1; /* the name's lines and its score */
    const place = sn < -0.5 ? 'above' : sn > 0.5 ? 'below' : 'beside';
    return { a, i, x, c, sn, anchor, lines, n, place };
  });
  const above = Math.max(0, ...blocks.filter((b) => b.place === 'above').map((b) => b.n * RADAR_LH));
  const cy = 8 + above + GAP + R;
  const pt = (i, r) => [cx + r * Math.cos(angle(i)), cy + r * Math.sin(angle(i))];
  let bottom = cy + R;
  const labels = blocks.map((b) => {
    const y = cy + (R + GAP) * b.sn;
    /* the first line's baseline: a block above ends at its point, one below starts there, one
     * beside is centred on it */
    const first = b.place === 'above' ? y - (b.n - 1) * RADAR_LH - 3 : b.place === 'below' ? y + 11 : y - (b.n * RADAR_LH) / 2 + 10;
    bottom = Math.max(bottom, first + (b.n - 1) * RADAR_LH + 4);
    return svgEl('text', { class: 'radar-label', x: b.x, y: first, 'text-anchor': b.anchor },
      b.lines.map((l, k) => svgEl('tspan', { x: b.x, dy: k ? RADAR_LH : 0 }, l)),
      svgEl('tspan', { x: b.x, dy: RADAR_LH, class: 'radar-sub' }, `score ${fmtSig(score(b.a), 2)}`));
  });
  const H = Math.ceil(bottom + 8);
  const rings = [0.25, 0.5, 0.75, 1].map((f) => svgEl('polygon', {
    class: 'radar-ring', points: axes.map((_, i) => pt(i, R * f).join(',')).join(' '),
  }));
  const spokes = axes.map((_, i) => svgEl('line', { class: 'radar-spoke', x1: cx, y1: cy, x2: pt(i, R)[0], y2: pt(i, R)[1] }));
  const poly = svgEl('polygon', { class: 'radar-area', points: axes.map((a, i) => pt(i, R * score(a)).join(',')).join(' ') });
  const dots = axes.map((a, i) => svgEl('circle', { class: 'radar-dot', cx: pt(i, R * score(a))[0], cy: pt(i, R * score(a))[1], r: 4 }));
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
/* One try's own verdict, from the attempt the ledger kept: which constraint fails and by how
 * much (confidence reached against the target, the release cycle against one week). The window
 * that works is never named here; it comes only with the attempt's `window`, which the engine
 * states after a success or on the tenth try. */
/* hours: three significant digits under 100 h (9.98 h, not 10 h), one decimal above */
const hoursOf = (v) => `${Math.abs(v) < 100 ? fmtSig(v, 3) : fmtNum(v, 1)} h`;
/* a shortfall never reads "0 percentage points": small ones keep two significant digits */
const points = (v) => `${v * 100 >= 0.1 ? fmtNum(v * 100, 1) : fmtSig(v * 100, 2)} percentage points`;
/* a confidence short of its target never reads as the target: as many decimals as that takes */
function pctBelow(v, target) {
  for (let d = 0; d < 4; d++) {
    const text = fmtPct(v, d);
    if (parseFloat(text) / 100 < target) return text;
  }
  return fmtPct(v, 4);
}
function verdict(a) {
  const target = typeof a.target_confidence === 'number' ? a.target_confidence : Number.isFinite(a.target) ? a.target : null;
  const limit = typeof a.release_limit_hours === 'number' ? a.release_limit_hours : RELEASE_LIMIT_HOURS;
  const short = typeof a.confidence_shortfall === 'number' ? a.confidence_shortfall
    : target !== null && typeof a.achieved_confidence === 'number' ? Math.max(0, target - a.achieved_confidence) : null;
  const safety = a.safety_ok === true
    ? `Safety Lead: satisfied, ${fmtPct(a.achieved_confidence)} confidence${target !== null ? ` reaches the ${fmtPct(target)} target` : ''}.`
    : `Safety Lead: not satisfied, ${target !== null ? pctBelow(a.achieved_confidence, target) : fmtPct(a.achieved_confidence)} confidence${target !== null ? `, ${short !== null ? points(short) + ' ' : ''}short of the ${fmtPct(target)} target` : ''}.`;
  const cycle = a.release_cycle_hours;
  const excess = typeof a.release_excess_hours === 'number' ? a.release_excess_hours : typeof cycle === 'number' ? Math.max(0, cycle - limit) : null;
  const release = typeof cycle !== 'number' ? `Release: ${a.release_ok ? 'within a week' : 'over a week'}.`
    : a.release_ok === true ? `Release: within a week, a ${hoursOf(cycle)} cycle (limit ${fmtNum(limit)} h).`
      : `Release: over a week, a ${hoursOf(cycle)} cycle${excess !== null ? `, ${hoursOf(excess)} over` : ' over'} the ${fmtNum(limit)} h limit.`;
  const next = a.safety_ok && a.release_ok ? 'Both constraints hold.'
    : !a.safety_ok && !a.release_ok ? 'Longer breaks the week, shorter loses confidence: change a slider.'
      : !a.safety_ok ? 'Run longer.' : 'Run shorter.';
  return { safety, release, next };
}
/* The window the engine revealed with a try (after a success or the tenth), in words. */
function windowText(a) {
  if (!a || a.window_revealed !== true) return null;
  const w = a.window;
  if (!w || typeof w.min_hours !== 'number') return 'No shadow duration satisfies both constraints at these settings: the question, not the window, has to change.';
  return `The windows that satisfy both run from ${hoursOf(w.min_hours)} to ${hoursOf(w.max_hours)} of shadow mode.`;
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
    return h('li', { class: a.safety_ok && a.release_ok ? 'ok' : 'no' },
      h('strong', { text: `Attempt ${i + 1}: ${fmtHours(a.hours)} of shadow mode. ` }),
      h('span', { class: a.safety_ok ? 'verdict ok' : 'verdict no', text: v.safety }), ' ',
      h('span', { class: a.release_ok ? 'verdict ok' : 'verdict no', text: v.release }), ' ',
      h('span', { class: 'advice', text: v.next }),
      windowText(a) ? h('p', { class: 'advice window', text: windowText(a) }) : null);
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
/* The engine's rule, with the letters the boxes use (α, β). */
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
  memo(out, [res && res.data, res && res.svg, res && res.status === 'error', windowOpen()], () => {
    if (!res || !res.data) return res && res.status === 'error' ? errorNote(res) : h('p', { class: 'muted', text: 'Computing…' });
    const d = res.data;
    /* the hypotheses and the three tests first, full width; the figure with its numbers below */
    const head = [h('div', { class: 'sprt-hypotheses' }, hypothesesTable(d)), ...threeTests(d)];
    const table = [
      gridTable('Operating characteristic: how the test treats each true failure rate', [
        { key: 'p', label: 'True failure rate', fmt: (v) => fmtPct(v) },
        { key: 'accept_h0', label: 'Chance the model is kept', fmt: (v) => fmtPct(v) },
        { key: 'asn', label: 'Expected requests', fmt: (v) => fmtNum(v) },
      ], Array.isArray(d.oc_curve) ? d.oc_curve : [], { tall: true }),
    ];
    return [errorNote(res), ...head, command('sprt').figure
      ? instrument(res, 'Sequential validation', table, { capture: { part: 'canary', cmd: 'sprt', ch: 'sprt' } })
      : h('div', { class: 'table-view' }, table)];
  });
}

/* The three tests side by side, with the track's numbers: what each controls, requests and hours
 * at the fleet's watched rate, and how often each rolls back a good model. Figures the engine did
 * not compute (null) are said to be not computed, with its reason, never shown as numbers. */
const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
function threeTests(d) {
  const t = d.tests;
  if (!t || typeof t !== 'object') return [];
  const demo = t.demonstration || {};
  const fixed = t.fixed_n || {};
  const seq = t.sprt || {};
  const why = d.exact_reason ? ` (${String(d.exact_reason).replace(/_/g, ' ')})` : '';
  const nc = `not computed${why}`;
  const req = (v) => (isNum(v) ? fmtNum(v) : nc);
  const hrs = (v) => (isNum(v) ? hoursOf(v) : nc);
  const pct = (v) => (isNum(v) ? fmtPct(v) : nc);
  const both = (good, bad, f) => (isNum(good) && isNum(bad) ? `${f(good)} with a good model, ${f(bad)} with a bad one` : nc);
  const conf = isNum(d.beta) ? fmtPct(1 - d.beta) : 'your confidence';
  /* the demonstration's hours are the 10-Iteration Rule's answer: not stated while it is open */
  const open = windowOpen();
  const rows = [
    { name: demo.name || 'Zero-failure demonstration',
      controls: `Only missing a bad model: one failing at your rate passes at most ${isNum(d.beta) ? fmtPct(d.beta) : 'β'} of the time (${conf} confidence). It says nothing about rolling back a good model.`,
      requests: isNum(demo.requests) ? `${fmtNum(demo.requests)}${isNum(demo.allowed_failures) && demo.allowed_failures > 0 ? `, up to ${fmtNum(demo.allowed_failures)} failures` : ', no failure allowed'}` : nc,
      hours: open ? 'yours to find (the 10-Iteration Rule)' : hrs(demo.hours), rollback: pct(demo.rollback_probability_at_p0) },
    { name: fixed.name || 'Fixed-n test',
      controls: `Both mistakes, α and β: watches a fixed number of requests and rolls back at ${isNum(fixed.critical_failures) ? fmtNum(fixed.critical_failures) : 'a critical number of'} failures.`,
      requests: req(fixed.requests), hours: hrs(fixed.hours), rollback: pct(fixed.alpha) },
    { name: seq.name || 'Sequential test (SPRT)',
      controls: 'Both mistakes, like the fixed-n test, but stops as soon as the evidence is clear either way, so its length varies (averages shown).',
      requests: both(seq.requests_h0, seq.requests_h1, fmtNum), hours: both(seq.hours_h0, seq.hours_h1, hoursOf), rollback: pct(seq.alpha) },
  ];
  const rate = isNum(d.monitored_per_hour) ? ` at ${fmtNum(d.monitored_per_hour, 1)} watched requests an hour` : '';
  const saved = isNum(seq.hours_saved_h0) && isNum(seq.hours_saved_h1)
    ? `Against the fixed-n test with the same α and β, the SPRT saves ${hoursOf(seq.hours_saved_h0)} on average with a good model and ${hoursOf(seq.hours_saved_h1)} with a bad one. The demonstration needs fewer requests still, but it rolls back a good model ${pct(demo.rollback_probability_at_p0)} of the time.`
    : `The SPRT's exact figures were not computed${why}, so no saving is claimed.`;
  return [
    scrollBox(`Three tests${rate}`, 'three-tests',
      h('table', { class: 'grid' }, h('caption', { text: `Three tests${rate}` }),
        h('thead', {}, h('tr', {}, ['Test', 'Requests', 'Hours', 'Rolls back a good model'].map((c) => h('th', { scope: 'col', text: c })))),
        h('tbody', {}, rows.map((r) => h('tr', {}, h('th', { scope: 'row', text: r.name }),
          h('td', { text: r.requests }), h('td', { text: r.hours }), h('td', { text: r.rollback })))))),
    h('ul', { class: 'three-tests-controls' }, rows.map((r) => h('li', {}, h('strong', { text: `${r.name}: ` }), r.controls))),
    h('p', { class: 'help three-tests-saved', text: saved }),
  ];
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
    const gens = Array.isArray(d.generations) ? d.generations : [];
    const tried = res.params && Number(res.params.attempt_hours);
    const replay = isNum(d.shadow_hours)
      ? (d.shadow_hours_from_attempt && tried > 0 ? `It replays your last try's window, ${hoursOf(tried)} of shadow mode` : `It replays a ${hoursOf(d.shadow_hours)} shadow stage (a daily cycle) until you make a try`)
        + (gens.length ? `, on your fleet's hardware: ${gens.map((g) => g.name).join(', ')}.` : '.')
        + ` The replay judges safety only: the release cycle against the week is the try's verdict above.`
        + (isNum(d.true_failure_rate) ? ` The candidate replayed really fails on ${fmtPct(d.true_failure_rate)}${oneIn(d.true_failure_rate)} of the edge-case requests.` : '')
      : null;
    return [errorNote(res),
      h('p', { class: 'summary' }, h('strong', { text: `Decision: ${cap(d.decision)}. ` }), cap(plainReason(d.reason)).replace(/([^.])$/, '$1.')),
      replay ? h('p', { class: 'help rollout-replay', text: replay }) : null,
      instrument(res, 'ShadowModeDashboard', [
        gridTable('The rollout, stage by stage', [
          { key: 'stage', label: 'Stage', fmt: (v, r) => `${cap(v)}${r.hold ? ` (held ${fmtNum(r.hold)}×)` : ''}` },
          { key: 'traffic_fraction', label: 'Traffic share', fmt: (v) => fmtPct(v) },
          { key: 'start_hours', label: 'Hours', fmt: (v, r) => `${fmtNum(v, 1)} to ${fmtNum(r.end_hours, 1)} h` },
          { key: 'running_confidence', label: 'Confidence', fmt: (v) => fmtPct(v) },
          { key: 'decision', label: 'Decision', fmt: (v) => cap(v) },
        ], stages),
        gens.length ? gridTable('Your fleet\u2019s hardware', [
          { key: 'name', label: 'Hardware', fmt: (v) => String(v) },
          { key: 'share', label: 'Share of the fleet', fmt: (v) => fmtPct(v) },
          { key: 'p50_ms', label: 'Typical latency (new model)', fmt: (v) => (isNum(v) ? `${fmtNum(v, 1)} ms` : '—') },
        ], gens) : null,
        ...hypothesesTable(d),
      ], { capture: { part: 'canary', cmd: 'rollout', ch: 'rollout' } })];
  });
}
/* The engine's reason without the test statistic's symbols (LLR, ln A, ln B). */
export function plainReason(r) {
  if (typeof r !== 'string') return '—';
  return r.replace(/\(LLR [-\d.]+, (confidence [^)]*)\)/g, '($1)')
    .replace(/:? ?LLR [-\d.]+ >= ln A( = [-\d.]+)?,?/g, ':')
    .replace(/ ?\(LLR [^)]*\)/g, '')
    .replace(/::/g, ':').replace(/:\s*$/, '');
}
