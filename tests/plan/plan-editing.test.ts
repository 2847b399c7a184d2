import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND } from '../helpers/test-database.js';
import { AREA_TOLERANCE_M2 } from '../../server/contract/grid-plan-reasons.js';
import { createPlanContext, lineAcross, planFeatures, type PlanContext, one } from './plan-fixtures.js';

let ctx: PlanContext;
beforeAll(async () => {
  ctx = await createPlanContext();
});
afterAll(async () => ctx?.close());

async function newPlan(name = 'test plan'): Promise<number> {
  const res = await ctx.call('POST', '/api/plans', { name, community: ctx.community });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

describe(`editing a draft plan on ${BACKEND}`, () => {
  it('starts from the published grids, which validate clean', async () => {
    const id = await newPlan();
    const features = await planFeatures(ctx, id);
    const { n } = one(await ctx.db.query<{ n: number }>('SELECT count(*)::int n FROM grid WHERE community_code = $1', [ctx.community]));
    expect(features.length).toBe(n);
    const v = await ctx.call('POST', `/api/plans/${id}/validate`);
    expect(v.body.problems.features).toEqual([]);
    expect(v.body.valid).toBe(true);
  });

  it('split then merge gives back the original area; undo and redo move between revisions', async () => {
    const id = await newPlan();
    const [first] = await planFeatures(ctx, id);
    const key = first!.properties.key;
    // Planar areas: the split adds vertices on the edges, which changes a geodesic (::geography) area slightly.
    const { area } = one(await ctx.db.query<{ area: number }>('SELECT ST_Area(boundary) area FROM grid WHERE code = $1', [first!.properties.code]));

    const split = await ctx.call('POST', `/api/plans/${id}/edits`, { op: 'split', key, line: await lineAcross(ctx, id, key) });
    expect(split.status, JSON.stringify(split.body)).toBe(200);
    expect(split.body.changed).toHaveLength(2);
    expect(split.body.plan.revision).toBe(1);
    const v1 = await ctx.call('POST', `/api/plans/${id}/validate`);
    expect(v1.body.problems.features).toEqual([]);
    const parts = split.body.features.features.filter((f: any) => split.body.changed.includes(f.properties.key));
    expect(parts.every((f: any) => f.properties.code === null)).toBe(true);
    // Households apportioned by area add up to the original's (within rounding).
    const { households } = one(await ctx.db.query<{ households: number }>('SELECT households FROM grid WHERE code = $1', [first!.properties.code]));
    expect(Math.abs(parts.reduce((s: number, f: any) => s + f.properties.households, 0) - households)).toBeLessThanOrEqual(1);

    const merged = await ctx.call('POST', `/api/plans/${id}/edits`, { op: 'merge', keys: split.body.changed });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    const { merged_area, sym } = one(
      await ctx.db.query<{ merged_area: number; sym: number }>(
        `SELECT ST_Area(f.boundary) merged_area, grid_plan_area_m2(ST_SymDifference(f.boundary, g.boundary)) sym
         FROM grid_plan_feature f, grid g WHERE f.plan_id = $1 AND f.revision = 2 AND f.key = $2 AND g.code = $3`,
        [id, merged.body.changed[0], first!.properties.code],
      ),
    );
    expect(Math.abs(merged_area - area) / area).toBeLessThan(1e-6);
    expect(sym).toBeLessThan(AREA_TOLERANCE_M2);
    const v2 = await ctx.call('POST', `/api/plans/${id}/validate`);
    expect(v2.body.problems?.features ?? v2.body, JSON.stringify(v2.body).slice(0, 300)).toEqual([]);

    const undo = await ctx.call('POST', `/api/plans/${id}/undo`);
    expect(undo.body.plan.revision).toBe(1);
    expect(undo.body.features.features).toHaveLength((await planFeatures(ctx, id)).length);
    const redo = await ctx.call('POST', `/api/plans/${id}/redo`);
    expect(redo.body.plan.revision).toBe(2);
    expect((await ctx.call('POST', `/api/plans/${id}/redo`)).status).toBe(409);
  });

  it('refuses a line that does not cross the grid, and a merge of grids that are not adjacent, changing nothing', async () => {
    const id = await newPlan();
    const features = await planFeatures(ctx, id);
    const key = features[0]!.properties.key;
    const [p] = await ctx.db.query<{ x: number; y: number }>(
      'SELECT ST_X(c) x, ST_Y(c) y FROM (SELECT ST_PointOnSurface(boundary) c FROM grid_plan_feature WHERE plan_id = $1 AND key = $2) s',
      [id, key],
    );
    const short = await ctx.call('POST', `/api/plans/${id}/edits`, {
      op: 'split',
      key,
      line: {
        type: 'LineString',
        coordinates: [
          [p!.x, p!.y],
          [p!.x + 1e-5, p!.y],
        ],
      },
    });
    expect(short.status).toBe(422);
    expect(short.body.error.message).toMatch(/must cross grid/);
    const [apart] = await ctx.db.query<{ a: number; b: number }>(
      `SELECT a.key a, b.key b FROM grid_plan_feature a JOIN grid_plan_feature b ON a.plan_id = b.plan_id AND a.revision = b.revision AND a.key < b.key
        WHERE a.plan_id = $1 AND a.revision = 0 AND NOT ST_Intersects(a.boundary, b.boundary) LIMIT 1`,
      [id],
    );
    if (apart) {
      const merge = await ctx.call('POST', `/api/plans/${id}/edits`, { op: 'merge', keys: [apart.a, apart.b] });
      expect(merge.status).toBe(422);
      expect(merge.body.error.message).toMatch(/not adjacent/);
    }
    const bad = await ctx.call('POST', `/api/plans/${id}/edits`, { op: 'merge', keys: [key] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/body/);
    const { body } = await ctx.call('GET', `/api/plans/${id}`);
    expect(body.plan.revision).toBe(0);
  });

  it('delete with absorbing neighbours leaves an exact partition', async () => {
    const id = await newPlan();
    const [pair] = await ctx.db.query<{ a: number; b: number }>(
      `SELECT a.key a, b.key b FROM grid_plan_feature a JOIN grid_plan_feature b ON a.plan_id = b.plan_id AND a.revision = b.revision AND a.key <> b.key
        WHERE a.plan_id = $1 AND a.revision = 0
          AND ST_Length(ST_Intersection(ST_Boundary(a.boundary), ST_Boundary(b.boundary))::geography) > 50
        ORDER BY a.key, b.key LIMIT 1`,
      [id],
    );
    const del = await ctx.call('POST', `/api/plans/${id}/edits`, { op: 'delete', key: pair!.a, absorbers: [pair!.b] });
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    const v = await ctx.call('POST', `/api/plans/${id}/validate`);
    expect(v.body.problems.features).toEqual([]);
    expect(del.body.features.features.some((f: any) => f.properties.key === pair!.a)).toBe(false);
  });

  it('a grid drawn over a gap (and over its neighbours) becomes exactly the gap', async () => {
    const id = await newPlan();
    const [f] = await planFeatures(ctx, id);
    const { shrunk, around } = one(
      await ctx.db.query<{ shrunk: string; around: string }>(
        `SELECT ST_AsGeoJSON(ST_Buffer(b, -0.0005, 2), 9) shrunk, ST_AsGeoJSON(ST_Envelope(ST_Buffer(b, 0.001)), 9) around
         FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) b) s`,
        [JSON.stringify(f!.geometry)],
      ),
    );
    expect((await ctx.call('POST', `/api/plans/${id}/edits`, { op: 'reshape', key: f!.properties.key, geometry: JSON.parse(shrunk) })).status).toBe(200);
    const gap = await ctx.call('POST', `/api/plans/${id}/validate`);
    expect(gap.body.problems.features.map((p: any) => p.properties.reason)).toEqual(['gap']);
    const added = await ctx.call('POST', `/api/plans/${id}/edits`, { op: 'add', geometry: JSON.parse(around) });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect((await ctx.call('POST', `/api/plans/${id}/validate`)).body.problems.features).toEqual([]);
    const outside = await ctx.call('POST', `/api/plans/${id}/edits`, { op: 'add', geometry: JSON.parse(around) });
    expect(outside.status).toBe(422);
    expect(outside.body.error.message).toMatch(/covers no gap/);
  });
});
