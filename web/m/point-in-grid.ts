import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';

/**
 * Is a point inside a grid? Decided on the phone from the cached boundary,
 * so "you are in 第5网格" works with no network. Even-odd ray casting over
 * every ring (holes count as outside), the rule @turf/boolean-point-in-polygon
 * uses; written here because turf is not among the project's dependencies and
 * this is all the app needs of it. A point exactly on an edge may go either way:
 * the server decides again on report.
 */
export function pointInPolygonal(point: Position, geometry: Polygon | MultiPolygon): boolean {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons.some((rings) => rings.reduce((inside, ring) => (crosses(point, ring) ? !inside : inside), false));
}

/** Odd crossings of a ray from the point to the east: the point is inside the ring. */
function crosses([x, y]: Position, ring: Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > y! !== yj > y! && x! < ((xj - xi) * (y! - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export type GridFeature = Feature<Polygon | MultiPolygon, { code?: string; name: string }> & { id?: string | number };

/** The grid among `grids` that holds the point, or null (outside every grid of mine). */
export function gridAt(point: Position, grids: readonly GridFeature[]): GridFeature | null {
  return grids.find((g) => g.geometry && pointInPolygonal(point, g.geometry)) ?? null;
}
