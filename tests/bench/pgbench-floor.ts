/**
 * The database's own floor for grid tiles (bench-tiles.ts, PostgreSQL only):
 * pgbench runs the server's tile statement (server/repositories/sql/
 * tile-grids-mvt.sql, ST_AsMVT) over the same list of tiles with the same
 * number of clients, no Node.js and no HTTP in between. Each transaction
 * looks up its tile in a small table and builds it: two statements, as the
 * route's cached path reads the geometry revision before it answers.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { GRID_CODE_ZOOM, TILE_BUFFER, TILE_EXTENT } from '../../server/tiles/tile-layers.js';

const GRIDS_MVT = readFileSync(new URL('../../server/repositories/sql/tile-grids-mvt.sql', import.meta.url), 'utf8');
const TABLE = 'bench_tile_list';

/** The tile statement with pgbench's variables in place of the parameters: the whole city, the route's extent and buffer. */
function tileScript(count: number, withCode: boolean): string {
  const statement = GRIDS_MVT.replaceAll('$1', ':z')
    .replaceAll('$2', ':x')
    .replaceAll('$3', ':y')
    .replaceAll('$4', 'NULL')
    .replaceAll('$5', String(TILE_EXTENT))
    .replaceAll('$6', String(TILE_BUFFER))
    .replaceAll('$7', String(withCode));
  return `\\set i random(0, ${count - 1})\nSELECT z, x, y FROM ${TABLE} WHERE i = :i \\gset\n${statement}`;
}

/** Tiles/s of pgbench with `clients` clients over `tiles` ("z/x/y") for `seconds`; null when pgbench is not there. */
export async function pgbenchFloor(url: string, tiles: string[], clients: number, seconds: number): Promise<number | null> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const dir = mkdtempSync(join(tmpdir(), 'gs-pgbench-'));
  try {
    await db.query(`DROP TABLE IF EXISTS ${TABLE}; CREATE TABLE ${TABLE} (i int PRIMARY KEY, z int, x int, y int)`);
    const zxy = tiles.map((t) => t.split('/').map(Number) as [number, number, number]);
    const column = (k: number) => zxy.map((t) => t[k]);
    await db.query(`INSERT INTO ${TABLE} SELECT i - 1, z, x, y FROM unnest($1::int[], $2::int[], $3::int[]) WITH ORDINALITY AS t(z, x, y, i)`, [
      column(0),
      column(1),
      column(2),
    ]);
    await db.query(`ANALYZE ${TABLE}`);
    const script = join(dir, 'tile.sql');
    writeFileSync(script, tileScript(tiles.length, (zxy[0]?.[0] ?? 0) >= GRID_CODE_ZOOM));
    const run = spawnSync(
      process.env.PGBENCH ?? 'pgbench',
      ['-n', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(seconds), '-f', script, url],
      { encoding: 'utf8' },
    );
    if (run.error) return null;
    const tps = /tps = ([\d.]+)/.exec(run.stdout);
    if (run.status !== 0 || !tps) throw new Error(`pgbench failed (${run.status}): ${run.stderr || run.stdout}`);
    return Number(tps[1]);
  } finally {
    await db.query(`DROP TABLE IF EXISTS ${TABLE}`).catch(() => undefined);
    await db.end();
    rmSync(dir, { recursive: true, force: true });
  }
}
