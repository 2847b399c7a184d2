import { readFileSync } from 'node:fs';
import type { Queryable } from '../server/db/database.js';
import type { DistrictFeature, ImportProblem } from './district-import.js';

const REPAIR_SQL = readFileSync(new URL('./district-repair.sql', import.meta.url), 'utf8');
const PARTITION_SQL = readFileSync(new URL('./district-partition.sql', import.meta.url), 'utf8');

/** A repair may move a district's area by at most this share (0.1 %); more means it changed the district, not fixed it. */
export const REPAIR_AREA_TOLERANCE = 0.001;
/** Overlaps and gaps up to this size (m²) are slivers of a boundary digitised twice, not a misplaced district. */
export const PARTITION_SLIVER_M2 = 1000;

export interface ImportChecks {
  /** Repair invalid geometries (ST_MakeValid, touching parts unioned) instead of rejecting them. */
  makeValid?: boolean;
  /** Import districts that overlap or leave gaps between them. */
  allowOverlaps?: boolean;
  /** Told about each repaired feature. */
  report?: (line: string) => void;
}

export interface CheckedFeatures {
  features: DistrictFeature[];
  problems: ImportProblem[];
  /** What the user can do about the problems, when an option would help. */
  hints: string[];
}

const km2 = (m2: number) => `${(m2 / 1e6).toFixed(m2 < 1e6 ? 4 : 2)} km²`;
const place = (x: number, y: number) => `(${x.toFixed(4)}, ${y.toFixed(4)})`;

/**
 * PostGIS validity of every feature; with `makeValid` an invalid feature is
 * repaired when the repair keeps its area (within REPAIR_AREA_TOLERANCE).
 */
export async function checkGeometries(tx: Queryable, features: readonly DistrictFeature[], checks: ImportChecks): Promise<CheckedFeatures> {
  const rows = await tx.query<{ i: number; reason: string | null; area_before: number | null; area_after: number | null; fixed: string | null }>(REPAIR_SQL, [
    features.map((f) => JSON.stringify(f.geometry)),
  ]);
  if (rows.length !== features.length) throw new Error(`the geometry check answered for ${rows.length} of ${features.length} districts`);
  const problems: ImportProblem[] = [];
  const repaired = [...features];
  for (const r of rows) {
    if (!r.reason) continue;
    const feature = features[r.i - 1]!;
    const at = { feature: r.i - 1, code: feature.code };
    if (!checks.makeValid || !r.fixed) {
      problems.push({ ...at, reason: r.reason });
      continue;
    }
    const change = Math.abs(r.area_after! - r.area_before!) / Math.max(r.area_before!, 1);
    const areas = `area ${km2(r.area_before!)} before, ${km2(r.area_after!)} after`;
    if (change > REPAIR_AREA_TOLERANCE || r.area_after! <= 0) {
      problems.push({
        ...at,
        reason: `${r.reason}; the repair would change its ${areas} (${change > 1 ? 'over 100' : (change * 100).toFixed(2)} %, more than ${REPAIR_AREA_TOLERANCE * 100} %): fix the file`,
      });
      continue;
    }
    repaired[r.i - 1] = { ...feature, geometry: JSON.parse(r.fixed) };
    checks.report?.(`repaired ${feature.code} ${feature.name} (${r.reason}): ${areas}`);
  }
  const hints =
    problems.length && !checks.makeValid
      ? ['rerun with --make-valid to repair invalid geometries (ST_MakeValid, touching parts joined; refused if an area changes by more than 0.1 %)']
      : [];
  return { features: repaired, problems, hints };
}

/** Overlaps between districts and gaps inside their union, each larger than PARTITION_SLIVER_M2. */
export async function checkPartition(tx: Queryable, features: readonly DistrictFeature[], checks: ImportChecks): Promise<CheckedFeatures> {
  if (checks.allowOverlaps) return { features: [...features], problems: [], hints: [] };
  const answer = await tx.query<{ kind: 'overlap' | 'gap' | 'checked'; a: string | null; b: string | null; area_m2: number; x: number; y: number }>(
    PARTITION_SQL,
    [features.map((f) => f.code), features.map((f) => JSON.stringify(f.geometry)), PARTITION_SLIVER_M2],
  );
  if (!answer.some((r) => r.kind === 'checked')) throw new Error('the partition check of the districts returned no answer');
  const found = answer.filter((r) => r.kind !== 'checked').sort((x, y) => y.area_m2 - x.area_m2);
  const problems = found.map((r) => ({
    feature: -1,
    reason:
      r.kind === 'overlap'
        ? `districts ${r.a} and ${r.b} overlap by ${km2(r.area_m2)} around ${place(r.x, r.y)}`
        : `gap of ${km2(r.area_m2)} between districts around ${place(r.x, r.y)}`,
  }));
  const hints = problems.length
    ? [
        `districts must not overlap nor leave gaps larger than ${PARTITION_SLIVER_M2} m² (smaller slivers are ignored); ` +
          'fix the file, or rerun with --allow-overlaps to import them as they are',
      ]
    : [];
  return { features: [...features], problems, hints };
}
