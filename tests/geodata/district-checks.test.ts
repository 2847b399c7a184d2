import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportRejected, insertDistricts, parseDistrictFeatures, type DistrictFeature, type InsertOptions } from '../../geodata/district-import.js';
import { seedDemoCity } from '../../geodata/demo-city/seed-demo-city.js';
import { BACKEND, createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Real boundaries live beside the project, never in it; a user's clone lacks them.
const DISTRICTS = fileURLToPath(new URL('../../../shared/geodata/zhuzhou-430200-districts.geojson', import.meta.url));
const available = existsSync(DISTRICTS);
if (!available) console.warn(`NOTICE: skipping district import checks: ${DISTRICTS} is absent (it is only in the shared workspace)`);

describe('the city name in a boundary file', () => {
  const fc = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    type: 'FeatureCollection',
    ...extra,
    features: [{ type: 'Feature', properties: { adcode: 430102, name: '芙蓉区', ...properties }, geometry: { type: 'Polygon', coordinates: [] } }],
  });
  it.each([
    [fc({ city: '长沙市' }), '长沙市'],
    [fc({ parent: { adcode: 430100, name: '长沙市' } }), '长沙市'],
    [fc({ cityName: ' 长沙市 ' }), '长沙市'],
    [fc({}, { name: '长沙市' }), '长沙市'],
    [fc({ parent: { adcode: 430100 }, acroutes: [100000, 430000, 430100] }), undefined],
  ])('%j names the city %s', (json, name) => {
    expect(parseDistrictFeatures(json).cityName).toBe(name);
  });
});

/**
 * One migrated database for the file: the import checks roll back all they write, then the sliver case (the last
 * describe: describes run in order) builds its small city in it. One copy of the template instead of two.
 */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.dispose());

describe.skipIf(!available)(`checking districts before importing them, on ${BACKEND}`, () => {
  const real = () => parseDistrictFeatures(JSON.parse(readFileSync(DISTRICTS, 'utf8'))).features;
  const geojson = async (sql: string, params: unknown[]) => {
    const [row] = await t.db.query<{ g: string }>(sql, params);
    return JSON.parse(row!.g) as unknown;
  };
  /** Imports in a transaction that is always rolled back; returns the rejection, or the lines reported and the stored areas (km²). */
  const tryImport = (features: DistrictFeature[], options: InsertOptions = {}) =>
    t.db
      .transaction(async (tx) => {
        const lines: string[] = [];
        await insertDistricts(tx, features, { ...options, report: (l) => lines.push(l) });
        const areas = await tx.query<{ code: string; km2: number }>(
          "SELECT code, ST_Area(boundary::geography) / 1e6 km2 FROM region WHERE level = 'district' ORDER BY code",
        );
        throw new RolledBack(lines, new Map(areas.map((a) => [a.code, a.km2])));
      })
      .catch((err: unknown) => err as ImportRejected | RolledBack);

  it("accepts Zhuzhou's real districts as a partition", async () => {
    const got = await tryImport(real());
    expect(got, String(got)).toBeInstanceOf(RolledBack);
    expect((got as RolledBack).lines).toEqual([]);
  });

  it('rejects a county of two parts sharing a border, names --make-valid, and repairs it keeping its area', async () => {
    // 渌口区 cut in two along the meridian through its centre: a MultiPolygon whose parts touch along a line.
    const features = real();
    const i = features.findIndex((f) => f.code === '430212');
    const [cut] = await t.db.query<{ g: string; km2: number; parts: number }>(
      `SELECT ST_AsGeoJSON(ST_Collect(p.geom)) g, ST_Area(g0::geography) / 1e6 km2, count(*)::int parts
         FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) g0) x
         CROSS JOIN LATERAL ST_Dump(ST_Split(ST_UnaryUnion(g0),
           ST_SetSRID(ST_MakeLine(ST_MakePoint(ST_X(ST_Centroid(g0)), ST_YMin(g0) - 1), ST_MakePoint(ST_X(ST_Centroid(g0)), ST_YMax(g0) + 1)), 4326))) p
        GROUP BY g0`,
      [JSON.stringify(features[i]!.geometry)],
    );
    expect(cut!.parts).toBeGreaterThanOrEqual(2);
    features[i] = { ...features[i]!, geometry: JSON.parse(cut!.g) };

    const refused = await tryImport(features);
    expect(refused).toBeInstanceOf(ImportRejected);
    expect((refused as Error).message).toMatch(/feature \d \(430212\): .*Self-intersection/);
    expect((refused as Error).message).toMatch(/rerun with --make-valid/);
    // The same refusal as the CLI prints it by default.
    expect((refused as ImportRejected).messageIn('zh')).toMatch(/^导入被拒绝,未写入任何数据:\n {2}要素 \d\(430212\):几何无效:.*Self-intersection/);
    expect((refused as ImportRejected).messageIn('zh')).toMatch(/加 --make-valid 重新运行可修复无效几何/);

    const repaired = await tryImport(features, { makeValid: true });
    expect(repaired, String(repaired)).toBeInstanceOf(RolledBack);
    const { lines, areas } = repaired as RolledBack;
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^repaired 430212 渌口区 \(.*Self-intersection.*\): area ([\d.]+) km² before, ([\d.]+) km² after$/);
    expect(Math.abs(areas.get('430212')! - cut!.km2) / cut!.km2).toBeLessThan(0.001);
  });

  it('refuses a repair that changes the area (a bow-tie)', async () => {
    const features = real().slice(0, 1);
    features[0] = {
      ...features[0]!,
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [113, 27],
            [113.1, 27.1],
            [113.1, 27],
            [113, 27.1],
            [113, 27],
          ],
        ],
      },
    };
    const got = await tryImport(features, { makeValid: true });
    expect(got).toBeInstanceOf(ImportRejected);
    expect((got as Error).message).toMatch(
      /Self-intersection.*; the repair would change its area 0\.0000 km² before, [\d.]+ km² after \(over 100 %, more than 0\.1 %\)/,
    );
    expect((got as Error).message).toMatch(/Self-intersection.*; the repair would change its area .* more than 0\.1 %/);
  });

  it('reports a district shifted by 0.01° as overlaps and a gap, with area and place, unless told to allow them', async () => {
    const features = real();
    const i = features.findIndex((f) => f.code === '430204');
    const shifted = await geojson('SELECT ST_AsGeoJSON(ST_Translate(ST_GeomFromGeoJSON($1), 0.01, 0)) g', [JSON.stringify(features[i]!.geometry)]);
    features[i] = { ...features[i]!, geometry: shifted };
    // The expected overlaps, straight from PostGIS: every neighbour the shifted district now covers part of.
    const expected = await t.db.query<{ code: string; km2: number }>(
      `SELECT f.code, ST_Area(ST_Intersection(ST_GeomFromGeoJSON($1), ST_GeomFromGeoJSON(f.g))::geography) / 1e6 km2
         FROM unnest($2::text[], $3::text[]) f(code, g)
        WHERE f.code <> '430204' AND ST_Area(ST_Intersection(ST_GeomFromGeoJSON($1), ST_GeomFromGeoJSON(f.g))::geography) > 1e5`,
      [JSON.stringify(shifted), features.map((f) => f.code), features.map((f) => JSON.stringify(f.geometry))],
    );
    expect(expected.length).toBeGreaterThan(0);

    const got = await tryImport(features);
    expect(got).toBeInstanceOf(ImportRejected);
    const message = (got as Error).message;
    for (const e of expected) {
      const [a, b] = [e.code, '430204'].sort();
      const reported = [...message.matchAll(new RegExp(`districts ${a} and ${b} overlap by ([\\d.]+) km² around \\(113\\.\\d+, 2[78]\\.\\d+\\)`, 'g'))];
      const km2 = reported.reduce((s, m) => s + Number(m[1]), 0);
      expect(Math.abs(km2 - e.km2) / e.km2, message).toBeLessThan(0.02);
    }
    expect(message).toMatch(/gap of [\d.]+ km² between districts around \(113\.\d+, 27\.\d+\)/);
    expect(message).toMatch(/larger than 1000 m² .*--allow-overlaps/);
    const zh = (got as ImportRejected).messageIn('zh');
    expect(zh).toMatch(/区县 430204 与 \d{6} 重叠 [\d.]+ km²,位置约 \(113\.\d+, 2[78]\.\d+\)|区县 \d{6} 与 430204 重叠/);
    expect(zh).toMatch(/区县之间有 [\d.]+ km² 的空隙/);

    expect(await tryImport(features, { allowOverlaps: true })).toBeInstanceOf(RolledBack);
  });
});

describe(`sliver pieces of a boundary file, on ${BACKEND}`, () => {
  /** The generator's sliver threshold (README, Demo city): no detached piece under it becomes a grid of its own. */
  const SLIVER_M2 = 1000;
  const square = (x0: number, y0: number, dx: number, dy: number) => [
    [x0, y0],
    [x0 + dx, y0],
    [x0 + dx, y0 + dy],
    [x0, y0 + dy],
    [x0, y0],
  ];
  // 甲区's two slivers of about 20 m × 20 m (~390 m²): one enclosed by 乙区 (an export artefact), one an island touching nothing.
  const enclave = square(113.07, 27.82, 0.0002, 0.00018);
  const island = square(112.95, 27.82, 0.0002, 0.00018);
  const features: DistrictFeature[] = [
    { code: '439901', name: '甲区', geometry: { type: 'MultiPolygon', coordinates: [[square(113.0, 27.8, 0.05, 0.05)], [enclave], [island]] } },
    { code: '439902', name: '乙区', geometry: { type: 'Polygon', coordinates: [square(113.05, 27.8, 0.05, 0.05), [...enclave].reverse()] } },
  ];
  const steps: string[] = [];
  beforeAll(async () => {
    await seedDemoCity(t.db, {
      districts: features,
      districtImport: { cityName: '试验市' },
      grids: 16,
      incidents: 0,
      onProgress: (step) => steps.push(step.en),
    });
  });

  it('gives a sliver enclosed by a neighbour to that neighbour, and makes an island a grid of its own district, in one piece', async () => {
    const holder = (x: number, y: number) =>
      t.db.query<{ code: string; pieces: number }>(
        'SELECT code, ST_NumGeometries(ST_Multi(boundary)) pieces FROM grid WHERE ST_Covers(boundary, ST_SetSRID(ST_MakePoint($1, $2), 4326))',
        [x, y],
      );
    const inEnclave = await holder(113.0701, 27.82009);
    expect(inEnclave).toHaveLength(1);
    expect(inEnclave[0]!.code.slice(0, 6)).toBe('439902');
    const onIsland = await holder(112.9501, 27.82009);
    expect(onIsland).toHaveLength(1);
    expect(onIsland[0]!.code.slice(0, 6)).toBe('439901');
    expect(onIsland[0]!.pieces).toBe(1);
    expect(await t.db.query('SELECT code FROM grid WHERE ST_NumGeometries(ST_Multi(boundary)) <> 1')).toEqual([]);
    expect(steps).toContain('1 sliver piece(s) of districts under 1000 m² given to the neighbouring district they share the longest border with');
  });

  it('makes no grid under the sliver threshold unless its whole community is smaller or it is an island', async () => {
    // An island (touching no other grid) can be nothing but a grid of its own if grids are to be one piece.
    const small = await t.db.query<{ code: string; m2: number }>(
      `SELECT g.code, ST_Area(g.boundary::geography) m2 FROM grid g JOIN region c ON c.code = g.community_code
        WHERE ST_Area(g.boundary::geography) < $1 AND ST_Area(c.boundary::geography) >= $1
          AND EXISTS (SELECT 1 FROM grid o WHERE o.code <> g.code AND ST_Intersects(o.boundary, g.boundary))`,
      [SLIVER_M2],
    );
    expect(small).toEqual([]);
  });

  it("still partitions the file's area: grids, districts and the city hold the same area, with no overlaps", async () => {
    const [r] = await t.db.query<{ file: number; city: number; districts: number; grids: number }>(
      `SELECT (SELECT ST_Area(ST_Union(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326))::geography) FROM unnest($1::text[]) g) file,
              (SELECT ST_Area(boundary::geography) FROM region WHERE level = 'city') city,
              (SELECT sum(ST_Area(boundary::geography)) FROM region WHERE level = 'district') districts,
              (SELECT sum(ST_Area(boundary::geography)) FROM grid) grids`,
      [features.map((f) => JSON.stringify(f.geometry))],
    );
    for (const total of [r!.city, r!.districts, r!.grids]) expect(Math.abs(total - r!.file) / r!.file).toBeLessThan(1e-5);
    const [overlaps] = await t.db.query<{ pairs: number; worst_m2: number | null; invalid: number }>(
      `SELECT count(*)::int pairs, max(ST_Area(ST_Intersection(a.boundary, b.boundary)::geography)) worst_m2,
              (SELECT count(*)::int FROM grid WHERE NOT ST_IsValid(boundary)) invalid
         FROM grid a JOIN grid b ON a.code < b.code AND ST_Intersects(a.boundary, b.boundary)`,
    );
    expect(overlaps!.pairs).toBeGreaterThan(0);
    expect(overlaps!.worst_m2!).toBeLessThan(1);
    expect(overlaps!.invalid).toBe(0);
  });
});

class RolledBack extends Error {
  constructor(
    readonly lines: string[],
    readonly areas: Map<string, number>,
  ) {
    super('rolled back');
  }
}
