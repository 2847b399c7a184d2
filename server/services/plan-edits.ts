import type { Queryable } from '../db/database.js';
import { AREA_TOLERANCE_M2, WIDTH_TOLERANCE_M } from '../contract/grid-plan-reasons.js';
import { moveVertex, type PolygonalGeometry, type Position } from '../contract/vertex-move.js';
import { geometryEngineRefusal, validityOf } from '../plans/geometry-validity.js';
import type { GridPlanRepository, PlanRow } from '../repositories/grid-plan-repository.js';
import type { EditRevisions, PlanEditRepository } from '../repositories/plan-edit-repository.js';
import { DomainError } from './domain-error.js';

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

type Op<K extends PlanEdit['op']> = Extract<PlanEdit, { op: K }>;

const refused = (message: string) => new DomainError('edit_rejected', message);

/**
 * Applies one editor operation to a draft as a new revision, in the caller's
 * transaction (the plan locked by it), and returns the keys of the grids it
 * made or changed. PostGIS computes every shape (plan-edit-repository.ts);
 * this decides what an edit may do: the grids it names must exist, a drawn
 * polygon must be valid, and each refusal says why. A refusal throws, so
 * nothing of a refused edit stays.
 */
export async function applyPlanEdit(
  repos: { plans: GridPlanRepository; planEdits: PlanEditRepository },
  plan: PlanRow,
  edit: PlanEdit,
  tx: Queryable,
): Promise<number[]> {
  const { plans, planEdits: edits } = repos;

  const requireKeys = async (keys: readonly number[]) => {
    const present = new Set((await plans.keys(plan.id, plan.revision, tx)).map((k) => k.key));
    const missing = keys.filter((k) => !present.has(k));
    if (missing.length) throw refused(`no grid with key ${missing.join(', ')} in revision ${plan.revision} of plan ${plan.id}`);
  };
  // A drawn polygon must be valid (GEOS) before it becomes a grid: 422 invalid_geometry naming why and where.
  const requireValid = async (geometry: PolygonalGeometry) => {
    const [invalid] = await validityOf(tx, [geometry]);
    if (invalid) throw new DomainError('invalid_geometry', `body.geometry: ${invalid.message}`);
  };
  const begin = async (replaced: readonly number[]): Promise<EditRevisions> => ({
    planId: plan.id,
    from: plan.revision,
    to: await plans.beginEdit(plan, replaced, tx),
  });
  const snap = (r: EditRevisions, keys: readonly number[]) => edits.snapNeighbours(plan.id, r.to, keys, NEIGHBOUR_SNAP_DEGREES, tx);

  const ops = {
    async reshape(e: Op<'reshape'>): Promise<number[]> {
      await requireValid(e.geometry);
      await requireKeys([e.key]);
      const r = await begin([e.key]);
      // A dragged corner that neighbours share moves in all of them.
      if (e.moved?.length) {
        for (const o of await edits.otherGrids(plan.id, r.to, e.key, tx)) {
          let geometry = JSON.parse(o.geojson) as PolygonalGeometry;
          let changed = false;
          for (const m of e.moved) {
            const moved = moveVertex(geometry, m.from, m.to);
            geometry = moved.geometry;
            changed ||= moved.moved;
          }
          if (changed) await edits.setBoundary(plan.id, r.to, o.key, JSON.stringify(geometry), tx);
        }
      }
      // PGlite can lose a GEOS error and return no row: never answer 200 with the grid gone.
      if ((await edits.reshape(r, e.key, JSON.stringify(e.geometry), SNAP_DEGREES, tx)) === 0) throw geometryEngineRefusal('body.geometry');
      await snap(r, [e.key]);
      return [e.key];
    },

    async split(e: Op<'split'>): Promise<number[]> {
      const line = JSON.stringify(e.line);
      const key = e.key ?? (await edits.gridAlongLine(plan.id, plan.revision, line, tx));
      if (key === null) throw refused('the line crosses no grid');
      await requireKeys([key]);
      const first = await plans.nextKey(plan.id, tx);
      const r = await begin([key]);
      const keys = await edits.split(r, key, line, first, tx);
      if (keys.length < 2) throw refused(`the line must cross grid ${key} from one edge to another`);
      await snap(r, keys);
      return keys;
    },

    async merge(e: Op<'merge'>): Promise<number[]> {
      const keys = [...new Set(e.keys)];
      if (keys.length < 2) throw refused('merge needs two or more grids');
      await requireKeys(keys);
      const key = await plans.nextKey(plan.id, tx);
      const pieces = await edits.merge(await begin(keys), keys, key, tx);
      if (pieces === null) throw refused(`grids ${keys.join(', ')} must all be valid to merge`);
      if (pieces > 1) throw refused(`grids ${keys.join(', ')} are not adjacent: their union has ${pieces} separate pieces`);
      return [key];
    },

    async add(e: Op<'add'>): Promise<number[]> {
      await requireValid(e.geometry);
      const key = await plans.nextKey(plan.id, tx);
      const r = await begin([]);
      if (!(await edits.add(r, JSON.stringify(e.geometry), key, AREA_TOLERANCE_M2, WIDTH_TOLERANCE_M, tx)))
        throw refused('the drawn polygon covers no gap: it lies outside the community or on other grids');
      await snap(r, [key]);
      return [key];
    },

    async delete(e: Op<'delete'>): Promise<number[]> {
      const absorbers = [...new Set(e.absorbers)].filter((k) => k !== e.key);
      if (!absorbers.length) throw refused("choose at least one neighbouring grid to absorb the deleted grid's area");
      await requireKeys([e.key, ...absorbers]);
      const r = await begin([e.key, ...absorbers]);
      const rows = await edits.remove(r, e.key, absorbers, tx);
      const apart = absorbers.filter((k) => !rows.some((row) => row.key === k && row.shared_m > 0));
      if (apart.length) throw refused(`grid ${apart.join(', ')} shares no edge with grid ${e.key}, so cannot absorb it`);
      if (rows.some((row) => !row.written)) throw refused(`grid ${e.key} is invalid or could not be divided among ${absorbers.join(', ')}`);
      await snap(r, absorbers);
      return absorbers;
    },
  };

  switch (edit.op) {
    case 'reshape':
      return ops.reshape(edit);
    case 'split':
      return ops.split(edit);
    case 'merge':
      return ops.merge(edit);
    case 'add':
      return ops.add(edit);
    case 'delete':
      return ops.delete(edit);
  }
}
