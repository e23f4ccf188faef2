/* widgets.js: the pieces every panel is built from: tables whose columns are named by the caller,
 * figures with their table view, banners, refusals in one sentence, stat cards, evidence capture,
 * the Math Peek. */
import { $, h, setText } from './dom.js';
import { describe } from './net.js';
import { capture } from './parts.js';
import { busyWith, entries, noteOf, result, store, view } from './store.js';

/* ------------------------------------------------------------------ tables and figures */

export function kvTable(caption, rows) {
  return h('table', { class: 'kv' }, caption ? h('caption', { text: caption }) : null,
    h('tbody', {}, rows.filter(Boolean).map(([k, v, cls]) => h('tr', { class: cls || null },
      h('th', { scope: 'row', text: k }), h('td', { text: v })))));
}
/* The box a wide or tall table scrolls in on a small screen: a named region that takes keyboard
 * focus, so the table can be scrolled without a mouse (axe: scrollable-region-focusable). When
 * its table is wider than the box, the box says so: a short line a student sees ("Scroll
 * sideways for more columns"; a tall box cut short: "Scroll down inside the table for more
 * rows"), pinned to its left edge, and a shadow on the side that has more;
 * the caption wraps inside what is seen of the box (--seen-w), never running off-screen. */
export function scrollBox(caption, cls, ...kids) {
  const box = h('div', { class: 'table-scroll' + (cls ? ' ' + cls : ''), tabindex: 0, role: 'region', 'aria-label': caption || 'table' },
    h('p', { class: 'scroll-cue', 'aria-hidden': 'true', text: 'Scroll sideways for more columns \u2192' }), ...kids);
  watchScroll(box);
  return box;
}
/* One observer for every scroll box: a box's width or its table's changes (a new result, a
 * rotated phone, a breakpoint) re-decide whether it overflows; a scroll moves the shadows. A box
 * taken off the page (a result redrawn) is no longer watched. */
let overflowWatch = null;
function syncScroll(box) {
  const w = box.clientWidth;
  if (!w) return;
  const wide = box.scrollWidth > w + 1;
  const tall = box.classList.contains('tall') && box.scrollHeight > box.clientHeight + 1;
  box.style.setProperty('--seen-w', `${w}px`);
  box.classList.toggle('overflows', wide || tall);
  box.classList.toggle('scrolls-x', wide);
  setText(box.querySelector(':scope > .scroll-cue'), wide && tall ? 'Scroll sideways and down for more \u2192'
    : tall ? 'Scroll down inside the table for more rows \u2193' : 'Scroll sideways for more columns \u2192');
  box.classList.toggle('at-start', box.scrollLeft <= 1);
  box.classList.toggle('at-end', box.scrollLeft + w >= box.scrollWidth - 1);
}
function watchScroll(box) {
  if (typeof ResizeObserver !== 'function') return;
  overflowWatch = overflowWatch || new ResizeObserver((seen) => {
    for (const e of seen) {
      if (!e.target.isConnected) overflowWatch.unobserve(e.target);
      else syncScroll(e.target.closest('.table-scroll') || e.target);
    }
  });
  overflowWatch.observe(box);
  for (const t of box.querySelectorAll('table')) overflowWatch.observe(t);
  box.addEventListener('scroll', () => syncScroll(box), { passive: true });
}
/* A table whose every column the caller names: cols are {key, label, fmt(value, row), text}
 * (text: a column of words, read left-aligned; numbers stay right-aligned). */
export function gridTable(caption, cols, rows, opts = {}) {
  return scrollBox(caption, opts.tall ? 'tall' : '',
    h('table', { class: 'grid' }, caption ? h('caption', { text: caption }) : null,
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: c.text ? 'words' : null, text: c.label })))),
      h('tbody', {}, rows.map((r, i) => h('tr', { class: opts.rowClass ? opts.rowClass(r, i) : null },
        cols.map((c, j) => h(j === 0 ? 'th' : 'td', { scope: j === 0 ? 'row' : null, class: c.text ? 'words' : null, text: c.fmt(r[c.key], r) })))))));
}
export function figure(res, caption) {
  if (!res || !res.svg) return h('div', { class: 'fig fig-empty', text: res && res.status === 'loading' ? 'Drawing…' : 'Figure not available.' });
  return h('figure', { class: 'fig' },
    h('img', { src: res.svg, alt: res.alt || caption, loading: 'eager', decoding: 'async' }),
    h('figcaption', { text: caption }));
}
/* A figure with its table view; `capture` {part, cmd, ch} adds the Capture evidence button;
 * `wide` stacks the table under a figure too dense to share the width. */
export function instrument(res, caption, tableView, opts = {}) {
  return h('div', { class: 'instrument' + (opts.wide ? ' wide' : '') },
    h('div', { class: 'fig-col' }, figure(res, caption), opts.capture ? captureBox(opts.capture) : null),
    h('div', { class: 'table-view' }, h('h4', { class: 'tv-title', text: `${caption}: the numbers` }), tableView));
}
export function captureBox({ part, cmd, ch }) {
  return h('div', { class: 'capture', 'data-ch': ch, 'data-cmd': cmd },
    h('button', { type: 'button', class: 'btn capture-btn', id: `capture-${ch}`, onclick: () => capture(part, cmd, ch), text: 'Capture evidence' }),
    h('span', { class: 'capture-status', 'aria-live': 'polite' }));
}
/* The capture buttons' state lives outside the memoised result blocks. */
export function syncCaptures(root) {
  for (const box of root.querySelectorAll('.capture')) {
    const ch = box.dataset.ch;
    const n = entries('evidence').filter((e) => e.body && e.body.command === box.dataset.cmd).length;
    const note = noteOf(`capture:${ch}`);
    const btn = box.querySelector('button');
    btn.disabled = busyWith(`capture:${ch}`) || !(result(ch) && result(ch).status === 'ok');
    setText(btn, busyWith(`capture:${ch}`) ? 'Capturing…' : 'Capture evidence');
    const st = box.querySelector('.capture-status');
    setText(st, note ? note.text : n ? `${n} capture${n === 1 ? '' : 's'} of ${box.dataset.cmd} in your ledger.` : 'Keeps these parameters and results in your ledger.');
    st.classList.toggle('is-error', !!note && note.kind !== 'ok');
  }
}
export function banner(kind, text) {
  return h('p', { class: `banner banner-${kind}`, role: kind === 'fail' ? 'alert' : 'status' },
    h('strong', { text: kind === 'fail' ? 'Constraint broken: ' : kind === 'ok' ? 'Constraint holds: ' : '' }), text);
}
export function errorNote(res) {
  if (!res || res.status !== 'error') return null;
  const text = res.error.body && res.error.body.error ? `Not computed: ${describe(res.error)}`
    : `The engine could not answer: ${describe(res.error)}`;
  return h('p', { class: 'banner banner-fail', role: 'alert', text });
}
export function statCards(items) {
  return h('dl', { class: 'stats' }, items.filter(Boolean).map(([k, v, cls]) =>
    h('div', { class: 'stat' + (cls ? ' ' + cls : '') }, h('dt', { text: k }), h('dd', { text: v }))));
}
export function mathPeekBox(part) {
  const id = `peek-${part}`;
  return h('div', { class: 'mathpeek' },
    h('button', {
      type: 'button', class: 'toggle', id: `peek-btn-${part}`, 'aria-expanded': 'false', 'aria-controls': id,
      onclick: () => store.update(() => { view()[part].peek = !view()[part].peek; }),
      text: 'Math Peek',
    }),
    h('pre', { id, class: 'peek', hidden: true, tabindex: 0, 'aria-label': 'Math Peek: the formulas with your numbers' }));
}
export function syncMathPeek(el, part, res) {
  const open = !!view()[part].peek;
  const btn = $(`#peek-btn-${part}`, el);
  const pre = $(`#peek-${part}`, el);
  if (!btn || !pre) return;
  btn.setAttribute('aria-expanded', String(open));
  setText(btn, open ? 'Hide Math Peek' : 'Show Math Peek: the formulas with your numbers');
  pre.hidden = !open;
  setText(pre, res && res.data && typeof res.data.math_peek === 'string' ? res.data.math_peek : '—');
}
export function busy(res) {
  return !!res && res.status === 'loading';
}
