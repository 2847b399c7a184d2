import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/app.js';
import { seedDemoCity } from '../../geodata/demo-city/seed-demo-city.js';
import { createUser, login } from '../helpers/identity.js';
import { json } from '../helpers/seeded-app.js';
import { BACKEND, createSeededDatabase, createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/** The committed extract, read here on its own (not through the generator's loader). */
interface Extract {
  counts: { streets: number; communities: number };
  districts: { code: string; streets: { code: string; name: string; name_en: string; communities: { code: string; name: string; name_en: string }[] }[] }[];
}
const extract = JSON.parse(readFileSync(new URL('../../geodata/zhuzhou-divisions.json', import.meta.url), 'utf8')) as Extract;

// From shared/geodata/zhuzhou-facts.json and the 2023 division codes.
const LIJIACHONG = '430204002003';
const XINTANG = '430211002009';
const YUJIACHONG = '430202002018';

describe(`the seed city's real streets and communities on ${BACKEND}`, () => {
  let t: TestDatabase;
  let app: App;
  beforeAll(async () => {
    // The same city as demo-city.test.ts, so a run builds it once.
    t = await createSeededDatabase({ incidents: 0 });
    app = await buildApp({ db: t.db, auth: { anonymousRead: true } });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await t?.dispose();
  });

  it('has every street and community of the extract, with its code, name and English name, and no other', async () => {
    const rows = await t.db.query<{ code: string; level: string; name: string; name_en: string | null; parent_code: string }>(
      "SELECT code, level, name, name_en, parent_code FROM region WHERE level IN ('street', 'community') ORDER BY code",
    );
    const expected = extract.districts
      .flatMap((d) =>
        d.streets.flatMap((s) => [
          { code: s.code, level: 'street', name: s.name, name_en: s.name_en, parent_code: d.code },
          ...s.communities.map((c) => ({ code: c.code, level: 'community', name: c.name, name_en: c.name_en, parent_code: s.code })),
        ]),
      )
      .sort((a, b) => a.code.localeCompare(b.code));
    expect(rows).toEqual(expected);
    expect(rows.filter((r) => r.level === 'street')).toHaveLength(extract.counts.streets);
    expect(rows.filter((r) => r.level === 'community')).toHaveLength(extract.counts.communities);
  });

  it('counts per district equal the extract (You County: 17 towns and streets, 297 villages and communities)', async () => {
    const rows = await t.db.query<{ district: string; streets: number; communities: number }>(
      `SELECT left(code, 6) district, count(*) FILTER (WHERE level = 'street')::int streets, count(*) FILTER (WHERE level = 'community')::int communities
         FROM region WHERE level IN ('street', 'community') GROUP BY 1 ORDER BY 1`,
    );
    const expected = extract.districts.map((d) => ({
      district: d.code,
      streets: d.streets.length,
      communities: d.streets.reduce((n, s) => n + s.communities.length, 0),
    }));
    expect(rows).toEqual(expected);
    expect(rows.find((r) => r.district === '430223')).toEqual({ district: '430223', streets: 17, communities: 297 });
  });

  it('writes well-formed codes: 9 digits under a district, 12 under a street, 15 under a community', async () => {
    const [bad] = await t.db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM region WHERE level = 'street' AND (code !~ '^[0-9]{9}$' OR left(code, 6) <> parent_code))::int
            + (SELECT count(*) FROM region WHERE level = 'community' AND (code !~ '^[0-9]{12}$' OR left(code, 9) <> parent_code))::int
            + (SELECT count(*) FROM grid WHERE code !~ '^[0-9]{15}$' OR left(code, 12) <> community_code)::int AS n`,
    );
    expect(bad!.n).toBe(0);
  });

  it('keeps 3,261 grids (520 in You County), at least one in every community', async () => {
    const [r] = await t.db.query<{ grids: number; you: number; empty: number }>(
      `SELECT (SELECT count(*) FROM grid)::int grids, (SELECT count(*) FROM grid WHERE district_code = '430223')::int you,
              (SELECT count(*) FROM region c WHERE level = 'community' AND NOT EXISTS (SELECT 1 FROM grid g WHERE g.community_code = c.code))::int empty`,
    );
    expect(r).toEqual({ grids: 3261, you: 520, empty: 0 });
  });

  it('has 石峰区 响石岭街道 李家冲社区 and its 第五网格 of 323 households and 871 residents', async () => {
    const [c] = await t.db.query<{ name: string; street: string; district: string }>(
      `SELECT c.name, s.name street, d.name district FROM region c JOIN region s ON s.code = c.parent_code JOIN region d ON d.code = s.parent_code
        WHERE c.code = $1`,
      [LIJIACHONG],
    );
    expect(c).toEqual({ name: '李家冲社区', street: '响石岭街道', district: '石峰区' });
    const grid = await t.db.query<{ code: string; name: string; households: number; population: number }>(
      'SELECT code, name, households, population FROM grid WHERE community_code = $1 AND right(code, 3) = $2',
      [LIJIACHONG, '005'],
    );
    expect(grid).toEqual([{ code: `${LIJIACHONG}005`, name: '李家冲社区第五网格', households: 323, population: 871 }]);
  });

  it('has 荷塘区 余家冲社区, and 天元区 新塘 with its 9 grids and 9,170 residents', async () => {
    const rows = await t.db.query<{ code: string; name: string; grids: number; residents: number }>(
      `SELECT c.code, c.name, count(g.code)::int grids, sum(g.population)::int residents
         FROM region c JOIN grid g ON g.community_code = c.code WHERE c.code = ANY($1) GROUP BY 1, 2 ORDER BY 1`,
      [[YUJIACHONG, XINTANG]],
    );
    expect(rows[0]).toMatchObject({ code: YUJIACHONG, name: '余家冲社区' });
    expect(rows[1]).toEqual({ code: XINTANG, name: '新塘管理处社区', grids: 9, residents: 9170 });
  });

  it("finds a community by its Chinese or English name through the explorer's search", async () => {
    const search = async (q: string) => json(await app.inject({ method: 'GET', url: `/api/explore/search?q=${encodeURIComponent(q)}` }));
    const byName = await search('李家冲');
    expect(byName.places[0]).toEqual({
      code: LIJIACHONG,
      level: 'community',
      name: '李家冲社区',
      name_en: 'Lijiachong Community',
      parent_name: '响石岭街道',
      parent_name_en: 'Xiangshiling Subdistrict',
    });
    // The community's grids share its name and come after it.
    expect(byName.places.slice(1).every((p: { level: string; code: string }) => p.level === 'grid' && p.code.startsWith(LIJIACHONG))).toBe(true);
    expect((await search('lijiachong community')).places[0].code).toBe(LIJIACHONG);
    expect((await search('Lijiachong Community Grid 5')).places).toEqual([
      expect.objectContaining({ code: `${LIJIACHONG}005`, name: '李家冲社区第五网格', name_en: 'Lijiachong Community Grid 5', parent_name: '李家冲社区' }),
    ]);
    expect((await search('余家冲社区')).places[0].code).toBe(YUJIACHONG);
    expect((await search('李家冲社区第五网格')).places.map((p: { code: string }) => p.code)).toEqual([`${LIJIACHONG}005`]);
    expect((await search('430204002')).places[0]).toMatchObject({ code: '430204002', level: 'street', name: '响石岭街道' });
    // Text is matched as typed: a LIKE wildcard finds nothing.
    expect((await search('%')).places).toEqual([]);
  });

  it("searches only the caller's scope", async () => {
    await createUser(t.db, { username: 'rp-leader', role: 'district_leader', scope: '430202' });
    const leader = await login(app, 'rp-leader');
    const get = async (q: string) =>
      json(await app.inject({ method: 'GET', url: `/api/explore/search?q=${encodeURIComponent(q)}`, headers: leader.read })).places;
    expect(await get('李家冲')).toEqual([]);
    expect((await get('余家冲'))[0].code).toBe(YUJIACHONG);
  });

  it('refuses a search with no text, only spaces or too much, naming the parameter', async () => {
    for (const url of ['/api/explore/search', '/api/explore/search?q=', '/api/explore/search?q=%20%20', `/api/explore/search?q=${'长'.repeat(41)}`]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(json(res).error.code, url).toBe('invalid_parameter');
      expect(json(res).error.message, url).toMatch(/q/);
    }
  });
});

describe(`small cities on ${BACKEND}`, () => {
  it('refuses real places with fewer grids than real communities, and leaves the database empty', async () => {
    const t = await createTestDatabase();
    try {
      await expect(seedDemoCity(t.db, { grids: 40, incidents: 0, places: 'real' })).rejects.toThrow(/at least 1394 grids/);
      const [r] = await t.db.query<{ n: number }>('SELECT count(*)::int n FROM region');
      expect(r!.n).toBe(0);
    } finally {
      await t.dispose();
    }
  });
});
