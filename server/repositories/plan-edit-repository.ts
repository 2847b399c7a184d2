import type { Queryable } from '../db/database.js';
import { sqlFile } from './sql-file.js';

const SPLIT = sqlFile('plan-op-split.sql');
const MERGE = sqlFile('plan-op-merge.sql');
const ADD = sqlFile('plan-op-add.sql');
const DELETE = sqlFile('plan-op-delete.sql');
const RESHAPE = sqlFile('plan-op-reshape.sql');
const SNAP_NEIGHBOURS = sqlFile('plan-snap-neighbours.sql');
const GRID_ALONG_LINE = sqlFile('plan-op-grid-along-line.sql');
const OTHER_GRIDS = sqlFile('plan-op-other-grids.sql');
const SET_BOUNDARY = sqlFile('plan-op-set-boundary.sql');

/** Where an edit reads from and writes to: the plan, the revision it starts from and the one it writes. */
export interface EditRevisions {
  planId: number;
  from: number;
  to: number;
}

/**
 * The editor's operations as PostGIS computes them, each writing into a new
 * revision of a draft (see grid-plan-repository.ts beginEdit) in the
 * caller's transaction. SQL only: what an edit may do, and what a refusal
 * says, is decided in services/plan-edits.ts.
 */
export function createPlanEditRepository() {
  return {
    /** The grid a split line runs through most, or null when it crosses none. */
    async gridAlongLine(planId: number, revision: number, line: string, tx: Queryable): Promise<number | null> {
      const [hit] = await tx.query<{ key: number }>(GRID_ALONG_LINE, [planId, revision, line]);
      return hit ? Number(hit.key) : null;
    },
    /** Every other grid of a revision as GeoJSON text at full precision. */
    otherGrids(planId: number, revision: number, key: number, tx: Queryable): Promise<{ key: number; geojson: string }[]> {
      return tx.query<{ key: number; geojson: string }>(OTHER_GRIDS, [planId, revision, key]);
    },
    async setBoundary(planId: number, revision: number, key: number, geojson: string, tx: Queryable): Promise<void> {
      await tx.query(SET_BOUNDARY, [planId, revision, key, geojson]);
    },
    /** Rows written: none when GEOS failed silently (PGlite can lose its error). */
    async reshape(r: EditRevisions, key: number, geojson: string, snapDegrees: number, tx: Queryable): Promise<number> {
      return (await tx.query(RESHAPE, [r.planId, r.from, r.to, key, geojson, snapDegrees])).length;
    },
    /** The keys of the pieces made (fewer than two: the line did not cross the grid). */
    async split(r: EditRevisions, key: number, line: string, firstKey: number, tx: Queryable): Promise<number[]> {
      return (await tx.query<{ key: number }>(SPLIT, [r.planId, r.from, r.to, key, line, firstKey])).map((m) => Number(m.key));
    },
    /** The pieces of the union written as `key`, or null when a grid was invalid. */
    async merge(r: EditRevisions, keys: readonly number[], key: number, tx: Queryable): Promise<number | null> {
      const [made] = await tx.query<{ pieces: number }>(MERGE, [r.planId, r.from, r.to, keys, key]);
      return made ? Number(made.pieces) : null;
    },
    /** Whether the polygon's part in a gap was written as grid `key` (false: it covers no gap). */
    async add(r: EditRevisions, geojson: string, key: number, areaToleranceM2: number, widthToleranceM: number, tx: Queryable): Promise<boolean> {
      const [made] = await tx.query(ADD, [r.planId, r.from, r.to, geojson, key, areaToleranceM2, widthToleranceM]);
      return made !== undefined;
    },
    /** Per absorber: the edge it shares with the deleted grid (m) and whether its grown shape was written. */
    async remove(r: EditRevisions, key: number, absorbers: readonly number[], tx: Queryable): Promise<{ key: number; shared_m: number; written: boolean }[]> {
      const rows = await tx.query<{ key: number; shared_m: number; written: boolean }>(DELETE, [r.planId, r.from, r.to, key, absorbers]);
      return rows.map((row) => ({ key: Number(row.key), shared_m: Number(row.shared_m), written: row.written }));
    },
    /** Neighbours of `keys` take the vertices the edit put on their edges (within `snapDegrees`). */
    async snapNeighbours(planId: number, revision: number, keys: readonly number[], snapDegrees: number, tx: Queryable): Promise<void> {
      await tx.query(SNAP_NEIGHBOURS, [planId, revision, keys, snapDegrees]);
    },
  };
}

export type PlanEditRepository = ReturnType<typeof createPlanEditRepository>;
