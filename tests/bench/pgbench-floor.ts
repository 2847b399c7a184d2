/**
 * The database's own floor for grid tiles (bench-tiles.ts, PostgreSQL only):
 * pgbench runs the server's tile statement (server/repositories/sql/
 * tile-grids-mvt.sql, ST_AsMVT) over the same list of tiles with the same
 * number of clients, no Node.js and no HTTP in between. Each transaction
 * picks a tile of the rectangle at random and builds it: one statement, as
 * the route's uncached path runs (a cached one runs none). Until 1 Dec 2026
 * each transaction also looked its tile up in a table, a statement that
 * stood for the revision read the route then made and no longer makes.
 * PGBENCH names the binary; PGBENCH_MODE pgbench's protocol (default
 * `prepared`; `extended` plans every statement, as node-postgres did before
 * the tile statements were prepared).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GRID_CODE_ZOOM, TILE_BUFFER, TILE_EXTENT } from '../../server/tiles/tile-layers.js';

const GRIDS_MVT = readFileSync(new URL('../../server/repositories/sql/tile-grids-mvt.sql', import.meta.url), 'utf8');
/** The tile statement with pgbench's variables in place of the parameters: the whole city, the route's extent and buffer. */
function tileScript(tiles: [number, number, number][], withCode: boolean): string {
  const statement = GRIDS_MVT.replaceAll('$1', ':z')
    .replaceAll('$2', ':x')
    .replaceAll('$3', ':y')
    .replaceAll('$4', 'NULL')
    .replaceAll('$5', String(TILE_EXTENT))
    .replaceAll('$6', String(TILE_BUFFER))
    .replaceAll('$7', String(withCode));
  // The tiles are a rectangle of columns × rows at one zoom (bench-tiles.ts, tilesOver): tile i is column i / rows, row i % rows.
  const xs = tiles.map((t) => t[1]);
  const ys = tiles.map((t) => t[2]);
  const [x0, y0] = [Math.min(...xs), Math.min(...ys)];
  const rows = Math.max(...ys) - y0 + 1;
  if ((Math.max(...xs) - x0 + 1) * rows !== tiles.length) throw new Error('pgbench floor: the tiles are not a whole rectangle');
  return [`\\set z ${tiles[0]![0]}`, `\\set i random(0, ${tiles.length - 1})`, `\\set x ${x0} + :i / ${rows}`, `\\set y ${y0} + :i % ${rows}`, statement].join(
    '\n',
  );
}

/** Tiles/s of pgbench with `clients` clients over `tiles` ("z/x/y") for `seconds`; null when pgbench is not there. */
export async function pgbenchFloor(url: string, tiles: string[], clients: number, seconds: number): Promise<number | null> {
  const dir = mkdtempSync(join(tmpdir(), 'gs-pgbench-'));
  try {
    const zxy = tiles.map((t) => t.split('/').map(Number) as [number, number, number]);
    const script = join(dir, 'tile.sql');
    writeFileSync(script, tileScript(zxy, (zxy[0]?.[0] ?? 0) >= GRID_CODE_ZOOM));
    const run = spawnSync(
      process.env.PGBENCH ?? 'pgbench',
      ['-n', '-M', process.env.PGBENCH_MODE ?? 'prepared', '-c', String(clients), '-j', '2', '-T', String(seconds), '-f', script, url],
      { encoding: 'utf8' },
    );
    if (run.error) return null;
    const tps = /tps = ([\d.]+)/.exec(run.stdout);
    if (run.status !== 0 || !tps) throw new Error(`pgbench failed (${run.status}): ${run.stderr || run.stdout}`);
    return Number(tps[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
