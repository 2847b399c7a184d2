import type { Queryable } from '../db/database.js';
import { DomainError } from '../services/domain-error.js';
import { AREA_TOLERANCE_M2, WIDTH_TOLERANCE_M } from '../contract/grid-plan-reasons.js';
import { geometryEngineRefusal, validityOf } from '../plans/geometry-validity.js';
import { moveVertex, type PolygonalGeometry, type Position } from '../contract/vertex-move.js';
import type { GridPlanRepository, PlanRow } from './grid-plan-repository.js';
import { sqlFile } from './sql-file.js';

const SPLIT = sqlFile('plan-op-split.sql');
const MERGE = sqlFile('plan-op-merge.sql');
const ADD = sqlFile('plan-op-add.sql');
const DELETE = sqlFile('plan-op-delete.sql');
const RESHAPE = sqlFile('plan-op-reshape.sql');
const SNAP_NEIGHBOURS = sqlFile('plan-snap-neighbours.sql');

/**
 * How far (degrees, about 0.2 m) a vertex may be from a neighbour's vertex to
 * be taken as the same one: covers 6-decimal rounding on the way to the
 * browser and back, and nothing a planner would draw on purpose.
 */
export const SNAP_DEGREES = 2e-6;
/**
 * Neighbours take only the vertices an edit put on their own edges (a split
 * line's crossing, a corner snapped onto an edge): 1e-8° is about 1 mm. A
 * wider net would bend their edges towards unrelated nearby corners.
 */
export const NEIGHBOUR_SNAP_DEGREES = 1e-8;

export type PlanEdit =
  | { op: 'reshape'; key: number; geometry: PolygonalGeometry; moved?: { from: Position; to: Position }[] }
  | { op: 'split'; key?: number; line: { type: 'LineString'; coordinates: Position[] } }
  | { op: 'merge'; keys: number[] }
  | { op: 'add'; geometry: PolygonalGeometry }
  | { op: 'delete'; key: number; absorbers: number[] };

const refused = (message: string) => new DomainError('edit_rejected', message);

/**
 * The editor's operations, each computed by PostGIS into a new revision of
 * the draft (see grid-plan-repository.ts). Each runs in the caller's
 * transaction; a refusal throws, so nothing of a refused edit stays.
 */
export function createPlanEditRepository(plans: GridPlanRepository) {
  async function requireKeys(plan: PlanRow, keys: readonly number[], tx: Queryable): Promise<void> {
    const present = new Set((await plans.keys(plan.id, plan.revision, tx)).map((k) => k.key));
    const missing = keys.filter((k) => !present.has(k));
    if (missing.length) throw refused(`no grid with key ${missing.join(', ')} in revision ${plan.revision} of plan ${plan.id}`);
  }

  /** A drawn polygon must be valid (GEOS) before it becomes a grid: 422 invalid_geometry naming why and where. */
  async function requireValid(geometry: PolygonalGeometry, field: string, tx: Queryable): Promise<void> {
    const [invalid] = await validityOf(tx, [geometry]);
    if (invalid) throw new DomainError('invalid_geometry', `${field}: ${invalid.message}`);
  }

  async function snapNeighbours(plan: PlanRow, revision: number, keys: readonly number[], tx: Queryable): Promise<void> {
    await tx.query(SNAP_NEIGHBOURS, [plan.id, revision, keys, NEIGHBOUR_SNAP_DEGREES]);
  }

  const ops = {
    async reshape(plan: PlanRow, e: Extract<PlanEdit, { op: 'reshape' }>, tx: Queryable): Promise<number[]> {
      await requireValid(e.geometry, 'body.geometry', tx);
      await requireKeys(plan, [e.key], tx);
      const revision = await plans.beginEdit(plan, [e.key], tx);
      // A dragged corner that neighbours share moves in all of them.
      if (e.moved?.length) {
        const others = await tx.query<{ key: number; geojson: string }>(
          'SELECT key, ST_AsGeoJSON(boundary, 15) AS geojson FROM grid_plan_feature WHERE plan_id = $1 AND revision = $2 AND key <> $3',
          [plan.id, revision, e.key],
        );
        for (const o of others) {
          let geometry = JSON.parse(o.geojson) as PolygonalGeometry;
          let changed = false;
          for (const m of e.moved) {
            const r = moveVertex(geometry, m.from, m.to);
            geometry = r.geometry;
            changed ||= r.moved;
          }
          if (changed) {
            await tx.query(
              'UPDATE grid_plan_feature SET boundary = ST_SetSRID(ST_GeomFromGeoJSON($4), 4326) WHERE plan_id = $1 AND revision = $2 AND key = $3',
              [plan.id, revision, o.key, JSON.stringify(geometry)],
            );
          }
        }
      }
      const reshaped = await tx.query(RESHAPE, [plan.id, plan.revision, revision, e.key, JSON.stringify(e.geometry), SNAP_DEGREES]);
      // PGlite can lose a GEOS error and return no row: never answer 200 with the grid gone.
      if (!reshaped.length) throw geometryEngineRefusal('body.geometry');
      await snapNeighbours(plan, revision, [e.key], tx);
      return [e.key];
    },

    async split(plan: PlanRow, e: Extract<PlanEdit, { op: 'split' }>, tx: Queryable): Promise<number[]> {
      const line = JSON.stringify(e.line);
      let key = e.key;
      if (key === undefined) {
        // The grid the line runs through most.
        const [hit] = await tx.query<{ key: number }>(
          `SELECT key FROM grid_plan_feature
            WHERE plan_id = $1 AND revision = $2 AND ST_IsValid(boundary)
              AND ST_Intersects(boundary, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326))
            ORDER BY ST_Length(ST_Intersection(boundary, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326))) DESC LIMIT 1`,
          [plan.id, plan.revision, line],
        );
        if (!hit) throw refused('the line crosses no grid');
        key = hit.key;
      }
      await requireKeys(plan, [key], tx);
      const first = await plans.nextKey(plan.id, tx);
      const revision = await plans.beginEdit(plan, [key], tx);
      const made = await tx.query<{ key: number }>(SPLIT, [plan.id, plan.revision, revision, key, line, first]);
      if (made.length < 2) throw refused(`the line must cross grid ${key} from one edge to another`);
      const keys = made.map((m) => Number(m.key));
      await snapNeighbours(plan, revision, keys, tx);
      return keys;
    },

    async merge(plan: PlanRow, e: Extract<PlanEdit, { op: 'merge' }>, tx: Queryable): Promise<number[]> {
      const keys = [...new Set(e.keys)];
      if (keys.length < 2) throw refused('merge needs two or more grids');
      await requireKeys(plan, keys, tx);
      const key = await plans.nextKey(plan.id, tx);
      const revision = await plans.beginEdit(plan, keys, tx);
      const [made] = await tx.query<{ pieces: number }>(MERGE, [plan.id, plan.revision, revision, keys, key]);
      if (!made) throw refused(`grids ${keys.join(', ')} must all be valid to merge`);
      if (Number(made.pieces) > 1) throw refused(`grids ${keys.join(', ')} are not adjacent: their union has ${made.pieces} separate pieces`);
      return [key];
    },

    async add(plan: PlanRow, e: Extract<PlanEdit, { op: 'add' }>, tx: Queryable): Promise<number[]> {
      await requireValid(e.geometry, 'body.geometry', tx);
      const key = await plans.nextKey(plan.id, tx);
      const revision = await plans.beginEdit(plan, [], tx);
      const [made] = await tx.query<{ area_m2: number }>(ADD, [
        plan.id,
        plan.revision,
        revision,
        JSON.stringify(e.geometry),
        key,
        AREA_TOLERANCE_M2,
        WIDTH_TOLERANCE_M,
      ]);
      if (!made) throw refused('the drawn polygon covers no gap: it lies outside the community or on other grids');
      await snapNeighbours(plan, revision, [key], tx);
      return [key];
    },

    async delete(plan: PlanRow, e: Extract<PlanEdit, { op: 'delete' }>, tx: Queryable): Promise<number[]> {
      const absorbers = [...new Set(e.absorbers)].filter((k) => k !== e.key);
      if (!absorbers.length) throw refused("choose at least one neighbouring grid to absorb the deleted grid's area");
      await requireKeys(plan, [e.key, ...absorbers], tx);
      const revision = await plans.beginEdit(plan, [e.key, ...absorbers], tx);
      const rows = await tx.query<{ key: number; shared_m: number; written: boolean }>(DELETE, [plan.id, plan.revision, revision, e.key, absorbers]);
      const apart = absorbers.filter((k) => !rows.some((r) => Number(r.key) === k && Number(r.shared_m) > 0));
      if (apart.length) throw refused(`grid ${apart.join(', ')} shares no edge with grid ${e.key}, so cannot absorb it`);
      if (rows.some((r) => !r.written)) throw refused(`grid ${e.key} is invalid or could not be divided among ${absorbers.join(', ')}`);
      await snapNeighbours(plan, revision, absorbers, tx);
      return absorbers;
    },
  };

  return {
    /** Applies one edit as a new revision; returns the keys of the grids it made or changed. */
    async apply(plan: PlanRow, edit: PlanEdit, tx: Queryable): Promise<number[]> {
      switch (edit.op) {
        case 'reshape':
          return ops.reshape(plan, edit, tx);
        case 'split':
          return ops.split(plan, edit, tx);
        case 'merge':
          return ops.merge(plan, edit, tx);
        case 'add':
          return ops.add(plan, edit, tx);
        case 'delete':
          return ops.delete(plan, edit, tx);
      }
    },
  };
}

export type PlanEditRepository = ReturnType<typeof createPlanEditRepository>;
