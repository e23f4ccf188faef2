// axe.test.mjs: axe-core (npm registry, tests/web's devDependency, injected from node_modules by
// Playwright's addScriptTag: no CDN) on the page's states, light and dark, phone and desktop
// (issue 15): zero violations of wcag2a, wcag2aa, wcag21aa and wcag22aa. States driven: the start;
// a track chosen (its crisis and the parts before their locks); Part 1 after its lock. A state
// that does not meet it yet is listed in axe.known.json with what was found and its subtest is
// marked `todo` (reported, never hidden); every other state asserts zero violations. Everything
// found is written to build/screenshots/axe.json.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';

import { openPage } from './drive.mjs';
import { launchBrowser, shotPath, startServer } from './lib.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'];
const KNOWN = new Map(Object.entries(JSON.parse(readFileSync(new URL('./axe.known.json', import.meta.url), 'utf8'))));
const VIEWS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };
const TRACK = 'tiny-pioneer';

let server;
const found = [];
before(async () => { server = await startServer(); });
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
      } finally {
        await browser.close();
      }
    });
  }
}
