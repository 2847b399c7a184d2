import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededApp, json, type SeededApp } from '../helpers/seeded-app.js';
import { BACKEND } from '../helpers/test-database.js';

let ctx: SeededApp;
beforeAll(async () => {
  ctx = await createSeededApp();
});
afterAll(async () => ctx?.close());

const get = (url: string, headers: Record<string, string> = {}) => ctx.app.inject({ method: 'GET', url, headers });

/** Signed area of a ring by the shoelace formula: positive = counter-clockwise. */
function signedArea(ring: number[][]): number {
  let a = 0;
  for (let i = 0; i < ring.length - 1; i++) a += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
  return a / 2;
}

function polygonsOf(geometry: { type: string; coordinates: any }): number[][][][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

describe(`read API on ${BACKEND}`, () => {
  it('reports health with backend and PostGIS version', async () => {
    const res = await get('/api/health');
    expect(res.statusCode).toBe(200);
    const body = json(res);
    expect(body.status).toBe('ok');
    expect(body.database.backend).toBe(BACKEND);
    expect(body.database.postgis_version).toMatch(/^3\.\d+/);
  });

  it('serves the region tree without geometry', async () => {
    const body = json(await get('/api/regions'));
    expect(body.regions).toHaveLength(1);
    const city = body.regions[0];
    expect(city).toMatchObject({ code: '430200', name: '株洲市', level: 'city' });
    expect(city.children.map((d: any) => d.code)).toEqual(['430202', '430203', '430204', '430211', '430212', '430223', '430224', '430225', '430281']);
    const street = city.children[0].children[0];
    expect(street.level).toBe('street');
    expect(street.code).toMatch(/^430202\d{3}$/);
    expect(street.children[0].code.startsWith(street.code)).toBe(true);
    expect(JSON.stringify(body)).not.toContain('coordinates');
  });

  it('serves one region with boundary and children codes', async () => {
    const res = await get('/api/regions/430223');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/geo+json');
    const f = json(res);
    expect(f.type).toBe('Feature');
    expect(f.properties).toMatchObject({ code: '430223', name: '攸县', level: 'district', parent_code: '430200' });
    expect(f.geometry.type).toBe('MultiPolygon');
    const [rows] = [await ctx.db.query<{ code: string }>("SELECT code FROM region WHERE parent_code = '430223' ORDER BY code")];
    expect(f.properties.children).toEqual(rows.map((r) => r.code));
  });

  it("lists a community's grids as its children", async () => {
    const [community] = await ctx.db.query<{ code: string }>("SELECT code FROM region WHERE level = 'community' ORDER BY code LIMIT 1");
    const f = json(await get(`/api/regions/${community!.code}`));
    const grids = await ctx.db.query<{ code: string }>('SELECT code FROM grid WHERE community_code = $1 ORDER BY code', [community!.code]);
    expect(f.properties.children).toEqual(grids.map((g) => g.code));
  });

  it('serves grids as RFC 7946 GeoJSON: CCW outer rings, 6 decimals, lon/lat', async () => {
    const res = await get('/api/grids?region=430202');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/geo+json');
    const fc = json(res);
    const [{ n }] = (await ctx.db.query<{ n: number }>("SELECT count(*)::int n FROM grid WHERE district_code = '430202'")) as [{ n: number }];
    expect(fc.features).toHaveLength(n);
    for (const f of fc.features) {
      expect(f.properties.district_code).toBe('430202');
      expect(f.properties.code).toMatch(/^430202\d{9}$/);
      expect(f.properties.households).toBeGreaterThan(0);
      for (const polygon of polygonsOf(f.geometry)) {
        expect(signedArea(polygon[0]!)).toBeGreaterThan(0);
        for (const hole of polygon.slice(1)) expect(signedArea(hole)).toBeLessThan(0);
        for (const [lon, lat] of polygon[0]!) {
          expect(lon).toBeGreaterThan(112);
          expect(lon).toBeLessThan(115);
          expect(lat).toBeGreaterThan(25);
          expect(lat).toBeLessThan(29);
          expect(String(lon).split('.')[1]?.length ?? 0).toBeLessThanOrEqual(6);
        }
      }
    }
  });

  it('filters grids by bbox and simplifies', async () => {
    const all = json(await get('/api/grids'));
    const box = [113.1, 27.8, 113.2, 27.9];
    const inBox = json(await get(`/api/grids?bbox=${box.join(',')}`));
    const [{ n }] = (await ctx.db.query<{ n: number }>('SELECT count(*)::int n FROM grid WHERE boundary && ST_MakeEnvelope($1, $2, $3, $4, 4326)', box)) as [
      { n: number },
    ];
    expect(inBox.features.length).toBe(n);
    expect(inBox.features.length).toBeLessThan(all.features.length);
    // Shared edges simplified: every grid kept (tests/api/simplify-topology.test.ts checks the shapes).
    const simplified = await get('/api/grids?simplify=0.001');
    expect(json(simplified).features).toHaveLength(all.features.length);
  });

  it('compresses responses', async () => {
    const res = await get('/api/grids', { 'accept-encoding': 'gzip' });
    expect(res.headers['content-encoding']).toBe('gzip');
  });

  it('serves one grid with workers, phones masked', async () => {
    const [grid] = await ctx.db.query<{ code: string }>('SELECT code FROM grid ORDER BY code LIMIT 1');
    const f = json(await get(`/api/grids/${grid!.code}`));
    expect(f.properties.code).toBe(grid!.code);
    expect(f.properties.workers.length).toBeGreaterThanOrEqual(1);
    expect(f.properties.workers[0].phone).toMatch(/^1\d{2}\*{4}\d{4}$/);
  });

  it('answers 404 for unknown codes, in the one error shape', async () => {
    for (const url of ['/api/grids/430202999999999', '/api/regions/430299', '/api/grids?region=430202999', '/api/nowhere']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(json(res)).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    }
  });

  it('answers 400 naming the bad field, without stack traces', async () => {
    const cases: [string, RegExp][] = [
      ['/api/grids?bbox=1,2,3', /bbox/],
      ['/api/grids?bbox=10,10,5,5', /bbox/],
      ['/api/grids?region=abc', /region/],
      ['/api/grids?simplify=-1', /simplify/],
      ['/api/grids?limit=0', /limit/],
      ['/api/grids?colour=red', /colour/],
      ['/api/grids/12', /code/],
      ['/api/incidents?from=yesterday', /from/],
      ['/api/incidents?from=2026-02-01&to=2026-01-01', /from/],
      ['/api/incidents?urgency=purple', /urgency/],
      ['/api/incidents?category=unicorns', /category/],
      ['/api/incidents?status=lost', /status/],
      ['/api/incidents?limit=0', /limit/], // above the maximum is taken as the maximum (OGC API – Features); below 1 is an error
      ['/api/incidents?cursor=garbage', /cursor/],
      ['/api/stats/summary?to=soon', /to/],
      ['/api/stats/summary?from=2026-02-30', /^from: /], // a day February lacks, which Date would roll over to 2 March
      ['/api/map/grid-metrics?to=2026-04-31T00:00:00%2B08:00', /^to: /],
      ['/api/explore/series?from=0001-01-01', /^from: the year must be 1900/], // year 0 in UTC, which PostgreSQL cannot hold
      ['/api/grids/history?as_of=2026-06-01T08:00:00', /^as_of: /], // no zone
    ];
    for (const [url, field] of cases) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      const body = json(res);
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error.code).toBe('invalid_parameter');
      expect(body.error.message, url).toMatch(field);
      expect(res.body).not.toMatch(/at .*\.ts:\d+|node_modules/);
    }
  });

  it('pages grids and incidents the way OGC API – Features clients follow them, to the last feature', async () => {
    /** Follows rel="next" links from `url` (made relative again for inject), checking each page's counts. */
    async function walk(url: string): Promise<{ ids: string[]; matched: number[]; pages: number }> {
      const ids: string[] = [];
      const matched: number[] = [];
      let pages = 0;
      for (let next: string | undefined = url; next; pages++) {
        const res = await get(next);
        expect(res.statusCode, `${next}: ${res.body.slice(0, 200)}`).toBe(200);
        const page = json(res);
        expect(page.numberReturned).toBe(page.features.length);
        matched.push(page.numberMatched);
        ids.push(...page.features.map((f: any) => f.id));
        const self = page.links.find((l: any) => l.rel === 'self');
        expect(self.href).toMatch(/^http:\/\/[^/]+\/api\//);
        const link = page.links.find((l: any) => l.rel === 'next');
        if (link) expect(link).toMatchObject({ type: 'application/geo+json', href: expect.stringMatching(/^http:\/\/[^/]+\/api\/.*cursor=/) });
        next = link ? new URL(link.href).pathname + new URL(link.href).search : undefined;
      }
      return { ids, matched, pages };
    }

    const [{ district }] = (await ctx.db.query<{ district: string }>("SELECT code AS district FROM region WHERE level = 'district' ORDER BY code LIMIT 1")) as [
      { district: string },
    ];
    const grids = await ctx.db.query<{ code: string }>('SELECT code FROM grid WHERE district_code = $1 ORDER BY code', [district]);
    const g = await walk(`/api/grids?region=${district}&limit=7&simplify=0.001`);
    expect(g.ids).toEqual(grids.map((r) => r.code));
    expect(new Set(g.matched)).toEqual(new Set([grids.length]));
    expect(g.pages).toBe(Math.ceil(grids.length / 7));

    const incidents = await ctx.db.query<{ code: string }>('SELECT code FROM incident ORDER BY reported_at DESC, id DESC');
    // A limit above the maximum is taken as the maximum (5,000), not refused.
    const i = await walk('/api/incidents?limit=999999');
    expect(i.ids).toEqual(incidents.map((r) => r.code));
    expect(new Set(i.matched)).toEqual(new Set([incidents.length]));
    expect(i.pages).toBe(Math.ceil(incidents.length / 5000));
  });

  it('keeps every grid a MultiPolygon, simplified or not', async () => {
    for (const simplify of ['', '&simplify=0.0005', '&simplify=0.005']) {
      const types = new Set(json(await get(`/api/grids?limit=500${simplify}`)).features.map((f: any) => f.geometry.type));
      expect([...types], simplify).toEqual(['MultiPolygon']);
    }
  });

  it('answers 304 to any If-None-Match that names the current ETag, weakly compared (RFC 9110)', async () => {
    // Geometry answers that clients revalidate; the commander-wide export needs no region on the city scope.
    for (const url of ['/api/grids?region=430202', '/api/grids/export', '/api/map/grids', '/api/map/outlines']) {
      const first = await get(url);
      expect(first.statusCode, url).toBe(200);
      const etag = String(first.headers.etag);
      expect(etag, `${url} sends an ETag`).toMatch(/^(W\/)?"[^"]+"$/);
      const opaque = etag.replace(/^W\//, '');
      const cases: [string, number][] = [
        [etag, 304],
        [`W/${opaque}`, 304],
        [`"other", W/${opaque}`, 304],
        ['*', 304],
        ['"other"', 200],
        [`W/"x${opaque.slice(1)}`, 200],
      ];
      for (const [header, status] of cases) {
        const res = await get(url, { 'if-none-match': header });
        expect(res.statusCode, `${url} with If-None-Match: ${header}`).toBe(status);
        if (status === 304) expect(res.body).toBe('');
      }
    }
  });

  it('serves OpenAPI at /docs', async () => {
    const res = await get('/docs/json');
    expect(res.statusCode).toBe(200);
    const spec = json(res);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/health', '/api/regions', '/api/regions/{code}', '/api/grids', '/api/grids/{code}', '/api/incidents', '/api/stats/summary']),
    );
    expect((await get('/docs')).statusCode).toBeLessThan(400);
  });
});
