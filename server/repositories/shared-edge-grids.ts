import type { MultiPolygon } from 'geojson';
import type { Queryable } from '../db/database.js';
import { simplifySharedEdges } from '../geometry/shared-edge-simplify.js';
import { createRevisionCache } from './revision-cache.js';
import { sqlFile } from './sql-file.js';

const GRID_SHAPES = sqlFile('grid-shapes-for-simplify.sql');

/**
 * Grid shapes simplified with shared edges (server/geometry/shared-edge-simplify.ts),
 * computed for the whole city once per tolerance and precision and kept until a
 * boundary changes. City-wide on purpose: the answer for a grid must not depend
 * on which region, bbox or page it came with, or neighbours fetched apart
 * would no longer fit. Each entry holds every grid's simplified coordinates;
 * few entries, since clients use a handful of levels.
 */
export function createSharedEdgeGrids(db: Queryable) {
  const cache = createRevisionCache<Map<string, MultiPolygon>>(db, 8);
  return function sharedEdgeGrids(tolerance: number, digits: number): Promise<Map<string, MultiPolygon>> {
    return cache(`${tolerance} ${digits}`, async () => {
      const rows = await db.query<{ code: string; geometry: string }>(GRID_SHAPES);
      const shapes = rows.map((r) => ({ id: r.code, coordinates: (JSON.parse(r.geometry) as MultiPolygon).coordinates }));
      const simplified = simplifySharedEdges(shapes, tolerance, digits);
      return new Map([...simplified].map(([code, coordinates]) => [code, { type: 'MultiPolygon', coordinates }]));
    });
  };
}

/**
 * Puts each feature's simplified shape in place of its geometry (null from
 * SQL when simplifying), keeping the members' order. A grid the cache lacks
 * (published away between the two reads) keeps a null geometry, which
 * RFC 7946 allows, rather than an unsimplified one that would not fit.
 */
export function withSharedEdgeShapes<F extends { id: string | number; geometry: unknown }>(features: F[], shapes: Map<string, MultiPolygon>): F[] {
  return features.map((f) => ({ ...f, geometry: shapes.get(String(f.id)) ?? null }));
}
