/**
 * Collision-aware placement of map labels: greedy, by priority. Each label
 * is tried at its anchor, then nudged above, below, right and left of it by
 * its own size; the first spot that overlaps no label placed before it (and
 * lies inside the view) wins, and a label with no free spot is left out.
 * Pure: screen boxes in, chosen offsets out, so it is tested without a map.
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

const NUDGES: [number, number][] = [[0, 0], [0, -1], [0, 1], [0.6, 0], [-0.6, 0]];

/** Candidates in priority order (most important first); `view` is the map's size. */
export function placeLabels<T>(candidates: readonly LabelCandidate<T>[], view: { width: number; height: number }): PlacedLabel<T>[] {
  const placed: PlacedLabel<T>[] = [];
  for (const c of candidates) {
    for (const [fx, fy] of NUDGES) {
      const dx = fx * c.width;
      const dy = fy * c.height;
      const box = { x: c.x + dx - c.width / 2, y: c.y + dy - c.height / 2, width: c.width, height: c.height };
      if (box.x < 0 || box.y < 0 || box.x + box.width > view.width || box.y + box.height > view.height) continue;
      if (placed.some((p) => intersects(p.box, box))) continue;
      placed.push({ item: c.item, offset: [dx, dy], box });
      break;
    }
  }
  return placed;
}

export function intersects(a: PlacedLabel<unknown>['box'], b: PlacedLabel<unknown>['box']): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
