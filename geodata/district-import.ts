import { readFileSync } from 'node:fs';
import type { Queryable } from '../server/db/database.js';
import { checkGeometries, checkPartition, type ImportChecks } from './district-checks.js';
import { importSays, type ImportLang, type Said } from './district-import-messages.js';
import { ZHUZHOU, ZHUZHOU_DISTRICTS } from './zhuzhou-facts.js';

/** A problem with one feature of an imported file: data, not an exception. `reason` is the English, `zh` the Chinese. */
export interface ImportProblem {
  feature: number;
  code?: string;
  reason: string;
  zh: string;
}

/** A problem of feature `feature` (-1: the file) said in both languages. */
export const importProblem = (feature: number, said: Said, code?: string): ImportProblem => ({
  feature,
  ...(code ? { code } : {}),
  reason: said.en,
  zh: said.zh,
});

export interface DistrictFeature {
  code: string;
  name: string;
  nameEn?: string;
  geometry: unknown;
}

export class ImportRejected extends Error {
  constructor(
    readonly problems: ImportProblem[],
    readonly hints: Said[] = [],
  ) {
    super(rejection(problems, hints, 'en'));
    this.name = 'ImportRejected';
  }

  /** Every reason and hint, one per line, in `lang` (the message is the English). */
  messageIn(lang: ImportLang): string {
    return rejection(this.problems, this.hints, lang);
  }
}

function rejection(problems: readonly ImportProblem[], hints: readonly Said[], lang: ImportLang): string {
  const lines = problems.map((p) => `  ${importSays.where(p.feature, p.code)[lang]}${lang === 'zh' ? ':' : ': '}${lang === 'zh' ? p.zh : p.reason}`);
  return [importSays.rejected()[lang], ...lines, ...hints.map((h) => h[lang])].join('\n');
}

/**
 * Reads district features from GeoJSON. A district's code comes from its
 * `adcode` (as in DataV/Aliyun exports) or `code` property and must be a
 * six-digit county-level code of one city.
 */
export function parseDistrictFeatures(json: unknown): { features: DistrictFeature[]; problems: ImportProblem[]; cityName?: string } {
  const problems: ImportProblem[] = [];
  const features: DistrictFeature[] = [];
  const fc = json as { type?: unknown; features?: unknown };
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    return { features, problems: [importProblem(-1, importSays.notFeatureCollection())] };
  }
  const seen = new Set<string>();
  fc.features.forEach((f: { properties?: Record<string, unknown>; geometry?: { type?: string } }, i: number) => {
    const props = f?.properties ?? {};
    const code = String(props.adcode ?? props.code ?? '').trim();
    const name = String(props.name ?? '').trim();
    if (!/^[1-9]\d{3}(?!00)\d{2}$/.test(code)) return problems.push(importProblem(i, importSays.badAdcode(code)));
    if (seen.has(code)) return problems.push(importProblem(i, importSays.duplicateAdcode(), code));
    seen.add(code);
    if (!name) return problems.push(importProblem(i, importSays.missingName(), code));
    const type = f.geometry?.type;
    if (type !== 'Polygon' && type !== 'MultiPolygon') return problems.push(importProblem(i, importSays.badGeometryType(type), code));
    features.push({ code, name, nameEn: ZHUZHOU_DISTRICTS.find((d) => d.code === code)?.nameEn, geometry: f.geometry });
  });
  const cities = new Set(features.map((f) => f.code.slice(0, 4)));
  if (cities.size > 1) problems.push(importProblem(-1, importSays.severalCities([...cities])));
  if (features.length === 0 && problems.length === 0) problems.push(importProblem(-1, importSays.noFeatures()));
  return { features, problems, cityName: cityNameIn(fc as { name?: unknown; features: { properties?: Record<string, unknown> }[] }) };
}

/**
 * The city's name when the file says it: a `city`, `cityName` or `city_name`
 * property, a `parent` object with a name, or the collection's own `name`.
 * (DataV district exports carry only the parent's code, in `acroutes`.)
 */
function cityNameIn(fc: { name?: unknown; features: { properties?: Record<string, unknown> }[] }): string | undefined {
  for (const f of fc.features) {
    const p = f?.properties ?? {};
    const parent = p.parent as { name?: unknown } | undefined;
    for (const v of [p.city, p.cityName, p.city_name, typeof parent === 'object' ? parent?.name : undefined])
      if (typeof v === 'string' && v.trim()) return v.trim();
  }
  return typeof fc.name === 'string' && fc.name.trim() ? fc.name.trim() : undefined;
}

/** The districts of a file and, when the file names it, the city's name. */
export function readDistrictSource(path: string): { features: DistrictFeature[]; cityName?: string } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ImportRejected([importProblem(-1, importSays.cannotRead(path, (err as Error).message))]);
  }
  const { features, problems, cityName } = parseDistrictFeatures(json);
  if (problems.length) throw new ImportRejected(problems);
  return { features, cityName };
}

export function readDistrictFile(path: string): DistrictFeature[] {
  return readDistrictSource(path).features;
}

export interface InsertOptions extends ImportChecks {
  /** The city's name; default the seed city's, or its code for another city. */
  cityName?: string;
}

/**
 * Writes the city and its districts in the caller's transaction. Each
 * geometry is checked by PostGIS first (or repaired, with `makeValid`), then
 * the districts as a partition (no overlaps, no gaps, unless
 * `allowOverlaps`); any problem rejects the whole import with every reason
 * listed. The city is the union of its districts.
 */
export async function insertDistricts(tx: Queryable, input: readonly DistrictFeature[], options: InsertOptions = {}): Promise<void> {
  const valid = await checkGeometries(tx, input, options);
  if (valid.problems.length) throw new ImportRejected(valid.problems, valid.hints);
  const partition = await checkPartition(tx, valid.features, options);
  if (partition.problems.length) throw new ImportRejected(partition.problems, partition.hints);
  const features = partition.features;

  const cityCode = features[0]!.code.slice(0, 4) + '00';
  const isZhuzhou = cityCode === ZHUZHOU.code;
  await tx.query(
    `INSERT INTO region (code, level, name, name_en, parent_code, boundary)
     SELECT $1, 'city', $2, $3, NULL, ST_Multi(ST_Union(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)))
       FROM unnest($4::text[]) g`,
    [
      cityCode,
      options.cityName ?? (isZhuzhou ? ZHUZHOU.name : cityCode),
      isZhuzhou && !options.cityName ? ZHUZHOU.nameEn : null,
      features.map((f) => JSON.stringify(f.geometry)),
    ],
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
