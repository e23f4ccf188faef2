// tables.test.mjs: every table on the page fits its box or shows that it scrolls (issue 15).
//
// A student on a 390 px phone and on a 1280 px desktop walks every track through every part
// (the drivers of drive.mjs: crisis, each part before and after its lock, the 10-Iteration
// Rule, the SPRT and the dashboard, the governance choice, the ledger); at each step every
// visible <table> of the lab page (and of the instructor's class view) is measured in Chromium:
//   - it fits: the table is no wider than the box it sits in (its scroll container or its
//     parent), or
//   - it scrolls: its box is a horizontal scroll region that takes keyboard focus, and a cue a
//     student sees says so (the `.scroll-cue` text, visible inside the screen); a box that cuts
//     its rows short (a tall table) says so too;
//   - its caption wraps inside what the student sees of the box (never runs past its visible
//     right edge, never clipped by overflow: hidden), and no caption or header cell is clipped
//     (scrollWidth > clientWidth with its overflow hidden);
//   - the page itself never scrolls sideways.
// The walk is done once at desktop width; each step is measured at both widths (the viewport
// is resized, the page lays itself out again and asks again for the figures drawn for another
// breakpoint: every figure must then be asked for no wider than it is shown), and the figure the
// page draws itself (the radar) is measured as legibility.test.mjs measures the engine's. At the end, each track's lab is photographed
// whole at 390 px in light and dark: build/screenshots/phone-<track>-<scheme>.png.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { chooseTrack, driveCanary, driveContext, driveCrisis, driveEnsemble, driveRoi, openPage } from './drive.mjs';
import { launchBrowser, shotPath, startServer, TRACKS } from './lib.mjs';

const WIDTHS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };
const SLACK_PX = 1;

let srv;
let schema;
const found = [];
before(async () => {
  srv = await startServer();
  schema = await (await fetch(srv.url + 'api/schema')).json();
});
after(async () => {
  writeFileSync(shotPath('tables.json'), JSON.stringify(found, null, 1));
  await srv?.stop();
});

const has = (name) => schema.commands.some((c) => c.name === name);
const context = (api) => driveContext(schema, api, srv.url);

async function settle(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.waitForTimeout(150);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/* Every visible table of the document, measured where the student sees it. */
async function measureTables(page) {
  return page.evaluate((slack) => {
    const visible = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
    const scroller = (e) => {
      for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
        const ox = getComputedStyle(a).overflowX;
        if (ox === 'auto' || ox === 'scroll' || ox === 'hidden' || ox === 'clip') return a;
      }
      return null;
    };
    const label = (t) => {
      const c = t.querySelector('caption');
      const sec = t.closest('section, [id]');
      return `${sec && sec.id ? '#' + sec.id + ': ' : ''}${(c ? c.textContent : t.querySelector('th')?.textContent || 'table').trim().slice(0, 70)}`;
    };
    const textRight = (e) => {
      const r = document.createRange();
      r.selectNodeContents(e);
      const rects = [...r.getClientRects()].filter((x) => x.width > 0);
      return rects.length ? Math.max(...rects.map((x) => x.right)) : e.getBoundingClientRect().right;
    };
    const vw = document.documentElement.clientWidth;
    const out = { pageWidth: document.documentElement.scrollWidth, viewport: vw, tables: [] };
    for (const t of document.querySelectorAll('table')) {
      if (!visible(t)) continue;
      const box = scroller(t) || t.parentElement;
      const bs = getComputedStyle(box);
      const br = box.getBoundingClientRect();
      /* what the student sees of the box: its padding box, cut by the viewport */
      const seenLeft = Math.max(0, br.left + box.clientLeft);
      const seenRight = Math.min(vw, br.left + box.clientLeft + box.clientWidth);
      const tw = t.getBoundingClientRect().width;
      const fits = box.scrollWidth <= box.clientWidth + slack && br.right <= vw + slack;
      const scrolls = (bs.overflowX === 'auto' || bs.overflowX === 'scroll') && box.tabIndex >= 0;
      const cue = box.querySelector('.scroll-cue') || (box.parentElement && box.parentElement.querySelector(':scope > .scroll-cue'));
      let cueSeen = false;
      if (cue && visible(cue)) {
        const cr = cue.getBoundingClientRect();
        cueSeen = cr.width > 0 && cr.left >= seenLeft - slack && cr.right <= seenRight + slack && /scroll/i.test(cue.textContent);
      }
      const problems = [];
      if (!fits && !scrolls) problems.push(`${Math.round(tw)} px wide in a ${box.clientWidth} px box that does not scroll`);
      if (!fits && scrolls && !cueSeen) problems.push(`scrolls (${Math.round(tw)} px in ${box.clientWidth} px) with no visible cue`);
      const cutShort = /auto|scroll/.test(bs.overflowY) && box.scrollHeight > box.clientHeight + slack;
      if (cutShort && !cueSeen) problems.push(`rows cut short (${box.scrollHeight} px in ${box.clientHeight} px) with no visible cue`);
      if (box.scrollLeft === 0 && br.right > vw + slack) problems.push(`its box runs ${Math.round(br.right - vw)} px past the screen`);
      const cap = t.querySelector('caption');
      if (cap && visible(cap) && box.scrollLeft === 0) {
        const right = textRight(cap);
        if (right > seenRight + slack) problems.push(`caption runs ${Math.round(right - seenRight)} px past what is seen of its box`);
      }
      for (const c of t.querySelectorAll('caption, th')) {
        const s = getComputedStyle(c);
        if (c.scrollWidth > c.clientWidth + slack && /hidden|clip/.test(s.overflowX)) problems.push(`clipped: ${JSON.stringify(c.textContent.slice(0, 40))}`);
        if (s.textOverflow === 'ellipsis' && c.scrollWidth > c.clientWidth + slack) problems.push(`ellipsis: ${JSON.stringify(c.textContent.slice(0, 40))}`);
      }
      out.tables.push({ table: label(t), width: Math.round(tw), box: box.clientWidth, fits, scrolls, cue: cueSeen, problems });
    }
    return out;
  }, SLACK_PX);
}

/* The figures the engine drew: the page asks each for the width it is shown at, rounded down to
 * a breakpoint (the `width` it sent, kept with the result as figW), so it is never asked wider
 * than it is shown, nor much narrower. A resize that crosses a breakpoint asks again: waits for
 * that, then lists what was asked for another breakpoint than it is shown at (the page's fault). A figure the engine drew wider
 * than it was asked is the engine's (legibility.test.mjs measures those): a diagnostic here. */
const BREAKPOINTS = [280, 340, 480, 650, 860]; /* net.js figureWidth's (280: narrower than any) */
const FIG_CH = { 'crisis-result': 'crisis', 'results-roi': 'roi', 'results-canary': 'canary', 'sprt-result': 'sprt',
  'rollout-result': 'rollout', 'results-ensemble': 'ensemble', 'gov-result': 'governance' };
async function figuresAskedWide(page) {
  const seen = () => page.evaluate((map) => {
    if (!window.fleetops) return []; /* the instructor's page draws no engine figure */
    const results = window.fleetops.state().server.results;
    return [...document.querySelectorAll('.instrument .fig img')].filter((i) => i.getClientRects().length).map((i) => {
      const home = i.closest(Object.keys(map).map((k) => `#${k}`).join(', '));
      const ch = home ? map[home.id] : null;
      const r = ch ? results[ch] : null;
      return { ch, asked: r ? r.figW : null, status: r ? r.status : null, drawn: i.naturalWidth, shown: i.clientWidth };
    });
  }, FIG_CH);
  const want = (shown) => BREAKPOINTS.filter((b) => b <= shown + 0.5).pop() || BREAKPOINTS[0];
  const wide = (f) => !f.ch || !f.asked || f.asked !== want(f.shown) || f.status !== 'ok';
  const t0 = Date.now();
  let figs = await seen();
  while (figs.some(wide) && Date.now() - t0 < 8000) {
    await page.waitForTimeout(200);
    figs = await seen();
  }
  return {
    bad: figs.filter(wide).map((f) => `${f.ch}: asked for ${f.asked} px, shown at ${f.shown} px: its breakpoint is ${want(f.shown)} px (${f.status})`),
    engine: figs.filter((f) => !wide(f) && f.drawn > f.asked + 0.5).map((f) => `${f.ch}: asked ${f.asked} px, drawn ${f.drawn} px, shown ${f.shown} px`),
  };
}
const engineWide = new Set();

/* The figures the page draws itself (Part 2's Risk-vs-Velocity Radar, inline SVG): measured
 * as legibility.test.mjs measures the engine's: every text at >= 11 CSS px, inside the figure,
 * no two overlapping. */
async function pageFigures(page) {
  return page.evaluate(() => {
    const bad = [];
    for (const svg of document.querySelectorAll('.fig-radar svg')) {
      if (!svg.getClientRects().length) continue;
      const fr = svg.getBoundingClientRect();
      const boxes = [];
      for (const t of svg.querySelectorAll('text')) {
        const m = t.getScreenCTM();
        const scale = Math.sqrt(m.a * m.a + m.b * m.b);
        for (const part of [t, ...t.querySelectorAll('tspan')]) {
          const size = parseFloat(getComputedStyle(part).fontSize) * scale;
          if (size < 11 - 1e-6) bad.push(`radar: "${part.textContent.trim()}" at ${size.toFixed(1)} px`);
        }
        const r = t.getBoundingClientRect();
        if (r.left < fr.left - 0.5 || r.right > fr.right + 0.5 || r.top < fr.top - 0.5 || r.bottom > fr.bottom + 0.5) bad.push(`radar: "${t.textContent.trim()}" outside the figure`);
        boxes.push([t.textContent.trim(), r]);
      }
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, ra] = boxes[i];
          const [b, rb] = boxes[j];
          if (Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left) > 1 && Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top) > 1) bad.push(`radar: "${a}" overlaps "${b}"`);
        }
      }
    }
    return bad;
  });
}

/* Measures the page at both widths; returns the problems found. */
async function atBothWidths(page, step) {
  const bad = [];
  for (const [view, vp] of Object.entries(WIDTHS)) {
    await page.setViewportSize(vp);
    await settle(page);
    const figs = await figuresAskedWide(page);
    for (const f of figs.bad) bad.push(`${step}@${view}: figure ${f}`);
    for (const f of figs.engine) engineWide.add(`${view}: ${f}`);
    for (const f of await pageFigures(page)) bad.push(`${step}@${view}: ${f}`);
    await settle(page);
    const m = await measureTables(page);
    found.push({ step, view, ...m });
    if (m.pageWidth > m.viewport + SLACK_PX) bad.push(`${step}@${view}: the page scrolls sideways (${m.pageWidth} px in ${m.viewport} px)`);
    for (const t of m.tables) for (const p of t.problems) bad.push(`${step}@${view}: ${t.table}: ${p}`);
  }
  await page.setViewportSize(WIDTHS.desktop);
  await settle(page);
  return bad;
}

test('every table fits or shows that it scrolls and every figure is asked for the width it is shown at (the radar legible), every track and part, 390 px and 1280 px; phone screenshots', async (t) => {
  const { context: browser, close } = await launchBrowser(WIDTHS.desktop);
  const bad = [];
  try {
    const { page, problems, api } = await openPage(browser, srv.url);
    const ctx = context(api);
    bad.push(...await atBothWidths(page, 'start'));
    for (const track of TRACKS) {
      await chooseTrack(page, track);
      await driveCrisis(page, ctx, track, null);
      bad.push(...await atBothWidths(page, `${track}: crisis, parts before their locks`));
      if (has('roi')) {
        await driveRoi(page, ctx, track, null);
        bad.push(...await atBothWidths(page, `${track}: part 1 after its lock`));
      }
      if (has('canary')) {
        await driveCanary(page, ctx, track, null);
        bad.push(...await atBothWidths(page, `${track}: part 2 after its lock, rule spent`));
      }
      if (has('ensemble')) {
        await driveEnsemble(page, ctx, track, null);
        bad.push(...await atBothWidths(page, `${track}: part 3 after its lock, ledger`));
      }
      /* the whole lab on a phone, light and dark, after every lock */
      await page.setViewportSize(WIDTHS.phone);
      for (const scheme of ['light', 'dark']) {
        await page.emulateMedia({ colorScheme: scheme });
        await settle(page);
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: shotPath(`phone-${track}-${scheme}.png`), fullPage: true, animations: 'disabled', caret: 'initial' });
      }
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize(WIDTHS.desktop);
    }
    assert.deepEqual(problems, [], 'no console error, page error or CSP violation');
  } finally {
    await close();
  }
  t.diagnostic(`${found.reduce((n, s) => n + s.tables.length, 0)} table measurements; ${bad.length} problems`);
  for (const e of engineWide) t.diagnostic(`the engine drew a figure wider than asked (legibility.test.mjs's business): ${e}`);
  assert.deepEqual(bad, []);
});

test("the instructor's tables fit or show that they scroll, 390 px and 1280 px", async () => {
  const TOKEN = '5a0c7e2f9b1d4c86e3a7f0b2d9c14e58';
  const bad = [];
  const { context: browser, close } = await launchBrowser(WIDTHS.desktop);
  try {
    /* the server reads the instructor's token from its environment at start: a server of its own */
    process.env.FLEETOPS_INSTRUCTOR_TOKEN = TOKEN;
    const inst = await startServer();
    delete process.env.FLEETOPS_INSTRUCTOR_TOKEN;
    try {
      for (const [track, n] of [['tiny-pioneer', 10], ['cloud-titan', 40], ['edge-guardian', 5], ['mobile-nomad', 300]]) {
        const r = await fetch(`${inst.url}api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ track }) });
        const cookie = r.headers.get('set-cookie').split(';')[0];
        const post = (p, b) => fetch(inst.url + p, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie }, body: JSON.stringify(b) });
        await post('api/ledger/predictions', { part: 'roi', value: n });
        await post('api/ledger/reflections', { part: 'roi', text: 'Pairs grow as N squared.' });
      }
      const page = await browser.newPage();
      await page.goto(inst.url + 'instructor');
      await page.locator('#token').fill(TOKEN);
      await page.locator('#signin button[type=submit]').click();
      await page.locator('#progress table').first().waitFor();
      bad.push(...await atBothWidths(page, 'class view'));
      await page.locator('#projector').click();
      await page.locator('#projector[aria-pressed="true"]').waitFor();
      await page.locator('#progress table').first().waitFor();
      bad.push(...await atBothWidths(page, 'class view, projector'));
    } finally {
      await inst.stop();
    }
  } finally {
    await close();
  }
  assert.deepEqual(bad, []);
});
