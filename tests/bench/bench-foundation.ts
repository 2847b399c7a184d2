/**
 * Foundation benchmark: builds the default demo city on a fresh embedded
 * database, restarts on it, and measures grid payload sizes and a few read
 * latencies over real HTTP. Figures go into README.
 *
 *   npm run bench            (PGlite in a temp dir)
 *   DATABASE_URL=... npm run bench   (PostgreSQL; the database must be empty)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { openMigratedDatabase, seedIfEmpty } from '../../server/server.js';

const dataDir = mkdtempSync(join(tmpdir(), 'gs-bench-'));
const config = { ...loadConfig({ ...process.env, GRIDSCOPE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }) };
const quiet = () => undefined;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const results: [string, string][] = [];

let t = performance.now();
let db = await openMigratedDatabase(config, quiet);
const openMs = performance.now() - t;
t = performance.now();
await seedIfEmpty(db, config, quiet);
results.push(['first start: open + migrate', seconds(openMs)]);
results.push([`demo city build (${config.demoGrids ?? 'default (3,261)'} grids, ${config.demoIncidents} incidents)`, seconds(performance.now() - t)]);
await db.close();

t = performance.now();
db = await openMigratedDatabase(config, quiet);
await seedIfEmpty(db, config, quiet);
// Read as the demo does: anonymous read-only access on.
const app = await buildApp({ db, auth: { anonymousRead: true } });
const base = await app.listen({ host: '127.0.0.1', port: 0 });
results.push(['restart on existing data (open, migrate check, HTTP listening)', seconds(performance.now() - t)]);

async function measure(path: string, runs = 5): Promise<{ ms: number; bytes: number; gzip: number }> {
  let best = Infinity;
  let body = '';
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const res = await fetch(base + path);
    body = await res.text();
    if (!res.ok) throw new Error(`${path}: ${res.status} ${body}`);
    best = Math.min(best, performance.now() - t0);
  }
  return { ms: best, bytes: Buffer.byteLength(body), gzip: gzipSync(body).length };
}

for (const path of ['/api/grids', '/api/grids?simplify=0.0002', '/api/grids?simplify=0.0005', '/api/grids?region=430202']) {
  const m = await measure(path, 3);
  results.push([`GET ${path}`, `${(m.bytes / 1e6).toFixed(2)} MB raw, ${(m.gzip / 1e3).toFixed(0)} kB gzip, ${m.ms.toFixed(0)} ms`]);
}
for (const path of [
  '/api/stats/summary',
  '/api/stats/summary?region=430223&from=2026-01-01',
  '/api/incidents?limit=500',
  '/api/incidents?region=430202&urgency=red&limit=100',
  '/api/regions',
]) {
  const m = await measure(path);
  results.push([`GET ${path}`, `${m.ms.toFixed(0)} ms (best of 5), ${(m.gzip / 1e3).toFixed(1)} kB gzip`]);
}
await app.close();
await db.close();
rmSync(dataDir, { recursive: true, force: true });

console.log(`\nGridscope foundation benchmark — ${db.backend}, Node ${process.version}, ${(await import('node:os')).cpus().length} cores\n`);
console.log('| measure | result |\n| --- | --- |');
for (const [k, v] of results) console.log(`| ${k} | ${v} |`);
