/* start.js: the start section: the chapter, the track cards, the in-page confirmation before a
 * new ledger, and starting a session. */
import { $, h, keyed, setText } from './dom.js';
import { identityValue } from './identity.js';
import { abortAll, describe, net, setNote } from './net.js';
import { flushReflections, refreshAll } from './parts.js';
import { busyWith, freshView, labTrack, noteOf, PART_ORDER, store, track } from './store.js';

export function chooseTrack(id) {
  const l = store.state.ledger;
  if (busyWith('track') || (l && l.track === id)) return;
  if (l) {
    store.update((st) => {
      st.ui.confirmTrack = id;
    });
    requestAnimationFrame(() => {
      const b = document.getElementById('confirm-track');
      if (b) b.focus();
    });
    return;
  }
  startSession(id);
}
export function cancelTrack() {
  const was = store.state.ui.confirmTrack;
  store.update((st) => {
    st.ui.confirmTrack = null;
  });
  requestAnimationFrame(() => {
    const b = was && document.querySelector(`.track-card[data-track="${was}"]`);
    if (b) b.focus();
  });
}
/* A new session (a new ledger) for a track. The old one is kept by its backend. */
export async function startSession(id) {
  await flushReflections();
  abortAll();
  store.update((st) => {
    st.ui.confirmTrack = null;
    st.ui.busy.track = id;
    st.ui.notes = {};
    st.server.results = {};
  });
  try {
    const l = await net.ledger.start(id, identityValue());
    store.update((st) => {
      st.ledger = l;
      const v = st.view[id] || (st.view[id] = freshView());
      for (const part of PART_ORDER) v[part].draft = null;
      v.ensemble.policy = null;
      v.canary.attemptDraft = '';
    });
    refreshAll();
  } catch (e) {
    store.update((st) => setNote(st, 'track', 'error', `Could not start your ledger: ${describe(e)}`));
  } finally {
    store.update((st) => {
      delete st.ui.busy.track;
    });
  }
}


export function renderStart(st) {
  const lab = st.server.lab;
  const errEl = $('#load-error');
  const trackErr = noteOf('track');
  const err = st.server.loadError || (trackErr && trackErr.text);
  errEl.hidden = !err;
  if (err) setText(errEl, err);
  if (!lab) return;
  setText($('#chapter-title'), lab.chapter.title);
  setText($('#chapter-invariant'), lab.chapter.invariant);
  setText($('#chapter-struggle'), lab.chapter.struggle);
  const box = $('#tracks');
  keyed(box, 'tracks', () => lab.tracks.map((t) => h('button', {
    type: 'button', class: 'track-card', 'data-track': t.id, 'aria-pressed': 'false',
    onclick: () => chooseTrack(t.id),
  },
  h('span', { class: 'track-name', text: t.name }),
  h('span', { class: 'track-persona', text: t.persona }),
  h('span', { class: 'track-field' }, h('span', { class: 'field-label', text: 'North star: ' }), t.mission),
  h('span', { class: 'track-field' }, h('span', { class: 'field-label', text: 'Ops crisis: ' }), t.crisis_title),
  h('span', { class: 'track-chosen', text: 'Your track' }))));
  for (const b of box.querySelectorAll('.track-card')) {
    b.setAttribute('aria-pressed', String(b.dataset.track === track()));
    b.setAttribute('aria-busy', String(st.ui.busy.track === b.dataset.track));
  }
  const t = labTrack(track());
  setText($('#track-badge'), t ? `${t.name} · ${t.persona}` : 'No track chosen yet');
  renderConfirm(st);
}
/* Switching track starts a new ledger: asked first, in the page (no window.confirm). */
export function renderConfirm(st) {
  const el = $('#track-confirm');
  const to = labTrack(st.ui.confirmTrack);
  const from = labTrack(track());
  el.hidden = !to;
  keyed(el, to ? `${to.id}|${from ? from.id : ''}` : '', () => {
    if (!to) return [];
    const where = st.mode.ledger === 'server' ? 'on the fleetops server' : 'in this browser';
    return [
      h('h3', { id: 'track-confirm-title', text: `Start a new ledger as ${to.name}?` }),
      h('p', { id: 'track-confirm-text', text: `Your ${from ? from.name : ''} ledger stays ${where}, but this page will follow the new one: ` +
        'a new session with its own locks, attempts and reflections, and the new track’s presets.' }),
      h('p', { class: 'confirm-actions' },
        h('button', { type: 'button', class: 'btn primary', id: 'confirm-track', onclick: () => startSession(to.id), text: `Start a new ledger as ${to.name}` }),
        h('button', { type: 'button', class: 'btn', id: 'cancel-track', onclick: cancelTrack, text: `Keep my ${from ? from.name : 'current'} ledger` })),
    ];
  });
}
