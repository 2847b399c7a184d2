import { booleanPointInPolygon, distance } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';

/**
 * Is a point inside a grid? Decided on the phone from the cached boundary,
 * so "you are in 第5网格" works with no network, with Turf (the browser's
 * geometry library; holes count as outside, a point on an edge as inside).
 * The server decides again on report: PostGIS stays the authority.
 */
export function pointInPolygonal(point: Position, geometry: Polygon | MultiPolygon): boolean {
  return booleanPointInPolygon(point, geometry);
}

export type GridFeature = Feature<Polygon | MultiPolygon, { code?: string; name: string; name_en?: string | null }> & { id?: string | number };

/** The grid among `grids` that holds the point, or null (outside every grid of mine). */
export function gridAt(point: Position, grids: readonly GridFeature[]): GridFeature | null {
  return grids.find((g) => g.geometry && pointInPolygonal(point, g.geometry)) ?? null;
}

/** Metres between two points on the Earth (Turf's great-circle distance): how far a task is from the phone. */
export function metresBetween(a: Position, b: Position): number {
  return distance(a, b, { units: 'meters' });
}
