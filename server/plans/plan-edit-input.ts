import { DomainError } from '../services/domain-error.js';
import type { PlanEdit } from '../services/plan-edits.js';
import { lineShape, polygonalShape, positionShape, SHAPE_REASON, type GeometryLimits, type ShapeResult } from './geojson-shape.js';

/** The body of POST /api/plans/:id/edits as the schema lets it through: positions may still carry a height or lie out of range. */
export type PlanEditInput =
  | { op: 'reshape'; key: number; geometry: unknown; moved?: { from: unknown; to: unknown }[] }
  | { op: 'split'; key?: number; line: unknown }
  | { op: 'merge'; keys: number[] }
  | { op: 'add'; geometry: unknown }
  | { op: 'delete'; key: number; absorbers: number[] };

/** A size limit is 422 geometry_too_large; anything else about the shape 422 invalid_geometry. */
function accepted<G>(result: ShapeResult<G>): G {
  if (result.valid) return result.geometry;
  const tooLarge = result.reason === SHAPE_REASON.tooManyVertices || result.reason === SHAPE_REASON.tooManyRings;
  throw new DomainError(tooLarge ? 'geometry_too_large' : 'invalid_geometry', result.message);
}

/**
 * Checks an edit's geometry before any SQL (geojson-shape.ts: type, size,
 * positions, closed rings, extent) and returns it in two dimensions. GEOS
 * validity (a ring crossing itself) is checked in SQL by the edit itself.
 */
export function checkedEdit(edit: PlanEditInput, limits: GeometryLimits): PlanEdit {
  switch (edit.op) {
    case 'reshape':
      return {
        op: 'reshape',
        key: edit.key,
        geometry: accepted(polygonalShape(edit.geometry, limits, 'body.geometry')),
        ...(edit.moved
          ? {
              moved: edit.moved.map((m, i) => ({
                from: accepted(positionShape(m.from, `body.moved.${i}.from`)),
                to: accepted(positionShape(m.to, `body.moved.${i}.to`)),
              })),
            }
          : {}),
      };
    case 'add':
      return { op: 'add', geometry: accepted(polygonalShape(edit.geometry, limits, 'body.geometry')) };
    case 'split':
      return { op: 'split', ...(edit.key === undefined ? {} : { key: edit.key }), line: accepted(lineShape(edit.line, limits, 'body.line')) };
    default:
      return edit;
  }
}
