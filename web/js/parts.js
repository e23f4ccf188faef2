/* parts.js: what the three parts share: the panel frame, the lock (a prediction locked in the
 * ledger before any of the part's answers is asked for), the workbench frame, reflections (every
 * revision saved in the ledger), evidence capture, and the per-part refresh. */
import { control, instrumentName, syncControls } from './controls.js';
import { refreshCrisis, refreshCrisisAfter } from './crisis.js';
import { $, append, h, keyed, memo, setText } from './dom.js';
import { choiceLabel, clock, fmtNum, withSeparators } from './format.js';
import { debounce, net, setNote, write } from './net.js';
import { refreshRoi, syncRoi } from './part1-roi.js';
import { iterationBox, refreshCanary, rolloutBox, sprtBox, syncCanary } from './part2-canary.js';
import { ensembleSelectors, governanceBox, refreshEnsemble, syncEnsemble } from './part3-ensemble.js';
import { AUTOSAVE_MS, busyWith, entries, has, labTrack, latestOf, lockOf, noteOf, param, paramSet, PART_ORDER, PARTS, reflectionOf, reflectionText, result, save, store, track, view, withoutTrack } from './store.js';
import { mathPeekBox, syncCaptures, syncMathPeek } from './widgets.js';

export const locked = (part) => !!lockOf(part);

/* What each part asks for, in its own module. Each refresh asks every answer-bearing command
 * of its part whose parameters changed since its last request (load's ifChanged), so one
 * debounced call after any sequence of slider moves leaves no instrument on an older value. */
const REFRESH = { roi: refreshRoi, canary: refreshCanary, ensemble: refreshEnsemble };
export function refreshPart(part) {
  if (!locked(part)) return; /* the lock rule */
  REFRESH[part]();
}
export function refreshAll() {
  refreshCrisis();
  for (const p of PART_ORDER) refreshPart(p);
}

/* A workbench parameter: stored under its command's parameter set (store.paramSet: Part 2's
 * instruments share one), then one debounced refresh of the whole part. */
export function setParam(part, cmd, name, value) {
  store.update(() => {
    const params = view()[part].params;
    const set = paramSet(cmd);
    (params[set] || (params[set] = {}))[name] = value;
  });
  debounce(`params:${part}`, () => refreshPart(part));
}

export async function lockPrediction(part, value) {
  if (busyWith(`lock:${part}`)) return;
  await write(`lock:${part}`, (lg) => lg.lock(part, value));
  if (!lockOf(part)) return;
  refreshPart(part);
  refreshCrisisAfter(part);
  requestAnimationFrame(() => {
    const r = document.getElementById(`reveal-${part}`);
    if (r) r.focus({ preventScroll: false });
  });
}

/* Evidence: the parameters of what the instrument shows now; the backend runs the command
 * itself and keeps the parameters, the key results and a fingerprint. */
export async function capture(part, cmd, ch) {
  const res = result(ch);
  if (!res || res.status !== 'ok' || busyWith(`capture:${ch}`)) return;
  const r = await write(`capture:${ch}`, (lg) => lg.evidence(part, cmd, withoutTrack(res.params)));
  if (r) store.update((st) => setNote(st, `capture:${ch}`, 'ok', `Captured: evidence ${r.count} from the ${instrumentName(cmd)}, fingerprint ${r.fingerprint}.`));
}


export function editReflection(part, text) {
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
export function saveReflection(part) {
  clearTimeout(net.timers[`reflect:${part}`]);
  delete net.timers[`reflect:${part}`];
  const prev = net.saving[part] || Promise.resolve();
  const next = prev.then(() => saveReflectionNow(part));
  net.saving[part] = next.finally(() => {
    if (net.saving[part] === next) delete net.saving[part];
  });
  return next;
}
export async function saveReflectionNow(part) {
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
export async function flushReflections() {
  if (!view()) return;
  await Promise.all(PART_ORDER.map((p) => (typeof view()[p].draft === 'string' ? saveReflection(p) : null)));
}


/* ------------------------------------------------------------------ render: parts */

export function renderParts(st) {
  const lab = st.server.lab;
  const root = $('#parts');
  if (!lab) return;
  keyed(root, 'parts', () => lab.parts.map((p) => h('section', {
    class: 'panel part', id: `part-${p.id}`, 'aria-labelledby': `title-${p.id}`,
  })));
  for (const p of lab.parts) renderPart(st, p, $(`#part-${p.id}`));
}

export function renderPart(st, p, el) {
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
        h('p', {}, h('strong', { text: 'The Workbench: ' }), workbenchText(p, true)),
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

export function lockBox(p) {
  const lock = lockOf(p.id);
  const box = h('div', { class: 'lock' + (lock ? ' is-locked' : '') },
    h('h3', { text: lock ? 'Your locked prediction' : 'Lock your prediction' }),
    h('p', { class: 'question', id: `q-${p.id}`, text: p.lock }));
  const own = store.state.ledger && store.state.ledger.variant;
  if (own && p.id === 'canary') { /* fleetops serve --variants: the question asks about theirs */
    const rate = 0.001 * own.failure_rate;
    append(box, [h('p', { class: 'variant-note', id: 'variant-canary', text: 'Your own numbers (your teacher gave each student theirs): ' +
      `the edge case here is 1 in ${Math.round(1 / rate).toLocaleString('en-US')} requests (a failure rate of ${Number(rate.toPrecision(6))}), ` +
      `not 1 in 1,000, and your fleet’s request rate is ${own.request_rate_per_s.toFixed(2)} times your track’s. Answer for your numbers.` })]);
  }
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
      else if (pp && typeof pp.min === 'number' && v < pp.min) problem = `At least ${fmtNum(pp.min)} ${pp.min === 1 ? p.lock_unit.replace(/s$/, '') : p.lock_unit}.`;
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
export function syncLock(p, el) {
  const key = `lock:${p.id}`;
  const n = noteOf(key);
  const err = $(`#lock-err-${p.id}`, el);
  if (err && n) {
    err.hidden = false;
    setText(err, n.kind === 'refused'
      ? 'Your first prediction stands: a locked prediction is never changed.'
      : `Could not lock: ${n.text}`);
  }
  for (const b of el.querySelectorAll('.lock button')) b.disabled = busyWith(key);
  const btn = $(`#lock-btn-${p.id}`, el);
  if (btn) setText(btn, busyWith(key) ? 'Locking…' : 'Lock it');
}

/* A part's workbench in the track's words (Part 3 names the track's downstream model), before
 * the lock in words that do not answer it. */
function workbenchText(p, beforeLock) {
  const t = labTrack(track());
  if (p.id === 'ensemble' && t && t.part3_workbench) return beforeLock ? t.part3_workbench_before_lock || t.part3_workbench : t.part3_workbench;
  return beforeLock ? p.workbench_before_lock || p.workbench : p.workbench;
}

export function closedWorkbench(p) {
  return h('div', { class: 'workbench closed' },
    h('h3', { text: 'Workbench' }),
    h('p', { class: 'muted' }, 'The workbench opens when your prediction is locked. ', h('em', { text: workbenchText(p, true) })),
    h('fieldset', { class: 'closed-controls', disabled: true, 'aria-label': 'Workbench (locked until you predict)' },
      Object.entries(PARTS[p.id].sliders).flatMap(([cmd, names]) => names.map((n) => control(p.id, cmd, n)))),
    h('p', { class: 'muted' }, h('strong', { text: 'Reflect (after the lock): ' }), p.reflect));
}

export function workbench(p) {
  const sliders = Object.entries(PARTS[p.id].sliders).flatMap(([cmd, names]) => names.map((n) => control(p.id, cmd, n)));
  const more = (PARTS[p.id].more[p.id] || []).map((n) => control(p.id, p.id, n, { box: true })).filter(Boolean);
  const blocks = [
    h('div', { class: 'reveal ready', id: `reveal-${p.id}`, tabindex: -1, role: 'status', 'aria-live': 'polite' }),
    p.id === 'roi' ? h('div', { class: 'readings', id: 'readings-roi' }) : null,
    h('div', { class: 'workbench open' },
      h('h3', { text: 'Workbench' }),
      h('p', { class: 'muted', text: workbenchText(p, false) }),
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

export function reflectBox(part, prompt, label) {
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
export function syncReflect(part, el) {
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

/* The ledger's answer to a lock in the student's words: a choice by its label (not its key),
 * numbers with their thousands separators. */
export function revealText(p, lock) {
  if (lock && typeof lock.sentence === 'string' && lock.sentence) return withSeparators(lock.sentence);
  if (p.lock_kind === 'choice' && lock.actual !== undefined && lock.actual !== null) {
    return `You predicted “${choiceLabel(lock.predicted)}”; the pipeline says “${choiceLabel(lock.actual)}”: ` +
      `${lock.correct ? 'right' : 'wrong'}.`;
  }
  return withSeparators(lock.sentence);
}
/* Part 1's three readings of its question, as the ledger keeps them with the lock: the one that
 * answers it, the literal one with its number, and how the 50% toil cap differs. */
export function readingsList(r) {
  if (!r || typeof r !== 'object') return null;
  const items = [['answer', r.answer], ['literal', r.literal], ['toil-cap', r.toil_cap]]
    .filter(([, t]) => typeof t === 'string' && t);
  if (!items.length) return null;
  return h('ul', { class: 'readings-list' }, items.map(([k, t]) => h('li', { class: `reading-${k}`, text: withSeparators(t) })));
}
export function syncPart(st, p, el) {
  const lock = lockOf(p.id);
  setText($(`#reveal-${p.id}`, el), revealText(p, lock));
  const rd = $(`#readings-${p.id}`, el);
  if (rd) memo(rd, [lock && lock.readings], () => readingsList(lock && lock.readings));
  const out = $(`#results-${p.id}`, el);
  if (p.id === 'roi') syncRoi(out);
  if (p.id === 'canary') syncCanary(el, out);
  if (p.id === 'ensemble') syncEnsemble(el, out);
  syncMathPeek(el, p.id, result(p.id));
  syncReflect(p.id, el);
  syncCaptures(el);
}
