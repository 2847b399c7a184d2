import { readFileSync } from 'node:fs';
import type { Queryable } from '../server/db/database.js';
import { importSays, type ImportLang, type Said } from './district-import-messages.js';
import { importProblem, type DistrictFeature, type ImportProblem } from './district-import.js';

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
  /** Told about each repaired feature, in `lang`. */
  report?: (line: string) => void;
  /** The language of the report's lines (default English). */
  lang?: ImportLang;
}

export interface CheckedFeatures {
  features: DistrictFeature[];
  problems: ImportProblem[];
  /** What the user can do about the problems, when an option would help. */
  hints: Said[];
}

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
    if (!checks.makeValid || !r.fixed) {
      problems.push(importProblem(r.i - 1, importSays.invalid(r.reason), feature.code));
      continue;
    }
    const change = Math.abs(r.area_after! - r.area_before!) / Math.max(r.area_before!, 1);
    if (change > REPAIR_AREA_TOLERANCE || r.area_after! <= 0) {
      problems.push(importProblem(r.i - 1, importSays.repairChangesArea(r.reason, r.area_before!, r.area_after!, change, REPAIR_AREA_TOLERANCE), feature.code));
      continue;
    }
    repaired[r.i - 1] = { ...feature, geometry: JSON.parse(r.fixed) };
    checks.report?.(importSays.repaired(feature.code, feature.name, r.reason, r.area_before!, r.area_after!)[checks.lang ?? 'en']);
  }
  const hints = problems.length && !checks.makeValid ? [importSays.makeValidHint(REPAIR_AREA_TOLERANCE)] : [];
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
  const problems = found.map((r) =>
    importProblem(-1, r.kind === 'overlap' ? importSays.overlap(r.a!, r.b!, r.area_m2, r.x, r.y) : importSays.gap(r.area_m2, r.x, r.y)),
  );
  const hints = problems.length ? [importSays.partitionHint(PARTITION_SLIVER_M2)] : [];
  return { features: [...features], problems, hints };
}
