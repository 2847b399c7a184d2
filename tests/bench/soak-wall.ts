/**
 * Wall soak benchmark: the evidence for two promises of the command-centre
 * wall (/wall): it "runs for a day without memory growth: every live list is
 * bounded, old features are dropped", and "a new incident appears on the map,
 * in the ticker and in the KPIs within 1 s".
 *
 * Builds the demo city as bench-wall.ts does, opens /wall in headless
 * Chromium, then drives an accelerated day through the real HTTP API as a
 * dispatcher: SOAK_REPORTS reports (default 600, two days of the demo city's
 * ~280) over SOAK_MINUTES (default 4), each followed by state changes of
 * older ones (file, dispatch, and reject for some reds, so red markers come
 * and go). Every ~20 s it forces a GC and reads the page's heaps, DOM
 * figures, live lists and the Chromium processes' memory; every 10th report
 * it times ticker, map and KPIs, and again for a few reports at the end made
 * at a real wall's pace. Console and page errors are reported loudly.
 *
 *   npm run bench:wall-soak          (SOAK_REPORTS=1200 SOAK_MINUTES=8 for a longer one)
 *   WALL_BENCH_DATA_DIR=scratch/wall-city npm run bench:wall-soak   (keeps and reuses the city; the soak's reports stay in it)
 *   SOAK_REPORTS=300 SOAK_MINUTES=2 SOAK_QUIET=30 SOAK_PROFILE=1 npm run bench:wall-soak
 *     (the reaction figures in README: 30 timed reports under load, 30 quiet ones, and where the page's time goes: wall-profile.ts)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createTokenRepository } from '../../server/repositories/token-repository.js';
import { openMigratedDatabase, seedIfEmpty } from '../../server/server.js';
import { buildWebIfStale } from '../../tools/build-web.js';
import { launchChromium, SCREENSHOT_DIR } from '../helpers/chromium.js';
import { chromiumProcesses } from './process-cpu.js';
import { printProfile, startProfile, type ProfileSummary } from './wall-profile.js';

const REPORTS = Number(process.env.SOAK_REPORTS ?? 600);
const MINUTES = Number(process.env.SOAK_MINUTES ?? 4);
const PROBE_MS = 20_000;
const SAMPLE_EVERY = Number(process.env.SOAK_SAMPLE_EVERY ?? 10);
/** The promise being checked; a wait gives up at 10 s and counts as a miss. */
const LATENCY_GOAL_MS = 1_000;
const WAIT_MS = 10_000;
const QUIET_SAMPLES = Number(process.env.SOAK_QUIET ?? 5);
/** Seconds of the load, from a third of the way in, traced and profiled (SOAK_PROFILE=1). */
const PROFILE_S = process.env.SOAK_PROFILE ? 20 : 0;

const keptDir = process.env.WALL_BENCH_DATA_DIR;
const dataDir = keptDir ?? mkdtempSync(join(tmpdir(), 'gs-soak-wall-'));
const config = loadConfig({ ...process.env, GRIDSCOPE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
await buildWebIfStale();
const db = await openMigratedDatabase(config, () => undefined);
await seedIfEmpty(db, config, () => undefined);
const app = await buildApp({ db, wall: config.wall, auth: { anonymousRead: config.anonymousRead } });
const base = await app.listen({ host: '127.0.0.1', port: 0 });

// A dispatcher's API token, as an integration would hold one (upsert: a kept city may have the user already).
const [user] = await db.query<{ id: number }>(
  "INSERT INTO app_user (username, display_name, role, password_hash) VALUES ('soak-dispatcher', '压力测试调度员', 'dispatcher', 'scrypt$unusable') " +
    'ON CONFLICT (username) DO UPDATE SET display_name = EXCLUDED.display_name RETURNING id',
);
const { token } = await createTokenRepository(db).insert({
  name: 'wall soak',
  role: 'dispatcher',
  scope: null,
  unit: null,
  createdBy: user!.id,
  expiresAt: null,
});
async function api<T>(path: string, body?: object): Promise<T> {
  const res = await fetch(base + path, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${body ? 'POST' : 'GET'} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<T>;
}

// Where and what: random grids (a point surely inside each), every category, sent to the unit its type names.
const places = await db.query<{ x: number; y: number }>(
  'SELECT ST_X(p) x, ST_Y(p) y FROM (SELECT ST_PointOnSurface(boundary) p FROM grid ORDER BY random() LIMIT $1) s',
  [REPORTS],
);
const categories = await db.query<{ code: string; unit: string }>(
  "SELECT c.code, coalesce(u.code, 'urban_management') unit FROM incident_category c LEFT JOIN unit u ON u.code = c.unit_type ORDER BY c.code",
);
// Seeded, so that two runs drive the same day.
let seed = 20_260_401;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const urgencyOf = (r: number) => (r < 0.15 ? 'red' : r < 0.5 ? 'yellow' : 'blue');

const browser = await launchChromium();
// The page's CSP forbids eval, which Playwright's polled waitForFunction(string) uses; the wall's own code runs the same either way.
const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, bypassCSP: true });
const page = await context.newPage();
const errors: string[] = [];
const problem = (line: string) => {
  errors.push(line);
  console.error(`\n!!!!! WALL ${line}\n`);
};
page.on('console', (m) => m.type() === 'error' && problem(`console error: ${m.text()}`));
page.on('pageerror', (e) => problem(`page error: ${e.message}`));
page.on('crash', () => problem('page crashed'));
// Playwright's DevTools session keeps every fetched body in the renderer for Network.getResponseBody, up to Chrome's
// cap; a wall without DevTools keeps none. Counted, so that growth can be told from the wall's own.
// Summary requests count the wall's reloads of its figures (two each when the window is not "today").
await page.addInitScript(
  'window.soakFetched = 0; window.soakSummaries = 0; new PerformanceObserver((l) => { for (const e of l.getEntries()) ' +
    "if (e.initiatorType === 'fetch') { window.soakFetched += e.decodedBodySize; if (e.name.includes('/api/stats/summary')) window.soakSummaries++; } }).observe({ type: 'resource', buffered: true });",
);
await page.goto(`${base}/wall`);
await page.waitForSelector('gs-wall-display[data-first-frame-ms]', { timeout: 120_000 });
const cdp = await context.newCDPSession(page);
await cdp.send('Performance.enable');

// Strings, not functions, for the page: tsx's esbuild wraps named functions in __name(), which the page lacks.
// The red markers and rings are gs-wall-map's public properties: exactly what its deck.gl layers are given.
const WALL = "document.querySelector('gs-wall-display').shadowRoot";
const LIVE_LISTS = `(() => { const w = ${WALL}, m = w.querySelector('gs-wall-map');
  return { ticker: w.querySelector('gs-incident-ticker').shadowRoot.querySelectorAll('li').length, red: m.redMarkers.length, rings: m.recent.length,
    fetchedMb: window.soakFetched / 2 ** 20 }; })()`;

/**
 * Proportional set sizes of the Chromium processes (this process's descendants), all and renderers only: memory the
 * JS heap does not show (native allocations, the MapLibre worker's heap, under SwiftShader the GPU process's buffers).
 */
function chromiumPssMb(): { all: number; renderer: number } {
  const kb = { all: 0, renderer: 0 };
  for (const { pid, kind } of chromiumProcesses()) {
    try {
      const n = Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
      kb.all += n;
      if (kind === 'renderer') kb.renderer += n;
    } catch {
      /* gone */
    }
  }
  return { all: kb.all / 1024, renderer: kb.renderer / 1024 };
}

interface Probe {
  s: number;
  reports: number;
  heapMb: number;
  buffersMb: number;
  blinkMb: number;
  nodes: number;
  listeners: number;
  ticker: number;
  red: number;
  rings: number;
  fetchedMb: number;
  rendererMb: number;
  pssMb: number;
}
const probes: Probe[] = [];
const mb = (n: number) => `${n.toFixed(1)} MB`;
const row = (p: Probe) =>
  `| ${p.s.toFixed(0)} s | ${p.reports} | ${mb(p.heapMb)} | ${mb(p.buffersMb)} | ${mb(p.blinkMb)} | ${p.nodes} | ${p.listeners} | ` +
  `${p.ticker} | ${p.red} | ${p.rings} | ${mb(p.fetchedMb)} | ${p.rendererMb.toFixed(0)} MB | ${p.pssMb.toFixed(0)} MB |`;
const soakStart = performance.now();
async function probe(reports: number): Promise<void> {
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const metrics = new Map((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const lists = (await page.evaluate(LIVE_LISTS)) as { ticker: number; red: number; rings: number; fetchedMb: number };
  const pss = chromiumPssMb();
  // usedSize is the JS heap alone: deck.gl's typed arrays (backingStorageSize) and Blink's DOM heap are counted apart.
  probes.push({
    s: (performance.now() - soakStart) / 1000,
    reports,
    heapMb: heap.usedSize / 2 ** 20,
    buffersMb: heap.backingStorageSize / 2 ** 20,
    blinkMb: heap.embedderHeapUsedSize / 2 ** 20,
    nodes: metrics.get('Nodes') ?? NaN,
    listeners: metrics.get('JSEventListeners') ?? NaN,
    ...lists,
    rendererMb: pss.renderer,
    pssMb: pss.all,
  });
  console.log(row(probes.at(-1)!));
}

/** Milliseconds from `t0` until the page satisfies `expression`, or Infinity after WAIT_MS. */
const until = (t0: number, expression: string) =>
  page.waitForFunction(expression, undefined, { timeout: WAIT_MS, polling: 'raf' }).then(
    () => performance.now() - t0,
    () => Infinity,
  );
type Latency = { ticker: number[]; map: number[]; kpi: number[] };
/** Under the soak's load, and at a real wall's pace (one report after a quiet spell, no reload in flight). */
const loaded: Latency = { ticker: [], map: [], kpi: [] };
const quiet: Latency = { ticker: [], map: [], kpi: [] };

interface Open {
  code: string;
  urgency: string;
  unit: string;
}
async function report(i: number, timed?: Latency): Promise<Open> {
  const place = places[i % places.length]!;
  const category = categories[Math.floor(random() * categories.length)]!;
  const urgency = urgencyOf(random());
  // The KPI's target: the API's figure for the page's own window, plus this report (the only writer is us).
  const from = timed ? await page.getAttribute('[data-from]', 'data-from') : null;
  const before = from ? (await api<{ reported: number }>(`/api/stats/summary?from=${encodeURIComponent(from)}`)).reported : 0;
  const { incident } = await api<{ incident: { properties: { code: string } } }>('/api/incidents', {
    category: category.code,
    urgency,
    description: `压力测试 ${i + 1}`,
    location: [place.x, place.y],
  });
  const code = incident.properties.code;
  if (timed) {
    const t0 = performance.now();
    const [ticker, map, kpi] = await Promise.all([
      until(t0, `!!${WALL}.querySelector('gs-incident-ticker').shadowRoot.querySelector('li[data-code="${code}"]')`),
      // On the map: the new incident's ring is in the layer data the map draws (red ones also get a marker).
      until(t0, `${WALL}.querySelector('gs-wall-map').recent.some((r) => r.code === '${code}')`),
      until(t0, `${WALL}.querySelector('gs-kpi-panel').shadowRoot.querySelector('[data-kpi="reported"]')?.getAttribute('data-value') === '${before + 1}'`),
    ]);
    timed.ticker.push(ticker);
    timed.map.push(map);
    timed.kpi.push(kpi);
    // As it goes, so that a run cut short still says something.
    console.log(
      `timed ${timed === quiet ? 'quiet' : 'loaded'} report ${i + 1}: ticker ${Math.round(ticker)} ms, map ${Math.round(map)} ms, KPI ${Math.round(kpi)} ms`,
    );
  }
  return { code, urgency, unit: category.unit };
}

// Our incidents move along a few reports behind: reported → filed (or rejected: every other red, so its marker goes) → dispatched.
const reportedQueue: Open[] = [];
const filedQueue: Open[] = [];
let redSeen = 0;
async function advance(): Promise<void> {
  if (reportedQueue.length > 3) {
    const x = reportedQueue.shift()!;
    if (x.urgency === 'red' && redSeen++ % 2 === 0) await api(`/api/incidents/${x.code}/transitions`, { action: 'reject', note: '现场核实不属实' });
    else {
      await api(`/api/incidents/${x.code}/transitions`, { action: 'file' });
      filedQueue.push(x);
    }
  }
  if (filedQueue.length > 3) {
    const y = filedQueue.shift()!;
    await api(`/api/incidents/${y.code}/transitions`, { action: 'dispatch', units: [y.unit] });
  }
}

console.log(`soak: ${REPORTS} reports over ${MINUTES} min on ${base}/wall`);
await probe(0);
const spacing = (MINUTES * 60_000) / REPORTS;
let nextProbe = soakStart + PROBE_MS;
let stopProfile: (() => Promise<ProfileSummary>) | undefined;
let profiled: ProfileSummary | undefined;
let profileUntil = Infinity;
for (let i = 0; i < REPORTS; i++) {
  const wait = soakStart + i * spacing - performance.now();
  if (wait > 0) await sleep(wait);
  if (PROFILE_S && i === Math.floor(REPORTS / 3)) {
    stopProfile = await startProfile(browser, page, cdp);
    profileUntil = performance.now() + PROFILE_S * 1000;
  }
  if (stopProfile && performance.now() >= profileUntil) {
    profiled = await stopProfile();
    stopProfile = undefined;
  }
  reportedQueue.push(await report(i, i % SAMPLE_EVERY === SAMPLE_EVERY - 1 ? loaded : undefined));
  await advance();
  if (performance.now() >= nextProbe) {
    await probe(i + 1);
    nextProbe = performance.now() + PROBE_MS;
  }
}
if (stopProfile) profiled = await stopProfile();
const driveS = (performance.now() - soakStart) / 1000;
const summaryRequests = (await page.evaluate('window.soakSummaries')) as number;
// The demo city's pace is one report in 5 minutes: a few after 3 s of quiet show the latency a real wall has.
for (let k = 0; k < QUIET_SAMPLES; k++) {
  await sleep(3_000);
  await report(REPORTS + k, quiet);
}
await sleep(3_000);
await probe(REPORTS + QUIET_SAMPLES);
await page.screenshot({ path: join(SCREENSHOT_DIR, 'wall-soak-end.png') });
await browser.close();
await app.close();
await db.close();
if (!keptDir) rmSync(dataDir, { recursive: true, force: true });

const first = probes[0]!;
const last = probes.at(-1)!;
// Least-squares slope against reports: a trend, less at the mercy of one noisy reading than end − start. Over the
// second half too: by then the ticker and the rings are full, so what still grows there is what a day would add.
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const slope = (ps: Probe[], y: (p: Probe) => number) => {
  const mx = mean(ps.map((p) => p.reports));
  const my = mean(ps.map(y));
  return ps.reduce((a, p) => a + (p.reports - mx) * (y(p) - my), 0) / ps.reduce((a, p) => a + (p.reports - mx) ** 2, 0);
};
const trend = (y: (p: Probe) => number) =>
  `${(slope(probes, y) * 100).toFixed(2)} MB per 100 reports (second half: ${(slope(probes.slice(Math.floor(probes.length / 2)), y) * 100).toFixed(2)})`;
const stat = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const fmt = (ms: number) => (Number.isFinite(ms) ? `${Math.round(ms)} ms` : 'missed');
  const at = (q: number) => fmt(s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN);
  return `p50 ${at(0.5)}, p95 ${at(0.95)}, max ${fmt(s.at(-1) ?? NaN)}, over ${LATENCY_GOAL_MS} ms: ${s.filter((v) => v > LATENCY_GOAL_MS).length}/${s.length}`;
};

console.log(
  `\nGridscope wall soak: ${db.backend}, Node ${process.version}, ${cpus().length} cores, headless Chromium (SwiftShader), 1920×1080, loopback; ` +
    `demo city ${config.demoGrids ?? 'default (3,261)'} grids / ${config.demoIncidents} incidents; ${REPORTS} reports driven in ${driveS.toFixed(0)} s (asked: ${MINUTES * 60} s), then ${QUIET_SAMPLES} quiet ones\n`,
);
console.log(
  '| time | reports | JS heap after GC | ArrayBuffers | Blink heap | DOM nodes | event listeners | ticker items | red markers | new-incident rings | fetched by the page | renderer PSS | Chromium PSS |',
);
console.log(`|${' --- |'.repeat(13)}`);
for (const p of probes) console.log(row(p));
console.log(`\n- JS heap after GC: ${mb(first.heapMb)} at start, ${mb(last.heapMb)} at end; trend ${trend((p) => p.heapMb)}`);
console.log(
  `- ArrayBuffers ${mb(first.buffersMb)} → ${mb(last.buffersMb)}, Blink heap ${mb(first.blinkMb)} → ${mb(last.blinkMb)}, ` +
    `DOM nodes ${first.nodes} → ${last.nodes}, event listeners ${first.listeners} → ${last.listeners}`,
);
console.log(
  `- renderer PSS ${first.rendererMb.toFixed(0)} → ${last.rendererMb.toFixed(0)} MB, trend ${trend((p) => p.rendererMb)}, while the page fetched ` +
    `${mb(last.fetchedMb - first.fetchedMb)} (Playwright's DevTools session keeps those bodies in the renderer: growth up to that much is the harness's); all Chromium ${first.pssMb.toFixed(0)} → ${last.pssMb.toFixed(0)} MB`,
);
for (const [name, l] of [
  [`under load, every ${SAMPLE_EVERY}th report`, loaded],
  ['quiet, one report after 3 s of calm', quiet],
] as const) {
  console.log(`- ${name}: report → ticker line ${stat(l.ticker)}; → ring on the map ${stat(l.map)}; → KPI "reported" equal to the API ${stat(l.kpi)}`);
}
console.log(`- /api/stats/summary requests by the page until the end of the drive (a reload of the figures asks for one or two): ${summaryRequests}`);
if (profiled) printProfile(profiled);
console.log(`- console errors and page errors: ${errors.length}${errors.length ? `\n  ${errors.join('\n  ')}` : ''}`);
const missed = [...Object.values(loaded), ...Object.values(quiet)].flat().filter((v) => !Number.isFinite(v)).length;
if (errors.length || missed) process.exitCode = 1;
