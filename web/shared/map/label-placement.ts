import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { Position } from 'geojson';

/**
 * Collision-aware placement of map labels: greedy, in the order given (most
 * important first). Each label is tried at its anchor, then (with `nudge`)
 * above, below, right and left of it by its own size; the first spot that
 * lies inside the view and keeps `margin` pixels clear of every label placed
 * before it wins, and a label with no free spot is left out. Pure: screen
 * boxes in, chosen offsets out, so it is tested without a map. Run again
 * whenever the camera settles, so zooming in brings back names that had no room.
 * A label may be given the screen polygon it must stay over (its shape's
 * largest piece): a nudged spot whose centre leaves it is not taken, so a name
 * moved out of a crowd still names the shape under it.
 */
export interface LabelCandidate<T> {
  item: T;
  /** Anchor on screen, CSS pixels: the label is centred on it. */
  x: number;
  y: number;
  width: number;
  height: number;
  /**
   * Rings (screen pixels, the first outer, the rest holes) that a nudged
   * label's centre must stay inside; none = anywhere in the view.
   */
  within?: readonly (readonly [number, number][])[];
}

/** A box on screen: left, top, width and height in CSS pixels. */
export interface ScreenBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedLabel<T> {
  item: T;
  /** Pixel offset from the anchor to the label's centre. */
  offset: [number, number];
  /** The label's box on screen. */
  box: ScreenBox;
}

export interface PlacementOptions {
  /** Try spots beside the anchor when the anchor is taken (default true). */
  nudge?: boolean;
  /** Gap kept between two labels, CSS pixels, so their outlines do not touch either (default 0). */
  margin?: number;
  /** Spots tried after the anchor, as fractions of the label's width and height (default: above, below, right, left). */
  spots?: readonly [number, number][];
  /**
   * When some are left out, a second round lets them choose first, and is
   * kept if it places more: a small shape hemmed in by a bigger neighbour's
   * name gets its only spot, and the bigger name moves within its own shape.
   */
  secondRound?: boolean;
  /** A box no label may overlap: a legend drawn over the map (CSS pixels, like the view). */
  avoid?: ScreenBox;
}

const NUDGES: [number, number][] = [
  [0, 0],
  [0, -1],
  [0, 1],
  [0.6, 0],
  [-0.6, 0],
];

/** Candidates in priority order (most important first); `view` is the map's size. */
export function placeLabels<T>(
  candidates: readonly LabelCandidate<T>[],
  view: { width: number; height: number },
  options: PlacementOptions = {},
): PlacedLabel<T>[] {
  const placed = placeInOrder(candidates, view, options);
  if (!options.secondRound || placed.length === candidates.length) return placed;
  const leftOut = candidates.filter((c) => !placed.some((p) => p.item === c.item));
  const again = placeInOrder([...leftOut, ...candidates.filter((c) => !leftOut.includes(c))], view, options);
  return again.length > placed.length ? again : placed;
}

function placeInOrder<T>(candidates: readonly LabelCandidate<T>[], view: { width: number; height: number }, options: PlacementOptions): PlacedLabel<T>[] {
  const nudges = options.nudge === false ? NUDGES.slice(0, 1) : options.spots ? [NUDGES[0]!, ...options.spots] : NUDGES;
  const m = options.margin ?? 0;
  const placed: PlacedLabel<T>[] = [];
  for (const c of candidates) {
    for (const [fx, fy] of nudges) {
      const dx = fx * c.width;
      const dy = fy * c.height;
      // The anchor itself is inside its shape by construction (the server's label point).
      if ((dx !== 0 || dy !== 0) && c.within && !insideRings([c.x + dx, c.y + dy], c.within)) continue;
      const box = { x: c.x + dx - c.width / 2, y: c.y + dy - c.height / 2, width: c.width, height: c.height };
      if (box.x < 0 || box.y < 0 || box.x + box.width > view.width || box.y + box.height > view.height) continue;
      if (options.avoid && intersects(options.avoid, box)) continue;
      const grown = { x: box.x - m, y: box.y - m, width: box.width + 2 * m, height: box.height + 2 * m };
      if (placed.some((p) => intersects(p.box, grown))) continue;
      placed.push({ item: c.item, offset: [dx, dy], box });
      break;
    }
  }
  return placed;
}

/**
 * Whether a screen point lies over a polygon given as rings (the first outer,
 * the rest holes; closed, as GeoJSON's are): Turf's test, the browser's one
 * point-in-polygon (web/m/point-in-grid.ts). A point in a hole is outside, one
 * on an edge inside. Turf only reads the rings: the cast drops `readonly`.
 */
export function insideRings([x, y]: readonly [number, number], rings: readonly (readonly [number, number][])[]): boolean {
  return booleanPointInPolygon([x, y], { type: 'Polygon', coordinates: rings as unknown as Position[][] });
}

/**
 * The piece of a (multi)polygon with the largest area (outer ring less its
 * holes, planar: for choosing, not measuring): a district with an exclave is
 * named on its main part.
 */
export function largestPiece<P extends readonly (readonly [number, number][])[]>(pieces: readonly P[]): P | undefined {
  let best: P | undefined;
  let bestArea = -1;
  for (const rings of pieces) {
    const area = rings.reduce((sum, ring, i) => sum + (i === 0 ? 1 : -1) * Math.abs(ringArea(ring)), 0);
    if (area > bestArea) [best, bestArea] = [rings, area];
  }
  return best;
}

function ringArea(ring: readonly [number, number][]): number {
  let twice = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) twice += (ring[j]![0] - ring[i]![0]) * (ring[j]![1] + ring[i]![1]);
  return twice / 2;
}

export function intersects(a: ScreenBox, b: ScreenBox): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Widths of label texts as deck.gl's text layer draws them: the same font and weight, measured by the browser. */
export function textMeasurer(font: string, weight = 700): (text: string, size: number) => number {
  const ctx = document.createElement('canvas').getContext('2d')!;
  return (text, size) => {
    ctx.font = `${weight} ${size}px ${font}`;
    return ctx.measureText(text).width;
  };
}
