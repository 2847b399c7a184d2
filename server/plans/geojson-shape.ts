/**
 * Checks an incoming GeoJSON geometry before PostGIS sees it: its type and
 * nesting, its size against the configured limits, every position (numbers,
 * within -180..180 / -90..90), every ring (at least 4 positions, closed) and
 * its extent. What passes is the same on both backends and cannot make
 * PostGIS throw on parsing; validity in GEOS's sense (self-intersection,
 * holes outside shells) is judged in SQL afterwards (geometry-validity.ts).
 * Returns {valid, reason, message}; a valid result carries the geometry in
 * two dimensions (a height, allowed by RFC 7946, is dropped).
 */
import type { PolygonalGeometry, Position } from '../contract/vertex-move.js';

export const SHAPE_REASON = {
  notPolygonal: 'not_polygon',
  notLine: 'not_line',
  empty: 'empty_geometry',
  badCoordinates: 'bad_coordinates',
  outOfRange: 'coordinate_out_of_range',
  tooFewPositions: 'too_few_positions',
  unclosedRing: 'unclosed_ring',
  tooLarge: 'too_large',
  tooManyVertices: 'too_many_vertices',
  tooManyRings: 'too_many_rings',
} as const;
export type ShapeReason = (typeof SHAPE_REASON)[keyof typeof SHAPE_REASON];

/** Size limits of one feature's geometry (config GRIDSCOPE_GEOMETRY_MAX_*). */
export interface GeometryLimits {
  /** Positions over all rings of a feature. */
  maxVertices: number;
  /** Rings (outer and holes) over all parts of a feature. */
  maxRings: number;
}
export const DEFAULT_GEOMETRY_LIMITS: GeometryLimits = { maxVertices: 10_000, maxRings: 100 };

/** Every size limit on incoming geometry: per feature, and per grid import request. */
export interface GeometryInputLimits extends GeometryLimits {
  /** Features in one import (GRIDSCOPE_IMPORT_MAX_FEATURES). */
  importMaxFeatures: number;
  /** Bytes of one import body (GRIDSCOPE_IMPORT_MAX_BYTES). */
  importMaxBytes: number;
}
/** A district of a few hundred grids of a few thousand vertices each fits: about 25 MB of GeoJSON. */
export const DEFAULT_INPUT_LIMITS: GeometryInputLimits = { ...DEFAULT_GEOMETRY_LIMITS, importMaxFeatures: 5000, importMaxBytes: 32 * 1024 * 1024 };

/**
 * The most a grid (or a line cutting one) may span, in degrees of longitude
 * or latitude. A rural grid in the west of the country spans well under a
 * degree; anything near 180° is a whole-world box, an edge between
 * antipodes (PostGIS's geography functions refuse those) or a polygon
 * crossing the antimeridian, which RFC 7946 §3.1.9 says must be cut there.
 */
export const MAX_SPAN_DEGREES = 10;

export type { Position, PolygonalGeometry };
export type LineGeometry = { type: 'LineString'; coordinates: Position[] };

export type ShapeResult<G> = { valid: true; geometry: G } | { valid: false; reason: ShapeReason; message: string };

/** Thrown inside the walk to stop at the first problem. */
class Refused extends Error {
  constructor(
    readonly reason: ShapeReason,
    message: string,
  ) {
    super(message);
  }
}

interface Extent {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

function position(p: unknown, path: string, extent: Extent): Position {
  if (!Array.isArray(p) || p.length < 2 || p.length > 3 || !p.every((n) => typeof n === 'number' && Number.isFinite(n))) {
    throw new Refused(SHAPE_REASON.badCoordinates, `${path}: a position must be [longitude, latitude] or [longitude, latitude, height] in finite numbers`);
  }
  const [x, y] = p as [number, number];
  if (x < -180 || x > 180) throw new Refused(SHAPE_REASON.outOfRange, `${path}: longitude ${x} is outside -180..180`);
  if (y < -90 || y > 90) throw new Refused(SHAPE_REASON.outOfRange, `${path}: latitude ${y} is outside -90..90`);
  extent.x0 = Math.min(extent.x0, x);
  extent.x1 = Math.max(extent.x1, x);
  extent.y0 = Math.min(extent.y0, y);
  extent.y1 = Math.max(extent.y1, y);
  return p.length === 2 ? (p as Position) : [x, y];
}

function ring(r: unknown, path: string, extent: Extent): Position[] {
  if (!Array.isArray(r)) throw new Refused(SHAPE_REASON.badCoordinates, `${path}: a ring must be an array of positions`);
  if (r.length < 4)
    throw new Refused(SHAPE_REASON.tooFewPositions, `${path}: a ring needs at least 4 positions (3 corners and the first again), this one has ${r.length}`);
  const out = r.map((p, i) => position(p, `${path}.${i}`, extent));
  const [first, last] = [out[0]!, out[out.length - 1]!];
  if (first[0] !== last[0] || first[1] !== last[1]) {
    throw new Refused(SHAPE_REASON.unclosedRing, `${path}: the ring is not closed: its last position must repeat the first`);
  }
  return out;
}

function polygon(rings: unknown, path: string, extent: Extent): Position[][] {
  if (!Array.isArray(rings)) throw new Refused(SHAPE_REASON.badCoordinates, `${path}: a polygon must be an array of rings`);
  if (!rings.length) throw new Refused(SHAPE_REASON.empty, `${path}: the polygon has no rings`);
  return rings.map((r, i) => ring(r, `${path}.${i}`, extent));
}

/** Counts without looking at positions, so a million-vertex polygon is refused in microseconds. */
function checkSize(rings: unknown[], path: string, limits: GeometryLimits): void {
  if (rings.length > limits.maxRings) {
    throw new Refused(
      SHAPE_REASON.tooManyRings,
      `${path}: ${rings.length} rings, more than the limit of ${limits.maxRings} per feature (GRIDSCOPE_GEOMETRY_MAX_RINGS)`,
    );
  }
  const vertices = rings.reduce<number>((n, r) => n + (Array.isArray(r) ? r.length : 0), 0);
  if (vertices > limits.maxVertices) {
    throw new Refused(
      SHAPE_REASON.tooManyVertices,
      `${path}: ${vertices} vertices, more than the limit of ${limits.maxVertices} per feature (GRIDSCOPE_GEOMETRY_MAX_VERTICES)`,
    );
  }
}

function checkExtent(extent: Extent, path: string): void {
  const dx = extent.x1 - extent.x0;
  const dy = extent.y1 - extent.y0;
  if (dx > MAX_SPAN_DEGREES || dy > MAX_SPAN_DEGREES) {
    throw new Refused(
      SHAPE_REASON.tooLarge,
      `${path}: spans ${+dx.toFixed(6)}° of longitude and ${+dy.toFixed(6)}° of latitude, more than the ${MAX_SPAN_DEGREES}° a grid may span ` +
        '(a whole-world box? a polygon across the antimeridian must be cut at ±180°, RFC 7946 §3.1.9)',
    );
  }
}

function run<G>(work: () => G): ShapeResult<G> {
  try {
    return { valid: true, geometry: work() };
  } catch (err) {
    if (err instanceof Refused) return { valid: false, reason: err.reason, message: err.message };
    throw err;
  }
}

const typeName = (g: unknown) =>
  g === null || g === undefined ? 'missing' : typeof g !== 'object' ? typeof g : String((g as { type?: unknown }).type ?? 'an object without type');

/** A Polygon or MultiPolygon that PostGIS can take; `path` names it in messages (e.g. `body.geometry`). */
export function polygonalShape(geometry: unknown, limits: GeometryLimits = DEFAULT_GEOMETRY_LIMITS, path = 'geometry'): ShapeResult<PolygonalGeometry> {
  return run(() => {
    const g = geometry as { type?: unknown; coordinates?: unknown } | null;
    if (!g || typeof g !== 'object' || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) {
      throw new Refused(SHAPE_REASON.notPolygonal, `${path}: must be a Polygon or MultiPolygon, not ${typeName(g)}`);
    }
    const coordinates = g.coordinates;
    if (!Array.isArray(coordinates)) throw new Refused(SHAPE_REASON.badCoordinates, `${path}.coordinates: must be an array`);
    if (!coordinates.length) throw new Refused(SHAPE_REASON.empty, `${path}.coordinates: empty; a grid needs at least one ring`);
    const extent: Extent = { x0: Infinity, x1: -Infinity, y0: Infinity, y1: -Infinity };
    let out: PolygonalGeometry;
    if (g.type === 'Polygon') {
      checkSize(coordinates, path, limits);
      out = { type: 'Polygon', coordinates: polygon(coordinates, `${path}.coordinates`, extent) };
    } else {
      if (!coordinates.every(Array.isArray)) throw new Refused(SHAPE_REASON.badCoordinates, `${path}.coordinates: a MultiPolygon is an array of polygons`);
      checkSize((coordinates as unknown[][]).flat(), path, limits);
      out = { type: 'MultiPolygon', coordinates: coordinates.map((p, i) => polygon(p, `${path}.coordinates.${i}`, extent)) };
    }
    checkExtent(extent, path);
    return out;
  });
}

/** A LineString (a split line): at least 2 positions, within range and span. */
export function lineShape(line: unknown, limits: GeometryLimits = DEFAULT_GEOMETRY_LIMITS, path = 'line'): ShapeResult<LineGeometry> {
  return run(() => {
    const g = line as { type?: unknown; coordinates?: unknown } | null;
    if (!g || typeof g !== 'object' || g.type !== 'LineString') throw new Refused(SHAPE_REASON.notLine, `${path}: must be a LineString, not ${typeName(g)}`);
    if (!Array.isArray(g.coordinates)) throw new Refused(SHAPE_REASON.badCoordinates, `${path}.coordinates: must be an array`);
    if (g.coordinates.length < 2) throw new Refused(SHAPE_REASON.tooFewPositions, `${path}.coordinates: a line needs at least 2 positions`);
    checkSize([g.coordinates], path, limits);
    const extent: Extent = { x0: Infinity, x1: -Infinity, y0: Infinity, y1: -Infinity };
    const coordinates = g.coordinates.map((p, i) => position(p, `${path}.coordinates.${i}`, extent));
    checkExtent(extent, path);
    return { type: 'LineString', coordinates };
  });
}

/** One position (a dragged vertex's from/to). */
export function positionShape(p: unknown, path: string): ShapeResult<Position> {
  return run(() => position(p, path, { x0: 0, x1: 0, y0: 0, y1: 0 }));
}
