import type { Map as MapLibreMap } from 'maplibre-gl';

/** [west, south, east, north], degrees. */
export type Bbox = [number, number, number, number];
/** Room kept free around a fitted place, CSS pixels (a legend, a panel over the map). */
export interface FitPadding {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** The box around boxes (features with a `bbox`, as our GeoJSON answers carry); undefined for none. */
export function unionBbox(boxes: readonly (readonly number[])[]): Bbox | undefined {
  if (!boxes.length) return undefined;
  return [
    Math.min(...boxes.map((b) => b[0]!)),
    Math.min(...boxes.map((b) => b[1]!)),
    Math.max(...boxes.map((b) => b[2]!)),
    Math.max(...boxes.map((b) => b[3]!)),
  ];
}

/** The box around positions. */
export function bboxOfPositions(positions: readonly (readonly number[])[]): Bbox | undefined {
  return unionBbox(positions.map((p) => [p[0]!, p[1]!, p[0]!, p[1]!]));
}

export function samePadding(a: FitPadding, b: FitPadding): boolean {
  return a.top === b.top && a.right === b.right && a.bottom === b.bottom && a.left === b.left;
}

/**
 * Shows `bbox` whole inside the padding, at once (no animation). A container
 * too small to hold the padding (hidden, or collapsing) is left alone:
 * returns false, and the caller fits again on the next resize.
 */
export function fitBbox(map: MapLibreMap, bbox: Bbox, padding: number | FitPadding): boolean {
  const p = typeof padding === 'number' ? { top: padding, right: padding, bottom: padding, left: padding } : padding;
  const c = map.getContainer();
  if (c.clientWidth <= p.left + p.right + 20 || c.clientHeight <= p.top + p.bottom + 20) return false;
  map.fitBounds(bbox, { padding: p, animate: false });
  return true;
}

/** Metres per CSS pixel at the map's centre (Web Mercator, MapLibre's 512-pixel world at zoom 0): for scale bars. */
export function metresPerPixel(map: MapLibreMap): number {
  const lat = map.getCenter().lat;
  return (40_075_016.686 * Math.cos((lat * Math.PI) / 180)) / (512 * 2 ** map.getZoom());
}
