import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/app.js';
import { BACKEND } from '../helpers/test-database.js';
import { login, type Session } from '../helpers/identity.js';
import { geometrySql } from '../../server/plans/geometry-validity.js';
import { statusOf } from '../../server/errors/messages.js';
import { createPlanContext, LOOSE_RULES, one, type PlanContext } from './plan-fixtures.js';

/**
 * Awkward geometry coming in, through the grid import and the plan editor,
 * answered the same on both backends: a 4xx naming the feature or field and
 * the reason, and nothing written. Sizes over the configured limits are
 * refused before any SQL, and a large legitimate import does not hold up
 * other requests.
 */
let ctx: PlanContext;
let exported: { type: string; features: any[] };
let planId: number;
let key: number;
/** The community's first grid: awkward shapes are made near it. */
let ring: number[][];
beforeAll(async () => {
  ctx = await createPlanContext();
  exported = (await ctx.call('GET', `/api/grids/export?region=${ctx.community}`)).body;
  planId = (await ctx.call('POST', '/api/plans', { name: 'awkward input', community: ctx.community })).body.id;
  const plan = (await ctx.call('GET', `/api/plans/${planId}`)).body.features.features[0];
  key = plan.properties.key;
  ring = plan.geometry.type === 'Polygon' ? plan.geometry.coordinates[0] : plan.geometry.coordinates[0][0];
});
afterAll(async () => ctx?.close());

/** Sent as raw JSON so that 1e309 (Infinity once parsed) can be written; `INF` in a geometry stands for it. */
const INF = 123456.789;
async function post(url: string, payload: unknown, app: App = ctx.app, session: Session = ctx.planner) {
  const res = await app.inject({
    method: 'POST',
    url,
    payload: JSON.stringify(payload).replaceAll(String(INF), '1e309'),
    headers: { ...session.write, 'content-type': 'application/json' },
  });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
}
const fileWith = (geometry: unknown) => {
  const file = structuredClone(exported);
  file.features[0].geometry = geometry;
  return file;
};
const dryRun = (file: unknown, app?: App, session?: Session) => post(`/api/grids/import?region=${ctx.community}&dry_run=true`, file, app, session);

/** Everything an edit or an import could have written. */
async function stateOfThings() {
  return ctx.db.query(`SELECT (SELECT count(*)::int FROM grid_plan) plans, (SELECT count(*)::int FROM grid_plan_feature) features,
                              (SELECT string_agg(id || ':' || revision || ':' || head_revision, ',' ORDER BY id) FROM grid_plan) revisions,
                              (SELECT md5(string_agg(code || ST_AsText(boundary), ',' ORDER BY code)) FROM grid) grids,
                              (SELECT count(*)::int FROM audit_log) audit`);
}

const square = (x: number, y: number, d: number) => [
  [x, y],
  [x + d, y],
  [x + d, y + d],
  [x, y + d],
  [x, y],
];
const near = () => ring[0]! as [number, number];

/** name, geometry, the import's reason for feature 0 (or `400 <field>`), the edit's status and code, what the edit's message says. */
const CASES: [string, () => unknown, string, number, string, RegExp][] = [
  [
    'an unclosed ring',
    () => ({ type: 'Polygon', coordinates: [ring.slice(0, -1)] }),
    'unclosed_ring',
    422,
    'invalid_geometry',
    /^body\.geometry\.coordinates\.0: the ring is not closed/,
  ],
  [
    'a ring of 3 positions',
    () => ({ type: 'Polygon', coordinates: [[ring[0], ring[1], ring[0]]] }),
    'too_few_positions',
    422,
    'invalid_geometry',
    /^body\.geometry\.coordinates\.0: a ring needs at least 4 positions/,
  ],
  ['an empty ring', () => ({ type: 'Polygon', coordinates: [[]] }), 'too_few_positions', 422, 'invalid_geometry', /has 0/],
  [
    'a spike',
    () => ({ type: 'Polygon', coordinates: [[ring[0], ring[1], [ring[1]![0]! + 0.01, ring[1]![1]!], ...ring.slice(1)]] }),
    'self_intersection',
    422,
    'invalid_geometry',
    /^body\.geometry: the boundary crosses or touches itself \(self-intersection\) near \d/,
  ],
  [
    'a bow-tie',
    () => {
      const [x, y] = near();
      return {
        type: 'Polygon',
        coordinates: [
          [
            [x, y],
            [x + 0.001, y + 0.001],
            [x + 0.001, y],
            [x, y + 0.001],
            [x, y],
          ],
        ],
      };
    },
    'self_intersection',
    422,
    'invalid_geometry',
    /^body\.geometry: the boundary crosses or touches itself \(self-intersection\) near \d/,
  ],
  [
    'a hole outside its shell',
    () => {
      const [x, y] = near();
      return { type: 'Polygon', coordinates: [square(x, y, 0.001), square(x + 0.01, y + 0.01, 0.0005)] };
    },
    'invalid_geometry',
    422,
    'invalid_geometry',
    /^body\.geometry: a hole lies outside its outer ring/,
  ],
  [
    'a huge coordinate',
    () => ({ type: 'Polygon', coordinates: [square(1e300, 1e300, 1)] }),
    'coordinate_out_of_range',
    422,
    'invalid_geometry',
    /^body\.geometry\.coordinates\.0\.0: longitude 1e\+300 is outside -180\.\.180/,
  ],
  // Non-finite numbers never get this far: the schema (edits) or the input guard (imports) names the field.
  [
    'Infinity',
    () => ({ type: 'Polygon', coordinates: [square(INF, 27, 0.001)] }),
    '400 body.features.0.geometry.coordinates.0.0.0',
    400,
    'invalid_parameter',
    /^body\.geometry\.coordinates\.0\.0\.0: must be number$/,
  ],
  [
    'latitude 95',
    () => ({ type: 'Polygon', coordinates: [square(113, 95, 0.001)] }),
    'coordinate_out_of_range',
    422,
    'invalid_geometry',
    /latitude 95 is outside -90\.\.90/,
  ],
  [
    'the whole world',
    () => ({
      type: 'Polygon',
      coordinates: [
        [
          [-180, -90],
          [180, -90],
          [180, 90],
          [-180, 90],
          [-180, -90],
        ],
      ],
    }),
    'too_large',
    422,
    'invalid_geometry',
    /^body\.geometry: spans 360° of longitude/,
  ],
  [
    'a box across the antimeridian',
    () => ({
      type: 'Polygon',
      coordinates: [
        [
          [179, 10],
          [-179, 10],
          [-179, 11],
          [179, 11],
          [179, 10],
        ],
      ],
    }),
    'too_large',
    422,
    'invalid_geometry',
    /antimeridian/,
  ],
  [
    'an edge between antipodes',
    () => ({
      type: 'Polygon',
      coordinates: [
        [
          [-90, 0],
          [90, 0],
          [0, 45],
          [-90, 0],
        ],
      ],
    }),
    'too_large',
    422,
    'invalid_geometry',
    /spans 180°/,
  ],
  [
    'a ring around the pole',
    () => ({
      type: 'Polygon',
      coordinates: [
        [
          [0, 89],
          [90, 89],
          [180, 89],
          [-90, 89],
          [0, 89],
        ],
      ],
    }),
    'too_large',
    422,
    'invalid_geometry',
    /spans 270°/,
  ],
  ['a Polygon without rings', () => ({ type: 'Polygon', coordinates: [] }), 'empty_geometry', 422, 'invalid_geometry', /^body\.geometry\.coordinates: empty/],
  [
    'a MultiPolygon without parts',
    () => ({ type: 'MultiPolygon', coordinates: [] }),
    'empty_geometry',
    422,
    'invalid_geometry',
    /^body\.geometry\.coordinates: empty/,
  ],
  [
    'a Point',
    () => ({ type: 'Point', coordinates: near() }),
    'not_polygon',
    400,
    'invalid_parameter',
    /^body\.geometry\.type: must be one of Polygon, MultiPolygon$/,
  ],
  [
    'a GeometryCollection',
    () => ({ type: 'GeometryCollection', geometries: [] }),
    'not_polygon',
    400,
    'invalid_parameter',
    /^body\.geometry\.type: must be one of Polygon, MultiPolygon$/,
  ],
  ['no geometry', () => null, 'not_polygon', 400, 'invalid_parameter', /^body\.geometry: must be object$/],
];

describe(`awkward geometry on ${BACKEND}: the same answer on both backends, nothing written`, () => {
  it.each(CASES)('%s', async (_, geometry, importReason, editStatus, editCode, editMessage) => {
    const before = await stateOfThings();
    const imported = await dryRun(fileWith(geometry()));
    if (importReason.startsWith('400 ')) {
      expect(imported.status).toBe(400);
      expect(imported.body.error.message.startsWith(`${importReason.slice(4)}: `), imported.body.error.message).toBe(true);
    } else {
      expect(imported.status, JSON.stringify(imported.body)).toBe(422);
      expect(imported.body.error.code).toBe('import_invalid');
      const mine = imported.body.error.problems.filter((p: any) => p.feature === 0).map((p: any) => p.reason);
      expect(mine, JSON.stringify(imported.body.error.problems)).toEqual([importReason]);
    }
    // GEOS's own words stay out of every answer.
    expect(JSON.stringify(imported.body)).not.toMatch(/Exception|lwgeom|GEOS|Self-intersection|Hole lies/);

    for (const edit of [
      { op: 'add', geometry: geometry() },
      { op: 'reshape', key, geometry: geometry() },
    ]) {
      const res = await post(`/api/plans/${planId}/edits`, edit);
      expect(res.status, `${edit.op}: ${JSON.stringify(res.body)}`).toBe(editStatus);
      expect(res.body.error.code).toBe(editCode);
      expect(res.body.error.message).toMatch(editMessage);
      expect(res.body.error.message).not.toMatch(/Exception|lwgeom|GEOS|body\.key/);
    }
    expect(await stateOfThings()).toEqual(before);
  });

  it('drops a height (3D coordinates) in imports and edits alike, storing two dimensions', async () => {
    const with3d = (g: any) => ({
      ...g,
      coordinates:
        g.type === 'Polygon'
          ? g.coordinates.map((r: number[][]) => r.map(([x, y]) => [x, y, 57.5]))
          : g.coordinates.map((p: number[][][]) => p.map((r) => r.map(([x, y]) => [x, y, 57.5]))),
    });
    const file = structuredClone(exported);
    for (const f of file.features) f.geometry = with3d(f.geometry);
    const imported = await dryRun(file);
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body).toMatchObject({ valid: true, written: false, problems: [] });

    const own = (await ctx.call('GET', `/api/plans/${planId}`)).body.features.features.find((f: any) => f.properties.key === key);
    const res = await post(`/api/plans/${planId}/edits`, { op: 'reshape', key, geometry: with3d(own.geometry) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { dims } = one(
      await ctx.db.query<{ dims: number }>(
        'SELECT ST_NDims(f.boundary) dims FROM grid_plan_feature f JOIN grid_plan p ON p.id = f.plan_id AND p.revision = f.revision WHERE p.id = $1 AND f.key = $2',
        [planId, key],
      ),
    );
    expect(dims).toBe(2);
    expect((await ctx.call('POST', `/api/plans/${planId}/undo`)).status).toBe(200);
  });

  it("names the field a union edit got wrong, not another variant's", async () => {
    const cases: [unknown, RegExp][] = [
      [{ op: 'add', geometry: { type: 'Polygon', coordinates: 'x' } }, /^body\.geometry\.coordinates: must be array$/],
      [{ op: 'paint', geometry: { type: 'Polygon', coordinates: [] } }, /^body\.op: must be one of reshape, split, merge, add, delete$/],
      [{ geometry: { type: 'Polygon', coordinates: [] } }, /^body\.op: must be one of/],
      [{ op: 'merge', keys: [1] }, /^body\.keys: must NOT have fewer than 2 items$/],
      [{ op: 'split', line: { type: 'LineString', coordinates: [[113, 27]] } }, /^body\.line\.coordinates: must NOT have fewer than 2 items$/],
      [{ op: 'reshape', geometry: { type: 'Polygon', coordinates: [] } }, /^body\.key: must have required property 'key'$/],
    ];
    for (const [edit, message] of cases) {
      const res = await post(`/api/plans/${planId}/edits`, edit);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
  });

  it('refuses a split line across the antimeridian', async () => {
    const across = await post(`/api/plans/${planId}/edits`, {
      op: 'split',
      key,
      line: {
        type: 'LineString',
        coordinates: [
          [179, 10],
          [-179, 10],
        ],
      },
    });
    expect(across.status).toBe(422);
    expect(across.body.error).toMatchObject({ code: 'invalid_geometry', message: expect.stringMatching(/^body\.line: spans 358°/) });
  });
});

describe(`a grid stored invalid on ${BACKEND} (drawn before these checks, or a snap gone wrong)`, () => {
  it('is reported as a problem in our words, and the plan still opens and validates', async () => {
    const id = (await ctx.call('POST', '/api/plans', { name: 'stored spike', community: ctx.community })).body.id;
    const [feature] = (await ctx.call('GET', `/api/plans/${id}`)).body.features.features;
    const r: number[][] = feature.geometry.type === 'Polygon' ? feature.geometry.coordinates[0] : feature.geometry.coordinates[0][0];
    const spike = { type: 'Polygon', coordinates: [[r[0], r[1], [r[1]![0]! + 0.01, r[1]![1]!], ...r.slice(1)]] };
    await ctx.db.query('UPDATE grid_plan_feature SET boundary = ST_SetSRID(ST_GeomFromGeoJSON($3), 4326) WHERE plan_id = $1 AND key = $2', [
      id,
      feature.properties.key,
      JSON.stringify(spike),
    ]);

    expect((await ctx.call('GET', `/api/plans/${id}`)).status).toBe(200);
    const validated = await ctx.call('POST', `/api/plans/${id}/validate`);
    expect(validated.status, JSON.stringify(validated.body).slice(0, 300)).toBe(200);
    const mine = validated.body.problems.features.filter((p: any) => p.properties.keys.includes(feature.properties.key));
    expect(mine.map((p: any) => p.properties.reason)).toEqual(['self_intersection']);
    expect(mine[0].properties.message).toMatch(/^the boundary crosses or touches itself \(self-intersection\) near \d/);
    const published = await ctx.call('POST', `/api/plans/${id}/publish`);
    expect(published.status).toBe(422);
    expect(published.body.error.code).toBe('plan_invalid');
  });
});

describe(`GEOS exceptions on ${BACKEND}`, () => {
  it('become 422 invalid_geometry in our words where geometry SQL runs', async () => {
    const q = geometrySql(ctx.db, 'the test');
    // A domain error (server/services/domain-error.ts): the reason here, its HTTP status from the one table of codes.
    const refused = { reason: 'invalid_geometry', message: expect.stringMatching(/^the test: PostGIS could not compute the geometry/) };
    expect(statusOf('invalid_geometry')).toBe(422);
    // liblwgeom's own error, raised on both backends.
    await expect(q.query("SELECT ST_Area(ST_GeomFromText('POLYGON((-90 0, 90 0, 0 45, -90 0))', 4326)::geography)")).rejects.toMatchObject(refused);
    // GEOS's C++ exceptions: PostgreSQL raises them; PGlite loses them and returns no row, which the callers check for.
    const overlay = q.query("SELECT ST_Intersection('POLYGON((0 0,1 1,1 0,0 1,0 0))'::geometry, 'POLYGON((0 0,2 0,2 2,0 2,0 0))'::geometry) r");
    if (BACKEND === 'postgres') await expect(overlay).rejects.toMatchObject(refused);
    else expect(await overlay).toEqual([]);
    // Other database errors pass through untouched.
    await expect(q.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
  });
});

describe(`size limits on ${BACKEND}: refused before any SQL, naming the limit`, () => {
  let small: App;
  let session: Session;
  const limits = { maxVertices: 400, maxRings: 2, importMaxFeatures: 4, importMaxBytes: 60_000 };
  beforeAll(async () => {
    small = await buildApp({ db: ctx.db, planRules: LOOSE_RULES, geometryLimits: limits });
    session = await login(small, 'planner-city');
  });
  afterAll(async () => small?.close());

  it('vertices and rings per feature: a problem of that feature in an import, 422 geometry_too_large in an edit', async () => {
    const [x, y] = near();
    const circle = (n: number) => [
      ...Array.from({ length: n - 1 }, (_, i) => [x + 0.001 * Math.cos((2 * Math.PI * i) / (n - 1)), y + 0.001 * Math.sin((2 * Math.PI * i) / (n - 1))]),
      [x + 0.001, y],
    ];
    const dense = { type: 'Polygon', coordinates: [circle(401)] };
    const holes = { type: 'Polygon', coordinates: [square(x, y, 0.01), square(x + 0.001, y + 0.001, 0.001), square(x + 0.005, y + 0.005, 0.001)] };
    const file = structuredClone(exported);
    file.features = [
      { ...file.features[0], geometry: dense },
      { ...file.features[1], geometry: holes },
    ];
    const imported = await dryRun(file, small, session);
    expect(imported.status).toBe(422);
    expect(imported.body.error.problems.map((p: any) => `${p.feature}:${p.reason}`)).toEqual(['0:too_many_vertices', '1:too_many_rings']);
    expect(imported.body.error.problems[0].message).toMatch(/401 vertices, more than the limit of 400 per feature \(GRIDSCOPE_GEOMETRY_MAX_VERTICES\)/);
    expect(imported.body.error.problems[1].message).toMatch(/3 rings, more than the limit of 2 .*GRIDSCOPE_GEOMETRY_MAX_RINGS/);
    for (const geometry of [dense, holes]) {
      const res = await post(`/api/plans/${planId}/edits`, { op: 'add', geometry }, small, session);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('geometry_too_large');
    }
  });

  it('features per import: 413 too_many_features', async () => {
    const file = structuredClone(exported);
    file.features = Array.from({ length: 5 }, () => exported.features[0]);
    const res = await dryRun(file, small, session);
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual({
      code: 'too_many_features',
      message: expect.stringMatching(/^body\.features: 5 features, more than the limit of 4 .*GRIDSCOPE_IMPORT_MAX_FEATURES/),
    });
  });

  it('bytes per import: 413 payload_too_large naming the limit and its setting', async () => {
    const file = structuredClone(exported);
    file.features[0].properties.name = 'x'.repeat(70_000);
    const res = await dryRun(file, small, session);
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual({ code: 'payload_too_large', message: expect.stringMatching(/limit \(60000 bytes, GRIDSCOPE_IMPORT_MAX_BYTES\)/) });
  });

  it('bytes per edit: 413 payload_too_large, the limit following the vertex limit', async () => {
    const [x, y] = near();
    const huge = { type: 'Polygon', coordinates: [[...new Array(60_000).fill([x, y]), [x, y]]] };
    const res = await post(`/api/plans/${planId}/edits`, { op: 'add', geometry: huge }, small, session);
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual({
      code: 'payload_too_large',
      message: expect.stringMatching(/limit \(1048576 bytes, 1 MiB, or 64 bytes per GRIDSCOPE_GEOMETRY_MAX_VERTICES\)/),
    });
  });

  it('a million-vertex polygon under the default limits: refused without reaching the database', async () => {
    const [x, y] = near();
    const million = new Array(1_000_000).fill([x, y]);
    million[million.length - 1] = [x, y];
    const before = await stateOfThings();
    const res = await dryRun(fileWith({ type: 'Polygon', coordinates: [million] }));
    expect(res.status).toBe(422);
    expect(res.body.error.problems.map((p: any) => `${p.feature}:${p.reason}`)).toEqual(['0:too_many_vertices']);
    expect(res.body.error.problems[0].message).toMatch(/1000000 vertices, more than the limit of 10000/);
    expect(await stateOfThings()).toEqual(before);
  });
});

describe(`a large legitimate import on ${BACKEND}`, () => {
  it('passes, and other requests are answered while it runs', async () => {
    const [district] = await ctx.db.query<{ code: string }>('SELECT district_code code FROM grid GROUP BY district_code ORDER BY count(*) DESC LIMIT 1');
    const file = (await ctx.call('GET', `/api/grids/export?region=${district!.code}`)).body;
    // Every grid densified to about 1,000 vertices, one segment length for all so shared edges stay shared.
    const geometries = file.features.map((f: any) => JSON.stringify(f.geometry));
    const dense = await ctx.db.query<{ g: string }>(
      `WITH len AS (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ST_Perimeter(ST_GeomFromGeoJSON(g))) / 1000 AS l FROM unnest($1::text[]) g)
       SELECT ST_AsGeoJSON(ST_Segmentize(ST_GeomFromGeoJSON(g), len.l), 7) g FROM unnest($1::text[]) WITH ORDINALITY u(g, i), len ORDER BY i`,
      [geometries],
    );
    dense.forEach((d, i) => {
      file.features[i].geometry = JSON.parse(d.g);
    });
    const communities = new Set(file.features.map((f: any) => f.properties.community_code)).size;
    expect(communities).toBeGreaterThan(10);

    let finished = false;
    const importing = post(`/api/grids/import?region=${district!.code}&dry_run=true`, file).finally(() => {
      finished = true;
    });
    let answeredMeanwhile = 0;
    while (!finished) {
      const health = await ctx.app.inject({ method: 'GET', url: '/api/health' });
      expect(health.statusCode).toBe(200);
      if (!finished) answeredMeanwhile++;
      // Health answers without the database (its versions are known), so an injected request never leaves the
      // microtask queue: give the event loop a turn, where the database thread's answers arrive, as real requests do.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const imported = await importing;
    expect(imported.status, JSON.stringify(imported.body).slice(0, 500)).toBe(200);
    expect(imported.body).toMatchObject({ valid: true, written: false });
    // The communities are checked one by one; the embedded database answers others in between (29 answers
    // for 23 communities when measured; when the whole import was one transaction, 2, both before it began).
    expect(answeredMeanwhile, `${answeredMeanwhile} answers during the import of ${communities} communities`).toBeGreaterThanOrEqual(10);
  });
});

describe(`a real import of several communities on ${BACKEND}`, () => {
  it('publishes each community, once, and records the import', async () => {
    const { street } = one(
      await ctx.db.query<{ street: string }>(
        'SELECT street_code street FROM grid GROUP BY street_code HAVING count(DISTINCT community_code) >= 3 ORDER BY street_code LIMIT 1',
      ),
    );
    const file = (await ctx.call('GET', `/api/grids/export?region=${street}`)).body;
    const versions = async () =>
      ctx.db.query<{ code: string; version: number }>(
        `SELECT r.code, coalesce(v.version, 0) AS version FROM region r LEFT JOIN grid_community_version v ON v.community_code = r.code
        WHERE r.level = 'community' AND r.code LIKE $1 || '%' AND EXISTS (SELECT 1 FROM grid g WHERE g.community_code = r.code) ORDER BY r.code`,
        [street],
      );
    const before = await versions();
    const res = await post(`/api/grids/import?region=${street}&name=resurvey`, file);
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
    expect(res.body).toMatchObject({ valid: true, written: true, problems: [] });
    expect(res.body.published.map((p: any) => p.community_code).sort()).toEqual(before.map((b) => b.code));
    expect(await versions()).toEqual(before.map((b) => ({ ...b, version: b.version + 1 })));
    const audit = await ctx.db.query<{ action: string; n: number }>(
      `SELECT action, count(*)::int n FROM audit_log WHERE action IN ('grid.import', 'grid.publish') AND target_id LIKE $1 || '%' GROUP BY action ORDER BY action`,
      [street],
    );
    expect(audit).toEqual([
      { action: 'grid.import', n: 1 },
      { action: 'grid.publish', n: before.length },
    ]);
  });
});
