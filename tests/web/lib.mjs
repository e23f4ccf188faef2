// lib.mjs: shared helpers for the web tests. Each test file starts its own `fleetops serve
// --port 0` (the binary's path comes from FLEETOPS_BIN, set by ctest), reads the address from the
// first stdout line, and stops it at the end. The browser is Debian's Chromium driven by
// playwright-core, with a fresh user-data directory per launch.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CHROMIUM = process.env.FO_CHROMIUM || '/usr/bin/chromium';
export const SCREENSHOTS = process.env.FO_SCREENSHOTS || path.resolve(here, '../../build/screenshots');

export function fleetopsBin() {
  const bin = process.env.FLEETOPS_BIN || process.argv.find((a) => a.startsWith('--fleetops='))?.slice(11) ||
    path.resolve(here, '../../build/fleetops');
  if (!existsSync(bin)) throw new Error(`fleetops binary not found at ${bin} (set FLEETOPS_BIN)`);
  return bin;
}

/* A fresh ledger database per server: a temporary directory removed when the server stops. */
function freshDb() {
  const dir = mkdtempSync(path.join(tmpdir(), 'fleetops-db-'));
  return { path: path.join(dir, 'ledger.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/* Starts `fleetops serve --port 0 --db <fresh>`; resolves {url, stop, db}. */
export function startServer(extra = []) {
  const bin = fleetopsBin();
  const db = freshDb();
  const child = spawn(bin, ['serve', '--port', '0', '--db', db.path, '--create', 'yes', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fleetops serve printed no address within 10 s; stderr: ${stderr}`));
    }, 10000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fleetops serve exited (${code}) before printing its address; stderr: ${stderr}`));
    });
    const rl = createInterface({ input: child.stdout });
    rl.once('line', (line) => {
      clearTimeout(timer);
      const m = /http:\/\/[^\s]+?:(\d+)\//.exec(line);
      if (!m) {
        child.kill('SIGKILL');
        reject(new Error(`unexpected first line from fleetops serve: ${line}`));
        return;
      }
      child.removeAllListeners('exit');
      const url = m[0];
      resolve({
        url,
        port: Number(m[1]),
        firstLine: line,
        db: db.path,
        stop: () => new Promise((res) => {
          const done = (code) => {
            db.remove();
            res(code);
          };
          if (child.exitCode !== null) return done(child.exitCode);
          child.once('exit', (code) => done(code));
          child.kill('SIGTERM');
        }),
      });
    });
  });
}

/* A plain static file server (what any static host does): files under `root` with their
 * content types, 404 for anything else (so /api/... never answers). Resolves {url, stop, log}
 * where log lists every request as {method, path, status}. */
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png',
};
export function startStatic(root) {
  const log = [];
  const server = createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    let rel = decodeURIComponent(u.pathname);
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(root, '.' + rel);
    let status = 404;
    if (file.startsWith(path.resolve(root) + path.sep) && existsSync(file) && statSync(file).isFile() && req.method === 'GET') {
      status = 200;
      const body = readFileSync(file);
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Content-Length': body.length });
      res.end(body);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    }
    log.push({ method: req.method, path: u.pathname, status, probe: !!req.headers['x-fleetops-test-probe'] });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/`, log,
        stop: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
      });
    });
  });
}

/* Launches Chromium with a fresh profile. Fails loudly when the browser is missing: the browser
 * tests are part of `make test` and must never be skipped silently. */
export async function launchBrowser(viewport = { width: 1280, height: 800 }, opts = {}) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with \`scripts/deps.sh web\` ` +
      '(Debian package chromium); the browser tests cannot run without it');
  }
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(path.join(tmpdir(), 'fleetops-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport,
    colorScheme: opts.colorScheme || 'light',
    reducedMotion: 'reduce',
    /* a test's own certificate (tests/deploy/deploy_up.c makes one for 127.0.0.1) */
    ignoreHTTPSErrors: !!opts.ignoreHTTPSErrors,
  });
  const close = async () => {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}

export function shotPath(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, name);
}

/* Answer-bearing commands per part: the page must not ask for them before that part's lock. */
export const PART_COMMANDS = {
  roi: ['roi'],
  canary: ['canary', 'bound', 'sprt', 'rollout'],
  ensemble: ['ensemble', 'governance'],
};
export const TRACKS = ['cloud-titan', 'edge-guardian', 'mobile-nomad', 'tiny-pioneer'];

/* Records every /api/ request a page makes: [{cmd, url, t}]. */
export function recordApi(page) {
  const log = [];
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (u.pathname.startsWith('/api/')) log.push({ cmd: u.pathname.slice(5), url: req.url(), params: Object.fromEntries(u.searchParams) });
  });
  return log;
}
