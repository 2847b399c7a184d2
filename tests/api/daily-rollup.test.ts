import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildRollups } from '../../server/repositories/daily-rollup.js';
import { createMapRepository } from '../../server/repositories/map-repository.js';
import { createSeededApp, json, SMALL_CITY, type SeededApp } from '../helpers/seeded-app.js';
import { BACKEND } from '../helpers/test-database.js';
import { createUser, login, pickPlaces, pointInGrid, type Session } from '../helpers/identity.js';
import { until } from '../helpers/report-load.js';

/**
 * The daily rollup (migrations/020) behind the window figures, and the heat
 * rollup (migrations/022) behind /api/map/heatmap: after random
 * workflows (reports over the API, then closes, reopens, escalations,
 * re-categorisations and grid re-assignments in SQL, as any writer
 * may make them), every switched endpoint equals direct SQL over the incident
 * rows for random windows (partial-day edges, open ends), filters and scopes;
 * each table equals a fresh GROUP BY; and a rebuild repairs corrupted rows.
 */
let ctx: SeededApp;
let places: Awaited<ReturnType<typeof pickPlaces>>;
let chief: Session;
let handler: Session;
const UNIT = 'sanitation';

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const rnd = random(2026);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const some = <T>(xs: readonly T[]): T[] =>
  xs
    .filter(() => rnd() < 0.5)
    .concat(pick(xs))
    .filter((x, i, a) => a.indexOf(x) === i);

const STATUSES = ['reported', 'filed', 'rejected', 'duplicate', 'dispatched', 'in_progress', 'resolved', 'closed'] as const;
const get = (url: string, s: Session = chief) => ctx.app.inject({ method: 'GET', url, headers: s.read });

beforeAll(async () => {
  ctx = await createSeededApp(SMALL_CITY, { auth: { anonymousRead: false } });
  places = await pickPlaces(ctx.db);
  await createUser(ctx.db, { username: 'r-chief', role: 'commander' });
  await createUser(ctx.db, { username: 'r-handler', role: 'handler', unit: UNIT });
  [chief, handler] = await Promise.all([login(ctx.app, 'r-chief'), login(ctx.app, 'r-handler')]);
  // Reports and transitions over the API: today, past the seeded year.
  const grids = (await ctx.db.query<{ code: string }>('SELECT code FROM grid ORDER BY code')).map((g) => g.code);
  for (let k = 0; k < 6; k++) {
    const [x, y] = await pointInGrid(ctx.db, pick(grids));
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: chief.write,
      payload: { category: 'uncollected_garbage', description: '垃圾桶满溢', location: [x, y], urgency: pick(['red', 'yellow', 'blue']) },
    });
    expect(res.statusCode, res.body).toBe(201);
    const code = json(res).incident.properties.code as string;
    const act = (body: object) => ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/transitions`, headers: chief.write, payload: body });
    const ok = (res: { statusCode: number; body: string }) => expect(res.statusCode, res.body).toBe(200);
    if (k % 3 === 1) {
      ok(await act({ action: 'file' }));
      ok(await act({ action: 'dispatch', units: [UNIT] }));
    } else if (k % 3 === 2) ok(await act({ action: 'reject', note: '非受理范围' }));
  }
  // Random writes over the seeded history, each kind touching a random sample.
  const sample = (n: number) => `(SELECT id FROM incident ORDER BY md5(id::text || '${Math.floor(rnd() * 1e9)}') LIMIT ${n})`;
  await ctx.db.query(`UPDATE incident SET status = 'closed', resolved_at = reported_at + interval '3 hours', closed_at = reported_at + interval '5 hours 7 seconds',
                             dispatched_at = reported_at, due_at = reported_at + interval '4 hours'
                       WHERE id IN ${sample(120)} AND status <> 'closed'`);
  await ctx.db.query(`UPDATE incident SET status = 'in_progress', closed_at = NULL WHERE id IN ${sample(400)} AND status = 'closed'`); // reopen
  await ctx.db.query(`UPDATE incident SET urgency = 'red' WHERE id IN ${sample(80)}`);
  await ctx.db.query(`UPDATE incident SET category_code = 'noise' WHERE id IN ${sample(80)}`);
  await ctx.db.query(
    `UPDATE incident SET dispatched_at = reported_at, due_at = reported_at + interval '2 hours' WHERE id IN ${sample(100)} AND status <> 'reported'`,
  );
  // Grid re-assignment as a publish makes it: a new location re-runs the placing trigger.
  await ctx.db.query(
    `UPDATE incident i SET location = (SELECT ST_PointOnSurface(g.boundary) FROM grid g WHERE g.code = $1)
                       WHERE i.id IN ${sample(40)}`,
    [places.otherGrid],
  );
  // A move inside its own grid: only the heat rollup's cells change.
  await ctx.db.query(
    `UPDATE incident i SET location = (SELECT ST_PointOnSurface(g.boundary) FROM grid g WHERE g.code = i.grid_code) WHERE i.id IN ${sample(40)}`,
  );
});
afterAll(async () => ctx?.close());

/** A random window: unaligned instants, China midnights, an open end, or a few hours inside one day. */
function randomWindow(k: number): { from?: string; to?: string } {
  const start = Date.parse('2025-05-01T00:00:00Z');
  const span = Date.now() + 86_400_000 - start;
  const t = () => start + Math.floor(rnd() * span);
  const midnight = (ms: number) => Math.floor((ms + 8 * 3_600_000) / 86_400_000) * 86_400_000 - 8 * 3_600_000;
  const [a, b] = [t(), t()].sort((x, y) => x - y) as [number, number];
  const iso = (ms: number) => new Date(ms).toISOString();
  switch (k % 6) {
    case 0:
      return { from: iso(a), to: iso(b) };
    case 1:
      return { from: iso(midnight(a)), to: iso(midnight(b) + 86_400_000) };
    case 2:
      return { from: iso(a) };
    case 3:
      return { to: iso(b) };
    case 4:
      return { from: iso(a), to: iso(a + 5 * 3_600_000) };
    default:
      return { from: iso(midnight(Date.now())), to: iso(Date.now() + 3_600_000) };
  }
}
const query = (w: { from?: string; to?: string }) =>
  [w.from ? `from=${encodeURIComponent(w.from)}` : '', w.to ? `to=${encodeURIComponent(w.to)}` : ''].filter(Boolean).join('&');

interface Filter {
  place: string | null;
  categories?: string[];
  urgencies?: string[];
  statuses?: string[];
  unit?: string;
}

/** WHERE text over incident i and its parameters, for a window and filters; nothing shared with the server's SQL. */
function where(w: { from?: string; to?: string }, f: Filter): [string, unknown[]] {
  const params: unknown[] = [];
  const conds = ['true'];
  const add = (sql: (n: number) => string, v: unknown) => conds.push(sql(params.push(v)));
  if (f.place) add((n) => `i.grid_code LIKE $${n} || '%'`, f.place);
  if (w.from) add((n) => `i.reported_at >= $${n}`, w.from);
  if (w.to) add((n) => `i.reported_at < $${n}`, w.to);
  if (f.categories) add((n) => `i.category_code = ANY($${n})`, f.categories);
  if (f.urgencies) add((n) => `i.urgency = ANY($${n})`, f.urgencies);
  if (f.statuses) add((n) => `i.status = ANY($${n})`, f.statuses);
  if (f.unit) add((n) => `i.id IN (SELECT incident_id FROM incident_assignment WHERE unit_code = $${n})`, f.unit);
  return [conds.join(' AND '), params];
}

/** Window figures per child (grid-code prefix of `len`) straight from the incident rows. */
async function windowFigures(w: { from?: string; to?: string }, f: Filter, len: number) {
  const [cond, params] = where(w, f);
  const rows = await ctx.db.query<{ child: string; reported: number; closed: number; cwd: number; cwi: number; secs: number }>(
    `SELECT left(i.grid_code, ${len}) child, count(*)::int reported,
            count(*) FILTER (WHERE i.status = 'closed')::int closed,
            count(*) FILTER (WHERE i.status = 'closed' AND i.due_at IS NOT NULL)::int cwd,
            count(*) FILTER (WHERE i.status = 'closed' AND i.resolved_at <= i.due_at)::int cwi,
            coalesce(sum(extract(epoch FROM i.closed_at - i.reported_at)), 0)::float8 secs
       FROM incident i WHERE ${cond} GROUP BY 1`,
    params,
  );
  return new Map(rows.map((r) => [r.child, r]));
}

/**
 * "Now" figures per child straight from the incident rows, whatever the window: open (not closed, rejected or
 * duplicate), overdue (dispatched or in progress, due before now) and red open.
 */
async function nowFigures(f: Filter, len: number) {
  const [cond, params] = where({}, f);
  const rows = await ctx.db.query<{ child: string; open: number; overdue: number; red_open: number }>(
    `SELECT left(i.grid_code, ${len}) child,
            count(*) FILTER (WHERE i.status NOT IN ('closed', 'rejected', 'duplicate'))::int open,
            count(*) FILTER (WHERE i.status IN ('dispatched', 'in_progress') AND i.due_at < now())::int overdue,
            count(*) FILTER (WHERE i.status NOT IN ('closed', 'rejected', 'duplicate') AND i.urgency = 'red')::int red_open
       FROM incident i WHERE ${cond} GROUP BY 1`,
    params,
  );
  return new Map(rows.map((r) => [r.child, r]));
}
const nowShown = (c: any) => [c.open, c.overdue, c.red_open];
const nowWanted = (r: { open: number; overdue: number; red_open: number } | undefined) => [r?.open ?? 0, r?.overdue ?? 0, r?.red_open ?? 0];

/** The KPIs of README ("KPIs") from window counts, for comparing with an endpoint's. */
function expectedKpis(r: { reported: number; closed: number; cwd: number; cwi: number; secs: number } | undefined) {
  const c = r ?? { reported: 0, closed: 0, cwd: 0, cwi: 0, secs: 0 };
  return {
    reported: c.reported,
    closed: c.closed,
    closed_within_deadline: c.cwi,
    closure_rate: c.reported > 0 ? Math.round((c.closed / c.reported) * 10_000) / 10_000 : null,
    within_deadline_rate: c.cwd > 0 ? Math.round((c.cwi / c.cwd) * 10_000) / 10_000 : null,
    mean_hours_to_close: c.closed > 0 ? Math.round((c.secs / c.closed / 3600) * 10) / 10 : null,
  };
}
const shown = (k: any) => ({
  reported: k.reported,
  closed: k.closed,
  closed_within_deadline: k.closed_within_deadline,
  closure_rate: k.closure_rate,
  within_deadline_rate: k.within_deadline_rate,
  mean_hours_to_close: k.mean_hours_to_close,
});

async function expectOk(url: string, s: Session = chief) {
  const res = await get(url, s);
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return json(res);
}

describe(`daily rollup on ${BACKEND}`, () => {
  it('gives summary, explorer, grid-metrics and category figures equal to direct SQL over random windows, filters and scopes', async () => {
    const categories = (await ctx.db.query<{ code: string }>('SELECT code FROM incident_category')).map((c) => c.code);
    let checked = 0;
    for (let k = 0; k < 8; k++) {
      const w = randomWindow(k);
      const q = query(w);
      // Summary: the city by district, and a district by street; a handler's unit scope reads raw rows only.
      for (const [region, len, who, unit] of [
        [null, 6, chief, undefined],
        [places.district, 9, chief, undefined],
        [null, 6, handler, UNIT],
      ] as const) {
        const body = await expectOk(`/api/stats/summary?${[region ? `region=${region}` : '', q].filter(Boolean).join('&')}`, who);
        const want = await windowFigures(w, { place: region, unit }, len);
        for (const c of body.children) expect(shown(c), `summary ${q} ${c.code}`).toEqual(expectedKpis(want.get(c.code)));
        const now = await nowFigures({ place: region, unit }, len);
        for (const c of body.children) expect(nowShown(c), `summary now ${region} ${unit} ${c.code}`).toEqual(nowWanted(now.get(c.code)));
        expect(body.reported).toBe([...want.values()].reduce((a, r) => a + r.reported, 0));
        checked += body.reported;
      }
      // Explorer children with random attribute filters at a random level.
      const place = pick([null, places.district, places.street, places.community]);
      const f: Filter = { place, categories: some(categories), urgencies: some(['red', 'yellow', 'blue']), statuses: rnd() < 0.5 ? some(STATUSES) : undefined };
      const fq = [
        place ? `region=${place}` : '',
        q,
        `category=${f.categories!.join(',')}`,
        `urgency=${f.urgencies!.join(',')}`,
        f.statuses ? `status=${f.statuses.join(',')}` : '',
      ].filter(Boolean);
      const explored = await expectOk(`/api/explore/children?${fq.join('&')}`);
      const len = place === null ? 6 : place.length === 6 ? 9 : place.length === 9 ? 12 : 15;
      const want = await windowFigures(w, f, len);
      for (const c of explored.children) expect(shown(c), `children ${fq.join('&')} ${c.code}`).toEqual(expectedKpis(want.get(c.code)));
      const now = await nowFigures(f, len);
      for (const c of explored.children) expect(nowShown(c), `children now ${fq.join('&')} ${c.code}`).toEqual(nowWanted(now.get(c.code)));
      const [cond, params] = where(w, { ...f, categories: undefined });
      const cats = await ctx.db.query<{ code: string; reported: number; closed: number }>(
        `SELECT i.category_code code, count(*)::int reported, count(*) FILTER (WHERE i.status = 'closed')::int closed FROM incident i WHERE ${cond} GROUP BY 1`,
        params,
      );
      const catWant = new Map(cats.map((c) => [c.code, c]));
      for (const c of explored.categories)
        expect([c.reported, c.closed], `categories ${c.code}`).toEqual([catWant.get(c.code)?.reported ?? 0, catWant.get(c.code)?.closed ?? 0]);
      const [oc, op] = where({}, { ...f, categories: undefined });
      const openCats = await ctx.db.query<{ code: string; open: number }>(
        `SELECT i.category_code code, count(*)::int open FROM incident i WHERE ${oc} AND i.status NOT IN ('closed', 'rejected', 'duplicate') GROUP BY 1`,
        op,
      );
      const openWant = new Map(openCats.map((c) => [c.code, c.open]));
      for (const c of explored.categories) expect(c.open, `categories open ${c.code}`).toBe(openWant.get(c.code) ?? 0);
      // Series by day and by week (both ends needed; at most two years of days).
      if (w.from && w.to) {
        for (const interval of ['day', 'week'] as const) {
          const series = await expectOk(`/api/explore/series?${fq.join('&')}&interval=${interval}`);
          const [sc, sp] = where(w, f);
          const day = "(i.reported_at AT TIME ZONE 'Asia/Shanghai')::date";
          const rows = await ctx.db.query<{ start: string; reported: number; closed: number }>(
            `SELECT to_char(${interval === 'week' ? `date_trunc('week', ${day})` : day}, 'YYYY-MM-DD') start, count(*)::int reported,
                    count(*) FILTER (WHERE i.status = 'closed')::int closed FROM incident i WHERE ${sc} GROUP BY 1`,
            sp,
          );
          const byStart = new Map(rows.map((r) => [r.start, r]));
          for (const b of series.buckets)
            expect([b.reported, b.closed], `${interval} ${b.start}`).toEqual([byStart.get(b.start)?.reported ?? 0, byStart.get(b.start)?.closed ?? 0]);
          expect(series.buckets.reduce((a: number, b: any) => a + b.reported, 0)).toBe(rows.reduce((a, r) => a + r.reported, 0));
        }
      }
      // The wall: per-grid figures and the category table, city or a district.
      const region = pick([null, places.district]);
      const rq = [region ? `region=${region}` : '', q].filter(Boolean).join('&');
      const metrics = await expectOk(`/api/map/grid-metrics?${rq}`);
      const grids = await windowFigures(w, { place: region }, 15);
      const [gc, gp] = where({}, { place: region });
      const gridsNow = new Map(
        (
          await ctx.db.query<{ code: string; open: number; overdue: number; top: number }>(
            `SELECT i.grid_code code, count(*)::int open,
                    count(*) FILTER (WHERE i.status IN ('dispatched', 'in_progress') AND i.due_at < now())::int overdue,
                    max(CASE i.urgency WHEN 'red' THEN 3 WHEN 'yellow' THEN 2 ELSE 1 END)::int top
               FROM incident i WHERE ${gc} AND i.status NOT IN ('closed', 'rejected', 'duplicate') GROUP BY 1`,
            gp,
          )
        ).map((r) => [r.code, [r.open, r.overdue, r.top]]),
      );
      // [reported, closed, open, overdue, max_open_urgency (0 none, 1 blue, 2 yellow, 3 red), population]
      for (const [code, tuple] of Object.entries(metrics.grids as Record<string, number[]>)) {
        expect(tuple.slice(0, 2), `grid ${code}`).toEqual([grids.get(code)?.reported ?? 0, grids.get(code)?.closed ?? 0]);
        expect(tuple.slice(2, 5), `grid now ${code}`).toEqual(gridsNow.get(code) ?? [0, 0, 0]);
      }
      const [cc, cp] = where(w, { place: region });
      const wallCats = await ctx.db.query<{ code: string; reported: number; closed: number }>(
        `SELECT i.category_code code, count(*)::int reported, count(*) FILTER (WHERE i.status = 'closed')::int closed FROM incident i WHERE ${cc} GROUP BY 1`,
        cp,
      );
      const wallWant = new Map(wallCats.map((c) => [c.code, c]));
      const [wc, wp] = where({}, { place: region });
      const wallOpen = new Map(
        (
          await ctx.db.query<{ code: string; open: number }>(
            `SELECT i.category_code code, count(*)::int open FROM incident i WHERE ${wc} AND i.status NOT IN ('closed', 'rejected', 'duplicate') GROUP BY 1`,
            wp,
          )
        ).map((c) => [c.code, c.open]),
      );
      for (const c of (await expectOk(`/api/stats/categories?${rq}`)).categories) {
        expect([c.reported, c.closed], `wall category ${c.code}`).toEqual([wallWant.get(c.code)?.reported ?? 0, wallWant.get(c.code)?.closed ?? 0]);
        expect(c.open, `wall category open ${c.code}`).toBe(wallOpen.get(c.code) ?? 0);
      }
    }
    expect(checked, 'the windows held incidents').toBeGreaterThan(1000);
  });

  /** The heatmap as it was computed before the heat rollup (every incident of the window, grouped in SQL): the oracle. */
  const HEAT_FROM_ROWS = `SELECT floor(ST_X(i.location) / $8::float8)::int AS cx, floor(ST_Y(i.location) / $8::float8)::int AS cy,
                                 round(((floor(ST_X(i.location) / $8::float8) + 0.5) * $8::float8)::numeric, 5)::float8 AS lon,
                                 round(((floor(ST_Y(i.location) / $8::float8) + 0.5) * $8::float8)::numeric, 5)::float8 AS lat,
                                 count(*)::int AS weight
                            FROM incident i
                           WHERE ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
                             AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $7))
                             AND ($2::timestamptz IS NULL OR i.reported_at >= $2) AND ($3::timestamptz IS NULL OR i.reported_at < $3)
                             AND ($4::text[] IS NULL OR i.category_code = ANY($4)) AND ($5::text[] IS NULL OR i.urgency = ANY($5))
                             AND ($6::text[] IS NULL OR i.status = ANY($6))
                           GROUP BY 1, 2, 3, 4 ORDER BY weight DESC, cx, cy`;

  it('gives heatmap cells equal to grouping the incident rows, over random windows, zooms, places, filters, boxes and scopes', async () => {
    const categories = (await ctx.db.query<{ code: string }>('SELECT code FROM incident_category')).map((c) => c.code);
    const [city] = await ctx.db.query<{ x0: number; y0: number; x1: number; y1: number }>(
      'SELECT min(ST_X(location)) x0, min(ST_Y(location)) y0, max(ST_X(location)) x1, max(ST_Y(location)) y1 FROM incident',
    );
    let weighed = 0;
    for (let k = 0; k < 12; k++) {
      const w = randomWindow(k);
      // Whole zooms at and around both rollup depths (10: district rows, 13: the finest), a fractional one, past the finest.
      const zoom = pick([7, 9, 10, 10.6, 11, 12, 13, 15]);
      const cell = (360 / 2 ** Math.min(13, Math.floor(zoom)) / 256) * 4;
      const place = pick([null, null, places.district, places.street, places.community]);
      const unit = k % 4 === 3 ? UNIT : undefined;
      const filtered = rnd() < 0.5;
      const f = {
        categories: filtered ? some(categories) : undefined,
        urgencies: filtered ? some(['red', 'yellow', 'blue']) : undefined,
        statuses: rnd() < 0.3 ? some(STATUSES) : undefined,
      };
      // A random box inside the city, or none.
      const lerp = (a: number, b: number) => a + rnd() * (b - a);
      const xs = [lerp(city!.x0, city!.x1), lerp(city!.x0, city!.x1)].sort((a, b) => a - b);
      const ys = [lerp(city!.y0, city!.y1), lerp(city!.y0, city!.y1)].sort((a, b) => a - b);
      const bbox = rnd() < 0.4 ? [xs[0]!, ys[0]!, xs[1]!, ys[1]!] : undefined;
      const url = [
        `/api/map/heatmap?zoom=${zoom}&limit=20000`,
        place ? `region=${place}` : '',
        query(w),
        f.categories ? `category=${f.categories.join(',')}` : '',
        f.urgencies ? `urgency=${f.urgencies.join(',')}` : '',
        f.statuses ? `status=${f.statuses.join(',')}` : '',
        bbox ? `bbox=${bbox.join(',')}` : '',
      ]
        .filter(Boolean)
        .join('&');
      const body = await expectOk(url, unit ? handler : chief);
      expect(body.cell_degrees, url).toBe(cell);
      const rows = await ctx.db.query<{ cx: number; cy: number; lon: number; lat: number; weight: number }>(HEAT_FROM_ROWS, [
        place,
        w.from ?? null,
        w.to ?? null,
        f.categories ?? null,
        f.urgencies ?? null,
        f.statuses ?? null,
        unit ?? null,
        cell,
      ]);
      // The box keeps the whole cells that touch it.
      const touches = (r: { cx: number; cy: number }) =>
        !bbox ||
        (r.cx >= Math.floor(bbox[0]! / cell) &&
          r.cx <= Math.floor(bbox[2]! / cell) &&
          r.cy >= Math.floor(bbox[1]! / cell) &&
          r.cy <= Math.floor(bbox[3]! / cell));
      const want = rows.filter(touches).map((r) => [r.lon, r.lat, r.weight]);
      expect(body.truncated, url).toBe(false);
      expect(body.bins, url).toEqual(want);
      // The route reads whichever source is smaller (here the rows: a sparse city); each, forced, gives the same.
      for (const source of ['rollup', 'rows'] as const) {
        const forced = await createMapRepository(ctx.db).heatBins({
          region: place,
          from: w.from ? new Date(w.from) : undefined,
          to: w.to ? new Date(w.to) : undefined,
          unit: unit ?? null,
          bbox: bbox as [number, number, number, number] | undefined,
          cellDegrees: cell,
          limit: 20_000,
          ...f,
          source,
        });
        expect(forced.bins, `${source}: ${url}`).toEqual(want);
      }
      weighed += body.total_weight;
    }
    expect(weighed, 'the windows held incidents').toBeGreaterThan(1000);
  });

  /** The rollup as a fresh GROUP BY of the incidents would write it; nothing shared with migrations/020. */
  const FRESH = `SELECT length(p.code) depth, (i.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day, p.code place_code, i.category_code, i.urgency, i.status,
                        count(*)::int reported,
                        count(*) FILTER (WHERE i.status = 'closed' AND i.due_at IS NOT NULL)::int closed_with_deadline,
                        count(*) FILTER (WHERE i.status = 'closed' AND i.resolved_at <= i.due_at)::int closed_within_deadline,
                        coalesce(sum(extract(epoch FROM i.closed_at - i.reported_at)), 0) close_seconds
                   FROM incident i CROSS JOIN LATERAL (VALUES (i.grid_code), (i.district_code)) p(code)
                  GROUP BY 1, 2, 3, 4, 5, 6`;
  const TABLE = `SELECT depth, day, place_code, category_code, urgency, status, reported, closed_with_deadline, closed_within_deadline, close_seconds
                   FROM incident_daily`;
  /** The heat rollup as a fresh GROUP BY would write it: grid rows at 45/65536° cells, district rows at 8 times that. */
  const FRESH_HEAT = `SELECT length(p.code) depth, (i.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day, p.code place_code,
                             floor(ST_X(i.location) / p.cell)::int cx, floor(ST_Y(i.location) / p.cell)::int cy,
                             i.category_code, i.urgency, i.status, count(*)::int reported
                        FROM incident i CROSS JOIN LATERAL (VALUES (i.grid_code, 45 / 65536::float8), (i.district_code, 45 / 8192::float8)) p(code, cell)
                       GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`;
  const HEAT_TABLE = 'SELECT depth, day, place_code, cx, cy, category_code, urgency, status, reported FROM incident_heat';
  /** Rows in one and not the other, both ways (compared in SQL: thousands of rows), and the fresh count. */
  const difference = async (fresh = FRESH, table = TABLE) => {
    const [d] = await ctx.db.query<{ missing: number; extra: number; n: number }>(
      `WITH f AS (${fresh}), t AS (${table})
       SELECT (SELECT count(*)::int FROM (SELECT * FROM f EXCEPT ALL SELECT * FROM t) x) missing,
              (SELECT count(*)::int FROM (SELECT * FROM t EXCEPT ALL SELECT * FROM f) y) extra,
              (SELECT count(*)::int FROM f) n`,
    );
    return d!;
  };

  it('holds exactly a fresh GROUP BY of the incidents, and `rollup --rebuild` repairs a corrupted table', async () => {
    const before = await difference();
    expect(before.n, 'incidents to roll up').toBeGreaterThan(1000);
    expect(before).toEqual({ missing: 0, extra: 0, n: before.n });
    const heat = await difference(FRESH_HEAT, HEAT_TABLE);
    expect(heat).toEqual({ missing: 0, extra: 0, n: heat.n });
    await ctx.db.query('UPDATE incident_heat SET reported = reported + 3 WHERE (depth, cx) IN (SELECT depth, max(cx) FROM incident_heat GROUP BY 1)');
    await ctx.db.query('DELETE FROM incident_heat WHERE day = (SELECT max(day) FROM incident_heat WHERE depth = 6) AND depth = 6');
    const heatCorrupted = await difference(FRESH_HEAT, HEAT_TABLE);
    expect(heatCorrupted.missing).toBeGreaterThan(0);
    expect(heatCorrupted.extra).toBeGreaterThan(0);
    await ctx.db.query(`UPDATE incident_daily SET reported = reported + 7
                         WHERE (depth, day, place_code) = (SELECT depth, day, place_code FROM incident_daily ORDER BY day DESC, place_code LIMIT 1)`);
    await ctx.db.query('DELETE FROM incident_daily WHERE place_code = (SELECT max(place_code) FROM incident_daily WHERE depth = 15)');
    const corrupted = await difference();
    expect(corrupted.missing).toBeGreaterThan(0);
    expect(corrupted.extra).toBeGreaterThan(0);
    const written = await ctx.db.transaction((tx) => rebuildRollups(tx));
    expect(written).toEqual({ daily: before.n, heat: heat.n });
    expect(await difference()).toEqual({ missing: 0, extra: 0, n: before.n });
    expect(await difference(FRESH_HEAT, HEAT_TABLE)).toEqual({ missing: 0, extra: 0, n: heat.n });
    // Written in key order (migrations/025), as a live table is written day by day: read in physical order, a row is
    // almost never of an earlier depth and day than the row before it (only where the insert filled space freed in an
    // older page), so a window's days lie on neighbouring pages. Written in hash order, about half the rows step back.
    for (const table of ['incident_daily', 'incident_heat']) {
      const [order] = await ctx.db.query<{ back: number; n: number }>(
        `SELECT count(*) FILTER (WHERE (depth, day) < (prev_depth, prev_day))::int AS back, count(*)::int AS n
           FROM (SELECT depth, day, lag(depth) OVER w AS prev_depth, lag(day) OVER w AS prev_day FROM ${table} WINDOW w AS (ORDER BY ctid)) t`,
      );
      expect(order!.n, table).toBe(table === 'incident_daily' ? before.n : heat.n);
      expect(order!.back, table).toBeLessThan(order!.n / 100);
    }
  });

  it('rebuilds on a live database: reports and transitions made meanwhile wait for it, then land on top, exactly', async () => {
    const grids = (await ctx.db.query<{ code: string }>('SELECT code FROM grid ORDER BY code LIMIT 20')).map((g) => g.code);
    const points = await Promise.all(grids.slice(0, 4).map((g) => pointInGrid(ctx.db, g)));
    let writes: Promise<unknown> | undefined;
    const written = await ctx.db.transaction(async (tx) => {
      const n = await rebuildRollups(tx);
      // Written while the rebuild holds its locks, uncommitted: each report's trigger has to wait for the commit.
      writes = Promise.all(
        points.map(async (location) => {
          const res = await ctx.app.inject({
            method: 'POST',
            url: '/api/incidents',
            headers: chief.write,
            payload: { category: 'noise', description: '施工噪音', location, urgency: 'blue' },
          });
          expect(res.statusCode, res.body).toBe(201);
          const code = json(res).incident.properties.code as string;
          const filed = await ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/transitions`, headers: chief.write, payload: { action: 'file' } });
          expect(filed.statusCode, filed.body).toBe(200);
        }),
      );
      // On PostgreSQL the writers are other connections: hold the transaction until one of them is seen waiting on a
      // lock. PGlite has one connection, so its writes queue behind this transaction by construction.
      if (BACKEND === 'postgres') {
        await until(
          async () => {
            const [w] = await tx.query<{ n: number }>(
              "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
            );
            return w!.n > 0;
          },
          30_000,
          'a report waiting for the rebuild',
        );
      }
      return n;
    });
    await writes;
    const [made] = await ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM incident WHERE description = '施工噪音' AND status = 'filed'");
    expect(written.daily).toBeGreaterThan(0);
    expect(made!.n, 'every report and filing landed').toBe(points.length);
    const daily = await difference();
    expect(daily).toEqual({ missing: 0, extra: 0, n: daily.n });
    const heat = await difference(FRESH_HEAT, HEAT_TABLE);
    expect(heat).toEqual({ missing: 0, extra: 0, n: heat.n });
  });
});
