import { bbox, distance, pointToPolygonDistance } from '@turf/turf';
import type { Position } from 'geojson';
import type { GridFeature } from './point-in-grid.js';

/**
 * Metres from the point to the nearest of my grids (0 inside one): how far a
 * worker who is outside their grid has to walk back, said on the home screen
 * and framing the home map (field-map.ts). Loaded with the map, after the
 * first paint: Turf's distance to a polygon would add 3 kB gzip to the first
 * screen's script.
 */
export function metresToGrids(point: Position, grids: readonly GridFeature[]): number {
  const away = grids.filter((g) => g.geometry).map((g) => pointToPolygonDistance(point, g.geometry, { units: 'meters' }));
  return away.length ? Math.max(0, Math.min(...away)) : Number.POSITIVE_INFINITY;
}

/** Metres across my grids' bounding box (corner to corner): a ~200 m city grid's, a village's few kilometres. */
export function gridsSpanMetres(grids: readonly GridFeature[]): number {
  if (!grids.length) return 0;
  const [west, south, east, north] = bbox({ type: 'FeatureCollection', features: [...grids] });
  return distance([west, south], [east, north], { units: 'meters' });
}
