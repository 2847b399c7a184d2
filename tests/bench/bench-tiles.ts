/**
 * Vector tile throughput: every z12 and z14 grid tile over the demo city
 * (3,261 grids, 100k incidents), fetched over loopback HTTP by 10 concurrent
 * clients, first with the in-memory tile cache off (every tile built by the
 * database) and then with it on and warm. Reports tiles/s per zoom. The
 * clients run in a worker thread (tile-clients.mjs), not on the server's event
 * loop; on PostgreSQL, pgbench builds the same tiles with the same statement
 * as the floor to read the HTTP rows against (pgbench-floor.ts).
 *
 *   DATABASE_URL=postgres://… npm run bench:tiles   (seeds the demo city into an empty database first)
 *   npm run bench:tiles                             (embedded PGlite in a temp directory)
 *   TILE_BENCH_SECONDS=10 TILE_BENCH_CLIENTS=10     (defaults)
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { openMigratedDatabase, seedIfEmpty } from '../../server/server.js';
import { createTileRepository } from '../../server/repositories/tile-repository.js';
import { pgbenchFloor } from './pgbench-floor.js';

const SECONDS = Number(process.env.TILE_BENCH_SECONDS ?? 10);
const CLIENTS = Number(process.env.TILE_BENCH_CLIENTS ?? 10);
const ZOOMS = [12, 14];

const dataDir = mkdtempSync(join(tmpdir(), 'gs-bench-tiles-'));
const config = loadConfig({ ...process.env, GRIDSCOPE_DATA_DIR: dataDir, GRIDSCOPE_SEED_DEMO: 'true', LOG_LEVEL: 'silent' });
const t0 = performance.now();
const db = await openMigratedDatabase(config, console.log);
await seedIfEmpty(db, config, console.log);
console.log(`city ready in ${((performance.now() - t0) / 1000).toFixed(1)} s (${db.backend})`);

/** Every tile at zoom z that the city's bounds touch. */
function tilesOver([west, south, east, north]: [number, number, number, number], z: number): string[] {
  const n = 2 ** z;
  const col = (lon: number) => Math.floor(((lon + 180) / 360) * n);
  const row = (lat: number) => {
    const r = (lat * Math.PI) / 180;
    return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  };
  const out: string[] = [];
  for (let x = col(west); x <= col(east); x++) for (let y = row(north); y <= row(south); y++) out.push(`${z}/${x}/${y}`);
  return out;
}

/** What tile-clients.mjs is given and answers. */
interface ClientsJob {
  urls: string[];
  clients: number;
  seconds: number;
}

interface ClientsResult {
  done: number;
  nonEmpty: number;
  bytes: number;
  seconds: number;
  error?: string;
}

/** Tiles/s of CLIENTS clients each fetching the next tile of the list, round and round, for SECONDS, from a thread of their own. */
async function throughput(
  base: string,
  tiles: string[],
  urlOf = (tile: string) => `${base}/tiles/grids/${tile}.mvt`,
): Promise<{ perSecond: number; nonEmpty: number; bytes: number }> {
  const job: ClientsJob = { urls: tiles.map(urlOf), clients: CLIENTS, seconds: SECONDS };
  const worker = new Worker(new URL('./tile-clients.mjs', import.meta.url), { workerData: job });
  const [result] = (await once(worker, 'message')) as [ClientsResult];
  await worker.terminate();
  if (result.error) throw new Error(result.error);
  return { perSecond: result.done / result.seconds, nonEmpty: result.nonEmpty, bytes: result.bytes };
}

/** The floor: the same tiles built by the repository (one SQL statement each) with CLIENTS concurrent callers, no HTTP. */
async function sqlFloor(tiles: string[]): Promise<number> {
  const tileRepo = createTileRepository(db);
  let next = 0;
  let done = 0;
  const until = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < until) {
        const [z, x, y] = tiles[next++ % tiles.length]!.split('/').map(Number) as [number, number, number];
        await tileRepo.grids({ z, x, y }, null);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

const rows: string[] = [];
/** pgbench's tiles/s per zoom (PostgreSQL only), to read the HTTP rows against. */
const floors = new Map<number, number>();
for (const [label, cacheBytes] of [
  ['uncached', 0],
  ['cached', 64 * 1024 * 1024],
] as const) {
  const app = await buildApp({ db, auth: { anonymousRead: true }, tileCacheBytes: cacheBytes });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  if (cacheBytes === 0) {
    // The HTTP floor of this machine: the cheapest route, fetched the same way.
    const health = await throughput(base, ['health'], () => `${base}/api/health`);
    rows.push(`| – | GET /api/health (reference) | – | ${health.perSecond.toFixed(0)} |`);
    console.log(`/api/health: ${health.perSecond.toFixed(0)} req/s`);
  }
  const bounds = ((await (await fetch(`${base}/tiles/grids.json`)).json()) as { bounds: [number, number, number, number] }).bounds;
  for (const z of ZOOMS) {
    const tiles = tilesOver(bounds, z);
    if (cacheBytes === 0) {
      const floor = await sqlFloor(tiles);
      rows.push(`| z${z} | SQL alone (no HTTP, no cache) | ${tiles.length} | ${floor.toFixed(0)} |`);
      console.log(`z${z} SQL floor: ${floor.toFixed(0)} tiles/s`);
      const native = process.env.DATABASE_URL?.startsWith('postgres') ? await pgbenchFloor(process.env.DATABASE_URL, tiles, CLIENTS, SECONDS) : null;
      if (native !== null) {
        floors.set(z, native);
        rows.push(`| z${z} | pgbench, ST_AsMVT (the floor) | ${tiles.length} | ${native.toFixed(0)} |`);
        console.log(`z${z} pgbench floor: ${native.toFixed(0)} tiles/s`);
      }
    }
    if (cacheBytes > 0) {
      // Warm: every tile once, CLIENTS at a time.
      let next = 0;
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (next < tiles.length) await fetch(`${base}/tiles/grids/${tiles[next++]}.mvt`).then((r) => r.arrayBuffer());
        }),
      );
    }
    const r = await throughput(base, tiles);
    const floor = floors.get(z);
    rows.push(`| z${z} | ${label} | ${tiles.length} | ${r.perSecond.toFixed(0)}${floor ? ` (${(r.perSecond / floor).toFixed(2)} × pgbench)` : ''} |`);
    console.log(`z${z} ${label}: ${r.perSecond.toFixed(0)} tiles/s over ${tiles.length} tiles (${CLIENTS} clients, ${SECONDS} s)`);
  }
  await app.close();
}
console.log(`\n| zoom | path | tiles over the city | tiles/s (${CLIENTS} clients) |\n| --- | --- | --- | --- |\n${rows.join('\n')}`);
await db.close();
rmSync(dataDir, { recursive: true, force: true });
