/**
 * Which names fit on the map without touching each other: a greedy pass in
 * screen space, larger places first (their names matter more and they have
 * the room), each name kept only if its box clears every name kept before
 * and lies inside the map. Run again whenever the camera settles, so zooming
 * in brings back names that had no room.
 */
export interface LabelCandidate {
  code: string;
  /** Centre of the text, in CSS pixels from the map's top left. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Higher goes first (the place's area on screen, say). */
  priority: number;
}

export interface LabelBox { code: string; left: number; top: number; right: number; bottom: number }

/** Gap kept between two names, in pixels, so their outlines do not touch either. */
const MARGIN = 4;

export function placeLabels(candidates: readonly LabelCandidate[], view: { width: number; height: number }): LabelBox[] {
  const kept: LabelBox[] = [];
  const order = [...candidates].sort((a, b) => b.priority - a.priority || a.code.localeCompare(b.code));
  for (const c of order) {
    const box = { code: c.code, left: c.x - c.width / 2, top: c.y - c.height / 2, right: c.x + c.width / 2, bottom: c.y + c.height / 2 };
    if (box.left < 0 || box.top < 0 || box.right > view.width || box.bottom > view.height) continue;
    const clashes = kept.some((k) => box.left < k.right + MARGIN && k.left < box.right + MARGIN && box.top < k.bottom + MARGIN && k.top < box.bottom + MARGIN);
    if (!clashes) kept.push(box);
  }
  return kept;
}
