// legibility.test.mjs: every figure measured in Chromium, not judged by eye (issue 15).
//
// For every command that draws a figure x every track (and canary's radar, and Part 3's
// figures in both of their shapes), the SVG is fetched from `fleetops serve` and set inline in a
// box of the width the page asks it for (web/js/net.js rounds the figure's box down to 340,
// 480, 650 or 860 px): 340 px on a 390 px phone, 480 px on a small tablet, 650 px in a desktop instrument's figure column
// beside its table, 860 px for a full-width figure at 1280 px (the crisis, Part 3's); and Part
// 1's plot with a locked prediction marked (1, 10, 30, 45, 100000: either side of each track's N*
// and off the axis); the SVG the CLI writes (`--svg FILE`) is measured at its
// own default width. In each, every <text> is measured:
//   - its rendered font size in CSS px (the computed font-size times the scale of its screen CTM);
//   - its box (getBoundingClientRect) lies inside the figure's box;
//   - no two text boxes overlap (by more than OVERLAP_PX in both directions).
//   - units: every axis title (a <text data-axis="x|y" data-ticks="N">, as fo_plot_axes in
//     src/render/svg.c writes them; a figure drawing its own axes marks them the same way) ends
//     with its unit in parentheses, /\([^()]+\)$/: "Weekly accuracy (%)", "Cost over 1 year
//     (USD)", "Shadow mode t (hours)"; a count says so, "Concurrent models N (count)"; a
//     dimensionless quantity names its scale, "PSI (log scale)"; a categorical axis names its
//     categories, "Feature (mel0–mel7)". An axis with tick labels (data-ticks > 0) has a title.
// Thresholds: MIN_FONT_PX = 11 CSS px, nothing outside, no overlapping pairs. They are not
// loosened: a figure that does not meet them yet is listed in KNOWN_FAILING with what was
// measured, and its subtest is marked `todo` (reported, not hidden); every other figure asserts.
// The measurements of all figures are written to build/screenshots/legibility.json.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { TRACKS, fleetopsBin, launchBrowser, shotPath, startServer } from './lib.mjs';

const MIN_FONT_PX = 11;
const OVERLAP_PX = 1; /* boxes touching within a pixel (ascenders, descenders) do not count */
const INSIDE_PX = 0.5;
const WIDTHS = { phone: 340, tablet: 480, desktop: 650, wide: 860 };

/* Figures known not to meet the thresholds yet, by `${figure}@${width}`: the value says why.
 * Keep this list honest: a figure that passes must leave it (the test says so). */
const KNOWN_FAILING = new Map(Object.entries(JSON.parse(readFileSync(
  new URL('./legibility.known.json', import.meta.url), 'utf8'))));

let server;
let browser;
let page;
const results = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser({ width: 1280, height: 800 });
  page = await browser.context.newPage();
});

after(async () => {
  writeFileSync(shotPath('legibility.json'), JSON.stringify(results, null, 1));
  await browser?.close();
  await server?.stop();
});

/* The figures: [name, query] for every command with a figure x every track. */
async function figures() {
  const schema = await (await fetch(new URL('/api/schema', server.url))).json();
  const out = [];
  for (const c of schema.commands.filter((x) => x.figure)) {
    for (const track of TRACKS) {
      if (c.name === 'governance') {
        for (const policy of ['loose', 'strict']) out.push([`governance --policy ${policy} --track ${track}`, c.name, { track, policy }]);
        continue;
      }
      out.push([`${c.name} --track ${track}`, c.name, { track }]);
      if (c.name === 'canary') out.push([`canary --figure radar --track ${track}`, c.name, { track, figure: 'radar' }]);
      if (c.name === 'ensemble') {
        out.push([`ensemble --upstream v2 --retrain no --track ${track}`, c.name, { track, upstream: 'v2', retrain: 'no' }]);
      }
      /* the locked prediction marked on the plot: the smallest, the track's own scale, the largest */
      if (c.name === 'roi') for (const predict of ['1', '10', '30', '45', '100000']) out.push([`roi --predict ${predict} --track ${track}`, c.name, { track, predict }]);
      if (c.name === 'crisis' && track === 'tiny-pioneer') out.push([`crisis --outcome sealed --track ${track}`, c.name, { track, outcome: 'sealed' }]);
    }
  }
  return out;
}

/* Measures one SVG set inline at `width` CSS px (null: its own width). */
async function measure(svg, width) {
  const box = width ? `width:${width}px` : 'display:inline-block';
  const style = width ? 'display:block;width:100%;height:auto' : 'display:block';
  await page.setContent(`<!doctype html><html><body style="margin:0"><div id="box" style="${box}">${
    svg.replace(/^<svg/, `<svg style="${style}"`)}</div></body></html>`);
  return page.evaluate(({ overlapPx, insidePx }) => {
    const root = document.querySelector('#box > svg');
    const fr = root.getBoundingClientRect();
    const texts = [...root.querySelectorAll('text')].map((t) => {
      const r = t.getBoundingClientRect();
      const m = t.getScreenCTM();
      const scale = Math.sqrt(m.a * m.a + m.b * m.b);
      const size = parseFloat(getComputedStyle(t).fontSize) * scale;
      return { s: t.textContent.trim(), size, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom };
    }).filter((t) => t.s && t.x1 > t.x0);
    const clipped = texts.filter((t) => t.x0 < fr.left - insidePx || t.y0 < fr.top - insidePx ||
      t.x1 > fr.right + insidePx || t.y1 > fr.bottom + insidePx).map((t) => t.s);
    const overlaps = [];
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i];
        const b = texts[j];
        const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
        const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
        if (w > overlapPx && h > overlapPx) overlaps.push([a.s, b.s]);
      }
    }
    /* Axis titles: a unit in parentheses at the end; no untitled axis with tick labels. */
    const axes = [...root.querySelectorAll('text[data-axis]')].map((t) => ({
      axis: t.dataset.axis, s: t.textContent.trim(), ticks: Number(t.dataset.ticks || 0) }));
    const unitless = axes.filter((a) => a.s && !/\([^()]+\)$/.test(a.s)).map((a) => a.s);
    const untitled = axes.filter((a) => !a.s && a.ticks > 0).map((a) => `${a.axis} (${a.ticks} ticks)`);
    const small = texts.filter((t) => t.size < 11 - 1e-6);
    return {
      width: fr.width,
      texts: texts.length,
      minFont: texts.length ? Math.min(...texts.map((t) => t.size)) : null,
      small: small.length,
      smallest: small.sort((a, b) => a.size - b.size).slice(0, 3).map((t) => `${t.s} (${t.size.toFixed(1)} px)`),
      clipped,
      overlaps,
      unitless,
      untitled,
    };
  }, { overlapPx: OVERLAP_PX, insidePx: INSIDE_PX });
}

function verdict(m) {
  const bad = [];
  if (m.minFont !== null && m.minFont < MIN_FONT_PX) bad.push(`${m.small} texts under ${MIN_FONT_PX} px (smallest ${m.minFont.toFixed(1)} px: ${m.smallest.join('; ')})`);
  if (m.clipped.length) bad.push(`${m.clipped.length} text boxes outside the figure: ${m.clipped.slice(0, 4).map((s) => JSON.stringify(s)).join(', ')}`);
  if (m.overlaps.length) bad.push(`${m.overlaps.length} overlapping text pairs: ${m.overlaps.slice(0, 4).map(([a, b]) => `${JSON.stringify(a)} x ${JSON.stringify(b)}`).join(', ')}`);
  if (m.unitless.length) bad.push(`${m.unitless.length} axis titles without a unit in parentheses: ${m.unitless.map((s) => JSON.stringify(s)).join(', ')}`);
  if (m.untitled.length) bad.push(`${m.untitled.length} axes with tick labels but no title: ${m.untitled.join(', ')}`);
  return bad;
}

function check(t, key, m) {
  results.push({ figure: key, ...m });
  const bad = verdict(m);
  const known = KNOWN_FAILING.get(key);
  if (known !== undefined) {
    if (bad.length === 0) assert.fail(`${key} passes now: remove it from legibility.known.json`);
    t.todo(`${key}: ${bad.join('; ')}`);
    return;
  }
  assert.deepEqual(bad, [], key);
}

test('every figure is legible where the page shows it (phone 340 px, desktop 650 and 860 px)', async (t) => {
  for (const [name, cmd, query] of await figures()) {
    const qs = new URLSearchParams({ ...query, format: 'svg' });
    const r = await fetch(new URL(`/api/${cmd}?${qs}`, server.url));
    assert.equal(r.status, 200, name);
    const svg = await r.text();
    for (const [where, width] of Object.entries(WIDTHS)) {
      const key = `${name}@${where}`;
      await t.test(key, async (st) => {
        const wq = new URLSearchParams({ ...query, format: 'svg', width: String(width) });
        const rw = await fetch(new URL(`/api/${cmd}?${wq}`, server.url));
        /* The figure drawn for the width it is shown at, when the command takes one. */
        const drawn = rw.status === 200 ? await rw.text() : svg;
        check(st, key, await measure(drawn, width));
      });
    }
  }
});

test('every SVG the CLI writes is legible at its default width', async (t) => {
  const bin = fleetopsBin();
  const dir = mkdtempSync(path.join(tmpdir(), 'fleetops-svg-'));
  try {
    for (const [name, cmd, query] of await figures()) {
      const key = `${name}@cli`;
      await t.test(key, async (st) => {
        const file = path.join(dir, 'f.svg');
        const args = [cmd, ...Object.entries(query).flatMap(([k, v]) => [`--${k.replace(/_/g, '-')}`, v]), '--svg', file];
        execFileSync(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
        check(st, key, await measure(readFileSync(file, 'utf8'), null));
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
