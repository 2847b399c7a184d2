/**
 * Collision-aware placement of map labels: greedy, in the order given (most
 * important first). Each label is tried at its anchor, then (with `nudge`)
 * above, below, right and left of it by its own size; the first spot that
 * lies inside the view and keeps `margin` pixels clear of every label placed
 * before it wins, and a label with no free spot is left out. Pure: screen
 * boxes in, chosen offsets out, so it is tested without a map. Run again
 * whenever the camera settles, so zooming in brings back names that had no room.
 */
export interface LabelCandidate<T> {
  item: T;
  /** Anchor on screen, CSS pixels: the label is centred on it. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedLabel<T> {
  item: T;
  /** Pixel offset from the anchor to the label's centre. */
  offset: [number, number];
  /** The label's box on screen (left, top, width, height), CSS pixels. */
  box: { x: number; y: number; width: number; height: number };
}

export interface PlacementOptions {
  /** Try spots beside the anchor when the anchor is taken (default true). */
  nudge?: boolean;
  /** Gap kept between two labels, CSS pixels, so their outlines do not touch either (default 0). */
  margin?: number;
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
  const nudges = options.nudge === false ? NUDGES.slice(0, 1) : NUDGES;
  const m = options.margin ?? 0;
  const placed: PlacedLabel<T>[] = [];
  for (const c of candidates) {
    for (const [fx, fy] of nudges) {
      const dx = fx * c.width;
      const dy = fy * c.height;
      const box = { x: c.x + dx - c.width / 2, y: c.y + dy - c.height / 2, width: c.width, height: c.height };
      if (box.x < 0 || box.y < 0 || box.x + box.width > view.width || box.y + box.height > view.height) continue;
      const grown = { x: box.x - m, y: box.y - m, width: box.width + 2 * m, height: box.height + 2 * m };
      if (placed.some((p) => intersects(p.box, grown))) continue;
      placed.push({ item: c.item, offset: [dx, dy], box });
      break;
    }
  }
  return placed;
}

export function intersects(a: PlacedLabel<unknown>['box'], b: PlacedLabel<unknown>['box']): boolean {
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
