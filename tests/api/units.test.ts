import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, login, pickPlaces, type Session } from '../helpers/identity.js';
import { createSeededApp, json, type SeededApp } from '../helpers/seeded-app.js';
import { BACKEND } from '../helpers/test-database.js';

/**
 * GET /api/units: the units incidents are dispatched to, scoped to the
 * caller. Every expected value is counted here in SQL of its own, not taken
 * from the route's query.
 */
let ctx: SeededApp;
let places: Awaited<ReturnType<typeof pickPlaces>>;
let chief: Session;
let leader: Session;
let dispatcher: Session;

interface UnitBody {
  code: string;
  name: string;
  unit_type: string;
  region_code: string | null;
  region_name: string | null;
  open_assignments: number;
}

beforeAll(async () => {
  ctx = await createSeededApp(undefined, { auth: { anonymousRead: false } });
  places = await pickPlaces(ctx.db);
  await createUser(ctx.db, { username: 'u-chief', role: 'commander' });
  await createUser(ctx.db, { username: 'u-leader', role: 'district_leader', scope: places.district });
  await createUser(ctx.db, { username: 'u-dispatcher', role: 'dispatcher' });
  await createUser(ctx.db, { username: 'u-handler', role: 'handler', unit: 'sanitation' });
  chief = await login(ctx.app, 'u-chief');
  leader = await login(ctx.app, 'u-leader');
  dispatcher = await login(ctx.app, 'u-dispatcher');
});
afterAll(async () => ctx?.close());

const units = async (s: Session, query = '') => {
  const res = await ctx.app.inject({ method: 'GET', url: `/api/units${query}`, headers: s.read });
  expect(res.statusCode, res.body).toBe(200);
  return json<{ units: UnitBody[] }>(res).units;
};

/** Open assignments of a unit over incidents whose grid code starts with `prefix` ('' = everywhere). */
async function openCount(unit: string, prefix: string): Promise<number> {
  const [row] = await ctx.db.query<{ n: number }>(
    `SELECT count(*)::int n FROM incident_assignment a, incident i
      WHERE i.id = a.incident_id AND a.unit_code = $1 AND a.resolved_at IS NULL
        AND i.status IN ('dispatched', 'in_progress') AND starts_with(i.grid_code, $2)`,
    [unit, prefix],
  );
  return row!.n;
}

describe(`GET /api/units on ${BACKEND}`, () => {
  it('gives the commander every unit: the city departments first, then the street offices', async () => {
    const all = await units(chief);
    const rows = await ctx.db.query<{ code: string }>('SELECT code FROM unit ORDER BY region_code IS NOT NULL, region_code, code');
    expect(all.map((u) => u.code)).toEqual(rows.map((r) => r.code));
    const sanitation = all.find((u) => u.code === 'sanitation')!;
    expect(sanitation).toMatchObject({ name: '市环境卫生服务中心', unit_type: 'sanitation', region_code: null, region_name: null });
    expect(sanitation.open_assignments).toBe(await openCount('sanitation', ''));
    expect(sanitation.open_assignments).toBeGreaterThan(0);
    const office = all.find((u) => u.region_code === places.street)!;
    const [street] = await ctx.db.query<{ name: string }>('SELECT name FROM region WHERE code = $1', [places.street]);
    expect(office).toMatchObject({ code: `street_office.${places.street}`, unit_type: 'street_office', region_name: street!.name });
    expect(office.open_assignments).toBe(await openCount(office.code, ''));
  });

  it("gives a district leader the city departments and their own district's street offices, counting only their district's work", async () => {
    const mine = await units(leader);
    const rows = await ctx.db.query<{ code: string }>(
      'SELECT code FROM unit WHERE region_code IS NULL OR starts_with(region_code, $1) ORDER BY region_code IS NOT NULL, region_code, code',
      [places.district],
    );
    expect(mine.map((u) => u.code)).toEqual(rows.map((r) => r.code));
    expect(mine.some((u) => u.region_code?.startsWith(places.otherDistrict))).toBe(false);
    for (const u of mine.filter((x) => x.region_code === null)) expect(u.open_assignments, u.code).toBe(await openCount(u.code, places.district));
  });

  it("keeps the units of the category's type, and those serving a region", async () => {
    const garbage = await units(dispatcher, '?category=uncollected_garbage');
    expect(garbage.map((u) => u.code)).toEqual(['sanitation']);
    const disputes = await units(dispatcher, `?category=neighbour_dispute&region=${places.street}`);
    expect(disputes.map((u) => u.code)).toEqual([`street_office.${places.street}`]);
    const serving = await units(dispatcher, `?region=${places.street}`);
    const rows = await ctx.db.query<{ code: string }>(
      'SELECT code FROM unit WHERE region_code IS NULL OR region_code = $1 ORDER BY region_code IS NOT NULL, region_code, code',
      [places.street],
    );
    expect(serving.map((u) => u.code)).toEqual(rows.map((r) => r.code));
  });

  it('refuses bad input, other districts and roles that do not dispatch', async () => {
    const bad = await ctx.app.inject({ method: 'GET', url: '/api/units?category=nope', headers: chief.read });
    expect(bad.statusCode).toBe(400);
    expect(json(bad).error).toMatchObject({ code: 'invalid_parameter' });
    expect(json(bad).error.message).toContain('category');
    const pattern = await ctx.app.inject({ method: 'GET', url: '/api/units?region=abc', headers: chief.read });
    expect(pattern.statusCode).toBe(400);
    const outside = await ctx.app.inject({ method: 'GET', url: `/api/units?region=${places.otherDistrict}`, headers: leader.read });
    expect(outside.statusCode).toBe(404);
    const handler = await login(ctx.app, 'u-handler');
    expect((await ctx.app.inject({ method: 'GET', url: '/api/units', headers: handler.read })).statusCode).toBe(403);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/units' })).statusCode).toBe(401);
  });
});
