/**
 * Wall display benchmark: builds the default demo city (3,261 grids, 100k
 * incidents up to now) in a temp embedded database, serves it on loopback and
 * opens /wall in headless Chromium (software WebGL) with an empty cache,
 * several times. Reports the time from navigation to the first complete frame
 * (KPIs filled, grids coloured, heatmap drawn: the `wall-first-frame` mark)
 * and the bytes transferred until then (compressed, headers included).
 *
 *   npm run bench:wall            (add WALL_RUNS=5 for more runs)
 *   WALL_BENCH_DATA_DIR=scratch/wall-city npm run bench:wall   (keeps and reuses the city)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { openMigratedDatabase, seedIfEmpty } from '../../server/server.js';
import { buildWebIfStale } from '../../tools/build-web.js';
import { launchChromium, SCREENSHOT_DIR } from '../helpers/chromium.js';

const RUNS = Number(process.env.WALL_RUNS ?? 3);
const VIEWPORT = { width: 1920, height: 1080 };

const keptDir = process.env.WALL_BENCH_DATA_DIR;
const dataDir = keptDir ?? mkdtempSync(join(tmpdir(), 'gs-bench-wall-'));
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
const browser = await launchChromium();

interface Run {
  firstFrameMs: number;
  edgesMs: number;
  bytes: number;
  requests: number;
  byUrl: Map<string, number>;
}

async function measure(run: number): Promise<Run> {
  const context = await browser.newContext({ viewport: VIEWPORT }); // a fresh context: empty cache
  const page = await context.newPage();
  const byUrl = new Map<string, number>();
  let bytes = 0;
  let counting = true;
  const timeline: string[] = [];
  // Playwright sees the page's and its workers' requests (the MapLibre worker script among them).
  page.on('requestfinished', async (r) => {
    if (!counting) return;
    const sizes = await r.sizes();
    const n = sizes.responseBodySize + sizes.responseHeadersSize;
    bytes += n;
    const path = new URL(r.url()).pathname;
    byUrl.set(path, (byUrl.get(path) ?? 0) + n);
    const timing = r.timing();
    if (process.env.WALL_BENCH_TIMELINE)
      timeline.push(
        `${Math.round(timing.startTime - navStart)}+${Math.round(timing.responseEnd)} ms ${path} (request sent +${Math.round(timing.requestStart)}, first byte +${Math.round(timing.responseStart)})`,
      );
  });
  const navStart = Date.now();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${base}/wall`);
  await page.waitForSelector('gs-wall-display[data-first-frame-ms]', { timeout: 120_000 });
  counting = false;
  const firstFrameMs = await page.evaluate(() => performance.getEntriesByName('wall-first-frame')[0]!.startTime);
  // The grids' edges join from the next frame (web/wall/wall-layers.ts): when the picture is whole.
  await page.waitForFunction(() => performance.getEntriesByName('wall-grid-edges-drawn').length > 0, undefined, { timeout: 60_000 });
  const edgesMs = await page.evaluate(() => performance.getEntriesByName('wall-grid-edges-drawn')[0]!.startTime);
  if (process.env.WALL_BENCH_TIMELINE) {
    const marks = await page.evaluate(() => performance.getEntriesByType('mark').map((m) => `${Math.round(m.startTime)} ms mark ${m.name}`));
    console.log([...timeline, ...marks].join('\n'));
  }
  if (run === 0) await page.screenshot({ path: join(SCREENSHOT_DIR, 'wall-bench-demo-city.png') });
  if (errors.length) console.warn(`run ${run + 1}: console errors:\n  ${errors.join('\n  ')}`);
  await context.close();
  return { firstFrameMs, edgesMs, bytes, requests: byUrl.size, byUrl };
}

const runs: Run[] = [];
for (let i = 0; i < RUNS; i++) {
  const r = await measure(i);
  runs.push(r);
  console.log(
    `run ${i + 1}: first complete frame ${(r.firstFrameMs / 1000).toFixed(2)} s (grid edges drawn ${(r.edgesMs / 1000).toFixed(2)} s), ${(r.bytes / 1e6).toFixed(3)} MB over ${r.requests} requests`,
  );
}
await browser.close();
await app.close();
await db.close();
if (!keptDir) rmSync(dataDir, { recursive: true, force: true });

const sorted = [...runs].sort((a, b) => a.firstFrameMs - b.firstFrameMs);
const median = sorted[Math.floor(sorted.length / 2)]!;
console.log(
  `\nGridscope wall benchmark: ${db.backend}, Node ${process.version}, ${cpus().length} cores, headless Chromium (SwiftShader), ${VIEWPORT.width}×${VIEWPORT.height}, loopback\n`,
);
console.log('| measure | result |\n| --- | --- |');
console.log(
  `| navigation → first complete frame (median of ${RUNS}) | ${(median.firstFrameMs / 1000).toFixed(2)} s (best ${(sorted[0]!.firstFrameMs / 1000).toFixed(2)} s) |`,
);
const edges = [...runs].map((r) => r.edgesMs).sort((a, b) => a - b);
console.log(`| navigation → grid edges drawn too (the frame after, median) | ${(edges[Math.floor(edges.length / 2)]! / 1000).toFixed(2)} s |`);
console.log(`| bytes transferred until then (compressed, with headers) | ${(median.bytes / 1e6).toFixed(2)} MB |`);
for (const [path, n] of [...median.byUrl].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`| ${path} | ${(n / 1e3).toFixed(0)} kB |`);
