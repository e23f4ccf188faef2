// ledger.test.mjs: the page and the ledger of `fleetops serve` (issue 7), in Debian's Chromium.
// Each test starts its own server on a fresh --db, so nothing one test writes is seen by another.
// What must hold: the session cookie is HttpOnly; a reload (even with the browser's storage
// wiped, even in another browser profile holding the same cookie) restores everything from the
// server; a second lock is refused and the first stands; the report downloads with the
// student's text escaped; switching track asks first and starts a new ledger.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launchBrowser, startServer } from './lib.mjs';
import {
  captureEvidence, chooseTrack, openPage, reflect, shoot, textOf, waitText,
} from './drive.mjs';

async function withServer(fn) {
  const srv = await startServer();
  try {
    const schema = await (await fetch(srv.url + 'api/schema')).json();
    await fn(srv, (name) => schema.commands.some((c) => c.name === name));
  } finally {
    assert.equal(await srv.stop(), 0);
  }
}

/* What the page shows of its ledger, for comparing before and after a reload. */
async function shown(page) {
  return page.evaluate(() => ({
    badge: document.querySelector('#track-badge').textContent,
    reveals: [...document.querySelectorAll('.reveal')].map((e) => `${e.id}: ${e.textContent}`),
    locks: [...document.querySelectorAll('.locked-value')].map((e) => e.textContent),
    reflections: [...document.querySelectorAll('textarea.reflect-text')].map((e) => `${e.id}: ${e.value}`),
    decision: document.querySelector('#decision-status') ? document.querySelector('#decision-status').textContent : null,
    attempts: [...document.querySelectorAll('#attempt-list li')].map((e) => e.textContent),
    ledger: document.querySelector('#ledger-body').textContent,
  }));
}

test('the session cookie is HttpOnly and SameSite=Strict: the page cannot read it', async () => {
  await withServer(async (srv) => {
    const { context: browser, close } = await launchBrowser();
    try {
      const { page, problems } = await openPage(browser, srv.url);
      await chooseTrack(page, 'mobile-nomad');
      const cookies = await browser.cookies(srv.url);
      const c = cookies.find((x) => x.name === 'fo_session');
      assert.ok(c, 'the server set a session cookie');
      assert.equal(c.httpOnly, true);
      assert.equal(c.sameSite, 'Strict');
      assert.match(c.value, /^\d+\.[0-9a-f]{64}$/, 'an unguessable token');
      assert.equal(await page.evaluate(() => document.cookie), '', 'document.cookie does not show it');
      assert.ok(!JSON.stringify(await page.evaluate(() => window.fleetops.state())).includes(c.value.split('.')[1]),
        'the token is nowhere in the page state');
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});

test('reload mid-lab restores everything from the server (storage wiped; another browser with the cookie too)', async () => {
  await withServer(async (srv, has) => {
    const { context: browser, close } = await launchBrowser();
    const other = await launchBrowser();
    try {
      const { page, problems } = await openPage(browser, srv.url);
      await chooseTrack(page, 'edge-guardian');
      await page.fill('#lock-roi', '25');
      await page.press('#lock-roi', 'Enter');
      await waitText(page, '#reveal-roi', /^You predicted 25 models; the break-even is \d+ \(off by [\d.]+x\)\.$/);
      await page.waitForSelector('#results-roi .instrument img');
      await captureEvidence(page, 'roi');
      await reflect(page, 'roi', 'First thought: pairs.');
      await reflect(page, 'roi', 'Second thought: pairs grow as N squared.');
      if (has('crisis')) {
        await page.waitForSelector('#crisis .instrument img');
        await captureEvidence(page, 'crisis');
      }
      if (has('ensemble')) {
        await page.click('#part-ensemble [data-choice="no-drop"]');
        await waitText(page, '#reveal-ensemble', /^You predicted that accuracy holds; the pipeline shows accuracy (drops|holds): (right|wrong)\.$/);
        await page.click('.policy-btn[data-policy="loose"]');
        await page.fill('#reflect-ensemble', 'Loose: we ship fast.');
        await page.click('#record-decision');
        await waitText(page, '#decision-status', /In your ledger: Loose Versioning/);
        /* a changed mind is a second decision; the first is kept */
        await page.click('.policy-btn[data-policy="strict"]');
        await page.fill('#reflect-ensemble', 'Strict: a view version is a contract.');
        await page.click('#record-decision');
        await waitText(page, '#decision-status', /In your ledger: Strict Immutable Contracts, recorded .* \(decision 2; earlier ones are kept\)/);
      }
      const before = await page.evaluate(() => window.fleetops.state().ledger);
      const seen = await shown(page);
      assert.equal(before.entries.filter((e) => e.kind === 'reflection' && e.part === 'roi').length, 2, 'both revisions kept');

      /* 1. the same browser, its storage wiped */
      await page.evaluate(() => localStorage.clear());
      await page.reload();
      await page.waitForSelector('#reveal-roi');
      if (has('ensemble')) await page.waitForSelector('#reveal-ensemble');
      assert.deepEqual(await page.evaluate(() => window.fleetops.state().ledger), before, 'the ledger comes back whole');
      assert.deepEqual(await shown(page), seen, 'and the page shows the same locks, reveals, reflections and decision');
      assert.equal(await page.getAttribute('.track-card[data-track="edge-guardian"]', 'aria-pressed'), 'true', 'the track too');
      await page.waitForSelector('#results-roi .instrument img');
      assert.equal(await page.inputValue('#reflect-roi'), 'Second thought: pairs grow as N squared.');
      await shoot(page, '#ledger', 'ledger-restored.png');

      /* 2. another browser profile given the same (HttpOnly) cookie: the server is the source */
      await other.context.addCookies(await browser.cookies(srv.url));
      const o = await openPage(other.context, srv.url);
      await o.page.waitForSelector('#reveal-roi');
      assert.deepEqual(await o.page.evaluate(() => window.fleetops.state().ledger), before);
      assert.deepEqual(await shown(o.page), seen);
      assert.deepEqual(o.problems, []);
      assert.deepEqual(problems, []);
    } finally {
      await other.close();
      await close();
    }
  });
});

test('a second lock is refused and the first stands (two tabs, one session)', async () => {
  await withServer(async (srv) => {
    const { context: browser, close } = await launchBrowser();
    try {
      const a = await openPage(browser, srv.url);
      await chooseTrack(a.page, 'cloud-titan');
      /* tab B joins the same session (same cookie) and shows the open lock */
      const b = await openPage(browser, srv.url, [{ status: 409, path: '/api/ledger/predictions' }]);
      await b.page.waitForSelector('#lock-roi');
      await a.page.fill('#lock-roi', '10');
      await a.page.press('#lock-roi', 'Enter');
      await waitText(a.page, '#reveal-roi', /^You predicted 10 models; the break-even is 27 \(off by 2\.7x\)\.$/);
      /* B still shows the form: its lock goes to the server, which refuses it */
      await b.page.fill('#lock-roi', '27');
      await b.page.press('#lock-roi', 'Enter');
      await waitText(b.page, '#lock-err-roi', /^Your first prediction stands: a locked prediction is never changed\.$/);
      await waitText(b.page, '#part-roi .locked-value', 'Locked: 10 models');
      await waitText(b.page, '#reveal-roi', 'You predicted 10 models; the break-even is 27 (off by 2.7x).');
      assert.ok(b.api.some((r) => r.cmd === 'ledger/predictions' && r.body.value === 27), 'the second lock was sent');
      /* and straight at the API: 409, nothing overwritten */
      const direct = await a.page.evaluate(async () => {
        const r = await fetch('api/ledger/predictions', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ part: 'roi', value: 27 }) });
        return { status: r.status, body: await r.json() };
      });
      assert.equal(direct.status, 409);
      assert.equal(direct.body.param, 'part');
      const preds = await b.page.evaluate(() => window.fleetops.state().ledger.predictions);
      assert.equal(preds.length, 1);
      assert.equal(preds[0].predicted, '10', 'the first lock stands');
      await shoot(b.page, '#part-roi .lock', 'lock-refused.png');
      assert.deepEqual(a.problems.filter((p) => !/status of 409/.test(p)), []);
      assert.deepEqual(b.problems, []);
    } finally {
      await close();
    }
  });
});

test('the report downloads (HTML and Markdown) with the student text escaped and what is missing', async () => {
  await withServer(async (srv) => {
    const { context: browser, close } = await launchBrowser();
    try {
      const { page, problems } = await openPage(browser, srv.url);
      assert.equal(await page.isDisabled('#report-html'), true, 'no report before there is a ledger');
      await chooseTrack(page, 'cloud-titan');
      await page.fill('#lock-roi', '12');
      await page.press('#lock-roi', 'Enter');
      await page.waitForSelector('#results-roi .instrument img');
      await captureEvidence(page, 'roi');
      const evil = 'Pairs <script>alert("x")</script> & \'quotes\' *grow* as N^2.\nSecond line.';
      await reflect(page, 'roi', evil);
      const [html] = await Promise.all([page.waitForEvent('download'), page.click('#report-html')]);
      assert.match(html.suggestedFilename(), /^fleetops-report-\d+\.html$/);
      const h = readFileSync(await html.path(), 'utf8');
      assert.ok(!h.includes('<script>alert'), 'no live script from the student');
      assert.ok(h.includes('Pairs &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39; *grow* as N^2.<br>Second line.'),
        'the reflection is in the report, escaped');
      assert.match(h, /INCOMPLETE\. Missing:/);
      for (const m of ['Part 2: the locked prediction', 'Part 3: the reflection', 'Part 3: the governance policy and its justification']) {
        assert.ok(h.includes(`<li>${m}</li>`), `the report lists what is missing: ${m}`);
      }
      assert.ok(!h.includes('<li>Part 1: the locked prediction</li>') && !h.includes('<li>Part 1: the reflection</li>'), 'Part 1 is done');
      assert.match(h, /You predicted 12 models; the break-even is \d+ \(off by [\d.]+x\)\./);
      assert.match(h, /<figure><svg[^>]*>[\s\S]*OpsBreakEvenPlot/, 'the captured evidence is drawn inline');
      const [md] = await Promise.all([page.waitForEvent('download'), page.click('#report-md')]);
      assert.match(md.suggestedFilename(), /^fleetops-report-\d+\.md$/);
      const m = readFileSync(await md.path(), 'utf8');
      assert.ok(m.includes('> Pairs \\<script\\>alert("x")\\</script\\> \\& \'quotes\' \\*grow\\* as N^2.\n> Second line.'),
        'Markdown: tags and markup neutralised, the text kept');
      assert.ok(m.startsWith('# fleetops lab report'));
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});

test('switching track asks first; "keep" changes nothing, "start" begins a new ledger', async () => {
  await withServer(async (srv) => {
    const { context: browser, close } = await launchBrowser({ width: 1280, height: 800 });
    try {
      const { page, problems, api } = await openPage(browser, srv.url);
      await chooseTrack(page, 'cloud-titan');
      await page.fill('#lock-roi', '30');
      await page.press('#lock-roi', 'Enter');
      await page.waitForSelector('#reveal-roi');
      const first = await page.evaluate(() => window.fleetops.state().ledger.session);
      await page.click('.track-card[data-track="edge-guardian"]');
      await page.waitForSelector('#track-confirm:not([hidden])');
      await waitText(page, '#track-confirm', /Start a new ledger as Edge Guardian\?.*Your Cloud Titan ledger stays on the fleetops server/);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'confirm-track', 'the question takes the focus');
      await shoot(page, '#start', 'track-confirm.png');
      await page.click('#cancel-track');
      await page.waitForSelector('#track-confirm', { state: 'hidden' });
      assert.equal(await page.getAttribute('.track-card[data-track="cloud-titan"]', 'aria-pressed'), 'true');
      assert.equal(api.filter((r) => r.cmd === 'session').length, 1, 'keeping asks the server for nothing');
      await chooseTrack(page, 'edge-guardian');
      const second = await page.evaluate(() => window.fleetops.state().ledger);
      assert.notEqual(second.session, first);
      assert.equal(second.track, 'edge-guardian');
      assert.deepEqual(second.predictions, [], 'a new ledger starts empty');
      await page.waitForSelector('#lock-roi');
      assert.match(await textOf(page, '#ledger-where'), /Edge Guardian · session \d+ on the fleetops server/);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});
