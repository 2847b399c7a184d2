/**
 * Window figures over HTTP (app.inject, the real routes and SQL):
 * /api/stats/summary, /api/explore/children, /api/map/grid-metrics,
 * /api/explore/series, /api/map/heatmap and /api/stats/categories for the
 * BENCH_DAYS (365) days up to now, median and p95 of BENCH_RUNS (7) after one
 * warm-up (README, "Performance").
 *
 *   DATABASE_URL=postgres://… [BENCH_BASELINE_URL=postgres://…] [BENCH_DAYS=30]
 *   [BENCH_REGION=430202] [BENCH_WINDOW=days] [BENCH_CLIENTS=10 [BENCH_SECONDS=30]] node --import tsx tests/bench/bench-rollup.ts
 *
 * With BENCH_BASELINE_URL the same requests run on that database too (say the
 * 100k demo beside a 10M copy of it) and one table gives both and the ratio.
 * With BENCH_CLIENTS, that many concurrent clients then cycle through the
 * requests on DATABASE_URL for BENCH_SECONDS (BENCH_LOAD_SKIP: paths left
 * out): req/s, and median, p95 and non-200s in all and per request.
 *
 * Run it against seeded databases (gridscope seed); opening one applies any
 * pending migration, so run against a copy to compare before and after one.
 */
import { formatTiming, loadRun, loadUrls, measure, openBenchApp, pathOf, windowUrls } from './rollup-bench-kit.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const days = Number(process.env.BENCH_DAYS ?? 365);
const region = process.env.BENCH_REGION; // a district's code, say
const clients = Number(process.env.BENCH_CLIENTS ?? 0);
const loadSeconds = Number(process.env.BENCH_SECONDS ?? 30);
const shape = process.env.BENCH_WINDOW === 'days' ? 'days' : 'instants';
const urls = windowUrls(days, region, shape);

const main = await openBenchApp(process.env.DATABASE_URL ?? '');
const base = process.env.BENCH_BASELINE_URL ? await openBenchApp(process.env.BENCH_BASELINE_URL) : undefined;
const ms = (t: Parameters<typeof formatTiming>[0]) => formatTiming(t, RUNS);
console.log(`${region ?? 'city'}, ${days} days, median / p95 of ${RUNS} after a warm-up`);
console.log(
  base
    ? `| request | ${base.incidents} incidents | ${main.incidents} incidents | ratio (medians) |\n| --- | --- | --- | --- |`
    : `| request | ${main.incidents} incidents |\n| --- | --- |`,
);
for (const url of urls) {
  const path = pathOf(url);
  const m = await measure(main.app, url, RUNS);
  if (!base) {
    console.log(`| \`${path}\` | ${ms(m)} |`);
    continue;
  }
  const b = await measure(base.app, url, RUNS);
  console.log(`| \`${path}\` | ${ms(b)} | ${ms(m)} | ${(m.median / b.median).toFixed(1)}× |`);
}

// Each client cycles through the requests (BENCH_LOAD_SKIP: paths left out, comma-separated), starting at a different one.
if (clients > 0) await loadRun(main.app, loadUrls(urls), clients, loadSeconds, main.incidents);
for (const opened of base ? [main, base] : [main]) await opened.close();
