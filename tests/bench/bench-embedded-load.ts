/**
 * Mixed read load on the embedded database: CLIENTS clients in a loop over
 * the summary, grid metrics, incident list and explorer endpoints for
 * SECONDS, while one more client polls /api/health. Prints req/s and p50/p99
 * of the load, the health probe's p99 and worst, and the load average (the
 * figures are only comparable on a quiet machine).
 *
 *   npm run bench:embedded-load   (or node --import tsx tests/bench/bench-embedded-load.ts)
 *   BENCH_DATA_DIR=/tmp/gs-load node --import tsx tests/bench/bench-embedded-load.ts   (keeps and reuses the city)
 *   BENCH_CLIENTS=8 BENCH_SECONDS=30 GRIDSCOPE_DEMO_GRIDS=600 GRIDSCOPE_DEMO_INCIDENTS=20000 ...
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { openMigratedDatabase, seedIfEmpty } from '../../server/server.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const keptDir = process.env.BENCH_DATA_DIR;
const dataDir = keptDir ?? mkdtempSync(join(tmpdir(), 'gs-bench-load-'));
const config = loadConfig({
  GRIDSCOPE_DEMO_GRIDS: '600',
  GRIDSCOPE_DEMO_INCIDENTS: '20000',
  ...process.env,
  GRIDSCOPE_DATA_DIR: dataDir,
  LOG_LEVEL: 'silent',
});
const db = await openMigratedDatabase(config, () => undefined);
await seedIfEmpty(db, config, (line) => console.log(line));
const app = await buildApp({ db, auth: { anonymousRead: true } });
const base = await app.listen({ host: '127.0.0.1', port: 0 });

const [district] = await db.query<{ code: string }>(`SELECT code FROM region WHERE level = 'district' ORDER BY code LIMIT 1`);
const paths = ['/api/stats/summary', '/api/map/grid-metrics', '/api/incidents?limit=50', `/api/explore/children?region=${district!.code}`];

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
async function timed(path: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(base + path);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return performance.now() - t0;
}

for (const p of paths) await timed(p); // warm-up
const load0 = loadavg()[0]!;
const deadline = performance.now() + SECONDS * 1000;
const latencies: number[] = [];
const health: number[] = [];
const started = performance.now();
await Promise.all([
  ...Array.from({ length: CLIENTS }, async (_, c) => {
    for (let i = c; performance.now() < deadline; i++) latencies.push(await timed(paths[i % paths.length]!));
  }),
  (async () => {
    while (performance.now() < deadline) {
      health.push(await timed('/api/health'));
      await new Promise((r) => setTimeout(r, 50));
    }
  })(),
]);
const elapsed = (performance.now() - started) / 1000;
const f = (ms: number) => `${ms.toFixed(0)} ms`;
console.log(
  `embedded mixed read load, ${CLIENTS} clients, ${elapsed.toFixed(0)} s: ${(latencies.length / elapsed).toFixed(1)} req/s, ` +
    `p50 ${f(percentile(latencies, 50))}, p99 ${f(percentile(latencies, 99))}; /api/health p99 ${f(percentile(health, 99))}, ` +
    `worst ${f(Math.max(...health))} (${health.length} probes); load average ${load0.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`,
);
await app.close();
await db.close();
if (!keptDir) rmSync(dataDir, { recursive: true, force: true });
