/**
 * Field app benchmark (issue 16, "Budget and measurements"): the phone page
 * /m on an emulated phone (390×844, touch, DevTools' "Slow 4G" and 4× CPU
 * slowdown: field-bench-kit.ts) over the demo city served on loopback, in
 * headless Chromium (Debian's, software rendering). In one run:
 *
 * 1. First load of /m, FIELD_RUNS fresh contexts (empty cache, no service
 *    worker, signed in by cookie): time to usable from the page's own
 *    markers (first screen ready, report button there, home map drawn), and
 *    the JavaScript transferred (compressed, headers included) for the first
 *    screen and in all.
 * 2. The second visit of each, offline (service worker installed, context
 *    offline, 4× CPU): the same marks.
 * 3. A photo report on Slow 4G, FIELD_PHOTOS times: a 12 MP camera JPEG with
 *    EXIF picked from the "camera", the bytes sent for it after the phone's
 *    downscaling, and tap on 上报 → the outbox line 已上报.
 * 4. Report → visible: FIELD_REPORTS reports by the grid worker over HTTP,
 *    timed from sending until the line is in an open dispatch console's
 *    待立案 queue and in an open /wall's ticker; quiet, then under a load of
 *    other reports and reads (tests/helpers/report-load.ts at the wall soak's
 *    pace, 2.5 reports/s).
 *
 * A benchmark: it prints figures and asserts nothing about time.
 *
 *   npm run bench:field
 *   FIELD_RUNS=5 FIELD_PHOTOS=5 FIELD_REPORTS=20 FIELD_LOAD_RPS=2.5 npm run bench:field     (the defaults)
 *   FIELD_BENCH_DATA_DIR=scratch/field-city npm run bench:field   (keeps and reuses the city)
 *   GRIDSCOPE_DEMO_INCIDENTS=30000 npm run bench:field             (a smaller city)
 *   FIELD_OUTLINE_SHOT=1 npm run bench:field                       (screenshots the first load before the map draws)
 *   FIELD_TRACE=1 npm run bench:field                              (prints each first load's requests, start → end)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { openMigratedDatabase, seedIfEmpty } from '../../server/server.js';
import { buildWebIfStale } from '../../tools/build-web.js';
import { FIELD_CATEGORIES } from '../../web/m/field-categories.js';
import { launchChromium, SCREENSHOT_DIR } from '../helpers/chromium.js';
import { phoneContext } from '../helpers/field-app-page.js';
import { createUser, TEST_PASSWORD } from '../helpers/identity.js';
import { signIn, startLoad } from '../helpers/report-load.js';
import { cameraJpeg, CPU_SLOWDOWN, kB, type Marks, ms, quantiles, SLOW_4G, throttle, USABLE_MARKS } from './field-bench-kit.js';

const RUNS = Number(process.env.FIELD_RUNS ?? 5);
const PHOTOS = Number(process.env.FIELD_PHOTOS ?? 5);
const REPORTS = Number(process.env.FIELD_REPORTS ?? 20);
const LOAD_RPS = Number(process.env.FIELD_LOAD_RPS ?? 2.5);
const WAIT_MS = 120_000;

const keptDir = process.env.FIELD_BENCH_DATA_DIR;
const dataDir = keptDir ?? mkdtempSync(join(tmpdir(), 'gs-bench-field-'));
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

// A grid worker of one grid, standing inside it, and a dispatcher (a kept city has them already).
const [grid] = await db.query<{ code: string; x: number; y: number }>(
  'SELECT code, ST_X(p) x, ST_Y(p) y FROM (SELECT code, ST_PointOnSurface(boundary) p FROM grid ORDER BY code LIMIT 1) s',
);
const inGrid: [number, number] = [grid!.x, grid!.y];
for (const u of [
  { username: 'bench-field-worker', role: 'grid_worker' as const, scope: grid!.code },
  { username: 'bench-field-dispatcher', role: 'dispatcher' as const },
])
  await createUser(db, u).catch(() => undefined);
const worker = await signIn(`${base}/`, 'bench-field-worker', TEST_PASSWORD);
const dispatcher = await signIn(`${base}/`, 'bench-field-dispatcher', TEST_PASSWORD);
const cookieOf = (h: Record<string, string>) => {
  const [name, value] = h.cookie!.split('=') as [string, string];
  return { name, value, url: base };
};

const browser: Browser = await launchChromium();
const problems: string[] = [];
function watch(page: Page, who: string): void {
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(`${who} console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`${who} page error: ${e.message}`));
}
/** The test's phone (field-app-page.ts), signed in; `serviceWorkers: 'block'` for a first load that is all on the page's throttled network. */
async function phone(serviceWorkers: 'allow' | 'block' = 'allow'): Promise<BrowserContext> {
  const context =
    serviceWorkers === 'allow'
      ? await phoneContext(browser, inGrid)
      : await browser.newContext({
          viewport: { width: 390, height: 844 },
          deviceScaleFactor: 1,
          isMobile: true,
          hasTouch: true,
          locale: 'zh-CN',
          timezoneId: 'Asia/Shanghai',
          geolocation: { longitude: inGrid[0], latitude: inGrid[1], accuracy: 12 },
          permissions: ['geolocation'],
          serviceWorkers: 'block',
        });
  await context.addCookies([cookieOf(worker)]);
  return context;
}
/** Opens /m and waits for the marks; `need` are those that must come (the others get until then). */
async function openField(context: BrowserContext, who: string, slow: boolean, need: (keyof Marks)[]): Promise<{ page: Page; marks: Marks }> {
  const page = await context.newPage();
  watch(page, who);
  await page.addInitScript(USABLE_MARKS);
  if (slow) await throttle(context, page);
  else await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  await page.goto(`${base}/m`, { waitUntil: 'commit' });
  const deadline = performance.now() + WAIT_MS;
  let marks: Marks = {};
  let outlineShot = false;
  while (performance.now() < deadline) {
    marks = ((await page.evaluate('window.fieldMarks').catch(() => undefined)) as Marks | undefined) ?? {};
    // The first screen before MapLibre has drawn (the outline standing in), to be looked at: FIELD_OUTLINE_SHOT=1
    // (off by default: taking it costs the timed page time).
    if (process.env.FIELD_OUTLINE_SHOT && who === 'first load 1' && !outlineShot && marks.grid !== undefined && marks.map === undefined) {
      outlineShot = true;
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'field-bench-outline.png') }).catch(() => undefined);
    }
    if (need.every((k) => marks[k] !== undefined)) break;
    await sleep(100);
  }
  return { page, marks };
}
const usable = (m: Marks) => (m.ready !== undefined && m.button !== undefined && m.map !== undefined ? Math.max(m.ready, m.button, m.map) : Infinity);
/** Usable, except that my grid drawn as the app's outline (before MapLibre) counts as well as the map: a second row, not the budget's. */
const gridShown = (m: Marks) => (m.ready !== undefined && m.button !== undefined && m.grid !== undefined ? Math.max(m.ready, m.button, m.grid) : Infinity);

// 1 and 2: first load on Slow 4G, then (another context) the second visit offline, RUNS fresh contexts each.
// CDP throttles a page and its dedicated workers but not a service worker: the first load runs without one, so
// that every byte it needs crosses the slow network (the precache, downloaded beside it on a real phone, is counted apart).
const first: { usable: number; grid: number; ready: number; jsFirst: number; jsAll: number; all: number; js: Map<string, number> }[] = [];
const offline: { usable: number; grid: number; map: number }[] = [];
for (let i = 0; i < RUNS; i++) {
  const context = await phone('block');
  const requests: { start: number; end: number; bytes: number; js: boolean; path: string; status: number }[] = [];
  context.on('requestfinished', async (r) => {
    const sizes = await r.sizes().catch(() => null);
    if (!sizes) return;
    const response = await r.response().catch(() => null); // a request that ends as its context closes
    const type = response?.headers()['content-type'] ?? '';
    const timing = r.timing();
    requests.push({
      start: timing.startTime,
      end: timing.startTime + timing.responseEnd,
      bytes: sizes.responseBodySize + sizes.responseHeadersSize,
      js: type.includes('javascript'),
      path: new URL(r.url()).pathname,
      status: response?.status() ?? 0,
    });
  });
  const { page, marks } = await openField(context, `first load ${i + 1}`, true, ['ready', 'button', 'map']);
  await sleep(500); // the last requestfinished events
  const origin = (await page.evaluate('performance.timeOrigin')) as number;
  const readyAt = origin + (marks.ready ?? Infinity);
  // The waterfall on the page's clock: what the first screen waited for, and that each API path was asked once.
  if (process.env.FIELD_TRACE) {
    const lines = [...requests]
      .sort((a, b) => a.start - b.start)
      .map((r) => `  ${ms(r.start - origin).padStart(8)} → ${ms(r.end - origin).padStart(8)}  ${kB(r.bytes).padStart(9)}  ${r.status}  ${r.path}`);
    console.log(`trace ${i + 1} (first screen ${ms(marks.ready ?? Infinity)}, map ${ms(marks.map ?? Infinity)}):\n${lines.join('\n')}`);
  }
  const js = new Map<string, number>();
  for (const r of requests.filter((q) => q.js)) js.set(r.path, (js.get(r.path) ?? 0) + r.bytes);
  const sum = (xs: typeof requests) => xs.reduce((a, r) => a + r.bytes, 0);
  first.push({
    usable: usable(marks),
    grid: gridShown(marks),
    ready: marks.ready ?? Infinity,
    jsFirst: sum(requests.filter((r) => r.js && r.start < readyAt)),
    jsAll: sum(requests.filter((r) => r.js)),
    all: sum(requests),
    js,
  });
  if (i === 0) await page.screenshot({ path: join(SCREENSHOT_DIR, 'field-bench-first-load.png') });
  await context.close();

  // A phone that has opened /m once (unthrottled, not timed): its service worker has precached the shell
  // (install waits for it); then it loses its network.
  const installed = await phone();
  const visit = await installed.newPage();
  await visit.goto(`${base}/m`);
  await visit.waitForSelector('gs-field-app[data-state="ready"]', { timeout: WAIT_MS });
  await visit.evaluate('navigator.serviceWorker.ready.then(() => true)');
  await visit.close();
  await installed.setOffline(true);
  // The map starts once the first screen is up (offline, MapLibre's start would only delay it): it gets 5 s past the rest.
  const second = await openField(installed, `offline visit ${i + 1}`, false, ['ready', 'button']);
  const until = performance.now() + 5_000;
  while (second.marks.map === undefined && performance.now() < until) {
    await sleep(100);
    second.marks = ((await second.page.evaluate('window.fieldMarks')) as Marks) ?? {};
  }
  offline.push({
    usable: Math.max(second.marks.ready ?? Infinity, second.marks.button ?? Infinity),
    grid: gridShown(second.marks),
    map: second.marks.map ?? Infinity,
  });
  await installed.close();
  const f = first.at(-1)!;
  console.log(
    `run ${i + 1}: first load usable ${ms(f.usable)} (first screen ${ms(f.ready)}, grid drawn ${ms(f.grid)}), JS ${kB(f.jsFirst)} first screen / ${kB(f.jsAll)} all, ${kB(f.all)} in all; ` +
      `offline visit usable ${ms(offline.at(-1)!.usable)}, map ${ms(offline.at(-1)!.map)}`,
  );
}

// 3: photo reports on Slow 4G, each with a 12 MP camera JPEG.
const camera = await cameraJpeg(browser);
const photoRuns: { tapToSent: number; photoBytes: number; offered: boolean }[] = [];
{
  const context = await phone();
  const { page } = await openField(context, 'photo reports', true, ['ready', 'button']);
  const form = page.locator('gs-report-form');
  const sent = page.locator('[data-screen="outbox"] li[data-state="sent"]');
  for (let k = 0; k < PHOTOS; k++) {
    await page.click('[data-tab="report"]');
    // A different category each time, so the earlier reports are not offered as "nearby".
    await form.locator(`[data-category="${FIELD_CATEGORIES[k % FIELD_CATEGORIES.length]!.code}"]`).click();
    await form.locator('[data-urgency="yellow"]').click();
    await form.locator('textarea').fill(`测速：带照片上报 ${k + 1}`);
    await form.locator('input[type="file"]').setInputFiles([{ name: 'IMG_20260601_093000.jpg', mimeType: 'image/jpeg', buffer: camera }]);
    await form.locator('[data-photo]').first().waitFor({ timeout: WAIT_MS });
    const t0 = performance.now();
    await form.locator('[data-submit]').click();
    // One wait for whichever comes first: with a race of two waits, the offer's waiters left over from earlier reports
    // all clicked the first offer that appeared (three reports from one, before the form refused a second tap).
    const offer = form.locator('[data-nearby-new]');
    await offer.or(sent.nth(k)).first().waitFor({ state: 'attached', timeout: WAIT_MS });
    const offered = await offer.isVisible();
    if (offered) await offer.click();
    await sent.nth(k).waitFor({ state: 'attached', timeout: WAIT_MS });
    const tapToSent = performance.now() - t0;
    // What the phone sent: Playwright cannot read a multipart body holding a Blob, so the stored file's size (the
    // server drops metadata blocks without re-encoding, and a canvas JPEG has none: the same bytes).
    const [stored] = await db.query<{ bytes: number }>(
      "SELECT p.bytes FROM incident_photo p JOIN incident i ON i.id = p.incident_id WHERE i.code = $1 AND p.kind = 'before'",
      [await sent.nth(k).getAttribute('data-code')],
    );
    const photoBody = Number(stored?.bytes ?? NaN);
    photoRuns.push({ tapToSent, photoBytes: photoBody, offered });
    console.log(
      `photo report ${k + 1}: tap → 已上报 ${ms(photoRuns.at(-1)!.tapToSent)}, photo ${kB(photoBody)} sent${offered ? ' (nearby offered: filed new)' : ''}`,
    );
  }
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'field-bench-outbox.png') });
  await context.close();
}

// 4: report → dispatch console's 待立案 queue and the wall's ticker.
const desk = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
await desk.addCookies([cookieOf(dispatcher)]);
const dispatchPage = await desk.newPage();
watch(dispatchPage, 'dispatch');
await dispatchPage.goto(`${base}/dispatch?queue=reported`);
await dispatchPage.waitForSelector('gs-dispatch-page[data-state="ready"][data-live="live"]', { timeout: WAIT_MS });
const wallContext = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
await wallContext.addCookies([cookieOf(dispatcher)]);
const wallPage = await wallContext.newPage();
watch(wallPage, 'wall');
await wallPage.goto(`${base}/wall`);
await wallPage.waitForSelector('gs-wall-display[data-first-frame-ms]', { timeout: WAIT_MS });

type Visible = { post: number; dispatch: number; wall: number };
async function reportAndWatch(n: number): Promise<Visible> {
  const t0 = performance.now();
  const res = await fetch(`${base}/api/incidents`, {
    method: 'POST',
    headers: { ...worker, 'content-type': 'application/json' },
    body: JSON.stringify({ category: 'road_damage', urgency: 'yellow', description: `测速：可见 ${n}`, location: inGrid }),
  });
  if (res.status !== 201) throw new Error(`report ${n}: ${res.status} ${await res.text()}`);
  const post = performance.now() - t0;
  const { incident } = (await res.json()) as { incident: { properties: { code: string } } };
  const seen = (page: Page, selector: string) =>
    page
      .locator(selector)
      .waitFor({ state: 'attached', timeout: 30_000 })
      .then(
        () => performance.now() - t0,
        () => Infinity,
      );
  const [dispatch, wall] = await Promise.all([
    seen(dispatchPage, `gs-incident-list li[data-code="${incident.properties.code}"]`),
    seen(wallPage, `gs-incident-ticker li[data-code="${incident.properties.code}"]`),
  ]);
  return { post, dispatch, wall };
}
/**
 * What the service worker downloads at install: its precache list (/m-sw.js), each file asked for as Chromium
 * asks (Playwright does not report a service worker's requests completely), bodies as transferred.
 */
async function precacheBytes(): Promise<{ files: number; bytes: number }> {
  const list = JSON.parse(/const PRECACHE = (\[[^\]]*\])/.exec(await (await fetch(`${base}/m-sw.js`)).text())![1]!) as string[];
  let bytes = 0;
  for (const path of list)
    bytes += await new Promise<number>((resolve, reject) =>
      httpGet(`${base}${path}`, { headers: { 'accept-encoding': 'gzip, deflate, br, zstd', cookie: worker.cookie! } }, (res) => {
        let n = 0;
        res.on('data', (c: Buffer) => (n += c.length));
        res.on('end', () => resolve(n));
      }).on('error', reject),
    );
  return { files: list.length, bytes };
}
const quiet: Visible[] = [];
for (let n = 0; n < REPORTS; n++) {
  await sleep(1_000);
  quiet.push(await reportAndWatch(n + 1));
}
const load = startLoad({
  baseUrl: `${base}/`,
  headers: dispatcher,
  location: inGrid,
  tag: '测速负载',
  reportsPerSecond: LOAD_RPS,
  reads: ['api/stats/summary', `api/incidents?status=reported&limit=50`],
  readsPerSecond: 2,
});
const loaded: Visible[] = [];
await sleep(3_000);
for (let n = 0; n < REPORTS; n++) {
  await sleep(1_000);
  loaded.push(await reportAndWatch(REPORTS + n + 1));
}
await load.stop();
const loadFailed = load.outcomes.filter((o) => o.status < 200 || o.status >= 300).length;
await wallPage.screenshot({ path: join(SCREENSHOT_DIR, 'field-bench-wall.png') });
const precache = await precacheBytes();
await browser.close();
await app.close();
await db.close();
if (!keptDir) rmSync(dataDir, { recursive: true, force: true });

// The table.
const row = (what: string, xs: number[], unit = ms) => {
  const q = quantiles(xs);
  return `| ${what} | ${unit(q.p50)} | ${unit(q.p95)} | ${q.n}${q.missed ? ` (+${q.missed} missed)` : ''} |`;
};
console.log(
  `\nGridscope field app benchmark: ${db.backend}, Node ${process.version}, ${cpus().length} cores (load average ${loadavg()[0]!.toFixed(1)}), ` +
    `headless Chromium (software rendering), 390×844 phone, demo city ${config.demoGrids ?? 'default (3,261)'} grids / ${config.demoIncidents} incidents, loopback; ` +
    `"Slow 4G" = ${SLOW_4G.latency} ms latency, ${((SLOW_4G.downloadThroughput * 8) / 1000).toFixed(0)} kbit/s down, ${((SLOW_4G.uploadThroughput * 8) / 1000).toFixed(0)} kbit/s up; CPU ${CPU_SLOWDOWN}× slower\n`,
);
console.log('| measure | p50 | p95 | n |\n| --- | --- | --- | --- |');
console.log(
  row(
    'first load (Slow 4G, 4× CPU) → usable: first screen, report button, map drawn',
    first.map((f) => f.usable),
  ),
);
console.log(
  row(
    'first load → first screen, report button and my grid drawn (the outline before the map counts; not the budget’s definition)',
    first.map((f) => f.grid),
  ),
);
console.log(
  row(
    'first load → first screen (data-state="ready")',
    first.map((f) => f.ready),
  ),
);
console.log(
  row(
    'JavaScript for the first screen (transferred, compressed)',
    first.map((f) => f.jsFirst),
    kB,
  ),
);
console.log(
  row(
    'JavaScript in all until usable (map included)',
    first.map((f) => f.jsAll),
    kB,
  ),
);
console.log(
  row(
    'all bytes until usable',
    first.map((f) => f.all),
    kB,
  ),
);
console.log(
  row(
    'second visit offline (4× CPU) → first screen and report button',
    offline.map((o) => o.usable),
  ),
);
console.log(
  row(
    'second visit offline → first screen, report button and my grid drawn (the outline counts)',
    offline.map((o) => o.grid),
  ),
);
console.log(
  row(
    'second visit offline → map drawn (given 5 s more)',
    offline.map((o) => o.map),
  ),
);
console.log(`| service worker precache at install (${precache.files} files, compressed as Chromium asks) | ${kB(precache.bytes)} | | |`);
console.log(
  row(
    `photo report (Slow 4G): tap 上报 → 已上报, one ${(camera.length / 1e6).toFixed(1)} MB 4000×3000 JPEG with EXIF`,
    photoRuns.map((p) => p.tapToSent),
  ),
);
console.log(
  row(
    'photo bytes sent (the JPEG after downscaling to 1600 px; stored size)',
    photoRuns.map((p) => p.photoBytes),
    kB,
  ),
);
const ratio = (a: number[], b: number[]) => (quantiles(b).p50 / quantiles(a).p50).toFixed(2);
console.log(
  `\n| report → visible (from sending the POST) | quiet p50 | quiet p95 | under load p50 | under load p95 | load/quiet (p50) |\n| --- | --- | --- | --- | --- | --- |`,
);
for (const [what, pick] of [
  ['POST /api/incidents answered (201)', (v: Visible) => v.post],
  ['in the dispatch console’s 待立案 queue', (v: Visible) => v.dispatch],
  ['in the wall’s ticker', (v: Visible) => v.wall],
] as const) {
  const a = quiet.map(pick);
  const b = loaded.map(pick);
  const qa = quantiles(a);
  const qb = quantiles(b);
  console.log(`| ${what} | ${ms(qa.p50)} | ${ms(qa.p95)} | ${ms(qb.p50)} | ${ms(qb.p95)} | ${ratio(a, b)} |`);
}
console.log(
  `\n- ${REPORTS} reports each, one a second; the load: ${load.sent} other reports at ${LOAD_RPS}/s and reads of the summary and the reported list at 2/s (${loadFailed} not 2xx)`,
);
console.log(`- photo reports offered a nearby incident first: ${photoRuns.filter((p) => p.offered).length}/${photoRuns.length}`);
const median = [...first].sort((a, b) => a.usable - b.usable)[Math.floor(first.length / 2)];
if (median) for (const [path, n] of [...median.js].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`- JS ${path}: ${kB(n)}`);
console.log(`- console errors and page errors: ${problems.length}${problems.length ? `\n  ${problems.join('\n  ')}` : ''}`);
