// deploy.test.mjs: the browser walk of the course deployment (issue 17). tests/deploy/deploy_up.c
// starts the real parts on 127.0.0.1 (a throwaway PostgreSQL cluster, two `fleetops serve`
// replicas on one database, Debian's nginx over TLS with deploy/nginx.conf.in and a certificate
// made for the test) and keeps them up while this file drives a student in Debian's Chromium
// over HTTPS: nginx serves dist/ and rewrites its marker, so the page runs the engine in
// fleetops.wasm and keeps its ledger on the replicas. The student walks the whole lab (a track,
// Parts 1-3 locked, evidence captured, the 10-Iteration Rule's tries, reflections, the
// governance decision, the report) and replica 0 is SIGKILLed while a try is in flight; later
// PostgreSQL is stopped under a write for 1.5 s, so the page's own keyed retry runs. Then:
// the walk finished, the page showed the student no error, every write the page had
// acknowledged is in the ledger exactly once (through the API and in PostgreSQL), and the tries
// are not double-counted. ctest: web_deploy (label "scale"). Bounded: the helper has its own
// watchdog, and it stops everything when this process ends, however it ends.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { fleetopsBin, launchBrowser } from './lib.mjs';
import {
  captureEvidence, chooseTrack, driveCanary, driveContext, driveEnsemble, driveRoi, openPage, waitText,
} from './drive.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const DIST = process.env.FO_DIST || path.resolve(here, '../../dist');
const UP = process.env.FO_DEPLOY_UP || path.resolve(here, '../../build/fo_deploy_up');
const TRACK = 'cloud-titan';
/* replica 0 is SIGKILLed when the page sends its KILL_AT-th ledger write: Part 1's lock,
 * evidence and reflection are 1-3, Part 2's lock is 4, its tries 5-14: the 3rd try, in flight */
const KILL_AT = 7;
/* nginx passes a keyed write that died with its replica to the other one, so the page itself
 * may never see a failure from the kill. Its own retry (serverLedger: the same Idempotency-Key,
 * 250 ms to 4 s apart) is exercised by a PostgreSQL gap: when the page sends Part 2's evidence
 * capture (the first evidence after the ten tries), PostgreSQL is stopped (immediate) before
 * that request goes on, and started again PG_GAP_MS later: the replica answers 503, the page
 * retries with the same key until it is kept. */
const PG_GAP_MS = 1500;

/* The deployment: one helper process; its stdin is a command line (deploy_up.c). */
function startDeploy() {
  const child = spawn(UP, [], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, FO_DEPLOY_MAX_SECONDS: '150' } });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-20000); });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  const ready = [];
  lines.on('line', (l) => (waiting.length ? waiting.shift()(l) : ready.push(l)));
  const next = (ms, what) => new Promise((resolve, reject) => {
    if (ready.length) return resolve(ready.shift());
    const timer = setTimeout(() => reject(new Error(`deploy_up: no answer to ${what} within ${ms} ms; stderr: ${stderr.slice(-3000)}`)), ms);
    waiting.push((l) => { clearTimeout(timer); resolve(l); });
  });
  const exited = new Promise((resolve) => child.once('exit', (code, sig) => resolve({ code, sig })));
  return {
    info: next(60000, 'start-up').then(JSON.parse),
    /* one command, one line back (commands are sent one at a time) */
    cmd: (line) => {
      const p = next(15000, line);
      child.stdin.write(`${line}\n`);
      return p;
    },
    stderr: () => stderr,
    /* stops everything: "down", then (if the helper hangs) SIGKILL it and what it started */
    down: async (info) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end('down\n');
      const done = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 20000))]);
      if (done) return;
      for (const pid of [child.pid, info && info.nginx, ...((info && info.replicas) || []).map((r) => r.pid)]) {
        try { if (pid) process.kill(pid, 'SIGKILL'); } catch (e) { /* gone already */ }
      }
    },
  };
}

let deploy;
let info;
let schema;
before(async () => {
  if (!existsSync(path.join(DIST, 'fleetops.wasm')) || !existsSync(path.join(DIST, 'index.html'))) {
    throw new Error(`${DIST} has no static build: run \`make web\` first (make test does)`);
  }
  if (!existsSync(UP)) throw new Error(`${UP} is missing: build it (make build) or set FO_DEPLOY_UP`);
  schema = JSON.parse(execFileSync(fleetopsBin(), ['schema'], { encoding: 'utf8' }));
  deploy = startDeploy();
  info = await deploy.info;
});
after(async () => {
  if (deploy) await deploy.down(info);
});

const has = (name) => schema.commands.some((c) => c.name === name);
/* Expected numbers from the native CLI (the page runs fleetops.wasm; tests/wasm/parity.mjs
 * checks the two byte for byte). `static: true` only tells driveIterations not to count the
 * page's requests: a try the page retried after the kill is two requests for one try. The
 * tries are counted here instead, by their Idempotency-Keys and in the database. */
const context = (api) => driveContext(schema, api);

test('a student walks the whole lab over HTTPS through nginx while a replica is SIGKILLed', async (t) => {
  const t0 = Date.now();
  const { context: browser, close } = await launchBrowser(undefined, { ignoreHTTPSErrors: true });
  try {
    const page = await browser.newPage();
    /* Every ledger write the page sends: its key, each request's outcome, the last answer. */
    const writes = new Map(); /* key -> {path, tries: [outcome], status, body} */
    let sent = 0;
    let killed = null;
    page.on('request', (req) => {
      const u = new URL(req.url());
      if (req.method() !== 'POST' || !u.pathname.startsWith('/api/ledger/')) return;
      const key = req.headers()['idempotency-key'];
      if (!writes.has(key)) writes.set(key, { path: u.pathname, tries: [], status: 0, body: null });
      if (++sent === KILL_AT && !killed) {
        killed = { at: Date.now() - t0, write: u.pathname, done: deploy.cmd('kill 0') };
      }
    });
    page.on('response', async (r) => {
      const req = r.request();
      const w = req.method() === 'POST' && writes.get(req.headers()['idempotency-key']);
      if (!w) return;
      w.tries.push(r.status());
      w.status = r.status();
      w.body = await r.json().catch(() => null);
    });
    page.on('requestfailed', (req) => {
      const w = req.method() === 'POST' && writes.get(req.headers()['idempotency-key']);
      if (w) w.tries.push(`failed: ${req.failure() && req.failure().errorText}`);
    });
    let gap = null;
    await page.route(/\/api\/ledger\/evidence$/, async (route) => {
      const req = route.request();
      const tries = [...writes.values()].filter((w) => w.path === '/api/ledger/attempts').length;
      if (req.method() === 'POST' && !gap && tries >= 10) {
        gap = { at: Date.now() - t0, key: req.headers()['idempotency-key'] };
        await deploy.cmd('pg stop');
        gap.restarted = new Promise((r) => setTimeout(r, PG_GAP_MS)).then(() => deploy.cmd('pg start'));
      }
      await route.continue();
    });
    /* What the student sees: any error text or error-styled status the page ever shows. */
    await page.addInitScript(() => {
      window.__shownErrors = [];
      const re = /^(Could not|Not saved:|Not recorded:|Not computed:|The engine could not answer)/;
      const look = (el) => {
        if (!el || el.nodeType !== 1) return;
        for (const e of [el, ...el.querySelectorAll('*')]) {
          const text = (e.textContent || '').trim();
          if (e.classList.contains('is-error') || (e.children.length === 0 && re.test(text))) window.__shownErrors.push(text.slice(0, 200));
        }
      };
      new MutationObserver((muts) => {
        for (const m of muts) {
          if (m.type === 'attributes') look(m.target);
          else if (m.type === 'characterData') look(m.target.parentElement);
          else for (const n of m.addedNodes) look(n.nodeType === 1 ? n : n.parentElement);
        }
      }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class'] });
    });
    const { problems, api } = await openPage(browser, info.url, undefined, page);
    assert.equal(await page.evaluate(() => document.querySelector('meta[name="fleetops-backend"]').content), 'wasm+server-ledger',
      'nginx rewrote the marker: the engine in fleetops.wasm, the ledger on the replicas');
    const ctx = context(api);

    /* the walk */
    await chooseTrack(page, TRACK);
    await driveRoi(page, ctx, TRACK);
    await driveCanary(page, ctx, TRACK);
    await captureEvidence(page, 'canary');
    await driveEnsemble(page, ctx, TRACK);
    await captureEvidence(page, 'ensemble');
    await waitText(page, '#ledger', /Complete:/);
    const [md] = await Promise.all([page.waitForEvent('download'), page.click('#report-md')]);
    const report = readFileSync(await md.path(), 'utf8');
    assert.ok(report.startsWith('# fleetops lab report'), 'the report downloads from the replicas');
    assert.ok(!/INCOMPLETE/.test(report), 'the report is complete');
    assert.ok(killed, `replica 0 was killed mid-walk (at the ${KILL_AT}th ledger write; the page sent ${sent})`);
    assert.equal(await killed.done, 'killed 0');
    assert.ok(gap, 'PostgreSQL was stopped under Part 2\'s evidence capture');
    assert.equal(await gap.restarted, 'pg start');
    const walkSeconds = (Date.now() - t0) / 1000;

    /* The student saw no error. A write in flight when its replica died is passed on by nginx
     * (proxy_next_upstream ... non_idempotent for keyed writes) or retried by the page with the
     * same key; a request the page retried may still have logged a network error in the
     * console ("Failed to load resource", an nginx 502/504 or a net:: error on a ledger write):
     * only those are allowed, and only on writes whose key was answered in the end. Anything
     * else in the console, and anything the page showed, fails. */
    const shown = await page.evaluate(() => window.__shownErrors);
    assert.deepEqual(shown, [], 'the page showed the student no error');
    const notes = await page.evaluate(() => Object.values(window.fleetops.state().ui.notes).filter((n) => n.kind !== 'ok'));
    assert.deepEqual(notes, [], 'no error note is left on the page');
    const retriedNoise = (p) => /^console: Failed to load resource: (the server responded with a status of 50[234]|net::ERR_\w+)/.test(p) &&
      /\/api\/ledger\/\w+$/.test(p);
    assert.deepEqual(problems.filter((p) => !retriedNoise(p)), [], 'no other console error, page error or CSP violation');

    /* Every write the page acknowledged: answered 201 (a replayed key answers the first
     * answer), in the ledger once, with the id it was answered with. */
    const all = [...writes.values()];
    const unanswered = all.filter((w) => w.status !== 201);
    assert.deepEqual(unanswered.map((w) => `${w.path}: ${w.tries.join(', ')}`), [], 'every ledger write the page sent was acknowledged');
    const retried = all.filter((w) => w.tries.length > 1);
    const gapped = writes.get(gap.key);
    assert.ok(gapped.tries.length > 1 && gapped.tries.includes(503),
      `the write sent into the PostgreSQL gap was answered 503 and retried by the page with its key: ${gapped.tries.join(', ')}`);
    const ledger = await page.evaluate(async () => (await fetch('api/ledger', { headers: { Accept: 'application/json' } })).json());
    const ids = ledger.entries.map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length, 'no entry twice');
    const entryWrites = all.filter((w) => !w.path.endsWith('/predictions'));
    for (const w of entryWrites) {
      assert.equal(ids.filter((id) => id === w.body.id).length, 1, `${w.path} answered id ${w.body.id}: in the ledger once`);
    }
    assert.equal(ledger.entries.length, entryWrites.length, 'the ledger holds exactly the acknowledged entries, none twice');
    for (const kind of ['evidence', 'attempt', 'reflection', 'governance']) {
      const route = { evidence: 'evidence', attempt: 'attempts', reflection: 'reflections', governance: 'governance' }[kind];
      assert.equal(ledger.entries.filter((e) => e.kind === kind).length, all.filter((w) => w.path === `/api/ledger/${route}`).length,
        `${kind}: the ledger holds what was acknowledged`);
    }
    assert.deepEqual(ledger.predictions.map((p) => p.part).sort(), ['canary', 'ensemble', 'roi'], 'three locks, once each');
    const tries = ledger.entries.filter((e) => e.kind === 'attempt').length;
    const shownTries = await page.locator('#attempt-list li').count();
    assert.equal(tries, shownTries, 'the tries in the ledger are the tries the page shows');
    assert.ok(tries >= 1 && tries <= 10);

    /* And in PostgreSQL itself (the API could hide a duplicate): this session's rows. */
    const sid = Number(ledger.session);
    const count = async (sql) => Number(await deploy.cmd(`count ${sql}`));
    if (Number.isInteger(sid)) {
      assert.equal(await count(`SELECT count(*) FROM entries WHERE session_id = ${sid} AND kind = 'attempt'`), tries, 'PostgreSQL: the tries, once each');
      assert.equal(await count(`SELECT count(*) FROM entries WHERE session_id = ${sid}`), entryWrites.length, 'PostgreSQL: every acknowledged entry, once');
      assert.equal(await count(`SELECT count(*) FROM predictions WHERE session_id = ${sid}`), 3, 'PostgreSQL: three locks');
    }
    assert.equal(await count('SELECT count(*) FROM sessions'), 1, 'PostgreSQL: one student, one session');
    assert.equal(await count(`SELECT count(*) FROM entries WHERE kind = 'attempt'`), tries, 'PostgreSQL: no try counted twice');
    assert.equal(await count('SELECT count(*) FROM entries'), entryWrites.length, 'PostgreSQL: no entry counted twice');

    t.diagnostic(`walk over HTTPS in ${walkSeconds.toFixed(1)} s: ${all.length} keyed ledger writes (${tries} tries), ` +
      `replica 0 SIGKILLed ${(killed.at / 1000).toFixed(1)} s in, at write ${KILL_AT} (${killed.write}); ` +
      `PostgreSQL stopped ${(gap.at / 1000).toFixed(1)} s in for ${PG_GAP_MS} ms under an evidence capture; ` +
      `${retried.length} write(s) retried by the page: ${retried.map((w) => `${w.path} [${w.tries.join(', ')}]`).join('; ') || 'none'}; ` +
      `console lines allowed as retried-request noise: ${problems.length}`);
  } catch (e) {
    e.message += `\n--- deploy_up stderr (tail) ---\n${deploy.stderr().slice(-4000)}`;
    throw e;
  } finally {
    await close();
  }
});
