import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../server/auth/roles.js';
import { createSeededApp, json, type SeededApp } from '../helpers/seeded-app.js';
import { BACKEND } from '../helpers/test-database.js';
import { createUser, login, pickPlaces, type Session } from '../helpers/identity.js';

/**
 * What the dispatch console needs over HTTP besides the workflow: urging
 * (督办) an incident in hand, a recorded step that keeps the status and is
 * announced live; an incident's possible duplicates, placed for its map,
 * within the caller's scope; and its grid's workers' numbers, each view
 * audited, with calls noted in the history. Expected values come from SQL.
 */
let ctx: SeededApp;
let places: Awaited<ReturnType<typeof pickPlaces>>;
let inGrid: [number, number];
const as: Partial<Record<'worker' | 'dispatcher' | 'handler' | 'leader' | 'otherLeader', Session>> = {};
type Who = keyof typeof as;

beforeAll(async () => {
  ctx = await createSeededApp(undefined, { auth: { anonymousRead: false }, workflow: { sweepEveryMs: 0 } });
  places = await pickPlaces(ctx.db);
  const [p] = await ctx.db.query<{ x: number; y: number }>(
    'SELECT ST_X(pt) x, ST_Y(pt) y FROM (SELECT ST_PointOnSurface(boundary) pt FROM grid WHERE code = $1) s',
    [places.grid],
  );
  inGrid = [p!.x, p!.y];
  const users: [Who, Role, { scope?: string; unit?: string }][] = [
    ['worker', 'grid_worker', { scope: places.grid }],
    ['dispatcher', 'dispatcher', {}],
    ['handler', 'handler', { unit: 'sanitation' }],
    ['leader', 'district_leader', { scope: places.district }],
    ['otherLeader', 'district_leader', { scope: places.otherDistrict }],
  ];
  for (const [name, role, grant] of users) {
    await createUser(ctx.db, { username: `un-${name.toLowerCase()}`, role, ...grant });
    as[name] = await login(ctx.app, `un-${name.toLowerCase()}`);
  }
});
afterAll(async () => ctx?.close());

const act = (who: Who, code: string, body: object) =>
  ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/transitions`, headers: as[who]!.write, payload: body });
const read = (who: Who, url: string) => ctx.app.inject({ method: 'GET', url, headers: as[who]!.read });
async function newIncident(category = 'uncollected_garbage', location: [number, number] = inGrid): Promise<string> {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/incidents',
    headers: as.worker!.write,
    payload: { category, description: '垃圾桶满溢', location },
  });
  expect(res.statusCode, res.body).toBe(201);
  return json(res).incident.properties.code;
}
const record = async (code: string) =>
  (
    await ctx.db.query<{ status: string; history: number; audits: number; events: number }>(
      `SELECT i.status,
          (SELECT count(*)::int FROM incident_history h WHERE h.incident_id = i.id) AS history,
          (SELECT count(*)::int FROM audit_log a WHERE a.target_type = 'incident' AND a.target_id = i.code) AS audits,
          (SELECT count(*)::int FROM event_log e WHERE e.payload -> 'incident' ->> 'code' = i.code) AS events
     FROM incident i WHERE i.code = $1`,
      [code],
    )
  )[0]!;

describe(`urging and possible duplicates on ${BACKEND}`, () => {
  it('urges an overdue incident with a note: status unchanged, a history row, an audit row and a live event; the list and the record show it', async () => {
    const code = await newIncident();
    expect((await act('dispatcher', code, { action: 'file' })).statusCode).toBe(200);
    expect((await act('dispatcher', code, { action: 'dispatch', units: ['sanitation'] })).statusCode).toBe(200);
    // Overdue: as if reported, filed and dispatched five hours ago, with the deadline passed an hour ago.
    await ctx.db.query(
      `UPDATE incident SET reported_at = reported_at - interval '5 hours', filed_at = filed_at - interval '5 hours',
              dispatched_at = dispatched_at - interval '5 hours', due_at = now() - interval '1 hour' WHERE code = $1`,
      [code],
    );
    const before = await record(code);

    // Refusals change nothing: no note (400), a handler (403), and an incident not yet dispatched (409).
    const noNote = await act('dispatcher', code, { action: 'urge' });
    expect(noNote.statusCode).toBe(400);
    expect(json(noNote).error.message).toContain('note');
    expect((await act('handler', code, { action: 'urge', note: '请加快' })).statusCode).toBe(403);
    const filedOnly = await newIncident();
    await act('dispatcher', filedOnly, { action: 'file' });
    expect((await act('dispatcher', filedOnly, { action: 'urge', note: '请加快' })).statusCode).toBe(409);
    expect(await record(code)).toEqual(before);

    const res = await act('dispatcher', code, { action: 'urge', note: '已超期，请立即处置并反馈' });
    expect(res.statusCode, res.body).toBe(200);
    expect(await record(code)).toEqual({ status: 'dispatched', history: before.history + 1, audits: before.audits + 1, events: before.events + 1 });
    const [row] = await ctx.db.query<{ action: string; from_status: string; to_status: string; note: string; overdue: boolean; at: Date }>(
      `SELECT h.action, h.from_status, h.to_status, h.note, (h.details ->> 'overdue')::boolean AS overdue, h.at
         FROM incident_history h JOIN incident i ON i.id = h.incident_id WHERE i.code = $1 ORDER BY h.id DESC LIMIT 1`,
      [code],
    );
    expect(row).toMatchObject({ action: 'urge', from_status: 'dispatched', to_status: 'dispatched', note: '已超期，请立即处置并反馈', overdue: true });
    const [event] = await ctx.db.query<{ type: string; scope: string; note: string }>(
      "SELECT type, scope, payload ->> 'note' AS note FROM event_log WHERE payload -> 'incident' ->> 'code' = $1 ORDER BY id DESC LIMIT 1",
      [code],
    );
    const [grid] = await ctx.db.query<{ grid_code: string }>('SELECT grid_code FROM incident WHERE code = $1', [code]);
    expect(event).toEqual({ type: 'incident.urged', scope: grid!.grid_code, note: '已超期，请立即处置并反馈' });
    // The record and the list carry when it was urged; the unit's handler sees it too.
    const urgedAt = row!.at.getTime();
    expect(Date.parse(json(res).properties.urged_at)).toBe(urgedAt);
    expect(Date.parse(json(await read('handler', `/api/incidents/${code}`)).properties.urged_at)).toBe(urgedAt);
    const list = json(await read('dispatcher', `/api/incidents?status=dispatched&limit=1000`));
    expect(Date.parse(list.features.find((f: any) => f.properties.code === code).properties.urged_at)).toBe(urgedAt);
  });

  it("gives an incident's possible duplicates with their positions, to those who may see it, within their scope", async () => {
    const first = await newIncident('streetlight_fault', [inGrid[0] + 0.0002, inGrid[1]]);
    await newIncident('cooking_fume', inGrid);
    const code = await newIncident('streetlight_fault', inGrid);
    const expected = await ctx.db.query<{ code: string; lon: number; lat: number }>(
      `SELECT o.code, ST_X(o.location) lon, ST_Y(o.location) lat FROM incident o, incident i
        WHERE i.code = $1 AND o.id <> i.id AND o.category_code = i.category_code AND o.status <> 'duplicate'
          AND o.reported_at BETWEEN i.reported_at - interval '24 hours' AND i.reported_at
          AND ST_DWithin(o.location::geography, i.location::geography, 50) ORDER BY o.code`,
      [code],
    );
    expect(expected.map((e) => e.code)).toContain(first);
    const [at] = await ctx.db.query<{ lon: number; lat: number }>('SELECT ST_X(location) lon, ST_Y(location) lat FROM incident WHERE code = $1', [code]);

    for (const who of ['dispatcher', 'leader'] as const) {
      const res = await read(who, `/api/incidents/${code}/nearby`);
      expect(res.statusCode, res.body).toBe(200);
      const body = json(res);
      expect(body.location).toEqual([at!.lon, at!.lat]);
      const got = [...body.duplicates].sort((a: any, b: any) => a.code.localeCompare(b.code)).map((d: any) => ({ code: d.code, lon: d.lon, lat: d.lat }));
      expect(got).toEqual(expected);
      expect(body.duplicates.every((d: any) => d.distance_m <= 50)).toBe(true);
    }
    // Outside the caller's scope the incident is not found; roles without the console may not ask; a bad code is named.
    expect((await read('otherLeader', `/api/incidents/${code}/nearby`)).statusCode).toBe(404);
    expect((await read('handler', `/api/incidents/${code}/nearby`)).statusCode).toBe(403);
    const bad = await read('dispatcher', '/api/incidents/NOPE/nearby');
    expect(bad.statusCode).toBe(400);
    expect(json(bad).error.code).toBeTruthy();
  });

  it("shows the grid's workers with their numbers in clear to a dispatcher, auditing each, and notes a call in the history", async () => {
    const code = await newIncident();
    const [{ grid_code: grid }] = (await ctx.db.query<{ grid_code: string }>('SELECT grid_code FROM incident WHERE code = $1', [code])) as [
      { grid_code: string },
    ];
    const expected = await ctx.db.query<{ id: number; name: string; phone: string }>(
      'SELECT w.id, w.name, w.phone FROM grid_worker w JOIN grid_worker_assignment a ON a.worker_id = w.id WHERE a.grid_code = $1 ORDER BY w.id',
      [grid],
    );
    expect(expected.length).toBeGreaterThan(0);
    const audits = async () => (await ctx.db.query<{ n: number }>("SELECT count(*)::int n FROM audit_log WHERE action = 'grid_worker.phone_viewed'"))[0]!.n;
    const seen = await audits();
    const res = await read('dispatcher', `/api/incidents/${code}/contacts`);
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res).workers).toEqual(expected.map((w) => ({ ...w, id: Number(w.id) })));
    expect(await audits()).toBe(seen + expected.length);
    // Leaders and handlers do not get the numbers.
    expect((await read('leader', `/api/incidents/${code}/contacts`)).statusCode).toBe(403);

    const before = await record(code);
    const worker = Number(expected[0]!.id);
    const call = await ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/contacts/${worker}`, headers: as.dispatcher!.write });
    expect(call.statusCode, call.body).toBe(204);
    const [last] = await ctx.db.query<{ action: string; to_status: string; note: string }>(
      'SELECT h.action, h.to_status, h.note FROM incident_history h JOIN incident i ON i.id = h.incident_id WHERE i.code = $1 ORDER BY h.id DESC LIMIT 1',
      [code],
    );
    expect(last).toEqual({ action: 'contact', to_status: 'reported', note: expect.stringContaining(expected[0]!.name) });
    expect(await record(code)).toEqual({ ...before, history: before.history + 1, audits: before.audits + 1 });
    // A worker of another grid: refused, and nothing is noted.
    const [other] = await ctx.db.query<{ id: number }>(
      'SELECT worker_id AS id FROM grid_worker_assignment WHERE grid_code <> $1 AND worker_id NOT IN (SELECT worker_id FROM grid_worker_assignment WHERE grid_code = $1) LIMIT 1',
      [grid],
    );
    const wrong = await ctx.app.inject({ method: 'POST', url: `/api/incidents/${code}/contacts/${other!.id}`, headers: as.dispatcher!.write });
    expect(wrong.statusCode).toBe(400);
    expect(json(wrong).error.message).toContain('worker');
    expect((await record(code)).history).toBe(before.history + 1);
  });
});
