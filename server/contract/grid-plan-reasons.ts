/**
 * Why a draft plan cannot be published: the reason codes of grid-plan
 * validation. The checks themselves run in PostGIS
 * (server/repositories/sql/plan-validate.sql), the one authority on geometry;
 * this module names what they return, for the server, the web client and tests.
 * Problems are data (each with its geometry), never exceptions.
 */
export const PLAN_REASON = {
  /** The geometry is not a Polygon or MultiPolygon, or is empty. */
  notPolygon: 'not_polygon',
  /** A ring crosses itself or another ring (GEOS "Self-intersection"): not simple. */
  selfIntersection: 'self_intersection',
  /** Invalid for another reason (too few points, hole outside shell, ...). */
  invalidGeometry: 'invalid_geometry',
  /** More than one piece: a grid must be one contiguous area. */
  notContiguous: 'not_contiguous',
  /** Part of the grid lies outside its community (the geometry is that part). */
  outsideCommunity: 'outside_community',
  /** Two grids overlap (the geometry is the overlap). */
  overlap: 'overlap',
  /** Part of the community is covered by no grid (the geometry is the gap). */
  gap: 'gap',
  /** Fewer households than the community's lower bound. */
  householdsBelow: 'households_below_minimum',
  /** More households than the community's upper bound. */
  householdsAbove: 'households_above_maximum',
  /** The feature keeps a code that is not a current grid of this community. */
  unknownCode: 'unknown_code',
} as const;

export type PlanReason = (typeof PLAN_REASON)[keyof typeof PLAN_REASON];
export const PLAN_REASONS: readonly PlanReason[] = Object.values(PLAN_REASON);

/**
 * Pieces of gaps, overlaps and outside parts smaller than 1 m², or thinner
 * than 10 cm on average (2 × area / perimeter), are ignored: coordinates
 * travel at 6 decimals (about 0.1 m), so rounding alone leaves slivers along
 * edges that can add up to tens of m² on a long edge, but are never more than
 * a few centimetres wide. A real gap or overlap is both larger and wider.
 */
export const AREA_TOLERANCE_M2 = 1;
export const WIDTH_TOLERANCE_M = 0.1;

/** Inclusive household bounds of a grid; null = unbounded on that side. */
export interface HouseholdBounds {
  min: number | null;
  max: number | null;
}

/** Bounds by kind of community: villages (村) are rural, everything else (社区, 居委会) urban. */
export interface PlanRules {
  urban: HouseholdBounds;
  rural: HouseholdBounds;
}

export const DEFAULT_PLAN_RULES: PlanRules = { urban: { min: 200, max: 500 }, rural: { min: null, max: null } };

/**
 * Parses "200-500", "200-", "-500" or "" (no bounds), for configuration.
 * Returns {valid, reason} rather than throwing: a bad value is the user's.
 */
export function parseHouseholdBounds(raw: string): { valid: true; bounds: HouseholdBounds } | { valid: false; reason: string } {
  const text = raw.trim();
  if (text === '') return { valid: true, bounds: { min: null, max: null } };
  const m = /^(\d*)\s*-\s*(\d*)$/.exec(text);
  if (!m || (m[1] === '' && m[2] === '')) return { valid: false, reason: 'expected MIN-MAX, MIN- or -MAX in households, e.g. 200-500' };
  const bounds = { min: m[1] ? Number(m[1]) : null, max: m[2] ? Number(m[2]) : null };
  if (bounds.min !== null && bounds.max !== null && bounds.min > bounds.max) return { valid: false, reason: 'the minimum is above the maximum' };
  return { valid: true, bounds };
}

/**
 * What a problem's message is made of: households_below_minimum /
 * households_above_maximum carry households and the bounds (null =
 * unbounded); not_contiguous its pieces; outside_community and unknown_code
 * the community (and unknown_code the code); invalid geometries GEOS's detail.
 */
export interface PlanProblemParams {
  households?: number;
  min_households?: number | null;
  max_households?: number | null;
  pieces?: number;
  community?: string;
  community_name?: string;
  code?: string;
  detail?: string;
}

/** One problem, as a GeoJSON Feature (geometry null when there is nothing to draw). */
export interface PlanProblem {
  type: 'Feature';
  geometry: { type: string; coordinates: unknown } | null;
  properties: {
    reason: PlanReason;
    /** Plan feature keys involved (one, or two for an overlap; none for a gap). */
    keys: number[];
    /** Their codes (null for new grids). */
    codes: (string | null)[];
    /** In English, for API readers; clients word the problem from `reason` and `params`. */
    message: string;
    /** The figures of the message, by reason (see PlanProblemParams). */
    params: PlanProblemParams;
    area_m2: number | null;
  };
}

export interface ValidationReport {
  /** No problems (warnings do not count). */
  valid: boolean;
  revision: number;
  problems: { type: 'FeatureCollection'; features: PlanProblem[] };
  /**
   * What was wrong before the plan: household bounds and pieces of grids it
   * kept as they were (same code, shape and households). Shown, never blocking.
   */
  warnings: { type: 'FeatureCollection'; features: PlanProblem[] };
}
