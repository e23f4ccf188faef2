// contract.mjs: stand-ins for the commands other issues are building (Part 2: issue 3, Part 3:
// issue 4, the crises: issue 5), written from their JSON contracts, so the page's panels for them
// can be tested before they land. contract.test.mjs serves these through page.route() on top of
// the real server: /api/schema gets these commands added only when the real table lacks them,
// and a command the real server has is never mocked.
//
// The numbers are computed (not constants) where a slider must visibly change them: the
// demonstration sample size n = ceil(ln(1 - C) / ln(1 - p)) (k = 0) is exact.

const P = (name, type, unit, min, max, def, extra = {}) => ({
  name, flag: '--' + name.replace(/_/g, '-'), type, unit, help: `${name} (contract stand-in)`,
  allowed: type === 'choice' ? `one of: ${extra.choices.join(', ')}` : `${type} in [${min}, ${max}]`,
  min, max, min_exclusive: false, max_exclusive: false, default: def, required: false, presets: {}, ...extra,
});
const TRACK = P('track', 'choice', 'track', undefined, undefined, null, {
  choices: ['cloud-titan', 'edge-guardian', 'mobile-nomad', 'tiny-pioneer'],
});
const RATES = { 'cloud-titan': 2000, 'edge-guardian': 15000000, 'mobile-nomad': 40000, 'tiny-pioneer': 500 };

export const SCHEMA_ADDITIONS = [
  {
    name: 'crisis', summary: 'The track crises (stand-in)', figure: 'The crisis instrument', positional: 'track',
    example: 'fleetops crisis cloud-titan', description: '',
    params: [{ ...TRACK, required: true }, P('seed', 'integer', 'seed', 0, 1e9, 1),
      P('threshold_k', 'number', 'sigma', 1, 10, 3, { presets: { 'cloud-titan': 3 } })],
  },
  {
    name: 'canary', summary: 'Part 2 (stand-in)', figure: 'Confidence Clock', positional: null, example: 'fleetops canary', description: '',
    params: [TRACK,
      P('confidence', 'number', 'fraction', 0, 1, 0.95, { min_exclusive: true, max_exclusive: true }),
      P('failure_rate', 'number', 'fraction', 0, 1, 0.001, { min_exclusive: true, max_exclusive: true }),
      P('allowed_failures', 'integer', 'failures', 0, 1000, 0),
      P('request_rate_per_s', 'number', 'requests_per_s', 0.001, 1e9, 1000, { presets: RATES }),
      P('shadow_fraction', 'number', 'fraction', 0.0001, 1, 1),
      P('slice_share', 'number', 'fraction', 0.0001, 1, 0.01),
      P('pipeline_overhead_hours', 'number', 'hours', 0, 1000, 48),
      P('attempt_hours', 'number', 'hours', 0.001, 10000, null),
      P('predict', 'integer', 'requests', 1, 1e12, null)],
  },
  { name: 'bound', summary: 'stand-in', figure: null, positional: null, example: 'fleetops bound --failures 0 --requests 2995 --confidence 0.95', description: '',
    params: [P('failures', 'integer', 'failures', 0, 1e9, 0), P('requests', 'integer', 'requests', 1, 1e12, 2995), P('confidence', 'number', 'fraction', 0, 1, 0.95)] },
  {
    name: 'sprt', summary: 'stand-in', figure: 'SPRT', positional: null, example: 'fleetops sprt --p0 0.001 --p1 0.002 --alpha 0.05 --beta 0.2', description: '',
    params: [P('p0', 'number', 'fraction', 1e-9, 0.5, 0.001), P('p1', 'number', 'fraction', 1e-9, 0.5, 0.002),
      P('alpha', 'number', 'fraction', 1e-6, 0.5, 0.05), P('beta', 'number', 'fraction', 1e-6, 0.5, 0.2)],
  },
  { name: 'rollout', summary: 'stand-in', figure: 'ShadowModeDashboard', positional: null, example: 'fleetops rollout', description: '',
    params: [TRACK, P('seed', 'integer', 'seed', 0, 1e9, 1)] },
  {
    name: 'ensemble', summary: 'stand-in', figure: 'Ensemble Trace', positional: null, example: 'fleetops ensemble', description: '',
    params: [TRACK, P('upstream', 'choice', 'version', undefined, undefined, 'v1', { choices: ['v1', 'v2'] }),
      P('retrain', 'choice', 'choice', undefined, undefined, 'no', { choices: ['yes', 'no'] }),
      P('severity', 'number', 'fraction', 0, 1, 0.6), P('seed', 'integer', 'seed', 0, 1e9, 1),
      P('predict', 'choice', 'choice', undefined, undefined, null, { choices: ['drop', 'no-drop'] })],
  },
  {
    name: 'governance', summary: 'stand-in', figure: null, positional: null, example: 'fleetops governance --policy strict', description: '',
    params: [TRACK, P('policy', 'choice', 'policy', undefined, undefined, null, { choices: ['loose', 'strict'], required: true }),
      P('weeks', 'integer', 'weeks', 1, 520, 52), P('release_every_weeks', 'integer', 'weeks', 1, 52, 4)],
  },
];

const num = (v, d) => (v === undefined ? d : Number(v));

function svgDoc(title, lines) {
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="${60 + 22 * lines.length}" viewBox="0 0 640 ${60 + 22 * lines.length}">` +
    `<title>${esc(title)}</title><desc>${esc(lines.join('; '))}</desc><rect width="100%" height="100%" fill="#fff"/>` +
    `<text x="16" y="30" font-size="17" font-weight="600" fill="#1f2937">${esc(title)}</text>` +
    lines.map((l, i) => `<text x="16" y="${60 + 22 * i}" font-size="13" fill="#374151">${esc(l)}</text>`).join('') + '</svg>';
}

export function demoN(C, p) {
  return Math.ceil(Math.log(1 - C) / Math.log(1 - p));
}

/* JSON for one stand-in command, from its query parameters. */
export function mockJson(cmd, q) {
  const track = q.track || null;
  if (cmd === 'canary') {
    const C = num(q.confidence, 0.95);
    const p = num(q.failure_rate, 0.001);
    const rate = num(q.request_rate_per_s, RATES[track] || 1000);
    const sf = num(q.shadow_fraction, 1);
    const slice = num(q.slice_share, 0.01);
    const over = num(q.pipeline_overhead_hours, 48);
    const n = demoN(C, p);
    const perHour = rate * 3600 * sf * slice;
    const hours = n / perHour;
    const cycle = over + hours;
    const curve = Array.from({ length: 25 }, (_, i) => {
      const t = (hours * 2 * i) / 24;
      return { hours: t, confidence: 1 - Math.pow(1 - p, t * perHour) };
    });
    const out = {
      command: 'canary', track, confidence: C, failure_rate: p, request_rate_per_s: rate,
      requests_needed: n, rule_of_three_requests: Math.ceil(3 / p), shadow_hours: hours,
      release_cycle_hours: cycle, meets_release_limit: cycle <= 168, confidence_curve: curve,
      radar: {
        confidence: { value: C, unit: 'fraction', score: C },
        release_velocity: { value: 720 / cycle, unit: 'releases_per_month', score: Math.min(1, 168 / cycle / 4) },
        exposure: { value: n * 0.05, unit: 'requests', score: 0.6 },
        detection_time: { value: hours, unit: 'hours', score: Math.max(0, 1 - hours / 168) },
        staleness_cost: { value: cycle * 0.001, unit: 'accuracy_points', score: Math.max(0, 1 - cycle / 500) },
      },
      math_peek: `n = ceil(ln(1 - C) / ln(1 - p)) = ceil(ln(${1 - C}) / ln(${1 - p})) = ${n}`,
    };
    if (q.predict !== undefined) {
      const pr = Number(q.predict);
      out.prediction = { predicted: pr, actual: n, off_by_factor: Math.max(pr / n, n / pr) };
    }
    if (q.attempt_hours !== undefined) {
      const a = Number(q.attempt_hours);
      const conf = 1 - Math.pow(1 - p, a * perHour);
      out.attempt = {
        hours: a, achieved_confidence: conf, safety_ok: conf >= C, release_ok: over + a <= 168,
        advice: conf < C ? 'longer' : over + a > 168 ? 'shorter' : 'done',
      };
    }
    return out;
  }
  if (cmd === 'bound') return { command: 'bound', upper_bound: 1 - Math.pow(0.05, 1 / num(q.requests, 2995)) };
  if (cmd === 'sprt') {
    const p0 = num(q.p0, 0.001);
    const p1 = num(q.p1, 0.002);
    const a = num(q.alpha, 0.05);
    const b = num(q.beta, 0.2);
    return {
      command: 'sprt', p0, p1, alpha: a, beta: b,
      log_upper_boundary: Math.log((1 - b) / a), log_lower_boundary: Math.log(b / (1 - a)),
      asn_h0: 1500, asn_h1: 1400, exact_asn_h0: 1550, exact_asn_h1: 1450, exact_alpha: a * 0.9,
      exact_beta: b * 0.95, fixed_n: 4000,
      oc_curve: [0, 0.5, 1, 1.5, 2].map((f) => ({ p: p0 * (0.5 + f), accept_h0: 1 - f / 2 })),
      math_peek: 'A = ln((1-β)/α), B = ln(β/(1-α))',
    };
  }
  if (cmd === 'rollout') {
    return {
      command: 'rollout', track, decision: 'roll back', reason: 'p99 on gen-1 over the 10 ms deadline at the 1% stage',
      stages: ['shadow', '1%', '5%', '25%', '100%'].slice(0, 3).map((name, i) => ({
        stage: name, requests: 10000 * (i + 1), failures: i, confidence: 0.9 + i * 0.03, llr: -1 + i,
        latency_ms: { 'gen-1': { p50: 8, p99: 40 + i }, 'gen-3': { p50: 4, p99: 7 } },
        decision: i < 2 ? 'promote' : 'roll back', reason: i < 2 ? 'within limits' : 'deadline misses',
      })),
    };
  }
  if (cmd === 'ensemble') {
    const up = q.upstream || 'v1';
    const re = q.retrain || 'no';
    const sev = num(q.severity, 0.6);
    const base = 0.91;
    const acc = up === 'v1' ? base : re === 'yes' ? 0.95 : base - 0.3 * sev;
    const out = {
      command: 'ensemble', track, upstream: up, retrain: re, severity: sev, accuracy: acc,
      baseline_accuracy: base, retrained_accuracy: 0.95, requests_served: 2000, errors_raised: 0,
      silent_failure: base - acc > 0.02, contract_ok: up === 'v1' || re === 'yes',
      skew: {
        flagged: up === 'v2' && re === 'no',
        features: ['f0', 'f1', 'f2', 'f3'].map((name, i) => ({
          name, psi: up === 'v2' && re === 'no' ? 0.3 + i * 0.1 : 0.01, js_distance: 0.1, linf: 0.2,
          flagged: up === 'v2' && re === 'no',
        })),
      },
      trace: [1, 2, 3].map((i) => ({
        request: i, extractor: up, view: `${up}@${re === 'yes' ? up : 'v1'}`, schema_hash: 'a1b2c3',
        expects: 'v1', score: 0.4 + i / 10, label: 'wake', correct: acc > 0.8,
      })),
      math_peek: 'accuracy = correct / served',
    };
    if (q.predict) out.prediction = { predicted: q.predict, actual: 'drop' };
    return out;
  }
  if (cmd === 'governance') {
    const strict = q.policy === 'strict';
    return {
      command: 'governance', track, policy: q.policy, silent_failure_weeks: strict ? 0 : 9,
      incidents: strict ? 0 : 4, mean_accuracy: strict ? 0.93 : 0.86, upgrade_delay_days: strict ? 6 : 0,
    };
  }
  if (cmd === 'crisis') {
    const t = track || 'cloud-titan';
    const base = { command: 'crisis', track: t, summary: `Stand-in summary for ${t}: discovered thresholds cut alerts 40x at equal recall.` };
    if (t === 'cloud-titan') {
      const m = (a, p, r, d) => ({ alerts_per_day: a, precision: p, recall: r, mean_detection_delay_minutes: d });
      return { ...base, models: 50, static_threshold: m(400, 0.01, 0.8, 90), discovered_threshold: m(10, 0.6, 0.9, 45), cusum: m(6, 0.8, 0.95, 30) };
    }
    if (t === 'edge-guardian') {
      return { ...base, fleet_size: 500000, deadline_ms: 10, detected: true, detected_at_stage: '1%', vehicles_exposed: 5000,
        hours_to_full_rollback: 2.5, fleetwide_check_detected: false,
        generations: [{ name: 'gen-1', share: 0.2, p50_ms: 8, p99_ms: 102, p999_ms: 130, deadline_miss_rate: 0.04 },
          { name: 'gen-3', share: 0.8, p50_ms: 4, p99_ms: 7, p999_ms: 9 }] };
    }
    if (t === 'mobile-nomad') {
      return { ...base, aggregate_detected: false, aggregate_detection_hours: null, slice_detection_hours: 6, false_alarms: 0,
        correction: 'benjamini-hochberg', regions: [{ name: 'EU-West', share: 0.2, fps_before: 60, fps_after: 42, flagged: true },
          { name: 'US-East', share: 0.3, fps_before: 60, fps_after: 59.5, flagged: false }] };
    }
    return { ...base, unpinned: { accuracy: 0.62, skew_flagged: false, deploy_blocked: false, silent_failure: true },
      pinned: { accuracy: 0.91, skew_flagged: true, deploy_blocked: true, silent_failure: false } };
  }
  return null;
}

export function mockSvg(cmd, q) {
  const d = mockJson(cmd, q);
  if (!d) return null;
  const lines = Object.entries(d).filter(([, v]) => v === null || typeof v !== 'object').slice(0, 10).map(([k, v]) => `${k} = ${v}`);
  return svgDoc(`${cmd} (contract stand-in)`, lines);
}

/* Installs the stand-ins on a Playwright page (or context). Returns the set of mocked names. */
export async function installContractMocks(target) {
  const mocked = new Set();
  await target.route('**/api/**', async (route) => {
    const u = new URL(route.request().url());
    const cmd = u.pathname.slice(5);
    if (cmd === 'schema') {
      const resp = await route.fetch();
      const schema = await resp.json();
      const names = new Set(schema.commands.map((c) => c.name));
      for (const c of SCHEMA_ADDITIONS) {
        if (!names.has(c.name)) {
          schema.commands.push(c);
          mocked.add(c.name);
        }
      }
      return route.fulfill({ response: resp, json: schema });
    }
    if (!mocked.has(cmd)) return route.fallback();
    const q = Object.fromEntries(u.searchParams);
    if (q.format === 'svg') {
      return route.fulfill({ status: 200, contentType: 'image/svg+xml', body: mockSvg(cmd, q) });
    }
    return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(mockJson(cmd, q)) });
  });
  return mocked;
}

/* The ledger's side of Part 2 while the canary command is not built: the real server refuses a
 * Part 2 lock (404, part not built yet) and an attempt (400, unknown command). These stand-ins
 * answer as the server will (src/server/ledger_api.c: 201 {prediction}, 201 {count,
 * attempts_left, body}, 409 on the 11th attempt) and merge what they wrote into the real
 * GET /api/ledger, so the page's Part 2 can be walked end to end. Installed only when the real
 * schema lacks canary. */
export async function installLedgerStandins(target) {
  const predictions = [];
  const attempts = [];
  const now = () => new Date().toISOString();
  await target.route('**/api/ledger**', async (route) => {
    const req = route.request();
    const u = new URL(req.url());
    if (req.method() === 'POST' && u.pathname === '/api/ledger/predictions' && req.postDataJSON().part === 'canary') {
      const v = Number(req.postDataJSON().value);
      const n = demoN(0.95, 0.001);
      if (predictions.length) {
        return route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ error: 'prediction already locked', param: 'part', value: 'canary', allowed: 'one lock per part: a locked prediction is never overwritten' }) });
      }
      const f = v > n ? v / n : n / v;
      const prediction = { part: 'canary', predicted: String(v), actual: String(n), off_by_factor: f, correct: f <= 1.5,
        sentence: `You predicted ${v} requests; the answer is ${n} (off by ${f.toFixed(1)}x).` };
      predictions.push({ ...prediction, locked_at: now() });
      return route.fulfill({ status: 201, contentType: 'application/json', body: JSON.stringify({ prediction }) });
    }
    if (req.method() === 'POST' && u.pathname === '/api/ledger/attempts') {
      const params = req.postDataJSON().params;
      if (attempts.length >= 10) {
        return route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ error: 'attempt refused: all attempts are used', param: 'part', value: 'canary', allowed: 'at most 10 attempts (the 10-Iteration Rule)' }) });
      }
      const body = { command: 'canary', params, attempt: mockJson('canary', Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]))).attempt };
      attempts.push({ id: 100000 + attempts.length, kind: 'attempt', part: 'canary', body, fingerprint: null, created_at: now() });
      return route.fulfill({ status: 201, contentType: 'application/json', body: JSON.stringify({ id: 100000 + attempts.length, kind: 'attempt', part: 'canary', count: attempts.length, attempts_left: 10 - attempts.length, fingerprint: null, body }) });
    }
    if (req.method() === 'GET' && u.pathname === '/api/ledger') {
      const resp = await route.fetch();
      if (resp.status() !== 200) return route.fulfill({ response: resp });
      const l = await resp.json();
      l.predictions.push(...predictions);
      l.entries.push(...attempts);
      if (predictions.length) l.missing = l.missing.filter((m) => m !== 'Part 2: the locked prediction');
      return route.fulfill({ response: resp, json: l });
    }
    return route.fallback();
  });
}
