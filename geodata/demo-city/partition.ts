import { readFileSync } from 'node:fs';
import type { Queryable } from '../../server/db/database.js';
import { PARTITION_SLIVER_M2 } from '../district-checks.js';
import { densityAt, type PopulationCentre } from './city-plan.js';
import type { Random } from './random.js';

export const PARTITION_SQL = readFileSync(new URL('./partition-cells.sql', import.meta.url), 'utf8');
const MERGE_SLIVERS_SQL = readFileSync(new URL('./merge-slivers.sql', import.meta.url), 'utf8');
const GIVE_SLIVERS_SQL = readFileSync(new URL('./give-slivers.sql', import.meta.url), 'utf8');

/**
 * The smallest detached piece of a region that may become a grid of its own
 * (m²). Boundary files carry smaller pieces as export artefacts (a border
 * drawn twice leaves a few hundred m² on the wrong side), the same slivers the
 * importer ignores in its partition check (PARTITION_SLIVER_M2): cut, each
 * would be a grid a planner would not accept. Such a piece goes to the
 * district it shares the longest border with (giveSliversToNeighbours). One
 * touching no other district (an island) is a grid of its own, however small:
 * a grid is one piece (plan validation's rule), and it has no neighbour to join.
 */
export const SLIVER_PIECE_M2 = PARTITION_SLIVER_M2;

export interface PartitionRequest {
  parentCode: string;
  /** How many children to cut it into. */
  children: number;
  /** Where people live: seed points cluster there, so cells are small there. */
  centres: readonly PopulationCentre[];
}

export interface Cell {
  parentCode: string;
  seedNo: number;
  /** Centroid, for ordering and density. */
  cx: number;
  cy: number;
  areaKm2: number;
}

/**
 * Prepares the scratch tables a level is cut in. They are temporary, so they
 * must live on one connection: call everything here inside one transaction.
 */
export async function createScratchTables(tx: Queryable): Promise<void> {
  await tx.exec(`
    CREATE TEMP TABLE IF NOT EXISTS demo_parent (code text PRIMARY KEY, boundary geometry(MultiPolygon, 4326) NOT NULL);
    CREATE TEMP TABLE IF NOT EXISTS demo_cell (parent_code text NOT NULL, seed_no int NOT NULL, boundary geometry NOT NULL,
                                              seed geometry(Point, 4326) NOT NULL, PRIMARY KEY (parent_code, seed_no));
    TRUNCATE demo_parent, demo_cell;`);
}

/**
 * Cuts each parent (already loaded into demo_parent) into Voronoi cells in
 * demo_cell. Seeds are drawn by rejection against the population density, so
 * there are more, smaller cells where people live. A parent whose candidates
 * fell short (thin or ragged shapes) is retried with more. Every cell comes
 * out in one piece where its parent allows (see mergeDetachedPieces): a piece
 * of a parent in several pieces is given a seed of its own when it is at
 * least `anchorShare` of an average child's area (0: every piece, for the last
 * level, where one piece is a rule).
 */
export async function cutCells(tx: Queryable, requests: readonly PartitionRequest[], random: Random, anchorShare = 1): Promise<Cell[]> {
  const boxes = new Map(
    (
      await tx.query<{ code: string; x0: number; y0: number; x1: number; y1: number; fill: number }>(
        `SELECT code, ST_XMin(boundary) x0, ST_YMin(boundary) y0, ST_XMax(boundary) x1, ST_YMax(boundary) y1,
              ST_Area(boundary) / NULLIF(ST_Area(ST_Envelope(boundary)), 0) fill
         FROM demo_parent`,
      )
    ).map((r) => [r.code, r]),
  );
  let pending = [...requests];
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 6) throw new Error(`could not place seeds in ${pending.map((p) => p.parentCode).join(', ')}`);
    const codes: string[] = [];
    const lons: number[] = [];
    const lats: number[] = [];
    for (const req of pending) {
      const box = boxes.get(req.parentCode);
      if (!box) throw new Error(`parent ${req.parentCode} is not loaded`);
      const wanted = Math.ceil((req.children / Math.max(box.fill, 0.02)) * 1.5 * 3 ** attempt) + 4;
      const maxDensity = Math.max(...probeDensity(req.centres, box));
      let accepted = 0;
      for (let guard = 0; accepted < wanted && guard < wanted * 200; guard++) {
        const lon = random.range(box.x0, box.x1);
        const lat = random.range(box.y0, box.y1);
        // Square root softens the contrast, so the countryside still gets seeds.
        if (random.next() > Math.sqrt(densityAt(req.centres, lon, lat) / maxDensity)) continue;
        codes.push(req.parentCode);
        lons.push(lon);
        lats.push(lat);
        accepted++;
      }
    }
    await tx.query(PARTITION_SQL, [codes, lons, lats, pending.map((p) => p.parentCode), pending.map((p) => p.children), anchorShare]);
    const got = new Map(
      (
        await tx.query<{ parent_code: string; n: number }>(
          'SELECT parent_code, count(*)::int n FROM demo_cell WHERE parent_code = ANY($1::text[]) GROUP BY parent_code',
          [pending.map((p) => p.parentCode)],
        )
      ).map((r) => [r.parent_code, r.n]),
    );
    const short = pending.filter((p) => (got.get(p.parentCode) ?? 0) < p.children);
    if (short.length > 0) {
      await tx.query('DELETE FROM demo_cell WHERE parent_code = ANY($1::text[])', [short.map((p) => p.parentCode)]);
    }
    pending = short;
  }
  await mergeDetachedPieces(tx);
  return tx
    .query<{ parent_code: string; seed_no: number; cx: number; cy: number; area_km2: number }>(
      `SELECT parent_code, seed_no, ST_X(ST_Centroid(boundary)) cx, ST_Y(ST_Centroid(boundary)) cy,
              ST_Area(boundary::geography) / 1e6 area_km2
         FROM demo_cell ORDER BY parent_code, seed_no`,
    )
    .then((rows) => rows.map((r) => ({ parentCode: r.parent_code, seedNo: r.seed_no, cx: r.cx, cy: r.cy, areaKm2: r.area_km2 })));
}

/**
 * Gives each sliver piece of a district (under SLIVER_PIECE_M2) to the
 * district it shares the longest border with (give-slivers.sql), before the
 * districts are cut. Returns how many pieces moved.
 */
export async function giveSliversToNeighbours(tx: Queryable): Promise<number> {
  const [r] = await tx.query<{ moved: number }>(GIVE_SLIVERS_SQL, [SLIVER_PIECE_M2]);
  return r?.moved ?? 0;
}

/**
 * A Voronoi cell clipped to a ragged parent can come out in several pieces
 * (a strip cut off by a bend of the border); a grid must be one piece (plan
 * validation refuses `not_contiguous`). Each round gives detached pieces to
 * the sibling they share the longest border with (merge-slivers.sql); a
 * round only merges, so a few end it.
 */
async function mergeDetachedPieces(tx: Queryable): Promise<void> {
  for (let round = 0; round < 10; round++) {
    const [r] = await tx.query<{ moved: number }>(MERGE_SLIVERS_SQL);
    if (!r || r.moved === 0) return;
  }
}

function probeDensity(centres: readonly PopulationCentre[], box: { x0: number; y0: number; x1: number; y1: number }): number[] {
  const out: number[] = [];
  for (let i = 0; i <= 8; i++) {
    for (let j = 0; j <= 8; j++) out.push(densityAt(centres, box.x0 + ((box.x1 - box.x0) * i) / 8, box.y0 + ((box.y1 - box.y0) * j) / 8));
  }
  for (const c of centres) {
    if (c.lon >= box.x0 && c.lon <= box.x1 && c.lat >= box.y0 && c.lat <= box.y1) out.push(densityAt(centres, c.lon, c.lat));
  }
  return out;
}

/**
 * Orders cells the way codes are numbered: west to east within a row, rows
 * from north to south (rows are equal bands of the parent's height, about
 * sqrt(n) of them). Returns the cells in that order.
 */
export function readingOrder<T extends { cx: number; cy: number }>(cells: readonly T[]): T[] {
  if (cells.length <= 1) return [...cells];
  const rows = Math.max(1, Math.round(Math.sqrt(cells.length)));
  const ys = cells.map((c) => c.cy);
  const top = Math.max(...ys);
  const height = top - Math.min(...ys) || 1;
  const band = (c: T) => Math.min(rows - 1, Math.floor(((top - c.cy) / height) * rows));
  return [...cells].sort((a, b) => band(a) - band(b) || a.cx - b.cx);
}
