import type { Database, Queryable } from '../../server/db/database.js';
import { seedSays, SaidError, type Said } from '../../server/cli-messages.js';
import { DEFAULT_PLAN_RULES, type PlanRules } from '../../server/contract/grid-plan-reasons.js';
import { DEFAULT_CALENDAR } from '../../server/workflow/calendar-config.js';
import { createWorkingCalendar, type WorkingCalendar } from '../../server/workflow/working-calendar.js';
import { insertDemoDirectives } from './demo-directives.js';
import { insertDemoUnits } from './demo-units.js';
import { insertDistricts, type DistrictFeature, type InsertOptions } from '../district-import.js';
import { zhuzhouOutline } from '../zhuzhou-outline.js';
import { YOU_COUNTY_CODE, ZHUZHOU, ZHUZHOU_DISTRICTS, type DistrictFact } from '../zhuzhou-facts.js';
import { densityAt, planDistricts, type DistrictPlan } from './city-plan.js';
import { districtFacts, gridsForPopulation } from './district-sizing.js';
import { insertIncidents } from './demo-incidents.js';
import { personName, workerPhone } from './names.js';
import { createScratchTables, cutCells, giveSliversToNeighbours, PARTITION_SQL, SLIVER_PIECE_M2 } from './partition.js';
import { insertGrids, insertRegions, realPlaces, syntheticPlaces, type PlacedGrid, type PlacedRegion } from './place-levels.js';
import { apportion, Random } from './random.js';
import {
  communityCount,
  communityRank,
  districtOf,
  divisionsFor,
  gridsPerCommunity,
  PINNED_COMMUNITIES,
  type RealDistrict,
  streetRank,
  withRealCounts,
} from './real-places.js';

export type { PlacedGrid } from './place-levels.js';

export interface SeedOptions {
  /**
   * Total grids in the city: default 3,261 for the seed city (as reported),
   * else from the population (district-sizing.ts: about one per 370 urban
   * households, larger rural grids).
   */
  grids?: number;
  /**
   * Residents by district code (`--population FILE`), for districts the facts
   * file does not cover (and over it); default an estimate by kind and area.
   */
  population?: ReadonlyMap<string, number>;
  /** Incidents over the last 12 months (default 100,000). */
  incidents?: number;
  seed?: number;
  /**
   * District boundaries: given features, 'outline' (the default: Zhuzhou's
   * real outline, geodata/zhuzhou-outline.geojson) or 'synthetic' (Voronoi
   * cells in a drawn outline: what small test cities use for speed).
   */
  districts?: readonly DistrictFeature[] | 'outline' | 'synthetic';
  /** How given boundaries are checked and the city named (`--make-valid`, `--allow-overlaps`, `--city-name`). */
  districtImport?: InsertOptions;
  now?: Date;
  /** The calendar incident deadlines are counted in; default the server's (2026 PRC holidays and make-up days). */
  calendar?: WorkingCalendar;
  /**
   * Load incidents with row-by-row triggers off where the role may (default
   * true, see bulk-load.ts); false runs the incident trigger and every
   * foreign-key check row by row, as for real reports. Same city either way.
   */
  bulkLoad?: boolean;
  /**
   * Streets and communities: 'real' takes the seed city's units from the
   * statistical division codes (geodata/zhuzhou-divisions.json: real codes,
   * names and counts, pinyin English names), 'synthetic' makes them up
   * (any number, fast: what small test cities use). Default: real when every
   * district is in the extract and there are enough grids for one per real
   * community (1,394), else synthetic.
   */
  places?: 'real' | 'synthetic';
  /**
   * Household bounds of grids (default 200–500 urban, rural unbounded: the
   * defaults plan validation applies); the server passes its configured ones
   * (GRIDSCOPE_GRID_HOUSEHOLDS, GRIDSCOPE_GRID_HOUSEHOLDS_RURAL).
   */
  householdBounds?: PlanRules;
  /** Each step as it starts, in both languages (the CLI prints the operator's). */
  onProgress?: (step: Said) => void;
}

export interface SeedSummary {
  districts: number;
  streets: number;
  communities: number;
  grids: number;
  workers: number;
  incidents: number;
  ms: number;
}

export class CityAlreadySeeded extends SaidError {
  constructor() {
    super(seedSays.alreadySeeded());
    this.name = 'CityAlreadySeeded';
  }
}

/**
 * Builds the demo city in one transaction, so an interrupted run leaves the
 * database empty and the next start simply builds it again.
 */
export async function seedDemoCity(db: Pick<Database, 'transaction'>, options: SeedOptions = {}): Promise<SeedSummary> {
  const started = Date.now();
  const incidents = options.incidents ?? 100_000;
  const random = new Random(options.seed ?? 20220516);
  const now = options.now ?? new Date();
  const progress = options.onProgress ?? (() => undefined);
  if (options.grids !== undefined && options.grids < 1) throw new RangeError('a city needs at least one grid per district');

  return db.transaction(async (tx) => {
    const existing = await tx.query<{ level: string; n: number }>('SELECT level, count(*)::int n FROM region GROUP BY level');
    const count = (level: string) => existing.find((r) => r.level === level)?.n ?? 0;
    if (count('street') > 0) throw new CityAlreadySeeded();
    await createScratchTables(tx);

    progress(seedSays.districts());
    if (count('district') === 0) {
      const districts = options.districts ?? 'outline';
      if (districts === 'synthetic') await insertSyntheticDistricts(tx);
      else if (districts === 'outline') await insertDistricts(tx, zhuzhouOutline());
      else await insertDistricts(tx, districts, options.districtImport);
    }
    const slivers = await giveSliversToNeighbours(tx);
    if (slivers > 0) progress(seedSays.slivers(slivers, SLIVER_PIECE_M2));
    const facts = await districtFacts(tx, options.population);
    if (options.population) {
      const missing = facts.filter((f) => !options.population!.has(f.code)).map((f) => `${f.code} ${f.name}`);
      if (missing.length) progress(seedSays.populationEstimated(missing));
    }
    const seedCity = facts.every((f) => ZHUZHOU_DISTRICTS.some((d) => d.code === f.code));
    const totalGrids = options.grids ?? (seedCity ? ZHUZHOU.reported.grids : gridsForPopulation(facts));
    if (totalGrids < facts.length) throw new RangeError(`a city of ${facts.length} districts needs at least ${facts.length} grids, one each`);
    const real = realDivisions(options.places, facts, totalGrids);
    const planned = planDistricts(facts, totalGrids, random.fork(1));
    const plans = real ? withRealCounts(planned, real, (p) => p.fact.code === YOU_COUNTY_CODE) : planned;
    const planByCode = new Map(plans.map((p) => [p.fact.code, p]));
    const planOf = (code: string) => planByCode.get(code.slice(0, 6))!;

    const streetCount = sum(plans, (p) => p.streets);
    progress(seedSays.streets(streetCount, Boolean(real)));
    await loadParents(tx, `SELECT code, boundary FROM region WHERE level = 'district'`);
    const streetCells = await cutCells(
      tx,
      plans.map((p) => ({ parentCode: p.fact.code, children: p.streets, centres: p.centres })),
      random.fork(2),
    );
    const streets = real
      ? realPlaces(streetCells, (code) => districtOf(real, code).streets, streetRank, planOf)
      : syntheticPlaces('street', streetCells, planOf, random.fork(3));
    await insertRegions(tx, 'street', streets);

    // Communities: real streets have their own; made-up ones get a share of
    // their district's communities by how many people live there (area x density at its centre).
    const realStreets = new Map(real?.flatMap((d) => d.streets.map((s) => [s.code, s] as const)));
    const communityCounts = real
      ? new Map(streets.map((s) => [s.code, realStreets.get(s.code)!.communities.length]))
      : shareByDensity(streets, plans, (p) => p.communities);
    progress(seedSays.communities(sum(plans, (p) => p.communities)));
    await loadParents(tx, `SELECT code, boundary FROM region WHERE level = 'street'`);
    const communityCells = await cutCells(
      tx,
      streets.map((s) => ({ parentCode: s.code, children: communityCounts.get(s.code)!, centres: planOf(s.code).centres })),
      random.fork(4),
    );
    const communities = real
      ? realPlaces(communityCells, (code) => realStreets.get(code)!.communities, communityRank, planOf)
      : syntheticPlaces('community', communityCells, planOf, random.fork(5));
    await insertRegions(tx, 'community', communities);

    const gridCounts = real
      ? new Map(plans.flatMap((p) => [...gridsPerCommunity(districtOf(real, p.fact.code), p.grids)]))
      : shareByDensity(communities, plans, (p) => p.grids);
    progress(seedSays.grids(totalGrids));
    await loadParents(tx, `SELECT code, boundary FROM region WHERE level = 'community'`);
    const gridCells = await cutCells(
      tx,
      communities.map((c) => ({ parentCode: c.code, children: gridCounts.get(c.code)!, centres: planOf(c.code).centres })),
      random.fork(6),
      0, // a grid must be one piece: every piece of a community gets a grid of its own (slivers touching a neighbour went to it before cutting)
    );
    const grids = await insertGrids(
      tx,
      gridCells,
      communities,
      plans,
      real ? PINNED_COMMUNITIES : [],
      options.householdBounds ?? DEFAULT_PLAN_RULES,
      random.fork(7),
    );

    progress(seedSays.workers());
    const workers = await insertWorkers(tx, grids, random.fork(8));
    await insertDemoUnits(tx);
    await tx.exec(`
      UPDATE region r SET population = s.population FROM (
        SELECT left(code, n) AS code, sum(population) AS population FROM grid, (VALUES (6), (9), (12)) l(n) GROUP BY 1
      ) s WHERE r.code = s.code;
      UPDATE region SET population = (SELECT sum(population) FROM grid) WHERE level = 'city';
      DROP TABLE demo_parent, demo_cell;`);

    const calendar = options.calendar ?? createWorkingCalendar(DEFAULT_CALENDAR);
    await insertIncidents(tx, grids, incidents, { now, calendar, bulkLoad: options.bulkLoad ?? true }, random.fork(9), (done) =>
      progress(seedSays.incidents(done, incidents)),
    );
    progress(seedSays.directives());
    await insertDemoDirectives(tx, now);
    return {
      districts: plans.length,
      streets: streets.length,
      communities: communities.length,
      grids: grids.length,
      workers,
      incidents,
      ms: Date.now() - started,
    };
  });
}

/**
 * With no boundary file, districts are Voronoi cells around their real area
 * centroids, inside a city outline drawn around all of them.
 */
async function insertSyntheticDistricts(tx: Queryable): Promise<void> {
  const lons = ZHUZHOU_DISTRICTS.map((d) => d.centroid[0]);
  const lats = ZHUZHOU_DISTRICTS.map((d) => d.centroid[1]);
  await tx.query(
    `INSERT INTO region (code, level, name, name_en, boundary)
     SELECT $1, 'city', $2, $3, ST_Multi(ST_Buffer(ST_ConvexHull(ST_Collect(ST_SetSRID(ST_MakePoint(x, y), 4326))), 0.12, 'quad_segs=4'))
       FROM unnest($4::float8[], $5::float8[]) AS p(x, y)`,
    [ZHUZHOU.code, ZHUZHOU.name, ZHUZHOU.nameEn, lons, lats],
  );
  await loadParents(tx, `SELECT code, boundary FROM region WHERE level = 'city'`);
  await tx.query(PARTITION_SQL, [ZHUZHOU_DISTRICTS.map(() => ZHUZHOU.code), lons, lats, [ZHUZHOU.code], [ZHUZHOU_DISTRICTS.length], 1]);
  await tx.query(
    `INSERT INTO region (code, level, name, name_en, parent_code, boundary)
     SELECT d.code, 'district', d.name, d.name_en, $1, c.boundary
       FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS d(code, name, name_en, seed_no)
       JOIN demo_cell c ON c.seed_no = d.seed_no`,
    [ZHUZHOU.code, ZHUZHOU_DISTRICTS.map((d) => d.code), ZHUZHOU_DISTRICTS.map((d) => d.name), ZHUZHOU_DISTRICTS.map((d) => d.nameEn)],
  );
}

/** The real streets and communities to build, or undefined for made-up ones (see SeedOptions.places). */
function realDivisions(wanted: SeedOptions['places'], facts: readonly DistrictFact[], totalGrids: number): RealDistrict[] | undefined {
  if (wanted === 'synthetic') return undefined;
  const districts = divisionsFor(facts.map((f) => f.code));
  const enough = districts !== undefined && totalGrids >= communityCount(districts);
  if (wanted === 'real' && !enough) {
    throw new RangeError(
      districts ? `real places need at least ${communityCount(districts)} grids, one per community` : 'real places are only known for the seed city (430200)',
    );
  }
  return enough ? districts : undefined;
}

async function loadParents(tx: Queryable, select: string): Promise<void> {
  await tx.exec(`TRUNCATE demo_parent, demo_cell; INSERT INTO demo_parent (code, boundary) ${select};`);
}

/**
 * One worker per grid, plus extra workers (3,402 for 3,261 grids in Zhuzhou)
 * for the most populous grids.
 */
async function insertWorkers(tx: Queryable, grids: PlacedGrid[], random: Random): Promise<number> {
  const total = Math.round((grids.length * ZHUZHOU.reported.gridWorkers) / ZHUZHOU.reported.grids);
  const busiest = [...grids].sort((a, b) => b.population - a.population || a.code.localeCompare(b.code));
  const assignments = [...grids.map((g) => g.code), ...busiest.slice(0, total - grids.length).map((g) => g.code)];
  const names = assignments.map(() => personName(random));
  const phones = assignments.map((_, i) => workerPhone(i));
  await tx.query(
    `WITH w AS (
       INSERT INTO grid_worker (name, phone) SELECT * FROM unnest($1::text[], $2::text[]) RETURNING id, phone
     )
     INSERT INTO grid_worker_assignment (worker_id, grid_code)
     SELECT w.id, a.grid_code FROM unnest($2::text[], $3::text[]) AS a(phone, grid_code) JOIN w USING (phone)`,
    [names, phones, assignments],
  );
  return assignments.length;
}

/** Splits each district's total over its regions by area x density at their centre, at least one each. */
function shareByDensity(regions: PlacedRegion[], plans: DistrictPlan[], total: (p: DistrictPlan) => number): Map<string, number> {
  const out = new Map<string, number>();
  for (const plan of plans) {
    const inDistrict = regions.filter((r) => r.code.startsWith(plan.fact.code));
    // Square root of density: dense centres get more, but the countryside is not starved.
    const weights = inDistrict.map((r) => r.areaKm2 * Math.sqrt(densityAt(plan.centres, r.cx, r.cy)));
    apportion(Math.max(total(plan), inDistrict.length), weights, 1).forEach((n, i) => out.set(inDistrict[i]!.code, n));
  }
  return out;
}

function sum<T>(items: readonly T[], f: (t: T) => number): number {
  return items.reduce((a, t) => a + f(t), 0);
}
