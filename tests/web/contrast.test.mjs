// contrast.test.mjs: the figures' colours against their background, in both schemes (issue 15).
// WCAG 2.2's contrast ratio: text >= 4.5:1 (1.4.3), lines and marks >= 3:1 (1.4.11). The light
// colours are the palette of include/fleetops/svg.h and the stylesheet's text classes; the dark
// ones are what the `@media screen and (prefers-color-scheme: dark)` rule inside every figure maps them to,
// read from an SVG the CLI writes (so the test checks what ships, not a copy of it).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { fleetopsBin } from './lib.mjs';

const lum = (hex) => {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
};
export const contrast = (a, b) => {
  const [x, y] = [lum(a), lum(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
};

const here = path.dirname(new URL(import.meta.url).pathname);
const svgH = readFileSync(path.join(here, '../../include/fleetops/svg.h'), 'utf8');
const palette = Object.fromEntries([...svgH.matchAll(/#define (FO_COLOR_\w+)\s+"(#[0-9a-f]{6})"/g)].map((m) => [m[1], m[2]]));

function figure() {
  const dir = mkdtempSync(path.join(tmpdir(), 'fleetops-contrast-'));
  try {
    const file = path.join(dir, 'f.svg');
    execFileSync(fleetopsBin(), ['governance', '--track', 'tiny-pioneer', '--policy', 'loose', '--svg', file], { stdio: 'ignore' });
    return readFileSync(file, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const svg = figure();
const dark = svg.slice(svg.indexOf('@media screen and (prefers-color-scheme:dark)'));
const darkOf = (light) => {
  const m = new RegExp(`\\[fill="${light}"\\][^{]*\\{fill:(#[0-9a-f]{6})`).exec(dark);
  return m && m[1];
};
const classFill = (css, cls) => {
  const m = new RegExp(`(?:^|[}>,])[^{}]*\\.${cls}\\b[^{]*\\{[^}]*fill:(#[0-9a-f]{6})`).exec(css);
  return m && m[1];
};
const light = svg.slice(0, svg.indexOf('@media'));
const BG = { light: /<rect width="\d+" height="\d+" fill="(#[0-9a-f]{6})"/.exec(svg)[1] };
BG.dark = darkOf(BG.light);

test('the figure has a dark scheme of its own (self-contained)', () => {
  assert.ok(dark.length > 0, 'a prefers-color-scheme: dark rule inside the SVG');
  assert.equal(BG.light, '#ffffff');
  assert.ok(BG.dark && lum(BG.dark) < 0.05, `a dark background (${BG.dark})`);
});

test('every palette colour is a mark at >= 3:1 against the background, light and dark', () => {
  assert.ok(Object.keys(palette).length >= 6, 'the palette read from svg.h');
  for (const [name, hex] of Object.entries(palette)) {
    const d = darkOf(hex);
    assert.ok(d, `${name} ${hex} has a dark twin`);
    assert.ok(contrast(hex, BG.light) >= 3, `${name} ${hex}: ${contrast(hex, BG.light).toFixed(2)}:1 on ${BG.light}`);
    assert.ok(contrast(d, BG.dark) >= 3, `${name} dark ${d}: ${contrast(d, BG.dark).toFixed(2)}:1 on ${BG.dark}`);
  }
});

test('every text class reads at >= 4.5:1 against the background, light and dark', () => {
  const base = /text\{[^}]*fill:(#[0-9a-f]{6})/;
  const textL = base.exec(light)[1];
  const textD = base.exec(dark)[1];
  for (const cls of ['title', 'subtitle', 'label', 'tick', 'note', 'strong']) {
    const l = classFill(light, cls) || textL;
    const d = classFill(dark, cls) || textD;
    assert.ok(contrast(l, BG.light) >= 4.5, `.${cls} ${l}: ${contrast(l, BG.light).toFixed(2)}:1`);
    assert.ok(contrast(d, BG.dark) >= 4.5, `.${cls} dark ${d}: ${contrast(d, BG.dark).toFixed(2)}:1`);
  }
});
