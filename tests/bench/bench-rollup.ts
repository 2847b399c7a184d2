/**
 * Window figures over HTTP (app.inject, the real routes and SQL):
 * /api/stats/summary, /api/explore/children, /api/map/grid-metrics,
 * /api/explore/series, /api/map/heatmap and /api/stats/categories for the
 * BENCH_DAYS (365) days up to now, median and p95 of BENCH_RUNS (7) after one
 * warm-up (README, "Performance").
 *
 *   DATABASE_URL=postgres://… [BENCH_BASELINE_URL=postgres://…] [BENCH_DAYS=30]
 *   [BENCH_REGION=430202] [BENCH_CLIENTS=10 [BENCH_SECONDS=30]] node --import tsx tests/bench/bench-rollup.ts
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
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { openMigratedDatabase } from '../../server/server.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const days = Number(process.env.BENCH_DAYS ?? 365);
const region = process.env.BENCH_REGION; // a district's code, say
const clients = Number(process.env.BENCH_CLIENTS ?? 0);
const loadSeconds = Number(process.env.BENCH_SECONDS ?? 30);
const to = new Date();
const from = new Date(to.getTime() - days * 86_400_000);
const window = `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}${region ? `&region=${region}` : ''}`;
const urls = [
  `/api/stats/summary?${window}`,
  `/api/explore/children?${window}`,
  `/api/map/grid-metrics?${window}`,
  `/api/explore/series?${window}`,
  // The wall's heatmap: city zoom 9 (a district's view would be 11), its default limit.
  `/api/map/heatmap?${window}&zoom=${region ? 11 : 9}`,
  `/api/stats/categories?${window}`,
];

/** Nearest-rank percentile of sorted times (p95 of 7 is the slowest). */
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;

async function open(url: string) {
  const db = await openMigratedDatabase(loadConfig({ ...process.env, DATABASE_URL: url }), () => {});
  const app = await buildApp({ db, auth: { anonymousRead: true } });
  await app.ready();
  const [{ n }] = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incident')) as [{ n: number }];
  return { app, db, incidents: n };
}

async function timed(app: FastifyInstance, url: string) {
  const t0 = performance.now();
  const res = await app.inject({ method: 'GET', url });
  return { ms: performance.now() - t0, status: res.statusCode, body: res.body };
}

/** Times of every answer, failures included (a statement timeout is a figure too): the failures' statuses and codes are counted. */
async function measure(app: FastifyInstance, url: string) {
  const times: number[] = [];
  const failures: string[] = [];
  for (let k = 0; k <= RUNS; k++) {
    const { ms, status, body } = await timed(app, url);
    if (status !== 200) failures.push(`${status} ${body.match(/"code":"(\w+)"/)?.[1] ?? ''}`.trim());
    if (k > 0) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return { median: times[RUNS >> 1]!, p95: percentile(times, 0.95), failures };
}

const main = await open(process.env.DATABASE_URL ?? '');
const base = process.env.BENCH_BASELINE_URL ? await open(process.env.BENCH_BASELINE_URL) : undefined;
const ms = (t: { median: number; p95: number; failures: string[] }) =>
  `${t.median.toFixed(0)} / ${t.p95.toFixed(0)} ms${t.failures.length ? ` (**${t.failures.length}/${RUNS + 1} failed: ${[...new Set(t.failures)].join(', ')}**)` : ''}`;
console.log(`${region ?? 'city'}, ${days} days, median / p95 of ${RUNS} after a warm-up`);
console.log(
  base
    ? `| request | ${base.incidents} incidents | ${main.incidents} incidents | ratio (medians) |\n| --- | --- | --- | --- |`
    : `| request | ${main.incidents} incidents |\n| --- | --- |`,
);
for (const url of urls) {
  const path = url.split('?')[0];
  const m = await measure(main.app, url);
  if (!base) {
    console.log(`| \`${path}\` | ${ms(m)} |`);
    continue;
  }
  const b = await measure(base.app, url);
  console.log(`| \`${path}\` | ${ms(b)} | ${ms(m)} | ${(m.median / b.median).toFixed(1)}× |`);
}

if (clients > 0) {
  // Each client cycles through the requests (BENCH_LOAD_SKIP: paths left out, comma-separated), starting at a different one.
  const skip = new Set((process.env.BENCH_LOAD_SKIP ?? '').split(',').filter(Boolean));
  const loadUrls = urls.filter((url) => !skip.has(url.split('?')[0]!));
  const answers: { path: string; ms: number; status: number }[] = [];
  const until = performance.now() + loadSeconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let k = c; performance.now() < until; k++) {
        const url = loadUrls[k % loadUrls.length]!;
        const { ms: t, status } = await timed(main.app, url);
        answers.push({ path: url.split('?')[0]!, ms: t, status });
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const line = (label: string, of: typeof answers) => {
    const times = of.map((a) => a.ms).sort((a, b) => a - b);
    const failed = of.filter((a) => a.status !== 200).map((a) => a.status);
    const fails = failed.length ? `, **${failed.length} failed (${[...new Set(failed)].join(', ')})**` : ', no failures';
    return `${label}: ${of.length} answers, median ${percentile(times, 0.5).toFixed(0)} ms, p95 ${percentile(times, 0.95).toFixed(0)} ms${fails}`;
  };
  console.log(`${clients} clients for ${elapsed.toFixed(0)} s on ${main.incidents} incidents: ${(answers.length / elapsed).toFixed(1)} req/s`);
  console.log(`  ${line('all', answers)}`);
  for (const url of loadUrls) {
    const path = url.split('?')[0]!;
    console.log(
      `  ${line(
        path,
        answers.filter((a) => a.path === path),
      )}`,
    );
  }
}
for (const { app, db } of base ? [main, base] : [main]) {
  await app.close();
  await db.close();
}
