/**
 * Moving a vertex shared by neighbouring grids: when the planner drags a
 * corner that two grids share, the same corner moves in both, so the shared
 * edge stays shared. Pure: GeoJSON in, GeoJSON out.
 */
export type Position = [number, number];
export type PolygonalGeometry = { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] };

/** About 0.1 m: the precision coordinates travel at (6 decimals). */
export const SAME_VERTEX_DEGREES = 1.5e-6;

const near = (a: Position, b: Position, tolerance: number) => Math.abs(a[0] - b[0]) <= tolerance && Math.abs(a[1] - b[1]) <= tolerance;

/** Every vertex within `tolerance` of `from` moved to `to`; `moved` says whether any was. */
export function moveVertex(
  geometry: PolygonalGeometry,
  from: Position,
  to: Position,
  tolerance = SAME_VERTEX_DEGREES,
): { geometry: PolygonalGeometry; moved: boolean } {
  let moved = false;
  const ring = (r: Position[]) =>
    r.map((p) => {
      if (!near(p, from, tolerance)) return p;
      moved = true;
      return [to[0], to[1]] as Position;
    });
  const out: PolygonalGeometry =
    geometry.type === 'Polygon'
      ? { type: 'Polygon', coordinates: geometry.coordinates.map(ring) }
      : { type: 'MultiPolygon', coordinates: geometry.coordinates.map((poly) => poly.map(ring)) };
  return { geometry: out, moved };
}

/**
 * The vertices that moved between two versions of one ring, as terra-draw
 * reports a drag: same length, a few positions differ. Inserted midpoints
 * change the length and are not moves.
 */
export function movedVertices(before: Position[], after: Position[], tolerance = SAME_VERTEX_DEGREES): { from: Position; to: Position }[] {
  if (before.length !== after.length) return [];
  const moves: { from: Position; to: Position }[] = [];
  before.forEach((p, i) => {
    const q = after[i]!;
    // The closing vertex repeats the first; report it once.
    if (i === before.length - 1 && near(before[0]!, p, 0)) return;
    if (!near(p, q, tolerance)) moves.push({ from: p, to: q });
  });
  return moves;
}
