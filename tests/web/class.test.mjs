// class.test.mjs: the teacher's side (issue 18) in Debian's Chromium. A server with a roster of
// 30 students; 30 simulated students (node's fetch, each with their own cookie) move through the
// lab in different ways; the teacher signs in at /instructor and every number on the class view
// is checked against the ledger, recomputed here from each student's GET /api/ledger (never from
// /api/class): progress per part, the predictions' distances from their answers, the middle
// prediction, each student's row, tries to the window, the governance split, who is stuck,
// completion. Then: the view updates by itself after new writes (and polls an unchanged class
// with 304), the projector layout shows no identity, the gradebook CSV matches the ledger cell by
// cell (RFC 4180, formula cells neutralised), a student's report opens from the view, the page
// holds at 390 px, and student text is never markup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchBrowser, shotPath, startServer, TRACKS } from './lib.mjs';

const TOKEN = '3b9f6a1c0d2e4f5a8b7c6d9e0f1a2b3c';
const STUCK_MINUTES = 0.1; /* 6 s: the test cannot wait ten minutes */
const N = 30;

const NAMES = Array.from({ length: N }, (_, i) => `Student ${String(i + 1).padStart(2, '0')}`);
NAMES[3] = '<img src=x onerror=window.__xss=1>';
NAMES[7] = '=SUM(A1:A9)';
NAMES[11] = 'Zoë Ōkubo, "Z"';

const words = (t) => (t || '').split(/[ \t\n\r\f\v]+/).filter(Boolean).length;

async function post(url, body, cookie) {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie } : {}) }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, cookie: (res.headers.get('set-cookie') || '').split(';')[0] };
}

/* The 30 students: what each one does (deterministic, varied). Returns their cookies. */
async function simulate(srv, windows) {
  const students = [];
  for (let i = 0; i < N; i++) {
    const track = TRACKS[i % 4];
    const identity = i % 2 && i !== 7 ? `s${1001 + i}` : NAMES[i].replace(/^Zoë/, 'zoë'); /* ID or name, case aside */
    const s = await post(srv.url + 'api/session', { track, identity });
    assert.equal(s.status, 201, JSON.stringify(s.body));
    const c = s.cookie;
    students.push({ i, track, cookie: c });
    if (i % 10 === 9) continue; /* three only chose a track */
    const roiGuess = [5, 20, 27, 40, 60, 100, 400, 3000, 2, 33][i % 10];
    assert.equal((await post(srv.url + 'api/ledger/predictions', { part: 'roi', value: roiGuess }, c)).status, 201);
    if (i % 3 === 0) await post(srv.url + 'api/ledger/evidence', { part: 'roi', command: 'roi', params: {} }, c);
    if (i % 4 !== 1) await post(srv.url + 'api/ledger/reflections', { part: 'roi', text: 'word '.repeat(1 + i) }, c);
    if (i % 5 === 4) continue;
    const canaryGuess = [100, 1000, 3000, 2995, 10000, 50000][i % 6];
    assert.equal((await post(srv.url + 'api/ledger/predictions', { part: 'canary', value: canaryGuess }, c)).status, 201);
    const w = windows[track];
    const nTries = [1, 3, 10, 2, 0, 5, 4][i % 7];
    for (let k = 1; k <= nTries; k++) {
      const works = k === nTries && i % 7 !== 2; /* those with 10 tries never find it */
      const hours = works ? (w.min + w.max) / 2 : Math.max(1, w.min / (2 + k));
      assert.equal((await post(srv.url + 'api/ledger/attempts', { part: 'canary', params: { attempt_hours: hours } }, c)).status, 201);
    }
    if (i % 2 === 0) await post(srv.url + 'api/ledger/evidence', { part: 'canary', command: 'sprt', params: {} }, c);
    if (i % 3 !== 2) await post(srv.url + 'api/ledger/reflections', { part: 'canary', text: `Canary ${i}: the window is short.` }, c);
    if (i % 6 === 5) continue;
    assert.equal((await post(srv.url + 'api/ledger/predictions', { part: 'ensemble', value: i % 3 ? 'drop' : 'no-drop' }, c)).status, 201);
    if (i % 4 === 0) await post(srv.url + 'api/ledger/evidence', { part: 'ensemble', command: 'ensemble', params: {} }, c);
    await post(srv.url + 'api/ledger/governance', { policy: i % 3 ? 'strict' : 'loose', justification: i % 4 === 3 ? 'Because.' : 'Contracts stop silent skew before it ships.' }, c);
    if (i % 5 !== 3) await post(srv.url + 'api/ledger/reflections', { part: 'ensemble', text: 'Pin the versions.' }, c);
  }
  return students;
}

/* What the class view must show, computed here from each student's own ledger. */
async function expected(srv, students, roster) {
  const rows = [];
  for (const s of students) {
    const l = await (await fetch(srv.url + 'api/ledger', { headers: { Cookie: s.cookie } })).json();
    const pred = Object.fromEntries(l.predictions.map((p) => [p.part, p]));
    const of = (kind, part) => l.entries.filter((e) => e.kind === kind && e.part === part);
    const last = (kind, part) => of(kind, part).at(-1);
    const attempts = of('attempt', 'canary');
    const firstOk = attempts.findIndex((e) => e.body.attempt.safety_ok && e.body.attempt.release_ok);
    const gov = l.entries.filter((e) => e.kind === 'governance').at(-1);
    const parts = ['roi', 'canary', 'ensemble'].map((p) => ({
      locked: !!pred[p], pred: pred[p], evidence: of('evidence', p).length, reflected: of('reflection', p).length > 0,
      words: words(last('reflection', p)?.body.text),
    }));
    const done = parts.reduce((a, p) => a + p.locked + p.reflected, 0) + (gov ? 1 : 0);
    /* finished: when the last of the 7 items was first done */
    const firstOf = (kind, part) => of(kind, part)[0]?.created_at || '';
    const finishedAt = done === 7 ? [...['roi', 'canary', 'ensemble'].flatMap((p) => [pred[p].locked_at, firstOf('reflection', p)]),
      l.entries.find((e) => e.kind === 'governance').created_at].sort().at(-1) : '';
    rows.push({
      session: l.session, track: l.track, identity: l.identity, created_at: l.created_at, variant: l.variant, parts, attempts: attempts.length,
      windowTry: firstOk < 0 ? 0 : firstOk + 1, policy: gov ? gov.body.policy : '', justWords: gov ? words(gov.body.justification) : 0,
      done, completion: Math.round((100 * done) / 7), finished: done === 7, finishedAt,
      crisisEvidence: of('evidence', 'crisis').length, crisisWords: words(last('reflection', 'crisis')?.body.text),
      partFinished: parts.map((p, k) => p.locked && p.reflected && (k !== 2 || !!gov)),
      partStarted: parts.map((p, k) => p.locked || p.evidence > 0 || p.reflected || (k === 1 && attempts.length > 0) || (k === 2 && !!gov)),
    });
  }
  assert.equal(rows.length, N);
  for (const r of rows) assert.ok(roster.some((x) => r.identity.startsWith(x.id) || r.identity === x.name), `identity from the roster: ${r.identity}`);
  return rows;
}

const who = (r) => r.identity || `session ${r.session}`;

function binOf(p) {
  if (p.correct) return 3;
  const under = Number(p.predicted) < Number(p.actual);
  const f = p.off_by_factor;
  const far = f > 10 ? 3 : f > 3 ? 2 : 1;
  return under ? 3 - far : 3 + far;
}

test('the class view: 30 students, every number against the ledger; live; projector; CSV; a report; 390 px', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fleetops-class-'));
  const roster = NAMES.map((name, i) => ({ id: `s${1001 + i}`, name }));
  const rosterFile = path.join(dir, 'roster.csv');
  /* one line with a name only (a formula, for the gradebook to neutralise) */
  writeFileSync(rosterFile, 'id,name\n' + roster.map((r, i) => (i === 7 ? '' : `${r.id},`) + `"${r.name.replaceAll('"', '""')}"`).join('\n') + '\n');
  process.env.FLEETOPS_INSTRUCTOR_TOKEN = TOKEN;
  /* with per-student variants: Part 2's answer is each student's own */
  const srv = await startServer(['--roster', rosterFile, '--sessions-per-minute', '0',
    '--writes-per-minute', '0', '--stuck-minutes', String(STUCK_MINUTES), '--variants', 'yes']);
  delete process.env.FLEETOPS_INSTRUCTOR_TOKEN;
  const { context, close } = await launchBrowser({ width: 1280, height: 900 });
  try {
    const windows = {};
    for (const t of TRACKS) {
      const c = await (await fetch(`${srv.url}api/canary?track=${t}`)).json();
      windows[t] = { min: c.shadow_hours, max: c.release_limit_hours - c.pipeline_overhead_hours };
    }
    const students = await simulate(srv, windows);
    await new Promise((r) => setTimeout(r, STUCK_MINUTES * 60000 + 1500)); /* everyone idle now */
    /* five students write again: they are no longer stuck */
    const active = [0, 5, 10, 15, 20].map((i) => students[i]);
    for (const s of active) {
      const r = await post(srv.url + 'api/ledger/reflections', { part: 'crisis', text: `The crisis, in words ${s.i}.` }, s.cookie);
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const rows = await expected(srv, students, roster);
    /* each has their own numbers; Part 2's answer is theirs: ceil(ln(0.05) / ln(1 - p)) */
    const mults = Array.from({ length: 13 }, (_, k) => (14 + k) / 20);
    for (const r of rows) {
      assert.ok(mults.includes(r.variant.failure_rate) && mults.includes(r.variant.request_rate_per_s), JSON.stringify(r.variant));
      const p = 0.001 * r.variant.failure_rate;
      if (r.parts[1].pred) assert.equal(Number(r.parts[1].pred.actual), Math.ceil(Math.log(0.05) / Math.log1p(-p)), `Part 2 answer of ${who(r)}`);
    }
    assert.ok(new Set(rows.filter((r) => r.parts[1].pred).map((r) => r.parts[1].pred.actual)).size > 3, 'answers differ between students');

    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    /* the console's "Failed to load resource" lines are judged by their responses below */
    page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text()); });
    let signedIn = false;
    page.on('response', (r) => {
      const u = new URL(r.url());
      if (r.status() >= 400 && u.pathname !== '/favicon.ico' && !(u.pathname === '/api/class' && r.status() === 403 && !signedIn))
        problems.push(`${r.status()} ${u.pathname}`);
    });
    const statuses = [];
    page.on('response', (r) => { if (r.url().includes('/api/class')) statuses.push(r.status()); });
    await page.goto(srv.url + 'instructor');
    await page.locator('#signin').waitFor(); /* 403 first: the form */
    signedIn = true;
    await page.locator('#token').fill(TOKEN);
    await page.locator('#signin button[type=submit]').click();
    await page.locator('#progress').waitFor();
    assert.equal(await page.evaluate(() => document.cookie), '', 'the instructor cookie is HttpOnly');

    /* who is stuck: not finished, no write for the threshold (the five active ones are not) */
    const stuckWant = rows.filter((r) => !r.finished && !active.some((s) => s.i === rows.indexOf(r))).map((r) => String(r.session)).sort();
    const stuckGot = (await page.locator('#stuck tbody tr').evaluateAll((trs) => trs.map((t) => t.dataset.session))).sort();
    assert.deepEqual(stuckGot, stuckWant);

    /* the status line */
    const finished = rows.filter((r) => r.finished).length;
    assert.match(await page.locator('#status').textContent(), new RegExp(`^30 students, ${finished} finished\\.`));

    /* progress per part */
    const steps = { started: 'partStarted', locked: null, explored: null, reflected: null, finished: 'partFinished' };
    for (const [k, part] of ['roi', 'canary', 'ensemble'].entries()) {
      const want = {
        started: rows.filter((r) => r.partStarted[k]).length,
        locked: rows.filter((r) => r.parts[k].locked).length,
        explored: rows.filter((r) => r.parts[k].evidence > 0).length,
        reflected: rows.filter((r) => r.parts[k].reflected).length,
        finished: rows.filter((r) => r.partFinished[k]).length,
      };
      for (const step of Object.keys(steps)) {
        const got = await page.locator(`#progress tr[data-part="${part}"] td[data-step="${step}"] .num`).textContent();
        assert.equal(Number(got), want[step], `${part} ${step}`);
      }
    }

    /* Parts 1 and 2: per track, the distance bins, the counts, the middle prediction, each row */
    for (const part of ['roi', 'canary']) {
      for (const track of TRACKS) {
        const mine = rows.filter((r) => r.track === track && r.parts[part === 'roi' ? 0 : 1].locked)
          .map((r) => ({ r, p: r.parts[part === 'roi' ? 0 : 1].pred }));
        const block = page.locator(`#part-${part} .track[data-track="${track}"]`);
        if (!mine.length) {
          assert.equal(await block.count(), 0);
          continue;
        }
        const bins = [0, 0, 0, 0, 0, 0, 0];
        for (const { p } of mine) bins[binOf(p)]++;
        const binRows = block.locator('table').first().locator('tbody tr td');
        assert.deepEqual((await binRows.allTextContents()).map(Number), bins, `${part} ${track} bins`);
        const close = mine.filter(({ p }) => p.correct).length;
        const under = mine.filter(({ p }) => !p.correct && Number(p.predicted) < Number(p.actual)).length;
        const over = mine.length - close - under;
        const ratios = mine.map(({ p }) => Number(p.predicted) / Number(p.actual)).sort((a, b) => a - b);
        const h = ratios.length >> 1;
        const med = ratios.length % 2 ? ratios[h] : Math.sqrt(ratios[h - 1] * ratios[h]);
        const medWords = med === 1 ? 'The middle prediction is the answer.'
          : `The middle prediction is ${(med > 1 ? med : 1 / med).toFixed(2)} times ${med > 1 ? 'over' : 'under'} the answer.`;
        const summary = await block.locator('.summary').textContent();
        assert.equal(summary, `${mine.length} prediction${mine.length === 1 ? '' : 's'}: ${close} close (within 1.5 times the answer, either way), ` +
          `${under} under by more than that, ${over} over by more than that. ${medWords}`, `${part} ${track} summary`);
        const answers = new Set(mine.map(({ p }) => p.actual));
        if (part === 'roi') assert.equal(answers.size, 1, 'Part 1 is not varied: one answer per track');
        assert.match(await block.locator('h3').textContent(), answers.size === 1
          ? new RegExp(`answer ${Number([...answers][0]).toLocaleString('en-US')}$`) : /: each student has their own answer$/);
        for (const { r, p } of mine) {
          const cells = await block.locator(`table.who tr[data-session="${r.session}"] > *`).allTextContents();
          const dir = Number(p.predicted) < Number(p.actual) ? 'under' : Number(p.predicted) > Number(p.actual) ? 'over' : null;
          assert.deepEqual(cells, [who(r), Number(p.predicted).toLocaleString('en-US'), Number(p.actual).toLocaleString('en-US'),
            dir ? `${p.off_by_factor.toFixed(2)} times ${dir}` : 'exactly right', p.correct ? 'yes' : 'no'], `${part} ${who(r)}`);
        }
      }
    }
    /* Part 3: the choices per track */
    for (const track of TRACKS) {
      const mine = rows.filter((r) => r.track === track && r.parts[2].locked);
      const block = page.locator(`#part-ensemble .track[data-track="${track}"]`);
      const drop = mine.filter((r) => r.parts[2].pred.predicted === 'drop').length;
      const cells = await block.locator('table').first().locator('tbody td').allTextContents();
      assert.deepEqual(cells.map(Number), [drop, mine.length - drop], `ensemble ${track}`);
      assert.match(await block.locator('.summary').textContent(), new RegExp(`: ${mine.filter((r) => r.parts[2].pred.correct).length} right\\.$`));
    }

    /* tries to the window */
    const found = Array(10).fill(0);
    for (const r of rows) if (r.windowTry) found[r.windowTry - 1]++;
    const notFound = rows.filter((r) => !r.windowTry && r.attempts >= 10).length;
    const searching = rows.filter((r) => !r.windowTry && r.attempts > 0 && r.attempts < 10).length;
    const triesCells = (await page.locator('#tries table tbody td').allTextContents()).map(Number);
    assert.deepEqual(triesCells, [...found, notFound, searching], 'tries to the window');
    assert.ok(found.some((n) => n > 0) && notFound > 0 && searching >= 0);

    /* the governance split, with who justified in 5 words or more */
    const g = (p) => rows.filter((r) => r.policy === p);
    const govCells = await page.locator('#governance table tbody td').allTextContents();
    assert.deepEqual(govCells, [String(g('loose').length), String(g('loose').filter((r) => r.justWords >= 5).length),
      String(g('strict').length), String(g('strict').filter((r) => r.justWords >= 5).length),
      String(rows.filter((r) => !r.policy).length), '—']);

    /* every student's row: identity (as text), completion, report link */
    for (const r of rows) {
      const cells = await page.locator(`#students tr[data-session="${r.session}"] > *`).allTextContents();
      assert.equal(cells[0], who(r));
      assert.equal(cells[2], `${r.completion}%`, `completion of ${who(r)}`);
      assert.equal(cells[4], r.windowTry ? `try ${r.windowTry}` : r.attempts >= 10 ? 'not found' : `${r.attempts} tried`);
    }
    assert.equal(await page.evaluate(() => window.__xss), undefined, 'a name is never markup');
    assert.equal(await page.locator('#class img').count(), 0);
    assert.ok((await page.locator('#students').textContent()).includes('<img src=x onerror=window.__xss=1>'));
    await page.screenshot({ path: shotPath('class-teacher.png'), fullPage: true });

    /* live: a new lock appears by itself; an unchanged class is polled with 304 */
    const before = Number(await page.locator('#progress tr[data-part="roi"] td[data-step="locked"] .num').textContent());
    await post(srv.url + 'api/ledger/predictions', { part: 'roi', value: 27 }, students[9].cookie);
    await page.waitForFunction((n) => Number(document.querySelector('#progress tr[data-part="roi"] td[data-step="locked"] .num').textContent) === n,
      before + 1, { timeout: 15000 });
    /* the ETag holds the minute too (idle times move with it): a poll across a minute's turn
     * answers 200 once, so wait for up to three polls */
    for (let t = 0; t < 30 && !statuses.includes(304); t++) await page.waitForTimeout(500);
    assert.ok(statuses.includes(304), `an unchanged class answers 304 (${statuses})`);

    /* a student's report from the view: the same HTML the student downloads, identity escaped */
    const [download] = await Promise.all([page.waitForEvent('download'),
      page.locator(`#students tr[data-session="${rows[3].session}"] a`).click()]);
    const html = readFileSync(await download.path(), 'utf8');
    assert.ok(html.includes('&lt;img src=x onerror=window.__xss=1&gt;'), 'the identity escaped in the report');
    const mine = await (await fetch(srv.url + 'api/report?format=html', { headers: { Cookie: students[3].cookie } })).text();
    assert.equal(html, mine, 'the teacher opens the bytes the student downloads');

    /* the gradebook: RFC 4180, UTF-8 with its mark, one row per session, each cell from the ledger */
    const cookies = await context.cookies(srv.url);
    const inst = cookies.find((c) => c.name === 'fo_instructor');
    const bytes = Buffer.from(await (await fetch(srv.url + 'api/class.csv', { headers: { Cookie: `fo_instructor=${inst.value}` } })).arrayBuffer());
    const csv = bytes.toString('utf8'); /* Buffer keeps the byte order mark, as a spreadsheet sees it */
    assert.ok(csv.startsWith('\uFEFFsession,identity,'));
    const table = parseCsv(csv.slice(1));
    assert.equal(table.length, 1 + N);
    const rowsNow = await expected(srv, students, roster);
    for (const r of rowsNow) {
      const cells = table.find((c) => c[0] === String(r.session));
      const id = /^[=+\-@\t\r]/.test(r.identity) ? `'${r.identity}` : r.identity;
      assert.equal(cells[1], id);
      assert.equal(cells[2], r.track);
      assert.equal(cells[3], r.created_at);
      assert.equal(cells[5], r.finishedAt);
      assert.equal(cells[6], String(r.completion));
      for (let k = 0; k < 3; k++) {
        const p = r.parts[k];
        const base = 7 + 6 * k;
        assert.deepEqual(cells.slice(base, base + 6), [p.pred ? p.pred.predicted : '', p.pred ? p.pred.actual : '',
          p.pred && p.pred.off_by_factor ? p.pred.off_by_factor.toFixed(2) : '', p.pred ? (p.pred.correct ? 'yes' : 'no') : '',
          String(p.evidence), String(p.words)], `gradebook ${who(r)} part ${k + 1}`);
      }
      assert.deepEqual(cells.slice(25), [String(r.crisisEvidence), String(r.crisisWords), String(r.attempts),
        r.windowTry ? String(r.windowTry) : '', r.policy, String(r.justWords)]);
    }
    assert.ok(csv.includes("\r\n8,\"'=SUM(A1:A9)\","), 'a formula is neutralised');
    for (const cells of table) for (const c of cells) assert.ok(!/^[=+\-@\t\r]/.test(c), `no cell a spreadsheet reads as a formula: ${c}`);

    /* the projector: no identity anywhere on the screen, large type */
    await page.locator('#projector').click();
    await page.waitForFunction(() => !document.querySelector('#students'));
    const text = await page.locator('body').textContent();
    for (const r of rows) assert.ok(!text.includes(r.identity), `no identity on the projector: ${r.identity}`);
    assert.ok(Number.parseFloat(await page.evaluate(() => getComputedStyle(document.body).fontSize)) >= 24);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.screenshot({ path: shotPath('class-projector.png') });

    /* 390 px: nothing wider than the screen but the tables' own scrolling boxes */
    await page.locator('#projector').click();
    await page.locator('#students').waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    assert.ok(await page.evaluate(() => document.scrollingElement.scrollWidth <= 391), 'no sideways scrolling at 390 px');
    await page.screenshot({ path: shotPath('class-390.png'), fullPage: true });
    /* every figure's bars are hidden from screen readers and followed by their table */
    assert.ok(await page.evaluate(() => [...document.querySelectorAll('#class figure')].every((f) =>
      f.querySelector('.bars').getAttribute('aria-hidden') === 'true' && f.nextElementSibling && f.nextElementSibling.querySelector('table'))));
    assert.deepEqual(problems, []);
  } finally {
    await close();
    assert.equal(await srv.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  }
});

/* RFC 4180: quoted fields with doubled quotes, CRLF between records. */
function parseCsv(text) {
  const out = [];
  let row = [], cell = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') q = false; else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell); out.push(row); row = []; cell = ''; i++;
    } else cell += ch;
  }
  if (cell || row.length) { row.push(cell); out.push(row); }
  return out;
}

/* The student's side: at the track choice the page asks what the teacher wants and says, in one
 * line, what the teacher will see; the identity reaches the ledger (and nothing with none). */
test('the track choice asks the name or ID the teacher wants, and says what the teacher sees', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fleetops-class-'));
  const rosterFile = path.join(dir, 'roster.csv');
  writeFileSync(rosterFile, 's2001,Grace Hopper\ns2002,<b>Bold</b>\n');
  process.env.FLEETOPS_INSTRUCTOR_TOKEN = TOKEN;
  const servers = [await startServer(['--roster', rosterFile]),
    await startServer(['--identity', 'none']), await startServer(['--variants', 'yes'])];
  delete process.env.FLEETOPS_INSTRUCTOR_TOKEN;
  const { context, close } = await launchBrowser({ width: 390, height: 844 });
  try {
    const [roster, none] = servers;
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(roster.url);
    await page.waitForSelector('.track-card');
    await page.locator('#identity-field').waitFor();
    assert.match(await page.locator('#identity-label').textContent(), /class list/);
    assert.equal(await page.locator('#identity-input').evaluate((i) => i.required), true);
    assert.match(await page.locator('#teacher-sees').textContent(), /^Your teacher sees your work .* under the name or student ID you give here\.$/);
    /* not on the list: refused, said in words, no session */
    await page.locator('#identity-input').fill('Mallory');
    await page.click('.track-card[data-track="edge-guardian"]');
    await page.waitForFunction(() => /not on the class list/i.test(document.body.textContent));
    assert.equal(await page.evaluate(() => window.fleetops.state().ledger), null);
    await page.locator('#identity-input').fill('  grace hopper ');
    await page.click('.track-card[data-track="edge-guardian"]');
    await page.waitForSelector('.track-card[data-track="edge-guardian"][aria-pressed="true"]');
    assert.equal(await page.evaluate(() => window.fleetops.state().ledger.identity), 's2001 \u00b7 Grace Hopper');
    await page.screenshot({ path: shotPath('class-identity-390.png') });

    /* --identity none: no field, the line says so, nothing stored */
    const p2 = await context.newPage();
    p2.on('pageerror', (e) => problems.push(String(e)));
    await p2.goto(none.url);
    await p2.waitForSelector('.track-card');
    await p2.waitForFunction(() => document.getElementById('teacher-sees').textContent !== '');
    assert.equal(await p2.locator('#identity-field').isHidden(), true);
    assert.match(await p2.locator('#teacher-sees').textContent(), /session number only/);
    await p2.click('.track-card[data-track="tiny-pioneer"]');
    await p2.waitForSelector('.track-card[data-track="tiny-pioneer"][aria-pressed="true"]');
    assert.equal(await p2.evaluate(() => window.fleetops.state().ledger.identity), undefined);

    /* --variants: the page says the student's own numbers at Part 2's lock, and the reveal is theirs */
    const p3 = await context.newPage();
    p3.on('pageerror', (e) => problems.push(String(e)));
    await p3.goto(servers[2].url);
    await p3.waitForSelector('.track-card');
    await p3.click('.track-card[data-track="mobile-nomad"]');
    await p3.waitForSelector('#variant-canary');
    const own = await p3.evaluate(() => window.fleetops.state().ledger.variant);
    const rate = 0.001 * own.failure_rate;
    assert.ok((await p3.locator('#variant-canary').textContent()).includes(
      `the edge case here is 1 in ${Math.round(1 / rate).toLocaleString('en-US')} requests (a failure rate of ${Number(rate.toPrecision(6))})`));
    await p3.fill('#lock-canary', '1000');
    await p3.press('#lock-canary', 'Enter');
    await p3.waitForSelector('#reveal-canary');
    const pr = await p3.evaluate(() => window.fleetops.state().ledger.predictions.find((p) => p.part === 'canary'));
    assert.equal(Number(pr.actual), Math.ceil(Math.log(0.05) / Math.log1p(-rate)), 'the answer for their own failure rate');
    await p3.screenshot({ path: shotPath('class-variant-390.png') });
    assert.deepEqual(problems, []);
  } finally {
    await close();
    for (const s of servers) assert.equal(await s.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  }
});
