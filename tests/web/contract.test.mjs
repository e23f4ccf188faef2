// contract.test.mjs: the page's Part 2, Part 3 and crisis panels, driven like a student would,
// against the JSON contracts of issues 3, 4 and 5. A command the real server already has is used
// for real; one it lacks is served by the stand-in of contract.mjs (screenshots of stand-in panels
// are named *-standin.png). The fallbacks are forced too: a part whose command is missing shows
// its plan text with "(this part's model is not built yet)", and a missing key shows "—".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, startServer, TRACKS } from './lib.mjs';
import { installContractMocks, installLedgerStandins, mockJson, SCHEMA_ADDITIONS } from './contract.mjs';
import { chooseTrack, driveCanary, driveCrisis, driveEnsemble, openPage, shoot, textOf, waitText } from './drive.mjs';

let srv;
let real;
before(async () => {
  srv = await startServer();
  real = await (await fetch(srv.url + 'api/schema')).json();
});
after(async () => {
  assert.equal(await srv.stop(), 0);
});

const realHas = (n) => real.commands.some((c) => c.name === n);
function context(api) {
  const schemaCmd = (n) => real.commands.find((c) => c.name === n) || SCHEMA_ADDITIONS.find((c) => c.name === n);
  return {
    api,
    has: async (n) => !!schemaCmd(n),
    param: async (cmd, name) => schemaCmd(cmd).params.find((p) => p.name === name),
    answer: async (cmd, params) => {
      if (!realHas(cmd)) return mockJson(cmd, Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])));
      const r = await fetch(`${srv.url}api/${cmd}?${new URLSearchParams(params)}`);
      assert.equal(r.status, 200, `${cmd} ${JSON.stringify(params)}`);
      return r.json();
    },
  };
}
const tag = (cmds) => (cmds.every(realHas) ? '' : '-standin');

async function withPage(fn, opts = {}) {
  const { context: browser, close } = await launchBrowser(opts.viewport);
  try {
    if (opts.mocks !== false) await installContractMocks(browser);
    if (!realHas('canary')) await installLedgerStandins(browser);
    if (opts.route) await opts.route(browser);
    const { page, problems, api } = await openPage(browser, srv.url);
    await fn(page, context(api), api);
    assert.deepEqual(problems, [], 'no console error, page error or CSP violation');
  } finally {
    await close();
  }
}

test('Part 2 (issue 3): lock, reveal 2,995, sliders, one-week banner, radar, 10-Iteration Rule, SPRT, dashboard', async () => {
  await withPage(async (page, ctx) => {
    await chooseTrack(page, 'edge-guardian');
    await driveCanary(page, ctx, 'edge-guardian', `part2${tag(['canary', 'sprt', 'rollout'])}.png`);
    await waitText(page, '#ledger', /Part 2: The Canary Duration1,000 requests2,995 requests3\.0x \(too low\)/);
    await waitText(page, '#ledger', /10-Iteration Rule: 10 of 10 attempts/);
  });
});

test('Part 3 (issue 4): lock, reveal, version selector, retrain toggle, consistency check, trace, governance', async () => {
  await withPage(async (page, ctx) => {
    await chooseTrack(page, 'tiny-pioneer');
    await driveEnsemble(page, ctx, 'tiny-pioneer', `part3${tag(['ensemble', 'governance'])}.png`);
    await waitText(page, '#ledger', /Governance policy: Strict Immutable Contracts/);
    await waitText(page, '#ledger', /Strict Immutable Contracts: a view version is a contract\./);
  });
});

test('crisis panels (issue 5): every track shows its summary, its figure and its numbers', async () => {
  await withPage(async (page, ctx, api) => {
    for (const track of TRACKS) {
      await chooseTrack(page, track);
      await driveCrisis(page, ctx, track, `crisis-${track}${tag(['crisis'])}.png`);
      const d = await ctx.answer('crisis', { track });
      const text = await textOf(page, '#crisis .table-view');
      if (track === 'cloud-titan') {
        for (const row of ['Static threshold', 'Discovered threshold', 'CUSUM']) assert.ok(text.includes(row), row);
        assert.ok(text.includes('Alerts per day'));
      } else if (track === 'edge-guardian') {
        for (const g of d.generations) assert.ok(text.includes(g.name), g.name);
        assert.ok(text.includes('Vehicles exposed'));
      } else if (track === 'mobile-nomad') {
        for (const r of d.regions) assert.ok(text.includes(r.name), r.name);
        assert.ok(text.includes('Per-region detection'));
      } else {
        for (const row of ['Unpinned', 'Pinned']) assert.ok(text.includes(row), row);
        assert.ok(text.includes('Deploy blocked'));
      }
      /* (a feature view's name with its version, denoised_audio@v1, is the store's name, not a key) */
      assert.doesNotMatch(text, /\b[a-z0-9]+_[a-z0-9_]+\b(?!@)/, `${track}: no key names on screen`);
      assert.doesNotMatch(text, /\d+ items|\bfraction\b/, `${track}: no dumped objects or raw units`);
      assert.ok(api.some((r) => r.cmd === 'crisis' && r.params.track === track), `crisis asked for ${track}`);
    }
  });
});

test('a missing contract key shows "—", never a crash', async () => {
  await withPage(async (page) => {
    await chooseTrack(page, 'edge-guardian');
    await waitText(page, '#crisis .summary', 'Only a summary here.');
    const rows = await page.$$eval('#crisis table.kv td', (tds) => tds.map((td) => td.textContent));
    assert.ok(rows.length >= 7, 'every contract key has a row');
    assert.ok(rows.every((v) => v === '—'), `missing keys show —: ${rows}`);
    await page.fill('#lock-canary', '3000');
    await page.press('#lock-canary', 'Enter');
    await waitText(page, '#results-canary .stats', 'Requests needed (exact)—');
    await waitText(page, '#results-canary .fig-empty', 'Risk-vs-Velocity Radar: —');
  }, {
    route: async (browser) => {
      await installContractMocks(browser);
      const minimal = { crisis: { summary: 'Only a summary here.' }, canary: { requests_needed: null } };
      for (const [cmd, body] of Object.entries(minimal)) {
        await browser.route(new RegExp(`/api/${cmd}\\?`), (route) => route.fulfill({
          status: 200, contentType: route.request().url().includes('format=svg') ? 'image/svg+xml' : 'application/json',
          body: route.request().url().includes('format=svg') ? '<svg xmlns="http://www.w3.org/2000/svg"><title>t</title></svg>' : JSON.stringify(body),
        }));
      }
    },
    mocks: false,
  });
});

test('a part whose command is not in the schema shows its plan text and "(this part’s model is not built yet)"', async () => {
  await withPage(async (page, ctx, api) => {
    await chooseTrack(page, 'mobile-nomad');
    for (const part of ['canary', 'ensemble']) {
      await waitText(page, `#part-${part} .not-built`, '(this part’s model is not built yet)');
      await waitText(page, `#part-${part} .plan`, /The Lock: .*The Workbench: .*Instruments: .*Reflect: /);
    }
    await waitText(page, '#crisis .not-built', '(this part’s model is not built yet)');
    await waitText(page, '#crisis .story', /10 regions/);
    await shoot(page, '#part-canary', 'part2-not-built.png');
    assert.ok(!api.some((r) => ['canary', 'sprt', 'rollout', 'bound', 'ensemble', 'governance', 'crisis'].includes(r.cmd)),
      'the page never asks for a command the schema does not list');
  }, {
    mocks: false,
    route: async (browser) => {
      await browser.route('**/api/schema', async (route) => {
        const resp = await route.fetch();
        const sc = await resp.json();
        sc.commands = sc.commands.filter((c) => !['canary', 'sprt', 'rollout', 'bound', 'ensemble', 'governance', 'crisis'].includes(c.name));
        await route.fulfill({ response: resp, json: sc });
      });
    },
  });
});
