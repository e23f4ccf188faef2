// page.test.mjs: the lab page in Debian's Chromium (playwright-core), against a real
// `fleetops serve`. A new user goes through every track; the lock rule, request ordering,
// debouncing, keyboard use, phone width and the dark theme are checked on their own.
// Screenshots go to build/screenshots/ (FO_SCREENSHOTS).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, shotPath, startServer, TRACKS } from './lib.mjs';
import {
  chooseTrack, driveCanary, driveContext, driveCrisis, driveEnsemble, driveRoi, openPage, shoot, textOf, waitText,
} from './drive.mjs';
import { driveStale, driveStory } from './story.mjs';

let srv;
let schema;
before(async () => {
  srv = await startServer();
  schema = await (await fetch(srv.url + 'api/schema')).json();
});
after(async () => {
  assert.equal(await srv.stop(), 0);
});

const has = (name) => schema.commands.some((c) => c.name === name);
const context = (api) => driveContext(schema, api, srv.url);

test('a new user walks every track: crisis, locks, reveals, sliders, Math Peek, evidence, reflections, ledger', async (t) => {
  const { context: browser, close } = await launchBrowser();
  try {
    const { page, problems, api } = await openPage(browser, srv.url);
    const ctx = context(api);
    t.diagnostic(`page interactive (first track card) ${await page.evaluate(() => Math.round(window.__firstCard))} ms after navigation start`);
    await shoot(page, '#start', 'start.png');
    /* Before any track: no answer-bearing request at all, only the schema, the plan and the
     * (empty) ledger. */
    assert.deepEqual([...new Set(api.map((r) => r.cmd))].sort(), ['lab', 'ledger', 'schema']);
    let sessions = 0;
    for (const track of TRACKS) {
      await chooseTrack(page, track);
      sessions++;
      assert.equal(api.filter((r) => r.cmd === 'session').length, sessions, 'each track is a new session (a new ledger)');
      await waitText(page, '#track-badge', (await textOf(page, `.track-card[data-track="${track}"] .track-name`)));
      await driveCrisis(page, ctx, track, `${track}-crisis.png`);
      if (has('roi')) await driveRoi(page, ctx, track, `${track}-part1.png`);
      if (has('canary')) await driveCanary(page, ctx, track, `${track}-part2.png`);
      else {
        await waitText(page, '#part-canary .not-built', '(this part’s model is not built yet)');
        await waitText(page, '#part-canary .plan', 'The Lock: If you want to be 95% confident');
      }
      if (has('ensemble')) await driveEnsemble(page, ctx, track, `${track}-part3.png`);
      else await waitText(page, '#part-ensemble .not-built', '(this part’s model is not built yet)');
      await waitText(page, '#ledger', /You predicted/);
      const ledger = await textOf(page, '#ledger');
      assert.ok(ledger.includes(`Heterogeneity makes pairs (${track}).`), 'the reflection is in the ledger');
      /* every part this server has is done: only unbuilt parts can be missing */
      assert.ok(ledger.includes(has('canary') ? 'Complete:' : 'Still missing: Part 2: the locked predictionPart 2: the reflection'),
        `the ledger says what is missing: ${ledger.slice(0, 300)}`);
      await shoot(page, '#ledger', `${track}-ledger.png`);
    }
    /* The page follows the newest session; a reload (with this browser's storage wiped) gets
     * all of it back from the server. */
    const before = await page.evaluate(() => window.fleetops.state());
    assert.doesNotThrow(() => JSON.stringify(before), 'the state is one serialisable object');
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.waitForSelector('#reveal-roi');
    const afterReload = await page.evaluate(() => window.fleetops.state());
    assert.deepEqual(afterReload.ledger, before.ledger, 'a reload restores every lock, reveal, attempt, evidence and reflection from the server');
    assert.equal(afterReload.ledger.track, TRACKS[TRACKS.length - 1]);
    assert.equal(await page.inputValue('#reflect-roi'), `Heterogeneity makes pairs (${TRACKS[TRACKS.length - 1]}).`);
    await page.waitForSelector('#results-roi .instrument img');
    await page.screenshot({ path: shotPath('full-page.png'), fullPage: true });
    assert.deepEqual(problems, [], 'no console error, page error or CSP violation');
  } finally {
    await close();
  }
});

test('a late response never overwrites a newer one (first of two requests delayed)', async () => {
  const { context: browser, close } = await launchBrowser();
  try {
    const { page, problems, api } = await openPage(browser, srv.url);
    await chooseTrack(page, 'cloud-titan');
    await page.fill('#lock-roi', '30');
    await page.press('#lock-roi', 'Enter');
    await page.waitForSelector('#results-roi .stats');
    let delayed = 0;
    await page.route(/\/api\/roi\?.*models=7(&|$)/, async (route) => {
      delayed++;
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue().catch(() => {}); /* the page may have aborted it: that is the point */
    });
    await page.fill('#p-roi-roi-models-exact', '7');
    await page.waitForRequest(/\/api\/roi\?.*models=7(&|$)/);
    await page.fill('#p-roi-roi-models-exact', '9');
    await waitText(page, '#results-roi .stats', 'ROI at N = 9');
    await page.waitForTimeout(2000); /* the delayed answer for N = 7 has come and gone */
    assert.ok(delayed >= 1, 'the first request was delayed');
    await waitText(page, '#results-roi .stats', 'ROI at N = 9', 100);
    await waitText(page, '#results-roi', 'Toil breakdown at N = 9 (per year)', 100);
    const st = await page.evaluate(() => window.fleetops.state());
    assert.equal(st.server.results.roi.params.models, 9, 'the stored result is the newer request');
    assert.equal(st.server.results.roi.data.models, 9);
    assert.match(decodeURIComponent(st.server.results.roi.svg), /N = 9 \(yours\)/, 'the figure is the newer one too');
    assert.ok(api.some((r) => r.params.models === '7'));
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('slider moves are debounced: a burst of input events sends one request, for the last value', async () => {
  const { context: browser, close } = await launchBrowser();
  try {
    const { page, problems, api } = await openPage(browser, srv.url);
    await chooseTrack(page, 'edge-guardian');
    await page.fill('#lock-roi', '12');
    await page.press('#lock-roi', 'Enter');
    await page.waitForSelector('#results-roi .stats');
    await page.waitForTimeout(200);
    const n0 = api.length;
    await page.evaluate(() => {
      const r = document.querySelector('#p-roi-roi-heterogeneity');
      for (const v of ['0.1', '0.2', '0.3', '0.4', '0.5', '0.6', '0.7']) {
        r.value = v;
        r.dispatchEvent(new Event('input', { bubbles: true }));
      }
    });
    await waitText(page, '#p-roi-roi-heterogeneity-out', '70%');
    await page.waitForTimeout(500);
    const burst = api.slice(n0).filter((r) => r.cmd === 'roi');
    assert.ok(burst.length >= 1 && burst.length <= 2, `one request (JSON, plus its SVG): got ${burst.length}`);
    for (const r of burst) assert.equal(r.params.heterogeneity, '0.7');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('keyboard only: a student goes through Part 1 without a mouse', async () => {
  const { context: browser, close } = await launchBrowser();
  try {
    const { page, problems } = await openPage(browser, srv.url);
    const focused = () => page.evaluate(() => {
      const e = document.activeElement;
      return e ? `${e.tagName.toLowerCase()}#${e.id}|${e.dataset.track || ''}` : '';
    });
    async function tabTo(want, max = 80) {
      for (let i = 0; i < max; i++) {
        await page.keyboard.press('Tab');
        if ((await focused()).includes(want)) return;
      }
      throw new Error(`Tab never reached ${want}; focus is on ${await focused()}`);
    }
    await tabTo('|tiny-pioneer');
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(ring, 'none', 'a keyboard-focused control shows a focus ring');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.track-card[data-track="tiny-pioneer"][aria-pressed="true"]');
    await tabTo('input#lock-roi');
    await page.keyboard.type('15');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#reveal-roi.ready');
    assert.equal(await focused(), 'div#reveal-roi|', 'focus moves to the reveal after the lock');
    await tabTo('input#p-roi-roi-models');
    const before = await page.evaluate(() => window.fleetops.state().view['tiny-pioneer'].roi.params.roi.models);
    assert.equal(before, undefined, 'the slider starts at the track preset');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await waitText(page, '#results-roi .stats', 'ROI at N = 9'); /* preset 6, three steps up */
    await tabTo('input#p-roi-roi-heterogeneity');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
    await waitText(page, '#p-roi-roi-heterogeneity-out', '65%'); /* preset 70%, five 1% steps down */
    await tabTo('button#peek-btn-roi');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#peek-roi', { state: 'visible' });
    await waitText(page, '#peek-roi', /N\(N-1\)\/2 = .*0\.65/);
    await tabTo('textarea#reflect-roi');
    await page.keyboard.type('Pairs grow as N squared.');
    await page.keyboard.press('Tab'); /* leaving the box saves it */
    await waitText(page, '#reflect-status-roi', 'Saved in your ledger: revision 1');
    const st = await page.evaluate(() => window.fleetops.state());
    const v = st.view['tiny-pioneer'].roi;
    assert.equal(v.params.roi.models, 9);
    assert.equal(v.params.roi.heterogeneity, 0.65);
    assert.equal(v.peek, true);
    assert.equal(st.ledger.entries.filter((e) => e.kind === 'reflection').pop().body.text, 'Pairs grow as N squared.');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('phone width (390 px): nothing wider than the screen; screenshots', async () => {
  const { context: browser, close } = await launchBrowser({ width: 390, height: 844 });
  try {
    const { page, problems } = await openPage(browser, srv.url);
    await page.screenshot({ path: shotPath('phone-start.png') });
    await chooseTrack(page, 'mobile-nomad');
    await page.fill('#lock-roi', '20');
    await page.press('#lock-roi', 'Enter');
    await page.waitForSelector('#results-roi .instrument img');
    await page.click('#peek-btn-roi');
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `the page is ${wide} px wide at a 390 px viewport`);
    const overflow = await page.evaluate(() => [...document.querySelectorAll('main *')]
      .filter((e) => e.getBoundingClientRect().right > 391 && !e.closest('.table-scroll, pre, .fig'))
      .map((e) => `${e.tagName}.${e.className}`).slice(0, 5));
    assert.deepEqual(overflow, [], 'no element sticks out of the screen');
    await shoot(page, '#part-roi', 'phone-part1.png');
    /* the wide panels too: the crisis, Part 3 with its trace and governance, the ledger */
    await page.waitForSelector('#crisis .instrument img');
    await page.click('#part-ensemble [data-choice="drop"]');
    await page.waitForSelector('#results-ensemble .instrument img');
    await page.click('.policy-btn[data-policy="strict"]');
    await page.waitForSelector('#gov-result .instrument img');
    await page.fill('#reflect-ensemble', 'Strict.');
    await page.click('#record-decision');
    await waitText(page, '#decision-status', /In your ledger/);
    const wide2 = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide2 <= 390, `the page is ${wide2} px wide at a 390 px viewport with every panel open`);
    const overflow2 = await page.evaluate(() => [...document.querySelectorAll('main *')]
      .filter((e) => e.getBoundingClientRect().right > 391 && !e.closest('.table-scroll, pre, .fig, .contract'))
      .map((e) => `${e.tagName}.${e.className}`).slice(0, 5));
    assert.deepEqual(overflow2, [], 'no element of the crisis, Part 3 or the ledger sticks out of the screen');
    await shoot(page, '#crisis', 'phone-crisis.png');
    await shoot(page, '#part-ensemble', 'phone-part3.png');
    await shoot(page, '#ledger', 'phone-ledger.png');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('dark theme follows the system; the figures follow it too', async () => {
  const { context: browser, close } = await launchBrowser({ width: 1280, height: 800 }, { colorScheme: 'dark' });
  try {
    const { page, problems } = await openPage(browser, srv.url);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = bg.match(/\d+/g).map(Number);
    assert.ok(0.2126 * r + 0.7152 * g + 0.0722 * b < 60, `dark background: ${bg}`);
    await chooseTrack(page, 'cloud-titan');
    await page.fill('#lock-roi', '40');
    await page.press('#lock-roi', 'Enter');
    await page.waitForSelector('#results-roi .instrument img');
    /* the figure carries its own dark rule (self-contained for the CLI and the report) and its
     * frame takes the figure's dark background: no light slab on the dark page */
    const frame = await page.evaluate(() => getComputedStyle(document.querySelector('#results-roi .fig')).backgroundColor);
    const [fr, fg, fb] = frame.match(/\d+/g).map(Number);
    assert.ok(0.2126 * fr + 0.7152 * fg + 0.0722 * fb < 60, `the figure's frame is dark in dark mode: ${frame}`);
    const svg = decodeURIComponent(await page.getAttribute('#results-roi .instrument img', 'src'));
    assert.match(svg, /@media screen and \(prefers-color-scheme: ?dark\)/, 'the figure has its dark scheme');
    await shoot(page, '#part-roi', 'dark-part1.png');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

/* Issue 14: for every track and every lock, what the student's browser received or showed before
 * the lock holds none of its answer (the engine's known leaks run as TODO, see story.mjs). */
test('no lock is answered before it is made: every track, every lock (server)', async (t) => {
  for (const track of TRACKS) {
    /* a fresh browser per track: a first visit, no session or saved ledger from the last one */
    const { context: browser, close } = await launchBrowser();
    try {
      await driveStory(t, browser, srv.url, context([]), track, async (n) => has(n));
    } finally {
      await close();
    }
  }
});

/* Issue 14: random rapid Part 2 slider moves never leave an instrument on an older answer. */
test('no stale result: seeded rapid Part 2 slider moves, every instrument on the boxes\' values (server)', async () => {
  if (!has('canary')) return;
  const { context: browser, close } = await launchBrowser();
  try {
    const { page, problems } = await openPage(browser, srv.url);
    await chooseTrack(page, 'edge-guardian');
    await page.fill('#lock-canary', '3000');
    await page.press('#lock-canary', 'Enter');
    await page.waitForSelector('#reveal-canary');
    for (const seed of [1, 2, 3]) await driveStale(page, seed);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

/* The contract agreed with the server's branch: a visit without a session is answered 200
 * {"session": null}; the page takes it as "no session yet", quietly (before that branch merges
 * the server answers 401, which the page takes the same way). */
test('no session yet, said as 200 {"session": null}: no ledger, no console error', async () => {
  const { context: browser, close } = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.route((u) => new URL(u).pathname === '/api/ledger', (route) => (route.request().method() === 'GET'
      ? route.fulfill({ status: 200, contentType: 'application/json', body: '{"session":null}' }) : route.continue()));
    const { problems } = await openPage(browser, srv.url, [], page);
    await waitText(page, '#ledger-where', /Kept by the fleetops server once you choose a track/);
    assert.equal(await page.evaluate(() => window.fleetops.state().ledger), null);
    assert.deepEqual(problems, [], 'no console error on a first visit');
  } finally {
    await close();
  }
});
