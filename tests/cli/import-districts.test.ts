import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import type { Database } from '../../server/db/database.js';
import { openDatabase } from '../../server/db/open-database.js';
import { runCli, type CliRun } from '../helpers/cli-process.js';
import { BACKEND, createTestDatabase, type TestDatabase, unpackMigratedDataDir } from '../helpers/test-database.js';

// Real boundaries live beside the project, never in it; a user's clone lacks them.
const DISTRICTS = fileURLToPath(new URL('../../../shared/geodata/zhuzhou-430200-districts.geojson', import.meta.url));
const available = existsSync(DISTRICTS);
if (!available) console.warn(`NOTICE: skipping the import-districts path: ${DISTRICTS} is absent (it is only in the shared workspace)`);

/** Residents by district of the made-up city; at ~1,000 per urban grid, 36 grids. */
const POPULATION: Record<string, number> = { '439902': 11_000, '439903': 9_000, '439904': 7_000, '439911': 9_000 };

const running: CliRun[] = [];
afterAll(() => {
  for (const r of running) r.child.kill('SIGKILL');
});
const cli = (args: string[], env: Record<string, string>) => {
  const run = runCli(args, env);
  running.push(run);
  return run;
};

/**
 * A city the demo knows nothing about: Zhuzhou's four urban districts under
 * made-up codes of a city 4399, so nothing is taken from the seed city's facts.
 */
function otherCity(dir: string): { file: string; overlapping: string; codes: string[]; geometries: string[] } {
  const all = JSON.parse(readFileSync(DISTRICTS, 'utf8')) as { features: { properties: Record<string, unknown>; geometry: unknown }[] };
  const urban = all.features
    .filter((f) => ['430202', '430203', '430204', '430211'].includes(String(f.properties.adcode)))
    .map((f) => ({ ...f, properties: { adcode: `4399${String(f.properties.adcode).slice(4)}`, name: f.properties.name } }));
  const file = join(dir, 'districts.geojson');
  writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: urban }));
  // The same with one district moved 0.01° east over its neighbours.
  const moved = structuredClone(urban);
  const shift = (c: unknown): unknown =>
    typeof (c as number[])[0] === 'number' ? [(c as number[])[0]! + 0.01, (c as number[])[1]] : (c as unknown[]).map(shift);
  const g = moved[2]!.geometry as { coordinates: unknown };
  g.coordinates = shift(g.coordinates);
  const overlapping = join(dir, 'overlapping.geojson');
  writeFileSync(overlapping, JSON.stringify({ type: 'FeatureCollection', features: moved }));
  return { file, overlapping, codes: urban.map((f) => f.properties.adcode), geometries: urban.map((f) => JSON.stringify(f.geometry)) };
}

/** How many grids there are, how many are not covered by (1 m around) the district of the file they belong to, and the city's name. */
async function gridsOutsideTheirDistricts(db: Database, codes: string[], geometries: string[]) {
  // ST_CoveredBy, not the area of ST_Difference: on PGlite that query came back with no rows at all for some grids.
  const [r] = await db.query<{ grids: number; outside: number }>(
    `SELECT count(*)::int grids,
            count(*) FILTER (WHERE f.geojson IS NULL
                             OR NOT ST_CoveredBy(g.boundary, ST_Buffer(ST_SetSRID(ST_GeomFromGeoJSON(f.geojson), 4326), 0.00001)))::int outside
       FROM grid g LEFT JOIN unnest($1::text[], $2::text[]) f(code, geojson) ON f.code = g.district_code`,
    [codes, geometries],
  );
  const [city] = await db.query<{ name: string }>("SELECT name FROM region WHERE code = '439900'");
  return { ...r!, city: city?.name };
}

describe.skipIf(!available)(`the documented path: import-districts, then serve, on ${BACKEND}`, { timeout: 900_000 }, () => {
  let t: TestDatabase | undefined;
  afterAll(async () => t?.dispose());

  it('refuses overlapping districts, imports sound ones, says what next, and serve builds the demo city on them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-import-'));
    const city = otherCity(dir);
    let env: Record<string, string>;
    // Migrated already, on either backend: the path starts after `gridscope migrate` (tests/db/migrate.test.ts migrates from scratch).
    if (BACKEND === 'postgres') {
      t = await createTestDatabase();
      env = { DATABASE_URL: t.url!, GRIDSCOPE_DEMO_USERS: 'true' };
    } else {
      await unpackMigratedDataDir(join(dir, 'data'));
      env = { GRIDSCOPE_DATA_DIR: join(dir, 'data') };
    }

    // The importer speaks Chinese by default, English when asked (GRIDSCOPE_LANG; tests/geodata/district-checks.test.ts has
    // the English refusals).
    const refused = cli(['import-districts', city.overlapping, '--city-name', '湘东试验市'], { ...env, GRIDSCOPE_LANG: 'zh' });
    expect(await refused.exited, refused.output()).toBe(1);
    expect(refused.output()).toMatch(/导入被拒绝,未写入任何数据/);
    expect(refused.output()).toMatch(/区县 4399\d\d 与 4399\d\d 重叠 [\d.]+ km²,位置约 \(113\.\d+, 27\.\d+\)/);
    expect(refused.output()).toMatch(/或加 --allow-overlaps 按原样导入/);
    expect(refused.output()).not.toMatch(/\n\s+at /);

    const imported = cli(['import-districts', city.file, '--city-name', '湘东试验市'], { ...env, GRIDSCOPE_LANG: 'en' });
    expect(await imported.exited, imported.output()).toBe(0);
    expect(imported.output()).toMatch(/imported 4 districts: 439902 荷塘区, 439903 芦淞区, 439904 石峰区, 439911 天元区/);
    expect(imported.output()).toMatch(/city: 439900 湘东试验市/);
    expect(imported.output()).toMatch(/next: `gridscope serve` \(npm start\) builds the demo city/);

    // No --grids: the total comes from the population file (CSV), one urban grid per ~1,000 residents (README).
    const population = join(dir, 'population.csv');
    writeFileSync(
      population,
      `code,population\n${Object.entries(POPULATION)
        .map(([code, n]) => `${code},${n}`)
        .join('\n')}\n`,
    );
    const serve = cli(['serve'], { ...env, PORT: '0', GRIDSCOPE_DEMO_POPULATION: population, GRIDSCOPE_DEMO_INCIDENTS: '300', GRIDSCOPE_LANG: 'en' });
    // Generous: this waits for the start (a first PGlite start takes minutes on a loaded machine), it does not time it.
    const [, url] = await serve.waitFor(/ready in [\d.]+ s at (http:\/\/\S+\/)/, 600_000);
    expect(serve.output()).toMatch(/demo city ready in [\d.]+ s: 4 districts, .* 36 grids/);
    const login = await fetch(`${url}api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'commander', password: 'gridscope-demo' }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const region = await fetch(`${url}api/regions/439900`, { headers: { cookie } }).then((r) => r.json());
    expect(region.properties ?? region).toMatchObject({ name: '湘东试验市' });
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);

    const db = t?.db ?? (await openDatabase(loadConfig({ GRIDSCOPE_DATA_DIR: join(dir, 'data') })));
    try {
      expect(await gridsOutsideTheirDistricts(db, city.codes, city.geometries)).toEqual({ grids: 36, outside: 0, city: '湘东试验市' });
      // Urban districts (区): their populations from the file, street offices and communities only, grids in the bounds.
      const districts = await db.query<{ code: string; population: number }>("SELECT code, population::int FROM region WHERE level = 'district' ORDER BY code");
      expect(Object.fromEntries(districts.map((d) => [d.code, d.population]))).toEqual(POPULATION);
      const [kinds] = await db.query<{ not_urban: number; outside_bounds: number }>(
        `SELECT (SELECT count(*)::int FROM region WHERE level = 'street' AND name NOT LIKE '%街道'
                    OR level = 'community' AND name NOT LIKE '%社区') not_urban,
                (SELECT count(*)::int FROM grid WHERE households NOT BETWEEN 200 AND 500) outside_bounds`,
      );
      expect(kinds).toEqual({ not_urban: 0, outside_bounds: 0 });
      // Made-up places have English names too: plain ASCII, the level's word last (街道 Subdistrict, 社区 Community).
      const unnamed = await db.query<{ name: string; name_en: string | null }>(
        `SELECT name, name_en FROM region
          WHERE level IN ('street', 'community')
            AND (name_en IS NULL OR name_en !~ '^[A-Z][a-z'']*[0-9]* (Subdistrict|Community)$'
                 OR (level = 'street') <> (name_en LIKE '% Subdistrict'))`,
      );
      expect(unnamed).toEqual([]);
    } finally {
      if (!t) await db.close();
    }
  });
});
