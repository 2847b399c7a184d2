/**
 * Dispatch console benchmark: the evidence for the console's promises that a
 * grid worker's report "appears in 待立案 within 1 s" of being made, quiet and
 * under load, and for how soon the console is usable.
 *
 * Builds the demo city as bench-wall.ts does and signs a dispatcher in to
 * /dispatch in headless Chromium (1366×768, a district office's laptop).
 * Then:
 * - first usable frame: DISPATCH_LOADS fresh loads of /dispatch, from
 *   navigation to the 待立案 list drawn with its rows and the live stream open;
 * - quiet: DISPATCH_REPORTS reports (POST /api/incidents), one at a time after
 *   a calm second, each timed from just before the POST to its row in the
 *   open console's 待立案 list;
 * - under load: the same again while the wall soak's load runs beside it
 *   (soak-wall.ts's pace: 600 reports in 4 minutes, older ones filed,
 *   dispatched or rejected a few behind, and an open /wall drawing them).
 *
 *   npm run bench:dispatch
 *   DISPATCH_REPORTS=20 DISPATCH_LOADS=3 npm run bench:dispatch   (shorter)
 *   DISPATCH_BENCH_DATA_DIR=scratch/dispatch-city npm run bench:dispatch   (keeps and reuses the city)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createTokenRepository } from '../../server/repositories/token-repository.js';
import { openMigratedDatabase, seedIfEmpty } from '../../server/server.js';
import { buildWebIfStale } from '../../tools/build-web.js';
import { launchChromium, SCREENSHOT_DIR } from '../helpers/chromium.js';
import { createUser, TEST_PASSWORD } from '../helpers/identity.js';

const REPORTS = Number(process.env.DISPATCH_REPORTS ?? 50);
const LOADS = Number(process.env.DISPATCH_LOADS ?? 5);
/** The soak's pace: 600 reports in 4 minutes. */
const LOAD_SPACING_MS = 400;
const WAIT_MS = 10_000;
const VIEWPORT = { width: 1366, height: 768 };

const keptDir = process.env.DISPATCH_BENCH_DATA_DIR;
const dataDir = keptDir ?? mkdtempSync(join(tmpdir(), 'gs-bench-dispatch-'));
const config = loadConfig({ ...process.env, GRIDSCOPE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
await buildWebIfStale();
const t = performance.now();
const db = await openMigratedDatabase(config, () => undefined);
await seedIfEmpty(db, config, () => undefined);
console.log(
  `demo city (${config.demoGrids ?? 'default (3,261)'} grids, ${config.demoIncidents} incidents) ready in ${((performance.now() - t) / 1000).toFixed(1)} s`,
);
const app = await buildApp({ db, wall: config.wall, auth: { anonymousRead: config.anonymousRead } });
const base = await app.listen({ host: '127.0.0.1', port: 0 });

// A dispatcher who signs in to the console, and an API token for the reports and the load (a kept city keeps earlier runs' users).
const username = `bench-d-${Date.now().toString(36)}`;
const user = await createUser(db, { username, role: 'dispatcher' });
const { token } = await createTokenRepository(db).insert({
  name: `dispatch bench ${username}`,
  role: 'dispatcher',
  scope: null,
  unit: null,
  createdBy: user.id,
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
const places = await db.query<{ x: number; y: number }>('SELECT ST_X(p) x, ST_Y(p) y FROM (SELECT ST_PointOnSurface(boundary) p FROM grid ORDER BY code) s');
const categories = await db.query<{ code: string; unit: string }>(
  "SELECT c.code, coalesce(u.code, 'urban_management') unit FROM incident_category c LEFT JOIN unit u ON u.code = c.unit_type ORDER BY c.code",
);
let n = 0;
/** A new report somewhere in the city; red, so that it sorts to the top of 待立案 whatever the backlog. */
async function report(urgency = 'red'): Promise<{ code: string; unit: string }> {
  const i = n++;
  const place = places[(i * 7919) % places.length]!;
  const category = categories[i % categories.length]!;
  const { incident } = await api<{ incident: { properties: { code: string } } }>('/api/incidents', {
    category: category.code,
    urgency,
    description: `调度台基准 ${i + 1}`,
    location: [place.x, place.y],
  });
  return { code: incident.properties.code, unit: category.unit };
}

const browser = await launchChromium();
// The page's CSP forbids eval, which Playwright's polled waitForFunction(string) uses; the console's own code runs the same either way.
const context = await browser.newContext({ viewport: VIEWPORT, bypassCSP: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
const page = await context.newPage();
const errors: string[] = [];
page.on('console', (m) => m.type() === 'error' && errors.push(`console error: ${m.text()}`));
page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
await page.goto(`${base}/login?next=${encodeURIComponent('/dispatch')}`);
await page.fill('#username', username);
await page.fill('#password', TEST_PASSWORD);
await page.click('button[type="submit"]');
await page.waitForSelector('gs-dispatch-page[data-state="ready"][data-live="live"]', { timeout: 180_000 });

const LIST = "document.querySelector('gs-dispatch-page').shadowRoot.querySelector('gs-incident-list').shadowRoot";
/** First usable frame: from navigation start (the page's own clock) to the 待立案 rows drawn and the stream live. */
const firstFrames: number[] = [];
for (let k = 0; k < LOADS; k++) {
  await page.goto(`${base}/dispatch?queue=reported`);
  await page.waitForFunction(
    `document.querySelector('gs-dispatch-page[data-state="ready"][data-live="live"]') && ${LIST}.querySelector('li[data-code]')`,
    undefined,
    { timeout: 120_000, polling: 'raf' },
  );
  firstFrames.push((await page.evaluate('performance.now()')) as number);
}
const backlog = Number(await page.locator('[data-count="reported"]').textContent());

/** Milliseconds from just before the POST until the report's row is in the open console's 待立案 list, or Infinity. */
async function timedReport(): Promise<number> {
  const t0 = performance.now();
  const { code } = await report();
  return page.waitForFunction(`!!${LIST}.querySelector('li[data-code="${code}"]')`, undefined, { timeout: WAIT_MS, polling: 'raf' }).then(
    () => performance.now() - t0,
    () => Infinity,
  );
}

const quiet: number[] = [];
for (let k = 0; k < REPORTS; k++) {
  await sleep(1_000);
  quiet.push(await timedReport());
}

// The soak's load beside it: reports at its pace, older ones moved along, and an open wall drawing it all.
const wall = await (await browser.newContext({ viewport: { width: 1920, height: 1080 }, bypassCSP: true })).newPage();
await wall.goto(`${base}/login?next=${encodeURIComponent('/wall')}`);
await wall.fill('#username', username);
await wall.fill('#password', TEST_PASSWORD);
await wall.click('button[type="submit"]');
await wall.waitForSelector('gs-wall-display[data-first-frame-ms]', { timeout: 180_000 });
let loading = true;
let loadReports = 0;
const driveLoad = async () => {
  const reported: { code: string; unit: string; red: boolean }[] = [];
  const filed: { code: string; unit: string }[] = [];
  while (loading) {
    const started = performance.now();
    const red = Math.random() < 0.15;
    reported.push({ ...(await report(red ? 'red' : Math.random() < 0.4 ? 'yellow' : 'blue')), red });
    loadReports++;
    if (reported.length > 3) {
      const x = reported.shift()!;
      if (x.red && loadReports % 2 === 0) await api(`/api/incidents/${x.code}/transitions`, { action: 'reject', note: '现场核实不属实' });
      else {
        await api(`/api/incidents/${x.code}/transitions`, { action: 'file' });
        filed.push(x);
      }
    }
    if (filed.length > 3) {
      const y = filed.shift()!;
      await api(`/api/incidents/${y.code}/transitions`, { action: 'dispatch', units: [y.unit] });
    }
    await sleep(Math.max(0, LOAD_SPACING_MS - (performance.now() - started)));
  }
};
const load = driveLoad();
await sleep(5_000);
const loaded: number[] = [];
const loadStart = performance.now();
for (let k = 0; k < REPORTS; k++) {
  await sleep(200);
  loaded.push(await timedReport());
}
const loadS = (performance.now() - loadStart) / 1000;
loading = false;
await load;
await page.screenshot({ path: join(SCREENSHOT_DIR, 'dispatch-bench-end.png') });
await browser.close();
await app.close();
await db.close();
if (!keptDir) rmSync(dataDir, { recursive: true, force: true });

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
};
const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} ms` : 'missed');
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '—');
console.log(
  `\nGridscope dispatch console bench: ${db.backend}, Node ${process.version}, ${cpus().length} cores, headless Chromium, ${VIEWPORT.width}×${VIEWPORT.height}, loopback; ` +
    `demo city ${config.demoGrids ?? 'default (3,261)'} grids / ${config.demoIncidents} incidents, ${backlog} in 待立案 when measured\n`,
);
console.log(`| report → row in 待立案 (${REPORTS} reports) | p50 | p95 | max | over 1 s |`);
console.log('| --- | --- | --- | --- | --- |');
for (const [name, xs] of [
  ['quiet (one report after 1 s of calm)', quiet],
  [`under the soak's load (${loadReports} load reports in ${loadS.toFixed(0)} s, an open /wall)`, loaded],
] as const) {
  console.log(
    `| ${name} | ${ms(quantile(xs, 0.5))} | ${ms(quantile(xs, 0.95))} | ${ms(quantile(xs, 1))} | ${xs.filter((v) => v > 1_000).length}/${xs.length} |`,
  );
}
console.log(
  `| load ÷ quiet | ${ratio(quantile(loaded, 0.5), quantile(quiet, 0.5))} | ${ratio(quantile(loaded, 0.95), quantile(quiet, 0.95))} | ${ratio(quantile(loaded, 1), quantile(quiet, 1))} | |`,
);
console.log(
  `\n- first usable frame (navigation → 待立案 rows drawn, stream live; ${LOADS} loads, signed in, warm cache): ` +
    `median ${ms(quantile(firstFrames, 0.5))}, max ${ms(quantile(firstFrames, 1))} (${firstFrames.map((v) => Math.round(v)).join(', ')} ms)`,
);
console.log(`- console errors and page errors: ${errors.length}${errors.length ? `\n  ${errors.join('\n  ')}` : ''}`);
if (errors.length || [...quiet, ...loaded].some((v) => !Number.isFinite(v))) process.exitCode = 1;
