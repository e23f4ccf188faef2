// instructor.js — the class view (issue 18). Fetches /api/class with the instructor's sign-in
// cookie (HttpOnly, set by the form's POST /instructor/signin; the token never goes into a URL)
// every few seconds with If-None-Match: an unchanged class answers 304 and nothing is redrawn.
// Every number comes from the server's class rows (src/store/classbook.c), the same rows the
// gradebook CSV is written from; this page only words them. Each figure has its table. Student
// text (an identity) is only ever set as text, never as markup. The projector layout asks the
// server for the view without identities and draws large.

const POLL_MS = 5000;

const $ = (tag, attrs = {}, ...kids) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const k of kids) if (k !== null && k !== undefined) el.append(k);
  return el;
};

/* The box a table scrolls in on a narrow screen: a named region that takes keyboard focus, so it
 * can be scrolled without a mouse (axe: scrollable-region-focusable). When the table is wider
 * than the box, a line pinned to its left edge says so and a shadow marks the side with more;
 * the caption wraps inside what is seen of the box (--seen-w). */
const syncScroll = (box) => {
  const w = box.clientWidth;
  if (!w) return;
  box.style.setProperty('--seen-w', `${w}px`);
  box.classList.toggle('overflows', box.scrollWidth > w + 1);
  box.classList.toggle('at-start', box.scrollLeft <= 1);
  box.classList.toggle('at-end', box.scrollLeft + w >= box.scrollWidth - 1);
};
const overflowWatch = typeof ResizeObserver === 'function'
  ? new ResizeObserver((seen) => {
    for (const e of seen) {
      if (!e.target.isConnected) overflowWatch.unobserve(e.target); /* redrawn: no longer on the page */
      else syncScroll(e.target.closest('.scroll') || e.target);
    }
  }) : null;
const scroll = (t) => {
  const box = $('div', { class: 'scroll', tabindex: '0', role: 'region',
    'aria-label': (t.querySelector('caption')?.textContent || 'table').trim() },
  $('p', { class: 'scroll-cue', 'aria-hidden': 'true' }, 'Scroll sideways for more columns \u2192'), t);
  if (overflowWatch) {
    overflowWatch.observe(box);
    overflowWatch.observe(t);
  }
  box.addEventListener('scroll', () => syncScroll(box), { passive: true });
  return box;
};

const CHOICE_WORDS = { drop: 'accuracy drops', 'no-drop': 'accuracy holds' };
const BIN_LABELS = ['more than 10 times under', '3 to 10 times under', '1.5 to 3 times under',
  'close (within 1.5 times)', '1.5 to 3 times over', '3 to 10 times over', 'more than 10 times over'];
const BIN_SHORT = ['>10× under', '3–10× under', '1.5–3× under', 'close', '1.5–3× over', '3–10× over', '>10× over'];

const plural = (n, one, many = one + 's') => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
const answerWords = (a) => (a in CHOICE_WORDS ? CHOICE_WORDS[a]
  : /^\d+(\.\d+)?$/.test(a) ? Number(a).toLocaleString('en-US') : a);
const times = (f) => `${f.toFixed(2)} times`;
const who = (p) => (p.identity ? p.identity : `session ${p.session}`);
const trackName = (id) => id.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join(' ');

// A bar chart as a figure: bars drawn with divs (aria-hidden), its numbers in the table after
// it. marked: the index drawn in the answer's colour.
function bars(labels, counts, { marked = -1, caption }) {
  const max = Math.max(1, ...counts);
  const chart = $('div', { class: 'bars', 'aria-hidden': 'true' });
  counts.forEach((c, i) => {
    const col = $('div', { class: 'col' + (i === marked ? ' answer' : '') },
      $('span', { class: 'n' }, String(c)));
    const bar = $('div', { class: 'bar' });
    bar.style.height = `${(100 * c) / max}%`;
    col.append(bar, $('span', { class: 'lab' }, labels[i]));
    chart.append(col);
  });
  return $('figure', {}, chart, $('figcaption', {}, caption));
}

function countTable(caption, head, labels, counts, marked = -1) {
  const t = $('table', {}, $('caption', {}, caption),
    $('thead', {}, $('tr', {}, $('th', { scope: 'col' }, head), $('th', { scope: 'col' }, 'students'))));
  const body = $('tbody');
  labels.forEach((l, i) => body.append($('tr', i === marked ? { class: 'answer' } : {},
    $('th', { scope: 'row' }, l), $('td', {}, String(counts[i])))));
  t.append(body);
  return scroll(t);
}

function progress(data) {
  const n = data.sessions;
  const steps = [['started', 'started'], ['locked', 'locked a prediction'], ['explored', 'explored (evidence)'],
    ['reflected', 'reflected'], ['finished', 'finished']];
  const sec = $('section', { id: 'progress', 'aria-labelledby': 'progress-h' },
    $('h2', { id: 'progress-h' }, 'Where the class is'),
    $('p', {}, `${plural(n, 'student')}; ${plural(data.finished, 'has', 'have')} finished the whole lab.`));
  const t = $('table', {}, $('caption', {}, 'Students at each step of each part'),
    $('thead', {}, $('tr', {}, $('th', { scope: 'col' }, 'part'),
      ...steps.map(([, w]) => $('th', { scope: 'col' }, w)))));
  const body = $('tbody');
  for (const p of data.parts) {
    const row = $('tr', { 'data-part': p.part }, $('th', { scope: 'row' }, `Part ${p.number}: ${p.title}`));
    for (const [k] of steps) {
      const meter = $('span', { class: 'meter', 'aria-hidden': 'true' });
      meter.style.setProperty('--w', `${n ? (100 * p[k]) / n : 0}%`);
      row.append($('td', { 'data-step': k }, meter, $('span', { class: 'num' }, String(p[k]))));
    }
    body.append(row);
  }
  t.append(body);
  sec.append(scroll(t));
  return sec;
}

function trackNumbers(part, t, projector) {
  const wrap = $('div', { class: 'track', 'data-track': t.track });
  const answer = t.answer === null ? 'each student has their own answer' : `answer ${answerWords(t.answer)}`;
  wrap.append($('h3', {}, `${t.track_name}: ${answer}`));
  if (part.lock_kind === 'number') {
    const words = [`${plural(t.count, 'prediction')}: ${t.close} close (within 1.5 times the answer, either way), ` +
      `${t.under} under by more than that, ${t.over} over by more than that.`];
    if (t.median_factor !== undefined)
      words.push(t.median_direction === 'on' ? 'The middle prediction is the answer.'
        : `The middle prediction is ${times(t.median_factor)} ${t.median_direction} the answer.`);
    wrap.append($('p', { class: 'summary' }, words.join(' ')));
    wrap.append(bars(BIN_SHORT, t.bins, { marked: 3,
      caption: 'How far each prediction is from the answer, on a log scale: under on the left, over on the right; the orange bar is the close ones.' }));
    wrap.append(countTable(`${t.track_name}: predictions by distance from the answer`, 'distance from the answer', BIN_LABELS, t.bins, 3));
  } else {
    const labels = t.choices.map((c) => answerWords(c.choice) + (c.answer ? ' (the answer)' : ''));
    const counts = t.choices.map((c) => c.count);
    const marked = t.choices.findIndex((c) => c.answer);
    wrap.append($('p', { class: 'summary' }, `${plural(t.count, 'prediction')}: ${t.close} right.`));
    wrap.append(bars(labels, counts, { marked, caption: 'What the class predicted; the orange bar is the answer.' }));
    wrap.append(countTable(`${t.track_name}: predictions`, 'prediction', labels, counts, marked));
  }
  if (!projector) {
    const tbl = $('table', { class: 'who' }, $('caption', {}, `${t.track_name}: each student's prediction`),
      $('thead', {}, $('tr', {}, ...['student', 'prediction', 'their answer', 'off by', 'close']
        .map((h) => $('th', { scope: 'col' }, h)))));
    const body = $('tbody');
    for (const p of t.predictions) {
      const off = p.factor === undefined ? '—'
        : p.direction === 'on' ? 'exactly right' : `${times(p.factor)} ${p.direction}`;
      body.append($('tr', { 'data-session': String(p.session) }, $('th', { scope: 'row' }, who(p)),
        $('td', {}, answerWords(p.predicted)), $('td', {}, answerWords(p.actual)), $('td', {}, off),
        $('td', {}, p.close ? 'yes' : 'no')));
    }
    tbl.append(body);
    wrap.append(scroll(tbl));
  }
  return wrap;
}

function partSection(part, projector) {
  const sec = $('section', { id: `part-${part.part}`, 'aria-labelledby': `part-${part.part}-h` },
    $('h2', { id: `part-${part.part}-h` }, `Part ${part.number}: ${part.title}`));
  if (!part.by_track.length) sec.append($('p', {}, 'No prediction locked yet.'));
  for (const t of part.by_track) sec.append(trackNumbers(part, t, projector));
  return sec;
}

function tries(data) {
  const t = data.tries;
  const labels = [...t.found_on_try.map((_, i) => `try ${i + 1}`), 'not found in 10', 'still searching'];
  const counts = [...t.found_on_try, t.not_found, t.searching];
  const found = t.found_on_try.reduce((a, b) => a + b, 0);
  return $('section', { id: 'tries', 'aria-labelledby': 'tries-h' },
    $('h2', { id: 'tries-h' }, 'Part 2: tries to find the shadow window (the 10-Iteration Rule)'),
    $('p', { class: 'summary' }, `${plural(found, 'student')} found the window, ${t.not_found} used all 10 tries without it, ` +
      `${t.searching} ${t.searching === 1 ? 'is' : 'are'} still searching, ${t.not_tried} locked Part 2 and ${t.not_tried === 1 ? 'has' : 'have'} not tried yet.`),
    bars(labels.map((l) => l.replace('try ', '')), counts, { caption: 'The try on which each student found the window.' }),
    countTable('Tries to the window', 'found on', labels, counts));
}

function governance(data) {
  const g = data.governance;
  const w = data.justified_words;
  const labels = ['Loose Versioning', 'Strict Immutable Contracts', 'not decided yet'];
  const counts = [g.loose, g.strict, g.undecided];
  const t = $('table', {}, $('caption', {}, 'The governance choice'),
    $('thead', {}, $('tr', {}, $('th', { scope: 'col' }, 'policy'), $('th', { scope: 'col' }, 'students'),
      $('th', { scope: 'col' }, `justified in ${w} words or more`))));
  const body = $('tbody');
  [[labels[0], g.loose, g.loose_justified], [labels[1], g.strict, g.strict_justified], [labels[2], g.undecided, null]]
    .forEach(([l, n, j]) => body.append($('tr', {}, $('th', { scope: 'row' }, l), $('td', {}, String(n)),
      $('td', {}, j === null ? '—' : String(j)))));
  t.append(body);
  return $('section', { id: 'governance', 'aria-labelledby': 'gov-h' },
    $('h2', { id: 'gov-h' }, 'Part 3: the governance split'),
    $('p', { class: 'summary' }, `${g.loose} chose Loose Versioning (${g.loose_justified} justified it in ${w} words or more), ` +
      `${g.strict} chose Strict Immutable Contracts (${g.strict_justified} justified), ${g.undecided} ${g.undecided === 1 ? 'has' : 'have'} not decided yet.`),
    bars(labels, counts, { caption: 'The class\'s governance choices.' }), scroll(t));
}

function stuck(data, projector) {
  const sec = $('section', { id: 'stuck', 'aria-labelledby': 'stuck-h' },
    $('h2', { id: 'stuck-h' }, 'Who may be stuck'));
  const m = data.stuck_minutes;
  if (!data.stuck.length) {
    sec.append($('p', {}, `Everyone who has not finished wrote something in the last ${plural(m, 'minute')}.`));
    return sec;
  }
  sec.append($('p', { class: 'summary' },
    `${plural(data.stuck.length, 'student')} not finished and without any activity for ${plural(m, 'minute')} or more.`));
  if (projector) return sec; /* no identities on the projector */
  const t = $('table', {}, $('caption', {}, 'No activity recently, longest first'),
    $('thead', {}, $('tr', {}, ...['student', 'track', 'no activity for', 'next step'].map((h) => $('th', { scope: 'col' }, h)))));
  const body = $('tbody');
  for (const s of data.stuck)
    body.append($('tr', { 'data-session': String(s.session) }, $('th', { scope: 'row' }, who(s)),
      $('td', {}, trackName(s.track)), $('td', {}, plural(s.idle_minutes, 'minute')), $('td', {}, s.next)));
  t.append(body);
  sec.append(scroll(t));
  return sec;
}

function students(data) {
  const t = $('table', {}, $('caption', {}, 'Every student; open a report to read their work'),
    $('thead', {}, $('tr', {}, ...['student', 'track', 'done', 'next step', 'window found on', 'governance', 'report']
      .map((h) => $('th', { scope: 'col' }, h)))));
  const body = $('tbody');
  for (const s of data.students) {
    const link = $('a', { href: `/api/class/report?session=${s.session}&format=html` }, 'report');
    link.setAttribute('aria-label', `report of ${who(s)}`);
    body.append($('tr', { 'data-session': String(s.session) }, $('th', { scope: 'row' }, who(s)),
      $('td', {}, trackName(s.track)), $('td', {}, `${s.completion}%`), $('td', {}, s.next),
      $('td', {}, s.window_try ? `try ${s.window_try}` : s.tries >= 10 ? 'not found' : `${s.tries} tried`),
      $('td', {}, s.policy === 'loose' ? 'Loose' : s.policy === 'strict' ? 'Strict' : '—'),
      $('td', {}, link)));
  }
  t.append(body);
  return $('section', { id: 'students', 'aria-labelledby': 'students-h' },
    $('h2', { id: 'students-h' }, 'Students'), scroll(t));
}

function render(data, projector) {
  const main = document.getElementById('class');
  const parts = [progress(data), ...data.parts.map((p) => partSection(p, projector)), tries(data), governance(data),
    stuck(data, projector)];
  if (!projector) parts.push(students(data));
  main.replaceChildren(...parts);
}

const form = document.getElementById('signin');
const tools = document.getElementById('tools');
const status = document.getElementById('status');
const projectorButton = document.getElementById('projector');
let signedIn = false;
let etag = null;
let projector = false;
let count = '';

// The form is posted by fetch (same origin, so the Origin check passes) to show a refusal in
// place; without script it posts itself and the server answers 303 to this page.
form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const res = await fetch('/instructor/signin', {
    method: 'POST', body: new URLSearchParams(new FormData(form)), credentials: 'same-origin',
  });
  form.reset();
  if (res.ok) return load();
  let why = `Error ${res.status}`;
  try { why = (await res.json()).allowed || why; } catch { /* not JSON */ }
  status.textContent = res.status === 429 ? `Too many wrong tokens: ${why}.`
    : res.status === 403 ? 'Wrong token.' : why;
});

projectorButton.addEventListener('click', () => {
  projector = !projector;
  projectorButton.setAttribute('aria-pressed', String(projector));
  document.body.classList.toggle('projector', projector);
  etag = null;
  load();
});

async function load() {
  const headers = etag ? { 'If-None-Match': etag } : {};
  let res;
  try {
    res = await fetch(`/api/class${projector ? '?view=projector' : ''}`,
      { credentials: 'same-origin', cache: 'no-store', headers });
  } catch {
    status.textContent = 'The server does not answer; retrying.';
    return;
  }
  const time = new Date().toLocaleTimeString('en-GB');
  if (res.status === 304) {
    status.textContent = `${count} No change since the last update (checked ${time}).`;
    return;
  }
  if (!res.ok) {
    signedIn = false;
    form.hidden = res.status !== 403;
    tools.hidden = true;
    status.textContent = res.status === 403 ? 'Sign in with the instructor token.' : `Error ${res.status}`;
    return;
  }
  signedIn = true;
  form.hidden = true;
  tools.hidden = false;
  etag = res.headers.get('ETag');
  const data = await res.json();
  count = `${plural(data.sessions, 'student')}, ${data.finished} finished.`;
  status.textContent = `${count} Updated ${time}.`;
  render(data, projector);
}

load();
// Polling costs an unchanged class one small read (304); a hidden tab does not poll.
setInterval(() => { if (signedIn && !document.hidden) load(); }, POLL_MS);
document.addEventListener('visibilitychange', () => { if (signedIn && !document.hidden) load(); });
