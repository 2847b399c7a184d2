/**
 * Year-long city figures over HTTP (app.inject, the real routes and SQL):
 * /api/stats/summary, /api/explore/children, /api/map/grid-metrics and
 * /api/explore/series for the 365 days up to now, and /api/map/heatmap for
 * them at zoom 10 (the city's view: the heat rollup's district rows) and 12
 * (its grid rows),
 * median of 7 after one warm-up (README, "Performance").
 *
 *   DATABASE_URL=postgres://… node --import tsx tests/bench/bench-rollup.ts
 *
 * Run it against a seeded database (gridscope seed); opening it applies any
 * pending migration, so run against a copy to compare before and after one.
 */
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { openMigratedDatabase } from '../../server/server.js';

const RUNS = 7;
const db = await openMigratedDatabase(loadConfig({ ...process.env }), (line) => console.log(line));
const app = await buildApp({ db, auth: { anonymousRead: true } });
await app.ready();
const to = new Date();
// BENCH_DAYS and BENCH_REGION (a district's code, say) change the window and the place.
const days = Number(process.env.BENCH_DAYS ?? 365);
const region = process.env.BENCH_REGION;
const from = new Date(to.getTime() - days * 86_400_000);
const window = `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}${region ? `&region=${region}` : ''}`;
const [{ n }] = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incident')) as [{ n: number }];
console.log(`${n} incidents`);
const urls = [
  `/api/stats/summary?${window}`,
  `/api/explore/children?${window}`,
  `/api/map/grid-metrics?${window}`,
  `/api/explore/series?${window}`,
  `/api/map/heatmap?${window}&zoom=10&limit=20000`,
  `/api/map/heatmap?${window}&zoom=12&limit=20000`,
];
for (const url of urls) {
  const times: number[] = [];
  for (let k = 0; k <= RUNS; k++) {
    const t0 = performance.now();
    const res = await app.inject({ method: 'GET', url });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    if (k > 0) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${url.split('?')[0]}${url.includes('zoom=') ? ` zoom ${url.split('zoom=')[1]!.split('&')[0]}` : ''} (${region ?? 'city'}, ${days} days): median ${times[RUNS >> 1]!.toFixed(0)} ms, min ${times[0]!.toFixed(0)}, max ${times[RUNS - 1]!.toFixed(0)}`,
  );
}
await app.close();
await db.close();
