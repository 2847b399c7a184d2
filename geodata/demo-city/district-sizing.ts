import { readFileSync } from 'node:fs';
import type { Queryable } from '../../server/db/database.js';
import { SaidError, seedSays, type Said } from '../../server/cli-messages.js';
import { ZHUZHOU_DISTRICTS, type DistrictFact, type DistrictKind } from '../zhuzhou-facts.js';

/**
 * Sizing a city the facts file does not cover, from what each district is.
 * The kind comes from the name's last character, as the national division
 * codes name them: 区 a district of the city (urban; over 500 km² it is a
 * former county, suburban), 县 (and 旗) a county, 市 a county-level city.
 */
export function kindOfDistrict(name: string, areaKm2: number): DistrictKind {
  const last = name.trim().slice(-1);
  if (last === '区') return areaKm2 > SUBURBAN_AREA_KM2 ? 'suburban district' : 'urban district';
  if (last === '市') return 'county-level city';
  return 'county';
}

/** A 区 larger than this is mostly countryside: Chinese city cores are rarely larger. */
const SUBURBAN_AREA_KM2 = 500;

/**
 * People per km² when no population is given (documented in the README). An
 * urban district is a dense core of up to 100 km² at 4,000/km² and the rest
 * at 300/km²; suburban districts, counties and county-level cities are their
 * area at rural densities of central China (Hunan: 攸县 240, 醴陵市 400
 * people/km² in the 2020 census). Real populations vary far more (Shenzhen's
 * cores hold 15,000/km²): give a population file (`--population`) for them.
 */
export function estimatePopulation(kind: DistrictKind, areaKm2: number): number {
  if (kind === 'urban district') return Math.round(Math.min(areaKm2, 100) * 4000 + Math.max(0, areaKm2 - 100) * 300);
  return Math.round(areaKm2 * RURAL_DENSITY[kind]);
}

const RURAL_DENSITY: Record<Exclude<DistrictKind, 'urban district'>, number> = {
  'suburban district': 300,
  county: 250,
  'county-level city': 350,
};

/**
 * Residents a grid serves, by kind of district: an urban grid about 370
 * households (2.7 people each; 300–500 is the national guideline), rural
 * grids more people over far more land.
 */
export const RESIDENTS_PER_GRID: Record<DistrictKind, number> = {
  'urban district': 1000,
  'suburban district': 1300,
  county: 1600,
  'county-level city': 1500,
};

/** How many grids a city's population calls for, at least one per district. */
export function gridsForPopulation(districts: readonly Pick<DistrictFact, 'kind' | 'population'>[]): number {
  return districts.reduce((n, d) => n + Math.max(1, Math.round(d.population / RESIDENTS_PER_GRID[d.kind])), 0);
}

/** A population file that cannot be used, said in both languages (the message is the English). */
export class PopulationFileRejected extends SaidError {
  constructor(said: Said) {
    super(said);
    this.name = 'PopulationFileRejected';
  }
}

/**
 * A population file: JSON `{"430102": 520000, ...}` or CSV lines
 * `code,population` (a header line is skipped). Throws a message naming the
 * line or key that is wrong.
 */
export function parsePopulation(text: string, source = 'population file'): Map<string, number> {
  const out = new Map<string, number>();
  const add = (code: string, value: unknown, where: Said) => {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (!/^\d{6}$/.test(code)) throw new PopulationFileRejected(seedSays.populationNotCode(source, where, code));
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) {
      throw new PopulationFileRejected(seedSays.populationNotCount(source, where, code, value));
    }
    if (out.has(code)) throw new PopulationFileRejected(seedSays.populationTwice(source, where, code));
    out.set(code, n);
  };
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (err) {
      throw new PopulationFileRejected(seedSays.populationNotJson(source, (err as Error).message));
    }
    for (const [code, value] of Object.entries(parsed as Record<string, unknown>)) add(code, value, seedSays.populationKey(code));
  } else {
    trimmed.split(/\r?\n/).forEach((line, i) => {
      const cells = line.split(/[,\t]/).map((c) => c.trim());
      if (line.trim() === '' || (i === 0 && !/^\d/.test(cells[0]!))) return;
      add(cells[0]!, cells[1] ?? '', seedSays.populationLine(i + 1));
    });
  }
  if (out.size === 0) throw new PopulationFileRejected(seedSays.populationEmpty(source));
  return out;
}

export function readPopulationFile(file: string): Map<string, number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new PopulationFileRejected(seedSays.populationUnreadable(file, (err as Error).message));
  }
  return parsePopulation(text, file);
}

/**
 * Facts for the districts in the database: the seed city's from its facts
 * file; others sized by what they are (区, 县, 市: district-sizing.ts), their
 * seat at a point inside. A population file's figures win over both.
 */
export async function districtFacts(tx: Queryable, population?: ReadonlyMap<string, number>): Promise<DistrictFact[]> {
  const rows = await tx.query<{ code: string; name: string; name_en: string | null; x: number; y: number; area_km2: number }>(
    `SELECT code, name, name_en, ST_X(ST_PointOnSurface(boundary)) x, ST_Y(ST_PointOnSurface(boundary)) y,
            ST_Area(boundary::geography) / 1e6 area_km2
       FROM region WHERE level = 'district' ORDER BY code`,
  );
  return rows.map((r) => {
    const known = ZHUZHOU_DISTRICTS.find((d) => d.code === r.code);
    const kind = known?.kind ?? kindOfDistrict(r.name, r.area_km2);
    const fact: DistrictFact = known
      ? { ...known, areaKm2: r.area_km2 }
      : {
          code: r.code,
          name: r.name,
          nameEn: r.name_en ?? r.code,
          kind,
          seat: [r.x, r.y],
          centroid: [r.x, r.y],
          areaKm2: r.area_km2,
          population: estimatePopulation(kind, r.area_km2),
        };
    return { ...fact, population: population?.get(r.code) ?? fact.population };
  });
}
