/* ledger-view.js: the ledger section (predictions, attempts, evidence, reflections, the
 * governance decision as the ledger keeps them) and the report download. */
import { instrumentName, paramsText } from './controls.js';
import { $, h, keyed, memo, setText } from './dom.js';
import { choiceLabel, clock, fmtHours, fmtNum } from './format.js';
import { abortAll, describe, net, setNote } from './net.js';
import { flushReflections, readingsList } from './parts.js';
import { busyWith, labTrack, MAX_ATTEMPTS, noteOf, store } from './store.js';
import { gridTable } from './widgets.js';

export async function downloadReport(format) {
  if (busyWith(`report:${format}`)) return;
  await flushReflections();
  store.update((st) => {
    st.ui.busy[`report:${format}`] = true;
  });
  try {
    await net.ledger.download(format);
  } catch (e) {
    store.update((st) => setNote(st, 'report', 'error', `Could not build the report: ${describe(e)}`));
  } finally {
    store.update((st) => {
      delete st.ui.busy[`report:${format}`];
    });
  }
}


/* ------------------------------------------------------------------ render: the ledger */

export function renderLedger(st) {
  const el = $('#ledger');
  keyed(el, `ledger|${st.mode.ledger}`, () => [
    h('p', { class: 'kicker', text: 'Synthesis' }),
    h('h2', { id: 'ledger-title', text: 'Your ledger' }),
    h('p', { class: 'muted', id: 'ledger-where' }),
    h('div', { id: 'ledger-body' }),
    h('div', { class: 'ledger-actions', role: 'group', 'aria-label': 'Your report' },
      h('button', { type: 'button', class: 'btn primary', id: 'report-html', onclick: () => downloadReport('html'), text: 'Download report (HTML)' }),
      h('button', { type: 'button', class: 'btn', id: 'report-md', onclick: () => downloadReport('md'), text: 'Download report (Markdown)' }),
      st.mode.ledger === 'local' ? h('button', { type: 'button', class: 'btn', id: 'erase', onclick: eraseClick, text: 'Erase my saved work' }) : null),
    h('p', { class: 'param-error', id: 'report-error', role: 'alert', hidden: true }),
  ]);
  const l = st.ledger;
  const t = l && labTrack(l.track);
  setText($('#ledger-where', el), !st.mode.ledger ? 'Connecting…'
    : !l ? (st.mode.ledger === 'server' ? 'Kept by the fleetops server once you choose a track: it survives a closed tab and a restarted server.'
      : 'Kept in this browser once you choose a track (there is no server: this is the static lab).')
      : `${t ? t.name : l.track} · ${st.mode.ledger === 'server' ? `session ${l.session} on the fleetops server` : 'kept in this browser (no server)'}` +
        ` · started ${new Date(l.created_at).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}`);
  for (const id of ['report-html', 'report-md']) {
    const b = $(`#${id}`, el);
    b.disabled = !l || busyWith(`report:${id === 'report-html' ? 'html' : 'md'}`);
  }
  const rep = noteOf('report');
  const re = $('#report-error', el);
  re.hidden = !rep;
  if (rep) setText(re, rep.text);
  const lab = st.server.lab;
  memo($('#ledger-body', el), [l, lab], () => {
    if (!lab || !l) return h('p', { class: 'muted', text: 'Nothing yet: your predictions, evidence, attempts, decisions and reflections collect here.' });
    return ledgerView(lab, l);
  });
}
export function ledgerView(lab, l) {
  const rows = lab.parts.map((p) => {
    const pr = l.predictions.find((x) => x.part === p.id);
    let pred = '—';
    let ans = '—';
    let off = '—';
    if (pr && p.lock_kind === 'choice') {
      pred = choiceLabel(pr.predicted);
      ans = choiceLabel(pr.actual);
      off = pr.correct ? 'right' : 'wrong';
    } else if (pr) {
      const a = Number(pr.actual);
      const v = Number(pr.predicted);
      pred = `${fmtNum(v, 6)} ${p.lock_unit}`;
      ans = `${fmtNum(a, 6)} ${p.lock_unit}`;
      off = typeof pr.off_by_factor === 'number' ? `${pr.off_by_factor.toFixed(1)}x (${v < a ? 'too low' : v > a ? 'too high' : 'exactly right'})` : '—';
    }
    return { part: `Part ${p.number}: ${p.title}`, pred, ans, off, at: pr ? clock(pr.locked_at) : '—' };
  });
  const at = l.entries.filter((e) => e.kind === 'attempt').map((e) => (e.body && e.body.attempt) || {});
  const solved = at.findIndex((a) => a.safety_ok && a.release_ok);
  const ev = l.entries.filter((e) => e.kind === 'evidence');
  const govs = l.entries.filter((e) => e.kind === 'governance');
  const gov = govs[govs.length - 1];
  const partName = (id) => {
    const p = lab.parts.find((x) => x.id === id);
    return p ? `Part ${p.number}` : id === 'crisis' ? 'Crisis' : id;
  };
  const missing = Array.isArray(l.missing) ? l.missing : [];
  return [
    missing.length
      ? h('div', { class: 'banner banner-fail missing', role: 'status' }, h('strong', { text: 'Your report is incomplete. Still missing: ' }),
        h('ul', {}, missing.map((m) => h('li', { text: m }))))
      : h('p', { class: 'banner banner-ok', role: 'status' }, h('strong', { text: 'Complete: ' }), 'every lock, every reflection and the governance decision are in your ledger.'),
    gridTable('Predictions (locked before the answer)', [
      { key: 'part', label: 'Part', fmt: (v) => v },
      { key: 'pred', label: 'You predicted', fmt: (v) => v },
      { key: 'ans', label: 'The answer', fmt: (v) => v },
      { key: 'off', label: 'How far off', fmt: (v) => v },
      { key: 'at', label: 'Locked at', fmt: (v) => v },
    ], rows),
    /* Part 1's answer counts the platform's own toil; the literal reading is kept beside it */
    ...(() => {
      const roi = l.predictions.find((x) => x.part === 'roi');
      const list = roi ? readingsList(roi.readings) : null;
      return list ? [h('p', { class: 'readings-title', text: 'Part 1’s question, read three ways (kept with your lock):' }), list] : [];
    })(),
    h('ul', { class: 'ledger-facts' },
      h('li', {}, h('strong', { text: '10-Iteration Rule: ' }), at.length === 0 ? 'no attempts yet.'
        : `${at.length} of ${MAX_ATTEMPTS} attempts` + (solved >= 0 ? `; solved at attempt ${solved + 1} with ${fmtHours(at[solved].hours)} of shadow mode.`
          : at.length >= MAX_ATTEMPTS ? '; not solved: no tries left.' : '; not solved yet.')),
      h('li', {}, h('strong', { text: 'Governance policy: ' }), gov ? `${choiceLabel(gov.body.policy)}${govs.length > 1 ? ` (decision ${govs.length})` : ''}: “${gov.body.justification}”` : 'not chosen yet.')),
    ev.length ? gridTable(`Evidence (${ev.length})`, [
      { key: 'part', label: 'Part', fmt: (v) => partName(v) },
      { key: 'body', label: 'Instrument and parameters', text: true, fmt: (b) => `${instrumentName(b.command)}: ${paramsText(b.command, b.params) || 'the track’s presets'}` },
      { key: 'created_at', label: 'Captured', fmt: (v) => clock(v) },
      { key: 'fingerprint', label: 'Fingerprint', fmt: (v) => v || '—' },
    ], ev, { tall: ev.length > 8 }) : h('p', { class: 'muted', text: 'Evidence: none captured yet (each instrument has a Capture evidence button).' }),
    h('dl', { class: 'reflections' }, lab.parts.flatMap((p) => {
      const rs = l.entries.filter((e) => e.kind === 'reflection' && e.part === p.id);
      const last = rs[rs.length - 1];
      return [h('dt', { text: `Part ${p.number}: ${p.reflect}` }),
        h('dd', { class: last ? null : 'muted', text: last ? last.body.text : 'not written yet' }),
        last ? h('dd', { class: 'help', text: `revision ${rs.length}, saved ${clock(last.created_at)}` }) : null];
    })),
  ];
}
export let eraseArmed = null;
export function eraseClick(e) {
  const btn = e.currentTarget;
  if (!eraseArmed) {
    btn.textContent = 'Click again to erase this browser’s ledger';
    eraseArmed = setTimeout(() => {
      eraseArmed = null;
      btn.textContent = 'Erase my saved work';
    }, 5000);
    return;
  }
  clearTimeout(eraseArmed);
  eraseArmed = null;
  btn.textContent = 'Erase my saved work';
  abortAll();
  net.ledger.erase();
  store.update((st) => {
    st.ledger = null;
    st.view = {};
    st.ui.notes = {};
    st.server.results = {};
  });
}
