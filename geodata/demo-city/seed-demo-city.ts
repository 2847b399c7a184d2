import type { Database, Queryable } from '../../server/db/database.js';
import { DEFAULT_CALENDAR } from '../../server/workflow/calendar-config.js';
import { createWorkingCalendar, type WorkingCalendar } from '../../server/workflow/working-calendar.js';
import { insertDemoDirectives } from './demo-directives.js';
import { insertDemoUnits } from './demo-units.js';
import { insertDistricts, type DistrictFeature } from '../district-import.js';
import { ZHUZHOU, ZHUZHOU_DISTRICTS, type DistrictFact } from '../zhuzhou-facts.js';
import { densityAt, planDistricts, type DistrictPlan } from './city-plan.js';
import { insertIncidents } from './demo-incidents.js';
import { PlaceNamer, personName, workerPhone } from './names.js';
import { createScratchTables, cutCells, PARTITION_SQL, readingOrder, type Cell } from './partition.js';
import { apportion, Random } from './random.js';

export interface SeedOptions {
  /** Total grids in the city (default 3,261, as reported for Zhuzhou). */
  grids?: number;
  /** Incidents over the last 12 months (default 100,000). */
  incidents?: number;
  seed?: number;
  /** Real district boundaries; without them synthetic shapes are built. */
  districts?: readonly DistrictFeature[];
  now?: Date;
  /** The calendar incident deadlines are counted in; default the server's (2026 PRC holidays and make-up days). */
  calendar?: WorkingCalendar;
  /**
   * Load incidents with row-by-row triggers off where the role may (default
   * true, see bulk-load.ts); false runs the incident trigger and every
   * foreign-key check row by row, as for real reports. Same city either way.
   */
  bulkLoad?: boolean;
  onProgress?: (message: string) => void;
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

export class CityAlreadySeeded extends Error {
  constructor() {
    super('the database already holds a city below district level; seeding needs an empty database');
    this.name = 'CityAlreadySeeded';
  }
}

/**
 * Builds the demo city in one transaction, so an interrupted run leaves the
 * database empty and the next start simply builds it again.
 */
export async function seedDemoCity(db: Database, options: SeedOptions = {}): Promise<SeedSummary> {
  const started = Date.now();
  const totalGrids = options.grids ?? ZHUZHOU.reported.grids;
  const incidents = options.incidents ?? 100_000;
  const random = new Random(options.seed ?? 20220516);
  const now = options.now ?? new Date();
  const progress = options.onProgress ?? (() => undefined);
  if (totalGrids < ZHUZHOU_DISTRICTS.length) throw new RangeError(`a city needs at least ${ZHUZHOU_DISTRICTS.length} grids`);

  return db.transaction(async (tx) => {
    const existing = await tx.query<{ level: string; n: number }>('SELECT level, count(*)::int n FROM region GROUP BY level');
    const count = (level: string) => existing.find((r) => r.level === level)?.n ?? 0;
    if (count('street') > 0) throw new CityAlreadySeeded();
    await createScratchTables(tx);

    progress('districts');
    if (count('district') === 0) {
      if (options.districts?.length) await insertDistricts(tx, options.districts);
      else await insertSyntheticDistricts(tx);
    }
    const facts = await districtFacts(tx);
    const plans = planDistricts(facts, totalGrids, random.fork(1));
    const planByCode = new Map(plans.map((p) => [p.fact.code, p]));

    progress(`streets (${sum(plans, (p) => p.streets)})`);
    await loadParents(tx, `SELECT code, boundary FROM region WHERE level = 'district'`);
    const streetCells = await cutCells(
      tx,
      plans.map((p) => ({ parentCode: p.fact.code, children: p.streets, centres: p.centres })),
      random.fork(2),
    );
    const streets = await insertRegions(tx, 'street', streetCells, (code) => planByCode.get(code)!, random.fork(3));

    // Communities: each street gets a share of its district's communities by
    // how many people live there (area x density at its centre).
    const communityCounts = shareByDensity(streets, plans, (p) => p.communities);
    progress(`communities (${sum(plans, (p) => p.communities)})`);
    await loadParents(tx, `SELECT code, boundary FROM region WHERE level = 'street'`);
    const communityCells = await cutCells(
      tx,
      streets.map((s) => ({ parentCode: s.code, children: communityCounts.get(s.code)!, centres: planByCode.get(s.code.slice(0, 6))!.centres })),
      random.fork(4),
    );
    const communities = await insertRegions(tx, 'community', communityCells, (code) => planByCode.get(code.slice(0, 6))!, random.fork(5));

    const gridCounts = shareByDensity(communities, plans, (p) => p.grids);
    progress(`grids (${totalGrids})`);
    await loadParents(tx, `SELECT code, boundary FROM region WHERE level = 'community'`);
    const gridCells = await cutCells(
      tx,
      communities.map((c) => ({ parentCode: c.code, children: gridCounts.get(c.code)!, centres: planByCode.get(c.code.slice(0, 6))!.centres })),
      random.fork(6),
    );
    const grids = await insertGrids(tx, gridCells, communities, plans, random.fork(7));

    progress('grid workers');
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
      progress(`incidents ${done}/${incidents}`),
    );
    progress('directives');
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

interface PlacedRegion {
  code: string;
  name: string;
  cx: number;
  cy: number;
  areaKm2: number;
}

export interface PlacedGrid extends PlacedRegion {
  population: number;
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
  await tx.query(PARTITION_SQL, [ZHUZHOU_DISTRICTS.map(() => ZHUZHOU.code), lons, lats, [ZHUZHOU.code], [ZHUZHOU_DISTRICTS.length]]);
  await tx.query(
    `INSERT INTO region (code, level, name, name_en, parent_code, boundary)
     SELECT d.code, 'district', d.name, d.name_en, $1, c.boundary
       FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS d(code, name, name_en, seed_no)
       JOIN demo_cell c ON c.seed_no = d.seed_no`,
    [ZHUZHOU.code, ZHUZHOU_DISTRICTS.map((d) => d.code), ZHUZHOU_DISTRICTS.map((d) => d.name), ZHUZHOU_DISTRICTS.map((d) => d.nameEn)],
  );
}

/** Facts for the districts in the database; unknown codes get neutral defaults. */
async function districtFacts(tx: Queryable): Promise<DistrictFact[]> {
  const rows = await tx.query<{ code: string; name: string; name_en: string | null; x: number; y: number; area_km2: number }>(
    `SELECT code, name, name_en, ST_X(ST_PointOnSurface(boundary)) x, ST_Y(ST_PointOnSurface(boundary)) y,
            ST_Area(boundary::geography) / 1e6 area_km2
       FROM region WHERE level = 'district' ORDER BY code`,
  );
  return rows.map((r) => {
    const known = ZHUZHOU_DISTRICTS.find((d) => d.code === r.code);
    if (known) return { ...known, areaKm2: r.area_km2 };
    return {
      code: r.code,
      name: r.name,
      nameEn: r.name_en ?? r.code,
      kind: 'county',
      seat: [r.x, r.y],
      centroid: [r.x, r.y],
      areaKm2: r.area_km2,
      population: Math.round(r.area_km2 * 300),
    };
  });
}

async function loadParents(tx: Queryable, select: string): Promise<void> {
  await tx.exec(`TRUNCATE demo_parent, demo_cell; INSERT INTO demo_parent (code, boundary) ${select};`);
}

/** Numbers cells within each parent in reading order and inserts them as regions. */
async function insertRegions(
  tx: Queryable,
  level: 'street' | 'community',
  cells: Cell[],
  planOf: (parentCode: string) => DistrictPlan,
  random: Random,
): Promise<PlacedRegion[]> {
  const placed: (PlacedRegion & { parent: string; seedNo: number })[] = [];
  for (const [parent, group] of groupBy(cells, (c) => c.parentCode)) {
    const namer = new PlaceNamer(random.fork(Number(parent.slice(-6))));
    const urban = planOf(parent).fact.kind === 'urban district';
    readingOrder(group).forEach((cell, i) => {
      const suffix = level === 'street' ? (urban ? '街道' : random.next() < 0.2 ? '乡' : '镇') : urban ? '社区' : random.next() < 0.25 ? '社区' : '村';
      placed.push({
        code: parent + String(i + 1).padStart(3, '0'),
        name: namer.next() + suffix,
        parent,
        seedNo: cell.seedNo,
        cx: cell.cx,
        cy: cell.cy,
        areaKm2: cell.areaKm2,
      });
    });
  }
  await tx.query(
    `INSERT INTO region (code, level, name, parent_code, boundary)
     SELECT p.code, $1, p.name, p.parent, c.boundary
       FROM unnest($2::text[], $3::text[], $4::text[], $5::int[]) AS p(code, name, parent, seed_no)
       JOIN demo_cell c ON c.parent_code = p.parent AND c.seed_no = p.seed_no`,
    [level, placed.map((p) => p.code), placed.map((p) => p.name), placed.map((p) => p.parent), placed.map((p) => p.seedNo)],
  );
  return placed;
}

async function insertGrids(tx: Queryable, cells: Cell[], communities: PlacedRegion[], plans: DistrictPlan[], random: Random): Promise<PlacedGrid[]> {
  const communityName = new Map(communities.map((c) => [c.code, c.name]));
  const placed: (PlacedGrid & { parent: string; seedNo: number; households: number })[] = [];
  for (const plan of plans) {
    const inDistrict = cells.filter((c) => c.parentCode.startsWith(plan.fact.code));
    // Grids are drawn to balance workload, so populations differ only modestly.
    const populations = apportion(
      plan.fact.population,
      inDistrict.map(() => 0.7 + 0.6 * random.next()),
    );
    const popOf = new Map(inDistrict.map((c, i) => [c, populations[i]!]));
    for (const [parent, group] of groupBy(inDistrict, (c) => c.parentCode)) {
      readingOrder(group).forEach((cell, i) => {
        const population = popOf.get(cell)!;
        placed.push({
          code: parent + String(i + 1).padStart(3, '0'),
          name: `${communityName.get(parent)}第${i + 1}网格`,
          parent,
          seedNo: cell.seedNo,
          cx: cell.cx,
          cy: cell.cy,
          areaKm2: cell.areaKm2,
          population,
          households: Math.round(population / plan.householdSize),
        });
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

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function sum<T>(items: readonly T[], f: (t: T) => number): number {
  return items.reduce((a, t) => a + f(t), 0);
}
