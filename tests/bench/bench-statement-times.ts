/**
 * The longest single statements on the embedded database: of the migrations
 * and the default demo city's build on a fresh data directory (what `serve`
 * runs before its statement timeout is set), then of the app's heaviest
 * reads over HTTP (what runs under it). The figures chose the default of
 * GRIDSCOPE_EMBEDDED_STATEMENT_TIMEOUT_MS (README, Databases).
 *
 *   npm run bench:statements     (PGlite in a temp dir; GRIDSCOPE_DEMO_* as for serve)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { migrate } from '../../server/db/migrate.js';
import { openPGlite, type QueryLogger } from '../../server/db/pglite-database.js';
import { seedIfEmpty } from '../../server/server.js';

const dataDir = mkdtempSync(join(tmpdir(), 'gs-bench-statements-'));
const config = loadConfig({ ...process.env, GRIDSCOPE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
interface Seen {
  phase: string;
  statement: string;
  run_ms: number;
}
const seen: Seen[] = [];
let phase = 'migrations';
const collector: QueryLogger = {
  level: 'debug',
  debug: (obj) => {
    const { statement, run_ms } = obj as { statement: string; run_ms: number };
    seen.push({ phase, statement, run_ms });
  },
  info: () => undefined,
  warn: (obj, msg) => console.warn(msg, obj),
  error: (obj, msg) => console.error(msg, obj),
};

const db = await openPGlite(dataDir, { fsync: config.dataFsync });
db.useLogger(collector);
const started = performance.now();
const loads: number[] = [loadavg()[0]!];
try {
  await migrate(db);
  phase = 'demo city';
  await seedIfEmpty(db, config, () => loads.push(loadavg()[0]!));
  phase = 'requests';
  const app = await buildApp({ db, auth: { anonymousRead: true } });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  for (const path of [
    '/api/grids',
    '/api/map/grids',
    '/api/map/heatmap?zoom=9',
    '/api/stats/summary',
    '/api/stats/summary?from=2025-01-01',
    '/api/incidents?limit=500',
    '/api/regions',
    '/api/grids/export',
  ]) {
    const res = await fetch(base + path);
    await res.arrayBuffer();
    if (!res.ok) console.warn(`${path}: ${res.status}`);
  }
  loads.push(loadavg()[0]!);
  await app.close();
} finally {
  await db.close();
  rmSync(dataDir, { recursive: true, force: true });
}

const total = ((performance.now() - started) / 1000).toFixed(0);
console.log(
  `\nLongest statements on PGlite (run_ms: the thread's time), ${total} s in all, load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}\n`,
);
console.log('| phase | statements | longest (ms) | statement |\n| --- | --- | --- | --- |');
for (const p of ['migrations', 'demo city', 'requests']) {
  const mine = seen.filter((s) => s.phase === p).sort((a, b) => b.run_ms - a.run_ms);
  for (const s of mine.slice(0, p === 'demo city' ? 5 : 2)) console.log(`| ${p} | ${mine.length} | ${s.run_ms} | ${s.statement.slice(0, 60)} |`);
}
