import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededApp, json, type SeededApp } from '../helpers/seeded-app.js';
import { BACKEND } from '../helpers/test-database.js';

let ctx: SeededApp;
beforeAll(async () => {
  ctx = await createSeededApp();
});
afterAll(async () => ctx?.close());

const get = (url: string) => ctx.app.inject({ method: 'GET', url });

async function sqlCount(where: string, params: unknown[] = []): Promise<number> {
  const [row] = await ctx.db.query<{ n: number }>(`SELECT count(*)::int n FROM incident WHERE ${where}`, params);
  return row!.n;
}

/** Follows next_cursor to the end, returning every feature. */
async function allPages(url: string): Promise<any[]> {
  const out: any[] = [];
  let next: string | undefined;
  do {
    const res = await get(`${url}${url.includes('?') ? '&' : '?'}limit=700${next ? `&cursor=${next}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    const page = json(res);
    out.push(...page.features);
    next = page.next_cursor;
  } while (next);
  return out;
}

describe(`incidents API on ${BACKEND}`, () => {
  it('pages through a filter without gaps or repeats, newest first', async () => {
    // A date alone is that day's 00:00 in China time (UTC+8), the day every figure is counted by.
    const features = await allPages('/api/incidents?from=2026-01-01&to=2026-05-01');
    const expected = await sqlCount("reported_at >= '2026-01-01T00:00:00+08:00' AND reported_at < '2026-05-01T00:00:00+08:00'");
    expect(expected).toBeGreaterThan(700); // more than one page
    expect(features).toHaveLength(expected);
    expect(new Set(features.map((f) => f.id)).size).toBe(expected);
    const times = features.map((f) => Date.parse(f.properties.reported_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it.each([
    ['category=uncollected_garbage,road_damage', "category_code IN ('uncollected_garbage', 'road_damage')"],
    ['urgency=red', "urgency = 'red'"],
    ['status=in_progress,dispatched', "status IN ('in_progress', 'dispatched')"],
    ['bbox=113.1,27.8,113.2,27.9', 'location && ST_MakeEnvelope(113.1, 27.8, 113.2, 27.9, 4326)'],
    ['from=2026-06-01T00:00:00%2B08:00', "reported_at >= '2026-06-01T00:00:00+08:00'"],
  ])('filters by %s like SQL does', async (query, where) => {
    const features = await allPages(`/api/incidents?${query}`);
    expect(features.length).toBe(await sqlCount(where));
    expect(features.length).toBeGreaterThan(0);
  });

  it('filters by street and community codes', async () => {
    const [row] = await ctx.db.query<{ street_code: string; community_code: string }>(
      'SELECT street_code, community_code FROM incident GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1',
    );
    expect((await allPages(`/api/incidents?region=${row!.street_code}`)).length).toBe(await sqlCount('street_code = $1', [row!.street_code]));
    expect((await allPages(`/api/incidents?region=${row!.community_code}`)).length).toBe(await sqlCount('community_code = $1', [row!.community_code]));
  });

  it('caps the page size and returns GeoJSON points', async () => {
    const res = await get('/api/incidents');
    const page = json(res);
    expect(res.headers['content-type']).toContain('application/geo+json');
    expect(page.features).toHaveLength(500);
    expect(page.next_cursor).toEqual(expect.any(String));
    const f = page.features[0];
    expect(f.geometry.type).toBe('Point');
    expect(f.properties).toMatchObject({ urgency: expect.stringMatching(/^(red|yellow|blue)$/), grid_code: expect.stringMatching(/^\d{15}$/) });
  });
});

describe(`stats summary on ${BACKEND}`, () => {
  it('equals direct SQL for the city and its districts', async () => {
    const body = json(await get('/api/stats/summary?from=2026-01-01&to=2026-06-01'));
    // reported and closed follow the window; open is a "now" figure over every incident open now.
    const rows = await ctx.db.query<{ district_code: string; reported: number; closed: number; open: number }>(
      `SELECT district_code,
              count(*) FILTER (WHERE reported_at >= '2026-01-01T00:00:00+08:00' AND reported_at < '2026-06-01T00:00:00+08:00')::int reported,
              count(*) FILTER (WHERE status = 'closed' AND reported_at >= '2026-01-01T00:00:00+08:00'
                                 AND reported_at < '2026-06-01T00:00:00+08:00')::int closed,
              count(*) FILTER (WHERE status NOT IN ('closed', 'rejected', 'duplicate'))::int open
         FROM incident GROUP BY 1`,
    );
    const total = rows.reduce((a, r) => a + r.reported, 0);
    expect(body.region.code).toBe('430200');
    expect(body.reported).toBe(total);
    expect(body.closed).toBe(rows.reduce((a, r) => a + r.closed, 0));
    expect(body.children).toHaveLength(9);
    for (const r of rows) {
      const child = body.children.find((c: any) => c.code === r.district_code);
      expect(child).toMatchObject({ reported: r.reported, closed: r.closed, open: r.open });
      expect(child.closure_rate).toBeCloseTo(r.closed / r.reported, 4);
    }
  });

  it('breaks a district down by street, including streets with no incidents', async () => {
    const body = json(await get('/api/stats/summary?region=430225'));
    const streets = await ctx.db.query<{ code: string; name: string; name_en: string | null; population: number | null }>(
      "SELECT code, name, name_en, population FROM region WHERE parent_code = '430225' ORDER BY code",
    );
    expect(body.children.map((c: any) => c.code)).toEqual(streets.map((s) => s.code));
    // Each named in both languages, as the region table has them (the home page's legend shows both), with its residents
    // (the wall's ranking per 1,000 residents: a street's wall has no outlines of its communities to read them from).
    expect(body.children.map((c: any) => [c.name, c.name_en, c.population])).toEqual(streets.map((s) => [s.name, s.name_en, s.population]));
    expect(streets.some((s) => s.population)).toBe(true);
    expect(streets.some((s) => s.name_en)).toBe(true);
    expect(body.reported).toBe(await sqlCount("district_code = '430225'"));
    expect(body.children.reduce((a: number, c: any) => a + c.reported, 0)).toBe(body.reported);
  });

  it('breaks a community down by grid', async () => {
    const [c] = await ctx.db.query<{ community_code: string }>('SELECT community_code FROM incident GROUP BY 1 ORDER BY count(*) DESC LIMIT 1');
    const body = json(await get(`/api/stats/summary?region=${c!.community_code}`));
    expect(body.region.level).toBe('community');
    expect(body.children.every((g: any) => /^\d{15}$/.test(g.code))).toBe(true);
    // A grid's English name: its community's, then its number within the community (the code's last three digits).
    const [community] = await ctx.db.query<{ name_en: string | null }>('SELECT name_en FROM region WHERE code = $1', [c!.community_code]);
    expect(community!.name_en).toBeTruthy();
    expect(body.children.map((g: any) => g.name_en)).toEqual(body.children.map((g: any) => `${community!.name_en} Grid ${Number(g.code.slice(-3))}`));
    const grids = await ctx.db.query<{ code: string; population: number }>('SELECT code, population FROM grid_all WHERE code = ANY($1::text[])', [
      body.children.map((g: any) => g.code),
    ]);
    expect(body.children.map((g: any) => g.population)).toEqual(body.children.map((g: any) => grids.find((r) => r.code === g.code)!.population));
    expect(body.reported).toBe(await sqlCount('community_code = $1', [c!.community_code]));
  });

  it('gives a null closure rate, not NaN, when nothing was reported', async () => {
    const body = json(await get('/api/stats/summary?from=2020-01-01&to=2020-01-02'));
    expect(body).toMatchObject({ reported: 0, closed: 0, closure_rate: null });
    expect(body.open).toBe(await sqlCount("status NOT IN ('closed', 'rejected', 'duplicate')"));
  });
});
