/**
 * Explorer benchmark: builds the default demo city (3,261 grids, 100k
 * incidents up to now) in a temp embedded database, serves it on loopback and
 * times each explorer endpoint at each level of the drill-down, for a
 * 30-day and a 365-day window (median and best of RUNS, after one warm-up),
 * then opens /explore on the busiest district in headless Chromium and saves
 * a screenshot (tests/screenshots/explore-bench-district.png).
 *
 *   npm run bench:explore               (EXPLORE_RUNS=9 for more runs)
 *   EXPLORE_BENCH_DATA_DIR=scratch/city npm run bench:explore   (keeps and reuses the city)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { openMigratedDatabase, seedIfEmpty } from '../../server/server.js';
import { buildWebIfStale } from '../../tools/build-web.js';
import { launchChromium, SCREENSHOT_DIR } from '../helpers/chromium.js';

const RUNS = Number(process.env.EXPLORE_RUNS ?? 5);
const keptDir = process.env.EXPLORE_BENCH_DATA_DIR;
const dataDir = keptDir ?? mkdtempSync(join(tmpdir(), 'gs-bench-explore-'));
const config = loadConfig({ ...process.env, GRIDSCOPE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
await buildWebIfStale();
const db = await openMigratedDatabase(config, () => undefined);
await seedIfEmpty(db, config, () => undefined);
// Anonymous reading as a city-wide viewer: the bench measures the queries, not sign-in.
const app = await buildApp({ db, auth: { anonymousRead: true } });
const base = await app.listen({ host: '127.0.0.1', port: 0 });

const day = (offset: number) => new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
const window = (days: number) => `from=${day(-days + 1)}T00:00:00%2B08:00&to=${day(1)}T00:00:00%2B08:00`;
const get = async (path: string) => {
  const res = await fetch(base + path);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res;
};

// The busiest district, and a path down from it through the busiest child at each level.
const path: string[] = [];
let region = '';
for (let level = 0; level < 4; level++) {
  const body = (await (await get(`/api/explore/children?${region ? `region=${region}&` : ''}${window(365)}`)).json()) as {
    children: { code: string; reported: number }[];
  };
  region = [...body.children].sort((a, b) => b.reported - a.reported)[0]!.code;
  path.push(region);
}
const [district, street, community, grid] = path as [string, string, string, string];

async function time(path: string): Promise<{ median: number; best: number; bytes: number }> {
  let bytes = 0;
  const ms: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const t = performance.now();
    bytes = (await (await get(path)).arrayBuffer()).byteLength;
    if (i > 0) ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)]!, best: ms[0]!, bytes };
}

const cases: [string, string][] = [];
for (const days of [30, 365]) {
  for (const [name, code] of [
    ['city', ''],
    ['district', district],
    ['street', street],
    ['community', community],
    ['grid', grid],
  ] as const) {
    const r = code ? `region=${code}&` : '';
    cases.push([`children, ${name}, ${days} d`, `/api/explore/children?${r}${window(days)}`]);
    if (name === 'city' || name === 'district') {
      cases.push([`series by day, ${name}, ${days} d`, `/api/explore/series?${r}${window(days)}&interval=day`]);
      cases.push([`heatmap, ${name}, ${days} d`, `/api/map/heatmap?${r}${window(days)}&zoom=${name === 'city' ? 9 : 11}`]);
    }
  }
}
cases.push(['children, city, 365 d, category + urgency + status', `/api/explore/children?${window(365)}&category=road_damage,noise&urgency=red&status=closed`]);
cases.push(['series by week, city, 365 d', `/api/explore/series?${window(365)}&interval=week`]);
cases.push(['shapes, city (districts)', '/api/explore/shapes']);
cases.push(['shapes, street (communities)', `/api/explore/shapes?region=${street}`]);
cases.push(['shapes, community (grids)', `/api/explore/shapes?region=${community}`]);
cases.push(['grid panel, 30 d', `/api/explore/grids/${grid}?${window(30)}`]);

const [{ n }] = (await db.query<{ n: number }>('SELECT count(*)::int n FROM incident')) as [{ n: number }];
console.log(
  `\nGridscope explorer benchmark: ${db.backend}, ${n} incidents, Node ${process.version}, ${cpus().length} cores, loopback, median (best) of ${RUNS}\n`,
);
console.log('| request | median | best | body |\n| --- | --- | --- | --- |');
for (const [name, url] of cases) {
  const r = await time(url);
  console.log(`| ${name} | ${r.median.toFixed(0)} ms | ${r.best.toFixed(0)} ms | ${(r.bytes / 1e3).toFixed(1)} kB |`);
}

const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
const t = performance.now();
await page.goto(`${base}/explore?region=${district}&metric=per_1k`);
await page.waitForFunction(() => document.querySelector('gs-explore-page')?.getAttribute('data-state') === 'ready', null, { timeout: 120_000 });
console.log(`\n/explore on district ${district}: ready in ${((performance.now() - t) / 1000).toFixed(2)} s (headless Chromium, SwiftShader)`);
await page.waitForTimeout(1_500);
await page.screenshot({ path: join(SCREENSHOT_DIR, 'explore-bench-district.png') });
await browser.close();
await app.close();
await db.close();
if (!keptDir) rmSync(dataDir, { recursive: true, force: true });
