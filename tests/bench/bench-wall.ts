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
 *   WALL_BENCH_DATABASE_URLS=postgres://…/a,postgres://…/b npm run bench:wall
 *     (cities already built on PostgreSQL, e.g. by `gridscope seed --grids 100000`; the runs alternate
 *     between them so that they share the machine's load)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import type { Database } from '../../server/db/database.js';
import { openMigratedDatabase, seedIfEmpty } from '../../server/server.js';
import { buildWebIfStale } from '../../tools/build-web.js';
import { launchChromium, SCREENSHOT_DIR } from '../helpers/chromium.js';
import { type ChromiumCpu, chromiumCpu, cpuSince } from './process-cpu.js';

const RUNS = Number(process.env.WALL_RUNS ?? 3);
const VIEWPORT = { width: 1920, height: 1080 };

interface City {
  label: string;
  db: Database;
  app: Awaited<ReturnType<typeof buildApp>>;
  base: string;
  runs: Run[];
}

const keptDir = process.env.WALL_BENCH_DATA_DIR;
const dataDir = keptDir ?? mkdtempSync(join(tmpdir(), 'gs-bench-wall-'));
const urls = process.env.WALL_BENCH_DATABASE_URLS?.split(',').filter(Boolean) ?? [undefined];
await buildWebIfStale();
const cities: City[] = [];
for (const url of urls) {
  const env = url ? { ...process.env, DATABASE_URL: url } : process.env;
  const config = loadConfig({ ...env, GRIDSCOPE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const t = performance.now();
  const db = await openMigratedDatabase(config, () => undefined);
  await seedIfEmpty(db, config, () => undefined);
  const app = await buildApp({
    db,
    wall: config.wall,
    // The wall as a public display reads without signing in (on PostgreSQL that is off by default).
    auth: { anonymousRead: true },
    tileCacheBytes: config.tileCacheBytes,
    tileGridThreshold: config.tileGridThreshold,
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const label = url ? new URL(url).pathname.slice(1) || 'PostgreSQL city' : 'demo city (PGlite)';
  console.log(`${label} ready in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  cities.push({ label, db, app, base, runs: [] });
}
const browser = await launchChromium();

interface Run {
  firstFrameMs: number;
  edgesMs: number;
  bytes: number;
  requests: number;
  byUrl: Map<string, number>;
  /**
   * Chromium's CPU seconds from navigation until the bench has seen the whole picture (the edges' frame: read when
   * the bench sees its mark, so a little after), and the wall time of that reading. Steadier than wall time when the
   * machine is shared.
   */
  cpu: ChromiumCpu;
  cpuWindowMs: number;
}

async function measure(base: string, run: number, shot: string): Promise<Run> {
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
  const cpuBefore = chromiumCpu();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${base}/wall`);
  const marks = () => page.evaluate(() => performance.getEntriesByType('mark').map((m) => `${Math.round(m.startTime)} ms mark ${m.name}`));
  try {
    await page.waitForSelector('gs-wall-display[data-first-frame-ms]', { state: 'attached', timeout: 120_000 });
  } catch (err) {
    // What the wall got to: the requests that finished, its marks and its console errors.
    const requests = timeline.length ? timeline : [...byUrl.keys()].map((path) => `finished ${path}`);
    console.error([...requests, ...(await marks()), ...errors.map((e) => `console error: ${e}`)].join('\n'));
    throw err;
  }
  counting = false;
  const firstFrameMs = await page.evaluate(() => performance.getEntriesByName('wall-first-frame')[0]!.startTime);
  // The grids' edges join from the next frame (web/wall/wall-layers.ts): when the picture is whole.
  await page.waitForFunction(() => performance.getEntriesByName('wall-grid-edges-drawn').length > 0, undefined, { timeout: 60_000 });
  const cpu = cpuSince(cpuBefore, chromiumCpu());
  const cpuWindowMs = Date.now() - navStart;
  const edgesMs = await page.evaluate(() => performance.getEntriesByName('wall-grid-edges-drawn')[0]!.startTime);
  if (process.env.WALL_BENCH_TIMELINE) {
    console.log([...timeline, ...(await marks())].join('\n'));
  }
  if (run === 0) await page.screenshot({ path: join(SCREENSHOT_DIR, shot) });
  if (errors.length) console.warn(`run ${run + 1}: console errors:\n  ${errors.join('\n  ')}`);
  await context.close();
  return { firstFrameMs, edgesMs, bytes, requests: byUrl.size, byUrl, cpu, cpuWindowMs };
}

const loadBefore = loadavg();
for (let i = 0; i < RUNS; i++) {
  for (const city of cities) {
    const shot = cities.length > 1 ? `wall-bench-${city.label}.png` : 'wall-bench-demo-city.png';
    const r = await measure(city.base, i, shot);
    city.runs.push(r);
    console.log(
      `${city.label} run ${i + 1}: first complete frame ${(r.firstFrameMs / 1000).toFixed(2)} s (grid edges drawn ${(r.edgesMs / 1000).toFixed(2)} s), Chromium CPU ${cpuText(r.cpu)} in ${(r.cpuWindowMs / 1000).toFixed(2)} s, ${(r.bytes / 1e6).toFixed(3)} MB over ${r.requests} requests`,
    );
  }
}
const loadAfter = loadavg();
await browser.close();

function cpuText(c: ChromiumCpu): string {
  return `${(c.gpu + c.renderer + c.other).toFixed(1)} s (GPU ${c.gpu.toFixed(1)}, renderer ${c.renderer.toFixed(1)}, other ${c.other.toFixed(1)})`;
}

/** Nearest rank: of 7 runs, p95 is the slowest. */
const rank = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
console.log(
  `\nGridscope wall benchmark: Node ${process.version}, ${cpus().length} cores (load average ${load(loadBefore)} before, ${load(loadAfter)} after), headless Chromium (SwiftShader), ${VIEWPORT.width}×${VIEWPORT.height}, loopback`,
);
for (const city of cities) {
  // What the wall was given: the city's grids as GeoJSON, or where their vector tiles are (over the threshold).
  const grids = (await (await fetch(`${city.base}/api/map/grids?tiles=auto`)).json()) as { features: unknown[]; tiled?: { grids: number } };
  const shape = grids.tiled ? `${grids.tiled.grids} grids, vector tiles` : `${grids.features.length} grids, GeoJSON`;
  await city.app.close();
  await city.db.close();
  const runs = city.runs;
  const frames = runs.map((r) => r.firstFrameMs).sort((a, b) => a - b);
  const sorted = [...runs].sort((a, b) => a.firstFrameMs - b.firstFrameMs);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const edges = runs.map((r) => r.edgesMs).sort((a, b) => a - b);
  console.log(`\n${city.label}: ${city.db.backend}, ${shape}\n`);
  console.log('| measure | result |\n| --- | --- |');
  console.log(
    `| navigation → first complete frame (median of ${RUNS}; p95) | ${seconds(median.firstFrameMs)} (best ${seconds(frames[0]!)}; p95 ${seconds(rank(frames, 0.95))}) |`,
  );
  console.log(`| navigation → grid edges drawn too (the frame after, median) | ${seconds(edges[Math.floor(edges.length / 2)]!)} |`);
  const cpuMedian = (pick: (c: ChromiumCpu) => number) => runs.map((r) => pick(r.cpu)).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
  console.log(
    `| Chromium CPU from navigation to the grid edges drawn (median; GPU process / renderer / other) | ${cpuMedian((c) => c.gpu + c.renderer + c.other).toFixed(1)} s (${cpuMedian((c) => c.gpu).toFixed(1)} / ${cpuMedian((c) => c.renderer).toFixed(1)} / ${cpuMedian((c) => c.other).toFixed(1)} s) |`,
  );
  console.log(`| bytes transferred until then (compressed, with headers) | ${(median.bytes / 1e6).toFixed(2)} MB |`);
  for (const [path, n] of [...median.byUrl].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`| ${path} | ${(n / 1e3).toFixed(0)} kB |`);
}
if (!keptDir) rmSync(dataDir, { recursive: true, force: true });
