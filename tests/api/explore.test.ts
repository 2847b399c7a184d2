import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededApp, json, type SeededApp } from '../helpers/seeded-app.js';
import { BACKEND } from '../helpers/test-database.js';
import { createUser, login, pickPlaces, type Session } from '../helpers/identity.js';

/**
 * The explorer's aggregates (/api/explore/*, /api/map/heatmap's filters)
 * against direct SQL counts on the seeded city, at every level and under every
 * filter, with incidents placed exactly on district boundaries; and scoping.
 */
let ctx: SeededApp;
let places: Awaited<ReturnType<typeof pickPlaces>>;
let chief: Session;
let leader: Session;
let staff: Session;
/** Incidents on a point shared by grids of two districts: the lowest grid code takes them (migrations/003). */
let edge: { low: string; high: string };

const FROM = '2026-05-01T00:00:00+08:00';
const TO = '2026-06-15T00:00:00+08:00';
const WINDOW = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`;

beforeAll(async () => {
  ctx = await createSeededApp(undefined, { auth: { anonymousRead: false } });
  places = await pickPlaces(ctx.db);
  await createUser(ctx.db, { username: 'x-chief', role: 'commander' });
  await createUser(ctx.db, { username: 'x-leader', role: 'district_leader', scope: places.district });
  await createUser(ctx.db, { username: 'x-staff', role: 'staff', scope: places.street });
  [chief, leader, staff] = await Promise.all([login(ctx.app, 'x-chief'), login(ctx.app, 'x-leader'), login(ctx.app, 'x-staff')]);
  // The demo city sets no deadlines; give some incidents one so overdue, within-deadline and their filters have data.
  await ctx.db.query(`UPDATE incident SET dispatched_at = reported_at + interval '1 hour', due_at = reported_at + interval '5 hours'
                       WHERE status IN ('dispatched', 'in_progress') AND id % 2 = 0`);
  await ctx.db.query(`UPDATE incident SET dispatched_at = reported_at, due_at = reported_at + interval '20 hours', resolved_at = closed_at
                       WHERE status = 'closed' AND id % 3 = 0`);
  // A vertex shared by grids of two districts; three incidents exactly on it.
  const [p] = await ctx.db.query<{ low: string; high: string; x: number; y: number }>(
    `SELECT least(a.code, b.code) low, greatest(a.code, b.code) high, ST_X(v.geom) x, ST_Y(v.geom) y
       FROM grid a JOIN grid b ON a.district_code < b.district_code AND ST_Intersects(a.boundary, b.boundary)
      CROSS JOIN LATERAL ST_DumpPoints(a.boundary) v
      WHERE ST_Intersects(b.boundary, v.geom)
      ORDER BY a.code, b.code LIMIT 1`,
  );
  edge = { low: p!.low, high: p!.high };
  for (const [i, urgency] of (['red', 'yellow', 'blue'] as const).entries()) {
    await ctx.db.query(
      `INSERT INTO incident (code, category_code, urgency, description, location, reported_at, reporter)
       VALUES ($1, 'noise', $2, '边界事件', ST_SetSRID(ST_MakePoint($3, $4), 4326), '2026-06-01T10:00:00+08:00', 'test')`,
      [`SJ20260601${990000 + i}`, urgency, p!.x, p!.y],
    );
  }
});
afterAll(async () => ctx?.close());

const get = (url: string, s: Session = chief) => ctx.app.inject({ method: 'GET', url, headers: s.read });

interface Expected {
  reported: number;
  closed: number;
  open: number;
  overdue: number;
  red_open: number;
  closed_within_deadline: number;
}

/**
 * The figures straight from the incident table, per child code prefix; nothing shared with the route's SQL.
 * Window figures count incidents reported in the window; "now" figures (open, overdue, red open) count every
 * incident open now, whatever its report date (README, "KPIs").
 */
async function direct(prefix: string | null, childLength: number, filter: string, windowed: boolean): Promise<Map<string, Expected>> {
  const inPlace = `substr(grid_code, 1, ${prefix?.length ?? 0}) = $1`;
  const window = windowed ? 'reported_at >= $2 AND reported_at < $3' : '$2::text IS NOT NULL AND $3::text IS NOT NULL';
  const reported = await ctx.db.query<{ child: string; reported: number; closed: number; closed_within_deadline: number }>(
    `SELECT substr(grid_code, 1, ${childLength}) child,
            sum(CASE WHEN true THEN 1 ELSE 0 END)::int reported,
            sum(CASE WHEN status = 'closed' THEN 1 ELSE 0 END)::int closed,
            sum(CASE WHEN status = 'closed' AND resolved_at <= due_at THEN 1 ELSE 0 END)::int closed_within_deadline
       FROM incident WHERE ${inPlace} AND ${filter} AND ${window} GROUP BY 1`,
    [prefix ?? '', FROM, TO],
  );
  const now = await ctx.db.query<{ child: string; open: number; overdue: number; red_open: number }>(
    `SELECT substr(grid_code, 1, ${childLength}) child,
            count(*)::int open,
            sum(CASE WHEN status IN ('dispatched', 'in_progress') AND due_at < now() THEN 1 ELSE 0 END)::int overdue,
            sum(CASE WHEN urgency = 'red' THEN 1 ELSE 0 END)::int red_open
       FROM incident WHERE ${inPlace} AND ${filter} AND status IN ('reported', 'filed', 'dispatched', 'in_progress', 'resolved') GROUP BY 1`,
    [prefix ?? ''],
  );
  const zero: Expected = { reported: 0, closed: 0, open: 0, overdue: 0, red_open: 0, closed_within_deadline: 0 };
  const out = new Map<string, Expected>();
  for (const { child, ...r } of reported) out.set(child, { ...zero, ...r });
  for (const { child, ...n } of now) out.set(child, { ...(out.get(child) ?? zero), ...n });
  return out;
}

/** Query string, the filter it means in SQL, and whether it sets the time window. */
const FILTERS: [string, string, boolean][] = [
  ['', 'true', false],
  [WINDOW, 'true', true],
  ['category=noise,water_leak', "category_code IN ('noise', 'water_leak')", false],
  ['urgency=red', "urgency = 'red'", false],
  ['status=dispatched,in_progress', "status IN ('dispatched', 'in_progress')", false],
  [
    `${WINDOW}&category=noise&urgency=red,blue&status=closed,reported`,
    "category_code = 'noise' AND urgency IN ('red', 'blue') AND status IN ('closed', 'reported')",
    true,
  ],
];

describe(`explorer aggregates on ${BACKEND}`, () => {
  it("gives each child's figures equal to direct SQL, at every level and under every filter", async () => {
    const levels: [string | null, number][] = [
      [null, 6],
      [places.district, 9],
      [places.street, 12],
      [places.community, 15],
      [places.grid, 15],
    ];
    let nonZero = 0;
    for (const [region, childLength] of levels) {
      for (const [query, filter, windowed] of FILTERS) {
        const url = `/api/explore/children?${[region ? `region=${region}` : '', query].filter(Boolean).join('&')}`;
        const res = await get(url);
        expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
        const body = json(res);
        const want = await direct(region, childLength, filter, windowed);
        const pick = (f: Expected) => ({
          reported: f.reported,
          closed: f.closed,
          open: f.open,
          overdue: f.overdue,
          red_open: f.red_open,
          closed_within_deadline: f.closed_within_deadline,
        });
        const zero = { reported: 0, closed: 0, open: 0, overdue: 0, red_open: 0, closed_within_deadline: 0 };
        for (const c of body.children) expect(pick(c), `${url} child ${c.code}`).toEqual(want.get(c.code) ?? zero);
        // Every incident counted once: the children add up to the place, which equals the whole of it.
        const total = [...want.values()].reduce((a, b) => a + b.reported, 0);
        expect(body.totals.reported, url).toBe(total);
        if (region !== places.grid) expect(body.children.reduce((a: number, c: any) => a + c.reported, 0)).toBe(total);
        if (body.totals.overdue > 0) nonZero++;
        const cats = body.categories.reduce((a: number, c: any) => a + c.reported, 0);
        expect(cats, `${url} categories`).toBe(total);
      }
    }
    expect(nonZero, 'some places had overdue incidents').toBeGreaterThan(3);
  });

  it('derives rates from the counts: closure rate, per 1,000 residents, mean time to close', async () => {
    const body = json(await get(`/api/explore/children?region=${places.district}&${WINDOW}`));
    const c = body.children.find((k: any) => k.reported > 0);
    expect(c.closure_rate).toBe(Math.round((c.closed / c.reported) * 10_000) / 10_000);
    expect(c.per_1k).toBe(Math.round((c.reported / c.population) * 100_000) / 100);
    const [m] = await ctx.db.query<{ h: number }>(
      `SELECT round((avg(extract(epoch FROM closed_at - reported_at)) / 3600)::numeric, 1)::float8 h FROM incident
        WHERE street_code = $1 AND status = 'closed' AND reported_at >= $2 AND reported_at < $3`,
      [c.code, FROM, TO],
    );
    expect(c.mean_hours_to_close).toBeCloseTo(m!.h, 1);
    const [pop] = await ctx.db.query<{ p: number }>('SELECT population p FROM region WHERE code = $1', [c.code]);
    expect(c.population).toBe(pop!.p);
  });

  it("counts incidents on a district boundary once, in the lowest grid's district", async () => {
    const low = json(await get(`/api/explore/children?region=${edge.low}&category=noise&from=2026-06-01T00:00:00%2B08:00&to=2026-06-02T00:00:00%2B08:00`));
    const high = json(await get(`/api/explore/children?region=${edge.high}&category=noise&from=2026-06-01T00:00:00%2B08:00&to=2026-06-02T00:00:00%2B08:00`));
    const [n] = await ctx.db.query<{ low: number; high: number }>(
      `SELECT count(*) FILTER (WHERE grid_code = $1)::int low, count(*) FILTER (WHERE grid_code = $2)::int high FROM incident
        WHERE category_code = 'noise' AND reported_at >= '2026-06-01T00:00:00+08:00' AND reported_at < '2026-06-02T00:00:00+08:00'`,
      [edge.low, edge.high],
    );
    expect(low.totals.reported).toBe(n!.low);
    expect(high.totals.reported).toBe(n!.high);
    expect(n!.low).toBeGreaterThanOrEqual(3);
    const city = json(await get('/api/explore/children?category=noise&from=2026-06-01T00:00:00%2B08:00&to=2026-06-02T00:00:00%2B08:00'));
    const [all] = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int n FROM incident WHERE category_code = 'noise' AND reported_at >= '2026-06-01T00:00:00+08:00' AND reported_at < '2026-06-02T00:00:00+08:00'`,
    );
    expect(city.totals.reported).toBe(all!.n);
    expect(city.children.find((d: any) => d.code === edge.low.slice(0, 6)).reported).toBeGreaterThanOrEqual(3);
  });

  it('gives a series by China day and by Monday week that matches direct counts and adds up to the totals', async () => {
    for (const [query, filter] of FILTERS.filter(([q]) => q.includes('from='))) {
      const where = `${filter} AND reported_at >= $2 AND reported_at < $3`;
      const params = [FROM, TO];
      const extra = query.replace(WINDOW, '');
      const days = json(await get(`/api/explore/series?region=${places.district}&${WINDOW}${extra}`));
      expect(days.buckets).toHaveLength(45);
      expect(days.buckets[0].start).toBe('2026-05-01');
      const rows = await ctx.db.query<{ day: string; reported: number; closed: number }>(
        `SELECT to_char(reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, count(*)::int reported,
                count(*) FILTER (WHERE status = 'closed')::int closed
           FROM incident WHERE district_code = $1 AND ${where} GROUP BY 1`,
        [places.district, ...params],
      );
      const byDay = new Map(rows.map((r) => [r.day, r]));
      for (const b of days.buckets)
        expect(b, b.start).toEqual({ start: b.start, reported: byDay.get(b.start)?.reported ?? 0, closed: byDay.get(b.start)?.closed ?? 0 });
      const totals = json(await get(`/api/explore/children?region=${places.district}&${WINDOW}${extra}`)).totals;
      expect(days.buckets.reduce((a: number, b: any) => a + b.reported, 0)).toBe(totals.reported);
      expect(days.buckets.reduce((a: number, b: any) => a + b.closed, 0)).toBe(totals.closed);
      const weeks = json(await get(`/api/explore/series?region=${places.district}&${WINDOW}${extra}&interval=week`));
      expect(weeks.buckets[0].start).toBe('2026-04-27');
      expect(weeks.buckets.every((b: any) => new Date(`${b.start}T00:00:00Z`).getUTCDay() === 1)).toBe(true);
      expect(weeks.buckets.reduce((a: number, b: any) => a + b.reported, 0)).toBe(totals.reported);
    }
  });

  it('filters heatmap bins by category, urgency and status, limited to the region', async () => {
    const [query, filter] = FILTERS[5]!;
    const where = `${filter} AND reported_at >= $2 AND reported_at < $3`;
    const params = [FROM, TO];
    const body = json(await get(`/api/map/heatmap?region=${places.district}&${query}&zoom=12&limit=20000`));
    const [n] = await ctx.db.query<{ n: number }>(`SELECT count(*)::int n FROM incident WHERE district_code = $1 AND ${where}`, [places.district, ...params]);
    expect(body.truncated).toBe(false);
    expect(body.total_weight).toBe(n!.n);
    expect(n!.n).toBeGreaterThan(0);
  });

  it("serves the children's shapes with labels inside them, and a grid's own shape", async () => {
    const res = await get(`/api/explore/shapes?region=${places.street}`);
    expect(res.headers['content-type']).toContain('application/geo+json');
    const fc = json(res);
    const kids = json(await get(`/api/explore/children?region=${places.street}`)).children.map((c: any) => c.code);
    expect(fc.features.map((f: any) => f.id)).toEqual(kids);
    expect(fc.features[0].properties).toMatchObject({ level: 'community' });
    expect(fc.features[0].bbox).toHaveLength(4);
    const grids = json(await get(`/api/explore/shapes?region=${places.community}`));
    expect(grids.features.every((f: any) => f.properties.level === 'grid' && f.id.startsWith(places.community))).toBe(true);
    const own = json(await get(`/api/explore/shapes?region=${places.grid}`));
    expect(own.features.map((f: any) => f.id)).toEqual([places.grid]);
  });

  it("names grids in English by their community's English name and number, in shapes, children, place and /api/grids", async () => {
    const rows = await ctx.db.query<{ code: string; community_en: string }>(
      'SELECT g.code, c.name_en AS community_en FROM grid g JOIN region c ON c.code = g.community_code WHERE g.community_code = $1 ORDER BY g.code',
      [places.community],
    );
    // Spelled out here, not read from grid_name_en (migrations/023): the number drops the code's leading zeros.
    const expected = rows.map((r) => [r.code, `${r.community_en} Grid ${Number(r.code.slice(-3))}`]);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.every(([, en]) => /^[\x20-\x7e]+ Grid [1-9]\d*$/.test(en!))).toBe(true);
    const named = (list: { code: string; name_en: string | null }[]) => list.map((p) => [p.code, p.name_en]);
    const shapes = json(await get(`/api/explore/shapes?region=${places.community}`)).features.map((f: any) => f.properties);
    expect(named(shapes)).toEqual(expected);
    expect(named(json(await get(`/api/explore/children?region=${places.community}`)).children)).toEqual(expected);
    expect(named([json(await get(`/api/explore/children?region=${places.grid}`)).place])).toEqual(expected.slice(0, 1));
    const features = json(await get(`/api/grids?region=${places.community}&simplify=0.001`)).features.map((f: any) => f.properties);
    expect(named(features)).toEqual(expected);
  });

  it("gives a grid's households, masked workers and newest filtered incidents", async () => {
    const body = json(await get(`/api/explore/grids/${places.grid}?status=closed&limit=5`));
    const [g] = await ctx.db.query<{ households: number; population: number }>('SELECT households, population FROM grid WHERE code = $1', [places.grid]);
    expect(body).toMatchObject({ code: places.grid, households: g!.households, population: g!.population });
    expect(body.workers.every((w: any) => /^1\d{2}\*{4}\d{4}$/.test(w.phone))).toBe(true);
    expect(body.recent.length).toBeLessThanOrEqual(5);
    expect(body.recent.every((r: any) => r.status === 'closed')).toBe(true);
    const times = body.recent.map((r: any) => Date.parse(r.reported_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const [newest] = await ctx.db.query<{ code: string }>(
      "SELECT code FROM incident WHERE grid_code = $1 AND status = 'closed' ORDER BY reported_at DESC, id DESC LIMIT 1",
      [places.grid],
    );
    expect(body.recent[0]?.code).toBe(newest?.code);
  });

  it('answers bad input with 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['/api/explore/children?category=bogus', 'category:'],
      ['/api/explore/children?urgency=purple', 'urgency:'],
      ['/api/explore/children?status=lost', 'status:'],
      ['/api/explore/children?region=12', 'querystring.region'],
      ['/api/explore/children?from=yesterday', 'from:'],
      [`/api/explore/children?from=${encodeURIComponent(TO)}&to=${encodeURIComponent(FROM)}`, 'from:'],
      ['/api/explore/children?colour=red', 'querystring.colour'],
      ['/api/explore/series?from=2026-06-02&to=2026-06-01', 'from:'],
      ['/api/explore/series?from=2030-06-02', 'from:'],
      ['/api/explore/series?from=2020-01-01&to=2026-06-01', 'to:'],
      ['/api/explore/series?from=2026-01-01&to=2026-06-01&interval=month', 'querystring.interval'],
      ['/api/explore/grids/123', 'params.code'],
      [`/api/explore/grids/${places.grid}?limit=1000`, 'querystring.limit'],
      ['/api/map/heatmap?category=bogus', 'category:'],
    ];
    for (const [url, field] of cases) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(json(res).error.code).toBe('invalid_parameter');
      expect(json(res).error.message, url).toContain(field);
    }
  });
});

describe(`explorer scoping on ${BACKEND}`, () => {
  it('gives a district leader their district by default, its breadcrumb from the district down, and nothing above', async () => {
    const body = json(await get('/api/explore/children', leader));
    expect(body.place).toMatchObject({ code: places.district, level: 'district' });
    expect(body.ancestors).toEqual([]);
    const deep = json(await get(`/api/explore/children?region=${places.grid}`, leader));
    expect(deep.ancestors.map((a: any) => a.code)).toEqual([places.district, places.street, places.community]);
    const city = json(await get(`/api/explore/children?region=${places.grid}`));
    expect(city.ancestors.map((a: any) => a.level)).toEqual(['city', 'district', 'street', 'community']);
    const street = json(await get(`/api/explore/children?region=${places.grid}`, staff));
    expect(street.ancestors.map((a: any) => a.code)).toEqual([places.street, places.community]);
  });

  it('refuses a district leader anything outside their district with 404, whatever the endpoint', async () => {
    const [city] = await ctx.db.query<{ code: string }>("SELECT code FROM region WHERE level = 'city'");
    const [street] = await ctx.db.query<{ code: string }>('SELECT code FROM region WHERE parent_code = $1 LIMIT 1', [places.otherDistrict]);
    const urls = [
      `/api/explore/children?region=${places.otherDistrict}`,
      `/api/explore/children?region=${city!.code}`,
      `/api/explore/children?region=${street!.code}`,
      `/api/explore/children?region=${places.otherGrid}`,
      `/api/explore/series?region=${places.otherDistrict}&${WINDOW}`,
      `/api/explore/series?region=${places.otherGrid}&${WINDOW}`,
      `/api/explore/shapes?region=${places.otherDistrict}`,
      `/api/explore/shapes?region=${places.otherGrid}`,
      `/api/explore/grids/${places.otherGrid}`,
      `/api/map/heatmap?region=${places.otherDistrict}`,
    ];
    for (const url of urls) {
      const res = await get(url, leader);
      expect(res.statusCode, url).toBe(404);
      expect(json(res).error.code).toBe('not_found');
    }
    // Their own aggregates hold only their district.
    const own = json(await get(`/api/explore/series?${WINDOW}`, leader));
    const [n] = await ctx.db.query<{ n: number }>('SELECT count(*)::int n FROM incident WHERE district_code = $1 AND reported_at >= $2 AND reported_at < $3', [
      places.district,
      FROM,
      TO,
    ]);
    expect(own.buckets.reduce((a: number, b: any) => a + b.reported, 0)).toBe(n!.n);
    const heat = json(await get(`/api/map/heatmap?${WINDOW}&zoom=12&limit=20000`, leader));
    expect(heat.total_weight).toBe(n!.n);
  });

  it('refuses requests without credentials', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/explore/children' });
    expect(res.statusCode).toBe(401);
  });
});
