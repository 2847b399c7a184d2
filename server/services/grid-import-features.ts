import { parentCode } from '../contract/vocabulary.js';
import { polygonalShape, type GeometryLimits, type PolygonalGeometry } from '../plans/geojson-shape.js';

/**
 * A grid file's features before any SQL (the grid import, grid-import-service.ts):
 * each one's shape, size, code and counts checked, and the features cut into
 * batches small enough for one statement each.
 */

/** A problem of one feature of the file (index from 0), or of the file (-1). */
export interface ImportProblem {
  feature: number;
  reason: string;
  message: string;
  community_code?: string | null;
  geometry?: unknown;
}

export interface FileFeature {
  geometry?: unknown;
  properties?: Record<string, unknown> | null;
}

export interface ParsedFeature {
  index: number;
  code: string | null;
  community: string | null;
  name: string | null;
  households: number | null;
  population: number | null;
  geometry: PolygonalGeometry;
  vertices: number;
}

/**
 * Features per statement: at most this many vertices (or one feature), so no
 * single statement holds the embedded database for long, and none runs into
 * PostgreSQL's statement timeout.
 */
const BATCH_VERTICES = 50_000;

const optionalCount = (v: unknown) => (v === undefined || v === null ? null : Number.isInteger(v) && (v as number) >= 0 ? (v as number) : NaN);

/** Shapes, sizes, codes and counts of every feature, before any SQL; problems are added to `problems`. */
export function parseFeatures(features: FileFeature[], limits: GeometryLimits, problems: ImportProblem[]): ParsedFeature[] {
  if (!features.length) problems.push({ feature: -1, reason: 'no_features', message: 'the file has no features' });
  return features.flatMap((f, i) => {
    const p = f.properties ?? {};
    const shape = polygonalShape(f.geometry, limits, 'geometry');
    if (!shape.valid) problems.push({ feature: i, reason: shape.reason, message: shape.message });
    const code = p.code === undefined || p.code === null ? null : String(p.code);
    if (code !== null && !/^[0-9]{15}$/.test(code))
      problems.push({ feature: i, reason: 'bad_code', message: `code ${JSON.stringify(code)} is not a 15-digit grid code` });
    const households = optionalCount(p.households);
    const population = optionalCount(p.population);
    if (Number.isNaN(households) || Number.isNaN(population))
      problems.push({ feature: i, reason: 'bad_count', message: 'households and population must be whole numbers ≥ 0' });
    if (!shape.valid) return [];
    const community = p.community_code ? String(p.community_code) : code ? parentCode(code) : null;
    const name = typeof p.name === 'string' && p.name.trim() ? p.name.trim() : null;
    const vertices = (shape.geometry.type === 'Polygon' ? [shape.geometry.coordinates] : shape.geometry.coordinates).flat().reduce((n, r) => n + r.length, 0);
    return [{ index: i, code, community, name, households, population, geometry: shape.geometry, vertices }];
  });
}

/** Consecutive runs of features holding at most BATCH_VERTICES vertices (at least one feature each). */
export function batches<T extends { vertices: number }>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    if (current.length && size + item.vertices > BATCH_VERTICES) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += item.vertices;
  }
  if (current.length) out.push(current);
  return out;
}
