/**
 * Checks the nesting and numbers of an incoming GeoJSON polygonal geometry
 * before PostGIS sees it (PostGIS would refuse malformed coordinates with an
 * error, not a reason). Returns {valid, reason}; geometry validity itself
 * (rings, self-intersection) is PostGIS's to judge.
 */
export const SHAPE_REASON = {
  notPolygonal: 'not_polygon',
  badCoordinates: 'bad_coordinates',
} as const;

type ShapeResult = { valid: true } | { valid: false; reason: (typeof SHAPE_REASON)[keyof typeof SHAPE_REASON]; message: string };

const isPosition = (p: unknown) => Array.isArray(p) && p.length >= 2 && p.length <= 3 && p.every((n) => typeof n === 'number' && Number.isFinite(n))
  && (p[0] as number) >= -180 && (p[0] as number) <= 180 && (p[1] as number) >= -90 && (p[1] as number) <= 90;
const isRing = (r: unknown) => Array.isArray(r) && r.length >= 4 && r.every(isPosition);
const isPolygon = (c: unknown) => Array.isArray(c) && c.length >= 1 && c.every(isRing);

export function polygonalShape(geometry: unknown): ShapeResult {
  const g = geometry as { type?: unknown; coordinates?: unknown } | null;
  if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) {
    return { valid: false, reason: SHAPE_REASON.notPolygonal, message: `geometry must be a Polygon or MultiPolygon, not ${String((g as { type?: unknown } | null)?.type ?? 'missing')}` };
  }
  const ok = g.type === 'Polygon' ? isPolygon(g.coordinates) : Array.isArray(g.coordinates) && g.coordinates.length >= 1 && g.coordinates.every(isPolygon);
  return ok ? { valid: true }
    : { valid: false, reason: SHAPE_REASON.badCoordinates, message: 'coordinates must be rings of at least 4 [longitude, latitude] positions within -180..180, -90..90' };
}
