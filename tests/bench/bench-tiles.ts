/**
 * Vector tile throughput: every z12 and z14 grid tile over the demo city
 * (3,261 grids, 100k incidents), fetched over loopback HTTP by 10 concurrent
 * clients, first with the in-memory tile cache off (every tile built by the
 * database) and then with it on and warm. Reports tiles/s per zoom.
 *
 *   DATABASE_URL=postgres://… npm run bench:tiles   (seeds the demo city into an empty database first)
 *   npm run bench:tiles                             (embedded PGlite in a temp directory)
 *   TILE_BENCH_SECONDS=10 TILE_BENCH_CLIENTS=10     (defaults)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { openMigratedDatabase, seedIfEmpty } from '../../server/server.js';
import { createTileRepository } from '../../server/repositories/tile-repository.js';

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

/** Tiles/s of CLIENTS clients each fetching the next tile of the list, round and round, for SECONDS. */
async function throughput(
  base: string,
  tiles: string[],
  urlOf = (tile: string) => `${base}/tiles/grids/${tile}.mvt`,
): Promise<{ perSecond: number; nonEmpty: number; bytes: number }> {
  let next = 0;
  let done = 0;
  let nonEmpty = 0;
  let bytes = 0;
  const until = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < until) {
        const tile = tiles[next++ % tiles.length];
        const res = await fetch(urlOf(tile!));
        const body = new Uint8Array(await res.arrayBuffer());
        if (res.status !== 200 && res.status !== 204) throw new Error(`${tile}: ${res.status} ${new TextDecoder().decode(body)}`);
        if (res.status === 200) nonEmpty++;
        bytes += body.byteLength;
        done++;
      }
    }),
  );
  return { perSecond: done / ((performance.now() - started) / 1000), nonEmpty, bytes };
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
    rows.push(`| z${z} | ${label} | ${tiles.length} | ${r.perSecond.toFixed(0)} |`);
    console.log(`z${z} ${label}: ${r.perSecond.toFixed(0)} tiles/s over ${tiles.length} tiles (${CLIENTS} clients, ${SECONDS} s)`);
  }
  await app.close();
}
console.log(`\n| zoom | path | tiles over the city | tiles/s (${CLIENTS} clients) |\n| --- | --- | --- | --- |\n${rows.join('\n')}`);
await db.close();
rmSync(dataDir, { recursive: true, force: true });
