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
  // A loop, not Math.min(...): spreading hundreds of thousands of numbers (a city's grid vertices) overflows the stack.
  const box: Bbox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const b of boxes) {
    if (b[0]! < box[0]) box[0] = b[0]!;
    if (b[1]! < box[1]) box[1] = b[1]!;
    if (b[2]! > box[2]) box[2] = b[2]!;
    if (b[3]! > box[3]) box[3] = b[3]!;
  }
  return box;
}

/** The box around positions. */
export function bboxOfPositions(positions: readonly (readonly number[])[]): Bbox | undefined {
  return unionBbox(positions.map((p) => [p[0]!, p[1]!, p[0]!, p[1]!]));
}

/**
 * Room to keep free: pixels on every side, one padding, or alternatives of
 * which the one that shows the box largest is used (a legend in a corner:
 * the place beside it or above it, whichever leaves it bigger).
 */
export type FitRoom = number | FitPadding | readonly FitPadding[];

const paddingsOf = (room: FitRoom): readonly FitPadding[] =>
  typeof room === 'number' ? [{ top: room, right: room, bottom: room, left: room }] : 'top' in room ? [room] : room;

export function samePadding(a: FitPadding, b: FitPadding): boolean {
  return a.top === b.top && a.right === b.right && a.bottom === b.bottom && a.left === b.left;
}

export function sameRoom(a: FitRoom, b: FitRoom): boolean {
  const pa = paddingsOf(a);
  const pb = paddingsOf(b);
  return pa.length === pb.length && pa.every((p, i) => samePadding(p, pb[i]!));
}

/**
 * Shows `bbox` whole inside the room kept free, at once (no animation); of
 * alternative paddings, the one at which it is largest. A container too
 * small to hold any of them (hidden, or collapsing) is left alone: returns
 * false, and the caller fits again on the next resize.
 */
export function fitBbox(map: MapLibreMap, bbox: Bbox, room: FitRoom): boolean {
  const c = map.getContainer();
  const fitting = paddingsOf(room).filter((p) => c.clientWidth > p.left + p.right + 20 && c.clientHeight > p.top + p.bottom + 20);
  if (!fitting.length) return false;
  const zoomAt = (padding: FitPadding) => map.cameraForBounds(bbox, { padding })?.zoom ?? Number.NEGATIVE_INFINITY;
  const best = fitting.reduce((a, b) => (zoomAt(b) > zoomAt(a) ? b : a));
  map.fitBounds(bbox, { padding: best, animate: false });
  return true;
}

/** Metres per CSS pixel at the map's centre (Web Mercator, MapLibre's 512-pixel world at zoom 0): for scale bars. */
export function metresPerPixel(map: MapLibreMap): number {
  const lat = map.getCenter().lat;
  return (40_075_016.686 * Math.cos((lat * Math.PI) / 180)) / (512 * 2 ** map.getZoom());
}
