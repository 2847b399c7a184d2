import { readFileSync } from 'node:fs';
import type { Queryable } from '../server/db/database.js';
import { ZHUZHOU, ZHUZHOU_DISTRICTS } from './zhuzhou-facts.js';

/** A problem with one feature of an imported file: data, not an exception. */
export interface ImportProblem {
  feature: number;
  code?: string;
  reason: string;
}

export interface DistrictFeature {
  code: string;
  name: string;
  nameEn?: string;
  geometry: unknown;
}

export class ImportRejected extends Error {
  constructor(readonly problems: ImportProblem[]) {
    super(`import rejected, nothing written:\n${problems.map((p) => `  feature ${p.feature}${p.code ? ` (${p.code})` : ''}: ${p.reason}`).join('\n')}`);
    this.name = 'ImportRejected';
  }
}

/**
 * Reads district features from GeoJSON. A district's code comes from its
 * `adcode` (as in DataV/Aliyun exports) or `code` property and must be a
 * six-digit county-level code of one city.
 */
export function parseDistrictFeatures(json: unknown): { features: DistrictFeature[]; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const features: DistrictFeature[] = [];
  const fc = json as { type?: unknown; features?: unknown };
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    return { features, problems: [{ feature: -1, reason: 'not a GeoJSON FeatureCollection' }] };
  }
  const seen = new Set<string>();
  fc.features.forEach((f: { properties?: Record<string, unknown>; geometry?: { type?: string } }, i: number) => {
    const props = f?.properties ?? {};
    const code = String(props.adcode ?? props.code ?? '').trim();
    const name = String(props.name ?? '').trim();
    if (!/^[1-9]\d{3}(?!00)\d{2}$/.test(code))
      return problems.push({ feature: i, reason: `adcode ${JSON.stringify(code)} is not a six-digit county-level code` });
    if (seen.has(code)) return problems.push({ feature: i, code, reason: 'duplicate adcode' });
    seen.add(code);
    if (!name) return problems.push({ feature: i, code, reason: 'missing name' });
    const type = f.geometry?.type;
    if (type !== 'Polygon' && type !== 'MultiPolygon')
      return problems.push({ feature: i, code, reason: `geometry must be Polygon or MultiPolygon, not ${type ?? 'missing'}` });
    features.push({ code, name, nameEn: ZHUZHOU_DISTRICTS.find((d) => d.code === code)?.nameEn, geometry: f.geometry });
  });
  const cities = new Set(features.map((f) => f.code.slice(0, 4)));
  if (cities.size > 1) problems.push({ feature: -1, reason: `districts belong to more than one city: ${[...cities].join(', ')}` });
  if (features.length === 0 && problems.length === 0) problems.push({ feature: -1, reason: 'no features' });
  return { features, problems };
}

export function readDistrictFile(path: string): DistrictFeature[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ImportRejected([{ feature: -1, reason: `cannot read ${path}: ${(err as Error).message}` }]);
  }
  const { features, problems } = parseDistrictFeatures(json);
  if (problems.length) throw new ImportRejected(problems);
  return features;
}

/**
 * Writes the city and its districts in the caller's transaction. Each
 * geometry is checked by PostGIS first; any invalid one rejects the whole
 * import with every reason listed. The city is the union of its districts.
 */
export async function insertDistricts(tx: Queryable, features: readonly DistrictFeature[]): Promise<void> {
  const checks = await tx.query<{ i: number; reason: string | null }>(
    `SELECT i::int, CASE WHEN g IS NULL THEN 'unreadable geometry'
                    WHEN ST_IsEmpty(g) THEN 'empty geometry'
                    WHEN NOT ST_IsValid(g) THEN ST_IsValidReason(g) END AS reason
       FROM unnest($1::text[]) WITH ORDINALITY AS f(geojson, i)
       CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_GeomFromGeoJSON(f.geojson), 4326) g) x`,
    [features.map((f) => JSON.stringify(f.geometry))],
  );
  const problems = checks.filter((c) => c.reason).map((c) => ({ feature: c.i - 1, code: features[c.i - 1]!.code, reason: c.reason! }));
  if (problems.length) throw new ImportRejected(problems);

  const cityCode = features[0]!.code.slice(0, 4) + '00';
  const isZhuzhou = cityCode === ZHUZHOU.code;
  await tx.query(
    `INSERT INTO region (code, level, name, name_en, parent_code, boundary)
     SELECT $1, 'city', $2, $3, NULL, ST_Multi(ST_Union(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)))
       FROM unnest($4::text[]) g`,
    [cityCode, isZhuzhou ? ZHUZHOU.name : `${cityCode}`, isZhuzhou ? ZHUZHOU.nameEn : null, features.map((f) => JSON.stringify(f.geometry))],
  );
  await tx.query(
    `INSERT INTO region (code, level, name, name_en, parent_code, boundary)
     SELECT f.code, 'district', f.name, f.name_en, $1, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(f.geojson), 4326))
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS f(code, name, name_en, geojson)`,
    [
      cityCode,
      features.map((f) => f.code),
      features.map((f) => f.name),
      features.map((f) => f.nameEn ?? null),
      features.map((f) => JSON.stringify(f.geometry)),
    ],
  );
}
