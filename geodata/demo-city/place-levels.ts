import type { Queryable } from '../../server/db/database.js';
import { gridName } from '../../server/contract/grid-names.js';
import type { HouseholdBounds, PlanRules } from '../../server/contract/grid-plan-reasons.js';
import { fitHouseholds } from './household-fit.js';
import { densityAt, type DistrictPlan, type PopulationCentre } from './city-plan.js';
import { PlaceNamer, placeNameEn } from './names.js';
import { readingOrder, type Cell } from './partition.js';
import { apportion, type Random } from './random.js';
import { matchUnitsToCells, type PinnedCommunity } from './real-places.js';

/** A street or community placed on a cut cell. */
export interface PlacedRegion {
  code: string;
  name: string;
  nameEn: string | null;
  parent: string;
  seedNo: number;
  cx: number;
  cy: number;
  areaKm2: number;
}

export interface PlacedGrid extends Omit<PlacedRegion, 'nameEn'> {
  population: number;
  households: number;
}

/**
 * Made-up names (two place characters + 街道/镇/乡, 社区/村), numbered in
 * reading order within each parent. An urban district is all 街道 and 社区;
 * elsewhere the seat is: the street holding it and those within its core are
 * 街道 and communities in the core of the seat or of a market town 社区, and
 * the countryside is 镇 (a fifth 乡) and 村.
 */
export function syntheticPlaces(
  level: 'street' | 'community',
  cells: readonly Cell[],
  planOf: (parentCode: string) => DistrictPlan,
  random: Random,
): PlacedRegion[] {
  const placed: PlacedRegion[] = [];
  for (const [parent, group] of groupBy(cells, (c) => c.parentCode)) {
    const namer = new PlaceNamer(random.fork(Number(parent.slice(-6))));
    const { fact, centres } = planOf(parent);
    const urban = fact.kind === 'urban district';
    const inCore = (c: Cell, centre: PopulationCentre) => Math.hypot(c.cx - centre.lon, c.cy - centre.lat) <= 1.5 * centre.sigma;
    const seat = centres[0]!;
    const seatStreet = level === 'street' ? nearest(group, seat) : undefined;
    readingOrder(group).forEach((cell, i) => {
      // One draw per rural cell, as before the seat counted, so test cities keep their other names.
      const draw = urban ? 0 : random.next();
      const suffix =
        level === 'street'
          ? urban || cell === seatStreet || inCore(cell, seat)
            ? '街道'
            : draw < 0.2
              ? '乡'
              : '镇'
          : urban || centres.some((c) => inCore(cell, c))
            ? '社区'
            : '村';
      const name = namer.next();
      placed.push({ ...placeOf(cell), code: parent + String(i + 1).padStart(3, '0'), name: name + suffix, nameEn: placeNameEn(name, suffix) });
    });
  }
  return placed;
}

function nearest(cells: readonly Cell[], centre: PopulationCentre): Cell | undefined {
  let best: Cell | undefined;
  for (const c of cells) {
    if (!best || Math.hypot(c.cx - centre.lon, c.cy - centre.lat) < Math.hypot(best.cx - centre.lon, best.cy - centre.lat)) best = c;
  }
  return best;
}

/**
 * Real units (codes, names, English names) on the cells cut for them: within
 * each parent the units that hold the most people take the densest cells.
 */
export function realPlaces<U extends { code: string; name: string; name_en: string }>(
  cells: readonly Cell[],
  unitsOf: (parentCode: string) => readonly U[],
  rank: (u: U) => number,
  planOf: (parentCode: string) => DistrictPlan,
): PlacedRegion[] {
  const placed: PlacedRegion[] = [];
  for (const [parent, group] of groupBy(cells, (c) => c.parentCode)) {
    const centres = planOf(parent).centres;
    for (const [unit, cell] of matchUnitsToCells(unitsOf(parent), group, rank, (c) => densityAt(centres, c.cx, c.cy))) {
      placed.push({ ...placeOf(cell), code: unit.code, name: unit.name, nameEn: unit.name_en });
    }
  }
  return placed.sort((a, b) => a.code.localeCompare(b.code));
}

function placeOf(cell: Cell) {
  return { parent: cell.parentCode, seedNo: cell.seedNo, cx: cell.cx, cy: cell.cy, areaKm2: cell.areaKm2 };
}

export async function insertRegions(tx: Queryable, level: 'street' | 'community', placed: readonly PlacedRegion[]): Promise<void> {
  await tx.query(
    `INSERT INTO region (code, level, name, name_en, parent_code, boundary)
     SELECT p.code, $1, p.name, p.name_en, p.parent, c.boundary
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[]) AS p(code, name, name_en, parent, seed_no)
       JOIN demo_cell c ON c.parent_code = p.parent AND c.seed_no = p.seed_no`,
    [level, placed.map((p) => p.code), placed.map((p) => p.name), placed.map((p) => p.nameEn), placed.map((p) => p.parent), placed.map((p) => p.seedNo)],
  );
}

/**
 * Grids numbered 001..n in reading order within each community. A district's
 * population is spread over its grids, which are drawn to balance workload
 * (so populations differ only modestly), except where the seed facts pin a
 * community's residents or one grid's figures. Households stay inside the
 * planning bounds (`rules`, the ones plan validation applies) where the
 * district has grids enough (see fitsBounds).
 */
export async function insertGrids(
  tx: Queryable,
  cells: readonly Cell[],
  communities: readonly PlacedRegion[],
  plans: readonly DistrictPlan[],
  pinned: readonly PinnedCommunity[],
  rules: PlanRules,
  random: Random,
): Promise<PlacedGrid[]> {
  const communityName = new Map(communities.map((c) => [c.code, c.name]));
  const placed: PlacedGrid[] = [];
  for (const plan of plans) {
    const inDistrict = cells.filter((c) => c.parentCode.startsWith(plan.fact.code));
    const weight = new Map(inDistrict.map((c) => [c, 0.7 + 0.6 * random.next()]));
    const numbered = [...groupBy(inDistrict, (c) => c.parentCode)].flatMap(([parent, group]) =>
      readingOrder(group).map((cell, i) => ({ cell, parent, seq: i + 1 })),
    );
    const fixed = pinnedFigures(numbered, pinned);
    const free = numbered.filter((g) => !fixed.has(g.cell));
    const fixedPopulation = [...fixed.values()].reduce((a, f) => a + f.population, 0);
    const populations = apportion(
      Math.max(0, plan.fact.population - fixedPopulation),
      free.map((g) => weight.get(g.cell)!),
    );
    const boundsOf = (community: string) => (communityName.get(community)!.endsWith('村') ? rules.rural : rules.urban);
    const fit = fitsBounds(plan, numbered.length, rules);
    const households = new Map(
      fit
        ? fitHouseholds(
            free.map((_, i) => populations[i]! / plan.householdSize),
            free.map((g) => boundsOf(g.parent)),
          ).map((h, i) => [free[i]!.cell, h])
        : [],
    );
    // Within the bounds, people follow households (one household size per district), so the total stays exact.
    const freePeople = populations.reduce((a, b) => a + b, 0);
    const people = fit
      ? apportion(
          freePeople,
          free.map((g) => households.get(g.cell)!),
        )
      : populations;
    const population = new Map(free.map((g, i) => [g.cell, people[i]!]));
    for (const { cell, parent, seq } of numbered) {
      const f = fixed.get(cell);
      const residents = f?.population ?? population.get(cell)!;
      const derived = households.get(cell) ?? Math.round(residents / plan.householdSize);
      placed.push({
        ...placeOf(cell),
        code: parent + String(seq).padStart(3, '0'),
        name: gridName(communityName.get(parent)!, seq),
        population: residents,
        households: f?.households ?? (fit ? clampTo(derived, boundsOf(parent)) : derived),
      });
    }
  }
  await tx.query(
    `INSERT INTO grid (code, name, community_code, households, population, boundary)
     SELECT p.code, p.name, p.parent, p.households, p.population, c.boundary
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::int[]) AS p(code, name, parent, seed_no, households, population)
       JOIN demo_cell c ON c.parent_code = p.parent AND c.seed_no = p.seed_no`,
    [
      placed.map((p) => p.code),
      placed.map((p) => p.name),
      placed.map((p) => p.parent),
      placed.map((p) => p.seedNo),
      placed.map((p) => p.households),
      placed.map((p) => p.population),
    ],
  );
  return placed;
}

/**
 * Whether a district's grids are fitted into the household bounds: not when
 * it has more than twice the urban maximum per grid on average (a small test
 * city of a few hundred grids), where no spread could fit and forcing one
 * would leave a few grids holding everyone.
 */
function fitsBounds(plan: DistrictPlan, grids: number, rules: PlanRules): boolean {
  const mean = plan.fact.population / plan.householdSize / Math.max(1, grids);
  return rules.urban.max === null || mean <= 2 * rules.urban.max;
}

function clampTo(x: number, b: HouseholdBounds): number {
  return Math.min(b.max ?? x, Math.max(b.min ?? x, x));
}

/** The populations (and households) the seed facts fix, by cell. */
function pinnedFigures(
  numbered: readonly { cell: Cell; parent: string; seq: number }[],
  pinned: readonly PinnedCommunity[],
): Map<Cell, { population: number; households?: number }> {
  const out = new Map<Cell, { population: number; households?: number }>();
  for (const p of pinned) {
    const grids = numbered.filter((g) => g.parent === p.code);
    if (!grids.length) continue;
    if (p.residents !== undefined)
      apportion(
        p.residents,
        grids.map(() => 1),
      ).forEach((n, i) => out.set(grids[i]!.cell, { population: n }));
    const one = p.grid && grids.find((g) => g.seq === p.grid!.seq);
    if (one) out.set(one.cell, { population: p.grid!.residents, households: p.grid!.households });
  }
  return out;
}

export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
