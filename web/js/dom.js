/* dom.js: DOM helpers: h() and svgEl() build elements (never parsing HTML), keyed() and memo()
 * rebuild a block only when what it shows changed (inputs keep focus and caret), setText(). */

/* ------------------------------------------------------------------ DOM helpers */

export const $ = (sel, root = document) => root.querySelector(sel);
export const PROPS = new Set(['value', 'checked', 'disabled', 'hidden', 'htmlFor', 'tabIndex']);
export function h(tag, props, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (PROPS.has(k)) e[k] = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  append(e, kids);
  return e;
}
export function append(e, kids) {
  for (const k of kids.flat(Infinity)) {
    if (k === null || k === undefined || k === false) continue;
    e.append(k instanceof Node ? k : String(k));
  }
  return e;
}
export const SVGNS = 'http://www.w3.org/2000/svg';
export function svgEl(tag, attrs, ...kids) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) e.setAttribute(k, String(v));
  for (const k of kids.flat(Infinity)) if (k !== null && k !== undefined) e.append(k instanceof Node ? k : String(k));
  return e;
}
/* Rebuilds `el` from build() only when `key` changed: inputs keep focus and caret. */
export function keyed(el, key, build) {
  if (el.dataset.key === key) return false;
  el.dataset.key = key;
  el.replaceChildren(...[build()].flat(Infinity).filter(Boolean));
  return true;
}
/* Rebuilds `el` when any of `deps` changed by identity (result objects are replaced whole). */
export function memo(el, deps, build) {
  const old = el.__deps;
  if (old && old.length === deps.length && old.every((d, i) => d === deps[i])) return;
  el.__deps = deps;
  el.replaceChildren(...[build()].flat(Infinity).filter(Boolean));
}
export function setText(el, text) {
  if (el && el.textContent !== text) el.textContent = text;
}
