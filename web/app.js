/* app.js: the fleetops lab page's entry. Plain JavaScript in native ES modules: no framework,
 * no build step, no eval, no inline styles (the page's Content-Security-Policy forbids them).
 *
 * The modules (web/js/), by concern:
 *  - store.js     the ONE store (all page state, JSON-serialisable, changed only through
 *                 store.update), the parts' plan, the ledger read the way panels read it, and
 *                 the schema (parameters, ranges, units, defaults, track presets)
 *  - net.js       the network: one channel per instrument (sequence number + AbortController,
 *                 a late answer never overwrites a newer one), debounce, and the ledger's writes;
 *                 the only module that talks to backends.js's transport and ledger
 *  - format.js    numbers, percents, hours, dollars, thousands separators, choice labels
 *  - dom.js       h()/s() element builders, keyed/memo rebuilds, setText
 *  - controls.js  sliders and exact-value boxes for schema parameters
 *  - widgets.js   tables (every column named), figures with their table view, banners,
 *                 evidence capture, Math Peek
 *  - start.js     the track choice and the session
 *  - identity.js  at the track choice, the name or ID the teacher asked for and the one line
 *                 saying what the teacher sees
 *  - crisis.js    the track's Ops crisis
 *  - parts.js     what every part shares: the lock, the workbench frame, reflections, refresh
 *  - part1-roi.js, part2-canary.js (Confidence Clock, radar, the 10-Iteration Rule, sequential
 *                 validation, ShadowModeDashboard), part3-ensemble.js (Ensemble Trace,
 *                 governance)
 *  - ledger-view.js the ledger section and the report download
 *
 * backends.js (a classic script loaded first) is the only difference between the two ways the
 * lab is served: the transport (fleetops serve's /api, or fleetops.wasm in a worker) and the
 * ledger (the server's, or localStorage). The lock rule: a part's answer-bearing commands are
 * never requested before that part's prediction is locked in the ledger.
 */
import { renderCrisis } from './js/crisis.js';
import { initIdentity } from './js/identity.js';
import { renderLedger } from './js/ledger-view.js';
import { debounce, figuresOffWidth, net } from './js/net.js';
import { refreshAll, renderParts, saveReflection } from './js/parts.js';
import { renderStart } from './js/start.js';
import { onRender, PART_ORDER, reflectionOf, restore, store, track, view } from './js/store.js';

function render() {
  const st = store.state;
  renderStart(st);
  renderCrisis(st);
  renderParts(st);
  renderLedger(st);
  document.body.classList.toggle('has-track', !!track());
}
onRender(render);

async function boot() {
  restore();
  render();
  let schema;
  let lab;
  let ledger;
  try {
    const b = await window.FleetopsBackends.connect(() => store.state.server.lab || lab);
    net.transport = b.transport;
    net.ledger = b.ledger;
    initIdentity(b.ledger); /* what the teacher asks at the track choice (not awaited) */
    schema = b.schema;
    const labP = b.transport.get('lab', {}).then((x) => (lab = x));
    /* the browser's ledger needs the plan to say what is missing; the server's does not */
    const ledgerP = (b.ledger.kind === 'local' ? labP.then(() => b.ledger.load()) : b.ledger.load()).catch(() => null);
    [, ledger] = await Promise.all([labP, ledgerP]);
  } catch (e) {
    store.update((st) => {
      st.server.loadError = `Could not start the lab (${e.message}). Served by \`fleetops serve\`? Is it still running? ` +
        'From a static host, fleetops.wasm must sit next to index.html.';
    });
    return;
  }
  store.update((st) => {
    st.mode = { transport: net.transport.kind, ledger: net.ledger.kind };
    st.server.schema = schema;
    st.server.lab = lab;
    st.ledger = ledger && lab.tracks.some((t) => t.id === ledger.track) ? ledger : null;
  });
  document.documentElement.dataset.transport = net.transport.kind;
  if (!track()) return;
  refreshAll();
  /* a draft typed before the page went away: saved now */
  for (const p of PART_ORDER) if (typeof view()[p].draft === 'string' && view()[p].draft !== reflectionOf(p)) saveReflection(p);
}
/* A figure is drawn for the width it is shown at (issue 15): when the window's width crosses a
 * breakpoint (a rotated phone, a resized window), the figures drawn for another width are asked
 * again, once the resizing has stopped; within a breakpoint nothing is asked. */
addEventListener('resize', () => debounce('figure-width', () => {
  if (net.transport && track() && figuresOffWidth().length) refreshAll();
}, 250));

/* Leaving the page: unsaved reflections go to the ledger (keepalive requests). */
addEventListener('pagehide', () => {
  if (net.ledger && view()) for (const p of PART_ORDER) if (typeof view()[p].draft === 'string') saveReflection(p);
});

/* For tests: read-only access to the one state object. */
window.fleetops = Object.freeze({ state: () => JSON.parse(JSON.stringify(store.state)) });

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();
