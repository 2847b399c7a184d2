import { readFileSync } from 'node:fs';
import type { DistrictPlan } from './city-plan.js';
import { readingOrder } from './partition.js';
import { apportion } from './random.js';

/**
 * The seed city's real streets and communities (geodata/zhuzhou-divisions.json,
 * extracted from the 2023 statistical division codes by
 * geodata/scripts/extract-divisions.ts). Their boundaries are still cut by the
 * generator: the codes list places, not shapes.
 */
export interface RealCommunity {
  code: string;
  name: string;
  name_en: string;
  /** The committee's name as coded, where the shown name differs (…社区居委会). */
  official?: string;
}

export interface RealStreet {
  code: string;
  name: string;
  name_en: string;
  communities: RealCommunity[];
}

export interface RealDistrict {
  code: string;
  name: string;
  streets: RealStreet[];
}

export interface Divisions {
  city: { code: string; name: string };
  districts: RealDistrict[];
}

export const DIVISIONS_FILE = new URL('../zhuzhou-divisions.json', import.meta.url);

let cached: Divisions | undefined;
export function seedDivisions(): Divisions {
  cached ??= JSON.parse(readFileSync(DIVISIONS_FILE, 'utf8')) as Divisions;
  return cached;
}

/**
 * What the seed facts (shared/geodata/zhuzhou-facts.json, from a Zhuzhou Daily
 * report) say about particular places, pinned so the demo is true to them.
 */
export interface PinnedCommunity {
  code: string;
  /** Grids the community has (at least `grid.seq` when a grid is pinned). */
  grids: number;
  /** Residents of the whole community, spread over its grids. */
  residents?: number;
  /** One grid's figures, by its sequence number in the community. */
  grid?: { seq: number; households: number; residents: number };
}

export const PINNED_COMMUNITIES: readonly PinnedCommunity[] = [
  // 石峰区 响石岭街道 李家冲社区: its 第五网格 has 323 households, 871 residents.
  { code: '430204002003', grids: 5, grid: { seq: 5, households: 323, residents: 871 } },
  // 天元区 新塘社区: 9 grids, 9,170 residents. The codes list it under 泰山路街道 as 新塘管理处社区.
  { code: '430211002009', grids: 9, residents: 9170 },
];

/** The divisions for these districts, or undefined when any district is not in the extract. */
export function divisionsFor(districtCodes: readonly string[]): RealDistrict[] | undefined {
  const byCode = new Map(seedDivisions().districts.map((d) => [d.code, d]));
  const found = districtCodes.map((c) => byCode.get(c));
  return found.every((d) => d !== undefined) ? (found as RealDistrict[]) : undefined;
}

export function communityCount(districts: readonly RealDistrict[]): number {
  return districts.reduce((n, d) => n + d.streets.reduce((m, s) => m + s.communities.length, 0), 0);
}

/**
 * The plans with the real counts of streets and communities. Every community
 * needs a grid: a district whose population earned fewer grids than it has
 * communities (炎陵县: 131 villages, ~108 grids by population) gets one per
 * community, taken from the others' spare grids in proportion; You County keeps
 * its reported 520.
 */
export function withRealCounts(plans: readonly DistrictPlan[], districts: readonly RealDistrict[], keep: (p: DistrictPlan) => boolean): DistrictPlan[] {
  const communities = (p: DistrictPlan) => districtOf(districts, p.fact.code).streets.reduce((n, s) => n + s.communities.length, 0);
  const floors = plans.map((p) => communities(p));
  const deficit = plans.reduce((n, p, i) => n + Math.max(0, floors[i]! - p.grids), 0);
  const donors = plans.map((p, i) => (keep(p) ? 0 : Math.max(0, p.grids - floors[i]!)));
  const spare = donors.reduce((a, b) => a + b, 0);
  if (spare < deficit) throw new RangeError(`the city needs at least ${floors.reduce((a, b) => a + b, 0)} grids: one for each real community`);
  const taken = apportion(deficit, donors);
  return plans.map((p, i) => ({
    ...p,
    grids: Math.max(p.grids - taken[i]!, floors[i]!),
    streets: districtOf(districts, p.fact.code).streets.length,
    communities: floors[i]!,
  }));
}

export function districtOf(districts: readonly RealDistrict[], code: string): RealDistrict {
  const d = districts.find((x) => x.code === code);
  if (!d) throw new Error(`district ${code} is not in the divisions`);
  return d;
}

/** 社区 (residents' committees) serve more people than 村 (villages): they get more grids. */
const isResidential = (c: RealCommunity) => c.name.endsWith('社区');

/**
 * Grids per community within one district: pinned communities get theirs,
 * the rest are split by kind (a 社区 counts three villages), at least one each.
 */
export function gridsPerCommunity(district: RealDistrict, grids: number): Map<string, number> {
  const all = district.streets.flatMap((s) => s.communities);
  const pinned = new Map(PINNED_COMMUNITIES.filter((p) => all.some((c) => c.code === p.code)).map((p) => [p.code, p.grids]));
  const free = all.filter((c) => !pinned.has(c.code));
  const pinnedTotal = [...pinned.values()].reduce((a, b) => a + b, 0);
  const parts = apportion(
    grids - pinnedTotal,
    free.map((c) => (isResidential(c) ? 3 : 1)),
    1,
  );
  return new Map([...pinned, ...free.map((c, i) => [c.code, parts[i]!] as const)]);
}

/**
 * Which cut cell becomes which real unit: the units that hold the most people
 * (街道 before towns and townships, 社区 before villages) take the densest
 * cells; each group of equal rank is numbered in reading order over its cells,
 * so codes still run roughly west to east, north to south.
 */
export function matchUnitsToCells<U, C extends { cx: number; cy: number }>(
  units: readonly U[],
  cells: readonly C[],
  unitRank: (u: U) => number,
  cellDensity: (c: C) => number,
): [U, C][] {
  if (units.length !== cells.length) throw new Error(`${units.length} units for ${cells.length} cells`);
  const byDensity = [...cells].sort((a, b) => cellDensity(b) - cellDensity(a));
  const ranks = [...new Set(units.map(unitRank))].sort((a, b) => b - a);
  const out: [U, C][] = [];
  for (const rank of ranks) {
    const group = units.filter((u) => unitRank(u) === rank);
    const groupCells = readingOrder(byDensity.splice(0, group.length));
    group.forEach((u, i) => out.push([u, groupCells[i]!]));
  }
  return out;
}

/** 街道 (coded 0xx) first, then towns and townships with more villages first. */
export function streetRank(s: RealStreet): number {
  return (s.code.charAt(6) === '0' ? 10_000 : 0) + s.communities.length;
}

export function communityRank(c: RealCommunity): number {
  return isResidential(c) ? 1 : 0;
}
