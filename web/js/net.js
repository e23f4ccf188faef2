/* net.js: the network. One channel per instrument: a sequence number and an AbortController, so
 * a new request aborts the older one and a response that is not the channel's newest is dropped
 * (a late answer never overwrites a newer one). Debounce for slider moves. The ledger's writes
 * (write, syncLedger): the page never edits the ledger, it asks the backend and takes the ledger
 * back. The only module that calls backends.js's transport and ledger (net.transport, net.ledger). */
import { LABELS } from './controls.js';
import { command, DEBOUNCE_MS, store } from './store.js';

/* ------------------------------------------------------------------ network */

export const net = { chans: {}, timers: {}, saving: {}, transport: null, ledger: null };
export function chan(name) {
  return net.chans[name] || (net.chans[name] = { seq: 0, ctrl: null });
}
export function abortAll() {
  for (const c of Object.values(net.chans)) {
    c.seq++;
    c.key = null;
    if (c.ctrl) c.ctrl.abort();
    c.ctrl = null;
  }
  for (const [k, t] of Object.entries(net.timers)) {
    if (k.startsWith('reflect:')) continue; /* a pending reflection save still happens */
    clearTimeout(t);
    delete net.timers[k];
  }
}
export function debounce(name, fn, ms = DEBOUNCE_MS) {
  clearTimeout(net.timers[name]);
  net.timers[name] = setTimeout(() => {
    delete net.timers[name];
    fn();
  }, ms);
}
/* The figure's <title> and <desc> as its alt text. (Not DOMParser: parsing the SVG's own
 * <style> inside the page would be checked against the page's style-src.) */
export function svgAlt(text) {
  const grab = (tag) => {
    const m = new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`).exec(text);
    return m ? decodeEntities(m[1].replace(/<[^>]*>/g, '')) : '';
  };
  return [grab('title'), grab('desc')].filter(Boolean).join('. ');
}
export function decodeEntities(t) {
  const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return t.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return named[e.toLowerCase()] ?? m;
  });
}
/* The width (CSS px) the engine lays a figure out for (issue 15): the width the channel's figure
 * is shown at, rounded DOWN to a breakpoint so a figure is never drawn wider than it is shown (its
 * text never shrinks below its size) and a resize within a breakpoint asks for nothing new. A
 * 390 px phone shows figures at 340 px, a 1280 px desktop at 650 px (beside their table) or 860 px
 * (a figure too dense to share the width: `wide`). The width is measured, not guessed: the
 * channel's own figure when it is on the page, else a hidden stand-in of the same instrument laid
 * out for a moment where the figure will sit. */
const FIG_BREAKPOINTS = [340, 480, 650, 860];
const FIG_MIN = 280;
const FIG_HOME = {
  crisis: ['#crisis-result', '#crisis'], roi: ['#results-roi', '#part-roi'], canary: ['#results-canary', '#part-canary'],
  sprt: ['#sprt-result', '#part-canary'], rollout: ['#rollout-result', '#part-canary'],
  ensemble: ['#results-ensemble', '#part-ensemble'], governance: ['#gov-result', '#part-ensemble'],
};
const FIG_WIDE = new Set(['crisis', 'ensemble', 'governance']);
function contentWidth(el) {
  const s = getComputedStyle(el);
  return el.clientWidth - (parseFloat(s.paddingLeft) || 0) - (parseFloat(s.paddingRight) || 0);
}
function shownWidth(ch) {
  const [own, section] = FIG_HOME[ch] || [];
  const home = (own && document.querySelector(own)) || (section && document.querySelector(section)) || document.querySelector('main');
  if (!home) return 0;
  const img = own && home.matches(own) ? home.querySelector('.instrument .fig img') : null;
  if (img && img.clientWidth) return img.clientWidth;
  const fig = document.createElement('div');
  fig.className = 'fig';
  const col = document.createElement('div');
  col.className = 'fig-col';
  col.append(fig);
  const probe = document.createElement('div');
  probe.className = 'instrument' + (FIG_WIDE.has(ch) ? ' wide' : '');
  probe.setAttribute('aria-hidden', 'true');
  probe.style.visibility = 'hidden';
  probe.append(col, document.createElement('div'));
  home.append(probe);
  const w = contentWidth(fig);
  probe.remove();
  return w;
}
export function figureWidth(ch) {
  if (typeof document === 'undefined') return FIG_BREAKPOINTS[FIG_BREAKPOINTS.length - 1];
  const w = Math.floor(shownWidth(ch) + 0.5);
  if (!w) return FIG_BREAKPOINTS[FIG_BREAKPOINTS.length - 1];
  return FIG_BREAKPOINTS.filter((b) => b <= w).pop() || FIG_MIN;
}
/* The channels whose figure is on the page drawn for another breakpoint than it is shown at
 * now (a rotated phone, a resized window): the caller asks them again. */
export function figuresOffWidth() {
  return Object.entries(store.state.server.results)
    .filter(([ch, r]) => r && r.status === 'ok' && r.svg && r.figW && figureWidth(ch) !== r.figW)
    .map(([ch]) => ch);
}
/* Loads one channel: the JSON and, when the command draws a figure, its SVG, committed
 * together so the figure and its table always show the same request. */
export async function load(ch, cmd, params, opts = {}) {
  const c = chan(ch);
  const figW = opts.svg !== false && command(cmd) && command(cmd).figure ? figureWidth(ch) : 0;
  const key = `${cmd}?${JSON.stringify(params)}@${figW}`;
  /* `ifChanged`: the channel already asked for exactly this (answered or on its way) */
  if (opts.ifChanged && c.key === key && store.state.server.results[ch]) return null;
  c.key = key;
  const seq = ++c.seq;
  if (c.ctrl) c.ctrl.abort();
  const ctrl = new AbortController();
  c.ctrl = ctrl;
  const wantSvg = opts.svg !== false && !!(command(cmd) && command(cmd).figure);
  store.update((st) => {
    const old = st.server.results[ch];
    st.server.results[ch] = Object.assign({}, old || {}, { status: 'loading', seq });
  });
  try {
    const sent = figW ? Object.assign({}, params, { width: figW }) : params;
    const { data, svg } = await net.transport.run(cmd, sent, { svg: wantSvg, signal: ctrl.signal });
    if (seq !== c.seq) return null; /* a newer request owns this channel */
    c.ctrl = null;
    store.update((st) => {
      st.server.results[ch] = {
        status: 'ok', seq, data, params, figW,
        svg: svg ? 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg) : null,
        alt: svg ? svgAlt(svg) : '',
        error: null,
      };
    });
    return data;
  } catch (e) {
    if (e.name === 'AbortError' || seq !== c.seq) return null;
    c.ctrl = null;
    store.update((st) => {
      const old = st.server.results[ch] || {};
      st.server.results[ch] = Object.assign({}, old, {
        status: 'error', seq, params,
        error: { message: e.message, body: e.body || null, status: e.status || 0 },
      });
    });
    return null;
  }
}

/* What each channel asks for. Only called for locked parts (see refresh*). */

/* ------------------------------------------------------------------ the ledger's actions */

/* A refusal in words: the backend's {error, param, value, allowed}. */
/* A refusal as one sentence in the student's words: what was refused and what is allowed
 * (the backend's {error, param, value, allowed}, with the parameter's label, not its key). */
export function describe(e) {
  const b = e && e.body;
  if (b && b.error) {
    const first = String(b.error).charAt(0).toUpperCase() + String(b.error).slice(1);
    const what = b.param && LABELS[b.param] ? ` for “${LABELS[b.param]}”${b.value !== undefined && b.value !== '' ? ` (${b.value})` : ''}` : '';
    return `${first}${what}${b.allowed ? `: ${b.allowed}` : ''}.`.replace(/\.\.$/, '.');
  }
  const m = (e && e.message) || String(e);
  return /[.!?]$/.test(m) ? m : `${m}.`;
}
export function setNote(st, key, kind, text) {
  st.ui.notes[key] = { kind, text, at: new Date().toISOString() };
}
/* Re-reads the whole ledger from its backend: what the page shows is what it holds. */
export async function syncLedger() {
  try {
    const l = await net.ledger.load();
    store.update((st) => {
      st.ledger = l;
    });
  } catch (e) {
    store.update((st) => setNote(st, 'ledger', 'error', `Could not read your ledger: ${describe(e)}`));
  }
}
/* One write: marks `key` busy, asks the backend, takes the ledger back (also after a refusal:
 * a 409 means the ledger already holds something the page should show). */
export async function write(key, fn) {
  store.update((st) => {
    st.ui.busy[key] = true;
    delete st.ui.notes[key];
  });
  try {
    const r = await fn(net.ledger);
    await syncLedger();
    return r;
  } catch (e) {
    if ([401, 403, 409].includes(e.status)) await syncLedger();
    store.update((st) => setNote(st, key, e.status === 409 ? 'refused' : 'error', describe(e)));
    return null;
  } finally {
    store.update((st) => {
      delete st.ui.busy[key];
    });
  }
}
