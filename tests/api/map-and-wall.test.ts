import { brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededApp, json, type SeededApp } from '../helpers/seeded-app.js';
import { BACKEND } from '../helpers/test-database.js';

let ctx: SeededApp;
beforeAll(async () => {
  ctx = await createSeededApp();
});
afterAll(async () => ctx?.close());

const get = (url: string, headers: Record<string, string> = {}) => ctx.app.inject({ method: 'GET', url, headers });
const WINDOW = 'from=2026-05-16T00:00:00%2B08:00&to=2026-06-15T12:00:00Z';
const WINDOW_SQL = "reported_at >= '2026-05-16T00:00:00+08:00' AND reported_at < '2026-06-15T12:00:00Z'";

describe(`map API on ${BACKEND}`, () => {
  it('serves slim, cacheable grid polygons keyed by code', async () => {
    const res = await get('/api/map/grids');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/geo+json');
    expect(res.headers['cache-control']).toMatch(/private, max-age=\d+/);
    const fc = json(res);
    const [{ n }] = (await ctx.db.query<{ n: number }>('SELECT count(*)::int n FROM grid')) as [{ n: number }];
    expect(fc.features).toHaveLength(n);
    expect(Object.keys(fc.features[0].properties)).toEqual(['population']);
    expect(typeof fc.features[0].id).toBe('number');
    expect(String(fc.features[0].id)).toMatch(/^\d{15}$/);
    const again = await get('/api/map/grids', { 'if-none-match': String(res.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  // Issue 17: the wall asks with tiles=auto. Over the threshold (a server given a low one): tests/browser/wall.test.ts.
  it('with tiles=auto, sends the polygons of a region under the grid threshold, and names a bad tiles value', async () => {
    const [{ n }] = (await ctx.db.query<{ n: number }>('SELECT count(*)::int n FROM grid')) as [{ n: number }];
    // The default threshold (20,000) is far above the seeded city: the same polygons as without tiles=auto.
    const answer = json(await get('/api/map/grids?tiles=auto'));
    expect(answer.tiled).toBeUndefined();
    expect(answer.features).toHaveLength(n);
    const bad = await get('/api/map/grids?tiles=always');
    expect(bad.statusCode).toBe(400);
    expect(json(bad).error.message).toContain('tiles');
  });

  it('gives per-grid figures equal to direct SQL, for every grid', async () => {
    const body = json(await get(`/api/map/grid-metrics?${WINDOW}`));
    expect(body.fields).toEqual(['reported', 'closed', 'open', 'overdue', 'max_open_urgency', 'population']);
    const [{ n }] = (await ctx.db.query<{ n: number }>('SELECT count(*)::int n FROM grid')) as [{ n: number }];
    expect(Object.keys(body.grids)).toHaveLength(n);
    const rows = await ctx.db.query<{ grid_code: string; reported: number; closed: number; red_open: number }>(
      `SELECT grid_code, count(*)::int reported, count(*) FILTER (WHERE status = 'closed')::int closed,
              count(*) FILTER (WHERE urgency = 'red' AND status NOT IN ('closed', 'rejected', 'duplicate'))::int red_open
         FROM incident WHERE ${WINDOW_SQL} GROUP BY 1`,
    );
    for (const r of rows.slice(0, 50)) {
      const [reported, closed, , , urgency] = body.grids[r.grid_code];
      expect([reported, closed]).toEqual([r.reported, r.closed]);
      if (r.red_open > 0) expect(urgency).toBe(3);
    }
  });

  it('answers an empty window with zero window figures and the open incidents of now, not an error', async () => {
    const body = json(await get('/api/map/grid-metrics?from=2020-01-01&to=2020-01-02'));
    expect(Object.values(body.grids).every((g: any) => g[0] === 0 && g[1] === 0)).toBe(true);
    // Open and overdue are "now" figures: whatever the window, every open incident counts.
    const [now] = await ctx.db.query<{ open: number; overdue: number }>(
      `SELECT count(*) FILTER (WHERE status NOT IN ('closed', 'rejected', 'duplicate'))::int open,
              count(*) FILTER (WHERE status IN ('dispatched', 'in_progress') AND due_at < now())::int overdue FROM incident i JOIN grid g ON g.code = i.grid_code`,
    );
    expect(Object.values(body.grids).reduce((a: number, g: any) => a + g[2], 0)).toBe(now!.open);
    expect(Object.values(body.grids).reduce((a: number, g: any) => a + g[3], 0)).toBe(now!.overdue);
  });

  // Issue 17: the wall of a 100k-grid city reads the columnar shape, written by the database and revalidated by ETag.
  it('answers shape=columns and the default record with the six figures of every grid equal to direct SQL, aligned with the codes', async () => {
    const expected = await ctx.db.query<{ code: string; figures: number[] }>(
      `SELECT g.code, ARRAY[
                (SELECT count(*) FROM incident i WHERE i.grid_code = g.code AND ${WINDOW_SQL}),
                (SELECT count(*) FROM incident i WHERE i.grid_code = g.code AND ${WINDOW_SQL} AND status = 'closed'),
                (SELECT count(*) FROM incident i WHERE i.grid_code = g.code AND status NOT IN ('closed', 'rejected', 'duplicate')),
                (SELECT count(*) FROM incident i WHERE i.grid_code = g.code AND status IN ('dispatched', 'in_progress') AND due_at < now()),
                (SELECT coalesce(max(CASE urgency WHEN 'red' THEN 3 WHEN 'yellow' THEN 2 ELSE 1 END), 0) FROM incident i
                  WHERE i.grid_code = g.code AND status NOT IN ('closed', 'rejected', 'duplicate')),
                g.population]::int[] AS figures
         FROM grid g ORDER BY g.code COLLATE "C"`,
    );
    const columns = await get(`/api/map/grid-metrics?${WINDOW}&shape=columns`);
    expect(columns.statusCode).toBe(200);
    expect(columns.headers['content-type']).toContain('application/json');
    const body = json(columns);
    expect(Object.keys(body)).toEqual(['from', 'to', 'fields', 'codes', 'columns']);
    expect([body.from, body.to]).toEqual([new Date('2026-05-16T00:00:00+08:00').toISOString(), '2026-06-15T12:00:00.000Z']);
    expect(Object.keys(body.columns)).toEqual(body.fields);
    expect(body.codes).toEqual(expected.map((r) => r.code));
    const rows = body.codes.map((_: string, n: number) => body.fields.map((f: string) => body.columns[f][n]));
    expect(rows).toEqual(expected.map((r) => r.figures));
    // Several classes of figures, not a city of zeros.
    expect(new Set(rows.map((r: number[]) => r[0])).size).toBeGreaterThan(2);
    const record = json(await get(`/api/map/grid-metrics?${WINDOW}`));
    expect(record.grids).toEqual(Object.fromEntries(expected.map((r) => [r.code, r.figures])));
  });

  it('sends grid figures with an ETag: 304 while unchanged, compressed to the same bytes, a new tag once a figure moves', async () => {
    const url = `/api/map/grid-metrics?${WINDOW}&shape=columns&region=430202`;
    const first = await get(url);
    const etag = String(first.headers.etag);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    expect((await get(url, { 'if-none-match': etag })).statusCode).toBe(304);
    const br = await get(url, { 'accept-encoding': 'br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(first.body);
    expect(first.body.length).toBeGreaterThan(br.rawPayload.length * 3);
    // An open incident of the district is rejected: its grid's open count drops, and the answer is no longer the one held.
    const [moved] = await ctx.db.query<{ id: number; grid_code: string; status: string }>(
      "SELECT id, grid_code, status FROM incident WHERE district_code = '430202' AND status NOT IN ('closed', 'rejected', 'duplicate') ORDER BY id LIMIT 1",
    );
    const openOf = (b: any) => b.columns.open[b.codes.indexOf(moved!.grid_code)];
    await ctx.db.query("UPDATE incident SET status = 'rejected' WHERE id = $1", [moved!.id]);
    try {
      const after = await get(url, { 'if-none-match': etag });
      expect(after.statusCode).toBe(200);
      expect(openOf(json(after))).toBe(openOf(json(first)) - 1);
    } finally {
      await ctx.db.query('UPDATE incident SET status = $2 WHERE id = $1', [moved!.id, moved!.status]);
    }
  });

  it('aggregates heatmap bins whose weights add up to the incidents in the window', async () => {
    const res = await get(`/api/map/heatmap?${WINDOW}&zoom=9`);
    expect(res.statusCode).toBe(200);
    const body = json(res);
    const [{ n }] = (await ctx.db.query<{ n: number }>(`SELECT count(*)::int n FROM incident WHERE ${WINDOW_SQL}`)) as [{ n: number }];
    expect(body.truncated).toBe(false);
    expect(body.total_weight).toBe(n);
    expect(body.bins.length).toBeLessThan(n);
    expect(body.cell_degrees).toBeCloseTo((360 / 512 / 256) * 4, 8);
    for (const [lon, lat, w] of body.bins) {
      expect(lon).toBeGreaterThan(100);
      expect(lat).toBeGreaterThan(20);
      expect(w).toBeGreaterThan(0);
    }
    // Heaviest first, and the limit bounds the answer.
    const capped = json(await get(`/api/map/heatmap?${WINDOW}&zoom=12&limit=10`));
    expect(capped.bins).toHaveLength(10);
    expect(capped.truncated).toBe(true);
    expect(capped.bins.map((b: number[]) => b[2])).toEqual([...capped.bins.map((b: number[]) => b[2])].sort((a, b) => b - a));
  });

  it('narrows heatmap and metrics to a district', async () => {
    const body = json(await get(`/api/map/heatmap?${WINDOW}&region=430202`));
    const [{ n }] = (await ctx.db.query<{ n: number }>(`SELECT count(*)::int n FROM incident WHERE district_code = '430202' AND ${WINDOW_SQL}`)) as [
      { n: number },
    ];
    expect(body.total_weight).toBe(n);
    const metrics = json(await get(`/api/map/grid-metrics?${WINDOW}&region=430202`));
    expect(Object.keys(metrics.grids).every((c) => c.startsWith('430202'))).toBe(true);
  });

  it('serves district and street outlines with names and label points inside them', async () => {
    const fc = json(await get('/api/map/outlines'));
    const districts = fc.features.filter((f: any) => f.properties.level === 'district');
    expect(districts.map((d: any) => d.properties.name)).toContain('攸县');
    expect(districts).toHaveLength(9);
    const [{ n }] = (await ctx.db.query<{ n: number }>("SELECT count(*)::int n FROM region WHERE level = 'street'")) as [{ n: number }];
    expect(fc.features.length).toBe(9 + n);
    for (const f of districts) {
      const [x0, y0, x1, y1] = f.bbox;
      const [lx, ly] = f.properties.label;
      expect(lx > x0 && lx < x1 && ly > y0 && ly < y1).toBe(true);
      expect(f.properties.population).toBeGreaterThan(0);
    }
    const onlyStreets = json(await get('/api/map/outlines?region=430202&levels=street'));
    expect(onlyStreets.features.every((f: any) => f.properties.level === 'street' && f.id.startsWith('430202'))).toBe(true);
    // A street's: the street itself and its communities, as a street's wall draws them (a district's: the district and its streets).
    const [{ street } = { street: '' }] = await ctx.db.query<{ street: string }>("SELECT min(code) AS street FROM region WHERE level = 'street'");
    const own = await ctx.db.query<{ code: string; level: string }>(
      "SELECT code, level FROM region WHERE code = $1 OR (parent_code = $1 AND level = 'community') ORDER BY code",
      [street],
    );
    expect(own.length).toBeGreaterThan(1);
    const streetOutlines = json(await get(`/api/map/outlines?region=${street}`));
    expect(streetOutlines.features.map((f: any) => [f.id, f.properties.level])).toEqual(own.map((r) => [r.code, r.level]));
    const district = json(await get(`/api/map/outlines?region=${street.slice(0, 6)}`));
    expect(new Set(district.features.map((f: any) => f.properties.level))).toEqual(new Set(['district', 'street']));
    expect(json(await get(`/api/map/outlines?region=${street}&levels=community`)).features).toHaveLength(own.length - 1);
    // A community's: the community and its grids, named (in English by the community's name and the grid's number) and
    // peopled as the tables say, each grid's label point inside it.
    const community = own.find((r) => r.level === 'community')!.code;
    const expected = await ctx.db.query<{ code: string; level: string; name: string; name_en: string | null; population: number | null }>(
      `SELECT code, level, name, name_en, population FROM region WHERE code = $1
        UNION ALL
       SELECT g.code, 'grid', g.name, c.name_en || ' Grid ' || (right(g.code, 3)::int), g.population
         FROM grid g JOIN region c ON c.code = g.community_code WHERE g.community_code = $1
        ORDER BY 1`,
      [community],
    );
    expect(expected.length).toBeGreaterThan(2);
    const communityOutlines = json(await get(`/api/map/outlines?region=${community}`));
    const { features: communityFeatures } = communityOutlines as { features: { id: string; properties: Record<string, unknown> }[] };
    expect(
      communityFeatures.map(({ id, properties: p }) => ({ code: id, level: p.level, name: p.name, name_en: p.name_en, population: p.population })),
    ).toEqual(expected);
    const outside = await ctx.db.query<{ code: string }>(
      `SELECT l.code FROM json_to_recordset($1::json) AS l(code text, x float8, y float8) JOIN grid g ON g.code = l.code
        WHERE NOT ST_Intersects(g.boundary, ST_SetSRID(ST_MakePoint(l.x, l.y), 4326))`,
      [
        JSON.stringify(
          communityOutlines.features
            .filter((f: any) => f.properties.level === 'grid')
            .map((f: any) => ({ code: f.id, x: f.properties.label[0], y: f.properties.label[1] })),
        ),
      ],
    );
    expect(outside, 'grid label points outside their grid').toEqual([]);
  });

  it('keeps geometry answers only until a grid or region row changes, whoever changes it', async () => {
    const population = async (code: string) => json(await get('/api/map/grids')).features.find((f: any) => String(f.id) === code).properties.population;
    const streetName = async (code: string) => json(await get('/api/map/outlines')).features.find((f: any) => f.id === code).properties.name;
    const [grid] = await ctx.db.query<{ code: string; population: number }>('SELECT code, population FROM grid ORDER BY code LIMIT 1');
    const [street] = await ctx.db.query<{ code: string; name: string }>("SELECT code, name FROM region WHERE level = 'street' ORDER BY code LIMIT 1");
    const before = await get('/api/map/grids');
    expect(await population(grid!.code)).toBe(grid!.population);
    expect(await streetName(street!.code)).toBe(street!.name);
    try {
      // Written straight to the database, as another server process or a planner's publish would.
      await ctx.db.query('UPDATE grid_all SET population = population + 7 WHERE code = $1', [grid!.code]);
      await ctx.db.query("UPDATE region SET name = name || '（改）' WHERE code = $1", [street!.code]);
      expect(await population(grid!.code)).toBe(grid!.population + 7);
      expect((await get('/api/map/grids', { 'if-none-match': String(before.headers.etag) })).statusCode).toBe(200);
      expect(await streetName(street!.code)).toBe(`${street!.name}（改）`);
    } finally {
      await ctx.db.query('UPDATE grid_all SET population = $2 WHERE code = $1', [grid!.code, grid!.population]);
      await ctx.db.query('UPDATE region SET name = $2 WHERE code = $1', [street!.code, street!.name]);
    }
    expect(await population(grid!.code)).toBe(grid!.population);
    expect(await streetName(street!.code)).toBe(street!.name);
  });

  it('names a bad parameter and an unknown region', async () => {
    // Grid outlines are a street's, a community's or a grid's: a city's are the grid layer's (tiles, /api/map/grids).
    const cityGrids = await get('/api/map/outlines?levels=grid');
    expect(cityGrids.statusCode).toBe(400);
    expect(json(cityGrids).error.message).toMatch(/^levels: grid outlines are for a street, a community or a grid/);
    expect((await get('/api/map/heatmap?zoom=40')).statusCode).toBe(400);
    expect((await get('/api/map/grid-metrics?from=yesterday')).statusCode).toBe(400);
    expect((await get('/api/map/grid-metrics?region=430299')).statusCode).toBe(404);
    const shape = await get('/api/map/grid-metrics?shape=rows');
    expect(shape.statusCode).toBe(400);
    expect(json(shape).error.message).toContain('shape');
  });
});

describe(`wall API on ${BACKEND}`, () => {
  it('serves the wall defaults and which live services exist', async () => {
    const body = json(await get('/api/wall/config'));
    expect(body).toEqual({
      metric: 'per_1k',
      window: '30d',
      basemap_style_url: null,
      min_grid_pixels: 6,
      features: { stream: ctx.app.hasRoute({ method: 'GET', url: '/api/stream' }), directives: ctx.app.hasRoute({ method: 'GET', url: '/api/directives' }) },
    });
  });

  it('breaks incidents down by category, every category listed, adding up to the summary', async () => {
    const body = json(await get(`/api/stats/categories?${WINDOW}`));
    const summary = json(await get(`/api/stats/summary?${WINDOW}`));
    expect(body.categories).toHaveLength(13);
    expect(body.categories[0]).toMatchObject({ code: 'road_damage', name_zh: '道路破损', name_en: 'Road damage' });
    expect(body.categories.reduce((a: number, c: any) => a + c.reported, 0)).toBe(summary.reported);
    expect(body.categories.reduce((a: number, c: any) => a + c.open, 0)).toBe(summary.open);
  });

  it('counts overdue and red open in the summary as the workflow defines them, over every open incident whatever the window', async () => {
    // Two open, not yet dispatched incidents are dispatched: one past due, one not yet due. Only the first adds to overdue.
    const overdueBefore = async () =>
      (await ctx.db.query<{ n: number }>("SELECT count(*)::int n FROM incident WHERE status IN ('dispatched', 'in_progress') AND due_at < now()"))[0]!.n;
    const before = await overdueBefore();
    const picked = await ctx.db.query<{ id: number }>(`SELECT id FROM incident WHERE status IN ('reported', 'filed') AND ${WINDOW_SQL} ORDER BY id LIMIT 2`);
    expect(picked).toHaveLength(2);
    await ctx.db.query(
      `UPDATE incident SET status = 'dispatched', dispatched_at = reported_at,
              due_at = CASE WHEN id = $1 THEN reported_at + interval '1 hour' ELSE now() + interval '1 day' END
        WHERE id = ANY($2::bigint[])`,
      [picked[0]!.id, picked.map((p) => p.id)],
    );
    const summary = json(await get(`/api/stats/summary?${WINDOW}`));
    const [expected] = await ctx.db.query<{ overdue: number; red_open: number }>(
      `SELECT count(*) FILTER (WHERE status IN ('dispatched', 'in_progress') AND due_at < now())::int overdue,
              count(*) FILTER (WHERE urgency = 'red' AND status NOT IN ('closed', 'rejected', 'duplicate'))::int red_open
         FROM incident`,
    );
    expect(expected!.overdue).toBe(before + 1);
    expect(summary).toMatchObject(expected!);
    expect(summary.children.reduce((a: number, c: any) => a + c.overdue, 0)).toBe(before + 1);
    const metrics = json(await get(`/api/map/grid-metrics?${WINDOW}`));
    expect(Object.values(metrics.grids).reduce((a: number, g: any) => a + g[3], 0)).toBe(before + 1);
  });
});
