// axe.test.mjs: axe-core (npm registry, tests/web's devDependency, injected from node_modules by
// Playwright's addScriptTag: no CDN) on the page's states, light and dark, phone and desktop
// (issue 15): zero violations of wcag2a, wcag2aa, wcag21aa and wcag22aa. States driven: the start;
// a track chosen (its crisis and the parts before their locks); Part 1 after its lock; Part 2
// after its lock, after one try of the 10-Iteration Rule, and with the rule spent (the SPRT and
// the ShadowModeDashboard shown); Part 3 after its lock (the Ensemble Trace) and with the
// governance year shown; the ledger with every part done; the HTML report its button downloads;
// the instructor's sign-in, class view and projector layout (issue 18). A state
// that does not meet it yet is listed in axe.known.json with what was found and its subtest is
// marked `todo` (reported, never hidden); every other state asserts zero violations. Everything
// found is written to build/screenshots/axe.json.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';

import { openPage, waitText } from './drive.mjs';
import { launchBrowser, shotPath, startServer } from './lib.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'];
const KNOWN = new Map(Object.entries(JSON.parse(readFileSync(new URL('./axe.known.json', import.meta.url), 'utf8'))));
const VIEWS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };
const TRACK = 'tiny-pioneer';

const TOKEN = '9c1d4e7a2b8f3065d1e4a7c2b9f08e13'; /* the instructor's, 128 bits */
let server;
let schema;
const found = [];
const has = (name) => schema.commands.some((c) => c.name === name);
before(async () => {
  process.env.FLEETOPS_INSTRUCTOR_TOKEN = TOKEN;
  server = await startServer();
  delete process.env.FLEETOPS_INSTRUCTOR_TOKEN;
  schema = await (await fetch(server.url + 'api/schema')).json();
  /* a small class for the instructor's view: three students, one lock each, one reflection */
  for (const [track, n] of [['tiny-pioneer', 10], ['cloud-titan', 40], ['edge-guardian', 5]]) {
    const r = await fetch(`${server.url}api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ track }) });
    const cookie = r.headers.get('set-cookie').split(';')[0];
    const post = (p, b) => fetch(server.url + p, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie }, body: JSON.stringify(b) });
    await post('api/ledger/predictions', { part: 'roi', value: n });
    await post('api/ledger/reflections', { part: 'roi', text: 'Pairs grow as N squared.' });
  }
});
after(async () => {
  writeFileSync(shotPath('axe.json'), JSON.stringify(found, null, 1));
  await server?.stop();
});

async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')), help: v.help }));
  }, TAGS);
}

function check(t, key, violations) {
  found.push({ state: key, violations });
  const summary = violations.map((v) => `${v.id} x${v.nodes} (${v.targets.join(', ')})`);
  if (KNOWN.has(key)) {
    if (!violations.length) assert.fail(`${key} passes now: remove it from axe.known.json`);
    t.todo(`${key}: ${summary.join('; ')}`);
    return;
  }
  assert.deepEqual(summary, [], key);
}

for (const scheme of ['light', 'dark']) {
  for (const [view, viewport] of Object.entries(VIEWS)) {
    test(`axe-core on the page's states, ${view}, ${scheme}`, async (t) => {
      const browser = await launchBrowser(viewport, { colorScheme: scheme });
      try {
        /* The page's CSP (script-src 'self') refuses an injected script: this test's tab alone
         * bypasses it (Chromium's Page.setBypassCSP) so addScriptTag can add axe-core. */
        const tab = await browser.context.newPage();
        await (await browser.context.newCDPSession(tab)).send('Page.setBypassCSP', { enabled: true });
        const { page } = await openPage(browser.context, server.url, undefined, tab);
        await t.test(`start@${view}-${scheme}`, async (st) => check(st, `start@${view}-${scheme}`, await axe(page)));
        await page.click(`.track-card[data-track="${TRACK}"]`);
        await page.waitForSelector(`.track-card[data-track="${TRACK}"][aria-pressed="true"]`);
        await page.waitForSelector('#crisis .instrument img[src^="data:image/svg+xml"]', { timeout: 15000 }).catch(() => {});
        await t.test(`crisis, parts before their locks@${view}-${scheme}`, async (st) =>
          check(st, `crisis, parts before their locks@${view}-${scheme}`, await axe(page)));
        await page.fill('#lock-roi', '10');
        await page.press('#lock-roi', 'Enter');
        await page.waitForSelector('#results-roi .instrument img[src^="data:image/svg+xml"]', { timeout: 15000 });
        await t.test(`part 1 after its lock@${view}-${scheme}`, async (st) =>
          check(st, `part 1 after its lock@${view}-${scheme}`, await axe(page)));
        const state = async (name) => t.test(`${name}@${view}-${scheme}`, async (st) => check(st, `${name}@${view}-${scheme}`, await axe(page)));

        /* Part 2 after its lock; then one try of the 10-Iteration Rule; then the rule spent, with
         * the sequential test (SPRT) and the ShadowModeDashboard shown */
        await page.fill('#lock-canary', '1000');
        await page.press('#lock-canary', 'Enter');
        await page.waitForSelector('#results-canary .instrument img[src^="data:image/svg+xml"]', { timeout: 15000 });
        await state('part 2 after its lock');
        for (let n = 1; n <= 10; n++) {
          if (await page.locator('#attempt-submit').isDisabled()) break;
          await page.fill('#attempt-hours', String(0.01 * n));
          await page.click('#attempt-submit');
          await waitText(page, '#attempt-counter', `Attempts used: ${n} of 10`);
          if (n === 1) await state('part 2 after one try of the 10-Iteration Rule');
        }
        await waitText(page, '#attempt-counter', /solved at attempt|out of tries/);
        if (has('sprt')) await waitText(page, '#sprt-result', /Three tests at/, 15000);
        if (has('rollout')) await waitText(page, '#rollout-result', /Decision: /, 15000);
        await page.waitForSelector('#results-canary .instrument img[src^="data:image/svg+xml"]');
        await state('part 2 with the rule spent, SPRT and dashboard shown');

        /* Part 3 after its lock: the Ensemble Trace of a silent failure; then the governance year */
        await page.click('#part-ensemble [data-choice="drop"]');
        await page.waitForSelector('#results-ensemble .instrument img[src^="data:image/svg+xml"]', { timeout: 15000 });
        await page.check('#part-ensemble input[value="v2"]');
        await page.check('#part-ensemble input[value="no"]');
        await waitText(page, '#results-ensemble .banner-fail', /Silent failure/, 15000);
        await page.waitForSelector('#results-ensemble .instrument img[src^="data:image/svg+xml"]');
        await state('part 3 after its lock, Ensemble Trace');
        if (has('governance')) {
          await page.click('.policy-btn[data-policy="strict"]');
          await waitText(page, '#gov-result', /Weeks in silent failure/, 15000);
          await page.waitForSelector('#gov-result .instrument img[src^="data:image/svg+xml"]');
          await state('part 3 governance shown');
        }

        /* the ledger with every part in it (reflections written, a decision recorded) */
        for (const part of ['canary']) {
          await page.fill(`#reflect-${part}`, 'Stop as soon as the evidence is in.');
          await page.click(`#reflect-save-${part}`);
          await waitText(page, `#reflect-status-${part}`, /Saved in your ledger/);
        }
        await page.fill('#reflect-ensemble', 'A view version is a contract.');
        await page.click('#record-decision');
        await waitText(page, '#decision-status', /In your ledger/);
        await page.locator('#ledger').scrollIntoViewIfNeeded();
        await waitText(page, '#ledger', /You predicted/);
        await state('the ledger, every part done');

        /* the report the ledger's button downloads (an attachment), opened as the student opens
         * the saved file */
        const cookie = (await browser.context.cookies(server.url)).map((c) => `${c.name}=${c.value}`).join('; ');
        const res = await fetch(server.url + 'api/report?format=html', { headers: { Cookie: cookie } });
        assert.equal(res.status, 200, 'the report downloads');
        const report = await browser.context.newPage();
        await report.setContent(await res.text());
        await t.test(`the report (HTML)@${view}-${scheme}`, async (st) => check(st, `the report (HTML)@${view}-${scheme}`, await axe(report)));
      } finally {
        await browser.close();
      }
    });
  }
}

/* The instructor's side (issue 18): the sign-in form, the class view and its projector layout. */
for (const scheme of ['light', 'dark']) {
  for (const [view, viewport] of Object.entries(VIEWS)) {
    test(`axe-core on the instructor's view, ${view}, ${scheme}`, async (t) => {
      const browser = await launchBrowser(viewport, { colorScheme: scheme });
      try {
        const page = await browser.context.newPage();
        await (await browser.context.newCDPSession(page)).send('Page.setBypassCSP', { enabled: true });
        await page.goto(server.url + 'instructor');
        await page.locator('#signin').waitFor();
        await t.test(`instructor sign-in@${view}-${scheme}`, async (st) => check(st, `instructor sign-in@${view}-${scheme}`, await axe(page)));
        await page.locator('#token').fill(TOKEN);
        await page.locator('#signin button[type=submit]').click();
        await page.locator('#progress').waitFor();
        await t.test(`class view@${view}-${scheme}`, async (st) => check(st, `class view@${view}-${scheme}`, await axe(page)));
        await page.locator('#projector').click();
        await page.locator('#projector[aria-pressed="true"]').waitFor();
        await page.locator('#progress').waitFor();
        await t.test(`class view, projector@${view}-${scheme}`, async (st) => check(st, `class view, projector@${view}-${scheme}`, await axe(page)));
      } finally {
        await browser.close();
      }
    });
  }
}
