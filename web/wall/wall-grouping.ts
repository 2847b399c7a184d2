import { WALL_MIN_GRID_PIXELS, type WallMetric } from '../../server/contract/wall-options.js';
import { CODE_LENGTH } from '../../server/contract/vocabulary.js';
import type { GridTileSource } from '../shared/map/grid-tiles.js';
import type { GridMetrics, GridMetricTuple } from './api-types.js';
import { gridTuple, metricValue } from './metric-scale.js';

/** The one figure of a grid's tuple that is not a count: its highest open urgency (a community takes the highest). */
const URGENCY = 4;

/** What the wall's map colours: each grid, or each community (its grids' figures added up). */
export type WallGrouping = 'grid' | 'community';

/**
 * The mean grid's side in CSS pixels when `bbox` is shown at `zoom` (512-px
 * tiles, as MapLibre): the box's area on screen shared by its grids. The box
 * is larger than the grids' union, so this errs towards drawing grids.
 */
export function meanGridPixels(bbox: readonly number[], grids: number, zoom: number): number {
  const [w, s, e, n] = bbox as [number, number, number, number];
  const world = 512 * 2 ** zoom;
  const y = (lat: number) => {
    const r = (Math.max(-85, Math.min(85, lat)) * Math.PI) / 180;
    return ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * world;
  };
  const area = ((e - w) / 360) * world * (y(s) - y(n));
  return grids > 0 ? Math.sqrt(Math.max(0, area) / grids) : Infinity;
}

/**
 * What a region is coloured by: polygons (no tiles) always by grid; tiles by
 * what the URL asked for, else by community where its mean grid would be drawn
 * under `minPixels` (the side of a square of its mean area, CSS pixels; the
 * server's setting) at the zoom it is shown at. The mean is the region's:
 * a tour's district is judged by its zoom, as if its grids were the region's
 * average size.
 */
export function groupingFor(
  tiled: GridTileSource | undefined,
  asked: WallGrouping | undefined,
  zoom: number | undefined,
  minPixels = WALL_MIN_GRID_PIXELS,
): WallGrouping {
  if (!tiled) return 'grid';
  if (asked) return asked;
  if (!tiled.bbox || zoom === undefined) return 'grid';
  return meanGridPixels(tiled.bbox, tiled.grids, zoom) < minPixels ? 'community' : 'grid';
}

/** The tiles a grouping draws: the grids' own, or the same region's communities. */
export function tileSourceFor(tiled: GridTileSource, grouping: WallGrouping): GridTileSource {
  return grouping === 'community' ? { ...tiled, ...tiled.communities } : tiled;
}

/**
 * Every community's value under a metric, keyed by its code as a number (the
 * community tiles' feature id): its grids' counts and population added up,
 * the highest open urgency among them, then the metric of those sums (a rate
 * of sums, not a mean of rates).
 */
export function communityValues(metric: WallMetric, metrics: GridMetrics): Map<number, number | null> {
  const sums = new Map<string, GridMetricTuple>();
  for (let i = 0; i < metrics.codes.length; i++) {
    const community = metrics.codes[i]!.slice(0, CODE_LENGTH.community);
    const grid = gridTuple(metrics, i);
    const t = sums.get(community);
    if (!t) sums.set(community, grid);
    else for (let k = 0; k < t.length; k++) t[k] = k === URGENCY ? Math.max(t[k]!, grid[k]!) : t[k]! + grid[k]!;
  }
  const values = new Map<number, number | null>();
  for (const [community, tuple] of sums) values.set(Number(community), metricValue(metric, tuple));
  return values;
}
