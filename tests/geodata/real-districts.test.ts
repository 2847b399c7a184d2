import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDistrictFile } from '../../geodata/district-import.js';
import { expectTruePartitions } from '../helpers/partition-checks.js';
import { BACKEND, createSeededDatabase, type TestDatabase } from '../helpers/test-database.js';

// Real boundaries live beside the project, never in it; a user's clone lacks them.
const DISTRICTS = fileURLToPath(new URL('../../../shared/geodata/zhuzhou-430200-districts.geojson', import.meta.url));
const available = existsSync(DISTRICTS);
if (!available) console.warn(`NOTICE: skipping real-district generator tests: ${DISTRICTS} is absent (it is only in the shared workspace)`);

/** Enough that grids of several pieces get many points each (where ST_GeneratePoints used to come up short). */
const INCIDENTS = 20_000;

describe.skipIf(!available)(`the demo city on Zhuzhou's real district boundaries, on ${BACKEND}`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createSeededDatabase({ districts: readDistrictFile(DISTRICTS), incidents: INCIDENTS }, { onlyHere: true });
  });
  afterAll(async () => t?.dispose());

  it('keeps the real districts and their total area (~11,262 km²)', async () => {
    const [city] = await t.db.query<{ km2: number; districts: number }>(
      `SELECT ST_Area(boundary::geography) / 1e6 km2, (SELECT count(*)::int FROM region WHERE level = 'district') districts
         FROM region WHERE level = 'city'`,
    );
    expect(city!.districts).toBe(9);
    expect(Math.abs(city!.km2 - 11262) / 11262).toBeLessThan(0.01);
    const [grids] = await t.db.query<{ n: number }>('SELECT count(*)::int n FROM grid');
    expect(grids!.n).toBe(3261);
  });

  it("writes exactly the incidents it drew, with no gaps in any day's codes, each inside its own grid", async () => {
    const [r] = await t.db.query<{ n: number; gappy_days: number; misplaced: number }>(
      `SELECT (SELECT count(*)::int FROM incident) n,
              (SELECT count(*)::int FROM (SELECT substr(code, 3, 8) d, count(*) c, max(substr(code, 11)::int) m FROM incident GROUP BY 1) x WHERE c <> m) gappy_days,
              (SELECT count(*)::int FROM incident i JOIN grid g ON g.code = i.grid_code WHERE NOT ST_Covers(g.boundary, i.location)) misplaced`,
    );
    expect(r).toEqual({ n: INCIDENTS, gappy_days: 0, misplaced: 0 });
  });

  it('is a true partition at every level', async () => {
    await expectTruePartitions(t.db);
  });

  it('makes every grid one piece, on ragged real borders too, and none a sliver', async () => {
    const rows = await t.db.query<{ code: string; pieces: number }>(
      'SELECT code, ST_NumGeometries(ST_Multi(boundary)) pieces FROM grid WHERE ST_NumGeometries(ST_Multi(boundary)) <> 1',
    );
    expect(rows).toEqual([]);
    // The generator's sliver threshold (README, Demo city): 1,000 m², unless the whole community is smaller.
    const slivers = await t.db.query<{ code: string }>(
      `SELECT g.code FROM grid g JOIN region c ON c.code = g.community_code
        WHERE ST_Area(g.boundary::geography) < 1000 AND ST_Area(c.boundary::geography) >= 1000`,
    );
    expect(slivers).toEqual([]);
  });
});
