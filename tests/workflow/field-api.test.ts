import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../server/auth/roles.js';
import { toWgs84 } from '../../server/geometry/chinese-crs.js';
import { sweepFieldRetention } from '../../server/workflow/field-retention-sweeper.js';
import { createSeededApp, json, type SeededApp } from '../helpers/seeded-app.js';
import { BACKEND } from '../helpers/test-database.js';
import { createUser, login, pickPlaces, type Session, pointInGrid } from '../helpers/identity.js';
import { incidentPlaces } from '../helpers/incident-places.js';
import { multipartBody, solidPng } from '../helpers/test-images.js';

/**
 * The field app's server side (issue 16) over HTTP: idempotent reports and
 * photos (also two requests at once over real sockets), GCJ-02/BD-09 input,
 * nearby reports before reporting, opt-in positions and who may see them,
 * the grid worker's on-site check (核查), and the phone's task lists.
 * Expected values come from SQL and from the published coordinate pairs and
 * the reference formulas below, not from the code under test.
 */
let ctx: SeededApp;
let places: Awaited<ReturnType<typeof pickPlaces>>;
let inGrid: [number, number];
let baseUrl: string;
const UNIT = 'field_test_unit';
type Who = 'worker' | 'worker2' | 'farWorker' | 'dispatcher' | 'farDispatcher' | 'commander' | 'handler' | 'leader';
const as: Partial<Record<Who, Session>> = {};

beforeAll(async () => {
  ctx = await createSeededApp(undefined, {
    auth: { anonymousRead: false },
    workflow: { sweepEveryMs: 0 },
    photos: { dir: mkdtempSync(join(tmpdir(), 'gridscope-field-photos-')), maxBytes: 64 * 1024 },
  });
  places = await pickPlaces(ctx.db);
  inGrid = await pointInGrid(ctx.db, places.grid);
  // A unit of its own, so that the handler's queue holds only this file's incidents.
  await ctx.db.query(`INSERT INTO unit (code, name, unit_type) VALUES ($1, '外业测试单位', 'sanitation')`, [UNIT]);
  const users: [Who, Role, { scope?: string; unit?: string }][] = [
    ['worker', 'grid_worker', { scope: places.grid }],
    ['worker2', 'grid_worker', { scope: places.grid }],
    ['farWorker', 'grid_worker', { scope: places.otherGrid }],
    ['dispatcher', 'dispatcher', {}],
    ['farDispatcher', 'dispatcher', { scope: places.otherDistrict }],
    ['commander', 'commander', {}],
    ['handler', 'handler', { unit: UNIT }],
    ['leader', 'district_leader', { scope: places.district }],
  ];
  for (const [name, role, grant] of users) {
    await createUser(ctx.db, { username: `fa-${name.toLowerCase()}`, role, ...grant });
    as[name] = await login(ctx.app, `fa-${name.toLowerCase()}`);
  }
  baseUrl = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => ctx?.close());

const report = (who: Who, body: object, key?: string) =>
  ctx.app.inject({
    method: 'POST',
    url: '/api/incidents',
    headers: { ...as[who]!.write, ...(key === undefined ? {} : { 'idempotency-key': key }) },
    payload: body,
  });
const act = (who: Who, code: string, body: object) =>
  ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/transitions`, headers: as[who]!.write, payload: body });
const read = (who: Who, url: string) => ctx.app.inject({ method: 'GET', url, headers: as[who]!.read });
async function upload(who: Who, code: string, kind: string, bytes: Buffer, key?: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), 'photo.png');
  const { payload, headers } = await multipartBody(form);
  const keyHeader = key === undefined ? {} : { 'idempotency-key': key };
  return ctx.app.inject({
    method: 'POST',
    url: `/api/incidents/${code}/photos?kind=${kind}`,
    headers: { ...as[who]!.write, ...headers, ...keyHeader },
    payload,
  });
}
async function newIncident(who: Who = 'worker', body: object = {}): Promise<string> {
  const res = await report(who, { category: 'uncollected_garbage', description: '垃圾桶满溢', location: inGrid, ...body });
  expect(res.statusCode, res.body).toBe(201);
  return json(res).incident.properties.code;
}
const one = async <T>(sql: string, params: unknown[] = []) => (await ctx.db.query<T>(sql, params))[0]!;
/** What a write leaves behind, counted in SQL: incidents with this description, and their history, audit and event rows. */
const traces = (description: string) =>
  one<{ incidents: number; history: number; audits: number; events: number }>(
    `SELECT count(*)::int AS incidents,
            coalesce(sum((SELECT count(*) FROM incident_history h WHERE h.incident_id = i.id)), 0)::int AS history,
            coalesce(sum((SELECT count(*) FROM audit_log a WHERE a.target_type = 'incident' AND a.target_id = i.code)), 0)::int AS audits,
            coalesce(sum((SELECT count(*) FROM event_log e WHERE e.payload -> 'incident' ->> 'code' = i.code)), 0)::int AS events
       FROM incident i WHERE i.description = $1`,
    [description],
  );
/** The grid whose polygon contains a WGS84 point, by SQL. */
const gridAt = async ([lon, lat]: [number, number]) =>
  (
    await one<{ code: string | null }>('SELECT (SELECT code FROM grid WHERE ST_Contains(boundary, ST_SetSRID(ST_MakePoint($1, $2), 4326)) LIMIT 1) AS code', [
      lon,
      lat,
    ])
  ).code;
/** Metres between two WGS84 points, by PostGIS. */
const metres = async (a: [number, number], b: [number, number]) =>
  (
    await one<{ m: number }>('SELECT ST_Distance(ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography) AS m', [
      ...a,
      ...b,
    ])
  ).m;

/**
 * The published WGS84 → GCJ-02 formula (the "eviltransform" reference, Krasovsky 1940 ellipsoid), and GCJ-02 → BD-09 as
 * Baidu documents it: written out here to make GCJ-02 and BD-09 inputs from known WGS84 points, independently of gcoord.
 */
function wgsToGcj([lon, lat]: [number, number]): [number, number] {
  const a = 6378245.0;
  const ee = 0.006693421622965943; // 0.00669342162296594323 to double precision
  const x = lon - 105;
  const y = lat - 35;
  let dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  dLat += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  dLat += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  dLat += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  let dLon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  dLon += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  dLon += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  dLon += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  const radLat = (lat / 180) * Math.PI;
  const magic = 1 - ee * Math.sin(radLat) ** 2;
  const sqrtMagic = Math.sqrt(magic);
  return [lon + (dLon * 180) / ((a / sqrtMagic) * Math.cos(radLat) * Math.PI), lat + (dLat * 180) / (((a * (1 - ee)) / (magic * sqrtMagic)) * Math.PI)];
}
function gcjToBd([lon, lat]: [number, number]): [number, number] {
  const xPi = (Math.PI * 3000) / 180;
  const z = Math.sqrt(lon * lon + lat * lat) + 0.00002 * Math.sin(lat * xPi);
  const theta = Math.atan2(lat, lon) + 0.000003 * Math.cos(lon * xPi);
  return [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006];
}

describe(`idempotent reports and photos on ${BACKEND}`, () => {
  it('answers a repeated key with the first answer (same status and body, Idempotent-Replayed) and files one incident', async () => {
    const body = { category: 'uncollected_garbage', description: 'idem-1 垃圾满溢', location: inGrid };
    const first = await report('worker', body, 'outbox-0001');
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const after = await traces('idem-1 垃圾满溢');
    expect(after).toEqual({ incidents: 1, history: 1, audits: 1, events: 1 });

    const again = await report('worker', body, 'outbox-0001');
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    // The same fields in another order are the same request.
    const reordered = await report(
      'worker',
      { location: inGrid, description: 'idem-1 垃圾满溢', category: 'uncollected_garbage', crs: 'wgs84' },
      'outbox-0001',
    );
    expect(reordered.body).toBe(first.body);
    expect(await traces('idem-1 垃圾满溢')).toEqual(after);

    // The same key with another body: 422, nothing written.
    const reused = await report('worker', { ...body, urgency: 'red' }, 'outbox-0001');
    expect(reused.statusCode).toBe(422);
    expect(json(reused).error.code).toBe('idempotency_key_reused');
    expect(json(reused).error.message).toContain('Idempotency-Key');
    expect(await traces('idem-1 垃圾满溢')).toEqual(after);

    // Keys are per user: another worker's identical key is their own report.
    expect((await report('worker2', body, 'outbox-0001')).statusCode).toBe(201);
    expect((await traces('idem-1 垃圾满溢')).incidents).toBe(2);
    const [stored] = await ctx.db.query<{ n: number }>("SELECT count(*)::int n FROM idempotency_key WHERE key = 'outbox-0001'");
    expect(stored!.n).toBe(2);
  });

  it('takes a workflow step sent again with its key (the outbox resolving, checking or mediating) once', async () => {
    const code = await newIncident('worker', { description: 'idem-step' });
    for (const step of [{ action: 'file' }, { action: 'dispatch', units: [UNIT] }]) expect((await act('dispatcher', code, step)).statusCode).toBe(200);
    expect((await act('handler', code, { action: 'start' })).statusCode).toBe(200);
    expect((await upload('handler', code, 'after', solidPng(4, 4, [0, 90, 0]), 'outbox-after-1')).statusCode).toBe(201);
    const resolve = (body: object) =>
      ctx.app.inject({
        method: 'POST',
        url: `/api/incidents/${code}/transitions`,
        headers: { ...as.handler!.write, 'idempotency-key': 'outbox-step-1' },
        payload: body,
      });
    const first = await resolve({ action: 'resolve', note: '已清运' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const once = await traces('idem-step');
    // Without the key the repeat would be refused (409, already resolved); with it the phone hears the step was taken.
    const again = await resolve({ action: 'resolve', note: '已清运' });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(json(again).properties.status).toBe('resolved');
    expect(await traces('idem-step')).toEqual(once);
    const reused = await resolve({ action: 'resolve', note: '另一个备注' });
    expect(reused.statusCode).toBe(422);
    expect(json(reused).error.code).toBe('idempotency_key_reused');
    expect(await traces('idem-step')).toEqual(once);
  });

  it('refuses a malformed key with a 400 naming the header, writing nothing; a refused write keeps no key', async () => {
    const body = { category: 'uncollected_garbage', description: 'idem-bad', location: inGrid };
    for (const key of ['', 'x'.repeat(201), 'tab\there', 'clé']) {
      const res = await report('worker', body, key);
      expect(res.statusCode, JSON.stringify(key)).toBe(400);
      expect(json(res).error.message).toContain('Idempotency-Key');
    }
    expect((await report('worker', body, 'x'.repeat(200))).statusCode).toBe(201);
    // Outside the worker's grid: 403, and the key stays free for the corrected report.
    const far = await pointInGrid(ctx.db, places.otherGrid);
    const outside = await report('worker', { ...body, description: 'idem-retry', location: far }, 'outbox-retry');
    expect(outside.statusCode).toBe(403);
    expect(json(outside).error.code).toBe('outside_your_area');
    expect((await report('worker', { ...body, description: 'idem-retry' }, 'outbox-retry')).statusCode).toBe(201);
    expect((await traces('idem-retry')).incidents).toBe(1);
  });

  it('files one incident when the same key arrives several times at once over real HTTP', async () => {
    const body = JSON.stringify({ category: 'uncollected_garbage', description: 'idem-concurrent', location: inGrid });
    const send = () =>
      fetch(`${baseUrl}/api/incidents`, {
        method: 'POST',
        headers: { ...as.worker!.write, 'content-type': 'application/json', 'idempotency-key': 'outbox-burst-1' },
        body,
      }).then(async (r) => ({ status: r.status, replayed: r.headers.get('idempotent-replayed'), body: await r.text() }));
    const answers = await Promise.all([send(), send(), send(), send(), send()]);
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(answers.filter((a) => a.replayed === 'true')).toHaveLength(4);
    expect(await traces('idem-concurrent')).toEqual({ incidents: 1, history: 1, audits: 1, events: 1 });
  });

  it('adds a photo once per key; the same key with other bytes is 422', async () => {
    const code = await newIncident('worker', { description: 'idem-photo' });
    const photoRows = () =>
      one<{ photos: number; history: number }>(
        `SELECT (SELECT count(*) FROM incident_photo p WHERE p.incident_id = i.id)::int AS photos,
              (SELECT count(*) FROM incident_history h WHERE h.incident_id = i.id AND h.action = 'photo')::int AS history
         FROM incident i WHERE i.code = $1`,
        [code],
      );
    const first = await upload('worker', code, 'before', solidPng(2, 2, [1, 2, 3]), 'photo-key-1');
    expect(first.statusCode, first.body).toBe(201);
    const again = await upload('worker', code, 'before', solidPng(2, 2, [1, 2, 3]), 'photo-key-1');
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    expect(await photoRows()).toEqual({ photos: 1, history: 1 });
    const other = await upload('worker', code, 'before', solidPng(2, 2, [9, 9, 9]), 'photo-key-1');
    expect(other.statusCode).toBe(422);
    expect(json(other).error.code).toBe('idempotency_key_reused');
    expect(await photoRows()).toEqual({ photos: 1, history: 1 });
    expect((await upload('worker', code, 'before', solidPng(2, 2), 'bad\u0001key')).statusCode).toBe(400);
  });

  it('keeps keys 7 days: the sweep deletes older ones only', async () => {
    await ctx.db.query("UPDATE idempotency_key SET created_at = now() - interval '8 days' WHERE key = 'outbox-retry'");
    await ctx.db.query("UPDATE idempotency_key SET created_at = now() - interval '6 days' WHERE key = 'outbox-burst-1'");
    const swept = await sweepFieldRetention(ctx.db, new Date(), 7);
    expect(swept.keys).toBe(1);
    const left = await ctx.db.query<{ key: string }>("SELECT key FROM idempotency_key WHERE key IN ('outbox-retry', 'outbox-burst-1')");
    expect(left.map((r) => r.key)).toEqual(['outbox-burst-1']);
  });
});

describe(`Chinese map coordinates on ${BACKEND}`, () => {
  it('converts published coordinate pairs to WGS84', () => {
    // gcoord's README: WGS84 [116.403988, 39.914266] is BD-09 [116.41661560068297, 39.92196580126834]; GCJ-02 [123, 45] is WGS84 [122.99395597, 44.99804071].
    const bd = toWgs84([116.41661560068297, 39.92196580126834], 'bd09');
    expect(bd[0]).toBeCloseTo(116.403988, 5);
    expect(bd[1]).toBeCloseTo(39.914266, 5);
    const gcj = toWgs84([123, 45], 'gcj02');
    expect(gcj[0]).toBeCloseTo(122.99395597, 6);
    expect(gcj[1]).toBeCloseTo(44.99804071, 6);
    // The reference formulas above agree with the published pairs, so they can make inputs for the next test.
    const ref = gcjToBd(wgsToGcj([116.403988, 39.914266]));
    expect(ref[0]).toBeCloseTo(116.41661560068297, 6);
    expect(ref[1]).toBeCloseTo(39.92196580126834, 6);
    expect(toWgs84([113.13, 27.83])).toEqual([113.13, 27.83]);
  });

  it('places a GCJ-02 or BD-09 report in Zhuzhou in the grid that contains its WGS84 point', async () => {
    // A point of the worker's grid that the GCJ-02 offset (some hundred metres) would carry out of it, so that only a real
    // conversion lands it right: a point of the grid not in the grid moved back by the offset.
    const centre = inGrid;
    const shifted = wgsToGcj(centre);
    const [dx, dy] = [shifted[0] - centre[0], shifted[1] - centre[1]];
    const [q] = await ctx.db.query<{ x: number; y: number }>(
      `SELECT ST_X(pt) x, ST_Y(pt) y FROM (
         SELECT ST_PointOnSurface(ST_Difference(boundary, ST_Translate(boundary, -$2::float8, -$3::float8))) pt FROM grid WHERE code = $1) s`,
      [places.grid, dx, dy],
    );
    const wgs: [number, number] = [q!.x, q!.y];
    const chosen = (await gridAt(wgs)) === places.grid && (await gridAt(wgsToGcj(wgs))) !== places.grid ? { code: places.grid, wgs } : undefined;
    expect(chosen, 'a point the GCJ-02 offset carries out of its grid').toBeDefined();
    expect(chosen!.wgs[0]).toBeGreaterThan(112);
    expect(chosen!.wgs[0]).toBeLessThan(114.5); // Zhuzhou lies about 112.9–114.1 E, 26.0–28.0 N
    for (const [crs, point] of [
      ['gcj02', wgsToGcj(chosen!.wgs)],
      ['bd09', gcjToBd(wgsToGcj(chosen!.wgs))],
    ] as const) {
      const res = await report('dispatcher', { category: 'streetlight_fault', description: `crs-${crs}`, location: point, crs });
      expect(res.statusCode, res.body).toBe(201);
      const incident = json(res).incident;
      expect(incident.properties.grid_code, crs).toBe(chosen!.code);
      const [lon, lat] = incident.geometry.coordinates;
      expect(await metres([lon, lat], chosen!.wgs), crs).toBeLessThan(1);
    }
    const bad = await report('dispatcher', { category: 'streetlight_fault', location: inGrid, crs: 'epsg3857' });
    expect(bad.statusCode).toBe(400);
  });
});

describe(`nearby reports before reporting on ${BACKEND}`, () => {
  it('lists same-category reports within 50 m in the last 24 h that the caller may see; a worker of the grid adds a photo instead', async () => {
    const code = await newIncident('worker', { category: 'road_damage', description: 'nearby-1' });
    const old = await newIncident('worker', { category: 'road_damage', description: 'nearby-old' });
    await ctx.db.query("UPDATE incident SET reported_at = now() - interval '25 hours' WHERE code = $1", [old]);
    const probe: [number, number] = [inGrid[0] + 0.0001, inGrid[1]]; // about 10 m east
    const expected = await ctx.db.query<{ code: string }>(
      `SELECT code FROM incident WHERE category_code = 'road_damage' AND status <> 'duplicate' AND reported_at > now() - interval '24 hours'
          AND ST_DWithin(location::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, 50) ORDER BY code`,
      probe,
    );
    expect(expected.map((e) => e.code)).toContain(code);
    expect(expected.map((e) => e.code)).not.toContain(old);
    const url = (p: [number, number], extra = '') => `/api/incidents/nearby?lon=${p[0]}&lat=${p[1]}&category=road_damage${extra}`;
    for (const who of ['worker', 'dispatcher'] as const) {
      const res = await read(who, url(probe));
      expect(res.statusCode, res.body).toBe(200);
      const got = json(res);
      expect(got.incidents.map((i: any) => i.code).sort()).toEqual(expected.map((e) => e.code));
      expect(got.incidents.every((i: any) => i.distance_m <= 50)).toBe(true);
    }
    // The same place in GCJ-02 finds the same reports.
    const viaGcj = json(await read('worker', url(wgsToGcj(probe), '&crs=gcj02')));
    expect(viaGcj.incidents.map((i: any) => i.code).sort()).toEqual(expected.map((e) => e.code));
    // Outside the caller's scope nothing is shown; other categories are not listed; bad input is named; handlers may not ask.
    expect(json(await read('farWorker', url(probe))).incidents).toEqual([]);
    expect(json(await read('worker', url(probe).replace('road_damage', 'cooking_fume'))).incidents.map((i: any) => i.code)).not.toContain(code);
    const badCategory = await read('worker', url(probe).replace('road_damage', 'no_such'));
    expect(badCategory.statusCode).toBe(400);
    expect(json(badCategory).error.message).toContain('category');
    expect((await read('worker', '/api/incidents/nearby?lon=200&lat=27&category=road_damage')).statusCode).toBe(400);
    expect((await read('handler', url(probe))).statusCode).toBe(403);

    // Another worker of the same grid adds their photo to it: no new incident, a photo and a history row.
    const before = await traces('nearby-1');
    const added = await upload('worker2', code, 'before', solidPng(3, 3, [5, 6, 7]));
    expect(added.statusCode, added.body).toBe(201);
    expect(await traces('nearby-1')).toEqual({ ...before, history: before.history + 1, audits: before.audits + 1 });
    expect((await upload('farWorker', code, 'before', solidPng(3, 3))).statusCode).toBe(404);
  });
});

describe(`opt-in worker positions on ${BACKEND}`, () => {
  const positionsSeen = () => one<{ n: number }>("SELECT count(*)::int n FROM audit_log WHERE action = 'grid_worker.position_viewed'");
  const put = (who: Who, body: object) => ctx.app.inject({ method: 'PUT', url: '/api/me/position', headers: as[who]!.write, payload: body });

  it('keeps a worker’s last position for dispatchers whose scope covers the grid, each view audited, never on the stream', async () => {
    const events = await one<{ n: number }>('SELECT count(*)::int n FROM event_log');
    expect((await put('worker', { lon: inGrid[0], lat: inGrid[1], accuracy_m: 30 })).statusCode).toBe(204);
    const gcjPoint = wgsToGcj([inGrid[0] + 0.0002, inGrid[1]]);
    const second = await put('worker', { lon: gcjPoint[0], lat: gcjPoint[1], accuracy_m: 12.5, crs: 'gcj02' });
    expect(second.statusCode, second.body).toBe(204);
    expect((await one<{ n: number }>('SELECT count(*)::int n FROM event_log')).n).toBe(events.n);
    const workerId = (await one<{ id: number }>("SELECT id FROM app_user WHERE username = 'fa-worker'")).id;

    const seenBefore = (await positionsSeen()).n;
    const res = await read('dispatcher', `/api/workers/positions?grid=${places.grid}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = json(res);
    expect(body.grid).toBe(places.grid);
    expect(body.workers.map((w: any) => w.user_id)).toEqual([workerId]);
    expect(body.workers[0].accuracy_m).toBe(12.5);
    expect(await metres(body.workers[0].location, [inGrid[0] + 0.0002, inGrid[1]])).toBeLessThan(1);
    expect(body.workers[0].age_s).toBeGreaterThanOrEqual(0);
    expect((await positionsSeen()).n).toBe(seenBefore + 1);

    // By an incident of the grid, for the commander too.
    const code = await newIncident('worker', { description: 'positions-1' });
    const byIncident = json(await read('commander', `/api/workers/positions?incident=${code}`));
    expect(byIncident.workers.map((w: any) => w.user_id)).toEqual([workerId]);
    // Out of scope is not found; exactly one of grid/incident; other roles may not look or share.
    expect((await read('farDispatcher', `/api/workers/positions?grid=${places.grid}`)).statusCode).toBe(404);
    expect((await read('farDispatcher', `/api/workers/positions?incident=${code}`)).statusCode).toBe(404);
    expect((await read('dispatcher', '/api/workers/positions')).statusCode).toBe(400);
    expect((await read('dispatcher', `/api/workers/positions?grid=${places.grid}&incident=${code}`)).statusCode).toBe(400);
    expect((await read('leader', `/api/workers/positions?grid=${places.grid}`)).statusCode).toBe(403);
    expect((await read('worker2', `/api/workers/positions?grid=${places.grid}`)).statusCode).toBe(403);
    expect((await put('dispatcher', { lon: inGrid[0], lat: inGrid[1], accuracy_m: 5 })).statusCode).toBe(403);
    const noAccuracy = await put('worker2', { lon: inGrid[0], lat: inGrid[1] });
    expect(noAccuracy.statusCode).toBe(400);
    expect(json(noAccuracy).error.message).toContain('accuracy_m');

    // Stop sharing: deleted at once.
    expect((await ctx.app.inject({ method: 'DELETE', url: '/api/me/position', headers: as.worker!.write })).statusCode).toBe(204);
    expect((await one<{ n: number }>('SELECT count(*)::int n FROM worker_position WHERE user_id = $1', [workerId])).n).toBe(0);
    expect(json(await read('dispatcher', `/api/workers/positions?grid=${places.grid}`)).workers).toEqual([]);
  });

  it('shows and keeps positions only within the retention', async () => {
    expect((await put('worker', { lon: inGrid[0], lat: inGrid[1], accuracy_m: 8 })).statusCode).toBe(204);
    expect((await put('worker2', { lon: inGrid[0], lat: inGrid[1], accuracy_m: 8 })).statusCode).toBe(204);
    await ctx.db.query("UPDATE worker_position SET at = now() - interval '8 days' WHERE user_id = (SELECT id FROM app_user WHERE username = 'fa-worker2')");
    const shown = json(await read('dispatcher', `/api/workers/positions?grid=${places.grid}`)).workers.map((w: any) => w.name);
    expect(shown).toEqual(['fa-worker']);
    expect((await sweepFieldRetention(ctx.db, new Date(), 7)).positions).toBe(1);
    const left = await ctx.db.query<{ username: string }>('SELECT u.username FROM worker_position p JOIN app_user u ON u.id = p.user_id ORDER BY 1');
    expect(left.map((r) => r.username)).toEqual(['fa-worker']);
  });
});

describe(`the grid worker's on-site check (核查) and task lists on ${BACKEND}`, () => {
  async function resolved(description: string): Promise<string> {
    const code = await newIncident('worker', { description });
    for (const step of [{ action: 'file' }, { action: 'dispatch', units: [UNIT] }]) expect((await act('dispatcher', code, step)).statusCode).toBe(200);
    expect((await act('handler', code, { action: 'start' })).statusCode).toBe(200);
    expect((await upload('handler', code, 'after', solidPng(4, 4, [0, 200, 0]))).statusCode).toBe(201);
    expect((await act('handler', code, { action: 'resolve', note: '已清运' })).statusCode).toBe(200);
    return code;
  }
  const lastHistory = (code: string) =>
    one<{ action: string; from_status: string; to_status: string; note: string; verdict: string }>(
      `SELECT h.action, h.from_status, h.to_status, h.note, h.details ->> 'verdict' AS verdict
         FROM incident_history h JOIN incident i ON i.id = h.incident_id WHERE i.code = $1 ORDER BY h.id DESC LIMIT 1`,
      [code],
    );

  it('records a check with verdict, note and photo: status stays resolved; history, audit and stream have it; the dispatcher sees it', async () => {
    const code = await resolved('check-1');
    const tasksBefore = json(await read('worker', '/api/me/tasks'));
    expect(tasksBefore.role).toBe('grid_worker');
    expect(tasksBefore.tasks[0]).toMatchObject({ code, status: 'resolved', needs_check: true });

    // Refusals change nothing: no check photo yet (422), no verdict (400), no note (400), not the worker (403), another grid (404).
    const before = await traces('check-1');
    const noPhoto = await act('worker', code, { action: 'check', verdict: 'fixed', note: '已修复' });
    expect(noPhoto.statusCode).toBe(422);
    expect(json(noPhoto).error.code).toBe('check_photo_required');
    expect((await upload('handler', code, 'check', solidPng(2, 2))).statusCode).toBe(403);
    const photo = await upload('worker', code, 'check', solidPng(5, 5, [200, 200, 0]));
    expect(photo.statusCode, photo.body).toBe(201);
    const photoUrl = json(photo).url;
    const noVerdict = await act('worker', code, { action: 'check', note: '已修复' });
    expect(noVerdict.statusCode).toBe(400);
    expect(json(noVerdict).error.message).toContain('verdict');
    expect((await act('worker', code, { action: 'check', verdict: 'fixed' })).statusCode).toBe(400);
    expect((await act('worker', code, { action: 'check', verdict: 'maybe', note: 'x' })).statusCode).toBe(400);
    expect((await act('dispatcher', code, { action: 'check', verdict: 'fixed', note: 'x' })).statusCode).toBe(403);
    expect((await act('farWorker', code, { action: 'check', verdict: 'fixed', note: 'x' })).statusCode).toBe(404);
    expect((await act('worker', code, { action: 'close' })).statusCode).toBe(403);
    const withPhoto = await traces('check-1');
    expect(withPhoto).toEqual({ ...before, history: before.history + 1, audits: before.audits + 1 });

    const res = await act('worker', code, { action: 'check', verdict: 'fixed', note: '现场已清理干净' });
    expect(res.statusCode, res.body).toBe(200);
    expect(await lastHistory(code)).toEqual({ action: 'check', from_status: 'resolved', to_status: 'resolved', note: '现场已清理干净', verdict: 'fixed' });
    expect(await traces('check-1')).toEqual({ incidents: 1, history: withPhoto.history + 1, audits: withPhoto.audits + 1, events: withPhoto.events + 1 });
    const audit = await one<{ action: string }>('SELECT action FROM audit_log WHERE target_id = $1 ORDER BY id DESC LIMIT 1', [code]);
    expect(audit.action).toBe('incident.check');
    const event = await one<{ type: string; verdict: string; status: string }>(
      "SELECT type, payload ->> 'verdict' AS verdict, payload -> 'incident' ->> 'status' AS status FROM event_log WHERE payload -> 'incident' ->> 'code' = $1 ORDER BY id DESC LIMIT 1",
      [code],
    );
    expect(event).toEqual({ type: 'incident.checked', verdict: 'fixed', status: 'resolved' });

    // The dispatcher's record: the check beside the handler's after photo.
    const record = json(await read('dispatcher', `/api/incidents/${code}`)).properties;
    expect(record.status).toBe('resolved');
    expect(record.site_check).toMatchObject({ verdict: 'fixed', note: '现场已清理干净', actor: 'user:fa-worker', photo_urls: [photoUrl], current: true });
    expect(record.photos.map((p: any) => p.kind).sort()).toEqual(['after', 'check']);
    const tasksAfter = json(await read('worker', '/api/me/tasks')).tasks;
    expect(tasksAfter.find((t: any) => t.code === code).needs_check).toBe(false);

    // Sent back and resolved again: a new check is needed, and the old photo does not count for it.
    expect((await act('dispatcher', code, { action: 'verify_fail', note: '仍有垃圾' })).statusCode).toBe(200);
    expect((await act('worker', code, { action: 'check', verdict: 'fixed', note: 'x' })).statusCode).toBe(409);
    expect((await act('handler', code, { action: 'resolve', note: '再次清运' })).statusCode).toBe(200);
    expect(json(await read('dispatcher', `/api/incidents/${code}`)).properties.site_check.current).toBe(false);
    expect(json(await read('worker', '/api/me/tasks')).tasks.find((t: any) => t.code === code).needs_check).toBe(true);
    expect((await act('worker', code, { action: 'check', verdict: 'not_fixed', note: '仍未清理' })).statusCode).toBe(422);
    expect((await upload('worker', code, 'check', solidPng(6, 6, [1, 1, 1]))).statusCode).toBe(201);
    expect((await act('worker', code, { action: 'check', verdict: 'not_fixed', note: '仍未清理' })).statusCode).toBe(200);
    expect(json(await read('dispatcher', `/api/incidents/${code}`)).properties.site_check).toMatchObject({ verdict: 'not_fixed', current: true });
    expect((await act('dispatcher', code, { action: 'close' })).statusCode).toBe(200);
  });

  it("lists a grid worker's open incidents with checks waiting first, and a handler's queue overdue first with working time left", async () => {
    const waiting = await resolved('tasks-resolved');
    const tasks = json(await read('worker', '/api/me/tasks')).tasks as any[];
    const expected = await ctx.db.query<{ code: string }>(
      "SELECT code FROM incident WHERE grid_code = $1 AND status NOT IN ('closed', 'rejected', 'duplicate') ORDER BY code",
      [places.grid],
    );
    expect(expected.length).toBeLessThan(200); // within one phone list
    expect(tasks.map((t) => t.code).sort()).toEqual(expected.map((e) => e.code));
    const firstOther = tasks.findIndex((t) => !t.needs_check);
    expect(tasks.slice(firstOther).some((t) => t.needs_check)).toBe(false);
    expect(tasks.slice(0, firstOther).map((t) => t.code)).toContain(waiting);

    // The handler's queue: two dispatched to the unit, one of them overdue and urged.
    const late = await newIncident('worker', { description: 'tasks-late' });
    const fresh = await newIncident('worker', { description: 'tasks-fresh' });
    for (const code of [late, fresh]) {
      for (const step of [{ action: 'file' }, { action: 'dispatch', units: [UNIT] }]) expect((await act('dispatcher', code, step)).statusCode).toBe(200);
    }
    await ctx.db.query(
      `UPDATE incident_assignment SET assigned_at = now() - interval '30 days', due_at = now() - interval '2 days'
        WHERE incident_id = (SELECT id FROM incident WHERE code = $1)`,
      [late],
    );
    await ctx.db.query(
      `UPDATE incident SET reported_at = reported_at - interval '30 days', filed_at = filed_at - interval '30 days',
              dispatched_at = dispatched_at - interval '30 days', due_at = now() - interval '2 days' WHERE code = $1`,
      [late],
    );
    expect((await act('dispatcher', late, { action: 'urge', note: '请尽快处置' })).statusCode).toBe(200);
    const queue = json(await read('handler', '/api/me/tasks'));
    expect(queue.role).toBe('handler');
    const expectedQueue = await ctx.db.query<{ code: string }>(
      `SELECT i.code FROM incident_assignment a JOIN incident i ON i.id = a.incident_id
        WHERE a.unit_code = $1 AND a.status <> 'resolved' AND i.status IN ('dispatched', 'in_progress')
        ORDER BY a.due_at < now() DESC, a.due_at, i.code`,
      [UNIT],
    );
    expect(queue.tasks.map((t: any) => t.code)).toEqual(expectedQueue.map((e) => e.code));
    expect(queue.tasks[0]).toMatchObject({ code: late, overdue: true, urged: true });
    expect(queue.tasks[0].working_hours_left).toBeLessThan(0);
    const freshTask = queue.tasks.find((t: any) => t.code === fresh);
    expect(freshTask).toMatchObject({ overdue: false, urged: false, unit_status: 'assigned' });
    expect(freshTask.working_hours_left).toBeGreaterThan(0);
    expect((await read('dispatcher', '/api/me/tasks')).statusCode).toBe(403);

    // Each task says where it is, district · street · grid, in both languages.
    const where = await incidentPlaces(
      ctx.db,
      [...tasks, ...queue.tasks].map((t: any) => t.code),
    );
    expect([...where.values()].some((w) => w.en !== w.zh)).toBe(true);
    for (const task of [...tasks, ...queue.tasks]) expect(task.place, task.code).toEqual(where.get(task.code));
  });

  it("gives a grid worker their community's outline and its grids' (names, no figures), the grids around theirs; no one else", async () => {
    for (const [who, grid] of [
      ['worker', places.grid],
      ['farWorker', places.otherGrid],
    ] as const) {
      const res = await read(who, '/api/me/community');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
      const expected = await ctx.db.query<{ code: string; level: string; name: string }>(
        `SELECT r.code, 'community' AS level, r.name FROM grid g JOIN region r ON r.code = g.community_code WHERE g.code = $1
         UNION ALL
         SELECT o.code, 'grid', o.name FROM grid g JOIN grid o ON o.community_code = g.community_code WHERE g.code = $1
         ORDER BY 1`,
        [grid],
      );
      expect(expected.filter((e) => e.level === 'grid').length).toBeGreaterThan(1);
      const features = json(res).features as { properties: Record<string, unknown>; geometry: { type: string } }[];
      expect(
        features
          .map((f) => ({ code: f.properties.code, level: f.properties.level, name: f.properties.name }))
          .sort((a, b) => String(a.code).localeCompare(String(b.code))),
      ).toEqual(expected);
      for (const f of features) {
        // Names and where to write them; no counts or rates of places outside the worker's grid.
        expect(Object.keys(f.properties).sort(), String(f.properties.code)).toEqual(['code', 'label', 'level', 'name', 'name_en', 'population']);
        expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type);
      }
    }
    for (const who of ['handler', 'dispatcher', 'leader', 'commander'] as const) expect((await read(who, '/api/me/community')).statusCode, who).toBe(403);
  });
});
