/**
 * GEOS's judgement of a geometry, in our words. GEOS names why a polygon is
 * invalid ("Self-intersection", "Hole lies outside shell", ...) in English
 * that varies between its versions (PGlite and PostgreSQL ship different
 * ones) and throws exceptions ("IllegalArgumentException: …",
 * "TopologyException: …") that must not reach clients. Here both become a
 * reason code and a sentence of our own; the original goes to the log only.
 */
import type { Queryable } from '../db/database.js';
import { isDatabaseError } from '../db/database.js';
import { DomainError } from '../services/domain-error.js';
import { sqlFile } from '../repositories/sql-file.js';

/** Why GEOS finds a polygon invalid, by the start of its reason text; the first match wins. */
const VALIDITY_WORDS: readonly [RegExp, 'self_intersection' | 'invalid_geometry', string][] = [
  // "Self-intersection" or "Ring Self-intersection": GEOS versions name the same spike either way.
  [/self-intersection/i, 'self_intersection', 'the boundary crosses or touches itself (self-intersection)'],
  [/hole lies outside/i, 'invalid_geometry', 'a hole lies outside its outer ring'],
  [/nested holes/i, 'invalid_geometry', 'a hole lies inside another hole'],
  [/interior is disconnected/i, 'invalid_geometry', 'the holes cut the polygon into pieces'],
  [/nested shells/i, 'invalid_geometry', 'one part of the polygon lies inside another'],
  [/duplicate ring/i, 'invalid_geometry', 'two rings are the same'],
  [/too few (distinct )?points/i, 'invalid_geometry', 'a ring has fewer than three distinct corners'],
  [/not closed|closed linestring/i, 'invalid_geometry', 'a ring is not closed'],
  [/invalid coordinate/i, 'invalid_geometry', 'a coordinate is not a finite number'],
];

export interface Validity {
  reason: 'self_intersection' | 'invalid_geometry';
  message: string;
}

/** Our reason and words for GEOS's reason text, with where it found the problem when it says. */
export function validityInWords(geosReason: string, location?: readonly number[] | null): Validity {
  const [, reason, words] = VALIDITY_WORDS.find(([pattern]) => pattern.test(geosReason)) ?? ([null, 'invalid_geometry', 'the polygon is not valid'] as const);
  const at = location && location.length >= 2 && location.every(Number.isFinite) ? ` near ${location[0]!.toFixed(6)}, ${location[1]!.toFixed(6)}` : '';
  return { reason, message: `${words}${at}` };
}

/**
 * GEOS or liblwgeom refusing a geometry mid-query: PostGIS raises these as
 * internal errors (SQLSTATE XX000) or as invalid-parameter errors (22023)
 * with their own text; anything else is not ours to translate.
 */
const GEOMETRY_ERROR =
  /GEOS|TopologyException|IllegalArgumentException|lwgeom|LinearRing|non-closed|closed linestring|Antipodal|geometry requires more points|GeoJSON|dimension|geometry contains/i;

export function isGeometryEngineError(err: unknown): boolean {
  return isDatabaseError(err) && (err.code === 'XX000' || err.code === '22023') && GEOMETRY_ERROR.test(err.message);
}

/** The answer a client gets instead of GEOS's exception: 422, our words, nothing written (the transaction rolls back). */
export const geometryEngineRefusal = (what: string) =>
  new DomainError(
    'invalid_geometry',
    `${what}: PostGIS could not compute the geometry (edges that nearly touch or cross, or a shape it cannot represent); nothing was changed`,
  );

interface WarnLog {
  warn(obj: object, msg: string): void;
}

/**
 * Runs geometry SQL through `q`, turning GEOS exceptions into a 422 naming
 * `what` (the request field or operation). The original text is logged.
 */
export function geometrySql(q: Queryable, what: string, log?: WarnLog): Queryable {
  const translate = (err: unknown): never => {
    if (!isGeometryEngineError(err)) throw err;
    log?.warn({ geos: (err as Error).message, code: (err as { code?: string }).code }, `geometry engine refused ${what}`);
    throw geometryEngineRefusal(what);
  };
  return {
    query<T>(sql: string, params?: readonly unknown[]) {
      return q.query<T>(sql, params).catch(translate);
    },
    exec: (sql) => q.exec(sql).catch(translate),
  };
}

const VALIDITY = sqlFile('geometry-validity.sql');

/** GEOS validity of each polygon (one statement); null where valid, else our reason and words. */
export async function validityOf(q: Queryable, geometries: readonly unknown[]): Promise<((Validity & { location: [number, number] | null }) | null)[]> {
  if (!geometries.length) return [];
  const rows = await q.query<{ i: number; valid: boolean; reason: string | null; x: number | null; y: number | null }>(VALIDITY, [
    geometries.map((g) => JSON.stringify(g)),
  ]);
  return rows.map((r) => {
    if (r.valid) return null;
    const location: [number, number] | null = r.x === null || r.y === null ? null : [r.x, r.y];
    return { ...validityInWords(r.reason ?? '', location), location };
  });
}
