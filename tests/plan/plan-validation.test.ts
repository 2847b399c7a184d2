import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/app.js';
import { BACKEND } from '../helpers/test-database.js';
import { createUser, login } from '../helpers/identity.js';
import { createPlanContext, type PlanContext, one } from './plan-fixtures.js';

/**
 * Validation over HTTP through the import's dry run, with geometries made in
 * PostGIS whose problems are known exactly: a grid grown into its neighbours
 * (overlaps), one shrunk (a gap), a bow-tie, one moved out of its community.
 */
let ctx: PlanContext;
let exported: { type: string; features: any[] };
beforeAll(async () => {
  ctx = await createPlanContext();
  exported = (await ctx.call('GET', `/api/grids/export?region=${ctx.community}`)).body;
});
afterAll(async () => ctx?.close());

/** The export with one grid's geometry replaced by `sql` over its boundary (b). */
async function withGeometry(code: string, sql: string): Promise<{ file: any; geometry: string }> {
  const [r] = await ctx.db.query<{ g: string }>(`SELECT ST_AsGeoJSON(${sql}, 12) g FROM grid WHERE code = $1`, [code]);
  const file = structuredClone(exported);
  file.features.find((f: any) => f.properties.code === code).geometry = JSON.parse(r!.g);
  return { file, geometry: r!.g };
}

const dryRun = (file: unknown) => ctx.call('POST', `/api/grids/import?region=${ctx.community}&dry_run=true`, file);

/**
 * How far apart two GeoJSON geometries are: their symmetric difference as a
 * share of the second's area (what comes back is rounded to 6 decimals, so
 * never exactly 0).
 */
async function mismatch(a: unknown, b: unknown): Promise<number> {
  const [r] = await ctx.db.query<{ m: number }>(
    `SELECT ST_Area(ST_SymDifference(x, y, 1e-9)) / ST_Area(y) m
       FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) x, ST_SetSRID(ST_GeomFromGeoJSON($2), 4326) y) s`,
    [JSON.stringify(a), JSON.stringify(b)],
  );
  return r!.m;
}

describe(`plan validation on ${BACKEND}`, () => {
  it("accepts the community's own export unchanged (a dry run writes nothing)", async () => {
    const res = await dryRun(exported);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ valid: true, written: false, problems: [] });
    const { n } = one(await ctx.db.query<{ n: number }>('SELECT count(*)::int n FROM grid_plan'));
    expect(n).toBe(0);
  });

  it('returns each overlap as the polygon where two grids overlap', async () => {
    const code = exported.features[0].properties.code;
    const { file } = await withGeometry(code, 'ST_Buffer(boundary, 0.0005, 2)');
    const res = await dryRun(file);
    expect(res.status).toBe(422);
    const overlaps = res.body.error.problems.filter((p: any) => p.reason === 'overlap');
    // Each overlap names the grown grid (feature 0) and a neighbour.
    expect(overlaps.length).toBeGreaterThan(0);
    for (const p of overlaps) expect(p.feature).toBe(0);
    // Together the overlap polygons are exactly the buffer's intrusion into the neighbours.
    const { expected } = one(
      await ctx.db.query<{ expected: string }>(
        `SELECT ST_AsGeoJSON(ST_Union(ST_Intersection(ST_Buffer(a.boundary, 0.0005, 2), b.boundary))) expected
         FROM grid a JOIN grid b ON b.community_code = a.community_code AND b.code <> a.code WHERE a.code = $1`,
        [code],
      ),
    );
    const { got } = one(
      await ctx.db.query<{ got: string }>('SELECT ST_AsGeoJSON(ST_Union(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326))) got FROM unnest($1::text[]) g', [
        overlaps.map((p: any) => JSON.stringify(p.geometry)),
      ]),
    );
    expect(await mismatch(JSON.parse(got), JSON.parse(expected))).toBeLessThan(0.005);
  });

  it('returns a gap as the polygon no grid covers', async () => {
    const code = exported.features[0].properties.code;
    const { file } = await withGeometry(code, 'ST_Buffer(boundary, -0.0003, 2)');
    const res = await dryRun(file);
    expect(res.status).toBe(422);
    expect(res.body.error.problems.map((p: any) => p.reason)).toEqual(['gap']);
    const { expected } = one(
      await ctx.db.query<{ expected: string }>(
        'SELECT ST_AsGeoJSON(ST_Difference(boundary, ST_Buffer(boundary, -0.0003, 2))) expected FROM grid WHERE code = $1',
        [code],
      ),
    );
    expect(await mismatch(res.body.error.problems[0].geometry, JSON.parse(expected))).toBeLessThan(0.005);
    expect(res.body.error.problems[0].feature).toBe(-1);
  });

  it('rejects a self-intersecting grid and one outside its community with their reasons, writing nothing', async () => {
    const [a, b] = exported.features.map((f: any) => f.properties.code);
    const bowTie = await withGeometry(
      a,
      `ST_MakePolygon(ST_MakeLine(ARRAY[ST_PointN(ST_ExteriorRing(ST_GeometryN(boundary, 1)), 1), ST_PointN(ST_ExteriorRing(ST_GeometryN(boundary, 1)), 3),
      ST_PointN(ST_ExteriorRing(ST_GeometryN(boundary, 1)), 2), ST_PointN(ST_ExteriorRing(ST_GeometryN(boundary, 1)), 4), ST_PointN(ST_ExteriorRing(ST_GeometryN(boundary, 1)), 1)]))`,
    );
    const moved = await withGeometry(b, 'ST_Translate(boundary, 0.5, 0)');
    const file = structuredClone(bowTie.file);
    file.features[1] = moved.file.features[1];
    const before = await ctx.db.query('SELECT code, ST_AsText(boundary) FROM grid ORDER BY code');
    const res = await ctx.call('POST', `/api/grids/import?region=${ctx.community}`, file);
    expect(res.status).toBe(422);
    // The one error shape, every problem listed; nothing written.
    expect(res.body.error).toMatchObject({ code: 'import_invalid', message: expect.stringMatching(/^the file has \d+ problems; nothing was written/) });
    const reasons = res.body.error.problems.map((p: any) => `${p.feature}:${p.reason}`);
    expect(reasons).toContain('0:self_intersection');
    expect(reasons).toContain('1:outside_community');
    const self = res.body.error.problems.find((p: any) => p.reason === 'self_intersection');
    expect(self.message).toMatch(/self-intersection/i);
    expect(self.geometry.type).toBe('Point');
    expect(await ctx.db.query('SELECT code, ST_AsText(boundary) FROM grid ORDER BY code')).toEqual(before);
  });

  it("names malformed features without asking PostGIS, and refuses a region outside the planner's scope", async () => {
    const file = structuredClone(exported);
    file.features[0].geometry = {
      type: 'LineString',
      coordinates: [
        [113, 27],
        [113.1, 27.1],
      ],
    };
    file.features[1].geometry = {
      type: 'Polygon',
      coordinates: [
        [
          [113, 27],
          [113.1, 27.1],
        ],
      ],
    };
    const res = await dryRun(file);
    expect(res.status).toBe(422);
    expect(res.body.error.problems.map((p: any) => `${p.feature}:${p.reason}`)).toEqual(['0:not_polygon', '1:too_few_positions']);

    const [other] = await ctx.db.query<{ district: string }>('SELECT code district FROM region WHERE level = $1 AND code <> left($2, 6) LIMIT 1', [
      'district',
      ctx.community,
    ]);
    await createUser(ctx.db, { username: 'planner-other', role: 'planner', scope: other!.district });
    const scoped = await login(ctx.app, 'planner-other');
    expect((await ctx.call('POST', `/api/grids/import?region=${ctx.community}&dry_run=true`, exported, scoped)).status).toBe(404);
    expect((await ctx.call('POST', '/api/plans', { name: 'x', community: ctx.community }, scoped)).status).toBe(404);
    const mine = (await ctx.call('POST', '/api/plans', { name: 'mine', community: ctx.community })).body.id;
    expect((await ctx.call('GET', `/api/plans/${mine}`, undefined, scoped)).status).toBe(404);
    expect((await ctx.call('POST', `/api/plans/${mine}/publish`, undefined, scoped)).status).toBe(404);
    expect((await ctx.call('GET', '/api/plans', undefined, scoped)).body.plans).toEqual([]);
  });

  it('checks households against the bounds: 200–500 by default for urban communities', async () => {
    let strict: App | undefined;
    try {
      strict = await buildApp({ db: ctx.db });
      const session = await login(strict, 'planner-city');
      const file = structuredClone(exported);
      file.features[0].properties.households = 10;
      file.features[1].properties.households = 900;
      const res = await strict.inject({ method: 'POST', url: `/api/grids/import?region=${ctx.community}&dry_run=true`, payload: file, headers: session.write });
      const reasons = (JSON.parse(res.body).error?.problems ?? []).map((p: any) => `${p.feature}:${p.reason}`);
      const { rural } = one(await ctx.db.query<{ rural: boolean }>("SELECT name LIKE '%村' rural FROM region WHERE code = $1", [ctx.community]));
      const outOfBounds = exported.features.flatMap((f: any, i: number) =>
        i > 1 && (f.properties.households < 200 || f.properties.households > 500) ? [i] : [],
      );
      // Only the two grids the file changed block it; the others were out of bounds before: warnings.
      expect(reasons.sort()).toEqual(rural ? [] : ['0:households_below_minimum', '1:households_above_maximum']);
      const warned = (JSON.parse(res.body).error?.warnings ?? []).map((p: any) => p.feature).sort((a: number, b: number) => a - b);
      expect(warned).toEqual(rural ? [] : outOfBounds);
    } finally {
      await strict?.close();
    }
  });

  it('gives each household problem its figures as params, so clients can word it in their language', async () => {
    let strict: App | undefined;
    try {
      strict = await buildApp({ db: ctx.db });
      const session = await login(strict, 'planner-city');
      const call = async (method: string, url: string, payload?: unknown) => {
        const res = await strict!.inject({
          method: method as 'POST',
          url,
          payload: payload as never,
          headers: payload === undefined ? session.read : session.write,
        });
        return { status: res.statusCode, body: JSON.parse(res.body) };
      };
      const { rural } = one(await ctx.db.query<{ rural: boolean }>("SELECT name LIKE '%村' rural FROM region WHERE code = $1", [ctx.community]));
      const plan = (await call('POST', '/api/plans', { name: 'params', community: ctx.community })).body;
      const report = (await strict.inject({ method: 'POST', url: `/api/plans/${plan.id}/validate`, headers: session.write })).json();
      // The estimate, straight from SQL, against the default urban bounds 200–500.
      const estimates = await ctx.db.query<{ key: number; households: number }>('SELECT key, households FROM grid_plan_estimate($1, 0) ORDER BY key', [
        plan.id,
      ]);
      const expected = rural
        ? []
        : estimates
            .filter((e) => e.households < 200 || e.households > 500)
            .map((e) => ({ keys: [e.key], params: { households: e.households, min_households: 200, max_households: 500 } }));
      // An untouched plan changes nothing: its grids' household problems were there before, so they are warnings.
      const shown = report.warnings.features
        .filter((f: any) => f.properties.reason.startsWith('households_'))
        .map((f: any) => ({ keys: f.properties.keys, params: f.properties.params }))
        .sort((a: any, b: any) => a.keys[0] - b.keys[0]);
      expect(shown).toEqual(expected);
      expect(report.problems.features).toEqual([]);
      expect(report.valid).toBe(true);
      // Every problem carries params (an object), and the English message is still there.
      for (const f of [...report.problems.features, ...report.warnings.features]) {
        expect(typeof f.properties.params).toBe('object');
        expect(typeof f.properties.message).toBe('string');
      }
    } finally {
      await strict?.close();
    }
  });
  it('tells a grid in two pieces: a problem where the file made it so, a warning where it was so before', async () => {
    // Two neighbours a and b, and a small disc strictly inside b (its radius a fifth of the way to b's edge).
    const [pair] = await ctx.db.query<{ a: string; b: string; disc: string }>(
      `SELECT a.code a, b.code b,
              ST_AsText(ST_Buffer(ST_PointOnSurface(b.boundary), ST_Distance(ST_PointOnSurface(b.boundary), ST_Boundary(b.boundary)) / 5, 8)) disc
         FROM grid a JOIN grid b ON a.code < b.code AND ST_Intersects(a.boundary, b.boundary) AND ST_Dimension(ST_Intersection(a.boundary, b.boundary)) = 1
        WHERE a.community_code = $1 AND b.community_code = $1
        ORDER BY a.code, b.code LIMIT 1`,
      [ctx.community],
    );
    const { a, b, disc } = pair!;
    const moved = { a: `ST_Multi(ST_Union(boundary, ST_GeomFromText('${disc}', 4326)))`, b: `ST_Difference(boundary, ST_GeomFromText('${disc}', 4326))` };
    const index = (code: string) => exported.features.findIndex((f: any) => f.properties.code === code);

    // The file gives a the disc out of b: a is now two pieces, which the file did, so it blocks.
    const file = (await withGeometry(a, moved.a)).file;
    file.features[index(b)].geometry = JSON.parse((await withGeometry(b, moved.b)).geometry);
    const res = await dryRun(file);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    const pieces = res.body.error.problems.filter((p: any) => p.reason === 'not_contiguous').map((p: any) => p.feature);
    expect(pieces).toEqual([index(a)]);

    // The same shapes already published: a plan that leaves them as they are is valid, with a warning for a.
    const [before] = await ctx.db.query<{ a: string; b: string }>(
      'SELECT (SELECT ST_AsEWKT(boundary) FROM grid WHERE code = $1) a, (SELECT ST_AsEWKT(boundary) FROM grid WHERE code = $2) b',
      [a, b],
    );
    try {
      await ctx.db.query(`UPDATE grid SET boundary = ${moved.a} WHERE code = $1`, [a]);
      await ctx.db.query(`UPDATE grid SET boundary = ${moved.b} WHERE code = $1`, [b]);
      const plan = (await ctx.call('POST', '/api/plans', { name: 'two pieces', community: ctx.community })).body;
      const report = (await ctx.call('POST', `/api/plans/${plan.id}/validate`)).body;
      const warned = report.warnings.features.filter((f: any) => f.properties.reason === 'not_contiguous').map((f: any) => f.properties.codes);
      expect(warned).toEqual([[a]]);
      expect(report.problems.features.filter((f: any) => f.properties.reason === 'not_contiguous')).toEqual([]);
      const again = await dryRun((await ctx.call('GET', `/api/grids/export?region=${ctx.community}`)).body);
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(again.body.warnings.filter((p: any) => p.reason === 'not_contiguous').map((p: any) => p.feature)).toEqual([index(a)]);
    } finally {
      await ctx.db.query('UPDATE grid SET boundary = ST_GeomFromEWKT($2) WHERE code = $1', [a, before!.a]);
      await ctx.db.query('UPDATE grid SET boundary = ST_GeomFromEWKT($2) WHERE code = $1', [b, before!.b]);
    }
  });
});
