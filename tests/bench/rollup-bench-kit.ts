/**
 * What bench-rollup.ts and bench-scale.ts share: the window figures'
 * requests, a database opened behind the real app, and median/p95 timing
 * of app.inject answers (failures counted, a statement timeout is a figure too).
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { openMigratedDatabase } from '../../server/server.js';

export interface Timing {
  median: number;
  p95: number;
  failures: string[];
}

/**
 * How a window's ends are given: 'instants' (the default) is [now − days, now), two unaligned instants, so
 * both edges are partial China days read from the incident rows; 'days' is what the wall asks (web/wall/time-window.ts):
 * from the China midnight that starts the window's first day, with no end, so no day is partial (today is the rollup's
 * day so far; the series, whose end defaults to now, reads today from the rows).
 */
export type WindowShape = 'instants' | 'days';

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The window's query parameters, `days` days up to now, in either shape. */
function windowQuery(days: number, shape: WindowShape, now = Date.now()): string {
  if (shape === 'days') {
    const todayStart = Math.floor((now + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS - CHINA_OFFSET_MS;
    return `from=${encodeURIComponent(new Date(todayStart - (days - 1) * DAY_MS).toISOString())}`;
  }
  return `from=${encodeURIComponent(new Date(now - days * DAY_MS).toISOString())}&to=${encodeURIComponent(new Date(now).toISOString())}`;
}

/** /api/stats/summary, explorer children and series, grid-metrics, the heatmap and categories for `days` days up to now. */
export function windowUrls(days: number, region?: string, shape: WindowShape = 'instants'): string[] {
  const window = `${windowQuery(days, shape)}${region ? `&region=${region}` : ''}`;
  return [
    `/api/stats/summary?${window}`,
    `/api/explore/children?${window}`,
    `/api/map/grid-metrics?${window}`,
    `/api/explore/series?${window}`,
    // The wall's heatmap: city zoom 9 (a district's view would be 11), its default limit.
    `/api/map/heatmap?${window}&zoom=${region ? 11 : 9}`,
    `/api/stats/categories?${window}`,
  ];
}

export const pathOf = (url: string) => url.split('?')[0]!;

/** Nearest-rank percentile of sorted times (p95 of 7 is the slowest). */
export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;

export async function openBenchApp(url: string) {
  const db = await openMigratedDatabase(loadConfig({ ...process.env, DATABASE_URL: url }), () => {});
  const app = await buildApp({ db, auth: { anonymousRead: true } });
  await app.ready();
  const [{ n }] = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incident')) as [{ n: number }];
  const close = async () => {
    await app.close();
    await db.close();
  };
  return { app, db, incidents: n, close };
}

export async function timed(app: FastifyInstance, url: string) {
  const t0 = performance.now();
  const res = await app.inject({ method: 'GET', url });
  return { ms: performance.now() - t0, status: res.statusCode, body: res.body };
}

/** One warm-up, then `runs` timed answers. */
export async function measure(app: FastifyInstance, url: string, runs: number): Promise<Timing> {
  const times: number[] = [];
  const failures: string[] = [];
  for (let k = 0; k <= runs; k++) {
    const { ms, status, body } = await timed(app, url);
    if (status !== 200) failures.push(`${status} ${body.match(/"code":"(\w+)"/)?.[1] ?? ''}`.trim());
    if (k > 0) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return { median: times[runs >> 1]!, p95: percentile(times, 0.95), failures };
}

export const formatTiming = (t: Timing, runs: number) =>
  `${t.median.toFixed(0)} / ${t.p95.toFixed(0)} ms${t.failures.length ? ` (**${t.failures.length}/${runs + 1} failed: ${[...new Set(t.failures)].join(', ')}**)` : ''}`;

/**
 * `clients` concurrent clients cycle through the urls (each starting at a
 * different one) for `seconds`; prints req/s, and median, p95 and non-200s
 * in all and per request.
 */
export async function loadRun(app: FastifyInstance, urls: string[], clients: number, seconds: number, incidents: number): Promise<void> {
  const answers: { path: string; ms: number; status: number }[] = [];
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let k = c; performance.now() < until; k++) {
        const url = urls[k % urls.length]!;
        const { ms: t, status } = await timed(app, url);
        answers.push({ path: pathOf(url), ms: t, status });
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
  console.log(`${clients} clients for ${elapsed.toFixed(0)} s on ${incidents} incidents: ${(answers.length / elapsed).toFixed(1)} req/s`);
  console.log(`  ${line('all', answers)}`);
  for (const url of urls) {
    const path = pathOf(url);
    console.log(
      `  ${line(
        path,
        answers.filter((a) => a.path === path),
      )}`,
    );
  }
}

/** The urls a load run cycles through: BENCH_LOAD_SKIP names paths to leave out, comma-separated. */
export function loadUrls(urls: string[]): string[] {
  const skip = new Set((process.env.BENCH_LOAD_SKIP ?? '').split(',').filter(Boolean));
  return urls.filter((url) => !skip.has(pathOf(url)));
}
