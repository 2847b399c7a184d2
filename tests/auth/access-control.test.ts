import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_ACCESS } from '../../server/contract/route-access.js';
import { ROLES as EVERY_ROLE, type Role } from '../../server/auth/roles.js';
import { ACCESS_POLICY, policyAllows, ROLE_COLUMNS } from './access-policy.js';
import { createSeededApp, json, type SeededApp } from '../helpers/seeded-app.js';
import { BACKEND } from '../helpers/test-database.js';
import { createUser, login, pickPlaces, type Session, pointInGrid } from '../helpers/identity.js';
import { multipartBody, solidPng } from '../helpers/test-images.js';

/**
 * The role × endpoint matrix, as written out in access-policy.ts (not read
 * from server/auth/route-access.ts, so a changed grant fails here): every
 * forbidden pair is refused with 403, every allowed pair works. Then
 * the scoping of reads: a district leader sees exactly their district.
 */
let ctx: SeededApp;
let places: Awaited<ReturnType<typeof pickPlaces>>;
const sessions = new Map<Role, Session>();
const scopes = new Map<Role, string | null>();
let serial = 0;
let inGrid: [number, number];
/** An incident every role can see: in the grid worker's grid, dispatched to the handler's unit, with a photo. */
let shared: { code: string; photo: string };

beforeAll(async () => {
  // Household bounds wide enough for the small city's large grids, so that publishing an unchanged draft is valid.
  ctx = await createSeededApp(undefined, { auth: { anonymousRead: false }, planRules: { urban: { min: 0, max: null }, rural: { min: 0, max: null } } });
  places = await pickPlaces(ctx.db);
  const grants: Record<Role, { scope?: string; unit?: string }> = {
    commander: {},
    district_leader: { scope: places.district },
    staff: { scope: places.street },
    dispatcher: {},
    handler: { unit: 'sanitation' },
    grid_worker: { scope: places.grid },
    planner: {},
    viewer: {},
  };
  for (const role of EVERY_ROLE) {
    await createUser(ctx.db, { username: `m-${role.replace('_', '-')}`, role, ...grants[role] });
    sessions.set(role, await login(ctx.app, `m-${role.replace('_', '-')}`));
    scopes.set(role, grants[role].scope ?? null);
  }
  inGrid = await pointInGrid(ctx.db, places.grid);
  const code = await dispatchedIncident();
  const photo = json(
    await ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/photos?kind=before`, ...(await photoUpload(sessions.get('commander')!)) }),
  );
  shared = { code, photo: photo.url };
});

/** A new incident in the grid worker's grid, as the commander: reported, then filed, then dispatched to sanitation (as far as asked). */
async function dispatchedIncident(upTo: 'reported' | 'filed' | 'dispatched' = 'dispatched'): Promise<string> {
  const chief = sessions.get('commander')!;
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/api/incidents',
    headers: chief.write,
    payload: { category: 'uncollected_garbage', location: inGrid },
  });
  const code = json(created).incident.properties.code as string;
  if (upTo === 'reported') return code;
  await ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/transitions`, headers: chief.write, payload: { action: 'file' } });
  if (upTo === 'filed') return code;
  await ctx.app.inject({
    method: 'POST',
    url: `/api/incidents/${code}/transitions`,
    headers: chief.write,
    payload: { action: 'dispatch', units: ['sanitation'] },
  });
  return code;
}

/** A dispatched incident that the commander then starts, photographs after and resolves: ready for the grid worker's check. */
async function resolvedIncident(): Promise<string> {
  const chief = sessions.get('commander')!;
  const code = await dispatchedIncident();
  await ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/transitions`, headers: chief.write, payload: { action: 'start' } });
  await ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/photos?kind=after`, ...(await photoUpload(chief)) });
  await ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/transitions`, headers: chief.write, payload: { action: 'resolve' } });
  return code;
}

/** A fresh draft plan on the first community, made by the commander. */
async function draftPlan(): Promise<number> {
  const chief = sessions.get('commander')!;
  return json(
    await ctx.app.inject({ method: 'POST', url: '/api/plans', headers: chief.write, payload: { name: `draft ${++serial}`, community: places.community } }),
  ).id;
}

/** An edit that changes nothing: the first grid reshaped to its own boundary. */
async function sameShapeEdit(plan: number) {
  const body = json(await ctx.app.inject({ method: 'GET', url: `/api/plans/${plan}`, headers: sessions.get('commander')!.read }));
  const f = body.features.features[0];
  return { op: 'reshape', key: f.properties.key, geometry: f.geometry };
}

async function photoUpload(s: Session) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(solidPng())]), 'p.png');
  const { payload, headers } = await multipartBody(form);
  return { payload, headers: { ...s.write, ...headers } };
}
afterAll(async () => ctx?.close());

interface Sample {
  method: string;
  url: string;
  payload?: object;
  headers?: Record<string, string>;
  /** Allowed, but the role's scope holds no such object: a grid worker sees no region, only their grid. */
  outOfScope?: boolean;
}

type UploadSample = Omit<Sample, 'payload'> & { payload: Buffer };

/** A valid request for each declared route, made as `role` (inside its scope where the route has a target). */
async function sampleFor(route: string, role: Role, s: Session): Promise<Sample | UploadSample> {
  const [method, url] = route.split(' ') as [string, string];
  const scope = scopes.get(role) ?? null;
  const region = scope && scope.length < 15 ? scope : places.district;
  const grid = scope?.length === 15 ? scope : places.grid;
  const chief = sessions.get('commander')!;
  const id = ++serial;
  switch (route) {
    case 'GET /api/regions/:code':
      return { method, url: `/api/regions/${region}`, outOfScope: role === 'grid_worker' };
    case 'GET /api/grids/:code':
      return { method, url: `/api/grids/${grid}` };
    case 'GET /api/explore/grids/:code':
      return { method, url: `/api/explore/grids/${grid}` };
    case 'GET /api/explore/search':
      return { method, url: `${url}?q=4302` };
    case 'POST /api/auth/login':
      return { method, url, payload: { username: `m-${role.replace('_', '-')}`, password: 'correct horse battery' } };
    case 'POST /api/auth/logout': {
      const fresh = await login(ctx.app, `m-${role.replace('_', '-')}`);
      return { method, url, headers: fresh.write };
    }
    case 'POST /api/auth/token-session': {
      // Any principal may trade a token for a session; the token itself is the credential.
      const made = json(await ctx.app.inject({ method: 'POST', url: '/api/tokens', headers: chief.write, payload: { name: `ts-${id}`, role: 'viewer' } }));
      return { method, url, headers: { authorization: `Bearer ${made.token}` } };
    }
    case 'POST /api/users':
      return { method, url, payload: { username: `made-${id}`, display_name: 'x', role: 'viewer', password: 'long enough pw' } };
    case 'PATCH /api/users/:id': {
      const made = json(
        await ctx.app.inject({
          method: 'POST',
          url: '/api/users',
          headers: chief.write,
          payload: { username: `patch-${id}`, display_name: 'x', role: 'viewer', password: 'long enough pw' },
        }),
      );
      return { method, url: `/api/users/${made.id}`, payload: { display_name: 'renamed' } };
    }
    case 'POST /api/tokens':
      return { method, url, payload: { name: `t-${id}`, role: 'viewer' } };
    case 'DELETE /api/tokens/:id': {
      const made = json(await ctx.app.inject({ method: 'POST', url: '/api/tokens', headers: chief.write, payload: { name: `del-${id}`, role: 'viewer' } }));
      return { method, url: `/api/tokens/${made.id}` };
    }
    case 'GET /api/stream':
      return { method, url: '/api/stream?probe=1' };
    case 'POST /api/directives':
      return { method, url, payload: { title: `d-${id}`, deadline: new Date(Date.now() + 3_600_000).toISOString() } };
    case 'GET /api/directives/:id':
    case 'GET /api/directives/:id/rounds':
    case 'POST /api/directives/:id/reminders':
    case 'POST /api/directives/:id/rounds/:round/answers':
    case 'POST /api/directives/:id/answers': {
      // A fresh directive to every district, so each role's answer is the first for its district.
      const made = json(
        await ctx.app.inject({
          method: 'POST',
          url: '/api/directives',
          headers: chief.write,
          payload: { title: `d-${id}`, deadline: new Date(Date.now() + 3_600_000).toISOString() },
        }),
      );
      const answer = { district: region.slice(0, 6), kind: 'zero_report' };
      if (route.endsWith('/reminders')) return { method, url: `/api/directives/${made.id}/reminders`, payload: {} };
      if (route.endsWith('/rounds/:round/answers')) return { method, url: `/api/directives/${made.id}/rounds/1/answers`, payload: answer };
      if (route.endsWith('/rounds')) return { method, url: `/api/directives/${made.id}/rounds` };
      return method === 'GET' ? { method, url: `/api/directives/${made.id}` } : { method, url: `/api/directives/${made.id}/answers`, payload: answer };
    }
    case 'GET /api/incidents/:code':
      return { method, url: `/api/incidents/${shared.code}` };
    case 'GET /api/incidents/:code/nearby':
      return { method, url: `/api/incidents/${shared.code}/nearby` };
    case 'GET /api/incidents/:code/contacts':
      return { method, url: `/api/incidents/${shared.code}/contacts` };
    case 'POST /api/incidents/:code/contacts/:worker': {
      const [w] = await ctx.db.query<{ id: number }>('SELECT worker_id AS id FROM grid_worker_assignment WHERE grid_code = $1 ORDER BY worker_id LIMIT 1', [
        places.grid,
      ]);
      return { method, url: `/api/incidents/${shared.code}/contacts/${w!.id}` };
    }
    case 'GET /api/incidents/:code/photos/:id':
      return { method, url: shared.photo };
    case 'POST /api/incidents/transitions':
      return { method, url, payload: { items: [{ code: await dispatchedIncident('reported'), action: 'file' }] } };
    case 'GET /api/incidents/:code/deadline-preview':
      return { method, url: `/api/incidents/${await dispatchedIncident('filed')}/deadline-preview` };
    case 'POST /api/incidents':
      return { method, url, payload: { category: 'noise', location: inGrid } };
    case 'POST /api/incidents/:code/transitions': {
      // Each allowed role takes a step it may take: handlers start work, grid workers check on site, the command centre files.
      if (role === 'handler') return { method, url: `/api/incidents/${await dispatchedIncident()}/transitions`, payload: { action: 'start' } };
      if (role === 'grid_worker') {
        const code = await resolvedIncident();
        await ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/photos?kind=check`, ...(await photoUpload(s)) });
        return { method, url: `/api/incidents/${code}/transitions`, payload: { action: 'check', verdict: 'fixed', note: '已修复' } };
      }
      return { method, url: `/api/incidents/${await dispatchedIncident('reported')}/transitions`, payload: { action: 'file' } };
    }
    case 'GET /api/incidents/nearby':
      return { method, url: `${url}?lon=${inGrid[0]}&lat=${inGrid[1]}&category=noise` };
    case 'PUT /api/me/position':
      return { method, url, payload: { lon: inGrid[0], lat: inGrid[1], accuracy_m: 10 } };
    case 'GET /api/workers/positions':
      return { method, url: `${url}?grid=${places.grid}` };
    case 'POST /api/incidents/:code/photos': {
      const kind = role === 'handler' ? 'after' : 'before';
      return { method, url: `/api/incidents/${shared.code}/photos?kind=${kind}`, ...(await photoUpload(s)) };
    }
    // Directives: a fresh one to every district, answered for the caller's own district (or the first).
    // Boundary plans: each sample gets a fresh draft on the first community (the planner here is city-wide).
    case 'POST /api/plans':
      return { method, url, payload: { name: `plan ${id}`, community: places.community } };
    case 'GET /api/plans/:id':
    case 'POST /api/plans/:id/validate':
    case 'GET /api/plans/:id/what-if':
    case 'GET /api/plans/:id/diff':
      return { method, url: url.replace(':id', String(await draftPlan())) };
    case 'PATCH /api/plans/:id':
      return { method, url: `/api/plans/${await draftPlan()}`, payload: { name: 'renamed' } };
    case 'POST /api/plans/:id/edits': {
      const plan = await draftPlan();
      return { method, url: `/api/plans/${plan}/edits`, payload: await sameShapeEdit(plan) };
    }
    case 'POST /api/plans/:id/undo':
    case 'POST /api/plans/:id/redo': {
      const plan = await draftPlan();
      await ctx.app.inject({ method: 'POST', url: `/api/plans/${plan}/edits`, headers: chief.write, payload: await sameShapeEdit(plan) });
      if (route.endsWith('redo')) await ctx.app.inject({ method: 'POST', url: `/api/plans/${plan}/undo`, headers: chief.write });
      return { method, url: url.replace(':id', String(plan)) };
    }
    // Publishing an unchanged draft: a new version of the same grids.
    case 'POST /api/plans/:id/publish':
      return { method, url: `/api/plans/${await draftPlan()}/publish` };
    case 'GET /api/grids/workload':
      return { method, url: `${url}?community=${places.community}` };
    case 'POST /api/grids/import': {
      const file = json(await ctx.app.inject({ method: 'GET', url: `/api/grids/export?region=${places.community}`, headers: chief.read }));
      return { method, url: `${url}?region=${places.community}&dry_run=true`, payload: file };
    }
    case 'GET /tiles/:layer.json':
      return { method, url: '/tiles/grids.json' };
    case 'GET /tiles/:layer/:z/:x/:y.mvt': {
      // The zoom-14 tile holding the grid worker's grid: a non-empty tile for every scope.
      const n = 2 ** 14;
      const rad = (inGrid[1] * Math.PI) / 180;
      const x = Math.floor(((inGrid[0] + 180) / 360) * n);
      const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
      return { method, url: `/tiles/grids/14/${x}/${y}.mvt` };
    }
    case 'GET /api/grids/history':
    case 'GET /api/grids/export':
    case 'GET /api/grids/lineage':
      return { method, url: role === 'grid_worker' ? url : `${url}?region=${region}` };
    default:
      if (url.includes(':')) throw new Error(`no sample request for ${route}: add one to access-control.test.ts`);
      return { method, url };
  }
}

describe(`role × endpoint matrix on ${BACKEND}`, () => {
  const routes = Object.keys(ACCESS_POLICY);

  it('has a row for every API route and a column for every role', () => {
    // auth-plugin.ts refuses to start with an /api route missing from ROUTE_ACCESS, so its keys are every /api route.
    expect([...routes].sort()).toEqual(Object.keys(ROUTE_ACCESS).sort());
    for (const route of routes) {
      const [method, url] = route.split(' ') as ['GET', string];
      expect(ctx.app.hasRoute({ method, url }), route).toBe(true);
    }
    expect([...ROLE_COLUMNS].sort()).toEqual([...EVERY_ROLE].sort());
  });

  for (const role of EVERY_ROLE) {
    it(`${role}: every forbidden route is refused with 403, every allowed one works`, async () => {
      const s = sessions.get(role)!;
      const outcomes: string[] = [];
      for (const route of routes) {
        if (route === 'GET /api/stream') continue; // a stream never ends: checked below over a real socket
        const sample = await sampleFor(route, role, s);
        const headers = sample.headers ?? (sample.method === 'GET' ? s.read : s.write);
        const res = await ctx.app.inject({ method: sample.method as 'GET', url: sample.url, payload: sample.payload as object, headers });
        const allowed = policyAllows(route, role);
        const expected = !allowed ? '403' : sample.outOfScope ? '404' : '2xx';
        const ok = expected === '2xx' ? res.statusCode >= 200 && res.statusCode < 300 : res.statusCode === Number(expected);
        if (!ok) outcomes.push(`${route} → ${res.statusCode} (expected ${expected}): ${res.body.slice(0, 160)}`);
      }
      expect(outcomes).toEqual([]);
    });
  }

  it('refuses every non-public route without credentials with 401', async () => {
    for (const route of routes) {
      if (ACCESS_POLICY[route] === 'public') continue;
      const sample = await sampleFor(route, 'commander', sessions.get('commander')!);
      const { cookie: _c, 'x-csrf-token': _x, authorization: _a, ...anonymousHeaders } = sample.headers ?? {};
      const res = await ctx.app.inject({ method: sample.method as 'GET', url: sample.url, payload: sample.payload as object, headers: anonymousHeaders });
      expect(res.statusCode, route).toBe(401);
    }
  });

  it('opens the event stream for every role over a real socket', async () => {
    const base = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    for (const role of EVERY_ROLE) {
      const controller = new AbortController();
      const res = await fetch(`${base}/api/stream`, { headers: sessions.get(role)!.read, signal: controller.signal });
      expect(res.status, role).toBe(policyAllows('GET /api/stream', role) ? 200 : 403);
      if (res.status === 200) expect(res.headers.get('content-type')).toContain('text/event-stream');
      controller.abort();
    }
    expect((await fetch(`${base}/api/stream`)).status).toBe(401);
  });
});

describe(`reads are scoped to the caller's subtree on ${BACKEND}`, () => {
  const as = (role: Role, url: string) => ctx.app.inject({ method: 'GET', url, headers: sessions.get(role)!.read });
  const sqlCounts = async (filter: string, code: string) =>
    (
      await ctx.db.query<{ reported: number; closed: number; open: number }>(
        `SELECT count(*)::int reported, count(*) FILTER (WHERE status = 'closed')::int closed,
            count(*) FILTER (WHERE status NOT IN ('closed', 'rejected', 'duplicate'))::int open
       FROM incident WHERE ${filter} = $1`,
        [code],
      )
    )[0]!;

  it("gives a handler aggregates over their unit's incidents only, the same scope as their incident list", async () => {
    const unitSql = `EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = incident.id AND a.unit_code = 'sanitation')`;
    const [want] = await ctx.db.query<{ reported: number; closed: number; open: number }>(
      `SELECT count(*)::int reported, count(*) FILTER (WHERE status = 'closed')::int closed,
              count(*) FILTER (WHERE status NOT IN ('closed', 'rejected', 'duplicate'))::int open
         FROM incident WHERE ${unitSql}`,
    );
    const [all] = await ctx.db.query<{ n: number }>('SELECT count(*)::int n FROM incident');
    expect(want!.reported).toBeLessThan(all!.n);
    const summary = json(await as('handler', '/api/stats/summary'));
    expect(summary).toMatchObject(want!);
    // The answer says whose incidents it counts, so that a page can say so under the region's name.
    const [unit] = await ctx.db.query("SELECT code, name, name_en FROM unit WHERE code = 'sanitation'");
    expect(summary.unit).toEqual(unit);
    expect(json(await as('district_leader', '/api/stats/summary')).unit).toBeNull();
    expect(json(await as('district_leader', '/api/explore/children')).unit).toBeNull();
    const explored = json(await as('handler', '/api/explore/children'));
    expect(explored.totals).toMatchObject(want!);
    expect(explored.unit).toEqual(unit);
    const categories = json(await as('handler', '/api/stats/categories'));
    expect(categories.categories.reduce((a: number, c: any) => a + c.reported, 0)).toBe(want!.reported);
    const metrics = json(await as('handler', '/api/map/grid-metrics'));
    expect(Object.values(metrics.grids).reduce((a: number, g: any) => a + g[2], 0)).toBe(want!.open);
    const heat = json(await as('handler', '/api/map/heatmap?zoom=12&limit=20000&from=2000-01-01T00:00:00Z'));
    expect(heat.total_weight).toBe(want!.reported);
    const list = json(await as('handler', '/api/incidents?limit=5000'));
    expect(list.numberMatched).toBe(want!.reported);
  });

  it("gives a district leader their district's summary, equal to SQL, child by child", async () => {
    const res = await as('district_leader', '/api/stats/summary');
    expect(res.statusCode).toBe(200);
    const body = json(res);
    expect(body.region).toMatchObject({ code: places.district, level: 'district' });
    expect(body).toMatchObject(await sqlCounts('district_code', places.district));
    for (const child of body.children) expect(child).toMatchObject(await sqlCounts('street_code', child.code));
    const streets = await ctx.db.query<{ code: string }>('SELECT code FROM region WHERE parent_code = $1 ORDER BY code', [places.district]);
    expect(body.children.map((c: any) => c.code)).toEqual(streets.map((s) => s.code));
  });

  it('hides other districts by code, by region parameter and by bbox', async () => {
    const other = places.otherDistrict;
    for (const url of [
      `/api/regions/${other}`,
      `/api/grids/${places.otherGrid}`,
      `/api/stats/summary?region=${other}`,
      `/api/incidents?region=${other}`,
      `/api/grids?region=${other}`,
      '/api/stats/summary?region=430200',
      `/api/map/grid-metrics?region=${other}`,
      `/api/map/heatmap?region=${other}`,
      `/api/stats/categories?region=${other}`,
    ]) {
      const res = await as('district_leader', url);
      expect(res.statusCode, url).toBe(404);
      expect(json(res)).toEqual({ error: { code: 'not_found', message: expect.stringMatching(/not found$/) } });
    }
    const everywhere = 'bbox=100,20,120,35';
    const grids = json(await as('district_leader', `/api/grids?${everywhere}&limit=50000`));
    const [{ n }] = (await ctx.db.query<{ n: number }>('SELECT count(*)::int n FROM grid WHERE district_code = $1', [places.district])) as [{ n: number }];
    expect(grids.features).toHaveLength(n);
    expect(grids.features.every((f: any) => f.properties.district_code === places.district)).toBe(true);
    const incidents = json(await as('district_leader', `/api/incidents?${everywhere}&limit=5000`));
    expect(incidents.features.length).toBeGreaterThan(0);
    expect(incidents.features.every((f: any) => f.properties.district_code === places.district)).toBe(true);
    const tree = json(await as('district_leader', '/api/regions'));
    expect(tree.regions.map((r: any) => r.code)).toEqual([places.district]);
    expect(JSON.stringify(tree)).not.toContain(`"${other}`);
    const metrics = json(await as('district_leader', '/api/map/grid-metrics'));
    expect(Object.keys(metrics.grids).every((code) => code.startsWith(places.district))).toBe(true);
  });

  it('keeps a grid worker to their own grid and staff to their street', async () => {
    const summary = json(await as('grid_worker', '/api/stats/summary'));
    expect(summary.region).toMatchObject({ code: places.grid, level: 'grid' });
    expect(summary).toMatchObject(await sqlCounts('grid_code', places.grid));
    const incidents = json(await as('grid_worker', '/api/incidents?limit=5000'));
    expect(incidents.features.every((f: any) => f.properties.grid_code === places.grid)).toBe(true);
    expect((await as('grid_worker', `/api/regions/${places.community}`)).statusCode).toBe(404);
    const staff = json(await as('staff', '/api/stats/summary'));
    expect(staff).toMatchObject({ region: { code: places.street }, ...(await sqlCounts('street_code', places.street)) });
    expect((await as('staff', `/api/regions/${places.district}`)).statusCode).toBe(404);
  });
});
