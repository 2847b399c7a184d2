import type { MultiPolygon } from 'geojson';
import type { Queryable } from '../db/database.js';
import { simplifySharedEdges } from '../geometry/shared-edge-simplify.js';
import { createRevisionCache } from './revision-cache.js';
import { sqlFile } from './sql-file.js';

const LAYER_SHAPES = sqlFile('shapes-for-simplify.sql');

/** Shapes that tile the city: grids, or the regions of one level. */
export type SharedEdgeLayer = 'grid' | 'district' | 'street' | 'community';

/**
 * Shapes simplified with shared edges (server/geometry/shared-edge-simplify.ts),
 * computed for a whole layer of the city once per tolerance and precision and
 * kept until a boundary changes. City-wide on purpose: a shape's answer must
 * not depend on which region, bbox or page it came with, or neighbours
 * fetched apart would no longer fit. Few entries: clients use a handful of levels.
 */
export function createSharedEdgeShapes(db: Queryable) {
  const cache = createRevisionCache<Map<string, MultiPolygon>>(db, 12);
  return function sharedEdgeShapes(layer: SharedEdgeLayer, tolerance: number, digits: number): Promise<Map<string, MultiPolygon>> {
    return cache(`${layer} ${tolerance} ${digits}`, async () => {
      const rows = await db.query<{ code: string; geometry: string }>(LAYER_SHAPES, [layer]);
      const shapes = rows.map((r) => ({ id: r.code, coordinates: (JSON.parse(r.geometry) as MultiPolygon).coordinates }));
      const simplified = simplifySharedEdges(shapes, tolerance, digits);
      return new Map([...simplified].map(([code, coordinates]) => [code, { type: 'MultiPolygon', coordinates }]));
    });
  };
}

/**
 * Puts each feature's simplified shape in place of its geometry (null from
 * SQL when simplifying), keeping the members' order. A shape the cache lacks
 * (published away between the two reads) keeps a null geometry, which
 * RFC 7946 allows, rather than an unsimplified one that would not fit.
 */
export function withSharedEdgeShapes<F extends { id: string | number; geometry: unknown }>(features: F[], shapes: Map<string, MultiPolygon>): F[] {
  return features.map((f) => ({ ...f, geometry: shapes.get(String(f.id)) ?? null }));
}
