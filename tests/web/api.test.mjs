// api.test.mjs: the HTTP API of `fleetops serve`, with node's fetch against a real server on a
// random loopback port. Every command in /api/schema is exercised, so commands added later
// (Parts 2 and 3, the crises) are covered as soon as they are in the table.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fleetopsBin, startServer, TRACKS } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
let srv;
let schema;

before(async () => {
  srv = await startServer();
  schema = await (await fetch(srv.url + 'api/schema')).json();
});
after(async () => {
  const code = await srv.stop();
  /* 0 = stopped cleanly on SIGTERM (and, in the sanitizer build, no leak or error at exit) */
  assert.equal(code, 0, 'fleetops serve must exit 0 on SIGTERM');
});

const get = (p, init) => fetch(srv.url + p.replace(/^\//, ''), init);

/* Query parameters that make a command runnable: a track when the track is required, and for
 * other required parameters the values of the command's own `example` line. */
function runnable(cmd) {
  const q = {};
  const ex = String(cmd.example || '').split(/\s+/).slice(2);
  const fromExample = {};
  for (let i = 0; i < ex.length; i++) {
    if (ex[i].startsWith('--') && i + 1 < ex.length && !ex[i + 1].startsWith('--')) {
      fromExample[ex[i].slice(2).replace(/-/g, '_')] = ex[++i];
    } else if (!ex[i].startsWith('--') && cmd.positional && i === 0) {
      fromExample[cmd.positional] = ex[i];
    }
  }
  for (const p of cmd.params) {
    if (!p.required) continue;
    if (p.name === 'track') q.track = 'cloud-titan';
    else if (fromExample[p.name] !== undefined) q[p.name] = fromExample[p.name];
    else if (p.choices) q[p.name] = p.choices[0];
    else assert.fail(`${cmd.name}: required parameter ${p.name} has no value in the example line`);
  }
  return q;
}
const qs = (q) => new URLSearchParams(q).toString();

test('serve prints the address to open on its first line', () => {
  assert.match(srv.firstLine, /^fleetops: serving the lab at http:\/\/127\.0\.0\.1:\d+\/ /);
  assert.ok(srv.port > 0 && srv.port < 65536);
});

test('/api/schema: the command table with typed, ranged, documented parameters', async () => {
  const r = await get('/api/schema');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  const names = schema.commands.map((c) => c.name);
  for (const n of ['lab', 'tracks', 'roi']) assert.ok(names.includes(n), `schema lists ${n}`);
  for (const c of schema.commands) {
    assert.equal(typeof c.summary, 'string', `${c.name}.summary`);
    for (const p of c.params) {
      for (const k of ['name', 'type', 'unit', 'help', 'default', 'presets', 'required']) {
        assert.ok(k in p, `${c.name}.${p.name} has ${k}`);
      }
      if (p.type === 'number' || p.type === 'integer') {
        assert.equal(typeof p.min, 'number', `${c.name}.${p.name}.min`);
        assert.equal(typeof p.max, 'number', `${c.name}.${p.name}.max`);
        assert.ok(p.min <= p.max);
        if (typeof p.default === 'number') assert.ok(p.default >= p.min && p.default <= p.max, `${c.name}.${p.name} default in range`);
        for (const [t, v] of Object.entries(p.presets)) {
          assert.ok(TRACKS.includes(t), `${c.name}.${p.name} preset for a known track (${t})`);
          assert.ok(v >= p.min && v <= p.max, `${c.name}.${p.name} preset for ${t} in range`);
        }
      }
      if (p.type === 'choice') assert.ok(Array.isArray(p.choices) && p.choices.length > 0);
    }
  }
});

test('every command in the schema answers 200 JSON with its defaults (and with each track)', async () => {
  for (const c of schema.commands) {
    const q = runnable(c);
    const r = await get(`/api/${c.name}?${qs(q)}`);
    const body = await r.text();
    assert.equal(r.status, 200, `${c.name}?${qs(q)} -> ${r.status} ${body}`);
    assert.match(r.headers.get('content-type'), /^application\/json/, c.name);
    assert.equal(typeof JSON.parse(body), 'object', c.name);
    if (c.params.some((p) => p.name === 'track')) {
      for (const t of TRACKS) {
        const rt = await get(`/api/${c.name}?${qs({ ...q, track: t })}`);
        assert.equal(rt.status, 200, `${c.name} with track ${t}`);
        const j = await rt.json();
        if ('track' in j) assert.equal(j.track, t, `${c.name} echoes the track`);
      }
    }
  }
});

test('GET /api/<command> is exactly `fleetops <command> --json`', async () => {
  const bin = fleetopsBin();
  for (const c of schema.commands) {
    if (c.name === 'schema') continue;
    const q = runnable(c);
    if (c.params.some((p) => p.name === 'track')) q.track = 'edge-guardian';
    const args = [c.name, ...Object.entries(q).flatMap(([k, v]) => [`--${k.replace(/_/g, '-')}`, String(v)]), '--json'];
    const cli = JSON.parse(execFileSync(bin, args, { encoding: 'utf8' }));
    const api = await (await get(`/api/${c.name}?${qs(q)}`)).json();
    assert.deepEqual(api, cli, `${c.name}: API and CLI agree`);
  }
});

test('format=svg returns the figure as image/svg+xml for every command that draws one', async () => {
  const withFigure = schema.commands.filter((c) => c.figure);
  assert.ok(withFigure.some((c) => c.name === 'roi'), 'roi draws a figure');
  for (const c of withFigure) {
    const r = await get(`/api/${c.name}?${qs({ ...runnable(c), format: 'svg' })}`);
    assert.equal(r.status, 200, c.name);
    assert.match(r.headers.get('content-type'), /^image\/svg\+xml/, c.name);
    const svg = await r.text();
    assert.match(svg, /^<svg[\s>]/, `${c.name}: a standalone SVG document`);
    assert.match(svg, /<title>[^<]+<\/title>/, `${c.name}: has a title`);
    assert.ok(svg.trimEnd().endsWith('</svg>'), c.name);
    assert.doesNotMatch(svg, /<script|href=/i, `${c.name}: no scripts or links`);
  }
  const noFig = schema.commands.find((c) => !c.figure && c.name !== 'schema');
  const r = await get(`/api/${noFig.name}?format=svg`);
  assert.equal(r.status, 400);
  assert.equal((await r.json()).param, 'format');
  const bad = await get('/api/roi?format=png');
  assert.equal(bad.status, 400);
  assert.deepEqual(await bad.json(), { error: 'unknown choice', param: 'format', value: 'png', allowed: 'one of: json, svg' });
});

test('bad parameters: 400 with {error, param, value, allowed}', async () => {
  const cases = [
    ['roi?models=0', 'models', '0', 'integer in [1, 100000]'],
    ['roi?models=abc', 'models', 'abc', null],
    ['roi?models=2.5', 'models', '2.5', null],
    ['roi?heterogeneity=1.5', 'heterogeneity', '1.5', 'number in [0, 1]'],
    ['roi?heterogeneity=nan', 'heterogeneity', 'nan', null],
    ['roi?track=mars', 'track', 'mars', 'one of: cloud-titan, edge-guardian, mobile-nomad, tiny-pioneer'],
    ['roi?models=5&models=6', 'models', null, null],
    ['roi?no_such_thing=1', 'no_such_thing', '1', null],
  ];
  for (const [url, param, value, allowed] of cases) {
    const r = await get('/api/' + url);
    assert.equal(r.status, 400, url);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    const b = await r.json();
    assert.deepEqual(Object.keys(b).sort(), ['allowed', 'error', 'param', 'value'], url);
    assert.ok(b.error.length > 0, url);
    assert.equal(b.param, param, url);
    if (value !== null) assert.equal(b.value, value, url);
    if (allowed !== null) assert.equal(b.allowed, allowed, url);
  }
  /* Every numeric parameter of every command: just past its maximum is refused, naming it. */
  for (const c of schema.commands) {
    for (const p of c.params) {
      if ((p.type !== 'number' && p.type !== 'integer') || !Number.isFinite(p.max)) continue;
      // integers past 2^53 have no double of their own (2^53 + 1 === 2^53): count in BigInt
      const over = p.type === 'integer' ? String(BigInt(p.max) + 1n) : p.max + Math.max(1, Math.abs(p.max));
      const r = await get(`/api/${c.name}?${qs({ ...runnable(c), [p.name]: over })}`);
      assert.equal(r.status, 400, `${c.name}?${p.name}=${over}`);
      const b = await r.json();
      assert.equal(b.param, p.name, `${c.name}?${p.name}=${over} names the parameter`);
      assert.equal(b.allowed, p.allowed, `${c.name}.${p.name}: allowed text as in the schema`);
    }
  }
});

test('unknown command 404, unknown asset 404, wrong method 405', async () => {
  const r = await get('/api/no-such-command');
  assert.equal(r.status, 404);
  assert.equal((await r.json()).value, 'no-such-command');
  assert.equal((await get('/no-such-file.js')).status, 404);
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
    for (const p of ['/api/roi', '/api/schema', '/']) {
      const m = await get(p, { method, body: method === 'DELETE' ? undefined : 'x=1' });
      assert.equal(m.status, 405, `${method} ${p}`);
      assert.match(m.headers.get('allow') || '', /GET/, `${method} ${p}: Allow header`);
    }
  }
});

test('assets: content types, CSP, one HTML + two scripts (the page as ES modules) + one CSS that use nothing external', async () => {
  const want = {
    '/': /^text\/html/, '/index.html': /^text\/html/, '/app.js': /^text\/javascript/, '/backends.js': /^text\/javascript/,
    '/style.css': /^text\/css/, '/favicon.svg': /^image\/svg\+xml/, '/api/schema': /^application\/json/,
  };
  for (const [p, re] of Object.entries(want)) {
    const r = await get(p);
    assert.equal(r.status, 200, p);
    assert.match(r.headers.get('content-type'), re, p);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', p);
  }
  const page = await get('/');
  const csp = page.headers.get('content-security-policy');
  for (const d of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'"]) {
    assert.ok(csp.includes(d), `CSP has ${d}`);
  }
  const html = await page.text();
  assert.equal(html, readFileSync(path.join(here, '../../web/index.html'), 'utf8'), 'the embedded page is web/index.html');
  assert.doesNotMatch(html, /\sstyle\s*=/i, 'no inline style attributes');
  assert.doesNotMatch(html, /<style/i, 'no inline style element');
  const scripts = [...html.matchAll(/<script\b([^>]*)>/gi)];
  assert.deepEqual(scripts.map((m) => /src="([^"]+)"/.exec(m[1])?.[1]), ['backends.js', 'app.js'],
    'two scripts, neither inline: the backends (server or WebAssembly) and the page');
  assert.match(scripts[0][1], /\bdefer\b/, 'backends.js deferred: it runs before the page module');
  assert.match(scripts[1][1], /\btype="module"/, 'the page is a native ES module (deferred by nature)');
  assert.doesNotMatch(html, /(src|href)="\//, 'relative URLs: the same page works from any static path (dist/)');
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//i, 'no external resources');
  assert.equal((html.match(/rel="stylesheet"/g) || []).length, 1, 'one stylesheet');
  /* every module the page imports is embedded and served as JavaScript */
  const modules = readdirSync(path.join(here, '../../web/js')).filter((f) => f.endsWith('.js')).map((f) => `/js/${f}`);
  assert.ok(modules.length >= 10, 'the page is split into modules under web/js/');
  for (const file of ['/app.js', '/backends.js', ...modules]) {
    const r = await get(file);
    assert.equal(r.status, 200, file);
    assert.match(r.headers.get('content-type'), /^text\/javascript/, file);
    const js = await r.text();
    for (const m of js.matchAll(/^import [^;]+ from '([^']+)';$/gm)) {
      assert.ok(existsSync(path.join(here, '../../web', path.dirname(file), m[1])), `${file} imports ${m[1]}, which exists`);
    }
    assert.doesNotMatch(js, /\beval\s*\(|new Function\s*\(|innerHTML|outerHTML|insertAdjacentHTML|document\.write/, `${file}: no eval or HTML injection`);
    assert.doesNotMatch(js, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, `${file}: no external URL in the script`);
    assert.doesNotMatch(js, /setAttribute\(\s*['"]style['"]/, `${file}: no inline style attributes from the script`);
  }
  const css = await (await get('/style.css')).text();
  assert.doesNotMatch(css, /@import|url\(\s*['"]?https?:/i, 'no external CSS or fonts');
});
